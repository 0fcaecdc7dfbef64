/* analysable_cache.c: analysable time per elementary stretch, asked once. */
#include "protocols/analysable_cache.h"

#include <stdlib.h>

#include "base/vec.h"

static int cmp_time(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

ictus_status ictus_analysable_cache_build(ictus_analysable_cache *c, int64_t *points, size_t n,
                                          ictus_analysable_fn fn, void *ctx, ictus_error *err)
{
    *c = (ictus_analysable_cache){.fn = fn, .ctx = ctx};
    if (n > 1)
        qsort(points, n, sizeof *points, cmp_time);
    c->cuts = ictus_xmalloc((n ? n : 1) * sizeof *c->cuts);
    for (size_t i = 0; i < n; i++)
        if (c->n_cuts == 0 || points[i] != c->cuts[c->n_cuts - 1])
            c->cuts[c->n_cuts++] = points[i];
    c->stretch_s = ictus_xmalloc((c->n_cuts ? c->n_cuts : 1) * sizeof *c->stretch_s);
    for (size_t i = 0; i + 1 < c->n_cuts; i++) {
        ictus_status st = fn(ctx, c->cuts[i], c->cuts[i + 1], &c->stretch_s[i], err);
        if (st != ICTUS_OK) {
            ictus_analysable_cache_clear(c);
            return st;
        }
    }
    return ICTUS_OK;
}

/* The index of cut point t, or -1 when t is not one. */
static ptrdiff_t find_cut(const ictus_analysable_cache *c, int64_t t)
{
    size_t lo = 0, hi = c->n_cuts;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->cuts[mid] < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < c->n_cuts && c->cuts[lo] == t ? (ptrdiff_t)lo : -1;
}

ictus_status ictus_analysable_cached(void *ctx, int64_t t0_us, int64_t t1_us, double *seconds,
                                     ictus_error *err)
{
    const ictus_analysable_cache *c = ctx;
    ptrdiff_t i = find_cut(c, t0_us), j = find_cut(c, t1_us);
    if (i < 0 || j < 0 || j < i)
        return c->fn(c->ctx, t0_us, t1_us, seconds, err);
    double sum = 0;
    for (ptrdiff_t k = i; k < j; k++)
        sum += c->stretch_s[k];
    *seconds = sum;
    return ICTUS_OK;
}

void ictus_analysable_cache_clear(ictus_analysable_cache *c)
{
    free(c->cuts);
    free(c->stretch_s);
    *c = (ictus_analysable_cache){0};
}
