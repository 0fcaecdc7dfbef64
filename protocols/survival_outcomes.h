/* survival_outcomes.h: time-to-event endpoints, survival and probable SUDEP (DOMAIN.md §8).
 *
 * ictus_analysis_compute() calls ictus_survival_outcomes_compute() with the
 * animals' counted seizures (analysis.h, "Which events count"), and
 * ictus_analysis_write() calls ictus_survival_outcomes_write(), which writes
 * into STUDY/out, each atomically like periods.csv:
 *   time_to_event.csv         one row per animal × condition × type × endpoint
 *   time_to_event_groups.csv  one row per exposure × type × endpoint (Kaplan–
 *                             Meier summary) and one per log-rank test
 *   survival.csv              one row per animal (only when animals.csv has a
 *                             `death` column; otherwise neither survival file
 *                             is written)
 *   survival_groups.csv       one row per animals.csv group and the log-rank test
 *   survival-settings.txt     the survival.KEY=VALUE lines used
 * A study without treatment or vehicle blocks gets header-only
 * time_to_event files.  No existing output changes.
 *
 * ---- Time to event -------------------------------------------------------
 * For every treatment and vehicle condition of an animal (periods.h: the
 * same drug, dose and route pooled over its blocks; vehicles pooled) and
 * every seizure type ("all" first), two endpoints:
 *   first           time to the first seizure onset (target 1);
 *   baseline_count  time to the Nth onset, N = the animal's reference
 *                   baseline count over a span as long as the condition:
 *                   round(baseline rate per analysable 24 h × the
 *                   condition's calendar days) (French et al. 2015's "time
 *                   to prerandomization seizure count"); no target (empty
 *                   time, left out of the groups) when the baseline has no
 *                   analysable time or N < 1.
 * The clock is calendar time, not analysable time: the endpoint asks when
 * the Nth seizure happened since dosing began, a drug's effect runs on the
 * calendar, and counting only analysable hours would move every onset by
 * the artefacts before it.  What analysable time protects rates from
 * (seizures that happen unseen) is handled by censoring instead: the clock
 * starts at the condition's first period start and runs through its periods
 * in time order (a repeated crossover block continues it; washouts and other
 * conditions in between do not count), and stops, censored, at the first of:
 *   block_end  the end of the condition's last period;
 *   death      animals.csv `death`;
 *   gap        the first instant not covered by a stored recording of the
 *              animal, gaps shorter than [survival] max_gap_min ignored
 *              (coverage from the recordings' start and duration; EDF+D
 *              gaps inside a file are not looked at).
 * Onsets inside a period count on the clock at their calendar offset from
 * the period's start.
 *
 * Groups are exposures across animals (ictus_condition_same(): the vehicle,
 * then each drug × dose × route).  Per group × type × endpoint: the Kaplan–
 * Meier estimate of the rows with a time (protocols/survival.h, Greenwood
 * standard errors, log-log intervals at [analysis] ci_level), the median and
 * its Brookmeyer–Crowley interval; the log-rank test over all groups, and of
 * each treatment group against the vehicle group.  In a within-animal
 * design the same animals are in both groups and the log-rank test's
 * independence does not hold: its note says so.
 *
 * time_to_event.csv:
 *   animal, group         animals.csv
 *   kind, drug, dose_mg_kg, route   the condition (analysis.h's exposure columns)
 *   type                  all, or one seizure type
 *   endpoint              first | baseline_count
 *   target                N (1 for first); empty when undefined
 *   expected              the baseline count over the span before rounding
 *                         (baseline_count only)
 *   origin                the condition's first period start
 *   time_h                calendar hours on the condition's clock to the
 *                         event or the censoring; empty when no target
 *   event                 1 when the Nth onset was seen, 0 when censored
 *   censored_by           block_end | death | gap (empty for events)
 *   at                    the wall-clock time of the event or censoring
 *   settings_hash         (below)
 * Rows: animals in animals.csv order, conditions in order of first start,
 * type, endpoint.
 *
 * time_to_event_groups.csv (each group row followed by its km rows, then
 * the logrank rows):
 *   row                   group | km (one step of the group's estimate) | logrank
 *   type, endpoint
 *   kind, drug, dose_mg_kg, route   the group (logrank: the first group, or
 *                         kind "all" for the test over all groups)
 *   versus                logrank: the vehicle group's drug names joined by
 *                         "|" for treatment vs vehicle ("vehicle" when
 *                         unnamed), "all" for the overall test; empty for groups
 *   n_animals, n_events   rows with a time, events among them
 *   median_h, median_ci_lo_h, median_ci_hi_h   median time and its interval
 *                         (empty: not reached; hi empty also when +inf)
 *   ci_level
 *   chi2, df, p           the log-rank test (logrank rows)
 *   note                  why a test could not be done, or the pairing caveat
 *   time_h, n_risk, n_died, surv, surv_se, surv_ci_lo, surv_ci_hi
 *                         km rows: an event time, the animals at risk just
 *                         before it and the events at it, S after it, its
 *                         Greenwood standard error and pointwise interval
 *                         (log-log, ci_level; survival.h)
 *   settings_hash
 *
 * By stratum ([analysis] by, strata.h; only then): time_to_event_groups.csv
 * gets a last column `stratum`: "all" on the pooled rows (byte for byte the
 * rows of an unstratified analysis), then, by label, each stratum's group,
 * km and logrank rows: the same computation on the rows of that stratum's
 * animals alone (an animal's label at the condition's first start, as for
 * the outcomes of comparisons.csv; rows of animals without a label are in
 * the pooled rows only).  time_to_event.csv is not stratified.
 *
 * ---- Survival and SUDEP --------------------------------------------------
 * A death is a probable SUDEP when a detected GTCS (a counted seizure of a
 * type in [survival] gtcs_types, default convulsive: DESIGN.md's convulsive
 * includes Dravet GTCS) ended no more than sudep_window_min (default 60)
 * before it, and the EEG after that GTCS was suppressed.  The store keeps no
 * post-ictal measure of an event (the detector's post-ictal check only types
 * it), so it is computed here from the recording that holds the GTCS's end:
 * per channel, the median line length (mean |Δx| per second) of 5 s bins in
 * [end, end + postictal_s) (cut at the recording's end) over the median of
 * 5 s bins in [onset − pre_s, onset); the suppression ratio is the largest
 * over the channels (post-ictal generalized suppression must hold on every
 * lead), suppressed when ≤ suppression_ratio.  At least one whole post-ictal
 * bin and one pre-ictal bin are needed; otherwise the ratio is empty and the
 * death is not flagged (sudep_why says so).
 *
 * Survival: the origin is the birth date ([survival] origin = birth), or the
 * animal's first stored recording (origin = start); auto (default): birth
 * when every animal has one, else start.  Time in days from the origin to
 * death (event) or, alive, to the end of its last stored recording
 * (censored); an animal with neither a recording nor a death is left out.
 * Groups: animals.csv `group` (genotype / treatment; "" is a group).
 *
 * survival.csv (animals in animals.csv order):
 *   animal, group, sex
 *   origin                birth date or first recording
 *   end                   death or last observation
 *   time_d                days from origin to end
 *   died                  1 | 0
 *   death_cause           as written in animals.csv
 *   probable_sudep        1 | 0 (empty when alive)
 *   gtcs_start, gtcs_end  the last GTCS that ended before death (within the
 *                         window or not; empty when none)
 *   gtcs_to_death_min     minutes from its end to death
 *   suppression_ratio     as above (empty when not measured)
 *   sudep_why             sudep | no_gtcs | gtcs_too_early | no_eeg_after |
 *                         not_suppressed (empty when alive)
 *   settings_hash
 * survival_groups.csv (each group row followed by its km rows):
 *   row                   group | km | logrank
 *   group                 the group ("all" on the logrank row)
 *   n_animals, n_deaths, n_sudep
 *   median_d, median_ci_lo_d, median_ci_hi_d, ci_level
 *   chi2, df, p, note     (logrank row)
 *   time_d, n_risk, n_died, surv, surv_se, surv_ci_lo, surv_ci_hi   (km rows, as above)
 *   settings_hash
 * By stratum ([analysis] by, strata.h; only then): survival_groups.csv gets
 * a last column `stratum`: "all" on the pooled rows (byte for byte those of
 * an unstratified analysis), then, by label, each stratum's group, km and
 * logrank rows: the same computation on that stratum's animals alone
 * (groups in order of first appearance among them).  An animal's label is
 * taken at its first stored recording (its age then, for age_group);
 * animals without one are in the pooled rows only.  With by = group each
 * stratum holds one group, so its log-rank row says why there is no test.
 * survival.csv is not stratified.
 *
 * Settings ([survival] in study.ini; every key optional; unknown keys are
 * errors), written as survival.KEY=VALUE to survival-settings.txt:
 *   max_gap_min         a recording gap at least this long censors (min)   10
 *   sudep_window_min    GTCS end to death for a probable SUDEP (min)         60
 *   gtcs_types          seizure types that are GTCS, "|"-separated    convulsive
 *   postictal_s         post-ictal window measured (s)                       60
 *   pre_s               pre-ictal reference window (s)                      300
 *   suppression_ratio   post/pre line length counted as suppressed          0.5
 *   origin              auto | birth | start                               auto
 * settings_hash of these files: XXH3-128 of analysis-settings' analysis.*
 * lines followed by the survival.* lines.
 *
 * Lifecycle: compute → read or write → ictus_survival_outcomes_destroy().
 * Borrows the analysis (and its study).  Thread safety: read-only after compute.
 */
