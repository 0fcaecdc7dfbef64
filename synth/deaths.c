/* deaths.c: planning an animal's death (deaths.h) from its files' plans. */
#include "synth/deaths.h"

#include "synth/day.h"
#include "synth/rng.h"

#define STREAM_DEATH 0x646561746855ULL /* its own stream: no other draw changes */

/* Whether a seizure of the plan of file `file` ends in [t0_us, t1_us] or
 * goes on over t1_us. */
static bool seizure_ends_in(const ictus_synth_animal *a, int file, ictus_synth_spec_fn spec_of,
                            const void *ctx, int64_t t0_us, int64_t t1_us)
{
    if (file < 0)
        return false;
    ictus_synth_day_spec spec;
    spec_of(ctx, a, file, &spec);
    ictus_synth_day *d = ictus_synth_day_create(&spec);
    const ictus_synth_events *ev = ictus_synth_day_events(d);
    bool found = false;
    for (int i = 0; i < ev->n && !found; i++) {
        if (ictus_synth_kinds[ev->items[i].kind].cls != ICTUS_SYNTH_SEIZURE)
            continue;
        int64_t start = spec.start_us + (int64_t)((double)ev->items[i].start / spec.fs_hz * 1e6);
        int64_t end = spec.start_us + (int64_t)((double)ev->items[i].end / spec.fs_hz * 1e6);
        found = end >= t0_us && start <= t1_us;
    }
    ictus_synth_day_destroy(d);
    return found;
}

/* A SUDEP in file `file`: the first GTCS (from a random place on) with room
 * for the delay and no seizure starting before the death. */
static bool sudep_in(const ictus_synth_animal *a, int file, ictus_synth_spec_fn spec_of,
                     const void *ctx, ictus_synth_rng *r, ictus_synth_death *out)
{
    ictus_synth_day_spec spec;
    spec_of(ctx, a, file, &spec);
    ictus_synth_day *d = ictus_synth_day_create(&spec);
    const ictus_synth_events *ev = ictus_synth_day_events(d);
    int64_t fs = (int64_t)spec.fs_hz;
    int64_t delay = fs * (int64_t)ictus_synth_rng_range(r, 180, 1200);
    int first = ev->n ? (int)(ictus_synth_rng_uniform(r) * ev->n) : 0;
    bool found = false;
    for (int k = 0; k < ev->n && !found; k++) {
        const ictus_synth_event *g = &ev->items[(first + k) % ev->n];
        if (g->kind != ICTUS_SYNTH_GTCS && g->kind != ICTUS_SYNTH_CONVULSIVE)
            continue;
        int64_t stop = (g->end / fs + 1) * fs + delay; /* a whole second */
        if (stop >= spec.n_samples)
            continue;
        bool clear = true;
        for (int i = 0; i < ev->n && clear; i++)
            clear = &ev->items[i] == g || ictus_synth_kinds[ev->items[i].kind].cls !=
                                              ICTUS_SYNTH_SEIZURE ||
                    ev->items[i].end <= g->start || ev->items[i].start >= stop;
        if (!clear)
            continue;
        found = true;
        *out = (ictus_synth_death){
            .dies = true, .sudep = true, .file = file, .stop_sample = stop,
            .death_us = spec.start_us + stop / fs * 1000000,
            .gtcs_start_us = spec.start_us + (int64_t)((double)g->start / spec.fs_hz * 1e6),
            .gtcs_end_us = spec.start_us + (int64_t)((double)g->end / spec.fs_hz * 1e6)};
    }
    ictus_synth_day_destroy(d);
    return found;
}

/* A death of another cause in file `file`, at a random second with no
 * seizure ending in the 2 h before (and none straddling it). */
static bool other_in(const ictus_synth_animal *a, int file, ictus_synth_spec_fn spec_of,
                     const void *ctx, ictus_synth_rng *r, ictus_synth_death *out)
{
    ictus_synth_day_spec spec;
    spec_of(ctx, a, file, &spec);
    int64_t fs = (int64_t)spec.fs_hz, secs = spec.n_samples / fs;
    for (int attempt = 0; attempt < 20; attempt++) {
        int64_t s = 60 + (int64_t)(ictus_synth_rng_uniform(r) * (double)(secs - 120));
        if (s <= 0 || s >= secs)
            continue;
        int64_t death = spec.start_us + s * 1000000, before = death - 2 * 3600 * INT64_C(1000000);
        if (seizure_ends_in(a, file, spec_of, ctx, before, death) ||
            seizure_ends_in(a, file - 1, spec_of, ctx, before, death))
            continue;
        *out = (ictus_synth_death){.dies = true, .file = file, .stop_sample = s * fs,
                                   .death_us = death, .gtcs_start_us = INT64_MIN,
                                   .gtcs_end_us = INT64_MIN};
        return true;
    }
    return false;
}

void ictus_synth_death_plan(const ictus_synth_animal *a, int n_files, ictus_synth_spec_fn spec_of,
                            const void *ctx, ictus_synth_death *out)
{
    *out = (ictus_synth_death){.gtcs_start_us = INT64_MIN, .gtcs_end_us = INT64_MIN};
    ictus_synth_rng r =
        ictus_synth_rng_make(ictus_synth_key(a->key, (uint64_t)a->index, 0, STREAM_DEATH, 0));
    bool dies = ictus_synth_rng_chance(&r, 0.6), sudep = ictus_synth_rng_chance(&r, 0.6);
    int start = n_files > 1 ? 1 + (int)(ictus_synth_rng_uniform(&r) * (n_files - 1)) : 0;
    if (!dies)
        return;
    for (int k = 0; k < n_files; k++) {
        int file = (start + k) % n_files;
        if (sudep ? sudep_in(a, file, spec_of, ctx, &r, out)
                  : other_in(a, file, spec_of, ctx, &r, out))
            return;
    }
}
