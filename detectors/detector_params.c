/* detector_params.c: the detector's parameter tables, defaults, parsing and provenance text. */
#include "detectors/detector_params.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "base/params.h"

#define DD(key, member, lo, hi) ICTUS_PARAM_D("detector", key, ictus_detector_params, member, lo, hi)
#define ED(key, member, lo, hi) ICTUS_PARAM_D("evoked", key, ictus_detector_params, member, lo, hi)

static const ictus_param detector_fields[] = {
    ICTUS_PARAM_B("detector", "spontaneous", ictus_detector_params, spontaneous),
    DD("baseline_hours", baseline_hours, 0.1, 240),
    DD("lookahead_min", lookahead_min, 0, 240),
    DD("min_baseline_min", min_baseline_min, 1, 1440),
    DD("baseline_quantile", baseline_quantile, 0.05, 0.95),
    DD("on_ratio", on_ratio, 1, 1000),
    DD("off_ratio", off_ratio, 0.1, 1000),
    DD("min_spike_rate", min_spike_rate, 0, 1000),
    DD("sustain_spike_rate", sustain_spike_rate, 0, 1000),
    DD("min_duration_s", min_duration_s, 0, 86400),
    DD("merge_gap_s", merge_gap_s, 0, 3600),
    DD("edge_margin_s", edge_margin_s, 0, 60),
    DD("edge_gap_s", edge_gap_s, 0, 60),
    DD("max_artefact_fraction", max_artefact_fraction, 0, 1),
    DD("postictal_window_s", postictal_window_s, 0, 3600),
    DD("postictal_ratio", postictal_ratio, 0, 100),
    ICTUS_PARAM_S("detector", "primary_channels", ictus_detector_params, primary_channels),
    ICTUS_PARAM_S("detector", "types", ictus_detector_params, types),
    ICTUS_PARAM_B("evoked", "enabled", ictus_detector_params, evoked),
    ICTUS_PARAM_S("evoked", "stim_pattern", ictus_detector_params, stim_pattern),
    ED("stim_duration_s", stim_duration_s, 0, 3600),
    ED("blank_s", blank_s, 0, 3600),
    ED("end_ratio", end_ratio, 0.1, 1000),
    ED("end_hold_s", end_hold_s, 0, 3600),
    ED("min_duration_s", evoked_min_s, 0, 86400),
    ED("max_duration_s", evoked_max_s, 1, 86400),
};
#define N_DETECTOR_FIELDS (sizeof detector_fields / sizeof detector_fields[0])

/* Keys added after presets were first fingerprinted (numbers that were
 * literals in the code up to 0.1.0; the [confidence] weights below too):
 * described only where they differ from their default (describe_changed),
 * so that upgrading leaves every stored parameter hash valid: the results
 * it marks are the same.  The default of a key here must therefore never
 * change (that would change results under an unchanged hash): add a new key
 * instead. */
static const ictus_param detector_late_fields[] = {
    DD("involved_fraction", involved_fraction, 0, 1),
    ICTUS_PARAM_I("detector", "involved_min_windows", ictus_detector_params, involved_min_windows,
                  1, 1000000),
    ICTUS_PARAM_I("detector", "postictal_smooth_windows", ictus_detector_params,
                  postictal_smooth_windows, 1, ICTUS_MAX_SMOOTH),
};
#define N_DETECTOR_LATE_FIELDS (sizeof detector_late_fields / sizeof detector_late_fields[0])

#define CD(key, member, lo, hi)                                                                    \
    ICTUS_PARAM_D("confidence", key, ictus_detector_params, confidence.member, lo, hi)
/* Described like the late keys above, for the same reason. */
static const ictus_param confidence_fields[] = {
    CD("peak_weight", peak_weight, 0, 100),
    CD("duration_weight", duration_weight, 0, 100),
    CD("channel_weight", channel_weight, 0, 100),
    CD("postictal_weight", postictal_weight, 0, 100),
    CD("artefact_weight", artefact_weight, 0, 100),
    CD("evoked_duration_weight", evoked_duration_weight, 0, 100),
    CD("evoked_offset", evoked_offset, -100, 100),
};
#undef CD

#define SD(key, member, lo, hi)                                                                    \
    ICTUS_PARAM_D("status_epilepticus", key, ictus_detector_params, member, lo, hi)
/* [status_epilepticus]: described like the late keys above, so that the
 * presets that keep the defaults keep their text and hash. */
