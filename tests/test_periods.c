/* test_periods.c: conditions, reference baselines (periods.c) and measures (measures.c).
 *
 * Proves, on hand-built animals and seizures whose answers are worked out
 * in the comments:
 *   - plans: periods become conditions (baseline pooled; the same drug, dose
 *     and route ignoring case pooled across blocks; the same drug at another
 *     dose apart; every vehicle pooled, names joined; washout in none),
 *     ordered by first start; tolerability merges (no wins, yes only when
 *     all say yes); calendar spans; reference baselines under "all" and
 *     "preceding" (per period and unioned per condition; none before the
 *     first baseline; none for a baseline); an animal without periods;
 *   - condition keys: order baseline < vehicle < treatments by drug, dose,
 *     route; equality ignoring case;
 *   - seizures: overlapping ones merge (type of the earliest), touching ones
 *     do not;
 *   - measures over one span with a gap in analysable time: count by start
 *     (a seizure straddling the end counts with its whole duration, one
 *     starting before does not), rate per analysable 24 h, burden, mean and
 *     median duration, ISIs in analysable time (longest, median, CV against
 *     a direct two-pass formula, cluster share on both sides of the gap
 *     setting), hours of day, per type; pooled spans never make an ISI across
 *     spans; no timeline and no analysable time give NaN rates; the
 *     analysable-time function is called once per stretch and its error
 *     propagates;
 *   - % change: −50 for half the rate, NaN for a zero or missing reference.
 * Tolerances: exact for counts; 1e-12 relative for rates and times.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "protocols/measures.h"
#include "protocols/periods.h"
#include "base/walltime.h"
#include "tests/check.h"

#define H_US (INT64_C(3600) * ICTUS_US_PER_S)
#define DAY_US (24 * H_US)

static int64_t t0_us; /* 2026-01-05T00:00 */

static int64_t day(double d) { return t0_us + (int64_t)llround(d * (double)DAY_US); }

static ictus_period period(ictus_period_kind kind, const char *drug, double dose, const char *route,
                           double d0, double d1, ictus_tolerated tol)
{
    return (ictus_period){.kind = kind, .drug = drug, .dose_mg_kg = dose,
                          .target_dose_mg_kg = kind == ICTUS_PERIOD_TREATMENT ? 20 : NAN,
                          .route = route, .start_us = day(d0), .end_us = day(d1),
                          .tolerated = tol, .plasma_level = NAN, .line = (int)d0 + 2};
}

/* ------------------------------------------------------------------------
 * Plans
 * ---------------------------------------------------------------------- */

static ictus_period sequence[10];

static ictus_animal sequential_animal(void)
{
    const ictus_tolerated Y = ICTUS_TOLERATED_YES, N = ICTUS_TOLERATED_NO,
                          U = ICTUS_TOLERATED_UNKNOWN;
    sequence[0] = period(ICTUS_PERIOD_BASELINE, "", NAN, "", 0, 3, U);
    sequence[1] = period(ICTUS_PERIOD_VEHICLE, "saline", NAN, "ip", 3, 5, Y);
    sequence[2] = period(ICTUS_PERIOD_WASHOUT, "", NAN, "", 5, 6, U);
    sequence[3] = period(ICTUS_PERIOD_TREATMENT, "CBZ", 20, "ip", 6, 9, Y);
    sequence[4] = period(ICTUS_PERIOD_WASHOUT, "CBZ", NAN, "", 9, 10, U);
    sequence[5] = period(ICTUS_PERIOD_TREATMENT, "cbz", 40, "IP", 10, 13, U);
    sequence[6] = period(ICTUS_PERIOD_BASELINE, "", NAN, "", 13, 15, U);
    sequence[7] = period(ICTUS_PERIOD_TREATMENT, "Cbz", 20, "IP", 15, 18, N);
    sequence[8] = period(ICTUS_PERIOD_VEHICLE, "DMSO", NAN, "", 18, 19, Y);
    sequence[9] = period(ICTUS_PERIOD_TREATMENT, "LEV", 50, "po", 19, 22, Y);
    return (ictus_animal){.id = "m1", .group = "A", .n_periods = 10, .periods = sequence};
}

