/* api_events.c: the review API's queue, decisions and history, as JSON over ictus.db. */
#include "review/api.h"
#include "review/api_json.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/status.h"
#include "base/vec.h"
#include "base/walltime.h"
#include "protocols/study.h"
#include "protocols/study_preset.h"
#include "review/blind.h"
#include "review/queue.h"
#include "store/store.h"

/* ------------------------------------------------------------------------
 * The filter
 * ---------------------------------------------------------------------- */

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

static const char *nonempty(const char *s)
{
    return s && *s ? s : NULL;
}

bool ictus_review_filter_parse(ictus_review_filter *f, const char *animal, const char *type,
                               const char *day, const char *period, const char *reviewed,
                               const char *min_score, const char *max_score, const char *sort,
                               const char *blind, char *msg, size_t msg_size)
{
    *f = (ictus_review_filter){.animal = nonempty(animal), .type = nonempty(type),
                               .day = nonempty(day), .period = nonempty(period),
                               .blind = nonempty(blind), .min_score = 0, .max_score = 1};
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

/* ------------------------------------------------------------------------
 * The list
 * ---------------------------------------------------------------------- */

/* Bytes of a period's label. */
#define PERIOD_LABEL_SIZE 128

/* One entry with what the list shows of it beyond the store's fields. */
typedef struct {
    const ictus_review_entry *e;
    char day[16];                    /* YYYY-MM-DD of its start */
    char period[PERIOD_LABEL_SIZE];  /* its dosing period's label; "" outside any */
    char pseudonym[ICTUS_REVIEW_PSEUDONYM_SIZE];
    uint64_t rank;                   /* blinded order */
} listed;

/* The label of a dosing period: its kind, then the drug, dose and route it has. */
static void period_label(const ictus_period *p, char *out, size_t size)
{
    int n = snprintf(out, size, "%s", ictus_period_kind_name(p->kind));
    if (*p->drug && n >= 0 && (size_t)n < size)
        n += snprintf(out + n, size - (size_t)n, " %s", p->drug);
    if (!isnan(p->dose_mg_kg) && n >= 0 && (size_t)n < size)
        n += snprintf(out + n, size - (size_t)n, " %g mg/kg", p->dose_mg_kg);
    if (*p->route && n >= 0 && (size_t)n < size)
        snprintf(out + n, size - (size_t)n, " %s", p->route);
}

/* The type an entry counts as: corrected, else detected. */
static const char *type_as_counted(const ictus_review_entry *e)
{
    return *e->fixed_type ? e->fixed_type : e->type;
}

static bool passes(const listed *l, const ictus_review_filter *f)
{
    const ictus_review_entry *e = l->e;
    bool reviewed = e->verdict != ICTUS_VERDICT_NONE;
    bool bounded = f->min_score > 0 || f->max_score < 1;
    return (!f->animal || !strcmp(f->animal, f->blind ? l->pseudonym : e->animal)) &&
           (!f->type || !strcmp(f->type, type_as_counted(e))) &&
           (!f->day || (!f->blind && !strcmp(f->day, l->day))) &&
           (!f->period || (!f->blind && !strcmp(f->period, l->period))) &&
           !(f->reviewed == ICTUS_REVIEWED_YES && !reviewed) &&
           !(f->reviewed == ICTUS_REVIEWED_NO && reviewed) &&
           (isnan(e->score) ? !bounded : e->score >= f->min_score && e->score <= f->max_score);
}

static int by_order(const listed *a, const listed *b)
{
    return (a->e->order > b->e->order) - (a->e->order < b->e->order);
}

/* Lowest score first, entries without one last; ties in the store's order. */
static int by_score(const void *pa, const void *pb)
{
    const listed *a = pa, *b = pb;
    double sa = a->e->score, sb = b->e->score;
    if (isnan(sa) != isnan(sb))
        return isnan(sa) ? 1 : -1;
    if (!isnan(sa) && sa != sb)
        return sa < sb ? -1 : 1;
    return by_order(a, b);
}

/* Earliest wall-clock start first; ties in the store's order. */
static int by_time(const void *pa, const void *pb)
{
    const listed *a = pa, *b = pb;
    if (a->e->wall_start_us != b->e->wall_start_us)
        return a->e->wall_start_us < b->e->wall_start_us ? -1 : 1;
    return by_order(a, b);
}

/* The blinded reviewer's shuffle. */
static int by_rank(const void *pa, const void *pb)
{
    const listed *a = pa, *b = pb;
    if (a->rank != b->rank)
        return a->rank < b->rank ? -1 : 1;
    return by_order(a, b);
}

static int by_key(const void *pa, const void *pb)
{
    return strcmp(*(const char *const *)pa, *(const char *const *)pb);
}

/* The object keys of `set`, sorted, as an array (set is released). */
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
    json_decref(set);
    return arr;
}

