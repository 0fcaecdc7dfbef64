/* api.c: the review API: the event list and the decisions, as JSON over ictus.db. */
#include "review/api.h"

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

/* Longest ISO wall time ictus_walltime_format() writes, with its NUL. */
#define ISO_TIME_SIZE 32

/* Dump `root` (taking it) as the answer; `status` passes through. */
static int answer(json_t *root, int status, char **json)
{
    char *text = json_dumps(root, JSON_COMPACT);
    json_decref(root);
    *json = ictus_xstrdup(text ? text : "{\"error\":\"out of memory\"}");
    free(text);
    return text ? status : ICTUS_HTTP_SERVER_ERROR;
}

static int answer_error(int status, const char *message, char **json)
{
    return answer(json_pack("{s:s}", "error", message), status, json);
}

/* The HTTP status of a store failure. */
static int store_status(ictus_status st)
{
    return st == ICTUS_ERR_BUSY ? ICTUS_HTTP_UNAVAILABLE : ICTUS_HTTP_SERVER_ERROR;
}

/* Parse a score bound in [0, 1]. */
static bool parse_score(const char *s, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !(v >= 0 && v <= 1))
        return false;
    *out = v;
    return true;
}

bool ictus_review_filter_parse(ictus_review_filter *f, const char *animal, const char *type,
                               const char *reviewed, const char *min_score,
                               const char *max_score, const char *sort, char *msg,
                               size_t msg_size)
{
    *f = (ictus_review_filter){.animal = animal && *animal ? animal : NULL,
                               .type = type && *type ? type : NULL,
                               .min_score = 0, .max_score = 1};
    if (reviewed && *reviewed) {
        if (!strcmp(reviewed, "yes"))
            f->reviewed = ICTUS_REVIEWED_YES;
        else if (!strcmp(reviewed, "no"))
            f->reviewed = ICTUS_REVIEWED_NO;
        else
            return snprintf(msg, msg_size, "reviewed: expected yes or no"), false;
    }
    if (min_score && *min_score && !parse_score(min_score, &f->min_score))
        return snprintf(msg, msg_size, "min_score: expected a number in [0, 1]"), false;
    if (max_score && *max_score && !parse_score(max_score, &f->max_score))
        return snprintf(msg, msg_size, "max_score: expected a number in [0, 1]"), false;
    if (sort && *sort) {
        if (!strcmp(sort, "time"))
            f->by_time = true;
        else if (strcmp(sort, "score"))
            return snprintf(msg, msg_size, "sort: expected score or time"), false;
    }
    return true;
}

/* One listed event (strings owned). */
typedef struct {
    ictus_event event;
    char *path, *animal;
    ictus_verdict verdict;
    int racine;
    size_t order;  /* in the store's walk: animal, wall-clock start, path, channel, type */
} listed_event;

/* What the walk over the store collects. */
typedef struct {
    const ictus_review_filter *f;
    listed_event *events;
    size_t n, cap;
    json_t *animals, *types;  /* sets: object keys */
    size_t walked;
} event_walk;

static ictus_status collect_event(void *ctx, const ictus_store_event_row *row, ictus_error *err)
{
    event_walk *w = ctx;
    const ictus_review_filter *f = w->f;
    json_object_set_new(w->animals, row->animal, json_true());
    json_object_set_new(w->types, row->event.type, json_true());
    size_t order = w->walked++;
    bool reviewed = row->verdict != ICTUS_VERDICT_NONE;
    if ((f->animal && strcmp(f->animal, row->animal)) ||
        (f->type && strcmp(f->type, row->event.type)) ||
        (f->reviewed == ICTUS_REVIEWED_YES && !reviewed) ||
        (f->reviewed == ICTUS_REVIEWED_NO && reviewed) || row->event.score < f->min_score ||
        row->event.score > f->max_score)
        return ICTUS_OK;
    ICTUS_GROW(w->events, w->n + 1, w->cap);
    w->events[w->n++] = (listed_event){.event = row->event,
                                       .path = ictus_xstrdup(row->path),
                                       .animal = ictus_xstrdup(row->animal),
                                       .verdict = row->verdict,
                                       .racine = row->racine,
                                       .order = order};
    return ICTUS_OK;
}

/* Lowest score first; ties in the store's order. */
static int by_score(const void *pa, const void *pb)
{
    const listed_event *a = pa, *b = pb;
    if (a->event.score != b->event.score)
        return a->event.score < b->event.score ? -1 : 1;
    return (a->order > b->order) - (a->order < b->order);
}

/* Earliest wall-clock start first; ties in the store's order. */
static int by_time(const void *pa, const void *pb)
{
    const listed_event *a = pa, *b = pb;
    if (a->event.wall_start_us != b->event.wall_start_us)
        return a->event.wall_start_us < b->event.wall_start_us ? -1 : 1;
    return (a->order > b->order) - (a->order < b->order);
}

static int by_key(const void *pa, const void *pb)
{
    return strcmp(*(const char *const *)pa, *(const char *const *)pb);
}

