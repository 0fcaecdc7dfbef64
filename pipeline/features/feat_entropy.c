/* feat_entropy.c: normalised spectral entropy over the K bins of the total
 * band: −Σ p_k ln p_k / ln K with p_k = psd[k] / Σ psd (0 · ln 0 = 0), in
 * [0, 1]; NaN when the band's power is 0 or K < 2.
 *
 * The band's power comes from the cumulative PSD (psd_cum); the sum of
 * p ln p is the one pass over the bins, with the vectorisable logarithm of
 * veclog.h (within 1 ulp of log()) in four interleaved partial sums, so
 * both clones (ICTUS_SIMD_CLONES) add in the same order and give the same
 * bits.  p below DBL_MIN (0, or subnormal) counts as 0: a subnormal p
 * would contribute less than 2.3e-308 · 709 = 1.6e-305 in magnitude, far
 * below the sum's round-off. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "base/simd.h"
#include "pipeline/features/feat.h"
#include "pipeline/features/veclog.h"

/* p ln p for p >= DBL_MIN, else 0 (p >= 0).  The choice is made on the
 * operands' bits, not by a branch or a floating-point comparison (which
 * GCC will not if-convert under -ftrapping-math): p >= 0 is normal exactly
 * when its bits, as a signed integer, exceed those of the largest
 * subnormal, one 64-bit compare (AVX2's vpcmpgtq; the SSE2 baseline
 * builds it from 32-bit compares, same result) whose all-ones / zero lane
 * selects p or 0 and p or 1 (a masked-off lane computes 0 · ln 1). */
static inline double p_log_p(double p)
{
    const uint64_t one = 0x3ff0000000000000u;
    const int64_t max_subnormal = 0x000fffffffffffff;
    int64_t bits;
    memcpy(&bits, &p, sizeof bits);
    const uint64_t mask = bits > max_subnormal ? ~(uint64_t)0 : 0;
    const uint64_t p_bits = (uint64_t)bits & mask, q_bits = p_bits | (one & ~mask);
    double p_or_0, p_or_1;
    memcpy(&p_or_0, &p_bits, sizeof p_or_0);
    memcpy(&p_or_1, &q_bits, sizeof p_or_1);
    return p_or_0 * ictus_log_normal(p_or_1);
}

/* Σ p ln p over p = psd[0..n-1] · inv_total, as (s0 + s1) + (s2 + s3)
 * with s_j the sum over k ≡ j (mod 4) in order, the last n mod 4 bins
 * added to s0: the four partial sums are one AVX register (two SSE2). */
ICTUS_SIMD_CLONES static double sum_p_log_p(const double *restrict psd, size_t n,
                                            double inv_total)
{
    double s[4] = {0, 0, 0, 0};
    const size_t n_vec = n - n % 4;
    size_t k = 0;
    for (; k < n_vec; k += 4)
        for (int j = 0; j < 4; j++)
            s[j] += p_log_p(psd[k + j] * inv_total);
    for (; k < n; k++)
        s[0] += p_log_p(psd[k] * inv_total);
    return (s[0] + s[1]) + (s[2] + s[3]);
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
