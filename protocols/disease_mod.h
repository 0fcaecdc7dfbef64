/* disease_mod.h: disease modification vs symptomatic effect, per animal, exposure and seizure type.
 *
 * DOMAIN.md §8: a symptomatic drug lowers seizures only while it is given; a
 * disease-modifying (antiepileptogenic) treatment or a one-time intervention
 * (cell transplant, viral vector, surgery) changes them after it is
 * withdrawn, or delays the onset of spontaneous seizures when given before
 * they start (the latent period).
 *
 * What dosing.csv says (dosing.h): chronic treatments are `treatment`
 * periods; a one-time intervention is an `intervention` period given at its
 * start and followed up to its end; `followup` periods are drug-free
 * observation after a treatment or an intervention ended; `washout` periods
 * (drug clearance) are never measured.  A study whose dosing.csv has no
 * intervention and no followup period does not ask the question: it gets no
 * out/disease_modification.csv (a stale one is removed) and its other
 * outputs and analysis-settings.txt are what they were before this module.
 *
 * Exposures (one row each, per seizure type: "all" first, then by name):
 *   treatment     one per treatment condition of the animal (periods.h: the
 *                 same drug, dose and route pooled).  start = its first
 *                 period's start; withdrawal = its last period's end;
 *                 during = its periods;
 *   intervention  one per intervention period.  start = withdrawal = the
 *                 period's start (one-time: nothing is given afterwards);
 *                 during does not exist.
 * Follow-up of an exposure (`after`): for an intervention, its own period
 * from start + recovery_days to its end (nothing when that is empty);
 * then, for either kind, every followup period that comes after the
 * exposure's last period, walking forward in time over followup and
 * washout periods and stopping at the first period of another kind.
 * Reference baseline: the baseline periods that the analysis' baseline rule
 * ([analysis] baseline, periods.h) gives the exposure's first period.
 * Rates: measures.h over analysable time (count per analysable 24 h).
 * % change = (rate − baseline rate)/baseline rate × 100; an effect is a
 * reduction: % change ≤ −effect_pct.
 *
 * Design of a row (per type):
 *   baseline  the reference baseline has at least one seizure of the type;
 *   latent    no seizure of the type in any of the animal's periods before
 *             the exposure's start (treated before seizure onset), so no
 *             baseline rate exists; the exposure is judged by onset;
 *   (neither: seizures before the start, none in the reference baseline:
 *             undetermined, low_baseline; or no reference baseline at all:
 *             no_baseline.)
 *
 * Class, baseline design, decided in this order:
 *   1. undetermined (`why`): low_baseline (baseline rate <
 *      min_baseline_per_24h), short_baseline (baseline analysable hours <
 *      min_analysable_h), short_treatment (treatment: during analysable
 *      hours < min_analysable_h), no_followup (no follow-up), short_followup
 *      (follow-up calendar days < min_followup_days, or its analysable hours
 *      < min_analysable_h);
 *   2. disease_modifying: an effect during follow-up (it persists after the
 *      withdrawal, or after the one-time intervention);
 *   3. symptomatic: a treatment with an effect during treatment and none
 *      during follow-up;
 *   4. no_effect: otherwise (no effect during treatment or follow-up; an
 *      intervention without effect in its follow-up).
 * Class, latent design (onset of spontaneous seizures):
 *   latency_h             calendar hours from the exposure's start to the
 *                         first seizure of the type that starts at or after
 *                         it, before the end of the animal's last period;
 *                         without one, censored at that end (latency_event
 *                         = no);
 *   withdrawal_latency_h  the same from the withdrawal (an intervention: =
 *                         latency_h); negative when the first seizure came
 *                         during treatment;
 *   controls              animals of the study with a vehicle period and no
 *                         treatment or intervention, without a seizure of
 *                         the type in their periods before their first
 *                         vehicle period; their latency from its start
 *                         (censored likewise);
 *   control_median_latency_h  the Kaplan–Meier median of the controls'
 *                         latencies (survival.h);
 *   T = onset_factor × control_median_latency_h.  Decided in this order:
 *   1. undetermined: no_controls (no control animal for the type),
 *      no_control_onset (fewer than half the controls had a seizure: no
 *      median);
 *   2. disease_modifying (onset delayed beyond withdrawal):
 *      withdrawal_latency_h ≥ T, seen or censored;
 *   3. symptomatic (onset delayed only while treated): a first seizure
 *      with withdrawal_latency_h < T but latency_h ≥ T;
 *   4. no_effect: a first seizure with latency_h < T;
 *   5. undetermined, onset_censored: no seizure, censored before T.
 *   onset = delayed (2), delayed_while_treated (3), not_delayed (4), empty
 *   otherwise.  Latent rows leave the % changes and effects empty (no
 *   baseline rate); their rates are still written.
 *
 * Settings ([disease_modification] in study.ini, all optional, an unknown
 * key is an error):
 *   effect_pct            reduction (%) that counts as an effect (≥)       50
 *   min_baseline_per_24h  baseline rate below which: undetermined           1
 *   min_analysable_h      analysable hours each of baseline, treatment and
 *                         follow-up needs                                   24
 *   min_followup_days     calendar days of follow-up needed                 7
 *   recovery_days         days after an intervention's start left out of
 *                         its follow-up (surgery, acute effects)            0
 *   onset_factor          latent design: delayed when ≥ this × the
 *                         controls' median latency                          1.5
 * They are written as `disease_modification.KEY=VALUE` lines at the end of
 * analysis-settings.txt when the table is written; its settings_hash is the
 * XXH3-128 of the analysis settings lines followed by these lines.
 *
 * out/disease_modification.csv (rows by animal in animals.csv order,
 * exposure by start, type):
 *   animal, group
 *   exposure               treatment | intervention
 *   drug, dose_mg_kg, route   as in dosing.csv (intervention: what was done)
 *   lines                  dosing.csv lines of the exposure's periods, "|"
 *   start, withdrawal      date-times (above)
 *   type
 *   design                 baseline | latent | empty (undetermined before it)
 *   baseline_analysable_h, baseline_count, baseline_rate_per_24h
 *   during_analysable_h, during_count, during_rate_per_24h, during_pct_change
 *                          (empty for an intervention)
 *   followup_start, followup_end   first start and last end of the follow-up
 *   followup_days          its calendar days (the sum of its pieces)
 *   followup_analysable_h, followup_count, followup_rate_per_24h,
 *   followup_pct_change
 *   effect_during, effect_after    yes | no | empty (not judged)
 *   latency_h, latency_event, withdrawal_latency_h   latent design
 *   n_controls, control_median_latency_h              latent design
 *   onset                  delayed | delayed_while_treated | not_delayed | empty
 *   class                  disease_modifying | symptomatic | no_effect |
 *                          undetermined
 *   undetermined_why       (above; empty when determined)
 *   settings_hash
 *
 * Lifecycle: ictus_dm_settings_default() → ..._apply(); per analysis
 * ictus_dm_create() → ictus_dm_add_animal() for every animal (any order) →
 * ictus_dm_finish() → read rows / ictus_dm_write_csv() → ictus_dm_destroy().
 * The table borrows the study and the plans: keep them alive.
 * Thread safety: a finished table is read-only; building uses the caller's
 * analysable-time function (one thread at a time).
 */
