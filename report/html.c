/* html.c: the reports' page kit: escaping, tables, JSON, figures, atomic files, PDF headings. */
#include "report/html.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/filehash.h"
#include "base/path.h"

/* ---- page style and script ---------------------------------------------------- */

const char ictus_html_style[] =
    "body{font-family:sans-serif;max-width:1000px;margin:0 auto;padding:0 16px;color:#111}"
    "nav a{margin-right:12px}h2{border-bottom:1px solid #999;margin-top:40px}"
    "table{border-collapse:collapse;margin:8px 0;font-size:13px}"
    "th,td{border:1px solid #bbb;padding:2px 6px;text-align:left;max-width:360px;"
    "overflow-wrap:anywhere}th{background:#eee;cursor:pointer}td.n{text-align:right}"
    "figure{margin:16px 0}figcaption{font-size:13px;color:#333;max-width:900px}"
    "svg{max-width:100%;height:auto}dl{display:grid;grid-template-columns:max-content auto;gap:2px 16px}"
    "dt{font-weight:bold}dd{margin:0;overflow-wrap:anywhere}pre{font-size:12px;white-space:pre-wrap}"
    ".wide{overflow-x:auto}.warning{border:2px solid #d55e00;background:#fff3e6;padding:6px 10px}"
    "summary{font-weight:bold;font-size:1.17em;margin:18px 0 8px;cursor:pointer}";

/* Sorts a table by the clicked column: numbers as numbers, then text. */
const char ictus_html_script[] =
    "document.querySelectorAll('table.sortable th').forEach(function (th) {\n"
    "  th.addEventListener('click', function () {\n"
    "    var body = th.closest('table').tBodies[0], i = th.cellIndex;\n"
    "    var dir = th.dataset.dir === 'asc' ? -1 : 1;\n"
    "    th.dataset.dir = dir === 1 ? 'asc' : 'desc';\n"
    "    Array.from(body.rows).sort(function (a, b) {\n"
    "      var x = a.cells[i].textContent, y = b.cells[i].textContent;\n"
    "      var nx = parseFloat(x), ny = parseFloat(y);\n"
    "      if (!isNaN(nx) && !isNaN(ny)) return dir * (nx - ny);\n"
    "      return dir * x.localeCompare(y);\n"
    "    }).forEach(function (r) { body.appendChild(r); });\n"
    "  });\n"
    "});\n";

/* ---- HTML text ------------------------------------------------------------------- */

void ictus_html_esc(ictus_strbuf *b, const char *s)
{
    ictus_strbuf_add_html(b, s);
}

void ictus_html_num(char *buf, size_t size, double v)
{
    if (isfinite(v))
        snprintf(buf, size, "%.4g", v);
    else
        buf[0] = '\0';
}

void ictus_html_table_open(ictus_strbuf *b, const char *id, const char *const *headers, int n)
{
    ictus_strbuf_addf(b, "<table class=\"sortable\" id=\"%s\"><thead><tr>", id);
    for (int i = 0; i < n; i++) {
        ictus_strbuf_add(b, "<th>");
        ictus_html_esc(b, headers[i]);
        ictus_strbuf_add(b, "</th>");
    }
    ictus_strbuf_add(b, "</tr></thead><tbody>\n");
}

void ictus_html_cell_text(ictus_strbuf *b, const char *s)
{
    ictus_strbuf_add(b, "<td>");
    ictus_html_esc(b, s);
    ictus_strbuf_add(b, "</td>");
}

void ictus_html_cell_num(ictus_strbuf *b, double v)
{
    char buf[32];
    ictus_html_num(buf, sizeof buf, v);
    ictus_strbuf_addf(b, "<td class=\"n\">%s</td>", buf);
}

/* ---- JSON -------------------------------------------------------------------------- */

void ictus_json_string(ictus_strbuf *b, const char *s)
{
    ictus_strbuf_add(b, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            ictus_strbuf_addf(b, "\\%c", *p);
        else if (*p < 0x20 || *p == '<' || *p == '>' || *p == '&')
            ictus_strbuf_addf(b, "\\u%04x", *p);
        else
            ictus_strbuf_addf(b, "%c", *p);
    }
    ictus_strbuf_add(b, "\"");
}

void ictus_json_number(ictus_strbuf *b, double v)
{
    if (isfinite(v))
        ictus_strbuf_addf(b, "%.17g", v);
    else
        ictus_strbuf_add(b, "null");
}

void ictus_json_key_string(ictus_strbuf *b, const char *key, const char *v)
{
    ictus_strbuf_addf(b, "\"%s\":", key);
    ictus_json_string(b, v);
}

void ictus_json_key_number(ictus_strbuf *b, const char *key, double v)
{
    ictus_strbuf_addf(b, "\"%s\":", key);
    ictus_json_number(b, v);
}

