/* test_exports.c: the report's exports: EDF+ annotation files read back with EDFlib, and review.csv.
 *
 * Properties:
 *   - on a synthetic study (`ictus synth` + `ictus run`, $ICTUS), each
 *     recording's EDF+ file holds exactly its events of out/events.csv
 *     (onsets and durations to the ms, texts "TYPE SCORE"), starts when the
 *     recording starts, and review.csv's rows are events.csv's events plus
 *     the video columns worked out by hand (default padding 5 s);
 *   - on a store built by hand: the current decision's verdict, corrected
 *     edges and an added event appear in both files; a study.ini padding is
 *     used; a start with a fraction of a second is kept; hostile names
 *     (quotes, commas, a newline) are quoted per RFC 4180 and read back;
 *     a long type is cut so that the text keeps its score and verdict
 *     (40 bytes); a recording without events gets no file; seeks are
 *     clamped at 0; recordings without a video have empty video columns;
 *     a stale *_events.edf of an earlier export is removed, other files kept;
 *     the header's patient code is the animal;
 *   - a file the store holds for two animals gets one annotation file per
 *     animal with events, named FILE_ANIMAL, also when the other animal's
 *     recording has no events (only the recordings with events are
 *     collected: the shared path is found by a walk of all of them);
 *   - ictus_report_exports_study() (a study already loaded, as `ictus run`
 *     passes its own) writes the same bytes as ictus_report_exports();
 *   - [report] video_padding_s: a bad value is an error, and a misspelt
 *     key stays an error for the section's owner (ictus_config_check_used).
 */
#include "report/exports.h"

#include <edflib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/config.h"
#include "base/csvtable.h"
#include "base/path.h"
#include "base/readfile.h"
#include "base/walltime.h"
#include "store/store.h"
#include "tests/check.h"
#include "tests/support_study.h"
#include "tests/support_tmp.h"

/* The annotations of the EDF+ file at path (read back with EDFlib), or
 * n < 0 when it does not open.  *hdr its header. */
typedef struct {
    struct edf_hdr_struct hdr;
    int n;
    struct edf_annotation_struct *a;
} annotations;

static annotations read_annotations(const char *path)
{
    annotations r = {.n = -1};
    if (edfopen_file_readonly(path, &r.hdr, EDFLIB_READ_ALL_ANNOTATIONS) != 0)
        return r;
    r.n = (int)r.hdr.annotations_in_file;
    r.a = calloc((size_t)(r.n ? r.n : 1), sizeof *r.a);
    for (int i = 0; i < r.n; i++)
        edf_get_annotation(r.hdr.handle, i, &r.a[i]);
    edfclose_file(r.hdr.handle);
    return r;
}

/* Milliseconds of an EDFlib onset (100 ns units) and of a duration text. */
static long long onset_ms(const struct edf_annotation_struct *a)
{
    return llround((double)a->onset / 1e4);
}

static long long duration_ms(const struct edf_annotation_struct *a)
{
    return llround(atof(a->duration) * 1e3);
}

static long long field_ms(const ictus_csv *t, int row, const char *col)
{
    return llround(atof(ictus_csv_field(t, row, ictus_csv_column(t, col))) * 1e3);
}

static const char *field(const ictus_csv *t, int row, const char *col)
{
    return ictus_csv_field(t, row, ictus_csv_column(t, col));
}

/* ---- a synthetic study ----------------------------------------------- */

