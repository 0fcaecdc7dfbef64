/* stats.c: rank tests, exact tests and intervals on GSL's distributions.
 *
 * GSL supplies every distribution function (normal, t, beta, binomial,
 * hypergeometric), sorting and the order statistics.  Written here is only
 * what GSL does not have: average ranks with tie counts, the exact null
 * distributions of the Wilcoxon and Mann–Whitney statistics (recurrences),
 * and SciPy's rule for two-sided p-values of unimodal discrete tests.
 */
#include "protocols/stats.h"
#include "protocols/gsl_quiet.h"

#include <assert.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_roots.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

/* SciPy 1.10's AUTO rules. */
#define WILCOXON_EXACT_MAX_N 50 /* wilcoxon: exact when len(d) <= 50 */
#define MWU_EXACT_MAX_MIN_N 8   /* mannwhitneyu: exact unless both sizes > 8 */
/* Relative tolerances of "at most as probable as the observed outcome". */
#define FISHER_REL_TOL 1e-14
#define BINOM_REL_TOL 1e-7
/* Beta quantiles: relative width of the final bracket, and an iteration cap
 * far above what Brent's method needs (about 10-40 steps). */
#define BETA_QUANTILE_REL_TOL 1e-15
#define BETA_QUANTILE_MAX_ITER 500

/* ---- GSL error handler (gsl_quiet.h) -------------------------------------- */

static void stats_init(void)
{
    ictus_gsl_quiet();
}

/* ---- Input checks ---------------------------------------------------------- */

static ictus_status check_finite(const char *fn, const char *name, const double *x, size_t n,
                                 ictus_error *err)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]))
            return ictus_fail(err, ICTUS_ERR_DATA, "%s: %s[%zu] is %g; expected a finite number",
                              fn, name, i, x[i]);
    return ICTUS_OK;
}

static ictus_status check_level(const char *fn, double level, ictus_error *err)
{
    if (!(level > 0 && level < 1))
        return ictus_fail(err, ICTUS_ERR_DATA,
                          "%s: confidence level %g; expected a fraction in (0, 1)", fn, level);
    return ICTUS_OK;
}

/* k successes of n trials, with n small enough for GSL's unsigned int. */
static ictus_status check_count(const char *fn, int64_t k, int64_t n, ictus_error *err)
{
    if (n < 1 || n > UINT_MAX)
        return ictus_fail(err, ICTUS_ERR_DATA, "%s: n = %lld trials; expected 1..%u", fn,
                          (long long)n, UINT_MAX);
    if (k < 0 || k > n)
        return ictus_fail(err, ICTUS_ERR_DATA, "%s: k = %lld successes; expected 0..%lld", fn,
                          (long long)k, (long long)n);
    return ICTUS_OK;
}

/* ---- Ranks ------------------------------------------------------------------ */

/* Average ranks (1-based) of v[0..n), as scipy.stats.rankdata.  Returns the
 * tie term Σ(t³ − t) over groups of t equal values (0 when all differ). */
static double rank_average(const double *v, size_t n, double *rank)
{
    size_t *order = ictus_xmalloc(n * sizeof *order);
    gsl_sort_index(order, v, 1, n);
    double tie_term = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && v[order[j]] == v[order[i]])
            j++;
        double t = (double)(j - i);
        double mean_rank = (double)(i + 1 + j) / 2; /* ranks i+1 .. j */
        for (size_t r = i; r < j; r++)
            rank[order[r]] = mean_rank;
        tie_term += t * t * t - t;
        i = j;
    }
    free(order);
    return tie_term;
}

/* ---- Normal and t tails ------------------------------------------------------ */

/* p-value of a standard normal statistic z (±inf allowed, NaN passes through). */
static double normal_p(double z, ictus_alternative alt)
{
    if (isnan(z))
        return NAN;
    switch (alt) {
    case ICTUS_ALT_LESS:
        return isinf(z) ? (z > 0) : gsl_cdf_ugaussian_P(z);
    case ICTUS_ALT_GREATER:
        return isinf(z) ? (z < 0) : gsl_cdf_ugaussian_Q(z);
    case ICTUS_ALT_TWO_SIDED:
        return isinf(z) ? 0 : 2 * gsl_cdf_ugaussian_Q(fabs(z));
    }
    assert(!"bad alternative");
    return NAN;
}

/* p-value of a t statistic with df degrees of freedom (±inf allowed). */
static double t_p(double t, double df, ictus_alternative alt)
{
    if (isnan(t))
        return NAN;
    switch (alt) {
    case ICTUS_ALT_LESS:
        return isinf(t) ? (t > 0) : gsl_cdf_tdist_P(t, df);
    case ICTUS_ALT_GREATER:
        return isinf(t) ? (t < 0) : gsl_cdf_tdist_Q(t, df);
    case ICTUS_ALT_TWO_SIDED:
        return isinf(t) ? 0 : 2 * gsl_cdf_tdist_Q(fabs(t), df);
    }
    assert(!"bad alternative");
    return NAN;
}

static double clip01(double p)
{
    return p < 0 ? 0 : p > 1 ? 1 : p;
}

/* ---- Exact tests on unimodal discrete distributions ------------------------- */

