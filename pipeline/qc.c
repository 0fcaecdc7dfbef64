/* qc.c: analysable-time buckets. */
#include "pipeline/qc.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

ictus_qc *ictus_qc_create(int n_channels, const char *const *labels, int64_t duration_us,
                          double hop_s, double win_s)
{
    ictus_qc *qc = ictus_xcalloc(1, sizeof *qc);
    qc->bucket_us = ICTUS_QC_BUCKET_US;
    qc->n_buckets = duration_us > 0 ? (duration_us + qc->bucket_us - 1) / qc->bucket_us : 0;
    qc->n_series = n_channels + 1;
    qc->hop_s = hop_s;
    qc->win_s = win_s;
    qc->label = ictus_xcalloc((size_t)qc->n_series, sizeof *qc->label);
    for (int i = 0; i < n_channels; i++)
        snprintf(qc->label[i], sizeof qc->label[i], "%s", labels[i]);
    snprintf(qc->label[n_channels], sizeof qc->label[0], "*");
    size_t cells = (size_t)qc->n_series * (size_t)(qc->n_buckets ? qc->n_buckets : 1);
    qc->analysable_ds = ictus_xcalloc(cells, sizeof(uint16_t));
    qc->windows = ictus_xcalloc(cells, sizeof(uint16_t));
    qc->artefact = ictus_xcalloc(cells * ICTUS_N_ART, sizeof(uint16_t));
    return qc;
}

void ictus_qc_destroy(ictus_qc *qc)
{
    if (!qc)
        return;
    free(qc->label);
    free(qc->analysable_ds);
    free(qc->windows);
    free(qc->artefact);
    free(qc);
}

static void count(ictus_qc *qc, int s, int64_t b, uint32_t flags, uint16_t ds)
{
    size_t cell = (size_t)s * (size_t)qc->n_buckets + (size_t)b;
    qc->windows[cell]++;
    if (flags == 0)
        qc->analysable_ds[cell] = (uint16_t)(qc->analysable_ds[cell] + ds);
    for (int kind = 0; kind < ICTUS_N_ART; kind++)
        if (flags & (1u << kind))
            qc->artefact[((size_t)s * ICTUS_N_ART + (size_t)kind) * (size_t)qc->n_buckets + (size_t)b]++;
}

void ictus_qc_add_window(ictus_qc *qc, int64_t k, const uint32_t *flags, const int *present)
{
    double centre_s = k * qc->hop_s + qc->win_s / 2;
    int64_t b = (int64_t)floor(centre_s * 1e6 / (double)qc->bucket_us);
    if (b < 0 || b >= qc->n_buckets)
        return;
    uint16_t ds = (uint16_t)lround(qc->hop_s * 10);
    int n = qc->n_series - 1;
    uint32_t all = 0;
    bool all_present = true;
    for (int i = 0; i < n; i++) {
        if (!present[i]) {
            all_present = false;
            continue;
        }
        count(qc, i, b, flags[i], ds);
        all |= flags[i];
    }
    count(qc, n, b, all_present ? all : all | ICTUS_ART_GAP, ds);
}

double ictus_qc_analysable_s(const ictus_qc *qc, int s)
{
    double ds = 0;
    for (int64_t b = 0; b < qc->n_buckets; b++)
        ds += qc->analysable_ds[(size_t)s * (size_t)qc->n_buckets + (size_t)b];
    return ds / 10.0;
}
