/* runmed.h: the running median of the last W values pushed.
 *
 * The framer keeps its per-channel baselines with it (median window RMS,
 * median EMG-band power and share over the last baseline_windows windows).
 * A sorted copy of the last W values beside a ring of them in arrival
 * order: a push removes the oldest value from the sorted array and inserts
 * the new one (binary search + memmove, O(W), fine for W up to ~1e5 at one
 * push per window); the median is then O(1).
 *
 * NaN values are not pushed: a window whose value is undefined (a gap, a
 * flat line's relative power) leaves the baseline as it was.
 *
 * Lifecycle: create(W) → push / median / count, reset() to forget → destroy.
 * One object per thread.
 */
#ifndef ICTUS_RUNMED_H
#define ICTUS_RUNMED_H

typedef struct ictus_runmed ictus_runmed;

/* A running median over the last w values, w >= 1.  Never returns NULL. */
ictus_runmed *ictus_runmed_create(int w);
void ictus_runmed_destroy(ictus_runmed *rm); /* NULL is a no-op */

/* Add v (dropping the oldest value when w values are held); NaN is ignored. */
void ictus_runmed_push(ictus_runmed *rm, double v);

/* The median of the values held: the middle one, or the mean of the two
 * middle ones when their count is even; NaN when none is held. */
double ictus_runmed_median(const ictus_runmed *rm);

/* How many values are held, 0..w. */
int ictus_runmed_count(const ictus_runmed *rm);

/* Forget every value. */
void ictus_runmed_reset(ictus_runmed *rm);

#endif
