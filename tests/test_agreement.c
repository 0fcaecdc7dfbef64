/* test_agreement.c: agreement between two reviewers (protocols/agreement.c).
 *
 * Proves:
 *   - Cohen's κ and percent agreement equal the hand-computed reference of
 *     tests/fixtures/agreement.txt (gen_agreement.py, exact rational
 *     arithmetic, no SciPy) to 1e-12, textbook example (κ = 0.4) included;
 *     an empty table and a table in one category give NaN κ;
 *   - over a store: only events both reviewers decided are compared, each
 *     with the reviewer's newest decision (a changed mind counts once);
 *     events one of them reviewed are counted apart; per type by the
 *     detected type; the disagreements list names each event and both
 *     verdicts, in time order, and is written as CSV.
 */
#include "protocols/agreement.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/readfile.h"
#include "base/walltime.h"
#include "tests/check.h"
#include "tests/support_tmp.h"

static void test_reference(void)
{
    FILE *f = fopen("tests/fixtures/agreement.txt", "r");
    if (!CHECK_MSG(f != NULL, "tests/fixtures/agreement.txt: cannot open (run from the root)"))
        return;
    char line[512];
    int cases = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#')
            continue;
        long long cell[9];
        char pct_text[64], kappa_text[64];
        if (!CHECK_MSG(sscanf(line, "table %lld %lld %lld %lld %lld %lld %lld %lld %lld %63s %63s",
                              &cell[0], &cell[1], &cell[2], &cell[3], &cell[4], &cell[5],
                              &cell[6], &cell[7], &cell[8], pct_text, kappa_text) == 11,
                       "bad line: %s", line))
            continue;
        ictus_agreement_table t = {0};
        for (int k = 0; k < 9; k++)
            for (long long i = 0; i < cell[k]; i++)
                ictus_agreement_add(&t, (ictus_verdict)(k / 3 + 1), (ictus_verdict)(k % 3 + 1));
        double want_pct = strtod(pct_text, NULL), want_kappa = strtod(kappa_text, NULL);
        double pct = ictus_agreement_percent(&t), kappa = ictus_agreement_kappa(&t);
        CHECK_MSG(isnan(want_pct) ? isnan(pct) : fabs(pct - want_pct) <= 1e-12,
                  "%s: percent %.17g", line, pct);
        CHECK_MSG(isnan(want_kappa) ? isnan(kappa) : fabs(kappa - want_kappa) <= 1e-12,
                  "%s: kappa %.17g", line, kappa);
        cases++;
    }
    fclose(f);
    CHECK_INT(cases, 46);
}

/* A recording with events at 0, 100, 200, ... s, types hpd / convulsive alternating. */
static void put_recording(ictus_store *s, int64_t run, const char *path, int n_events)
{
    static ictus_event events[8];
    for (int i = 0; i < n_events; i++)
        events[i] = (ictus_event){.start_us = i * 100 * ICTUS_US_PER_S,
                                  .end_us = (i * 100 + 10) * ICTUS_US_PER_S,
                                  .wall_start_us = INT64_C(1767607200000000) +
                                                   i * 100 * ICTUS_US_PER_S,
                                  .score = 0.5};
    for (int i = 0; i < n_events; i++) {
        snprintf(events[i].channel, sizeof events[i].channel, "HPC");
        snprintf(events[i].type, sizeof events[i].type, "%s", i % 2 ? "convulsive" : "hpd");
    }
    ictus_hash128 hash = {1, 2};
    ictus_store_results res = {
        .file = {path, "m1", {1, 1, 1}, &hash, run},
        .format = "EDF+C", .start_us = INT64_C(1767607200000000),
        .duration_us = 3600 * ICTUS_US_PER_S, .preset = "p@1", .n_events = n_events,
        .events = events};
    ictus_error err = {0};
    CHECK_MSG(ictus_store_put_recording(s, &res, &err) == ICTUS_OK, "%s", err.msg);
}

static void decide(ictus_store *s, const char *reviewer, int event, ictus_verdict v, int64_t t)
{
    ictus_store_review r = {.path = "rec.edf", .animal = "m1", .channel = "HPC",
                            .start_us = event * 100 * ICTUS_US_PER_S,
                            .end_us = (event * 100 + 10) * ICTUS_US_PER_S, .verdict = v,
                            .racine = -1, .reviewer = reviewer, .reviewed_unix_us = t};
    ictus_error err = {0};
    CHECK_MSG(ictus_store_put_review(s, &r, &err) == ICTUS_OK, "%s", err.msg);
}

