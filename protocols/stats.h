/* stats.h: the hypothesis tests and intervals of preclinical drug studies.
 *
 * DOMAIN.md §6: Wilcoxon signed-rank on paired per-animal rates, Fisher's
 * exact test on responder / seizure-free proportions, Mann–Whitney U between
 * groups, Clopper–Pearson intervals for proportions, a paired t-test on log
 * rates, and the exact conditional rate ratio of two Poisson counts; for
 * the cross-cohort view (cross_cohort.h), intervals of a location: the
 * distribution-free interval of a median from order statistics, the t
 * interval of a mean and Welch's interval of a difference of means.
 *
 * Reference: each function reproduces the SciPy 1.10 function named beside
 * it, in SciPy's defaults, to 1e-6 relative (p-values, statistics) and 1e-9
 * relative (interval limits); tests/test_stats.c checks this against
 * tests/fixtures/stats.txt written by tests/fixtures/gen_stats.py.  Where
 * SciPy 1.10 falls short the function's comment says what is done instead:
 * the Wilcoxon test with ties, the EXACT method of the rank tests with ties,
 * and interval limits (Clopper–Pearson, t), which are more accurate here
 * than SciPy's (brentq to 2e-12 absolute; stdtrit to ~2e-9 relative).
 *
 * Distributions come from GSL.  The exact null distributions of the rank
 * statistics (which GSL lacks) are computed here by recurrences.
 *
 * Conventions for every function:
 * - samples are `const double *` plus a count, owned by the caller, never
 *   modified, and must be finite (NaN or ±inf is an error);
 * - invalid input (an empty sample, a negative count, a level outside (0, 1),
 *   ...) returns ICTUS_ERR_DATA with a message naming the function, the
 *   element and what was expected; the result is then unspecified;
 * - p-values lie in [0, 1], NaN only where SciPy's is (a t-test of
 *   differences with no spread and zero mean; a Mann–Whitney approximation
 *   without continuity correction when every value is equal); a confidence
 *   level is a fraction in (0, 1), e.g. 0.95;
 * - scratch memory is allocated per call (ictus_xmalloc: aborts on OOM).
 *
 * Thread safety: every function is reentrant.  GSL's default error handler
 * aborts the process; the first call of any function here switches it off
 * for the whole process (gsl_set_error_handler_off(), once, under
 * pthread_once); inputs are validated so that GSL is only called inside its
 * domain, and the results that can fail (quantiles) are checked.  Code
 * elsewhere that relies on GSL aborting must check GSL's return values.
 */
#ifndef ICTUS_STATS_H
#define ICTUS_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"

/* The alternative hypothesis.  For paired tests d = x − y; for two groups
 * "less" means the first sample is stochastically less than the second. */
typedef enum {
    ICTUS_ALT_TWO_SIDED = 0, /* SciPy's default */
    ICTUS_ALT_LESS,
    ICTUS_ALT_GREATER
} ictus_alternative;

/* How the p-value of a rank test is computed. */
typedef enum {
    ICTUS_PMETHOD_AUTO = 0, /* the test's own rule (see each test) */
    ICTUS_PMETHOD_EXACT,    /* exact null distribution, when the data allow it */
    ICTUS_PMETHOD_APPROX    /* normal approximation with tie-corrected variance */
} ictus_pvalue_method;

/* A confidence interval [lo, hi]; one-sided intervals have an infinite or
 * natural (0 or 1) end. */
typedef struct {
    double lo, hi;
} ictus_interval;

/* ---- Wilcoxon signed-rank test (scipy.stats.wilcoxon) -------------------- */

/* What to do with zero differences. */
typedef enum {
    ICTUS_ZERO_WILCOX = 0, /* drop them (SciPy's default) */
    ICTUS_ZERO_PRATT,      /* rank them, then drop their ranks (Cureton's variance) */
    ICTUS_ZERO_ZSPLIT      /* rank them and split their ranks between W+ and W− */
} ictus_zero_method;

/* Options; a zero-initialised struct (or NULL) gives SciPy's defaults. */
typedef struct {
    ictus_alternative alternative;
    ictus_zero_method zero_method;
    ictus_pvalue_method method;
    bool correction; /* continuity correction of the normal approximation (default off) */
} ictus_wilcoxon_options;

