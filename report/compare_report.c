/* compare_report.c: the cross-cohort report: cohorts, the drug × dose table and forest plots. */
#include "report/compare_report.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cairo-pdf.h>

#include "base/outfile.h"
#include "base/strbuf.h"
#include "report/figures.h"
#include "report/html.h"
#include "report/kindling_table.h"
#include "report/plot.h"

/* The sections, in order: HTML ids and titles (the PDF's page headings too). */
typedef struct {
    const char *id, *title;
} section;
static const section SECTIONS[] = {
    {"cohorts", "1. Cohorts"},
    {"table", "2. Drugs and doses"},
    {"median", "3. Median % change"},
    {"ratio", "4. Rate ratios"},
};
#define N_SECTIONS ((int)(sizeof SECTIONS / sizeof SECTIONS[0]))
#define N_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Forest plots, points: width, label column, number column, rows. */
static const double FOREST_W = 900, LEFT = 230, NUMBERS = 215, TOP = 50, ROW = 24,
                    BOTTOM = 56, LABEL_PT = 9;
enum { LABEL_CHARS = 36 };
/* Drugs: palette colours and marker shapes (plot.h), cycled; the vehicle is black squares. */
static const int DRUG_COLOURS[] = {0, 3, 2, 5, 1, 4};
static const int DRUG_SHAPES[] = {0, 2, 3, 4};
static const int VEHICLE_COLOUR = 7, VEHICLE_SHAPE = 1;
/* PDF page layout, points. */
static const double PAGE_MARGIN = 36, HEAD = 56;

/* The rows of one seizure type: rows[first .. first + n). */
typedef struct {
    const char *name;
    int first, n;
} type_rows;

/* What the figures and tables read; built once, read-only while drawing. */
typedef struct {
    const ictus_compare_result *res;
    int n_types;
    type_rows *types;          /* "all" first, in the rows' order */
    int n_drugs;
    const char **drugs;        /* distinct treatment drugs (ignoring case), first seen first */
    double responder_pct;      /* the first cohort's setting */
    int type;                  /* the type a figure draws */
} ctx;

/* ---- rows -------------------------------------------------------------------- */

static void build_ctx(ctx *c, const ictus_compare_result *res)
{
    c->res = res;
    c->types = ictus_xcalloc((size_t)res->n_rows + 1, sizeof *c->types);
    c->drugs = ictus_xcalloc((size_t)res->n_rows + 1, sizeof *c->drugs);
    for (int i = 0; i < res->n_rows; i++) {
        const ictus_cohort_row *r = &res->rows[i];
        if (c->n_types == 0 || strcmp(c->types[c->n_types - 1].name, r->type) != 0)
            c->types[c->n_types++] = (type_rows){r->type, i, 0};
        c->types[c->n_types - 1].n++;
        if (r->condition->kind != ICTUS_PERIOD_TREATMENT)
            continue;
        int g = 0;
        while (g < c->n_drugs && strcasecmp(c->drugs[g], r->condition->drug) != 0)
            g++;
        if (g == c->n_drugs)
            c->drugs[c->n_drugs++] = r->condition->drug;
    }
    c->responder_pct = res->n_cohorts > 0 ? res->analyses[0]->settings.rules.responder_pct : 50;
}

static void ctx_clear(ctx *c)
{
    free(c->types);
    free(c->drugs);
}

/* The colour and marker shape of a row's exposure. */
static void row_style(const ctx *c, const ictus_cohort_row *r, int *colour, int *shape)
{
    *colour = VEHICLE_COLOUR;
    *shape = VEHICLE_SHAPE;
    if (r->condition->kind != ICTUS_PERIOD_TREATMENT)
        return;
    for (int g = 0; g < c->n_drugs; g++)
        if (strcasecmp(c->drugs[g], r->condition->drug) == 0) {
            *colour = DRUG_COLOURS[g % N_OF(DRUG_COLOURS)];
            *shape = DRUG_SHAPES[g % N_OF(DRUG_SHAPES)];
        }
}

/* The exposure's label, whole (figures.h), in a new string the caller frees. */
static char *label_alloc(const ictus_condition *cond)
{
    size_t n = strlen(cond->drug) + strlen(cond->route) + 64;
    char *buf = ictus_xmalloc(n);
    ictus_report_exposure_label(cond, buf, n);
    return buf;
}

/* "12.5 [3.1, 40.2]" (digits: printf precision of fmt "%.Nf" or "%.Ng"), the
 * estimate alone without an interval, "" without an estimate. */
static void estimate_text(char *buf, size_t size, const char *fmt, double est, double lo,
                          double hi)
{
    char e[32], l[32], h[32];
    if (!isfinite(est)) {
        buf[0] = '\0';
        return;
    }
    snprintf(e, sizeof e, fmt, est);
    if (!isfinite(lo) || !isfinite(hi)) {
        snprintf(buf, size, "%s", e);
        return;
    }
    snprintf(l, sizeof l, fmt, lo);
    snprintf(h, sizeof h, fmt, hi);
    snprintf(buf, size, "%s [%s, %s]", e, l, h);
}

