/* ictal.c: the wide seizure families: their draws, parameters and one
 * renderer for all of them (families, onset patterns and ranges in
 * ictal.h). */
#include "synth/ictal.h"

#include <math.h>
#include <stdio.h>

#include "synth/background.h"
#include "synth/families.h"
#include "synth/ranges.h"
#include "synth/waves.h"

/* The background RMS the amplitudes are drawn in: HPC of a median mouse in
 * NREM/REM sleep (background.c's levels), µV. */
#define BACKGROUND_RMS_UV 70.0

/* A family: its seizure kind, onset pattern and onset length (s). */
typedef struct {
    const char *name;
    ictus_synth_kind kind;
    ictus_synth_onset onset;
    double onset_s[2];
} ictal_family;

static const ictal_family families[ICTUS_SYNTH_N_ICTAL_FAMILIES] = {
    [ICTUS_SYNTH_HPD_SPIKE_ONSET] = {"hpd_spike_onset", ICTUS_SYNTH_HPD, ICTUS_SYNTH_ONSET_SPIKE, {0, 0}},
    [ICTUS_SYNTH_HPD_LVF] = {"hpd_lvf", ICTUS_SYNTH_HPD, ICTUS_SYNTH_ONSET_LVF, {1, 8}},
    [ICTUS_SYNTH_HPD_SENTINEL] = {"hpd_sentinel", ICTUS_SYNTH_HPD, ICTUS_SYNTH_ONSET_SENTINEL, {0.5, 3}},
    [ICTUS_SYNTH_HPD_BUILDUP] = {"hpd_buildup", ICTUS_SYNTH_HPD, ICTUS_SYNTH_ONSET_BUILDUP, {2, 15}},
    [ICTUS_SYNTH_HPD_IRREGULAR] = {"hpd_irregular", ICTUS_SYNTH_HPD, ICTUS_SYNTH_ONSET_SPIKE, {0, 0}},
    [ICTUS_SYNTH_CONV_SPIKE_ONSET] = {"conv_spike_onset", ICTUS_SYNTH_CONVULSIVE, ICTUS_SYNTH_ONSET_SPIKE, {0, 0}},
    [ICTUS_SYNTH_CONV_LVF] = {"conv_lvf", ICTUS_SYNTH_CONVULSIVE, ICTUS_SYNTH_ONSET_LVF, {2, 10}},
    [ICTUS_SYNTH_CONV_TONIC_CLONIC] = {"conv_tonic_clonic", ICTUS_SYNTH_CONVULSIVE, ICTUS_SYNTH_ONSET_TONIC, {2, 10}},
    [ICTUS_SYNTH_CONV_SECONDARY] = {"conv_secondary", ICTUS_SYNTH_CONVULSIVE, ICTUS_SYNTH_ONSET_FOCAL, {5, 20}},
    [ICTUS_SYNTH_GTCS_TONIC_CLONIC] = {"gtcs_tonic_clonic", ICTUS_SYNTH_GTCS, ICTUS_SYNTH_ONSET_TONIC, {1, 8}},
    [ICTUS_SYNTH_GTCS_CLONIC] = {"gtcs_clonic", ICTUS_SYNTH_GTCS, ICTUS_SYNTH_ONSET_SPIKE, {0, 0}},
    [ICTUS_SYNTH_GTCS_LVF] = {"gtcs_lvf", ICTUS_SYNTH_GTCS, ICTUS_SYNTH_ONSET_LVF, {1, 6}},
};

const char *ictus_synth_ictal_name(ictus_synth_ictal_family f)
{
    return f >= 0 && f < ICTUS_SYNTH_N_ICTAL_FAMILIES ? families[f].name : "";
}

/* Wide seizure ev's parameter p (ranges.h: its range, or the sub-range
 * --family-range gives it). */
static double param(const ictus_synth_day_spec *spec, const ictus_synth_event *ev,
                    ictus_synth_param p, ictus_synth_rng *r)
{
    return ictus_synth_param_draw(spec, ICTUS_SYNTH_N_NEGATIVE_FAMILIES + ev->ictal.family - 1, p,
                                  r, NULL);
}

/* ---------------------------------------------------------------- drawing */

