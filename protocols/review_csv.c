/* review_csv.c: review decisions as CSV (the study's annotations.csv format): export, import. */
#include "protocols/review_csv.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csvout.h"
#include "base/csvtable.h"
#include "base/path.h"
#include "base/strbuf.h"
#include "base/vec.h"
#include "base/walltime.h"

/* Edges that differ from the event's by no more than this are the event's
 * own (the file keeps milliseconds). */
#define EDGE_ROUNDING_US 500

/* The origin column's words. */
static const char *const origin_names[] = {"detected", "added", "not_redetected"};
enum { ORIGIN_DETECTED, ORIGIN_ADDED, ORIGIN_NOT_REDETECTED };

/* ------------------------------------------------------------------------
 * Export
 * ---------------------------------------------------------------------- */

/* One row, from any of the three walks. */
typedef struct {
    const char *recording, *animal, *channel;
    int64_t start_us, end_us;   /* as it counts, from the recording start */
    bool has_wall;
    int64_t wall_start_us;      /* of start_us */
    const char *type;
    int racine;
    const char *scorer;
    ictus_verdict verdict;
    const char *note;
    int64_t reviewed_unix_us;
    int origin;
} export_row;

static void text_field(ictus_out *o, const char *s)
{
    ictus_out_char(o, ',');
    ictus_out_field(o, s);
}

static void time_field(ictus_out *o, bool has, int64_t t_us, const char *suffix)
{
    char buf[32];
    ictus_out_char(o, ',');
    if (has) {
        ictus_out_str(o, ictus_walltime_format(t_us, buf, sizeof buf));
        ictus_out_str(o, suffix);
    }
}

static void write_row(ictus_out *o, const export_row *r)
{
    ictus_out_field(o, r->recording);
    text_field(o, r->animal);
    text_field(o, r->channel);
    ictus_out_char(o, ',');
    ictus_out_fixed(o, ictus_us_to_s(r->start_us), 3);
    ictus_out_char(o, ',');
    ictus_out_fixed(o, ictus_us_to_s(r->end_us), 3);
    time_field(o, r->has_wall, r->wall_start_us, "");
    time_field(o, r->has_wall, r->wall_start_us + (r->end_us - r->start_us), "");
    text_field(o, r->type);
    ictus_out_char(o, ',');
    if (r->racine >= 0)
        ictus_out_int(o, r->racine);
    text_field(o, r->scorer);
    text_field(o, ictus_verdict_name(r->verdict));
    text_field(o, r->note);
    time_field(o, true, r->reviewed_unix_us, "Z");
    text_field(o, origin_names[r->origin]);
    ictus_out_char(o, '\n');
}

/* The output and its row count: the walks' context. */
typedef struct {
    ictus_out *o;
    int64_t n;
    int origin;   /* of the decisions walked (added or not_redetected) */
} export_walk;

static ictus_status export_event(void *ctx, const ictus_store_event_row *row, ictus_error *err)
{
    export_walk *w = ctx;
    if (row->verdict == ICTUS_VERDICT_NONE)
        return ICTUS_OK;
    ictus_event e = ictus_store_event_effective(row);
    export_row r = {row->path, row->animal, e.channel, e.start_us, e.end_us, true,
                    e.wall_start_us, e.type, row->racine, row->reviewer, row->verdict, row->note,
                    row->reviewed_unix_us, ORIGIN_DETECTED};
    write_row(w->o, &r);
    w->n++;
    return ICTUS_OK;
}

static ictus_status export_decision(void *ctx, const ictus_store_decision *d, ictus_error *err)
{
    export_walk *w = ctx;
    const ictus_store_review *v = &d->review;
    int64_t start = v->has_fixed_edges ? v->fixed_start_us : v->start_us;
    int64_t end = v->has_fixed_edges ? v->fixed_end_us : v->end_us;
    export_row r = {d->recording_id ? d->recording_path : v->path, v->animal, v->channel, start,
                    end, d->recording_id != 0, d->recording_start_us + start, v->type, v->racine,
                    v->reviewer, v->verdict, v->note, v->reviewed_unix_us, w->origin};
    write_row(w->o, &r);
    w->n++;
    return ICTUS_OK;
}

