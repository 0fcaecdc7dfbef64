/* test_study.c: reading a study directory (protocols/study.c, dosing.c, manifest.c).
 *
 * Proves:
 *   - a complete small valid study loads with no problems: settings, the
 *     [drugs] list (target doses), the other sections kept in the config,
 *     animals, recordings with channel maps (two animals in one file),
 *     periods ordered by start with the [drugs] spelling, annotations in
 *     both time forms; the lookups find what they should;
 *   - every rule gives exactly one problem with the exact FILE:LINE:COLUMN
 *     (NAME) and the value found, and every other valid row is still loaded:
 *     missing columns (all listed), unknown animal (recordings, dosing,
 *     annotations), duplicates (each file), end before start, overlapping
 *     periods (both lines named), bad dose (negative, not a number, missing
 *     for a treatment), unknown period, unknown drug (and any drug without a
 *     list), bad date, bad channel maps, a shared channel between two animals
 *     of one file, a path leaving recordings/, a row wider than its header,
 *     a bad Racine stage, start_s without a recording;
 *   - CRLF line ends, a UTF-8 BOM and quoted fields with commas read right,
 *     with the right line numbers; Latin-1 bytes make an optional file one
 *     encoding problem (the rest loads) and animals.csv a fatal error;
 *   - fatal errors: missing study.ini or animals.csv, missing preset or
 *     mains_hz, a bad mains_hz, an unknown [study] key, a bad [drugs] dose;
 *   - optional files may be absent;
 *   - thousands of recordings.csv rows: every lookup finds its row, and a
 *     duplicate far from its first row is still refused.
 */
#include "protocols/study.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/strbuf.h"
#include "base/walltime.h"
#include "tests/check.h"
#include "tests/support_tmp.h"

static char *dir;

static void write_file(const char *name, const char *text)
{
    FILE *f = fopen(support_path(dir, name), "wb");
    fputs(text, f);
    fclose(f);
}

static void remove_file(const char *name)
{
    unlink(support_path(dir, name));
}

static const char valid_ini[] =
    "[study]\n"
    "name = IHKA cohort 3\n"
    "preset = ihka-mouse\n"
    "mains_hz = 50\n"
    "[drugs]\n"
    "carbamazepine = 20\n"
    "levetiracetam =\n"
    "[detector]\n"
    "threshold = 3\n"
    "[analysis]\n"
    "responder_pct = 50\n";

static const char valid_animals[] =
    "animal,model,sex,strain,birth_date,group,notes\n"
    "m1,IHKA,M,C57BL/6J,2025-09-01,A,\n"
    "m2,IHKA,female,C57BL/6J,2025-09-02,B,\"left screw loose, replaced\"\n"
    "m3,IHKA,,C57BL/6J,,A,\n";

static const char valid_recordings[] =
    "file,animal,channels,start_time,video\n"
    "m1/day1.edf,m1,HPC=1;CTX=2,,\n"
    "pair/day1.flac,m2,HPC=1;CTX=2,2026-01-05T08:00:00,cam1/day1.mp4\n"
    "pair/day1.flac,m3,HPC=3; CTX = 4;,2026-01-05T08:00:00,cam1/day1.mp4\n";

/* m1's washout comes first in the file: periods are ordered by start. */
static const char valid_dosing[] =
    "animal,period,drug,dose_mg_kg,route,start,end,tolerated,plasma_level\n"
    "m1,washout,carbamazepine,,,2026-01-29T08:00,2026-02-01T08:00,,\n"
    "m1,baseline,,,,2026-01-01T08:00,2026-01-15T08:00,,\n"
    "m1,treatment,Carbamazepine,20,ip,2026-01-15T08:00,2026-01-29T08:00,yes,4.5\n"
    "m2,vehicle,saline,0,ip,2026-01-01T08:00,2026-01-06T08:00,unknown,\n"
    "m2,treatment,levetiracetam,50,po,2026-01-06T08:00,2026-01-11T08:00,NO,\n";

static const char valid_annotations[] =
    "recording,animal,start_s,end_s,type,racine,scorer\n"
    "day1.edf,m1,100.5,130,hpd,,AB\n"
    "m1/day1.edf,m1,200,260,convulsive,5,AB\n";

static void write_valid_study(void)
{
    write_file("study.ini", valid_ini);
    write_file("animals.csv", valid_animals);
    write_file("recordings.csv", valid_recordings);
    write_file("dosing.csv", valid_dosing);
    write_file("annotations.csv", valid_annotations);
}

static ictus_study *load_ok(void)
{
    ictus_study *s = NULL;
    ictus_error err = {0};
    CHECK_MSG(ictus_study_load(dir, &s, &err) == ICTUS_OK, "%s", err.msg);
    return s;
}

static int64_t at(const char *iso)
{
    int64_t t = 0;
    CHECK_MSG(ictus_walltime_parse(iso, &t), "%s", iso);
    return t;
}

/* ------------------------------------------------------------------------
 * The valid study
 * ---------------------------------------------------------------------- */

