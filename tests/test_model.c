/* test_model.c: the learned stage's classifier (detectors/learned/model.h).
 *
 * 1. Learning: on a synthetic 3-class problem with a known answer (the class
 *    from thresholds on 2 of 6 features; 5 % of labels flipped, 5 % of values
 *    missing) the held-out accuracy against the known answer is high, and
 *    the two deciding features carry most of the contributions.
 * 2. Determinism: the same rows and seed give the same bytes; another seed,
 *    a meta entry or a calibration changes the hash; weights all 1 are no
 *    weights, and weight 0 on a class makes it unlikely.
 * 3. Round trip: load(save(m)) predicts bit for bit as m, saves the same
 *    bytes, keeps names, meta and calibration; the hash is FNV-1a of the file.
 * 4. Bad files, one case each, give ICTUS_ERR_FORMAT (IO, UNSUPPORTED)
 *    naming the file and what is wrong; bad training input ICTUS_ERR_CONFIG.
 * 5. Contributions: softmax of the per-class sums equals predict's
 *    probabilities (1e-5).
 * 6. Calibration: the isotonic knots and map agree with an independent
 *    reference (tests/fixtures/isotonic.txt, gen_isotonic.py: the min-max
 *    formula in NumPy) to 1e-12; ECE of a case worked by hand; on
 *    y ~ Bernoulli(g(p)) the map recovers g within 0.05 on a grid.
 * 7. Threads: two threads predicting at once get what one gets, and XGBoost
 *    starts no thread of its own (nthread = 1).
 */
#include "detectors/learned/model.h"

#include <dirent.h>
#include <jansson.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "base/readfile.h"
#include "tests/check.h"
#include "tests/support_tmp.h"

#define FIXTURE "tests/fixtures/isotonic.txt"
#define N_FEATURES 6
#define N_CLASSES 3
#define N_TRAIN 1000
#define N_TEST 500
#define ROUNDS 80

static const char *const feature_names[N_FEATURES] = {"line_length", "rhythm", "theta", "emg",
                                                      "duration_s", "spikes"};
static const char *const class_names[N_CLASSES] = {"none", "convulsive", "hpd"};

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static double uniform(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}

/* The known answer: feature 0 above 0.6 is "hpd", else feature 1 above 0.5
 * "convulsive", else "none". */
static int known_class(const float *row)
{
    return row[0] > 0.6f ? 2 : row[1] > 0.5f ? 1 : 0;
}

/* n rows: features uniform on [0, 1), truth[i] the known class, y[i] it
 * with 5 % of labels replaced by a random class, then 5 % of values NaN. */
static void make_rows(size_t n, float *x, int *y, int *truth)
{
    for (size_t i = 0; i < n; i++) {
        float *row = x + i * N_FEATURES;
        for (int j = 0; j < N_FEATURES; j++)
            row[j] = (float)uniform();
        truth[i] = known_class(row);
        y[i] = uniform() < 0.05 ? (int)(uniform() * N_CLASSES) : truth[i];
        for (int j = 0; j < N_FEATURES; j++)
            if (uniform() < 0.05)
                row[j] = NAN;
    }
}

static float x_train[N_TRAIN * N_FEATURES], x_test[N_TEST * N_FEATURES];
static int y_train[N_TRAIN], truth_train[N_TRAIN], y_test[N_TEST], truth_test[N_TEST];

static ictus_model *train(unsigned seed, int rounds, const float *weight)
{
    ictus_model_train_params tp;
    ictus_model_train_defaults(&tp);
    tp.rounds = rounds;
    tp.seed = seed;
    ictus_model *m = NULL;
    ictus_error err;
    CHECK_MSG(ictus_model_train(&tp, x_train, y_train, weight, N_TRAIN, N_FEATURES,
                                feature_names, N_CLASSES, class_names, &m, &err) == ICTUS_OK,
              "%s", err.msg);
    return m;
}

static int argmax(const double *p)
{
    int best = 0;
    for (int c = 1; c < N_CLASSES; c++)
        if (p[c] > p[best])
            best = c;
    return best;
}

/* A file's bytes (NULL when it cannot be read); *n its length. */
static char *file_bytes(const char *path, size_t *n)
{
    char *bytes;
    ictus_error err;
    CHECK_MSG(ictus_read_file(path, &bytes, n, &err) == ICTUS_OK, "%s", err.msg);
    return bytes;
}

static bool same_file(const char *a, const char *b)
{
    size_t na, nb;
    char *ba = file_bytes(a, &na), *bb = file_bytes(b, &nb);
    bool same = ba && bb && na == nb && memcmp(ba, bb, na) == 0;
    free(ba);
    free(bb);
    return same;
}

