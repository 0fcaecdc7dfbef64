/* hyperthermia.c: sessions with a temperature channel, the temperature at each onset,
 * thresholds per session and their statistics (hyperthermia.h). */
#include "protocols/hyperthermia.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/csvtable.h"
#include "base/outfile.h"
#include "base/params.h"
#include "base/path.h"
#include "base/strbuf.h"
#include "base/vec.h"
#include "base/walltime.h"
#include "protocols/analysis.h"
#include "protocols/comparisons.h"
#include "protocols/recording_view.h"
#include "protocols/stats.h"

/* ------------------------------------------------------------------------
 * Settings
 * ---------------------------------------------------------------------- */

#define SECTION "hyperthermia"
/* The study's table of temperature readings (hyperthermia.h). */
#define TEMPERATURES_CSV "temperatures.csv"
#define S ictus_hyperthermia_settings
static const ictus_param settings_table[] = {
    ICTUS_PARAM_S(SECTION, "temperature_label", S, temperature_label),
    ICTUS_PARAM_D(SECTION, "min_rise_c", S, min_rise_c, 0, 20),
    ICTUS_PARAM_D(SECTION, "max_gap_s", S, max_gap_s, 0.001, 86400),
    ICTUS_PARAM_D(SECTION, "valid_min_c", S, valid_min_c, -50, 100),
    ICTUS_PARAM_D(SECTION, "valid_max_c", S, valid_max_c, -50, 100),
};
#undef S
#define N_SETTINGS (sizeof settings_table / sizeof settings_table[0])

void ictus_hyperthermia_settings_default(ictus_hyperthermia_settings *s)
{
    *s = (ictus_hyperthermia_settings){
        .min_rise_c = 1, .max_gap_s = 60, .valid_min_c = 25, .valid_max_c = 45};
}

ictus_status ictus_hyperthermia_settings_apply(ictus_hyperthermia_settings *s, ictus_config *cfg,
                                               bool *has_section, ictus_error *err)
{
    static const char *const own[] = {SECTION, NULL};
    *has_section = false;
    for (int i = 0; i < ictus_config_count(cfg); i++) {
        const char *section, *key, *value;
        ictus_config_entry(cfg, i, &section, &key, &value);
        *has_section |= strcmp(section, SECTION) == 0;
    }
    ictus_status st = ictus_params_apply(settings_table, N_SETTINGS, s, cfg, err);
    if (st == ICTUS_OK)
        st = ictus_config_check_used(cfg, own, err);
    if (st == ICTUS_OK && !(s->valid_min_c < s->valid_max_c))
        st = ictus_fail(err, ICTUS_ERR_CONFIG, "settings: [hyperthermia] valid_min_c = %g is not "
                        "below valid_max_c = %g", s->valid_min_c, s->valid_max_c);
    return st;
}

static char *settings_text(const ictus_hyperthermia_settings *s)
{
    return ictus_params_text(settings_table, N_SETTINGS, s);
}

/* ------------------------------------------------------------------------
 * Units
 * ---------------------------------------------------------------------- */

bool ictus_unit_is_celsius(const char *unit)
{
    /* lower case, without spaces, dots and degree signs (° in UTF-8 C2 B0
     * or Latin-1 B0, º C2 BA / BA) */
    char u[32];
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)unit; *p && n + 1 < sizeof u; p++) {
        if (*p == ' ' || *p == '.' || *p == 0xB0 || *p == 0xBA || *p == 0xC2)
            continue;
        u[n++] = (char)tolower(*p);
    }
    u[n] = '\0';
    static const char *const names[] = {"c", "degc", "degreesc", "degreec", "oc", "cel",
                                        "celsius", "degcelsius", "degreescelsius", NULL};
    for (int i = 0; names[i]; i++)
        if (strcmp(u, names[i]) == 0)
            return n > 0;
    return false;
}

/* ------------------------------------------------------------------------
 * Reading the temperature
 * ---------------------------------------------------------------------- */

/* The pass over the samples: the previous valid sample and the next onset. */
typedef struct {
    const ictus_hyperthermia_settings *set;
    const int64_t *onset_us;
    size_t n, next;
    double *onset_c;
    ictus_temperature_trace *trace;
    bool have_prev;
    int64_t prev_us;
    double prev_c;
} trace_pass;

static void take_sample(trace_pass *p, int64_t t_us, double v)
{
    int64_t max_gap_us = llround(p->set->max_gap_s * 1e6);
    for (; p->next < p->n && p->onset_us[p->next] <= t_us; p->next++) {
        int64_t o = p->onset_us[p->next];
        if (o == t_us)
            p->onset_c[p->next] = v;
        else if (p->have_prev && t_us - p->prev_us <= max_gap_us)
            p->onset_c[p->next] =
                p->prev_c + (v - p->prev_c) * (double)(o - p->prev_us) / (double)(t_us - p->prev_us);
    }
    ictus_temperature_trace *tr = p->trace;
    if (!p->have_prev)
        tr->start_c = v;
    if (!(v <= tr->max_c)) { /* NaN at first */
        tr->max_c = v;
        tr->max_at_us = t_us;
    }
    tr->n_valid++;
    p->have_prev = true;
    p->prev_us = t_us;
    p->prev_c = v;
}