static void test_valid_study(void)
{
    write_valid_study();
    ictus_study *s = load_ok();
    if (!s)
        return;
    for (int i = 0; i < s->problems.n; i++)
        CHECK_MSG(false, "unexpected problem: %s", s->problems.lines[i]);
    CHECK_STR(s->name, "IHKA cohort 3");
    CHECK_STR(s->preset, "ihka-mouse");
    CHECK_NEAR(s->mains_hz, 50, 0, 0);
    CHECK_STR(ictus_config_get(s->config, "detector", "threshold"), "3");
    CHECK_STR(ictus_config_get(s->config, "analysis", "responder_pct"), "50");

    CHECK(s->has_drug_list);
    CHECK_INT(s->n_drugs, 2);
    const ictus_drug *cbz = ictus_study_drug(s, "CARBAMAZEPINE");
    CHECK(cbz && strcmp(cbz->name, "carbamazepine") == 0 && cbz->target_dose_mg_kg == 20);
    const ictus_drug *lev = ictus_study_drug(s, "levetiracetam");
    CHECK(lev && isnan(lev->target_dose_mg_kg));

    CHECK_INT(s->n_animals, 3);
    const ictus_animal *m2 = ictus_study_animal(s, "m2");
    CHECK(m2 && strcmp(m2->sex, "F") == 0 && strcmp(m2->notes, "left screw loose, replaced") == 0);
    CHECK(m2 && m2->birth_us == at("2025-09-02") && m2->line == 3);
    const ictus_animal *m3 = ictus_study_animal(s, "m3");
    CHECK(m3 && m3->sex[0] == '\0' && m3->birth_us == ICTUS_TIME_UNKNOWN && m3->n_periods == 0);
    CHECK(ictus_study_animal(s, "M1") == NULL);

    CHECK(s->has_recordings);
    CHECK_INT(s->n_recordings, 3);
    const ictus_recording_entry *r1 = ictus_study_recording(s, "m1/day1.edf", NULL);
    CHECK(r1 && strcmp(r1->path, "recordings/m1/day1.edf") == 0 && r1->start_us == ICTUS_TIME_UNKNOWN);
    CHECK(r1 && r1->n_channels == 2 && strcmp(r1->channels[1].label, "CTX") == 0 &&
          r1->channels[1].channel == 2);
    const ictus_recording_entry *pair3 = ictus_study_recording(s, "pair/day1.flac", "m3");
    CHECK(pair3 && pair3->n_channels == 2 && strcmp(pair3->channels[1].label, "CTX") == 0 &&
          pair3->channels[1].channel == 4 && pair3->start_us == at("2026-01-05T08:00") &&
          strcmp(pair3->video, "cam1/day1.mp4") == 0 && pair3->line == 4);
    CHECK(ictus_study_recording(s, "pair/day1.flac", NULL) == &s->recordings[1]);

    const ictus_animal *m1 = ictus_study_animal(s, "m1");
    CHECK(m1 && m1->n_periods == 3);
    if (m1 && m1->n_periods == 3) {
        const ictus_period *p = m1->periods;
        CHECK(p[0].kind == ICTUS_PERIOD_BASELINE && p[0].line == 3 && p[0].drug[0] == '\0');
        CHECK(p[1].kind == ICTUS_PERIOD_TREATMENT && strcmp(p[1].drug, "carbamazepine") == 0);
        CHECK(p[1].dose_mg_kg == 20 && p[1].target_dose_mg_kg == 20 && p[1].plasma_level == 4.5);
        CHECK(p[1].tolerated == ICTUS_TOLERATED_YES && strcmp(p[1].route, "ip") == 0);
        CHECK(p[1].start_us == at("2026-01-15T08:00") && p[1].end_us == at("2026-01-29T08:00"));
        CHECK(p[2].kind == ICTUS_PERIOD_WASHOUT && isnan(p[2].dose_mg_kg) &&
              p[2].tolerated == ICTUS_TOLERATED_UNKNOWN && isnan(p[2].plasma_level));
        CHECK(ictus_animal_period_at(m1, at("2026-01-15T08:00")) == &p[1]);
        CHECK(ictus_animal_period_at(m1, at("2026-01-15T07:59:59.999999")) == &p[0]);
        CHECK(ictus_animal_period_at(m1, at("2026-02-01T08:00")) == NULL);
        CHECK_STR(ictus_period_kind_name(p[2].kind), "washout");
    }
    CHECK(m2 && m2->n_periods == 2 && m2->periods[0].kind == ICTUS_PERIOD_VEHICLE &&
          strcmp(m2->periods[0].drug, "saline") == 0 && m2->periods[0].dose_mg_kg == 0 &&
          m2->periods[1].tolerated == ICTUS_TOLERATED_NO);

    CHECK(s->has_labels);
    CHECK_INT(s->n_labels, 2);
    if (s->n_labels == 2) {
        const ictus_expert_label *l = s->labels;
        CHECK(!l[0].wall_clock && l[0].start_us == 100500000 && l[0].end_us == 130000000);
        CHECK(strcmp(l[0].recording, "day1.edf") == 0 && l[0].racine == -1 &&
              strcmp(l[0].scorer, "AB") == 0 && strcmp(l[0].type, "hpd") == 0);
        CHECK(strcmp(l[1].recording, "day1.edf") == 0 && l[1].racine == 5); /* directories dropped */
    }
    ictus_study_destroy(s);
}