/* FNV-1a 64 of bytes, written again here as the test's reference. */
static void fnv_hex(const char *bytes, size_t n, char hex[17])
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)bytes[i];
        h *= 0x100000001b3ull;
    }
    snprintf(hex, 17, "%016llx", (unsigned long long)h);
}

/* ------------------------------------------------------------ 1. learning */

static void test_learning(const ictus_model *m)
{
    static double prob[N_TEST * N_CLASSES];
    ictus_error err;
    CHECK_MSG(ictus_model_predict(m, x_test, N_TEST, prob, &err) == ICTUS_OK, "%s", err.msg);
    int right = 0, right_present = 0, n_present = 0;
    double worst_sum = 0;
    for (int i = 0; i < N_TEST; i++) {
        const double *p = prob + i * N_CLASSES;
        worst_sum = fmax(worst_sum, fabs(p[0] + p[1] + p[2] - 1));
        bool ok = argmax(p) == truth_test[i];
        right += ok;
        if (!isnan(x_test[i * N_FEATURES]) && !isnan(x_test[i * N_FEATURES + 1])) {
            n_present++;
            right_present += ok;
        }
    }
    double acc = (double)right / N_TEST, acc_present = (double)right_present / n_present;
    printf("held-out accuracy %.3f (rows with both deciding features: %.3f of %d)\n", acc,
           acc_present, n_present);
    CHECK_MSG(acc_present > 0.95, "accuracy %.3f with both deciding features", acc_present);
    CHECK_MSG(acc > 0.88, "accuracy %.3f", acc);
    CHECK_NEAR(worst_sum, 0, 0, 1e-6);

    /* The deciding features carry the contributions. */
    double mean_abs[N_FEATURES] = {0};
    for (int i = 0; i < 50; i++)
        for (int c = 0; c < N_CLASSES; c++) {
            double contrib[N_FEATURES + 1];
            CHECK(ictus_model_contributions(m, x_test + i * N_FEATURES, c, contrib, &err) ==
                  ICTUS_OK);
            for (int j = 0; j < N_FEATURES; j++)
                mean_abs[j] += fabs(contrib[j]) / 50;
        }
    for (int j = 2; j < N_FEATURES; j++)
        CHECK_MSG(mean_abs[j] < 0.2 * fmin(mean_abs[0], mean_abs[1]),
                  "feature %d: mean |contribution| %g vs %g, %g", j, mean_abs[j], mean_abs[0],
                  mean_abs[1]);
    CHECK_INT(ictus_model_n_features(m), N_FEATURES);
    CHECK_INT(ictus_model_n_classes(m), N_CLASSES);
    CHECK_STR(ictus_model_feature_name(m, 4), "duration_s");
    CHECK_STR(ictus_model_class_name(m, 2), "hpd");
    CHECK(ictus_model_feature_name(m, N_FEATURES) == NULL);
    CHECK(ictus_model_class_name(m, -1) == NULL);
    CHECK_INT(ictus_model_class_index(m, "convulsive"), 1);
    CHECK_INT(ictus_model_class_index(m, "grooming"), -1);
}

/* ------------------------------------------------------- 5. contributions */

static void test_contributions(const ictus_model *m)
{
    ictus_error err;
    double worst = 0;
    for (int i = 0; i < 40; i++) {
        const float *row = x_test + i * N_FEATURES;
        double prob[N_CLASSES], margin[N_CLASSES], top = -INFINITY, sum = 0;
        CHECK(ictus_model_predict(m, row, 1, prob, &err) == ICTUS_OK);
        for (int c = 0; c < N_CLASSES; c++) {
            double contrib[N_FEATURES + 1];
            CHECK_MSG(ictus_model_contributions(m, row, c, contrib, &err) == ICTUS_OK, "%s",
                      err.msg);
            margin[c] = 0;
            for (int j = 0; j <= N_FEATURES; j++)
                margin[c] += contrib[j];
            top = fmax(top, margin[c]);
        }
        for (int c = 0; c < N_CLASSES; c++)
            sum += exp(margin[c] - top);
        for (int c = 0; c < N_CLASSES; c++)
            worst = fmax(worst, fabs(exp(margin[c] - top) / sum - prob[c]));
    }
    printf("contributions: softmax of the sums vs predict, worst %.2g\n", worst);
    CHECK_NEAR(worst, 0, 0, 1e-5);
}

/* ---------------------------------------------- 2, 3. determinism, files */

