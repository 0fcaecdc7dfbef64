/* test_survival_outcomes.c: time to event, survival and SUDEP flags of a hand-made study
 * (protocols/survival_outcomes.c).
 *
 * A study written by the test, its recordings and events put into
 * STUDY/ictus.db through the store's API (tests/support_study.h).  Every
 * animal: baseline days 0–4 with 8 hpd evenly spaced (2 per 24 h, so the
 * baseline count over a 4-day block is N = 8), carbamazepine 20 mg/kg ip
 * days 4–8, vehicle days 8–12; recorded days 0–12 unless said.
 *   a1  CBZ: seizures at 4 d + 10 h and then every 6 h (8th at 4 d + 52 h);
 *       vehicle: first at 8 d + 2 h: first 10 h, baseline_count 52 h, vehicle 2 h
 *   a2  recorded days 0–5, 5 d + 5 min – 6 (a 5-minute gap, under
 *       max_gap_min = 10: ignored) and 6 d + 12 h – 12 (a 12 h gap): CBZ's
 *       first seizure at 4 d + 20 h (20 h), its 8th never: censored by the
 *       gap at 48 h; vehicle: no seizure: block_end 96 h
 *   a3  dies at day 6; a convulsive seizure ends 30 min before (no recording
 *       file to read: no_eeg_after), CBZ's first at 47.5 h less 30 s;
 *       baseline_count censored by death at 48 h; vehicle: by death at 0 h
 *   a4  recorded days 0–6, dies at day 7; its convulsive seizure at 5 d +
 *       20 h (CBZ first: 44 h) ends 28 h before death (too early)
 *   a5  CBZ in two blocks (days 4–6 and 8–10, washout 6–8 with a seizure at
 *       day 7 that does not count), seizure at 8 d + 5 h: time 53 h; no vehicle;
 *       dies at day 11 with no convulsive seizure (no_gtcs)
 *   a6  no baseline: baseline_count has no target
 * Proves: the per-animal times, events and censoring above; the group
 * Kaplan–Meier estimates and log-rank tests are those of survival.h called
 * directly on the rows, and the medians, their intervals and the log-rank
 * tests (time to first seizure, vehicle vs CBZ; survival, wt vs het) are
 * statsmodels' on the hand-derived rows (tests/fixtures/time_to_event.txt,
 * gen_time_to_event.py) to 1e-6 relative (p: or 1e-12 absolute);
 * survival.csv's origin (birth; the first recording with origin = start),
 * times, deaths and SUDEP reasons; the CSV
 * files' columns; a study without `death` gets no survival files; a study
 * whose animals.csv lacks the columns loads as before (death unknown); a
 * death_cause without a death is a problem; a bad [survival] key is refused;
 * the post-ictal suppression ratio of a written EDF: ~0.1 when the noise of
 * both leads drops to a tenth after the seizure under 4× louder 50 Hz hum
 * (averaged away), ~1 when one lead stays, none without post-ictal data or
 * without the file.
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/csvtable.h"
#include "base/path.h"
#include "base/strbuf.h"
#include "base/vec.h"
#include "base/walltime.h"
#include "pipeline/source/edfwrite.h"
#include "protocols/analysis.h"
#include "protocols/survival_outcomes.h"
#include "tests/check.h"
#include "tests/support_study.h"
#include "tests/support_tmp.h"

#define H_US (INT64_C(3600) * ICTUS_US_PER_S)
#define DAY_US (24 * H_US)
#define REL 1e-12

static int64_t t0_us; /* 2026-01-05T00:00 */

static int64_t at(double d, double h) { return t0_us + (int64_t)llround(d * DAY_US + h * H_US); }

typedef struct {
    support_event *ev;
    int n, cap;
} event_list;

static void add(event_list *l, int64_t start, const char *type)
{
    ICTUS_GROW(l->ev, l->n + 1, l->cap);
    l->ev[l->n++] = (support_event){start, 30 * ICTUS_US_PER_S, type};
}

static void baseline(event_list *l)
{
    for (int i = 0; i < 8; i++)
        add(l, at(0, 6 + 12 * i), "hpd");
}

/* The events of l starting in [t0, t1). */
static bool put(support_store *s, const char *animal, int64_t t0, int64_t t1, const event_list *l)
{
    event_list in = {0};
    for (int i = 0; i < l->n; i++)
        if (l->ev[i].start_us >= t0 && l->ev[i].start_us < t1)
            add(&in, l->ev[i].start_us, l->ev[i].type);
    bool ok = support_store_recording(s, animal, t0, t1 - t0, 1.0, in.ev, in.n);
    free(in.ev);
    return ok;
}

static const char *date(double d)
{
    static char buf[8][32];
    static int next;
    char *b = buf[next++ % 8];
    return ictus_walltime_format(at(d, 0), b, 32);
}

static void rows(ictus_strbuf *dosing, const char *animal, bool with_baseline, bool vehicle)
{
    if (with_baseline)
        ictus_strbuf_addf(dosing, "%s,baseline,,,,%s,%s\n", animal, date(0), date(4));
    ictus_strbuf_addf(dosing, "%s,treatment,carbamazepine,20,ip,%s,%s\n", animal, date(4),
                      date(8));
    if (vehicle)
        ictus_strbuf_addf(dosing, "%s,vehicle,saline,,ip,%s,%s\n", animal, date(8), date(12));
}

static const char *const original_animals =
    "animal,group,birth_date,death,death_cause\n"
    "a1,wt,2025-11-05,,\n"
    "a2,wt,2025-11-05,,\n"
    "a3,het,2025-11-05,2026-01-11T00:00,found dead\n"
    "a4,het,2025-11-05,2026-01-12T00:00,found dead\n"
    "a5,het,2025-11-05,2026-01-16T00:00,\"euthanised, \"\"weight\"\"\"\n"
    "a6,wt,2025-11-05,,\n";

