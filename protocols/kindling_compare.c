/* kindling_compare.c: ED50/TD50/PI per drug and cohort, and pooled (kindling_compare.h). */
#include "protocols/kindling_compare.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/outfile.h"
#include "base/vec.h"
#include "protocols/kindling.h"

typedef struct {
    const char *cohort;       /* borrowed: a study name, or "pooled" */
    const char *drug;         /* borrowed */
    ictus_dose_link link;
    ictus_dr_row ed, td, pi;
    const char *settings_hash;
} ictus_kindling_cmp_row;

struct ictus_kindling_cmp {
    int n_rows;
    ictus_kindling_cmp_row *rows;
    double ci_level;
    char pooled_hash[ICTUS_HASH_HEX_SIZE]; /* or "mixed" */
};

/* The dose groups of `drug` (ignoring case) and `outcome` in k's dose rows,
 * appended to *groups; returns the animals they hold. */
static int collect(const ictus_kindling *k, const char *drug, const char *outcome,
                   ictus_dose_group **groups, int *n, int *cap)
{
    int animals = 0;
    for (int i = 0; i < k->n_rows; i++) {
        const ictus_dr_row *r = &k->rows[i];
        if (r->fit || strcasecmp(r->drug, drug) != 0 || strcmp(r->outcome, outcome) != 0)
            continue;
        ICTUS_GROW(*groups, *n + 1, *cap);
        (*groups)[(*n)++] = r->group;
        animals += (int)r->group.n;
    }
    return animals;
}

static bool has_drug(const ictus_kindling *k, const char *drug)
{
    for (int i = 0; i < k->n_rows; i++)
        if (strcasecmp(k->rows[i].drug, drug) == 0)
            return true;
    return false;
}

/* Fit the rows of `drug` over kindlings ks[0..n) into row (ed, td, pi). */
static void fit_cohorts(const ictus_kindling *const *ks, int n, const char *drug,
                        ictus_dose_link link, double level, ictus_kindling_cmp_row *row)
{
    static const char *const outcomes[2] = {"protection", "toxicity"};
    ictus_dr_row *fits[2] = {&row->ed, &row->td};
    for (int o = 0; o < 2; o++) {
        ictus_dose_group *groups = NULL;
        int ng = 0, cap = 0, animals = 0;
        for (int i = 0; i < n; i++)
            animals += collect(ks[i], drug, outcomes[o], &groups, &ng, &cap);
        /* doses are distinct within a cohort; across cohorts the same dose
         * may repeat: the likelihood pools repeated rows (dose_response.h) */
        fits[o]->drug = drug;
        fits[o]->outcome = outcomes[o];
        ictus_kindling_fit(groups, ng, animals, link, level, fits[o]);
        free(groups);
    }
    row->pi.drug = drug;
    row->pi.outcome = "pi";
    ictus_kindling_pi(&row->ed, &row->td, level, &row->pi);
}

