/* decimate.c: anti-alias low-pass and integer decimation, the first stage.
 *
 * A channel at fs is decimated by M = max(1, floor(fs / analysis_hz)) (M = 1
 * bypasses the stage).  The low-pass is a linear-phase Kaiser-window FIR,
 * scipy.signal.firwin(n, fs_out / 2, window=('kaiser', beta), fs=fs) with n
 * and beta from scipy.signal.kaiserord(decimate_atten_db, width): pass edge
 * 0.8, stop edge 1.2 times the output Nyquist (what aliases between 1.0 and
 * 1.2 lands above the pass edge), n forced odd so that the delay
 * D = (n - 1) / 2 is a whole number of samples.
 *
 * Output k is the input index i = k M, delay-compensated:
 *     y(i) = sum_j h[j] x(i + D - j),   flags(i) = OR of the flags of x(i .. i + M - 1),
 * for every multiple of M within the segment's index range.  Before the
 * segment's first sample and after its last (at drain) the signal is
 * continued with the first / last value.  drain() may be called again until
 * it produces nothing (when its output room was too small).
 *
 * The hot loop of the whole program, polyphase: only the kept outputs are
 * computed.  Write r[k] = h[n - 1 - k] (the taps reversed, so that output j
 * is a dot product with the window that starts at w0 + j M) and split k =
 * q M + p.  The window of output j, read at phase p, is then the
 * contiguous run x_p[j + q] of the phase-p samples x_p[t] = x(w0 + t M + p):
 *     y_j = sum_p sum_q r[q M + p] x_p[j + q].
 * emit() cuts its n outputs into 16 runs of S (one per vector lane: output
 * j = l S + i is lane l, step i) and copies the ready span of the history
 * once into transposed phase rows, T_p[t][l] = x_p[l S + t] - x0, so that
 * every vector the kernel reads, T_p[i + q], is one aligned load of the 16
 * lanes' samples; the sample that tap k meets in step i is row i M + k.
 * The taps are symmetric (linear phase: r[k] = r[n - 1 - k]), so the
 * kernel adds the two samples a tap meets before it multiplies: with D =
 * (n - 1) / 2,
 *     y = x0 + ((even + odd) + r[D] x_D),  even / odd = sum over the even /
 *         odd j < D of r[j] (x_j + x_{n-1-j}),
 * 3 vector operations per pair of taps instead of 4, and no zero padding
 * taps (the kernel went from 8.8 to 6.8 % of the feature stage's CPU; the
 * outputs' rounding changed: features.csv of the animal-day differs in the
 * last printed digit in 47 % of its rows, its events.csv is the same).
 * The kernel computes 2 steps (32 outputs) at a time: a tap is broadcast
 * once and multiplied into 2 vectors, and the sums of
 * different outputs are independent, so the adds do not wait on each
 * other (the old kernel summed one output's 80 products into one 8-lane
 * accumulator: ten dependent vector adds and a horizontal sum per output;
 * lanes of contiguous outputs, the first version of this one, read their
 * vectors unaligned, half of them across a cache line: 1.6 x slower;
 * keeping a tap pair's five rows in registers and rotating them, 4 loads
 * per tap pair instead of 10, was no faster: the kernel is bound by its
 * 16 multiplies and adds per tap pair, not its loads).
 * Each output keeps two partial sums, even and odd j, so that a lane's
 * chain of dependent adds is half as long (4 independent accumulators of
 * 16 lanes: one AVX-512 register each in the x86-64-v4 clone, two AVX
 * registers in the v3 clone, as the 8 of 8 lanes before them).  With 8
 * lanes the kernel was 12 % of the CPU of `ictus features` on an animal-day
 * (perf), with 16 and AVX-512 8.7 %, and the whole feature stage 1.7 %
 * faster (2.05 to 2.01 s; FMA would take 1.5 % more but change the bits
 * by machine).  The order of the adds is the same for every
 * output, whatever its lane, step or emit, so the output does not depend
 * on block sizes, and the same in every clone (base/simd.h).  Its rounding
 * differs from a plain sum by at most about n 2^-24 sum |r x| (float, n ~ 80
 * terms; folding the pairs first adds one rounding of each pair's sum, 2^-24
 * relative, inside the same bound), far inside the SciPy fixture's 1e-6 x
 * RMS.  Each lane's rows run Q - 1 steps past its last output (Q = n / M
 * rounded up to even), the rows past the history's fill are zeros, and
 * the steps past the last output are dropped.
 * The input must be finite, as sources guarantee.  The kernel filters
 * x - x0 (x0 the segment's first sample) and adds x0 back, so that an
 * electrode offset of 1e5 µV does not eat the float precision of a 10 µV
 * signal; the history keeps the raw samples and the rows subtract x0.
 *
 * The input is read where it lies: emit() sees the stream as the history
 * (the samples earlier calls left) followed by process()'s input, and the
 * transpose reads each lane's span from whichever holds it; only a lane's
 * one 8-sample block that crosses from the history into the input is
 * assembled in a scratch array.  After an emit only what the next output's
 * window needs is kept (about a window of samples; more only when an emit
 * was cut short by its output room), so the input is not copied as a
 * whole (it used to be, 4 bytes in and out per sample plus its flag).  The
 * kernel's outputs, one vector of 8 lanes per step, are turned back into
 * runs of outputs by the same 8 x 8 transpose.
 *
 * Flags are rare: emit() ORs the flags of a whole span 32 bytes at a time
 * (a vectorised loop) and writes zeros when none is set; only a flagged
 * span takes the byte loop that ORs each output's M inputs.
 */
