/* store.h: the results store, STUDY_DIR/ictus.db (SQLite), the single source of truth.
 *
 * What it holds (schema version ICTUS_STORE_SCHEMA_VERSION; the tables and
 * columns are listed in store.c, migrations 1 and 2):
 *   - runs: one row per nightly job (version, host, pid, preset and its full
 *     parameter text, counts, status), and the per-file problems of each run;
 *   - recordings: one row per (file, animal): a file holding several animals
 *     (a channel map per animal in recordings.csv) gives one row per animal.
 *     Each row keeps the file's identity and content hash, its status
 *     (ok | failed | incomplete | stale), and the results it produced: its
 *     channels, its events and its analysable time;
 *   - reviews: what reviewers decided about events (verdict, corrected type
 *     and edges, Racine stage), append-only with history, keyed by recording
 *     (path and content hash), animal, channel and time, not by event row, so
 *     that reprocessing a recording (which replaces its events) keeps them;
 *     events reviewers added; blinding keys and an audit log (migration 2).
 * Every stored event can be traced to its file (path + content hash), the
 * preset and the hash of its parameter text (whose full text is in the run
 * that produced it), and the program version of that run.
 *
 * Times: wall-clock times are naive local int64 µs (walltime.h); times inside
 * a recording are µs from its start; run times (started/ended) are real
 * time, µs since the Unix epoch (UTC), as given by the caller.
 *
 * Lifecycle of a store:
 *   1. ictus_store_open() opens or creates the file, switches it to WAL mode
 *      with foreign keys on and a busy timeout, and migrates an older schema
 *      (each migration in its own transaction);
 *   2. a nightly job: ictus_store_run_start(); per file either
 *      ictus_store_put_recording() (results) or ictus_store_put_failure();
 *      ictus_store_run_problem() for what went wrong; ictus_store_run_finish();
 *   3. the analysis and the report: the queries (events, analysable time,
 *      recordings) and ictus_store_export_events();
 *   4. ictus_store_close().
 * Every write is atomic: a crash (even SIGKILL or power loss) at any point
 * leaves the database as it was before or after the call, never between.
 * ictus_store_begin()/commit() group several writes into one transaction;
 * a write inside such a group is atomic by itself too (a savepoint), so a
 * failed one leaves the group's earlier writes in place.
 *
 * Thread safety: one store handle = one SQLite connection, used by one
 * thread at a time.  Threads that need the database open their own handle;
 * any number of processes may read while one writes (WAL).  A second writer
 * waits up to the busy timeout, then gets ICTUS_ERR_BUSY.  The nightly job
 * writes from one thread.
 */
#ifndef ICTUS_STORE_H
#define ICTUS_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "pipeline/event.h"
#include "base/filehash.h"
#include "base/grid.h"
#include "base/status.h"

/* The schema version this program writes (PRAGMA user_version).  A database
 * with a newer version is refused; an older one is migrated on open. */
#define ICTUS_STORE_SCHEMA_VERSION 4

/* Analysable time is kept in the window grid's buckets from the recording
 * start (base/grid.h: 60 s, the last one cut at the recording's end). */
#define ICTUS_STORE_BUCKET_US ICTUS_GRID_BUCKET_US
/* New series store each bucket's analysable time as a uint16 count of this
 * unit (1 ms: a full bucket is 60000), rounded to the nearest.  Every row
 * keeps its own unit (column unit_us) and is read in it, so databases written
 * with the old unit (0.1 s) still read correctly.  Why 1 ms: a bucket's
 * clean time is any whole number of µs (with a 0.25 s hop and 2 s windows,
 * a clean bucket 0 holds 59.125 s), and 1 ms keeps the rounding within
 * 0.5 ms per bucket for every grid while a full bucket (60000) still fits
 * the uint16. */
#define ICTUS_STORE_ANALYSABLE_UNIT_US INT64_C(1000)
/* Bounds that mean "no limit" in time-range queries. */
#define ICTUS_STORE_TIME_MIN INT64_MIN
#define ICTUS_STORE_TIME_MAX INT64_MAX
/* The channel name of the animal-level series and of multi-channel events. */
#define ICTUS_STORE_ALL_CHANNELS "*"

typedef struct ictus_store ictus_store;

/* ------------------------------------------------------------------------
 * Opening and transactions
 * ---------------------------------------------------------------------- */

/* Open (creating when absent) the database file `path`, usually
 * STUDY_DIR/ictus.db.  On success *out is a new handle owned by the caller
 * (ictus_store_close()).  Errors, each naming the file: ICTUS_ERR_IO when the
 * file cannot be opened or created (missing directory, no permission);
 * ICTUS_ERR_FORMAT when it is not an SQLite database, or an SQLite database
 * of another program; ICTUS_ERR_DB when it comes from a newer ictus (schema
 * version above ICTUS_STORE_SCHEMA_VERSION) or a migration fails (the file is
 * then left at its last complete version); ICTUS_ERR_BUSY when another
 * process holds it locked for longer than the busy timeout. */
