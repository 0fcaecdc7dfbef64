/* cross_cohort.c: several cohorts pooled; each drug and dose tabulated against the vehicle. */
#include "protocols/cross_cohort.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/outfile.h"
#include "base/strbuf.h"
#include "base/vec.h"
#include "protocols/stats.h"

/* The pooled outcomes of every cohort, with one type numbering. */
typedef struct {
    ictus_outcome *o;
    int *cohort;                        /* [n]: the cohort of each outcome */
    size_t n;
    const char **types;                 /* [n_types]: "all", then the union by name */
    int n_types;
} pool;

static int by_text(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int type_number(const pool *p, const char *name)
{
    for (int t = 0; t < p->n_types; t++)
        if (strcmp(p->types[t], name) == 0)
            return t;
    return -1;
}

static void pool_build(pool *p, const ictus_analysis *const *an, int n)
{
    int cap_types = 1;
    for (int k = 0; k < n; k++) {
        p->n += an[k]->n_outcomes;
        cap_types += an[k]->n_types;
    }
    p->types = ictus_xmalloc((size_t)cap_types * sizeof *p->types);
    p->types[0] = "all";
    p->n_types = 1;
    for (int k = 0; k < n; k++)
        for (int t = 1; t < an[k]->n_types; t++)
            if (type_number(p, an[k]->types[t]) < 0)
                p->types[p->n_types++] = an[k]->types[t];
    qsort(p->types + 1, (size_t)p->n_types - 1, sizeof *p->types, by_text);
    p->o = ictus_xmalloc((p->n ? p->n : 1) * sizeof *p->o);
    p->cohort = ictus_xmalloc((p->n ? p->n : 1) * sizeof *p->cohort);
    size_t i = 0;
    int animal_offset = 0;
    for (int k = 0; k < n; k++) {
        for (size_t j = 0; j < an[k]->n_outcomes; j++, i++) {
            p->o[i] = an[k]->outcomes[j];
            p->o[i].animal += animal_offset;
            p->o[i].type = type_number(p, an[k]->types[p->o[i].type]);
            p->cohort[i] = k;
        }
        animal_offset += an[k]->study->n_animals;
    }
}

static void pool_clear(pool *p)
{
    free(p->o);
    free(p->cohort);
    free(p->types);
}

/* ------------------------------------------------------------------------
 * Rows
 * ---------------------------------------------------------------------- */

/* The comparison of `test` versus `versus` for (type, condition), or NULL. */
static const ictus_comparison *find_test(const ictus_comparison *c, size_t n, int type,
                                         const ictus_condition *cond, ictus_test test,
                                         ictus_versus versus)
{
    for (size_t i = 0; i < n; i++)
        if (c[i].type == type && c[i].test == test && c[i].versus == versus &&
            ictus_condition_same(c[i].condition, cond))
            return &c[i];
    return NULL;
}

/* The outcome figures of one row: animals, cohorts, median % change. */
static void fill_from_outcomes(ictus_cohort_row *row, const pool *p, int type,
                               const ictus_analysis *const *an, int n_cohorts)
{
    bool *in_cohort = ictus_xcalloc((size_t)n_cohorts, sizeof *in_cohort);
    double *pct = ictus_xmalloc((p->n ? p->n : 1) * sizeof *pct);
    size_t n_pct = 0;
    for (size_t i = 0; i < p->n; i++) {
        const ictus_outcome *o = &p->o[i];
        if (o->type != type || !ictus_condition_same(o->condition, row->condition))
            continue;
        row->n_animals++;
        in_cohort[p->cohort[i]] = true;
        if (isfinite(o->response.pct_change))
            pct[n_pct++] = o->response.pct_change;
    }
    ictus_strbuf cohorts = {0};
    for (int k = 0; k < n_cohorts; k++)
        if (in_cohort[k]) {
            ictus_strbuf_join(&cohorts, "|", an[k]->study->name);
            row->n_cohorts++;
        }
    row->cohorts = ictus_strbuf_take(&cohorts);
    row->median_pct_change = NAN;
    ictus_error err;
    if (n_pct && ictus_stats_median(pct, n_pct, &row->median_pct_change, &err) != ICTUS_OK)
        row->median_pct_change = NAN;
    free(pct);
    free(in_cohort);
}

/* ln of the outcome's rate ratio to its reference baseline, Haldane's +0.5
 * on both counts; false when the ratio cannot be formed (no reference, or
 * either side without analysable time). */
static bool log_rate_ratio(const ictus_outcome *o, double *out)
{
    if (!o->has_reference || !(o->ref.analysable_s > 0) || !(o->m.analysable_s > 0))
        return false;
    *out = log(((double)o->m.count + ICTUS_COMPARE_HALDANE) / o->m.analysable_s) -
           log(((double)o->ref.count + ICTUS_COMPARE_HALDANE) / o->ref.analysable_s);
    return true;
}

/* The ln rate ratios of the outcomes of `type` whose condition is `cond`
 * (NULL: every vehicle outcome) into a new array; *n their number. */
static double *log_rate_ratios(const pool *p, int type, const ictus_condition *cond, size_t *n)
{
    double *v = ictus_xmalloc((p->n ? p->n : 1) * sizeof *v);
    *n = 0;
    for (size_t i = 0; i < p->n; i++) {
        const ictus_outcome *o = &p->o[i];
        bool of = cond ? ictus_condition_same(o->condition, cond)
                       : o->condition->kind == ICTUS_PERIOD_VEHICLE;
        if (o->type == type && of && log_rate_ratio(o, &v[*n]))
            (*n)++;
    }
    return v;
}

/* The median's interval and the rate ratios (cross_cohort.h).  A statistic
 * that cannot be computed (too few animals) stays NaN. */
static void fill_intervals(ictus_cohort_row *row, const pool *p, int type, double level)
{
    ictus_error err;
    double *pct = ictus_xmalloc((p->n ? p->n : 1) * sizeof *pct);
    size_t n_pct = 0;
    for (size_t i = 0; i < p->n; i++)
        if (p->o[i].type == type && ictus_condition_same(p->o[i].condition, row->condition) &&
            isfinite(p->o[i].response.pct_change))
            pct[n_pct++] = p->o[i].response.pct_change;
    ictus_median_ci_result mc = {.ci = {NAN, NAN}};
    if (n_pct && ictus_stats_median_ci(pct, n_pct, level, &mc, &err) != ICTUS_OK)
        mc.ci = (ictus_interval){NAN, NAN};
    row->median_pct_ci_lo = mc.ci.lo;
    row->median_pct_ci_hi = mc.ci.hi;
    row->n_pct_change = (int64_t)n_pct;
    free(pct);

    size_t n = 0, n_veh = 0;
    double *lr = log_rate_ratios(p, type, row->condition, &n);
    row->n_rate_ratio = (int64_t)n;
    row->rate_ratio = row->rate_ratio_ci_lo = row->rate_ratio_ci_hi = NAN;
    row->rate_ratio_vs_vehicle = row->rate_ratio_vs_vehicle_ci_lo = NAN;
    row->rate_ratio_vs_vehicle_ci_hi = row->rate_ratio_vs_vehicle_p = NAN;
    ictus_t_result t;
    if (n == 1)
        row->rate_ratio = exp(lr[0]);
    else if (n >= 2 && ictus_stats_mean_t(lr, n, level, &t, &err) == ICTUS_OK) {
        row->rate_ratio = exp(t.estimate);
        row->rate_ratio_ci_lo = exp(t.ci.lo);
        row->rate_ratio_ci_hi = exp(t.ci.hi);
    }
    double *veh = row->condition->kind == ICTUS_PERIOD_TREATMENT
                      ? log_rate_ratios(p, type, NULL, &n_veh)
                      : NULL;
    if (n >= 1 && n_veh >= 1) {
        double mean = 0, mean_veh = 0;
        for (size_t i = 0; i < n; i++)
            mean += lr[i] / (double)n;
        for (size_t i = 0; i < n_veh; i++)
            mean_veh += veh[i] / (double)n_veh;
        row->rate_ratio_vs_vehicle = exp(mean - mean_veh);
        if (n >= 2 && n_veh >= 2 && ictus_stats_welch_t(lr, n, veh, n_veh, level, &t, &err) ==
                                        ICTUS_OK) {
            row->rate_ratio_vs_vehicle = exp(t.estimate);
            row->rate_ratio_vs_vehicle_ci_lo = exp(t.ci.lo);
            row->rate_ratio_vs_vehicle_ci_hi = exp(t.ci.hi);
            row->rate_ratio_vs_vehicle_p = t.p;
        }
    }
    free(veh);
    free(lr);
}

/* The figures taken from the comparisons of the pooled outcomes. */
static void fill_from_tests(ictus_cohort_row *row, const ictus_comparison *c, size_t n, int type)
{
    const ictus_comparison *resp = find_test(c, n, type, row->condition,
                                             ICTUS_TEST_RESPONDER_RATE, ICTUS_VERSUS_NONE);
    const ictus_comparison *free_ = find_test(c, n, type, row->condition,
                                              ICTUS_TEST_SEIZURE_FREE_RATE, ICTUS_VERSUS_NONE);
    const ictus_comparison *fisher = find_test(c, n, type, row->condition,
                                               ICTUS_TEST_FISHER_RESPONDERS, ICTUS_VERSUS_VEHICLE);
    const ictus_comparison *mwu = find_test(c, n, type, row->condition, ICTUS_TEST_MANN_WHITNEY,
                                            ICTUS_VERSUS_VEHICLE);
    /* Every treatment and vehicle gets both proportion rows (comparisons.h). */
    row->n_determined = resp->n;
    row->responders = resp->k;
    row->responder_rate = resp->estimate;
    row->responder_ci_lo = resp->ci_lo;
    row->responder_ci_hi = resp->ci_hi;
    row->seizure_free = free_->k;
    row->seizure_free_rate = free_->estimate;
    row->seizure_free_ci_lo = free_->ci_lo;
    row->seizure_free_ci_hi = free_->ci_hi;
    row->n_vehicle = fisher ? fisher->n_ref : -1;
    row->vehicle_responders = fisher ? fisher->k_ref : -1;
    row->fisher_odds_ratio = fisher ? fisher->estimate : NAN;
    row->fisher_p = fisher ? fisher->p : NAN;
    row->mwu_u = mwu ? mwu->statistic : NAN;
    row->mwu_p = mwu ? mwu->p : NAN;
}

/* The rows of the pooled outcomes p, appended to rows[*n_rows] (capacity
 * *cap) with `stratum`: the responder_rate rows list every (type, exposure)
 * but baselines, in order. */
static ictus_status add_rows(ictus_cohort_row **rows, int *n_rows, size_t *cap, const pool *p,
                             const char *stratum, const ictus_analysis *const *an, int n,
                             const ictus_test_options *opt, ictus_error *err)
{
    ictus_comparison *tests = NULL;
    size_t n_tests = 0;
    ictus_status st = ictus_comparisons_compute(p->o, p->n, p->n_types, opt, &tests, &n_tests,
                                                err);
    for (size_t i = 0; i < n_tests && st == ICTUS_OK; i++) {
        if (tests[i].test != ICTUS_TEST_RESPONDER_RATE)
            continue;
        ICTUS_GROW(*rows, (size_t)*n_rows + 1, *cap);
        ictus_cohort_row *row = &(*rows)[(*n_rows)++];
        *row = (ictus_cohort_row){.type = p->types[tests[i].type],
                                  .condition = tests[i].condition, .stratum = stratum};
        fill_from_outcomes(row, p, tests[i].type, an, n);
        fill_from_tests(row, tests, n_tests, tests[i].type);
        fill_intervals(row, p, tests[i].type, opt->ci_level);
    }
    free(tests);
    return st;
}

/* The finite % changes of the outcomes of p of `type` and `cond` whose
 * stratum is `label` (in_label) or another stratum (!in_label), into v. */
static size_t stratum_pct(const pool *p, int type, const ictus_condition *cond,
                          const char *label, bool in_label, double *v)
{
    size_t m = 0;
    for (size_t i = 0; i < p->n; i++) {
        const ictus_outcome *o = &p->o[i];
        if (o->type == type && o->stratum && ictus_condition_same(o->condition, cond) &&
            (strcmp(o->stratum, label) == 0) == in_label && isfinite(o->response.pct_change))
            v[m++] = o->response.pct_change;
    }
    return m;
}

/* A treatment's row within a stratum: its interaction with the stratum
 * (cross_cohort.h), from the outcomes of every stratum p.  Errors: those of
 * ictus_stats_mannwhitneyu() (a bug). */
static ictus_status fill_interaction(ictus_cohort_row *row, const pool *p, int type,
                                     const ictus_test_options *opt, ictus_error *err)
{
    row->interaction_n_rest = -1;
    row->interaction_u = row->interaction_p = row->interaction_estimate = NAN;
    if (row->condition->kind != ICTUS_PERIOD_TREATMENT)
        return ICTUS_OK;
    double *a = ictus_xmalloc((p->n ? p->n : 1) * sizeof *a);
    double *b = ictus_xmalloc((p->n ? p->n : 1) * sizeof *b);
    size_t na = stratum_pct(p, type, row->condition, row->stratum, true, a);
    size_t nb = stratum_pct(p, type, row->condition, row->stratum, false, b);
    row->interaction_n_rest = (int64_t)nb;
    ictus_status st = ICTUS_OK;
    double ma, mb;
    if (na && nb && ictus_stats_median(a, na, &ma, err) == ICTUS_OK &&
        ictus_stats_median(b, nb, &mb, err) == ICTUS_OK) {
        ictus_mwu_options o = {.method = na + nb <= (size_t)opt->exact_max_n
                                             ? ICTUS_PMETHOD_EXACT
                                             : ICTUS_PMETHOD_APPROX,
                               .continuity = true};
        ictus_mwu_result res;
        st = ictus_stats_mannwhitneyu(a, na, b, nb, &o, &res, err);
        row->interaction_estimate = ma - mb;
        row->interaction_u = res.u1;
        row->interaction_p = res.p;
    }
    free(a);
    free(b);
    return st;
}

/* The rows of the outcomes of stratum `label` alone (strata.h), appended to
 * res->stratum_rows; the treatments' with their interaction. */
static ictus_status stratum_rows(ictus_compare_result *res, size_t *cap, const pool *p,
                                 const char *label, const ictus_analysis *const *an, int n,
                                 const ictus_test_options *opt, ictus_error *err)
{
    pool sub = {.o = ictus_xmalloc((p->n ? p->n : 1) * sizeof *sub.o),
                .cohort = ictus_xmalloc((p->n ? p->n : 1) * sizeof *sub.cohort),
                .types = p->types, .n_types = p->n_types};
    for (size_t i = 0; i < p->n; i++)
        if (p->o[i].stratum && strcmp(p->o[i].stratum, label) == 0) {
            sub.o[sub.n] = p->o[i];
            sub.cohort[sub.n++] = p->cohort[i];
        }
    int first = res->n_stratum_rows;
    ictus_status st = add_rows(&res->stratum_rows, &res->n_stratum_rows, cap, &sub, label, an,
                               n, opt, err);
    for (int i = first; i < res->n_stratum_rows && st == ICTUS_OK; i++) {
        ictus_cohort_row *row = &res->stratum_rows[i];
        int type = 0;
        while (strcmp(p->types[type], row->type) != 0)
            type++;
        st = fill_interaction(row, p, type, opt, err);
    }
    free(sub.o);
    free(sub.cohort);
    return st;
}

/* Every stratum's rows, when the cohorts are stratified (all by the same keys). */
static ictus_status strata_rows(ictus_compare_result *res, const pool *p,
                                const ictus_analysis *const *an, int n,
                                const ictus_test_options *opt, ictus_error *err)
{
    for (int k = 1; k < n; k++)
        if (strcmp(an[k]->strata_by, an[0]->strata_by) != 0)
            return ictus_fail(err, ICTUS_ERR_CONFIG, "%s: [analysis] by = %s, but %s: by = %s: "
                              "the cohorts must be stratified alike (or use --by)",
                              an[k]->study->name, an[k]->strata_by, an[0]->study->name,
                              an[0]->strata_by);
    res->stratified = an[0]->settings.strata.n_keys > 0;
    if (!res->stratified)
        return ICTUS_OK;
    size_t n_labels, cap = 0;
    const char **labels = ictus_strata_of(p->o, p->n, &n_labels);
    /* Equal labels of different cohorts are different pointers: each once. */
    ictus_status st = ICTUS_OK;
    for (size_t i = 0; i < n_labels && st == ICTUS_OK; i++)
        if (i == 0 || strcmp(labels[i], labels[i - 1]) != 0)
            st = stratum_rows(res, &cap, p, labels[i], an, n, opt, err);
    free(labels);
    return st;
}

ictus_status ictus_compare_compute(const ictus_analysis *const *an, const char *const *dirs, int n,
                                   ictus_compare_result **out, ictus_error *err)
{
    *out = NULL;
    pool p = {0};
    pool_build(&p, an, n);
    ictus_test_options opt = {an[0]->settings.ci_level, an[0]->settings.exact_max_n};
    ictus_compare_result *res = ictus_xcalloc(1, sizeof *res);
    res->ci_level = opt.ci_level;
    res->n_cohorts = n;
    res->analyses = an;
    res->dirs = dirs;
    for (int k = 1; k < n; k++)
        res->mixed_settings = res->mixed_settings ||
                              strcmp(an[k]->settings_hash, an[0]->settings_hash) != 0;
    snprintf(res->settings_hash, sizeof res->settings_hash, "%s",
             res->mixed_settings ? "mixed" : an[0]->settings_hash);
    size_t cap = 0;
    ictus_status st = add_rows(&res->rows, &res->n_rows, &cap, &p, NULL, an, n, &opt, err);
    if (st == ICTUS_OK)
        st = strata_rows(res, &p, an, n, &opt, err);
    pool_clear(&p);
    if (st != ICTUS_OK) {
        ictus_compare_destroy(res);
        return st;
    }
    *out = res;
    return ICTUS_OK;
}

void ictus_compare_destroy(ictus_compare_result *res)
{
    if (!res)
        return;
    for (int i = 0; i < res->n_rows; i++)
        free(res->rows[i].cohorts);
    free(res->rows);
    for (int i = 0; i < res->n_stratum_rows; i++)
        free(res->stratum_rows[i].cohorts);
    free(res->stratum_rows);
    free(res);
}

/* ------------------------------------------------------------------------
 * Output
 * ---------------------------------------------------------------------- */

static void write_csv(ictus_out *o, const void *ctx)
{
    const ictus_compare_result *res = ctx;
    ictus_out_str(o, "type,kind,drug,dose_mg_kg,route,cohorts,n_animals,n_determined,responders,"
                     "responder_rate,responder_ci_lo,responder_ci_hi,seizure_free,"
                     "seizure_free_rate,seizure_free_ci_lo,seizure_free_ci_hi,median_pct_change,"
                     "n_vehicle,vehicle_responders,fisher_odds_ratio,fisher_p,mwu_u,mwu_p,"
                     "ci_level,settings_hash,median_pct_ci_lo,median_pct_ci_hi,n_pct_change,n_rate_ratio,"
                     "rate_ratio,rate_ratio_ci_lo,rate_ratio_ci_hi,rate_ratio_vs_vehicle,"
                     "rate_ratio_vs_vehicle_ci_lo,rate_ratio_vs_vehicle_ci_hi,"
                     "rate_ratio_vs_vehicle_p");
    ictus_out_str(o, res->stratified ? ",stratum,interaction_n_rest,interaction_u,interaction_p,"
                                       "interaction_estimate\n"
                                     : "\n");
    for (int i = 0; i < res->n_rows + res->n_stratum_rows; i++) {
        const ictus_cohort_row *r = i < res->n_rows ? &res->rows[i]
                                                    : &res->stratum_rows[i - res->n_rows];
        ictus_out_field(o, r->type);
        ictus_analysis_exposure_fields(o, r->condition);
        ictus_outfile_text(o, r->cohorts);
        ictus_outfile_count(o, r->n_animals);
        ictus_outfile_count(o, r->n_determined);
        ictus_outfile_count(o, r->responders);
        ictus_outfile_number(o, r->responder_rate);
        ictus_outfile_number(o, r->responder_ci_lo);
        ictus_outfile_number(o, r->responder_ci_hi);
        ictus_outfile_count(o, r->seizure_free);
        ictus_outfile_number(o, r->seizure_free_rate);
        ictus_outfile_number(o, r->seizure_free_ci_lo);
        ictus_outfile_number(o, r->seizure_free_ci_hi);
        ictus_outfile_number(o, r->median_pct_change);
        ictus_outfile_count(o, r->n_vehicle);
        ictus_outfile_count(o, r->vehicle_responders);
        ictus_outfile_number(o, r->fisher_odds_ratio);
        ictus_outfile_number(o, r->fisher_p);
        ictus_outfile_number(o, r->mwu_u);
        ictus_outfile_number(o, r->mwu_p);
        ictus_outfile_number(o, res->ci_level);
        ictus_outfile_text(o, res->settings_hash);
        ictus_outfile_number(o, r->median_pct_ci_lo);
        ictus_outfile_number(o, r->median_pct_ci_hi);
        ictus_outfile_count(o, r->n_pct_change);
        ictus_outfile_count(o, r->n_rate_ratio);
        ictus_outfile_number(o, r->rate_ratio);
        ictus_outfile_number(o, r->rate_ratio_ci_lo);
        ictus_outfile_number(o, r->rate_ratio_ci_hi);
        ictus_outfile_number(o, r->rate_ratio_vs_vehicle);
        ictus_outfile_number(o, r->rate_ratio_vs_vehicle_ci_lo);
        ictus_outfile_number(o, r->rate_ratio_vs_vehicle_ci_hi);
        ictus_outfile_number(o, r->rate_ratio_vs_vehicle_p);
        if (res->stratified) {
            bool inter = r->stratum && r->condition->kind == ICTUS_PERIOD_TREATMENT;
            ictus_outfile_text(o, r->stratum ? r->stratum : "all");
            ictus_outfile_count(o, inter ? r->interaction_n_rest : -1);
            ictus_outfile_number(o, inter ? r->interaction_u : NAN);
            ictus_outfile_number(o, inter ? r->interaction_p : NAN);
            ictus_outfile_number(o, inter ? r->interaction_estimate : NAN);
        }
        ictus_out_char(o, '\n');
    }
}

static void write_settings(ictus_out *o, const void *ctx)
{
    const ictus_compare_result *res = ctx;
    ictus_out_printf(o, "version=%s\nsettings_hash=%s\n", ICTUS_VERSION, res->settings_hash);
    for (int k = 0; k < res->n_cohorts; k++) {
        const ictus_analysis *an = res->analyses[k];
        ictus_out_printf(o, "cohort=%s dir=%s settings_hash=%s\n", an->study->name, res->dirs[k],
                         an->settings_hash);
    }
    for (int k = 0; k < res->n_cohorts; k++) {
        bool first = true;
        for (int j = 0; j < k && first; j++)
            first = strcmp(res->analyses[j]->settings_hash, res->analyses[k]->settings_hash) != 0;
        if (!first)
            continue;
        ictus_out_printf(o, "[%s]\n", res->analyses[k]->settings_hash);
        ictus_out_str(o, res->analyses[k]->settings_text);
    }
}

ictus_status ictus_compare_write(const ictus_compare_result *res, const char *dir,
                                 ictus_error *err)
{
    ictus_status st = ictus_outfile_mkdir(dir, err);
    if (st == ICTUS_OK)
        st = ictus_outfile_write(dir, "comparison.csv", write_csv, res, err);
    if (st == ICTUS_OK)
        st = ictus_outfile_write(dir, "comparison-settings.txt", write_settings, res, err);
    return st;
}

/* "12/20 60% [36, 81]" or "-" without determined animals. */
static void proportion_text(char *buf, size_t size, int64_t k, int64_t n, double lo, double hi)
{
    if (n <= 0)
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%lld/%lld %.0f%% [%.0f, %.0f]", (long long)k, (long long)n,
                 100.0 * (double)k / (double)n, 100 * lo, 100 * hi);
}

