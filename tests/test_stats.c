/* test_stats.c: protocols/stats against SciPy 1.10 and hand-worked cases.
 *
 * 1. Every case of tests/fixtures/stats.txt (made by gen_stats.py with SciPy
 *    1.10): p-values and statistics within 1e-6 relative or 1e-12 absolute,
 *    interval limits within 1e-9 relative (t intervals: relative to
 *    |mean| + |q·se|, the size of the terms of mean + q·se).  Two SciPy
 *    results are less accurate than that and are checked against better
 *    references made by the generator from SciPy's own CDFs, and against
 *    themselves more loosely: proportion_ci (brentq, absolute error up to
 *    5e-13: also 1e-12 absolute) and the t quantile stdtrit (up to 2.3e-9
 *    relative: 1e-8).
 *    The worst relative deviation of each test is printed.
 * 2. Hand-worked cases whose answers are derived in the comments.
 * 3. Properties: swapping the samples mirrors the alternative, the order of
 *    pairs does not matter, inputs are not modified, threads agree.
 * 4. Invalid input fails with ICTUS_ERR_DATA and a message.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/check.h"
#include "tests/support_tokens.h"
#include "protocols/stats.h"

#define FIXTURE "tests/fixtures/stats.txt"
#define P_REL 1e-6 /* p-values and statistics */
#define P_ABS 1e-12
#define CI_REL 1e-9 /* interval limits */
#define BRENTQ_ABS 1e-12 /* SciPy's proportion_ci (brentq): absolute error up to 5e-13 */
#define STDTRIT_REL 1e-8 /* SciPy's t interval: its quantile stdtrit errs up to 2.3e-9 */

/* ---- Comparison with deviation tracking ---------------------------------- */

typedef struct {
    const char *name;
    int cases;
    double worst_rel; /* largest |got − want| / |want| over finite, non-zero want */
} tracker;

static int line_no;

/* got ≈ want within `tol`; NaN matches NaN and ±inf matches itself.
 * Records |got − want| / scale in `t`. */
static void near_tol(tracker *t, const char *what, double got, double want, double tol,
                     double scale)
{
    bool ok;
    if (isnan(want) || isinf(want)) {
        ok = isnan(want) ? isnan(got) : got == want;
    } else {
        double dev = fabs(got - want);
        ok = dev <= tol;
        if (scale != 0 && dev / scale > t->worst_rel)
            t->worst_rel = dev / scale;
    }
    CHECK_MSG(ok, "%s:%d: %s %s: got %.17g, SciPy %.17g", FIXTURE, line_no, t->name, what, got,
              want);
}

/* got ≈ want within rel·|want| + abs. */
static void near(tracker *t, const char *what, double got, double want, double rel, double abs)
{
    near_tol(t, what, got, want, abs + rel * fabs(want), fabs(want));
}

/* An interval end e = mean + q·se, relative to the size of its terms,
 * |mean| + |q·se|: an end near zero is the difference of two larger numbers. */
static void near_end(tracker *t, const char *what, double got, double want, double mean,
                     double rel)
{
    double scale = fabs(mean) + fabs(want - mean);
    near_tol(t, what, got, want, rel * scale, scale);
}

/* ---- Fixture tokens -------------------------------------------------------- */

/* tokens, tok(), tok_double(), tok_int(): tests/support_tokens.h */

static void tok_doubles(tokens *tk, double *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = tok_double(tk);
}

static ictus_alternative tok_alt(tokens *tk)
{
    const char *s = tok(tk);
    return !strcmp(s, "less") ? ICTUS_ALT_LESS
           : !strcmp(s, "greater") ? ICTUS_ALT_GREATER
                                   : ICTUS_ALT_TWO_SIDED;
}

static ictus_pvalue_method tok_method(tokens *tk)
{
    const char *s = tok(tk);
    return !strcmp(s, "exact") ? ICTUS_PMETHOD_EXACT
           : !strcmp(s, "approx") ? ICTUS_PMETHOD_APPROX
                                  : ICTUS_PMETHOD_AUTO;
}

/* ---- One fixture case per function ------------------------------------------ */

static tracker t_wilcoxon = {"wilcoxon", 0, 0}, t_mwu = {"mannwhitneyu", 0, 0},
               t_fisher = {"fisher_exact", 0, 0}, t_binom = {"binom_test", 0, 0},
               t_cp = {"clopper_pearson", 0, 0}, t_logt = {"paired_log_ttest", 0, 0},
               t_rr = {"rate_ratio", 0, 0}, t_desc = {"median/quantiles", 0, 0},
               t_mci = {"median_ci", 0, 0}, t_meant = {"mean_t", 0, 0},
               t_welch = {"welch_t", 0, 0};

static void case_wilcoxon(tokens *tk)
{
    ictus_wilcoxon_options opt = {.alternative = tok_alt(tk)};
    const char *zero = tok(tk);
    opt.zero_method = !strcmp(zero, "pratt")    ? ICTUS_ZERO_PRATT
                      : !strcmp(zero, "zsplit") ? ICTUS_ZERO_ZSPLIT
                                                : ICTUS_ZERO_WILCOX;
    opt.method = tok_method(tk);
    opt.correction = tok_int(tk);
    bool has_y = tok_int(tk);
    size_t n = (size_t)tok_int(tk);
    double x[128], y[128];
    tok_doubles(tk, x, n);
    if (has_y)
        tok_doubles(tk, y, n);
    ictus_wilcoxon_result res;
    ictus_error err;
    ictus_status st = ictus_stats_wilcoxon(x, has_y ? y : NULL, n, &opt, &res, &err);
    t_wilcoxon.cases++;
    if (!strcmp(tk->v[tk->i], "error")) {
        CHECK_MSG(st == ICTUS_ERR_DATA, "%s:%d: wilcoxon should fail like SciPy", FIXTURE,
                  line_no);
        return;
    }
    if (!CHECK_MSG(st == ICTUS_OK, "%s:%d: wilcoxon: %s", FIXTURE, line_no, err.msg))
        return;
    near(&t_wilcoxon, "statistic", res.statistic, tok_double(tk), P_REL, P_ABS);
    near(&t_wilcoxon, "p", res.p, tok_double(tk), P_REL, P_ABS);
    CHECK_MSG(res.method == tok_method(tk), "%s:%d: wilcoxon: method used", FIXTURE, line_no);
}

