/* queue.c: the review queue's entries from the store's three walks (events, added, orphans). */
#include "review/queue.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/vec.h"

const char *ictus_entry_kind_name(ictus_entry_kind kind)
{
    static const char *const names[ICTUS_N_ENTRY_KINDS] = {"detected", "added", "orphan"};
    return names[kind];
}

typedef struct {
    ictus_review_queue *q;
    const char *reviewer;
    uint64_t secret;
    ictus_entry_kind kind;  /* of the decision walk under way */
} collect_ctx;

/* A new entry at the end of the queue, its strings and handles set. */
static ictus_review_entry *append(collect_ctx *c, ictus_entry_kind kind, const char *path,
                                  const char *animal, const char *channel, int64_t start_us)
{
    ictus_review_queue *q = c->q;
    ICTUS_GROW(q->entries, q->n + 1, q->cap);
    ictus_review_entry *e = &q->entries[q->n];
    *e = (ictus_review_entry){.kind = kind, .path = ictus_xstrdup(path),
                              .animal = ictus_xstrdup(animal), .start_us = start_us,
                              .order = q->n};
    q->n++;
    snprintf(e->channel, sizeof e->channel, "%s", channel);
    ictus_review_event_id(c->secret, path, animal, channel, start_us, e->id);
    ictus_review_event_id(c->secret, path, animal, "", 0, e->rec);
    return e;
}

static ictus_status add_event(void *ctx, const ictus_store_event_row *row, ictus_error *err)
{
    ictus_review_entry *e = append(ctx, ICTUS_ENTRY_DETECTED, row->path, row->animal,
                                   row->event.channel, row->event.start_us);
    snprintf(e->type, sizeof e->type, "%s", row->event.type);
    snprintf(e->fixed_type, sizeof e->fixed_type, "%s", row->fixed_type);
    e->end_us = row->event.end_us;
    e->wall_start_us = row->event.wall_start_us;
    e->score = row->event.score;
    e->verdict = row->verdict;
    e->racine = row->racine;
    e->has_fixed_edges = row->has_fixed_edges;
    e->fixed_start_us = row->fixed_start_us;
    e->fixed_end_us = row->fixed_end_us;
    e->note = ictus_xstrdup(row->note);
    e->reviewer = ictus_xstrdup(row->reviewer);
    e->reviewed_unix_us = row->reviewed_unix_us;
    return ICTUS_OK;
}

static ictus_status add_decision(void *ctx, const ictus_store_decision *d, ictus_error *err)
{
    collect_ctx *c = ctx;
    const ictus_store_review *r = &d->review;
    if (c->reviewer && strcmp(c->reviewer, r->reviewer))
        return ICTUS_OK;
    /* The path the recording has now (a moved file), else the one reviewed. */
    const char *path = *d->recording_path ? d->recording_path : r->path;
    ictus_review_entry *e = append(c, c->kind, path, r->animal, r->channel, r->start_us);
    snprintf(e->type, sizeof e->type, "%s", r->type ? r->type : "");
    e->end_us = r->end_us;
    e->wall_start_us = d->recording_start_us + r->start_us;
    e->score = NAN;
    e->verdict = r->verdict;
    e->racine = r->racine;
    /* An added event's type is its own; an orphan's correction stays a correction. */
    if (c->kind == ICTUS_ENTRY_ORPHAN) {
        snprintf(e->fixed_type, sizeof e->fixed_type, "%s", e->type);
        e->type[0] = '\0';
    }
    e->has_fixed_edges = r->has_fixed_edges;
    e->fixed_start_us = r->fixed_start_us;
    e->fixed_end_us = r->fixed_end_us;
    e->note = ictus_xstrdup(r->note);
    e->reviewer = ictus_xstrdup(r->reviewer);
    e->reviewed_unix_us = r->reviewed_unix_us;
    return ICTUS_OK;
}

ictus_status ictus_review_queue_collect(ictus_store *s, const char *reviewer, uint64_t secret,
                                        ictus_review_queue *q, ictus_error *err)
{
    *q = (ictus_review_queue){0};
    collect_ctx c = {.q = q, .reviewer = reviewer, .secret = secret};
    const ictus_store_event_query eq = {.t0_us = ICTUS_STORE_TIME_MIN,
                                        .t1_us = ICTUS_STORE_TIME_MAX, .reviewer = reviewer};
    ictus_status st = ictus_store_each_event(s, &eq, add_event, &c, err);
    c.kind = ICTUS_ENTRY_ADDED;
    if (st == ICTUS_OK)
        st = ictus_store_each_added(s, NULL, add_decision, &c, err);
    c.kind = ICTUS_ENTRY_ORPHAN;
    if (st == ICTUS_OK)
        st = ictus_store_each_orphan(s, NULL, add_decision, &c, err);
    if (st != ICTUS_OK)
        ictus_review_queue_clear(q);
    return st;
}

const ictus_review_entry *ictus_review_queue_find(const ictus_review_queue *q, const char *id)
{
    for (size_t i = 0; i < q->n; i++)
        if (!strcmp(q->entries[i].id, id))
            return &q->entries[i];
    return NULL;
}

void ictus_review_queue_clear(ictus_review_queue *q)
{
    for (size_t i = 0; i < q->n; i++) {
        free(q->entries[i].path);
        free(q->entries[i].animal);
        free(q->entries[i].note);
        free(q->entries[i].reviewer);
    }
    free(q->entries);
    *q = (ictus_review_queue){0};
}

ictus_status ictus_review_blind_key(ictus_store *s, const char *reviewer, char *hex,
                                    ictus_error *err)
{
    uint8_t key[ICTUS_STORE_KEY_BYTES];
    ictus_status st = ictus_store_reviewer_key(s, reviewer, key, err);
    if (st != ICTUS_OK)
        return st;
    for (size_t i = 0; i < sizeof key; i++)
        snprintf(hex + 2 * i, 3, "%02x", key[i]);
    return ICTUS_OK;
}
