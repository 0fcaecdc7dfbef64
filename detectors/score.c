/* score.c: SzCORE event and sample scoring of detections against
 * annotations, their metrics, and the per-animal aggregation (see score.h
 * for the rules and where they differ from timescoring). */
#include "detectors/score.h"

#include "base/params.h"
#include "base/vec.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------
 * Parameters: one table drives parsing and description.
 * ------------------------------------------------------------------------ */

const char *const ictus_score_sections[] = {"score", NULL};

#define P(member, lo, hi) ICTUS_PARAM_D("score", #member, ictus_score_params, member, lo, hi)
static const ictus_param param_fields[] = {
    P(merge_gap_s, 0, 1e6),     P(max_event_s, 0, 1e7), P(tol_before_s, 0, 1e6),
    P(tol_after_s, 0, 1e6),     P(min_overlap, 0, 0.999), P(bin_s, 0.001, 86400),
    P(bin_coverage, 0.001, 1),
};
#undef P
#define N_PARAMS (sizeof param_fields / sizeof param_fields[0])

void ictus_score_params_default(ictus_score_params *p)
{
    *p = (ictus_score_params){
        .merge_gap_s = 90,
        .max_event_s = 300,
        .tol_before_s = 30,
        .tol_after_s = 60,
        .min_overlap = 0,
        .bin_s = 1,
        .bin_coverage = 0.5,
    };
}

ictus_status ictus_score_params_apply(ictus_score_params *p, ictus_config *cfg, ictus_error *err)
{
    ictus_status st = ictus_params_apply(param_fields, N_PARAMS, p, cfg, err);
    if (st != ICTUS_OK)
        return st;
    /* A cut into pieces shorter than a second would only multiply events. */
    if (p->max_event_s > 0 && p->max_event_s < 1)
        return ictus_fail(err, ICTUS_ERR_CONFIG, "settings: [score] max_event_s = %g: expected "
                          "0 (never cut) or at least 1 s", p->max_event_s);
    return ICTUS_OK;
}

size_t ictus_score_params_describe(const ictus_score_params *p, char *buf, size_t size)
{
    size_t len = 0;
    ictus_params_describe(param_fields, N_PARAMS, p, buf, size, &len);
    return len;
}

/* ------------------------------------------------------------------------
 * Preparing a side: clip, sort, merge, cut.
 * ------------------------------------------------------------------------ */

static int by_start(const void *a, const void *b)
{
    const ictus_interval *x = a, *y = b;
    if (x->start_s != y->start_s)
        return x->start_s < y->start_s ? -1 : 1;
    return (x->end_s > y->end_s) - (x->end_s < y->end_s);
}

/* A growable array of intervals. */
typedef struct {
    ictus_interval *v;
    size_t n, cap;
} interval_list;

static void list_push(interval_list *l, double start_s, double end_s)
{
    ICTUS_GROW(l->v, l->n + 1, l->cap);
    l->v[l->n++] = (ictus_interval){start_s, end_s};
}

/* Steps 1-3 of score.h on a copy of in[0..n): the result is sorted by start,
 * its events do not overlap (they may touch), and its ends are sorted too.
 * merge_gap_s = 0 joins only overlapping intervals; max_event_s = 0 never
 * cuts.  The caller frees result.v. */
static interval_list prepare(const ictus_interval *in, size_t n, double duration_s,
                             double merge_gap_s, double max_event_s)
{
    interval_list clipped = {ictus_xcalloc(n, sizeof *in), 0, n};
    for (size_t i = 0; i < n; i++) {
        assert(in[i].end_s >= in[i].start_s);
        double s = fmax(in[i].start_s, 0), e = fmin(in[i].end_s, duration_s);
        if (e > s)
            clipped.v[clipped.n++] = (ictus_interval){s, e};
    }
    qsort(clipped.v, clipped.n, sizeof *clipped.v, by_start);

    size_t m = 0;
    for (size_t i = 0; i < clipped.n; i++) {
        if (m > 0 && clipped.v[i].start_s - clipped.v[m - 1].end_s < merge_gap_s)
            clipped.v[m - 1].end_s = fmax(clipped.v[m - 1].end_s, clipped.v[i].end_s);
        else
            clipped.v[m++] = clipped.v[i];
    }
    clipped.n = m;
    if (max_event_s <= 0)
        return clipped;

    interval_list cut = {NULL, 0, 0};
    for (size_t i = 0; i < clipped.n; i++) {
        double s0 = clipped.v[i].start_s, e = clipped.v[i].end_s;
        /* Piece j is [s0 + j max, s0 + (j+1) max]: computed from s0 each time so
         * that consecutive pieces share their end point exactly. */
        for (int64_t j = 0;; j++) {
            double a = s0 + (double)j * max_event_s;
            if (e - a <= max_event_s) {
                list_push(&cut, a, e);
                break;
            }
            list_push(&cut, a, s0 + (double)(j + 1) * max_event_s);
        }
    }
    free(clipped.v);
    return cut;
}

