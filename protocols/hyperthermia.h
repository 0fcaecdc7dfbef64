/* hyperthermia.h: hyperthermia-induced seizure thresholds (Dravet; DOMAIN.md §8).
 *
 * In a hyperthermia session the animal's core temperature is raised
 * stepwise (e.g. +0.5 °C every 2 min up to 42.5 °C) until it seizes; the
 * outcome is the body temperature at seizure onset.  The analysis
 * (analysis.h) finds the sessions, reads their temperature and writes, next
 * to periods.csv:
 *   STUDY/out/hyperthermia.csv              one row per session
 *   STUDY/out/hyperthermia_comparisons.csv  one row per statistic
 * (a file of its own rather than rows of comparisons.csv: its columns are
 * those of a threshold in °C, not of a seizure rate, and comparisons.csv of
 * every other study stays byte for byte as it was).
 *
 * Sessions.  A session is one stored recording (with results) of one animal
 * that holds a temperature channel whose trace rises by at least
 * min_rise_c: the induction is its own recording, as with a rectal or
 * implanted probe fed into the amplifier (a recording whose temperature
 * stays flat, e.g. telemetry body temperature in a 24 h file, is no session:
 * counted in analysis-settings.txt's hyperthermia_flat=).  The temperature
 * channel is, among the channels the recording shows for the animal
 * (recordings.csv's channel map, else every channel of the file):
 *   - the one labelled [hyperthermia] temperature_label, whatever its unit,
 *     when that setting is given (the values must be °C);
 *   - otherwise the first whose physical unit says degrees Celsius
 *     (ictus_unit_is_celsius(): degC, deg C, °C, C, Cel, celsius, ...).
 * Which recordings have one is read from the store's channel list (no file
 * is opened for the others).  Such a channel is never an EEG channel: the
 * detector analyses only channels in a voltage unit (or without a unit;
 * pipeline/analyzer.h), so temperature never reaches it.
 *
 * Sessions from a temperature log.  A lab that reads a rectal probe by hand
 * (or logs its controller apart from the EEG) gives STUDY/temperatures.csv
 * (optional): columns animal, session, time, temperature_c, one row per
 * reading (time a naive local date-time; session any label, e.g. "1" or
 * "veh").  The readings of one animal and session, in time order, are one
 * session from the first reading to the last (recording "temperatures.csv",
 * channel the session's label), read like a channel except that no gap
 * limit applies (readings every 2 min are normal); min_rise_c and the valid
 * range apply.  A row naming an animal not in animals.csv, or whose time or
 * temperature does not parse, stops the analysis (ICTUS_ERR_DATA naming
 * temperatures.csv:LINE:COLUMN).
 *
 * When the temperature at onset is computed: at analysis time, from the
 * recording, not at detection time.  The onset that counts is the one the
 * analysis counts (a reviewer's corrected edges, an added event, an events
 * file), which detection cannot know; and the store keeps no per-event
 * temperature.  Cost: each session's recording is read once per analysis,
 * one pass in blocks (ictus_source_read), keeping only the current and the
 * previous temperature sample and the session's onsets: memory does not
 * grow with the recording's length, time is one decode of the session files
 * (short files: an induction lasts well under an hour).
 *
 * The temperature at an onset is interpolated linearly between the two
 * valid samples around it; none when they are more than max_gap_s apart
 * (a gap, missing samples) or the onset lies outside the channel's samples.
 * Valid samples: not flagged missing, within [valid_min_c, valid_max_c]
 * (a probe out of the animal reads room temperature; a broken lead the
 * digital limits).
 *
 * Seizures: every seizure the analysis counts (analysis.h: the event filter,
 * reviews, overlaps merged), whatever its type, of the session's animal,
 * starting within the recording.
 *
 * hyperthermia.csv (rows: recordings in the store's order, then the log's
 * sessions by animal (animals.csv order), session and time):
 *   animal, group          animals.csv
 *   recording              the file name (no directories); "temperatures.csv"
 *   channel                the temperature channel's label; the log's session
 *   start, end             the recording's span (naive local date-times)
 *   kind, drug, dose_mg_kg, route   the dosing.csv period holding the start
 *                          (empty: none); comparisons.csv's exposure fields
 *   start_c                first valid temperature, °C
 *   max_c                  highest valid temperature, °C
 *   max_s                  when it was reached, s from the start
 *   n_seizures             seizures starting in the session
 *   first_onset            the first one's onset (date-time; empty: none)
 *   first_onset_s          the same in s from the start
 *   first_type             its type
 *   threshold_c            the temperature at the first onset; censored
 *                          sessions: max_c (the threshold is above it)
 *   censored               yes: no seizure up to the ramp's maximum (the
 *                          threshold is > max_c); no: threshold measured
 *   onset_c                the temperature at every onset, joined by "|"
 *                          (empty entry: not defined there)
 *   note                   why a value is missing (unreadable recording,
 *                          no valid temperature at the onset)
 *   settings_hash          of analysis-settings.txt's analysis. and
 *                          hyperthermia. lines
 *
 * hyperthermia_comparisons.csv.  Per animal and exposure (the conditions of
 * periods.h: baseline, vehicle, each treatment at drug, dose, route;
 * sessions outside any dosing.csv period have the exposure "none": empty
 * fields; sessions in a washout period and sessions without a threshold
 * (a note) are left out),
 * the animal's threshold is the mean over its sessions under it; it is
 * censored when one of them is.  Censored thresholds enter every statistic
 * at their censoring value (max_c), a lower bound: the rank tests then rank
 * them at (or, when the ramp maxima differ, near) the top, as the lab's
 * tables do; the note says when censored values took part.  Rows, per
 * exposure in ictus_condition_cmp() order ("none" first):
 *   test          versus    on
 *   threshold     -         the animals' thresholds: median with its
 *                           distribution-free CI (stats.h median_ci)
 *   wilcoxon      baseline  paired animals: exposure − reference, median of
 *                 vehicle   the differences; Wilcoxon signed-rank
 *   mann_whitney  vehicle   animals with the treatment but no vehicle
 *                           session against animals with vehicle sessions
 *                           but not the treatment (independent samples);
 *                           median(a) − median(b)
 *                 group     each pair of distinct non-empty animals.csv
 *                           groups among the exposure's animals
 * Rank tests are two-sided, exact up to [analysis] exact_max_n ranked
 * values (ties and zeros by permutation), the normal approximation above,
 * zero differences dropped: comparisons.h's rules.  Columns:
 *   kind, drug, dose_mg_kg, route   the exposure
 *   test, versus, group_a, group_b
 *   n, n_censored          animals (pairs) on the exposure's side, censored
 *   n_ref, n_ref_censored  on the reference side (Mann–Whitney; paired tests:
 *                          censored references)
 *   estimate_of            median_threshold_c | median_difference_c
 *   estimate, ci_level, ci_lo, ci_hi, statistic (Wilcoxon: SciPy's; U1), p
 *   note, settings_hash
 *   stratum                only with [analysis] by (strata.h): "all" on the
 *                          pooled rows (byte for byte those of an
 *                          unstratified analysis), then, by label, every
 *                          row above computed on the sessions of that
 *                          stratum's animals alone (an animal's label at
 *                          the session's start; sessions of animals without
 *                          one are in the pooled rows only).  hyperthermia.csv
 *                          is not stratified.
 *
 * Files: written when some session exists or study.ini has a
 * [hyperthermia] section (then possibly header-only); otherwise neither is
 * written and stale ones are removed, so that studies without temperature
 * get exactly the files they had.
 *
 * Settings ([hyperthermia] in study.ini; every key optional, an unknown key
 * is an error; written as hyperthermia.KEY=VALUE lines after the analysis.
 * ones in analysis-settings.txt when the files are written):
 *   temperature_label   the channel to read as °C ("" : by unit)       ""
 *   min_rise_c          rise (max − start) that makes a session, °C     1
 *   max_gap_s           longest stretch interpolated across, s          60
 *   valid_min_c, valid_max_c   plausible body temperatures, °C     25, 45
 *
 * Lifecycle: ictus_analysis_compute() calls ictus_hyperthermia_compute()
 * (an->hyperthermia) and ictus_analysis_write() ictus_hyperthermia_write().
 * Thread safety: computing uses the store and the study's config on the
 * calling thread; the result is read-only.
 */
