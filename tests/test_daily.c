/* test_daily.c: seizures per animal per calendar day (protocols/daily.c, out/daily.csv).
 *
 * Proves, on a study read from files with hand-made seizures and a stand-in
 * for the store's analysable time:
 *   - one row per day part × type ("all" first), days without seizures
 *     present with count 0 for every type, and days (and parts) without
 *     analysable time or seizures left out, as are animals without recordings;
 *   - a day is cut where a period starts or ends (08:00), each part carrying
 *     its own period, kind, drug and dose; a part outside every period has
 *     them empty;
 *   - a seizure straddling midnight counts on the day it starts with its
 *     whole duration; counts and seizure seconds per type are exact, and the
 *     parts' analysable hours add up to each period's analysable time;
 *   - the CSV: its header, RFC 4180 quoting of a group holding a comma and
 *     quotes, dates, times and numbers as written, the settings hash;
 *   - the analysable-time cache (analysable_cache.h): each stretch between
 *     cut points is asked once, a range between cut points is answered
 *     without asking, equal to the direct answer; other ranges are asked.
 */
#include "protocols/daily.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/walltime.h"
#include "protocols/analysable_cache.h"
#include "tests/check.h"
#include "tests/support_study.h"
#include "tests/support_tmp.h"

#define HOUR_US (INT64_C(3600) * ICTUS_US_PER_S)

static int64_t at(const char *iso)
{
    int64_t t = 0;
    CHECK_MSG(ictus_walltime_parse(iso, &t), "%s", iso);
    return t;
}

/* The stand-in store: analysable inside [start, end) but not in [gap0, gap1). */
typedef struct {
    int64_t start, end, gap0, gap1;
} fake_store;

static double overlap_s(int64_t a0, int64_t a1, int64_t b0, int64_t b1)
{
    int64_t lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;
    return hi > lo ? (double)(hi - lo) / 1e6 : 0;
}

static ictus_status fake_analysable(void *ctx, int64_t t0, int64_t t1, double *seconds,
                                    ictus_error *err)
{
    const fake_store *f = ctx;
    *seconds = overlap_s(t0, t1, f->start, f->end) - overlap_s(t0, t1, f->gap0, f->gap1);
    return ICTUS_OK;
}

/* fake_analysable() counting its calls and the length asked. */
typedef struct {
    fake_store store;
    int calls;
    int64_t asked_us;
} counting_store;

static ictus_status counting_analysable(void *ctx, int64_t t0, int64_t t1, double *seconds,
                                        ictus_error *err)
{
    counting_store *c = ctx;
    c->calls++;
    c->asked_us += t1 - t0;
    return fake_analysable(&c->store, t0, t1, seconds, err);
}

static void test_cache(void)
{
    counting_store c = {{at("2026-01-05T06:00"), at("2026-01-08T00:00"), at("2026-01-07T10:00"),
                         at("2026-01-07T12:00")}, 0, 0};
    int64_t points[] = {at("2026-01-07"), at("2026-01-05"), at("2026-01-06T08:00"),
                        at("2026-01-06"), at("2026-01-08"), at("2026-01-06")};
    ictus_analysable_cache cache;
    ictus_error err = {0};
    CHECK(ictus_analysable_cache_build(&cache, points, 6, counting_analysable, &c, &err) ==
          ICTUS_OK);
    CHECK_INT(c.calls, 4); /* five distinct points, four stretches, each asked once */
    CHECK_INT(c.asked_us, at("2026-01-08") - at("2026-01-05"));
    double got, want;
    const char *ranges[][2] = {{"2026-01-05", "2026-01-08"}, {"2026-01-06", "2026-01-06T08:00"},
                               {"2026-01-06T08:00", "2026-01-08"}, {"2026-01-07", "2026-01-07"}};
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
        CHECK(ictus_analysable_cached(&cache, at(ranges[i][0]), at(ranges[i][1]), &got, &err) ==
              ICTUS_OK);
        fake_analysable(&c.store, at(ranges[i][0]), at(ranges[i][1]), &want, &err);
        CHECK_NEAR(got, want, 0, 1e-6);
    }
    CHECK_INT(c.calls, 4); /* all answered from the stretches */
    CHECK(ictus_analysable_cached(&cache, at("2026-01-07T11:00"), at("2026-01-08"), &got, &err) ==
          ICTUS_OK);
    CHECK_INT(c.calls, 5); /* not a cut point: asked */
    CHECK_NEAR(got, 12 * 3600.0, 0, 1e-6);
    ictus_analysable_cache_clear(&cache);
}

