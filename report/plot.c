/* plot.c: axes, text, legends and the SVG rendering of the report's figures (cairo). */
#include "report/plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-svg.h>

const double ictus_plot_palette[ICTUS_PLOT_N_COLOURS][3] = {
    {0.000, 0.447, 0.698}, /* blue */
    {0.902, 0.624, 0.000}, /* orange */
    {0.000, 0.620, 0.451}, /* bluish green */
    {0.835, 0.369, 0.000}, /* vermillion */
    {0.337, 0.706, 0.914}, /* sky blue */
    {0.800, 0.475, 0.655}, /* reddish purple */
    {0.941, 0.894, 0.259}, /* yellow */
    {0.000, 0.000, 0.000}, /* black */
};

/* Axis text sizes, pt. */
static const double TICK_PT = 9, TITLE_PT = 10, TICK_LEN = 4;

void ictus_plot_colour(cairo_t *cr, int i, double a)
{
    const double *c = ictus_plot_palette[((i % ICTUS_PLOT_N_COLOURS) + ICTUS_PLOT_N_COLOURS) %
                                         ICTUS_PLOT_N_COLOURS];
    cairo_set_source_rgba(cr, c[0], c[1], c[2], a);
}

/* ---- SVG into memory -------------------------------------------------- */

static cairo_status_t svg_write(void *closure, const unsigned char *data, unsigned int length)
{
    ictus_strbuf_addf(closure, "%.*s", (int)length, (const char *)data);
    return CAIRO_STATUS_SUCCESS;
}

/* Append svg to out with every id="X", href="#X" and url(#X) prefixed, and
 * the XML declaration dropped.  cairo's SVG holds no other '#' references. */
static void append_prefixed(ictus_strbuf *out, const char *svg, const char *prefix)
{
    static const char *const marks[] = {"id=\"", "href=\"#", "url(#"};
    const char *p = strstr(svg, "<svg");
    p = p ? p : svg;
    const char *run = p;
    while (*p) {
        size_t n = 0;
        for (size_t m = 0; m < sizeof marks / sizeof marks[0] && n == 0; m++)
            if (strncmp(p, marks[m], strlen(marks[m])) == 0)
                n = strlen(marks[m]);
        if (n == 0) {
            p++;
            continue;
        }
        p += n;
        ictus_strbuf_addf(out, "%.*s%s", (int)(p - run), run, prefix);
        run = p;
    }
    ictus_strbuf_add(out, run);
}

ictus_status ictus_plot_svg(ictus_plot_draw_fn draw, const void *ctx, double width,
                            double height, const char *id_prefix, ictus_strbuf *out,
                            ictus_error *err)
{
    ictus_strbuf raw = {0};
    cairo_surface_t *s = cairo_svg_surface_create_for_stream(svg_write, &raw, width, height);
    cairo_svg_surface_set_document_unit(s, CAIRO_SVG_UNIT_PT);
    cairo_t *cr = cairo_create(s);
    draw(cr, width, height, ctx);
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(s);
    cairo_surface_destroy(s);
    if (st != CAIRO_STATUS_SUCCESS) {
        ictus_strbuf_free(&raw);
        return ictus_fail(err, ICTUS_ERR_IO, "figure %s: cairo: %s", id_prefix,
                          cairo_status_to_string(st));
    }
    append_prefixed(out, ictus_strbuf_text(&raw), id_prefix);
    ictus_strbuf_free(&raw);
    return ICTUS_OK;
}

/* ---- axes ------------------------------------------------------------- */

double ictus_plot_map(const ictus_plot_axis *a, double v)
{
    double f;
    if (a->log)
        f = (log10(fmax(v, a->lo)) - log10(a->lo)) / (log10(a->hi) - log10(a->lo));
    else
        f = (v - a->lo) / (a->hi - a->lo);
    return a->p0 + f * (a->p1 - a->p0);
}

void ictus_plot_text(cairo_t *cr, double x, double y, double size_pt, double anchor,
                     bool rotate, const char *text)
{
    cairo_save(cr);
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size_pt);
    cairo_text_extents_t ext;
    cairo_text_extents(cr, text, &ext);
    cairo_translate(cr, x, y);
    if (rotate)
        cairo_rotate(cr, -M_PI / 2);
    cairo_move_to(cr, -anchor * ext.x_advance, 0);
    cairo_show_text(cr, text);
    cairo_restore(cr);
}

