/* day.c: plan a file, then render it chunk by chunk.
 *
 * A chunk is CHUNK samples aligned to the file's start.  For each chunk:
 *   1. the background generator fills bg[c] (µV of a median animal);
 *   2. events starting in the chunk get a voice; every active event draws
 *      into the canvas, modulators first (post-ictal depression, dropout,
 *      hum spells), then additive ones (seizures, behaviour, spikes);
 *   3. the channels are combined in one vectorisable loop:
 *        out = keep * (gain * (bg_gain * bg + add) + direct + hum)
 *      where gain is the animal's and electrode's gain times the day's
 *      drift, linear across the chunk.
 * The chunk grid is what makes the samples independent of the block sizes
 * the caller asks for.
 */
#include "synth/day.h"

#include <stdlib.h>
#include <string.h>

#include "synth/artefacts.h"
#include "synth/families.h"
#include "base/status.h"
#include "synth/seizures.h"
#include "base/vec.h"

#define CHUNK 1024
/* How much of the hippocampal depth leads' signal muscle activity reaches
 * (cortical screws: 1). */
#define HPC_MUSCLE 0.25f

typedef struct {
    int event;                   /* index into events */
    ictus_synth_voice voice;
} active_voice;

struct ictus_synth_day {
    ictus_synth_day_spec spec;
    ictus_synth_hypnogram hyp;
    ictus_synth_events events;
    ictus_synth_background *bg;
    int next_event;              /* first event not yet activated */
    active_voice *active;
    int n_active, cap_active;
    float *mem;                  /* every buffer below, one allocation */
    float *bgbuf[ICTUS_SYNTH_MAX_CHANNELS], *add[ICTUS_SYNTH_MAX_CHANNELS];
    float *direct[ICTUS_SYNTH_MAX_CHANNELS], *out[ICTUS_SYNTH_MAX_CHANNELS];
    float *bg_gain, *hum_gain, *keep, *hum;
    float *hum_table;            /* one period of the hum waveform */
    int64_t hum_period;          /* samples */
    float muscle[ICTUS_SYNTH_MAX_CHANNELS];
    int64_t chunk_i0;            /* the current chunk's first sample */
    int pos;                     /* samples of it already delivered */
    int drift_day;               /* the day drift[] is for, -1: none */
    ictus_synth_drift drift[ICTUS_SYNTH_MAX_CHANNELS];
};

/* ---------------------------------------------------------------- planning */

static bool overlaps(const ictus_synth_event *ev, const ictus_synth_events *gaps)
{
    for (int g = 0; g < gaps->n; g++)
        if (ev->start < gaps->items[g].end && ev->end > gaps->items[g].start)
            return true;
    return false;
}

/* Leave out the seizures (with their post-ictal depression) and hard
 * negatives that fall into a gap: nothing of them was recorded. */
static void drop_in_gaps(ictus_synth_events *list, const ictus_synth_events *gaps)
{
    int kept = 0;
    int64_t dropped_end = -1;
    for (int e = 0; e < list->n; e++) {
        const ictus_synth_event *ev = &list->items[e];
        ictus_synth_class cls = ictus_synth_kinds[ev->kind].cls;
        if (ev->kind == ICTUS_SYNTH_POSTICTAL && ev->start == dropped_end)
            continue;
        if (cls != ICTUS_SYNTH_BACKGROUND && overlaps(ev, gaps)) {
            if (cls == ICTUS_SYNTH_SEIZURE)
                dropped_end = ev->end;
            continue;
        }
        list->items[kept++] = *ev;
    }
    list->n = kept;
}

static void plan(ictus_synth_day *d)
{
    const ictus_synth_day_spec *spec = &d->spec;
    const ictus_synth_animal *a = spec->animal;
    uint64_t file = (uint64_t)spec->file;
    ictus_synth_hypnogram_plan(&d->hyp,
                               ictus_synth_key(a->key, (uint64_t)a->index, file,
                                               ICTUS_SYNTH_STREAM_HYPNOGRAM, 0),
                               spec->start_us, spec->n_samples, spec->fs_hz);
    ictus_synth_seizures_plan(spec, &d->events);
    ictus_synth_events gaps = {0};
    ictus_synth_gaps_plan(spec, &d->events, ICTUS_SYNTH_STIMULUS, &gaps);
    ictus_synth_artefacts_plan(spec, &d->hyp, &d->events);
    ictus_synth_families_plan(spec, &d->hyp, &d->events);
    ictus_synth_events_sort(&d->events);
    drop_in_gaps(&d->events, &gaps);
    for (int g = 0; g < gaps.n; g++)
        *ictus_synth_events_add(&d->events, ICTUS_SYNTH_GAP, 0, 0) = gaps.items[g];
    ictus_synth_events_free(&gaps);
    ictus_synth_background_plan(a, &d->hyp,
                                ictus_synth_key(a->key, (uint64_t)a->index, file,
                                                ICTUS_SYNTH_STREAM_SPIKES, 0),
                                &d->events);
    ictus_synth_events_sort(&d->events);
}

