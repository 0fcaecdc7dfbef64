/* figures.c: the report's figures (raster, rates, paired rates, proportions, circadian, ISI, quality). */
#include "report/figures.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/walltime.h"
#include "report/dose_figure.h"
#include "report/html.h"
#include "report/km_figures.h"
#include "report/thermo_figure.h"

static const double DAY_S = 86400;
static const double LABEL_PT = 9;
/* Margins of the time-line figures, points: animal labels on the left. */
static const double LEFT = 130, RIGHT = 20, TOP = 34, BOTTOM = 48;
/* Longest animal label drawn in a figure, characters (the tables hold the whole id). */
enum { LABEL_CHARS = 18 };
/* Palette indexes (plot.h): seizure types, drugs, response classes. */
static const int TYPE_COLOURS[] = {0, 3, 7, 5, 2};
static const int DRUG_COLOURS[] = {1, 2, 4, 6, 5};
#define N_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))

int ictus_report_drug_colour(int i) { return DRUG_COLOURS[i % N_OF(DRUG_COLOURS)]; }

static int type_colour(int t) { return TYPE_COLOURS[(t - 1) % N_OF(TYPE_COLOURS)]; }

/* Class colours and whether the class is drawn dashed (undetermined). */
static int class_colour(ictus_response_class cls)
{
    switch (cls) {
    case ICTUS_CLASS_SEIZURE_FREE: return 2;
    case ICTUS_CLASS_STRICT_RESPONDER: return 0;
    case ICTUS_CLASS_RESPONDER: return 4;
    case ICTUS_CLASS_NON_RESPONDER: return 1;
    case ICTUS_CLASS_WORSENING: return 3;
    default: return 7;
    }
}

/* ---- shared pieces -------------------------------------------------------- */

void ictus_report_exposure_label(const ictus_condition *c, char *buf, size_t size)
{
    if (c->kind == ICTUS_PERIOD_TREATMENT)
        snprintf(buf, size, "%s %g mg/kg%s%s", c->drug, c->dose_mg_kg, c->route[0] ? " " : "",
                 c->route);
    else if (c->kind == ICTUS_PERIOD_VEHICLE)
        snprintf(buf, size, c->drug[0] ? "vehicle (%s)" : "vehicle", c->drug);
    else
        snprintf(buf, size, "%s", ictus_period_kind_name(c->kind));
}

/* The first LABEL_CHARS characters of an id (cut at a UTF-8 boundary), "…" when cut. */
static void short_label(const char *id, char *buf, size_t size)
{
    size_t i = 0;
    int chars = 0;
    while (id[i] && chars < LABEL_CHARS) {
        i++;
        while ((id[i] & 0xC0) == 0x80)
            i++;
        chars++;
    }
    snprintf(buf, size, "%.*s%s", (int)i, id, id[i] ? "\xE2\x80\xA6" : "");
}

static int drug_index(const ictus_report_ctx *c, const char *drug)
{
    for (int i = 0; i < c->n_drugs; i++)
        if (strcasecmp(c->drugs[i], drug) == 0)
            return i;
    return 0;
}

/* The time axes' unit: days, or hours in studies shorter than three days. */
static double time_unit_s(const ictus_report_ctx *c) { return c->d->n_days >= 3 ? DAY_S : 3600; }

/* The study's time axis in time units from d->t0_us onto [LEFT, w - RIGHT]. */
static ictus_plot_axis time_axis(const ictus_report_ctx *c, double w)
{
    double u = time_unit_s(c);
    return (ictus_plot_axis){(double)(c->d->start_us - c->d->t0_us) / 1e6 / u,
                             (double)(c->d->t1_us - c->d->t0_us) / 1e6 / u, false, LEFT,
                             w - RIGHT};
}

static double time_x(const ictus_report_ctx *c, const ictus_plot_axis *ax, int64_t t_us)
{
    return ictus_plot_map(ax, (double)(t_us - c->d->t0_us) / 1e6 / time_unit_s(c));
}

static void time_title(const ictus_report_ctx *c, char *buf, size_t size)
{
    char day[32];
    ictus_walltime_format(c->d->t0_us, day, sizeof day);
    day[10] = '\0';
    snprintf(buf, size, "%s since %s 00:00 (local time)",
             time_unit_s(c) == DAY_S ? "days" : "hours", day);
}

/* Shade an animal's periods over the row [y, y + h): treatments in their
 * drug's colour, the vehicle in grey, washouts hatched; baselines unshaded. */
static void shade_periods(cairo_t *cr, const ictus_report_ctx *c, int a, const ictus_plot_axis *ax,
                          double y, double h)
{
    const ictus_animal *an = &c->study->animals[a];
    for (int p = 0; p < an->n_periods; p++) {
        const ictus_period *per = &an->periods[p];
        double x0 = time_x(c, ax, per->start_us), x1 = time_x(c, ax, per->end_us);
        if (per->kind == ICTUS_PERIOD_BASELINE)
            continue;
        cairo_rectangle(cr, x0, y, x1 - x0, h);
        if (per->kind == ICTUS_PERIOD_TREATMENT)
            ictus_plot_colour(cr, ictus_report_drug_colour(drug_index(c, per->drug)), 0.3);
        else
            cairo_set_source_rgba(cr, 0, 0, 0, per->kind == ICTUS_PERIOD_VEHICLE ? 0.15 : 0.05);
        cairo_fill(cr);
        if (per->kind == ICTUS_PERIOD_WASHOUT) {
            cairo_save(cr);
            cairo_rectangle(cr, x0, y, x1 - x0, h);
            cairo_clip(cr);
            cairo_set_source_rgba(cr, 0, 0, 0, 0.3);
            cairo_set_line_width(cr, 0.5);
            for (double x = x0 - h; x < x1; x += 6) {
                cairo_move_to(cr, x, y + h);
                cairo_line_to(cr, x + h, y);
            }
            cairo_stroke(cr);
            cairo_restore(cr);
        }
    }
}