ictus_status ictus_hyperthermia_read(ictus_source *src, int channel,
                                     const ictus_hyperthermia_settings *set,
                                     const int64_t *onset_us, size_t n, double *onset_c,
                                     ictus_temperature_trace *trace, ictus_error *err)
{
    const ictus_recording_info *info = ictus_source_info(src);
    double fs = info->channels[channel].fs_hz;
    *trace = (ictus_temperature_trace){.start_c = NAN, .max_c = NAN};
    for (size_t i = 0; i < n; i++)
        onset_c[i] = NAN;
    trace_pass p = {.set = set, .onset_us = onset_us, .n = n, .onset_c = onset_c, .trace = trace};
    ictus_block *blk = ictus_block_create(src);
    ictus_status st;
    while ((st = ictus_source_read(src, blk, err)) == ICTUS_OK && !ictus_block_empty(blk)) {
        const float *x = blk->samples[channel];
        const uint8_t *flags = blk->flags[channel];
        for (int64_t k = 0; k < blk->n[channel]; k++) {
            double v = x[k];
            if ((flags[k] & ICTUS_SAMPLE_MISSING) || !(v >= set->valid_min_c) ||
                !(v <= set->valid_max_c)) {
                trace->n_invalid++;
                continue;
            }
            int64_t t = info->start_us + llround((double)(blk->first_index[channel] + k) * 1e6 / fs);
            take_sample(&p, t, v);
        }
    }
    ictus_block_destroy(blk);
    return st;
}

/* ------------------------------------------------------------------------
 * Statistics
 * ---------------------------------------------------------------------- */

typedef struct {
    ictus_ht_comparison *items;
    size_t n, cap;
    const ictus_condition *ex;
    const bool *has;
    double ci_level;
    int exact_max_n;
} row_list;

static ictus_ht_comparison *add_row(row_list *l, int e, ictus_ht_test test, int versus)
{
    ICTUS_GROW(l->items, l->n + 1, l->cap);
    ictus_ht_comparison *r = &l->items[l->n++];
    *r = (ictus_ht_comparison){.has_condition = l->has[e], .test = test, .versus = versus,
                               .group_a = "", .group_b = "", .n_ref = -1, .n_ref_censored = -1,
                               .estimate = NAN, .ci_lo = NAN, .ci_hi = NAN, .statistic = NAN,
                               .p = NAN};
    if (l->has[e]) {
        r->condition = l->ex[e];
        r->condition.periods = NULL;
        r->condition.reference = NULL;
    }
    return r;
}

static ictus_pvalue_method method_for(const row_list *l, size_t n_ranked)
{
    return n_ranked <= (size_t)l->exact_max_n ? ICTUS_PMETHOD_EXACT : ICTUS_PMETHOD_APPROX;
}

static void censored_note(ictus_ht_comparison *r)
{
    if (r->n_censored > 0 || r->n_ref_censored > 0)
        snprintf(r->note, sizeof r->note, "censored thresholds at their maximum temperature");
}

/* The value of `animal` under exposure e, or NULL. */
static const ictus_ht_value *value_of(const ictus_ht_value *v, size_t n, int animal, int e)
{
    for (size_t i = 0; i < n; i++)
        if (v[i].animal == animal && v[i].exposure == e)
            return &v[i];
    return NULL;
}

/* The exposure index of the first exposure of `kind`, or -1. */
static int exposure_of_kind(const row_list *l, int n_ex, ictus_period_kind kind)
{
    for (int e = 0; e < n_ex; e++)
        if (l->has[e] && l->ex[e].kind == kind)
            return e;
    return -1;
}

static ictus_status threshold_row(row_list *l, int e, const ictus_ht_value *v, size_t n,
                                  ictus_error *err)
{
    ictus_ht_comparison *r = add_row(l, e, ICTUS_HT_THRESHOLD, ICTUS_VERSUS_NONE);
    double *x = ictus_xmalloc((n ? n : 1) * sizeof *x);
    size_t m = 0;
    r->n_censored = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i].exposure == e) {
            x[m++] = v[i].threshold_c;
            r->n_censored += v[i].censored;
        }
    r->n = (int64_t)m;
    ictus_status st = ICTUS_OK;
    r->estimate = ictus_stats_median_or_nan(x, m);
    if (m) {
        ictus_median_ci_result ci;
        st = ictus_stats_median_ci(x, m, l->ci_level, &ci, err);
        r->ci_lo = ci.ci.lo;
        r->ci_hi = ci.ci.hi;
        if (st == ICTUS_OK && isnan(ci.ci.lo))
            snprintf(r->note, sizeof r->note, "too few animals for a %g %% interval",
                     100 * l->ci_level);
    }
    if (!r->note[0])
        censored_note(r);
    free(x);
    return st;
}

static ictus_status wilcoxon_row(row_list *l, int e, int ref, int versus, const ictus_ht_value *v,
                                 size_t n, ictus_error *err)
{
    ictus_ht_comparison *r = add_row(l, e, ICTUS_HT_WILCOXON, versus);
    double *x = ictus_xmalloc((n ? n : 1) * sizeof *x), *y = ictus_xmalloc((n ? n : 1) * sizeof *y);
    double *d = ictus_xmalloc((n ? n : 1) * sizeof *d);
    size_t m = 0, nonzero = 0;
    r->n_censored = r->n_ref_censored = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i].exposure != e)
            continue;
        const ictus_ht_value *w = value_of(v, n, v[i].animal, ref);
        if (!w)
            continue;
        x[m] = v[i].threshold_c;
        y[m] = w->threshold_c;
        nonzero += (d[m] = x[m] - y[m]) != 0;
        r->n_censored += v[i].censored;
        r->n_ref_censored += w->censored;
        m++;
    }
    r->n = (int64_t)m;
    r->estimate = ictus_stats_median_or_nan(d, m);
    ictus_status st = ICTUS_OK;
    if (nonzero == 0) {
        snprintf(r->note, sizeof r->note, m ? "every difference is 0" : "no pair");
    } else {
        ictus_wilcoxon_options o = {.method = method_for(l, nonzero)};
        ictus_wilcoxon_result res;
        st = ictus_stats_wilcoxon(x, y, m, &o, &res, err);
        r->statistic = res.statistic;
        r->p = res.p;
        censored_note(r);
    }
    free(x);
    free(y);
    free(d);
    return st;
}

