/* report_data.h: what the report reads from the store beside the analysis, binned for drawing.
 *
 * The analysis (protocols/analysis.h) holds every rate, class and test; the
 * figures also need time lines it does not keep: each animal's counted
 * seizures (start, end, type), its recorded and analysable time in bins
 * across the whole study, per calendar day, and its artefact windows; and
 * how many recordings are stored, with the rows of those that failed.
 * ictus_report_data_read() reads them once, keeping no row of the
 * recordings that are ok: a study of 160,000 recordings would hold tens of
 * MB of rows the report only counts.
 *
 * Bins: the study's span [t0_us, t1_us) (from midnight of the first day of
 * any period or recording to the end of the last) cut into n_bins bins of
 * bin_us, a whole number of the store's 60 s buckets chosen so that
 * n_bins ≤ ICTUS_REPORT_MAX_BINS (decimation: no figure is wider than that
 * in pixels), and into n_days calendar days from t0_us.
 *
 * Lifecycle: ictus_report_data_read() → read the fields → ictus_report_data_clear().
 */
#ifndef ICTUS_REPORT_DATA_H
#define ICTUS_REPORT_DATA_H

#include <stdint.h>

#include "base/strpool.h"
#include "protocols/analysis.h"
#include "store/store.h"

#define ICTUS_REPORT_MAX_BINS 1200

/* One recording row of the store whose status is not ok (its strings live in
 * the data's pool, freed by ictus_report_data_clear(); consecutive rows may
 * share one animal or error string). */
typedef struct {
    int64_t id;                     /* the store's recording row */
    char *path, *animal, *error;
    ictus_rec_status status;
    bool has_results;
    int64_t start_us, duration_us, n_events;
    int64_t last_run_id, results_run_id, first_run_id;
} ictus_report_recording;

typedef struct {
    int n_animals;                  /* study->n_animals */
    int64_t t0_us, t1_us;           /* the span; t0 at midnight before start_us */
    int64_t start_us;               /* the first instant of any period or recording */
    int64_t bin_us;
    int n_bins, n_days;
    ictus_seizure **seizures;       /* [animal][n_seizures[animal]]: counted events by start;
                                       type indexes an->types (≥ 1) */
    size_t *n_seizures;
    double *recorded_s;             /* [animal * n_bins + bin] */
    double *analysable_s;           /* [animal * n_bins + bin] */
    double *day_recorded_s;         /* [animal * n_days + day] */
    double *day_analysable_s;       /* [animal * n_days + day] */
    int64_t *artefacts;             /* [animal * ICTUS_STORE_N_ARTEFACT_KINDS + kind]:
                                       windows flagged with each kind */
    size_t n_recordings;            /* stored recording rows */
    size_t n_ok;                    /* of them, with status ok */
    size_t n_failed;                /* the others (n_recordings - n_ok): */
    ictus_report_recording *failed; /* by animal then path */
    ictus_strpool recording_text_;  /* private: the failed rows' strings */
    bool has_run;
    ictus_store_run_row last_run;   /* the newest run */
    int n_runs;                     /* 0..2 */
    ictus_store_run_detail runs[2]; /* the newest run and the one before it */
} ictus_report_data;

/* Whether a stored event counts under the analysis's `events` setting
 * (protocols/analysis.h, "Which events count"): the raster's and the
 * gallery's events. */
bool ictus_report_event_counts(const ictus_analysis_settings *s,
                               const ictus_store_event_row *row);

/* A stored event as the report counts it: true when it counts (above), its
 * animal is in the study and its effective type (the current decision's)
 * is one of an->types; then *animal is its index in study->animals, *type
 * the type's index in an->types (≥ 1) and *e the effective event
 * (ictus_store_event_effective()). */
bool ictus_report_counted_event(const ictus_study *study, const ictus_analysis *an,
                                const ictus_store_event_row *row, int *animal, int *type,
                                ictus_event *e);

/* Read what `an` (of `study`) does not hold from `store` into *d (overwritten).
 * Errors: those of the store's queries (ICTUS_ERR_DB, ICTUS_ERR_BUSY). */
ictus_status ictus_report_data_read(const ictus_study *study, const ictus_analysis *an,
                                    ictus_store *store, ictus_report_data *d, ictus_error *err);

/* Free and zero; a zeroed struct is a no-op. */
void ictus_report_data_clear(ictus_report_data *d);

#endif