/* ---- the drug × dose table: one set of cells for the HTML and the PDF ---------- */

enum { N_COLUMNS = 14, CELL = 128 };
typedef struct {
    const char *header;        /* HTML, with units */
    const char *pdf_header;    /* short; NULL: not in the PDF */
    double pdf_width;          /* points */
    bool number;               /* right-aligned */
} column;
static const column COLUMNS[N_COLUMNS] = {
    {"exposure", "exposure", 120, false},
    {"dose (mg/kg)", "mg/kg", 40, true},
    {"animals (n)", "animals", 42, true},
    {"determined (n)", "determ.", 42, true},
    {"responders (n)", "resp.", 34, true},
    {"responders (% [CI %])", "resp. %", 78, true},
    {"seizure-free (n)", "SF", 30, true},
    {"seizure-free (% [CI %])", "SF %", 78, true},
    {"median change (% [CI %])", "median %", 104, true},
    {"rate ratio to baseline [CI]", "RR baseline", 100, true},
    {"rate ratio to vehicle [CI]", "RR vehicle", 100, true},
    {"Fisher p (responders vs vehicle)", "Fisher p", 50, true},
    {"Mann-Whitney p (% change vs vehicle)", "MWU p", 50, true},
    {"cohorts (n)", "cohorts", 40, true},
};

/* The cells of a row; the exposure (column 0) is left empty: label_alloc() has it whole. */
static void row_cells(const ictus_cohort_row *r, char cells[N_COLUMNS][CELL])
{
    cells[0][0] = '\0';
    if (r->condition->kind == ICTUS_PERIOD_TREATMENT)
        snprintf(cells[1], CELL, "%g", r->condition->dose_mg_kg);
    else
        cells[1][0] = '\0';
    snprintf(cells[2], CELL, "%lld", (long long)r->n_animals);
    snprintf(cells[3], CELL, "%lld", (long long)r->n_determined);
    snprintf(cells[4], CELL, "%lld", (long long)r->responders);
    estimate_text(cells[5], CELL, "%.0f", r->n_determined > 0 ? 100 * r->responder_rate : NAN,
                  100 * r->responder_ci_lo, 100 * r->responder_ci_hi);
    snprintf(cells[6], CELL, "%lld", (long long)r->seizure_free);
    estimate_text(cells[7], CELL, "%.0f", r->n_determined > 0 ? 100 * r->seizure_free_rate : NAN,
                  100 * r->seizure_free_ci_lo, 100 * r->seizure_free_ci_hi);
    estimate_text(cells[8], CELL, "%.1f", r->median_pct_change, r->median_pct_ci_lo,
                  r->median_pct_ci_hi);
    estimate_text(cells[9], CELL, "%.3g", r->rate_ratio, r->rate_ratio_ci_lo,
                  r->rate_ratio_ci_hi);
    estimate_text(cells[10], CELL, "%.3g", r->rate_ratio_vs_vehicle,
                  r->rate_ratio_vs_vehicle_ci_lo, r->rate_ratio_vs_vehicle_ci_hi);
    estimate_text(cells[11], CELL, "%.3g", r->fisher_p, NAN, NAN);
    estimate_text(cells[12], CELL, "%.3g", r->mwu_p, NAN, NAN);
    snprintf(cells[13], CELL, "%d", r->n_cohorts);
}

/* ---- forest plots ---------------------------------------------------------------- */

static double forest_height(const ctx *c)
{
    return TOP + ROW * c->types[c->type].n + BOTTOM;
}

static void white(cairo_t *cr, double w, double h)
{
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, 0, 0, w, h);
    cairo_fill(cr);
}

/* A legend entry: a marker and its label at (x, y); returns the next x. */
static double legend_marker(cairo_t *cr, double x, double y, int colour, int shape, bool filled,
                            const char *label)
{
    ictus_plot_colour(cr, colour, 1);
    ictus_plot_marker(cr, shape, x + 4, y - 3, 4, filled);
    cairo_set_source_rgb(cr, 0, 0, 0);
    ictus_plot_text(cr, x + 12, y, LABEL_PT, 0, false, label);
    cairo_text_extents_t ext;
    cairo_text_extents(cr, label, &ext);
    return x + 12 + ext.x_advance + 14;
}

/* The drugs' legend (and the vehicle's) from x at baseline y. */
static double legend_drugs(cairo_t *cr, const ctx *c, double x, double y)
{
    x = legend_marker(cr, x, y, VEHICLE_COLOUR, VEHICLE_SHAPE, true, "vehicle");
    for (int g = 0; g < c->n_drugs; g++) {
        char name[LABEL_CHARS * 4 + 8];
        ictus_plot_cut(c->drugs[g], 20, name, sizeof name);
        x = legend_marker(cr, x, y, DRUG_COLOURS[g % N_OF(DRUG_COLOURS)],
                          DRUG_SHAPES[g % N_OF(DRUG_SHAPES)], true, name);
    }
    return x;
}

