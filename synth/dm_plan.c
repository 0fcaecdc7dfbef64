/* dm_plan.c: the disease-modification study: schedule, per-animal effects, truth (dm_plan.h). */
#include "synth/dm_plan.h"

#include <math.h>
#include <stdlib.h>

#include "base/walltime.h"
#include "protocols/disease_mod.h"
#include "synth/day.h"

/* How far a realised ratio must lie from the effect threshold (dm_plan.h). */
#define RATE_MARGIN 1.3
/* The least share of calendar time the truth counts on being analysable. */
#define ANALYSABLE_SHARE 0.8
/* Realisations of a window tried before giving up. */
#define MAX_DRAWS 24
/* Seizures a baseline needs at least. */
#define MIN_BASELINE_SEIZURES 6

enum { BASELINE, TREATMENT, WASHOUT, FOLLOWUP, N_PERIODS };

typedef struct {
    const char *name;
    bool intervention;
    bool effect_during, effect_after; /* chronic: the two windows; intervention: after only */
    ictus_dm_class cls;
} role;

static const role roles[] = {
    {"disease_modifying", false, true, true, ICTUS_DM_DISEASE_MODIFYING},
    {"symptomatic", false, true, false, ICTUS_DM_SYMPTOMATIC},
    {"no_effect", false, false, false, ICTUS_DM_NO_EFFECT},
    {"transplant", true, false, true, ICTUS_DM_DISEASE_MODIFYING},
    {"sham_transplant", true, false, false, ICTUS_DM_NO_EFFECT},
};
#define N_ROLES (int)(sizeof roles / sizeof roles[0])

/* The realised ratio aimed at and the multiplier's range, for an effect or none. */
static double aim(bool effect, double natural)
{
    double target = effect ? 0.25 : 1, lo = effect ? 0.05 : 0.75, hi = effect ? 0.4 : 1.3;
    double m = natural > 0 ? target / natural : target;
    return fmin(fmax(m, lo), hi);
}

typedef struct {
    int64_t start_us, end_us;
    int first_file, n_files;
} period_span;

typedef struct {
    const role *role;
    double scale;
    double multiplier[N_PERIODS];
    uint64_t draw[N_PERIODS];
    int count[N_PERIODS];
} animal_plan;

struct ictus_synth_dm {
    const ictus_synth_study *s;
    const ictus_synth_animal *animals;
    ictus_dm_settings settings;     /* those the truth holds for */
    bool own_min_analysable, own_min_followup;
    period_span periods[N_PERIODS];
    animal_plan *plans;
};

static double dm_rate(void *ctx, int animal, int64_t t_us)
{
    const ictus_synth_dm *d = ctx;
    const animal_plan *ap = &d->plans[animal];
    for (int p = 0; p < N_PERIODS; p++)
        if (t_us >= d->periods[p].start_us && t_us < d->periods[p].end_us)
            return ap->scale * ap->multiplier[p];
    return ap->scale;
}

static uint64_t dm_draw(void *ctx, int animal, int file)
{
    const ictus_synth_dm *d = ctx;
    for (int p = 0; p < N_PERIODS; p++)
        if (file >= d->periods[p].first_file &&
            file < d->periods[p].first_file + d->periods[p].n_files)
            return d->plans[animal].draw[p];
    return 0;
}

ictus_synth_rate ictus_synth_dm_rate(const ictus_synth_dm *d)
{
    return (ictus_synth_rate){dm_rate, (void *)d, dm_draw};
}

static double span_h(const period_span *p)
{
    return (double)(p->end_us - p->start_us) / 3600e6;
}

/* Plan period p's files of animal a as the generation will and count its seizures. */
static void realise(ictus_synth_dm *d, int a, int p)
{
    const period_span *span = &d->periods[p];
    animal_plan *ap = &d->plans[a];
    ictus_synth_study study = *d->s;
    study.rate = ictus_synth_dm_rate(d);
    ap->count[p] = 0;
    for (int f = span->first_file; f < span->first_file + span->n_files; f++) {
        ictus_synth_day_spec spec;
        ictus_synth_study_day_spec(&study, &d->animals[a], f, &spec);
        ictus_synth_day *day = ictus_synth_day_create(&spec);
        const ictus_synth_events *ev = ictus_synth_day_events(day);
        for (int e = 0; e < ev->n; e++)
            ap->count[p] += ictus_synth_kinds[ev->items[e].kind].cls == ICTUS_SYNTH_SEIZURE;
        ictus_synth_day_destroy(day);
    }
}

