/* report_data.c: the report's time lines from the store: counted seizures, analysable time in bins. */
#include "report/report_data.h"

#include <stdlib.h>
#include <string.h>

#include "base/vec.h"
#include "base/walltime.h"

static const int64_t DAY_US = INT64_C(86400000000);

/* ---- the span ----------------------------------------------------------- */

static void widen(int64_t *t0, int64_t *t1, int64_t a, int64_t b)
{
    if (a < *t0)
        *t0 = a;
    if (b > *t1)
        *t1 = b;
}

/* ---- recordings ----------------------------------------------------------- */

/* A recording whose analysable time the figures draw: it has results and its
 * animal is in the study (index). */
typedef struct {
    int64_t id, start_us, duration_us;
    int animal;
} drawn_recording;

/* The listing's reader: counts every row, keeps the failed ones whole and
 * the drawn ones compactly, in the store's order (by animal, then path). */
typedef struct {
    const ictus_study *study;
    ictus_store *store;             /* for the failed rows' other columns */
    ictus_report_data *d;
    size_t cap_failed;
    drawn_recording *drawn;
    size_t n_drawn, cap_drawn;
    char *animal;                   /* the last row's animal ("" before any) */
    int animal_index;               /* its index in the study, -1 when not there */
} rec_reader;

static void keep_failed(rec_reader *r, const ictus_store_recording *rec)
{
    ictus_report_data *d = r->d;
    ICTUS_GROW(d->failed, d->n_failed + 1, r->cap_failed);
    const ictus_report_recording *prev = d->n_failed ? &d->failed[d->n_failed - 1] : NULL;
    d->failed[d->n_failed++] = (ictus_report_recording){
        .id = rec->id,
        /* the store lists recordings by animal: a run of rows shares its animal and its
         * error */
        .path = ictus_strpool_keep(&d->recording_text_, rec->path),
        .animal = ictus_strpool_keep_like(&d->recording_text_, rec->animal,
                                          prev ? prev->animal : NULL),
        .error = ictus_strpool_keep_like(&d->recording_text_, rec->error ? rec->error : "",
                                         prev ? prev->error : NULL),
        .status = rec->status,
        .has_results = rec->has_results,
        .start_us = rec->start_us,
        .duration_us = rec->duration_us,
        .n_events = rec->n_events,
        .last_run_id = rec->last_run_id,
        .results_run_id = rec->results_run_id,
        .first_run_id = rec->first_run_id,
    };
}

/* A failed row whole: its error, runs and events (the few rows of the
 * report's table of failures), looked up by path and animal. */
static ictus_status read_failed(rec_reader *r, const ictus_store_recording_span *span,
                                ictus_error *err)
{
    ictus_store_recording rec;
    bool found = false;
    ictus_status st = ictus_store_find_recording(r->store, span->path, span->animal, &rec, &found,
                                                 err);
    if (st == ICTUS_OK && found)
        keep_failed(r, &rec);
    if (found)
        ictus_store_recording_clear(&rec);
    return st;
}

static ictus_status on_recording(void *ctx, const ictus_store_recording_span *rec,
                                 ictus_error *err)
{
    rec_reader *r = ctx;
    r->d->n_recordings++;
    ictus_status st = ICTUS_OK;
    if (rec->status == ICTUS_REC_OK)
        r->d->n_ok++;
    else
        st = read_failed(r, rec, err);
    if (st != ICTUS_OK)
        return st;
    if (!rec->has_results)
        return ICTUS_OK;
    if (strcmp(rec->animal, r->animal) != 0) { /* rows come by animal: one lookup per run */
        free(r->animal);
        r->animal = ictus_xstrdup(rec->animal);
        const ictus_animal *a = ictus_study_animal(r->study, rec->animal);
        r->animal_index = a ? (int)(a - r->study->animals) : -1;
    }
    if (r->animal_index < 0)
        return ICTUS_OK;
    ICTUS_GROW(r->drawn, r->n_drawn + 1, r->cap_drawn);
    r->drawn[r->n_drawn++] = (drawn_recording){rec->id, rec->start_us, rec->duration_us,
                                               r->animal_index};
    return ICTUS_OK;
}

/* ---- seizures ------------------------------------------------------------- */

typedef struct {
    const ictus_study *study;
    const ictus_analysis *an;
    ictus_seizure **sz;
    size_t *n, *cap;
} event_ctx;

bool ictus_report_event_counts(const ictus_analysis_settings *s, const ictus_store_event_row *row)
{
    switch (s->events) {
    case ICTUS_EVENTS_CONFIRMED:
        return row->verdict == ICTUS_VERDICT_SEIZURE;
    case ICTUS_EVENTS_CONFIRMED_OR_SCORE:
        return row->verdict == ICTUS_VERDICT_SEIZURE ||
               (row->verdict == ICTUS_VERDICT_NONE && row->event.score >= s->min_score);
    default:
        return row->verdict != ICTUS_VERDICT_NOT_SEIZURE;
    }
}

