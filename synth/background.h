/* background.h: an animal's background EEG: sleep-wake states in ultradian
 * bouts, 1/f noise with a per-channel exponent, delta and theta rhythms
 * whose strength follows the state, NREM spindles and interictal spikes.
 *
 * DOMAIN §4b: exploration and REM sleep bring strong hippocampal theta
 * (6-9 Hz); NREM brings high-amplitude delta and 10-15 Hz spindles;
 * interictal spikes are isolated sharp waves, several per minute in kainate
 * animals.  Mice sleep mostly in the light phase (07-19 h): there NREM
 * takes ~57 % of the time, REM ~9 %, wake ~35 %; in the dark wake ~65 %.
 *
 * Lifecycle of the generator:
 *   1. ictus_synth_hypnogram_plan() lays out the day's bouts;
 *   2. ictus_synth_background_create() builds the filters;
 *   3. ictus_synth_background_generate() fills consecutive chunks;
 *   4. ictus_synth_background_destroy().
 * Thread safety: one generator per thread; generators are independent.
 */
#ifndef ICTUS_SYNTH_BACKGROUND_H
#define ICTUS_SYNTH_BACKGROUND_H

#include <stdint.h>

#include "synth/plan_event.h"
#include "synth/model.h"

typedef enum { ICTUS_SYNTH_WAKE, ICTUS_SYNTH_NREM, ICTUS_SYNTH_REM } ictus_synth_state;

/* A bout: from `start` (day sample index) to the next bout's start. */
typedef struct {
    int64_t start;
    ictus_synth_state state;
    float activity;              /* wake: 0 quiet .. 1 exploring; else 0 */
} ictus_synth_bout;

typedef struct {
    ictus_synth_bout *bouts;     /* sorted, bouts[0].start == 0 */
    int n;
    int64_t n_samples;
    double fs_hz;
} ictus_synth_hypnogram;

/* Plan the bouts of a day of n_samples at fs_hz whose first sample is at
 * wall clock start_us (the hour decides light or dark phase); `key` seeds it. */
void ictus_synth_hypnogram_plan(ictus_synth_hypnogram *h, uint64_t key, int64_t start_us,
                                int64_t n_samples, double fs_hz);
void ictus_synth_hypnogram_free(ictus_synth_hypnogram *h);

/* Seconds spent in `state` over the day. */
double ictus_synth_hypnogram_seconds(const ictus_synth_hypnogram *h, ictus_synth_state state);

/* Is light phase at wall clock t_us (07:00-19:00)? */
int ictus_synth_is_light(int64_t t_us);

typedef struct ictus_synth_background ictus_synth_background;

/* A generator for animal `a` following hypnogram `h` (borrowed: it must
 * outlive the generator); `key` seeds the noise. */
ictus_synth_background *ictus_synth_background_create(const ictus_synth_animal *a,
                                                      const ictus_synth_hypnogram *h,
                                                      uint64_t key);
void ictus_synth_background_destroy(ictus_synth_background *bg); /* NULL is a no-op */

/* Fill out[c][0..n) with samples i0 .. i0+n-1 of the background (µV of a
 * median animal on a median electrode).  Chunks must be consecutive: i0 is
 * the end of the previous call (0 at first). */
void ictus_synth_background_generate(ictus_synth_background *bg, int64_t i0, int n,
                                     float *const *out);

/* Append the day's NREM spindles and interictal spikes to `out`. */
void ictus_synth_background_plan(const ictus_synth_animal *a, const ictus_synth_hypnogram *h,
                                 uint64_t key, ictus_synth_events *out);

/* A weight per channel from the channel's site: hpc for hippocampal leads,
 * ctx for cortical ones, each times a random factor in [1 - spread, 1]
 * (extra leads of the same site get weaker copies). */
void ictus_synth_site_weights(const ictus_synth_animal *a, ictus_synth_rng *r, double hpc,
                              double ctx, double spread, float *weight);

/* Renderers (plan_event.h). */
ictus_synth_render_fn ictus_synth_render_spindle, ictus_synth_render_spike;

#endif
