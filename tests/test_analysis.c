/* test_analysis.c: a study analysed end to end (protocols/analysis.c, comparisons.c, compare.c).
 *
 * Two small cohorts are written by the test (study.ini, animals.csv,
 * dosing.csv) and their events and analysable time put into STUDY/ictus.db
 * through the store's API.  Seizures are evenly spaced: n seizures in a
 * period of L hours start at (i + ½)·L/n, 30 s long, so that every rate,
 * ISI and class is known by hand.  Cohort 1's schedule, per animal unless
 * said: baseline days 0–4, carbamazepine 20 mg/kg ip days 4–8 (target 20),
 * washout 8–9, levetiracetam 50 po 9–13 (target 50), vehicle (saline)
 * 13–17.  Seizures per period (baseline, CBZ, washout, LEV, vehicle), hpd
 * unless said, and what that must give for CBZ:
 *   r1  8+4 convulsive, 4, 3, 8+4c, 8+4c  responder (−66.7 %); hpd −50 %
 *       responder; convulsive seizure-free (96 h ≥ 3 × 24 h); washout excluded
 *   s1  40, 3, 0, 40, 40        strict responder (−92.5 %)
 *   f1  8, 0, 0, 4, 8           seizure-free (96 h ≥ 3 × 12 h); LEV responder:
 *                               course remission then relapse
 *   u1  8 with a 40 h ISI, 0, 0, 8, 8   undetermined: seizure-free but 96 h <
 *                               3 × 40 h
 *   n1  8, 6, 0, 7, 8           non-responder; LEV non-responder: resistant
 *   w1  8, 12, 0, 8, 8          worsening (+50 %): resistant (worsening fails)
 *   sp  2, 1, 0, 1, 2           undetermined: sparse baseline (0.5 per 24 h)
 *   z0  0, 2, 0, 2, 0           undetermined: baseline seizure-free, % change empty
 *   nb  no baseline period      undetermined: no baseline
 *   nr  recording days 0–4 only undetermined: no data (rates empty)
 *   ia  CBZ at 10 mg/kg (low dose), LEV not tolerated, valproate 300 for
 *       2 days (short block): all inadequate; no failed drug
 *   ov  like r1 without convulsive, in two recordings overlapping days 6–10
 *       with the same events in both: counted once, time counted once
 *   co  baseline 0–4 (8), vehicle 4–8 (8), washout, CBZ 20 9–13 (4), washout,
 *       CBZ 40 14–18 (2), CBZ 20 18–22 (4): CBZ 20 pooled over two blocks
 *       (8 in 8 days: responder), CBZ 40 apart (responder, −75 %)
 * np has no dosing rows (no rows at all).
 * dosing.csv also holds a row for an unknown animal: one problem with
 * FILE:LINE:COLUMN, the rest analysed.  Cohort 2 (compare): c2a CBZ −75 %,
 * c2b CBZ 0 %, c2c vehicle only, vehicle −50 % (a vehicle responder).
 *
 * Proves: the measures of the period rows and of the conditions, the class
 * of every animal above, trials, course, resistance, per-type classes;
 * the statistics are wired right: each p-value and estimate equals the one
 * computed directly through stats.h on the outcomes' own numbers (the pairs,
 * counts and hours are first checked against the hand values), to 1e-12
 * relative; the CSV files have the documented columns and values, carry the
 * settings hash of analysis-settings.txt, and no temporary file is left;
 * settings change classes (--set) and bad settings are refused; the database
 * is not modified; reviews filter events (not_seizure left out; "confirmed"
 * keeps only confirmed ones); ictus_analysis_run() fills its summary; compare pools the
 * cohorts (counts, median % change, Fisher and Mann–Whitney against direct
 * calls; the median's interval and the rate ratios against stats.h called on
 * the outcomes collected apart, cohort 2's vehicle ratios by hand) and flags
 * mixed settings.
 */
#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "base/csvtable.h"
#include "base/path.h"
#include "base/readfile.h"
#include "base/strbuf.h"
#include "base/vec.h"
#include "base/walltime.h"
#include "protocols/analysis.h"
#include "protocols/cross_cohort.h"
#include "protocols/stats.h"
#include "tests/check.h"
#include "tests/support_study.h"
#include "tests/support_tmp.h"

#define H_US (INT64_C(3600) * ICTUS_US_PER_S)
#define DAY_US (24 * H_US)
#define REL 1e-12

static int64_t t0_us; /* 2026-01-05T00:00 */

static int64_t day(double d) { return t0_us + (int64_t)llround(d * (double)DAY_US); }

/* ------------------------------------------------------------------------
 * Building the cohorts
 * ---------------------------------------------------------------------- */

typedef struct {
    support_event *ev;
    int n, cap;
} event_list;

static void add_event(event_list *l, support_event e)
{
    ICTUS_GROW(l->ev, l->n + 1, l->cap);
    l->ev[l->n++] = e;
}

/* n seizures evenly spaced in [d0, d1) days, 30 s each. */
static void spaced(event_list *l, double d0, double d1, int n, const char *type)
{
    for (int i = 0; i < n; i++)
        add_event(l, (support_event){
                         day(d0) + (int64_t)llround((i + 0.5) * (double)(day(d1) - day(d0)) / n),
                         30 * ICTUS_US_PER_S, type});
}

/* The standard schedule's seizures: baseline, CBZ, washout, LEV, vehicle. */
static void standard(event_list *l, int b, int cbz, int w, int lev, int veh)
{
    spaced(l, 0, 4, b, "hpd");
    spaced(l, 4, 8, cbz, "hpd");
    spaced(l, 8, 9, w, "hpd");
    spaced(l, 9, 13, lev, "hpd");
    spaced(l, 13, 17, veh, "hpd");
}

static bool put(support_store *s, const char *animal, double d0, double d1, const event_list *l)
{
    return support_store_recording(s, animal, day(d0), day(d1) - day(d0), 1.0, l->ev, l->n);
}

/* Events of l with a start in [d0, d1) into a new list. */
static void slice(const event_list *l, double d0, double d1, event_list *out)
{
    out->n = 0;
    for (int i = 0; i < l->n; i++)
        if (l->ev[i].start_us >= day(d0) && l->ev[i].start_us < day(d1))
            add_event(out, l->ev[i]);
}

/* "2026-01-DDT00:00" of day d. */
static const char *date(int d)
{
    static char buf[8][32];
    static int next;
    char *b = buf[next++ % 8];
    int year, month, dd;
    ictus_walltime_to_civil(day(d), &year, &month, &dd, NULL, NULL, NULL, NULL);
    snprintf(b, 32, "%04d-%02d-%02dT00:00", year, month, dd);
    return b;
}

static void add_row(ictus_strbuf *dosing, const char *animal, const char *kind,
                    const char *drug, const char *dose, const char *route, int d0, int d1,
                    const char *tolerated)
{
    ictus_strbuf_addf(dosing, "%s,%s,%s,%s,%s,%s,%s,%s,\n", animal, kind, drug, dose, route,
                      date(d0), date(d1), tolerated);
}

static void standard_rows(ictus_strbuf *dosing, const char *animal, bool baseline)
{
    if (baseline)
        add_row(dosing, animal, "baseline", "", "", "", 0, 4, "");
    add_row(dosing, animal, "treatment", "carbamazepine", "20", "ip", 4, 8, "yes");
    add_row(dosing, animal, "washout", "carbamazepine", "", "", 8, 9, "");
    add_row(dosing, animal, "treatment", "levetiracetam", "50", "po", 9, 13, "yes");
    add_row(dosing, animal, "vehicle", "saline", "", "ip", 13, 17, "");
}

static const char ini1[] = "[study]\nname = cohort1\npreset = ihka-mouse\nmains_hz = 50\n"
                           "[drugs]\ncarbamazepine = 20\nlevetiracetam = 50\nvalproate = 300\n"
                           "[analysis]\ncluster_gap_min = 60\n";