static void test_synthetic_study(void)
{
    const char *ictus = getenv("ICTUS");
    char *dir = support_tmpdir("exports-synth");
    char cmd[3 * ICTUS_PATH_MAX];
    snprintf(cmd, sizeof cmd,
             "'%s' synth --model ihka-mouse --animals 2 --days 1 --hours 2 --fs 250 --seed 3 "
             "-o '%s/S' >/dev/null && '%s' run '%s/S' --settle 0 >/dev/null && "
             "sed -i '2s/,$/,cage1.mp4@7.5/' '%s/S/recordings.csv'",
             ictus ? ictus : "build/release/ictus", dir, ictus ? ictus : "build/release/ictus",
             dir, dir);
    CHECK_MSG(system(cmd) == 0, "%s", cmd);
    char study[ICTUS_PATH_MAX];
    snprintf(study, sizeof study, "%s/S", dir);
    ictus_exports_summary sum;
    ictus_error err = {0};
    CHECK_MSG(ictus_report_exports(study, NULL, NULL, &sum, &err) == ICTUS_OK, "%s", err.msg);
    ictus_csv *events = NULL, *review = NULL;
    CHECK(ictus_csv_read(support_path(study, "out/events.csv"), &events, &err) == ICTUS_OK);
    CHECK(ictus_csv_read(support_path(study, "out/review.csv"), &review, &err) == ICTUS_OK);
    if (!events || !review)
        goto done;
    int n = ictus_csv_rows(events);
    CHECK(n >= 4);
    CHECK_INT(sum.n_events, n);
    CHECK_INT(sum.n_annotation_files, 2);
    CHECK_INT(sum.problems.n, 0);
    /* review.csv: events.csv's first nine columns, then the video. */
    CHECK_INT(ictus_csv_rows(review), n);
    int n_video = 0;
    for (int r = 0; r < n && r < ictus_csv_rows(review); r++) {
        for (int c = 0; c < 9; c++)
            CHECK_STR(ictus_csv_field(review, r, c), ictus_csv_field(events, r, c));
        CHECK_STR(field(review, r, "verdict"), "");
        CHECK_STR(field(review, r, "origin"), "detected");
        bool m01 = !strcmp(field(events, r, "animal"), "M01");
        char seek[32] = "";
        if (m01)
            snprintf(seek, sizeof seek, "%.3f",
                     fmax(0, atof(field(events, r, "start_s")) - 7.5 - 5));
        CHECK_STR(field(review, r, "video"), m01 ? "recordings/cage1.mp4" : "");
        CHECK_STR(field(review, r, "video_seek_s"), seek);
        n_video += m01;
    }
    CHECK(n_video > 0 && n_video < n);
    CHECK_INT(sum.n_with_video, n_video);
    /* Each recording's file: its events of events.csv, in order. */
    const char *recs[][2] = {{"M01", "M01_20260105_080000.edf"}, {"M02", "M02_20260105_080000.edf"}};
    for (int k = 0; k < 2; k++) {
        char path[2 * ICTUS_PATH_MAX];
        snprintf(path, sizeof path, "%s/out/annotations/%s_events.edf", study, recs[k][1]);
        annotations a = read_annotations(path);
        CHECK_MSG(a.n > 0, "%s: no annotations", path);
        CHECK_INT(a.hdr.filetype, EDFLIB_FILETYPE_EDFPLUS);
        CHECK_INT(a.hdr.edfsignals, 0);
        CHECK_INT(a.hdr.startdate_year * 10000 + a.hdr.startdate_month * 100 + a.hdr.startdate_day,
                  20260105);
        CHECK_INT(a.hdr.starttime_hour * 3600 + a.hdr.starttime_minute * 60 + a.hdr.starttime_second,
                  8 * 3600);
        int i = 0;
        for (int r = 0; r < n; r++) {
            if (strcmp(field(events, r, "animal"), recs[k][0]))
                continue;
            CHECK_MSG(i < a.n, "%s: annotation %d missing", path, i);
            if (i >= a.n)
                break;
            char text[64];
            snprintf(text, sizeof text, "%s %s", field(events, r, "type"), field(events, r, "score"));
            CHECK_INT(onset_ms(&a.a[i]), field_ms(events, r, "start_s"));
            CHECK_INT(duration_ms(&a.a[i]), field_ms(events, r, "duration_s"));
            CHECK_STR(a.a[i].annotation, text);
            i++;
        }
        CHECK_INT(i, a.n);
        free(a.a);
    }
done:
    ictus_csv_destroy(events);
    ictus_csv_destroy(review);
    ictus_problems_clear(&sum.problems);
    support_tmpdir_remove(dir);
}

/* ---- a store built by hand: reviews, added events, hostile names ------- */

#define ANIMAL "M\"1,x"            /* a quote and a comma */
#define NOTE "he said \"no\",\nthen left"
#define LONG_TYPE "a_very_long_type_name_x" /* 23 bytes, the most a type holds */

