/* postictal.c: post-ictal suppression of one seizure, measured from its recording.
 *
 * ictus_postictal_ratio() (declared in survival_outcomes.h, which defines
 * the measure): line length in 5 s bins before the onset and after the end
 * of the seizure, per channel; the ratio of the medians, the largest over
 * the channels.  Reads only [onset − pre_s, end + postictal_s) of the file.
 * Thread safety: reentrant (its own source).
 */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "base/path.h"
#include "base/status.h"
#include "protocols/recording_view.h"
#include "protocols/survival_outcomes.h"

#define BIN_US 5000000

/* Per channel and window: line length of each whole bin. */
typedef struct {
    double *ll;        /* [n_bins]: Σ|Δx| within the bin */
    int64_t *n;        /* [n_bins]: differences counted */
    int n_bins;
    int64_t t0_us;     /* window start, from the recording start */
} window_bins;

static void bins_init(window_bins *w, int64_t t0_us, int64_t t1_us)
{
    w->t0_us = t0_us;
    w->n_bins = t1_us > t0_us ? (int)((t1_us - t0_us) / BIN_US) : 0;
    w->ll = ictus_xcalloc((size_t)w->n_bins + 1, sizeof *w->ll);
    w->n = ictus_xcalloc((size_t)w->n_bins + 1, sizeof *w->n);
}

static void bins_free(window_bins *w)
{
    free(w->ll);
    free(w->n);
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median line length per second over the bins with at least 90 % of their
 * samples; NaN when none. */
static double bins_median(const window_bins *w, double fs)
{
    double *v = ictus_xmalloc(((size_t)w->n_bins + 1) * sizeof *v);
    int m = 0;
    for (int b = 0; b < w->n_bins; b++)
        if ((double)w->n[b] >= 0.9 * fs * BIN_US / 1e6)
            v[m++] = w->ll[b] / ((double)w->n[b] / fs);
    double med = NAN;
    if (m) {
        qsort(v, (size_t)m, sizeof *v, by_value);
        med = m % 2 ? v[m / 2] : (v[m / 2 - 1] + v[m / 2]) / 2;
    }
    free(v);
    return med;
}

/* One channel's moving average over n samples, across blocks. */
typedef struct {
    double *ring;
    int n, filled, at;
    double sum, prev;
    int64_t next_index;   /* the sample index expected next (a gap restarts it) */
} smoother;

/* Add |Δy| of the smoothed samples of block channel c to the bins of
 * pre and post that hold them. */
static void bins_add(smoother *sm, window_bins *pre, window_bins *post, const ictus_block *blk,
                     int c, double fs)
{
    if (blk->first_index[c] != sm->next_index)
        sm->filled = sm->at = 0, sm->sum = 0;
    for (int64_t i = 0; i < blk->n[c]; i++) {
        double x = blk->samples[c][i];
        if (sm->filled == sm->n)
            sm->sum -= sm->ring[sm->at];
        else
            sm->filled++;
        sm->ring[sm->at] = x;
        sm->sum += x;
        sm->at = (sm->at + 1) % sm->n;
        double y = sm->sum / sm->filled, dy = fabs(y - sm->prev);
        bool full = sm->filled == sm->n && i > 0;
        sm->prev = y;
        if (!full)
            continue;
        int64_t t_us = (int64_t)((double)(blk->first_index[c] + i) * 1e6 / fs);
        window_bins *w = t_us >= post->t0_us ? post : pre;
        if (t_us < w->t0_us)
            continue;
        int64_t b = (t_us - w->t0_us) / BIN_US;
        if (b >= w->n_bins)
            continue;
        w->ll[b] += dy;
        w->n[b]++;
    }
    sm->next_index = blk->first_index[c] + blk->n[c];
}

double ictus_postictal_ratio(const ictus_study *study, const char *stored_path,
                             const char *animal, int64_t rec_start_us, int64_t rec_duration_us,
                             int64_t onset_us, int64_t end_us, const ictus_survival_settings *set)
{
    int64_t on = onset_us - rec_start_us, off = end_us - rec_start_us;
    int64_t pre0 = on - (int64_t)(set->pre_s * 1e6);
    pre0 = pre0 < 0 ? 0 : pre0;
    int64_t post1 = off + (int64_t)(set->postictal_s * 1e6);
    post1 = post1 > rec_duration_us ? rec_duration_us : post1;
    if (on - pre0 < BIN_US || post1 - off < BIN_US)
        return NAN;
    char path[ICTUS_PATH_MAX];
    ictus_error err = {0};
    ictus_source *src = NULL;
    if (ictus_path_join(path, sizeof path, study->dir, stored_path, &err) != ICTUS_OK ||
        ictus_recording_open(study, ictus_recording_entry_of(study, stored_path, animal), path,
                             stored_path, &src, &err) != ICTUS_OK)
        return NAN;
    const ictus_recording_info *info = ictus_source_info(src);
    int nc = info->n_channels;
    window_bins *pre = ictus_xcalloc((size_t)nc + 1, sizeof *pre), *post = ictus_xcalloc((size_t)nc + 1, sizeof *post);
    smoother *sm = ictus_xcalloc((size_t)nc + 1, sizeof *sm);
    for (int c = 0; c < nc; c++) {
        bins_init(&pre[c], pre0, on);
        bins_init(&post[c], off, post1);
        double fs = info->channels[c].fs_hz;
        sm[c].n = study->mains_hz > 0 && fs > 2 * study->mains_hz ? (int)lround(fs / study->mains_hz)
                                                                  : 1;
        sm[c].ring = ictus_xcalloc((size_t)sm[c].n, sizeof *sm[c].ring);
    }
    ictus_block *blk = ictus_block_create(src);
    bool ok = ictus_source_seek(src, pre0, &err) == ICTUS_OK;
    while (ok) {
        ok = ictus_source_read(src, blk, &err) == ICTUS_OK && !ictus_block_empty(blk);
        if (!ok)
            break;
        bool past = true;
        for (int c = 0; c < nc; c++) {
            double fs = info->channels[c].fs_hz;
            bins_add(&sm[c], &pre[c], &post[c], blk, c, fs);
            past = past && (double)(blk->first_index[c] + blk->n[c]) * 1e6 / fs >= (double)post1;
        }
        if (past)
            break;
    }
    double ratio = NAN;
    for (int c = 0; c < nc; c++) {
        if (!info->channels[c].is_voltage)
            continue;
        double fs = info->channels[c].fs_hz;
        double r = bins_median(&post[c], fs) / bins_median(&pre[c], fs);
        if (isfinite(r) && (isnan(ratio) || r > ratio))
            ratio = r;
    }
    for (int c = 0; c < nc; c++) {
        bins_free(&pre[c]);
        bins_free(&post[c]);
        free(sm[c].ring);
    }
    free(sm);
    free(pre);
    free(post);
    ictus_block_destroy(blk);
    ictus_source_close(src);
    return ratio;
}