/* The legend of period shading, from x at baseline y; returns the next x. */
static double legend_periods(cairo_t *cr, const ictus_report_ctx *c, double x, double y)
{
    for (int i = 0; i < c->n_drugs; i++)
        x = ictus_plot_legend(cr, x, y, ictus_report_drug_colour(i), false, c->drugs[i]);
    cairo_set_source_rgba(cr, 0, 0, 0, 0.15);
    cairo_rectangle(cr, x, y - 8, 10, 10);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    ictus_plot_text(cr, x + 15, y, LABEL_PT, 0, false, "vehicle, hatched: washout, white: baseline");
    return x + 230;
}

/* The animal's id, right-aligned at x. */
static void animal_label(cairo_t *cr, const ictus_report_ctx *c, int a, double x, double y)
{
    char buf[LABEL_CHARS * 4 + 8];
    short_label(c->study->animals[a].id, buf, sizeof buf);
    cairo_set_source_rgb(cr, 0, 0, 0);
    ictus_plot_text(cr, x, y, LABEL_PT, 1, false, buf);
}

static void white(cairo_t *cr, double w, double h)
{
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, 0, 0, w, h);
    cairo_fill(cr);
}

/* ---- 2. raster -------------------------------------------------------------- */

static const double RASTER_ROW = 18;

static double raster_height(const ictus_report_ctx *c)
{
    return TOP + RASTER_ROW * c->study->n_animals + BOTTOM + 16;
}

/* Grey over the parts of a row that are not analysable: one rectangle per
 * run of bins at the same of four levels (keeps the SVG small). */
static void shade_unanalysable(cairo_t *cr, const ictus_report_ctx *c, int a,
                               const ictus_plot_axis *ax, double y, double h)
{
    const ictus_report_data *d = c->d;
    double bin_s = (double)d->bin_us / 1e6;
    int first = (int)((d->start_us - d->t0_us) / d->bin_us);
    int run_level = 0, run_start = first;
    for (int b = first; b <= d->n_bins; b++) {
        int level = 0;
        if (b < d->n_bins) {
            double share = d->analysable_s[(size_t)a * d->n_bins + b] / bin_s;
            level = (int)lround((1 - share) * 3);
        }
        if (b < d->n_bins && level == run_level)
            continue;
        if (run_level > 0) {
            double x0 = time_x(c, ax, d->t0_us + run_start * d->bin_us);
            double x1 = time_x(c, ax, d->t0_us + b * d->bin_us);
            cairo_set_source_rgba(cr, 0.35, 0.35, 0.35, 0.2 * run_level);
            cairo_rectangle(cr, x0, y, x1 - x0, h);
            cairo_fill(cr);
        }
        run_level = level;
        run_start = b;
    }
}

static void raster_draw(cairo_t *cr, double w, double h, const void *ctx)
{
    const ictus_report_ctx *c = ctx;
    white(cr, w, h);
    ictus_plot_axis ax = time_axis(c, w);
    int n_types = c->an->n_types - 1;
    for (int a = 0; a < c->study->n_animals; a++) {
        double y = TOP + a * RASTER_ROW;
        shade_periods(cr, c, a, &ax, y + 1, RASTER_ROW - 2);
        shade_unanalysable(cr, c, a, &ax, y + 1, RASTER_ROW - 2);
        /* One tick per pixel column and type: the ticks are decimated to the pixels. */
        double band = (RASTER_ROW - 4) / (n_types > 0 ? n_types : 1);
        for (int t = 1; t <= n_types; t++) {
            ictus_plot_colour(cr, type_colour(t), 1);
            cairo_set_line_width(cr, 1);
            double last_px = -1;
            for (size_t i = 0; i < c->d->n_seizures[a]; i++) {
                const ictus_seizure *s = &c->d->seizures[a][i];
                if (s->type != t)
                    continue;
                double px = floor(time_x(c, &ax, s->start_us)) + 0.5;
                if (px == last_px)
                    continue;
                last_px = px;
                cairo_move_to(cr, px, y + 2 + (t - 1) * band);
                cairo_line_to(cr, px, y + 2 + t * band);
            }
            cairo_stroke(cr);
        }
        animal_label(cr, c, a, LEFT - 6, y + RASTER_ROW / 2 + 3);
    }
    char title[96];
    time_title(c, title, sizeof title);
    ictus_plot_x_axis(cr, &ax, TOP + c->study->n_animals * RASTER_ROW, 10, NULL, title);
    double x = LEFT;
    for (int t = 1; t <= n_types; t++)
        x = ictus_plot_legend(cr, x, 14, type_colour(t), true, c->an->types[t]);
    cairo_set_source_rgba(cr, 0.35, 0.35, 0.35, 0.6);
    cairo_rectangle(cr, x, 6, 10, 10);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    ictus_plot_text(cr, x + 15, 14, LABEL_PT, 0, false, "grey: not analysable");
    legend_periods(cr, c, LEFT, 28);
}

static void raster_data(ictus_strbuf *b, const ictus_report_ctx *c)
{
    ictus_strbuf_add(b, "{\"animals\":[");
    for (int a = 0; a < c->study->n_animals; a++) {
        ictus_strbuf_add(b, a ? ",{" : "{");
        ictus_json_key_string(b, "animal", c->study->animals[a].id);
        ictus_strbuf_addf(b, ",\"seizures\":%zu,\"by_type\":{", c->d->n_seizures[a]);
        for (int t = 1; t < c->an->n_types; t++) {
            size_t n = 0;
            for (size_t i = 0; i < c->d->n_seizures[a]; i++)
                n += c->d->seizures[a][i].type == t;
            ictus_json_string(b, c->an->types[t]);
            ictus_strbuf_addf(b, ":%zu%s", n, t + 1 < c->an->n_types ? "," : "");
        }
        ictus_strbuf_add(b, "}}");
    }
    ictus_strbuf_add(b, "]}");
}

