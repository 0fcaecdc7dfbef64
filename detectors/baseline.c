/* baseline.c: per-minute medians in a ring, a quantile over the ring.
 *
 * The ring's summaries are also kept sorted (`sorted`, insertion and
 * removal by binary search and memmove, O(capacity) per closed minute), so
 * that the quantile of a closed minute is two reads instead of a selection
 * over the whole ring (of 390 minutes with the defaults, for every channel
 * and every minute of the recording).  The order statistics of a multiset
 * do not depend on how they are found: the quantile is the same double as
 * a selection's. */
#include "detectors/baseline.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/status.h"

#define MAX_PER_MINUTE 4096 /* windows per minute we summarise (hop >= 15 ms) */

struct ictus_baseline {
    int capacity;
    double *ring;        /* minute summaries, oldest overwritten */
    int n, head;
    int64_t minute;      /* the minute being collected, -1 before any */
    double *current;     /* its values */
    int n_current;
    double *sorted;      /* the n ring values, ascending */
    int stale;           /* the cached quantile needs recomputing */
    double q, value;     /* the cached quantile q */
};

ictus_baseline *ictus_baseline_create(int capacity)
{
    ictus_baseline *b = ictus_xcalloc(1, sizeof *b);
    b->capacity = capacity < 1 ? 1 : capacity;
    b->ring = ictus_xcalloc((size_t)b->capacity, sizeof(double));
    b->sorted = ictus_xcalloc((size_t)b->capacity, sizeof(double));
    b->current = ictus_xcalloc(MAX_PER_MINUTE, sizeof(double));
    b->minute = -1;
    b->stale = 1;
    return b;
}

void ictus_baseline_destroy(ictus_baseline *b)
{
    if (!b)
        return;
    free(b->ring);
    free(b->sorted);
    free(b->current);
    free(b);
}

/* The k-th smallest of v[0..n-1] (0 <= k < n), reordering v so that
 * v[0..k) <= v[k] <= v[k+1..n): Hoare's selection, O(n) on average. */
static double select_kth(double *v, int n, int k)
{
    int lo = 0, hi = n - 1;
    while (lo < hi) {
        double pivot = v[lo + (hi - lo) / 2];
        int i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i <= j) {
                double t = v[i];
                v[i++] = v[j];
                v[j--] = t;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            break;
    }
    return v[k];
}

/* Median of v[0..n-1] (n >= 1), reordering v. */
static double median_of(double *v, int n)
{
    double upper = select_kth(v, n, n / 2);
    if (n % 2)
        return upper;
    double lower = v[0]; /* the largest of v[0..n/2) */
    for (int i = 1; i < n / 2; i++)
        if (v[i] > lower)
            lower = v[i];
    return 0.5 * (lower + upper);
}

/* The first index of sorted[0..n) whose value is not below v (< v before
 * it, >= v from it). */
static int lower_bound(const double *sorted, int n, double v)
{
    int lo = 0, hi = n;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (sorted[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Keep `sorted` the ring's values in order: `old` leaves it when the ring
 * is full (it is there: an equal value is the same value), m joins it. */
static void sorted_replace(ictus_baseline *b, bool full, double old, double m)
{
    int n = b->n;
    if (full) {
        int at = lower_bound(b->sorted, n, old);
        memmove(b->sorted + at, b->sorted + at + 1, (size_t)(n - at - 1) * sizeof(double));
        n--;
    }
    int at = lower_bound(b->sorted, n, m);
    memmove(b->sorted + at + 1, b->sorted + at, (size_t)(n - at) * sizeof(double));
    b->sorted[at] = m;
}

void ictus_baseline_flush(ictus_baseline *b)
{
    if (b->n_current == 0)
        return;
    double m = median_of(b->current, b->n_current);
    bool full = b->n == b->capacity;
    sorted_replace(b, full, b->ring[b->head], m);
    b->ring[b->head] = m;
    b->head = (b->head + 1) % b->capacity;
    if (b->n < b->capacity)
        b->n++;
    b->n_current = 0;
    b->stale = 1;
}

void ictus_baseline_add(ictus_baseline *b, int64_t minute, double value)
{
    if (minute != b->minute) {
        ictus_baseline_flush(b);
        b->minute = minute;
    }
    if (isfinite(value) && b->n_current < MAX_PER_MINUTE)
        b->current[b->n_current++] = value;
}

int ictus_baseline_minutes(const ictus_baseline *b)
{
    return b->n;
}

double ictus_baseline_quantile(ictus_baseline *b, double q)
{
    if (b->n == 0)
        return NAN;
    if (!b->stale && q == b->q)
        return b->value;
    double pos = q * (b->n - 1);
    int k = (int)floor(pos);
    double lo = b->sorted[k], frac = pos - k;
    double value = lo;
    if (frac > 0) /* and the next order statistic */
        value = lo + frac * (b->sorted[k + 1] - lo);
    b->q = q;
    b->value = value;
    b->stale = 0;
    return value;
}