static void test_reviews_and_names(void)
{
    char *dir = support_tmpdir("exports-hand");
    CHECK(support_study_write(dir, "study.ini",
                              "[study]\nname = hand\npreset = ihka-mouse\nmains_hz = 50\n"
                              "[report]\nvideo_padding_s = 2\n"));
    CHECK(support_study_write(dir, "animals.csv", "animal\n\"M\"\"1,x\"\nM02\n"));
    /* The hostile animal's first recording has a video starting 3 s in. */
    CHECK(support_study_write(dir, "recordings.csv",
                              "file,animal,video\n"
                              "\"M\"\"1,x/1.edf\",\"M\"\"1,x\",\"M\"\"1,x/v.mp4@3\"\n"));
    support_store s;
    CHECK(support_store_open(&s, dir));
    int64_t t0 = ictus_walltime_from_civil(2026, 1, 5, 8, 0, 0, 250000);
    const support_event ev1[] = {{t0 + 100 * ICTUS_US_PER_S, 20 * ICTUS_US_PER_S, "hpd"},
                                 {t0 + 3 * ICTUS_US_PER_S, 10 * ICTUS_US_PER_S, "convulsive"}};
    const support_event ev3[] = {{t0 + 50 * ICTUS_US_PER_S, 5 * ICTUS_US_PER_S, LONG_TYPE}};
    CHECK(support_store_recording(&s, ANIMAL, t0, 7200 * ICTUS_US_PER_S, 1, ev1, 2));
    CHECK(support_store_recording(&s, ANIMAL, t0 + 7200 * ICTUS_US_PER_S, 3600 * ICTUS_US_PER_S,
                                  1, NULL, 0));
    CHECK(support_store_recording(&s, "M02", t0, 3600 * ICTUS_US_PER_S, 1, ev3, 1));
    ictus_error err = {0};
    const ictus_store_review reviews[] = {
        {.path = "recordings/" ANIMAL "/1.edf", .animal = ANIMAL, .channel = "*",
         .start_us = 100 * ICTUS_US_PER_S, .end_us = 120 * ICTUS_US_PER_S,
         .verdict = ICTUS_VERDICT_SEIZURE, .racine = 4, .reviewer = "ann", .reviewed_unix_us = 1,
         .note = "", .has_fixed_edges = true, .fixed_start_us = 101 * ICTUS_US_PER_S,
         .fixed_end_us = 121 * ICTUS_US_PER_S},
        {.path = "recordings/" ANIMAL "/1.edf", .animal = ANIMAL, .channel = "HPC",
         .start_us = 200 * ICTUS_US_PER_S, .end_us = 230 * ICTUS_US_PER_S,
         .verdict = ICTUS_VERDICT_SEIZURE, .racine = -1, .reviewer = "ann", .reviewed_unix_us = 2,
         .note = "", .type = "hpd", .added = true},
        {.path = "recordings/M02/3.edf", .animal = "M02", .channel = "*",
         .start_us = 50 * ICTUS_US_PER_S, .end_us = 55 * ICTUS_US_PER_S,
         .verdict = ICTUS_VERDICT_NOT_SEIZURE, .racine = -1, .reviewer = "bob",
         .reviewed_unix_us = 3, .note = NOTE},
    };
    for (size_t i = 0; i < sizeof reviews / sizeof reviews[0]; i++)
        CHECK_MSG(ictus_store_put_review(s.store, &reviews[i], &err) == ICTUS_OK, "%s", err.msg);
    support_store_close(&s);

    /* A file of an earlier export whose recording has no events now, and a
     * file of the user's. */
    static const char *const folders[] = {"out", "out/annotations", "out/annotations/" ANIMAL};
    for (int i = 0; i < 3; i++)
        CHECK(mkdir(support_path(dir, folders[i]), 0777) == 0);
    CHECK(support_study_write(dir, "out/annotations/" ANIMAL "/2.edf_events.edf", "old"));
    CHECK(support_study_write(dir, "out/annotations/mine.txt", "keep"));
    ictus_exports_summary sum;
    CHECK_MSG(ictus_report_exports(dir, NULL, NULL, &sum, &err) == ICTUS_OK, "%s", err.msg);
    CHECK_INT(sum.n_events, 4);
    CHECK_INT(sum.n_with_video, 3);
    CHECK_INT(sum.n_annotation_files, 2);
    ictus_problems_clear(&sum.problems);

    /* review.csv: the raw quoting, then every field read back. */
    const char *csv_path = support_path(dir, "out/review.csv");
    FILE *f = fopen(csv_path, "rb");
    char raw[4096] = "";
    CHECK(f && fread(raw, 1, sizeof raw - 1, f) > 0);
    if (f)
        fclose(f);
    CHECK(strstr(raw, "\nrecordings/M\"\"1,x/1.edf,") == NULL);
    CHECK(strstr(raw, "\n\"recordings/M\"\"1,x/1.edf\",\"M\"\"1,x\",*,3.000,") != NULL);
    CHECK(strstr(raw, ",\"he said \"\"no\"\",\nthen left\",") != NULL);
    ictus_csv *t = NULL;
    CHECK_MSG(ictus_csv_read(csv_path, &t, &err) == ICTUS_OK, "%s", err.msg);
    if (t) {
        CHECK_INT(ictus_csv_rows(t), 4);
        static const char *const want[][10] = {
            /* animal, start_s, end_s, type, score, verdict, racine, origin, video, seek */
            {ANIMAL, "3.000", "13.000", "convulsive", "0.900", "", "", "detected",
             "recordings/" ANIMAL "/v.mp4", "0.000"},
            {ANIMAL, "101.000", "121.000", "hpd", "0.900", "seizure", "4", "detected",
             "recordings/" ANIMAL "/v.mp4", "96.000"},
            {ANIMAL, "200.000", "230.000", "hpd", "", "seizure", "", "added",
             "recordings/" ANIMAL "/v.mp4", "195.000"},
            {"M02", "50.000", "55.000", LONG_TYPE, "0.900", "not_seizure", "", "detected", "", ""},
        };
        static const char *const cols[] = {"animal", "start_s", "end_s", "type", "score",
                                           "verdict", "racine", "origin", "video",
                                           "video_seek_s"};
        for (int r = 0; r < 4 && r < ictus_csv_rows(t); r++)
            for (int c = 0; c < 10; c++)
                CHECK_STR(field(t, r, cols[c]), want[r][c]);
        CHECK_STR(field(t, 1, "start_time"), "2026-01-05T08:01:41.250");
        CHECK_STR(field(t, 2, "channel"), "HPC");
        CHECK_STR(field(t, 3, "note"), NOTE);
        CHECK_STR(field(t, 3, "reviewer"), "bob");
        ictus_csv_destroy(t);
    }

    /* The EDF+ files. */
    annotations a = read_annotations(support_path(dir, "out/annotations/" ANIMAL "/1.edf_events.edf"));
    CHECK_INT(a.n, 3);
    CHECK_INT(a.hdr.starttime_subsecond, 2500000);  /* 0.25 s in 100 ns */
    static const char *const texts[] = {"convulsive 0.900", "hpd 0.900 seizure",
                                        "hpd added seizure"};
    static const long long onsets_ms[] = {3000, 101000, 200000}, durations_ms[] = {10000, 20000,
                                                                                   30000};
    for (int i = 0; i < 3 && i < a.n; i++) {
        CHECK_STR(a.a[i].annotation, texts[i]);
        CHECK_INT(onset_ms(&a.a[i]), onsets_ms[i]);
        CHECK_INT(duration_ms(&a.a[i]), durations_ms[i]);
    }
    free(a.a);
    a = read_annotations(support_path(dir, "out/annotations/M02/3.edf_events.edf"));
    CHECK_INT(a.n, 1);
    CHECK_STR(a.hdr.patientcode, "M02");
    CHECK_STR(a.hdr.equipment, "ictus");
    if (a.n == 1) {
        CHECK_STR(a.a[0].annotation, "a_very_long_type_name_ 0.900 not_seizure");
        CHECK_INT((long long)strlen(a.a[0].annotation), 40);
    }
    free(a.a);
    CHECK(access(support_path(dir, "out/annotations/" ANIMAL "/2.edf_events.edf"), F_OK) != 0);
    CHECK(access(support_path(dir, "out/annotations/mine.txt"), F_OK) == 0);
    support_tmpdir_remove(dir);
}

