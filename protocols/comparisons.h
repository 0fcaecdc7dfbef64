/* comparisons.h: per-animal outcomes of each condition, and the statistics across animals.
 *
 * An outcome is one animal × condition (periods.h) × seizure type: its
 * measures pooled over the condition's periods, its reference baseline, its
 * response class (response.h), trial adequacy, course and the animal's drug
 * resistance.  The comparisons are computed from a list of outcomes, of one
 * cohort (out/comparisons.csv) or of several cohorts pooled (compare.h), with
 * protocols/stats.h only.  For every seizure type and every exposure (a
 * treatment at one drug, dose and route; the vehicle; the baseline), in
 * ictus_condition_cmp() order:
 *
 *   test                versus    on                    estimate
 *   responder_rate      -         responders / determined  proportion, Clopper–Pearson CI
 *   seizure_free_rate   -         seizure-free / determined  proportion, Clopper–Pearson CI
 *   wilcoxon            baseline  paired rates per 24 h  median of the differences
 *                       vehicle                          (exposure − reference), per 24 h
 *   log_ttest           baseline  paired ln(rate + c)    geometric-mean ratio with t CI;
 *                       vehicle                          c = half the smallest positive
 *                                                        rate of the pairs (note says c)
 *   rate_ratio          baseline  pooled counts / pooled rate ratio with exact conditional
 *                       vehicle   analysable time        (Poisson) CI: ignores clustering
 *                                                        between animals
 *   fisher_responders   vehicle   2×2: responders vs     odds ratio
 *   fisher_seizure_free vehicle   others, exposure animals vs vehicle animals
 *   mann_whitney        vehicle   % change, exposure animals vs vehicle animals
 *                       group     % change (baseline: rate per 24 h) between two
 *                                 animals.csv groups; median(a) − median(b)
 * Rows "versus vehicle" exist for treatments when some outcome is of the
 * vehicle; "versus group" rows for every pair of distinct non-empty groups
 * among the exposure's animals.  Baselines get only the group rows; vehicles
 * get everything but the "versus vehicle" rows.
 * (ictus_comparisons_compute() never makes "versus stratum" rows: strata.h
 * adds them, the treatment × stratum interaction, with the same Mann–Whitney.)
 *
 * Which animals: paired tests use the animals that have both sides with
 * analysable time > 0 (whatever their class or trial adequacy);
 * proportions and Fisher use the animals whose class is determined (the
 * vehicle side: every determined vehicle outcome, paired or not); the
 * Mann–Whitney tests use every finite % change (baseline: rate).
 * Rank tests use the exact (permutation) null distribution when at most
 * `exact_max_n` values are ranked (pairs for Wilcoxon, both samples for
 * Mann–Whitney; ties and zeros included), the normal approximation with tie
 * correction above; zero differences are dropped (Wilcoxon's "wilcox").
 * Two-sided everywhere.  A test that cannot be computed (too few animals,
 * every difference zero, every rate zero) keeps its row with the counts, an
 * empty p and a note saying why.
 *
 * Thread safety: reentrant; the outcome list is only read.
 */
#ifndef ICTUS_COMPARISONS_H
#define ICTUS_COMPARISONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protocols/measures.h"
#include "protocols/periods.h"
#include "protocols/response.h"

/* One animal × condition × seizure type. */
typedef struct {
    int animal;                   /* the animal's number in the caller's numbering (pairs
                                     treatment and vehicle outcomes of one animal) */
    const char *animal_id;        /* borrowed */
    const char *group;            /* animals.csv group ("" when none); borrowed */
    const ictus_condition *condition; /* borrowed */
    int type;                     /* 0: every type; i ≥ 1: the caller's type i */
    ictus_measures m;             /* pooled over the condition's periods */
    bool has_reference;           /* the condition has a reference baseline */
    ictus_measures ref;           /* that baseline pooled (zeros when none) */
    ictus_response response;      /* UNDETERMINED / NONE for a baseline condition */
    unsigned trial;               /* ICTUS_TRIAL_* bits; 0 for baseline and vehicle */
    ictus_course course;          /* treatments only */
    ictus_resistance resistance;  /* the animal's, for this type */
    int n_failed_drugs;           /* the animal's, for this type */
    const char *stratum;          /* its stratum label (strata.h); NULL: none, or not
                                     stratified */
} ictus_outcome;

