/* thermo_figure.h: the report's hyperthermia threshold figure (protocols/hyperthermia.h).
 *
 * An entry of ictus_report_figures[] (figures.c) calls these:
 *   hyperthermia  section drugs: per exposure of the sessions (the dosing.csv
 *                 condition holding a session's start; "none" outside any
 *                 period; sessions in a washout left out, as in
 *                 hyperthermia_comparisons.csv), one point per session at its
 *                 threshold temperature (filled circle: the temperature at the
 *                 first seizure's onset; hollow triangle: censored, no seizure
 *                 up to this maximum), spread sideways in animals.csv order,
 *                 and the exposure's median threshold of the animals with its
 *                 CI (hyperthermia_comparisons.csv's `threshold` row) as a
 *                 line and a bar; shown when the analysis has a session.
 * The data function writes exactly what is drawn: per exposure its label,
 * the median and CI, and per session the animal, recording, threshold_c,
 * censored, max_c and n_seizures of hyperthermia.csv (a session without a
 * threshold, its note set, is listed with threshold_c null and not drawn).
 * Every text from input is escaped (JSON by html.h; the SVG by cairo).
 * Thread safety: read-only.
 */
#ifndef ICTUS_THERMO_FIGURE_H
#define ICTUS_THERMO_FIGURE_H

#include <stdbool.h>
#include <cairo.h>

#include "base/strbuf.h"
#include "report/figures.h"

bool ictus_report_thermo_shown(const ictus_report_ctx *c);
double ictus_report_thermo_height(const ictus_report_ctx *c);
void ictus_report_thermo_draw(cairo_t *cr, double w, double h, const void *ctx);
void ictus_report_thermo_data(ictus_strbuf *b, const ictus_report_ctx *c);

#endif
