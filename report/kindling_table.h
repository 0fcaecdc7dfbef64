/* kindling_table.h: the cross-cohort report's ED50/TD50/PI table of kindling cohorts.
 *
 * In section 2 of `ictus compare`'s report (report/compare_report.h), after
 * the seizure-rate tables, when a cohort has stimulations.csv: a heading
 * and a sortable table (id "table-kindling") with the rows of
 * DIR/kindling_comparison.csv (protocols/kindling_compare.h): cohort (or
 * "pooled"), drug, link, ED50 with its Fieller and profile intervals, TD50
 * likewise, PI with its interval; a refused fit shows its reason.  Every
 * text from input (study and drug names, reasons) is HTML-escaped.
 * Nothing is written when no cohort has kindling data.
 */
#ifndef ICTUS_KINDLING_TABLE_H
#define ICTUS_KINDLING_TABLE_H

#include "base/strbuf.h"
#include "protocols/analysis.h"

/* Append the heading and table for analyses an[0..n) to b; returns the rows (0: nothing). */
int ictus_kindling_html_table(ictus_strbuf *b, const ictus_analysis *const *an, int n);

#endif