/* Seconds from the recording start, or null. */
static json_t *seconds_or_null(bool has, int64_t us)
{
    return has ? json_real(ictus_us_to_s(us)) : json_null();
}

static json_t *entry_json(const listed *l, bool blind)
{
    const ictus_review_entry *e = l->e;
    int64_t start_us = e->has_fixed_edges ? e->fixed_start_us : e->start_us;
    int64_t end_us = e->has_fixed_edges ? e->fixed_end_us : e->end_us;
    json_t *j = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:f, s:f, s:f, s:o, s:s, s:i, s:s, s:o, s:o, s:s, s:s}",
        "id", e->id, "rec", e->rec, "kind", ictus_entry_kind_name(e->kind), "animal",
        blind ? l->pseudonym : e->animal, "channel", e->channel, "type", e->type, "start_s",
        ictus_us_to_s(e->start_us), "end_s", ictus_us_to_s(e->end_us), "duration_s",
        ictus_us_to_s(end_us - start_us), "score",
        isnan(e->score) ? json_null() : json_real(e->score), "verdict",
        ictus_verdict_name(e->verdict), "racine", e->racine, "ctype", e->fixed_type, "cstart_s",
        seconds_or_null(e->has_fixed_edges, e->fixed_start_us), "cend_s",
        seconds_or_null(e->has_fixed_edges, e->fixed_end_us), "note", e->note, "reviewer",
        e->reviewer);
    if (!blind) {
        char start[ICTUS_ISO_TIME_SIZE];
        ictus_walltime_format(e->wall_start_us, start, sizeof start);
        json_object_set_new(j, "recording", json_string(e->path));
        json_object_set_new(j, "start", json_string(start));
        json_object_set_new(j, "day", json_string(l->day));
        json_object_set_new(j, "period", json_string(l->period));
    }
    return j;
}

/* Add the types the study's presets know (their [type.NAME] rules) to `set`;
 * nothing when the study or its presets cannot be loaded. */
static void add_preset_types(const ictus_study *study, json_t *set)
{
    ictus_study_presets ps = {0};
    ictus_error err = {0};
    if (!study || ictus_study_presets_load(study, &ps, &err) != ICTUS_OK)
        return;
    for (int k = 0; k < ps.n; k++)
        for (int i = 0; i < ps.presets[k].preset.detector.n_types; i++)
            json_object_set_new(set, ps.presets[k].preset.detector.type[i].name, json_true());
    ictus_study_presets_free(&ps);
}

/* The day, period, pseudonym and rank of each entry. */
static void describe(listed *l, const ictus_review_entry *e, const ictus_study *study,
                     const char *key)
{
    *l = (listed){.e = e};
    int y, m, d;
    ictus_walltime_to_civil(e->wall_start_us, &y, &m, &d, NULL, NULL, NULL, NULL);
    snprintf(l->day, sizeof l->day, "%04d-%02d-%02d", y, m, d);
    const ictus_animal *animal = study ? ictus_study_animal(study, e->animal) : NULL;
    const ictus_period *p = animal ? ictus_animal_period_at(animal, e->wall_start_us) : NULL;
    if (p)
        period_label(p, l->period, sizeof l->period);
    if (key) {
        ictus_review_pseudonym(key, e->animal, l->pseudonym);
        l->rank = ictus_review_blind_rank(key, e->path, e->animal, e->channel, e->start_us);
    }
}

