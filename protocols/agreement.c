/* agreement.c: agreement between two reviewers: Cohen's κ, percent agreement, disagreements. */
#include "protocols/agreement.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/csvout.h"
#include "base/vec.h"
#include "base/walltime.h"

/* ------------------------------------------------------------------------
 * The table
 * ---------------------------------------------------------------------- */

void ictus_agreement_add(ictus_agreement_table *t, ictus_verdict a, ictus_verdict b)
{
    assert(a > ICTUS_VERDICT_NONE && a < ICTUS_N_VERDICTS);
    assert(b > ICTUS_VERDICT_NONE && b < ICTUS_N_VERDICTS);
    t->table[a - 1][b - 1]++;
    t->n++;
}

/* Observed agreement p_o in [0, 1]; NaN when empty. */
static double observed(const ictus_agreement_table *t)
{
    if (t->n == 0)
        return NAN;
    int64_t same = 0;
    for (int k = 0; k < ICTUS_AGREEMENT_N_CATEGORIES; k++)
        same += t->table[k][k];
    return (double)same / (double)t->n;
}

double ictus_agreement_percent(const ictus_agreement_table *t)
{
    return observed(t) * 100;
}

double ictus_agreement_kappa(const ictus_agreement_table *t)
{
    double p_o = observed(t), p_e = 0, n = (double)t->n;
    for (int k = 0; k < ICTUS_AGREEMENT_N_CATEGORIES && t->n; k++) {
        int64_t row = 0, col = 0;
        for (int j = 0; j < ICTUS_AGREEMENT_N_CATEGORIES; j++) {
            row += t->table[k][j];
            col += t->table[j][k];
        }
        p_e += ((double)row / n) * ((double)col / n);
    }
    return t->n == 0 || p_e >= 1 ? NAN : (p_o - p_e) / (1 - p_e);
}

/* ------------------------------------------------------------------------
 * Two reviewers over the store
 * ---------------------------------------------------------------------- */

/* One event with one reviewer's current verdict. */
typedef struct {
    int64_t recording_id;
    size_t order;             /* in the store's walk */
    char *path, *animal;      /* owned */
    ictus_event event;
    ictus_verdict verdict;
} judged_event;

typedef struct {
    judged_event *items;
    size_t n, cap;
} judged_list;

static ictus_status collect(void *ctx, const ictus_store_event_row *row, ictus_error *err)
{
    judged_list *l = ctx;
    ICTUS_GROW(l->items, l->n + 1, l->cap);
    l->items[l->n] = (judged_event){row->recording_id, l->n, ictus_xstrdup(row->path),
                                    ictus_xstrdup(row->animal), row->event, row->verdict};
    l->n++;
    return ICTUS_OK;
}

/* The same stored event: recording row, channel, edges, type. */
static int by_event(const void *pa, const void *pb)
{
    const judged_event *a = pa, *b = pb;
    if (a->recording_id != b->recording_id)
        return a->recording_id < b->recording_id ? -1 : 1;
    if (a->event.start_us != b->event.start_us)
        return a->event.start_us < b->event.start_us ? -1 : 1;
    if (a->event.end_us != b->event.end_us)
        return a->event.end_us < b->event.end_us ? -1 : 1;
    int c = strcmp(a->event.channel, b->event.channel);
    return c ? c : strcmp(a->event.type, b->event.type);
}

/* Disagreements by animal, wall-clock start, recording, channel. */
static int by_order(const void *pa, const void *pb)
{
    const ictus_disagreement *a = pa, *b = pb;
    int c = strcmp(a->animal, b->animal);
    if (c)
        return c;
    if (a->event.wall_start_us != b->event.wall_start_us)
        return a->event.wall_start_us < b->event.wall_start_us ? -1 : 1;
    c = strcmp(a->path, b->path);
    return c ? c : strcmp(a->event.channel, b->event.channel);
}

static void judged_clear(judged_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].path);
        free(l->items[i].animal);
    }
    free(l->items);
}

/* The tally of `type` in ag->by_type, added (empty) when new. */
static ictus_agreement_table *type_table(ictus_agreement *ag, const char *type, int *cap)
{
    for (int i = 0; i < ag->n_types; i++)
        if (!strcmp(ag->by_type[i].type, type))
            return &ag->by_type[i].table;
    ICTUS_GROW(ag->by_type, ag->n_types + 1, *cap);
    ictus_agreement_type *t = &ag->by_type[ag->n_types++];
    *t = (ictus_agreement_type){0};
    snprintf(t->type, sizeof t->type, "%s", type);
    return &t->table;
}