static bool make_cohort1(const char *dir)
{
    ictus_strbuf dosing = {0};
    ictus_strbuf_add(&dosing, "animal,period,drug,dose_mg_kg,route,start,end,tolerated,"
                              "plasma_level\n");
    add_row(&dosing, "r1", "baseline", "", "", "", 0, 4, "");
    add_row(&dosing, "zz", "baseline", "", "", "", 0, 4, ""); /* line 3 */
    add_row(&dosing, "r1", "treatment", "carbamazepine", "20", "ip", 4, 8, "yes");
    add_row(&dosing, "r1", "washout", "carbamazepine", "", "", 8, 9, "");
    add_row(&dosing, "r1", "treatment", "levetiracetam", "50", "po", 9, 13, "yes");
    add_row(&dosing, "r1", "vehicle", "saline", "", "ip", 13, 17, "");
    const char *standard_animals[] = {"s1", "f1", "u1", "n1", "w1", "sp", "z0", "nr", "ov"};
    for (size_t i = 0; i < sizeof standard_animals / sizeof *standard_animals; i++)
        standard_rows(&dosing, standard_animals[i], true);
    standard_rows(&dosing, "nb", false);
    add_row(&dosing, "ia", "baseline", "", "", "", 0, 4, "");
    add_row(&dosing, "ia", "treatment", "carbamazepine", "10", "ip", 4, 8, "yes");
    add_row(&dosing, "ia", "washout", "", "", "", 8, 9, "");
    add_row(&dosing, "ia", "treatment", "levetiracetam", "50", "po", 9, 13, "no");
    add_row(&dosing, "ia", "treatment", "valproate", "300", "ip", 13, 15, "yes");
    add_row(&dosing, "co", "baseline", "", "", "", 0, 4, "");
    add_row(&dosing, "co", "vehicle", "saline", "", "ip", 4, 8, "");
    add_row(&dosing, "co", "washout", "", "", "", 8, 9, "");
    add_row(&dosing, "co", "treatment", "carbamazepine", "20", "ip", 9, 13, "yes");
    add_row(&dosing, "co", "washout", "", "", "", 13, 14, "");
    add_row(&dosing, "co", "treatment", "Carbamazepine", "40", "ip", 14, 18, "yes");
    add_row(&dosing, "co", "treatment", "carbamazepine", "20", "IP", 18, 22, "yes");
    bool ok = support_study_write(dir, "study.ini", ini1) &&
              support_study_write(dir, "animals.csv",
                                  "animal,model,sex,strain,birth_date,group,notes\n"
                                  "r1,IHKA,M,,,A,\ns1,IHKA,M,,,B,\nf1,IHKA,M,,,A,\n"
                                  "u1,IHKA,M,,,B,\nn1,IHKA,M,,,A,\nw1,IHKA,M,,,B,\n"
                                  "sp,IHKA,M,,,A,\nz0,IHKA,M,,,B,\nnb,IHKA,M,,,A,\n"
                                  "nr,IHKA,M,,,B,\nia,IHKA,M,,,A,\nov,IHKA,M,,,B,\n"
                                  "co,IHKA,M,,,A,\nnp,IHKA,F,,,B,no dosing rows\n") &&
              support_study_write(dir, "dosing.csv", ictus_strbuf_text(&dosing));
    ictus_strbuf_free(&dosing);
    support_store s;
    if (!ok || !support_store_open(&s, dir))
        return false;
    event_list l = {0};
    standard(&l, 8, 4, 3, 8, 8);
    spaced(&l, 0, 4, 4, "convulsive");
    spaced(&l, 9, 13, 4, "convulsive");
    spaced(&l, 13, 17, 4, "convulsive");
    ok = put(&s, "r1", 0, 17, &l);
    l.n = 0;
    standard(&l, 40, 3, 0, 40, 40);
    ok = ok && put(&s, "s1", 0, 17, &l);
    l.n = 0;
    standard(&l, 8, 0, 0, 4, 8);
    ok = ok && put(&s, "f1", 0, 17, &l);
    l.n = 0;
    const double u1_hours[] = {2, 4, 6, 8, 10, 50, 70, 90}; /* longest ISI 40 h */
    for (int i = 0; i < 8; i++)
        add_event(&l, (support_event){day(0) + (int64_t)(u1_hours[i] * (double)H_US),
                                      30 * ICTUS_US_PER_S, "hpd"});
    standard(&l, 0, 0, 0, 8, 8);
    ok = ok && put(&s, "u1", 0, 17, &l);
    l.n = 0;
    standard(&l, 8, 6, 0, 7, 8);
    ok = ok && put(&s, "n1", 0, 17, &l);
    l.n = 0;
    standard(&l, 8, 12, 0, 8, 8);
    ok = ok && put(&s, "w1", 0, 17, &l);
    l.n = 0;
    standard(&l, 2, 1, 0, 1, 2);
    ok = ok && put(&s, "sp", 0, 17, &l);
    l.n = 0;
    standard(&l, 0, 2, 0, 2, 0);
    ok = ok && put(&s, "z0", 0, 17, &l);
    l.n = 0;
    standard(&l, 0, 4, 0, 8, 8);
    ok = ok && put(&s, "nb", 0, 17, &l);
    l.n = 0;
    standard(&l, 8, 0, 0, 0, 0);
    ok = ok && put(&s, "nr", 0, 4, &l);
    l.n = 0;
    standard(&l, 8, 8, 0, 8, 0);
    spaced(&l, 13, 15, 4, "hpd");
    ok = ok && put(&s, "ia", 0, 17, &l);
    l.n = 0;
    standard(&l, 8, 4, 3, 8, 8);
    event_list part = {0};
    slice(&l, 0, 10, &part);
    ok = ok && put(&s, "ov", 0, 10, &part);
    slice(&l, 6, 17, &part);
    ok = ok && put(&s, "ov", 6, 17, &part);
    l.n = 0;
    spaced(&l, 0, 4, 8, "hpd");
    spaced(&l, 4, 8, 8, "hpd");
    spaced(&l, 9, 13, 4, "hpd");
    spaced(&l, 14, 18, 2, "hpd");
    spaced(&l, 18, 22, 4, "hpd");
    ok = ok && put(&s, "co", 0, 22, &l);
    free(l.ev);
    free(part.ev);
    support_store_close(&s);
    return ok;
}

static bool make_cohort2(const char *dir, const char *analysis_section)
{
    ictus_strbuf ini = {0}, dosing = {0};
    ictus_strbuf_addf(&ini, "[study]\nname = cohort2\npreset = ihka-mouse\nmains_hz = 60\n"
                            "[drugs]\ncarbamazepine = 20\n%s", analysis_section);
    ictus_strbuf_add(&dosing, "animal,period,drug,dose_mg_kg,route,start,end,tolerated,"
                              "plasma_level\n");
    const char *animals[] = {"c2a", "c2b", "c2c"};
    for (int i = 0; i < 3; i++) {
        add_row(&dosing, animals[i], "baseline", "", "", "", 0, 4, "");
        if (i < 2)
            add_row(&dosing, animals[i], "treatment", "CARBAMAZEPINE", "20", "ip",
                    4, 8, "yes");
        add_row(&dosing, animals[i], "vehicle", "saline", "", "ip", 8, 12, "");
    }
    bool written =
        support_study_write(dir, "study.ini", ictus_strbuf_text(&ini)) &&
        support_study_write(dir, "animals.csv", "animal,group\nc2a,A\nc2b,A\nc2c,B\n") &&
        support_study_write(dir, "dosing.csv", ictus_strbuf_text(&dosing));
    ictus_strbuf_free(&ini);
    ictus_strbuf_free(&dosing);
    support_store s;
    if (!written || !support_store_open(&s, dir))
        return false;
    const int cbz[3] = {2, 8, 0}, veh[3] = {8, 6, 4};
    bool ok = true;
    for (int i = 0; i < 3; i++) {
        event_list l = {0};
        spaced(&l, 0, 4, 8, "hpd");
        spaced(&l, 4, 8, cbz[i], "hpd");
        spaced(&l, 8, 12, veh[i], "hpd");
        ok = ok && put(&s, animals[i], 0, 12, &l);
        free(l.ev);
    }
    support_store_close(&s);
    return ok;
}

/* ------------------------------------------------------------------------
 * Lookups in an analysis
 * ---------------------------------------------------------------------- */

static int type_of(const ictus_analysis *an, const char *name)
{
    for (int t = 0; t < an->n_types; t++)
        if (strcmp(an->types[t], name) == 0)
            return t;
    return -1;
}

/* The outcome of `animal` for (kind, drug, dose) and type. */
static const ictus_outcome *outcome(const ictus_analysis *an, const char *animal,
                                    ictus_period_kind kind, const char *drug, double dose,
                                    const char *type)
{
    ictus_condition key = {.kind = kind, .drug = drug ? drug : "", .dose_mg_kg = dose,
                           .route = kind == ICTUS_PERIOD_TREATMENT ? "ip" : ""};
    if (drug && strcmp(drug, "levetiracetam") == 0)
        key.route = "po";
    int t = type_of(an, type);
    for (size_t i = 0; i < an->n_outcomes; i++) {
        const ictus_outcome *o = &an->outcomes[i];
        if (o->type == t && strcmp(o->animal_id, animal) == 0 &&
            ictus_condition_same(o->condition, &key))
            return o;
    }
    CHECK_MSG(false, "no outcome %s %s %s %g %s", animal, ictus_period_kind_name(kind),
              drug ? drug : "", dose, type);
    return NULL;
}

static const ictus_outcome *cbz20(const ictus_analysis *an, const char *animal, const char *type)
{
    return outcome(an, animal, ICTUS_PERIOD_TREATMENT, "carbamazepine", 20, type);
}

