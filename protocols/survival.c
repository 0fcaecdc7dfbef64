/* survival.c: Kaplan–Meier, Greenwood, Brookmeyer–Crowley and the log-rank
 * test (survival.h).
 *
 * GSL supplies the normal and chi-square distributions, the sort and the
 * Cholesky solve of the log-rank statistic; the rest is counting over the
 * rows sorted by time.
 */
#include "protocols/survival.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_sort.h>

#include "protocols/gsl_quiet.h"

/* An S within this relative distance of 1 − p counts as equal to it
 * (ictus_km_quantile): products of a few hundred ratios err by ~1e-14. */
#define QUANTILE_TIE_REL 1e-12
/* A pivot of the log-rank variance's Cholesky factor below this fraction of
 * its diagonal entry: V is singular (rounding keeps exact zeros from being 0). */
#define LOGRANK_PIVOT_REL 1e-10

/* ---- Input checks ---------------------------------------------------------- */

static ictus_status check_times(const char *fn, const double *time, size_t n, ictus_error *err)
{
    if (n == 0)
        return ictus_fail(err, ICTUS_ERR_DATA, "%s: no animals; expected at least one", fn);
    for (size_t i = 0; i < n; i++)
        if (!(isfinite(time[i]) && time[i] >= 0))
            return ictus_fail(err, ICTUS_ERR_DATA,
                              "%s: time[%zu] is %g; expected a finite time >= 0", fn, i, time[i]);
    return ICTUS_OK;
}

static double z_of_level(double level)
{
    return gsl_cdf_ugaussian_Pinv((1 + level) / 2);
}

/* Row indices sorted by time (ascending); the caller frees. */
static size_t *order_by_time(const double *time, size_t n)
{
    size_t *order = ictus_xmalloc(n * sizeof *order);
    gsl_sort_index(order, time, 1, n);
    return order;
}

/* ---- Kaplan–Meier ------------------------------------------------------------ */

/* The pointwise interval of s (in (0, 1)) with standard error se. */
static ictus_interval km_interval(double s, double se, double z, ictus_km_transform tr)
{
    if (!isfinite(se) || s <= 0)
        return (ictus_interval){NAN, NAN};
    switch (tr) {
    case ICTUS_KM_PLAIN:
        return (ictus_interval){fmax(0, s - z * se), fmin(1, s + z * se)};
    case ICTUS_KM_LOG:
        return (ictus_interval){s * exp(-z * se / s), fmin(1, s * exp(z * se / s))};
    case ICTUS_KM_LOGLOG:
        break;
    }
    double w = z * se / (s * fabs(log(s)));
    return (ictus_interval){pow(s, exp(w)), pow(s, exp(-w))};
}

ictus_status ictus_km_estimate(const double *time, const bool *event, size_t n,
                               ictus_km_transform transform, double level, ictus_km *km,
                               ictus_error *err)
{
    const char *fn = "kaplan_meier";
    ictus_gsl_quiet();
    memset(km, 0, sizeof *km);
    ictus_status st = check_times(fn, time, n, err);
    if (st != ICTUS_OK)
        return st;
    if (!(level > 0 && level < 1))
        return ictus_fail(err, ICTUS_ERR_DATA,
                          "%s: confidence level %g; expected a fraction in (0, 1)", fn, level);
    if (transform != ICTUS_KM_LOGLOG && transform != ICTUS_KM_LOG && transform != ICTUS_KM_PLAIN)
        return ictus_fail(err, ICTUS_ERR_DATA, "%s: unknown interval transform %d", fn,
                          (int)transform);

    size_t *order = order_by_time(time, n);
    km->n_animals = n;
    km->transform = transform;
    km->level = level;
    for (size_t i = 0; i < n; i++)
        km->n_events += event[i];
    size_t m = 0; /* distinct times with at least one event */
    for (size_t i = 0; i < n;) {
        size_t j = i;
        bool any = false;
        for (; j < n && time[order[j]] == time[order[i]]; j++)
            any |= event[order[j]];
        m += any;
        i = j;
    }
    km->n_times = m;
    size_t cap = m ? m : 1; /* no event: valid, with empty (but freeable) arrays */
    km->time = ictus_xmalloc(cap * sizeof *km->time);
    km->n_risk = ictus_xmalloc(cap * sizeof *km->n_risk);
    km->n_dead = ictus_xmalloc(cap * sizeof *km->n_dead);
    km->surv = ictus_xmalloc(cap * sizeof *km->surv);
    km->se = ictus_xmalloc(cap * sizeof *km->se);
    km->ci = ictus_xmalloc(cap * sizeof *km->ci);

    double z = z_of_level(level), s = 1, greenwood = 0;
    int64_t at_risk = (int64_t)n;
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        int64_t dead = 0;
        for (; j < n && time[order[j]] == time[order[i]]; j++)
            dead += event[order[j]];
        if (dead > 0) {
            s *= 1 - (double)dead / (double)at_risk;
            /* n = d: S reaches 0 and the variance is undefined from here on. */
            greenwood += dead < at_risk ? (double)dead / ((double)at_risk * (double)(at_risk - dead))
                                        : NAN;
            km->time[k] = time[order[i]];
            km->n_risk[k] = at_risk;
            km->n_dead[k] = dead;
            km->surv[k] = s;
            km->se[k] = s > 0 ? s * sqrt(greenwood) : NAN;
            km->ci[k] = km_interval(s, km->se[k], z, transform);
            k++;
        }
        at_risk -= (int64_t)(j - i);
        i = j;
    }
    free(order);
    return ICTUS_OK;
}