typedef struct {
    double statistic; /* SciPy's statistic: min(W+, W−) two-sided, W+ one-sided */
    double w_plus;    /* sum of the ranks of positive differences (+ half the zero ranks: zsplit) */
    double w_minus;   /* sum of the ranks of negative differences (+ half the zero ranks: zsplit) */
    double z;         /* standardised statistic of the approximation; NaN when exact */
    double p;
    size_t n_used;    /* differences ranked: n − zeros for wilcox, n otherwise */
    size_t n_zero;    /* zero differences among the n pairs */
    ictus_pvalue_method method; /* ICTUS_PMETHOD_EXACT or ICTUS_PMETHOD_APPROX: what was used */
} ictus_wilcoxon_result;

/* Wilcoxon signed-rank test of the n differences d = x − y (or d = x when
 * `y` is NULL), as scipy.stats.wilcoxon of SciPy 1.10.
 *
 * AUTO: the exact distribution of W+ when there are no zero differences, no
 * ties among |d| and n ≤ 50 (SciPy's rule); otherwise the normal
 * approximation with tie-corrected variance (Cureton's for pratt).  One
 * deliberate difference: with ties SciPy 1.10 keeps the exact distribution
 * and truncates a half-integer W+ (scipy issue #15856), so that its p-value
 * depends on which sample comes first; here ties use the approximation, as
 * R's wilcox.test and SciPy's method="approx" do.
 * APPROX: always the normal approximation.
 * EXACT: always exact: the distribution of W+ over the 2^m equally likely
 * sign patterns of the non-zero differences, given their ranks.  Without
 * ties or zeros this is SciPy's "exact"; with them it is the permutation
 * test (scipy.stats.permutation_test over sign flips), which SciPy's
 * wilcoxon does not offer.  Prefer it for small samples with ties or zeros,
 * where the approximation is poor: d = (−1, −1) gives p = 0.157 by the
 * approximation and 0.5 exactly.  Cost O(n³) time, O(n²) memory.
 * res->method says which was used.
 *
 * n ≥ 1.  All differences zero is an error for wilcox and pratt (nothing to
 * rank), as in SciPy; zsplit then gives p = 1.  `opt` may be NULL. */
ictus_status ictus_stats_wilcoxon(const double *x, const double *y, size_t n,
                                  const ictus_wilcoxon_options *opt,
                                  ictus_wilcoxon_result *res, ictus_error *err);

/* ---- Mann–Whitney U test (scipy.stats.mannwhitneyu) ---------------------- */

/* Options; NULL gives SciPy's defaults: two-sided, AUTO, continuity on. */
typedef struct {
    ictus_alternative alternative;
    ictus_pvalue_method method;
    bool continuity; /* continuity correction of the normal approximation */
} ictus_mwu_options;

typedef struct {
    double u1; /* SciPy's statistic: U of the first sample, R1 − n1(n1+1)/2 */
    double u2; /* n1·n2 − u1 */
    double z;  /* standardised statistic of the approximation; NaN when exact */
    double p;
    ictus_pvalue_method method; /* ICTUS_PMETHOD_EXACT or ICTUS_PMETHOD_APPROX: what was used */
} ictus_mwu_result;

/* Mann–Whitney U test between independent samples x (n1 values) and y (n2),
 * as scipy.stats.mannwhitneyu of SciPy 1.10.
 *
 * AUTO: exact when there are no ties in x ∪ y and min(n1, n2) ≤ 8 (SciPy's
 * rule), otherwise the normal approximation with tie correction.  APPROX:
 * always the approximation.  EXACT: always exact: the distribution of U over
 * the C(n1 + n2, n1) equally likely splits, given the ranks.  Without ties
 * this is SciPy's "exact"; with ties it is the permutation test
 * (scipy.stats.permutation_test), where SciPy's forced "exact" would
 * truncate U.  Cost O(k²·N²) time and O(k²·N) memory for k = min(n1, n2),
 * N = n1 + n2 (8 against 2000: 0.4 s).  res->method says which was used.
 * n1, n2 ≥ 1.  `opt` may be NULL. */
ictus_status ictus_stats_mannwhitneyu(const double *x, size_t n1, const double *y, size_t n2,
                                      const ictus_mwu_options *opt, ictus_mwu_result *res,
                                      ictus_error *err);

/* ---- Fisher's exact test (scipy.stats.fisher_exact) ---------------------- */

/* A 2x2 table of counts: rows are the two groups, columns the outcome,
 * e.g. (responders, non-responders):  | a  b |
 *                                      | c  d |   */
typedef struct {
    int64_t a, b, c, d;
} ictus_table2x2;

typedef struct {
    double odds_ratio; /* a·d / (b·c): +inf when b·c = 0; NaN when a row or column is empty */
    double p;          /* conditional (hypergeometric) p-value; 1 when a row or column is empty */
} ictus_fisher_result;

