/* test_review_signal.c: GET /api/signal's answers (review/api.h) against ictus's own reading.
 *
 * Proves, on a small study (an EDF file of two channels, 200 Hz, 60 s, its
 * recording put into ictus.db through the store's API, recordings.csv
 * mapping HPC to the file's channel 2 and CTX to channel 1):
 *   - the answer's channels are the recording seen through recordings.csv's
 *     map (labels HPC, CTX, in that order) and every column's min and max
 *     equals pipeline/excerpt.h's reading of those file channels, raw and
 *     with the study preset's filters; columns before the start and in an
 *     EDF+D gap are null;
 *   - its start is the wall time of t0, its width the one asked for;
 *   - bad arguments (width 0 or 4001, t1 <= t0, a window over 600 s,
 *     filters=maybe, no recording, no animal, a number with trailing text)
 *     are 400;
 *   - a path the store does not hold (also with another animal, or written
 *     with "..") is 404; a stored recording whose file is gone is 404 with
 *     an error naming it; a stored path that is a symlink out of the study
 *     directory is 404 and its target is never read;
 *   - the file rewritten after it was served (kept open in the cache) is
 *     read anew; deleted, it is 404 naming it.
 */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/path.h"
#include "pipeline/excerpt.h"
#include "protocols/study.h"
#include "protocols/study_preset.h"
#include "review/api.h"
#include "tests/check.h"
#include "tests/support_edf.h"
#include "tests/support_study.h"
#include "tests/support_tmp.h"

/* The test recording: two channels at SAMPLES Hz for N_RECORDS 1-s records. */
#define SAMPLES 200
#define N_RECORDS 60
/* The gap: records GAP_AT.. start GAP_S s late; TAL_BYTES per record for the time-keeping. */
#define GAP_AT 30
#define GAP_S 10
#define TAL_BYTES 32

/* The server's cache of open recordings, as the server holds one. */
static ictus_review_cache *cache;

/* The answer's status, its document in *doc (caller decrefs, NULL when not JSON). */
static int signal(const char *dir, const char *recording, const char *animal, const char *t0,
                  const char *t1, const char *width, const char *filters, json_t **doc)
{
    char *text;
    int status = ictus_review_api_signal(cache, dir, recording, animal, t0, t1, width, filters, &text);
    *doc = json_loads(text, 0, NULL);
    free(text);
    return status;
}

/* Every column of the answer `doc` equals the excerpt of file channels
 * `file_ch` (in that order) read by pipeline/excerpt.h. */
static void check_columns(const json_t *doc, const char *path, const int *file_ch, int n,
                          int64_t t0_us, int64_t t1_us, int width, const ictus_settings *filters)
{
    const ictus_excerpt_request req = {.t0_us = t0_us, .t1_us = t1_us, .width = width,
                                       .channels = file_ch, .n_channels = n,
                                       .filters = filters};
    ictus_excerpt *ex;
    ictus_error err = {0};
    CHECK_INT(ictus_excerpt_file(path, NULL, &req, &ex, &err), ICTUS_OK);
    if (!ex)
        return;
    json_t *channels = json_object_get(doc, "channels");
    CHECK_INT(json_array_size(channels), n);
    int n_diff = 0, n_null = 0;
    for (int c = 0; c < n && c < (int)json_array_size(channels); c++) {
        json_t *min = json_object_get(json_array_get(channels, c), "min");
        json_t *max = json_object_get(json_array_get(channels, c), "max");
        CHECK_INT(json_array_size(min), width);
        CHECK_INT(json_array_size(max), width);
        for (int j = 0; j < width && j < (int)json_array_size(min); j++) {
            json_t *lo = json_array_get(min, j), *hi = json_array_get(max, j);
            float want_lo = ex->channels[c].min[j], want_hi = ex->channels[c].max[j];
            if (isnan(want_lo)) {
                n_null += json_is_null(lo) && json_is_null(hi);
                n_diff += !json_is_null(lo) || !json_is_null(hi);
            } else {
                n_diff += (float)json_number_value(lo) != want_lo ||
                          (float)json_number_value(hi) != want_hi;
            }
        }
    }
    CHECK_INT(n_diff, 0);
    int n_gap = 0;
    for (int c = 0; c < n; c++)
        for (int j = 0; j < width; j++)
            n_gap += isnan(ex->channels[c].min[j]);
    CHECK_INT(n_null, n_gap);
    ictus_excerpt_free(ex);
}