/* A binomial or hypergeometric distribution; x ranges over integers, with
 * P(X ≤ x) = 0 below the support and P(X > x) = 0 above it. */
typedef struct {
    bool hypergeometric;
    unsigned n;  /* binomial trials, or hypergeometric draws t */
    double p;    /* binomial success probability */
    unsigned n1; /* hypergeometric: successes in the population */
    unsigned n2; /* hypergeometric: failures in the population */
} discrete;

static double discrete_pdf(const discrete *d, int64_t x)
{
    if (x < 0 || x > d->n)
        return 0;
    return d->hypergeometric ? gsl_ran_hypergeometric_pdf((unsigned)x, d->n1, d->n2, d->n)
                             : gsl_ran_binomial_pdf((unsigned)x, d->p, d->n);
}

/* P(X ≤ x) */
static double discrete_le(const discrete *d, int64_t x)
{
    if (x < 0)
        return 0;
    if (x >= d->n)
        return 1;
    return d->hypergeometric ? gsl_cdf_hypergeometric_P((unsigned)x, d->n1, d->n2, d->n)
                             : gsl_cdf_binomial_P((unsigned)x, d->p, d->n);
}

/* P(X > x) */
static double discrete_gt(const discrete *d, int64_t x)
{
    if (x < 0)
        return 1;
    if (x >= d->n)
        return 0;
    return d->hypergeometric ? gsl_cdf_hypergeometric_Q((unsigned)x, d->n1, d->n2, d->n)
                             : gsl_cdf_binomial_Q((unsigned)x, d->p, d->n);
}

/* SciPy's two-sided p of observing x: the tail beyond x on its own side of
 * the mode, plus the mass of the terms on the other side, [lo, hi], whose
 * probability is at most `limit`.  When x is below the mode the other side
 * decreases and the qualifying terms are its upper end; otherwise it
 * increases and they are its lower end.  Binary search for the boundary. */
static double discrete_two_sided(const discrete *d, int64_t x, bool x_below, int64_t lo,
                                 int64_t hi, double limit)
{
    if (x_below) {
        int64_t first = hi + 1; /* first term of [lo, hi] with pdf <= limit */
        while (lo <= hi) {
            int64_t mid = lo + (hi - lo) / 2;
            if (discrete_pdf(d, mid) <= limit) {
                first = mid;
                hi = mid - 1;
            } else {
                lo = mid + 1;
            }
        }
        return discrete_le(d, x) + discrete_gt(d, first - 1);
    }
    int64_t last = lo - 1; /* last term of [lo, hi] with pdf <= limit */
    while (lo <= hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (discrete_pdf(d, mid) <= limit) {
            last = mid;
            lo = mid + 1;
        } else {
            hi = mid - 1;
        }
    }
    return discrete_gt(d, x - 1) + discrete_le(d, last);
}

/* ---- Wilcoxon signed-rank ---------------------------------------------------- */

/* Tails of an integer-valued statistic with distribution pmf[0..max_s] at
 * the observed value w: p of the alternative; two-sided = 2·min(tails), as
 * SciPy's exact tests and permutation_test. */
static double exact_tail_p(const double *pmf, size_t max_s, size_t w, ictus_alternative alt)
{
    double le = 0, ge = 0;
    for (size_t s = 0; s <= w && s <= max_s; s++)
        le += pmf[s];
    for (size_t s = w; s <= max_s; s++)
        ge += pmf[s];
    switch (alt) {
    case ICTUS_ALT_LESS:
        return clip01(le);
    case ICTUS_ALT_GREATER:
        return clip01(ge);
    case ICTUS_ALT_TWO_SIDED:
        return clip01(2 * fmin(le, ge));
    }
    assert(!"bad alternative");
    return NAN;
}

/* Exact p of W+ under random signs of the m non-zero differences, given
 * their ranks, in half-rank units so that tied (half-integer) ranks are
 * integers: each doubled rank two_r[i] is in 2·W+ with probability 1/2,
 * pmf_i(s) = (pmf_{i−1}(s) + pmf_{i−1}(s − two_r[i])) / 2, in place.  With
 * untied ranks 1..m this is the classical distribution (SciPy's "exact").
 * `two_w` is the observed 2·W+ of the non-zero differences. */
static double signed_rank_exact_p(const size_t *two_r, size_t m, size_t two_w,
                                  ictus_alternative alt)
{
    size_t max_s = 0;
    for (size_t i = 0; i < m; i++)
        max_s += two_r[i];
    double *pmf = ictus_xcalloc(max_s + 1, sizeof *pmf);
    pmf[0] = 1;
    size_t reach = 0;
    for (size_t i = 0; i < m; i++) {
        reach += two_r[i];
        for (size_t s = reach; s > 0; s--)
            pmf[s] = 0.5 * (pmf[s] + (s >= two_r[i] ? pmf[s - two_r[i]] : 0));
        pmf[0] *= 0.5;
    }
    double p = exact_tail_p(pmf, max_s, two_w, alt);
    free(pmf);
    return p;
}