void ictus_kindling_compare(const ictus_analysis *const *an, int n, ictus_kindling_cmp **out)
{
    *out = NULL;
    const ictus_kindling **ks = ictus_xcalloc((size_t)n + 1, sizeof *ks);
    int nk = 0;
    for (int i = 0; i < n; i++)
        if (an[i]->kindling)
            ks[nk++] = an[i]->kindling;
    if (nk == 0) {
        free(ks);
        return;
    }
    ictus_kindling_cmp *c = ictus_xcalloc(1, sizeof *c);
    c->ci_level = an[0]->settings.ci_level;
    snprintf(c->pooled_hash, sizeof c->pooled_hash, "%s", ks[0]->settings_hash);
    for (int i = 1; i < nk; i++)
        if (strcmp(ks[i]->settings_hash, ks[0]->settings_hash) != 0)
            snprintf(c->pooled_hash, sizeof c->pooled_hash, "mixed");
    /* drugs by name (ignoring case), the first spelling */
    const char **drugs = NULL;
    int n_drugs = 0, cap_drugs = 0, cap = 0;
    for (int i = 0; i < nk; i++)
        for (int r = 0; r < ks[i]->n_rows; r++) {
            const char *d = ks[i]->rows[r].drug;
            int j = 0;
            while (j < n_drugs && strcasecmp(drugs[j], d) != 0)
                j++;
            if (j < n_drugs)
                continue;
            ICTUS_GROW(drugs, n_drugs + 1, cap_drugs);
            for (j = n_drugs++; j > 0 && strcasecmp(drugs[j - 1], d) > 0; j--)
                drugs[j] = drugs[j - 1];
            drugs[j] = d;
        }
    for (int d = 0; d < n_drugs; d++)
        for (int link = 0; link < 2; link++) {
            int with = 0;
            for (int i = 0; i < nk; i++) {
                if (!has_drug(ks[i], drugs[d]))
                    continue;
                with++;
                ICTUS_GROW(c->rows, c->n_rows + 1, cap);
                ictus_kindling_cmp_row *row = &c->rows[c->n_rows++];
                memset(row, 0, sizeof *row);
                *row = (ictus_kindling_cmp_row){.cohort = ks[i]->study->name, .drug = drugs[d],
                                                .link = (ictus_dose_link)link,
                                                .settings_hash = ks[i]->settings_hash};
                fit_cohorts(&ks[i], 1, drugs[d], (ictus_dose_link)link, c->ci_level, row);
            }
            if (nk < 2 || with == 0)
                continue;
            ICTUS_GROW(c->rows, c->n_rows + 1, cap);
            ictus_kindling_cmp_row *row = &c->rows[c->n_rows++];
            memset(row, 0, sizeof *row);
            *row = (ictus_kindling_cmp_row){.cohort = "pooled", .drug = drugs[d],
                                            .link = (ictus_dose_link)link,
                                            .settings_hash = c->pooled_hash};
            fit_cohorts(ks, nk, drugs[d], (ictus_dose_link)link, c->ci_level, row);
        }
    free(drugs);
    free(ks);
    *out = c;
}

void ictus_kindling_compare_destroy(ictus_kindling_cmp *c)
{
    if (!c)
        return;
    free(c->rows);
    free(c);
}

int ictus_kindling_compare_rows(const ictus_kindling_cmp *c)
{
    return c->n_rows;
}

/* NaN for an unbounded limit (0 or infinite). */
static double finite_limit(double v)
{
    return isfinite(v) && v > 0 ? v : NAN;
}

static void fit_view(const ictus_dr_row *r, ictus_kindling_cmp_fit *f)
{
    *f = (ictus_kindling_cmp_fit){.ok = r->ok, .estimate = NAN, .fieller_lo = NAN,
                                  .fieller_hi = NAN, .profile_lo = NAN, .profile_hi = NAN,
                                  .se_log10 = NAN, .n_doses = r->n_doses,
                                  .n_animals = r->n_animals, .refused = r->refused};
    if (!r->ok)
        return;
    f->estimate = r->ed.ed;
    f->se_log10 = r->ed.se_log10;
    if (r->ed.fieller_bounded) {
        f->fieller_lo = finite_limit(r->ed.fieller.lo);
        f->fieller_hi = finite_limit(r->ed.fieller.hi);
    }
    f->profile_lo = finite_limit(r->ed.profile.lo);
    f->profile_hi = finite_limit(r->ed.profile.hi);
}

void ictus_kindling_compare_row(const ictus_kindling_cmp *c, int i, ictus_kindling_cmp_view *v)
{
    const ictus_kindling_cmp_row *r = &c->rows[i];
    *v = (ictus_kindling_cmp_view){.cohort = r->cohort, .drug = r->drug,
                                   .link = r->link == ICTUS_LINK_PROBIT ? "probit" : "logit",
                                   .pi_ok = r->pi.ok, .pi = NAN, .pi_ci_lo = NAN,
                                   .pi_ci_hi = NAN, .pi_refused = r->pi.refused,
                                   .settings_hash = r->settings_hash};
    fit_view(&r->ed, &v->ed50);
    fit_view(&r->td, &v->td50);
    if (r->pi.ok) {
        v->pi = r->pi.pi.pi;
        v->pi_ci_lo = r->pi.pi.ci.lo;
        v->pi_ci_hi = r->pi.pi.ci.hi;
    }
}

/* An interval limit: empty when infinite, 0 or NaN. */
static void limit(ictus_out *o, double v)
{
    ictus_outfile_number(o, isfinite(v) && v > 0 ? v : NAN);
}

