/* test_forget.c: a study's history can be cleaned (issue 14): forgetting
 * recordings (nightly/forget.h, store.h ictus_store_forget()), the stale
 * warning that says how, and recordings.csv paths relative to recordings/.
 * The fast core of tests/test_history.sh (which runs `ictus` end to end).
 *
 * Proves:
 *   - forget_resolve() finds a stored recording by the path `ictus run`
 *     prints, by the path recordings.csv would write and after the study
 *     directory; refuses an unknown path (naming the stale one), a file
 *     still in recordings/ and one still listed in recordings.csv;
 *   - forget_apply() removes exactly that recording's rows, events and
 *     analysable time; review decisions stay unless drop_reviews, which
 *     deletes them and writes the audit log;
 *   - a stored recording that is gone is a warning of the plan's commit that
 *     ends with the `ictus forget STUDY PATH` command (quoted for the shell
 *     when the study directory has a space);
 *   - recordings.csv: "recordings/A2.edf" is rejected with the fix when only
 *     recordings/A2.edf exists, accepted when recordings/recordings/A2.edf
 *     does; the file named only by the rejected row (so written, or as an
 *     absolute path) is marked for the run as named by a rejected row (so
 *     it is not analysed without its row).
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nightly/commit.h"
#include "nightly/forget.h"
#include "nightly/plan.h"
#include "protocols/study.h"
#include "protocols/study_preset.h"
#include "tests/check.h"
#include "tests/support_study.h"
#include "tests/support_tmp.h"

#define HOUR_US (INT64_C(3600) * 1000000)
#define T0_US INT64_C(1767600000000000)

/* A study in `dir` with animals m1, m2 and the given recordings.csv (NULL: none). */
static bool write_study(const char *dir, const char *recordings_csv)
{
    return support_study_write(dir, "study.ini",
                               "[study]\nname = forget\npreset = ihka-mouse\nmains_hz = 50\n") &&
           support_study_write(dir, "animals.csv", "animal\nm1\nm2\n") &&
           (!recordings_csv || support_study_write(dir, "recordings.csv", recordings_csv));
}