/* The object keys of `set`, sorted, as an array. */
static json_t *sorted_keys(json_t *set)
{
    size_t n = json_object_size(set), i = 0;
    const char **keys = ictus_xcalloc(n ? n : 1, sizeof *keys);
    const char *key;
    json_t *value;
    json_object_foreach(set, key, value) keys[i++] = key;
    qsort(keys, n, sizeof *keys, by_key);
    json_t *arr = json_array();
    for (i = 0; i < n; i++)
        json_array_append_new(arr, json_string(keys[i]));
    free(keys);
    return arr;
}

static json_t *event_json(const listed_event *e)
{
    char start[ISO_TIME_SIZE];
    ictus_walltime_format(e->event.wall_start_us, start, sizeof start);
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:f, s:f, s:f, s:f, s:s, s:i}", "recording",
                     e->path, "animal", e->animal, "channel", e->event.channel, "type",
                     e->event.type, "start", start, "start_s", ictus_us_to_s(e->event.start_us),
                     "end_s", ictus_us_to_s(e->event.end_us), "duration_s",
                     ictus_us_to_s(e->event.end_us - e->event.start_us), "score",
                     e->event.score, "verdict", ictus_verdict_name(e->verdict), "racine",
                     e->racine);
}

int ictus_review_api_events(const char *db_path, const ictus_review_filter *f, char **json)
{
    ictus_error err = {0};
    ictus_store *s;
    if (ictus_store_open(db_path, &s, &err) != ICTUS_OK)
        return answer_error(store_status(err.status), err.msg, json);
    /* Every event is walked (the filters list every animal and type); the
     * filter picks those listed. */
    event_walk w = {.f = f, .animals = json_object(), .types = json_object()};
    const ictus_store_event_query q = {.t0_us = ICTUS_STORE_TIME_MIN,
                                       .t1_us = ICTUS_STORE_TIME_MAX};
    ictus_status st = ictus_store_each_event(s, &q, collect_event, &w, &err);
    ictus_store_close(s);
    int status;
    if (st != ICTUS_OK) {
        status = answer_error(store_status(st), err.msg, json);
    } else {
        if (w.n > 1)
            qsort(w.events, w.n, sizeof *w.events, f->by_time ? by_time : by_score);
        json_t *events = json_array();
        size_t unreviewed = 0;
        for (size_t i = 0; i < w.n; i++) {
            json_array_append_new(events, event_json(&w.events[i]));
            unreviewed += w.events[i].verdict == ICTUS_VERDICT_NONE;
        }
        status = answer(json_pack("{s:o, s:I, s:I, s:o, s:o}", "events", events, "total",
                                  (json_int_t)w.n, "unreviewed", (json_int_t)unreviewed,
                                  "animals", sorted_keys(w.animals), "types",
                                  sorted_keys(w.types)),
                        ICTUS_HTTP_OK, json);
    }
    for (size_t i = 0; i < w.n; i++) {
        free(w.events[i].path);
        free(w.events[i].animal);
    }
    free(w.events);
    json_decref(w.animals);
    json_decref(w.types);
    return status;
}

/* The verdict named `name`; NONE when it names none that can be stored. */
static ictus_verdict verdict_of(const char *name)
{
    for (int v = ICTUS_VERDICT_NONE + 1; v < ICTUS_N_VERDICTS; v++)
        if (!strcmp(name, ictus_verdict_name((ictus_verdict)v)))
            return (ictus_verdict)v;
    return ICTUS_VERDICT_NONE;
}

/* Finds whether the stored events hold the one a review names. */
typedef struct {
    const char *path, *channel;
    int64_t start_us;
    bool found;
} event_search;

static ictus_status match_event(void *ctx, const ictus_store_event_row *row, ictus_error *err)
{
    event_search *q = ctx;
    q->found |= !strcmp(row->path, q->path) && !strcmp(row->event.channel, q->channel) &&
                row->event.start_us == q->start_us;
    return ICTUS_OK;
}

