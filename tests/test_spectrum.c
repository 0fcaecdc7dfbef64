/* test_spectrum.c: the PSD against SciPy, a direct DFT and Parseval; band bins.
 *
 * Tolerances: per bin |psd − ref| <= 1e-9 · |ref| + 1e-13 · max(ref) for
 * SciPy's periodogram (the absolute floor is the FFT's round-off: bins ~1e-27
 * of the peak, as next to a pure sine, are noise in both programs); 1e-12
 * relative (same floor) against a long-double DFT for every n in 2..64 and
 * every window; Parseval (Σ psd · df against the window-weighted variance)
 * to 1e-12 relative on all of these windows.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>

#include "tests/check.h"
#include "tests/feature_fixture.h"
#include "pipeline/features/spectrum.h"

static const ictus_window_kind kinds[] = {ICTUS_WINDOW_HANN, ICTUS_WINDOW_HAMMING,
                                          ICTUS_WINDOW_RECT};

/* The periodic windows as scipy.signal.get_window documents them. */
static double ref_window(ictus_window_kind kind, int k, int n)
{
    if (kind == ICTUS_WINDOW_RECT)
        return 1.0;
    double a = kind == ICTUS_WINDOW_HANN ? 0.5 : 0.54;
    return a - (1 - a) * cos(2 * M_PI * k / n);
}

static double mean_of(const double *x, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++)
        s += x[i];
    return s / n;
}

static double max_of(const double *v, int n)
{
    double m = 0;
    for (int i = 0; i < n; i++)
        m = fmax(m, v[i]);
    return m;
}

/* Parseval: Σ psd · df = Σ((x − mean)·w)² / Σw², the window-weighted variance. */
static void check_parseval(const char *what, const double *x, int n, double fs_hz,
                           ictus_window_kind kind, const double *psd)
{
    const double mean = mean_of(x, n);
    long double sum_w2 = 0, energy = 0, total = 0;
    for (int i = 0; i < n; i++) {
        long double wi = ref_window(kind, i, n);
        sum_w2 += wi * wi;
        energy += ((x[i] - mean) * wi) * ((x[i] - mean) * wi);
    }
    for (int k = 0; k <= n / 2; k++)
        total += psd[k];
    CHECK_MSG(fabsl(total * fs_hz / n - energy / sum_w2) <= 1e-12L * energy / sum_w2,
              "%s: Parseval: %.17Lg vs %.17Lg", what, total * fs_hz / n, energy / sum_w2);
}

/* Compare psd with ref bin by bin; returns the largest relative error
 * among the bins above the round-off floor. */
static double compare_bins(const char *what, const double *psd, const double *ref, int n_freq,
                           double rel_tol)
{
    const double floor = 1e-13 * max_of(ref, n_freq);
    double worst = 0;
    for (int k = 0; k < n_freq; k++) {
        double err = fabs(psd[k] - ref[k]);
        CHECK_MSG(err <= rel_tol * fabs(ref[k]) + floor, "%s: bin %d: %.17g vs %.17g", what, k,
                  psd[k], ref[k]);
        if (fabs(ref[k]) > floor)
            worst = fmax(worst, err / fabs(ref[k]));
    }
    return worst;
}

static void test_scipy_fixture(void)
{
    feature_fixture fx;
    if (!CHECK(feature_fixture_load(FEATURE_FIXTURE_PATH, &fx)))
        return;
    double worst = 0;
    const char *worst_case = "";
    for (int i = 0; i < fx.n_cases; i++) {
        const feature_case *c = &fx.cases[i];
        ictus_spectrum *sp = ictus_spectrum_create(c->n, c->fs_hz, c->window);
        CHECK_INT(ictus_spectrum_n_freq(sp), c->n / 2 + 1);
        CHECK_NEAR(ictus_spectrum_df_hz(sp), c->fs_hz / c->n, 1e-15, 0);
        double *psd = ictus_xmalloc((size_t)(c->n / 2 + 1) * sizeof *psd);
        ictus_spectrum_psd(sp, c->x, mean_of(c->x, c->n), psd);
        double err = compare_bins(c->name, psd, c->psd, c->n / 2 + 1, 1e-9);
        check_parseval(c->name, c->x, c->n, c->fs_hz, c->window, psd);
        if (err > worst) {
            worst = err;
            worst_case = c->name;
        }
        free(psd);
        ictus_spectrum_destroy(sp);
    }
    printf("spectrum vs scipy.signal.periodogram: %d windows, worst relative error per bin "
           "%.2g (%s)\n", fx.n_cases, worst, worst_case);
    feature_fixture_free(&fx);
}