static bool make_study(const char *dir)
{
    bool ok = support_study_write(dir, "study.ini",
                                  "[study]\nname = surv\npreset = ihka-mouse\nmains_hz = 50\n"
                                  "[survival]\nmax_gap_min = 10\n");
    ok = ok && support_study_write(dir, "animals.csv", original_animals);
    ictus_strbuf dosing = {0};
    ictus_strbuf_add(&dosing, "animal,period,drug,dose_mg_kg,route,start,end\n");
    rows(&dosing, "a1", true, true);
    rows(&dosing, "a2", true, true);
    rows(&dosing, "a3", true, true);
    rows(&dosing, "a4", true, true);
    ictus_strbuf_addf(&dosing, "a5,baseline,,,,%s,%s\n", date(0), date(4));
    ictus_strbuf_addf(&dosing, "a5,treatment,carbamazepine,20,ip,%s,%s\n", date(4), date(6));
    ictus_strbuf_addf(&dosing, "a5,washout,,,,%s,%s\n", date(6), date(8));
    ictus_strbuf_addf(&dosing, "a5,treatment,carbamazepine,20,ip,%s,%s\n", date(8), date(10));
    rows(&dosing, "a6", false, true);
    ok = ok && support_study_write(dir, "dosing.csv", ictus_strbuf_text(&dosing));
    ictus_strbuf_free(&dosing);

    support_store s;
    if (!ok || !support_store_open(&s, dir))
        return false;
    event_list l[6] = {{0}};
    for (int a = 0; a < 5; a++)
        baseline(&l[a]);
    for (int i = 0; i < 8; i++)
        add(&l[0], at(4, 10 + 6 * i), "hpd");
    add(&l[0], at(8, 2), "hpd");
    add(&l[1], at(4, 20), "hpd");
    add(&l[2], at(5, 23.5) - 30 * ICTUS_US_PER_S, "convulsive"); /* ends 23:30 on day 5 */
    add(&l[3], at(5, 20), "convulsive");                           /* recorded: before day 6 */
    add(&l[4], at(7, 0), "hpd");
    add(&l[4], at(8, 5), "hpd");
    add(&l[5], at(9, 0), "hpd");
    ok = put(&s, "a1", at(0, 0), at(12, 0), &l[0]) &&
         put(&s, "a2", at(0, 0), at(5, 0), &l[1]) &&
         put(&s, "a2", at(5, 5.0 / 60), at(6, 0), &l[1]) &&
         put(&s, "a2", at(6, 12), at(12, 0), &l[1]) &&
         put(&s, "a3", at(0, 0), at(6, 0), &l[2]) && put(&s, "a4", at(0, 0), at(6, 0), &l[3]) &&
         put(&s, "a5", at(0, 0), at(12, 0), &l[4]) && put(&s, "a6", at(4, 0), at(12, 0), &l[5]);
    for (int a = 0; a < 6; a++)
        free(l[a].ev);
    support_store_close(&s);
    return ok;
}

static const ictus_tte_row *row_of(const ictus_survival_outcomes *so, const char *animal,
                                   ictus_period_kind kind, int type, ictus_tte_endpoint e)
{
    for (size_t i = 0; i < so->n_rows; i++) {
        const ictus_tte_row *r = &so->rows[i];
        if (strcmp(so->an->study->animals[r->animal].id, animal) == 0 &&
            r->condition->kind == kind && r->type == type && r->endpoint == e)
            return r;
    }
    CHECK_MSG(false, "no row %s %d %d %d", animal, kind, type, e);
    return NULL;
}

static void expect(const ictus_survival_outcomes *so, const char *animal, ictus_period_kind kind,
                   ictus_tte_endpoint e, int64_t target, double time_h, bool event,
                   ictus_censor censor)
{
    const ictus_tte_row *r = row_of(so, animal, kind, 0, e);
    if (!r)
        return;
    CHECK_MSG(r->target == target, "%s %d: target %lld, expected %lld", animal, e,
              (long long)r->target, (long long)target);
    if (isnan(time_h))
        CHECK_MSG(isnan(r->time_h), "%s %d: time %g, expected none", animal, e, r->time_h);
    else
        CHECK_MSG(fabs(r->time_h - time_h) < 1e-9, "%s %s %d: time %g h, expected %g", animal,
                  ictus_period_kind_name(kind), e, r->time_h, time_h);
    if (!isnan(time_h))
        CHECK_MSG(r->event == event && r->censor == censor, "%s %s %d: event %d censor %d",
                  animal, ictus_period_kind_name(kind), e, r->event, r->censor);
}

static void check_rows(const ictus_survival_outcomes *so)
{
    expect(so, "a1", ICTUS_PERIOD_TREATMENT, ICTUS_TTE_FIRST, 1, 10, true, ICTUS_CENSOR_NONE);
    expect(so, "a1", ICTUS_PERIOD_TREATMENT, ICTUS_TTE_BASELINE_COUNT, 8, 52, true,
           ICTUS_CENSOR_NONE);
    expect(so, "a1", ICTUS_PERIOD_VEHICLE, ICTUS_TTE_FIRST, 1, 2, true, ICTUS_CENSOR_NONE);
    expect(so, "a2", ICTUS_PERIOD_TREATMENT, ICTUS_TTE_FIRST, 1, 20, true, ICTUS_CENSOR_NONE);
    expect(so, "a2", ICTUS_PERIOD_TREATMENT, ICTUS_TTE_BASELINE_COUNT, 8, 48, false,
           ICTUS_CENSOR_GAP);
    expect(so, "a2", ICTUS_PERIOD_VEHICLE, ICTUS_TTE_FIRST, 1, 96, false, ICTUS_CENSOR_BLOCK_END);
    expect(so, "a3", ICTUS_PERIOD_TREATMENT, ICTUS_TTE_FIRST, 1, 24 + 23.5 - 30 / 3600.0, true,
           ICTUS_CENSOR_NONE);
    expect(so, "a3", ICTUS_PERIOD_TREATMENT, ICTUS_TTE_BASELINE_COUNT, 8, 48, false,
           ICTUS_CENSOR_DEATH);
    expect(so, "a4", ICTUS_PERIOD_TREATMENT, ICTUS_TTE_BASELINE_COUNT, 8, 48, false,
           ICTUS_CENSOR_GAP);
    expect(so, "a3", ICTUS_PERIOD_VEHICLE, ICTUS_TTE_FIRST, 1, 0, false, ICTUS_CENSOR_DEATH);
    expect(so, "a4", ICTUS_PERIOD_TREATMENT, ICTUS_TTE_FIRST, 1, 44, true, ICTUS_CENSOR_NONE);
    expect(so, "a4", ICTUS_PERIOD_VEHICLE, ICTUS_TTE_FIRST, 1, 0, false, ICTUS_CENSOR_DEATH);
    expect(so, "a6", ICTUS_PERIOD_VEHICLE, ICTUS_TTE_FIRST, 1, 24, true, ICTUS_CENSOR_NONE);
    expect(so, "a5", ICTUS_PERIOD_TREATMENT, ICTUS_TTE_FIRST, 1, 53, true, ICTUS_CENSOR_NONE);
    expect(so, "a6", ICTUS_PERIOD_TREATMENT, ICTUS_TTE_FIRST, 1, 96, false,
           ICTUS_CENSOR_BLOCK_END);
    expect(so, "a6", ICTUS_PERIOD_TREATMENT, ICTUS_TTE_BASELINE_COUNT, 0, NAN, false,
           ICTUS_CENSOR_NONE);
}

