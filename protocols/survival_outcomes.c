/* survival_outcomes.c: time to event per animal × condition, survival and probable SUDEP. */
#include "protocols/survival_outcomes.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/params.h"
#include "base/outfile.h"
#include "base/strbuf.h"
#include "base/vec.h"
#include "base/walltime.h"
#include "protocols/analysis.h"

#define US_PER_S 1000000.0
#define US_PER_H 3600e6
#define US_PER_DAY 86400e6

const char *const ictus_tte_endpoint_names[] = {"first", "baseline_count", NULL};
const char *const ictus_sudep_why_names[] = {"",         "sudep",          "no_gtcs",
                                             "gtcs_too_early", "no_eeg_after", "not_suppressed",
                                             NULL};
static const char *const origin_names[] = {"auto", "birth", "start", NULL};
static const char *const censor_names[] = {"", "block_end", "death", "gap"};

/* ------------------------------------------------------------------------
 * Settings
 * ---------------------------------------------------------------------- */

#define V "survival"
#define S ictus_survival_settings
static const ictus_param settings_table[] = {
    ICTUS_PARAM_D(V, "max_gap_min", S, max_gap_min, 0, 1e6),
    ICTUS_PARAM_D(V, "sudep_window_min", S, sudep_window_min, 0, 1e6),
    ICTUS_PARAM_S(V, "gtcs_types", S, gtcs_types),
    ICTUS_PARAM_D(V, "postictal_s", S, postictal_s, 5, 3600),
    ICTUS_PARAM_D(V, "pre_s", S, pre_s, 5, 86400),
    ICTUS_PARAM_D(V, "suppression_ratio", S, suppression_ratio, 0, 100),
    ICTUS_PARAM_E(V, "origin", S, origin, origin_names),
};
#undef V
#undef S
#define N_SETTINGS (sizeof settings_table / sizeof settings_table[0])

void ictus_survival_settings_default(ictus_survival_settings *s)
{
    *s = (ictus_survival_settings){.max_gap_min = 10, .sudep_window_min = 60,
                                   .gtcs_types = "convulsive", .postictal_s = 60, .pre_s = 300,
                                   .suppression_ratio = 0.5, .origin = ICTUS_ORIGIN_AUTO};
}

ictus_status ictus_survival_settings_apply(ictus_survival_settings *s, ictus_config *cfg,
                                           ictus_error *err)
{
    static const char *const own[] = {"survival", NULL};
    ictus_status st = ictus_params_apply(settings_table, N_SETTINGS, s, cfg, err);
    if (st == ICTUS_OK)
        st = ictus_config_check_used(cfg, own, err);
    return st;
}

static char *settings_text(const ictus_survival_settings *s)
{
    return ictus_params_text(settings_table, N_SETTINGS, s);
}

/* Whether `type` is one of the "|"-separated names of `list`. */
static bool type_listed(const char *list, const char *type)
{
    size_t n = strlen(type);
    for (const char *p = list; *p;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && strncmp(p, type, n) == 0)
            return true;
        p += len + (bar != NULL);
    }
    return false;
}

/* ------------------------------------------------------------------------
 * Recording coverage
 * ---------------------------------------------------------------------- */

typedef struct {
    int64_t start_us, end_us;
} interval;

static int by_start(const void *a, const void *b)
{
    const interval *x = a, *y = b;
    return (x->start_us > y->start_us) - (x->start_us < y->start_us);
}

/* A stored recording with results that holds the end of its animal's last
 * GTCS before death: where judge_death() measures postictal suppression. */
typedef struct {
    char *path;
    int64_t start_us, end_us;
} eeg_after;

/* One animal's stored recordings, as the time to event and survival use
 * them: its intervals (sorted, gaps shorter than the setting closed), the
 * first start and last end (INT64_MAX, INT64_MIN: none), and the
 * recordings holding gtcs_end_us (when the animal died after a GTCS), in
 * the store's order. */
typedef struct {
    interval *iv;
    size_t n_iv;
    int64_t first, last;
    int64_t gtcs_end_us;   /* ICTUS_TIME_UNKNOWN: no candidates wanted */
    eeg_after *after;
    size_t n_after, cap_after;
} coverage;

/* The coverage of every study animal, read in one streamed listing of the
 * store: rows come by animal, so only the current animal's raw intervals
 * are held (one animal's recordings, not the study's).  Before, every
 * recording's animal and path were copied for the whole computation. */
typedef struct {
    const ictus_study *study;
    coverage *of;                /* [study->n_animals] */
    int64_t gap_us;
    int current;                 /* the animal of raw[]; -1 none */
    char *current_id;            /* the last row's animal text ("" before any) */
    int current_index;           /* its study index, -1 not a study animal */
    interval *raw;
    size_t n_raw, cap_raw;
} coverage_reader;

/* Sort the held intervals of the current animal and close its short gaps
 * (the old coverage_of(): same order in, same qsort, same result). */
static void close_animal(coverage_reader *r)
{
    if (r->current < 0)
        return;
    coverage *c = &r->of[r->current];
    size_t n = c->n_iv + r->n_raw; /* an animal seen again: merged intervals and new ones */
    interval *iv = ictus_xmalloc((n ? n : 1) * sizeof *iv);
    if (c->n_iv)
        memcpy(iv, c->iv, c->n_iv * sizeof *iv);
    if (r->n_raw)
        memcpy(iv + c->n_iv, r->raw, r->n_raw * sizeof *iv);
    free(c->iv);
    qsort(iv, n, sizeof *iv, by_start);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (m && iv[i].start_us - iv[m - 1].end_us < r->gap_us) {
            if (iv[i].end_us > iv[m - 1].end_us)
                iv[m - 1].end_us = iv[i].end_us;
        } else {
            iv[m++] = iv[i];
        }
    }
    c->iv = m && m < n ? ictus_xrealloc(iv, m * sizeof *iv) : iv;
    c->n_iv = m;
    r->n_raw = 0;
    r->current = -1;
}

