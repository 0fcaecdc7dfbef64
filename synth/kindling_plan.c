/* kindling_plan.c: drug sessions with a planned ED50 and TD50 for the 6 Hz kindling model (kindling_plan.h). */
#include "synth/kindling_plan.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/vec.h"
#include "base/walltime.h"
#include "synth/rng.h"
#include "synth/study_writer.h" /* ictus_synth_format_time */

#define MAX_ANIMALS 88
#define HOUR_US (INT64_C(3600) * ICTUS_US_PER_S)
#define DAY_US (24 * HOUR_US)
/* Session windows: [09:00, 13:00) and [15:00, 19:00) of a day. */
static const int window_start_h[2] = {9, 15};
#define WINDOW_H 4
/* The criterion of kindling.h. */
#define KINDLED_RUN 10

struct ictus_synth_kindling {
    int n_animals;
    const ictus_synth_animal *animals;
    ictus_synth_kindling_doses d;
    int n_acquisition;          /* acquisition sessions recorded */
    int64_t *dose_start_us;     /* [n_doses]: the drug sessions' windows' starts */
    bool *protected_, *toxic;   /* [animal * n_doses + j] */
};

static int64_t midnight(int64_t t_us)
{
    int y, m, d;
    ictus_walltime_to_civil(t_us, &y, &m, &d, NULL, NULL, NULL, NULL);
    return ictus_walltime_from_civil(y, m, d, 0, 0, 0, 0);
}

/* Φ(x), the standard normal CDF. */
static double normal_cdf(double x)
{
    return 0.5 * erfc(-x / sqrt(2));
}

