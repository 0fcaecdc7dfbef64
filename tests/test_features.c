/* test_features.c: the registered features against NumPy/SciPy, and their properties.
 *
 * Reference: tests/fixtures/features.txt (gen_features.py): sines at the
 * band centres, white, 1/f and chirp signals, spike trains, n = 500 at
 * 250 Hz, 347 at 173.61 Hz, 400 at 200 Hz, n = 2 and 3, all-zero and
 * constant windows.  Tolerances, |got − ref| against |ref|:
 *   sef90, peak_freq                 exactly the same bin (or both NaN);
 *   spike_rate                       1e-12 relative (a count over a duration);
 *   every other column               1e-9 relative (NaN where the reference is NaN).
 * Each window is run twice: on SciPy's PSD (the features alone) and on
 * ictus_spectrum's (the framer's path).  The spectral columns also allow
 * the cumulative PSD's absolute round-off, 2 (n_freq/4 + 4) ε of the whole
 * spectrum's power (abs_tolerance()), and on ictus_spectrum's PSD an
 * absolute 1e-12 of power_total for bins at round-off level.
 * Properties: rel_* sum to 1 where the bands tile the total band; each
 * feature writes only its own columns and together they write them all;
 * artefact flags switch exactly at their thresholds.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/grid.h"
#include "tests/check.h"
#include "tests/feature_fixture.h"
#include "pipeline/features/feat.h"
#include "pipeline/features/features.h"
#include "pipeline/features/spectrum.h"
#include "pipeline/features/timedomain.h"

/* ---------------------------------------------------------------- helpers */

/* Every registered feature, started for one window length and rate. */
typedef struct {
    ictus_feature f[32];
    int count;
} feature_bank;

static void bank_start(feature_bank *b, const ictus_settings *set, int n, double fs_hz)
{
    b->count = ictus_feature_registry_count;
    for (int i = 0; i < b->count; i++) {
        const ictus_feature_desc *d = ictus_feature_registry[i];
        ictus_error err;
        b->f[i] = (ictus_feature){.desc = d, .set = set,
                                  .priv = d->priv_size ? ictus_xcalloc(1, d->priv_size) : NULL};
        if (d->start)
            CHECK_MSG(d->start(&b->f[i], set, n, fs_hz, &err) == ICTUS_OK, "%s: start: %s",
                      d->name, err.msg);
    }
}

static void bank_compute(feature_bank *b, const ictus_window *w, ictus_frame *frame)
{
    for (int i = 0; i < b->count; i++)
        b->f[i].desc->compute(&b->f[i], w, frame);
}

static void bank_stop(feature_bank *b)
{
    for (int i = 0; i < b->count; i++) {
        if (b->f[i].desc->stop)
            b->f[i].desc->stop(&b->f[i]);
        free(b->f[i].priv);
    }
}

/* Point w at psd (n_freq bins, or NULL) and at its cumulative PSD, as the
 * framer does (ictus_psd_cumulate() into a buffer of the test's). */
static double cum_buf[1024];
static void set_psd(ictus_window *w, const double *psd)
{
    w->psd = psd;
    w->psd_cum = NULL;
    if (psd && CHECK(w->n_freq + 1 <= (int)(sizeof cum_buf / sizeof cum_buf[0]))) {
        ictus_psd_cumulate(psd, w->n_freq, cum_buf);
        w->psd_cum = cum_buf;
    }
}

/* A window as the framer builds it (its mean, then its time-domain sums and
 * spike candidates at spike_k σ, and its PSD with the cumulative PSD), with
 * no baseline for the EMG flag.  The sums' arrays are static: a window is
 * valid until the next make_window(). */
enum { MAX_N = 4096 };
static ictus_window make_window(const double *x, int n, double fs_hz, const double *psd,
                                double baseline_rms, double spike_k)
{
    static double abs_d[MAX_N];
    static int peaks[MAX_N];
    if (!CHECK(n <= MAX_N))
        abort();
    ictus_window w = {.x = x, .n = n, .fs_hz = fs_hz, .mean = ictus_widen_mean(x, n),
                      .n_freq = n / 2 + 1, .df_hz = fs_hz / n, .baseline_rms = baseline_rms,
                      .baseline_emg_power = NAN, .baseline_emg_share = NAN};
    ictus_window_time_domain(&w, spike_k, abs_d, peaks);
    set_psd(&w, psd);
    return w;
}

/* The absolute part of the tolerance of a spectral column.
 *
 * On both PSDs, the cumulative PSD's float order (spectrum.h): a band's
 * power is cum[b] − cum[a], each prefix sum of k nonnegative bins formed
 * with at most k/4 + 3 roundings (one carry per block of four, at most
 * three inside a block), each within ε of the running total <= Σ psd; so
 * the power is within cum_err = 2 (n_freq/4 + 4) ε Σ psd · df of the exact
 * band sum, absolutely (for n = 500, 2.9e-14 of the whole spectrum's
 * power), however small the band.  A fraction p / power_total is within
 * 2 cum_err / power_total of it (numerator and denominator), and so is
 * the entropy (its p_k are psd / total: a relative error δ of the total
 * moves −Σ p ln p / ln K by at most δ (1 + ln K) / ln K <= 2δ).
 * On ictus_spectrum's PSD also: bins at round-off level (1e-27 of the peak
 * beside a pure sine) differ from SciPy's in relative terms, so powers may
 * differ by 1e-12 of power_total and fractions by 1e-12. */
