/* test_spectrum.c: the PSD against SciPy, a direct DFT and Parseval; band bins.
 *
 * Tolerances: per bin |psd − ref| <= 1e-9 · |ref| + 1e-13 · max(ref) for
 * SciPy's periodogram (the absolute floor is the FFT's round-off: bins ~1e-27
 * of the peak, as next to a pure sine, are noise in both programs); 1e-12
 * relative (same floor) against a long-double DFT for every n in 2..64 and
 * every window; Parseval (Σ psd · df against the window-weighted variance)
 * to 1e-12 relative on all of these windows.
 * The cumulative PSD: the order spectrum.h states, bit for bit, and within
 * (k/4 + 4) ε of a long-double sum; never decreasing.  The vector log
 * (veclog.h): within 1 ulp of glibc's log() on p in [DBL_MIN, 1] (the
 * spectral entropy's range) and beyond; the entropy's vectorised sum gives
 * the bits of its scalar definition.
 * FFTW wisdom, each case in a child process (a process reads the cache
 * once): a missing nested cache dir is made, the run plans with
 * FFTW_ESTIMATE and a child writes the wisdom; the next process plans from
 * it, and its PSD agrees with the estimated plan's to 1e-12 of the peak;
 * an unusable dir (under a file) and ICTUS_CACHE_DIR= change nothing.
 */
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/check.h"
#include "tests/support_tmp.h"
#include "tests/feature_fixture.h"
#include "pipeline/features/feat.h"
#include "pipeline/features/spectrum.h"
#include "pipeline/features/veclog.h"

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

/* ------------------------------------------------ the cumulative PSD */

/* cum as spectrum.h defines it, scalar. */
static void ref_cumulate(const double *psd, int n_freq, double *cum)
{
    double carry = 0;
    int k = 0;
    cum[0] = 0;
    for (; k + 4 <= n_freq; k += 4) {
        double ab = psd[k] + psd[k + 1];
        cum[k + 1] = carry + psd[k];
        cum[k + 2] = carry + ab;
        cum[k + 3] = carry + (ab + psd[k + 2]);
        cum[k + 4] = carry + (ab + (psd[k + 2] + psd[k + 3]));
        carry = cum[k + 4];
    }
    for (; k < n_freq; k++)
        cum[k + 1] = cum[k] + psd[k];
}

static void test_cumulate(void)
{
    enum { MAX_F = 300 };
    double psd[MAX_F], cum[MAX_F + 1], ref[MAX_F + 1];
    unsigned seed = 17;
    for (int n_freq = 1; n_freq <= MAX_F; n_freq += n_freq < 12 ? 1 : 37) {
        for (int k = 0; k < n_freq; k++) /* over 12 decades, like a PSD */
            psd[k] = pow(10.0, 6 - 12.0 * rand_r(&seed) / RAND_MAX);
        ictus_psd_cumulate(psd, n_freq, cum);
        ref_cumulate(psd, n_freq, ref);
        CHECK_MSG(memcmp(cum, ref, (size_t)(n_freq + 1) * sizeof *cum) == 0,
                  "n_freq %d: the cumulative PSD is not in the stated order", n_freq);
        long double exact = 0;
        bool monotone = true, within = true;
        for (int k = 0; k < n_freq; k++) {
            exact += psd[k];
            monotone &= cum[k + 1] >= cum[k];
            within &= fabsl(cum[k + 1] - exact) <= (k / 4 + 4) * DBL_EPSILON * exact;
        }
        CHECK_MSG(monotone, "n_freq %d: the cumulative PSD decreases", n_freq);
        CHECK_MSG(within, "n_freq %d: the cumulative PSD is off its bound", n_freq);
    }
    /* ictus_spectrum_cumulate() is the same, into the object's array. */
    ictus_spectrum *sp = ictus_spectrum_create(40, 100, ICTUS_WINDOW_HANN);
    const double *own = ictus_spectrum_cumulate(sp, psd);
    ictus_psd_cumulate(psd, 21, cum);
    CHECK(memcmp(own, cum, 22 * sizeof *cum) == 0);
    ictus_spectrum_destroy(sp);
}

/* ------------------------------------------------------ the vector log */