static double overlap_s(ictus_interval a, ictus_interval b)
{
    return fmin(a.end_s, b.end_s) - fmax(a.start_s, b.start_s);
}

/* ------------------------------------------------------------------------
 * Event scoring.
 * ------------------------------------------------------------------------ */

void ictus_score_events(const ictus_interval *ref, size_t n_ref, const ictus_interval *hyp,
                        size_t n_hyp, double duration_s, const ictus_score_params *p,
                        ictus_score_counts *out)
{
    assert(duration_s >= 0 && isfinite(duration_s));
    interval_list r = prepare(ref, n_ref, duration_s, p->merge_gap_s, p->max_event_s);
    interval_list h = prepare(hyp, n_hyp, duration_s, p->merge_gap_s, p->max_event_s);

    /* Windows of the true-positive references.  Window starts and ends are
     * both non-decreasing (those of r are), so one forward pointer into h
     * finds the first detection that can reach each window. */
    ictus_interval *tp_win = ictus_xcalloc(r.n, sizeof *tp_win);
    size_t n_tp = 0, j0 = 0;
    for (size_t i = 0; i < r.n; i++) {
        ictus_interval w = {fmax(r.v[i].start_s - p->tol_before_s, 0),
                            fmin(r.v[i].end_s + p->tol_after_s, duration_s)};
        while (j0 < h.n && h.v[j0].end_s <= w.start_s)
            j0++;
        double covered_s = 0;
        for (size_t j = j0; j < h.n && h.v[j].start_s < w.end_s; j++)
            covered_s += overlap_s(h.v[j], w);
        /* timescoring's test: relative overlap above min_overlap + 1e-6. */
        if (covered_s / (w.end_s - w.start_s) > p->min_overlap + 1e-6)
            tp_win[n_tp++] = w;
    }

    /* A detection is false when no true-positive window overlaps it.  The
     * first window ending after the detection's start has the earliest start
     * of those that can, so it alone decides. */
    int64_t fp = 0;
    size_t k = 0;
    for (size_t j = 0; j < h.n; j++) {
        while (k < n_tp && tp_win[k].end_s <= h.v[j].start_s)
            k++;
        if (k == n_tp || tp_win[k].start_s >= h.v[j].end_s)
            fp++;
    }

    *out = (ictus_score_counts){
        .ref = (int64_t)r.n,
        .hyp = (int64_t)h.n,
        .tp = (int64_t)n_tp,
        .fp = fp,
        .fn = (int64_t)(r.n - n_tp),
        .duration_s = duration_s,
    };
    free(tp_win);
    free(r.v);
    free(h.v);
}

/* ------------------------------------------------------------------------
 * Sample scoring: positive bins as sorted, disjoint ranges [lo, hi), so the
 * cost follows the number of intervals, not the number of bins.
 * ------------------------------------------------------------------------ */

typedef struct {
    int64_t lo, hi;
} bin_range;

/* The sweep over one side's intervals: bins are visited in order; a bin
 * only partly covered by an interval is "pending" until the sweep moves on,
 * so that the next interval can add its share of the same bin. */
typedef struct {
    bin_range *r;
    size_t n, cap;
    int64_t n_bins;
    double need_s;     /* coverage that makes a bin positive */
    int64_t pending;   /* bin being accumulated, or -1 */
    double pending_s;  /* its coverage so far */
} bin_sweep;

