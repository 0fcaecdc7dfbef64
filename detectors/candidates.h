/* candidates.h: candidate assembly for spontaneous seizures: hysteresis over
 * decided windows (start at an ictal window, go on while any channel
 * sustains, end after merge_gap_s without), the post-ictal window that
 * follows each closed candidate, and the candidate's measures, computed here
 * and nowhere else.
 *
 * Lifecycle: ictus_candidates_create() → for each decided window, in
 * increasing order: ictus_candidates_close() when the window is not the
 * next one or belongs to a stimulation, ictus_candidates_window() for the
 * spontaneous evidence, ictus_candidates_postictal() → at the end
 * ictus_candidates_close() and ictus_candidates_postictal(flush) →
 * ictus_candidates_destroy().  A candidate whose post-ictal window is
 * complete goes to the callback with its measures.  One thread at a time.
 *
 * Edges.  The hysteresis works on windows; the event's edges are then
 * found at the analysis rate, in two steps.  First a bin of the windows'
 * sub-window envelope (ictus_frame sub_ll, sub_spikes): a bin is active when,
 * on some clean channel, it holds a spike (one standing at least half the
 * spike threshold above its local level) and its line length is at least
 * off_ratio x the channel's baseline, or when it is in a run of at least
 * half a tile of bins at on_ratio x or more (a low-voltage fast onset; a
 * lone loud bin is not one).  The onset bin is the first active bin inside
 * the first ictal window's span, moved back over earlier active bins no
 * more than edge_gap_s apart; the end bin, the last active bin inside the
 * last sustaining window's span, moved forward likewise; neither moves more
 * than edge_margin_s (in whole windows) past the grid's edge.  Then the
 * sample (ictus_frame sub_on_us, sub_off_us; feat_subbins.c): the onset is
 * the earliest start, over the channels that make the onset bin active, of
 * that bin's first spike (where it rises from its local level) or, when the
 * bin is active by a run of line length, of its fast activity (where a
 * short line-length envelope reaches the bin's mean); the end, the latest
 * end of the end bin's last spike complex or fast activity.  So a 3 s spike
 * burst lasts 3 s (first spike's start to last spike's end), not the 5 s or
 * more of the windows that saw it.  No active bin at either edge (frames
 * without an envelope), edges out of order, or edge_margin_s 0: the grid's
 * tiles.  Memory: a few windows' bins (a mask and 32 offsets each) per
 * candidate.
 */
#ifndef ICTUS_CANDIDATES_H
#define ICTUS_CANDIDATES_H

#include <stdbool.h>
#include <stdint.h>

#include "detectors/chan_win.h"
#include "detectors/detector_params.h"
#include "detectors/learned/cand_features.h"
#include "detectors/typing.h"
#include "base/grid.h"
#include "pipeline/features/features.h"


/* One window's bins as the edges see them: mask bit b when bin b of its
 * tile has a spike and line length >= off_ratio x baseline on some clean
 * channel, bit ICTUS_SUB_BINS + b when its line length is >= on_ratio x
 * baseline on one; and where the bin's activity begins (the earliest over
 * those channels) and ends (the latest), µs from the tile's start:
 * [ICTUS_SUB_SPIKE] over the channels with the spike, [ICTUS_SUB_LL] over
 * those at on_ratio (ictus_frame sub_on_us, sub_off_us). */
typedef struct {
    uint16_t mask;
    int32_t on_us[ICTUS_SUB_KINDS][ICTUS_SUB_BINS];
    int32_t off_us[ICTUS_SUB_KINDS][ICTUS_SUB_BINS];
} ictus_win_bins;

/* A spontaneous event being built, or waiting for its post-ictal window.
 * Per-channel arrays have one entry per analysed channel. */
typedef struct {
    int64_t k_first, k_last;  /* first window, last window that sustained it */
    int64_t n_windows;        /* windows accumulated */
    int64_t n_artefact;       /* ... of which no channel was clean */
    int *n_high;              /* windows at >= on_ratio */
    double *sum_ratio;        /* sum of LL ratios */
    double *peak_ratio;       /* highest LL ratio */
    double *sum_spikes;       /* sum of spike rates */
    int *n_emg;               /* windows flagged emg */
    /* post-ictal: moving average of the primary channels' LL ratio */
    double post_ring[ICTUS_MAX_SMOOTH];
    int post_n;               /* windows seen after the end */
    double post_min;          /* lowest moving average, +inf before any */
    /* edges: the windows' bins around the grid's edges, and the edges
     * placed in them at hand-over */
    ictus_win_bins *head;     /* [margin + 2]: windows k_first - margin .. k_first + 1 */
    int64_t *tail_k;          /* [tail ring]: which window each slot holds, -1: none */
    ictus_win_bins *tail;     /* [tail ring]: the last windows seen, slot k % size */
    int64_t start_us, end_us; /* the event's edges, set before the callback */
    ictus_cand_accum *feat;   /* what the learned stage's features are made of */
} ictus_candidate;

/* Receives a candidate whose post-ictal window is complete, with its
 * measures and its strongest channel (index of the analysed channels); all
 * valid only during the call. */
typedef void (*ictus_candidate_fn)(void *ctx, const ictus_candidate *c,
                                   const ictus_event_measures *m, int strongest);

typedef struct ictus_candidates ictus_candidates;

/* n analysed channels; primary[i] is 1 for a primary channel (copied).
 * p and t must outlive the assembler. */
ictus_candidates *ictus_candidates_create(const ictus_detector_params *p,
                                          const ictus_grid *grid, int n, const int *primary,
                                          ictus_candidate_fn fn, void *ctx);
void ictus_candidates_destroy(ictus_candidates *cs); /* NULL is a no-op */

/* Decided window k: w[i] and ratio[i] (LL / baseline, NaN when unknown) of
 * each channel.  Starts, extends or (after merge_gap_s) closes the candidate. */
void ictus_candidates_window(ictus_candidates *cs, int64_t k, const ictus_chan_win *w,
                             const double *ratio);

/* Close the candidate being built, if any (missing windows, a stimulation,
 * the end of the recording). */
void ictus_candidates_close(ictus_candidates *cs);

/* Feed decided window k (w NULL: none) to the closed candidates' post-ictal
 * windows, with base_ll[i] the baseline line length of channel i (NaN when
 * unknown); hand over those whose window is complete, or all of them when
 * flush. */
void ictus_candidates_postictal(ictus_candidates *cs, int64_t k, const ictus_chan_win *w,
                                const double *base_ll, bool flush);

/* The earliest start (µs) a candidate still open or waiting may get (its
 * grid start less edge_margin_s in whole windows); INT64_MAX when none. */
int64_t ictus_candidates_open_start_us(const ictus_candidates *cs);

#endif