void ictus_km_free(ictus_km *km)
{
    if (!km)
        return;
    free(km->time);
    free(km->n_risk);
    free(km->n_dead);
    free(km->surv);
    free(km->se);
    free(km->ci);
    memset(km, 0, sizeof *km);
}

/* g and g' of the quantile interval's transform. */
static double transform_g(ictus_km_transform tr, double x)
{
    return tr == ICTUS_KM_LOGLOG ? log(-log(x)) : tr == ICTUS_KM_LOG ? log(x) : x;
}

static double transform_dg(ictus_km_transform tr, double x)
{
    return tr == ICTUS_KM_LOGLOG ? -1 / (x * log(x)) : tr == ICTUS_KM_LOG ? 1 / x : 1;
}

ictus_status ictus_km_quantile(const ictus_km *km, double p, ictus_km_quantile_result *res,
                               ictus_error *err)
{
    const char *fn = "kaplan_meier quantile";
    ictus_gsl_quiet();
    if (!(p > 0 && p < 1))
        return ictus_fail(err, ICTUS_ERR_DATA, "%s: p = %g; expected a probability in (0, 1)",
                          fn, p);
    double target = 1 - p;
    *res = (ictus_km_quantile_result){p, NAN, {NAN, NAN}};
    for (size_t j = 0; j < km->n_times; j++)
        if (km->surv[j] < target && target - km->surv[j] > QUANTILE_TIE_REL * target) {
            res->time = km->time[j];
            break;
        }

    double z = z_of_level(km->level), g_target = transform_g(km->transform, target);
    size_t first = SIZE_MAX, last = 0;
    for (size_t j = 0; j < km->n_times; j++) {
        double s = km->surv[j];
        double r = (transform_g(km->transform, s) - g_target) /
                   (transform_dg(km->transform, s) * km->se[j]);
        if (fabs(r) <= z) { /* NaN (S = 0, no standard error) never qualifies */
            first = first == SIZE_MAX ? j : first;
            last = j;
        }
    }
    if (first != SIZE_MAX) {
        res->ci.lo = km->time[first];
        res->ci.hi = last + 1 < km->n_times ? km->time[last + 1] : INFINITY;
    }
    return ICTUS_OK;
}

/* ---- Log-rank ------------------------------------------------------------------ */

/* Per-group sums of the log-rank test over the event times. */
typedef struct {
    size_t g;
    double *oe;       /* O − E per group */
    double *expected; /* E per group */
    double *v;        /* V, g × g, row-major */
} logrank_sums;

/* Adds the event time whose rows are order[i..j) to the sums; risk[] holds
 * the animals of each group at risk. */
static void logrank_add_time(logrank_sums *ls, const bool *event, const size_t *group,
                             const size_t *order, size_t i, size_t j, const int64_t *risk,
                             int64_t n_risk)
{
    double d = 0;
    for (size_t k = i; k < j; k++)
        d += event[order[k]];
    if (d == 0)
        return;
    double n = (double)n_risk;
    for (size_t a = 0; a < ls->g; a++)
        ls->expected[a] += d * (double)risk[a] / n;
    if (n_risk < 2) /* statsmodels skips N = 1: O − E and V are 0 there */
        return;
    for (size_t k = i; k < j; k++)
        ls->oe[group[order[k]]] += event[order[k]];
    double c = d * (n - d) / (n - 1);
    for (size_t a = 0; a < ls->g; a++) {
        double ra = (double)risk[a] / n;
        ls->oe[a] -= d * ra;
        for (size_t b = 0; b < ls->g; b++)
            ls->v[a * ls->g + b] += c * ra * ((a == b) - (double)risk[b] / n);
    }
}