static int64_t count(ictus_store *store, const char *sql)
{
    sqlite3_stmt *st;
    int64_t n = -1;
    if (sqlite3_prepare_v2(ictus_store_db(store), sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* A decision on the first event of recording `path` of `animal`. */
static bool review(ictus_store *store, const char *path, const char *animal, int64_t at)
{
    ictus_store_review r = {.path = path, .animal = animal, .channel = "*", .start_us = 0,
                            .end_us = 30 * INT64_C(1000000), .verdict = ICTUS_VERDICT_SEIZURE,
                            .racine = -1, .reviewer = "ann", .reviewed_unix_us = at, .note = ""};
    ictus_error err = {0};
    return ictus_store_put_review(store, &r, &err) == ICTUS_OK;
}

static void test_resolve_and_forget(void)
{
    char *dir = support_tmpdir("forget");
    support_store s;
    bool ok = write_study(dir, NULL) && support_store_open(&s, dir);
    CHECK(ok);
    if (!ok)
        return;
    support_event ev[] = {{T0_US, 30 * INT64_C(1000000), "hpd"},
                          {T0_US + HOUR_US / 2, 20 * INT64_C(1000000), "hpd"}};
    /* recordings/m1/1.edf (2 events, gone from disk), recordings/m2/2.edf (1, on disk). */
    CHECK(support_store_recording(&s, "m1", T0_US, HOUR_US, 1.0, ev, 2));
    CHECK(support_store_recording(&s, "m2", T0_US, HOUR_US, 1.0, ev, 1));
    CHECK(mkdir(support_path(dir, "recordings"), 0777) == 0 &&
          support_study_write(support_path(dir, "recordings"), "m2/2.edf", "x"));
    CHECK(review(s.store, "recordings/m1/1.edf", "m1", 1));
    CHECK(review(s.store, "recordings/m1/1.edf", "m1", 2)); /* a changed decision: history */
    CHECK(review(s.store, "recordings/m2/2.edf", "m2", 3));
    ictus_study *study;
    ictus_error err = {0};
    CHECK_INT(ictus_study_load(dir, &study, &err), ICTUS_OK);

    const char *forms[] = {"recordings/m1/1.edf", "m1/1.edf", support_path(dir, "recordings/m1/1.edf")};
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        forget_item item;
        CHECK_INT(forget_resolve(study, s.store, forms[i], &item, &err), ICTUS_OK);
        CHECK_STR(item.path ? item.path : "", "recordings/m1/1.edf");
        CHECK_STR(item.status ? item.status : "", "ok");
        CHECK_INT(item.counts.rows, 1);
        CHECK_INT(item.counts.events, 2);
        CHECK_INT(item.counts.reviews, 2);
        forget_item_clear(&item);
    }
    forget_item item;
    CHECK_INT(forget_resolve(study, s.store, "m1/9.edf", &item, &err), ICTUS_ERR_CONFIG);
    CHECK_MSG(strstr(err.msg, "m1/9.edf: no such recording") != NULL, "unknown: %s", err.msg);
    CHECK(item.path == NULL);
    CHECK_INT(forget_resolve(study, s.store, "m2/2.edf", &item, &err), ICTUS_ERR_CONFIG);
    CHECK_MSG(strstr(err.msg, "recordings/m2/2.edf: still in recordings/") != NULL,
              "on disk: %s", err.msg);
    forget_item_clear(&item);

    CHECK_INT(forget_resolve(study, s.store, "m1/1.edf", &item, &err), ICTUS_OK);
    CHECK_INT(forget_apply(s.store, &item, 1, false, "tech", 5, &err), ICTUS_OK);
    CHECK_INT(count(s.store, "SELECT count(*) FROM recordings"), 1);
    CHECK_INT(count(s.store, "SELECT count(*) FROM events"), 1);
    CHECK_INT(count(s.store, "SELECT count(*) FROM analysable"), 1);
    CHECK_INT(count(s.store, "SELECT count(*) FROM reviews"), 3);
    CHECK_INT(count(s.store, "SELECT count(*) FROM review_audit"), 0);
    CHECK(!item.counts.reviews_deleted);
    forget_item_clear(&item);

    /* The same content stored again, then forgotten with its decisions. */
    CHECK(support_store_recording(&s, "m1", T0_US, HOUR_US, 1.0, ev, 2)); /* recordings/m1/3.edf */
    CHECK(review(s.store, "recordings/m1/3.edf", "m1", 6));
    CHECK_INT(forget_resolve(study, s.store, "recordings/m1/1.edf", &item, &err),
              ICTUS_ERR_CONFIG); /* forgotten already */
    CHECK_MSG(strstr(err.msg, "stale or failed") == NULL, "no stale one to suggest: %s", err.msg);
    CHECK_INT(forget_resolve(study, s.store, "m1/3.edf", &item, &err), ICTUS_OK);
    CHECK_INT(forget_apply(s.store, &item, 1, true, "tech", 7, &err), ICTUS_OK);
    CHECK(item.counts.reviews_deleted);
    CHECK_INT(count(s.store, "SELECT count(*) FROM reviews"), 3); /* 1.edf's two, 2.edf's */
    CHECK_INT(count(s.store, "SELECT count(*) FROM reviews WHERE path = 'recordings/m1/3.edf'"),
              0);
    CHECK_INT(count(s.store, "SELECT count(*) FROM review_audit WHERE reviewer = 'tech' AND "
                             "action = 'forget' AND detail LIKE 'recordings/m1/3.edf: 1 %'"),
              1);
    forget_item_clear(&item);
    ictus_study_destroy(study);

    /* Listed in recordings.csv: refused, naming the line. */
    CHECK(support_study_write(dir, "recordings.csv", "file,animal\nm2/2.edf,m2\n"));
    unlink(support_path(dir, "recordings/m2/2.edf"));
    CHECK_INT(ictus_study_load(dir, &study, &err), ICTUS_OK);
    CHECK_INT(forget_resolve(study, s.store, "m2/2.edf", &item, &err), ICTUS_ERR_CONFIG);
    CHECK_MSG(strstr(err.msg, "recordings/m2/2.edf: still listed in recordings.csv (line 2)") !=
                  NULL, "listed: %s", err.msg);
    forget_item_clear(&item);
    ictus_study_destroy(study);
    support_store_close(&s);
    support_tmpdir_remove(dir);
}

/* The warning of a stored recording that is gone, from the plan's commit. */
static void test_stale_warning_says_forget(const char *name)
{
    char *dir = support_tmpdir(name);
    support_store s;
    bool ok = write_study(dir, NULL) && support_store_open(&s, dir);
    CHECK(ok);
    if (!ok)
        return;
    CHECK(support_store_recording(&s, "m1", T0_US, HOUR_US, 1.0, NULL, 0));
    ictus_study *study;
    ictus_error err = {0};
    CHECK_INT(ictus_study_load(dir, &study, &err), ICTUS_OK);
    ictus_study_presets presets;
    CHECK_INT(ictus_study_presets_load(study, &presets, &err), ICTUS_OK);
    run_plan_input in = {.study = study, .presets = &presets,
                         .now_unix_us = INT64_C(1800000000000000), .settle_s = 0};
    run_plan plan;
    CHECK_INT(run_plan_make(&in, s.store, &plan, &err), ICTUS_OK);
    run_committer *c = run_commit_create(s.store, s.run_id, &plan);
    CHECK_INT(run_commit_plan(c, &err), ICTUS_OK);
    run_commit_counts k = run_commit_get_counts(c);
    CHECK_INT(k.n_problems, 1);
    char want[8192];
    bool quoted = strchr(dir, ' ') != NULL;
    snprintf(want, sizeof want, "recordings/m1/1.edf: no longer in recordings/ or recordings.csv "
             "(to drop its results and this warning: ictus forget %s%s%s recordings/m1/1.edf)",
             quoted ? "'" : "", dir, quoted ? "'" : "");
    if (k.n_problems == 1) {
        CHECK_INT(k.problems[0].kind, ICTUS_PROBLEM_WARNING);
        CHECK_STR(k.problems[0].message, want);
    }
    ictus_store_recording rec;
    bool found;
    CHECK_INT(ictus_store_find_recording(s.store, "recordings/m1/1.edf", NULL, &rec, &found, &err),
              ICTUS_OK);
    CHECK(found && rec.status == ICTUS_REC_STALE);
    if (found)
        CHECK_MSG(strstr(rec.error, "ictus forget") == NULL,
                  "the stored error does not depend on the study's path: %s", rec.error);
    ictus_store_recording_clear(&rec);
    run_commit_destroy(c);
    run_plan_free(&plan);
    ictus_study_presets_free(&presets);
    ictus_study_destroy(study);
    support_store_close(&s);
    support_tmpdir_remove(dir);
}

/* recordings.csv "recordings/A2.edf": rejected with the fix when only
 * recordings/A2.edf exists; the file is then named by a rejected row. */
static void test_recordings_folder_prefix(void)
{
    char *dir = support_tmpdir("forget_prefix");
    const char *rec_dir = support_path(dir, "recordings");
    bool ok = write_study(dir, "file,animal,channels\nrecordings/A2.edf,m1,HPC=1\n") &&
              mkdir(rec_dir, 0777) == 0 && support_study_write(rec_dir, "A2.edf", "x");
    CHECK(ok);
    ictus_study *study;
    ictus_error err = {0};
    CHECK_INT(ictus_study_load(dir, &study, &err), ICTUS_OK);
    CHECK_INT(study->n_recordings, 0);
    CHECK_INT(study->problems.n, 1);
    if (study->problems.n == 1)
        CHECK_MSG(strstr(study->problems.lines[0],
                         "recordings.csv:2:1 (file): \"recordings/A2.edf\": file paths are "
                         "relative to recordings/ (there is no recordings/recordings/A2.edf): "
                         "write \"A2.edf\"") != NULL,
                  "the problem: %s", study->problems.lines[0]);
    support_store s;
    CHECK(support_store_open(&s, dir));
    ictus_study_presets presets;
    CHECK_INT(ictus_study_presets_load(study, &presets, &err), ICTUS_OK);
    run_plan_input in = {.presets = &presets, .now_unix_us = INT64_C(1800000000000000),
                         .settle_s = 0};
    in.study = study;
    run_plan plan;
    CHECK_INT(run_plan_make(&in, s.store, &plan, &err), ICTUS_OK);
    CHECK_INT(plan.n_files, 1);
    if (plan.n_files == 1) {
        CHECK_STR(plan.files[0].path, "recordings/A2.edf");
        CHECK_INT(plan.files[0].rejected_line, 2);
    }
    run_plan_free(&plan);
    support_store_close(&s);
    ictus_study_presets_free(&presets);
    ictus_study_destroy(study);

    /* An absolute path: rejected, and its file is named by the rejected row too. */
    char csv[8192];
    snprintf(csv, sizeof csv, "file,animal,channels\n%s/recordings/A2.edf,m1,HPC=1\n", dir);
    CHECK(support_study_write(dir, "recordings.csv", csv));
    CHECK_INT(ictus_study_load(dir, &study, &err), ICTUS_OK);
    CHECK_INT(study->n_recordings, 0);
    CHECK(support_store_open(&s, dir));
    CHECK_INT(ictus_study_presets_load(study, &presets, &err), ICTUS_OK);
    in.study = study;
    in.presets = &presets;
    CHECK_INT(run_plan_make(&in, s.store, &plan, &err), ICTUS_OK);
    CHECK_INT(plan.n_files, 1);
    if (plan.n_files == 1)
        CHECK_INT(plan.files[0].rejected_line, 2);
    run_plan_free(&plan);
    support_store_close(&s);
    ictus_study_presets_free(&presets);
    ictus_study_destroy(study);

    /* recordings/recordings/A2.edf exists: the path is what it says. */
    CHECK(support_study_write(dir, "recordings.csv",
                              "file,animal,channels\nrecordings/A2.edf,m1,HPC=1\n"));
    CHECK(support_study_write(rec_dir, "recordings/A2.edf", "x"));
    CHECK_INT(ictus_study_load(dir, &study, &err), ICTUS_OK);
    CHECK_INT(study->problems.n, 0);
    CHECK_INT(study->n_recordings, 1);
    if (study->n_recordings == 1)
        CHECK_STR(study->recordings[0].path, "recordings/recordings/A2.edf");
    ictus_study_destroy(study);
    support_tmpdir_remove(dir);
}

int main(void)
{
    setenv("ICTUS_PRESET_DIR", "detectors/presets", 1); /* the tests run from the root */
    test_resolve_and_forget();
    test_stale_warning_says_forget("forget_stale");
    test_stale_warning_says_forget("forget stale"); /* a space: the command is quoted */
    test_recordings_folder_prefix();
    return check_done("test_forget");
}
