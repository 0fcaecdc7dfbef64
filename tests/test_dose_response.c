/* test_dose_response.c: protocols/dose_response against statsmodels 0.13
 * and hand-worked cases.
 *
 * 1. Every case of tests/fixtures/dose_response.txt (gen_dose_response.py:
 *    statsmodels' GLM probit/logit fits; Fieller, profile-likelihood and PI
 *    intervals computed there from those fits): intercept, slope, their
 *    covariance, log-likelihood, deviance, Pearson chi-square, ED_p and every
 *    interval limit within 1e-6 relative (deviance and chi-square also 1e-9
 *    absolute: they are 0 in a saturated fit), the goodness-of-fit p within
 *    1e-6 relative or 1e-12 absolute; Fieller's "no bounded interval" and
 *    the profile's unbounded ends exactly; every degenerate design refused
 *    with a message naming its reason.  The worst relative deviation of each
 *    function is printed.
 * 2. Hand-worked cases: a saturated two-dose fit passes through both
 *    proportions; a symmetric design has its ED50 at the middle dose.
 * 3. Properties: the order of the groups does not matter; splitting a group
 *    into two rows at the same dose changes only the log C(n, r) terms and the
 *    fit statistics of the rows, not the estimates.
 * 4. Invalid arguments fail with ICTUS_ERR_DATA.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/check.h"
#include "tests/support_tokens.h"
#include "protocols/dose_response.h"

#define FIXTURE "tests/fixtures/dose_response.txt"
#define EST_REL 1e-6
#define P_REL 1e-6
#define P_ABS 1e-12
#define FIT_ABS 1e-9 /* deviance, Pearson: 0 when saturated */
#define MAX_GROUPS 64

static int line_no;

typedef struct {
    const char *name;
    int cases;
    double worst_rel;
} tracker;

static tracker t_fit = {"fit", 0, 0}, t_refuse = {"refusals", 0, 0}, t_ed = {"ED/Fieller", 0, 0},
               t_prof = {"profile", 0, 0}, t_pi = {"PI", 0, 0};

/* got ≈ want within rel·|want| + abs; NaN matches NaN, ±inf itself. */
static void near(tracker *t, const char *what, double got, double want, double rel, double abs)
{
    bool ok;
    if (isnan(want) || isinf(want)) {
        ok = isnan(want) ? isnan(got) : got == want;
    } else {
        double dev = fabs(got - want);
        ok = dev <= abs + rel * fabs(want);
        /* Relative to |want|, or to abs/rel where the absolute tolerance rules. */
        double scale = rel > 0 ? fmax(fabs(want), abs / rel) : fabs(want);
        if (scale > 0 && dev / scale > t->worst_rel)
            t->worst_rel = dev / scale;
    }
    CHECK_MSG(ok, "%s:%d: %s %s: got %.17g, reference %.17g", FIXTURE, line_no, t->name, what,
              got, want);
}

/* ---- Fixture tokens ------------------------------------------------------------ */

/* tokens, tok(), tok_double(), tok_int(): tests/support_tokens.h */

static ictus_dose_link tok_link(tokens *tk)
{
    return !strcmp(tok(tk), "logit") ? ICTUS_LINK_LOGIT : ICTUS_LINK_PROBIT;
}

/* K then K (dose, n, r) triples. */
static size_t tok_design(tokens *tk, ictus_dose_group *g)
{
    size_t k = (size_t)tok_int(tk);
    for (size_t i = 0; i < k && i < MAX_GROUPS; i++) {
        g[i].dose = tok_double(tk);
        g[i].n = tok_int(tk);
        g[i].r = tok_int(tk);
    }
    return k;
}

