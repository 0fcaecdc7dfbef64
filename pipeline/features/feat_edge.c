/* feat_edge.c: spectral edge frequency and peak frequency in the total band.
 *
 * sef90 is the lowest bin frequency f_k of the band at which the cumulative
 * power reaches 0.9 of the band's power (no interpolation between bins);
 * peak_freq is f_k of the largest PSD value (the first, on a tie).  Both
 * are NaN when the band holds no bin or no power.
 */
#include <math.h>

#include "pipeline/features/feat.h"
#include "pipeline/features/featloop.h"

static void compute(ictus_feature *f, const ictus_window *w, ictus_frame *frame)
{
    const ictus_total_band *s = f->priv;
    const double *psd = w->psd;
    double total, peak = -1;
    ICTUS_SUM4(total, k, s->k_lo, s->k_hi, psd[k]);
    int k_peak = s->k_lo;
    for (int k = s->k_lo; k < s->k_hi; k++) {
        if (psd[k] > peak) {
            peak = psd[k];
            k_peak = k;
        }
    }
    if (!(total > 0)) {
        frame->v[ICTUS_F_SEF90] = NAN;
        frame->v[ICTUS_F_PEAK_FREQ] = NAN;
        return;
    }
    const double target = 0.9 * total;
    double cumulative = 0;
    int k_edge = s->k_lo;
    for (; k_edge < s->k_hi - 1; k_edge++) {
        cumulative += psd[k_edge];
        if (cumulative >= target)
            break;
    }
    frame->v[ICTUS_F_SEF90] = k_edge * w->df_hz;
    frame->v[ICTUS_F_PEAK_FREQ] = k_peak * w->df_hz;
}

const ictus_feature_desc ictus_feat_edge = {.name = "edge",
                                        .priv_size = sizeof(ictus_total_band),
                                        .start = ictus_total_band_start,
                                        .compute = compute};