static double abs_tolerance(int col, const feature_case *c, bool own_psd)
{
    if (col < ICTUS_F_POWER_TOTAL || col == ICTUS_F_SEF90 || col == ICTUS_F_PEAK_FREQ)
        return 0;
    const int n_freq = c->n / 2 + 1;
    double sum_psd = 0;
    for (int k = 0; k < n_freq; k++)
        sum_psd += c->psd[k];
    const double cum_err = 2.0 * (n_freq / 4 + 4) * DBL_EPSILON * sum_psd * (c->fs_hz / c->n);
    const double total = c->v[ICTUS_F_POWER_TOTAL];
    if (col >= ICTUS_F_REL_DELTA && col <= ICTUS_F_SPECTRAL_ENTROPY)
        return (total > 0 ? 2 * cum_err / total : 0) + (own_psd ? 1e-12 : 0);
    return cum_err + (own_psd ? 1e-12 * fmax(total, 1) : 0);
}

/* ------------------------------------------------ agreement with SciPy */

/* The largest relative error seen per column, on SciPy's PSD [0] and on
 * ictus_spectrum's [1] (there only where |ref| is well above the floor). */
static double worst_rel[2][ICTUS_N_FEATURES];

static void check_case(const feature_case *c, const ictus_frame *fr, bool own_psd)
{
    const char *source = own_psd ? "ictus_spectrum" : "scipy";
    for (int col = 0; col < ICTUS_N_FEATURES; col++) {
        const double got = fr->v[col], ref = c->v[col];
        const char *name = ictus_feature_names[col];
        if (col == ICTUS_F_SEF90 || col == ICTUS_F_PEAK_FREQ) {
            CHECK_MSG(got == ref || (isnan(got) && isnan(ref)),
                      "%s (%s PSD): %s = %.17g, want %.17g", c->name, source, name, got, ref);
            continue;
        }
        const double rel_tol = col == ICTUS_F_SPIKE_RATE ? 1e-12 : 1e-9;
        const double abs_tol = abs_tolerance(col, c, own_psd);
        bool ok = (isnan(got) && isnan(ref)) || fabs(got - ref) <= rel_tol * fabs(ref) + abs_tol;
        CHECK_MSG(ok, "%s (%s PSD): %s = %.17g, want %.17g", c->name, source, name, got, ref);
        if (ref != 0 && !isnan(ref) && fabs(ref) > 1e3 * abs_tol)
            worst_rel[own_psd][col] = fmax(worst_rel[own_psd][col], fabs(got - ref) / fabs(ref));
    }
}

/* Where delta .. gamma tile the total band (default bands, Nyquist >= 100
 * Hz), the band powers add up to power_total and rel_* to 1. */
static void check_tiling(const feature_case *c, const ictus_frame *fr)
{
    if (c->fs_hz / 2 < 100 || c->n < 100 || !(fr->v[ICTUS_F_POWER_TOTAL] > 0))
        return;
    double sum_power = 0, sum_rel = 0;
    for (int b = 0; b < 5; b++) {
        sum_power += fr->v[ICTUS_F_POWER_DELTA + b];
        sum_rel += fr->v[ICTUS_F_REL_DELTA + b];
    }
    CHECK_NEAR(sum_power, fr->v[ICTUS_F_POWER_TOTAL], 1e-12, 0);
    CHECK_NEAR(sum_rel, 1.0, 1e-12, 0);
}

static void test_fixture(void)
{
    feature_fixture fx;
    if (!CHECK(feature_fixture_load(FEATURE_FIXTURE_PATH, &fx)))
        return;
    int tiled = 0;
    for (int i = 0; i < fx.n_cases; i++) {
        const feature_case *c = &fx.cases[i];
        ictus_settings set = fx.settings;
        set.window = c->window;
        feature_bank bank;
        bank_start(&bank, &set, c->n, c->fs_hz);
        ictus_spectrum *sp = ictus_spectrum_create(c->n, c->fs_hz, c->window);
        double *psd = ictus_xmalloc((size_t)(c->n / 2 + 1) * sizeof *psd);
        for (int own = 0; own < 2; own++) {
            ictus_window w = make_window(c->x, c->n, c->fs_hz, c->psd,
                                           c->baseline_rms, set.spike_k);
            if (own) {
                ictus_spectrum_psd(sp, c->x, w.mean, psd);
                set_psd(&w, psd);
            }
            ictus_frame fr = {.channel = 0};
            bank_compute(&bank, &w, &fr);
            check_case(c, &fr, own);
            check_tiling(c, &fr);
            tiled += c->fs_hz / 2 >= 100 && c->n >= 100;
        }
        free(psd);
        ictus_spectrum_destroy(sp);
        bank_stop(&bank);
    }
    CHECK(tiled >= 20); /* the tiling property was really exercised */
    printf("worst relative error against the SciPy/NumPy reference (%d windows),\n"
           "  %-18s %-11s %s\n", fx.n_cases, "column", "scipy PSD", "ictus_spectrum PSD");
    for (int col = 0; col < ICTUS_N_FEATURES; col++)
        printf("  %-18s %-11.2g %.2g\n", ictus_feature_names[col], worst_rel[0][col],
               worst_rel[1][col]);
    feature_fixture_free(&fx);
}