static void case_mwu(tokens *tk)
{
    ictus_mwu_options opt = {.alternative = tok_alt(tk)};
    opt.method = tok_method(tk);
    opt.continuity = tok_int(tk);
    size_t n1 = (size_t)tok_int(tk), n2 = (size_t)tok_int(tk);
    double x[64], y[64];
    tok_doubles(tk, x, n1);
    tok_doubles(tk, y, n2);
    ictus_mwu_result res;
    ictus_error err;
    t_mwu.cases++;
    if (!CHECK_MSG(ictus_stats_mannwhitneyu(x, n1, y, n2, &opt, &res, &err) == ICTUS_OK,
                   "%s:%d: mannwhitneyu: %s", FIXTURE, line_no, err.msg))
        return;
    near(&t_mwu, "U1", res.u1, tok_double(tk), P_REL, P_ABS);
    near(&t_mwu, "p", res.p, tok_double(tk), P_REL, P_ABS);
    CHECK_MSG(res.method == tok_method(tk), "%s:%d: mannwhitneyu: method used", FIXTURE,
              line_no);
    CHECK(res.u1 + res.u2 == (double)(n1 * n2));
}

static void case_fisher(tokens *tk)
{
    ictus_alternative alt = tok_alt(tk);
    ictus_table2x2 t;
    t.a = tok_int(tk);
    t.b = tok_int(tk);
    t.c = tok_int(tk);
    t.d = tok_int(tk);
    ictus_fisher_result res;
    ictus_error err;
    t_fisher.cases++;
    if (!CHECK_MSG(ictus_stats_fisher_exact(&t, alt, &res, &err) == ICTUS_OK,
                   "%s:%d: fisher: %s", FIXTURE, line_no, err.msg))
        return;
    near(&t_fisher, "odds ratio", res.odds_ratio, tok_double(tk), P_REL, P_ABS);
    near(&t_fisher, "p", res.p, tok_double(tk), P_REL, P_ABS);
}

static void case_binom(tokens *tk)
{
    ictus_alternative alt = tok_alt(tk);
    long long k = tok_int(tk), n = tok_int(tk);
    double p0 = tok_double(tk), p;
    ictus_error err;
    t_binom.cases++;
    if (CHECK_MSG(ictus_stats_binom_test(k, n, p0, alt, &p, &err) == ICTUS_OK,
                  "%s:%d: binom_test: %s", FIXTURE, line_no, err.msg))
        near(&t_binom, "p", p, tok_double(tk), P_REL, P_ABS);
}

static void case_cp(tokens *tk)
{
    ictus_alternative alt = tok_alt(tk);
    double level = tok_double(tk);
    long long k = tok_int(tk), n = tok_int(tk);
    ictus_interval ci;
    ictus_error err;
    t_cp.cases++;
    if (!CHECK_MSG(ictus_stats_clopper_pearson(k, n, level, alt, &ci, &err) == ICTUS_OK,
                   "%s:%d: clopper_pearson: %s", FIXTURE, line_no, err.msg))
        return;
    tracker brentq = {"clopper_pearson (brentq)", 0, 0};
    near(&brentq, "lo", ci.lo, tok_double(tk), CI_REL, BRENTQ_ABS);
    near(&brentq, "hi", ci.hi, tok_double(tk), CI_REL, BRENTQ_ABS);
    near(&t_cp, "lo", ci.lo, tok_double(tk), CI_REL, 0);
    near(&t_cp, "hi", ci.hi, tok_double(tk), CI_REL, 0);
}

static void case_logt(tokens *tk)
{
    ictus_alternative alt = tok_alt(tk);
    double level = tok_double(tk), offset = tok_double(tk);
    size_t n = (size_t)tok_int(tk);
    double a[64], b[64];
    tok_doubles(tk, a, n);
    tok_doubles(tk, b, n);
    ictus_log_ttest_result res;
    ictus_error err;
    t_logt.cases++;
    if (!CHECK_MSG(ictus_stats_paired_log_ttest(a, b, n, offset, level, alt, &res, &err) ==
                       ICTUS_OK,
                   "%s:%d: paired_log_ttest: %s", FIXTURE, line_no, err.msg))
        return;
    double mean = tok_double(tk);
    near(&t_logt, "mean", res.mean_diff, mean, P_REL, P_ABS);
    near(&t_logt, "se", res.se, tok_double(tk), P_REL, P_ABS);
    near_end(&t_logt, "ci lo", res.mean_ci.lo, tok_double(tk), mean, CI_REL);
    near_end(&t_logt, "ci hi", res.mean_ci.hi, tok_double(tk), mean, CI_REL);
    tracker stdtrit = {"paired_log_ttest (SciPy's stdtrit)", 0, 0};
    near_end(&stdtrit, "ci lo", res.mean_ci.lo, tok_double(tk), mean, STDTRIT_REL);
    near_end(&stdtrit, "ci hi", res.mean_ci.hi, tok_double(tk), mean, STDTRIT_REL);
    near(&t_logt, "t", res.t, tok_double(tk), P_REL, P_ABS);
    near(&t_logt, "df", res.df, tok_double(tk), 0, 0);
    near(&t_logt, "p", res.p, tok_double(tk), P_REL, P_ABS);
    near(&t_logt, "ratio", res.ratio, exp(mean), P_REL, P_ABS);
    CHECK(res.ratio_ci.lo == exp(res.mean_ci.lo) && res.ratio_ci.hi == exp(res.mean_ci.hi));
}

