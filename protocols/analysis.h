/* analysis.h: a study's analysis: study + store → periods, responders, comparisons (CSV).
 *
 * `ictus analyze STUDY` and the last step of `ictus run` call
 * ictus_analysis_run(): it loads the study (manifest problems are collected,
 * the valid rows used), reads its [analysis] settings, reads events and
 * analysable time from STUDY/ictus.db (read only: nothing stored changes),
 * and writes, each atomically (a temporary file renamed over the old one):
 *   STUDY/out/periods.csv            one row per animal × period × seizure type
 *   STUDY/out/daily.csv              one row per animal × calendar day × seizure type,
 *                                    days without seizures included (daily.h)
 *   STUDY/out/responders.csv         one row per animal × condition × seizure type
 *   STUDY/out/comparisons.csv        one row per statistical test
 *   STUDY/out/analysis-settings.txt  the settings used and where the events came from
 *   STUDY/out/disease_modification.csv  one row per animal × exposure × seizure type,
 *                                    only for studies with intervention or followup
 *                                    periods (disease_mod.h)
 *   STUDY/out/hyperthermia.csv, hyperthermia_comparisons.csv   seizure thresholds of
 *                                    hyperthermia sessions (hyperthermia.h; only
 *                                    for studies that have some)
 * and the time-to-event and survival files of protocols/survival_outcomes.h.
 * Definitions: periods.h (periods, conditions, reference baselines),
 * measures.h (counts, rates, ISIs), response.h (classes, adequate trials,
 * course, drug resistance), comparisons.h (the tests).
 *
 * Which events count (store.h, "Reviews": each event's current decision is
 * the newest over all reviewers), for animals of animals.csv (events of
 * other animals are counted in n_events_unknown_animal and ignored):
 *   events = detected            every stored event except those whose
 *                                current verdict is not_seizure (unsure and
 *                                unreviewed events count);
 *   events = confirmed           only events whose verdict is seizure;
 *   events = confirmed_or_score  events whose verdict is seizure, and
 *                                unreviewed events with score ≥ min_score
 *                                (unsure ones do not count).
 * In every mode, events a reviewer added (the detector missed them) count
 * when their current verdict is seizure (type "seizure" when they name
 * none); rejected events never count.  A decision's corrected type and
 * edges are those counted (type rows, durations, onsets).  Events of one
 * animal that overlap in time (overlapping recordings, an added event over
 * a detected one) count once.  Event types are the study's own (hpd, convulsive, ...); every
 * animal gets a row for every type found in the study, plus "all".
 * An events file can stand in for the stored events (the _from() variants;
 * `ictus analyze --events FILE`, e.g. a synthetic study's truth.csv or an
 * exported events.csv): DESIGN.md's truth format, a header with start_s,
 * end_s (seconds from the start of a stored recording, named in column
 * `recording` by its file name, directories ignored, and matched with the
 * row's `animal` when given, else the recording's animal) or start,end
 * (naive local date-times, with `animal`), and an optional `type` (empty or
 * absent: "seizure").  Every row is a seizure (reviews do not apply);
 * analysable time and recordings still come from the store.
 *
 * Settings ([analysis] in study.ini; every key optional; an unknown key is
 * an error).  Defaults from DOMAIN.md §6 where it gives one:
 *   baseline              all | preceding  reference baseline (periods.h)   all
 *   events                detected | confirmed | confirmed_or_score
 *                         which events count (above)                        detected
 *   min_score             score from which an unreviewed event counts
 *                         (confirmed_or_score only; [0, 1]; written to
 *                         analysis-settings.txt only in that mode, so the
 *                         other modes' settings_hash does not change)      0.5
 *   responder_pct         % reduction of a responder (≥)                   50
 *   strict_pct            % reduction of a strict responder (>)            90
 *   worsening_pct         % increase of a worsening (≥)                     50
 *   seizure_free_factor   × longest baseline ISI without seizures           3
 *   min_baseline_per_24h  baseline rate below which: undetermined           1
 *   min_analysable_h      analysable hours a condition (and its baseline)
 *                         needs, else undetermined                          24
 *   min_block_days        calendar days of an adequate treatment            3
 *   require_tolerated     adequate only with tolerated = yes                false
 *   resistance_failures   failed ASMs that make an animal drug-resistant    2
 *   cluster_gap_min       ISIs shorter than this are "clustered" (min)      60
 *   ci_level              confidence level of every interval                0.95
 *   exact_max_n           rank tests exact up to this many ranked values    50
 *   by, age_groups_days   results by stratum (strata.h: not in settings_hash)  none
 * The values used are written as `analysis.KEY=VALUE` lines (sorted as
 * above) to out/analysis-settings.txt; the XXH3-128 hash of exactly those
 * lines (32 hex digits) is the `settings_hash` column of every CSV row, so a
 * row can be matched to the settings that made it (CSV files carry no
 * comment lines).  analysis-settings.txt also names the program version, the
 * study, the event filter's counts (events_counted= says what counted;
 * events_unreviewed, events_reviewed_seizure / _not_seizure / _unsure: the
 * stored events read by current verdict; added_counted, added_excluded,
 * added_unplaced: added events counted, not counted, and whose recording is
 * no longer stored), the events file when one stood in for
 * the store's events (events_file=PATH) and every detection preset and
 * parameter hash of the recordings the events came from.
 *
 * CSV files: header row, RFC 4180, one row per item; an empty field is a
 * value that does not exist (NaN: e.g. a rate without analysable time, a %
 * change without baseline seizures); times are naive local
 * YYYY-MM-DDTHH:MM:SS.mmm; hours and seconds are analysable time where the
 * name says analysable, calendar time otherwise.  Extra columns may be
 * added after these, never before.
 *
 * periods.csv (rows by animal in animals.csv order, period in time order,
 * type "all" first then by name):
 *   animal, group          animals.csv
 *   period                 1-based position in the animal's sequence of periods
 *   line                   its line in dosing.csv
 *   kind                   baseline | treatment | vehicle | washout (washout rows are
 *                          shown but never compared)
 *   drug, dose_mg_kg, route, tolerated   as in dosing.csv (tolerated yes|no|unknown)
 *   start, end             the period [start, end)
 *   type                   all, or one seizure type (status_epilepticus: an episode of
 *                          status epilepticus, one event over its whole length,
 *                          detectors/status_epilepticus.h: its count, seizure_s and
 *                          burden are the SE count, duration and burden, and "all"
 *                          counts it once, not as its seizures)
 *   span_h                 calendar hours of the period
 *   analysable_h           analysable hours in it (denominator of every rate)
 *   n_recordings           stored recordings of the animal overlapping it
 *   presets                their detection presets (name@version), joined by "|"
 *   count                  seizures starting in it (a seizure straddling the end
 *                          counts where it starts, with its whole duration)
 *   rate_per_24h           count per analysable 24 h
 *   seizure_s              total seizure duration, s
 *   burden_s_per_24h       seizure seconds per analysable 24 h
 *   burden_pct             seizure time as % of analysable time
 *   mean_duration_s, median_duration_s
 *   n_isi                  inter-seizure intervals (consecutive onsets)
 *   longest_isi_h, median_isi_h   in analysable hours
 *   isi_cv                 coefficient of variation of the ISIs
 *   cluster_share          share of ISIs < cluster_gap_min
 *   baseline_analysable_h, baseline_count, baseline_rate_per_24h
 *                          the reference baseline pooled (empty for baseline
 *                          periods and animals without one)
 *   pct_change             (rate − baseline rate) / baseline rate × 100
 *   settings_hash
 *   count_h00 … count_h23  seizure onsets by local hour of day
 *   n_detected             stored (detected) events of the type starting in the
 *                          period, whatever their verdict (before the filter;
 *                          overlaps not merged; corrected type and start)
 *   n_reviewed             of those, the ones with a current decision
 *   review_coverage        n_reviewed / n_detected (empty when n_detected = 0)
 *   n_added                reviewer-added events of the type counted in it
 *                          (events-file rows: n_detected, never reviewed)
 *   stratum                only with [analysis] by (strata.h): the row's stratum
 *                          label at the period's start, empty when none
 *
 * responders.csv (rows by animal, condition in order of first start, type):
 *   animal, group
 *   condition              treatment | vehicle
 *   drug                   the drug; vehicle: its names joined by "|"
 *   dose_mg_kg, route      treatment
 *   target_dose_mg_kg      study.ini [drugs] target (empty: none)
 *   tolerated              yes | no | unknown over its periods
 *   lines                  dosing.csv lines of its periods, joined by "|"
 *   first_start, last_end  start of its first period, end of its last
 *   type
 *   block_days             calendar days of its periods
 *   analysable_h, count, rate_per_24h
 *   baseline_analysable_h, baseline_count, baseline_rate_per_24h
 *   baseline_longest_isi_h analysable hours
 *   pct_change
 *   seizure_free_needed_h  seizure_free_factor × baseline_longest_isi_h
 *   class                  seizure_free | strict_responder | responder |
 *                          non_responder | worsening | undetermined
 *   undetermined_why       response.h (empty when determined)
 *   trial                  adequate | inadequate (treatment; empty for vehicle)
 *   inadequate_why         low_dose, not_tolerated, tolerability_unknown,
 *                          short_block joined by "|"
 *   course                 remission | sustained | relapse | empty (treatment)
 *   failed_drugs           the animal's failed drugs (this type)
 *   drug_resistance        resistant | not_resistant | undetermined (the animal,
 *                          this type; the same on each of its rows)
 *   settings_hash
 *   stratum                only with [analysis] by (strata.h): the label at the
 *                          condition's first start, empty when none
 *
 * comparisons.csv (rows by type, exposure, test; comparisons.h):
 *   type
 *   kind, drug, dose_mg_kg, route   the exposure (baseline / vehicle: drug empty)
 *   test                   responder_rate | seizure_free_rate | wilcoxon |
 *                          log_ttest | rate_ratio | fisher_responders |
 *                          fisher_seizure_free | mann_whitney
 *   versus                 baseline | vehicle | group | stratum | empty
 *   group_a, group_b       versus group: the two animals.csv groups
 *   n, k                   animals (pairs) of the exposure; successes (proportions,
 *                          Fisher)
 *   n_ref, k_ref           animals on the reference side (Fisher, Mann–Whitney)
 *   count, ref_count       rate ratio: pooled seizures of each side
 *   analysable_h, ref_analysable_h   paired tests: analysable hours summed over
 *                          the animals used
 *   estimate_of            proportion | median_difference_per_24h |
 *                          geometric_mean_ratio | rate_ratio | odds_ratio |
 *                          median_difference_pct
 *   estimate, ci_level, ci_lo, ci_hi
 *   statistic              Wilcoxon statistic (SciPy's), t, or Mann–Whitney U1
 *   p                      two-sided p-value
 *   note                   why p is missing, or the log offset used
 *   settings_hash
 *   stratum                only with [analysis] by (strata.h): "all" on the
 *                          pooled rows, then the rows within each stratum (its
 *                          label), then the interaction rows (versus stratum;
 *                          the `by` keys)
 *
 * Lifecycle: ictus_analysis_settings_default() → ..._apply() →
 * ictus_analysis_compute() → read the tables / ictus_analysis_write() →
 * ictus_analysis_destroy().  ictus_analysis_run() does all of it for a
 * directory; ictus_analysis_load() stops before writing (compare.h).
 * Thread safety: an analysis is read-only once computed; computing uses the
 * store handle it is given (one thread at a time, store.h).
 */
