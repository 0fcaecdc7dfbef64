/* study_preset.c: composing a study's detection preset (study_preset.h). */
#include "protocols/study_preset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/filehash.h"
#include "base/path.h"
#include "detectors/preset_find.h"

/* Steps 1 to 3 of the composition (study_preset.h) into *preset. */
static ictus_status compose_settings(const ictus_study *study, ictus_preset *preset,
                                     ictus_error *err)
{
    char preset_path[ICTUS_PATH_MAX], ini_path[ICTUS_PATH_MAX], mains[64];
    ictus_error why;
    if (ictus_preset_find(study->preset, preset_path, sizeof preset_path, &why) != ICTUS_OK)
        return ictus_fail(err, why.status, "%s/study.ini: preset \"%s\": %s", study->dir,
                          study->preset, why.msg);
    ictus_status st = ictus_path_join(ini_path, sizeof ini_path, study->dir, "study.ini", err);
    if (st != ICTUS_OK)
        return st;
    snprintf(mains, sizeof mains, "signal.mains_hz=%.17g", study->mains_hz);
    ictus_config *cfg = ictus_config_create();
    st = ictus_config_load(cfg, preset_path, err);
    if (st == ICTUS_OK)
        st = ictus_config_load(cfg, ini_path, err);
    if (st == ICTUS_OK)
        st = ictus_config_set(cfg, mains, err);
    if (st == ICTUS_OK)
        st = ictus_preset_from_config(cfg, preset, err);
    ictus_config_destroy(cfg);
    return st;
}

/* Append "key=value\n" to the preset's parameter text. */
static void add_parameter(ictus_preset *preset, const char *key, const char *value)
{
    size_t len = strlen(preset->parameters), more = strlen(key) + strlen(value) + 3;
    preset->parameters = ictus_xrealloc(preset->parameters, len + more);
    snprintf(preset->parameters + len, more, "%s=%s\n", key, value);
}

/* The stimulation list of an evoked study, and its hash in the parameters. */
static ictus_status load_stimulations(const ictus_study *study, ictus_study_preset *sp,
                                      ictus_error *err)
{
    char path[ICTUS_PATH_MAX];
    ictus_status st = ictus_path_join(path, sizeof path, study->dir, "stimulations.csv", err);
    if (st != ICTUS_OK || !sp->preset.detector.evoked || access(path, F_OK) != 0)
        return st;
    ictus_hash128 hash;
    ictus_file_identity identity;
    st = ictus_file_hash(path, 0, &hash, &identity, err);
    if (st == ICTUS_OK)
        st = ictus_stimlist_load(path, &sp->stims, err);
    if (st != ICTUS_OK)
        return st;
    char hex[ICTUS_HASH_HEX_SIZE];
    add_parameter(&sp->preset, "evoked.stimulation_list", ictus_hash128_format(hash, hex));
    return ICTUS_OK;
}

ictus_status ictus_study_preset_load(const ictus_study *study, ictus_study_preset *out,
                                     ictus_error *err)
{
    memset(out, 0, sizeof *out);
    ictus_status st = compose_settings(study, &out->preset, err);
    if (st == ICTUS_OK)
        st = load_stimulations(study, out, err);
    if (st != ICTUS_OK) {
        ictus_study_preset_free(out);
        return st;
    }
    if (study->full_scale_uv > 0) {
        char value[32];
        snprintf(value, sizeof value, "%.17g", study->full_scale_uv);
        add_parameter(&out->preset, "study.full_scale_uv", value);
    }
    return ICTUS_OK;
}

void ictus_study_preset_free(ictus_study_preset *sp)
{
    ictus_stimlist_destroy(sp->stims);
    ictus_preset_free(&sp->preset);
    memset(sp, 0, sizeof *sp);
}