static void check_mask(const bool *mask, int n, const char *expected)
{
    char got[16] = "";
    for (int i = 0; i < n; i++)
        got[i] = mask[i] ? '1' : '0';
    CHECK_STR(got, expected);
}

static void test_plan_conditions(void)
{
    ictus_animal a = sequential_animal();
    ictus_plan plan;
    ictus_plan_build(&a, ICTUS_BASELINE_ALL, &plan);
    CHECK_INT(plan.n_conditions, 5);
    if (plan.n_conditions != 5)
        return;
    const ictus_condition *base = &plan.conditions[0], *veh = &plan.conditions[1],
                          *cbz20 = &plan.conditions[2], *cbz40 = &plan.conditions[3],
                          *lev = &plan.conditions[4];
    CHECK_INT(base->kind, ICTUS_PERIOD_BASELINE);
    CHECK_INT(base->n_periods, 2);
    CHECK_INT(base->periods[0], 0);
    CHECK_INT(base->periods[1], 6);
    CHECK_INT(base->span_us, 5 * DAY_US);
    check_mask(base->reference, 10, "0000000000");

    CHECK_INT(veh->kind, ICTUS_PERIOD_VEHICLE);
    CHECK_STR(veh->drug, "saline|DMSO");
    CHECK_INT(veh->n_periods, 2);
    CHECK(isnan(veh->dose_mg_kg));
    CHECK_STR(veh->route, "");
    CHECK_INT(veh->tolerated, ICTUS_TOLERATED_YES);
    check_mask(veh->reference, 10, "1000001000");

    /* CBZ 20 ip: periods 3 and 7 (case differs), yes + no = no; 6 days. */
    CHECK_INT(cbz20->kind, ICTUS_PERIOD_TREATMENT);
    CHECK_STR(cbz20->drug, "CBZ");
    CHECK_INT(cbz20->n_periods, 2);
    CHECK_INT(cbz20->periods[0], 3);
    CHECK_INT(cbz20->periods[1], 7);
    CHECK_INT(cbz20->tolerated, ICTUS_TOLERATED_NO);
    CHECK_INT(cbz20->span_us, 6 * DAY_US);
    CHECK_INT(cbz20->first_start_us, day(6));
    CHECK_INT(cbz20->last_end_us, day(18));
    CHECK_NEAR(cbz20->target_dose_mg_kg, 20, 0, 0);
    check_mask(cbz20->reference, 10, "1000001000");

    CHECK_INT(cbz40->n_periods, 1);
    CHECK_NEAR(cbz40->dose_mg_kg, 40, 0, 0);
    CHECK_INT(cbz40->tolerated, ICTUS_TOLERATED_UNKNOWN);
    CHECK_STR(lev->drug, "LEV");
    CHECK_STR(lev->route, "po");

    /* Lookups and order. */
    CHECK_INT(ictus_plan_find(&plan, cbz40), 3);
    ictus_condition key = *cbz20;
    key.drug = "cbz";
    key.route = "Ip";
    CHECK_INT(ictus_plan_find(&plan, &key), 2);
    key.dose_mg_kg = 30;
    CHECK_INT(ictus_plan_find(&plan, &key), -1);
    CHECK(ictus_condition_cmp(base, veh) < 0);
    CHECK(ictus_condition_cmp(veh, cbz20) < 0);
    CHECK(ictus_condition_cmp(cbz20, cbz40) < 0);
    CHECK(ictus_condition_cmp(cbz40, lev) < 0);
    CHECK(ictus_condition_cmp(lev, veh) > 0);
    key.dose_mg_kg = 20;
    key.route = "po";
    CHECK(ictus_condition_cmp(cbz20, &key) < 0); /* "ip" < "po" */
    CHECK(!ictus_condition_same(cbz20, &key));
    ictus_plan_clear(&plan);
    CHECK(plan.conditions == NULL && plan.n_conditions == 0);
    ictus_plan_clear(&plan); /* a cleared plan clears again */
}

