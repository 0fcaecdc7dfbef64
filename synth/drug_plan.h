/* drug_plan.h: the drug study of `ictus synth --protocol asm`: per-animal drug
 * effects planned so that every animal's true response class is
 * unambiguous, and the truth files that say so.
 *
 * Schedule (study.h's ictus_synth_protocol), the same for every animal, from
 * the study start: baseline, treatment with asm-a (ICTUS_SYNTH_ASM_A_DOSE
 * mg/kg ip), washout of asm-a (left out when its length is 0), treatment
 * with asm-b (ICTUS_SYNTH_ASM_B_DOSE mg/kg ip).  Both doses are the
 * targets written to study.ini [drugs] and every period is tolerated, so
 * every trial is adequate.  Each period is a whole number of files, so each
 * file is planned under one rate.
 *
 * Effects: the study's seizure-rate multiplier (model.h) is, for animal a
 * in period p, scale_a x m_a,p.  scale_a >= 1 lifts animals whose first
 * seizure process is rarer than min_rate_per_24h (every period alike: it
 * sets the animal's baseline, it is no drug effect); m is 1 at baseline,
 * the drug's effect under a drug (0 for seizure freedom; a responder's in
 * 0.05..0.4, a non-responder's in 0.7..1.3, a worsening's in 1.8..6), and
 * halfway back to 1 in the washout.  The animals take these roles, in this
 * order, round-robin:
 *     role            asm-a           asm-b           course (a, b)        resistant
 *     responder       responder       responder       -, -                 no
 *     relapse         seizure_free    responder       remission, relapse   no
 *     resistant       non_responder   worsening       -, -                 yes
 *     late_responder  non_responder   responder       -, -                 no
 *     remission       seizure_free    seizure_free    remission, sustained no
 *     worsening       worsening       responder       -, -                 no
 *     late_remission  responder       seizure_free    -, remission         no
 *     partial         responder       non_responder   -, -                 no
 * so 8 animals show each once (the course and resistance follow from the
 * classes under analysis.h's definitions).  With protocol->responder_sex
 * (`--responder-sex F|M`: a drug effect in one sex only, for strata.h) the
 * animals' sexes alternate F, M, F, ... and the roles go by sex instead:
 *     sex_responder   responder       responder       -, -                 no
 *     sex_unaffected  non_responder   non_responder   -, -                 yes
 * (animals of responder_sex, then the others).  The roles with a seizure-free
 * block go to the animals with the shortest longest baseline ISI.
 *
 * Unambiguous classes: the truth is counted on the realised plan of every
 * file (the very seizures truth.csv lists), per period, in calendar hours.
 * A drug block's class must hold with room to spare: its rate ratio to the
 * baseline at least RATE_MARGIN (1.3) times away from every threshold of
 * response.h (strict 0.1, responder 0.5, worsening 1.5), and a seizure-free
 * block at least FREE_MARGIN (1.5) times as long as seizure_free_factor x
 * the longest baseline ISI, so that analysable time (a few % lost to
 * artefacts) and a detector's occasional miss or false alarm do not change
 * a rate class (a seizure-free block, though, needs zero events: one false
 * alarm in it makes it a strict responder).  Days differ (day-to-day rate
 * variation, clusters), so a block may hold more or fewer seizures than the
 * baseline without any drug: each block is planned with m = 1 first, m is
 * set to aim its ratio at the class's target (responder 0.25,
 * non-responder 0.9, worsening 2.8; kept within the class's range above),
 * and the block is planned again; when the class does not hold, the block's
 * seizures are drawn again (model.h's seizure_draw: a new realisation), up
 * to 24 times.  The baseline is drawn again likewise until it has at least
 * 6 seizures and RATE_MARGIN x min_baseline_per_24h (labs enrol only
 * animals with enough seizures at baseline), and again when the animal's
 * role cannot be realised against it (an extreme baseline).  The analysis
 * settings are response.h's defaults; when a period is too short for them
 * (min_analysable_h needs 1/0.8 of itself in calendar time, min_block_days
 * whole blocks), study.ini gets an [analysis] section with min_analysable_h
 * = half the shortest analysed period and/or min_block_days = half a drug
 * block, and the truth holds for those.
 *
 * Lifecycle: ictus_synth_dosing_plan() → ictus_synth_dosing_rate() for the
 * generation → the writers → ictus_synth_dosing_destroy().
 * Thread safety: planning is single-threaded; the rate function only reads
 * the plan, so the generator's threads may call it concurrently.
 */
#ifndef ICTUS_SYNTH_DOSING_H
#define ICTUS_SYNTH_DOSING_H

#include <stdio.h>

#include "base/status.h"
#include "synth/study_writer.h"

/* The two drugs: study.ini [drugs] names, doses (= targets) in mg/kg. */
#define ICTUS_SYNTH_ASM_A "asm-a"
#define ICTUS_SYNTH_ASM_A_DOSE 30.0
#define ICTUS_SYNTH_ASM_B "asm-b"
#define ICTUS_SYNTH_ASM_B_DOSE 200.0

typedef struct ictus_synth_dosing ictus_synth_dosing;

/* Plan the effects of study `s` (checked, with s->protocol) for its
 * animals[0..s->n_animals) (borrowed: they must outlive the plan; so must
 * `s`).  On success *out is a new plan (caller destroys).  Errors:
 * ICTUS_ERR_USAGE naming the animal and what to change when a baseline has
 * too few seizures, or no block can be made unambiguous (periods too short
 * for the animals' seizure rates). */
ictus_status ictus_synth_dosing_plan(const ictus_synth_study *s,
                                     const ictus_synth_animal *animals,
                                     ictus_synth_dosing **out, ictus_error *err);

/* The seizure-rate multiplier of the plan, for the study's `rate`; valid
 * while the plan lives. */
ictus_synth_rate ictus_synth_dosing_rate(const ictus_synth_dosing *d);

/* Append study.ini's protocol comment, [drugs] and (when needed) [analysis]. */
void ictus_synth_dosing_write_ini(const ictus_synth_dosing *d, FILE *f);

/* dosing.csv: animal,period,drug,dose_mg_kg,route,start,end,tolerated,plasma_level. */
void ictus_synth_dosing_write_periods(const ictus_synth_dosing *d, FILE *f);

/* responses.csv, one row per animal and drug (seizure type "all"):
 * animal,drug,dose_mg_kg,type,class,course,drug_resistant,role,rate_scale,
 * multiplier,baseline_span_h,baseline_count,baseline_longest_isi_h,span_h,
 * count,pct_change (calendar hours; pct_change of the calendar rates). */
void ictus_synth_dosing_write_responses(const ictus_synth_dosing *d, FILE *f);

/* Free; NULL is a no-op. */
void ictus_synth_dosing_destroy(ictus_synth_dosing *d);

#endif
