/* chain.c: run one channel's samples through the registered stages and the
 * framer, handling gaps by draining and resetting the stages; or several
 * channels at once (ictus_chain_push_lanes), each still its own chain, with
 * the stage that has a process_lanes hook run across them. */
#include "pipeline/chain.h"

#include <assert.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/features/framer.h"
#include "pipeline/dsp/stage.h"

/* Input is fed to the stages in pieces of at most this many samples, so
 * every stage's output fits the work buffers. */
#define PIECE 4096

struct ictus_chain {
    const ictus_settings *set;
    int channel;
    double fs_hz;
    int n_stages;            /* active (not bypassed) stages */
    ictus_stage *stages;
    size_t buf_cap;
    float *buf[2];           /* ping-pong work buffers */
    uint8_t *flag_buf[2];
    ictus_framer *framer;
    int64_t next_in;         /* expected index of the next input sample; -1 before the first */
    int64_t next_out;        /* analysis index of the next sample the last stage produces */
    int decimation;
    char description[256];
};

static void stop_stage(ictus_stage *st)
{
    if (st->desc->stop)
        st->desc->stop(st);
    free(st->priv);
}

void ictus_chain_destroy(ictus_chain *ch)
{
    if (!ch)
        return;
    for (int i = 0; i < ch->n_stages; i++)
        stop_stage(&ch->stages[i]);
    free(ch->stages);
    for (int i = 0; i < 2; i++) {
        free(ch->buf[i]);
        free(ch->flag_buf[i]);
    }
    ictus_framer_destroy(ch->framer);
    free(ch);
}

ictus_status ictus_chain_create(const ictus_settings *set, int channel, double fs_hz,
                                ictus_chain **out, ictus_error *err)
{
    *out = NULL;
    ictus_chain *ch = ictus_xcalloc(1, sizeof *ch);
    ch->set = set;
    ch->channel = channel;
    ch->fs_hz = fs_hz;
    ch->next_in = -1;
    ch->stages = ictus_xcalloc((size_t)ictus_stage_registry_count, sizeof(ictus_stage));
    double fs = fs_hz, ratio_total = 1.0;
    size_t extra_max = 0;
    size_t len = 0;
    ch->description[0] = '\0';
    for (int i = 0; i < ictus_stage_registry_count; i++) {
        ictus_stage *st = &ch->stages[ch->n_stages];
        *st = (ictus_stage){.desc = ictus_stage_registry[i], .fs_in_hz = fs};
        st->priv = ictus_xcalloc(1, st->desc->priv_size ? st->desc->priv_size : 1);
        double fs_out = fs;
        ictus_status status = st->desc->start(st, set, fs, &fs_out, err);
        if (status != ICTUS_OK) {
            stop_stage(st);
            ictus_chain_destroy(ch);
            return status;
        }
        if (st->bypass) {
            stop_stage(st);
            continue;
        }
        st->fs_out_hz = fs_out;
        if (fs_out != fs)
            ch->decimation = (int)lround(fs / fs_out);
        fs = fs_out;
        ictus_stage *prev = ch->n_stages > 0 ? &ch->stages[ch->n_stages - 1] : NULL;
        if (prev && prev->desc->fuse && prev->desc->fuse == st->desc->fuse &&
            prev->desc->fuse(prev, st)) {
            stop_stage(st);
            continue;
        }
        ch->n_stages++;
    }
    /* buffers and description, now that the stages are final */
    for (int i = 0; i < ch->n_stages; i++) {
        const ictus_stage *st = &ch->stages[i];
        double ratio = 1.0;
        size_t extra = 0;
        if (st->desc->bounds)
            st->desc->bounds(st, &ratio, &extra);
        ratio_total *= ratio;
        if (extra > extra_max)
            extra_max = extra;
        char d[600];
        if (st->desc->describe)
            st->desc->describe(st, d, sizeof d);
        else
            snprintf(d, sizeof d, "%s", st->desc->name);
        len += (size_t)snprintf(ch->description + len, sizeof ch->description - len, "%s%s",
                                len ? " " : "", d);
        if (len >= sizeof ch->description)
            len = sizeof ch->description - 1;
    }
    if (!ch->decimation)
        ch->decimation = 1;
    /* A stage may be fed a whole work buffer (when it follows a stage), so
     * the buffers must hold what PIECE inputs can grow to at any point. */
    ch->buf_cap = (size_t)ceil(PIECE * (ratio_total > 1 ? ratio_total : 1.0)) + PIECE +
                  2 * extra_max + 64;
    for (int i = 0; i < 2; i++) {
        ch->buf[i] = ictus_xmalloc(ch->buf_cap * sizeof(float));
        ch->flag_buf[i] = ictus_xmalloc(ch->buf_cap);
    }
    ictus_status status = ictus_framer_create(set, channel, fs, &ch->framer, err);
    if (status != ICTUS_OK) {
        ictus_chain_destroy(ch);
        return status;
    }
    *out = ch;
    return ICTUS_OK;
}

