/* excerpt.c: a window of a recording as (min, max) screen columns per channel, or a spectrogram. */
#include "pipeline/excerpt.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/dsp/stage.h"
#include "pipeline/features/spectrum.h"

/* The stages an excerpt runs when filtered: the chain's, without decimation. */
static const ictus_stage_desc *const filter_stages[] = {&ictus_stage_highpass, &ictus_stage_notch};
enum { N_FILTER_STAGES = sizeof filter_stages / sizeof filter_stages[0] };

/* One channel while reading: samples [lead, end) pass through the stages
 * into a sink, which either reduces them to columns (excerpts) or keeps
 * them (spectrograms). */
typedef struct channel_state channel_state;
typedef void sink_fn(channel_state *cs, const float *x, const uint8_t *flags, int64_t first,
                     int64_t n);
struct channel_state {
    int source_channel;
    double fs_hz;
    int64_t lead;           /* first sample index read (the window's, or earlier for the filters) */
    int64_t end;            /* index after the last sample read */
    int64_t next;           /* index after the last sample taken, -1 before the first */
    ictus_stage stages[N_FILTER_STAGES];
    int n_stages;           /* started, not bypassed */
    sink_fn *sink;
    /* excerpts */
    ictus_excerpt_channel *out;
    int width;
    int64_t *bounds;        /* [width + 1]: first sample index of each column; bounds[width] ends */
    int column;             /* column of the last sample reduced */
    /* spectrograms: samples lead..end-1, NaN where none was read */
    float *dense;
};

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

/* The window and column count every request shares; `what` names the product. */
static ictus_status check_window(const ictus_recording_info *info, const char *what, int64_t t0_us,
                                 int64_t t1_us, int columns, ictus_error *err)
{
    if (!(t0_us < t1_us))
        return ictus_fail(err, ICTUS_ERR_CONFIG, "%s: %s window [%lld, %lld) us is empty",
                          info->path, what, (long long)t0_us, (long long)t1_us);
    if (columns < 1 || columns > ICTUS_EXCERPT_MAX_WIDTH)
        return ictus_fail(err, ICTUS_ERR_CONFIG, "%s: %s of %d columns: expected 1..%d",
                          info->path, what, columns, ICTUS_EXCERPT_MAX_WIDTH);
    return ICTUS_OK;
}

/* A channel index the request names. */
static ictus_status check_channel(const ictus_recording_info *info, const char *what, int channel,
                                  ictus_error *err)
{
    if (channel < 0 || channel >= info->n_channels)
        return ictus_fail(err, ICTUS_ERR_CONFIG, "%s: %s channel %d: the recording has channels "
                          "0..%d", info->path, what, channel, info->n_channels - 1);
    return ICTUS_OK;
}

static ictus_status check_request(const ictus_recording_info *info,
                                  const ictus_excerpt_request *req, ictus_error *err)
{
    ictus_status st = check_window(info, "excerpt", req->t0_us, req->t1_us, req->width, err);
    if (st == ICTUS_OK && req->channels && req->n_channels < 1)
        st = ictus_fail(err, ICTUS_ERR_CONFIG, "%s: excerpt of %d channels", info->path,
                        req->n_channels);
    for (int c = 0; st == ICTUS_OK && req->channels && c < req->n_channels; c++)
        st = check_channel(info, "excerpt", req->channels[c], err);
    return st;
}

static void stop_stage(ictus_stage *st)
{
    if (st->desc->stop)
        st->desc->stop(st);
    free(st->priv);
}

static void stop_stages(channel_state *cs)
{
    for (int k = 0; k < cs->n_stages; k++)
        stop_stage(&cs->stages[k]);
    cs->n_stages = 0;
}

/* Start the filter stages at the channel's rate, as the chain does (a
 * bypassed one is stopped at once). */
static ictus_status start_stages(channel_state *cs, const ictus_settings *set, ictus_error *err)
{
    for (int k = 0; k < N_FILTER_STAGES; k++) {
        ictus_stage *st = &cs->stages[cs->n_stages];
        *st = (ictus_stage){.desc = filter_stages[k], .fs_in_hz = cs->fs_hz};
        st->priv = ictus_xcalloc(1, st->desc->priv_size ? st->desc->priv_size : 1);
        ictus_status status = st->desc->start(st, set, cs->fs_hz, &st->fs_out_hz, err);
        assert(status != ICTUS_OK || st->bypass || st->fs_out_hz == cs->fs_hz);
        if (status != ICTUS_OK || st->bypass)
            stop_stage(st);
        if (status != ICTUS_OK)
            return status;
        if (!st->bypass)
            cs->n_stages++;
    }
    return ICTUS_OK;
}

/* Run n samples through the channel's n_stages >= 1 stages (one output
 * per input: the high-pass and notch are IIR stages) into out/out_flags;
 * `tmp`, `tmp_flags` are scratch of n. */
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
            assert(n_in > 0 && n_out == n_in);
            done += n_in;
        }
        x = y;
        xf = yf;
    }
}

