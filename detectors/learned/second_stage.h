/* second_stage.h: the learned second stage's verdict on one spontaneous
 * candidate (issue 12: the rules propose, the model decides).
 *
 * A candidate that passes the detector-wide limits ([detector]
 * min_duration_s, max_artefact_fraction) gets its feature vector
 * (cand_features.h) and the model's class probabilities (model.h: "none"
 * and the preset's types).  Of the type classes whose definition the
 * candidate meets (the part of a [type.NAME] rule that stays a rule:
 * duration, max_emg_fraction, primary; typing.h ictus_type_definition_fits:
 * a 10 s event is no convulsive seizure and a muscle burst no HPD however
 * they look, and no model trained without some artefact can learn that),
 * the most probable names it; its score is that probability calibrated, i.e. the
 * probability that the event is a true seizure of that type, and the event
 * is kept when the score reaches [classifier] min_score.  The other type
 * limits (ratios, spikes, channels, post-ictal) no longer decide: the
 * rules' verdict is one of the features.
 *
 * Pure apart from the model (thread safety: model.h).
 */
#ifndef ICTUS_SECOND_STAGE_H
#define ICTUS_SECOND_STAGE_H

#include <stdio.h>

#include "detectors/detector_params.h"
#include "detectors/learned/model.h"
#include "detectors/typing.h"

/* The isotonic map is a staircase: many events would share a score (1.000
 * for every sure one).  The score keeps this much of the raw probability,
 * so that it orders events as the model does (a reviewer working from the
 * lowest score up meets them in the model's order) and moves the
 * calibration by at most this much. */
#define ICTUS_SCORE_TIE_BREAK 1e-3

typedef struct {
    int rule;        /* index into p->type of the type it is given; -1: dropped */
    int cls;         /* the model's class behind it (the best type class that fits), -1: none */
    double p_raw;    /* the model's probability of that class */
    double score;    /* calibrated: the probability it is a true seizure of that type (with
                        ICTUS_SCORE_TIE_BREAK of the raw one) */
    int n_classes;
    double prob[ICTUS_MODEL_MAX_CLASSES]; /* every class's raw probability */
    char reason[288];/* dropped: why */
} ictus_verdict;

/* The verdict on a candidate with measures m (which passed
 * ictus_candidate_admitted) and features x[ICTUS_CF_N]; p->classifier set. */
ictus_status ictus_second_stage_decide(const ictus_detector_params *p,
                                       const ictus_event_measures *m, const float *x,
                                       ictus_verdict *v, ictus_error *err);

/* The verdict from class probabilities already computed (prob[] of m's
 * classes) for a candidate with features x: what decide() does after
 * predicting; m gives the class names and the calibration. */
void ictus_second_stage_choose(const ictus_detector_params *p, const ictus_model *m,
                               const double *prob, const float *x, ictus_verdict *v);

/* For --explain: one line with the probabilities, the score and the
 * features that decided most (SHAP contributions to the chosen class, or
 * to "none" when dropped), then one line with every feature's value. */
void ictus_second_stage_explain(const ictus_detector_params *p, const float *x,
                                const ictus_verdict *v, FILE *f);

#endif
