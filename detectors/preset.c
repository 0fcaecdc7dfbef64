/* preset.c: presets from INI settings, with provenance text and hash. */
#include "detectors/preset.h"

#include <inttypes.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/filehash.h"
#include "base/params.h"
#include "base/path.h"
#include "base/readfile.h"
#include "detectors/learned/cand_features.h"
#include "detectors/learned/model.h"
#include "detectors/preset_find.h"
#include "pipeline/analyzer.h"

static const ictus_param preset_fields[] = {
    ICTUS_PARAM_S("preset", "name", ictus_preset, name),
    ICTUS_PARAM_I("preset", "version", ictus_preset, version, 1, 1000000),
    ICTUS_PARAM_S("preset", "model", ictus_preset, model),
    ICTUS_PARAM_S("preset", "description", ictus_preset, description),
};
#define N_PRESET_FIELDS (sizeof preset_fields / sizeof preset_fields[0])

/* The model of a preset, loaded the first time detection needs it: every
 * verb reads the preset (its types, its parameter hash), few of them detect,
 * and parsing a model costs more than everything else a preset does.  Or
 * loaded on a thread of its own from ictus_preset_model_prefetch() on: the
 * thread writes st, err and model, and whoever asks first joins it (under
 * the lock) before reading them. */
struct ictus_preset_model {
    pthread_mutex_t lock;
    char path[ICTUS_PATH_MAX];
    const ictus_preset *preset; /* for the loading thread */
    bool tried;
    bool loading;               /* a thread loads it; not yet joined */
    pthread_t thread;
    ictus_status st;
    ictus_error err;
    ictus_model *model;
};

/* Find p's model file and fingerprint its bytes (no parse): the hash joins
 * the parameter text as ictus_model_hash() would give it. */
static ictus_status find_model(ictus_preset *p, const ictus_config *cfg, char hash[17],
                               ictus_error *err)
{
    char path[ICTUS_PATH_MAX];
    ictus_status st = ICTUS_ERR_CONFIG;
    /* a bare name is looked for first beside the file that named it */
    const char *origin = ictus_config_origin(cfg, "classifier", "model");
    const char *slash = origin ? strrchr(origin, '/') : NULL;
    if (!strchr(p->detector.model, '/') && origin) {
        ictus_error ignored;
        if (ictus_path_format(path, sizeof path, &ignored, "%.*s%s",
                              slash ? (int)(slash - origin + 1) : 0, origin,
                              p->detector.model) == ICTUS_OK &&
            access(path, R_OK) == 0)
            st = ICTUS_OK;
    }
    if (st != ICTUS_OK)
        st = ictus_preset_find_file(p->detector.model, path, sizeof path, err);
    char *bytes = NULL;
    size_t n = 0;
    if (st == ICTUS_OK)
        st = ictus_read_file(path, &bytes, &n, err);
    if (st != ICTUS_OK) {
        char why[sizeof err->msg];
        snprintf(why, sizeof why, "%s", err->msg);
        return ictus_fail(err, st, "[classifier] model = %s: %s", p->detector.model, why);
    }
    snprintf(hash, 17, "%016" PRIx64, ictus_fnv1a64(bytes, n));
    free(bytes);
    p->lazy_model = ictus_xcalloc(1, sizeof *p->lazy_model);
    pthread_mutex_init(&p->lazy_model->lock, NULL);
    snprintf(p->lazy_model->path, sizeof p->lazy_model->path, "%s", path);
    return ICTUS_OK;
}

/* Load the model at path and check that it fits p: the program's feature
 * vector in order, class 0 "none", every other class one of p's types. */