/* ------------------------------------------------------------------------
 * One problem per rule
 * ---------------------------------------------------------------------- */

/* Load the study (one file replaced by `text`) and expect exactly one
 * problem, `want` with "@" standing for the study directory.  Returns the
 * study for further checks (caller destroys), NULL on failure. */
static ictus_study *expect_one(const char *file, const char *text, const char *want)
{
    write_valid_study();
    write_file(file, text);
    ictus_study *s = load_ok();
    if (!s)
        return NULL;
    char expected[1024];
    const char *at_sign = strchr(want, '@');
    snprintf(expected, sizeof expected, "%.*s%s%s", (int)(at_sign - want), want, dir, at_sign + 1);
    /* A field animals.csv can do without is a warning (the animal is kept), the rest problems. */
    bool kept = strstr(want, "(the animal is kept") != NULL;
    const ictus_problems *list = kept ? &s->warnings : &s->problems;
    CHECK_MSG(list->n == 1 && s->problems.n + s->warnings.n == 1,
              "%s: %d problems and %d warnings, want 1 %s (%s)", file, s->problems.n,
              s->warnings.n, kept ? "warning" : "problem", expected);
    for (int i = 0; i < list->n; i++)
        CHECK_STR(list->lines[i], expected);
    return s;
}

static int periods_of(const ictus_study *s, const char *animal)
{
    const ictus_animal *a = ictus_study_animal(s, animal);
    return a ? a->n_periods : -1;
}