/* The periods.csv row of `animal`, period number `period` (1-based), type. */
static const ictus_period_result *period_row(const ictus_analysis *an, const char *animal,
                                             int period, const char *type)
{
    int t = type_of(an, type);
    for (size_t i = 0; i < an->n_periods; i++) {
        const ictus_period_result *r = &an->periods[i];
        if (r->type == t && r->period == period - 1 &&
            strcmp(an->study->animals[r->animal].id, animal) == 0)
            return r;
    }
    CHECK_MSG(false, "no period row %s %d %s", animal, period, type);
    return NULL;
}

static const ictus_comparison *comparison(const ictus_analysis *an, const char *type,
                                          const ictus_condition *cond, ictus_test test,
                                          ictus_versus versus)
{
    int t = type_of(an, type);
    for (size_t i = 0; i < an->n_comparisons; i++) {
        const ictus_comparison *c = &an->comparisons[i];
        if (c->type == t && c->test == test && c->versus == versus &&
            ictus_condition_same(c->condition, cond))
            return c;
    }
    CHECK_MSG(false, "no comparison %s %s %s", type, ictus_test_name(test),
              ictus_versus_name(versus));
    return NULL;
}

static void expect_class(const ictus_outcome *o, ictus_response_class cls,
                         ictus_undetermined_why why)
{
    if (!o)
        return;
    CHECK_MSG(o->response.cls == cls && o->response.why == why,
              "%s %s (%s): %s/%s, expected %s/%s", o->animal_id, o->condition->drug,
              ictus_period_kind_name(o->condition->kind), ictus_class_name(o->response.cls),
              ictus_why_name(o->response.why), ictus_class_name(cls), ictus_why_name(why));
}

/* ------------------------------------------------------------------------
 * Cohort 1 in memory
 * ---------------------------------------------------------------------- */

static void check_periods(const ictus_analysis *an)
{
    CHECK_INT(an->n_types, 3);
    CHECK_STR(an->types[1], "convulsive");
    CHECK_STR(an->types[2], "hpd");
    const ictus_period_result *r = period_row(an, "r1", 1, "all");
    if (r) {
        CHECK_INT(r->m.count, 12);
        CHECK_NEAR(r->m.analysable_s, 96 * 3600.0, REL, 0);
        CHECK_NEAR(r->m.rate_per_24h, 3, REL, 0);
        CHECK_NEAR(r->m.seizure_s, 360, REL, 0);
        CHECK_NEAR(r->m.burden_s_per_24h, 90, REL, 0);
        CHECK_NEAR(r->m.longest_isi_s, 12 * 3600.0, REL, 0); /* 06, 12, 18 h; 18 → 06 h */
        CHECK_NEAR(r->m.median_isi_s, 6 * 3600.0, REL, 0);
        CHECK_INT(r->m.count_by_hour[6], 4);
        CHECK_INT(r->m.count_by_hour[12], 4);
        CHECK_INT(r->m.count_by_hour[18], 4);
        CHECK_INT(r->n_recordings, 1);
        CHECK_STR(r->presets, "test@1");
        CHECK(!r->has_reference && isnan(r->pct_change));
    }
    if ((r = period_row(an, "r1", 2, "all"))) { /* CBZ: 4 hpd */
        CHECK_INT(r->m.count, 4);
        CHECK(r->has_reference);
        CHECK_INT(r->ref.count, 12);
        CHECK_NEAR(r->pct_change, -200.0 / 3, REL, 0);
    }
    if ((r = period_row(an, "r1", 3, "all"))) { /* washout: its own row, 3 seizures */
        CHECK_INT(r->m.count, 3);
        CHECK_NEAR(r->m.analysable_s, 24 * 3600.0, REL, 0);
    }
    if ((r = period_row(an, "r1", 3, "convulsive")))
        CHECK_INT(r->m.count, 0);
    if ((r = period_row(an, "nr", 2, "all"))) { /* no recording: no rate */
        CHECK_INT(r->n_recordings, 0);
        CHECK_STR(r->presets, "");
        CHECK(r->m.analysable_s == 0 && isnan(r->m.rate_per_24h) && isnan(r->pct_change));
    }
    if ((r = period_row(an, "ov", 5, "all"))) { /* vehicle, inside rec2 only */
        CHECK_INT(r->m.count, 8);
        CHECK_INT(r->n_recordings, 1);
    }
    if ((r = period_row(an, "ov", 2, "all"))) { /* CBZ days 4–8: both recordings, overlap 6–8 */
        CHECK_INT(r->m.count, 4);
        CHECK_INT(r->n_recordings, 2);
        CHECK_NEAR(r->m.analysable_s, 96 * 3600.0, REL, 0);
    }
    if ((r = period_row(an, "z0", 2, "all"))) {
        CHECK_INT(r->m.count, 2);
        CHECK(isnan(r->pct_change));
    }
    if ((r = period_row(an, "nb", 1, "all"))) /* first period of nb is its treatment */
        CHECK(!r->has_reference && isnan(r->pct_change));
    const ictus_animal *np = ictus_study_animal(an->study, "np"); /* no periods: no rows */
    CHECK(np && np->n_periods == 0);
    int np_rows = 0;
    for (size_t i = 0; np && i < an->n_periods; i++)
        np_rows += an->periods[i].animal == (int)(np - an->study->animals);
    CHECK_INT(np_rows, 0);
}

static void check_classes(const ictus_analysis *an)
{
    const ictus_outcome *o;
    expect_class(o = cbz20(an, "r1", "all"), ICTUS_CLASS_RESPONDER, ICTUS_WHY_NONE);
    if (o)
        CHECK_NEAR(o->response.pct_change, -200.0 / 3, REL, 0);
    expect_class(cbz20(an, "r1", "hpd"), ICTUS_CLASS_RESPONDER, ICTUS_WHY_NONE);
    expect_class(o = cbz20(an, "r1", "convulsive"), ICTUS_CLASS_SEIZURE_FREE, ICTUS_WHY_NONE);
    if (o)
        CHECK_NEAR(o->response.seizure_free_needed_s, 72 * 3600.0, REL, 0);
    expect_class(cbz20(an, "s1", "all"), ICTUS_CLASS_STRICT_RESPONDER, ICTUS_WHY_NONE);
    expect_class(o = cbz20(an, "f1", "all"), ICTUS_CLASS_SEIZURE_FREE, ICTUS_WHY_NONE);
    if (o)
        CHECK_NEAR(o->response.seizure_free_needed_s, 36 * 3600.0, REL, 0);
    expect_class(o = cbz20(an, "u1", "all"), ICTUS_CLASS_UNDETERMINED,
                 ICTUS_WHY_SEIZURE_FREE_TOO_SHORT);
    if (o) {
        CHECK_NEAR(o->ref.longest_isi_s, 40 * 3600.0, REL, 0);
        CHECK_NEAR(o->response.seizure_free_needed_s, 120 * 3600.0, REL, 0);
    }
    expect_class(cbz20(an, "n1", "all"), ICTUS_CLASS_NON_RESPONDER, ICTUS_WHY_NONE);
    expect_class(cbz20(an, "w1", "all"), ICTUS_CLASS_WORSENING, ICTUS_WHY_NONE);
    expect_class(cbz20(an, "sp", "all"), ICTUS_CLASS_UNDETERMINED, ICTUS_WHY_SPARSE_BASELINE);
    expect_class(o = cbz20(an, "z0", "all"), ICTUS_CLASS_UNDETERMINED,
                 ICTUS_WHY_BASELINE_SEIZURE_FREE);
    if (o)
        CHECK(isnan(o->response.pct_change));
    expect_class(o = cbz20(an, "nb", "all"), ICTUS_CLASS_UNDETERMINED, ICTUS_WHY_NO_BASELINE);
    if (o)
        CHECK(!o->has_reference);
    expect_class(o = cbz20(an, "nr", "all"), ICTUS_CLASS_UNDETERMINED, ICTUS_WHY_NO_DATA);
    if (o)
        CHECK(isnan(o->m.rate_per_24h));
    expect_class(o = cbz20(an, "ov", "all"), ICTUS_CLASS_RESPONDER, ICTUS_WHY_NONE);
    if (o) {
        CHECK_INT(o->m.count, 4);
        CHECK_INT(o->ref.count, 8);
    }
    /* Crossover: CBZ 20 over two blocks, CBZ 40 apart; the vehicle block too. */
    expect_class(o = cbz20(an, "co", "all"), ICTUS_CLASS_RESPONDER, ICTUS_WHY_NONE);
    if (o) {
        CHECK_INT(o->condition->n_periods, 2);
        CHECK_INT(o->m.count, 8);
        CHECK_NEAR(o->m.analysable_s, 192 * 3600.0, REL, 0);
        CHECK_NEAR(o->response.pct_change, -50, REL, 0);
    }
    expect_class(o = outcome(an, "co", ICTUS_PERIOD_TREATMENT, "carbamazepine", 40, "all"),
                 ICTUS_CLASS_RESPONDER, ICTUS_WHY_NONE);
    if (o)
        CHECK_NEAR(o->response.pct_change, -75, REL, 0);
    expect_class(outcome(an, "co", ICTUS_PERIOD_VEHICLE, NULL, NAN, "all"),
                 ICTUS_CLASS_NON_RESPONDER, ICTUS_WHY_NONE);

    /* Trials, course, resistance. */
    o = outcome(an, "ia", ICTUS_PERIOD_TREATMENT, "carbamazepine", 10, "all");
    if (o)
        CHECK_INT(o->trial, ICTUS_TRIAL_LOW_DOSE);
    o = outcome(an, "ia", ICTUS_PERIOD_TREATMENT, "levetiracetam", 50, "all");
    if (o)
        CHECK_INT(o->trial, ICTUS_TRIAL_NOT_TOLERATED);
    o = outcome(an, "ia", ICTUS_PERIOD_TREATMENT, "valproate", 300, "all");
    if (o) {
        CHECK_INT(o->trial, ICTUS_TRIAL_SHORT_BLOCK);
        expect_class(o, ICTUS_CLASS_NON_RESPONDER, ICTUS_WHY_NONE);
        CHECK_INT(o->resistance, ICTUS_RESISTANCE_UNDETERMINED);
        CHECK_INT(o->n_failed_drugs, 0);
    }
    if ((o = cbz20(an, "n1", "all"))) {
        CHECK_INT(o->trial, 0);
        CHECK_INT(o->resistance, ICTUS_RESISTANCE_RESISTANT);
        CHECK_INT(o->n_failed_drugs, 2);
    }
    if ((o = cbz20(an, "w1", "all")))
        CHECK_INT(o->resistance, ICTUS_RESISTANCE_RESISTANT);
    if ((o = cbz20(an, "r1", "all")))
        CHECK_INT(o->resistance, ICTUS_RESISTANCE_NOT_RESISTANT);
    if ((o = cbz20(an, "f1", "all")))
        CHECK_INT(o->course, ICTUS_COURSE_REMISSION);
    o = outcome(an, "f1", ICTUS_PERIOD_TREATMENT, "levetiracetam", 50, "all");
    expect_class(o, ICTUS_CLASS_RESPONDER, ICTUS_WHY_NONE);
    if (o)
        CHECK_INT(o->course, ICTUS_COURSE_RELAPSE);
    if ((o = cbz20(an, "n1", "all")))
        CHECK_INT(o->course, ICTUS_COURSE_NONE);
    /* Vehicle: a class of its own against the baseline; no trial. */
    o = outcome(an, "r1", ICTUS_PERIOD_VEHICLE, NULL, NAN, "all");
    expect_class(o, ICTUS_CLASS_NON_RESPONDER, ICTUS_WHY_NONE);
    if (o) {
        CHECK_STR(o->condition->drug, "saline");
        CHECK_INT(o->trial, 0);
    }
}

