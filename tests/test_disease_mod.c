/* test_disease_mod.c: disease modification vs symptomatic effect (disease_mod.c) end to end.
 *
 * A study is written by the test (study.ini with [disease_modification]
 * recovery_days = 2, animals.csv, dosing.csv) and its seizures and
 * analysable time (60 daily recordings, wholly analysable) put into
 * STUDY/ictus.db; then
 * ictus_analysis_run() writes out/disease_modification.csv, read back here.
 * n seizures in [d0, d1) days start at (i + ½)·(d1 − d0)/n, 30 s long, type
 * hpd; days from 2026-01-05.  Every answer is worked out below.
 *
 * Baseline design (baseline days 0–7 with 14 seizures: 2 per 24 h):
 *   dm  drug-a 7–14 (2), washout 14–16 (5), followup 16–30 (4): during
 *       −85.7 %, after −85.7 %: disease_modifying
 *   sy  the same with 28 in follow-up (0 %): symptomatic
 *   ne  12 during (−14.3 %), 28 after: no_effect
 *   sf  follow-up 14–17 only (3 days < 7): undetermined short_followup
 *   nf  no follow-up: undetermined no_followup
 *   lb  3 at baseline (0.43 per 24 h): undetermined low_baseline
 *   tx  intervention "MGE transplant" 7–37, 6 seizures in the 2 recovery
 *       days (left out), 7 in 9–37 (0.25 per 24 h, −87.5 %): disease_modifying
 *   tv  intervention "AAV-NPY" 7–37, 56 in 9–37 (0 %): no_effect
 *   nb  vehicle 0–7 with 14 seizures, drug-a 7–14, followup 14–28: seizures
 *       before the start and no baseline: undetermined no_baseline
 *   zb  baseline 0–7 without seizures, vehicle 7–10 with 3, drug-a 10–17,
 *       followup 17–30: seizures before the start, none at baseline:
 *       undetermined low_baseline
 * Latent design (no baseline; controls c1–c4 get saline 0–14 and followup
 * 14–60, first seizures at days 5.5, 7.5, 9.5 and none: Kaplan–Meier median
 * 9.5 days = 228 h (S falls to 0.5 at 7.5 days, below it only at 9.5),
 * T = 1.5 × 228 = 342 h; a single seizure in [d, d + 1) starts at d + ½):
 *   ld  drug-a 0–14, followup 14–60, first seizure day 30.5: from withdrawal
 *       396 h ≥ T: disease_modifying (delayed)
 *   ls  first seizure day 15.5: 372 h from the start but 36 h from
 *       withdrawal: symptomatic (delayed_while_treated)
 *   ln  first seizure day 4.5: no_effect (not_delayed)
 *   lc  follow-up 14–20 without seizures: censored 144 h < T: undetermined
 *       onset_censored
 *   li  intervention "gene therapy" 0–60, first seizure day 20.5 (492 h):
 *       disease_modifying
 * Also: the "hpd" rows equal the "all" rows; settings_hash is the XXH3-128
 * of the analysis.* and disease_modification.* lines of
 * analysis-settings.txt; a study without intervention or followup gets no
 * file (a stale one is removed) and no disease_modification line; an unknown
 * [disease_modification] key is refused, and --set
 * disease_modification.effect_pct=90 turns dm into no_effect; an
 * intervention without what it was is a dosing.csv problem.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/csvtable.h"
#include "base/filehash.h"
#include "base/path.h"
#include "base/readfile.h"
#include "base/strbuf.h"
#include "base/vec.h"
#include "base/walltime.h"
#include "protocols/analysis.h"
#include "report/report.h"
#include "tests/check.h"
#include "tests/support_study.h"
#include "tests/support_tmp.h"

#define H_US (INT64_C(3600) * ICTUS_US_PER_S)
#define DAY_US (24 * H_US)
#define REL 1e-6 /* the CSV keeps 7 significant digits */

static int64_t t0_us; /* 2026-01-05T00:00 */

static int64_t day(double d) { return t0_us + (int64_t)llround(d * (double)DAY_US); }

typedef struct {
    support_event *ev;
    int n, cap;
} event_list;

