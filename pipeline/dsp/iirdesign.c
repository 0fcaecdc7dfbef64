/* iirdesign.c: Butterworth high-pass and notch sections (as SciPy designs
 * them) and the biquad cascade that runs them.
 * The Butterworth design follows scipy.signal.iirfilter step by step:
 * analog prototype poles, pre-warped low-pass to high-pass transform,
 * bilinear transform, then zpk2sos's 'nearest' pairing, which for a
 * high-pass (all zeros at z = 1) orders the conjugate pole pairs from the
 * farthest to the nearest to the unit circle and puts the gain in the
 * first section.
 *
 * Why the cascades run across channels: a channel's cascade is a serial
 * recurrence (each section's output feeds its own state: a multiply and
 * two adds of latency per sample), and the features must keep its bits, so
 * its order of operations cannot change.  Software-pipelining the sections
 * of one channel does not help the scalar loop (measured: the processor
 * already overlaps them).  Independent channels are the parallelism that
 * keeps the bits: ictus_iir_process_lanes() runs up to 4 cascades in the
 * lanes of one vector, each lane doing its cascade's exact arithmetic.
 * Chains stay per channel (stage.h); the chain offers the lanes when one
 * thread runs several channels (chain.h, ictus_chain_push_lanes: the
 * analyzer gives each thread a group of channels), so -j 1 runs all
 * channels in lanes, -j 2 two groups, and -j >= channels runs them one
 * by one as before, with the same output at every -j. */
#include "pipeline/dsp/iirdesign.h"

#include <assert.h>
#include <complex.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "base/simd.h"
#include "base/status.h"

/* ===== Design ===== */

int ictus_butter_highpass(int order, double corner_hz, double fs_hz, ictus_biquad *sos)
{
    assert(order >= 2 && order <= 64 && order % 2 == 0);
    assert(corner_hz > 0 && corner_hz < fs_hz / 2);
    int n_sections = order / 2;
    /* SciPy designs at fs = 2 with the corner pre-warped: 2 fs tan(pi Wn / fs). */
    double wn = 2 * corner_hz / fs_hz;
    double warped = 4 * tan(M_PI * wn / 2);
    double complex prod_minus_p = 1, prod_4_minus_p = 1;
    double complex upper[32]; /* the digital poles with positive imaginary part */
    int n_upper = 0;
    for (int m = -order + 1; m < order; m += 2) {
        double complex p = -cexp(I * (M_PI * m / (2.0 * order))); /* buttap */
        prod_minus_p *= -p;
        double complex p_hp = warped / p;                           /* lp2hp_zpk */
        prod_4_minus_p *= 4 - p_hp;
        double complex p_z = (4 + p_hp) / (4 - p_hp);               /* bilinear_zpk */
        if (cimag(p_z) > 0)
            upper[n_upper++] = p_z;
    }
    assert(n_upper == n_sections);
    /* lp2hp_zpk moves the order zeros at infinity to s = 0, which the
     * bilinear transform maps to z = 1 with gain 4 each. */
    double k = creal(1 / prod_minus_p) * creal(pow(4, order) / prod_4_minus_p);

    /* Order by distance to the unit circle, farthest first (insertion sort). */
    for (int i = 1; i < n_upper; i++) {
        double complex p = upper[i];
        int j = i;
        for (; j > 0 && fabs(1 - cabs(upper[j - 1])) < fabs(1 - cabs(p)); j--)
            upper[j] = upper[j - 1];
        upper[j] = p;
    }
    for (int s = 0; s < n_sections; s++) {
        double complex p = upper[s];
        double g = s == 0 ? k : 1.0;
        sos[s] = (ictus_biquad){
            .b = {g, g * -2.0, g},
            .a = {1.0, -2.0 * creal(p), creal(p) * creal(p) + cimag(p) * cimag(p)},
        };
    }
    return n_sections;
}

