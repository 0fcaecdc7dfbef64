/* spectrum.c: the one-sided PSD of one window, as scipy.signal.periodogram. */
#include "pipeline/features/spectrum.h"

#include <assert.h>
#include <errno.h>
#include <fftw3.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/simd.h"
#include "base/status.h"
#include "base/strbuf.h"

struct ictus_spectrum {
    int n, n_freq;
    double fs_hz;
    double *win;          /* n window values */
    double *in;           /* n: (x - mean) · win */
    fftw_complex *out;    /* n_freq */
    double *cum;          /* n_freq + 1: ictus_spectrum_cumulate() */
    fftw_plan plan;
    bool measured;        /* the plan came from wisdom (FFTW_MEASURE) */
    double scale;         /* 1 / (fs Σw²) */
};

/* FFTW's planner (and fftw_destroy_plan, and wisdom) share global state;
 * everything below up to ictus_spectrum_create() runs under this lock. */
static pthread_mutex_t planner_lock = PTHREAD_MUTEX_INITIALIZER;

static void *fftw_xmalloc(size_t n)
{
    void *p = fftw_malloc(n);
    if (!p) {
        fprintf(stderr, "ictus: out of memory (asked FFTW for %zu bytes)\n", n);
        abort();
    }
    return p;
}

/* ===== FFTW wisdom: measured plans, kept in the cache dir =====
 *
 * A plan measured with FFTW_MEASURE runs the 500-point transform ~10 %
 * faster than FFTW_ESTIMATE's (~0.02 s per animal-day), but measuring costs
 * ~0.08 s of CPU per window length: more than it saves on one file.  So a
 * run never waits for it: ictus_spectrum_create() uses a measured plan when
 * the wisdom file has one (read once per process), and otherwise plans
 * with FFTW_ESTIMATE and forks a child that measures that length and
 * writes the wisdom file (to a temporary name, then rename(), so
 * concurrent runs never read half a file), for the next run.  A child, not
 * a thread: it needs no lock the run's threads wait for, holds none of the
 * run's files or pipes open (it closes every descriptor), and finishes
 * even when the run ends first.  Its zombie is reaped by the next plan or
 * by ictus_spectrum_wisdom_wait().
 * The cache dir (created if missing): $ICTUS_CACHE_DIR, else
 * $XDG_CACHE_HOME/ictus, else ~/.cache/ictus; ICTUS_CACHE_DIR set but empty
 * turns the cache off (the tests do: a plan never depends on what an
 * earlier run measured).  A dir that cannot be made or written is skipped
 * silently: wisdom only saves time. */

enum { MAX_MEASURED = 16 };
static bool wisdom_read;           /* the cache dir was resolved and its file imported */
static char *wisdom_path;          /* DIR/fftw-wisdom, NULL: no cache */
static int measured_n[MAX_MEASURED], n_measured; /* lengths measured by this process */
static pid_t measurer[MAX_MEASURED];             /* their children, 0 once reaped */