/* The columns of an ED50 or TD50 fit. */
static void fit_fields(ictus_out *o, const ictus_dr_row *r)
{
    ictus_outfile_count(o, r->n_doses);
    ictus_outfile_count(o, r->n_animals);
    ictus_outfile_number(o, r->ok ? r->ed.ed : NAN);
    limit(o, r->ok && r->ed.fieller_bounded ? r->ed.fieller.lo : NAN);
    limit(o, r->ok && r->ed.fieller_bounded ? r->ed.fieller.hi : NAN);
    limit(o, r->ok ? r->ed.profile.lo : NAN);
    limit(o, r->ok ? r->ed.profile.hi : NAN);
    ictus_outfile_text(o, r->refused);
}

static void write_rows(ictus_out *o, const void *ctx)
{
    const ictus_kindling_cmp *c = ctx;
    ictus_out_str(o, "cohort,drug,link,ed50_n_doses,ed50_n_tested,ed50,ed50_fieller_lo,"
                     "ed50_fieller_hi,ed50_profile_lo,ed50_profile_hi,ed50_refused,td50_n_doses,"
                     "td50_n_tested,td50,td50_fieller_lo,td50_fieller_hi,td50_profile_lo,"
                     "td50_profile_hi,td50_refused,pi,pi_ci_lo,pi_ci_hi,pi_refused,ci_level,"
                     "settings_hash\n");
    for (int i = 0; i < c->n_rows; i++) {
        const ictus_kindling_cmp_row *r = &c->rows[i];
        ictus_out_field(o, r->cohort);
        ictus_outfile_text(o, r->drug);
        ictus_outfile_text(o, r->link == ICTUS_LINK_PROBIT ? "probit" : "logit");
        fit_fields(o, &r->ed);
        fit_fields(o, &r->td);
        ictus_outfile_number(o, r->pi.ok ? r->pi.pi.pi : NAN);
        limit(o, r->pi.ok ? r->pi.pi.ci.lo : NAN);
        limit(o, r->pi.ok ? r->pi.pi.ci.hi : NAN);
        ictus_outfile_text(o, r->pi.refused);
        ictus_outfile_number(o, c->ci_level);
        ictus_outfile_text(o, r->settings_hash);
        ictus_out_char(o, '\n');
    }
}

ictus_status ictus_kindling_compare_write(const ictus_kindling_cmp *c, const char *dir,
                                          ictus_error *err)
{
    ictus_status st = ictus_outfile_mkdir(dir, err);
    if (st == ICTUS_OK)
        st = ictus_outfile_write(dir, "kindling_comparison.csv", write_rows, c, err);
    return st;
}

/* "12.3 [4.5, 67.8]", "12.3" or "-" into buf. */
static const char *estimate_text(const ictus_dr_row *r, char *buf, size_t n)
{
    if (!r->ok)
        snprintf(buf, n, "-");
    else if (r->ed.fieller_bounded)
        snprintf(buf, n, "%.3g [%.3g, %.3g]", r->ed.ed, r->ed.fieller.lo, r->ed.fieller.hi);
    else
        snprintf(buf, n, "%.3g", r->ed.ed);
    return buf;
}

void ictus_kindling_compare_print(const ictus_kindling_cmp *c, FILE *f)
{
    fprintf(f, "\n%-16s %-16s %-7s %-26s %-26s %s\n", "cohort", "drug", "link",
            "ED50 mg/kg [Fieller]", "TD50 mg/kg [Fieller]", "PI [CI]");
    for (int i = 0; i < c->n_rows; i++) {
        const ictus_kindling_cmp_row *r = &c->rows[i];
        char ed[64], td[64], pi[64];
        if (r->pi.ok)
            snprintf(pi, sizeof pi, "%.3g [%.3g, %.3g]", r->pi.pi.pi, r->pi.pi.ci.lo,
                     r->pi.pi.ci.hi);
        else
            snprintf(pi, sizeof pi, "-");
        fprintf(f, "%-16s %-16s %-7s %-26s %-26s %s\n", r->cohort, r->drug,
                r->link == ICTUS_LINK_PROBIT ? "probit" : "logit",
                estimate_text(&r->ed, ed, sizeof ed), estimate_text(&r->td, td, sizeof td), pi);
    }
}
