/* test_response_table.c: the human table of seizures per day and response classes (report/response_table.c).
 *
 * A small drug study written by the test (study.ini, animals.csv,
 * dosing.csv) with its events and analysable time put into ictus.db through
 * the store's API.  Seizures are evenly spaced, so every rate is known by
 * hand.  Schedule: baseline days 0–4, valproate 100 mg/kg ip days 4–8:
 *   a1  baseline 8 seizures (2.00 per 24 h), valproate 2 (0.50): responder (−75 %)
 *   a2  the same doses, but recorded only 12 h of the valproate days with
 *       2 seizures (4.00 per 24 h): undetermined, little_data (12 h < 24 h)
 *   a3  baseline 0 seizures, valproate 2: undetermined, baseline_seizure_free
 *   a4  no dosing rows: no row in the table
 *
 * Proves: the table's exact text (columns, rates, classes, the reason codes
 * in the cells) and the warning line naming each reason, what it means and
 * the setting deciding it with its value; the counts; a setting that
 * changes the class (min_analysable_h = 6) changes the table and the
 * warning; at most N rows, then "... and K more", the counts whole; a study
 * without periods gives no text at all.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"
#include "base/walltime.h"
#include "protocols/analysis.h"
#include "report/response_table.h"
#include "tests/check.h"
#include "tests/support_study.h"
#include "tests/support_tmp.h"

#define H_US (INT64_C(3600) * ICTUS_US_PER_S)
#define DAY_US (24 * H_US)

static int64_t t0_us; /* 2026-01-05T00:00 */

/* n seizures evenly spaced in [t0 + d0 days, t0 + d0 days + hours), 30 s each, into ev. */
static int spaced(support_event *ev, double d0, double hours, int n)
{
    int64_t start = t0_us + (int64_t)llround(d0 * (double)DAY_US);
    for (int i = 0; i < n; i++)
        ev[i] = (support_event){start + (int64_t)llround((i + 0.5) * hours * (double)H_US / n),
                                30 * ICTUS_US_PER_S, "hpd"};
    return n;
}

/* One animal's recording of [d0, d0 + hours) with `n` seizures in it. */
static bool put(support_store *s, const char *animal, double d0, double hours, int n)
{
    support_event ev[16];
    spaced(ev, d0, hours, n);
    return support_store_recording(s, animal, t0_us + (int64_t)llround(d0 * (double)DAY_US),
                                   (int64_t)llround(hours * (double)H_US), 1.0, ev, n);
}

static const char dosing[] =
    "animal,period,drug,dose_mg_kg,route,start,end,tolerated\n"
    "a1,baseline,,,,2026-01-05T00:00,2026-01-09T00:00,\n"
    "a1,treatment,valproate,100,ip,2026-01-09T00:00,2026-01-13T00:00,yes\n"
    "a2,baseline,,,,2026-01-05T00:00,2026-01-09T00:00,\n"
    "a2,treatment,valproate,100,ip,2026-01-09T00:00,2026-01-13T00:00,yes\n"
    "a3,baseline,,,,2026-01-05T00:00,2026-01-09T00:00,\n"
    "a3,treatment,valproate,100,ip,2026-01-09T00:00,2026-01-13T00:00,yes\n";

/* The study in dir: with dosing.csv when `with_dosing`. */
static bool make_study(const char *dir, bool with_dosing)
{
    bool ok = support_study_write(dir, "study.ini",
                                  "[study]\nname = tiny\npreset = ihka-mouse\nmains_hz = 50\n") &&
              support_study_write(dir, "animals.csv", "animal,model,sex,group\n"
                                                      "a1,IHKA,M,A\na2,IHKA,M,A\n"
                                                      "a3,IHKA,F,A\na4,IHKA,F,A\n") &&
              (!with_dosing || support_study_write(dir, "dosing.csv", dosing));
    support_store s;
    if (!ok || !support_store_open(&s, dir))
        return false;
    ok = put(&s, "a1", 0, 96, 8) && put(&s, "a1", 4, 96, 2) && put(&s, "a2", 0, 96, 8) &&
         put(&s, "a2", 4, 12, 2) && put(&s, "a3", 0, 96, 0) && put(&s, "a3", 4, 96, 2) &&
         put(&s, "a4", 0, 96, 5);
    support_store_close(&s);
    return ok;
}

