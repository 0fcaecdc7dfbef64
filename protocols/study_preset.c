/* study_preset.c: composing a study's detection presets, one per animal (study_preset.h). */
#include "protocols/study_preset.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/filehash.h"
#include "base/path.h"
#include "detectors/preset_find.h"

/* ------------------------------------------------------------------------
 * Which preset an animal gets
 * ---------------------------------------------------------------------- */

/* Fail with "PLACE: NAME: no such preset; did you mean ...". */
static ictus_status no_such_preset(ictus_error *err, const char *place, const char *name)
{
    char known[1024] = "";
    ictus_preset_suggest(name, known, sizeof known);
    return ictus_fail(err, ICTUS_ERR_CONFIG, "%s: no such preset \"%s\"%s", place,
                      ICTUS_QUOTE(name), known);
}

static bool preset_exists(const char *name)
{
    char path[ICTUS_PATH_MAX];
    ictus_error ignored;
    return ictus_preset_find(name, path, sizeof path, &ignored) == ICTUS_OK;
}

/* Every [presets] key is a preset (study.ini's typos get the closest name). */
static ictus_status check_presets_section(const ictus_study *study, ictus_error *err)
{
    for (int i = 0; i < ictus_config_count(study->config); i++) {
        const char *sec, *key, *value;
        ictus_config_entry(study->config, i, &sec, &key, &value);
        if (strcmp(sec, "presets") == 0 && !preset_exists(key)) {
            char place[ICTUS_PATH_MAX + 32];
            snprintf(place, sizeof place, "%s/study.ini: [presets]", study->dir);
            return no_such_preset(err, place, key);
        }
    }
    return ICTUS_OK;
}

/* The preset study.ini [presets] gives `model`, into name[size] ("" when
 * none); two keys listing it is an error. */
static ictus_status listed_preset(const ictus_study *study, const ictus_animal *a, char *name,
                                  size_t size, ictus_error *err)
{
    name[0] = '\0';
    for (int i = 0; i < ictus_config_count(study->config); i++) {
        const char *sec, *key, *value;
        ictus_config_entry(study->config, i, &sec, &key, &value);
        if (strcmp(sec, "presets") != 0 || !ictus_preset_model_listed(a->model, value))
            continue;
        if (name[0] && strcmp(name, key) != 0)
            return ictus_fail(err, ICTUS_ERR_CONFIG, "%s/study.ini: [presets] lists model \"%s\" "
                              "(animal \"%s\", animals.csv line %d) under both %s and %s",
                              study->dir, ICTUS_QUOTE(a->model), ICTUS_QUOTE(a->id), a->line,
                              name, key);
        snprintf(name, size, "%s", key);
    }
    return ICTUS_OK;
}

/* The preset name of animal `a` (NULL: the default) into name[size], and
 * where it was named, for messages, into place[place_size]. */
static ictus_status preset_name(const ictus_study *study, const ictus_animal *a, char *name,
                                size_t size, char *place, size_t place_size, ictus_error *err)
{
    if (a)
        snprintf(place, place_size, "%s/animals.csv line %d: animal \"%s\"", study->dir,
                 a->line, ICTUS_QUOTE(a->id));
    if (a && a->preset[0]) {
        snprintf(name, size, "%s", a->preset);
        return ICTUS_OK;
    }
    if (!a || !a->model[0]) {
        snprintf(place, place_size, "%s/study.ini", study->dir);
        snprintf(name, size, "%s", study->preset);
        return ICTUS_OK;
    }
    ictus_status st = listed_preset(study, a, name, size, err);
    if (st == ICTUS_OK && !name[0])
        st = ictus_preset_for_model(a->model, name, size, err);
    if (st != ICTUS_OK) {
        char why[sizeof err->msg];
        snprintf(why, sizeof why, "%s", err->msg);
        return ictus_fail(err, st, "%s: %s", place, why);
    }
    if (name[0])
        return ICTUS_OK;
    char known[1024] = "";
    ictus_preset_suggest(a->model, known, sizeof known);
    return ictus_fail(err, ICTUS_ERR_CONFIG, "%s: model \"%s\" matches no preset: name its preset "
                      "in study.ini [presets] (a line \"PRESET = %s\") or in a `preset` column "
                      "of animals.csv%s", place, ICTUS_QUOTE(a->model), ICTUS_QUOTE(a->model),
                      known);
}