#ifndef ICTUS_ANALYSIS_H
#define ICTUS_ANALYSIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protocols/comparisons.h"
#include "protocols/disease_mod.h"
#include "protocols/measures.h"
#include "protocols/periods.h"
#include "pipeline/event.h"
#include "base/csvout.h"
#include "base/filehash.h"
#include "base/path.h"
#include "store/store.h"
#include "protocols/response.h"
#include "protocols/strata.h"
#include "protocols/study.h"

/* Which stored events count as seizures (added events confirmed as seizure
 * count in every mode; events rejected as not_seizure in none). */
typedef enum {
    ICTUS_EVENTS_DETECTED = 0,        /* every event except those reviewed as not_seizure */
    ICTUS_EVENTS_CONFIRMED,           /* only events reviewed as seizure */
    ICTUS_EVENTS_CONFIRMED_OR_SCORE,  /* reviewed as seizure, or unreviewed with score ≥ min_score */
    ICTUS_N_EVENT_FILTERS
} ictus_event_filter;

/* The type of an added event or an events-file row that names none. */
#define ICTUS_ANALYSIS_DEFAULT_TYPE "seizure"

typedef struct {
    int baseline;                /* ictus_baseline_rule */
    int events;                  /* ictus_event_filter */
    double min_score;            /* [0, 1]: events = confirmed_or_score only */
    ictus_response_rules rules;
    double cluster_gap_min;      /* > 0 */
    double ci_level;             /* (0, 1) */
    int exact_max_n;             /* ≥ 0 */
    ictus_dm_settings dm;        /* [disease_modification] (disease_mod.h); not in settings_text */
    ictus_strata_settings strata; /* strata.h; not in the settings text */
} ictus_analysis_settings;

