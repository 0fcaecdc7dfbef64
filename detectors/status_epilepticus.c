/* status_epilepticus.c: activity runs, the segments held beside them, and
 * which episodes are status epilepticus (status_epilepticus.h). */
#include "detectors/status_epilepticus.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/vec.h"
#include "base/walltime.h"

typedef struct {
    int64_t start_us, end_us;
    double ratio;
} ratio_win;

typedef struct {
    int64_t start_us, end_us;
} run;

struct ictus_se {
    const ictus_detector_params *p;
    ictus_se_emit_fn fn;
    void *ctx;
    FILE *explain;
    int64_t gap_us;          /* max_gap_s */
    int64_t min_long_us;     /* the shorter threshold */

    /* the mean ratio over the last max_gap_s */
    ratio_win *ring;
    int ring_cap, ring_n, ring_head;
    double ring_sum;
    int64_t last_high_end;   /* end of the last window at return_ratio or more, -1: none */
    int64_t decided_us;      /* end of the last window seen, -1: none */

    bool open;               /* a run is open */
    run cur;
    run *runs;               /* closed long runs segments may still belong to */
    int n_runs;
    size_t cap_runs;

    ictus_se_segment *seg;   /* held segments, in time order */
    int n_seg;
    size_t cap_seg;
    int64_t horizon_us;
};

bool ictus_se_enabled(const ictus_detector_params *p)
{
    return p->se_convulsive_min_s > 0 || p->se_focal_min_s > 0;
}

double ictus_se_min_long_s(const ictus_detector_params *p)
{
    double c = p->se_convulsive_min_s, f = p->se_focal_min_s;
    if (c <= 0)
        return f;
    if (f <= 0)
        return c;
    return c < f ? c : f;
}

ictus_se *ictus_se_create(const ictus_detector_params *p, int64_t hop_us, ictus_se_emit_fn fn,
                          void *ctx)
{
    ictus_se *se = ictus_xcalloc(1, sizeof *se);
    se->p = p;
    se->fn = fn;
    se->ctx = ctx;
    se->gap_us = ictus_s_to_us(p->se_max_gap_s);
    se->min_long_us = ictus_s_to_us(ictus_se_min_long_s(p));
    se->ring_cap = (int)(se->gap_us / hop_us);
    if (se->ring_cap < 1)
        se->ring_cap = 1;
    se->ring = ictus_xcalloc((size_t)se->ring_cap, sizeof(ratio_win));
    se->last_high_end = -1;
    se->decided_us = -1;
    se->horizon_us = INT64_MIN;
    return se;
}

void ictus_se_destroy(ictus_se *se)
{
    if (!se)
        return;
    free(se->ring);
    free(se->runs);
    free(se->seg);
    free(se);
}

void ictus_se_explain(ictus_se *se, FILE *f)
{
    se->explain = f;
}

/* ------------------------------------------------------------------------
 * Runs
 * ------------------------------------------------------------------------ */

static void close_run(ictus_se *se)
{
    if (!se->open)
        return;
    se->open = false;
    if (se->cur.end_us - se->cur.start_us < se->min_long_us)
        return;
    ICTUS_GROW(se->runs, se->n_runs + 1, se->cap_runs);
    se->runs[se->n_runs++] = se->cur;
}

void ictus_se_break(ictus_se *se)
{
    close_run(se);
    se->ring_n = se->ring_head = 0;
    se->ring_sum = 0;
}

void ictus_se_window(ictus_se *se, int64_t start_us, int64_t end_us, double ratio)
{
    const double rr = se->p->se_return_ratio;
    double r = isfinite(ratio) && ratio > 0 ? ratio : 0;
    int slot = (se->ring_head + se->ring_n) % se->ring_cap;
    if (se->ring_n == se->ring_cap) {
        se->ring_sum -= se->ring[se->ring_head].ratio;
        se->ring_head = (se->ring_head + 1) % se->ring_cap;
    } else {
        se->ring_n++;
    }
    se->ring[slot] = (ratio_win){start_us, end_us, r};
    se->ring_sum += r;
    se->decided_us = end_us;
    if (r >= rr)
        se->last_high_end = end_us;
    /* the mean over the whole span: windows not yet seen count as 0 */
    bool high = se->ring_sum / se->ring_cap >= rr;
    if (high && !se->open) {
        se->open = true;
        for (int i = 0; i < se->ring_n; i++) {
            const ratio_win *w = &se->ring[(se->ring_head + i) % se->ring_cap];
            if (w->ratio >= rr) {
                se->cur.start_us = w->start_us;
                break;
            }
        }
    }
    if (high)
        se->cur.end_us = se->last_high_end;
    else
        close_run(se);
}

/* ------------------------------------------------------------------------
 * Episodes
 * ------------------------------------------------------------------------ */

