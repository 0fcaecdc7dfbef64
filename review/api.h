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


/* The server's caches of what it made from recording files, kept across
 * requests (review/recording_cache.h): open recordings (8), overviews (256)
 * and explanations (64).  Thread-safe; create once per server, destroy when it stops. */
typedef struct ictus_review_cache ictus_review_cache;
ictus_review_cache *ictus_review_cache_create(void);
void ictus_review_cache_destroy(ictus_review_cache *cache); /* NULL is a no-op */

/* The HTTP statuses the review server and its API answer with. */
enum {
    ICTUS_HTTP_OK = 200,
    ICTUS_HTTP_NO_CONTENT = 204,
    ICTUS_HTTP_BAD_REQUEST = 400,
    ICTUS_HTTP_UNAUTHORIZED = 401,
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

/* GET /api/locate?ref=REF: the handle of the stored event whose stable
 * reference (store.h ictus_store_event_ref(), key 0: what the report's
 * gallery links to as /?event=REF) is `ref`: 200 {"id": HANDLE}; 400 for a
 * ref not 16 lower-case hex digits; 404 when no stored event has it.  Sets
 * *json (caller frees). */
int ictus_review_api_locate(const ictus_review_ctx *ctx, const char *ref, char **json);

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
 * busy; 500 otherwise.  The file is borrowed from `cache` (kept open
 * across requests).  Sets *json (caller frees). */
int ictus_review_api_signal(ictus_review_cache *cache, const char *study_dir,
                            const char *recording, const char *animal, const char *t0_s,
                            const char *t1_s, const char *width, const char *filters,
                            char **json);

/* ========================================================================
 * Seeing the data: spectrogram, features, recordings, overview, video
 * (review/api_signal.c, api_features.c, api_media.c, api_overview.c).
 * Each call takes the request's query arguments through `q`, reads the
 * recording through the server's cache (recording_cache.h) and answers as
 * the calls above: 400 for a bad argument (the message names it), 404 for
 * a recording the store does not hold or a file now missing (named), 503
 * busy, 500 otherwise.  The recording arguments are those of GET
 * /api/signal: recording (a path relative to the study that the store holds
 * for the animal) and animal.
 * ======================================================================== */

/* A request's query arguments: get(ctx, key) is the value of `key`, NULL
 * when absent (owned by the request; valid during the call). */
typedef struct {
    const char *(*get)(void *ctx, const char *key);
    void *ctx;
} ictus_review_query;

/* Limits of GET /api/spectrogram: frequency bins, and columns x n_fft (the
 * samples transformed: 4000 columns of 8192, a second or so of work). */
#define ICTUS_REVIEW_SPECTROGRAM_MAX_BINS 512
#define ICTUS_REVIEW_SPECTROGRAM_MAX_WORK (INT64_C(1) << 25)

/* GET /api/spectrogram: one channel of a window as a time x frequency power
 * matrix (pipeline/excerpt.h's spectrogram).  Arguments: recording, animal,
 * t0_s, t1_s, width (time columns, 1..ICTUS_REVIEW_SIGNAL_MAX_WIDTH),
 * filters (on|off) as for /api/signal; channel (a label of the recording as
 * served, e.g. the event's channel); max_hz (optional: keep bins at or
 * below, default: up to Nyquist); n_fft (optional, 16..65536: samples per
 * PSD; default the power of two nearest half a second of samples).  At most
 * ICTUS_REVIEW_SPECTROGRAM_MAX_BINS bins and width x n_fft at most
 * ICTUS_REVIEW_SPECTROGRAM_MAX_WORK (else 400).  Answer: {"label",
 * "fs_hz", "t0_s", "t1_s", "width", "n_freq", "df_hz", "n_fft", "db_lo",
 * "db_hi", "db": [width * n_freq whole dB re 1 uV^2/Hz, time-major: column
 * t's bins at t * n_freq ..; null where the column's samples are not all
 * there]}; db_lo and db_hi are the 2nd and 99.5th percentiles of the
 * finite values (a display range; equal when there are none). */
int ictus_review_api_spectrogram(ictus_review_cache *cache, const char *study_dir,
                                 const ictus_review_query *q, char **json);

/* GET /api/features: the detector's per-window features (pipeline/features,
 * the columns of features.csv) of every analysed channel over the window
 * [t0_s, t1_s) (recording, animal, t0_s, t1_s as for /api/signal): the
 * study preset's chains run from ICTUS_REVIEW_FEATURES_LEAD_WINDOWS
 * windows (plus the filters' settling) before t0_s, so that the running
 * baselines the spike and artefact columns use are those of the nightly
 * run.  Answer: {"preset", "hop_s", "win_s", "features": [names],
 * "windows": [start_s of each window k on the recording's grid whose start
 * is in the window], "channels": [{"label", "artefact": ["clip|emg", ...
 * per window], "values": [[value per feature, null when not computable]
 * per window]}], "detector": {on_ratio, off_ratio, min_spike_rate,
 * sustain_spike_rate}}.  A window a channel has no frame for (a gap) has
 * artefact "gap" and every value null. */
int ictus_review_api_features(ictus_review_cache *cache, const char *study_dir,
                              const ictus_review_query *q, char **json);

/* GET /api/overview: a whole recording (recording, animal as for
 * /api/signal) minute by minute, for the overview strip: {"recording",
 * "animal", "start" (ISO wall time of its first sample), "start_wall_s" (that
 * time in s since 1970-01-01T00:00, naive local), "duration_s", "bucket_s"
 * (60: the store's buckets), "channels": [{"label", "line_length": [mean
 * line length in uV/s of each minute's samples, null when it has none]}],
 * "analysable": [share of each minute the store counts analysable for the
 * animal, 0..1; null when the store holds no series], "artefact_windows":
 * [windows flagged with any artefact whose centre is in the minute],
 * "events": [{start_s, end_s, channel, type, score, verdict, added}] of
 * this recording and animal: the detected events with their current
 * decision's verdict, type and edges (as they count), then the events
 * reviewers added (added true, score null, type "" when the decision has
 * none); "compute_ms": the time the line lengths took (0: computed for an
 * earlier request, kept in the cache until the file changes)}.  The file is read once, from start to end. */
int ictus_review_api_overview(ictus_review_cache *cache, const char *study_dir,
                              const ictus_review_query *q, char **json);

/* GET /api/explain: why the detector kept or dropped what it saw in a
 * window (recording, animal, t0_s, t1_s as for /api/signal, but of any
 * length): the whole
 * recording is run through the study's detection as the nightly job runs
 * it (detectors/recording_detection.h, the study's preset and
 * stimulations, from the file's start: the baselines are the nightly
 * run's), with its explanation of every candidate event (`ictus detect
 * --explain`); the result is kept per file identity and preset, like an
 * overview.  Answer: {"preset", "candidates": [{"start_s", "end_s", "text"}
 * of every candidate overlapping the window, in order; text is the
 * explanation's line: its measures, and the type and score it got or why it
 * was dropped], "compute_ms" (0 when kept from an earlier request)}. */
int ictus_review_api_explain(ictus_review_cache *cache, const char *study_dir,
                             const ictus_review_query *q, char **json);

/* GET /api/recordings: every recording the store holds results for, by
 * animal then start: {"recordings": [{"recording", "animal", "start" (ISO),
 * "start_wall_s" (naive local s since 1970-01-01T00:00), "duration_s",
 * "channels": [labels], "video" (recordings.csv's video file, "" when none),
 * "video_offset_s"}], "animals": [ids]}.  Optional arguments: recording and
 * animal (each keeps only the recordings it names; the server's event=ID
 * gives both), blind (any value: each entry has only duration_s, channels,
 * video ("(blinded)" when there is one, else "") and video_offset_s, and
 * "animals" is empty). */
int ictus_review_api_recordings(ictus_review_cache *cache, const char *study_dir,
                                const ictus_review_query *q, char **json);

/* The video of a recording, for GET /api/video (the server sends its bytes).
 *
 * recordings.csv's `video` column names it: a path relative to
 * STUDY_DIR/recordings/ (as `file` is), optionally followed by "@" and the
 * recording's time in seconds at the video's first frame, e.g.
 * "M01/day1.mp4@12.5" (the video starts 12.5 s into the recording) or
 * "day1.webm@-3" (3 s before it); without "@OFFSET" the offset is 0.  Only
 * that file is ever opened: the row of (recording, animal) must exist and the
 * store must hold the recording for the animal, and the video's real path
 * (STUDY_DIR/recordings/FILE, ".." and symbolic links followed) must lie
 * inside the study's real recordings/ directory (so never the database, nor
 * anything outside the study).
 *
 * Arguments: recording, animal.  On success 0, *fd open for reading (the
 * caller closes it), *size_bytes its size and *mime its MIME type (by
 * extension: mp4 m4v mov webm ogv ogg mkv avi; else
 * application/octet-stream).  Otherwise the HTTP status with *json the
 * error (caller frees): 400 bad arguments; 404 no such recording, no video
 * for it, the video missing (named) or outside recordings/; 500 unreadable. */
int ictus_review_video_open(const char *study_dir, const ictus_review_query *q, int *fd,
                            int64_t *size_bytes, const char **mime, char **json);

#endif
