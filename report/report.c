/* report.c: the report: the study summary, tables and figures into index.html and report.pdf. */
#include "report/report.h"

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
#include "base/walltime.h"
#include "report/exports.h"
#include "report/figures.h"
#include "report/gallery.h"

/* The sections, in order: HTML ids and titles (the PDF's page headings too). */
typedef struct {
    const char *id, *title;
} section;
static const section SECTIONS[] = {
    {"summary", "1. Study summary"},
    {"raster", "2. Seizures over the study"},
    {"rates", "3. Seizure rate per animal"},
    {"drugs", "4. Drugs and response"},
    {"circadian", "5. Time of day and intervals"},
    {"quality", "6. Data quality"},
    {"gallery", "7. Event gallery"},
};
#define N_SECTIONS ((int)(sizeof SECTIONS / sizeof SECTIONS[0]))

/* ---- HTML text -------------------------------------------------------------- */

/* Append s with &, <, >, " and ' as entities: safe in text and quoted attributes. */
static void esc(ictus_strbuf *b, const char *s)
{
    const char *run = s;
    for (; *s; s++) {
        const char *e = *s == '&' ? "&amp;" : *s == '<' ? "&lt;" : *s == '>' ? "&gt;"
                        : *s == '"' ? "&quot;" : *s == '\'' ? "&#39;" : NULL;
        if (!e)
            continue;
        ictus_strbuf_addf(b, "%.*s%s", (int)(s - run), run, e);
        run = s + 1;
    }
    ictus_strbuf_add(b, run);
}

static void num(char *buf, size_t size, double v)
{
    if (isfinite(v))
        snprintf(buf, size, "%.4g", v);
    else
        buf[0] = '\0';
}

/* A sortable table: open with its column headers (units in them). */
static void table_open(ictus_strbuf *b, const char *id, const char *const *headers, int n)
{
    ictus_strbuf_addf(b, "<table class=\"sortable\" id=\"%s\"><thead><tr>", id);
    for (int i = 0; i < n; i++) {
        ictus_strbuf_add(b, "<th>");
        esc(b, headers[i]);
        ictus_strbuf_add(b, "</th>");
    }
    ictus_strbuf_add(b, "</tr></thead><tbody>\n");
}

static void cell_text(ictus_strbuf *b, const char *s)
{
    ictus_strbuf_add(b, "<td>");
    esc(b, s);
    ictus_strbuf_add(b, "</td>");
}

static void cell_num(ictus_strbuf *b, double v)
{
    char buf[32];
    num(buf, sizeof buf, v);
    ictus_strbuf_addf(b, "<td class=\"n\">%s</td>", buf);
}

/* ---- the summary: one list of (key, value) for the HTML and the PDF ----------- */

typedef struct {
    char *key, *value;
} item;

typedef struct {
    item *items;
    int n, cap;
} items;

static void add_item(items *l, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void add_item(items *l, const char *key, const char *fmt, ...)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 16;
        l->items = ictus_xrealloc(l->items, (size_t)l->cap * sizeof *l->items);
    }
    ictus_strbuf v = {0};
    va_list ap;
    va_start(ap, fmt);
    ictus_strbuf_vaddf(&v, fmt, ap);
    va_end(ap);
    l->items[l->n++] = (item){ictus_xstrdup(key), ictus_strbuf_take(&v)};
}

static void items_clear(items *l)
{
    for (int i = 0; i < l->n; i++) {
        free(l->items[i].key);
        free(l->items[i].value);
    }
    free(l->items);
}

