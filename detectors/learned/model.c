/* model.c: the learned stage's classifier (model.h): XGBoost for the trees
 * (loaded on first use, xgb.h), jansson for the file, pool adjacent
 * violators for the calibration.
 *
 * The booster is held twice: as the JSON value the file holds under
 * "booster" and as XGBoost's handle loaded from exactly that JSON's text.  A
 * freshly trained booster is saved by XGBoost, parsed by jansson and loaded
 * back from the text the file will hold, so a trained model and the same
 * model loaded from its file are the same trees to the last bit (XGBoost
 * writes float32 values; jansson holds them as doubles and writes 17
 * significant digits, which read back as the same doubles and floats).
 *
 * Training uses tree_method "hist": several times faster than "exact" on
 * tables of thousands of rows, and its histograms are summed in a fixed
 * order, so the same rows, parameters and seed give the same trees (also
 * with 1 or 2 threads, measured).  Row and column subsampling draw from
 * XGBoost's generator, seeded from `seed` when the booster is configured.
 *
 * Thread safety: predict and contributions hold `lock` around every call on
 * the booster (XGBoosterPredict hands back a buffer the booster owns, and
 * XGBoost 1.7 does not document concurrent prediction as safe).  The booster
 * predicts with nthread = 1, and loads with OpenMP's default at 1 (see
 * load_one_thread), so XGBoost starts no OpenMP thread for it (a parallel
 * region of one thread runs on the caller's).  Training with threads > 1
 * leaves libgomp's idle pool behind, as any OpenMP program does.
 */
#include "detectors/learned/model.h"

#include <assert.h>
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/filehash.h"
#include "base/outfile.h"
#include "base/path.h"
#include "base/readfile.h"
#include "base/strbuf.h"
#include "detectors/learned/xgb.h"

#define MODEL_FORMAT "ictus-model"
#define MODEL_FORMAT_VERSION 1
/* Compact values; 17 significant digits, so every double reads back as itself. */
#define MODEL_JSON_FLAGS (JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(17))
/* The file's keys, in the order they are written. */
static const char *const model_keys[] = {"format", "format_version", "features", "classes",
                                         "calibration", "meta", "booster"};
#define N_MODEL_KEYS ((int)(sizeof model_keys / sizeof model_keys[0]))

struct ictus_model {
    int n_features, n_classes;
    char *feature_names[ICTUS_MODEL_MAX_FEATURES];
    char *class_names[ICTUS_MODEL_MAX_CLASSES];
    double *knot_x, *knot_y; /* the calibration's knots, x strictly rising; none: identity */
    size_t n_knots;
    json_t *meta;            /* object: key -> string */
    json_t *booster_json;    /* XGBoost's model (trained, or read from a file that does not
                                spell the booster's key plainly); else NULL and: */
    char *booster_text;      /* its text in the file, booster_len bytes: jansson's tree
                                of it is freed where the load ran (the preset's loading
                                thread), not at the end; parsed again only to save */
    size_t booster_len;
    BoosterHandle booster;   /* loaded from one of them; predicts with nthread = 1 */
    pthread_mutex_t lock;    /* serialises the calls on `booster` and save's update of hash */
    char hash[17];
};

/* ----------------------------------------------------------------- helpers */

/* 64-bit FNV-1a of n bytes, as 16 hex digits. */
static void fnv1a64_hex(const char *bytes, size_t n, char hex[17])
{
    snprintf(hex, 17, "%016llx", (unsigned long long)ictus_fnv1a64(bytes, n));
}

/* XGBoost's functions (xgb.h): callable once load_booster() or grow(), the
 * only ways to a booster, have loaded the library. */
static const ictus_xgb_api *xgb(void)
{
    return ictus_xgb_loaded();
}

/* A failure inside XGBoost: its own message after ours. */
static ictus_status xgb_fail(ictus_error *err, ictus_status st, const char *where,
                             const char *what)
{
    return ictus_fail(err, st, "%s: XGBoost could not %s: %s", where, what,
                      xgb()->GetLastError());
}

