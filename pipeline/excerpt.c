/* excerpt.c: read a window of a recording and reduce each channel to (min, max) screen columns. */
#include "pipeline/excerpt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/dsp/stage.h"

/* The stages an excerpt runs when filtered: the chain's, without decimation. */
static const ictus_stage_desc *const filter_stages[] = {&ictus_stage_highpass, &ictus_stage_notch};
enum { N_FILTER_STAGES = sizeof filter_stages / sizeof filter_stages[0] };

/* One channel while reading. */
typedef struct {
    int source_channel;
    double fs_hz;
    int64_t *bounds;        /* [width + 1]: first sample index of each column; bounds[width] ends */
    int64_t lead;           /* first sample index read (bounds[0], or earlier for the filters) */
    int64_t next;           /* index after the last sample reduced, -1 before the first */
    int column;             /* column of the last sample reduced */
    ictus_stage stages[N_FILTER_STAGES];
    int n_stages;           /* started, not bypassed */
} channel_state;

/* The first sample index of a channel at fs_hz at or after t_us µs:
 * ceil(t_us * fs_hz / 1e6), exact for whole-number rates. */
static int64_t first_index_at(int64_t t_us, double fs_hz)
{
    __extension__ typedef __int128 i128;
    if (fs_hz == floor(fs_hz) && fs_hz < 1e9) {
        i128 num = (i128)t_us * (int64_t)fs_hz;
        i128 q = num / 1000000;
        if (q * 1000000 < num)
            q++;
        return (int64_t)q;
    }
    return (int64_t)ceill((long double)t_us * fs_hz / 1e6L);
}

static ictus_status check_request(const ictus_recording_info *info,
                                  const ictus_excerpt_request *req, ictus_error *err)
{
    if (!(req->t0_us < req->t1_us))
        return ictus_fail(err, ICTUS_ERR_CONFIG, "%s: excerpt window [%lld, %lld) us is empty",
                          info->path, (long long)req->t0_us, (long long)req->t1_us);
    if (req->width < 1 || req->width > ICTUS_EXCERPT_MAX_WIDTH)
        return ictus_fail(err, ICTUS_ERR_CONFIG, "%s: excerpt width %d: expected 1..%d columns",
                          info->path, req->width, ICTUS_EXCERPT_MAX_WIDTH);
    if (req->channels && req->n_channels < 1)
        return ictus_fail(err, ICTUS_ERR_CONFIG, "%s: excerpt of %d channels", info->path,
                          req->n_channels);
    for (int c = 0; req->channels && c < req->n_channels; c++)
        if (req->channels[c] < 0 || req->channels[c] >= info->n_channels)
            return ictus_fail(err, ICTUS_ERR_CONFIG,
                              "%s: excerpt channel %d: the recording has channels 0..%d",
                              info->path, req->channels[c], info->n_channels - 1);
    return ICTUS_OK;
}

static void stop_stages(channel_state *cs)
{
    for (int k = 0; k < cs->n_stages; k++) {
        if (cs->stages[k].desc->stop)
            cs->stages[k].desc->stop(&cs->stages[k]);
        free(cs->stages[k].priv);
    }
    cs->n_stages = 0;
}

static ictus_status start_stages(channel_state *cs, const ictus_settings *set, ictus_error *err)
{
    for (int k = 0; k < N_FILTER_STAGES; k++) {
        ictus_stage *st = &cs->stages[cs->n_stages];
        *st = (ictus_stage){.desc = filter_stages[k], .fs_in_hz = cs->fs_hz};
        st->priv = ictus_xcalloc(1, st->desc->priv_size ? st->desc->priv_size : 1);
        ictus_status status = st->desc->start(st, set, cs->fs_hz, &st->fs_out_hz, err);
        if (status == ICTUS_OK && st->fs_out_hz != cs->fs_hz)
            status = ictus_fail(err, ICTUS_ERR_CONFIG, "excerpt: stage %s changes the rate",
                                st->desc->name);
        if (status != ICTUS_OK || st->bypass) {
            if (st->desc->stop && status == ICTUS_OK)
                st->desc->stop(st);
            free(st->priv);
            if (status != ICTUS_OK)
                return status;
            continue;
        }
        cs->n_stages++;
    }
    return ICTUS_OK;
}