/* ---- 3. rate per day (or per hour in short studies) ----------------------- */

static const double RATE_ROW = 64;

static double rates_height(const ictus_report_ctx *c)
{
    return TOP + RATE_ROW * c->study->n_animals + BOTTOM;
}

/* The rate bins: calendar days when the study spans 3 days or more, else hours. */
static int64_t rate_bin_us(const ictus_report_ctx *c)
{
    return c->d->n_days >= 3 ? INT64_C(86400000000) : INT64_C(3600000000);
}

/* Seizures per analysable 24 h of animal a in rate bin k (NaN when less than
 * a tenth of the bin is analysable); *n_bins the number of bins. */
static double rate_at(const ictus_report_ctx *c, int a, int k, int *n_bins)
{
    const ictus_report_data *d = c->d;
    int64_t len = rate_bin_us(c);
    *n_bins = (int)((d->t1_us - d->t0_us + len - 1) / len);
    int64_t t0 = d->t0_us + k * len, t1 = t0 + len;
    double an = 0;
    for (int b = 0; b < d->n_bins; b++) {
        int64_t bs = d->t0_us + b * d->bin_us;
        if (bs >= t0 && bs < t1)
            an += d->analysable_s[(size_t)a * d->n_bins + b];
    }
    if (an < 0.1 * (double)len / 1e6)
        return NAN;
    int64_t n = 0;
    for (size_t i = 0; i < d->n_seizures[a]; i++)
        n += d->seizures[a][i].start_us >= t0 && d->seizures[a][i].start_us < t1;
    return (double)n / an * DAY_S;
}

static void rates_draw(cairo_t *cr, double w, double h, const void *ctx)
{
    const ictus_report_ctx *c = ctx;
    white(cr, w, h);
    ictus_plot_axis ax = time_axis(c, w);
    int64_t len = rate_bin_us(c);
    for (int a = 0; a < c->study->n_animals; a++) {
        double y = TOP + a * RATE_ROW;
        int n = 0;
        double top = 0;
        rate_at(c, a, 0, &n);
        for (int k = 0; k < n; k++) {
            double r = rate_at(c, a, k, &n);
            if (isfinite(r) && r > top)
                top = r;
        }
        for (size_t i = 0; i < c->an->n_periods; i++) {
            const ictus_period_result *r = &c->an->periods[i];
            if (r->animal == a && r->type == 0 && isfinite(r->m.rate_per_24h))
                top = fmax(top, r->m.rate_per_24h);
        }
        ictus_plot_axis ay = {0, top > 0 ? top * 1.1 : 1, false, y + RATE_ROW - 14, y + 4};
        shade_periods(cr, c, a, &ax, y + 4, RATE_ROW - 18);
        /* The analysis's rate of each period: a dashed line across it. */
        cairo_set_source_rgb(cr, 0, 0, 0);
        cairo_set_line_width(cr, 1);
        double dash = 3;
        cairo_set_dash(cr, &dash, 1, 0);
        for (size_t i = 0; i < c->an->n_periods; i++) {
            const ictus_period_result *r = &c->an->periods[i];
            if (r->animal != a || r->type != 0 || !isfinite(r->m.rate_per_24h))
                continue;
            const ictus_period *p = &c->study->animals[a].periods[r->period];
            double py = ictus_plot_map(&ay, r->m.rate_per_24h);
            cairo_move_to(cr, time_x(c, &ax, p->start_us), py);
            cairo_line_to(cr, time_x(c, &ax, p->end_us), py);
        }
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        ictus_plot_colour(cr, 0, 1);
        cairo_set_line_width(cr, 1.5);
        bool pen = false;
        for (int k = 0; k < n; k++) {
            double r = rate_at(c, a, k, &n);
            if (!isfinite(r)) {
                pen = false;
                continue;
            }
            double px = time_x(c, &ax, c->d->t0_us + k * len + len / 2);
            double py = ictus_plot_map(&ay, r);
            if (pen)
                cairo_line_to(cr, px, py);
            else
                cairo_move_to(cr, px, py);
            pen = true;
        }
        cairo_stroke(cr);
        for (int k = 0; k < n; k++) {
            double r = rate_at(c, a, k, &n);
            if (isfinite(r)) {
                cairo_arc(cr, time_x(c, &ax, c->d->t0_us + k * len + len / 2),
                          ictus_plot_map(&ay, r), 2, 0, 2 * M_PI);
                cairo_fill(cr);
            }
        }
        ictus_plot_y_axis(cr, &ay, LEFT, 2, NULL, "");
        animal_label(cr, c, a, LEFT - 36, y + RATE_ROW / 2);
        cairo_set_source_rgb(cr, 0, 0, 0);
    }
    char title[96];
    time_title(c, title, sizeof title);
    ictus_plot_x_axis(cr, &ax, TOP + c->study->n_animals * RATE_ROW, 10, NULL, title);
    cairo_set_source_rgb(cr, 0, 0, 0);
    ictus_plot_text(cr, LEFT, 14, LABEL_PT, 0, false,
                    len == INT64_C(86400000000)
                        ? "seizures per analysable 24 h, per calendar day (each panel its own scale)"
                        : "seizures per analysable 24 h, per hour (each panel its own scale)");
    legend_periods(cr, c, LEFT, 28);
}