ictus_synth_ictal_family ictus_synth_ictal_draw(const ictus_synth_day_spec *spec,
                                                ictus_synth_kind kind, ictus_synth_rng *r,
                                                double *dur_s, double *onset_s)
{
    int first = ICTUS_SYNTH_N_ICTAL_FAMILIES, n = 0;
    for (int f = 0; f < ICTUS_SYNTH_N_ICTAL_FAMILIES; f++)
        if (families[f].kind == kind) {
            first = f < first ? f : first;
            n++;
        }
    int f = first + (int)(ictus_synth_rng_u64(r) % (uint64_t)n);
    const ictal_family *fam = &families[f];
    *onset_s = fam->onset_s[1] > 0 ? ictus_synth_rng_range(r, fam->onset_s[0], fam->onset_s[1]) : 0;
    double dur = ictus_synth_param_draw(spec, ICTUS_SYNTH_N_NEGATIVE_FAMILIES + f,
                                        ICTUS_SYNTH_PARAM_DUR, r, NULL);
    if (kind == ICTUS_SYNTH_HPD) /* the spike train after the onset phase */
        *dur_s = *onset_s + dur;
    else /* the onset phase within the seizure, leaving >= 15 s of train */
        *dur_s = fmax(dur, *onset_s + 15);
    return (ictus_synth_ictal_family)f;
}

/* Cap `amp` so that the largest spike (a sentinel, jitter at its bound,
 * a polyspike overlapping: x1.3) on the most sensitive lead stays within
 * 70 % of full scale at the largest gain drift (x1.5), as seizures.c does. */
static float no_clip(const ictus_synth_day_spec *spec, const ictus_synth_event *ev, double amp)
{
    const ictus_synth_animal *a = spec->animal;
    double worst = 0;
    for (int c = 0; c < a->n_channels; c++) {
        double g = a->gain * a->channel_gain[c] * fabs(ev->weight[c]);
        worst = g > worst ? g : worst;
    }
    double big = fmax(1, ev->ictal.sentinel) * (1 + 3.47 * ev->ictal.jitter);
    double peak = worst * 1.5 * big * 1.3 * amp, limit = 0.7 * spec->full_scale_uv;
    return (float)(peak > limit ? amp * limit / peak : amp);
}

/* HPD spike rates stay within DOMAIN §4's 1-6 Hz (the train's mean rate;
 * irregular intervals vary around it). */
#define HPD_MAX_HZ 6.0

/* HPD: f0, its evolution, shape, leads (ictal.h). */
static void shape_hpd(const ictus_synth_day_spec *spec, ictus_synth_event *ev, ictus_synth_rng *r)
{
    ictus_synth_ictal *ic = &ev->ictal;
    bool irregular = ic->family - 1 == ICTUS_SYNTH_HPD_IRREGULAR;
    ev->f0_hz = (float)param(spec, ev, ICTUS_SYNTH_PARAM_F0, r); /* 1.5-6 Hz */
    int evolution = (int)(ictus_synth_rng_u64(r) % 3);
    static const double lo[3] = {0.85, 0.3, 1.3}, hi[3] = {1.15, 0.7, 2.0};
    double f1 = ev->f0_hz * ictus_synth_rng_range(r, lo[evolution], hi[evolution]);
    ev->f1_hz = (float)fmin(fmax(f1, 1), HPD_MAX_HZ);
    ic->curve = (float)exp(ictus_synth_rng_range(r, log(0.5), log(2)));
    ic->start_hz = ev->f0_hz;
    ic->isi_cv = (float)(irregular ? ictus_synth_rng_range(r, 0.25, 0.6) : ictus_synth_rng_range(r, 0, 0.1));
    ic->jitter = (float)(irregular ? ictus_synth_rng_range(r, 0.2, 0.35) : ictus_synth_rng_range(r, 0.05, 0.2));
    /* at least 5x the background RMS: twice its typical excursion (about 2.5 RMS), DOMAIN
     * §4's "rhythmic spike trains >= 2-3x baseline amplitude"; quieter trains are no HPD */
    ic->amp_rms = (float)param(spec, ev, ICTUS_SYNTH_PARAM_AMP, r);
    ev->p[0] = (float)ictus_synth_rng_range(r, 0.004, 0.020);
    ev->p[1] = (float)ictus_synth_rng_range(r, 0, 0.8);
    ev->p[5] = (float)(ictus_synth_rng_chance(r, 0.5) ? ictus_synth_rng_range(r, 0, 0.8) : 0);
    ic->polarity = ictus_synth_rng_chance(r, 0.5) ? 1.0f : -1.0f;
    ictus_synth_site_weights(spec->animal, r, 1.0, ictus_synth_rng_range(r, 0.05, 0.8), 0.4,
                             ev->weight);
    ic->fade = (float)ictus_synth_rng_range(r, 0, 0.6);
    ic->fall_s = (float)ictus_synth_rng_range(r, 0.1, 1);
    ic->rise_u = 0;
    if (ic->onset == ICTUS_SYNTH_ONSET_LVF) {
        ev->p[4] = (float)ictus_synth_rng_range(r, 15, 40);
        ic->fast_level = (float)ictus_synth_rng_range(r, 0.05, 0.3);
    } else if (ic->onset == ICTUS_SYNTH_ONSET_SENTINEL) {
        ic->sentinel = (float)ictus_synth_rng_range(r, 1.2, 3);
    }
    ic->muscle_from_s = INFINITY;
}

