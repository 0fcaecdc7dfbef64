/* baseline.h: a robust, drifting baseline of one feature of one channel.
 *
 * Values (typically ln line length of clean windows) are summarised per
 * minute by their median; the baseline is a quantile (the median, by
 * default) of the minute summaries kept, i.e. of the last `capacity`
 * minutes that had any value.  Summarising per minute keeps the
 * cost and memory fixed (a few hundred numbers however long the recording)
 * and makes the baseline a median of hours, as DOMAIN.md §3 asks.
 *
 * Lifecycle: create(capacity) → add(minute, value)... (minutes never
 * decrease) → quantile() whenever → destroy.  One thread at a time.
 */
#ifndef ICTUS_BASELINE_H
#define ICTUS_BASELINE_H

#include <stdint.h>

typedef struct ictus_baseline ictus_baseline;

/* capacity: how many minute summaries to keep (>= 1). */
ictus_baseline *ictus_baseline_create(int capacity);
void ictus_baseline_destroy(ictus_baseline *b); /* NULL is a no-op */

/* A value of minute `minute` (minutes since the recording start). Values of
 * a new minute close the previous one.  NaN and infinities are ignored. */
void ictus_baseline_add(ictus_baseline *b, int64_t minute, double value);

/* Close the current minute now (at the end of the recording). */
void ictus_baseline_flush(ictus_baseline *b);

/* Minute summaries kept (closed minutes only). */
int ictus_baseline_minutes(const ictus_baseline *b);

/* Quantile q in [0, 1] of the kept summaries (linear interpolation between
 * order statistics, as numpy's default; 0.5 is the median); NaN when there
 * are none.  Cached until the next minute closes. */
double ictus_baseline_quantile(ictus_baseline *b, double q);

#endif