ictus_biquad ictus_iirnotch(double notch_hz, double q, double fs_hz)
{
    assert(notch_hz > 0 && notch_hz < fs_hz / 2 && q > 0);
    /* scipy.signal._filter_design._design_notch_peak_filter, ftype "notch". */
    double w0 = 2 * notch_hz / fs_hz;
    double bw = w0 / q * M_PI;
    w0 *= M_PI;
    double gb = 1 / sqrt(2.0);
    double beta = (sqrt(1.0 - gb * gb) / gb) * tan(bw / 2.0);
    double gain = 1.0 / (1.0 + beta);
    return (ictus_biquad){
        .b = {gain, gain * (-2.0 * cos(w0)), gain},
        .a = {1.0, -2.0 * gain * cos(w0), 2.0 * gain - 1.0},
    };
}

void ictus_sos_zi(const ictus_biquad *sos, int n_sections, double (*zi)[2])
{
    double level = 1.0; /* the constant reaching section s */
    for (int s = 0; s < n_sections; s++) {
        const double *b = sos[s].b, *a = sos[s].a;
        double gain = (b[0] + b[1] + b[2]) / (a[0] + a[1] + a[2]);
        /* Steady state of y = b0 x + z0, z0' = b1 x - a1 y + z1,
         * z1' = b2 x - a2 y for x = 1, y = gain. */
        zi[s][0] = level * (gain - b[0]);
        zi[s][1] = level * (b[2] - a[2] * gain);
        level *= gain;
    }
}

/* ===== The cascade ===== */

#if defined(__GNUC__)
#define ALWAYS_INLINE __attribute__((always_inline))
#else
#define ALWAYS_INLINE
#endif

typedef struct {
    double b0, b1, b2, a1, a2; /* coefficients, a0 == 1 */
    double zi0, zi1;           /* steady state for a unit constant input */
    double z0, z1;             /* transposed direct form II state */
} section;

struct ictus_iir {
    int n_sections;
    bool primed; /* the state holds history (false after reset) */
    section sec[];
};

ictus_iir *ictus_iir_create(const ictus_biquad *sos, int n_sections)
{
    assert(n_sections >= 1);
    ictus_iir *iir = ictus_xmalloc(sizeof *iir + (size_t)n_sections * sizeof iir->sec[0]);
    iir->n_sections = n_sections;
    iir->primed = false;
    double (*zi)[2] = ictus_xmalloc((size_t)n_sections * sizeof *zi);
    ictus_sos_zi(sos, n_sections, zi);
    for (int s = 0; s < n_sections; s++) {
        assert(sos[s].a[0] == 1.0);
        iir->sec[s] = (section){
            .b0 = sos[s].b[0], .b1 = sos[s].b[1], .b2 = sos[s].b[2],
            .a1 = sos[s].a[1], .a2 = sos[s].a[2],
            .zi0 = zi[s][0], .zi1 = zi[s][1],
        };
    }
    free(zi);
    return iir;
}

void ictus_iir_destroy(ictus_iir *iir)
{
    free(iir);
}

void ictus_iir_reset(ictus_iir *iir)
{
    iir->primed = false;
}

/* The cascade loop, all sections per sample: section s of sample t overlaps
 * with section s - 1 of sample t + 1.  The y-independent products are added
 * first so that the recurrence through y is one multiply and one
 * subtraction.  Inlined with a constant n_sections <= 4 (the high-pass up to
 * order 8, the notch at 250 Hz) the sections unroll and their state stays in
 * registers (the float stores to out cannot alias it); about twice as fast
 * as the general loop, which keeps the state in memory. */
static inline ALWAYS_INLINE void run_cascade(section *sec, int n_sections, const float *in,
                                             float *out, size_t n)
{
    for (size_t t = 0; t < n; t++) {
        double v = in[t];
#pragma GCC unroll 4
        for (int s = 0; s < n_sections; s++) {
            section *c = &sec[s];
            double y = c->b0 * v + c->z0;
            c->z0 = (c->b1 * v + c->z1) - c->a1 * y;
            c->z1 = c->b2 * v - c->a2 * y;
            v = y;
        }
        out[t] = (float)v;
    }
}

