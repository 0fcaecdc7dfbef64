/* periods.h: an animal's dosing periods arranged for analysis: conditions and reference baselines.
 *
 * dosing.csv gives each animal a sequence of periods (dosing.h): baseline,
 * treatment, vehicle, washout, any number of each, in any order (sequential
 * drugs and doses, crossover blocks).  The analysis looks at them in two ways:
 *   - period by period (out/periods.csv): every period on its own, compared
 *     with its reference baseline;
 *   - condition by condition (out/responders.csv, statistics): a condition is
 *     what an animal received, pooled over every period where it received it:
 *       baseline   all its baseline periods (one condition per animal);
 *       treatment  one per distinct (drug, dose, route), drug and route
 *                  compared ignoring case: the same drug at two doses is two
 *                  conditions; the same drug and dose given in two blocks
 *                  (a repeated crossover) is one condition of two periods;
 *       vehicle    all its vehicle periods, whatever the vehicle (one per
 *                  animal): "drug vs vehicle" compares with the animal's
 *                  vehicle exposure as a whole.
 *     Washout, intervention and followup periods belong to no condition:
 *     they are excluded from every comparison here (they still get their
 *     own row in periods.csv; disease_mod.h compares interventions and
 *     followups).
 *
 * The reference baseline of a period (the B of % change = (T − B)/B × 100)
 * follows the rule ICTUS_BASELINE_* (setting [analysis] baseline):
 *   all        every baseline period of the animal, pooled (default);
 *   preceding  the last baseline period that starts before the period
 *              (drifting chronic models, designs that re-baseline before
 *              each drug); none when no baseline precedes it.
 * The reference of a condition is the union of its periods' references.
 * A baseline period has no reference of its own (it is the reference).
 *
 * Lifecycle: ictus_plan_build() → read the conditions → ictus_plan_clear().
 * A plan borrows the animal (and its study's strings): keep the study alive.
 * Thread safety: a built plan is read-only; different plans are independent.
 */
#ifndef ICTUS_PERIODS_H
#define ICTUS_PERIODS_H

#include <stdbool.h>
#include <stdint.h>

#include "protocols/study.h"

/* How the reference baseline of a period is chosen (see above). */
typedef enum {
    ICTUS_BASELINE_ALL = 0,
    ICTUS_BASELINE_PRECEDING,
    ICTUS_N_BASELINE_RULES
} ictus_baseline_rule;

/* "all", "preceding"; NULL-terminated, for settings tables. */
extern const char *const ictus_baseline_rule_names[];

/* One condition of one animal. */
typedef struct {
    ictus_period_kind kind;     /* BASELINE, TREATMENT or VEHICLE (never WASHOUT, ...) */
    const char *drug;           /* treatment: the drug; vehicle: its distinct names joined
                                   by "|" ("" when unnamed); baseline: "" */
    double dose_mg_kg;          /* treatment: the dose; otherwise NAN */
    const char *route;          /* treatment: the route as written ("" when not given);
                                   otherwise "" */
    double target_dose_mg_kg;   /* treatment: the drug's [drugs] target; NAN when unknown */
    ictus_tolerated tolerated;  /* NO when any period says no; YES when all say yes;
                                   otherwise UNKNOWN */
    int64_t span_us;            /* total calendar length of its periods */
    int64_t first_start_us;     /* start of its first period */
    int64_t last_end_us;        /* end of its last period */
    int n_periods;
    int *periods;               /* [n_periods]: indexes into animal->periods, in time order */
    bool *reference;            /* [animal->n_periods]: true for the baseline periods that
                                   are its reference; all false for a baseline condition */
} ictus_condition;

typedef struct {
    const ictus_animal *animal; /* borrowed */
    ictus_baseline_rule rule;
    int n_conditions;
    ictus_condition *conditions; /* ordered by first start (ties: ictus_condition_cmp) */
    char *vehicle_names_;        /* private: the storage of the vehicle's drug text */
} ictus_plan;

/* Arrange the periods of `animal` into conditions with their references.
 * *plan is overwritten (clear a previous plan first).  Cannot fail (memory
 * errors abort).  An animal without periods gets a plan without conditions. */
void ictus_plan_build(const ictus_animal *animal, ictus_baseline_rule rule, ictus_plan *plan);

/* Free what the plan owns and zero it; a zeroed plan is a no-op. */
void ictus_plan_clear(ictus_plan *plan);

/* Mark in mask[0..animal->n_periods) the reference baseline periods of
 * period `period` (0 ≤ period < n_periods) under `rule`.  A baseline period
 * has none.  Returns how many were marked. */
int ictus_period_reference(const ictus_animal *animal, int period, ictus_baseline_rule rule,
                           bool *mask);

/* The index of the animal's baseline, treatment (any) or vehicle condition
 * of the same kind, drug, dose and route as `key` (ictus_condition_same),
 * or -1. */
int ictus_plan_find(const ictus_plan *plan, const ictus_condition *key);

/* True when two conditions (of any animals, any studies) are the same
 * exposure: the same kind and, for treatments, the same drug and route
 * (ignoring ASCII case) and dose (exactly).  Baselines are all the same, and
 * so are vehicles. */
bool ictus_condition_same(const ictus_condition *a, const ictus_condition *b);

/* Order of exposures for tables: baseline, vehicle, then treatments by
 * drug (ignoring case), dose, route.  0 exactly when ictus_condition_same(). */
int ictus_condition_cmp(const ictus_condition *a, const ictus_condition *b);

#endif