static void emit_segment(ictus_se *se, const ictus_se_segment *s)
{
    if (s->seizure)
        se->fn(se->ctx, s->start_us, s->end_us, s->channel, s->type, s->score);
}

/* Run r with the first n held segments (those that overlap it). */
static void decide_episode(ictus_se *se, const run *r, int n)
{
    double total = 0, conv = 0;
    int64_t start = r->start_us, end = r->end_us;
    for (int i = 0; i < n; i++) {
        double d = ictus_us_to_s(se->seg[i].end_us - se->seg[i].start_us);
        total += d;
        if (!strcmp(se->seg[i].type, ICTUS_SE_CONVULSIVE_TYPE))
            conv += d;
        if (se->seg[i].start_us < start)
            start = se->seg[i].start_us;
        if (se->seg[i].end_us > end)
            end = se->seg[i].end_us;
    }
    bool convulsive = total > 0 && 2 * conv >= total;
    double threshold = convulsive ? se->p->se_convulsive_min_s : se->p->se_focal_min_s;
    double span_s = ictus_us_to_s(end - start);
    if (n > 0 && threshold > 0 && span_s >= threshold) {
        const char *channel = se->seg[0].channel;
        double score = 0;
        int n_seizures = 0;
        for (int i = 0; i < n; i++) {
            if (strcmp(se->seg[i].channel, channel) != 0)
                channel = "*";
            if (se->seg[i].score > score)
                score = se->seg[i].score;
            n_seizures += se->seg[i].seizure;
        }
        se->fn(se->ctx, start, end, channel, ICTUS_SE_TYPE, score);
        if (se->explain)
            fprintf(se->explain, "status epilepticus %.3f-%.3f s (%.1f s >= %s %g s): activity "
                    "%.3f-%.3f s, %d segments (%d accepted as seizures), score %.3f\n",
                    start / 1e6, end / 1e6, span_s,
                    convulsive ? "convulsive_min_s" : "focal_min_s", threshold,
                    r->start_us / 1e6, r->end_us / 1e6, n, n_seizures, score);
    } else {
        for (int i = 0; i < n; i++)
            emit_segment(se, &se->seg[i]);
    }
    memmove(se->seg, se->seg + n, (size_t)(se->n_seg - n) * sizeof *se->seg);
    se->n_seg -= n;
}

/* The closed long run segment s overlaps, or NULL. */
static const run *long_run_of(const ictus_se *se, const ictus_se_segment *s)
{
    for (int i = 0; i < se->n_runs; i++)
        if (s->start_us < se->runs[i].end_us && s->end_us > se->runs[i].start_us)
            return &se->runs[i];
    return NULL;
}

/* Decide the held segments that can be decided (all of them when flush). */
static void decide(ictus_se *se, bool flush)
{
    while (se->n_seg > 0) {
        const ictus_se_segment *s = &se->seg[0];
        if (!flush) {
            if (se->decided_us < s->end_us + se->gap_us)
                break; /* a run over it may still open */
            if (se->open && se->cur.start_us < s->end_us)
                break; /* in a run still open */
        }
        const run *r = long_run_of(se, s);
        if (!r) {
            emit_segment(se, s);
            memmove(se->seg, se->seg + 1, (size_t)(se->n_seg - 1) * sizeof *se->seg);
            se->n_seg--;
            continue;
        }
        if (!flush && se->horizon_us <= r->end_us)
            break; /* a segment of the run may still come */
        int n = 1;
        while (n < se->n_seg && se->seg[n].start_us < r->end_us)
            n++;
        run copy = *r;
        decide_episode(se, &copy, n);
    }
    /* runs no segment can overlap any more */
    int64_t limit = se->n_seg > 0 && se->seg[0].start_us < se->horizon_us ? se->seg[0].start_us
                                                                          : se->horizon_us;
    int kept = 0;
    for (int i = 0; i < se->n_runs; i++)
        if (flush ? false : se->runs[i].end_us > limit)
            se->runs[kept++] = se->runs[i];
    se->n_runs = kept;
}

void ictus_se_add(ictus_se *se, const ictus_se_segment *s)
{
    ICTUS_GROW(se->seg, se->n_seg + 1, se->cap_seg);
    se->seg[se->n_seg++] = *s;
}

void ictus_se_advance(ictus_se *se, int64_t horizon_us)
{
    se->horizon_us = horizon_us;
    decide(se, false);
}

void ictus_se_flush(ictus_se *se)
{
    close_run(se);
    se->horizon_us = INT64_MAX;
    decide(se, true);
}

int64_t ictus_se_open_start_us(const ictus_se *se)
{
    return se->n_seg > 0 ? se->seg[0].start_us : INT64_MAX;
}