/* The exposure's label right-aligned left of the plot, cut to LABEL_CHARS. */
static void row_label(cairo_t *cr, const ictus_cohort_row *r, double y)
{
    char cut[LABEL_CHARS * 4 + 8];
    char *lab = label_alloc(r->condition);
    ictus_plot_cut(lab, LABEL_CHARS, cut, sizeof cut);
    free(lab);
    cairo_set_source_rgb(cr, 0, 0, 0);
    ictus_plot_text(cr, LEFT - 10, y + 3, LABEL_PT, 1, false, cut);
}

/* An interval [lo, hi] on ax at row y in the current colour, with end caps,
 * or an arrowhead where it leaves the axis. */
static void interval(cairo_t *cr, const ictus_plot_axis *ax, double lo, double hi, double y,
                     bool dashed)
{
    double a = fmax(lo, ax->lo), b = fmin(hi, ax->hi);
    double x0 = ictus_plot_map(ax, a), x1 = ictus_plot_map(ax, b);
    cairo_save(cr);
    cairo_set_line_width(cr, 1.4);
    if (dashed) {
        double dash[2] = {4, 2};
        cairo_set_dash(cr, dash, 2, 0);
    }
    cairo_move_to(cr, x0, y);
    cairo_line_to(cr, x1, y);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    double ends[2] = {x0, x1};
    bool cut[2] = {lo < ax->lo, hi > ax->hi};
    for (int k = 0; k < 2; k++) {
        double dir = k ? 1 : -1;
        if (cut[k]) {
            cairo_move_to(cr, ends[k] + 4 * dir, y);
            cairo_line_to(cr, ends[k] - 2 * dir, y - 3.5);
            cairo_line_to(cr, ends[k] - 2 * dir, y + 3.5);
            cairo_close_path(cr);
            cairo_fill(cr);
        } else {
            cairo_move_to(cr, ends[k], y - 3.5);
            cairo_line_to(cr, ends[k], y + 3.5);
            cairo_stroke(cr);
        }
    }
    cairo_restore(cr);
}

/* A vertical reference line at value v over the plot's rows. */
static void reference_line(cairo_t *cr, const ictus_plot_axis *ax, double v, double h,
                           bool dashed)
{
    double x = ictus_plot_map(ax, v);
    cairo_save(cr);
    cairo_set_line_width(cr, 1);
    if (dashed) {
        double dash[2] = {5, 3};
        cairo_set_dash(cr, dash, 2, 0);
    }
    cairo_move_to(cr, x, TOP - 8);
    cairo_line_to(cr, x, h - BOTTOM);
    cairo_stroke(cr);
    cairo_restore(cr);
}

static void median_draw(cairo_t *cr, double w, double h, const void *vctx)
{
    const ctx *c = vctx;
    const type_rows *t = &c->types[c->type];
    white(cr, w, h);
    double top = 50;
    for (int i = 0; i < t->n; i++) {
        const ictus_cohort_row *r = &c->res->rows[t->first + i];
        double v[3] = {r->median_pct_change, r->median_pct_ci_lo, r->median_pct_ci_hi};
        for (int k = 0; k < 3; k++)
            if (isfinite(v[k]))
                top = fmax(top, v[k]);
    }
    top = fmin(ceil(top / 50) * 50, 300);
    ictus_plot_axis ax = {-100, top, false, LEFT, w - NUMBERS};
    cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
    reference_line(cr, &ax, 0, h, false);
    ictus_plot_colour(cr, 3, 1);
    reference_line(cr, &ax, -c->responder_pct, h, true);
    char thr[96];
    snprintf(thr, sizeof thr, "responder threshold: -%g %%", c->responder_pct);
    ictus_plot_text(cr, ictus_plot_map(&ax, -c->responder_pct) + 4, TOP - 10, 8, 0, false, thr);
    for (int i = 0; i < t->n; i++) {
        const ictus_cohort_row *r = &c->res->rows[t->first + i];
        double y = TOP + ROW * i + ROW / 2;
        row_label(cr, r, y);
        int colour, shape;
        row_style(c, r, &colour, &shape);
        char num[CELL], text[CELL + 64];
        estimate_text(num, sizeof num, "%.1f", r->median_pct_change, r->median_pct_ci_lo,
                      r->median_pct_ci_hi);
        if (!isfinite(r->median_pct_change))
            snprintf(text, sizeof text, "no %% change (n = 0)");
        else if (!isfinite(r->median_pct_ci_lo))
            snprintf(text, sizeof text, "%s (n = %lld: no interval)", num,
                     (long long)r->n_pct_change);
        else
            snprintf(text, sizeof text, "%s  n = %lld", num, (long long)r->n_pct_change);
        cairo_set_source_rgb(cr, 0, 0, 0);
        ictus_plot_text(cr, w - NUMBERS + 10, y + 3, 8, 0, false, text);
        if (!isfinite(r->median_pct_change))
            continue;
        ictus_plot_colour(cr, colour, 1);
        if (isfinite(r->median_pct_ci_lo) && isfinite(r->median_pct_ci_hi))
            interval(cr, &ax, r->median_pct_ci_lo, r->median_pct_ci_hi, y, false);
        ictus_plot_marker(cr, shape, ictus_plot_map(&ax, fmin(r->median_pct_change, top)), y, 4,
                          true);
    }
    char title[160];
    snprintf(title, sizeof title, "median change of the seizure rate from baseline (%%), with "
                                  "its %g %% order-statistic interval",
             100 * c->res->ci_level);
    ictus_plot_x_axis(cr, &ax, h - BOTTOM, 10, NULL, title);
    cairo_set_source_rgb(cr, 0, 0, 0);
    ictus_plot_text(cr, w - NUMBERS + 10, TOP - 10, 8, 0, false, "median [interval], animals");
    legend_drugs(cr, c, 10, 14);
}