static void case_rate_ratio(tokens *tk)
{
    ictus_alternative alt = tok_alt(tk);
    double level = tok_double(tk);
    long long k1 = tok_int(tk);
    double e1 = tok_double(tk);
    long long k2 = tok_int(tk);
    double e2 = tok_double(tk);
    ictus_rate_ratio_result res;
    ictus_error err;
    t_rr.cases++;
    if (!CHECK_MSG(ictus_stats_rate_ratio(k1, e1, k2, e2, level, alt, &res, &err) == ICTUS_OK,
                   "%s:%d: rate_ratio: %s", FIXTURE, line_no, err.msg))
        return;
    near(&t_rr, "ratio", res.rate_ratio, tok_double(tk), P_REL, P_ABS);
    near(&t_rr, "ci lo", res.ci.lo, tok_double(tk), CI_REL, 0);
    near(&t_rr, "ci hi", res.ci.hi, tok_double(tk), CI_REL, 0);
    near(&t_rr, "p", res.p, tok_double(tk), P_REL, P_ABS);
}

static void case_median_ci(tokens *tk)
{
    double level = tok_double(tk);
    size_t n = (size_t)tok_int(tk);
    double x[128];
    tok_doubles(tk, x, n);
    ictus_median_ci_result res;
    ictus_error err;
    t_mci.cases++;
    if (!CHECK_MSG(ictus_stats_median_ci(x, n, level, &res, &err) == ICTUS_OK,
                   "%s:%d: median_ci: %s", FIXTURE, line_no, err.msg))
        return;
    /* The ends are sample values: exact. */
    near(&t_mci, "lo", res.ci.lo, tok_double(tk), 0, 0);
    near(&t_mci, "hi", res.ci.hi, tok_double(tk), 0, 0);
    long long rank = tok_int(tk);
    CHECK_MSG(res.rank_lo == (size_t)rank && res.rank_hi == (rank ? n + 1 - (size_t)rank : 0),
              "%s:%d: median_ci ranks %zu, %zu; SciPy %lld", FIXTURE, line_no, res.rank_lo,
              res.rank_hi, rank);
    near(&t_mci, "coverage", res.coverage, tok_double(tk), P_REL, P_ABS);
    CHECK(rank == 0 ? res.coverage < level : res.coverage >= level);
}

static void case_mean_t(tokens *tk)
{
    double level = tok_double(tk);
    size_t n = (size_t)tok_int(tk);
    double x[128];
    tok_doubles(tk, x, n);
    ictus_t_result res;
    ictus_error err;
    t_meant.cases++;
    if (!CHECK_MSG(ictus_stats_mean_t(x, n, level, &res, &err) == ICTUS_OK, "%s:%d: mean_t: %s",
                   FIXTURE, line_no, err.msg))
        return;
    double mean = tok_double(tk);
    near(&t_meant, "mean", res.estimate, mean, P_REL, P_ABS);
    near(&t_meant, "se", res.se, tok_double(tk), P_REL, P_ABS);
    near(&t_meant, "df", res.df, tok_double(tk), 0, 0);
    near_end(&t_meant, "ci lo", res.ci.lo, tok_double(tk), mean, CI_REL);
    near_end(&t_meant, "ci hi", res.ci.hi, tok_double(tk), mean, CI_REL);
    tracker stdtrit = {"mean_t (SciPy's stdtrit)", 0, 0};
    near_end(&stdtrit, "ci lo", res.ci.lo, tok_double(tk), mean, STDTRIT_REL);
    near_end(&stdtrit, "ci hi", res.ci.hi, tok_double(tk), mean, STDTRIT_REL);
    near(&t_meant, "t", res.t, tok_double(tk), P_REL, P_ABS);
    near(&t_meant, "p", res.p, tok_double(tk), P_REL, P_ABS);
}

static void case_welch(tokens *tk)
{
    double level = tok_double(tk);
    size_t n1 = (size_t)tok_int(tk), n2 = (size_t)tok_int(tk);
    double x[64], y[64];
    tok_doubles(tk, x, n1);
    tok_doubles(tk, y, n2);
    ictus_t_result res;
    ictus_error err;
    t_welch.cases++;
    if (!CHECK_MSG(ictus_stats_welch_t(x, n1, y, n2, level, &res, &err) == ICTUS_OK,
                   "%s:%d: welch_t: %s", FIXTURE, line_no, err.msg))
        return;
    double diff = tok_double(tk);
    near(&t_welch, "difference", res.estimate, diff, P_REL, P_ABS);
    near(&t_welch, "se", res.se, tok_double(tk), P_REL, P_ABS);
    near(&t_welch, "df", res.df, tok_double(tk), P_REL, 0);
    /* The generator's quantile is polished SciPy (about 1e-12 relative at a fractional df). */
    near_end(&t_welch, "ci lo", res.ci.lo, tok_double(tk), diff, CI_REL);
    near_end(&t_welch, "ci hi", res.ci.hi, tok_double(tk), diff, CI_REL);
    near(&t_welch, "t", res.t, tok_double(tk), P_REL, P_ABS);
    near(&t_welch, "p", res.p, tok_double(tk), P_REL, P_ABS);
}

static void case_descriptive(tokens *tk, bool quantile)
{
    size_t n = (size_t)tok_int(tk);
    double x[128], q[16], got[16];
    tok_doubles(tk, x, n);
    ictus_error err;
    t_desc.cases++;
    if (!quantile) {
        CHECK(ictus_stats_median(x, n, got, &err) == ICTUS_OK);
        near(&t_desc, "median", got[0], tok_double(tk), 1e-12, 0);
        return;
    }
    size_t m = (size_t)tok_int(tk);
    tok_doubles(tk, q, m);
    CHECK(ictus_stats_quantiles(x, n, q, m, got, &err) == ICTUS_OK);
    for (size_t i = 0; i < m; i++)
        near(&t_desc, "quantile", got[i], tok_double(tk), 1e-12, 0);
}