/* Tally the events of a and b (both sorted by_event) that are the same event. */
static void tally(ictus_agreement *ag, const judged_list *a, const judged_list *b)
{
    int cap_types = 0;
    size_t cap_dis = 0;
    for (size_t i = 0, j = 0; i < a->n && j < b->n;) {
        const judged_event *x = &a->items[i], *y = &b->items[j];
        int c = by_event(x, y);
        if (c) {
            c < 0 ? i++ : j++;
            continue;
        }
        i++, j++;
        bool ra = x->verdict != ICTUS_VERDICT_NONE, rb = y->verdict != ICTUS_VERDICT_NONE;
        ag->n_only_a += ra && !rb;
        ag->n_only_b += rb && !ra;
        if (!ra || !rb)
            continue;
        ictus_agreement_add(&ag->all, x->verdict, y->verdict);
        ictus_agreement_add(type_table(ag, x->event.type, &cap_types), x->verdict, y->verdict);
        if (x->verdict != y->verdict) {
            ICTUS_GROW(ag->disagreements, ag->n_disagreements + 1, cap_dis);
            ag->disagreements[ag->n_disagreements++] = (ictus_disagreement){
                ictus_xstrdup(x->path), ictus_xstrdup(x->animal), x->event, x->verdict,
                y->verdict};
        }
    }
}

static int by_type_name(const void *a, const void *b)
{
    return strcmp(((const ictus_agreement_type *)a)->type, ((const ictus_agreement_type *)b)->type);
}

ictus_status ictus_agreement_compute(ictus_store *s, const char *reviewer_a,
                                     const char *reviewer_b, ictus_agreement **out,
                                     ictus_error *err)
{
    *out = NULL;
    judged_list a = {0}, b = {0};
    ictus_store_event_query q = {.t0_us = ICTUS_STORE_TIME_MIN, .t1_us = ICTUS_STORE_TIME_MAX,
                                 .reviewer = reviewer_a};
    ictus_status st = ictus_store_each_event(s, &q, collect, &a, err);
    q.reviewer = reviewer_b;
    if (st == ICTUS_OK)
        st = ictus_store_each_event(s, &q, collect, &b, err);
    if (st == ICTUS_OK) {
        ictus_agreement *ag = ictus_xcalloc(1, sizeof *ag);
        ag->reviewer_a = ictus_xstrdup(reviewer_a);
        ag->reviewer_b = ictus_xstrdup(reviewer_b);
        /* (qsort is not given NULL: an empty list stays unsorted.) */
        if (a.n && b.n) {
            qsort(a.items, a.n, sizeof *a.items, by_event);
            qsort(b.items, b.n, sizeof *b.items, by_event);
            tally(ag, &a, &b);
        }
        if (ag->n_types)
            qsort(ag->by_type, (size_t)ag->n_types, sizeof *ag->by_type, by_type_name);
        if (ag->n_disagreements)
            qsort(ag->disagreements, ag->n_disagreements, sizeof *ag->disagreements, by_order);
        *out = ag;
    }
    judged_clear(&a);
    judged_clear(&b);
    return st;
}

void ictus_agreement_destroy(ictus_agreement *ag)
{
    if (!ag)
        return;
    for (size_t i = 0; i < ag->n_disagreements; i++) {
        free(ag->disagreements[i].path);
        free(ag->disagreements[i].animal);
    }
    free(ag->disagreements);
    free(ag->by_type);
    free(ag->reviewer_a);
    free(ag->reviewer_b);
    free(ag);
}

ictus_status ictus_agreement_write_disagreements(const ictus_agreement *ag, const char *path,
                                                 ictus_error *err)
{
    ictus_out o;
    ictus_status st = ictus_out_open(&o, path, err);
    if (st != ICTUS_OK)
        return st;
    ictus_out_str(&o, "recording,animal,channel,start_s,end_s,start,type,verdict_a,verdict_b\n");
    for (size_t i = 0; i < ag->n_disagreements; i++) {
        const ictus_disagreement *d = &ag->disagreements[i];
        char start[32];
        ictus_out_field(&o, d->path);
        ictus_out_char(&o, ',');
        ictus_out_field(&o, d->animal);
        ictus_out_char(&o, ',');
        ictus_out_field(&o, d->event.channel);
        ictus_out_char(&o, ',');
        ictus_out_fixed(&o, ictus_us_to_s(d->event.start_us), 3);
        ictus_out_char(&o, ',');
        ictus_out_fixed(&o, ictus_us_to_s(d->event.end_us), 3);
        ictus_out_char(&o, ',');
        ictus_out_str(&o, ictus_walltime_format(d->event.wall_start_us, start, sizeof start));
        ictus_out_char(&o, ',');
        ictus_out_field(&o, d->event.type);
        ictus_out_char(&o, ',');
        ictus_out_str(&o, ictus_verdict_name(d->a));
        ictus_out_char(&o, ',');
        ictus_out_str(&o, ictus_verdict_name(d->b));
        ictus_out_char(&o, '\n');
    }
    return ictus_out_close(&o, err);
}