/* The group's estimate equals survival.h on its rows; the log-rank tests too. */
static void check_groups(const ictus_survival_outcomes *so)
{
    CHECK(so->n_groups > 0);
    for (size_t g = 0; g < so->n_groups; g++) {
        const ictus_tte_group *G = &so->groups[g];
        double t[16];
        bool ev[16];
        size_t n = 0;
        for (size_t i = 0; i < so->n_rows && n < 16; i++) {
            const ictus_tte_row *r = &so->rows[i];
            if (r->type == G->type && r->endpoint == G->endpoint && !isnan(r->time_h) &&
                ictus_condition_same(r->condition, G->condition)) {
                t[n] = r->time_h;
                ev[n++] = r->event;
            }
        }
        CHECK_INT(G->km.n_animals, n);
        ictus_km km = {0};
        ictus_error err = {0};
        if (n == 0 || ictus_km_estimate(t, ev, n, ICTUS_KM_LOGLOG, 0.95, &km, &err) != ICTUS_OK)
            continue;
        CHECK_INT(km.n_times, G->km.n_times);
        for (size_t j = 0; j < km.n_times && j < G->km.n_times; j++)
            CHECK_NEAR(G->km.surv[j], km.surv[j], REL, 0);
        ictus_km_quantile_result q;
        CHECK(ictus_km_quantile(&km, 0.5, &q, &err) == ICTUS_OK);
        CHECK(isnan(q.time) ? isnan(G->median.time) : q.time == G->median.time);
        ictus_km_free(&km);
    }
    /* Treatment vs vehicle, type all, first seizure: by hand from the rows. */
    bool found = false;
    for (size_t i = 0; i < so->n_tests; i++) {
        const ictus_logrank_row *lr = &so->tests[i];
        if (lr->type != 0 || lr->endpoint != ICTUS_TTE_FIRST || lr->group < 0)
            continue;
        found = true;
        /* vehicle (group 0): a1 2 e, a2 96 c, a3 0 c, a4 0 c, a6 ...; CBZ: a1..a6 */
        double t[16];
        bool ev[16];
        size_t grp[16], n = 0;
        for (size_t k = 0; k < so->n_rows; k++) {
            const ictus_tte_row *r = &so->rows[k];
            if (r->type || r->endpoint != ICTUS_TTE_FIRST || isnan(r->time_h))
                continue;
            t[n] = r->time_h;
            ev[n] = r->event;
            grp[n++] = r->condition->kind == ICTUS_PERIOD_VEHICLE ? 0 : 1;
        }
        ictus_logrank_result want;
        ictus_error err = {0};
        CHECK(ictus_logrank(t, ev, grp, n, 2, NULL, NULL, &want, &err) == ICTUS_OK);
        CHECK(lr->done);
        CHECK_NEAR(lr->r.chi2, want.chi2, REL, 0);
        CHECK_NEAR(lr->r.p, want.p, REL, 1e-300);
    }
    CHECK(found);
}

static void check_survival(const ictus_survival_outcomes *so)
{
    CHECK(so->has_survival);
    const ictus_survival_row *r = so->survival;
    int64_t birth = ictus_walltime_from_civil(2025, 11, 5, 0, 0, 0, 0);
    CHECK(r[0].included && !r[0].died && r[0].origin_us == birth);
    CHECK_NEAR(r[0].time_d, (double)(at(12, 0) - birth) / DAY_US, REL, 0);
    CHECK(r[2].died && r[2].why == ICTUS_SUDEP_NO_EEG_AFTER && !r[2].probable_sudep);
    CHECK(r[2].gtcs_end_us == at(5, 23.5));
    CHECK_NEAR(r[2].time_d, (double)(at(6, 0) - birth) / DAY_US, REL, 0);
    CHECK(r[3].died && r[3].why == ICTUS_SUDEP_GTCS_TOO_EARLY);
    CHECK(r[4].died && r[4].why == ICTUS_SUDEP_NO_GTCS);
    CHECK_INT(so->n_survival_groups, 2);
    CHECK_STR(so->survival_groups[0].name, "wt");
    CHECK_INT(so->survival_groups[1].km.n_events, 3);
    CHECK(so->survival_test.done); /* wt: no death, het: 3 */
}

/* ---- statsmodels (tests/fixtures/time_to_event.txt) ---------------------- */

#define FIXTURE "tests/fixtures/time_to_event.txt"

static bool same(double got, double want)
{
    if (isnan(want) || isinf(want))
        return isnan(want) ? isnan(got) : isinf(got) || isnan(got);
    return fabs(got - want) <= 1e-6 * fabs(want) + 1e-12;
}

static void check_median(const char *name, const ictus_km *km,
                         const ictus_km_quantile_result *m, const char *line)
{
    char nm[64];
    int n, ev;
    double med, lo, hi;
    if (sscanf(line, "median %63s %d %d %lf %lf %lf", nm, &n, &ev, &med, &lo, &hi) != 6 ||
        strcmp(nm, name) != 0)
        return;
    CHECK_MSG((int)km->n_animals == n && (int)km->n_events == ev, "%s: n %zu events %zu", name,
              km->n_animals, km->n_events);
    CHECK_MSG(same(m->time, med) && same(m->ci.lo, lo) && same(m->ci.hi, hi),
              "%s: median %g [%g, %g], statsmodels %g [%g, %g]", name, m->time, m->ci.lo,
              m->ci.hi, med, lo, hi);
}

static void check_logrank(const char *name, const ictus_logrank_row *t, const char *line)
{
    char nm[64];
    double chi2, p;
    if (sscanf(line, "logrank %63s %lf %lf", nm, &chi2, &p) != 3 || strcmp(nm, name) != 0)
        return;
    CHECK_MSG(t && t->done && same(t->r.chi2, chi2) && same(t->r.p, p),
              "%s: chi2 %g p %g, statsmodels %g %g", name, t ? t->r.chi2 : NAN,
              t ? t->r.p : NAN, chi2, p);
}

