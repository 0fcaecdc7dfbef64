/* store_read.c: the store's queries: recordings, events, events.csv export, analysable time. */
#include "store/store.h"
#include "store/store_impl.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csvout.h"
#include "base/vec.h"

/* ------------------------------------------------------------------------
 * Reading recordings
 * ---------------------------------------------------------------------- */

void ictus_store_recording_clear(ictus_store_recording *rec)
{
    free(rec->path);
    free(rec->animal);
    free(rec->error);
    free(rec->format);
    free(rec->preset);
    memset(rec, 0, sizeof *rec);
}

/* Parse a hash column; false when NULL or malformed. */
static bool column_hash(sqlite3_stmt *st, int i, ictus_hash128 *out)
{
    return sqlite3_column_type(st, i) != SQLITE_NULL &&
           ictus_hash128_parse(ictus_store_column_text(st, i), out);
}

/* Fill rec from a row of RECORDING_COLUMNS (store.c). */
static ictus_status read_recording(ictus_store *s, sqlite3_stmt *st, ictus_store_recording *rec,
                                   ictus_error *err)
{
    memset(rec, 0, sizeof *rec);
    int status = ictus_store_name_index(ictus_store_rec_status_names, ICTUS_N_REC_STATUS,
                                        ictus_store_column_text(st, 3));
    if (status < 0)
        return ictus_fail(err, ICTUS_ERR_DB, "%s: recording %s: unknown status \"%s\"", s->path,
                          ictus_store_column_text(st, 1), ictus_store_column_text(st, 3));
    rec->id = sqlite3_column_int64(st, 0);
    rec->path = ictus_xstrdup(ictus_store_column_text(st, 1));
    rec->animal = ictus_xstrdup(ictus_store_column_text(st, 2));
    rec->status = (ictus_rec_status)status;
    rec->error = ictus_xstrdup(ictus_store_column_text(st, 4));
    rec->identity = (ictus_file_identity){
        .size_bytes = sqlite3_column_int64(st, 5),
        .mtime_ns = sqlite3_column_int64(st, 6),
        .inode = (uint64_t)sqlite3_column_int64(st, 7),
    };
    rec->has_content_hash = column_hash(st, 8, &rec->content_hash);
    rec->first_run_id = sqlite3_column_int64(st, 9);
    rec->last_run_id = sqlite3_column_int64(st, 10);
    rec->has_results = column_hash(st, 11, &rec->results_hash);
    rec->format = ictus_xstrdup(ictus_store_column_text(st, 12));
    rec->n_channels = sqlite3_column_int(st, 13);
    rec->start_us = sqlite3_column_int64(st, 14);
    rec->duration_us = sqlite3_column_int64(st, 15);
    rec->n_gaps = sqlite3_column_int64(st, 16);
    rec->gap_us = sqlite3_column_int64(st, 17);
    rec->preset = ictus_xstrdup(ictus_store_column_text(st, 18));
    column_hash(st, 19, &rec->params_hash);
    rec->results_run_id = sqlite3_column_int64(st, 20);
    rec->n_events = sqlite3_column_int64(st, 21);
    return ICTUS_OK;
}

/* A query's row of recordings: the store, and the caller's recording (find)
 * or callback (each). */
typedef struct {
    ictus_store *s;
    ictus_store_recording *rec;  /* find: filled in */
    bool found;                  /* find: rec was filled in */
    ictus_store_recording_fn fn; /* each: called with every recording */
    void *ctx;
} recording_visit;

static ictus_status found_recording(void *ctx, sqlite3_stmt *st, ictus_error *err)
{
    recording_visit *v = ctx;
    ictus_status result = read_recording(v->s, st, v->rec, err);
    v->found = result == ICTUS_OK;
    return result;
}

static ictus_status pass_recording(void *ctx, sqlite3_stmt *st, ictus_error *err)
{
    recording_visit *v = ctx;
    ictus_store_recording rec;
    ictus_status result = read_recording(v->s, st, &rec, err);
    if (result == ICTUS_OK)
        result = v->fn(v->ctx, &rec, err);
    ictus_store_recording_clear(&rec);
    return result;
}

ictus_status ictus_store_find_recording(ictus_store *s, const char *path, const char *animal,
                                        ictus_store_recording *rec, bool *found, ictus_error *err)
{
    const ictus_store_arg args[] = {STORE_TEXT(path), STORE_TEXT(animal)};
    recording_visit v = {.s = s, .rec = rec};
    ictus_status result = ictus_store_query_rows(s, Q_FIND_RECORDING, args, STORE_N_ARGS(args),
                                                 found_recording, &v,
                                                 "cannot look the recording up", err);
    *found = v.found;
    return result;
}

