/* day.h: one recording file of one animal: its plan (every event with its
 * place on the timeline) and its samples, generated chunk by chunk.
 *
 * Lifecycle:
 *   1. ictus_synth_day_create() plans the file: hypnogram, seizures (or
 *      stimulations), hard negatives, gaps, spindles and interictal spikes;
 *   2. ictus_synth_day_events() lists the plan (the truth);
 *   3. ictus_synth_day_generate() delivers the samples in order, in blocks
 *      of any size: the samples do not depend on how they are asked for,
 *      because they are made in fixed chunks aligned to the file's start;
 *   4. ictus_synth_day_destroy().
 * Memory is constant in the file's length apart from the plan (a few
 * thousand events per day).  Everything is a function of the spec (and
 * through it the study seed, the animal and the file index): the same spec
 * gives the same samples, bit for bit, on any thread.
 * Thread safety: one day per thread; days are independent.
 */
#ifndef ICTUS_SYNTH_DAY_H
#define ICTUS_SYNTH_DAY_H

#include <stdint.h>

#include "synth/background.h"
#include "synth/plan_event.h"
#include "synth/model.h"

typedef struct ictus_synth_day ictus_synth_day;

/* Plan the file described by `spec` (copied; spec->animal is borrowed and
 * must outlive the day). */
ictus_synth_day *ictus_synth_day_create(const ictus_synth_day_spec *spec);
void ictus_synth_day_destroy(ictus_synth_day *d); /* NULL is a no-op */

/* The spec the day was made from (its copy). */
const ictus_synth_day_spec *ictus_synth_day_get_spec(const ictus_synth_day *d);

/* The plan, sorted by start; owned by the day.  Seizures and hard
 * negatives are the events whose ictus_synth_kinds[kind].cls says so. */
const ictus_synth_events *ictus_synth_day_events(const ictus_synth_day *d);

/* The wake/NREM/REM bouts (background.h); owned by the day. */
const ictus_synth_hypnogram *ictus_synth_day_hypnogram(const ictus_synth_day *d);

/* The next n samples of each channel into out[c][0..n), physical µV at
 * the amplifier input (values beyond ±full_scale_uv are the writer's to
 * clip).  Past the end of the file the samples continue the signal. */
void ictus_synth_day_generate(ictus_synth_day *d, float *const *out, int64_t n);

/* The gain (µV per µV of a median animal) of channel c at sample i. */
double ictus_synth_day_gain(const ictus_synth_day *d, int c, int64_t i);

#endif
