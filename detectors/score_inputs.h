/* score_inputs.h: what `ictus score` scores: the truth and the detections
 * read from their CSV files, grouped per recording, with each recording's
 * length and animal from its header, found where the user keeps recordings.
 *
 * Inputs (README, `ictus score`):
 *   - truth and predictions: CSV with start_s,end_s and a recording column
 *     (matched by file name, without directories), or start,end as ISO
 *     times with a recording or an animal column; an optional type column;
 *   - recordings: with `recordings_dir` (--recordings DIR), every recording
 *     in DIR and DIR/recordings is scored, with or without events, and a
 *     recording named in the CSVs but not there is a problem; without it,
 *     recordings named in the CSVs are looked for beside the truth file,
 *     beside the predictions and in the folder above the predictions (a
 *     study's truth.csv sits in the study folder, its events.csv in
 *     STUDY/out), each folder also with /recordings appended, and one found
 *     nowhere is scored over the span of its events with its length unknown
 *     (a warning).
 * A recording's animal: the CSVs' animal column, else its header's
 * (pipeline/source/recording_name.h), else its file name.
 *
 * A row's times must lie within ICTUS_MAX_OFFSET_S (base/limits.h: 10
 * years) of its recording's start, before or after.
 *
 * What goes wrong with a row or a recording does not stop the load: it
 * becomes a note, in the order met, for the caller to show.
 *
 * Lifecycle: ictus_score_inputs_load() → ictus_score_inputs_tables() →
 * ictus_score_inputs_destroy().
 */
#ifndef ICTUS_SCORE_INPUTS_H
#define ICTUS_SCORE_INPUTS_H

#include <stdbool.h>
#include <stdint.h>

#include "base/path.h"
#include "base/status.h"
#include "detectors/score.h"

/* What is known of a recording's header. */
typedef enum {
    ICTUS_SCORE_HEADER_UNREAD = 0,
    ICTUS_SCORE_HEADER_READ,
    ICTUS_SCORE_HEADER_BROKEN,  /* found but unreadable: not scored */
    ICTUS_SCORE_HEADER_MISSING, /* found nowhere: scored over its events' span, length unknown */
} ictus_score_header;

/* One recording being scored. */
typedef struct {
    char *name;                   /* file name without directories: the key (owned) */
    char path[ICTUS_PATH_MAX];    /* where it can be read, "" when not found */
    char *animal;                 /* owned; NULL until known (always known after the load) */
    int64_t start_us, duration_us; /* from the header, when read */
    ictus_score_header header;
    ictus_interval *ref, *hyp;    /* truth and detections, seconds from its start */
    size_t n_ref, n_hyp, cap_ref, cap_hyp;
} ictus_score_recording;

/* One thing to tell the user: a line without "ictus: " (a warning starts
 * with "warning: "). */
typedef struct {
    char *text;
    bool problem;                 /* counts as a problem of the scoring (exit 1) */
} ictus_score_note;

typedef struct {
    ictus_score_recording *recs;  /* in the order first met */
    int n_recs;
    size_t cap_recs;
    ictus_score_note *notes;      /* in the order met */
    int n_notes;
    size_t cap_notes;
    bool problems;                /* some note is a problem */
    bool strict;                  /* recordings_dir was given */
} ictus_score_inputs;

/* Where the inputs are. */
typedef struct {
    const char *truth_path;       /* the reference events */
    const char *pred_path;        /* the detections */
    const char *recordings_dir;   /* --recordings, or NULL: look beside the CSVs */
    const char *type;             /* score only events of this type (both sides), or NULL */
} ictus_score_sources;

/* Read both CSVs and locate every recording into a new *out.  Fails only
 * when a CSV cannot be read at all (its status, err naming the file) or
 * lacks the columns above (ICTUS_ERR_FORMAT: the file, what it needs and the
 * columns it has), both checked before anything is scored; then *out is
 * NULL. */
ictus_status ictus_score_inputs_load(const ictus_score_sources *src, ictus_score_inputs **out,
                                     ictus_error *err);

/* Score every recording that can be scored (not unreadable, and found when
 * recordings_dir was given) into the event and the sample
 * tables (per animal), with the tolerances of `p`.  A recording whose length
 * is unknown is scored over the span of its events with duration nan. */
void ictus_score_inputs_tables(const ictus_score_inputs *in, const ictus_score_params *p,
                               ictus_score_table *events, ictus_score_table *samples);

void ictus_score_inputs_destroy(ictus_score_inputs *in); /* NULL is a no-op */

#endif
