/* kindling_plan.h: drug sessions of a synthetic 6 Hz kindling study with a
 * planned ED50 and TD50 (`ictus synth --model 6hz-kindling-mouse
 * --kindling-doses 3,10,30,100 --ed50 20 --td50 60`).
 *
 * Schedule: the stimulation sessions are the 10:00 and 16:00 stimulations of
 * every calendar day (seizures.h; animal i two minutes later per index), a
 * session's window [09:00, 13:00) or [15:00, 19:00) of its day.  The
 * sessions whose window lies inside the recording are numbered in time;
 * the last n_doses of them are drug sessions, one per dose in ascending
 * order, every animal tested at every dose (a crossover of single doses);
 * the earlier ones are acquisition.  Every animal arrives fully kindled:
 * its stimulations before the recording are raised to twice its kindling
 * speed (model.h prior_stims), so that each acquisition stimulation is
 * Racine 5.  When fewer than 10 acquisition sessions are recorded, study.ini
 * gets [kindling] kindled_run = their number (kindling.h's criterion needs
 * that many consecutive ones).
 *
 * Protection follows a probit in log dose: animal a is protected at dose d
 * when Φ(slope · log10(d / ED50)) ≥ u_a, i.e. when d reaches its own
 * threshold ED50 · 10^(Φ⁻¹(u_a) / slope).  Each u_a is uniform on (0, 1),
 * so each animal is protected at d with probability Φ(slope · log10(d /
 * ED50)); jointly they are a Latin hypercube sample, u_a = (k_a + U_a)/n
 * with k a random order of the animals and U_a uniform (seeded): the share
 * protected at each dose is that probability to within 1/n, and each
 * animal's protection grows with the dose.  Toxicity likewise with the
 * TD50 and its own order: tolerated = no at a dose ≥ the animal's toxic
 * threshold.  A protected session has no seizure (the seizure-rate
 * multiplier is 0 at its stimulation: Racine 0); an unprotected one is
 * Racine 5 with its afterdischarge.
 *
 * Files: dosing.csv (one treatment period per animal and drug session, the
 * session's window, drug ICTUS_SYNTH_KINDLING_DRUG, route ip, tolerated
 * yes/no), dose_plan.csv (the truth: drug,outcome,dose_mg_kg,n,planned_r,
 * planned_p,d50_mg_kg,probit_slope: per outcome protection | toxicity and
 * dose, planned_r the animals responding, d50 the planned ED50 or TD50),
 * study.ini comments naming the plan.
 *
 * Lifecycle: ictus_synth_kindling_plan() → the rate for generation → the
 * writers → ictus_synth_kindling_destroy().  The rate function only reads
 * the plan: the generator's threads may call it concurrently.
 */
#ifndef ICTUS_SYNTH_KINDLING_PLAN_H
#define ICTUS_SYNTH_KINDLING_PLAN_H

#include <stdbool.h>
#include <stdio.h>

#include "base/status.h"
#include "synth/model.h"

#define ICTUS_SYNTH_KINDLING_DRUG "asm-k"
#define ICTUS_SYNTH_MAX_DOSES 12

/* What `--kindling-doses`, `--ed50`, `--td50` and `--probit-slope` ask for. */
typedef struct {
    int n_doses;                              /* 2..ICTUS_SYNTH_MAX_DOSES */
    double doses[ICTUS_SYNTH_MAX_DOSES];      /* mg/kg, > 0, ascending */
    double ed50, td50;                        /* mg/kg, > 0 */
    double slope;                             /* probit slope per log10 dose, > 0 */
} ictus_synth_kindling_doses;

typedef struct ictus_synth_kindling ictus_synth_kindling;

/* Plan the sessions of doses `d` (copied) for a study of `model` with
 * seed `seed` recorded over [start_us, end_us), for animals[0..n_animals)
 * (their prior_stims are raised; borrowed: they must outlive the plan).
 * ICTUS_ERR_USAGE when the model is not 6 Hz kindling, a drug protocol is
 * also asked for, the doses are not ascending and positive, more than 88
 * animals (the morning stimulations must stay inside their window), or the
 * recording holds fewer than n_doses + 1 sessions (naming the days needed). */
ictus_status ictus_synth_kindling_plan(const ictus_synth_kindling_doses *d,
                                       const ictus_synth_model *model, bool with_protocol,
                                       uint64_t seed, int64_t start_us, int64_t end_us,
                                       ictus_synth_animal *animals, int n_animals,
                                       ictus_synth_kindling **out, ictus_error *err);

/* The rate multiplier for generation (0 at a protected drug session's
 * stimulation, else 1); valid while the plan lives. */
ictus_synth_rate ictus_synth_kindling_rate(const ictus_synth_kindling *k);

/* Whether animal a is protected / toxic at dose index j. */
bool ictus_synth_kindling_protected(const ictus_synth_kindling *k, int a, int j);
bool ictus_synth_kindling_toxic(const ictus_synth_kindling *k, int a, int j);

/* Comments naming the plan and, when needed, [kindling] kindled_run. */
void ictus_synth_kindling_write_ini(const ictus_synth_kindling *k, FILE *f);
/* dosing.csv and dose_plan.csv (above). */
void ictus_synth_kindling_write_periods(const ictus_synth_kindling *k, FILE *f);
void ictus_synth_kindling_write_truth(const ictus_synth_kindling *k, FILE *f);

void ictus_synth_kindling_destroy(ictus_synth_kindling *k); /* NULL is a no-op */

#endif