static void test_files(ictus_model *a, const char *dir)
{
    ictus_error err;
    const char *pa = support_path(dir, "a.json"), *pb = support_path(dir, "b.json"),
               *pc = support_path(dir, "c.json");
    /* Same rows and seed: same bytes; the hash of a trained model is the saved bytes'. */
    ictus_model *b = train(1, ROUNDS, NULL), *other = train(2, ROUNDS, NULL);
    char hash_before[17];
    snprintf(hash_before, sizeof hash_before, "%s", ictus_model_hash(a));
    CHECK_INT(strlen(hash_before), 16);
    CHECK_MSG(ictus_model_save(a, pa, &err) == ICTUS_OK, "%s", err.msg);
    CHECK(ictus_model_save(b, pb, &err) == ICTUS_OK);
    CHECK_MSG(same_file(pa, pb), "two trainings with seed 1 saved different bytes");
    CHECK_STR(ictus_model_hash(a), hash_before);
    CHECK_STR(ictus_model_hash(b), hash_before);
    CHECK(strcmp(ictus_model_hash(other), hash_before) != 0);
    size_t n;
    char *bytes = file_bytes(pa, &n), hex[17];
    fnv_hex(bytes, n, hex);
    CHECK_STR(ictus_model_hash(a), hex);
    CHECK(n > 0 && bytes[n - 1] == '\n' &&
          strncmp(bytes, "{\"format\":\"ictus-model\",\n", 25) == 0);
    free(bytes);

    /* Meta and calibration change the hash, and survive the round trip. */
    ictus_model_set_meta(a, "trained_on", "synthetic thresholds");
    CHECK(strcmp(ictus_model_hash(a), hash_before) != 0);
    char hash_meta[17];
    snprintf(hash_meta, sizeof hash_meta, "%s", ictus_model_hash(a));
    ictus_model_set_meta(a, "preset", "ihka-mouse");
    ictus_model_set_meta(a, "latin1", "caf\xe9");
    double p_raw[6] = {0.4, 0.5, 0.6, 0.7, 0.8, 0.9};
    int correct[6] = {0, 1, 0, 1, 1, 1};
    ictus_model_fit_calibration(a, p_raw, correct, 6);
    CHECK(strcmp(ictus_model_hash(a), hash_meta) != 0);
    CHECK_STR(ictus_model_meta(a, "trained_on"), "synthetic thresholds");
    CHECK_STR(ictus_model_meta(a, "latin1"), "caf?");
    CHECK(ictus_model_meta(a, "absent") == NULL);
    CHECK(ictus_model_save(a, pa, &err) == ICTUS_OK);

    ictus_model *l = NULL;
    CHECK_MSG(ictus_model_load(pa, &l, &err) == ICTUS_OK, "%s", err.msg);
    if (!l)
        return;
    CHECK_STR(ictus_model_hash(l), ictus_model_hash(a));
    static double pa_prob[N_TEST * N_CLASSES], pl_prob[N_TEST * N_CLASSES];
    CHECK(ictus_model_predict(a, x_test, N_TEST, pa_prob, &err) == ICTUS_OK);
    CHECK(ictus_model_predict(l, x_test, N_TEST, pl_prob, &err) == ICTUS_OK);
    CHECK_MSG(memcmp(pa_prob, pl_prob, sizeof pa_prob) == 0,
              "the loaded model predicts otherwise than the saved one");
    double ca[N_FEATURES + 1], cl[N_FEATURES + 1];
    CHECK(ictus_model_contributions(a, x_test, 2, ca, &err) == ICTUS_OK);
    CHECK(ictus_model_contributions(l, x_test, 2, cl, &err) == ICTUS_OK);
    CHECK(memcmp(ca, cl, sizeof ca) == 0);
    for (double p = 0; p <= 1; p += 0.01)
        CHECK(ictus_model_calibrate(l, p) == ictus_model_calibrate(a, p));
    CHECK_STR(ictus_model_meta(l, "preset"), "ihka-mouse");
    CHECK_STR(ictus_model_class_name(l, 1), "convulsive");
    CHECK_STR(ictus_model_feature_name(l, 5), "spikes");
    CHECK(ictus_model_save(l, pc, &err) == ICTUS_OK);
    CHECK_MSG(same_file(pa, pc), "load + save changed the bytes");
    CHECK_STR(ictus_model_hash(l), ictus_model_hash(a));

    /* Other layouts of the same JSON predict alike: indented (XGBoost reads
     * the booster from the file's own indented text), the booster first,
     * and its key spelled with an escape (the booster written out again). */
    json_t *root = json_load_file(pa, 0, NULL);
    if (CHECK(root != NULL)) {
        const char *pd = support_path(dir, "d.json"), *pe = support_path(dir, "e.json");
        CHECK(json_dump_file(root, pd, JSON_INDENT(3) | JSON_REAL_PRECISION(17)) == 0);
        char *compact = json_dumps(root, JSON_COMPACT | JSON_REAL_PRECISION(17));
        const char *at = strstr(compact, "\"booster\":");
        FILE *f = fopen(pe, "w");
        if (CHECK(at && f)) { /* {"booster":..., the rest} with the key as \u0062ooster */
            fprintf(f, "{ \"\\u0062ooster\" :%.*s,%.*s}", (int)(strlen(at + 10) - 1), at + 10,
                    (int)(at - compact - 2), compact + 1);
            fclose(f);
        }
        free(compact);
        json_decref(root);
        for (int k = 0; k < 2; k++) {
            ictus_model *o = NULL;
            CHECK_MSG(ictus_model_load(k ? pe : pd, &o, &err) == ICTUS_OK, "%s", err.msg);
            if (!o)
                continue;
            CHECK(ictus_model_predict(o, x_test, N_TEST, pl_prob, &err) == ICTUS_OK);
            CHECK_MSG(memcmp(pa_prob, pl_prob, sizeof pa_prob) == 0,
                      "the model in layout %d predicts otherwise", k);
            CHECK(ictus_model_save(o, pc, &err) == ICTUS_OK);
            CHECK_MSG(same_file(pa, pc), "load + save of layout %d changed the bytes", k);
            ictus_model_free(o);
        }
    }

    CHECK_INT(ictus_model_save(a, "/nonexistent-dir/m.json", &err), ICTUS_ERR_IO);
    CHECK(strstr(err.msg, "/nonexistent-dir") != NULL);
    CHECK_INT(ictus_model_predict(a, x_test, 0, pa_prob, &err), ICTUS_OK);
    ictus_model_free(l);
    ictus_model_free(b);
    ictus_model_free(other);
    ictus_model_free(NULL);
}

