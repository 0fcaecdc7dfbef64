/* test_kindling_annot.c: protocols/kindling.h's stimulations from EDF+
 * annotations.  A study of the evoked preset without stimulations.csv, whose
 * recording (an EDF+C file written here with pipeline/source/edfwrite.h)
 * carries stimulation annotations among others: kindling.csv has a row per
 * matching annotation (stim_source edf_annotation, the stage from the text),
 * the stored afterdischarge is joined to it, a missing file is skipped and
 * counted; stimulations.csv wins when there is one; a non-evoked preset or a
 * pattern that matches nothing gives no kindling files; the stage parser. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/csvtable.h"
#include "base/path.h"
#include "base/walltime.h"
#include "pipeline/source/edfwrite.h"
#include "protocols/analysis.h"
#include "protocols/kindling.h"
#include "tests/check.h"
#include "tests/support_study.h"
#include "tests/support_tmp.h"

#define S_US ICTUS_US_PER_S
#define N_RECORDS 600 /* 10 min of 1 s records */

static int64_t t0_us; /* 2026-01-05T10:00: both recordings' start */

/* The annotations of A1's file: onset (s) and text. */
static const struct {
    int onset_s;
    const char *text;
} annotations[] = {
    {60, "Stim 6Hz R3"}, {180, "stim"}, {300, "Racine 5 STIM"}, {400, "lights off"},
    {500, "STIMULATION"},
};
#define N_ANNOTATIONS (int)(sizeof annotations / sizeof annotations[0])

static bool write_edf(const char *dir)
{
    char *sub = ictus_path_join_alloc(dir, "recordings");
    mkdir(sub, 0777);
    char *sub2 = ictus_path_join_alloc(sub, "A1");
    mkdir(sub2, 0777);
    char *path = ictus_path_join_alloc(sub2, "1.edf");
    ictus_edf_channel_spec ch = {"HPC", "uV", 10, -1000, 1000, -32768, 32767};
    ictus_edf_layout layout = {.format = ICTUS_FORMAT_EDFPLUS_C, .start_us = t0_us,
                               .record_us = S_US, .n_channels = 1, .channels = &ch,
                               .patient = "A1", .annotations_per_record = 2};
    ictus_edfwriter *w = NULL;
    ictus_error err = {0};
    bool ok = CHECK_MSG(ictus_edfwriter_create(path, &layout, &w, &err) == ICTUS_OK, "%s", err.msg);
    float samples[10] = {0};
    const float *rows[1] = {samples};
    for (int r = 0; r < N_RECORDS && ok; r++)
        ok = CHECK_MSG(ictus_edfwriter_write(w, (int64_t)r * S_US, rows, &err) == ICTUS_OK, "%s",
                       err.msg);
    for (int i = 0; i < N_ANNOTATIONS && ok; i++)
        ok = CHECK_MSG(ictus_edfwriter_annotate(w, (int64_t)annotations[i].onset_s * S_US, -1,
                                                annotations[i].text, &err) == ICTUS_OK,
                       "%s", err.msg);
    if (w)
        ok = CHECK_MSG(ictus_edfwriter_close(w, &err) == ICTUS_OK, "%s", err.msg) && ok;
    free(path);
    free(sub2);
    free(sub);
    return ok;
}

static bool make_study(const char *dir)
{
    bool ok = support_study_write(dir, "study.ini",
                                  "[study]\nname = annot\npreset = 6hz-kindling-mouse\n"
                                  "mains_hz = 50\n") &&
              support_study_write(dir, "animals.csv", "animal,group\nA1,k\nA2,k\n") &&
              write_edf(dir);
    support_store s;
    if (!ok || !support_store_open(&s, dir))
        return false;
    /* an afterdischarge 3.5 s after the first stimulation; A2's file
     * (recordings/A2/2.edf) does not exist */
    support_event ad = {t0_us + 63500000, 20 * S_US, "evoked"};
    ok = support_store_recording(&s, "A1", t0_us, N_RECORDS * S_US, 1, &ad, 1) &&
         support_store_recording(&s, "A2", t0_us, N_RECORDS * S_US, 1, NULL, 0);
    support_store_close(&s);
    return ok;
}