/* A window: the periods [p0, p1] of the schedule, pooled. */
static double window_ratio(const ictus_synth_dm *d, const animal_plan *ap, int p0, int p1)
{
    double count = 0, hours = 0;
    for (int p = p0; p <= p1; p++) {
        count += ap->count[p];
        hours += span_h(&d->periods[p]);
    }
    return count / hours / (ap->count[BASELINE] / span_h(&d->periods[BASELINE]));
}

/* 1 effect, 0 none, -1 too close to the threshold to be sure. */
static int judged(const ictus_synth_dm *d, double ratio)
{
    double limit = 1 - d->settings.effect_pct / 100;
    return ratio * RATE_MARGIN <= limit ? 1 : ratio >= limit * RATE_MARGIN ? 0 : -1;
}

/* The schedule from the study start, and the settings it needs. */
static void make_schedule(ictus_synth_dm *d)
{
    const ictus_synth_study *s = d->s;
    const ictus_synth_protocol *pr = s->protocol;
    const int64_t length_s[N_PERIODS] = {pr->baseline_s, pr->drug_s, pr->washout_s, pr->drug_s};
    int64_t file_s = llround(s->hours * 3600), t_s = 0;
    for (int p = 0; p < N_PERIODS; p++) {
        d->periods[p] = (period_span){s->start_us + t_s * ICTUS_US_PER_S,
                                      s->start_us + (t_s + length_s[p]) * ICTUS_US_PER_S,
                                      (int)(t_s / file_s), (int)(length_s[p] / file_s)};
        t_s += length_s[p];
    }
    ictus_dm_settings_default(&d->settings);
    double shortest_h = fmin(span_h(&d->periods[BASELINE]), span_h(&d->periods[TREATMENT]));
    if (ANALYSABLE_SHARE * shortest_h < d->settings.min_analysable_h) {
        d->settings.min_analysable_h = shortest_h / 2;
        d->own_min_analysable = true;
    }
    double followup_days = span_h(&d->periods[FOLLOWUP]) / 24;
    if (followup_days < d->settings.min_followup_days) {
        d->settings.min_followup_days = followup_days / 2;
        d->own_min_followup = true;
    }
}

/* The first baseline draw from `first` on with enough seizures. */
static ictus_status plan_baseline(ictus_synth_dm *d, int a, int first, ictus_error *err)
{
    const ictus_synth_animal *animal = &d->animals[a];
    animal_plan *ap = &d->plans[a];
    double rate = animal->seizure_per_day[0];
    double floor_rate = d->s->protocol->min_rate_per_24h;
    double hours = span_h(&d->periods[BASELINE]);
    ap->scale = rate < floor_rate ? floor_rate / rate : 1;
    for (int p = 0; p < N_PERIODS; p++)
        ap->multiplier[p] = 1;
    for (int i = first; i < MAX_DRAWS; i++) {
        ap->draw[BASELINE] = (uint64_t)i;
        realise(d, a, BASELINE);
        if (ap->count[BASELINE] >= MIN_BASELINE_SEIZURES &&
            ap->count[BASELINE] / hours * 24 >= RATE_MARGIN * d->settings.min_baseline_per_24h)
            return ICTUS_OK;
    }
    return ictus_fail(err, ICTUS_ERR_USAGE, "animal %s: %d seizures in the %g h baseline: too "
                      "few for a class (lengthen the baseline or raise --min-rate)", animal->id,
                      ap->count[BASELINE], hours);
}

/* Make window [p0, p1] realise `effect` (one multiplier and draw for its
 * periods; the washout of a chronic role follows the treatment). */
