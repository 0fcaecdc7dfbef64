/* drug_plan.c: the drug study's schedule, the per-animal effects and their
 * truth (see dosing.h for the design and the margins). */
#include "synth/drug_plan.h"

#include <math.h>
#include <stdlib.h>

#include "synth/day.h"
#include "base/walltime.h"
#include "protocols/response.h"

/* How far a realised class must lie from the thresholds (dosing.h). */
#define RATE_MARGIN 1.3
#define FREE_MARGIN 1.5
/* The least share of calendar time the truth counts on being analysable. */
#define ANALYSABLE_SHARE 0.8
/* Realisations of a drug block tried before giving up. */
#define MAX_DRAWS 24
/* Seizures a baseline needs at least: a block then has room for a class. */
#define MIN_BASELINE_SEIZURES 6

/* ---------------------------------------------------------------- the design */

enum { BASELINE, DRUG_A, WASHOUT, DRUG_B, N_PERIODS };

static const struct {
    const char *drug;
    double dose_mg_kg;
    int period;
} drugs[2] = {
    {ICTUS_SYNTH_ASM_A, ICTUS_SYNTH_ASM_A_DOSE, DRUG_A},
    {ICTUS_SYNTH_ASM_B, ICTUS_SYNTH_ASM_B_DOSE, DRUG_B},
};
#define ROUTE "ip"

typedef struct {
    const char *name;
    ictus_response_class cls[2];   /* under asm-a, asm-b */
    const char *course[2];         /* what analysis.h's definitions make of the classes */
    bool resistant;
} role;

static const role roles[] = {
    {"responder", {ICTUS_CLASS_RESPONDER, ICTUS_CLASS_RESPONDER}, {"", ""}, false},
    {"relapse", {ICTUS_CLASS_SEIZURE_FREE, ICTUS_CLASS_RESPONDER}, {"remission", "relapse"}, false},
    {"resistant", {ICTUS_CLASS_NON_RESPONDER, ICTUS_CLASS_WORSENING}, {"", ""}, true},
    {"late_responder", {ICTUS_CLASS_NON_RESPONDER, ICTUS_CLASS_RESPONDER}, {"", ""}, false},
    {"remission", {ICTUS_CLASS_SEIZURE_FREE, ICTUS_CLASS_SEIZURE_FREE},
     {"remission", "sustained"}, false},
    {"worsening", {ICTUS_CLASS_WORSENING, ICTUS_CLASS_RESPONDER}, {"", ""}, false},
    {"late_remission", {ICTUS_CLASS_RESPONDER, ICTUS_CLASS_SEIZURE_FREE}, {"", "remission"}, false},
    {"partial", {ICTUS_CLASS_RESPONDER, ICTUS_CLASS_NON_RESPONDER}, {"", ""}, false},
};
#define N_ROLES (int)(sizeof roles / sizeof roles[0])

/* --responder-sex: both drugs work in one sex only (the planned stratum
 * effect of strata.h's tests); the other sex does not respond to either. */
static const role sex_roles[2] = {
    {"sex_responder", {ICTUS_CLASS_RESPONDER, ICTUS_CLASS_RESPONDER}, {"", ""}, false},
    {"sex_unaffected", {ICTUS_CLASS_NON_RESPONDER, ICTUS_CLASS_NON_RESPONDER}, {"", ""}, true},
};

/* What a drug does to the rate for each class: the realised ratio of the
 * block to the baseline aimed at (in the middle of the class's band,
 * dosing.h), and the range its multiplier is kept in, so that a responder
 * is a drug that lowers the rate and a worsening one that raises it,
 * whatever the days of the block would have done without it. */
static const struct {
    ictus_response_class cls;
    double target_ratio, lo, hi;
} effects[] = {
    {ICTUS_CLASS_RESPONDER, 0.25, 0.05, 0.4},
    {ICTUS_CLASS_NON_RESPONDER, 0.9, 0.7, 1.3},
    {ICTUS_CLASS_WORSENING, 2.8, 1.8, 6},
};

/* The multiplier that would turn a block whose natural ratio (multiplier
 * 1) is `natural` into class `cls` (not seizure_free). */