static void test_store(void)
{
    char *dir = support_tmpdir("agreement");
    ictus_store *s;
    ictus_error err = {0};
    if (!CHECK_MSG(ictus_store_open(support_path(dir, "ictus.db"), &s, &err) == ICTUS_OK, "%s",
                   err.msg))
        return;
    ictus_store_run_info info = {1, "0", "h", 1, "p@1", ""};
    int64_t run;
    CHECK(ictus_store_run_start(s, &info, &run, &err) == ICTUS_OK);
    put_recording(s, run, "rec.edf", 6);
    /* Events 0..3 both; 4 anna only; 5 nobody.  anna changes her mind on 1. */
    decide(s, "anna", 0, ICTUS_VERDICT_SEIZURE, 10);
    decide(s, "bob", 0, ICTUS_VERDICT_SEIZURE, 11);
    decide(s, "anna", 1, ICTUS_VERDICT_SEIZURE, 12);
    decide(s, "bob", 1, ICTUS_VERDICT_NOT_SEIZURE, 13);
    decide(s, "anna", 1, ICTUS_VERDICT_NOT_SEIZURE, 14);
    decide(s, "anna", 2, ICTUS_VERDICT_UNSURE, 15);
    decide(s, "bob", 2, ICTUS_VERDICT_SEIZURE, 16);
    decide(s, "anna", 3, ICTUS_VERDICT_NOT_SEIZURE, 17);
    decide(s, "bob", 3, ICTUS_VERDICT_SEIZURE, 18);
    decide(s, "anna", 4, ICTUS_VERDICT_SEIZURE, 19);
    ictus_agreement *ag;
    if (!CHECK_MSG(ictus_agreement_compute(s, "anna", "bob", &ag, &err) == ICTUS_OK, "%s",
                   err.msg)) {
        ictus_store_close(s);
        support_tmpdir_remove(dir);
        return;
    }
    CHECK_INT(ag->all.n, 4);
    CHECK_INT(ag->n_only_a, 1);
    CHECK_INT(ag->n_only_b, 0);
    CHECK_NEAR(ictus_agreement_percent(&ag->all), 50, 0, 1e-12);
    /* Table rows anna, columns bob: [[1,0,0],[1,1,0],[1,0,0]]: p_o 0.5,
     * p_e = (1/4)(3/4) + (2/4)(1/4) + (1/4)(0) = 5/16, κ = (8/16 − 5/16)/(11/16). */
    CHECK_NEAR(ictus_agreement_kappa(&ag->all), 3.0 / 11.0, 0, 1e-12);
    CHECK_INT(ag->n_types, 2);
    CHECK_STR(ag->by_type[0].type, "convulsive");
    CHECK_INT(ag->by_type[0].table.n, 2); /* events 1 (agreed), 3 (not) */
    CHECK_NEAR(ictus_agreement_percent(&ag->by_type[0].table), 50, 0, 1e-12);
    CHECK_INT(ag->by_type[1].table.n, 2); /* events 0, 2 */
    CHECK_INT((int64_t)ag->n_disagreements, 2);
    CHECK(ag->disagreements[0].event.start_us == 200 * ICTUS_US_PER_S &&
          ag->disagreements[0].a == ICTUS_VERDICT_UNSURE &&
          ag->disagreements[0].b == ICTUS_VERDICT_SEIZURE);
    const char *csv = support_path(dir, "disagreements.csv");
    CHECK_MSG(ictus_agreement_write_disagreements(ag, csv, &err) == ICTUS_OK, "%s", err.msg);
    char *text = NULL;
    size_t n;
    CHECK(ictus_read_file(csv, &text, &n, &err) == ICTUS_OK);
    CHECK_STR(text, "recording,animal,channel,start_s,end_s,start,type,verdict_a,verdict_b\n"
                    "rec.edf,m1,HPC,200.000,210.000,2026-01-05T10:03:20.000,hpd,unsure,seizure\n"
                    "rec.edf,m1,HPC,300.000,310.000,2026-01-05T10:05:00.000,convulsive,"
                    "not_seizure,seizure\n");
    free(text);
    ictus_agreement_destroy(ag);
    /* Nobody in common: empty tables, NaN. */
    CHECK(ictus_agreement_compute(s, "anna", "carl", &ag, &err) == ICTUS_OK);
    CHECK_INT(ag->all.n, 0);
    CHECK(isnan(ictus_agreement_kappa(&ag->all)));
    CHECK_INT(ag->n_only_a, 5);
    ictus_agreement_destroy(ag);
    ictus_agreement_destroy(NULL);
    ictus_store_close(s);
    support_tmpdir_remove(dir);
}

int main(void)
{
    test_reference();
    test_store();
    return check_done("test_agreement");
}
