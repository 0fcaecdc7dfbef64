/* model.h: the four rodent models `ictus synth` knows, and the animals it
 * draws from them.
 *
 * A model is a table of facts from DOMAIN.md §4/§4b (which seizures, how
 * often, how long; interictal spikes; species).  An animal is one draw of
 * the per-animal variation those facts leave open (background amplitude,
 * electrode gains, 1/f exponents, seizure rates, kindling speed, hum), a
 * pure function of (study seed, model, animal index, channel count), so any
 * day of any animal can be made on its own.
 * Thread safety: the models are constant; the functions touch no global state.
 */
#ifndef ICTUS_SYNTH_MODEL_H
#define ICTUS_SYNTH_MODEL_H

#include <stdbool.h>
#include <math.h>
#include <stdint.h>

#include "synth/plan_event.h"

/* One process of spontaneous seizures: clusters (Poisson in time, with a
 * time-varying rate) of 1 + Poisson(cluster_mean - 1) seizures. */
typedef struct {
    ictus_synth_kind kind;       /* morphology */
    double per_day;              /* median over animals of the rate, seizures per 24 h */
    double per_day_min, per_day_max; /* animals' rates lie in this range */
    double animal_log_sd;        /* spread of the rate across animals (log-normal) */
    double day_log_sd;           /* spread of one animal's rate from day to day */
    double cluster_mean;         /* mean seizures per cluster (1: no clustering) */
    double cluster_gap_s;        /* mean interval between seizures of a cluster */
    double dur_median_s, dur_log_sd, dur_min_s, dur_max_s; /* duration, log-normal in a range */
    double light_factor;         /* rate in the light phase (07-19 h) over the dark phase */
} ictus_synth_seizure_spec;

typedef struct {
    const char *name;            /* e.g. "ihka-mouse"; also the detector preset's name */
    const char *description;
    const char *species;         /* "mouse" or "rat" */
    const char *strain;
    char id_prefix;              /* animal ids are the prefix and a number: "M01" */
    int age_days;                /* age at the first recording */
    double level;                /* background amplitude of the species relative to a mouse */
    double spikes_per_min[3];    /* interictal spikes per minute in wake, NREM, REM */
    double hvs_per_h;            /* high-voltage spindles per hour of quiet wake (rats) */
    int n_seizures;
    ictus_synth_seizure_spec seizures[2];
    bool kindling;               /* 6 Hz corneal stimulation twice daily, evoked seizures */
} ictus_synth_model;

/* The model named `name`, or NULL. */
const ictus_synth_model *ictus_synth_model_find(const char *name);

/* The known models' names, comma-separated, for messages. */
const char *ictus_synth_model_names(void);

typedef enum { ICTUS_SYNTH_SITE_HPC, ICTUS_SYNTH_SITE_CTX } ictus_synth_site;

/* One animal: what varies between animals of a model. */
typedef struct {
    const ictus_synth_model *model;
    uint64_t seed;               /* the study seed */
    uint64_t key;                /* the root of its streams: from the seed and the model */
    int index;                   /* 0-based */
    char id[16];                 /* "M01" */
    char sex;                    /* 'F' or 'M' */
    int n_channels;
    char label[ICTUS_SYNTH_MAX_CHANNELS][16]; /* HPC, CTX, HPC2, CTX2, ... */
    ictus_synth_site site[ICTUS_SYNTH_MAX_CHANNELS];
    double gain;                 /* background amplitude factor (log-normal, median 1) */
    double channel_gain[ICTUS_SYNTH_MAX_CHANNELS]; /* electrode factor (median 1) */
    double alpha[ICTUS_SYNTH_MAX_CHANNELS];        /* broadband background ~ 1/f^alpha */
    double theta_hz;             /* hippocampal theta frequency */
    double seizure_per_day[2];   /* this animal's rate of each spontaneous process */
    double pop_per_h;            /* electrode pops per hour */
    double dropout_per_h;        /* telemetry dropouts per hour */
    double hum_uv;               /* usual mains hum amplitude at the fundamental */
    double hum_harmonics[3];     /* amplitudes of harmonics 2..4 relative to the fundamental */
    double stims_to_kindle;      /* 6 Hz: stimulations from naive to Racine 3 and beyond */
    int prior_stims;             /* 6 Hz: stimulations before the first recorded day */
    double stim_peak;            /* 6 Hz: stimulus artefact peak as a fraction of full scale */
    double hum_weight[ICTUS_SYNTH_MAX_CHANNELS]; /* mains pick-up of each lead */
    double hum_period_s, hum_phase; /* slow variation of the hum (cycles of +-50 %) */
} ictus_synth_animal;

/* Draw animal `index` (0-based) of `model` for `seed` with n_channels
 * channels (1..ICTUS_SYNTH_MAX_CHANNELS). */
void ictus_synth_animal_make(const ictus_synth_model *model, uint64_t seed, int index,
                             int n_channels, ictus_synth_animal *a);

/* Channel c's gain drift over one day (86400 s from the start of the
 * animal's first recording, day 0, 1, ...): a random walk of a few % per day
 * and, on some days, an electrode-impedance step.  Continuous across days
 * and computable for any day without generating the days before it. */
