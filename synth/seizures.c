/* seizures.c: the seizure point processes, 6 Hz kindling, and the seizure
 * morphologies (see seizures.h for the facts they follow). */
#include "synth/seizures.h"

#include <math.h>
#include <stdlib.h>

#include "synth/background.h"
#include "synth/families.h"
#include "synth/ictal.h"
#include "synth/status_epilepticus.h"
#include "base/status.h"
#include "base/walltime.h"
#include "synth/waves.h"
#include "synth/thermo_plan.h"

/* Grid of the time rescaling: the rate is constant within a minute. */
#define GRID_S 60.0
/* The earliest start of a seizure after the previous one's end. */
#define AFTER_FOCAL_S 15.0
#define AFTER_CONVULSIVE_S 600.0
/* Largest spike amplitude factor: 1 + SPIKE_JITTER * 3.46 (rng_noise bound). */
#define SPIKE_JITTER 0.15
/* Stimulation times of day (s after midnight) and the stagger between animals. */
static const double stim_times_s[2] = {10 * 3600.0, 16 * 3600.0};
#define STIM_STAGGER_S 120.0

/* ---------------------------------------------------------------- occurrence */

/* Append the seizures of spontaneous process k: cluster onsets where the
 * integrated rate (piecewise constant per minute) has grown by a unit
 * exponential since the previous onset (time rescaling), each followed by
 * the rest of its cluster. */
static void plan_process(const ictus_synth_day_spec *spec, int k, ictus_synth_rng *r,
                         ictus_synth_rng *wide, ictus_synth_events *out)
{
    const ictus_synth_seizure_spec *s = &spec->animal->model->seizures[k];
    double day_sd = s->day_log_sd;
    double day_factor = exp(day_sd * ictus_synth_rng_gauss(r) - 0.5 * day_sd * day_sd);
    double per_s = spec->animal->seizure_per_day[k] / 86400.0 * day_factor / s->cluster_mean;
    double light = 2 * s->light_factor / (1 + s->light_factor), dark = 2 / (1 + s->light_factor);
    double total_s = (double)spec->n_samples / spec->fs_hz;
    double need = ictus_synth_rng_exp(r, 1.0);
    for (double t0 = 0; t0 < total_s; t0 += GRID_S) {
        double t1 = t0 + GRID_S < total_s ? t0 + GRID_S : total_s;
        int64_t mid_us = spec->start_us + (int64_t)((t0 + t1) / 2 * 1e6);
        double rate = per_s * (ictus_synth_is_light(mid_us) ? light : dark) *
                      ictus_synth_rate_at(spec, mid_us);
        double t = t0;
        while (rate > 0 && rate * (t1 - t) >= need) {
            t += need / rate;
            need = ictus_synth_rng_exp(r, 1.0);
            int n = 1 + ictus_synth_rng_poisson(r, s->cluster_mean - 1);
            double at = t;
            for (int j = 0; j < n; j++) {
                double onset = 0;
                double dur = ictus_synth_rng_lognormal_in(r, s->dur_median_s, s->dur_log_sd,
                                                          s->dur_min_s, s->dur_max_s);
                int family = 0;
                if (wide) /* the usual duration drawn all the same: the same onsets */
                    family = 1 + (int)ictus_synth_ictal_draw(spec, s->kind, wide, &dur, &onset);
                int64_t i = (int64_t)(at * spec->fs_hz);
                ictus_synth_event *ev =
                    ictus_synth_events_add(out, s->kind, i, i + (int64_t)(dur * spec->fs_hz));
                ev->ictal.family = family;
                ev->p[2] = (float)onset;
                at += dur + ictus_synth_rng_exp(r, s->cluster_gap_s);
            }
        }
        need -= rate * (t1 - t);
    }
}

/* Move seizures later so that none starts before the previous one and its
 * refractory time are over; drop those that no longer fit in the file. */
