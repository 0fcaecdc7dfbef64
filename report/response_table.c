/* response_table.c: seizures per day and response class per animal, as text (response_table.h). */
#include "report/response_table.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/vec.h"
#include "report/figures.h"

/* The columns: one exposure each, in ictus_condition_cmp() order. */
typedef struct {
    int n;
    size_t cap;
    const ictus_condition **conditions;
} columns;

static int cmp_condition_ptr(const void *a, const void *b)
{
    return ictus_condition_cmp(*(const ictus_condition *const *)a,
                               *(const ictus_condition *const *)b);
}

static void collect_columns(const ictus_analysis *an, columns *cols)
{
    for (size_t i = 0; i < an->n_outcomes; i++) {
        const ictus_outcome *o = &an->outcomes[i];
        if (o->type != 0)
            continue;
        bool known = false;
        for (int c = 0; c < cols->n && !known; c++)
            known = ictus_condition_same(cols->conditions[c], o->condition);
        if (!known) {
            ICTUS_GROW(cols->conditions, cols->n + 1, cols->cap);
            cols->conditions[cols->n++] = o->condition;
        }
    }
    if (cols->n > 1)
        qsort(cols->conditions, (size_t)cols->n, sizeof *cols->conditions, cmp_condition_ptr);
}

/* The outcome (type all) of animal `a` under the exposure `c`, or NULL. */
static const ictus_outcome *find_outcome(const ictus_analysis *an, int a, const ictus_condition *c)
{
    for (size_t i = 0; i < an->n_outcomes; i++) {
        const ictus_outcome *o = &an->outcomes[i];
        if (o->animal == a && o->type == 0 && ictus_condition_same(o->condition, c))
            return o;
    }
    return NULL;
}

/* "4.50", "1.20 responder", "0.40 undetermined (little_data)", "-" rates
 * without analysable time, "." no such condition. */
static void format_cell(const ictus_outcome *o, char *buf, size_t size)
{
    if (!o) {
        snprintf(buf, size, ".");
        return;
    }
    char rate[32];
    if (isfinite(o->m.rate_per_24h))
        snprintf(rate, sizeof rate, "%.2f", o->m.rate_per_24h);
    else
        snprintf(rate, sizeof rate, "-");
    if (o->condition->kind == ICTUS_PERIOD_BASELINE)
        snprintf(buf, size, "%s", rate);
    else if (o->response.cls == ICTUS_CLASS_UNDETERMINED)
        snprintf(buf, size, "%s undetermined (%s)", rate, ictus_why_name(o->response.why));
    else
        snprintf(buf, size, "%s %s", rate, ictus_class_name(o->response.cls));
}

/* What reason `why` means and which setting decides it, one sentence. */
static void explain_why(const ictus_analysis *an, ictus_undetermined_why why, ictus_strbuf *out)
{
    const ictus_response_rules *r = &an->settings.rules;
    switch (why) {
    case ICTUS_WHY_NO_DATA:
        ictus_strbuf_add(out, "no analysable time under the exposure (no recording in its "
                              "dosing.csv dates, or all artefact)");
        break;
    case ICTUS_WHY_NO_BASELINE:
        ictus_strbuf_addf(out, "the animal has no baseline period with analysable time (dosing.csv "
                               "baseline rows; study.ini [analysis] baseline = %s)",
                          ictus_baseline_rule_names[an->settings.baseline]);
        break;
    case ICTUS_WHY_LITTLE_DATA:
        ictus_strbuf_addf(out, "fewer analysable hours under the exposure than study.ini "
                               "[analysis] min_analysable_h = %g asks for", r->min_analysable_h);
        break;
    case ICTUS_WHY_SHORT_BASELINE:
        ictus_strbuf_addf(out, "fewer analysable baseline hours than study.ini [analysis] "
                               "min_analysable_h = %g asks for", r->min_analysable_h);
        break;
    case ICTUS_WHY_BASELINE_SEIZURE_FREE:
        ictus_strbuf_add(out, "no seizure at baseline, so nothing to reduce (no setting changes "
                              "this)");
        break;
    case ICTUS_WHY_SPARSE_BASELINE:
        ictus_strbuf_addf(out, "baseline rate below study.ini [analysis] min_baseline_per_24h = "
                               "%g seizures per 24 h", r->min_baseline_per_24h);
        break;
    case ICTUS_WHY_NO_BASELINE_ISI:
        ictus_strbuf_addf(out, "no seizure under the exposure, but no baseline period has 2 "
                               "seizures to measure an interval by (seizure freedom needs "
                               "study.ini [analysis] seizure_free_factor = %g x the longest "
                               "baseline interval)", r->seizure_free_factor);
        break;
    case ICTUS_WHY_SEIZURE_FREE_TOO_SHORT:
        ictus_strbuf_addf(out, "no seizure under the exposure, but for less than study.ini "
                               "[analysis] seizure_free_factor = %g x the longest baseline "
                               "interval", r->seizure_free_factor);
        break;
    case ICTUS_WHY_NONE:
    case ICTUS_N_WHY:
        ictus_strbuf_add(out, "?");
        break;
    }
}

