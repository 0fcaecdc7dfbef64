/* comparisons.c: the tests of comparisons.h over a list of outcomes, through stats.h. */
#include "protocols/comparisons.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocols/stats.h"
#include "base/vec.h"

#define S_PER_HOUR 3600.0

static const char *const test_names[ICTUS_N_TESTS] = {
    "responder_rate", "seizure_free_rate", "wilcoxon", "log_ttest", "rate_ratio",
    "fisher_responders", "fisher_seizure_free", "mann_whitney",
};
static const char *const versus_names[ICTUS_N_VERSUS] = {"", "baseline", "vehicle", "group",
                                                                 "stratum"};

const char *ictus_test_name(ictus_test test)
{
    return test >= 0 && test < ICTUS_N_TESTS ? test_names[test] : "?";
}

const char *ictus_versus_name(ictus_versus versus)
{
    return versus >= 0 && versus < ICTUS_N_VERSUS ? versus_names[versus] : "?";
}

const char *ictus_comparison_estimate_of(ictus_test test, ictus_period_kind kind)
{
    switch (test) {
    case ICTUS_TEST_RESPONDER_RATE:
    case ICTUS_TEST_SEIZURE_FREE_RATE:
        return "proportion";
    case ICTUS_TEST_WILCOXON:
        return "median_difference_per_24h";
    case ICTUS_TEST_LOG_TTEST:
        return "geometric_mean_ratio";
    case ICTUS_TEST_RATE_RATIO:
        return "rate_ratio";
    case ICTUS_TEST_FISHER_RESPONDERS:
    case ICTUS_TEST_FISHER_SEIZURE_FREE:
        return "odds_ratio";
    case ICTUS_TEST_MANN_WHITNEY:
        return kind == ICTUS_PERIOD_BASELINE ? "median_difference_per_24h"
                                             : "median_difference_pct";
    default:
        return "?";
    }
}

/* ------------------------------------------------------------------------
 * Row list
 * ---------------------------------------------------------------------- */

typedef struct {
    ictus_comparison *rows;
    size_t n, cap;
    const ictus_test_options *opt;
    ictus_comparison proto;   /* type and condition of the rows being made */
    const ictus_outcome *const *veh; /* the vehicle outcomes of that type, [n_veh] */
    size_t n_veh;
} row_list;

/* A new row with the prototype's type and condition, everything else empty. */
static ictus_comparison *add_row(row_list *l, ictus_test test, ictus_versus versus)
{
    ICTUS_GROW(l->rows, l->n + 1, l->cap);
    ictus_comparison *r = &l->rows[l->n++];
    *r = l->proto;
    r->test = test;
    r->versus = versus;
    r->group_a = r->group_b = "";
    r->n = r->k = 0;
    r->n_ref = r->k_ref = r->count = r->ref_count = -1;
    r->analysable_h = r->ref_analysable_h = NAN;
    r->estimate = r->ci_lo = r->ci_hi = r->statistic = r->p = NAN;
    r->note[0] = '\0';
    return r;
}

static ictus_pvalue_method method_for(const row_list *l, size_t n_ranked)
{
    return n_ranked <= (size_t)l->opt->exact_max_n ? ICTUS_PMETHOD_EXACT : ICTUS_PMETHOD_APPROX;
}

/* ------------------------------------------------------------------------
 * One test each
 * ---------------------------------------------------------------------- */

static ictus_status proportion(row_list *l, ictus_test test, int64_t k, int64_t n,
                               ictus_error *err)
{
    ictus_comparison *r = add_row(l, test, ICTUS_VERSUS_NONE);
    r->n = n;
    r->k = k;
    if (n == 0) {
        snprintf(r->note, sizeof r->note, "no animal with a determined class");
        return ICTUS_OK;
    }
    ictus_interval ci;
    ictus_status st = ictus_stats_clopper_pearson(k, n, l->opt->ci_level, ICTUS_ALT_TWO_SIDED,
                                                  &ci, err);
    r->estimate = (double)k / (double)n;
    r->ci_lo = ci.lo;
    r->ci_hi = ci.hi;
    return st;
}