static void fixture_test(void)
{
    FILE *f = fopen(FIXTURE, "r");
    if (!CHECK_MSG(f != NULL, "%s: cannot open (run from the project root)", FIXTURE))
        return;
    char *line = NULL;
    size_t cap = 0;
    static tokens tk;
    for (line_no = 1; getline(&line, &cap, f) > 0; line_no++) {
        if (line[0] == '#')
            continue;
        tokens_split(line, &tk);
        const char *kind = tok(&tk);
        if (!strcmp(kind, "wilcoxon"))
            case_wilcoxon(&tk);
        else if (!strcmp(kind, "mwu"))
            case_mwu(&tk);
        else if (!strcmp(kind, "fisher"))
            case_fisher(&tk);
        else if (!strcmp(kind, "binomtest"))
            case_binom(&tk);
        else if (!strcmp(kind, "cp"))
            case_cp(&tk);
        else if (!strcmp(kind, "logt"))
            case_logt(&tk);
        else if (!strcmp(kind, "rateratio"))
            case_rate_ratio(&tk);
        else if (!strcmp(kind, "medianci"))
            case_median_ci(&tk);
        else if (!strcmp(kind, "meant"))
            case_mean_t(&tk);
        else if (!strcmp(kind, "welch"))
            case_welch(&tk);
        else if (!strcmp(kind, "median") || !strcmp(kind, "quantile"))
            case_descriptive(&tk, kind[0] == 'q');
        else
            CHECK_MSG(false, "%s:%d: unknown case '%s'", FIXTURE, line_no, kind);
    }
    free(line);
    fclose(f);
    const tracker *all[] = {&t_wilcoxon, &t_mwu, &t_fisher, &t_binom,
                            &t_cp, &t_logt, &t_rr, &t_desc, &t_mci, &t_meant, &t_welch};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) {
        CHECK_MSG(all[i]->cases > 0, "%s: no %s cases", FIXTURE, all[i]->name);
        printf("%-18s %5d SciPy cases, worst relative deviation %.3g\n", all[i]->name,
               all[i]->cases, all[i]->worst_rel);
    }
}

/* ---- Hand-worked cases -------------------------------------------------------- */

static void wilcoxon_by_hand(void)
{
    ictus_wilcoxon_result r;
    ictus_error err;
    /* d = 1, 2, 3: W+ = 6, W− = 0.  Of the 2³ equally likely sign patterns
     * only "all positive" reaches W+ = 6: P(W+ ≥ 6) = 1/8, two-sided 2/8. */
    const double d3[] = {1, 2, 3};
    CHECK(ictus_stats_wilcoxon(d3, NULL, 3, NULL, &r, &err) == ICTUS_OK);
    CHECK(r.method == ICTUS_PMETHOD_EXACT && r.n_used == 3 && r.n_zero == 0);
    CHECK_NEAR(r.statistic, 0, 0, 0);
    CHECK_NEAR(r.w_plus, 6, 0, 0);
    CHECK_NEAR(r.p, 0.25, 1e-15, 0);
    ictus_wilcoxon_options greater = {.alternative = ICTUS_ALT_GREATER};
    CHECK(ictus_stats_wilcoxon(d3, NULL, 3, &greater, &r, &err) == ICTUS_OK);
    CHECK_NEAR(r.statistic, 6, 0, 0);
    CHECK_NEAR(r.p, 0.125, 1e-15, 0);

    /* One pair, d = 5: W+ ∈ {0, 1} with 1/2 each; observed 1:
     * P(W+ ≤ 1) = 1, P(W+ ≥ 1) = 1/2, two-sided min(1, 2·1/2) = 1. */
    const double one = 5;
    CHECK(ictus_stats_wilcoxon(&one, NULL, 1, NULL, &r, &err) == ICTUS_OK);
    CHECK_NEAR(r.p, 1, 0, 0);

    /* d = 1, 1, 1, 1: all tied, ranks 2.5, W+ = 10, T = min = 0.  AUTO: the
     * normal approximation, mean n(n+1)/4 = 5, 24·var = n(n+1)(2n+1) −
     * ½Σ(t³ − t) = 180 − 30 = 150, se = √(150/24) = 2.5, z = (0 − 5)/2.5 = −2,
     * p = 2Φ(−2) = erfc(√2).  EXACT: W+ = 10 only when all four are
     * positive: two-sided 2/16. */
    const double tied[] = {1, 1, 1, 1};
    CHECK(ictus_stats_wilcoxon(tied, NULL, 4, NULL, &r, &err) == ICTUS_OK);
    CHECK(r.method == ICTUS_PMETHOD_APPROX);
    CHECK_NEAR(r.z, -2, 1e-15, 0);
    CHECK_NEAR(r.p, erfc(sqrt(2)), 1e-12, 0);
    ictus_wilcoxon_options exact = {.method = ICTUS_PMETHOD_EXACT};
    CHECK(ictus_stats_wilcoxon(tied, NULL, 4, &exact, &r, &err) == ICTUS_OK);
    CHECK(r.method == ICTUS_PMETHOD_EXACT);
    CHECK_NEAR(r.p, 0.125, 1e-15, 0);

    /* zsplit, d = 0, 3: ranks 1 (the zero) and 2; W+ = 2 + ½, W− = ½, T = ½.
     * The zero forces the approximation: mean 2·3/4 = 1.5, 24·var = 2·3·5 = 30,
     * z = (0.5 − 1.5)/√1.25 = −1/√1.25, p = erfc(|z|/√2). */
    const double zs[] = {0, 3};
    ictus_wilcoxon_options zsplit = {.zero_method = ICTUS_ZERO_ZSPLIT};
    CHECK(ictus_stats_wilcoxon(zs, NULL, 2, &zsplit, &r, &err) == ICTUS_OK);
    CHECK(r.method == ICTUS_PMETHOD_APPROX && r.n_zero == 1 && r.n_used == 2);
    CHECK_NEAR(r.statistic, 0.5, 0, 0);
    CHECK_NEAR(r.p, erfc(1 / sqrt(1.25) / sqrt(2)), 1e-12, 0);
}