/* ------------------------------------------------------------------------
 * Composing one preset
 * ---------------------------------------------------------------------- */

/* Where `section` ([dravet-mouse.detector]) splits into a preset name and a
 * preset section: the length of the name, or 0 when it is no such section. */
static size_t scope_length(const char *section)
{
    if (ictus_preset_section(section))
        return 0; /* [type.hpd] is the type's, for every preset */
    for (const char *dot = strchr(section, '.'); dot; dot = strchr(dot + 1, '.'))
        if (ictus_preset_section(dot + 1))
            return (size_t)(dot - section);
    return 0;
}

/* Every [NAME.SECTION] of study.ini names a preset; *overrides: study.ini
 * sets something in a preset section, for all presets or for `scope`. */
static ictus_status check_scopes(const ictus_config *ini, const char *ini_path,
                                 const char *scope, bool *overrides, ictus_error *err)
{
    *overrides = false;
    for (int i = 0; i < ictus_config_count(ini); i++) {
        const char *sec, *key, *value;
        ictus_config_entry(ini, i, &sec, &key, &value);
        size_t len = scope_length(sec);
        if (len == 0) {
            *overrides |= ictus_preset_section(sec);
            const char *dot = strchr(sec, '.');
            char first[128];
            snprintf(first, sizeof first, "%.*s", dot ? (int)(dot - sec) : 0, sec);
            if (dot && !ictus_preset_section(sec) && preset_exists(first)) {
                char known[ICTUS_PRESET_SECTIONS_TEXT];
                ictus_preset_sections_text(known);
                return ictus_fail(err, ICTUS_ERR_CONFIG, "%s: [%s]: preset %s has no section "
                                  "[%s] (a preset's sections: %s)", ini_path, sec, first, dot + 1,
                                  known);
            }
            continue;
        }
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)len, sec);
        *overrides |= strcmp(name, scope) == 0;
        if (!preset_exists(name)) {
            char place[ICTUS_PATH_MAX + 160];
            snprintf(place, sizeof place, "%s: [%s]", ini_path, sec);
            return no_such_preset(err, place, name);
        }
    }
    return ICTUS_OK;
}

/* The preset `name` (found at preset_path) from its file, the given
 * study.ini entries (NULL: none) and the study's mains frequency. */
static ictus_status build(const ictus_study *study, const char *preset_path,
                          const char *ini_path, const ictus_config *ini, const char *scope,
                          ictus_preset *preset, ictus_error *err)
{
    char mains[64];
    snprintf(mains, sizeof mains, "signal.mains_hz=%.17g", study->mains_hz);
    ictus_config *cfg = ictus_config_create();
    ictus_status st = ictus_config_load(cfg, preset_path, err);
    if (st == ICTUS_OK && ini) {
        st = ictus_config_load(cfg, ini_path, err);
        ictus_config_copy_scope(cfg, ini, scope);
    }
    if (st == ICTUS_OK)
        st = ictus_config_set(cfg, mains, err);
    if (st == ICTUS_OK)
        st = ictus_preset_from_config(cfg, preset, err);
    ictus_config_destroy(cfg);
    return st;
}

/* The name [NAME.SECTION] scopes use for preset `name`: the name, or for a
 * path the file's name without ".ini". */
static void scope_of(const char *name, char *scope, size_t size)
{
    const char *slash = strrchr(name, '/');
    const char *base = slash ? slash + 1 : name;
    size_t len = strlen(base);
    if (len > 4 && strcmp(base + len - 4, ".ini") == 0)
        len -= 4;
    snprintf(scope, size, "%.*s", (int)len, base);
}

/* Steps 1 to 4 of the composition (study_preset.h) of preset `name`, named
 * at `place`, into *preset; the id marked when study.ini changed it. */
