/* study_writer.h: a complete synthetic study directory (DESIGN.md) with ground
 * truth: every animal's recordings, the manifests and the truth files.
 *
 * DIR/recordings/<animal>_<YYYYMMDD>.edf|flac   one file per animal per day
 *      (files shorter than 24 h: <animal>_<YYYYMMDD>_<HHMMSS>), consecutive
 *      from the study start;
 * DIR/study.ini       [study] name, preset (= the model), mains_hz, and the
 *                     generator's settings as comments (provenance: wide
 *                     negatives and seizures, the families left out, the
 *                     families' parameter ranges);
 * DIR/animals.csv     animal,model,sex,strain,birth_date,group,notes (with deaths
 *                     also death,death_cause);
 * DIR/deaths.csv      (with deaths only) the planned deaths (deaths.h);
 * DIR/recordings.csv  file,animal,channels,start_time,video;
 * DIR/truth.csv       recording,animal,start_s,end_s,type,racine: every
 *                     seizure (type hpd | convulsive | evoked |
 *                     status_epilepticus, one row per whole episode; racine
 *                     for convulsive and evoked seizures, else empty);
 * DIR/artefacts.csv   recording,animal,start_s,end_s,kind,channel: every hard
 *                     negative (artefacts.h), gaps and stimulus artefacts
 *                     included; channel is a label or "*" for all; with
 *                     wide negatives (families.h) a last column `params`,
 *                     the parameters drawn for each family row
 *                     ("name=value;...", empty for the usual kinds);
 * DIR/seizures.csv   (only with wide seizures, ictal.h) recording,animal,
 *                     start_s,end_s,type,family,params: one row per truth.csv
 *                     row, in the same order: the seizure's family
 *                     ("usual" for afterdischarges) and the parameters
 *                     drawn ("name=value;...;w=lead weights");
 * DIR/stimulations.csv (6 Hz model) recording,animal,start_s,end_s,
 *                     start_time,frequency_hz,current_ma,racine;
 * with a drug protocol (below, dosing.h) also study.ini [drugs] (and
 * [analysis] when the periods are shorter than its defaults assume),
 * DIR/dosing.csv      the periods of every animal, and
 * DIR/responses.csv   the response class, course and drug resistance the
 *                     analysis must find from a perfect detector's events
 *                     (design DM: DIR/disease_modification_truth.csv, the
 *                     class of every animal, dm_plan.h);
 * with hyperthermia sessions (thermo_plan.h) a temperature channel TEMP in
 * every file, study.ini [drugs] and [hyperthermia], dosing.csv and
 * DIR/hyperthermia_truth.csv  the planned threshold of every session.
 * Times in the CSVs: seconds from the start of the recording file (ms
 * precision); `recording` is the file's name without directories.
 *
 * Every file is generated independently from (seed, model, animal, file
 * index), so the result is the same bytes whatever the thread count.
 * Thread safety: ictus_synth_study_write() runs its own worker threads and
 * touches no global state; different studies may be written concurrently.
 */
#ifndef ICTUS_SYNTH_STUDY_H
#define ICTUS_SYNTH_STUDY_H

#include <stdbool.h>
#include <stdint.h>

#include "synth/kindling_plan.h"
#include "synth/model.h"
#include "base/status.h"
#include "synth/recording.h"

/* The design of a drug study. */
typedef enum {
    ICTUS_SYNTH_DESIGN_ASM = 0,  /* baseline, drug A, washout, drug B (drug_plan.h) */
    ICTUS_SYNTH_DESIGN_DM,       /* baseline, treatment or intervention, washout, follow-up
                                    (dm_plan.h; the follow-up lasts drug_s) */
} ictus_synth_design;

/* A drug study (dosing.h): every animal goes through baseline, drug A,
 * washout, drug B, in that order from the study's start, each period a
 * whole number of files; the files cover exactly these periods (design
 * DM: the second drug block is the follow-up). */
