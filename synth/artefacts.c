/* artefacts.c: planning and drawing the hard negatives (rates and shapes
 * in artefacts.h). */
#include "synth/artefacts.h"

#include <math.h>

#include "synth/waves.h"

/* ---------------------------------------------------------------- planning */

/* Behaviour during one wake bout: `per_h` events per hour of the bout,
 * durations log-normal (median, spread, range), placed uniformly inside it. */
typedef struct {
    ictus_synth_kind kind;
    double dur_median_s, dur_lo_s, dur_hi_s;
} behaviour;

static const behaviour grooming = {ICTUS_SYNTH_GROOMING, 5, 2, 10};
static const behaviour chewing = {ICTUS_SYNTH_CHEWING, 4, 2, 8};
static const behaviour movement = {ICTUS_SYNTH_MOVEMENT, 2, 1, 5};
static const behaviour hvs = {ICTUS_SYNTH_HVS, 2.5, 1, 5};

/* Shape parameters of a behaviour event (see the renderers). */
static void shape(const ictus_synth_day_spec *spec, ictus_synth_event *ev, ictus_synth_rng *r)
{
    const ictus_synth_animal *a = spec->animal;
    double level = a->model->level;
    ev->seed = ictus_synth_rng_u64(r);
    switch (ev->kind) {
    case ICTUS_SYNTH_GROOMING:
        ev->amp_uv = (float)(level * ictus_synth_rng_range(r, 40, 120));
        ev->f0_hz = (float)ictus_synth_rng_range(r, 4, 8);
        ev->p[0] = (float)(level * ictus_synth_rng_range(r, 25, 60));
        ev->p[1] = 1;
        ev->p[2] = 0.4f;
        ictus_synth_site_weights(a, r, ictus_synth_rng_range(r, 0.15, 0.4), 1.0, 0.5, ev->weight);
        break;
    case ICTUS_SYNTH_CHEWING:
        ev->amp_uv = (float)(level * ictus_synth_rng_range(r, 20, 60));
        ev->f0_hz = (float)ictus_synth_rng_range(r, 5, 8);
        ev->p[0] = (float)(level * ictus_synth_rng_range(r, 40, 80));
        ev->p[1] = 3;
        ev->p[2] = 0;
        ictus_synth_site_weights(a, r, ictus_synth_rng_range(r, 0.1, 0.3), 1.0, 0.5, ev->weight);
        break;
    case ICTUS_SYNTH_MOVEMENT:
        ev->amp_uv = (float)(level * ictus_synth_rng_range(r, 150, 400));
        ev->f0_hz = (float)ictus_synth_rng_range(r, 0.3, 1.5);
        for (int c = 0; c < a->n_channels; c++)
            ev->weight[c] = (float)(ictus_synth_rng_range(r, 0.5, 1.0) *
                                    (ictus_synth_rng_chance(r, 0.5) ? 1 : -1));
        break;
    default: /* ICTUS_SYNTH_HVS */
        ev->amp_uv = (float)(level * ictus_synth_rng_range(r, 150, 300));
        ev->f0_hz = (float)ictus_synth_rng_range(r, 7.5, 9);
        ev->f1_hz = (float)(ev->f0_hz - ictus_synth_rng_range(r, 0, 1));
        ev->p[0] = (float)ictus_synth_rng_range(r, 0.005, 0.008);
        ev->p[1] = (float)ictus_synth_rng_range(r, 0.2, 0.4);
        ictus_synth_site_weights(a, r, ictus_synth_rng_range(r, 0.3, 0.5), 1.0, 0.5, ev->weight);
        break;
    }
    ev->p[3] = (float)ictus_synth_rng_uniform(r);
}

static void plan_behaviour(const ictus_synth_day_spec *spec, const behaviour *b, double per_h,
                           int64_t from, int64_t to, ictus_synth_rng *r, ictus_synth_events *out)
{
    const double fs = spec->fs_hz, span_s = (double)(to - from) / fs;
    int n = ictus_synth_rng_poisson(r, per_h * span_s / 3600);
    for (int k = 0; k < n; k++) {
        double dur = ictus_synth_rng_lognormal_in(r, b->dur_median_s, 0.4, b->dur_lo_s, b->dur_hi_s);
        if (dur >= span_s)
            continue;
        int64_t i = from + (int64_t)(ictus_synth_rng_range(r, 0, span_s - dur) * fs);
        shape(spec, ictus_synth_events_add(out, b->kind, i, i + (int64_t)(dur * fs)), r);
    }
}

/* Events at any time: `per_h` per hour of the file, durations uniform in
 * [lo_s, hi_s]; returns how many it added (the last ones of `out`). */
