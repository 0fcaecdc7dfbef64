/* html.h: the reports' page kit: escaped HTML text, sortable tables, figures with their JSON, files.
 *
 * Shared by the per-cohort report (report.c) and the cross-cohort report
 * (compare_report.c), so that both pages look and behave alike:
 *   - text from input goes through ictus_html_esc() (&, <, >, " and ' as
 *     entities: safe in element text and in quoted attributes);
 *   - JSON for <script type="application/json"> blocks through
 *     ictus_json_string() (<, >, & as \u003c...: the text cannot close the
 *     script element) and ictus_json_number() (NaN and ±inf as null);
 *   - tables with class "sortable" sort on a click of a header through
 *     ictus_html_script (numbers as numbers, then text); ictus_html_style is
 *     the pages' CSS;
 *   - a figure is <figure id="fig-ID"> with its title, an inline SVG drawn
 *     by a plot.h draw function and its caption, followed by
 *     <script type="application/json" id="data-ID"> holding the numbers
 *     drawn;
 *   - files are written atomically: a temporary file in the same directory,
 *     flushed, synced and renamed over the old one;
 *   - PDF pages carry a section heading and a title at the top left.
 *
 * Thread safety: reentrant (each call uses only its arguments).
 */
#ifndef ICTUS_HTML_H
#define ICTUS_HTML_H

#include <stddef.h>
#include <cairo.h>

#include "base/status.h"
#include "base/strbuf.h"
#include "report/plot.h"

/* The pages' CSS (inside <style>) and the table-sorting script (inside <script>). */
extern const char ictus_html_style[];
extern const char ictus_html_script[];

/* Append s with &, <, >, " and ' as entities. */
void ictus_html_esc(ictus_strbuf *b, const char *s);

/* v as "%.4g" into buf, or "" when not finite. */
void ictus_html_num(char *buf, size_t size, double v);

/* Open a sortable table (id: ASCII) with its column headers (units in them,
 * escaped); the caller adds rows and closes with "</tbody></table>". */
void ictus_html_table_open(ictus_strbuf *b, const char *id, const char *const *headers, int n);

/* A table cell of text (escaped), or of a number (right-aligned, "%.4g"). */
void ictus_html_cell_text(ictus_strbuf *b, const char *s);
void ictus_html_cell_num(ictus_strbuf *b, double v);

/* A JSON string (UTF-8 passed through; ", \, control characters and <, >, &
 * escaped) and a JSON number (17 significant digits; null for NaN, ±inf). */
void ictus_json_string(ictus_strbuf *b, const char *s);
void ictus_json_number(ictus_strbuf *b, double v);
/* "key":value for a key that needs no escaping. */
void ictus_json_key_string(ictus_strbuf *b, const char *key, const char *v);
void ictus_json_key_number(ictus_strbuf *b, const char *key, double v);

/* A figure: <figure id="fig-ID"><h3>TITLE</h3>SVG<figcaption>CAPTION</figcaption></figure>
 * and the opening <script type="application/json" id="data-ID"> of its
 * numbers: the caller appends one JSON value and ictus_html_figure_end().
 * id: ASCII letters, digits, '-' (the SVG's ids are prefixed with "ID-");
 * title and caption are escaped.  Errors: those of ictus_plot_svg(). */
ictus_status ictus_html_figure(ictus_strbuf *b, const char *id, const char *title,
                               const char *caption, ictus_plot_draw_fn draw, const void *ctx,
                               double width, double height, ictus_error *err);
/* Close the figure's JSON block. */
void ictus_html_figure_end(ictus_strbuf *b);

/* Write text to path atomically (above).  ICTUS_ERR_IO naming the file;
 * ICTUS_ERR_USAGE when the temporary file's path is too long. */
ictus_status ictus_html_write_file(const char *path, const char *text, ictus_error *err);

/* A PDF page's heading at (margin, margin): the section's title (16 pt) and
 * below it the page's title (11 pt), in black. */
void ictus_html_pdf_heading(cairo_t *cr, double margin, const char *section_title,
                            const char *title);

/* Finish a PDF written to path through surface s and cr (both destroyed
 * here).  ICTUS_ERR_IO naming path when cairo failed. */
ictus_status ictus_html_pdf_finish(cairo_surface_t *s, cairo_t *cr, const char *path,
                                   ictus_error *err);

/* Share the glyph outlines of a whole page (`page`, after its <body>): cairo
 * writes into every SVG its own copy of each glyph it draws, as <symbol
 * overflow="visible" id="ID"> (about half of a report's bytes).  Each
 * distinct outline is moved, once, into a hidden SVG at the top of the
 * body (ids "shared-glyph-N") and every href="#ID" of a symbol points
 * there; the page's other ids and references are left alone.  Text from
 * input cannot contain such markup (it is escaped), so only cairo's
 * symbols match.  A page without symbols or <body> is left as it is. */
void ictus_html_share_glyphs(ictus_strbuf *page);

#endif