/* ICTUS_ERR_FORMAT, the message prefixed with the file's name. */
static ictus_status bad_file(ictus_error *err, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static ictus_status bad_file(ictus_error *err, const char *path, const char *fmt, ...)
{
    char what[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return ictus_fail(err, ICTUS_ERR_FORMAT, "%s: %s", path, what);
}

/* Why `names` cannot be a model's feature or class names (min..max of them,
 * each non-empty, no two alike; classes start with "none"): false when they can. */
static bool names_problem(const char *const *names, int n, int min, int max, const char *what,
                          char *why, size_t size)
{
    if (n < min || n > max) {
        snprintf(why, size, "%d %s names (%d to %d)", n, what, min, max);
        return true;
    }
    for (int i = 0; i < n; i++) {
        if (!names[i] || !names[i][0]) {
            snprintf(why, size, "%s %d has no name", what, i);
            return true;
        }
        for (int k = 0; k < i; k++)
            if (strcmp(names[k], names[i]) == 0) {
                snprintf(why, size, "%s name '%s' twice (%d and %d)", what, names[i], k, i);
                return true;
            }
    }
    if (strcmp(what, "class") == 0 && strcmp(names[0], "none") != 0) {
        snprintf(why, size, "class 0 is '%s', not 'none'", names[0]);
        return true;
    }
    return false;
}

static int cmp_str_ptr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A JSON string of s; bytes of text that is not UTF-8 become '?' (jansson
 * holds UTF-8 only). */
static json_t *json_text(const char *s)
{
    json_t *j = json_string(s);
    if (j)
        return j;
    char *ascii = ictus_xstrdup(s);
    for (char *p = ascii; *p; p++)
        if ((unsigned char)*p >= 0x80)
            *p = '?';
    j = json_string(ascii);
    free(ascii);
    return j;
}

/* --------------------------------------------------------------- the file */

/* The file's text (a new string; its length in *n): one top-level key a
 * line, in model_keys' order, each value compact, the meta keys sorted, so
 * that the same model always gives the same bytes. */
static char *model_text(const ictus_model *m, size_t *n)
{
    json_t *features = json_array(), *classes = json_array(), *cx = json_array(),
           *cy = json_array(), *meta = json_object();
    for (int j = 0; j < m->n_features; j++)
        json_array_append_new(features, json_string(m->feature_names[j]));
    for (int c = 0; c < m->n_classes; c++)
        json_array_append_new(classes, json_string(m->class_names[c]));
    for (size_t k = 0; k < m->n_knots; k++) {
        json_array_append_new(cx, json_real(m->knot_x[k]));
        json_array_append_new(cy, json_real(m->knot_y[k]));
    }
    size_t n_meta = json_object_size(m->meta), i = 0;
    const char **keys = ictus_xcalloc(n_meta + 1, sizeof *keys);
    const char *key;
    json_t *value;
    json_object_foreach(m->meta, key, value) keys[i++] = key;
    qsort(keys, n_meta, sizeof *keys, cmp_str_ptr);
    for (i = 0; i < n_meta; i++)
        json_object_set(meta, keys[i], json_object_get(m->meta, keys[i]));
    free(keys);
    json_t *calibration = json_object();
    json_object_set_new(calibration, "x", cx);
    json_object_set_new(calibration, "y", cy);

    /* the booster's text parses (the whole file did, when it was loaded) */
    json_t *booster = m->booster_json ? json_incref(m->booster_json)
                                      : json_loadb(m->booster_text, m->booster_len,
                                                   JSON_REJECT_DUPLICATES, NULL);
    if (!booster) {
        fprintf(stderr, "ictus: out of memory reading a model's booster again\n");
        abort();
    }
    json_t *values[N_MODEL_KEYS] = {json_string(MODEL_FORMAT), json_integer(MODEL_FORMAT_VERSION),
                                    features, classes, calibration, meta, booster};
    ictus_strbuf b = {0};
    for (int e = 0; e < N_MODEL_KEYS; e++) {
        char *v = json_dumps(values[e], MODEL_JSON_FLAGS);
        if (!v) {
            fprintf(stderr, "ictus: out of memory writing a model\n");
            abort();
        }
        ictus_strbuf_addf(&b, "%s\"%s\":", e ? ",\n" : "{", model_keys[e]);
        ictus_strbuf_add(&b, v);
        free(v);
        json_decref(values[e]);
    }
    ictus_strbuf_add(&b, "}\n");
    *n = b.len;
    return ictus_strbuf_take(&b);
}

/* The hash of the bytes the model would save (after a change). */
static void rehash(ictus_model *m)
{
    size_t n;
    char *text = model_text(m, &n);
    fnv1a64_hex(text, n, m->hash);
    free(text);
}

/* XGBoosterLoadModelFromBuffer on one thread.  XGBoost 1.7 reads a JSON
 * model's trees in an OpenMP loop before the booster's nthread applies (its
 * context is configured later, at the first prediction), so libgomp would
 * start its pool of omp_get_max_threads() threads and keep it: the load runs
 * with the calling thread's OpenMP default set to 1, then restored (the
 * setting is the calling thread's own). */
static int load_one_thread(BoosterHandle b, const char *text, size_t len)
{
    int omp_threads = xgb()->omp_get_max_threads();
    xgb()->omp_set_num_threads(1);
    int rc = xgb()->BoosterLoadModelFromBuffer(b, text, (bst_ulong)len);
    xgb()->omp_set_num_threads(omp_threads);
    return rc;
}

/* Load m->booster from text[0, len) (XGBoost's JSON model), or, text NULL,
 * from m->booster_json written as JSON; set it to predict with one thread.
 * XGBoost's failures return `st` naming `where`. */
static ictus_status load_booster(ictus_model *m, const char *where, ictus_status st,
                                 const char *text, size_t len, ictus_error *err)
{
    if (!ictus_xgb(err))
        return err->status;
    char *dumped = NULL;
    if (!text) {
        if (!(dumped = json_dumps(m->booster_json, MODEL_JSON_FLAGS)))
            return ictus_fail(err, st, "%s: the booster cannot be written as JSON", where);
        text = dumped;
        len = strlen(dumped);
    }
    ictus_status ret = ICTUS_OK;
    if (xgb()->BoosterCreate(NULL, 0, &m->booster) != 0)
        ret = xgb_fail(err, st, where, "create a booster");
    else if (xgb()->BoosterSetParam(m->booster, "verbosity", "0") != 0 ||
             xgb()->BoosterSetParam(m->booster, "nthread", "1") != 0)
        ret = xgb_fail(err, st, where, "set the booster's parameters");
    else if (load_one_thread(m->booster, text, len) != 0)
        ret = xgb_fail(err, st, where, "load the booster");
    free(dumped);
    return ret;
}

/* Run the booster on n rows (option_mask as XGBoosterPredict's) into
 * out[n_out]; ICTUS_ERR_DATA when XGBoost fails or gives another count. */
static ictus_status run_booster(const ictus_model *m, const float *x, size_t n, int option_mask,
                                double *out, size_t n_out, ictus_error *err)
{
    pthread_mutex_t *lock = (pthread_mutex_t *)&m->lock; /* mutable: held, never changed */
    pthread_mutex_lock(lock);
    DMatrixHandle d = NULL;
    bst_ulong len = 0;
    const float *res = NULL;
    ictus_status st = ICTUS_OK;
    if (xgb()->DMatrixCreateFromMat(x, (bst_ulong)n, (bst_ulong)m->n_features, NAN, &d) != 0)
        st = xgb_fail(err, ICTUS_ERR_DATA, "model", "take the rows");
    else if (xgb()->BoosterPredict(m->booster, d, option_mask, 0, 0, &len, &res) != 0)
        st = xgb_fail(err, ICTUS_ERR_DATA, "model", "predict");
    else if ((size_t)len != n_out)
        st = ictus_fail(err, ICTUS_ERR_DATA, "model: XGBoost gave %llu values, not %zu",
                        (unsigned long long)len, n_out);
    else
        for (size_t i = 0; i < n_out; i++)
            out[i] = res[i];
    if (d)
        xgb()->DMatrixFree(d);
    pthread_mutex_unlock(lock);
    return st;
}

/* Copy n names into dst (its count in *n_dst, so that a failure frees what was copied). */
static void copy_names(char **dst, int *n_dst, const char *const *names, int n)
{
    for (*n_dst = 0; *n_dst < n; (*n_dst)++)
        dst[*n_dst] = ictus_xstrdup(names[*n_dst]);
}

static ictus_model *model_new(void)
{
    ictus_model *m = ictus_xcalloc(1, sizeof *m);
    m->meta = json_object();
    pthread_mutex_init(&m->lock, NULL);
    return m;
}

void ictus_model_free(ictus_model *m)
{
    if (!m)
        return;
    for (int j = 0; j < m->n_features; j++)
        free(m->feature_names[j]);
    for (int c = 0; c < m->n_classes; c++)
        free(m->class_names[c]);
    free(m->knot_x);
    free(m->knot_y);
    json_decref(m->meta);
    json_decref(m->booster_json);
    free(m->booster_text);
    if (m->booster)
        xgb()->BoosterFree(m->booster);
    pthread_mutex_destroy(&m->lock);
    free(m);
}

/* ---------------------------------------------------------------- training */

void ictus_model_train_defaults(ictus_model_train_params *tp)
{
    *tp = (ictus_model_train_params){.rounds = 300, .max_depth = 4, .eta = 0.08,
                                     .subsample = 0.8, .colsample = 0.8,
                                     .min_child_weight = 2, .lambda = 1, .seed = 1,
                                     .threads = 1};
}

/* Why tp cannot train (false when it can). */
static bool train_params_problem(const ictus_model_train_params *tp, char *why, size_t size)
{
    const char *bad = tp->rounds < 1                                   ? "rounds < 1"
                      : tp->max_depth < 1                              ? "max_depth < 1"
                      : !(tp->eta > 0 && tp->eta <= 1)                 ? "eta not in (0, 1]"
                      : !(tp->subsample > 0 && tp->subsample <= 1)     ? "subsample not in (0, 1]"
                      : !(tp->colsample > 0 && tp->colsample <= 1)     ? "colsample not in (0, 1]"
                      : !(tp->min_child_weight >= 0 && isfinite(tp->min_child_weight))
                          ? "min_child_weight not >= 0"
                      : !(tp->lambda >= 0 && isfinite(tp->lambda))     ? "lambda not >= 0"
                      : tp->threads < 1                                ? "threads < 1"
                                                                       : NULL;
    if (bad)
        snprintf(why, size, "training parameter %s", bad);
    return bad != NULL;
}

/* Why the rows cannot train a model of n_classes (false when they can). */
static bool rows_problem(const int *y, const float *weight, size_t n, int n_classes, char *why,
                         size_t size)
{
    if (n == 0) {
        snprintf(why, size, "no rows to train on");
        return true;
    }
    for (size_t i = 0; i < n; i++) {
        if (y[i] < 0 || y[i] >= n_classes) {
            snprintf(why, size, "row %zu: class %d (0 to %d)", i, y[i], n_classes - 1);
            return true;
        }
        if (weight && !(weight[i] >= 0 && isfinite(weight[i]))) {
            snprintf(why, size, "row %zu: weight %g (finite, >= 0)", i, (double)weight[i]);
            return true;
        }
    }
    return false;
}

static ictus_status set_train_params(BoosterHandle b, const ictus_model_train_params *tp,
                                     int n_classes, ictus_error *err)
{
    char v[9][32];
    snprintf(v[0], sizeof v[0], "%d", n_classes);
    snprintf(v[1], sizeof v[1], "%d", tp->max_depth);
    snprintf(v[2], sizeof v[2], "%.17g", tp->eta);
    snprintf(v[3], sizeof v[3], "%.17g", tp->subsample);
    snprintf(v[4], sizeof v[4], "%.17g", tp->colsample);
    snprintf(v[5], sizeof v[5], "%.17g", tp->min_child_weight);
    snprintf(v[6], sizeof v[6], "%.17g", tp->lambda);
    snprintf(v[7], sizeof v[7], "%u", tp->seed);
    snprintf(v[8], sizeof v[8], "%d", tp->threads);
    const char *params[][2] = {
        {"verbosity", "0"},      {"objective", "multi:softprob"}, {"tree_method", "hist"},
        {"num_class", v[0]},     {"max_depth", v[1]},             {"eta", v[2]},
        {"subsample", v[3]},     {"colsample_bytree", v[4]},      {"min_child_weight", v[5]},
        {"lambda", v[6]},        {"seed", v[7]},                  {"nthread", v[8]},
    };
    for (size_t i = 0; i < sizeof params / sizeof params[0]; i++)
        if (xgb()->BoosterSetParam(b, params[i][0], params[i][1]) != 0)
            return xgb_fail(err, ICTUS_ERR_DATA, "model training", "set its parameters");
    return ICTUS_OK;
}

/* Grow the trees; their JSON (XGBoost's own) into *booster_json. */
static ictus_status grow(const ictus_model_train_params *tp, const float *x, const int *y,
                         const float *weight, size_t n, int n_features, int n_classes,
                         json_t **booster_json, ictus_error *err)
{
    const char *where = "model training";
    if (!ictus_xgb(err))
        return err->status;
    float *labels = ictus_xmalloc(n * sizeof *labels);
    for (size_t i = 0; i < n; i++)
        labels[i] = (float)y[i];
    DMatrixHandle d = NULL;
    BoosterHandle b = NULL;
    ictus_status st = ICTUS_OK;
    if (xgb()->DMatrixCreateFromMat(x, (bst_ulong)n, (bst_ulong)n_features, NAN, &d) != 0 ||
        xgb()->DMatrixSetFloatInfo(d, "label", labels, (bst_ulong)n) != 0 ||
        (weight && xgb()->DMatrixSetFloatInfo(d, "weight", weight, (bst_ulong)n) != 0))
        st = xgb_fail(err, ICTUS_ERR_DATA, where, "take the rows");
    else if (xgb()->BoosterCreate(&d, 1, &b) != 0)
        st = xgb_fail(err, ICTUS_ERR_DATA, where, "create a booster");
    else
        st = set_train_params(b, tp, n_classes, err);
    for (int r = 0; st == ICTUS_OK && r < tp->rounds; r++)
        if (xgb()->BoosterUpdateOneIter(b, r, d) != 0)
            st = xgb_fail(err, ICTUS_ERR_DATA, where, "grow the trees");
    bst_ulong len = 0;
    const char *buf = NULL;
    if (st == ICTUS_OK &&
        xgb()->BoosterSaveModelToBuffer(b, "{\"format\": \"json\"}", &len, &buf) != 0)
        st = xgb_fail(err, ICTUS_ERR_DATA, where, "save the booster");
    if (st == ICTUS_OK) {
        json_error_t jerr;
        *booster_json = json_loadb(buf, (size_t)len, 0, &jerr);
        if (!*booster_json)
            st = ictus_fail(err, ICTUS_ERR_DATA, "%s: XGBoost's model is not JSON: %s", where,
                            jerr.text);
    }
    if (b)
        xgb()->BoosterFree(b);
    if (d)
        xgb()->DMatrixFree(d);
    free(labels);
    return st;
}

ictus_status ictus_model_train(const ictus_model_train_params *tp, const float *x,
                               const int *y, const float *weight, size_t n, int n_features,
                               const char *const *feature_names, int n_classes,
                               const char *const *class_names, ictus_model **out,
                               ictus_error *err)
{
    *out = NULL;
    char why[256];
    if (train_params_problem(tp, why, sizeof why) ||
        names_problem(feature_names, n_features, 1, ICTUS_MODEL_MAX_FEATURES, "feature", why,
                      sizeof why) ||
        names_problem(class_names, n_classes, 2, ICTUS_MODEL_MAX_CLASSES, "class", why,
                      sizeof why) ||
        rows_problem(y, weight, n, n_classes, why, sizeof why))
        return ictus_fail(err, ICTUS_ERR_CONFIG, "model training: %s", why);
    json_t *booster_json = NULL;
    ictus_status st = grow(tp, x, y, weight, n, n_features, n_classes, &booster_json, err);
    if (st != ICTUS_OK)
        return st;
    ictus_model *m = model_new();
    copy_names(m->feature_names, &m->n_features, feature_names, n_features);
    copy_names(m->class_names, &m->n_classes, class_names, n_classes);
    m->booster_json = booster_json;
    if ((st = load_booster(m, "model training", ICTUS_ERR_DATA, NULL, 0, err)) != ICTUS_OK) {
        ictus_model_free(m);
        return st;
    }
    rehash(m);
    *out = m;
    return ICTUS_OK;
}

/* ----------------------------------------------------------------- loading */

/* Read the names of root[key] into dst (count in *n_dst). */
static ictus_status read_names(const json_t *root, const char *key, int min, int max,
                               const char *what, const char *path, char **dst, int *n_dst,
                               ictus_error *err)
{
    const json_t *a = json_object_get(root, key);
    if (!json_is_array(a))
        return bad_file(err, path, "\"%s\" is not a list of names", key);
    size_t n = json_array_size(a);
    if (n > (size_t)max)
        return bad_file(err, path, "\"%s\": %zu names (at most %d)", key, n, max);
    const char *names[ICTUS_MODEL_MAX_FEATURES + ICTUS_MODEL_MAX_CLASSES] = {0};
    for (size_t i = 0; i < n; i++)
        if (!(names[i] = json_string_value(json_array_get(a, i))))
            return bad_file(err, path, "\"%s\": item %zu is not a string", key, i);
    char why[256];
    if (names_problem(names, (int)n, min, max, what, why, sizeof why))
        return bad_file(err, path, "\"%s\": %s", key, why);
    copy_names(dst, n_dst, names, (int)n);
    return ICTUS_OK;
}

/* Why knots (x strictly rising, y not falling, both in [0, 1]) are not a
 * calibration (false when they are). */
static bool knots_problem(const double *x, const double *y, size_t n, char *why, size_t size)
{
    for (size_t k = 0; k < n; k++) {
        if (!(x[k] >= 0 && x[k] <= 1 && y[k] >= 0 && y[k] <= 1)) {
            snprintf(why, size, "knot %zu (%g, %g) is outside [0, 1]", k, x[k], y[k]);
            return true;
        }
        if (k > 0 && !(x[k] > x[k - 1] && y[k] >= y[k - 1])) {
            snprintf(why, size, "knots not monotone: knot %zu (%g, %g) after (%g, %g)", k, x[k],
                     y[k], x[k - 1], y[k - 1]);
            return true;
        }
    }
    return false;
}

static ictus_status read_calibration(ictus_model *m, const json_t *cal, const char *path,
                                     ictus_error *err)
{
    const json_t *x = json_object_get(cal, "x"), *y = json_object_get(cal, "y");
    if (!json_is_object(cal) || json_object_size(cal) != 2 || !json_is_array(x) ||
        !json_is_array(y))
        return bad_file(err, path, "\"calibration\" is not {\"x\": [...], \"y\": [...]}");
    size_t n = json_array_size(x);
    if (json_array_size(y) != n)
        return bad_file(err, path, "\"calibration\": %zu x and %zu y", n,
                        json_array_size(y));
    m->knot_x = ictus_xcalloc(n + 1, sizeof *m->knot_x);
    m->knot_y = ictus_xcalloc(n + 1, sizeof *m->knot_y);
    for (size_t k = 0; k < n; k++) {
        if (!json_is_number(json_array_get(x, k)) || !json_is_number(json_array_get(y, k)))
            return bad_file(err, path, "\"calibration\": knot %zu is not two numbers", k);
        m->knot_x[k] = json_number_value(json_array_get(x, k));
        m->knot_y[k] = json_number_value(json_array_get(y, k));
    }
    char why[256];
    if (knots_problem(m->knot_x, m->knot_y, n, why, sizeof why))
        return bad_file(err, path, "\"calibration\": %s", why);
    m->n_knots = n;
    return ICTUS_OK;
}

static ictus_status read_meta(ictus_model *m, const json_t *meta, const char *path,
                              ictus_error *err)
{
    if (!json_is_object(meta))
        return bad_file(err, path, "\"meta\" is not an object");
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)meta, key, value) {
        if (!json_is_string(value))
            return bad_file(err, path, "\"meta\": \"%s\" is not a string", key);
        json_object_set(m->meta, key, value);
    }
    return ICTUS_OK;
}