/* Prime a cascade that was reset with the steady state of its first sample. */
static void prime(ictus_iir *iir, float x)
{
    if (iir->primed)
        return;
    for (int s = 0; s < iir->n_sections; s++) {
        iir->sec[s].z0 = iir->sec[s].zi0 * (double)x;
        iir->sec[s].z1 = iir->sec[s].zi1 * (double)x;
    }
    iir->primed = true;
}

void ictus_iir_process(ictus_iir *iir, const float *in, float *out, size_t n)
{
    if (n == 0)
        return;
    section *sec = iir->sec;
    prime(iir, in[0]);
    switch (iir->n_sections) {
    case 1: run_cascade(sec, 1, in, out, n); break;
    case 2: run_cascade(sec, 2, in, out, n); break;
    case 3: run_cascade(sec, 3, in, out, n); break;
    case 4: run_cascade(sec, 4, in, out, n); break;
    default: run_cascade(sec, iir->n_sections, in, out, n); break;
    }
}

/* ===== Cascades side by side ===== */

/* Section s of the cascades in lanes: lane l holds cascade l's coefficients
 * and state. */
#if defined(__GNUC__)
typedef double vdouble4 __attribute__((vector_size(ICTUS_IIR_LANES * sizeof(double))));
typedef float vfloat4 __attribute__((vector_size(ICTUS_IIR_LANES * sizeof(float))));
#define HAVE_VECTORS 1
#else
#define HAVE_VECTORS 0
#endif

#if HAVE_VECTORS
typedef struct {
    vdouble4 b0, b1, b2, a1, a2, z0, z1;
} lane_section;

/* Section c of the cascades on the vector *v of their inputs: *y receives
 * the outputs (run_cascade()'s arithmetic, lane by lane).  Vectors pass by
 * pointer: by value, a 32-byte vector would change the baseline's ABI. */
static inline ALWAYS_INLINE void lane_step(lane_section *c, const vdouble4 *v, vdouble4 *y)
{
    vdouble4 x = *v, r = c->b0 * x + c->z0;
    c->z0 = (c->b1 * x + c->z1) - c->a1 * r;
    c->z1 = c->b2 * x - c->a2 * r;
    *y = r;
}

static inline ALWAYS_INLINE void lane_load(const float *const *in, size_t t, vdouble4 *v)
{
    vfloat4 x = {in[0][t], in[1][t], in[2][t], in[3][t]};
    *v = __builtin_convertvector(x, vdouble4);
}

static inline ALWAYS_INLINE void lane_store(float *const *out, size_t t, const vdouble4 *y)
{
    vfloat4 f = __builtin_convertvector(*y, vfloat4);
    out[0][t] = f[0];
    out[1][t] = f[1];
    out[2][t] = f[2];
    out[3][t] = f[3];
}

/* run_cascade() with a vector for a double, in the lanes: the same
 * operations in the same order in each lane (no FMA: -std=c11 keeps
 * -ffp-contract=off), so lane l's outputs are bit for bit those of
 * run_cascade() on cascade l, the conversions included (float to double is
 * exact; double to float rounds each lane as a scalar cast does).  GCC's
 * generic vectors: one AVX register in the x86-64-v3 clone, two SSE
 * registers in the baseline (base/simd.h).
 * Software-pipelined: step t runs section s on sample t - s, so the
 * sections of one step are independent and the step's critical path is
 * one section's recurrence (a multiply and two adds), not the chain of
 * all sections (measured: the processor did not overlap consecutive
 * steps' chains by itself).  Each sample still meets the sections in
 * order with the same operations, so the bits do not change.  pipe[s]
 * holds section s's output of the previous step, the input of section
 * s + 1; the first n_sections - 1 and last n_sections - 1 steps run only
 * the sections that have a sample. */