ictus_status ictus_stats_wilcoxon(const double *x, const double *y, size_t n,
                                  const ictus_wilcoxon_options *opt,
                                  ictus_wilcoxon_result *res, ictus_error *err)
{
    static const ictus_wilcoxon_options defaults = {ICTUS_ALT_TWO_SIDED, ICTUS_ZERO_WILCOX,
                                                    ICTUS_PMETHOD_AUTO, false};
    const char *fn = "wilcoxon";
    stats_init();
    if (!opt)
        opt = &defaults;
    if (n == 0)
        return ictus_fail(err, ICTUS_ERR_DATA, "%s: no pairs; expected at least one", fn);
    ictus_status st = check_finite(fn, "x", x, n, err);
    if (st == ICTUS_OK && y)
        st = check_finite(fn, "y", y, n, err);
    if (st != ICTUS_OK)
        return st;

    /* The differences to rank (zeros dropped for wilcox) and their |d|. */
    double *d = ictus_xmalloc(3 * n * sizeof *d), *abs_d = d + n, *rank = d + 2 * n;
    size_t n_zero = 0, m = 0;
    for (size_t i = 0; i < n; i++) {
        double di = y ? x[i] - y[i] : x[i];
        n_zero += di == 0;
        if (di != 0 || opt->zero_method != ICTUS_ZERO_WILCOX) {
            d[m] = di;
            abs_d[m++] = fabs(di);
        }
    }
    if (n_zero == n && opt->zero_method != ICTUS_ZERO_ZSPLIT) {
        free(d);
        return ictus_fail(err, ICTUS_ERR_DATA,
                          "%s: all %zu differences are zero; expected at least one non-zero "
                          "difference (or zero_method zsplit)", fn, n);
    }
    double tie_term = rank_average(abs_d, m, rank);
    double w_plus = 0, w_minus = 0, w_zero = 0;
    size_t *two_r = ictus_xmalloc(m * sizeof *two_r), n_nonzero = 0;
    for (size_t i = 0; i < m; i++) {
        if (d[i] > 0)
            w_plus += rank[i];
        else if (d[i] < 0)
            w_minus += rank[i];
        else
            w_zero += rank[i];
        if (d[i] != 0)
            two_r[n_nonzero++] = (size_t)llround(2 * rank[i]);
    }
    free(d);
    if (opt->zero_method == ICTUS_ZERO_ZSPLIT) {
        w_plus += w_zero / 2;
        w_minus += w_zero / 2;
    }

    *res = (ictus_wilcoxon_result){
        .statistic = opt->alternative == ICTUS_ALT_TWO_SIDED ? fmin(w_plus, w_minus) : w_plus,
        .w_plus = w_plus,
        .w_minus = w_minus,
        .z = NAN,
        .n_used = m,
        .n_zero = n_zero,
    };
    bool exact = opt->method == ICTUS_PMETHOD_EXACT ||
                 (opt->method == ICTUS_PMETHOD_AUTO && n_zero == 0 && tie_term == 0 &&
                  n <= WILCOXON_EXACT_MAX_N);
    if (exact) {
        /* Zero differences keep their sign (none): only the others flip. */
        double w_flip = opt->zero_method == ICTUS_ZERO_ZSPLIT ? w_plus - w_zero / 2 : w_plus;
        res->method = ICTUS_PMETHOD_EXACT;
        res->p = signed_rank_exact_p(two_r, n_nonzero, (size_t)llround(2 * w_flip),
                                     opt->alternative);
        free(two_r);
        return ICTUS_OK;
    }
    free(two_r);

    double mm = (double)m, nz = (double)n_zero;
    double mean = mm * (mm + 1) / 4, var24 = mm * (mm + 1) * (2 * mm + 1);
    if (opt->zero_method == ICTUS_ZERO_PRATT) {
        /* Cureton (1967): the zeros' ranks 1..nz are not in W+ or W−, and
         * their tie group is not a tie among the ranks that count. */
        mean -= nz * (nz + 1) / 4;
        var24 -= nz * (nz + 1) * (2 * nz + 1);
        tie_term -= nz * nz * nz - nz;
    }
    var24 -= tie_term / 2;
    double se = sqrt(var24 / 24), cc = 0, t_stat = res->statistic;
    if (opt->correction) {
        if (opt->alternative == ICTUS_ALT_TWO_SIDED)
            cc = t_stat > mean ? 0.5 : t_stat < mean ? -0.5 : 0;
        else
            cc = opt->alternative == ICTUS_ALT_LESS ? -0.5 : 0.5;
    }
    res->method = ICTUS_PMETHOD_APPROX;
    res->z = (t_stat - mean - cc) / se;
    res->p = normal_p(res->z, opt->alternative);
    return ICTUS_OK;
}

/* ---- Mann–Whitney U ----------------------------------------------------------- */

/* Exact p of the rank sum of a group of k of the n values, given all n
 * ranks, when every k-subset is equally likely; in half-rank units so that
 * tied ranks are integers.  The group is drawn one value at a time: value i
 * joins it with probability (k − j)/(n − i) when j are already in, so
 * pmf[j][s] (j in the group so far, doubled rank sum s) is updated in place,
 * j descending.  Without ties this is the classical Mann–Whitney
 * distribution (SciPy's "exact").  `two_r` holds the n doubled ranks,
 * `two_w` the observed doubled rank sum of the group. */