/* Pairs (rate, baseline rate) of the CBZ 20 outcomes with analysable time on both sides. */
static size_t cbz_pairs(const ictus_analysis *an, double *x, double *y, int64_t *k, double *h,
                        int64_t *k_ref, double *h_ref)
{
    static const char *const animals[] = {"r1", "s1", "f1", "u1", "n1", "w1", "sp",
                                          "z0", "nb", "nr", "ov", "co"};
    size_t n = 0;
    *k = *k_ref = 0;
    *h = *h_ref = 0;
    for (size_t i = 0; i < sizeof animals / sizeof *animals; i++) {
        const ictus_outcome *o = cbz20(an, animals[i], "all");
        if (!o || !o->has_reference || !(o->m.analysable_s > 0) || !(o->ref.analysable_s > 0))
            continue;
        x[n] = o->m.rate_per_24h;
        y[n] = o->ref.rate_per_24h;
        *k += o->m.count;
        *k_ref += o->ref.count;
        *h += o->m.analysable_s / 3600;
        *h_ref += o->ref.analysable_s / 3600;
        n++;
    }
    return n;
}

static void check_statistics(const ictus_analysis *an)
{
    /* By hand: r1 1/3, s1 .75/10, f1 0/2, u1 0/2, n1 1.5/2, w1 3/2, sp .25/.5, z0 .5/0,
     * ov 1/2, co 1/2 (nb: no baseline, nr: no data). */
    const double hx[] = {1, 0.75, 0, 0, 1.5, 3, 0.25, 0.5, 1, 1};
    const double hy[] = {3, 10, 2, 2, 2, 2, 0.5, 0, 2, 2};
    double x[16], y[16], h, h_ref;
    int64_t k, k_ref;
    size_t n = cbz_pairs(an, x, y, &k, &h, &k_ref, &h_ref);
    CHECK_INT(n, 10);
    for (size_t i = 0; i < n && i < 10; i++) {
        CHECK_NEAR(x[i], hx[i], REL, 0);
        CHECK_NEAR(y[i], hy[i], REL, 0);
    }
    CHECK_INT(k, 40);
    CHECK_INT(k_ref, 102);
    CHECK_NEAR(h, 1056, REL, 0);
    CHECK_NEAR(h_ref, 960, REL, 0);
    const ictus_outcome *rep = cbz20(an, "r1", "all");
    if (!rep)
        return;
    const ictus_condition *cond = rep->condition;
    ictus_error err = {0};

    const ictus_comparison *c = comparison(an, "all", cond, ICTUS_TEST_WILCOXON,
                                           ICTUS_VERSUS_BASELINE);
    ictus_wilcoxon_options wo = {.method = ICTUS_PMETHOD_EXACT};
    ictus_wilcoxon_result w;
    CHECK(ictus_stats_wilcoxon(x, y, n, &wo, &w, &err) == ICTUS_OK);
    if (c) {
        CHECK_INT(c->n, 10);
        CHECK_NEAR(c->p, w.p, REL, 0);
        CHECK_NEAR(c->statistic, w.statistic, REL, 0);
        CHECK(c->p > 0 && c->p < 1);
        CHECK_NEAR(c->estimate, -1, REL, 0); /* median of the 10 differences */
    }
    c = comparison(an, "all", cond, ICTUS_TEST_LOG_TTEST, ICTUS_VERSUS_BASELINE);
    ictus_log_ttest_result lt;
    CHECK(ictus_stats_paired_log_ttest(x, y, n, 0.125, 0.95, ICTUS_ALT_TWO_SIDED, &lt, &err) ==
          ICTUS_OK); /* offset: half of the smallest positive rate, 0.25 */
    if (c) {
        CHECK_NEAR(c->p, lt.p, REL, 0);
        CHECK_NEAR(c->estimate, lt.ratio, REL, 0);
        CHECK_NEAR(c->ci_lo, lt.ratio_ci.lo, REL, 0);
        CHECK_NEAR(c->ci_hi, lt.ratio_ci.hi, REL, 0);
    }
    c = comparison(an, "all", cond, ICTUS_TEST_RATE_RATIO, ICTUS_VERSUS_BASELINE);
    ictus_rate_ratio_result rr;
    CHECK(ictus_stats_rate_ratio(40, 1056, 102, 960, 0.95, ICTUS_ALT_TWO_SIDED, &rr, &err) ==
          ICTUS_OK);
    if (c) {
        CHECK_INT(c->count, 40);
        CHECK_INT(c->ref_count, 102);
        CHECK_NEAR(c->estimate, (40.0 / 1056) / (102.0 / 960), REL, 0);
        CHECK_NEAR(c->ci_lo, rr.ci.lo, REL, 0);
        CHECK_NEAR(c->p, rr.p, REL, 0);
    }
    /* Proportions: determined r1 s1 f1 n1 w1 ov co; responders r1 s1 f1 ov co. */
    c = comparison(an, "all", cond, ICTUS_TEST_RESPONDER_RATE, ICTUS_VERSUS_NONE);
    ictus_interval ci;
    CHECK(ictus_stats_clopper_pearson(5, 7, 0.95, ICTUS_ALT_TWO_SIDED, &ci, &err) == ICTUS_OK);
    if (c) {
        CHECK_INT(c->n, 7);
        CHECK_INT(c->k, 5);
        CHECK_NEAR(c->ci_lo, ci.lo, REL, 0);
        CHECK_NEAR(c->ci_hi, ci.hi, REL, 0);
    }
    c = comparison(an, "all", cond, ICTUS_TEST_SEIZURE_FREE_RATE, ICTUS_VERSUS_NONE);
    if (c) {
        CHECK_INT(c->k, 1);
        CHECK_INT(c->n, 7);
    }
    /* Fisher vs vehicle: determined vehicles r1 s1 f1 u1 n1 w1 ov co, none responds. */
    c = comparison(an, "all", cond, ICTUS_TEST_FISHER_RESPONDERS, ICTUS_VERSUS_VEHICLE);
    ictus_table2x2 t = {5, 2, 0, 8};
    ictus_fisher_result fr;
    CHECK(ictus_stats_fisher_exact(&t, ICTUS_ALT_TWO_SIDED, &fr, &err) == ICTUS_OK);
    if (c) {
        CHECK_INT(c->n_ref, 8);
        CHECK_INT(c->k_ref, 0);
        CHECK_NEAR(c->p, fr.p, REL, 0);
        CHECK(c->p < 0.05);
    }
    /* Wilcoxon vs vehicle: the same animals' vehicle rates. */
    c = comparison(an, "all", cond, ICTUS_TEST_WILCOXON, ICTUS_VERSUS_VEHICLE);
    if (c)
        CHECK_INT(c->n, 11); /* nb (no baseline) and z0 (no seizure) pair with their vehicle */
    /* Mann–Whitney between groups on % change: A = r1 f1 n1 sp co, B = s1 u1 w1 ov. */
    c = comparison(an, "all", cond, ICTUS_TEST_MANN_WHITNEY, ICTUS_VERSUS_GROUP);
    double a[5], b[4];
    const char *ga[] = {"r1", "f1", "n1", "sp", "co"}, *gb[] = {"s1", "u1", "w1", "ov"};
    for (int i = 0; i < 5; i++)
        a[i] = cbz20(an, ga[i], "all") ? cbz20(an, ga[i], "all")->response.pct_change : NAN;
    for (int i = 0; i < 4; i++)
        b[i] = cbz20(an, gb[i], "all") ? cbz20(an, gb[i], "all")->response.pct_change : NAN;
    ictus_mwu_options mo = {.method = ICTUS_PMETHOD_EXACT, .continuity = true};
    ictus_mwu_result mr;
    CHECK(ictus_stats_mannwhitneyu(a, 5, b, 4, &mo, &mr, &err) == ICTUS_OK);
    if (c) {
        CHECK_STR(c->group_a, "A");
        CHECK_STR(c->group_b, "B");
        CHECK_INT(c->n, 5);
        CHECK_INT(c->n_ref, 4);
        CHECK_NEAR(c->statistic, mr.u1, REL, 0);
        CHECK_NEAR(c->p, mr.p, REL, 0);
    }
    /* A test that cannot run keeps its row with a note. */
    const ictus_outcome *co40 = outcome(an, "co", ICTUS_PERIOD_TREATMENT, "carbamazepine", 40,
                                        "all");
    if (co40 && (c = comparison(an, "all", co40->condition, ICTUS_TEST_LOG_TTEST,
                                ICTUS_VERSUS_BASELINE))) {
        CHECK_INT(c->n, 1);
        CHECK(isnan(c->p));
        CHECK_STR(c->note, "fewer than 2 pairs");
    }
}