/* Weights: all 1 are no weights; 0 on every "hpd" row makes "hpd" unlikely. */
static void test_weights(void)
{
    static float w[N_TRAIN];
    for (int i = 0; i < N_TRAIN; i++)
        w[i] = 1;
    ictus_model *plain = train(3, 40, NULL), *ones = train(3, 40, w);
    CHECK_STR(ictus_model_hash(plain), ictus_model_hash(ones));
    for (int i = 0; i < N_TRAIN; i++)
        w[i] = y_train[i] == 2 ? 0 : 1;
    ictus_model *no_hpd = train(3, 40, w);
    static double prob[N_TEST * N_CLASSES];
    ictus_error err;
    double mean_hpd[2] = {0, 0};
    for (int k = 0; k < 2; k++) {
        CHECK(ictus_model_predict(k ? no_hpd : plain, x_test, N_TEST, prob, &err) == ICTUS_OK);
        for (int i = 0; i < N_TEST; i++)
            mean_hpd[k] += prob[i * N_CLASSES + 2] / N_TEST;
    }
    CHECK_MSG(mean_hpd[0] > 0.3, "mean p(hpd) %.3f", mean_hpd[0]);
    CHECK_MSG(mean_hpd[1] < 0.1, "mean p(hpd) %.3f with hpd rows weighted 0", mean_hpd[1]);
    ictus_model_free(plain);
    ictus_model_free(ones);
    ictus_model_free(no_hpd);
}

/* ---------------------------------------------------------- 4. bad input */

/* Write `root` to DIR/NAME (jansson, compact), load it, expect `st` and a
 * message naming the file and holding `what`. */
static void expect_bad(const char *dir, const char *name, json_t *root, const char *text,
                       ictus_status st, const char *what)
{
    const char *path = support_path(dir, name);
    FILE *f = fopen(path, "w");
    if (root) {
        json_dumpf(root, f, JSON_COMPACT | JSON_REAL_PRECISION(17));
        json_decref(root);
    } else {
        fputs(text, f);
    }
    fclose(f);
    ictus_model *m = (ictus_model *)&m; /* not NULL: load must clear it */
    ictus_error err;
    ictus_status got = ictus_model_load(path, &m, &err);
    CHECK_MSG(got == st && m == NULL && strstr(err.msg, path) && strstr(err.msg, what),
              "%s: status %d (want %d), \"%s\" (want \"%s\")", name, got, st,
              got ? err.msg : "", what);
}