ictus_status ictus_store_each_recording(ictus_store *s, ictus_store_recording_fn fn, void *ctx,
                                        ictus_error *err)
{
    recording_visit v = {.s = s, .fn = fn, .ctx = ctx};
    return ictus_store_query_rows(s, Q_EACH_RECORDING, NULL, 0, pass_recording, &v,
                                  "cannot list the recordings", err);
}

/* The status (column 3) of a row whose path is column 1, checked as
 * read_recording() does. */
static ictus_status row_status(const ictus_store *s, sqlite3_stmt *st, ictus_rec_status *out,
                               ictus_error *err)
{
    int status = ictus_store_name_index(ictus_store_rec_status_names, ICTUS_N_REC_STATUS,
                                        ictus_store_column_text(st, 3));
    if (status < 0)
        return ictus_fail(err, ICTUS_ERR_DB, "%s: recording %s: unknown status \"%s\"",
                          s->path, ictus_store_column_text(st, 1),
                          ictus_store_column_text(st, 3));
    *out = (ictus_rec_status)status;
    return ICTUS_OK;
}

/* The caller's callback of ictus_store_each_recording_span(). */
typedef struct {
    ictus_store *s;
    ictus_store_span_fn fn;
    void *ctx;
} span_visit;

/* A row of Q_EACH_RECORDING_SPAN. */
static ictus_status pass_span(void *ctx, sqlite3_stmt *st, ictus_error *err)
{
    const span_visit *v = ctx;
    ictus_rec_status status;
    ictus_status bad = row_status(v->s, st, &status, err);
    if (bad != ICTUS_OK)
        return bad;
    ictus_hash128 results_hash;
    const ictus_store_recording_span rec = {
        .id = sqlite3_column_int64(st, 0),
        .path = ictus_store_column_text(st, 1),
        .animal = ictus_store_column_text(st, 2),
        .status = status,
        .has_results = column_hash(st, 4, &results_hash),
        .start_us = sqlite3_column_int64(st, 5),
        .duration_us = sqlite3_column_int64(st, 6),
    };
    return v->fn(v->ctx, &rec, err);
}

ictus_status ictus_store_each_recording_span(ictus_store *s, ictus_store_span_fn fn, void *ctx,
                                             ictus_error *err)
{
    span_visit v = {.s = s, .fn = fn, .ctx = ctx};
    return ictus_store_query_rows(s, Q_EACH_RECORDING_SPAN, NULL, 0, pass_span, &v,
                                  "cannot list the recordings", err);
}

/* A row of Q_EACH_PLAN_ROW (store.c) for the caller's callback. */
typedef struct {
    ictus_store *s;
    ictus_store_plan_row_fn fn;
    void *ctx;
} plan_row_visit;

static ictus_status pass_plan_row(void *ctx, sqlite3_stmt *st, ictus_error *err)
{
    plan_row_visit *v = ctx;
    ictus_rec_status status;
    ictus_status bad = row_status(v->s, st, &status, err);
    if (bad != ICTUS_OK)
        return bad;
    ictus_store_plan_row row = {
        .id = sqlite3_column_int64(st, 0),
        .path = ictus_store_column_text(st, 1),
        .animal = ictus_store_column_text(st, 2),
        .status = status,
        .error = ictus_store_column_text(st, 4),
        .identity = {.size_bytes = sqlite3_column_int64(st, 5),
                     .mtime_ns = sqlite3_column_int64(st, 6),
                     .inode = (uint64_t)sqlite3_column_int64(st, 7)},
        .start_us = sqlite3_column_int64(st, 10),
        .preset = ictus_store_column_text(st, 11),
    };
    ictus_hash128 results_hash;
    row.has_content_hash = column_hash(st, 8, &row.content_hash);
    row.has_results = column_hash(st, 9, &results_hash);
    column_hash(st, 12, &row.params_hash);
    return v->fn(v->ctx, &row, err);
}

ictus_status ictus_store_each_plan_row(ictus_store *s, ictus_store_plan_row_fn fn, void *ctx,
                                       ictus_error *err)
{
    plan_row_visit v = {s, fn, ctx};
    return ictus_store_query_rows(s, Q_EACH_PLAN_ROW, NULL, 0, pass_plan_row, &v,
                                  "cannot list the recordings", err);
}