/* The answer of GET /api/events for the collected queue. */
static int list_json(const ictus_review_queue *q, const ictus_review_filter *f,
                     const ictus_study *study, const char *key, char **json)
{
    listed *ls = ictus_xcalloc(q->n ? q->n : 1, sizeof *ls);
    json_t *animals = json_object(), *types = json_object(), *days = json_object(),
           *periods = json_object();
    add_preset_types(study, types);
    size_t n = 0;
    for (size_t i = 0; i < q->n; i++) {
        listed l;
        describe(&l, &q->entries[i], study, key);
        json_object_set_new(animals, f->blind ? l.pseudonym : l.e->animal, json_true());
        if (*type_as_counted(l.e))
            json_object_set_new(types, type_as_counted(l.e), json_true());
        if (!f->blind) {
            json_object_set_new(days, l.day, json_true());
            if (*l.period)
                json_object_set_new(periods, l.period, json_true());
        }
        if (passes(&l, f))
            ls[n++] = l;
    }
    qsort(ls, n, sizeof *ls, f->blind ? by_rank : f->by_time ? by_time : by_score);
    json_t *events = json_array();
    size_t unreviewed = 0, added = 0, orphans = 0;
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(events, entry_json(&ls[i], f->blind != NULL));
        unreviewed += ls[i].e->verdict == ICTUS_VERDICT_NONE;
        added += ls[i].e->kind == ICTUS_ENTRY_ADDED;
        orphans += ls[i].e->kind == ICTUS_ENTRY_ORPHAN;
    }
    free(ls);
    return ictus_review_answer(
        json_pack("{s:o, s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:o}", "events", events, "total",
                  (json_int_t)n, "unreviewed", (json_int_t)unreviewed, "added",
                  (json_int_t)added, "orphans", (json_int_t)orphans, "animals",
                  sorted_keys(animals), "types", sorted_keys(types), "days", sorted_keys(days),
                  "periods", sorted_keys(periods)),
        ICTUS_HTTP_OK, json);
}

/* Open the store and collect the queue (reviewer NULL: every reviewer's
 * decisions); with `key` non-NULL, also the reviewer's blinding key.  On
 * failure *json holds the error answer and the status is returned; else 0. */
static int open_queue(const ictus_review_ctx *ctx, const char *reviewer, char *key,
                      ictus_review_queue *q, char **json)
{
    ictus_error err = {0};
    ictus_store *s;
    *q = (ictus_review_queue){0};
    if (ictus_store_open(ctx->db_path, &s, &err) != ICTUS_OK)
        return ictus_review_answer_error(ictus_review_store_status(err.status), err.msg, json);
    ictus_status st = key ? ictus_review_blind_key(s, reviewer, key, &err) : ICTUS_OK;
    if (st == ICTUS_OK)
        st = ictus_review_queue_collect(s, reviewer, ctx->secret, q, &err);
    ictus_store_close(s);
    return st == ICTUS_OK ? 0
                          : ictus_review_answer_error(ictus_review_store_status(st), err.msg, json);
}

int ictus_review_api_events(const ictus_review_ctx *ctx, const ictus_review_filter *f,
                            char **json)
{
    char key[ICTUS_REVIEW_KEY_HEX_SIZE];
    ictus_review_queue q;
    int status = open_queue(ctx, f->blind, f->blind ? key : NULL, &q, json);
    if (status)
        return status;
    /* The study gives the periods and the preset's types; a study that
     * cannot be read leaves them out (the queue is the store's). */
    ictus_study *study = NULL;
    ictus_error err = {0};
    if (ictus_study_load(ctx->study_dir, &study, &err) != ICTUS_OK)
        study = NULL;
    status = list_json(&q, f, study, f->blind ? key : NULL, json);
    ictus_study_destroy(study);
    ictus_review_queue_clear(&q);
    return status;
}

/* ------------------------------------------------------------------------
 * Decisions
 * ---------------------------------------------------------------------- */

/* The fields of a POST /api/review body (NULL / NAN: absent). */
typedef struct {
    const char *event, *recording, *animal, *channel, *verdict, *type, *note, *reviewer;
    double start_s, end_s, cstart_s, cend_s;
    int racine;
    int added;
} review_body;

