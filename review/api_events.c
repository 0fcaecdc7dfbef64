/* api_events.c: the review API's event list and decisions, as JSON over ictus.db. */
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
    char start[ICTUS_ISO_TIME_SIZE];
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
        return ictus_review_answer_error(ictus_review_store_status(err.status), err.msg, json);
    /* Every event is walked (the filters list every animal and type); the
     * filter picks those listed. */
    event_walk w = {.f = f, .animals = json_object(), .types = json_object()};
    const ictus_store_event_query q = {.t0_us = ICTUS_STORE_TIME_MIN,
                                       .t1_us = ICTUS_STORE_TIME_MAX};
    ictus_status st = ictus_store_each_event(s, &q, collect_event, &w, &err);
    ictus_store_close(s);
    int status;
    if (st != ICTUS_OK) {
        status = ictus_review_answer_error(ictus_review_store_status(st), err.msg, json);
    } else {
        if (w.n > 1)
            qsort(w.events, w.n, sizeof *w.events, f->by_time ? by_time : by_score);
        json_t *events = json_array();
        size_t unreviewed = 0;
        for (size_t i = 0; i < w.n; i++) {
            json_array_append_new(events, event_json(&w.events[i]));
            unreviewed += w.events[i].verdict == ICTUS_VERDICT_NONE;
        }
        status = ictus_review_answer(json_pack("{s:o, s:I, s:I, s:o, s:o}", "events", events, "total",
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
        return ictus_review_answer_error(ICTUS_HTTP_BAD_REQUEST, msg, json);
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
        return ictus_review_answer_error(ICTUS_HTTP_BAD_REQUEST, msg, json);
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
        return ictus_review_answer_error(ICTUS_HTTP_BAD_REQUEST, bad, json);
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
        status = ictus_review_answer_error(ictus_review_store_status(err.status), err.msg, json);
    } else {
        event_search q = {.path = recording, .channel = channel, .start_us = review.start_us};
        const ictus_store_event_query eq = {.animal = animal, .t0_us = ICTUS_STORE_TIME_MIN,
                                            .t1_us = ICTUS_STORE_TIME_MAX};
        ictus_status st = ictus_store_each_event(s, &eq, match_event, &q, &err);
        if (st != ICTUS_OK)
            status = ictus_review_answer_error(ictus_review_store_status(st), err.msg, json);
        else if (!q.found)
            status = ictus_review_answer_error(ICTUS_HTTP_NOT_FOUND, "no such event", json);
        else if (ictus_store_put_review(s, &review, &err) != ICTUS_OK)
            status = ictus_review_answer_error(err.status == ICTUS_ERR_DATA ? ICTUS_HTTP_BAD_REQUEST
                                                               : ictus_review_store_status(err.status),
                                  err.msg, json);
        else
            status = ictus_review_answer(json_pack("{s:b}", "ok", 1), ICTUS_HTTP_OK, json);
        ictus_store_close(s);
    }
    free(full_note);
    json_decref(root);
    return status;
}