/* ------------------------------------------------------------------------
 * Files
 * ---------------------------------------------------------------------- */

static char *read_text(const char *path)
{
    char *text;
    size_t n;
    return ictus_read_file(path, &text, &n, NULL) == ICTUS_OK ? text : NULL;
}

/* The row of table t whose columns names[i] equal values[i] (i < n), or -1. */
static int find_row(const ictus_csv *t, const char *const *names, const char *const *values,
                    int n)
{
    for (int row = 0; row < ictus_csv_rows(t); row++) {
        bool match = true;
        for (int i = 0; i < n && match; i++)
            match = strcmp(ictus_csv_field(t, row, ictus_csv_column(t, names[i])), values[i]) == 0;
        if (match)
            return row;
    }
    return -1;
}

static const char *field(const ictus_csv *t, int row, const char *name)
{
    int col = ictus_csv_column(t, name);
    CHECK_MSG(col >= 0, "no column %s in %s", name, ictus_csv_path(t));
    return row >= 0 && col >= 0 ? ictus_csv_field(t, row, col) : "(none)";
}

static ictus_csv *read_csv(const char *out, const char *name)
{
    char *p = ictus_path_join_alloc(out, name);
    ictus_csv *t = NULL;
    ictus_error err = {0};
    CHECK_MSG(ictus_csv_read(p, &t, &err) == ICTUS_OK, "%s", err.msg);
    free(p);
    return t;
}

/* Entries of directory `dir` other than "." and "..". */
static int count_files(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    if (d)
        closedir(d);
    return n;
}

static void check_files(const ictus_analysis *an, const char *dir)
{
    char *out = ictus_path_join_alloc(dir, "out");
    ictus_error err = {0};
    CHECK_MSG(ictus_analysis_write(an, out, &err) == ICTUS_OK, "%s", err.msg);
    /* Exactly the four files, daily.csv and survival_outcomes.h's three (time_to_event.csv,
     * time_to_event_groups.csv, survival-settings.txt): no temporary file left behind. */
    CHECK_INT(count_files(out), 8);

    /* The hash is that of the analysis.* lines of analysis-settings.txt. */
    char *settings_path = ictus_path_join_alloc(out, "analysis-settings.txt");
    char *text = read_text(settings_path);
    CHECK(text != NULL);
    ictus_strbuf analysis_lines = {0};
    for (char *line = text ? strtok(text, "\n") : NULL; line; line = strtok(NULL, "\n"))
        if (strncmp(line, "analysis.", 9) == 0)
            ictus_strbuf_addf(&analysis_lines, "%s\n", line);
    char *lines = ictus_strbuf_take(&analysis_lines), hex[ICTUS_HASH_HEX_SIZE];
    ictus_hash128_format(ictus_hash_bytes(lines, strlen(lines)), hex);
    CHECK_STR(hex, an->settings_hash);
    CHECK(strstr(lines, "analysis.responder_pct=50\n") != NULL);
    CHECK(strstr(lines, "analysis.baseline=all\n") != NULL);
    free(lines);
    free(text);
    free(settings_path);

    ictus_csv *t = read_csv(out, "periods.csv");
    if (t) {
        CHECK_STR(ictus_csv_column_name(t, 0), "animal");
        CHECK_INT(ictus_csv_columns(t), 33 + 24 + 4);
        CHECK_STR(ictus_csv_column_name(t, 57), "n_detected");
        CHECK_STR(ictus_csv_column_name(t, 60), "n_added");
        CHECK_STR(ictus_csv_column_name(t, 33), "count_h00");
        CHECK_INT(ictus_csv_rows(t), (int)an->n_periods);
        const char *names[] = {"animal", "period", "type"}, *values[] = {"r1", "2", "all"};
        int row = find_row(t, names, values, 3);
        CHECK(row >= 0);
        CHECK_STR(field(t, row, "kind"), "treatment");
        CHECK_STR(field(t, row, "drug"), "carbamazepine");
        CHECK_STR(field(t, row, "start"), "2026-01-09T00:00:00.000");
        CHECK_STR(field(t, row, "analysable_h"), "96");
        CHECK_STR(field(t, row, "count"), "4");
        CHECK_STR(field(t, row, "rate_per_24h"), "1");
        CHECK_STR(field(t, row, "baseline_rate_per_24h"), "3");
        CHECK_STR(field(t, row, "pct_change"), "-66.66667");
        CHECK_STR(field(t, row, "count_h12"), "4");
        CHECK_STR(field(t, row, "settings_hash"), an->settings_hash);
        CHECK_STR(field(t, row, "n_detected"), "4");
        CHECK_STR(field(t, row, "n_reviewed"), "0");
        CHECK_STR(field(t, row, "review_coverage"), "0");
        CHECK_STR(field(t, row, "n_added"), "0");
        const char *nr_values[] = {"nr", "2", "all"};
        row = find_row(t, names, nr_values, 3);
        CHECK_STR(field(t, row, "rate_per_24h"), "");
        CHECK_STR(field(t, row, "analysable_h"), "0");
        CHECK_STR(field(t, row, "n_detected"), "0");
        CHECK_STR(field(t, row, "review_coverage"), "");
        ictus_csv_destroy(t);
    }
    if ((t = read_csv(out, "responders.csv"))) {
        CHECK_INT(ictus_csv_columns(t), 30);
        const char *names[] = {"animal", "condition", "drug", "dose_mg_kg", "type"};
        const char *f1[] = {"f1", "treatment", "carbamazepine", "20", "all"};
        int row = find_row(t, names, f1, 5);
        CHECK_STR(field(t, row, "class"), "seizure_free");
        CHECK_STR(field(t, row, "course"), "remission");
        CHECK_STR(field(t, row, "trial"), "adequate");
        CHECK_STR(field(t, row, "seizure_free_needed_h"), "36");
        CHECK_STR(field(t, row, "lines"), "14");
        const char *co[] = {"co", "treatment", "carbamazepine", "20", "all"};
        row = find_row(t, names, co, 5);
        CHECK_STR(field(t, row, "lines"), "65|68");
        CHECK_STR(field(t, row, "block_days"), "8");
        const char *ia[] = {"ia", "treatment", "carbamazepine", "10", "all"};
        row = find_row(t, names, ia, 5);
        CHECK_STR(field(t, row, "trial"), "inadequate");
        CHECK_STR(field(t, row, "inadequate_why"), "low_dose");
        CHECK_STR(field(t, row, "target_dose_mg_kg"), "20");
        const char *z0[] = {"z0", "treatment", "carbamazepine", "20", "all"};
        row = find_row(t, names, z0, 5);
        CHECK_STR(field(t, row, "undetermined_why"), "baseline_seizure_free");
        CHECK_STR(field(t, row, "pct_change"), "");
        const char *n1[] = {"n1", "treatment", "levetiracetam", "50", "all"};
        row = find_row(t, names, n1, 5);
        CHECK_STR(field(t, row, "drug_resistance"), "resistant");
        CHECK_STR(field(t, row, "failed_drugs"), "2");
        const char *veh[] = {"r1", "vehicle", "saline", "", "all"};
        row = find_row(t, names, veh, 5);
        CHECK_STR(field(t, row, "trial"), "");
        const char *base[] = {"baseline"};
        const char *kind_name[] = {"condition"};
        CHECK_INT(find_row(t, kind_name, base, 1), -1); /* baselines are not listed */
        ictus_csv_destroy(t);
    }
    if ((t = read_csv(out, "comparisons.csv"))) {
        CHECK_INT(ictus_csv_columns(t), 26);
        CHECK_INT(ictus_csv_rows(t), (int)an->n_comparisons);
        const char *names[] = {"type", "drug", "dose_mg_kg", "test", "versus"};
        const char *fisher[] = {"all", "carbamazepine", "20", "fisher_responders", "vehicle"};
        int row = find_row(t, names, fisher, 5);
        CHECK_STR(field(t, row, "n"), "7");
        CHECK_STR(field(t, row, "k_ref"), "0");
        CHECK_STR(field(t, row, "estimate_of"), "odds_ratio");
        CHECK_STR(field(t, row, "ci_level"), "");
        const char *cp[] = {"all", "carbamazepine", "20", "responder_rate", ""};
        row = find_row(t, names, cp, 5);
        CHECK_STR(field(t, row, "estimate"), "0.7142857");
        CHECK_STR(field(t, row, "ci_level"), "0.95");
        ictus_csv_destroy(t);
    }
    free(out);
}

