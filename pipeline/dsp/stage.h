/* stage.h: the sample-stage interface of the filter chain.
 *
 * A stage is a static descriptor of functions plus private state of
 * `priv_size` bytes that the chain allocates (zeroed) and frees, as in SoX's
 * effects.  Stages are single-channel: the chain runs one instance per
 * channel, so a stage's author writes one-channel code.  Samples are floats
 * in µV; beside them runs a lane of per-sample flag bytes (ICTUS_SAMPLE_*)
 * that every stage carries through (a decimator ORs the flags of the inputs
 * an output covers).
 *
 * Lifecycle of a stage instance (driven by chain.c):
 *   1. start(): read settings, learn the input rate, set the output rate
 *      (only a decimator changes it), design coefficients, allocate;
 *   2. reset(first_index): the next input sample has virtual index
 *      `first_index` at the input rate; forget all history.  Called before
 *      the first sample and after every gap;
 *   3. process(): consume input, produce output, any block sizes;
 *   4. drain(): the segment ended; emit what is still held back (a
 *      delay-compensating filter pads with the last sample);
 *   5. stop(): free what start() allocated.
 * The output of any sequence of process() calls on a segment, followed by
 * drain(), must not depend on how the segment was cut into blocks.
 */
#ifndef ICTUS_STAGE_H
#define ICTUS_STAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pipeline/settings.h"
#include "base/status.h"

typedef struct ictus_stage ictus_stage;

typedef struct {
    const char *name;   /* short name for messages and provenance, e.g. "highpass" */
    size_t priv_size;   /* bytes of private state, zeroed by the chain */
    /* Configure for input rate fs_in_hz; set *fs_out_hz (= fs_in_hz unless
     * the stage resamples).  May decline with ICTUS_ERR_CONFIG.  A stage
     * that has nothing to do at this rate (a notch above Nyquist) sets
     * st->bypass and returns ICTUS_OK. */
    ictus_status (*start)(ictus_stage *st, const ictus_settings *set, double fs_in_hz,
                          double *fs_out_hz, ictus_error *err);
    /* Forget history; the next input sample has index first_index at the
     * input rate.  *out_index receives the index (at the output rate) of the
     * next sample this stage will produce. */
    void (*reset)(ictus_stage *st, int64_t first_index, int64_t *out_index);
    /* Consume up to *n_in samples of in/in_flags, produce up to *n_out into
     * out/out_flags; on return *n_in and *n_out hold the counts actually
     * consumed and produced.  in and out never alias. */
    void (*process)(ictus_stage *st, const float *in, const uint8_t *in_flags, size_t *n_in,
                    float *out, uint8_t *out_flags, size_t *n_out);
    /* End of segment: produce up to *n_out held-back samples; NULL means
     * the stage holds nothing back. */
    void (*drain)(ictus_stage *st, float *out, uint8_t *out_flags, size_t *n_out);
    /* Most samples process() or drain() can produce: at most
     * ceil(n_in * ratio) + extra for n_in inputs.  NULL: ratio 1, extra 0. */
    void (*bounds)(const ictus_stage *st, double *ratio, size_t *extra);
    void (*stop)(ictus_stage *st); /* NULL: nothing to free */
    /* A short description with parameters, e.g. "notch(50,100 Hz Q30)", for
     * `ictus info` and provenance.  NULL: the name alone. */
    void (*describe)(const ictus_stage *st, char *buf, size_t size);
    /* Absorb `next`, the started stage that follows st, so that st alone
     * does the work of both; return false to decline.  The chain offers it
     * only when both stages have the same fuse hook, and stops `next` when
     * it was absorbed.  (Consecutive IIR cascades run as one: one pass over
     * the samples instead of two, and no rounding to float in between.)
     * NULL: never. */
    bool (*fuse)(ictus_stage *st, ictus_stage *next);
    /* Run k >= 1 started instances of this stage (the same channel-wise
     * stage of k chains, e.g. the channels of one recording) over n
     * samples each at once: for each c, exactly what process() on sts[c]
     * would do with n_in = n_out = n, outputs and state alike (only for
     * stages that pass samples one for one).  The chain offers it when one
     * thread runs several channels (chain.h, ictus_chain_push_lanes), so
     * that a serial recurrence runs the channels side by side in SIMD
     * lanes.  NULL: the chain calls process() on each. */
    void (*process_lanes)(ictus_stage *const *sts, int k, const float *const *in,
                          const uint8_t *const *in_flags, float *const *out,
                          uint8_t *const *out_flags, size_t n);
} ictus_stage_desc;

struct ictus_stage {
    const ictus_stage_desc *desc;
    void *priv;
    double fs_in_hz, fs_out_hz;
    int bypass; /* set by start(): the chain skips this stage */
};

/* The registry: the sample stages in chain order.  Adding a filter means
 * adding one file and one line in stages.c. */
extern const ictus_stage_desc *const ictus_stage_registry[];
extern const int ictus_stage_registry_count;

/* The stages, by file. */
extern const ictus_stage_desc ictus_stage_decimate;  /* decimate.c: anti-alias FIR + integer decimation */
extern const ictus_stage_desc ictus_stage_highpass;  /* highpass.c: Butterworth high-pass */
extern const ictus_stage_desc ictus_stage_notch;     /* notch.c: mains notch and harmonics */

#endif