/* Hand-made spectra with n = 20 at 20 Hz (bins of 1 Hz, the total band
 * 1..10): exact thresholds and ties, and the entropy's two extremes. */
static void test_constructed_spectra(void)
{
    enum { N = 20, NF = N / 2 + 1 };
    double x[N] = {0};
    ictus_settings set;
    ictus_settings_default(&set);
    feature_bank bank;
    bank_start(&bank, &set, N, N);
    ictus_frame fr = {.window = 0}; /* every field the features read: the window index too (valgrind) */
    /* DC is outside the band; the cumulative power reaches 0.9 · 10
     * exactly at 2 Hz, which is also the peak. */
    double edge[NF] = {50, 1, 8, 0, 0, 0, 0, 0, 0, 0, 1};
    ictus_window w = make_window(x, N, N, edge, NAN, set.spike_k);
    bank_compute(&bank, &w, &fr);
    CHECK(fr.v[ICTUS_F_SEF90] == 2);
    CHECK(fr.v[ICTUS_F_PEAK_FREQ] == 2);
    CHECK(fr.v[ICTUS_F_POWER_TOTAL] == 10);
    /* A tie for the peak goes to the lower frequency. */
    double tie[NF] = {0, 0.5, 0.5, 4, 0.5, 0.5, 0.5, 4, 0.5, 0.5, 0.5};
    set_psd(&w, tie);
    bank_compute(&bank, &w, &fr);
    CHECK(fr.v[ICTUS_F_PEAK_FREQ] == 3);
    /* Flat spectrum: entropy 1; a single line: entropy 0. */
    double flat[NF] = {9, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2};
    set_psd(&w, flat);
    bank_compute(&bank, &w, &fr);
    CHECK_NEAR(fr.v[ICTUS_F_SPECTRAL_ENTROPY], 1.0, 1e-15, 0);
    double line[NF] = {9, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0};
    set_psd(&w, line);
    bank_compute(&bank, &w, &fr);
    CHECK(fr.v[ICTUS_F_SPECTRAL_ENTROPY] == 0);
    CHECK(fr.v[ICTUS_F_SEF90] == 5);
    bank_stop(&bank);
}

/* --------------------------------------------------------- the registry */

/* Each feature writes only its own columns, no two write the same one,
 * together they write every column, and only the last (artefact) touches
 * the flags. */
static void test_registry_columns(void)
{
    enum { N = 500 };
    const double fs_hz = 250;
    double x[N], psd[N / 2 + 1];
    unsigned seed = 5;
    for (int i = 0; i < N; i++)
        x[i] = 40.0 * rand_r(&seed) / RAND_MAX - 20 + 30 * sin(2 * M_PI * 7 * i / fs_hz);
    ictus_settings set;
    ictus_settings_default(&set);
    ictus_spectrum *sp = ictus_spectrum_create(N, fs_hz, set.window);
    ictus_window w = make_window(x, N, fs_hz, NULL, 10, set.spike_k);
    ictus_spectrum_psd(sp, x, w.mean, psd);
    set_psd(&w, psd);
    feature_bank bank;
    bank_start(&bank, &set, N, fs_hz);
    const double sentinel = -1.25e300;
    int writers[ICTUS_N_FEATURES] = {0};
    for (int i = 0; i < bank.count; i++) {
        ictus_frame fr = {.artefact = 0};
        for (int col = 0; col < ICTUS_N_FEATURES; col++)
            fr.v[col] = sentinel;
        bank.f[i].desc->compute(&bank.f[i], &w, &fr);
        for (int col = 0; col < ICTUS_N_FEATURES; col++)
            writers[col] += fr.v[col] != sentinel;
        if (i < bank.count - 1)
            CHECK_MSG(fr.artefact == 0, "%s sets artefact flags", bank.f[i].desc->name);
    }
    for (int col = 0; col < ICTUS_N_FEATURES; col++)
        CHECK_MSG(writers[col] == 1, "column %s is written by %d features",
                  ictus_feature_names[col], writers[col]);
    CHECK(ictus_feature_registry[ictus_feature_registry_count - 1] == &ictus_feat_artefact);
    CHECK(ictus_feature_registry[0] == &ictus_feat_linelength);
    bank_stop(&bank);
    ictus_spectrum_destroy(sp);
}

