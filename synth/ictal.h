/* ictal.h: `--seizures wide`: spontaneous seizures whose morphology is drawn
 * from randomised families far wider than seizures.h's, so that training
 * and validation data are not one generator's habits (issue 12).  Each
 * stays a seizure of its type by DOMAIN.md §4: an HPD is >= 5 s of
 * rhythmic spikes well above the background, strongest on HPC; a
 * convulsive seizure (and a Dravet GTCS) involves both leads and is
 * followed by post-ictal depression.
 *
 * Occurrence is seizures.h's: the same point processes and draws, so the
 * seizures start where the usual ones would (unless a longer one before
 * pushes them later, or they no longer fit in the file).  From a stream of
 * their own (ICTUS_SYNTH_STREAM_ICTAL) each seizure draws a family of its
 * type (uniformly), its duration, log-uniform instead (HPD 5-90 s of spike
 * train after its onset phase, convulsive and GTCS 20-150 s in all), then
 * its parameters.
 *
 * The families (onset phase, then the spike train):
 *   hpd_spike_onset    the train starts at once (rising over the fall time);
 *   hpd_lvf            1-8 s of low-voltage fast activity (15-40 Hz, 5-30 %
 *                      of the spike amplitude), then spikes growing in
 *                      over 0.5-2 s;
 *   hpd_sentinel       a hypersynchronous onset: one sentinel spike of
 *                      1.2-3x the train's amplitude and a 0.5-3 s pause;
 *   hpd_buildup        2-15 s over which spikes grow from 10 % and their
 *                      rate from half of f0;
 *   hpd_irregular      the train starts at once, inter-spike intervals
 *                      irregular (log SD 0.25-0.6, others 0-0.1), amplitude
 *                      jitter 0.2-0.35 (others 0.05-0.2);
 *   every HPD: f0 1.5-6 Hz, then steady (f1 = f0 x 0.85-1.15), slowing
 *     (x 0.3-0.7) or accelerating (x 1.3-2), each a third, f1 kept in
 *     1-6 Hz (DOMAIN §4's rates), along u^0.5-2; peak 5-12x the background RMS (70 µV of a median
 *     mouse: 350-840 µV); spike SD 4-20 ms, slow wave 0-0.8, polyspike
 *     0-0.8 in half of them, polarity either sign; HPC 1, CTX 0.05-0.8
 *     (further leads x0.6-1); the last quarter fades by
 *     0-60 %, the end falls in 0.1-1 s; no muscle;
 *   conv_spike_onset   spike-wave from the start, its rate rising from 3-5 Hz
 *                      to f0 over 5-25 % of the train;
 *   conv_lvf           2-10 s of low-voltage fast activity (15-35 Hz, 3-15 %),
 *                      then spike-wave rising likewise;
 *   conv_tonic_clonic  a tonic phase of 2-10 s (20-40 Hz at 5-20 %, strong
 *                      muscle 60-200 µV RMS from the start), then clonic
 *                      spikes at f0;
 *   conv_secondary     a focal start of 5-20 s: the spike train at full
 *                      height on HPC, CTX growing from 5-30 % of its weight;
 *   every convulsive seizure: f0 4-12 Hz slowing to 1-4 Hz (a fifth: steady
 *     at f0 x 0.8-1.2) along u^0.5-2; peak 5-16x the background RMS
 *     (350-1120 µV); spike SD 4-15 ms, slow wave 0.1-0.8, polyspike 0-0.8
 *     in half; HPC 0.6-1, CTX 0.6-1.2; muscle 10-150 µV RMS from 10-80 %
 *     into the seizure (tonic: from the start); fade 0-40 %, fall
 *     0.1-2 s; post-ictal depression to 5-30 % for 20-180 s, recovering
 *     with tau 40-240 s;
 *   gtcs_tonic_clonic  tonic 1-8 s (20-40 Hz, 5-20 %, muscle 60-200 µV);
 *   gtcs_clonic        clonic spikes from the start (muscle 30-150 µV);
 *   gtcs_lvf           1-6 s of low-voltage fast activity (15-35 Hz, 3-15 %);
 *   every GTCS: as convulsive, but f0 6-14 Hz slowing to 1.5-4 Hz and an
 *     abrupt end (no fade, fall 0.05-0.3 s).
 * The amplitude is capped so that no spike clips (as seizures.h does): the
 * params' amp_rms is the draw, amp_uv what is rendered.  The durations,
 * f0 and amp_rms are drawn from ranges.c's table, where `--family-range`
 * can restrict them to a sub-range (ranges.h).
 * Thread safety: no shared state.
 */
