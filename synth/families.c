/* families.c: planning and drawing the wide hard-negative families (rates,
 * shapes and parameter ranges in families.h). */
#include "synth/families.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "synth/ranges.h"
#include "synth/waves.h"

/* ---------------------------------------------------------------- planning */

/* A family: its kind and where it happens (events per hour of wake, NREM,
 * REM; `anytime` per hour of the file instead).  Its durations, and the
 * ranges of its main parameters, are ranges.c's (log-uniform durations). */
typedef struct {
    ictus_synth_kind kind;
    double per_h[3];
    double anytime_per_h;
} family;

static const family families[] = {
    {ICTUS_SYNTH_GROOM_WIDE, {10, 0, 0}, 0},
    {ICTUS_SYNTH_SPIKE_BURST, {0, 0, 0}, 3},
    {ICTUS_SYNTH_THETA_WIDE, {4, 0, 10}, 0},
    {ICTUS_SYNTH_MOVEMENT_WIDE, {4, 0, 0}, 0},
    {ICTUS_SYNTH_SPINDLE_WIDE, {4, 20, 0}, 0},
    {ICTUS_SYNTH_HVS_WIDE, {3, 0, 0}, 0},
    {ICTUS_SYNTH_POP_WIDE, {0, 0, 0}, 1},   /* duration: 5 tau */
    {ICTUS_SYNTH_CLIPPING_WIDE, {0, 0, 0}, 0.3},
};

bool ictus_synth_is_family(ictus_synth_kind kind)
{
    return kind >= ICTUS_SYNTH_GROOM_WIDE && kind <= ICTUS_SYNTH_CLIPPING_WIDE;
}

const char *ictus_synth_family_name(int f)
{
    if (f >= 0 && f < ICTUS_SYNTH_N_NEGATIVE_FAMILIES)
        return ictus_synth_kinds[ICTUS_SYNTH_GROOM_WIDE + f].name;
    if (f >= ICTUS_SYNTH_N_NEGATIVE_FAMILIES && f < ICTUS_SYNTH_N_FAMILIES)
        return ictus_synth_ictal_name((ictus_synth_ictal_family)(f - ICTUS_SYNTH_N_NEGATIVE_FAMILIES));
    return "";
}

int ictus_synth_family_of(const ictus_synth_event *ev)
{
    if (ictus_synth_is_family(ev->kind))
        return (int)(ev->kind - ICTUS_SYNTH_GROOM_WIDE);
    if (ev->ictal.family > 0)
        return ICTUS_SYNTH_N_NEGATIVE_FAMILIES + ev->ictal.family - 1;
    return -1;
}

bool ictus_synth_family_kept(const ictus_synth_day_spec *spec, int f)
{
    return f < 0 || !(spec->families_off >> f & 1);
}

ictus_status ictus_synth_families_parse(const char *list, uint64_t *set, ictus_error *err)
{
    *set = 0;
    const char *p = list;
    for (;;) {
        size_t n = strcspn(p, ",");
        bool prefix = n > 0 && p[n - 1] == '*';
        size_t len = prefix ? n - 1 : n;
        bool found = false;
        for (int f = 0; f < ICTUS_SYNTH_N_FAMILIES; f++) {
            const char *name = ictus_synth_family_name(f);
            if (strncmp(name, p, len) == 0 && (prefix || name[len] == 0)) {
                *set |= UINT64_C(1) << f;
                found = true;
            }
        }
        if (!found)
            return ictus_fail(err, ICTUS_ERR_USAGE, "'%.*s' is no wide family (%s)", (int)n, p,
                              "grooming_wide, spike_burst, theta_wide, movement_wide, "
                              "spindle_wide, hvs_wide, pop_wide, clipping_wide, hpd_spike_onset, "
                              "hpd_lvf, hpd_sentinel, hpd_buildup, hpd_irregular, "
                              "conv_spike_onset, conv_lvf, conv_tonic_clonic, conv_secondary, "
                              "gtcs_tonic_clonic, gtcs_clonic, gtcs_lvf; a trailing * matches "
                              "a prefix");
        if (p[n] == 0)
            return ICTUS_OK;
        p += n + 1;
    }
}