static const char types[3][ICTUS_TYPE_MAX] = {"all", "convulsive", "hpd"};

static ictus_study *load_study(char *dir)
{
    CHECK(support_study_write(dir, "study.ini", "[study]\npreset = ihka-mouse\nmains_hz = 50\n"
                                                "[drugs]\ncarbamazepine = 20\n"));
    CHECK(support_study_write(dir, "animals.csv", "animal,group\nm1,\"A, \"\"x\"\"\"\nm2,B\n"
                                                  "m3,B\n"));
    CHECK(support_study_write(dir, "dosing.csv",
                              "animal,period,drug,dose_mg_kg,route,start,end\n"
                              "m1,baseline,,,,2026-01-05,2026-01-06 8:00\n"
                              "m1,treatment,carbamazepine,20,ip,2026-01-06 8:00,"
                              "2026-01-08 8:00\n"));
    ictus_study *s = NULL;
    ictus_error err = {0};
    CHECK_MSG(ictus_study_load(dir, &s, &err) == ICTUS_OK, "%s", err.msg);
    CHECK(s && s->problems.n == 0 && s->n_animals == 3);
    return s;
}

/* Sum a column of the rows of animal a and type t whose period is `period`
 * (-2: any). */
static double sum_rows(const ictus_daily *d, int a, int t, int period, int what)
{
    double sum = 0;
    for (size_t i = 0; i < d->n_rows; i++) {
        const ictus_daily_row *r = &d->rows[i];
        if (r->animal != a || r->type != t || (period != -2 && r->period != period))
            continue;
        sum += what == 0 ? (double)r->count : what == 1 ? r->seizure_s : r->analysable_s;
    }
    return sum;
}

static void check_row(const ictus_daily_row *r, const char *start, const char *end, int period,
                      int type, int64_t count, double seizure_s, double analysable_h)
{
    char a[32], b[32];
    CHECK_MSG(r->start_us == at(start) && r->end_us == at(end), "part %s..%s, expected %s..%s",
              ictus_walltime_format(r->start_us, a, sizeof a),
              ictus_walltime_format(r->end_us, b, sizeof b), start, end);
    CHECK_INT(r->period, period);
    CHECK_INT(r->type, type);
    CHECK_INT(r->count, count);
    CHECK_NEAR(r->seizure_s, seizure_s, 0, 1e-9);
    CHECK_NEAR(r->analysable_s, analysable_h * 3600, 0, 1e-6);
}

