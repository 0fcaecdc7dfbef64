/* ranges.h: `--family-range FAMILY.PARAM=LO:HI`: a wide family's drawn
 * parameter restricted to a sub-range of its range, so that validation can
 * hold out parameter ranges (train on one part, test on the rest; issue
 * 12) as `--families` holds out whole families.
 *
 * Sampled directly: the uniform that would have been drawn, from the same
 * stream, is mapped onto [LO, HI] instead of the family's whole range (on
 * a log scale where the family draws log-uniform), so every other draw, of
 * this event, this family and the others, is the one it would have been,
 * and a study without the option is the bytes it was.  The number of
 * events of the family does not change either.  Two exceptions, both of a
 * duration: a hard negative whose restricted duration no longer fits in its
 * sleep/wake bout (or file) is drawn, then left out (its stream as always);
 * a seizure's restricted duration moves the seizures after it in the file
 * (later or earlier, by the same occurrence rules as a longer or shorter
 * seizure: seizures.h's refractory times), which may push one out of the
 * file and change the shapes drawn after it.
 *
 * The parameters (name: the column of the params that shows it, and the
 * whole range; families.h and ictal.h say what they mean):
 *   every hard-negative family  dur_s (pop_wide: tau_s), f0_hz, amp_uv (not
 *                               pop_wide, clipping_wide), and for
 *                               grooming_wide muscle_ratio (muscle_uv /
 *                               amp_uv);
 *   every seizure family        f0_hz, amp_rms, and train_s (HPDs: the
 *                               spike train after the onset phase) or
 *                               dur_s (convulsive and GTCS: the seizure;
 *                               at least its onset phase + 15 s whatever
 *                               the range).
 * Amplitudes in µV of a median mouse (the params show them times the
 * model's level).
 * Thread safety: a filled ictus_synth_ranges is read-only while planning.
 */
#ifndef ICTUS_SYNTH_RANGES_H
#define ICTUS_SYNTH_RANGES_H

#include <stdbool.h>
#include <stddef.h>

#include "base/status.h"
#include "synth/families.h"
#include "synth/model.h"
#include "synth/rng.h"

/* The parameters a range can restrict (not every family has each). */
typedef enum {
    ICTUS_SYNTH_PARAM_DUR,    /* dur_s, train_s (HPD) or tau_s (pop_wide) */
    ICTUS_SYNTH_PARAM_F0,     /* f0_hz */
    ICTUS_SYNTH_PARAM_AMP,    /* amp_uv or amp_rms (seizures) */
    ICTUS_SYNTH_PARAM_MUSCLE, /* muscle_ratio (grooming_wide) */
    ICTUS_SYNTH_N_PARAMS
} ictus_synth_param;

/* The sub-ranges given: set[f][p] when family f's parameter p is
 * restricted to [lo, hi].  Zero-initialised: none. */
struct ictus_synth_ranges {
    bool set[ICTUS_SYNTH_N_FAMILIES][ICTUS_SYNTH_N_PARAMS];
    double lo[ICTUS_SYNTH_N_FAMILIES][ICTUS_SYNTH_N_PARAMS];
    double hi[ICTUS_SYNTH_N_FAMILIES][ICTUS_SYNTH_N_PARAMS];
};

/* Add "FAMILY.PARAM=LO:HI" to `r` (a later range of the same parameter
 * replaces an earlier one); FAMILY may end in '*' for every family with
 * that prefix ("hpd_*"), each of which must have PARAM.  Sets bit f of
 * *families for every family restricted.  ICTUS_ERR_USAGE naming the
 * argument: no such family, no such parameter (the family's are listed),
 * not two numbers, an empty range (LO >= HI) or one reaching outside the
 * family's range. */
ictus_status ictus_synth_ranges_add(ictus_synth_ranges *r, const char *arg, uint64_t *families,
                                    ictus_error *err);

/* The ranges as "FAMILY.PARAM=LO:HI ..." (space-separated, families in
 * their order) into buf, "" for none: study.ini's provenance. */
void ictus_synth_ranges_format(const ictus_synth_ranges *r, char *buf, size_t size);

/* Draw family f's parameter p: uniform in its range (log-uniform for
 * durations), or in the sub-range spec->ranges gives it, from one uniform
 * of `rng` either way.  *full (may be NULL): what the same uniform gives
 * over the whole range, the value the draw has without the option. */
double ictus_synth_param_draw(const ictus_synth_day_spec *spec, int f, ictus_synth_param p,
                              ictus_synth_rng *rng, double *full);

#endif