/* Parse and check the body; NULL, or the message of a 400. */
static const char *parse_body(json_t *root, review_body *b, char *msg, size_t size)
{
    json_error_t jerr;
    *b = (review_body){.start_s = NAN, .end_s = NAN, .cstart_s = NAN, .cend_s = NAN,
                       .racine = -1, .note = "", .reviewer = ""};
    if (json_unpack_ex(root, &jerr, JSON_STRICT,
                       "{s?s, s?s, s?s, s?s, s?F, s?F, s:s, s?s, s?i, s?s, s?s, s?F, s?F, s?b}",
                       "event", &b->event, "recording", &b->recording, "animal", &b->animal,
                       "channel", &b->channel, "start_s", &b->start_s, "end_s", &b->end_s,
                       "verdict", &b->verdict, "type", &b->type, "racine", &b->racine, "note",
                       &b->note, "reviewer", &b->reviewer, "corrected_start_s", &b->cstart_s,
                       "corrected_end_s", &b->cend_s, "added", &b->added)) {
        snprintf(msg, size, "bad review: %s", jerr.text);
        return msg;
    }
    bool named = b->recording || b->animal;
    bool fixed = !isnan(b->cstart_s) || !isnan(b->cend_s);
    if (ictus_verdict_parse(b->verdict) == ICTUS_VERDICT_NONE)
        return "verdict: expected seizure, not_seizure or unsure";
    if (b->racine < -1 || b->racine > 5)
        return "racine: expected -1 (none) or 0..5";
    if (b->type && (!*b->type || strlen(b->type) >= ICTUS_TYPE_MAX))
        return snprintf(msg, size, "type: expected a type name of 1 to %d bytes",
                        ICTUS_TYPE_MAX - 1), msg;
    if (fixed && (!isfinite(b->cstart_s) || !isfinite(b->cend_s) || !(b->cend_s > b->cstart_s)))
        return "corrected_start_s, corrected_end_s: expected both, end after start";
    if (b->event ? named : !(b->recording && b->animal))
        return "expected the event's handle (event) or its recording and animal, not both";
    if ((b->added || !b->event) &&
        (!b->channel || isnan(b->start_s) || isnan(b->end_s) || !(b->end_s > b->start_s)))
        return "channel, start_s, end_s: expected a channel and end_s > start_s";
    if (b->channel && (!*b->channel || strlen(b->channel) >= ICTUS_LABEL_MAX))
        return snprintf(msg, size, "channel: expected a label of 1 to %d bytes",
                        ICTUS_LABEL_MAX - 1), msg;
    if (b->added && fixed)
        return "an added event takes its edges as start_s and end_s";
    if (!b->added && b->event && (b->channel || !isnan(b->start_s) || !isnan(b->end_s)))
        return "the event's handle names its channel and edges: give neither";
    return NULL;
}

/* The entry the body names: by handle, or by recording, animal, channel
 * and start (any kind of entry), or NULL. */
static const ictus_review_entry *named_entry(const ictus_review_queue *q, const review_body *b)
{
    if (b->event)
        return ictus_review_queue_find(q, b->event);
    int64_t start_us = ictus_s_to_us(b->start_s);
    for (size_t i = 0; i < q->n; i++) {
        const ictus_review_entry *e = &q->entries[i];
        if (!strcmp(e->path, b->recording) && !strcmp(e->animal, b->animal) &&
            !strcmp(e->channel, b->channel) && e->start_us == start_us)
            return e;
    }
    return NULL;
}

/* Whether the store holds recording (path, animal). */
static ictus_status recording_known(ictus_store *s, const char *path, const char *animal,
                                    bool *found, ictus_error *err)
{
    ictus_store_recording rec = {0};
    ictus_status st = ictus_store_find_recording(s, path, animal, &rec, found, err);
    ictus_store_recording_clear(&rec);
    return st;
}

