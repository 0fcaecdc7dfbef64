/* dm_plan.h: the disease-modification study of `ictus synth --protocol dm`:
 * per-animal effects that persist after the treatment ends, stop at its
 * withdrawal, or do nothing, planned so that every animal's class under
 * protocols/disease_mod.h is unambiguous, and the truth file that says so.
 *
 * Schedule (study_writer.h's ictus_synth_protocol), the same for every
 * animal, from the study start: baseline (baseline_s), treatment (drug_s),
 * washout (washout_s, left out when 0), follow-up (drug_s again: the
 * protocol's file count is unchanged).  Each period is a whole number of
 * files.  The animals take these roles, in this order, round-robin:
 *     role                   dosing.csv                     class
 *     disease_modifying      dmt-a treatment, followup      disease_modifying
 *     symptomatic            dmt-a treatment, followup      symptomatic
 *     no_effect              dmt-a treatment, followup      no_effect
 *     transplant             intervention cell-transplant   disease_modifying
 *                            from the treatment's start to
 *                            the end of the follow-up
 *     sham_transplant        the same intervention          no_effect
 * (baseline and washout rows as the schedule says), so 5 animals show each
 * once.  Rate multipliers (model.h), on top of scale_a (rates rarer than
 * --min-rate lifted, every period alike): 1 at baseline; an effect aims the
 * window's realised ratio to the baseline at 0.25 (multiplier kept in
 * 0.05..0.4), no effect at 1 (kept in 0.75..1.3).  disease_modifying: the
 * effect during treatment, washout and follow-up alike; symptomatic: the
 * effect during treatment, halfway back in the washout, none in the
 * follow-up; no_effect: none; transplant: the effect from the
 * intervention on.
 *
 * Unambiguous classes: the truth is counted on the realised plan of every
 * file (the very seizures truth.csv lists), in calendar hours, over the
 * windows disease_mod.h measures (chronic: the treatment and the follow-up;
 * intervention: from its start to the end, recovery_days 0).  A window's
 * ratio to the baseline must lie RATE_MARGIN (1.3) times away from the
 * effect threshold (1 − effect_pct/100 = 0.5): ≤ 0.385 for an effect, ≥ 0.65
 * for none.  Each window is planned with multiplier 1 first, the
 * multiplier set to aim at the target, and planned again; when the class
 * does not hold, its seizures are drawn again (up to 24 times), and then
 * the baseline (which needs at least 6 seizures and 1.3 per 24 h).  When
 * the periods are shorter than disease_mod.h's defaults assume, study.ini
 * gets a [disease_modification] section (min_analysable_h = half the
 * shortest measured period, min_followup_days = half the follow-up).
 *
 * Lifecycle: ictus_synth_dm_plan() → ictus_synth_dm_rate() for the
 * generation → the writers → ictus_synth_dm_destroy().
 * Thread safety: planning is single-threaded; the rate function only reads
 * the plan.
 */
#ifndef ICTUS_SYNTH_DM_PLAN_H
#define ICTUS_SYNTH_DM_PLAN_H

#include <stdio.h>

#include "base/status.h"
#include "synth/study_writer.h"

#define ICTUS_SYNTH_DM_DRUG "dmt-a"
#define ICTUS_SYNTH_DM_DOSE 10.0
#define ICTUS_SYNTH_DM_INTERVENTION "cell-transplant"

typedef struct ictus_synth_dm ictus_synth_dm;

/* Plan the effects of study `s` (checked, s->protocol->design DM) for its
 * animals (borrowed: they and `s` must outlive the plan).  On success *out
 * is a new plan.  ICTUS_ERR_USAGE naming the animal and what to change when
 * a class cannot be made unambiguous. */
ictus_status ictus_synth_dm_plan(const ictus_synth_study *s, const ictus_synth_animal *animals,
                                 ictus_synth_dm **out, ictus_error *err);

/* The seizure-rate multiplier of the plan; valid while the plan lives. */
ictus_synth_rate ictus_synth_dm_rate(const ictus_synth_dm *d);

/* Append study.ini's protocol comment and (when needed) [disease_modification]. */
void ictus_synth_dm_write_ini(const ictus_synth_dm *d, FILE *f);

/* dosing.csv: animal,period,drug,dose_mg_kg,route,start,end,tolerated,plasma_level. */
void ictus_synth_dm_write_periods(const ictus_synth_dm *d, FILE *f);

/* disease_modification_truth.csv, one row per animal (type "all"):
 * animal,exposure,drug,class,role,rate_scale,baseline_span_h,baseline_count,
 * during_span_h,during_count,during_multiplier,followup_span_h,
 * followup_count,followup_multiplier,during_pct_change,followup_pct_change
 * (calendar hours; an intervention's during columns empty). */
void ictus_synth_dm_write_truth(const ictus_synth_dm *d, FILE *f);

/* Free; NULL is a no-op. */
void ictus_synth_dm_destroy(ictus_synth_dm *d);

#endif