static void test_dosing_rules(void)
{
    const char *head = "animal,period,drug,dose_mg_kg,route,start,end,tolerated,plasma_level\n";
    const char *good = "m1,baseline,,,,2026-01-01T08:00,2026-01-15T08:00,,\n"
                       "m2,treatment,levetiracetam,50,po,2026-01-06T08:00,2026-01-11T08:00,,\n";
    char text[2048];
    ictus_study *s;

    snprintf(text, sizeof text, "%s%s%s", head, good,
             "m2,treatment,carbamazepine,20,ip,2026-01-05T08:00,2026-01-03T08:00,,\n");
    s = expect_one("dosing.csv", text, "@/dosing.csv:4:7 (end): end 2026-01-03T08:00 is before "
                                       "start 2026-01-05T08:00");
    CHECK(s && periods_of(s, "m1") == 1 && periods_of(s, "m2") == 1);
    ictus_study_destroy(s);

    snprintf(text, sizeof text, "%s%s%s", head, good,
             "m9,baseline,,,,2026-01-01T08:00,2026-01-15T08:00,,\n");
    s = expect_one("dosing.csv", text,
                   "@/dosing.csv:4:1 (animal): unknown animal \"m9\" (not in animals.csv)");
    CHECK(s && periods_of(s, "m1") == 1 && periods_of(s, "m2") == 1);
    ictus_study_destroy(s);

    snprintf(text, sizeof text, "%s%s%s", head, good,
             "m1,treatment,carbamazepine,20,ip,2026-01-10T08:00,2026-01-20T08:00,,\n");
    s = expect_one("dosing.csv", text,
                   "@/dosing.csv:4:6 (start): treatment 2026-01-10T08:00 to 2026-01-20T08:00 "
                   "overlaps baseline 2026-01-01T08:00 to 2026-01-15T08:00 at line 2 (animal \"m1\")");
    CHECK(s && periods_of(s, "m1") == 1 && periods_of(s, "m2") == 1);
    ictus_study_destroy(s);

    snprintf(text, sizeof text, "%s%s%s", head, good,
             "m1,baseline,,,,2026-01-01T08:00,2026-01-15T08:00,,\n");
    s = expect_one("dosing.csv", text,
                   "@/dosing.csv:4:6 (start): the baseline period of animal \"m1\" starting "
                   "2026-01-01T08:00 is already given at line 2");
    CHECK(s && periods_of(s, "m1") == 1);
    ictus_study_destroy(s);

    snprintf(text, sizeof text, "%s%s%s", head, good,
             "m1,treatment,carbamazepine,-5,ip,2026-01-15T08:00,2026-01-29T08:00,,\n");
    s = expect_one("dosing.csv", text, "@/dosing.csv:4:4 (dose_mg_kg): expected a dose in mg/kg "
                                       "(a number >= 0), got \"-5\"");
    CHECK(s && periods_of(s, "m1") == 1 && periods_of(s, "m2") == 1);
    ictus_study_destroy(s);

    snprintf(text, sizeof text, "%s%s%s", head, good,
             "m1,treatment,carbamazepine,20mg,ip,2026-01-15T08:00,2026-01-29T08:00,,\n");
    s = expect_one("dosing.csv", text, "@/dosing.csv:4:4 (dose_mg_kg): expected a dose in mg/kg "
                                       "(a number >= 0), got \"20mg\"");
    ictus_study_destroy(s);

    snprintf(text, sizeof text, "%s%s%s", head, good,
             "m1,treatment,carbamazepine,,ip,2026-01-15T08:00,2026-01-29T08:00,,\n");
    s = expect_one("dosing.csv", text, "@/dosing.csv:4:4 (dose_mg_kg): expected a dose in mg/kg, "
                                       "got an empty field");
    ictus_study_destroy(s);

    snprintf(text, sizeof text, "%s%s%s", head, good,
             "m1,treatmnet,carbamazepine,20,ip,2026-01-15T08:00,2026-01-29T08:00,,\n");
    s = expect_one("dosing.csv", text, "@/dosing.csv:4:2 (period): expected baseline, treatment, "
                                       "vehicle, washout, intervention or followup, got "
                                       "\"treatmnet\"");
    CHECK(s && periods_of(s, "m1") == 1 && periods_of(s, "m2") == 1);
    ictus_study_destroy(s);

    snprintf(text, sizeof text, "%s%s%s", head, good,
             "m1,treatment,valproate,200,ip,2026-01-15T08:00,2026-01-29T08:00,,\n");
    s = expect_one("dosing.csv", text, "@/dosing.csv:4:3 (drug): unknown drug \"valproate\" "
                                       "(study.ini [drugs] lists: carbamazepine, levetiracetam)");
    CHECK(s && periods_of(s, "m1") == 1 && periods_of(s, "m2") == 1);
    ictus_study_destroy(s);

    snprintf(text, sizeof text, "%s%s%s", head, good,
             "m1,treatment,,20,ip,2026-01-15T08:00,2026-01-29T08:00,,\n");
    s = expect_one("dosing.csv", text, "@/dosing.csv:4:3 (drug): expected the drug of the "
                                       "treatment, got an empty field");
    ictus_study_destroy(s);

    snprintf(text, sizeof text, "%s%s%s", head, good,
             "m3,baseline,saline,,,2026-01-01T08:00,2026-01-15T08:00,,\n");
    s = expect_one("dosing.csv", text, "@/dosing.csv:4:3 (drug): a baseline period is drug-free: "
                                       "expected an empty field, got \"saline\"");
    ictus_study_destroy(s);

    snprintf(text, sizeof text, "%s%s%s", head, good,
             "m1,treatment,carbamazepine,20,ip,2026-02-30T08:00,2026-03-10T08:00,,\n");
    s = expect_one("dosing.csv", text, "@/dosing.csv:4:6 (start): expected a local date and time "
                                       "(YYYY-MM-DD HH:MM[:SS], or the date alone for 00:00), "
                                       "got \"2026-02-30T08:00\"");
    ictus_study_destroy(s);

    snprintf(text, sizeof text, "%s%s%s", head, good,
             "m1,treatment,carbamazepine,20,ip,2026-01-15T08:00,2026-01-29T08:00,sometimes,\n");
    s = expect_one("dosing.csv", text, "@/dosing.csv:4:8 (tolerated): expected unknown, yes or "
                                       "no, got \"sometimes\"");
    ictus_study_destroy(s);

    snprintf(text, sizeof text, "%s%s%s", head, good,
             "m1,treatment,carbamazepine,20,ip,2026-01-15T08:00,2026-01-29T08:00,yes,high\n");
    s = expect_one("dosing.csv", text, "@/dosing.csv:4:9 (plasma_level): expected a plasma level "
                                       "(a number >= 0), got \"high\"");
    ictus_study_destroy(s);

    /* An unquoted comma in a field shifts the row: one problem at the first extra field. */
    snprintf(text, sizeof text, "%s%s%s", head, good,
             "m1,treatment,carbamazepine,20,ip,2026-01-15T08:00,2026-01-29T08:00,yes,4.5,x\n");
    s = expect_one("dosing.csv", text, "@/dosing.csv:4:10 (extra field): the row has 10 fields "
                                       "but the header 9 (a comma inside an unquoted field? "
                                       "quote it)");
    ictus_study_destroy(s);

    /* Missing columns, all listed; the file is ignored, the rest loads. */
    s = expect_one("dosing.csv", "animal,period,dose_mg_kg,start\nm1,baseline,,2026-01-01\n",
                   "@/dosing.csv: missing columns: drug, end (the header has: animal, period, "
                   "dose_mg_kg, start) (the file is ignored)");
    CHECK(s && s->n_recordings == 3 && s->n_labels == 2 && periods_of(s, "m1") == 0);
    ictus_study_destroy(s);

    /* Without a [drugs] list any drug is accepted. */
    write_valid_study();
    write_file("study.ini", "[study]\npreset = ihka-mouse\nmains_hz = 60\n");
    snprintf(text, sizeof text, "%s%s%s", head, good,
             "m1,treatment,valproate,200,ip,2026-01-15T08:00,2026-01-29T08:00,,\n");
    write_file("dosing.csv", text);
    s = load_ok();
    CHECK(s && s->problems.n == 0 && !s->has_drug_list && periods_of(s, "m1") == 2);
    CHECK(s && strcmp(s->name, dir + 5) == 0); /* the directory's name: dir is /tmp/... */
    CHECK(s && isnan(ictus_study_animal(s, "m1")->periods[1].target_dose_mg_kg));
    ictus_study_destroy(s);
}