static ictus_status load_model(const ictus_preset *p, const char *path, ictus_model **out,
                               ictus_error *err)
{
    ictus_status st = ictus_model_load(path, out, err);
    if (st != ICTUS_OK) {
        char why[sizeof err->msg];
        snprintf(why, sizeof why, "%s", err->msg);
        return ictus_fail(err, st, "[classifier] model = %s: %s", p->detector.model, why);
    }
    const ictus_model *m = *out;
    if (ictus_model_n_features(m) != ICTUS_CF_N)
        return ictus_fail(err, ICTUS_ERR_CONFIG, "%s: the model has %d features, this program "
                          "computes %d: train it again (ictus train)", path,
                          ictus_model_n_features(m), ICTUS_CF_N);
    for (int j = 0; j < ICTUS_CF_N; j++)
        if (strcmp(ictus_model_feature_name(m, j), ictus_cand_feature_names[j]) != 0)
            return ictus_fail(err, ICTUS_ERR_CONFIG, "%s: feature %d is '%s', this program's is "
                              "'%s': train it again (ictus train)", path, j + 1,
                              ictus_model_feature_name(m, j), ictus_cand_feature_names[j]);
    if (strcmp(ictus_model_class_name(m, 0), "none") != 0)
        return ictus_fail(err, ICTUS_ERR_CONFIG, "%s: class 0 is '%s', not 'none'", path,
                          ictus_model_class_name(m, 0));
    for (int c = 1; c < ictus_model_n_classes(m); c++) {
        bool known = false;
        for (int t = 0; t < p->detector.n_types; t++)
            known |= strcmp(p->detector.type[t].name, ictus_model_class_name(m, c)) == 0;
        if (!known)
            return ictus_fail(err, ICTUS_ERR_CONFIG, "%s: class '%s' is not in [detector] types "
                              "= %s", path, ictus_model_class_name(m, c), p->detector.types);
    }
    return ICTUS_OK;
}

/* Load lm's model into lm (st, err, model: NULL unless st is ICTUS_OK). */
static void load_into(const ictus_preset *p, struct ictus_preset_model *lm)
{
    lm->st = load_model(p, lm->path, &lm->model, &lm->err);
    if (lm->st != ICTUS_OK) {
        ictus_model_free(lm->model);
        lm->model = NULL;
    }
}

static void *load_thread(void *arg)
{
    struct ictus_preset_model *lm = arg;
    load_into(lm->preset, lm);
    return NULL;
}

/* Wait for the loading thread, if one runs (lm->lock held).  Then give back
 * the free memory of every malloc arena: the thread's arena holds what the
 * parse trees (jansson's and XGBoost's) freed, which the other threads do
 * not reuse (detect's peak RSS on the animal-day: 32.4 MiB without the
 * trim, 25.3 with it; 32.6 before, loading on the calling thread). */
static void join_loading(struct ictus_preset_model *lm)
{
    if (lm->loading) {
        pthread_join(lm->thread, NULL);
        lm->loading = false;
        malloc_trim(0);
    }
}

void ictus_preset_model_prefetch(const ictus_preset *p)
{
    struct ictus_preset_model *lm = p->lazy_model;
    if (!lm)
        return;
    pthread_mutex_lock(&lm->lock);
    if (!lm->tried) {
        lm->preset = p;
        lm->loading = pthread_create(&lm->thread, NULL, load_thread, lm) == 0;
        lm->tried = lm->loading; /* else the next ictus_preset_model() loads it */
    }
    pthread_mutex_unlock(&lm->lock);
}

ictus_status ictus_preset_model(const ictus_preset *p, const struct ictus_model **out,
                                ictus_error *err)
{
    *out = NULL;
    struct ictus_preset_model *lm = p->lazy_model;
    if (!lm)
        return ICTUS_OK;
    pthread_mutex_lock(&lm->lock);
    if (!lm->tried) {
        lm->tried = true;
        load_into(p, lm);
    }
    join_loading(lm);
    pthread_mutex_unlock(&lm->lock);
    if (lm->st != ICTUS_OK) {
        *err = lm->err;
        return lm->st;
    }
    *out = lm->model;
    return ICTUS_OK;
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
    /* the animal models it is for (preset_find.h): read there, not a parameter */
    ictus_config_get(cfg, "preset", "models");
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
    char model_hash[17], model_line[64] = "";
    if (out->detector.model[0] && (st = find_model(out, cfg, model_hash, err)) != ICTUS_OK) {
        ictus_preset_free(out);
        return st;
    }
    if (out->lazy_model)
        snprintf(model_line, sizeof model_line, "classifier.model_hash=%s\n", model_hash);

    size_t len = 0;
    ictus_params_describe(preset_fields, N_PRESET_FIELDS, out, NULL, 0, &len);
    len += ictus_settings_describe(&out->settings, NULL, 0);
    ictus_detector_params_describe(&out->detector, NULL, 0, &len);
    len += ictus_score_params_describe(&out->score, NULL, 0);
    len += strlen(model_line);
    size_t size = len + 1, used = 0;
    out->parameters = ictus_xmalloc(size);
    out->parameters[0] = '\0';
    ictus_params_describe(preset_fields, N_PRESET_FIELDS, out, out->parameters, size, &used);
    used += ictus_settings_describe(&out->settings, out->parameters + used, size - used);
    ictus_detector_params_describe(&out->detector, out->parameters, size, &used);
    used += ictus_score_params_describe(&out->score, out->parameters + used, size - used);
    snprintf(out->parameters + used, size - used, "%s", model_line);
    snprintf(out->hash, sizeof out->hash, "%016" PRIx64, ictus_fnv1a64(out->parameters, strlen(out->parameters)));
    return ICTUS_OK;
}