#ifndef ICTUS_SYNTH_ICTAL_H
#define ICTUS_SYNTH_ICTAL_H

#include <stddef.h>

#include "synth/model.h"
#include "synth/plan_event.h"
#include "synth/rng.h"

typedef enum {
    ICTUS_SYNTH_HPD_SPIKE_ONSET,
    ICTUS_SYNTH_HPD_LVF,
    ICTUS_SYNTH_HPD_SENTINEL,
    ICTUS_SYNTH_HPD_BUILDUP,
    ICTUS_SYNTH_HPD_IRREGULAR,
    ICTUS_SYNTH_CONV_SPIKE_ONSET,
    ICTUS_SYNTH_CONV_LVF,
    ICTUS_SYNTH_CONV_TONIC_CLONIC,
    ICTUS_SYNTH_CONV_SECONDARY,
    ICTUS_SYNTH_GTCS_TONIC_CLONIC,
    ICTUS_SYNTH_GTCS_CLONIC,
    ICTUS_SYNTH_GTCS_LVF,
    ICTUS_SYNTH_N_ICTAL_FAMILIES
} ictus_synth_ictal_family;

/* The onset phase's pattern (ictus_synth_ictal.onset). */
typedef enum {
    ICTUS_SYNTH_ONSET_SPIKE,     /* none: the train starts at once */
    ICTUS_SYNTH_ONSET_LVF,       /* low-voltage fast activity */
    ICTUS_SYNTH_ONSET_SENTINEL,  /* one large spike, then a pause */
    ICTUS_SYNTH_ONSET_BUILDUP,   /* spikes growing in height and rate */
    ICTUS_SYNTH_ONSET_TONIC,     /* fast activity under strong muscle */
    ICTUS_SYNTH_ONSET_FOCAL,     /* the train on HPC, CTX joining */
} ictus_synth_onset;

/* The family's name (e.g. "hpd_lvf"). */
const char *ictus_synth_ictal_name(ictus_synth_ictal_family f);

/* Draw the family of a seizure of `kind` (HPD, CONVULSIVE or GTCS), its
 * duration (s, onset phase included) and the onset phase's length (s),
 * from r (the wide stream; the duration within spec->ranges' sub-range if
 * it has one, ranges.h): seizures.c's occurrence planning with
 * `--seizures wide`. */
ictus_synth_ictal_family ictus_synth_ictal_draw(const ictus_synth_day_spec *spec,
                                                ictus_synth_kind kind, ictus_synth_rng *r,
                                                double *dur_s, double *onset_s);

/* Draw the rest of the shape of wide seizure `ev` (its family and p[2]
 * set by ictus_synth_ictal_draw) from r, and append its post-ictal
 * depression to `out` (convulsive and GTCS).  ev must not lie in `out`. */
void ictus_synth_ictal_shape(const ictus_synth_day_spec *spec, ictus_synth_event *ev,
                             ictus_synth_rng *r, ictus_synth_events *out);

/* The parameters of a wide seizure as "name=value;..." (no commas) into
 * buf; "" for other events.  Lead weights as w=W1/W2/... in channel order
 * (focal onsets also w0=, the weights at the start). */
void ictus_synth_ictal_params(const ictus_synth_event *ev, int n_channels, char *buf,
                              size_t size);

/* Render a wide seizure (seizures.c's renderers call it when ev->ictal.family
 * is set; its voice is prepared by ictus_synth_start_seizure). */
ictus_synth_render_fn ictus_synth_render_ictal;

#endif
