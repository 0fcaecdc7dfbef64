/* api_signal.c: the review API's signal: a window of a stored recording, decimated. */
#include "review/api.h"
#include "review/api_json.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/status.h"
#include "base/vec.h"
#include "base/path.h"
#include "base/walltime.h"
#include "pipeline/excerpt.h"
#include "protocols/recording_view.h"
#include "protocols/study.h"
#include "protocols/study_preset.h"
#include "store/store.h"

/* ---- GET /api/signal ---------------------------------------------------- */

/* The directory under the study that recordings.csv's file names are relative to. */
#define RECORDINGS_PREFIX "recordings/"

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

/* The real path of the stored `recording` into real[ICTUS_PATH_MAX]: 0, or
 * the 404 (a message in msg) when it is missing or leaves the study. */
static int resolve_recording(const char *study_dir, const char *recording, char *real,
                             char *msg, size_t msg_size)
{
    char root[ICTUS_PATH_MAX], joined[ICTUS_PATH_MAX];
    ictus_error err;
    if (!realpath(study_dir, root) ||
        ictus_path_join(joined, sizeof joined, study_dir, recording, &err) != ICTUS_OK) {
        snprintf(msg, msg_size, "%s: cannot resolve the path", recording);
        return ICTUS_HTTP_SERVER_ERROR;
    }
    if (!realpath(joined, real)) {
        snprintf(msg, msg_size, "%s: %s", recording,
                 errno == ENOENT ? "the recording is missing" : "cannot resolve the path");
        return ICTUS_HTTP_NOT_FOUND;
    }
    size_t n = strlen(root);
    if (strncmp(real, root, n) || real[n] != '/') {
        snprintf(msg, msg_size, "%s: the recording is outside the study directory", recording);
        return ICTUS_HTTP_NOT_FOUND;
    }
    return 0;
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

/* Open the recording at `real` as the nightly job does and read the excerpt. */
static int read_signal(const ictus_study *study, const signal_args *a, const char *real,
                       char **json)
{
    const ictus_recording_entry *entry =
        strncmp(a->recording, RECORDINGS_PREFIX, strlen(RECORDINGS_PREFIX))
            ? NULL
            : ictus_study_recording(study, a->recording + strlen(RECORDINGS_PREFIX), a->animal);
    ictus_study_preset sp = {0};
    ictus_error err = {0};
    if (a->filters && ictus_study_preset_load(study, &sp, &err) != ICTUS_OK)
        return ictus_review_answer_error(ICTUS_HTTP_SERVER_ERROR, err.msg, json);
    ictus_source_options opt = ictus_recording_source_options(study, entry);
    ictus_source *src = NULL;
    ictus_status st = ictus_source_open(real, &opt, &src, &err);
    int *file_channel = NULL;
    if (st == ICTUS_OK) {
        int n_file = ictus_source_info(src)->n_channels;
        for (int m = 0; entry && m < entry->n_channels; m++)
            if (entry->channels[m].channel > n_file) {
                st = ictus_fail(&err, ICTUS_ERR_CONFIG,
                                     "%s: recordings.csv line %d maps a channel the file lacks",
                                     a->recording, entry->line);
                break;
            }
        file_channel = ictus_xcalloc((size_t)n_file + 1, sizeof *file_channel);
    }
    if (st == ICTUS_OK)
        st = ictus_recording_view(entry, &src, file_channel, &err);
    ictus_excerpt *ex = NULL;
    if (st == ICTUS_OK) {
        const ictus_excerpt_request req = {.t0_us = ictus_s_to_us(a->t0_s),
                                           .t1_us = ictus_s_to_us(a->t1_s),
                                           .width = a->width,
                                           .filters = a->filters ? &sp.preset.settings : NULL};
        st = ictus_excerpt_read(src, &req, &ex, &err);
    }
    int status = st == ICTUS_OK ? ictus_review_answer(excerpt_json(ex, a), ICTUS_HTTP_OK, json)
                                : ictus_review_answer_error(ICTUS_HTTP_SERVER_ERROR, err.msg, json);
    ictus_excerpt_free(ex);
    ictus_source_close(src);
    free(file_channel);
    ictus_study_preset_free(&sp);
    return status;
}

int ictus_review_api_signal(const char *study_dir, const char *recording, const char *animal,
                            const char *t0_s, const char *t1_s, const char *width,
                            const char *filters, char **json)
{
    signal_args a;
    const char *bad = parse_signal_args(&a, recording, animal, t0_s, t1_s, width, filters);
    if (bad)
        return ictus_review_answer_error(ICTUS_HTTP_BAD_REQUEST, bad, json);
    char db_path[ICTUS_PATH_MAX];
    ictus_error err = {0};
    if (ictus_path_join(db_path, sizeof db_path, study_dir, "ictus.db", &err) != ICTUS_OK)
        return ictus_review_answer_error(ICTUS_HTTP_SERVER_ERROR, err.msg, json);
    ictus_store *s;
    if (ictus_store_open(db_path, &s, &err) != ICTUS_OK)
        return ictus_review_answer_error(ictus_review_store_status(err.status), err.msg, json);
    ictus_store_recording rec = {0};
    bool found = false;
    ictus_status st = ictus_store_find_recording(s, recording, animal, &rec, &found, &err);
    ictus_store_recording_clear(&rec);
    ictus_store_close(s);
    if (st != ICTUS_OK)
        return ictus_review_answer_error(ictus_review_store_status(st), err.msg, json);
    if (!found)
        return ictus_review_answer_error(ICTUS_HTTP_NOT_FOUND, "no such recording", json);
    char real[ICTUS_PATH_MAX], msg[ICTUS_PATH_MAX + 64];
    int status = resolve_recording(study_dir, recording, real, msg, sizeof msg);
    if (status)
        return ictus_review_answer_error(status, msg, json);
    ictus_study *study;
    if (ictus_study_load(study_dir, &study, &err) != ICTUS_OK)
        return ictus_review_answer_error(ICTUS_HTTP_SERVER_ERROR, err.msg, json);
    status = read_signal(study, &a, real, json);
    ictus_study_destroy(study);
    return status;
}