static void p_text(char *buf, size_t size, double p)
{
    if (isnan(p))
        snprintf(buf, size, "-");
    else if (p < 0.001)
        snprintf(buf, size, "<0.001");
    else
        snprintf(buf, size, "%.3f", p);
}

void ictus_compare_print(const ictus_compare_result *res, FILE *f)
{
    fprintf(f, "%-12s %-30s %3s %4s  %-24s %-24s %8s  %-9s %-9s\n", "type", "exposure", "coh",
            "n", "responders [CI %]", "seizure-free [CI %]", "med %chg", "Fisher p", "MWU p");
    for (int i = 0; i < res->n_rows; i++) {
        const ictus_cohort_row *r = &res->rows[i];
        const ictus_condition *c = r->condition;
        char resp[64], sf[64], fp[16], mp[16], med[16];
        ictus_strbuf exposure = {0};
        if (c->kind == ICTUS_PERIOD_TREATMENT)
            ictus_strbuf_addf(&exposure, "%s %g mg/kg%s%s", c->drug, c->dose_mg_kg,
                              *c->route ? " " : "", c->route);
        else
            ictus_strbuf_add(&exposure, "vehicle");
        proportion_text(resp, sizeof resp, r->responders, r->n_determined, r->responder_ci_lo,
                        r->responder_ci_hi);
        proportion_text(sf, sizeof sf, r->seizure_free, r->n_determined, r->seizure_free_ci_lo,
                        r->seizure_free_ci_hi);
        p_text(fp, sizeof fp, r->fisher_p);
        p_text(mp, sizeof mp, r->mwu_p);
        if (isnan(r->median_pct_change))
            snprintf(med, sizeof med, "-");
        else
            snprintf(med, sizeof med, "%+.1f", r->median_pct_change);
        fprintf(f, "%-12s %-30s %3d %4lld  %-24s %-24s %8s  %-9s %-9s\n", r->type,
                ictus_strbuf_text(&exposure), r->n_cohorts, (long long)r->n_animals, resp, sf, med,
                fp, mp);
        ictus_strbuf_free(&exposure);
    }
    fprintf(f, "(%.0f%% Clopper-Pearson intervals; Fisher and Mann-Whitney vs the vehicle "
               "animals; per-type rows and full figures in comparison.csv)\n",
            100 * res->ci_level);
    if (res->stratified)
        fprintf(f, "(and %d rows within strata of %s in comparison.csv, column stratum)\n",
                res->n_stratum_rows, res->analyses[0]->strata_by);
}