/* The booster: XGBoost's multi:softprob model of as many features and classes
 * as the file names; `text` (text_len bytes) its value as the file spells it, or
 * NULL (then written again from `booster`). */
static ictus_status read_booster(ictus_model *m, json_t *booster, const char *text,
                                 size_t text_len, const char *path, ictus_error *err)
{
    const char *objective = NULL;
    if (json_unpack(booster, "{s:{s:{s:s}}}", "learner", "objective", "name", &objective) != 0)
        return bad_file(err, path,
                        "\"booster\" is not an XGBoost model (no learner.objective.name)");
    if (strcmp(objective, "multi:softprob") != 0)
        return bad_file(err, path, "\"booster\": objective %s, not multi:softprob", objective);
    if (text) {
        m->booster_text = ictus_xmalloc(text_len);
        memcpy(m->booster_text, text, text_len);
        m->booster_len = text_len;
    } else {
        m->booster_json = json_incref(booster);
    }
    char where[ICTUS_PATH_MAX + 16];
    snprintf(where, sizeof where, "%s: \"booster\"", path);
    ictus_status st = load_booster(m, where, ICTUS_ERR_FORMAT, text, text_len, err);
    if (st != ICTUS_OK)
        return st;
    bst_ulong n_features = 0;
    if (xgb()->BoosterGetNumFeature(m->booster, &n_features) != 0)
        return xgb_fail(err, ICTUS_ERR_FORMAT, where, "count its features");
    if ((int)n_features != m->n_features)
        return bad_file(err, path, "the booster has %d features, \"features\" names %d",
                        (int)n_features, m->n_features);
    /* The class count: the values of one row's prediction. */
    float row[ICTUS_MODEL_MAX_FEATURES];
    for (int j = 0; j < m->n_features; j++)
        row[j] = NAN;
    DMatrixHandle d = NULL;
    bst_ulong len = 0;
    const float *res;
    if (xgb()->DMatrixCreateFromMat(row, 1, n_features, NAN, &d) != 0 ||
        xgb()->BoosterPredict(m->booster, d, 0, 0, 0, &len, &res) != 0)
        st = xgb_fail(err, ICTUS_ERR_FORMAT, where, "predict");
    else if ((int)len != m->n_classes)
        st = bad_file(err, path, "the booster has %d classes, \"classes\" names %d", (int)len,
                      m->n_classes);
    if (d)
        xgb()->DMatrixFree(d);
    return st;
}

