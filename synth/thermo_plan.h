/* thermo_plan.h: `ictus synth --protocol hyperthermia`: hyperthermia sessions with a
 * temperature channel and seizures at planned thresholds (DOMAIN.md §8, Dravet).
 *
 * Every file of an animal is one induction session (--hours, default 0.75 h
 * from the CLI): the core temperature starts at the animal's own 36.8-37.4
 * °C, holds 120 s, then the heat lamp's set point rises +0.5 °C every 120 s
 * up to 42.5 °C and holds there 120 s; the core follows the set point with
 * a first-order lag (tau 30 s), so the trace is a smooth staircase, never
 * falling while heated.  The animal seizes (a GTCS, the model's first
 * seizure kind, with its usual shape and post-ictal suppression) when the
 * core first reaches its planned threshold; heating stops 60 s after the
 * onset (or at the end of the hold) and the core cools towards 37 °C
 * (tau 600 s).  A planned threshold above 42.45 °C is never reached: the
 * session has no seizure (censored).  No spontaneous seizure is planned in a
 * session (hard negatives are, as in every file).
 *
 * Thresholds: animal i's vehicle threshold is drawn in [39.8, 41.8] °C and
 * its drug shift in [0.3, 1.0] °C (the planned drug effect: stiripentol 100
 * mg/kg ip raises the threshold); sessions alternate vehicle and drug, even
 * animals starting with the vehicle, odd ones with the drug (crossover).
 *
 * The temperature channel: label TEMP, unit degC, 1 Hz, physical range 20-45
 * °C over 16 bits, measurement noise within ±0.02 °C; it is the last
 * channel of the EDF and named in recordings.csv's channel map (TEMP=N).
 *
 * Files (study_writer.h): dosing.csv (each session a vehicle or treatment
 * period), study.ini [drugs] and [hyperthermia] (min_rise_c = 1: the
 * defaults, named so that the analysis writes its files), and
 *   hyperthermia_truth.csv  recording,animal,treatment,planned_threshold_c,
 *                           censored,onset_s,max_c
 *   (onset_s: planned seizure onset from the file's start, empty when
 *   censored; max_c: the highest noiseless core temperature of the session).
 * Everything is a function of (seed, model, animal, file).
 * Thread safety: a plan is read-only once made.
 */
#ifndef ICTUS_SYNTH_THERMO_PLAN_H
#define ICTUS_SYNTH_THERMO_PLAN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "base/status.h"
#include "synth/model.h"
#include "synth/study_writer.h"

typedef struct ictus_synth_thermo_session {
    double base_c;          /* core temperature before heating */
    double threshold_c;     /* planned */
    bool seizes;            /* the threshold is reached */
    double onset_s;         /* when the core reaches it (seizes), s from the file's start */
    double heat_end_s;      /* heating stops: 60 s after the onset, or at the hold's end */
    int treatment;          /* 0: vehicle, 1: the drug */
    uint64_t noise_key;
} ictus_synth_thermo_session;

typedef struct ictus_synth_thermo ictus_synth_thermo;

/* Plan every session of study `s` (its animals made).  ICTUS_ERR_USAGE when
 * the model has no spontaneous seizure kind, the files are not EDF or too
 * short for a session (30 min). */
ictus_status ictus_synth_thermo_plan(const ictus_synth_study *s,
                                     const ictus_synth_animal *animals, ictus_synth_thermo **out,
                                     ictus_error *err);
void ictus_synth_thermo_destroy(ictus_synth_thermo *t); /* NULL is a no-op */

/* The session of file `file` of animal `animal` (owned by the plan). */
const ictus_synth_thermo_session *ictus_synth_thermo_session_of(const ictus_synth_thermo *t,
                                                                int animal, int file);

/* The noiseless core temperature at t_s from the file's start, °C. */
double ictus_synth_thermo_temp(const ictus_synth_thermo_session *s, double t_s);

/* Sample i (at fs_hz) of the temperature channel: the core temperature
 * with the measurement noise. */
double ictus_synth_thermo_sample(const ictus_synth_thermo_session *s, int64_t i, double fs_hz);

/* The temperature channel's layout. */
#define ICTUS_SYNTH_THERMO_LABEL "TEMP"
#define ICTUS_SYNTH_THERMO_UNIT "degC"
#define ICTUS_SYNTH_THERMO_FS 1.0
#define ICTUS_SYNTH_THERMO_MIN_C 20.0
#define ICTUS_SYNTH_THERMO_MAX_C 45.0

/* study.ini's [drugs] and [hyperthermia] sections. */
void ictus_synth_thermo_write_ini(FILE *f);
/* dosing.csv and hyperthermia_truth.csv. */
void ictus_synth_thermo_write_dosing(const ictus_synth_thermo *t, FILE *f);
void ictus_synth_thermo_write_truth(const ictus_synth_thermo *t, FILE *f);

#endif
