/* kindling.h: 6 Hz corneal kindling scored per stimulation: the
 * afterdischarge detected after each stimulation joined with its Racine
 * stage, each animal's acquisition and stimulations to the fully kindled
 * criterion, protection in drug sessions, and the dose–response fits of
 * every drug (ED50, TD50, PI; protocols/dose_response.h).
 *
 * DOMAIN.md §4 and §8.  The analysis (analysis.h) computes it when the study
 * has stimulations, from STUDY/stimulations.csv or else from EDF+ annotations
 * (below), and writes two more files into STUDY/out:
 *   kindling.csv        one row per stimulation
 *   dose_response.csv   per drug: one row per dose tested, the fits, the PI
 * A study without stimulations gets neither file (a previous analysis's are
 * removed; its other outputs and analysis-settings.txt are unchanged); a
 * kindling study without drug
 * sessions gets a header-only dose_response.csv.
 *
 * Stimulations: stimulations.csv (detectors/stimlist.h: `recording` and
 * `start_s`, seconds from the recording start) with optional `animal` (else
 * the animal of the stored recording of that file name) and `racine`.  Its
 * wall-clock time is the stored recording's start + start_s, or else the
 * row's `start_time` column (naive local; synth writes it).  Rows whose
 * animal is not in animals.csv, or that cannot be placed, are counted in
 * n_skipped and listed in analysis-settings.txt (kindling_skipped=).
 *
 * Stimulations from EDF+ annotations: a study without stimulations.csv
 * whose preset (protocols/study_preset.h, composed with study.ini) enables
 * [evoked] with a non-empty stim_pattern takes, as the evoked detector does
 * (detectors/evoked.c), every annotation whose text contains stim_pattern
 * (case-insensitive) of every stored recording of format EDF+ or BDF+
 * (store.h; its path relative to the study directory) as a stimulation of
 * that recording's animal at the annotation's onset (start_s; onsets before
 * the recording start are ignored; wall clock = the stored start + onset).
 * Only the header and the annotation signal's bytes of each file are read
 * (pipeline/source/source.h, ictus_source_open with allow_partial).  A file
 * that cannot be opened (moved, unreadable) and an annotation of a
 * recording whose animal is not in animals.csv count in n_skipped.  A
 * stage in the annotation text (ictus_kindling_racine_of_text: "Racine 3",
 * "racine: 3", "R3") is the stimulation's own stage (racine_source
 * `stimulations`, as the list's racine column).  No matching annotation: no
 * kindling (NULL, no files).  Studies whose preset is not evoked, or cannot
 * be composed, never open their recordings here.  analysis-settings.txt then
 * also gets kindling.stim_source=edf_annotation and
 * kindling.stim_pattern=PATTERN (hashed with the rest).
 *
 * The afterdischarge of a stimulation: the stored events of the animal's
 * recording of that file name (the evoked preset's, any type) whose start as
 * detected lies in [stim, stim + ad_window_s); events whose current decision
 * is not_seizure are no afterdischarge, and reviewer-added events confirmed
 * as seizure are (store.h, "Reviews").  Several (channels): from the
 * earliest start to the latest end.
 *
 * The Racine stage of a stimulation, from the first source that has one
 * (racine_source): `review`, the current decision of one of those events
 * (store reviews carry racine, whatever the verdict); `annotation`, an
 * annotations.csv label of the animal (or the recording) starting in the
 * same window with a racine; `stimulations`, the row's own `racine` column;
 * else none (empty stage).
 *
 * Phases: the dosing.csv period covering the stimulation's time gives its
 * phase: no period or baseline → acquisition; treatment → drug test;
 * vehicle → vehicle test; washout → washout (neither).  Acquisition:
 * stimulations are numbered per animal in time order (all phases, 1-based:
 * `number`); the acquisition stimulations with a stage ≥ kindled_stage
 * extend the run of consecutive ones, a stage below it resets the run, an
 * unscored one leaves it; the animal is fully kindled from the acquisition
 * stimulation at which the run reaches kindled_run (DOMAIN §4: 10
 * consecutive Racine 3–5), and stims_to_kindled is that stimulation's
 * 1-based position among the animal's acquisition stimulations.
 * Protection: a drug (or vehicle) test stimulation of a fully kindled
 * animal with a stage is protected when stage < protected_below.  The unit
 * of the dose–response is the animal at a drug and dose: protected when
 * every scored test stimulation of that animal at that drug and dose is
 * (with one stimulation per session, as is usual, it is that one).
 * Toxicity (TD50): the animal at a drug and dose is toxic when a treatment
 * period of dosing.csv at that drug and dose has tolerated = no, not toxic
 * when all have tolerated = yes (unknown: not counted); every animal with
 * such periods counts, kindled or not.
 *
 * kindling.csv (rows by animal in animals.csv order, then time):
 *   animal, group          animals.csv
 *   number                 1-based among the animal's stimulations
 *   recording, start_s     as in stimulations.csv (file name)
 *   start                  naive local time (empty when it cannot be placed)
 *   line                   its line in stimulations.csv (empty: from an annotation)
 *   phase                  acquisition | drug | vehicle | washout
 *   drug, dose_mg_kg, tolerated   the period's (drug and vehicle tests)
 *   detected               yes when the recording has stored results, else no
 *   afterdischarge         yes | no (empty when not detected)
 *   ad_start_s, ad_end_s, ad_duration_s   seconds from the recording start
 *   verdict                the current decision of its event (empty: none)
 *   racine, racine_source  0..5 and review | annotation | stimulations (empty: none)
 *   acquisition_number     1-based among acquisition stimulations (empty otherwise)
 *   run                    consecutive acquisition stages ≥ kindled_stage so far
 *   kindled                yes when the criterion is met at or before it
 *   stims_to_kindled       the animal's (the same on each of its rows; empty: never)
 *   protected              yes | no for tests of kindled animals with a stage, else empty
 *   excluded_why           a test left out: not_kindled | no_stage
 *   settings_hash
 *   stim_source            stimulations_csv | edf_annotation: where the stimulation came from
 *
 * dose_response.csv (rows by drug name; per drug and outcome protection
 * then toxicity: the dose rows, then the probit and the logit fits; then
 * the PI rows):
 *   drug
 *   outcome                protection | toxicity | pi
 *   row                    dose | fit
 *   link                   probit | logit (fit rows)
 *   dose_mg_kg, n, r       dose rows: animals tested and responding (protected / toxic)
 *   estimate_of            ED50 | TD50 | PI (fit rows)
 *   estimate               mg/kg (PI: a ratio)
 *   ci_level
 *   fieller_lo, fieller_hi     Fieller's interval (empty: unbounded, g ≥ 1)
 *   profile_lo, profile_hi     profile-likelihood interval (empty: unbounded)
 *   ci_lo, ci_hi           PI: delta method on log10 PI
 *   se_log10               delta-method SE of log10 ED50/TD50/PI
 *   intercept, slope, slope_se   per log10 mg/kg
 *   chi2, df, gof_p        Pearson chi-square goodness of fit
 *   n_doses, n_tested      of the fit: doses, and animals tested summed over doses
 *                          (in a crossover an animal counts once per dose)
 *   refused                why no fit exists (dose_response.c's reason), else empty
 *   settings_hash
 *
 * Settings ([kindling] in study.ini; every key optional; unknown keys are
 * errors):
 *   kindled_stage     a stage at least this counts toward the criterion   3
 *   kindled_run       consecutive such stimulations: fully kindled        10
 *   protected_below   a test with a stage below this is protected         3
 *   ad_window_s       an afterdischarge starts this soon after the stimulation  10
 * ci_level is [analysis] ci_level.  The `kindling.KEY=VALUE` lines are
 * added to analysis-settings.txt (only for kindling studies); the
 * settings_hash of both files is the hash of the analysis settings text
 * followed by them.
 *
 * Lifecycle: ictus_kindling_compute() → read / ictus_kindling_write() →
 * ictus_kindling_destroy().  Read-only once computed.
 */
