/* test_report.c: the report's figures carry the analysis's numbers (report/report.h).
 *
 * Without arguments: the figures' SVGs get prefixed ids (two SVGs inlined in
 * one page cannot clash), a page's glyph outlines are shared (one copy of
 * each, every reference pointing at it) and a missing study is an error
 * naming it.
 * `test_report --check STUDY_DIR` (tests/test_report.sh, on a small drug
 * study: 4 animals, baseline / asm-a / washout / asm-b, detected by `ictus
 * run`) writes its report with ictus_report_write() and proves that
 *   - index.html and report.pdf exist, every section id is in the HTML;
 *   - the numbers in the figures' JSON blocks are those of the CSVs the
 *     analysis wrote: per drug, each animal's baseline and treatment rates
 *     and class (responders.csv, type all); per animal and period, count,
 *     analysable hours and rate (periods.csv, type all); the circadian
 *     counts of the baseline periods (periods.csv count_h00..h23, summed);
 *   - the gallery's cards (data-gallery-N) are events of events.csv (recording,
 *     animal, channel, start, type, score), each with the reference its identity
 *     gives (store.h) and the review view's link to it; per animal and type
 *     they are min(4, n) of its events, the lowest score, the highest, the
 *     second lowest...; each drew every channel of its recording.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/csvtable.h"
#include "base/readfile.h"
#include "report/gallery.h"
#include "report/html.h"
#include "report/plot.h"
#include "report/report.h"
#include "review/server.h"
#include "store/store.h"
#include "tests/check.h"

/* The JSON block data-ID of the page (NULL when absent); caller decrefs. */
static json_t *block(const char *html, const char *id)
{
    char open[128];
    snprintf(open, sizeof open, "<script type=\"application/json\" id=\"data-%s\">", id);
    const char *p = strstr(html, open);
    if (!p)
        return NULL;
    p += strlen(open);
    const char *e = strstr(p, "</script>");
    return e ? json_loadb(p, (size_t)(e - p), 0, NULL) : NULL;
}

/* The row of t whose named columns hold the given values (pairs of name,
 * value, NULL-terminated), or -1. */
static int find_row(const ictus_csv *t, ...)
{
    for (int r = 0; r < ictus_csv_rows(t); r++) {
        va_list ap;
        va_start(ap, t);
        bool ok = true;
        for (const char *name = va_arg(ap, const char *); name && ok;
             name = va_arg(ap, const char *))
            ok = strcmp(ictus_csv_field(t, r, ictus_csv_column(t, name)), va_arg(ap, const char *)) == 0;
        va_end(ap);
        if (ok)
            return r;
    }
    return -1;
}

/* A CSV number (empty: NaN) against a JSON number (null: NaN); the CSV has 7 digits. */
static void check_number(const ictus_csv *t, int row, const char *col, json_t *v)
{
    const char *f = ictus_csv_field(t, row, ictus_csv_column(t, col));
    if (!f[0] || json_is_null(v)) {
        CHECK_MSG(!f[0] && json_is_null(v), "%s row %d %s: csv '%s', json %s", ictus_csv_path(t),
                  row, col, f, json_is_null(v) ? "null" : "a number");
        return;
    }
    CHECK_NEAR(atof(f), json_number_value(v), 1e-6, 1e-9);
}

static void check_paired(const char *html, const ictus_csv *resp, int *n_checked)
{
    char id[32];
    json_t *doc;
    for (int e = 1; snprintf(id, sizeof id, "paired-%d", e), (doc = block(html, id)); e++) {
        const char *drug = json_string_value(json_object_get(doc, "drug"));
        const char *cond = json_string_value(json_object_get(doc, "condition"));
        size_t i;
        json_t *a;
        json_array_foreach(json_object_get(doc, "animals"), i, a) {
            const char *animal = json_string_value(json_object_get(a, "animal"));
            int r = find_row(resp, "animal", animal, "condition", cond, "drug", drug, "type", "all",
                             NULL);
            CHECK_MSG(r >= 0, "responders.csv has %s %s %s", animal, cond, drug);
            if (r < 0)
                continue;
            check_number(resp, r, "baseline_rate_per_24h", json_object_get(a, "baseline_rate_per_24h"));
            check_number(resp, r, "rate_per_24h", json_object_get(a, "rate_per_24h"));
            check_number(resp, r, "pct_change", json_object_get(a, "pct_change"));
            CHECK_STR(json_string_value(json_object_get(a, "class")),
                      ictus_csv_field(resp, r, ictus_csv_column(resp, "class")));
            CHECK_STR(json_string_value(json_object_get(a, "drug_resistance")),
                      ictus_csv_field(resp, r, ictus_csv_column(resp, "drug_resistance")));
            (*n_checked)++;
        }
        json_decref(doc);
    }
}