static double rank_sum_exact_p(const size_t *two_r, size_t n, size_t k, size_t two_w,
                               ictus_alternative alt)
{
    /* Averaging tied ranks never raises the sum of the k largest, so the
     * top k untied ranks bound it. */
    size_t max_s = k * (2 * n - k + 1);
    size_t width = max_s + 1;
    double *pmf = ictus_xcalloc((k + 1) * width, sizeof *pmf);
    pmf[0] = 1;
    for (size_t i = 0; i < n; i++) {
        /* Of the n − i values left, k − j must still join; impossible states
         * hold exactly 0, so a negative `stay` there is harmless. */
        double left = (double)(n - i);
        for (size_t j = k < i + 1 ? k : i + 1; j > 0; j--) {
            double *row = pmf + j * width, *prev = row - width;
            double stay = (left - (double)(k - j)) / left, join = (double)(k - j + 1) / left;
            for (size_t s = max_s + 1; s-- > 0;)
                row[s] = stay * row[s] + (s >= two_r[i] ? join * prev[s - two_r[i]] : 0);
        }
        pmf[0] *= (left - (double)k) / left;
    }
    double p = exact_tail_p(pmf + k * width, max_s, two_w, alt);
    free(pmf);
    return p;
}

ictus_status ictus_stats_mannwhitneyu(const double *x, size_t n1, const double *y, size_t n2,
                                      const ictus_mwu_options *opt, ictus_mwu_result *res,
                                      ictus_error *err)
{
    static const ictus_mwu_options defaults = {ICTUS_ALT_TWO_SIDED, ICTUS_PMETHOD_AUTO, true};
    const char *fn = "mannwhitneyu";
    stats_init();
    if (!opt)
        opt = &defaults;
    if (n1 == 0 || n2 == 0)
        return ictus_fail(err, ICTUS_ERR_DATA,
                          "%s: group sizes %zu and %zu; expected at least one value in each", fn,
                          n1, n2);
    ictus_status st = check_finite(fn, "x", x, n1, err);
    if (st == ICTUS_OK)
        st = check_finite(fn, "y", y, n2, err);
    if (st != ICTUS_OK)
        return st;

    size_t n = n1 + n2;
    double *xy = ictus_xmalloc(2 * n * sizeof *xy), *rank = xy + n;
    for (size_t i = 0; i < n1; i++)
        xy[i] = x[i];
    for (size_t i = 0; i < n2; i++)
        xy[n1 + i] = y[i];
    double tie_term = rank_average(xy, n, rank);
    double r1 = 0;
    for (size_t i = 0; i < n1; i++)
        r1 += rank[i];

    double a = (double)n1, b = (double)n2, nn = (double)n;
    double u1 = r1 - a * (a + 1) / 2, u2 = a * b - u1;
    *res = (ictus_mwu_result){.u1 = u1, .u2 = u2, .z = NAN};
    bool exact = opt->method == ICTUS_PMETHOD_EXACT ||
                 (opt->method == ICTUS_PMETHOD_AUTO && tie_term == 0 &&
                  (n1 <= MWU_EXACT_MAX_MIN_N || n2 <= MWU_EXACT_MAX_MIN_N));
    if (exact) {
        /* The distribution of the smaller group's rank sum is the smaller
         * table; R1 = total − R2 turns x's alternative round for y. */
        size_t *two_r = ictus_xmalloc(n * sizeof *two_r);
        for (size_t i = 0; i < n; i++)
            two_r[i] = (size_t)llround(2 * rank[i]);
        size_t two_r1 = (size_t)llround(2 * r1);
        ictus_alternative alt = opt->alternative;
        res->method = ICTUS_PMETHOD_EXACT;
        if (n1 <= n2) {
            res->p = rank_sum_exact_p(two_r, n, n1, two_r1, alt);
        } else {
            alt = alt == ICTUS_ALT_LESS ? ICTUS_ALT_GREATER
                  : alt == ICTUS_ALT_GREATER ? ICTUS_ALT_LESS : alt;
            res->p = rank_sum_exact_p(two_r, n, n2, n * (n + 1) - two_r1, alt);
        }
        free(two_r);
        free(xy);
        return ICTUS_OK;
    }
    free(xy);

    /* SciPy takes the upper tail of U1 (greater), of U2 (less) or of the
     * larger one, doubled (two-sided). */
    double u = opt->alternative == ICTUS_ALT_GREATER ? u1
               : opt->alternative == ICTUS_ALT_LESS  ? u2
                                                     : fmax(u1, u2);
    double sides = opt->alternative == ICTUS_ALT_TWO_SIDED ? 2 : 1;
    double s = sqrt(a * b / 12 * ((nn + 1) - tie_term / (nn * (nn - 1))));
    double num = u - a * b / 2 - (opt->continuity ? 0.5 : 0);
    res->method = ICTUS_PMETHOD_APPROX;
    /* s = 0 only when every value is tied: z = ±inf or NaN as in SciPy. */
    res->z = s > 0 ? num / s : num == 0 ? NAN : copysign(INFINITY, num);
    res->p = clip01(sides * normal_p(res->z, ICTUS_ALT_GREATER));
    return ICTUS_OK;
}

/* ---- Fisher's exact test --------------------------------------------------------- */