/* Paired rates x (exposure) and y (reference) of n animals, with their
 * pooled counts and analysable seconds: Wilcoxon, log t-test, rate ratio. */
typedef struct {
    double *x, *y;
    size_t n;
    int64_t kx, ky;
    double ex_s, ey_s;
} pairs;

/* Room for `cap` pairs; pairs_free() frees it. */
static pairs pairs_make(size_t cap)
{
    return (pairs){.x = ictus_xmalloc(cap * sizeof(double)),
                   .y = ictus_xmalloc(cap * sizeof(double))};
}

static void pairs_free(pairs *p)
{
    free(p->x);
    free(p->y);
}

static ictus_status wilcoxon(row_list *l, ictus_versus versus, const pairs *p, ictus_error *err)
{
    ictus_comparison *r = add_row(l, ICTUS_TEST_WILCOXON, versus);
    r->n = (int64_t)p->n;
    r->analysable_h = p->ex_s / S_PER_HOUR;
    r->ref_analysable_h = p->ey_s / S_PER_HOUR;
    double *d = ictus_xmalloc((p->n ? p->n : 1) * sizeof *d);
    size_t nonzero = 0;
    for (size_t i = 0; i < p->n; i++)
        nonzero += (d[i] = p->x[i] - p->y[i]) != 0;
    r->estimate = ictus_stats_median_or_nan(d, p->n);
    free(d);
    if (nonzero == 0) {
        snprintf(r->note, sizeof r->note, p->n ? "every difference is 0" : "no pair");
        return ICTUS_OK;
    }
    ictus_wilcoxon_options o = {.method = method_for(l, nonzero)};
    ictus_wilcoxon_result res;
    ictus_status st = ictus_stats_wilcoxon(p->x, p->y, p->n, &o, &res, err);
    r->statistic = res.statistic;
    r->p = res.p;
    return st;
}

static ictus_status log_ttest(row_list *l, ictus_versus versus, const pairs *p, ictus_error *err)
{
    ictus_comparison *r = add_row(l, ICTUS_TEST_LOG_TTEST, versus);
    r->n = (int64_t)p->n;
    r->analysable_h = p->ex_s / S_PER_HOUR;
    r->ref_analysable_h = p->ey_s / S_PER_HOUR;
    if (p->n < 2) {
        snprintf(r->note, sizeof r->note, "fewer than 2 pairs");
        return ICTUS_OK;
    }
    double offset;
    ictus_error ignored;
    if (ictus_stats_half_min_positive(p->x, p->y, p->n, &offset, &ignored) != ICTUS_OK) {
        snprintf(r->note, sizeof r->note, "every rate is 0");
        return ICTUS_OK;
    }
    ictus_log_ttest_result res;
    ictus_status st = ictus_stats_paired_log_ttest(p->x, p->y, p->n, offset, l->opt->ci_level,
                                                   ICTUS_ALT_TWO_SIDED, &res, err);
    r->estimate = res.ratio;
    r->ci_lo = res.ratio_ci.lo;
    r->ci_hi = res.ratio_ci.hi;
    r->statistic = res.t;
    r->p = res.p;
    snprintf(r->note, sizeof r->note, "offset %.6g per 24 h", offset);
    return st;
}

