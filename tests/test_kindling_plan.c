/* test_kindling_plan.c: synth/kindling_plan.h: the drug sessions' schedule,
 * each animal's protection growing with the dose, prior stimulations raised
 * to full kindling, and the planned ED50 and TD50 recovered within their
 * Fieller and profile-likelihood intervals (protocols/kindling.h's fit) on
 * seeds 9003-9010, which nothing was tuned on; the refusals. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/walltime.h"
#include "protocols/kindling.h"
#include "synth/kindling_plan.h"
#include "synth/model.h"
#include "tests/check.h"

#define DAY_US (INT64_C(86400) * ICTUS_US_PER_S)

static const ictus_synth_model *model(void)
{
    return ictus_synth_model_find("6hz-kindling-mouse");
}

/* Groups of the plan for outcome o (0 protection, 1 toxicity). */
static void groups_of(const ictus_synth_kindling *k, const ictus_synth_kindling_doses *d, int n,
                      int o, ictus_dose_group *g)
{
    for (int j = 0; j < d->n_doses; j++) {
        g[j] = (ictus_dose_group){d->doses[j], n, 0};
        for (int a = 0; a < n; a++)
            g[j].r += o ? ictus_synth_kindling_toxic(k, a, j) : ictus_synth_kindling_protected(k, a, j);
    }
}

static void recover(uint64_t seed, int n, const ictus_synth_kindling_doses *d)
{
    ictus_synth_animal *animals = calloc((size_t)n, sizeof *animals);
    for (int a = 0; a < n; a++)
        ictus_synth_animal_make(model(), seed, a, 1, &animals[a]);
    int64_t start = ictus_walltime_from_civil(2026, 1, 5, 8, 0, 0, 0);
    ictus_synth_kindling *k = NULL;
    ictus_error err = {0};
    if (!CHECK_MSG(ictus_synth_kindling_plan(d, model(), false, seed, start, start + 4 * DAY_US,
                                             animals, n, &k, &err) == ICTUS_OK,
                   "%s", err.msg)) {
        free(animals);
        return;
    }
    for (int a = 0; a < n; a++) {
        CHECK(animals[a].prior_stims >= 2 * animals[a].stims_to_kindle);
        for (int j = 1; j < d->n_doses; j++) /* protection never lost at a higher dose */
            CHECK(!ictus_synth_kindling_protected(k, a, j - 1) ||
                  ictus_synth_kindling_protected(k, a, j));
    }
    ictus_dose_group g[ICTUS_SYNTH_MAX_DOSES];
    double planned[2] = {d->ed50, d->td50};
    for (int o = 0; o < 2; o++) {
        groups_of(k, d, n, o, g);
        for (int j = 0; j < d->n_doses; j++) /* the share at each dose is Φ(...) within 1/n */
            CHECK(fabs((double)g[j].r / n -
                       0.5 * erfc(-d->slope * log10(d->doses[j] / planned[o]) / sqrt(2))) <=
                  1.0 / n + 1e-12);
        for (int link = 0; link < 2; link++) {
            ictus_dr_row row = {0};
            ictus_kindling_fit(g, d->n_doses, n * d->n_doses, (ictus_dose_link)link, 0.95, &row);
            if (!CHECK_MSG(row.ok, "seed %llu: %s", (unsigned long long)seed, row.refused))
                continue;
            CHECK_MSG(row.ed.fieller_bounded && row.ed.fieller.lo <= planned[o] &&
                          planned[o] <= row.ed.fieller.hi,
                      "seed %llu %s link %d: planned %g, Fieller [%g, %g]",
                      (unsigned long long)seed, o ? "TD50" : "ED50", link, planned[o],
                      row.ed.fieller.lo, row.ed.fieller.hi);
            CHECK_MSG(row.ed.profile.lo <= planned[o] && planned[o] <= row.ed.profile.hi,
                      "seed %llu %s link %d: planned %g, profile [%g, %g]",
                      (unsigned long long)seed, o ? "TD50" : "ED50", link, planned[o],
                      row.ed.profile.lo, row.ed.profile.hi);
            if (o == 0 && link == 0)
                printf("ok seed %llu: planned ED50 %g, probit %.4g [%.4g, %.4g]\n",
                       (unsigned long long)seed, planned[o], row.ed.ed, row.ed.fieller.lo,
                       row.ed.fieller.hi);
        }
    }
    ictus_synth_kindling_destroy(k);
    free(animals);
}

static void refusals(void)
{
    int64_t start = ictus_walltime_from_civil(2026, 1, 5, 8, 0, 0, 0);
    ictus_synth_animal a[1];
    ictus_synth_animal_make(model(), 1, 0, 1, &a[0]);
    ictus_synth_kindling *k = NULL;
    ictus_error err = {0};
    ictus_synth_kindling_doses d = {4, {5, 10, 20, 40}, 15, 60, 3};
    /* one day: 2 sessions, too few for 4 doses */
    CHECK(ictus_synth_kindling_plan(&d, model(), false, 1, start, start + DAY_US, a, 1, &k,
                                    &err) == ICTUS_ERR_USAGE);
    CHECK_MSG(strstr(err.msg, "sessions") != NULL, "%s", err.msg);
    CHECK(ictus_synth_kindling_plan(&d, ictus_synth_model_find("ihka-mouse"), false, 1, start,
                                    start + 4 * DAY_US, a, 1, &k, &err) == ICTUS_ERR_USAGE);
    ictus_synth_kindling_doses bad = {3, {5, 20, 10}, 15, 60, 3};
    CHECK(ictus_synth_kindling_plan(&bad, model(), false, 1, start, start + 4 * DAY_US, a, 1, &k,
                                    &err) == ICTUS_ERR_USAGE);
    CHECK_MSG(strstr(err.msg, "ascending") != NULL, "%s", err.msg);
    CHECK(!k);
}

int main(void)
{
    ictus_synth_kindling_doses d = {5, {4, 8, 16, 32, 64}, 15, 60, 3};
    ictus_synth_kindling_doses e = {4, {5, 10, 20, 40}, 12, 30, 2};
    for (uint64_t seed = 9003; seed <= 9010; seed++) {
        recover(seed, 12, &d);
        recover(seed, 20, &e);
    }
    refusals();
    return check_done("test_kindling_plan");
}
