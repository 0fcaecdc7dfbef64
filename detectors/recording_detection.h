/* recording_detection.h: the whole detection of one recording: features → detector →
 * events, plus the analysable time of each channel and of the animal.
 *
 * This is what `ictus detect` and the nightly job run per file.  Memory is
 * the analyzer's and the detector's fixed state plus the events and the
 * per-minute QC buckets of this recording.
 */
#ifndef ICTUS_DETECT_H
#define ICTUS_DETECT_H

#include <stdint.h>
#include <stdio.h>

#include "detectors/detector.h"
#include "detectors/preset.h"
#include "pipeline/event.h"
#include "pipeline/qc.h"
#include "pipeline/source/source.h"
#include "base/status.h"

typedef struct {
    ictus_event *events;  /* in order of start */
    int n_events;
    ictus_qc *qc;         /* analysable time per analysed channel and for the animal */
    int n_channels;       /* analysed channels */
    int *channels;        /* their source channel indices */
    char chain[256];      /* the first channel's stages, for provenance */
} ictus_detection;

typedef struct {
    int n_threads;                /* analyzer worker threads (1: all on the calling thread) */
    const char *const *channels;  /* labels to analyse, or NULL: every EEG channel */
    int n_channels;
    const int64_t *stim_us;       /* extra stimulation onsets (µs from the recording start) */
    int n_stim;
    FILE *explain;                /* NULL, or where to explain each candidate (detector.h) */
    ictus_candidate_sink candidates; /* NULL, or where every admitted candidate goes with its
                                        features (detector.h; ictus train) */
    void *candidates_ctx;
} ictus_detect_options;

/* Detect seizures in `src` (read from its current position to the end).
 * On success *out holds the results (free with ictus_detection_destroy). */
ictus_status ictus_detect(ictus_source *src, const ictus_preset *preset,
                          const ictus_detect_options *opt, ictus_detection **out,
                          ictus_error *err);
void ictus_detection_destroy(ictus_detection *d); /* NULL is a no-op */

#endif