ictus_status ictus_store_open(const char *path, ictus_store **out, ictus_error *err);

/* Close; NULL is a no-op.  An open transaction is rolled back. */
void ictus_store_close(ictus_store *s);

/* The schema version of the open database (ICTUS_STORE_SCHEMA_VERSION after open). */
int ictus_store_schema_version(ictus_store *s);

/* The underlying SQLite connection, for tests and diagnostic tools (reading
 * only; writing through it bypasses the rules above).  Owned by the store. */
struct sqlite3 *ictus_store_db(ictus_store *s);

/* Start a write transaction (BEGIN IMMEDIATE: takes the write lock now, so
 * the transaction cannot fail later for lack of it).  Transactions do not nest. */
ictus_status ictus_store_begin(ictus_store *s, ictus_error *err);
/* Commit the transaction begin() started. */
ictus_status ictus_store_commit(ictus_store *s, ictus_error *err);
/* Roll it back; a no-op when none is open. */
void ictus_store_rollback(ictus_store *s);

/* Start a read transaction (BEGIN DEFERRED) unless a transaction is open:
 * the queries until ictus_store_read_end() see one snapshot and take the
 * database's locks once, not once per statement (a plan's or an analysis'
 * thousands of small queries).  *began says whether this call started one;
 * pass it to ictus_store_read_end(), which ends only a transaction this
 * call began.  Writing inside it is allowed (it then needs the write lock,
 * and can fail busy where BEGIN IMMEDIATE would have waited). */
ictus_status ictus_store_read_begin(ictus_store *s, bool *began, ictus_error *err);
void ictus_store_read_end(ictus_store *s, bool began);

/* ------------------------------------------------------------------------
 * Runs
 * ---------------------------------------------------------------------- */

/* What a run is; all strings are copied, NULL is not allowed. */
typedef struct {
    int64_t started_unix_us;   /* real time the run started, µs since the Unix epoch */
    const char *version;       /* program version (ICTUS_VERSION) */
    const char *host;          /* host name */
    int64_t pid;               /* process id */
    const char *preset;        /* preset id, "name@version" */
    const char *params_text;   /* the full parameter text (every section.key=value);
                                  its hash (ictus_hash_bytes) is what recordings refer to */
} ictus_store_run_info;

/* How a run ended (runs.status); a run still 'running' after its process
 * died was interrupted. */
typedef enum {
    ICTUS_RUN_RUNNING = 0, /* started, not finished */
    ICTUS_RUN_OK,          /* every file processed or skipped */
    ICTUS_RUN_PROBLEMS,    /* finished, but some files failed or input rows were rejected */
    ICTUS_RUN_FAILED,      /* stopped by an error */
    ICTUS_RUN_INTERRUPTED, /* stopped by SIGINT or SIGTERM after its last transaction
                              (schema version 3) */
    ICTUS_N_RUN_STATUS
} ictus_run_status;

/* Name stored in runs.status ("running", "ok", "problems", "failed", "interrupted"). */
const char *ictus_run_status_name(ictus_run_status st);

typedef struct {
    int64_t ended_unix_us;
    ictus_run_status status;    /* not ICTUS_RUN_RUNNING */
    int64_t files_new;          /* processed for the first time */
    int64_t files_changed;      /* processed again: content, preset or parameters changed */
    int64_t files_skipped;      /* unchanged since their stored results */
    int64_t files_failed;
    int64_t files_incomplete;   /* still being written; left for the next run */
    int64_t events_found;       /* events stored by this run */
} ictus_store_run_end;

/* Insert a run row with status 'running'; *run_id is its id (> 0). */
ictus_status ictus_store_run_start(ictus_store *s, const ictus_store_run_info *info,
                                   int64_t *run_id, ictus_error *err);

/* Record the end of run `run_id` and its counts.  ICTUS_ERR_DB when there is
 * no such run. */
ictus_status ictus_store_run_finish(ictus_store *s, int64_t run_id, const ictus_store_run_end *end,
                                    ictus_error *err);

/* The latest run row, to tell whether the previous run was interrupted. */
typedef struct {
    int64_t id;
    int64_t started_unix_us;
    char host[256];
    int64_t pid;
    ictus_run_status status;  /* RUNNING after its process died: interrupted */
} ictus_store_run_row;

/* The run with the highest id; *found false when there is none. */
ictus_status ictus_store_last_run(ictus_store *s, ictus_store_run_row *out, bool *found,
                                  ictus_error *err);