double ictus_plot_paragraph(cairo_t *cr, double x, double y, double width_pt, double size_pt,
                            const char *text)
{
    cairo_save(cr);
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size_pt);
    ictus_strbuf line = {0};
    for (const char *p = text + strspn(text, " "); *p; p += strspn(p, " ")) {
        size_t n = strcspn(p, " "), kept = line.len;
        ictus_strbuf_addf(&line, "%s%.*s", kept ? " " : "", (int)n, p);
        cairo_text_extents_t ext;
        cairo_text_extents(cr, ictus_strbuf_text(&line), &ext);
        if (ext.x_advance > width_pt && kept) { /* the word goes to the next line */
            char *full = ictus_strbuf_take(&line);
            full[kept] = '\0';
            cairo_move_to(cr, x, y);
            cairo_show_text(cr, full);
            free(full);
            y += size_pt * 1.3;
            ictus_strbuf_addf(&line, "%.*s", (int)n, p);
        }
        p += n;
    }
    if (line.len) {
        cairo_move_to(cr, x, y);
        cairo_show_text(cr, ictus_strbuf_text(&line));
        y += size_pt * 1.3;
    }
    ictus_strbuf_free(&line);
    cairo_restore(cr);
    return y;
}

/* Tick values of a linear axis: a 1-2-5 step giving about n ticks. */
static double nice_step(double lo, double hi, int n)
{
    double raw = (hi - lo) / (n > 0 ? n : 1);
    double mag = pow(10, floor(log10(raw)));
    double f = raw / mag;
    return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * mag;
}

static void tick_label(const ictus_plot_axis *a, double v, ictus_plot_label_fn labels, char *buf,
                       int size)
{
    if (labels)
        labels(v, buf, size);
    else
        snprintf(buf, (size_t)size, "%g", v);
}

/* Call tick(v) for every tick value of axis a. */
#define EACH_TICK(a, n, v, body)                                                                   \
    do {                                                                                           \
        if ((a)->log) {                                                                            \
            /* powers of ten; 1-2-5 within them when the axis spans under two */                  \
            bool fine_ = (a)->hi < (a)->lo * 100;                                                  \
            for (double d_ = pow(10, floor(log10((a)->lo) + 1e-9)); d_ <= (a)->hi * (1 + 1e-9);   \
                 d_ *= 10)                                                                         \
                for (int m_ = 1; m_ <= 5; m_ += m_ == 1 ? 1 : 3) {                                 \
                    double v = d_ * m_;                                                            \
                    if ((m_ > 1 && !fine_) || v < (a)->lo * (1 - 1e-9) ||                          \
                        v > (a)->hi * (1 + 1e-9))                                                  \
                        continue;                                                                  \
                    body;                                                                          \
                }                                                                                  \
        } else {                                                                                   \
            double step_ = nice_step((a)->lo, (a)->hi, (n));                                       \
            for (double v = ceil((a)->lo / step_ - 1e-9) * step_; v <= (a)->hi + step_ * 1e-9;    \
                 v += step_) {                                                                     \
                body;                                                                              \
            }                                                                                      \
        }                                                                                          \
    } while (0)

void ictus_plot_x_axis(cairo_t *cr, const ictus_plot_axis *ax, double y_px, int n_ticks,
                       ictus_plot_label_fn labels, const char *title)
{
    cairo_save(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 1);
    cairo_move_to(cr, ax->p0, y_px + 0.5);
    cairo_line_to(cr, ax->p1, y_px + 0.5);
    cairo_stroke(cr);
    char buf[64];
    EACH_TICK(ax, n_ticks, v, {
        double x = round(ictus_plot_map(ax, v)) + 0.5;
        cairo_move_to(cr, x, y_px);
        cairo_line_to(cr, x, y_px + TICK_LEN);
        cairo_stroke(cr);
        tick_label(ax, fabs(v) < 1e-12 ? 0 : v, labels, buf, sizeof buf);
        ictus_plot_text(cr, x, y_px + TICK_LEN + TICK_PT + 1, TICK_PT, 0.5, false, buf);
    });
    ictus_plot_text(cr, (ax->p0 + ax->p1) / 2, y_px + TICK_LEN + 2 * TICK_PT + TITLE_PT, TITLE_PT,
                    0.5, false, title);
    cairo_restore(cr);
}

