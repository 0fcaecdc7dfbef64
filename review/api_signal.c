/* api_signal.c: the review API's signal: a window of a stored recording, decimated. */
#include "review/api.h"
#include "review/api_json.h"
#include "review/api_recording.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/status.h"
#include "base/walltime.h"
#include "pipeline/excerpt.h"
#include "protocols/study_preset.h"

/* ---- GET /api/signal ---------------------------------------------------- */

/* The checked arguments of a signal request. */
typedef struct {
    ictus_review_window w;
    int width;
    bool filters;
} signal_args;

/* NULL when the request's arguments are good (into *a), else what is wrong. */
static const char *parse_signal_args(signal_args *a, const char *recording, const char *animal,
                                     const char *t0_s, const char *t1_s, const char *width,
                                     const char *filters)
{
    *a = (signal_args){0};
    const char *bad = ictus_review_window_parse(&a->w, recording, animal, t0_s, t1_s, true);
    if (bad)
        return bad;
    char *end;
    long w = width && *width ? strtol(width, &end, 10) : 0;
    if (!width || !*width || *end || w < 1 || w > ICTUS_REVIEW_SIGNAL_MAX_WIDTH)
        return "width: expected a whole number in 1..4000";
    a->width = (int)w;
    if (filters && *filters && strcmp(filters, "on") && strcmp(filters, "off"))
        return "filters: expected on or off";
    a->filters = filters && !strcmp(filters, "on");
    return NULL;
}

/* A column's value: null in a gap. */
static json_t *column_json(float v)
{
    return isnan(v) ? json_null() : json_real(v);
}

static json_t *excerpt_json(const ictus_excerpt *ex, const signal_args *a)
{
    char start[ICTUS_ISO_TIME_SIZE];
    ictus_walltime_format(ex->start_us + ex->t0_us, start, sizeof start);
    json_t *channels = json_array();
    for (int c = 0; c < ex->n_channels; c++) {
        const ictus_excerpt_channel *ch = &ex->channels[c];
        json_t *min = json_array(), *max = json_array();
        for (int j = 0; j < ex->width; j++) {
            json_array_append_new(min, column_json(ch->min[j]));
            json_array_append_new(max, column_json(ch->max[j]));
        }
        json_array_append_new(channels, json_pack("{s:s, s:s, s:f, s:o, s:o}", "label",
                                                  ch->label, "unit", ch->unit, "fs_hz",
                                                  ch->fs_hz, "min", min, "max", max));
    }
    return json_pack("{s:s, s:f, s:f, s:i, s:b, s:o}", "start", start, "t0_s", a->w.t0_s, "t1_s",
                     a->w.t1_s, "width", ex->width, "filters", a->filters, "channels", channels);
}

/* Read the excerpt the request asks for from the served recording. */
static int read_signal(const ictus_served_recording *rec, const signal_args *a, char **json)
{
    ictus_study_preset sp = {0};
    ictus_error err = {0};
    if (a->filters &&
        ictus_study_preset_load_animal(rec->study, a->w.animal, &sp, &err) != ICTUS_OK)
        return ictus_review_answer_error(ICTUS_HTTP_SERVER_ERROR, err.msg, json);
    const ictus_excerpt_request req = {.t0_us = ictus_s_to_us(a->w.t0_s),
                                       .t1_us = ictus_s_to_us(a->w.t1_s),
                                       .width = a->width,
                                       .filters = a->filters ? &sp.preset.settings : NULL};
    ictus_excerpt *ex = NULL;
    ictus_status st = ictus_excerpt_read(rec->src, &req, &ex, &err);
    int status = st == ICTUS_OK ? ictus_review_answer(excerpt_json(ex, a), ICTUS_HTTP_OK, json)
                                : ictus_review_answer_error(ICTUS_HTTP_SERVER_ERROR, err.msg, json);
    ictus_excerpt_free(ex);
    ictus_study_preset_free(&sp);
    return status;
}

int ictus_review_api_signal(ictus_review_cache *cache, const char *study_dir,
                            const char *recording, const char *animal, const char *t0_s,
                            const char *t1_s, const char *width, const char *filters,
                            char **json)
{
    signal_args a;
    const char *bad = parse_signal_args(&a, recording, animal, t0_s, t1_s, width, filters);
    if (bad)
        return ictus_review_answer_error(ICTUS_HTTP_BAD_REQUEST, bad, json);
    ictus_served_recording rec;
    int status = ictus_review_recording_open(cache, study_dir, recording, animal, &rec, json);
    if (status)
        return status;
    status = read_signal(&rec, &a, json);
    ictus_review_recording_close(cache, &rec);
    return status;
}

/* ---- GET /api/spectrogram ----------------------------------------------- */

/* Samples per PSD when the request gives none: the power of two nearest
 * half a second (2 Hz bins at any rate), within excerpt.h's 16..65536. */
static int default_n_fft(double fs_hz)
{
    int n = 16;
    while (n < 65536 && fabs(log2(n * 2 / (fs_hz / 2))) < fabs(log2(n / (fs_hz / 2))))
        n *= 2;
    return n;
}

static int compare_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

