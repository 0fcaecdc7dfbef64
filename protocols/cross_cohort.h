/* cross_cohort.h: drugs compared across cohorts, the screening view (`ictus compare ... -o DIR`).
 *
 * Each study (cohort) is analysed as `ictus analyze` does (analysis.h, with
 * its own [analysis] settings); their outcomes are then pooled (an animal is
 * a cohort's animal: the same id in two cohorts is two animals; seizure
 * types and drugs are matched by name, drugs ignoring case) and compared
 * with comparisons.h.  A type's rows pool only the cohorts where that type
 * occurs (a cohort whose detector never reports a type says nothing about
 * it); "all" pools every cohort.  One row per seizure type ("all" first) and exposure
 * (the vehicle, then each treatment by drug, dose and route).
 *
 * DIR/comparison.csv columns:
 *   type                    all, or a seizure type
 *   kind                    vehicle | treatment
 *   drug, dose_mg_kg, route the treatment (empty for the vehicle)
 *   cohorts                 the study names with this exposure, joined by "|"
 *   n_animals               animals with this exposure (all cohorts)
 *   n_determined            of them, with a determined response class
 *   responders, responder_rate, responder_ci_lo, responder_ci_hi
 *                           responders (≥ responder_pct reduction, seizure-free
 *                           included) / n_determined, Clopper–Pearson interval
 *   seizure_free, seizure_free_rate, seizure_free_ci_lo, seizure_free_ci_hi
 *   median_pct_change       median over the animals with a finite % change
 *   n_vehicle, vehicle_responders   determined vehicle animals (all cohorts)
 *   fisher_odds_ratio, fisher_p     Fisher's exact test, responders vs the vehicle
 *   mwu_u, mwu_p            Mann–Whitney U of % change vs the vehicle animals
 *   ci_level
 *   settings_hash           the cohorts' analysis settings hash, or "mixed"
 *                           when they differ (then classes were made under
 *                           different rules: the caller warns)
 * Appended after settings_hash (intervals at ci_level, two-sided; an empty
 * field where the statistic cannot be computed):
 *   median_pct_ci_lo, median_pct_ci_hi
 *                           distribution-free interval of median_pct_change
 *                           from order statistics (ictus_stats_median_ci():
 *                           binomial coverage, exact and ≥ ci_level); empty
 *                           when the animals with a finite % change are too
 *                           few to reach ci_level at all (fewer than 6 at
 *                           0.95, 5 at 0.9, 8 at 0.99)
 *   n_pct_change            animals with a finite % change: the sample of
 *                           median_pct_change and of the Mann–Whitney test
 *   n_rate_ratio            animals with a per-animal rate ratio: those with a
 *                           reference baseline and analysable time on both
 *                           sides (whatever their class)
 *   rate_ratio, rate_ratio_ci_lo, rate_ratio_ci_hi
 *                           each animal's rate under the exposure over its own
 *                           reference baseline rate, each count + 0.5
 *                           (Haldane: a seizure-free side stays finite),
 *                           rate = (count + 0.5) / analysable time; pooled as
 *                           the geometric mean with a one-sample t interval on
 *                           the log scale (ictus_stats_mean_t(), exp of its
 *                           ends); one animal: the ratio without interval
 *   rate_ratio_vs_vehicle, rate_ratio_vs_vehicle_ci_lo, _ci_hi, _p
 *                           treatments: the ratio of the geometric mean rate
 *                           ratio (above) to the vehicle animals' (all cohorts,
 *                           this type), with Welch's t interval and test on the
 *                           log ratios (ictus_stats_welch_t()); empty without
 *                           vehicle animals; the interval and p need at least
 *                           2 animals on each side
 * Vehicle rows leave the "vs the vehicle" columns empty.
 * Stratified (strata.h: the first cohort's [analysis] by, or `ictus compare
 * --by KEYS`; every cohort must have the same keys): a last column
 *   stratum                 "all" on the pooled rows (those of an
 *                           unstratified comparison), else the stratum label
 *   interaction_n_rest, interaction_u, interaction_p, interaction_estimate
 *                           treatments within a stratum: does the effect
 *                           differ there?  The Mann–Whitney U test of the %
 *                           changes of this stratum's animals (n_pct_change)
 *                           against those of the animals of every other
 *                           stratum (interaction_n_rest), this stratum first
 *                           (U1), two-sided, exact up to exact_max_n values
 *                           (ties included) else normal with continuity
 *                           correction; estimate median(this) − median(rest),
 *                           percentage points.  With two strata it is
 *                           comparisons.csv's interaction row (strata.h).
 *                           Empty on the pooled and vehicle rows.
 * and, after the pooled rows, the same rows computed on the animals of each
 * stratum alone (labels by name; an animal's outcomes are in the stratum of
 * their label, the cohorts pooled as above).  DIR/
 * comparison-settings.txt names each cohort (directory, study name,
 * settings hash) and the settings text of each distinct hash.
 *
 * Lifecycle: ictus_compare_compute() → write / print → ictus_compare_destroy().
 * Thread safety: a result is read-only; it borrows the analyses (and their
 * studies): keep them alive until it is destroyed.
 */
