/* measures.h: per animal, span and seizure type: counts, rates, burden, durations, intervals.
 *
 * DOMAIN.md §6.  The denominator of every rate is ANALYSABLE time (recording
 * present, no artefact, no dropout: the store's animal-level series "*"),
 * never calendar time.  The measures of one animal over a set of spans
 * (one period, or the periods of a condition pooled):
 *   count              seizures whose START lies in a span: a seizure that
 *                      straddles a span's end counts (with its whole
 *                      duration) in the span where it started;
 *   rate_per_24h       count / analysable time × 24 h;
 *   burden             seizure seconds per analysable 24 h, and as % of the
 *                      analysable time;
 *   durations          mean and median (end − start);
 *   inter-seizure intervals (ISI)  between consecutive onsets inside one
 *                      span (never across spans: a washout or another drug
 *                      lies between), measured in ANALYSABLE seconds: time
 *                      the recording did not see is not seizure-free time.
 *                      Longest, median, coefficient of variation (sd with
 *                      n − 1 over the mean: ≈ 1 for a Poisson process, > 1
 *                      for clustered seizures), and the share of ISIs shorter
 *                      than the cluster gap setting;
 *   count_by_hour      onsets by hour of day 0–23 of the naive local clock.
 * A quantity with an empty denominator is NaN (an empty CSV field), not 0.
 *
 * Lifecycle: the animal's seizures (sorted and merged by
 * ictus_seizures_merge()) → one ictus_timeline per span
 * (ictus_timeline_build(): the only step that asks the store) →
 * ictus_measures_compute() for any set of timelines and any type (pure
 * arithmetic) → ictus_timeline_clear().
 * Thread safety: the functions are reentrant; a timeline is read-only once
 * built.
 */
#ifndef ICTUS_MEASURES_H
#define ICTUS_MEASURES_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"

/* One seizure of an animal on the naive local wall clock (walltime.h). */
typedef struct {
    int64_t start_us;
    int64_t end_us;    /* > start_us */
    int type;          /* index into the caller's list of types, ≥ 0 */
} ictus_seizure;

/* Sort sz[0..n) by start and merge seizures that overlap in time (the same
 * seizure seen in two overlapping recordings, or by two detections) into
 * one spanning both, typed as the earliest (the longest on equal starts).
 * Seizures that only touch (end == next start) stay apart.  Returns the new
 * count; sz[0..count) holds the result. */
size_t ictus_seizures_merge(ictus_seizure *sz, size_t n);

/* Analysable seconds within the wall-clock range [t0_us, t1_us) (e.g.
 * ictus_store_analysable_s() for one animal).  Must be additive: the sum over
 * a split of a range equals the range's value. */
typedef ictus_status (*ictus_analysable_fn)(void *ctx, int64_t t0_us, int64_t t1_us,
                                            double *seconds, ictus_error *err);

/* One span of one animal and the seizures that start in it. */
typedef struct {
    int64_t start_us, end_us;       /* [start, end), wall clock */
    double analysable_s;            /* analysable seconds within it */
    size_t n;                       /* seizures starting in [start, end) */
    const ictus_seizure *seizures;  /* [n]: borrowed from the sorted array */
    double *onset_s;                /* [n]: analysable seconds from start_us to each onset */
} ictus_timeline;

/* Build the timeline of [t0_us, t1_us) (t1 > t0) from the animal's sorted
 * seizures sz[0..n) (borrowed: keep them alive and unchanged) and the
 * analysable-time function (called n_in_span + 1 times, on consecutive
 * stretches).  On error (from fn) *tl is zeroed and the status returned. */
ictus_status ictus_timeline_build(const ictus_seizure *sz, size_t n, int64_t t0_us, int64_t t1_us,
                                  ictus_analysable_fn fn, void *ctx, ictus_timeline *tl,
                                  ictus_error *err);

/* Free what the timeline owns and zero it; a zeroed timeline is a no-op. */
void ictus_timeline_clear(ictus_timeline *tl);

/* Every type together. */
#define ICTUS_ALL_TYPES (-1)

typedef struct {
    double span_s;            /* calendar length of the spans */
    double analysable_s;      /* analysable time within them */
    int64_t count;            /* seizures starting within them */
    double seizure_s;         /* their total duration */
    double rate_per_24h;      /* count per analysable 24 h; NaN when analysable_s = 0 */
    double burden_s_per_24h;  /* seizure seconds per analysable 24 h; NaN likewise */
    double burden_pct;        /* seizure_s / analysable_s × 100; NaN likewise */
    double mean_duration_s;   /* NaN when count = 0 */
    double median_duration_s; /* NaN when count = 0 */
    int64_t n_isi;            /* intervals between consecutive onsets within a span */
    double longest_isi_s;     /* analysable seconds; NaN when n_isi = 0 */
    double median_isi_s;      /* NaN when n_isi = 0 */
    double isi_cv;            /* sd / mean of the ISIs; NaN when n_isi < 2 or the mean is 0 */
    double cluster_share;     /* share of ISIs < the cluster gap; NaN when n_isi = 0 */
    int64_t count_by_hour[24];/* onsets by local hour of day */
} ictus_measures;

/* The measures of the seizures of `type` (an index, or ICTUS_ALL_TYPES)
 * over the timelines tls[0..n_tls) pooled (n_tls ≥ 0: no timeline gives
 * zero time, zero count and NaN rates).  cluster_gap_s > 0. */
void ictus_measures_compute(const ictus_timeline *const *tls, int n_tls, int type,
                            double cluster_gap_s, ictus_measures *m);

/* % change (rate − reference) / reference × 100; NaN when either rate is
 * not finite or the reference is 0 (no baseline seizures: undefined). */
double ictus_pct_change(double rate, double reference_rate);

#endif
