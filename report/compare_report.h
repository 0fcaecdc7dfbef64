/* compare_report.h: the cross-cohort report: DIR/report/index.html and report.pdf of `ictus compare`.
 *
 * The last step of `ictus compare STUDY... -o DIR`, after DIR/comparison.csv
 * is written: the same result (cross_cohort.h), never recomputed, drawn for
 * a reader.  Sections (HTML ids; the PDF's page headings):
 *   cohorts    1. Cohorts: each cohort's directory, study name, animals and
 *              analysis settings hash; a visible warning (id
 *              "mixed-settings") when the hashes differ; the pooling rules
 *              and the level of every interval;
 *   table      2. Drugs and doses: per seizure type ("all" first) a sortable
 *              table (id "table-K", K = 1 for "all") with one row per
 *              exposure: animals, determined, responders and seizure-free
 *              (n, % with the Clopper–Pearson interval), median % change with
 *              its order-statistic interval, the rate ratio to the animals'
 *              own baselines and to the vehicle with their t intervals,
 *              Fisher's p (responders vs the vehicle) and Mann–Whitney's p
 *              (% change vs the vehicle);
 *   median     3. Median % change: per type a forest plot (fig-median-K):
 *              one row per exposure (the vehicle first), the median and its
 *              interval, a line at 0 % and the responder threshold
 *              (−responder_pct of the first cohort's settings) dashed;
 *   ratio      4. Rate ratios: per type a forest plot (fig-ratio-K) on a log
 *              axis with a line at 1: the geometric-mean rate ratio to the
 *              animals' baselines (filled marker, solid interval) and, for
 *              treatments, to the vehicle (hollow marker, dashed interval).
 * Every figure is followed by <script type="application/json"
 * id="data-median-K"> (or data-ratio-K) holding exactly the row values it
 * plots, with the row's type, kind, drug, dose_mg_kg and route to match
 * comparison.csv (tests/test_compare_report.sh does).  Values outside the
 * drawn axis are drawn to its edge with an arrow; the JSON keeps them whole.
 * Drugs are told apart by colour (Okabe–Ito, plot.h) and marker shape.  All
 * text from input (study names, directories, drug names, routes, types) is
 * escaped in the HTML, JSON-escaped in the data blocks, and drawn as glyphs
 * in the SVG.  report.pdf holds a first page with the cohorts, then per type
 * the table (drawn) and the two forest plots, one page each.
 *
 * Thread safety: reentrant; the result is only read.
 */
#ifndef ICTUS_COMPARE_REPORT_H
#define ICTUS_COMPARE_REPORT_H

#include <stdint.h>

#include "base/path.h"
#include "base/status.h"
#include "protocols/cross_cohort.h"

/* What ictus_compare_report_write() wrote. */
typedef struct {
    char html_path[ICTUS_PATH_MAX];   /* DIR/index.html */
    char pdf_path[ICTUS_PATH_MAX];    /* DIR/report.pdf */
    int64_t html_bytes, pdf_bytes;
    int n_types;                      /* seizure types ("all" included) */
    int n_figures;                    /* figures drawn (each in both files) */
} ictus_compare_report_summary;

/* Write the report of `res` into `dir` (created when absent; its parent
 * must exist), each file atomically.  `out` may be NULL, else it is zeroed
 * and filled on success.  Errors: ICTUS_ERR_IO naming the file or directory
 * that cannot be written; ICTUS_ERR_USAGE when a path is too long. */
ictus_status ictus_compare_report_write(const ictus_compare_result *res, const char *dir,
                                        ictus_compare_report_summary *out, ictus_error *err);

#endif
