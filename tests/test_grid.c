/* test_grid.c: the window grid (base/grid.h) and the QC's analysable time on it.
 *
 * Proves, on many hop/win/fs combinations (hops 0.01 .. 600 s, hop == win,
 * 173.61 Hz, odd microseconds):
 *   - creation: whole microseconds equal to the parsed doubles; refusals
 *     (hop > win, 0, negative, NaN, infinite, over 600 s, finer than 1 µs)
 *     are ICTUS_ERR_CONFIG naming the setting;
 *   - samples: first sample and window length bit-identical to the double
 *     formulas the framer used before (llround(k * (hop_s * fs_hz)),
 *     lround(win_s * fs_hz)); first_window_ending_after() equals a brute
 *     force search;
 *   - times: start/end/centre/tile agree with the old double formulas where
 *     those are exact, tiles of consecutive windows meet, the tile lies
 *     inside its window and holds the centre, the centre's minute;
 *   - buckets: counts and lengths (the last bucket cut short); the split of a
 *     tile sums to its length inside the recording, never exceeds a bucket,
 *     and consecutive windows' shares tile time without gap or overlap;
 *   - QC: a recording whose windows are all clean has, per bucket, exactly
 *     the tiles' overlap with it (never more than the bucket: the 0.25 s hop
 *     that used to credit 70.8 s to a 60 s bucket); a flagged channel
 *     removes its tiles from its series and from the animal's.
 */
#include "base/grid.h"

#include <stdint.h>
#include <stdlib.h>

#include "pipeline/qc.h"
#include "tests/check.h"

#define US_PER_S INT64_C(1000000)

static const double hops_s[] = {0.01, 0.1, 0.25, 0.3, 0.5, 0.7, 1, 1.5, 2, 7.3, 61.25, 600};
static const double wins_s[] = {0.1, 0.5, 1, 1.5, 2, 2.5, 4, 10, 120, 600};
static const double rates_hz[] = {100, 173.61, 250, 256, 1000, 2000.5};

static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }
static int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }

