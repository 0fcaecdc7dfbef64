/* test_kindling.c: protocols/kindling.h on a hand-made 6 Hz kindling study:
 * afterdischarges joined to stimulations, the Racine stage's source (review,
 * annotation, stimulations.csv), acquisition and the fully kindled
 * criterion, protection and its exclusions, the dose–response rows against
 * statsmodels (tests/fixtures/kindling.txt from gen_kindling.py), a refused
 * fit's reason, the CSV files, and a study without stimulations.csv. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/csvtable.h"
#include "base/path.h"
#include "base/readfile.h"
#include "base/strbuf.h"
#include "base/walltime.h"
#include "protocols/analysis.h"
#include "protocols/kindling.h"
#include "protocols/kindling_compare.h"
#include "report/kindling_table.h"
#include "report/report.h"
#include "tests/check.h"
#include "tests/support_study.h"
#include "tests/support_tmp.h"

#define DAY_US (INT64_C(86400) * ICTUS_US_PER_S)
#define S_US ICTUS_US_PER_S

static int64_t t0_us; /* 2026-01-05T08:00: every recording's start */

/* Stimulation of day d: 10:00, +7200 s into the recording. */
static int64_t stim_s(int d) { return (int64_t)d * 86400 + 7200; }

static const char *date(int d)
{
    static char buf[8][32];
    static int next;
    char *b = buf[next++ % 8];
    int y, m, dd;
    ictus_walltime_to_civil(t0_us + (int64_t)d * DAY_US, &y, &m, &dd, NULL, NULL, NULL, NULL);
    snprintf(b, 32, "%04d-%02d-%02dT00:00", y, m, dd);
    return b;
}

#define N_D 12
/* A drug tested at one dose only (its fit is refused), its name markup. */
#define FLAT "fl<at>&"
static const double doses[3] = {10, 30, 100};
static const int protected_below[3] = {2, 6, 11}, toxic_below[3] = {0, 3, 8};

/* K1: acquisition stages (-1: unscored) of its 10 acquisition days; the
 * first two come from a review and an annotation, not from the csv. */
static const int k1_stage[10] = {1, 2, 3, 4, -1, 3, 2, 3, 3, 3};
static const int k1_csv[10] = {5, 0, 3, 4, -1, 3, 2, 3, 3, 3};