static void test_plan_preceding(void)
{
    ictus_animal a = sequential_animal();
    bool mask[10];
    /* Per period. */
    CHECK_INT(ictus_period_reference(&a, 3, ICTUS_BASELINE_PRECEDING, mask), 1);
    check_mask(mask, 10, "1000000000");
    CHECK_INT(ictus_period_reference(&a, 9, ICTUS_BASELINE_PRECEDING, mask), 1);
    check_mask(mask, 10, "0000001000");
    CHECK_INT(ictus_period_reference(&a, 9, ICTUS_BASELINE_ALL, mask), 2);
    check_mask(mask, 10, "1000001000");
    CHECK_INT(ictus_period_reference(&a, 0, ICTUS_BASELINE_ALL, mask), 0);
    CHECK_INT(ictus_period_reference(&a, 6, ICTUS_BASELINE_PRECEDING, mask), 0);
    check_mask(mask, 10, "0000000000");

    /* Per condition: the union of its periods' references. */
    ictus_plan plan;
    ictus_plan_build(&a, ICTUS_BASELINE_PRECEDING, &plan);
    CHECK_INT(plan.n_conditions, 5);
    if (plan.n_conditions == 5) {
        check_mask(plan.conditions[2].reference, 10, "1000001000"); /* CBZ 20: periods 3, 7 */
        check_mask(plan.conditions[3].reference, 10, "1000000000"); /* CBZ 40: period 5 */
        check_mask(plan.conditions[4].reference, 10, "0000001000"); /* LEV: period 9 */
    }
    ictus_plan_clear(&plan);

    /* Treatment before any baseline: no preceding reference. */
    ictus_period p[2] = {
        period(ICTUS_PERIOD_TREATMENT, "CBZ", 20, "", 0, 3, ICTUS_TOLERATED_YES),
        period(ICTUS_PERIOD_BASELINE, "", NAN, "", 3, 6, ICTUS_TOLERATED_UNKNOWN),
    };
    ictus_animal late = {.id = "m2", .n_periods = 2, .periods = p};
    CHECK_INT(ictus_period_reference(&late, 0, ICTUS_BASELINE_PRECEDING, mask), 0);
    CHECK_INT(ictus_period_reference(&late, 0, ICTUS_BASELINE_ALL, mask), 1);
    ictus_plan_build(&late, ICTUS_BASELINE_PRECEDING, &plan);
    CHECK_INT(plan.n_conditions, 2);
    if (plan.n_conditions == 2) {
        CHECK_INT(plan.conditions[0].kind, ICTUS_PERIOD_TREATMENT); /* first start first */
        check_mask(plan.conditions[0].reference, 2, "00");
    }
    ictus_plan_clear(&plan);

    ictus_animal none = {.id = "m3"};
    ictus_plan_build(&none, ICTUS_BASELINE_ALL, &plan);
    CHECK_INT(plan.n_conditions, 0);
    ictus_plan_clear(&plan);
}

/* ------------------------------------------------------------------------
 * Seizures and measures
 * ---------------------------------------------------------------------- */

static void test_merge(void)
{
    ictus_seizure s[] = {
        {day(0) + 30 * ICTUS_US_PER_S, day(0) + 40 * ICTUS_US_PER_S, 2},
        {day(0) + 15 * ICTUS_US_PER_S, day(0) + 30 * ICTUS_US_PER_S, 1}, /* overlaps the next */
        {day(0) + 10 * ICTUS_US_PER_S, day(0) + 20 * ICTUS_US_PER_S, 0},
        {day(1), day(1) + ICTUS_US_PER_S, 3},
    };
    size_t n = ictus_seizures_merge(s, 4);
    CHECK_INT(n, 3);
    CHECK_INT(s[0].start_us, day(0) + 10 * ICTUS_US_PER_S);
    CHECK_INT(s[0].end_us, day(0) + 30 * ICTUS_US_PER_S);
    CHECK_INT(s[0].type, 0);
    CHECK_INT(s[1].start_us, day(0) + 30 * ICTUS_US_PER_S); /* touches: apart */
    CHECK_INT(s[1].type, 2);
    CHECK_INT(s[2].type, 3);
    CHECK_INT(ictus_seizures_merge(s, 0), 0);
}

/* Analysable everywhere except [gap0, gap1); counts calls; fails at call fail_at. */
typedef struct {
    int64_t gap0, gap1;
    int calls, fail_at;
} fake_time;

