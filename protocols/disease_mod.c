/* disease_mod.c: exposures, their windows and latencies, then the class of each row. */
#include "protocols/disease_mod.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/outfile.h"
#include "base/params.h"
#include "base/vec.h"
#include "base/walltime.h"
#include "protocols/survival.h"

#define S_PER_HOUR 3600.0
#define S_PER_DAY 86400.0
#define US_PER_S 1000000.0

/* ------------------------------------------------------------------------
 * Settings and names
 * ---------------------------------------------------------------------- */

#define D "disease_modification"
#define S ictus_dm_settings
static const ictus_param settings_table[] = {
    ICTUS_PARAM_D(D, "effect_pct", S, effect_pct, 0, 100),
    ICTUS_PARAM_D(D, "min_baseline_per_24h", S, min_baseline_per_24h, 0, 1e6),
    ICTUS_PARAM_D(D, "min_analysable_h", S, min_analysable_h, 0, 1e6),
    ICTUS_PARAM_D(D, "min_followup_days", S, min_followup_days, 0, 1e4),
    ICTUS_PARAM_D(D, "recovery_days", S, recovery_days, 0, 1e4),
    ICTUS_PARAM_D(D, "onset_factor", S, onset_factor, 0.01, 100),
};
#undef D
#undef S
#define N_SETTINGS (sizeof settings_table / sizeof settings_table[0])

void ictus_dm_settings_default(ictus_dm_settings *s)
{
    *s = (ictus_dm_settings){
        .effect_pct = 50,
        .min_baseline_per_24h = 1,
        .min_analysable_h = 24,
        .min_followup_days = 7,
        .recovery_days = 0,
        .onset_factor = 1.5,
    };
}

ictus_status ictus_dm_settings_apply(ictus_dm_settings *s, ictus_config *cfg, ictus_error *err)
{
    static const char *const own[] = {"disease_modification", NULL};
    ictus_status st = ictus_params_apply(settings_table, N_SETTINGS, s, cfg, err);
    if (st == ICTUS_OK)
        st = ictus_config_check_used(cfg, own, err);
    return st;
}

char *ictus_dm_settings_text(const ictus_dm_settings *s)
{
    return ictus_params_text(settings_table, N_SETTINGS, s);
}

static const char *const class_names[ICTUS_N_DM_CLASSES] = {
    "undetermined", "disease_modifying", "symptomatic", "no_effect"};
static const char *const why_names[ICTUS_N_DM_WHYS] = {
    "", "no_baseline", "low_baseline", "short_baseline", "short_treatment", "no_followup",
    "short_followup", "no_controls", "no_control_onset", "onset_censored"};
static const char *const design_names[] = {"", "baseline", "latent"};
static const char *const onset_names[] = {"", "delayed", "delayed_while_treated", "not_delayed"};

const char *ictus_dm_class_name(ictus_dm_class c)
{
    return c >= 0 && c < ICTUS_N_DM_CLASSES ? class_names[c] : "?";
}

const char *ictus_dm_why_name(ictus_dm_why w)
{
    return w >= 0 && w < ICTUS_N_DM_WHYS ? why_names[w] : "?";
}

/* ------------------------------------------------------------------------
 * The table
 * ---------------------------------------------------------------------- */

bool ictus_dm_used(const ictus_study *study)
{
    for (int a = 0; a < study->n_animals; a++)
        for (int p = 0; p < study->animals[a].n_periods; p++) {
            ictus_period_kind k = study->animals[a].periods[p].kind;
            if (k == ICTUS_PERIOD_INTERVENTION || k == ICTUS_PERIOD_FOLLOWUP)
                return true;
        }
    return false;
}

ictus_dm *ictus_dm_create(const ictus_study *study, const ictus_dm_settings *set,
                          ictus_baseline_rule rule, double cluster_gap_s, int n_types,
                          const char *analysis_settings_text)
{
    ictus_dm *dm = ictus_xcalloc(1, sizeof *dm);
    dm->study = study;
    dm->settings = *set;
    dm->rule = rule;
    dm->cluster_gap_s = cluster_gap_s;
    dm->n_types = n_types;
    dm->settings_text = ictus_dm_settings_text(set);
    size_t la = strlen(analysis_settings_text), ld = strlen(dm->settings_text);
    char *both = ictus_xmalloc(la + ld + 1);
    memcpy(both, analysis_settings_text, la);
    memcpy(both + la, dm->settings_text, ld + 1);
    ictus_hash128_format(ictus_hash_bytes(both, la + ld), dm->settings_hash);
    free(both);
    size_t nt = (size_t)n_types;
    dm->ctl_time_ = ictus_xcalloc(nt, sizeof *dm->ctl_time_);
    dm->ctl_event_ = ictus_xcalloc(nt, sizeof *dm->ctl_event_);
    dm->n_ctl_ = ictus_xcalloc(nt, sizeof *dm->n_ctl_);
    dm->cap_ctl_ = ictus_xcalloc(nt, sizeof *dm->cap_ctl_);
    return dm;
}

