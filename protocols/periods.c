/* periods.c: grouping an animal's periods into conditions and choosing reference baselines. */
#include "protocols/periods.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/strbuf.h"

const char *const ictus_baseline_rule_names[] = {"all", "preceding", NULL};

int ictus_period_reference(const ictus_animal *animal, int period, ictus_baseline_rule rule,
                           bool *mask)
{
    const ictus_period *p = &animal->periods[period];
    int marked = 0, last_before = -1;
    for (int i = 0; i < animal->n_periods; i++) {
        mask[i] = false;
        if (p->kind == ICTUS_PERIOD_BASELINE || animal->periods[i].kind != ICTUS_PERIOD_BASELINE)
            continue;
        if (rule == ICTUS_BASELINE_ALL) {
            mask[i] = true;
            marked++;
        } else if (animal->periods[i].start_us < p->start_us) {
            last_before = i; /* periods are ordered by start */
        }
    }
    if (last_before >= 0) {
        mask[last_before] = true;
        marked++;
    }
    return marked;
}

/* ------------------------------------------------------------------------
 * Condition keys
 * ---------------------------------------------------------------------- */

/* Rank of a kind in tables: baseline, vehicle, treatment. */
static int kind_rank(ictus_period_kind kind)
{
    return kind == ICTUS_PERIOD_BASELINE ? 0 : kind == ICTUS_PERIOD_VEHICLE ? 1 : 2;
}

int ictus_condition_cmp(const ictus_condition *a, const ictus_condition *b)
{
    int d = kind_rank(a->kind) - kind_rank(b->kind);
    if (d || a->kind != ICTUS_PERIOD_TREATMENT)
        return d;
    if ((d = strcasecmp(a->drug, b->drug)) != 0)
        return d;
    if (a->dose_mg_kg != b->dose_mg_kg)
        return a->dose_mg_kg < b->dose_mg_kg ? -1 : 1;
    return strcasecmp(a->route, b->route);
}

bool ictus_condition_same(const ictus_condition *a, const ictus_condition *b)
{
    return ictus_condition_cmp(a, b) == 0;
}

int ictus_plan_find(const ictus_plan *plan, const ictus_condition *key)
{
    for (int i = 0; i < plan->n_conditions; i++)
        if (ictus_condition_same(&plan->conditions[i], key))
            return i;
    return -1;
}

/* The condition a period belongs to, described by its key fields only. */
static ictus_condition key_of(const ictus_period *p)
{
    bool treatment = p->kind == ICTUS_PERIOD_TREATMENT;
    return (ictus_condition){
        .kind = p->kind,
        .drug = treatment ? p->drug : "",
        .dose_mg_kg = treatment ? p->dose_mg_kg : NAN,
        .route = treatment ? p->route : "",
        .target_dose_mg_kg = treatment ? p->target_dose_mg_kg : NAN,
        .tolerated = p->tolerated,
    };
}

/* ------------------------------------------------------------------------
 * Building a plan
 * ---------------------------------------------------------------------- */

/* Add period i to condition c (periods arrive in time order). */
static void add_period(const ictus_animal *animal, ictus_baseline_rule rule, ictus_condition *c,
                       int i, bool *scratch)
{
    const ictus_period *p = &animal->periods[i];
    if (c->n_periods == 0) {
        c->first_start_us = p->start_us;
        c->reference = ictus_xcalloc((size_t)animal->n_periods, sizeof *c->reference);
        c->periods = ictus_xmalloc((size_t)animal->n_periods * sizeof *c->periods);
    } else if (c->tolerated != p->tolerated && c->tolerated != ICTUS_TOLERATED_NO) {
        c->tolerated = p->tolerated == ICTUS_TOLERATED_NO ? ICTUS_TOLERATED_NO
                                                          : ICTUS_TOLERATED_UNKNOWN;
    }
    c->periods[c->n_periods++] = i;
    c->span_us += p->end_us - p->start_us;
    c->last_end_us = p->end_us;
    ictus_period_reference(animal, i, rule, scratch);
    for (int j = 0; j < animal->n_periods; j++)
        c->reference[j] = c->reference[j] || scratch[j];
}

/* "saline|methylcellulose": the distinct vehicle names in time order. */
static char *vehicle_names(const ictus_animal *animal)
{
    ictus_strbuf names = {0};
    for (int i = 0; i < animal->n_periods; i++) {
        const ictus_period *p = &animal->periods[i];
        bool seen = false;
        for (int j = 0; j < i && !seen; j++)
            seen = animal->periods[j].kind == ICTUS_PERIOD_VEHICLE &&
                   strcasecmp(animal->periods[j].drug, p->drug) == 0;
        if (p->kind != ICTUS_PERIOD_VEHICLE || !*p->drug || seen)
            continue;
        ictus_strbuf_join(&names, "|", p->drug);
    }
    return ictus_strbuf_take(&names);
}

static int by_first_start(const void *a, const void *b)
{
    const ictus_condition *x = a, *y = b;
    if (x->first_start_us != y->first_start_us)
        return x->first_start_us < y->first_start_us ? -1 : 1;
    return ictus_condition_cmp(x, y);
}

void ictus_plan_build(const ictus_animal *animal, ictus_baseline_rule rule, ictus_plan *plan)
{
    *plan = (ictus_plan){.animal = animal, .rule = rule};
    if (animal->n_periods == 0)
        return;
    plan->vehicle_names_ = vehicle_names(animal);
    plan->conditions = ictus_xcalloc((size_t)animal->n_periods, sizeof *plan->conditions);
    bool *scratch = ictus_xmalloc((size_t)animal->n_periods * sizeof *scratch);
    for (int i = 0; i < animal->n_periods; i++) {
        const ictus_period *p = &animal->periods[i];
        if (p->kind == ICTUS_PERIOD_WASHOUT || p->kind == ICTUS_PERIOD_INTERVENTION ||
            p->kind == ICTUS_PERIOD_FOLLOWUP)
            continue;
        ictus_condition key = key_of(p);
        if (key.kind == ICTUS_PERIOD_VEHICLE)
            key.drug = plan->vehicle_names_;
        int c = ictus_plan_find(plan, &key);
        if (c < 0) {
            c = plan->n_conditions++;
            plan->conditions[c] = key;
        }
        add_period(animal, rule, &plan->conditions[c], i, scratch);
    }
    free(scratch);
    qsort(plan->conditions, (size_t)plan->n_conditions, sizeof *plan->conditions, by_first_start);
}

void ictus_plan_clear(ictus_plan *plan)
{
    for (int i = 0; i < plan->n_conditions; i++) {
        free(plan->conditions[i].periods);
        free(plan->conditions[i].reference);
    }
    free(plan->conditions);
    free(plan->vehicle_names_);
    *plan = (ictus_plan){0};
}
