/* background.c: hypnogram, 1/f noise and state rhythms, spindles and
 * interictal spikes.
 *
 * The per-sample loop is the generator's hot path (86 M samples per
 * animal-day at 500 Hz and 2 channels): per time step two shared noise
 * draws feed the delta and theta resonators, and per channel one draw feeds
 * a cascade of first-order pole-zero sections approximating 1/f^alpha.
 * Gains approach each state's levels exponentially (4 s), so transitions
 * are gradual.  Every filter is designed in Hz and normalised to unit RMS,
 * so the background has the same spectrum and amplitude at any rate.
 */
#include "synth/background.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/status.h"
#include "base/walltime.h"
#include "synth/waves.h"
#include "base/vec.h"

/* ---------------------------------------------------------------- hypnogram */

int ictus_synth_is_light(int64_t t_us)
{
    int hour;
    ictus_walltime_to_civil(t_us, NULL, NULL, NULL, &hour, NULL, NULL, NULL);
    return hour >= 7 && hour < 19;
}

/* Bout duration in seconds: log-normal medians and spreads per state and
 * phase (mouse and rat sleep is polyphasic: bouts of minutes). */
static double bout_s(ictus_synth_rng *r, ictus_synth_state s, int light)
{
    switch (s) {
    case ICTUS_SYNTH_WAKE:
        return light ? ictus_synth_rng_lognormal_in(r, 90, 1.0, 8, 3600)
                     : ictus_synth_rng_lognormal_in(r, 180, 1.1, 8, 7200);
    case ICTUS_SYNTH_NREM:
        return light ? ictus_synth_rng_lognormal_in(r, 200, 0.6, 20, 1200)
                     : ictus_synth_rng_lognormal_in(r, 120, 0.6, 20, 900);
    default:
        return ictus_synth_rng_lognormal_in(r, 70, 0.35, 20, 240);
    }
}

void ictus_synth_hypnogram_plan(ictus_synth_hypnogram *h, uint64_t key, int64_t start_us,
                                int64_t n_samples, double fs_hz)
{
    ictus_synth_rng r = ictus_synth_rng_make(key);
    memset(h, 0, sizeof *h);
    h->n_samples = n_samples;
    h->fs_hz = fs_hz;
    int cap = 0;
    int light = ictus_synth_is_light(start_us);
    double u = ictus_synth_rng_uniform(&r);
    ictus_synth_state s = u < (light ? 0.35 : 0.65)   ? ICTUS_SYNTH_WAKE
                          : u < (light ? 0.91 : 0.95) ? ICTUS_SYNTH_NREM
                                                      : ICTUS_SYNTH_REM;
    int64_t i = 0;
    while (i < n_samples) {
        ICTUS_GROW(h->bouts, h->n + 1, cap);
        light = ictus_synth_is_light(start_us + (int64_t)((double)i / fs_hz * 1e6));
        ictus_synth_bout *b = &h->bouts[h->n++];
        b->start = i;
        b->state = s;
        b->activity = s == ICTUS_SYNTH_WAKE
                          ? (float)(light ? ictus_synth_rng_range(&r, 0, 0.8)
                                          : ictus_synth_rng_range(&r, 0.3, 1.0))
                          : 0.0f;
        i += (int64_t)(bout_s(&r, s, light) * fs_hz);
        if (s == ICTUS_SYNTH_NREM)
            s = ictus_synth_rng_chance(&r, light ? 0.45 : 0.3) ? ICTUS_SYNTH_REM : ICTUS_SYNTH_WAKE;
        else
            s = s == ICTUS_SYNTH_WAKE ? ICTUS_SYNTH_NREM : ICTUS_SYNTH_WAKE;
    }
}

void ictus_synth_hypnogram_free(ictus_synth_hypnogram *h)
{
    free(h->bouts);
    h->bouts = NULL;
    h->n = 0;
}