static ictus_status mann_whitney_row(row_list *l, ictus_ht_comparison *r, const double *a,
                                     size_t na, const double *b, size_t nb, ictus_error *err)
{
    r->n = (int64_t)na;
    r->n_ref = (int64_t)nb;
    if (na == 0 || nb == 0) {
        snprintf(r->note, sizeof r->note, "no animal on one side");
        return ICTUS_OK;
    }
    r->estimate = ictus_stats_median_or_nan(a, na) - ictus_stats_median_or_nan(b, nb);
    ictus_mwu_options o = {.method = method_for(l, na + nb), .continuity = true};
    ictus_mwu_result res;
    ictus_status st = ictus_stats_mannwhitneyu(a, na, b, nb, &o, &res, err);
    r->statistic = res.u1;
    r->p = res.p;
    censored_note(r);
    return st;
}

/* Treatment e against vehicle: the animals of one side only. */
static ictus_status versus_vehicle(row_list *l, int e, int veh, const ictus_ht_value *v, size_t n,
                                   ictus_error *err)
{
    ictus_ht_comparison *r = add_row(l, e, ICTUS_HT_MANN_WHITNEY, ICTUS_VERSUS_VEHICLE);
    double *a = ictus_xmalloc((n ? n : 1) * sizeof *a), *b = ictus_xmalloc((n ? n : 1) * sizeof *b);
    size_t na = 0, nb = 0;
    r->n_censored = r->n_ref_censored = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i].exposure == e && !value_of(v, n, v[i].animal, veh)) {
            a[na++] = v[i].threshold_c;
            r->n_censored += v[i].censored;
        } else if (v[i].exposure == veh && !value_of(v, n, v[i].animal, e)) {
            b[nb++] = v[i].threshold_c;
            r->n_ref_censored += v[i].censored;
        }
    }
    ictus_status st = mann_whitney_row(l, r, a, na, b, nb, err);
    if (st == ICTUS_OK && (na == 0 || nb == 0))
        snprintf(r->note, sizeof r->note, "no independent animals on one side (paired: wilcoxon)");
    free(a);
    free(b);
    return st;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static ictus_status versus_groups(row_list *l, int e, const ictus_ht_value *v, size_t n,
                                  ictus_error *err)
{
    const char **groups = ictus_xmalloc((n ? n : 1) * sizeof *groups);
    size_t ng = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i].exposure != e || !v[i].group[0])
            continue;
        bool seen = false;
        for (size_t g = 0; g < ng && !seen; g++)
            seen = strcmp(groups[g], v[i].group) == 0;
        if (!seen)
            groups[ng++] = v[i].group;
    }
    qsort(groups, ng, sizeof *groups, by_name);
    double *a = ictus_xmalloc((n ? n : 1) * sizeof *a), *b = ictus_xmalloc((n ? n : 1) * sizeof *b);
    ictus_status st = ICTUS_OK;
    for (size_t ga = 0; ga < ng && st == ICTUS_OK; ga++)
        for (size_t gb = ga + 1; gb < ng && st == ICTUS_OK; gb++) {
            ictus_ht_comparison *r = add_row(l, e, ICTUS_HT_MANN_WHITNEY, ICTUS_VERSUS_GROUP);
            r->group_a = groups[ga];
            r->group_b = groups[gb];
            size_t na = 0, nb = 0;
            r->n_censored = r->n_ref_censored = 0;
            for (size_t i = 0; i < n; i++) {
                if (v[i].exposure != e)
                    continue;
                if (strcmp(v[i].group, groups[ga]) == 0) {
                    a[na++] = v[i].threshold_c;
                    r->n_censored += v[i].censored;
                } else if (strcmp(v[i].group, groups[gb]) == 0) {
                    b[nb++] = v[i].threshold_c;
                    r->n_ref_censored += v[i].censored;
                }
            }
            st = mann_whitney_row(l, r, a, na, b, nb, err);
        }
    free(a);
    free(b);
    free(groups);
    return st;
}

ictus_status ictus_hyperthermia_compare(const ictus_ht_value *v, size_t n,
                                        const ictus_condition *ex, const bool *has, int n_ex,
                                        double ci_level, int exact_max_n,
                                        ictus_ht_comparison **out, size_t *n_out,
                                        ictus_error *err)
{
    row_list l = {.ex = ex, .has = has, .ci_level = ci_level, .exact_max_n = exact_max_n};
    int base = exposure_of_kind(&l, n_ex, ICTUS_PERIOD_BASELINE);
    int veh = exposure_of_kind(&l, n_ex, ICTUS_PERIOD_VEHICLE);
    ictus_status st = ICTUS_OK;
    for (int e = 0; e < n_ex && st == ICTUS_OK; e++) {
        st = threshold_row(&l, e, v, n, err);
        ictus_period_kind kind = has[e] ? ex[e].kind : ICTUS_PERIOD_BASELINE;
        if (st == ICTUS_OK && has[e] && kind != ICTUS_PERIOD_BASELINE && base >= 0)
            st = wilcoxon_row(&l, e, base, ICTUS_VERSUS_BASELINE, v, n, err);
        if (st == ICTUS_OK && has[e] && kind == ICTUS_PERIOD_TREATMENT && veh >= 0) {
            st = wilcoxon_row(&l, e, veh, ICTUS_VERSUS_VEHICLE, v, n, err);
            if (st == ICTUS_OK)
                st = versus_vehicle(&l, e, veh, v, n, err);
        }
        if (st == ICTUS_OK)
            st = versus_groups(&l, e, v, n, err);
    }
    if (st != ICTUS_OK) {
        free(l.items);
        l.items = NULL;
        l.n = 0;
    }
    *out = l.items;
    *n_out = l.n;
    return st;
}

/* ------------------------------------------------------------------------
 * Sessions
 * ---------------------------------------------------------------------- */

/* A stored recording that may be a session. */
typedef struct {
    int64_t id;
    char *path, *animal;
    int64_t start_us, end_us;
} candidate;

