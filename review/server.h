/* server.h: `ictus serve`'s HTTP server: the review page and its API, behind a token.
 *
 * One server serves one study.  Every request must carry the server's token
 * (query argument `token=` or header `X-Ictus-Token`, compared in constant
 * time), else 403.  Routes, and nothing else (no file is ever served: a path
 * is only ever compared with these, so no path can reach the file system):
 *   GET  /             the review page (review/page.h)
 *   GET  /api/events   the event list (review/api.h)
 *   GET  /api/signal   a window of a stored recording's channels, named by
 *                      recording and animal or by an entry's handle (event=ID;
 *                      with blind=REVIEWER the answer has no wall-clock start)
 *   GET  /api/history  every decision of one entry, newest first
 *   GET  /api/agreement  two reviewers' Cohen's kappa and disagreements
 *   POST /api/review   one decision (appended to the event's history)
 *   POST /api/unblind  a reviewer's pseudonyms, logged in the store's audit log
 *                      (POST bodies: JSON of at most ICTUS_REVIEW_BODY_MAX bytes,
 *                      else 413)
 *   GET  /api/spectrogram  one channel of a window, time x frequency in dB
 *   GET  /api/features     the detector's per-window features over a window
 *   GET  /api/explain      the detector's account of the candidates in a window
 *   GET  /api/recordings   every stored recording: start, duration, channels, video
 *   GET  /api/overview     a whole recording minute by minute: line length per
 *                          channel, analysable share, artefacts, events
 *   GET  /api/video        a recording's video (recordings.csv `video`, the one
 *                          file named there, inside the study): the whole file
 *                          (200) or one byte range (Range: bytes=A-B, A-, -N:
 *                          206 with Content-Range; 416 with the unsatisfied
 *                          Content-Range of RFC 9110 for a range past the
 *                          end or malformed; several ranges: the whole
 *                          file), sent from the file descriptor, so that
 *                          multi-GB files stream without being read in
 * The signal, spectrogram, features, explain and video routes take an entry's
 * handle (event=ID) instead of recording and animal; with blind=REVIEWER an
 * error of theirs names no file.  Every call is review/api.h's.  Another
 * method on a route is 405, another path 404.  A bad request, a client that
 * disconnects or stalls (closed after ICTUS_REVIEW_IDLE_S) never stops the
 * server.  Each connection has a thread of its own (libmicrohttpd's), so
 * that a long answer (an overview streams a whole file) holds up no other;
 * the threads share the server's cache of open recordings and overviews
 * (api.h); they never print.
 */
#ifndef ICTUS_REVIEW_SERVER_H
#define ICTUS_REVIEW_SERVER_H

#include "base/status.h"

/* The default port (README: "Reviewing events"). */
#define ICTUS_REVIEW_DEFAULT_PORT 8470
/* The largest request body accepted: a decision is a few hundred bytes. */
#define ICTUS_REVIEW_BODY_MAX (64 * 1024)
/* Seconds a connection may stay idle before it is closed. */
#define ICTUS_REVIEW_IDLE_S 30
/* Hex digits of the token (128 random bits from /dev/urandom). */
#define ICTUS_REVIEW_TOKEN_LEN 32

typedef struct {
    const char *study_dir;  /* holds ictus.db (written by `ictus run`) */
    const char *bind_addr;  /* an IPv4 or IPv6 address literal, e.g. "127.0.0.1" */
    int port;               /* 0..65535; 0: any free port */
} ictus_review_server_options;

typedef struct ictus_review_server ictus_review_server;

/* Check the study (STUDY_DIR/ictus.db must exist and be an ictus store:
 * ICTUS_ERR_CONFIG otherwise), make a token, and start serving in a thread
 * of the server's own.  ICTUS_ERR_USAGE for an address that is no address
 * literal; ICTUS_ERR_IO when the address cannot be bound (a port in use) or
 * no random bytes can be read.  *out is owned by the caller
 * (ictus_review_server_stop()).  Signals are left alone: a caller that waits
 * for them blocks them first, so that the server's thread inherits the mask. */
ictus_status ictus_review_server_start(const ictus_review_server_options *o,
                                       ictus_review_server **out, ictus_error *err);

/* The port it listens on (the one chosen when o->port was 0). */
int ictus_review_server_port(const ictus_review_server *s);

/* The token, ICTUS_REVIEW_TOKEN_LEN hex digits; owned by the server. */
const char *ictus_review_server_token(const ictus_review_server *s);

/* Stop serving (requests under way are finished or cut) and free; NULL is a no-op. */
void ictus_review_server_stop(ictus_review_server *s);

#endif