double ictus_synth_hypnogram_seconds(const ictus_synth_hypnogram *h, ictus_synth_state state)
{
    int64_t n = 0;
    for (int b = 0; b < h->n; b++) {
        int64_t end = b + 1 < h->n ? h->bouts[b + 1].start : h->n_samples;
        if (h->bouts[b].state == state)
            n += end - h->bouts[b].start;
    }
    return (double)n / h->fs_hz;
}

/* ---------------------------------------------------------------- the generator */

/* 1/f^alpha from 0.3 Hz: four pole-zero sections, two per decade, then two
 * poles that steepen the spectrum by 40 dB/decade above ROLLOFF_HZ (rodent
 * EEG falls off fast there), and a flat amplifier floor of FLOOR_UV. */
#define N_SECTIONS 4
#define PINK_LO_HZ 0.3
#define ROLLOFF_HZ 30.0
#define FLOOR_UV 1.0f
/* Time constant of the gains' approach to a new state's levels. */
#define STATE_TAU_S 4.0

/* Levels of a median mouse, µV RMS, per state (wake, NREM, REM) and site
 * (HPC, CTX): broadband noise, delta (1-4 Hz) and theta.  Wake theta grows
 * with the bout's activity: theta_wake + theta_active * activity. */
static const float noise_uv[3][2] = {{30, 25}, {35, 30}, {25, 18}};
static const float delta_uv[3][2] = {{15, 15}, {60, 80}, {12, 8}};
static const float theta_uv[3][2] = {{12, 7}, {8, 6}, {65, 15}};
static const float theta_active_uv[2] = {55, 12};

/* The state of the 1/f cascade: s0..s3 the previous input of each section,
 * s4 the last section's previous output, r1 and r2 the roll-off poles'. */
typedef struct {
    float s0, s1, s2, s3, s4, r1, r2;
} pink_state;

typedef struct {
    float q[N_SECTIONS], p[N_SECTIONS + 1]; /* zeros and poles; p[N_SECTIONS]: the roll-off */
    pink_state s;
    float norm;                             /* 1 / RMS of the cascade */
    float g[3], target[3];                  /* current and target gain: noise, delta, theta */
    ictus_synth_rng rng;                    /* the channel's own noise */
} channel_state;

struct ictus_synth_background {
    const ictus_synth_animal *animal;
    const ictus_synth_hypnogram *hyp;
    double fs_hz;
    int n_channels;
    ictus_synth_rng rng;                    /* the shared rhythms' noise */
    float delta_c[5], delta_z[2][2], theta_c[5], theta_z[2][2]; /* two stages each */
    int bout;                               /* bout whose targets are set */
    int64_t next_i;                         /* the sample the next chunk must start at */
    channel_state ch[ICTUS_SYNTH_MAX_CHANNELS];
};

/* One sample x through channel k's 1/f cascade, its state in st. */
static inline float pink_step(const channel_state *restrict k, pink_state *restrict st, float x)
{
    const float *q = k->q, *p = k->p;
    float y0 = x - q[0] * st->s0 + p[0] * st->s1;
    float y1 = y0 - q[1] * st->s1 + p[1] * st->s2;
    float y2 = y1 - q[2] * st->s2 + p[2] * st->s3;
    float y3 = y2 - q[3] * st->s3 + p[3] * st->s4;
    st->s0 = x;
    st->s1 = y0;
    st->s2 = y1;
    st->s3 = y2;
    st->s4 = y3;
    const float r = p[N_SECTIONS];
    st->r1 = (1.0f - r) * y3 + r * st->r1;
    st->r2 = (1.0f - r) * st->r1 + r * st->r2;
    return st->r2;
}

