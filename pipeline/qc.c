/* qc.c: analysable-time buckets. */
#include "pipeline/qc.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/walltime.h"

ictus_qc *ictus_qc_create(int n_channels, const char *const *labels, int64_t duration_us,
                          const ictus_grid *grid)
{
    ictus_qc *qc = ictus_xcalloc(1, sizeof *qc);
    qc->grid = *grid;
    qc->duration_us = duration_us;
    qc->n_buckets = ictus_grid_n_buckets(duration_us);
    qc->n_series = n_channels + 1;
    qc->label = ictus_xcalloc((size_t)qc->n_series, sizeof *qc->label);
    for (int i = 0; i < n_channels; i++)
        snprintf(qc->label[i], sizeof qc->label[i], "%s", labels[i]);
    snprintf(qc->label[n_channels], sizeof qc->label[0], "*");
    size_t cells = (size_t)qc->n_series * (size_t)(qc->n_buckets ? qc->n_buckets : 1);
    qc->analysable_us = ictus_xcalloc(cells, sizeof(int64_t));
    qc->windows = ictus_xcalloc(cells, sizeof(uint16_t));
    qc->artefact = ictus_xcalloc(cells * ICTUS_N_ART, sizeof(uint16_t));
    return qc;
}

void ictus_qc_destroy(ictus_qc *qc)
{
    if (!qc)
        return;
    free(qc->label);
    free(qc->analysable_us);
    free(qc->windows);
    free(qc->artefact);
    free(qc);
}

/* The window's decided flags for series s: counts in the centre's bucket b
 * (when inside the recording), clean time over the tile's shares. */
static void count(ictus_qc *qc, int s, int64_t b, uint32_t flags, const ictus_grid_share *share,
                  int n_shares)
{
    size_t row = (size_t)s * (size_t)qc->n_buckets;
    if (b < qc->n_buckets) {
        qc->windows[row + (size_t)b]++;
        for (int kind = 0; kind < ICTUS_N_ART; kind++)
            if (flags & (1u << kind))
                qc->artefact[((size_t)s * ICTUS_N_ART + (size_t)kind) * (size_t)qc->n_buckets +
                             (size_t)b]++;
    }
    if (flags == 0)
        for (int i = 0; i < n_shares; i++)
            qc->analysable_us[row + (size_t)share[i].bucket] += share[i].us;
}

void ictus_qc_add_window(ictus_qc *qc, int64_t k, const uint32_t *flags, const int *present)
{
    ictus_grid_share share[ICTUS_GRID_MAX_SHARES];
    int n_shares = ictus_grid_tile_split(&qc->grid, k, qc->duration_us, share);
    int64_t b = ictus_grid_bucket_of(ictus_grid_centre_us(&qc->grid, k));
    int n = qc->n_series - 1;
    uint32_t all = 0;
    bool all_present = true;
    for (int i = 0; i < n; i++) {
        if (!present[i]) {
            all_present = false;
            continue;
        }
        count(qc, i, b, flags[i], share, n_shares);
        all |= flags[i];
    }
    count(qc, n, b, all_present ? all : all | ICTUS_ART_GAP, share, n_shares);
}

double ictus_qc_analysable_s(const ictus_qc *qc, int s)
{
    int64_t us = 0;
    for (int64_t b = 0; b < qc->n_buckets; b++)
        us += qc->analysable_us[(size_t)s * (size_t)qc->n_buckets + (size_t)b];
    return ictus_us_to_s(us);
}