#include <assert.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/simd.h"
#include "pipeline/dsp/firdesign.h"
#include "pipeline/dsp/stage.h"

#if defined(__GNUC__)
#define ALWAYS_INLINE __attribute__((always_inline))
#else
#define ALWAYS_INLINE
#endif

enum {
    LANES = 16,   /* float lanes of an AVX-512 register: the runs of outputs of an emit */
    BLOCK = 8,    /* samples and lanes of one transpose (transpose8()) */
    STEPS = 2,    /* steps the kernel computes at a time (STEPS x LANES outputs) */
    CHUNK = 4096, /* input samples the history buffer takes at a time */
};

typedef struct {
    int m;           /* decimation factor, >= 2 */
    int n_taps;      /* FIR length, odd */
    int delay;       /* (n_taps - 1) / 2, in input samples */
    int n_padded;    /* n_taps rounded up to a multiple of BLOCK (the window the history keeps) */
    int ahead;       /* input samples an output at i needs after i: the window end
                        and the flags' reach, max(n_padded - 1 - delay, m - 1) */
    int q;           /* taps per phase: ceil(n_taps / m) rounded up to even */
    double atten_db; /* for describe() */
    float *taps;     /* [delay + 1]: taps[j] = h[n_taps - 1 - j], the first half and the
                        middle of the symmetric taps, reversed */
    size_t max_out;  /* most outputs of one emit */
    size_t max_steps;/* most steps S of one emit (a multiple of STEPS) */
    float *rows;     /* [(max_steps + q) m][LANES], aligned: the transposed phase rows */
    float *y;        /* [max_steps][LANES], aligned: the kernel's outputs, transposed */
    float *x;        /* [cap]: the history, x[p] = input sample of index base + p */
    uint8_t *flags;  /* [cap]: the flags of the same samples */
    size_t cap, fill;
    int64_t base;    /* input index of x[0] */
    int64_t next;    /* input index of the next output, a multiple of m */
    float offset;    /* the segment's first sample */
    float last;      /* the last real input sample: the end padding */
    bool started;    /* a sample has arrived since reset */
    bool padded;     /* drain() has appended the end padding */
} decimator;

/* ===== The kernel ===== */