static bool make_study(const char *dir)
{
    ictus_strbuf animals = {0}, stims = {0}, dosing = {0};
    ictus_strbuf_add(&animals, "animal,group\nK1,k\nK2,k\n");
    ictus_strbuf_add(&stims, "recording,animal,start_s,racine\n");
    ictus_strbuf_add(&dosing, "animal,period,drug,dose_mg_kg,route,start,end,tolerated\n");
    /* K1 is the store's recording 1, K2 recording 2, D01.. 3.. */
    for (int d = 0; d < 10; d++) {
        ictus_strbuf_addf(&stims, "1.edf,K1,%lld,", (long long)stim_s(d));
        if (k1_csv[d] >= 0)
            ictus_strbuf_addf(&stims, "%d", k1_csv[d]);
        ictus_strbuf_add(&stims, "\n");
    }
    ictus_strbuf_addf(&stims, "1.edf,K1,%lld,4\n", (long long)stim_s(10)); /* vehicle test */
    ictus_strbuf_addf(&dosing, "K1,vehicle,saline,,ip,%s,%s,\n", date(10), date(11));
    ictus_strbuf_addf(&stims, "2.edf,K2,%lld,1\n2.edf,K2,%lld,2\n2.edf,K2,%lld,1\n",
                      (long long)stim_s(0), (long long)stim_s(1), (long long)stim_s(2));
    ictus_strbuf_addf(&dosing, "K2,treatment,dz,10,ip,%s,%s,yes\n", date(2), date(3));
    for (int i = 0; i < N_D; i++) {
        ictus_strbuf_addf(&animals, "D%02d,d\n", i + 1);
        for (int d = 0; d < 3; d++)
            ictus_strbuf_addf(&stims, "%d.edf,D%02d,%lld,4\n", i + 3, i + 1, (long long)stim_s(d));
        for (int k = 0; k < 3; k++) {
            ictus_strbuf_addf(&stims, "%d.edf,D%02d,%lld,%d\n", i + 3, i + 1,
                              (long long)stim_s(3 + k), i < protected_below[k] ? 1 : 4);
            ictus_strbuf_addf(&dosing, "D%02d,treatment,dz,%g,ip,%s,%s,%s\n", i + 1, doses[k],
                              date(3 + k), date(4 + k), i < toxic_below[k] ? "no" : "yes");
        }
        /* one dose of "flat" only: the fit is refused */
        ictus_strbuf_addf(&stims, "%d.edf,D%02d,%lld,%d\n", i + 3, i + 1, (long long)stim_s(6),
                          i % 2 ? 1 : 4);
        ictus_strbuf_addf(&dosing, "D%02d,treatment," FLAT ",50,ip,%s,%s,yes\n", i + 1, date(6),
                          date(7));
    }
    ictus_strbuf_add(&stims, "9.edf,nobody,7200,3\n"); /* not in animals.csv: skipped */
    bool ok =
        support_study_write(dir, "study.ini",
                            "[study]\nname = kindling\npreset = 6hz-kindling-mouse\n"
                            "mains_hz = 50\n[kindling]\nkindled_run = 3\n") &&
        support_study_write(dir, "animals.csv", ictus_strbuf_text(&animals)) &&
        support_study_write(dir, "stimulations.csv", ictus_strbuf_text(&stims)) &&
        support_study_write(dir, "dosing.csv", ictus_strbuf_text(&dosing)) &&
        support_study_write(dir, "annotations.csv",
                            "animal,start,end,type,racine\n"
                            "K1,2026-01-06T10:00:04,2026-01-06T10:00:20,evoked,2\n"
                            "K1,2026-01-07T10:00:30,2026-01-07T10:00:40,evoked,5\n");
    ictus_strbuf_free(&animals);
    ictus_strbuf_free(&stims);
    ictus_strbuf_free(&dosing);
    support_store s;
    if (!ok || !support_store_open(&s, dir))
        return false;
    int64_t dur = 12 * DAY_US;
    /* K1: an afterdischarge at stim 1 (+3.5 s, 20 s), an event 30 s after
     * stim 2 (outside the window), one at stim 3 that a reviewer rejects. */
    support_event k1[3] = {
        {t0_us + stim_s(0) * S_US + 3500000, 20 * S_US, "evoked"},
        {t0_us + stim_s(1) * S_US + 30 * S_US, 20 * S_US, "evoked"},
        {t0_us + stim_s(2) * S_US + 4 * S_US, 10 * S_US, "evoked"},
    };
    ok = support_store_recording(&s, "K1", t0_us, dur, 1, k1, 3) &&
         support_store_recording(&s, "K2", t0_us, dur, 1, NULL, 0);
    for (int i = 0; i < N_D && ok; i++) {
        char id[16];
        snprintf(id, sizeof id, "D%02d", i + 1);
        ok = support_store_recording(&s, id, t0_us, dur, 1, NULL, 0);
    }
    ictus_error err = {0};
    ictus_store_review reviews[2] = {
        {.path = "recordings/K1/1.edf", .animal = "K1", .channel = "*",
         .start_us = stim_s(0) * S_US + 3500000, .end_us = stim_s(0) * S_US + 23500000,
         .verdict = ICTUS_VERDICT_SEIZURE, .racine = 1, .reviewer = "ann",
         .reviewed_unix_us = 1767600000000000, .note = ""},
        {.path = "recordings/K1/1.edf", .animal = "K1", .channel = "*",
         .start_us = stim_s(2) * S_US + 4 * S_US, .end_us = stim_s(2) * S_US + 14 * S_US,
         .verdict = ICTUS_VERDICT_NOT_SEIZURE, .racine = -1, .reviewer = "ann",
         .reviewed_unix_us = 1767600000000001, .note = ""},
    };
    for (int i = 0; i < 2 && ok; i++)
        ok = CHECK_MSG(ictus_store_put_review(s.store, &reviews[i], &err) == ICTUS_OK, "%s",
                       err.msg);
    support_store_close(&s);
    return ok;
}