static void mannwhitney_by_hand(void)
{
    ictus_mwu_result r;
    ictus_error err;
    /* x = 1, 2 below y = 3, 4, 5: U1 = 0, U2 = 6.  Each of the C(5, 2) = 10
     * splits is equally likely and only this one gives U1 = 0:
     * two-sided 2·P(U ≥ 6) = 2/10, less 1/10, greater P(U1 ≥ 0) = 1. */
    const double x[] = {1, 2}, y[] = {3, 4, 5};
    CHECK(ictus_stats_mannwhitneyu(x, 2, y, 3, NULL, &r, &err) == ICTUS_OK);
    CHECK(r.method == ICTUS_PMETHOD_EXACT);
    CHECK_NEAR(r.u1, 0, 0, 0);
    CHECK_NEAR(r.u2, 6, 0, 0);
    CHECK_NEAR(r.p, 0.2, 1e-15, 0);
    ictus_mwu_options less = {ICTUS_ALT_LESS, ICTUS_PMETHOD_AUTO, true};
    CHECK(ictus_stats_mannwhitneyu(x, 2, y, 3, &less, &r, &err) == ICTUS_OK);
    CHECK_NEAR(r.p, 0.1, 1e-15, 0);
    ictus_mwu_options greater = {ICTUS_ALT_GREATER, ICTUS_PMETHOD_AUTO, true};
    CHECK(ictus_stats_mannwhitneyu(x, 2, y, 3, &greater, &r, &err) == ICTUS_OK);
    CHECK_NEAR(r.p, 1, 1e-15, 0);

    /* x = 1, 1, 2 and y = 2, 3, 3: ties, so the approximation (SciPy's
     * defaults, continuity on).  Ranks 1.5 1.5 3.5 | 3.5 5.5 5.5: R1 = 6.5,
     * U1 = 6.5 − 6 = 0.5, U2 = 8.5.  Mean 4.5; three pairs of ties give
     * Σ(t³ − t) = 18, so s = √(3·3/12 · (7 − 18/30)) = √4.8; z = (8.5 − 4.5 −
     * 0.5)/√4.8 and p = 2Q(z) = erfc(z/√2). */
    const double tx[] = {1, 1, 2}, ty[] = {2, 3, 3};
    CHECK(ictus_stats_mannwhitneyu(tx, 3, ty, 3, NULL, &r, &err) == ICTUS_OK);
    CHECK(r.method == ICTUS_PMETHOD_APPROX);
    CHECK_NEAR(r.u1, 0.5, 0, 0);
    CHECK_NEAR(r.z, 3.5 / sqrt(4.8), 1e-14, 0);
    CHECK_NEAR(r.p, erfc(3.5 / sqrt(4.8) / sqrt(2)), 1e-12, 0);

    /* Identical groups 1, 2, 3: ties, so the approximation; U1 = U2 = 4.5 =
     * the mean, and the continuity correction makes z < 0: p clipped to 1. */
    const double same[] = {1, 2, 3};
    CHECK(ictus_stats_mannwhitneyu(same, 3, same, 3, NULL, &r, &err) == ICTUS_OK);
    CHECK(r.method == ICTUS_PMETHOD_APPROX);
    CHECK_NEAR(r.u1, 4.5, 0, 0);
    CHECK_NEAR(r.p, 1, 0, 0);
}

static void fisher_by_hand(void)
{
    ictus_fisher_result r;
    ictus_error err;
    /* Tea tasting | 3 1 | 1 3 |: a ~ Hypergeometric with P(a) =
     * C(4,a)C(4,4−a)/C(8,4) = 1, 16, 36, 16, 1 (/70) for a = 0..4.
     * Observed a = 3 (16/70): two-sided (16 + 1 + 16 + 1)/70 = 34/70;
     * greater P(a ≥ 3) = 17/70; odds ratio 3·3/(1·1) = 9. */
    const ictus_table2x2 tea = {3, 1, 1, 3};
    CHECK(ictus_stats_fisher_exact(&tea, ICTUS_ALT_TWO_SIDED, &r, &err) == ICTUS_OK);
    CHECK_NEAR(r.p, 34.0 / 70, 1e-14, 0);
    CHECK_NEAR(r.odds_ratio, 9, 0, 0);
    CHECK(ictus_stats_fisher_exact(&tea, ICTUS_ALT_GREATER, &r, &err) == ICTUS_OK);
    CHECK_NEAR(r.p, 17.0 / 70, 1e-14, 0);

    /* | 3 0 | 0 3 |: P(a) = 1, 9, 9, 1 (/20); a = 3: two-sided 2/20; b·c = 0:
     * odds ratio +inf. */
    const ictus_table2x2 all = {3, 0, 0, 3};
    CHECK(ictus_stats_fisher_exact(&all, ICTUS_ALT_TWO_SIDED, &r, &err) == ICTUS_OK);
    CHECK_NEAR(r.p, 0.1, 1e-14, 0);
    CHECK(isinf(r.odds_ratio) && r.odds_ratio > 0);

    /* An empty row: no information, p = 1 and odds ratio NaN (SciPy). */
    const ictus_table2x2 empty = {0, 0, 4, 2};
    CHECK(ictus_stats_fisher_exact(&empty, ICTUS_ALT_TWO_SIDED, &r, &err) == ICTUS_OK);
    CHECK(r.p == 1 && isnan(r.odds_ratio));
}