/* For steps i < n_steps (a multiple of STEPS) and lanes l < LANES, with
 * x_k = rows[i m + k][l] (the sample tap k meets; the taps are symmetric):
 * y[i][l] = offset + ((even + odd) + taps[half] x_half), where even and odd
 * sum taps[j] (x_j + x_{2 half - j}) over the even / odd j < half in
 * increasing j (rows has n_steps + q - 1 steps of m phases).
 * Written on GCC's generic 16-float vectors (vector_size: portable
 * operators, no intrinsics), which keep the 4 partial sums in registers:
 * written as float arrays with an inner lane loop, GCC vectorises the lane
 * loop but keeps the arrays in memory, a store and a reload per tap
 * (measured slower than the old kernel).  An operation on a vector is that
 * operation in each lane, so the x86-64-v4 clone (one AVX-512 register per
 * vector), the v3 (two AVX registers) and the baseline (four SSE
 * registers) give the same bits as each other and as the lane-by-lane
 * loop below it for other compilers (base/simd.h). */
#if defined(__GNUC__)
typedef float vfloat8 __attribute__((vector_size(BLOCK * sizeof(float))));
typedef float vfloat16 __attribute__((vector_size(LANES * sizeof(float))));

ICTUS_SIMD_CLONES_512
static void fir_steps(const float *restrict taps, size_t half, size_t m,
                      const float *restrict rows, size_t n_steps,
                      float offset, float *restrict y)
{
    _Static_assert(STEPS == 2, "fir_steps keeps 2 steps of partial sums");
    const vfloat16 *r = (const vfloat16 *)rows;
    vfloat16 *out = (vfloat16 *)y;
    const size_t last = 2 * half;
    for (size_t i = 0; i < n_steps; i += STEPS) {
        const vfloat16 *x = r + i * m, *z = x + m; /* steps i and i + 1 */
        vfloat16 e0 = {0}, e1 = {0};                /* even j */
        vfloat16 o0 = {0}, o1 = {0};                /* odd j */
        size_t j = 0;
        for (; j + 1 < half; j += 2) {
            const float t0 = taps[j], t1 = taps[j + 1];
            e0 += t0 * (x[j] + x[last - j]);
            e1 += t0 * (z[j] + z[last - j]);
            o0 += t1 * (x[j + 1] + x[last - j - 1]);
            o1 += t1 * (z[j + 1] + z[last - j - 1]);
        }
        if (j < half) {
            e0 += taps[j] * (x[j] + x[last - j]);
            e1 += taps[j] * (z[j] + z[last - j]);
        }
        out[i] = offset + ((e0 + o0) + taps[half] * x[half]);
        out[i + 1] = offset + ((e1 + o1) + taps[half] * z[half]);
    }
}
#else
static void fir_steps(const float *restrict taps, size_t half, size_t m,
                      const float *restrict rows, size_t n_steps,
                      float offset, float *restrict y)
{
    for (size_t i = 0; i < n_steps; i++)
        for (size_t l = 0; l < LANES; l++) {
            const float *x = rows + i * m * LANES + l;
            float even = 0, odd = 0;
            for (size_t j = 0; j < half; j++) {
                const float pair = taps[j] * (x[j * LANES] + x[(2 * half - j) * LANES]);
                if (j % 2)
                    odd += pair;
                else
                    even += pair;
            }
            y[i * LANES + l] = offset + ((even + odd) + taps[half] * x[half * LANES]);
        }
}
#endif

/* Room for n floats (a multiple of LANES) aligned for the kernel's vectors. */
static float *vectors_alloc(size_t n)
{
    float *p = aligned_alloc(LANES * sizeof(float), n * sizeof(float));
    if (!p) {
        fprintf(stderr, "ictus: out of memory (asked for %zu bytes)\n", n * sizeof(float));
        abort();
    }
    return p;
}

/* Whether any of the n flag bytes at f is set: 32 bytes at a time into
 * four words (GCC makes that one vector OR per 32 bytes), the rest by
 * bytes. */