/* ---- one file, two animals: FILE_ANIMAL_events.edf ------------------- */

/* Put a one-hour recording of `animal` at `path`, with one event 10 s in
 * when `with_event`. */
static void put_at(ictus_store *store, int64_t run_id, const char *path, const char *animal,
                   int64_t start_us, uint64_t hash_lo, bool with_event)
{
    int64_t duration_us = 3600 * ICTUS_US_PER_S;
    int64_t n_buckets = ictus_grid_n_buckets(duration_us);
    int64_t *analysable_us = calloc((size_t)n_buckets, sizeof *analysable_us);
    for (int64_t b = 0; b < n_buckets; b++)
        analysable_us[b] = ictus_grid_bucket_len_us(b, duration_us);
    ictus_event ev = {.start_us = 10 * ICTUS_US_PER_S, .end_us = 20 * ICTUS_US_PER_S,
                      .wall_start_us = start_us + 10 * ICTUS_US_PER_S, .score = 0.9};
    snprintf(ev.channel, sizeof ev.channel, "*");
    snprintf(ev.type, sizeof ev.type, "hpd");
    ictus_hash128 hash = {hash_lo, 78};
    ictus_store_series series = {ICTUS_STORE_ALL_CHANNELS, n_buckets, analysable_us, NULL};
    ictus_store_results res = {
        .file = {path, animal, {2000 + (int64_t)hash_lo, 1700000000000000000, 7}, &hash, run_id},
        .format = "EDF+C", .start_us = start_us, .duration_us = duration_us,
        .preset = "test@1", .params_hash = {1, 2}, .n_events = with_event ? 1 : 0,
        .events = &ev, .n_series = 1, .series = &series};
    ictus_error err = {0};
    CHECK_MSG(ictus_store_put_recording(store, &res, &err) == ICTUS_OK, "%s", err.msg);
    free(analysable_us);
}

