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
 * Also without arguments, on an analysis made up in memory with hostile
 * animal IDs, drug and intervention names (test_new_outcomes): the
 * hyperthermia figure is shown exactly when a session outside a washout
 * exists; its data block lists the exposures ("none" first, then
 * ictus_condition_cmp order) with every session's threshold, censoring and
 * maximum and the exposure's median and CI from its `threshold` comparison;
 * the names come out JSON-escaped and never as raw markup in the SVG; the
 * disease-modification table has the type-all rows only, with their %
 * changes, class and reason, every name HTML-escaped.  test_hyperthermia.sh
 * checks the figure of a real report against hyperthermia.csv.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/csvtable.h"
#include "base/readfile.h"
#include "protocols/disease_mod.h"
#include "protocols/hyperthermia.h"
#include "report/dm_table.h"
#include "report/figures.h"
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
    /* no temperature, no intervention or follow-up: neither new outcome is shown */
    CHECK(html && !strstr(html, "fig-hyperthermia") &&
          !strstr(html, "id=\"disease-modification\""));
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
/* ---- hyperthermia figure and disease-modification table, from an analysis made up here ---- */

#define EVIL_A "<script>alert(\"a\")</script>"
#define EVIL_B "M\"02' & <b>bold</b>"
#define EVIL_DRUG "st<i>p</i>&amp;"
#define EVIL_DONE "<img src=x onerror=alert(1)>"

static const ictus_report_figure *figure_named(const char *id)
{
    for (int i = 0; i < ictus_report_n_figures; i++)
        if (strcmp(ictus_report_figures[i].id, id) == 0)
            return &ictus_report_figures[i];
    return NULL;
}

static ictus_hyperthermia_session session(int animal, const ictus_period *p,
                                          const ictus_condition *c, double thr, bool censored,
                                          double max_c)
{
    ictus_hyperthermia_session s = {.animal = animal, .recording = (char *)"R<1>.edf",
                                    .period = p, .condition = c, .threshold_c = thr,
                                    .censored = censored, .n_seizures = censored ? 0 : 1};
    s.trace.max_c = max_c;
    return s;
}

/* The exposure of data block entry e: its label, sessions and median. */
static void check_exposure(json_t *doc, int e, const char *label, const double *thr,
                           const bool *cens, int n, double median)
{
    json_t *x = json_array_get(doc, (size_t)e);
    if (!CHECK_MSG(x, "exposure %d", e))
        return;
    CHECK_STR(json_string_value(json_object_get(x, "exposure")), label);
    json_t *m = json_object_get(x, "median_c");
    if (isnan(median))
        CHECK(json_is_null(m));
    else
        CHECK_NEAR(json_number_value(m), median, 0, 1e-12);
    json_t *ss = json_object_get(x, "sessions");
    CHECK_INT((int)json_array_size(ss), n);
    for (int i = 0; i < n && i < (int)json_array_size(ss); i++) {
        json_t *se = json_array_get(ss, (size_t)i);
        CHECK_NEAR(json_number_value(json_object_get(se, "threshold_c")), thr[i], 0, 1e-12);
        CHECK_INT(json_is_true(json_object_get(se, "censored")), cens[i]);
        CHECK_STR(json_string_value(json_object_get(se, "recording")), "R<1>.edf");
    }
}

