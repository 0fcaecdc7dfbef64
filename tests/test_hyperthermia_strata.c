/* test_hyperthermia_strata.c: hyperthermia_comparisons.csv by stratum (protocols/hyperthermia.c,
 * strata.h).
 *
 * A study written by the test: 8 animals (sex alternating F, M; groups wt
 * and het), each with a vehicle day and a stiripentol day (dosing.csv) and
 * one hyperthermia session per day logged in temperatures.csv (37 °C
 * rising 0.25 °C a minute to 42.5 °C), its seizures put into STUDY/ictus.db
 * through the store's API (tests/support_study.h).  Thresholds differ per
 * animal; two treated animals do not seize (censored at 42.5 °C).
 * Proves:
 *   - with [analysis] by = sex, the rows of each stratum are, byte for byte
 *     (the stratum column aside), the hyperthermia_comparisons.csv of an
 *     unstratified analysis of a study holding that sex's animals alone
 *     (the pooled computation run on the stratum's animals), and the
 *     in-memory rows agree with it field by field;
 *   - the pooled rows are those of the unstratified analysis with ",all"
 *     (the header with ",stratum"), and without `by` the file has no
 *     stratum column;
 *   - a label from input is escaped: group `w,"t"` → "group=w,""t""".
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/csvtable.h"
#include "base/strbuf.h"
#include "base/walltime.h"
#include "protocols/analysis.h"
#include "protocols/hyperthermia.h"
#include "tests/check.h"
#include "tests/support_study.h"
#include "tests/support_tmp.h"

#define N_ANIMALS 8
#define MIN_US (INT64_C(60) * ICTUS_US_PER_S)

static int64_t t0_us; /* 2026-01-05T00:00 */

static const char *stamp(int64_t t_us)
{
    static char buf[8][32];
    static int next;
    char *b = buf[next++ % 8];
    return ictus_walltime_format(t_us, b, 32);
}

static const char *sex_of(int a) { return a % 2 ? "M" : "F"; }

/* Minutes into the session (day d) of animal a's seizure; < 0: none. */
static int onset_min(int a, int day)
{
    if (day == 0)
        return 8 + (a * 5) % 9;           /* 39–41 °C */
    if (a == 3 || a == 6)
        return -1;                        /* censored at 42.5 °C */
    return 11 + (a * 7) % 10;             /* 39.75–42 °C */
}

/* The study of the animals of sex only_sex (every one when NULL) into dir,
 * with `analysis` as [analysis]; animals m1–m4 are in group wt_name (a CSV
 * field as written), m5–m8 in het. */
static bool make_study(const char *dir, const char *only_sex, const char *analysis,
                       const char *wt_name)
{
    char ini[256];
    snprintf(ini, sizeof ini, "[study]\nname = ht\npreset = ihka-mouse\nmains_hz = 50\n%s",
             analysis);
    bool ok = support_study_write(dir, "study.ini", ini);
    ictus_strbuf animals = {0}, dosing = {0}, temps = {0};
    ictus_strbuf_add(&animals, "animal,sex,group\n");
    ictus_strbuf_add(&dosing, "animal,period,drug,dose_mg_kg,route,start,end\n");
    ictus_strbuf_add(&temps, "animal,session,time,temperature_c\n");
    support_store s;
    ok = ok && support_store_open(&s, dir);
    for (int a = 0; a < N_ANIMALS && ok; a++) {
        if (only_sex && strcmp(sex_of(a), only_sex) != 0)
            continue;
        char id[16];
        snprintf(id, sizeof id, "m%d", a + 1);
        ictus_strbuf_addf(&animals, "%s,%s,%s\n", id, sex_of(a), a < 4 ? wt_name : "het");
        int64_t day = 24 * 60 * MIN_US;
        ictus_strbuf_addf(&dosing, "%s,vehicle,saline,,ip,%s,%s\n", id, stamp(t0_us),
                          stamp(t0_us + day));
        ictus_strbuf_addf(&dosing, "%s,treatment,stiripentol,100,ip,%s,%s\n", id,
                          stamp(t0_us + day), stamp(t0_us + 2 * day));
        support_event ev[2];
        int n_ev = 0;
        for (int d = 0; d < 2; d++) {
            int64_t start = t0_us + d * day + 10 * 60 * MIN_US;
            for (int m = 0; m <= 22; m++)
                ictus_strbuf_addf(&temps, "%s,%s,%s,%.2f\n", id, d ? "t" : "v",
                                  stamp(start + m * MIN_US), 37.0 + 0.25 * m);
            if (onset_min(a, d) >= 0)
                ev[n_ev++] = (support_event){start + onset_min(a, d) * MIN_US,
                                             40 * ICTUS_US_PER_S, "convulsive"};
        }
        ok = support_store_recording(&s, id, t0_us, 2 * day, 1.0, ev, n_ev);
    }
    support_store_close(&s);
    ok = ok && support_study_write(dir, "animals.csv", ictus_strbuf_text(&animals)) &&
         support_study_write(dir, "dosing.csv", ictus_strbuf_text(&dosing)) &&
         support_study_write(dir, "temperatures.csv", ictus_strbuf_text(&temps));
    ictus_strbuf_free(&animals);
    ictus_strbuf_free(&dosing);
    ictus_strbuf_free(&temps);
    return ok;
}

