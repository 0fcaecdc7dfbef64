/* kindling_table.c: the ED50/TD50/PI table of the cross-cohort report (kindling_table.h). */
#include "report/kindling_table.h"

#include <math.h>
#include <stdio.h>

#include "protocols/kindling_compare.h"
#include "report/html.h"

enum { N_COLS = 6 };

/* "12.3 [4.5, 67.8]; profile [5, 60]", or the refusal. */
static void fit_cell(ictus_strbuf *b, const ictus_kindling_cmp_fit *f)
{
    char buf[256];
    if (!f->ok) {
        ictus_strbuf_add(b, "<td>no fit: ");
        ictus_html_esc(b, f->refused);
        ictus_strbuf_add(b, "</td>");
        return;
    }
    int n = snprintf(buf, sizeof buf, "%.4g", f->estimate);
    if (isfinite(f->fieller_lo) && isfinite(f->fieller_hi))
        n += snprintf(buf + n, sizeof buf - (size_t)n, " [%.4g, %.4g]", f->fieller_lo,
                      f->fieller_hi);
    else
        n += snprintf(buf + n, sizeof buf - (size_t)n, " [Fieller unbounded]");
    if (isfinite(f->profile_lo) || isfinite(f->profile_hi)) {
        char lo[32] = "0", hi[32] = "inf";
        if (isfinite(f->profile_lo))
            snprintf(lo, sizeof lo, "%.4g", f->profile_lo);
        if (isfinite(f->profile_hi))
            snprintf(hi, sizeof hi, "%.4g", f->profile_hi);
        snprintf(buf + n, sizeof buf - (size_t)n, "; profile [%s, %s]", lo, hi);
    }
    ictus_strbuf_add(b, "<td class=\"n\">");
    ictus_html_esc(b, buf);
    ictus_strbuf_add(b, "</td>");
}

int ictus_kindling_html_table(ictus_strbuf *b, const ictus_analysis *const *an, int n)
{
    ictus_kindling_cmp *c = NULL;
    ictus_kindling_compare(an, n, &c);
    int rows = c ? ictus_kindling_compare_rows(c) : 0;
    if (rows == 0) {
        ictus_kindling_compare_destroy(c);
        return 0;
    }
    ictus_strbuf_add(b, "<h3>6 Hz kindling: ED50, TD50 and protective index</h3>\n<p>Per drug "
                        "and cohort, and pooled over the cohorts (the animals of every cohort "
                        "in one fit): mg/kg with Fieller's and the profile-likelihood "
                        "intervals; PI = TD50/ED50 with the delta-method interval on log PI "
                        "(kindling_comparison.csv).</p>\n<div class=\"wide\">");
    static const char *const heads[N_COLS] = {"cohort", "drug", "link", "ED50 mg/kg",
                                              "TD50 mg/kg", "PI"};
    ictus_html_table_open(b, "table-kindling", heads, N_COLS);
    for (int i = 0; i < rows; i++) {
        ictus_kindling_cmp_view v;
        ictus_kindling_compare_row(c, i, &v);
        ictus_strbuf_add(b, "<tr><td>");
        ictus_html_esc(b, v.cohort);
        ictus_strbuf_add(b, "</td><td>");
        ictus_html_esc(b, v.drug);
        ictus_strbuf_add(b, "</td><td>");
        ictus_html_esc(b, v.link);
        ictus_strbuf_add(b, "</td>");
        fit_cell(b, &v.ed50);
        fit_cell(b, &v.td50);
        if (v.pi_ok) {
            char buf[96];
            snprintf(buf, sizeof buf, "%.4g [%.4g, %.4g]", v.pi, v.pi_ci_lo, v.pi_ci_hi);
            ictus_strbuf_add(b, "<td class=\"n\">");
            ictus_html_esc(b, buf);
        } else {
            ictus_strbuf_add(b, "<td>no PI: ");
            ictus_html_esc(b, v.pi_refused);
        }
        ictus_strbuf_add(b, "</td></tr>\n");
    }
    ictus_strbuf_add(b, "</tbody></table></div>\n");
    ictus_kindling_compare_destroy(c);
    return rows;
}