static ictus_status read_coverage(void *ctx, const ictus_store_recording_span *rec,
                                  ictus_error *err)
{
    coverage_reader *r = ctx;
    if (!rec->has_results)
        return ICTUS_OK;
    if (strcmp(rec->animal, r->current_id) != 0) {
        free(r->current_id);
        r->current_id = ictus_xstrdup(rec->animal);
        const ictus_animal *animal = ictus_study_animal(r->study, rec->animal);
        r->current_index = animal ? (int)(animal - r->study->animals) : -1;
    }
    int a = r->current_index;
    if (a < 0)
        return ICTUS_OK;
    if (a != r->current) {
        close_animal(r);
        r->current = a;
    }
    coverage *c = &r->of[a];
    int64_t end_us = rec->start_us + rec->duration_us;
    ICTUS_GROW(r->raw, r->n_raw + 1, r->cap_raw);
    r->raw[r->n_raw++] = (interval){rec->start_us, end_us};
    c->first = rec->start_us < c->first ? rec->start_us : c->first;
    c->last = end_us > c->last ? end_us : c->last;
    if (c->gtcs_end_us != ICTUS_TIME_UNKNOWN && c->gtcs_end_us >= rec->start_us &&
        c->gtcs_end_us < end_us) {
        ICTUS_GROW(c->after, c->n_after + 1, c->cap_after);
        c->after[c->n_after++] = (eeg_after){ictus_xstrdup(rec->path), rec->start_us, end_us};
    }
    return ICTUS_OK;
}

static void coverage_free(coverage *of, int n)
{
    for (int a = 0; a < n; a++) {
        free(of[a].iv);
        for (size_t i = 0; i < of[a].n_after; i++)
            free(of[a].after[i].path);
        free(of[a].after);
    }
    free(of);
}

/* The first instant of [t0, t1) that no interval covers, or t1. */
static int64_t first_uncovered(const interval *iv, size_t n, int64_t t0, int64_t t1)
{
    int64_t t = t0;
    for (size_t i = 0; i < n && t < t1; i++) {
        if (iv[i].end_us <= t)
            continue;
        if (iv[i].start_us > t)
            return t;
        t = iv[i].end_us;
    }
    return t < t1 ? t : t1;
}

/* ------------------------------------------------------------------------
 * Time to event, per animal
 * ---------------------------------------------------------------------- */

/* The time to the target-th onset of type t (0: any) on the clock of
 * condition c, into *row. */
static void clock_row(const ictus_animal *animal, const ictus_condition *c, const interval *iv,
                      size_t n_iv, const ictus_seizure *sz, size_t n_sz, int t, int64_t target,
                      ictus_tte_row *row)
{
    int64_t elapsed = 0, seen = 0;
    for (int i = 0; i < c->n_periods; i++) {
        const ictus_period *p = &animal->periods[c->periods[i]];
        int64_t end = p->end_us;
        ictus_censor why = ICTUS_CENSOR_BLOCK_END;
        if (animal->death_us != ICTUS_TIME_UNKNOWN && animal->death_us < end) {
            end = animal->death_us > p->start_us ? animal->death_us : p->start_us;
            why = ICTUS_CENSOR_DEATH;
        }
        int64_t covered = first_uncovered(iv, n_iv, p->start_us, end);
        if (covered < end) {
            end = covered;
            why = ICTUS_CENSOR_GAP;
        }
        for (size_t k = 0; k < n_sz; k++) {
            if (sz[k].start_us < p->start_us || sz[k].start_us >= end || (t && sz[k].type != t))
                continue;
            if (++seen == target) {
                row->event = true;
                row->censor = ICTUS_CENSOR_NONE;
                row->at_us = sz[k].start_us;
                row->time_h = (double)(elapsed + sz[k].start_us - p->start_us) / US_PER_H;
                return;
            }
        }
        elapsed += end - p->start_us;
        bool last = i == c->n_periods - 1;
        if (why != ICTUS_CENSOR_BLOCK_END || last) {
            row->event = false;
            row->censor = why;
            row->at_us = end;
            row->time_h = (double)elapsed / US_PER_H;
            return;
        }
    }
}

/* The outcome of animal a, condition c, type t (its reference baseline). */
static const ictus_outcome *outcome_of(const ictus_analysis *an, int a, const ictus_condition *c,
                                       int t)
{
    for (size_t i = 0; i < an->n_outcomes; i++) {
        const ictus_outcome *o = &an->outcomes[i];
        if (o->animal == a && o->condition == c && o->type == t)
            return o;
    }
    return NULL;
}

static void add_rows(ictus_survival_outcomes *so, int a, const interval *iv, size_t n_iv,
                     const ictus_seizure *sz, size_t n_sz, size_t *cap)
{
    const ictus_analysis *an = so->an;
    const ictus_animal *animal = &an->study->animals[a];
    const ictus_plan *plan = &an->plans[a];
    for (int ci = 0; ci < plan->n_conditions; ci++) {
        const ictus_condition *c = &plan->conditions[ci];
        if (c->kind == ICTUS_PERIOD_BASELINE)
            continue;
        for (int t = 0; t < an->n_types; t++)
            for (int e = 0; e < ICTUS_N_TTE_ENDPOINTS; e++) {
                ICTUS_GROW(so->rows, so->n_rows + 1, *cap);
                ictus_tte_row *row = &so->rows[so->n_rows++];
                *row = (ictus_tte_row){.animal = a, .condition = c, .type = t, .endpoint = e,
                                       .target = 1, .expected = NAN, .time_h = NAN,
                                       .at_us = ICTUS_TIME_UNKNOWN};
                if (e == ICTUS_TTE_BASELINE_COUNT) {
                    const ictus_outcome *o = outcome_of(an, a, c, t);
                    row->target = 0;
                    if (o && o->has_reference && o->ref.analysable_s > 0) {
                        row->expected = (double)o->ref.count * (double)c->span_us / US_PER_S /
                                        o->ref.analysable_s;
                        row->target = (int64_t)floor(row->expected + 0.5);
                    }
                    if (row->target < 1) {
                        row->target = 0;
                        continue;
                    }
                }
                clock_row(animal, c, iv, n_iv, sz, n_sz, t, row->target, row);
            }
    }
}

