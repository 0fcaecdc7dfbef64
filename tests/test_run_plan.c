/* test_run_plan.c: the nightly job's plan (nightly/plan.h) reports the
 * store's errors with their message.
 *
 * A study with one stored, unchanged-looking recording is planned after the
 * store's channels table was dropped behind its back: deciding the file reads
 * its stored channels, which fails.  The plan must fail with ICTUS_ERR_DB and
 * the store's message (it used to clear the error record on the way out, so
 * that `ictus run` printed an empty "ictus: " line).
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/check.h"
#include "nightly/plan.h"
#include "protocols/study.h"
#include "tests/support_study.h"
#include "tests/support_tmp.h"

/* Drop table `table` of DIR/ictus.db through a connection of its own. */
static bool drop_table(const char *dir, const char *table)
{
    char path[4096], sql[128];
    snprintf(path, sizeof path, "%s/ictus.db", dir);
    snprintf(sql, sizeof sql, "DROP TABLE %s", table);
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
    CHECK(drop_table(dir, "channels"));

    run_plan_input in = {.study = study, .preset_id = "test@1", .params_hash = {1, 2},
                         .now_unix_us = INT64_C(1800000000000000), .settle_s = 0};
    run_plan plan;
    ictus_status st = run_plan_make(&in, s.store, &plan, &err);
    CHECK_INT(st, ICTUS_ERR_DB);
    CHECK_INT(err.status, ICTUS_ERR_DB);
    CHECK_MSG(err.msg[0] != '\0', "the plan's error has a message");
    CHECK_MSG(strstr(err.msg, "channels") != NULL, "the message names the table: '%s'", err.msg);
    if (st == ICTUS_OK)
        run_plan_free(&plan);
    ictus_study_destroy(study);
    support_store_close(&s);
    support_tmpdir_remove(dir);
}

int main(void)
{
    test_store_error_keeps_its_message();
    return check_done("test_run_plan");
}