static ictus_status compose_settings(const ictus_study *study, const char *name,
                                     const char *place, ictus_preset *preset, ictus_error *err)
{
    char preset_path[ICTUS_PATH_MAX], ini_path[ICTUS_PATH_MAX];
    char scope[NAME_MAX + 1]; /* a file name's stem: never cut */
    ictus_error why;
    if (ictus_preset_find(name, preset_path, sizeof preset_path, &why) != ICTUS_OK)
        return ictus_fail(err, why.status, "%s: preset \"%s\": %s", place, ICTUS_QUOTE(name),
                          why.msg);
    ictus_status st = ictus_path_join(ini_path, sizeof ini_path, study->dir, "study.ini", err);
    if (st != ICTUS_OK)
        return st;
    scope_of(name, scope, sizeof scope);
    ictus_config *ini = ictus_config_create();
    bool overrides = false;
    st = ictus_config_load(ini, ini_path, err);
    if (st == ICTUS_OK)
        st = check_scopes(ini, ini_path, scope, &overrides, err);
    if (st == ICTUS_OK)
        st = build(study, preset_path, ini_path, ini, scope, preset, err);
    ictus_config_destroy(ini);
    if (st != ICTUS_OK || !overrides)
        return st;
    ictus_preset shipped;
    st = build(study, preset_path, NULL, NULL, NULL, &shipped, err);
    if (st == ICTUS_OK)
        ictus_preset_mark_changed(preset, &shipped);
    ictus_preset_free(&shipped);
    if (st != ICTUS_OK)
        ictus_preset_free(preset);
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

/* The whole composition of preset `name`, named at `place`, into *out. */
static ictus_status compose(const ictus_study *study, const char *name, const char *place,
                            ictus_study_preset *out, ictus_error *err)
{
    memset(out, 0, sizeof *out);
    ictus_status st = compose_settings(study, name, place, &out->preset, err);
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

/* ------------------------------------------------------------------------
 * The public loads
 * ---------------------------------------------------------------------- */

ictus_status ictus_study_preset_load_animal(const ictus_study *study, const char *animal,
                                            ictus_study_preset *out, ictus_error *err)
{
    memset(out, 0, sizeof *out);
    char name[ICTUS_PATH_MAX], place[ICTUS_PATH_MAX + 256];
    ictus_status st = preset_name(study, animal ? ictus_study_animal(study, animal) : NULL, name,
                                  sizeof name, place, sizeof place, err);
    return st == ICTUS_OK ? compose(study, name, place, out, err) : st;
}

ictus_status ictus_study_preset_load(const ictus_study *study, ictus_study_preset *out,
                                     ictus_error *err)
{
    return ictus_study_preset_load_animal(study, NULL, out, err);
}

void ictus_study_preset_free(ictus_study_preset *sp)
{
    ictus_stimlist_destroy(sp->stims);
    ictus_preset_free(&sp->preset);
    memset(sp, 0, sizeof *sp);
}

/* Name i of the set: 0 the default (NULL), i > 0 animal i - 1. */
static const ictus_animal *animal_of(const ictus_study *study, int i)
{
    return i ? &study->animals[i - 1] : NULL;
}

/* Animal i - 1 of the set cannot have its preset: keep why (err's message)
 * and go on with the others. */
static void animal_fails(ictus_study_presets *out, int i, const ictus_error *err)
{
    out->of_animal[i - 1] = -1;
    out->animal_error[i - 1] = ictus_xstrdup(err->msg);
    out->n_animal_errors++;
}

ictus_status ictus_study_presets_load(const ictus_study *study, ictus_study_presets *out,
                                      ictus_error *err)
{
    memset(out, 0, sizeof *out);
    ictus_status st = check_presets_section(study, err);
    if (st != ICTUS_OK)
        return st;
    int n_names = study->n_animals + 1; /* the default, then each animal */
    out->presets = ictus_xcalloc((size_t)n_names, sizeof *out->presets);
    out->of_animal = ictus_xcalloc((size_t)n_names, sizeof *out->of_animal);
    out->animal_error = ictus_xcalloc((size_t)n_names, sizeof *out->animal_error);
    out->n_animals = study->n_animals;
    /* presets[k]'s name; failed[f] a name that could not be composed, and why */
    char **name_of = ictus_xcalloc((size_t)n_names, sizeof *name_of);
    char **failed = ictus_xcalloc((size_t)n_names, sizeof *failed);
    ictus_error *failed_err = ictus_xcalloc((size_t)n_names, sizeof *failed_err);
    int n_failed = 0;
    char name[ICTUS_PATH_MAX], place[ICTUS_PATH_MAX + 256];
    for (int i = 0; i < n_names && st == ICTUS_OK; i++) {
        st = preset_name(study, animal_of(study, i), name, sizeof name, place, sizeof place, err);
        if (st != ICTUS_OK) { /* i > 0: preset_name() of the default cannot fail */
            animal_fails(out, i, err);
            st = ICTUS_OK;
            continue;
        }
        int k = 0, f = 0;
        while (k < out->n && strcmp(name_of[k], name) != 0)
            k++;
        while (f < n_failed && strcmp(failed[f], name) != 0)
            f++;
        if (f < n_failed) { /* the same wrong preset as an earlier animal's */
            animal_fails(out, i, &failed_err[f]);
            continue;
        }
        if (k == out->n) {
            st = compose(study, name, place, &out->presets[k], err);
            if (st != ICTUS_OK && i > 0) {
                failed[n_failed] = ictus_xstrdup(name);
                failed_err[n_failed++] = *err;
                animal_fails(out, i, err);
                st = ICTUS_OK;
                continue;
            }
            name_of[k] = ictus_xstrdup(name);
            out->n += st == ICTUS_OK;
        }
        if (i > 0)
            out->of_animal[i - 1] = k;
    }
    for (int i = 0; i < n_names; i++) {
        free(name_of[i]);
        free(failed[i]);
    }
    free(name_of);
    free(failed);
    free(failed_err);
    if (st != ICTUS_OK)
        ictus_study_presets_free(out);
    return st;
}

const ictus_study_preset *ictus_study_presets_for(const ictus_study_presets *ps,
                                                  const ictus_study *study, const char *animal)
{
    const ictus_animal *a = animal ? ictus_study_animal(study, animal) : NULL;
    int k = a ? ps->of_animal[a - study->animals] : 0;
    return k >= 0 ? &ps->presets[k] : NULL;
}

const char *ictus_study_presets_error(const ictus_study_presets *ps, const ictus_study *study,
                                      const char *animal)
{
    const ictus_animal *a = animal ? ictus_study_animal(study, animal) : NULL;
    return a ? ps->animal_error[a - study->animals] : NULL;
}

void ictus_study_presets_free(ictus_study_presets *ps)
{
    for (int i = 0; i < ps->n; i++)
        ictus_study_preset_free(&ps->presets[i]);
    for (int i = 0; ps->animal_error && i < ps->n_animals; i++)
        free(ps->animal_error[i]);
    free(ps->animal_error);
    free(ps->presets);
    free(ps->of_animal);
    memset(ps, 0, sizeof *ps);
}

/* Whether preset k is some animal's (the default also when there are none). */
static bool in_use(const ictus_study_presets *ps, const ictus_study *study, int k)
{
    if (study->n_animals == ps->n_animal_errors) /* no animal, or none with its preset */
        return k == 0;
    for (int i = 0; i < study->n_animals; i++)
        if (ps->of_animal[i] == k)
            return true;
    return false;
}

void ictus_study_presets_describe(const ictus_study_presets *ps, const ictus_study *study,
                                  ictus_strbuf *ids, ictus_strbuf *parameters)
{
    int n_used = 0;
    for (int k = 0; k < ps->n; k++)
        n_used += in_use(ps, study, k);
    for (int k = 0; k < ps->n; k++) {
        if (!in_use(ps, study, k))
            continue;
        const ictus_preset *p = &ps->presets[k].preset;
        ictus_strbuf_join(ids, ", ", p->id);
        if (n_used == 1) {
            ictus_strbuf_add(parameters, p->parameters);
            continue;
        }
        for (const char *line = p->parameters; *line;) {
            size_t len = strcspn(line, "\n");
            ictus_strbuf_addf(parameters, "%s:%.*s\n", p->name, (int)len, line);
            line += len + (line[len] == '\n');
        }
    }
}