/* mkdir -p, mode 0700 (XDG); true when path is a directory at the end. */
static bool make_dirs(char *path)
{
    for (char *p = path + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char c = *p;
        *p = '\0';
        bool ok = mkdir(path, 0700) == 0 || errno == EEXIST;
        *p = c;
        if (!ok)
            return false;
        if (c == '\0')
            break;
    }
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The cache dir as the header comment says, or NULL; a malloc'd string. */
static char *cache_dir(void)
{
    const char *dir = getenv("ICTUS_CACHE_DIR");
    ictus_strbuf b = {0};
    if (dir)
        ictus_strbuf_add(&b, dir);
    else if ((dir = getenv("XDG_CACHE_HOME")) && dir[0] == '/')
        ictus_strbuf_addf(&b, "%s/ictus", dir);
    else if ((dir = getenv("HOME")) && dir[0] == '/')
        ictus_strbuf_addf(&b, "%s/.cache/ictus", dir);
    char *path = ictus_strbuf_take(&b);
    if (!path || path[0] == '\0' || !make_dirs(path) || access(path, W_OK) != 0) {
        free(path);
        return NULL;
    }
    return path;
}

static void read_wisdom(void)
{
    if (wisdom_read)
        return;
    wisdom_read = true;
    char *dir = cache_dir();
    if (!dir)
        return;
    ictus_strbuf b = {0};
    ictus_strbuf_addf(&b, "%s/fftw-wisdom", dir);
    free(dir);
    wisdom_path = ictus_strbuf_take(&b);
    fftw_import_wisdom_from_filename(wisdom_path); /* none yet, or unreadable: no wisdom */
}

/* In the child: measure a plan for n points, write the wisdom (what was
 * imported, and this) and exit without touching the parent's stdio. */
static void measure_and_exit(int n, const char *tmp)
{
    closefrom(0);
    setsid(); /* a Ctrl-C of the run does not cut the file short */
    double *in = fftw_malloc((size_t)n * sizeof *in);
    fftw_complex *out = fftw_malloc((size_t)(n / 2 + 1) * sizeof *out);
    fftw_plan plan = in && out ? fftw_plan_dft_r2c_1d(n, in, out, FFTW_MEASURE) : NULL;
    if (plan && fftw_export_wisdom_to_filename(tmp) && rename(tmp, wisdom_path) == 0)
        _exit(0);
    unlink(tmp);
    _exit(1);
}

/* Reap the measuring children that have ended (all of them: wait). */
static void reap(bool wait)
{
    for (int i = 0; i < n_measured; i++)
        if (measurer[i] > 0 && waitpid(measurer[i], NULL, wait ? 0 : WNOHANG) != 0)
            measurer[i] = 0;
}

/* Measure n in a child, once per process, when there is a cache. */
static void start_measuring(int n)
{
    if (!wisdom_path || n_measured == MAX_MEASURED)
        return;
    for (int i = 0; i < n_measured; i++)
        if (measured_n[i] == n)
            return;
    ictus_strbuf b = {0};
    ictus_strbuf_addf(&b, "%s.%ld-%d.tmp", wisdom_path, (long)getpid(), n);
    char *tmp = ictus_strbuf_take(&b);
    pid_t pid = fork();
    if (pid == 0)
        measure_and_exit(n, tmp);
    free(tmp);
    measured_n[n_measured] = n;
    measurer[n_measured++] = pid > 0 ? pid : 0;
}

/* The plan for n points: measured, from wisdom (*measured), or else
 * estimated. */
static fftw_plan make_plan(int n, double *in, fftw_complex *out, bool *measured)
{
    pthread_mutex_lock(&planner_lock);
    read_wisdom();
    reap(false);
    fftw_plan plan = fftw_plan_dft_r2c_1d(n, in, out, FFTW_MEASURE | FFTW_WISDOM_ONLY);
    *measured = plan != NULL;
    if (!plan) {
        plan = fftw_plan_dft_r2c_1d(n, in, out, FFTW_ESTIMATE);
        start_measuring(n);
    }
    pthread_mutex_unlock(&planner_lock);
    return plan;
}

void ictus_spectrum_wisdom_wait(void)
{
    pthread_mutex_lock(&planner_lock);
    reap(true);
    pthread_mutex_unlock(&planner_lock);
}

/* scipy.signal.get_window(kind, n) (periodic, i.e. fftbins=True). */
static double window_value(ictus_window_kind kind, int k, int n)
{
    double c = cos(2.0 * M_PI * k / n);
    switch (kind) {
    case ICTUS_WINDOW_HANN:
        return 0.5 - 0.5 * c;
    case ICTUS_WINDOW_HAMMING:
        return 0.54 - 0.46 * c;
    case ICTUS_WINDOW_RECT:
        break;
    }
    return 1.0;
}

ictus_spectrum *ictus_spectrum_create(int n, double fs_hz, ictus_window_kind kind)
{
    assert(n >= 2 && fs_hz > 0);
    ictus_spectrum *sp = ictus_xcalloc(1, sizeof *sp);
    sp->n = n;
    sp->n_freq = n / 2 + 1;
    sp->fs_hz = fs_hz;
    sp->win = fftw_xmalloc((size_t)n * sizeof *sp->win);
    sp->in = fftw_xmalloc((size_t)n * sizeof *sp->in);
    sp->out = fftw_xmalloc((size_t)sp->n_freq * sizeof *sp->out);
    sp->cum = ictus_xmalloc((size_t)(sp->n_freq + 1) * sizeof *sp->cum);
    double sum_w2 = 0;
    for (int k = 0; k < n; k++) {
        sp->win[k] = window_value(kind, k, n);
        sum_w2 += sp->win[k] * sp->win[k];
    }
    sp->scale = 1.0 / (fs_hz * sum_w2);
    sp->plan = make_plan(n, sp->in, sp->out, &sp->measured);
    if (!sp->plan) {
        fprintf(stderr, "ictus: FFTW could not plan a real FFT of %d points\n", n);
        abort();
    }
    return sp;
}

void ictus_spectrum_destroy(ictus_spectrum *sp)
{
    if (!sp)
        return;
    pthread_mutex_lock(&planner_lock);
    fftw_destroy_plan(sp->plan);
    pthread_mutex_unlock(&planner_lock);
    fftw_free(sp->win);
    fftw_free(sp->in);
    fftw_free(sp->out);
    free(sp->cum);
    free(sp);
}

int ictus_spectrum_n_freq(const ictus_spectrum *sp)
{
    return sp->n_freq;
}

double ictus_spectrum_df_hz(const ictus_spectrum *sp)
{
    return sp->fs_hz / sp->n;
}

bool ictus_spectrum_plan_measured(const ictus_spectrum *sp)
{
    return sp->measured;
}

/* (x − mean) · w into the FFT's input.  The main loops run a multiple of
 * 4 times, which lets GCC -O2 (its cheap cost model) vectorise them; the
 * tail is the same expression, so the bits do not depend on n mod 4. */
ICTUS_SIMD_CLONES static void windowed(const double *restrict x, double mean,
                                       const double *restrict win, size_t n,
                                       double *restrict in)
{
    const size_t n_vec = n - n % 4;
    size_t k = 0;
    for (; k < n_vec; k++)
        in[k] = (x[k] - mean) * win[k];
    for (; k < n; k++)
        in[k] = (x[k] - mean) * win[k];
}

/* |X_k|² · scale2 for the n_freq bins (re, im interleaved in out). */
ICTUS_SIMD_CLONES static void power(const double *restrict out, size_t n_freq, double scale2,
                                    double *restrict psd)
{
    const size_t n_vec = n_freq - n_freq % 4;
    size_t k = 0;
    for (; k < n_vec; k++)
        psd[k] = (out[2 * k] * out[2 * k] + out[2 * k + 1] * out[2 * k + 1]) * scale2;
    for (; k < n_freq; k++)
        psd[k] = (out[2 * k] * out[2 * k] + out[2 * k + 1] * out[2 * k + 1]) * scale2;
}

void ictus_spectrum_psd(ictus_spectrum *sp, const double *x, double mean, double *psd)
{
    const int n = sp->n;
    windowed(x, mean, sp->win, (size_t)n, sp->in);
    fftw_execute_dft_r2c(sp->plan, sp->in, sp->out);
    power(&sp->out[0][0], (size_t)sp->n_freq, 2.0 * sp->scale, psd);
    /* DC and (n even) Nyquist are not doubled; halving is exact. */
    psd[0] *= 0.5;
    if (n % 2 == 0)
        psd[n / 2] *= 0.5;
}

/* The order is spelled out (spectrum.h), so vectorising or not, and either
 * clone, gives the same bits; the four partial sums of a block do not
 * depend on the carry, so they overlap with the previous block's. */
ICTUS_SIMD_CLONES void ictus_psd_cumulate(const double *restrict psd, int n_freq,
                                          double *restrict cum)
{
    double carry = 0;
    int k = 0;
    cum[0] = 0;
    for (; k + 4 <= n_freq; k += 4) {
        const double a = psd[k], b = psd[k + 1], c = psd[k + 2], d = psd[k + 3];
        const double ab = a + b;
        cum[k + 1] = carry + a;
        cum[k + 2] = carry + ab;
        cum[k + 3] = carry + (ab + c);
        cum[k + 4] = carry + (ab + (c + d));
        carry = cum[k + 4];
    }
    for (; k < n_freq; k++)
        cum[k + 1] = cum[k] + psd[k];
}

const double *ictus_spectrum_cumulate(ictus_spectrum *sp, const double *psd)
{
    ictus_psd_cumulate(psd, sp->n_freq, sp->cum);
    return sp->cum;
}

int ictus_spectrum_band_bins(int n, double fs_hz, double lo_hz, double hi_hz, int *k_lo,
                             int *k_hi)
{
    const double df_hz = fs_hz / n;
    int lo = 0;
    while (lo <= n / 2 && lo * df_hz < lo_hz)
        lo++;
    int hi = lo;
    while (hi <= n / 2 && hi * df_hz < hi_hz)
        hi++;
    *k_lo = lo;
    *k_hi = hi;
    return hi - lo;
}