typedef struct {
    double log_start;            /* log gain at the day's start (before the bound) */
    double log_slope_per_s;      /* the walk's change per second during the day */
    double step_at_s;            /* seconds into the day of the impedance step (or > 86400: none) */
    double log_step;             /* its change of log gain */
} ictus_synth_drift;

void ictus_synth_animal_drift(const ictus_synth_animal *a, int c, int day, ictus_synth_drift *d);

/* The gain factor at `t_s` seconds into the drift's day, the log gain
 * softly bounded to ±0.4 (a factor 0.67..1.5). */
static inline double ictus_synth_drift_gain(const ictus_synth_drift *d, double t_s)
{
    double l = d->log_start + d->log_slope_per_s * t_s + (t_s >= d->step_at_s ? d->log_step : 0);
    return exp(0.4 * tanh(l / 0.4));
}

/* A multiplier of spontaneous seizure rates over time (issue 5: drug
 * periods): a factor >= 0 for animal `animal` (0-based) at naive wall clock
 * t_us.  Called while a day is planned, from the thread planning it. */
typedef double (*ictus_synth_rate_fn)(void *ctx, int animal, int64_t t_us);

/* Which realisation of the seizures of file `file` (0-based) of animal
 * `animal` to plan: 0 is the usual one, others are independent draws (a
 * drug protocol draws a block again until its class is unambiguous:
 * dosing.h).  Called from the thread planning the file. */
typedef uint64_t (*ictus_synth_draw_fn)(void *ctx, int animal, int file);

typedef struct {
    ictus_synth_rate_fn fn;      /* NULL: always 1 */
    void *ctx;                   /* passed to fn and draw */
    ictus_synth_draw_fn draw;    /* NULL: always draw 0 */
} ictus_synth_rate;

/* Which hard negatives a study has: the usual ones (artefacts.h), or those
 * and the wide morphology families (families.h). */
typedef enum { ICTUS_SYNTH_NEGATIVES_USUAL, ICTUS_SYNTH_NEGATIVES_WIDE } ictus_synth_negatives;

/* Which seizure morphologies: the usual ones (seizures.h), or the wide
 * randomised families (ictal.h). */
typedef enum { ICTUS_SYNTH_SEIZURES_USUAL, ICTUS_SYNTH_SEIZURES_WIDE } ictus_synth_seizures;

/* Sub-ranges of the wide families' parameters (`--family-range`, ranges.h). */
typedef struct ictus_synth_ranges ictus_synth_ranges;

/* One recording file of one animal: what planning and rendering it need. */
typedef struct {
    const ictus_synth_animal *animal;
    int file;                    /* the file's index among the animal's files (keys its streams) */
    int64_t start_us;            /* naive wall clock of the first sample */
    int64_t elapsed_s;           /* seconds from the animal's first recording start to start_us */
    int64_t n_samples;
    int64_t stop_sample;         /* the writer stops here (the animal died: deaths.h); 0: at
                                    n_samples.  Planning does not read it */
    double fs_hz;                /* a whole number of Hz, 100..20000 */
    double full_scale_uv;        /* the format's limit: larger values clip */
    double mains_hz;             /* 50 or 60 (a whole number of Hz) */
    bool gaps;                   /* plan telemetry gaps (EDF+D) */
    ictus_synth_rate rate;
    uint64_t seizure_draw;       /* the realisation of its seizures (0: the usual one) */
    ictus_synth_negatives negatives; /* the hard negatives planned */
    ictus_synth_seizures seizures;   /* the seizure morphologies */
    uint64_t families_off;       /* wide families left out: bit i = family i (families.h) */
    const ictus_synth_ranges *ranges; /* their parameters' sub-ranges (ranges.h), NULL: none */
    const struct ictus_synth_thermo_session *thermo; /* a hyperthermia session: its planned
                                    seizure only, and a temperature channel (thermo_plan.h);
                                    NULL: none */
    int n_se;                    /* status epilepticus episodes in the file (status_epilepticus.h) */
} ictus_synth_day_spec;

/* The multiplier at t_us (1 without a function; negative values count as 0). */
double ictus_synth_rate_at(const ictus_synth_day_spec *spec, int64_t t_us);

/* Stream tags: the third coordinate of ictus_synth_key() for each purpose. */
enum {
    ICTUS_SYNTH_STREAM_ANIMAL = 1,
    ICTUS_SYNTH_STREAM_DRIFT,
    ICTUS_SYNTH_STREAM_HYPNOGRAM,
    ICTUS_SYNTH_STREAM_BACKGROUND,
    ICTUS_SYNTH_STREAM_SEIZURES,
    ICTUS_SYNTH_STREAM_ARTEFACTS,
    ICTUS_SYNTH_STREAM_SPIKES,
    ICTUS_SYNTH_STREAM_STIMULI,
    ICTUS_SYNTH_STREAM_GAPS,
    ICTUS_SYNTH_STREAM_FAMILIES,
    ICTUS_SYNTH_STREAM_ICTAL,
    ICTUS_SYNTH_STREAM_SE,
};

#endif