/* Fisher's exact test on `t`, as scipy.stats.fisher_exact of SciPy 1.10:
 * two-sided p = the sum of the probabilities of all tables with the same
 * margins that are at most (1 + 1e-14) times as probable as the observed
 * one; "less" = P(A ≤ a), "greater" = P(A ≥ a).  Counts ≥ 0, and the total
 * must fit in an unsigned int. */
ictus_status ictus_stats_fisher_exact(const ictus_table2x2 *t, ictus_alternative alt,
                                      ictus_fisher_result *res, ictus_error *err);

/* ---- Binomial proportions (scipy.stats.binomtest) ------------------------ */

/* Exact binomial test of k successes in n trials against success
 * probability p0, as scipy.stats.binomtest(k, n, p0).pvalue: two-sided =
 * the sum of the probabilities of all outcomes at most (1 + 1e-7) times as
 * probable as k.  0 ≤ k ≤ n, 1 ≤ n ≤ UINT_MAX, 0 < p0 < 1. */
ictus_status ictus_stats_binom_test(int64_t k, int64_t n, double p0, ictus_alternative alt,
                                    double *p, ictus_error *err);

/* Clopper–Pearson exact interval for the proportion k/n at `level`, as
 * scipy.stats.binomtest(k, n, alternative=alt).proportion_ci(level, 'exact'):
 * lo = 0 when k = 0, hi = 1 when k = n; one-sided alternatives give
 * [0, hi] (LESS) or [lo, 1] (GREATER).  0 ≤ k ≤ n, 1 ≤ n ≤ UINT_MAX. */
ictus_status ictus_stats_clopper_pearson(int64_t k, int64_t n, double level,
                                         ictus_alternative alt, ictus_interval *ci,
                                         ictus_error *err);

/* ---- Paired t-test on log rates (scipy.stats.ttest_rel) ------------------ */

typedef struct {
    double offset;          /* c, as passed */
    size_t n;               /* pairs */
    double mean_diff;       /* mean of d = ln(a + c) − ln(b + c) */
    double se;              /* its standard error, sd(d)/√n (sd with n − 1) */
    ictus_interval mean_ci; /* t interval of the mean difference at `level`; one-sided
                               alternatives give (−inf, hi] (LESS) or [lo, +inf) (GREATER) */
    double ratio;           /* exp(mean_diff): geometric-mean ratio (a + c)/(b + c) */
    ictus_interval ratio_ci;/* exp of mean_ci (0 or +inf for an infinite end) */
    double t;               /* mean_diff / se: ±inf when se = 0, NaN when also mean_diff = 0 */
    double df;              /* n − 1 */
    double p;               /* NaN when t is NaN */
} ictus_log_ttest_result;

/* Paired t-test of ln(a[i] + c) − ln(b[i] + c), i < n, as
 * scipy.stats.ttest_rel(ln(a + c), ln(b + c), alternative) with its
 * confidence_interval(level).  Rates in any unit shared by a and b, e.g.
 * seizures per 24 h (treatment a, baseline b); c ≥ 0 in the same unit keeps
 * zero rates finite (see ictus_stats_half_min_positive()).  n ≥ 2; every
 * a[i] + c and b[i] + c must be > 0. */
ictus_status ictus_stats_paired_log_ttest(const double *a, const double *b, size_t n,
                                          double offset, double level, ictus_alternative alt,
                                          ictus_log_ttest_result *res, ictus_error *err);

/* The offset convention of the log t-test: half the smallest positive value
 * among a[0..n) and b[0..n).  Values must be finite and ≥ 0; fails when none
 * is positive (every rate zero: nothing to compare). */
ictus_status ictus_stats_half_min_positive(const double *a, const double *b, size_t n,
                                           double *offset, ictus_error *err);

/* ---- Rate ratio of two Poisson counts ------------------------------------ */

typedef struct {
    double rate_ratio; /* (k1/e1) / (k2/e2): 0 when k1 = 0, +inf when k2 = 0, NaN when both are */
    ictus_interval ci; /* exact conditional interval: [0, +inf] when k1 + k2 = 0 */
    double p;          /* exact conditional test of ratio 1: 1 when k1 + k2 = 0 */
} ictus_rate_ratio_result;

/* Ratio of the event rates k1/e1 (e.g. treatment) and k2/e2 (e.g. baseline),
 * conditional on k1 + k2 = K: k1 ~ Binomial(K, π), π = e1·RR / (e1·RR + e2).
 * The interval is Clopper–Pearson on π at `level` mapped through
 * RR = π/(1 − π) · e2/e1; the p-value is the exact binomial test of
 * π0 = e1/(e1 + e2) (ictus_stats_binom_test).  This is R's poisson.test for
 * two samples.  Exposures e1, e2 > 0 in one unit (e.g. analysable hours);
 * counts ≥ 0 with k1 + k2 ≤ UINT_MAX. */