/* (O − E)ᵀ V⁻¹ (O − E) over groups 1..g−1, by Cholesky (V is positive
 * semi-definite); fails when V is singular. */
static bool logrank_chi2(const logrank_sums *ls, double *chi2)
{
    size_t m = ls->g - 1;
    gsl_matrix *v = gsl_matrix_alloc(m, m);
    gsl_vector *x = gsl_vector_alloc(m);
    gsl_vector *b = gsl_vector_alloc(m);
    for (size_t a = 0; a < m; a++) {
        gsl_vector_set(b, a, ls->oe[a + 1]);
        for (size_t c = 0; c < m; c++)
            gsl_matrix_set(v, a, c, ls->v[(a + 1) * ls->g + c + 1]);
    }
    double diag_max = 0;
    for (size_t a = 0; a < m; a++)
        diag_max = fmax(diag_max, gsl_matrix_get(v, a, a));
    bool ok = diag_max > 0 && gsl_linalg_cholesky_decomp1(v) == GSL_SUCCESS;
    for (size_t a = 0; ok && a < m; a++) {
        double l = gsl_matrix_get(v, a, a);
        ok = l * l > LOGRANK_PIVOT_REL * diag_max;
    }
    if (ok && gsl_linalg_cholesky_solve(v, b, x) == GSL_SUCCESS)
        gsl_blas_ddot(b, x, chi2);
    else
        ok = false;
    gsl_vector_free(b);
    gsl_vector_free(x);
    gsl_matrix_free(v);
    return ok;
}

ictus_status ictus_logrank(const double *time, const bool *event, const size_t *group, size_t n,
                           size_t n_groups, double *observed, double *expected,
                           ictus_logrank_result *res, ictus_error *err)
{
    const char *fn = "logrank";
    ictus_gsl_quiet();
    ictus_status st = check_times(fn, time, n, err);
    if (st != ICTUS_OK)
        return st;
    if (n_groups < 2)
        return ictus_fail(err, ICTUS_ERR_DATA, "%s: %zu group(s); expected at least two to compare",
                          fn, n_groups);
    int64_t *risk = ictus_xcalloc(n_groups, sizeof *risk);
    size_t n_events = 0;
    for (size_t i = 0; i < n; i++) {
        if (group[i] >= n_groups) {
            free(risk);
            return ictus_fail(err, ICTUS_ERR_DATA, "%s: group[%zu] is %zu; expected 0..%zu", fn, i,
                              group[i], n_groups - 1);
        }
        risk[group[i]]++;
        n_events += event[i];
    }
    for (size_t a = 0; a < n_groups; a++)
        if (risk[a] == 0) {
            free(risk);
            return ictus_fail(err, ICTUS_ERR_DATA, "%s: group %zu has no animal", fn, a);
        }
    if (n_events == 0) {
        free(risk);
        return ictus_fail(err, ICTUS_ERR_DATA,
                          "%s: no event in any group (every animal censored): nothing to compare",
                          fn);
    }

    double *buf = ictus_xcalloc(n_groups * (n_groups + 2), sizeof *buf);
    logrank_sums ls = {n_groups, buf, buf + n_groups, buf + 2 * n_groups};
    size_t *order = order_by_time(time, n);
    int64_t n_risk = (int64_t)n;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && time[order[j]] == time[order[i]])
            j++;
        logrank_add_time(&ls, event, group, order, i, j, risk, n_risk);
        for (size_t k = i; k < j; k++)
            risk[group[order[k]]]--;
        n_risk -= (int64_t)(j - i);
        i = j;
    }
    free(order);
    free(risk);

    res->n_groups = n_groups;
    res->df = (double)(n_groups - 1);
    if (!logrank_chi2(&ls, &res->chi2)) {
        free(buf);
        return ictus_fail(err, ICTUS_ERR_DATA,
                          "%s: the variance of O - E is singular: a group is at risk at no event "
                          "time that another group shares, so it cannot be compared",
                          fn);
    }
    res->p = gsl_cdf_chisq_Q(res->chi2, res->df);
    if (expected)
        memcpy(expected, ls.expected, n_groups * sizeof *expected);
    if (observed) {
        memset(observed, 0, n_groups * sizeof *observed);
        for (size_t i = 0; i < n; i++)
            observed[group[i]] += event[i];
    }
    free(buf);
    return ICTUS_OK;
}