/* The recording rows with a channel that may be the temperature
 * (channel_hit()), ascending: the only ones worth a channel query. */
typedef struct {
    const ictus_hyperthermia_settings *set;
    int64_t *ids;
    size_t n, cap;
} hit_ids;

typedef struct {
    candidate *items;
    size_t n, cap;
    const hit_ids *hits;
} candidate_list;

/* Whether channel ch may be the temperature (what pick_channel() looks for). */
static bool channel_hit(const ictus_hyperthermia_settings *set, const ictus_store_channel *ch)
{
    return set->temperature_label[0] ? strcmp(ch->label, set->temperature_label) == 0
                                     : ictus_unit_is_celsius(ch->unit);
}

static ictus_status note_hit(void *ctx, int64_t rec_id, int idx, const ictus_store_channel *ch,
                             ictus_error *err)
{
    (void)idx, (void)err;
    hit_ids *h = ctx;
    if (channel_hit(h->set, ch) && (h->n == 0 || h->ids[h->n - 1] != rec_id)) {
        ICTUS_GROW(h->ids, h->n + 1, h->cap);
        h->ids[h->n++] = rec_id;
    }
    return ICTUS_OK;
}

static bool is_hit(const hit_ids *h, int64_t id)
{
    size_t lo = 0, hi = h->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (h->ids[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < h->n && h->ids[lo] == id;
}

static ictus_status collect_recording(void *ctx, const ictus_store_recording *rec,
                                      ictus_error *err)
{
    candidate_list *l = ctx;
    if (!rec->has_results || !is_hit(l->hits, rec->id))
        return ICTUS_OK;
    ICTUS_GROW(l->items, l->n + 1, l->cap);
    l->items[l->n++] = (candidate){rec->id, ictus_xstrdup(rec->path), ictus_xstrdup(rec->animal),
                                   rec->start_us, rec->start_us + rec->duration_us};
    return ICTUS_OK;
}

/* Which stored channel is the temperature (see hyperthermia.h). */
typedef struct {
    const ictus_hyperthermia_settings *set;
    bool mapped;                 /* some channel has a role: only mapped ones are shown */
    char label[ICTUS_LABEL_MAX]; /* the chosen one, "" : none */
    bool label_mapped;
} channel_pick;

static ictus_status pick_channel(void *ctx, int idx, const ictus_store_channel *ch,
                                 ictus_error *err)
{
    channel_pick *p = ctx;
    bool role = ch->role && ch->role[0];
    p->mapped |= role;
    if (p->label[0] && (p->label_mapped || !role))
        return ICTUS_OK;
    if (channel_hit(p->set, ch)) {
        snprintf(p->label, sizeof p->label, "%s", ch->label);
        p->label_mapped = role;
    }
    return ICTUS_OK;
}

/* The condition of an->plans[a] holding period p, or NULL. */
static const ictus_condition *condition_of(const ictus_analysis *an, int a, int p)
{
    const ictus_plan *plan = &an->plans[a];
    for (int c = 0; c < plan->n_conditions; c++)
        for (int i = 0; i < plan->conditions[c].n_periods; i++)
            if (plan->conditions[c].periods[i] == p)
                return &plan->conditions[c];
    return NULL;
}

/* Open the session's recording as the detector saw it and read its temperature. */
static void measure_session(const ictus_analysis *an, const candidate *c,
                            const ictus_hyperthermia_settings *set, ictus_hyperthermia_session *s)
{
    const ictus_study *study = an->study;
    char path[ICTUS_PATH_MAX];
    ictus_error err;
    ictus_source *src = NULL;
    ictus_status st = ictus_path_join(path, sizeof path, study->dir, c->path, &err);
    if (st == ICTUS_OK)
        st = ictus_recording_open(study, ictus_recording_entry_of(study, c->path, c->animal),
                                  path, c->path, &src, &err);
    int channel = -1;
    if (st == ICTUS_OK) {
        const ictus_recording_info *info = ictus_source_info(src);
        for (int k = 0; k < info->n_channels && channel < 0; k++)
            if (strcmp(info->channels[k].label, s->channel) == 0)
                channel = k;
        if (channel < 0)
            st = ictus_fail(&err, ICTUS_ERR_DATA, "%s: no channel '%s' any more", c->path,
                            s->channel);
    }
    if (st == ICTUS_OK)
        st = ictus_hyperthermia_read(src, channel, set, s->onset_us, s->n_seizures, s->onset_c,
                                     &s->trace, &err);
    ictus_source_close(src);
    if (st != ICTUS_OK) {
        snprintf(s->note, sizeof s->note, "unreadable: %.180s", err.msg);
        s->trace = (ictus_temperature_trace){.start_c = NAN, .max_c = NAN};
        for (size_t i = 0; i < s->n_seizures; i++)
            s->onset_c[i] = NAN;
    }
}

/* The thresholds and censoring of a measured session. */
static void settle_session(ictus_hyperthermia_session *s)
{
    s->threshold_c = NAN;
    if (s->note[0])
        return;
    if (s->n_seizures == 0) {
        s->threshold_c = s->trace.max_c;
        s->censored = !isnan(s->threshold_c);
        if (!s->censored)
            snprintf(s->note, sizeof s->note, "no valid temperature sample");
        return;
    }
    s->threshold_c = s->onset_c[0];
    if (isnan(s->threshold_c))
        snprintf(s->note, sizeof s->note, "no valid temperature at the first onset");
}

static void session_free(ictus_hyperthermia_session *s)
{
    free(s->recording);
    free(s->onset_us);
    free(s->onset_type);
    free(s->onset_c);
}

/* A session of candidate c with temperature channel `label`, measured;
 * false (nothing kept) when its temperature does not rise enough. */
static bool make_session(const ictus_analysis *an, ictus_hyperthermia *h, const candidate *c,
                         const char *label, const ictus_seizure *const *seizures,
                         const size_t *n_seizures, ictus_hyperthermia_session *s)
{
    const ictus_animal *animal = ictus_study_animal(an->study, c->animal);
    if (!animal)
        return false;
    int a = (int)(animal - an->study->animals);
    const char *slash = strrchr(c->path, '/');
    *s = (ictus_hyperthermia_session){.animal = a, .start_us = c->start_us, .end_us = c->end_us,
                                      .recording = ictus_xstrdup(slash ? slash + 1 : c->path)};
    snprintf(s->channel, sizeof s->channel, "%s", label);
    size_t cap = n_seizures[a] ? n_seizures[a] : 1;
    s->onset_us = ictus_xmalloc(cap * sizeof *s->onset_us);
    s->onset_type = ictus_xmalloc(cap * sizeof *s->onset_type);
    s->onset_c = ictus_xmalloc(cap * sizeof *s->onset_c);
    for (size_t i = 0; i < n_seizures[a]; i++) {
        const ictus_seizure *z = &seizures[a][i];
        if (z->start_us >= c->start_us && z->start_us < c->end_us) {
            s->onset_us[s->n_seizures] = z->start_us;
            s->onset_type[s->n_seizures++] = z->type;
        }
    }
    s->period = ictus_animal_period_at(animal, c->start_us);
    if (s->period)
        s->condition = condition_of(an, a, (int)(s->period - animal->periods));
    measure_session(an, c, &h->settings, s);
    if (!s->note[0] && !(s->trace.max_c - s->trace.start_c >= h->settings.min_rise_c)) {
        h->n_flat++;
        session_free(s);
        return false;
    }
    settle_session(s);
    return true;
}

/* ------------------------------------------------------------------------
 * Sessions from temperatures.csv
 * ---------------------------------------------------------------------- */

/* One reading of temperatures.csv. */
typedef struct {
    int animal;
    const char *session;
    int64_t t_us;
    double c;
} reading;

static int by_session_time(const void *a, const void *b)
{
    const reading *x = a, *y = b;
    if (x->animal != y->animal)
        return x->animal < y->animal ? -1 : 1;
    int d = strcmp(x->session, y->session);
    if (d)
        return d;
    return (x->t_us > y->t_us) - (x->t_us < y->t_us);
}

/* The readings of temperatures.csv (t) into r[]; ICTUS_ERR_DATA naming the
 * field of the first bad row. */
static ictus_status read_readings(const ictus_analysis *an, const ictus_csv *t, reading *r,
                                  ictus_error *err)
{
    static const char *const need[] = {"animal", "session", "time", "temperature_c"};
    ictus_status st = ictus_csv_require(t, need, 4, err);
    int col[4];
    for (int k = 0; k < 4; k++)
        col[k] = ictus_csv_column(t, need[k]);
    char where[512];
    for (int row = 0; row < ictus_csv_rows(t) && st == ICTUS_OK; row++) {
        const ictus_animal *animal = ictus_study_animal(an->study, ictus_csv_field(t, row, col[0]));
        r[row].session = ictus_csv_field(t, row, col[1]);
        if (!animal)
            st = ictus_fail(err, ICTUS_ERR_DATA, "%s: not an animal of animals.csv",
                            ictus_csv_where(t, row, col[0], where, sizeof where));
        else if (ictus_walltime_parse_as(ictus_csv_field(t, row, col[2]), an->study->date_format,
                                         &r[row].t_us, NULL) != ICTUS_WALLTIME_OK)
            st = ictus_fail(err, ICTUS_ERR_DATA, "%s: expected a date-time "
                            "YYYY-MM-DDTHH:MM:SS[.fff], got \"%s\"",
                            ictus_csv_where(t, row, col[2], where, sizeof where),
                            ictus_csv_field(t, row, col[2]));
        else
            st = ictus_csv_double(t, row, col[3], &r[row].c, err);
        if (st == ICTUS_OK)
            r[row].animal = (int)(animal - an->study->animals);
    }
    return st;
}

/* A session of readings r[0..n) (one animal and session, in time order):
 * false (nothing kept) when its temperature does not rise enough. */
static bool manifest_session(const ictus_analysis *an, ictus_hyperthermia *h, const reading *r,
                             size_t n, const ictus_seizure *const *seizures,
                             const size_t *n_seizures, ictus_hyperthermia_session *s)
{
    int a = r[0].animal;
    *s = (ictus_hyperthermia_session){.animal = a, .start_us = r[0].t_us,
                                      .end_us = r[n - 1].t_us,
                                      .recording = ictus_xstrdup(TEMPERATURES_CSV)};
    snprintf(s->channel, sizeof s->channel, "%s", r[0].session);
    size_t cap = n_seizures[a] ? n_seizures[a] : 1;
    s->onset_us = ictus_xmalloc(cap * sizeof *s->onset_us);
    s->onset_type = ictus_xmalloc(cap * sizeof *s->onset_type);
    s->onset_c = ictus_xmalloc(cap * sizeof *s->onset_c);
    for (size_t i = 0; i < n_seizures[a]; i++) {
        const ictus_seizure *z = &seizures[a][i];
        if (z->start_us >= s->start_us && z->start_us <= s->end_us) {
            s->onset_us[s->n_seizures] = z->start_us;
            s->onset_type[s->n_seizures++] = z->type;
        }
    }
    const ictus_animal *animal = &an->study->animals[a];
    s->period = ictus_animal_period_at(animal, s->start_us);
    if (s->period)
        s->condition = condition_of(an, a, (int)(s->period - animal->periods));
    /* the lab's readings, however far apart: no gap limit */
    ictus_hyperthermia_settings set = h->settings;
    set.max_gap_s = 1e9;
    s->trace = (ictus_temperature_trace){.start_c = NAN, .max_c = NAN};
    for (size_t i = 0; i < s->n_seizures; i++)
        s->onset_c[i] = NAN;
    trace_pass p = {.set = &set, .onset_us = s->onset_us, .n = s->n_seizures,
                    .onset_c = s->onset_c, .trace = &s->trace};
    for (size_t i = 0; i < n; i++) {
        if (r[i].c >= set.valid_min_c && r[i].c <= set.valid_max_c)
            take_sample(&p, r[i].t_us, r[i].c);
        else
            s->trace.n_invalid++;
    }
    if (!(s->trace.max_c - s->trace.start_c >= h->settings.min_rise_c)) {
        h->n_flat++;
        session_free(s);
        return false;
    }
    settle_session(s);
    return true;
}

/* The sessions of STUDY/temperatures.csv, when it exists. */
static ictus_status manifest_sessions(const ictus_analysis *an, ictus_hyperthermia *h,
                                      const ictus_seizure *const *seizures,
                                      const size_t *n_seizures, size_t *cap, ictus_error *err)
{
    char path[ICTUS_PATH_MAX];
    ictus_status st = ictus_path_join(path, sizeof path, an->study->dir, TEMPERATURES_CSV, err);
    if (st != ICTUS_OK || access(path, F_OK) != 0)
        return st;
    ictus_csv *t;
    st = ictus_csv_read(path, &t, err);
    if (st != ICTUS_OK)
        return st;
    size_t n = (size_t)ictus_csv_rows(t);
    reading *r = ictus_xcalloc(n ? n : 1, sizeof *r);
    st = read_readings(an, t, r, err);
    if (st == ICTUS_OK)
        qsort(r, n, sizeof *r, by_session_time);
    for (size_t i = 0, j; st == ICTUS_OK && i < n; i = j) {
        for (j = i + 1; j < n && r[j].animal == r[i].animal &&
                        strcmp(r[j].session, r[i].session) == 0;)
            j++;
        ICTUS_GROW(h->sessions, h->n_sessions + 1, *cap);
        if (manifest_session(an, h, r + i, j - i, seizures, n_seizures,
                             &h->sessions[h->n_sessions]))
            h->n_sessions++;
    }
    free(r);
    ictus_csv_destroy(t);
    return st;
}

/* Whether a session enters the statistics: a threshold, and not in a
 * washout period (washouts are never compared: periods.h). */
static bool compared(const ictus_hyperthermia_session *s)
{
    return !isnan(s->threshold_c) && (s->condition || !s->period);
}

/* The exposures of the sessions (NULL condition: "none" first, then in
 * ictus_condition_cmp() order) and one value per animal and exposure, and
 * their statistics into *out / *n_out; with `only`, of the sessions of that
 * stratum alone (a kept label: compared by pointer). */
static ictus_status compare_sessions(const ictus_analysis *an, const ictus_hyperthermia *h,
                                     const char *only, ictus_ht_comparison **out,
                                     size_t *n_out, ictus_error *err)
{
    size_t n = h->n_sessions;
    ictus_condition *ex = ictus_xcalloc(n + 1, sizeof *ex);
    bool *has = ictus_xcalloc(n + 1, sizeof *has);
    int n_ex = 0;
    bool none = false;
    for (size_t i = 0; i < n; i++) {
        const ictus_hyperthermia_session *s = &h->sessions[i];
        if (!compared(s) || (only && s->stratum != only))
            continue;
        if (!s->condition) {
            none = true;
            continue;
        }
        bool seen = false;
        for (int e = 0; e < n_ex && !seen; e++)
            seen = ictus_condition_same(&ex[e], s->condition);
        if (!seen) {
            ex[n_ex] = *s->condition;
            has[n_ex++] = true;
        }
    }
    /* insertion sort: few exposures */
    for (int e = 1; e < n_ex; e++)
        for (int k = e; k > 0 && ictus_condition_cmp(&ex[k - 1], &ex[k]) > 0; k--) {
            ictus_condition t = ex[k];
            ex[k] = ex[k - 1];
            ex[k - 1] = t;
        }
    if (none) {
        memmove(ex + 1, ex, (size_t)n_ex * sizeof *ex);
        memmove(has + 1, has, (size_t)n_ex * sizeof *has);
        has[0] = false;
        n_ex++;
    }
    /* one value per animal and exposure: the mean of its sessions */
    ictus_ht_value *v = ictus_xcalloc(n + 1, sizeof *v);
    int *count = ictus_xcalloc(n + 1, sizeof *count);
    size_t nv = 0;
    for (size_t i = 0; i < n; i++) {
        const ictus_hyperthermia_session *s = &h->sessions[i];
        if (!compared(s) || (only && s->stratum != only))
            continue;
        int e = 0;
        while (e < n_ex && !(s->condition ? has[e] && ictus_condition_same(&ex[e], s->condition)
                                          : !has[e]))
            e++;
        size_t k = 0;
        while (k < nv && !(v[k].animal == s->animal && v[k].exposure == e))
            k++;
        if (k == nv)
            v[nv++] = (ictus_ht_value){.animal = s->animal,
                                       .group = an->study->animals[s->animal].group,
                                       .exposure = e};
        v[k].threshold_c += s->threshold_c;
        v[k].censored |= s->censored;
        count[k]++;
    }
    for (size_t k = 0; k < nv; k++)
        v[k].threshold_c /= count[k];
    ictus_status st = ictus_hyperthermia_compare(v, nv, ex, has, n_ex, an->settings.ci_level,
                                                 an->settings.exact_max_n, out, n_out, err);
    free(v);
    free(count);
    free(ex);
    free(has);
    return st;
}

/* The comparisons within each stratum (strata.h): a session's stratum is
 * its animal's label at the session's start. */
static ictus_status compare_strata(const ictus_analysis *an, ictus_hyperthermia *h,
                                   ictus_error *err)
{
    for (size_t i = 0; i < h->n_sessions; i++) {
        ictus_hyperthermia_session *s = &h->sessions[i];
        char label[ICTUS_STRATUM_LABEL_MAX];
        if (ictus_strata_label(&an->settings.strata, &an->study->animals[s->animal],
                               s->start_us, label, sizeof label))
            s->stratum = ictus_strata_labels_keep(&h->labels_, label);
    }
    const char **labels = ictus_strata_labels_sorted(&h->labels_);
    h->n_strata = h->labels_.n;
    h->strata = ictus_xcalloc(h->n_strata ? h->n_strata : 1, sizeof *h->strata);
    ictus_status st = ICTUS_OK;
    for (size_t k = 0; k < h->n_strata && st == ICTUS_OK; k++) {
        h->strata[k].label = labels[k];
        st = compare_sessions(an, h, labels[k], &h->strata[k].comparisons,
                              &h->strata[k].n_comparisons, err);
    }
    free(labels);
    return st;
}

static void candidates_clear(candidate_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].path);
        free(l->items[i].animal);
    }
    free(l->items);
}