static const ictus_stim_result *stim_of(const ictus_kindling *k, const char *animal, int number)
{
    for (int i = 0; i < k->n_stims; i++)
        if (strcmp(k->study->animals[k->stims[i].animal].id, animal) == 0 &&
            k->stims[i].number == number)
            return &k->stims[i];
    return NULL;
}

static void test_stims(const ictus_kindling *k)
{
    CHECK_INT(k->n_stims, 11 + 3 + N_D * 7);
    CHECK_INT(k->n_skipped, 1);
    const ictus_stim_result *s = stim_of(k, "K1", 1);
    if (!CHECK(s))
        return;
    CHECK(s->detected && s->afterdischarge);
    CHECK_INT(s->ad_start_us, stim_s(0) * S_US + 3500000);
    CHECK_INT(s->ad_end_us - s->ad_start_us, 20 * S_US);
    CHECK_INT(s->racine, 1); /* the review's, not the csv's 5 */
    CHECK_INT(s->source, ICTUS_RACINE_REVIEW);
    CHECK_INT(s->verdict, ICTUS_VERDICT_SEIZURE);
    s = stim_of(k, "K1", 2);
    CHECK(!s->afterdischarge);               /* its event starts 30 s after */
    CHECK_INT(s->racine, 2);                 /* the annotation's, not the csv's 0 */
    CHECK_INT(s->source, ICTUS_RACINE_ANNOTATION);
    s = stim_of(k, "K1", 3);
    CHECK(!s->afterdischarge);               /* rejected */
    CHECK_INT(s->verdict, ICTUS_VERDICT_NOT_SEIZURE);
    CHECK_INT(s->racine, 3); /* the csv's: the review has none, the annotation of day 2 */
    CHECK_INT(s->source, ICTUS_RACINE_STIMULATIONS); /* starts after the window */
    s = stim_of(k, "K1", 5);
    CHECK_INT(s->racine, -1);
    CHECK_INT(s->source, ICTUS_RACINE_NONE);
    /* acquisition: runs 0,0,1,2,2,3 → kindled at the 6th */
    int want_run[10] = {0, 0, 1, 2, 2, 3, 0, 1, 2, 3};
    for (int d = 0; d < 10; d++) {
        s = stim_of(k, "K1", d + 1);
        CHECK_INT(s->phase, ICTUS_KPHASE_ACQUISITION);
        CHECK_INT(s->acquisition_number, d + 1);
        CHECK_INT(s->run, want_run[d]);
        CHECK_INT(s->kindled, d >= 5);
        CHECK_INT(s->racine, k1_stage[d]);
    }
    CHECK_INT(k->stims_to_kindled[0], 6);
    s = stim_of(k, "K1", 11);
    CHECK_INT(s->phase, ICTUS_KPHASE_VEHICLE);
    CHECK_INT(s->protected_, 0);
    CHECK_INT(s->acquisition_number, 0);
    s = stim_of(k, "K2", 3);
    CHECK_INT(s->phase, ICTUS_KPHASE_DRUG);
    CHECK_INT(s->protected_, -1);
    CHECK_STR(s->excluded_why, "not_kindled");
    CHECK_INT(k->stims_to_kindled[1], 0);
    s = stim_of(k, "D02", 4);
    CHECK_INT(s->protected_, 1);
    CHECK_INT(k->stims_to_kindled[3], 3);
}

/* The fixture line "fit OUTCOME LINK ..." or "pi LINK ...". */
static bool fixture(const char *kind, const char *outcome, const char *link, double v[6])
{
    FILE *f = fopen("tests/fixtures/kindling.txt", "r");
    char line[512];
    bool found = false;
    while (f && !found && fgets(line, sizeof line, f)) {
        char k[16], o[32], l[16];
        if (strcmp(kind, "fit") == 0)
            found = sscanf(line, "%15s %31s %15s %lf %lf %lf %lf %lf %lf", k, o, l, &v[0], &v[1],
                           &v[2], &v[3], &v[4], &v[5]) == 9 &&
                    strcmp(k, kind) == 0 && strcmp(o, outcome) == 0 && strcmp(l, link) == 0;
        else
            found = sscanf(line, "%15s %15s %lf", k, l, &v[0]) == 3 && strcmp(k, kind) == 0 &&
                    strcmp(l, link) == 0;
    }
    if (f)
        fclose(f);
    return found;
}