/* Run n samples through stages [from, n_stages) and into the framer.
 * in may be one of the work buffers (then the stage writes to the other). */
static void run_from(ictus_chain *ch, int from, const float *in, const uint8_t *in_flags,
                     size_t n, ictus_frame_fn fn, void *ctx)
{
    for (int i = from; i < ch->n_stages && n > 0; i++) {
        int target = in == ch->buf[0] ? 1 : 0;
        size_t n_in = n, n_out = ch->buf_cap;
        ch->stages[i].desc->process(&ch->stages[i], in, in_flags, &n_in, ch->buf[target],
                                    ch->flag_buf[target], &n_out);
        assert(n_in == n); /* the buffers are sized so every stage consumes all */
        in = ch->buf[target];
        in_flags = ch->flag_buf[target];
        n = n_out;
    }
    if (n > 0) {
        ictus_framer_push(ch->framer, in, in_flags, n, ch->next_out, fn, ctx);
        ch->next_out += (int64_t)n;
    }
}

/* End of a segment: drain each stage in turn through the ones after it. */
static void drain_all(ictus_chain *ch, ictus_frame_fn fn, void *ctx)
{
    for (int i = 0; i < ch->n_stages; i++) {
        if (!ch->stages[i].desc->drain)
            continue;
        /* drain into the buffer run_from() will not write first */
        size_t n_out = ch->buf_cap;
        ch->stages[i].desc->drain(&ch->stages[i], ch->buf[1], ch->flag_buf[1], &n_out);
        run_from(ch, i + 1, ch->buf[1], ch->flag_buf[1], n_out, fn, ctx);
    }
}

static void reset_all(ictus_chain *ch, int64_t first_index)
{
    int64_t idx = first_index;
    for (int i = 0; i < ch->n_stages; i++) {
        int64_t out_idx = idx;
        ch->stages[i].desc->reset(&ch->stages[i], idx, &out_idx);
        idx = out_idx;
    }
    ch->next_out = idx;
}

/* The start of a push of n samples from first_index: a gap drains and
 * resets the stages. */
static void begin_push(ictus_chain *ch, size_t n, int64_t first_index, ictus_frame_fn fn,
                       void *ctx)
{
    assert(ch->next_in < 0 || first_index >= ch->next_in);
    if (ch->next_in < 0) {
        reset_all(ch, first_index);
    } else if (first_index != ch->next_in) {
        drain_all(ch, fn, ctx);
        reset_all(ch, first_index);
    }
    ch->next_in = first_index + (int64_t)n;
}

void ictus_chain_push(ictus_chain *ch, const float *x, const uint8_t *flags, size_t n,
                      int64_t first_index, ictus_frame_fn fn, void *ctx)
{
    if (n == 0)
        return;
    begin_push(ch, n, first_index, fn, ctx);
    for (size_t done = 0; done < n;) {
        size_t m = n - done < PIECE ? n - done : PIECE;
        run_from(ch, 0, x + done, flags + done, m, fn, ctx);
        done += m;
    }
}

/* ===== Several chains at once ===== */

/* The first stage that runs in lanes, if every chain of k runs the same
 * stages (then they have the same rates too); -1 otherwise. */
static int lanes_stage(ictus_chain *const *chains, int k)
{
    const ictus_chain *c0 = chains[0];
    for (int c = 1; c < k; c++) {
        if (chains[c]->n_stages != c0->n_stages)
            return -1;
        for (int i = 0; i < c0->n_stages; i++)
            if (chains[c]->stages[i].desc != c0->stages[i].desc)
                return -1;
    }
    for (int i = 0; i < c0->n_stages; i++)
        if (c0->stages[i].desc->process_lanes)
            return i;
    return -1;
}

/* Run n samples through stages [from, to) of ch, as run_from() does, and
 * stop there: *out, *out_flags, *n_out receive the last stage's output
 * (the input itself when from == to). */
static void run_until(ictus_chain *ch, int from, int to, const float *in,
                      const uint8_t *in_flags, size_t n, const float **out,
                      const uint8_t **out_flags, size_t *n_out)
{
    for (int i = from; i < to && n > 0; i++) {
        int target = in == ch->buf[0] ? 1 : 0;
        size_t n_in = n, n_made = ch->buf_cap;
        ch->stages[i].desc->process(&ch->stages[i], in, in_flags, &n_in, ch->buf[target],
                                    ch->flag_buf[target], &n_made);
        assert(n_in == n);
        in = ch->buf[target];
        in_flags = ch->flag_buf[target];
        n = n_made;
    }
    *out = in;
    *out_flags = in_flags;
    *n_out = n;
}