/* Append one row of cells padded to widths[] (the last one not padded). */
static void add_row(ictus_strbuf *out, const char *indent, char **cells, const int *widths, int n)
{
    ictus_strbuf_addf(out, "%s  ", indent);
    for (int c = 0; c < n; c++)
        ictus_strbuf_addf(out, "%-*s%s", c + 1 < n ? widths[c] : 0, cells[c],
                          c + 1 < n ? "  " : "\n");
}

void ictus_response_table(const ictus_analysis *an, const char *indent, int max_rows,
                          ictus_strbuf *out, ictus_response_table_counts *counts)
{
    ictus_response_table_counts k = {0};
    int why_count[ICTUS_N_WHY] = {0};
    columns cols = {0};
    collect_columns(an, &cols);
    int n_animals = an->study->n_animals, n_cols = cols.n + 1;
    /* cells[row][col], row 0 the header; rows of animals without a condition stay NULL */
    char ***cells = ictus_xcalloc((size_t)n_animals + 1, sizeof *cells);
    int *widths = ictus_xcalloc((size_t)n_cols, sizeof *widths);
    char text[512];
    cells[0] = ictus_xcalloc((size_t)n_cols, sizeof **cells);
    cells[0][0] = ictus_xstrdup("animal");
    for (int c = 0; c < cols.n; c++) {
        ictus_report_exposure_label(cols.conditions[c], text, sizeof text);
        cells[0][c + 1] = ictus_xstrdup(text);
    }
    for (int a = 0; a < n_animals && cols.n > 0; a++) {
        char **row = ictus_xcalloc((size_t)n_cols, sizeof *row);
        bool any = false;
        for (int c = 0; c < cols.n; c++) {
            const ictus_outcome *o = find_outcome(an, a, cols.conditions[c]);
            any |= o != NULL;
            format_cell(o, text, sizeof text);
            row[c + 1] = ictus_xstrdup(text);
            if (o && o->condition->kind != ICTUS_PERIOD_BASELINE) {
                k.n_classes++;
                if (o->response.cls == ICTUS_CLASS_UNDETERMINED) {
                    k.n_undetermined++;
                    why_count[o->response.why]++;
                }
            }
        }
        row[0] = ictus_xstrdup(an->study->animals[a].id);
        cells[a + 1] = row;
        if (!any) { /* an animal without periods: no row */
            for (int c = 0; c < n_cols; c++)
                free(row[c]);
            free(row);
            cells[a + 1] = NULL;
        }
    }
    for (int r = 0; r <= n_animals && cols.n > 0; r++)
        for (int c = 0; cells[r] && c < n_cols; c++)
            if ((int)strlen(cells[r][c]) > widths[c])
                widths[c] = (int)strlen(cells[r][c]);
    if (cols.n > 0) {
        ictus_strbuf_addf(out, "%sseizures per analysable 24 h (all types) and response class:\n",
                          indent);
        int shown = 0, more = 0;
        for (int r = 0; r <= n_animals; r++) {
            if (!cells[r])
                continue;
            if (r > 0 && max_rows > 0 && shown >= max_rows) {
                more++;
                continue;
            }
            add_row(out, indent, cells[r], widths, n_cols);
            shown += r > 0;
        }
        if (more)
            ictus_strbuf_addf(out, "%s  ... and %d more animal%s\n", indent, more,
                              more == 1 ? "" : "s");
    }
    if (k.n_undetermined > 0) {
        ictus_strbuf_addf(out, "%swarning: %d of %d response class%s undetermined; why:\n",
                          indent, k.n_undetermined, k.n_classes, k.n_classes == 1 ? "" : "es");
        for (int w = 1; w < ICTUS_N_WHY; w++)
            if (why_count[w]) {
                ictus_strbuf_addf(out, "%s  %s (%d): ", indent,
                                  ictus_why_name((ictus_undetermined_why)w), why_count[w]);
                explain_why(an, (ictus_undetermined_why)w, out);
                ictus_strbuf_add(out, "\n");
            }
    }
    for (int r = 0; r <= n_animals; r++) {
        for (int c = 0; cells[r] && c < n_cols; c++)
            free(cells[r][c]);
        free(cells[r]);
    }
    free(cells);
    free(widths);
    free(cols.conditions);
    if (counts)
        *counts = k;
}
