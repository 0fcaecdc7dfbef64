/* test_survival.c: protocols/survival against statsmodels 0.13 and
 * hand-worked cases.
 *
 * 1. Every case of tests/fixtures/survival.txt (gen_survival.py, statsmodels'
 *    SurvfuncRight and survdiff): event times, numbers at risk and events
 *    exactly; S, its Greenwood standard error, the pointwise interval and the
 *    log-rank chi-square, O and E within 1e-6 relative; p-values within 1e-6
 *    relative or 1e-12 absolute; quantiles and their Brookmeyer–Crowley
 *    limits exactly (they are observed times, +inf or NaN); the designs
 *    statsmodels cannot test are refused.  The worst relative deviation of
 *    each function is printed.
 * 2. Hand-worked cases whose answers are derived in the comments.
 * 3. Properties: the order of the rows and the labels of the groups do not
 *    matter; inputs are not modified.
 * 4. Invalid input fails with ICTUS_ERR_DATA and a message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/check.h"
#include "tests/support_tokens.h"
#include "protocols/survival.h"

#define FIXTURE "tests/fixtures/survival.txt"
#define EST_REL 1e-6
#define P_REL 1e-6
#define P_ABS 1e-12
#define MAX_ROWS 256

static int line_no;

typedef struct {
    const char *name;
    int cases;
    double worst_rel;
} tracker;

static tracker t_km = {"kaplan_meier", 0, 0}, t_q = {"km_quantile", 0, 0},
               t_lr = {"logrank", 0, 0};

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
    CHECK_MSG(ok, "%s:%d: %s %s: got %.17g, statsmodels %.17g", FIXTURE, line_no, t->name, what,
              got, want);
}

/* ---- Fixture tokens ------------------------------------------------------------ */

/* tokens, tok(), tok_double(), tok_int(): tests/support_tokens.h */

static ictus_km_transform transform_named(const char *s)
{
    return !strcmp(s, "log") ? ICTUS_KM_LOG : !strcmp(s, "linear") ? ICTUS_KM_PLAIN
                                                                   : ICTUS_KM_LOGLOG;
}

/* ---- Fixture cases ------------------------------------------------------------------ */

static void case_km(tokens *tk)
{
    ictus_km_transform tr = transform_named(tok(tk));
    double level = tok_double(tk);
    size_t n = (size_t)tok_int(tk);
    double time[MAX_ROWS];
    bool event[MAX_ROWS];
    for (size_t i = 0; i < n; i++)
        time[i] = tok_double(tk);
    for (size_t i = 0; i < n; i++)
        event[i] = tok_int(tk);
    ictus_km km;
    ictus_error err = {0};
    if (!CHECK_MSG(ictus_km_estimate(time, event, n, tr, level, &km, &err) == ICTUS_OK,
                   "%s:%d: %s", FIXTURE, line_no, err.msg))
        return;
    t_km.cases++;
    size_t m = (size_t)tok_int(tk);
    CHECK_MSG(km.n_times == m, "%s:%d: %zu event times, statsmodels %zu", FIXTURE, line_no,
              km.n_times, m);
    for (size_t j = 0; j < m && j < km.n_times; j++) {
        CHECK_MSG(km.time[j] == tok_double(tk), "%s:%d: time[%zu] %g", FIXTURE, line_no, j,
                  km.time[j]);
        CHECK_MSG(km.n_risk[j] == tok_int(tk), "%s:%d: n_risk[%zu]", FIXTURE, line_no, j);
        CHECK_MSG(km.n_dead[j] == tok_int(tk), "%s:%d: n_dead[%zu]", FIXTURE, line_no, j);
        near(&t_km, "surv", km.surv[j], tok_double(tk), EST_REL, 0);
        near(&t_km, "se", km.se[j], tok_double(tk), EST_REL, 0);
        near(&t_km, "ci.lo", km.ci[j].lo, tok_double(tk), EST_REL, 0);
        near(&t_km, "ci.hi", km.ci[j].hi, tok_double(tk), EST_REL, 0);
    }
    for (int k = 0; k < 3; k++) {
        ictus_km_quantile_result q;
        double p = tok_double(tk);
        CHECK(ictus_km_quantile(&km, p, &q, &err) == ICTUS_OK);
        t_q.cases++;
        near(&t_q, "time", q.time, tok_double(tk), 0, 0);
        near(&t_q, "ci.lo", q.ci.lo, tok_double(tk), 0, 0);
        near(&t_q, "ci.hi", q.ci.hi, tok_double(tk), 0, 0);
    }
    ictus_km_free(&km);
}