/* The defaults listed above. */
void ictus_analysis_settings_default(ictus_analysis_settings *s);

/* Read the [analysis] section of `cfg` over *s.  ICTUS_ERR_CONFIG (naming
 * the file, line, key and the range expected) for a value out of range, not
 * a number, or an unknown key in [analysis]. */
ictus_status ictus_analysis_settings_apply(ictus_analysis_settings *s, ictus_config *cfg,
                                           ictus_error *err);

/* The `analysis.KEY=VALUE\n` lines of *s into a new string (caller frees). */
char *ictus_analysis_settings_text(const ictus_analysis_settings *s);

/* One row of periods.csv. */
typedef struct {
    int animal;               /* index into study->animals */
    int period;               /* index into that animal's periods */
    int type;                 /* 0: all types; i ≥ 1: types[i] */
    ictus_measures m;
    bool has_reference;
    ictus_measures ref;       /* the reference baseline pooled (zeros when none) */
    double pct_change;        /* NaN for baseline periods and when undefined */
    int n_recordings;         /* stored recordings of the animal overlapping the period */
    const char *presets;      /* their presets joined by "|"; owned by the analysis */
    int64_t n_detected;       /* stored events (of the type) starting in it, any verdict */
    int64_t n_reviewed;       /* of those, with a current decision */
    int64_t n_added;          /* reviewer-added events (of the type) counted in it */
    const char *stratum;      /* strata.h label at the period's start; NULL: none */
} ictus_period_result;

