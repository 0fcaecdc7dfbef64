/* feat_edge.c: spectral edge frequency and peak frequency in the total band.
 *
 * sef90 is the lowest bin frequency f_k of the band at which the cumulative
 * power reaches 0.9 of the band's power (no interpolation between bins);
 * peak_freq is f_k of the largest PSD value (the first, on a tie).  Both
 * are NaN when the band holds no bin or no power.
 *
 * sef90 is a binary search in the window's cumulative PSD (psd_cum, which
 * never decreases); the peak is a vectorised maximum, then the first bin
 * holding it.
 */
#include <math.h>

#include "base/simd.h"
#include "pipeline/features/feat.h"

/* The largest of psd[0..n-1] (n >= 1; no NaN in a PSD): four running
 * maxima, which GCC turns into vector max instructions. */
ICTUS_SIMD_CLONES static double max_of(const double *restrict psd, int n)
{
    double m[4] = {psd[0], psd[0], psd[0], psd[0]};
    int k = 0;
    for (; k + 4 <= n; k += 4)
        for (int j = 0; j < 4; j++)
            m[j] = psd[k + j] > m[j] ? psd[k + j] : m[j];
    for (; k < n; k++)
        m[0] = psd[k] > m[0] ? psd[k] : m[0];
    const double m01 = m[1] > m[0] ? m[1] : m[0], m23 = m[3] > m[2] ? m[3] : m[2];
    return m23 > m01 ? m23 : m01;
}

/* The lowest k in [lo, hi-1) with cum[k+1] − cum[lo] >= target, else hi-1. */
static int edge_bin(const double *cum, int lo, int hi, double target)
{
    int a = lo, b = hi - 1; /* the answer lies in [a, b] */
    while (a < b) {
        int mid = a + (b - a) / 2;
        if (cum[mid + 1] - cum[lo] >= target)
            b = mid;
        else
            a = mid + 1;
    }
    return a;
}

static void compute(ictus_feature *f, const ictus_window *w, ictus_frame *frame)
{
    const ictus_total_band *s = f->priv;
    const double total = s->k_hi > s->k_lo ? w->psd_cum[s->k_hi] - w->psd_cum[s->k_lo] : 0;
    if (!(total > 0)) {
        frame->v[ICTUS_F_SEF90] = NAN;
        frame->v[ICTUS_F_PEAK_FREQ] = NAN;
        return;
    }
    const double *psd = w->psd;
    const double peak = max_of(psd + s->k_lo, s->k_hi - s->k_lo);
    int k_peak = s->k_lo;
    while (k_peak < s->k_hi - 1 && psd[k_peak] != peak)
        k_peak++;
    const int k_edge = edge_bin(w->psd_cum, s->k_lo, s->k_hi, 0.9 * total);
    frame->v[ICTUS_F_SEF90] = k_edge * w->df_hz;
    frame->v[ICTUS_F_PEAK_FREQ] = k_peak * w->df_hz;
}

const ictus_feature_desc ictus_feat_edge = {.name = "edge",
                                        .priv_size = sizeof(ictus_total_band),
                                        .start = ictus_total_band_start,
                                        .compute = compute};