/* The end of the JSON string whose opening quote is s[i] (past its closing
 * quote; n when there is none). */
static size_t skip_string(const char *s, size_t i, size_t n)
{
    for (i++; i < n; i++) {
        if (s[i] == '\\')
            i++;
        else if (s[i] == '"')
            return i + 1;
    }
    return n;
}

static size_t skip_space(const char *s, size_t i, size_t n)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    return i;
}

/* The end of the JSON value that starts at s[i] (in text that is JSON). */
static size_t skip_value(const char *s, size_t i, size_t n)
{
    int depth = 0;
    do {
        if (s[i] == '"') {
            i = skip_string(s, i, n);
            continue;
        }
        if (s[i] == '{' || s[i] == '[')
            depth++;
        else if (s[i] == '}' || s[i] == ']')
            depth--;
        else if (depth == 0) /* a number, true, false, null */
            while (i + 1 < n && !strchr(",}] \t\n\r", s[i + 1]))
                i++;
        i++;
    } while (i < n && depth > 0);
    return i;
}

/* Where the value of the top-level member `key` of the JSON object in
 * bytes[0, n) (JSON: jansson has read it) lies: *len bytes from the result;
 * NULL when the object has no member spelled so (a key written with
 * escapes is not looked through).  XGBoost reads the booster from the
 * file's own text: writing the parsed booster out again for it took as
 * long as parsing the whole file (ictus_model_save() writes that same
 * text, so a file it wrote gives XGBoost the same bytes either way). */