ictus_status ictus_stats_fisher_exact(const ictus_table2x2 *t, ictus_alternative alt,
                                      ictus_fisher_result *res, ictus_error *err)
{
    const char *fn = "fisher_exact";
    stats_init();
    const int64_t cell[4] = {t->a, t->b, t->c, t->d};
    for (int i = 0; i < 4; i++)
        if (cell[i] < 0 || cell[i] > UINT_MAX)
            return ictus_fail(err, ICTUS_ERR_DATA, "%s: cell %c = %lld; expected a count 0..%u",
                              fn, "abcd"[i], (long long)cell[i], UINT_MAX);
    if (t->a + t->b + t->c + t->d > UINT_MAX)
        return ictus_fail(err, ICTUS_ERR_DATA, "%s: total %lld; expected at most %u", fn,
                          (long long)(t->a + t->b + t->c + t->d), UINT_MAX);

    int64_t row1 = t->a + t->b, row2 = t->c + t->d, col1 = t->a + t->c;
    if (row1 == 0 || row2 == 0 || col1 == 0 || t->b + t->d == 0) {
        *res = (ictus_fisher_result){.odds_ratio = NAN, .p = 1};
        return ICTUS_OK;
    }
    res->odds_ratio = t->b > 0 && t->c > 0
                          ? (double)t->a * (double)t->d / ((double)t->b * (double)t->c)
                          : INFINITY;
    /* a ~ Hypergeometric: col1 draws from row1 "successes" and row2 others. */
    const discrete h = {.hypergeometric = true, .n = (unsigned)col1, .n1 = (unsigned)row1,
                        .n2 = (unsigned)row2};
    switch (alt) {
    case ICTUS_ALT_LESS:
        res->p = clip01(discrete_le(&h, t->a));
        return ICTUS_OK;
    case ICTUS_ALT_GREATER:
        res->p = clip01(discrete_gt(&h, t->a - 1));
        return ICTUS_OK;
    case ICTUS_ALT_TWO_SIDED:
        break;
    }
    int64_t mode = (col1 + 1) * (row1 + 1) / (row1 + row2 + 2);
    double p_obs = discrete_pdf(&h, t->a), p_mode = discrete_pdf(&h, mode);
    if (fabs(p_obs - p_mode) <= FISHER_REL_TOL * fmax(p_obs, p_mode)) {
        res->p = 1;
        return ICTUS_OK;
    }
    double limit = p_obs * (1 + FISHER_REL_TOL);
    res->p = clip01(t->a < mode ? discrete_two_sided(&h, t->a, true, mode, col1, limit)
                                : discrete_two_sided(&h, t->a, false, 0, mode, limit));
    return ICTUS_OK;
}

/* ---- Binomial test and Clopper–Pearson -------------------------------------------- */

ictus_status ictus_stats_binom_test(int64_t k, int64_t n, double p0, ictus_alternative alt,
                                    double *p, ictus_error *err)
{
    const char *fn = "binom_test";
    stats_init();
    ictus_status st = check_count(fn, k, n, err);
    if (st != ICTUS_OK)
        return st;
    if (!(p0 > 0 && p0 < 1))
        return ictus_fail(err, ICTUS_ERR_DATA, "%s: p0 = %g; expected a probability in (0, 1)",
                          fn, p0);
    const discrete bin = {.n = (unsigned)n, .p = p0};
    switch (alt) {
    case ICTUS_ALT_LESS:
        *p = clip01(discrete_le(&bin, k));
        return ICTUS_OK;
    case ICTUS_ALT_GREATER:
        *p = clip01(discrete_gt(&bin, k - 1));
        return ICTUS_OK;
    case ICTUS_ALT_TWO_SIDED:
        break;
    }
    double expected = p0 * (double)n;
    if ((double)k == expected) {
        *p = 1;
        return ICTUS_OK;
    }
    double limit = discrete_pdf(&bin, k) * (1 + BINOM_REL_TOL);
    *p = clip01((double)k < expected
                    ? discrete_two_sided(&bin, k, true, (int64_t)ceil(expected), n, limit)
                    : discrete_two_sided(&bin, k, false, 0, (int64_t)floor(expected), limit));
    return ICTUS_OK;
}

typedef struct {
    double a, b, tail;
    bool upper;
} beta_tail_eq;

static double beta_tail_residual(double x, void *arg)
{
    const beta_tail_eq *e = arg;
    return (e->upper ? gsl_cdf_beta_Q(x, e->a, e->b) : gsl_cdf_beta_P(x, e->a, e->b)) - e->tail;
}

/* The x in [0, 1] where the lower (or upper) tail of Beta(a, b) equals
 * `tail`, by GSL's Brent solver on GSL's beta CDF to a relative bracket of
 * BETA_QUANTILE_REL_TOL, so that tiny limits keep their digits.  Not
 * gsl_cdf_beta_Pinv: it fails to converge for large a and b (e.g. a = 1504,
 * b = 8161).  NaN if the solver fails. */
