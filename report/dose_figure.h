/* dose_figure.h: the report's dose–response figure (6 Hz kindling, protocols/kindling.h).
 *
 * Drawn in the "drugs" section when the study's analysis has dose_response
 * rows (a kindling study with drug sessions), never otherwise: per drug
 * (palette colour by drug), the share protected at each dose (filled
 * circles, labelled r/n) with the fitted probit curve Φ(a + b·log10 dose)
 * and the ED50 (dashed vertical line, its Fieller interval as a bar at
 * 50 %); the share with tolerated = no (hollow squares) with the TD50 curve
 * (dashed).  A drug whose fit is refused shows its points and the reason in
 * the legend.  Log dose axis.  The data block holds, per drug and outcome,
 * the dose rows (dose, n, r) and the probit fit (estimate, Fieller and
 * profile limits, intercept, slope, refused) exactly as dose_response.csv.
 */
#ifndef ICTUS_DOSE_FIGURE_H
#define ICTUS_DOSE_FIGURE_H

#include <stdbool.h>
#include <cairo.h>

#include "report/figures.h"

/* Whether the report has a dose–response figure: only with dose_response rows. */
bool ictus_report_dose_shown(const ictus_report_ctx *c);

double ictus_report_dose_height(const ictus_report_ctx *c);
void ictus_report_dose_draw(cairo_t *cr, double w, double h, const void *ctx);
void ictus_report_dose_data(ictus_strbuf *b, const ictus_report_ctx *c);

#endif
