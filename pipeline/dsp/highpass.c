/* highpass.c: Butterworth high-pass (removes electrode drift and offset).
 * Sections as scipy.signal.butter(highpass_order, highpass_hz, 'highpass',
 * fs=fs, output='sos'), run in double: at 0.5 Hz and 250 Hz the poles sit
 * within 0.02 of z = 1, where float coefficients and state would not do.
 * The first sample after a reset primes the steady state for a constant
 * input equal to it, so a large electrode offset causes no step transient.
 * highpass_hz = 0 bypasses the stage. */
#include <stdio.h>

#include "pipeline/dsp/iirstage.h"

static ictus_status start(ictus_stage *st, const ictus_settings *set, double fs_in_hz,
                          double *fs_out_hz, ictus_error *err)
{
    *fs_out_hz = fs_in_hz;
    if (set->highpass_hz == 0) {
        st->bypass = 1;
        return ICTUS_OK;
    }
    if (set->highpass_order < 2 || set->highpass_order > 64 || set->highpass_order % 2 != 0)
        return ictus_fail(err, ICTUS_ERR_CONFIG,
                          "settings: [signal] highpass_order = %d: expected an even order "
                          "from 2 to 64", set->highpass_order);
    if (!(set->highpass_hz > 0 && set->highpass_hz < fs_in_hz / 2))
        return ictus_fail(err, ICTUS_ERR_CONFIG,
                          "settings: [signal] highpass_hz = %g: expected above 0 and below "
                          "the Nyquist frequency %g Hz of a channel at %g Hz",
                          set->highpass_hz, fs_in_hz / 2, fs_in_hz);
    ictus_biquad sos[32];
    int n = ictus_butter_highpass(set->highpass_order, set->highpass_hz, fs_in_hz, sos);
    char text[64];
    snprintf(text, sizeof text, "highpass(%g Hz order %d)", set->highpass_hz,
             set->highpass_order);
    ictus_iir_stage_init(st, sos, n, text);
    return ICTUS_OK;
}

const ictus_stage_desc ictus_stage_highpass = ICTUS_IIR_STAGE_DESC("highpass", start);