/* The rate ratio axis: powers of ten around every finite value, at least 0.1 .. 10. */
static ictus_plot_axis ratio_axis(const ctx *c, double w)
{
    const type_rows *t = &c->types[c->type];
    double lo = 0.1, hi = 10;
    for (int i = 0; i < t->n; i++) {
        const ictus_cohort_row *r = &c->res->rows[t->first + i];
        double v[6] = {r->rate_ratio, r->rate_ratio_ci_lo, r->rate_ratio_ci_hi,
                       r->rate_ratio_vs_vehicle, r->rate_ratio_vs_vehicle_ci_lo,
                       r->rate_ratio_vs_vehicle_ci_hi};
        for (int k = 0; k < 6; k++)
            if (isfinite(v[k]) && v[k] > 0) {
                lo = fmin(lo, v[k]);
                hi = fmax(hi, v[k]);
            }
    }
    lo = fmax(pow(10, floor(log10(lo))), 1e-3);
    hi = fmin(pow(10, ceil(log10(hi))), 1e3);
    return (ictus_plot_axis){lo, hi, true, LEFT, w - NUMBERS};
}

static void ratio_draw(cairo_t *cr, double w, double h, const void *vctx)
{
    const ctx *c = vctx;
    const type_rows *t = &c->types[c->type];
    white(cr, w, h);
    ictus_plot_axis ax = ratio_axis(c, w);
    cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
    reference_line(cr, &ax, 1, h, false);
    for (int i = 0; i < t->n; i++) {
        const ictus_cohort_row *r = &c->res->rows[t->first + i];
        double y = TOP + ROW * i + ROW / 2;
        row_label(cr, r, y);
        int colour, shape;
        row_style(c, r, &colour, &shape);
        bool veh = isfinite(r->rate_ratio_vs_vehicle);
        char own[CELL], vs[CELL], text[2 * CELL + 16];
        estimate_text(own, sizeof own, "%.3g", r->rate_ratio, r->rate_ratio_ci_lo,
                      r->rate_ratio_ci_hi);
        estimate_text(vs, sizeof vs, "%.3g", r->rate_ratio_vs_vehicle,
                      r->rate_ratio_vs_vehicle_ci_lo, r->rate_ratio_vs_vehicle_ci_hi);
        snprintf(text, sizeof text, "%s%s%s", own[0] ? own : "-", veh ? "; vs veh. " : "", vs);
        cairo_set_source_rgb(cr, 0, 0, 0);
        ictus_plot_text(cr, w - NUMBERS + 10, y + 3, 8, 0, false, text);
        ictus_plot_colour(cr, colour, 1);
        double ys[2] = {veh ? y - 4 : y, y + 5};
        double est[2] = {r->rate_ratio, r->rate_ratio_vs_vehicle};
        double lo[2] = {r->rate_ratio_ci_lo, r->rate_ratio_vs_vehicle_ci_lo};
        double hi[2] = {r->rate_ratio_ci_hi, r->rate_ratio_vs_vehicle_ci_hi};
        for (int k = 0; k < 2; k++) {
            if (!(isfinite(est[k]) && est[k] > 0))
                continue;
            if (isfinite(lo[k]) && isfinite(hi[k]) && lo[k] > 0)
                interval(cr, &ax, lo[k], hi[k], ys[k], k == 1);
            double e = fmin(fmax(est[k], ax.lo), ax.hi);
            ictus_plot_marker(cr, shape, ictus_plot_map(&ax, e), ys[k], 4, k == 0);
        }
    }
    char title[200];
    snprintf(title, sizeof title, "seizure rate ratio (log scale; geometric mean with its %g %% "
                                  "t interval): to the animals' own baselines",
             100 * c->res->ci_level);
    ictus_plot_x_axis(cr, &ax, h - BOTTOM, 10, NULL, title);
    cairo_set_source_rgb(cr, 0, 0, 0);
    ictus_plot_text(cr, w - NUMBERS + 10, TOP - 10, 8, 0, false, "to baseline; to vehicle");
    double x = legend_drugs(cr, c, 10, 14);
    x = legend_marker(cr, x, 14, 7, 0, true, "to own baseline (solid)");
    legend_marker(cr, x, 14, 7, 0, false, "to the vehicle (hollow, dashed)");
}

/* ---- the figures' numbers ---------------------------------------------------------- */

