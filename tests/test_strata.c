/* test_strata.c: results by stratum (protocols/strata.c and its hooks in analysis.c).
 *
 * Proves:
 *   - the interaction rows (Mann–Whitney of % change between strata) agree
 *     with SciPy on every case of tests/fixtures/strata.txt
 *     (tests/fixtures/gen_strata.py): U1, p (1e-6 relative or 1e-12
 *     absolute), the estimate, the counts, the pairs' order, NaN % changes
 *     and outcomes without a stratum left out, an empty side without p;
 *   - the rows within each stratum are exactly ictus_comparisons_compute()
 *     on that stratum's outcomes, tagged with the label;
 *   - settings: by (keys, spaces, crossing), age_groups_days; refusals (an
 *     unknown or repeated key, age_group without edges, edges not ascending
 *     or negative or not numbers) name [analysis]; the strata lines;
 *   - labels: sex, group, crossed, age groups at a time (edges inclusive
 *     below), missing values give no label;
 *   - compare --by sex of that study with itself: the interaction columns of
 *     the F and M rows against the fixture (6 against 6 with ties, exact);
 *   - a small study analysed with and without by = sex: the pooled rows,
 *     periods.csv and responders.csv (the stratum column removed) are byte
 *     for byte the unstratified files, the same settings_hash; within sex=F
 *     (the drug works) 3/3 responders, within sex=M 0/3, the interaction
 *     exact p = 0.1 (3 against 3, separated); an animal without sex has an
 *     empty stratum and is in no stratum's rows; a label from input is
 *     escaped in the CSV files; by age_group labels each outcome by the
 *     animal's age at its condition's start.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/config.h"
#include "base/path.h"
#include "base/strbuf.h"
#include "base/vec.h"
#include "base/walltime.h"
#include "protocols/analysis.h"
#include "protocols/cross_cohort.h"
#include "protocols/strata.h"
#include "tests/check.h"
#include "tests/support_study.h"
#include "tests/support_tmp.h"

#define H_US (INT64_C(3600) * ICTUS_US_PER_S)
#define DAY_US (24 * H_US)

static int64_t t0_us; /* 2026-01-05T00:00 */

static int64_t day(double d) { return t0_us + (int64_t)llround(d * (double)DAY_US); }

/* p-values: 1e-6 relative or 1e-12 absolute; estimates 1e-9 relative. */
#define CHECK_P(a, b) CHECK_NEAR(a, b, 1e-6, 1e-12)

/* ------------------------------------------------------------------------
 * The fixture: interaction rows against SciPy
 * ---------------------------------------------------------------------- */

static const ictus_condition treatment = {.kind = ICTUS_PERIOD_TREATMENT, .drug = "drug",
                                          .dose_mg_kg = 10, .route = "ip",
                                          .target_dose_mg_kg = NAN};

static const char *const labels[] = {"s0", "s1", "s2", "s3", "s4", "s5"};

/* An outcome of stratum `label` with % change pct (the rest empty). */
static ictus_outcome outcome(int animal, const char *label, double pct)
{
    return (ictus_outcome){.animal = animal, .animal_id = "a", .group = "",
                           .condition = &treatment, .type = 0,
                           .response = {ICTUS_CLASS_UNDETERMINED, ICTUS_WHY_NONE, pct, NAN},
                           .stratum = label};
}

/* The rows within stratum `label` must be ictus_comparisons_compute() on its outcomes. */
static void check_within(const ictus_outcome *o, size_t n, const ictus_comparison *rows,
                         size_t n_rows, const char *label, const ictus_test_options *opt)
{
    ictus_outcome *mine = ictus_xmalloc(n * sizeof *mine);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (o[i].stratum && strcmp(o[i].stratum, label) == 0)
            mine[m++] = o[i];
    ictus_comparison *want = NULL;
    size_t n_want = 0;
    ictus_error err;
    CHECK(ictus_comparisons_compute(mine, m, 1, opt, &want, &n_want, &err) == ICTUS_OK);
    size_t found = 0;
    for (size_t i = 0; i < n_rows; i++) {
        if (!rows[i].stratum || strcmp(rows[i].stratum, label) != 0)
            continue;
        if (!CHECK(found < n_want))
            break;
        const ictus_comparison *w = &want[found++];
        CHECK_MSG(rows[i].test == w->test && rows[i].versus == w->versus &&
                      rows[i].n == w->n && rows[i].k == w->k && rows[i].n_ref == w->n_ref &&
                      (rows[i].p == w->p || (isnan(rows[i].p) && isnan(w->p))) &&
                      (rows[i].estimate == w->estimate ||
                       (isnan(rows[i].estimate) && isnan(w->estimate))) &&
                      strcmp(rows[i].note, w->note) == 0,
                  "%s: row %zu differs from the stratum's own comparisons", label, i);
    }
    CHECK_INT(found, n_want);
    free(want);
    free(mine);
}

