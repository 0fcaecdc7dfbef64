/* qc.h: analysable time and artefact counts of a recording, per channel
 * and for the animal, in fixed buckets (60 s) from the recording start.
 *
 * Seizure rates are per analysable hour (DOMAIN.md §6): time where the
 * recording is present and the window is free of artefacts.  Each analysis
 * window stands for its central hop (window k covers
 * [k hop + (win - hop)/2, + hop)), so clean windows add up to clean time
 * without double counting; a window counts in the bucket holding its centre.
 * The animal series ("*") counts a window as clean when every analysed
 * channel is present and clean.
 *
 * Lifecycle: create → add_window() per decided window → read the arrays →
 * destroy.  Memory: a few bytes per bucket and series (24 h = 1440 buckets).
 */
#ifndef ICTUS_QC_H
#define ICTUS_QC_H

#include <stdint.h>

#include "pipeline/features/features.h"
#include "pipeline/source/source.h"

#define ICTUS_QC_BUCKET_US (60 * INT64_C(1000000))

typedef struct {
    int64_t bucket_us;            /* ICTUS_QC_BUCKET_US */
    int64_t n_buckets;            /* buckets from the recording start to its end */
    int n_series;                 /* analysed channels, then the animal ("*") */
    char (*label)[ICTUS_LABEL_MAX];
    uint16_t *analysable_ds;      /* [s * n_buckets + b]: clean time in tenths of a second */
    uint16_t *windows;            /* [s * n_buckets + b]: windows with data */
    uint16_t *artefact;           /* [(s * ICTUS_N_ART + kind) * n_buckets + b]: windows with
                                     artefact flag bit `kind` */
    double hop_s, win_s;
} ictus_qc;

/* Buckets for a recording of duration_us with n_channels analysed channels
 * labelled `labels`. */
ictus_qc *ictus_qc_create(int n_channels, const char *const *labels, int64_t duration_us,
                          double hop_s, double win_s);
void ictus_qc_destroy(ictus_qc *qc); /* NULL is a no-op */

/* Window k: flags[i] and present[i] for each analysed channel i. */
void ictus_qc_add_window(ictus_qc *qc, int64_t k, const uint32_t *flags, const int *present);

/* Clean seconds of series s over the whole recording. */
double ictus_qc_analysable_s(const ictus_qc *qc, int s);

#endif