/* Event ev's family parameter p (ranges.h: its range, or the sub-range
 * --family-range gives it). */
static double param(const ictus_synth_day_spec *spec, const ictus_synth_event *ev,
                    ictus_synth_param p, ictus_synth_rng *r)
{
    return ictus_synth_param_draw(spec, (int)(ev->kind - ICTUS_SYNTH_GROOM_WIDE), p, r, NULL);
}

/* Every lead weighted in [lo, hi] whatever its site, with a random sign
 * when `signed_`. */
static void any_lead(const ictus_synth_animal *a, ictus_synth_rng *r, double lo, double hi,
                     bool signed_, float *weight)
{
    for (int c = 0; c < a->n_channels; c++)
        weight[c] = (float)(ictus_synth_rng_range(r, lo, hi) *
                            (signed_ && ictus_synth_rng_chance(r, 0.5) ? -1 : 1));
}

/* Hippocampal leads in [hpc_lo, hpc_hi], cortical ones in [ctx_lo, ctx_hi]. */
static void by_site(const ictus_synth_animal *a, ictus_synth_rng *r, double hpc_lo, double hpc_hi,
                    double ctx_lo, double ctx_hi, float *weight)
{
    for (int c = 0; c < a->n_channels; c++)
        weight[c] = (float)(a->site[c] == ICTUS_SYNTH_SITE_HPC
                                ? ictus_synth_rng_range(r, hpc_lo, hpc_hi)
                                : ictus_synth_rng_range(r, ctx_lo, ctx_hi));
}

/* The shape of one event (see the renderers for what each field means). */
static void shape(const ictus_synth_day_spec *spec, ictus_synth_event *ev, ictus_synth_rng *r)
{
    const ictus_synth_animal *a = spec->animal;
    const double level = a->model->level;
    ev->seed = ictus_synth_rng_u64(r);
    switch (ev->kind) {
    case ICTUS_SYNTH_GROOM_WIDE:
        ev->f0_hz = (float)param(spec, ev, ICTUS_SYNTH_PARAM_F0, r);
        ev->amp_uv = (float)(level * param(spec, ev, ICTUS_SYNTH_PARAM_AMP, r));
        ev->p[0] = (float)(ev->amp_uv * param(spec, ev, ICTUS_SYNTH_PARAM_MUSCLE, r)); /* RMS */
        ev->p[1] = (float)(2 + ictus_synth_rng_u64(r) % 5);            /* harmonics 2..6 */
        ev->p[2] = (float)ictus_synth_rng_range(r, 0.4, 0.9);          /* their decay */
        ev->p[3] = (float)ictus_synth_rng_range(r, 1, 6);              /* burst exponent */
        ev->p[4] = (float)ictus_synth_rng_range(r, 0, 0.3);            /* burst floor */
        any_lead(a, r, 0.1, 1, false, ev->weight);
        break;
    case ICTUS_SYNTH_SPIKE_BURST:
    case ICTUS_SYNTH_HVS_WIDE: {
        bool burst = ev->kind == ICTUS_SYNTH_SPIKE_BURST;
        ev->f0_hz = (float)param(spec, ev, ICTUS_SYNTH_PARAM_F0, r);
        ev->f1_hz = (float)(burst ? ev->f0_hz * ictus_synth_rng_range(r, 0.7, 1.3)
                                  : ev->f0_hz - ictus_synth_rng_range(r, 0, 2));
        ev->amp_uv = (float)(level * param(spec, ev, ICTUS_SYNTH_PARAM_AMP, r));
        ev->p[0] = (float)(burst ? ictus_synth_rng_range(r, 0.006, 0.015)
                                 : ictus_synth_rng_range(r, 0.004, 0.012)); /* spike SD, s */
        ev->p[1] = (float)ictus_synth_rng_range(r, 0.1, 0.5);                /* slow wave */
        ev->p[5] = (float)(burst ? (ictus_synth_rng_chance(r, 1.0 / 3) ? ictus_synth_rng_range(r, 0, 0.6) : 0)
                                 : ictus_synth_rng_range(r, 0, 0.5)); /* polyspike */
        if (burst)
            by_site(a, r, 0.6, 1, 0.1, 0.6, ev->weight);
        else
            any_lead(a, r, 0.3, 1, false, ev->weight);
        break;
    }
    case ICTUS_SYNTH_THETA_WIDE:
        ev->f0_hz = (float)param(spec, ev, ICTUS_SYNTH_PARAM_F0, r);
        ev->amp_uv = (float)(level * param(spec, ev, ICTUS_SYNTH_PARAM_AMP, r));
        ev->p[0] = (float)ictus_synth_rng_range(r, 0, 0.5); /* 2nd harmonic */
        ev->p[1] = (float)ictus_synth_rng_uniform(r);       /* its phase, cycles */
        by_site(a, r, 0.7, 1, 0.1, 0.5, ev->weight);
        break;
    case ICTUS_SYNTH_MOVEMENT_WIDE:
        ev->f0_hz = (float)param(spec, ev, ICTUS_SYNTH_PARAM_F0, r);
        ev->amp_uv = (float)(level * param(spec, ev, ICTUS_SYNTH_PARAM_AMP, r));
        ev->p[0] = (float)ictus_synth_rng_range(r, 0, 1);   /* plateau */
        ev->p[1] = (float)ictus_synth_rng_uniform(r);       /* phase, cycles */
        any_lead(a, r, 0.3, 1, true, ev->weight);
        break;
    case ICTUS_SYNTH_SPINDLE_WIDE:
        ev->f0_hz = (float)param(spec, ev, ICTUS_SYNTH_PARAM_F0, r);
        ev->f1_hz = (float)(ev->f0_hz + ictus_synth_rng_range(r, -2, 2));
        ev->amp_uv = (float)(level * param(spec, ev, ICTUS_SYNTH_PARAM_AMP, r));
        ev->p[0] = (float)ictus_synth_rng_range(r, 1, 4);   /* envelope exponent */
        ev->p[1] = (float)ictus_synth_rng_range(r, 0, 0.6); /* 2nd harmonic */
        ev->p[2] = (float)ictus_synth_rng_uniform(r);       /* phase, cycles */
        any_lead(a, r, 0.2, 1, false, ev->weight);
        break;
    default:
        break;
    }
}

