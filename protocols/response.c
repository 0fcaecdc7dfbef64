/* response.c: classes of response per condition, trial adequacy, course and drug resistance. */
#include "protocols/response.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define S_PER_HOUR 3600.0
#define S_PER_DAY 86400.0

void ictus_response_rules_default(ictus_response_rules *rules)
{
    *rules = (ictus_response_rules){
        .responder_pct = 50,
        .strict_pct = 90,
        .worsening_pct = 50,
        .seizure_free_factor = 3,
        .min_baseline_per_24h = 1,
        .min_analysable_h = 24,
        .min_block_days = 3,
        .require_tolerated = false,
        .resistance_failures = 2,
    };
}

/* ------------------------------------------------------------------------
 * Names
 * ---------------------------------------------------------------------- */

static const char *const class_names[ICTUS_N_CLASSES] = {
    "undetermined", "seizure_free", "strict_responder", "responder", "non_responder", "worsening",
};
static const char *const why_names[ICTUS_N_WHY] = {
    "", "no_data", "no_baseline", "little_data", "short_baseline", "baseline_seizure_free",
    "sparse_baseline", "no_baseline_isi", "seizure_free_too_short",
};
static const char *const trial_names[] = {"low_dose", "not_tolerated", "tolerability_unknown",
                                          "short_block"};
static const char *const course_names[ICTUS_N_COURSES] = {"", "remission", "sustained",
                                                          "relapse"};
static const char *const resistance_names[ICTUS_N_RESISTANCE] = {"undetermined", "resistant",
                                                                 "not_resistant"};

const char *ictus_class_name(ictus_response_class cls)
{
    return cls >= 0 && cls < ICTUS_N_CLASSES ? class_names[cls] : "?";
}

const char *ictus_why_name(ictus_undetermined_why why)
{
    return why >= 0 && why < ICTUS_N_WHY ? why_names[why] : "?";
}

const char *ictus_course_name(ictus_course course)
{
    return course >= 0 && course < ICTUS_N_COURSES ? course_names[course] : "?";
}

const char *ictus_resistance_name(ictus_resistance r)
{
    return r >= 0 && r < ICTUS_N_RESISTANCE ? resistance_names[r] : "?";
}

bool ictus_class_is_response(ictus_response_class cls)
{
    return cls == ICTUS_CLASS_SEIZURE_FREE || cls == ICTUS_CLASS_STRICT_RESPONDER ||
           cls == ICTUS_CLASS_RESPONDER;
}

bool ictus_class_is_failure(ictus_response_class cls)
{
    return cls == ICTUS_CLASS_NON_RESPONDER || cls == ICTUS_CLASS_WORSENING;
}

/* ------------------------------------------------------------------------
 * Classes and trials
 * ---------------------------------------------------------------------- */

/* Why the class cannot be decided, or NONE; sets out->seizure_free_needed_s. */
static ictus_undetermined_why undetermined(const ictus_measures *m, const ictus_measures *ref,
                                           const ictus_response_rules *rules, ictus_response *out)
{
    double min_s = rules->min_analysable_h * S_PER_HOUR;
    if (!(m->analysable_s > 0))
        return ICTUS_WHY_NO_DATA;
    if (!ref || !(ref->analysable_s > 0))
        return ICTUS_WHY_NO_BASELINE;
    if (m->analysable_s < min_s)
        return ICTUS_WHY_LITTLE_DATA;
    if (ref->analysable_s < min_s)
        return ICTUS_WHY_SHORT_BASELINE;
    if (ref->count == 0)
        return ICTUS_WHY_BASELINE_SEIZURE_FREE;
    if (ref->rate_per_24h < rules->min_baseline_per_24h)
        return ICTUS_WHY_SPARSE_BASELINE;
    out->seizure_free_needed_s = rules->seizure_free_factor * ref->longest_isi_s;
    if (m->count > 0)
        return ICTUS_WHY_NONE;
    if (ref->n_isi == 0)
        return ICTUS_WHY_NO_BASELINE_ISI;
    return m->analysable_s < out->seizure_free_needed_s ? ICTUS_WHY_SEIZURE_FREE_TOO_SHORT
                                                        : ICTUS_WHY_NONE;
}