#ifndef ICTUS_KINDLING_H
#define ICTUS_KINDLING_H

#include <stdbool.h>
#include <stdint.h>

#include "base/csvout.h"
#include "base/filehash.h"
#include "base/status.h"
#include "protocols/dose_response.h"
#include "protocols/study.h"
#include "store/store.h"

typedef struct {
    int kindled_stage;
    int kindled_run;
    int protected_below;
    double ad_window_s;
} ictus_kindling_settings;

typedef enum {
    ICTUS_KPHASE_ACQUISITION = 0,
    ICTUS_KPHASE_DRUG,
    ICTUS_KPHASE_VEHICLE,
    ICTUS_KPHASE_WASHOUT
} ictus_kindling_phase;

typedef enum {
    ICTUS_RACINE_NONE = 0,
    ICTUS_RACINE_REVIEW,
    ICTUS_RACINE_ANNOTATION,
    ICTUS_RACINE_STIMULATIONS
} ictus_racine_source;

/* Where a stimulation came from. */
typedef enum {
    ICTUS_STIM_CSV = 0,        /* stimulations.csv */
    ICTUS_STIM_EDF_ANNOTATION  /* an EDF+/BDF+ annotation matching [evoked] stim_pattern */
} ictus_stim_source;

/* One stimulation (kindling.csv row). */
typedef struct {
    int animal;                /* index into study->animals */
    int line;                  /* in stimulations.csv; 0: from an annotation */
    const char *recording;     /* file name; owned by the kindling */
    double start_s;
    int64_t stim_us;           /* start_s in µs */
    int64_t wall_us;           /* naive local; ICTUS_TIME_UNKNOWN when not placed */
    int number;                /* 1-based */
    ictus_kindling_phase phase;
    const ictus_period *period;/* NULL when none */
    bool detected;             /* the recording has stored results */
    bool afterdischarge;
    int64_t ad_start_us, ad_end_us; /* from the recording start */
    ictus_verdict verdict;
    int racine;                /* -1: none */
    ictus_racine_source source;
    int acquisition_number;    /* 0: not acquisition */
    int run;
    bool kindled;
    int protected_;            /* -1: not a scored test of a kindled animal; 0, 1 */
    const char *excluded_why;  /* "" when not excluded */
    ictus_stim_source stim_source;
} ictus_stim_result;

