/* bench_runmed.c: pushes per second of the running median (pipeline/dsp/
 * runmed.c, two indexed heaps) beside the sorted array it replaced (kept
 * here as the reference: binary search + memmove, O(W) a push), each
 * pushing the same stream and reading the median after every push as the
 * framer does.  CPU time of this process (CLOCK_PROCESS_CPUTIME_ID), best
 * of five runs; the medians of both are compared (exit 1 if any differs).
 * usage: bench_runmed [W [PUSHES]]   (default W = 600, the default
 * baseline_windows, and 2,000,000 pushes)
 * prints: `w=<W> pushes=<N> old_per_s=<..> new_per_s=<..> speedup=<..>` */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/status.h"
#include "pipeline/dsp/runmed.h"

static double cpu_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* The old running median: a ring in arrival order and a sorted copy. */
typedef struct {
    int w, count, oldest;
    double *ring, *sorted;
} sorted_runmed;

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

static void sorted_push(sorted_runmed *rm, double v)
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

static double sorted_median(const sorted_runmed *rm)
{
    const int c = rm->count;
    if (c == 0)
        return NAN;
    if (c % 2)
        return rm->sorted[c / 2];
    return 0.5 * (rm->sorted[c / 2 - 1] + rm->sorted[c / 2]);
}

/* Push x[0..n-1] through the old median; medians to out; CPU seconds. */
static double run_old(int w, const double *x, size_t n, double *out)
{
    sorted_runmed rm = {.w = w,
                        .ring = ictus_xmalloc((size_t)w * sizeof(double)),
                        .sorted = ictus_xmalloc((size_t)w * sizeof(double))};
    double t0 = cpu_s();
    for (size_t i = 0; i < n; i++) {
        sorted_push(&rm, x[i]);
        out[i] = sorted_median(&rm);
    }
    double dt = cpu_s() - t0;
    free(rm.ring);
    free(rm.sorted);
    return dt;
}

static double run_new(int w, const double *x, size_t n, double *out)
{
    ictus_runmed *rm = ictus_runmed_create(w);
    double t0 = cpu_s();
    for (size_t i = 0; i < n; i++) {
        ictus_runmed_push(rm, x[i]);
        out[i] = ictus_runmed_median(rm);
    }
    double dt = cpu_s() - t0;
    ictus_runmed_destroy(rm);
    return dt;
}

int main(int argc, char **argv)
{
    int w = argc > 1 ? atoi(argv[1]) : 600;
    long pushes = argc > 2 ? atol(argv[2]) : 2000000;
    if (w < 1 || pushes < 1) {
        fprintf(stderr, "usage: bench_runmed [W [PUSHES]]\n");
        return 2;
    }
    size_t n = (size_t)pushes;
    /* A window RMS-like stream: a slow drift with noise, positive. */
    double *x = ictus_xmalloc(n * sizeof *x);
    double *a = ictus_xmalloc(n * sizeof *a), *b = ictus_xmalloc(n * sizeof *b);
    unsigned seed = 9201;
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        x[i] = 50 + 10 * sin((double)i / 5000) + (double)(seed >> 16) / 6553.6;
    }
    double old_s = INFINITY, new_s = INFINITY;
    for (int rep = 0; rep < 5; rep++) { /* in turn, each keeping its best */
        old_s = fmin(old_s, run_old(w, x, n, a));
        new_s = fmin(new_s, run_new(w, x, n, b));
    }
    size_t differ = 0;
    for (size_t i = 0; i < n; i++)
        differ += memcmp(&a[i], &b[i], sizeof a[i]) != 0;
    printf("w=%d pushes=%zu old_per_s=%.0f new_per_s=%.0f old_ns=%.1f new_ns=%.1f speedup=%.2f\n",
           w, n, (double)n / old_s, (double)n / new_s, old_s * 1e9 / (double)n,
           new_s * 1e9 / (double)n, old_s / new_s);
    if (differ) {
        fprintf(stderr, "bench_runmed: %zu of %zu medians differ from the sorted array's\n",
                differ, n);
        return 1;
    }
    free(x);
    free(a);
    free(b);
    return 0;
}