int ictus_review_api_post_review(const char *db_path, const char *body, size_t len,
                                 int64_t now_unix_us, char **json)
{
    json_error_t jerr;
    json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        char msg[256];
        snprintf(msg, sizeof msg, "bad JSON at line %d, column %d: %s", jerr.line, jerr.column,
                 jerr.text);
        return answer_error(ICTUS_HTTP_BAD_REQUEST, msg, json);
    }
    const char *recording, *animal, *channel, *verdict_name, *type = NULL, *note = "",
                                                             *reviewer = "";
    double start_s, end_s;
    int racine = -1;
    if (json_unpack_ex(root, &jerr, JSON_STRICT,
                       "{s:s, s:s, s:s, s:F, s:F, s:s, s?s, s?i, s?s, s?s}", "recording",
                       &recording, "animal", &animal, "channel", &channel, "start_s", &start_s,
                       "end_s", &end_s, "verdict", &verdict_name, "type", &type, "racine",
                       &racine, "note", &note, "reviewer", &reviewer)) {
        char msg[256];
        snprintf(msg, sizeof msg, "bad review: %s", jerr.text);
        json_decref(root);
        return answer_error(ICTUS_HTTP_BAD_REQUEST, msg, json);
    }
    ictus_verdict verdict = verdict_of(verdict_name);
    const char *bad = verdict == ICTUS_VERDICT_NONE ? "verdict: expected seizure, not_seizure "
                                                      "or unsure"
                      : racine < -1 || racine > 5   ? "racine: expected -1 (none) or 0..5"
                      : !isfinite(start_s) || !isfinite(end_s) || !(end_s > start_s)
                          ? "start_s, end_s: expected end_s > start_s"
                      : type && (!*type || strlen(type) >= ICTUS_TYPE_MAX)
                          ? "type: expected a type name of 1 to 23 bytes"
                          : NULL;
    if (bad) {
        json_decref(root);
        return answer_error(ICTUS_HTTP_BAD_REQUEST, bad, json);
    }
    char *full_note = NULL;
    if (type) {
        size_t n = strlen("type=; ") + strlen(type) + strlen(note) + 1;
        full_note = ictus_xmalloc(n);
        snprintf(full_note, n, "type=%s%s%s", type, *note ? "; " : "", note);
    }
    const ictus_store_review review = {.path = recording,
                                       .animal = animal,
                                       .channel = channel,
                                       .start_us = ictus_s_to_us(start_s),
                                       .end_us = ictus_s_to_us(end_s),
                                       .verdict = verdict,
                                       .racine = racine,
                                       .reviewer = reviewer,
                                       .reviewed_unix_us = now_unix_us,
                                       .note = full_note ? full_note : note};
    ictus_error err = {0};
    ictus_store *s;
    int status;
    if (ictus_store_open(db_path, &s, &err) != ICTUS_OK) {
        status = answer_error(store_status(err.status), err.msg, json);
    } else {
        event_search q = {.path = recording, .channel = channel, .start_us = review.start_us};
        const ictus_store_event_query eq = {.animal = animal, .t0_us = ICTUS_STORE_TIME_MIN,
                                            .t1_us = ICTUS_STORE_TIME_MAX};
        ictus_status st = ictus_store_each_event(s, &eq, match_event, &q, &err);
        if (st != ICTUS_OK)
            status = answer_error(store_status(st), err.msg, json);
        else if (!q.found)
            status = answer_error(ICTUS_HTTP_NOT_FOUND, "no such event", json);
        else if (ictus_store_put_review(s, &review, &err) != ICTUS_OK)
            status = answer_error(err.status == ICTUS_ERR_DATA ? ICTUS_HTTP_BAD_REQUEST
                                                               : store_status(err.status),
                                  err.msg, json);
        else
            status = answer(json_pack("{s:b}", "ok", 1), ICTUS_HTTP_OK, json);
        ictus_store_close(s);
    }
    free(full_note);
    json_decref(root);
    return status;
}

/* ---- GET /api/signal ---------------------------------------------------- */

/* The directory under the study that recordings.csv's file names are relative to. */
#define RECORDINGS_PREFIX "recordings/"

/* A finite number, the whole string. */
static bool parse_number(const char *s, double *out)
{
    char *end;
    if (!s || !*s)
        return false;
    double v = strtod(s, &end);
    if (*end || !isfinite(v))
        return false;
    *out = v;
    return true;
}

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
    if (!parse_number(t0_s, &a->t0_s) || !parse_number(t1_s, &a->t1_s) || !(a->t1_s > a->t0_s))
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
    char start[ISO_TIME_SIZE];
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
        return answer_error(ICTUS_HTTP_SERVER_ERROR, err.msg, json);
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
    int status = st == ICTUS_OK ? answer(excerpt_json(ex, a), ICTUS_HTTP_OK, json)
                                : answer_error(ICTUS_HTTP_SERVER_ERROR, err.msg, json);
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
        return answer_error(ICTUS_HTTP_BAD_REQUEST, bad, json);
    char db_path[ICTUS_PATH_MAX];
    ictus_error err = {0};
    if (ictus_path_join(db_path, sizeof db_path, study_dir, "ictus.db", &err) != ICTUS_OK)
        return answer_error(ICTUS_HTTP_SERVER_ERROR, err.msg, json);
    ictus_store *s;
    if (ictus_store_open(db_path, &s, &err) != ICTUS_OK)
        return answer_error(store_status(err.status), err.msg, json);
    ictus_store_recording rec = {0};
    bool found = false;
    ictus_status st = ictus_store_find_recording(s, recording, animal, &rec, &found, &err);
    ictus_store_recording_clear(&rec);
    ictus_store_close(s);
    if (st != ICTUS_OK)
        return answer_error(store_status(st), err.msg, json);
    if (!found)
        return answer_error(ICTUS_HTTP_NOT_FOUND, "no such recording", json);
    char real[ICTUS_PATH_MAX], msg[ICTUS_PATH_MAX + 64];
    int status = resolve_recording(study_dir, recording, real, msg, sizeof msg);
    if (status)
        return answer_error(status, msg, json);
    ictus_study *study;
    if (ictus_study_load(study_dir, &study, &err) != ICTUS_OK)
        return answer_error(ICTUS_HTTP_SERVER_ERROR, err.msg, json);
    status = read_signal(study, &a, real, json);
    ictus_study_destroy(study);
    return status;
}