static void check_periods(const char *html, const ictus_csv *per, int *n_checked)
{
    json_t *doc = block(html, "rates");
    CHECK(doc != NULL);
    size_t i, j;
    json_t *a, *p;
    json_array_foreach(json_object_get(doc, "animals"), i, a) {
        const char *animal = json_string_value(json_object_get(a, "animal"));
        json_array_foreach(json_object_get(a, "periods"), j, p) {
            char period[16];
            snprintf(period, sizeof period, "%lld",
                     (long long)json_integer_value(json_object_get(p, "period")));
            int r = find_row(per, "animal", animal, "period", period, "type", "all", NULL);
            CHECK_MSG(r >= 0, "periods.csv has %s period %s", animal, period);
            if (r < 0)
                continue;
            CHECK_INT(json_integer_value(json_object_get(p, "count")),
                      atoll(ictus_csv_field(per, r, ictus_csv_column(per, "count"))));
            check_number(per, r, "analysable_h", json_object_get(p, "analysable_h"));
            check_number(per, r, "rate_per_24h", json_object_get(p, "rate_per_24h"));
            (*n_checked)++;
        }
    }
    json_decref(doc);
    /* The circadian group "baseline": periods.csv's baseline rows, type all, summed. */
    doc = block(html, "circadian");
    CHECK(doc != NULL);
    json_t *g = json_array_get(doc, 0);
    CHECK_STR(json_string_value(json_object_get(g, "group")), "baseline");
    for (int h = 0; h < 24; h++) {
        char col[32];
        snprintf(col, sizeof col, "count_h%02d", h);
        long long sum = 0;
        for (int r = 0; r < ictus_csv_rows(per); r++)
            if (strcmp(ictus_csv_field(per, r, ictus_csv_column(per, "kind")), "baseline") == 0 &&
                strcmp(ictus_csv_field(per, r, ictus_csv_column(per, "type")), "all") == 0)
                sum += atoll(ictus_csv_field(per, r, ictus_csv_column(per, col)));
        CHECK_INT(json_integer_value(json_array_get(json_object_get(g, "count_by_hour"), (size_t)h)),
                  sum);
    }
    json_decref(doc);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The scores of events.csv's events of (animal, type), ascending, into s[]; their number. */
static int scores_of(const ictus_csv *ev, const char *animal, const char *type, double *s, int max)
{
    int n = 0;
    for (int r = 0; r < ictus_csv_rows(ev) && n < max; r++)
        if (!strcmp(ictus_csv_field(ev, r, ictus_csv_column(ev, "animal")), animal) &&
            !strcmp(ictus_csv_field(ev, r, ictus_csv_column(ev, "type")), type))
            s[n++] = atof(ictus_csv_field(ev, r, ictus_csv_column(ev, "score")));
    qsort(s, (size_t)n, sizeof *s, cmp_double);
    return n;
}

/* One card against events.csv: the event is there, with its type and score. */
static void check_card(json_t *k, const ictus_csv *ev)
{
    const char *rec = json_string_value(json_object_get(k, "recording"));
    const char *animal = json_string_value(json_object_get(k, "animal"));
    const char *channel = json_string_value(json_object_get(k, "channel"));
    double start_s = json_number_value(json_object_get(k, "start_s"));
    char start_text[32], ref[ICTUS_STORE_EVENT_REF_SIZE], url[128];
    snprintf(start_text, sizeof start_text, "%.3f", start_s);
    int r = find_row(ev, "recording", rec, "animal", animal, "channel", channel, "start_s",
                     start_text, NULL);
    CHECK_MSG(r >= 0, "events.csv has %s %s %s at %s s", rec, animal, channel, start_text);
    if (r < 0)
        return;
    CHECK_STR(json_string_value(json_object_get(k, "type")),
              ictus_csv_field(ev, r, ictus_csv_column(ev, "type")));
    CHECK_STR(json_string_value(json_object_get(k, "start")),
              ictus_csv_field(ev, r, ictus_csv_column(ev, "start_time")));
    CHECK_NEAR(json_number_value(json_object_get(k, "score")),
               atof(ictus_csv_field(ev, r, ictus_csv_column(ev, "score"))), 0, 5e-4);
    ictus_store_event_ref(0, rec, animal, channel, llround(start_s * 1e6), ref);
    CHECK_STR(json_string_value(json_object_get(k, "ref")), ref);
    snprintf(url, sizeof url, "%s?event=%s", ICTUS_GALLERY_REVIEW_URL, ref);
    CHECK_STR(json_string_value(json_object_get(k, "review")), url);
    CHECK(json_is_null(json_object_get(k, "error")));
    CHECK(json_array_size(json_object_get(k, "channels")) >= 1);
}

/* The gallery's cards: events of events.csv, chosen from both ends of the scores. */
static void check_gallery(const char *html, const ictus_csv *ev, int *n_cards)
{
    char id[32];
    json_t *doc;
    for (int g = 1; snprintf(id, sizeof id, "gallery-%d", g), (doc = block(html, id)); g++) {
        const char *animal = json_string_value(json_object_get(doc, "animal"));
        json_t *cards = json_object_get(doc, "cards");
        size_t i = 0;
        while (i < json_array_size(cards)) {
            const char *type = json_string_value(json_object_get(json_array_get(cards, i), "type"));
            double s[4096];
            int n = scores_of(ev, animal, type, s, 4096), lo = 0, hi = n - 1, k = 0;
            for (; i < json_array_size(cards); i++, k++) {
                json_t *card = json_array_get(cards, i);
                if (strcmp(json_string_value(json_object_get(card, "type")), type))
                    break;
                CHECK_STR(json_string_value(json_object_get(card, "animal")), animal);
                check_card(card, ev);
                CHECK_MSG(lo <= hi, "%s %s: more cards than events", animal, type);
                double want = k % 2 == 0 ? s[lo++] : s[hi--];
                CHECK_NEAR(json_number_value(json_object_get(card, "score")), want, 0, 5e-4);
                (*n_cards)++;
            }
            CHECK_INT(k, n < 4 ? n : 4);
        }
        json_decref(doc);
    }
}

/* The report of STUDY_DIR (detected by `ictus run`) against its CSVs. */
static int check_study(const char *study)
{
    char path[4096];
    ictus_report_summary sum;
    ictus_error err = {0};
    CHECK_INT(ictus_report_write(study, NULL, &sum, &err), ICTUS_OK);
    snprintf(path, sizeof path, "%s/out/report/index.html", study);
    CHECK_STR(sum.html_path, path);
    CHECK(sum.html_bytes > 1000 && sum.pdf_bytes > 1000);
    CHECK_INT(sum.n_animals, 4);
    /* 7 single figures (the Kaplan-Meier time to first seizure among them; no survival
     * figure without deaths) + a paired figure per drug (2) + the gallery's, one per animal (4) */
    CHECK_INT(sum.n_figures, 13);
    CHECK(sum.n_gallery_cards > 0);

    char *html = NULL;
    size_t n = 0;
    CHECK_INT(ictus_read_file(path, &html, &n, &err), ICTUS_OK);
    static const char *const sections[] = {"summary", "raster", "rates", "drugs",
                                           "circadian", "quality", "gallery"};
    for (size_t s = 0; s < sizeof sections / sizeof sections[0]; s++) {
        char id[64];
        snprintf(id, sizeof id, "<section id=\"%s\">", sections[s]);
        CHECK_MSG(html && strstr(html, id), "section %s", sections[s]);
    }
    ictus_csv *resp = NULL, *per = NULL;
    snprintf(path, sizeof path, "%s/out/responders.csv", study);
    CHECK_INT(ictus_csv_read(path, &resp, &err), ICTUS_OK);
    snprintf(path, sizeof path, "%s/out/periods.csv", study);
    CHECK_INT(ictus_csv_read(path, &per, &err), ICTUS_OK);
    int n_paired = 0, n_periods = 0;
    if (html && resp && per) {
        check_paired(html, resp, &n_paired);
        check_periods(html, per, &n_periods);
    }
    ictus_csv *ev = NULL;
    snprintf(path, sizeof path, "%s/out/events.csv", study);
    CHECK_INT(ictus_csv_read(path, &ev, &err), ICTUS_OK);
    int n_cards = 0;
    if (html && ev)
        check_gallery(html, ev, &n_cards);
    CHECK_INT(n_cards, sum.n_gallery_cards);
    ictus_csv_destroy(ev);
    CHECK_INT(n_paired, 8);   /* 4 animals × 2 drugs */
    CHECK_INT(n_periods, 16); /* 4 animals × (baseline, asm-a, washout, asm-b) */
    ictus_csv_destroy(resp);
    ictus_csv_destroy(per);
    free(html);
    return check_done("test_report --check");
}

/* A figure for the SVG test: one glyph, one clip (cairo gives both ids). */
static void tiny_figure(cairo_t *cr, double w, double h, const void *ctx)
{
    cairo_rectangle(cr, 0, 0, w / 2, h / 2);
    cairo_clip(cr);
    ictus_plot_text(cr, 10, 20, 10, 0, false, ctx);
}

int main(int argc, char **argv)
{
    if (argc > 2 && strcmp(argv[1], "--check") == 0)
        return check_study(argv[2]);

    /* Two SVGs of one page do not share ids: every id and reference is prefixed. */
    ictus_strbuf svg = {0};
    ictus_error err = {0};
    CHECK_INT(ictus_plot_svg(tiny_figure, "A<&>", 100, 50, "f1-", &svg, &err), ICTUS_OK);
    const char *t = ictus_strbuf_text(&svg);
    CHECK(strncmp(t, "<svg", 4) == 0);
    int ids = 0, refs = 0;
    for (const char *p = t; (p = strstr(p, "id=\"")); p++, ids++)
        CHECK(strncmp(p + 4, "f1-", 3) == 0);
    for (const char *p = t; (p = strstr(p, "href=\"#")); p++, refs++)
        CHECK(strncmp(p + 7, "f1-", 3) == 0);
    for (const char *p = t; (p = strstr(p, "url(#")); p++, refs++)
        CHECK(strncmp(p + 5, "f1-", 3) == 0);
    CHECK(ids > 0 && refs > 0);
    CHECK(strstr(t, "<&>") == NULL);
    ictus_strbuf_free(&svg);

    /* Glyph outlines shared across a page: two figures drawing the same text
     * carry one copy of each outline at the top of the body, referenced by
     * both; the figures' other ids and references are left alone. */
    ictus_strbuf page = {0}, one = {0};
    ictus_strbuf_add(&page, "<html><body>\n<p>before</p>");
    for (int f = 0; f < 2; f++) {
        char prefix[8];
        snprintf(prefix, sizeof prefix, "g%d-", f);
        ictus_strbuf_free(&one);
        CHECK_INT(ictus_plot_svg(tiny_figure, f ? "ab" : "ba", 100, 50, prefix, &one, &err),
                  ICTUS_OK);
        ictus_strbuf_add(&page, ictus_strbuf_text(&one));
    }
    ictus_strbuf_add(&page, "<a href=\"#g0-keep\">x</a></body></html>");
    int before = 0, uses = 0;
    for (const char *p = ictus_strbuf_text(&page); (p = strstr(p, "<symbol")); p++)
        before++;
    for (const char *p = ictus_strbuf_text(&page); (p = strstr(p, "<use")); p++)
        uses++;
    ictus_html_share_glyphs(&page);
    const char *sh = ictus_strbuf_text(&page);
    int after = 0, shared_refs = 0;
    for (const char *p = sh; (p = strstr(p, "<symbol")); p++) {
        after++;
        CHECK(strncmp(p, "<symbol overflow=\"visible\" id=\"shared-glyph-", 44) == 0);
    }
    /* "ba" and "ab": the same two glyphs in each figure (plus any cairo adds, once). */
    CHECK(before >= 4 && after >= 2 && after * 2 <= before);
    for (const char *p = sh; (p = strstr(p, "href=\"#shared-glyph-")); p++) {
        shared_refs++;
        char id[64];
        sscanf(p + 7, "%63[^\"]", id);
        char want[96];
        snprintf(want, sizeof want, "id=\"%s\"", id);
        CHECK(strstr(sh, want) != NULL); /* every reference names a shared outline */
    }
    CHECK_INT(shared_refs, uses);
    CHECK(strstr(sh, "href=\"#g0-glyph") == NULL && strstr(sh, "href=\"#g1-glyph") == NULL);
    CHECK(strstr(sh, "<a href=\"#g0-keep\">x</a>") != NULL);
    CHECK(strstr(sh, "<body>\n<svg width=\"0\" height=\"0\"") != NULL);
    CHECK(strstr(sh, "<p>before</p>") != NULL && strstr(sh, "id=\"g1-surface") != NULL);
    ictus_strbuf_free(&one);
    ictus_strbuf_free(&page);
    ictus_strbuf_add(&page, "<body><p>no figures</p></body>");
    ictus_html_share_glyphs(&page);
    CHECK_STR(ictus_strbuf_text(&page), "<body><p>no figures</p></body>");
    ictus_strbuf_free(&page);

    /* The gallery links to `ictus serve` on its default port. */
    char port[32];
    snprintf(port, sizeof port, ":%d/", ICTUS_REVIEW_DEFAULT_PORT);
    CHECK(strstr(ICTUS_GALLERY_REVIEW_URL, port) != NULL);

    /* A directory that is no study: an error naming it. */
    ictus_report_summary sum;
    CHECK(ictus_report_write("/nonexistent/study-none", NULL, &sum, &err) != ICTUS_OK);
    CHECK(strstr(err.msg, "study-none") != NULL);
    return check_done("test_report");
}