static ictus_kindling *analyse(const char *dir, ictus_study **study, ictus_analysis **an)
{
    ictus_error err = {0};
    char *out = ictus_path_join_alloc(dir, "out");
    if (CHECK_MSG(ictus_analysis_load(dir, NULL, study, an, &err) == ICTUS_OK, "%s", err.msg))
        CHECK_MSG(ictus_analysis_write(*an, out, &err) == ICTUS_OK, "%s", err.msg);
    free(out);
    return *an ? (*an)->kindling : NULL;
}

static char *read_text(const char *dir, const char *name)
{
    char *path = ictus_path_join_alloc(dir, name);
    static char text[16384];
    text[0] = 0;
    FILE *f = fopen(path, "r");
    if (f) {
        text[fread(text, 1, sizeof text - 1, f)] = 0;
        fclose(f);
    }
    free(path);
    return text;
}

static void test_from_annotations(const char *dir)
{
    ictus_study *study = NULL;
    ictus_analysis *an = NULL;
    ictus_kindling *k = analyse(dir, &study, &an);
    if (CHECK(k)) {
        /* "lights off" is not one; A2's file is missing */
        CHECK_INT(k->n_stims, 4);
        CHECK_INT(k->n_skipped, 1);
        static const int onset[4] = {60, 180, 300, 500}, racine[4] = {3, -1, 5, -1};
        for (int i = 0; i < k->n_stims && i < 4; i++) {
            const ictus_stim_result *s = &k->stims[i];
            CHECK_INT(s->stim_source, ICTUS_STIM_EDF_ANNOTATION);
            CHECK_STR(k->study->animals[s->animal].id, "A1");
            CHECK_STR(s->recording, "1.edf");
            CHECK(fabs(s->start_s - onset[i]) < 1e-9);
            CHECK(s->wall_us == t0_us + onset[i] * S_US);
            CHECK_INT(s->number, i + 1);
            CHECK_INT(s->racine, racine[i]);
            CHECK_INT(s->source, racine[i] >= 0 ? ICTUS_RACINE_STIMULATIONS : ICTUS_RACINE_NONE);
            CHECK(s->detected);
            CHECK(s->afterdischarge == (i == 0));
        }
    }
    ictus_analysis_destroy(an);
    ictus_study_destroy(study);

    char *out = ictus_path_join_alloc(dir, "out");
    char *path = ictus_path_join_alloc(out, "kindling.csv");
    ictus_csv *t = NULL;
    ictus_error err = {0};
    if (CHECK_MSG(ictus_csv_read(path, &t, &err) == ICTUS_OK, "%s", err.msg)) {
        CHECK_INT(ictus_csv_rows(t), 4);
        int c = ictus_csv_column(t, "stim_source");
        CHECK_INT(c, ictus_csv_columns(t) - 1); /* appended at the end */
        int c_line = ictus_csv_column(t, "line"), c_ad = ictus_csv_column(t, "afterdischarge");
        int c_r = ictus_csv_column(t, "racine"), c_start = ictus_csv_column(t, "start");
        for (int r = 0; r < ictus_csv_rows(t); r++) {
            CHECK_STR(ictus_csv_field(t, r, c), "edf_annotation");
            CHECK_STR(ictus_csv_field(t, r, c_line), "");
        }
        CHECK_STR(ictus_csv_field(t, 0, c_ad), "yes");
        CHECK_STR(ictus_csv_field(t, 1, c_ad), "no");
        CHECK_STR(ictus_csv_field(t, 0, c_r), "3");
        CHECK_STR(ictus_csv_field(t, 2, c_r), "5");
        CHECK_STR(ictus_csv_field(t, 0, c_start), "2026-01-05T10:01:00.000");
    }
    ictus_csv_destroy(t);
    free(path);
    path = ictus_path_join_alloc(out, "dose_response.csv");
    CHECK(access(path, F_OK) == 0);
    free(path);
    const char *text = read_text(out, "analysis-settings.txt");
    CHECK(strstr(text, "kindling.stim_source=edf_annotation\n") != NULL);
    CHECK(strstr(text, "kindling.stim_pattern=stim\n") != NULL);
    CHECK(strstr(text, "kindling_skipped=1\n") != NULL);
    free(out);
}