static void separate(ictus_synth_events *list, int64_t n_samples, double fs_hz)
{
    ictus_synth_events_sort(list);
    int64_t free_from = 0;
    int kept = 0;
    for (int e = 0; e < list->n; e++) {
        ictus_synth_event ev = list->items[e];
        if (ev.start < free_from) {
            ev.end += free_from - ev.start;
            ev.start = free_from;
        }
        if (ev.end > n_samples)
            continue;
        double after = ev.kind == ICTUS_SYNTH_HPD ? AFTER_FOCAL_S : AFTER_CONVULSIVE_S;
        free_from = ev.end + (int64_t)(after * fs_hz);
        list->items[kept++] = ev;
    }
    list->n = kept;
}

/* ---------------------------------------------------------------- shapes */

static float no_clip(const ictus_synth_day_spec *spec, const float *weight, double amp);

float ictus_synth_seizure_amp_cap(const ictus_synth_day_spec *spec, const float *weight,
                                  double amp)
{
    return no_clip(spec, weight, amp);
}

/* Cap `amp` so that the largest spike (with a polyspike overlapping it:
 * x1.3) on the most sensitive channel stays within 70 % of full scale even
 * at the largest gain drift (x1.5). */
static float no_clip(const ictus_synth_day_spec *spec, const float *weight, double amp)
{
    const ictus_synth_animal *a = spec->animal;
    double worst = 0;
    for (int c = 0; c < a->n_channels; c++) {
        double g = a->gain * a->channel_gain[c] * fabs(weight[c]);
        worst = g > worst ? g : worst;
    }
    double peak = worst * 1.5 * (1 + 3.47 * SPIKE_JITTER) * 1.3 * amp;
    double limit = 0.7 * spec->full_scale_uv;
    return (float)(peak > limit ? amp * limit / peak : amp);
}

static void add_postictal(ictus_synth_events *out, const ictus_synth_event *sz, ictus_synth_rng *r,
                          double fs_hz, double depth_lo, double depth_hi)
{
    double plateau = ictus_synth_rng_range(r, 30, 180), tau = ictus_synth_rng_range(r, 60, 240);
    ictus_synth_event *ev = ictus_synth_events_add(out, ICTUS_SYNTH_POSTICTAL, sz->end,
                                                   sz->end + (int64_t)((plateau + 4 * tau) * fs_hz));
    ev->p[0] = (float)ictus_synth_rng_range(r, depth_lo, depth_hi);
    ev->p[1] = (float)plateau;
    ev->p[2] = (float)tau;
}

/* Where the shape parameters of a convulsive seizure are drawn from:
 * uniform ranges [lo, hi). */
typedef struct {
    double f0_hz[2], f1_hz[2];  /* spike-train frequency at the start and the end */
    double onset_s[2];          /* the fast (or tonic) phase before it */
    double muscle_uv[2];        /* muscle activity, µV RMS of a median animal */
    double fast_hz[2];          /* fast-activity frequency */
    double ctx_weight[2];       /* weight on the cortex (hippocampus: 1) */
    double amp_uv[2];           /* spike-train amplitude of a median animal */
} convulsive_shape;

static const convulsive_shape convulsive_ranges = {
    {6, 9}, {1.5, 3}, {2, 5}, {30, 60}, {15, 25}, {0.7, 1.1}, {700, 1100}};
static const convulsive_shape gtcs_ranges = {
    {6, 12}, {2, 4}, {2, 5}, {50, 100}, {20, 35}, {0.8, 1.2}, {600, 1000}};

/* Draw a convulsive seizure's frequencies, phases, weights and amplitude
 * (p[] as shape() says) from `ranges`. */
static void shape_convulsive(const ictus_synth_day_spec *spec, ictus_synth_event *ev,
                             ictus_synth_rng *r, const convulsive_shape *ranges)
{
    const ictus_synth_animal *a = spec->animal;
    double level = a->model->level;
    ev->f0_hz = (float)ictus_synth_rng_range(r, ranges->f0_hz[0], ranges->f0_hz[1]);
    ev->f1_hz = (float)ictus_synth_rng_range(r, ranges->f1_hz[0], ranges->f1_hz[1]);
    ev->p[2] = (float)ictus_synth_rng_range(r, ranges->onset_s[0], ranges->onset_s[1]);
    ev->p[3] =
        (float)(level * ictus_synth_rng_range(r, ranges->muscle_uv[0], ranges->muscle_uv[1]));
    ev->p[4] = (float)ictus_synth_rng_range(r, ranges->fast_hz[0], ranges->fast_hz[1]);
    ictus_synth_site_weights(a, r, 1.0,
                             ictus_synth_rng_range(r, ranges->ctx_weight[0], ranges->ctx_weight[1]),
                             0.3, ev->weight);
    ev->amp_uv = no_clip(spec, ev->weight,
                         level * ictus_synth_rng_range(r, ranges->amp_uv[0], ranges->amp_uv[1]));
}