/* A run as the runs table holds it: what the report's "what changed" compares. */
typedef struct {
    ictus_store_run_row row;
    int64_t ended_unix_us;      /* 0 while running (or interrupted) */
    char version[64];           /* the program version that ran it */
    char *preset;               /* owned: "name@version" (or the study's presets) */
    char *params_text;          /* owned: every section.key=value line of its parameters */
    ictus_store_run_end end;    /* its counts (zero while running) */
} ictus_store_run_detail;

/* The newest `max` runs (max ≥ 1), newest first, into out[0..*n).  Free
 * each with ictus_store_run_detail_clear(). */
ictus_status ictus_store_recent_runs(ictus_store *s, int max, ictus_store_run_detail *out, int *n,
                                     ictus_error *err);

/* Free what a detail owns and zero it; a zeroed detail is a no-op. */
void ictus_store_run_detail_clear(ictus_store_run_detail *d);

/* Kinds of per-file problems (run_problems.kind). */
typedef enum {
    ICTUS_PROBLEM_FAILED = 0, /* the file (or manifest row) was rejected */
    ICTUS_PROBLEM_INCOMPLETE, /* the file is still being written */
    ICTUS_PROBLEM_WARNING,    /* processed, with a remark */
    ICTUS_N_PROBLEM_KINDS
} ictus_problem_kind;

/* Name stored in run_problems.kind ("failed", "incomplete", "warning"). */
const char *ictus_problem_kind_name(ictus_problem_kind kind);

/* Record a problem of run `run_id` with `path` (a recording, or a manifest
 * such as "dosing.csv") and its one-line message. */
ictus_status ictus_store_run_problem(ictus_store *s, int64_t run_id, const char *path,
                                     ictus_problem_kind kind, const char *message,
                                     ictus_error *err);

/* ------------------------------------------------------------------------
 * Recordings and their results
 * ---------------------------------------------------------------------- */

/* Status of a recording (recordings.status). */
typedef enum {
    ICTUS_REC_OK = 0,     /* its stored results are those of its current content */
    ICTUS_REC_FAILED,     /* the last attempt failed (error says why) */
    ICTUS_REC_INCOMPLETE, /* the file was still being written at the last attempt */
    ICTUS_REC_STALE,      /* the stored results no longer match the file (changed or removed)
                             or the current preset; to be processed again */
    ICTUS_N_REC_STATUS
} ictus_rec_status;

/* Name stored in recordings.status ("ok", "failed", "incomplete", "stale"). */
const char *ictus_rec_status_name(ictus_rec_status st);

/* The file a recording comes from, as seen by the run looking at it. */
typedef struct {
    const char *path;          /* relative to the study directory, e.g. "recordings/m1/d1.edf" */
    const char *animal;        /* the animal whose channels this row covers */
    ictus_file_identity identity;
    const ictus_hash128 *content_hash; /* NULL when not known (e.g. not read: still written) */
    int64_t run_id;            /* the run doing this (> 0) */
} ictus_store_file;

/* One channel of a recording. */
typedef struct {
    const char *label;         /* as in the results (study channel map or file header) */
    double fs_hz;              /* sampling rate in the file */
    const char *unit;          /* physical unit in the file ("uV", ...) */
    const char *role;          /* what it records, e.g. "HPC", "CTX", "EMG"; "" when unknown */
    bool analysed;             /* features and detection ran on it */
} ictus_store_channel;

/* Number of artefact kinds counted per bucket: the ICTUS_ART_* flags of
 * features.h, in bit order (clip, flat, extreme, emg, gap). */
#define ICTUS_STORE_N_ARTEFACT_KINDS 5

/* Analysable time of one channel (or the animal: channel "*") over one
 * recording, in buckets of ICTUS_STORE_BUCKET_US from the recording start.
 * There must be exactly ictus_grid_n_buckets(duration_us) buckets; the last
 * one may be shorter.  Bucket b's value is its analysable time (recording
 * present, no artefact, no dropout) in µs, from 0 to the bucket's length
 * (ictus_grid_bucket_len_us()); it is stored in units of
 * ICTUS_STORE_ANALYSABLE_UNIT_US. */
typedef struct {
    const char *channel;               /* a channel label, or "*" for the animal */
    int64_t n_buckets;
    const int64_t *analysable_us;      /* [n_buckets] */
    /* [n_buckets][ICTUS_STORE_N_ARTEFACT_KINDS]: windows flagged with each
     * artefact kind whose centre falls in the bucket; NULL means none. */
    const uint16_t *artefact_windows;
} ictus_store_series;