ictus_status ictus_review_csv_export(ictus_store *s, const char *path, int64_t *n_rows,
                                     ictus_error *err)
{
    *n_rows = 0;
    ictus_out o;
    ictus_status st = ictus_out_open(&o, path, err);
    if (st != ICTUS_OK)
        return st;
    ictus_out_str(&o, "recording,animal,channel,start_s,end_s,start,end,type,racine,scorer,"
                      "verdict,note,reviewed_at,origin\n");
    export_walk w = {&o, 0, ORIGIN_DETECTED};
    const ictus_store_event_query all = {.t0_us = ICTUS_STORE_TIME_MIN,
                                         .t1_us = ICTUS_STORE_TIME_MAX};
    st = ictus_store_each_event(s, &all, export_event, &w, err);
    w.origin = ORIGIN_ADDED;
    if (st == ICTUS_OK)
        st = ictus_store_each_added(s, NULL, export_decision, &w, err);
    w.origin = ORIGIN_NOT_REDETECTED;
    if (st == ICTUS_OK)
        st = ictus_store_each_orphan(s, NULL, export_decision, &w, err);
    ictus_error close_err;
    ictus_status close_st = ictus_out_close(&o, &close_err);
    if (st == ICTUS_OK && close_st != ICTUS_OK) {
        *err = close_err;
        st = close_st;
    }
    *n_rows = w.n;
    return st;
}

/* ------------------------------------------------------------------------
 * Import: what is stored (recordings and events), held in memory
 * ---------------------------------------------------------------------- */

typedef struct {
    int64_t id;
    char *path, *animal;
    int64_t start_us, duration_us;
} stored_recording;

typedef struct {
    int64_t recording_id;
    ictus_event event;
} stored_event;

typedef struct {
    stored_recording *recs;
    size_t n_recs, cap_recs;
    stored_event *events;
    size_t n_events, cap_events;
} stored;

static ictus_status load_recording(void *ctx, const ictus_store_recording *rec,
                                   ictus_error *err)
{
    stored *d = ctx;
    if (!rec->has_results)
        return ICTUS_OK;
    ICTUS_GROW(d->recs, d->n_recs + 1, d->cap_recs);
    d->recs[d->n_recs++] = (stored_recording){rec->id, ictus_xstrdup(rec->path),
                                              ictus_xstrdup(rec->animal), rec->start_us,
                                              rec->duration_us};
    return ICTUS_OK;
}

static ictus_status load_event(void *ctx, const ictus_store_event_row *row, ictus_error *err)
{
    stored *d = ctx;
    ICTUS_GROW(d->events, d->n_events + 1, d->cap_events);
    d->events[d->n_events++] = (stored_event){row->recording_id, row->event};
    return ICTUS_OK;
}

static void stored_clear(stored *d)
{
    for (size_t i = 0; i < d->n_recs; i++) {
        free(d->recs[i].path);
        free(d->recs[i].animal);
    }
    free(d->recs);
    free(d->events);
}

/* The stored recording named `name` (its path, else its file name) of
 * `animal` ("": any), or NULL. */
static const stored_recording *recording_named(const stored *d, const char *name,
                                               const char *animal)
{
    for (int by_base = 0; by_base < 2; by_base++)
        for (size_t i = 0; i < d->n_recs; i++) {
            const stored_recording *r = &d->recs[i];
            if ((!*animal || !strcmp(r->animal, animal)) &&
                !strcmp(by_base ? ictus_path_base(r->path) : r->path, by_base ? ictus_path_base(name) : name))
                return r;
        }
    return NULL;
}

/* The stored recording of `animal` that holds wall-clock time t_us, or NULL. */
static const stored_recording *recording_at(const stored *d, const char *animal, int64_t t_us)
{
    for (size_t i = 0; i < d->n_recs; i++) {
        const stored_recording *r = &d->recs[i];
        if (!strcmp(r->animal, animal) && r->start_us <= t_us &&
            t_us < r->start_us + r->duration_us)
            return r;
    }
    return NULL;
}