#ifndef ICTUS_SURVIVAL_OUTCOMES_H
#define ICTUS_SURVIVAL_OUTCOMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/config.h"
#include "base/filehash.h"
#include "base/status.h"
#include "protocols/measures.h"
#include "protocols/periods.h"
#include "protocols/strata.h"
#include "protocols/survival.h"
#include "store/store.h"

struct ictus_analysis;

typedef enum { ICTUS_ORIGIN_AUTO = 0, ICTUS_ORIGIN_BIRTH, ICTUS_ORIGIN_START } ictus_origin_rule;

typedef struct {
    double max_gap_min;
    double sudep_window_min;
    char gtcs_types[128];
    double postictal_s;
    double pre_s;
    double suppression_ratio;
    int origin;               /* ictus_origin_rule */
} ictus_survival_settings;

void ictus_survival_settings_default(ictus_survival_settings *s);

/* Read [survival] from cfg over *s; ICTUS_ERR_CONFIG naming the key. */
ictus_status ictus_survival_settings_apply(ictus_survival_settings *s, ictus_config *cfg,
                                           ictus_error *err);

typedef enum { ICTUS_TTE_FIRST = 0, ICTUS_TTE_BASELINE_COUNT, ICTUS_N_TTE_ENDPOINTS } ictus_tte_endpoint;

