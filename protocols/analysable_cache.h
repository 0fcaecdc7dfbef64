/* analysable_cache.h: one animal's analysable time asked of the store once per stretch.
 *
 * The analysis asks for analysable time over the pieces of every period's
 * timeline (between seizure onsets, measures.h) and over every part of every
 * day (daily.h).  A store query costs in proportion to the length it covers,
 * so asking both would read every recorded hour twice.  The cache asks the
 * store once for each elementary stretch between consecutive cut points
 * (period edges, seizure onsets, midnights...) and answers any range whose
 * two ends are cut points by adding the stretches inside it: the store's
 * time is additive (measures.h), so the answer is the store's, up to the
 * rounding of the sum.  A range with an end that is not a cut point is
 * passed to the store.
 *
 * Lifecycle: ictus_analysable_cache_build() → ictus_analysable_cached() as
 * an ictus_analysable_fn (ctx: the cache) → ictus_analysable_cache_clear().
 * Thread safety: read-only once built; the underlying fn is called from the
 * building thread (and from ictus_analysable_cached() for ranges not cut).
 */
#ifndef ICTUS_ANALYSABLE_CACHE_H
#define ICTUS_ANALYSABLE_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "protocols/measures.h"

typedef struct {
    size_t n_cuts;
    int64_t *cuts;       /* [n_cuts] sorted, distinct */
    double *stretch_s;   /* [n_cuts - 1]: analysable seconds in [cuts[i], cuts[i + 1]) */
    ictus_analysable_fn fn;
    void *ctx;
} ictus_analysable_cache;

/* Sort the cut points points[0..n) (reordered in place; duplicates allowed)
 * and ask fn(ctx, ...) for every stretch between two consecutive distinct
 * ones.  *c is overwritten (clear a previous cache first).  On an error of
 * fn, *c is cleared and the status returned. */
ictus_status ictus_analysable_cache_build(ictus_analysable_cache *c, int64_t *points, size_t n,
                                          ictus_analysable_fn fn, void *ctx, ictus_error *err);

/* An ictus_analysable_fn with ctx an ictus_analysable_cache. */
ictus_status ictus_analysable_cached(void *ctx, int64_t t0_us, int64_t t1_us, double *seconds,
                                     ictus_error *err);

/* Free what the cache owns and zero it; a zeroed cache is a no-op. */
void ictus_analysable_cache_clear(ictus_analysable_cache *c);

#endif