/* --------------------------------------------------- time-domain sums */

/* The fused pass (timedomain.c) against the sums written out one at a time
 * in long double, for every window length 2 .. 41 (the vector loop's edges
 * and tails), on noise with and without a DC offset, and spikes: each sum within 1e-12
 * of its own scale (4-lane partial sums differ from a long double sum by a
 * few ulps of the largest partial sum), max |x − mean| exactly (it is one
 * of the values, up to the mean's rounding), |d| exactly, and the spike
 * candidates exactly those of the plain definition. */
static void test_time_domain_sums(void)
{
    double x[41];
    unsigned seed = 12345;
    for (int n = 2; n <= 41; n++) {
        for (int i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            x[i] = (n % 2 ? 300 : 0) + ((int)((seed >> 8) % 2001) - 1000) / 100.0;
            /* peaks at 3 and 37 only: without the offset, the candidate search's block
             * of samples 17 .. 32 holds none above the threshold and is passed over, which
             * must not lose a candidate */
            if (i == 3 || i == 37)
                x[i] += i % 2 ? 80 : -80;
        }
        ictus_window w = make_window(x, n, 250, NULL, 5, 4);
        long double sq = 0, ss_x = 0, ad = 0, ss_d = 0, ss_dd = 0, tk = 0, mean = 0;
        double dev = 0;
        for (int i = 0; i < n; i++)
            mean += x[i];
        mean /= n;
        const long double md = ((long double)x[n - 1] - x[0]) / (n - 1);
        const long double mdd =
            n >= 3 ? (((long double)x[n - 1] - x[n - 2]) - ((long double)x[1] - x[0])) / (n - 2)
                   : 0;
        for (int i = 0; i < n; i++) {
            sq += (long double)x[i] * x[i];
            ss_x += (x[i] - mean) * (x[i] - mean);
            dev = fmax(dev, fabs(x[i] - w.mean));
            if (i >= 1) {
                long double d = (long double)x[i] - x[i - 1];
                ad += fabsl(d);
                ss_d += (d - md) * (d - md);
                CHECK(w.abs_d[i] == fabs(x[i] - x[i - 1]));
            }
            if (i >= 2) {
                long double dd =
                    ((long double)x[i] - x[i - 1]) - ((long double)x[i - 1] - x[i - 2]);
                ss_dd += (dd - mdd) * (dd - mdd);
            }
            if (i >= 1 && i <= n - 2)
                tk += (long double)x[i] * x[i] - (long double)x[i - 1] * x[i + 1];
        }
        CHECK_NEAR(w.mean, (double)mean, 1e-15, 0);
        CHECK_NEAR(w.sum_sq, (double)sq, 1e-13, 0);
        CHECK_NEAR(w.ss_x, (double)ss_x, 1e-12, 1e-12 * (double)sq);
        CHECK(w.max_dev == dev);
        CHECK_NEAR(w.sum_abs_d, (double)ad, 1e-13, 0);
        CHECK_NEAR(w.ss_d, (double)ss_d, 1e-12, 1e-12 * (double)ad * ad);
        CHECK_NEAR(w.ss_dd, (double)ss_dd, 1e-12, 1e-12 * (double)ad * ad);
        CHECK_NEAR(w.sum_teager, (double)tk, 0, 1e-12 * (double)sq);
        CHECK(w.spike_sigma == 5);
        int count = 0;
        for (int i = 1; i < n - 1; i++)
            if (fabs(x[i]) > 20 && fabs(x[i]) >= fabs(x[i - 1]) && fabs(x[i]) > fabs(x[i + 1])) {
                CHECK(count < w.n_peaks && w.peaks[count] == i);
                count++;
            }
        CHECK_INT(w.n_peaks, count);
    }
}

/* ----------------------------------------------------------- artefacts */

static uint32_t artefact_flags(const ictus_settings *set, const ictus_window *w, double power_emg,
                               double power_total)
{
    ictus_feature f = {.desc = &ictus_feat_artefact, .set = set};
    ictus_frame fr = {.artefact = 0};
    fr.v[ICTUS_F_POWER_EMG] = power_emg;
    fr.v[ICTUS_F_POWER_TOTAL] = power_total;
    ictus_feat_artefact.compute(&f, w, &fr);
    return fr.artefact;
}

/* A window alternating ±a (mean 0, SD a), no PSD needed by the artefact
 * feature. */
enum { AN = 500 };
static ictus_window alternating(double *x, double a)
{
    for (int i = 0; i < AN; i++)
        x[i] = i % 2 ? -a : a;
    return make_window(x, AN, 250, NULL, NAN, 4);
}