/* A 400 with a JSON error. */
static void check_bad(const char *dir, const char *t0, const char *t1, const char *width,
                      const char *filters)
{
    json_t *doc;
    CHECK_MSG(signal(dir, "recordings/m1/1.edf", "m1", t0, t1, width, filters, &doc) == 400,
              "t0 %s t1 %s width %s filters %s: 400", t0, t1, width, filters);
    CHECK(json_is_string(json_object_get(doc, "error")));
    json_decref(doc);
}

static void check_not_found(const char *dir, const char *recording, const char *animal,
                            const char *error)
{
    json_t *doc;
    CHECK_MSG(signal(dir, recording, animal, "0", "10", "100", "off", &doc) == 404,
              "%s of %s: 404", recording, animal);
    const char *got = json_string_value(json_object_get(doc, "error"));
    CHECK_MSG(got && strstr(got, error), "%s: error \"%s\" holds \"%s\"", recording,
              got ? got : "(none)", error);
    json_decref(doc);
}

int main(void)
{
    /* The presets of the source tree (the tests run from its root). */
    setenv("ICTUS_PRESET_DIR", "detectors/presets", 1);
    char *dir = support_tmpdir("signal");
    cache = ictus_review_cache_create();
    CHECK(support_study_write(dir, "study.ini", "[study]\nname = t\npreset = ihka-mouse\nmains_hz = 50\n"));
    CHECK(support_study_write(dir, "animals.csv", "animal\nm1\n"));
    CHECK(support_study_write(dir, "recordings.csv",
                              "file,animal,channels\nm1/1.edf,m1,HPC=2;CTX=1\n"));
    support_store s;
    CHECK(support_store_open(&s, dir));
    for (int i = 0; i < 3; i++) /* recordings/m1/1.edf, 2.edf (never written), 3.edf */
        CHECK(support_store_recording(&s, "m1", INT64_C(1577934245000000),
                                      INT64_C(1000000) * N_RECORDS, 1.0, NULL, 0));
    support_store_close(&s);

    CHECK_INT(mkdir(support_path(dir, "recordings"), 0700), 0);
    CHECK_INT(mkdir(support_path(dir, "recordings/m1"), 0700), 0);
    /* EDF+D: records from GAP_AT on start GAP_S later (a telemetry gap). */
    support_edf_image img = support_edf_make(2, SAMPLES, N_RECORDS, "EDF+D", TAL_BYTES);
    for (int r = GAP_AT; r < N_RECORDS; r++) {
        char tal[TAL_BYTES];
        int n = snprintf(tal, sizeof tal, "+%d\x14\x14", r + GAP_S);
        support_edf_set_tal(&img, r, tal, (size_t)n + 1);
    }
    char edf[ICTUS_PATH_MAX], outside[ICTUS_PATH_MAX];
    snprintf(edf, sizeof edf, "%s/recordings/m1/1.edf", dir);
    CHECK(support_edf_write_file(edf, img.bytes, img.size));
    /* The symlink's target: a readable recording outside the study. */
    snprintf(outside, sizeof outside, "%s.outside.edf", dir);
    CHECK(support_edf_write_file(outside, img.bytes, img.size));
    free(img.bytes);
    CHECK_INT(symlink(outside, support_path(dir, "recordings/m1/3.edf")), 0);

    /* Raw: the map's channels, in its order; the columns are excerpt.h's. */
    json_t *doc;
    CHECK_INT(signal(dir, "recordings/m1/1.edf", "m1", "-5", "25.5", "333", "off", &doc), 200);
    json_t *ch = json_object_get(doc, "channels");
    CHECK_STR(json_string_value(json_object_get(json_array_get(ch, 0), "label")), "HPC");
    CHECK_STR(json_string_value(json_object_get(json_array_get(ch, 1), "label")), "CTX");
    CHECK_NEAR(json_number_value(json_object_get(json_array_get(ch, 0), "fs_hz")), SAMPLES, 0,
               0);
    CHECK_STR(json_string_value(json_object_get(json_array_get(ch, 0), "unit")), "uV");
    CHECK_INT(json_integer_value(json_object_get(doc, "width")), 333);
    CHECK_STR(json_string_value(json_object_get(doc, "start")), "2020-01-02T03:04:00.000");
    CHECK(json_is_null(json_array_get(json_object_get(json_array_get(ch, 0), "min"), 0)));
    static const int file_ch[] = {1, 0};
    check_columns(doc, edf, file_ch, 2, INT64_C(-5000000), INT64_C(25500000), 333, NULL);
    json_decref(doc);

    /* Across the gap [30 s, 40 s): its columns null, the rest as excerpt.h. */
    CHECK_INT(signal(dir, "recordings/m1/1.edf", "m1", "20", "50", "300", "off", &doc), 200);
    json_t *min0 = json_object_get(json_array_get(json_object_get(doc, "channels"), 0), "min");
    CHECK(json_is_null(json_array_get(min0, 150)) && json_is_null(json_array_get(min0, 199)));
    CHECK(json_is_number(json_array_get(min0, 99)) && json_is_number(json_array_get(min0, 200)));
    check_columns(doc, edf, file_ch, 2, INT64_C(20000000), INT64_C(50000000), 300, NULL);
    json_decref(doc);

    /* Filters on: the study preset's high-pass and notch. */
    ictus_study *study;
    ictus_study_preset sp = {0};
    ictus_error err = {0};
    CHECK_MSG(ictus_study_load(dir, &study, &err) == ICTUS_OK, "study: %s", err.msg);
    if (!study) {
        ictus_review_cache_destroy(cache);
        support_tmpdir_remove(dir);
        return check_done("test_review_signal");
    }
    CHECK_INT(ictus_study_preset_load(study, &sp, &err), ICTUS_OK);
    CHECK_INT(signal(dir, "recordings/m1/1.edf", "m1", "20", "50", "1000", "on", &doc), 200);
    CHECK(json_is_true(json_object_get(doc, "filters")));
    check_columns(doc, edf, file_ch, 2, INT64_C(20000000), INT64_C(50000000), 1000,
                  &sp.preset.settings);
    json_decref(doc);
    ictus_study_preset_free(&sp);
    ictus_study_destroy(study);

    check_bad(dir, "0", "10", "0", "off");
    check_bad(dir, "0", "10", "4001", "off");
    check_bad(dir, "0", "10", "10x", "off");
    check_bad(dir, "10", "10", "100", "off");
    check_bad(dir, "0", "600.5", "100", "off");
    check_bad(dir, "0", "nan", "100", "off");
    check_bad(dir, "0", "10", "100", "maybe");
    check_bad(dir, NULL, "10", "100", "off");
    CHECK_INT(signal(dir, NULL, "m1", "0", "10", "100", NULL, &doc), 400);
    json_decref(doc);
    CHECK_INT(signal(dir, "recordings/m1/1.edf", "", "0", "10", "100", NULL, &doc), 400);
    json_decref(doc);

    check_not_found(dir, "recordings/m1/9.edf", "m1", "no such recording");
    check_not_found(dir, "recordings/m1/1.edf", "m2", "no such recording");
    check_not_found(dir, "recordings/m1/../m1/1.edf", "m1", "no such recording");
    check_not_found(dir, "/etc/passwd", "m1", "no such recording");
    check_not_found(dir, "recordings/m1/2.edf", "m1", "recordings/m1/2.edf: the recording is missing");
    check_not_found(dir, "recordings/m1/3.edf", "m1", "outside the study");

    /* The file rewritten while served (a plain EDF of 65 s, no gap): the
     * cached source is not used, the answer is the new file's; then deleted:
     * 404 naming it. */
    CHECK_INT(signal(dir, "recordings/m1/1.edf", "m1", "66", "70", "4", "off", &doc), 200);
    min0 = json_object_get(json_array_get(json_object_get(doc, "channels"), 0), "min");
    CHECK(json_is_number(json_array_get(min0, 0)));
    json_decref(doc);
    img = support_edf_make(2, SAMPLES, 65, "", 0);
    CHECK(support_edf_write_file(edf, img.bytes, img.size));
    free(img.bytes);
    CHECK_INT(signal(dir, "recordings/m1/1.edf", "m1", "66", "70", "4", "off", &doc), 200);
    min0 = json_object_get(json_array_get(json_object_get(doc, "channels"), 0), "min");
    CHECK(json_is_null(json_array_get(min0, 0)));
    json_decref(doc);
    CHECK_INT(unlink(edf), 0);
    check_not_found(dir, "recordings/m1/1.edf", "m1", "recordings/m1/1.edf: the recording is missing");

    unlink(outside);
    ictus_review_cache_destroy(cache);
    support_tmpdir_remove(dir);
    return check_done("test_review_signal");
}
