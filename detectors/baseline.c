/* baseline.c: per-minute medians in a ring, a quantile over the ring. */
#include "detectors/baseline.h"

#include <math.h>
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
    double *scratch;
    int stale;           /* the cached quantile needs recomputing */
    double q, value;     /* the cached quantile q */
};

ictus_baseline *ictus_baseline_create(int capacity)
{
    ictus_baseline *b = ictus_xcalloc(1, sizeof *b);
    b->capacity = capacity < 1 ? 1 : capacity;
    b->ring = ictus_xcalloc((size_t)b->capacity, sizeof(double));
    b->scratch = ictus_xcalloc((size_t)(b->capacity > MAX_PER_MINUTE ? b->capacity : MAX_PER_MINUTE),
                               sizeof(double));
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
    free(b->scratch);
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

void ictus_baseline_flush(ictus_baseline *b)
{
    if (b->n_current == 0)
        return;
    double m = median_of(b->current, b->n_current);
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
    memcpy(b->scratch, b->ring, (size_t)b->n * sizeof(double));
    double pos = q * (b->n - 1);
    int k = (int)floor(pos);
    double lo = select_kth(b->scratch, b->n, k), frac = pos - k;
    double value = lo;
    if (frac > 0) { /* the next order statistic: the smallest of v[k+1..n) */
        double hi = b->scratch[k + 1];
        for (int i = k + 2; i < b->n; i++)
            if (b->scratch[i] < hi)
                hi = b->scratch[i];
        value = lo + frac * (hi - lo);
    }
    b->q = q;
    b->value = value;
    b->stale = 0;
    return value;
}
