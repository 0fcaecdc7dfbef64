/* feat.h: the feature descriptors, one per feat_*.c file, for the registry
 * in features.c.  Each fills only its own columns of the frame (NaN where a
 * value cannot be computed) and keeps no state between windows, so windows
 * may be computed in any order.  Windows hold n >= 2 samples.  The
 * spectral features take their bins from ictus_spectrum_band_bins(), so
 * they agree with one another about which bins a band holds. */
#ifndef ICTUS_FEAT_H
#define ICTUS_FEAT_H

#include "pipeline/features/features.h"

extern const ictus_feature_desc ictus_feat_linelength; /* line_length */
extern const ictus_feature_desc ictus_feat_rms;        /* rms */
extern const ictus_feature_desc ictus_feat_teager;     /* teager */
extern const ictus_feature_desc ictus_feat_hjorth;     /* hjorth_mobility, hjorth_complexity */
extern const ictus_feature_desc ictus_feat_spikes;     /* spike_rate */
extern const ictus_feature_desc ictus_feat_bands;      /* power_*, rel_*, power_emg */
extern const ictus_feature_desc ictus_feat_entropy;    /* spectral_entropy */
extern const ictus_feature_desc ictus_feat_edge;       /* sef90, peak_freq */
extern const ictus_feature_desc ictus_feat_subbins;    /* sub_* (no column) */
extern const ictus_feature_desc ictus_feat_artefact;   /* artefact bits: clip, flat, extreme, emg */

/* The private state of a feature over the bins of the [features] total band
 * (entropy, edge): bins k_lo .. k_hi-1 of the window's PSD. */
typedef struct {
    int k_lo, k_hi;
} ictus_total_band;

/* The start() of such a feature: finds the bins for windows of n samples at
 * fs_hz (ictus_spectrum_band_bins()); never fails. */
ictus_status ictus_total_band_start(ictus_feature *f, const ictus_settings *set, int n,
                                    double fs_hz, ictus_error *err);

#endif
