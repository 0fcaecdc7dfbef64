/* chain.c: run one channel's samples through the registered stages and the
 * framer, handling gaps by draining and resetting the stages. */
#include "pipeline/chain.h"

#include <assert.h>
#include <math.h>
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

void ictus_chain_push(ictus_chain *ch, const float *x, const uint8_t *flags, size_t n,
                      int64_t first_index, ictus_frame_fn fn, void *ctx)
{
    if (n == 0)
        return;
    assert(ch->next_in < 0 || first_index >= ch->next_in);
    if (ch->next_in < 0) {
        reset_all(ch, first_index);
    } else if (first_index != ch->next_in) {
        drain_all(ch, fn, ctx);
        reset_all(ch, first_index);
    }
    ch->next_in = first_index + (int64_t)n;
    for (size_t done = 0; done < n;) {
        size_t m = n - done < PIECE ? n - done : PIECE;
        run_from(ch, 0, x + done, flags + done, m, fn, ctx);
        done += m;
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
