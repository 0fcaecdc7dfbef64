/* figures.h: the report's figures: each draws on a cairo_t and writes the numbers it plots as JSON.
 *
 * A figure is an entry of ictus_report_figures[]: its id (the HTML element
 * ids fig-ID and data-ID), its section, a title and a caption, its size for
 * the report, a draw function (plot.h) and a data function writing a JSON
 * value of exactly the numbers drawn (taken from the same accessors).  A
 * per-exposure figure is drawn once per treatment exposure (ctx->exposure).
 */
#ifndef ICTUS_FIGURES_H
#define ICTUS_FIGURES_H

#include <stdbool.h>
#include <cairo.h>

#include "base/strbuf.h"
#include "protocols/analysis.h"
#include "report/plot.h"
#include "report/report_data.h"

/* What every figure reads; built by report.c, read-only while drawing. */
typedef struct {
    const ictus_study *study;
    const ictus_analysis *an;
    const ictus_report_data *d;
    int n_drugs;
    const char **drugs;          /* distinct treatment drugs (ignoring case), first seen first:
                                    drug i is shaded with ictus_report_drug_colour(i) */
    int n_exposures;
    const ictus_condition **exposures; /* distinct treatment and vehicle conditions
                                          (ictus_condition_cmp order) */
    int exposure;                /* the exposure a per-exposure figure draws */
    const ictus_store_run_end *this_run; /* ictus_report_options.this_run */
    const struct ictus_gallery *gallery; /* the event gallery (report/gallery.h) */
} ictus_report_ctx;

typedef struct {
    const char *id;              /* "raster": HTML ids fig-raster, data-raster */
    const char *section;         /* the section id it belongs to */
    const char *title;
    const char *caption;         /* what it shows, how to read it */
    bool per_exposure;           /* drawn for each treatment exposure */
    double width;                /* points */
    double (*height)(const ictus_report_ctx *c); /* points */
    ictus_plot_draw_fn draw;     /* ctx: const ictus_report_ctx * */
    void (*data)(ictus_strbuf *json, const ictus_report_ctx *c); /* one JSON value */
    bool (*shown)(const ictus_report_ctx *c); /* whether this report has it; NULL: always */
} ictus_report_figure;

extern const ictus_report_figure ictus_report_figures[];
extern const int ictus_report_n_figures;

/* The palette index of treatment drug i (ctx->drugs). */
int ictus_report_drug_colour(int i);

/* The exposure's label: "asm-a 30 mg/kg ip", "vehicle (saline)", "baseline". */
void ictus_report_exposure_label(const ictus_condition *c, char *buf, size_t size);


#endif
