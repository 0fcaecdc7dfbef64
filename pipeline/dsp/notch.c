/* notch.c: mains notch at mains_hz and its harmonics.
 * One scipy.signal.iirnotch(k * mains_hz, notch_q, fs) section per harmonic
 * k = 1..notch_harmonics that lies below the Nyquist frequency by more than
 * 1 Hz (a notch at Nyquist is degenerate), run as one cascade in double,
 * primed like the high-pass with the steady state of the first sample.
 * mains_hz = 0, or no harmonic below Nyquist, bypasses the stage. */
#include <stdio.h>
#include <stdlib.h>

#include "pipeline/dsp/iirstage.h"

/* How close to Nyquist a notch may sit (Hz). */
static const double nyquist_margin_hz = 1.0;

static ictus_status start(ictus_stage *st, const ictus_settings *set, double fs_in_hz,
                          double *fs_out_hz, ictus_error *err)
{
    *fs_out_hz = fs_in_hz;
    int n = 0;
    while (set->mains_hz > 0 && n < set->notch_harmonics &&
           (n + 1) * set->mains_hz < fs_in_hz / 2 - nyquist_margin_hz)
        n++;
    if (n == 0) {
        st->bypass = 1;
        return ICTUS_OK;
    }
    if (!(set->notch_q > 0))
        return ictus_fail(err, ICTUS_ERR_CONFIG,
                          "settings: [signal] notch_q = %g: expected a positive quality factor",
                          set->notch_q);
    ictus_biquad *sos = ictus_xmalloc((size_t)n * sizeof *sos);
    char text[512];
    size_t len = (size_t)snprintf(text, sizeof text, "notch(");
    for (int k = 1; k <= n; k++) {
        sos[k - 1] = ictus_iirnotch(k * set->mains_hz, set->notch_q, fs_in_hz);
        if (len < sizeof text)
            len += (size_t)snprintf(text + len, sizeof text - len, "%s%g", k > 1 ? "," : "",
                                    k * set->mains_hz);
    }
    if (len < sizeof text)
        snprintf(text + len, sizeof text - len, " Hz Q%g)", set->notch_q);
    ictus_iir_stage_init(st, sos, n, text);
    free(sos);
    return ICTUS_OK;
}

const ictus_stage_desc ictus_stage_notch = ICTUS_IIR_STAGE_DESC("notch", start);
