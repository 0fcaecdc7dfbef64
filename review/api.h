/* api.h: the review API: JSON answers over a study's database (ictus.db).
 *
 * Each call opens the database for itself and closes it before returning, so
 * the server's threads share no connection and `ictus run` may write the study
 * at the same time (WAL; a busy writer is waited for up to the store's busy
 * timeout).  Every string taken from the database or the request is escaped
 * by jansson.  The calls never print; each returns an HTTP status and a
 * JSON text: the answer, or {"error": MESSAGE} for a failure.
 */
#ifndef ICTUS_REVIEW_API_H
#define ICTUS_REVIEW_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The HTTP statuses the review server and its API answer with. */
enum {
    ICTUS_HTTP_OK = 200,
    ICTUS_HTTP_NO_CONTENT = 204,
    ICTUS_HTTP_BAD_REQUEST = 400,
    ICTUS_HTTP_FORBIDDEN = 403,
    ICTUS_HTTP_NOT_FOUND = 404,
    ICTUS_HTTP_METHOD_NOT_ALLOWED = 405,
    ICTUS_HTTP_TOO_LARGE = 413,
    ICTUS_HTTP_SERVER_ERROR = 500,
    ICTUS_HTTP_UNAVAILABLE = 503,
};

/* What every call of the API needs to know of its server. */
typedef struct {
    const char *study_dir;  /* the study (study.ini, dosing.csv, recordings/) */
    const char *db_path;    /* STUDY_DIR/ictus.db */
    uint64_t secret;        /* the key of event handles (review/blind.h) */
} ictus_review_ctx;

/* Whether an event has a review. */
typedef enum {
    ICTUS_REVIEWED_ANY = 0,
    ICTUS_REVIEWED_YES,
    ICTUS_REVIEWED_NO,
} ictus_reviewed_filter;

/* Which events GET /api/events lists, and in what order. */
typedef struct {
    const char *animal;          /* NULL: every animal (blinded: a pseudonym) */
    const char *type;            /* NULL: every type (the type as it counts: corrected or detected) */
    const char *day;             /* NULL: every day; else YYYY-MM-DD of the event's start */
    const char *period;          /* NULL: every period; else a period's label (see events) */
    ictus_reviewed_filter reviewed;
    double min_score, max_score; /* score in [min_score, max_score]; 0 and 1: every event
                                    (added and not re-detected entries have no score: listed
                                    unless a bound is given) */
    bool by_time;                /* order by wall-clock start; else by score, lowest first */
    const char *blind;           /* NULL: not blinded; else the reviewer the list is blinded for */
} ictus_review_filter;

/* Filter `f` from the request's query arguments (any may be NULL: absent):
 * animal, type, day, period, reviewed=yes|no, min_score, max_score (numbers
 * in [0, 1]), sort=score|time, blind=REVIEWER.  False, with a message in msg
 * (size msg_size), for a bad value.  f borrows the strings. */
bool ictus_review_filter_parse(ictus_review_filter *f, const char *animal, const char *type,
                               const char *day, const char *period, const char *reviewed,
                               const char *min_score, const char *max_score, const char *sort,
                               const char *blind, char *msg, size_t msg_size);

/* GET /api/events: {"events": [...], "total": N, "unreviewed": N, "added": N,
 * "orphans": N, "animals": [...], "types": [...], "days": [...], "periods": [...]}.
 * The entries are the stored events, the events reviewers added and the
 * decisions whose event a re-run no longer finds (review/queue.h).  Each:
 *   id (its handle: what the other routes take), rec (its recording's handle),
 *   kind (detected|added|orphan), animal, channel, type (as detected), start_s,
 *   end_s (as detected, s from the recording start), duration_s (as it
 *   counts), score (null: added or orphan), and its current decision: verdict
 *   ("" when none), racine (-1: none), ctype (corrected type, "" none),
 *   cstart_s / cend_s (corrected edges, null: none), note, reviewer;
 *   not blinded also: recording (path), start (ISO wall time), day
 *   (YYYY-MM-DD), period (its dosing period's label, "" outside any).
 * Blinded (f->blind): animal is the reviewer's pseudonym, the decisions are
 * that reviewer's own, no recording, start, day or period is sent, animals
 * lists pseudonyms, days and periods are empty, and the order is the
 * reviewer's shuffle (review/blind.h), whatever f->by_time.  total, unreviewed,
 * added and orphans count the listed entries; the lists are of every entry,
 * for the filters.  Sets *json (owned by the caller, free()). */
int ictus_review_api_events(const ictus_review_ctx *ctx, const ictus_review_filter *f,
                            char **json);