/* n seizures evenly spaced in [d0, d1) days, 30 s each. */
static void spaced(event_list *l, double d0, double d1, int n)
{
    for (int i = 0; i < n; i++) {
        ICTUS_GROW(l->ev, l->n + 1, l->cap);
        l->ev[l->n++] = (support_event){
            day(d0) + (int64_t)llround((i + 0.5) * (double)(day(d1) - day(d0)) / n),
            30 * ICTUS_US_PER_S, "hpd"};
    }
}

static int by_start(const void *a, const void *b)
{
    int64_t x = ((const support_event *)a)->start_us, y = ((const support_event *)b)->start_us;
    return (x > y) - (x < y);
}

/* "2026-01-DDT00:00" of day d. */
static const char *date(int d)
{
    static char buf[8][32];
    static int next;
    char *b = buf[next++ % 8];
    int year, month, dd;
    ictus_walltime_to_civil(day(d), &year, &month, &dd, NULL, NULL, NULL, NULL);
    snprintf(b, 32, "%04d-%02d-%02dT00:00", year, month, dd);
    return b;
}

static void row(ictus_strbuf *dosing, const char *animal, const char *kind, const char *drug,
                int d0, int d1)
{
    bool treat = strcmp(kind, "treatment") == 0;
    ictus_strbuf_addf(dosing, "%s,%s,%s,%s,%s,%s,%s,\n", animal, kind, drug, treat ? "10" : "",
                      treat ? "ip" : "", date(d0), date(d1));
}

/* One animal: its dosing rows (kinds/drugs/days) and seizures (spans and counts). */
typedef struct {
    const char *id;
    const char *rows;      /* "kind:drug:d0:d1;..." */
    const char *seizures;  /* "d0:d1:n;..." */
} animal_spec;

static const animal_spec animals[] = {
    {"dm", "baseline::0:7;treatment:drug-a:7:14;washout::14:16;followup::16:30",
     "0:7:14;7:14:2;14:16:5;16:30:4"},
    {"sy", "baseline::0:7;treatment:drug-a:7:14;washout::14:16;followup::16:30",
     "0:7:14;7:14:2;14:16:5;16:30:28"},
    {"ne", "baseline::0:7;treatment:drug-a:7:14;washout::14:16;followup::16:30",
     "0:7:14;7:14:12;14:16:5;16:30:28"},
    {"sf", "baseline::0:7;treatment:drug-a:7:14;followup::14:17", "0:7:14;7:14:2;14:17:1"},
    {"nf", "baseline::0:7;treatment:drug-a:7:14;washout::14:16", "0:7:14;7:14:2"},
    {"lb", "baseline::0:7;treatment:drug-a:7:14;followup::14:28", "0:7:3;7:14:1;14:28:1"},
    {"tx", "baseline::0:7;intervention:MGE transplant:7:37", "0:7:14;7:9:6;9:37:7"},
    {"tv", "baseline::0:7;intervention:AAV-NPY:7:37", "0:7:14;9:37:56"},
    {"nb", "vehicle:saline:0:7;treatment:drug-a:7:14;followup::14:28", "0:7:14;7:14:2;14:28:4"},
    {"zb", "baseline::0:7;vehicle:saline:7:10;treatment:drug-a:10:17;followup::17:30",
     "7:10:3;10:17:1;17:30:2"},
    {"c1", "vehicle:saline:0:14;followup::14:60", "5:6:1;10:60:20"},
    {"c2", "vehicle:saline:0:14;followup::14:60", "7:8:1;10:60:20"},
    {"c3", "vehicle:saline:0:14;followup::14:60", "9:10:1;10:60:20"},
    {"c4", "vehicle:saline:0:14;followup::14:60", ""},
    {"ld", "treatment:drug-a:0:14;followup::14:60", "30:31:1;31:60:5"},
    {"ls", "treatment:drug-a:0:14;followup::14:60", "15:16:1;16:60:20"},
    {"ln", "treatment:drug-a:0:14;followup::14:60", "4:5:1;5:60:20"},
    {"lc", "treatment:drug-a:0:14;followup::14:20", ""},
    {"li", "intervention:gene therapy:0:60", "20:21:1;21:60:3"},
};
#define N_ANIMALS (sizeof animals / sizeof animals[0])