static inline ALWAYS_INLINE void run_lanes(lane_section *sec, int n_sections,
                                           const float *const *in, float *const *out,
                                           size_t n)
{
    enum { MAX_PIPE = 32 };
    vdouble4 pipe[MAX_PIPE] = {{0}}, v;
    const size_t last = (size_t)n_sections - 1;
    size_t t = 0;
    /* Filling: step t runs sections 0..t. */
    for (; t < last && t < n + last; t++)
        for (int s = (int)t; s >= 0; s--) {
            if (t - (size_t)s >= n)
                continue;
            if (s == 0)
                lane_load(in, t, &v);
            lane_step(&sec[s], s == 0 ? &v : &pipe[s - 1], &pipe[s]);
            if ((size_t)s == last)
                lane_store(out, t - last, &pipe[s]);
        }
    /* Full: every section has a sample. */
    for (; t < n; t++) {
#pragma GCC unroll 8
        for (int s = n_sections - 1; s >= 1; s--)
            lane_step(&sec[s], &pipe[s - 1], &pipe[s]);
        lane_load(in, t, &v);
        lane_step(&sec[0], &v, &pipe[0]);
        lane_store(out, t - last, &pipe[last]);
    }
    /* Draining: step t runs sections t - n + 1..last. */
    for (; t < n + last; t++)
        for (int s = n_sections - 1; s >= 1 && t - (size_t)s < n; s--) {
            lane_step(&sec[s], &pipe[s - 1], &pipe[s]);
            if ((size_t)s == last)
                lane_store(out, t - last, &pipe[s]);
        }
}

ICTUS_SIMD_CLONES
static void process_lanes(lane_section *sec, int n_sections, const float *const *in,
                          float *const *out, size_t n)
{
    switch (n_sections) {
    case 1: run_lanes(sec, 1, in, out, n); break;
    case 2: run_lanes(sec, 2, in, out, n); break;
    case 3: run_lanes(sec, 3, in, out, n); break;
    case 4: run_lanes(sec, 4, in, out, n); break;
    default: run_lanes(sec, n_sections, in, out, n); break;
    }
}
#endif

void ictus_iir_process_lanes(ictus_iir *const *iirs, int k, const float *const *in,
                             float *const *out, size_t n)
{
    assert(k >= 1 && k <= ICTUS_IIR_LANES);
    bool same = true;
    for (int c = 1; c < k; c++)
        same &= iirs[c]->n_sections == iirs[0]->n_sections;
    if (!HAVE_VECTORS || k == 1 || !same || n == 0) {
        for (int c = 0; c < k; c++)
            ictus_iir_process(iirs[c], in[c], out[c], n);
        return;
    }
#if HAVE_VECTORS
    enum { MAX_SECTIONS = 32 }; /* run_lanes' pipe; a notch may have 64 harmonics */
    int n_sections = iirs[0]->n_sections;
    if (n_sections > MAX_SECTIONS) {
        for (int c = 0; c < k; c++)
            ictus_iir_process(iirs[c], in[c], out[c], n);
        return;
    }
    lane_section sec[MAX_SECTIONS];
    /* An unused lane repeats lane 0 (cascade, state and arrays): it writes
     * the values lane 0 writes, and its state is not kept. */
    const float *lane_in[ICTUS_IIR_LANES];
    float *lane_out[ICTUS_IIR_LANES];
    for (int c = 0; c < k; c++)
        prime(iirs[c], in[c][0]);
    for (int c = 0; c < ICTUS_IIR_LANES; c++) {
        int from = c < k ? c : 0;
        const ictus_iir *iir = iirs[from];
        lane_in[c] = in[from];
        lane_out[c] = out[from];
        for (int s = 0; s < n_sections; s++) {
            const section *q = &iir->sec[s];
            sec[s].b0[c] = q->b0;
            sec[s].b1[c] = q->b1;
            sec[s].b2[c] = q->b2;
            sec[s].a1[c] = q->a1;
            sec[s].a2[c] = q->a2;
            sec[s].z0[c] = q->z0;
            sec[s].z1[c] = q->z1;
        }
    }
    process_lanes(sec, n_sections, lane_in, lane_out, n);
    for (int c = 0; c < k; c++)
        for (int s = 0; s < n_sections; s++) {
            iirs[c]->sec[s].z0 = sec[s].z0[c];
            iirs[c]->sec[s].z1 = sec[s].z1[c];
        }
#endif
}