/* A pop: one lead, 0.2-3 mV either sign, tau 0.02-1.5 s, lasting 5 tau;
 * clipping: 1.05-2x full scale on every lead or on one.  Events at any time
 * whose duration the shape sets. */
static void add_anytime(const ictus_synth_day_spec *spec, const family *fam, ictus_synth_rng *r,
                        ictus_synth_events *out)
{
    const ictus_synth_animal *a = spec->animal;
    const double fs = spec->fs_hz, total_s = (double)spec->n_samples / fs;
    const int f = (int)(fam->kind - ICTUS_SYNTH_GROOM_WIDE);
    int n = ictus_synth_rng_poisson(r, fam->anytime_per_h * total_s / 3600);
    for (int k = 0; k < n; k++) {
        /* a pop's duration is 5 tau; the whole range's draw decides, as
           without --family-range, whether the event is made */
        double full, x = ictus_synth_param_draw(spec, f, ICTUS_SYNTH_PARAM_DUR, r, &full);
        double tau = fam->kind == ICTUS_SYNTH_POP_WIDE ? x : 0;
        double dur = fam->kind == ICTUS_SYNTH_POP_WIDE ? 5 * x : x;
        if ((fam->kind == ICTUS_SYNTH_POP_WIDE ? 5 * full : full) >= total_s)
            continue;
        int64_t i = (int64_t)(ictus_synth_rng_range(r, 0, total_s - dur) * fs);
        ictus_synth_event *ev = ictus_synth_events_add(out, fam->kind, i, i + (int64_t)(dur * fs));
        ev->seed = ictus_synth_rng_u64(r);
        if (fam->kind == ICTUS_SYNTH_POP_WIDE) {
            ev->p[0] = (float)tau;
            ev->channel = (int)(ictus_synth_rng_u64(r) % (uint64_t)a->n_channels);
            ev->amp_uv = (float)(ictus_synth_rng_range(r, 200, 3000) *
                                 (ictus_synth_rng_chance(r, 0.5) ? 1 : -1));
            ev->weight[ev->channel] = 1;
        } else if (fam->kind == ICTUS_SYNTH_SPIKE_BURST) {
            shape(spec, ev, r);
        } else { /* clipping */
            ev->amp_uv = (float)(ictus_synth_rng_range(r, 1.05, 2.0) * spec->full_scale_uv);
            int one = ictus_synth_rng_chance(r, 0.5)
                          ? (int)(ictus_synth_rng_u64(r) % (uint64_t)a->n_channels)
                          : -1;
            for (int c = 0; c < a->n_channels; c++)
                ev->weight[c] = one >= 0 && c != one ? 0.0f
                                : ictus_synth_rng_chance(r, 0.5) ? 1.0f
                                                                 : -1.0f;
            ev->channel = one;
        }
        if (dur >= total_s) /* a restricted duration that does not fit: drawn, then left out */
            out->n--;
    }
}