static void test_artefact_clip_flat(void)
{
    ictus_settings set;
    ictus_settings_default(&set); /* clip_fraction 0.01: 5 of 500 samples; flat_uv 0.5 */
    double x[AN];
    ictus_window w = alternating(x, 10);
    CHECK_INT(artefact_flags(&set, &w, NAN, NAN), 0);
    w.n_clipped = 5;
    CHECK_INT(artefact_flags(&set, &w, NAN, NAN), ICTUS_ART_CLIP);
    w.n_clipped = 4;
    CHECK_INT(artefact_flags(&set, &w, NAN, NAN), 0);
    set.clip_fraction = 0; /* any clipped sample, but not none */
    w.n_clipped = 0;
    CHECK_INT(artefact_flags(&set, &w, NAN, NAN), 0);
    w.n_clipped = 1;
    CHECK_INT(artefact_flags(&set, &w, NAN, NAN), ICTUS_ART_CLIP);

    ictus_settings_default(&set);
    w = alternating(x, 0.5); /* SD exactly flat_uv: not below it */
    CHECK_INT(artefact_flags(&set, &w, NAN, NAN), 0);
    w = alternating(x, 0.4999);
    CHECK_INT(artefact_flags(&set, &w, NAN, NAN), ICTUS_ART_FLAT);
    w = alternating(x, 0);
    CHECK_INT(artefact_flags(&set, &w, NAN, NAN), ICTUS_ART_FLAT);
    for (int i = 0; i < AN; i++) /* a large offset is not variance */
        x[i] = 1000 + (i % 2 ? -0.4 : 0.4);
    w = make_window(x, AN, 250, NULL, NAN, 4);
    CHECK_INT(artefact_flags(&set, &w, NAN, NAN), ICTUS_ART_FLAT);
    /* nor does it hide variance: the SD is summed around the mean
     * (timedomain.c), where Σx² − n·mean² at a 1e6 µV offset would lose
     * ~1e-4 µV² of every µV² to cancellation and could flip the flag */
    for (double offset = 1e3; offset <= 1e6; offset *= 1e3) {
        for (int i = 0; i < AN; i++)
            x[i] = offset + (i % 2 ? -0.5 : 0.5);
        w = make_window(x, AN, 250, NULL, NAN, 4);
        CHECK_INT(artefact_flags(&set, &w, NAN, NAN), 0);
        for (int i = 0; i < AN; i++)
            x[i] = offset + (i % 2 ? -0.4999 : 0.4999);
        w = make_window(x, AN, 250, NULL, NAN, 4);
        CHECK_INT(artefact_flags(&set, &w, NAN, NAN), ICTUS_ART_FLAT);
    }
}

static void test_artefact_extreme(void)
{
    ictus_settings set;
    ictus_settings_default(&set); /* extreme_sd 25: with baseline 10 µV, 250 µV */
    double x[AN];
    alternating(x, 10);
    x[100] = 250;
    x[101] = -250; /* the mean stays 0 */
    ictus_window w = make_window(x, AN, 250, NULL, 10, 4);
    CHECK_INT(artefact_flags(&set, &w, NAN, NAN), 0);
    x[100] = 250.001;
    x[101] = -250.001;
    w = make_window(x, AN, 250, NULL, 10, 4);
    CHECK_INT(artefact_flags(&set, &w, NAN, NAN), ICTUS_ART_EXTREME);
    x[100] = -250.001; /* a negative excursion counts the same */
    x[101] = 10;
    w = make_window(x, AN, 250, NULL, 10, 4); /* mean -0.48 µV: x[100] is 249.52 from it */
    CHECK_INT(artefact_flags(&set, &w, NAN, NAN), 0);
    x[100] = -250.6;
    w = make_window(x, AN, 250, NULL, 10, 4);
    CHECK_INT(artefact_flags(&set, &w, NAN, NAN), ICTUS_ART_EXTREME);
    w.baseline_rms = NAN; /* no baseline yet: never extreme */
    CHECK_INT(artefact_flags(&set, &w, NAN, NAN), 0);
    w.baseline_rms = 0;
    CHECK_INT(artefact_flags(&set, &w, NAN, NAN), 0);
}

static void test_artefact_emg(void)
{
    ictus_settings set;
    ictus_settings_default(&set); /* emg_rel_factor 4, emg_abs_factor 10 */
    double x[AN];
    ictus_window w = alternating(x, 10);
    w.baseline_emg_share = 0.0625; /* share threshold 0.25 */
    w.baseline_emg_power = 2;      /* power threshold 20 µV² */
    CHECK_INT(artefact_flags(&set, &w, 25, 100), 0);      /* share at its threshold */
    CHECK_INT(artefact_flags(&set, &w, 25, 99.9), ICTUS_ART_EMG);
    CHECK_INT(artefact_flags(&set, &w, 20, 79.9), 0);     /* power at its threshold */
    CHECK_INT(artefact_flags(&set, &w, 20.001, 79.9), ICTUS_ART_EMG);
    CHECK_INT(artefact_flags(&set, &w, NAN, 79.9), 0);
    w.baseline_emg_share = NAN;
    CHECK_INT(artefact_flags(&set, &w, 25, 99.9), 0);
    w.baseline_emg_share = 0.0625;
    w.baseline_emg_power = 0;
    CHECK_INT(artefact_flags(&set, &w, 25, 99.9), 0);
    w.baseline_emg_power = NAN;
    CHECK_INT(artefact_flags(&set, &w, 25, 99.9), 0);

    /* Flags add to those the framer set (gap). */
    w.baseline_emg_power = 2;
    ictus_feature f = {.desc = &ictus_feat_artefact, .set = &set};
    ictus_frame fr = {.artefact = ICTUS_ART_GAP};
    fr.v[ICTUS_F_POWER_EMG] = 25;
    fr.v[ICTUS_F_POWER_TOTAL] = 99.9;
    ictus_feat_artefact.compute(&f, &w, &fr);
    CHECK_INT(fr.artefact, ICTUS_ART_GAP | ICTUS_ART_EMG);
}