static void check_statsmodels(const ictus_survival_outcomes *so)
{
    FILE *f = fopen(FIXTURE, "r");
    CHECK_MSG(f != NULL, "%s: cannot open", FIXTURE);
    if (!f)
        return;
    const ictus_tte_group *veh = NULL, *cbz = NULL;
    for (size_t g = 0; g < so->n_groups; g++) {
        const ictus_tte_group *G = &so->groups[g];
        if (G->type == 0 && G->endpoint == ICTUS_TTE_FIRST)
            *(G->condition->kind == ICTUS_PERIOD_VEHICLE ? &veh : &cbz) = G;
    }
    const ictus_logrank_row *pair = NULL;
    for (size_t i = 0; i < so->n_tests; i++)
        if (so->tests[i].type == 0 && so->tests[i].endpoint == ICTUS_TTE_FIRST &&
            so->tests[i].group >= 0)
            pair = &so->tests[i];
    CHECK(veh && cbz && pair);
    char line[512];
    int n = 0;
    while (veh && cbz && fgets(line, sizeof line, f)) {
        if (line[0] == '#')
            continue;
        n++;
        check_median("vehicle_first", &veh->km, &veh->median, line);
        check_median("cbz_first", &cbz->km, &cbz->median, line);
        check_logrank("cbz_vs_vehicle_first", pair, line);
        check_median("survival_wt", &so->survival_groups[0].km, &so->survival_groups[0].median,
                     line);
        check_median("survival_het", &so->survival_groups[1].km, &so->survival_groups[1].median,
                     line);
        check_logrank("survival_groups", &so->survival_test, line);
    }
    CHECK_INT(n, 6);
    fclose(f);
}

static int column(const ictus_csv *t, const char *name)
{
    int c = ictus_csv_column(t, name);
    CHECK_MSG(c >= 0, "%s: no column %s", ictus_csv_path(t), name);
    return c;
}

/* Rows of t whose first field is `row`. */
static int rows_of(const ictus_csv *t, const char *row)
{
    int n = 0;
    for (int r = 0; r < ictus_csv_rows(t); r++)
        n += strcmp(ictus_csv_field(t, r, 0), row) == 0;
    return n;
}

static void check_files(const ictus_survival_outcomes *so, const char *out)
{
    char *path = ictus_path_join_alloc(out, "survival.csv");
    ictus_csv *t = NULL;
    ictus_error err = {0};
    CHECK_MSG(ictus_csv_read(path, &t, &err) == ICTUS_OK, "%s", err.msg);
    if (t) {
        CHECK_INT(ictus_csv_rows(t), 6);
        CHECK_STR(ictus_csv_field(t, 4, column(t, "death_cause")), "euthanised, \"weight\"");
        CHECK_STR(ictus_csv_field(t, 2, column(t, "sudep_why")), "no_eeg_after");
        CHECK_STR(ictus_csv_field(t, 2, column(t, "probable_sudep")), "0");
        CHECK_STR(ictus_csv_field(t, 0, column(t, "probable_sudep")), "");
        CHECK_STR(ictus_csv_field(t, 2, column(t, "gtcs_to_death_min")), "30");
        ictus_csv_destroy(t);
    }
    free(path);
    path = ictus_path_join_alloc(out, "time_to_event.csv");
    CHECK_MSG(ictus_csv_read(path, &t, &err) == ICTUS_OK, "%s", err.msg);
    if (t) {
        static const char *const cols[] = {"animal", "group", "kind", "drug", "dose_mg_kg",
                                           "route", "type", "endpoint", "target", "expected",
                                           "origin", "time_h", "event", "censored_by", "at",
                                           "settings_hash"};
        for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++)
            CHECK_INT(column(t, cols[c]), (int)c);
        CHECK_STR(ictus_csv_field(t, 0, 0), "a1");
        CHECK_STR(ictus_csv_field(t, 0, column(t, "time_h")), "10");
        ictus_csv_destroy(t);
    }
    free(path);
    path = ictus_path_join_alloc(out, "time_to_event_groups.csv");
    CHECK_MSG(ictus_csv_read(path, &t, &err) == ICTUS_OK, "%s", err.msg);
    if (t) {
        CHECK_INT(ictus_csv_columns(t), 26);
        CHECK_STR(ictus_csv_field(t, 0, 0), "group");
        size_t steps = 0;
        for (size_t g = 0; g < so->n_groups; g++)
            steps += so->groups[g].km.n_times;
        CHECK_INT(rows_of(t, "km"), (int)steps);
        CHECK_INT(rows_of(t, "group"), (int)so->n_groups);
        CHECK_INT(rows_of(t, "logrank"), (int)so->n_tests);
        /* The first group's first step. */
        const ictus_km *km = &so->groups[0].km;
        CHECK(km->n_times > 0 && strcmp(ictus_csv_field(t, 1, 0), "km") == 0);
        if (km->n_times > 0) {
            CHECK_NEAR(atof(ictus_csv_field(t, 1, column(t, "time_h"))), km->time[0], 1e-6, 0);
            CHECK_NEAR(atof(ictus_csv_field(t, 1, column(t, "surv"))), km->surv[0], 1e-6, 0);
            CHECK_NEAR(atof(ictus_csv_field(t, 1, column(t, "surv_ci_lo"))), km->ci[0].lo, 1e-6,
                       0);
            CHECK_INT(atoi(ictus_csv_field(t, 1, column(t, "n_risk"))), km->n_risk[0]);
        }
        ictus_csv_destroy(t);
    }
    free(path);
    path = ictus_path_join_alloc(out, "survival_groups.csv");
    CHECK_MSG(ictus_csv_read(path, &t, &err) == ICTUS_OK, "%s", err.msg);
    if (t) {
        CHECK_INT(ictus_csv_columns(t), 21);
        CHECK_INT(rows_of(t, "group"), 2);
        CHECK_INT(rows_of(t, "km"), 3); /* het: three deaths; wt: none */
        CHECK_INT(rows_of(t, "logrank"), 1);
        CHECK_STR(ictus_csv_field(t, 1, column(t, "n_sudep")), "0");
        ictus_csv_destroy(t);
    }
    free(path);
}