/* One row of dose_response.csv. */
typedef struct {
    const char *drug;          /* owned by the study */
    const char *outcome;       /* "protection", "toxicity", "pi" */
    bool fit;                  /* false: a dose row */
    ictus_dose_link link;
    ictus_dose_group group;    /* dose rows */
    bool ok;                   /* fit rows: a fit exists */
    char refused[1024];        /* why no fit (dose_response.c), "" when there is one */
    ictus_dose_fit f;
    ictus_ed_result ed;
    ictus_pi_result pi;
    int n_doses, n_animals;
} ictus_dr_row;

typedef struct ictus_kindling {
    const ictus_study *study;
    ictus_kindling_settings settings;
    double ci_level;
    char *settings_text;       /* kindling.KEY=VALUE lines */
    char settings_hash[ICTUS_HASH_HEX_SIZE];
    int n_stims;
    ictus_stim_result *stims;  /* kindling.csv order */
    int *stims_to_kindled;     /* [study->n_animals]; 0: never */
    int n_rows;
    ictus_dr_row *rows;
    int n_skipped;             /* stimulations.csv rows not used (from annotations: files not
                                  opened, annotations of animals not in animals.csv) */
    /* private */
    char **strings_;
    int n_strings_, cap_strings_;
} ictus_kindling;

/* DOMAIN.md's defaults (above). */
void ictus_kindling_settings_default(ictus_kindling_settings *s);

/* Read [kindling] of `cfg` over *s; ICTUS_ERR_CONFIG for a value out of
 * range or an unknown key in [kindling]. */
ictus_status ictus_kindling_settings_apply(ictus_kindling_settings *s, ictus_config *cfg,
                                           ictus_error *err);

/* Score the study's stimulations against `store` (NULL: nothing detected,
 * no review; no stimulations from annotations).  *out is NULL (and
 * ICTUS_OK) when the study has no stimulations (neither stimulations.csv nor
 * a matching annotation).  `analysis_settings_text` is the analysis's settings
 * text (the hash covers it).  Errors: those of reading stimulations.csv
 * (ICTUS_ERR_IO, ICTUS_ERR_FORMAT for missing columns, ICTUS_ERR_DATA naming
 * FILE:LINE:COLUMN for a start_s or racine that is not valid), the store's,
 * ICTUS_ERR_CONFIG for a bad [kindling] setting. */
ictus_status ictus_kindling_compute(const ictus_study *study, ictus_store *store, double ci_level,
                                    const char *analysis_settings_text, ictus_kindling **out,
                                    ictus_error *err);

/* Write kindling.csv and dose_response.csv into out_dir (atomically,
 * base/outfile.h). */
ictus_status ictus_kindling_write(const ictus_kindling *k, const char *out_dir, ictus_error *err);

/* The fit row (ED50 or TD50 at ci_level) of groups[0..n) from n_animals
 * animals into *row (its drug and outcome are the caller's): ok, or
 * refused with dose_response.c's reason ("no animal tested" when n = 0). */
void ictus_kindling_fit(const ictus_dose_group *groups, int n, int n_animals,
                        ictus_dose_link link, double ci_level, ictus_dr_row *row);

/* The PI row of an ED50 and a TD50 fit row (the same link) into *row:
 * refused "no ED50" / "no TD50" when either is. */
void ictus_kindling_pi(const ictus_dr_row *ed, const ictus_dr_row *td, double ci_level,
                       ictus_dr_row *row);

/* Free; NULL is a no-op. */
void ictus_kindling_destroy(ictus_kindling *k);

/* "acquisition", "drug", "vehicle", "washout". */
const char *ictus_kindling_phase_name(ictus_kindling_phase p);
/* "stimulations_csv", "edf_annotation". */
const char *ictus_stim_source_name(ictus_stim_source s);
/* The Racine stage an annotation text carries, or -1: the first word
 * "racine" (any case) followed by optional spaces, ':' or '=' and a digit
 * 0..5, or a word "R0".."R5" ("r3" too); the digit must end the word
 * ("R35", "Racine 6", "PR3" carry none). */
int ictus_kindling_racine_of_text(const char *text);
/* "", "review", "annotation", "stimulations". */
const char *ictus_racine_source_name(ictus_racine_source s);

#endif