/* Convulsive and GTCS: rate, shape, both leads, muscle (ictal.h). */
static void shape_convulsive(const ictus_synth_day_spec *spec, ictus_synth_event *ev,
                             ictus_synth_rng *r)
{
    ictus_synth_ictal *ic = &ev->ictal;
    const double level = spec->animal->model->level, dur = (double)(ev->end - ev->start) / spec->fs_hz;
    bool gtcs = ev->kind == ICTUS_SYNTH_GTCS;
    ev->f0_hz = (float)param(spec, ev, ICTUS_SYNTH_PARAM_F0, r);
    ev->f1_hz = (float)(ictus_synth_rng_chance(r, 0.2) ? ev->f0_hz * ictus_synth_rng_range(r, 0.8, 1.2)
                        : gtcs ? ictus_synth_rng_range(r, 1.5, 4) : ictus_synth_rng_range(r, 1, 4));
    ic->curve = (float)exp(ictus_synth_rng_range(r, log(0.5), log(2)));
    bool clonic = ic->onset == ICTUS_SYNTH_ONSET_TONIC || gtcs;
    ic->rise_u = (float)(clonic ? 0 : ictus_synth_rng_range(r, 0.05, 0.25));
    ic->start_hz = (float)(clonic ? ev->f0_hz : ictus_synth_rng_range(r, 3, 5));
    ic->isi_cv = (float)ictus_synth_rng_range(r, 0, 0.1);
    ic->jitter = (float)ictus_synth_rng_range(r, 0.05, 0.2);
    ic->amp_rms = (float)param(spec, ev, ICTUS_SYNTH_PARAM_AMP, r);
    ev->p[0] = (float)ictus_synth_rng_range(r, 0.004, 0.015);
    ev->p[1] = (float)ictus_synth_rng_range(r, 0.1, 0.8);
    ev->p[5] = (float)(ictus_synth_rng_chance(r, 0.5) ? ictus_synth_rng_range(r, 0, 0.8) : 0);
    ic->polarity = ictus_synth_rng_chance(r, 0.5) ? 1.0f : -1.0f;
    ictus_synth_site_weights(spec->animal, r, ictus_synth_rng_range(r, 0.6, 1),
                             ictus_synth_rng_range(r, 0.6, 1.2), 0.3, ev->weight);
    ic->fade = (float)(gtcs ? 0 : ictus_synth_rng_range(r, 0, 0.4));
    ic->fall_s = (float)(gtcs ? ictus_synth_rng_range(r, 0.05, 0.3) : ictus_synth_rng_range(r, 0.1, 2));
    if (ic->onset == ICTUS_SYNTH_ONSET_TONIC) {
        ev->p[4] = (float)ictus_synth_rng_range(r, 20, 40);
        ic->fast_level = (float)ictus_synth_rng_range(r, 0.05, 0.2);
        ev->p[3] = (float)(level * ictus_synth_rng_range(r, 60, 200));
        ic->muscle_from_s = 0;
    } else {
        if (ic->onset == ICTUS_SYNTH_ONSET_LVF) {
            ev->p[4] = (float)ictus_synth_rng_range(r, 15, 35);
            ic->fast_level = (float)ictus_synth_rng_range(r, 0.03, 0.15);
        }
        ev->p[3] = (float)(level * (ic->onset == ICTUS_SYNTH_ONSET_SPIKE && gtcs
                                        ? ictus_synth_rng_range(r, 30, 150)
                                        : ictus_synth_rng_range(r, 10, 150)));
        ic->muscle_from_s = (float)(gtcs && ic->onset == ICTUS_SYNTH_ONSET_SPIKE
                                        ? 0
                                        : dur * ictus_synth_rng_range(r, 0.1, 0.8));
    }
    if (ic->onset == ICTUS_SYNTH_ONSET_FOCAL) {
        double from = ictus_synth_rng_range(r, 0.05, 0.3);
        for (int c = 0; c < spec->animal->n_channels; c++)
            ic->w0[c] = (float)(spec->animal->site[c] == ICTUS_SYNTH_SITE_CTX ? from * ev->weight[c]
                                                                              : ev->weight[c]);
    }
}

