/* candidates.c: hysteresis, post-ictal windows and measures of spontaneous candidates. */
#include "detectors/candidates.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/vec.h"
#include "base/walltime.h"

struct ictus_candidates {
    const ictus_detector_params *p;
    const ictus_grid *grid;
    int n;                     /* analysed channels */
    int *primary;              /* [n] */
    ictus_candidate_fn fn;
    void *ctx;

    int active;                /* a candidate is being built */
    ictus_candidate cand;
    int64_t quiet;             /* consecutive windows without sustain */
    ictus_candidate *pending;  /* closed, waiting for post-ictal data */
    int n_pending;
    size_t cap_pending;
};

static void candidate_init(ictus_candidate *c, int n)
{
    memset(c, 0, sizeof *c);
    c->n_high = ictus_xcalloc((size_t)n, sizeof(int));
    c->sum_ratio = ictus_xcalloc((size_t)n, sizeof(double));
    c->peak_ratio = ictus_xcalloc((size_t)n, sizeof(double));
    c->sum_spikes = ictus_xcalloc((size_t)n, sizeof(double));
    c->n_emg = ictus_xcalloc((size_t)n, sizeof(int));
}

static void candidate_free(ictus_candidate *c)
{
    free(c->n_high);
    free(c->sum_ratio);
    free(c->peak_ratio);
    free(c->sum_spikes);
    free(c->n_emg);
}

ictus_candidates *ictus_candidates_create(const ictus_detector_params *p,
                                          const ictus_grid *grid, int n, const int *primary,
                                          ictus_candidate_fn fn, void *ctx)
{
    ictus_candidates *cs = ictus_xcalloc(1, sizeof *cs);
    cs->p = p;
    cs->grid = grid;
    cs->n = n;
    cs->primary = ictus_xcalloc((size_t)n, sizeof(int));
    memcpy(cs->primary, primary, (size_t)n * sizeof(int));
    cs->fn = fn;
    cs->ctx = ctx;
    candidate_init(&cs->cand, n);
    return cs;
}

void ictus_candidates_destroy(ictus_candidates *cs)
{
    if (!cs)
        return;
    for (int i = 0; i < cs->n_pending; i++)
        candidate_free(&cs->pending[i]);
    candidate_free(&cs->cand);
    free(cs->pending);
    free(cs->primary);
    free(cs);
}

/* ------------------------------------------------------------------------
 * Measures
 * ------------------------------------------------------------------------ */

/* The measures of c and its strongest channel.  A channel is involved when
 * involved_fraction of the event's windows (at least involved_min_windows)
 * reach on_ratio on it; the involved channel with the highest mean ratio is
 * the strongest and names a one-channel event. */
static int measure(const ictus_candidates *cs, const ictus_candidate *c, ictus_event_measures *m)
{
    const ictus_detector_params *p = cs->p;
    int64_t involved_min = (int64_t)ceil(p->involved_fraction * (double)c->n_windows);
    if (involved_min < p->involved_min_windows)
        involved_min = p->involved_min_windows;
    int n_involved = 0, strongest = -1;
    bool primary_involved = false;
    double peak = 0, best_mean = -1;
    for (int i = 0; i < cs->n; i++) {
        if (c->peak_ratio[i] > peak)
            peak = c->peak_ratio[i];
        if (c->n_high[i] < involved_min && !(c->n_high[i] > 0 && c->n_windows < involved_min))
            continue;
        n_involved++;
        primary_involved |= cs->primary[i] != 0;
        double mean = c->sum_ratio[i] / (double)(c->n_windows ? c->n_windows : 1);
        if (mean > best_mean) {
            best_mean = mean;
            strongest = i;
        }
    }
    if (strongest < 0) { /* short bursts: the channel that peaked highest */
        for (int i = 0; i < cs->n; i++)
            if (strongest < 0 || c->peak_ratio[i] > c->peak_ratio[strongest])
                strongest = i;
        n_involved = 1;
        primary_involved = cs->primary[strongest] != 0;
    }
    double nw = (double)(c->n_windows ? c->n_windows : 1);
    *m = (ictus_event_measures){
        .duration_s = ictus_us_to_s(ictus_grid_tile_end_us(cs->grid, c->k_last) -
                                    ictus_grid_tile_start_us(cs->grid, c->k_first)),
        .artefact_fraction = c->n_windows ? (double)c->n_artefact / (double)c->n_windows : 0,
        .n_involved = n_involved,
        .primary_involved = primary_involved,
        .peak_ratio = peak,
        .mean_ratio = c->sum_ratio[strongest] / nw,
        .spike_rate = c->sum_spikes[strongest] / nw,
        .high_fraction = c->n_high[strongest] / nw,
        .emg_fraction = c->n_emg[strongest] / nw,
        .postictal_min = c->post_n ? c->post_min : NAN,
    };
    return strongest;
}

/* ------------------------------------------------------------------------
 * Hysteresis
 * ------------------------------------------------------------------------ */