/* ------------------------------------------------ the sub-window envelope */

/* A triangle of height h (signed) and half-width half samples, peak at p, added to x. */
static void add_triangle(double *x, int n, int p, double h, int half)
{
    for (int i = p - half; i <= p + half; i++)
        if (i >= 0 && i < n)
            x[i] += h * (1 - (double)abs(i - p) / half);
}

/* Sample i of window 0 (2 s at 250 Hz, tile from sample 125): µs from the tile's start. */
#define TILE_US(i) ((int32_t)((i) * 4000 - 500000))

/* feat_subbins.c on a hand-built window: 500 samples at 250 Hz, the
 * default 2 s window and 1 s hop, so the tile is samples 125 .. 374 and
 * bin b holds 125 + floor(250 b / 8) ..: bin 0 125..155, bin 1 156..186,
 * bin 4 250..280, bin 6 312..342, bin 7 343..374.  σ = 10 µV, so the spike
 * threshold is 40 µV and a spike's edges lie where it falls below 20 µV
 * from its local level. */
static void test_subbins(void)
{
    ictus_settings set;
    ictus_settings_default(&set);
    CHECK(set.spike_k == 4 && set.win_s == 2 && set.hop_s == 1);
    enum { N = 500 };
    double x[N] = {0};
    add_triangle(x, N, 140, 110, 5);  /* bin 0: 22 µV at 136 and 144, 0 at 135 and 145 */
    add_triangle(x, N, 152, -110, 5); /* bin 0, 12 samples on: its end (157) in bin 1 */
    for (int i = 240; i < 300; i++)   /* bin 4: a spike on a -30 µV shelf */
        x[i] -= 30;
    add_triangle(x, N, 260, -60, 5);
    for (int i = 325; i <= 360; i++)  /* bins 6-7: 30 µV at Nyquist, samples 325 .. 360 */
        x[i] = i % 2 ? 30 : -30;
    feature_bank bank;
    bank_start(&bank, &set, N, 250);
    ictus_window w = make_window(x, N, 250, NULL, 10, set.spike_k);
    double psd[N / 2 + 1] = {0};
    set_psd(&w, psd);
    ictus_frame fr = {.window = 0};
    bank_compute(&bank, &w, &fr);
    bank_stop(&bank);

    const int32_t(*on)[ICTUS_SUB_BINS] = fr.sub_on_us, (*off)[ICTUS_SUB_BINS] = fr.sub_off_us;
    CHECK_INT(fr.sub_spikes[0], 2);
    CHECK_INT(on[ICTUS_SUB_SPIKE][0], TILE_US(135)); /* the first spike's foot */
    CHECK_INT(off[ICTUS_SUB_SPIKE][0], TILE_US(157)); /* the last one's, in the next bin */
    CHECK_INT(fr.sub_spikes[1], 0);
    CHECK_INT(on[ICTUS_SUB_SPIKE][1], 0);
    CHECK_INT(off[ICTUS_SUB_SPIKE][1], 0);
    /* measured from the local level (-30 µV): 12 µV below it at 256 and
     * 264; from 0 the walk would run on along the shelf to 239 and 300 */
    CHECK_INT(fr.sub_spikes[4], 1);
    CHECK_INT(on[ICTUS_SUB_SPIKE][4], TILE_US(256));
    CHECK_INT(off[ICTUS_SUB_SPIKE][4], TILE_US(264));
    /* no spikes in the fast activity (30 µV < 40) */
    CHECK_INT(fr.sub_spikes[6] + fr.sub_spikes[7], 0);
    /* line length: bin 6 has |dx| 30 at 325 and 60 at 326 .. 342, mean 35 x
     * 30 / 31; the 7-sample envelope first reaches it at 326 (9 x 30 / 7).
     * Bin 7 is active from its start to 360, the last sample of the fast
     * activity: the envelope there is 9 x 30 / 7, at 361 only 7 x 30 / 7,
     * below the bin's mean 37 x 30 / 32. */
    CHECK_NEAR(fr.sub_ll[6], 35.0 * 30 / 31 * 250, 1e-6, 0);
    CHECK_INT(on[ICTUS_SUB_LL][6], TILE_US(326));
    CHECK_INT(off[ICTUS_SUB_LL][6], TILE_US(343));
    CHECK_INT(on[ICTUS_SUB_LL][7], TILE_US(343));
    CHECK_INT(off[ICTUS_SUB_LL][7], TILE_US(361));
    /* a bin's line-length edges never leave it */
    for (int b = 0; b < ICTUS_SUB_BINS; b++) {
        int lo = 125 + 250 * b / 8, hi = 125 + 250 * (b + 1) / 8;
        CHECK(on[ICTUS_SUB_LL][b] >= TILE_US(lo) && on[ICTUS_SUB_LL][b] < off[ICTUS_SUB_LL][b] &&
              off[ICTUS_SUB_LL][b] <= TILE_US(hi));
    }

    /* window 3: the same samples, the times moved on by 3 hops exactly */
    bank_start(&bank, &set, N, 250);
    ictus_frame fr3 = {.window = 3};
    bank_compute(&bank, &w, &fr3);
    bank_stop(&bank);
    CHECK(memcmp(fr3.sub_on_us, fr.sub_on_us, sizeof fr.sub_on_us) == 0);
    CHECK(memcmp(fr3.sub_off_us, fr.sub_off_us, sizeof fr.sub_off_us) == 0);
}