/* ------------------------------------------------------------------------
 * Time to event, per group, and the log-rank tests
 * ---------------------------------------------------------------------- */

/* The group of exposure c, type t, endpoint e, or -1. */
static int group_of(const ictus_survival_outcomes *so, const ictus_condition *c, int t, int e)
{
    for (size_t g = 0; g < so->n_groups; g++)
        if (so->groups[g].type == t && (int)so->groups[g].endpoint == e &&
            ictus_condition_same(so->groups[g].condition, c))
            return (int)g;
    return -1;
}

static int by_group_order(const void *a, const void *b)
{
    const ictus_tte_group *x = a, *y = b;
    if (x->type != y->type)
        return x->type - y->type;
    if (x->endpoint != y->endpoint)
        return (int)x->endpoint - (int)y->endpoint;
    return ictus_condition_cmp(x->condition, y->condition);
}

/* Times and events of the rows of group g (with a time) into t/ev; their
 * group numbers (index in members[]) into grp when not NULL. */
static size_t group_rows(const ictus_survival_outcomes *so, size_t g, double *t, bool *ev)
{
    const ictus_tte_group *G = &so->groups[g];
    size_t n = 0;
    for (size_t i = 0; i < so->n_rows; i++) {
        const ictus_tte_row *r = &so->rows[i];
        if (r->type != G->type || r->endpoint != G->endpoint || isnan(r->time_h) ||
            !ictus_condition_same(r->condition, G->condition))
            continue;
        t[n] = r->time_h;
        ev[n++] = r->event;
    }
    return n;
}

/* A log-rank test over groups gs[0..k): fills *row (done, or a note). */
static void logrank_of(const ictus_survival_outcomes *so, const size_t *gs, size_t k,
                       ictus_logrank_row *row)
{
    size_t cap = so->n_rows ? so->n_rows : 1;
    double *t = ictus_xmalloc(cap * sizeof *t);
    bool *ev = ictus_xmalloc(cap * sizeof *ev);
    size_t *grp = ictus_xmalloc(cap * sizeof *grp);
    size_t n = 0;
    for (size_t j = 0; j < k; j++) {
        size_t m = group_rows(so, gs[j], t + n, ev + n);
        for (size_t i = 0; i < m; i++)
            grp[n + i] = j;
        n += m;
    }
    ictus_error err = {0};
    row->done = ictus_logrank(t, ev, grp, n, k, NULL, NULL, &row->r, &err) == ICTUS_OK;
    if (!row->done)
        snprintf(row->note, sizeof row->note, "%.150s", err.msg);
    free(t);
    free(ev);
    free(grp);
}

static void add_tests(ictus_survival_outcomes *so)
{
    size_t *gs = ictus_xmalloc((so->n_groups ? so->n_groups : 1) * sizeof *gs);
    size_t cap = 0;
    for (size_t g0 = 0; g0 < so->n_groups;) {
        const ictus_tte_group *first = &so->groups[g0];
        size_t g1 = g0, vehicle = SIZE_MAX;
        while (g1 < so->n_groups && so->groups[g1].type == first->type &&
               so->groups[g1].endpoint == first->endpoint) {
            if (so->groups[g1].condition->kind == ICTUS_PERIOD_VEHICLE)
                vehicle = g1;
            g1++;
        }
        if (g1 - g0 >= 2) {
            ICTUS_GROW(so->tests, so->n_tests + 1, cap);
            ictus_logrank_row *row = &so->tests[so->n_tests++];
            *row = (ictus_logrank_row){.type = first->type, .endpoint = first->endpoint,
                                       .group = -1, .versus = -1};
            for (size_t g = g0; g < g1; g++)
                gs[g - g0] = g;
            logrank_of(so, gs, g1 - g0, row);
        }
        for (size_t g = g0; g < g1 && vehicle != SIZE_MAX; g++) {
            if (g == vehicle)
                continue;
            ICTUS_GROW(so->tests, so->n_tests + 1, cap);
            ictus_logrank_row *row = &so->tests[so->n_tests++];
            *row = (ictus_logrank_row){.type = first->type, .endpoint = first->endpoint,
                                       .group = (int)g, .versus = (int)vehicle};
            size_t pair[2] = {vehicle, g};
            logrank_of(so, pair, 2, row);
            if (row->done)
                snprintf(row->note, sizeof row->note, "groups share animals when the design is "
                         "within-animal; the log-rank test assumes independent groups");
        }
        g0 = g1;
    }
    free(gs);
}

