/* test_stimlist.c: stimulation lists: rows grouped by recording file name,
 * onsets in µs, errors naming the place. */
#include "detectors/stimlist.h"

#include <stdlib.h>

#include "tests/check.h"
#include "tests/support_tmp.h"

static const char *write_file(const char *name, const char *text)
{
    const char *path = support_path("build", name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

int main(void)
{
    ictus_stimlist *l;
    ictus_error err;
    const char *p = write_file("stims_ok.csv", "recording,animal,start_s,end_s\n"
                                               "recordings/M01_a.edf,M01,7200.000,7203\n"
                                               "M02_a.edf,M02,7320.5,7323.5\n"
                                               "other/M01_a.edf,M01,28800.25,28803\n");
    CHECK(ictus_stimlist_load(p, &l, &err) == ICTUS_OK);
    int n;
    const int64_t *us = ictus_stimlist_for(l, "/data/study/recordings/M01_a.edf", &n);
    CHECK_INT(n, 2); /* matched by file name, whatever the directories */
    CHECK(n == 2 && us[0] == INT64_C(7200000000) && us[1] == INT64_C(28800250000));
    us = ictus_stimlist_for(l, "M02_a.edf", &n);
    CHECK(n == 1 && us[0] == INT64_C(7320500000));
    ictus_stimlist_for(l, "M03_a.edf", &n);
    CHECK_INT(n, 0);
    ictus_stimlist_destroy(l);
    ictus_stimlist_destroy(NULL);

    p = write_file("stims_cols.csv", "file,start\nx.edf,1\n");
    CHECK(ictus_stimlist_load(p, &l, &err) != ICTUS_OK);
    CHECK_MSG(strstr(err.msg, "stims_cols.csv") && strstr(err.msg, "recording") &&
              strstr(err.msg, "start_s"), "%s", err.msg);
    p = write_file("stims_bad.csv", "recording,start_s\nx.edf,1\ny.edf,soon\n");
    CHECK(ictus_stimlist_load(p, &l, &err) != ICTUS_OK);
    CHECK_MSG(strstr(err.msg, "stims_bad.csv:3:2"), "%s", err.msg);
    p = write_file("stims_neg.csv", "recording,start_s\nx.edf,-4\n");
    CHECK(ictus_stimlist_load(p, &l, &err) == ICTUS_ERR_DATA);
    CHECK_MSG(strstr(err.msg, "stims_neg.csv:2:2"), "%s", err.msg);
    /* past 10 years: an error, never a negative onset from llround() */
    static const char *const far[] = {"1e23", "315576000.5", "-1e23"};
    for (size_t k = 0; k < sizeof far / sizeof far[0]; k++) {
        char text[64];
        snprintf(text, sizeof text, "recording,start_s\nx.edf,1\nx.edf,%s\n", far[k]);
        p = write_file("stims_far.csv", text);
        ictus_status st = ictus_stimlist_load(p, &l, &err);
        CHECK_MSG(st == ICTUS_ERR_DATA, "%s", far[k]);
        if (st == ICTUS_OK) {
            ictus_stimlist_destroy(l);
            continue;
        }
        CHECK_MSG(strstr(err.msg, "stims_far.csv:3:2") && strstr(err.msg, "10 years"), "%s: %s",
                  far[k], err.msg);
    }
    p = write_file("stims_limit.csv", "recording,start_s\nx.edf,315576000\n");
    CHECK(ictus_stimlist_load(p, &l, &err) == ICTUS_OK);
    us = ictus_stimlist_for(l, "x.edf", &n);
    CHECK(n == 1 && us[0] == INT64_C(315576000000000));
    ictus_stimlist_destroy(l);
    CHECK(ictus_stimlist_load("build/no-such-list.csv", &l, &err) != ICTUS_OK);
    CHECK(strstr(err.msg, "no-such-list.csv") != NULL);
    return check_done("test_stimlist");
}
