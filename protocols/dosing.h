/* dosing.h: drug-exposure periods per animal, read from a study's dosing.csv.
 *
 * DOMAIN.md §6: each animal goes through a sequence of periods, baseline
 * (drug-free), treatment (drug, dose, route), vehicle and washout.  dosing.csv
 * has one row per period:
 *   animal,period,drug,dose_mg_kg,route,start,end,tolerated,plasma_level
 * Required columns: animal, period, drug, dose_mg_kg, start, end; route,
 * tolerated and plasma_level may be absent.  Rules for a row (each broken
 * rule is a problem naming FILE:LINE:COLUMN; the row is then dropped):
 *   - animal: listed in animals.csv;
 *   - period: baseline | treatment | vehicle | washout | intervention |
 *     followup (any case).  intervention: a one-time procedure (a cell
 *     transplant, a viral vector, surgery, a single dose) given at `start`,
 *     and its follow-up up to `end`; followup: drug-free observation after
 *     a treatment or an intervention has ended.  Both belong to no
 *     condition (periods.h) and are compared only by disease_mod.h;
 *     studies that use neither load and analyse as before;
 *   - drug: required for treatment; must be empty for baseline; for vehicle
 *     it names the vehicle (free text); for washout it may name the drug
 *     washed out.  When study.ini has a [drugs] section, a treatment's or
 *     washout's drug must be one of its keys (ignoring case) and takes the
 *     key's spelling; without [drugs] any label is accepted;
 *   - dose_mg_kg: required (a number > 0) for treatment; otherwise empty or a
 *     number >= 0; never negative;
 *   - start, end: naive local date-times (YYYY-MM-DDTHH:MM[:SS]); the period
 *     is [start, end) and end must be after start;
 *   - tolerated: yes | no | unknown, or empty (unknown);
 *   - plasma_level: empty or a number >= 0, in whatever unit the lab records;
 *   - the same animal, period kind and start twice is a duplicate (the later
 *     row is dropped); two periods of one animal that overlap in time are a
 *     problem naming both lines (the later row is dropped).  Periods that
 *     touch (one's end is the next one's start) are fine.
 */
#ifndef ICTUS_DOSING_H
#define ICTUS_DOSING_H

#include <stdint.h>

#include "base/csvtable.h"

typedef enum {
    ICTUS_PERIOD_BASELINE = 0,  /* drug-free reference */
    ICTUS_PERIOD_TREATMENT,     /* a drug at a dose */
    ICTUS_PERIOD_VEHICLE,       /* the vehicle alone */
    ICTUS_PERIOD_WASHOUT,       /* excluded from comparisons */
    ICTUS_PERIOD_INTERVENTION,  /* a one-time procedure at start, followed up to end */
    ICTUS_PERIOD_FOLLOWUP,      /* drug-free, after a treatment or intervention */
    ICTUS_N_PERIOD_KINDS
} ictus_period_kind;

/* "baseline", "treatment", "vehicle", "washout", "intervention", "followup". */
const char *ictus_period_kind_name(ictus_period_kind kind);

typedef enum {
    ICTUS_TOLERATED_UNKNOWN = 0,
    ICTUS_TOLERATED_YES,
    ICTUS_TOLERATED_NO
} ictus_tolerated;

/* One period of one animal.  Strings are owned by the study. */
typedef struct {
    ictus_period_kind kind;
    const char *drug;           /* "" when none; the [drugs] spelling when listed there */
    double dose_mg_kg;          /* NAN when not given */
    double target_dose_mg_kg;   /* the drug's target dose (study.ini [drugs]); NAN when unknown */
    const char *route;          /* "" when not given (e.g. "ip", "po", "sc", "diet") */
    int64_t start_us, end_us;   /* [start, end), naive local wall clock (walltime.h) */
    ictus_tolerated tolerated;
    double plasma_level;        /* NAN when not given; the lab's unit */
    int line;                   /* where it is in dosing.csv */
} ictus_period;

struct ictus_study;

/* Check the rows of dosing.csv (`t`, already checked for the required
 * columns) against the study's animals and drug list, add one problem per
 * broken rule to study->problems, and give each animal its valid periods
 * ordered by start.  Called by ictus_study_load(). */
void ictus_dosing_load(struct ictus_study *study, const ictus_csv *t);

/* The required columns of dosing.csv. */
extern const char *const ictus_dosing_columns[];
extern const int ictus_dosing_n_columns;

#endif
