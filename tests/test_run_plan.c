/* test_run_plan.c: the nightly job's plan (nightly/plan.h) reports the
 * store's errors with their message, and merges the paths only the store
 * has among the files found, in path order.
 *
 * A study with one stored, unchanged-looking recording is planned after the
 * store's channels table was dropped behind its back: deciding the file reads
 * its stored channels, which fails.  The plan must fail with ICTUS_ERR_DB and
 * the store's message (it used to clear the error record on the way out, so
 * that `ictus run` printed an empty "ictus: " line).
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/check.h"
#include "nightly/plan.h"
#include "protocols/study.h"
#include "tests/support_study.h"
#include "tests/support_tmp.h"

/* Run `sql` on DIR/ictus.db through a connection of its own. */
static bool exec_sql(const char *dir, const char *sql)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/ictus.db", dir);
    sqlite3 *db;
    bool ok = sqlite3_open(path, &db) == SQLITE_OK &&
              sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK;
    sqlite3_close(db);
    return ok;
}

static void test_store_error_keeps_its_message(void)
{
    char *dir = support_tmpdir("run_plan");
    support_store s;
    const char *rec_dir = support_path(dir, "recordings");
    bool ok = support_study_write(dir, "study.ini",
                                  "[study]\nname = plan\npreset = ihka-mouse\nmains_hz = 50\n") &&
              support_study_write(dir, "animals.csv", "animal\nm1\n") &&
              mkdir(rec_dir, 0777) == 0 && support_study_write(rec_dir, "m1/1.edf", "x") &&
              support_store_open(&s, dir);
    CHECK(ok);
    if (!ok)
        return;
    CHECK(support_store_recording(&s, "m1", INT64_C(1767600000000000), 3600 * INT64_C(1000000),
                                  1.0, NULL, 0));
    ictus_study *study;
    ictus_error err = {0};
    CHECK_INT(ictus_study_load(dir, &study, &err), ICTUS_OK);
    ictus_study_presets presets;
    CHECK_INT(ictus_study_presets_load(study, &presets, &err), ICTUS_OK);
    /* results made with the study's preset: not stale, so the plan reads the channels */
    const ictus_preset *p = &presets.presets[0].preset;
    char hex[ICTUS_HASH_HEX_SIZE], sql[256];
    snprintf(sql, sizeof sql, "UPDATE recordings SET preset = '%s', params_hash = '%s'", p->id,
             ictus_hash128_format(run_preset_params_hash(p), hex));
    CHECK(exec_sql(dir, sql));
    CHECK(exec_sql(dir, "DROP TABLE channels"));
    run_plan_input in = {.study = study, .presets = &presets,
                         .now_unix_us = INT64_C(1800000000000000), .settle_s = 0};
    run_plan plan;
    ictus_status st = run_plan_make(&in, s.store, &plan, &err);
    CHECK_INT(st, ICTUS_ERR_DB);
    CHECK_INT(err.status, ICTUS_ERR_DB);
    CHECK_MSG(err.msg[0] != '\0', "the plan's error has a message");
    CHECK_MSG(strstr(err.msg, "channels") != NULL, "the message names the table: '%s'", err.msg);
    if (st == ICTUS_OK)
        run_plan_free(&plan);
    ictus_study_presets_free(&presets);
    ictus_study_destroy(study);
    support_store_close(&s);
    support_tmpdir_remove(dir);
}

/* Paths only the store has (gone from disk, not listed) are merged among
 * the files found, in path order, whatever their place: first, between
 * two found files, last; each missing with its own rows, the found ones
 * with theirs or none. */
static void test_store_only_paths_in_order(void)
{
    char *dir = support_tmpdir("run_plan");
    support_store s;
    const char *rec_dir = support_path(dir, "recordings");
    /* stored: a/1 (gone), m1/2 (on disk), m1/3 (gone), z/4 (gone); on disk
     * also m1/25 (new: between 2 and 3) and m1/9 (new: after 3) */
    bool ok = support_study_write(dir, "study.ini",
                                  "[study]\nname = plan\npreset = ihka-mouse\nmains_hz = 50\n") &&
              support_study_write(dir, "animals.csv", "animal\nm1\n") &&
              mkdir(rec_dir, 0777) == 0 && support_study_write(rec_dir, "m1/2.edf", "x") &&
              support_study_write(rec_dir, "m1/25.edf", "x") &&
              support_study_write(rec_dir, "m1/9.edf", "x") && support_store_open(&s, dir);
    CHECK(ok);
    if (!ok)
        return;
    const char *animals[] = {"a", "m1", "m1", "z"};
    for (int i = 0; i < 4; i++)
        CHECK(support_store_recording(&s, animals[i], INT64_C(1767600000000000),
                                      3600 * INT64_C(1000000), 1.0, NULL, 0));
    ictus_study *study;
    ictus_error err = {0};
    CHECK_INT(ictus_study_load(dir, &study, &err), ICTUS_OK);
    ictus_study_presets presets;
    CHECK_INT(ictus_study_presets_load(study, &presets, &err), ICTUS_OK);
    run_plan_input in = {.study = study, .presets = &presets,
                         .now_unix_us = INT64_C(1800000000000000), .settle_s = 0};
    run_plan plan;
    CHECK_INT(run_plan_make(&in, s.store, &plan, &err), ICTUS_OK);
    static const struct {
        const char *path;
        int n_stored;
        run_action action;
    } want[] = {
        {"recordings/a/1.edf", 1, RUN_MISSING},   {"recordings/m1/2.edf", 1, RUN_PROCESS},
        {"recordings/m1/25.edf", 0, RUN_PROCESS}, {"recordings/m1/3.edf", 1, RUN_MISSING},
        {"recordings/m1/9.edf", 0, RUN_PROCESS},  {"recordings/z/4.edf", 1, RUN_MISSING},
    };
    int n_want = (int)(sizeof want / sizeof want[0]);
    CHECK_INT(plan.n_files, n_want);
    for (int i = 0; i < n_want && i < plan.n_files; i++) {
        const run_file *f = &plan.files[i];
        CHECK_MSG(strcmp(f->path, want[i].path) == 0, "file %d: %s, want %s", i, f->path,
                  want[i].path);
        CHECK_INT(f->n_stored, want[i].n_stored);
        CHECK_INT((int)f->action, (int)want[i].action);
        CHECK_INT(f->exists, want[i].action != RUN_MISSING);
        if (f->n_stored) /* its own row: the animal its path names */
            CHECK_MSG(strncmp(f->path + strlen("recordings/"), f->stored[0].animal,
                              strlen(f->stored[0].animal)) == 0,
                      "%s: stored row of %s", f->path, f->stored[0].animal);
    }
    CHECK_INT(plan.n_to_read, 3);
    run_plan_free(&plan);
    ictus_study_presets_free(&presets);
    ictus_study_destroy(study);
    support_store_close(&s);
    support_tmpdir_remove(dir);
}

int main(void)
{
    setenv("ICTUS_PRESET_DIR", "detectors/presets", 1); /* the tests run from the root */
    test_store_error_keeps_its_message();
    test_store_only_paths_in_order();
    return check_done("test_run_plan");
}