/* One "strata" line: build the outcomes, compute, check the "pair" lines that follow. */
static void fixture_case(char *line, FILE *f)
{
    char name[64];
    int exact_max_n, k, used;
    if (!CHECK(sscanf(line, "strata %63s %d %d%n", name, &exact_max_n, &k, &used) == 3 &&
               k >= 2 && k <= 6))
        return;
    char *p = line + used;
    int sizes[6], total = 0;
    for (int i = 0; i < k; i++) {
        sizes[i] = (int)strtol(p, &p, 10);
        total += sizes[i];
    }
    ictus_outcome *o = ictus_xmalloc((size_t)(total + 2) * sizeof *o);
    size_t n = 0;
    for (int i = 0; i < k; i++)
        for (int j = 0; j < sizes[i]; j++, n++)
            o[n] = outcome((int)n, labels[i], strtod(p, &p));
    /* Outcomes without a stratum and of another condition kind are left out. */
    o[n] = outcome((int)n, NULL, -99);
    n++;
    ictus_test_options opt = {0.95, exact_max_n};
    ictus_comparison *rows = NULL;
    size_t n_rows = 0;
    ictus_error err;
    CHECK_MSG(ictus_strata_comparisons(o, n, 1, &opt, "sex", &rows, &n_rows, &err) == ICTUS_OK,
              "%s: %s", name, err.msg);
    for (int i = 0; i < k; i++)
        check_within(o, n, rows, n_rows, labels[i], &opt);
    size_t first = 0;
    while (first < n_rows && rows[first].versus != ICTUS_VERSUS_STRATUM)
        first++;
    CHECK_INT(n_rows - first, k * (k - 1) / 2);
    for (size_t r = first; r < n_rows; r++) {
        char buf[512];
        int i, j;
        long na, nb;
        double u, pv, est;
        if (!CHECK(fgets(buf, sizeof buf, f) &&
                   sscanf(buf, "pair %*s %d %d %ld %ld %lf %lf %lf", &i, &j, &na, &nb, &u, &pv,
                          &est) == 7))
            break;
        const ictus_comparison *c = &rows[r];
        CHECK_STR(c->group_a, labels[i]);
        CHECK_STR(c->group_b, labels[j]);
        CHECK_STR(c->stratum, "sex");
        CHECK(c->test == ICTUS_TEST_MANN_WHITNEY && c->condition == &treatment);
        CHECK_INT(c->n, na);
        CHECK_INT(c->n_ref, nb);
        CHECK_MSG(isnan(u) ? isnan(c->statistic) : fabs(c->statistic - u) <= 1e-9 * fabs(u),
                  "%s %d-%d: U1 %.17g, SciPy %.17g", name, i, j, c->statistic, u);
        CHECK_P(c->p, pv);
        CHECK_NEAR(c->estimate, est, 1e-12, 1e-12);
        if (isnan(pv))
            CHECK_STR(c->note, "no value on one side");
    }
    free(rows);
    free(o);
}

static void test_fixture(void)
{
    FILE *f = fopen("tests/fixtures/strata.txt", "r");
    if (!CHECK_MSG(f != NULL, "tests/fixtures/strata.txt: run from the project root"))
        return;
    char line[4096];
    int cases = 0;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "strata ", 7) == 0) {
            fixture_case(line, f);
            cases++;
        }
    fclose(f);
    CHECK_INT(cases, 9);
}

/* The "pair NAME 0 1 ..." line of the fixture: U1, p, estimate. */
static bool fixture_pair(const char *name, double *u, double *p, double *est)
{
    FILE *f = fopen("tests/fixtures/strata.txt", "r");
    char line[4096], want[96];
    snprintf(want, sizeof want, "pair %s 0 1 ", name);
    bool found = false;
    while (f && !found && fgets(line, sizeof line, f))
        found = strncmp(line, want, strlen(want)) == 0 &&
                sscanf(line + strlen(want), "%*d %*d %lf %lf %lf", u, p, est) == 3;
    if (f)
        fclose(f);
    return found;
}