static void utc_text(int64_t unix_us, char *buf, size_t size)
{
    time_t t = (time_t)(unix_us / 1000000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, size, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

static void summary_items(const ictus_report_ctx *c, items *l)
{
    const ictus_study *st = c->study;
    const ictus_report_data *d = c->d;
    add_item(l, "study", "%s", st->name);
    ictus_strbuf models = {0};
    for (int a = 0; a < st->n_animals; a++) {
        bool seen = !st->animals[a].model[0];
        for (int b = 0; b < a && !seen; b++)
            seen = strcmp(st->animals[b].model, st->animals[a].model) == 0;
        if (!seen)
            ictus_strbuf_join(&models, ", ", st->animals[a].model);
    }
    add_item(l, "animals", "%d (models: %s)", st->n_animals,
             models.len ? ictus_strbuf_text(&models) : "not given");
    ictus_strbuf_free(&models);
    ictus_strbuf ex = {0};
    for (int e = 0; e < c->n_exposures; e++) {
        char lab[160];
        ictus_report_exposure_label(c->exposures[e], lab, sizeof lab);
        ictus_strbuf_join(&ex, "; ", lab);
    }
    add_item(l, "drugs and doses", "%s", ex.len ? ictus_strbuf_text(&ex) : "none");
    ictus_strbuf_free(&ex);
    double an_s = 0, rec_s = 0;
    for (int a = 0; a < st->n_animals; a++)
        for (int k = 0; k < d->n_days; k++) {
            an_s += d->day_analysable_s[(size_t)a * d->n_days + k];
            rec_s += d->day_recorded_s[(size_t)a * d->n_days + k];
        }
    char day0[32];
    ictus_walltime_format(d->t0_us, day0, sizeof day0);
    day0[10] = '\0';
    size_t n_ok = 0;
    for (size_t r = 0; r < d->n_recordings; r++)
        n_ok += d->recordings[r].status == ICTUS_REC_OK;
    add_item(l, "recording days", "%d calendar day%s from %s; %zu recordings stored (%zu ok)",
             d->n_days, d->n_days == 1 ? "" : "s", day0, d->n_recordings, n_ok);
    add_item(l, "analysable time", "%.1f h of %.1f h recorded (%.1f %%)", an_s / 3600,
             rec_s / 3600, rec_s > 0 ? 100 * an_s / rec_s : 0.0);
    add_item(l, "seizures counted", "%lld (events = %s)", (long long)c->an->n_seizures,
             c->an->settings.events == ICTUS_EVENTS_CONFIRMED ? "confirmed"
             : c->an->settings.events == ICTUS_EVENTS_CONFIRMED_OR_SCORE ? "confirmed_or_score"
                                                                       : "detected");
    add_item(l, "preset", "%s", st->preset);
    ictus_strbuf det = {0};
    for (int i = 0; i < c->an->n_detection; i++)
        ictus_strbuf_join(&det, "; ", c->an->detection[i]);
    add_item(l, "detection (preset, parameter hash)", "%s", det.len ? ictus_strbuf_text(&det) : "none");
    ictus_strbuf_free(&det);
    add_item(l, "analysis settings hash", "%s", c->an->settings_hash);
    add_item(l, "program version", "ictus %s", ICTUS_VERSION);
    char when[64];
    utc_text((int64_t)time(NULL) * 1000000, when, sizeof when);
    add_item(l, "report written", "%s", when);
    if (d->has_run) {
        utc_text(d->last_run.started_unix_us, when, sizeof when);
        size_t n_new = 0, n_again = 0, n_failed = 0;
        for (size_t r = 0; r < d->n_recordings; r++) {
            const ictus_report_recording *rec = &d->recordings[r];
            if (rec->has_results && rec->results_run_id == d->last_run.id)
                *(rec->first_run_id == d->last_run.id ? &n_new : &n_again) += 1;
            else if (rec->last_run_id == d->last_run.id && rec->status != ICTUS_REC_OK)
                n_failed++;
        }
        add_item(l, "last run", "#%lld, %s, %s", (long long)d->last_run.id, when,
                 ictus_run_status_name(d->last_run.status));
        add_item(l, "changed in the last run",
                 "%zu recordings new, %zu processed again, %zu failed or incomplete", n_new,
                 n_again, n_failed);
    }
}

/* ---- HTML -------------------------------------------------------------------- */

static const char STYLE[] =
    "body{font-family:sans-serif;max-width:1000px;margin:0 auto;padding:0 16px;color:#111}"
    "nav a{margin-right:12px}h2{border-bottom:1px solid #999;margin-top:40px}"
    "table{border-collapse:collapse;margin:8px 0;font-size:13px}"
    "th,td{border:1px solid #bbb;padding:2px 6px;text-align:left;max-width:360px;"
    "overflow-wrap:anywhere}th{background:#eee;cursor:pointer}td.n{text-align:right}"
    "figure{margin:16px 0}figcaption{font-size:13px;color:#333;max-width:900px}"
    "svg{max-width:100%;height:auto}dl{display:grid;grid-template-columns:max-content auto;gap:2px 16px}"
    "dt{font-weight:bold}dd{margin:0;overflow-wrap:anywhere}pre{font-size:12px;white-space:pre-wrap}";

/* Sorts a table by the clicked column: numbers as numbers, then text. */
static const char SCRIPT[] =
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

static ictus_status html_figure(ictus_strbuf *b, const ictus_report_figure *f,
                                const ictus_report_ctx *c, const char *id, ictus_error *err)
{
    ictus_strbuf_addf(b, "<figure id=\"fig-%s\"><h3>", id);
    esc(b, f->title);
    if (f->per_exposure) {
        char lab[160];
        ictus_report_exposure_label(c->exposures[c->exposure], lab, sizeof lab);
        ictus_strbuf_add(b, ": ");
        esc(b, lab);
    }
    ictus_strbuf_add(b, "</h3>\n");
    char prefix[80];
    snprintf(prefix, sizeof prefix, "%s-", id);
    ictus_status st = ictus_plot_svg(f->draw, c, f->width, f->height(c), prefix, b, err);
    if (st != ICTUS_OK)
        return st;
    ictus_strbuf_add(b, "<figcaption>");
    esc(b, f->caption);
    ictus_strbuf_addf(b, "</figcaption></figure>\n<script type=\"application/json\" id=\"data-%s\">",
                      id);
    f->data(b, c);
    ictus_strbuf_add(b, "</script>\n");
    return ICTUS_OK;
}

/* Every figure of `sec` (per-exposure ones once per exposure); *n counts them. */
static ictus_status html_figures(ictus_strbuf *b, const char *sec, ictus_report_ctx *c, int *n,
                                 ictus_error *err)
{
    for (int i = 0; i < ictus_report_n_figures; i++) {
        const ictus_report_figure *f = &ictus_report_figures[i];
        if (strcmp(f->section, sec) != 0)
            continue;
        int reps = f->per_exposure ? c->n_exposures : 1;
        for (int e = 0; e < reps; e++) {
            c->exposure = e;
            char id[64];
            if (f->per_exposure)
                snprintf(id, sizeof id, "%s-%d", f->id, e + 1);
            else
                snprintf(id, sizeof id, "%s", f->id);
            ictus_status st = html_figure(b, f, c, id, err);
            if (st != ICTUS_OK)
                return st;
            (*n)++;
        }
    }
    return ICTUS_OK;
}

static void html_summary(ictus_strbuf *b, const ictus_report_ctx *c, const items *l)
{
    ictus_strbuf_add(b, "<dl>");
    for (int i = 0; i < l->n; i++) {
        ictus_strbuf_add(b, "<dt>");
        esc(b, l->items[i].key);
        ictus_strbuf_add(b, "</dt><dd>");
        esc(b, l->items[i].value);
        ictus_strbuf_add(b, "</dd>");
    }
    ictus_strbuf_add(b, "</dl>\n<h3>Animals</h3>\n");
    static const char *const heads[] = {"animal", "model", "sex", "strain", "group",
                                        "periods", "seizures counted", "analysable (h)"};
    table_open(b, "animals", heads, 8);
    for (int a = 0; a < c->study->n_animals; a++) {
        const ictus_animal *an = &c->study->animals[a];
        double s = 0;
        for (int k = 0; k < c->d->n_days; k++)
            s += c->d->day_analysable_s[(size_t)a * c->d->n_days + k];
        ictus_strbuf_add(b, "<tr>");
        cell_text(b, an->id);
        cell_text(b, an->model);
        cell_text(b, an->sex);
        cell_text(b, an->strain);
        cell_text(b, an->group);
        cell_num(b, an->n_periods);
        cell_num(b, (double)c->d->n_seizures[a]);
        cell_num(b, s / 3600);
        ictus_strbuf_add(b, "</tr>\n");
    }
    ictus_strbuf_add(b, "</tbody></table>\n<h3>Analysis settings</h3><pre>");
    esc(b, c->an->settings_text);
    ictus_strbuf_add(b, "</pre>\n");
}

static void html_drug_tables(ictus_strbuf *b, const ictus_report_ctx *c)
{
    ictus_strbuf_add(b, "<h3>Each animal's response (all seizure types)</h3>\n");
    static const char *const heads[] = {
        "animal", "exposure", "baseline (/24 h)", "rate (/24 h)", "change (%)",
        "analysable (h)", "class", "undetermined why", "trial", "course", "drug resistance"};
    table_open(b, "responders", heads, 11);
    for (size_t i = 0; i < c->an->n_outcomes; i++) {
        const ictus_outcome *o = &c->an->outcomes[i];
        if (o->type != 0 || o->condition->kind == ICTUS_PERIOD_BASELINE)
            continue;
        char lab[160], trial[96];
        ictus_report_exposure_label(o->condition, lab, sizeof lab);
        ictus_trial_reasons(o->trial, trial, sizeof trial);
        ictus_strbuf_add(b, "<tr>");
        cell_text(b, o->animal_id);
        cell_text(b, lab);
        cell_num(b, o->ref.rate_per_24h);
        cell_num(b, o->m.rate_per_24h);
        cell_num(b, o->response.pct_change);
        cell_num(b, o->m.analysable_s / 3600);
        cell_text(b, ictus_class_name(o->response.cls));
        cell_text(b, ictus_why_name(o->response.why));
        cell_text(b, o->condition->kind != ICTUS_PERIOD_TREATMENT ? ""
                     : o->trial ? trial : "adequate");
        cell_text(b, ictus_course_name(o->course));
        cell_text(b, ictus_resistance_name(o->resistance));
        ictus_strbuf_add(b, "</tr>\n");
    }
    ictus_strbuf_add(b, "</tbody></table>\n<h3>Statistical tests (all seizure types)</h3>\n");
    ictus_strbuf_addf(b, "<p>Two-sided; intervals at %g %%; rank tests exact up to %d values "
                         "(comparisons.csv holds every type).</p>\n",
                      100 * c->an->settings.ci_level, c->an->settings.exact_max_n);
    static const char *const th[] = {"exposure", "test", "versus", "n", "k", "estimate of",
                                     "estimate", "CI low", "CI high", "statistic", "p", "note"};
    table_open(b, "tests", th, 12);
    for (size_t i = 0; i < c->an->n_comparisons; i++) {
        const ictus_comparison *k = &c->an->comparisons[i];
        if (k->type != 0)
            continue;
        char lab[160];
        ictus_report_exposure_label(k->condition, lab, sizeof lab);
        ictus_strbuf_add(b, "<tr>");
        cell_text(b, lab);
        cell_text(b, ictus_test_name(k->test));
        cell_text(b, ictus_versus_name(k->versus));
        cell_num(b, (double)k->n);
        cell_num(b, (double)k->k);
        cell_text(b, ictus_comparison_estimate_of(k->test, k->condition->kind));
        cell_num(b, k->estimate);
        cell_num(b, k->ci_lo);
        cell_num(b, k->ci_hi);
        cell_num(b, k->statistic);
        cell_num(b, k->p);
        cell_text(b, k->note);
        ictus_strbuf_add(b, "</tr>\n");
    }
    ictus_strbuf_add(b, "</tbody></table>\n");
}

static void html_quality_tables(ictus_strbuf *b, const ictus_report_ctx *c)
{
    const ictus_report_data *d = c->d;
    ictus_strbuf_add(b, "<h3>Recorded and analysable time, artefacts</h3>\n");
    static const char *const heads[] = {"animal", "recorded (h)", "analysable (h)",
                                        "not analysable (%)", "clip (windows)", "flat (windows)",
                                        "extreme (windows)", "emg (windows)", "gap (windows)"};
    table_open(b, "artefacts", heads, 4 + ICTUS_STORE_N_ARTEFACT_KINDS);
    for (int a = 0; a < c->study->n_animals; a++) {
        double rec = 0, an = 0;
        for (int k = 0; k < d->n_days; k++) {
            rec += d->day_recorded_s[(size_t)a * d->n_days + k];
            an += d->day_analysable_s[(size_t)a * d->n_days + k];
        }
        ictus_strbuf_add(b, "<tr>");
        cell_text(b, c->study->animals[a].id);
        cell_num(b, rec / 3600);
        cell_num(b, an / 3600);
        cell_num(b, rec > 0 ? 100 * (1 - an / rec) : NAN);
        for (int k = 0; k < ICTUS_STORE_N_ARTEFACT_KINDS; k++)
            cell_num(b, (double)d->artefacts[(size_t)a * ICTUS_STORE_N_ARTEFACT_KINDS + k]);
        ictus_strbuf_add(b, "</tr>\n");
    }
    ictus_strbuf_add(b, "</tbody></table>\n<h3>Recordings that failed</h3>\n");
    static const char *const fh[] = {"recording", "animal", "status", "why",
                                     "results kept (events)"};
    table_open(b, "failed", fh, 5);
    for (size_t r = 0; r < d->n_recordings; r++) {
        const ictus_report_recording *rec = &d->recordings[r];
        if (rec->status == ICTUS_REC_OK)
            continue;
        ictus_strbuf_add(b, "<tr>");
        cell_text(b, rec->path);
        cell_text(b, rec->animal);
        cell_text(b, ictus_rec_status_name(rec->status));
        cell_text(b, rec->error);
        cell_num(b, rec->has_results ? (double)rec->n_events : NAN);
        ictus_strbuf_add(b, "</tr>\n");
    }
    ictus_strbuf_add(b, "</tbody></table>\n<h3>Manifest problems</h3>\n<ul id=\"problems\">");
    for (int i = 0; i < c->study->problems.n; i++) {
        ictus_strbuf_add(b, "<li>");
        esc(b, c->study->problems.lines[i]);
        ictus_strbuf_add(b, "</li>");
    }
    ictus_strbuf_addf(b, "</ul>%s\n", c->study->problems.n ? "" : "<p>None.</p>");
}

static ictus_status html_build(ictus_report_ctx *c, const items *summary, ictus_strbuf *b,
                               int *n_figures, ictus_error *err)
{
    ictus_strbuf_add(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                        "<title>ictus report: ");
    esc(b, c->study->name);
    ictus_strbuf_addf(b, "</title>\n<style>%s</style></head>\n<body>\n<h1>Cohort report: ", STYLE);
    esc(b, c->study->name);
    ictus_strbuf_add(b, "</h1>\n<nav>");
    for (int s = 0; s < N_SECTIONS; s++)
        ictus_strbuf_addf(b, "<a href=\"#%s\">%s</a>", SECTIONS[s].id, SECTIONS[s].title);
    ictus_strbuf_add(b, "</nav>\n");
    ictus_status st = ICTUS_OK;
    for (int s = 0; s < N_SECTIONS && st == ICTUS_OK; s++) {
        ictus_strbuf_addf(b, "<section id=\"%s\"><h2>%s</h2>\n", SECTIONS[s].id, SECTIONS[s].title);
        if (strcmp(SECTIONS[s].id, "summary") == 0)
            html_summary(b, c, summary);
        st = html_figures(b, SECTIONS[s].id, c, n_figures, err);
        if (strcmp(SECTIONS[s].id, "drugs") == 0)
            html_drug_tables(b, c);
        else if (strcmp(SECTIONS[s].id, "quality") == 0)
            html_quality_tables(b, c);
        else if (strcmp(SECTIONS[s].id, "gallery") == 0 && st == ICTUS_OK) {
            st = ictus_gallery_html(c->gallery, b, err);
            *n_figures += ictus_gallery_n_figures(c->gallery);
        }
        ictus_strbuf_add(b, "</section>\n");
    }
    ictus_strbuf_addf(b, "<script>\n%s</script>\n</body></html>\n", SCRIPT);
    return st;
}

/* ---- PDF ------------------------------------------------------------------------- */

/* PDF page layout, points: margins, the heading above a figure, room for its caption below. */
static const double PAGE_MARGIN = 36, HEAD = 56, CAPTION = 60;

static void pdf_heading(cairo_t *cr, const char *section_title, const char *title)
{
    cairo_set_source_rgb(cr, 0, 0, 0);
    ictus_plot_text(cr, PAGE_MARGIN, PAGE_MARGIN, 16, 0, false, section_title);
    ictus_plot_text(cr, PAGE_MARGIN, PAGE_MARGIN + 18, 11, 0, false, title);
}

static const char *section_title(const char *id)
{
    for (int s = 0; s < N_SECTIONS; s++)
        if (strcmp(SECTIONS[s].id, id) == 0)
            return SECTIONS[s].title;
    return id;
}

static ictus_status pdf_write(ictus_report_ctx *c, const items *summary, const char *path,
                              ictus_error *err)
{
    double w = 900 + 2 * PAGE_MARGIN, h = 842;
    cairo_surface_t *s = cairo_pdf_surface_create(path, w, h);
    cairo_t *cr = cairo_create(s);
    pdf_heading(cr, SECTIONS[0].title, c->study->name);
    for (int i = 0; i < summary->n; i++) {
        char line[1024];
        snprintf(line, sizeof line, "%s: %s", summary->items[i].key, summary->items[i].value);
        ictus_plot_text(cr, PAGE_MARGIN, PAGE_MARGIN + HEAD + 16.0 * i, 10, 0, false, line);
    }
    cairo_show_page(cr);
    for (int i = 0; i < ictus_report_n_figures; i++) {
        const ictus_report_figure *f = &ictus_report_figures[i];
        int reps = f->per_exposure ? c->n_exposures : 1;
        for (int e = 0; e < reps; e++) {
            c->exposure = e;
            double fh = f->height(c);
            cairo_pdf_surface_set_size(s, f->width + 2 * PAGE_MARGIN,
                                       fh + HEAD + CAPTION + 2 * PAGE_MARGIN);
            char title[256];
            if (f->per_exposure) {
                char lab[160];
                ictus_report_exposure_label(c->exposures[e], lab, sizeof lab);
                snprintf(title, sizeof title, "%s: %s", f->title, lab);
            } else {
                snprintf(title, sizeof title, "%s", f->title);
            }
            pdf_heading(cr, section_title(f->section), title);
            cairo_save(cr);
            cairo_translate(cr, PAGE_MARGIN, PAGE_MARGIN + HEAD);
            f->draw(cr, f->width, fh, c);
            cairo_restore(cr);
            cairo_set_source_rgb(cr, 0, 0, 0);
            ictus_plot_paragraph(cr, PAGE_MARGIN, PAGE_MARGIN + HEAD + fh + 16, f->width, 9,
                                 f->caption);
            cairo_show_page(cr);
        }
    }
    const ictus_gallery_pages pages = {PAGE_MARGIN, HEAD, section_title("gallery"), pdf_heading};
    ictus_gallery_pdf(c->gallery, s, cr, &pages);
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

/* ---- the whole report ------------------------------------------------------------ */

/* The distinct treatment drugs and the distinct treatment/vehicle exposures. */
static void build_lists(ictus_report_ctx *c)
{
    const ictus_analysis *an = c->an;
    c->drugs = ictus_xcalloc(an->n_outcomes + 1, sizeof *c->drugs);
    c->exposures = ictus_xcalloc(an->n_outcomes + 1, sizeof *c->exposures);
    for (size_t i = 0; i < an->n_outcomes; i++) {
        const ictus_condition *k = an->outcomes[i].condition;
        if (k->kind == ICTUS_PERIOD_BASELINE)
            continue;
        int e = 0;
        while (e < c->n_exposures && !ictus_condition_same(c->exposures[e], k))
            e++;
        if (e == c->n_exposures) {
            int at = c->n_exposures++;
            while (at > 0 && ictus_condition_cmp(c->exposures[at - 1], k) > 0) {
                c->exposures[at] = c->exposures[at - 1];
                at--;
            }
            c->exposures[at] = k;
        }
        if (k->kind != ICTUS_PERIOD_TREATMENT)
            continue;
        int g = 0;
        while (g < c->n_drugs && strcasecmp(c->drugs[g], k->drug) != 0)
            g++;
        if (g == c->n_drugs)
            c->drugs[c->n_drugs++] = k->drug;
    }
}

static ictus_status write_html_file(const char *path, const char *text, ictus_error *err)
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

static int64_t file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (int64_t)sb.st_size : -1;
}

static ictus_status write_files(ictus_report_ctx *c, const char *dir, ictus_report_summary *out,
                                ictus_error *err)
{
    items summary = {0};
    summary_items(c, &summary);
    ictus_strbuf html = {0};
    int n_figures = 0;
    char html_path[ICTUS_PATH_MAX], pdf_path[ICTUS_PATH_MAX], tmp[ICTUS_PATH_MAX];
    ictus_status st = html_build(c, &summary, &html, &n_figures, err);
    if (st == ICTUS_OK)
        st = ictus_path_join(html_path, sizeof html_path, dir, "index.html", err);
    if (st == ICTUS_OK)
        st = ictus_path_join(pdf_path, sizeof pdf_path, dir, "report.pdf", err);
    if (st == ICTUS_OK)
        st = ictus_path_format(tmp, sizeof tmp, err, "%s.tmp-%ld", pdf_path, (long)getpid());
    if (st == ICTUS_OK)
        st = write_html_file(html_path, ictus_strbuf_text(&html), err);
    if (st == ICTUS_OK) {
        st = pdf_write(c, &summary, tmp, err);
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
        out->n_figures = n_figures;
        out->n_gallery_cards = ictus_gallery_n_cards(c->gallery);
        out->n_animals = c->study->n_animals;
        out->n_problems = c->study->problems.n;
    }
    ictus_strbuf_free(&html);
    items_clear(&summary);
    return st;
}

ictus_status ictus_report_write(const char *study_dir, const ictus_report_options *opt,
                                ictus_report_summary *out, ictus_error *err)
{
    if (out)
        memset(out, 0, sizeof *out);
    ictus_study *study = NULL;
    ictus_analysis *an = NULL;
    ictus_status st = ictus_analysis_load(study_dir, NULL, &study, &an, err);
    if (st != ICTUS_OK)
        return st;
    char db[ICTUS_PATH_MAX];
    st = ictus_path_join(db, sizeof db, study_dir, "ictus.db", err);
    ictus_store *store = NULL;
    if (st == ICTUS_OK)
        st = ictus_store_open(db, &store, err);
    if (st == ICTUS_OK)
        st = ictus_report_write_analysis(study, an, store, opt, out, err);
    ictus_store_close(store);
    ictus_analysis_destroy(an);
    ictus_study_destroy(study);
    return st;
}

ictus_status ictus_report_write_analysis(const ictus_study *study, const ictus_analysis *an,
                                         ictus_store *store, const ictus_report_options *opt,
                                         ictus_report_summary *out, ictus_error *err)
{
    if (out)
        memset(out, 0, sizeof *out);
    char dir[ICTUS_PATH_MAX];
    ictus_status st;
    const char *given = opt && opt->out_dir && opt->out_dir[0] ? opt->out_dir : NULL;
    if (given) {
        st = ictus_path_format(dir, sizeof dir, err, "%s", given);
    } else {
        st = ictus_path_join(dir, sizeof dir, study->dir, "out", err);
        if (st == ICTUS_OK)
            st = ictus_outfile_mkdir(dir, err);
        if (st == ICTUS_OK)
            st = ictus_path_join(dir, sizeof dir, study->dir, "out/report", err);
    }
    if (st == ICTUS_OK)
        st = ictus_outfile_mkdir(dir, err);
    ictus_exports_options eo;
    ictus_exports_options_default(&eo);
    ictus_gallery_options go;
    ictus_gallery_options_default(&go);
    if (st == ICTUS_OK)
        st = ictus_exports_options_apply(&eo, study->config, err);
    if (st == ICTUS_OK)
        st = ictus_gallery_options_apply(&go, study->config, err);
    ictus_report_data data = {0};
    if (st == ICTUS_OK)
        st = ictus_report_data_read(study, an, store, &data, err);
    ictus_gallery *gallery = NULL;
    if (st == ICTUS_OK)
        st = ictus_gallery_build(study, an, store, &go, eo.video_padding_s, dir, &gallery, err);
    if (st == ICTUS_OK) {
        ictus_report_ctx c = {.study = study, .an = an, .d = &data, .gallery = gallery};
        build_lists(&c);
        st = write_files(&c, dir, out, err);
        free(c.drugs);
        free(c.exposures);
    }
    ictus_gallery_destroy(gallery);
    ictus_report_data_clear(&data);
    return st;
}
