/* model.h: the learned second stage's classifier (issue 12): a gradient-
 * boosted tree ensemble (XGBoost's C API, multi:softprob) over a candidate's
 * feature vector, with its isotonic calibration, stored as one versioned
 * data file beside the presets (detectors/models/NAME.json).
 *
 * The file is one JSON object (jansson):
 *   {"format": "ictus-model", "format_version": 1,
 *    "features": ["duration_s", ...],      the feature names, in column order
 *    "classes": ["none", "convulsive", "hpd"], class 0 is always "none"
 *    "calibration": {"x": [...], "y": [...]}, the isotonic map's knots (below;
 *                                          none: the identity)
 *    "meta": {"key": "text", ...},          free text: preset, trained_on, cv figures ...
 *    "booster": { XGBoost's own JSON model }}
 * one top-level key a line, in this order, each value compact, reals with 17
 * significant digits (so load(save(m)) predicts exactly as m does).  Its hash
 * (64-bit FNV-1a of the file's bytes, 16 hex digits) joins the preset's
 * parameter hash, so a new model makes stored results stale.
 *
 * Calibration: the model's raw probability of the class it predicts
 * (the highest non-"none" class) is mapped through a monotone piecewise-
 * linear function fitted by isotonic regression (pool adjacent violators)
 * on out-of-fold predictions: x the raw probability, y the observed share
 * of correct predictions.  One knot per level of the fit (x the mean raw
 * probability of its pairs, y their share correct; equal raw probabilities
 * are pooled first); between knots linear, outside clamped.
 *
 * Lifecycle: ictus_model_train() or ictus_model_load() → predict / explain
 * → ictus_model_free().  A loaded model is read-only: predict and explain
 * may be called from several threads at once (they serialise on the
 * booster internally and run XGBoost with one thread).
 */
#ifndef ICTUS_MODEL_H
#define ICTUS_MODEL_H

#include <stddef.h>

#include "base/status.h"

#define ICTUS_MODEL_MAX_CLASSES 9
#define ICTUS_MODEL_MAX_FEATURES 96

typedef struct ictus_model ictus_model;

/* How to train (ictus_model_train_defaults fills the defaults in brackets). */
typedef struct {
    int rounds;            /* boosting rounds (300) */
    int max_depth;         /* (4) */
    double eta;            /* learning rate (0.08) */
    double subsample;      /* row subsampling per tree (0.8) */
    double colsample;      /* column subsampling per tree (0.8) */
    double min_child_weight; /* (2) */
    double lambda;         /* L2 regularisation (1) */
    unsigned seed;         /* (1); with the same data and seed the model is bit-identical */
    int threads;           /* XGBoost threads for training (1) */
} ictus_model_train_params;

void ictus_model_train_defaults(ictus_model_train_params *tp);

/* Train on n rows: x[i * n_features + j] is feature j of row i (NaN:
 * missing, XGBoost's default direction), y[i] in [0, n_classes) its class,
 * weight[i] its weight (NULL: 1).  Names are copied.  The model has no
 * calibration yet (identity) and empty meta.  Errors: ICTUS_ERR_CONFIG for
 * a bad shape (no rows, a class out of range, too many features or
 * classes, a name empty or twice, class 0 not "none", a weight < 0, a
 * parameter out of range), ICTUS_ERR_DATA for XGBoost's own failures (its
 * message; e.g. an infinite x). */
ictus_status ictus_model_train(const ictus_model_train_params *tp, const float *x,
                               const int *y, const float *weight, size_t n, int n_features,
                               const char *const *feature_names, int n_classes,
                               const char *const *class_names, ictus_model **out,
                               ictus_error *err);

/* Read a model file; errors name the file and what is wrong with it:
 * ICTUS_ERR_IO (cannot read), ICTUS_ERR_UNSUPPORTED (another
 * format_version), ICTUS_ERR_FORMAT (anything else: not JSON, a key missing
 * or unknown, names, calibration knots not monotone or outside [0, 1], a
 * booster XGBoost cannot load or whose feature or class count differs).
 * The booster's trees are read by XGBoost alone, from the file's text (the
 * rest by jansson); when anything fails, the whole file is read by jansson
 * again, for the error. */
ictus_status ictus_model_load(const char *path, ictus_model **out, ictus_error *err);

/* Write the model (JSON as above, keys in a fixed order, so the same model
 * gives the same bytes), atomically (base/outfile.h).  Not while another
 * thread reads the hash. */
ictus_status ictus_model_save(const ictus_model *m, const char *path, ictus_error *err);

void ictus_model_free(ictus_model *m); /* NULL is a no-op */

int ictus_model_n_features(const ictus_model *m);
int ictus_model_n_classes(const ictus_model *m);
const char *ictus_model_feature_name(const ictus_model *m, int j);
const char *ictus_model_class_name(const ictus_model *m, int c);
/* The class index of `name`, -1 when the model has none. */
int ictus_model_class_index(const ictus_model *m, const char *name);
/* 16 hex digits: of the file's bytes as loaded or as last saved; of the
 * bytes it would save for a model trained, or changed (meta, calibration),
 * and not yet saved. */
const char *ictus_model_hash(const ictus_model *m);

/* Set a meta entry (copied; replaces one of the same key; in text that is
 * not UTF-8 every non-ASCII byte becomes '?'). */
void ictus_model_set_meta(ictus_model *m, const char *key, const char *value);
/* NULL when absent. */
const char *ictus_model_meta(const ictus_model *m, const char *key);

/* Raw class probabilities of n rows (prob[i * n_classes + c]; they sum to 1;
 * n = 0 does nothing).  ICTUS_ERR_DATA for XGBoost's failures. */
ictus_status ictus_model_predict(const ictus_model *m, const float *x, size_t n, double *prob,
                                 ictus_error *err);

/* Fit the calibration from n out-of-fold pairs: p_raw[i] the raw
 * probability of the predicted class, correct[i] 1 when it was right.
 * Replaces any earlier calibration.  A NaN p_raw is left out, others are
 * clamped to [0, 1]; n = 0 leaves the identity. */
void ictus_model_fit_calibration(ictus_model *m, const double *p_raw, const int *correct,
                                 size_t n);
/* The calibrated probability for a raw one (identity before any fit). */
double ictus_model_calibrate(const ictus_model *m, double p_raw);

/* Per-feature contributions (SHAP values, XGBoost pred_contribs) of one row
 * to class c's margin: contrib[j] for feature j, contrib[n_features] the
 * bias; they sum to the class's raw margin.  c must be a class of m. */
ictus_status ictus_model_contributions(const ictus_model *m, const float *x, int c,
                                       double *contrib, ictus_error *err);

/* Expected calibration error of n predictions: bins equal-width bins on
 * [0, 1] (p = 1 in the last); sum over bins of (bin count / n) x
 * |mean p - share correct|.  A NaN p is left out; no p: 0; bins < 1: NaN. */
double ictus_calibration_error(const double *p, const int *correct, size_t n, int bins);

#endif