static ictus_status add_groups(ictus_survival_outcomes *so, ictus_error *err)
{
    size_t cap = 0;
    for (size_t i = 0; i < so->n_rows; i++) {
        const ictus_tte_row *r = &so->rows[i];
        if (group_of(so, r->condition, r->type, (int)r->endpoint) >= 0)
            continue;
        ICTUS_GROW(so->groups, so->n_groups + 1, cap);
        so->groups[so->n_groups++] = (ictus_tte_group){.condition = r->condition, .type = r->type,
                                                        .endpoint = r->endpoint};
    }
    if (so->n_groups)
        qsort(so->groups, so->n_groups, sizeof *so->groups, by_group_order);
    double *t = ictus_xmalloc((so->n_rows ? so->n_rows : 1) * sizeof *t);
    bool *ev = ictus_xmalloc((so->n_rows ? so->n_rows : 1) * sizeof *ev);
    ictus_status st = ICTUS_OK;
    double level = so->an->settings.ci_level;
    for (size_t g = 0; g < so->n_groups && st == ICTUS_OK; g++) {
        ictus_tte_group *G = &so->groups[g];
        G->median = (ictus_km_quantile_result){.p = 0.5, .time = NAN, .ci = {NAN, NAN}};
        size_t n = group_rows(so, g, t, ev);
        if (n == 0)
            continue;
        st = ictus_km_estimate(t, ev, n, ICTUS_KM_LOGLOG, level, &G->km, err);
        if (st == ICTUS_OK)
            st = ictus_km_quantile(&G->km, 0.5, &G->median, err);
    }
    free(t);
    free(ev);
    if (st == ICTUS_OK)
        add_tests(so);
    return st;
}

/* The groups and tests within each stratum (strata.h): add_groups() on the
 * rows of that stratum alone.  A row's stratum is its animal's label at the
 * condition's first start (as the outcomes compared in comparisons.csv). */
static ictus_status add_tte_strata(ictus_survival_outcomes *so, ictus_error *err)
{
    const ictus_analysis *an = so->an;
    for (size_t i = 0; i < so->n_rows; i++) {
        ictus_tte_row *r = &so->rows[i];
        char label[ICTUS_STRATUM_LABEL_MAX];
        if (ictus_strata_label(&an->settings.strata, &an->study->animals[r->animal],
                               r->condition->first_start_us, label, sizeof label))
            r->stratum = ictus_strata_labels_keep(&so->tte_labels_, label);
    }
    const char **labels = ictus_strata_labels_sorted(&so->tte_labels_);
    so->n_tte_strata = so->tte_labels_.n;
    so->tte_strata = ictus_xcalloc(so->n_tte_strata ? so->n_tte_strata : 1,
                                   sizeof *so->tte_strata);
    ictus_status st = ICTUS_OK;
    for (size_t k = 0; k < so->n_tte_strata && st == ICTUS_OK; k++) {
        ictus_survival_outcomes sub = {.an = an};
        sub.rows = ictus_xmalloc((so->n_rows ? so->n_rows : 1) * sizeof *sub.rows);
        for (size_t i = 0; i < so->n_rows; i++)
            if (so->rows[i].stratum == labels[k]) /* kept: one pointer per text */
                sub.rows[sub.n_rows++] = so->rows[i];
        st = add_groups(&sub, err);
        so->tte_strata[k] = (ictus_tte_stratum){.label = labels[k], .n_groups = sub.n_groups,
                                                .groups = sub.groups, .n_tests = sub.n_tests,
                                                .tests = sub.tests};
        free(sub.rows);
    }
    free(labels);
    return st;
}

/* ------------------------------------------------------------------------
 * Survival and probable SUDEP
 * ---------------------------------------------------------------------- */

/* Animal a's last seizure of a GTCS type (settings gtcs_types) ending by
 * its death, or NULL. */
static const ictus_seizure *last_gtcs(const ictus_survival_outcomes *so, int a,
                                      const ictus_seizure *sz, size_t n_sz)
{
    const ictus_analysis *an = so->an;
    const ictus_animal *animal = &an->study->animals[a];
    const ictus_seizure *gtcs = NULL;
    for (size_t k = 0; k < n_sz; k++)
        if (sz[k].end_us <= animal->death_us &&
            type_listed(so->settings.gtcs_types, an->types[sz[k].type]))
            gtcs = &sz[k];
    return gtcs;
}

static void judge_death(ictus_survival_outcomes *so, const coverage *cov, int a,
                        const ictus_seizure *sz, size_t n_sz, ictus_survival_row *row)
{
    const ictus_analysis *an = so->an;
    const ictus_animal *animal = &an->study->animals[a];
    const ictus_survival_settings *set = &so->settings;
    const ictus_seizure *gtcs = last_gtcs(so, a, sz, n_sz);
    if (!gtcs) {
        row->why = ICTUS_SUDEP_NO_GTCS;
        return;
    }
    row->gtcs_start_us = gtcs->start_us;
    row->gtcs_end_us = gtcs->end_us;
    if ((double)(animal->death_us - gtcs->end_us) > set->sudep_window_min * 60 * US_PER_S) {
        row->why = ICTUS_SUDEP_GTCS_TOO_EARLY;
        return;
    }
    /* the recordings holding the GTCS's end, in the store's order (read_coverage()) */
    for (size_t i = 0; i < cov->n_after && isnan(row->suppression_ratio); i++) {
        const eeg_after *r = &cov->after[i];
        row->suppression_ratio = ictus_postictal_ratio(an->study, r->path, animal->id, r->start_us,
                                                       r->end_us - r->start_us, gtcs->start_us,
                                                       gtcs->end_us, set);
    }
    if (isnan(row->suppression_ratio))
        row->why = ICTUS_SUDEP_NO_EEG_AFTER;
    else if (row->suppression_ratio > set->suppression_ratio)
        row->why = ICTUS_SUDEP_NOT_SUPPRESSED;
    else
        row->why = ICTUS_SUDEP_YES;
    row->probable_sudep = row->why == ICTUS_SUDEP_YES;
}