ICTUS_SIMD_CLONES
static bool any_flag(const uint8_t *restrict f, size_t n)
{
    uint64_t any[4] = {0, 0, 0, 0};
    size_t i = 0;
    for (; i + 32 <= n; i += 32)
        for (int w = 0; w < 4; w++) {
            uint64_t word;
            memcpy(&word, f + i + 8 * w, sizeof word);
            any[w] |= word;
        }
    for (; i < n; i++)
        any[0] |= f[i];
    return (any[0] | any[1] | any[2] | any[3]) != 0;
}

/* ===== The stream: the history, then the input ===== */

/* What emit() reads: stream sample v (v counted from the history's base)
 * is x[v] for v < fill, else in[v - fill]; n_in is 0 in drain(). */
typedef struct {
    const float *in;
    const uint8_t *in_flags;
    size_t n_in;
} stream;

static float sample_at(const decimator *d, const stream *s, size_t v)
{
    return v < d->fill ? d->x[v] : s->in[v - d->fill];
}

static uint8_t flag_at(const decimator *d, const stream *s, size_t v)
{
    return v < d->fill ? d->flags[v] : s->in_flags[v - d->fill];
}

/* rows[r stride][l] = src[l][u + r] - offset for r, l < 8: an 8 x 8 transpose in three
 * rounds of shuffles (pairs of floats, of pairs, of halves), each vector a
 * named variable so that all 24 stay in registers (in arrays, GCC kept
 * them on the stack).  Also turns the kernel's steps back into runs of
 * outputs (offset 0, which GCC folds away). */
#if defined(__GNUC__) && !defined(__clang__)
typedef int vint8 __attribute__((vector_size(BLOCK * sizeof(int))));
typedef float vfloat8_at __attribute__((vector_size(BLOCK * sizeof(float)), aligned(4),
                                        may_alias));

#define LOAD_LANE(l) (*(const vfloat8_at *)(src[l] + u) - offset)
#define SHUF(a, b, ...) __builtin_shuffle(a, b, (vint8){__VA_ARGS__})
static inline ALWAYS_INLINE void transpose8(const float *const src[BLOCK], size_t u,
                                            float offset, vfloat8 *rows, size_t stride)
{
    vfloat8 r0 = LOAD_LANE(0), r1 = LOAD_LANE(1), r2 = LOAD_LANE(2), r3 = LOAD_LANE(3);
    vfloat8 r4 = LOAD_LANE(4), r5 = LOAD_LANE(5), r6 = LOAD_LANE(6), r7 = LOAD_LANE(7);
    vfloat8 t0 = SHUF(r0, r1, 0, 8, 1, 9, 4, 12, 5, 13), t1 = SHUF(r0, r1, 2, 10, 3, 11, 6, 14, 7, 15);
    vfloat8 t2 = SHUF(r2, r3, 0, 8, 1, 9, 4, 12, 5, 13), t3 = SHUF(r2, r3, 2, 10, 3, 11, 6, 14, 7, 15);
    vfloat8 t4 = SHUF(r4, r5, 0, 8, 1, 9, 4, 12, 5, 13), t5 = SHUF(r4, r5, 2, 10, 3, 11, 6, 14, 7, 15);
    vfloat8 t6 = SHUF(r6, r7, 0, 8, 1, 9, 4, 12, 5, 13), t7 = SHUF(r6, r7, 2, 10, 3, 11, 6, 14, 7, 15);
    vfloat8 s0 = SHUF(t0, t2, 0, 1, 8, 9, 4, 5, 12, 13), s1 = SHUF(t0, t2, 2, 3, 10, 11, 6, 7, 14, 15);
    vfloat8 s2 = SHUF(t1, t3, 0, 1, 8, 9, 4, 5, 12, 13), s3 = SHUF(t1, t3, 2, 3, 10, 11, 6, 7, 14, 15);
    vfloat8 s4 = SHUF(t4, t6, 0, 1, 8, 9, 4, 5, 12, 13), s5 = SHUF(t4, t6, 2, 3, 10, 11, 6, 7, 14, 15);
    vfloat8 s6 = SHUF(t5, t7, 0, 1, 8, 9, 4, 5, 12, 13), s7 = SHUF(t5, t7, 2, 3, 10, 11, 6, 7, 14, 15);
    rows[0 * stride] = SHUF(s0, s4, 0, 1, 2, 3, 8, 9, 10, 11);
    rows[1 * stride] = SHUF(s1, s5, 0, 1, 2, 3, 8, 9, 10, 11);
    rows[2 * stride] = SHUF(s2, s6, 0, 1, 2, 3, 8, 9, 10, 11);
    rows[3 * stride] = SHUF(s3, s7, 0, 1, 2, 3, 8, 9, 10, 11);
    rows[4 * stride] = SHUF(s0, s4, 4, 5, 6, 7, 12, 13, 14, 15);
    rows[5 * stride] = SHUF(s1, s5, 4, 5, 6, 7, 12, 13, 14, 15);
    rows[6 * stride] = SHUF(s2, s6, 4, 5, 6, 7, 12, 13, 14, 15);
    rows[7 * stride] = SHUF(s3, s7, 4, 5, 6, 7, 12, 13, 14, 15);
}
#undef LOAD_LANE
#undef SHUF
#define HAVE_TRANSPOSE8 1
#else
#define HAVE_TRANSPOSE8 0
#endif