/* The stored event of recording `rec_id` that [start, end) overlaps most
 * (an event on `channel` first), or NULL. */
static const stored_event *best_event(const stored *d, int64_t rec_id, const char *channel,
                                      int64_t start_us, int64_t end_us)
{
    const stored_event *best = NULL;
    int64_t best_overlap = 0;
    bool best_same = false;
    for (size_t i = 0; i < d->n_events; i++) {
        const stored_event *e = &d->events[i];
        if (e->recording_id != rec_id)
            continue;
        int64_t lo = e->event.start_us > start_us ? e->event.start_us : start_us;
        int64_t hi = e->event.end_us < end_us ? e->event.end_us : end_us;
        bool same = !strcmp(e->event.channel, channel);
        if (hi > lo && (!best || (same && !best_same) ||
                        (same == best_same && hi - lo > best_overlap))) {
            best = e;
            best_overlap = hi - lo;
            best_same = same;
        }
    }
    return best;
}

/* ------------------------------------------------------------------------
 * Import: one row
 * ---------------------------------------------------------------------- */

/* The columns of the file (-1: absent). */
typedef struct {
    int recording, animal, channel, start_s, end_s, start, end, type, racine, scorer, verdict,
        note, reviewed_at, origin;
    bool relative;   /* start_s, end_s (else start, end) */
} columns;

/* A bad row: its problem, "FILE:LINE:COLUMN (NAME): what". */
static bool bad(ictus_problems *p, const ictus_csv *t, int row, int col, const char *what,
                const char *got)
{
    char where[512];
    if (col >= 0)
        ictus_csv_where(t, row, col, where, sizeof where);
    else
        snprintf(where, sizeof where, "%s:%d", ictus_csv_path(t), ictus_csv_line(t, row));
    ictus_problems_add(p, "%s: %s%s%s%s", where, what, got ? ", got \"" : "", got ? got : "",
                       got ? "\"" : "");
    return false;
}

/* The recording of a row and its edges from the recording start. */
static bool row_place(const ictus_csv *t, int row, const columns *c, const stored *d,
                      const stored_recording **rec, int64_t *start_us, int64_t *end_us,
                      ictus_problems *p)
{
    const char *name = ictus_csv_field(t, row, c->recording);
    const char *animal = ictus_csv_field(t, row, c->animal);
    int64_t t0, t1;
    if (c->relative) {
        double s[2];
        int cols[2] = {c->start_s, c->end_s};
        for (int k = 0; k < 2; k++) {
            ictus_error err;
            if (ictus_csv_double(t, row, cols[k], &s[k], &err) != ICTUS_OK)
                return bad(p, t, row, cols[k], "expected seconds from the recording start",
                           ictus_csv_field(t, row, cols[k]));
        }
        t0 = llround(s[0] * 1e6);
        t1 = llround(s[1] * 1e6);
    } else {
        int cols[2] = {c->start, c->end};
        int64_t *out[2] = {&t0, &t1};
        for (int k = 0; k < 2; k++)
            if (!ictus_walltime_parse(ictus_csv_field(t, row, cols[k]), out[k]))
                return bad(p, t, row, cols[k], "expected a date-time YYYY-MM-DDTHH:MM:SS[.fff]",
                           ictus_csv_field(t, row, cols[k]));
    }
    if (*name)
        *rec = recording_named(d, name, animal);
    else if (!c->relative && *animal)
        *rec = recording_at(d, animal, t0);
    else
        return bad(p, t, row, *name ? c->recording : c->animal,
                   "expected the recording (or, with start,end times, the animal)", NULL);
    if (!*rec)
        return bad(p, t, row, *name ? c->recording : c->animal,
                   "no such recording with results in the study's ictus.db",
                   *name ? name : animal);
    if (!c->relative) {
        t0 -= (*rec)->start_us;
        t1 -= (*rec)->start_us;
    }
    if (t1 <= t0)
        return bad(p, t, row, c->relative ? c->end_s : c->end, "expected the end after the start",
                   NULL);
    *start_us = t0;
    *end_us = t1;
    return true;
}