/* The index of group `name` in groups[0..*n), appended when new. */
static int survival_group(ictus_survival_group **groups, size_t *n, const char *name, size_t *cap)
{
    for (size_t g = 0; g < *n; g++)
        if (strcmp((*groups)[g].name, name) == 0)
            return (int)g;
    ICTUS_GROW(*groups, *n + 1, *cap);
    (*groups)[*n] = (ictus_survival_group){.name = name,
                                           .median = {.p = 0.5, .time = NAN, .ci = {NAN, NAN}}};
    return (int)(*n)++;
}

/* The Kaplan–Meier estimate of each group G[0..k) over the included
 * animals a with gi[a] = the group (-1: left out), and the log-rank test
 * across the groups into *lr. */
static ictus_status survival_km(const ictus_survival_outcomes *so, const int *gi,
                                ictus_survival_group *G, size_t k, ictus_logrank_row *lr,
                                ictus_error *err)
{
    int n = so->an->study->n_animals;
    double *t = ictus_xmalloc((size_t)(n ? n : 1) * sizeof *t);
    bool *ev = ictus_xmalloc((size_t)(n ? n : 1) * sizeof *ev);
    size_t *grp = ictus_xmalloc((size_t)(n ? n : 1) * sizeof *grp);
    ictus_status st = ICTUS_OK;
    size_t n_all = 0;
    for (size_t g = 0; g < k && st == ICTUS_OK; g++) {
        size_t m = 0;
        for (int a = 0; a < n; a++)
            if (so->survival[a].included && gi[a] == (int)g) {
                t[n_all + m] = so->survival[a].time_d;
                ev[n_all + m] = so->survival[a].died;
                grp[n_all + m] = g;
                m++;
            }
        if (m)
            st = ictus_km_estimate(t + n_all, ev + n_all, m, ICTUS_KM_LOGLOG,
                                   so->an->settings.ci_level, &G[g].km, err);
        if (m && st == ICTUS_OK)
            st = ictus_km_quantile(&G[g].km, 0.5, &G[g].median, err);
        n_all += m;
    }
    *lr = (ictus_logrank_row){.group = -1, .versus = -1};
    if (st == ICTUS_OK) {
        ictus_error lerr = {0};
        lr->done = ictus_logrank(t, ev, grp, n_all, k, NULL, NULL, &lr->r, &lerr) == ICTUS_OK;
        if (!lr->done)
            snprintf(lr->note, sizeof lr->note, "%.150s", lerr.msg);
    }
    free(t);
    free(ev);
    free(grp);
    return st;
}

/* The groups and log-rank test within each stratum (strata.h): those of
 * the pooled survival on the stratum's animals alone (groups in order of
 * first appearance among them). */
static ictus_status add_survival_strata(ictus_survival_outcomes *so, ictus_error *err)
{
    const ictus_study *study = so->an->study;
    const char **labels = ictus_strata_labels_sorted(&so->survival_labels_);
    so->n_survival_strata = so->survival_labels_.n;
    so->survival_strata = ictus_xcalloc(so->n_survival_strata ? so->n_survival_strata : 1,
                                        sizeof *so->survival_strata);
    int *gi = ictus_xmalloc((size_t)(study->n_animals ? study->n_animals : 1) * sizeof *gi);
    ictus_status st = ICTUS_OK;
    for (size_t k = 0; k < so->n_survival_strata && st == ICTUS_OK; k++) {
        ictus_survival_stratum *S = &so->survival_strata[k];
        S->label = labels[k];
        size_t cap = 0;
        for (int a = 0; a < study->n_animals; a++) {
            gi[a] = -1;
            if (so->survival[a].stratum != labels[k]) /* kept: one pointer per text */
                continue;
            gi[a] = survival_group(&S->groups, &S->n_groups, study->animals[a].group, &cap);
            S->groups[gi[a]].n_sudep += so->survival[a].probable_sudep;
        }
        st = survival_km(so, gi, S->groups, S->n_groups, &S->test, err);
    }
    free(gi);
    free(labels);
    return st;
}

static ictus_status add_survival(ictus_survival_outcomes *so, const coverage *cov,
                                 const ictus_seizure *const *seizures, const size_t *n_seizures,
                                 ictus_error *err)
{
    const ictus_study *study = so->an->study;
    int n = study->n_animals;
    so->survival = ictus_xcalloc((size_t)(n ? n : 1), sizeof *so->survival);
    bool all_born = n > 0;
    for (int a = 0; a < n; a++)
        all_born = all_born && study->animals[a].birth_us != ICTUS_TIME_UNKNOWN;
    bool from_birth = so->settings.origin == ICTUS_ORIGIN_BIRTH ||
                      (so->settings.origin == ICTUS_ORIGIN_AUTO && all_born);
    size_t cap = 0;
    for (int a = 0; a < n; a++) {
        const ictus_animal *animal = &study->animals[a];
        ictus_survival_row *row = &so->survival[a];
        *row = (ictus_survival_row){.animal = a, .origin_us = ICTUS_TIME_UNKNOWN,
                                    .end_us = ICTUS_TIME_UNKNOWN, .time_d = NAN,
                                    .gtcs_start_us = ICTUS_TIME_UNKNOWN,
                                    .gtcs_end_us = ICTUS_TIME_UNKNOWN,
                                    .suppression_ratio = NAN};
        row->group = survival_group(&so->survival_groups, &so->n_survival_groups, animal->group,
                                    &cap);
        int64_t first = cov[a].first, last = cov[a].last;
        char label[ICTUS_STRATUM_LABEL_MAX];
        if (ictus_strata_label(&so->an->settings.strata, animal,
                               first == INT64_MAX ? ICTUS_TIME_UNKNOWN : first, label,
                               sizeof label))
            row->stratum = ictus_strata_labels_keep(&so->survival_labels_, label);
        row->origin_us = from_birth ? animal->birth_us : first == INT64_MAX ? ICTUS_TIME_UNKNOWN
                                                                            : first;
        row->died = animal->death_us != ICTUS_TIME_UNKNOWN;
        row->end_us = row->died ? animal->death_us : last == INT64_MIN ? ICTUS_TIME_UNKNOWN : last;
        if (row->died)
            judge_death(so, &cov[a], a, seizures[a], n_seizures[a], row);
        so->survival_groups[row->group].n_sudep += row->probable_sudep;
        row->included = row->origin_us != ICTUS_TIME_UNKNOWN &&
                        row->end_us != ICTUS_TIME_UNKNOWN && row->end_us >= row->origin_us;
        if (row->included)
            row->time_d = (double)(row->end_us - row->origin_us) / US_PER_DAY;
    }
    int *gi = ictus_xmalloc((size_t)(n ? n : 1) * sizeof *gi);
    for (int a = 0; a < n; a++)
        gi[a] = so->survival[a].group;
    ictus_status st = survival_km(so, gi, so->survival_groups, so->n_survival_groups,
                                  &so->survival_test, err);
    free(gi);
    if (st == ICTUS_OK && so->an->settings.strata.n_keys > 0)
        st = add_survival_strata(so, err);
    return st;
}