/* Append bins [lo, hi) (clamped to the recording), joining a touching range. */
static void sweep_push(bin_sweep *s, int64_t lo, int64_t hi)
{
    lo = lo < 0 ? 0 : lo;
    hi = hi > s->n_bins ? s->n_bins : hi;
    if (lo >= hi)
        return;
    if (s->n > 0 && s->r[s->n - 1].hi == lo) {
        s->r[s->n - 1].hi = hi;
        return;
    }
    ICTUS_GROW(s->r, s->n + 1, s->cap);
    s->r[s->n++] = (bin_range){lo, hi};
}

static void sweep_flush(bin_sweep *s)
{
    if (s->pending >= 0 && s->pending_s >= s->need_s)
        sweep_push(s, s->pending, s->pending + 1);
    s->pending = -1;
}

static void sweep_cover(bin_sweep *s, int64_t bin, double amount_s)
{
    if (bin != s->pending) {
        sweep_flush(s);
        s->pending = bin;
        s->pending_s = 0;
    }
    s->pending_s += amount_s;
}

/* Positive bins of the sorted, non-overlapping intervals in iv.  Returns
 * the number of positive bins; out->r (freed by the caller) holds them as
 * ranges. */
static int64_t positive_bins(const interval_list *iv, int64_t n_bins, const ictus_score_params *p,
                             bin_sweep *out)
{
    const double b = p->bin_s;
    /* The relative slack absorbs rounding in edge arithmetic, so that a bin
     * covered exactly bin_coverage counts as positive. */
    *out = (bin_sweep){NULL, 0, 0, n_bins, p->bin_coverage * b * (1 - 1e-9), -1, 0};
    for (size_t i = 0; i < iv->n; i++) {
        double s = iv->v[i].start_s, e = iv->v[i].end_s;
        int64_t first = (int64_t)floor(s / b), last = (int64_t)ceil(e / b) - 1;
        if (last <= first) {
            sweep_cover(out, first, e - s);
            continue;
        }
        sweep_cover(out, first, (double)(first + 1) * b - s);
        sweep_flush(out);
        sweep_push(out, first + 1, last);
        sweep_cover(out, last, e - (double)last * b);
    }
    sweep_flush(out);
    int64_t total = 0;
    for (size_t i = 0; i < out->n; i++)
        total += out->r[i].hi - out->r[i].lo;
    return total;
}

void ictus_score_samples(const ictus_interval *ref, size_t n_ref, const ictus_interval *hyp,
                         size_t n_hyp, double duration_s, const ictus_score_params *p,
                         ictus_score_counts *out)
{
    assert(duration_s >= 0 && isfinite(duration_s));
    /* timescoring's bin count: round(duration / bin); a last bin that reaches
     * past the end is measured against a whole bin. */
    int64_t n_bins = (int64_t)llround(duration_s / p->bin_s);
    interval_list r = prepare(ref, n_ref, duration_s, 0, 0);
    interval_list h = prepare(hyp, n_hyp, duration_s, 0, 0);
    bin_sweep rb, hb;
    int64_t n_ref_bins = positive_bins(&r, n_bins, p, &rb);
    int64_t n_hyp_bins = positive_bins(&h, n_bins, p, &hb);

    int64_t tp = 0;
    for (size_t i = 0, j = 0; i < rb.n && j < hb.n;) {
        int64_t lo = rb.r[i].lo > hb.r[j].lo ? rb.r[i].lo : hb.r[j].lo;
        int64_t hi = rb.r[i].hi < hb.r[j].hi ? rb.r[i].hi : hb.r[j].hi;
        if (hi > lo)
            tp += hi - lo;
        if (rb.r[i].hi < hb.r[j].hi)
            i++;
        else
            j++;
    }
    *out = (ictus_score_counts){
        .ref = n_ref_bins,
        .hyp = n_hyp_bins,
        .tp = tp,
        .fp = n_hyp_bins - tp,
        .fn = n_ref_bins - tp,
        .duration_s = duration_s,
    };
    free(rb.r);
    free(hb.r);
    free(r.v);
    free(h.v);
}