static void design_pink(channel_state *k, double alpha, double fs_hz)
{
    double spacing = sqrt(10.0);
    for (int j = 0; j < N_SECTIONS; j++) {
        double pole = PINK_LO_HZ * pow(spacing, j), zero = pole * pow(spacing, alpha / 2);
        k->p[j] = (float)exp(-2 * M_PI * pole / fs_hz);
        k->q[j] = (float)exp(-2 * M_PI * zero / fs_hz);
    }
    k->p[N_SECTIONS] = (float)exp(-2 * M_PI * ROLLOFF_HZ / fs_hz);
    pink_state st = {0};
    double sum = 0;
    long n = (long)(30 * fs_hz);
    for (long i = 0; i < n; i++) {
        double y = pink_step(k, &st, i == 0 ? 1.0f : 0.0f);
        sum += y * y;
    }
    memset(&k->s, 0, sizeof k->s);
    k->norm = (float)(1.0 / sqrt(sum));
}

/* Set every channel's targets for bout b. */
static void set_targets(ictus_synth_background *bg, int b)
{
    const ictus_synth_bout *bout = &bg->hyp->bouts[b];
    double level = bg->animal->model->level;
    int s = (int)bout->state;
    for (int c = 0; c < bg->n_channels; c++) {
        int site = (int)bg->animal->site[c];
        channel_state *k = &bg->ch[c];
        k->target[0] = (float)(level * noise_uv[s][site]);
        k->target[1] = (float)(level * delta_uv[s][site]);
        k->target[2] = (float)(level * (theta_uv[s][site] +
                                        (s == ICTUS_SYNTH_WAKE ? theta_active_uv[site] * bout->activity
                                                               : 0)));
    }
    bg->bout = b;
}

ictus_synth_background *ictus_synth_background_create(const ictus_synth_animal *a,
                                                      const ictus_synth_hypnogram *h,
                                                      uint64_t key)
{
    ictus_synth_background *bg = ictus_xcalloc(1, sizeof *bg);
    bg->animal = a;
    bg->hyp = h;
    bg->fs_hz = h->fs_hz;
    bg->n_channels = a->n_channels;
    bg->rng = ictus_synth_rng_make(key);
    ictus_synth_noise_band(bg->delta_c, 2.0, 0.8, 2, h->fs_hz);
    ictus_synth_noise_band(bg->theta_c, a->theta_hz, 2.0, 2, h->fs_hz);
    for (int c = 0; c < a->n_channels; c++) {
        design_pink(&bg->ch[c], a->alpha[c], h->fs_hz);
        bg->ch[c].rng = ictus_synth_rng_make(ictus_synth_key(key, (uint64_t)c + 1, 0, 0, 0));
    }
    set_targets(bg, 0);
    for (int c = 0; c < a->n_channels; c++)
        memcpy(bg->ch[c].g, bg->ch[c].target, sizeof bg->ch[c].g);
    return bg;
}

void ictus_synth_background_destroy(ictus_synth_background *bg)
{
    free(bg);
}

/* The hot loops work on blocks of at most BLOCK samples with their state
 * in locals: first the shared rhythms, then each channel. */
enum { BLOCK = 256 };

static void rhythms(ictus_synth_background *bg, int n, float *restrict delta, float *restrict theta)
{
    ictus_synth_rng rng = bg->rng;
    float dc[5], tc[5], dz[2][2], tz[2][2];
    memcpy(dc, bg->delta_c, sizeof dc);
    memcpy(tc, bg->theta_c, sizeof tc);
    memcpy(dz, bg->delta_z, sizeof dz);
    memcpy(tz, bg->theta_z, sizeof tz);
    float wd[BLOCK], wt[BLOCK];
    ictus_synth_rng_fill(&rng, wd, n);
    ictus_synth_rng_fill(&rng, wt, n);
    for (int i = 0; i < n; i++) {
        float d = ictus_synth_biquad(dc, dz[0], wd[i]);
        float t = ictus_synth_biquad(tc, tz[0], wt[i]);
        delta[i] = ictus_synth_biquad(dc, dz[1], d);
        theta[i] = ictus_synth_biquad(tc, tz[1], t);
    }
    memcpy(bg->delta_z, dz, sizeof dz);
    memcpy(bg->theta_z, tz, sizeof tz);
    bg->rng = rng;
}

