/* framer.h: cut one channel's analysis-rate signal into windows on the
 * recording's grid, and compute every registered feature for each.
 *
 * Window k covers analysis samples [a_k, a_k + n) of the recording's window
 * grid (base/grid.h): a_k = round(k * hop_s * fs_hz), n = round(win_s * fs_hz),
 * so windows of channels at different rates line up in time.  A window with any sample
 * missing (a gap, or an invalid value) is emitted with the `gap` flag and
 * all features NaN; a window with no sample at all is not emitted; a window
 * cut short by the end of the recording is not emitted.
 *
 * Lifecycle: create → push (any block sizes, increasing indices; a jump is
 * a gap) → finish → destroy.  One thread at a time.
 */
#ifndef ICTUS_FRAMER_H
#define ICTUS_FRAMER_H

#include <stddef.h>
#include <stdint.h>

#include "pipeline/features/features.h"
#include "pipeline/settings.h"
#include "base/status.h"

typedef struct ictus_framer ictus_framer;

/* Windows for `channel` at analysis rate fs_hz.  `set` must outlive it.
 * Fails with ICTUS_ERR_CONFIG when hop_s and win_s make no grid
 * (ictus_grid_init()) or a window would hold fewer than 4 samples. */
ictus_status ictus_framer_create(const ictus_settings *set, int channel, double fs_hz,
                                 ictus_framer **out, ictus_error *err);
void ictus_framer_destroy(ictus_framer *fr); /* NULL is a no-op */

/* n samples whose first has analysis index first_index (>= every index
 * pushed before); flags are ICTUS_SAMPLE_* bits. */
void ictus_framer_push(ictus_framer *fr, const float *x, const uint8_t *flags, size_t n,
                       int64_t first_index, ictus_frame_fn fn, void *ctx);

/* End of the recording: nothing more will come. */
void ictus_framer_finish(ictus_framer *fr);

/* Every window below this index has been emitted (or skipped). */
int64_t ictus_framer_progress(const ictus_framer *fr);

/* Window length in samples. */
int ictus_framer_window_samples(const ictus_framer *fr);

#endif
