/* table.c: report tables: filled once, written to HTML (sortable) and to PDF pages. */
#include "report/table.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>

#include "report/html.h"
#include "report/plot.h"

void ictus_report_table_init(ictus_report_table *t, const char *id, const char *title,
                             const char *const *headers, int n_cols)
{
    *t = (ictus_report_table){.id = id, .title = title, .n_cols = n_cols, .headers = headers};
}

static void add_cell(ictus_report_table *t, char *text, bool numeric)
{
    if (t->n_cells == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 64;
        t->cells = ictus_xrealloc(t->cells, (size_t)t->cap * sizeof *t->cells);
    }
    t->cells[t->n_cells++] = (ictus_report_cell){text, numeric};
}

void ictus_report_table_text(ictus_report_table *t, const char *s)
{
    add_cell(t, ictus_xstrdup(s ? s : ""), false);
}

void ictus_report_table_num(ictus_report_table *t, double v)
{
    char buf[32];
    ictus_html_num(buf, sizeof buf, v);
    add_cell(t, ictus_xstrdup(buf), true);
}

int ictus_report_table_rows(const ictus_report_table *t)
{
    return (t->n_cells + t->n_cols - 1) / t->n_cols;
}

void ictus_report_table_clear(ictus_report_table *t)
{
    for (int i = 0; i < t->n_cells; i++)
        free(t->cells[i].text);
    free(t->cells);
    memset(t, 0, sizeof *t);
}

/* ---- HTML ---------------------------------------------------------------------------- */

void ictus_report_table_html(const ictus_report_table *t, ictus_strbuf *b)
{
    ictus_strbuf_add(b, "<h3>");
    ictus_html_esc(b, t->title);
    ictus_strbuf_add(b, "</h3>\n");
    ictus_html_table_open(b, t->id, t->headers, t->n_cols);
    for (int i = 0; i < t->n_cells; i++) {
        if (i % t->n_cols == 0)
            ictus_strbuf_add(b, "<tr>");
        if (t->cells[i].numeric)
            ictus_strbuf_add(b, "<td class=\"n\">");
        else
            ictus_strbuf_add(b, "<td>");
        ictus_html_esc(b, t->cells[i].text);
        ictus_strbuf_add(b, "</td>");
        if (i % t->n_cols == t->n_cols - 1 || i == t->n_cells - 1)
            ictus_strbuf_add(b, "</tr>\n");
    }
    if (t->n_cells == 0) /* as the PDF says it: not a bare header */
        ictus_strbuf_addf(b, "<tr><td colspan=\"%d\">(none)</td></tr>\n", t->n_cols);
    ictus_strbuf_add(b, "</tbody></table>\n");
}

/* ---- PDF ----------------------------------------------------------------------------- */

static const double FONT_PT = 7, ROW_PT = 10, TITLE_PT = 10, HEADING_PT = 16;
/* No column is wider than this (points): a long ID or message is cut, the others stay readable. */
static const double MAX_COL_PT = 200;

void ictus_report_pdf_page(ictus_report_pdf *p, double height)
{
    cairo_show_page(p->cr);
    p->height = height;
    cairo_pdf_surface_set_size(p->surface, p->width, height);
    cairo_set_source_rgb(p->cr, 0, 0, 0);
    ictus_plot_text(p->cr, p->margin, p->margin, HEADING_PT, 0, false, p->heading);
    p->y = p->margin + 2 * HEADING_PT;
}

static double text_width(cairo_t *cr, const char *s)
{
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    return e.x_advance;
}

/* One row: cells[0..n) at p->y in columns of widths w; header rows are bold. */
static void pdf_row(ictus_report_pdf *p, const char *const *texts, const bool *numeric, int n,
                    const double *w, bool header)
{
    cairo_t *cr = p->cr;
    double x = p->margin;
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                           header ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, FONT_PT);
    for (int c = 0; c < n; c++) {
        cairo_save(cr);
        cairo_rectangle(cr, x, p->y - ROW_PT, w[c] - 4, ROW_PT + 3);
        cairo_clip(cr);
        double tw = text_width(cr, texts[c]);
        double tx = numeric && numeric[c] && tw < w[c] - 4 ? x + w[c] - 4 - tw : x;
        cairo_move_to(cr, tx, p->y);
        cairo_show_text(cr, texts[c]);
        cairo_restore(cr);
        x += w[c];
    }
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    if (header) {
        cairo_set_line_width(cr, 0.5);
        cairo_move_to(cr, p->margin, p->y + 3);
        cairo_line_to(cr, x, p->y + 3);
        cairo_stroke(cr);
    }
    p->y += ROW_PT + (header ? 3 : 0);
}

void ictus_report_table_pdf(const ictus_report_table *t, ictus_report_pdf *p)
{
    cairo_t *cr = p->cr;
    int n = t->n_cols, rows = ictus_report_table_rows(t);
    double *w = ictus_xcalloc((size_t)n, sizeof *w);
    const char **texts = ictus_xcalloc((size_t)n, sizeof *texts);
    bool *numeric = ictus_xcalloc((size_t)n, sizeof *numeric);
    cairo_set_font_size(cr, FONT_PT);
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
    for (int c = 0; c < n; c++)
        w[c] = text_width(cr, t->headers[c]);
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    for (int i = 0; i < t->n_cells; i++) {
        double tw = text_width(cr, t->cells[i].text);
        if (tw > w[i % n])
            w[i % n] = tw;
    }
    double total = 0, room = p->width - 2 * p->margin;
    for (int c = 0; c < n; c++)
        total += w[c] = fmin(w[c], MAX_COL_PT) + 8;
    for (int c = 0; c < n && total > room; c++)
        w[c] *= room / total;

    if (p->y + TITLE_PT + 3 * ROW_PT > p->height - p->margin)
        ictus_report_pdf_page(p, p->height);
    p->y += TITLE_PT;
    cairo_set_source_rgb(cr, 0, 0, 0);
    ictus_plot_text(cr, p->margin, p->y, TITLE_PT, 0, false, t->title);
    p->y += ROW_PT + 4;
    pdf_row(p, t->headers, NULL, n, w, true);
    if (rows == 0) {
        const char *none = "(none)";
        pdf_row(p, &none, NULL, 1, w, false);
    }
    for (int r = 0; r < rows; r++) {
        if (p->y > p->height - p->margin) {
            ictus_report_pdf_page(p, p->height);
            pdf_row(p, t->headers, NULL, n, w, true);
        }
        int k = 0;
        for (int c = 0; c < n; c++) {
            int i = r * n + c;
            texts[c] = i < t->n_cells ? t->cells[i].text : "";
            numeric[c] = i < t->n_cells && t->cells[i].numeric;
            k++;
        }
        pdf_row(p, texts, numeric, k, w, false);
    }
    p->y += ROW_PT;
    free(numeric);
    free(texts);
    free(w);
}
