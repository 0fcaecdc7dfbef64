/* typing.c: event type rules, their reasons, and the confidence model (pure). */
#include "detectors/typing.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* The duration a score is measured against when a rule sets no minimum, s. */
#define UNSET_MIN_DURATION_S 1.0

static double logistic(double z)
{
    return 1.0 / (1.0 + exp(-z));
}

/* Append to out->reason (truncated at its size). */
static void add_reason(ictus_typing *out, const char *fmt, ...)
{
    size_t len = strlen(out->reason);
    if (len + 1 >= sizeof out->reason)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out->reason + len, sizeof out->reason - len, fmt, ap);
    va_end(ap);
}

bool ictus_postictal_seen(const ictus_detector_params *p, const ictus_event_measures *m)
{
    return m->postictal_min < p->postictal_ratio; /* false for NaN: none seen */
}

/* The first limit of rule r that m fails, written into buf; false when
 * every limit holds. */
static bool rule_fails(const ictus_detector_params *p, const ictus_type_rule *r,
                       const ictus_event_measures *m, char *buf, size_t size)
{
    if (m->duration_s < r->min_duration_s)
        snprintf(buf, size, "duration %.1f s < min_duration_s %g", m->duration_s,
                 r->min_duration_s);
    else if (r->max_duration_s > 0 && m->duration_s > r->max_duration_s)
        snprintf(buf, size, "duration %.1f s > max_duration_s %g", m->duration_s,
                 r->max_duration_s);
    else if (m->n_involved < r->min_channels)
        snprintf(buf, size, "channels %d < min_channels %d", m->n_involved, r->min_channels);
    else if (m->peak_ratio < r->min_peak_ratio)
        snprintf(buf, size, "peak ratio %.2f < min_peak_ratio %g", m->peak_ratio,
                 r->min_peak_ratio);
    else if (m->mean_ratio < r->min_mean_ratio)
        snprintf(buf, size, "mean ratio %.2f < min_mean_ratio %g", m->mean_ratio,
                 r->min_mean_ratio);
    else if (m->spike_rate < r->min_spike_rate)
        snprintf(buf, size, "spikes %.2f/s < min_spike_rate %g", m->spike_rate,
                 r->min_spike_rate);
    else if (m->emg_fraction > r->max_emg_fraction)
        snprintf(buf, size, "emg %.2f > max_emg_fraction %g", m->emg_fraction,
                 r->max_emg_fraction);
    else if (m->high_fraction < r->min_high_fraction)
        snprintf(buf, size, "high %.2f < min_high_fraction %g", m->high_fraction,
                 r->min_high_fraction);
    else if (r->postictal && !ictus_postictal_seen(p, m))
        snprintf(buf, size, "post-ictal min ratio %.2f not < postictal_ratio %g (postictal)",
                 m->postictal_min, p->postictal_ratio);
    else if (r->primary && !m->primary_involved)
        snprintf(buf, size, "no primary channel involved (primary)");
    else
        return false;
    return true;
}

/* The score of an event rule r accepted. */
static double confidence(const ictus_detector_params *p, const ictus_type_rule *r,
                         const ictus_event_measures *m)
{
    const ictus_confidence_params *w = &p->confidence;
    double floor_ratio = r->min_peak_ratio > p->on_ratio ? r->min_peak_ratio : p->on_ratio;
    double min_dur = r->min_duration_s > 0 ? r->min_duration_s : UNSET_MIN_DURATION_S;
    double z = w->peak_weight * log(m->peak_ratio / floor_ratio) +
               w->duration_weight * log(m->duration_s / min_dur) +
               w->channel_weight * (m->n_involved - 1) +
               (ictus_postictal_seen(p, m) ? w->postictal_weight : 0.0) -
               w->artefact_weight * m->artefact_fraction;
    return logistic(z);
}

bool ictus_candidate_admitted(const ictus_detector_params *p, const ictus_event_measures *m,
                              ictus_typing *out)
{
    *out = (ictus_typing){.rule = -1};
    if (m->duration_s < p->min_duration_s) {
        add_reason(out, "duration %.1f s < [detector] min_duration_s %g", m->duration_s,
                   p->min_duration_s);
        return false;
    }
    if (m->artefact_fraction > p->max_artefact_fraction) {
        add_reason(out, "artefact share %.2f > max_artefact_fraction %g", m->artefact_fraction,
                   p->max_artefact_fraction);
        return false;
    }
    return true;
}

bool ictus_type_definition_fits(const ictus_type_rule *r, double duration_s,
                                double emg_fraction, bool primary_involved, char *why,
                                size_t size)
{
    if (duration_s < r->min_duration_s)
        snprintf(why, size, "duration %.1f s < min_duration_s %g", duration_s,
                 r->min_duration_s);
    else if (r->max_duration_s > 0 && duration_s > r->max_duration_s)
        snprintf(why, size, "duration %.1f s > max_duration_s %g", duration_s,
                 r->max_duration_s);
    else if (emg_fraction > r->max_emg_fraction)
        snprintf(why, size, "emg %.2f > max_emg_fraction %g", emg_fraction,
                 r->max_emg_fraction);
    else if (r->primary && !primary_involved)
        snprintf(why, size, "no primary channel involved (primary)");
    else
        return true;
    return false;
}

void ictus_type_event(const ictus_detector_params *p, const ictus_event_measures *m,
                      ictus_typing *out)
{
    if (!ictus_candidate_admitted(p, m, out))
        return;
    for (int t = 0; t < p->n_types; t++) {
        const ictus_type_rule *r = &p->type[t];
        char why[160];
        if (rule_fails(p, r, m, why, sizeof why)) {
            add_reason(out, "%s%s: %s", out->reason[0] ? "; " : "", r->name, why);
            continue;
        }
        out->rule = t;
        out->confidence = confidence(p, r, m);
        return;
    }
}

int ictus_type_unbounded(const ictus_detector_params *p, const ictus_event_measures *m,
                         double *conf)
{
    *conf = 0;
    for (int t = 0; t < p->n_types; t++) {
        ictus_type_rule r = p->type[t];
        r.max_duration_s = 0;
        r.postictal = false;
        char why[160];
        if (!rule_fails(p, &r, m, why, sizeof why)) {
            *conf = confidence(p, &r, m);
            return t;
        }
    }
    return -1;
}

void ictus_type_afterdischarge(const ictus_detector_params *p, double duration_s,
                               ictus_typing *out)
{
    *out = (ictus_typing){.rule = -1};
    if (duration_s < p->evoked_min_s) {
        add_reason(out, "duration %.1f s < [evoked] min_duration_s %g", duration_s,
                   p->evoked_min_s);
        return;
    }
    const ictus_confidence_params *w = &p->confidence;
    double min_dur = p->evoked_min_s > 0 ? p->evoked_min_s : UNSET_MIN_DURATION_S;
    double z = w->evoked_duration_weight * log(duration_s / min_dur);
    out->rule = 0;
    out->confidence = logistic(z + w->evoked_offset);
}