ictus_status ictus_hyperthermia_compute(const ictus_analysis *an, ictus_store *store,
                                        const ictus_seizure *const *seizures,
                                        const size_t *n_seizures, ictus_hyperthermia **out,
                                        ictus_error *err)
{
    *out = NULL;
    ictus_hyperthermia *h = ictus_xcalloc(1, sizeof *h);
    ictus_hyperthermia_settings_default(&h->settings);
    ictus_status st = ictus_hyperthermia_settings_apply(&h->settings, an->study->config,
                                                        &h->has_section, err);
    /* One walk over every stored channel first: a recording without a
     * temperature-like channel cannot be a session, and most studies have
     * none (no query per recording, no list of every recording). */
    hit_ids hits = {.set = &h->settings};
    candidate_list cands = {.hits = &hits};
    if (st == ICTUS_OK)
        st = ictus_store_each_channel_all(store, note_hit, &hits, err);
    if (st == ICTUS_OK && hits.n > 0)
        st = ictus_store_each_recording(store, collect_recording, &cands, err);
    free(hits.ids);
    size_t cap = 0;
    for (size_t i = 0; i < cands.n && st == ICTUS_OK; i++) {
        channel_pick pick = {.set = &h->settings};
        st = ictus_store_each_channel(store, cands.items[i].id, pick_channel, &pick, err);
        if (st != ICTUS_OK || !pick.label[0] || (pick.mapped && !pick.label_mapped))
            continue;
        ICTUS_GROW(h->sessions, h->n_sessions + 1, cap);
        if (make_session(an, h, &cands.items[i], pick.label, seizures, n_seizures,
                         &h->sessions[h->n_sessions]))
            h->n_sessions++;
    }
    candidates_clear(&cands);
    if (st == ICTUS_OK)
        st = manifest_sessions(an, h, seizures, n_seizures, &cap, err);
    h->settings_text = settings_text(&h->settings);
    ictus_strbuf all = {0};
    ictus_strbuf_add(&all, an->settings_text);
    ictus_strbuf_add(&all, h->settings_text);
    ictus_hash128_format(ictus_hash_bytes(ictus_strbuf_text(&all), strlen(ictus_strbuf_text(&all))),
                         h->settings_hash);
    ictus_strbuf_free(&all);
    if (st == ICTUS_OK)
        st = compare_sessions(an, h, NULL, &h->comparisons, &h->n_comparisons, err);
    if (st == ICTUS_OK && an->settings.strata.n_keys > 0)
        st = compare_strata(an, h, err);
    if (st != ICTUS_OK) {
        ictus_hyperthermia_destroy(h);
        return st;
    }
    *out = h;
    return ICTUS_OK;
}

