/* timedomain.c: the time-domain sums of one window in one fused vector pass,
 * and the spike candidates (timedomain.h).
 *
 * Why it is shaped this way: the features used to make ~9 scalar passes of
 * their own over each window (Σ(x − mean)² twice, Σx² up to three times).
 * Here every sum takes one pass: for each sample the kernel forms x − mean,
 * d, dd and the Teager term once and feeds eight accumulators (six sums,
 * max |x − mean| and max |x|).  A plain summing loop is one chain of
 * dependent additions, which the compiler may not reorder (ISO C keeps
 * floating-point order); each accumulator is therefore an array of LANES
 * independent partial sums, lane l taking every LANES-th sample of the main
 * range from its l-th (the tail and the edge samples go to lane 0),
 * combined at the end as (s0 + s1) + (s2 + s3).  GCC maps the lanes onto one AVX register (the
 * x86-64-v3 clone) or two SSE2 registers: the same bits either way
 * (base/simd.h).  The order differs from a sequential sum by a few ulps.
 *
 * Σ(x − mean)² is summed around the true mean (the mean comes from a
 * cheap pass before), never as Σx² − n·mean², whose cancellation would cost
 * all precision on a window with a large DC offset: the flat flag
 * (SD < flat_uv) must not depend on the offset.
 *
 * The spike candidates need the threshold spike_k·σ, and σ falls back to
 * the window's own RMS (Σx², from the fused pass) before a baseline exists,
 * so they take a second pass, only when the fused pass's max |x| is above
 * the threshold (4 σ: most windows have no such sample), and in it only
 * blocks of BLOCK samples whose largest |x| is above it are scanned for
 * local maxima.
 */
#include "pipeline/features/timedomain.h"

#include <math.h>
#include <stdbool.h>

#include "base/simd.h"

enum {
    LANES = 4,  /* partial sums per accumulator */
    WIDE = 8,   /* partial sums of the mean */
    BLOCK = 16, /* samples per block of the candidate search */
};

ICTUS_SIMD_CLONES
void ictus_widen(const float *restrict src, int n, double *restrict dst)
{
    int i = 0;
    for (; i + WIDE <= n; i += WIDE)
        for (int l = 0; l < WIDE; l++)
            dst[i + l] = src[i + l];
    for (; i < n; i++)
        dst[i] = src[i];
}

ICTUS_SIMD_CLONES
double ictus_widen_mean(const double *x, int n)
{
    double s[WIDE] = {0};
    int i = 0;
    for (; i + WIDE <= n; i += WIDE)
        for (int l = 0; l < WIDE; l++)
            s[l] += x[i + l];
    for (; i < n; i++)
        s[0] += x[i];
    return (((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]))) / n;
}

/* ===== The fused pass ===== */

/* The partial sums: lane l of each. */
typedef struct {
    double sq[LANES], ss_x[LANES], max_dev[LANES], max_abs[LANES], abs_d[LANES], ss_d[LANES],
        ss_dd[LANES], teager[LANES];
} lanes;

/* What the pass needs to know before it starts. */
typedef struct {
    double mean, mean_d, mean_dd;
} centres;

/* Which of sample i's terms exist: d from i = 1, dd from 2, the Teager
 * term for 1 <= i <= n − 2; x − mean always. */
typedef struct {
    bool d, dd, teager;
} term_set;

/* Add sample i's terms to lane l.  Inlined with every term present for the
 * main range (where it vectorises), and for the few edge samples. */
static inline void add_terms(lanes *restrict a, int l, const double *restrict x, int i,
                             centres c, term_set has, double *restrict abs_d)
{
    double v = x[i], dev = v - c.mean, ad = fabs(dev);
    a->sq[l] += v * v;
    a->ss_x[l] += dev * dev;
    a->max_dev[l] = ad > a->max_dev[l] ? ad : a->max_dev[l];
    a->max_abs[l] = fabs(v) > a->max_abs[l] ? fabs(v) : a->max_abs[l];
    if (has.d) {
        double d = v - x[i - 1], e = d - c.mean_d;
        abs_d[i] = fabs(d);
        a->abs_d[l] += fabs(d);
        a->ss_d[l] += e * e;
        if (has.dd) {
            double dd = d - (x[i - 1] - x[i - 2]) - c.mean_dd;
            a->ss_dd[l] += dd * dd;
        }
    }
    if (has.teager)
        a->teager[l] += v * v - x[i - 1] * x[i + 1];
}