/* Run n samples through the channel's n_stages >= 1 stages (one output per input: the
 * high-pass and notch are IIR stages) into out/out_flags; `tmp`, `tmp_flags`
 * are scratch of n. */
static void filter(channel_state *cs, const float *in, const uint8_t *in_flags, size_t n,
                   float *out, uint8_t *out_flags, float *tmp, uint8_t *tmp_flags)
{
    /* Stage k writes to out when the stages after it are an even number, so
     * that the last one lands in out. */
    const float *x = in;
    const uint8_t *xf = in_flags;
    for (int k = 0; k < cs->n_stages; k++) {
        bool to_out = (cs->n_stages - 1 - k) % 2 == 0;
        float *y = to_out ? out : tmp;
        uint8_t *yf = to_out ? out_flags : tmp_flags;
        size_t done = 0;
        while (done < n) {
            size_t n_in = n - done, n_out = n - done;
            cs->stages[k].desc->process(&cs->stages[k], x + done, xf + done, &n_in, y + done,
                                        yf + done, &n_out);
            done += n_in;
        }
        x = y;
        xf = yf;
    }
}

/* Fold samples x[0..n) with indices first.. into the columns. */
static void reduce(channel_state *cs, ictus_excerpt_channel *ch, int width, const float *x,
                   const uint8_t *flags, int64_t first, int64_t n)
{
    int64_t from = cs->bounds[0] > first ? cs->bounds[0] - first : 0;
    int j = cs->column;
    for (int64_t k = from; k < n; k++) {
        int64_t i = first + k;
        while (j < width && cs->bounds[j + 1] <= i)
            j++;
        if (j >= width)
            break;
        if (flags[k] & ICTUS_SAMPLE_MISSING)
            continue;
        float v = x[k];
        if (!(v >= ch->min[j]))
            ch->min[j] = v;
        if (!(v <= ch->max[j]))
            ch->max[j] = v;
        ch->n_samples++;
    }
    cs->column = j;
}

/* Take the part of block channel c that the excerpt needs. */
static void take(channel_state *cs, ictus_excerpt_channel *ch, int width, const ictus_block *blk,
                 int c, float *buf, uint8_t *buf_flags, float *tmp, uint8_t *tmp_flags)
{
    int64_t f = blk->first_index[c];
    int64_t s = f > cs->lead ? f : cs->lead;
    int64_t e = f + blk->n[c] < cs->bounds[width] ? f + blk->n[c] : cs->bounds[width];
    if (s >= e)
        return;
    const float *x = blk->samples[c] + (s - f);
    const uint8_t *xf = blk->flags[c] + (s - f);
    if (cs->n_stages > 0) {
        if (s != cs->next) {
            int64_t out_index;
            for (int k = 0; k < cs->n_stages; k++)
                cs->stages[k].desc->reset(&cs->stages[k], s, &out_index);
        }
        filter(cs, x, xf, (size_t)(e - s), buf, buf_flags, tmp, tmp_flags);
        x = buf;
        xf = buf_flags;
    }
    reduce(cs, ch, width, x, xf, s, e - s);
    cs->next = e;
}

static ictus_excerpt *new_excerpt(const ictus_recording_info *info,
                                  const ictus_excerpt_request *req, int n)
{
    ictus_excerpt *ex = ictus_xcalloc(1, sizeof *ex);
    ex->start_us = info->start_us;
    ex->duration_us = info->duration_us;
    ex->t0_us = req->t0_us;
    ex->t1_us = req->t1_us;
    ex->width = req->width;
    ex->filtered = req->filters != NULL;
    ex->n_channels = n;
    ex->channels = ictus_xcalloc((size_t)n, sizeof *ex->channels);
    for (int c = 0; c < n; c++) {
        int k = req->channels ? req->channels[c] : c;
        const ictus_channel_info *ci = &info->channels[k];
        ictus_excerpt_channel *ch = &ex->channels[c];
        snprintf(ch->label, sizeof ch->label, "%s", ci->label);
        snprintf(ch->unit, sizeof ch->unit, "%s", ci->is_voltage ? "uV" : ci->unit);
        ch->fs_hz = ci->fs_hz;
        ch->min = ictus_xmalloc((size_t)req->width * sizeof(float));
        ch->max = ictus_xmalloc((size_t)req->width * sizeof(float));
        for (int j = 0; j < req->width; j++)
            ch->min[j] = ch->max[j] = NAN;
    }
    return ex;
}