void ictus_dm_destroy(ictus_dm *dm)
{
    if (!dm)
        return;
    for (int t = 0; t < dm->n_types; t++) {
        free(dm->ctl_time_[t]);
        free(dm->ctl_event_[t]);
    }
    free(dm->ctl_time_);
    free(dm->ctl_event_);
    free(dm->n_ctl_);
    free(dm->cap_ctl_);
    free(dm->rows);
    free(dm->settings_text);
    free(dm);
}

/* ------------------------------------------------------------------------
 * Windows of one exposure
 * ---------------------------------------------------------------------- */

/* Up to n_periods + 1 spans of one window (the pieces of a follow-up). */
typedef struct {
    int n;
    int64_t *t0, *t1;
} span_list;

static void span_add(span_list *l, int64_t t0, int64_t t1)
{
    if (t1 <= t0)
        return;
    l->t0[l->n] = t0;
    l->t1[l->n] = t1;
    l->n++;
}

/* What the measures of one animal's windows need. */
typedef struct {
    const ictus_seizure *sz;
    size_t n;
    ictus_analysable_fn fn;
    void *ctx;
    double gap_s;
} animal_data;

/* The measures of every type over the spans of l: m[t] for t = 0..n_types-1.
 * No span: zeros (measures.h: no timeline). */
static ictus_status window_measures(const animal_data *d, const span_list *l, int n_types,
                                    ictus_measures *m, ictus_error *err)
{
    ictus_timeline *tls = ictus_xcalloc((size_t)(l->n ? l->n : 1), sizeof *tls);
    const ictus_timeline **ptr = ictus_xmalloc((size_t)(l->n ? l->n : 1) * sizeof *ptr);
    ictus_status st = ICTUS_OK;
    for (int i = 0; i < l->n && st == ICTUS_OK; i++) {
        st = ictus_timeline_build(d->sz, d->n, l->t0[i], l->t1[i], d->fn, d->ctx, &tls[i], err);
        ptr[i] = &tls[i];
    }
    for (int t = 0; t < n_types && st == ICTUS_OK; t++)
        ictus_measures_compute(ptr, l->n, t == 0 ? ICTUS_ALL_TYPES : t, d->gap_s, &m[t]);
    for (int i = 0; i < l->n; i++)
        ictus_timeline_clear(&tls[i]);
    free(tls);
    free(ptr);
    return st;
}

/* The first seizure of type t (0: any) starting in [t0, t1), or NULL. */
static const ictus_seizure *first_seizure(const animal_data *d, int t, int64_t t0, int64_t t1)
{
    for (size_t i = 0; i < d->n; i++) {
        const ictus_seizure *s = &d->sz[i];
        if (s->start_us >= t1)
            break;
        if (s->start_us >= t0 && (t == 0 || s->type == t))
            return s;
    }
    return NULL;
}

/* The exposure being measured: its periods and its follow-up. */
typedef struct {
    ictus_period_kind kind;
    const ictus_condition *condition; /* treatment */
    int first, last;                  /* first and last period (intervention: both itself) */
    int64_t start_us, withdrawal_us;
    span_list during, after;
    bool *reference;                  /* [n_periods] */
} exposure;

/* The follow-up pieces of an exposure whose last period is `last`. */
static void followup_spans(const ictus_animal *animal, const ictus_dm_settings *set, exposure *e)
{
    if (e->kind == ICTUS_PERIOD_INTERVENTION) {
        const ictus_period *p = &animal->periods[e->last];
        span_add(&e->after, p->start_us + (int64_t)(set->recovery_days * S_PER_DAY * US_PER_S),
                 p->end_us);
    }
    for (int i = e->last + 1; i < animal->n_periods; i++) {
        const ictus_period *p = &animal->periods[i];
        if (p->kind == ICTUS_PERIOD_FOLLOWUP)
            span_add(&e->after, p->start_us, p->end_us);
        else if (p->kind != ICTUS_PERIOD_WASHOUT)
            break;
    }
}