/* Shape parameters of a spontaneous or evoked seizure; p[] holds:
 * 0 spike SD (s), 1 slow-wave height, 2 onset (tonic/fast) phase (s),
 * 3 muscle activity (µV RMS), 4 fast-activity frequency (Hz), 5 polyspike. */
static void shape(const ictus_synth_day_spec *spec, ictus_synth_event *ev, ictus_synth_rng *r,
                  ictus_synth_events *out)
{
    const ictus_synth_animal *a = spec->animal;
    double level = a->model->level;
    ev->seed = ictus_synth_rng_u64(r);
    ev->p[0] = (float)ictus_synth_rng_range(r, 0.006, 0.011);
    ev->p[1] = (float)ictus_synth_rng_range(r, 0.25, 0.55);
    switch (ev->kind) {
    case ICTUS_SYNTH_HPD:
        ev->f0_hz = (float)ictus_synth_rng_range(r, 4, 6);
        ev->f1_hz = (float)ictus_synth_rng_range(r, 1.5, 3);
        ev->p[5] = (float)ictus_synth_rng_range(r, 0.3, 0.7);
        ictus_synth_site_weights(a, r, 1.0, ictus_synth_rng_range(r, 0.15, 0.4), 0.6, ev->weight);
        ev->amp_uv = no_clip(spec, ev->weight, level * ictus_synth_rng_range(r, 450, 700));
        break;
    case ICTUS_SYNTH_CONVULSIVE:
        shape_convulsive(spec, ev, r, &convulsive_ranges);
        ev->racine = ictus_synth_rng_chance(r, 0.6) ? 5 : 4;
        add_postictal(out, ev, r, spec->fs_hz, 0.06, 0.18);
        break;
    case ICTUS_SYNTH_GTCS:
        shape_convulsive(spec, ev, r, &gtcs_ranges);
        ev->racine = 5;
        add_postictal(out, ev, r, spec->fs_hz, 0.05, 0.15);
        break;
    default: /* ICTUS_SYNTH_AFTERDISCHARGE, racine set by the caller */
        ev->f0_hz = (float)ictus_synth_rng_range(r, 5, 8);
        ev->f1_hz = (float)ictus_synth_rng_range(r, 2, 3);
        ev->p[3] = (float)(ev->racine >= 3 ? level * 25 * (ev->racine - 2) : 0);
        ictus_synth_site_weights(a, r, 1.0, ictus_synth_rng_range(r, 0.6, 1.0), 0.3, ev->weight);
        ev->amp_uv = no_clip(spec, ev->weight,
                             level * (150 + 60 * ev->racine) * ictus_synth_rng_range(r, 0.8, 1.2));
        if (ev->racine >= 3)
            add_postictal(out, ev, r, spec->fs_hz, 0.4, 0.6);
        break;
    }
}

/* ---------------------------------------------------------------- 6 Hz kindling */

/* Midnight (naive wall clock) of the calendar day holding t_us. */
static int64_t midnight(int64_t t_us)
{
    int y, m, d;
    ictus_walltime_to_civil(t_us, &y, &m, &d, NULL, NULL, NULL, NULL);
    return ictus_walltime_from_civil(y, m, d, 0, 0, 0, 0);
}

#define DAY_US (INT64_C(86400) * ICTUS_US_PER_S)

/* The animal's stimulation times on the calendar day starting at day_us. */
static int64_t stim_time(const ictus_synth_animal *a, int64_t day_us, int k)
{
    return day_us + (int64_t)((stim_times_s[k] + STIM_STAGGER_S * a->index) * 1e6);
}