/* ------------------------------------------------------------------------
 * Settings and labels
 * ---------------------------------------------------------------------- */

static ictus_status apply(const char *text, ictus_strata_settings *s, ictus_error *err)
{
    ictus_config *cfg = ictus_config_create();
    *s = (ictus_strata_settings){0};
    ictus_status st = ictus_config_parse(cfg, text, "test.ini", err);
    if (st == ICTUS_OK)
        st = ictus_strata_settings_apply(s, cfg, err);
    ictus_config_destroy(cfg);
    return st;
}

static void test_settings(void)
{
    ictus_strata_settings s;
    ictus_error err;
    CHECK(apply("[analysis]\n", &s, &err) == ICTUS_OK && s.n_keys == 0);
    char *text = ictus_strata_settings_text(&s);
    CHECK_STR(text, "");
    free(text);
    CHECK(apply("[analysis]\nby = sex , group\n", &s, &err) == ICTUS_OK && s.n_keys == 2 &&
          s.keys[0] == ICTUS_STRATUM_SEX && s.keys[1] == ICTUS_STRATUM_GROUP);
    char by[64];
    ictus_strata_by_text(&s, by, sizeof by);
    CHECK_STR(by, "sex,group");
    text = ictus_strata_settings_text(&s);
    CHECK_STR(text, "strata.by=sex,group\n");
    free(text);
    CHECK(apply("[analysis]\nby = age_group,strain\nage_groups_days = 0, 30,60.5\n", &s, &err) ==
              ICTUS_OK &&
          s.n_keys == 2 && s.n_edges == 3 && s.age_edges_days[2] == 60.5);
    text = ictus_strata_settings_text(&s);
    CHECK_STR(text, "strata.by=age_group,strain\nstrata.age_groups_days=0,30,60.5\n");
    free(text);
    static const char *const bad[] = {
        "by = colour", "by = sex,sex", "by = age_group", "by = age_group\nage_groups_days = 5,3",
        "by = sex\nage_groups_days = -1", "by = sex\nage_groups_days = 1,x",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char ini[256];
        snprintf(ini, sizeof ini, "[analysis]\n%s\n", bad[i]);
        CHECK_MSG(apply(ini, &s, &err) == ICTUS_ERR_CONFIG && strstr(err.msg, "[analysis]"),
                  "%s: refused naming [analysis] (%s)", bad[i], err.msg);
    }
}

static void test_labels(void)
{
    ictus_animal a = {.id = "f1", .model = "", .sex = "F", .strain = "C57BL/6J", .group = "ko",
                      .notes = "", .birth_us = day(-30)};
    ictus_strata_settings s;
    ictus_error err;
    char buf[ICTUS_STRATUM_LABEL_MAX];
    CHECK(apply("[analysis]\n", &s, &err) == ICTUS_OK);
    CHECK(!ictus_strata_label(&s, &a, day(0), buf, sizeof buf) && !*buf);
    CHECK(apply("[analysis]\nby = sex,group\n", &s, &err) == ICTUS_OK);
    CHECK(ictus_strata_label(&s, &a, day(0), buf, sizeof buf));
    CHECK_STR(buf, "sex=F;group=ko");
    CHECK(apply("[analysis]\nby = strain,age_group\nage_groups_days = 7,30,60\n", &s, &err) ==
          ICTUS_OK);
    static const struct {
        double at_day;       /* age = at_day + 30 */
        const char *label;   /* NULL: none */
    } ages[] = {{-24, NULL}, {-23, "strain=C57BL/6J;age_group=7-30"},
                {-0.01, "strain=C57BL/6J;age_group=7-30"}, {0, "strain=C57BL/6J;age_group=30-60"},
                {30, "strain=C57BL/6J;age_group=60+"}, {400, "strain=C57BL/6J;age_group=60+"}};
    for (size_t i = 0; i < sizeof ages / sizeof *ages; i++) {
        bool got = ictus_strata_label(&s, &a, day(ages[i].at_day), buf, sizeof buf);
        CHECK_MSG(got == (ages[i].label != NULL) && (!got || strcmp(buf, ages[i].label) == 0),
                  "age %g days: \"%s\"", ages[i].at_day + 30, buf);
    }
    a.birth_us = ICTUS_TIME_UNKNOWN;
    CHECK(!ictus_strata_label(&s, &a, day(0), buf, sizeof buf));
    a.sex = "";
    CHECK(apply("[analysis]\nby = sex\n", &s, &err) == ICTUS_OK);
    CHECK(!ictus_strata_label(&s, &a, day(0), buf, sizeof buf));
}

