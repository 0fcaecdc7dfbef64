/* api_overview.c: the review API's overview: a whole recording minute by minute. */
#include "review/api.h"
#include "review/api_json.h"
#include "review/api_recording.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/grid.h"
#include "base/path.h"
#include "base/walltime.h"
#include "store/store.h"

/* A recording's line length per minute and channel: the cached item. */
typedef struct {
    int n_channels;
    char (*labels)[ICTUS_LABEL_MAX];
    int64_t n_minutes;
    double *sum;       /* [n_channels * n_minutes]: sum of |x[i] - x[i-1]| (µV), then µV/s */
    int64_t *count;    /* [n_channels * n_minutes]: differences summed */
    double compute_ms;
    bool served;       /* answered once: later answers report compute_ms 0 */
} overview;

void ictus_review_overview_free(void *item)
{
    overview *ov = item;
    if (!ov)
        return;
    free(ov->labels);
    free(ov->sum);
    free(ov->count);
    free(ov);
}

/* One channel while streaming: where its previous sample was, and its minute. */
typedef struct {
    double fs_hz;
    int64_t next_index;     /* index after the previous sample; -1: none to difference with */
    float prev;
    int64_t minute;         /* the minute being summed */
    int64_t minute_start, minute_end; /* its sample indices [start, end) */
} ll_state;

/* The first sample index at or after the start of `minute`. */
static int64_t first_index_of_minute(int64_t minute, double fs_hz)
{
    return (int64_t)ceil((double)minute * ((double)ICTUS_GRID_BUCKET_US / 1e6) * fs_hz);
}

/* Make sample index i's minute the state's. */
static void find_minute(ll_state *s, int64_t i)
{
    s->minute = (int64_t)floor((double)i / s->fs_hz * 1e6 / (double)ICTUS_GRID_BUCKET_US);
    while (s->minute > 0 && first_index_of_minute(s->minute, s->fs_hz) > i)
        s->minute--;
    while (first_index_of_minute(s->minute + 1, s->fs_hz) <= i)
        s->minute++;
    s->minute_start = first_index_of_minute(s->minute, s->fs_hz);
    s->minute_end = first_index_of_minute(s->minute + 1, s->fs_hz);
}

/* Add samples x[0..n) (indices first..) of channel c to the sums, a minute at a time. */
static void add_samples(overview *ov, int c, ll_state *s, const float *x, const uint8_t *flags,
                        int64_t first, int64_t n)
{
    if (s->next_index != first)
        s->next_index = -1;  /* a gap: nothing to difference with */
    for (int64_t k = 0; k < n;) {
        int64_t i = first + k;
        if (i < s->minute_start || i >= s->minute_end)
            find_minute(s, i);
        int64_t run_end = s->minute_end - first < n ? s->minute_end - first : n;
        double sum = 0;
        int64_t count = 0;
        bool have_prev = s->next_index >= 0;
        float prev = s->prev;
        for (; k < run_end; k++) {
            if (flags[k] & ICTUS_SAMPLE_MISSING) {
                have_prev = false;
                continue;
            }
            if (have_prev) {
                sum += fabsf(x[k] - prev);
                count++;
            }
            prev = x[k];
            have_prev = true;
        }
        s->prev = prev;
        s->next_index = have_prev ? first + k : -1;
        if (s->minute < ov->n_minutes) {
            size_t cell = (size_t)c * (size_t)ov->n_minutes + (size_t)s->minute;
            ov->sum[cell] += sum;
            ov->count[cell] += count;
        }
    }
}