static ictus_status rate_ratio(row_list *l, ictus_versus versus, const pairs *p,
                               ictus_error *err)
{
    ictus_comparison *r = add_row(l, ICTUS_TEST_RATE_RATIO, versus);
    r->n = (int64_t)p->n;
    r->count = p->kx;
    r->ref_count = p->ky;
    r->analysable_h = p->ex_s / S_PER_HOUR;
    r->ref_analysable_h = p->ey_s / S_PER_HOUR;
    if (p->n == 0) {
        snprintf(r->note, sizeof r->note, "no pair");
        return ICTUS_OK;
    }
    ictus_rate_ratio_result res;
    ictus_status st = ictus_stats_rate_ratio(p->kx, r->analysable_h, p->ky, r->ref_analysable_h,
                                             l->opt->ci_level, ICTUS_ALT_TWO_SIDED, &res, err);
    r->estimate = res.rate_ratio;
    r->ci_lo = res.ci.lo;
    r->ci_hi = res.ci.hi;
    r->p = res.p;
    return st;
}

static ictus_status fisher(row_list *l, ictus_test test, int64_t k, int64_t n, int64_t k_ref,
                           int64_t n_ref, ictus_error *err)
{
    ictus_comparison *r = add_row(l, test, ICTUS_VERSUS_VEHICLE);
    r->n = n;
    r->k = k;
    r->n_ref = n_ref;
    r->k_ref = k_ref;
    if (n == 0 || n_ref == 0) {
        snprintf(r->note, sizeof r->note, "no animal with a determined class on one side");
        return ICTUS_OK;
    }
    ictus_table2x2 t = {k, n - k, k_ref, n_ref - k_ref};
    ictus_fisher_result res;
    ictus_status st = ictus_stats_fisher_exact(&t, ICTUS_ALT_TWO_SIDED, &res, err);
    r->estimate = res.odds_ratio;
    r->p = res.p;
    return st;
}

static ictus_status mann_whitney(row_list *l, ictus_versus versus, const double *a, size_t na,
                                 const double *b, size_t nb, ictus_error *err)
{
    ictus_comparison *r = add_row(l, ICTUS_TEST_MANN_WHITNEY, versus);
    r->n = (int64_t)na;
    r->n_ref = (int64_t)nb;
    if (na == 0 || nb == 0) {
        snprintf(r->note, sizeof r->note, "no value on one side");
        return ICTUS_OK;
    }
    r->estimate = ictus_stats_median_or_nan(a, na) - ictus_stats_median_or_nan(b, nb);
    ictus_mwu_options o = {.method = method_for(l, na + nb), .continuity = true};
    ictus_mwu_result res;
    ictus_status st = ictus_stats_mannwhitneyu(a, na, b, nb, &o, &res, err);
    r->statistic = res.u1;
    r->p = res.p;
    return st;
}

/* ------------------------------------------------------------------------
 * One exposure of one type
 * ---------------------------------------------------------------------- */

/* The value a Mann–Whitney compares: % change, or the rate for a baseline. */
static double compared_value(const ictus_outcome *o)
{
    return o->condition->kind == ICTUS_PERIOD_BASELINE ? o->m.rate_per_24h
                                                       : o->response.pct_change;
}

static bool determined(const ictus_outcome *o)
{
    return o->response.cls != ICTUS_CLASS_UNDETERMINED;
}

/* Animals with a determined response class, and how many of them responded
 * or were seizure-free. */
typedef struct {
    int64_t n_det, k_resp, k_free;
} class_counts;

static void count_class(class_counts *c, const ictus_outcome *o)
{
    if (!determined(o))
        return;
    c->n_det++;
    c->k_resp += ictus_class_is_response(o->response.cls);
    c->k_free += o->response.cls == ICTUS_CLASS_SEIZURE_FREE;
}

/* Append o's compared value to v[*n] when it is finite. */
static void add_compared(double *v, size_t *n, const ictus_outcome *o)
{
    double x = compared_value(o);
    if (isfinite(x))
        v[(*n)++] = x;
}

/* Add the pair (o, against) when both have analysable time. */
static void add_pair(pairs *p, const ictus_measures *m, const ictus_measures *ref)
{
    if (!(m->analysable_s > 0) || !(ref->analysable_s > 0))
        return;
    p->x[p->n] = m->rate_per_24h;
    p->y[p->n] = ref->rate_per_24h;
    p->n++;
    p->kx += m->count;
    p->ky += ref->count;
    p->ex_s += m->analysable_s;
    p->ey_s += ref->analysable_s;
}

