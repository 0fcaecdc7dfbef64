/* report.h: the per-cohort report: OUT_DIR/index.html and OUT_DIR/report.pdf from one plotting code.
 *
 * `ictus report STUDY_DIR [-o DIR]` and the last step of `ictus run` call
 * ictus_report_write().  It loads the study and its analysis
 * (ictus_analysis_load(): the very numbers of out/periods.csv,
 * responders.csv and comparisons.csv, computed again in memory from the same
 * inputs, never re-derived by the report) and reads STUDY_DIR/ictus.db (read
 * only) for what the analysis does not tabulate: the events' times and types
 * (the raster), analysable time per minute (shading, the heat map), the
 * recordings and their failures.  It writes:
 *   index.html  one self-contained page (no CDN, fonts or external scripts):
 *               sections with ids summary, raster, rates, drugs, circadian,
 *               quality, gallery (report/gallery.h: a sample of events, each
 *               drawn from its recording); every figure an inline SVG drawn by cairo,
 *               followed by <script type="application/json"
 *               id="data-FIGURE"> holding the numbers plotted (the test
 *               compares them with the CSVs); tables sortable by a click on
 *               a header (a small inline script); every text from input
 *               escaped (HTML entities; JSON with \u003c for <, > and &).
 *   report.pdf  the same figures, one page each, headed by their section's
 *               title, after a summary page.
 * Figures (report/figures.c) are functions drawing on a cairo_t
 * (report/plot.h), rendered once to SVG and once to PDF.
 *
 * Which events the raster and the per-day rates show: the stored events as
 * they count under the analysis's setting `events` (the current decision's
 * type and edges; rejected ones never), reviewer-added events not included.
 * Every rate in a table, the paired plots, the circadian counts and the
 * classes are the analysis's own.
 *
 * Settings: study.ini [report] video_padding_s (report/exports.h) and
 * gallery_per_type (report/gallery.h), read here from study->config
 * (marked used; the callers check the section for unknown keys).
 *
 * Thread safety: one call at a time per study (it opens its own store
 * handle); the call itself is single-threaded.
 */
#ifndef ICTUS_REPORT_H
#define ICTUS_REPORT_H

#include <stdint.h>

#include "base/path.h"
#include "base/status.h"
#include "protocols/analysis.h"
#include "protocols/study.h"
#include "store/store.h"

typedef struct {
    const char *out_dir;  /* where the files go; NULL or "": STUDY_DIR/out/report (created,
                             with out/, when absent); otherwise its parent must exist */
    const ictus_store_run_end *this_run; /* NULL, or the counts so far of the run this report
                                            ends (the nightly job's last step: its row in the
                                            store still says running) */
} ictus_report_options;

/* What ictus_report_write() wrote. */
typedef struct {
    char html_path[ICTUS_PATH_MAX];   /* OUT_DIR/index.html */
    char pdf_path[ICTUS_PATH_MAX];    /* OUT_DIR/report.pdf */
    int64_t html_bytes, pdf_bytes;
    int n_animals;                    /* animals of animals.csv in the report */
    int n_figures;                    /* figures drawn (each in both files) */
    int n_problems;                   /* the study's manifest problems, listed in the report */
    int n_gallery_cards;              /* events drawn in the gallery (report/gallery.h) */
} ictus_report_summary;

/* Write the report of the study in `study_dir` (above).  `opt` may be NULL
 * (defaults); `out` may be NULL, else it is zeroed and filled on success.
 * Each file is written atomically (a temporary file renamed over the old).
 * Errors: those of ictus_analysis_load() (ICTUS_ERR_IO when study.ini,
 * animals.csv or ictus.db is missing; ICTUS_ERR_CONFIG, ICTUS_ERR_FORMAT,
 * ICTUS_ERR_DB, ICTUS_ERR_BUSY); ICTUS_ERR_IO naming the file or directory
 * that cannot be written; ICTUS_ERR_USAGE when a path is longer than
 * ICTUS_PATH_MAX.  Manifest problems are no error: they are listed in the
 * report and counted in out->n_problems.  Prints nothing. */
ictus_status ictus_report_write(const char *study_dir, const ictus_report_options *opt,
                                ictus_report_summary *out, ictus_error *err);
/* The same, keeping the study it loaded: on success *kept is the caller's
 * (ictus_study_destroy()), so that the exports read recordings.csv no
 * second time (`ictus report`); NULL on error. */
ictus_status ictus_report_write_study(const char *study_dir, const ictus_report_options *opt,
                                      ictus_report_summary *out, ictus_study **kept,
                                      ictus_error *err);

/* The same from a study, its analysis and its store already open (the
 * nightly job's, which has just computed the analysis: it is not computed
 * again).  The store is only read; the errors are those above but the
 * loading's. */
ictus_status ictus_report_write_analysis(const ictus_study *study, const ictus_analysis *an,
                                         ictus_store *store, const ictus_report_options *opt,
                                         ictus_report_summary *out, ictus_error *err);

#endif