static bool make_study(const char *dir, const char *ini, bool interventions)
{
    ictus_strbuf dosing = {0}, list = {0};
    ictus_strbuf_add(&dosing, "animal,period,drug,dose_mg_kg,route,start,end,tolerated\n");
    ictus_strbuf_add(&list, "animal,group\n");
    support_store s;
    bool ok = support_store_open(&s, dir);
    for (size_t a = 0; a < N_ANIMALS && ok; a++) {
        const animal_spec *sp = &animals[a];
        ictus_strbuf_addf(&list, "%s,%c\n", sp->id, sp->id[0] == 'l' ? 'L' : 'B');
        char kind[32], drug[32];
        int d0, d1, n, used;
        for (const char *p = sp->rows; *p; p += *p == ';') {
            drug[0] = '\0';
            if (sscanf(p, "%31[^:]:%31[^:]:%d:%d%n", kind, drug, &d0, &d1, &used) != 4 &&
                sscanf(p, "%31[^:]::%d:%d%n", kind, &d0, &d1, &used) != 3)
                break;
            if (interventions || (strcmp(kind, "followup") && strcmp(kind, "intervention")))
                row(&dosing, sp->id, kind, drug, d0, d1);
            p += used;
        }
        event_list ev = {0};
        for (const char *p = sp->seizures; *p && sscanf(p, "%d:%d:%d%n", &d0, &d1, &n, &used) == 3;
             p += *p == ';') {
            spaced(&ev, d0, d1, n);
            p += used;
        }
        /* daily files, as a lab records: each day's seizures in its own file */
        if (ev.n)
            qsort(ev.ev, (size_t)ev.n, sizeof *ev.ev, by_start);
        for (int d = 0, first = 0; d < 60 && ok; d++) {
            int last = first;
            while (last < ev.n && ev.ev[last].start_us < day(d + 1))
                last++;
            ok = support_store_recording(&s, sp->id, day(d), day(d + 1) - day(d), 1.0,
                                         ev.ev + first, last - first);
            first = last;
        }
        free(ev.ev);
    }
    if (ok)
        support_store_close(&s);
    ok = ok && support_study_write(dir, "study.ini", ini) &&
         support_study_write(dir, "animals.csv", ictus_strbuf_text(&list)) &&
         support_study_write(dir, "dosing.csv", ictus_strbuf_text(&dosing));
    ictus_strbuf_free(&dosing);
    ictus_strbuf_free(&list);
    return ok;
}

static const char ini[] = "[study]\nname = dm\npreset = ihka-mouse\nmains_hz = 50\n"
                          "[disease_modification]\nrecovery_days = 2\n";

/* ------------------------------------------------------------------------
 * Reading the table
 * ---------------------------------------------------------------------- */

static ictus_csv *table;

static int find(const char *animal, const char *type)
{
    int ca = ictus_csv_column(table, "animal"), ct = ictus_csv_column(table, "type");
    for (int r = 0; r < ictus_csv_rows(table); r++)
        if (!strcmp(ictus_csv_field(table, r, ca), animal) &&
            !strcmp(ictus_csv_field(table, r, ct), type))
            return r;
    return -1;
}

static const char *get(const char *animal, const char *column)
{
    int r = find(animal, "all"), c = ictus_csv_column(table, column);
    CHECK_MSG(r >= 0 && c >= 0, "%s / %s missing", animal, column);
    return r >= 0 && c >= 0 ? ictus_csv_field(table, r, c) : "(none)";
}

static double num(const char *animal, const char *column)
{
    const char *s = get(animal, column);
    return *s ? strtod(s, NULL) : NAN;
}

static void expect(const char *animal, const char *cls, const char *why)
{
    CHECK_MSG(!strcmp(get(animal, "class"), cls) && !strcmp(get(animal, "undetermined_why"), why),
              "%s: class %s (%s), want %s (%s)", animal, get(animal, "class"),
              get(animal, "undetermined_why"), cls, why);
}