static double aim(ictus_response_class cls, double natural)
{
    size_t e = 0;
    while (effects[e].cls != cls)
        e++;
    double m = natural > 0 ? effects[e].target_ratio / natural : effects[e].target_ratio;
    return fmin(fmax(m, effects[e].lo), effects[e].hi);
}

static bool has_seizure_free(const role *r)
{
    return r->cls[0] == ICTUS_CLASS_SEIZURE_FREE || r->cls[1] == ICTUS_CLASS_SEIZURE_FREE;
}

/* ---------------------------------------------------------------- the plan */

typedef struct {
    int64_t start_us, end_us;
    int first_file, n_files;
} period_span;

typedef struct {
    const role *role;
    double scale;                  /* rate scale in every period */
    double multiplier[N_PERIODS];  /* the drug effect (1 at baseline) */
    uint64_t draw[N_PERIODS];      /* the realisation of the period's seizures (model.h) */
    int count[N_PERIODS];          /* realised seizures starting in each period */
    double longest_isi_h;          /* of the baseline, calendar hours */
    ictus_response_class cls[2];   /* the class under each drug (the role's) */
} animal_plan;

struct ictus_synth_dosing {
    const ictus_synth_study *s;
    const ictus_synth_animal *animals;
    ictus_response_rules rules;    /* the analysis settings the truth holds for */
    bool own_min_analysable, own_min_block; /* written to study.ini [analysis] */
    period_span periods[N_PERIODS];
    animal_plan *plans;            /* [s->n_animals] */
};

static double dosing_rate(void *ctx, int animal, int64_t t_us)
{
    const ictus_synth_dosing *d = ctx;
    const animal_plan *ap = &d->plans[animal];
    for (int p = 0; p < N_PERIODS; p++)
        if (t_us >= d->periods[p].start_us && t_us < d->periods[p].end_us)
            return ap->scale * ap->multiplier[p];
    return ap->scale;
}

static uint64_t dosing_draw(void *ctx, int animal, int file)
{
    const ictus_synth_dosing *d = ctx;
    for (int p = 0; p < N_PERIODS; p++)
        if (file >= d->periods[p].first_file &&
            file < d->periods[p].first_file + d->periods[p].n_files)
            return d->plans[animal].draw[p];
    return 0;
}

ictus_synth_rate ictus_synth_dosing_rate(const ictus_synth_dosing *d)
{
    return (ictus_synth_rate){dosing_rate, (void *)d, dosing_draw};
}

static double span_h(const period_span *p)
{
    return (double)(p->end_us - p->start_us) / 3600e6;
}

/* Plan period p's files of animal a under the animal's current multipliers
 * and draws (exactly as the generation will) and count the seizures; for the
 * baseline also the longest interval between consecutive onsets. */
static void realise(ictus_synth_dosing *d, int a, int p)
{
    const ictus_synth_study *s = d->s;
    const period_span *span = &d->periods[p];
    animal_plan *ap = &d->plans[a];
    ictus_synth_study study = *s;
    study.rate = ictus_synth_dosing_rate(d);
    int64_t last_us = INT64_MIN, longest_us = 0;
    ap->count[p] = 0;
    for (int f = span->first_file; f < span->first_file + span->n_files; f++) {
        ictus_synth_day_spec spec;
        ictus_synth_study_day_spec(&study, &d->animals[a], f, &spec);
        ictus_synth_day *day = ictus_synth_day_create(&spec);
        const ictus_synth_events *ev = ictus_synth_day_events(day);
        for (int e = 0; e < ev->n; e++) {
            if (ictus_synth_kinds[ev->items[e].kind].cls != ICTUS_SYNTH_SEIZURE)
                continue;
            int64_t at_us = spec.start_us + llround((double)ev->items[e].start / spec.fs_hz * 1e6);
            if (last_us != INT64_MIN && at_us - last_us > longest_us)
                longest_us = at_us - last_us;
            last_us = at_us;
            ap->count[p]++;
        }
        ictus_synth_day_destroy(day);
    }
    if (p == BASELINE)
        ap->longest_isi_h = (double)longest_us / 3600e6;
}

/* The class the analysis finds for `count` seizures in drug period p of the
 * animal, when the margins leave no doubt; ICTUS_CLASS_UNDETERMINED
 * otherwise (never a wanted class). */