/* |a − b| in units in the last place of b (b finite, not 0). */
static double ulps(double a, double b)
{
    return fabs(a - b) / (nextafter(fabs(b), INFINITY) - fabs(b));
}

static void test_veclog(void)
{
    double worst = 0, worst_x = 0;
    unsigned seed = 3;
    int n = 0;
    /* Log-uniform over [DBL_MIN, 1e3], then near 1 (where ln x -> 0),
     * around the reduction's split at √½ · 2^k, and powers of two. */
    for (int i = 0; i < 2000000; i++, n++) {
        double x;
        if (i < 1000000)
            x = exp((log(DBL_MIN) + (log(1e3) - log(DBL_MIN)) * rand_r(&seed) / RAND_MAX));
        else if (i < 1400000)
            x = 1 + ldexp((double)rand_r(&seed) / RAND_MAX - 0.5, -(i % 50));
        else if (i < 1900000)
            x = ldexp(M_SQRT1_2 * (1 + ldexp((double)rand_r(&seed) / RAND_MAX - 0.5, -(i % 52))),
                      i % 2000 - 1020);
        else
            x = ldexp(1.0, i % 2045 - 1022);
        if (!(x >= DBL_MIN))
            continue;
        const double got = ictus_log_normal(x), want = log(x);
        if (want == 0) {
            CHECK_MSG(got == 0, "log(%a) = %a, want 0", x, got);
            continue;
        }
        double e = ulps(got, want);
        if (e > worst) {
            worst = e;
            worst_x = x;
        }
    }
    CHECK_MSG(worst <= 1.0, "vector log: %.3g ulp from log() at %a", worst, worst_x);
    printf("vector log: at most %.3g ulp from log() over %d arguments (worst at %a)\n", worst,
           n, worst_x);
}

/* The entropy's sum in its stated order (feat_entropy.c), scalar: the
 * feature, vectorised and dispatched to this machine's clone, gives the
 * same bits. */
static void test_entropy_order(void)
{
    enum { N = 500, NF = N / 2 + 1 };
    double psd[NF], cum[NF + 1];
    unsigned seed = 29;
    for (int k = 0; k < NF; k++)
        psd[k] = k % 17 == 3 ? 0 : pow(10.0, 3 - 9.0 * rand_r(&seed) / RAND_MAX);
    psd[100] = 1e-320; /* subnormal p counts as 0 */
    ictus_psd_cumulate(psd, NF, cum);
    ictus_settings set;
    ictus_settings_default(&set);
    ictus_total_band band;
    ictus_feature f = {.desc = &ictus_feat_entropy, .set = &set, .priv = &band};
    ictus_error err;
    CHECK(ictus_feat_entropy.start(&f, &set, N, 250, &err) == ICTUS_OK);
    ictus_window w = {.n = N, .fs_hz = 250, .psd = psd, .n_freq = NF, .df_hz = 0.5,
                      .psd_cum = cum};
    ictus_frame fr = {.channel = 0};
    ictus_feat_entropy.compute(&f, &w, &fr);
    const double inv_total = 1.0 / (cum[band.k_hi] - cum[band.k_lo]);
    const int n = band.k_hi - band.k_lo;
    double s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    long double exact = 0;
    for (int i = 0; i < n; i++) {
        double p = psd[band.k_lo + i] * inv_total;
        double term = p >= DBL_MIN ? p * ictus_log_normal(p) : 0;
        s[i % 8] += term;
        if (p > 0)
            exact += (long double)p * logl(p);
    }
    const double want =
        -(((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]))) / log(n);
    CHECK_MSG(fr.v[ICTUS_F_SPECTRAL_ENTROPY] == want, "entropy %.17g, its scalar order %.17g",
              fr.v[ICTUS_F_SPECTRAL_ENTROPY], want);
    CHECK_NEAR(fr.v[ICTUS_F_SPECTRAL_ENTROPY], (double)(-exact / logl(n)), 1e-14, 0);
}

/* ----------------------------------------------------------- wisdom */

/* The signal the wisdom cases transform. */
static void wisdom_signal(double *x)
{
    unsigned seed = 41;
    for (int i = 0; i < 500; i++)
        x[i] = 20.0 * rand_r(&seed) / RAND_MAX + 15 * sin(0.3 * i);
}