/* Everything one processing of a recording produced. */
typedef struct {
    ictus_store_file file;             /* content_hash must not be NULL */
    const char *format;                /* ictus_format_name(), e.g. "EDF+D" */
    int64_t start_us;                  /* naive local wall-clock time of the first sample */
    int64_t duration_us;               /* > 0 */
    int64_t n_gaps;                    /* gaps inside the file (EDF+D) */
    int64_t gap_us;                    /* their total length */
    const char *preset;                /* "name@version" */
    ictus_hash128 params_hash;         /* ictus_hash_bytes() of the run's params_text */
    int n_channels;
    const ictus_store_channel *channels;
    int64_t n_events;
    const ictus_event *events;         /* wall_start_us filled in; any order */
    int n_series;
    const ictus_store_series *series;  /* at most one per channel name */
} ictus_store_results;

/* Store the results of one processing of a recording, in one transaction
 * (a savepoint inside begin()/commit()): insert or update the recording row
 * (keyed by path and animal; its id stays the same), replace its channels,
 * events and analysable-time series (the old ones are deleted), and set its
 * status to ok with no error.  first_run_id is set when the row is new;
 * last_run_id and results_run_id become file.run_id.  A crash at any point
 * leaves the old results or the new ones, never a mix.  Reviews are kept.
 * Errors: ICTUS_ERR_DATA when the results break the rules above (an event
 * with end <= start, a series with the wrong bucket count or a bucket over
 * its length, two series for one channel...), the message naming the path,
 * the animal and the item; ICTUS_ERR_DB / ICTUS_ERR_BUSY from SQLite.  On
 * error nothing is changed. */
ictus_status ictus_store_put_recording(ictus_store *s, const ictus_store_results *res,
                                       ictus_error *err);

/* Record that the last attempt at a recording ended in `status` (failed,
 * incomplete or stale) with `message` (one line).  The row is created when
 * new; its identity and content hash become the file's (no hash when
 * file->content_hash is NULL); last_run_id becomes file->run_id.  Its previous results (results_*
 * columns, channels, events, analysable time) are NOT touched: they stay in
 * the store and in every query until a later put_recording() replaces them,
 * so one bad night does not erase weeks of results; the status tells the
 * report to flag them.  Atomic like put_recording(). */
ictus_status ictus_store_put_failure(ictus_store *s, const ictus_store_file *file,
                                     ictus_rec_status status, const char *message,
                                     ictus_error *err);

/* Delete the recording (path, animal) with its channels, events and
 * analysable time, e.g. when its file was taken out of the study.  Reviews
 * stay (they are keyed by path, not by row).  *deleted says whether there
 * was such a row. */
ictus_status ictus_store_delete_recording(ictus_store *s, const char *path, const char *animal,
                                          bool *deleted, ictus_error *err);

/* A file's content is unchanged but its identity changed (touched, copied
 * back, restored): record the new identity and last run on every row of
 * `path`, keeping its results.  Use inside the file's transaction. */
ictus_status ictus_store_touch_recording(ictus_store *s, const char *path,
                                         const ictus_file_identity *identity, int64_t run_id,
                                         ictus_error *err);

/* Call fn for each stored channel of recording row `recording_id`, in
 * channel order (idx is 0-based in the file); the strings are valid during
 * the call.  A status other than ICTUS_OK from fn stops the walk. */
typedef ictus_status (*ictus_store_channel_fn)(void *ctx, int idx, const ictus_store_channel *ch,
                                               ictus_error *err);
ictus_status ictus_store_each_channel(ictus_store *s, int64_t recording_id,
                                      ictus_store_channel_fn fn, void *ctx, ictus_error *err);

/* Call fn for every stored channel of every recording row, ordered by
 * recording row id, then channel (idx 0-based); the strings are valid
 * during the call.  One query for the whole study, streamed (the nightly
 * plan compares channel maps with it, the hyperthermia analysis looks for
 * temperature channels): not a query per recording.  A status other than
 * ICTUS_OK from fn stops the walk. */
typedef ictus_status (*ictus_store_any_channel_fn)(void *ctx, int64_t recording_id, int idx,
                                                   const ictus_store_channel *ch,
                                                   ictus_error *err);
ictus_status ictus_store_each_channel_all(ictus_store *s, ictus_store_any_channel_fn fn,
                                          void *ctx, ictus_error *err);

/* ictus_store_each_channel_all(), the recordings ordered by path, then
 * animal (ictus_store_each_plan_row()'s order), then channel: a walk
 * beside the plan's rows, with nothing to sort on either side. */
ictus_status ictus_store_each_channel_by_path(ictus_store *s, ictus_store_any_channel_fn fn,
                                              void *ctx, ictus_error *err);

