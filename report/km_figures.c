/* km_figures.c: Kaplan–Meier step curves for the report (km_figures.h). */
#include "report/km_figures.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "protocols/survival_outcomes.h"
#include "report/html.h"

static const double LEFT = 70, RIGHT = 300, TOP = 34, BOTTOM = 48;

/* One curve: its estimate, label, and the censoring times to tick. */
typedef struct {
    const ictus_km *km;
    char label[200];
    double median;
    double last;          /* the largest time of the group (event or censoring) */
} curve;

/* The time-to-first-seizure groups (type all) of the analysis, in order:
 * curve g into *out; false past the last. */
static bool km_curve(const ictus_report_ctx *c, int g, curve *out)
{
    const ictus_survival_outcomes *so = c->an->survival;
    int k = 0;
    for (size_t i = 0; so && i < so->n_groups; i++) {
        const ictus_tte_group *G = &so->groups[i];
        if (G->type != 0 || G->endpoint != ICTUS_TTE_FIRST || G->km.n_animals == 0)
            continue;
        if (k++ != g)
            continue;
        char lab[160];
        ictus_report_exposure_label(G->condition, lab, sizeof lab);
        snprintf(out->label, sizeof out->label, "%s (n = %zu, %zu with a seizure)", lab,
                 G->km.n_animals, G->km.n_events);
        out->km = &G->km;
        out->median = G->median.time;
        out->last = 0;
        for (size_t r = 0; r < so->n_rows; r++) {
            const ictus_tte_row *row = &so->rows[r];
            if (row->type == 0 && row->endpoint == ICTUS_TTE_FIRST && !isnan(row->time_h) &&
                ictus_condition_same(row->condition, G->condition))
                out->last = fmax(out->last, row->time_h);
        }
        return true;
    }
    return false;
}

static bool survival_curve(const ictus_report_ctx *c, int g, curve *out)
{
    const ictus_survival_outcomes *so = c->an->survival;
    if (!so || !so->has_survival || g >= (int)so->n_survival_groups)
        return false;
    const ictus_survival_group *G = &so->survival_groups[g];
    snprintf(out->label, sizeof out->label, "%s (n = %zu, %zu died, %d probable SUDEP)",
             *G->name ? G->name : "(no group)", G->km.n_animals, G->km.n_events, G->n_sudep);
    out->km = &G->km;
    out->median = G->median.time;
    out->last = 0;
    for (int a = 0; a < c->study->n_animals; a++)
        if (so->survival[a].included && so->survival[a].group == g)
            out->last = fmax(out->last, so->survival[a].time_d);
    return true;
}

typedef bool (*curve_fn)(const ictus_report_ctx *c, int g, curve *out);

static void white(cairo_t *cr, double w, double h)
{
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, 0, 0, w, h);
    cairo_fill(cr);
}

/* Every curve of `next` as steps from S = 1 at 0 to the group's last time. */
static void draw_curves(cairo_t *cr, double w, double h, const ictus_report_ctx *c,
                        curve_fn next, const char *x_title, const char *y_title)
{
    white(cr, w, h);
    curve cv;
    double top = 0;
    for (int g = 0; next(c, g, &cv); g++)
        top = fmax(top, cv.last);
    ictus_plot_axis ax = {0, top > 0 ? top * 1.05 : 1, false, LEFT, w - RIGHT};
    ictus_plot_axis ay = {0, 1.05, false, h - BOTTOM, TOP};
    for (int g = 0; next(c, g, &cv); g++) {
        ictus_plot_colour(cr, g, 1);
        cairo_set_line_width(cr, 1.8);
        double dash[2] = {2.0 + 2 * g, 2};
        cairo_set_dash(cr, dash, g ? 2 : 0, 0);
        double s = 1;
        cairo_move_to(cr, ictus_plot_map(&ax, 0), ictus_plot_map(&ay, 1));
        for (size_t j = 0; j < cv.km->n_times; j++) {
            double x = ictus_plot_map(&ax, cv.km->time[j]);
            cairo_line_to(cr, x, ictus_plot_map(&ay, s));
            s = cv.km->surv[j];
            cairo_line_to(cr, x, ictus_plot_map(&ay, s));
        }
        cairo_line_to(cr, ictus_plot_map(&ax, cv.last), ictus_plot_map(&ay, s));
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        char entry[240];
        if (isnan(cv.median))
            snprintf(entry, sizeof entry, "%s; median not reached", cv.label);
        else
            snprintf(entry, sizeof entry, "%s; median %.3g", cv.label, cv.median);
        ictus_plot_legend(cr, w - RIGHT + 10, TOP + 14.0 * g + 8, g, true, entry);
    }
    ictus_plot_x_axis(cr, &ax, h - BOTTOM, 6, NULL, x_title);
    ictus_plot_y_axis(cr, &ay, LEFT, 5, NULL, y_title);
}

static void curves_data(ictus_strbuf *b, const ictus_report_ctx *c, curve_fn next)
{
    curve cv;
    ictus_strbuf_add(b, "[");
    for (int g = 0; next(c, g, &cv); g++) {
        ictus_strbuf_add(b, g ? ",{" : "{");
        ictus_json_key_string(b, "group", cv.label);
        ictus_strbuf_addf(b, ",\"n\":%zu,\"events\":%zu,\"time\":[", cv.km->n_animals,
                          cv.km->n_events);
        for (size_t j = 0; j < cv.km->n_times; j++) {
            ictus_strbuf_add(b, j ? "," : "");
            ictus_json_number(b, cv.km->time[j]);
        }
        ictus_strbuf_add(b, "],\"surv\":[");
        for (size_t j = 0; j < cv.km->n_times; j++) {
            ictus_strbuf_add(b, j ? "," : "");
            ictus_json_number(b, cv.km->surv[j]);
        }
        ictus_strbuf_add(b, "],");
        ictus_json_key_number(b, "median", cv.median);
        ictus_strbuf_add(b, "}");
    }
    ictus_strbuf_add(b, "]");
}

static double height_of(const ictus_report_ctx *c, curve_fn next)
{
    curve cv;
    int n = 0;
    while (next(c, n, &cv))
        n++;
    return fmax(280, TOP + 14.0 * n + 60);
}

bool ictus_report_km_shown(const ictus_report_ctx *c)
{
    curve cv;
    return km_curve(c, 0, &cv);
}

double ictus_report_km_height(const ictus_report_ctx *c) { return height_of(c, km_curve); }

void ictus_report_km_draw(cairo_t *cr, double w, double h, const void *ctx)
{
    draw_curves(cr, w, h, ctx, km_curve, "hours from the start of the exposure (calendar time)",
                "share without a seizure");
}

void ictus_report_km_data(ictus_strbuf *b, const ictus_report_ctx *c)
{
    curves_data(b, c, km_curve);
}

bool ictus_report_survival_shown(const ictus_report_ctx *c)
{
    curve cv;
    return survival_curve(c, 0, &cv);
}

double ictus_report_survival_height(const ictus_report_ctx *c)
{
    return height_of(c, survival_curve);
}

void ictus_report_survival_draw(cairo_t *cr, double w, double h, const void *ctx)
{
    draw_curves(cr, w, h, ctx, survival_curve, "days from the origin (birth or first recording)",
                "share alive");
}

void ictus_report_survival_data(ictus_strbuf *b, const ictus_report_ctx *c)
{
    curves_data(b, c, survival_curve);
}