extern const char *const ictus_tte_endpoint_names[]; /* "first", "baseline_count" */

typedef enum { ICTUS_CENSOR_NONE = 0, ICTUS_CENSOR_BLOCK_END, ICTUS_CENSOR_DEATH,
               ICTUS_CENSOR_GAP } ictus_censor;

/* One animal × condition × type × endpoint. */
typedef struct {
    int animal;
    const ictus_condition *condition;
    int type;                 /* index into the analysis's types (0: all) */
    ictus_tte_endpoint endpoint;
    int64_t target;           /* N; 0 when undefined */
    double expected;          /* baseline_count: N before rounding; else NaN */
    double time_h;            /* NaN when no target */
    bool event;
    ictus_censor censor;
    int64_t at_us;            /* event or censoring time; ICTUS_TIME_UNKNOWN when no target */
    const char *stratum;      /* strata.h label at the condition's first start; NULL: none */
} ictus_tte_row;

/* One exposure × type × endpoint. */
typedef struct {
    const ictus_condition *condition; /* the first animal's condition of this exposure */
    int type;
    ictus_tte_endpoint endpoint;
    ictus_km km;                      /* of the rows with a time (n_animals 0: empty) */
    ictus_km_quantile_result median;
} ictus_tte_group;

/* One log-rank test (time to event or survival). */
typedef struct {
    int type;                 /* time to event: the type; survival: 0 */
    ictus_tte_endpoint endpoint;
    int group;                /* the first group, or -1: over all groups */
    int versus;               /* the group compared with, or -1 */
    bool done;
    ictus_logrank_result r;
    char note[160];
} ictus_logrank_row;