/* ---- figures ------------------------------------------------------------------------ */

ictus_status ictus_html_figure(ictus_strbuf *b, const char *id, const char *title,
                               const char *caption, ictus_plot_draw_fn draw, const void *ctx,
                               double width, double height, ictus_error *err)
{
    ictus_strbuf_addf(b, "<figure id=\"fig-%s\"><h3>", id);
    ictus_html_esc(b, title);
    ictus_strbuf_add(b, "</h3>\n");
    char prefix[80];
    snprintf(prefix, sizeof prefix, "%s-", id);
    ictus_status st = ictus_plot_svg(draw, ctx, width, height, prefix, b, err);
    if (st != ICTUS_OK)
        return st;
    ictus_strbuf_add(b, "<figcaption>");
    ictus_html_esc(b, caption);
    ictus_strbuf_addf(b, "</figcaption></figure>\n<script type=\"application/json\" id=\"data-%s\">",
                      id);
    return ICTUS_OK;
}

void ictus_html_figure_end(ictus_strbuf *b)
{
    ictus_strbuf_add(b, "</script>\n");
}

/* ---- files ----------------------------------------------------------------------------- */

ictus_status ictus_html_write_file(const char *path, const char *text, ictus_error *err)
{
    char tmp[ICTUS_PATH_MAX];
    ictus_status st = ictus_path_format(tmp, sizeof tmp, err, "%s.tmp-%ld", path, (long)getpid());
    if (st != ICTUS_OK)
        return st;
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return ictus_fail(err, ICTUS_ERR_IO, "%s: %s", tmp, strerror(errno));
    size_t n = strlen(text);
    bool ok = fwrite(text, 1, n, f) == n;
    ok = fflush(f) == 0 && ok;
    ok = fsync(fileno(f)) == 0 && ok;
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        int e = errno;
        remove(tmp);
        return ictus_fail(err, ICTUS_ERR_IO, "%s: %s", path, strerror(e));
    }
    return ICTUS_OK;
}

/* ---- PDF pages --------------------------------------------------------------------------- */

void ictus_html_pdf_heading(cairo_t *cr, double margin, const char *section_title,
                            const char *title)
{
    cairo_set_source_rgb(cr, 0, 0, 0);
    ictus_plot_text(cr, margin, margin, 16, 0, false, section_title);
    ictus_plot_text(cr, margin, margin + 18, 11, 0, false, title);
}

ictus_status ictus_html_pdf_finish(cairo_surface_t *s, cairo_t *cr, const char *path,
                                   ictus_error *err)
{
    cairo_status_t cs = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    if (cs == CAIRO_STATUS_SUCCESS)
        cs = cairo_surface_status(s);
    cairo_surface_destroy(s);
    if (cs != CAIRO_STATUS_SUCCESS)
        return ictus_fail(err, ICTUS_ERR_IO, "%s: cannot write the PDF: %s", path,
                          cairo_status_to_string(cs));
    return ICTUS_OK;
}

/* ---- shared glyph outlines ------------------------------------------------------------- */

/* A glyph outline of the page: where its element and body lie, and its shared index. */
typedef struct {
    size_t start, end;          /* the whole <symbol ...>...</symbol> element */
    size_t id, id_len;          /* its id attribute's value */
    size_t body, body_len;      /* what lies between the tags (one path) */
    size_t shared;              /* the index of the first symbol with the same body */
} glyph_symbol;

/* An open-addressing table of symbol indices (SIZE_MAX: empty), keyed by
 * their body (bodies) or their id (ids). */
typedef struct {
    size_t *slot;
    size_t cap;                 /* a power of two, over twice the entries */
} glyph_table;

static uint64_t text_hash(const char *s, size_t n)
{
    ictus_hash128 h = ictus_hash_bytes(s, n);
    return h.lo;
}

/* The slot where the key text[k, k + n) is, or the empty slot where it goes;
 * a stored symbol's key is its body (by_body) or its id. */
static size_t *table_find(const glyph_table *t, const glyph_symbol *syms, const char *text,
                          size_t k, size_t n, bool by_body)
{
    size_t i = (size_t)text_hash(text + k, n) & (t->cap - 1);
    for (;; i = (i + 1) & (t->cap - 1)) {
        size_t j = t->slot[i];
        if (j == SIZE_MAX)
            return &t->slot[i];
        size_t o = by_body ? syms[j].body : syms[j].id;
        size_t on = by_body ? syms[j].body_len : syms[j].id_len;
        if (on == n && memcmp(text + o, text + k, n) == 0)
            return &t->slot[i];
    }
}

static const char SYMBOL_OPEN[] = "<symbol overflow=\"visible\" id=\"";

