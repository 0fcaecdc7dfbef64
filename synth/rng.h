/* rng.h: the generator's own random numbers: counter-based, seedable per
 * stream, the same on every platform.
 *
 * `ictus synth` must give the same bytes for the same seed and must let any
 * animal-day be generated on its own, in any order, in parallel.  So there is
 * no global state: every stream (an animal's parameters, a day's hypnogram, a
 * day's seizures, one event's noise, ...) is a splitmix64 sequence whose
 * starting point is a hash of the study seed and the stream's coordinates.
 * splitmix64 (Steele, Lea & Flood 2014) passes BigCrush, needs 8 bytes of
 * state and one multiply-xorshift round per draw, which is what the
 * per-sample noise of a 24 h recording can afford.
 * Thread safety: a stream is a plain value; use each from one thread.
 */
#ifndef ICTUS_SYNTH_RNG_H
#define ICTUS_SYNTH_RNG_H

#include <math.h>
#include <stdint.h>

/* One stream: the state of a splitmix64 sequence. */
typedef struct {
    uint64_t state;
} ictus_synth_rng;

/* The splitmix64 finaliser: a bijective 64-bit mix. */
static inline uint64_t ictus_synth_mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* A key for the stream at coordinates (a, b, c, d) under `seed`, e.g.
 * (animal, day, stream tag, 0).  Different coordinates give unrelated keys. */
uint64_t ictus_synth_key(uint64_t seed, uint64_t a, uint64_t b, uint64_t c, uint64_t d);

/* A stream starting at `key`. */
static inline ictus_synth_rng ictus_synth_rng_make(uint64_t key)
{
    ictus_synth_rng r = {ictus_synth_mix64(key ^ UINT64_C(0x6a09e667f3bcc909))};
    return r;
}

/* The next 64 random bits. */
static inline uint64_t ictus_synth_rng_u64(ictus_synth_rng *r)
{
    r->state += UINT64_C(0x9e3779b97f4a7c15);
    return ictus_synth_mix64(r->state);
}

/* Uniform in [0, 1), 53 bits. */
static inline double ictus_synth_rng_uniform(ictus_synth_rng *r)
{
    return (double)(ictus_synth_rng_u64(r) >> 11) * 0x1.0p-53;
}

/* Uniform in [lo, hi). */
static inline double ictus_synth_rng_range(ictus_synth_rng *r, double lo, double hi)
{
    return lo + (hi - lo) * ictus_synth_rng_uniform(r);
}

/* Signal noise: zero mean, unit variance, approximately normal (the sum of
 * four 16-bit uniforms, Irwin-Hall n = 4, bounded at ±3.46).  For per-sample
 * noise that is filtered afterwards, where a few ns per draw matter and the
 * filter makes the sum normal anyway. */
static inline float ictus_synth_rng_noise(ictus_synth_rng *r)
{
    uint64_t u = ictus_synth_rng_u64(r);
    uint32_t s = (uint32_t)(u & 0xffff) + (uint32_t)((u >> 16) & 0xffff) +
                 (uint32_t)((u >> 32) & 0xffff) + (uint32_t)(u >> 48);
    /* mean 2 * 65535, SD 65536 / sqrt(3) */
    return ((float)s - 131070.0f) * (1.7320508f / 65536.0f);
}

/* n values of zero-mean, unit-variance white noise into buf (which must
 * hold n rounded up to even: an odd n writes one value more), two per
 * 64-bit draw (each the sum of two 16-bit uniforms: triangular, bounded at
 * ±2.45).  For the background's per-sample noise, which the filters after
 * it make normal; half the cost of ictus_synth_rng_noise(), and a loop
 * without a dependency between iterations (splitmix64 is a function of a
 * counter), which the CPU overlaps with the filtering. */
static inline void ictus_synth_rng_fill(ictus_synth_rng *r, float *restrict buf, int n)
{
    const uint64_t s = r->state;
    const int pairs = (n + 1) / 2;
    for (int i = 0; i < pairs; i++) {
        uint64_t u = ictus_synth_mix64(s + (uint64_t)(i + 1) * UINT64_C(0x9e3779b97f4a7c15));
        uint32_t a = (uint32_t)(u & 0xffff) + (uint32_t)((u >> 16) & 0xffff);
        uint32_t b = (uint32_t)((u >> 32) & 0xffff) + (uint32_t)(u >> 48);
        /* mean 65535, SD 65536 / sqrt(6) */
        buf[2 * i] = ((float)a - 65535.0f) * (2.4494897f / 65536.0f);
        buf[2 * i + 1] = ((float)b - 65535.0f) * (2.4494897f / 65536.0f);
    }
    r->state = s + (uint64_t)pairs * UINT64_C(0x9e3779b97f4a7c15);
}

/* Standard normal (Box-Muller), for parameters, not for per-sample noise. */
double ictus_synth_rng_gauss(ictus_synth_rng *r);

/* Exponential with the given mean (> 0). */
double ictus_synth_rng_exp(ictus_synth_rng *r, double mean);

/* Log-normal with the given median (> 0) and SD of its logarithm. */
double ictus_synth_rng_lognormal(ictus_synth_rng *r, double median, double log_sd);

/* Log-normal as above, redrawn until it lies in [lo, hi] (at most 64
 * tries, then clamped). */
double ictus_synth_rng_lognormal_in(ictus_synth_rng *r, double median, double log_sd, double lo,
                                    double hi);

/* Poisson with the given mean (>= 0); exact (inversion) for small means,
 * normal approximation above 500. */
int ictus_synth_rng_poisson(ictus_synth_rng *r, double mean);

/* True with probability p. */
static inline int ictus_synth_rng_chance(ictus_synth_rng *r, double p)
{
    return ictus_synth_rng_uniform(r) < p;
}

#endif