static void check_baseline_design(void)
{
    expect("dm", "disease_modifying", "");
    CHECK_STR(get("dm", "design"), "baseline");
    CHECK_STR(get("dm", "exposure"), "treatment");
    CHECK_STR(get("dm", "drug"), "drug-a");
    CHECK_NEAR(num("dm", "baseline_rate_per_24h"), 2, REL, 0);
    CHECK_NEAR(num("dm", "during_pct_change"), (2.0 / 7 - 2) / 2 * 100, REL, 0);
    CHECK_NEAR(num("dm", "followup_pct_change"), (4.0 / 14 - 2) / 2 * 100, REL, 0);
    CHECK_NEAR(num("dm", "followup_days"), 14, REL, 0);
    CHECK_NEAR(num("dm", "followup_analysable_h"), 14 * 24, REL, 0);
    CHECK_STR(get("dm", "followup_count"), "4"); /* the washout's 5 left out */
    CHECK_STR(get("dm", "followup_start"), "2026-01-21T00:00:00.000");
    CHECK_STR(get("dm", "withdrawal"), "2026-01-19T00:00:00.000");
    CHECK_STR(get("dm", "effect_during"), "yes");
    CHECK_STR(get("dm", "effect_after"), "yes");
    CHECK_STR(get("dm", "latency_h"), "");
    expect("sy", "symptomatic", "");
    CHECK_STR(get("sy", "effect_after"), "no");
    CHECK_NEAR(num("sy", "followup_pct_change"), 0, 0, 1e-9);
    expect("ne", "no_effect", "");
    CHECK_STR(get("ne", "effect_during"), "no");
    expect("sf", "undetermined", "short_followup");
    expect("nf", "undetermined", "no_followup");
    CHECK_STR(get("nf", "followup_start"), "");
    expect("lb", "undetermined", "low_baseline");
    expect("tx", "disease_modifying", "");
    CHECK_STR(get("tx", "exposure"), "intervention");
    CHECK_STR(get("tx", "drug"), "MGE transplant");
    CHECK_STR(get("tx", "during_count"), "");
    CHECK_STR(get("tx", "followup_count"), "7");
    CHECK_NEAR(num("tx", "followup_days"), 28, REL, 0);
    CHECK_NEAR(num("tx", "followup_pct_change"), (0.25 - 2) / 2 * 100, REL, 0);
    CHECK_STR(get("tx", "start"), get("tx", "withdrawal"));
    expect("tv", "no_effect", "");
    expect("nb", "undetermined", "no_baseline");
    CHECK_STR(get("nb", "design"), "");
    expect("zb", "undetermined", "low_baseline");
    CHECK_STR(get("zb", "baseline_count"), "0");
}

static void check_latent_design(void)
{
    expect("ld", "disease_modifying", "");
    CHECK_STR(get("ld", "design"), "latent");
    CHECK_STR(get("ld", "onset"), "delayed");
    CHECK_NEAR(num("ld", "control_median_latency_h"), 228, REL, 0);
    CHECK_STR(get("ld", "n_controls"), "4");
    CHECK_NEAR(num("ld", "latency_h"), 732, REL, 0);
    CHECK_NEAR(num("ld", "withdrawal_latency_h"), 396, REL, 0);
    CHECK_STR(get("ld", "latency_event"), "yes");
    CHECK_STR(get("ld", "followup_pct_change"), "");
    expect("ls", "symptomatic", "");
    CHECK_STR(get("ls", "onset"), "delayed_while_treated");
    expect("ln", "no_effect", "");
    CHECK_STR(get("ln", "onset"), "not_delayed");
    expect("lc", "undetermined", "onset_censored");
    CHECK_STR(get("lc", "latency_event"), "no");
    CHECK_NEAR(num("lc", "withdrawal_latency_h"), 144, REL, 0);
    expect("li", "disease_modifying", "");
    CHECK_NEAR(num("li", "latency_h"), 492, REL, 0);
    CHECK_INT(find("c1", "all"), -1); /* controls get no row */
}