static bool plan_window(ictus_synth_dm *d, int a, int p0, int p1, bool effect)
{
    animal_plan *ap = &d->plans[a];
    for (int i = 0; i < MAX_DRAWS; i++) {
        for (int pass = 0; pass < 2; pass++) {
            double m = pass == 0 ? 1 : aim(effect, window_ratio(d, ap, p0, p1));
            for (int p = p0; p <= p1; p++) {
                ap->draw[p] = (uint64_t)i;
                ap->multiplier[p] = m;
                realise(d, a, p);
            }
        }
        if (judged(d, window_ratio(d, ap, p0, p1)) == (int)effect)
            return true;
    }
    return false;
}

static ictus_status plan_animal(ictus_synth_dm *d, int a, ictus_error *err)
{
    animal_plan *ap = &d->plans[a];
    const role *r = ap->role;
    for (;;) {
        bool ok;
        if (r->intervention) {
            ok = plan_window(d, a, TREATMENT, FOLLOWUP, r->effect_after);
        } else {
            ok = plan_window(d, a, TREATMENT, TREATMENT, r->effect_during);
            ap->multiplier[WASHOUT] = r->effect_after ? ap->multiplier[TREATMENT]
                                                      : (1 + ap->multiplier[TREATMENT]) / 2;
            ok = ok && plan_window(d, a, FOLLOWUP, FOLLOWUP, r->effect_after);
        }
        if (ok)
            return ICTUS_OK;
        ictus_error next_err;
        if ((int)ap->draw[BASELINE] + 1 >= MAX_DRAWS ||
            plan_baseline(d, a, (int)ap->draw[BASELINE] + 1, &next_err) != ICTUS_OK)
            return ictus_fail(err, ICTUS_ERR_USAGE, "animal %s (%s): no unambiguous %s with "
                              "%d baseline seizures in %g h: lengthen the periods or raise "
                              "--min-rate", d->animals[a].id, r->name,
                              ictus_dm_class_name(r->cls), ap->count[BASELINE],
                              span_h(&d->periods[BASELINE]));
    }
}

ictus_status ictus_synth_dm_plan(const ictus_synth_study *s, const ictus_synth_animal *animals,
                                 ictus_synth_dm **out, ictus_error *err)
{
    *out = NULL;
    ictus_synth_dm *d = ictus_xcalloc(1, sizeof *d);
    d->s = s;
    d->animals = animals;
    d->plans = ictus_xcalloc((size_t)s->n_animals, sizeof *d->plans);
    make_schedule(d);
    ictus_status st = ICTUS_OK;
    for (int a = 0; a < s->n_animals && st == ICTUS_OK; a++) {
        d->plans[a].role = &roles[a % N_ROLES];
        st = plan_baseline(d, a, 0, err);
        if (st == ICTUS_OK)
            st = plan_animal(d, a, err);
    }
    if (st != ICTUS_OK) {
        ictus_synth_dm_destroy(d);
        return st;
    }
    *out = d;
    return ICTUS_OK;
}

void ictus_synth_dm_destroy(ictus_synth_dm *d)
{
    if (!d)
        return;
    free(d->plans);
    free(d);
}

/* ---------------------------------------------------------------- the files */

void ictus_synth_dm_write_ini(const ictus_synth_dm *d, FILE *f)
{
    const ictus_synth_protocol *pr = d->s->protocol;
    fprintf(f, "\n# Disease-modification protocol dm (dosing.csv; the truth in "
               "disease_modification_truth.csv): baseline %g h, %s or %s %g h, washout %g h, "
               "follow-up %g h; rates lifted to at least %g per 24 h.\n",
            (double)pr->baseline_s / 3600, ICTUS_SYNTH_DM_DRUG, ICTUS_SYNTH_DM_INTERVENTION,
            (double)pr->drug_s / 3600, (double)pr->washout_s / 3600, (double)pr->drug_s / 3600,
            pr->min_rate_per_24h);
    if (!d->own_min_analysable && !d->own_min_followup)
        return;
    fprintf(f, "\n# The periods are shorter than the defaults assume:\n[disease_modification]\n");
    if (d->own_min_analysable)
        fprintf(f, "min_analysable_h = %g\n", d->settings.min_analysable_h);
    if (d->own_min_followup)
        fprintf(f, "min_followup_days = %g\n", d->settings.min_followup_days);
}

