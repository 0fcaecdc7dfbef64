/* artefacts.h: the hard negatives of DOMAIN §4b, at realistic rates, and
 * how each looks.
 *
 * Planned per file from the hypnogram (behaviour happens in wake):
 *   grooming   8 per hour of wake, 2-10 s: rhythmic 4-8 Hz movement with
 *              bursts of broadband 60-150 Hz muscle activity, mostly on the
 *              cortical screws, several times the median line length;
 *   chewing    4 per hour of wake, 2-8 s: 5-8 Hz jaw-rhythm muscle bursts;
 *   movement   3-9 per hour of wake (more when exploring), 1-5 s: slow
 *              large deflections (0.3-1.5 Hz);
 *   hvs        rats: the model's rate per hour of quiet wake, 1-5 s of
 *              7-9 Hz spike-wave (high-voltage spindles);
 * and at any time:
 *   pop        the animal's rate (0.02-3 per hour, median 0.3): a step of
 *              0.5-2 mV on one lead decaying with tau 0.05-0.8 s;
 *   dropout    the animal's rate (0.02-2 per hour, median 0.2): 1-30 s of
 *              flat line (0 µV) on every lead;
 *   clipping   0.1 per hour: 0.2-3 s driven beyond full scale (the digital
 *              limits);
 *   mains      1.5 per day: 5-60 min of hum at 5-20x its usual level;
 *   impedance_step  the gain drift's steps (model.h), one lead;
 *   gap        with `gaps`: 1-3 stretches of 1-20 min (at most half the
 *              room) of lost telemetry, whole seconds, which the file
 *              leaves out (EDF+D); 10 min away from the file's ends, from
 *              each other and from stimulations (so files under 22 min
 *              have none).
 * The 6 Hz stimulus artefact (18 pulses over 3 s, 0.6-1.6x full scale, so
 * that some clip) is planned with the stimulations (seizures.c).
 * Thread safety: no shared state.
 */
#ifndef ICTUS_SYNTH_ARTEFACTS_H
#define ICTUS_SYNTH_ARTEFACTS_H

#include "synth/background.h"
#include "synth/plan_event.h"
#include "synth/model.h"

/* Append the file's hard negatives (not gaps) to `out`. */
void ictus_synth_artefacts_plan(const ictus_synth_day_spec *spec, const ictus_synth_hypnogram *h,
                                ictus_synth_events *out);

/* Append the file's telemetry gaps (when spec->gaps) to `out`, away from
 * the first and last 10 minutes and from the events of `avoid` of kind
 * `avoid_kind` (with 10 minutes' margin). */
void ictus_synth_gaps_plan(const ictus_synth_day_spec *spec, const ictus_synth_events *avoid,
                           ictus_synth_kind avoid_kind, ictus_synth_events *out);

/* Renderers and voice set-up (plan_event.h). */
ictus_synth_start_fn ictus_synth_start_muscle;
ictus_synth_render_fn ictus_synth_render_muscle, ictus_synth_render_movement,
    ictus_synth_render_pop, ictus_synth_render_dropout, ictus_synth_render_clipping,
    ictus_synth_render_mains, ictus_synth_render_hvs, ictus_synth_render_stimulus;

#endif
