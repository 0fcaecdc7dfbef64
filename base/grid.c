/* grid.c: the window grid's validation, sample arithmetic and bucket split. */
#include "base/grid.h"

#include <assert.h>
#include <math.h>
#include <stdbool.h>

static_assert(ICTUS_GRID_MAX_US % ICTUS_GRID_BUCKET_US == 0,
              "ICTUS_GRID_MAX_SHARES counts whole buckets");

/* `value` seconds as whole microseconds into *us; false when it is not one. */
static bool whole_us(double value, int64_t *us)
{
    if (!isfinite(value) || value <= 0 || value * 1e6 > (double)ICTUS_GRID_MAX_US)
        return false;
    *us = llround(value * 1e6);
    return *us > 0 && (double)*us / 1e6 == value;
}

ictus_status ictus_grid_init(ictus_grid *g, double hop_s, double win_s, ictus_error *err)
{
    const struct { const char *key; double value; } set[] = {{"hop_s", hop_s}, {"win_s", win_s}};
    int64_t us[2];
    for (int i = 0; i < 2; i++)
        if (!whole_us(set[i].value, &us[i]))
            return ictus_fail(err, ICTUS_ERR_CONFIG,
                              "settings: [features] %s = %.12g: expected a whole number of "
                              "microseconds above 0 and at most %g s", set[i].key, set[i].value,
                              (double)ICTUS_GRID_MAX_US / 1e6);
    if (us[0] > us[1])
        return ictus_fail(err, ICTUS_ERR_CONFIG, "settings: [features] hop_s = %g is longer "
                          "than win_s = %g: samples would be skipped", hop_s, win_s);
    *g = (ictus_grid){.hop_us = us[0], .win_us = us[1]};
    return ICTUS_OK;
}

/* ------------------------------------------------------------------------
 * Samples
 * ---------------------------------------------------------------------- */

int64_t ictus_grid_window_samples(const ictus_grid *g, double fs_hz)
{
    return lround((double)g->win_us / 1e6 * fs_hz);
}

double ictus_grid_hop_samples(const ictus_grid *g, double fs_hz)
{
    return (double)g->hop_us / 1e6 * fs_hz;
}

int64_t ictus_grid_first_sample(const ictus_grid *g, double fs_hz, int64_t k)
{
    return llround((double)k * ictus_grid_hop_samples(g, fs_hz));
}

int64_t ictus_grid_first_window_ending_after(const ictus_grid *g, double fs_hz, int64_t i)
{
    const int64_t n = ictus_grid_window_samples(g, fs_hz);
    /* a guess from the real-valued hop, then exact steps on the rounded starts */
    int64_t k = (int64_t)floor((double)(i - n + 1) / ictus_grid_hop_samples(g, fs_hz));
    if (k < 0)
        k = 0;
    while (k > 0 && ictus_grid_first_sample(g, fs_hz, k - 1) + n > i)
        k--;
    while (ictus_grid_first_sample(g, fs_hz, k) + n <= i)
        k++;
    return k;
}

/* ------------------------------------------------------------------------
 * Buckets
 * ---------------------------------------------------------------------- */

int64_t ictus_grid_n_buckets(int64_t duration_us)
{
    return duration_us > 0 ? (duration_us + ICTUS_GRID_BUCKET_US - 1) / ICTUS_GRID_BUCKET_US : 0;
}

int64_t ictus_grid_bucket_len_us(int64_t b, int64_t duration_us)
{
    if (b < 0 || b >= ictus_grid_n_buckets(duration_us))
        return 0;
    int64_t len = duration_us - b * ICTUS_GRID_BUCKET_US;
    return len < ICTUS_GRID_BUCKET_US ? len : ICTUS_GRID_BUCKET_US;
}

int ictus_grid_tile_split(const ictus_grid *g, int64_t k, int64_t duration_us,
                          ictus_grid_share out[ICTUS_GRID_MAX_SHARES])
{
    assert(k >= 0);
    int64_t lo = ictus_grid_tile_start_us(g, k), hi = ictus_grid_tile_end_us(g, k);
    if (hi > duration_us)
        hi = duration_us;
    int n = 0;
    for (int64_t b = ictus_grid_bucket_of(lo); lo < hi; b++) {
        int64_t edge = (b + 1) * ICTUS_GRID_BUCKET_US, to = hi < edge ? hi : edge;
        assert(n < ICTUS_GRID_MAX_SHARES);
        out[n++] = (ictus_grid_share){.bucket = b, .us = to - lo};
        lo = to;
    }
    return n;
}
