/* framer.c: windows on the recording grid, shared per-window work (mean,
 * time-domain sums, PSD, clip count, running baselines) and the feature
 * registry calls. */
#include "pipeline/features/framer.h"

#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/grid.h"
#include "pipeline/dsp/runmed.h"
#include "pipeline/source/source.h"
#include "pipeline/features/spectrum.h"
#include "pipeline/features/timedomain.h"

/* Ring slot flag: no sample exists at this index (a gap). */
#define SLOT_ABSENT 0x80u

struct ictus_framer {
    const ictus_settings *set;
    int channel;
    double fs_hz;
    ictus_grid grid;
    int n;                 /* window length in samples */

    /* ring of the most recent samples, indexed by absolute index & mask */
    float *ring;
    uint8_t *ring_flags;
    int64_t mask;
    int64_t filled_to;     /* every index below this is known (present or absent) */
    int64_t next_k;        /* next window to emit */
    int64_t next_start;    /* a_{next_k} */
    int finished;

    /* per-window work arrays */
    double *x;
    double *abs_d;         /* [n]: the window's |x[i] − x[i−1]| (timedomain.h) */
    int *peaks;            /* [n]: its spike candidates */
    double *psd;
    ictus_spectrum *spectrum;
    ictus_feature *features;
    ictus_runmed *base_rms, *base_emg_power, *base_emg_share;
};

static int64_t window_start(const ictus_framer *fr, int64_t k)
{
    return ictus_grid_first_sample(&fr->grid, fr->fs_hz, k);
}

ictus_status ictus_framer_create(const ictus_settings *set, int channel, double fs_hz,
                                 ictus_framer **out, ictus_error *err)
{
    *out = NULL;
    ictus_grid grid;
    ictus_status st = ictus_grid_init(&grid, set->hop_s, set->win_s, err);
    if (st != ICTUS_OK)
        return st;
    int64_t n = ictus_grid_window_samples(&grid, fs_hz);
    if (n < 4)
        return ictus_fail(err, ICTUS_ERR_CONFIG,
                          "settings: a %g s window at %g Hz holds %" PRId64 " samples; at least 4 "
                          "needed", set->win_s, fs_hz, n);
    ictus_framer *fr = ictus_xcalloc(1, sizeof *fr);
    fr->set = set;
    fr->channel = channel;
    fr->fs_hz = fs_hz;
    fr->grid = grid;
    fr->n = (int)n;
    int64_t cap = 1;
    while (cap < 2 * n + (int64_t)ceil(ictus_grid_hop_samples(&grid, fs_hz)) + 2)
        cap <<= 1;
    fr->mask = cap - 1;
    fr->ring = ictus_xmalloc((size_t)cap * sizeof(float));
    fr->ring_flags = ictus_xmalloc((size_t)cap);
    memset(fr->ring_flags, SLOT_ABSENT, (size_t)cap);
    fr->x = ictus_xmalloc((size_t)n * sizeof(double));
    fr->abs_d = ictus_xmalloc((size_t)n * sizeof(double));
    fr->peaks = ictus_xmalloc((size_t)n * sizeof(int));
    fr->spectrum = ictus_spectrum_create(fr->n, fs_hz, set->window);
    fr->psd = ictus_xmalloc((size_t)ictus_spectrum_n_freq(fr->spectrum) * sizeof(double));
    fr->base_rms = ictus_runmed_create(set->baseline_windows);
    fr->base_emg_power = ictus_runmed_create(set->baseline_windows);
    fr->base_emg_share = ictus_runmed_create(set->baseline_windows);
    fr->features = ictus_xcalloc((size_t)ictus_feature_registry_count, sizeof(ictus_feature));
    for (int i = 0; i < ictus_feature_registry_count; i++) {
        ictus_feature *f = &fr->features[i];
        f->desc = ictus_feature_registry[i];
        f->set = set;
        f->priv = f->desc->priv_size ? ictus_xcalloc(1, f->desc->priv_size) : NULL;
        if (f->desc->start) {
            st = f->desc->start(f, set, fr->n, fs_hz, err);
            if (st != ICTUS_OK) {
                ictus_framer_destroy(fr);
                return st;
            }
        }
    }
    fr->next_start = window_start(fr, 0);
    *out = fr;
    return ICTUS_OK;
}

