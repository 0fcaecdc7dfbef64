/* score.h: scoring detections against expert annotations (SzCORE event and
 * sample scoring, DOMAIN.md §5), and aggregation per animal.
 *
 * The rules follow the `timescoring` library (Dan et al. 2024, SzCORE,
 * github.com/esl-epfl/timescoring) with its defaults, as DOMAIN.md §5 asks.
 *
 * Event scoring, on one recording (or one animal's continuous timeline):
 *   1. each interval is clipped to [0, duration_s]; what has no length left
 *      is ignored (a zero-length interval covers no time);
 *   2. reference and detections are separately sorted and merged: an event
 *      that starts less than merge_gap_s after the end of the previous one
 *      joins it (strictly less: a gap of exactly merge_gap_s stays two
 *      events; merge_gap_s = 0 merges only overlapping intervals, so adjacent
 *      segments stay separate);
 *   3. then events longer than max_event_s are cut into max_event_s pieces
 *      from their start, the last piece holding the rest (700 s -> 300, 300,
 *      100); an event of exactly max_event_s is not cut; 0 = never cut;
 *   4. each reference event is widened to its tolerance window
 *      [start - tol_before_s, end + tol_after_s], clipped to the recording; it
 *      is a true positive when the detections together cover more than
 *      min_overlap of that window (min_overlap = 0: any overlap of positive
 *      length; intervals that only touch at an end point do not overlap);
 *   5. a detection is a false positive when it overlaps the window of no
 *      true-positive reference event; FN = reference events - TP.
 * Sample scoring: the recording is cut into round(duration_s / bin_s) bins
 * of bin_s; a bin is positive on a side when that side's intervals (their
 * union) cover at least bin_coverage of it; TP/FP/FN count bins.
 *
 * Where this differs from timescoring 0.x (scoring.py, annotations.py):
 *   - False positives: DOMAIN.md's rule (no overlap with any true-positive
 *     window).  timescoring also counts as false a detection that overlaps a
 *     window but reaches outside it.
 *   - F1 = 2TP / (2TP + FP + FN), NaN only when that denominator is 0
 *     (DOMAIN.md).  timescoring gives NaN whenever sensitivity or precision
 *     is NaN, e.g. F1 = NaN for a recording with false alarms but no seizure.
 *   - Times are exact.  timescoring rounds every end point to a 0.1 s grid
 *     (events) or to the nearest bin edge with half-to-even rounding
 *     (samples); we measure coverage, so a bin half covered is positive at
 *     either end of an event, and two intervals that each cover 30 % of a
 *     bin together make it positive.
 *   - Merging keeps the later of two overlapping ends; timescoring takes the
 *     second event's end, which shortens an event that contains the next.
 *   - Clipping and the zero-length rule of step 1 are ours; timescoring
 *     counts a reference outside the recording yet can never detect it.
 *
 * Scoring by type (e.g. only `convulsive` events): filter both arrays to the
 * type before calling; this module knows nothing of types.
 *
 * Cost: O(n log n) time and O(n) memory in the number of intervals, for
 * sample scoring too (positive bins are kept as ranges, never one by one).
 * Every function here is reentrant and thread-safe except on a shared
 * ictus_score_table (one thread at a time).
 */
#ifndef ICTUS_SCORE_H
#define ICTUS_SCORE_H

#include <stddef.h>
#include <stdint.h>

#include "base/config.h"
#include "base/status.h"

/* A time interval in seconds from the start of the recording (or of the
 * animal's timeline).  end_s >= start_s is required: the CSV layer rejects
 * rows that break it, so a violation here is a programmer error (assert). */
typedef struct {
    double start_s, end_s;
} ictus_interval;

/* Scoring settings: section [score] of a preset, study.ini or --config. */
typedef struct {
    double merge_gap_s;  /* merge_gap_s: merge events separated by less than this; 0 = merge only
                            overlapping intervals.  [0, 1e6] s, default 90 s. */
    double max_event_s;  /* max_event_s: cut longer events into pieces of this length; 0 = never.
                            [0, 1e7] s, default 300 s. */
    double tol_before_s; /* tol_before_s: tolerance window before a reference event.  [0, 1e6] s,
                            default 30 s. */
    double tol_after_s;  /* tol_after_s: tolerance window after a reference event.  [0, 1e6] s,
                            default 60 s. */
    double min_overlap;  /* min_overlap: fraction of the tolerance window the detections must
                            exceed (plus 1e-6, as timescoring).  [0, 0.999], default 0. */
    double bin_s;        /* bin_s: sample-scoring bin.  [0.001, 86400] s, default 1 s. */
    double bin_coverage; /* bin_coverage: a bin is positive at this covered fraction or more.
                            [0.001, 1], default 0.5. */
} ictus_score_params;

