/* report.c: the report: the study summary, tables and figures into index.html and report.pdf. */
#include "report/report.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cairo-pdf.h>

#include "base/outfile.h"
#include "base/strbuf.h"
#include "base/walltime.h"
#include "report/changes.h"
#include "report/exports.h"
#include "report/dm_table.h"
#include "report/dose_figure.h"
#include "report/figures.h"
#include "report/gallery.h"
#include "report/html.h"
#include "report/km_figures.h"
#include "report/table.h"

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

/* ---- HTML text (html.h; the short names read as before) ------------------------ */

static void esc(ictus_strbuf *b, const char *s) { ictus_html_esc(b, s); }

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
    add_item(l, "recording days", "%d calendar day%s from %s; %zu recordings stored (%zu ok)",
             d->n_days, d->n_days == 1 ? "" : "s", day0, d->n_recordings, d->n_ok);
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
}

/* A figure's title, with its exposure's label when it is drawn per exposure
 * (the HTML's <h3> and the PDF page's heading). */
static void figure_title(const ictus_report_figure *f, const ictus_report_ctx *c, char *buf,
                         size_t size)
{
    if (f->per_exposure) {
        char lab[160];
        ictus_report_exposure_label(c->exposures[c->exposure], lab, sizeof lab);
        snprintf(buf, size, "%s: %s", f->title, lab);
    } else {
        snprintf(buf, size, "%s", f->title);
    }
}

/* ---- HTML -------------------------------------------------------------------- */

static ictus_status html_figure(ictus_strbuf *b, const ictus_report_figure *f,
                                const ictus_report_ctx *c, const char *id, ictus_error *err)
{
    char title[256];
    figure_title(f, c, title, sizeof title);
    ictus_status st = ictus_html_figure(b, id, title, f->caption, f->draw, c, f->width,
                                        f->height(c), err);
    if (st != ICTUS_OK)
        return st;
    f->data(b, c);
    ictus_html_figure_end(b);
    return ICTUS_OK;
}