/* ------------------------------------------------------------------------
 * A small study, analysed with and without strata
 * ---------------------------------------------------------------------- */

/* n seizures evenly spaced in [d0, d1) days, 30 s each, appended to ev. */
static int spaced(support_event *ev, int at, double d0, double d1, int n)
{
    for (int i = 0; i < n; i++)
        ev[at + i] = (support_event){
            day(d0) + (int64_t)llround((i + 0.5) * (double)(day(d1) - day(d0)) / n),
            30 * ICTUS_US_PER_S, "hpd"};
    return at + n;
}

/* Animals f1..f3 (F, born 60 days before day 0), m1..m3 (M, 90 days), x1 (no
 * sex, no birth date): baseline days 0-4 (8 seizures), the drug 4-8 (F: 1, 2,
 * 3; M: 7, 8, 9; x1: 4), vehicle 8-12 (8). */
static bool make_study(const char *dir)
{
    static const char *const ids[] = {"f1", "f2", "f3", "m1", "m2", "m3", "x1"};
    static const int drug[] = {1, 2, 3, 7, 8, 9, 4};
    ictus_strbuf dosing = {0};
    ictus_strbuf_add(&dosing, "animal,period,drug,dose_mg_kg,route,start,end,tolerated\n");
    for (int i = 0; i < 7; i++)
        ictus_strbuf_addf(&dosing,
                          "%s,baseline,,,,2026-01-05T00:00,2026-01-09T00:00,\n"
                          "%s,treatment,cbz,20,ip,2026-01-09T00:00,2026-01-13T00:00,yes\n"
                          "%s,vehicle,saline,,ip,2026-01-13T00:00,2026-01-17T00:00,\n",
                          ids[i], ids[i], ids[i]);
    bool ok = support_study_write(dir, "study.ini",
                                  "[study]\nname = strata\npreset = ihka-mouse\nmains_hz = 50\n"
                                  "[drugs]\ncbz = 20\n") &&
              support_study_write(dir, "animals.csv",
                                  "animal,model,sex,strain,birth_date,group,notes\n"
                                  "f1,IHKA,F,,2025-11-06,A,\nf2,IHKA,F,,2025-11-06,\"B,\"\"2\"\"\",\n"
                                  "f3,IHKA,female,,2025-11-06,A,\nm1,IHKA,M,,2025-10-07,B,\n"
                                  "m2,IHKA,male,,2025-10-07,A,\nm3,IHKA,M,,2025-10-07,B,\n"
                                  "x1,IHKA,,,,A,\n") &&
              support_study_write(dir, "dosing.csv", ictus_strbuf_text(&dosing));
    ictus_strbuf_free(&dosing);
    support_store s;
    if (!ok || !support_store_open(&s, dir))
        return false;
    for (int i = 0; i < 7 && ok; i++) {
        support_event ev[32];
        int n = spaced(ev, 0, 0, 4, 8);
        n = spaced(ev, n, 4, 8, drug[i]);
        n = spaced(ev, n, 8, 12, 8);
        ok = support_store_recording(&s, ids[i], day(0), day(12) - day(0), 1.0, ev, n);
    }
    support_store_close(&s);
    return ok;
}

/* The whole file `path` as a new string (NULL when unreadable). */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    ictus_strbuf b = {0};
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        ictus_strbuf_addn(&b, buf, n);
    fclose(f);
    return ictus_strbuf_take(&b);
}

/* `text` with the last field of every line dropped; with `only`, only the
 * lines whose last field is `only` (and the header). */
static char *drop_last(const char *text, const char *only)
{
    ictus_strbuf b = {0};
    ictus_strbuf_add(&b, "");
    bool header = true;
    for (const char *line = text; *line;) {
        const char *end = strchr(line, '\n');
        if (!end)
            end = line + strlen(line);
        const char *comma = end;
        while (comma > line && *comma != ',')
            comma--;
        size_t last = (size_t)(end - comma - 1);
        if (header || !only || (strlen(only) == last && strncmp(comma + 1, only, last) == 0)) {
            ictus_strbuf_addn(&b, line, (size_t)(comma - line));
            ictus_strbuf_add(&b, "\n");
        }
        header = false;
        line = *end ? end + 1 : end;
    }
    return ictus_strbuf_take(&b);
}

