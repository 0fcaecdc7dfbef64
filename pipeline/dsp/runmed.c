/* runmed.c: the running median of the last W values (sorted array + ring). */
#include "pipeline/dsp/runmed.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/status.h"

struct ictus_runmed {
    int w;           /* capacity */
    int count;       /* values held */
    int oldest;      /* ring index of the oldest value (when count == w) */
    double *ring;    /* w values in arrival order */
    double *sorted;  /* the count values held, ascending */
};

ictus_runmed *ictus_runmed_create(int w)
{
    assert(w >= 1);
    ictus_runmed *rm = ictus_xcalloc(1, sizeof *rm);
    rm->w = w;
    rm->ring = ictus_xmalloc((size_t)w * sizeof *rm->ring);
    rm->sorted = ictus_xmalloc((size_t)w * sizeof *rm->sorted);
    return rm;
}

void ictus_runmed_destroy(ictus_runmed *rm)
{
    if (!rm)
        return;
    free(rm->ring);
    free(rm->sorted);
    free(rm);
}

/* The first index i in sorted[0..count-1] with sorted[i] >= v. */
static int lower_bound(const double *sorted, int count, double v)
{
    int lo = 0, hi = count;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (sorted[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void ictus_runmed_push(ictus_runmed *rm, double v)
{
    if (isnan(v))
        return;
    double *s = rm->sorted;
    if (rm->count == rm->w) {
        int i = lower_bound(s, rm->count, rm->ring[rm->oldest]);
        memmove(s + i, s + i + 1, (size_t)(rm->count - i - 1) * sizeof *s);
        rm->count--;
        rm->ring[rm->oldest] = v;
        rm->oldest = (rm->oldest + 1) % rm->w;
    } else {
        rm->ring[rm->count] = v;
    }
    int j = lower_bound(s, rm->count, v);
    memmove(s + j + 1, s + j, (size_t)(rm->count - j) * sizeof *s);
    s[j] = v;
    rm->count++;
}

double ictus_runmed_median(const ictus_runmed *rm)
{
    const int c = rm->count;
    if (c == 0)
        return NAN;
    if (c % 2)
        return rm->sorted[c / 2];
    return 0.5 * (rm->sorted[c / 2 - 1] + rm->sorted[c / 2]);
}

int ictus_runmed_count(const ictus_runmed *rm)
{
    return rm->count;
}

void ictus_runmed_reset(ictus_runmed *rm)
{
    rm->count = 0;
    rm->oldest = 0;
}