static void rates_data(ictus_strbuf *b, const ictus_report_ctx *c)
{
    ictus_strbuf_addf(b, "{\"bin_s\":%lld,\"animals\":[", (long long)(rate_bin_us(c) / 1000000));
    for (int a = 0; a < c->study->n_animals; a++) {
        ictus_strbuf_add(b, a ? ",{" : "{");
        ictus_json_key_string(b, "animal", c->study->animals[a].id);
        ictus_strbuf_add(b, ",\"periods\":[");
        bool first = true;
        for (size_t i = 0; i < c->an->n_periods; i++) {
            const ictus_period_result *r = &c->an->periods[i];
            if (r->animal != a || r->type != 0)
                continue;
            const ictus_period *p = &c->study->animals[a].periods[r->period];
            ictus_strbuf_addf(b, "%s{\"period\":%d,\"kind\":\"%s\",", first ? "" : ",",
                              r->period + 1, ictus_period_kind_name(p->kind));
            first = false;
            ictus_json_key_string(b, "drug", p->drug);
            ictus_strbuf_addf(b, ",\"count\":%lld,", (long long)r->m.count);
            ictus_json_key_number(b, "analysable_h", r->m.analysable_s / 3600);
            ictus_strbuf_add(b, ",");
            ictus_json_key_number(b, "rate_per_24h", r->m.rate_per_24h);
            ictus_strbuf_add(b, "}");
        }
        ictus_strbuf_add(b, "],\"rate_per_24h\":[");
        int n = 0;
        rate_at(c, a, 0, &n);
        for (int k = 0; k < n; k++) {
            if (k)
                ictus_strbuf_add(b, ",");
            ictus_json_number(b, rate_at(c, a, k, &n));
        }
        ictus_strbuf_add(b, "]}");
    }
    ictus_strbuf_add(b, "]}");
}

/* ---- 4. paired rates per exposure (log scale) ------------------------------- */

/* The outcomes of exposure e of every animal for type "all", in order. */
static bool outcome_of(const ictus_report_ctx *c, size_t i)
{
    const ictus_outcome *o = &c->an->outcomes[i];
    return o->type == 0 && o->condition->kind != ICTUS_PERIOD_BASELINE &&
           ictus_condition_same(o->condition, c->exposures[c->exposure]);
}

/* Tall enough for a label per animal beside the treatment points. */
static double paired_height(const ictus_report_ctx *c)
{
    return fmax(340, TOP + BOTTOM + 9.0 * c->study->n_animals + 60);
}

static void paired_draw(cairo_t *cr, double w, double h, const void *ctx)
{
    const ictus_report_ctx *c = ctx;
    white(cr, w, h);
    double lo = INFINITY, hi = 0;
    for (size_t i = 0; i < c->an->n_outcomes; i++) {
        if (!outcome_of(c, i))
            continue;
        const ictus_outcome *o = &c->an->outcomes[i];
        double v[2] = {o->ref.rate_per_24h, o->m.rate_per_24h};
        for (int k = 0; k < 2; k++)
            if (isfinite(v[k]) && v[k] > 0) {
                lo = fmin(lo, v[k]);
                hi = fmax(hi, v[k]);
            }
    }
    if (!(hi > 0)) {
        lo = 0.1;
        hi = 10;
    }
    /* Zero rates sit on a line below the smallest positive one, labelled 0. */
    double floor_v = pow(10, floor(log10(lo)) - 0.5);
    ictus_plot_axis ay = {floor_v / 1.5, hi * 2, true, h - BOTTOM, TOP};
    double x0 = 90, x1 = 200;
    cairo_set_source_rgba(cr, 0, 0, 0, 0.3);
    cairo_set_line_width(cr, 0.5);
    cairo_move_to(cr, 70, ictus_plot_map(&ay, floor_v));
    cairo_line_to(cr, w - 20, ictus_plot_map(&ay, floor_v));
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    ictus_plot_text(cr, 66, ictus_plot_map(&ay, floor_v) + 3, LABEL_PT, 1, false, "0");
    /* Labels already placed (their baselines): a new one moves down until it overlaps none. */
    double *placed = ictus_xcalloc(c->an->n_outcomes + 1, sizeof *placed);
    size_t n_placed = 0;
    for (size_t i = 0; i < c->an->n_outcomes; i++) {
        if (!outcome_of(c, i))
            continue;
        const ictus_outcome *o = &c->an->outcomes[i];
        double b = o->ref.rate_per_24h, t = o->m.rate_per_24h;
        if (!isfinite(b) || !isfinite(t))
            continue;
        double yb = ictus_plot_map(&ay, b > 0 ? b : floor_v);
        double yt = ictus_plot_map(&ay, t > 0 ? t : floor_v);
        ictus_plot_colour(cr, class_colour(o->response.cls), 1);
        cairo_set_line_width(cr, 1.5);
        double dash = 4;
        cairo_set_dash(cr, &dash, o->response.cls == ICTUS_CLASS_UNDETERMINED ? 1 : 0, 0);
        cairo_move_to(cr, x0, yb);
        cairo_line_to(cr, x1, yt);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        cairo_arc(cr, x0, yb, 3, 0, 2 * M_PI);
        cairo_fill(cr);
        cairo_arc(cr, x1, yt, 3, 0, 2 * M_PI);
        cairo_fill(cr);
        char label[LABEL_CHARS * 4 + 64], id[LABEL_CHARS * 4 + 8];
        short_label(o->animal_id, id, sizeof id);
        snprintf(label, sizeof label, "%s %s%s%s", id, ictus_class_name(o->response.cls),
                 o->resistance == ICTUS_RESISTANCE_RESISTANT ? " [drug-resistant]" : "",
                 o->course == ICTUS_COURSE_REMISSION  ? " remission"
                 : o->course == ICTUS_COURSE_RELAPSE ? " relapse"
                                                     : "");
        /* Each pass moves the label below every label it overlaps; n_placed + 1
         * passes end it (a pass that moves it clears at least one label for
         * good), also where the arithmetic cannot move it (a huge or
         * non-finite y: then it stays where it is). */
        double ly = yt + 3;
        bool moved = true;
        for (size_t pass = 0; moved && pass <= n_placed; pass++) {
            moved = false;
            for (size_t k = 0; k < n_placed; k++)
                if (fabs(placed[k] - ly) < 9 && placed[k] + 9 > ly) {
                    ly = placed[k] + 9;
                    moved = true;
                }
        }
        placed[n_placed++] = ly;
        if (fabs(ly - (yt + 3)) > 1) { /* a leader from the point to its moved label */
            cairo_set_line_width(cr, 0.5);
            cairo_move_to(cr, x1 + 3, yt);
            cairo_line_to(cr, x1 + 7, ly - 3);
            cairo_stroke(cr);
        }
        ictus_plot_text(cr, x1 + 8, ly, 8, 0, false, label);
    }
    free(placed);
    ictus_plot_y_axis(cr, &ay, 70, 4, NULL, "seizures per analysable 24 h (log)");
    cairo_set_source_rgb(cr, 0, 0, 0);
    ictus_plot_text(cr, x0, h - BOTTOM + 16, LABEL_PT, 0.5, false, "baseline");
    char lab[128];
    ictus_report_exposure_label(c->exposures[c->exposure], lab, sizeof lab);
    ictus_plot_text(cr, x1, h - BOTTOM + 16, LABEL_PT, 0.5, false, lab);
    double x = 20;
    for (int k = ICTUS_CLASS_SEIZURE_FREE; k < ICTUS_N_CLASSES; k++)
        x = ictus_plot_legend(cr, x, h - 12, class_colour((ictus_response_class)k), true,
                              ictus_class_name((ictus_response_class)k));
    ictus_plot_legend(cr, x, h - 12, class_colour(ICTUS_CLASS_UNDETERMINED), true,
                      "undetermined (dashed)");
}

