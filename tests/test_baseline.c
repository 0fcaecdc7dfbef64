/* test_baseline.c: the drifting robust baseline: per-minute medians, then a
 * quantile of the minutes kept, against a brute-force reference (sorting,
 * numpy's linear interpolation). */
#include "detectors/baseline.h"

#include <stdlib.h>

#include "tests/check.h"

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double brute_median(const double *v, int n)
{
    double *c = malloc((size_t)n * sizeof *c);
    memcpy(c, v, (size_t)n * sizeof *c);
    qsort(c, (size_t)n, sizeof *c, cmp);
    double m = n % 2 ? c[n / 2] : 0.5 * (c[n / 2 - 1] + c[n / 2]);
    free(c);
    return m;
}

static double brute_quantile(const double *v, int n, double q)
{
    double *c = malloc((size_t)n * sizeof *c);
    memcpy(c, v, (size_t)n * sizeof *c);
    qsort(c, (size_t)n, sizeof *c, cmp);
    double pos = q * (n - 1);
    int k = (int)floor(pos);
    double r = k + 1 < n ? c[k] + (pos - k) * (c[k + 1] - c[k]) : c[k];
    free(c);
    return r;
}

static uint64_t rng = 7;
static double uniform(void)
{
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(rng >> 11) / 9007199254740992.0;
}

int main(void)
{
    for (int capacity = 1; capacity <= 64; capacity = capacity * 3 + 1) {
        ictus_baseline *b = ictus_baseline_create(capacity);
        CHECK(isnan(ictus_baseline_quantile(b, 0.5)));
        double minutes[400];
        int n_minutes = 0;
        for (int64_t minute = 0; minute < 150; minute++) {
            int per = 1 + (int)(uniform() * 60) + (minute % 7 == 0 ? 1 : 0);
            double v[64];
            for (int i = 0; i < per; i++) {
                /* ties and a drift; every tenth minute an outlier burst */
                v[i] = floor(uniform() * 8) + 0.01 * (double)minute + (i % 10 == 0 ? 50 : 0);
                ictus_baseline_add(b, minute, v[i]);
            }
            ictus_baseline_add(b, minute, NAN); /* ignored */
            ictus_baseline_add(b, minute, INFINITY);
            minutes[n_minutes++] = brute_median(v, per);
            int kept = n_minutes - 1 < capacity ? n_minutes - 1 : capacity; /* current minute open */
            CHECK_INT(ictus_baseline_minutes(b), kept);
            if (kept == 0)
                continue;
            const double *last = minutes + (n_minutes - 1 - kept);
            CHECK_NEAR(ictus_baseline_quantile(b, 0.5), brute_median(last, kept), 0, 1e-12);
            for (double q = 0.05; q < 1; q += 0.15) /* also after a cached call */
                CHECK_NEAR(ictus_baseline_quantile(b, q), brute_quantile(last, kept, q), 0, 1e-12);
            CHECK_NEAR(ictus_baseline_quantile(b, 0.5), brute_median(last, kept), 0, 1e-12);
        }
        ictus_baseline_flush(b);
        CHECK_INT(ictus_baseline_minutes(b), n_minutes < capacity ? n_minutes : capacity);
        ictus_baseline_destroy(b);
    }
    /* The defaults' ring (6 h + 30 min = 390 minutes) over a day, one value a
     * minute, many ties (a coarse grid), filled and overwritten nearly four
     * times: every quantile the same double as sorting the minutes kept
     * gives (the ring is kept sorted; order statistics are unique values). */
    {
        enum { CAP = 390, MINUTES = 1440 };
        ictus_baseline *day = ictus_baseline_create(CAP);
        static double kept[MINUTES];
        for (int64_t minute = 0; minute < MINUTES; minute++) {
            kept[minute] = floor(uniform() * 40) / 8 - 2 + (minute % 97 == 0 ? 30 : 0);
            ictus_baseline_add(day, minute, kept[minute]);
            ictus_baseline_flush(day);
            int n = minute + 1 < CAP ? (int)minute + 1 : CAP;
            const double *last = kept + (minute + 1 - n);
            CHECK(ictus_baseline_quantile(day, 0.5) == brute_quantile(last, n, 0.5));
            CHECK(ictus_baseline_quantile(day, 0.37) == brute_quantile(last, n, 0.37));
            CHECK(ictus_baseline_quantile(day, 1) == brute_quantile(last, n, 1));
        }
        ictus_baseline_destroy(day);
    }
    /* one value: every quantile is it */
    ictus_baseline *b = ictus_baseline_create(10);
    ictus_baseline_add(b, 0, 3.5);
    ictus_baseline_flush(b);
    CHECK_NEAR(ictus_baseline_quantile(b, 0.5), 3.5, 0, 0);
    CHECK_NEAR(ictus_baseline_quantile(b, 0.1), 3.5, 0, 0);
    ictus_baseline_destroy(b);
    ictus_baseline_destroy(NULL);
    return check_done("test_baseline");
}