static const char *member_text(const char *bytes, size_t n, const char *key, size_t *len)
{
    size_t i = skip_space(bytes, 0, n), key_len = strlen(key);
    if (i >= n || bytes[i] != '{')
        return NULL;
    for (i = skip_space(bytes, i + 1, n); i < n && bytes[i] == '"';) {
        size_t key_end = skip_string(bytes, i, n);
        bool match = key_end - i == key_len + 2 && memcmp(bytes + i + 1, key, key_len) == 0;
        i = skip_space(bytes, key_end, n);
        if (i >= n || bytes[i] != ':')
            return NULL;
        size_t start = skip_space(bytes, i + 1, n), end = skip_value(bytes, start, n);
        if (match) {
            *len = end - start;
            return bytes + start;
        }
        i = skip_space(bytes, end, n);
        if (i >= n || bytes[i] != ',')
            return NULL;
        i = skip_space(bytes, i + 1, n);
    }
    return NULL;
}

/* The model in root, read from the file at path; booster_text (booster_len
 * bytes) the booster's value as the file spells it, or NULL. */
static ictus_status model_from_json(ictus_model *m, json_t *root, const char *booster_text,
                                    size_t booster_len, const char *path, ictus_error *err)
{
    if (!json_is_object(root))
        return bad_file(err, path, "not a model file (not a JSON object)");
    const char *format = json_string_value(json_object_get(root, "format"));
    if (!format || strcmp(format, MODEL_FORMAT) != 0)
        return bad_file(err, path, "not a model file (\"format\" is not \"%s\")", MODEL_FORMAT);
    const json_t *version = json_object_get(root, "format_version");
    if (!json_is_integer(version))
        return bad_file(err, path, "\"format_version\" is not an integer");
    if (json_integer_value(version) != MODEL_FORMAT_VERSION)
        return ictus_fail(err, ICTUS_ERR_UNSUPPORTED,
                          "%s: model format_version %lld (this program reads %d)", path,
                          (long long)json_integer_value(version), MODEL_FORMAT_VERSION);
    const char *key;
    json_t *value;
    json_object_foreach(root, key, value) {
        int k = 0;
        while (k < N_MODEL_KEYS && strcmp(key, model_keys[k]) != 0)
            k++;
        if (k == N_MODEL_KEYS)
            return bad_file(err, path, "unknown key \"%s\"", key);
    }
    for (int k = 0; k < N_MODEL_KEYS; k++)
        if (!json_object_get(root, model_keys[k]))
            return bad_file(err, path, "no \"%s\"", model_keys[k]);
    ictus_status st;
    if ((st = read_names(root, "features", 1, ICTUS_MODEL_MAX_FEATURES, "feature", path,
                         m->feature_names, &m->n_features, err)) != ICTUS_OK ||
        (st = read_names(root, "classes", 2, ICTUS_MODEL_MAX_CLASSES, "class", path,
                         m->class_names, &m->n_classes, err)) != ICTUS_OK ||
        (st = read_calibration(m, json_object_get(root, "calibration"), path, err)) != ICTUS_OK ||
        (st = read_meta(m, json_object_get(root, "meta"), path, err)) != ICTUS_OK)
        return st;
    return read_booster(m, json_object_get(root, "booster"), booster_text, booster_len, path,
                        err);
}

