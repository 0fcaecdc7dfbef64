/* thermo_figure.c: hyperthermia seizure thresholds per exposure (thermo_figure.h). */
#include "report/thermo_figure.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "protocols/hyperthermia.h"
#include "report/html.h"

static const double LEFT = 70, RIGHT = 20, TOP = 52, BOTTOM = 56, LABEL_PT = 9;
enum { MAX_EXPOSURES = 24 };

/* The exposures of the sessions: ex[i] (NULL: "none", sorted first), the
 * rest in ictus_condition_cmp() order; returns how many. */
static int exposures_of(const ictus_hyperthermia *h, const ictus_condition **ex)
{
    int n = 0;
    for (size_t s = 0; h && s < h->n_sessions; s++) {
        const ictus_hyperthermia_session *se = &h->sessions[s];
        if (se->period && !se->condition)
            continue; /* washout */
        bool seen = false;
        for (int i = 0; i < n && !seen; i++)
            seen = ex[i] == se->condition ||
                   (ex[i] && se->condition && ictus_condition_same(ex[i], se->condition));
        if (seen || n == MAX_EXPOSURES)
            continue;
        int at = n++;
        while (at > 0 && (!se->condition ||
                          (ex[at - 1] && ictus_condition_cmp(se->condition, ex[at - 1]) < 0))) {
            ex[at] = ex[at - 1];
            at--;
        }
        ex[at] = se->condition;
    }
    return n;
}

/* Whether session se is drawn under exposure e. */
static bool in_exposure(const ictus_hyperthermia_session *se, const ictus_condition *e)
{
    if (!e)
        return !se->period;
    return se->condition && ictus_condition_same(se->condition, e);
}

/* The exposure's `threshold` row of hyperthermia_comparisons.csv, or NULL. */
static const ictus_ht_comparison *median_of(const ictus_hyperthermia *h, const ictus_condition *e)
{
    for (size_t i = 0; i < h->n_comparisons; i++) {
        const ictus_ht_comparison *r = &h->comparisons[i];
        if (r->test == ICTUS_HT_THRESHOLD && r->has_condition == (e != NULL) &&
            (!e || ictus_condition_same(&r->condition, e)))
            return r;
    }
    return NULL;
}

static void exposure_label(const ictus_condition *e, char *buf, size_t size)
{
    if (e)
        ictus_report_exposure_label(e, buf, size);
    else
        snprintf(buf, size, "no dosing period");
}

bool ictus_report_thermo_shown(const ictus_report_ctx *c)
{
    const ictus_condition *ex[MAX_EXPOSURES];
    return exposures_of(c->an->hyperthermia, ex) > 0;
}

double ictus_report_thermo_height(const ictus_report_ctx *c)
{
    (void)c;
    return 380;
}

/* The temperature range to show: every drawn value and median, widened a little. */
static void range_of(const ictus_hyperthermia *h, const ictus_condition **ex, int n, double *lo,
                     double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t s = 0; s < h->n_sessions; s++)
        for (int e = 0; e < n; e++)
            if (in_exposure(&h->sessions[s], ex[e]) && isfinite(h->sessions[s].threshold_c)) {
                *lo = fmin(*lo, h->sessions[s].threshold_c);
                *hi = fmax(*hi, h->sessions[s].threshold_c);
            }
    for (int e = 0; e < n; e++) {
        const ictus_ht_comparison *m = median_of(h, ex[e]);
        if (m && isfinite(m->ci_lo) && isfinite(m->ci_hi)) {
            *lo = fmin(*lo, m->ci_lo);
            *hi = fmax(*hi, m->ci_hi);
        }
    }
    if (!(*lo <= *hi)) {
        *lo = 37;
        *hi = 43;
    }
    *lo = floor(*lo - 0.3);
    *hi = ceil(*hi + 0.3);
}

static void legend(cairo_t *cr)
{
    double x = LEFT, y = 18;
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    ictus_plot_marker(cr, 0, x + 4, y - 3, 4, true);
    ictus_plot_text(cr, x + 12, y, LABEL_PT, 0, false,
                    "session with a seizure: temperature at the first onset");
    x += 300;
    ictus_plot_marker(cr, 3, x + 4, y - 3, 4.5, false);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    ictus_plot_text(cr, x + 12, y, LABEL_PT, 0, false,
                    "censored: no seizure up to this maximum");
    x += 250;
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 2);
    cairo_move_to(cr, x, y - 3);
    cairo_line_to(cr, x + 16, y - 3);
    cairo_stroke(cr);
    ictus_plot_text(cr, x + 22, y, LABEL_PT, 0, false, "median of the animals, its CI (bar)");
}