static ictus_response_class truth_class(const ictus_synth_dosing *d, const animal_plan *ap, int p)
{
    const ictus_response_rules *r = &d->rules;
    double hours = span_h(&d->periods[p]);
    if (ap->count[p] == 0)
        return hours >= FREE_MARGIN * r->seizure_free_factor * ap->longest_isi_h
                   ? ICTUS_CLASS_SEIZURE_FREE
                   : ICTUS_CLASS_UNDETERMINED;
    double ratio = ap->count[p] / hours /
                   (ap->count[BASELINE] / span_h(&d->periods[BASELINE]));
    double strict = 1 - r->strict_pct / 100, responder = 1 - r->responder_pct / 100;
    double worse = 1 + r->worsening_pct / 100, m = RATE_MARGIN;
    if (ratio * m < strict)
        return ICTUS_CLASS_STRICT_RESPONDER;
    if (ratio >= strict * m && ratio * m <= responder)
        return ICTUS_CLASS_RESPONDER;
    if (ratio >= responder * m && ratio * m <= worse)
        return ICTUS_CLASS_NON_RESPONDER;
    if (ratio >= worse * m)
        return ICTUS_CLASS_WORSENING;
    return ICTUS_CLASS_UNDETERMINED;
}

/* The schedule from the study start, and the analysis settings it needs. */
static void make_schedule(ictus_synth_dosing *d)
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
    ictus_response_rules_default(&d->rules);
    double shortest_h = fmin(span_h(&d->periods[BASELINE]), span_h(&d->periods[DRUG_A]));
    if (ANALYSABLE_SHARE * shortest_h < d->rules.min_analysable_h) {
        d->rules.min_analysable_h = shortest_h / 2;
        d->own_min_analysable = true;
    }
    double block_days = (double)pr->drug_s / 86400;
    if (block_days < d->rules.min_block_days) {
        d->rules.min_block_days = block_days / 2;
        d->own_min_block = true;
    }
}

/* An animal's place in the queue for the roles with a seizure-free block:
 * shortest longest baseline ISI first, then by index. */
typedef struct {
    double isi_h;
    int animal;
} candidate;

static int by_isi(const void *x, const void *y)
{
    const candidate *a = x, *b = y;
    if (a->isi_h != b->isi_h)
        return a->isi_h < b->isi_h ? -1 : 1;
    return a->animal - b->animal;
}

/* Give animal i the role of slot i (round-robin), except that the slots
 * with a seizure-free block take the animals best suited for it. */
static void assign_roles(ictus_synth_dosing *d)
{
    int n = d->s->n_animals;
    char sex = d->s->protocol->responder_sex;
    if (sex) {
        for (int i = 0; i < n; i++)
            d->plans[i].role = &sex_roles[d->animals[i].sex != sex];
        return;
    }
    candidate *queue = ictus_xmalloc((size_t)n * sizeof *queue);
    bool *taken = ictus_xcalloc((size_t)n, sizeof *taken);
    for (int i = 0; i < n; i++)
        queue[i] = (candidate){d->plans[i].longest_isi_h, i};
    qsort(queue, (size_t)n, sizeof *queue, by_isi);
    int next_best = 0, next = 0;
    for (int slot = 0; slot < n; slot++)
        if (has_seizure_free(&roles[slot % N_ROLES])) {
            int a = queue[next_best++].animal;
            d->plans[a].role = &roles[slot % N_ROLES];
            taken[a] = true;
        }
    for (int slot = 0; slot < n; slot++)
        if (!has_seizure_free(&roles[slot % N_ROLES])) {
            while (taken[next])
                next++;
            d->plans[next].role = &roles[slot % N_ROLES];
            taken[next] = true;
        }
    free(queue);
    free(taken);
}

/* Realise the baseline of animal a: the first draw from `first` on that
 * can anchor a class (at least MIN_BASELINE_SEIZURES, RATE_MARGIN x
 * min_baseline_per_24h), as a lab enrols only animals with enough seizures
 * at baseline. */
static ictus_status plan_baseline(ictus_synth_dosing *d, int a, int first, ictus_error *err)
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
            ap->count[BASELINE] / hours * 24 >= RATE_MARGIN * d->rules.min_baseline_per_24h)
            return ICTUS_OK;
    }
    return ictus_fail(err, ICTUS_ERR_USAGE, "animal %s: %d seizures in the %g h baseline: too "
                      "few for a response class (lengthen the baseline or raise --min-rate)",
                      animal->id, ap->count[BASELINE], hours);
}