/* The whole file `path` as a new string (NULL when unreadable). */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    ictus_strbuf b = {0};
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        ictus_strbuf_addn(&b, buf, n);
    fclose(f);
    return ictus_strbuf_take(&b);
}

/* dir analysed and written into dir/out; the analysis (caller destroys
 * both) or NULL. */
static ictus_analysis *analysed(const char *dir, ictus_study **study)
{
    ictus_analysis *an = NULL;
    ictus_error err = {0};
    *study = NULL;
    CHECK_MSG(ictus_analysis_load(dir, NULL, study, &an, &err) == ICTUS_OK, "%s", err.msg);
    if (!an)
        return NULL;
    CHECK_INT((*study)->problems.n, 0);
    char out[1024];
    snprintf(out, sizeof out, "%s/out", dir);
    mkdir(out, 0777);
    CHECK_MSG(ictus_analysis_write(an, out, &err) == ICTUS_OK, "%s", err.msg);
    return an;
}

/* `text`'s lines (header left out) each with `tail` appended. */
static char *with_tail(const char *text, const char *tail)
{
    ictus_strbuf b = {0};
    const char *p = strchr(text, '\n') + 1;
    for (const char *eol; (eol = strchr(p, '\n')); p = eol + 1) {
        ictus_strbuf_addn(&b, p, (size_t)(eol - p));
        ictus_strbuf_addf(&b, "%s\n", tail);
    }
    return ictus_strbuf_take(&b);
}

static bool same_number(double a, double b) { return isnan(a) ? isnan(b) : a == b; }

static void same_rows(const struct ictus_ht_stratum *S, const ictus_hyperthermia *want)
{
    CHECK_INT(S->n_comparisons, want->n_comparisons);
    for (size_t i = 0; i < S->n_comparisons && i < want->n_comparisons; i++) {
        const ictus_ht_comparison *g = &S->comparisons[i], *w = &want->comparisons[i];
        CHECK_MSG(g->test == w->test && g->versus == w->versus && g->n == w->n &&
                      g->n_censored == w->n_censored && g->n_ref == w->n_ref &&
                      g->n_ref_censored == w->n_ref_censored &&
                      same_number(g->estimate, w->estimate) && same_number(g->p, w->p) &&
                      same_number(g->statistic, w->statistic) &&
                      same_number(g->ci_lo, w->ci_lo) && strcmp(g->note, w->note) == 0,
                  "%s: row %zu differs from the study of its animals alone", S->label, i);
    }
}

