/* km_figures.h: the report's Kaplan–Meier figures: time to first seizure per exposure, and
 * survival per group (protocols/survival_outcomes.h).
 *
 * Entries of ictus_report_figures[] (figures.c) call these:
 *   km        section drugs: the Kaplan–Meier estimate of the time to the
 *             first seizure (all types) of each treatment and vehicle
 *             exposure, censored animals ticked; shown when some exposure
 *             has an animal with a time;
 *   survival  section drugs (after km): survival per animals.csv group from the
 *             origin (birth or first recording), deaths as steps, probable
 *             SUDEP named in the legend; shown when animals.csv has `death`.
 * The data functions write exactly the steps drawn: per group its label,
 * n, events, the event times and S after each, and the median (null when
 * not reached).  Thread safety: read-only.
 */
#ifndef ICTUS_KM_FIGURES_H
#define ICTUS_KM_FIGURES_H

#include <stdbool.h>
#include <cairo.h>

#include "base/strbuf.h"
#include "report/figures.h"

bool ictus_report_km_shown(const ictus_report_ctx *c);
double ictus_report_km_height(const ictus_report_ctx *c);
void ictus_report_km_draw(cairo_t *cr, double w, double h, const void *ctx);
void ictus_report_km_data(ictus_strbuf *b, const ictus_report_ctx *c);

bool ictus_report_survival_shown(const ictus_report_ctx *c);
double ictus_report_survival_height(const ictus_report_ctx *c);
void ictus_report_survival_draw(cairo_t *cr, double w, double h, const void *ctx);
void ictus_report_survival_data(ictus_strbuf *b, const ictus_report_ctx *c);

#endif