/* feat_subbins.c's definitions (the header comment), written plainly: a
 * serial sum per bin and per envelope span, scans sample by sample, the
 * local level by sorting.  On integer-valued samples every sum is exact in
 * any order, so the features must match it bit for bit. */
static int cmp_double(const void *a, const void *b)
{
    double u = *(const double *)a, v = *(const double *)b;
    return (u > v) - (u < v);
}

static double plain_abs_d_sum(const double *x, int a, int b)
{
    double s = 0;
    for (int j = a; j < b; j++)
        s += fabs(x[j] - x[j - 1]);
    return s;
}

static void plain_subbins(const ictus_settings *set, const ictus_window *w, ictus_frame *ref)
{
    const double *x = w->x, fs = w->fs_hz;
    const int n = w->n;
    int o = (int)lround((set->win_s - set->hop_s) / 2 * fs), len = (int)lround(set->hop_s * fs);
    if (o < 1)
        o = 1;
    if (o + len > n - 1)
        len = n - 1 - o;
    ictus_grid grid;
    ictus_error err;
    CHECK(ictus_grid_init(&grid, set->hop_s, set->win_s, &err) == ICTUS_OK);
    const int64_t first = ictus_grid_first_sample(&grid, fs, ref->window);
    const int64_t tile_us = ictus_grid_tile_start_us(&grid, ref->window);
#define PLAIN_US(i) ((int32_t)(llround((double)(first + (i)) / fs * 1e6) - tile_us))
    const double threshold = w->spike_sigma > 0 ? set->spike_k * w->spike_sigma : INFINITY;
    const double level = ICTUS_SPIKE_EDGE_FRACTION * threshold;
    const int max_walk = (int)lround(ICTUS_SPIKE_EDGE_MAX_S * fs);
    const int h = len / ICTUS_SUB_BINS / 8 > 1 ? len / ICTUS_SUB_BINS / 8 : 1;
    int last = -1, next = 0;
    while (next < w->n_peaks && w->peaks[next] < o)
        next++;
    for (int b = 0; b < ICTUS_SUB_BINS; b++) {
        int lo = o + b * len / ICTUS_SUB_BINS, hi = o + (b + 1) * len / ICTUS_SUB_BINS;
        double ll = plain_abs_d_sum(x, lo, hi), mean = ll / (hi - lo);
        ref->sub_ll[b] = (float)(ll * fs / (hi - lo));
        int spikes[MAX_N], count = 0;
        for (; next < w->n_peaks && w->peaks[next] < hi; next++)
            if (last < 0 || w->peaks[next] - last >= set->spike_refractory_s * fs)
                spikes[count++] = last = w->peaks[next];
        ref->sub_spikes[b] = (uint8_t)(count < 255 ? count : 255);
        for (int e = 0; e < 2; e++)
            for (int j = 0; j < count; j++) {
                int p = spikes[e ? count - 1 - j : j];
                int a = p - max_walk > 0 ? p - max_walk : 0;
                int z = p + max_walk + 1 < n ? p + max_walk + 1 : n;
                double sorted[MAX_N];
                memcpy(sorted, x + a, (size_t)(z - a) * sizeof *sorted);
                qsort(sorted, (size_t)(z - a), sizeof *sorted, cmp_double);
                double x_ref = sorted[(z - a) / 2], sign = x[p] < x_ref ? -1 : 1;
                if (!(fabs(x[p] - x_ref) >= level))
                    continue;
                int i = p, step = e ? 1 : -1;
                while (i + step >= 0 && i + step < n && abs(i - p) < max_walk &&
                       sign * (x[i] - x_ref) >= level)
                    i += step;
                if (e)
                    ref->sub_off_us[ICTUS_SUB_SPIKE][b] = PLAIN_US(i);
                else
                    ref->sub_on_us[ICTUS_SUB_SPIKE][b] = PLAIN_US(i);
                break;
            }
        int on = lo, off = hi;
        for (int i = lo; i < hi; i++) {
            int a = i - h > 1 ? i - h : 1, z = i + h + 1 < n ? i + h + 1 : n;
            if (plain_abs_d_sum(x, a, z) >= mean * (z - a)) {
                on = i;
                break;
            }
        }
        for (int i = hi - 1; i >= lo; i--) {
            int a = i - h > 1 ? i - h : 1, z = i + h + 1 < n ? i + h + 1 : n;
            if (plain_abs_d_sum(x, a, z) >= mean * (z - a)) {
                off = i + 1;
                break;
            }
        }
        ref->sub_on_us[ICTUS_SUB_LL][b] = PLAIN_US(on);
        ref->sub_off_us[ICTUS_SUB_LL][b] = PLAIN_US(off);
    }
#undef PLAIN_US
}

