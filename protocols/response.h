/* response.h: response classes, adequate trials, remission and relapse, drug resistance.
 *
 * DOMAIN.md §6, adapted from ILAE 2010 (Kwan et al.) and the 2023 ILAE/AES
 * task force.  Every threshold is a field of ictus_response_rules (settings
 * [analysis], defaults in brackets).  For one animal, one condition
 * (treatment or vehicle, periods.h) and one seizure type, compared with the
 * animal's reference baseline (the same type):
 *
 * Class (ictus_response_classify), decided in this order:
 *   1. undetermined when the data cannot say (`why`):
 *        no_data              the condition has no analysable time (no
 *                             recording, or all artefact);
 *        no_baseline          the animal has no reference baseline, or it
 *                             has no analysable time;
 *        little_data          analysable time < min_analysable_h [24 h];
 *        short_baseline       the baseline's analysable time < min_analysable_h;
 *        baseline_seizure_free  no seizure at baseline: % change is
 *                             undefined (0/0 or x/0) and nothing can be
 *                             reduced; the class is "undetermined", not
 *                             "seizure-free";
 *        sparse_baseline      baseline rate < min_baseline_per_24h [1 per
 *                             24 h]: too few seizures to show a 50 %
 *                             reduction over a block;
 *        no_baseline_isi      no seizure in the condition, but the baseline
 *                             has no inter-seizure interval (< 2 seizures in
 *                             one baseline period), so seizure freedom
 *                             cannot be judged;
 *        seizure_free_too_short  no seizure, but the analysable time is
 *                             shorter than seizure_free_factor [3] × the
 *                             longest baseline ISI (rule of three);
 *   2. seizure_free: no seizure for at least seizure_free_factor × the
 *      longest baseline ISI (both in analysable time);
 *   3. otherwise by % change p = (T − B)/B × 100 of the rates per 24 h:
 *        strict_responder  p < −strict_pct [90]  (> 90 % reduction);
 *        responder         p ≤ −responder_pct [50];
 *        worsening         p ≥ worsening_pct [50];
 *        non_responder     otherwise.
 *   "Responders" (rates, Fisher) are seizure_free + strict_responder +
 *   responder; "strict responders" are seizure_free + strict_responder;
 *   "failures" are non_responder + worsening.  The class is always decided,
 *   even for an inadequate trial: adequacy is reported beside it.
 *
 * Adequate trial (treatments only; ictus_response_trial): adequate unless
 *   low_dose              dose < the drug's [drugs] target (no target known:
 *                         the dose is not judged);
 *   not_tolerated         tolerated = no in any of its periods;
 *   tolerability_unknown  require_tolerated [false] and tolerability is not
 *                         "yes" in every period;
 *   short_block           the calendar length of its periods < min_block_days [3].
 *   Plasma levels are recorded in dosing.csv but not judged (no target).
 *
 * Course (ictus_response_course) across the animal's treatment conditions in
 * time order (undetermined ones are skipped and keep the state):
 *   remission   seizure_free after anything else (or first);
 *   sustained   seizure_free after seizure_free;
 *   relapse     seizures (any determined class) after seizure_free; the
 *               class says whether the relapse is partial (responder) or full;
 *   ""          otherwise.
 *
 * Drug resistance (ictus_drug_resistance; ILAE 2010 level 2): a drug has
 * FAILED when one of its adequate trials is a failure and none of its
 * adequate trials is a response (a drug that works at its higher dose has
 * not failed).  resistant when ≥ resistance_failures [2] distinct drugs
 * failed; not_resistant when fewer failed and some adequate trial was a
 * response; undetermined otherwise.  A resistant animal stays resistant when
 * a later drug works: the course records that remission.
 *
 * Thread safety: every function is reentrant and pure.
 */
#ifndef ICTUS_RESPONSE_H
#define ICTUS_RESPONSE_H

#include <stdbool.h>
#include <stddef.h>

#include "protocols/measures.h"
#include "protocols/periods.h"

typedef struct {
    double responder_pct;        /* [0, 100]: reduction that makes a responder */
    double strict_pct;           /* [0, 100]: reduction a strict responder exceeds */
    double worsening_pct;        /* ≥ 0: increase that makes a worsening */
    double seizure_free_factor;  /* > 0: multiple of the longest baseline ISI */
    double min_baseline_per_24h; /* ≥ 0: baseline rate below which the class is undetermined */
    double min_analysable_h;     /* ≥ 0: analysable hours a condition and its baseline need */
    double min_block_days;       /* ≥ 0: calendar days an adequate treatment lasts */
    bool require_tolerated;      /* adequate only with tolerated = yes */
    int resistance_failures;     /* ≥ 1: failed drugs that make an animal drug-resistant */
} ictus_response_rules;

