/* seizures.h: when seizures happen and what they look like.
 *
 * Occurrence: each spontaneous process of a model (model.h) is a clustered
 * point process: cluster onsets form an inhomogeneous Poisson process whose
 * rate is the animal's rate x a day-to-day factor x the light/dark factor
 * x the caller's rate multiplier (ictus_synth_rate, for drug periods),
 * simulated by time rescaling on a one-minute grid, so any multiplier >= 0
 * works; each cluster holds 1 + Poisson(cluster_mean - 1) seizures spaced
 * by exponential intervals.  Seizures never overlap: a later one waits for
 * the previous one (and its post-ictal depression) to end.  The draws come
 * from the file's seizure stream, keyed also by the spec's seizure_draw
 * (0 normally; model.h).
 * 6 Hz kindling: stimulations at 10:00 and 16:00 (animal i two minutes
 * after animal i-1); the Racine stage grows with the number of
 * stimulations the animal has had (its kindling speed varies), times the
 * rate multiplier (a drug that protects lowers the stage); stage >= 1
 * brings an afterdischarge whose length grows with the stage.
 *
 * Morphologies (DOMAIN §4; amplitudes for a median animal):
 *   hpd: a polyspike-wave train on the hippocampus (cortex 15-40 %),
 *        slowing from 4-6 to 1.5-3 Hz, 450-700 µV spikes (6-10x the
 *        background RMS, 3-4x its typical excursion);
 *   convulsive: 2-5 s of low-amplitude 15-25 Hz activity, then spike-wave
 *        rising to 6-9 Hz and slowing to 1.5-3 Hz, 700-1100 µV on both
 *        channels, muscle activity on the cortex, then post-ictal depression;
 *   gtcs: a tonic phase of 2-5 s (low-amplitude 20-35 Hz activity, strong
 *        muscle activity), clonic spikes at 6-12 Hz slowing to 2-4 Hz, an
 *        abrupt end and post-ictal suppression;
 *   afterdischarge: 5-8 Hz spikes slowing to 2-3 Hz after the stimulus,
 *        amplitude and length growing with the Racine stage.
 * Post-ictal depression: the background drops at once to 6-18 % (GTCS
 * 5-15 %: near-flat generalized suppression; stage 3-5 afterdischarges
 * 40-60 %), stays there for 30-180 s and recovers exponentially (tau
 * 60-240 s), so that line length falls below half its baseline within the
 * first minute whatever the state the seizure came from.
 * With spec->seizures ICTUS_SYNTH_SEIZURES_WIDE the spontaneous seizures
 * take their durations and morphologies from the wide families instead
 * (ictal.h; the occurrence is the same process); afterdischarges are
 * unchanged.
 */
#ifndef ICTUS_SYNTH_SEIZURES_H
#define ICTUS_SYNTH_SEIZURES_H

#include "synth/plan_event.h"
#include "synth/model.h"

/* Append the file's spontaneous seizures (and their post-ictal
 * depressions), or for the kindling model its stimulations and evoked
 * afterdischarges, to `out`.  Events lie within [0, n_samples). */
void ictus_synth_seizures_plan(const ictus_synth_day_spec *spec, ictus_synth_events *out);

/* amp (µV of a median animal) capped so that a spike train with these lead
 * weights stays within 70 % of full scale at the largest gain drift. */
float ictus_synth_seizure_amp_cap(const ictus_synth_day_spec *spec, const float *weight,
                                  double amp);

/* Renderers and the voice set-up they share (plan_event.h). */
ictus_synth_start_fn ictus_synth_start_seizure;
ictus_synth_render_fn ictus_synth_render_hpd, ictus_synth_render_convulsive,
    ictus_synth_render_gtcs, ictus_synth_render_afterdischarge, ictus_synth_render_postictal;

/* The 6 Hz stimulation's annotation text and parameters. */
#define ICTUS_SYNTH_STIM_TEXT "stim 6Hz 44mA"
#define ICTUS_SYNTH_STIM_HZ 6.0
#define ICTUS_SYNTH_STIM_S 3.0
#define ICTUS_SYNTH_STIM_MA 44.0

#endif