/* Every length 2..64, odd and even, every window: against a direct DFT in
 * long double of (x − mean)·w, scaled and doubled as the header says;
 * and Parseval: Σ psd · df = Σ((x − mean)·w)² / Σw². */
static void test_direct_dft(void)
{
    const double fs_hz = 250;
    double x[64], psd[33], ref[33];
    unsigned seed = 7;
    double worst = 0;
    for (int n = 2; n <= 64; n++) {
        for (int i = 0; i < n; i++)
            x[i] = 100.0 * rand_r(&seed) / RAND_MAX - 30;
        const double mean = mean_of(x, n);
        for (size_t w = 0; w < sizeof kinds / sizeof kinds[0]; w++) {
            ictus_spectrum *sp = ictus_spectrum_create(n, fs_hz, kinds[w]);
            ictus_spectrum_psd(sp, x, mean, psd);
            long double sum_w2 = 0;
            for (int i = 0; i < n; i++)
                sum_w2 += (long double)ref_window(kinds[w], i, n) * ref_window(kinds[w], i, n);
            for (int k = 0; k <= n / 2; k++) {
                long double re = 0, im = 0;
                for (int i = 0; i < n; i++) {
                    long double y = (x[i] - mean) * ref_window(kinds[w], i, n);
                    re += y * cosl(2 * M_PI * k * i / n);
                    im -= y * sinl(2 * M_PI * k * i / n);
                }
                bool edge = k == 0 || 2 * k == n;
                ref[k] = (double)((edge ? 1 : 2) * (re * re + im * im) / (fs_hz * sum_w2));
            }
            char what[64];
            snprintf(what, sizeof what, "n=%d window=%zu", n, w);
            worst = fmax(worst, compare_bins(what, psd, ref, n / 2 + 1, 1e-12));
            check_parseval(what, x, n, fs_hz, kinds[w], psd);
            ictus_spectrum_destroy(sp);
        }
    }
    printf("spectrum vs direct DFT, n = 2..64: worst relative error per bin %.2g\n", worst);
}

/* Adding a constant to the signal (and its mean) leaves the PSD as it was;
 * scaling the signal by a scales the PSD by a². */
static void test_mean_removal_and_scale(void)
{
    enum { N = 347 };
    double x[N], y[N], p[N / 2 + 1], q[N / 2 + 1];
    unsigned seed = 11;
    for (int i = 0; i < N; i++)
        x[i] = 20.0 * rand_r(&seed) / RAND_MAX - 10;
    ictus_spectrum *sp = ictus_spectrum_create(N, 173.61, ICTUS_WINDOW_HANN);
    const double mean = mean_of(x, N);
    ictus_spectrum_psd(sp, x, mean, p);
    for (int i = 0; i < N; i++)
        y[i] = x[i] + 5000;
    ictus_spectrum_psd(sp, y, mean + 5000, q);
    const double floor = 1e-9 * max_of(p, N / 2 + 1);
    for (int k = 0; k <= N / 2; k++)
        CHECK_NEAR(q[k], p[k], 1e-6, floor);
    for (int i = 0; i < N; i++)
        y[i] = 4 * x[i];
    ictus_spectrum_psd(sp, y, 4 * mean, q);
    for (int k = 0; k <= N / 2; k++)
        CHECK_NEAR(q[k], 16 * p[k], 1e-12, 1e-12 * floor);
    ictus_spectrum_destroy(sp);
    ictus_spectrum_destroy(NULL);
}

