/* candidates.c: hysteresis, post-ictal windows and measures of spontaneous candidates. */
#include "detectors/candidates.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/vec.h"
#include "base/walltime.h"

/* The most windows an edge may move (edge_margin_s is cut there). */
#define MAX_MARGIN 64

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

    /* edges (candidates.h) */
    int margin;                /* windows an edge may move: ceil(edge_margin_s / hop) */
    int gap_bins;              /* bins of edge_gap_s */
    int tail_size;             /* slots of a candidate's tail ring */
    int64_t *hist_k;           /* [margin + 1] the last windows' bins, slot k % size */
    ictus_win_bins *hist;
    int64_t bins_k;            /* the window whose bins ictus_candidates_window() found */
    ictus_win_bins bins;

    ictus_cand_context *context; /* the windows before a candidate, for its features */
};

static void candidate_init(const ictus_candidates *cs, ictus_candidate *c)
{
    int n = cs->n;
    memset(c, 0, sizeof *c);
    c->head = ictus_xcalloc((size_t)cs->margin + 2, sizeof(ictus_win_bins));
    c->tail = ictus_xcalloc((size_t)cs->tail_size, sizeof(ictus_win_bins));
    c->tail_k = ictus_xcalloc((size_t)cs->tail_size, sizeof(int64_t));
    for (int i = 0; i < cs->tail_size; i++)
        c->tail_k[i] = -1;
    c->n_high = ictus_xcalloc((size_t)n, sizeof(int));
    c->sum_ratio = ictus_xcalloc((size_t)n, sizeof(double));
    c->peak_ratio = ictus_xcalloc((size_t)n, sizeof(double));
    c->sum_spikes = ictus_xcalloc((size_t)n, sizeof(double));
    c->n_emg = ictus_xcalloc((size_t)n, sizeof(int));
    c->feat = ictus_cand_accum_create(n, cs->grid->hop_us / 1e6);
}