static const ictus_dr_row *row_of(const ictus_kindling *k, const char *drug, const char *outcome,
                                  bool fit, int link, double dose)
{
    for (int i = 0; i < k->n_rows; i++) {
        const ictus_dr_row *r = &k->rows[i];
        if (strcmp(r->drug, drug) == 0 && strcmp(r->outcome, outcome) == 0 && r->fit == fit &&
            (fit ? (int)r->link == link : r->group.dose == dose))
            return r;
    }
    return NULL;
}

static void test_dose_response(const ictus_kindling *k)
{
    static const char *const links[2] = {"probit", "logit"};
    for (int d = 0; d < 3; d++) {
        const ictus_dr_row *r = row_of(k, "dz", "protection", false, 0, doses[d]);
        if (!CHECK(r))
            continue;
        CHECK_INT(r->group.n, N_D); /* K2's test is left out: not kindled */
        CHECK_INT(r->group.r, protected_below[d]);
        r = row_of(k, "dz", "toxicity", false, 0, doses[d]);
        CHECK_INT(r->group.n, N_D + (d == 0)); /* K2 counts for toxicity */
        CHECK_INT(r->group.r, toxic_below[d]);
    }
    for (int link = 0; link < 2; link++) {
        static const char *const outcomes[2] = {"protection", "toxicity"};
        for (int o = 0; o < 2; o++) {
            const ictus_dr_row *r = row_of(k, "dz", outcomes[o], true, link, 0);
            double v[6];
            if (!CHECK(r && r->ok) || !CHECK(fixture("fit", outcomes[o], links[link], v)))
                continue;
            if (o == 1) /* the toxicity design has K2's extra animal at 10: refit */
                continue;
            CHECK_NEAR(r->ed.ed, v[0], 1e-6, 0);
            CHECK_NEAR(r->f.intercept, v[1], 1e-6, 0);
            CHECK_NEAR(r->f.slope, v[2], 1e-6, 0);
            CHECK_NEAR(sqrt(r->f.var_slope), v[3], 1e-6, 0);
            CHECK_NEAR(r->f.pearson_chi2, v[4], 1e-6, 0);
            CHECK_NEAR(r->f.df, v[5], 1e-6, 0);
            CHECK(r->ed.fieller_bounded && r->ed.fieller.lo < r->ed.ed &&
                  r->ed.ed < r->ed.fieller.hi);
            CHECK(r->ed.profile.lo < r->ed.ed && r->ed.ed < r->ed.profile.hi);
        }
        const ictus_dr_row *pi = row_of(k, "dz", "pi", true, link, 0);
        const ictus_dr_row *ed = row_of(k, "dz", "protection", true, link, 0);
        const ictus_dr_row *td = row_of(k, "dz", "toxicity", true, link, 0);
        if (CHECK(pi && pi->ok))
            CHECK_NEAR(pi->pi.pi, td->ed.ed / ed->ed.ed, 1e-9, 0);
        const ictus_dr_row *flat = row_of(k, FLAT, "protection", true, link, 0);
        if (CHECK(flat)) {
            CHECK(!flat->ok);
            CHECK_MSG(strstr(flat->refused, "only one dose") != NULL, "refused: %s",
                      flat->refused);
        }
        const ictus_dr_row *fpi = row_of(k, FLAT, "pi", true, link, 0);
        CHECK(fpi && !fpi->ok && strcmp(fpi->refused, "no ED50") == 0);
    }
}

/* The toxicity fits against statsmodels: a study where K2 is not dosed. */
static void test_toxicity_reference(const ictus_kindling *k)
{
    static const char *const links[2] = {"probit", "logit"};
    for (int link = 0; link < 2; link++) {
        const ictus_dr_row *r = row_of(k, "dz", "toxicity", true, link, 0);
        double v[6];
        if (!CHECK(r && r->ok) || !CHECK(fixture("fit", "toxicity", links[link], v)))
            continue;
        CHECK_NEAR(r->ed.ed, v[0], 1e-6, 0);
        CHECK_NEAR(r->f.intercept, v[1], 1e-6, 0);
        CHECK_NEAR(r->f.slope, v[2], 1e-6, 0);
        CHECK_NEAR(sqrt(r->f.var_slope), v[3], 1e-6, 0);
        CHECK_NEAR(r->f.pearson_chi2, v[4], 1e-6, 0);
        const ictus_dr_row *pi = row_of(k, "dz", "pi", true, link, 0);
        if (CHECK(fixture("pi", NULL, links[link], v)) && CHECK(pi && pi->ok))
            CHECK_NEAR(pi->pi.pi, v[0], 1e-6, 0);
    }
}