/* The table of the study in dir (at most max_rows animals), with `set`
 * applied ("analysis.K=V" or NULL). */
static char *table_of(const char *dir, const char *set, int max_rows,
                      ictus_response_table_counts *k)
{
    const char *const assignments[] = {set};
    ictus_analysis_options opt = {set ? assignments : NULL, set ? 1 : 0};
    ictus_study *study = NULL;
    ictus_analysis *an = NULL;
    ictus_error err = {0};
    if (!CHECK_MSG(ictus_analysis_load(dir, &opt, &study, &an, &err) == ICTUS_OK, "%s", err.msg))
        return ictus_xstrdup("");
    ictus_strbuf out = {0};
    ictus_strbuf_add(&out, ""); /* never NULL text, even when the table is empty */
    ictus_response_table(an, "  ", max_rows, &out, k);
    ictus_analysis_destroy(an);
    ictus_study_destroy(study);
    return ictus_strbuf_take(&out);
}

static void test_drug_study(void)
{
    char *dir = support_tmpdir("response-table");
    CHECK(make_study(dir, true));
    ictus_response_table_counts k;
    char *text = table_of(dir, NULL, 0, &k);
    CHECK_STR(text,
              "  seizures per analysable 24 h (all types) and response class:\n"
              "    animal  baseline  valproate 100 mg/kg ip\n"
              "    a1      2.00      0.50 responder\n"
              "    a2      2.00      4.00 undetermined (little_data)\n"
              "    a3      0.00      0.50 undetermined (baseline_seizure_free)\n"
              "  warning: 2 of 3 response classes undetermined; why:\n"
              "    little_data (1): fewer analysable hours under the exposure than study.ini "
              "[analysis] min_analysable_h = 24 asks for\n"
              "    baseline_seizure_free (1): no seizure at baseline, so nothing to reduce (no "
              "setting changes this)\n");
    CHECK_INT(k.n_classes, 3);
    CHECK_INT(k.n_undetermined, 2);
    free(text);

    /* the setting named decides: 12 h now suffice, a2 is a worsening (+100 %) */
    text = table_of(dir, "analysis.min_analysable_h=6", 0, &k);
    CHECK_MSG(strstr(text, "    a2      2.00      4.00 worsening\n") != NULL, "%s", text);
    CHECK_MSG(strstr(text, "little_data") == NULL, "%s", text);
    CHECK_MSG(strstr(text, "  warning: 1 of 3 response classes undetermined; why:\n") != NULL,
              "%s", text);
    CHECK_INT(k.n_undetermined, 1);
    free(text);

    /* two rows at most: a3 left out of the table, not of the counts and the warning */
    text = table_of(dir, NULL, 2, &k);
    CHECK_MSG(strstr(text, "    a2      2.00      4.00 undetermined (little_data)\n"
                           "    ... and 1 more animal\n"
                           "  warning: 2 of 3 response classes undetermined; why:\n") != NULL,
              "%s", text);
    CHECK_MSG(strstr(text, "a3") == NULL && strstr(text, "baseline_seizure_free (1)") != NULL,
              "%s", text);
    CHECK_INT(k.n_undetermined, 2);
    free(text);
    support_tmpdir_remove(dir);
}

static void test_no_periods(void)
{
    char *dir = support_tmpdir("response-table");
    CHECK(make_study(dir, false));
    ictus_response_table_counts k = {7, 7};
    char *text = table_of(dir, NULL, 0, &k);
    CHECK_STR(text, "");
    CHECK_INT(k.n_classes, 0);
    CHECK_INT(k.n_undetermined, 0);
    free(text);
    support_tmpdir_remove(dir);
}

int main(void)
{
    t0_us = ictus_walltime_from_civil(2026, 1, 5, 0, 0, 0, 0);
    test_drug_study();
    test_no_periods();
    return check_done("test_response_table");
}