/* Store the decision of body b; the answer into *json. */
static int store_decision(const ictus_review_ctx *ctx, ictus_store *s, const review_body *b,
                          int64_t now_unix_us, char **json)
{
    ictus_error err = {0};
    ictus_review_queue q;
    ictus_status st = ictus_review_queue_collect(s, NULL, ctx->secret, &q, &err);
    if (st != ICTUS_OK)
        return ictus_review_answer_error(ictus_review_store_status(st), err.msg, json);
    /* An added event needs only its recording: from the handle of any entry
     * of it, or named. */
    const ictus_review_entry *e = b->added && !b->event ? NULL : named_entry(&q, b);
    bool found = e != NULL;
    if (b->added && !b->event)
        st = recording_known(s, b->recording, b->animal, &found, &err);
    int status;
    if (st != ICTUS_OK) {
        status = ictus_review_answer_error(ictus_review_store_status(st), err.msg, json);
    } else if (!found) {
        status = ictus_review_answer_error(ICTUS_HTTP_NOT_FOUND, "no such event", json);
    } else {
        ictus_store_review r = {
            .path = e ? e->path : b->recording, .animal = e ? e->animal : b->animal,
            .verdict = ictus_verdict_parse(b->verdict), .racine = b->racine,
            .reviewer = b->reviewer, .reviewed_unix_us = now_unix_us, .note = b->note,
            .type = b->type || !e || e->kind != ICTUS_ENTRY_ADDED ? b->type : e->type,
            .has_fixed_edges = !isnan(b->cstart_s),
            .fixed_start_us = isnan(b->cstart_s) ? 0 : ictus_s_to_us(b->cstart_s),
            .fixed_end_us = isnan(b->cend_s) ? 0 : ictus_s_to_us(b->cend_s)};
        if (b->added) {
            r.channel = b->channel;
            r.start_us = ictus_s_to_us(b->start_s);
            r.end_us = ictus_s_to_us(b->end_s);
            r.added = true;
        } else {
            r.channel = e->channel;
            r.start_us = e->start_us;
            r.end_us = e->end_us;
            r.added = e->kind == ICTUS_ENTRY_ADDED;
        }
        char id[ICTUS_REVIEW_ID_SIZE];
        ictus_review_event_id(ctx->secret, r.path, r.animal, r.channel, r.start_us, id);
        if (ictus_store_put_review(s, &r, &err) != ICTUS_OK)
            status = ictus_review_answer_error(err.status == ICTUS_ERR_DATA
                                                   ? ICTUS_HTTP_BAD_REQUEST
                                                   : ictus_review_store_status(err.status),
                                               err.msg, json);
        else
            status = ictus_review_answer(json_pack("{s:b, s:s}", "ok", 1, "id", id),
                                         ICTUS_HTTP_OK, json);
    }
    ictus_review_queue_clear(&q);
    return status;
}

int ictus_review_api_post_review(const ictus_review_ctx *ctx, const char *body, size_t len,
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
    review_body b;
    char msg[256];
    const char *bad = parse_body(root, &b, msg, sizeof msg);
    int status;
    if (bad) {
        status = ictus_review_answer_error(ICTUS_HTTP_BAD_REQUEST, bad, json);
    } else {
        ictus_error err = {0};
        ictus_store *s;
        if (ictus_store_open(ctx->db_path, &s, &err) != ICTUS_OK) {
            status = ictus_review_answer_error(ictus_review_store_status(err.status), err.msg,
                                               json);
        } else {
            status = store_decision(ctx, s, &b, now_unix_us, json);
            ictus_store_close(s);
        }
    }
    json_decref(root);
    return status;
}

/* ------------------------------------------------------------------------
 * History, and the recording of a handle
 * ---------------------------------------------------------------------- */

typedef struct {
    json_t *list;
    const char *only;  /* a reviewer's decisions only; NULL: everyone's */
} history_walk;

static ictus_status add_history(void *ctx, const ictus_store_decision *d, ictus_error *err)
{
    history_walk *h = ctx;
    const ictus_store_review *r = &d->review;
    if (h->only && strcmp(h->only, r->reviewer))
        return ICTUS_OK;
    char time[ICTUS_ISO_TIME_SIZE + 1];
    ictus_walltime_format(r->reviewed_unix_us, time, sizeof time - 1);
    strcat(time, "Z");
    json_array_append_new(
        h->list,
        json_pack("{s:s, s:i, s:s, s:o, s:o, s:s, s:s, s:s}", "verdict",
                  ictus_verdict_name(r->verdict), "racine", r->racine, "type",
                  r->type ? r->type : "", "corrected_start_s",
                  seconds_or_null(r->has_fixed_edges, r->fixed_start_us), "corrected_end_s",
                  seconds_or_null(r->has_fixed_edges, r->fixed_end_us), "note", r->note,
                  "reviewer", r->reviewer, "time", time));
    return ICTUS_OK;
}

