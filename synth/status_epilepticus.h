/* status_epilepticus.h: planned status epilepticus episodes for `ictus synth
 * --status-epilepticus N` (DOMAIN.md §8): N episodes per animal, written to
 * truth.csv as ONE row of type "status_epilepticus" each, covering the whole
 * episode (its seizures are not written beside it).
 *
 * Placement: episode j of an animal (0-based) lies in its file j mod
 * n_files; a file with m episodes is cut into m equal slots and each
 * episode starts at a uniform time in its slot, at least 45 min after the
 * slot's start (the detector's baseline needs 10 clean minutes and looks 30
 * min ahead) and ending 15 min before the slot's end; a file too short for
 * that gets none.  Spontaneous seizures that would overlap an episode or
 * its refractory time (10 min after; a seizure's own before) are removed.
 * Draws come from the file's own stream (ICTUS_SYNTH_STREAM_SE), so the
 * rest of the study is the same bytes with and without episodes, apart from
 * the samples of the episodes and the seizures they displace.
 *
 * Morphology, after the model's first spontaneous seizure kind:
 *   focal (IHKA mouse, HPD): 12-25 min of continuous hippocampal spike
 *        trains (cortex 15-40 %), 2.5-5 Hz wandering slowly (a period of
 *        40-90 s), amplitude 70-100 % of an HPD's;
 *   convulsive (kainate rat, Dravet GTCS): 6-12 min of recurrent convulsive
 *        seizures without return to baseline: bursts of 50-110 s on both
 *        channels (spike-wave 6-9 Hz slowing to 2-3 Hz, muscle activity),
 *        each followed by 8-15 s of suppressed background, and post-ictal
 *        depression after the last.
 * Thread safety: pure functions of the day spec.
 */
#ifndef ICTUS_SYNTH_STATUS_EPILEPTICUS_H
#define ICTUS_SYNTH_STATUS_EPILEPTICUS_H

#include "synth/model.h"
#include "synth/plan_event.h"

/* The truth type of an episode. */
#define ICTUS_SYNTH_SE_TYPE "status_epilepticus"

/* Plan the file's spec->n_se episodes: remove the conflicting seizures from
 * `seizures` (sorted, not yet shaped) and append the episodes (and their
 * suppressions) to `out`. */
void ictus_synth_se_plan(const ictus_synth_day_spec *spec, ictus_synth_events *seizures,
                         ictus_synth_events *out);

/* How many of an animal's n episodes lie in file `file` of n_files. */
int ictus_synth_se_in_file(int n, int n_files, int file);

ictus_synth_start_fn ictus_synth_start_se;
ictus_synth_render_fn ictus_synth_render_se;

#endif