static void case_logrank(tokens *tk)
{
    size_t n = (size_t)tok_int(tk), g = (size_t)tok_int(tk);
    double time[MAX_ROWS], obs[8], exp_[8];
    bool event[MAX_ROWS];
    size_t group[MAX_ROWS];
    for (size_t i = 0; i < n; i++)
        time[i] = tok_double(tk);
    for (size_t i = 0; i < n; i++)
        event[i] = tok_int(tk);
    for (size_t i = 0; i < n; i++)
        group[i] = (size_t)tok_int(tk);
    ictus_logrank_result res;
    ictus_error err = {0};
    ictus_status st = ictus_logrank(time, event, group, n, g, obs, exp_, &res, &err);
    t_lr.cases++;
    if (!strcmp(tk->v[tk->i], "error")) {
        CHECK_MSG(st == ICTUS_ERR_DATA && err.msg[0], "%s:%d: statsmodels refuses; got %d",
                  FIXTURE, line_no, (int)st);
        return;
    }
    if (!CHECK_MSG(st == ICTUS_OK, "%s:%d: %s", FIXTURE, line_no, err.msg))
        return;
    near(&t_lr, "chi2", res.chi2, tok_double(tk), P_REL, 0);
    near(&t_lr, "df", res.df, tok_double(tk), 0, 0);
    near(&t_lr, "p", res.p, tok_double(tk), P_REL, P_ABS);
    for (size_t a = 0; a < g; a++)
        near(&t_lr, "observed", obs[a], tok_double(tk), 0, 0);
    for (size_t a = 0; a < g; a++)
        near(&t_lr, "expected", exp_[a], tok_double(tk), EST_REL, 1e-12);
}

static void run_fixture(void)
{
    FILE *f = fopen(FIXTURE, "r");
    if (!CHECK_MSG(f != NULL, "cannot open %s", FIXTURE))
        return;
    static char line[65536];
    static tokens tk;
    while (fgets(line, sizeof line, f)) {
        line_no++;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        tokens_split(line, &tk);
        const char *kind = tok(&tk);
        if (!strcmp(kind, "km"))
            case_km(&tk);
        else if (!strcmp(kind, "logrank"))
            case_logrank(&tk);
        else
            CHECK_MSG(false, "%s:%d: unknown case %s", FIXTURE, line_no, kind);
    }
    fclose(f);
    CHECK(t_km.cases > 100 && t_lr.cases > 100);
    for (tracker *t = (tracker[]){t_km, t_q, t_lr}, *e = t + 3; t < e; t++)
        printf("%-14s %4d cases, worst relative deviation %.3g\n", t->name, t->cases,
               t->worst_rel);
}

/* ---- Hand-worked cases ------------------------------------------------------------------ */