/* The words of the refusal message for each reason of the generator. */
static const char *reason_words(const char *reason)
{
    static const char *const map[][2] = {
        {"bad-dose", "expected a dose > 0"}, {"bad-count", "expected at least one animal"},
        {"one-dose", "only one dose"},       {"none-respond", "no animal responded"},
        {"all-respond", "every animal responded"}, {"separated", "complete separation"}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (!strcmp(reason, map[i][0]))
            return map[i][1];
    return "(unknown reason)";
}

/* ---- Fixture cases ------------------------------------------------------------------- */

static void case_fit(tokens *tk)
{
    ictus_dose_link link = tok_link(tk);
    ictus_dose_group g[MAX_GROUPS];
    size_t k = tok_design(tk, g);
    ictus_dose_fit fit;
    ictus_error err = {0};
    ictus_status st = ictus_dose_response_fit(g, k, link, &fit, &err);
    if (!strcmp(tk->v[tk->i], "error")) {
        tok(tk);
        const char *words = reason_words(tok(tk));
        t_refuse.cases++;
        CHECK_MSG(st == ICTUS_ERR_DATA && strstr(err.msg, words),
                  "%s:%d: expected a refusal with \"%s\"; got status %d \"%s\"", FIXTURE,
                  line_no, words, (int)st, err.msg);
        return;
    }
    if (!CHECK_MSG(st == ICTUS_OK, "%s:%d: %s", FIXTURE, line_no, err.msg))
        return;
    t_fit.cases++;
    near(&t_fit, "intercept", fit.intercept, tok_double(tk), EST_REL, 0);
    near(&t_fit, "slope", fit.slope, tok_double(tk), EST_REL, 0);
    near(&t_fit, "var_intercept", fit.var_intercept, tok_double(tk), EST_REL, 0);
    near(&t_fit, "covariance", fit.covariance, tok_double(tk), EST_REL, 0);
    near(&t_fit, "var_slope", fit.var_slope, tok_double(tk), EST_REL, 0);
    near(&t_fit, "loglik", fit.loglik, tok_double(tk), EST_REL, 0);
    near(&t_fit, "deviance", fit.deviance, tok_double(tk), EST_REL, FIT_ABS);
    near(&t_fit, "pearson_chi2", fit.pearson_chi2, tok_double(tk), EST_REL, FIT_ABS);
    near(&t_fit, "df", fit.df, tok_double(tk), 0, 0);
    near(&t_fit, "gof_p", fit.gof_p, tok_double(tk), P_REL, P_ABS);
}

static void case_ed(tokens *tk)
{
    ictus_dose_link link = tok_link(tk);
    double level = tok_double(tk), p = tok_double(tk);
    ictus_dose_group g[MAX_GROUPS];
    size_t k = tok_design(tk, g);
    ictus_dose_fit fit;
    ictus_ed_result ed;
    ictus_error err = {0};
    if (!CHECK_MSG(ictus_dose_response_fit(g, k, link, &fit, &err) == ICTUS_OK &&
                       ictus_dose_response_ed(g, k, &fit, p, level, &ed, &err) == ICTUS_OK,
                   "%s:%d: %s", FIXTURE, line_no, err.msg))
        return;
    t_ed.cases++;
    t_prof.cases++;
    near(&t_ed, "log10_ed", ed.log10_ed, tok_double(tk), EST_REL, 1e-12);
    near(&t_ed, "ed", ed.ed, tok_double(tk), EST_REL, 0);
    near(&t_ed, "se_log10", ed.se_log10, tok_double(tk), EST_REL, 0);
    near(&t_ed, "g", ed.fieller_g, tok_double(tk), EST_REL, 0);
    bool bounded = tok_int(tk);
    CHECK_MSG(ed.fieller_bounded == bounded, "%s:%d: Fieller bounded %d, reference %d", FIXTURE,
              line_no, ed.fieller_bounded, bounded);
    near(&t_ed, "fieller.lo", ed.fieller.lo, tok_double(tk), EST_REL, 0);
    near(&t_ed, "fieller.hi", ed.fieller.hi, tok_double(tk), EST_REL, 0);
    near(&t_prof, "profile.lo", ed.profile.lo, tok_double(tk), EST_REL, 0);
    near(&t_prof, "profile.hi", ed.profile.hi, tok_double(tk), EST_REL, 0);
    /* Both intervals hold the estimate. */
    CHECK(ed.profile.lo < ed.ed && ed.ed < ed.profile.hi);
    CHECK(!bounded || (ed.fieller.lo < ed.ed && ed.ed < ed.fieller.hi));
}

static void case_pi(tokens *tk)
{
    ictus_dose_link link = tok_link(tk);
    double level = tok_double(tk);
    ictus_dose_group td[MAX_GROUPS], ed[MAX_GROUPS];
    size_t kt = tok_design(tk, td), ke = tok_design(tk, ed);
    ictus_dose_fit ft, fe;
    ictus_pi_result pi;
    ictus_error err = {0};
    if (!CHECK_MSG(ictus_dose_response_fit(td, kt, link, &ft, &err) == ICTUS_OK &&
                       ictus_dose_response_fit(ed, ke, link, &fe, &err) == ICTUS_OK &&
                       ictus_dose_response_pi(&ft, &fe, level, &pi, &err) == ICTUS_OK,
                   "%s:%d: %s", FIXTURE, line_no, err.msg))
        return;
    t_pi.cases++;
    near(&t_pi, "pi", pi.pi, tok_double(tk), EST_REL, 0);
    near(&t_pi, "se_log10", pi.se_log10, tok_double(tk), EST_REL, 0);
    near(&t_pi, "ci.lo", pi.ci.lo, tok_double(tk), EST_REL, 0);
    near(&t_pi, "ci.hi", pi.ci.hi, tok_double(tk), EST_REL, 0);
}

static void run_fixture(void)
{
    FILE *f = fopen(FIXTURE, "r");
    if (!CHECK_MSG(f != NULL, "cannot open %s", FIXTURE))
        return;
    static char line[16384];
    static tokens tk;
    while (fgets(line, sizeof line, f)) {
        line_no++;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        tokens_split(line, &tk);
        const char *kind = tok(&tk);
        if (!strcmp(kind, "fit"))
            case_fit(&tk);
        else if (!strcmp(kind, "ed"))
            case_ed(&tk);
        else if (!strcmp(kind, "pi"))
            case_pi(&tk);
        else
            CHECK_MSG(false, "%s:%d: unknown case %s", FIXTURE, line_no, kind);
    }
    fclose(f);
    CHECK(t_fit.cases >= 70 && t_refuse.cases >= 20 && t_ed.cases > 50 && t_pi.cases >= 30);
    const tracker all[] = {t_fit, t_refuse, t_ed, t_prof, t_pi};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        printf("%-12s %4d cases, worst relative deviation %.3g\n", all[i].name, all[i].cases,
               all[i].worst_rel);
}

/* ---- Hand-worked cases ------------------------------------------------------------------ */

static void test_hand_worked(void)
{
    ictus_error err = {0};
    ictus_dose_fit fit;
    /* Two doses, 1 and 100 (x = 0, 2), with 2/10 and 8/10: the fit is
     * saturated, F(a) = 0.2 and F(a + 2b) = 0.8.  Probit: a = Φ⁻¹(0.2) =
     * −0.8416212335729143, b = −a (since Φ⁻¹(0.8) = −Φ⁻¹(0.2)), ED50 = 10^1;
     * deviance and Pearson 0 on 0 df, no p. */
    const ictus_dose_group two[] = {{1, 10, 2}, {100, 10, 8}};
    CHECK(ictus_dose_response_fit(two, 2, ICTUS_LINK_PROBIT, &fit, &err) == ICTUS_OK);
    CHECK_NEAR(fit.intercept, -0.8416212335729143, 1e-9, 0);
    CHECK_NEAR(fit.slope, 0.8416212335729143, 1e-9, 0);
    CHECK_NEAR(fit.deviance, 0, 0, 1e-12);
    CHECK(fit.df == 0 && isnan(fit.gof_p));
    ictus_ed_result ed;
    CHECK(ictus_dose_response_ed(two, 2, &fit, 0.5, 0.95, &ed, &err) == ICTUS_OK);
    CHECK_NEAR(ed.ed, 10, 1e-9, 0);

    /* Logit, symmetric design around dose 4 (x = log10 4) with 1, 3, 5, 7, 9
     * of 10 at doses 1..16 (×2): by symmetry ED50 = 4; ED_p and ED_(1−p)
     * lie symmetrically on the log scale. */
    const ictus_dose_group sym[] = {{1, 10, 1}, {2, 10, 3}, {4, 10, 5}, {8, 10, 7}, {16, 10, 9}};
    CHECK(ictus_dose_response_fit(sym, 5, ICTUS_LINK_LOGIT, &fit, &err) == ICTUS_OK);
    CHECK(ictus_dose_response_ed(sym, 5, &fit, 0.5, 0.95, &ed, &err) == ICTUS_OK);
    CHECK_NEAR(ed.ed, 4, 1e-9, 0);
    /* The profile interval is symmetric too, on the log scale. */
    CHECK_NEAR(log10(ed.profile.lo) + log10(ed.profile.hi), 2 * log10(4), 1e-9, 1e-11);
    ictus_ed_result e16, e84;
    CHECK(ictus_dose_response_ed(sym, 5, &fit, 0.16, 0.95, &e16, &err) == ICTUS_OK);
    CHECK(ictus_dose_response_ed(sym, 5, &fit, 0.84, 0.95, &e84, &err) == ICTUS_OK);
    CHECK_NEAR(e16.log10_ed + e84.log10_ed, 2 * log10(4), 1e-9, 1e-11);
    CHECK(e16.ed < ed.ed && ed.ed < e84.ed);

    /* PI of a fit against itself: 1, interval symmetric about 1 in log. */
    ictus_pi_result pi;
    CHECK(ictus_dose_response_pi(&fit, &fit, 0.95, &pi, &err) == ICTUS_OK);
    CHECK_NEAR(pi.pi, 1, 1e-12, 0);
    CHECK_NEAR(pi.ci.lo * pi.ci.hi, 1, 1e-12, 0);
    CHECK_NEAR(pi.se_log10, sqrt(2) * ed.se_log10, 1e-12, 0);
}

/* ---- Properties -------------------------------------------------------------------------- */

static void test_properties(void)
{
    ictus_error err = {0};
    const ictus_dose_group g[] = {{2.5, 8, 1}, {5, 9, 4}, {10, 7, 5}, {20, 8, 7}};
    const ictus_dose_group rev[] = {{20, 8, 7}, {10, 7, 5}, {5, 9, 4}, {2.5, 8, 1}};
    /* {5, 9, 4} split into {5, 5, 2} and {5, 4, 2}. */
    const ictus_dose_group split_rows[] = {{2.5, 8, 1}, {5, 5, 2}, {10, 7, 5}, {20, 8, 7},
                                           {5, 4, 2}};
    for (int l = 0; l < 2; l++) {
        ictus_dose_link link = l ? ICTUS_LINK_LOGIT : ICTUS_LINK_PROBIT;
        ictus_dose_fit a, b, c;
        CHECK(ictus_dose_response_fit(g, 4, link, &a, &err) == ICTUS_OK);
        CHECK(ictus_dose_response_fit(rev, 4, link, &b, &err) == ICTUS_OK);
        CHECK(ictus_dose_response_fit(split_rows, 5, link, &c, &err) == ICTUS_OK);
        CHECK_NEAR(b.slope, a.slope, 1e-10, 0);
        CHECK_NEAR(b.loglik, a.loglik, 1e-10, 0);
        CHECK_NEAR(c.slope, a.slope, 1e-9, 0);
        CHECK_NEAR(c.intercept, a.intercept, 1e-9, 0);
        CHECK_NEAR(c.var_slope, a.var_slope, 1e-9, 0);
        CHECK(c.df == 3 && a.df == 2);
        ictus_ed_result ea, ec;
        CHECK(ictus_dose_response_ed(g, 4, &a, 0.5, 0.95, &ea, &err) == ICTUS_OK);
        CHECK(ictus_dose_response_ed(split_rows, 5, &c, 0.5, 0.95, &ec, &err) == ICTUS_OK);
        CHECK_NEAR(ec.profile.lo, ea.profile.lo, 1e-9, 0);
        CHECK_NEAR(ec.profile.hi, ea.profile.hi, 1e-9, 0);
        /* A wider level gives wider intervals. */
        ictus_ed_result e99;
        CHECK(ictus_dose_response_ed(g, 4, &a, 0.5, 0.99, &e99, &err) == ICTUS_OK);
        CHECK(e99.profile.lo < ea.profile.lo && e99.profile.hi > ea.profile.hi);
        CHECK(e99.fieller_g > ea.fieller_g);
    }
}

/* ---- Invalid arguments ---------------------------------------------------------------------- */

static void test_invalid(void)
{
    ictus_error err = {0};
    ictus_dose_fit fit;
    ictus_ed_result ed;
    ictus_pi_result pi;
    const ictus_dose_group g[] = {{1, 10, 2}, {2, 10, 4}, {4, 10, 7}};
    CHECK(ictus_dose_response_fit(g, 0, ICTUS_LINK_PROBIT, &fit, &err) == ICTUS_ERR_DATA &&
          strstr(err.msg, "no dose groups"));
    CHECK(ictus_dose_response_fit(g, 3, (ictus_dose_link)7, &fit, &err) == ICTUS_ERR_DATA);
    CHECK(ictus_dose_response_fit(g, 3, ICTUS_LINK_PROBIT, &fit, &err) == ICTUS_OK);
    CHECK(ictus_dose_response_ed(g, 3, &fit, 1.0, 0.95, &ed, &err) == ICTUS_ERR_DATA &&
          strstr(err.msg, "p = 1"));
    CHECK(ictus_dose_response_ed(g, 3, &fit, 0.5, 0, &ed, &err) == ICTUS_ERR_DATA &&
          strstr(err.msg, "level"));
    CHECK(ictus_dose_response_ed(g, 2, &fit, 0.5, 0.95, &ed, &err) == ICTUS_ERR_DATA &&
          strstr(err.msg, "not one of these"));
    CHECK(ictus_dose_response_pi(&fit, &fit, 1.5, &pi, &err) == ICTUS_ERR_DATA);
    ictus_dose_fit flat = fit;
    flat.slope = 0;
    CHECK(ictus_dose_response_pi(&flat, &fit, 0.95, &pi, &err) == ICTUS_ERR_DATA &&
          strstr(err.msg, "slope 0"));
}

int main(void)
{
    run_fixture();
    test_hand_worked();
    test_properties();
    test_invalid();
    return check_done("test_dose_response");
}
