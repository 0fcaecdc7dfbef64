/* qc.h: analysable time and artefact counts of a recording, per channel
 * and for the animal, in the grid's 60 s buckets from the recording start.
 *
 * Seizure rates are per analysable hour (DOMAIN.md §6): time where the
 * recording is present and the window is free of artefacts.  Each analysis
 * window stands for its central hop, its tile (base/grid.h), so clean
 * windows add up to clean time without double counting; a clean window's
 * tile is split exactly over the buckets it overlaps (ictus_grid_tile_split()),
 * so a bucket never holds more than its length.  Window and artefact counts
 * go to the bucket holding the window's centre.  The animal series ("*")
 * counts a window as clean when every analysed channel is present and clean.
 *
 * Lifecycle: create → add_window() per decided window → read the arrays →
 * destroy.  One thread at a time.  Memory: a few tens of bytes per bucket
 * and series (24 h = 1440 buckets).
 */
#ifndef ICTUS_QC_H
#define ICTUS_QC_H

#include <stdint.h>

#include "base/grid.h"
#include "pipeline/features/features.h"
#include "pipeline/source/source.h"

typedef struct {
    ictus_grid grid;
    int64_t duration_us;          /* of the recording */
    int64_t n_buckets;            /* ictus_grid_n_buckets(duration_us) */
    int n_series;                 /* analysed channels, then the animal ("*") */
    char (*label)[ICTUS_LABEL_MAX];
    int64_t *analysable_us;       /* [s * n_buckets + b]: clean µs, at most the bucket's length */
    uint16_t *windows;            /* [s * n_buckets + b]: windows with data */
    uint16_t *artefact;           /* [(s * ICTUS_N_ART + kind) * n_buckets + b]: windows with
                                     artefact flag bit `kind` */
} ictus_qc;

/* Buckets for a recording of duration_us on `grid`, with n_channels
 * analysed channels labelled `labels` (copied). */
ictus_qc *ictus_qc_create(int n_channels, const char *const *labels, int64_t duration_us,
                          const ictus_grid *grid);
void ictus_qc_destroy(ictus_qc *qc); /* NULL is a no-op */

/* Window k (>= 0): flags[i] and present[i] for each analysed channel i. */
void ictus_qc_add_window(ictus_qc *qc, int64_t k, const uint32_t *flags, const int *present);

/* Clean seconds of series s over the whole recording. */
double ictus_qc_analysable_s(const ictus_qc *qc, int s);

#endif