static void test_recording_rules(void)
{
    const char *head = "file,animal,channels,start_time,video\n";
    const char *good = "m1/day1.edf,m1,HPC=1;CTX=2,,\n";
    char text[2048];
    ictus_study *s;
    static const struct {
        const char *row;
        const char *want;
    } cases[] = {
        {"m2/day1.edf,m9,,,\n",
         "@/recordings.csv:3:2 (animal): unknown animal \"m9\" (not in animals.csv)"},
        {"m1/day1.edf,m1,HPC=1,,\n",
         "@/recordings.csv:3:1 (file): \"m1/day1.edf\" for animal \"m1\" is already listed at "
         "line 2"},
        {"m2/day1.edf,m2,HPC=0;CTX=2,,\n",
         "@/recordings.csv:3:3 (channels): expected LABEL=N;LABEL=N... with channel numbers N "
         "from 1, got \"HPC=0;CTX=2\""},
        {"m2/day1.edf,m2,HPC1,,\n",
         "@/recordings.csv:3:3 (channels): expected LABEL=N;LABEL=N... with channel numbers N "
         "from 1, got \"HPC1\""},
        {"m2/day1.edf,m2,HPC=1;CTX=1,,\n",
         "@/recordings.csv:3:3 (channels): channel 1 is mapped twice in \"HPC=1;CTX=1\""},
        {"m2/day1.edf,m2,HPC=1;HPC=2,,\n",
         "@/recordings.csv:3:3 (channels): label \"HPC\" is given twice in \"HPC=1;HPC=2\""},
        {"m1/day1.edf,m2,HPC=2;CTX=3,,\n",
         "@/recordings.csv:3:3 (channels): channel 2 of \"m1/day1.edf\" is also mapped for "
         "animal \"m1\" at line 2"},
        {"m1/day1.edf,m2,,,\n",
         "@/recordings.csv:3:3 (channels): \"m1/day1.edf\" is also listed for animal \"m1\" at "
         "line 2: a file holding several animals needs a channel map in every row"},
        {"../other/day1.edf,m2,,,\n",
         "@/recordings.csv:3:1 (file): expected a path inside recordings/ (relative, without "
         "\"..\"), got \"../other/day1.edf\""},
        {"m2/day1.edf,m2,,2026-01-05 25:00,\n",
         "@/recordings.csv:3:4 (start_time): expected a local date and time "
         "(YYYY-MM-DD HH:MM[:SS], or the date alone for 00:00), got \"2026-01-05 25:00\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(text, sizeof text, "%s%s%s", head, good, cases[i].row);
        s = expect_one("recordings.csv", text, cases[i].want);
        CHECK_MSG(s && s->n_recordings == 1 && strcmp(s->recordings[0].file, "m1/day1.edf") == 0,
                  "case %zu: the valid row was not kept", i);
        ictus_study_destroy(s);
    }
}

static void test_animal_and_label_rules(void)
{
    ictus_study *s;
    s = expect_one("animals.csv",
                   "animal,model,sex,strain,birth_date,group,notes\n"
                   "m1,IHKA,M,,,,\nm2,IHKA,F,,,,\nm3,IHKA,,,,,\nm1,IHKA,F,,,,\n",
                   "@/animals.csv:5:1 (animal): animal \"m1\" is already listed at line 2");
    CHECK(s && s->n_animals == 3 && strcmp(ictus_study_animal(s, "m1")->sex, "M") == 0);
    ictus_study_destroy(s);
    s = expect_one("animals.csv",
                   "animal,model,sex,strain,birth_date,group,notes\n"
                   "m1,IHKA,M,,,,\nm2,IHKA,F,,,,\nm3,IHKA,,,,,\nm4,IHKA,F,,2025-13-01,,\n",
                   "@/animals.csv:5:5 (birth_date): expected a date (YYYY-MM-DD), got "
                   "\"2025-13-01\" (the animal is kept, its birth_date unknown)");
    CHECK(s && s->n_animals == 4 && ictus_study_animal(s, "m4") &&
          ictus_study_animal(s, "m4")->birth_us == ICTUS_TIME_UNKNOWN &&
          strcmp(ictus_study_animal(s, "m4")->sex, "F") == 0);
    ictus_study_destroy(s);
    write_valid_study();
    write_file("animals.csv", "animal,sex\nm1,x\nm2,F\nm3,\n");
    s = load_ok();
    CHECK(s && s->n_animals == 3 && strcmp(ictus_study_animal(s, "m1")->sex, "") == 0);
    CHECK(s && s->problems.n == 0 && s->warnings.n >= 1 &&
          strstr(s->warnings.lines[0], "/animals.csv:2:2 (sex): expected M, F, male or female, "
                                       "got \"x\"") != NULL);
    ictus_study_destroy(s);

    const char *head = "recording,animal,start_s,end_s,type,racine,scorer\n";
    const char *good = "day1.edf,m1,100.5,130,hpd,,AB\n";
    static const struct {
        const char *row;
        const char *want;
    } cases[] = {
        {"day1.edf,m9,10,20,hpd,,AB\n",
         "@/annotations.csv:3:2 (animal): unknown animal \"m9\" (not in animals.csv)"},
        {"day9.edf,m1,10,20,hpd,,AB\n",
         "@/annotations.csv:3:1 (recording): unknown recording \"day9.edf\" (no file of that "
         "name in recordings.csv)"},
        {"day1.edf,m1,30,20,hpd,,AB\n", "@/annotations.csv:3:4 (end_s): end_s 20 is not after start 30"},
        {"day1.edf,m1,100.5,130,hpd,,AB\n",
         "@/annotations.csv:3:3 (start_s): the same label is already given at line 2"},
        {"day1.edf,m1,10,20,hpd,7,AB\n",
         "@/annotations.csv:3:6 (racine): expected a Racine stage 0..5, got \"7\""},
        {",m1,10,20,hpd,,AB\n",
         "@/annotations.csv:3:1 (recording): start_s/end_s count from a recording's start: "
         "expected a recording, got an empty field"},
        {",,10,20,hpd,,AB\n",
         "@/annotations.csv:3:1 (recording): expected a recording or an animal, got neither"},
        {"day1.edf,m1,-1,20,hpd,,AB\n",
         "@/annotations.csv:3:3 (start_s): expected seconds from the recording start (a number "
         ">= 0), got \"-1\""},
    };
    char text[1024];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(text, sizeof text, "%s%s%s", head, good, cases[i].row);
        s = expect_one("annotations.csv", text, cases[i].want);
        CHECK_MSG(s && s->n_labels == 1 && s->labels[0].start_us == 100500000,
                  "case %zu: the valid row was not kept", i);
        ictus_study_destroy(s);
    }

    /* Wall-clock labels by animal; end before start. */
    s = expect_one("annotations.csv",
                   "animal,start,end,type\n"
                   "m1,2026-01-05T10:00:00,2026-01-05T10:00:40.5,convulsive\n"
                   "m2,2026-01-05T11:00:00,2026-01-05T10:59:00,hpd\n",
                   "@/annotations.csv:3:3 (end): end 2026-01-05T10:59:00 is not after start "
                   "2026-01-05T11:00:00");
    CHECK(s && s->n_labels == 1 && s->labels[0].wall_clock &&
          s->labels[0].start_us == at("2026-01-05T10:00") &&
          s->labels[0].end_us == at("2026-01-05T10:00:40.5") && s->labels[0].recording[0] == '\0');
    ictus_study_destroy(s);
    s = expect_one("annotations.csv", "animal,type\nm1,hpd\n",
                   "@/annotations.csv: missing columns: start_s, end_s (or start, end) (the file "
                   "is ignored)");
    CHECK(s && !s->has_labels && s->n_labels == 0);
    ictus_study_destroy(s);
}