/* The realised rate ratio of drug period p to the baseline. */
static double realised_ratio(const ictus_synth_dosing *d, const animal_plan *ap, int p)
{
    return ap->count[p] / span_h(&d->periods[p]) /
           (ap->count[BASELINE] / span_h(&d->periods[BASELINE]));
}

/* Find the effect of drug k on animal a that realises the role's class
 * unambiguously.  Seizure freedom is a multiplier of 0.  For a rate class,
 * each draw of the block is first planned with multiplier 1 (its natural
 * ratio to the baseline: days differ, so a block may have more or fewer
 * seizures than the baseline without any drug), then with the multiplier
 * aim() finds for it; the first draw whose class holds is kept. */
static ictus_status plan_drug(ictus_synth_dosing *d, int a, int k, ictus_error *err)
{
    animal_plan *ap = &d->plans[a];
    ictus_response_class want = ap->role->cls[k];
    int p = drugs[k].period;
    bool free = want == ICTUS_CLASS_SEIZURE_FREE;
    for (int i = 0; i < (free ? 1 : MAX_DRAWS); i++) {
        ap->draw[p] = (uint64_t)i;
        ap->multiplier[p] = 0;
        if (!free) {
            ap->multiplier[p] = 1;
            realise(d, a, p);
            ap->multiplier[p] = aim(want, realised_ratio(d, ap, p));
        }
        realise(d, a, p);
        if (truth_class(d, ap, p) == want) {
            ap->cls[k] = want;
            return ICTUS_OK;
        }
    }
    char hint[160];
    if (free)
        snprintf(hint, sizeof hint, "a seizure-free block must last %g x the longest baseline "
                 "interval: lengthen the drug periods or raise --min-rate",
                 FREE_MARGIN * d->rules.seizure_free_factor);
    else
        snprintf(hint, sizeof hint, "lengthen the periods or raise --min-rate");
    return ictus_fail(err, ICTUS_ERR_USAGE, "animal %s (%s): no unambiguous %s under %s in %g h "
                      "(baseline: %d seizures in %g h, longest interval %.1f h): %s",
                      d->animals[a].id, ap->role->name, ictus_class_name(want), drugs[k].drug,
                      span_h(&d->periods[p]), ap->count[BASELINE],
                      span_h(&d->periods[BASELINE]), ap->longest_isi_h, hint);
}

/* Plan both drugs of animal a; when its role cannot be realised against
 * its baseline (an extreme baseline draw leaves no room for the class), take
 * the next baseline draw that qualifies and plan again. */
static ictus_status plan_animal(ictus_synth_dosing *d, int a, ictus_error *err)
{
    animal_plan *ap = &d->plans[a];
    ictus_status st;
    for (;;) {
        st = plan_drug(d, a, 0, err);
        ap->multiplier[WASHOUT] = (1 + ap->multiplier[DRUG_A]) / 2;
        if (st == ICTUS_OK)
            st = plan_drug(d, a, 1, err);
        if (st == ICTUS_OK || (int)ap->draw[BASELINE] + 1 >= MAX_DRAWS)
            return st;
        ictus_error next_err;
        if (plan_baseline(d, a, (int)ap->draw[BASELINE] + 1, &next_err) != ICTUS_OK)
            return st; /* the role's failure says more */
    }
}

ictus_status ictus_synth_dosing_plan(const ictus_synth_study *s,
                                     const ictus_synth_animal *animals,
                                     ictus_synth_dosing **out, ictus_error *err)
{
    *out = NULL;
    ictus_synth_dosing *d = ictus_xcalloc(1, sizeof *d);
    d->s = s;
    d->animals = animals;
    d->plans = ictus_xcalloc((size_t)s->n_animals, sizeof *d->plans);
    make_schedule(d);
    ictus_status st = ICTUS_OK;
    for (int a = 0; a < s->n_animals && st == ICTUS_OK; a++)
        st = plan_baseline(d, a, 0, err);
    if (st == ICTUS_OK)
        assign_roles(d);
    for (int a = 0; a < s->n_animals && st == ICTUS_OK; a++)
        st = plan_animal(d, a, err);
    if (st != ICTUS_OK) {
        ictus_synth_dosing_destroy(d);
        return st;
    }
    *out = d;
    return ICTUS_OK;
}

