/* spectrum.c: the one-sided PSD of one window, as scipy.signal.periodogram. */
#include "pipeline/features/spectrum.h"

#include <assert.h>
#include <fftw3.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/simd.h"
#include "base/status.h"

struct ictus_spectrum {
    int n, n_freq;
    double fs_hz;
    double *win;          /* n window values */
    double *in;           /* n: (x - mean) · win */
    fftw_complex *out;    /* n_freq */
    double *cum;          /* n_freq + 1: ictus_spectrum_cumulate() */
    fftw_plan plan;
    double scale;         /* 1 / (fs Σw²) */
};

/* FFTW's planner (and fftw_destroy_plan) share global state. */
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
    pthread_mutex_lock(&planner_lock);
    sp->plan = fftw_plan_dft_r2c_1d(n, sp->in, sp->out, FFTW_ESTIMATE);
    pthread_mutex_unlock(&planner_lock);
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