typedef struct {
    int64_t baseline_s;          /* > 0 */
    int64_t drug_s;              /* each drug's block, > 0 */
    int64_t washout_s;           /* >= 0 (0: no washout) */
    double min_rate_per_24h;     /* >= 0: animals whose first seizure process is rarer are
                                    scaled up to this rate in every period (0: none) */
    ictus_synth_design design;
    char responder_sex;          /* 'F' or 'M': both drugs work in that sex only (drug_plan.h,
                                    sex-specific roles; sexes alternate F, M, ...); 0: the
                                    usual roles */
} ictus_synth_protocol;

typedef struct {
    const ictus_synth_model *model;
    int n_animals;               /* 1..999 */
    int n_days;                  /* files per animal, >= 1 */
    uint64_t seed;
    double fs_hz;                /* a whole number of Hz, 100..20000 */
    int n_channels;              /* 1..ICTUS_SYNTH_MAX_CHANNELS: HPC, CTX, HPC2, CTX2, ... */
    double hours;                /* length of each file, whole seconds, (0, 24] */
    ictus_synth_format format;
    bool gaps;                   /* EDF only: every third file is EDF+D with telemetry gaps */
    int64_t start_us;            /* naive wall clock of the first files (e.g. 2026-01-05T08:00) */
    double mains_hz;             /* 50 or 60 */
    int n_threads;               /* >= 1 */
    ictus_synth_rate rate;       /* seizure-rate multiplier over time (fn NULL: none) */
    const char *name;            /* [study] name, or NULL for "synthetic-<model>-s<seed>" */
    const ictus_synth_protocol *protocol; /* a drug study (NULL: none); then n_days must be
                                    ictus_synth_protocol_files() and `rate` unset */
    ictus_synth_negatives negatives; /* the usual hard negatives (0) or the wide families too */
    ictus_synth_seizures seizures; /* the usual seizure morphologies (0) or the wide families */
    uint64_t families_off;       /* wide families left out (families.h), 0: none */
    const ictus_synth_ranges *ranges; /* their parameters' sub-ranges (ranges.h), NULL: none */
    bool hyperthermia;           /* every file a hyperthermia session (thermo_plan.h); not with
                                    a drug protocol */
    const struct ictus_synth_thermo *thermo; /* its plan: set by ictus_synth_study_write() */
    const ictus_synth_kindling_doses *kindling_doses; /* 6 Hz drug sessions with a planned
                                    ED50 (kindling_plan.h: dosing.csv, dose_plan.csv); NULL: none */
    bool deaths;                 /* plan deaths (deaths.h): animals.csv death, death_cause,
                                    deaths.csv; recording stops at death */
    int n_se;                    /* status epilepticus episodes per animal (status_epilepticus.h) */
} ictus_synth_study;

/* The files per animal that cover protocol `p` with files of `hours` h,
 * or -1 when a period is not a whole number of files. */
int ictus_synth_protocol_files(const ictus_synth_protocol *p, double hours);

/* Check the settings; ICTUS_ERR_USAGE naming the first bad one. */
ictus_status ictus_synth_study_check(const ictus_synth_study *s, ictus_error *err);

/* Write the study into `dir` (created if missing; files of the same names
 * are replaced).  Errors: ICTUS_ERR_USAGE for bad settings or a path
 * longer than ICTUS_PATH_MAX allows (base/path.h), ICTUS_ERR_IO naming the
 * file that could not be written. */
ictus_status ictus_synth_study_write(const ictus_synth_study *s, const char *dir,
                                     ictus_error *err);

/* The day spec of file `file` (0-based) of animal `a` in study `s`. */
void ictus_synth_study_day_spec(const ictus_synth_study *s, const ictus_synth_animal *a, int file,
                                ictus_synth_day_spec *spec);

/* t_us as a naive local YYYY-MM-DDTHH:MM:SS (the manifests' times). */
void ictus_synth_format_time(int64_t t_us, char *buf, size_t size);

/* The file name (no directory) of file `file` of animal `a`. */
void ictus_synth_study_file_name(const ictus_synth_study *s, const ictus_synth_animal *a,
                                 int file, char *name, size_t size);

#endif
