/* runmed.h: the running median of the last W values pushed.
 *
 * The framer keeps its per-channel baselines with it (median window RMS,
 * median EMG-band power and share over the last baseline_windows windows).
 * Two heaps, the smaller half under a max-heap and the larger half under a
 * min-heap, each value indexed by its slot in arrival order: a push
 * overwrites the oldest value in place and sifts it (O(log W)); the median
 * is the tops' (O(1)).  The sorted array of W values it replaced cost O(W)
 * a push (a memmove), ~6.5 % of `features` at the default W = 600.  Memory
 * is O(W), allocated by create; a push allocates nothing.
 *
 * The median is exactly that of the sorted last W values: the same
 * multiset, the same middle value or mean of the two middle ones (only the
 * sign of a zero median may differ when -0 and +0 are both held, as they
 * compare equal).
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