static ictus_status read_count(void *ctx, sqlite3_stmt *st, ictus_error *err)
{
    (void)err;
    *(int64_t *)ctx = sqlite3_column_int64(st, 0);
    return ICTUS_OK;
}

ictus_status ictus_store_count_recordings(ictus_store *s, int64_t *n, ictus_error *err)
{
    *n = 0;
    return ictus_store_query_rows(s, Q_COUNT_RECORDINGS, NULL, 0, read_count, n,
                                  "cannot count the recordings", err);
}

/* ------------------------------------------------------------------------
 * Events
 * ---------------------------------------------------------------------- */

/* Copy column `col` of an event row into the fixed field dst[size] of its
 * ictus_event.  ictus writes no longer name (the event had it in the same
 * field), so a longer one is a database ictus did not write: an error that
 * names the recording, rather than a name silently cut short. */
static ictus_status copy_field(ictus_store *s, sqlite3_stmt *st, int col, const char *what,
                               char *dst, size_t size, ictus_error *err)
{
    const char *text = ictus_store_column_text(st, col);
    size_t len = strlen(text);
    if (len >= size)
        return ictus_fail(err, ICTUS_ERR_DB,
                          "%s: recording %s (%s): an event's %s \"%s\" is %zu bytes long: "
                          "expected at most %zu", s->path, ictus_store_column_text(st, 6),
                          ictus_store_column_text(st, 7), what, text, len, size - 1);
    memcpy(dst, text, len + 1);
    return ICTUS_OK;
}

/* The store and the caller's callback: pass_event()'s context. */
typedef struct {
    ictus_store *s;
    ictus_store_event_fn fn;
    void *ctx;
} event_visit;

/* A row of Q_EACH_EVENT, handed to the caller's callback. */
static ictus_status pass_event(void *ctx, sqlite3_stmt *st, ictus_error *err)
{
    const event_visit *v = ctx;
    ictus_store_event_row row = {
        .event = {.start_us = sqlite3_column_int64(st, 0),
                  .end_us = sqlite3_column_int64(st, 1),
                  .wall_start_us = sqlite3_column_int64(st, 2),
                  .score = sqlite3_column_double(st, 5)},
        .path = ictus_store_column_text(st, 6),
        .animal = ictus_store_column_text(st, 7),
        .preset = ictus_store_column_text(st, 8),
        .recording_id = sqlite3_column_int64(st, 9),
        .verdict = ictus_verdict_parse(ictus_store_column_text(st, 10)),
        .racine = sqlite3_column_type(st, 11) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 11),
        .review_id = sqlite3_column_int64(st, 12),
        .reviewer = ictus_store_column_text(st, 13),
        .reviewed_unix_us = sqlite3_column_int64(st, 14),
        .note = ictus_store_column_text(st, 15),
        .fixed_type = ictus_store_column_text(st, 16),
        .has_fixed_edges = sqlite3_column_type(st, 17) != SQLITE_NULL,
        .fixed_start_us = sqlite3_column_int64(st, 17),
        .fixed_end_us = sqlite3_column_int64(st, 18),
    };
    ictus_status result = copy_field(v->s, st, 3, "channel", row.event.channel,
                                     sizeof row.event.channel, err);
    if (result == ICTUS_OK)
        result = copy_field(v->s, st, 4, "type", row.event.type, sizeof row.event.type, err);
    if (result == ICTUS_OK && strlen(row.fixed_type) >= ICTUS_TYPE_MAX)
        result = ictus_fail(err, ICTUS_ERR_DB, "%s: review %" PRId64 ": its type \"%s\" is "
                            "longer than %d bytes", v->s->path, row.review_id, row.fixed_type,
                            ICTUS_TYPE_MAX - 1);
    return result == ICTUS_OK ? v->fn(v->ctx, &row, err) : result;
}

ictus_event ictus_store_event_effective(const ictus_store_event_row *row)
{
    ictus_event e = row->event;
    if (row->fixed_type[0])
        snprintf(e.type, sizeof e.type, "%s", row->fixed_type);
    if (row->has_fixed_edges) {
        e.wall_start_us += row->fixed_start_us - e.start_us;
        e.start_us = row->fixed_start_us;
        e.end_us = row->fixed_end_us;
    }
    return e;
}

