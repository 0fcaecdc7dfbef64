/* train.h: training the learned stage and measuring it: labelled candidates
 * grouped by animal, cross-validation by animal, the final model with its
 * calibration, and the event-level figures (per-type F1, false positives
 * per 24 h, calibration error) of the model beside the rules alone.
 *
 * A training set holds recordings (each of one animal, with its length and
 * its reference events by class) and the candidates the rules proposed in
 * them (ictus_detect's candidate sink: edges and feature vector, and the
 * rule that named it).  A candidate's label is the class of the reference
 * event it overlaps longest, "none" (0) when it overlaps none, and it is
 * left out (label -1) when it overlaps only events of a type the classes
 * lack, or when its recording's labels are partial (reviews: a candidate
 * nobody reviewed is unknown, not a negative).
 *
 * Evaluation turns candidates into events exactly as the detector does
 * (second_stage.h for the model, the rules' own verdict for the rules
 * alone) and scores them per recording against the reference events with
 * score.h (event scoring), pooled and per animal.
 *
 * Cross-validation: the animals are dealt into k folds (at most one per
 * animal); each fold's candidates are predicted by a model trained on the
 * other folds, so no animal is ever in its own training data.  The honest
 * calibration error: each fold's out-of-fold probabilities are calibrated
 * by an isotonic map fitted on the other folds' out-of-fold probabilities.
 * The final model is trained on every candidate, and its calibration is
 * fitted on all the out-of-fold probabilities.
 *
 * Lifecycle: ictus_train_set_create() → add recordings, truth, candidates →
 * ictus_train_set_label() → ictus_train_cross_validate() /
 * ictus_train_evaluate() / ictus_train_final() → destroy.  One thread.
 */
#ifndef ICTUS_TRAIN_H
#define ICTUS_TRAIN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "detectors/detector_params.h"
#include "detectors/learned/model.h"
#include "detectors/score.h"
#include "base/status.h"

typedef struct ictus_train_set ictus_train_set;

/* classes[0] must be "none"; the others, type names of the preset. */
ictus_train_set *ictus_train_set_create(int n_classes, const char *const *classes);
void ictus_train_set_destroy(ictus_train_set *s); /* NULL is a no-op */

/* A recording of `animal` (copied), duration_s long; partial: its
 * reference events are not every seizure (reviews).  Returns its index. */
int ictus_train_set_recording(ictus_train_set *s, const char *animal, const char *name,
                              double duration_s, bool partial);
/* A reference event of type `type` (seconds from the recording start). */
void ictus_train_set_truth(ictus_train_set *s, int rec, double start_s, double end_s,
                           const char *type);
/* A reviewed non-seizure (a rejected event): candidates overlapping it are
 * labelled none even in a partial recording. */
void ictus_train_set_negative(ictus_train_set *s, int rec, double start_s, double end_s);
/* A candidate of recording rec: edges, features x[ICTUS_CF_N], the rule. */
void ictus_train_set_candidate(ictus_train_set *s, int rec, double start_s, double end_s,
                               const float *x, int rule);

/* Label every candidate (above).  Call once, after everything is added, and
 * before anything below. */
void ictus_train_set_label(ictus_train_set *s);

/* Counts for a summary line. */
typedef struct {
    int n_animals, n_recordings;
    double hours;
    int64_t n_candidates, n_labelled;
    int64_t per_class[ICTUS_MODEL_MAX_CLASSES]; /* labelled candidates per class */
    int64_t n_truth, n_truth_unproposed;        /* reference events; those no candidate overlaps */
} ictus_train_summary;
void ictus_train_set_summary(const ictus_train_set *s, ictus_train_summary *out);

/* Event-level figures of one way of deciding. */
typedef struct {
    ictus_score_counts per_class[ICTUS_MODEL_MAX_CLASSES]; /* [0]: every type together */
    double min_animal_f1;   /* the lowest per-animal F1 (every type together; NaN: none) */
    char min_animal[64];    /* that animal */
} ictus_train_scores;

/* The labelled candidates' own figures: a candidate the decision made an
 * event of its label's type is a TP, an event of another type (or of a
 * none) an FP, a seizure it missed an FN. */
typedef struct {
    int64_t tp, fp, fn;
} ictus_candidate_counts;

typedef struct {
    ictus_candidate_counts model_candidates, rules_candidates;
    ictus_train_scores model, rules;  /* scored with the preset's tolerances */
    ictus_train_scores model_szcore, rules_szcore; /* ... and with SzCORE's defaults */
    double ece;             /* expected calibration error of the candidates' scores (10 bins) */
    int64_t n_scored;       /* candidates the ECE is over */
} ictus_train_report;

/* Cross-validate over `folds` folds by animal (seed: the deal and the
 * boosting); p gives the types' duration limits and min_score; sp the
 * preset's tolerances.  Fails when fewer than 2 animals have labelled
 * candidates, or on XGBoost's errors. */
ictus_status ictus_train_cross_validate(ictus_train_set *s, const ictus_detector_params *p,
                                        const ictus_score_params *sp,
                                        const ictus_model_train_params *tp, int folds,
                                        ictus_train_report *out, ictus_error *err);

/* Score a trained model (p->classifier) on the set, beside the rules; its
 * probabilities are kept as the candidates' (ictus_train_set_write_csv). */
ictus_status ictus_train_evaluate(ictus_train_set *s, const ictus_detector_params *p,
                                  const ictus_score_params *sp, ictus_train_report *out,
                                  ictus_error *err);

/* Train on every labelled candidate; the calibration from the out-of-fold
 * probabilities of the last ictus_train_cross_validate() on s (identity
 * when there was none).  *out is the caller's. */
ictus_status ictus_train_final(ictus_train_set *s, const ictus_detector_params *p,
                               const ictus_model_train_params *tp, ictus_model **out,
                               ictus_error *err);

/* Write every candidate as a CSV row (recording, animal, start_s, end_s,
 * rule, label: the class name or empty when left out, fold and the
 * out-of-fold probability of each class after a cross-validation, empty
 * before, then every feature): what the model learned from, for a look in
 * any other tool. */
ictus_status ictus_train_set_write_csv(const ictus_train_set *s, const ictus_detector_params *p,
                                       const char *path, ictus_error *err);

/* Print the report as a table (types named by the set's classes). */
void ictus_train_report_print(const ictus_train_set *s, const ictus_train_report *r, FILE *f);

#endif
