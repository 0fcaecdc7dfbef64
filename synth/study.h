/* study.h: a complete synthetic study directory (DESIGN.md) with ground
 * truth: every animal's recordings, the manifests and the truth files.
 *
 * DIR/recordings/<animal>_<YYYYMMDD>.edf|flac   one file per animal per day
 *      (files shorter than 24 h: <animal>_<YYYYMMDD>_<HHMMSS>), consecutive
 *      from the study start;
 * DIR/study.ini       [study] name, preset (= the model), mains_hz, and the
 *                     generator's settings as comments (provenance);
 * DIR/animals.csv     animal,model,sex,strain,birth_date,group,notes;
 * DIR/recordings.csv  file,animal,channels,start_time,video;
 * DIR/truth.csv       recording,animal,start_s,end_s,type,racine: every
 *                     seizure (type hpd | convulsive | evoked; racine for
 *                     convulsive and evoked seizures, else empty);
 * DIR/artefacts.csv   recording,animal,start_s,end_s,kind,channel: every hard
 *                     negative (artefacts.h), gaps and stimulus artefacts
 *                     included; channel is a label or "*" for all;
 * DIR/stimulations.csv (6 Hz model) recording,animal,start_s,end_s,
 *                     start_time,frequency_hz,current_ma,racine.
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

#include "model.h"
#include "pipeline/status.h"
#include "recording.h"

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
} ictus_synth_study;

/* Check the settings; ICTUS_ERR_USAGE naming the first bad one. */
ictus_status ictus_synth_study_check(const ictus_synth_study *s, ictus_error *err);

/* Write the study into `dir` (created if missing; files of the same names
 * are replaced).  Errors: ICTUS_ERR_USAGE for bad settings, ICTUS_ERR_IO
 * naming the file that could not be written. */
ictus_status ictus_synth_study_write(const ictus_synth_study *s, const char *dir,
                                     ictus_error *err);

/* The day spec of file `file` (0-based) of animal `a` in study `s`. */
void ictus_synth_study_day_spec(const ictus_synth_study *s, const ictus_synth_animal *a, int file,
                                ictus_synth_day_spec *spec);

/* The file name (no directory) of file `file` of animal `a`. */
void ictus_synth_study_file_name(const ictus_synth_study *s, const ictus_synth_animal *a,
                                 int file, char *name, size_t size);

#endif