/* The transposed phase rows of n_steps steps whose first window starts at
 * stream sample w0: with lane l's span starting at first_l = w0 + l n_steps m,
 *     rows[u][l] = stream[first_l + u] - offset   for u < (n_steps + q - 1) m,
 * which is T_p[t][l] at u = t m + p (the kernel reads phase p of step t
 * there), zero past the stream's end (what only dropped outputs or zero
 * taps read).  Each lane reads its 8-sample blocks from the history or the
 * input, where they lie; a block that crosses from one to the other (one
 * per lane whose span holds the history's end: the spans overlap by q - 1
 * steps) is assembled in `cross`. */
ICTUS_SIMD_CLONES
static void fill_rows(decimator *d, const stream *s, size_t w0, size_t n_steps)
{
    const size_t m = (size_t)d->m, len = (n_steps + (size_t)d->q - 1) * m;
    const size_t fill = d->fill, total = fill + s->n_in;
    const float offset = d->offset;
    size_t first[LANES], avail[LANES], all_avail = len;
    for (size_t l = 0; l < LANES; l++) {
        first[l] = w0 + l * n_steps * m;
        avail[l] = first[l] < total ? total - first[l] : 0;
        if (avail[l] > len)
            avail[l] = len;
        if (avail[l] < all_avail)
            all_avail = avail[l];
    }
    size_t u = 0;
#if HAVE_TRANSPOSE8
    /* A row of LANES floats is LANES / BLOCK vectors; lanes g BLOCK ..
     * (g + 1) BLOCK - 1 are its vector g, transposed together. */
    const size_t groups = LANES / BLOCK;
    /* Blocks before `in_from`: some lane still reads the history. */
    size_t in_from = 0;
    for (size_t l = 0; l < LANES; l++)
        if (first[l] < fill && fill - first[l] > in_from)
            in_from = fill - first[l];
    float cross[LANES][BLOCK];
    for (; u + BLOCK <= all_avail && u < in_from; u += BLOCK) {
        const float *src[LANES];
        for (size_t l = 0; l < LANES; l++) {
            size_t v = first[l] + u;
            if (v + BLOCK <= fill) {
                src[l] = d->x + v;
            } else if (v >= fill) {
                src[l] = s->in + (v - fill);
            } else {
                for (size_t r = 0; r < BLOCK; r++)
                    cross[l][r] = sample_at(d, s, v + r);
                src[l] = cross[l];
            }
        }
        for (size_t g = 0; g < groups; g++)
            transpose8(src + g * BLOCK, 0, offset, (vfloat8 *)d->rows + u * groups + g, groups);
    }
    /* The rest: every lane reads the input, from fixed pointers. */
    if (u + BLOCK <= all_avail) {
        const float *src[LANES];
        for (size_t l = 0; l < LANES; l++)
            src[l] = s->in + (first[l] + u - fill);
        const size_t u0 = u;
        for (; u + BLOCK <= all_avail; u += BLOCK)
            for (size_t g = 0; g < groups; g++)
                transpose8(src + g * BLOCK, u - u0, offset,
                           (vfloat8 *)d->rows + u * groups + g, groups);
    }
#endif
    for (; u < len; u++)
        for (size_t l = 0; l < LANES; l++)
            d->rows[u * LANES + l] = u < avail[l] ? sample_at(d, s, first[l] + u) - offset : 0;
}

