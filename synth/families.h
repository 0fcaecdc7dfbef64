/* families.h: `--negatives wide`: hard negatives drawn from randomised
 * morphology families far wider than artefacts.h's, so that training and
 * validation data are not one generator's habits (issue 12).
 *
 * Planned per file, only when spec->negatives is ICTUS_SYNTH_NEGATIVES_WIDE,
 * from a stream of their own (ICTUS_SYNTH_STREAM_FAMILIES), in addition to
 * the usual hard negatives: the default output is untouched.  Each family,
 * its rate and the ranges its parameters are drawn from (durations
 * log-uniform, the rest uniform; µV of a median mouse, times the model's
 * level):
 *   grooming_wide  10 per hour of wake, 2-30 s: a spiky rhythm of 3-12 Hz
 *                  (2-6 harmonics, amplitudes decay^k times 0.5-1, decay
 *                  0.4-0.9, random phases), 40-400 µV, with broadband
 *                  (~100 Hz) muscle bursts of 0.05-0.6 times that (RMS)
 *                  locked to each stroke (burst = floor 0-0.3 +
 *                  stroke^1-6); every lead weighted 0.1-1 whatever its site;
 *   spike_burst    3 per hour, any state, 1-6 s: a train of interictal
 *                  spike-waves at 1.5-6 Hz drifting by up to +-30 %,
 *                  200-600 µV, spike SD 6-15 ms, slow wave 0.1-0.5,
 *                  polyspike 0-0.6 (a third of bursts), HPC 0.6-1, CTX
 *                  0.1-0.6;
 *   theta_wide     4 per hour of wake, 10 per hour of REM, 5-60 s: 6-10 Hz
 *                  theta of 80-250 µV, 2nd harmonic 0-0.5 (asymmetric
 *                  waves), HPC 0.7-1, CTX 0.1-0.5;
 *   movement_wide  4 per hour of wake, 1-10 s: deflections of 0.2-4 Hz,
 *                  100-800 µV, plus a plateau (offset) of 0-1 times that,
 *                  each lead +-0.3-1;
 *   spindle_wide   20 per hour of NREM, 4 per hour of wake, 0.5-3 s:
 *                  7-16 Hz chirping by up to +-2 Hz, 50-250 µV, envelope
 *                  sin^1-4, 2nd harmonic 0-0.6, any lead 0.2-1;
 *   hvs_wide       3 per hour of wake, 1-10 s: spike-wave of 5-12 Hz
 *                  drifting down by 0-2 Hz, 100-400 µV, spike SD 4-12 ms,
 *                  slow wave 0.1-0.5, polyspike 0-0.5, any lead 0.3-1;
 *   pop_wide       1 per hour, any state: a step of 0.2-3 mV (either sign)
 *                  on one lead decaying with tau 0.02-1.5 s (the event
 *                  lasts 5 tau);
 *   clipping_wide  0.3 per hour, 0.05-5 s: beyond full scale (1.05-2x) on
 *                  every lead or on one.
 * Every family's rows go to artefacts.csv with their parameters
 * (ictus_synth_family_params).  The ranges of the durations, rates and
 * amplitudes above are drawn from ranges.c's table, where `--family-range`
 * can restrict them to a sub-range (ranges.h).
 *
 * Holding families out (spec->families_off): every wide family, these
 * eight and the seizure families of `--seizures wide` (ictal.h), has a
 * number; a family left out is still drawn, then dropped (draw-then-drop),
 * so the other families' events and parameters are the same whatever is
 * left out.
 * Thread safety: no shared state.
 */
#ifndef ICTUS_SYNTH_FAMILIES_H
#define ICTUS_SYNTH_FAMILIES_H

#include <stdbool.h>
#include <stddef.h>

#include "base/status.h"
#include "synth/background.h"
#include "synth/ictal.h"
#include "synth/model.h"
#include "synth/plan_event.h"

/* Append the file's wide hard negatives to `out` (nothing unless
 * spec->negatives is ICTUS_SYNTH_NEGATIVES_WIDE). */
void ictus_synth_families_plan(const ictus_synth_day_spec *spec, const ictus_synth_hypnogram *h,
                               ictus_synth_events *out);

/* Whether `kind` is one of the wide families. */
bool ictus_synth_is_family(ictus_synth_kind kind);

/* The wide families, numbered 0.. for spec->families_off: the eight
 * hard-negative ones in the order of ictus_synth_kind (grooming_wide ..
 * clipping_wide), then the seizure families in ictal.h's order. */
#define ICTUS_SYNTH_N_NEGATIVE_FAMILIES 8
#define ICTUS_SYNTH_N_FAMILIES (ICTUS_SYNTH_N_NEGATIVE_FAMILIES + ICTUS_SYNTH_N_ICTAL_FAMILIES)

/* Family f's name ("grooming_wide", "hpd_lvf", ...). */
const char *ictus_synth_family_name(int f);

/* The family number of event `ev`, or -1 when it is of none. */
int ictus_synth_family_of(const ictus_synth_event *ev);

/* Whether family f (-1: none, always kept) is kept by spec->families_off. */
bool ictus_synth_family_kept(const ictus_synth_day_spec *spec, int f);

/* The set (bit f = family f) named by `list`: comma-separated family
 * names, each possibly ending in '*' for every family with that prefix
 * ("hpd_*").  ICTUS_ERR_USAGE naming an entry that matches no family. */
ictus_status ictus_synth_families_parse(const char *list, uint64_t *set, ictus_error *err);

/* The parameters drawn for a family event as "name=value;..." (no commas)
 * into buf; "" for other kinds.  Lead weights as w=W1/W2/... in channel
 * order. */
void ictus_synth_family_params(const ictus_synth_event *ev, int n_channels, char *buf,
                               size_t size);

/* Renderers (plan_event.h). */
ictus_synth_render_fn ictus_synth_render_groom_wide, ictus_synth_render_theta_wide,
    ictus_synth_render_movement_wide, ictus_synth_render_spindle_wide;

#endif