/* Stimulations of animal `a` in [from_us, to_us). */
static int stims_between(const ictus_synth_animal *a, int64_t from_us, int64_t to_us)
{
    int n = 0;
    for (int64_t day = midnight(from_us); day < to_us; day += DAY_US)
        for (int k = 0; k < 2; k++) {
            int64_t t = stim_time(a, day, k);
            n += t >= from_us && t < to_us;
        }
    return n;
}

/* Racine stage 0..5 of the animal's stimulation number n (counting those
 * before the recording), from its kindling speed, times the multiplier. */
static int racine_stage(const ictus_synth_animal *a, int n, double multiplier)
{
    ictus_synth_rng r = ictus_synth_rng_make(
        ictus_synth_key(a->key, (uint64_t)a->index, (uint64_t)n, ICTUS_SYNTH_STREAM_STIMULI, 0));
    double raw = 3.0 * pow(n / a->stims_to_kindle, 1.2) + 0.5 * ictus_synth_rng_gauss(&r);
    double stage = floor(raw * multiplier + 0.5);
    return stage < 0 ? 0 : stage > 5 ? 5 : (int)stage;
}

/* Afterdischarge length by stage: none at 0, 5-10 s at 1 ... 30-60 s at 5. */
static double afterdischarge_s(int stage, ictus_synth_rng *r)
{
    static const double lo[6] = {0, 5, 8, 15, 20, 30}, hi[6] = {0, 10, 15, 30, 45, 60};
    return ictus_synth_rng_range(r, lo[stage], hi[stage]);
}

static void plan_kindling(const ictus_synth_day_spec *spec, ictus_synth_events *out)
{
    const ictus_synth_animal *a = spec->animal;
    const double fs = spec->fs_hz;
    int64_t end_us = spec->start_us + (int64_t)((double)spec->n_samples / fs * 1e6);
    int64_t first_us = spec->start_us - spec->elapsed_s * ICTUS_US_PER_S;
    for (int64_t day = midnight(spec->start_us); day < end_us; day += DAY_US)
        for (int k = 0; k < 2; k++) {
            int64_t t = stim_time(a, day, k);
            if (t < spec->start_us)
                continue;
            int n = a->prior_stims + stims_between(a, first_us, t);
            ictus_synth_rng r = ictus_synth_rng_make(ictus_synth_key(
                a->key, (uint64_t)a->index, (uint64_t)n, ICTUS_SYNTH_STREAM_STIMULI, 1));
            int stage = racine_stage(a, n, ictus_synth_rate_at(spec, t));
            double ad_s = afterdischarge_s(stage, &r), delay_s = ictus_synth_rng_range(&r, 0, 0.5);
            int64_t i = (int64_t)((double)(t - spec->start_us) / 1e6 * fs);
            int64_t stim_end = i + (int64_t)(ICTUS_SYNTH_STIM_S * fs);
            int64_t ad_start = stim_end + (int64_t)(delay_s * fs);
            int64_t ad_end = ad_start + (int64_t)(ad_s * fs);
            if (ad_end > spec->n_samples)
                continue;
            ictus_synth_event *st = ictus_synth_events_add(out, ICTUS_SYNTH_STIMULUS, i, stim_end);
            st->racine = stage;
            st->amp_uv = (float)(a->stim_peak * spec->full_scale_uv);
            st->f0_hz = (float)ICTUS_SYNTH_STIM_HZ;
            st->seed = ictus_synth_rng_u64(&r);
            for (int c = 0; c < a->n_channels; c++)
                st->weight[c] = (float)(ictus_synth_rng_range(&r, 0.7, 1.0) *
                                        (ictus_synth_rng_chance(&r, 0.5) ? 1 : -1));
            if (stage == 0)
                continue;
            ictus_synth_event *ad =
                ictus_synth_events_add(out, ICTUS_SYNTH_AFTERDISCHARGE, ad_start, ad_end);
            ad->racine = stage;
            shape(spec, ad, &r, out);
        }
}

/* `--seizures wide`: shape every seizure (and its post-ictal depression)
 * from the seizure stream, then leave out those of families left out:
 * draw-then-drop, so that the others get the same draws whatever is left
 * out. */
