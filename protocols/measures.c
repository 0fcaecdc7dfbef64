/* measures.c: counts, rates, burden, durations, intervals and hours of day over spans of time. */
#include "protocols/measures.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/walltime.h"
#include "protocols/stats.h"

#define S_PER_24H 86400.0

/* ------------------------------------------------------------------------
 * Seizure lists
 * ---------------------------------------------------------------------- */

static int by_start(const void *a, const void *b)
{
    const ictus_seizure *x = a, *y = b;
    if (x->start_us != y->start_us)
        return x->start_us < y->start_us ? -1 : 1;
    return (x->end_us < y->end_us) - (x->end_us > y->end_us); /* longer first */
}

size_t ictus_seizures_merge(ictus_seizure *sz, size_t n)
{
    if (n == 0)
        return 0;
    qsort(sz, n, sizeof *sz, by_start);
    size_t kept = 0;
    for (size_t i = 1; i < n; i++) {
        if (sz[i].start_us < sz[kept].end_us) {
            if (sz[i].end_us > sz[kept].end_us)
                sz[kept].end_us = sz[i].end_us;
        } else {
            sz[++kept] = sz[i];
        }
    }
    return kept + 1;
}

/* ------------------------------------------------------------------------
 * Timelines
 * ---------------------------------------------------------------------- */

ictus_status ictus_timeline_build(const ictus_seizure *sz, size_t n, int64_t t0_us, int64_t t1_us,
                                  ictus_analysable_fn fn, void *ctx, ictus_timeline *tl,
                                  ictus_error *err)
{
    assert(t1_us > t0_us);
    *tl = (ictus_timeline){.start_us = t0_us, .end_us = t1_us};
    size_t first = 0;
    while (first < n && sz[first].start_us < t0_us)
        first++;
    size_t last = first;
    while (last < n && sz[last].start_us < t1_us)
        last++;
    tl->n = last - first;
    tl->seizures = sz + first;
    tl->onset_s = ictus_xmalloc((tl->n ? tl->n : 1) * sizeof *tl->onset_s);
    /* Piece by piece from one onset to the next: each query reads only the
     * stretch it needs, and the pieces add up (the store's time is additive). */
    int64_t from_us = t0_us;
    double sum_s = 0;
    for (size_t i = 0; i <= tl->n; i++) {
        int64_t to_us = i < tl->n ? tl->seizures[i].start_us : t1_us;
        double piece_s = 0;
        ictus_status st = fn(ctx, from_us, to_us, &piece_s, err);
        if (st != ICTUS_OK) {
            ictus_timeline_clear(tl);
            return st;
        }
        sum_s += piece_s;
        if (i < tl->n)
            tl->onset_s[i] = sum_s;
        from_us = to_us;
    }
    tl->analysable_s = sum_s;
    return ICTUS_OK;
}

void ictus_timeline_clear(ictus_timeline *tl)
{
    free(tl->onset_s);
    *tl = (ictus_timeline){0};
}

/* ------------------------------------------------------------------------
 * Measures
 * ---------------------------------------------------------------------- */

static bool counts(const ictus_seizure *s, int type)
{
    return type == ICTUS_ALL_TYPES || s->type == type;
}

/* Median of v[0..n) (n ≥ 1), NaN for n = 0. */
static double median_of(const double *v, size_t n)
{
    double m = NAN;
    ictus_error err;
    if (n && ictus_stats_median(v, n, &m, &err) != ICTUS_OK)
        assert(!"median of finite values cannot fail");
    return m;
}

void ictus_measures_compute(const ictus_timeline *const *tls, int n_tls, int type,
                            double cluster_gap_s, ictus_measures *m)
{
    memset(m, 0, sizeof *m);
    size_t total = 0;
    for (int k = 0; k < n_tls; k++)
        total += tls[k]->n;
    double *durations = ictus_xmalloc((total ? total : 1) * sizeof *durations);
    double *isi = ictus_xmalloc((total ? total : 1) * sizeof *isi);
    size_t n_isi = 0;
    for (int k = 0; k < n_tls; k++) {
        const ictus_timeline *tl = tls[k];
        m->span_s += ictus_us_to_s(tl->end_us - tl->start_us);
        m->analysable_s += tl->analysable_s;
        bool have_previous = false;
        double previous_onset_s = 0;
        for (size_t i = 0; i < tl->n; i++) {
            const ictus_seizure *s = &tl->seizures[i];
            if (!counts(s, type))
                continue;
            durations[m->count++] = ictus_us_to_s(s->end_us - s->start_us);
            int hour;
            ictus_walltime_to_civil(s->start_us, NULL, NULL, NULL, &hour, NULL, NULL, NULL);
            m->count_by_hour[hour]++;
            if (have_previous)
                isi[n_isi++] = tl->onset_s[i] - previous_onset_s;
            previous_onset_s = tl->onset_s[i];
            have_previous = true;
        }
    }
    double seizure_s = 0, isi_sum = 0, longest = 0;
    int64_t clustered = 0;
    for (int64_t i = 0; i < m->count; i++)
        seizure_s += durations[i];
    for (size_t i = 0; i < n_isi; i++) {
        isi_sum += isi[i];
        longest = isi[i] > longest ? isi[i] : longest;
        clustered += isi[i] < cluster_gap_s;
    }
    m->seizure_s = seizure_s;
    bool observed = m->analysable_s > 0;
    m->rate_per_24h = observed ? (double)m->count / m->analysable_s * S_PER_24H : NAN;
    m->burden_s_per_24h = observed ? seizure_s / m->analysable_s * S_PER_24H : NAN;
    m->burden_pct = observed ? seizure_s / m->analysable_s * 100 : NAN;
    m->mean_duration_s = m->count ? seizure_s / (double)m->count : NAN;
    m->median_duration_s = median_of(durations, (size_t)m->count);
    m->n_isi = (int64_t)n_isi;
    m->longest_isi_s = n_isi ? longest : NAN;
    m->median_isi_s = median_of(isi, n_isi);
    m->cluster_share = n_isi ? (double)clustered / (double)n_isi : NAN;
    m->isi_cv = NAN;
    double mean = n_isi ? isi_sum / (double)n_isi : 0;
    if (n_isi >= 2 && mean > 0) {
        double ss = 0;
        for (size_t i = 0; i < n_isi; i++)
            ss += (isi[i] - mean) * (isi[i] - mean);
        m->isi_cv = sqrt(ss / (double)(n_isi - 1)) / mean;
    }
    free(durations);
    free(isi);
}

double ictus_pct_change(double rate, double reference_rate)
{
    if (!isfinite(rate) || !isfinite(reference_rate) || reference_rate <= 0)
        return NAN;
    return (rate - reference_rate) / reference_rate * 100;
}