static void test_new_outcomes(void)
{
    ictus_period pa[2] = {{.kind = ICTUS_PERIOD_INTERVENTION, .drug = EVIL_DONE, .line = 2},
                          {.kind = ICTUS_PERIOD_WASHOUT, .drug = "", .line = 3}};
    ictus_animal animals[2] = {{.id = EVIL_A, .n_periods = 2, .periods = pa},
                               {.id = EVIL_B}};
    ictus_study study = {.n_animals = 2, .animals = animals};
    ictus_condition veh = {.kind = ICTUS_PERIOD_VEHICLE, .drug = "sal<ine>", .dose_mg_kg = NAN,
                           .route = ""};
    ictus_condition tr = {.kind = ICTUS_PERIOD_TREATMENT, .drug = EVIL_DRUG, .dose_mg_kg = 100,
                          .route = "ip"};
    ictus_hyperthermia_session ss[5] = {
        session(0, &pa[0], &tr, 41.25, false, 41.5),
        session(1, &pa[0], &veh, 42.5, true, 42.5),
        session(0, &pa[0], &veh, 40.5, false, 40.9),
        session(1, NULL, NULL, 39.75, false, 40.0),
        session(0, &pa[1], NULL, 38.0, false, 39.0), /* a washout: left out */
    };
    ictus_ht_comparison cmp[2] = {
        {.has_condition = true, .condition = veh, .test = ICTUS_HT_THRESHOLD, .estimate = 41.5,
         .ci_lo = 40.5, .ci_hi = 42.5},
        {.has_condition = true, .condition = veh, .test = ICTUS_HT_WILCOXON, .estimate = 7},
    };
    ictus_hyperthermia ht = {.n_sessions = 5, .sessions = ss, .n_comparisons = 2,
                             .comparisons = cmp};
    ictus_analysis an = {0};
    ictus_report_ctx c = {.study = &study, .an = &an};
    const ictus_report_figure *f = figure_named("hyperthermia");
    if (!CHECK(f && f->shown))
        return;
    CHECK_STR(f->section, "drugs");
    CHECK(!f->shown(&c));                         /* no hyperthermia */
    an.hyperthermia = &ht;
    ht.n_sessions = 0;
    CHECK(!f->shown(&c));                         /* no session */
    ht.sessions = &ss[4];
    ht.n_sessions = 1;
    CHECK(!f->shown(&c));                         /* a washout session only */
    ht.sessions = ss;
    ht.n_sessions = 5;
    CHECK(f->shown(&c));

    ictus_strbuf b = {0};
    f->data(&b, &c);
    const char *text = ictus_strbuf_text(&b);
    CHECK(strstr(text, "<") == NULL && strstr(text, ">") == NULL);
    CHECK(strstr(text, "\\u003cscript\\u003e") != NULL);
    json_t *doc = json_loads(text, 0, NULL);
    if (CHECK_MSG(json_is_array(doc), "%s", text)) {
        CHECK_INT((int)json_array_size(doc), 3);
        bool veh_first = ictus_condition_cmp(&veh, &tr) < 0;
        const double none_thr[] = {39.75}, veh_thr[] = {42.5, 40.5}, tr_thr[] = {41.25};
        const bool none_c[] = {false}, veh_c[] = {true, false}, tr_c[] = {false};
        check_exposure(doc, 0, "no dosing period", none_thr, none_c, 1, NAN);
        check_exposure(doc, veh_first ? 1 : 2, "vehicle (sal<ine>)", veh_thr, veh_c, 2, 41.5);
        check_exposure(doc, veh_first ? 2 : 1, EVIL_DRUG " 100 mg/kg ip", tr_thr, tr_c, 1, NAN);
        json_t *v = json_array_get(doc, veh_first ? 1 : 2);
        CHECK_NEAR(json_number_value(json_object_get(v, "ci_lo")), 40.5, 0, 1e-12);
        CHECK_NEAR(json_number_value(json_object_get(v, "ci_hi")), 42.5, 0, 1e-12);
        json_t *s0 = json_array_get(json_object_get(v, "sessions"), 0);
        CHECK_STR(json_string_value(json_object_get(s0, "animal")), EVIL_B);
        CHECK_NEAR(json_number_value(json_object_get(s0, "max_c")), 42.5, 0, 1e-12);
        CHECK_INT(json_integer_value(json_object_get(s0, "n_seizures")), 0);
    }
    json_decref(doc);
    ictus_strbuf_free(&b);
    ictus_error err = {0};
    CHECK_INT(ictus_plot_svg(f->draw, &c, f->width, f->height(&c), "h-", &b, &err), ICTUS_OK);
    CHECK(strstr(ictus_strbuf_text(&b), "<i>") == NULL &&
          strstr(ictus_strbuf_text(&b), "<ine>") == NULL);
    ictus_strbuf_free(&b);

    /* The disease-modification table: type all rows only, names escaped. */
    ictus_dm_row rows[3] = {
        {.animal = 0, .kind = ICTUS_PERIOD_INTERVENTION, .period = 0, .type = 0,
         .design = ICTUS_DM_DESIGN_BASELINE, .has_after = true, .after_days = 16,
         .during_pct = NAN, .after_pct = -74.25, .cls = ICTUS_DM_DISEASE_MODIFYING},
        {.animal = 0, .kind = ICTUS_PERIOD_INTERVENTION, .period = 0, .type = 1,
         .during_pct = NAN, .after_pct = -1, .cls = ICTUS_DM_UNDETERMINED,
         .why = ICTUS_DM_WHY_LOW_BASELINE},
        {.animal = 1, .kind = ICTUS_PERIOD_TREATMENT, .condition = &tr, .type = 0,
         .design = ICTUS_DM_DESIGN_BASELINE, .has_after = false, .during_pct = -70.5,
         .after_pct = NAN, .cls = ICTUS_DM_UNDETERMINED, .why = ICTUS_DM_WHY_NO_FOLLOWUP},
    };
    ictus_dm dm = {.settings = {.effect_pct = 50, .onset_factor = 1.5}, .n_rows = 3,
                   .rows = rows};
    an.dm = &dm;
    ictus_report_table t;
    ictus_report_dm_table(&c, &t);
    CHECK_INT(ictus_report_table_rows(&t), 2);
    ictus_report_table_html(&t, &b);
    const char *h = ictus_strbuf_text(&b);
    CHECK(strstr(h, "id=\"disease-modification\"") != NULL);
    CHECK(strstr(h, "&lt;script&gt;alert(&quot;a&quot;)&lt;/script&gt;") != NULL);
    CHECK(strstr(h, "intervention: &lt;img src=x onerror=alert(1)&gt;") != NULL);
    CHECK(strstr(h, "st&lt;i&gt;p&lt;/i&gt;&amp;amp; 100 mg/kg ip") != NULL);
    CHECK(strstr(h, "<script") == NULL && strstr(h, "<img") == NULL && strstr(h, "<b>") == NULL);
    CHECK(strstr(h, ">-74.25<") != NULL && strstr(h, ">-70.5<") != NULL);
    CHECK(strstr(h, ">16<") != NULL);
    CHECK(strstr(h, ">disease_modifying<") != NULL && strstr(h, ">no_followup<") != NULL);
    CHECK(strstr(h, "low_baseline") == NULL);        /* the type-1 row is not shown */
    ictus_strbuf_free(&b);
    ictus_report_table_clear(&t);
    char pre[512];
    ictus_report_dm_preamble(&c, pre, sizeof pre);
    CHECK(strstr(pre, "50 %") != NULL && strstr(pre, "1.5 x") != NULL);

    /* A table with no row says so, as the PDF does, rather than a bare header. */
    static const char *const heads[] = {"recording", "why"};
    ictus_report_table_init(&t, "failed", "Recordings that failed", heads, 2);
    ictus_report_table_html(&t, &b);
    CHECK(strstr(ictus_strbuf_text(&b), "<tbody>\n<tr><td colspan=\"2\">(none)</td></tr>\n"
                                        "</tbody>") != NULL);
    ictus_strbuf_free(&b);
    ictus_report_table_text(&t, "a.edf");
    ictus_report_table_text(&t, "cut short");
    ictus_report_table_html(&t, &b);
    CHECK(strstr(ictus_strbuf_text(&b), "(none)") == NULL &&
          strstr(ictus_strbuf_text(&b), "<td>a.edf</td><td>cut short</td>") != NULL);
    ictus_strbuf_free(&b);
    ictus_report_table_clear(&t);
}

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

    test_new_outcomes();

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
