/* status_epilepticus.c: planning and drawing status epilepticus episodes
 * (status_epilepticus.h). */
#include "synth/status_epilepticus.h"

#include <math.h>

#include "synth/background.h"
#include "synth/seizures.h"
#include "synth/waves.h"

/* Where an episode may lie in its slot of the file, s. */
#define LEAD_S (45 * 60.0)
#define TAIL_S (15 * 60.0)
/* Refractory time after an episode before the next seizure, s. */
#define AFTER_SE_S 600.0
#define SPIKE_JITTER 0.15

int ictus_synth_se_in_file(int n, int n_files, int file)
{
    if (n <= 0 || n_files <= 0)
        return 0;
    return n / n_files + (file < n % n_files);
}

static bool focal_model(const ictus_synth_model *m)
{
    return m->n_seizures > 0 && m->seizures[0].kind == ICTUS_SYNTH_HPD;
}

/* Remove the seizures that would overlap [start, end) or its refractory
 * time; each seizure's own refractory time is taken as AFTER_SE_S too. */
static void clear_seizures(ictus_synth_events *list, int64_t start, int64_t end, double fs_hz)
{
    int64_t after = (int64_t)(AFTER_SE_S * fs_hz);
    int kept = 0;
    for (int e = 0; e < list->n; e++) {
        const ictus_synth_event *ev = &list->items[e];
        if (ev->end + after > start && ev->start < end + after)
            continue;
        list->items[kept++] = *ev;
    }
    list->n = kept;
}

static void add_suppression(ictus_synth_events *out, int64_t at, double fs_hz, double depth,
                            double plateau_s, double tau_s)
{
    ictus_synth_event *ev = ictus_synth_events_add(out, ICTUS_SYNTH_POSTICTAL, at,
                                                   at + (int64_t)((plateau_s + 4 * tau_s) * fs_hz));
    ev->p[0] = (float)depth;
    ev->p[1] = (float)plateau_s;
    ev->p[2] = (float)tau_s;
}

/* Shape one episode starting at sample `at`; false when it does not fit
 * before `limit`.  p[]: 0, 1, 5 the spike shape (waves.h), 2 the burst
 * period (s; 0: continuous), 3 muscle activity (µV RMS), 4 the gap after
 * each burst (convulsive) or the frequency's wander period (focal). */
static bool shape_episode(const ictus_synth_day_spec *spec, ictus_synth_rng *r, int64_t at,
                          int64_t limit, ictus_synth_events *seizures, ictus_synth_events *out)
{
    const ictus_synth_animal *a = spec->animal;
    const double fs = spec->fs_hz, level = a->model->level;
    ictus_synth_event ev = {.kind = ICTUS_SYNTH_SE, .start = at, .seed = ictus_synth_rng_u64(r)};
    ev.p[0] = (float)ictus_synth_rng_range(r, 0.006, 0.011);
    ev.p[1] = (float)ictus_synth_rng_range(r, 0.25, 0.55);
    double dur_s;
    if (focal_model(a->model)) {
        dur_s = ictus_synth_rng_range(r, 12 * 60, 25 * 60);
        ev.f0_hz = (float)ictus_synth_rng_range(r, 2.5, 3.2);
        ev.f1_hz = (float)ictus_synth_rng_range(r, 4.2, 5);
        ev.p[4] = (float)ictus_synth_rng_range(r, 40, 90);
        ev.p[5] = (float)ictus_synth_rng_range(r, 0.3, 0.7);
        ictus_synth_site_weights(a, r, 1.0, ictus_synth_rng_range(r, 0.15, 0.4), 0.6, ev.weight);
        ev.amp_uv = ictus_synth_seizure_amp_cap(spec, ev.weight,
                                                level * ictus_synth_rng_range(r, 450, 700));
    } else {
        double cycle = ictus_synth_rng_range(r, 60, 120), gap = ictus_synth_rng_range(r, 8, 15);
        int bursts = (int)ceil(ictus_synth_rng_range(r, 6 * 60, 12 * 60) / cycle);
        dur_s = bursts * cycle - gap;
        ev.racine = 5;
        ev.f0_hz = (float)ictus_synth_rng_range(r, 6, 9);
        ev.f1_hz = (float)ictus_synth_rng_range(r, 2, 3);
        ev.p[2] = (float)cycle;
        ev.p[3] = (float)(level * ictus_synth_rng_range(r, 30, 60));
        ev.p[4] = (float)gap;
        ictus_synth_site_weights(a, r, 1.0, ictus_synth_rng_range(r, 0.8, 1.1), 0.3, ev.weight);
        ev.amp_uv = ictus_synth_seizure_amp_cap(spec, ev.weight,
                                                level * ictus_synth_rng_range(r, 700, 1100));
    }
    ev.end = at + (int64_t)(dur_s * fs);
    if (ev.end > limit)
        return false;
    clear_seizures(seizures, ev.start, ev.end, fs);
    *ictus_synth_events_add(out, ICTUS_SYNTH_SE, 0, 0) = ev;
    if (ev.p[2] > 0) { /* suppressed background between the bursts, depression after */
        double burst_s = ev.p[2] - ev.p[4];
        for (int64_t b = at + (int64_t)(burst_s * fs); b < ev.end;
             b += (int64_t)(ev.p[2] * fs))
            add_suppression(out, b, fs, ictus_synth_rng_range(r, 0.1, 0.2), ev.p[4], 1);
        add_suppression(out, ev.end, fs, ictus_synth_rng_range(r, 0.06, 0.18),
                        ictus_synth_rng_range(r, 30, 180), ictus_synth_rng_range(r, 60, 240));
    }
    return true;
}

