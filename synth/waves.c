/* waves.c: biquad design, and its normalisation for noise. */
#include "synth/waves.h"

/* RBJ cookbook band-pass, 0 dB peak gain. */
static void bandpass(float coef[5], double f0_hz, double q, double fs_hz)
{
    if (f0_hz > 0.45 * fs_hz)
        f0_hz = 0.45 * fs_hz;
    double w = 2.0 * M_PI * f0_hz / fs_hz, alpha = sin(w) / (2.0 * q), a0 = 1.0 + alpha;
    coef[0] = (float)(alpha / a0);
    coef[1] = 0.0f;
    coef[2] = (float)(-alpha / a0);
    coef[3] = (float)(-2.0 * cos(w) / a0);
    coef[4] = (float)((1.0 - alpha) / a0);
}

void ictus_synth_noise_band(float coef[5], double f0_hz, double q, int stages, double fs_hz)
{
    bandpass(coef, f0_hz, q, fs_hz);
    float z[2][2] = {{0, 0}, {0, 0}};
    double sum = 0;
    /* The response decays as exp(-pi f0 t / q): 20 q / f0 seconds reach e^-60. */
    double span_s = 20.0 * stages * q / f0_hz;
    long n = (long)((span_s > 1.0 ? span_s : 1.0) * fs_hz);
    for (long i = 0; i < n; i++) {
        float y = i == 0 ? 1.0f : 0.0f;
        for (int s = 0; s < stages; s++)
            y = ictus_synth_biquad(coef, z[s], y);
        sum += (double)y * y;
    }
    double scale = pow(sum, -0.5 / stages);
    for (int j = 0; j < 3; j++)
        coef[j] = (float)(coef[j] * scale);
}