static int plan_anytime(const ictus_synth_day_spec *spec, ictus_synth_kind kind, double per_h,
                        double lo_s, double hi_s, ictus_synth_rng *r, ictus_synth_events *out)
{
    const double fs = spec->fs_hz, total_s = (double)spec->n_samples / fs;
    int n = ictus_synth_rng_poisson(r, per_h * total_s / 3600), added = 0;
    for (int k = 0; k < n; k++) {
        double dur = ictus_synth_rng_range(r, lo_s, hi_s);
        if (dur >= total_s)
            continue;
        int64_t i = (int64_t)(ictus_synth_rng_range(r, 0, total_s - dur) * fs);
        ictus_synth_event *ev = ictus_synth_events_add(out, kind, i, i + (int64_t)(dur * fs));
        ev->seed = ictus_synth_rng_u64(r);
        added++;
    }
    return added;
}

static void plan_impedance_steps(const ictus_synth_day_spec *spec, ictus_synth_events *out)
{
    const ictus_synth_animal *a = spec->animal;
    const double fs = spec->fs_hz, total_s = (double)spec->n_samples / fs;
    int first = (int)(spec->elapsed_s / 86400);
    int last = (int)((spec->elapsed_s + (int64_t)total_s) / 86400);
    for (int c = 0; c < a->n_channels; c++)
        for (int day = first; day <= last; day++) {
            ictus_synth_drift d;
            ictus_synth_animal_drift(a, c, day, &d);
            double t = (double)day * 86400 + d.step_at_s - (double)spec->elapsed_s;
            if (d.log_step == 0 || t < 0 || t + 1 > total_s)
                continue;
            int64_t i = (int64_t)(t * fs);
            ictus_synth_event *ev = ictus_synth_events_add(out, ICTUS_SYNTH_IMPEDANCE, i, i + (int64_t)fs);
            ev->channel = c;
        }
}

void ictus_synth_artefacts_plan(const ictus_synth_day_spec *spec, const ictus_synth_hypnogram *h,
                                ictus_synth_events *out)
{
    const ictus_synth_animal *a = spec->animal;
    ictus_synth_rng r = ictus_synth_rng_make(ictus_synth_key(
        a->key, (uint64_t)a->index, (uint64_t)spec->file, ICTUS_SYNTH_STREAM_ARTEFACTS, 0));
    for (int b = 0; b < h->n; b++) {
        const ictus_synth_bout *bout = &h->bouts[b];
        if (bout->state != ICTUS_SYNTH_WAKE)
            continue;
        int64_t from = bout->start, to = b + 1 < h->n ? h->bouts[b + 1].start : h->n_samples;
        to = to < spec->n_samples ? to : spec->n_samples;
        plan_behaviour(spec, &grooming, 8, from, to, &r, out);
        plan_behaviour(spec, &chewing, 4, from, to, &r, out);
        plan_behaviour(spec, &movement, 3 + 6 * bout->activity, from, to, &r, out);
        if (a->model->hvs_per_h > 0)
            plan_behaviour(spec, &hvs, a->model->hvs_per_h * (1 - bout->activity), from, to, &r,
                           out);
    }

    /* pops: p[0] decay tau (s); one lead, either polarity, 0.5-2 mV */
    int n = plan_anytime(spec, ICTUS_SYNTH_POP, a->pop_per_h, 0.25, 4, &r, out);
    for (int k = out->n - n; k < out->n; k++) {
        ictus_synth_event *ev = &out->items[k];
        ev->p[0] = (float)((double)(ev->end - ev->start) / spec->fs_hz / 5);
        ev->channel = (int)(ictus_synth_rng_u64(&r) % (uint64_t)a->n_channels);
        ev->amp_uv = (float)(ictus_synth_rng_range(&r, 500, 2000) *
                             (ictus_synth_rng_chance(&r, 0.5) ? 1 : -1));
    }
    plan_anytime(spec, ICTUS_SYNTH_DROPOUT, a->dropout_per_h, 1, 30, &r, out);
    /* clipping: beyond full scale on every lead, or on one */
    n = plan_anytime(spec, ICTUS_SYNTH_CLIPPING, 0.1, 0.2, 3, &r, out);
    for (int k = out->n - n; k < out->n; k++) {
        ictus_synth_event *ev = &out->items[k];
        ev->amp_uv = (float)(ictus_synth_rng_range(&r, 1.3, 2.0) * spec->full_scale_uv);
        int one = ictus_synth_rng_chance(&r, 0.5) ? (int)(ictus_synth_rng_u64(&r) % (uint64_t)a->n_channels)
                                                   : -1;
        for (int c = 0; c < a->n_channels; c++)
            ev->weight[c] = one >= 0 && c != one ? 0.0f : ictus_synth_rng_chance(&r, 0.5) ? 1.0f : -1.0f;
        ev->channel = one;
    }
    /* mains: p[0] hum factor */
    n = plan_anytime(spec, ICTUS_SYNTH_MAINS, 1.5 / 24, 300, 3600, &r, out);
    for (int k = out->n - n; k < out->n; k++)
        out->items[k].p[0] = (float)ictus_synth_rng_range(&r, 5, 20);
    plan_impedance_steps(spec, out);
}