void ictus_plot_y_axis(cairo_t *cr, const ictus_plot_axis *ay, double x_px, int n_ticks,
                       ictus_plot_label_fn labels, const char *title)
{
    cairo_save(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 1);
    cairo_move_to(cr, x_px - 0.5, ay->p0);
    cairo_line_to(cr, x_px - 0.5, ay->p1);
    cairo_stroke(cr);
    char buf[64];
    EACH_TICK(ay, n_ticks, v, {
        double y = round(ictus_plot_map(ay, v)) + 0.5;
        cairo_move_to(cr, x_px, y);
        cairo_line_to(cr, x_px - TICK_LEN, y);
        cairo_stroke(cr);
        tick_label(ay, fabs(v) < 1e-12 ? 0 : v, labels, buf, sizeof buf);
        ictus_plot_text(cr, x_px - TICK_LEN - 2, y + TICK_PT / 3, TICK_PT, 1, false, buf);
    });
    ictus_plot_text(cr, x_px - TICK_LEN - 4 * TICK_PT, (ay->p0 + ay->p1) / 2, TITLE_PT, 0.5, true,
                    title);
    cairo_restore(cr);
}

double ictus_plot_legend(cairo_t *cr, double x, double y, int colour, bool line,
                         const char *label)
{
    cairo_save(cr);
    ictus_plot_colour(cr, colour, 1);
    if (line) {
        cairo_set_line_width(cr, 2);
        cairo_move_to(cr, x, y - 3);
        cairo_line_to(cr, x + 12, y - 3);
        cairo_stroke(cr);
    } else {
        cairo_rectangle(cr, x, y - 8, 10, 10);
        cairo_fill(cr);
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, TICK_PT);
    cairo_text_extents_t ext;
    cairo_text_extents(cr, label, &ext);
    cairo_move_to(cr, x + 15, y);
    cairo_show_text(cr, label);
    cairo_restore(cr);
    return x + 15 + ext.x_advance + 12;
}

void ictus_plot_marker(cairo_t *cr, int shape, double x, double y, double r, bool filled)
{
    cairo_save(cr);
    cairo_new_path(cr);
    switch (((shape % 5) + 5) % 5) {
    case 0:
        cairo_arc(cr, x, y, r, 0, 2 * M_PI);
        break;
    case 1:
        cairo_rectangle(cr, x - r * 0.9, y - r * 0.9, 1.8 * r, 1.8 * r);
        break;
    case 2:
        cairo_move_to(cr, x, y - 1.3 * r);
        cairo_line_to(cr, x + 1.3 * r, y);
        cairo_line_to(cr, x, y + 1.3 * r);
        cairo_line_to(cr, x - 1.3 * r, y);
        cairo_close_path(cr);
        break;
    case 3:
        cairo_move_to(cr, x, y - 1.2 * r);
        cairo_line_to(cr, x + 1.1 * r, y + 0.8 * r);
        cairo_line_to(cr, x - 1.1 * r, y + 0.8 * r);
        cairo_close_path(cr);
        break;
    default:
        cairo_move_to(cr, x, y + 1.2 * r);
        cairo_line_to(cr, x + 1.1 * r, y - 0.8 * r);
        cairo_line_to(cr, x - 1.1 * r, y - 0.8 * r);
        cairo_close_path(cr);
        break;
    }
    if (filled) {
        cairo_fill(cr);
    } else {
        cairo_save(cr);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_fill_preserve(cr);
        cairo_restore(cr);
        cairo_set_line_width(cr, 1.2);
        cairo_stroke(cr);
    }
    cairo_restore(cr);
}

void ictus_plot_cut(const char *s, int max_chars, char *buf, size_t size)
{
    size_t i = 0;
    int chars = 0;
    while (s[i] && chars < max_chars) {
        i++;
        while ((s[i] & 0xC0) == 0x80)
            i++;
        chars++;
    }
    snprintf(buf, size, "%.*s%s", (int)i, s, s[i] ? "\xE2\x80\xA6" : "");
}