/* `test_spectrum --wisdom-child DIR OUT`, a fresh process (a process reads
 * the cache once): with ICTUS_CACHE_DIR=DIR, plan 500 points and write to
 * OUT whether the plan is measured (one byte) and the 251 bins. */
static int wisdom_child_main(const char *dir, const char *out)
{
    setenv("ICTUS_CACHE_DIR", dir, 1);
    double x[500], psd[251];
    wisdom_signal(x);
    ictus_spectrum *sp = ictus_spectrum_create(500, 250, ICTUS_WINDOW_HANN);
    char measured = ictus_spectrum_plan_measured(sp);
    ictus_spectrum_psd(sp, x, 0.5, psd);
    ictus_spectrum_destroy(sp);
    ictus_spectrum_wisdom_wait();
    FILE *f = fopen(out, "wb");
    bool ok = f && fwrite(&measured, 1, 1, f) == 1 && fwrite(psd, sizeof psd, 1, f) == 1;
    return f && fclose(f) == 0 && ok ? 0 : 1;
}

static const char *self_path;

/* Run the child case for dir; check that its plan is measured (or not)
 * and that its PSD agrees with ref to 1e-12 of each bin (or of the peak). */
static void wisdom_child(const char *tmp, const char *dir, bool want_measured, const double *ref)
{
    const char *out = support_path(tmp, "child.out");
    pid_t pid = fork();
    if (pid == 0) {
        execl(self_path, self_path, "--wisdom-child", dir, out, (char *)NULL);
        _exit(127);
    }
    int ws = 0;
    CHECK(pid > 0 && waitpid(pid, &ws, 0) == pid);
    CHECK_MSG(WIFEXITED(ws) && WEXITSTATUS(ws) == 0, "cache %s: child failed (%d)", dir, ws);
    char measured = 2;
    double psd[251];
    FILE *f = fopen(out, "rb");
    CHECK(f && fread(&measured, 1, 1, f) == 1 && fread(psd, sizeof psd, 1, f) == 1);
    if (f)
        fclose(f);
    CHECK_MSG(measured == want_measured, "cache '%s': plan measured %d, want %d", dir, measured,
              want_measured);
    compare_bins(dir, psd, ref, 251, 1e-12);
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static void test_wisdom(void)
{
    double x[500], ref[251];
    wisdom_signal(x);
    ictus_spectrum *sp = ictus_spectrum_create(500, 250, ICTUS_WINDOW_HANN); /* no cache */
    CHECK(!ictus_spectrum_plan_measured(sp));
    ictus_spectrum_psd(sp, x, 0.5, ref);
    ictus_spectrum_destroy(sp);

    char *tmp = support_tmpdir("wisdom");
    char cache[512], file[600], plain[512], under[600];
    snprintf(cache, sizeof cache, "%s/a/b/ictus", tmp);
    snprintf(file, sizeof file, "%s/fftw-wisdom", cache);
    snprintf(plain, sizeof plain, "%s/plain", tmp);
    snprintf(under, sizeof under, "%s/ictus", plain);
    wisdom_child(tmp, cache, false, ref); /* made the dir, measured in a child */
    CHECK_MSG(exists(file), "no wisdom in %s", file);
    wisdom_child(tmp, cache, true, ref); /* planned from it */

    FILE *f = fopen(plain, "w");
    CHECK(f && fclose(f) == 0);
    wisdom_child(tmp, under, false, ref); /* a file in the way of the dir: no cache, no error */
    CHECK(!exists(under));
    wisdom_child(tmp, "", false, ref); /* turned off */
    support_tmpdir_remove(tmp);
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--wisdom-child") == 0)
        return wisdom_child_main(argv[2], argv[3]);
    self_path = argv[0];
    setenv("ICTUS_CACHE_DIR", "", 1); /* hermetic: never the user's wisdom */
    test_scipy_fixture();
    test_direct_dft();
    test_mean_removal_and_scale();
    test_band_bins();
    test_threads();
    test_cumulate();
    test_veclog();
    test_entropy_order();
    test_wisdom();
    return check_done("test_spectrum");
}