/* ------------------------------------------------------------------------
 * Cohort 1: load, settings, run
 * ---------------------------------------------------------------------- */

static ictus_analysis *load(const char *dir, ictus_study **study, const char *const *set, int n)
{
    ictus_analysis_options opt = {set, n};
    ictus_analysis *an = NULL;
    ictus_error err = {0};
    CHECK_MSG(ictus_analysis_load(dir, &opt, study, &an, &err) == ICTUS_OK, "%s", err.msg);
    return an;
}

static void test_cohort1(const char *dir)
{
    char *db = ictus_path_join_alloc(dir, "ictus.db");
    struct stat before, after;
    CHECK(stat(db, &before) == 0);
    ictus_study *study = NULL;
    ictus_analysis *an = load(dir, &study, NULL, 0);
    if (!an)
        return;
    CHECK_INT(study->problems.n, 1);
    if (study->problems.n)
        CHECK_MSG(strstr(study->problems.lines[0], "dosing.csv:3:1 (animal): unknown animal") !=
                      NULL, "%s", study->problems.lines[0]);
    CHECK_INT(an->n_events_excluded, 0);
    CHECK_INT(an->n_events_unknown_animal, 0);
    CHECK_INT(an->n_seizures, an->n_events - 7); /* ov's 2 + 3 + 2 events seen twice */
    CHECK_INT(an->n_detection, 1);
    check_periods(an);
    check_classes(an);
    check_statistics(an);
    check_files(an, dir);
    ictus_analysis_destroy(an);
    ictus_study_destroy(study);
    CHECK(stat(db, &after) == 0);
    CHECK(before.st_size == after.st_size && before.st_mtime == after.st_mtime);

    /* A setting changes classes, and the hash. */
    const char *stricter[] = {"analysis.responder_pct=70", "analysis.strict_pct=95"};
    an = load(dir, &study, stricter, 2);
    if (an) {
        expect_class(cbz20(an, "r1", "all"), ICTUS_CLASS_NON_RESPONDER, ICTUS_WHY_NONE);
        expect_class(cbz20(an, "s1", "all"), ICTUS_CLASS_RESPONDER, ICTUS_WHY_NONE);
        CHECK(strstr(an->settings_text, "analysis.responder_pct=70\n") != NULL);
        ictus_analysis_destroy(an);
        ictus_study_destroy(study);
    }
    /* Bad settings are refused. */
    const char *bad[][1] = {{"analysis.responder_pct=150"}, {"analysis.colour=blue"},
                            {"analysis.strict_pct=40"}, {"detector.on_ratio=3"},
                            {"analysis.baseline=nearest"}};
    const ictus_status expected[] = {ICTUS_ERR_CONFIG, ICTUS_ERR_CONFIG, ICTUS_ERR_CONFIG,
                                     ICTUS_ERR_USAGE, ICTUS_ERR_CONFIG};
    for (int i = 0; i < 5; i++) {
        ictus_analysis_options opt = {bad[i], 1};
        ictus_error err = {0};
        an = NULL;
        study = NULL;
        CHECK_MSG(ictus_analysis_load(dir, &opt, &study, &an, &err) == expected[i], "%s: %s",
                  bad[i][0], err.msg);
        CHECK(an == NULL && study == NULL);
    }

    ictus_analysis_summary sum;
    ictus_error err = {0};
    CHECK_MSG(ictus_analysis_run(dir, NULL, &sum, &err) == ICTUS_OK, "%s", err.msg);
    CHECK_INT(sum.problems.n, 1);
    CHECK_INT(sum.n_animals, 14);
    CHECK_INT(sum.n_types, 2);
    CHECK(sum.n_period_rows > 0 && sum.n_responder_rows > 0 && sum.n_comparison_rows > 0);
    ictus_analysis_summary_clear(&sum);
    CHECK_INT(sum.problems.n, 0);
    free(db);

    /* The same study under a path so long that its manifests fit but the
     * output files' temporary paths do not: refused naming the path, and
     * out/ keeps the files of the run above (before, they were written
     * under temporary names cut short). */
    const char *long_dir = support_long_path(dir, ICTUS_PATH_MAX - 1 - strlen("/annotations.csv"));
    char *out = ictus_path_join_alloc(dir, "out");
    int n_before = count_files(out);
    CHECK_INT(ictus_analysis_run(long_dir, NULL, &sum, &err), ICTUS_ERR_USAGE);
    CHECK_MSG(strncmp(err.msg, dir, strlen(dir)) == 0, "%s", err.msg);
    CHECK_MSG(strstr(err.msg, "path longer than 4095 bytes") != NULL, "%s", err.msg);
    CHECK_INT(count_files(out), n_before);
    ictus_analysis_summary_clear(&sum);
    free(out);
}

static void test_missing_store(void)
{
    char *dir = support_tmpdir("study");
    support_study_write(dir, "study.ini", ini1);
    support_study_write(dir, "animals.csv", "animal\nm1\n");
    ictus_study *study;
    ictus_analysis *an;
    ictus_error err = {0};
    CHECK(ictus_analysis_load(dir, NULL, &study, &an, &err) == ICTUS_ERR_IO);
    CHECK(strstr(err.msg, "ictus.db: missing") != NULL);
    char *db = ictus_path_join_alloc(dir, "ictus.db");
    CHECK(access(db, F_OK) != 0); /* not created */
    free(db);
    support_tmpdir_remove(dir);
}

/* ------------------------------------------------------------------------
 * Two cohorts
 * ---------------------------------------------------------------------- */

static const ictus_cohort_row *cohort_row(const ictus_compare_result *res, const char *type,
                                          const char *drug, double dose)
{
    for (int i = 0; i < res->n_rows; i++) {
        const ictus_cohort_row *r = &res->rows[i];
        bool vehicle = r->condition->kind == ICTUS_PERIOD_VEHICLE;
        if (strcmp(r->type, type) == 0 &&
            (drug ? !vehicle && strcmp(r->condition->drug, drug) == 0 &&
                        r->condition->dose_mg_kg == dose
                  : vehicle))
            return r;
    }
    CHECK_MSG(false, "no compare row %s %s %g", type, drug ? drug : "vehicle", dose);
    return NULL;
}

/* The ln rate ratios (Haldane +0.5) and finite % changes of the type-"all"
 * outcomes of drug at dose (NULL: the vehicle) in an[0..n), collected here
 * apart from cross_cohort.c's pooling. */