void ictus_synth_gaps_plan(const ictus_synth_day_spec *spec, const ictus_synth_events *avoid,
                           ictus_synth_kind avoid_kind, ictus_synth_events *out)
{
    if (!spec->gaps)
        return;
    const ictus_synth_animal *a = spec->animal;
    ictus_synth_rng r = ictus_synth_rng_make(ictus_synth_key(
        a->key, (uint64_t)a->index, (uint64_t)spec->file, ICTUS_SYNTH_STREAM_GAPS, 0));
    const int64_t fs = (int64_t)spec->fs_hz, total_s = spec->n_samples / fs, margin_s = 600;
    /* room for the gaps between the margins; each takes at most half of it */
    const int64_t room_s = total_s - 2 * margin_s;
    if (room_s < 120)
        return;
    int want = 1 + (int)(ictus_synth_rng_u64(&r) % 3), first = out->n;
    for (int tries = 0; tries < 50 && out->n - first < want; tries++) {
        double longest = room_s / 2 < 1200 ? (double)(room_s / 2) : 1200;
        int64_t len_s = (int64_t)ictus_synth_rng_lognormal_in(&r, 240, 0.6, 60, longest);
        int64_t at_s = margin_s + (int64_t)(ictus_synth_rng_u64(&r) % (uint64_t)(room_s - len_s));
        int64_t lo = (at_s - margin_s) * fs, hi = (at_s + len_s + margin_s) * fs;
        int clash = 0;
        for (int e = first; e < out->n && !clash; e++)
            clash = out->items[e].start < hi && out->items[e].end > lo;
        for (int e = 0; e < avoid->n && !clash; e++)
            clash = avoid->items[e].kind == avoid_kind && avoid->items[e].start < hi &&
                    avoid->items[e].end > lo;
        if (!clash)
            ictus_synth_events_add(out, ICTUS_SYNTH_GAP, at_s * fs, (at_s + len_s) * fs);
    }
}

/* ---------------------------------------------------------------- rendering */

void ictus_synth_start_muscle(const ictus_synth_event *ev, ictus_synth_voice *v, double fs_hz)
{
    ictus_synth_noise_band(v->coef[1], 100.0, 0.8, 1, fs_hz);
}

/* Grooming and chewing: a rhythmic movement of amp_uv around f0_hz (its
 * rate wandering by ~20 %; event weights) and muscle activity of RMS p[0]
 * µV (the leads' muscle pick-up), in bursts p[2] + (1 - p[2]) *
 * ((1 + sin) / 2)^p[1] of the same rhythm; p[3] the rhythm's phase. */
void ictus_synth_render_muscle(const ictus_synth_event *ev, ictus_synth_voice *v,
                               const ictus_synth_canvas *cv, int64_t from, int64_t to)
{
    const double fs = cv->fs_hz, dur = ictus_synth_event_duration(ev, fs);
    /* the wander: unit noise through a one-pole low-pass at 1 Hz, rescaled to unit SD */
    const float a = (float)(1 - exp(-2 * M_PI / fs)), unit = sqrtf((2 - a) / a);
    for (int64_t i = from; i < to; i++) {
        double t = ictus_synth_event_time(ev, i, fs), env = ictus_synth_envelope(t, dur, 0.3, 0.5);
        v->z[0][0] += a * (ictus_synth_rng_noise(&v->rng) - v->z[0][0]);
        v->phase += ev->f0_hz * (1 + 0.2 * unit * v->z[0][0]) / fs;
        double s = sin(2 * M_PI * (v->phase + ev->p[3]));
        double burst = ev->p[2] + (1 - ev->p[2]) * pow(0.5 + 0.5 * s, ev->p[1]);
        float x = (float)(ev->amp_uv * env * s);
        float m = (float)(ev->p[0] * env * burst) *
                  ictus_synth_biquad(v->coef[1], v->z[1], ictus_synth_rng_noise(&v->rng));
        int j = (int)(i - cv->i0);
        for (int c = 0; c < cv->n_channels; c++)
            cv->add[c][j] += ev->weight[c] * x + cv->muscle[c] * m;
    }
}