static void paired_data(ictus_strbuf *b, const ictus_report_ctx *c)
{
    char lab[128];
    ictus_report_exposure_label(c->exposures[c->exposure], lab, sizeof lab);
    ictus_strbuf_add(b, "{");
    ictus_json_key_string(b, "exposure", lab);
    ictus_strbuf_add(b, ",");
    ictus_json_key_string(b, "drug", c->exposures[c->exposure]->drug);
    ictus_strbuf_add(b, ",");
    ictus_json_key_string(b, "condition", ictus_period_kind_name(c->exposures[c->exposure]->kind));
    ictus_strbuf_add(b, ",");
    ictus_json_key_number(b, "dose_mg_kg", c->exposures[c->exposure]->dose_mg_kg);
    ictus_strbuf_add(b, ",\"animals\":[");
    bool first = true;
    for (size_t i = 0; i < c->an->n_outcomes; i++) {
        if (!outcome_of(c, i))
            continue;
        const ictus_outcome *o = &c->an->outcomes[i];
        ictus_strbuf_add(b, first ? "{" : ",{");
        first = false;
        ictus_json_key_string(b, "animal", o->animal_id);
        ictus_strbuf_add(b, ",");
        ictus_json_key_number(b, "baseline_rate_per_24h", o->ref.rate_per_24h);
        ictus_strbuf_add(b, ",");
        ictus_json_key_number(b, "rate_per_24h", o->m.rate_per_24h);
        ictus_strbuf_add(b, ",");
        ictus_json_key_number(b, "pct_change", o->response.pct_change);
        ictus_strbuf_add(b, ",");
        ictus_json_key_string(b, "class", ictus_class_name(o->response.cls));
        ictus_strbuf_add(b, ",");
        ictus_json_key_string(b, "drug_resistance", ictus_resistance_name(o->resistance));
        ictus_strbuf_add(b, ",");
        ictus_json_key_string(b, "course", ictus_course_name(o->course));
        ictus_strbuf_add(b, "}");
    }
    ictus_strbuf_add(b, "]}");
}

/* ---- 4b. responder and seizure-free rates with Clopper–Pearson intervals -- */

static const ictus_comparison *proportion(const ictus_report_ctx *c, int e, ictus_test test)
{
    for (size_t i = 0; i < c->an->n_comparisons; i++) {
        const ictus_comparison *k = &c->an->comparisons[i];
        if (k->type == 0 && k->test == test && ictus_condition_same(k->condition, c->exposures[e]))
            return k;
    }
    return NULL;
}

static double proportions_height(const ictus_report_ctx *c)
{
    return TOP + 30.0 * c->n_exposures + BOTTOM + 10;
}

static void proportions_draw(cairo_t *cr, double w, double h, const void *ctx)
{
    const ictus_report_ctx *c = ctx;
    white(cr, w, h);
    double left = 200;
    ictus_plot_axis ax = {0, 100, false, left, w - RIGHT};
    static const ictus_test tests[2] = {ICTUS_TEST_RESPONDER_RATE, ICTUS_TEST_SEIZURE_FREE_RATE};
    for (int e = 0; e < c->n_exposures; e++) {
        double y = TOP + 30.0 * e + 15;
        char lab[128];
        ictus_report_exposure_label(c->exposures[e], lab, sizeof lab);
        cairo_set_source_rgb(cr, 0, 0, 0);
        ictus_plot_text(cr, left - 8, y + 3, LABEL_PT, 1, false, lab);
        for (int k = 0; k < 2; k++) {
            const ictus_comparison *p = proportion(c, e, tests[k]);
            if (!p || !isfinite(p->estimate))
                continue;
            double yy = y + (k ? 5 : -5);
            ictus_plot_colour(cr, k ? 2 : 0, 1);
            cairo_set_line_width(cr, 1.5);
            if (isfinite(p->ci_lo) && isfinite(p->ci_hi)) {
                cairo_move_to(cr, ictus_plot_map(&ax, 100 * p->ci_lo), yy);
                cairo_line_to(cr, ictus_plot_map(&ax, 100 * p->ci_hi), yy);
                cairo_stroke(cr);
            }
            double px = ictus_plot_map(&ax, 100 * p->estimate);
            if (k)
                cairo_rectangle(cr, px - 3, yy - 3, 6, 6);
            else
                cairo_arc(cr, px, yy, 3.5, 0, 2 * M_PI);
            cairo_fill(cr);
        }
    }
    ictus_plot_x_axis(cr, &ax, h - BOTTOM, 10, NULL,
                      "% of animals with a determined class (line: Clopper-Pearson interval)");
    double x = ictus_plot_legend(cr, left, 14, 0, false, "responders (circle)");
    ictus_plot_legend(cr, x, 14, 2, false, "seizure-free (square)");
}