void ictus_framer_destroy(ictus_framer *fr)
{
    if (!fr)
        return;
    for (int i = 0; fr->features && i < ictus_feature_registry_count; i++) {
        ictus_feature *f = &fr->features[i];
        if (f->desc && f->desc->stop)
            f->desc->stop(f);
        free(f->priv);
    }
    free(fr->features);
    ictus_runmed_destroy(fr->base_rms);
    ictus_runmed_destroy(fr->base_emg_power);
    ictus_runmed_destroy(fr->base_emg_share);
    ictus_spectrum_destroy(fr->spectrum);
    free(fr->psd);
    free(fr->x);
    free(fr->abs_d);
    free(fr->peaks);
    free(fr->ring);
    free(fr->ring_flags);
    free(fr);
}

static double median_or_nan(const ictus_runmed *rm)
{
    return ictus_runmed_count(rm) > 0 ? ictus_runmed_median(rm) : NAN;
}

/* The OR of flags[0 .. n), 16 bytes at a time (flags are almost never set). */
static uint8_t any_flag(const uint8_t *restrict flags, int n)
{
    uint8_t lanes[16] = {0}, any = 0;
    int i = 0;
    for (; i + 16 <= n; i += 16)
        for (int l = 0; l < 16; l++)
            lanes[l] |= flags[i + l];
    for (; i < n; i++)
        any |= flags[i];
    for (int l = 0; l < 16; l++)
        any |= lanes[l];
    return any;
}

/* Compute and emit window next_k, which lies wholly below filled_to. */
static void emit_window(ictus_framer *fr, ictus_frame_fn fn, void *ctx)
{
    const int n = fr->n;
    const int64_t a = fr->next_start;
    /* The window lies in the ring as at most two contiguous pieces. */
    int64_t slot = a & fr->mask;
    int first = (int)(fr->mask + 1 - slot < n ? fr->mask + 1 - slot : n);
    const float *piece[2] = {fr->ring + slot, fr->ring};
    const uint8_t *flag_piece[2] = {fr->ring_flags + slot, fr->ring_flags};
    int len[2] = {first, n - first};
    uint8_t any = 0;
    for (int p = 0, at = 0; p < 2; at += len[p], p++) {
        ictus_widen(piece[p], len[p], fr->x + at);
        any |= any_flag(flag_piece[p], len[p]);
    }
    int n_absent = 0, n_missing = 0, n_clipped = 0;
    for (int p = 0; any && p < 2; p++) /* flags are rare: count only when present */
        for (int i = 0; i < len[p]; i++) {
            uint8_t fl = flag_piece[p][i];
            n_absent += (fl & SLOT_ABSENT) != 0;
            n_missing += (fl & ICTUS_SAMPLE_MISSING) != 0;
            n_clipped += (fl & ICTUS_SAMPLE_CLIP) != 0;
        }
    ictus_frame frame = {.channel = fr->channel, .window = fr->next_k};
    if (n_absent == n)
        return; /* wholly inside a gap: no frame */
    if (n_absent || n_missing) {
        frame.artefact = ICTUS_ART_GAP;
        for (int i = 0; i < ICTUS_N_FEATURES; i++)
            frame.v[i] = NAN;
        fn(ctx, &frame);
        return;
    }
    ictus_window w = {
        .x = fr->x,
        .n = n,
        .fs_hz = fr->fs_hz,
        .mean = ictus_widen_mean(fr->x, n),
        .psd = fr->psd,
        .n_freq = ictus_spectrum_n_freq(fr->spectrum),
        .df_hz = ictus_spectrum_df_hz(fr->spectrum),
        .n_clipped = n_clipped,
        .baseline_rms = median_or_nan(fr->base_rms),
        .baseline_emg_power = median_or_nan(fr->base_emg_power),
        .baseline_emg_share = median_or_nan(fr->base_emg_share),
    };
    ictus_window_time_domain(&w, fr->set->spike_k, fr->abs_d, fr->peaks);
    ictus_spectrum_psd(fr->spectrum, fr->x, w.mean, fr->psd);
    w.psd_cum = ictus_spectrum_cumulate(fr->spectrum, fr->psd);
    for (int i = 0; i < ICTUS_N_FEATURES; i++)
        frame.v[i] = NAN;
    for (int i = 0; i < ictus_feature_registry_count; i++)
        fr->features[i].desc->compute(&fr->features[i], &w, &frame);
    fn(ctx, &frame);

    /* The baselines learn from every window with signal in it, artefacts
     * included: the median shrugs off a minority of outliers, and a lasting
     * change (an electrode step) must become the new normal. */
    if (!(frame.artefact & ICTUS_ART_FLAT)) {
        double rms = frame.v[ICTUS_F_RMS], emg = frame.v[ICTUS_F_POWER_EMG];
        double total = frame.v[ICTUS_F_POWER_TOTAL];
        if (isfinite(rms))
            ictus_runmed_push(fr->base_rms, rms);
        if (isfinite(emg) && isfinite(total) && total > 0) {
            ictus_runmed_push(fr->base_emg_power, emg);
            ictus_runmed_push(fr->base_emg_share, emg / total);
        }
    }
}