static void test_files(const char *dir)
{
    char *out = ictus_path_join_alloc(dir, "out");
    ictus_csv *t = NULL;
    ictus_error err = {0};
    char *path = ictus_path_join_alloc(out, "kindling.csv");
    if (CHECK_MSG(ictus_csv_read(path, &t, &err) == ICTUS_OK, "%s", err.msg)) {
        CHECK_INT(ictus_csv_rows(t), 11 + 3 + N_D * 7);
        int c_src = ictus_csv_column(t, "racine_source"), c_k = ictus_csv_column(t, "stims_to_kindled");
        int c_ad = ictus_csv_column(t, "ad_duration_s"), c_h = ictus_csv_column(t, "settings_hash");
        CHECK_STR(ictus_csv_field(t, 0, c_src), "review");
        CHECK_STR(ictus_csv_field(t, 1, c_src), "annotation");
        CHECK_STR(ictus_csv_field(t, 0, c_k), "6");
        CHECK_STR(ictus_csv_field(t, 0, c_ad), "20");
        CHECK_STR(ictus_csv_field(t, 1, c_ad), "");
        CHECK_INT(strlen(ictus_csv_field(t, 0, c_h)), 32);
    }
    ictus_csv_destroy(t);
    free(path);
    path = ictus_path_join_alloc(out, "dose_response.csv");
    t = NULL;
    if (CHECK_MSG(ictus_csv_read(path, &t, &err) == ICTUS_OK, "%s", err.msg)) {
        int c_ref = ictus_csv_column(t, "refused"), c_drug = ictus_csv_column(t, "drug");
        int c_of = ictus_csv_column(t, "estimate_of"), c_est = ictus_csv_column(t, "estimate");
        bool refused_row = false, ed50_row = false;
        for (int r = 0; r < ictus_csv_rows(t); r++) {
            if (strcmp(ictus_csv_field(t, r, c_drug), FLAT) == 0 &&
                strstr(ictus_csv_field(t, r, c_ref), "only one dose"))
                refused_row = true;
            if (strcmp(ictus_csv_field(t, r, c_drug), "dz") == 0 &&
                strcmp(ictus_csv_field(t, r, c_of), "ED50") == 0 &&
                fabs(atof(ictus_csv_field(t, r, c_est)) / 27.6335 - 1) < 1e-5)
                ed50_row = true;
        }
        CHECK(refused_row);
        CHECK(ed50_row);
    }
    ictus_csv_destroy(t);
    free(path);
    path = ictus_path_join_alloc(out, "analysis-settings.txt");
    char text[8192] = {0};
    FILE *f = fopen(path, "r");
    if (CHECK(f)) {
        size_t n = fread(text, 1, sizeof text - 1, f);
        text[n] = 0;
        fclose(f);
    }
    CHECK(strstr(text, "kindling.kindled_run=3\n") && strstr(text, "kindling_skipped=1\n"));
    free(path);
    free(out);
}

/* Two cohorts (the same study twice): each cohort's row is its own fit;
 * the pooled fit of doubled counts has the same ED50 and a standard error
 * smaller by √2 (the likelihood doubles). */