/* ---------------------------------------------------------------- set-up */

static int64_t gcd(int64_t a, int64_t b)
{
    while (b) {
        int64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* One period of the hum: the fundamental and harmonics 2..4 below Nyquist. */
static void make_hum(ictus_synth_day *d)
{
    const ictus_synth_animal *a = d->spec.animal;
    int64_t fs = (int64_t)d->spec.fs_hz, mains = (int64_t)d->spec.mains_hz;
    d->hum_period = fs / gcd(fs, mains);
    d->hum_table = ictus_xmalloc((size_t)d->hum_period * sizeof *d->hum_table);
    for (int64_t i = 0; i < d->hum_period; i++) {
        double x = 0;
        for (int k = 1; k <= 4 && 2 * k * mains < fs; k++) {
            double h = k == 1 ? 1.0 : a->hum_harmonics[k - 2];
            x += h * cos(2 * M_PI * (double)((k * mains * i) % fs) / (double)fs);
        }
        d->hum_table[i] = (float)x;
    }
}

ictus_synth_day *ictus_synth_day_create(const ictus_synth_day_spec *spec)
{
    ictus_synth_day *d = ictus_xcalloc(1, sizeof *d);
    d->spec = *spec;
    const ictus_synth_animal *a = spec->animal;
    int nc = a->n_channels;
    plan(d);
    d->bg = ictus_synth_background_create(a, &d->hyp,
                                          ictus_synth_key(a->key, (uint64_t)a->index,
                                                          (uint64_t)spec->file,
                                                          ICTUS_SYNTH_STREAM_BACKGROUND, 0));
    d->mem = ictus_xcalloc((size_t)(4 * nc + 4) * CHUNK, sizeof *d->mem);
    for (int c = 0; c < nc; c++) {
        d->bgbuf[c] = d->mem + (size_t)(4 * c) * CHUNK;
        d->add[c] = d->bgbuf[c] + CHUNK;
        d->direct[c] = d->add[c] + CHUNK;
        d->out[c] = d->direct[c] + CHUNK;
        d->muscle[c] = a->site[c] == ICTUS_SYNTH_SITE_CTX ? 1.0f : HPC_MUSCLE;
    }
    d->bg_gain = d->mem + (size_t)(4 * nc) * CHUNK;
    d->hum_gain = d->bg_gain + CHUNK;
    d->keep = d->hum_gain + CHUNK;
    d->hum = d->keep + CHUNK;
    make_hum(d);
    d->chunk_i0 = -CHUNK;
    d->pos = CHUNK;
    d->drift_day = -1;
    return d;
}

void ictus_synth_day_destroy(ictus_synth_day *d)
{
    if (!d)
        return;
    ictus_synth_background_destroy(d->bg);
    ictus_synth_hypnogram_free(&d->hyp);
    ictus_synth_events_free(&d->events);
    free(d->active);
    free(d->mem);
    free(d->hum_table);
    free(d);
}

const ictus_synth_day_spec *ictus_synth_day_get_spec(const ictus_synth_day *d)
{
    return &d->spec;
}

const ictus_synth_events *ictus_synth_day_events(const ictus_synth_day *d)
{
    return &d->events;
}

const ictus_synth_hypnogram *ictus_synth_day_hypnogram(const ictus_synth_day *d)
{
    return &d->hyp;
}

/* ---------------------------------------------------------------- gain */

static double gain_with(const ictus_synth_day *d, const ictus_synth_drift *drift, int c,
                        double day_s)
{
    const ictus_synth_animal *a = d->spec.animal;
    return a->gain * a->channel_gain[c] * ictus_synth_drift_gain(drift, day_s);
}

/* Elapsed seconds of sample i since the animal's first recording, split
 * into a day index and seconds into that day. */
static int split_day(const ictus_synth_day *d, int64_t i, double *day_s)
{
    double el = (double)d->spec.elapsed_s + (double)i / d->spec.fs_hz;
    int day = (int)(el / 86400);
    *day_s = el - 86400.0 * day;
    return day;
}

double ictus_synth_day_gain(const ictus_synth_day *d, int c, int64_t i)
{
    double day_s;
    int day = split_day(d, i, &day_s);
    ictus_synth_drift drift;
    ictus_synth_animal_drift(d->spec.animal, c, day, &drift);
    return gain_with(d, &drift, c, day_s);
}

/* The gain at sample i with the drift of its day cached. */
static double gain_cached(ictus_synth_day *d, int c, int64_t i)
{
    double day_s;
    int day = split_day(d, i, &day_s);
    if (day != d->drift_day) {
        for (int k = 0; k < d->spec.animal->n_channels; k++)
            ictus_synth_animal_drift(d->spec.animal, k, day, &d->drift[k]);
        d->drift_day = day;
    }
    return gain_with(d, &d->drift[c], c, day_s);
}

/* ---------------------------------------------------------------- rendering */

static void activate(ictus_synth_day *d, int64_t end)
{
    const ictus_synth_events *ev = &d->events;
    for (; d->next_event < ev->n && ev->items[d->next_event].start < end; d->next_event++) {
        const ictus_synth_event *e = &ev->items[d->next_event];
        const ictus_synth_kind_desc *k = &ictus_synth_kinds[e->kind];
        if (!k->render || e->end <= e->start)
            continue;
        ICTUS_GROW(d->active, d->n_active + 1, d->cap_active);
        active_voice *a = &d->active[d->n_active++];
        memset(a, 0, sizeof *a);
        a->event = d->next_event;
        a->voice.rng = ictus_synth_rng_make(e->seed);
        a->voice.spike_amp = 1.0f;
        if (k->start)
            k->start(e, &a->voice, d->spec.fs_hz);
    }
}

/* Draw the active events into the canvas and retire those that end in it. */
static void render_events(ictus_synth_day *d, const ictus_synth_canvas *cv)
{
    int64_t end = cv->i0 + cv->n;
    for (int pass = 0; pass < 2; pass++)
        for (int k = 0; k < d->n_active; k++) {
            const ictus_synth_event *e = &d->events.items[d->active[k].event];
            const ictus_synth_kind_desc *desc = &ictus_synth_kinds[e->kind];
            if (desc->pass != pass)
                continue;
            int64_t from = e->start > cv->i0 ? e->start : cv->i0;
            int64_t to = e->end < end ? e->end : end;
            if (from < to)
                desc->render(e, &d->active[k].voice, cv, from, to);
        }
    int kept = 0;
    for (int k = 0; k < d->n_active; k++)
        if (d->events.items[d->active[k].event].end > end)
            d->active[kept++] = d->active[k];
    d->n_active = kept;
}

/* One channel of a chunk: out = keep * (gain * (bg_gain * bg + add) +
 * direct + hum), the gain g0 + dg * i. */
static void combine(float g0, float dg, float hum_uv, const float *restrict bg,
                    const float *restrict add, const float *restrict direct,
                    const float *restrict bg_gain, const float *restrict hum_gain,
                    const float *restrict hum, const float *restrict keep, float *restrict out)
{
    for (int i = 0; i < CHUNK; i++)
        out[i] = keep[i] * ((g0 + dg * (float)i) * (bg_gain[i] * bg[i] + add[i]) + direct[i] +
                            hum_uv * hum_gain[i] * hum[i]);
}

static void make_chunk(ictus_synth_day *d)
{
    const ictus_synth_animal *a = d->spec.animal;
    const int nc = a->n_channels, n = CHUNK;
    const int64_t i0 = d->chunk_i0 + CHUNK;
    ictus_synth_background_generate(d->bg, i0, n, d->bgbuf);
    for (int c = 0; c < nc; c++) {
        memset(d->add[c], 0, CHUNK * sizeof(float));
        memset(d->direct[c], 0, CHUNK * sizeof(float));
    }
    for (int i = 0; i < n; i++)
        d->bg_gain[i] = d->hum_gain[i] = d->keep[i] = 1.0f;
    ictus_synth_canvas cv = {.i0 = i0, .n = n, .n_channels = nc, .fs_hz = d->spec.fs_hz,
                             .add = d->add, .direct = d->direct, .bg_gain = d->bg_gain,
                             .hum_gain = d->hum_gain, .keep = d->keep, .muscle = d->muscle};
    activate(d, i0 + n);
    render_events(d, &cv);

    int64_t h = i0 % d->hum_period;
    for (int i = 0; i < n; i++) {
        d->hum[i] = d->hum_table[h];
        h = h + 1 == d->hum_period ? 0 : h + 1;
    }
    double el = (double)d->spec.elapsed_s + ((double)i0 + n / 2) / d->spec.fs_hz;
    double hum_uv = a->hum_uv * (1 + 0.5 * sin(2 * M_PI * (el / a->hum_period_s + a->hum_phase)));
    for (int c = 0; c < nc; c++) {
        float g0 = (float)gain_cached(d, c, i0);
        float dg = ((float)gain_cached(d, c, i0 + n) - g0) / (float)n;
        combine(g0, dg, (float)(hum_uv * a->hum_weight[c]), d->bgbuf[c], d->add[c], d->direct[c],
                d->bg_gain, d->hum_gain, d->hum, d->keep, d->out[c]);
    }
    d->chunk_i0 = i0;
    d->pos = 0;
}

void ictus_synth_day_generate(ictus_synth_day *d, float *const *out, int64_t n)
{
    int nc = d->spec.animal->n_channels;
    int64_t done = 0;
    while (done < n) {
        if (d->pos == CHUNK)
            make_chunk(d);
        int64_t k = CHUNK - d->pos < n - done ? CHUNK - d->pos : n - done;
        for (int c = 0; c < nc; c++)
            memcpy(out[c] + done, d->out[c] + d->pos, (size_t)k * sizeof(float));
        d->pos += (int)k;
        done += k;
    }
}
