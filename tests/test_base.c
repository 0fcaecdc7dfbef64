/* test_base.c: the base layer's growable array (base/vec.h) and checked path
 * joins (base/path.h): growth keeps contents and never shrinks, a path that
 * does not fit is an error and never a cut-short path. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/path.h"
#include "base/vec.h"
#include "tests/check.h"

static void test_grow(void)
{
    int *v = NULL;
    int n = 0, cap = 0;
    for (int i = 0; i < 1000; i++) {
        ICTUS_GROW(v, n + 1, cap);
        CHECK(cap >= n + 1);
        v[n++] = i * 3;
    }
    bool same = true;
    for (int i = 0; i < n; i++)
        same &= v[i] == i * 3;
    CHECK(same);
    CHECK_INT(cap, 1024);
    int before = cap;
    ICTUS_GROW(v, 10, cap); /* fits already: nothing changes */
    CHECK_INT(cap, before);
    free(v);

    size_t scap = 0;
    double *d = NULL;
    ICTUS_GROW(d, 1, scap);
    CHECK_INT(scap, 8);
    ICTUS_GROW(d, 9, scap);
    CHECK_INT(scap, 16);
    ICTUS_GROW(d, 100, scap);
    CHECK_INT(scap, 128);
    free(d);
    CHECK_INT(ictus_grown_capacity(0, 0), 8);
    CHECK_INT(ictus_grown_capacity(SIZE_MAX / 2 + 1, SIZE_MAX), SIZE_MAX);
}

static void test_path(void)
{
    char out[16];
    ictus_error err;
    CHECK_INT(ictus_path_join(out, sizeof out, "a/b", "c.edf", &err), ICTUS_OK);
    CHECK_STR(out, "a/b/c.edf");
    CHECK_INT(ictus_path_join(out, sizeof out, "a/b/", "c.edf", &err), ICTUS_OK);
    CHECK_STR(out, "a/b/c.edf");
    CHECK_INT(ictus_path_join(out, sizeof out, "", "c.edf", &err), ICTUS_OK);
    CHECK_STR(out, "c.edf");
    CHECK_INT(ictus_path_join(out, sizeof out, NULL, "c.edf", &err), ICTUS_OK);
    CHECK_STR(out, "c.edf");
    CHECK_INT(ictus_path_join(out, sizeof out, "dir", "/abs/x", &err), ICTUS_OK);
    CHECK_STR(out, "/abs/x");
    /* 15 characters fit in 16 bytes, 16 do not */
    CHECK_INT(ictus_path_join(out, sizeof out, "0123456", "89abcde", &err), ICTUS_OK);
    CHECK_STR(out, "0123456/89abcde");
    CHECK_INT(ictus_path_join(out, sizeof out, "0123456", "89abcdef", &err), ICTUS_ERR_USAGE);
    CHECK_STR(out, "");
    CHECK(strstr(err.msg, "0123456/89abcde...") == err.msg);
    CHECK(strstr(err.msg, "longer than 15 bytes") != NULL);
    CHECK_INT(ictus_path_format(out, sizeof out, &err, "%s/%s/%d", "a", "b", 7), ICTUS_OK);
    CHECK_STR(out, "a/b/7");

    char *p = ictus_path_join_alloc("study/recordings", "a-very-long-recording-name.edf");
    CHECK_STR(p, "study/recordings/a-very-long-recording-name.edf");
    free(p);
    p = ictus_path_join_alloc("", "x");
    CHECK_STR(p, "x");
    free(p);

    CHECK(ictus_path_has_suffix("A.EDF", ".edf"));
    CHECK(ictus_path_has_suffix("a.flac", ".FLAC"));
    CHECK(!ictus_path_has_suffix("edf", ".edf"));
    CHECK(!ictus_path_has_suffix("a.edf.part", ".edf"));
}

int main(void)
{
    test_grow();
    test_path();
    return check_done("test_base");
}
