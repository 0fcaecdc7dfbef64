/* feat_entropy.c: normalised spectral entropy over the K bins of the total
 * band: −Σ p_k ln p_k / ln K with p_k = psd[k] / Σ psd (0 · ln 0 = 0), in
 * [0, 1]; NaN when the band's power is 0 or K < 2.
 *
 * The band's power comes from the cumulative PSD (psd_cum); the sum of
 * p ln p is the one pass over the bins, with the vectorised logarithm of
 * veclog.h (within 1 ulp of log()) in eight interleaved partial sums, so
 * every clone (ICTUS_SIMD_CLONES_512) adds in the same order and gives the
 * same bits.  p below DBL_MIN (0, or subnormal) counts as 0: a subnormal p
 * would contribute less than 2.3e-308 · 709 = 1.6e-305 in magnitude, far
 * below the sum's round-off. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "base/simd.h"
#include "pipeline/features/feat.h"
#include "pipeline/features/veclog.h"

/* p ln p for p >= DBL_MIN, else 0 (p >= 0), eight at a time.  The choice
 * is made on the operands' bits, not by a branch or a floating-point
 * comparison: p >= 0 is normal exactly when its bits, as a signed integer,
 * exceed those of the largest subnormal, one 64-bit compare whose
 * all-ones / zero lane selects p or 0 and p or 1 (a masked-off lane
 * computes 0 · ln 1). */
typedef int64_t vi8 __attribute__((vector_size(8 * sizeof(int64_t))));

static inline void p_log_p8(const ictus_vd8 *p_in, ictus_vd8 *out)
{
    const ictus_vd8 p = *p_in;
    const uint64_t one = 0x3ff0000000000000u;
    const int64_t max_subnormal = 0x000fffffffffffff;
    const vi8 bits = (vi8)p;
    const ictus_vu8 mask = (ictus_vu8)(bits > max_subnormal);
    const ictus_vu8 p_bits = (ictus_vu8)bits & mask, q_bits = p_bits | (one & ~mask);
    const ictus_vd8 q = (ictus_vd8)q_bits;
    ictus_vd8 log_q;
    ictus_log_normal8(&q, &log_q);
    *out = (ictus_vd8)p_bits * log_q;
}

/* Σ p ln p over p = psd[0..n-1] · inv_total: lane j of eight partial sums
 * takes the bins k ≡ j (mod 8) in order, the last n mod 8 bins too (the
 * missing lanes of that vector are p = 0, which adds +0), combined as
 * ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)).  Eight lanes on
 * generic vectors: one AVX-512 register in the x86-64-v4 clone; the
 * feature stage 1.5 % faster than four lanes in an AVX register (the
 * entropy's bits change by the order: about 1e-16). */
ICTUS_SIMD_CLONES_512 static double sum_p_log_p(const double *restrict psd, size_t n,
                                                double inv_total)
{
    ictus_vd8 s = {0};
    size_t k = 0;
    for (; k + 8 <= n; k += 8) {
        ictus_vd8 p, t;
        memcpy(&p, psd + k, sizeof p);
        p *= inv_total;
        p_log_p8(&p, &t);
        s += t;
    }
    if (k < n) {
        ictus_vd8 p = {0}, t;
        for (size_t j = 0; k + j < n; j++)
            p[j] = psd[k + j] * inv_total;
        p_log_p8(&p, &t);
        s += t;
    }
    return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

static void compute(ictus_feature *f, const ictus_window *w, ictus_frame *frame)
{
    const ictus_total_band *s = f->priv;
    const int n_bins = s->k_hi - s->k_lo;
    const double total = w->psd_cum[s->k_hi] - w->psd_cum[s->k_lo];
    if (n_bins < 2 || !(total > 0)) {
        frame->v[ICTUS_F_SPECTRAL_ENTROPY] = NAN;
        return;
    }
    const double sum = sum_p_log_p(w->psd + s->k_lo, (size_t)n_bins, 1.0 / total);
    frame->v[ICTUS_F_SPECTRAL_ENTROPY] = -sum / log(n_bins);
}

const ictus_feature_desc ictus_feat_entropy = {.name = "entropy",
                                           .priv_size = sizeof(ictus_total_band),
                                           .start = ictus_total_band_start,
                                           .compute = compute};
