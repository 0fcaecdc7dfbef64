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
 * The hot loop of the whole program: only the kept outputs are computed
 * (polyphase in effect), each as one float dot product over a linear
 * history buffer, vectorised (8 lanes).  The taps are stored reversed and
 * zero-padded to a multiple of 8, so the kernel also reads up to 7 samples
 * after a window (real input, or end padding) and multiplies them by 0; the
 * input must therefore be finite, as sources guarantee.  Every output is
 * computed from the same buffer contents in the same order, so the output
 * does not depend on block sizes.  The kernel filters x - x0 (x0 the
 * segment's first sample) and adds x0 back, so that an electrode offset of
 * 1e5 µV does not eat the float precision of a 10 µV signal.
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

enum {
    LANES = 8,    /* vector lanes of the dot product */
    CHUNK = 4096, /* input samples the history buffer takes at a time */
};

typedef struct {
    int m;           /* decimation factor, >= 2 */
    int n_taps;      /* FIR length, odd */
    int delay;       /* (n_taps - 1) / 2, in input samples */
    int n_padded;    /* n_taps rounded up to a multiple of LANES */
    int ahead;       /* input samples an output at i needs after i: the kernel's window end
                        and the flags' reach, max(n_padded - 1 - delay, m - 1) */
    double atten_db; /* for describe() */
    float *taps;     /* [n_padded]: h reversed, then zeros */
    float *x;        /* [cap]: x[p] = input sample of index base + p, minus offset */
    uint8_t *flags;  /* [cap]: the flags of the same samples */
    size_t cap, fill;
    int64_t base;    /* input index of x[0] */
    int64_t next;    /* input index of the next output, a multiple of m */
    float offset;    /* the segment's first sample */
    float last;      /* the last real input sample minus offset: the end padding */
    bool started;    /* a sample has arrived since reset */
    bool padded;     /* drain() has appended the end padding */
} decimator;

/* ===== The kernel ===== */

/* out[j] = offset + sum_k taps[k] x[j stride + k], k < n_padded (a multiple
 * of LANES), for j < n_out.  The 8 partial sums map onto one AVX register
 * (the x86-64-v3 clone) or two SSE registers; both give the same bits
 * (base/simd.h). */
ICTUS_SIMD_CLONES
static void fir_outputs(const float *restrict taps, size_t n_padded, const float *restrict x,
                        size_t stride, size_t n_out, float offset, float *restrict out)
{
    for (size_t j = 0; j < n_out; j++, x += stride) {
        float acc[LANES] = {0};
        for (size_t k = 0; k < n_padded; k += LANES)
            for (size_t l = 0; l < LANES; l++)
                acc[l] += taps[k + l] * x[k + l];
        out[j] = offset + (((acc[0] + acc[4]) + (acc[1] + acc[5])) +
                           ((acc[2] + acc[6]) + (acc[3] + acc[7])));
    }
}

/* dst[i] = src[i] - offset for i < n.  The main loop runs a multiple of
 * LANES times, which lets GCC -O2 (cheap vectoriser cost model) vectorise it. */
static void subtract(float *restrict dst, const float *restrict src, size_t n, float offset)
{
    size_t n_vec = n - n % LANES, i = 0;
    for (; i < n_vec; i++)
        dst[i] = src[i] - offset;
    for (; i < n; i++)
        dst[i] = src[i] - offset;
}

/* ===== The history buffer ===== */

/* Compute the outputs that are ready (window and flags inside the buffer),
 * at most `room`; returns how many. */
static size_t emit(decimator *d, float *out, uint8_t *out_flags, size_t room)
{
    int64_t last_ready = d->base + (int64_t)d->fill - 1 - d->ahead;
    if (last_ready < d->next || room == 0)
        return 0;
    size_t n = (size_t)((last_ready - d->next) / d->m) + 1;
    if (n > room)
        n = room;
    const size_t m = (size_t)d->m;
    fir_outputs(d->taps, (size_t)d->n_padded, d->x + (d->next - d->delay - d->base), m, n,
                d->offset, out);
    const uint8_t *f = d->flags + (d->next - d->base);
    /* Flags are rare: one vectorisable pass proves the span clean. */
    uint8_t any_at_all = 0;
    for (size_t k = 0; k < n * m; k++)
        any_at_all |= f[k];
    if (!any_at_all) {
        memset(out_flags, 0, n);
    } else {
        for (size_t j = 0; j < n; j++, f += m) {
            uint8_t any = 0;
            for (size_t k = 0; k < m; k++)
                any |= f[k];
            out_flags[j] = any;
        }
    }
    d->next += (int64_t)(n * m);
    return n;
}

/* Drop the samples no future window reaches. */
static void compact(decimator *d)
{
    int64_t keep_from = d->next - d->delay;
    size_t shift = keep_from > d->base ? (size_t)(keep_from - d->base) : 0;
    if (shift > d->fill)
        shift = d->fill;
    if (shift == 0)
        return;
    memmove(d->x, d->x + shift, (d->fill - shift) * sizeof *d->x);
    memmove(d->flags, d->flags + shift, d->fill - shift);
    d->base += (int64_t)shift;
    d->fill -= shift;
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
    d->n_padded = (d->n_taps + LANES - 1) / LANES * LANES;
    d->ahead = d->n_padded - 1 - d->delay;
    if (d->ahead < d->m - 1)
        d->ahead = d->m - 1;
    d->atten_db = set->decimate_atten_db;

    double *h = ictus_xmalloc((size_t)d->n_taps * sizeof *h);
    ictus_firwin_kaiser(d->n_taps, nyq_out_hz / nyq_in_hz, beta, h);
    d->taps = ictus_xcalloc((size_t)d->n_padded, sizeof *d->taps);
    for (int k = 0; k < d->n_taps; k++)
        d->taps[k] = (float)h[d->n_taps - 1 - k];
    free(h);

    /* Room for a chunk on top of the longest history: delay samples before
     * the next window plus ahead after it, and ahead more of end padding. */
    d->cap = CHUNK + 2 * (size_t)(d->n_padded + d->m);
    d->x = ictus_xmalloc(d->cap * sizeof *d->x);
    d->flags = ictus_xmalloc(d->cap);
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
        d->last = 0;
        pad(d, 0, (size_t)d->delay);
        d->started = true;
    }
    while (d->started) {
        size_t take = *n_in - consumed;
        if (take > d->cap - d->fill)
            take = d->cap - d->fill;
        if (take > 0) {
            subtract(d->x + d->fill, in + consumed, take, d->offset);
            memcpy(d->flags + d->fill, in_flags + consumed, take);
            d->last = d->x[d->fill + take - 1];
        }
        d->fill += take;
        consumed += take;
        size_t made = emit(d, out + produced, out_flags + produced, *n_out - produced);
        produced += made;
        compact(d);
        if (take == 0 && made == 0)
            break;
    }
    *n_in = consumed;
    *n_out = produced;
}

static void drain(ictus_stage *st, float *out, uint8_t *out_flags, size_t *n_out)
{
    decimator *d = st->priv;
    size_t produced = 0;
    while (d->started) {
        /* Continue the last value exactly far enough for the last output's
         * window: then the last ready output is the last real sample's. */
        if (!d->padded && d->cap - d->fill >= (size_t)d->ahead) {
            pad(d, d->last, (size_t)d->ahead);
            d->padded = true;
        }
        size_t made = emit(d, out + produced, out_flags + produced, *n_out - produced);
        produced += made;
        compact(d);
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
    free(d->x);
    free(d->flags);
    d->taps = d->x = NULL;
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