static void test_study(const char *dir)
{
    ictus_study *study = NULL;
    ictus_analysis *an = NULL;
    ictus_error err = {0};
    CHECK_MSG(ictus_analysis_load(dir, NULL, &study, &an, &err) == ICTUS_OK, "%s", err.msg);
    if (!an)
        return;
    CHECK_INT(study->problems.n, 0);
    CHECK(an->survival != NULL);
    if (an->survival) {
        check_rows(an->survival);
        check_groups(an->survival);
        check_survival(an->survival);
        check_statsmodels(an->survival);
    }
    char *out = ictus_path_join_alloc(dir, "out");
    CHECK_MSG(ictus_analysis_write(an, out, &err) == ICTUS_OK, "%s", err.msg);
    check_files(an->survival, out);
    free(out);
    ictus_analysis_destroy(an);
    ictus_study_destroy(study);
}

/* [survival] origin = start: from each animal's first recording. */
static void test_origin_start(const char *dir)
{
    CHECK(support_study_write(dir, "study.ini",
                              "[study]\nname = surv\npreset = ihka-mouse\nmains_hz = 50\n"
                              "[survival]\nmax_gap_min = 10\norigin = start\n"));
    ictus_study *study = NULL;
    ictus_analysis *an = NULL;
    ictus_error err = {0};
    CHECK_MSG(ictus_analysis_load(dir, NULL, &study, &an, &err) == ICTUS_OK, "%s", err.msg);
    if (!an)
        return;
    const ictus_survival_row *r = an->survival->survival;
    CHECK(r[2].origin_us == at(0, 0) && r[2].died);
    CHECK_NEAR(r[2].time_d, 6, REL, 0);
    CHECK(r[5].origin_us == at(4, 0) && !r[5].died);
    CHECK_NEAR(r[5].time_d, 8, REL, 0);
    CHECK(strstr(an->survival->settings_text, "survival.origin=start") != NULL);
    ictus_analysis_destroy(an);
    ictus_study_destroy(study);
}

/* ---- post-ictal suppression measured from a recording ------------------- */

/* recordings/NAME: 600 s, 2 channels at 200 Hz, EDF+C: noise of 100 µV
 * RMS-ish plus 400 µV of 50 Hz hum on both; a "seizure" (8 Hz, 800 µV) at
 * 300–330 s; after it the noise of channel 0 drops to `after0` and that of
 * channel 1 to `after1` (factors), the hum stays. */
static bool write_recording(const char *dir, const char *name, double after0, double after1)
{
    char path[512];
    snprintf(path, sizeof path, "%s/recordings", dir);
    mkdir(path, 0777);
    snprintf(path, sizeof path, "%s/recordings/%s", dir, name);
    ictus_edf_channel_spec ch[2];
    for (int c = 0; c < 2; c++)
        ch[c] = (ictus_edf_channel_spec){.label = c ? "CTX" : "HPC", .unit = "uV", .fs_hz = 200,
                                         .phys_min = -3276.8, .phys_max = 3276.7,
                                         .dig_min = -32768, .dig_max = 32767};
    ictus_edf_layout layout = {.format = ICTUS_FORMAT_EDFPLUS_C, .start_us = at(20, 0),
                               .record_us = 1000000, .n_channels = 2, .channels = ch};
    ictus_edfwriter *w;
    ictus_error err = {0};
    if (ictus_edfwriter_create(path, &layout, &w, &err) != ICTUS_OK)
        return false;
    uint64_t x = 12345;
    float buf[2][200];
    bool ok = true;
    for (int r = 0; r < 600 && ok; r++) {
        for (int i = 0; i < 200; i++) {
            double t = r + i / 200.0;
            for (int c = 0; c < 2; c++) {
                x = x * 6364136223846793005ULL + 1442695040888963407ULL;
                double noise = 100 * ((double)(x >> 11) * 0x1.0p-53 - 0.5) * 3.4;
                double gain = t >= 330 ? (c ? after1 : after0) : 1;
                double v = gain * noise + 400 * sin(2 * M_PI * 50 * t);
                if (t >= 300 && t < 330)
                    v += 800 * sin(2 * M_PI * 8 * t);
                buf[c][i] = (float)v;
            }
        }
        const float *rec[2] = {buf[0], buf[1]};
        ok = ictus_edfwriter_write(w, (int64_t)r * 1000000, rec, &err) == ICTUS_OK;
    }
    return ictus_edfwriter_close(w, &err) == ICTUS_OK && ok;
}

static void test_postictal(const char *dir)
{
    CHECK(write_recording(dir, "pi_both.edf", 0.1, 0.1));
    CHECK(write_recording(dir, "pi_one.edf", 0.1, 1.0));
    ictus_study *study = NULL;
    ictus_error err = {0};
    CHECK(ictus_study_load(dir, &study, &err) == ICTUS_OK);
    if (!study)
        return;
    ictus_survival_settings set;
    ictus_survival_settings_default(&set);
    int64_t len = 600 * ICTUS_US_PER_S;
    double both = ictus_postictal_ratio(study, "recordings/pi_both.edf", "a1", at(20, 0), len,
                                        at(20, 0) + 300 * ICTUS_US_PER_S,
                                        at(20, 0) + 330 * ICTUS_US_PER_S, &set);
    /* The hum (mains_hz = 50) is averaged away: the noise's factor remains. */
    CHECK_MSG(both > 0.05 && both < 0.2, "suppressed on both leads: ratio %g", both);
    double one = ictus_postictal_ratio(study, "recordings/pi_one.edf", "a1", at(20, 0), len,
                                       at(20, 0) + 300 * ICTUS_US_PER_S,
                                       at(20, 0) + 330 * ICTUS_US_PER_S, &set);
    CHECK_MSG(one > 0.8 && one < 1.25, "suppressed on one lead only: ratio %g", one);
    /* Without the mains average the hum hides the suppression. */
    study->mains_hz = 0;
    double raw = ictus_postictal_ratio(study, "recordings/pi_both.edf", "a1", at(20, 0), len,
                                       at(20, 0) + 300 * ICTUS_US_PER_S,
                                       at(20, 0) + 330 * ICTUS_US_PER_S, &set);
    CHECK_MSG(raw > 0.5, "raw line length (no mains average): ratio %g", raw);
    study->mains_hz = 50;
    /* No post-ictal data (the seizure ends with the file): no ratio. */
    double none = ictus_postictal_ratio(study, "recordings/pi_both.edf", "a1", at(20, 0), len,
                                        at(20, 0) + 560 * ICTUS_US_PER_S,
                                        at(20, 0) + 598 * ICTUS_US_PER_S, &set);
    CHECK(isnan(none));
    /* A missing file: no ratio. */
    CHECK(isnan(ictus_postictal_ratio(study, "recordings/none.edf", "a1", at(20, 0), len,
                                      at(20, 0) + 300 * ICTUS_US_PER_S,
                                      at(20, 0) + 330 * ICTUS_US_PER_S, &set)));
    ictus_study_destroy(study);
}