/* Every column of the hpd rows equals the all rows' (one type). */
static void check_types(void)
{
    int ca = ictus_csv_column(table, "animal"), ct = ictus_csv_column(table, "type");
    int n_all = 0;
    for (int r = 0; r < ictus_csv_rows(table); r++) {
        if (strcmp(ictus_csv_field(table, r, ct), "all"))
            continue;
        n_all++;
        int h = find(ictus_csv_field(table, r, ca), "hpd");
        CHECK(h == r + 1);
        for (int c = 0; h >= 0 && c < ictus_csv_columns(table); c++)
            if (c != ct)
                CHECK_STR(ictus_csv_field(table, h, c), ictus_csv_field(table, r, c));
    }
    CHECK_INT(n_all, 15);
    CHECK_INT(ictus_csv_rows(table), 30);
}

static void check_hash(const char *out)
{
    char *path = ictus_path_join_alloc(out, "analysis-settings.txt"), *text = NULL;
    size_t n;
    CHECK(ictus_read_file(path, &text, &n, NULL) == ICTUS_OK);
    ictus_strbuf lines = {0};
    for (char *p = text; p && *p;) {
        char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p + 1) : strlen(p);
        if (!strncmp(p, "analysis.", 9) || !strncmp(p, "disease_modification.", 21))
            ictus_strbuf_addf(&lines, "%.*s", (int)len, p);
        p += len;
    }
    CHECK(strstr(ictus_strbuf_text(&lines), "disease_modification.recovery_days=2\n") != NULL);
    char hex[ICTUS_HASH_HEX_SIZE];
    const char *l = ictus_strbuf_text(&lines);
    ictus_hash128_format(ictus_hash_bytes(l, strlen(l)), hex);
    CHECK_STR(get("dm", "settings_hash"), hex);
    ictus_strbuf_free(&lines);
    free(text);
    free(path);
}

static void test_study(const char *dir)
{
    ictus_analysis_summary sum;
    ictus_error err = {0};
    CHECK_MSG(ictus_analysis_run(dir, NULL, &sum, &err) == ICTUS_OK, "%s", err.msg);
    CHECK_INT(sum.problems.n, 0);
    for (int i = 0; i < sum.problems.n; i++)
        fprintf(stderr, "%s\n", sum.problems.lines[i]);
    ictus_analysis_summary_clear(&sum);
    char *out = ictus_path_join_alloc(dir, "out");
    char *path = ictus_path_join_alloc(out, "disease_modification.csv");
    CHECK_MSG(ictus_csv_read(path, &table, &err) == ICTUS_OK, "%s", err.msg);
    if (table) {
        check_baseline_design();
        check_latent_design();
        check_types();
        check_hash(out);
        ictus_csv_destroy(table);
        table = NULL;
    }
    free(path);
    free(out);
}

/* The report shows the table (report/dm_table.h): one row per type-all row of
 * disease_modification.csv, its class and % changes (test_hyperthermia.sh: a
 * study without the file has none). */
static void test_report(const char *dir, bool want)
{
    char ini_report[1024]; /* no event gallery: its cards are not what is tested here */
    snprintf(ini_report, sizeof ini_report, "%s[report]\ngallery_per_type = 0\n", ini);
    CHECK(support_study_write(dir, "study.ini", ini_report));
    char *out = ictus_path_join_alloc(dir, "report");
    ictus_report_options opt = {.out_dir = out};
    ictus_report_summary sum;
    ictus_error err = {0};
    char *html = NULL;
    size_t n = 0;
    if (CHECK_MSG(ictus_report_write(dir, &opt, &sum, &err) == ICTUS_OK, "%s", err.msg) &&
        CHECK(ictus_read_file(sum.html_path, &html, &n, &err) == ICTUS_OK)) {
        const char *t = strstr(html, "<table class=\"sortable\" id=\"disease-modification\"");
        CHECK_INT(t != NULL, want);
        const char *end = t ? strstr(t, "</table>") : NULL;
        int rows = 0;
        for (const char *p = t; p && (p = strstr(p + 1, "<tr>")) && p < end;)
            rows++;
        if (want) {
            CHECK_INT(rows - 1, (int)N_ANIMALS - 4); /* a header; no row for the 4 controls */
            CHECK(strstr(t, "<td>intervention: MGE transplant</td>") != NULL);
            CHECK(strstr(t, ">-85.71<") != NULL); /* dm's follow-up change */
            CHECK(strstr(t, "<td>no_followup</td>") != NULL);
        }
    }
    free(html);
    free(out);
    CHECK(support_study_write(dir, "study.ini", ini));
}