void ictus_synth_families_plan(const ictus_synth_day_spec *spec, const ictus_synth_hypnogram *h,
                               ictus_synth_events *out)
{
    if (spec->negatives != ICTUS_SYNTH_NEGATIVES_WIDE)
        return;
    const ictus_synth_animal *a = spec->animal;
    const double fs = spec->fs_hz;
    ictus_synth_rng r = ictus_synth_rng_make(ictus_synth_key(
        a->key, (uint64_t)a->index, (uint64_t)spec->file, ICTUS_SYNTH_STREAM_FAMILIES, 0));
    const int n_fam = (int)(sizeof families / sizeof families[0]), first = out->n;
    for (int b = 0; b < h->n; b++) {
        const ictus_synth_bout *bout = &h->bouts[b];
        int64_t from = bout->start, to = b + 1 < h->n ? h->bouts[b + 1].start : h->n_samples;
        to = to < spec->n_samples ? to : spec->n_samples;
        const double span_s = (double)(to - from) / fs;
        for (int f = 0; f < n_fam; f++) {
            const family *fam = &families[f];
            int n = ictus_synth_rng_poisson(&r, fam->per_h[bout->state] * span_s / 3600);
            for (int k = 0; k < n; k++) {
                /* whether the event is made: the whole range's draw decides, as
                   without --family-range; a restricted duration that does not fit
                   in the bout is drawn like the others, then left out */
                double full, dur = ictus_synth_param_draw(spec, f, ICTUS_SYNTH_PARAM_DUR, &r, &full);
                if (full >= span_s)
                    continue;
                int64_t i = from + (int64_t)(ictus_synth_rng_range(&r, 0, span_s - dur) * fs);
                shape(spec, ictus_synth_events_add(out, fam->kind, i, i + (int64_t)(dur * fs)), &r);
                if (dur >= span_s)
                    out->n--;
            }
        }
    }
    for (int f = 0; f < n_fam; f++)
        if (families[f].anytime_per_h > 0)
            add_anytime(spec, &families[f], &r, out);
    /* draw-then-drop: the families left out were drawn like the others */
    int kept = first;
    for (int e = first; e < out->n; e++)
        if (ictus_synth_family_kept(spec, ictus_synth_family_of(&out->items[e])))
            out->items[kept++] = out->items[e];
    out->n = kept;
}

