/* kindling_compare.h: ED50, TD50 and PI per drug across kindling cohorts
 * (`ictus compare`: DIR/kindling_comparison.csv).
 *
 * For every drug of the cohorts' dose_response.csv (kindling.h; drugs
 * matched ignoring case, named as the first cohort spells them), per link
 * (probit, then logit): one row per cohort that tested the drug, then, with
 * two cohorts or more, a row "pooled" fitted on the dose groups of every
 * cohort together (the binomial likelihood pools animals of the same dose
 * across cohorts; an animal is a cohort's animal).  Cohorts without
 * stimulations.csv contribute nothing; when no cohort has one, there are no
 * rows and no file.
 *
 * kindling_comparison.csv columns:
 *   cohort                  the study's name, or "pooled"
 *   drug, link
 *   ed50_n_doses, ed50_n_tested, ed50, ed50_fieller_lo, ed50_fieller_hi,
 *   ed50_profile_lo, ed50_profile_hi, ed50_refused
 *   td50_n_doses, td50_n_tested, td50, td50_fieller_lo, td50_fieller_hi,
 *   td50_profile_lo, td50_profile_hi, td50_refused
 *   pi, pi_ci_lo, pi_ci_hi, pi_refused
 *   ci_level                the first cohort's [analysis] ci_level
 *   settings_hash           the cohort's kindling settings hash; pooled rows:
 *                           the common one, or "mixed"
 * Intervals as in dose_response.csv (empty: unbounded or none); a refused
 * fit leaves its estimate empty and says why.
 *
 * Lifecycle: ictus_kindling_compare() → write / read rows →
 * ictus_kindling_compare_destroy().  Borrows the analyses.
 */
#ifndef ICTUS_KINDLING_COMPARE_H
#define ICTUS_KINDLING_COMPARE_H

#include <stdbool.h>
#include <stdio.h>

#include "protocols/analysis.h"

/* Opaque: this header stays free of protocols/stats.h (its ictus_interval
 * clashes with detectors/score.h's in the report and the CLI). */
typedef struct ictus_kindling_cmp ictus_kindling_cmp;

/* One fit of a row, in plain numbers (NaN where none). */
typedef struct {
    bool ok;
    double estimate;          /* ED50 or TD50, mg/kg */
    double fieller_lo, fieller_hi, profile_lo, profile_hi; /* NaN: unbounded */
    double se_log10;
    int n_doses, n_animals;
    const char *refused;      /* "" when ok */
} ictus_kindling_cmp_fit;

/* One row of kindling_comparison.csv; strings borrowed from the result. */
typedef struct {
    const char *cohort, *drug, *link;
    ictus_kindling_cmp_fit ed50, td50;
    bool pi_ok;
    double pi, pi_ci_lo, pi_ci_hi;
    const char *pi_refused;
    const char *settings_hash;
} ictus_kindling_cmp_view;

/* Rows of an[0..n); *out is NULL when no analysis has kindling. */
void ictus_kindling_compare(const ictus_analysis *const *an, int n, ictus_kindling_cmp **out);

void ictus_kindling_compare_destroy(ictus_kindling_cmp *c); /* NULL is a no-op */

/* Rows, and row i (0 ≤ i < rows) in plain numbers. */
int ictus_kindling_compare_rows(const ictus_kindling_cmp *c);
void ictus_kindling_compare_row(const ictus_kindling_cmp *c, int i, ictus_kindling_cmp_view *v);

/* DIR/kindling_comparison.csv, atomically. */
ictus_status ictus_kindling_compare_write(const ictus_kindling_cmp *c, const char *dir,
                                          ictus_error *err);

/* A readable table to f. */
void ictus_kindling_compare_print(const ictus_kindling_cmp *c, FILE *f);

#endif