/* The defaults above (DOMAIN.md §6). */
void ictus_response_rules_default(ictus_response_rules *rules);

typedef enum {
    ICTUS_CLASS_UNDETERMINED = 0,
    ICTUS_CLASS_SEIZURE_FREE,
    ICTUS_CLASS_STRICT_RESPONDER,
    ICTUS_CLASS_RESPONDER,
    ICTUS_CLASS_NON_RESPONDER,
    ICTUS_CLASS_WORSENING,
    ICTUS_N_CLASSES
} ictus_response_class;

/* Why a class is undetermined (NONE when it is not). */
typedef enum {
    ICTUS_WHY_NONE = 0,
    ICTUS_WHY_NO_DATA,
    ICTUS_WHY_NO_BASELINE,
    ICTUS_WHY_LITTLE_DATA,
    ICTUS_WHY_SHORT_BASELINE,
    ICTUS_WHY_BASELINE_SEIZURE_FREE,
    ICTUS_WHY_SPARSE_BASELINE,
    ICTUS_WHY_NO_BASELINE_ISI,
    ICTUS_WHY_SEIZURE_FREE_TOO_SHORT,
    ICTUS_N_WHY
} ictus_undetermined_why;

/* Reasons a trial is inadequate (bits). */
enum {
    ICTUS_TRIAL_LOW_DOSE = 1u << 0,
    ICTUS_TRIAL_NOT_TOLERATED = 1u << 1,
    ICTUS_TRIAL_TOLERABILITY_UNKNOWN = 1u << 2,
    ICTUS_TRIAL_SHORT_BLOCK = 1u << 3,
};

typedef struct {
    ictus_response_class cls;
    ictus_undetermined_why why;
    double pct_change;             /* NaN when undefined */
    double seizure_free_needed_s;  /* factor × longest baseline ISI; NaN when unknown */
} ictus_response;

/* "undetermined", "seizure_free", "strict_responder", "responder",
 * "non_responder", "worsening". */
const char *ictus_class_name(ictus_response_class cls);
/* "", "no_data", "no_baseline", "little_data", "short_baseline",
 * "baseline_seizure_free", "sparse_baseline", "no_baseline_isi",
 * "seizure_free_too_short". */
const char *ictus_why_name(ictus_undetermined_why why);

/* seizure_free, strict_responder or responder. */
bool ictus_class_is_response(ictus_response_class cls);
/* non_responder or worsening. */
bool ictus_class_is_failure(ictus_response_class cls);

/* Classify the condition's measures `m` against its reference baseline
 * `ref` (NULL: the animal has none).  Both for the same seizure type. */
void ictus_response_classify(const ictus_measures *m, const ictus_measures *ref,
                             const ictus_response_rules *rules, ictus_response *out);

/* The ICTUS_TRIAL_* bits of a treatment condition (0: adequate). */
unsigned ictus_response_trial(const ictus_condition *c, const ictus_response_rules *rules);

/* Write the names of the bits joined by "|" ("low_dose|short_block"; "" for
 * 0) into buf (size > 0, truncated). */
void ictus_trial_reasons(unsigned bits, char *buf, size_t size);

typedef enum {
    ICTUS_COURSE_NONE = 0,
    ICTUS_COURSE_REMISSION,
    ICTUS_COURSE_SUSTAINED,
    ICTUS_COURSE_RELAPSE,
    ICTUS_N_COURSES
} ictus_course;

/* "", "remission", "sustained", "relapse". */
const char *ictus_course_name(ictus_course course);

/* The course of classes[0..n) (an animal's treatment conditions in time
 * order) into course[0..n). */
void ictus_response_course(const ictus_response_class *classes, int n, ictus_course *course);

typedef enum {
    ICTUS_RESISTANCE_UNDETERMINED = 0,
    ICTUS_RESISTANCE_RESISTANT,
    ICTUS_RESISTANCE_NOT_RESISTANT,
    ICTUS_N_RESISTANCE
} ictus_resistance;

/* "undetermined", "resistant", "not_resistant". */
const char *ictus_resistance_name(ictus_resistance r);

/* One treatment trial of an animal, for ictus_drug_resistance(). */
typedef struct {
    const char *drug;          /* compared ignoring ASCII case */
    bool adequate;
    ictus_response_class cls;
} ictus_trial_outcome;

/* The animal's drug resistance from its trials t[0..n); *n_failed (may be
 * NULL) is the number of distinct drugs that failed. */
ictus_resistance ictus_drug_resistance(const ictus_trial_outcome *t, int n, int min_failures,
                                       int *n_failed);

#endif