static void binomial_by_hand(void)
{
    double p;
    ictus_interval ci;
    ictus_error err;
    /* 7 of 10 at p0 = 1/2: P(X ≥ 7) = (120 + 45 + 10 + 1)/1024 = 176/1024,
     * doubled by symmetry: 352/1024. */
    CHECK(ictus_stats_binom_test(7, 10, 0.5, ICTUS_ALT_TWO_SIDED, &p, &err) == ICTUS_OK);
    CHECK_NEAR(p, 352.0 / 1024, 1e-14, 0);

    /* k = 0: hi solves (1 − p)^n = α/2, so hi = 1 − 0.025^(1/n) at 95 %;
     * k = n: lo solves p^n = α/2, lo = 0.025^(1/n). */
    CHECK(ictus_stats_clopper_pearson(0, 10, 0.95, ICTUS_ALT_TWO_SIDED, &ci, &err) == ICTUS_OK);
    CHECK(ci.lo == 0);
    CHECK_NEAR(ci.hi, 1 - pow(0.025, 0.1), 1e-12, 0);
    CHECK(ictus_stats_clopper_pearson(10, 10, 0.95, ICTUS_ALT_TWO_SIDED, &ci, &err) == ICTUS_OK);
    CHECK_NEAR(ci.lo, pow(0.025, 0.1), 1e-12, 0);
    CHECK(ci.hi == 1);
    /* One-sided 90 % for k = n = 1: lo solves p = 0.1. */
    CHECK(ictus_stats_clopper_pearson(1, 1, 0.9, ICTUS_ALT_GREATER, &ci, &err) == ICTUS_OK);
    CHECK_NEAR(ci.lo, 0.1, 1e-12, 0);
    CHECK(ci.hi == 1);
}

static void rate_ratio_by_hand(void)
{
    ictus_rate_ratio_result r;
    ictus_error err;
    /* 0 seizures in 10 h of treatment, 5 in 10 h of baseline: ratio 0;
     * given 5 events, k1 ~ Binomial(5, 1/2): P(k1 = 0) = 1/32, two-sided
     * 2/32.  The upper limit of π is 1 − 0.025^(1/5) (as above), ratio
     * π/(1 − π) since the exposures are equal. */
    CHECK(ictus_stats_rate_ratio(0, 10, 5, 10, 0.95, ICTUS_ALT_TWO_SIDED, &r, &err) == ICTUS_OK);
    CHECK(r.rate_ratio == 0 && r.ci.lo == 0);
    CHECK_NEAR(r.p, 2.0 / 32, 1e-14, 0);
    double pi_hi = 1 - pow(0.025, 0.2);
    CHECK_NEAR(r.ci.hi, pi_hi / (1 - pi_hi), 1e-12, 0);
    /* The mirror image: 5 against 0 gives ratio +inf and an infinite upper end. */
    CHECK(ictus_stats_rate_ratio(5, 10, 0, 10, 0.95, ICTUS_ALT_TWO_SIDED, &r, &err) == ICTUS_OK);
    CHECK(isinf(r.rate_ratio) && isinf(r.ci.hi));
    CHECK_NEAR(r.ci.lo, (1 - pi_hi) / pi_hi, 1e-12, 0);
    /* No events at all: nothing to estimate (documented convention). */
    CHECK(ictus_stats_rate_ratio(0, 10, 0, 20, 0.95, ICTUS_ALT_TWO_SIDED, &r, &err) == ICTUS_OK);
    CHECK(isnan(r.rate_ratio) && r.ci.lo == 0 && isinf(r.ci.hi) && r.p == 1);
}

static void log_ttest_by_hand(void)
{
    ictus_log_ttest_result r;
    ictus_error err;
    /* a = 2, 8 against b = 1, 2, c = 0: d = ln 2, 2 ln 2; mean 1.5 ln 2;
     * sd = ln 2/√2, se = sd/√2 = ln 2/2, t = 3 with 1 df (Cauchy):
     * two-sided p = 1 − 2·atan(3)/π.  The 95 % quantile of t(1) is
     * tan(0.475π); ratio = 2^1.5. */
    const double a[] = {2, 8}, b[] = {1, 2};
    CHECK(ictus_stats_paired_log_ttest(a, b, 2, 0, 0.95, ICTUS_ALT_TWO_SIDED, &r, &err) ==
          ICTUS_OK);
    double ln2 = log(2), q = tan(0.475 * M_PI);
    CHECK_NEAR(r.mean_diff, 1.5 * ln2, 1e-14, 0);
    CHECK_NEAR(r.se, ln2 / 2, 1e-14, 0);
    CHECK_NEAR(r.t, 3, 1e-14, 0);
    CHECK_NEAR(r.df, 1, 0, 0);
    CHECK_NEAR(r.p, 1 - 2 * atan(3) / M_PI, 1e-12, 0);
    CHECK_NEAR(r.mean_ci.lo, 1.5 * ln2 - q * ln2 / 2, 1e-9, 0);
    CHECK_NEAR(r.mean_ci.hi, 1.5 * ln2 + q * ln2 / 2, 1e-9, 0);
    CHECK_NEAR(r.ratio, pow(2, 1.5), 1e-14, 0);

    /* The offset: half the smallest positive rate of 0, 0.4, 3 / 2, 0, 0.8. */
    const double ra[] = {0, 0.4, 3}, rb[] = {2, 0, 0.8};
    double c;
    CHECK(ictus_stats_half_min_positive(ra, rb, 3, &c, &err) == ICTUS_OK);
    CHECK_NEAR(c, 0.2, 0, 0);
}

static void descriptive_by_hand(void)
{
    /* Sorted 1, 2, 3, 10: median (2 + 3)/2; the 0.25 quantile sits at
     * position 3·0.25 = 0.75 between 1 and 2: 1.75. */
    const double x[] = {3, 1, 2, 10}, probs[] = {0.25, 1};
    double m, q[2];
    ictus_error err;
    CHECK(ictus_stats_median(x, 4, &m, &err) == ICTUS_OK);
    CHECK_NEAR(m, 2.5, 0, 0);
    CHECK(ictus_stats_quantiles(x, 4, probs, 2, q, &err) == ICTUS_OK);
    CHECK_NEAR(q[0], 1.75, 1e-15, 0);
    CHECK_NEAR(q[1], 10, 0, 0);
}

