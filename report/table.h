/* table.h: a report table built once, written as a sortable HTML table and as PDF pages.
 *
 * The report's tables (animals, responses, tests, artefacts, failed
 * recordings) are filled cell by cell, row-major, as text or numbers; then
 * ictus_report_table_html() writes a <table class="sortable"> whose header
 * click sorts a column (report.c's script: numbers as numbers), and
 * ictus_report_table_pdf() draws the same cells on PDF pages, starting new
 * pages as it fills them (the header row repeated on each).  A number is
 * written with 4 significant digits, NaN as an empty cell.  Every text is
 * escaped in HTML; on the PDF a cell wider than its column is cut at the
 * column's edge (clipped), never running into the next one.
 *
 * Lifecycle: ictus_report_table_init() → _text()/_num() → html/pdf →
 * ictus_report_table_clear().
 * Thread safety: a table is plain data, one thread at a time.
 */
#ifndef ICTUS_REPORT_TABLE_H
#define ICTUS_REPORT_TABLE_H

#include <stdbool.h>
#include <cairo.h>

#include "base/strbuf.h"

typedef struct {
    char *text;
    bool numeric;            /* right-aligned; sorted as a number */
} ictus_report_cell;

typedef struct {
    const char *id;          /* the HTML id (static text) */
    const char *title;       /* an <h3> above it, the PDF's heading (static text) */
    int n_cols;
    const char *const *headers; /* [n_cols], units in them (static text) */
    int n_cells, cap;
    ictus_report_cell *cells;   /* row-major; the last row may be incomplete while filling */
} ictus_report_table;

void ictus_report_table_init(ictus_report_table *t, const char *id, const char *title,
                             const char *const *headers, int n_cols);
void ictus_report_table_text(ictus_report_table *t, const char *s);
void ictus_report_table_num(ictus_report_table *t, double v);
void ictus_report_table_clear(ictus_report_table *t);

/* Rows so far (complete or not). */
int ictus_report_table_rows(const ictus_report_table *t);

/* Append <h3>title</h3><table ...>...</table> to b. */
void ictus_report_table_html(const ictus_report_table *t, ictus_strbuf *b);

/* A PDF being written page by page: where the next line goes. */
typedef struct {
    cairo_surface_t *surface;
    cairo_t *cr;
    double width, height, margin; /* the page size (points) and its margins */
    double y;                     /* the next baseline; ≥ height − margin: the page is full */
    const char *heading;          /* drawn at the top of every new page (the section's title) */
} ictus_report_pdf;

/* Start a new page of `height` points (the width stays), headed by p->heading. */
void ictus_report_pdf_page(ictus_report_pdf *p, double height);

/* Draw t's title and rows from p->y on, starting new pages (of p->height)
 * as they fill. */
void ictus_report_table_pdf(const ictus_report_table *t, ictus_report_pdf *p);

#endif