/* Emit every window that lies wholly below filled_to. */
static void emit_ready(ictus_framer *fr, ictus_frame_fn fn, void *ctx)
{
    while (fr->next_start + fr->n <= fr->filled_to) {
        emit_window(fr, fn, ctx);
        fr->next_k++;
        fr->next_start = window_start(fr, fr->next_k);
    }
}

/* Mark indices [filled_to, to) absent, emitting the windows that end in
 * the gap; windows wholly inside the gap are skipped without a frame. */
static void skip_to(ictus_framer *fr, int64_t to, ictus_frame_fn fn, void *ctx)
{
    while (fr->filled_to < to) {
        if (fr->next_start >= fr->filled_to) {
            /* no pending window holds a present sample: jump */
            memset(fr->ring_flags, SLOT_ABSENT, (size_t)fr->mask + 1);
            fr->filled_to = to;
            int64_t k = ictus_grid_first_window_ending_after(&fr->grid, fr->fs_hz, to);
            if (k > fr->next_k) {
                fr->next_k = k;
                fr->next_start = window_start(fr, k);
            }
            return;
        }
        fr->ring_flags[fr->filled_to & fr->mask] = SLOT_ABSENT;
        fr->filled_to++;
        emit_ready(fr, fn, ctx);
    }
}

void ictus_framer_push(ictus_framer *fr, const float *x, const uint8_t *flags, size_t n,
                       int64_t first_index, ictus_frame_fn fn, void *ctx)
{
    assert(!fr->finished);
    assert(first_index >= fr->filled_to);
    if (n == 0)
        return;
    if (first_index > fr->filled_to)
        skip_to(fr, first_index, fn, ctx);
    size_t done = 0;
    while (done < n) {
        /* copy up to the end of the next window or the ring's end */
        int64_t want = fr->next_start + fr->n - fr->filled_to;
        if (want < 1)
            want = 1;
        int64_t slot = fr->filled_to & fr->mask;
        int64_t room = fr->mask + 1 - slot;
        size_t m = n - done;
        if ((int64_t)m > want)
            m = (size_t)want;
        if ((int64_t)m > room)
            m = (size_t)room;
        memcpy(fr->ring + slot, x + done, m * sizeof(float));
        memcpy(fr->ring_flags + slot, flags + done, m);
        fr->filled_to += (int64_t)m;
        done += m;
        emit_ready(fr, fn, ctx);
    }
}

void ictus_framer_finish(ictus_framer *fr)
{
    fr->finished = 1;
}

int64_t ictus_framer_progress(const ictus_framer *fr)
{
    return fr->finished ? INT64_MAX : fr->next_k;
}

int ictus_framer_window_samples(const ictus_framer *fr)
{
    return fr->n;
}