#ifndef ICTUS_DISEASE_MOD_H
#define ICTUS_DISEASE_MOD_H

#include <stdbool.h>
#include <stdint.h>

#include "base/config.h"
#include "base/csvout.h"
#include "base/filehash.h"
#include "base/status.h"
#include "pipeline/event.h"
#include "protocols/measures.h"
#include "protocols/periods.h"
#include "protocols/study.h"

typedef struct {
    double effect_pct;
    double min_baseline_per_24h;
    double min_analysable_h;
    double min_followup_days;
    double recovery_days;
    double onset_factor;
} ictus_dm_settings;

/* The defaults listed above. */
void ictus_dm_settings_default(ictus_dm_settings *s);

/* Read [disease_modification] of `cfg` over *s.  ICTUS_ERR_CONFIG naming the
 * file, line and key for a value out of range or an unknown key. */
ictus_status ictus_dm_settings_apply(ictus_dm_settings *s, ictus_config *cfg, ictus_error *err);

/* The `disease_modification.KEY=VALUE\n` lines into a new string (caller frees). */
char *ictus_dm_settings_text(const ictus_dm_settings *s);

typedef enum {
    ICTUS_DM_UNDETERMINED = 0,
    ICTUS_DM_DISEASE_MODIFYING,
    ICTUS_DM_SYMPTOMATIC,
    ICTUS_DM_NO_EFFECT,
    ICTUS_N_DM_CLASSES
} ictus_dm_class;

