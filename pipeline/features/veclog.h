/* veclog.h: a natural logarithm written so that GCC vectorises it.
 *
 * ictus_log_normal(x) is ln x for a positive normal double x (DBL_MIN <= x
 * < inf); it is fdlibm's e_log.c (Sun Microsystems, 1993; the form musl
 * uses) without its branches: x = 2^k · m with m in [√½, √2) by integer
 * arithmetic on the bits, f = m − 1, s = f / (2 + f), and ln(1 + f) =
 * f − s·(f − R(s²)) with fdlibm's degree-14 minimax polynomial R, whose
 * error fdlibm bounds by 2^-58.45; the result is within 1 ulp of ln x
 * (tests/test_spectrum.c measures it against glibc's log() over the range
 * the spectral entropy sees, p in [DBL_MIN, 1], and checks that bound).
 *
 * Why not log(): a libm call per element keeps a loop scalar (68 M calls
 * per animal-day for the spectral entropy), and glibc's vector variants
 * (libmvec) are declared only under -ffast-math and give different bits in
 * their SSE and AVX2 versions.  This is plain C: the same operations in
 * the same order in every clone of the caller (ICTUS_SIMD_CLONES; no FMA
 * contraction under -std=c11), so every machine gets the same bits, and
 * with no table, no branch and no call a loop around it vectorises.
 *
 * Not for zero, negative, subnormal, infinite or NaN x (garbage, not a
 * trap): the caller masks those lanes.  Thread safety: a pure function. */
#ifndef ICTUS_VECLOG_H
#define ICTUS_VECLOG_H

#include <stdint.h>
#include <string.h>

static inline double ictus_log_normal(double x)
{
    static const double ln2_hi = 6.93147180369123816490e-01, /* 0x3fe62e42 fee00000 */
        ln2_lo = 1.90821492927058770002e-10,                  /* 0x3dea39ef 35793c76 */
        lg1 = 6.666666666666735130e-01,                       /* 0x3fe55555 55555593 */
        lg2 = 3.999999999940941908e-01,                       /* 0x3fd99999 9997fa04 */
        lg3 = 2.857142874366239149e-01,                       /* 0x3fd24924 94229359 */
        lg4 = 2.222219843214978396e-01,                       /* 0x3fcc71c5 1d8e78af */
        lg5 = 1.818357216161805012e-01,                       /* 0x3fc74664 96cb03de */
        lg6 = 1.531383769920937332e-01,                       /* 0x3fc39a09 d078c69f */
        lg7 = 1.479819860511658591e-01;                       /* 0x3fc2f112 df3e5244 */
    /* The bits of √½: adding 1.0's bits minus these carries into the
     * exponent exactly when the significand is >= √2. */
    const uint64_t sqrt_half = 0x3fe6a09e667f3bcdu, one = 0x3ff0000000000000u;
    uint64_t ix;
    memcpy(&ix, &x, sizeof ix);
    ix += one - sqrt_half;
    /* k + 1023 + 2^52 as a double's bits, minus 2^52 + 1023: k, exactly,
     * without an int64 → double conversion (none in SSE2 or AVX2). */
    uint64_t k_bits = (ix >> 52) | 0x4330000000000000u;
    uint64_t m_bits = (ix & 0x000fffffffffffffu) + sqrt_half;
    double k, m;
    memcpy(&k, &k_bits, sizeof k);
    memcpy(&m, &m_bits, sizeof m);
    k -= 4503599627370496.0 + 1023.0;
    const double f = m - 1.0; /* exact: m in [√½, √2) */
    const double hfsq = 0.5 * f * f;
    const double s = f / (2.0 + f);
    const double z = s * s, w = z * z;
    const double t1 = w * (lg2 + w * (lg4 + w * lg6));
    const double t2 = z * (lg1 + w * (lg3 + w * (lg5 + w * lg7)));
    const double r = t2 + t1;
    return s * (hfsq + r) + k * ln2_lo - hfsq + f + k * ln2_hi;
}

#endif