/* Every glyph symbol of the page, in order. */
static glyph_symbol *find_symbols(const char *text, size_t *n_out)
{
    glyph_symbol *syms = NULL;
    size_t n = 0, cap = 0;
    for (const char *p = strstr(text, SYMBOL_OPEN); p; p = strstr(p, SYMBOL_OPEN)) {
        const char *id = p + sizeof SYMBOL_OPEN - 1, *id_end = strchr(id, '"');
        const char *body = id_end ? strchr(id_end, '>') : NULL;
        const char *close = body ? strstr(body, "</symbol>") : NULL;
        if (!close)
            break;
        body++;
        if (n == cap) {
            cap = cap ? 2 * cap : 256;
            syms = ictus_xrealloc(syms, cap * sizeof *syms);
        }
        syms[n++] = (glyph_symbol){(size_t)(p - text), (size_t)(close + 9 - text),
                                   (size_t)(id - text), (size_t)(id_end - id),
                                   (size_t)(body - text), (size_t)(close - body), 0};
        p = close;
    }
    *n_out = n;
    return syms;
}

void ictus_html_share_glyphs(ictus_strbuf *page)
{
    const char *text = ictus_strbuf_text(page);
    const char *body_tag = strstr(text, "<body>");
    size_t n = 0;
    glyph_symbol *syms = find_symbols(text, &n);
    if (n == 0 || !body_tag) {
        free(syms);
        return;
    }
    glyph_table bodies = {NULL, 1}, ids = {NULL, 1};
    while (bodies.cap < 2 * n + 2)
        bodies.cap *= 2;
    ids.cap = bodies.cap;
    bodies.slot = ictus_xmalloc(bodies.cap * sizeof *bodies.slot);
    ids.slot = ictus_xmalloc(ids.cap * sizeof *ids.slot);
    memset(bodies.slot, 0xff, bodies.cap * sizeof *bodies.slot);
    memset(ids.slot, 0xff, ids.cap * sizeof *ids.slot);
    for (size_t i = 0; i < n; i++) {
        size_t *b = table_find(&bodies, syms, text, syms[i].body, syms[i].body_len, true);
        if (*b == SIZE_MAX)
            *b = i;
        syms[i].shared = *b;
        size_t *d = table_find(&ids, syms, text, syms[i].id, syms[i].id_len, false);
        if (*d == SIZE_MAX)
            *d = i;
    }

    /* The page again: the shared outlines after <body>, the symbols left out, each
     * href="#ID" of a symbol pointing at its shared outline. */
    ictus_strbuf out = {0};
    size_t at = (size_t)(strchr(body_tag, '>') + 1 - text);
    ictus_strbuf_addn(&out, text, at);
    ictus_strbuf_add(&out, "\n<svg width=\"0\" height=\"0\" style=\"position:absolute\" "
                           "aria-hidden=\"true\"><defs>");
    for (size_t i = 0; i < n; i++)
        if (syms[i].shared == i)
        {
            ictus_strbuf_addf(&out, "<symbol overflow=\"visible\" id=\"shared-glyph-%zu\">", i);
            ictus_strbuf_addn(&out, text + syms[i].body, syms[i].body_len);
            ictus_strbuf_add(&out, "</symbol>");
        }
    ictus_strbuf_add(&out, "</defs></svg>");
    static const char HREF[] = "href=\"#";
    size_t len = page->len, next_sym = 0;
    const char *h = strstr(text + at, HREF);
    size_t href = h ? (size_t)(h - text) : len;
    while (at < len) {
        while (next_sym < n && syms[next_sym].start < at)
            next_sym++;
        if (href < at) {
            h = strstr(text + at, HREF);
            href = h ? (size_t)(h - text) : len;
        }
        size_t sym = next_sym < n ? syms[next_sym].start : len;
        if (sym < href) { /* a symbol: left out */
            ictus_strbuf_addn(&out, text + at, sym - at);
            at = syms[next_sym].end;
            continue;
        }
        if (href == len) {
            ictus_strbuf_addn(&out, text + at, len - at);
            break;
        }
        size_t id = href + sizeof HREF - 1;
        const char *id_end = strchr(text + id, '"');
        size_t id_len = id_end ? (size_t)(id_end - text) - id : 0;
        size_t *d = id_len ? table_find(&ids, syms, text, id, id_len, false) : NULL;
        ictus_strbuf_addn(&out, text + at, id - at);
        at = id;
        if (d && *d != SIZE_MAX) {
            ictus_strbuf_addf(&out, "shared-glyph-%zu", syms[*d].shared);
            at += id_len;
        }
    }
    free(bodies.slot);
    free(ids.slot);
    free(syms);
    ictus_strbuf_free(page);
    *page = out;
}