static void proportions_data(ictus_strbuf *b, const ictus_report_ctx *c)
{
    static const ictus_test tests[2] = {ICTUS_TEST_RESPONDER_RATE, ICTUS_TEST_SEIZURE_FREE_RATE};
    ictus_strbuf_add(b, "[");
    for (int e = 0; e < c->n_exposures; e++) {
        char lab[128];
        ictus_report_exposure_label(c->exposures[e], lab, sizeof lab);
        ictus_strbuf_add(b, e ? ",{" : "{");
        ictus_json_key_string(b, "exposure", lab);
        for (int k = 0; k < 2; k++) {
            const ictus_comparison *p = proportion(c, e, tests[k]);
            ictus_strbuf_addf(b, ",\"%s\":{\"n\":%lld,\"k\":%lld,", ictus_test_name(tests[k]),
                              (long long)(p ? p->n : 0), (long long)(p ? p->k : 0));
            ictus_json_key_number(b, "estimate", p ? p->estimate : NAN);
            ictus_strbuf_add(b, ",");
            ictus_json_key_number(b, "ci_lo", p ? p->ci_lo : NAN);
            ictus_strbuf_add(b, ",");
            ictus_json_key_number(b, "ci_hi", p ? p->ci_hi : NAN);
            ictus_strbuf_add(b, "}");
        }
        ictus_strbuf_add(b, "}");
    }
    ictus_strbuf_add(b, "]");
}

/* ---- 5. circadian ----------------------------------------------------------- */

/* The circadian groups: baseline, then each exposure (the periods of type
 * "all" whose period matches it), washouts left out.  Counts summed over
 * animals into h[24]; returns false when group g does not exist. */
static bool circadian_group(const ictus_report_ctx *c, int g, int64_t h[24], char *label,
                            size_t size)
{
    if (g > c->n_exposures)
        return false;
    memset(h, 0, 24 * sizeof h[0]);
    if (g == 0)
        snprintf(label, size, "baseline");
    else
        ictus_report_exposure_label(c->exposures[g - 1], label, size);
    for (size_t i = 0; i < c->an->n_periods; i++) {
        const ictus_period_result *r = &c->an->periods[i];
        if (r->type != 0)
            continue;
        const ictus_period *p = &c->study->animals[r->animal].periods[r->period];
        bool in;
        if (g == 0) {
            in = p->kind == ICTUS_PERIOD_BASELINE;
        } else {
            const ictus_condition *e = c->exposures[g - 1];
            in = p->kind == e->kind &&
                 (p->kind == ICTUS_PERIOD_VEHICLE ||
                  (strcasecmp(p->drug, e->drug) == 0 && p->dose_mg_kg == e->dose_mg_kg &&
                   strcasecmp(p->route, e->route) == 0));
        }
        if (in)
            for (int k = 0; k < 24; k++)
                h[k] += r->m.count_by_hour[k];
    }
    return true;
}

static double circadian_height(const ictus_report_ctx *c) { return 300; }

static void circadian_draw(cairo_t *cr, double w, double h, const void *ctx)
{
    const ictus_report_ctx *c = ctx;
    white(cr, w, h);
    ictus_plot_axis ax = {0, 24, false, 70, w - 200};
    int64_t hours[24];
    char label[128];
    double top = 1;
    for (int g = 0; circadian_group(c, g, hours, label, sizeof label); g++) {
        int64_t n = 0;
        for (int k = 0; k < 24; k++)
            n += hours[k];
        for (int k = 0; k < 24 && n > 0; k++)
            top = fmax(top, 100.0 * (double)hours[k] / (double)n);
    }
    ictus_plot_axis ay = {0, top * 1.1, false, h - BOTTOM, TOP};
    for (int g = 0; circadian_group(c, g, hours, label, sizeof label); g++) {
        int64_t n = 0;
        for (int k = 0; k < 24; k++)
            n += hours[k];
        int colour = g == 0 ? 7 : c->exposures[g - 1]->kind == ICTUS_PERIOD_VEHICLE
                                      ? 5
                                      : ictus_report_drug_colour(drug_index(c, c->exposures[g - 1]->drug));
        ictus_plot_colour(cr, colour, 1);
        cairo_set_line_width(cr, 1.5);
        double dash[2] = {2.0 + 2 * g, 2};
        cairo_set_dash(cr, dash, g ? 2 : 0, 0);
        for (int k = 0; k < 24 && n > 0; k++) {
            double px = ictus_plot_map(&ax, k + 0.5), py = ictus_plot_map(&ay, 100.0 * (double)hours[k] / (double)n);
            if (k)
                cairo_line_to(cr, px, py);
            else
                cairo_move_to(cr, px, py);
        }
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        char entry[160];
        snprintf(entry, sizeof entry, "%s (n = %lld)", label, (long long)n);
        ictus_plot_legend(cr, w - 190, TOP + 14.0 * g + 8, colour, true, entry);
    }
    ictus_plot_x_axis(cr, &ax, h - BOTTOM, 12, NULL, "local hour of day (seizure onsets)");
    ictus_plot_y_axis(cr, &ay, 70, 5, NULL, "% of the group's seizures");
}

static void circadian_data(ictus_strbuf *b, const ictus_report_ctx *c)
{
    int64_t hours[24];
    char label[128];
    ictus_strbuf_add(b, "[");
    for (int g = 0; circadian_group(c, g, hours, label, sizeof label); g++) {
        ictus_strbuf_add(b, g ? ",{" : "{");
        ictus_json_key_string(b, "group", label);
        ictus_strbuf_add(b, ",\"count_by_hour\":[");
        for (int k = 0; k < 24; k++)
            ictus_strbuf_addf(b, "%s%lld", k ? "," : "", (long long)hours[k]);
        ictus_strbuf_add(b, "]}");
    }
    ictus_strbuf_add(b, "]");
}

