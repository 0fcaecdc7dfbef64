/* dose_figure.c: the dose–response figure of a kindling study (dose_figure.h). */
#include "report/dose_figure.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "protocols/kindling.h"
#include "report/html.h"

#define DOSE_ID "dose-response"
static const double LEFT = 70, RIGHT = 20, TOP = 40, BOTTOM = 48, LABEL_PT = 9;

bool ictus_report_dose_shown(const ictus_report_ctx *c)
{
    return c->an->kindling && c->an->kindling->n_rows > 0;
}

/* The drugs of k's rows, each once, in row order (by name). */
static int drugs_of(const ictus_kindling *k, const char **out, int max)
{
    int n = 0;
    for (int i = 0; i < k->n_rows && n < max; i++)
        if (n == 0 || strcmp(out[n - 1], k->rows[i].drug) != 0)
            out[n++] = k->rows[i].drug;
    return n;
}

/* The probit fit row of drug/outcome, or NULL. */
static const ictus_dr_row *probit_of(const ictus_kindling *k, const char *drug, const char *outcome)
{
    for (int i = 0; i < k->n_rows; i++) {
        const ictus_dr_row *r = &k->rows[i];
        if (r->fit && r->link == ICTUS_LINK_PROBIT && strcmp(r->drug, drug) == 0 &&
            strcmp(r->outcome, outcome) == 0)
            return r;
    }
    return NULL;
}

#define MAX_DRUGS 16

double ictus_report_dose_height(const ictus_report_ctx *c)
{
    const char *drugs[MAX_DRUGS];
    int n = c->an->kindling ? drugs_of(c->an->kindling, drugs, MAX_DRUGS) : 0;
    return 360 + 14.0 * 2 * n;
}

/* The dose range of every dose row, widened by a factor 2 each side. */
static void dose_range(const ictus_kindling *k, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (int i = 0; i < k->n_rows; i++)
        if (!k->rows[i].fit) {
            *lo = fmin(*lo, k->rows[i].group.dose);
            *hi = fmax(*hi, k->rows[i].group.dose);
        }
    if (!(*lo <= *hi)) {
        *lo = 1;
        *hi = 10;
    }
    *lo /= 2;
    *hi *= 2;
}

static void percent_label(double v, char *buf, int size)
{
    snprintf(buf, (size_t)size, "%.0f", 100 * v);
}

/* Points, curve and ED50 of one drug and outcome. */
static void draw_outcome(cairo_t *cr, const ictus_kindling *k, const char *drug, int colour,
                         bool toxicity, const ictus_plot_axis *ax, const ictus_plot_axis *ay)
{
    const char *outcome = toxicity ? "toxicity" : "protection";
    ictus_plot_colour(cr, colour, 1);
    for (int i = 0; i < k->n_rows; i++) {
        const ictus_dr_row *r = &k->rows[i];
        if (r->fit || strcmp(r->drug, drug) != 0 || strcmp(r->outcome, outcome) != 0)
            continue;
        double x = ictus_plot_map(ax, r->group.dose);
        double y = ictus_plot_map(ay, (double)r->group.r / (double)r->group.n);
        ictus_plot_colour(cr, colour, 1);
        ictus_plot_marker(cr, toxicity ? 1 : 0, x, y, 4, !toxicity);
        char lab[48];
        snprintf(lab, sizeof lab, "%lld/%lld", (long long)r->group.r, (long long)r->group.n);
        ictus_plot_colour(cr, colour, 1);
        ictus_plot_text(cr, x + 6, y - 5, LABEL_PT - 1, 0, false, lab);
    }
    const ictus_dr_row *f = probit_of(k, drug, outcome);
    if (!f || !f->ok)
        return;
    ictus_plot_colour(cr, colour, 1);
    cairo_set_line_width(cr, 1.5);
    double dash[2] = {5, 3};
    cairo_set_dash(cr, dash, toxicity ? 2 : 0, 0);
    for (int s = 0; s <= 100; s++) {
        double ld = log10(ax->lo) + (log10(ax->hi) - log10(ax->lo)) * s / 100.0;
        double p = 0.5 * erfc(-(f->f.intercept + f->f.slope * ld) / sqrt(2));
        double x = ictus_plot_map(ax, pow(10, ld)), y = ictus_plot_map(ay, p);
        if (s == 0)
            cairo_move_to(cr, x, y);
        else
            cairo_line_to(cr, x, y);
    }
    cairo_stroke(cr);
    /* the ED50 (TD50): a dashed drop line, its Fieller interval as a bar at 50 % */
    /* the TD50's interval a little below the ED50's, so that both show */
    double x50 = ictus_plot_map(ax, f->ed.ed), y50 = ictus_plot_map(ay, 0.5) + (toxicity ? 5 : 0);
    cairo_set_line_width(cr, 1);
    cairo_set_dash(cr, dash, 2, 0);
    cairo_move_to(cr, x50, y50);
    cairo_line_to(cr, x50, ay->p0);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    if (f->ed.fieller_bounded) {
        double x0 = ictus_plot_map(ax, fmax(f->ed.fieller.lo, ax->lo));
        double x1 = ictus_plot_map(ax, fmin(f->ed.fieller.hi, ax->hi));
        cairo_set_line_width(cr, toxicity ? 1.5 : 2.5);
        cairo_move_to(cr, x0, y50);
        cairo_line_to(cr, x1, y50);
        cairo_stroke(cr);
    }
}