/* POST /api/review: append the decision the JSON `body` (len bytes) carries
 * to its event's history.  The event is named by its handle or in full:
 *   {event: ID} or {recording, animal, channel, start_s, end_s}   (as detected)
 * with verdict: seizure|not_seizure|unsure and, optional: type (the corrected
 * type), racine (-1..5), note, reviewer, corrected_start_s and corrected_end_s
 * (the corrected edges, s from the recording start, both or neither).
 * An event the detector missed is added with added: true and its own
 * channel, start_s, end_s, and either event (any entry of its recording) or
 * recording and animal.  now_unix_us is the decision's time (µs since the
 * Unix epoch).  200 {"ok": true, "id": the entry's handle}; 400 for bad
 * JSON, an unknown or missing field, a bad value; 404 for no such event;
 * 503 when the database is busy; 500 otherwise.  Sets *json (caller frees). */
int ictus_review_api_post_review(const ictus_review_ctx *ctx, const char *body, size_t len,
                                 int64_t now_unix_us, char **json);

/* GET /api/history?event=ID[&blind=REVIEWER]: every decision of the entry,
 * newest first: {"history": [{verdict, racine, type, corrected_start_s,
 * corrected_end_s (null: none), note, reviewer, time (ISO, UTC)}]}; blinded,
 * the reviewer's own decisions only.  400 without event; 404 for an unknown
 * handle.  Sets *json (caller frees). */
int ictus_review_api_history(const ictus_review_ctx *ctx, const char *event, const char *blind,
                             char **json);

/* The recording and animal of the entry with handle `event` (for GET
 * /api/signal?event=ID): 200 with *path and *animal set (caller frees both),
 * else 400/404/503/500 with *json set to the error (caller frees). */
int ictus_review_api_resolve(const ictus_review_ctx *ctx, const char *event, char **path,
                             char **animal, char **json);

/* Blinded: the signal answer *json without its wall-clock start (the date
 * could name the period).  Returns `status`, replacing *json. */
int ictus_review_blind_signal(int status, char **json);

/* POST /api/unblind {reviewer}: log "unblind" for the reviewer in the store's
 * audit log and answer the mapping {"reviewer", "animals": [{pseudonym,
 * animal}]} of every animal with an entry.  400 for a bad body or no
 * reviewer.  Sets *json (caller frees). */
int ictus_review_api_unblind(const ictus_review_ctx *ctx, const char *body, size_t len,
                             int64_t now_unix_us, char **json);

/* GET /api/agreement?a=R1&b=R2: the two reviewers' newest verdicts on the
 * events both decided (protocols/agreement.h): {"a", "b", "types": [{type
 * ("all" first), n, agreement (0..1), kappa (null: undefined)}],
 * "disagreements": [{id, animal, channel, start, type, a, b}]}.  400 without
 * two different names.  Sets *json (caller frees). */
int ictus_review_api_agreement(const ictus_review_ctx *ctx, const char *a, const char *b,
                               char **json);

/* Limits of GET /api/signal: columns (a canvas a few thousand pixels wide)
 * and the window's length in seconds. */
#define ICTUS_REVIEW_SIGNAL_MAX_WIDTH 4000
#define ICTUS_REVIEW_SIGNAL_MAX_S 600.0

/* GET /api/signal: every channel of a stored recording in the window
 * [t0_s, t1_s) (s from the recording's start), min/max-decimated to `width`
 * columns (pipeline/excerpt.h): {"start": ISO wall time of t0, "t0_s",
 * "t1_s", "width", "filters": bool, "channels": [{label, unit, fs_hz, min:
 * [...], max: [...]}]}, null in a gap column.  The arguments are the
 * request's strings (NULL: absent): recording (a path the store holds for
 * `animal`, relative to study_dir), animal, t0_s, t1_s, width
 * (1..ICTUS_REVIEW_SIGNAL_MAX_WIDTH), filters (on|off, default off: on
 * applies the high-pass and notch of the study's preset,
 * protocols/study_preset.h).  The file is read as the nightly job reads it
 * (protocols/recording_view.h), so that its labels are the events'.  400
 * for a bad argument or a window longer than ICTUS_REVIEW_SIGNAL_MAX_S; 404
 * for a recording the store does not hold, a stored one now missing (the
 * error names it) or one whose real path leaves the study directory; 503
 * busy; 500 otherwise.  Sets *json (caller frees). */
int ictus_review_api_signal(const char *study_dir, const char *recording, const char *animal,
                            const char *t0_s, const char *t1_s, const char *width,
                            const char *filters, char **json);

#endif