static ictus_status fake_analysable(void *ctx, int64_t t0, int64_t t1, double *s, ictus_error *err)
{
    fake_time *f = ctx;
    if (++f->calls == f->fail_at)
        return ictus_fail(err, ICTUS_ERR_DB, "fake: call %d fails", f->calls);
    int64_t lo = t0 > f->gap0 ? t0 : f->gap0, hi = t1 < f->gap1 ? t1 : f->gap1;
    *s = (double)((t1 - t0) - (hi > lo ? hi - lo : 0)) / 1e6;
    return ICTUS_OK;
}

static int64_t at(int h, int m, int s) { return t0_us + h * H_US + (m * 60 + s) * ICTUS_US_PER_S; }

static void test_measures(void)
{
    const int64_t S = ICTUS_US_PER_S;
    ictus_seizure sz[] = {
        {at(0, 0, 0) - 10 * S, at(0, 0, 0) + 50 * S, 0}, /* starts before the span: not counted */
        {at(1, 0, 0), at(1, 0, 0) + 30 * S, 0},
        {at(2, 0, 0), at(2, 0, 0) + 60 * S, 0},
        {at(5, 0, 0), at(5, 0, 0) + 40 * S, 1},
        {at(9, 0, 0), at(9, 0, 0) + 50 * S, 0},
        {at(23, 59, 50), at(23, 59, 50) + 100 * S, 0}, /* straddles the end: counted, 100 s */
        {at(24, 0, 0), at(24, 0, 0) + 20 * S, 0},       /* next span */
        {at(30, 0, 0), at(30, 0, 0) + 20 * S, 1},
    };
    size_t n = sizeof sz / sizeof sz[0];
    fake_time f = {at(6, 0, 0), at(8, 0, 0), 0, 0};
    ictus_timeline tl, tl2;
    ictus_error err = {0};
    CHECK(ictus_timeline_build(sz, n, at(0, 0, 0), at(24, 0, 0), fake_analysable, &f, &tl, &err) ==
          ICTUS_OK);
    CHECK_INT(f.calls, 6); /* 5 seizures in the span: 6 stretches */
    CHECK_INT(tl.n, 5);
    CHECK_NEAR(tl.analysable_s, 22 * 3600.0, 1e-12, 0);
    CHECK(ictus_timeline_build(sz, n, at(24, 0, 0), at(48, 0, 0), fake_analysable, &f, &tl2,
                               &err) == ICTUS_OK);

    const ictus_timeline *one[] = {&tl}, *both[] = {&tl, &tl2};
    ictus_measures m;
    ictus_measures_compute(one, 1, ICTUS_ALL_TYPES, 3600, &m);
    CHECK_INT(m.count, 5);
    CHECK_NEAR(m.span_s, 86400, 1e-12, 0);
    CHECK_NEAR(m.analysable_s, 79200, 1e-12, 0);
    CHECK_NEAR(m.seizure_s, 280, 1e-12, 0);
    CHECK_NEAR(m.rate_per_24h, 5.0 / 79200 * 86400, 1e-12, 0);
    CHECK_NEAR(m.burden_s_per_24h, 280.0 / 79200 * 86400, 1e-12, 0);
    CHECK_NEAR(m.burden_pct, 280.0 / 79200 * 100, 1e-12, 0);
    CHECK_NEAR(m.mean_duration_s, 56, 1e-12, 0);
    CHECK_NEAR(m.median_duration_s, 50, 1e-12, 0);
    /* ISIs in analysable time: 1 h, 3 h, 4 h − 2 h gap, 14:59:50. */
    double isi[4] = {3600, 10800, 7200, 53990}, mean = (3600 + 10800 + 7200 + 53990) / 4.0, ss = 0;
    for (int i = 0; i < 4; i++)
        ss += (isi[i] - mean) * (isi[i] - mean);
    CHECK_INT(m.n_isi, 4);
    CHECK_NEAR(m.longest_isi_s, 53990, 1e-12, 0);
    CHECK_NEAR(m.median_isi_s, 9000, 1e-12, 0);
    CHECK_NEAR(m.isi_cv, sqrt(ss / 3) / mean, 1e-12, 0);
    CHECK_NEAR(m.cluster_share, 0, 0, 0); /* 1 h is not shorter than 60 min */
    int64_t hours[24] = {0};
    hours[1] = hours[2] = hours[5] = hours[9] = hours[23] = 1;
    CHECK(memcmp(m.count_by_hour, hours, sizeof hours) == 0);
    ictus_measures_compute(one, 1, ICTUS_ALL_TYPES, 3660, &m);
    CHECK_NEAR(m.cluster_share, 0.25, 0, 0);

    /* One type: hpd skips the convulsive seizure, its ISI spans the gap. */
    ictus_measures_compute(one, 1, 0, 3600, &m);
    CHECK_INT(m.count, 4);
    CHECK_INT(m.n_isi, 3);
    CHECK_NEAR(m.median_isi_s, 18000, 1e-12, 0);
    ictus_measures_compute(one, 1, 1, 3600, &m);
    CHECK_INT(m.count, 1);
    CHECK_INT(m.n_isi, 0);
    CHECK(isnan(m.longest_isi_s) && isnan(m.median_isi_s) && isnan(m.isi_cv) &&
          isnan(m.cluster_share));
    CHECK_NEAR(m.median_duration_s, 40, 1e-12, 0);

    /* Pooled spans: 7 seizures, no ISI from one span into the next. */
    ictus_measures_compute(both, 2, ICTUS_ALL_TYPES, 3600, &m);
    CHECK_INT(m.count, 7);
    CHECK_INT(m.n_isi, 5);
    CHECK_NEAR(m.analysable_s, 79200 + 86400, 1e-12, 0);
    CHECK_NEAR(m.longest_isi_s, 53990, 1e-12, 0);

    /* Nothing to measure. */
    ictus_measures_compute(NULL, 0, ICTUS_ALL_TYPES, 3600, &m);
    CHECK_INT(m.count, 0);
    CHECK(m.analysable_s == 0 && isnan(m.rate_per_24h) && isnan(m.burden_pct) &&
          isnan(m.mean_duration_s) && isnan(m.median_duration_s));
    ictus_timeline_clear(&tl);
    ictus_timeline_clear(&tl2);
    ictus_timeline_clear(&tl); /* cleared twice: no-op */

    /* No analysable time at all: counts but no rates. */
    fake_time blind = {at(-1, 0, 0), at(100, 0, 0), 0, 0};
    CHECK(ictus_timeline_build(sz, n, at(0, 0, 0), at(24, 0, 0), fake_analysable, &blind, &tl,
                               &err) == ICTUS_OK);
    ictus_measures_compute(one, 1, ICTUS_ALL_TYPES, 3600, &m);
    CHECK_INT(m.count, 5);
    CHECK(m.analysable_s == 0 && isnan(m.rate_per_24h) && isnan(m.burden_s_per_24h));
    CHECK_NEAR(m.mean_duration_s, 56, 1e-12, 0);
    ictus_timeline_clear(&tl);

    /* The function's error comes back; the timeline is left empty. */
    fake_time failing = {0, 0, 0, 3};
    CHECK(ictus_timeline_build(sz, n, at(0, 0, 0), at(24, 0, 0), fake_analysable, &failing, &tl,
                               &err) == ICTUS_ERR_DB);
    CHECK(strstr(err.msg, "call 3") != NULL);
    CHECK(tl.onset_s == NULL && tl.n == 0);
}

static void test_pct_change(void)
{
    CHECK_NEAR(ictus_pct_change(1, 2), -50, 1e-15, 0);
    CHECK_NEAR(ictus_pct_change(3, 2), 50, 1e-15, 0);
    CHECK_NEAR(ictus_pct_change(0, 2), -100, 1e-15, 0);
    CHECK(isnan(ictus_pct_change(1, 0)));
    CHECK(isnan(ictus_pct_change(0, 0)));
    CHECK(isnan(ictus_pct_change(NAN, 2)));
    CHECK(isnan(ictus_pct_change(1, NAN)));
}

int main(void)
{
    t0_us = ictus_walltime_from_civil(2026, 1, 5, 0, 0, 0, 0);
    test_plan_conditions();
    test_plan_preceding();
    test_merge();
    test_measures();
    test_pct_change();
    return check_done("test_periods");
}