int main(void)
{
    t0_us = ictus_walltime_from_civil(2026, 1, 5, 0, 0, 0, 0);
    char *all = support_tmpdir("ht-strata-all");
    char *by = support_tmpdir("ht-strata-by");
    char *sub[2] = {support_tmpdir("ht-strata-f"), support_tmpdir("ht-strata-m")};
    const char *sexes[2] = {"F", "M"};
    CHECK(make_study(all, NULL, "", "wt"));
    CHECK(make_study(by, NULL, "[analysis]\nby = sex\n", "wt"));
    for (int k = 0; k < 2; k++)
        CHECK(make_study(sub[k], sexes[k], "", "wt"));
    ictus_study *s_all, *s_by, *s_sub[2];
    ictus_analysis *a_all = analysed(all, &s_all), *a_by = analysed(by, &s_by);
    ictus_analysis *a_sub[2] = {analysed(sub[0], &s_sub[0]), analysed(sub[1], &s_sub[1])};
    CHECK(a_all && a_by && a_sub[0] && a_sub[1]);
    if (a_all && a_by && a_sub[0] && a_sub[1]) {
        const ictus_hyperthermia *h = a_by->hyperthermia;
        CHECK_INT(a_all->hyperthermia->n_sessions, 2 * N_ANIMALS);
        CHECK_INT(a_all->hyperthermia->n_strata, 0);
        CHECK(a_all->hyperthermia->n_comparisons >= 4);
        CHECK_INT(h->n_strata, 2);
        char *plain = slurp(support_path(all, "out/hyperthermia_comparisons.csv"));
        char *strat = slurp(support_path(by, "out/hyperthermia_comparisons.csv"));
        CHECK(plain && strat);
        if (plain && strat && h->n_strata == 2) {
            CHECK(!strstr(plain, "stratum"));
            /* pooled: today's rows with ",all"; then F's, then M's */
            const char *eoh = strchr(plain, '\n');
            ictus_strbuf want = {0};
            ictus_strbuf_addn(&want, plain, (size_t)(eoh - plain));
            ictus_strbuf_add(&want, ",stratum\n");
            char *rows = with_tail(plain, ",all");
            ictus_strbuf_add(&want, rows);
            free(rows);
            for (int k = 0; k < 2; k++) {
                char label[16];
                snprintf(label, sizeof label, "sex=%s", sexes[k]);
                CHECK_STR(h->strata[k].label, label);
                same_rows(&h->strata[k], a_sub[k]->hyperthermia);
                char *one = slurp(support_path(sub[k], "out/hyperthermia_comparisons.csv"));
                char tail[24];
                snprintf(tail, sizeof tail, ",%s", label);
                rows = one ? with_tail(one, tail) : NULL;
                CHECK(rows != NULL);
                if (rows)
                    ictus_strbuf_add(&want, rows);
                free(rows);
                free(one);
                /* the stratum differs from the pooled rows (a real check) */
                CHECK(h->strata[k].n_comparisons > 0 &&
                      h->strata[k].comparisons[0].n < a_all->hyperthermia->comparisons[0].n);
            }
            CHECK_MSG(strcmp(ictus_strbuf_text(&want), strat) == 0,
                      "stratified file:\n%s\nwanted:\n%s", strat, ictus_strbuf_text(&want));
            ictus_strbuf_free(&want);
        }
        free(plain);
        free(strat);
    }
    /* group `w,"t"` (written as a CSV field): the label is escaped, and read back whole */
    char *grp = support_tmpdir("ht-strata-group");
    CHECK(make_study(grp, NULL, "[analysis]\nby = group\n", "\"w,\"\"t\"\"\""));
    ictus_study *s_g;
    ictus_analysis *a_g = analysed(grp, &s_g);
    if (a_g) {
        CHECK_INT(a_g->hyperthermia->n_strata, 2);
        char *text = slurp(support_path(grp, "out/hyperthermia_comparisons.csv"));
        CHECK(text && strstr(text, ",\"group=w,\"\"t\"\"\"\n") && strstr(text, ",group=het\n"));
        free(text);
        ictus_csv *t = NULL;
        ictus_error err = {0};
        CHECK_MSG(ictus_csv_read(support_path(grp, "out/hyperthermia_comparisons.csv"), &t,
                                 &err) == ICTUS_OK, "%s", err.msg);
        if (t) {
            int c = ictus_csv_column(t, "stratum");
            CHECK_INT(c, ictus_csv_columns(t) - 1);
            int n = 0;
            for (int r = 0; r < ictus_csv_rows(t) && c >= 0; r++)
                n += strcmp(ictus_csv_field(t, r, c), "group=w,\"t\"") == 0;
            CHECK(n > 0);
            ictus_csv_destroy(t);
        }
    }
    ictus_analysis_destroy(a_g);
    ictus_study_destroy(s_g);
    ictus_analysis_destroy(a_all);
    ictus_analysis_destroy(a_by);
    ictus_study_destroy(s_all);
    ictus_study_destroy(s_by);
    for (int k = 0; k < 2; k++) {
        ictus_analysis_destroy(a_sub[k]);
        ictus_study_destroy(s_sub[k]);
        support_tmpdir_remove(sub[k]);
    }
    support_tmpdir_remove(grp);
    support_tmpdir_remove(all);
    support_tmpdir_remove(by);
    return check_done("test_hyperthermia_strata");
}