#ifndef ICTUS_HYPERTHERMIA_H
#define ICTUS_HYPERTHERMIA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/csvout.h"
#include "base/filehash.h"
#include "base/status.h"
#include "pipeline/source/source.h"
#include "protocols/measures.h"
#include "protocols/periods.h"
#include "protocols/strata.h"
#include "store/store.h"

struct ictus_analysis;

typedef struct {
    char temperature_label[ICTUS_LABEL_MAX]; /* "" : the first channel in °C */
    double min_rise_c;
    double max_gap_s;
    double valid_min_c, valid_max_c;
} ictus_hyperthermia_settings;

void ictus_hyperthermia_settings_default(ictus_hyperthermia_settings *s);

/* Read [hyperthermia] of `cfg` over *s; ICTUS_ERR_CONFIG naming the file,
 * line and key for a bad value or an unknown key, or valid_min_c ≥
 * valid_max_c.  *has_section: whether study.ini has the section. */
ictus_status ictus_hyperthermia_settings_apply(ictus_hyperthermia_settings *s, ictus_config *cfg,
                                               bool *has_section, ictus_error *err);

/* Whether a physical unit (as in an EDF header, trimmed or not) means
 * degrees Celsius: degC, deg C, deg.C, degrees C, °C (UTF-8 or Latin-1),
 * ºC, oC, C, Cel, celsius, ignoring ASCII case and spaces. */
bool ictus_unit_is_celsius(const char *unit);

