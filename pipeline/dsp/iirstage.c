/* iirstage.c: reset, process, stop and describe of a stage that runs one
 * biquad cascade (the high-pass and the notch). */
#include "pipeline/dsp/iirstage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ictus_iir_stage_init(ictus_stage *st, const ictus_biquad *sos, int n_sections,
                          const char *description)
{
    ictus_iir_stage *p = st->priv;
    p->iir = ictus_iir_create(sos, n_sections);
    p->sos = ictus_xmalloc((size_t)n_sections * sizeof *sos);
    memcpy(p->sos, sos, (size_t)n_sections * sizeof *sos);
    p->n_sections = n_sections;
    snprintf(p->description, sizeof p->description, "%s", description);
}

bool ictus_iir_stage_fuse(ictus_stage *st, ictus_stage *next)
{
    ictus_iir_stage *p = st->priv;
    const ictus_iir_stage *q = next->priv;
    int n = p->n_sections + q->n_sections;
    p->sos = ictus_xrealloc(p->sos, (size_t)n * sizeof *p->sos);
    memcpy(p->sos + p->n_sections, q->sos, (size_t)q->n_sections * sizeof *q->sos);
    p->n_sections = n;
    ictus_iir_destroy(p->iir);
    p->iir = ictus_iir_create(p->sos, n);
    size_t len = strlen(p->description);
    snprintf(p->description + len, sizeof p->description - len, " %s", q->description);
    return true;
}

void ictus_iir_stage_reset(ictus_stage *st, int64_t first_index, int64_t *out_index)
{
    ictus_iir_stage *p = st->priv;
    ictus_iir_reset(p->iir);
    *out_index = first_index;
}

void ictus_iir_stage_process(ictus_stage *st, const float *in, const uint8_t *in_flags,
                             size_t *n_in, float *out, uint8_t *out_flags, size_t *n_out)
{
    ictus_iir_stage *p = st->priv;
    size_t n = *n_in < *n_out ? *n_in : *n_out;
    if (n > 0) {
        ictus_iir_process(p->iir, in, out, n);
        memcpy(out_flags, in_flags, n);
    }
    *n_in = *n_out = n;
}

void ictus_iir_stage_process_lanes(ictus_stage *const *sts, int k, const float *const *in,
                                   const uint8_t *const *in_flags, float *const *out,
                                   uint8_t *const *out_flags, size_t n)
{
    for (int c0 = 0; c0 < k; c0 += ICTUS_IIR_LANES) {
        int lanes = k - c0 < ICTUS_IIR_LANES ? k - c0 : ICTUS_IIR_LANES;
        ictus_iir *iirs[ICTUS_IIR_LANES];
        for (int c = 0; c < lanes; c++)
            iirs[c] = ((ictus_iir_stage *)sts[c0 + c]->priv)->iir;
        ictus_iir_process_lanes(iirs, lanes, in + c0, out + c0, n);
    }
    for (int c = 0; c < k; c++)
        memcpy(out_flags[c], in_flags[c], n);
}

void ictus_iir_stage_stop(ictus_stage *st)
{
    ictus_iir_stage *p = st->priv;
    ictus_iir_destroy(p->iir);
    p->iir = NULL;
    free(p->sos);
    p->sos = NULL;
}

void ictus_iir_stage_describe(const ictus_stage *st, char *buf, size_t size)
{
    const ictus_iir_stage *p = st->priv;
    snprintf(buf, size, "%s", p->description[0] ? p->description : st->desc->name);
}