int ictus_review_api_history(const ictus_review_ctx *ctx, const char *event, const char *blind,
                             char **json)
{
    if (!event || !*event)
        return ictus_review_answer_error(ICTUS_HTTP_BAD_REQUEST, "event: expected a handle",
                                         json);
    ictus_error err = {0};
    ictus_store *s;
    if (ictus_store_open(ctx->db_path, &s, &err) != ICTUS_OK)
        return ictus_review_answer_error(ictus_review_store_status(err.status), err.msg, json);
    ictus_review_queue q;
    ictus_status st = ictus_review_queue_collect(s, NULL, ctx->secret, &q, &err);
    const ictus_review_entry *e = st == ICTUS_OK ? ictus_review_queue_find(&q, event) : NULL;
    history_walk h = {.list = json_array(), .only = nonempty(blind)};
    if (e)
        st = ictus_store_review_history(s, e->path, e->animal, e->start_us, e->end_us,
                                        e->kind == ICTUS_ENTRY_ADDED, add_history, &h, &err);
    ictus_store_close(s);
    int status;
    if (st != ICTUS_OK)
        status = ictus_review_answer_error(ictus_review_store_status(st), err.msg, json);
    else if (!e)
        status = ictus_review_answer_error(ICTUS_HTTP_NOT_FOUND, "no such event", json);
    else
        status = ictus_review_answer(json_pack("{s:O}", "history", h.list), ICTUS_HTTP_OK, json);
    json_decref(h.list);
    ictus_review_queue_clear(&q);
    return status;
}

int ictus_review_api_resolve(const ictus_review_ctx *ctx, const char *event, char **path,
                             char **animal, char **json)
{
    ictus_review_queue q;
    int status = open_queue(ctx, NULL, NULL, &q, json);
    if (status)
        return status;
    const ictus_review_entry *e = ictus_review_queue_find(&q, event);
    if (e) {
        *path = ictus_xstrdup(e->path);
        *animal = ictus_xstrdup(e->animal);
        status = ICTUS_HTTP_OK;
    } else {
        status = ictus_review_answer_error(ICTUS_HTTP_NOT_FOUND, "no such event", json);
    }
    ictus_review_queue_clear(&q);
    return status;
}

int ictus_review_api_locate(const ictus_review_ctx *ctx, const char *ref, char **json)
{
    if (!ref || strlen(ref) != ICTUS_STORE_EVENT_REF_SIZE - 1 ||
        strspn(ref, "0123456789abcdef") != ICTUS_STORE_EVENT_REF_SIZE - 1)
        return ictus_review_answer_error(ICTUS_HTTP_BAD_REQUEST,
                                         "ref: expected an event's reference (16 hex digits)",
                                         json);
    ictus_review_queue q;
    int status = open_queue(ctx, NULL, NULL, &q, json);
    if (status)
        return status;
    const ictus_review_entry *found = NULL;
    for (size_t i = 0; i < q.n && !found; i++) {
        const ictus_review_entry *e = &q.entries[i];
        char r[ICTUS_STORE_EVENT_REF_SIZE];
        ictus_store_event_ref(0, e->path, e->animal, e->channel, e->start_us, r);
        if (e->kind == ICTUS_ENTRY_DETECTED && !strcmp(r, ref))
            found = e;
    }
    status = found ? ictus_review_answer(json_pack("{s:s}", "id", found->id), ICTUS_HTTP_OK, json)
                   : ictus_review_answer_error(ICTUS_HTTP_NOT_FOUND,
                                               "no stored event has that reference (detected "
                                               "again at another time since the report?)",
                                               json);
    ictus_review_queue_clear(&q);
    return status;
}
