/* model.c: the model tables (with the DOMAIN.md facts they follow) and the
 * draw of an animal. */
#include "synth/model.h"

#include <stdio.h>
#include <string.h>

#include "base/filehash.h"
#include "synth/rng.h"

/* ---------------------------------------------------------------- the models */

/* DOMAIN §4: IHKA mice have tens of HPDs per day, clustered, typically
 * 10-60 s (>= 5 s), and a few generalized convulsive seizures of 20-90 s;
 * §4b: interictal spikes several per minute in kainate animals. */
static const ictus_synth_model ihka_mouse = {
    .name = "ihka-mouse",
    .description = "intrahippocampal kainate mouse, chronic phase",
    .species = "mouse",
    .strain = "C57BL/6J",
    .id_prefix = 'M',
    .age_days = 90,
    .level = 1.0,
    .spikes_per_min = {3, 6, 2},
    .n_seizures = 2,
    .seizures = {
        {.kind = ICTUS_SYNTH_HPD, .per_day = 30, .per_day_min = 10, .per_day_max = 80,
         .animal_log_sd = 0.5, .day_log_sd = 0.3, .cluster_mean = 4, .cluster_gap_s = 300,
         .dur_median_s = 20, .dur_log_sd = 0.45, .dur_min_s = 6, .dur_max_s = 70,
         .light_factor = 1.3},
        {.kind = ICTUS_SYNTH_CONVULSIVE, .per_day = 2, .per_day_min = 0.5, .per_day_max = 5,
         .animal_log_sd = 0.5, .day_log_sd = 0.3, .cluster_mean = 1,
         .dur_median_s = 40, .dur_log_sd = 0.3, .dur_min_s = 20, .dur_max_s = 90,
         .light_factor = 1.0},
    },
};

/* DOMAIN §4: Scn1a+/- mice have spontaneous GTCS after ~P32, 20-60 s;
 * roughly 0.5-3 per day (the issue), in loose clusters. */
static const ictus_synth_model dravet_mouse = {
    .name = "dravet-mouse",
    .description = "Scn1a+/- mouse (Dravet syndrome), spontaneous GTCS",
    .species = "mouse",
    .strain = "129S6xC57BL/6J F1 Scn1a+/-",
    .id_prefix = 'M',
    .age_days = 35,
    .level = 1.0,
    .spikes_per_min = {0.3, 0.6, 0.2},
    .n_seizures = 1,
    .seizures = {
        {.kind = ICTUS_SYNTH_GTCS, .per_day = 1.2, .per_day_min = 0.5, .per_day_max = 3,
         .animal_log_sd = 0.5, .day_log_sd = 0.35, .cluster_mean = 1.3, .cluster_gap_s = 3600,
         .dur_median_s = 35, .dur_log_sd = 0.25, .dur_min_s = 20, .dur_max_s = 60,
         .light_factor = 1.0},
    },
};

/* DOMAIN §4: 6 Hz, 3 s, 44 mA corneal stimulation twice daily; evoked
 * afterdischarges whose Racine stage grows with kindling (seizures.c). */
static const ictus_synth_model kindling_mouse = {
    .name = "6hz-kindling-mouse",
    .description = "6 Hz corneal kindling mouse (3 s, 44 mA, twice daily)",
    .species = "mouse",
    .strain = "C57BL/6J",
    .id_prefix = 'M',
    .age_days = 60,
    .level = 1.0,
    .spikes_per_min = {0.2, 0.4, 0.1},
    .n_seizures = 0,
    .kindling = true,
};

/* DOMAIN §4: intra-amygdala kainate rats after SE: convulsive seizures of
 * 30-90 s, several per day, post-ictal depression; §4b: rats also show
 * high-voltage spindles in quiet wake. */
static const ictus_synth_model convulsive_rat = {
    .name = "convulsive-rat",
    .description = "intra-amygdala kainate rat after status epilepticus",
    .species = "rat",
    .strain = "Sprague-Dawley",
    .id_prefix = 'R',
    .age_days = 84,
    .level = 1.6,
    .spikes_per_min = {3, 6, 2},
    .hvs_per_h = 8,
    .n_seizures = 1,
    .seizures = {
        {.kind = ICTUS_SYNTH_CONVULSIVE, .per_day = 4, .per_day_min = 1, .per_day_max = 12,
         .animal_log_sd = 0.5, .day_log_sd = 0.35, .cluster_mean = 2, .cluster_gap_s = 2400,
         .dur_median_s = 50, .dur_log_sd = 0.3, .dur_min_s = 30, .dur_max_s = 90,
         .light_factor = 1.2},
    },
};

static const ictus_synth_model *const models[] = {&ihka_mouse, &dravet_mouse, &kindling_mouse,
                                                  &convulsive_rat};

const ictus_synth_model *ictus_synth_model_find(const char *name)
{
    for (size_t i = 0; i < sizeof models / sizeof models[0]; i++)
        if (!strcmp(models[i]->name, name))
            return models[i];
    return NULL;
}

const char *ictus_synth_model_names(void)
{
    return "ihka-mouse, dravet-mouse, 6hz-kindling-mouse, convulsive-rat";
}

/* ---------------------------------------------------------------- animals */

/* FNV-1a of the model name: animals of different models differ for one seed. */
static uint64_t name_hash(const char *s)
{
    return ictus_fnv1a64(s, strlen(s));
}