/* Call fn once per animal of the stored recording rows, in
 * ictus_store_each_recording()'s animal order (byte order), with its
 * number of rows, their events and the rows whose status is not ok: what
 * summing each_recording()'s rows per animal gives, in one query (the
 * nightly summary).  `animal` is valid during the call. */
typedef ictus_status (*ictus_store_totals_fn)(void *ctx, const char *animal, int64_t recordings,
                                              int64_t events, int64_t not_ok, ictus_error *err);
ictus_status ictus_store_animal_totals(ictus_store *s, ictus_store_totals_fn fn, void *ctx,
                                       ictus_error *err);

/* A recording row.  Every string is owned by the struct (free with
 * ictus_store_recording_clear()); in an ictus_store_each_recording() callback
 * the store frees them after the callback returns. */
typedef struct {
    int64_t id;
    char *path;
    char *animal;
    ictus_rec_status status;
    char *error;                     /* "" when none */
    /* The file at the last attempt. */
    ictus_file_identity identity;
    bool has_content_hash;
    ictus_hash128 content_hash;
    int64_t first_run_id, last_run_id;
    /* The stored results (has_results false: none yet). */
    bool has_results;
    ictus_hash128 results_hash;      /* content hash of the file they came from */
    char *format;
    int n_channels;
    int64_t start_us, duration_us, n_gaps, gap_us;
    char *preset;
    ictus_hash128 params_hash;
    int64_t results_run_id;
    int64_t n_events;
} ictus_store_recording;

/* Free the strings of `rec` and zero it; a zeroed struct is a no-op. */
void ictus_store_recording_clear(ictus_store_recording *rec);

/* Look a recording up by path and animal (animal NULL: the first row of the
 * path in animal order).  *found says whether there is one; when it is, *rec
 * is filled and owned by the caller (ictus_store_recording_clear()). */
ictus_status ictus_store_find_recording(ictus_store *s, const char *path, const char *animal,
                                        ictus_store_recording *rec, bool *found, ictus_error *err);

/* Call fn for every recording, ordered by animal then path (byte order, as
 * strcmp() orders them).  A status other than ICTUS_OK from fn stops the
 * walk and is returned. */
typedef ictus_status (*ictus_store_recording_fn)(void *ctx, const ictus_store_recording *rec,
                                                 ictus_error *err);
ictus_status ictus_store_each_recording(ictus_store *s, ictus_store_recording_fn fn, void *ctx,
                                        ictus_error *err);

/* A recording row as the study-wide listings of the analysis and the report
 * read it: no file identity, format, preset or parameters, content hash or
 * event count, each of which costs per row (a count is a subquery) when
 * 160,000 rows are listed several times a night.  has_results as in
 * ictus_store_recording.  The strings are valid during the callback. */
typedef struct {
    int64_t id;
    const char *path, *animal;
    ictus_rec_status status;
    bool has_results;
    int64_t start_us, duration_us;
} ictus_store_recording_span;

/* Call fn for every recording, in ictus_store_each_recording()'s order (by
 * animal, then path, byte order), with the columns above.  A status other
 * than ICTUS_OK from fn stops the walk and is returned. */
typedef ictus_status (*ictus_store_span_fn)(void *ctx, const ictus_store_recording_span *rec,
                                            ictus_error *err);
ictus_status ictus_store_each_recording_span(ictus_store *s, ictus_store_span_fn fn, void *ctx,
                                             ictus_error *err);
/* A recording row as the nightly plan (nightly/plan.h) compares it with
 * the study: the columns of ictus_store_recording it reads, about half
 * its size (a study keeps one per file for a night).  In an
 * ictus_store_each_plan_row() callback the strings are the store's, valid
 * during the call; the fields mean what ictus_store_recording's mean. */
typedef struct {
    int64_t id;
    const char *path, *animal, *error, *preset;
    ictus_rec_status status;
    bool has_content_hash;
    bool has_results;                /* results_hash is set */
    ictus_file_identity identity;
    ictus_hash128 content_hash;
    ictus_hash128 params_hash;
    int64_t start_us;
} ictus_store_plan_row;

/* Call fn for every recording row, ordered by path then animal (byte
 * order, as strcmp() orders them): the order a walk over a sorted listing
 * of the study's files can merge with.  A status other than ICTUS_OK from
 * fn stops the walk and is returned. */
typedef ictus_status (*ictus_store_plan_row_fn)(void *ctx, const ictus_store_plan_row *row,
                                                ictus_error *err);
ictus_status ictus_store_each_plan_row(ictus_store *s, ictus_store_plan_row_fn fn, void *ctx,
                                       ictus_error *err);

/* How many recording rows the store holds (*n). */
ictus_status ictus_store_count_recordings(ictus_store *s, int64_t *n, ictus_error *err);

