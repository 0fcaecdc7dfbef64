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
 */
#ifndef ICTUS_CANDIDATES_H
#define ICTUS_CANDIDATES_H

#include <stdbool.h>
#include <stdint.h>

#include "detectors/detector_params.h"
#include "detectors/typing.h"
#include "base/grid.h"
#include "pipeline/features/features.h"

/* What the detector keeps of one window of one channel. */
typedef struct {
    uint32_t artefact; /* ICTUS_ART_* */
    int present;       /* 1 when the channel has a frame for the window */
    float ll;          /* line length, µV/s */
    float spike_rate;  /* spikes/s */
} ictus_chan_win;

/* Artefacts that make a window no evidence for or against anything. */
#define ICTUS_DEAD_FLAGS (ICTUS_ART_GAP | ICTUS_ART_FLAT)
/* Artefacts that keep a window from starting an event.  `extreme` is not
 * one of them: the strongest seizures exceed 25 baseline SDs too (Bonn set
 * E does), and the electrode pops it catches are too short to last
 * min_duration_s.  Nor is `emg` (see detector.h). */
#define ICTUS_DIRTY_FLAGS (ICTUS_DEAD_FLAGS | ICTUS_ART_CLIP)

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

/* Start (µs) of the earliest candidate still open or waiting; INT64_MAX when none. */
int64_t ictus_candidates_open_start_us(const ictus_candidates *cs);

#endif