static void plan_wide(const ictus_synth_day_spec *spec, const ictus_synth_events *seizures,
                      ictus_synth_rng *r, ictus_synth_events *out)
{
    ictus_synth_events all = {0};
    for (int e = 0; e < seizures->n; e++) {
        ictus_synth_event ev = seizures->items[e];
        ictus_synth_events tail = {0};
        ictus_synth_ictal_shape(spec, &ev, r, &tail);
        *ictus_synth_events_add(&all, ev.kind, 0, 0) = ev;
        for (int k = 0; k < tail.n; k++)
            *ictus_synth_events_add(&all, tail.items[k].kind, 0, 0) = tail.items[k];
        ictus_synth_events_free(&tail);
    }
    int64_t dropped_end = -1;
    for (int e = 0; e < all.n; e++) {
        const ictus_synth_event *ev = &all.items[e];
        if (ev->kind == ICTUS_SYNTH_POSTICTAL && ev->start == dropped_end)
            continue;
        if (ev->kind != ICTUS_SYNTH_POSTICTAL &&
            !ictus_synth_family_kept(spec, ictus_synth_family_of(ev))) {
            dropped_end = ev->end;
            continue;
        }
        *ictus_synth_events_add(out, ev->kind, 0, 0) = *ev;
    }
    ictus_synth_events_free(&all);
}

/* A hyperthermia session (thermo_plan.h): only its induced seizure, of the
 * model's first kind, when the core reaches the planned threshold. */
static void plan_induced(const ictus_synth_day_spec *spec, ictus_synth_rng *r,
                         ictus_synth_events *out)
{
    if (!spec->thermo->seizes)
        return;
    const ictus_synth_seizure_spec *s = &spec->animal->model->seizures[0];
    double dur = ictus_synth_rng_lognormal_in(r, s->dur_median_s, s->dur_log_sd, s->dur_min_s,
                                              s->dur_max_s);
    int64_t i = (int64_t)(spec->thermo->onset_s * spec->fs_hz);
    int64_t end = i + (int64_t)(dur * spec->fs_hz);
    if (end > spec->n_samples)
        return;
    shape(spec, ictus_synth_events_add(out, s->kind, i, end), r, out);
}

void ictus_synth_seizures_plan(const ictus_synth_day_spec *spec, ictus_synth_events *out)
{
    const ictus_synth_animal *a = spec->animal;
    if (a->model->kindling) {
        plan_kindling(spec, out);
        return;
    }
    ictus_synth_rng r = ictus_synth_rng_make(ictus_synth_key(a->key, (uint64_t)a->index,
                                                             (uint64_t)spec->file,
                                                             ICTUS_SYNTH_STREAM_SEIZURES,
                                                             spec->seizure_draw));
    if (spec->thermo) {
        plan_induced(spec, &r, out);
        return;
    }
    /* wide seizures: family, duration and shape from a stream of their own */
    bool wide = spec->seizures == ICTUS_SYNTH_SEIZURES_WIDE;
    ictus_synth_rng w = ictus_synth_rng_make(ictus_synth_key(a->key, (uint64_t)a->index,
                                                             (uint64_t)spec->file,
                                                             ICTUS_SYNTH_STREAM_ICTAL,
                                                             spec->seizure_draw));
    ictus_synth_events seizures = {0};
    for (int k = 0; k < a->model->n_seizures; k++)
        plan_process(spec, k, &r, wide ? &w : NULL, &seizures);
    separate(&seizures, spec->n_samples, spec->fs_hz);
    if (spec->n_se > 0)
        ictus_synth_se_plan(spec, &seizures, out);
    if (wide) {
        plan_wide(spec, &seizures, &w, out);
        ictus_synth_events_free(&seizures);
        return;
    }
    for (int e = 0; e < seizures.n; e++) {
        ictus_synth_event *ev = ictus_synth_events_add(out, seizures.items[e].kind,
                                                       seizures.items[e].start,
                                                       seizures.items[e].end);
        shape(spec, ev, &r, out);
    }
    ictus_synth_events_free(&seizures);
}

/* ---------------------------------------------------------------- rendering */

