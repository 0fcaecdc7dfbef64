/* feat_entropy.c: normalised spectral entropy over the K bins of the total
 * band: −Σ p_k ln p_k / ln K with p_k = psd[k] / Σ psd (0 · ln 0 = 0), in
 * [0, 1]; NaN when the band's power is 0 or K < 2. */
#include <math.h>

#include "pipeline/features/feat.h"
#include "pipeline/features/featloop.h"

/* p ln p, 0 for p = 0. */
static inline double p_log_p(double p)
{
    return p > 0 ? p * log(p) : 0;
}

static void compute(ictus_feature *f, const ictus_window *w, ictus_frame *frame)
{
    const ictus_total_band *s = f->priv;
    const double *psd = w->psd;
    const int n_bins = s->k_hi - s->k_lo;
    double total;
    ICTUS_SUM4(total, k, s->k_lo, s->k_hi, psd[k]);
    if (n_bins < 2 || !(total > 0)) {
        frame->v[ICTUS_F_SPECTRAL_ENTROPY] = NAN;
        return;
    }
    const double inv_total = 1.0 / total;
    double sum;
    ICTUS_SUM4(sum, k, s->k_lo, s->k_hi, p_log_p(psd[k] * inv_total));
    frame->v[ICTUS_F_SPECTRAL_ENTROPY] = -sum / log(n_bins);
}

const ictus_feature_desc ictus_feat_entropy = {.name = "entropy",
                                           .priv_size = sizeof(ictus_total_band),
                                           .start = ictus_total_band_start,
                                           .compute = compute};