static double beta_quantile(double tail, double a, double b, bool upper)
{
    beta_tail_eq eq = {a, b, tail, upper};
    gsl_function f = {beta_tail_residual, &eq};
    gsl_root_fsolver *solver = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (!solver) {
        fprintf(stderr, "ictus: out of memory (GSL root solver)\n");
        abort();
    }
    double x = NAN;
    if (gsl_root_fsolver_set(solver, &f, 0, 1) == GSL_SUCCESS) {
        for (int i = 0; i < BETA_QUANTILE_MAX_ITER; i++) {
            if (gsl_root_fsolver_iterate(solver) != GSL_SUCCESS)
                break;
            if (gsl_root_test_interval(gsl_root_fsolver_x_lower(solver),
                                       gsl_root_fsolver_x_upper(solver), 0,
                                       BETA_QUANTILE_REL_TOL) == GSL_SUCCESS) {
                x = gsl_root_fsolver_root(solver);
                break;
            }
        }
    }
    gsl_root_fsolver_free(solver);
    return x;
}

ictus_status ictus_stats_clopper_pearson(int64_t k, int64_t n, double level,
                                         ictus_alternative alt, ictus_interval *ci,
                                         ictus_error *err)
{
    const char *fn = "clopper_pearson";
    stats_init();
    ictus_status st = check_count(fn, k, n, err);
    if (st == ICTUS_OK)
        st = check_level(fn, level, err);
    if (st != ICTUS_OK)
        return st;
    /* lo solves P(X ≥ k | lo) = tail, i.e. the lower tail of Beta(k, n − k + 1)
     * at lo is `tail`; hi solves P(X ≤ k | hi) = tail, the upper tail of
     * Beta(k + 1, n − k) at hi. */
    double tail = alt == ICTUS_ALT_TWO_SIDED ? (1 - level) / 2 : 1 - level;
    double kk = (double)k, nn = (double)n;
    ci->lo = alt == ICTUS_ALT_LESS || k == 0 ? 0 : beta_quantile(tail, kk, nn - kk + 1, false);
    ci->hi = alt == ICTUS_ALT_GREATER || k == n ? 1 : beta_quantile(tail, kk + 1, nn - kk, true);
    if (isnan(ci->lo) || isnan(ci->hi))
        return ictus_fail(err, ICTUS_ERR_DATA,
                          "%s: k = %lld, n = %lld, level %g: the beta quantile did not converge",
                          fn, (long long)k, (long long)n, level);
    return ICTUS_OK;
}

/* ---- t intervals ----------------------------------------------------------------------- */

/* estimate / se: ±inf when se = 0, NaN when also the estimate is 0. */
static double t_statistic(double estimate, double se)
{
    return se > 0 ? estimate / se : estimate == 0 ? NAN : copysign(INFINITY, estimate);
}

/* The quantiles of t(df) bounding an interval at `level`: ±q two-sided,
 * (−inf, q] (LESS) or [q, +inf) (GREATER).  GSL's match the closed-form t
 * CDFs to ~1e-15; SciPy 1.10's stdtrit is off by up to ~2e-9. */
static ictus_status t_bounds(const char *fn, double level, double df, ictus_alternative alt,
                             double *q_lo, double *q_hi, ictus_error *err)
{
    *q_lo = -INFINITY;
    *q_hi = INFINITY;
    if (alt == ICTUS_ALT_TWO_SIDED) {
        *q_hi = gsl_cdf_tdist_Qinv((1 - level) / 2, df);
        *q_lo = -*q_hi;
    } else if (alt == ICTUS_ALT_LESS) {
        *q_hi = gsl_cdf_tdist_Pinv(level, df);
    } else {
        *q_lo = gsl_cdf_tdist_Pinv(1 - level, df);
    }
    if (isnan(*q_lo) || isnan(*q_hi))
        return ictus_fail(err, ICTUS_ERR_DATA, "%s: level %g, %g df: GSL's t quantile failed",
                          fn, level, df);
    return ICTUS_OK;
}

/* A two-sided t result of estimate, se and df (df > 0). */
static ictus_status t_result(const char *fn, double estimate, double se, double df, double level,
                             ictus_t_result *res, ictus_error *err)
{
    double q_lo, q_hi;
    ictus_status st = t_bounds(fn, level, df, ICTUS_ALT_TWO_SIDED, &q_lo, &q_hi, err);
    if (st != ICTUS_OK)
        return st;
    double t = t_statistic(estimate, se);
    *res = (ictus_t_result){
        .estimate = estimate,
        .se = se,
        .df = df,
        .ci = {q_lo * se + estimate, q_hi * se + estimate},
        .t = t,
        .p = t_p(t, df, ICTUS_ALT_TWO_SIDED),
    };
    return ICTUS_OK;
}

ictus_status ictus_stats_mean_t(const double *x, size_t n, double level, ictus_t_result *res,
                                ictus_error *err)
{
    const char *fn = "mean_t";
    stats_init();
    if (n < 2)
        return ictus_fail(err, ICTUS_ERR_DATA, "%s: %zu values; expected at least 2", fn, n);
    ictus_status st = check_finite(fn, "x", x, n, err);
    if (st == ICTUS_OK)
        st = check_level(fn, level, err);
    if (st != ICTUS_OK)
        return st;
    double mean = gsl_stats_mean(x, 1, n);
    double se = sqrt(gsl_stats_variance_m(x, 1, n, mean) / (double)n);
    return t_result(fn, mean, se, (double)(n - 1), level, res, err);
}