void ictus_synth_start_seizure(const ictus_synth_event *ev, ictus_synth_voice *v, double fs_hz)
{
    if (ev->p[4] > 0)
        ictus_synth_noise_band(v->coef[0], ev->p[4], 3.0, 1, fs_hz);
    ictus_synth_noise_band(v->coef[1], 100.0, 0.8, 1, fs_hz);
}

/* Add x on every channel with the event's weights, and muscle activity m
 * with the leads' muscle pick-up. */
static inline void put(const ictus_synth_canvas *cv, const ictus_synth_event *ev, int j, float x,
                       float m)
{
    for (int c = 0; c < cv->n_channels; c++)
        cv->add[c][j] += ev->weight[c] * x + cv->muscle[c] * m;
}

/* Muscle activity of RMS p[3] µV from t_on_s on, fading in over a second. */
static inline float muscle(const ictus_synth_event *ev, ictus_synth_voice *v, double t,
                           double t_on_s, double dur_s)
{
    if (ev->p[3] <= 0 || t < t_on_s)
        return 0;
    double e = ictus_synth_envelope(t - t_on_s, dur_s - t_on_s, 1.0, 0.2);
    return (float)(ev->p[3] * e) * ictus_synth_biquad(v->coef[1], v->z[1],
                                                      ictus_synth_rng_noise(&v->rng));
}

/* A seizure's spike train at t s of an event lasting dur_s, whose train
 * starts at onset_s: the amplitude (µV), and the frequency in *f_hz. */
typedef double (*train_law)(const ictus_synth_event *ev, double t, double dur_s, double onset_s,
                            double *f_hz);

/* Render a seizure: before onset_s, low-amplitude fast activity at
 * fast_level of amp_uv (rising over fast_rise_s); from onset_s on, the spike
 * train of `law`; muscle activity from muscle_from_s on (INFINITY: none). */
static void render_train(const ictus_synth_event *ev, ictus_synth_voice *v,
                         const ictus_synth_canvas *cv, int64_t from, int64_t to, train_law law,
                         double onset_s, double fast_level, double fast_rise_s,
                         double muscle_from_s)
{
    const double fs = cv->fs_hz, dur = ictus_synth_event_duration(ev, fs);
    const ictus_synth_spike_shape shape = ictus_synth_event_spike(ev);
    for (int64_t i = from; i < to; i++) {
        double t = ictus_synth_event_time(ev, i, fs);
        float x;
        if (t < onset_s) {
            double e = fast_level * ev->amp_uv * ictus_synth_smoothstep(t / fast_rise_s);
            x = (float)e * ictus_synth_biquad(v->coef[0], v->z[0], ictus_synth_rng_noise(&v->rng));
        } else {
            double f, amp = law(ev, t, dur, onset_s, &f);
            x = (float)amp * ictus_synth_train_step(v, f, fs, SPIKE_JITTER, &shape);
        }
        put(cv, ev, (int)(i - cv->i0), x, muscle(ev, v, t, muscle_from_s, dur));
    }
}

/* f0 sweeping to f1; grows over the first fifth, fades a little over the last. */
static double hpd_law(const ictus_synth_event *ev, double t, double dur_s, double onset_s,
                      double *f_hz)
{
    (void)onset_s;
    double u = t / dur_s;
    *f_hz = ev->f0_hz + (ev->f1_hz - ev->f0_hz) * u;
    return ev->amp_uv * (0.5 + 0.5 * ictus_synth_smoothstep(u / 0.2)) *
           (1 - 0.3 * ictus_synth_smoothstep((u - 0.8) / 0.2)) *
           ictus_synth_envelope(t, dur_s, 0.2, 0.2);
}

/* Spike-wave: frequency rises over 15 %, then slows to f1. */
static double convulsive_law(const ictus_synth_event *ev, double t, double dur_s,
                             double onset_s, double *f_hz)
{
    double u = (t - onset_s) / (dur_s - onset_s);
    *f_hz = u < 0.15 ? 4 + (ev->f0_hz - 4) * u / 0.15
                     : ev->f0_hz + (ev->f1_hz - ev->f0_hz) * (u - 0.15) / 0.85;
    return ev->amp_uv * (0.4 + 0.6 * ictus_synth_smoothstep(u / 0.3)) * (1 - 0.2 * u) *
           ictus_synth_envelope(t, dur_s, 0, 0.5);
}