typedef enum {
    ICTUS_TEST_RESPONDER_RATE = 0,
    ICTUS_TEST_SEIZURE_FREE_RATE,
    ICTUS_TEST_WILCOXON,
    ICTUS_TEST_LOG_TTEST,
    ICTUS_TEST_RATE_RATIO,
    ICTUS_TEST_FISHER_RESPONDERS,
    ICTUS_TEST_FISHER_SEIZURE_FREE,
    ICTUS_TEST_MANN_WHITNEY,
    ICTUS_N_TESTS
} ictus_test;

typedef enum {
    ICTUS_VERSUS_NONE = 0,
    ICTUS_VERSUS_BASELINE,
    ICTUS_VERSUS_VEHICLE,
    ICTUS_VERSUS_GROUP,
    ICTUS_VERSUS_STRATUM,         /* strata.h: the interaction rows */
    ICTUS_N_VERSUS
} ictus_versus;

/* "responder_rate", "seizure_free_rate", "wilcoxon", "log_ttest",
 * "rate_ratio", "fisher_responders", "fisher_seizure_free", "mann_whitney". */
const char *ictus_test_name(ictus_test test);
/* "", "baseline", "vehicle", "group", "stratum". */
const char *ictus_versus_name(ictus_versus versus);
/* What the estimate is: "proportion", "median_difference_per_24h",
 * "geometric_mean_ratio", "rate_ratio", "odds_ratio",
 * "median_difference_pct" (Mann–Whitney on % change) or
 * "median_difference_per_24h" (Mann–Whitney on baseline rates). */
const char *ictus_comparison_estimate_of(ictus_test test, ictus_period_kind kind);

/* One statistical comparison (one row of comparisons.csv). */
typedef struct {
    int type;                         /* as in the outcomes */
    const ictus_condition *condition; /* the exposure (a representative outcome's) */
    ictus_test test;
    ictus_versus versus;
    const char *group_a, *group_b;    /* versus group: the groups; otherwise "" */
    int64_t n, k;                     /* animals (pairs) on the exposure's side; successes */
    int64_t n_ref, k_ref;             /* on the reference side (Fisher, Mann–Whitney); -1: n/a */
    int64_t count, ref_count;         /* rate ratio: pooled seizures; -1: n/a */
    double analysable_h, ref_analysable_h; /* paired tests, rate ratio: summed over the
                                              animals used; NaN: n/a */
    double estimate, ci_lo, ci_hi;    /* see the table above; NaN: none */
    double statistic;                 /* Wilcoxon: SciPy's statistic; t; Mann–Whitney U1;
                                         NaN: none */
    double p;                         /* two-sided; NaN when not computed */
    char note[96];                    /* why p is missing, or the log offset */
    const char *stratum;              /* strata.h: NULL on the pooled rows; borrowed */
} ictus_comparison;

typedef struct {
    double ci_level;   /* (0, 1), e.g. 0.95 */
    int exact_max_n;   /* ≥ 0 */
} ictus_test_options;

/* The comparisons of outcomes o[0..n) (every type 0..n_types-1), appended
 * in a new array *out (caller frees with free()) of *n_out rows.  Errors are
 * those of stats.h on input it should never see (ICTUS_ERR_DATA): a bug. */
ictus_status ictus_comparisons_compute(const ictus_outcome *o, size_t n, int n_types,
                                       const ictus_test_options *opt, ictus_comparison **out,
                                       size_t *n_out, ictus_error *err);

#endif
