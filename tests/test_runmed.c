/* test_runmed.c: the running median against a brute-force median.
 *
 * After every push the median must equal, exactly, the median of the last
 * W non-NaN values pushed (sorted copy; middle value, or the mean of the
 * two middle ones), for odd and even W including W = 1, on streams with
 * many ties, ±0 and NaNs (which are not pushed), across a reset.
 *
 * Then long random streams (ties, runs up and down, NaNs, resets at random
 * moments) for W = 1, 2, 3, even and odd, 600 (the default) and 36000: the
 * median is compared bit for bit with the sorted last W values (the sign of
 * a zero median aside: -0 and +0 compare equal, so which one sorts to the
 * middle is unspecified in the reference too).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

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

/* A value of a long stream, in one of four moods chosen by the caller:
 * few distinct values, continuous values, a run up or a run down. */
static double stream_value(unsigned *seed, int mood, int i)
{
    if (rand_r(seed) % 50 == 0)
        return NAN;
    switch (mood) {
    case 0:
        return rand_r(seed) % 4;
    case 1:
        return (double)rand_r(seed) / RAND_MAX - 0.5;
    case 2:
        return i % 1000 + 0.25 * (rand_r(seed) % 3);
    default:
        return -(i % 1000) - 0.25 * (rand_r(seed) % 3);
    }
}

/* Whether the running median got equals the reference want, bit for bit
 * (either zero for a zero; NaN for NaN). */
static bool same_double(double got, double want)
{
    if (isnan(got) || isnan(want))
        return isnan(got) && isnan(want);
    if (got == 0 && want == 0)
        return true;
    return memcmp(&got, &want, sizeof got) == 0;
}

/* n_push values through a W = w median, its mood changing every few
 * thousand pushes, reset on average every 3 w pushes (so after wrapping
 * the ring) and at least once; the count is checked after every push, the
 * median against a sort of the last w values after every `every`-th. */
static void check_long_stream(int w, int n_push, int every, unsigned seed)
{
    ictus_runmed *rm = ictus_runmed_create(w);
    double *history = ictus_xmalloc((size_t)n_push * sizeof *history);
    double *scratch = ictus_xmalloc((size_t)w * sizeof *scratch);
    int n = 0, compared = 0, bad_median = 0, bad_count = 0, resets = 0, mood = 0;
    for (int i = 0; i < n_push; i++) {
        if (i % 4096 == 0)
            mood = rand_r(&seed) % 4;
        if (rand_r(&seed) % (3 * w + 1) == 0 || (i == n_push / 2 && resets == 0)) {
            ictus_runmed_reset(rm);
            n = 0;
            resets++;
        }
        double v = stream_value(&seed, mood, i);
        ictus_runmed_push(rm, v);
        if (!isnan(v))
            history[n++] = v;
        if (ictus_runmed_count(rm) != (n < w ? n : w))
            bad_count++;
        if (i % every == 0 || i == n_push - 1) {
            compared++;
            if (!same_double(ictus_runmed_median(rm), brute_median(history, n, w, scratch)))
                bad_median++;
        }
    }
    CHECK_MSG(bad_median == 0 && bad_count == 0,
              "W=%d: %d of %d medians and %d of %d counts differ from a sort", w, bad_median,
              compared, bad_count, n_push);
    CHECK_MSG(resets >= 1 && compared > n_push / every - 1, "W=%d: %d resets, %d compared", w,
              resets, compared);
    free(history);
    free(scratch);
    ictus_runmed_destroy(rm);
}

static void test_long_streams(void)
{
    static const struct {
        int w, n_push, every;
    } runs[] = {
        {1, 50000, 1},  {2, 50000, 1},   {3, 50000, 1},     {4, 50000, 1},
        {7, 50000, 1},  {10, 50000, 1},  {33, 50000, 1},    {250, 30000, 3},
        {600, 30000, 5}, {601, 30000, 5}, {36000, 120000, 1999},
    };
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++)
        check_long_stream(runs[i].w, runs[i].n_push, runs[i].every, 9200 + (unsigned)i);
}

int main(void)
{
    test_streams();
    test_long_streams();
    test_empty_nan_reset();
    return check_done("test_runmed");
}