/* The file's text with the booster's value (booster[0, booster_len) of
 * bytes[0, n)) cut down to {"learner":{"objective":...}}, its objective as
 * the file spells it (*out_n bytes, a new string); NULL when the booster
 * has no such members spelled plainly. */
static char *without_trees(const char *bytes, size_t n, const char *booster, size_t booster_len,
                           size_t *out_n)
{
    size_t learner_len = 0, objective_len = 0;
    const char *learner = member_text(booster, booster_len, "learner", &learner_len);
    const char *objective =
        learner ? member_text(learner, learner_len, "objective", &objective_len) : NULL;
    if (!objective)
        return NULL;
    static const char open[] = "{\"learner\":{\"objective\":", close[] = "}}";
    size_t head = (size_t)(booster - bytes), tail = n - head - booster_len;
    *out_n = head + strlen(open) + objective_len + strlen(close) + tail;
    char *cut = ictus_xmalloc(*out_n + 1), *w = cut;
    memcpy(w, bytes, head);
    w += head;
    memcpy(w, open, strlen(open));
    w += strlen(open);
    memcpy(w, objective, objective_len);
    w += objective_len;
    memcpy(w, close, strlen(close));
    w += strlen(close);
    memcpy(w, booster + booster_len, tail);
    cut[*out_n] = '\0';
    return cut;
}