static const ictus_param se_fields[] = {
    SD("convulsive_min_s", se_convulsive_min_s, 0, 864000),
    SD("focal_min_s", se_focal_min_s, 0, 864000),
    SD("max_gap_s", se_max_gap_s, 0, 86400),
    SD("return_ratio", se_return_ratio, 0.1, 1000),
};
#define N_SE_FIELDS (sizeof se_fields / sizeof se_fields[0])
#undef SD
#undef DD
#undef ED
#define N_CONFIDENCE_FIELDS (sizeof confidence_fields / sizeof confidence_fields[0])

/* [classifier]: described only when a model is named, so that the rules
 * alone keep every earlier preset's text and hash. */
static const ictus_param classifier_fields[] = {
    ICTUS_PARAM_S("classifier", "model", ictus_detector_params, model),
    ICTUS_PARAM_D("classifier", "min_score", ictus_detector_params, min_score, 0, 1),
};
#define N_CLASSIFIER_FIELDS (sizeof classifier_fields / sizeof classifier_fields[0])

/* [type.NAME] keys, relative to one ictus_type_rule. */
static const ictus_param type_fields[] = {
    ICTUS_PARAM_D("", "min_duration_s", ictus_type_rule, min_duration_s, 0, 86400),
    ICTUS_PARAM_D("", "max_duration_s", ictus_type_rule, max_duration_s, 0, 86400),
    ICTUS_PARAM_I("", "min_channels", ictus_type_rule, min_channels, 1, 64),
    ICTUS_PARAM_D("", "min_peak_ratio", ictus_type_rule, min_peak_ratio, 0, 1000),
    ICTUS_PARAM_D("", "min_mean_ratio", ictus_type_rule, min_mean_ratio, 0, 1000),
    ICTUS_PARAM_D("", "min_spike_rate", ictus_type_rule, min_spike_rate, 0, 1000),
    ICTUS_PARAM_D("", "min_high_fraction", ictus_type_rule, min_high_fraction, 0, 1),
    ICTUS_PARAM_D("", "max_emg_fraction", ictus_type_rule, max_emg_fraction, 0, 1),
    ICTUS_PARAM_B("", "postictal", ictus_type_rule, postictal),
    ICTUS_PARAM_B("", "primary", ictus_type_rule, primary),
};
#define N_TYPE_FIELDS (sizeof type_fields / sizeof type_fields[0])

void ictus_detector_params_default(ictus_detector_params *p)
{
    *p = (ictus_detector_params){
        .spontaneous = true,
        .baseline_hours = 6,
        .lookahead_min = 30,
        .min_baseline_min = 10,
        .baseline_quantile = 0.5,
        .on_ratio = 2.5,
        .off_ratio = 1.6,
        .min_spike_rate = 1,
        .sustain_spike_rate = 0.5,
        .min_duration_s = 5,
        .merge_gap_s = 3,
        .edge_margin_s = 2,
        .edge_gap_s = 0.5,
        .max_artefact_fraction = 0.5,
        .postictal_window_s = 60,
        .postictal_ratio = 0.5,
        .involved_fraction = 0.2,
        .involved_min_windows = 2,
        .postictal_smooth_windows = 5,
        .primary_channels = "",
        .types = "seizure",
        .evoked = false,
        .stim_pattern = "stim",
        .stim_duration_s = 3,
        .blank_s = 1,
        .end_ratio = 2,
        .end_hold_s = 2,
        .evoked_min_s = 5,
        .evoked_max_s = 180,
        .confidence = {.peak_weight = 1.2, .duration_weight = 0.8, .channel_weight = 0.6,
                       .postictal_weight = 0.8, .artefact_weight = 4, .evoked_duration_weight = 0.8,
                       .evoked_offset = 0.5},
        .min_score = 0.5,
        .se_convulsive_min_s = 300,
        .se_focal_min_s = 600,
        .se_max_gap_s = 60,
        .se_return_ratio = 2.5,
    };
}

/* The rule a type starts from before its [type.NAME] section applies. */
static ictus_type_rule default_rule(const char *name, const ictus_detector_params *p)
{
    ictus_type_rule r = {.min_duration_s = p->min_duration_s, .min_channels = 1,
                         .max_emg_fraction = 1};
    snprintf(r.name, sizeof r.name, "%s", name);
    return r;
}

