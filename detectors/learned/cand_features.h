/* cand_features.h: a spontaneous candidate's feature vector, what the
 * learned second stage (model.h) decides on.
 *
 * The rules (candidates.h) propose a candidate; while it is built, every
 * window that sustains it adds its per-channel window features (the
 * engine's, features.h: line length ratio, spikes and their sub-window
 * bins, band shares, spectral shape, Hjorth, Teager, EMG-band power) to an
 * accumulator, and the windows before it are summarised from a short
 * context ring.  At hand-over the accumulator and the candidate's measures
 * (typing.h) become ICTUS_CF_N numbers, named in ictus_cand_feature_names:
 * what kind of rhythm it is (spike rate, its regularity over windows and
 * sub-window bins, its evolution start → peak → end, spikes per cycle of the
 * dominant frequency, the periodicity of the sub-window spike counts and
 * line length: the highest autocorrelation at a lag of 2-8 bins, i.e. a
 * rhythm of 0.5-4 cycles per hop, and that lag), its waveform (spectral entropy, SEF90, band shares,
 * Hjorth mobility and complexity, Teager energy and line length per unit
 * RMS: spiky harmonics versus sine-like theta), muscle (the EMG band's
 * share, against the minute before), which lead carries it (primary versus
 * the strongest other lead, in baseline ratios and in raw RMS), its RMS
 * against the 30 s before, the state before it (theta, delta, line length, EMG, spikes of the 30 s before),
 * post-ictal suppression, and the rules' own verdict.  A value that cannot
 * be computed (one channel: no "other" lead; no window before) is NaN, which
 * the model treats as missing.
 *
 * Why window features and not a second read of the samples: they are
 * already computed for every window, so the second stage costs no I/O and
 * almost no time (detect stays within 1.2x features), works on any source
 * including streams, and keeps memory bounded by the candidate.
 *
 * Lifecycle: per recording ictus_cand_context_create() → _push() every
 * decided window → _destroy(); per candidate ictus_cand_accum_create() →
 * _begin() at its first window → _window() for each window it accumulates
 * → ictus_cand_features() → _destroy().  One thread at a time.
 */
#ifndef ICTUS_CAND_FEATURES_H
#define ICTUS_CAND_FEATURES_H

#include <stdint.h>

#include "detectors/chan_win.h"
#include "detectors/typing.h"

/* The columns of the feature vector (model files name them; append only:
 * a model names the features it was trained on and is refused when the
 * program's differ). */
enum {
    ICTUS_CF_DURATION, ICTUS_CF_LOG_PEAK_RATIO, ICTUS_CF_LOG_MEAN_RATIO, ICTUS_CF_HIGH_FRACTION,
    ICTUS_CF_EMG_FRACTION, ICTUS_CF_ARTEFACT_FRACTION, ICTUS_CF_INVOLVED_FRACTION,
    ICTUS_CF_PRIMARY_INVOLVED, ICTUS_CF_POSTICTAL_MIN, ICTUS_CF_RULE, ICTUS_CF_RULE_SCORE,
    ICTUS_CF_SPIKE_RATE, ICTUS_CF_SPIKE_RATE_START, ICTUS_CF_SPIKE_RATE_PEAK,
    ICTUS_CF_SPIKE_RATE_END, ICTUS_CF_SPIKE_RATE_CV, ICTUS_CF_SPIKE_BIN_FRACTION,
    ICTUS_CF_SPIKES_PER_CYCLE,
    ICTUS_CF_ENTROPY, ICTUS_CF_PEAK_FREQ, ICTUS_CF_PEAK_FREQ_START, ICTUS_CF_PEAK_FREQ_END,
    ICTUS_CF_SEF90, ICTUS_CF_REL_DELTA, ICTUS_CF_REL_THETA, ICTUS_CF_REL_ALPHA,
    ICTUS_CF_REL_BETA, ICTUS_CF_REL_GAMMA, ICTUS_CF_MOBILITY, ICTUS_CF_COMPLEXITY,
    ICTUS_CF_TEAGER_NORM, ICTUS_CF_LL_PER_RMS, ICTUS_CF_EMG_SHARE, ICTUS_CF_EMG_VS_PRE,
    ICTUS_CF_RATIO_START, ICTUS_CF_RATIO_END, ICTUS_CF_ONSET_VS_PRE,
    ICTUS_CF_PRIMARY_VS_OTHER, ICTUS_CF_RMS_PRIMARY_VS_OTHER, ICTUS_CF_OTHER_LOG_MEAN_RATIO,
    ICTUS_CF_OTHER_SPIKE_RATE, ICTUS_CF_OTHER_EMG_SHARE, ICTUS_CF_OTHER_SPIKE_BIN_FRACTION,
    ICTUS_CF_EMG_SHARE_MAX,
    ICTUS_CF_PRE_LOG_RATIO, ICTUS_CF_PRE_REL_THETA, ICTUS_CF_PRE_REL_DELTA,
    ICTUS_CF_PRE_EMG_SHARE, ICTUS_CF_PRE_SPIKE_RATE,
    ICTUS_CF_RMS_VS_PRE, ICTUS_CF_SPIKE_PERIODICITY, ICTUS_CF_LL_PERIODICITY,
    ICTUS_CF_PERIOD_S,
    ICTUS_CF_N
};

extern const char *const ictus_cand_feature_names[ICTUS_CF_N];

/* How long before a candidate the context reaches: 30 s. */
#define ICTUS_CF_CONTEXT_S 30.0

typedef struct ictus_cand_context ictus_cand_context;
typedef struct ictus_cand_accum ictus_cand_accum;

/* n channels, `windows` windows of context (ICTUS_CF_CONTEXT_S / hop). */
ictus_cand_context *ictus_cand_context_create(int n, int windows);
void ictus_cand_context_destroy(ictus_cand_context *cx); /* NULL is a no-op */

/* Decided window k: w[i] and ratio[i] (LL / baseline, NaN when unknown)
 * of each channel, as for ictus_candidates_window(). */
void ictus_cand_context_push(ictus_cand_context *cx, int64_t k, const ictus_chan_win *w,
                             const double *ratio);

/* n channels; windows hop_s apart (their sub-window bins are hop_s / ICTUS_SUB_BINS). */
ictus_cand_accum *ictus_cand_accum_create(int n, double hop_s);
void ictus_cand_accum_destroy(ictus_cand_accum *a); /* NULL is a no-op */

/* The candidate starts at window k_first: summarise the context's windows
 * before it (those before k_first - 1). */
void ictus_cand_accum_begin(ictus_cand_accum *a, const ictus_cand_context *cx, int64_t k_first);

/* One window the candidate accumulates (the same as candidates.c's
 * measures: windows that started or sustained it), arguments as for
 * ictus_cand_context_push(). */
void ictus_cand_accum_window(ictus_cand_accum *a, const ictus_chan_win *w, const double *ratio);

/* The feature vector x[ICTUS_CF_N] of a finished candidate: its measures,
 * strongest channel, primary[i] flags, the rule that named it (index into
 * the preset's types, -1: none) and that rule's confidence. */
void ictus_cand_features(const ictus_cand_accum *a, const ictus_event_measures *m,
                         int strongest, const int *primary, int rule, double rule_score,
                         float *x);

#endif
