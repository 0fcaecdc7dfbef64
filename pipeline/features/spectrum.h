/* spectrum.h: the one-sided power spectral density of one window (FFTW).
 *
 * The PSD is exactly scipy.signal.periodogram(x, fs, window=W,
 * detrend='constant', scaling='density') with W the periodic Hann, Hamming
 * or boxcar window: the mean is removed, the window applied, and bin k of
 * the real FFT gives |X_k|² / (fs · Σw²) µV²/Hz, doubled except at DC and
 * (for even n) Nyquist.  Bin k is the frequency k · df_hz, df_hz = fs / n,
 * k = 0 .. n/2.  So Σ_k psd[k] · df_hz = Σ((x − mean)·w)² / Σw², the
 * window-weighted variance (Parseval).
 *
 * Lifecycle (FFTW's plan → execute → destroy):
 *   1. ictus_spectrum_create() makes the window and the FFTW plan, once per
 *      window length (in a feature's or framer's start);
 *   2. ictus_spectrum_psd() per window, as often as needed;
 *   3. ictus_spectrum_destroy().
 * Thread safety: create and destroy may be called from any thread (FFTW
 * planning, which is not thread-safe, runs under a process-wide mutex).
 * ictus_spectrum_psd() writes the object's own work arrays: one object per
 * thread; different objects may run concurrently.
 * Plans: a measured plan (FFTW_MEASURE) from the FFTW wisdom kept in the
 * cache dir ($ICTUS_CACHE_DIR, else $XDG_CACHE_HOME/ictus, else
 * ~/.cache/ictus; ICTUS_CACHE_DIR= turns it off), else FFTW_ESTIMATE's
 * while a child process measures that length for the next run
 * (spectrum.c says why).  An object keeps its plan, so one object always
 * gives the same bits; two plans may round differently (by ~1 ulp of the
 * largest bins), so a run with wisdom may differ from one without in the
 * last bits of a PSD.
 */
#ifndef ICTUS_SPECTRUM_H
#define ICTUS_SPECTRUM_H

#include <stdbool.h>

#include "pipeline/settings.h"

typedef struct ictus_spectrum ictus_spectrum;

/* Prepare the PSD of windows of n samples (n >= 2, odd or even) at fs_hz
 * (> 0) with the given window.  Never returns NULL (aborts on OOM). */
ictus_spectrum *ictus_spectrum_create(int n, double fs_hz, ictus_window_kind kind);

/* Wait until the measuring children this process started (if any) have
 * written their wisdom, and reap them: for tests.  Thread-safe. */
void ictus_spectrum_wisdom_wait(void);

/* Free everything; NULL is a no-op. */
void ictus_spectrum_destroy(ictus_spectrum *sp);

/* The number of bins, n/2 + 1, and their spacing fs / n in Hz. */
int ictus_spectrum_n_freq(const ictus_spectrum *sp);
double ictus_spectrum_df_hz(const ictus_spectrum *sp);

/* Whether the object's plan is a measured one from wisdom (else FFTW_ESTIMATE's). */
bool ictus_spectrum_plan_measured(const ictus_spectrum *sp);

/* The PSD of x[0..n-1] (µV) in µV²/Hz into psd[0..n_freq-1] (caller's
 * buffer).  `mean` is the mean of x, which is removed first (pass the
 * value the caller already has, so it is computed once per window). */
void ictus_spectrum_psd(ictus_spectrum *sp, const double *x, double mean, double *psd);

/* The cumulative PSD: cum[0] = 0 and cum[k + 1] = psd[0] + .. + psd[k],
 * k = 0 .. n_freq-1 (cum holds n_freq + 1 values), so the power of bins
 * k_lo .. k_hi-1 is (cum[k_hi] − cum[k_lo]) · df_hz: the band powers,
 * the total, the entropy's normaliser and SEF90 (a binary search) all read
 * this one array instead of each summing the bins again.
 *
 * Float order: blocks of four bins, each cum[k] the block's carry plus the
 * block's own partial sum (a, a+b, (a+b)+c, (a+b)+(c+d)), so the carry is
 * one dependent addition per four bins rather than per bin; the same order
 * in every build.  cum is non-decreasing (psd >= 0, and rounding is
 * monotonic), which the binary search needs.  A difference cum[k_hi] −
 * cum[k_lo] carries an absolute round-off of a few ulps of cum[k_hi], the
 * same order as the round-off the FFT leaves in every bin (~ε · Σ psd), so
 * a band holding 1e-16 of the power is noise either way. */
void ictus_psd_cumulate(const double *psd, int n_freq, double *cum);

/* ictus_psd_cumulate() of psd (n_freq bins) into the object's own array of
 * n_freq + 1 values, valid until the next call on sp; returns it. */
const double *ictus_spectrum_cumulate(ictus_spectrum *sp, const double *psd);

/* The bins k = k_lo .. k_hi-1 of a spectrum of n samples at fs_hz whose
 * frequency f_k = k · (fs / n) lies in [lo_hz, hi_hz), 0 <= k <= n/2.
 * Returns their count (0, with *k_lo = *k_hi, when none does). */
int ictus_spectrum_band_bins(int n, double fs_hz, double lo_hz, double hi_hz, int *k_lo,
                             int *k_hi);

#endif