void ictus_response_classify(const ictus_measures *m, const ictus_measures *ref,
                             const ictus_response_rules *rules, ictus_response *out)
{
    *out = (ictus_response){.cls = ICTUS_CLASS_UNDETERMINED, .pct_change = NAN,
                            .seizure_free_needed_s = NAN};
    if (ref)
        out->pct_change = ictus_pct_change(m->rate_per_24h, ref->rate_per_24h);
    out->why = undetermined(m, ref, rules, out);
    if (out->why != ICTUS_WHY_NONE)
        return;
    double p = out->pct_change;
    if (m->count == 0)
        out->cls = ICTUS_CLASS_SEIZURE_FREE;
    else if (p < -rules->strict_pct)
        out->cls = ICTUS_CLASS_STRICT_RESPONDER;
    else if (p <= -rules->responder_pct)
        out->cls = ICTUS_CLASS_RESPONDER;
    else if (p >= rules->worsening_pct)
        out->cls = ICTUS_CLASS_WORSENING;
    else
        out->cls = ICTUS_CLASS_NON_RESPONDER;
}

unsigned ictus_response_trial(const ictus_condition *c, const ictus_response_rules *rules)
{
    unsigned bits = 0;
    if (isfinite(c->target_dose_mg_kg) && c->dose_mg_kg < c->target_dose_mg_kg)
        bits |= ICTUS_TRIAL_LOW_DOSE;
    if (c->tolerated == ICTUS_TOLERATED_NO)
        bits |= ICTUS_TRIAL_NOT_TOLERATED;
    else if (rules->require_tolerated && c->tolerated != ICTUS_TOLERATED_YES)
        bits |= ICTUS_TRIAL_TOLERABILITY_UNKNOWN;
    if ((double)c->span_us / 1e6 < rules->min_block_days * S_PER_DAY)
        bits |= ICTUS_TRIAL_SHORT_BLOCK;
    return bits;
}

void ictus_trial_reasons(unsigned bits, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof trial_names / sizeof trial_names[0]; i++)
        if (bits & (1u << i) && len < size)
            len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? "|" : "",
                                    trial_names[i]);
}

/* ------------------------------------------------------------------------
 * Across the sequence
 * ---------------------------------------------------------------------- */

void ictus_response_course(const ictus_response_class *classes, int n, ictus_course *course)
{
    bool free_before = false;
    for (int i = 0; i < n; i++) {
        course[i] = ICTUS_COURSE_NONE;
        if (classes[i] == ICTUS_CLASS_UNDETERMINED)
            continue;
        bool free_now = classes[i] == ICTUS_CLASS_SEIZURE_FREE;
        if (free_now)
            course[i] = free_before ? ICTUS_COURSE_SUSTAINED : ICTUS_COURSE_REMISSION;
        else if (free_before)
            course[i] = ICTUS_COURSE_RELAPSE;
        free_before = free_now;
    }
}

ictus_resistance ictus_drug_resistance(const ictus_trial_outcome *t, int n, int min_failures,
                                       int *n_failed)
{
    int failed = 0;
    bool any_response = false;
    for (int i = 0; i < n; i++) {
        if (!t[i].adequate)
            continue;
        any_response = any_response || ictus_class_is_response(t[i].cls);
        bool first_of_drug = true;
        for (int j = 0; j < i && first_of_drug; j++)
            first_of_drug = !(t[j].adequate && strcasecmp(t[j].drug, t[i].drug) == 0);
        if (!first_of_drug)
            continue;
        bool failure = false, response = false;
        for (int j = i; j < n; j++)
            if (t[j].adequate && strcasecmp(t[j].drug, t[i].drug) == 0) {
                failure = failure || ictus_class_is_failure(t[j].cls);
                response = response || ictus_class_is_response(t[j].cls);
            }
        failed += failure && !response;
    }
    if (n_failed)
        *n_failed = failed;
    if (failed >= min_failures)
        return ICTUS_RESISTANCE_RESISTANT;
    return any_response ? ICTUS_RESISTANCE_NOT_RESISTANT : ICTUS_RESISTANCE_UNDETERMINED;
}