static void json_row_head(ictus_strbuf *b, const ictus_cohort_row *r)
{
    char *lab = label_alloc(r->condition);
    ictus_json_key_string(b, "type", r->type);
    ictus_strbuf_add(b, ",");
    ictus_json_key_string(b, "kind", ictus_period_kind_name(r->condition->kind));
    ictus_strbuf_add(b, ",");
    bool treatment = r->condition->kind == ICTUS_PERIOD_TREATMENT;
    ictus_json_key_string(b, "drug", treatment ? r->condition->drug : "");
    ictus_strbuf_add(b, ",");
    ictus_json_key_number(b, "dose_mg_kg", treatment ? r->condition->dose_mg_kg : NAN);
    ictus_strbuf_add(b, ",");
    ictus_json_key_string(b, "route", r->condition->route);
    ictus_strbuf_add(b, ",");
    ictus_json_key_string(b, "label", lab);
    free(lab);
}

static void json_numbers(ictus_strbuf *b, const char *const *keys, const double *v, int n)
{
    for (int k = 0; k < n; k++) {
        ictus_strbuf_add(b, ",");
        ictus_json_key_number(b, keys[k], v[k]);
    }
}

static void median_data(ictus_strbuf *b, const ctx *c)
{
    const type_rows *t = &c->types[c->type];
    ictus_strbuf_add(b, "{");
    ictus_json_key_string(b, "type", t->name);
    ictus_strbuf_add(b, ",");
    ictus_json_key_number(b, "ci_level", c->res->ci_level);
    ictus_strbuf_add(b, ",");
    ictus_json_key_number(b, "responder_pct", c->responder_pct);
    ictus_strbuf_add(b, ",\"rows\":[");
    static const char *const keys[] = {"n_pct_change", "median_pct_change", "median_pct_ci_lo",
                                       "median_pct_ci_hi"};
    for (int i = 0; i < t->n; i++) {
        const ictus_cohort_row *r = &c->res->rows[t->first + i];
        ictus_strbuf_add(b, i ? ",{" : "{");
        json_row_head(b, r);
        double v[] = {(double)r->n_pct_change, r->median_pct_change, r->median_pct_ci_lo,
                      r->median_pct_ci_hi};
        json_numbers(b, keys, v, N_OF(keys));
        ictus_strbuf_add(b, "}");
    }
    ictus_strbuf_add(b, "]}");
}

static void ratio_data(ictus_strbuf *b, const ctx *c)
{
    const type_rows *t = &c->types[c->type];
    ictus_strbuf_add(b, "{");
    ictus_json_key_string(b, "type", t->name);
    ictus_strbuf_add(b, ",");
    ictus_json_key_number(b, "ci_level", c->res->ci_level);
    ictus_strbuf_add(b, ",\"rows\":[");
    static const char *const keys[] = {"n_rate_ratio", "rate_ratio", "rate_ratio_ci_lo",
                                       "rate_ratio_ci_hi", "rate_ratio_vs_vehicle",
                                       "rate_ratio_vs_vehicle_ci_lo",
                                       "rate_ratio_vs_vehicle_ci_hi"};
    for (int i = 0; i < t->n; i++) {
        const ictus_cohort_row *r = &c->res->rows[t->first + i];
        ictus_strbuf_add(b, i ? ",{" : "{");
        json_row_head(b, r);
        double v[] = {(double)r->n_rate_ratio, r->rate_ratio, r->rate_ratio_ci_lo,
                      r->rate_ratio_ci_hi, r->rate_ratio_vs_vehicle,
                      r->rate_ratio_vs_vehicle_ci_lo, r->rate_ratio_vs_vehicle_ci_hi};
        json_numbers(b, keys, v, N_OF(keys));
        ictus_strbuf_add(b, "}");
    }
    ictus_strbuf_add(b, "]}");
}

/* The two forest plots: ids, sections, titles, captions, drawing and data. */
typedef struct {
    const char *id, *section, *title, *caption;
    ictus_plot_draw_fn draw;
    void (*data)(ictus_strbuf *b, const ctx *c);
} forest;
static const forest FORESTS[] = {
    {"median", "median", "Median % change of the seizure rate",
     "One row per exposure (the vehicle first, then each drug, dose and route), pooled over "
     "the cohorts that gave it. Marker: the median over the animals of each one's % change "
     "from its own baseline; line: the distribution-free interval of the median from order "
     "statistics (binomial coverage, at least the level; none when the animals are too few to "
     "reach it). Solid grey line: no change; dashed line: the responder threshold. Values "
     "beyond the axis end in an arrow; the numbers at the right are the exact ones.",
     median_draw, median_data},
    {"ratio", "ratio", "Seizure rate ratios",
     "One row per exposure. Filled marker and solid line: the geometric mean over the animals "
     "of each one's seizure rate under the exposure divided by its rate at baseline (counts + "
     "0.5, per analysable hour), with the t interval on the log scale. Hollow marker and dashed "
     "line (treatments): that geometric mean divided by the vehicle animals', with Welch's "
     "interval. Log axis; grey line at 1 (no change); below 1: fewer seizures.",
     ratio_draw, ratio_data},
};