/* Judge a baseline-design row (see the header, "Class, baseline design"). */
static void judge_baseline(const ictus_dm_settings *set, ictus_dm_row *r)
{
    double lim = -set->effect_pct;
    r->during_pct = r->has_during ? ictus_pct_change(r->during.rate_per_24h, r->ref.rate_per_24h)
                                  : NAN;
    r->after_pct = r->has_after ? ictus_pct_change(r->after.rate_per_24h, r->ref.rate_per_24h)
                                : NAN;
    if (isfinite(r->during_pct))
        r->effect_during = r->during_pct <= lim;
    if (isfinite(r->after_pct))
        r->effect_after = r->after_pct <= lim;
    double min_s = set->min_analysable_h * S_PER_HOUR;
    if (r->ref.rate_per_24h < set->min_baseline_per_24h)
        r->why = ICTUS_DM_WHY_LOW_BASELINE;
    else if (r->ref.analysable_s < min_s)
        r->why = ICTUS_DM_WHY_SHORT_BASELINE;
    else if (r->has_during && r->during.analysable_s < min_s)
        r->why = ICTUS_DM_WHY_SHORT_TREATMENT;
    else if (!r->has_after)
        r->why = ICTUS_DM_WHY_NO_FOLLOWUP;
    else if (r->after_days < set->min_followup_days || r->after.analysable_s < min_s)
        r->why = ICTUS_DM_WHY_SHORT_FOLLOWUP;
    if (r->why != ICTUS_DM_WHY_NONE)
        return;
    if (r->effect_after == 1)
        r->cls = ICTUS_DM_DISEASE_MODIFYING;
    else if (r->effect_during == 1)
        r->cls = ICTUS_DM_SYMPTOMATIC;
    else
        r->cls = ICTUS_DM_NO_EFFECT;
}

/* The rows of one exposure, one per type. */
static ictus_status add_exposure(ictus_dm *dm, int a, const animal_data *d, exposure *e,
                                 int64_t animal_end_us, ictus_error *err)
{
    const ictus_animal *animal = &dm->study->animals[a];
    int nt = dm->n_types;
    ictus_measures *m = ictus_xcalloc((size_t)nt * 3, sizeof *m);
    span_list ref = {0, ictus_xmalloc((size_t)animal->n_periods * sizeof(int64_t)),
                     ictus_xmalloc((size_t)animal->n_periods * sizeof(int64_t))};
    for (int i = 0; i < animal->n_periods; i++)
        if (e->reference[i])
            span_add(&ref, animal->periods[i].start_us, animal->periods[i].end_us);
    ictus_status st = window_measures(d, &ref, nt, m, err);
    if (st == ICTUS_OK)
        st = window_measures(d, &e->during, nt, m + nt, err);
    if (st == ICTUS_OK)
        st = window_measures(d, &e->after, nt, m + 2 * nt, err);
    int64_t first_start = animal->periods[0].start_us;
    double after_s = 0;
    for (int i = 0; i < e->after.n; i++)
        after_s += (double)(e->after.t1[i] - e->after.t0[i]) / US_PER_S;
    for (int t = 0; t < nt && st == ICTUS_OK; t++) {
        ICTUS_GROW(dm->rows, dm->n_rows + 1, dm->cap_rows_);
        ictus_dm_row *r = &dm->rows[dm->n_rows++];
        *r = (ictus_dm_row){
            .animal = a, .kind = e->kind, .condition = e->condition, .period = e->first,
            .type = t, .start_us = e->start_us, .withdrawal_us = e->withdrawal_us,
            .has_reference = ref.n > 0, .has_during = e->during.n > 0, .has_after = e->after.n > 0,
            .ref = m[t], .during = m[nt + t], .after = m[2 * nt + t],
            .after_start_us = e->after.n ? e->after.t0[0] : 0,
            .after_end_us = e->after.n ? e->after.t1[e->after.n - 1] : 0,
            .after_days = after_s / S_PER_DAY, .during_pct = NAN, .after_pct = NAN,
            .effect_during = -1, .effect_after = -1, .latency_h = NAN,
            .withdrawal_latency_h = NAN, .control_median_h = NAN};
        if (r->has_reference && r->ref.count > 0) {
            r->design = ICTUS_DM_DESIGN_BASELINE;
            judge_baseline(&dm->settings, r);
        } else if (!first_seizure(d, t, first_start, e->start_us)) {
            r->design = ICTUS_DM_DESIGN_LATENT;
            const ictus_seizure *s = first_seizure(d, t, e->start_us, animal_end_us);
            int64_t when = s ? s->start_us : animal_end_us;
            r->latency_event = s != NULL;
            r->latency_h = (double)(when - e->start_us) / US_PER_S / S_PER_HOUR;
            r->withdrawal_latency_h = (double)(when - e->withdrawal_us) / US_PER_S / S_PER_HOUR;
        } else {
            r->why = r->has_reference ? ICTUS_DM_WHY_LOW_BASELINE : ICTUS_DM_WHY_NO_BASELINE;
        }
    }
    free(m);
    free(ref.t0);
    free(ref.t1);
    return st;
}