static void test_band_bins(void)
{
    int lo, hi;
    /* n = 500 at 250 Hz: df = 0.5 Hz; [lo, hi) includes lo, excludes hi. */
    CHECK_INT(ictus_spectrum_band_bins(500, 250, 1, 4, &lo, &hi), 6);
    CHECK_INT(lo, 2);
    CHECK_INT(hi, 8);
    CHECK_INT(ictus_spectrum_band_bins(500, 250, 4, 8, &lo, &hi), 8);
    CHECK_INT(lo, 8);
    CHECK_INT(ictus_spectrum_band_bins(500, 250, 30, 100, &lo, &hi), 140);
    CHECK_INT(ictus_spectrum_band_bins(500, 250, 0, 1e9, &lo, &hi), 251); /* up to Nyquist */
    CHECK_INT(ictus_spectrum_band_bins(500, 250, 126, 200, &lo, &hi), 0);
    CHECK_INT(lo, hi);
    CHECK_INT(ictus_spectrum_band_bins(500, 250, 5, 5, &lo, &hi), 0);
    /* 400 at 200 Hz: [30, 100) stops below the Nyquist bin, [30, 100.5) holds it. */
    CHECK_INT(ictus_spectrum_band_bins(400, 200, 30, 100, &lo, &hi), 140);
    CHECK_INT(hi, 200);
    CHECK_INT(ictus_spectrum_band_bins(400, 200, 30, 100.5, &lo, &hi), 141);
    /* Two samples at 250 Hz: bins 0 and 125 Hz; nothing in 1-100 Hz. */
    CHECK_INT(ictus_spectrum_band_bins(2, 250, 1, 100, &lo, &hi), 0);
    /* Three at 250 Hz: bins 0 and 83.3 Hz. */
    CHECK_INT(ictus_spectrum_band_bins(3, 250, 1, 100, &lo, &hi), 1);
    CHECK_INT(lo, 1);
}

/* Objects created and run on several threads at once give the same bits
 * as on one thread (planning is serialised; FFTW_ESTIMATE is deterministic). */
enum { N_THREADS = 4, N_LENGTHS = 5 };
static const int lengths[N_LENGTHS] = {500, 347, 400, 3, 1000};
static double thread_x[1000];
static double thread_ref[N_LENGTHS][501];

static void *thread_main(void *arg)
{
    bool *same = arg;
    double psd[501];
    *same = true;
    for (int rep = 0; rep < 20; rep++) {
        for (int j = 0; j < N_LENGTHS; j++) {
            ictus_spectrum *sp = ictus_spectrum_create(lengths[j], 250, ICTUS_WINDOW_HANN);
            ictus_spectrum_psd(sp, thread_x, 1.25, psd);
            *same = *same && memcmp(psd, thread_ref[j], (size_t)(lengths[j] / 2 + 1) *
                                                         sizeof psd[0]) == 0;
            ictus_spectrum_destroy(sp);
        }
    }
    return NULL;
}

static void test_threads(void)
{
    unsigned seed = 3;
    for (int i = 0; i < 1000; i++)
        thread_x[i] = 10.0 * rand_r(&seed) / RAND_MAX;
    for (int j = 0; j < N_LENGTHS; j++) {
        ictus_spectrum *sp = ictus_spectrum_create(lengths[j], 250, ICTUS_WINDOW_HANN);
        ictus_spectrum_psd(sp, thread_x, 1.25, thread_ref[j]);
        ictus_spectrum_destroy(sp);
    }
    pthread_t t[N_THREADS];
    bool same[N_THREADS];
    for (int i = 0; i < N_THREADS; i++)
        CHECK(pthread_create(&t[i], NULL, thread_main, &same[i]) == 0);
    for (int i = 0; i < N_THREADS; i++) {
        pthread_join(t[i], NULL);
        CHECK_MSG(same[i], "thread %d: PSD differs from the single-threaded one", i);
    }
}

int main(void)
{
    test_scipy_fixture();
    test_direct_dft();
    test_mean_removal_and_scale();
    test_band_bins();
    test_threads();
    return check_done("test_spectrum");
}