/* ---- HTML -------------------------------------------------------------------------- */

static void utc_now(char *buf, size_t size)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, size, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

static void html_cohorts(ictus_strbuf *b, const ctx *c)
{
    const ictus_compare_result *res = c->res;
    if (res->mixed_settings)
        ictus_strbuf_add(b, "<p class=\"warning\" id=\"mixed-settings\"><strong>Warning: the "
                            "cohorts' analysis settings differ</strong> (hashes below; "
                            "comparison-settings.txt lists them). Their response classes were "
                            "made under different rules, so pooled rates mix definitions.</p>\n");
    static const char *const heads[] = {"cohort (study name)", "directory", "animals (n)",
                                        "analysis settings hash"};
    ictus_html_table_open(b, "cohort-list", heads, 4);
    for (int k = 0; k < res->n_cohorts; k++) {
        const ictus_analysis *an = res->analyses[k];
        ictus_strbuf_add(b, "<tr>");
        ictus_html_cell_text(b, an->study->name);
        ictus_html_cell_text(b, res->dirs[k]);
        ictus_html_cell_num(b, an->study->n_animals);
        ictus_html_cell_text(b, an->settings_hash);
        ictus_strbuf_add(b, "</tr>\n");
    }
    char when[64];
    utc_now(when, sizeof when);
    ictus_strbuf_addf(b, "</tbody></table>\n<dl><dt>settings hash</dt><dd>%s</dd>"
                         "<dt>intervals</dt><dd>%g %%, two-sided</dd>"
                         "<dt>responder threshold drawn</dt><dd>-%g %% (the first cohort's "
                         "setting)</dd><dt>program version</dt><dd>ictus %s</dd>"
                         "<dt>report written</dt><dd>%s</dd></dl>\n",
                      res->settings_hash, 100 * res->ci_level, c->responder_pct, ICTUS_VERSION,
                      when);
    ictus_strbuf_add(b, "<p>Animals are pooled over the cohorts (the same id in two cohorts is "
                        "two animals); seizure types and drugs are matched by name, drugs "
                        "ignoring case. A type's rows pool only the cohorts where it occurs. "
                        "Every number is a column of comparison.csv.</p>\n");
}

static void html_tables(ictus_strbuf *b, const ctx *c)
{
    ictus_strbuf_addf(b, "<p>Intervals at %g %%: Clopper-Pearson for proportions, order "
                         "statistics for the median, t on the log scale for rate ratios (Welch's "
                         "against the vehicle). A click on a header sorts the column.</p>\n",
                      100 * c->res->ci_level);
    const char *heads[N_COLUMNS];
    for (int k = 0; k < N_COLUMNS; k++)
        heads[k] = COLUMNS[k].header;
    for (int t = 0; t < c->n_types; t++) {
        ictus_strbuf_add(b, "<h3>Seizure type: ");
        ictus_html_esc(b, c->types[t].name);
        ictus_strbuf_add(b, "</h3>\n<div class=\"wide\">");
        char id[32];
        snprintf(id, sizeof id, "table-%d", t + 1);
        ictus_html_table_open(b, id, heads, N_COLUMNS);
        for (int i = 0; i < c->types[t].n; i++) {
            const ictus_cohort_row *r = &c->res->rows[c->types[t].first + i];
            char cells[N_COLUMNS][CELL];
            row_cells(r, cells);
            char *lab = label_alloc(r->condition);
            /* The exposure; its cohorts' names in the tooltip (section 1 lists them). */
            ictus_strbuf_add(b, "<tr><td title=\"cohorts: ");
            ictus_html_esc(b, r->cohorts);
            ictus_strbuf_add(b, "\">");
            ictus_html_esc(b, lab);
            ictus_strbuf_add(b, "</td>");
            free(lab);
            for (int k = 1; k < N_COLUMNS; k++) {
                ictus_strbuf_add(b, COLUMNS[k].number ? "<td class=\"n\">" : "<td>");
                ictus_html_esc(b, cells[k]);
                ictus_strbuf_add(b, "</td>");
            }
            ictus_strbuf_add(b, "</tr>\n");
        }
        ictus_strbuf_add(b, "</tbody></table></div>\n");
    }
}

static ictus_status html_forests(ictus_strbuf *b, const forest *f, ctx *c, int *n_figures,
                                 ictus_error *err)
{
    for (int t = 0; t < c->n_types; t++) {
        c->type = t;
        char id[32];
        snprintf(id, sizeof id, "%s-%d", f->id, t + 1);
        ictus_strbuf title = {0};
        ictus_strbuf_addf(&title, "%s: seizure type %s", f->title, c->types[t].name);
        ictus_status st = ictus_html_figure(b, id, ictus_strbuf_text(&title), f->caption, f->draw,
                                            c, FOREST_W, forest_height(c), err);
        ictus_strbuf_free(&title);
        if (st != ICTUS_OK)
            return st;
        f->data(b, c);
        ictus_html_figure_end(b);
        (*n_figures)++;
    }
    return ICTUS_OK;
}

