/* chain.h: one channel's path from source samples to feature frames.
 *
 * A chain is the sample stages of the registry (decimate, high-pass, notch)
 * followed by the framer, which cuts the analysis-rate signal into windows
 * on the recording's grid and computes every registered feature.
 *
 * Lifecycle:
 *   1. ictus_chain_create() builds the stages for a channel at fs_hz;
 *   2. ictus_chain_push() feeds samples with the virtual index of the first
 *      (see source.h); a jump in the index is a gap: the stages drain and
 *      reset, and windows that straddle it come out flagged `gap`;
 *   3. frames come out through the callback in window order;
 *   4. ictus_chain_finish() at the end of the recording drains everything;
 *   5. ictus_chain_destroy().
 * The frames do not depend on how the samples were cut into pushes.
 * A chain is used by one thread at a time; chains are independent, so
 * different channels may run on different threads.
 */
#ifndef ICTUS_CHAIN_H
#define ICTUS_CHAIN_H

#include <stddef.h>
#include <stdint.h>

#include "pipeline/features/features.h"
#include "pipeline/settings.h"
#include "base/status.h"

typedef struct ictus_chain ictus_chain;

/* Build the chain of `channel` sampled at fs_hz.  `set` must outlive it. */
ictus_status ictus_chain_create(const ictus_settings *set, int channel, double fs_hz,
                                ictus_chain **out, ictus_error *err);
void ictus_chain_destroy(ictus_chain *ch); /* NULL is a no-op */

/* Feed n samples (µV) and their ICTUS_SAMPLE_* flags; the first has virtual
 * index first_index at fs_hz, which must not be below the end of the
 * previous push (the source guarantees this). */
void ictus_chain_push(ictus_chain *ch, const float *x, const uint8_t *flags, size_t n,
                      int64_t first_index, ictus_frame_fn fn, void *ctx);

/* ictus_chain_push() on each of k chains at once (chains[c] gets x[c],
 * flags[c], n[c], first_index[c] and frames through fn with ctx[c]), with
 * exactly the frames the k calls would give.  When the chains run the
 * same stages, a stage with a process_lanes hook (the IIR cascade) runs
 * the channels side by side in SIMD lanes over the samples they have in
 * common; the rest goes channel by channel.  For the thread that owns
 * several channels (the analyzer at -j 1 runs them all). */
void ictus_chain_push_lanes(ictus_chain *const *chains, int k, const float *const *x,
                            const uint8_t *const *flags, const size_t *n,
                            const int64_t *first_index, ictus_frame_fn fn, void *const *ctx);

/* End of the recording: drain the stages and emit the last whole windows
 * (a window cut short by the end of the recording is not emitted). */
void ictus_chain_finish(ictus_chain *ch, ictus_frame_fn fn, void *ctx);

/* Every frame with window index below this has been emitted. */
int64_t ictus_chain_progress(const ictus_chain *ch);

/* The analysis rate, the decimation factor and the window length in samples. */
double ictus_chain_analysis_hz(const ictus_chain *ch);
int ictus_chain_decimation(const ictus_chain *ch);
int ictus_chain_window_samples(const ictus_chain *ch);

/* The names of the stages that run (bypassed ones omitted), e.g.
 * "decimate(4) highpass notch(50,100)"; for info and provenance. */
const char *ictus_chain_describe(const ictus_chain *ch);

#endif