bool ictus_report_counted_event(const ictus_study *study, const ictus_analysis *an,
                                const ictus_store_event_row *row, int *animal, int *type,
                                ictus_event *e)
{
    const ictus_animal *a = ictus_study_animal(study, row->animal);
    if (!a || !ictus_report_event_counts(&an->settings, row))
        return false;
    *e = ictus_store_event_effective(row);
    *animal = (int)(a - study->animals);
    for (int t = 1; t < an->n_types; t++)
        if (strcmp(an->types[t], e->type) == 0) {
            *type = t;
            return true;
        }
    return false;
}

static ictus_status on_event(void *ctx, const ictus_store_event_row *row, ictus_error *err)
{
    event_ctx *c = ctx;
    int animal, type;
    ictus_event e;
    if (!ictus_report_counted_event(c->study, c->an, row, &animal, &type, &e))
        return ICTUS_OK;
    size_t i = (size_t)animal;
    if (c->n[i] == c->cap[i]) {
        c->cap[i] = c->cap[i] ? 2 * c->cap[i] : 64;
        c->sz[i] = ictus_xrealloc(c->sz[i], c->cap[i] * sizeof *c->sz[i]);
    }
    c->sz[i][c->n[i]++] = (ictus_seizure){
        .start_us = e.wall_start_us,
        .end_us = e.wall_start_us + (e.end_us - e.start_us),
        .type = type,
    };
    return ICTUS_OK;
}

/* ---- analysable time ------------------------------------------------------ */

/* Add `v` spread evenly over [a, b) into bins of `len` from t0 (cells[n]),
 * each cell capped at its length in seconds (overlapping recordings). */
static void spread(double *cells, int n, int64_t t0, int64_t len, int64_t a, int64_t b, double v)
{
    if (b <= a)
        return;
    for (int64_t t = a; t < b;) {
        int64_t k = (t - t0) / len;
        int64_t edge = t0 + (k + 1) * len;
        int64_t e = edge < b ? edge : b;
        if (k >= 0 && k < n) {
            double add = v * (double)(e - t) / (double)(b - a);
            double cap = (double)len / 1e6;
            cells[k] = cells[k] + add > cap ? cap : cells[k] + add;
        }
        t = e;
    }
}

static ictus_status read_series(ictus_store *store, const drawn_recording *r,
                                ictus_report_data *d, ictus_error *err)
{
    int ai = r->animal;
    ictus_store_bucket_series ser = {0};
    bool found = false;
    ictus_status st = ictus_store_get_series(store, r->id, ICTUS_STORE_ALL_CHANNELS, &ser, &found, err);
    if (st != ICTUS_OK || !found)
        return st;
    for (int64_t b = 0; b < ser.n_buckets; b++) {
        int64_t a0 = r->start_us + b * ser.bucket_us;
        int64_t len = ictus_grid_bucket_len_us(b, r->duration_us);
        double an_s = (double)ser.analysable_us[b] / 1e6, rec_s = (double)len / 1e6;
        spread(d->analysable_s + (size_t)ai * d->n_bins, d->n_bins, d->t0_us, d->bin_us, a0,
               a0 + len, an_s);
        spread(d->recorded_s + (size_t)ai * d->n_bins, d->n_bins, d->t0_us, d->bin_us, a0, a0 + len,
               rec_s);
        spread(d->day_analysable_s + (size_t)ai * d->n_days, d->n_days, d->t0_us, DAY_US, a0,
               a0 + len, an_s);
        spread(d->day_recorded_s + (size_t)ai * d->n_days, d->n_days, d->t0_us, DAY_US, a0,
               a0 + len, rec_s);
        for (int k = 0; k < ICTUS_STORE_N_ARTEFACT_KINDS; k++)
            d->artefacts[(size_t)ai * ICTUS_STORE_N_ARTEFACT_KINDS + k] +=
                ser.artefact_windows[b * ICTUS_STORE_N_ARTEFACT_KINDS + k];
    }
    ictus_store_bucket_series_clear(&ser);
    return ICTUS_OK;
}

/* ---- the whole read ------------------------------------------------------- */

/* ictus_report_data_read() inside its read transaction, with the reader of
 * the recordings (the caller frees its lists). */