/* The decision a row carries (the strings point into the table), before
 * its event is found.  False (a problem added) for a bad row. */
static bool row_decision(const ictus_csv *t, int row, const columns *c, const char *reviewer,
                         int64_t now_unix_us, ictus_store_review *v, int *origin,
                         ictus_problems *p)
{
    const char *verdict = ictus_csv_field(t, row, c->verdict);
    v->verdict = *verdict ? ictus_verdict_parse(verdict) : ICTUS_VERDICT_SEIZURE;
    if (v->verdict == ICTUS_VERDICT_NONE)
        return bad(p, t, row, c->verdict, "expected seizure, not_seizure or unsure", verdict);
    const char *racine = ictus_csv_field(t, row, c->racine);
    char *end;
    long stage = strtol(racine, &end, 10);
    v->racine = *racine ? (int)stage : -1;
    if (*racine && (*end || stage < 0 || stage > 5))
        return bad(p, t, row, c->racine, "expected a Racine stage 0..5 or nothing", racine);
    v->type = ictus_csv_field(t, row, c->type);
    if (strlen(v->type) >= ICTUS_TYPE_MAX)
        return bad(p, t, row, c->type, "expected a type name of at most 23 bytes", v->type);
    const char *scorer = ictus_csv_field(t, row, c->scorer);
    v->reviewer = *scorer ? scorer : reviewer;
    v->note = ictus_csv_field(t, row, c->note);
    const char *at = ictus_csv_field(t, row, c->reviewed_at);
    v->reviewed_unix_us = now_unix_us;
    if (*at) {
        char text[64];
        size_t n = strlen(at);
        snprintf(text, sizeof text, "%.*s", (int)(n && at[n - 1] == 'Z' ? n - 1 : n), at);
        if (!ictus_walltime_parse(text, &v->reviewed_unix_us))
            return bad(p, t, row, c->reviewed_at, "expected a UTC time YYYY-MM-DDTHH:MM:SS.fffZ",
                       at);
    }
    const char *origin_text = ictus_csv_field(t, row, c->origin);
    *origin = ORIGIN_DETECTED;
    for (int i = 0; i < 3; i++)
        if (!strcmp(origin_text, origin_names[i]))
            *origin = i;
    if (*origin_text && strcmp(origin_text, origin_names[*origin]))
        return bad(p, t, row, c->origin, "expected detected, added or not_redetected",
                   origin_text);
    return true;
}

/* Store row `row`; false when it was bad (a problem added) or the store
 * failed (*st set). */
static bool import_row(ictus_store *s, const ictus_csv *t, int row, const columns *c,
                       const stored *d, const char *reviewer, int64_t now_unix_us,
                       ictus_problems *p, ictus_review_import_counts *counts, ictus_status *st,
                       ictus_error *err)
{
    const stored_recording *rec = NULL;
    int64_t start_us = 0, end_us = 0;
    ictus_store_review v = {0};
    int origin = ORIGIN_DETECTED;
    if (!row_place(t, row, c, d, &rec, &start_us, &end_us, p) ||
        !row_decision(t, row, c, reviewer, now_unix_us, &v, &origin, p))
        return false;
    const char *channel = ictus_csv_field(t, row, c->channel);
    v.path = rec->path;
    v.animal = rec->animal;
    v.channel = *channel ? channel : ICTUS_STORE_ALL_CHANNELS;
    v.start_us = start_us;
    v.end_us = end_us;
    const stored_event *e = origin == ORIGIN_DETECTED
                                ? best_event(d, rec->id, v.channel, start_us, end_us)
                                : NULL;
    if (e) {
        v.channel = e->event.channel;
        v.start_us = e->event.start_us;
        v.end_us = e->event.end_us;
        if (!strcmp(v.type, e->event.type))
            v.type = "";
        v.has_fixed_edges = llabs(start_us - v.start_us) > EDGE_ROUNDING_US ||
                            llabs(end_us - v.end_us) > EDGE_ROUNDING_US;
        v.fixed_start_us = start_us;
        v.fixed_end_us = end_us;
    }
    v.added = !e && origin != ORIGIN_NOT_REDETECTED;
    *st = ictus_store_put_review(s, &v, err);
    if (*st == ICTUS_ERR_DATA) {
        *st = ICTUS_OK;
        return bad(p, t, row, -1, err->msg, NULL);
    }
    if (*st != ICTUS_OK)
        return false;
    *(e ? &counts->decisions : v.added ? &counts->added : &counts->not_redetected) += 1;
    return true;
}