static void test_compare(const char *dir)
{
    ictus_study *st[2] = {NULL, NULL};
    ictus_analysis *an[2] = {NULL, NULL};
    ictus_error err = {0};
    for (int i = 0; i < 2; i++)
        CHECK_MSG(ictus_analysis_load(dir, NULL, &st[i], &an[i], &err) == ICTUS_OK, "%s",
                  err.msg);
    ictus_kindling_cmp *c = NULL;
    if (an[0] && an[1])
        ictus_kindling_compare((const ictus_analysis *const *)an, 2, &c);
    if (CHECK(c)) {
        int n = ictus_kindling_compare_rows(c);
        CHECK_INT(n, 2 * 2 * 3); /* dz, flat × probit, logit × 2 cohorts + pooled */
        ictus_kindling_cmp_view one, pooled, flat;
        ictus_kindling_compare_row(c, 0, &one);
        ictus_kindling_compare_row(c, 2, &pooled);
        ictus_kindling_compare_row(c, 6, &flat);
        CHECK_STR(one.drug, "dz");
        CHECK_STR(one.link, "probit");
        CHECK_STR(pooled.cohort, "pooled");
        const ictus_dr_row *ref = row_of(an[0]->kindling, "dz", "protection", true, 0, 0);
        if (CHECK(one.ed50.ok && pooled.ed50.ok && ref)) {
            CHECK_NEAR(one.ed50.estimate, ref->ed.ed, 1e-12, 0);
            CHECK_NEAR(one.ed50.fieller_lo, ref->ed.fieller.lo, 1e-12, 0);
            CHECK_NEAR(pooled.ed50.estimate, ref->ed.ed, 1e-7, 0);
            CHECK_NEAR(pooled.ed50.se_log10 * sqrt(2), ref->ed.se_log10, 1e-6, 0);
            CHECK_INT(pooled.ed50.n_animals, 2 * N_D * 3);
        }
        CHECK(pooled.pi_ok && one.td50.ok);
        CHECK_STR(flat.drug, FLAT);
        CHECK(!flat.ed50.ok && strstr(flat.ed50.refused, "only one dose"));
        char *out = ictus_path_join_alloc(dir, "cmp");
        CHECK_MSG(ictus_kindling_compare_write(c, out, &err) == ICTUS_OK, "%s", err.msg);
        char *path = ictus_path_join_alloc(out, "kindling_comparison.csv");
        ictus_csv *t = NULL;
        if (CHECK(ictus_csv_read(path, &t, &err) == ICTUS_OK)) {
            CHECK_INT(ictus_csv_rows(t), n);
            CHECK_STR(ictus_csv_field(t, 2, ictus_csv_column(t, "cohort")), "pooled");
        }
        ictus_csv_destroy(t);
        free(path);
        free(out);
    }
    ictus_kindling_compare_destroy(c);
    /* the cross-cohort report's table: every row, names escaped */
    ictus_strbuf html = {0};
    if (an[0] && an[1]) {
        CHECK_INT(ictus_kindling_html_table(&html, (const ictus_analysis *const *)an, 2), 12);
        const char *t = ictus_strbuf_text(&html);
        CHECK(strstr(t, "id=\"table-kindling\"") && strstr(t, "<td>pooled</td>"));
        CHECK(strstr(t, "fl&lt;at&gt;&amp;") && !strstr(t, FLAT));
        CHECK(strstr(t, "no fit: ") != NULL);
    }
    ictus_strbuf_free(&html);
    for (int i = 0; i < 2; i++) {
        ictus_analysis_destroy(an[i]);
        ictus_study_destroy(st[i]);
    }
}

/* The report's dose-response figure: present with its numbers, the drug
 * names escaped; absent (want false) for a study without dose rows. */
static void test_report(const char *dir, bool want)
{
    char *out = ictus_path_join_alloc(dir, "report");
    ictus_report_options opt = {.out_dir = out};
    ictus_report_summary sum;
    ictus_error err = {0};
    if (!CHECK_MSG(ictus_report_write(dir, &opt, &sum, &err) == ICTUS_OK, "%s", err.msg)) {
        free(out);
        return;
    }
    char *html = NULL;
    size_t len = 0;
    if (CHECK(ictus_read_file(sum.html_path, &html, &len, &err) == ICTUS_OK)) {
        CHECK_INT(strstr(html, "id=\"fig-dose-response\"") != NULL, want);
        if (want) {
            const char *data = strstr(html, "id=\"data-dose-response\">");
            CHECK(data && strstr(data, "{\"dose_mg_kg\":30,\"n\":12,\"r\":6}"));
            CHECK(data && strstr(data, "\"estimate\":27.6335"));
            CHECK(strstr(html, "fl\\u003cat\\u003e\\u0026") != NULL);
            CHECK(strstr(html, FLAT) == NULL);
        }
    }
    free(html);
    free(out);
}