/* Stream the source (the served recording's) from its start: the cache's make function. */
static ictus_status make_overview(void *ctx, const char *real, void **item, ictus_error *err)
{
    (void)real;
    ictus_source *src = ctx;
    double t0 = ictus_review_now_ms();
    const ictus_recording_info *info = ictus_source_info(src);
    overview *ov = ictus_xcalloc(1, sizeof *ov);
    int nc = ov->n_channels = info->n_channels;
    ov->n_minutes = (info->duration_us + ICTUS_GRID_BUCKET_US - 1) / ICTUS_GRID_BUCKET_US;
    ov->labels = ictus_xcalloc((size_t)nc + 1, sizeof *ov->labels);
    size_t cells = (size_t)nc * (size_t)ov->n_minutes + 1;
    ov->sum = ictus_xcalloc(cells, sizeof *ov->sum);
    ov->count = ictus_xcalloc(cells, sizeof *ov->count);
    ll_state *ls = ictus_xcalloc((size_t)nc + 1, sizeof *ls);
    for (int c = 0; c < nc; c++) {
        memcpy(ov->labels[c], info->channels[c].label, ICTUS_LABEL_MAX);
        ls[c] = (ll_state){.fs_hz = info->channels[c].fs_hz, .next_index = -1, .minute_end = -1};
    }
    ictus_block *blk = ictus_block_create(src);
    ictus_status st = ictus_source_rewind(src, err);
    while (st == ICTUS_OK && (st = ictus_source_read(src, blk, err)) == ICTUS_OK &&
           !ictus_block_empty(blk))
        for (int c = 0; c < nc; c++)
            add_samples(ov, c, &ls[c], blk->samples[c], blk->flags[c], blk->first_index[c],
                        blk->n[c]);
    ictus_block_destroy(blk);
    for (int c = 0; c < nc; c++)
        for (int64_t m = 0; m < ov->n_minutes; m++) {
            size_t cell = (size_t)c * (size_t)ov->n_minutes + (size_t)m;
            ov->sum[cell] = ov->count[cell] ? ov->sum[cell] / (double)ov->count[cell] * ls[c].fs_hz
                                            : NAN;
        }
    free(ls);
    if (st != ICTUS_OK) {
        ictus_review_overview_free(ov);
        return st;
    }
    ov->compute_ms = ictus_review_now_ms() - t0;
    *item = ov;
    return ICTUS_OK;
}

/* The recording's events, as JSON: the store walk's context. */
typedef struct {
    int64_t recording_id;
    json_t *events;
} event_list;

/* One event of the strip: edges (µs from the recording start) as they count. */
static void append_event(json_t *events, int64_t start_us, int64_t end_us, const char *channel,
                         const char *type, json_t *score, ictus_verdict verdict, bool added)
{
    json_array_append_new(events,
                          json_pack("{s:f, s:f, s:s, s:s, s:o, s:s, s:b}", "start_s",
                                    ictus_us_to_s(start_us), "end_s", ictus_us_to_s(end_us),
                                    "channel", channel, "type", type, "score", score, "verdict",
                                    ictus_verdict_name(verdict), "added", added));
}

/* A detected event of the recording, with its current decision's edges and type. */
static ictus_status add_event(void *ctx, const ictus_store_event_row *row, ictus_error *err)
{
    (void)err;
    event_list *l = ctx;
    if (row->recording_id != l->recording_id)
        return ICTUS_OK;
    const ictus_event e = ictus_store_event_effective(row);
    append_event(l->events, e.start_us, e.end_us, e.channel, e.type, json_real(row->event.score),
                 row->verdict, false);
    return ICTUS_OK;
}

/* An event a reviewer added to the recording (no score), its current decision's. */
static ictus_status add_added(void *ctx, const ictus_store_decision *d, ictus_error *err)
{
    (void)err;
    event_list *l = ctx;
    const ictus_store_review *r = &d->review;
    if (d->recording_id != l->recording_id)
        return ICTUS_OK;
    append_event(l->events, r->has_fixed_edges ? r->fixed_start_us : r->start_us,
                 r->has_fixed_edges ? r->fixed_end_us : r->end_us, r->channel,
                 r->type ? r->type : "", json_null(), r->verdict, true);
    return ICTUS_OK;
}