/* ------------------------------------------------------------------------
 * Metrics.
 * ------------------------------------------------------------------------ */

void ictus_score_counts_add(ictus_score_counts *sum, const ictus_score_counts *c)
{
    sum->ref += c->ref;
    sum->hyp += c->hyp;
    sum->tp += c->tp;
    sum->fp += c->fp;
    sum->fn += c->fn;
    sum->duration_s += c->duration_s;
}

static double ratio(double num, double den)
{
    return den > 0 ? num / den : NAN;
}

ictus_score_metrics ictus_score_metrics_of(const ictus_score_counts *c)
{
    double tp = (double)c->tp, fp = (double)c->fp, fn = (double)c->fn;
    return (ictus_score_metrics){
        .sensitivity = ratio(tp, (double)c->ref),
        .precision = ratio(tp, tp + fp),
        .f1 = ratio(2 * tp, 2 * tp + fp + fn),
        .fp_per_24h = ratio(fp * 86400.0, c->duration_s),
    };
}

/* ------------------------------------------------------------------------
 * Aggregation per animal.
 * ------------------------------------------------------------------------ */

typedef struct {
    char *animal;
    ictus_score_counts counts;
} table_row;

struct ictus_score_table {
    table_row *rows;
    size_t n, cap;
};

ictus_score_table *ictus_score_table_create(void)
{
    return ictus_xcalloc(1, sizeof(ictus_score_table));
}

void ictus_score_table_destroy(ictus_score_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++)
        free(t->rows[i].animal);
    free(t->rows);
    free(t);
}

void ictus_score_table_add(ictus_score_table *t, const char *animal, const ictus_score_counts *c)
{
    assert(c->tp >= 0 && c->fp >= 0 && c->fn >= 0 && c->tp + c->fn == c->ref);
    size_t i = 0;
    while (i < t->n && strcmp(t->rows[i].animal, animal) != 0)
        i++;
    if (i == t->n) {
        ICTUS_GROW(t->rows, t->n + 1, t->cap);
        t->rows[t->n++] = (table_row){ictus_xstrdup(animal), {0}};
    }
    ictus_score_counts_add(&t->rows[i].counts, c);
}

size_t ictus_score_table_count(const ictus_score_table *t)
{
    return t->n;
}

ictus_score_row ictus_score_table_row(const ictus_score_table *t, size_t i)
{
    assert(i < t->n);
    return (ictus_score_row){t->rows[i].animal, t->rows[i].counts,
                             ictus_score_metrics_of(&t->rows[i].counts)};
}

/* Add v to a running sum unless it is NaN. */
static void mean_add(double *sum, int *n, double v)
{
    if (!isnan(v)) {
        *sum += v;
        (*n)++;
    }
}

static double mean_of(double sum, int n)
{
    return n > 0 ? sum / n : NAN;
}

ictus_score_summary ictus_score_table_summary(const ictus_score_table *t)
{
    ictus_score_summary s = {.n_animals = (int)t->n};
    ictus_score_metrics sum = {0, 0, 0, 0};
    for (size_t i = 0; i < t->n; i++) {
        ictus_score_counts_add(&s.total, &t->rows[i].counts);
        ictus_score_metrics m = ictus_score_metrics_of(&t->rows[i].counts);
        mean_add(&sum.sensitivity, &s.n_mean.sensitivity, m.sensitivity);
        mean_add(&sum.precision, &s.n_mean.precision, m.precision);
        mean_add(&sum.f1, &s.n_mean.f1, m.f1);
        mean_add(&sum.fp_per_24h, &s.n_mean.fp_per_24h, m.fp_per_24h);
    }
    s.pooled = ictus_score_metrics_of(&s.total);
    s.mean = (ictus_score_metrics){
        .sensitivity = mean_of(sum.sensitivity, s.n_mean.sensitivity),
        .precision = mean_of(sum.precision, s.n_mean.precision),
        .f1 = mean_of(sum.f1, s.n_mean.f1),
        .fp_per_24h = mean_of(sum.fp_per_24h, s.n_mean.fp_per_24h),
    };
    return s;
}