/* feat_subbins.c against plain_subbins() on integer-valued noise with
 * spikes (many equal samples in the local levels' neighbourhoods): at 250
 * Hz, at 1000 Hz (bins of 125 samples, more than one 64-bit mask word), and
 * with the tile reaching the window's edges (win_s = hop_s: envelope spans
 * cut at both ends), in windows 0 and 5. */
static void test_subbins_plain(void)
{
    const struct {
        double fs, win_s, hop_s;
    } cases[] = {{250, 2, 1}, {1000, 2, 1}, {250, 1, 1}, {200, 4, 2}};
    uint64_t seed = 9300;
    int spikes_seen = 0, spike_edges_seen = 0;
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
        for (int trial = 0; trial < 40; trial++) {
            ictus_settings set;
            ictus_settings_default(&set);
            set.win_s = cases[c].win_s;
            set.hop_s = cases[c].hop_s;
            const int n = (int)lround(set.win_s * cases[c].fs);
            static double x[MAX_N], psd[MAX_N / 2 + 1];
            double amp = trial % 4 == 0 ? 0 : 3 + trial % 7; /* 0: a flat window */
            for (int i = 0; i < n; i++) {
                seed = seed * 6364136223846793005u + 1442695040888963407u;
                x[i] = round(amp * ((double)(seed >> 11) / 9007199254740992.0 - 0.5) * 4);
            }
            for (int k = 0; k < trial % 6; k++) { /* integer triangles, some in trains */
                seed = seed * 6364136223846793005u + 1442695040888963407u;
                int p = 3 + (int)((seed >> 33) % (uint64_t)(n - 6));
                add_triangle(x, n, p, (seed >> 20) % 2 ? 120 : -90, 2 + (int)((seed >> 40) % 4));
                if (k % 2)
                    add_triangle(x, n, p + 9 < n - 3 ? p + 9 : p, 80, 3);
            }
            for (int i = 0; i < n; i++)
                x[i] = round(x[i]);
            feature_bank bank;
            bank_start(&bank, &set, n, cases[c].fs);
            ictus_window w = make_window(x, n, cases[c].fs, NULL, 10, set.spike_k);
            memset(psd, 0, sizeof psd);
            set_psd(&w, psd);
            for (int k = 0; k < 2; k++) {
                ictus_frame got = {.window = k ? 5 : 0}, want = {.window = got.window};
                bank_compute(&bank, &w, &got);
                plain_subbins(&set, &w, &want);
                for (int b = 0; b < ICTUS_SUB_BINS; b++) {
                    spikes_seen += got.sub_spikes[b];
                    spike_edges_seen += got.sub_on_us[ICTUS_SUB_SPIKE][b] != 0;
                }
                CHECK_MSG(memcmp(got.sub_ll, want.sub_ll, sizeof got.sub_ll) == 0 &&
                              memcmp(got.sub_spikes, want.sub_spikes, sizeof got.sub_spikes) == 0 &&
                              memcmp(got.sub_on_us, want.sub_on_us, sizeof got.sub_on_us) == 0 &&
                              memcmp(got.sub_off_us, want.sub_off_us, sizeof got.sub_off_us) == 0,
                          "subbins at %g Hz, %g s windows, trial %d, window %lld: not the plain "
                          "definition's", cases[c].fs, set.win_s, trial, (long long)got.window);
            }
            bank_stop(&bank);
        }
    /* the cases exercise what they are for */
    CHECK(spikes_seen > 100);
    CHECK(spike_edges_seen > 50);
}

int main(void)
{
    test_fixture();
    test_constructed_spectra();
    test_registry_columns();
    test_time_domain_sums();
    test_artefact_clip_flat();
    test_artefact_extreme();
    test_artefact_emg();
    test_subbins();
    test_subbins_plain();
    return check_done("test_features");
}