/* ------------------------------------------------------------------------
 * Encodings, line ends, quoting
 * ---------------------------------------------------------------------- */

static void test_encodings(void)
{
    /* BOM, CRLF, quoted commas and a quoted newline: line numbers stay right. */
    write_valid_study();
    write_file("animals.csv",
               "\xEF\xBB\xBF" "animal,model,sex,strain,birth_date,group,notes\r\n"
               "m1,IHKA,M,\"C57BL/6J, Charles River\",2025-09-01,A,\"two lines:\r\nfine\"\r\n"
               "m2,IHKA,F,,,B,\"a, b, and \"\"c\"\"\"\r\n"
               "m3,IHKA,X,,,A,\r\n");
    ictus_study *s = load_ok();
    CHECK(s && s->n_animals == 3);
    if (s) {
        const ictus_animal *m1 = ictus_study_animal(s, "m1"), *m2 = ictus_study_animal(s, "m2");
        CHECK(m1 && strcmp(m1->strain, "C57BL/6J, Charles River") == 0 &&
              strcmp(m1->notes, "two lines:\r\nfine") == 0);
        CHECK(m2 && strcmp(m2->notes, "a, b, and \"c\"") == 0 && m2->line == 4);
        char want[256];
        snprintf(want, sizeof want,
                 "%s/animals.csv:5:3 (sex): expected M, F, male or female, got \"X\" (the "
                 "animal is kept, its sex unknown)", dir);
        CHECK(s->warnings.n >= 1);
        if (s->warnings.n >= 1)
            CHECK_STR(s->warnings.lines[0], want);
    }
    ictus_study_destroy(s);

    /* Latin-1 in an optional file: one problem, the file is ignored. */
    write_valid_study();
    write_file("dosing.csv", "animal,period,drug,dose_mg_kg,route,start,end\n"
                             "m1,baseline,,,,2026-01-01T08:00,2026-01-15T08:00\n"
                             "m1,treatment,carbamazepine,20,p\xE9ritoneal,2026-01-15T08:00,"
                             "2026-01-29T08:00\n");
    s = load_ok();
    CHECK(s && s->problems.n == 1 && periods_of(s, "m1") == 0 && s->n_recordings == 3);
    if (s && s->problems.n == 1)
        CHECK_MSG(strstr(s->problems.lines[0], "/dosing.csv:3:32: invalid UTF-8 (byte 0xE9)") &&
                      strstr(s->problems.lines[0], "(the file is ignored)"),
                  "%s", s->problems.lines[0]);
    ictus_study_destroy(s);

    /* Latin-1 in animals.csv is fatal: nothing else can be checked without it. */
    write_valid_study();
    write_file("animals.csv", "animal,notes\nm1,souris \xE0 part\n");
    ictus_study *bad = (ictus_study *)1;
    ictus_error err = {0};
    CHECK(ictus_study_load(dir, &bad, &err) == ICTUS_ERR_FORMAT && bad == NULL);
    CHECK_MSG(strstr(err.msg, "/animals.csv:2:11: invalid UTF-8 (byte 0xE0)") != NULL, "%s",
              err.msg);
}