/* ------------------------------------------------------------------------
 * The whole
 * ---------------------------------------------------------------------- */

ictus_status ictus_survival_outcomes_compute(const ictus_analysis *an, ictus_store *store,
                                             const ictus_seizure *const *seizures,
                                             const size_t *n_seizures,
                                             ictus_survival_outcomes **out, ictus_error *err)
{
    *out = NULL;
    ictus_survival_outcomes *so = ictus_xcalloc(1, sizeof *so);
    so->an = an;
    ictus_survival_settings_default(&so->settings);
    ictus_status st = ictus_survival_settings_apply(&so->settings, an->study->config, err);
    if (st != ICTUS_OK) {
        free(so);
        return st;
    }
    so->settings_text = settings_text(&so->settings);
    ictus_strbuf both = {0};
    ictus_strbuf_add(&both, an->settings_text);
    ictus_strbuf_add(&both, so->settings_text);
    ictus_hash128_format(ictus_hash_bytes(ictus_strbuf_text(&both), strlen(ictus_strbuf_text(&both))),
                         so->settings_hash);
    ictus_strbuf_free(&both);
    const ictus_study *study = an->study;
    int n_animals = study->n_animals;
    coverage_reader cr = {.study = study, .gap_us = (int64_t)(so->settings.max_gap_min * 60 *
                                                              US_PER_S),
                          .current = -1, .current_id = ictus_xstrdup(""), .current_index = -1};
    cr.of = ictus_xcalloc((size_t)(n_animals ? n_animals : 1), sizeof *cr.of);
    for (int a = 0; a < n_animals; a++) {
        const ictus_animal *animal = &study->animals[a];
        const ictus_seizure *gtcs = animal->death_us == ICTUS_TIME_UNKNOWN
                                        ? NULL
                                        : last_gtcs(so, a, seizures[a], n_seizures[a]);
        cr.of[a] = (coverage){.first = INT64_MAX, .last = INT64_MIN,
                              .gtcs_end_us = gtcs ? gtcs->end_us : ICTUS_TIME_UNKNOWN};
    }
    st = ictus_store_each_recording_span(store, read_coverage, &cr, err);
    close_animal(&cr);
    free(cr.raw);
    free(cr.current_id);
    size_t cap = 0;
    for (int a = 0; a < n_animals && st == ICTUS_OK; a++)
        add_rows(so, a, cr.of[a].iv, cr.of[a].n_iv, seizures[a], n_seizures[a], &cap);
    if (st == ICTUS_OK)
        st = add_groups(so, err);
    if (st == ICTUS_OK && an->settings.strata.n_keys > 0)
        st = add_tte_strata(so, err);
    so->has_survival = an->study->has_deaths;
    if (st == ICTUS_OK && so->has_survival)
        st = add_survival(so, cr.of, seizures, n_seizures, err);
    coverage_free(cr.of, n_animals);
    if (st != ICTUS_OK) {
        ictus_survival_outcomes_destroy(so);
        return st;
    }
    *out = so;
    return ICTUS_OK;
}

void ictus_survival_outcomes_destroy(ictus_survival_outcomes *so)
{
    if (!so)
        return;
    for (size_t g = 0; g < so->n_groups; g++)
        ictus_km_free(&so->groups[g].km);
    for (size_t k = 0; k < so->n_tte_strata; k++) {
        for (size_t g = 0; g < so->tte_strata[k].n_groups; g++)
            ictus_km_free(&so->tte_strata[k].groups[g].km);
        free(so->tte_strata[k].groups);
        free(so->tte_strata[k].tests);
    }
    free(so->tte_strata);
    for (size_t k = 0; k < so->n_survival_strata; k++) {
        for (size_t g = 0; g < so->survival_strata[k].n_groups; g++)
            ictus_km_free(&so->survival_strata[k].groups[g].km);
        free(so->survival_strata[k].groups);
    }
    free(so->survival_strata);
    ictus_strata_labels_clear(&so->tte_labels_);
    ictus_strata_labels_clear(&so->survival_labels_);
    for (size_t g = 0; g < so->n_survival_groups; g++)
        ictus_km_free(&so->survival_groups[g].km);
    free(so->groups);
    free(so->survival_groups);
    free(so->survival);
    free(so->rows);
    free(so->tests);
    free(so->settings_text);
    free(so);
}

/* ------------------------------------------------------------------------
 * Writing
 * ---------------------------------------------------------------------- */

static void time_field(ictus_out *o, int64_t t_us)
{
    ictus_out_char(o, ',');
    if (t_us == ICTUS_TIME_UNKNOWN)
        return;
    char buf[32];
    ictus_out_str(o, ictus_walltime_format(t_us, buf, sizeof buf));
}