static void test_shared_file(void)
{
    char *dir = support_tmpdir("exports-shared");
    CHECK(support_study_write(dir, "study.ini",
                              "[study]\nname = shared\npreset = ihka-mouse\nmains_hz = 50\n"));
    CHECK(support_study_write(dir, "animals.csv", "animal\nA1\nA2\nA3\n"));
    support_store s;
    CHECK(support_store_open(&s, dir));
    int64_t t0 = ictus_walltime_from_civil(2026, 1, 5, 8, 0, 0, 0);
    /* pair.edf: A1 with an event, A2 without; both.edf: A1 and A3 with
     * events; solo.edf: A2 alone. */
    put_at(s.store, s.run_id, "recordings/pair.edf", "A1", t0, 1, true);
    put_at(s.store, s.run_id, "recordings/pair.edf", "A2", t0, 1, false);
    put_at(s.store, s.run_id, "recordings/both.edf", "A1", t0, 2, true);
    put_at(s.store, s.run_id, "recordings/both.edf", "A3", t0, 2, true);
    put_at(s.store, s.run_id, "recordings/solo.edf", "A2", t0, 3, true);
    support_store_close(&s);
    ictus_exports_summary sum;
    ictus_error err = {0};
    CHECK_MSG(ictus_report_exports(dir, NULL, NULL, &sum, &err) == ICTUS_OK, "%s", err.msg);
    CHECK_INT(sum.n_events, 4);
    CHECK_INT(sum.n_annotation_files, 4);
    ictus_problems_clear(&sum.problems);
    static const char *const present[] = {"pair.edf_A1", "both.edf_A1", "both.edf_A3", "solo.edf"};
    static const char *const absent[] = {"pair.edf", "pair.edf_A2", "both.edf", "solo.edf_A2"};
    for (int i = 0; i < 4; i++) {
        char name[128];
        snprintf(name, sizeof name, "out/annotations/%s_events.edf", present[i]);
        CHECK_MSG(access(support_path(dir, name), F_OK) == 0, "%s missing", name);
        snprintf(name, sizeof name, "out/annotations/%s_events.edf", absent[i]);
        CHECK_MSG(access(support_path(dir, name), F_OK) != 0, "%s written", name);
    }
    annotations a = read_annotations(support_path(dir, "out/annotations/pair.edf_A1_events.edf"));
    CHECK_INT(a.n, 1);
    CHECK_STR(a.hdr.patientcode, "A1");
    free(a.a);
    support_tmpdir_remove(dir);
}

/* Whether the files a and b hold the same bytes (both readable). */
static bool same_bytes(const char *a, const char *b)
{
    char *x = NULL, *y = NULL;
    size_t nx = 0, ny = 0;
    ictus_error err = {0};
    bool same = ictus_read_file(a, &x, &nx, &err) == ICTUS_OK &&
                ictus_read_file(b, &y, &ny, &err) == ICTUS_OK && nx == ny &&
                memcmp(x, y, nx) == 0;
    free(x);
    free(y);
    return same;
}

/* ---- a study already loaded --------------------------------------------- */

/* The same hand-made store exported twice: from the directory (the study
 * loaded inside) and from a loaded study into another directory; review.csv
 * and the annotation files must be the same bytes. */