/* The gains move towards their targets exponentially (time constant
 * STATE_TAU_S): exact at block ends, linear in between. */
static void channel(channel_state *k, float keep, int n, const float *restrict delta,
                    const float *restrict theta, float *restrict out)
{
    float g[3], step[3];
    for (int j = 0; j < 3; j++) {
        float end = k->target[j] + (k->g[j] - k->target[j]) * keep;
        g[j] = k->g[j];
        step[j] = (end - g[j]) / (float)n;
        k->g[j] = end;
    }
    pink_state st = k->s;
    const float norm = k->norm;
    float white[BLOCK];
    ictus_synth_rng_fill(&k->rng, white, n);
    for (int i = 0; i < n; i++) {
        float w = white[i], fi = (float)i;
        float x = pink_step(k, &st, w) * norm;
        out[i] = (g[0] + fi * step[0]) * x + (g[1] + fi * step[1]) * delta[i] +
                 (g[2] + fi * step[2]) * theta[i] + FLOOR_UV * w;
    }
    k->s = st;
}

/* Samples [from, to) of the current chunk, all in one bout. */
static void run(ictus_synth_background *bg, int from, int to, float *const *out)
{
    float delta[BLOCK], theta[BLOCK];
    for (int b = from; b < to; b += BLOCK) {
        int n = to - b < BLOCK ? to - b : BLOCK;
        rhythms(bg, n, delta, theta);
        /* what remains of a gain's distance to its target after n samples */
        float keep = (float)exp(-n / (STATE_TAU_S * bg->fs_hz));
        for (int c = 0; c < bg->n_channels; c++)
            channel(&bg->ch[c], keep, n, delta, theta, out[c] + b);
    }
}

void ictus_synth_background_generate(ictus_synth_background *bg, int64_t i0, int n,
                                     float *const *out)
{
    assert(i0 == bg->next_i);
    const ictus_synth_hypnogram *h = bg->hyp;
    int from = 0;
    while (from < n) {
        int64_t next = bg->bout + 1 < h->n ? h->bouts[bg->bout + 1].start : INT64_MAX;
        int to = next - i0 < n ? (int)(next - i0) : n;
        if (to > from)
            run(bg, from, to, out);
        from = to;
        if (from < n)
            set_targets(bg, bg->bout + 1);
    }
    bg->next_i = i0 + n;
}

/* ---------------------------------------------------------------- spindles and spikes */

void ictus_synth_site_weights(const ictus_synth_animal *a, ictus_synth_rng *r, double hpc,
                              double ctx, double spread, float *weight)
{
    for (int c = 0; c < a->n_channels; c++) {
        double w = a->site[c] == ICTUS_SYNTH_SITE_HPC ? hpc : ctx;
        weight[c] = (float)(w * (c < 2 ? 1.0 : ictus_synth_rng_range(r, 1.0 - spread, 1.0)));
    }
}

/* Where the next event of a Poisson process within one bout goes. */
typedef struct {
    int64_t start;  /* the bout's first sample */
    double end_s;   /* its length (s) */
    double fs_hz;
    double t_s;     /* the last event's start, s after the bout's; 0 at first */
} bout_clock;

/* Append the process's next event of `kind`, mean_s after the last on
 * average and lasting [dur_min_s, dur_max_s) s; NULL when it would not end
 * within the bout. */
static ictus_synth_event *next_in_bout(ictus_synth_events *out, ictus_synth_kind kind,
                                       ictus_synth_rng *r, bout_clock *c, double mean_s,
                                       double dur_min_s, double dur_max_s)
{
    c->t_s += ictus_synth_rng_exp(r, mean_s);
    double dur = ictus_synth_rng_range(r, dur_min_s, dur_max_s);
    if (c->t_s + dur > c->end_s)
        return NULL;
    int64_t i = c->start + (int64_t)(c->t_s * c->fs_hz);
    return ictus_synth_events_add(out, kind, i, i + (int64_t)(dur * c->fs_hz));
}

