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
#include "base/vec.h"
#include "base/walltime.h"
#include "pipeline/excerpt.h"
#include "protocols/study_preset.h"

/* ---- GET /api/signal ---------------------------------------------------- */

/* The checked arguments of a signal request. */
typedef struct {
    const char *recording, *animal;
    double t0_s, t1_s;
    int width;
    bool filters;
} signal_args;

/* NULL when the request's arguments are good (into *a), else what is wrong. */
static const char *parse_signal_args(signal_args *a, const char *recording, const char *animal,
                                     const char *t0_s, const char *t1_s, const char *width,
                                     const char *filters)
{
    *a = (signal_args){.recording = recording, .animal = animal};
    if (!recording || !*recording)
        return "recording: expected a recording's path";
    if (!animal || !*animal)
        return "animal: expected an animal id";
    if (!ictus_review_parse_number(t0_s, &a->t0_s) || !ictus_review_parse_number(t1_s, &a->t1_s) || !(a->t1_s > a->t0_s))
        return "t0_s, t1_s: expected numbers with t1_s > t0_s";
    if (a->t1_s - a->t0_s > ICTUS_REVIEW_SIGNAL_MAX_S)
        return "t0_s, t1_s: the window is longer than 600 s";
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
    return json_pack("{s:s, s:f, s:f, s:i, s:b, s:o}", "start", start, "t0_s", a->t0_s, "t1_s",
                     a->t1_s, "width", ex->width, "filters", a->filters, "channels", channels);
}

/* Read the excerpt the request asks for from the served recording. */
static int read_signal(const ictus_served_recording *rec, const signal_args *a, char **json)
{
    ictus_study_preset sp = {0};
    ictus_error err = {0};
    if (a->filters && ictus_study_preset_load(rec->study, &sp, &err) != ICTUS_OK)
        return ictus_review_answer_error(ICTUS_HTTP_SERVER_ERROR, err.msg, json);
    const ictus_excerpt_request req = {.t0_us = ictus_s_to_us(a->t0_s),
                                       .t1_us = ictus_s_to_us(a->t1_s),
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

int ictus_review_api_signal(ictus_recording_cache *cache, const char *study_dir,
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