/* The order-statistic interval of a median and the t intervals at their edges. */
static void location_by_hand(void)
{
    ictus_error err;
    ictus_median_ci_result mc;
    /* n = 6: [x(1), x(6)] misses the median only when all six fall on one
     * side, 2/64: coverage 62/64 = 0.96875 ≥ 0.95; [x(2), x(5)] covers
     * 1 − 2·7/64 = 0.78125 < 0.95. */
    const double x6[] = {-20, -80, 10, -50, -60, -30};
    CHECK(ictus_stats_median_ci(x6, 6, 0.95, &mc, &err) == ICTUS_OK);
    CHECK(mc.rank_lo == 1 && mc.rank_hi == 6);
    CHECK_NEAR(mc.coverage, 62.0 / 64, 1e-15, 0);
    CHECK(mc.ci.lo == -80 && mc.ci.hi == 10);
    /* n = 5: at most 1 − 2/32 = 0.9375: no 95 % interval. */
    CHECK(ictus_stats_median_ci(x6, 5, 0.95, &mc, &err) == ICTUS_OK);
    CHECK(mc.rank_lo == 0 && isnan(mc.ci.lo) && isnan(mc.ci.hi));
    CHECK_NEAR(mc.coverage, 30.0 / 32, 1e-15, 0);
    /* ... but a 90 % one. */
    CHECK(ictus_stats_median_ci(x6, 5, 0.9, &mc, &err) == ICTUS_OK);
    CHECK(mc.rank_lo == 1 && mc.ci.lo == -80 && mc.ci.hi == 10);
    CHECK(x6[0] == -20); /* the input is not sorted in place */

    /* x = 1, 3: mean 2, sd √2, se 1, df 1: t(1) 97.5 % = tan(0.475π) = 12.7062. */
    ictus_t_result t;
    const double x2[] = {1, 3};
    CHECK(ictus_stats_mean_t(x2, 2, 0.95, &t, &err) == ICTUS_OK);
    CHECK_NEAR(t.ci.hi, 2 + tan(0.475 * M_PI), 1e-12, 0);
    CHECK_NEAR(t.t, 2, 1e-15, 0);
    /* Welch with equal sizes and spreads: df = 2(n − 1); both constant: NaN. */
    const double y2[] = {5, 7}, c2[] = {4, 4}, d2[] = {6, 6};
    CHECK(ictus_stats_welch_t(x2, 2, y2, 2, 0.95, &t, &err) == ICTUS_OK);
    CHECK_NEAR(t.df, 2, 1e-15, 0);
    CHECK_NEAR(t.estimate, -4, 0, 0);
    CHECK_NEAR(t.se, sqrt(2), 1e-15, 0);
    CHECK(ictus_stats_welch_t(c2, 2, d2, 2, 0.95, &t, &err) == ICTUS_OK);
    CHECK(isnan(t.df) && isnan(t.ci.lo) && isnan(t.p) && t.t == -INFINITY);
}

/* ---- Properties ------------------------------------------------------------------ */

/* Swapping the two samples turns "less" into "greater" with the same p
 * (including with ties under EXACT, where SciPy 1.10 is not symmetric),
 * and the order of the pairs does not matter.  Inputs stay untouched. */
static void symmetry_test(void)
{
    const double x[] = {1, 2, 3, 4, 5, 6, 7.5, 3, 2.5};
    const double y[] = {0, 0.5, 1.5, 2, 6, 4, 9, 1, 2.5};
    double xr[9], yr[9];
    for (int i = 0; i < 9; i++) {
        xr[i] = x[8 - i];
        yr[i] = y[8 - i];
    }
    for (int method = ICTUS_PMETHOD_AUTO; method <= ICTUS_PMETHOD_APPROX; method++) {
        ictus_wilcoxon_result a, b, c;
        ictus_wilcoxon_options less = {ICTUS_ALT_LESS, ICTUS_ZERO_ZSPLIT, method, false};
        ictus_wilcoxon_options greater = {ICTUS_ALT_GREATER, ICTUS_ZERO_ZSPLIT, method, false};
        CHECK(ictus_stats_wilcoxon(x, y, 9, &less, &a, NULL) == ICTUS_OK);
        CHECK(ictus_stats_wilcoxon(y, x, 9, &greater, &b, NULL) == ICTUS_OK);
        CHECK(ictus_stats_wilcoxon(xr, yr, 9, &less, &c, NULL) == ICTUS_OK);
        CHECK_NEAR(a.p, b.p, 1e-12, 0);
        CHECK_NEAR(a.p, c.p, 1e-12, 0);

        ictus_mwu_result u, v;
        ictus_mwu_options mless = {ICTUS_ALT_LESS, method, true};
        ictus_mwu_options mgreater = {ICTUS_ALT_GREATER, method, true};
        CHECK(ictus_stats_mannwhitneyu(x, 9, y, 5, &mless, &u, NULL) == ICTUS_OK);
        CHECK(ictus_stats_mannwhitneyu(y, 5, x, 9, &mgreater, &v, NULL) == ICTUS_OK);
        CHECK_NEAR(u.p, v.p, 1e-12, 0);
        CHECK(u.u1 == v.u2);
    }
    CHECK(x[6] == 7.5 && y[8] == 2.5);
}

/* Several threads running the tests at once get the single-thread answers. */
typedef struct {
    double p[3];
} thread_out;

static void *thread_work(void *arg)
{
    thread_out *out = arg;
    const double x[] = {3.2, 0.5, 7.1, 2.2, 4.4, 0.9, 6.3, 5.0, 1.7, 2.9, 8.8, 0.1};
    const double y[] = {2.1, 1.5, 6.0, 2.0, 5.4, 0.2, 3.3, 4.1, 0.7, 3.0, 6.1, 0.4};
    ictus_wilcoxon_result w;
    ictus_mwu_result u;
    ictus_fisher_result f;
    const ictus_table2x2 t = {7, 2, 3, 9};
    for (int rep = 0; rep < 200; rep++) {
        ictus_stats_wilcoxon(x, y, 12, NULL, &w, NULL);
        ictus_stats_mannwhitneyu(x, 12, y, 7, NULL, &u, NULL);
        ictus_stats_fisher_exact(&t, ICTUS_ALT_TWO_SIDED, &f, NULL);
    }
    out->p[0] = w.p;
    out->p[1] = u.p;
    out->p[2] = f.p;
    return NULL;
}