static void test_bad_files(const ictus_model *m, const char *dir)
{
    const char *good = support_path(dir, "good.json");
    ictus_error err;
    CHECK(ictus_model_save(m, good, &err) == ICTUS_OK);
    json_t *g = json_load_file(good, 0, NULL);
    if (!CHECK(g != NULL))
        return;
#define COPY() json_deep_copy(g)
    json_t *r;

    ictus_model *none = NULL;
    CHECK_INT(ictus_model_load(support_path(dir, "absent.json"), &none, &err), ICTUS_ERR_IO);
    CHECK(strstr(err.msg, "absent.json") && none == NULL);
    expect_bad(dir, "text.json", NULL, "features: 6\n", ICTUS_ERR_FORMAT, "not JSON");
    expect_bad(dir, "cut.json", NULL, "{\"format\":\"ictus-model\",", ICTUS_ERR_FORMAT,
               "not JSON");
    expect_bad(dir, "twice.json", NULL, "{\"format\":\"ictus-model\",\"format\":\"x\"}",
               ICTUS_ERR_FORMAT, "not JSON");
    expect_bad(dir, "array.json", json_pack("[i]", 1), NULL, ICTUS_ERR_FORMAT,
               "not a JSON object");
    json_object_set_new(r = COPY(), "format", json_string("xgboost"));
    expect_bad(dir, "format.json", r, NULL, ICTUS_ERR_FORMAT, "not a model file");
    json_object_set_new(r = COPY(), "format_version", json_integer(2));
    expect_bad(dir, "v2.json", r, NULL, ICTUS_ERR_UNSUPPORTED, "format_version 2");
    json_object_set_new(r = COPY(), "format_version", json_string("1"));
    expect_bad(dir, "vstr.json", r, NULL, ICTUS_ERR_FORMAT, "format_version");
    const char *keys[] = {"features", "classes", "calibration", "meta", "booster"};
    for (int k = 0; k < 5; k++) {
        char name[64], what[64];
        snprintf(name, sizeof name, "no_%s.json", keys[k]);
        snprintf(what, sizeof what, "no \"%s\"", keys[k]);
        json_object_del(r = COPY(), keys[k]);
        expect_bad(dir, name, r, NULL, ICTUS_ERR_FORMAT, what);
    }
    json_object_set_new(r = COPY(), "extra", json_true());
    expect_bad(dir, "extra.json", r, NULL, ICTUS_ERR_FORMAT, "unknown key \"extra\"");

    json_array_remove(json_object_get(r = COPY(), "features"), 5);
    expect_bad(dir, "features5.json", r, NULL, ICTUS_ERR_FORMAT,
               "the booster has 6 features, \"features\" names 5");
    json_array_set_new(json_object_get(r = COPY(), "features"), 3, json_string("rhythm"));
    expect_bad(dir, "features_twice.json", r, NULL, ICTUS_ERR_FORMAT, "'rhythm' twice");
    json_array_set_new(json_object_get(r = COPY(), "features"), 3, json_integer(3));
    expect_bad(dir, "features_int.json", r, NULL, ICTUS_ERR_FORMAT, "item 3 is not a string");
    json_object_set_new(r = COPY(), "features", json_string("line_length"));
    expect_bad(dir, "features_str.json", r, NULL, ICTUS_ERR_FORMAT, "not a list of names");
    json_array_append_new(json_object_get(r = COPY(), "classes"), json_string("grooming"));
    expect_bad(dir, "classes4.json", r, NULL, ICTUS_ERR_FORMAT,
               "the booster has 3 classes, \"classes\" names 4");
    json_array_set_new(json_object_get(r = COPY(), "classes"), 0, json_string("background"));
    expect_bad(dir, "class0.json", r, NULL, ICTUS_ERR_FORMAT, "not 'none'");

    json_object_set_new(r = COPY(), "calibration", json_pack("{s:[f,f],s:[f,f]}", "x", 0.6,
                                                             0.5, "y", 0.1, 0.2));
    expect_bad(dir, "cal_x.json", r, NULL, ICTUS_ERR_FORMAT, "knots not monotone");
    json_object_set_new(r = COPY(), "calibration", json_pack("{s:[f,f],s:[f,f]}", "x", 0.5,
                                                             0.6, "y", 0.3, 0.2));
    expect_bad(dir, "cal_y.json", r, NULL, ICTUS_ERR_FORMAT, "knots not monotone");
    json_object_set_new(r = COPY(), "calibration", json_pack("{s:[f,f],s:[f]}", "x", 0.5,
                                                             0.6, "y", 0.3));
    expect_bad(dir, "cal_n.json", r, NULL, ICTUS_ERR_FORMAT, "2 x and 1 y");
    json_object_set_new(r = COPY(), "calibration", json_pack("{s:[f],s:[f]}", "x", 0.5, "y",
                                                             1.5));
    expect_bad(dir, "cal_range.json", r, NULL, ICTUS_ERR_FORMAT, "outside [0, 1]");
    json_object_set_new(r = COPY(), "calibration", json_pack("[f]", 0.5));
    expect_bad(dir, "cal_array.json", r, NULL, ICTUS_ERR_FORMAT, "\"calibration\" is not");
    json_object_set_new(r = COPY(), "meta", json_pack("{s:i}", "rows", 1500));
    expect_bad(dir, "meta.json", r, NULL, ICTUS_ERR_FORMAT, "\"rows\" is not a string");

    json_object_set_new(r = COPY(), "booster", json_object());
    expect_bad(dir, "booster_empty.json", r, NULL, ICTUS_ERR_FORMAT, "not an XGBoost model");
    json_object_set_new(json_object_get(json_object_get(json_object_get(r = COPY(), "booster"),
                                                        "learner"),
                                        "objective"),
                        "name", json_string("binary:logistic"));
    expect_bad(dir, "booster_binary.json", r, NULL, ICTUS_ERR_FORMAT,
               "objective binary:logistic");
    json_object_set_new(json_object_get(json_object_get(r = COPY(), "booster"), "learner"),
                        "gradient_booster", json_integer(7));
    expect_bad(dir, "booster_broken.json", r, NULL, ICTUS_ERR_FORMAT,
               "\"booster\": XGBoost could not load the booster");
    json_decref(g);
#undef COPY
}