void ictus_store_event_ref(uint64_t key, const char *path, const char *animal,
                           const char *channel, int64_t start_us, char *ref)
{
    const char *fields[] = {path, animal, channel};
    snprintf(ref, ICTUS_STORE_EVENT_REF_SIZE, "%016" PRIx64,
             ictus_hash_fields(key, fields, 3, start_us));
}

ictus_status ictus_store_each_event(ictus_store *s, const ictus_store_event_query *q,
                                    ictus_store_event_fn fn, void *ctx, ictus_error *err)
{
    const ictus_store_arg args[] = {
        STORE_TEXT(q->animal), STORE_INT(q->t0_us), STORE_INT(q->t1_us), STORE_TEXT(q->reviewer)};
    event_visit v = {s, fn, ctx};
    return ictus_store_query_rows(s, Q_EACH_EVENT, args, STORE_N_ARGS(args), pass_event, &v,
                                  "cannot read the events", err);
}

/* ------------------------------------------------------------------------
 * Decisions: history, added events, reviewed events not re-detected
 * ---------------------------------------------------------------------- */

/* The caller's decision callback and its context: pass_decision()'s context. */
typedef struct {
    ictus_store_decision_fn fn;
    void *ctx;
} decision_visit;

/* A row of DECISION_COLUMNS (store.c), handed to the caller's callback. */
static ictus_status pass_decision(void *ctx, sqlite3_stmt *st, ictus_error *err)
{
    const decision_visit *v = ctx;
    ictus_store_decision d = {
        .id = sqlite3_column_int64(st, 0),
        .review = {.path = ictus_store_column_text(st, 1),
                   .animal = ictus_store_column_text(st, 2),
                   .channel = ictus_store_column_text(st, 3),
                   .start_us = sqlite3_column_int64(st, 4),
                   .end_us = sqlite3_column_int64(st, 5),
                   .verdict = ictus_verdict_parse(ictus_store_column_text(st, 6)),
                   .racine = sqlite3_column_type(st, 7) == SQLITE_NULL
                                 ? -1 : sqlite3_column_int(st, 7),
                   .reviewer = ictus_store_column_text(st, 8),
                   .reviewed_unix_us = sqlite3_column_int64(st, 9),
                   .note = ictus_store_column_text(st, 10),
                   .type = ictus_store_column_text(st, 11),
                   .has_fixed_edges = sqlite3_column_type(st, 12) != SQLITE_NULL,
                   .fixed_start_us = sqlite3_column_int64(st, 12),
                   .fixed_end_us = sqlite3_column_int64(st, 13),
                   .added = sqlite3_column_int(st, 14) != 0},
        .recording_id = sqlite3_column_int64(st, 16),
        .recording_path = ictus_store_column_text(st, 17),
        .recording_start_us = sqlite3_column_int64(st, 18),
    };
    d.has_content_hash = column_hash(st, 15, &d.content_hash);
    return v->fn(v->ctx, &d, err);
}

ictus_status ictus_store_review_history(ictus_store *s, const char *path, const char *animal,
                                        int64_t start_us, int64_t end_us, bool added,
                                        ictus_store_decision_fn fn, void *ctx, ictus_error *err)
{
    const ictus_store_arg args[] = {STORE_TEXT(path), STORE_TEXT(animal), STORE_INT(start_us),
                                    STORE_INT(end_us), STORE_INT(added)};
    decision_visit v = {fn, ctx};
    return ictus_store_query_rows(s, Q_REVIEW_HISTORY, args, STORE_N_ARGS(args), pass_decision,
                                  &v, "cannot read the event's history", err);
}

ictus_status ictus_store_each_added(ictus_store *s, const char *animal,
                                    ictus_store_decision_fn fn, void *ctx, ictus_error *err)
{
    const ictus_store_arg args[] = {STORE_TEXT(animal)};
    decision_visit v = {fn, ctx};
    return ictus_store_query_rows(s, Q_EACH_ADDED, args, STORE_N_ARGS(args), pass_decision, &v,
                                  "cannot read the added events", err);
}

ictus_status ictus_store_each_orphan(ictus_store *s, const char *animal,
                                     ictus_store_decision_fn fn, void *ctx, ictus_error *err)
{
    const ictus_store_arg args[] = {STORE_TEXT(animal)};
    decision_visit v = {fn, ctx};
    return ictus_store_query_rows(s, Q_EACH_ORPHAN, args, STORE_N_ARGS(args), pass_decision, &v,
                                  "cannot read the reviewed events not re-detected", err);
}