/* ------------------------------------------------------------------------
 * Fatal errors and optional files
 * ---------------------------------------------------------------------- */

static void expect_fatal(ictus_status want, const char *fragment)
{
    ictus_study *s = (ictus_study *)1;
    ictus_error err = {0};
    ictus_status st = ictus_study_load(dir, &s, &err);
    CHECK_MSG(st == want, "status %s, want %s: %s", ictus_strstatus(st), ictus_strstatus(want),
              err.msg);
    CHECK(s == NULL);
    CHECK_MSG(strncmp(err.msg, dir, strlen(dir)) == 0 && strstr(err.msg, fragment), "\"%s\" not in %s",
              fragment, err.msg);
}

static void test_fatal_and_optional(void)
{
    write_valid_study();
    remove_file("study.ini");
    expect_fatal(ICTUS_ERR_IO, "/study.ini: cannot open");
    write_valid_study();
    remove_file("animals.csv");
    expect_fatal(ICTUS_ERR_IO, "/animals.csv: missing");
    write_valid_study();
    write_file("animals.csv", "id,sex\nm1,M\n");
    expect_fatal(ICTUS_ERR_FORMAT, "/animals.csv: missing column: animal (the header has: id, sex)");
    write_valid_study();
    write_file("study.ini", "[study]\nmains_hz = 50\n");
    expect_fatal(ICTUS_ERR_CONFIG, "/study.ini: [study] preset is missing");
    write_file("study.ini", "[study]\npreset = ihka-mouse\n");
    expect_fatal(ICTUS_ERR_CONFIG, "/study.ini: [study] mains_hz is missing");
    write_file("study.ini", "[study]\npreset = ihka-mouse\nmains_hz = 55\n");
    expect_fatal(ICTUS_ERR_CONFIG, "mains_hz = 55: expected 50, 60 or 0");
    write_file("study.ini", "[study]\npreset = ihka-mouse\nmains_hz = 50\nmains = 60\n");
    expect_fatal(ICTUS_ERR_CONFIG, "/study.ini:4: unknown setting [study] mains");
    write_file("study.ini", "[study]\npreset = ihka-mouse\nmains_hz = 50\n[drugs]\ncbz = lots\n");
    expect_fatal(ICTUS_ERR_CONFIG, "/study.ini:5: [drugs] cbz = 'lots'");

    /* Only the required files: no problems, nothing optional. */
    write_valid_study();
    remove_file("recordings.csv");
    remove_file("dosing.csv");
    remove_file("annotations.csv");
    ictus_study *s = load_ok();
    CHECK(s && s->problems.n == 0 && !s->has_recordings && !s->has_labels && s->n_animals == 3);
    CHECK(s && periods_of(s, "m1") == 0);
    ictus_study_destroy(s);

    /* Without recordings.csv any recording name in annotations is accepted. */
    write_valid_study();
    remove_file("recordings.csv");
    write_file("annotations.csv", "recording,start_s,end_s\nsomething.edf,1,2\n");
    s = load_ok();
    CHECK(s && s->problems.n == 0 && s->n_labels == 1);
    ictus_study_destroy(s);
}

/* A [drugs] list longer than any fixed buffer is named whole in the
 * problem (it was cut at 511 bytes). */