/* Fill `p` with the SzCORE defaults above. */
void ictus_score_params_default(ictus_score_params *p);

/* Override `p` from the [score] section of `cfg` (marking the entries used).
 * Errors (ICTUS_ERR_CONFIG) name the file and line of the bad entry. */
ictus_status ictus_score_params_apply(ictus_score_params *p, ictus_config *cfg, ictus_error *err);

/* Write every parameter as `score.key=value` lines into buf (NUL-terminated,
 * truncated to size; buf may be NULL when size is 0); returns the length it
 * needed, for provenance. */
size_t ictus_score_params_describe(const ictus_score_params *p, char *buf, size_t size);

/* The sections ictus_score_params_apply() owns, NULL-terminated. */
extern const char *const ictus_score_sections[];

/* What a scoring counted.  Event scoring counts events after merging and
 * cutting; sample scoring counts bins.  tp counts reference events (or
 * bins) found, fp detections (or bins) that found nothing, so tp + fp need
 * not equal hyp for events. */
typedef struct {
    int64_t ref;       /* reference events, or positive reference bins */
    int64_t hyp;       /* detection events, or positive detection bins */
    int64_t tp, fp, fn;
    double duration_s; /* recording time scored: the denominator of fp_per_24h */
} ictus_score_counts;

/* Event scoring (steps 1-5 above) of one recording or one animal's timeline.
 * ref, hyp: n_ref and n_hyp intervals in any order, possibly overlapping;
 * read only (the module works on copies); may be NULL when their count is 0.
 * duration_s >= 0: the length of the recording.  Fills *out. */
void ictus_score_events(const ictus_interval *ref, size_t n_ref, const ictus_interval *hyp,
                        size_t n_hyp, double duration_s, const ictus_score_params *p,
                        ictus_score_counts *out);

/* Sample scoring (bins of p->bin_s, positive at p->bin_coverage) with the same
 * arguments; merge, cut and tolerance settings do not apply. */
void ictus_score_samples(const ictus_interval *ref, size_t n_ref, const ictus_interval *hyp,
                         size_t n_hyp, double duration_s, const ictus_score_params *p,
                         ictus_score_counts *out);

/* Add the counts (and durations) of `c` into `sum`. */
void ictus_score_counts_add(ictus_score_counts *sum, const ictus_score_counts *c);

/* The metrics of a set of counts.  A metric whose denominator is empty is
 * NaN, never 0 or 1. */
typedef struct {
    double sensitivity; /* TP / ref */
    double precision;   /* TP / (TP + FP) */
    double f1;          /* 2TP / (2TP + FP + FN) */
    double fp_per_24h;  /* FP per 24 h of duration_s */
} ictus_score_metrics;

ictus_score_metrics ictus_score_metrics_of(const ictus_score_counts *c);

/* ---- Aggregation per animal ----
 * Lifecycle of an ictus_score_table:
 *   1. ictus_score_table_create();
 *   2. ictus_score_table_add() once per scored recording (or per animal
 *      timeline): counts and durations of the same animal are summed;
 *   3. ictus_score_table_row() for the per-animal rows,
 *      ictus_score_table_summary() for the mean over animals and the pooled
 *      figure;
 *   4. ictus_score_table_destroy().
 * Animals are looked up by a linear search: meant for tens to hundreds. */
typedef struct ictus_score_table ictus_score_table;

typedef struct {
    const char *animal; /* owned by the table, valid until it is destroyed */
    ictus_score_counts counts;
    ictus_score_metrics metrics;
} ictus_score_row;

typedef struct {
    int n_animals;
    ictus_score_counts total;   /* every animal's counts summed */
    ictus_score_metrics pooled; /* metrics of `total` */
    ictus_score_metrics mean;   /* mean over animals of each animal's metric, leaving out the
                                   animals where it is NaN; NaN when no animal has it */
    struct {
        int sensitivity, precision, f1, fp_per_24h;
    } n_mean; /* how many animals each mean is over */
} ictus_score_summary;

ictus_score_table *ictus_score_table_create(void);
void ictus_score_table_destroy(ictus_score_table *t); /* NULL is a no-op */

/* Add one recording's counts to `animal` (copied; a new animal gets a new row,
 * rows keep the order animals first appear in). */
void ictus_score_table_add(ictus_score_table *t, const char *animal, const ictus_score_counts *c);

/* Number of animals, and row i (0 <= i < count) with its metrics. */
size_t ictus_score_table_count(const ictus_score_table *t);
ictus_score_row ictus_score_table_row(const ictus_score_table *t, size_t i);

ictus_score_summary ictus_score_table_summary(const ictus_score_table *t);

#endif
