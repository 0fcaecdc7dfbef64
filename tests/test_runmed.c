/* test_runmed.c: the running median against a brute-force median.
 *
 * After every push the median must equal, exactly, the median of the last
 * W non-NaN values pushed (sorted copy; middle value, or the mean of the
 * two middle ones), for odd and even W including W = 1, on streams with
 * many ties, ±0 and NaNs (which are not pushed), across a reset.
 */
#include <math.h>
#include <stdlib.h>

#include "tests/check.h"
#include "pipeline/dsp/runmed.h"
#include "base/status.h"

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The median of the last min(w, n) of history[0..n-1]. */
static double brute_median(const double *history, int n, int w, double *scratch)
{
    int count = n < w ? n : w;
    if (count == 0)
        return NAN;
    memcpy(scratch, history + n - count, (size_t)count * sizeof *scratch);
    qsort(scratch, (size_t)count, sizeof *scratch, compare_doubles);
    if (count % 2)
        return scratch[count / 2];
    return 0.5 * (scratch[count / 2 - 1] + scratch[count / 2]);
}

/* A random value: ties (small integers), continuous values, ±0, or NaN. */
static double random_value(unsigned *seed)
{
    int r = rand_r(seed) % 100;
    if (r < 5)
        return NAN;
    if (r < 8)
        return r % 2 ? 0.0 : -0.0;
    if (r < 50)
        return rand_r(seed) % 7 - 3;
    return 1000.0 * rand_r(seed) / RAND_MAX - 500;
}

static void check_stream(int w, int n_push, unsigned seed)
{
    ictus_runmed *rm = ictus_runmed_create(w);
    double *history = ictus_xmalloc((size_t)n_push * sizeof *history);
    double *scratch = ictus_xmalloc((size_t)w * sizeof *scratch);
    int n = 0, mismatches = 0;
    for (int i = 0; i < n_push; i++) {
        if (i == n_push / 2) { /* reset with the ring wrapped: start afresh */
            ictus_runmed_reset(rm);
            n = 0;
        }
        double v = random_value(&seed);
        ictus_runmed_push(rm, v);
        if (!isnan(v))
            history[n++] = v;
        double want = brute_median(history, n, w, scratch);
        double got = ictus_runmed_median(rm);
        bool same = got == want || (isnan(got) && isnan(want));
        if (!same || ictus_runmed_count(rm) != (n < w ? n : w))
            mismatches++;
    }
    CHECK_MSG(mismatches == 0, "W=%d: %d of %d medians or counts differ from brute force", w,
              mismatches, n_push);
    free(history);
    free(scratch);
    ictus_runmed_destroy(rm);
}

static void test_streams(void)
{
    static const int widths[] = {1, 2, 3, 4, 5, 8, 17, 64, 101, 600};
    for (size_t i = 0; i < sizeof widths / sizeof widths[0]; i++)
        check_stream(widths[i], 3000, 100 + (unsigned)i);
}

static void test_empty_nan_reset(void)
{
    ictus_runmed *rm = ictus_runmed_create(4);
    CHECK(isnan(ictus_runmed_median(rm)));
    CHECK_INT(ictus_runmed_count(rm), 0);
    ictus_runmed_push(rm, NAN);
    CHECK_INT(ictus_runmed_count(rm), 0);
    CHECK(isnan(ictus_runmed_median(rm)));
    ictus_runmed_push(rm, 3);
    CHECK(ictus_runmed_median(rm) == 3);
    ictus_runmed_push(rm, 1);
    CHECK(ictus_runmed_median(rm) == 2);
    for (int i = 0; i < 10; i++)
        ictus_runmed_push(rm, 100 + i);
    CHECK_INT(ictus_runmed_count(rm), 4);
    CHECK(ictus_runmed_median(rm) == 107.5);
    /* After reset it behaves as a new object. */
    ictus_runmed_reset(rm);
    CHECK_INT(ictus_runmed_count(rm), 0);
    CHECK(isnan(ictus_runmed_median(rm)));
    ictus_runmed_push(rm, 5);
    ictus_runmed_push(rm, -1);
    ictus_runmed_push(rm, 9);
    CHECK(ictus_runmed_median(rm) == 5);
    CHECK_INT(ictus_runmed_count(rm), 3);
    ictus_runmed_destroy(rm);
    ictus_runmed_destroy(NULL);
}

int main(void)
{
    test_streams();
    test_empty_nan_reset();
    return check_done("test_runmed");
}