/* ------------------------------------------------------------------------
 * Reviews: decisions, with history
 *
 * The reviews table is append-only: every decision is a new row, and a
 * changed decision keeps the earlier ones (the event's history).  A review
 * names its event by recording (path, and the recording's content hash when
 * reviewed), animal, channel and the event's edges as detected when reviewed
 * (start_us/end_us, µs from the recording start), not by event row, so that
 * re-detection (which replaces a recording's events) keeps it.
 *
 * Matching: a (non-added) review belongs to a stored event of recording row
 * r when (review.content_hash = r.results_hash OR review.path = r.path), the
 * animal is the same and their times overlap (review start < event end and
 * review end > event start); the channel is not compared.  So a re-detected
 * event with shifted edges keeps its review, and so does a renamed or moved
 * file (same content hash).
 * An event's current decision is the newest matching review over all
 * reviewers (reviewed_unix_us, then row id); a reviewer's own current
 * decision is their newest one.
 * Added events (a reviewer's event the detector missed, `added` true) never
 * match detected events; they are their own events, named by recording,
 * animal, channel and start_us/end_us exactly (their edges when added; a later
 * correction of their edges goes into fixed_start_us/fixed_end_us).
 * ---------------------------------------------------------------------- */

/* What a reviewer decided about an event. */
typedef enum {
    ICTUS_VERDICT_NONE = 0,     /* not reviewed (never stored) */
    ICTUS_VERDICT_SEIZURE,      /* confirmed */
    ICTUS_VERDICT_NOT_SEIZURE,  /* a false detection */
    ICTUS_VERDICT_UNSURE,
    ICTUS_N_VERDICTS
} ictus_verdict;

/* Name stored in reviews.verdict ("", "seizure", "not_seizure", "unsure"). */
const char *ictus_verdict_name(ictus_verdict v);

/* The verdict named `name` ("seizure", "not_seizure", "unsure"); NONE for
 * any other text. */
ictus_verdict ictus_verdict_parse(const char *name);

/* One decision.  The fields after `note` left zero (designated
 * initializers) make a decision on the event as detected. */
typedef struct {
    const char *path, *animal;   /* the recording */
    const char *channel;         /* the event's channel */
    int64_t start_us, end_us;    /* the event as detected when reviewed (added: its edges),
                                    µs from the recording start, end > start */
    ictus_verdict verdict;       /* not NONE */
    int racine;                  /* Racine stage 0..5 from video, -1 when not scored */
    const char *reviewer;
    int64_t reviewed_unix_us;    /* real time of the review, µs since the Unix epoch */
    const char *note;            /* "" when none */
    const char *type;            /* corrected type (< ICTUS_TYPE_MAX bytes); NULL or "": as
                                    detected */
    bool has_fixed_edges;        /* corrected edges below (else: as detected) */
    int64_t fixed_start_us, fixed_end_us; /* µs from the recording start, end > start */
    bool added;                  /* an event the detector missed, added by the reviewer */
} ictus_store_review;

/* Append a decision (never replaces one).  Its content_hash becomes the
 * stored results_hash of recording (path, animal) when there is one (NULL
 * otherwise).  Errors: ICTUS_ERR_DATA (naming the recording and the event)
 * for end <= start, corrected edges with end <= start, a Racine stage
 * outside -1..5, a type too long; ICTUS_ERR_BUSY when another writer holds
 * the database beyond the busy timeout (nothing stored: the caller retries
 * or reports it); ICTUS_ERR_DB otherwise.  One short transaction. */
ictus_status ictus_store_put_review(ictus_store *s, const ictus_store_review *review,
                                    ictus_error *err);

/* A stored decision with where it stands.  Strings are valid during the
 * callback only. */
typedef struct {
    int64_t id;                     /* reviews.id */
    ictus_store_review review;      /* type "" when none; note "" when none */
    bool has_content_hash;
    ictus_hash128 content_hash;     /* the recording's content when reviewed */
    /* The stored recording the decision belongs to (same animal, path or
     * content hash; the path first): recording_id 0 when none. */
    int64_t recording_id;
    const char *recording_path;     /* its current path ("" when none) */
    int64_t recording_start_us;     /* its wall-clock start (naive local µs) */
} ictus_store_decision;

typedef ictus_status (*ictus_store_decision_fn)(void *ctx, const ictus_store_decision *d,
                                                ictus_error *err);

/* Every decision about one event, newest first: for a detected event
 * (added false) the reviews matching the event [start_us, end_us) of
 * recording (path, animal) as above (by path or by the recording's stored
 * content hash); for an added event (added true) the added reviews with
 * exactly that path (as the added event's decision holds it:
 * ictus_store_decision.review.path, which a renamed recording does not
 * change), animal and edges, on any channel.  A status other than ICTUS_OK
 * from fn stops the walk and is returned. */