static ictus_status html_build(ctx *c, ictus_strbuf *b, int *n_figures, ictus_error *err)
{
    ictus_strbuf_add(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                        "<title>ictus cross-cohort comparison</title>\n<style>");
    /* The wide drug × dose tables: cells wrap at spaces only. */
    ictus_strbuf_addf(b, "%sbody{max-width:1200px}.wide table{font-size:12px}"
                         ".wide th,.wide td{overflow-wrap:normal}</style></head>\n<body>\n"
                         "<h1>Cross-cohort comparison: ",
                      ictus_html_style);
    for (int k = 0; k < c->res->n_cohorts; k++) {
        if (k)
            ictus_strbuf_add(b, ", ");
        ictus_html_esc(b, c->res->analyses[k]->study->name);
    }
    ictus_strbuf_add(b, "</h1>\n<nav>");
    for (int s = 0; s < N_SECTIONS; s++)
        ictus_strbuf_addf(b, "<a href=\"#%s\">%s</a>", SECTIONS[s].id, SECTIONS[s].title);
    ictus_strbuf_add(b, "</nav>\n");
    ictus_status st = ICTUS_OK;
    for (int s = 0; s < N_SECTIONS && st == ICTUS_OK; s++) {
        ictus_strbuf_addf(b, "<section id=\"%s\"><h2>%s</h2>\n", SECTIONS[s].id,
                          SECTIONS[s].title);
        if (strcmp(SECTIONS[s].id, "cohorts") == 0)
            html_cohorts(b, c);
        else if (strcmp(SECTIONS[s].id, "table") == 0) {
            html_tables(b, c);
            ictus_kindling_html_table(b, c->res->analyses, c->res->n_cohorts);
        }
        for (int f = 0; f < N_OF(FORESTS) && st == ICTUS_OK; f++)
            if (strcmp(FORESTS[f].section, SECTIONS[s].id) == 0)
                st = html_forests(b, &FORESTS[f], c, n_figures, err);
        ictus_strbuf_add(b, "</section>\n");
    }
    ictus_strbuf_addf(b, "<script>\n%s</script>\n</body></html>\n", ictus_html_script);
    return st;
}

/* ---- PDF --------------------------------------------------------------------------- */

static const char *section_title(const char *id)
{
    for (int s = 0; s < N_SECTIONS; s++)
        if (strcmp(SECTIONS[s].id, id) == 0)
            return SECTIONS[s].title;
    return id;
}