void ictus_synth_ictal_shape(const ictus_synth_day_spec *spec, ictus_synth_event *ev,
                             ictus_synth_rng *r, ictus_synth_events *out)
{
    ictus_synth_ictal *ic = &ev->ictal;
    const double level = spec->animal->model->level;
    ic->onset = families[ic->family - 1].onset;
    ev->seed = ictus_synth_rng_u64(r);
    if (ev->kind == ICTUS_SYNTH_HPD)
        shape_hpd(spec, ev, r);
    else
        shape_convulsive(spec, ev, r);
    ev->amp_uv = no_clip(spec, ev, level * BACKGROUND_RMS_UV * ic->amp_rms);
    if (ev->kind == ICTUS_SYNTH_HPD)
        return;
    ev->racine = ev->kind == ICTUS_SYNTH_GTCS || ictus_synth_rng_chance(r, 0.6) ? 5 : 4;
    double depth = ictus_synth_rng_range(r, 0.05, 0.3), plateau = ictus_synth_rng_range(r, 20, 180),
           tau = ictus_synth_rng_range(r, 40, 240);
    ictus_synth_event *pi = ictus_synth_events_add(out, ICTUS_SYNTH_POSTICTAL, ev->end,
                                                   ev->end + (int64_t)((plateau + 4 * tau) * spec->fs_hz));
    pi->p[0] = (float)depth;
    pi->p[1] = (float)plateau;
    pi->p[2] = (float)tau;
}

void ictus_synth_ictal_params(const ictus_synth_event *ev, int n_channels, char *buf, size_t size)
{
    if (size == 0)
        return;
    buf[0] = 0;
    const ictus_synth_ictal *ic = &ev->ictal;
    if (ic->family <= 0)
        return;
    static const char *const onsets[] = {"spike", "lvf", "sentinel", "buildup", "tonic", "focal"};
    int n = 0;
#define PUT(...)                                                                        \
    do {                                                                                \
        if (n >= 0 && (size_t)n < size)                                                 \
            n += snprintf(buf + n, size - (size_t)n, __VA_ARGS__);                      \
    } while (0)
    PUT("onset=%s;onset_s=%.4g;f0_hz=%.4g;f1_hz=%.4g;start_hz=%.4g;rise_u=%.4g;curve=%.4g;"
        "isi_cv=%.4g;jitter=%.4g;amp_rms=%.4g;amp_uv=%.4g;spike_sd_s=%.4g;wave=%.4g;poly=%.4g;"
        "polarity=%+.0f;fade=%.4g;fall_s=%.4g",
        onsets[ic->onset], ev->p[2], ev->f0_hz, ev->f1_hz, ic->start_hz, ic->rise_u, ic->curve,
        ic->isi_cv, ic->jitter, ic->amp_rms, ev->amp_uv, ev->p[0], ev->p[1], ev->p[5],
        ic->polarity, ic->fade, ic->fall_s);
    if (ev->p[4] > 0)
        PUT(";fast_hz=%.4g;fast_level=%.4g", ev->p[4], ic->fast_level);
    if (ic->sentinel > 0)
        PUT(";sentinel=%.4g", ic->sentinel);
    if (ev->p[3] > 0)
        PUT(";muscle_uv=%.4g;muscle_from_s=%.4g", ev->p[3], ic->muscle_from_s);
    for (int c = 0; c < n_channels; c++)
        PUT("%s%.4g", c ? "/" : ";w=", ev->weight[c]);
    if (ic->onset == ICTUS_SYNTH_ONSET_FOCAL)
        for (int c = 0; c < n_channels; c++)
            PUT("%s%.4g", c ? "/" : ";w0=", ic->w0[c]);
#undef PUT
}

/* ---------------------------------------------------------------- rendering */

/* Advance the spike train by one sample at f_hz (times the current
 * interval's rate factor, redrawn with the amplitude at every spike) and
 * return the spike-wave value. */
static float train_step(ictus_synth_voice *v, const ictus_synth_ictal *ic, double f_hz,
                        double fs_hz, const ictus_synth_spike_shape *s)
{
    if (v->rate <= 0)
        v->rate = 1;
    double f = f_hz * v->rate;
    v->phase += f / fs_hz;
    if (v->phase >= 1.0) {
        v->phase -= floor(v->phase);
        v->spike_amp = (float)fmax(0.1, 1.0 + ic->jitter * ictus_synth_rng_noise(&v->rng));
        v->rate = ic->isi_cv > 0
                      ? (float)fmin(fmax(exp(ic->isi_cv * ictus_synth_rng_noise(&v->rng)), 0.4), 2.5)
                      : 1.0f;
    }
    return v->spike_amp * ictus_synth_spike_wave(v->phase, f, s);
}