static void period_row(FILE *f, const char *animal, const char *kind, const char *drug,
                       bool dosed, int64_t start_us, int64_t end_us)
{
    char start[32], end[32];
    ictus_synth_format_time(start_us, start, sizeof start);
    ictus_synth_format_time(end_us, end, sizeof end);
    if (dosed)
        fprintf(f, "%s,%s,%s,%g,ip,%s,%s,yes,\n", animal, kind, drug, ICTUS_SYNTH_DM_DOSE, start,
                end);
    else
        fprintf(f, "%s,%s,%s,,,%s,%s,,\n", animal, kind, drug, start, end);
}

void ictus_synth_dm_write_periods(const ictus_synth_dm *d, FILE *f)
{
    static const char *const kinds[N_PERIODS] = {"baseline", "treatment", "washout", "followup"};
    fprintf(f, "animal,period,drug,dose_mg_kg,route,start,end,tolerated,plasma_level\n");
    for (int a = 0; a < d->s->n_animals; a++) {
        const char *id = d->animals[a].id;
        const period_span *ps = d->periods;
        period_row(f, id, kinds[BASELINE], "", false, ps[BASELINE].start_us, ps[BASELINE].end_us);
        if (d->plans[a].role->intervention) {
            period_row(f, id, "intervention", ICTUS_SYNTH_DM_INTERVENTION, false,
                       ps[TREATMENT].start_us, ps[FOLLOWUP].end_us);
            continue;
        }
        for (int p = TREATMENT; p < N_PERIODS; p++)
            if (ps[p].n_files)
                period_row(f, id, kinds[p], p == TREATMENT ? ICTUS_SYNTH_DM_DRUG : "",
                           p == TREATMENT, ps[p].start_us, ps[p].end_us);
    }
}

void ictus_synth_dm_write_truth(const ictus_synth_dm *d, FILE *f)
{
    fprintf(f, "animal,exposure,drug,class,role,rate_scale,baseline_span_h,baseline_count,"
               "during_span_h,during_count,during_multiplier,followup_span_h,followup_count,"
               "followup_multiplier,during_pct_change,followup_pct_change\n");
    const period_span *ps = d->periods;
    for (int a = 0; a < d->s->n_animals; a++) {
        const animal_plan *ap = &d->plans[a];
        const role *r = ap->role;
        fprintf(f, "%s,%s,%s,%s,%s,%.4g,%g,%d,", d->animals[a].id,
                r->intervention ? "intervention" : "treatment",
                r->intervention ? ICTUS_SYNTH_DM_INTERVENTION : ICTUS_SYNTH_DM_DRUG,
                ictus_dm_class_name(r->cls), r->name, ap->scale, span_h(&ps[BASELINE]),
                ap->count[BASELINE]);
        if (r->intervention) {
            int n = ap->count[TREATMENT] + ap->count[WASHOUT] + ap->count[FOLLOWUP];
            fprintf(f, ",,,%g,%d,%.4g,,%.1f\n",
                    span_h(&ps[TREATMENT]) + span_h(&ps[WASHOUT]) + span_h(&ps[FOLLOWUP]), n,
                    ap->multiplier[FOLLOWUP],
                    (window_ratio(d, ap, TREATMENT, FOLLOWUP) - 1) * 100);
        } else {
            fprintf(f, "%g,%d,%.4g,%g,%d,%.4g,%.1f,%.1f\n", span_h(&ps[TREATMENT]),
                    ap->count[TREATMENT], ap->multiplier[TREATMENT], span_h(&ps[FOLLOWUP]),
                    ap->count[FOLLOWUP], ap->multiplier[FOLLOWUP],
                    (window_ratio(d, ap, TREATMENT, TREATMENT) - 1) * 100,
                    (window_ratio(d, ap, FOLLOWUP, FOLLOWUP) - 1) * 100);
        }
    }
}