void ictus_synth_dosing_destroy(ictus_synth_dosing *d)
{
    if (!d)
        return;
    free(d->plans);
    free(d);
}

/* ---------------------------------------------------------------- the files */

void ictus_synth_dosing_write_ini(const ictus_synth_dosing *d, FILE *f)
{
    const ictus_synth_protocol *pr = d->s->protocol;
    fprintf(f, "\n# Drug protocol asm (dosing.csv; the truth in responses.csv): baseline %g h, "
               "%s %g h, washout %g h, %s %g h; rates lifted to at least %g per 24 h.\n",
            (double)pr->baseline_s / 3600, drugs[0].drug, (double)pr->drug_s / 3600,
            (double)pr->washout_s / 3600, drugs[1].drug, (double)pr->drug_s / 3600,
            pr->min_rate_per_24h);
    fprintf(f, "[drugs]\n");
    for (int k = 0; k < 2; k++)
        fprintf(f, "%s = %g\n", drugs[k].drug, drugs[k].dose_mg_kg);
    if (!d->own_min_analysable && !d->own_min_block)
        return;
    fprintf(f, "\n# The periods are shorter than the analysis defaults assume:\n[analysis]\n");
    if (d->own_min_analysable)
        fprintf(f, "min_analysable_h = %g\n", d->rules.min_analysable_h);
    if (d->own_min_block)
        fprintf(f, "min_block_days = %g\n", d->rules.min_block_days);
}

void ictus_synth_dosing_write_periods(const ictus_synth_dosing *d, FILE *f)
{
    static const char *const kinds[N_PERIODS] = {"baseline", "treatment", "washout",
                                                 "treatment"};
    fprintf(f, "animal,period,drug,dose_mg_kg,route,start,end,tolerated,plasma_level\n");
    for (int a = 0; a < d->s->n_animals; a++)
        for (int p = 0; p < N_PERIODS; p++) {
            const period_span *span = &d->periods[p];
            if (span->n_files == 0)
                continue;
            char start[32], end[32];
            ictus_synth_format_time(span->start_us, start, sizeof start);
            ictus_synth_format_time(span->end_us, end, sizeof end);
            fprintf(f, "%s,%s,", d->animals[a].id, kinds[p]);
            if (p == DRUG_A || p == DRUG_B) {
                int k = p == DRUG_A ? 0 : 1;
                fprintf(f, "%s,%g,%s,%s,%s,yes,\n", drugs[k].drug, drugs[k].dose_mg_kg, ROUTE,
                        start, end);
            } else {
                fprintf(f, "%s,,,%s,%s,,\n", p == WASHOUT ? drugs[0].drug : "", start, end);
            }
        }
}

void ictus_synth_dosing_write_responses(const ictus_synth_dosing *d, FILE *f)
{
    fprintf(f, "animal,drug,dose_mg_kg,type,class,course,drug_resistant,role,rate_scale,"
               "multiplier,baseline_span_h,baseline_count,baseline_longest_isi_h,span_h,count,"
               "pct_change\n");
    double base_h = span_h(&d->periods[BASELINE]);
    for (int a = 0; a < d->s->n_animals; a++) {
        const animal_plan *ap = &d->plans[a];
        for (int k = 0; k < 2; k++) {
            int p = drugs[k].period;
            double hours = span_h(&d->periods[p]);
            double pct = (ap->count[p] / hours / (ap->count[BASELINE] / base_h) - 1) * 100;
            fprintf(f, "%s,%s,%g,all,%s,%s,%s,%s,%.4g,%.4g,%g,%d,%.3f,%g,%d,%.1f\n",
                    d->animals[a].id, drugs[k].drug, drugs[k].dose_mg_kg,
                    ictus_class_name(ap->cls[k]), ap->role->course[k],
                    ap->role->resistant ? "yes" : "no", ap->role->name, ap->scale,
                    ap->multiplier[p], base_h, ap->count[BASELINE], ap->longest_isi_h, hours,
                    ap->count[p], pct);
        }
    }
}