ictus_status ictus_detector_params_apply(ictus_detector_params *p, ictus_config *cfg,
                                         ictus_error *err)
{
    ictus_status st = ictus_params_apply(detector_fields, N_DETECTOR_FIELDS, p, cfg, err);
    if (st == ICTUS_OK)
        st = ictus_params_apply(detector_late_fields, N_DETECTOR_LATE_FIELDS, p, cfg, err);
    if (st == ICTUS_OK)
        st = ictus_params_apply(confidence_fields, N_CONFIDENCE_FIELDS, p, cfg, err);
    if (st == ICTUS_OK)
        st = ictus_params_apply(classifier_fields, N_CLASSIFIER_FIELDS, p, cfg, err);
    if (st == ICTUS_OK)
        st = ictus_params_apply(se_fields, N_SE_FIELDS, p, cfg, err);
    if (st != ICTUS_OK)
        return st;
    if (p->off_ratio > p->on_ratio)
        return ictus_fail(err, ICTUS_ERR_CONFIG, "settings: [detector] off_ratio = %g is above "
                          "on_ratio = %g", p->off_ratio, p->on_ratio);
    char list[sizeof p->types];
    snprintf(list, sizeof list, "%s", p->types);
    p->n_types = 0;
    for (char *save, *tok = strtok_r(list, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
        if (p->n_types == ICTUS_MAX_TYPES)
            return ictus_fail(err, ICTUS_ERR_CONFIG, "settings: [detector] types: at most %d",
                              ICTUS_MAX_TYPES);
        if (strlen(tok) >= ICTUS_TYPE_MAX)
            return ictus_fail(err, ICTUS_ERR_CONFIG, "settings: [detector] types: '%s' is too "
                              "long", tok);
        ictus_type_rule *r = &p->type[p->n_types++];
        *r = default_rule(tok, p);
        char section[ICTUS_TYPE_MAX + 8];
        snprintf(section, sizeof section, "type.%s", tok);
        ictus_param fields[N_TYPE_FIELDS];
        memcpy(fields, type_fields, sizeof fields);
        for (size_t i = 0; i < N_TYPE_FIELDS; i++)
            fields[i].section = section;
        st = ictus_params_apply(fields, N_TYPE_FIELDS, r, cfg, err);
        if (st != ICTUS_OK)
            return st;
    }
    if (p->n_types == 0 && p->spontaneous)
        return ictus_fail(err, ICTUS_ERR_CONFIG, "settings: [detector] types is empty");
    return ICTUS_OK;
}

/* Describe the entries of `table` whose value in p differs from the default
 * (numbers only): a key that did not exist when a preset was fingerprinted
 * leaves its text unchanged until it is set. */
static void describe_changed(const ictus_param *table, size_t n, const ictus_detector_params *p,
                             char *buf, size_t size, size_t *len)
{
    ictus_detector_params def;
    ictus_detector_params_default(&def);
    for (size_t i = 0; i < n; i++) {
        size_t width = table[i].type == ICTUS_PARAM_DOUBLE ? sizeof(double) : sizeof(int);
        assert(table[i].type == ICTUS_PARAM_DOUBLE || table[i].type == ICTUS_PARAM_INT);
        if (memcmp((const char *)p + table[i].offset, (const char *)&def + table[i].offset,
                   width) != 0)
            ictus_params_describe(&table[i], 1, p, buf, size, len);
    }
}

void ictus_detector_params_describe(const ictus_detector_params *p, char *buf, size_t size,
                                    size_t *len)
{
    ictus_params_describe(detector_fields, N_DETECTOR_FIELDS, p, buf, size, len);
    describe_changed(detector_late_fields, N_DETECTOR_LATE_FIELDS, p, buf, size, len);
    describe_changed(confidence_fields, N_CONFIDENCE_FIELDS, p, buf, size, len);
    describe_changed(se_fields, N_SE_FIELDS, p, buf, size, len);
    if (p->model[0])
        ictus_params_describe(classifier_fields, N_CLASSIFIER_FIELDS, p, buf, size, len);
    for (int t = 0; t < p->n_types; t++) {
        char section[ICTUS_TYPE_MAX + 8];
        snprintf(section, sizeof section, "type.%s", p->type[t].name);
        ictus_param fields[N_TYPE_FIELDS];
        memcpy(fields, type_fields, sizeof fields);
        for (size_t i = 0; i < N_TYPE_FIELDS; i++)
            fields[i].section = section;
        ictus_params_describe(fields, N_TYPE_FIELDS, &p->type[t], buf, size, len);
    }
}

void ictus_detector_sections(const ictus_detector_params *p, const char **sections, int max)
{
    static _Thread_local char names[ICTUS_MAX_TYPES][ICTUS_TYPE_MAX + 8];
    int n = 0;
    if (n < max - 1)
        sections[n++] = "detector";
    if (n < max - 1)
        sections[n++] = "evoked";
    if (n < max - 1)
        sections[n++] = "confidence";
    if (n < max - 1)
        sections[n++] = "classifier";
    if (n < max - 1)
        sections[n++] = "status_epilepticus";
    for (int t = 0; t < p->n_types && n < max - 1; t++) {
        snprintf(names[t], sizeof names[t], "type.%s", p->type[t].name);
        sections[n++] = names[t];
    }
    sections[n] = NULL;
}