void ictus_report_thermo_draw(cairo_t *cr, double w, double h, const void *ctx)
{
    const ictus_report_ctx *c = ctx;
    const ictus_hyperthermia *ht = c->an->hyperthermia;
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, 0, 0, w, h); /* not cairo_paint: the PDF page's heading is above */
    cairo_fill(cr);
    const ictus_condition *ex[MAX_EXPOSURES];
    int n = exposures_of(ht, ex);
    if (n == 0)
        return;
    double lo, hi;
    range_of(ht, ex, n, &lo, &hi);
    ictus_plot_axis ay = {lo, hi, false, h - BOTTOM, TOP};
    double slot = (w - LEFT - RIGHT) / n;
    legend(cr);
    for (int e = 0; e < n; e++) {
        double cx = LEFT + slot * (e + 0.5);
        int k = 0, m = 0;
        for (size_t s = 0; s < ht->n_sessions; s++)
            m += in_exposure(&ht->sessions[s], ex[e]) && isfinite(ht->sessions[s].threshold_c);
        double spread = fmin(slot * 0.5, 14.0 * m);
        for (size_t s = 0; s < ht->n_sessions; s++) {
            const ictus_hyperthermia_session *se = &ht->sessions[s];
            if (!in_exposure(se, ex[e]) || !isfinite(se->threshold_c))
                continue;
            double x = m > 1 ? cx - spread / 2 + spread * k / (m - 1) : cx;
            k++;
            ictus_plot_colour(cr, e, 1);
            ictus_plot_marker(cr, se->censored ? 3 : 0, x, ictus_plot_map(&ay, se->threshold_c),
                              se->censored ? 5 : 4, !se->censored);
        }
        const ictus_ht_comparison *md = median_of(ht, ex[e]);
        if (md && isfinite(md->estimate)) {
            double y = ictus_plot_map(&ay, md->estimate), half = spread / 2 + 12;
            cairo_set_source_rgb(cr, 0, 0, 0);
            cairo_set_line_width(cr, 2);
            cairo_move_to(cr, cx - half, y);
            cairo_line_to(cr, cx + half, y);
            cairo_stroke(cr);
            if (isfinite(md->ci_lo) && isfinite(md->ci_hi)) {
                cairo_set_line_width(cr, 1.2);
                cairo_move_to(cr, cx + half + 5, ictus_plot_map(&ay, md->ci_lo));
                cairo_line_to(cr, cx + half + 5, ictus_plot_map(&ay, md->ci_hi));
                cairo_stroke(cr);
            }
            char t[32];
            snprintf(t, sizeof t, "%.2f \xC2\xB0" "C", md->estimate);
            ictus_plot_text(cr, cx + half + 9, y + 3, LABEL_PT - 1, 0, false, t);
        }
        char lab[160], cut[200], count[64];
        exposure_label(ex[e], lab, sizeof lab);
        ictus_plot_cut(lab, (int)fmax(8, slot / 5.5), cut, sizeof cut);
        cairo_set_source_rgb(cr, 0, 0, 0);
        ictus_plot_text(cr, cx, h - BOTTOM + 16, LABEL_PT, 0.5, false, cut);
        snprintf(count, sizeof count, "%d session%s", m, m == 1 ? "" : "s");
        ictus_plot_text(cr, cx, h - BOTTOM + 29, LABEL_PT - 1, 0.5, false, count);
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 1);
    cairo_move_to(cr, LEFT, h - BOTTOM);
    cairo_line_to(cr, w - RIGHT, h - BOTTOM);
    cairo_stroke(cr);
    ictus_plot_y_axis(cr, &ay, LEFT, 6, NULL, "threshold temperature, \xC2\xB0" "C");
}

void ictus_report_thermo_data(ictus_strbuf *b, const ictus_report_ctx *c)
{
    const ictus_hyperthermia *ht = c->an->hyperthermia;
    const ictus_condition *ex[MAX_EXPOSURES];
    int n = exposures_of(ht, ex);
    ictus_strbuf_add(b, "[");
    for (int e = 0; e < n; e++) {
        char lab[160];
        exposure_label(ex[e], lab, sizeof lab);
        ictus_strbuf_add(b, e ? ",{" : "{");
        ictus_json_key_string(b, "exposure", lab);
        const ictus_ht_comparison *md = median_of(ht, ex[e]);
        ictus_strbuf_add(b, ",");
        ictus_json_key_number(b, "median_c", md ? md->estimate : NAN);
        ictus_strbuf_add(b, ",");
        ictus_json_key_number(b, "ci_lo", md ? md->ci_lo : NAN);
        ictus_strbuf_add(b, ",");
        ictus_json_key_number(b, "ci_hi", md ? md->ci_hi : NAN);
        ictus_strbuf_add(b, ",\"sessions\":[");
        int k = 0;
        for (size_t s = 0; s < ht->n_sessions; s++) {
            const ictus_hyperthermia_session *se = &ht->sessions[s];
            if (!in_exposure(se, ex[e]))
                continue;
            ictus_strbuf_add(b, k++ ? ",{" : "{");
            ictus_json_key_string(b, "animal", c->study->animals[se->animal].id);
            ictus_strbuf_add(b, ",");
            ictus_json_key_string(b, "recording", se->recording);
            ictus_strbuf_add(b, ",");
            ictus_json_key_number(b, "threshold_c", se->threshold_c);
            ictus_strbuf_addf(b, ",\"censored\":%s,", se->censored ? "true" : "false");
            ictus_json_key_number(b, "max_c", se->trace.max_c);
            ictus_strbuf_addf(b, ",\"n_seizures\":%zu}", se->n_seizures);
        }
        ictus_strbuf_add(b, "]}");
    }
    ictus_strbuf_add(b, "]");
}