/* ---- 5b. inter-seizure intervals -------------------------------------------- */

/* ISI histogram: log10 of the interval in minutes, bins of 0.25 from -1 (6 s) to 4 (~7 days). */
enum { ISI_BINS = 20 };
static const double ISI_LO = -1, ISI_STEP = 0.25;

static void isi_histogram(const ictus_report_ctx *c, int64_t counts[ISI_BINS])
{
    memset(counts, 0, ISI_BINS * sizeof counts[0]);
    for (int a = 0; a < c->study->n_animals; a++)
        for (size_t i = 1; i < c->d->n_seizures[a]; i++) {
            double min = (double)(c->d->seizures[a][i].start_us - c->d->seizures[a][i - 1].start_us) / 6e7;
            int k = (int)floor((log10(fmax(min, 1e-3)) - ISI_LO) / ISI_STEP);
            counts[k < 0 ? 0 : k >= ISI_BINS ? ISI_BINS - 1 : k]++;
        }
}

static double isi_height(const ictus_report_ctx *c) { return 260; }

static void isi_label(double v, char *buf, int size)
{
    double min = pow(10, v);
    if (min < 1)
        snprintf(buf, (size_t)size, "%gs", round(min * 60));
    else if (min < 60)
        snprintf(buf, (size_t)size, "%gmin", round(min));
    else if (min < 1440)
        snprintf(buf, (size_t)size, "%gh", round(min / 60));
    else
        snprintf(buf, (size_t)size, "%gd", round(min / 1440));
}

static void isi_draw(cairo_t *cr, double w, double h, const void *ctx)
{
    const ictus_report_ctx *c = ctx;
    white(cr, w, h);
    int64_t counts[ISI_BINS];
    isi_histogram(c, counts);
    int64_t top = 1;
    for (int k = 0; k < ISI_BINS; k++)
        top = counts[k] > top ? counts[k] : top;
    ictus_plot_axis ax = {ISI_LO, ISI_LO + ISI_BINS * ISI_STEP, false, 70, w - RIGHT};
    ictus_plot_axis ay = {0, (double)top * 1.1, false, h - BOTTOM, TOP};
    ictus_plot_colour(cr, 0, 0.8);
    for (int k = 0; k < ISI_BINS; k++) {
        double x0 = ictus_plot_map(&ax, ISI_LO + k * ISI_STEP), x1 = ictus_plot_map(&ax, ISI_LO + (k + 1) * ISI_STEP);
        double y = ictus_plot_map(&ay, (double)counts[k]);
        cairo_rectangle(cr, x0 + 1, y, x1 - x0 - 2, h - BOTTOM - y);
    }
    cairo_fill(cr);
    ictus_plot_x_axis(cr, &ax, h - BOTTOM, 6, isi_label,
                      "interval between consecutive seizure onsets of an animal (calendar time, log)");
    ictus_plot_y_axis(cr, &ay, 70, 4, NULL, "intervals");
}

static void isi_data(ictus_strbuf *b, const ictus_report_ctx *c)
{
    int64_t counts[ISI_BINS];
    isi_histogram(c, counts);
    ictus_strbuf_addf(b, "{\"log10_min_lo\":%g,\"log10_min_step\":%g,\"counts\":[", ISI_LO, ISI_STEP);
    for (int k = 0; k < ISI_BINS; k++)
        ictus_strbuf_addf(b, "%s%lld", k ? "," : "", (long long)counts[k]);
    ictus_strbuf_add(b, "]}");
}

/* ---- 6. analysable time per animal and day ---------------------------------- */

static const double HEAT_ROW = 14;

static double heat_height(const ictus_report_ctx *c)
{
    return TOP + HEAT_ROW * c->study->n_animals + BOTTOM;
}

static void heat_draw(cairo_t *cr, double w, double h, const void *ctx)
{
    const ictus_report_ctx *c = ctx;
    white(cr, w, h);
    const ictus_report_data *d = c->d;
    ictus_plot_axis ax = {0, d->n_days, false, LEFT, w - RIGHT - 120};
    for (int a = 0; a < c->study->n_animals; a++) {
        double y = TOP + a * HEAT_ROW;
        for (int k = 0; k < d->n_days; k++) {
            double rec = d->day_recorded_s[(size_t)a * d->n_days + k];
            double an = d->day_analysable_s[(size_t)a * d->n_days + k];
            double x0 = ictus_plot_map(&ax, k), x1 = ictus_plot_map(&ax, k + 1);
            if (rec <= 0) {
                cairo_set_source_rgb(cr, 1, 1, 1);
            } else {
                /* White (nothing analysable) to dark blue (24 h): a one-hue ramp reads in grey. */
                double f = an / DAY_S;
                cairo_set_source_rgb(cr, 1 - f, 1 - 0.55 * f, 1 - 0.3 * f);
            }
            cairo_rectangle(cr, x0, y, x1 - x0, HEAT_ROW - 1);
            cairo_fill(cr);
            if (rec <= 0) {
                cairo_set_source_rgba(cr, 0, 0, 0, 0.4);
                cairo_set_line_width(cr, 0.5);
                cairo_move_to(cr, x0, y + HEAT_ROW - 1);
                cairo_line_to(cr, x1, y);
                cairo_stroke(cr);
            }
        }
        animal_label(cr, c, a, LEFT - 6, y + HEAT_ROW - 4);
    }
    ictus_plot_x_axis(cr, &ax, TOP + c->study->n_animals * HEAT_ROW, d->n_days < 10 ? d->n_days : 10, NULL,
                      "day of the study (0: the first day)");
    for (int k = 0; k <= 4; k++) {
        double f = k / 4.0;
        cairo_set_source_rgb(cr, 1 - f, 1 - 0.55 * f, 1 - 0.3 * f);
        cairo_rectangle(cr, w - RIGHT - 100, TOP + 16.0 * k, 12, 12);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        cairo_set_line_width(cr, 0.5);
        cairo_stroke(cr);
        char lab[32];
        snprintf(lab, sizeof lab, "%g h", 24 * f);
        ictus_plot_text(cr, w - RIGHT - 84, TOP + 16.0 * k + 10, LABEL_PT, 0, false, lab);
    }
    ictus_plot_text(cr, w - RIGHT - 100, TOP + 16.0 * 5 + 10, LABEL_PT, 0, false, "/ : no recording");
    ictus_plot_text(cr, LEFT, 14, LABEL_PT, 0, false, "analysable hours per animal and calendar day");
}