#ifndef ICTUS_COMPARE_H
#define ICTUS_COMPARE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "protocols/analysis.h"

/* One row of comparison.csv. */
typedef struct {
    const char *type;                 /* borrowed from an analysis */
    const ictus_condition *condition; /* a representative; borrowed */
    char *cohorts;                    /* owned */
    int n_cohorts;                    /* cohorts with the exposure */
    int64_t n_animals, n_determined;
    int64_t responders, seizure_free;
    double responder_rate, responder_ci_lo, responder_ci_hi;
    double seizure_free_rate, seizure_free_ci_lo, seizure_free_ci_hi;
    double median_pct_change;         /* NaN when no finite % change */
    int64_t n_vehicle, vehicle_responders; /* -1 for vehicle rows and without vehicle */
    double fisher_odds_ratio, fisher_p;
    double mwu_u, mwu_p;
    double median_pct_ci_lo, median_pct_ci_hi;    /* NaN: too few animals */
    int64_t n_pct_change;             /* animals with a finite % change */
    int64_t n_rate_ratio;             /* animals with a rate ratio */
    double rate_ratio, rate_ratio_ci_lo, rate_ratio_ci_hi; /* geometric mean, t interval */
    double rate_ratio_vs_vehicle;     /* NaN for vehicle rows and without vehicle animals */
    double rate_ratio_vs_vehicle_ci_lo, rate_ratio_vs_vehicle_ci_hi, rate_ratio_vs_vehicle_p;
    const char *stratum;              /* strata.h label; NULL on the pooled rows; borrowed */
    int64_t interaction_n_rest;       /* treatments within a stratum; -1 otherwise */
    double interaction_u, interaction_p, interaction_estimate; /* NaN: none */
} ictus_cohort_row;

/* The count added to each side of a per-animal rate ratio (Haldane). */
#define ICTUS_COMPARE_HALDANE 0.5

typedef struct {
    int n_rows;
    ictus_cohort_row *rows;           /* the pooled rows */
    bool stratified;                  /* strata.h: the rows below and a stratum column */
    int n_stratum_rows;
    ictus_cohort_row *stratum_rows;   /* within each stratum, by label */
    double ci_level;
    bool mixed_settings;              /* the cohorts' settings differ */
    char settings_hash[ICTUS_HASH_HEX_SIZE]; /* the common hash, or "mixed" */
    int n_cohorts;
    const ictus_analysis *const *analyses; /* borrowed [n_cohorts] */
    const char *const *dirs;               /* borrowed [n_cohorts] */
} ictus_compare_result;

/* Pool the analyses an[0..n) (n ≥ 1; dirs[i] is where an[i]'s study was
 * read, for provenance) and compare.  The tests use the first analysis'
 * ci_level and exact_max_n.  On success *out is new (caller destroys).
 * Errors: those of ictus_comparisons_compute(); ICTUS_ERR_CONFIG when the
 * cohorts are stratified by different keys. */
ictus_status ictus_compare_compute(const ictus_analysis *const *an, const char *const *dirs, int n,
                                   ictus_compare_result **out, ictus_error *err);

/* Free; NULL is a no-op. */
void ictus_compare_destroy(ictus_compare_result *res);

/* Write DIR/comparison.csv and DIR/comparison-settings.txt (DIR created
 * when absent), each atomically (temporary file, sync, rename).
 * ICTUS_ERR_IO naming the file on failure. */
ictus_status ictus_compare_write(const ictus_compare_result *res, const char *dir,
                                 ictus_error *err);

/* A readable table of the rows to f (fixed-width columns, one line per row). */
void ictus_compare_print(const ictus_compare_result *res, FILE *f);

#endif