static void pdf_cohorts(cairo_t *cr, const ctx *c)
{
    const ictus_compare_result *res = c->res;
    ictus_html_pdf_heading(cr, PAGE_MARGIN, SECTIONS[0].title, "Cross-cohort comparison");
    double y = PAGE_MARGIN + HEAD;
    if (res->mixed_settings) {
        ictus_plot_colour(cr, 3, 1);
        ictus_plot_text(cr, PAGE_MARGIN, y, 11, 0, false,
                        "Warning: the cohorts' analysis settings differ (comparison-settings.txt); "
                        "their response classes follow different rules.");
        y += 22;
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (int k = 0; k < res->n_cohorts; k++) {
        const ictus_analysis *an = res->analyses[k];
        char name[160], dir[200], line[512];
        ictus_plot_cut(an->study->name, 30, name, sizeof name);
        ictus_plot_cut(res->dirs[k], 40, dir, sizeof dir);
        snprintf(line, sizeof line, "%s: %s, %d animals, settings %s", name, dir,
                 an->study->n_animals, an->settings_hash);
        ictus_plot_text(cr, PAGE_MARGIN, y, 10, 0, false, line);
        y += 16;
    }
    char line[256];
    snprintf(line, sizeof line, "intervals %g %% two-sided; responder threshold -%g %%; ictus %s",
             100 * res->ci_level, c->responder_pct, ICTUS_VERSION);
    ictus_plot_text(cr, PAGE_MARGIN, y + 8, 10, 0, false, line);
}

/* The drug × dose table of type t drawn on one page (cut to fit). */
static void pdf_table(cairo_t *cr, const ctx *c, int t)
{
    char title[256];
    snprintf(title, sizeof title, "Seizure type: %s", c->types[t].name);
    ictus_html_pdf_heading(cr, PAGE_MARGIN, section_title("table"), title);
    double y = PAGE_MARGIN + HEAD, x = PAGE_MARGIN;
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (int k = 0; k < N_COLUMNS; k++) {
        if (!COLUMNS[k].pdf_header)
            continue;
        ictus_plot_text(cr, COLUMNS[k].number ? x + COLUMNS[k].pdf_width - 4 : x, y, 8,
                        COLUMNS[k].number ? 1 : 0, false, COLUMNS[k].pdf_header);
        x += COLUMNS[k].pdf_width;
    }
    cairo_set_line_width(cr, 0.6);
    cairo_move_to(cr, PAGE_MARGIN, y + 4);
    cairo_line_to(cr, x, y + 4);
    cairo_stroke(cr);
    for (int i = 0; i < c->types[t].n; i++) {
        char cells[N_COLUMNS][CELL];
        const ictus_cohort_row *r = &c->res->rows[c->types[t].first + i];
        row_cells(r, cells);
        char *lab = label_alloc(r->condition);
        ictus_plot_cut(lab, 28, cells[0], CELL);
        free(lab);
        y += 14;
        x = PAGE_MARGIN;
        for (int k = 0; k < N_COLUMNS; k++) {
            if (!COLUMNS[k].pdf_header)
                continue;
            char cut[CELL * 2];
            ictus_plot_cut(cells[k], (int)(COLUMNS[k].pdf_width / 4.6), cut, sizeof cut);
            ictus_plot_text(cr, COLUMNS[k].number ? x + COLUMNS[k].pdf_width - 4 : x, y, 8,
                            COLUMNS[k].number ? 1 : 0, false, cut);
            x += COLUMNS[k].pdf_width;
        }
    }
    char note[256];
    snprintf(note, sizeof note, "n: animals; %% [CI]: %g %% intervals; RR: rate ratio; SF: "
                                "seizure-free; p vs the vehicle. Every column: comparison.csv.",
             100 * c->res->ci_level);
    ictus_plot_text(cr, PAGE_MARGIN, y + 24, 8, 0, false, note);
}

static ictus_status pdf_write(ctx *c, const char *path, ictus_error *err)
{
    double w = FOREST_W + 2 * PAGE_MARGIN;
    cairo_surface_t *s = cairo_pdf_surface_create(path, w, 842);
    cairo_t *cr = cairo_create(s);
    pdf_cohorts(cr, c);
    cairo_show_page(cr);
    for (int t = 0; t < c->n_types; t++) {
        cairo_pdf_surface_set_size(s, w, fmax(300, PAGE_MARGIN * 2 + HEAD + 14.0 * c->types[t].n +
                                                       60));
        pdf_table(cr, c, t);
        cairo_show_page(cr);
        for (int f = 0; f < N_OF(FORESTS); f++) {
            c->type = t;
            double fh = forest_height(c);
            cairo_pdf_surface_set_size(s, w, fh + HEAD + 70 + 2 * PAGE_MARGIN);
            char title[256];
            snprintf(title, sizeof title, "%s: seizure type %s", FORESTS[f].title,
                     c->types[t].name);
            ictus_html_pdf_heading(cr, PAGE_MARGIN, section_title(FORESTS[f].section), title);
            cairo_save(cr);
            cairo_translate(cr, PAGE_MARGIN, PAGE_MARGIN + HEAD);
            FORESTS[f].draw(cr, FOREST_W, fh, c);
            cairo_restore(cr);
            cairo_set_source_rgb(cr, 0, 0, 0);
            ictus_plot_paragraph(cr, PAGE_MARGIN, PAGE_MARGIN + HEAD + fh + 16, FOREST_W, 9,
                                 FORESTS[f].caption);
            cairo_show_page(cr);
        }
    }
    return ictus_html_pdf_finish(s, cr, path, err);
}

/* ---- the files ------------------------------------------------------------------------ */

static int64_t file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (int64_t)sb.st_size : -1;
}

ictus_status ictus_compare_report_write(const ictus_compare_result *res, const char *dir,
                                        ictus_compare_report_summary *out, ictus_error *err)
{
    if (out)
        memset(out, 0, sizeof *out);
    char html_path[ICTUS_PATH_MAX], pdf_path[ICTUS_PATH_MAX], tmp[ICTUS_PATH_MAX];
    ictus_status st = ictus_outfile_mkdir(dir, err);
    if (st == ICTUS_OK)
        st = ictus_path_join(html_path, sizeof html_path, dir, "index.html", err);
    if (st == ICTUS_OK)
        st = ictus_path_join(pdf_path, sizeof pdf_path, dir, "report.pdf", err);
    if (st == ICTUS_OK)
        st = ictus_path_format(tmp, sizeof tmp, err, "%s.tmp-%ld", pdf_path, (long)getpid());
    if (st != ICTUS_OK)
        return st;
    ctx c = {0};
    build_ctx(&c, res);
    ictus_strbuf html = {0};
    int n_figures = 0;
    st = html_build(&c, &html, &n_figures, err);
    if (st == ICTUS_OK)
        st = ictus_html_write_file(html_path, ictus_strbuf_text(&html), err);
    if (st == ICTUS_OK) {
        st = pdf_write(&c, tmp, err);
        if (st == ICTUS_OK && rename(tmp, pdf_path) != 0)
            st = ictus_fail(err, ICTUS_ERR_IO, "%s: %s", pdf_path, strerror(errno));
        if (st != ICTUS_OK)
            remove(tmp);
    }
    if (st == ICTUS_OK && out) {
        snprintf(out->html_path, sizeof out->html_path, "%s", html_path);
        snprintf(out->pdf_path, sizeof out->pdf_path, "%s", pdf_path);
        out->html_bytes = file_size(html_path);
        out->pdf_bytes = file_size(pdf_path);
        out->n_types = c.n_types;
        out->n_figures = n_figures;
    }
    ictus_strbuf_free(&html);
    ctx_clear(&c);
    return st;
}