enum { MAX_LANES = 64 }; /* chains one push_lanes call runs side by side */

/* One chain's piece between the stages: its samples before stage g (in),
 * where stage g writes (out, the other work buffer), and how many. */
typedef struct {
    const float *in;
    const uint8_t *in_flags;
    float *out;
    uint8_t *out_flags;
    size_t n;
} lane_piece;

/* Stage g of the k chains with a piece (n > 0): over the first `common`
 * samples side by side (process_lanes), over the rest of each piece alone
 * (a cascade's output does not depend on where its input is cut). */
static void run_stage_lanes(ictus_chain *const *chains, int k, int g, lane_piece *pieces,
                            size_t common)
{
    ictus_stage *sts[MAX_LANES];
    const float *in[MAX_LANES];
    const uint8_t *in_flags[MAX_LANES];
    float *out[MAX_LANES];
    uint8_t *out_flags[MAX_LANES];
    int lanes = 0;
    for (int c = 0; c < k; c++) {
        lane_piece *p = &pieces[c];
        if (p->n == 0)
            continue;
        ictus_chain *ch = chains[c];
        int target = p->in == ch->buf[0] ? 1 : 0;
        p->out = ch->buf[target];
        p->out_flags = ch->flag_buf[target];
        sts[lanes] = &ch->stages[g];
        in[lanes] = p->in;
        in_flags[lanes] = p->in_flags;
        out[lanes] = p->out;
        out_flags[lanes] = p->out_flags;
        lanes++;
    }
    if (lanes == 0)
        return;
    sts[0]->desc->process_lanes(sts, lanes, in, in_flags, out, out_flags, common);
    for (int c = 0; c < k; c++) {
        lane_piece *p = &pieces[c];
        if (p->n <= common)
            continue;
        ictus_stage *st = &chains[c]->stages[g];
        size_t n_in = p->n - common, n_made = chains[c]->buf_cap - common;
        st->desc->process(st, p->in + common, p->in_flags + common, &n_in, p->out + common,
                          p->out_flags + common, &n_made);
        assert(n_in == p->n - common && n_made == n_in);
    }
}

void ictus_chain_push_lanes(ictus_chain *const *chains, int k, const float *const *x,
                            const uint8_t *const *flags, const size_t *n,
                            const int64_t *first_index, ictus_frame_fn fn, void *const *ctx)
{
    int g = k > 1 && k <= MAX_LANES ? lanes_stage(chains, k) : -1;
    if (g < 0) {
        for (int c = 0; c < k; c++)
            ictus_chain_push(chains[c], x[c], flags[c], n[c], first_index[c], fn, ctx[c]);
        return;
    }
    size_t done[MAX_LANES];
    for (int c = 0; c < k; c++) {
        done[c] = 0;
        if (n[c] > 0)
            begin_push(chains[c], n[c], first_index[c], fn, ctx[c]);
    }
    for (;;) {
        /* A piece of each chain's input through the stages before g, stage g
         * across the chains, then the stages after g and the framer. */
        lane_piece pieces[MAX_LANES];
        size_t common = SIZE_MAX;
        bool any = false;
        for (int c = 0; c < k; c++) {
            pieces[c] = (lane_piece){0};
            if (done[c] >= n[c])
                continue;
            any = true;
            size_t m = n[c] - done[c] < PIECE ? n[c] - done[c] : PIECE;
            run_until(chains[c], 0, g, x[c] + done[c], flags[c] + done[c], m, &pieces[c].in,
                      &pieces[c].in_flags, &pieces[c].n);
            done[c] += m;
            if (pieces[c].n > 0 && pieces[c].n < common)
                common = pieces[c].n;
        }
        if (!any)
            break;
        run_stage_lanes(chains, k, g, pieces, common);
        for (int c = 0; c < k; c++)
            if (pieces[c].n > 0)
                run_from(chains[c], g + 1, pieces[c].out, pieces[c].out_flags, pieces[c].n, fn,
                         ctx[c]);
    }
}

void ictus_chain_finish(ictus_chain *ch, ictus_frame_fn fn, void *ctx)
{
    if (ch->next_in >= 0)
        drain_all(ch, fn, ctx);
    ictus_framer_finish(ch->framer);
}

int64_t ictus_chain_progress(const ictus_chain *ch)
{
    return ictus_framer_progress(ch->framer);
}

double ictus_chain_analysis_hz(const ictus_chain *ch)
{
    return ch->fs_hz / ch->decimation;
}

int ictus_chain_decimation(const ictus_chain *ch)
{
    return ch->decimation;
}

int ictus_chain_window_samples(const ictus_chain *ch)
{
    return ictus_framer_window_samples(ch->framer);
}

const char *ictus_chain_describe(const ictus_chain *ch)
{
    return ch->description;
}