void ictus_candidates_close(ictus_candidates *cs)
{
    if (!cs->active)
        return;
    cs->active = 0;
    ICTUS_GROW(cs->pending, cs->n_pending + 1, cs->cap_pending);
    ictus_candidate *c = &cs->pending[cs->n_pending++];
    *c = cs->cand;
    c->post_min = INFINITY;
    candidate_init(&cs->cand, cs->n);
}

static void accumulate(ictus_candidates *cs, const ictus_chan_win *w, const double *ratio)
{
    ictus_candidate *c = &cs->cand;
    c->n_windows++;
    bool any_clean = false;
    for (int i = 0; i < cs->n; i++) {
        if (!w[i].present || (w[i].artefact & ICTUS_DEAD_FLAGS) || !isfinite(ratio[i]))
            continue;
        any_clean = true;
        c->sum_ratio[i] += ratio[i];
        if (isfinite(w[i].spike_rate))
            c->sum_spikes[i] += w[i].spike_rate;
        if (w[i].artefact & ICTUS_ART_EMG)
            c->n_emg[i]++;
        if (ratio[i] > c->peak_ratio[i])
            c->peak_ratio[i] = ratio[i];
        if (ratio[i] >= cs->p->on_ratio)
            c->n_high[i]++;
    }
    if (!any_clean)
        c->n_artefact++;
}

void ictus_candidates_window(ictus_candidates *cs, int64_t k, const ictus_chan_win *w,
                             const double *ratio)
{
    const ictus_detector_params *p = cs->p;
    bool ictal = false, sustain = false;
    for (int i = 0; i < cs->n; i++) {
        if (!w[i].present || !isfinite(ratio[i]))
            continue;
        if (!(w[i].artefact & ICTUS_DIRTY_FLAGS) && ratio[i] >= p->on_ratio &&
            w[i].spike_rate >= p->min_spike_rate)
            ictal = true;
        if (!(w[i].artefact & ICTUS_DEAD_FLAGS) && ratio[i] >= p->off_ratio &&
            !(w[i].spike_rate < p->sustain_spike_rate))
            sustain = true;
    }
    if (!cs->active) {
        if (!ictal)
            return;
        cs->active = 1;
        cs->cand.k_first = cs->cand.k_last = k;
        cs->quiet = 0;
        accumulate(cs, w, ratio);
        return;
    }
    if (sustain) {
        cs->cand.k_last = k;
        cs->quiet = 0;
        accumulate(cs, w, ratio);
    } else if (++cs->quiet * cs->grid->hop_us >= ictus_s_to_us(p->merge_gap_s)) {
        ictus_candidates_close(cs);
    }
}

/* ------------------------------------------------------------------------
 * Post-ictal windows
 * ------------------------------------------------------------------------ */

/* Add the primary channels' mean LL ratio of one window after c's end. */
static void add_postictal(const ictus_candidates *cs, ictus_candidate *c,
                          const ictus_chan_win *w, const double *base_ll)
{
    double sum = 0;
    int n = 0;
    for (int j = 0; j < cs->n; j++)
        if (cs->primary[j] && w[j].present && !(w[j].artefact & ICTUS_DEAD_FLAGS) &&
            isfinite(base_ll[j])) {
            sum += w[j].ll / base_ll[j];
            n++;
        }
    if (n == 0)
        return;
    int smooth = cs->p->postictal_smooth_windows;
    c->post_ring[c->post_n % smooth] = sum / n;
    c->post_n++;
    int m = c->post_n < smooth ? c->post_n : smooth;
    double avg = 0;
    for (int j = 0; j < m; j++)
        avg += c->post_ring[j];
    avg /= m;
    c->post_min = avg < c->post_min ? avg : c->post_min;
}

void ictus_candidates_postictal(ictus_candidates *cs, int64_t k, const ictus_chan_win *w,
                                const double *base_ll, bool flush)
{
    for (int i = 0; i < cs->n_pending;) {
        ictus_candidate *c = &cs->pending[i];
        bool done = flush || ictus_grid_tile_start_us(cs->grid, k) - ictus_grid_tile_end_us(cs->grid, c->k_last) >=
                                ictus_s_to_us(cs->p->postictal_window_s);
        if (!done && k > c->k_last && w)
            add_postictal(cs, c, w, base_ll);
        if (done) {
            ictus_event_measures m;
            int strongest = measure(cs, c, &m);
            cs->fn(cs->ctx, c, &m, strongest);
            candidate_free(c);
            cs->pending[i] = cs->pending[--cs->n_pending];
        } else {
            i++;
        }
    }
}

int64_t ictus_candidates_open_start_us(const ictus_candidates *cs)
{
    int64_t limit = INT64_MAX;
    if (cs->active)
        limit = ictus_grid_tile_start_us(cs->grid, cs->cand.k_first);
    for (int i = 0; i < cs->n_pending; i++) {
        int64_t s = ictus_grid_tile_start_us(cs->grid, cs->pending[i].k_first);
        if (s < limit)
            limit = s;
    }
    return limit;
}
