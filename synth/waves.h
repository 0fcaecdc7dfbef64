/* waves.h: waveform primitives the renderers share: biquad filters for
 * band-limited noise, spike-wave trains with an evolving frequency, and
 * smooth envelopes.  All times in seconds, frequencies in Hz, so that a
 * morphology looks the same at any sampling rate.
 * Thread safety: pure functions of their arguments (and the caller's voice).
 */
#ifndef ICTUS_SYNTH_WAVES_H
#define ICTUS_SYNTH_WAVES_H

#include <math.h>

#include "synth/plan_event.h"

/* One sample through a biquad (transposed direct form II). */
static inline float ictus_synth_biquad(const float c[5], float z[2], float x)
{
    float y = c[0] * x + z[0];
    z[0] = c[1] * x - c[3] * y + z[1];
    z[1] = c[2] * x - c[4] * y;
    return y;
}

/* A band-pass biquad (RBJ cookbook) at f0_hz (kept below 0.45 fs_hz) with
 * quality q, as b0, b1, b2, a1, a2, scaled so that unit-variance white
 * noise passed through `stages` (1 or 2) copies of it in series comes out
 * with unit RMS (the gain measured on the impulse response).  Two stages
 * give skirts of -40 dB/decade, for rhythms that must not leak into higher
 * bands. */
void ictus_synth_noise_band(float coef[5], double f0_hz, double q, int stages, double fs_hz);

/* The shape of a spike-wave complex: a sharp negative spike of Gaussian
 * SD sharp_s peaking at -1, optionally a second one of height `poly`
 * (0..1) 4 SDs later (a polyspike), then a positive slow wave of relative
 * height `wave` filling the rest of the cycle. */
typedef struct {
    double sharp_s, poly, wave;
} ictus_synth_spike_shape;

/* One spike-wave complex at `phase` (cycles, [0, 1)) of a train at f_hz. */
static inline float ictus_synth_spike_wave(double phase, double f_hz,
                                           const ictus_synth_spike_shape *s)
{
    double tau = phase / f_hz, centre = 2.5 * s->sharp_s;
    double d = (tau - centre) / s->sharp_s, x = 0;
    if (d * d < 40.0)
        x -= exp(-0.5 * d * d);
    d -= 4.0;
    if (s->poly > 0 && d * d < 40.0)
        x -= s->poly * exp(-0.5 * d * d);
    double onset = (s->poly > 0 ? 9.0 : 5.0) * s->sharp_s * f_hz;
    if (onset > 0.6)
        onset = 0.6;
    if (phase > onset)
        x += s->wave * sin(M_PI * (phase - onset) / (1.0 - onset));
    return (float)x;
}

/* Advance the voice's spike train by one sample at frequency f_hz and
 * return the spike-wave value (unit peak, times the current spike's
 * amplitude factor, which is redrawn at every new spike as 1 + jitter * N). */
static inline float ictus_synth_train_step(ictus_synth_voice *v, double f_hz, double fs_hz,
                                           double jitter, const ictus_synth_spike_shape *s)
{
    v->phase += f_hz / fs_hz;
    if (v->phase >= 1.0) {
        v->phase -= floor(v->phase);
        v->spike_amp = (float)(1.0 + jitter * ictus_synth_rng_noise(&v->rng));
    }
    return v->spike_amp * ictus_synth_spike_wave(v->phase, f_hz, s);
}

/* The spike shape an event keeps in p[0] (sharp_s), p[1] (wave), p[5] (poly). */
static inline ictus_synth_spike_shape ictus_synth_event_spike(const ictus_synth_event *ev)
{
    ictus_synth_spike_shape s = {ev->p[0], ev->p[5], ev->p[1]};
    return s;
}

/* 0 before 0, 1 after 1, a smooth (C1) step in between. */
static inline double ictus_synth_smoothstep(double x)
{
    if (x <= 0)
        return 0;
    if (x >= 1)
        return 1;
    return x * x * (3 - 2 * x);
}

/* An envelope on [0, dur_s]: rises over rise_s, falls over fall_s (smoothly). */
static inline double ictus_synth_envelope(double t_s, double dur_s, double rise_s, double fall_s)
{
    double up = rise_s > 0 ? ictus_synth_smoothstep(t_s / rise_s) : 1.0;
    double down = fall_s > 0 ? ictus_synth_smoothstep((dur_s - t_s) / fall_s) : 1.0;
    return up * down;
}

/* Seconds from the event's start to day sample i. */
static inline double ictus_synth_event_time(const ictus_synth_event *ev, int64_t i, double fs_hz)
{
    return (double)(i - ev->start) / fs_hz;
}

/* The event's duration in seconds. */
static inline double ictus_synth_event_duration(const ictus_synth_event *ev, double fs_hz)
{
    return (double)(ev->end - ev->start) / fs_hz;
}

#endif
