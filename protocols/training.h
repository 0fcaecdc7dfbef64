/* training.h: the learned stage's training data from study directories
 * (`ictus train`).
 *
 * Every recording of recordings.csv (one row per animal and file) is read
 * through the study's channel map and detected with the preset's rules
 * proposing; every candidate they admit (detector.h's candidate sink) goes
 * into the training set (detectors/learned/train.h) with its feature vector,
 * and the recording's reference events with it.  Where the labels come
 * from, the first that exists unless the caller names one:
 *   truth        STUDY/truth.csv, in annotations.csv's format (`ictus synth`
 *                writes it: every seizure);
 *   annotations  STUDY/annotations.csv: every seizure of the recordings it
 *                names (a recording it does not name is left out);
 *   reviews      the current decisions stored in STUDY/ictus.db (what
 *                `ictus reviews export` writes): confirmed events are
 *                seizures of their (corrected) type and edges, added events
 *                too, rejected ones are not; unsure ones are left out; only
 *                reviewed recordings are used, and a candidate nobody
 *                reviewed is unknown, not a negative (partial labels: the
 *                figures are the calibration and the candidates', no
 *                event-level table for those recordings).
 * A label's time is seconds from its recording's start, or a naive local
 * time matched to the animal's recordings.
 *
 * A recording that cannot be read is a note (the rest goes on).  Memory:
 * the candidates (ICTUS_CF_N floats each) and the labels.
 */
#ifndef ICTUS_TRAINING_H
#define ICTUS_TRAINING_H

#include <stdio.h>

#include "detectors/learned/train.h"
#include "detectors/preset.h"
#include "base/status.h"

typedef enum {
    ICTUS_LABELS_AUTO = 0,
    ICTUS_LABELS_TRUTH,
    ICTUS_LABELS_ANNOTATIONS,
    ICTUS_LABELS_REVIEWS,
} ictus_label_source;

typedef struct {
    ictus_label_source labels;
    int threads;              /* analyzer threads per recording */
    FILE *log;                /* one line per recording and per problem, or NULL */
} ictus_training_options;

/* Add study `dir`'s recordings, candidates and labels to `set`, detecting
 * with `preset` (its rules; any model it has is not used for the labels).
 * Returns the problems met (recordings that could not be read, rejected
 * label rows) in *n_problems; fails only when the study itself cannot be
 * read or has no labels of the kind asked for. */
ictus_status ictus_training_add_study(ictus_train_set *set, const char *dir,
                                      const ictus_preset *preset,
                                      const ictus_training_options *o, int *n_problems,
                                      ictus_error *err);

#endif