ictus_status ictus_stats_rate_ratio(int64_t k1, double e1, int64_t k2, double e2, double level,
                                    ictus_alternative alt, ictus_rate_ratio_result *res,
                                    ictus_error *err);

/* ---- Intervals of a location -------------------------------------------- */

typedef struct {
    ictus_interval ci;        /* [x(rank_lo), x(rank_hi)] of the sorted sample; NaN ends
                                 when n is too small to reach the level */
    size_t rank_lo, rank_hi;  /* 1-based ranks of the ends, rank_hi = n + 1 − rank_lo;
                                 0 when too small */
    double coverage;          /* the interval's exact coverage (≥ level); when too small,
                                 that of [x(1), x(n)], the widest (< level) */
} ictus_median_ci_result;

/* Distribution-free confidence interval of the median of x[0..n) from order
 * statistics (e.g. Conover, Practical Nonparametric Statistics, §3.2): for
 * any continuous distribution, [x(l), x(n+1−l)] holds the median with
 * probability P(l ≤ B ≤ n − l), B ~ Binomial(n, ½), i.e. 1 − 2·P(B ≤ l − 1)
 * (scipy.stats.binom.cdf).  l is the largest rank whose coverage is still ≥
 * level, so the coverage is exact and at least the level (with ties, the
 * closed interval covers at least as often).  Two-sided.  When even
 * [x(1), x(n)] falls short (1 − 2^(1−n) < level: n < 6 at 0.95, n < 8 at
 * 0.99) there is no interval: NaN ends, ranks 0, and ICTUS_OK.  n ≥ 1. */
ictus_status ictus_stats_median_ci(const double *x, size_t n, double level,
                                   ictus_median_ci_result *res, ictus_error *err);

/* A t statistic, its interval and p-value (two-sided). */
typedef struct {
    double estimate;          /* the mean, or the difference of the means */
    double se;                /* its standard error */
    double df;                /* degrees of freedom */
    ictus_interval ci;        /* estimate ± t(df, (1 + level)/2)·se */
    double t;                 /* estimate / se: ±inf when se = 0, NaN when also estimate = 0 */
    double p;                 /* two-sided, against 0; NaN when t is */
} ictus_t_result;

/* One-sample t interval of the mean of x[0..n) and the test of mean 0, as
 * scipy.stats.ttest_1samp(x, 0) with its confidence_interval(level):
 * se = sd/√n (sd with n − 1), df = n − 1.  With no spread (se = 0) the
 * interval is [mean, mean].  n ≥ 2. */
ictus_status ictus_stats_mean_t(const double *x, size_t n, double level, ictus_t_result *res,
                                ictus_error *err);

/* Welch's interval of mean(x) − mean(y) for independent samples x[0..n1)
 * and y[0..n2) with unequal variances, and its test of 0, as
 * scipy.stats.ttest_ind(x, y, equal_var=False): se = √(s1²/n1 + s2²/n2),
 * df by Welch–Satterthwaite, (s1²/n1 + s2²/n2)² / ((s1²/n1)²/(n1 − 1) +
 * (s2²/n2)²/(n2 − 1)).  When both samples have no spread (se = 0) df, the
 * interval and p are NaN (SciPy's df is 0/0 too).  n1, n2 ≥ 2. */
ictus_status ictus_stats_welch_t(const double *x, size_t n1, const double *y, size_t n2,
                                 double level, ictus_t_result *res, ictus_error *err);

/* ---- Descriptive ---------------------------------------------------------- */

/* Median of x[0..n) (mean of the middle two when n is even), as
 * numpy.median.  n ≥ 1. */
ictus_status ictus_stats_median(const double *x, size_t n, double *median, ictus_error *err);
/* The median of x[0..n), NaN when n = 0 or a value is not finite. */
double ictus_stats_median_or_nan(const double *x, size_t n);

/* Quantiles of x[0..n) at probabilities probs[0..n_probs) in [0, 1], by
 * linear interpolation between order statistics (numpy.quantile's default,
 * Hyndman & Fan type 7), written to out[0..n_probs).  n ≥ 1. */
ictus_status ictus_stats_quantiles(const double *x, size_t n, const double *probs,
                                   size_t n_probs, double *out, ictus_error *err);

#endif
