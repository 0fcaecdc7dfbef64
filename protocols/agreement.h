/* agreement.h: agreement between two reviewers: Cohen's κ, percent agreement, disagreements.
 *
 * Two reviewers' verdicts on the same events are tallied in a 3 × 3 table
 * (categories seizure, not_seizure, unsure: the verdicts in enum order).
 * Over the n events both reviewed:
 *   percent agreement  p_o × 100, p_o = Σ_k table[k][k] / n;
 *   Cohen's κ          (p_o − p_e) / (1 − p_e), with chance agreement
 *                      p_e = Σ_k (row_k / n)(col_k / n) (Cohen 1960);
 * both NaN when n = 0, κ NaN when p_e = 1 (both reviewers used one
 * category only: agreement by chance alone is certain, κ is undefined).
 * The table functions are pure arithmetic; ictus_agreement_compute() reads
 * the two reviewers' current decisions from the store (each reviewer's
 * newest decision on each detected event: store.h, ictus_store_event_query's
 * reviewer) and tallies them overall and per event type (the type as
 * detected), with the list of events they disagree on.  Added events are not
 * compared (there is no common event to compare).
 *
 * Lifecycle: ictus_agreement_compute() → read the struct (or
 * ictus_agreement_write_disagreements()) → ictus_agreement_destroy().
 * Thread safety: reentrant; compute uses the store handle it is given.
 */
#ifndef ICTUS_AGREEMENT_H
#define ICTUS_AGREEMENT_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "pipeline/event.h"
#include "store/store.h"

/* Categories: seizure, not_seizure, unsure (ictus_verdict − 1). */
#define ICTUS_AGREEMENT_N_CATEGORIES (ICTUS_N_VERDICTS - 1)

/* Counts of verdict pairs: table[a - 1][b - 1] events that reviewer A gave
 * verdict a and reviewer B verdict b. */
typedef struct {
    int64_t n;
    int64_t table[ICTUS_AGREEMENT_N_CATEGORIES][ICTUS_AGREEMENT_N_CATEGORIES];
} ictus_agreement_table;

/* Tally one event: a and b are verdicts other than NONE (asserted). */
void ictus_agreement_add(ictus_agreement_table *t, ictus_verdict a, ictus_verdict b);

/* Percent agreement (0..100); NaN when t->n = 0. */
double ictus_agreement_percent(const ictus_agreement_table *t);

/* Cohen's κ (−1..1); NaN when t->n = 0 or chance agreement is 1. */
double ictus_agreement_kappa(const ictus_agreement_table *t);

/* An event the two reviewers judged differently. */
typedef struct {
    char *path;                 /* the recording (owned) */
    char *animal;               /* (owned) */
    ictus_event event;          /* as detected */
    ictus_verdict a, b;         /* reviewer A's and B's current verdicts */
} ictus_disagreement;

/* The tally of one event type (as detected). */
typedef struct {
    char type[ICTUS_TYPE_MAX];
    ictus_agreement_table table;
} ictus_agreement_type;

typedef struct {
    char *reviewer_a, *reviewer_b;
    ictus_agreement_table all;       /* every event both reviewed */
    int n_types;
    ictus_agreement_type *by_type;   /* [n_types], by type name */
    int64_t n_only_a, n_only_b;      /* events reviewed by one of them only */
    size_t n_disagreements;
    ictus_disagreement *disagreements; /* by animal, wall-clock start, path, channel */
} ictus_agreement;

/* Compare the current decisions of reviewer_a and reviewer_b on every
 * stored event.  On success *out is new (ictus_agreement_destroy()).
 * Errors: those of the store (ICTUS_ERR_DB, ICTUS_ERR_BUSY). */
ictus_status ictus_agreement_compute(ictus_store *s, const char *reviewer_a,
                                     const char *reviewer_b, ictus_agreement **out,
                                     ictus_error *err);

/* Free; NULL is a no-op. */
void ictus_agreement_destroy(ictus_agreement *ag);

/* Write the disagreements as CSV to `path` ("-": stdout), columns
 * recording,animal,channel,start_s,end_s,start,type,verdict_a,verdict_b
 * (start_s, end_s: seconds from the recording start; start: wall clock;
 * verdict_a: reviewer A's).  ICTUS_ERR_IO naming the file on failure. */
ictus_status ictus_agreement_write_disagreements(const ictus_agreement *ag, const char *path,
                                                 ictus_error *err);

#endif