void ictus_hyperthermia_destroy(ictus_hyperthermia *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->n_sessions; i++)
        session_free(&h->sessions[i]);
    free(h->sessions);
    free(h->comparisons);
    for (size_t k = 0; k < h->n_strata; k++)
        free(h->strata[k].comparisons);
    free(h->strata);
    ictus_strata_labels_clear(&h->labels_);
    free(h->settings_text);
    free(h);
}

/* ------------------------------------------------------------------------
 * Writing
 * ---------------------------------------------------------------------- */

static bool writes_files(const ictus_hyperthermia *h)
{
    return h && (h->n_sessions > 0 || h->has_section);
}

static void time_field(ictus_out *o, int64_t t_us)
{
    char buf[32];
    ictus_outfile_text(o, ictus_walltime_format(t_us, buf, sizeof buf));
}

static void exposure_fields(ictus_out *o, const ictus_condition *c)
{
    if (c) {
        ictus_analysis_exposure_fields(o, c);
        return;
    }
    ictus_out_str(o, ",,,,");
}

static void write_sessions(ictus_out *o, const void *ctx)
{
    const ictus_analysis *an = ctx;
    const ictus_hyperthermia *h = an->hyperthermia;
    ictus_out_str(o, "animal,group,recording,channel,start,end,kind,drug,dose_mg_kg,route,"
                     "start_c,max_c,max_s,n_seizures,first_onset,first_onset_s,first_type,"
                     "threshold_c,censored,onset_c,note,settings_hash\n");
    for (size_t i = 0; i < h->n_sessions; i++) {
        const ictus_hyperthermia_session *s = &h->sessions[i];
        const ictus_animal *animal = &an->study->animals[s->animal];
        ictus_out_field(o, animal->id);
        ictus_outfile_text(o, animal->group);
        ictus_outfile_text(o, s->recording);
        ictus_outfile_text(o, s->channel);
        time_field(o, s->start_us);
        time_field(o, s->end_us);
        /* the period's own fields: a washout period has no condition */
        if (s->condition) {
            exposure_fields(o, s->condition);
        } else if (s->period) {
            ictus_outfile_text(o, ictus_period_kind_name(s->period->kind));
            ictus_outfile_text(o, s->period->drug);
            ictus_outfile_number(o, s->period->dose_mg_kg);
            ictus_outfile_text(o, s->period->route);
        } else {
            exposure_fields(o, NULL);
        }
        ictus_outfile_number(o, s->trace.start_c);
        ictus_outfile_number(o, s->trace.max_c);
        ictus_outfile_number(o, isnan(s->trace.max_c)
                                    ? NAN
                                    : (double)(s->trace.max_at_us - s->start_us) / 1e6);
        ictus_outfile_count(o, (int64_t)s->n_seizures);
        if (s->n_seizures) {
            time_field(o, s->onset_us[0]);
            ictus_outfile_number(o, (double)(s->onset_us[0] - s->start_us) / 1e6);
            ictus_outfile_text(o, an->types[s->onset_type[0]]);
        } else {
            ictus_out_str(o, ",,,");
        }
        ictus_outfile_number(o, s->threshold_c);
        ictus_outfile_text(o, isnan(s->threshold_c) ? "" : s->censored ? "yes" : "no");
        ictus_out_char(o, ',');
        for (size_t k = 0; k < s->n_seizures; k++) {
            if (k)
                ictus_out_char(o, '|');
            if (!isnan(s->onset_c[k]))
                ictus_out_double(o, s->onset_c[k], 7);
        }
        ictus_outfile_text(o, s->note);
        ictus_outfile_text(o, h->settings_hash);
        ictus_out_char(o, '\n');
    }
}