static ictus_kindling *analyse(const char *dir, ictus_study **study, ictus_analysis **an)
{
    ictus_error err = {0};
    if (!CHECK_MSG(ictus_analysis_load(dir, NULL, study, an, &err) == ICTUS_OK, "%s", err.msg))
        return NULL;
    char *out = ictus_path_join_alloc(dir, "out");
    CHECK_MSG(ictus_analysis_write(*an, out, &err) == ICTUS_OK, "%s", err.msg);
    free(out);
    return (*an)->kindling;
}

int main(void)
{
    t0_us = ictus_walltime_from_civil(2026, 1, 5, 8, 0, 0, 0);
    char *dir = support_tmpdir("kindling");
    ictus_study *study = NULL;
    ictus_analysis *an = NULL;
    if (CHECK(make_study(dir))) {
        ictus_kindling *k = analyse(dir, &study, &an);
        if (CHECK(k)) {
            test_stims(k);
            test_dose_response(k);
            test_files(dir);
            test_compare(dir);
            test_report(dir, true);
        }
        ictus_analysis_destroy(an);
        ictus_study_destroy(study);

        /* without K2's dosing the toxicity design is the fixture's */
        char *path = ictus_path_join_alloc(dir, "dosing.csv");
        FILE *f = fopen(path, "r");
        ictus_strbuf kept = {0};
        char line[512];
        while (f && fgets(line, sizeof line, f))
            if (strncmp(line, "K2,", 3) != 0)
                ictus_strbuf_add(&kept, line);
        if (f)
            fclose(f);
        CHECK(support_study_write(dir, "dosing.csv", ictus_strbuf_text(&kept)));
        ictus_strbuf_free(&kept);
        free(path);
        k = analyse(dir, &study, &an);
        if (CHECK(k))
            test_toxicity_reference(k);
        ictus_analysis_destroy(an);
        ictus_study_destroy(study);

        /* no dosing: a header-only dose_response.csv */
        path = ictus_path_join_alloc(dir, "dosing.csv");
        unlink(path);
        free(path);
        k = analyse(dir, &study, &an);
        if (CHECK(k))
            CHECK_INT(k->n_rows, 0);
        path = ictus_path_join_alloc(dir, "out/dose_response.csv");
        ictus_csv *t = NULL;
        ictus_error err = {0};
        if (CHECK(ictus_csv_read(path, &t, &err) == ICTUS_OK))
            CHECK_INT(ictus_csv_rows(t), 0);
        ictus_csv_destroy(t);
        free(path);
        ictus_analysis_destroy(an);
        ictus_study_destroy(study);

        /* no stimulations.csv: no kindling, analysis-settings.txt without it */
        path = ictus_path_join_alloc(dir, "stimulations.csv");
        unlink(path);
        free(path);
        k = analyse(dir, &study, &an);
        CHECK(an && !k);
        ictus_analysis_destroy(an);
        ictus_study_destroy(study);
        test_report(dir, false);
        path = ictus_path_join_alloc(dir, "out/analysis-settings.txt");
        char text[8192] = {0};
        f = fopen(path, "r");
        if (CHECK(f)) {
            text[fread(text, 1, sizeof text - 1, f)] = 0;
            fclose(f);
        }
        CHECK(!strstr(text, "kindling.") && !strstr(text, "kindling_skipped"));
        free(path);

        /* a bad [kindling] key is an error */
        CHECK(support_study_write(dir, "stimulations.csv", "recording,animal,start_s\n"));
        CHECK(support_study_write(dir, "study.ini",
                                  "[study]\nname = kindling\npreset = 6hz-kindling-mouse\n"
                                  "mains_hz = 50\n[kindling]\nkindled_runs = 3\n"));
        err = (ictus_error){0};
        CHECK(ictus_analysis_load(dir, NULL, &study, &an, &err) == ICTUS_ERR_CONFIG);
        CHECK_MSG(strstr(err.msg, "kindled_runs") != NULL, "%s", err.msg);
    }
    support_tmpdir_remove(dir);
    return check_done("test_kindling");
}