/* The columns of t; ICTUS_ERR_FORMAT when the times or the recording cannot be found. */
static ictus_status find_columns(const ictus_csv *t, columns *c, ictus_error *err)
{
    *c = (columns){
        .recording = ictus_csv_column(t, "recording"), .animal = ictus_csv_column(t, "animal"),
        .channel = ictus_csv_column(t, "channel"), .start_s = ictus_csv_column(t, "start_s"),
        .end_s = ictus_csv_column(t, "end_s"), .start = ictus_csv_column(t, "start"),
        .end = ictus_csv_column(t, "end"), .type = ictus_csv_column(t, "type"),
        .racine = ictus_csv_column(t, "racine"), .scorer = ictus_csv_column(t, "scorer"),
        .verdict = ictus_csv_column(t, "verdict"), .note = ictus_csv_column(t, "note"),
        .reviewed_at = ictus_csv_column(t, "reviewed_at"), .origin = ictus_csv_column(t, "origin"),
    };
    c->relative = c->start_s >= 0 && c->end_s >= 0;
    if (!c->relative && (c->start < 0 || c->end < 0))
        return ictus_fail(err, ICTUS_ERR_FORMAT, "%s: missing columns: start_s, end_s (seconds "
                          "from the start of a recording, with recording) or start, end "
                          "(date-times, with animal)", ictus_csv_path(t));
    if (c->recording < 0 && (c->relative || c->animal < 0))
        return ictus_fail(err, ICTUS_ERR_FORMAT, "%s: missing column: recording (or animal, "
                          "with start,end date-times)", ictus_csv_path(t));
    return ICTUS_OK;
}

ictus_status ictus_review_csv_import(ictus_store *s, const char *csv_path, const char *reviewer,
                                     int64_t now_unix_us, ictus_problems *problems,
                                     ictus_review_import_counts *counts, ictus_error *err)
{
    *counts = (ictus_review_import_counts){0};
    ictus_csv *t;
    ictus_status st = ictus_csv_read(csv_path, &t, err);
    if (st != ICTUS_OK)
        return st;
    columns c;
    stored d = {0};
    st = find_columns(t, &c, err);
    const ictus_store_event_query all = {.t0_us = ICTUS_STORE_TIME_MIN,
                                         .t1_us = ICTUS_STORE_TIME_MAX};
    if (st == ICTUS_OK)
        st = ictus_store_begin(s, err);
    if (st == ICTUS_OK) {
        st = ictus_store_each_recording(s, load_recording, &d, err);
        if (st == ICTUS_OK)
            st = ictus_store_each_event(s, &all, load_event, &d, err);
        for (int row = 0; row < ictus_csv_rows(t) && st == ICTUS_OK; row++) {
            counts->rows++;
            if (!import_row(s, t, row, &c, &d, reviewer, now_unix_us, problems, counts, &st, err))
                counts->bad += st == ICTUS_OK;
        }
        if (st == ICTUS_OK)
            st = ictus_store_commit(s, err);
        if (st != ICTUS_OK) {
            ictus_store_rollback(s);
            counts->decisions = counts->added = counts->not_redetected = 0;
        }
    }
    stored_clear(&d);
    ictus_csv_destroy(t);
    return st;
}