static void expected_ratios(const ictus_analysis *const *an, int n, const char *drug, double dose,
                            double *lr, size_t *n_lr, double *pct, size_t *n_pct)
{
    *n_lr = *n_pct = 0;
    for (int k = 0; k < n; k++)
        for (size_t i = 0; i < an[k]->n_outcomes; i++) {
            const ictus_outcome *o = &an[k]->outcomes[i];
            const ictus_condition *c = o->condition;
            if (o->type != 0 || (drug ? c->kind != ICTUS_PERIOD_TREATMENT ||
                                            strcasecmp(c->drug, drug) != 0 || c->dose_mg_kg != dose
                                      : c->kind != ICTUS_PERIOD_VEHICLE))
                continue;
            if (isfinite(o->response.pct_change))
                pct[(*n_pct)++] = o->response.pct_change;
            if (o->has_reference && o->ref.analysable_s > 0 && o->m.analysable_s > 0)
                lr[(*n_lr)++] = log((o->m.count + 0.5) / o->m.analysable_s *
                                    o->ref.analysable_s / (o->ref.count + 0.5));
        }
}

/* The intervals of comparison.csv's appended columns for CBZ 20 (type all). */
static void check_compare_intervals(const ictus_compare_result *res,
                                    const ictus_analysis *const *an)
{
    double lr[64], pct[64], veh[64], vpct[64];
    size_t n_lr, n_pct, n_veh, n_vpct;
    expected_ratios(an, 2, "carbamazepine", 20, lr, &n_lr, pct, &n_pct);
    expected_ratios(an, 2, NULL, 0, veh, &n_veh, vpct, &n_vpct);
    const ictus_cohort_row *r = cohort_row(res, "all", "carbamazepine", 20);
    const ictus_cohort_row *v = cohort_row(res, "all", NULL, 0);
    if (!r || !v)
        return;
    /* nb (no baseline) and nr (no data) have no ratio: 14 animals, 12 ratios. */
    CHECK_INT(r->n_animals, 14);
    CHECK_INT(r->n_rate_ratio, 12);
    CHECK_INT((int64_t)n_lr, 12);
    ictus_error err;
    ictus_t_result t;
    CHECK(ictus_stats_mean_t(lr, n_lr, 0.95, &t, &err) == ICTUS_OK);
    CHECK_NEAR(r->rate_ratio, exp(t.estimate), REL, 0);
    CHECK_NEAR(r->rate_ratio_ci_lo, exp(t.ci.lo), REL, 0);
    CHECK_NEAR(r->rate_ratio_ci_hi, exp(t.ci.hi), REL, 0);
    CHECK(r->rate_ratio_ci_lo < r->rate_ratio && r->rate_ratio < r->rate_ratio_ci_hi);
    CHECK(ictus_stats_welch_t(lr, n_lr, veh, n_veh, 0.95, &t, &err) == ICTUS_OK);
    CHECK_NEAR(r->rate_ratio_vs_vehicle, exp(t.estimate), REL, 0);
    CHECK_NEAR(r->rate_ratio_vs_vehicle_ci_lo, exp(t.ci.lo), REL, 0);
    CHECK_NEAR(r->rate_ratio_vs_vehicle_ci_hi, exp(t.ci.hi), REL, 0);
    CHECK_NEAR(r->rate_ratio_vs_vehicle_p, t.p, REL, 0);
    CHECK_INT(v->n_rate_ratio, (int64_t)n_veh);
    CHECK(isnan(v->rate_ratio_vs_vehicle) && isnan(v->rate_ratio_vs_vehicle_p));
    /* The median's interval: ends are two of the % changes, symmetric in rank. */
    ictus_median_ci_result mc;
    CHECK(ictus_stats_median_ci(pct, n_pct, 0.95, &mc, &err) == ICTUS_OK);
    CHECK(n_pct >= 6 && mc.rank_lo >= 1);
    CHECK_INT(r->n_pct_change, (int64_t)n_pct);
    CHECK_NEAR(r->median_pct_ci_lo, mc.ci.lo, 0, 0);
    CHECK_NEAR(r->median_pct_ci_hi, mc.ci.hi, 0, 0);
    CHECK(r->median_pct_ci_lo <= r->median_pct_change &&
          r->median_pct_change <= r->median_pct_ci_hi);
    /* Cohort 2's vehicle animals by hand: each 4 days against 4 days of
     * baseline with 8 seizures; vehicle 8, 6, 4: ratios 8.5, 6.5, 4.5 over 8.5. */
    const ictus_analysis *c2[] = {an[1]};
    expected_ratios(c2, 1, NULL, 0, veh, &n_veh, vpct, &n_vpct);
    CHECK_INT((int64_t)n_veh, 3);
    if (n_veh == 3) {
        CHECK_NEAR(veh[0], 0, 0, 1e-12);
        CHECK_NEAR(veh[1], log(6.5 / 8.5), 1e-12, 0);
        CHECK_NEAR(veh[2], log(4.5 / 8.5), 1e-12, 0);
    }
}

static void test_compare(const char *dir1)
{
    char *dir2 = support_tmpdir("study");
    CHECK(make_cohort2(dir2, ""));
    ictus_study *s1 = NULL, *s2 = NULL;
    ictus_analysis *a1 = load(dir1, &s1, NULL, 0), *a2 = load(dir2, &s2, NULL, 0);
    if (!a1 || !a2)
        goto done;
    const ictus_analysis *an[] = {a1, a2};
    const char *dirs[] = {dir1, dir2};
    ictus_compare_result *res = NULL;
    ictus_error err = {0};
    CHECK(ictus_compare_compute(an, dirs, 2, &res, &err) == ICTUS_OK);
    if (!res)
        goto done;
    CHECK(!res->mixed_settings);
    CHECK_STR(res->settings_hash, a1->settings_hash);
    /* (all, convulsive, hpd) × (vehicle, CBZ 10, 20, 40, LEV 50, VPA 300). */
    CHECK_INT(res->n_rows, 18);
    const ictus_cohort_row *r = cohort_row(res, "all", "carbamazepine", 20);
    if (r) {
        CHECK_STR(r->cohorts, "cohort1|cohort2");
        CHECK_INT(r->n_cohorts, 2);
        CHECK_INT(r->n_animals, 14);
        CHECK_INT(r->n_determined, 9);
        CHECK_INT(r->responders, 6);
        CHECK_INT(r->seizure_free, 1);
        CHECK_NEAR(r->median_pct_change, -50, REL, 0);
        CHECK_INT(r->n_vehicle, 11);
        CHECK_INT(r->vehicle_responders, 1);
        ictus_table2x2 t = {6, 3, 1, 10};
        ictus_fisher_result fr;
        CHECK(ictus_stats_fisher_exact(&t, ICTUS_ALT_TWO_SIDED, &fr, &err) == ICTUS_OK);
        CHECK_NEAR(r->fisher_p, fr.p, REL, 0);
        ictus_interval ci;
        CHECK(ictus_stats_clopper_pearson(6, 9, 0.95, ICTUS_ALT_TWO_SIDED, &ci, &err) ==
              ICTUS_OK);
        CHECK_NEAR(r->responder_ci_lo, ci.lo, REL, 0);
        CHECK_NEAR(r->responder_ci_hi, ci.hi, REL, 0);
        CHECK(r->mwu_p > 0 && r->mwu_p < 1);
    }
    if ((r = cohort_row(res, "all", NULL, 0))) {
        CHECK_INT(r->n_animals, 12 + 3);
        CHECK_INT(r->n_determined, 11);
        CHECK_INT(r->responders, 1);
        CHECK_INT(r->n_vehicle, -1);
        CHECK(isnan(r->fisher_p));
    }
    /* Cohort 2 saw no convulsive seizure: the type does not exist there. */
    if ((r = cohort_row(res, "convulsive", "carbamazepine", 20))) {
        CHECK_STR(r->cohorts, "cohort1");
        CHECK_INT(r->n_animals, 12);
    }
    check_compare_intervals(res, an);
    char *out = ictus_path_join_alloc(dir2, "compare");
    CHECK_MSG(ictus_compare_write(res, out, &err) == ICTUS_OK, "%s", err.msg);
    ictus_csv *t = read_csv(out, "comparison.csv");
    if (t) {
        CHECK_INT(ictus_csv_rows(t), 18);
        CHECK_INT(ictus_csv_columns(t), 36);
        const char *names[] = {"type", "drug", "dose_mg_kg"}, *values[] = {"all", "carbamazepine",
                                                                             "20"};
        int row = find_row(t, names, values, 3);
        CHECK_STR(field(t, row, "responders"), "6");
        CHECK_STR(field(t, row, "median_pct_change"), "-50");
        CHECK_STR(field(t, row, "settings_hash"), a1->settings_hash);
        CHECK_STR(field(t, row, "n_rate_ratio"), "12");
        const ictus_cohort_row *r20 = cohort_row(res, "all", "carbamazepine", 20);
        char want[32];
        snprintf(want, sizeof want, "%.7g", r20 ? r20->rate_ratio_vs_vehicle_ci_hi : NAN);
        CHECK_STR(field(t, row, "rate_ratio_vs_vehicle_ci_hi"), want);
        names[1] = "kind";
        values[1] = "vehicle";
        row = find_row(t, names, values, 2);
        CHECK_STR(field(t, row, "rate_ratio_vs_vehicle"), "");
        ictus_csv_destroy(t);
    }
    FILE *null = fopen("/dev/null", "w");
    ictus_compare_print(res, null);
    fclose(null);
    free(out);
    ictus_compare_destroy(res);

    /* Different settings in cohort 2: flagged as mixed. */
    ictus_analysis_destroy(a2);
    ictus_study_destroy(s2);
    CHECK(support_study_write(dir2, "study.ini",
                              "[study]\nname = cohort2\npreset = ihka-mouse\nmains_hz = 60\n"
                              "[drugs]\ncarbamazepine = 20\n[analysis]\ncluster_gap_min = 30\n"));
    a2 = load(dir2, &s2, NULL, 0);
    an[1] = a2;
    if (a2 && ictus_compare_compute(an, dirs, 2, &res, &err) == ICTUS_OK) {
        CHECK(res->mixed_settings);
        CHECK_STR(res->settings_hash, "mixed");
        ictus_compare_destroy(res);
    }
done:
    ictus_analysis_destroy(a1);
    ictus_analysis_destroy(a2);
    ictus_study_destroy(s1);
    ictus_study_destroy(s2);
    support_tmpdir_remove(dir2);
}