ictus_status ictus_store_review_history(ictus_store *s, const char *path, const char *animal,
                                        int64_t start_us, int64_t end_us, bool added,
                                        ictus_store_decision_fn fn, void *ctx, ictus_error *err);

/* The current decision of every added event (animal NULL: of every animal),
 * ordered by animal, recording path, start.  Whatever its verdict (a
 * rejected added event is listed with verdict not_seizure). */
ictus_status ictus_store_each_added(ictus_store *s, const char *animal,
                                    ictus_store_decision_fn fn, void *ctx, ictus_error *err);

/* "Reviewed, not re-detected": the newest decision of each reviewed event
 * (path, animal, channel, start_us, end_us as reviewed) that matches no stored
 * event any more, added events excluded; animal NULL: every animal.  Ordered
 * by animal, path, start. */
ictus_status ictus_store_each_orphan(ictus_store *s, const char *animal,
                                     ictus_store_decision_fn fn, void *ctx, ictus_error *err);

/* ------------------------------------------------------------------------
 * Blinding keys and the review audit log
 * ---------------------------------------------------------------------- */

#define ICTUS_STORE_KEY_BYTES 16

/* The blinding key of `reviewer` (random bytes, created and stored on first
 * use, the same ever after) into key[ICTUS_STORE_KEY_BYTES]. */
ictus_status ictus_store_reviewer_key(ictus_store *s, const char *reviewer,
                                      uint8_t key[ICTUS_STORE_KEY_BYTES], ictus_error *err);

/* Append a line to the audit log: `reviewer` did `action` (e.g. "unblind")
 * with `detail` ("" when none) at at_unix_us (µs since the Unix epoch). */
ictus_status ictus_store_audit_append(ictus_store *s, const char *reviewer, const char *action,
                                      const char *detail, int64_t at_unix_us, ictus_error *err);

/* One audit line; strings valid during the callback. */
typedef struct {
    int64_t id;
    const char *reviewer, *action, *detail;
    int64_t at_unix_us;
} ictus_store_audit_row;

typedef ictus_status (*ictus_store_audit_fn)(void *ctx, const ictus_store_audit_row *row,
                                             ictus_error *err);

/* Every audit line (reviewer NULL: of every reviewer), oldest first. */
ictus_status ictus_store_each_audit(ictus_store *s, const char *reviewer,
                                    ictus_store_audit_fn fn, void *ctx, ictus_error *err);

/* ------------------------------------------------------------------------
 * Queries
 * ---------------------------------------------------------------------- */

/* One stored event with where it comes from and its current decision; the
 * strings are valid during the callback only. */
typedef struct {
    ictus_event event;           /* as detected */
    const char *path, *animal, *preset;
    int64_t recording_id;
    ictus_verdict verdict;       /* of the current decision (above); NONE when none */
    int racine;                  /* from it; -1 when none or not scored */
    int64_t review_id;           /* reviews.id of the current decision; 0 when none */
    const char *reviewer;        /* its reviewer ("" when none) */
    int64_t reviewed_unix_us;    /* its time (0 when none) */
    const char *note;            /* its note ("" when none) */
    const char *fixed_type;      /* the corrected type ("" when none) */
    bool has_fixed_edges;        /* corrected edges (µs from the recording start) */
    int64_t fixed_start_us, fixed_end_us;
} ictus_store_event_row;

/* The event as it counts: the corrected type and edges when the current
 * decision has them (wall_start_us moved with the start), else as detected. */
ictus_event ictus_store_event_effective(const ictus_store_event_row *row);

/* Bytes of an event reference: 16 hex digits and the NUL. */
#define ICTUS_STORE_EVENT_REF_SIZE 17

/* The reference of an event into ref (ICTUS_STORE_EVENT_REF_SIZE bytes): 16
 * lower-case hex digits of ictus_hash_fields(key, {path, animal, channel},
 * start_us) (base/filehash.h) over the event's identity as reviews name it:
 * the recording's stored path, the animal, the channel and the start as
 * detected (µs from the recording start).  key 0 gives the event's stable
 * reference, the same in every run that detects the event at the same
 * start: what the report's gallery links to (`ictus serve`'s
 * /?event=REF); the review server's handles are the same with its secret
 * as key (review/blind.h), so that they cannot be told without it. */
void ictus_store_event_ref(uint64_t key, const char *path, const char *animal,
                           const char *channel, int64_t start_us, char *ref);