typedef enum {
    ICTUS_DM_WHY_NONE = 0,
    ICTUS_DM_WHY_NO_BASELINE,
    ICTUS_DM_WHY_LOW_BASELINE,
    ICTUS_DM_WHY_SHORT_BASELINE,
    ICTUS_DM_WHY_SHORT_TREATMENT,
    ICTUS_DM_WHY_NO_FOLLOWUP,
    ICTUS_DM_WHY_SHORT_FOLLOWUP,
    ICTUS_DM_WHY_NO_CONTROLS,
    ICTUS_DM_WHY_NO_CONTROL_ONSET,
    ICTUS_DM_WHY_ONSET_CENSORED,
    ICTUS_N_DM_WHYS
} ictus_dm_why;

typedef enum {
    ICTUS_DM_DESIGN_NONE = 0,   /* neither: undetermined, no_baseline */
    ICTUS_DM_DESIGN_BASELINE,
    ICTUS_DM_DESIGN_LATENT
} ictus_dm_design;

typedef enum {
    ICTUS_DM_ONSET_NONE = 0,
    ICTUS_DM_ONSET_DELAYED,
    ICTUS_DM_ONSET_DELAYED_WHILE_TREATED,
    ICTUS_DM_ONSET_NOT_DELAYED
} ictus_dm_onset;

/* "disease_modifying", ...; "undetermined" for the zero value. */
const char *ictus_dm_class_name(ictus_dm_class c);
/* "no_baseline", ...; "" for ICTUS_DM_WHY_NONE. */
const char *ictus_dm_why_name(ictus_dm_why w);

/* One row of disease_modification.csv. */
typedef struct {
    int animal;                     /* index into study->animals */
    ictus_period_kind kind;         /* TREATMENT or INTERVENTION */
    const ictus_condition *condition; /* treatment: its condition (borrowed); NULL otherwise */
    int period;                     /* intervention: its period; treatment: its first period */
    int type;                       /* 0: all types; i ≥ 1: the seizures typed i */
    int64_t start_us, withdrawal_us;
    ictus_dm_design design;
    bool has_reference, has_during, has_after;
    ictus_measures ref, during, after;
    int64_t after_start_us, after_end_us; /* when has_after */
    double after_days;              /* calendar days of the follow-up pieces */
    double during_pct, after_pct;   /* NaN when undefined */
    int effect_during, effect_after;/* 1 yes, 0 no, -1 not judged */
    double latency_h, withdrawal_latency_h; /* NaN outside the latent design */
    bool latency_event;
    int n_controls;                 /* latent design: controls of the type */
    double control_median_h;        /* NaN when none */
    ictus_dm_onset onset;
    ictus_dm_class cls;
    ictus_dm_why why;
} ictus_dm_row;

typedef struct ictus_dm {
    const ictus_study *study;       /* borrowed */
    ictus_dm_settings settings;
    ictus_baseline_rule rule;
    double cluster_gap_s;
    int n_types;
    size_t n_rows;
    ictus_dm_row *rows;             /* csv order once finished */
    char *settings_text;            /* disease_modification.KEY=VALUE lines */
    char settings_hash[ICTUS_HASH_HEX_SIZE];
    /* private: the controls' latencies, per type */
    double **ctl_time_;
    bool **ctl_event_;
    size_t *n_ctl_, *cap_ctl_;
    size_t cap_rows_;
} ictus_dm;

/* True when the study's dosing.csv has an intervention or followup period. */
bool ictus_dm_used(const ictus_study *study);

/* A new, empty table for `study` with `n_types` types (0 = all), the
 * analysis' baseline rule and cluster gap, and `analysis_settings_text`
 * (the analysis.KEY=VALUE lines, hashed with the table's own). */
ictus_dm *ictus_dm_create(const ictus_study *study, const ictus_dm_settings *set,
                          ictus_baseline_rule rule, double cluster_gap_s, int n_types,
                          const char *analysis_settings_text);

/* Add animal `a` (its plan built by the analysis; its seizures sz[0..n)
 * sorted and merged, types renumbered as the analysis' types; fn/ctx its
 * analysable time).  Errors: those of fn. */
ictus_status ictus_dm_add_animal(ictus_dm *dm, int a, const ictus_plan *plan,
                                 const ictus_seizure *sz, size_t n, ictus_analysable_fn fn,
                                 void *ctx, ictus_error *err);

/* Judge the latent rows against the controls and order the rows. */
ictus_status ictus_dm_finish(ictus_dm *dm, ictus_error *err);

/* Write the CSV (header and rows); types[i] names type i. */
void ictus_dm_write_csv(ictus_out *o, const ictus_dm *dm, const char (*types)[ICTUS_TYPE_MAX]);

/* Free; NULL is a no-op. */
void ictus_dm_destroy(ictus_dm *dm);

#endif
