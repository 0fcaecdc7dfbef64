/* evoked.h: the evoked-seizure state machine of [evoked] (6 Hz kindling):
 * after each stimulation onset the stimulus artefact is blanked
 * (stim_duration_s + blank_s), then the afterdischarge goes on while a
 * primary channel stays at end_ratio x baseline or more and ends after
 * end_hold_s below it (or evoked max_duration_s after the onset), at the
 * end of the last spike complex in the last window at end_ratio (to the
 * analysis rate's sample; the window's tile end when it has no spike).
 *
 * States: idle → blanking (from the first window that reaches the onset) →
 * afterdischarge → idle, one stimulation at a time, in onset order.
 * Lifecycle: ictus_evoked_create() → ictus_evoked_window() for each decided
 * window in increasing order → ictus_evoked_finish() → ictus_evoked_destroy().
 * One thread at a time.
 */
#ifndef ICTUS_EVOKED_H
#define ICTUS_EVOKED_H

#include <stdbool.h>
#include <stdint.h>

#include "detectors/detector_params.h"
#include "base/grid.h"
#include "pipeline/source/source.h"

/* One stimulation's outcome. */
typedef struct {
    int64_t stim_us;  /* onset, µs from the recording start */
    int64_t start_us; /* end of the stimulus artefact: where an afterdischarge starts */
    int64_t end_us;   /* where the last spike complex in the tile of the last window at
                         end_ratio or more ends, else that tile's end; -1: no afterdischarge */
} ictus_afterdischarge;

typedef struct ictus_evoked ictus_evoked;

/* Stimulations: stim_us (µs from the recording start, copied) plus, when
 * [evoked] is enabled, the annotations of `info` whose text contains
 * stim_pattern (case-insensitive).  p and t must outlive the machine. */
ictus_evoked *ictus_evoked_create(const ictus_detector_params *p, const ictus_grid *grid,
                                  const ictus_recording_info *info, const int64_t *stim_us,
                                  int n_stim);
void ictus_evoked_destroy(ictus_evoked *ev); /* NULL is a no-op */

/* Whether window k overlaps a stimulation's blanked stretch (kept out of
 * the baselines). */
bool ictus_evoked_blanked(const ictus_evoked *ev, int64_t k);

/* Decided window k, with primary_ratio the highest LL / baseline of the
 * clean primary channels (0 when none) and spike_end_us the latest end of a
 * spike complex on them inside its tile (µs from the recording start,
 * ictus_frame sub_off_us; -1 when none).  Returns true when the window
 * belongs to a stimulation (spontaneous detection is suspended); when a
 * stimulation's afterdischarge ends, *done describes it and *ended is true. */
bool ictus_evoked_window(ictus_evoked *ev, int64_t k, double primary_ratio,
                         const int64_t spike_us[2], ictus_afterdischarge *done, bool *ended);

/* End of the recording: true and *done when a stimulation was still open. */
bool ictus_evoked_finish(ictus_evoked *ev, ictus_afterdischarge *done);

/* Onset (µs) of the open stimulation; INT64_MAX when none. */
int64_t ictus_evoked_open_start_us(const ictus_evoked *ev);

#endif