static void heat_data(ictus_strbuf *b, const ictus_report_ctx *c)
{
    const ictus_report_data *d = c->d;
    ictus_strbuf_addf(b, "{\"days\":%d,\"animals\":[", d->n_days);
    for (int a = 0; a < c->study->n_animals; a++) {
        ictus_strbuf_add(b, a ? ",{" : "{");
        ictus_json_key_string(b, "animal", c->study->animals[a].id);
        ictus_strbuf_add(b, ",\"analysable_h\":[");
        for (int k = 0; k < d->n_days; k++) {
            if (k)
                ictus_strbuf_add(b, ",");
            ictus_json_number(b, d->day_analysable_s[(size_t)a * d->n_days + k] / 3600);
        }
        ictus_strbuf_add(b, "]}");
    }
    ictus_strbuf_add(b, "]}");
}

/* ---- the table ------------------------------------------------------------- */

const ictus_report_figure ictus_report_figures[] = {
    {"raster", "raster", "Seizures per animal over the study",
     "One row per animal; a tick per seizure onset (one band per type, colour by type); the "
     "background shades dosing periods by drug; grey where the time is not analysable (no "
     "recording, artefact, dropout): the darker, the less was analysable.",
     false, 900, raster_height, raster_draw, raster_data, NULL},
    {"rates", "rates", "Seizure rate over time per animal",
     "Seizures per analysable 24 h in each calendar day (each hour in studies shorter than three "
     "days), with the dosing periods shaded; no point where less than a tenth of the day (hour) "
     "was analysable.  The dashed line across each period is the analysis's rate for the whole "
     "period (periods.csv).",
     false, 900, rates_height, rates_draw, rates_data, NULL},
    {"paired", "drugs", "Baseline vs exposure, per animal",
     "Each line joins one animal's baseline rate to its rate under the exposure (all seizure "
     "types, per analysable 24 h, log scale; zero on the bottom line), coloured by its response "
     "class; drug-resistant animals, remissions and relapses are named beside the line.",
     true, 720, paired_height, paired_draw, paired_data, NULL},
    {"proportions", "drugs", "Responder and seizure-free rates",
     "Share of animals with a determined class that responded (circle) or became seizure-free "
     "(square) under each exposure, with the exact (Clopper-Pearson) interval at the analysis's "
     "confidence level.",
     false, 900, proportions_height, proportions_draw, proportions_data, NULL},
    {"dose-response", "drugs", "Dose-response (6 Hz kindling)",
     "Per drug, the share of fully kindled animals protected (Racine stage below the setting) at "
     "each dose tested (circles, r/n), the fitted probit curve and the ED50 (dashed drop line, "
     "its Fieller interval as a bar at 50 %); the share not tolerating the dose (squares) with the "
     "TD50 curve (dashed).  Log dose axis; the numbers of dose_response.csv.",
     false, 900, ictus_report_dose_height, ictus_report_dose_draw, ictus_report_dose_data,
     ictus_report_dose_shown},
    {"km", "drugs", "Time to first seizure (Kaplan-Meier)",
     "Share of animals without a seizure (any type) since the start of each exposure, on its "
     "calendar clock; an animal leaves the curve (censored) at the end of its blocks, at death "
     "or at a recording gap (time_to_event.csv; the log-rank tests in time_to_event_groups.csv).",
     false, 900, ictus_report_km_height, ictus_report_km_draw, ictus_report_km_data,
     ictus_report_km_shown},
    {"survival", "drugs", "Survival per group (Kaplan-Meier)",
     "Share of each animals.csv group alive since birth (or the first recording when a birth date "
     "is missing), from animals.csv's death column; animals alive are censored at their last "
     "recording. Probable SUDEP: a death within the set time after a detected GTCS with "
     "post-ictal suppression (survival.csv).",
     false, 900, ictus_report_survival_height, ictus_report_survival_draw,
     ictus_report_survival_data, ictus_report_survival_shown},
    {"hyperthermia", "drugs", "Hyperthermia seizure thresholds",
     "Each session's core temperature at the onset of its first seizure (filled circle; a "
     "hollow triangle: no seizure up to the ramp's maximum, censored there), per exposure (the "
     "dosing.csv period holding the session's start; washouts left out), one point per session "
     "in animal order; the line is the median of the animals' thresholds with its "
     "distribution-free interval as a bar, censored ones at their maximum (hyperthermia.csv, "
     "hyperthermia_comparisons.csv).",
     false, 900, ictus_report_thermo_height, ictus_report_thermo_draw, ictus_report_thermo_data,
     ictus_report_thermo_shown},
    {"circadian", "circadian", "Seizures by hour of day",
     "Share of each group's seizures starting in each local hour (all animals' periods of that "
     "exposure pooled; washouts left out).",
     false, 900, circadian_height, circadian_draw, circadian_data, NULL},
    {"isi", "circadian", "Inter-seizure intervals",
     "Histogram of the intervals between consecutive seizure onsets of each animal, on a log "
     "axis (calendar time: gaps in the recording lengthen them).",
     false, 900, isi_height, isi_draw, isi_data, NULL},
    {"quality", "quality", "Analysable time per animal and day",
     "Analysable hours (recording present, no artefact, no dropout) per animal and calendar day; "
     "a crossed white cell had no recording at all.",
     false, 900, heat_height, heat_draw, heat_data, NULL},
};
const int ictus_report_n_figures = N_OF(ictus_report_figures);