/* out[l n_steps + i] = y[i][l] for the n outputs (j = l n_steps + i < n):
 * the kernel's steps back into runs, 8 x 8 blocks (8 steps of 8 lanes) by
 * transpose8(). */
ICTUS_SIMD_CLONES
static void store_outputs(const float *restrict y, size_t n_steps, size_t n,
                          float *restrict out)
{
    size_t i = 0;
#if HAVE_TRANSPOSE8
    for (; i + BLOCK <= n_steps; i += BLOCK)
        for (size_t g = 0; g < LANES / BLOCK; g++) {
            const float *src[BLOCK];
            for (size_t r = 0; r < BLOCK; r++)
                src[r] = y + (i + r) * LANES + g * BLOCK;
            vfloat8 runs[BLOCK];
            transpose8(src, 0, 0.0f, runs, 1);
            for (size_t l = 0; l < BLOCK; l++) {
                size_t j = (g * BLOCK + l) * n_steps + i;
                if (j + BLOCK <= n)
                    memcpy(out + j, &runs[l], sizeof runs[l]);
                else
                    for (size_t r = 0; r < BLOCK && j + r < n; r++)
                        out[j + r] = runs[l][r];
            }
        }
#endif
    for (; i < n_steps; i++)
        for (size_t l = 0; l < LANES; l++)
            if (l * n_steps + i < n)
                out[l * n_steps + i] = y[i * LANES + l];
}

/* Whether any flag of stream samples [v, v + n) is set. */
static bool any_flag_in(const decimator *d, const stream *s, size_t v, size_t n)
{
    bool any = false;
    if (v < d->fill) {
        size_t k = d->fill - v < n ? d->fill - v : n;
        any = any_flag(d->flags + v, k);
        v += k;
        n -= k;
    }
    return any || (n > 0 && any_flag(s->in_flags + (v - d->fill), n));
}

/* Compute the outputs that are ready (window and flags inside the stream),
 * at most `room`; returns how many. */
static size_t emit(decimator *d, const stream *s, float *out, uint8_t *out_flags, size_t room)
{
    int64_t last_ready = d->base + (int64_t)(d->fill + s->n_in) - 1 - d->ahead;
    if (last_ready < d->next || room == 0)
        return 0;
    size_t n = (size_t)((last_ready - d->next) / d->m) + 1;
    if (n > room)
        n = room;
    if (n > d->max_out)
        n = d->max_out;
    const size_t m = (size_t)d->m;
    size_t n_steps = (n + LANES - 1) / LANES;
    n_steps = (n_steps + STEPS - 1) / STEPS * STEPS;
    assert(n_steps <= d->max_steps);
    fill_rows(d, s, (size_t)(d->next - d->delay - d->base), n_steps);
    fir_steps(d->taps, (size_t)d->delay, m, d->rows, n_steps, d->offset, d->y);
    store_outputs(d->y, n_steps, n, out);
    size_t v = (size_t)(d->next - d->base);
    if (!any_flag_in(d, s, v, n * m)) {
        memset(out_flags, 0, n);
    } else {
        for (size_t j = 0; j < n; j++, v += m) {
            uint8_t any = 0;
            for (size_t k = 0; k < m; k++)
                any |= flag_at(d, s, v + k);
            out_flags[j] = any;
        }
    }
    d->next += (int64_t)(n * m);
    return n;
}