/* Which events: animal NULL means every animal; wall-clock start in
 * [t0_us, t1_us) (ICTUS_STORE_TIME_MIN / _MAX for no limit); reviewer NULL:
 * the current decision is the newest of every reviewer, else the newest of
 * that reviewer only (for agreement between reviewers). */
typedef struct {
    const char *animal;
    int64_t t0_us, t1_us;
    const char *reviewer;
} ictus_store_event_query;

/* Call fn for each matching event, ordered by animal, wall-clock start,
 * recording path, channel, type (deterministic).  A status other than
 * ICTUS_OK from fn stops the walk and is returned.  An event whose channel
 * or type is longer than ictus_event holds (a database ictus did not write)
 * stops the walk with ICTUS_ERR_DB naming its recording. */
typedef ictus_status (*ictus_store_event_fn)(void *ctx, const ictus_store_event_row *row,
                                             ictus_error *err);
ictus_status ictus_store_each_event(ictus_store *s, const ictus_store_event_query *q,
                                    ictus_store_event_fn fn, void *ctx, ictus_error *err);

/* Analysable seconds of `animal` on `channel` ("*": the animal-level series)
 * within the wall-clock range [t0_us, t1_us), over all its recordings.  A
 * bucket partly inside the range counts pro rata (its analysable time is
 * taken as spread evenly over it).  Where recordings of the animal overlap in
 * time, each instant counts once, at the largest analysable share among them,
 * so the result never exceeds the range's length.  0 when nothing is stored. */
ictus_status ictus_store_analysable_s(ictus_store *s, const char *animal, const char *channel,
                                      int64_t t0_us, int64_t t1_us, double *seconds,
                                      ictus_error *err);

/* Write every event to `out_path` as events.csv (event.h), ordered as
 * ictus_store_each_event().  The recording column is the stored path. */
ictus_status ictus_store_export_events(ictus_store *s, const char *out_path, ictus_error *err);

/* ========================================================================
 * A recording's analysable time per bucket (store_series.c), as stored by
 * ictus_store_put_recording(): for the review server's overview strip.
 * ====================================================================== */

/* One stored series, decoded.  Owned by the struct (free with
 * ictus_store_bucket_series_clear()). */
typedef struct {
    int64_t bucket_us;           /* the buckets' length, from the recording start */
    int64_t n_buckets;
    int64_t *analysable_us;      /* [n_buckets]: analysable µs of each bucket (to the stored
                                    ICTUS_STORE_ANALYSABLE_UNIT_US) */
    uint16_t *artefact_windows;  /* [n_buckets][ICTUS_STORE_N_ARTEFACT_KINDS]: windows flagged
                                    with each kind whose centre falls in the bucket */
} ictus_store_bucket_series;

/* The series of recording row `recording_id` (ictus_store_recording.id)
 * for `channel` (a label, or "*" for the animal).  *found says whether
 * there is one; when it is, *out is filled (caller clears).  A row whose
 * blobs are shorter than its bucket count says is ICTUS_ERR_DB. */
ictus_status ictus_store_get_series(ictus_store *s, int64_t recording_id, const char *channel,
                                    ictus_store_bucket_series *out, bool *found,
                                    ictus_error *err);

/* Free what get_series filled and zero it; a zeroed struct is a no-op. */
void ictus_store_bucket_series_clear(ictus_store_bucket_series *b);

/* ========================================================================
 * Forgetting a recording on purpose (store_forget.c): `ictus forget`, for a
 * recording taken out of the study whose rows the nightly job keeps (stale)
 * so that a missing disk does not erase weeks of results.
 * ====================================================================== */

/* What the store holds about one path. */
typedef struct {
    int64_t rows;            /* recording rows of the path (one per animal) */
    int64_t events;          /* their stored events */
    int64_t reviews;         /* review decisions naming the path, history included */
    bool reviews_deleted;    /* ictus_store_forget() deleted them (drop_reviews) */
} ictus_store_forget_counts;

/* Count what ictus_store_forget(s, path, ...) would find (reading only). */
ictus_status ictus_store_forget_count(ictus_store *s, const char *path,
                                      ictus_store_forget_counts *out, ictus_error *err);

/* Delete every recording row of `path` (every animal) with its channels,
 * events and analysable time; with drop_reviews also every review decision
 * whose path is `path` (added events and history included; decisions made
 * under another path stay, even with the same content).  Without it the
 * decisions stay: they are human work, and they match the recording again
 * if it comes back.  The runs' log (runs, run_problems) is history and
 * stays.  *out: the counts found before deleting.  Call inside
 * ictus_store_begin()/commit(), so that several paths go together or not
 * at all. */
ictus_status ictus_store_forget(ictus_store *s, const char *path, bool drop_reviews,
                                ictus_store_forget_counts *out, ictus_error *err);

#endif