/* ------------------------------------------------------------------------
 * The audit log
 * ---------------------------------------------------------------------- */

/* The caller's audit callback and its context: pass_audit()'s context. */
typedef struct {
    ictus_store_audit_fn fn;
    void *ctx;
} audit_visit;

static ictus_status pass_audit(void *ctx, sqlite3_stmt *st, ictus_error *err)
{
    const audit_visit *v = ctx;
    ictus_store_audit_row row = {sqlite3_column_int64(st, 0), ictus_store_column_text(st, 1),
                                 ictus_store_column_text(st, 2), ictus_store_column_text(st, 3),
                                 sqlite3_column_int64(st, 4)};
    return v->fn(v->ctx, &row, err);
}

ictus_status ictus_store_each_audit(ictus_store *s, const char *reviewer,
                                    ictus_store_audit_fn fn, void *ctx, ictus_error *err)
{
    const ictus_store_arg args[] = {STORE_TEXT(reviewer)};
    audit_visit v = {fn, ctx};
    return ictus_store_query_rows(s, Q_EACH_AUDIT, args, STORE_N_ARGS(args), pass_audit, &v,
                                  "cannot read the audit log", err);
}

/* ------------------------------------------------------------------------
 * Export
 * ---------------------------------------------------------------------- */

static ictus_status write_event_row(void *ctx, const ictus_store_event_row *row, ictus_error *err)
{
    ictus_events_csv_write(ctx, row->path, row->animal, row->preset, &row->event);
    return ICTUS_OK;
}

ictus_status ictus_store_export_events(ictus_store *s, const char *out_path, ictus_error *err)
{
    /* Written beside the target and renamed over it, so that a reader never
     * sees half a file and a failed export leaves the old one. */
    bool to_stdout = strcmp(out_path, "-") == 0;
    size_t n = strlen(out_path) + 8;
    char *tmp = ictus_xmalloc(n);
    snprintf(tmp, n, "%s%s", out_path, to_stdout ? "" : ".tmp");
    ictus_out out;
    ictus_status st = ictus_out_open(&out, tmp, err);
    if (st != ICTUS_OK) {
        free(tmp);
        return st;
    }
    ictus_events_csv_write_header(&out);
    const ictus_store_event_query all = {.t0_us = ICTUS_STORE_TIME_MIN, .t1_us = ICTUS_STORE_TIME_MAX};
    st = ictus_store_each_event(s, &all, write_event_row, &out, err);
    ictus_error close_err;
    ictus_status close_st = ictus_out_close(&out, &close_err);
    if (st == ICTUS_OK && close_st != ICTUS_OK) {
        *err = close_err;
        st = close_st;
    }
    if (!to_stdout) {
        if (st == ICTUS_OK && rename(tmp, out_path) != 0)
            st = ictus_fail(err, ICTUS_ERR_IO, "%s: cannot replace it with %s: %s", out_path, tmp,
                            strerror(errno));
        if (st != ICTUS_OK)
            remove(tmp);
    }
    free(tmp);
    return st;
}

/* ------------------------------------------------------------------------
 * Analysable time
 * ---------------------------------------------------------------------- */

/* A stretch of wall-clock time with an even share of analysable time. */
typedef struct {
    int64_t lo_us, hi_us;
    double share;   /* analysable fraction of the stretch, in [0, 1] */
} stretch;

/* The stretches of one series (one recording), clipped to the range. */
typedef struct {
    int64_t lo_us, hi_us;  /* its extent within the range */
    stretch *parts;        /* ordered, disjoint */
    int64_t n_parts;
} series_span;