static void test_rows(const ictus_study *s, ictus_daily *d)
{
    /* m1: recorded from Jan 5 06:00 to Jan 8 00:00, with a 2 h dropout on Jan 7. */
    fake_store m1 = {at("2026-01-05T06:00"), at("2026-01-08T00:00"), at("2026-01-07T10:00"),
                     at("2026-01-07T12:00")};
    ictus_seizure sz[] = {
        {at("2026-01-05T10:00"), at("2026-01-05T10:00:30"), 2},
        {at("2026-01-05T23:59:50"), at("2026-01-06T00:00:40"), 1}, /* over midnight */
        {at("2026-01-06T07:59:59"), at("2026-01-06T08:00:09"), 2}, /* baseline part */
        {at("2026-01-06T09:00"), at("2026-01-06T09:00:20"), 2},    /* treatment part */
    };
    ictus_error err = {0};
    CHECK(ictus_daily_add_animal(d, &s->animals[0], 0, 3, sz, 4, m1.start, m1.end,
                                 fake_analysable, &m1, &err) == ICTUS_OK);
    /* m2: recorded Jan 5 and Jan 7 only (nothing analysable on Jan 6), no seizures;
     * no periods: every part outside them. */
    fake_store m2 = {at("2026-01-05T00:00"), at("2026-01-08T00:00"), at("2026-01-06T00:00"),
                     at("2026-01-07T00:00")};
    CHECK(ictus_daily_add_animal(d, &s->animals[1], 1, 3, NULL, 0, m2.start, m2.end,
                                 fake_analysable, &m2, &err) == ICTUS_OK);
    /* m3: no recordings. */
    CHECK(ictus_daily_add_animal(d, &s->animals[2], 2, 3, NULL, 0, INT64_MAX, INT64_MIN,
                                 fake_analysable, &m2, &err) == ICTUS_OK);

    CHECK_INT(d->n_rows, 4 * 3 + 2 * 3);
    if (d->n_rows != 18)
        return;
    const ictus_daily_row *r = d->rows;
    check_row(&r[0], "2026-01-05", "2026-01-06", 0, 0, 2, 80, 18);
    check_row(&r[1], "2026-01-05", "2026-01-06", 0, 1, 1, 50, 18);
    check_row(&r[2], "2026-01-05", "2026-01-06", 0, 2, 1, 30, 18);
    check_row(&r[3], "2026-01-06", "2026-01-06T08:00", 0, 0, 1, 10, 8);
    check_row(&r[4], "2026-01-06", "2026-01-06T08:00", 0, 1, 0, 0, 8);
    check_row(&r[5], "2026-01-06", "2026-01-06T08:00", 0, 2, 1, 10, 8);
    check_row(&r[6], "2026-01-06T08:00", "2026-01-07", 1, 0, 1, 20, 16);
    check_row(&r[8], "2026-01-06T08:00", "2026-01-07", 1, 2, 1, 20, 16);
    for (int t = 0; t < 3; t++) /* a day without seizures: every type, count 0 */
        check_row(&r[9 + t], "2026-01-07", "2026-01-08", 1, t, 0, 0, 22);
    check_row(&r[12], "2026-01-05", "2026-01-06", -1, 0, 0, 0, 24);
    check_row(&r[15], "2026-01-07", "2026-01-08", -1, 0, 0, 0, 24);

    /* Totals: every seizure once, per type; analysable hours add up to each period's. */
    CHECK_NEAR(sum_rows(d, 0, 0, -2, 0), 4, 0, 0);
    CHECK_NEAR(sum_rows(d, 0, 1, -2, 0) + sum_rows(d, 0, 2, -2, 0), 4, 0, 0);
    CHECK_NEAR(sum_rows(d, 0, 0, -2, 1), 110, 0, 1e-9);
    for (int p = 0; p < 2; p++) {
        const ictus_period *period = &s->animals[0].periods[p];
        double want;
        fake_analysable(&m1, period->start_us, period->end_us, &want, &err);
        for (int t = 0; t < 3; t++)
            CHECK_NEAR(sum_rows(d, 0, t, p, 2), want, 0, 1e-6);
    }
}

static void test_csv(const ictus_study *s, const ictus_daily *d)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    ictus_out o;
    ictus_out_init(&o, f, "daily.csv");
    ictus_daily_write_csv(&o, d, s, types, "0123456789abcdef0123456789abcdef");
    ictus_error err = {0};
    CHECK(ictus_out_close(&o, &err) == ICTUS_OK);
    fclose(f);
    const char *want_head = "date,animal,group,period,kind,drug,dose_mg_kg,start,end,type,count,"
                            "seizure_s,analysable_h,settings_hash\n";
    CHECK(strncmp(text, want_head, strlen(want_head)) == 0);
    CHECK_MSG(strstr(text, "\n2026-01-06,m1,\"A, \"\"x\"\"\",2,treatment,carbamazepine,20,"
                           "2026-01-06T08:00:00.000,2026-01-07T00:00:00.000,all,1,20,16,"
                           "0123456789abcdef0123456789abcdef\n") != NULL, "%s", text);
    CHECK_MSG(strstr(text, "\n2026-01-05,m1,\"A, \"\"x\"\"\",1,baseline,,,"
                           "2026-01-05T00:00:00.000,2026-01-06T00:00:00.000,convulsive,1,50,18,")
              != NULL, "%s", text);
    CHECK_MSG(strstr(text, "\n2026-01-07,m2,B,,,,,2026-01-07T00:00:00.000,"
                           "2026-01-08T00:00:00.000,hpd,0,0,24,") != NULL, "%s", text);
    int lines = 0;
    for (const char *p = text; *p; p++)
        lines += *p == '\n';
    CHECK_INT(lines, 1 + 18);
    free(text);
}

int main(void)
{
    test_cache();
    char *dir = support_tmpdir("daily");
    ictus_study *s = load_study(dir);
    if (s) {
        ictus_daily *d = ictus_daily_create();
        test_rows(s, d);
        test_csv(s, d);
        ictus_daily_destroy(d);
    }
    ictus_study_destroy(s);
    support_tmpdir_remove(dir);
    return check_done("test_daily");
}
