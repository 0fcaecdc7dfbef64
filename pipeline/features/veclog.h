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
 * ictus_log_normal8() does it for eight at a time on GCC's generic vectors,
 * so that a kernel with an x86-64-v4 clone (base/simd.h) takes them in one
 * AVX-512 register: GCC's vectoriser keeps to 256-bit vectors, and the
 * log of 4 lanes, as vectorised, was 7.6 % of `ictus features`' CPU.
 *
 * Not for zero, negative, subnormal, infinite or NaN x (garbage, not a
 * trap): the caller masks those lanes.  Thread safety: a pure function. */
#ifndef ICTUS_VECLOG_H
#define ICTUS_VECLOG_H

#include <stdint.h>
#include <string.h>

/* Eight doubles at a time, on GCC's generic vectors (one AVX-512 register,
 * two AVX or four SSE2 registers, by clone): lane by lane the operations of
 * ictus_log_normal() in its order, so the same bits. */
typedef double ictus_vd8 __attribute__((vector_size(8 * sizeof(double))));
typedef uint64_t ictus_vu8 __attribute__((vector_size(8 * sizeof(uint64_t))));

static inline void ictus_log_normal8(const ictus_vd8 *x_in, ictus_vd8 *log_out)
{
    const ictus_vd8 x = *x_in; /* (by pointer: a vector argument of 64 bytes changes the ABI
                                  between clones; inlined, the same code) */
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
    ictus_vu8 ix = (ictus_vu8)x; /* a cast between vectors of one size keeps the bits */
    ix += one - sqrt_half;
    /* k + 1023 + 2^52 as a double's bits, minus 2^52 + 1023: k, exactly,
     * without an int64 → double conversion (none in SSE2 or AVX2). */
    const ictus_vu8 k_bits = (ix >> 52) | 0x4330000000000000u;
    const ictus_vu8 m_bits = (ix & 0x000fffffffffffffu) + sqrt_half;
    const ictus_vd8 k = (ictus_vd8)k_bits - (4503599627370496.0 + 1023.0);
    const ictus_vd8 m = (ictus_vd8)m_bits;
    const ictus_vd8 f = m - 1.0; /* exact: m in [√½, √2) */
    const ictus_vd8 hfsq = 0.5 * f * f;
    const ictus_vd8 s = f / (2.0 + f);
    const ictus_vd8 z = s * s, w = z * z;
    const ictus_vd8 t1 = w * (lg2 + w * (lg4 + w * lg6));
    const ictus_vd8 t2 = z * (lg1 + w * (lg3 + w * (lg5 + w * lg7)));
    const ictus_vd8 r = t2 + t1;
    *log_out = s * (hfsq + r) + k * ln2_lo - hfsq + f + k * ln2_hi;
}

/* One value: lane 0 of ictus_log_normal8() (the tests' reference). */
static inline double ictus_log_normal(double x)
{
    const ictus_vd8 v = {x, 1, 1, 1, 1, 1, 1, 1};
    ictus_vd8 y;
    ictus_log_normal8(&v, &y);
    return y[0];
}

#endif