/* The quick way to a model, NULL when it fails (for whatever reason): jansson
 * reads the file without the booster's trees (without_trees()), XGBoost reads
 * the booster from the file's text.  Of the ihka-mouse model's 822 KB, the
 * trees are all but 3 KB: jansson's tree of them took longer to build and
 * free than XGBoost's parse.  What it leaves unchecked is only what XGBoost
 * reads itself: the trees' JSON (a booster XGBoost takes with keys twice
 * or bytes that are not UTF-8 in its strings loads). */
static ictus_model *load_quickly(const char *bytes, size_t n, const char *booster,
                                 size_t booster_len, const char *path)
{
    size_t cut_n = 0;
    char *cut = without_trees(bytes, n, booster, booster_len, &cut_n);
    if (!cut)
        return NULL;
    json_t *root = json_loadb(cut, cut_n, JSON_REJECT_DUPLICATES, NULL);
    free(cut);
    ictus_model *m = model_new();
    ictus_error ignored;
    if (!root || model_from_json(m, root, booster, booster_len, path, &ignored) != ICTUS_OK) {
        ictus_model_free(m);
        m = NULL;
    }
    json_decref(root);
    return m;
}

/* The file is read the quick way (load_quickly()); when that fails, again
 * the whole of it with jansson, so that every error is the one that reading
 * checks everything gives. */
ictus_status ictus_model_load(const char *path, ictus_model **out, ictus_error *err)
{
    *out = NULL;
    char *bytes;
    size_t n;
    ictus_status st = ictus_read_file(path, &bytes, &n, err);
    if (st != ICTUS_OK)
        return st;
    size_t booster_len = 0;
    const char *booster = member_text(bytes, n, "booster", &booster_len);
    ictus_model *m = booster ? load_quickly(bytes, n, booster, booster_len, path) : NULL;
    if (!m) {
        json_error_t jerr;
        json_t *root = json_loadb(bytes, n, JSON_REJECT_DUPLICATES, &jerr);
        m = model_new();
        if (!root)
            st = bad_file(err, path, "not a model file (not JSON: line %d, column %d: %s)",
                          jerr.line, jerr.column, jerr.text);
        else
            st = model_from_json(m, root, booster, booster_len, path, err);
        json_decref(root);
    }
    if (st == ICTUS_OK)
        fnv1a64_hex(bytes, n, m->hash);
    free(bytes);
    if (st != ICTUS_OK) {
        ictus_model_free(m);
        return st;
    }
    *out = m;
    return ICTUS_OK;
}

/* ------------------------------------------------------------------ saving */

typedef struct {
    const char *text;
    size_t n;
} text_ctx;

static void fill_text(ictus_out *o, const void *ctx)
{
    const text_ctx *t = ctx;
    ictus_out_raw(o, t->text, t->n);
}

ictus_status ictus_model_save(const ictus_model *m, const char *path, ictus_error *err)
{
    char dir[ICTUS_PATH_MAX] = ".";
    const char *slash = strrchr(path, '/'), *name = slash ? slash + 1 : path;
    if (slash) {
        size_t len = slash == path ? 1 : (size_t)(slash - path);
        if (len >= sizeof dir)
            return ictus_fail(err, ICTUS_ERR_USAGE, "%.64s...: the path is too long", path);
        memcpy(dir, path, len);
        dir[len] = '\0';
    }
    if (!*name)
        return ictus_fail(err, ICTUS_ERR_USAGE, "%s: not a file name", path);
    text_ctx t;
    char *text = model_text(m, &t.n);
    t.text = text;
    ictus_status st = ictus_outfile_write(dir, name, fill_text, &t, err);
    if (st == ICTUS_OK) {
        ictus_model *mm = (ictus_model *)m; /* hash is the saved bytes' (model.h) */
        pthread_mutex_lock(&mm->lock);
        fnv1a64_hex(text, t.n, mm->hash);
        pthread_mutex_unlock(&mm->lock);
    }
    free(text);
    return st;
}

/* --------------------------------------------------------------- accessors */

int ictus_model_n_features(const ictus_model *m)
{
    return m->n_features;
}

int ictus_model_n_classes(const ictus_model *m)
{
    return m->n_classes;
}

const char *ictus_model_feature_name(const ictus_model *m, int j)
{
    return j >= 0 && j < m->n_features ? m->feature_names[j] : NULL;
}

const char *ictus_model_class_name(const ictus_model *m, int c)
{
    return c >= 0 && c < m->n_classes ? m->class_names[c] : NULL;
}

int ictus_model_class_index(const ictus_model *m, const char *name)
{
    for (int c = 0; c < m->n_classes; c++)
        if (strcmp(m->class_names[c], name) == 0)
            return c;
    return -1;
}

const char *ictus_model_hash(const ictus_model *m)
{
    return m->hash;
}

void ictus_model_set_meta(ictus_model *m, const char *key, const char *value)
{
    json_t *k = json_text(key);
    json_object_set_new(m->meta, json_string_value(k), json_text(value));
    json_decref(k);
    rehash(m);
}

const char *ictus_model_meta(const ictus_model *m, const char *key)
{
    return json_string_value(json_object_get(m->meta, key));
}