/* A slow deflection: amp_uv * sin^2(pi t / T) * sin(2 pi f0 t + phase). */
void ictus_synth_render_movement(const ictus_synth_event *ev, ictus_synth_voice *v,
                                 const ictus_synth_canvas *cv, int64_t from, int64_t to)
{
    const double fs = cv->fs_hz, dur = ictus_synth_event_duration(ev, fs);
    for (int64_t i = from; i < to; i++) {
        double t = ictus_synth_event_time(ev, i, fs), e = sin(M_PI * t / dur);
        float x = (float)(ev->amp_uv * e * e * sin(2 * M_PI * (ev->f0_hz * t + ev->p[3])));
        int j = (int)(i - cv->i0);
        for (int c = 0; c < cv->n_channels; c++)
            cv->add[c][j] += ev->weight[c] * x;
    }
}

/* A step of amp_uv µV on one lead decaying with tau p[0] s. */
void ictus_synth_render_pop(const ictus_synth_event *ev, ictus_synth_voice *v,
                            const ictus_synth_canvas *cv, int64_t from, int64_t to)
{
    for (int64_t i = from; i < to; i++) {
        double t = ictus_synth_event_time(ev, i, cv->fs_hz);
        cv->direct[ev->channel][i - cv->i0] += (float)(ev->amp_uv * exp(-t / ev->p[0]));
    }
}

/* Flat line: nothing arrives. */
void ictus_synth_render_dropout(const ictus_synth_event *ev, ictus_synth_voice *v,
                                const ictus_synth_canvas *cv, int64_t from, int64_t to)
{
    for (int64_t i = from; i < to; i++)
        cv->keep[i - cv->i0] = 0;
}

/* Saturation: amp_uv µV (beyond full scale) times each lead's weight, with
 * 10 ms edges. */
void ictus_synth_render_clipping(const ictus_synth_event *ev, ictus_synth_voice *v,
                                 const ictus_synth_canvas *cv, int64_t from, int64_t to)
{
    const double fs = cv->fs_hz, dur = ictus_synth_event_duration(ev, fs);
    for (int64_t i = from; i < to; i++) {
        float x = (float)(ev->amp_uv *
                          ictus_synth_envelope(ictus_synth_event_time(ev, i, fs), dur, 0.01, 0.01));
        for (int c = 0; c < cv->n_channels; c++)
            cv->direct[c][i - cv->i0] += ev->weight[c] * x;
    }
}

/* Hum at p[0] times its usual level, with 5 s edges. */
void ictus_synth_render_mains(const ictus_synth_event *ev, ictus_synth_voice *v,
                              const ictus_synth_canvas *cv, int64_t from, int64_t to)
{
    const double fs = cv->fs_hz, dur = ictus_synth_event_duration(ev, fs);
    for (int64_t i = from; i < to; i++)
        cv->hum_gain[i - cv->i0] +=
            (float)((ev->p[0] - 1) * ictus_synth_envelope(ictus_synth_event_time(ev, i, fs), dur, 5, 5));
}

/* High-voltage spindle: spike-wave at f0 drifting to f1, 0.3 s edges. */
void ictus_synth_render_hvs(const ictus_synth_event *ev, ictus_synth_voice *v,
                            const ictus_synth_canvas *cv, int64_t from, int64_t to)
{
    const double fs = cv->fs_hz, dur = ictus_synth_event_duration(ev, fs);
    const ictus_synth_spike_shape shape = ictus_synth_event_spike(ev);
    for (int64_t i = from; i < to; i++) {
        double t = ictus_synth_event_time(ev, i, fs);
        double f = ev->f0_hz + (ev->f1_hz - ev->f0_hz) * t / dur;
        float x = (float)(ev->amp_uv * ictus_synth_envelope(t, dur, 0.3, 0.3)) *
                  ictus_synth_train_step(v, f, fs, 0.1, &shape);
        int j = (int)(i - cv->i0);
        for (int c = 0; c < cv->n_channels; c++)
            cv->add[c][j] += ev->weight[c] * x;
    }
}

/* 6 Hz stimulation: at each pulse a jump to amp_uv (times the lead's
 * signed weight) recovering in ~3 ms, with a 30 ms undershoot. */
void ictus_synth_render_stimulus(const ictus_synth_event *ev, ictus_synth_voice *v,
                                 const ictus_synth_canvas *cv, int64_t from, int64_t to)
{
    const double fs = cv->fs_hz, period = 1.0 / ev->f0_hz;
    for (int64_t i = from; i < to; i++) {
        double t = ictus_synth_event_time(ev, i, fs), tau = fmod(t, period);
        double fast = exp(-tau / 0.003);
        float x = (float)(ev->amp_uv * (fast - 0.35 * exp(-tau / 0.03) * (1 - fast)));
        for (int c = 0; c < cv->n_channels; c++)
            cv->direct[c][i - cv->i0] += ev->weight[c] * x;
    }
}