/* The legend entry of one drug and outcome. */
static void legend_text(const ictus_kindling *k, const char *drug, bool toxicity, char *buf,
                        size_t size)
{
    const ictus_dr_row *f = probit_of(k, drug, toxicity ? "toxicity" : "protection");
    char name[80];
    ictus_plot_cut(drug, 16, name, sizeof name);
    if (f && f->ok && f->ed.fieller_bounded)
        snprintf(buf, size, "%s %s: %s %.3g mg/kg [%.3g, %.3g]", name,
                 toxicity ? "toxic (square, dashed)" : "protected (circle)",
                 toxicity ? "TD50" : "ED50", f->ed.ed, f->ed.fieller.lo, f->ed.fieller.hi);
    else if (f && f->ok)
        snprintf(buf, size, "%s %s: %s %.3g mg/kg (Fieller unbounded)", name,
                 toxicity ? "toxic (square, dashed)" : "protected (circle)",
                 toxicity ? "TD50" : "ED50", f->ed.ed);
    else {
        char why[200];
        ictus_plot_cut(f ? f->refused : "", 70, why, sizeof why);
        snprintf(buf, size, "%s %s: no fit: %s", name,
                 toxicity ? "toxic (square)" : "protected (circle)", why);
    }
}

void ictus_report_dose_draw(cairo_t *cr, double w, double h, const void *ctx)
{
    const ictus_report_ctx *c = ctx;
    const ictus_kindling *k = c->an->kindling;
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, 0, 0, w, h); /* not cairo_paint: the PDF page's heading is above */
    cairo_fill(cr);
    if (!k)
        return;
    const char *drugs[MAX_DRUGS];
    int n = drugs_of(k, drugs, MAX_DRUGS);
    double legend_h = 14.0 * 2 * n;
    double lo, hi;
    dose_range(k, &lo, &hi);
    ictus_plot_axis ax = {lo, hi, true, LEFT, w - RIGHT};
    ictus_plot_axis ay = {0, 1, false, h - BOTTOM, TOP + legend_h};
    for (int d = 0; d < n; d++) {
        draw_outcome(cr, k, drugs[d], d, false, &ax, &ay);
        draw_outcome(cr, k, drugs[d], d, true, &ax, &ay);
        for (int o = 0; o < 2; o++) {
            char text[512];
            legend_text(k, drugs[d], o == 1, text, sizeof text);
            ictus_plot_legend(cr, LEFT, 14 + 14.0 * (2 * d + o), d, o == 1, text);
        }
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    ictus_plot_x_axis(cr, &ax, h - BOTTOM, 6, NULL, "dose, mg/kg (log scale)");
    ictus_plot_y_axis(cr, &ay, LEFT, 5, percent_label, "% of animals tested");
}

static void data_outcome(ictus_strbuf *b, const ictus_kindling *k, const char *drug,
                         const char *outcome)
{
    ictus_strbuf_add(b, "{\"doses\":[");
    int m = 0;
    for (int i = 0; i < k->n_rows; i++) {
        const ictus_dr_row *r = &k->rows[i];
        if (r->fit || strcmp(r->drug, drug) != 0 || strcmp(r->outcome, outcome) != 0)
            continue;
        ictus_strbuf_addf(b, "%s{\"dose_mg_kg\":", m++ ? "," : "");
        ictus_json_number(b, r->group.dose);
        ictus_strbuf_addf(b, ",\"n\":%lld,\"r\":%lld}", (long long)r->group.n,
                          (long long)r->group.r);
    }
    ictus_strbuf_add(b, "],\"probit\":{");
    const ictus_dr_row *f = probit_of(k, drug, outcome);
    bool ok = f && f->ok;
    ictus_json_key_number(b, "estimate", ok ? f->ed.ed : NAN);
    ictus_strbuf_add(b, ",");
    ictus_json_key_number(b, "fieller_lo", ok && f->ed.fieller_bounded ? f->ed.fieller.lo : NAN);
    ictus_strbuf_add(b, ",");
    ictus_json_key_number(b, "fieller_hi", ok && f->ed.fieller_bounded ? f->ed.fieller.hi : NAN);
    ictus_strbuf_add(b, ",");
    ictus_json_key_number(b, "profile_lo", ok ? f->ed.profile.lo : NAN);
    ictus_strbuf_add(b, ",");
    ictus_json_key_number(b, "profile_hi", ok ? f->ed.profile.hi : NAN);
    ictus_strbuf_add(b, ",");
    ictus_json_key_number(b, "intercept", ok ? f->f.intercept : NAN);
    ictus_strbuf_add(b, ",");
    ictus_json_key_number(b, "slope", ok ? f->f.slope : NAN);
    ictus_strbuf_add(b, ",");
    ictus_json_key_string(b, "refused", f ? f->refused : "");
    ictus_strbuf_add(b, "}}");
}

void ictus_report_dose_data(ictus_strbuf *b, const ictus_report_ctx *c)
{
    const ictus_kindling *k = c->an->kindling;
    ictus_strbuf_add(b, "[");
    const char *drugs[MAX_DRUGS];
    int n = k ? drugs_of(k, drugs, MAX_DRUGS) : 0;
    for (int d = 0; d < n; d++) {
        ictus_strbuf_add(b, d ? ",{" : "{");
        ictus_json_key_string(b, "drug", drugs[d]);
        ictus_strbuf_add(b, ",\"protection\":");
        data_outcome(b, k, drugs[d], "protection");
        ictus_strbuf_add(b, ",\"toxicity\":");
        data_outcome(b, k, drugs[d], "toxicity");
        ictus_strbuf_add(b, "}");
    }
    ictus_strbuf_add(b, "]");
}