/* --set disease_modification.effect_pct=90: dm's −85.7 % is no effect any more. */
static void test_override(const char *dir)
{
    const char *set[] = {"disease_modification.effect_pct=90"};
    ictus_analysis_options opt = {set, 1};
    ictus_study *study = NULL;
    ictus_analysis *an = NULL;
    ictus_error err = {0};
    CHECK_MSG(ictus_analysis_load(dir, &opt, &study, &an, &err) == ICTUS_OK, "%s", err.msg);
    int seen = 0;
    for (size_t i = 0; an && an->dm && i < an->dm->n_rows; i++) {
        const ictus_dm_row *r = &an->dm->rows[i];
        if (strcmp(study->animals[r->animal].id, "dm") || r->type != 0)
            continue;
        seen++;
        CHECK_INT(r->cls, ICTUS_DM_NO_EFFECT);
        CHECK(r->effect_during == 0 && r->effect_after == 0);
    }
    CHECK_INT(seen, 1);
    CHECK(an && an->dm && strstr(an->dm->settings_text, "disease_modification.effect_pct=90\n"));
    ictus_analysis_destroy(an);
    ictus_study_destroy(study);
}

/* Without intervention or followup rows: no file (a stale one removed), no settings lines. */
static void test_unused(const char *dir)
{
    CHECK(make_study(dir, ini, false));
    CHECK(support_study_write(dir, "out/disease_modification.csv", "stale\n"));
    ictus_analysis_summary sum;
    ictus_error err = {0};
    CHECK_MSG(ictus_analysis_run(dir, NULL, &sum, &err) == ICTUS_OK, "%s", err.msg);
    ictus_analysis_summary_clear(&sum);
    char *out = ictus_path_join_alloc(dir, "out");
    char *path = ictus_path_join_alloc(out, "disease_modification.csv");
    CHECK(access(path, F_OK) != 0);
    char *settings = ictus_path_join_alloc(out, "analysis-settings.txt"), *text = NULL;
    size_t n;
    CHECK(ictus_read_file(settings, &text, &n, NULL) == ICTUS_OK);
    CHECK(text && !strstr(text, "disease_modification"));
    free(text);
    free(settings);
    free(path);
    free(out);
}

static void test_refusals(const char *dir)
{
    CHECK(support_study_write(dir, "study.ini", "[study]\nname = dm\npreset = ihka-mouse\n"
                                                "mains_hz = 50\n"
                                                "[disease_modification]\neffect = 50\n"));
    ictus_study *study = NULL;
    ictus_analysis *an = NULL;
    ictus_error err = {0};
    CHECK_INT(ictus_analysis_load(dir, NULL, &study, &an, &err), ICTUS_ERR_CONFIG);
    CHECK_MSG(strstr(err.msg, "unknown setting [disease_modification] effect") != NULL, "%s",
              err.msg);
    CHECK(support_study_write(dir, "study.ini", ini));
    CHECK(support_study_write(dir, "dosing.csv", "animal,period,drug,dose_mg_kg,start,end\n"
                                                 "dm,intervention,,,2026-01-05T00:00,"
                                                 "2026-01-06T00:00\n"));
    CHECK(ictus_study_load(dir, &study, &err) == ICTUS_OK);
    CHECK_INT(study ? study->problems.n : -1, 1);
    if (study && study->problems.n == 1)
        CHECK_MSG(strstr(study->problems.lines[0], "dosing.csv:2:3 (drug): expected what the "
                                                   "intervention was") != NULL,
                  "%s", study->problems.lines[0]);
    ictus_study_destroy(study);
}

int main(void)
{
    t0_us = ictus_walltime_from_civil(2026, 1, 5, 0, 0, 0, 0);
    char *dir = support_tmpdir("dm");
    CHECK(make_study(dir, ini, true));
    test_study(dir);
    test_report(dir, true);
    test_override(dir);
    support_tmpdir_remove(dir);
    dir = support_tmpdir("dm-unused");
    test_unused(dir);
    test_refusals(dir);
    support_tmpdir_remove(dir);
    return check_done("test_disease_mod");
}