void ictus_synth_animal_make(const ictus_synth_model *model, uint64_t seed, int index,
                             int n_channels, ictus_synth_animal *a)
{
    memset(a, 0, sizeof *a);
    a->model = model;
    a->seed = seed;
    a->key = ictus_synth_key(seed, name_hash(model->name), 0, 0, 0);
    ictus_synth_rng r = ictus_synth_rng_make(
        ictus_synth_key(a->key, (uint64_t)index, 0, ICTUS_SYNTH_STREAM_ANIMAL, 0));
    a->index = index;
    snprintf(a->id, sizeof a->id, "%c%02d", model->id_prefix, index + 1);
    a->sex = ictus_synth_rng_chance(&r, 0.5) ? 'F' : 'M';
    a->n_channels = n_channels;
    /* DOMAIN §4b: background amplitude varies several-fold between animals. */
    a->gain = ictus_synth_rng_lognormal_in(&r, 1.0, 0.4, 0.4, 2.5);
    a->theta_hz = ictus_synth_rng_range(&r, 6.8, 8.2);
    for (int c = 0; c < n_channels; c++) {
        a->site[c] = c % 2 ? ICTUS_SYNTH_SITE_CTX : ICTUS_SYNTH_SITE_HPC;
        const char *base = a->site[c] == ICTUS_SYNTH_SITE_HPC ? "HPC" : "CTX";
        if (c < 2)
            snprintf(a->label[c], sizeof a->label[c], "%s", base);
        else
            snprintf(a->label[c], sizeof a->label[c], "%s%d", base, c / 2 + 1);
        a->channel_gain[c] = ictus_synth_rng_lognormal_in(&r, 1.0, 0.2, 0.6, 1.5);
        a->alpha[c] = a->site[c] == ICTUS_SYNTH_SITE_HPC ? ictus_synth_rng_range(&r, 1.4, 1.9)
                                                         : ictus_synth_rng_range(&r, 1.1, 1.6);
    }
    for (int k = 0; k < model->n_seizures; k++) {
        const ictus_synth_seizure_spec *s = &model->seizures[k];
        a->seizure_per_day[k] = ictus_synth_rng_lognormal_in(&r, s->per_day, s->animal_log_sd,
                                                             s->per_day_min, s->per_day_max);
    }
    a->pop_per_h = ictus_synth_rng_lognormal_in(&r, 0.3, 0.8, 0.02, 3);
    a->dropout_per_h = ictus_synth_rng_lognormal_in(&r, 0.2, 0.8, 0.02, 2);
    a->hum_uv = ictus_synth_rng_lognormal_in(&r, 2.0, 0.6, 0.3, 10);
    a->hum_harmonics[0] = ictus_synth_rng_range(&r, 0.2, 0.6);
    a->hum_harmonics[1] = ictus_synth_rng_range(&r, 0.1, 0.5);
    a->hum_harmonics[2] = ictus_synth_rng_range(&r, 0.03, 0.2);
    a->stims_to_kindle = ictus_synth_rng_lognormal_in(&r, 14, 0.4, 5, 40);
    a->prior_stims = (int)ictus_synth_rng_range(&r, 0, 16);
    a->stim_peak = ictus_synth_rng_range(&r, 0.6, 1.6);
    for (int c = 0; c < n_channels; c++)
        a->hum_weight[c] = ictus_synth_rng_range(&r, 0.6, 1.4);
    a->hum_period_s = ictus_synth_rng_range(&r, 3, 8) * 3600;
    a->hum_phase = ictus_synth_rng_uniform(&r);
}

double ictus_synth_rate_at(const ictus_synth_day_spec *spec, int64_t t_us)
{
    if (!spec->rate.fn)
        return 1.0;
    double m = spec->rate.fn(spec->rate.ctx, spec->animal->index, t_us);
    return m > 0 ? m : 0.0;
}

/* ---------------------------------------------------------------- gain drift */

#define DAY_S 86400.0

/* Day k's walk (log change over the day) and impedance step, if any. */
static void day_drift(const ictus_synth_animal *a, int c, int k, double *walk, double *at_s,
                      double *step)
{
    ictus_synth_rng r = ictus_synth_rng_make(ictus_synth_key(
        a->key, (uint64_t)a->index, (uint64_t)k, ICTUS_SYNTH_STREAM_DRIFT, (uint64_t)c));
    *walk = 0.06 * ictus_synth_rng_gauss(&r);
    *at_s = 2 * DAY_S;
    *step = 0;
    if (ictus_synth_rng_chance(&r, 0.08)) {
        *at_s = ictus_synth_rng_range(&r, 0, DAY_S);
        double s = 0.25 * ictus_synth_rng_gauss(&r);
        *step = s > 0.5 ? 0.5 : s < -0.5 ? -0.5 : s;
    }
}

void ictus_synth_animal_drift(const ictus_synth_animal *a, int c, int day, ictus_synth_drift *d)
{
    double walk, at_s, step, sum = 0;
    for (int k = 0; k < day; k++) {
        day_drift(a, c, k, &walk, &at_s, &step);
        sum += walk + step;
    }
    day_drift(a, c, day, &walk, &at_s, &step);
    d->log_start = sum;
    d->log_slope_per_s = walk / DAY_S;
    d->step_at_s = at_s;
    d->log_step = step;
}