static void test_loaded_study(void)
{
    char *dir = support_tmpdir("exports-loaded");
    CHECK(support_study_write(dir, "study.ini",
                              "[study]\nname = loaded\npreset = ihka-mouse\nmains_hz = 50\n"));
    CHECK(support_study_write(dir, "animals.csv", "animal\nM01\nM02\n"));
    CHECK(support_study_write(dir, "recordings.csv",
                              "file,animal,video\nM01/1.edf,M01,M01/v.mp4@3\n"));
    support_store s;
    CHECK(support_store_open(&s, dir));
    int64_t t0 = ictus_walltime_from_civil(2026, 1, 5, 8, 0, 0, 0);
    const support_event ev1[] = {{t0 + 100 * ICTUS_US_PER_S, 20 * ICTUS_US_PER_S, "hpd"}};
    const support_event ev3[] = {{t0 + 50 * ICTUS_US_PER_S, 5 * ICTUS_US_PER_S, "hpd"}};
    CHECK(support_store_recording(&s, "M01", t0, 3600 * ICTUS_US_PER_S, 1, ev1, 1));
    CHECK(support_store_recording(&s, "M01", t0 + 3600 * ICTUS_US_PER_S, 3600 * ICTUS_US_PER_S,
                                  1, NULL, 0));
    CHECK(support_store_recording(&s, "M02", t0, 3600 * ICTUS_US_PER_S, 1, ev3, 1));
    support_store_close(&s);
    ictus_error err = {0};
    ictus_exports_summary a, b;
    CHECK_MSG(ictus_report_exports(dir, NULL, NULL, &a, &err) == ICTUS_OK, "%s", err.msg);
    ictus_study *study = NULL;
    CHECK_MSG(ictus_study_load(dir, &study, &err) == ICTUS_OK, "%s", err.msg);
    if (study) {
        CHECK_MSG(ictus_report_exports_study(study, support_path(dir, "out2"), NULL, &b, &err) ==
                      ICTUS_OK, "%s", err.msg);
        ictus_study_destroy(study);
        CHECK_INT(b.n_events, a.n_events);
        CHECK_INT(b.n_with_video, a.n_with_video);
        CHECK_INT(b.n_annotation_files, a.n_annotation_files);
        ictus_problems_clear(&b.problems);
    }
    CHECK_INT(a.n_events, 2);
    CHECK_INT(a.n_with_video, 1);
    CHECK_INT(a.n_annotation_files, 2);
    ictus_problems_clear(&a.problems);
    static const char *const files[] = {"review.csv", "annotations/M01/1.edf_events.edf",
                                        "annotations/M02/3.edf_events.edf"};
    for (int i = 0; i < 3; i++) {
        char one[ICTUS_PATH_MAX], two[ICTUS_PATH_MAX];
        snprintf(one, sizeof one, "%s/out/%s", dir, files[i]);
        snprintf(two, sizeof two, "%s/out2/%s", dir, files[i]);
        CHECK_MSG(same_bytes(one, two), "%s", files[i]);
    }
    support_tmpdir_remove(dir);
}

/* ---- the setting ------------------------------------------------------ */

static void test_settings(void)
{
    static const char *const report_section[] = {"report", NULL};
    ictus_exports_options opt;
    ictus_exports_options_default(&opt);
    CHECK(opt.video_padding_s == 5);
    ictus_error err = {0};
    ictus_config *cfg = ictus_config_create();
    CHECK(ictus_config_parse(cfg, "[report]\nvideo_padding_s = 12.5\n", "a", &err) == ICTUS_OK);
    CHECK(ictus_exports_options_apply(&opt, cfg, &err) == ICTUS_OK);
    CHECK(opt.video_padding_s == 12.5);
    CHECK(ictus_config_check_used(cfg, report_section, &err) == ICTUS_OK);
    ictus_config_destroy(cfg);

    cfg = ictus_config_create();
    CHECK(ictus_config_parse(cfg, "[report]\nvideo_padding_s = -1\n", "b", &err) == ICTUS_OK);
    CHECK(ictus_exports_options_apply(&opt, cfg, &err) == ICTUS_ERR_CONFIG);
    ictus_config_destroy(cfg);

    cfg = ictus_config_create();
    CHECK(ictus_config_parse(cfg, "[report]\nvideo_pading_s = 1\n", "c", &err) == ICTUS_OK);
    CHECK(ictus_exports_options_apply(&opt, cfg, &err) == ICTUS_OK);
    CHECK(ictus_config_check_used(cfg, report_section, &err) == ICTUS_ERR_CONFIG);
    CHECK(strstr(err.msg, "video_pading_s") != NULL);
    ictus_config_destroy(cfg);
}

int main(void)
{
    test_settings();
    test_reviews_and_names();
    test_shared_file();
    test_loaded_study();
    test_synthetic_study();
    return check_done("test_exports");
}
