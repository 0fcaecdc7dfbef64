/* plot.h: the report's plotting kit: a figure drawn once with cairo, rendered to SVG and to PDF.
 *
 * A figure is a function that draws on a cairo_t into a width × height box
 * (points; 1 pt = 1 SVG px).  The same function draws the figure inlined in
 * index.html (an SVG surface written to memory) and a page of report.pdf, so
 * the two cannot disagree.  Helpers below draw the parts every figure shares:
 * axes with ticks (linear or log), text, a legend, and a colour palette.
 *
 * Palette: Okabe & Ito (2008), eight colours told apart by readers with any
 * common colour-vision deficiency; the order below also runs from dark to
 * light in greyscale for neighbouring entries, and series that must be told
 * apart in greyscale print also differ in marker or dash (the callers).
 *
 * Thread safety: reentrant (each call uses only its arguments).
 */
#ifndef ICTUS_PLOT_H
#define ICTUS_PLOT_H

#include <stdbool.h>
#include <cairo.h>

#include "base/status.h"
#include "base/strbuf.h"

/* The Okabe–Ito palette as RGB in [0, 1]. */
#define ICTUS_PLOT_N_COLOURS 8
extern const double ictus_plot_palette[ICTUS_PLOT_N_COLOURS][3];

/* Set the source to palette colour i (taken modulo the palette), with alpha a in [0, 1]. */
void ictus_plot_colour(cairo_t *cr, int i, double a);

/* A figure: draw into [0, width] × [0, height] (points) on cr; ctx is the caller's. */
typedef void (*ictus_plot_draw_fn)(cairo_t *cr, double width, double height, const void *ctx);

/* Render a figure to SVG text appended to `out`, without the XML
 * declaration, every id and reference prefixed with `id_prefix` (ASCII
 * letters, digits, '-') so that several SVGs inlined in one HTML page do not
 * share ids (cairo numbers glyphs and clips from 1 in every surface).
 * Returns ICTUS_ERR_IO (naming `id_prefix`) when cairo fails. */
ictus_status ictus_plot_svg(ictus_plot_draw_fn draw, const void *ctx, double width,
                            double height, const char *id_prefix, ictus_strbuf *out,
                            ictus_error *err);

/* One axis: the data range [lo, hi] (hi > lo; log: lo > 0) mapped onto
 * pixels [p0, p1] (p1 < p0 for a y axis drawn upwards). */
typedef struct {
    double lo, hi;
    bool log;
    double p0, p1;
} ictus_plot_axis;

/* The pixel of data value v on axis a (log axes clamp v to lo). */
double ictus_plot_map(const ictus_plot_axis *a, double v);

/* Text at (x, y) in the current colour, size `size_pt`; anchor: 0 left,
 * 0.5 centre, 1 right of x; y is the baseline.  rotate: draw upwards (a y
 * axis label).  UTF-8. */
void ictus_plot_text(cairo_t *cr, double x, double y, double size_pt, double anchor,
                     bool rotate, const char *text);

/* Text wrapped at spaces into lines at most width_pt wide, the first
 * baseline at y; returns the y below the last line. */
double ictus_plot_paragraph(cairo_t *cr, double x, double y, double width_pt, double size_pt,
                            const char *text);

/* Draw the x axis along the bottom of the box (x from ax->p0 to p1 at pixel
 * row y_px) with ticks and labels.  Linear: about n_ticks "nice" ticks
 * labelled with `fmt` (printf for a double) or, when `labels` is non-NULL,
 * label of tick value v = labels(v) (a function writing into buf);
 * log: ticks at powers of ten.  `title` below the labels. */
typedef void (*ictus_plot_label_fn)(double v, char *buf, int size);
void ictus_plot_x_axis(cairo_t *cr, const ictus_plot_axis *ax, double y_px, int n_ticks,
                       ictus_plot_label_fn labels, const char *title);
/* The same for a y axis at pixel column x_px (labels left of it, title rotated). */
void ictus_plot_y_axis(cairo_t *cr, const ictus_plot_axis *ay, double x_px, int n_ticks,
                       ictus_plot_label_fn labels, const char *title);

/* One legend row at (x, y): a swatch of palette colour `colour` (a filled
 * square; `line` true: a short line) and its label.  Returns the x where
 * the next entry may start. */
double ictus_plot_legend(cairo_t *cr, double x, double y, int colour, bool line,
                         const char *label);

/* A marker at (x, y) of radius about r in the current colour: shape 0
 * circle, 1 square, 2 diamond, 3 triangle up, 4 triangle down (taken modulo
 * 5); hollow (white inside, outlined) when not filled.  Series told apart in
 * greyscale differ in shape. */
void ictus_plot_marker(cairo_t *cr, int shape, double x, double y, double r, bool filled);

/* The first max_chars characters of UTF-8 s (cut at a character boundary)
 * into buf, with "…" when cut (buf: at least 4·max_chars + 4 bytes). */
void ictus_plot_cut(const char *s, int max_chars, char *buf, size_t size);

#endif