typedef enum { ICTUS_SUDEP_ALIVE = 0, ICTUS_SUDEP_YES, ICTUS_SUDEP_NO_GTCS,
               ICTUS_SUDEP_GTCS_TOO_EARLY, ICTUS_SUDEP_NO_EEG_AFTER,
               ICTUS_SUDEP_NOT_SUPPRESSED } ictus_sudep_why;

extern const char *const ictus_sudep_why_names[]; /* "", "sudep", "no_gtcs", ... */

/* One animal's survival. */
typedef struct {
    int animal;
    bool included;            /* has an origin and an end */
    int64_t origin_us, end_us;
    double time_d;
    bool died;
    bool probable_sudep;
    ictus_sudep_why why;
    int64_t gtcs_start_us, gtcs_end_us; /* ICTUS_TIME_UNKNOWN when none */
    double suppression_ratio;           /* NaN when not measured */
    int group;                /* index into groups */
    const char *stratum;      /* strata.h label at the first recording; NULL: none */
} ictus_survival_row;

typedef struct {
    const char *name;         /* animals.csv group */
    ictus_km km;
    ictus_km_quantile_result median;
    int n_sudep;
} ictus_survival_group;

/* The groups and tests of one stratum (strata.h), computed as the pooled
 * ones on that stratum's rows alone. */
typedef struct {
    const char *label;
    size_t n_groups;
    ictus_tte_group *groups;
    size_t n_tests;
    ictus_logrank_row *tests;
} ictus_tte_stratum;

typedef struct {
    const char *label;
    size_t n_groups;
    ictus_survival_group *groups;
    ictus_logrank_row test;
} ictus_survival_stratum;

typedef struct ictus_survival_outcomes {
    const struct ictus_analysis *an;   /* borrowed */
    ictus_survival_settings settings;
    char *settings_text;               /* survival.KEY=VALUE lines */
    char settings_hash[ICTUS_HASH_HEX_SIZE];
    size_t n_rows;
    ictus_tte_row *rows;
    size_t n_groups;
    ictus_tte_group *groups;
    size_t n_tests;
    ictus_logrank_row *tests;
    bool has_survival;                 /* animals.csv has `death` */
    ictus_survival_row *survival;      /* [study->n_animals] when has_survival */
    size_t n_survival_groups;
    ictus_survival_group *survival_groups;
    ictus_logrank_row survival_test;
    /* Only with [analysis] by (strata.h), by label: */
    size_t n_tte_strata;
    ictus_tte_stratum *tte_strata;
    size_t n_survival_strata;
    ictus_survival_stratum *survival_strata;
    ictus_strata_labels tte_labels_, survival_labels_;
} ictus_survival_outcomes;

/* Everything above for analysis `an` (its plans, outcomes and types
 * computed), with seizures[a][0..n_seizures[a]) the counted, merged
 * seizures of animal a and `store` for the recordings.  Reads [survival]
 * from the study's config.  *out new (caller destroys).  Errors: a bad
 * setting (ICTUS_ERR_CONFIG), the store's.  A recording that cannot be read
 * for the suppression ratio is not an error: the ratio is empty. */
ictus_status ictus_survival_outcomes_compute(const struct ictus_analysis *an, ictus_store *store,
                                             const ictus_seizure *const *seizures,
                                             const size_t *n_seizures,
                                             ictus_survival_outcomes **out, ictus_error *err);

void ictus_survival_outcomes_destroy(ictus_survival_outcomes *so); /* NULL is a no-op */

/* Write the files listed above into out_dir (it exists). */
ictus_status ictus_survival_outcomes_write(const ictus_survival_outcomes *so, const char *out_dir,
                                           ictus_error *err);

/* Post-ictal suppression of one seizure of `animal`: the ratio described
 * above, from the stored recording `stored_path` (a path in the study)
 * whose start is rec_start_us and length rec_duration_us.  NaN when the
 * windows hold too little data or the file cannot be read. */
double ictus_postictal_ratio(const ictus_study *study, const char *stored_path,
                             const char *animal, int64_t rec_start_us, int64_t rec_duration_us,
                             int64_t onset_us, int64_t end_us, const ictus_survival_settings *set);

#endif
