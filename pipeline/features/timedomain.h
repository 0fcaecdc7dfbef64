/* timedomain.h: the time-domain sums of one window, computed once and shared
 * by the time-domain features (line length, RMS, Teager, Hjorth, spikes,
 * sub-bins, artefact flags), as spectrum.h computes the PSD they share.
 *
 * The framer widens each window from the float ring into doubles and takes
 * its mean (ictus_widen_mean()), then fills the window's time-domain fields
 * (ictus_window_time_domain(): every sum in one fused vector pass, then the
 * spike candidates, whose threshold needs Σx² when there is no baseline yet).
 * Each sum keeps independent partial sums (4 lanes), so the order of its
 * additions is fixed by the window length alone: the same window gives the
 * same bits whatever the block sizes, thread count or vector unit
 * (base/simd.h).
 *
 * Stateless; thread-safe (the caller owns every array).
 */
#ifndef ICTUS_TIMEDOMAIN_H
#define ICTUS_TIMEDOMAIN_H

#include "pipeline/features/features.h"

/* dst[i] = src[i] for i < n: one piece of a window (the framer's ring holds
 * a window in at most two). */
void ictus_widen(const float *src, int n, double *dst);

/* The mean of x[0 .. n), n >= 1, summed in 8 independent lanes. */
double ictus_widen_mean(const double *x, int n);

/* Fill w's time-domain fields (sum_sq .. n_peaks, features.h) from w->x,
 * w->n (>= 2), w->mean and w->baseline_rms; spike_k is the spike threshold
 * in σ (settings [features] spike_k).  abs_d and peaks are the caller's
 * arrays of w->n elements; w points to them after the call, and they must
 * live as long as w is used. */
void ictus_window_time_domain(ictus_window *w, double spike_k, double *abs_d, int *peaks);

#endif
