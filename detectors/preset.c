/* preset.c: presets from INI settings, with provenance text and hash. */
#include "detectors/preset.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/params.h"

static const ictus_param preset_fields[] = {
    ICTUS_PARAM_S("preset", "name", ictus_preset, name),
    ICTUS_PARAM_I("preset", "version", ictus_preset, version, 1, 1000000),
    ICTUS_PARAM_S("preset", "model", ictus_preset, model),
    ICTUS_PARAM_S("preset", "description", ictus_preset, description),
};
#define N_PRESET_FIELDS (sizeof preset_fields / sizeof preset_fields[0])

static uint64_t fnv1a64(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ull;
    }
    return h;
}

ictus_status ictus_preset_from_config(ictus_config *cfg, ictus_preset *out, ictus_error *err)
{
    memset(out, 0, sizeof *out);
    snprintf(out->name, sizeof out->name, "custom");
    out->version = 1;
    ictus_settings_default(&out->settings);
    ictus_detector_params_default(&out->detector);
    ictus_score_params_default(&out->score);
    ictus_status st;
    if ((st = ictus_params_apply(preset_fields, N_PRESET_FIELDS, out, cfg, err)) != ICTUS_OK ||
        (st = ictus_settings_apply(&out->settings, cfg, err)) != ICTUS_OK ||
        (st = ictus_detector_params_apply(&out->detector, cfg, err)) != ICTUS_OK ||
        (st = ictus_score_params_apply(&out->score, cfg, err)) != ICTUS_OK)
        return st;
    const char *sections[32];
    int n = 0;
    sections[n++] = "preset";
    for (const char *const *s = ictus_settings_sections; *s; s++)
        sections[n++] = *s;
    for (const char *const *s = ictus_score_sections; *s; s++)
        sections[n++] = *s;
    ictus_detector_sections(&out->detector, sections + n, 32 - n);
    /* type.* sections not listed in `types` are typos too */
    st = ictus_config_check_used(cfg, sections, err);
    if (st != ICTUS_OK)
        return st;
    for (int i = 0; i < ictus_config_count(cfg); i++) {
        const char *sec, *key, *val;
        ictus_config_entry(cfg, i, &sec, &key, &val);
        if (strncmp(sec, "type.", 5) == 0) {
            bool listed = false;
            for (int t = 0; t < out->detector.n_types; t++)
                listed |= strcmp(sec + 5, out->detector.type[t].name) == 0;
            if (!listed)
                return ictus_fail(err, ICTUS_ERR_CONFIG, "settings: [%s] is not in [detector] "
                                  "types = %s", sec, out->detector.types);
        }
    }
    snprintf(out->id, sizeof out->id, "%s@%d", out->name, out->version);

    size_t len = 0;
    ictus_params_describe(preset_fields, N_PRESET_FIELDS, out, NULL, 0, &len);
    len += ictus_settings_describe(&out->settings, NULL, 0);
    ictus_detector_params_describe(&out->detector, NULL, 0, &len);
    len += ictus_score_params_describe(&out->score, NULL, 0);
    size_t size = len + 1, used = 0;
    out->parameters = ictus_xmalloc(size);
    out->parameters[0] = '\0';
    ictus_params_describe(preset_fields, N_PRESET_FIELDS, out, out->parameters, size, &used);
    used += ictus_settings_describe(&out->settings, out->parameters + used, size - used);
    ictus_detector_params_describe(&out->detector, out->parameters, size, &used);
    used += ictus_score_params_describe(&out->score, out->parameters + used, size - used);
    snprintf(out->hash, sizeof out->hash, "%016" PRIx64, fnv1a64(out->parameters));
    return ICTUS_OK;
}

void ictus_preset_free(ictus_preset *p)
{
    free(p->parameters);
    p->parameters = NULL;
}