static const char *const test_names[] = {"threshold", "wilcoxon", "mann_whitney"};

/* The rows of comparisons r[0..n), each ending with `label` as the
 * stratum column (NULL: not stratified, no column). */
static void write_comparison_rows(ictus_out *o, const ictus_analysis *an,
                                  const ictus_ht_comparison *rows, size_t n, const char *label)
{
    const ictus_hyperthermia *h = an->hyperthermia;
    for (size_t i = 0; i < n; i++) {
        const ictus_ht_comparison *r = &rows[i];
        if (r->has_condition) {
            ictus_out_str(o, ictus_period_kind_name(r->condition.kind));
            ictus_outfile_text(o, r->condition.kind == ICTUS_PERIOD_TREATMENT ? r->condition.drug
                                                                               : "");
            ictus_outfile_number(o, r->condition.dose_mg_kg);
            ictus_outfile_text(o, r->condition.route);
        } else {
            ictus_out_str(o, ",,,");
        }
        ictus_outfile_text(o, test_names[r->test]);
        ictus_outfile_text(o, ictus_versus_name((ictus_versus)r->versus));
        ictus_outfile_text(o, r->group_a);
        ictus_outfile_text(o, r->group_b);
        ictus_outfile_count(o, r->n);
        ictus_outfile_count(o, r->n_censored);
        ictus_outfile_count(o, r->n_ref);
        ictus_outfile_count(o, r->n_ref_censored);
        ictus_outfile_text(o, r->test == ICTUS_HT_THRESHOLD ? "median_threshold_c"
                                                            : "median_difference_c");
        ictus_outfile_number(o, r->estimate);
        ictus_outfile_number(o, isnan(r->ci_lo) ? NAN : an->settings.ci_level);
        ictus_outfile_number(o, r->ci_lo);
        ictus_outfile_number(o, r->ci_hi);
        ictus_outfile_number(o, r->statistic);
        ictus_outfile_number(o, r->p);
        ictus_outfile_text(o, r->note);
        ictus_outfile_text(o, h->settings_hash);
        if (label)
            ictus_outfile_text(o, label);
        ictus_out_char(o, '\n');
    }
}

