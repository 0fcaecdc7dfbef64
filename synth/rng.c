/* rng.c: keyed splitmix64 streams and the distributions the generator draws
 * its parameters from. */
#include "synth/rng.h"

uint64_t ictus_synth_key(uint64_t seed, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
    uint64_t k = ictus_synth_mix64(seed + UINT64_C(0x3c6ef372fe94f82b));
    k = ictus_synth_mix64(k ^ (a + UINT64_C(0xa54ff53a5f1d36f1)));
    k = ictus_synth_mix64(k ^ (b + UINT64_C(0x510e527fade682d1)));
    k = ictus_synth_mix64(k ^ (c + UINT64_C(0x9b05688c2b3e6c1f)));
    return ictus_synth_mix64(k ^ (d + UINT64_C(0x1f83d9abfb41bd6b)));
}

double ictus_synth_rng_gauss(ictus_synth_rng *r)
{
    double u1 = 1.0 - ictus_synth_rng_uniform(r); /* (0, 1]: log is finite */
    double u2 = ictus_synth_rng_uniform(r);
    return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

double ictus_synth_rng_exp(ictus_synth_rng *r, double mean)
{
    return -mean * log(1.0 - ictus_synth_rng_uniform(r));
}

double ictus_synth_rng_lognormal(ictus_synth_rng *r, double median, double log_sd)
{
    return median * exp(log_sd * ictus_synth_rng_gauss(r));
}

double ictus_synth_rng_lognormal_in(ictus_synth_rng *r, double median, double log_sd, double lo,
                                    double hi)
{
    double x = median;
    for (int i = 0; i < 64; i++) {
        x = ictus_synth_rng_lognormal(r, median, log_sd);
        if (x >= lo && x <= hi)
            return x;
    }
    return x < lo ? lo : x > hi ? hi : x;
}

int ictus_synth_rng_poisson(ictus_synth_rng *r, double mean)
{
    if (mean <= 0)
        return 0;
    if (mean > 500) {
        double x = floor(mean + sqrt(mean) * ictus_synth_rng_gauss(r) + 0.5);
        return x < 0 ? 0 : (int)x;
    }
    /* Inversion by sequential search, started at 0. */
    double u = ictus_synth_rng_uniform(r), p = exp(-mean), cdf = p;
    int k = 0;
    while (u > cdf && k < 10000) {
        k++;
        p *= mean / k;
        cdf += p;
    }
    return k;
}