ictus_status ictus_excerpt_read(ictus_source *src, const ictus_excerpt_request *req,
                                ictus_excerpt **out, ictus_error *err)
{
    *out = NULL;
    const ictus_recording_info *info = ictus_source_info(src);
    ictus_status st = check_request(info, req, err);
    if (st != ICTUS_OK)
        return st;
    int n = req->channels ? req->n_channels : info->n_channels;
    int width = req->width;
    ictus_excerpt *ex = new_excerpt(info, req, n);
    channel_state *cs = ictus_xcalloc((size_t)(n ? n : 1), sizeof *cs);
    int64_t read_from = req->filters ? req->t0_us - ICTUS_EXCERPT_LEAD_US : req->t0_us;
    int64_t span = req->t1_us - req->t0_us;
    for (int c = 0; c < n && st == ICTUS_OK; c++) {
        cs[c].source_channel = req->channels ? req->channels[c] : c;
        cs[c].fs_hz = info->channels[cs[c].source_channel].fs_hz;
        cs[c].bounds = ictus_xmalloc((size_t)(width + 1) * sizeof(int64_t));
        for (int j = 0; j <= width; j++) {
            __extension__ typedef __int128 i128;
            int64_t t = req->t0_us + (int64_t)((i128)span * j / width);
            cs[c].bounds[j] = first_index_at(t, cs[c].fs_hz);
        }
        cs[c].lead = first_index_at(read_from, cs[c].fs_hz);
        cs[c].next = -1;
        if (req->filters)
            st = start_stages(&cs[c], req->filters, err);
    }

    ictus_block *blk = NULL;
    float *buf = NULL, *tmp = NULL;
    uint8_t *buf_flags = NULL, *tmp_flags = NULL;
    if (st == ICTUS_OK && n > 0 && req->t1_us > 0 && req->t0_us < info->duration_us) {
        blk = ictus_block_create(src);
        if (req->filters) {
            buf = ictus_xmalloc((size_t)blk->capacity * sizeof *buf);
            tmp = ictus_xmalloc((size_t)blk->capacity * sizeof *tmp);
            buf_flags = ictus_xmalloc((size_t)blk->capacity);
            tmp_flags = ictus_xmalloc((size_t)blk->capacity);
        }
        st = ictus_source_seek(src, read_from, err);
        while (st == ICTUS_OK) {
            st = ictus_source_read(src, blk, err);
            bool empty = true;
            for (int c = 0; c < blk->n_channels; c++)
                empty = empty && blk->n[c] == 0;
            if (st != ICTUS_OK || empty || blk->start_us >= req->t1_us)
                break;
            for (int c = 0; c < n; c++)
                take(&cs[c], &ex->channels[c], width, blk, cs[c].source_channel, buf, buf_flags,
                     tmp, tmp_flags);
        }
    }
    for (int c = 0; c < n; c++) {
        stop_stages(&cs[c]);
        free(cs[c].bounds);
    }
    free(cs);
    ictus_block_destroy(blk);
    free(buf);
    free(tmp);
    free(buf_flags);
    free(tmp_flags);
    if (st != ICTUS_OK) {
        ictus_excerpt_free(ex);
        return st;
    }
    *out = ex;
    return ICTUS_OK;
}

ictus_status ictus_excerpt_file(const char *path, const ictus_source_options *opt,
                                const ictus_excerpt_request *req, ictus_excerpt **out,
                                ictus_error *err)
{
    *out = NULL;
    ictus_source *src;
    ictus_status st = ictus_source_open(path, opt, &src, err);
    if (st != ICTUS_OK)
        return st;
    st = ictus_excerpt_read(src, req, out, err);
    ictus_source_close(src);
    return st;
}

void ictus_excerpt_free(ictus_excerpt *ex)
{
    if (!ex)
        return;
    for (int c = 0; c < ex->n_channels; c++) {
        free(ex->channels[c].min);
        free(ex->channels[c].max);
    }
    free(ex->channels);
    free(ex);
}