/* After an emit: drop the history no future window reaches, pass over the
 * input before the next window, and keep as much of the rest of the input
 * (n samples at in) as the history holds; returns how many input samples
 * that took (all of them unless an emit was cut short). */
static size_t keep(decimator *d, const float *in, const uint8_t *in_flags, size_t n)
{
    const int64_t keep_from = d->next - d->delay;
    size_t shift = keep_from > d->base ? (size_t)(keep_from - d->base) : 0;
    if (shift > d->fill)
        shift = d->fill;
    if (shift > 0) {
        memmove(d->x, d->x + shift, (d->fill - shift) * sizeof *d->x);
        memmove(d->flags, d->flags + shift, d->fill - shift);
        d->base += (int64_t)shift;
        d->fill -= shift;
    }
    if (n == 0)
        return 0;
    /* The history is empty when the next window starts past it. */
    const int64_t in_start = d->base + (int64_t)d->fill;
    size_t skip = keep_from > in_start ? (size_t)(keep_from - in_start) : 0;
    if (skip > n)
        skip = n;
    d->base += (int64_t)skip;
    size_t take = n - skip;
    if (take > d->cap - d->fill)
        take = d->cap - d->fill;
    memcpy(d->x + d->fill, in + skip, take * sizeof *in);
    memcpy(d->flags + d->fill, in_flags + skip, take);
    d->fill += take;
    if (skip + take > 0)
        d->last = in[skip + take - 1];
    return skip + take;
}

/* Append n copies of value (flags 0): the edge padding. */
static void pad(decimator *d, float value, size_t n)
{
    assert(d->fill + n <= d->cap);
    for (size_t i = 0; i < n; i++)
        d->x[d->fill + i] = value;
    memset(d->flags + d->fill, 0, n);
    d->fill += n;
}

/* ===== The stage ===== */

static ictus_status start(ictus_stage *st, const ictus_settings *set, double fs_in_hz,
                          double *fs_out_hz, ictus_error *err)
{
    decimator *d = st->priv;
    double ratio = floor(fs_in_hz / set->analysis_hz + 1e-9);
    if (!(ratio >= 2)) {
        *fs_out_hz = fs_in_hz;
        st->bypass = 1;
        return ICTUS_OK;
    }
    if (ratio > 1e6)
        return ictus_fail(err, ICTUS_ERR_CONFIG,
                          "settings: [signal] analysis_hz = %g: a channel at %g Hz would be "
                          "decimated by %g", set->analysis_hz, fs_in_hz, ratio);
    if (!(set->decimate_atten_db >= 8))
        return ictus_fail(err, ICTUS_ERR_CONFIG,
                          "settings: [signal] decimate_atten_db = %g: the Kaiser design "
                          "needs at least 8 dB", set->decimate_atten_db);
    d->m = (int)ratio;
    *fs_out_hz = fs_in_hz / d->m;
    double nyq_in_hz = 0.5 * fs_in_hz, nyq_out_hz = *fs_out_hz / 2;
    double pass_hz = 0.8 * nyq_out_hz, stop_hz = 1.2 * nyq_out_hz;
    double beta;
    ictus_kaiserord(set->decimate_atten_db, (stop_hz - pass_hz) / nyq_in_hz, &d->n_taps, &beta);
    d->n_taps |= 1;
    d->delay = (d->n_taps - 1) / 2;
    d->n_padded = (d->n_taps + BLOCK - 1) / BLOCK * BLOCK;
    d->ahead = d->n_padded - 1 - d->delay;
    if (d->ahead < d->m - 1)
        d->ahead = d->m - 1;
    d->atten_db = set->decimate_atten_db;

    d->q = (d->n_taps + d->m - 1) / d->m;
    d->q += d->q % 2;
    double *h = ictus_xmalloc((size_t)d->n_taps * sizeof *h);
    ictus_firwin_kaiser(d->n_taps, nyq_out_hz / nyq_in_hz, beta, h);
    d->taps = ictus_xcalloc((size_t)d->delay + 1, sizeof *d->taps);
    for (int j = 0; j <= d->delay; j++)
        d->taps[j] = (float)h[d->n_taps - 1 - j];
    free(h);

    /* Room for a chunk on top of the longest history: delay samples before
     * the next window plus ahead after it, and ahead more of end padding. */
    d->cap = CHUNK + 2 * (size_t)(d->n_padded + d->m);
    d->x = ictus_xmalloc(d->cap * sizeof *d->x);
    d->flags = ictus_xmalloc(d->cap);
    /* One emit makes at most one output per m samples of the history's
     * capacity (more input is taken by the next emit). */
    d->max_out = d->cap / (size_t)d->m + 1;
    d->max_steps = ((d->max_out + LANES - 1) / LANES + STEPS - 1) / STEPS * STEPS;
    d->rows = vectors_alloc((size_t)d->m * (d->max_steps + (size_t)d->q) * LANES);
    d->y = vectors_alloc(d->max_steps * LANES);
    return ICTUS_OK;
}

