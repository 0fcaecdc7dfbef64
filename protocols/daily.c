/* daily.c: out/daily.csv, seizures per animal per calendar day and type. */
#include "protocols/daily.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/outfile.h"
#include "base/vec.h"
#include "base/walltime.h"

#define US_PER_DAY ICTUS_US_PER_DAY
#define S_PER_HOUR 3600.0

ictus_daily *ictus_daily_create(void)
{
    return ictus_xcalloc(1, sizeof(ictus_daily));
}

void ictus_daily_destroy(ictus_daily *d)
{
    if (!d)
        return;
    free(d->rows);
    free(d);
}

/* ------------------------------------------------------------------------
 * Days and their parts
 * ---------------------------------------------------------------------- */

/* Naive clock: every day is 24 h. */
int64_t ictus_daily_day_start(int64_t t_us)
{
    int64_t q = t_us / US_PER_DAY;
    if (t_us % US_PER_DAY != 0 && t_us < 0)
        q--;
    return q * US_PER_DAY;
}

static int cmp_time(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The cut points of day [d0, d1): d0, every period start or end strictly
 * inside, d1; sorted and distinct into cuts[] (room for 2 + 2 × n_periods).
 * Returns how many. */
static int day_cuts(const ictus_animal *animal, int64_t d0, int64_t d1, int64_t *cuts)
{
    int n = 0;
    cuts[n++] = d0;
    cuts[n++] = d1;
    for (int p = 0; p < animal->n_periods; p++) {
        const int64_t edge[2] = {animal->periods[p].start_us, animal->periods[p].end_us};
        for (int k = 0; k < 2; k++)
            if (edge[k] > d0 && edge[k] < d1)
                cuts[n++] = edge[k];
    }
    qsort(cuts, (size_t)n, sizeof *cuts, cmp_time);
    int m = 0;
    for (int i = 0; i < n; i++)
        if (m == 0 || cuts[i] != cuts[m - 1])
            cuts[m++] = cuts[i];
    return m;
}

/* The rows of one part [t0, t1) of a day, unless it has neither analysable
 * time nor a seizure start.  sz[*next..n) are the seizures not yet placed
 * (sorted by start): those starting before t1 are this part's.  Counting
 * is periods.csv's (measures.h) without the intervals, so one question to
 * the store per part is enough. */
static ictus_status add_part(ictus_daily *d, const ictus_animal *animal, int a, int n_types,
                             const ictus_seizure *sz, size_t n, size_t *next, int64_t t0,
                             int64_t t1, ictus_analysable_fn fn, void *ctx, ictus_error *err)
{
    while (*next < n && sz[*next].start_us < t0)
        ++*next; /* before the first day: cannot happen, the days cover every start */
    size_t first = *next;
    while (*next < n && sz[*next].start_us < t1)
        ++*next;
    double analysable_s = 0;
    ictus_status st = fn(ctx, t0, t1, &analysable_s, err);
    if (st != ICTUS_OK || (analysable_s <= 0 && *next == first))
        return st;
    const ictus_period *period = ictus_animal_period_at(animal, t0);
    size_t row0 = d->n_rows;
    for (int t = 0; t < n_types; t++) {
        ICTUS_GROW(d->rows, d->n_rows + 1, d->cap_rows_);
        d->rows[d->n_rows++] = (ictus_daily_row){
            .animal = a,
            .period = period ? (int)(period - animal->periods) : -1,
            .start_us = t0,
            .end_us = t1,
            .type = t,
            .analysable_s = analysable_s,
        };
    }
    for (size_t i = first; i < *next; i++) {
        double seconds = ictus_us_to_s(sz[i].end_us - sz[i].start_us);
        ictus_daily_row *all = &d->rows[row0], *own = &d->rows[row0 + (size_t)sz[i].type];
        all->count++;
        all->seizure_s += seconds;
        if (own != all) {
            own->count++;
            own->seizure_s += seconds;
        }
    }
    return ICTUS_OK;
}

ictus_status ictus_daily_add_animal(ictus_daily *d, const ictus_animal *animal, int a,
                                    int n_types, const ictus_seizure *sz, size_t n,
                                    int64_t first_us, int64_t last_us, ictus_analysable_fn fn,
                                    void *ctx, ictus_error *err)
{
    int64_t *cuts = ictus_xmalloc((size_t)(2 + 2 * animal->n_periods) * sizeof *cuts);
    ictus_status st = ICTUS_OK;
    size_t next = 0;
    for (int64_t d0 = ictus_daily_day_start(first_us); d0 < last_us && st == ICTUS_OK;
         d0 += US_PER_DAY) {
        int n_cuts = day_cuts(animal, d0, d0 + US_PER_DAY, cuts);
        for (int i = 0; i + 1 < n_cuts && st == ICTUS_OK; i++)
            st = add_part(d, animal, a, n_types, sz, n, &next, cuts[i], cuts[i + 1], fn, ctx,
                          err);
    }
    free(cuts);
    return st;
}

/* ------------------------------------------------------------------------
 * Writing
 * ---------------------------------------------------------------------- */

static void time_field(ictus_out *o, int64_t t_us)
{
    char buf[32];
    ictus_out_char(o, ',');
    ictus_out_str(o, ictus_walltime_format(t_us, buf, sizeof buf));
}

void ictus_daily_write_csv(ictus_out *o, const ictus_daily *d, const ictus_study *study,
                           const char (*types)[ICTUS_TYPE_MAX], const char *settings_hash)
{
    ictus_out_str(o, "date,animal,group,period,kind,drug,dose_mg_kg,start,end,type,count,"
                     "seizure_s,analysable_h,settings_hash\n");
    for (size_t i = 0; d && i < d->n_rows; i++) {
        const ictus_daily_row *r = &d->rows[i];
        const ictus_animal *animal = &study->animals[r->animal];
        const ictus_period *p = r->period >= 0 ? &animal->periods[r->period] : NULL;
        int y, mo, day;
        ictus_walltime_to_civil(r->start_us, &y, &mo, &day, NULL, NULL, NULL, NULL);
        ictus_out_printf(o, "%04d-%02d-%02d", y, mo, day);
        ictus_outfile_text(o, animal->id);
        ictus_outfile_text(o, animal->group);
        ictus_outfile_count(o, p ? r->period + 1 : -1);
        ictus_outfile_text(o, p ? ictus_period_kind_name(p->kind) : "");
        ictus_outfile_text(o, p ? p->drug : "");
        ictus_outfile_number(o, p ? p->dose_mg_kg : NAN);
        time_field(o, r->start_us);
        time_field(o, r->end_us);
        ictus_outfile_text(o, types[r->type]);
        ictus_outfile_count(o, r->count);
        ictus_outfile_number(o, r->seizure_s);
        ictus_outfile_number(o, r->analysable_s / S_PER_HOUR);
        ictus_outfile_text(o, settings_hash);
        ictus_out_char(o, '\n');
    }
}
