/* feat_entropy.c: normalised spectral entropy over the K bins of the total
 * band: −Σ p_k ln p_k / ln K with p_k = psd[k] / Σ psd (0 · ln 0 = 0), in
 * [0, 1]; NaN when the band's power is 0 or K < 2. */
#include <math.h>

#include "pipeline/features/feat.h"
#include "pipeline/features/featloop.h"
#include "pipeline/features/spectrum.h"

typedef struct {
    int k_lo, k_hi; /* the total band's bins */
} entropy_state;

static ictus_status start(ictus_feature *f, const ictus_settings *set, int n, double fs_hz,
                          ictus_error *err)
{
    entropy_state *s = f->priv;
    ictus_spectrum_band_bins(n, fs_hz, set->total.lo_hz, set->total.hi_hz, &s->k_lo, &s->k_hi);
    return ICTUS_OK;
}

/* p ln p, 0 for p = 0. */
static inline double p_log_p(double p)
{
    return p > 0 ? p * log(p) : 0;
}

static void compute(ictus_feature *f, const ictus_window *w, ictus_frame *frame)
{
    const entropy_state *s = f->priv;
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

const ictus_feature_desc ictus_feat_entropy = {
    .name = "entropy", .priv_size = sizeof(entropy_state), .start = start,
    .compute = compute};