static void test_init(void)
{
    ictus_grid g;
    ictus_error err;
    CHECK_INT(ictus_grid_init(&g, 1, 2, &err), ICTUS_OK);
    CHECK_INT(g.hop_us, US_PER_S);
    CHECK_INT(g.win_us, 2 * US_PER_S);
    CHECK_INT(ictus_grid_init(&g, 0.3, 0.3, &err), ICTUS_OK); /* hop == win */
    CHECK_INT(g.hop_us, 300000);
    CHECK(g.hop_us / 1e6 == 0.3);
    CHECK_INT(ictus_grid_init(&g, 0.000001, 600, &err), ICTUS_OK); /* 1 µs, the longest window */
    CHECK_INT(g.hop_us, 1);
    CHECK_INT(g.win_us, 600 * US_PER_S);
    CHECK_INT(ictus_grid_init(&g, 0.123457, 0.2, &err), ICTUS_OK); /* six decimals */
    CHECK_INT(g.hop_us, 123457);
    bool refused = true;
    for (size_t h = 0; h < sizeof hops_s / sizeof hops_s[0]; h++)
        for (size_t w = 0; w < sizeof wins_s / sizeof wins_s[0]; w++) {
            ictus_status st = ictus_grid_init(&g, hops_s[h], wins_s[w], &err);
            if (hops_s[h] <= wins_s[w])
                refused &= st == ICTUS_OK && g.hop_us / 1e6 == hops_s[h] &&
                           g.win_us / 1e6 == wins_s[w];
            else
                refused &= st == ICTUS_ERR_CONFIG && strstr(err.msg, "samples would be skipped");
        }
    CHECK(refused);

    g = (ictus_grid){7, 7};
    const struct { double hop_s, win_s; const char *says; } bad[] = {
        {2, 1, "hop_s = 2 is longer than win_s = 1"},
        {0, 1, "hop_s = 0: expected a whole number of microseconds"},
        {-1, 1, "hop_s = -1"},
        {NAN, 1, "hop_s = nan"},
        {1, INFINITY, "win_s = inf"},
        {600.000001, 700, "hop_s = 600.000001: expected"},
        {1, 601, "win_s = 601: expected a whole number of microseconds above 0 and at most 600 s"},
        {0.0000015, 1, "hop_s = 1.5e-06"},
        {0.25, 2.0000001, "win_s = 2.0000001: expected"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_INT(ictus_grid_init(&g, bad[i].hop_s, bad[i].win_s, &err), ICTUS_ERR_CONFIG);
        CHECK_MSG(strstr(err.msg, bad[i].says) && strstr(err.msg, "settings: [features] "),
                  "%s: expected \"%s\"", err.msg, bad[i].says);
    }
    CHECK(g.hop_us == 7 && g.win_us == 7); /* untouched on failure */
}

/* Samples: bit-identical to the framer's former double arithmetic; the
 * first window reaching past a sample by brute force. */
static void check_samples(const ictus_grid *g, double hop_s, double win_s, double fs)
{
    bool same_start = true, same_after = true;
    for (int64_t k = 0; k < 3000; k++)
        same_start &= ictus_grid_first_sample(g, fs, k) == llround((double)k * (hop_s * fs));
    for (int64_t k = 86400 * 8; k < 86400 * 8 + 500; k++) /* far along: days of windows */
        same_start &= ictus_grid_first_sample(g, fs, k) == llround((double)k * (hop_s * fs));
    CHECK_MSG(same_start, "first sample, hop %g s at %g Hz", hop_s, fs);
    int64_t n = ictus_grid_window_samples(g, fs);
    CHECK_INT(n, lround(win_s * fs));
    CHECK(ictus_grid_hop_samples(g, fs) == hop_s * fs);
    int64_t k = 0;
    for (int64_t i = 0; i < 4000; i += 7) {
        while (ictus_grid_first_sample(g, fs, k) + n <= i)
            k++;
        same_after &= ictus_grid_first_window_ending_after(g, fs, i) == k;
    }
    CHECK_MSG(same_after, "first window ending after, hop %g s win %g s at %g Hz", hop_s, win_s,
              fs);
}

/* Times: integer identities, and the detector's former double formulas. */
static void check_times(const ictus_grid *g, double hop_s, double win_s)
{
    bool ok = true, old = true;
    for (int64_t k = 0; k < 5000; k++) {
        int64_t s = ictus_grid_start_us(g, k), e = ictus_grid_end_us(g, k);
        int64_t c = ictus_grid_centre_us(g, k);
        int64_t t0 = ictus_grid_tile_start_us(g, k), t1 = ictus_grid_tile_end_us(g, k);
        ok &= s == k * g->hop_us && e - s == g->win_us && t1 - t0 == g->hop_us;
        ok &= t1 == ictus_grid_tile_start_us(g, k + 1);
        ok &= s <= t0 && t1 <= e && t0 <= c && c < t1;
        ok &= ictus_grid_centre_minute(g, k) == c / (60 * US_PER_S);
        old &= s == llround(k * hop_s * 1e6);
        old &= t0 == llround((k * hop_s + (win_s - hop_s) / 2) * 1e6);
        old &= t1 == llround((k * hop_s + (win_s + hop_s) / 2) * 1e6);
        /* the double formula can land just below a minute the centre is exactly on */
        if (c % (60 * US_PER_S) != 0)
            old &= ictus_grid_centre_minute(g, k) ==
                   (int64_t)floor((k * hop_s + win_s / 2) / 60.0);
    }
    CHECK_MSG(ok, "times, hop %g s win %g s", hop_s, win_s);
    CHECK_MSG(old, "former double formulas, hop %g s win %g s", hop_s, win_s);
    CHECK_INT(ictus_grid_windows_for_us(g, 0), 0);
    CHECK_INT(ictus_grid_windows_for_us(g, g->hop_us), 1);
    CHECK_INT(ictus_grid_windows_for_us(g, g->hop_us + 1), 2);
    CHECK_INT(ictus_grid_windows_for_us(g, 10 * g->hop_us - 1), 10);
}

/* The split over a recording of duration_us: every window that fits in it,
 * then a few past its end. */
static void check_split(const ictus_grid *g, int64_t duration_us)
{
    int64_t n_b = ictus_grid_n_buckets(duration_us);
    int64_t *bucket_us = calloc((size_t)n_b, sizeof *bucket_us);
    bool sums = true, fits = true, tiles = true;
    int64_t cursor = ictus_grid_tile_start_us(g, 0), most = 0;
    for (int64_t k = 0; ictus_grid_tile_start_us(g, k) < duration_us + 3 * g->hop_us; k++) {
        ictus_grid_share share[ICTUS_GRID_MAX_SHARES];
        int n = ictus_grid_tile_split(g, k, duration_us, share);
        most = max64(most, n);
        int64_t t0 = ictus_grid_tile_start_us(g, k);
        tiles &= n == 0 || cursor == t0; /* the first share starts where the last one ended */
        int64_t inside = max64(0, min64(ictus_grid_tile_end_us(g, k), duration_us) - t0), sum = 0;
        for (int i = 0; i < n; i++) {
            const ictus_grid_share *sh = &share[i];
            int64_t lo = sh->bucket * ICTUS_GRID_BUCKET_US;
            sum += sh->us;
            fits &= sh->us > 0 && sh->bucket < n_b &&
                    sh->us <= ictus_grid_bucket_len_us(sh->bucket, duration_us);
            /* the share is [cursor, cursor + us), inside its bucket */
            tiles &= cursor >= lo && cursor + sh->us <= lo + ICTUS_GRID_BUCKET_US;
            cursor += sh->us;
            if (sh->bucket < n_b)
                bucket_us[sh->bucket] += sh->us;
        }
        sums &= sum == inside;
        if (inside > 0)
            tiles &= cursor == min64(ictus_grid_tile_end_us(g, k), duration_us);
    }
    CHECK_MSG(sums && fits && tiles, "split, hop %lld win %lld us over %lld us: sums %d fits %d "
              "tiles %d", (long long)g->hop_us, (long long)g->win_us, (long long)duration_us,
              sums, fits, tiles);
    CHECK(most <= ICTUS_GRID_MAX_SHARES);
    /* Over the whole recording, bucket b holds exactly the part of the
     * tiled stretch [tile_start(0), duration) inside it. */
    bool exact = true;
    for (int64_t b = 0; b < n_b; b++) {
        int64_t lo = max64(b * ICTUS_GRID_BUCKET_US, ictus_grid_tile_start_us(g, 0));
        int64_t hi = b * ICTUS_GRID_BUCKET_US + ictus_grid_bucket_len_us(b, duration_us);
        exact &= bucket_us[b] == max64(0, hi - lo);
    }
    CHECK_MSG(exact, "bucket totals, hop %lld win %lld us over %lld us", (long long)g->hop_us,
              (long long)g->win_us, (long long)duration_us);
    free(bucket_us);
}

static void test_combinations(void)
{
    ictus_error err;
    const int64_t durations_us[] = {1, 59 * US_PER_S, 150 * US_PER_S + 123457,
                                    3600 * US_PER_S, 2 * 3600 * US_PER_S + 1};
    for (size_t h = 0; h < sizeof hops_s / sizeof hops_s[0]; h++)
        for (size_t w = 0; w < sizeof wins_s / sizeof wins_s[0]; w++) {
            double hop_s = hops_s[h], win_s = wins_s[w];
            ictus_grid g;
            if (hop_s > win_s || ictus_grid_init(&g, hop_s, win_s, &err) != ICTUS_OK)
                continue;
            for (size_t r = 0; r < sizeof rates_hz / sizeof rates_hz[0]; r++)
                check_samples(&g, hop_s, win_s, rates_hz[r]);
            check_times(&g, hop_s, win_s);
            for (size_t d = 0; d < sizeof durations_us / sizeof durations_us[0]; d++)
                if (durations_us[d] / g.hop_us < 400000)
                    check_split(&g, durations_us[d]);
        }
    /* hop 0.7 s, win 2 s: window 170's centre is exactly 120 s, minute 2
     * (170 * 0.7 + 1 = 119.99999999999999 in doubles) */
    ictus_grid g7;
    CHECK_INT(ictus_grid_init(&g7, 0.7, 2, &err), ICTUS_OK);
    CHECK_INT(ictus_grid_centre_us(&g7, 170), 120 * US_PER_S);
    CHECK_INT(ictus_grid_centre_minute(&g7, 170), 2);
    /* odd microseconds: centre and tile offsets round down */
    ictus_grid g = {.hop_us = 3, .win_us = 10};
    CHECK_INT(ictus_grid_centre_us(&g, 2), 11);
    CHECK_INT(ictus_grid_tile_start_us(&g, 2), 9);
    CHECK_INT(ictus_grid_tile_end_us(&g, 2), 12);
    check_split(&g, 1000);
    /* a 600 s tile starting inside a bucket overlaps 11 buckets */
    ictus_grid big;
    CHECK_INT(ictus_grid_init(&big, 600, 600, &err), ICTUS_OK);
    ictus_grid_share share[ICTUS_GRID_MAX_SHARES];
    big.win_us = big.hop_us + 2 * 30 * US_PER_S; /* tiles start 30 s into a bucket */
    CHECK_INT(ictus_grid_tile_split(&big, 1, 24 * 3600 * US_PER_S, share), 11);
    CHECK_INT(share[0].bucket, 10);
    CHECK_INT(share[0].us, 30 * US_PER_S);
    CHECK_INT(share[10].us, 30 * US_PER_S);
}

static void test_buckets(void)
{
    const int64_t B = ICTUS_GRID_BUCKET_US;
    CHECK_INT(B, 60 * US_PER_S);
    CHECK_INT(ictus_grid_n_buckets(0), 0);
    CHECK_INT(ictus_grid_n_buckets(-5), 0);
    CHECK_INT(ictus_grid_n_buckets(1), 1);
    CHECK_INT(ictus_grid_n_buckets(B), 1);
    CHECK_INT(ictus_grid_n_buckets(B + 1), 2);
    CHECK_INT(ictus_grid_n_buckets(24 * 3600 * US_PER_S), 1440);
    CHECK_INT(ictus_grid_bucket_len_us(0, B + 1), B);
    CHECK_INT(ictus_grid_bucket_len_us(1, B + 1), 1);
    CHECK_INT(ictus_grid_bucket_len_us(2, B + 1), 0);
    CHECK_INT(ictus_grid_bucket_len_us(-1, B + 1), 0);
    CHECK_INT(ictus_grid_bucket_len_us(0, 0), 0);
    CHECK_INT(ictus_grid_bucket_of(0), 0);
    CHECK_INT(ictus_grid_bucket_of(B - 1), 0);
    CHECK_INT(ictus_grid_bucket_of(B), 1);
}

/* QC: every window of a recording decided clean (HPC), or flagged (CTX). */
static void check_qc(double hop_s, double win_s, int64_t duration_us)
{
    ictus_grid g;
    ictus_error err;
    CHECK_INT(ictus_grid_init(&g, hop_s, win_s, &err), ICTUS_OK);
    const char *labels[] = {"HPC", "CTX"};
    ictus_qc *qc = ictus_qc_create(2, labels, duration_us, &g);
    int64_t n_windows = 0;
    for (int64_t k = 0; ictus_grid_end_us(&g, k) <= duration_us; k++, n_windows++) {
        uint32_t flags[2] = {0, k % 10 == 3 ? ICTUS_ART_EMG : 0};
        int present[2] = {1, 1};
        ictus_qc_add_window(qc, k, flags, present);
    }
    const int64_t nb = qc->n_buckets;
    CHECK_INT(nb, ictus_grid_n_buckets(duration_us));
    bool within = true, exact = true;
    int64_t windows = 0, emg = 0;
    const int emg_kind = __builtin_ctz(ICTUS_ART_EMG);
    for (int64_t b = 0; b < nb; b++) {
        int64_t len = ictus_grid_bucket_len_us(b, duration_us);
        int64_t lo = max64(b * ICTUS_GRID_BUCKET_US, ictus_grid_tile_start_us(&g, 0));
        int64_t hi = min64(b * ICTUS_GRID_BUCKET_US + len, ictus_grid_tile_end_us(&g, n_windows - 1));
        for (int s = 0; s < qc->n_series; s++)
            within &= qc->analysable_us[s * nb + b] >= 0 && qc->analysable_us[s * nb + b] <= len;
        exact &= qc->analysable_us[b] == max64(0, hi - lo);          /* HPC: all clean */
        exact &= qc->analysable_us[nb + b] == qc->analysable_us[2 * nb + b]; /* CTX == animal */
        windows += qc->windows[b];
        emg += qc->artefact[(ICTUS_N_ART + emg_kind) * nb + b];
    }
    CHECK_MSG(within && exact, "QC hop %g s win %g s: within %d exact %d", hop_s, win_s, within,
              exact);
    CHECK_INT(windows, n_windows);
    CHECK_NEAR(ictus_qc_analysable_s(qc, 0), (double)(n_windows * g.hop_us) / 1e6, 0, 1e-9);
    int64_t flagged = (n_windows + 6) / 10; /* k % 10 == 3 */
    CHECK_NEAR(ictus_qc_analysable_s(qc, 1), (double)((n_windows - flagged) * g.hop_us) / 1e6, 0,
               1e-9);
    CHECK_NEAR(ictus_qc_analysable_s(qc, 2), ictus_qc_analysable_s(qc, 1), 0, 0);
    CHECK_INT(emg, flagged);
    ictus_qc_destroy(qc);
}

static void test_qc(void)
{
    check_qc(0.25, 2, 3600 * US_PER_S);     /* the setting that failed every file */
    check_qc(1, 2, 3600 * US_PER_S);
    check_qc(0.3, 0.3, 600 * US_PER_S + 123);
    check_qc(0.7, 1.5, 150 * US_PER_S);
    check_qc(0.01, 0.1, 185 * US_PER_S);
    check_qc(61.25, 120, 7200 * US_PER_S);

    /* A channel absent from a window: the animal's series counts it as a gap. */
    ictus_grid g;
    ictus_error err;
    CHECK_INT(ictus_grid_init(&g, 1, 2, &err), ICTUS_OK);
    const char *labels[] = {"HPC", "CTX"};
    ictus_qc *qc = ictus_qc_create(2, labels, 60 * US_PER_S, &g);
    uint32_t flags[2] = {0, 0};
    int present[2] = {1, 0};
    ictus_qc_add_window(qc, 0, flags, present);
    CHECK_INT(qc->analysable_us[0], US_PER_S);
    CHECK_INT(qc->analysable_us[1], 0);
    CHECK_INT(qc->analysable_us[2], 0);
    CHECK_INT(qc->artefact[(2 * ICTUS_N_ART + 4) * 1 + 0], 1); /* gap is bit 4 */
    CHECK_INT(ICTUS_ART_GAP, 1u << 4);
    ictus_qc_destroy(qc);
    ictus_qc_destroy(NULL);
}

int main(void)
{
    test_init();
    test_combinations();
    test_buckets();
    test_qc();
    return check_done("test_grid");
}