static void reset(ictus_stage *st, int64_t first_index, int64_t *out_index)
{
    decimator *d = st->priv;
    assert(first_index >= 0);
    d->next = (first_index + d->m - 1) / d->m * d->m;
    d->base = first_index - d->delay;
    d->fill = 0;
    d->started = d->padded = false;
    *out_index = d->next / d->m;
}

static void process(ictus_stage *st, const float *in, const uint8_t *in_flags, size_t *n_in,
                    float *out, uint8_t *out_flags, size_t *n_out)
{
    decimator *d = st->priv;
    size_t consumed = 0, produced = 0;
    if (*n_in > 0 && !d->started) {
        /* The first sample: continue it backwards over the first window. */
        d->offset = in[0];
        d->last = in[0];
        pad(d, in[0], (size_t)d->delay);
        d->started = true;
    }
    while (d->started) {
        stream s = {in + consumed, in_flags + consumed, *n_in - consumed};
        size_t made = emit(d, &s, out + produced, out_flags + produced, *n_out - produced);
        produced += made;
        size_t taken = keep(d, s.in, s.in_flags, s.n_in);
        consumed += taken;
        if (taken == 0 && made == 0)
            break;
    }
    *n_in = consumed;
    *n_out = produced;
}

static void drain(ictus_stage *st, float *out, uint8_t *out_flags, size_t *n_out)
{
    decimator *d = st->priv;
    size_t produced = 0;
    const stream none = {NULL, NULL, 0};
    while (d->started) {
        /* Continue the last value exactly far enough for the last output's
         * window: then the last ready output is the last real sample's. */
        if (!d->padded && d->cap - d->fill >= (size_t)d->ahead) {
            pad(d, d->last, (size_t)d->ahead);
            d->padded = true;
        }
        size_t made = emit(d, &none, out + produced, out_flags + produced, *n_out - produced);
        produced += made;
        keep(d, NULL, NULL, 0);
        if (made == 0)
            break;
    }
    *n_out = produced;
}

static void bounds(const ictus_stage *st, double *ratio, size_t *extra)
{
    const decimator *d = st->priv;
    *ratio = 1.0 / d->m;
    *extra = (size_t)(d->ahead / d->m) + 1;
}

static void stop(ictus_stage *st)
{
    decimator *d = st->priv;
    free(d->taps);
    free(d->rows);
    free(d->y);
    free(d->x);
    free(d->flags);
    d->taps = d->rows = d->y = d->x = NULL;
    d->flags = NULL;
}

static void describe(const ictus_stage *st, char *buf, size_t size)
{
    const decimator *d = st->priv;
    if (st->bypass)
        snprintf(buf, size, "decimate");
    else
        snprintf(buf, size, "decimate(%d, %d taps %g dB)", d->m, d->n_taps, d->atten_db);
}

const ictus_stage_desc ictus_stage_decimate = {
    .name = "decimate",
    .priv_size = sizeof(decimator),
    .start = start,
    .reset = reset,
    .process = process,
    .drain = drain,
    .bounds = bounds,
    .stop = stop,
    .describe = describe,
};