/* Without death columns: no survival files; a cause without a death is a
 * problem; an unknown [survival] key is an error. */
static void test_variants(const char *dir)
{
    CHECK(support_study_write(dir, "animals.csv", "animal,group\na1,wt\na2,wt\n"));
    ictus_study *study = NULL;
    ictus_analysis *an = NULL;
    ictus_error err = {0};
    CHECK_MSG(ictus_analysis_load(dir, NULL, &study, &an, &err) == ICTUS_OK, "%s", err.msg);
    if (an) {
        CHECK(!study->has_deaths && study->animals[0].death_us == ICTUS_TIME_UNKNOWN);
        CHECK(!an->survival->has_survival);
        char *out = ictus_path_join_alloc(dir, "out2");
        CHECK(ictus_analysis_write(an, out, &err) == ICTUS_OK);
        char *p = ictus_path_join_alloc(out, "survival.csv");
        CHECK(access(p, F_OK) != 0);
        free(p);
        p = ictus_path_join_alloc(out, "time_to_event.csv");
        CHECK(access(p, F_OK) == 0);
        free(p);
        free(out);
        ictus_analysis_destroy(an);
        ictus_study_destroy(study);
    }
    CHECK(support_study_write(dir, "animals.csv",
                              "animal,death,death_cause\na1,,old age\na2,2026-01-09,\n"));
    CHECK(ictus_study_load(dir, &study, &err) == ICTUS_OK);
    if (study) {
        /* The animal stays known (its death unknown): animals.csv's other fields never
         * block it. */
        CHECK_INT(study->n_animals, 2);
        CHECK(study->animals[0].death_us == ICTUS_TIME_UNKNOWN &&
              !*study->animals[0].death_cause);
        CHECK_INT(study->warnings.n >= 1, 1); /* a warning: nothing was rejected */
        CHECK(study->warnings.n >= 1 && strstr(study->warnings.lines[0], "death_cause"));
        ictus_study_destroy(study);
    }
    CHECK(support_study_write(dir, "study.ini",
                              "[study]\nname = surv\npreset = ihka-mouse\nmains_hz = 50\n"
                              "[survival]\nsudep_windw_min = 10\n"));
    CHECK(ictus_analysis_load(dir, NULL, &study, &an, &err) == ICTUS_ERR_CONFIG);
    CHECK_MSG(strstr(err.msg, "sudep_windw_min") != NULL, "%s", err.msg);
}

/* ---- results by stratum (strata.h) -------------------------------------- */

/* The whole file `path` as a new string (NULL when unreadable). */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    ictus_strbuf b = {0};
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        ictus_strbuf_addn(&b, buf, n);
    fclose(f);
    return ictus_strbuf_take(&b);
}

/* The study analysed with `analysis` as its [analysis] section and the
 * given animals.csv, written into dir/out_name; NULL on failure. */
static ictus_analysis *analysed(const char *dir, const char *analysis, const char *animals,
                                const char *out_name, ictus_study **study)
{
    char ini[512];
    snprintf(ini, sizeof ini, "[study]\nname = surv\npreset = ihka-mouse\nmains_hz = 50\n"
                              "[survival]\nmax_gap_min = 10\n%s", analysis);
    CHECK(support_study_write(dir, "study.ini", ini));
    CHECK(support_study_write(dir, "animals.csv", animals));
    ictus_analysis *an = NULL;
    ictus_error err = {0};
    *study = NULL;
    CHECK_MSG(ictus_analysis_load(dir, NULL, study, &an, &err) == ICTUS_OK, "%s", err.msg);
    if (!an)
        return NULL;
    char out[1024];
    snprintf(out, sizeof out, "%s/%s", dir, out_name);
    mkdir(out, 0777);
    CHECK_MSG(ictus_analysis_write(an, out, &err) == ICTUS_OK, "%s", err.msg);
    return an;
}

/* The stratified file's first lines are the unstratified file's, each with
 * ",all" appended (the header with ",stratum"); returns the number of
 * lines after them, and checks that each ends with a label. */
static int pooled_then_strata(const char *plain, const char *by, const char *name)
{
    CHECK_MSG(plain && by, "%s unreadable", name);
    if (!plain || !by)
        return -1;
    const char *p = plain, *b = by;
    bool header = true;
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t n = (size_t)(eol - p);
        const char *tail = header ? ",stratum\n" : ",all\n";
        CHECK_MSG(strncmp(b, p, n) == 0 && strncmp(b + n, tail, strlen(tail)) == 0,
                  "%s: pooled line differs: %.*s", name, (int)n, p);
        if (strncmp(b, p, n) != 0)
            return -1;
        b += n + strlen(tail);
        p = eol + 1;
        header = false;
    }
    int rest = 0;
    for (; *b; b = strchr(b, '\n') + 1)
        rest++;
    return rest;
}

/* The sex of a stratum label "sex=F". */
static bool in_stratum(const ictus_study *study, int animal, const char *label)
{
    return strcmp(study->animals[animal].sex, label + strlen("sex=")) == 0;
}

/* Every time-to-event group and log-rank test of stratum S, computed here
 * again from the rows of that sex alone with survival.h. */