/* NREM spindles: 10-15 Hz waxing-waning, 0.5-1.5 s, ~8 per minute of
 * NREM, strongest on cortex.  Interictal spikes: the model's rate per
 * state, strongest on the hippocampus, 4-8x the background there. */
void ictus_synth_background_plan(const ictus_synth_animal *a, const ictus_synth_hypnogram *h,
                                 uint64_t key, ictus_synth_events *out)
{
    ictus_synth_rng r = ictus_synth_rng_make(key);
    const double fs = h->fs_hz, level = a->model->level;
    for (int b = 0; b < h->n; b++) {
        const ictus_synth_bout *bout = &h->bouts[b];
        double end_s = (double)((b + 1 < h->n ? h->bouts[b + 1].start : h->n_samples) -
                                bout->start) / fs;
        bout_clock clock = {bout->start, end_s, fs, 0};
        ictus_synth_event *ev;
        if (bout->state == ICTUS_SYNTH_NREM) {
            while ((ev = next_in_bout(out, ICTUS_SYNTH_SPINDLE, &r, &clock, 7.5, 0.5, 1.5))) {
                ev->amp_uv = (float)(level * ictus_synth_rng_range(&r, 50, 90));
                ev->f0_hz = (float)ictus_synth_rng_range(&r, 10, 15);
                ev->p[0] = (float)ictus_synth_rng_uniform(&r);
                ictus_synth_site_weights(a, &r, 0.3, 1.0, 0.5, ev->weight);
            }
        }
        double per_s = a->model->spikes_per_min[bout->state] / 60.0;
        if (per_s <= 0)
            continue;
        clock.t_s = 0;
        while ((ev = next_in_bout(out, ICTUS_SYNTH_SPIKE, &r, &clock, 1 / per_s, 0.2, 0.35))) {
            ev->amp_uv = (float)(level * ictus_synth_rng_range(&r, 250, 500));
            ev->p[0] = (float)ictus_synth_rng_range(&r, 0.008, 0.014); /* spike SD, s */
            ev->p[1] = (float)ictus_synth_rng_range(&r, 0.2, 0.45);    /* slow wave */
            ictus_synth_site_weights(a, &r, 1.0, ictus_synth_rng_range(&r, 0.15, 0.4), 0.7,
                                     ev->weight);
        }
    }
}

void ictus_synth_render_spindle(const ictus_synth_event *ev, ictus_synth_voice *v,
                                const ictus_synth_canvas *cv, int64_t from, int64_t to)
{
    double dur = ictus_synth_event_duration(ev, cv->fs_hz);
    for (int64_t i = from; i < to; i++) {
        double t = ictus_synth_event_time(ev, i, cv->fs_hz), e = sin(M_PI * t / dur);
        float x = (float)(ev->amp_uv * e * e * sin(2 * M_PI * (ev->f0_hz * t + ev->p[0])));
        int j = (int)(i - cv->i0);
        x *= cv->bg_gain[j];
        for (int c = 0; c < cv->n_channels; c++)
            cv->add[c][j] += ev->weight[c] * x;
    }
}

void ictus_synth_render_spike(const ictus_synth_event *ev, ictus_synth_voice *v,
                              const ictus_synth_canvas *cv, int64_t from, int64_t to)
{
    double f = 1.0 / ictus_synth_event_duration(ev, cv->fs_hz);
    const ictus_synth_spike_shape shape = ictus_synth_event_spike(ev);
    for (int64_t i = from; i < to; i++) {
        double phase = ictus_synth_event_time(ev, i, cv->fs_hz) * f;
        int j = (int)(i - cv->i0);
        float x = ev->amp_uv * ictus_synth_spike_wave(phase, f, &shape) * cv->bg_gain[j];
        for (int c = 0; c < cv->n_channels; c++)
            cv->add[c][j] += ev->weight[c] * x;
    }
}
