/* simd.h: runtime dispatch of the hot kernels to the machine's vector unit.
 *
 * ICTUS_SIMD_CLONES before a kernel's definition makes GCC compile it twice,
 * for the portable x86-64 baseline (SSE2) and for x86-64-v3 (AVX2, FMA, BMI2),
 * and pick one when the program loads (an ifunc resolver that asks the CPU):
 * one binary runs on every x86-64 and uses AVX2 where there is one.
 *
 * Both clones must give the same bits, so features.csv does not depend on the
 * machine: ISO C mode (-std=c11) keeps -ffp-contract=off, so the v3 clone
 * never fuses a*b+c into an FMA, and a kernel must not call fma() or change
 * its order of operations by clone.  Write the kernel so it vectorises (fixed
 * trip counts, independent accumulators in arrays of 4 or 8 doubles /
 * 8 floats, restrict pointers, no calls); check with -fopt-info-vec.
 *
 * ICTUS_SIMD_CLONES_512 adds an x86-64-v4 (AVX-512) clone, for a kernel
 * written on 16-float vectors that a 512-bit register holds whole (the
 * decimator's FIR, pipeline/dsp/decimate.c); the same rules hold.  A kernel
 * written for 8 lanes gains nothing from it (GCC keeps 256-bit vectors).
 *
 * Empty elsewhere (another compiler or architecture) and under ThreadSanitizer,
 * which instruments the resolver before TSan itself is initialised. */
#ifndef ICTUS_SIMD_H
#define ICTUS_SIMD_H

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(__SANITIZE_THREAD__)
#define ICTUS_SIMD_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#define ICTUS_SIMD_CLONES_512 \
    __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define ICTUS_SIMD_CLONES
#define ICTUS_SIMD_CLONES_512
#endif

#endif