static void test_hand_worked(void)
{
    ictus_error err = {0};
    /* Four animals dying at 1, 2, 3, 4: S = 3/4, 1/2, 1/4, 0.  Greenwood at
     * t = 1: S·√(1/(4·3)) = 0.75/√12.  S = 1/2 exactly at t = 2 is not below
     * 1/2: the median is 3.  At t = 4 S = 0: no standard error, no interval. */
    const double t4[] = {4, 2, 3, 1};
    const bool e4[] = {1, 1, 1, 1};
    ictus_km km;
    CHECK(ictus_km_estimate(t4, e4, 4, ICTUS_KM_LOGLOG, 0.95, &km, &err) == ICTUS_OK);
    CHECK_INT(km.n_times, 4);
    CHECK_NEAR(km.surv[1], 0.5, 0, 1e-15);
    CHECK_NEAR(km.se[0], 0.75 / sqrt(12), 1e-14, 0);
    CHECK(km.surv[3] == 0 && isnan(km.se[3]) && isnan(km.ci[3].lo));
    /* The log-log interval lies inside (0, 1) around S. */
    CHECK(km.ci[1].lo > 0 && km.ci[1].lo < 0.5 && km.ci[1].hi > 0.5 && km.ci[1].hi < 1);
    ictus_km_quantile_result q;
    CHECK(ictus_km_quantile(&km, 0.5, &q, &err) == ICTUS_OK);
    CHECK(q.time == 3);
    ictus_km_free(&km);
    ictus_km_free(&km); /* a zeroed km: no-op */
    ictus_km_free(NULL);

    /* Censored at an event time: still at risk there.  Rows (2, event),
     * (2, censored), (3, event): at t = 2 three at risk, one dies: S = 2/3;
     * at t = 3 one at risk (the censored animal left): S = 0. */
    const double t3[] = {2, 2, 3};
    const bool e3[] = {1, 0, 1};
    CHECK(ictus_km_estimate(t3, e3, 3, ICTUS_KM_LOG, 0.95, &km, &err) == ICTUS_OK);
    CHECK(km.n_times == 2 && km.n_risk[0] == 3 && km.n_risk[1] == 1);
    CHECK_NEAR(km.surv[0], 2.0 / 3, 1e-15, 0);
    CHECK(km.surv[1] == 0);
    ictus_km_free(&km);

    /* Everyone censored: no event time, no median. */
    const bool none[] = {0, 0, 0, 0};
    CHECK(ictus_km_estimate(t4, none, 4, ICTUS_KM_LOGLOG, 0.95, &km, &err) == ICTUS_OK);
    CHECK(km.n_times == 0 && km.n_events == 0);
    CHECK(ictus_km_quantile(&km, 0.5, &q, &err) == ICTUS_OK);
    CHECK(isnan(q.time) && isnan(q.ci.lo) && isnan(q.ci.hi));
    ictus_km_free(&km);

    /* Log-rank, deaths at 1 (group 0), 2 and 3 (group 1).  t = 1: N = 3, d = 1,
     * r1 = 2/3: O1 − E1 = −2/3, V11 = 1·2/2·(2/3)(1/3) = 2/9.  t = 2: N = 2,
     * both of group 1: O1 − E1 = 1 − 1 = 0, V adds 0.  t = 3: N = 1, skipped.
     * χ² = (4/9)/(2/9) = 2, df 1, p = P(χ²₁ > 2) = 0.157299...;
     * E = (1/3, 2/3 + 1 + 1). */
    const double tl[] = {1, 2, 3};
    const bool el[] = {1, 1, 1};
    const size_t gl[] = {0, 1, 1};
    double obs[2], expct[2];
    ictus_logrank_result lr;
    CHECK(ictus_logrank(tl, el, gl, 3, 2, obs, expct, &lr, &err) == ICTUS_OK);
    CHECK_NEAR(lr.chi2, 2, 1e-14, 0);
    CHECK_NEAR(lr.p, 0.15729920705028513, 1e-12, 0);
    CHECK(lr.df == 1 && obs[0] == 1 && obs[1] == 2);
    CHECK_NEAR(expct[0], 1.0 / 3, 1e-15, 0);
    CHECK_NEAR(expct[1], 8.0 / 3, 1e-15, 0);
}

/* ---- Properties -------------------------------------------------------------------------- */