void ictus_synth_family_params(const ictus_synth_event *ev, int n_channels, char *buf,
                               size_t size)
{
    if (size == 0)
        return;
    buf[0] = 0;
    if (!ictus_synth_is_family(ev->kind))
        return;
    int n = 0;
#define PUT(...)                                                                        \
    do {                                                                                \
        if (n >= 0 && (size_t)n < size)                                                 \
            n += snprintf(buf + n, size - (size_t)n, __VA_ARGS__);                      \
    } while (0)
    switch (ev->kind) {
    case ICTUS_SYNTH_GROOM_WIDE:
        PUT("f0_hz=%.3g;harmonics=%d;decay=%.3g;amp_uv=%.4g;muscle_uv=%.4g;burst_exp=%.3g;"
            "burst_floor=%.3g",
            ev->f0_hz, (int)ev->p[1], ev->p[2], ev->amp_uv, ev->p[0], ev->p[3], ev->p[4]);
        break;
    case ICTUS_SYNTH_SPIKE_BURST:
    case ICTUS_SYNTH_HVS_WIDE:
        PUT("f0_hz=%.3g;f1_hz=%.3g;amp_uv=%.4g;spike_sd_s=%.3g;wave=%.3g;poly=%.3g", ev->f0_hz,
            ev->f1_hz, ev->amp_uv, ev->p[0], ev->p[1], ev->p[5]);
        break;
    case ICTUS_SYNTH_THETA_WIDE:
        PUT("f0_hz=%.3g;amp_uv=%.4g;harmonic2=%.3g", ev->f0_hz, ev->amp_uv, ev->p[0]);
        break;
    case ICTUS_SYNTH_MOVEMENT_WIDE:
        PUT("f0_hz=%.3g;amp_uv=%.4g;plateau=%.3g", ev->f0_hz, ev->amp_uv, ev->p[0]);
        break;
    case ICTUS_SYNTH_SPINDLE_WIDE:
        PUT("f0_hz=%.3g;f1_hz=%.3g;amp_uv=%.4g;env_exp=%.3g;harmonic2=%.3g", ev->f0_hz,
            ev->f1_hz, ev->amp_uv, ev->p[0], ev->p[1]);
        break;
    case ICTUS_SYNTH_POP_WIDE:
        PUT("amp_uv=%.4g;tau_s=%.3g", ev->amp_uv, ev->p[0]);
        break;
    default: /* ICTUS_SYNTH_CLIPPING_WIDE */
        PUT("amp_uv=%.5g", ev->amp_uv);
        break;
    }
    for (int c = 0; c < n_channels; c++)
        PUT("%s%.3g", c ? "/" : ";w=", ev->weight[c]);
#undef PUT
}

/* ---------------------------------------------------------------- rendering */

#define MAX_HARMONICS 6

/* Grooming/chewing: a rhythm at f0_hz (its rate wandering by ~15 %) whose
 * waveform is p[1] harmonics of amplitude p[2]^k times 0.5-1 and random
 * phase (drawn from the event's seed), normalised to a peak of about
 * amp_uv; muscle of RMS p[0] µV in bursts p[4] + (1 - p[4]) * stroke^p[3]
 * (stroke = (1 + sin) / 2 of the rhythm), on each lead by |weight|. */
void ictus_synth_render_groom_wide(const ictus_synth_event *ev, ictus_synth_voice *v,
                                   const ictus_synth_canvas *cv, int64_t from, int64_t to)
{
    const double fs = cv->fs_hz, dur = ictus_synth_event_duration(ev, fs);
    int nh = (int)ev->p[1];
    nh = nh < 1 ? 1 : nh > MAX_HARMONICS ? MAX_HARMONICS : nh;
    double amp[MAX_HARMONICS], ph[MAX_HARMONICS], sum = 0;
    ictus_synth_rng hr = ictus_synth_rng_make(ev->seed ^ UINT64_C(0x9e3779b97f4a7c15));
    for (int k = 0; k < nh; k++) {
        amp[k] = pow(ev->p[2], k) * ictus_synth_rng_range(&hr, 0.5, 1);
        ph[k] = ictus_synth_rng_uniform(&hr);
        sum += amp[k];
    }
    const float a = (float)(1 - exp(-2 * M_PI / fs)), unit = sqrtf((2 - a) / a);
    for (int64_t i = from; i < to; i++) {
        double t = ictus_synth_event_time(ev, i, fs), env = ictus_synth_envelope(t, dur, 0.3, 0.5);
        v->z[0][0] += a * (ictus_synth_rng_noise(&v->rng) - v->z[0][0]);
        v->phase += ev->f0_hz * (1 + 0.15 * unit * v->z[0][0]) / fs;
        double s = 0;
        for (int k = 0; k < nh; k++)
            s += amp[k] * sin(2 * M_PI * ((k + 1) * v->phase + ph[k]));
        double stroke = 0.5 + 0.5 * sin(2 * M_PI * v->phase);
        double burst = ev->p[4] + (1 - ev->p[4]) * pow(stroke, ev->p[3]);
        float x = (float)(ev->amp_uv * env * s / sum);
        float m = (float)(ev->p[0] * env * burst) *
                  ictus_synth_biquad(v->coef[1], v->z[1], ictus_synth_rng_noise(&v->rng));
        int j = (int)(i - cv->i0);
        for (int c = 0; c < cv->n_channels; c++)
            cv->add[c][j] += ev->weight[c] * x + fabsf(ev->weight[c]) * m;
    }
}