static void write_rows(ictus_out *o, const void *ctx)
{
    const ictus_survival_outcomes *so = ctx;
    const ictus_analysis *an = so->an;
    ictus_out_str(o, "animal,group,kind,drug,dose_mg_kg,route,type,endpoint,target,expected,"
                     "origin,time_h,event,censored_by,at,settings_hash\n");
    for (size_t i = 0; i < so->n_rows; i++) {
        const ictus_tte_row *r = &so->rows[i];
        const ictus_animal *animal = &an->study->animals[r->animal];
        ictus_out_field(o, animal->id);
        ictus_outfile_text(o, animal->group);
        ictus_analysis_exposure_fields(o, r->condition);
        ictus_outfile_text(o, an->types[r->type]);
        ictus_outfile_text(o, ictus_tte_endpoint_names[r->endpoint]);
        ictus_outfile_count(o, r->target ? r->target : -1);
        ictus_outfile_number(o, r->expected);
        time_field(o, r->condition->first_start_us);
        ictus_outfile_number(o, r->time_h);
        ictus_outfile_count(o, isnan(r->time_h) ? -1 : r->event);
        ictus_outfile_text(o, censor_names[r->censor]);
        time_field(o, r->at_us);
        ictus_outfile_text(o, so->settings_hash);
        ictus_out_char(o, '\n');
    }
}

/* The median columns and ci_level of a Kaplan–Meier summary. */
static void median_fields(ictus_out *o, const ictus_km *km, const ictus_km_quantile_result *m,
                          double level)
{
    ictus_outfile_count(o, (int64_t)km->n_animals);
    ictus_outfile_count(o, (int64_t)km->n_events);
    ictus_outfile_number(o, m->time);
    ictus_outfile_number(o, m->ci.lo);
    ictus_outfile_number(o, isinf(m->ci.hi) ? NAN : m->ci.hi);
    ictus_outfile_number(o, level);
}

static void test_fields(ictus_out *o, const ictus_logrank_row *t)
{
    ictus_outfile_number(o, t->done ? t->r.chi2 : NAN);
    ictus_outfile_number(o, t->done ? t->r.df : NAN);
    ictus_outfile_number(o, t->done ? t->r.p : NAN);
    ictus_outfile_text(o, t->note);
}

/* The time_h (or time_d) … surv_ci_hi columns of step j of km; empty when j < 0. */
static void step_fields(ictus_out *o, const ictus_km *km, int j)
{
    if (j < 0) {
        ictus_out_str(o, ",,,,,,,");
        return;
    }
    ictus_outfile_number(o, km->time[j]);
    ictus_outfile_count(o, km->n_risk[j]);
    ictus_outfile_count(o, km->n_dead[j]);
    ictus_outfile_number(o, km->surv[j]);
    ictus_outfile_number(o, km->se[j]);
    ictus_outfile_number(o, km->ci[j].lo);
    ictus_outfile_number(o, km->ci[j].hi);
}

/* The end of a row: settings_hash, and the stratum column when stratified
 * (label NULL: not stratified). */
static void row_end(ictus_out *o, const ictus_survival_outcomes *so, const char *label)
{
    ictus_outfile_text(o, so->settings_hash);
    if (label)
        ictus_outfile_text(o, label);
    ictus_out_char(o, '\n');
}

/* The group, km and logrank rows of groups G[0..n_groups) and tests
 * T[0..n_tests) (the pooled ones, or one stratum's). */
static void write_group_rows(ictus_out *o, const ictus_survival_outcomes *so,
                             const ictus_tte_group *groups, size_t n_groups,
                             const ictus_logrank_row *tests, size_t n_tests, const char *label)
{
    const ictus_analysis *an = so->an;
    double level = an->settings.ci_level;
    for (size_t g = 0; g < n_groups; g++) {
        const ictus_tte_group *G = &groups[g];
        for (int j = -1; j < (int)G->km.n_times; j++) {
            ictus_out_str(o, j < 0 ? "group" : "km");
            ictus_outfile_text(o, an->types[G->type]);
            ictus_outfile_text(o, ictus_tte_endpoint_names[G->endpoint]);
            ictus_analysis_exposure_fields(o, G->condition);
            ictus_outfile_text(o, "");
            if (j < 0)
                median_fields(o, &G->km, &G->median, level);
            else
                ictus_out_str(o, ",,,,,"), ictus_outfile_number(o, level);
            ictus_out_str(o, ",,,,");
            step_fields(o, &G->km, j);
            row_end(o, so, label);
        }
    }
    for (size_t i = 0; i < n_tests; i++) {
        const ictus_logrank_row *t = &tests[i];
        ictus_out_str(o, "logrank");
        ictus_outfile_text(o, an->types[t->type]);
        ictus_outfile_text(o, ictus_tte_endpoint_names[t->endpoint]);
        if (t->group < 0) {
            ictus_out_str(o, ",all,,,");
            ictus_outfile_text(o, "all");
        } else {
            const ictus_condition *v = groups[t->versus].condition;
            ictus_analysis_exposure_fields(o, groups[t->group].condition);
            ictus_outfile_text(o, *v->drug ? v->drug : "vehicle");
        }
        ictus_out_str(o, ",,,,,,");
        test_fields(o, t);
        step_fields(o, NULL, -1);
        row_end(o, so, label);
    }
}