static json_t *spectrogram_json(const ictus_spectrogram *sg, const signal_args *a, int n_fft)
{
    size_t n = (size_t)sg->n_times * (size_t)sg->n_freq, n_finite = 0;
    float *sorted = ictus_xmalloc((n ? n : 1) * sizeof *sorted);
    json_t *db = json_array();
    for (size_t k = 0; k < n; k++) {
        float v = sg->db[k];
        json_array_append_new(db, isnan(v) ? json_null() : json_integer(lrintf(v)));
        if (!isnan(v))
            sorted[n_finite++] = v;
    }
    qsort(sorted, n_finite, sizeof *sorted, compare_float);
    double lo = n_finite ? sorted[(size_t)(0.02 * (double)(n_finite - 1))] : 0;
    double hi = n_finite ? sorted[(size_t)(0.995 * (double)(n_finite - 1))] : 0;
    free(sorted);
    return json_pack("{s:s, s:f, s:f, s:f, s:i, s:i, s:f, s:i, s:f, s:f, s:b, s:o}", "label",
                     sg->label, "fs_hz", sg->fs_hz, "t0_s", a->w.t0_s, "t1_s", a->w.t1_s, "width",
                     sg->n_times, "n_freq", sg->n_freq, "df_hz", sg->df_hz, "n_fft", n_fft,
                     "db_lo", lo, "db_hi", hi, "filters", a->filters, "db", db);
}

/* The spectrogram of the served recording's channel `label`. */
static int read_spectrogram(const ictus_served_recording *rec, const signal_args *a,
                            const char *label, double max_hz, int n_fft, char **json)
{
    const ictus_recording_info *info = ictus_source_info(rec->src);
    int channel = 0;
    while (channel < info->n_channels && strcmp(info->channels[channel].label, label))
        channel++;
    if (channel == info->n_channels)
        return ictus_review_answer_error(ICTUS_HTTP_BAD_REQUEST,
                                         "channel: no channel of the recording has that label",
                                         json);
    double fs_hz = info->channels[channel].fs_hz;
    if (!n_fft)
        n_fft = default_n_fft(fs_hz);
    double top_hz = max_hz > 0 && max_hz < fs_hz / 2 ? max_hz : fs_hz / 2;
    if (floor(top_hz / (fs_hz / n_fft)) + 1 > ICTUS_REVIEW_SPECTROGRAM_MAX_BINS)
        return ictus_review_answer_error(ICTUS_HTTP_BAD_REQUEST,
                                         "n_fft, max_hz: more than 512 frequency bins", json);
    if ((int64_t)a->width * n_fft > ICTUS_REVIEW_SPECTROGRAM_MAX_WORK)
        return ictus_review_answer_error(ICTUS_HTTP_BAD_REQUEST,
                                         "width, n_fft: more than 2^25 samples to transform",
                                         json);
    ictus_study_preset sp = {0};
    ictus_error err = {0};
    if (a->filters &&
        ictus_study_preset_load_animal(rec->study, a->w.animal, &sp, &err) != ICTUS_OK)
        return ictus_review_answer_error(ICTUS_HTTP_SERVER_ERROR, err.msg, json);
    const ictus_spectrogram_request req = {.t0_us = ictus_s_to_us(a->w.t0_s),
                                           .t1_us = ictus_s_to_us(a->w.t1_s),
                                           .channel = channel,
                                           .n_times = a->width,
                                           .n_fft = n_fft,
                                           .max_hz = max_hz,
                                           .filters = a->filters ? &sp.preset.settings : NULL};
    ictus_spectrogram *sg = NULL;
    ictus_status st = ictus_spectrogram_read(rec->src, &req, &sg, &err);
    int status = st == ICTUS_OK
                     ? ictus_review_answer(spectrogram_json(sg, a, n_fft), ICTUS_HTTP_OK, json)
                     : ictus_review_answer_error(ICTUS_HTTP_SERVER_ERROR, err.msg, json);
    ictus_spectrogram_free(sg);
    ictus_study_preset_free(&sp);
    return status;
}

int ictus_review_api_spectrogram(ictus_review_cache *cache, const char *study_dir,
                                 const ictus_review_query *q, char **json)
{
    signal_args a;
    const char *bad = parse_signal_args(&a, q->get(q->ctx, "recording"),
                                        q->get(q->ctx, "animal"), q->get(q->ctx, "t0_s"),
                                        q->get(q->ctx, "t1_s"), q->get(q->ctx, "width"),
                                        q->get(q->ctx, "filters"));
    const char *label = q->get(q->ctx, "channel"), *max_hz_text = q->get(q->ctx, "max_hz"),
               *n_fft_text = q->get(q->ctx, "n_fft");
    double max_hz = 0, n_fft = 0;
    if (!bad && (!label || !*label))
        bad = "channel: expected a channel's label";
    if (!bad && max_hz_text && !(ictus_review_parse_number(max_hz_text, &max_hz) && max_hz >= 0))
        bad = "max_hz: expected a number >= 0";
    if (!bad && n_fft_text &&
        !(ictus_review_parse_number(n_fft_text, &n_fft) && n_fft == floor(n_fft) &&
          n_fft >= 16 && n_fft <= 65536))
        bad = "n_fft: expected a whole number in 16..65536";
    if (bad)
        return ictus_review_answer_error(ICTUS_HTTP_BAD_REQUEST, bad, json);
    ictus_served_recording rec;
    int status =
        ictus_review_recording_open(cache, study_dir, a.w.recording, a.w.animal, &rec, json);
    if (status)
        return status;
    status = read_spectrogram(&rec, &a, label, max_hz, (int)n_fft, json);
    ictus_review_recording_close(cache, &rec);
    return status;
}