/* Every figure of `sec` (per-exposure ones once per exposure); *n counts them. */
static ictus_status html_figures(ictus_strbuf *b, const char *sec, ictus_report_ctx *c, int *n,
                                 ictus_error *err)
{
    for (int i = 0; i < ictus_report_n_figures; i++) {
        const ictus_report_figure *f = &ictus_report_figures[i];
        if (strcmp(f->section, sec) != 0 || (f->shown && !f->shown(c)))
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

/* ---- the tables: built once, written to the HTML and to the PDF ------------------ */

enum { T_ANIMALS, T_RESPONDERS, T_TESTS, T_ARTEFACTS, T_FAILED, T_DM, N_TABLES };

/* Each table's section (its place in the HTML and the PDF). */
static const char *const TABLE_SECTION[N_TABLES] = {"summary", "drugs", "drugs", "quality",
                                                    "quality", "drugs"};

/* Whether the report has table i (disease modification: only with its CSV). */
static bool table_shown(const ictus_report_ctx *c, int i)
{
    return i != T_DM || c->an->dm != NULL;
}

static double animal_analysable_s(const ictus_report_data *d, int a)
{
    double s = 0;
    for (int k = 0; k < d->n_days; k++)
        s += d->day_analysable_s[(size_t)a * d->n_days + k];
    return s;
}

static void animals_table(const ictus_report_ctx *c, ictus_report_table *t)
{
    static const char *const heads[] = {"animal", "model", "sex", "strain", "group",
                                        "periods", "seizures counted", "analysable (h)"};
    ictus_report_table_init(t, "animals", "Animals", heads, 8);
    for (int a = 0; a < c->study->n_animals; a++) {
        const ictus_animal *an = &c->study->animals[a];
        ictus_report_table_text(t, an->id);
        ictus_report_table_text(t, an->model);
        ictus_report_table_text(t, an->sex);
        ictus_report_table_text(t, an->strain);
        ictus_report_table_text(t, an->group);
        ictus_report_table_num(t, an->n_periods);
        ictus_report_table_num(t, (double)c->d->n_seizures[a]);
        ictus_report_table_num(t, animal_analysable_s(c->d, a) / 3600);
    }
}

static void responders_table(const ictus_report_ctx *c, ictus_report_table *t)
{
    static const char *const heads[] = {
        "animal", "exposure", "baseline (/24 h)", "rate (/24 h)", "change (%)",
        "analysable (h)", "class", "undetermined why", "trial", "course", "drug resistance"};
    ictus_report_table_init(t, "responders", "Each animal's response (all seizure types)", heads,
                            11);
    for (size_t i = 0; i < c->an->n_outcomes; i++) {
        const ictus_outcome *o = &c->an->outcomes[i];
        if (o->type != 0 || o->condition->kind == ICTUS_PERIOD_BASELINE)
            continue;
        char lab[160], trial[96];
        ictus_report_exposure_label(o->condition, lab, sizeof lab);
        ictus_trial_reasons(o->trial, trial, sizeof trial);
        ictus_report_table_text(t, o->animal_id);
        ictus_report_table_text(t, lab);
        ictus_report_table_num(t, o->ref.rate_per_24h);
        ictus_report_table_num(t, o->m.rate_per_24h);
        ictus_report_table_num(t, o->response.pct_change);
        ictus_report_table_num(t, o->m.analysable_s / 3600);
        ictus_report_table_text(t, ictus_class_name(o->response.cls));
        ictus_report_table_text(t, ictus_why_name(o->response.why));
        ictus_report_table_text(t, o->condition->kind != ICTUS_PERIOD_TREATMENT ? ""
                                   : o->trial ? trial : "adequate");
        ictus_report_table_text(t, ictus_course_name(o->course));
        ictus_report_table_text(t, ictus_resistance_name(o->resistance));
    }
}

static void tests_table(const ictus_report_ctx *c, ictus_report_table *t)
{
    static const char *const th[] = {"exposure", "test", "versus", "n", "k", "estimate of",
                                     "estimate", "CI low", "CI high", "statistic", "p", "note"};
    ictus_report_table_init(t, "tests", "Statistical tests (all seizure types)", th, 12);
    for (size_t i = 0; i < c->an->n_comparisons; i++) {
        const ictus_comparison *k = &c->an->comparisons[i];
        if (k->type != 0)
            continue;
        char lab[160];
        ictus_report_exposure_label(k->condition, lab, sizeof lab);
        ictus_report_table_text(t, lab);
        ictus_report_table_text(t, ictus_test_name(k->test));
        ictus_report_table_text(t, ictus_versus_name(k->versus));
        ictus_report_table_num(t, (double)k->n);
        ictus_report_table_num(t, (double)k->k);
        ictus_report_table_text(t, ictus_comparison_estimate_of(k->test, k->condition->kind));
        ictus_report_table_num(t, k->estimate);
        ictus_report_table_num(t, k->ci_lo);
        ictus_report_table_num(t, k->ci_hi);
        ictus_report_table_num(t, k->statistic);
        ictus_report_table_num(t, k->p);
        ictus_report_table_text(t, k->note);
    }
}

static void artefacts_table(const ictus_report_ctx *c, ictus_report_table *t)
{
    const ictus_report_data *d = c->d;
    static const char *const heads[] = {"animal", "recorded (h)", "analysable (h)",
                                        "not analysable (%)", "clip (windows)", "flat (windows)",
                                        "extreme (windows)", "emg (windows)", "gap (windows)"};
    ictus_report_table_init(t, "artefacts", "Recorded and analysable time, artefacts", heads,
                            4 + ICTUS_STORE_N_ARTEFACT_KINDS);
    for (int a = 0; a < c->study->n_animals; a++) {
        double rec = 0, an = animal_analysable_s(d, a);
        for (int k = 0; k < d->n_days; k++)
            rec += d->day_recorded_s[(size_t)a * d->n_days + k];
        ictus_report_table_text(t, c->study->animals[a].id);
        ictus_report_table_num(t, rec / 3600);
        ictus_report_table_num(t, an / 3600);
        ictus_report_table_num(t, rec > 0 ? 100 * (1 - an / rec) : NAN);
        for (int k = 0; k < ICTUS_STORE_N_ARTEFACT_KINDS; k++)
            ictus_report_table_num(t,
                (double)d->artefacts[(size_t)a * ICTUS_STORE_N_ARTEFACT_KINDS + k]);
    }
}

static void failed_table(const ictus_report_ctx *c, ictus_report_table *t)
{
    static const char *const fh[] = {"recording", "animal", "status", "why",
                                     "results kept (events)"};
    ictus_report_table_init(t, "failed", "Recordings that failed", fh, 5);
    for (size_t r = 0; r < c->d->n_failed; r++) {
        const ictus_report_recording *rec = &c->d->failed[r];
        ictus_report_table_text(t, rec->path);
        ictus_report_table_text(t, rec->animal);
        ictus_report_table_text(t, ictus_rec_status_name(rec->status));
        ictus_report_table_text(t, rec->error);
        ictus_report_table_num(t, rec->has_results ? (double)rec->n_events : NAN);
    }
}

static void tables_build(const ictus_report_ctx *c, ictus_report_table *t)
{
    animals_table(c, &t[T_ANIMALS]);
    responders_table(c, &t[T_RESPONDERS]);
    tests_table(c, &t[T_TESTS]);
    artefacts_table(c, &t[T_ARTEFACTS]);
    failed_table(c, &t[T_FAILED]);
    ictus_report_dm_table(c, &t[T_DM]);
}

/* The text the report puts before a table (HTML paragraph, PDF line), or NULL. */
static void table_preamble(const ictus_report_ctx *c, int i, char *buf, size_t size)
{
    buf[0] = '\0';
    if (i == T_TESTS)
        snprintf(buf, size, "Two-sided; intervals at %g %%; rank tests exact up to %d values "
                            "(comparisons.csv holds every type).",
                 100 * c->an->settings.ci_level, c->an->settings.exact_max_n);
    else if (i == T_DM)
        ictus_report_dm_preamble(c, buf, size);
}

/* The summary's key–value list and what changed. */
static void html_summary(ictus_strbuf *b, const items *l, const ictus_report_changes *ch)
{
    ictus_strbuf_add(b, "<dl>");
    for (int i = 0; i < l->n; i++) {
        ictus_strbuf_add(b, "<dt>");
        esc(b, l->items[i].key);
        ictus_strbuf_add(b, "</dt><dd>");
        esc(b, l->items[i].value);
        ictus_strbuf_add(b, "</dd>");
    }
    ictus_strbuf_add(b, "</dl>\n<h3>What changed since the last run</h3>\n<ul id=\"changes\">");
    for (int i = 0; i < ch->n; i++) {
        ictus_strbuf_add(b, "<li>");
        esc(b, ch->lines[i]);
        ictus_strbuf_add(b, "</li>");
    }
    ictus_strbuf_add(b, "</ul>\n");
}

/* The section's tables (and, for the summary, the settings; for quality, the problems). */
static void html_tables(ictus_strbuf *b, const ictus_report_ctx *c, const char *sec,
                        const ictus_report_table *t)
{
    for (int i = 0; i < N_TABLES; i++) {
        if (strcmp(TABLE_SECTION[i], sec) != 0 || !table_shown(c, i))
            continue;
        char pre[512];
        table_preamble(c, i, pre, sizeof pre);
        if (pre[0]) {
            ictus_strbuf_add(b, "<p>");
            esc(b, pre);
            ictus_strbuf_add(b, "</p>\n");
        }
        ictus_report_table_html(&t[i], b);
    }
    if (strcmp(sec, "summary") == 0) {
        ictus_strbuf_add(b, "<h3>Analysis settings</h3><pre>");
        esc(b, c->an->settings_text);
        ictus_strbuf_add(b, "</pre>\n");
        if (c->d->n_runs > 0) {
            /* Folded: some eighty lines a reader opens when they need them. */
            ictus_strbuf_add(b, "<details><summary>Detection parameters of the last run (");
            esc(b, c->d->runs[0].preset);
            ictus_strbuf_add(b, ")</summary><pre id=\"detection-parameters\">");
            esc(b, c->d->runs[0].params_text);
            ictus_strbuf_add(b, "</pre></details>\n");
        }
    } else if (strcmp(sec, "quality") == 0) {
        ictus_strbuf_add(b, "<h3>Manifest problems</h3>\n<ul id=\"problems\">");
        for (int i = 0; i < c->study->problems.n; i++) {
            ictus_strbuf_add(b, "<li>");
            esc(b, c->study->problems.lines[i]);
            ictus_strbuf_add(b, "</li>");
        }
        for (int i = 0; i < c->study->warnings.n; i++) {
            ictus_strbuf_add(b, "<li class=\"warning\">warning: ");
            esc(b, c->study->warnings.lines[i]);
            ictus_strbuf_add(b, "</li>");
        }
        ictus_strbuf_addf(b, "</ul>%s\n",
                          c->study->problems.n + c->study->warnings.n ? "" : "<p>None.</p>");
    }
}

static ictus_status html_build(ictus_report_ctx *c, const items *summary,
                               const ictus_report_changes *ch, const ictus_report_table *tables,
                               ictus_strbuf *b, int *n_figures, ictus_error *err)
{
    ictus_strbuf_add(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                        "<title>ictus report: ");
    esc(b, c->study->name);
    ictus_strbuf_addf(b, "</title>\n<style>%s</style></head>\n<body>\n<h1>Cohort report: ",
                      ictus_html_style);
    esc(b, c->study->name);
    ictus_strbuf_add(b, "</h1>\n<nav>");
    for (int s = 0; s < N_SECTIONS; s++)
        ictus_strbuf_addf(b, "<a href=\"#%s\">%s</a>", SECTIONS[s].id, SECTIONS[s].title);
    ictus_strbuf_add(b, "</nav>\n");
    ictus_status st = ICTUS_OK;
    for (int s = 0; s < N_SECTIONS && st == ICTUS_OK; s++) {
        ictus_strbuf_addf(b, "<section id=\"%s\"><h2>%s</h2>\n", SECTIONS[s].id, SECTIONS[s].title);
        if (strcmp(SECTIONS[s].id, "summary") == 0)
            html_summary(b, summary, ch);
        st = html_figures(b, SECTIONS[s].id, c, n_figures, err);
        html_tables(b, c, SECTIONS[s].id, tables);
        if (strcmp(SECTIONS[s].id, "gallery") == 0 && st == ICTUS_OK) {
            st = ictus_gallery_html(c->gallery, b, err);
            *n_figures += ictus_gallery_n_figures(c->gallery);
        }
        ictus_strbuf_add(b, "</section>\n");
    }
    ictus_strbuf_addf(b, "<script>\n%s</script>\n</body></html>\n", ictus_html_script);
    return st;
}

/* ---- PDF ------------------------------------------------------------------------- */

/* PDF page layout, points: margins, the heading above a figure, room for its caption below. */
static const double PAGE_MARGIN = 36, HEAD = 56, CAPTION = 60;

static void pdf_heading(cairo_t *cr, const char *section_title, const char *title)
{
    ictus_html_pdf_heading(cr, PAGE_MARGIN, section_title, title);
}

static const char *section_title(const char *id)
{
    for (int s = 0; s < N_SECTIONS; s++)
        if (strcmp(SECTIONS[s].id, id) == 0)
            return SECTIONS[s].title;
    return id;
}

/* Lines of text from p->y on (each cut to 1000 bytes), new pages as they fill. */
static void pdf_line(ictus_report_pdf *p, double size_pt, const char *text)
{
    if (p->y > p->height - p->margin)
        ictus_report_pdf_page(p, p->height);
    cairo_set_source_rgb(p->cr, 0, 0, 0);
    ictus_plot_text(p->cr, p->margin, p->y, size_pt, 0, false, text);
    p->y += size_pt * 1.5;
}

/* Each line of text (split at newlines). */
static void pdf_text_lines(ictus_report_pdf *p, double size_pt, const char *text)
{
    while (*text) {
        const char *eol = strchr(text, '\n');
        size_t n = eol ? (size_t)(eol - text) : strlen(text);
        char line[1024];
        snprintf(line, sizeof line, "%.*s", (int)(n < sizeof line ? n : sizeof line - 1), text);
        pdf_line(p, size_pt, line);
        text += n + (eol != NULL);
    }
}

/* The summary page(s): the key–value list, what changed, the summary's tables, the settings. */
static void pdf_summary(ictus_report_pdf *p, const ictus_report_ctx *c, const items *summary,
                        const ictus_report_changes *ch, const ictus_report_table *tables)
{
    pdf_heading(p->cr, SECTIONS[0].title, c->study->name);
    p->y = PAGE_MARGIN + HEAD;
    for (int i = 0; i < summary->n; i++) {
        char line[1024];
        snprintf(line, sizeof line, "%s: %s", summary->items[i].key, summary->items[i].value);
        pdf_line(p, 10, line);
    }
    p->y += 8;
    pdf_line(p, 11, "What changed since the last run");
    for (int i = 0; i < ch->n; i++) {
        char line[1024];
        snprintf(line, sizeof line, "\xE2\x80\xA2 %s", ch->lines[i]);
        pdf_line(p, 9, line);
    }
    p->y += 8;
    for (int i = 0; i < N_TABLES; i++)
        if (strcmp(TABLE_SECTION[i], "summary") == 0)
            ictus_report_table_pdf(&tables[i], p);
    pdf_line(p, 11, "Analysis settings");
    pdf_text_lines(p, 8, c->an->settings_text);
    if (c->d->n_runs > 0) {
        char title[256];
        snprintf(title, sizeof title, "Detection parameters of the last run (%s)",
                 c->d->runs[0].preset);
        p->y += 8;
        pdf_line(p, 11, title);
        pdf_text_lines(p, 8, c->d->runs[0].params_text);
    }
}

/* One page per figure of section `sec` (per-exposure ones once per exposure). */
static void pdf_figures(ictus_report_pdf *p, ictus_report_ctx *c, const char *sec)
{
    for (int i = 0; i < ictus_report_n_figures; i++) {
        const ictus_report_figure *f = &ictus_report_figures[i];
        if (strcmp(f->section, sec) != 0 || (f->shown && !f->shown(c)))
            continue;
        int reps = f->per_exposure ? c->n_exposures : 1;
        for (int e = 0; e < reps; e++) {
            c->exposure = e;
            double fh = f->height(c);
            cairo_show_page(p->cr);
            cairo_pdf_surface_set_size(p->surface, f->width + 2 * PAGE_MARGIN,
                                       fh + HEAD + CAPTION + 2 * PAGE_MARGIN);
            char title[256];
            figure_title(f, c, title, sizeof title);
            pdf_heading(p->cr, section_title(f->section), title);
            cairo_save(p->cr);
            cairo_translate(p->cr, PAGE_MARGIN, PAGE_MARGIN + HEAD);
            f->draw(p->cr, f->width, fh, c);
            cairo_restore(p->cr);
            cairo_set_source_rgb(p->cr, 0, 0, 0);
            ictus_plot_paragraph(p->cr, PAGE_MARGIN, PAGE_MARGIN + HEAD + fh + 16, f->width, 9,
                                 f->caption);
        }
    }
}

/* The section's tables on pages of their own (quality: and the manifest problems). */
static void pdf_tables(ictus_report_pdf *p, const ictus_report_ctx *c, const char *sec,
                       const ictus_report_table *tables)
{
    bool any = strcmp(sec, "quality") == 0;
    for (int i = 0; i < N_TABLES; i++)
        any |= strcmp(TABLE_SECTION[i], sec) == 0;
    if (!any)
        return;
    p->width = 900 + 2 * PAGE_MARGIN;
    p->heading = section_title(sec);
    ictus_report_pdf_page(p, 842);
    for (int i = 0; i < N_TABLES; i++) {
        if (strcmp(TABLE_SECTION[i], sec) != 0 || !table_shown(c, i))
            continue;
        char pre[512];
        table_preamble(c, i, pre, sizeof pre);
        if (pre[0] && i == T_DM) {
            cairo_set_source_rgb(p->cr, 0, 0, 0);
            p->y = ictus_plot_paragraph(p->cr, p->margin, p->y, p->width - 2 * p->margin, 9,
                                        pre) + 4;
        } else if (pre[0]) {
            pdf_line(p, 9, pre);
        }
        ictus_report_table_pdf(&tables[i], p);
    }
    if (strcmp(sec, "quality") == 0) {
        pdf_line(p, 10, "Manifest problems");
        for (int i = 0; i < c->study->problems.n; i++)
            pdf_line(p, 8, c->study->problems.lines[i]);
        for (int i = 0; i < c->study->warnings.n; i++) {
            ictus_strbuf line = {0}; /* a warning echoes input: no fixed-size copy */
            ictus_strbuf_addf(&line, "warning: %s", c->study->warnings.lines[i]);
            pdf_line(p, 8, ictus_strbuf_text(&line));
            ictus_strbuf_free(&line);
        }
        if (c->study->problems.n + c->study->warnings.n == 0)
            pdf_line(p, 8, "None.");
    }
}

static ictus_status pdf_write(ictus_report_ctx *c, const items *summary,
                              const ictus_report_changes *ch, const ictus_report_table *tables,
                              const char *path, ictus_error *err)
{
    ictus_report_pdf p = {.width = 900 + 2 * PAGE_MARGIN, .height = 842, .margin = PAGE_MARGIN,
                          .heading = SECTIONS[0].title};
    p.surface = cairo_pdf_surface_create(path, p.width, p.height);
    p.cr = cairo_create(p.surface);
    pdf_summary(&p, c, summary, ch, tables);
    for (int s = 1; s < N_SECTIONS; s++) {
        pdf_figures(&p, c, SECTIONS[s].id);
        pdf_tables(&p, c, SECTIONS[s].id, tables);
        if (strcmp(SECTIONS[s].id, "gallery") == 0) {
            const ictus_gallery_pages pages = {PAGE_MARGIN, HEAD, SECTIONS[s].title, pdf_heading};
            ictus_gallery_pdf(c->gallery, p.surface, p.cr, &pages);
        }
    }
    return ictus_html_pdf_finish(p.surface, p.cr, path, err);
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

static int64_t file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (int64_t)sb.st_size : -1;
}

/* The PDF, drawn by a child process while this one builds the HTML: the two
 * cost about the same (the gallery's traces are most of both), and a report
 * is written at the end of every nightly run.  A process rather than a
 * thread: cairo, fontconfig and FreeType keep process-wide caches whose
 * locking across threads we cannot check (ThreadSanitizer sees into none of
 * them); a forked child shares nothing with its parent.  The child only
 * draws and writes the temporary file; it reports its status and error
 * through a pipe and leaves with _exit() (no atexit handlers, no buffers of
 * the parent flushed twice).  Without fork() (it failed) the PDF is drawn
 * here, after the HTML. */
typedef struct {
    ictus_report_ctx c;
    const items *summary;
    const ictus_report_changes *changes;
    const ictus_report_table *tables;
    char path[ICTUS_PATH_MAX];      /* the temporary file */
    pid_t child;                    /* > 0 while the child draws */
    int from_child;                 /* the pipe's read end */
} pdf_job;

static ictus_status pdf_draw(pdf_job *j, ictus_error *err)
{
    return pdf_write(&j->c, j->summary, j->changes, j->tables, j->path, err);
}

/* Make the drawing child hold nothing of its parent's and die with it.  The
 * child inherits every descriptor, among them the study lock's (flock() locks
 * belong to the open file, which the child then shares): a run killed with -9
 * while its child drew would leave the study locked until the drawing ended,
 * and the next run would be refused.  So the child closes every descriptor but
 * its pipe and stderr (it needs none: cairo opens its own file), and asks to
 * be killed when its parent dies (Linux), in case that already happened. */
static void child_detach(pid_t parent, int keep_fd)
{
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(1);
#else
    (void)parent;
#endif
    DIR *d = opendir("/proc/self/fd");
    if (d) {
        /* Under valgrind the descriptors at and above the limit are its own. */
        long max = sysconf(_SC_OPEN_MAX);
        int own = dirfd(d);
        int fds[1024];
        int n = 0;
        for (struct dirent *e; (e = readdir(d)) && n < 1024;) {
            char *end;
            long fd = strtol(e->d_name, &end, 10);
            if (*end == '\0' && end != e->d_name && fd > STDERR_FILENO && fd != keep_fd &&
                fd != own && (max < 0 || fd < max))
                fds[n++] = (int)fd;
        }
        closedir(d);
        for (int i = 0; i < n; i++)
            close(fds[i]);
        if (n < 1024)
            return;
    }
    /* No /proc, or more descriptors than listed: close them all by number. */
    long max = sysconf(_SC_OPEN_MAX);
    if (max < 0 || max > 65536)
        max = 65536;
    for (int fd = STDERR_FILENO + 1; fd < max; fd++)
        if (fd != keep_fd)
            close(fd);
}

/* Start the child; false when it cannot be (the caller draws the PDF itself). */
static bool pdf_start(pdf_job *j)
{
    int fds[2];
    if (pipe(fds) != 0)
        return false;
    fflush(NULL); /* nothing buffered is written twice */
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return false;
    }
    if (pid == 0) {
        close(fds[0]);
        child_detach(parent, fds[1]);
        ictus_error e = {0};
        e.status = pdf_draw(j, &e);
        ssize_t n = write(fds[1], &e, sizeof e);
        _exit(n == (ssize_t)sizeof e && e.status == ICTUS_OK ? 0 : 1);
    }
    close(fds[1]);
    j->child = pid;
    j->from_child = fds[0];
    return true;
}

/* Wait for the child: its status, and its error in *err. */
static ictus_status pdf_finish(pdf_job *j, ictus_error *err)
{
    ictus_error e = {0};
    ssize_t n;
    do
        n = read(j->from_child, &e, sizeof e);
    while (n < 0 && errno == EINTR);
    close(j->from_child);
    int ws = 0;
    while (waitpid(j->child, &ws, 0) < 0 && errno == EINTR)
        ;
    j->child = 0;
    if (n != (ssize_t)sizeof e)
        return ictus_fail(err, ICTUS_ERR_IO, "%s: the process drawing the PDF ended without "
                                             "a word (wait status %d)", j->path, ws);
    if (e.status != ICTUS_OK)
        *err = e;
    return e.status;
}

static ictus_status write_files(ictus_report_ctx *c, const char *dir, ictus_report_summary *out,
                                ictus_error *err)
{
    items summary = {0};
    summary_items(c, &summary);
    ictus_report_table tables[N_TABLES];
    tables_build(c, tables);
    ictus_report_changes changes = {0};
    char html_path[ICTUS_PATH_MAX], pdf_path[ICTUS_PATH_MAX], state[ICTUS_PATH_MAX];
    pdf_job job = {.c = *c, .summary = &summary, .changes = &changes, .tables = tables};
    ictus_status st = ictus_path_join(state, sizeof state, dir, "state.csv", err);
    if (st == ICTUS_OK)
        st = ictus_path_join(html_path, sizeof html_path, dir, "index.html", err);
    if (st == ICTUS_OK)
        st = ictus_path_join(pdf_path, sizeof pdf_path, dir, "report.pdf", err);
    if (st == ICTUS_OK)
        st = ictus_path_format(job.path, sizeof job.path, err, "%s.tmp-%ld", pdf_path,
                               (long)getpid());
    if (st == ICTUS_OK)
        ictus_report_changes_build(c, state, &changes);
    bool forked = st == ICTUS_OK && pdf_start(&job);
    ictus_strbuf html = {0};
    int n_figures = 0;
    if (st == ICTUS_OK)
        st = html_build(c, &summary, &changes, tables, &html, &n_figures, err);
    if (st == ICTUS_OK)
        ictus_html_share_glyphs(&html);
    if (st == ICTUS_OK)
        st = ictus_html_write_file(html_path, ictus_strbuf_text(&html), err);
    if (forked) {
        ictus_error pdf_err;
        ictus_status pdf_st = pdf_finish(&job, &pdf_err);
        if (st == ICTUS_OK && pdf_st != ICTUS_OK) {
            *err = pdf_err;
            st = pdf_st;
        }
    } else if (st == ICTUS_OK) {
        st = pdf_draw(&job, err);
    }
    if (st == ICTUS_OK && rename(job.path, pdf_path) != 0)
        st = ictus_fail(err, ICTUS_ERR_IO, "%s: %s", pdf_path, strerror(errno));
    if (st != ICTUS_OK && job.path[0])
        remove(job.path);
    /* Last: the state the next report compares with (a report not written leaves the old). */
    if (st == ICTUS_OK)
        st = ictus_report_state_write(c, dir, err);
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
    ictus_report_changes_clear(&changes);
    for (int i = 0; i < N_TABLES; i++)
        ictus_report_table_clear(&tables[i]);
    items_clear(&summary);
    return st;
}

ictus_status ictus_report_write_study(const char *study_dir, const ictus_report_options *opt,
                                      ictus_report_summary *out, ictus_study **kept,
                                      ictus_error *err)
{
    if (out)
        memset(out, 0, sizeof *out);
    if (kept)
        *kept = NULL;
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
    if (st == ICTUS_OK && kept)
        *kept = study;
    else
        ictus_study_destroy(study);
    return st;
}

ictus_status ictus_report_write(const char *study_dir, const ictus_report_options *opt,
                                ictus_report_summary *out, ictus_error *err)
{
    return ictus_report_write_study(study_dir, opt, out, NULL, err);
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
        ictus_report_ctx c = {.study = study, .an = an, .d = &data,
                              .this_run = opt ? opt->this_run : NULL, .gallery = gallery};
        build_lists(&c);
        st = write_files(&c, dir, out, err);
        free(c.drugs);
        free(c.exposures);
    }
    ictus_gallery_destroy(gallery);
    ictus_report_data_clear(&data);
    return st;
}