/* Reviews: an event marked not_seizure stops counting; "confirmed" counts only
 * confirmed events; "confirmed_or_score" also unreviewed ones at or above
 * min_score; unsure counts only under "detected"; a corrected type and edges
 * are what counts; an added event confirmed counts in every mode, a rejected
 * one in none.  r1's baseline (days 0-4) has 12 seizures: hpd at 06:00,
 * 18:00, ... and convulsive at 12:00, 36:00, ... (score 0.9). */
static void put_reviews(const char *dir, const ictus_store_review *reviews, int n)
{
    char *db = ictus_path_join_alloc(dir, "ictus.db");
    ictus_store *store = NULL;
    ictus_error err = {0};
    CHECK(ictus_store_open(db, &store, &err) == ICTUS_OK);
    for (int i = 0; i < n; i++)
        CHECK_MSG(ictus_store_put_review(store, &reviews[i], &err) == ICTUS_OK, "%s", err.msg);
    ictus_store_close(store);
    free(db);
}

/* r1's baseline row of `type` under the analysis.* `setting` (NULL: defaults):
 * its count; -1 when the analysis failed. */
static int64_t baseline_count(const char *dir, const char *setting, const char *type,
                              ictus_period_result *row)
{
    ictus_study *study;
    const char *set[] = {setting};
    ictus_analysis *an = load(dir, &study, setting ? set : NULL, setting ? 1 : 0);
    if (!an)
        return -1;
    const ictus_period_result *r = period_row(an, "r1", 1, type);
    int64_t count = r ? r->m.count : -1;
    if (r && row)
        *row = *r;
    CHECK_MSG((strstr(an->settings_text, "min_score") != NULL) ==
                  (setting && strstr(setting, "confirmed_or_score")), "%s", an->settings_text);
    ictus_analysis_destroy(an);
    ictus_study_destroy(study);
    return count;
}

static void test_reviews(const char *dir)
{
    ictus_store_review rejected = {.path = "recordings/r1/1.edf", .animal = "r1", .channel = "*",
                                   .start_us = 6 * H_US,
                                   .end_us = 6 * H_US + 30 * ICTUS_US_PER_S,
                                   .verdict = ICTUS_VERDICT_NOT_SEIZURE, .racine = -1,
                                   .reviewer = "tester", .reviewed_unix_us = 1767600000000000,
                                   .note = ""};
    ictus_store_review confirmed = rejected;
    confirmed.start_us = 12 * H_US;
    confirmed.end_us = confirmed.start_us + 30 * ICTUS_US_PER_S;
    confirmed.verdict = ICTUS_VERDICT_SEIZURE;
    put_reviews(dir, (ictus_store_review[]){rejected, confirmed}, 2);
    ictus_study *study;
    ictus_analysis *an = load(dir, &study, NULL, 0);
    if (an) {
        CHECK_INT(an->n_events_excluded, 1);
        const ictus_period_result *r = period_row(an, "r1", 1, "all");
        if (r)
            CHECK_INT(r->m.count, 11);
        ictus_analysis_destroy(an);
        ictus_study_destroy(study);
    }
    const char *only_confirmed[] = {"analysis.events=confirmed"};
    if ((an = load(dir, &study, only_confirmed, 1))) {
        CHECK_INT(an->n_events_excluded, an->n_events - 1);
        const ictus_period_result *r = period_row(an, "r1", 1, "convulsive");
        if (r)
            CHECK_INT(r->m.count, 1);
        CHECK_INT(an->n_seizures, 1);
        ictus_analysis_destroy(an);
        ictus_study_destroy(study);
    }

    /* A second reviewer corrects the confirmed one (type and edges: 60 s);
     * an unsure at 18:00; two added events, one rejected. */
    ictus_store_review fixed = confirmed, unsure = rejected, added = rejected;
    fixed.reviewer = "second";
    fixed.reviewed_unix_us += 1000;
    fixed.type = "myoclonic";
    fixed.has_fixed_edges = true;
    fixed.fixed_start_us = 12 * H_US - 10 * ICTUS_US_PER_S;
    fixed.fixed_end_us = 12 * H_US + 50 * ICTUS_US_PER_S;
    unsure.start_us = 18 * H_US;
    unsure.end_us = unsure.start_us + 30 * ICTUS_US_PER_S;
    unsure.verdict = ICTUS_VERDICT_UNSURE;
    added.start_us = 20 * H_US;
    added.end_us = added.start_us + 40 * ICTUS_US_PER_S;
    added.verdict = ICTUS_VERDICT_SEIZURE;
    added.added = true;
    ictus_store_review added_rejected = added;
    added_rejected.start_us = 21 * H_US;
    added_rejected.end_us = added_rejected.start_us + 40 * ICTUS_US_PER_S;
    added_rejected.verdict = ICTUS_VERDICT_NOT_SEIZURE;
    put_reviews(dir, (ictus_store_review[]){fixed, unsure, added, added_rejected}, 4);
    if ((an = load(dir, &study, NULL, 0))) {
        CHECK_INT(an->n_by_verdict[ICTUS_VERDICT_SEIZURE], 1);
        CHECK_INT(an->n_by_verdict[ICTUS_VERDICT_NOT_SEIZURE], 1);
        CHECK_INT(an->n_by_verdict[ICTUS_VERDICT_UNSURE], 1);
        CHECK_INT(an->n_by_verdict[ICTUS_VERDICT_NONE], an->n_events - 3);
        CHECK_INT(an->n_added_counted, 1);
        CHECK_INT(an->n_added_excluded, 1);
        ictus_analysis_destroy(an);
        ictus_study_destroy(study);
    }
    ictus_period_result row = {0};
    /* detected: 12 − rejected + added. */
    CHECK_INT(baseline_count(dir, NULL, "all", &row), 12);
    CHECK_INT(row.n_detected, 12);
    CHECK_INT(row.n_reviewed, 3);
    CHECK_INT(row.n_added, 1);
    CHECK_INT(baseline_count(dir, NULL, "myoclonic", &row), 1);
    CHECK_NEAR(row.m.seizure_s, 60, 0, 1e-9);
    CHECK_INT(row.n_detected, 1);
    CHECK_INT(baseline_count(dir, NULL, "convulsive", &row), 3);
    CHECK_INT(baseline_count(dir, NULL, "seizure", &row), 1);
    CHECK_INT(row.n_added, 1);
    CHECK_INT(row.n_detected, 0);
    /* confirmed: the corrected one and the added one. */
    CHECK_INT(baseline_count(dir, "analysis.events=confirmed", "all", &row), 2);
    CHECK_INT(row.n_detected, 12);
    /* confirmed_or_score: the confirmed, the 9 unreviewed at 0.9, the added. */
    CHECK_INT(baseline_count(dir, "analysis.events=confirmed_or_score", "all", NULL), 11);
    CHECK_INT(baseline_count(dir, "analysis.min_score=0.95", "all", NULL), 12);
    const char *strict[] = {"analysis.events=confirmed_or_score", "analysis.min_score=0.95"};
    if ((an = load(dir, &study, strict, 2))) {
        const ictus_period_result *r = period_row(an, "r1", 1, "all");
        if (r)
            CHECK_INT(r->m.count, 2);
        CHECK(strstr(an->settings_text, "analysis.min_score=0.95\n") != NULL);
        ictus_analysis_destroy(an);
        ictus_study_destroy(study);
    }
}

int main(void)
{
    t0_us = ictus_walltime_from_civil(2026, 1, 5, 0, 0, 0, 0);
    char *dir = support_tmpdir("study");
    CHECK(make_cohort1(dir));
    test_cohort1(dir);
    test_missing_store();
    test_compare(dir);
    test_reviews(dir);
    support_tmpdir_remove(dir);
    return check_done("test_analysis");
}