/* -------------------------------------------------------------- prediction */

ictus_status ictus_model_predict(const ictus_model *m, const float *x, size_t n, double *prob,
                                 ictus_error *err)
{
    if (n == 0)
        return ICTUS_OK;
    return run_booster(m, x, n, 0, prob, n * (size_t)m->n_classes, err);
}

ictus_status ictus_model_contributions(const ictus_model *m, const float *x, int c,
                                       double *contrib, ictus_error *err)
{
    assert(c >= 0 && c < m->n_classes);
    /* XGBoost's layout for one row: [class][feature..., bias]. */
    size_t per_class = (size_t)m->n_features + 1;
    double all[ICTUS_MODEL_MAX_CLASSES * (ICTUS_MODEL_MAX_FEATURES + 1)];
    ictus_status st = run_booster(m, x, 1, 4, all, per_class * (size_t)m->n_classes, err);
    if (st == ICTUS_OK)
        memcpy(contrib, all + per_class * (size_t)c, per_class * sizeof *contrib);
    return st;
}

/* ------------------------------------------------------------- calibration */

/* A run of pairs pooled into one level: n pairs, their sums of p and correct. */
typedef struct {
    double n, sum_p, sum_correct;
} pav_block;

/* Whether block a's share correct is at least b's (exact: the sums are whole numbers). */
static bool share_not_below(const pav_block *a, const pav_block *b)
{
    return a->sum_correct * b->n >= b->sum_correct * a->n;
}

typedef struct {
    double p;
    int correct;
} cal_pair;

static int cmp_pair(const void *a, const void *b)
{
    double x = ((const cal_pair *)a)->p, y = ((const cal_pair *)b)->p;
    return (x > y) - (x < y);
}

void ictus_model_fit_calibration(ictus_model *m, const double *p_raw, const int *correct,
                                 size_t n)
{
    cal_pair *pairs = ictus_xcalloc(n + 1, sizeof *pairs);
    size_t n_pairs = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(p_raw[i]))
            pairs[n_pairs++] = (cal_pair){fmin(fmax(p_raw[i], 0), 1), correct[i] != 0};
    qsort(pairs, n_pairs, sizeof *pairs, cmp_pair);
    /* Pool adjacent violators: equal p start pooled; a block whose share
     * correct is not above the one before merges into it (equal shares too,
     * so that each knot is a maximal run of one level). */
    pav_block *blocks = ictus_xcalloc(n_pairs + 1, sizeof *blocks);
    size_t n_blocks = 0;
    for (size_t i = 0; i < n_pairs; i++) {
        if (n_blocks > 0 && i > 0 && pairs[i].p == pairs[i - 1].p) {
            pav_block *top = &blocks[n_blocks - 1];
            top->n += 1;
            top->sum_p += pairs[i].p;
            top->sum_correct += pairs[i].correct;
        } else {
            blocks[n_blocks++] = (pav_block){1, pairs[i].p, pairs[i].correct};
        }
        bool last_of_tie = i + 1 == n_pairs || pairs[i + 1].p != pairs[i].p;
        while (last_of_tie && n_blocks >= 2 &&
               share_not_below(&blocks[n_blocks - 2], &blocks[n_blocks - 1])) {
            pav_block *a = &blocks[n_blocks - 2], *b = &blocks[n_blocks - 1];
            a->n += b->n;
            a->sum_p += b->sum_p;
            a->sum_correct += b->sum_correct;
            n_blocks--;
        }
    }
    free(m->knot_x);
    free(m->knot_y);
    m->knot_x = ictus_xcalloc(n_blocks + 1, sizeof *m->knot_x);
    m->knot_y = ictus_xcalloc(n_blocks + 1, sizeof *m->knot_y);
    for (size_t k = 0; k < n_blocks; k++) {
        m->knot_x[k] = blocks[k].sum_p / blocks[k].n;
        m->knot_y[k] = blocks[k].sum_correct / blocks[k].n;
    }
    m->n_knots = n_blocks;
    free(blocks);
    free(pairs);
    rehash(m);
}

double ictus_model_calibrate(const ictus_model *m, double p_raw)
{
    size_t n = m->n_knots;
    if (n == 0 || isnan(p_raw))
        return p_raw;
    const double *x = m->knot_x, *y = m->knot_y;
    if (p_raw <= x[0])
        return y[0];
    if (p_raw >= x[n - 1])
        return y[n - 1];
    size_t lo = 0, hi = n - 1; /* x[lo] < p_raw < x[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (x[mid] <= p_raw)
            lo = mid;
        else
            hi = mid;
    }
    return y[lo] + (y[hi] - y[lo]) * (p_raw - x[lo]) / (x[hi] - x[lo]);
}

double ictus_calibration_error(const double *p, const int *correct, size_t n, int bins)
{
    if (bins < 1)
        return NAN;
    /* Per bin, (count / total) x |sum_p / count - sum_correct / count|
     * = |sum_p - sum_correct| / total. */
    double *excess = ictus_xcalloc((size_t)bins, sizeof *excess); /* sum_p - sum_correct */
    double total = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(p[i]))
            continue;
        int b = (int)(p[i] * bins);
        b = b < 0 ? 0 : b >= bins ? bins - 1 : b;
        excess[b] += p[i] - (correct[i] != 0);
        total++;
    }
    double ece = 0;
    for (int b = 0; b < bins; b++)
        ece += fabs(excess[b]) / total;
    free(excess);
    return total > 0 ? ece : 0;
}