/* Cut one stored series into stretches within [t0, t1). */
static void series_stretches(sqlite3_stmt *st, int64_t t0, int64_t t1, series_span *span)
{
    int64_t start = sqlite3_column_int64(st, 0), duration = sqlite3_column_int64(st, 1);
    int64_t bucket = sqlite3_column_int64(st, 2), unit = sqlite3_column_int64(st, 3);
    int64_t n = sqlite3_column_int64(st, 4);
    const unsigned char *blob = sqlite3_column_blob(st, 5);
    if (sqlite3_column_bytes(st, 5) < 2 * n || bucket <= 0)
        n = 0; /* a damaged row counts as nothing rather than reading past it */
    int64_t end = start + duration;
    span->lo_us = start > t0 ? start : t0;
    span->hi_us = end < t1 ? end : t1;
    span->parts = ictus_xmalloc((size_t)(n ? n : 1) * sizeof(stretch));
    span->n_parts = 0;
    int64_t b_first = start < t0 ? (t0 - start) / bucket : 0;
    for (int64_t b = b_first; b < n; b++) {
        int64_t lo = start + b * bucket, hi = lo + bucket < end ? lo + bucket : end;
        if (lo >= t1 || hi <= lo)
            break;
        double share = (double)((int64_t)(blob[2 * b] | blob[2 * b + 1] << 8) * unit) /
                       (double)(hi - lo);
        span->parts[span->n_parts++] = (stretch){lo > t0 ? lo : t0, hi < t1 ? hi : t1,
                                                 share < 1 ? share : 1};
    }
}

/* The series of a range, one per row of Q_SERIES_FOR_RANGE: add_span()'s context. */
typedef struct {
    int64_t t0_us, t1_us;
    series_span *spans;
    int n, cap;
} span_list;

static ictus_status add_span(void *ctx, sqlite3_stmt *st, ictus_error *err)
{
    span_list *l = ctx;
    ICTUS_GROW(l->spans, l->n + 1, l->cap);
    series_stretches(st, l->t0_us, l->t1_us, &l->spans[l->n++]);
    return ICTUS_OK;
}

static int cmp_int64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Analysable µs of spans[0..k), which overlap in time: at each instant the
 * largest share among the spans covering it. */
static double overlapping_us(const series_span *spans, int k)
{
    int64_t n_edges = 0;
    for (int i = 0; i < k; i++)
        n_edges += 2 * spans[i].n_parts;
    int64_t *edges = ictus_xmalloc((size_t)(n_edges ? n_edges : 1) * sizeof(int64_t));
    n_edges = 0;
    for (int i = 0; i < k; i++)
        for (int64_t p = 0; p < spans[i].n_parts; p++) {
            edges[n_edges++] = spans[i].parts[p].lo_us;
            edges[n_edges++] = spans[i].parts[p].hi_us;
        }
    qsort(edges, (size_t)n_edges, sizeof *edges, cmp_int64);
    int64_t *next = ictus_xcalloc((size_t)k, sizeof(int64_t)); /* first part not yet passed */
    double total = 0;
    for (int64_t e = 0; e + 1 < n_edges; e++) {
        int64_t lo = edges[e], hi = edges[e + 1];
        if (hi == lo)
            continue;
        double best = 0;
        for (int i = 0; i < k; i++) {
            while (next[i] < spans[i].n_parts && spans[i].parts[next[i]].hi_us <= lo)
                next[i]++;
            if (next[i] < spans[i].n_parts && spans[i].parts[next[i]].lo_us <= lo &&
                spans[i].parts[next[i]].share > best)
                best = spans[i].parts[next[i]].share;
        }
        total += best * (double)(hi - lo);
    }
    free(next);
    free(edges);
    return total;
}

ictus_status ictus_store_analysable_s(ictus_store *s, const char *animal, const char *channel,
                                      int64_t t0_us, int64_t t1_us, double *seconds,
                                      ictus_error *err)
{
    *seconds = 0;
    if (t1_us <= t0_us)
        return ICTUS_OK;
    const ictus_store_arg args[] = {
        STORE_TEXT(animal), STORE_TEXT(channel), STORE_INT(t0_us), STORE_INT(t1_us)};
    span_list l = {.t0_us = t0_us, .t1_us = t1_us};
    ictus_status result = ictus_store_query_rows(s, Q_SERIES_FOR_RANGE, args, STORE_N_ARGS(args),
                                                 add_span, &l, "cannot read analysable time",
                                                 err);
    series_span *spans = l.spans;
    int n = l.n;
    /* Spans come ordered by start; each group of spans chained by overlaps
     * is resolved together, the rest (the usual case) are single. */
    double total_us = 0;
    for (int first = 0, last; result == ICTUS_OK && first < n; first = last) {
        int64_t group_end = spans[first].hi_us;
        for (last = first + 1; last < n && spans[last].lo_us < group_end; last++)
            if (spans[last].hi_us > group_end)
                group_end = spans[last].hi_us;
        total_us += overlapping_us(spans + first, last - first);
    }
    for (int i = 0; i < n; i++)
        free(spans[i].parts);
    free(spans);
    *seconds = total_us / 1e6;
    return result;
}
