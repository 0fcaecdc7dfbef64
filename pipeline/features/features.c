/* features.c: feature and artefact names, the feature registry, the total band's bins. */
#include "pipeline/features/features.h"

#include <stdio.h>
#include <string.h>

#include "pipeline/features/feat.h"
#include "pipeline/features/spectrum.h"

const char *const ictus_feature_names[ICTUS_N_FEATURES] = {
    [ICTUS_F_LINE_LENGTH] = "line_length",
    [ICTUS_F_RMS] = "rms",
    [ICTUS_F_TEAGER] = "teager",
    [ICTUS_F_HJORTH_MOBILITY] = "hjorth_mobility",
    [ICTUS_F_HJORTH_COMPLEXITY] = "hjorth_complexity",
    [ICTUS_F_SPIKE_RATE] = "spike_rate",
    [ICTUS_F_POWER_TOTAL] = "power_total",
    [ICTUS_F_POWER_DELTA] = "power_delta",
    [ICTUS_F_POWER_THETA] = "power_theta",
    [ICTUS_F_POWER_ALPHA] = "power_alpha",
    [ICTUS_F_POWER_BETA] = "power_beta",
    [ICTUS_F_POWER_GAMMA] = "power_gamma",
    [ICTUS_F_REL_DELTA] = "rel_delta",
    [ICTUS_F_REL_THETA] = "rel_theta",
    [ICTUS_F_REL_ALPHA] = "rel_alpha",
    [ICTUS_F_REL_BETA] = "rel_beta",
    [ICTUS_F_REL_GAMMA] = "rel_gamma",
    [ICTUS_F_SPECTRAL_ENTROPY] = "spectral_entropy",
    [ICTUS_F_SEF90] = "sef90",
    [ICTUS_F_PEAK_FREQ] = "peak_freq",
    [ICTUS_F_POWER_EMG] = "power_emg",
};

const char *const ictus_artefact_names[ICTUS_N_ART] = {"clip", "flat", "extreme", "emg", "gap"};

char *ictus_artefact_format(uint32_t flags, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < ICTUS_N_ART; i++) {
        if (!(flags & (1u << i)))
            continue;
        int n = snprintf(buf + len, size - len, "%s%s", len ? "|" : "", ictus_artefact_names[i]);
        if (n < 0 || (size_t)n >= size - len)
            break;
        len += (size_t)n;
    }
    return buf;
}

ictus_status ictus_total_band_start(ictus_feature *f, const ictus_settings *set, int n,
                                    double fs_hz, ictus_error *err)
{
    ictus_total_band *b = f->priv;
    ictus_spectrum_band_bins(n, fs_hz, set->total.lo_hz, set->total.hi_hz, &b->k_lo, &b->k_hi);
    return ICTUS_OK;
}

/* The order compute() is called in; artefact flags last (they read power_emg
 * and power_total). */
const ictus_feature_desc *const ictus_feature_registry[] = {
    &ictus_feat_linelength,
    &ictus_feat_rms,
    &ictus_feat_teager,
    &ictus_feat_hjorth,
    &ictus_feat_spikes,
    &ictus_feat_bands,
    &ictus_feat_entropy,
    &ictus_feat_edge,
    &ictus_feat_subbins,
    &ictus_feat_artefact,
};
const int ictus_feature_registry_count =
    (int)(sizeof ictus_feature_registry / sizeof ictus_feature_registry[0]);