static ictus_status paired_tests(row_list *l, ictus_versus versus, const pairs *p,
                                 ictus_error *err)
{
    ictus_status st = wilcoxon(l, versus, p, err);
    if (st == ICTUS_OK)
        st = log_ttest(l, versus, p, err);
    if (st == ICTUS_OK)
        st = rate_ratio(l, versus, p, err);
    return st;
}

/* The vehicle outcome of the same animal and type among veh[0..n_veh), or NULL. */
static const ictus_outcome *vehicle_of(const ictus_outcome *o, const ictus_outcome *const *veh,
                                       size_t n_veh)
{
    for (size_t i = 0; i < n_veh; i++)
        if (veh[i]->animal == o->animal)
            return veh[i];
    return NULL;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static ictus_status group_tests(row_list *l, const ictus_outcome *const *g, size_t n,
                                ictus_error *err)
{
    const char **groups = ictus_xmalloc((n ? n : 1) * sizeof *groups);
    size_t n_groups = 0;
    for (size_t i = 0; i < n; i++) {
        bool seen = !*g[i]->group;
        for (size_t j = 0; j < n_groups && !seen; j++)
            seen = strcmp(groups[j], g[i]->group) == 0;
        if (!seen)
            groups[n_groups++] = g[i]->group;
    }
    qsort(groups, n_groups, sizeof *groups, by_name);
    double *a = ictus_xmalloc((n ? n : 1) * sizeof *a), *b = ictus_xmalloc((n ? n : 1) * sizeof *b);
    ictus_status st = ICTUS_OK;
    for (size_t i = 0; i < n_groups && st == ICTUS_OK; i++)
        for (size_t j = i + 1; j < n_groups && st == ICTUS_OK; j++) {
            size_t na = 0, nb = 0;
            for (size_t k = 0; k < n; k++) {
                if (strcmp(g[k]->group, groups[i]) == 0)
                    add_compared(a, &na, g[k]);
                else if (strcmp(g[k]->group, groups[j]) == 0)
                    add_compared(b, &nb, g[k]);
            }
            st = mann_whitney(l, ICTUS_VERSUS_GROUP, a, na, b, nb, err);
            l->rows[l->n - 1].group_a = groups[i];
            l->rows[l->n - 1].group_b = groups[j];
        }
    free(a);
    free(b);
    free(groups);
    return st;
}

/* Everything versus the vehicle outcomes of the same type (l->veh). */
static ictus_status vehicle_tests(row_list *l, const ictus_outcome *const *g, size_t n,
                                  ictus_error *err)
{
    const ictus_outcome *const *veh = l->veh;
    size_t n_veh = l->n_veh;
    size_t cap = (n > n_veh ? n : n_veh) + 1;
    pairs p = pairs_make(cap);
    double *a = ictus_xmalloc(cap * sizeof *a), *b = ictus_xmalloc(cap * sizeof *b);
    class_counts c = {0}, cv = {0};
    size_t na = 0, nb = 0;
    for (size_t i = 0; i < n; i++) {
        const ictus_outcome *v = vehicle_of(g[i], veh, n_veh);
        if (v)
            add_pair(&p, &g[i]->m, &v->m);
        count_class(&c, g[i]);
        add_compared(a, &na, g[i]);
    }
    for (size_t i = 0; i < n_veh; i++) {
        count_class(&cv, veh[i]);
        add_compared(b, &nb, veh[i]);
    }
    ictus_status st = paired_tests(l, ICTUS_VERSUS_VEHICLE, &p, err);
    if (st == ICTUS_OK)
        st = fisher(l, ICTUS_TEST_FISHER_RESPONDERS, c.k_resp, c.n_det, cv.k_resp, cv.n_det, err);
    if (st == ICTUS_OK)
        st = fisher(l, ICTUS_TEST_FISHER_SEIZURE_FREE, c.k_free, c.n_det, cv.k_free, cv.n_det,
                    err);
    if (st == ICTUS_OK)
        st = mann_whitney(l, ICTUS_VERSUS_VEHICLE, a, na, b, nb, err);
    pairs_free(&p);
    free(a);
    free(b);
    return st;
}

/* The tests of one exposure: outcomes g[0..n) of one type and condition. */
static ictus_status exposure_tests(row_list *l, const ictus_outcome *const *g, size_t n,
                                   ictus_error *err)
{
    ictus_period_kind kind = g[0]->condition->kind;
    ictus_status st = ICTUS_OK;
    if (kind != ICTUS_PERIOD_BASELINE) {
        class_counts c = {0};
        pairs p = pairs_make(n);
        for (size_t i = 0; i < n; i++) {
            count_class(&c, g[i]);
            if (g[i]->has_reference)
                add_pair(&p, &g[i]->m, &g[i]->ref);
        }
        st = proportion(l, ICTUS_TEST_RESPONDER_RATE, c.k_resp, c.n_det, err);
        if (st == ICTUS_OK)
            st = proportion(l, ICTUS_TEST_SEIZURE_FREE_RATE, c.k_free, c.n_det, err);
        if (st == ICTUS_OK)
            st = paired_tests(l, ICTUS_VERSUS_BASELINE, &p, err);
        pairs_free(&p);
    }
    if (st == ICTUS_OK && kind == ICTUS_PERIOD_TREATMENT && l->n_veh > 0)
        st = vehicle_tests(l, g, n, err);
    if (st == ICTUS_OK)
        st = group_tests(l, g, n, err);
    return st;
}

static int by_condition_then_animal(const void *a, const void *b)
{
    const ictus_outcome *x = *(const ictus_outcome *const *)a;
    const ictus_outcome *y = *(const ictus_outcome *const *)b;
    int d = ictus_condition_cmp(x->condition, y->condition);
    return d ? d : (x->animal > y->animal) - (x->animal < y->animal);
}

ictus_status ictus_comparisons_compute(const ictus_outcome *o, size_t n, int n_types,
                                       const ictus_test_options *opt, ictus_comparison **out,
                                       size_t *n_out, ictus_error *err)
{
    row_list l = {.opt = opt};
    const ictus_outcome **of_type = ictus_xmalloc((n ? n : 1) * sizeof *of_type);
    const ictus_outcome **veh = ictus_xmalloc((n ? n : 1) * sizeof *veh);
    ictus_status st = ICTUS_OK;
    for (int t = 0; t < n_types && st == ICTUS_OK; t++) {
        size_t m = 0, n_veh = 0;
        for (size_t i = 0; i < n; i++)
            if (o[i].type == t) {
                of_type[m++] = &o[i];
                if (o[i].condition->kind == ICTUS_PERIOD_VEHICLE)
                    veh[n_veh++] = &o[i];
            }
        qsort(of_type, m, sizeof *of_type, by_condition_then_animal);
        for (size_t first = 0, last; first < m && st == ICTUS_OK; first = last) {
            const ictus_condition *exposure = of_type[first]->condition;
            for (last = first + 1;
                 last < m && ictus_condition_same(exposure, of_type[last]->condition); last++)
                ;
            l.proto = (ictus_comparison){.type = t, .condition = of_type[first]->condition};
            l.veh = veh;
            l.n_veh = n_veh;
            st = exposure_tests(&l, of_type + first, last - first, err);
        }
    }
    free(of_type);
    free(veh);
    if (st != ICTUS_OK) {
        free(l.rows);
        l.rows = NULL;
        l.n = 0;
    }
    *out = l.rows;
    *n_out = l.n;
    return st;
}