void ictus_preset_mark_changed(ictus_preset *p, const ictus_preset *shipped)
{
    size_t len = strlen(p->id);
    if (strcmp(p->hash, shipped->hash) != 0 && !strchr(p->id, '+'))
        snprintf(p->id + len, sizeof p->id - len, "+%.6s", p->hash);
}

/* Call fn for each section a preset's settings live in, type.NAME last;
 * true as soon as fn returns true. */
static bool each_section(bool (*fn)(void *ctx, const char *section), void *ctx)
{
    const char *detector[16];
    static const ictus_detector_params none; /* no types: their sections are type.NAME */
    ictus_detector_sections(&none, detector, 16);
    const char *const *lists[] = {ictus_settings_sections, detector, ictus_score_sections};
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
        for (const char *const *s = lists[i]; *s; s++)
            if (fn(ctx, *s))
                return true;
    return fn(ctx, "type.NAME");
}

static bool same_section(void *ctx, const char *section)
{
    return strcmp(ctx, section) == 0;
}

bool ictus_preset_section(const char *section)
{
    if (strncmp(section, "type.", 5) == 0 && section[5])
        return true;
    return each_section(same_section, (void *)section);
}

static bool add_section(void *ctx, const char *section)
{
    char *out = ctx;
    size_t len = strlen(out);
    snprintf(out + len, ICTUS_PRESET_SECTIONS_TEXT - len, "%s[%s]", len ? " " : "", section);
    return false;
}

void ictus_preset_sections_text(char out[ICTUS_PRESET_SECTIONS_TEXT])
{
    out[0] = '\0';
    each_section(add_section, out);
}

void ictus_preset_primary_warning(const ictus_preset *p, const ictus_recording_info *info,
                                  char *msg, size_t size)
{
    msg[0] = '\0';
    const ictus_detector_params *d = &p->detector;
    int first = -1;
    for (int c = 0; c < info->n_channels; c++) {
        if (!ictus_channel_analysable(&info->channels[c], &p->settings))
            continue;
        if (ictus_detector_primary_label(d, info->channels[c].label))
            return;
        if (first < 0)
            first = c;
    }
    if (!d->primary_channels[0] || first < 0)
        return;
    size_t len = (size_t)snprintf(msg, size, "no channel label (");
    for (int c = 0, n = 0; c < info->n_channels && len < size; c++)
        if (ictus_channel_analysable(&info->channels[c], &p->settings))
            len += (size_t)snprintf(msg + len, size - len, "%s%s", n++ ? ", " : "",
                                    info->channels[c].label);
    int first_len = (int)strcspn(d->primary_channels, ", ");
    if (len < size)
        snprintf(msg + len, size - len, ") matches preset %s's primary_channels (%s): seizures "
                 "are looked for on %s (channel %d) as the primary channel; to choose, name the "
                 "channels in recordings.csv's channels column, e.g. \"%.*s=%d\"", p->name,
                 d->primary_channels, info->channels[first].label, first + 1, first_len,
                 d->primary_channels, first + 1);
}

void ictus_preset_free(ictus_preset *p)
{
    free(p->parameters);
    p->parameters = NULL;
    if (p->lazy_model) {
        join_loading(p->lazy_model); /* prefetched and never asked for */
        ictus_model_free(p->lazy_model->model);
        pthread_mutex_destroy(&p->lazy_model->lock);
        free(p->lazy_model);
        p->lazy_model = NULL;
    }
}