typedef struct ictus_analysis {
    const ictus_study *study;      /* borrowed: keep it alive */
    ictus_analysis_settings settings;
    char *settings_text;           /* analysis.KEY=VALUE lines */
    char settings_hash[ICTUS_HASH_HEX_SIZE];
    int n_types;                   /* ≥ 1 */
    char (*types)[ICTUS_TYPE_MAX]; /* [n_types]: "all", then the study's types by name */
    ictus_plan *plans;             /* [study->n_animals] */
    size_t n_periods;
    ictus_period_result *periods;  /* periods.csv order */
    size_t n_outcomes;
    ictus_outcome *outcomes;       /* responders.csv order, baseline conditions included
                                      (they are not written to responders.csv) */
    size_t n_comparisons;
    ictus_comparison *comparisons; /* comparisons.csv order */
    ictus_dm *dm;                  /* disease_modification.csv; NULL when the study has no
                                      intervention or followup period (disease_mod.h) */
    size_t n_stratum_comparisons;  /* strata.h: 0 when not stratified */
    ictus_comparison *stratum_comparisons; /* within each stratum, then across */
    char strata_by[64];            /* strata.h keys joined by ","; "" when not stratified */
    char *events_csv;              /* the events file the seizures came from; NULL: the store */
    int64_t n_events;              /* stored events (or events-file rows) read */
    int64_t n_events_excluded;     /* left out by the event filter */
    int64_t n_by_verdict[ICTUS_N_VERDICTS]; /* stored events read, by current verdict
                                              (NONE: unreviewed) */
    int64_t n_added_counted;       /* reviewer-added events confirmed as seizure */
    int64_t n_added_excluded;      /* reviewer-added events with another verdict */
    int64_t n_added_unplaced;      /* added events whose recording is no longer stored */
    int64_t n_events_unknown_animal; /* of animals not in animals.csv */
    int64_t n_seizures;            /* seizures after merging overlaps */
    struct ictus_hyperthermia *hyperthermia; /* hyperthermia sessions (hyperthermia.h) */
    int n_detection;
    char **detection;              /* distinct "PRESET params=HASH" of the recordings */
    struct ictus_kindling *kindling; /* kindling.h; NULL without stimulations.csv */
    struct ictus_survival_outcomes *survival; /* time to event, survival (survival_outcomes.h) */
    struct ictus_daily *daily;     /* daily.csv (daily.h) */
    /* private */
    ictus_strata_labels stratum_labels_;
    int cap_detection_;
    char **preset_texts_;
    size_t n_preset_texts_, cap_preset_texts_;
} ictus_analysis;

/* Analyse `study` with the events and analysable time of `store` under
 * settings `set` (copied; within the ranges ictus_analysis_settings_apply()
 * enforces: asserted).  On success *out is a new analysis (caller destroys)
 * that borrows the study.  Errors: those of the store (ICTUS_ERR_DB,
 * ICTUS_ERR_BUSY). */
ictus_status ictus_analysis_compute(const ictus_study *study, ictus_store *store,
                                    const ictus_analysis_settings *set, ictus_analysis **out,
                                    ictus_error *err);