/* stimulations.csv, when there is one, is the list: annotations unused. */
static void test_csv_wins(const char *dir)
{
    CHECK(support_study_write(dir, "stimulations.csv", "recording,animal,start_s\n1.edf,A1,61\n"));
    ictus_study *study = NULL;
    ictus_analysis *an = NULL;
    ictus_kindling *k = analyse(dir, &study, &an);
    if (CHECK(k) && CHECK(k->n_stims == 1)) {
        CHECK_INT(k->stims[0].stim_source, ICTUS_STIM_CSV);
        CHECK_INT(k->stims[0].line, 2);
        CHECK(k->stims[0].afterdischarge);
    }
    ictus_analysis_destroy(an);
    ictus_study_destroy(study);
    char *out = ictus_path_join_alloc(dir, "out");
    ictus_csv *t = NULL;
    ictus_error err = {0};
    char *path = ictus_path_join_alloc(out, "kindling.csv");
    if (CHECK_MSG(ictus_csv_read(path, &t, &err) == ICTUS_OK, "%s", err.msg) &&
        CHECK(ictus_csv_rows(t) == 1))
        CHECK_STR(ictus_csv_field(t, 0, ictus_csv_column(t, "stim_source")), "stimulations_csv");
    ictus_csv_destroy(t);
    free(path);
    CHECK(strstr(read_text(out, "analysis-settings.txt"), "kindling.stim_source") == NULL);
    free(out);
    path = ictus_path_join_alloc(dir, "stimulations.csv");
    unlink(path);
    free(path);
}

/* No kindling: neither file (the previous analysis's are removed),
 * analysis-settings.txt without it. */
static void test_none(const char *dir, const char *ini, bool previous)
{
    CHECK(support_study_write(dir, "study.ini", ini));
    char *out = ictus_path_join_alloc(dir, "out");
    char *dr = ictus_path_join_alloc(out, "dose_response.csv");
    ictus_study *study = NULL;
    ictus_analysis *an = NULL;
    char *csv = ictus_path_join_alloc(out, "kindling.csv");
    CHECK(access(csv, F_OK) == (previous ? 0 : -1)); /* the previous analysis's */
    CHECK(!analyse(dir, &study, &an) && an);
    ictus_analysis_destroy(an);
    ictus_study_destroy(study);
    CHECK(access(csv, F_OK) != 0);
    CHECK(access(dr, F_OK) != 0);
    CHECK(strstr(read_text(out, "analysis-settings.txt"), "kindling") == NULL);
    free(csv);
    free(dr);
    free(out);
}

static void test_racine_of_text(void)
{
    static const struct {
        const char *text;
        int stage;
    } cases[] = {
        {"stim R3", 3}, {"r0 stim", 0}, {"Stim (R5)", 5}, {"Racine 4", 4}, {"racine:2", 2},
        {"RACINE = 1", 1}, {"stim R35", -1}, {"Racine 6", -1}, {"PR3 stim", -1}, {"stim", -1},
        {"R", -1}, {"stim R3b", -1}, {"", -1}, {"stim 6Hz R2 then R4", 2},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        CHECK_MSG(ictus_kindling_racine_of_text(cases[i].text) == cases[i].stage, "\"%s\"",
                  cases[i].text);
}

int main(void)
{
    setenv("ICTUS_PRESET_DIR", "detectors/presets", 1); /* the tests run from the root */
    t0_us = ictus_walltime_from_civil(2026, 1, 5, 10, 0, 0, 0);
    test_racine_of_text();
    char *dir = support_tmpdir("kindling_annot");
    if (CHECK(make_study(dir))) {
        test_from_annotations(dir);
        test_csv_wins(dir);
        /* a pattern that matches nothing */
        test_none(dir, "[study]\nname = annot\npreset = 6hz-kindling-mouse\nmains_hz = 50\n"
                       "[evoked]\nstim_pattern = zap\n",
                  true);
        /* a preset that is not evoked: annotations are not looked at */
        test_none(dir, "[study]\nname = annot\npreset = ihka-mouse\nmains_hz = 50\n", false);
    }
    support_tmpdir_remove(dir);
    return check_done("test_kindling_annot");
}