/* Fold samples x[0..n) with indices first.. into the columns. */
static void reduce(channel_state *cs, const float *x, const uint8_t *flags, int64_t first,
                   int64_t n)
{
    ictus_excerpt_channel *ch = cs->out;
    int width = cs->width;
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

/* Keep samples x[0..n) with indices first.. (all within [lead, end)). */
static void keep(channel_state *cs, const float *x, const uint8_t *flags, int64_t first,
                 int64_t n)
{
    float *to = cs->dense + (first - cs->lead);
    for (int64_t k = 0; k < n; k++)
        to[k] = flags[k] & ICTUS_SAMPLE_MISSING ? NAN : x[k];
}

/* Take the part of block channel c in [lead, end) through the stages into the sink. */
static void take(channel_state *cs, const ictus_block *blk, int c, float *buf, uint8_t *buf_flags,
                 float *tmp, uint8_t *tmp_flags)
{
    int64_t f = blk->first_index[c];
    int64_t s = f > cs->lead ? f : cs->lead;
    int64_t e = f + blk->n[c] < cs->end ? f + blk->n[c] : cs->end;
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
    cs->sink(cs, x, xf, s, e - s);
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

/* Read blocks from the one holding from_us until one starts at or after
 * to_us, handing each channel's [lead, end) to its sink (filtered when the
 * channel has stages). */
static ictus_status stream(ictus_source *src, channel_state *cs, int n, int64_t from_us,
                           int64_t to_us, ictus_error *err)
{
    const ictus_recording_info *info = ictus_source_info(src);
    if (n == 0 || to_us <= 0 || from_us >= info->duration_us)
        return ICTUS_OK;
    ictus_block *blk = ictus_block_create(src);
    float *buf = ictus_xmalloc((size_t)blk->capacity * sizeof *buf);
    float *tmp = ictus_xmalloc((size_t)blk->capacity * sizeof *tmp);
    uint8_t *buf_flags = ictus_xmalloc((size_t)blk->capacity);
    uint8_t *tmp_flags = ictus_xmalloc((size_t)blk->capacity);
    ictus_status st = ictus_source_seek(src, from_us, err);
    while (st == ICTUS_OK) {
        st = ictus_source_read(src, blk, err);
        if (st != ICTUS_OK || ictus_block_empty(blk) || blk->start_us >= to_us)
            break;
        for (int c = 0; c < n; c++)
            take(&cs[c], blk, cs[c].source_channel, buf, buf_flags, tmp, tmp_flags);
    }
    ictus_block_destroy(blk);
    free(buf);
    free(tmp);
    free(buf_flags);
    free(tmp_flags);
    return st;
}

/* Set up channel `k` of the source for reading [from_us, ...) with `filters` (or none). */
static ictus_status init_channel(channel_state *cs, const ictus_recording_info *info, int k,
                                 int64_t from_us, const ictus_settings *filters, ictus_error *err)
{
    cs->source_channel = k;
    cs->fs_hz = info->channels[k].fs_hz;
    cs->lead = first_index_at(from_us, cs->fs_hz);
    cs->next = -1;
    return filters ? start_stages(cs, filters, err) : ICTUS_OK;
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
        st = init_channel(&cs[c], info, req->channels ? req->channels[c] : c, read_from,
                          req->filters, err);
        cs[c].sink = reduce;
        cs[c].out = &ex->channels[c];
        cs[c].width = width;
        cs[c].bounds = ictus_xmalloc((size_t)(width + 1) * sizeof(int64_t));
        for (int j = 0; j <= width; j++) {
            __extension__ typedef __int128 i128;
            int64_t t = req->t0_us + (int64_t)((i128)span * j / width);
            cs[c].bounds[j] = first_index_at(t, cs[c].fs_hz);
        }
        cs[c].end = cs[c].bounds[width];
    }
    if (st == ICTUS_OK)
        st = stream(src, cs, n, read_from, req->t1_us, err);
    for (int c = 0; c < n; c++) {
        stop_stages(&cs[c]);
        free(cs[c].bounds);
    }
    free(cs);
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

/* ---------------------------------------------------------------- spectrograms */

static ictus_status check_spectrogram(const ictus_recording_info *info,
                                      const ictus_spectrogram_request *req, ictus_error *err)
{
    enum { MIN_FFT = 16, MAX_FFT = 65536 };
    ictus_status st = check_window(info, "spectrogram", req->t0_us, req->t1_us, req->n_times, err);
    if (st == ICTUS_OK)
        st = check_channel(info, "spectrogram", req->channel, err);
    if (st == ICTUS_OK && (req->n_fft < MIN_FFT || req->n_fft > MAX_FFT))
        st = ictus_fail(err, ICTUS_ERR_CONFIG, "%s: spectrogram n_fft %d: expected %d..%d",
                        info->path, req->n_fft, MIN_FFT, MAX_FFT);
    if (st == ICTUS_OK && !(req->max_hz >= 0))
        st = ictus_fail(err, ICTUS_ERR_CONFIG, "%s: spectrogram max_hz %g: expected >= 0",
                        info->path, req->max_hz);
    return st;
}

/* One row: the PSD of x[0..n) in dB, or NaN when a sample is missing. */
static void spectrogram_row(ictus_spectrum *sp, const float *x, int n, double *work, double *psd,
                            float *row, int n_freq)
{
    double sum = 0;
    for (int k = 0; k < n; k++) {
        if (isnan(x[k])) {
            for (int f = 0; f < n_freq; f++)
                row[f] = NAN;
            return;
        }
        work[k] = x[k];
        sum += x[k];
    }
    ictus_spectrum_psd(sp, work, sum / n, psd);
    double floor_psd = pow(10, ICTUS_SPECTROGRAM_FLOOR_DB / 10);
    for (int f = 0; f < n_freq; f++)
        row[f] = (float)(10 * log10(psd[f] > floor_psd ? psd[f] : floor_psd));
}

ictus_status ictus_spectrogram_read(ictus_source *src, const ictus_spectrogram_request *req,
                                    ictus_spectrogram **out, ictus_error *err)
{
    *out = NULL;
    const ictus_recording_info *info = ictus_source_info(src);
    ictus_status st = check_spectrogram(info, req, err);
    if (st != ICTUS_OK)
        return st;
    const ictus_channel_info *ci = &info->channels[req->channel];
    int n_fft = req->n_fft, n_times = req->n_times;
    int64_t span = req->t1_us - req->t0_us;
    /* Each row's first sample; the read covers them all plus the lead-in. */
    int64_t *first = ictus_xmalloc((size_t)n_times * sizeof *first);
    for (int j = 0; j < n_times; j++) {
        __extension__ typedef __int128 i128;
        int64_t middle = req->t0_us + (int64_t)((i128)span * (2 * j + 1) / (2 * n_times));
        first[j] = first_index_at(middle, ci->fs_hz) - n_fft / 2;
    }
    int64_t half_us = (int64_t)ceil((n_fft / 2 + 1) * 1e6 / ci->fs_hz);
    int64_t from_us = req->t0_us - half_us - (req->filters ? ICTUS_EXCERPT_LEAD_US : 0);
    channel_state cs = {0};
    st = init_channel(&cs, info, req->channel, from_us, req->filters, err);
    cs.sink = keep;
    cs.end = first[n_times - 1] + n_fft;
    if (st == ICTUS_OK && cs.end - cs.lead > ICTUS_SPECTROGRAM_MAX_SAMPLES)
        st = ictus_fail(err, ICTUS_ERR_CONFIG, "%s: spectrogram of %lld samples: at most %lld",
                        info->path, (long long)(cs.end - cs.lead),
                        (long long)ICTUS_SPECTROGRAM_MAX_SAMPLES);
    if (st == ICTUS_OK) {
        cs.dense = ictus_xmalloc((size_t)(cs.end - cs.lead) * sizeof(float));
        for (int64_t k = 0; k < cs.end - cs.lead; k++)
            cs.dense[k] = NAN;
        st = stream(src, &cs, 1, from_us, req->t1_us + half_us, err);
    }
    stop_stages(&cs);
    if (st != ICTUS_OK) {
        free(cs.dense);
        free(first);
        return st;
    }

    ictus_spectrum *sp = ictus_spectrum_create(n_fft, ci->fs_hz, ICTUS_WINDOW_HANN);
    int n_bins = ictus_spectrum_n_freq(sp);
    double df = ictus_spectrum_df_hz(sp);
    int n_freq = n_bins;
    if (req->max_hz > 0 && (int)floor(req->max_hz / df) + 1 < n_bins)
        n_freq = (int)floor(req->max_hz / df) + 1;
    ictus_spectrogram *sg = ictus_xcalloc(1, sizeof *sg);
    snprintf(sg->label, sizeof sg->label, "%s", ci->label);
    sg->fs_hz = ci->fs_hz;
    sg->t0_us = req->t0_us;
    sg->t1_us = req->t1_us;
    sg->n_times = n_times;
    sg->n_freq = n_freq;
    sg->df_hz = df;
    sg->db = ictus_xmalloc((size_t)n_times * (size_t)n_freq * sizeof(float));
    double *work = ictus_xmalloc((size_t)n_fft * sizeof *work);
    double *psd = ictus_xmalloc((size_t)n_bins * sizeof *psd);
    for (int j = 0; j < n_times; j++)
        spectrogram_row(sp, cs.dense + (first[j] - cs.lead), n_fft, work, psd,
                        sg->db + (size_t)j * (size_t)n_freq, n_freq);
    ictus_spectrum_destroy(sp);
    free(work);
    free(psd);
    free(cs.dense);
    free(first);
    *out = sg;
    return ICTUS_OK;
}

void ictus_spectrogram_free(ictus_spectrogram *sg)
{
    if (!sg)
        return;
    free(sg->db);
    free(sg);
}
