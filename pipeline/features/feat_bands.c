/* feat_bands.c: absolute and relative band powers, and the EMG-band power.
 *
 * With bins f_k = k · df, a band's power is Σ psd[k] · df over the bins
 * with lo <= f_k < hi (µV²).  power_total covers [total.lo, total.hi) up to
 * Nyquist; each of delta .. gamma is computed only when its upper edge is
 * at or below Nyquist (DESIGN.md: gamma above Nyquist is empty, so NaN),
 * and rel_<band> = power_<band> / power_total (NaN when power_total is 0).
 * power_emg covers [emg.lo, min(emg.hi, 0.8 · fs/2)): the anti-alias filter
 * passes up to 0.8 of the analysis Nyquist, so nothing above is signal.
 * A band that holds no bin at all (too narrow for the window) is NaN.
 * Each power is a difference of the window's cumulative PSD (psd_cum,
 * spectrum.h): seven subtractions, no pass over the bins.
 */
#include <math.h>

#include "pipeline/features/feat.h"
#include "pipeline/features/spectrum.h"

enum { R_TOTAL, R_DELTA, R_THETA, R_ALPHA, R_BETA, R_GAMMA, R_EMG, N_RANGES };
enum { N_BANDS = R_GAMMA - R_DELTA + 1 };

/* Bins [k_lo[r], k_hi[r]) of each range; k_lo[r] < 0 when it is NaN. */
typedef struct {
    int k_lo[N_RANGES], k_hi[N_RANGES];
} bands_state;

static ictus_status start(ictus_feature *f, const ictus_settings *set, int n, double fs_hz,
                          ictus_error *err)
{
    bands_state *s = f->priv;
    const double nyquist_hz = fs_hz / 2;
    const ictus_band ranges[N_RANGES] = {
        [R_TOTAL] = set->total, [R_DELTA] = set->delta, [R_THETA] = set->theta,
        [R_ALPHA] = set->alpha, [R_BETA] = set->beta,   [R_GAMMA] = set->gamma,
        [R_EMG] = {set->emg.lo_hz, fmin(set->emg.hi_hz, 0.8 * nyquist_hz)},
    };
    for (int r = 0; r < N_RANGES; r++) {
        bool beyond = r >= R_DELTA && r <= R_GAMMA && ranges[r].hi_hz > nyquist_hz;
        int count = ictus_spectrum_band_bins(n, fs_hz, ranges[r].lo_hz, ranges[r].hi_hz,
                                             &s->k_lo[r], &s->k_hi[r]);
        if (beyond || count == 0)
            s->k_lo[r] = -1;
    }
    return ICTUS_OK;
}

static double band_power(const bands_state *s, int r, const ictus_window *w)
{
    if (s->k_lo[r] < 0)
        return NAN;
    return (w->psd_cum[s->k_hi[r]] - w->psd_cum[s->k_lo[r]]) * w->df_hz;
}

static void compute(ictus_feature *f, const ictus_window *w, ictus_frame *frame)
{
    const bands_state *s = f->priv;
    const double total = band_power(s, R_TOTAL, w);
    frame->v[ICTUS_F_POWER_TOTAL] = total;
    for (int b = 0; b < N_BANDS; b++) {
        double p = band_power(s, R_DELTA + b, w);
        frame->v[ICTUS_F_POWER_DELTA + b] = p;
        frame->v[ICTUS_F_REL_DELTA + b] = total > 0 ? p / total : NAN;
    }
    frame->v[ICTUS_F_POWER_EMG] = band_power(s, R_EMG, w);
}

const ictus_feature_desc ictus_feat_bands = {
    .name = "bands", .priv_size = sizeof(bands_state), .start = start, .compute = compute};