/* The main range: i = 2 .. n−2, every term present, LANES at a time. */
ICTUS_SIMD_CLONES
static void inner_terms(lanes *restrict a, const double *restrict x, int n, centres c,
                        double *restrict abs_d)
{
    const int last = n - 2; /* inclusive */
    const term_set every = {true, true, true};
    int i = 2;
    for (; i + LANES - 1 <= last; i += LANES)
        for (int l = 0; l < LANES; l++)
            add_terms(a, l, x, i + l, c, every, abs_d);
    for (; i <= last; i++)
        add_terms(a, 0, x, i, c, every, abs_d);
}

static double combine(const double s[LANES])
{
    return (s[0] + s[1]) + (s[2] + s[3]);
}

static double lane_max(const double m[LANES])
{
    double m01 = m[0] > m[1] ? m[0] : m[1], m23 = m[2] > m[3] ? m[2] : m[3];
    return m01 > m23 ? m01 : m23;
}

/* ===== The spike candidates ===== */

/* Whether i (1 <= i <= n − 2) is a candidate. */
static bool is_peak(const double *x, int i, double threshold)
{
    double a = fabs(x[i]);
    return a > threshold && a >= fabs(x[i - 1]) && a > fabs(x[i + 1]);
}

/* The largest |x[i]| of a block of BLOCK samples. */
static inline double block_max(const double *restrict x)
{
    double m[LANES] = {0};
    for (int j = 0; j < BLOCK; j += LANES)
        for (int l = 0; l < LANES; l++) {
            double a = fabs(x[j + l]);
            m[l] = a > m[l] ? a : m[l];
        }
    return lane_max(m);
}

ICTUS_SIMD_CLONES
static int find_peaks(const double *restrict x, int n, double threshold, int *restrict peaks)
{
    int count = 0;
    for (int b = 1; b < n - 1; b += BLOCK) {
        int end = b + BLOCK < n - 1 ? b + BLOCK : n - 1;
        if (end - b == BLOCK && !(block_max(x + b) > threshold))
            continue;
        for (int i = b; i < end; i++)
            if (is_peak(x, i, threshold))
                peaks[count++] = i;
    }
    return count;
}

/* ===== The window ===== */

void ictus_window_time_domain(ictus_window *w, double spike_k, double *abs_d, int *peaks)
{
    const double *x = w->x;
    const int n = w->n;
    const centres c = {
        .mean = w->mean,
        .mean_d = (x[n - 1] - x[0]) / (n - 1),
        .mean_dd = n >= 3 ? ((x[n - 1] - x[n - 2]) - (x[1] - x[0])) / (n - 2) : 0,
    };
    lanes a = {0};
    abs_d[0] = 0;
    inner_terms(&a, x, n, c, abs_d);
    /* the edges, outside 2 .. n−2: 0, 1 and n−1 (0 and 1 when n = 2) */
    const int edge[3] = {0, 1, n - 1};
    for (int e = 0; e < (n >= 3 ? 3 : 2); e++) {
        int i = edge[e];
        add_terms(&a, 0, x, i, c, (term_set){i >= 1, i >= 2, i >= 1 && i <= n - 2}, abs_d);
    }
    w->sum_sq = combine(a.sq);
    w->ss_x = combine(a.ss_x);
    w->max_dev = lane_max(a.max_dev);
    w->sum_abs_d = combine(a.abs_d);
    w->ss_d = combine(a.ss_d);
    w->ss_dd = combine(a.ss_dd);
    w->sum_teager = combine(a.teager);
    w->abs_d = abs_d;
    w->spike_sigma = w->baseline_rms > 0 ? w->baseline_rms : sqrt(w->sum_sq / n);
    /* no sample above the threshold (most windows): no candidate to look for */
    const double threshold = spike_k * w->spike_sigma;
    w->n_peaks = w->spike_sigma > 0 && lane_max(a.max_abs) > threshold
                     ? find_peaks(x, n, threshold, peaks)
                     : 0;
    w->peaks = peaks;
}