static void thread_test(void)
{
    thread_out single, many[4];
    thread_work(&single);
    pthread_t th[4];
    for (int i = 0; i < 4; i++)
        CHECK(pthread_create(&th[i], NULL, thread_work, &many[i]) == 0);
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        for (int k = 0; k < 3; k++)
            CHECK(many[i].p[k] == single.p[k]);
    }
}

/* ---- Invalid input ----------------------------------------------------------------- */

static void fails(ictus_status st, const ictus_error *err, const char *what)
{
    CHECK_MSG(st == ICTUS_ERR_DATA && err->status == ICTUS_ERR_DATA && err->msg[0],
              "%s should fail with a message", what);
}

static void invalid_input_test(void)
{
    const double x[] = {1, 2, 3}, nan_x[] = {1, NAN, 3}, zeros[] = {0, 0, 0};
    const double neg[] = {-1, 2, 3};
    ictus_wilcoxon_result w;
    ictus_mwu_result u;
    ictus_fisher_result f;
    ictus_log_ttest_result lt;
    ictus_rate_ratio_result rr;
    ictus_interval ci;
    double p, v, out[1];
    ictus_error err;
    fails(ictus_stats_wilcoxon(x, NULL, 0, NULL, &w, &err), &err, "wilcoxon n = 0");
    fails(ictus_stats_wilcoxon(x, nan_x, 3, NULL, &w, &err), &err, "wilcoxon NaN");
    CHECK(strstr(err.msg, "y[1]") != NULL);
    fails(ictus_stats_wilcoxon(zeros, NULL, 3, NULL, &w, &err), &err, "wilcoxon all zero");
    ictus_wilcoxon_options pratt = {.zero_method = ICTUS_ZERO_PRATT};
    fails(ictus_stats_wilcoxon(x, x, 3, &pratt, &w, &err), &err, "wilcoxon pratt all zero");
    fails(ictus_stats_mannwhitneyu(x, 3, x, 0, NULL, &u, &err), &err, "mwu empty group");
    fails(ictus_stats_mannwhitneyu(nan_x, 3, x, 3, NULL, &u, &err), &err, "mwu NaN");
    const ictus_table2x2 bad = {1, -2, 3, 4};
    fails(ictus_stats_fisher_exact(&bad, ICTUS_ALT_TWO_SIDED, &f, &err), &err, "fisher < 0");
    fails(ictus_stats_binom_test(11, 10, 0.5, ICTUS_ALT_TWO_SIDED, &p, &err), &err, "k > n");
    fails(ictus_stats_binom_test(1, 10, 1, ICTUS_ALT_TWO_SIDED, &p, &err), &err, "p0 = 1");
    fails(ictus_stats_clopper_pearson(1, 0, 0.95, ICTUS_ALT_TWO_SIDED, &ci, &err), &err, "n = 0");
    fails(ictus_stats_clopper_pearson(1, 5, 1, ICTUS_ALT_TWO_SIDED, &ci, &err), &err,
          "level 1");
    fails(ictus_stats_paired_log_ttest(x, x, 1, 0, 0.95, ICTUS_ALT_TWO_SIDED, &lt, &err), &err,
          "t-test n = 1");
    fails(ictus_stats_paired_log_ttest(neg, x, 3, 0.5, 0.95, ICTUS_ALT_TWO_SIDED, &lt, &err),
          &err, "log of a negative rate");
    fails(ictus_stats_paired_log_ttest(zeros, x, 3, 0, 0.95, ICTUS_ALT_TWO_SIDED, &lt, &err),
          &err, "log of zero without offset");
    fails(ictus_stats_half_min_positive(zeros, zeros, 3, &v, &err), &err, "no positive rate");
    fails(ictus_stats_rate_ratio(1, 0, 2, 10, 0.95, ICTUS_ALT_TWO_SIDED, &rr, &err), &err,
          "zero exposure");
    fails(ictus_stats_rate_ratio(-1, 1, 2, 10, 0.95, ICTUS_ALT_TWO_SIDED, &rr, &err), &err,
          "negative count");
    fails(ictus_stats_median(x, 0, &v, &err), &err, "median n = 0");
    fails(ictus_stats_median(nan_x, 3, &v, &err), &err, "median NaN");
    const double bad_q = 1.5;
    fails(ictus_stats_quantiles(x, 3, &bad_q, 1, out, &err), &err, "quantile 1.5");
    ictus_median_ci_result mc;
    ictus_t_result t;
    fails(ictus_stats_median_ci(x, 0, 0.95, &mc, &err), &err, "median_ci n = 0");
    fails(ictus_stats_median_ci(x, 3, 1, &mc, &err), &err, "median_ci level 1");
    fails(ictus_stats_median_ci(nan_x, 3, 0.9, &mc, &err), &err, "median_ci NaN");
    fails(ictus_stats_mean_t(x, 1, 0.95, &t, &err), &err, "mean_t n = 1");
    fails(ictus_stats_mean_t(nan_x, 3, 0.95, &t, &err), &err, "mean_t NaN");
    fails(ictus_stats_welch_t(x, 3, x, 1, 0.95, &t, &err), &err, "welch_t n2 = 1");
    fails(ictus_stats_welch_t(x, 3, nan_x, 3, 0.95, &t, &err), &err, "welch_t NaN");
    CHECK(strstr(err.msg, "y[1]") != NULL);
}

int main(void)
{
    fixture_test();
    wilcoxon_by_hand();
    mannwhitney_by_hand();
    fisher_by_hand();
    binomial_by_hand();
    rate_ratio_by_hand();
    log_ttest_by_hand();
    descriptive_by_hand();
    location_by_hand();
    symmetry_test();
    thread_test();
    invalid_input_test();
    return check_done("test_stats");
}