static void write_groups(ictus_out *o, const void *ctx)
{
    const ictus_survival_outcomes *so = ctx;
    bool stratified = so->an->settings.strata.n_keys > 0;
    ictus_out_str(o, "row,type,endpoint,kind,drug,dose_mg_kg,route,versus,n_animals,n_events,"
                     "median_h,median_ci_lo_h,median_ci_hi_h,ci_level,chi2,df,p,note,time_h,"
                     "n_risk,n_died,surv,surv_se,surv_ci_lo,surv_ci_hi,settings_hash");
    ictus_out_str(o, stratified ? ",stratum\n" : "\n");
    write_group_rows(o, so, so->groups, so->n_groups, so->tests, so->n_tests,
                     stratified ? "all" : NULL);
    for (size_t k = 0; k < so->n_tte_strata; k++) {
        const ictus_tte_stratum *S = &so->tte_strata[k];
        write_group_rows(o, so, S->groups, S->n_groups, S->tests, S->n_tests, S->label);
    }
}

static void write_survival(ictus_out *o, const void *ctx)
{
    const ictus_survival_outcomes *so = ctx;
    const ictus_study *study = so->an->study;
    ictus_out_str(o, "animal,group,sex,origin,end,time_d,died,death_cause,probable_sudep,"
                     "gtcs_start,gtcs_end,gtcs_to_death_min,suppression_ratio,sudep_why,"
                     "settings_hash\n");
    for (int a = 0; a < study->n_animals; a++) {
        const ictus_survival_row *r = &so->survival[a];
        const ictus_animal *animal = &study->animals[a];
        ictus_out_field(o, animal->id);
        ictus_outfile_text(o, animal->group);
        ictus_outfile_text(o, animal->sex);
        time_field(o, r->origin_us);
        time_field(o, r->end_us);
        ictus_outfile_number(o, r->time_d);
        ictus_outfile_count(o, r->died);
        ictus_outfile_text(o, animal->death_cause);
        ictus_outfile_count(o, r->died ? r->probable_sudep : -1);
        time_field(o, r->gtcs_start_us);
        time_field(o, r->gtcs_end_us);
        ictus_outfile_number(o, r->gtcs_end_us == ICTUS_TIME_UNKNOWN
                                    ? NAN
                                    : (double)(animal->death_us - r->gtcs_end_us) / 60e6);
        ictus_outfile_number(o, r->suppression_ratio);
        ictus_outfile_text(o, ictus_sudep_why_names[r->why]);
        ictus_outfile_text(o, so->settings_hash);
        ictus_out_char(o, '\n');
    }
}

/* The group, km and logrank rows of survival groups G[0..k) and test *t
 * (the pooled ones, or one stratum's). */
static void write_survival_group_rows(ictus_out *o, const ictus_survival_outcomes *so,
                                      const ictus_survival_group *groups, size_t k,
                                      const ictus_logrank_row *test, const char *label)
{
    double level = so->an->settings.ci_level;
    for (size_t g = 0; g < k; g++) {
        const ictus_survival_group *G = &groups[g];
        for (int j = -1; j < (int)G->km.n_times; j++) {
            ictus_out_str(o, j < 0 ? "group" : "km");
            ictus_outfile_text(o, G->name);
            if (j < 0) {
                ictus_outfile_count(o, (int64_t)G->km.n_animals);
                ictus_outfile_count(o, (int64_t)G->km.n_events);
                ictus_outfile_count(o, G->n_sudep);
                ictus_outfile_number(o, G->median.time);
                ictus_outfile_number(o, G->median.ci.lo);
                ictus_outfile_number(o, isinf(G->median.ci.hi) ? NAN : G->median.ci.hi);
            } else {
                ictus_out_str(o, ",,,,,,");
            }
            ictus_outfile_number(o, level);
            ictus_out_str(o, ",,,,");
            step_fields(o, &G->km, j);
            row_end(o, so, label);
        }
    }
    ictus_out_str(o, "logrank,all,,,,,,,");
    test_fields(o, test);
    step_fields(o, NULL, -1);
    row_end(o, so, label);
}

static void write_survival_groups(ictus_out *o, const void *ctx)
{
    const ictus_survival_outcomes *so = ctx;
    bool stratified = so->an->settings.strata.n_keys > 0;
    ictus_out_str(o, "row,group,n_animals,n_deaths,n_sudep,median_d,median_ci_lo_d,"
                     "median_ci_hi_d,ci_level,chi2,df,p,note,time_d,n_risk,n_died,surv,surv_se,"
                     "surv_ci_lo,surv_ci_hi,settings_hash");
    ictus_out_str(o, stratified ? ",stratum\n" : "\n");
    write_survival_group_rows(o, so, so->survival_groups, so->n_survival_groups,
                              &so->survival_test, stratified ? "all" : NULL);
    for (size_t k = 0; k < so->n_survival_strata; k++) {
        const ictus_survival_stratum *S = &so->survival_strata[k];
        write_survival_group_rows(o, so, S->groups, S->n_groups, &S->test, S->label);
    }
}

static void write_settings(ictus_out *o, const void *ctx)
{
    const ictus_survival_outcomes *so = ctx;
    ictus_out_str(o, so->settings_text);
}

ictus_status ictus_survival_outcomes_write(const ictus_survival_outcomes *so, const char *out_dir,
                                           ictus_error *err)
{
    ictus_status st = ictus_outfile_write(out_dir, "time_to_event.csv", write_rows, so, err);
    if (st == ICTUS_OK)
        st = ictus_outfile_write(out_dir, "time_to_event_groups.csv", write_groups, so, err);
    if (st == ICTUS_OK && so->has_survival)
        st = ictus_outfile_write(out_dir, "survival.csv", write_survival, so, err);
    if (st == ICTUS_OK && so->has_survival)
        st = ictus_outfile_write(out_dir, "survival_groups.csv", write_survival_groups, so, err);
    if (st == ICTUS_OK)
        st = ictus_outfile_write(out_dir, "survival-settings.txt", write_settings, so, err);
    return st;
}