/* The same with the seizures read from the events file `events_csv`
 * (above; NULL: the store's events, as ictus_analysis_compute()).  Further
 * errors: those of ictus_csv_read() (ICTUS_ERR_IO, ICTUS_ERR_FORMAT, also for
 * missing columns) and ICTUS_ERR_DATA naming FILE:LINE:COLUMN for a row
 * whose times are not numbers or date-times, whose end is not after its
 * start, whose recording has no results in the store, or that has start,end
 * times but no animal.  Rows of animals not in animals.csv are counted in
 * n_events_unknown_animal. */
ictus_status ictus_analysis_compute_from(const ictus_study *study, ictus_store *store,
                                         const char *events_csv,
                                         const ictus_analysis_settings *set,
                                         ictus_analysis **out, ictus_error *err);

/* Free; NULL is a no-op. */
void ictus_analysis_destroy(ictus_analysis *an);

/* Write the columns kind, drug, dose_mg_kg and route of an exposure, each
 * after a comma (the drug empty but for a treatment): comparisons.csv and
 * the cross-cohort comparison.csv name exposures alike. */
void ictus_analysis_exposure_fields(ictus_out *o, const ictus_condition *c);

/* Write periods.csv, daily.csv, responders.csv, comparisons.csv,
 * analysis-settings.txt and, when an->dm, disease_modification.csv (else a
 * stale one is removed) into `out_dir` (created when absent; its parent must
 * exist), each through a temporary file in the same directory that is
 * flushed, synced and renamed over the old file: a reader sees the old file
 * or the new one, never a part.  ICTUS_ERR_IO naming the file on failure
 * (the temporary file is removed); ICTUS_ERR_USAGE naming the path when
 * out_dir/FILE is longer than ICTUS_PATH_MAX allows. */
ictus_status ictus_analysis_write(const ictus_analysis *an, const char *out_dir,
                                  ictus_error *err);

/* Options of ictus_analysis_load() / _run(). */
typedef struct {
    const char *const *assignments; /* "analysis.KEY=VALUE" (or "disease_modification.KEY=VALUE")
                                       overrides applied after
                                       study.ini (NULL when none) */
    int n_assignments;
} ictus_analysis_options;

/* Load the study in `study_dir`, apply its [analysis] settings and the
 * overrides, open STUDY_DIR/ictus.db and compute.  On success *study and
 * *an are new (the caller destroys the analysis first, then the study);
 * the study's problems are in (*study)->problems.  Errors: those of
 * ictus_study_load() and ictus_analysis_compute(); ICTUS_ERR_CONFIG for a
 * bad setting; ICTUS_ERR_IO when ictus.db does not exist (nothing has been
 * detected yet: run `ictus run` first); ICTUS_ERR_USAGE when its path is
 * longer than ICTUS_PATH_MAX allows.  `opt` may be NULL. */
ictus_status ictus_analysis_load(const char *study_dir, const ictus_analysis_options *opt,
                                 ictus_study **study, ictus_analysis **an, ictus_error *err);

/* ictus_analysis_load() with the seizures of the events file `events_csv`
 * (NULL: the store's; ictus_analysis_compute_from()). */
ictus_status ictus_analysis_load_from(const char *study_dir, const ictus_analysis_options *opt,
                                      const char *events_csv, ictus_study **study,
                                      ictus_analysis **an, ictus_error *err);

/* What ictus_analysis_run() did. */
typedef struct {
    ictus_problems problems;   /* the study's manifest problems, one line each (owned) */
    int n_animals;             /* animals in animals.csv (valid rows) */
    int n_types;               /* seizure types found (without "all") */
    int64_t n_seizures;        /* seizures counted (after filtering and merging) */
    size_t n_period_rows, n_responder_rows, n_comparison_rows;
    char out_dir[ICTUS_PATH_MAX]; /* where the files went */
} ictus_analysis_summary;

/* The whole analysis of `study_dir`: ictus_analysis_load(), then
 * ictus_analysis_write() into STUDY_DIR/out.  *summary is zeroed, then
 * filled once the analysis is computed (also when writing fails); clear it
 * with ictus_analysis_summary_clear() in every case.  Returns ICTUS_OK when
 * the files were written, even with manifest problems (summary->problems.n
 * > 0): callers report them and exit with status 1. */
ictus_status ictus_analysis_run(const char *study_dir, const ictus_analysis_options *opt,
                                ictus_analysis_summary *summary, ictus_error *err);

/* Free the problems of a summary and zero it. */
void ictus_analysis_summary_clear(ictus_analysis_summary *summary);

#endif