static void test_properties(void)
{
    enum { N = 24 };
    double time[N], time_rev[N];
    bool event[N], event_rev[N];
    size_t group[N], group_rev[N], group_swap[N];
    unsigned seed = 7;
    for (size_t i = 0; i < N; i++) {
        seed = seed * 1103515245u + 12345u;
        time[i] = (double)((seed >> 16) % 9 + 1); /* ties */
        event[i] = (seed >> 8) % 3 != 0;
        group[i] = i % 3;
    }
    for (size_t i = 0; i < N; i++) {
        time_rev[i] = time[N - 1 - i];
        event_rev[i] = event[N - 1 - i];
        group_rev[i] = group[N - 1 - i];
        group_swap[i] = 2 - group[i];
    }
    double time_copy[N];
    memcpy(time_copy, time, sizeof time);
    ictus_error err = {0};
    ictus_km a, b;
    CHECK(ictus_km_estimate(time, event, N, ICTUS_KM_LOGLOG, 0.9, &a, &err) == ICTUS_OK);
    CHECK(ictus_km_estimate(time_rev, event_rev, N, ICTUS_KM_LOGLOG, 0.9, &b, &err) == ICTUS_OK);
    bool same = a.n_times == b.n_times;
    for (size_t j = 0; same && j < a.n_times; j++)
        same = a.surv[j] == b.surv[j] && a.se[j] == b.se[j] && a.ci[j].lo == b.ci[j].lo;
    CHECK_MSG(same, "Kaplan–Meier depends on the order of the rows");
    for (size_t j = 1; j < a.n_times; j++)
        CHECK(a.surv[j] <= a.surv[j - 1] && a.time[j] > a.time[j - 1]);
    ictus_km_free(&a);
    ictus_km_free(&b);

    ictus_logrank_result r1, r2, r3;
    CHECK(ictus_logrank(time, event, group, N, 3, NULL, NULL, &r1, &err) == ICTUS_OK);
    CHECK(ictus_logrank(time_rev, event_rev, group_rev, N, 3, NULL, NULL, &r2, &err) == ICTUS_OK);
    CHECK(ictus_logrank(time, event, group_swap, N, 3, NULL, NULL, &r3, &err) == ICTUS_OK);
    CHECK_NEAR(r2.chi2, r1.chi2, 1e-12, 0);
    CHECK_NEAR(r3.chi2, r1.chi2, 1e-10, 0); /* another reference group: same statistic */
    CHECK(r1.df == 2 && r1.p > 0 && r1.p <= 1);
    CHECK(memcmp(time, time_copy, sizeof time) == 0);
}

/* ---- Invalid input -------------------------------------------------------------------------- */

static void expect_data_error(ictus_status st, const ictus_error *err, const char *what,
                              const char *word)
{
    CHECK_MSG(st == ICTUS_ERR_DATA && strstr(err->msg, word), "%s: status %d, message \"%s\"",
              what, (int)st, err->msg);
}

static void test_invalid(void)
{
    ictus_error err = {0};
    ictus_km km;
    const double t[] = {1, 2, -1};
    const bool e[] = {1, 1, 1};
    const size_t g[] = {0, 1, 1};
    expect_data_error(ictus_km_estimate(t, e, 0, ICTUS_KM_LOG, 0.95, &km, &err), &err, "n = 0",
                      "no animals");
    expect_data_error(ictus_km_estimate(t, e, 3, ICTUS_KM_LOG, 0.95, &km, &err), &err,
                      "negative time", "time[2]");
    const double tn[] = {1, NAN};
    expect_data_error(ictus_km_estimate(tn, e, 2, ICTUS_KM_LOG, 0.95, &km, &err), &err, "NaN",
                      "time[1]");
    expect_data_error(ictus_km_estimate(t, e, 2, ICTUS_KM_LOG, 1.0, &km, &err), &err,
                      "level 1", "level");
    CHECK(ictus_km_estimate(t, e, 2, ICTUS_KM_LOG, 0.95, &km, &err) == ICTUS_OK);
    ictus_km_quantile_result q;
    expect_data_error(ictus_km_quantile(&km, 0, &q, &err), &err, "p = 0", "p = 0");
    ictus_km_free(&km);

    ictus_logrank_result lr;
    expect_data_error(ictus_logrank(t, e, g, 2, 1, NULL, NULL, &lr, &err), &err, "one group",
                      "at least two");
    const size_t g_bad[] = {0, 5};
    expect_data_error(ictus_logrank(t, e, g_bad, 2, 2, NULL, NULL, &lr, &err), &err,
                      "group out of range", "group[1]");
    expect_data_error(ictus_logrank(t, e, g, 2, 3, NULL, NULL, &lr, &err), &err, "empty group",
                      "group 2 has no animal");
    const bool none[] = {0, 0};
    expect_data_error(ictus_logrank(t, none, g, 2, 2, NULL, NULL, &lr, &err), &err, "no events",
                      "no event");
    /* Group 0 censored at 1, before group 1's events at 5 and 6. */
    const double tc[] = {1, 5, 6};
    const bool ec[] = {0, 1, 1};
    expect_data_error(ictus_logrank(tc, ec, g, 3, 2, NULL, NULL, &lr, &err), &err,
                      "group never at risk at an event", "singular");
}

int main(void)
{
    run_fixture();
    test_hand_worked();
    test_properties();
    test_invalid();
    return check_done("test_survival");
}