/* Theta: amp_uv * (sin + p[0] sin(2x + p[1])) at f0_hz, 1 s edges. */
void ictus_synth_render_theta_wide(const ictus_synth_event *ev, ictus_synth_voice *v,
                                   const ictus_synth_canvas *cv, int64_t from, int64_t to)
{
    const double fs = cv->fs_hz, dur = ictus_synth_event_duration(ev, fs);
    for (int64_t i = from; i < to; i++) {
        double t = ictus_synth_event_time(ev, i, fs), x0 = 2 * M_PI * ev->f0_hz * t;
        float x = (float)(ev->amp_uv * ictus_synth_envelope(t, dur, 1, 1) *
                          (sin(x0) + ev->p[0] * sin(2 * x0 + 2 * M_PI * ev->p[1])));
        int j = (int)(i - cv->i0);
        for (int c = 0; c < cv->n_channels; c++)
            cv->add[c][j] += ev->weight[c] * x;
    }
}

/* Movement: amp_uv * (sin^2(pi t / T) sin(2 pi f0 t + p[1]) + p[0] * a
 * plateau rising in 50 ms and falling in 300 ms), each lead signed. */
void ictus_synth_render_movement_wide(const ictus_synth_event *ev, ictus_synth_voice *v,
                                      const ictus_synth_canvas *cv, int64_t from, int64_t to)
{
    const double fs = cv->fs_hz, dur = ictus_synth_event_duration(ev, fs);
    for (int64_t i = from; i < to; i++) {
        double t = ictus_synth_event_time(ev, i, fs), e = sin(M_PI * t / dur);
        float x = (float)(ev->amp_uv * (e * e * sin(2 * M_PI * (ev->f0_hz * t + ev->p[1])) +
                                        ev->p[0] * ictus_synth_envelope(t, dur, 0.05, 0.3)));
        int j = (int)(i - cv->i0);
        for (int c = 0; c < cv->n_channels; c++)
            cv->add[c][j] += ev->weight[c] * x;
    }
}

/* Spindle: envelope sin(pi t / T)^p[0], frequency f0 -> f1, 2nd harmonic
 * p[1], phase p[2]. */
void ictus_synth_render_spindle_wide(const ictus_synth_event *ev, ictus_synth_voice *v,
                                     const ictus_synth_canvas *cv, int64_t from, int64_t to)
{
    const double fs = cv->fs_hz, dur = ictus_synth_event_duration(ev, fs);
    for (int64_t i = from; i < to; i++) {
        double t = ictus_synth_event_time(ev, i, fs);
        double e = pow(sin(M_PI * t / dur), ev->p[0]);
        /* the phase of a linear chirp: f0 t + (f1 - f0) t^2 / (2 T) */
        double ph = 2 * M_PI * (ev->f0_hz * t + (ev->f1_hz - ev->f0_hz) * t * t / (2 * dur) + ev->p[2]);
        float x = (float)(ev->amp_uv * e * (sin(ph) + ev->p[1] * sin(2 * ph)));
        int j = (int)(i - cv->i0);
        for (int c = 0; c < cv->n_channels; c++)
            cv->add[c][j] += ev->weight[c] * x;
    }
}