/* The train's rate at u (0..1) of it: start_hz -> f0 over rise_u, then
 * f0 -> f1 as a power `curve` of the rest. */
static double rate_at(const ictus_synth_event *ev, double u)
{
    const ictus_synth_ictal *ic = &ev->ictal;
    if (u < ic->rise_u)
        return ic->start_hz + (ev->f0_hz - ic->start_hz) * u / ic->rise_u;
    double w = ic->rise_u < 1 ? (u - ic->rise_u) / (1 - ic->rise_u) : 1;
    return ev->f0_hz + (ev->f1_hz - ev->f0_hz) * pow(fmax(w, 0), ic->curve);
}

void ictus_synth_render_ictal(const ictus_synth_event *ev, ictus_synth_voice *v,
                              const ictus_synth_canvas *cv, int64_t from, int64_t to)
{
    const ictus_synth_ictal *ic = &ev->ictal;
    const double fs = cv->fs_hz, dur = ictus_synth_event_duration(ev, fs), onset = ev->p[2];
    const double amp = ev->amp_uv * ic->polarity, train_s = dur - onset;
    const ictus_synth_spike_shape shape = ictus_synth_event_spike(ev);
    const ictus_synth_spike_shape sentinel = {ev->p[0], ev->p[5], 0.3};
    /* the train grows in after a fast onset over 0.5-2 s, continues a
       build-up or focal start as it is, else rises as the end falls */
    const double rise_s = ic->onset == ICTUS_SYNTH_ONSET_LVF || ic->onset == ICTUS_SYNTH_ONSET_TONIC
                              ? fmin(2, fmax(0.5, 0.2 * onset))
                          : ic->onset == ICTUS_SYNTH_ONSET_BUILDUP || ic->onset == ICTUS_SYNTH_ONSET_FOCAL
                              ? 0
                              : ic->fall_s;
    for (int64_t i = from; i < to; i++) {
        double t = ictus_synth_event_time(ev, i, fs), x, mix = 1;
        if (t < onset) {
            double s = t / onset;
            switch (ic->onset) {
            case ICTUS_SYNTH_ONSET_SENTINEL:
                x = ic->sentinel * amp * ictus_synth_spike_wave(s, 1 / onset, &sentinel);
                break;
            case ICTUS_SYNTH_ONSET_BUILDUP:
                x = amp * (0.1 + 0.9 * ictus_synth_smoothstep(s)) *
                    train_step(v, ic, ic->start_hz * (0.5 + 0.5 * s), fs, &shape);
                break;
            case ICTUS_SYNTH_ONSET_FOCAL:
                mix = ictus_synth_smoothstep(s);
                x = amp * ictus_synth_envelope(t, dur, 0.3, 0) *
                    train_step(v, ic, ic->start_hz, fs, &shape);
                break;
            default: /* LVF, tonic */
                x = ic->fast_level * ev->amp_uv * ictus_synth_smoothstep(s / 0.3) *
                    ictus_synth_biquad(v->coef[0], v->z[0], ictus_synth_rng_noise(&v->rng));
                break;
            }
        } else {
            double u = (t - onset) / train_s;
            double a = amp * (rise_s > 0 ? ictus_synth_smoothstep((t - onset) / rise_s) : 1) *
                       (1 - ic->fade * ictus_synth_smoothstep((u - 0.75) / 0.25)) *
                       ictus_synth_envelope(t, dur, 0, ic->fall_s);
            x = a * train_step(v, ic, rate_at(ev, u), fs, &shape);
        }
        float m = 0;
        if (ev->p[3] > 0 && t >= ic->muscle_from_s) {
            double e = ictus_synth_envelope(t - ic->muscle_from_s, dur - ic->muscle_from_s,
                                            ic->muscle_from_s > 0 ? 1.0 : 0.2, 0.2);
            m = (float)(ev->p[3] * e) *
                ictus_synth_biquad(v->coef[1], v->z[1], ictus_synth_rng_noise(&v->rng));
        }
        int j = (int)(i - cv->i0);
        for (int c = 0; c < cv->n_channels; c++) {
            double w = ic->onset == ICTUS_SYNTH_ONSET_FOCAL && mix < 1
                           ? ic->w0[c] + (ev->weight[c] - ic->w0[c]) * mix
                           : ev->weight[c];
            cv->add[c][j] += (float)(w * x) + cv->muscle[c] * m;
        }
    }
}