/* A control animal (header, "controls"): its latency per type. */
static void add_control(ictus_dm *dm, const ictus_animal *animal, const animal_data *d,
                        int64_t animal_end_us)
{
    int64_t start = 0;
    bool vehicle = false;
    for (int i = 0; i < animal->n_periods; i++) {
        ictus_period_kind k = animal->periods[i].kind;
        if (k == ICTUS_PERIOD_TREATMENT || k == ICTUS_PERIOD_INTERVENTION)
            return;
        if (k == ICTUS_PERIOD_VEHICLE && !vehicle) {
            vehicle = true;
            start = animal->periods[i].start_us;
        }
    }
    if (!vehicle)
        return;
    for (int t = 0; t < dm->n_types; t++) {
        if (first_seizure(d, t, animal->periods[0].start_us, start))
            continue;
        const ictus_seizure *s = first_seizure(d, t, start, animal_end_us);
        ICTUS_GROW(dm->ctl_time_[t], dm->n_ctl_[t] + 1, dm->cap_ctl_[t]);
        dm->ctl_event_[t] = ictus_xrealloc(dm->ctl_event_[t],
                                           dm->cap_ctl_[t] * sizeof *dm->ctl_event_[t]);
        dm->ctl_time_[t][dm->n_ctl_[t]] =
            (double)((s ? s->start_us : animal_end_us) - start) / US_PER_S / S_PER_HOUR;
        dm->ctl_event_[t][dm->n_ctl_[t]] = s != NULL;
        dm->n_ctl_[t]++;
    }
}

/* Fill e for the treatment condition `cond`, or (cond NULL) the
 * intervention period p, then add its rows. */
static ictus_status measure_exposure(ictus_dm *dm, int a, const animal_data *d,
                                     const ictus_condition *cond, int p, int64_t *buf,
                                     bool *reference, int64_t animal_end_us, ictus_error *err)
{
    const ictus_animal *animal = &dm->study->animals[a];
    size_t np = (size_t)animal->n_periods;
    exposure e = {
        .kind = cond ? ICTUS_PERIOD_TREATMENT : ICTUS_PERIOD_INTERVENTION,
        .condition = cond,
        .first = cond ? cond->periods[0] : p,
        .last = cond ? cond->periods[cond->n_periods - 1] : p,
        .during = {0, buf, buf + np + 1},
        .after = {0, buf + 2 * (np + 1), buf + 3 * (np + 1)},
        .reference = reference,
    };
    e.start_us = animal->periods[e.first].start_us;
    e.withdrawal_us = cond ? cond->last_end_us : e.start_us;
    for (int i = 0; cond && i < cond->n_periods; i++)
        span_add(&e.during, animal->periods[cond->periods[i]].start_us,
                 animal->periods[cond->periods[i]].end_us);
    followup_spans(animal, &dm->settings, &e);
    ictus_period_reference(animal, e.first, dm->rule, e.reference);
    return add_exposure(dm, a, d, &e, animal_end_us, err);
}