static void write_comparisons(ictus_out *o, const void *ctx)
{
    const ictus_analysis *an = ctx;
    const ictus_hyperthermia *h = an->hyperthermia;
    bool stratified = an->settings.strata.n_keys > 0;
    ictus_out_str(o, "kind,drug,dose_mg_kg,route,test,versus,group_a,group_b,n,n_censored,n_ref,"
                     "n_ref_censored,estimate_of,estimate,ci_level,ci_lo,ci_hi,statistic,p,note,"
                     "settings_hash");
    ictus_out_str(o, stratified ? ",stratum\n" : "\n");
    write_comparison_rows(o, an, h->comparisons, h->n_comparisons, stratified ? "all" : NULL);
    for (size_t k = 0; k < h->n_strata; k++)
        write_comparison_rows(o, an, h->strata[k].comparisons, h->strata[k].n_comparisons,
                              h->strata[k].label);
}

static const char *const file_names[] = {"hyperthermia.csv", "hyperthermia_comparisons.csv"};

ictus_status ictus_hyperthermia_write(const ictus_analysis *an, const char *out_dir,
                                      ictus_error *err)
{
    if (!writes_files(an->hyperthermia)) {
        for (size_t i = 0; i < 2; i++) {
            char path[ICTUS_PATH_MAX];
            ictus_status st = ictus_path_join(path, sizeof path, out_dir, file_names[i], err);
            if (st != ICTUS_OK)
                return st;
            if (unlink(path) != 0 && errno != ENOENT)
                return ictus_fail(err, ICTUS_ERR_IO, "%s: cannot remove: %s", path,
                                  strerror(errno));
        }
        return ICTUS_OK;
    }
    ictus_status st = ictus_outfile_write(out_dir, file_names[0], write_sessions, an, err);
    if (st == ICTUS_OK)
        st = ictus_outfile_write(out_dir, file_names[1], write_comparisons, an, err);
    return st;
}

void ictus_hyperthermia_write_settings(ictus_out *o, const ictus_hyperthermia *h)
{
    if (!writes_files(h))
        return;
    ictus_out_printf(o, "hyperthermia_sessions=%zu\nhyperthermia_flat=%lld\n"
                        "hyperthermia_settings_hash=%s\n",
                     h->n_sessions, (long long)h->n_flat, h->settings_hash);
    ictus_out_str(o, h->settings_text);
}