static ictus_status read_all(const ictus_study *study, const ictus_analysis *an,
                             ictus_store *store, ictus_report_data *d, rec_reader *recs,
                             ictus_error *err)
{
    ictus_status st = ictus_store_each_recording_span(store, on_recording, recs, err);
    if (st == ICTUS_OK)
        st = ictus_store_last_run(store, &d->last_run, &d->has_run, err);
    if (st == ICTUS_OK)
        st = ictus_store_recent_runs(store, 2, d->runs, &d->n_runs, err);
    if (st != ICTUS_OK)
        return st;

    int64_t t0 = INT64_MAX, t1 = INT64_MIN;
    for (int a = 0; a < study->n_animals; a++)
        for (int p = 0; p < study->animals[a].n_periods; p++)
            widen(&t0, &t1, study->animals[a].periods[p].start_us,
                  study->animals[a].periods[p].end_us);
    for (size_t r = 0; r < recs->n_drawn; r++)
        widen(&t0, &t1, recs->drawn[r].start_us,
              recs->drawn[r].start_us + recs->drawn[r].duration_us);
    if (t0 >= t1) { /* nothing dated: one empty day */
        t0 = 0;
        t1 = DAY_US;
    }
    d->start_us = t0;
    int y, mo, day;
    ictus_walltime_to_civil(t0, &y, &mo, &day, NULL, NULL, NULL, NULL);
    d->t0_us = ictus_walltime_from_civil(y, mo, day, 0, 0, 0, 0);
    d->n_days = (int)((t1 - d->t0_us + DAY_US - 1) / DAY_US);
    int64_t span = t1 - d->t0_us;
    int64_t per_bin = (span + ICTUS_REPORT_MAX_BINS - 1) / ICTUS_REPORT_MAX_BINS;
    d->bin_us = (per_bin + ICTUS_STORE_BUCKET_US - 1) / ICTUS_STORE_BUCKET_US * ICTUS_STORE_BUCKET_US;
    d->n_bins = (int)((span + d->bin_us - 1) / d->bin_us);
    d->t1_us = d->t0_us + (int64_t)d->n_bins * d->bin_us;

    size_t na = (size_t)(study->n_animals > 0 ? study->n_animals : 1);
    d->seizures = ictus_xcalloc(na, sizeof *d->seizures);
    d->n_seizures = ictus_xcalloc(na, sizeof *d->n_seizures);
    size_t *cap = ictus_xcalloc(na, sizeof *cap);
    d->recorded_s = ictus_xcalloc(na * (size_t)d->n_bins, sizeof(double));
    d->analysable_s = ictus_xcalloc(na * (size_t)d->n_bins, sizeof(double));
    d->day_recorded_s = ictus_xcalloc(na * (size_t)d->n_days, sizeof(double));
    d->day_analysable_s = ictus_xcalloc(na * (size_t)d->n_days, sizeof(double));
    d->artefacts = ictus_xcalloc(na * ICTUS_STORE_N_ARTEFACT_KINDS, sizeof(int64_t));

    event_ctx ec = {study, an, d->seizures, d->n_seizures, cap};
    ictus_store_event_query q = {.animal = NULL, .t0_us = ICTUS_STORE_TIME_MIN,
                                 .t1_us = ICTUS_STORE_TIME_MAX, .reviewer = NULL};
    st = ictus_store_each_event(store, &q, on_event, &ec, err);
    free(cap);
    for (int a = 0; st == ICTUS_OK && a < study->n_animals; a++)
        d->n_seizures[a] = ictus_seizures_merge(d->seizures[a], d->n_seizures[a]);
    for (size_t r = 0; st == ICTUS_OK && r < recs->n_drawn; r++)
        st = read_series(store, &recs->drawn[r], d, err);
    return st;
}

ictus_status ictus_report_data_read(const ictus_study *study, const ictus_analysis *an,
                                    ictus_store *store, ictus_report_data *d, ictus_error *err)
{
    memset(d, 0, sizeof *d);
    d->n_animals = study->n_animals;
    /* one read transaction for a query per recording: one snapshot, locks once */
    bool in_read;
    ictus_status st = ictus_store_read_begin(store, &in_read, err);
    if (st != ICTUS_OK)
        return st;
    rec_reader recs = {.study = study, .store = store, .d = d, .animal = ictus_xstrdup(""),
                       .animal_index = -1};
    st = read_all(study, an, store, d, &recs, err);
    free(recs.drawn);
    free(recs.animal);
    ictus_store_read_end(store, in_read);
    return st;
}

void ictus_report_data_clear(ictus_report_data *d)
{
    if (d->seizures)
        for (int a = 0; a < d->n_animals; a++)
            free(d->seizures[a]);
    free(d->seizures);
    free(d->n_seizures);
    free(d->recorded_s);
    free(d->analysable_s);
    free(d->day_recorded_s);
    free(d->day_analysable_s);
    free(d->artefacts);
    for (int i = 0; i < d->n_runs; i++)
        ictus_store_run_detail_clear(&d->runs[i]);
    ictus_strpool_free(&d->recording_text_);
    free(d->failed);
    memset(d, 0, sizeof *d);
}