ictus_status ictus_stats_welch_t(const double *x, size_t n1, const double *y, size_t n2,
                                 double level, ictus_t_result *res, ictus_error *err)
{
    const char *fn = "welch_t";
    stats_init();
    if (n1 < 2 || n2 < 2)
        return ictus_fail(err, ICTUS_ERR_DATA, "%s: samples of %zu and %zu values; expected at "
                          "least 2 each", fn, n1, n2);
    ictus_status st = check_finite(fn, "x", x, n1, err);
    if (st == ICTUS_OK)
        st = check_finite(fn, "y", y, n2, err);
    if (st == ICTUS_OK)
        st = check_level(fn, level, err);
    if (st != ICTUS_OK)
        return st;
    double m1 = gsl_stats_mean(x, 1, n1), m2 = gsl_stats_mean(y, 1, n2);
    double v1 = gsl_stats_variance_m(x, 1, n1, m1) / (double)n1;
    double v2 = gsl_stats_variance_m(y, 1, n2, m2) / (double)n2;
    double se = sqrt(v1 + v2), diff = m1 - m2;
    if (!(se > 0)) {
        *res = (ictus_t_result){.estimate = diff, .se = 0, .df = NAN, .ci = {NAN, NAN},
                                .t = t_statistic(diff, 0), .p = NAN};
        return ICTUS_OK;
    }
    double df = (v1 + v2) * (v1 + v2) /
                (v1 * v1 / (double)(n1 - 1) + v2 * v2 / (double)(n2 - 1));
    return t_result(fn, diff, se, df, level, res, err);
}

/* ---- Paired t-test on log rates ----------------------------------------------------- */

ictus_status ictus_stats_paired_log_ttest(const double *a, const double *b, size_t n,
                                          double offset, double level, ictus_alternative alt,
                                          ictus_log_ttest_result *res, ictus_error *err)
{
    const char *fn = "paired_log_ttest";
    stats_init();
    if (n < 2)
        return ictus_fail(err, ICTUS_ERR_DATA, "%s: %zu pairs; expected at least 2", fn, n);
    if (!(offset >= 0 && isfinite(offset)))
        return ictus_fail(err, ICTUS_ERR_DATA, "%s: offset %g; expected a finite value >= 0",
                          fn, offset);
    ictus_status st = check_finite(fn, "a", a, n, err);
    if (st == ICTUS_OK)
        st = check_finite(fn, "b", b, n, err);
    if (st == ICTUS_OK)
        st = check_level(fn, level, err);
    if (st != ICTUS_OK)
        return st;
    for (size_t i = 0; i < n; i++)
        if (!(a[i] + offset > 0 && b[i] + offset > 0))
            return ictus_fail(err, ICTUS_ERR_DATA,
                              "%s: pair %zu: a + offset = %g, b + offset = %g; expected both > 0",
                              fn, i, a[i] + offset, b[i] + offset);

    double *d = ictus_xmalloc(n * sizeof *d);
    for (size_t i = 0; i < n; i++)
        d[i] = log(a[i] + offset) - log(b[i] + offset);
    double mean = gsl_stats_mean(d, 1, n);
    double se = sqrt(gsl_stats_variance_m(d, 1, n, mean) / (double)n);
    free(d);

    double df = (double)(n - 1);
    double t = t_statistic(mean, se);
    double q_lo, q_hi;
    st = t_bounds(fn, level, df, alt, &q_lo, &q_hi, err);
    if (st != ICTUS_OK)
        return st;
    *res = (ictus_log_ttest_result){
        .offset = offset,
        .n = n,
        .mean_diff = mean,
        .se = se,
        .mean_ci = {isinf(q_lo) ? q_lo : q_lo * se + mean, isinf(q_hi) ? q_hi : q_hi * se + mean},
        .ratio = exp(mean),
        .t = t,
        .df = df,
        .p = t_p(t, df, alt),
    };
    res->ratio_ci = (ictus_interval){exp(res->mean_ci.lo), exp(res->mean_ci.hi)};
    return ICTUS_OK;
}

ictus_status ictus_stats_half_min_positive(const double *a, const double *b, size_t n,
                                           double *offset, ictus_error *err)
{
    const char *fn = "half_min_positive";
    const double *v[2] = {a, b};
    double min = INFINITY;
    for (int s = 0; s < 2; s++) {
        for (size_t i = 0; i < n; i++) {
            if (!(isfinite(v[s][i]) && v[s][i] >= 0))
                return ictus_fail(err, ICTUS_ERR_DATA, "%s: %c[%zu] = %g; expected a rate >= 0",
                                  fn, "ab"[s], i, v[s][i]);
            if (v[s][i] > 0 && v[s][i] < min)
                min = v[s][i];
        }
    }
    if (isinf(min))
        return ictus_fail(err, ICTUS_ERR_DATA,
                          "%s: all %zu pairs of rates are zero; expected a positive rate", fn, n);
    *offset = min / 2;
    return ICTUS_OK;
}

/* ---- Poisson rate ratio --------------------------------------------------------------- */