static const ictus_comparison *find(const ictus_analysis *an, const char *stratum,
                                    ictus_period_kind kind, ictus_test test, ictus_versus versus)
{
    for (size_t i = 0; i < an->n_stratum_comparisons; i++) {
        const ictus_comparison *c = &an->stratum_comparisons[i];
        if (c->type == 0 && c->condition->kind == kind && c->test == test &&
            c->versus == versus && strcmp(c->stratum, stratum) == 0)
            return c;
    }
    return NULL;
}

static void test_study(void)
{
    char *dir = support_tmpdir("strata");
    ictus_error err;
    ictus_study *s0 = NULL, *s1 = NULL;
    ictus_analysis *a0 = NULL, *a1 = NULL;
    if (!CHECK(make_study(dir)))
        goto done;
    const char *by_sex[] = {"analysis.by=sex"};
    ictus_analysis_options opt = {by_sex, 1};
    CHECK_MSG(ictus_analysis_load(dir, NULL, &s0, &a0, &err) == ICTUS_OK, "%s", err.msg);
    CHECK_MSG(ictus_analysis_load(dir, &opt, &s1, &a1, &err) == ICTUS_OK, "%s", err.msg);
    if (!a0 || !a1)
        goto done;
    CHECK_INT(a0->n_stratum_comparisons, 0);
    CHECK_STR(a0->settings_hash, a1->settings_hash);
    CHECK_STR(a1->strata_by, "sex");
    CHECK_INT(a1->n_comparisons, a0->n_comparisons);

    const ictus_comparison *c = find(a1, "sex=F", ICTUS_PERIOD_TREATMENT,
                                     ICTUS_TEST_RESPONDER_RATE, ICTUS_VERSUS_NONE);
    CHECK(c && c->k == 3 && c->n == 3);
    c = find(a1, "sex=M", ICTUS_PERIOD_TREATMENT, ICTUS_TEST_RESPONDER_RATE, ICTUS_VERSUS_NONE);
    CHECK(c && c->k == 0 && c->n == 3);
    c = find(a1, "sex=F", ICTUS_PERIOD_TREATMENT, ICTUS_TEST_WILCOXON, ICTUS_VERSUS_VEHICLE);
    CHECK(c && c->n == 3);
    c = find(a1, "sex", ICTUS_PERIOD_TREATMENT, ICTUS_TEST_MANN_WHITNEY, ICTUS_VERSUS_STRATUM);
    if (CHECK(c)) {
        CHECK_STR(c->group_a, "sex=F");
        CHECK_STR(c->group_b, "sex=M");
        CHECK(c->n == 3 && c->n_ref == 3);
        CHECK_NEAR(c->p, 0.1, 1e-12, 0);
        /* % changes: F -87.5, -75, -62.5; M -12.5, 0, 12.5. */
        CHECK_NEAR(c->estimate, -75.0, 1e-12, 1e-12);
    }
    for (size_t i = 0; i < a1->n_stratum_comparisons; i++)
        CHECK(strcmp(a1->stratum_comparisons[i].stratum, "sex=F") == 0 ||
              strcmp(a1->stratum_comparisons[i].stratum, "sex=M") == 0 ||
              strcmp(a1->stratum_comparisons[i].stratum, "sex") == 0);

    /* compare --by sex of the study with itself: the F rows' interaction (F against M). */
    const ictus_analysis *twice[] = {a1, a1};
    const char *dirs[] = {dir, dir};
    ictus_compare_result *res = NULL;
    double u, pv, est;
    CHECK(fixture_pair("compare_rest", &u, &pv, &est));
    CHECK(ictus_compare_compute(twice, dirs, 2, &res, &err) == ICTUS_OK);
    int n_checked = 0;
    for (int i = 0; res && i < res->n_stratum_rows; i++) {
        const ictus_cohort_row *r = &res->stratum_rows[i];
        if (strcmp(r->type, "all") != 0 || r->condition->kind != ICTUS_PERIOD_TREATMENT)
            continue;
        bool f = strcmp(r->stratum, "sex=F") == 0;
        CHECK_INT(r->n_pct_change, 6);
        CHECK_INT(r->interaction_n_rest, 6);
        CHECK_NEAR(r->interaction_u, f ? u : 36 - u, 1e-12, 1e-12);
        CHECK_P(r->interaction_p, pv);
        CHECK_NEAR(r->interaction_estimate, f ? est : -est, 1e-12, 1e-12);
        CHECK_INT(r->responders, f ? 6 : 0);
        n_checked++;
    }
    CHECK_INT(n_checked, 2);
    CHECK(res && res->stratified && res->n_rows == 4); /* all, hpd x cbz, vehicle */
    ictus_compare_destroy(res);

    char *out0 = ictus_path_join_alloc(dir, "out0"), *out1 = ictus_path_join_alloc(dir, "out1");
    CHECK(ictus_analysis_write(a0, out0, &err) == ICTUS_OK);
    CHECK(ictus_analysis_write(a1, out1, &err) == ICTUS_OK);
    static const char *const files[] = {"periods.csv", "responders.csv", "comparisons.csv"};
    for (int i = 0; i < 3; i++) {
        char *t0 = slurp(support_path(out0, files[i])), *t1 = slurp(support_path(out1, files[i]));
        if (CHECK(t0 && t1)) {
            char *pooled = drop_last(t1, i == 2 ? "all" : NULL);
            CHECK_MSG(strcmp(pooled, t0) == 0, "%s: the pooled rows differ", files[i]);
            free(pooled);
            CHECK(strstr(t1, ",stratum\n") != NULL && strstr(t0, "stratum") == NULL);
            if (i < 2) /* x1 has no sex: an empty stratum */
                CHECK(strstr(t1, "\nx1,") && !strstr(t1, "sex=\n"));
        }
        free(t0);
        free(t1);
    }
    char *set1 = slurp(support_path(out1, "analysis-settings.txt"));
    CHECK(set1 && strstr(set1, "\nstrata.by=sex\n"));
    free(set1);
    free(out0);
    free(out1);
    ictus_analysis_destroy(a1);
    ictus_study_destroy(s1);
    a1 = NULL;
    s1 = NULL;

    /* A label from input is escaped: f2's group is B,"2". */
    const char *by_group[] = {"analysis.by=group"};
    ictus_analysis_options group_opt = {by_group, 1};
    CHECK_MSG(ictus_analysis_load(dir, &group_opt, &s1, &a1, &err) == ICTUS_OK, "%s", err.msg);
    char *out2 = ictus_path_join_alloc(dir, "out2");
    if (a1 && CHECK(ictus_analysis_write(a1, out2, &err) == ICTUS_OK)) {
        char *t = slurp(support_path(out2, "responders.csv"));
        CHECK(t && strstr(t, "\nf2,\"B,\"\"2\"\"\",") && strstr(t, ",\"group=B,\"\"2\"\"\"\n"));
        free(t);
        t = slurp(support_path(out2, "comparisons.csv"));
        CHECK(t && strstr(t, ",\"group=B,\"\"2\"\"\"\n"));
        free(t);
    }
    free(out2);
    ictus_analysis_destroy(a1);
    ictus_study_destroy(s1);
    a1 = NULL;
    s1 = NULL;

    /* Age groups: F are 60 days old on day 0, M 90; edges 0, 61, 100. */
    const char *by_age[] = {"analysis.by=age_group", "analysis.age_groups_days=0,61,100"};
    ictus_analysis_options age_opt = {by_age, 2};
    CHECK_MSG(ictus_analysis_load(dir, &age_opt, &s1, &a1, &err) == ICTUS_OK, "%s", err.msg);
    for (size_t i = 0; a1 && i < a1->n_outcomes; i++) {
        const ictus_outcome *o = &a1->outcomes[i];
        const char *want = o->animal_id[0] == 'x'   ? NULL
                           : o->animal_id[0] == 'm' ? "age_group=61-100"
                           : o->condition->kind == ICTUS_PERIOD_BASELINE ? "age_group=0-61"
                                                                         : "age_group=61-100";
        CHECK_MSG(want ? o->stratum && strcmp(o->stratum, want) == 0 : !o->stratum,
                  "%s %s: \"%s\", expected \"%s\"", o->animal_id,
                  ictus_period_kind_name(o->condition->kind), o->stratum ? o->stratum : "(none)",
                  want ? want : "(none)");
    }
    ictus_analysis_destroy(a1);
    ictus_study_destroy(s1);
    a1 = NULL;
    s1 = NULL;
done:
    ictus_analysis_destroy(a0);
    ictus_study_destroy(s0);
    ictus_analysis_destroy(a1);
    ictus_study_destroy(s1);
    support_tmpdir_remove(dir);
}

int main(void)
{
    t0_us = ictus_walltime_from_civil(2026, 1, 5, 0, 0, 0, 0);
    test_fixture();
    test_settings();
    test_labels();
    test_study();
    return check_done("test_strata");
}