void ictus_synth_se_plan(const ictus_synth_day_spec *spec, ictus_synth_events *seizures,
                         ictus_synth_events *out)
{
    const ictus_synth_animal *a = spec->animal;
    if (spec->n_se <= 0 || a->model->n_seizures == 0)
        return;
    ictus_synth_rng r = ictus_synth_rng_make(ictus_synth_key(
        a->key, (uint64_t)a->index, (uint64_t)spec->file, ICTUS_SYNTH_STREAM_SE, 0));
    const double fs = spec->fs_hz;
    double slot_s = (double)spec->n_samples / fs / spec->n_se;
    for (int j = 0; j < spec->n_se; j++) {
        double lo = j * slot_s + LEAD_S, hi = (j + 1) * slot_s - TAIL_S;
        if (hi <= lo)
            continue;
        int64_t at = (int64_t)(ictus_synth_rng_range(&r, lo, lo + 0.5 * (hi - lo)) * fs);
        shape_episode(spec, &r, at, (int64_t)(hi * fs), seizures, out);
    }
}

/* ---------------------------------------------------------------- drawing */

void ictus_synth_start_se(const ictus_synth_event *ev, ictus_synth_voice *v, double fs_hz)
{
    (void)ev;
    ictus_synth_noise_band(v->coef[1], 100.0, 0.8, 1, fs_hz);
}

void ictus_synth_render_se(const ictus_synth_event *ev, ictus_synth_voice *v,
                           const ictus_synth_canvas *cv, int64_t from, int64_t to)
{
    const double fs = cv->fs_hz, dur = ictus_synth_event_duration(ev, fs);
    const ictus_synth_spike_shape shape = ictus_synth_event_spike(ev);
    const double cycle = ev->p[2], gap = ev->p[4];
    for (int64_t i = from; i < to; i++) {
        double t = ictus_synth_event_time(ev, i, fs), f, amp, m = 0;
        if (cycle <= 0) { /* focal: continuous, the rate wandering between f0 and f1 */
            f = ev->f0_hz + (ev->f1_hz - ev->f0_hz) * (0.5 + 0.5 * sin(2 * M_PI * t / gap));
            amp = ev->amp_uv * (0.85 + 0.15 * sin(2 * M_PI * t / 37.0)) *
                  ictus_synth_envelope(t, dur, 2, 1);
        } else { /* convulsive: bursts of spike-wave slowing down, quiet gaps */
            double burst = cycle - gap, tb = fmod(t, cycle), u = tb / burst;
            if (tb >= burst) {
                v->phase = 0;
                continue;
            }
            f = ev->f0_hz + (ev->f1_hz - ev->f0_hz) * u;
            amp = ev->amp_uv * (0.5 + 0.5 * ictus_synth_smoothstep(u / 0.2)) *
                  ictus_synth_envelope(tb, burst, 0.5, 0.5);
            m = ev->p[3] * ictus_synth_envelope(tb, burst, 1, 0.2) *
                ictus_synth_biquad(v->coef[1], v->z[1], ictus_synth_rng_noise(&v->rng));
        }
        float x = (float)amp * ictus_synth_train_step(v, f, fs, SPIKE_JITTER, &shape);
        int j = (int)(i - cv->i0);
        for (int c = 0; c < cv->n_channels; c++)
            cv->add[c][j] += ev->weight[c] * x + cv->muscle[c] * (float)m;
    }
}