ictus_status ictus_stats_rate_ratio(int64_t k1, double e1, int64_t k2, double e2, double level,
                                    ictus_alternative alt, ictus_rate_ratio_result *res,
                                    ictus_error *err)
{
    const char *fn = "rate_ratio";
    stats_init();
    if (k1 < 0 || k2 < 0 || k1 > UINT_MAX - k2)
        return ictus_fail(err, ICTUS_ERR_DATA, "%s: counts %lld and %lld; expected >= 0 with a "
                          "sum of at most %u", fn, (long long)k1, (long long)k2, UINT_MAX);
    if (!(e1 > 0 && e2 > 0 && isfinite(e1) && isfinite(e2)))
        return ictus_fail(err, ICTUS_ERR_DATA, "%s: exposures %g and %g; expected finite > 0",
                          fn, e1, e2);
    ictus_status st = check_level(fn, level, err);
    if (st != ICTUS_OK)
        return st;
    int64_t total = k1 + k2;
    if (total == 0) {
        *res = (ictus_rate_ratio_result){.rate_ratio = NAN, .ci = {0, INFINITY}, .p = 1};
        return ICTUS_OK;
    }
    res->rate_ratio = k2 == 0 ? INFINITY : ((double)k1 * e2) / ((double)k2 * e1);
    ictus_interval pi;
    st = ictus_stats_binom_test(k1, total, e1 / (e1 + e2), alt, &res->p, err);
    if (st == ICTUS_OK)
        st = ictus_stats_clopper_pearson(k1, total, level, alt, &pi, err);
    if (st != ICTUS_OK)
        return st;
    res->ci.lo = pi.lo / (1 - pi.lo) * (e2 / e1);
    res->ci.hi = pi.hi == 1 ? INFINITY : pi.hi / (1 - pi.hi) * (e2 / e1);
    return ICTUS_OK;
}

/* ---- Descriptive ------------------------------------------------------------------------- */

/* *sorted = a sorted copy of x[0..n), after the usual checks; the caller frees it. */
static ictus_status sorted_copy(const char *fn, const double *x, size_t n, double **sorted,
                                ictus_error *err)
{
    if (n == 0)
        return ictus_fail(err, ICTUS_ERR_DATA, "%s: no values; expected at least one", fn);
    ictus_status st = check_finite(fn, "x", x, n, err);
    if (st != ICTUS_OK)
        return st;
    double *s = ictus_xmalloc(n * sizeof *s);
    for (size_t i = 0; i < n; i++)
        s[i] = x[i];
    gsl_sort(s, 1, n);
    *sorted = s;
    return ICTUS_OK;
}

ictus_status ictus_stats_median(const double *x, size_t n, double *median, ictus_error *err)
{
    double *s;
    ictus_status st = sorted_copy("median", x, n, &s, err);
    if (st != ICTUS_OK)
        return st;
    *median = gsl_stats_median_from_sorted_data(s, 1, n);
    free(s);
    return ICTUS_OK;
}

ictus_status ictus_stats_quantiles(const double *x, size_t n, const double *probs,
                                   size_t n_probs, double *out, ictus_error *err)
{
    const char *fn = "quantiles";
    for (size_t i = 0; i < n_probs; i++)
        if (!(probs[i] >= 0 && probs[i] <= 1))
            return ictus_fail(err, ICTUS_ERR_DATA, "%s: probs[%zu] = %g; expected 0..1", fn, i,
                              probs[i]);
    double *s;
    ictus_status st = sorted_copy(fn, x, n, &s, err);
    if (st != ICTUS_OK)
        return st;
    for (size_t i = 0; i < n_probs; i++)
        out[i] = gsl_stats_quantile_from_sorted_data(s, 1, n, probs[i]);
    free(s);
    return ICTUS_OK;
}

/* ---- Median interval from order statistics ------------------------------------------------ */

/* 1 − 2·P(B ≤ l − 1), B ~ Binomial(n, ½): the coverage of [x(l), x(n+1−l)]. */
static double order_coverage(size_t l, size_t n)
{
    return 1 - 2 * gsl_cdf_binomial_P((unsigned)(l - 1), 0.5, (unsigned)n);
}

ictus_status ictus_stats_median_ci(const double *x, size_t n, double level,
                                   ictus_median_ci_result *res, ictus_error *err)
{
    const char *fn = "median_ci";
    stats_init();
    ictus_status st = check_level(fn, level, err);
    if (st == ICTUS_OK && n > UINT_MAX)
        st = ictus_fail(err, ICTUS_ERR_DATA, "%s: %zu values; expected at most %u", fn, n,
                        UINT_MAX);
    double *s = NULL;
    if (st == ICTUS_OK)
        st = sorted_copy(fn, x, n, &s, err);
    if (st != ICTUS_OK)
        return st;
    /* The coverage falls as l grows; l ≤ (n + 1)/2 keeps x(l) ≤ x(n+1−l). */
    *res = (ictus_median_ci_result){.ci = {NAN, NAN}, .coverage = order_coverage(1, n)};
    if (res->coverage >= level) {
        size_t l = 1;
        while (l + 1 <= (n + 1) / 2 && order_coverage(l + 1, n) >= level)
            l++;
        res->rank_lo = l;
        res->rank_hi = n + 1 - l;
        res->coverage = order_coverage(l, n);
        res->ci = (ictus_interval){s[l - 1], s[n - l]};
    }
    free(s);
    return ICTUS_OK;
}

double ictus_stats_median_or_nan(const double *x, size_t n)
{
    double m = NAN;
    ictus_error err;
    if (n && ictus_stats_median(x, n, &m, &err) != ICTUS_OK)
        return NAN;
    return m;
}
