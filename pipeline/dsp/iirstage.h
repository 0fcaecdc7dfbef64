/* iirstage.h: the shared body of the stages that run one biquad cascade
 * (highpass.c, notch.c); internal to the pipeline.
 *
 * Such a stage's private state is an ictus_iir_stage: its start() designs
 * the sections, calls ictus_iir_stage_init() (or sets st->bypass), and its
 * descriptor, ICTUS_IIR_STAGE_DESC(), uses the functions below for
 * everything else.  Samples pass
 * one for one and flags unchanged, so no drain and no bounds are needed.
 * Consecutive such stages fuse into one cascade (stage.h, fuse).
 */
#ifndef ICTUS_IIRSTAGE_H
#define ICTUS_IIRSTAGE_H

#include "pipeline/dsp/iirdesign.h"
#include "pipeline/dsp/stage.h"

typedef struct {
    ictus_iir *iir;        /* owned; NULL when bypassed */
    ictus_biquad *sos;     /* owned copy of the sections (for fusing) */
    int n_sections;
    char description[512]; /* describe()'s text, e.g. "notch(50,100 Hz Q30)" */
} ictus_iir_stage;

/* Build the cascade of st's private ictus_iir_stage from n_sections
 * sections (copied) and keep `description` (truncated to fit). */
void ictus_iir_stage_init(ictus_stage *st, const ictus_biquad *sos, int n_sections,
                          const char *description);

/* The stage_desc hooks. */
void ictus_iir_stage_reset(ictus_stage *st, int64_t first_index, int64_t *out_index);
void ictus_iir_stage_process(ictus_stage *st, const float *in, const uint8_t *in_flags,
                             size_t *n_in, float *out, uint8_t *out_flags, size_t *n_out);
void ictus_iir_stage_stop(ictus_stage *st);
void ictus_iir_stage_describe(const ictus_stage *st, char *buf, size_t size);
/* Append next's sections to st's cascade (both ictus_iir_stage). */
bool ictus_iir_stage_fuse(ictus_stage *st, ictus_stage *next);
/* process() of k such stages at once, their cascades side by side
 * (ictus_iir_process_lanes, ICTUS_IIR_LANES at a time). */
void ictus_iir_stage_process_lanes(ictus_stage *const *sts, int k, const float *const *in,
                                   const uint8_t *const *in_flags, float *const *out,
                                   uint8_t *const *out_flags, size_t n);

/* The descriptor of such a stage: its name and start(), the rest above. */
#define ICTUS_IIR_STAGE_DESC(name_, start_)                                                        \
    {                                                                                              \
        .name = (name_), .priv_size = sizeof(ictus_iir_stage), .start = (start_),                  \
        .reset = ictus_iir_stage_reset, .process = ictus_iir_stage_process,                        \
        .stop = ictus_iir_stage_stop, .describe = ictus_iir_stage_describe,                        \
        .fuse = ictus_iir_stage_fuse, .process_lanes = ictus_iir_stage_process_lanes,              \
    }

#endif