ictus_status ictus_dm_add_animal(ictus_dm *dm, int a, const ictus_plan *plan,
                                 const ictus_seizure *sz, size_t n, ictus_analysable_fn fn,
                                 void *ctx, ictus_error *err)
{
    const ictus_animal *animal = &dm->study->animals[a];
    if (animal->n_periods == 0)
        return ICTUS_OK;
    animal_data d = {sz, n, fn, ctx, dm->cluster_gap_s};
    int64_t animal_end = animal->periods[0].end_us;
    for (int i = 0; i < animal->n_periods; i++)
        if (animal->periods[i].end_us > animal_end)
            animal_end = animal->periods[i].end_us;
    add_control(dm, animal, &d, animal_end);
    size_t np = (size_t)animal->n_periods;
    bool *reference = ictus_xmalloc(np * sizeof *reference);
    int64_t *buf = ictus_xmalloc(4 * (np + 1) * sizeof *buf);
    ictus_status st = ICTUS_OK;
    for (int c = 0; c < plan->n_conditions && st == ICTUS_OK; c++)
        if (plan->conditions[c].kind == ICTUS_PERIOD_TREATMENT)
            st = measure_exposure(dm, a, &d, &plan->conditions[c], -1, buf, reference,
                                  animal_end, err);
    for (int p = 0; p < animal->n_periods && st == ICTUS_OK; p++)
        if (animal->periods[p].kind == ICTUS_PERIOD_INTERVENTION)
            st = measure_exposure(dm, a, &d, NULL, p, buf, reference, animal_end, err);
    free(buf);
    free(reference);
    return st;
}

/* ------------------------------------------------------------------------
 * Latent rows, order
 * ---------------------------------------------------------------------- */

/* Judge a latent-design row against the controls' median latency (header). */
static void judge_latent(const ictus_dm_settings *set, ictus_dm_row *r)
{
    if (r->n_controls == 0) {
        r->why = ICTUS_DM_WHY_NO_CONTROLS;
        return;
    }
    if (!isfinite(r->control_median_h)) {
        r->why = ICTUS_DM_WHY_NO_CONTROL_ONSET;
        return;
    }
    double t = set->onset_factor * r->control_median_h;
    if (r->withdrawal_latency_h >= t) {
        r->onset = ICTUS_DM_ONSET_DELAYED;
        r->cls = ICTUS_DM_DISEASE_MODIFYING;
    } else if (!r->latency_event) {
        r->why = ICTUS_DM_WHY_ONSET_CENSORED;
    } else if (r->latency_h >= t) {
        r->onset = ICTUS_DM_ONSET_DELAYED_WHILE_TREATED;
        r->cls = ICTUS_DM_SYMPTOMATIC;
    } else {
        r->onset = ICTUS_DM_ONSET_NOT_DELAYED;
        r->cls = ICTUS_DM_NO_EFFECT;
    }
}

static int by_row_order(const void *pa, const void *pb)
{
    const ictus_dm_row *x = pa, *y = pb;
    if (x->animal != y->animal)
        return x->animal < y->animal ? -1 : 1;
    if (x->start_us != y->start_us)
        return x->start_us < y->start_us ? -1 : 1;
    if (x->period != y->period)
        return x->period < y->period ? -1 : 1;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    if (x->condition != y->condition)
        return ictus_condition_cmp(x->condition, y->condition);
    return (x->type > y->type) - (x->type < y->type);
}

ictus_status ictus_dm_finish(ictus_dm *dm, ictus_error *err)
{
    double *median = ictus_xmalloc((size_t)dm->n_types * sizeof *median);
    ictus_status st = ICTUS_OK;
    for (int t = 0; t < dm->n_types && st == ICTUS_OK; t++) {
        median[t] = NAN;
        if (dm->n_ctl_[t] == 0)
            continue;
        ictus_km km = {0};
        ictus_km_quantile_result q;
        st = ictus_km_estimate(dm->ctl_time_[t], dm->ctl_event_[t], dm->n_ctl_[t],
                               ICTUS_KM_LOGLOG, 0.95, &km, err);
        if (st == ICTUS_OK && km.n_events > 0)
            st = ictus_km_quantile(&km, 0.5, &q, err);
        if (st == ICTUS_OK && km.n_events > 0)
            median[t] = q.time;
        ictus_km_free(&km);
    }
    for (size_t i = 0; i < dm->n_rows && st == ICTUS_OK; i++) {
        ictus_dm_row *r = &dm->rows[i];
        if (r->design != ICTUS_DM_DESIGN_LATENT)
            continue;
        r->n_controls = (int)dm->n_ctl_[r->type];
        r->control_median_h = median[r->type];
        judge_latent(&dm->settings, r);
    }
    free(median);
    if (dm->n_rows)
        qsort(dm->rows, dm->n_rows, sizeof *dm->rows, by_row_order);
    return st;
}

