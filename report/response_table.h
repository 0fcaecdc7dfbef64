/* response_table.h: the short human table that ends `ictus run`'s summary
 * and `ictus analyze`'s output: seizures per day and response class, per
 * animal and exposure, then why classes are undetermined.
 *
 * From an analysis (protocols/analysis.h), type "all" only (the per-type
 * rows stay in responders.csv):
 *
 *   seizures per analysable 24 h (all types) and response class:
 *     animal  baseline  vpa 100 mg/kg ip          vehicle
 *     m1      4.50      1.20 responder            4.10 non_responder
 *     m2      3.00      0.40 undetermined (little_data)  .
 *   warning: 1 of 3 response classes undetermined; why:
 *     little_data (1): fewer analysable hours on the drug than study.ini [analysis]
 *       min_analysable_h = 24 asks for
 *
 * One column per exposure of the study (baseline, vehicle, then treatments
 * by drug, dose and route, as ictus_condition_cmp() orders them; labels as
 * the report's, ictus_report_exposure_label()), one row per animal of
 * animals.csv that has at least one condition; a cell is the condition's
 * rate per analysable 24 h ("-" when there is no analysable time) and, but
 * for the baseline, its class; "." when the animal has no such condition.
 * An undetermined class is followed by its reason's code (responders.csv
 * undetermined_why), and the warning lists each reason that occurs, once,
 * with how many classes it left undetermined, what it means and the
 * study.ini setting that decides it, with its value.  No table (and no text at all) when no animal has a
 * condition (no dosing.csv periods).  Lines end in '\n' and start with
 * `indent`.
 *
 * Thread safety: reads the analysis only; reentrant.
 */
#ifndef ICTUS_RESPONSE_TABLE_H
#define ICTUS_RESPONSE_TABLE_H

#include "base/strbuf.h"
#include "protocols/analysis.h"

/* What the table showed. */
typedef struct {
    int n_classes;       /* treatment and vehicle cells (classes shown) */
    int n_undetermined;  /* of those, undetermined: the warning line was written */
} ictus_response_table_counts;

/* Append the table of `an` to *out (each line starting with `indent`) and
 * fill *counts (may be NULL).  At most `max_rows` animal rows (0: all), then
 * "... and N more animals"; the counts and the warning cover every animal. */
void ictus_response_table(const ictus_analysis *an, const char *indent, int max_rows,
                          ictus_strbuf *out, ictus_response_table_counts *counts);

#endif