static void check_tte_stratum(const ictus_survival_outcomes *so, const ictus_tte_stratum *S)
{
    const ictus_study *study = so->an->study;
    /* The groups: distinct exposure × type × endpoint among the stratum's rows. */
    size_t n_groups = 0;
    for (size_t i = 0; i < so->n_rows; i++) {
        const ictus_tte_row *r = &so->rows[i];
        bool seen = !in_stratum(study, r->animal, S->label);
        for (size_t j = 0; j < i && !seen; j++)
            seen = in_stratum(study, so->rows[j].animal, S->label) &&
                   so->rows[j].type == r->type && so->rows[j].endpoint == r->endpoint &&
                   ictus_condition_same(so->rows[j].condition, r->condition);
        n_groups += !seen;
    }
    CHECK_INT(S->n_groups, n_groups);
    for (size_t g = 0; g < S->n_groups; g++) {
        const ictus_tte_group *G = &S->groups[g];
        double t[16];
        bool ev[16];
        size_t n = 0;
        for (size_t i = 0; i < so->n_rows && n < 16; i++) {
            const ictus_tte_row *r = &so->rows[i];
            if (in_stratum(study, r->animal, S->label) && r->type == G->type &&
                r->endpoint == G->endpoint && !isnan(r->time_h) &&
                ictus_condition_same(r->condition, G->condition)) {
                t[n] = r->time_h;
                ev[n++] = r->event;
            }
        }
        CHECK_INT(G->km.n_animals, n);
        ictus_km km = {0};
        ictus_error err = {0};
        if (n == 0 || ictus_km_estimate(t, ev, n, ICTUS_KM_LOGLOG, 0.95, &km, &err) != ICTUS_OK)
            continue;
        CHECK_INT(km.n_times, G->km.n_times);
        for (size_t j = 0; j < km.n_times && j < G->km.n_times; j++) {
            CHECK_NEAR(G->km.surv[j], km.surv[j], REL, 0);
            CHECK_INT(G->km.n_risk[j], km.n_risk[j]);
        }
        ictus_km_quantile_result q;
        CHECK(ictus_km_quantile(&km, 0.5, &q, &err) == ICTUS_OK);
        CHECK(isnan(q.time) ? isnan(G->median.time) : q.time == G->median.time);
        CHECK(isnan(q.ci.lo) ? isnan(G->median.ci.lo) : q.ci.lo == G->median.ci.lo);
        ictus_km_free(&km);
    }
    /* Each treatment vs vehicle test, and the overall ones, from the rows. */
    size_t n_pair = 0;
    for (size_t i = 0; i < S->n_tests; i++) {
        const ictus_logrank_row *lr = &S->tests[i];
        double t[32];
        bool ev[32];
        size_t grp[32], n = 0, k = 0;
        const ictus_condition *cs[8];
        for (size_t j = 0; j < so->n_rows && n < 32; j++) {
            const ictus_tte_row *r = &so->rows[j];
            if (!in_stratum(study, r->animal, S->label) || r->type != lr->type ||
                r->endpoint != lr->endpoint || isnan(r->time_h))
                continue;
            if (lr->group >= 0 &&
                !ictus_condition_same(r->condition, S->groups[lr->group].condition) &&
                !ictus_condition_same(r->condition, S->groups[lr->versus].condition))
                continue;
            size_t c = 0;
            while (c < k && !ictus_condition_same(cs[c], r->condition))
                c++;
            if (c == k && k < 8)
                cs[k++] = r->condition;
            t[n] = r->time_h;
            ev[n] = r->event;
            grp[n++] = c;
        }
        ictus_logrank_result want;
        ictus_error err = {0};
        bool done = ictus_logrank(t, ev, grp, n, k, NULL, NULL, &want, &err) == ICTUS_OK;
        CHECK_INT(lr->done, done);
        if (done && lr->done) {
            CHECK_NEAR(lr->r.chi2, want.chi2, REL, 0);
            CHECK_NEAR(lr->r.p, want.p, REL, 1e-300);
        }
        n_pair += lr->group >= 0 && lr->done;
    }
    CHECK(n_pair > 0);
}

/* The survival groups and log-rank test of stratum S, computed here again
 * from the survival rows of that sex alone. */
static void check_survival_stratum(const ictus_survival_outcomes *so,
                                   const ictus_survival_stratum *S)
{
    const ictus_study *study = so->an->study;
    const char *names[8];
    size_t k = 0;
    int sudep[8] = {0};
    double t[16];
    bool ev[16];
    size_t grp[16], n = 0;
    for (int a = 0; a < study->n_animals; a++) {
        if (!in_stratum(study, a, S->label))
            continue;
        size_t g = 0;
        while (g < k && strcmp(names[g], study->animals[a].group) != 0)
            g++;
        if (g == k && k < 8)
            names[k++] = study->animals[a].group;
        sudep[g] += so->survival[a].probable_sudep;
    }
    CHECK_INT(S->n_groups, k);
    for (size_t g = 0; g < k && g < S->n_groups; g++) {
        CHECK_STR(S->groups[g].name, names[g]);
        CHECK_INT(S->groups[g].n_sudep, sudep[g]);
        size_t m = 0;
        for (int a = 0; a < study->n_animals; a++)
            if (in_stratum(study, a, S->label) && so->survival[a].included &&
                strcmp(study->animals[a].group, names[g]) == 0) {
                t[n + m] = so->survival[a].time_d;
                ev[n + m] = so->survival[a].died;
                grp[n + m++] = g;
            }
        CHECK_INT(S->groups[g].km.n_animals, m);
        ictus_km km = {0};
        ictus_error err = {0};
        if (m && ictus_km_estimate(t + n, ev + n, m, ICTUS_KM_LOGLOG, 0.95, &km, &err) == ICTUS_OK) {
            CHECK_INT(S->groups[g].km.n_times, km.n_times);
            for (size_t j = 0; j < km.n_times && j < S->groups[g].km.n_times; j++)
                CHECK_NEAR(S->groups[g].km.surv[j], km.surv[j], REL, 0);
            ictus_km_free(&km);
        }
        n += m;
    }
    ictus_logrank_result want;
    ictus_error err = {0};
    bool done = ictus_logrank(t, ev, grp, n, k, NULL, NULL, &want, &err) == ICTUS_OK;
    CHECK_INT(S->test.done, done);
    CHECK(done); /* each sex has a wt and a het animal */
    if (done && S->test.done) {
        CHECK_NEAR(S->test.r.chi2, want.chi2, REL, 0);
        CHECK_NEAR(S->test.r.p, want.p, REL, 1e-300);
    }
}

static const char *const animals_by_sex =
    "animal,group,sex,birth_date,death,death_cause\n"
    "a1,wt,F,2025-11-05,,\n"
    "a2,wt,M,2025-11-05,,\n"
    "a3,het,F,2025-11-05,2026-01-11T00:00,found dead\n"
    "a4,het,M,2025-11-05,2026-01-12T00:00,found dead\n"
    "a5,het,F,2025-11-05,2026-01-16T00:00,\"euthanised, \"\"weight\"\"\"\n"
    "a6,wt,M,2025-11-05,,\n";

/* [analysis] by = sex: the pooled rows are today's with ",all"; each
 * stratum's rows are the pooled computation on its animals alone; without
 * `by` the files are byte-identical to an analysis before strata. */