/* ------------------------------------------------------------------------
 * Writing
 * ---------------------------------------------------------------------- */

/* ",TIME", or "," when !has. */
static void time_field(ictus_out *o, bool has, int64_t t_us)
{
    char buf[32];
    ictus_out_char(o, ',');
    if (has)
        ictus_out_str(o, ictus_walltime_format(t_us, buf, sizeof buf));
}

static void measures_fields(ictus_out *o, bool has, const ictus_measures *m)
{
    ictus_outfile_number(o, has ? m->analysable_s / S_PER_HOUR : NAN);
    ictus_outfile_count(o, has ? m->count : -1);
    ictus_outfile_number(o, has ? m->rate_per_24h : NAN);
}

static void yes_no(ictus_out *o, int v)
{
    ictus_outfile_text(o, v < 0 ? "" : v ? "yes" : "no");
}

/* The exposure's columns drug .. lines. */
static void exposure_fields(ictus_out *o, const ictus_animal *animal, const ictus_dm_row *r)
{
    const ictus_period *p = &animal->periods[r->period];
    const ictus_condition *c = r->condition;
    ictus_outfile_text(o, c ? c->drug : p->drug);
    ictus_outfile_number(o, c ? c->dose_mg_kg : p->dose_mg_kg);
    ictus_outfile_text(o, c ? c->route : p->route);
    ictus_out_char(o, ',');
    for (int i = 0; i < (c ? c->n_periods : 1); i++) {
        if (i)
            ictus_out_char(o, '|');
        ictus_out_int(o, animal->periods[c ? c->periods[i] : r->period].line);
    }
}

void ictus_dm_write_csv(ictus_out *o, const ictus_dm *dm, const char (*types)[ICTUS_TYPE_MAX])
{
    ictus_out_str(o, "animal,group,exposure,drug,dose_mg_kg,route,lines,start,withdrawal,type,"
                     "design,baseline_analysable_h,baseline_count,baseline_rate_per_24h,"
                     "during_analysable_h,during_count,during_rate_per_24h,during_pct_change,"
                     "followup_start,followup_end,followup_days,followup_analysable_h,"
                     "followup_count,followup_rate_per_24h,followup_pct_change,effect_during,"
                     "effect_after,latency_h,latency_event,withdrawal_latency_h,n_controls,"
                     "control_median_latency_h,onset,class,undetermined_why,settings_hash\n");
    for (size_t i = 0; i < dm->n_rows; i++) {
        const ictus_dm_row *r = &dm->rows[i];
        const ictus_animal *animal = &dm->study->animals[r->animal];
        bool latent = r->design == ICTUS_DM_DESIGN_LATENT;
        ictus_out_field(o, animal->id);
        ictus_outfile_text(o, animal->group);
        ictus_outfile_text(o, ictus_period_kind_name(r->kind));
        exposure_fields(o, animal, r);
        time_field(o, true, r->start_us);
        time_field(o, true, r->withdrawal_us);
        ictus_outfile_text(o, types[r->type]);
        ictus_outfile_text(o, design_names[r->design]);
        measures_fields(o, r->has_reference, &r->ref);
        measures_fields(o, r->has_during, &r->during);
        ictus_outfile_number(o, r->during_pct);
        time_field(o, r->has_after, r->after_start_us);
        time_field(o, r->has_after, r->after_end_us);
        ictus_outfile_number(o, r->has_after ? r->after_days : NAN);
        measures_fields(o, r->has_after, &r->after);
        ictus_outfile_number(o, r->after_pct);
        yes_no(o, r->effect_during);
        yes_no(o, r->effect_after);
        ictus_outfile_number(o, r->latency_h);
        yes_no(o, latent ? r->latency_event : -1);
        ictus_outfile_number(o, r->withdrawal_latency_h);
        ictus_outfile_count(o, latent ? r->n_controls : -1);
        ictus_outfile_number(o, r->control_median_h);
        ictus_outfile_text(o, onset_names[r->onset]);
        ictus_outfile_text(o, ictus_dm_class_name(r->cls));
        ictus_outfile_text(o, ictus_dm_why_name(r->why));
        ictus_outfile_text(o, dm->settings_hash);
        ictus_out_char(o, '\n');
    }
}