static void test_long_drug_list(void)
{
    write_valid_study();
    ictus_strbuf ini = {0}, want = {0};
    ictus_strbuf_add(&ini, "[study]\npreset = ihka-mouse\nmains_hz = 50\n[drugs]\n");
    ictus_strbuf_add(&want, "unknown drug \"carbamazepine\" (study.ini [drugs] lists: ");
    for (int i = 0; i < 40; i++) {
        ictus_strbuf_addf(&ini, "compound-%02d-of-a-long-series = 10\n", i);
        ictus_strbuf_addf(&want, "%scompound-%02d-of-a-long-series", i ? ", " : "", i);
    }
    ictus_strbuf_add(&want, ")");
    CHECK(want.len > 1024);
    write_file("study.ini", ictus_strbuf_text(&ini));
    write_file("dosing.csv", "animal,period,drug,dose_mg_kg,route,start,end,tolerated,"
                             "plasma_level\n"
                             "m1,treatment,carbamazepine,20,ip,2026-01-15T08:00,2026-01-29T08:00,,\n");
    ictus_study *s = load_ok();
    CHECK(s && s->n_drugs == 40);
    CHECK_MSG(s && s->problems.n == 1 && strstr(s->problems.lines[0], ictus_strbuf_text(&want)),
              "%s", s && s->problems.n ? s->problems.lines[0] : "no problem");
    ictus_study_destroy(s);
    ictus_strbuf_free(&ini);
    ictus_strbuf_free(&want);
}

/* recordings.csv of thousands of rows (the index of study.c grows and is
 * rebuilt several times): every file is found, with its first row when no
 * animal is given and the animal's row otherwise; a duplicate far from its
 * first row is still refused with that row's line; a file never listed is
 * not found. */
static void test_many_recordings(void)
{
    write_valid_study();
    remove_file("dosing.csv");
    remove_file("annotations.csv");
    enum { N_FILES = 3000 };
    ictus_strbuf csv = {0};
    ictus_strbuf_add(&csv, "file,animal,channels,start_time,video\n");
    for (int i = 0; i < N_FILES; i++) { /* every third file shared by m2 and m3 */
        if (i % 3) /* runs of two rows with one map (kept once: no copy, freed once) */
            ictus_strbuf_addf(&csv, "d%04d.edf,m1,%s,,\n", i, i < 1500 ? "HPC=1;CTX=2" : "");
        else
            ictus_strbuf_addf(&csv, "d%04d.edf,m2,HPC=1,,\nd%04d.edf,m3,HPC=2,,\n", i, i);
    }
    ictus_strbuf_add(&csv, "d0004.edf,m1,,,\n"); /* lines 2-3: d0000, 4, 5, 6-7, 8: d0004 */
    write_file("recordings.csv", ictus_strbuf_text(&csv));
    ictus_study *s = load_ok();
    int n_rows = N_FILES + (N_FILES + 2) / 3;
    CHECK_INT(s ? s->n_recordings : -1, n_rows);
    CHECK_MSG(s && s->problems.n == 1 &&
                  strstr(s->problems.lines[0], "\"d0004.edf\" for animal \"m1\" is already "
                                               "listed at line 8"),
              "%s", s && s->problems.n ? s->problems.lines[0] : "no problem");
    int wrong = 0;
    for (int i = 0; s && i < N_FILES; i++) {
        char file[32];
        snprintf(file, sizeof file, "d%04d.edf", i);
        const ictus_recording_entry *first = ictus_study_recording(s, file, NULL);
        const char *want = i % 3 ? "m1" : "m2";
        wrong += !first || strcmp(first->file, file) != 0 || strcmp(first->animal, want) != 0;
        if (first && i % 3) /* m1's map, as written */
            wrong += i < 1500 ? first->n_channels != 2 || first->channels[0].channel != 1 ||
                                    strcmp(first->channels[0].label, "HPC") != 0 ||
                                    first->channels[1].channel != 2 ||
                                    strcmp(first->channels[1].label, "CTX") != 0
                              : first->n_channels != 0;
        else if (first) /* m2's, between m1's runs and m3's */
            wrong += first->n_channels != 1 || first->channels[0].channel != 1 ||
                     strcmp(first->channels[0].label, "HPC") != 0;
        if (i % 3 == 0) {
            const ictus_recording_entry *m3 = ictus_study_recording(s, file, "m3");
            wrong += !m3 || m3 != first + 1 || strcmp(m3->animal, "m3") != 0;
            wrong += ictus_study_recording(s, file, "m1") != NULL;
        }
    }
    CHECK_INT(wrong, 0);
    CHECK(s && ictus_study_recording(s, "d9999.edf", NULL) == NULL);
    CHECK(s && ictus_study_recording(s, "", NULL) == NULL);
    ictus_study_destroy(s);
    ictus_strbuf_free(&csv);
}

int main(void)
{
    dir = support_tmpdir("study");
    test_valid_study();
    test_dosing_rules();
    test_recording_rules();
    test_animal_and_label_rules();
    test_encodings();
    test_fatal_and_optional();
    test_long_drug_list();
    test_many_recordings();
    support_tmpdir_remove(dir);
    return check_done("test_study");
}