static void test_by_sex(const char *dir)
{
    ictus_study *s0 = NULL, *s1 = NULL;
    ictus_analysis *plain = analysed(dir, "", animals_by_sex, "out-plain", &s0);
    ictus_analysis *by = analysed(dir, "[analysis]\nby = sex\n", animals_by_sex, "out-sex", &s1);
    CHECK(plain && by);
    if (plain && by) {
        const ictus_survival_outcomes *so = by->survival;
        CHECK_INT(plain->survival->n_tte_strata, 0);
        CHECK_INT(so->n_tte_strata, 2);
        if (so->n_tte_strata == 2) {
            CHECK_STR(so->tte_strata[0].label, "sex=F");
            CHECK_STR(so->tte_strata[1].label, "sex=M");
            for (size_t k = 0; k < 2; k++)
                check_tte_stratum(so, &so->tte_strata[k]);
        }
        /* The pooled numbers do not move. */
        CHECK_INT(so->n_groups, plain->survival->n_groups);
        CHECK_INT(so->n_tests, plain->survival->n_tests);
        char *a = slurp(support_path(dir, "out-plain/time_to_event_groups.csv"));
        char *b = slurp(support_path(dir, "out-sex/time_to_event_groups.csv"));
        size_t want = 0;
        for (size_t k = 0; k < so->n_tte_strata; k++) {
            want += so->tte_strata[k].n_tests;
            for (size_t g = 0; g < so->tte_strata[k].n_groups; g++)
                want += 1 + so->tte_strata[k].groups[g].km.n_times;
        }
        CHECK_INT(pooled_then_strata(a, b, "time_to_event_groups.csv"), (int)want);
        CHECK(b && strstr(b, ",sex=F\n") && strstr(b, ",sex=M\n"));
        free(a);
        free(b);
        CHECK_INT(so->n_survival_strata, 2);
        want = 0;
        for (size_t k = 0; k < so->n_survival_strata; k++) {
            check_survival_stratum(so, &so->survival_strata[k]);
            want += 1;
            for (size_t g = 0; g < so->survival_strata[k].n_groups; g++)
                want += 1 + so->survival_strata[k].groups[g].km.n_times;
        }
        a = slurp(support_path(dir, "out-plain/survival_groups.csv"));
        b = slurp(support_path(dir, "out-sex/survival_groups.csv"));
        CHECK_INT(pooled_then_strata(a, b, "survival_groups.csv"), (int)want);
        free(a);
        free(b);
        /* time_to_event.csv is not stratified (one row per animal). */
        a = slurp(support_path(dir, "out-plain/time_to_event.csv"));
        b = slurp(support_path(dir, "out-sex/time_to_event.csv"));
        CHECK(a && b && strcmp(a, b) == 0);
        free(a);
        free(b);
    }
    ictus_analysis_destroy(plain);
    ictus_analysis_destroy(by);
    ictus_study_destroy(s0);
    ictus_study_destroy(s1);
}

/* Without `by`, the files are byte-identical to those of test_study (the
 * original animals.csv, before any stratum existed), and a label from
 * input is escaped: group `w,"t"` → the field "group=w,""t""". */
static void test_by_group_escaped(const char *dir)
{
    static const char *const animals =
        "animal,group,birth_date,death,death_cause\n"
        "a1,\"w,\"\"t\"\"\",2025-11-05,,\n"
        "a2,\"w,\"\"t\"\"\",2025-11-05,,\n"
        "a3,het,2025-11-05,2026-01-11T00:00,found dead\n"
        "a4,het,2025-11-05,2026-01-12T00:00,found dead\n"
        "a5,het,2025-11-05,2026-01-16T00:00,\"euthanised, \"\"weight\"\"\"\n"
        "a6,\"w,\"\"t\"\"\",2025-11-05,,\n";
    ictus_study *s0 = NULL;
    ictus_analysis *an = analysed(dir, "[analysis]\nby = group\n", animals, "out-group", &s0);
    CHECK(an != NULL);
    if (an) {
        char *b = slurp(support_path(dir, "out-group/time_to_event_groups.csv"));
        CHECK(b && strstr(b, ",\"group=w,\"\"t\"\"\"\n") && strstr(b, ",group=het\n"));
        free(b);
        b = slurp(support_path(dir, "out-group/survival_groups.csv"));
        CHECK(b && strstr(b, "\ngroup,\"w,\"\"t\"\"\",3,0,0,") &&
              strstr(b, ",\"group=w,\"\"t\"\"\"\n"));
        free(b);
        ictus_csv *t = NULL;
        ictus_error err = {0};
        CHECK_MSG(ictus_csv_read(support_path(dir, "out-group/time_to_event_groups.csv"), &t,
                                 &err) == ICTUS_OK, "%s", err.msg);
        if (t) {
            int c = column(t, "stratum");
            CHECK_INT(c, 26);
            int n_quoted = 0;
            for (int r = 0; r < ictus_csv_rows(t); r++)
                n_quoted += strcmp(ictus_csv_field(t, r, c), "group=w,\"t\"") == 0;
            CHECK(n_quoted > 0);
            ictus_csv_destroy(t);
        }
    }
    ictus_analysis_destroy(an);
    ictus_study_destroy(s0);
}

int main(void)
{
    t0_us = ictus_walltime_from_civil(2026, 1, 5, 0, 0, 0, 0);
    char *dir = support_tmpdir("survival");
    CHECK(make_study(dir));
    test_study(dir);
    char *plain = slurp(support_path(dir, "out/time_to_event_groups.csv"));
    char *plain_surv = slurp(support_path(dir, "out/survival_groups.csv"));
    test_origin_start(dir);
    test_postictal(dir);
    test_variants(dir);
    test_by_sex(dir);
    test_by_group_escaped(dir);
    /* The original study again, no `by`: today's bytes. */
    ictus_study *s0 = NULL;
    ictus_analysis *an = analysed(dir, "", original_animals, "out-again", &s0);
    char *again = slurp(support_path(dir, "out-again/time_to_event_groups.csv"));
    CHECK(plain && again && strcmp(plain, again) == 0);
    free(plain);
    free(again);
    again = slurp(support_path(dir, "out-again/survival_groups.csv"));
    CHECK(plain_surv && again && strcmp(plain_surv, again) == 0);
    free(plain_surv);
    free(again);
    ictus_analysis_destroy(an);
    ictus_study_destroy(s0);
    support_tmpdir_remove(dir);
    return check_done("test_survival_outcomes");
}