/* Clonic: f0 slowing to f1, full amplitude within a fifth, abrupt end. */
static double clonic_law(const ictus_synth_event *ev, double t, double dur_s, double onset_s,
                         double *f_hz)
{
    double u = (t - onset_s) / (dur_s - onset_s);
    *f_hz = ev->f0_hz + (ev->f1_hz - ev->f0_hz) * pow(u, 0.7);
    return ev->amp_uv * (0.5 + 0.5 * ictus_synth_smoothstep(u / 0.2)) *
           ictus_synth_envelope(t, dur_s, 0, 0.15);
}

/* f0 sweeping to f1; fades to 60 % over the last 15 %, then stops (below
 * 2x baseline). */
static double afterdischarge_law(const ictus_synth_event *ev, double t, double dur_s,
                                 double onset_s, double *f_hz)
{
    (void)onset_s;
    double u = t / dur_s;
    *f_hz = ev->f0_hz + (ev->f1_hz - ev->f0_hz) * u;
    return ev->amp_uv * (1 - 0.4 * ictus_synth_smoothstep((u - 0.85) / 0.15)) *
           ictus_synth_envelope(t, dur_s, 0.3, 0.1);
}

/* Fast-activity levels (fraction of amp_uv) and rise times (s) of the
 * seizures that start with it; the others start with their spike train. */
#define CONVULSIVE_FAST_LEVEL 0.06
#define CONVULSIVE_FAST_RISE_S 0.5
#define TONIC_FAST_LEVEL 0.08
#define TONIC_FAST_RISE_S 0.3

void ictus_synth_render_hpd(const ictus_synth_event *ev, ictus_synth_voice *v,
                            const ictus_synth_canvas *cv, int64_t from, int64_t to)
{
    if (ev->ictal.family) {
        ictus_synth_render_ictal(ev, v, cv, from, to);
        return;
    }
    render_train(ev, v, cv, from, to, hpd_law, 0, 0, 1, INFINITY);
}

/* p[2]: onset (s) of the spike-wave after the fast activity. */
void ictus_synth_render_convulsive(const ictus_synth_event *ev, ictus_synth_voice *v,
                                   const ictus_synth_canvas *cv, int64_t from, int64_t to)
{
    if (ev->ictal.family) {
        ictus_synth_render_ictal(ev, v, cv, from, to);
        return;
    }
    render_train(ev, v, cv, from, to, convulsive_law, ev->p[2], CONVULSIVE_FAST_LEVEL,
                 CONVULSIVE_FAST_RISE_S, ev->p[2] * 0.5);
}

/* p[2]: length (s) of the tonic phase (fast activity under strong muscle
 * activity) before the clonic one. */
void ictus_synth_render_gtcs(const ictus_synth_event *ev, ictus_synth_voice *v,
                             const ictus_synth_canvas *cv, int64_t from, int64_t to)
{
    if (ev->ictal.family) {
        ictus_synth_render_ictal(ev, v, cv, from, to);
        return;
    }
    render_train(ev, v, cv, from, to, clonic_law, ev->p[2], TONIC_FAST_LEVEL, TONIC_FAST_RISE_S,
                 0);
}

void ictus_synth_render_afterdischarge(const ictus_synth_event *ev, ictus_synth_voice *v,
                                       const ictus_synth_canvas *cv, int64_t from, int64_t to)
{
    render_train(ev, v, cv, from, to, afterdischarge_law, 0, 0, 1, 1.0);
}

/* p[0] depth (background factor), p[1] plateau (s), p[2] recovery tau (s). */
void ictus_synth_render_postictal(const ictus_synth_event *ev, ictus_synth_voice *v,
                                  const ictus_synth_canvas *cv, int64_t from, int64_t to)
{
    const double depth = ev->p[0], plateau = ev->p[1], tau = ev->p[2];
    for (int64_t i = from; i < to; i++) {
        double t = ictus_synth_event_time(ev, i, cv->fs_hz);
        double g = t < plateau ? depth : 1 - (1 - depth) * exp(-(t - plateau) / tau);
        cv->bg_gain[i - cv->i0] *= (float)g;
    }
}