/* The temperature at each of n onsets (µs on the recording's wall clock,
 * sorted) read from channel `channel` of an open source in one pass from
 * its current position, and the trace's summary.  onset_c[i] is NaN where
 * not defined (above). */
typedef struct {
    double start_c, max_c;    /* NaN when no valid sample */
    int64_t max_at_us;        /* wall clock of the maximum */
    int64_t n_valid, n_invalid; /* samples used, samples left out */
} ictus_temperature_trace;

ictus_status ictus_hyperthermia_read(ictus_source *src, int channel,
                                     const ictus_hyperthermia_settings *set,
                                     const int64_t *onset_us, size_t n, double *onset_c,
                                     ictus_temperature_trace *trace, ictus_error *err);

typedef struct {
    int animal;                /* index into study->animals */
    char *recording;           /* file name, no directories */
    char channel[ICTUS_LABEL_MAX];
    int64_t start_us, end_us;
    const ictus_period *period;       /* dosing.csv period at the start, NULL: none */
    const ictus_condition *condition; /* its condition (an->plans), NULL: none or washout */
    ictus_temperature_trace trace;
    size_t n_seizures;
    int64_t *onset_us;         /* [n_seizures] */
    int *onset_type;           /* [n_seizures] the analysis's type index */
    double *onset_c;           /* [n_seizures], NaN: not defined */
    double threshold_c;        /* NaN: not known */
    bool censored;
    char note[200];
    const char *stratum;       /* strata.h label at the session's start; NULL: none */
} ictus_hyperthermia_session;

typedef enum {
    ICTUS_HT_THRESHOLD = 0,
    ICTUS_HT_WILCOXON,
    ICTUS_HT_MANN_WHITNEY,
} ictus_ht_test;

typedef struct {
    bool has_condition;
    ictus_condition condition;   /* the exposure (copied; its arrays not used) */
    ictus_ht_test test;
    int versus;                  /* ictus_versus (comparisons.h) */
    const char *group_a, *group_b;
    int64_t n, n_censored, n_ref, n_ref_censored; /* -1: n/a */
    double estimate, ci_lo, ci_hi, statistic, p;
    char note[96];
} ictus_ht_comparison;

/* One animal's threshold under one exposure, the input of the statistics. */
typedef struct {
    int animal;                  /* pairs values of one animal */
    const char *group;           /* "" when none */
    int exposure;                /* index into the caller's exposures */
    double threshold_c;
    bool censored;
} ictus_ht_value;

/* The statistics of values v[0..n) over exposures ex[0..n_ex) (sorted as
 * they should appear; has[i] false: the exposure "none", else ex[i]) into a
 * new array *out (caller frees).  Errors: stats.h's on input it should never
 * see (a bug). */
ictus_status ictus_hyperthermia_compare(const ictus_ht_value *v, size_t n,
                                        const ictus_condition *ex, const bool *has, int n_ex,
                                        double ci_level, int exact_max_n,
                                        ictus_ht_comparison **out, size_t *n_out,
                                        ictus_error *err);

typedef struct ictus_hyperthermia {
    ictus_hyperthermia_settings settings;
    bool has_section;            /* study.ini has [hyperthermia] */
    char *settings_text;         /* hyperthermia.KEY=VALUE lines */
    char settings_hash[ICTUS_HASH_HEX_SIZE]; /* of the analysis. and hyperthermia. lines */
    size_t n_sessions;
    ictus_hyperthermia_session *sessions;
    size_t n_comparisons;
    ictus_ht_comparison *comparisons;
    int64_t n_flat;              /* recordings with a temperature channel but no rise */
    /* Only with [analysis] by (strata.h), by label: the comparisons of each
     * stratum's sessions alone. */
    size_t n_strata;
    struct ictus_ht_stratum {
        const char *label;
        size_t n_comparisons;
        ictus_ht_comparison *comparisons;
    } *strata;
    ictus_strata_labels labels_;
} ictus_hyperthermia;

/* Find and measure the sessions of the analysis `an` (its study, plans,
 * types and settings) from `store`, with seizures[a][0..n_seizures[a]) the
 * counted seizures of animal a (sorted by start).  Errors: the store's,
 * ICTUS_ERR_CONFIG for a bad [hyperthermia] setting.  A recording that
 * cannot be read is a session with a note, not an error. */
ictus_status ictus_hyperthermia_compute(const struct ictus_analysis *an, ictus_store *store,
                                        const ictus_seizure *const *seizures,
                                        const size_t *n_seizures, ictus_hyperthermia **out,
                                        ictus_error *err);

void ictus_hyperthermia_destroy(ictus_hyperthermia *h); /* NULL is a no-op */

/* Write (or remove, see "Files") the two CSV files into out_dir. */
ictus_status ictus_hyperthermia_write(const struct ictus_analysis *an, const char *out_dir,
                                      ictus_error *err);

/* analysis-settings.txt's hyperthermia lines (nothing when no file is written). */
void ictus_hyperthermia_write_settings(ictus_out *o, const ictus_hyperthermia *h);

#endif