static void candidate_free(ictus_candidate *c)
{
    free(c->n_high);
    free(c->sum_ratio);
    free(c->peak_ratio);
    free(c->sum_spikes);
    free(c->n_emg);
    free(c->head);
    free(c->tail);
    free(c->tail_k);
    ictus_cand_accum_destroy(c->feat);
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
    cs->margin = (int)ictus_grid_windows_for_us(grid, ictus_s_to_us(p->edge_margin_s));
    if (cs->margin > MAX_MARGIN)
        cs->margin = MAX_MARGIN;
    cs->gap_bins = (int)llround(p->edge_gap_s * 1e6 * ICTUS_SUB_BINS / (double)grid->hop_us);
    cs->tail_size = (int)ictus_grid_windows_for_us(grid, ictus_s_to_us(p->merge_gap_s)) +
                    cs->margin + 4;
    cs->hist_k = ictus_xcalloc((size_t)cs->margin + 1, sizeof(int64_t));
    cs->hist = ictus_xcalloc((size_t)cs->margin + 1, sizeof(ictus_win_bins));
    for (int i = 0; i <= cs->margin; i++)
        cs->hist_k[i] = -1;
    cs->bins_k = -1;
    cs->context = ictus_cand_context_create(
        n, (int)ictus_grid_windows_for_us(grid, ictus_s_to_us(ICTUS_CF_CONTEXT_S)));
    candidate_init(cs, &cs->cand);
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
    free(cs->hist_k);
    free(cs->hist);
    ictus_cand_context_destroy(cs->context);
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
        .duration_s = ictus_us_to_s(c->end_us - c->start_us),
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
 * Edges
 * ------------------------------------------------------------------------ */

/* Shortest run of bins that are active by line length alone: half a tile
 * (a low-voltage fast onset is continuous; a lone loud bin is not one). */
#define LL_RUN_BINS (ICTUS_SUB_BINS / 2)

/* The bins of one window (candidates.h, ictus_win_bins) into *out, on the
 * clean channels.  base[i] is channel i's baseline line length, or when
 * base is NULL w[i].ll / ratio[i] (NaN or <= 0: unknown, the channel is
 * skipped). */
static void window_bins(const ictus_candidates *cs, const ictus_chan_win *w, const double *base,
                        const double *ratio, ictus_win_bins *out)
{
    unsigned mask = 0;
    *out = (ictus_win_bins){0};
    for (int i = 0; i < cs->n; i++) {
        double bl = base ? base[i] : w[i].ll / ratio[i];
        if (!w[i].present || (w[i].artefact & ICTUS_DEAD_FLAGS) || !(bl > 0) || !isfinite(bl))
            continue;
        double on = cs->p->on_ratio * bl, off = cs->p->off_ratio * bl;
        for (int b = 0; b < ICTUS_SUB_BINS; b++) {
            for (int kind = 0; kind < ICTUS_SUB_KINDS; kind++) {
                int32_t t0 = w[i].sub_on_us[kind][b], t1 = w[i].sub_off_us[kind][b];
                bool active = kind == ICTUS_SUB_SPIKE
                                  ? w[i].sub_spikes[b] > 0 && t1 > t0 && w[i].sub_ll[b] >= off
                                  : w[i].sub_ll[b] >= on;
                if (!active)
                    continue;
                unsigned bit = 1u << (b + kind * ICTUS_SUB_BINS);
                if (!(mask & bit) || t0 < out->on_us[kind][b])
                    out->on_us[kind][b] = t0;
                if (!(mask & bit) || t1 > out->off_us[kind][b])
                    out->off_us[kind][b] = t1;
                mask |= bit;
            }
        }
    }
    out->mask = (uint16_t)mask;
}

/* Record window k's bins in c, where its edges will look for them. */
static void note_bins(const ictus_candidates *cs, ictus_candidate *c, int64_t k,
                      const ictus_win_bins *bins)
{
    int64_t h = k - (c->k_first - cs->margin);
    if (h >= 0 && h < cs->margin + 2)
        c->head[h] = *bins;
    int slot = (int)(k % cs->tail_size);
    c->tail_k[slot] = k;
    c->tail[slot] = *bins;
}

/* Bin b of window k: its start and end, µs. */
static int64_t bin_start_us(const ictus_candidates *cs, int64_t k, int b)
{
    return ictus_grid_tile_start_us(cs->grid, k) + b * cs->grid->hop_us / ICTUS_SUB_BINS;
}

static int64_t bin_end_us(const ictus_candidates *cs, int64_t k, int b)
{
    return ictus_grid_tile_start_us(cs->grid, k) + (b + 1) * cs->grid->hop_us / ICTUS_SUB_BINS;
}

/* How a laid-out bin is active (bits). */
enum { BY_SPIKE = 1, BY_LL = 2 };

/* Lay out the bins of windows k0 .. k0 + n_win - 1 (wins[j] of window
 * k0 + j) as act[]: a bin is active BY_SPIKE with a spike, BY_LL inside a
 * run of at least LL_RUN_BINS bins at on_ratio. */
static int lay_out(const ictus_win_bins *const *wins, int n_win, uint8_t *act)
{
    int n = n_win * ICTUS_SUB_BINS, run = 0;
    for (int g = 0; g <= n; g++) {
        unsigned mask = g < n ? wins[g / ICTUS_SUB_BINS]->mask : 0;
        bool ll = mask >> (ICTUS_SUB_BINS + g % ICTUS_SUB_BINS) & 1;
        if (g < n)
            act[g] = (mask >> (g % ICTUS_SUB_BINS) & 1) ? BY_SPIKE : 0;
        if (ll) {
            run++;
            continue;
        }
        if (run >= LL_RUN_BINS)
            for (int j = g - run; j < g; j++)
                act[j] |= BY_LL;
        run = 0;
    }
    return n;
}

/* The edge in the laid-out bins of windows k0 ..: the first (forward
 * false: the last) active bin overlapping [lo, hi), moved back (forward)
 * over active bins at most gap_bins apart.  Its index, or -1 when none. */
static int find_edge(const ictus_candidates *cs, const uint8_t *act, int n, int64_t k0, int64_t lo,
                     int64_t hi, bool forward)
{
    int a = -1, step = forward ? 1 : -1;
    for (int i = 0; i < n && a < 0; i++) {
        int g = forward ? n - 1 - i : i;
        int64_t k = k0 + g / ICTUS_SUB_BINS;
        int b = g % ICTUS_SUB_BINS;
        if (act[g] && bin_end_us(cs, k, b) > lo && bin_start_us(cs, k, b) < hi)
            a = g;
    }
    if (a < 0)
        return -1;
    for (int g = a + step; g >= 0 && g < n && abs(g - a) - 1 <= cs->gap_bins; g += step)
        if (act[g])
            a = g;
    return a;
}

/* Where laid-out bin g (of windows k0 .., wins[]) begins (end false) or
 * ends (end true) at the analysis rate: the earliest start (latest end)
 * over the kinds of activity that make it active, µs. */
static int64_t bin_edge_us(const ictus_candidates *cs, const ictus_win_bins *const *wins,
                           const uint8_t *act, int64_t k0, int g, bool end)
{
    const ictus_win_bins *w = wins[g / ICTUS_SUB_BINS];
    int b = g % ICTUS_SUB_BINS;
    int64_t t = end ? INT64_MIN : INT64_MAX;
    for (int kind = 0; kind < ICTUS_SUB_KINDS; kind++) {
        if (!(act[g] & (kind == ICTUS_SUB_SPIKE ? BY_SPIKE : BY_LL)))
            continue;
        int64_t v = end ? w->off_us[kind][b] : w->on_us[kind][b];
        t = end ? (v > t ? v : t) : (v < t ? v : t);
    }
    return ictus_grid_tile_start_us(cs->grid, k0 + g / ICTUS_SUB_BINS) + t;
}

/* Set c's edges: in the bins when both are found there and in order, else
 * (or with edge_margin_s 0) the grid's tiles. */
static void place_edges(const ictus_candidates *cs, ictus_candidate *c)
{
    static const ictus_win_bins quiet; /* a window before the recording or not seen */
    const ictus_grid *grid = cs->grid;
    c->start_us = ictus_grid_tile_start_us(grid, c->k_first);
    c->end_us = ictus_grid_tile_end_us(grid, c->k_last);
    if (cs->margin == 0)
        return;
    const ictus_win_bins *head[MAX_MARGIN + 2], *tail[2 * MAX_MARGIN + 1];
    uint8_t act_on[(MAX_MARGIN + 2) * ICTUS_SUB_BINS], act_end[(2 * MAX_MARGIN + 1) * ICTUS_SUB_BINS];
    /* onset: windows k_first - margin .. k_first + 1 (those before 0 are quiet) */
    int64_t k0 = c->k_first - cs->margin;
    for (int j = 0; j < cs->margin + 2; j++)
        head[j] = k0 + j >= 0 ? &c->head[j] : &quiet;
    int n = lay_out(head, cs->margin + 2, act_on);
    int on = find_edge(cs, act_on, n, k0, ictus_grid_start_us(grid, c->k_first),
                       ictus_grid_end_us(grid, c->k_first), false);
    /* end: windows k_last - margin .. k_last + margin (unseen ones are quiet) */
    int64_t k1 = c->k_last - cs->margin;
    for (int j = 0; j < 2 * cs->margin + 1; j++) {
        int64_t k = k1 + j;
        int slot = (int)(((k % cs->tail_size) + cs->tail_size) % cs->tail_size);
        tail[j] = k >= 0 && c->tail_k[slot] == k ? &c->tail[slot] : &quiet;
    }
    int m = lay_out(tail, 2 * cs->margin + 1, act_end);
    int end = find_edge(cs, act_end, m, k1, ictus_grid_start_us(grid, c->k_last),
                        ictus_grid_end_us(grid, c->k_last), true);
    if (on < 0 || end < 0)
        return;
    int64_t start_us = bin_edge_us(cs, head, act_on, k0, on, false);
    int64_t end_us = bin_edge_us(cs, tail, act_end, k1, end, true);
    /* never before what ictus_candidates_open_start_us() promised */
    int64_t earliest = ictus_grid_tile_start_us(grid, k0 > 0 ? k0 : 0);
    if (start_us < earliest)
        start_us = earliest;
    if (end_us > start_us) {
        c->start_us = start_us;
        c->end_us = end_us;
    }
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
    candidate_init(cs, &cs->cand);
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
    ictus_cand_accum_window(c->feat, w, ratio);
}

void ictus_candidates_window(ictus_candidates *cs, int64_t k, const ictus_chan_win *w,
                             const double *ratio)
{
    const ictus_detector_params *p = cs->p;
    bool ictal = false, sustain = false;
    cs->bins_k = k;
    window_bins(cs, w, NULL, ratio, &cs->bins);
    int h = (int)(k % (cs->margin + 1));
    cs->hist_k[h] = k;
    cs->hist[h] = cs->bins;
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
        if (!ictal) {
            ictus_cand_context_push(cs->context, k, w, ratio);
            return;
        }
        cs->active = 1;
        ictus_cand_accum_begin(cs->cand.feat, cs->context, k);
        cs->cand.k_first = cs->cand.k_last = k;
        cs->quiet = 0;
        for (int64_t j = k - cs->margin; j <= k; j++) {
            int hj = (int)(j % (cs->margin + 1));
            if (j >= 0 && cs->hist_k[hj] == j)
                note_bins(cs, &cs->cand, j, &cs->hist[hj]);
        }
        accumulate(cs, w, ratio);
        ictus_cand_context_push(cs->context, k, w, ratio);
        return;
    }
    ictus_cand_context_push(cs->context, k, w, ratio);
    note_bins(cs, &cs->cand, k, &cs->bins);
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
        if (!done && w && k <= c->k_last + cs->margin + 1) {
            ictus_win_bins bins;
            if (k != cs->bins_k)
                window_bins(cs, w, base_ll, NULL, &bins);
            note_bins(cs, c, k, k == cs->bins_k ? &cs->bins : &bins);
        }
        if (done) {
            place_edges(cs, c);
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
    /* an onset may move back by up to margin windows */
    return limit == INT64_MAX ? limit : limit - cs->margin * cs->grid->hop_us;
}