/* A random order of 0..n-1 into perm (Fisher–Yates). */
static void shuffle(int *perm, int n, uint64_t key)
{
    ictus_synth_rng r = ictus_synth_rng_make(key);
    for (int i = 0; i < n; i++)
        perm[i] = i;
    for (int i = n - 1; i > 0; i--) {
        int j = (int)(ictus_synth_rng_u64(&r) % (uint64_t)(i + 1));
        int t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
}

/* responds[a * n_doses + j] for a threshold at d50: u_a = (k_a + U_a)/n,
 * k a random order of the animals, U uniform (a Latin hypercube sample). */
static void assign(const ictus_synth_kindling *k, double d50, uint64_t key, bool *responds)
{
    int n = k->n_animals;
    int *perm = ictus_xcalloc((size_t)n, sizeof *perm);
    shuffle(perm, n, key);
    ictus_synth_rng r = ictus_synth_rng_make(ictus_synth_mix64(key + 1));
    for (int a = 0; a < n; a++) {
        double u = (perm[a] + ictus_synth_rng_uniform(&r)) / n;
        for (int j = 0; j < k->d.n_doses; j++)
            responds[a * k->d.n_doses + j] =
                normal_cdf(k->d.slope * log10(k->d.doses[j] / d50)) >= u;
    }
    free(perm);
}

ictus_status ictus_synth_kindling_plan(const ictus_synth_kindling_doses *d,
                                       const ictus_synth_model *model, bool with_protocol,
                                       uint64_t seed, int64_t start_us, int64_t end_us,
                                       ictus_synth_animal *animals, int n_animals,
                                       ictus_synth_kindling **out, ictus_error *err)
{
    *out = NULL;
    if (with_protocol)
        return ictus_fail(err, ICTUS_ERR_USAGE, "--kindling-doses and --protocol: choose one");
    if (!model->kindling)
        return ictus_fail(err, ICTUS_ERR_USAGE, "--kindling-doses: the model %s has no "
                          "stimulations (use 6hz-kindling-mouse)", model->name);
    if (d->n_doses < 2 || d->n_doses > ICTUS_SYNTH_MAX_DOSES)
        return ictus_fail(err, ICTUS_ERR_USAGE, "--kindling-doses: %d doses; expected 2..%d",
                          d->n_doses, ICTUS_SYNTH_MAX_DOSES);
    for (int j = 0; j < d->n_doses; j++)
        if (!(d->doses[j] > 0) || (j && d->doses[j] <= d->doses[j - 1]))
            return ictus_fail(err, ICTUS_ERR_USAGE,
                              "--kindling-doses: expected ascending doses > 0 (mg/kg)");
    if (!(d->ed50 > 0 && d->td50 > 0 && d->slope > 0))
        return ictus_fail(err, ICTUS_ERR_USAGE, "--ed50, --td50, --probit-slope: expected > 0");
    if (n_animals > MAX_ANIMALS)
        return ictus_fail(err, ICTUS_ERR_USAGE, "--kindling-doses: at most %d animals (their "
                          "morning stimulations must fall before 13:00)", MAX_ANIMALS);
    /* the sessions whose window lies inside the recording */
    int64_t *sessions = NULL;
    int n = 0, cap = 0;
    for (int64_t day = midnight(start_us); day < end_us; day += DAY_US)
        for (int w = 0; w < 2; w++) {
            int64_t t = day + window_start_h[w] * HOUR_US;
            if (t >= start_us && t + WINDOW_H * HOUR_US <= end_us) {
                ICTUS_GROW(sessions, n + 1, cap);
                sessions[n++] = t;
            }
        }
    if (n < d->n_doses + 1) {
        free(sessions);
        return ictus_fail(err, ICTUS_ERR_USAGE,
                          "--kindling-doses: the recording holds %d stimulation sessions; %d "
                          "doses need at least %d (one acquisition session first): make the "
                          "files cover about %d days", n, d->n_doses, d->n_doses + 1,
                          (d->n_doses + 2) / 2 + 1);
    }
    ictus_synth_kindling *k = ictus_xcalloc(1, sizeof *k);
    k->n_animals = n_animals;
    k->animals = animals;
    k->d = *d;
    k->n_acquisition = n - d->n_doses;
    k->dose_start_us = ictus_xcalloc((size_t)d->n_doses, sizeof *k->dose_start_us);
    memcpy(k->dose_start_us, sessions + k->n_acquisition, (size_t)d->n_doses * sizeof *sessions);
    free(sessions);
    k->protected_ = ictus_xcalloc((size_t)(n_animals * d->n_doses), sizeof *k->protected_);
    k->toxic = ictus_xcalloc((size_t)(n_animals * d->n_doses), sizeof *k->toxic);
    assign(k, d->ed50, ictus_synth_key(seed, 0x6b696e64, 1, 0, 0), k->protected_);
    assign(k, d->td50, ictus_synth_key(seed, 0x6b696e64, 2, 0, 0), k->toxic);
    for (int a = 0; a < n_animals; a++) {
        int fully = (int)ceil(2 * animals[a].stims_to_kindle);
        if (animals[a].prior_stims < fully)
            animals[a].prior_stims = fully;
    }
    *out = k;
    return ICTUS_OK;
}

bool ictus_synth_kindling_protected(const ictus_synth_kindling *k, int a, int j)
{
    return k->protected_[a * k->d.n_doses + j];
}

bool ictus_synth_kindling_toxic(const ictus_synth_kindling *k, int a, int j)
{
    return k->toxic[a * k->d.n_doses + j];
}

static double rate(void *ctx, int animal, int64_t t_us)
{
    const ictus_synth_kindling *k = ctx;
    for (int j = 0; j < k->d.n_doses; j++)
        if (t_us >= k->dose_start_us[j] && t_us < k->dose_start_us[j] + WINDOW_H * HOUR_US)
            return ictus_synth_kindling_protected(k, animal, j) ? 0 : 1;
    return 1;
}

ictus_synth_rate ictus_synth_kindling_rate(const ictus_synth_kindling *k)
{
    return (ictus_synth_rate){rate, (void *)k, NULL};
}

void ictus_synth_kindling_write_ini(const ictus_synth_kindling *k, FILE *f)
{
    fprintf(f, "# kindling drug sessions: %s at", ICTUS_SYNTH_KINDLING_DRUG);
    for (int j = 0; j < k->d.n_doses; j++)
        fprintf(f, "%s%g", j ? ", " : " ", k->d.doses[j]);
    fprintf(f, " mg/kg after %d acquisition sessions; planned ED50 %g mg/kg, TD50 %g mg/kg, "
               "probit slope %g (dose_plan.csv)\n",
            k->n_acquisition, k->d.ed50, k->d.td50, k->d.slope);
    if (k->n_acquisition < KINDLED_RUN)
        fprintf(f, "[kindling]\nkindled_run = %d\n", k->n_acquisition);
}

void ictus_synth_kindling_write_periods(const ictus_synth_kindling *k, FILE *f)
{
    fprintf(f, "animal,period,drug,dose_mg_kg,route,start,end,tolerated,plasma_level\n");
    for (int a = 0; a < k->n_animals; a++)
        for (int j = 0; j < k->d.n_doses; j++) {
            char start[32], end[32];
            ictus_synth_format_time(k->dose_start_us[j], start, sizeof start);
            ictus_synth_format_time(k->dose_start_us[j] + WINDOW_H * HOUR_US, end, sizeof end);
            fprintf(f, "%s,treatment,%s,%g,ip,%s,%s,%s,\n", k->animals[a].id,
                    ICTUS_SYNTH_KINDLING_DRUG, k->d.doses[j], start, end,
                    ictus_synth_kindling_toxic(k, a, j) ? "no" : "yes");
        }
}

void ictus_synth_kindling_write_truth(const ictus_synth_kindling *k, FILE *f)
{
    fprintf(f, "drug,outcome,dose_mg_kg,n,planned_r,planned_p,d50_mg_kg,probit_slope\n");
    for (int o = 0; o < 2; o++) {
        double d50 = o ? k->d.td50 : k->d.ed50;
        for (int j = 0; j < k->d.n_doses; j++) {
            int r = 0;
            for (int a = 0; a < k->n_animals; a++)
                r += o ? ictus_synth_kindling_toxic(k, a, j) : ictus_synth_kindling_protected(k, a, j);
            fprintf(f, "%s,%s,%g,%d,%d,%.6f,%g,%g\n", ICTUS_SYNTH_KINDLING_DRUG,
                    o ? "toxicity" : "protection", k->d.doses[j], k->n_animals, r,
                    normal_cdf(k->d.slope * log10(k->d.doses[j] / d50)), d50, k->d.slope);
        }
    }
}

void ictus_synth_kindling_destroy(ictus_synth_kindling *k)
{
    if (!k)
        return;
    free(k->dose_start_us);
    free(k->protected_);
    free(k->toxic);
    free(k);
}
