/* deaths.h: planned deaths of synthetic animals (`ictus synth --deaths`): probable SUDEP
 * after a GTCS, and deaths of other causes away from any seizure.
 *
 * Each animal dies with probability 0.6; a death is a SUDEP with
 * probability 0.6, else of another cause (euthanasia at a humane endpoint).
 *   sudep  3–20 min (whole seconds) after the end of a planned convulsive
 *          seizure (GTCS) of one of its files, with no other seizure
 *          between; the GTCS's own post-ictal depression (seizures.c: 5–15 %
 *          of the background for 30–180 s) is the suppression the analysis
 *          looks for;
 *   other  at a random whole second of a file (20 tries per file), no
 *          seizure ending in the 2 h before it (this file and the one
 *          before: twice the analysis's default SUDEP window) or going on
 *          at it.
 * The death file is the first with a candidate from a file drawn in
 * 1..n_files−1 (0 when there is one file), onwards, wrapping to file 0; an
 * animal with no candidate anywhere lives.  Recording stops at death: the death
 * file is cut there (its writer stops at stop_sample), later files are not
 * made.  animals.csv gets `death` and `death_cause` ("found dead" for a
 * SUDEP, "euthanised at humane endpoint" otherwise: the lab does not know
 * the cause); the planned truth goes to deaths.csv:
 *   animal, death, planned_cause (sudep | other), gtcs_start, gtcs_end
 *   (naive local times; the GTCS columns empty for other causes).
 * Everything is a function of (study, animal): the same bytes whatever the
 * threads.  Thread safety: reentrant.
 */
#ifndef ICTUS_SYNTH_DEATHS_H
#define ICTUS_SYNTH_DEATHS_H

#include <stdbool.h>
#include <stdint.h>

#include "synth/model.h"

typedef struct {
    bool dies;
    bool sudep;
    int file;                  /* the file it dies in */
    int64_t stop_sample;       /* the death, in samples from that file's start (> 0) */
    int64_t death_us;          /* wall clock */
    int64_t gtcs_start_us, gtcs_end_us; /* sudep: the GTCS before it */
} ictus_synth_death;

/* Plan animal a's death with the day specs of `spec_of` (the study's). */
typedef void (*ictus_synth_spec_fn)(const void *ctx, const ictus_synth_animal *a, int file,
                                    ictus_synth_day_spec *spec);

void ictus_synth_death_plan(const ictus_synth_animal *a, int n_files, ictus_synth_spec_fn spec_of,
                            const void *ctx, ictus_synth_death *out);

#endif