/* The store's part: the animal's analysable share and artefact windows per minute, and the events. */
static ictus_status store_part(const char *study_dir, const ictus_served_recording *rec,
                               const char *animal, int64_t n_minutes, json_t *answer,
                               ictus_error *err)
{
    char db_path[ICTUS_PATH_MAX];
    ictus_status st = ictus_path_join(db_path, sizeof db_path, study_dir, "ictus.db", err);
    ictus_store *s = NULL;
    if (st == ICTUS_OK)
        st = ictus_store_open(db_path, &s, err);
    ictus_store_bucket_series series = {0};
    bool found = false;
    if (st == ICTUS_OK)
        st = ictus_store_get_series(s, rec->recording_id, "*", &series, &found, err);
    json_t *analysable = json_array(), *artefacts = json_array();
    const int64_t duration_us = ictus_source_info(rec->src)->duration_us;
    for (int64_t m = 0; st == ICTUS_OK && m < n_minutes; m++) {
        bool have = found && m < series.n_buckets && series.bucket_us == ICTUS_GRID_BUCKET_US;
        int64_t n_art = 0;
        for (int k = 0; have && k < ICTUS_STORE_N_ARTEFACT_KINDS; k++)
            n_art += series.artefact_windows[m * ICTUS_STORE_N_ARTEFACT_KINDS + k];
        json_array_append_new(analysable,
                              have ? json_real((double)series.analysable_us[m] /
                                               (double)ictus_grid_bucket_len_us(m, duration_us))
                                   : json_null());
        json_array_append_new(artefacts, json_integer(n_art));
    }
    event_list l = {rec->recording_id, json_array()};
    const ictus_store_event_query q = {animal, ICTUS_STORE_TIME_MIN, ICTUS_STORE_TIME_MAX, NULL};
    if (st == ICTUS_OK)
        st = ictus_store_each_event(s, &q, add_event, &l, err);
    if (st == ICTUS_OK)
        st = ictus_store_each_added(s, animal, add_added, &l, err);
    json_object_set_new(answer, "analysable", analysable);
    json_object_set_new(answer, "artefact_windows", artefacts);
    json_object_set_new(answer, "events", l.events);
    ictus_store_bucket_series_clear(&series);
    ictus_store_close(s);
    return st;
}

static json_t *overview_json(const overview *ov, const ictus_recording_info *info,
                             const ictus_review_window *w, double compute_ms)
{
    char start[ICTUS_ISO_TIME_SIZE];
    ictus_walltime_format(info->start_us, start, sizeof start);
    json_t *channels = json_array();
    for (int c = 0; c < ov->n_channels; c++) {
        json_t *ll = json_array();
        for (int64_t m = 0; m < ov->n_minutes; m++) {
            double v = ov->sum[(size_t)c * (size_t)ov->n_minutes + (size_t)m];
            json_array_append_new(ll, isnan(v) ? json_null() : json_real(v));
        }
        json_array_append_new(channels,
                              json_pack("{s:s, s:o}", "label", ov->labels[c], "line_length", ll));
    }
    return json_pack("{s:s, s:s, s:s, s:f, s:f, s:f, s:o, s:f}", "recording", w->recording,
                     "animal", w->animal, "start", start, "start_wall_s",
                     ictus_us_to_s(info->start_us), "duration_s", ictus_us_to_s(info->duration_us),
                     "bucket_s", ictus_us_to_s(ICTUS_GRID_BUCKET_US), "channels", channels,
                     "compute_ms", compute_ms);
}

int ictus_review_api_overview(ictus_review_cache *cache, const char *study_dir,
                              const ictus_review_query *q, char **json)
{
    /* The window's arguments are not the overview's: it is the whole recording. */
    ictus_review_window w;
    ictus_served_recording rec;
    int status = ictus_review_window_open(cache, study_dir, q, false, true, &w, &rec, json);
    if (status)
        return status;
    void *item = NULL;
    ictus_error err = {0};
    ictus_status st = ictus_recording_cache_borrow(cache->overviews, rec.real, rec.key,
                                                   make_overview, rec.src, &item, &err);
    if (st == ICTUS_OK) {
        overview *ov = item; /* borrowed: this thread's alone */
        json_t *answer = overview_json(ov, ictus_source_info(rec.src), &w,
                                       ov->served ? 0 : ov->compute_ms);
        ov->served = true;
        st = store_part(study_dir, &rec, w.animal, ov->n_minutes, answer, &err);
        status = st == ICTUS_OK ? ictus_review_answer(answer, ICTUS_HTTP_OK, json)
                                : (json_decref(answer),
                                   ictus_review_answer_error(ictus_review_store_status(st), err.msg,
                                                             json));
    } else {
        status = ictus_review_answer_error(ICTUS_HTTP_SERVER_ERROR, err.msg, json);
    }
    ictus_recording_cache_give_back(cache->overviews, item);
    ictus_review_recording_close(cache, &rec);
    return status;
}