static void test_bad_training(void)
{
    ictus_model_train_params tp;
    ictus_model_train_defaults(&tp);
    ictus_model *m = (ictus_model *)&m;
    ictus_error err;
    const char *bad_classes[N_CLASSES] = {"seizure", "convulsive", "hpd"};
    const char *twice[N_FEATURES] = {"a", "b", "c", "a", "e", "f"};
    int y_bad[N_TRAIN];
    memcpy(y_bad, y_train, sizeof y_bad);
    y_bad[7] = N_CLASSES;
    float w[N_TRAIN];
    for (int i = 0; i < N_TRAIN; i++)
        w[i] = i == 9 ? -1.0f : 1.0f;
    struct {
        size_t n;
        int n_features, n_classes;
        const char *const *features, *const *classes;
        const int *y;
        const float *w;
        int rounds;
        const char *what;
    } cases[] = {
        {0, N_FEATURES, N_CLASSES, feature_names, class_names, y_train, NULL, 10, "no rows"},
        {N_TRAIN, N_FEATURES, N_CLASSES, feature_names, class_names, y_bad, NULL, 10,
         "row 7: class 3"},
        {N_TRAIN, N_FEATURES, N_CLASSES, feature_names, class_names, y_train, w, 10,
         "row 9: weight -1"},
        {N_TRAIN, N_FEATURES, N_CLASSES, feature_names, bad_classes, y_train, NULL, 10,
         "not 'none'"},
        {N_TRAIN, N_FEATURES, N_CLASSES, twice, class_names, y_train, NULL, 10, "'a' twice"},
        {N_TRAIN, ICTUS_MODEL_MAX_FEATURES + 1, N_CLASSES, feature_names, class_names, y_train,
         NULL, 10, "97 feature names"},
        {N_TRAIN, N_FEATURES, 1, feature_names, class_names, y_train, NULL, 10,
         "1 class names"},
        {N_TRAIN, N_FEATURES, N_CLASSES, feature_names, class_names, y_train, NULL, 0,
         "rounds < 1"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        tp.rounds = cases[k].rounds;
        ictus_status st = ictus_model_train(&tp, x_train, cases[k].y, cases[k].w, cases[k].n,
                                            cases[k].n_features, cases[k].features,
                                            cases[k].n_classes, cases[k].classes, &m, &err);
        CHECK_MSG(st == ICTUS_ERR_CONFIG && m == NULL && strstr(err.msg, cases[k].what),
                  "case %zu: status %d, \"%s\" (want \"%s\")", k, st, st ? err.msg : "",
                  cases[k].what);
    }
    /* XGBoost's own refusal: an infinite value. */
    static float x_inf[N_TRAIN * N_FEATURES];
    memcpy(x_inf, x_train, sizeof x_inf);
    x_inf[11] = INFINITY;
    tp.rounds = 2;
    ictus_status st = ictus_model_train(&tp, x_inf, y_train, NULL, N_TRAIN, N_FEATURES,
                                        feature_names, N_CLASSES, class_names, &m, &err);
    CHECK_MSG(st == ICTUS_ERR_DATA && m == NULL && strstr(err.msg, "XGBoost"),
              "infinite x: status %d, \"%s\"", st, st ? err.msg : "");
}

/* ---------------------------------------------------------- 6. calibration */

/* The saved file's calibration knots, parsed back. */
static json_t *saved_calibration(const ictus_model *m, const char *dir)
{
    const char *path = support_path(dir, "cal.json");
    ictus_error err;
    CHECK(ictus_model_save(m, path, &err) == ICTUS_OK);
    json_t *root = json_load_file(path, 0, NULL);
    json_t *cal = json_incref(json_object_get(root, "calibration"));
    json_decref(root);
    return cal;
}

static double next_double(char **s)
{
    return strtod(*s, s);
}

static void test_calibration_fixture(ictus_model *m, const char *dir)
{
    FILE *f = fopen(FIXTURE, "r");
    if (!CHECK_MSG(f != NULL, "%s: cannot open (run from the project root)", FIXTURE))
        return;
    char *line = NULL;
    size_t cap = 0;
    int cases = 0;
    while (getline(&line, &cap, f) > 0) {
        if (strncmp(line, "isotonic ", 9) != 0)
            continue;
        char name[64], *s = line + 9;
        int used = 0;
        sscanf(s, "%63s %n", name, &used);
        s += used;
        size_t n = (size_t)strtol(s, &s, 10);
        double *p = calloc(n, sizeof *p);
        int *correct = calloc(n, sizeof *correct);
        for (size_t i = 0; i < n; i++)
            p[i] = next_double(&s);
        for (size_t i = 0; i < n; i++)
            correct[i] = (int)strtol(s, &s, 10);
        ictus_model_fit_calibration(m, p, correct, n);
        size_t k = (size_t)strtol(s, &s, 10);
        json_t *cal = saved_calibration(m, dir);
        json_t *kx = json_object_get(cal, "x"), *ky = json_object_get(cal, "y");
        CHECK_MSG(json_array_size(kx) == k && json_array_size(ky) == k,
                  "%s: %zu knots, the reference %zu", name, json_array_size(kx), k);
        double *ref = calloc(2 * k, sizeof *ref);
        for (size_t i = 0; i < 2 * k; i++)
            ref[i] = next_double(&s);
        for (size_t i = 0; i < k && i < json_array_size(kx); i++) {
            CHECK_NEAR(json_real_value(json_array_get(kx, i)), ref[i], 0, 1e-12);
            CHECK_NEAR(json_real_value(json_array_get(ky, i)), ref[k + i], 0, 1e-12);
        }
        size_t q = (size_t)strtol(s, &s, 10);
        double *qx = calloc(q, sizeof *qx);
        for (size_t i = 0; i < q; i++)
            qx[i] = next_double(&s);
        for (size_t i = 0; i < q; i++)
            CHECK_NEAR(ictus_model_calibrate(m, qx[i]), next_double(&s), 0, 1e-12);
        json_decref(cal);
        free(p);
        free(correct);
        free(ref);
        free(qx);
        cases++;
    }
    free(line);
    fclose(f);
    CHECK_INT(cases, 5);
}

static void test_calibration(ictus_model *m, const char *dir)
{
    CHECK(ictus_model_calibrate(m, 0.37) == 0.37); /* the identity before any fit */
    test_calibration_fixture(m, dir);

    /* Ties pooled before the violators: (0.5: 1 of 3) then (0.5 < 0.7: 2 of 2). */
    double p_tie[5] = {0.5, 0.5, 0.5, 0.7, 0.7};
    int c_tie[5] = {1, 0, 0, 1, 1};
    ictus_model_fit_calibration(m, p_tie, c_tie, 5);
    CHECK_NEAR(ictus_model_calibrate(m, 0.5), 1.0 / 3, 0, 1e-15);
    CHECK_NEAR(ictus_model_calibrate(m, 0.6), 2.0 / 3, 0, 1e-15);
    CHECK_NEAR(ictus_model_calibrate(m, 0.1), 1.0 / 3, 0, 1e-15);
    CHECK_NEAR(ictus_model_calibrate(m, 0.99), 1, 0, 1e-15);
    ictus_model_fit_calibration(m, p_tie, c_tie, 0);
    CHECK(ictus_model_calibrate(m, 0.61) == 0.61);

    /* ECE by hand, 10 bins: {0.05: 0 of 1} |0.05 - 0| x 1/5, {0.15, 0.15: 1 of 2}
     * |0.15 - 0.5| x 2/5, {0.95, 1.0: 2 of 2} |0.975 - 1| x 2/5; sum 0.16. */
    double p_ece[5] = {0.05, 0.15, 0.15, 0.95, 1.0};
    int c_ece[5] = {0, 1, 0, 1, 1};
    CHECK_NEAR(ictus_calibration_error(p_ece, c_ece, 5, 10), 0.16, 0, 1e-12);
    double p_half[4] = {0.5, 0.5, 0.5, 0.5};
    int c_half[4] = {1, 0, 1, 0};
    CHECK_NEAR(ictus_calibration_error(p_half, c_half, 4, 10), 0, 0, 1e-15);
    CHECK_NEAR(ictus_calibration_error(p_ece, c_ece, 5, 1), 0.14, 0, 1e-12); /* |2.3 - 3| / 5 */
    CHECK(ictus_calibration_error(p_ece, c_ece, 0, 10) == 0);

    /* Recovery: correct ~ Bernoulli(g(p)), g(p) = 0.05 + 0.9 p^2. */
    enum { N_REC = 40000 };
    static double p_rec[N_REC];
    static int c_rec[N_REC];
    for (int i = 0; i < N_REC; i++) {
        p_rec[i] = uniform();
        c_rec[i] = uniform() < 0.05 + 0.9 * p_rec[i] * p_rec[i];
    }
    ictus_model_fit_calibration(m, p_rec, c_rec, N_REC);
    double worst = 0, prev = -1;
    for (int k = 1; k <= 19; k++) {
        double p = k * 0.05, got = ictus_model_calibrate(m, p);
        worst = fmax(worst, fabs(got - (0.05 + 0.9 * p * p)));
        CHECK(got >= prev);
        prev = got;
    }
    printf("calibration recovers g within %.3f on 0.05..0.95 (%d pairs)\n", worst, N_REC);
    CHECK_MSG(worst < 0.05, "calibration off g by %.3f", worst);
}

/* ---------------------------------------------------------------- 7. threads */

static int process_threads(void)
{
    DIR *d = opendir("/proc/self/task");
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
    return n;
}

typedef struct {
    const ictus_model *m;
    const double *want;
    int mismatches;
} predictor;

static void *predict_again(void *arg)
{
    predictor *p = arg;
    static _Thread_local double got[N_TEST * N_CLASSES];
    ictus_error err;
    for (int r = 0; r < 10; r++) {
        if (ictus_model_predict(p->m, x_test, N_TEST, got, &err) != ICTUS_OK ||
            memcmp(got, p->want, sizeof got) != 0)
            p->mismatches++;
        double contrib[N_FEATURES + 1];
        if (ictus_model_contributions(p->m, x_test + r * N_FEATURES, 1, contrib, &err) !=
            ICTUS_OK)
            p->mismatches++;
    }
    return NULL;
}

static void test_threads(const ictus_model *m)
{
    static double want[N_TEST * N_CLASSES];
    ictus_error err;
    CHECK(ictus_model_predict(m, x_test, N_TEST, want, &err) == ICTUS_OK);
    predictor p[2] = {{m, want, 0}, {m, want, 0}};
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, predict_again, &p[i]);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    CHECK_INT(p[0].mismatches + p[1].mismatches, 0);
}

int main(void)
{
    int threads_at_start = process_threads();
    char *dir = support_tmpdir("model");
    make_rows(N_TRAIN, x_train, y_train, truth_train);
    make_rows(N_TEST, x_test, y_test, truth_test);
    char hex[17];
    fnv_hex("a", 1, hex); /* the reference's own check: FNV-1a 64 of "a" */
    CHECK_STR(hex, "af63dc4c8601ec8c");

    /* m: the full model; small: 5 rounds, for calibration and bad files. */
    ictus_model *m = train(1, ROUNDS, NULL), *small = train(4, 5, NULL);
    if (m && small) {
        test_learning(m);
        test_contributions(m);
        test_files(m, dir);
        test_calibration(small, dir);
        test_bad_files(small, dir);
    }
    test_weights();
    test_bad_training();
    /* Training, loading and predicting started no thread (OpenMP's pool);
     * counted before the test starts its own (ThreadSanitizer then adds one). */
    CHECK_INT(process_threads(), threads_at_start);
    if (m)
        test_threads(m);
    ictus_model_free(m);
    ictus_model_free(small);
    support_tmpdir_remove(dir);
    return check_done("test_model");
}
