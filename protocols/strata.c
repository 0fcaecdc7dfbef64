/* strata.c: stratum settings and labels, the tests within each stratum and across strata. */
#include "protocols/strata.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"
#include "base/vec.h"
#include "protocols/stats.h"

#define US_PER_DAY 86400e6

static const char *const key_names[ICTUS_N_STRATUM_KEYS] = {"sex", "strain", "group",
                                                            "age_group"};

const char *ictus_stratum_key_name(ictus_stratum_key key)
{
    return key >= 0 && key < ICTUS_N_STRATUM_KEYS ? key_names[key] : "?";
}

/* ------------------------------------------------------------------------
 * Settings
 * ---------------------------------------------------------------------- */

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

static ictus_status parse_by(ictus_strata_settings *s, char *text, ictus_error *err)
{
    s->n_keys = 0;
    if (!*trim(text))
        return ICTUS_OK;
    for (char *save = NULL, *tok = strtok_r(text, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        char *name = trim(tok);
        int k = 0;
        while (k < ICTUS_N_STRATUM_KEYS && strcmp(name, key_names[k]) != 0)
            k++;
        if (k == ICTUS_N_STRATUM_KEYS)
            return ictus_fail(err, ICTUS_ERR_CONFIG, "settings: [analysis] by: unknown key "
                              "\"%s\" (expected sex, strain, group or age_group, "
                              "comma-separated)", name);
        for (int i = 0; i < s->n_keys; i++)
            if (s->keys[i] == (ictus_stratum_key)k)
                return ictus_fail(err, ICTUS_ERR_CONFIG, "settings: [analysis] by: \"%s\" "
                                  "given twice", name);
        s->keys[s->n_keys++] = (ictus_stratum_key)k;
    }
    return ICTUS_OK;
}

static ictus_status parse_edges(ictus_strata_settings *s, char *text, ictus_error *err)
{
    s->n_edges = 0;
    if (!*trim(text))
        return ICTUS_OK;
    for (char *save = NULL, *tok = strtok_r(text, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        char *item = trim(tok), *end;
        double v = strtod(item, &end);
        if (end == item || *end || !isfinite(v) || v < 0)
            return ictus_fail(err, ICTUS_ERR_CONFIG, "settings: [analysis] age_groups_days: "
                              "\"%s\" is not a number of days >= 0", item);
        if (s->n_edges == ICTUS_STRATA_MAX_EDGES)
            return ictus_fail(err, ICTUS_ERR_CONFIG, "settings: [analysis] age_groups_days: "
                              "more than %d edges", ICTUS_STRATA_MAX_EDGES);
        if (s->n_edges && v <= s->age_edges_days[s->n_edges - 1])
            return ictus_fail(err, ICTUS_ERR_CONFIG, "settings: [analysis] age_groups_days: "
                              "%g after %g: the edges must ascend", v,
                              s->age_edges_days[s->n_edges - 1]);
        s->age_edges_days[s->n_edges++] = v;
    }
    return ICTUS_OK;
}

static bool has_key(const ictus_strata_settings *s, ictus_stratum_key key)
{
    for (int i = 0; i < s->n_keys; i++)
        if (s->keys[i] == key)
            return true;
    return false;
}

ictus_status ictus_strata_settings_apply(ictus_strata_settings *s, ictus_config *cfg,
                                         ictus_error *err)
{
    char by[256] = "", edges[1024] = "";
    const char *given = ictus_config_get(cfg, "analysis", "by");
    ictus_status st = ictus_config_get_string(cfg, "analysis", "by", by, sizeof by, err);
    if (st == ICTUS_OK && given)
        st = parse_by(s, by, err);
    const char *given_edges = ictus_config_get(cfg, "analysis", "age_groups_days");
    if (st == ICTUS_OK)
        st = ictus_config_get_string(cfg, "analysis", "age_groups_days", edges, sizeof edges,
                                     err);
    if (st == ICTUS_OK && given_edges)
        st = parse_edges(s, edges, err);
    if (st == ICTUS_OK && has_key(s, ICTUS_STRATUM_AGE_GROUP) && s->n_edges == 0)
        st = ictus_fail(err, ICTUS_ERR_CONFIG, "settings: [analysis] by names age_group but "
                        "age_groups_days is not given (e.g. age_groups_days = 0,30,60,120)");
    return st;
}

void ictus_strata_by_text(const ictus_strata_settings *s, char *buf, size_t size)
{
    ictus_strbuf b = {0};
    for (int i = 0; i < s->n_keys; i++)
        ictus_strbuf_join(&b, ",", key_names[s->keys[i]]);
    snprintf(buf, size, "%s", ictus_strbuf_text(&b));
    ictus_strbuf_free(&b);
}

char *ictus_strata_settings_text(const ictus_strata_settings *s)
{
    ictus_strbuf b = {0};
    if (s->n_keys == 0)
        return ictus_strbuf_take(&b);
    char by[128];
    ictus_strata_by_text(s, by, sizeof by);
    ictus_strbuf_addf(&b, "strata.by=%s\n", by);
    if (has_key(s, ICTUS_STRATUM_AGE_GROUP)) {
        ictus_strbuf_add(&b, "strata.age_groups_days=");
        for (int i = 0; i < s->n_edges; i++)
            ictus_strbuf_addf(&b, "%s%.17g", i ? "," : "", s->age_edges_days[i]);
        ictus_strbuf_add(&b, "\n");
    }
    return ictus_strbuf_take(&b);
}

/* ------------------------------------------------------------------------
 * Labels
 * ---------------------------------------------------------------------- */

/* The age group of `animal` at t_us ("30-60", "120+") into buf; false when
 * the birth date is unknown or the animal is younger than the first edge. */
static bool age_group(const ictus_strata_settings *s, const ictus_animal *animal, int64_t t_us,
                      char *buf, size_t size)
{
    if (animal->birth_us == ICTUS_TIME_UNKNOWN || s->n_edges == 0)
        return false;
    double days = (double)(t_us - animal->birth_us) / US_PER_DAY;
    if (days < s->age_edges_days[0])
        return false;
    int i = 0;
    while (i + 1 < s->n_edges && days >= s->age_edges_days[i + 1])
        i++;
    if (i + 1 < s->n_edges)
        snprintf(buf, size, "%g-%g", s->age_edges_days[i], s->age_edges_days[i + 1]);
    else
        snprintf(buf, size, "%g+", s->age_edges_days[i]);
    return true;
}

bool ictus_strata_label(const ictus_strata_settings *s, const ictus_animal *animal,
                        int64_t t_us, char *buf, size_t size)
{
    buf[0] = '\0';
    if (s->n_keys == 0)
        return false;
    ictus_strbuf b = {0};
    bool ok = true;
    for (int i = 0; i < s->n_keys && ok; i++) {
        char age[64];
        const char *value = "";
        switch (s->keys[i]) {
        case ICTUS_STRATUM_SEX: value = animal->sex; break;
        case ICTUS_STRATUM_STRAIN: value = animal->strain; break;
        case ICTUS_STRATUM_GROUP: value = animal->group; break;
        case ICTUS_STRATUM_AGE_GROUP:
            value = age_group(s, animal, t_us, age, sizeof age) ? age : "";
            break;
        case ICTUS_N_STRATUM_KEYS: break;
        }
        ok = value && *value;
        if (ok)
            ictus_strbuf_addf(&b, "%s%s=%s", i ? ";" : "", key_names[s->keys[i]], value);
    }
    if (ok)
        snprintf(buf, size, "%s", ictus_strbuf_text(&b));
    ictus_strbuf_free(&b);
    return ok;
}

const char *ictus_strata_labels_keep(ictus_strata_labels *l, const char *text)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i], text) == 0)
            return l->items[i];
    ICTUS_GROW(l->items, l->n + 1, l->cap);
    return l->items[l->n++] = ictus_xstrdup(text);
}

void ictus_strata_labels_clear(ictus_strata_labels *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i]);
    free(l->items);
    *l = (ictus_strata_labels){0};
}

/* ------------------------------------------------------------------------
 * Tests
 * ---------------------------------------------------------------------- */

static int by_text(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Distinct labels of the outcomes list[0..n) (pointers), sorted, into out[]. */
static size_t distinct_labels(const ictus_outcome *const *list, size_t n, const char **out)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const char *s = list[i]->stratum;
        bool seen = !s;
        for (size_t j = 0; j < m && !seen; j++)
            seen = strcmp(out[j], s) == 0;
        if (!seen)
            out[m++] = s;
    }
    qsort(out, m, sizeof *out, by_text);
    return m;
}

const char **ictus_strata_of(const ictus_outcome *o, size_t n, size_t *n_out)
{
    const ictus_outcome **list = ictus_xmalloc((n ? n : 1) * sizeof *list);
    const char **labels = ictus_xmalloc((n ? n : 1) * sizeof *labels);
    for (size_t i = 0; i < n; i++)
        list[i] = &o[i];
    *n_out = distinct_labels(list, n, labels);
    free(list);
    return labels;
}

typedef struct {
    ictus_comparison *rows;
    size_t n, cap;
} row_list;

static void append(row_list *l, const ictus_comparison *rows, size_t n, const char *stratum)
{
    ICTUS_GROW(l->rows, l->n + n, l->cap);
    for (size_t i = 0; i < n; i++) {
        l->rows[l->n] = rows[i];
        l->rows[l->n++].stratum = stratum;
    }
}

/* Every test of comparisons.h on the outcomes of stratum `label` alone. */
static ictus_status within(row_list *l, const ictus_outcome *o, size_t n, int n_types,
                           const ictus_test_options *opt, const char *label, ictus_error *err)
{
    ictus_outcome *mine = ictus_xmalloc((n ? n : 1) * sizeof *mine);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (o[i].stratum && strcmp(o[i].stratum, label) == 0)
            mine[m++] = o[i];
    ictus_comparison *rows = NULL;
    size_t n_rows = 0;
    ictus_status st = ictus_comparisons_compute(mine, m, n_types, opt, &rows, &n_rows, err);
    if (st == ICTUS_OK)
        append(l, rows, n_rows, label);
    free(rows);
    free(mine);
    return st;
}

static double median_or_nan(const double *v, size_t n)
{
    double m = NAN;
    ictus_error err;
    if (n && ictus_stats_median(v, n, &m, &err) != ICTUS_OK)
        return NAN;
    return m;
}

/* The finite % changes of the outcomes g[0..n) labelled `label` into v. */
static size_t pct_changes(const ictus_outcome *const *g, size_t n, const char *label, double *v)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (g[i]->stratum && strcmp(g[i]->stratum, label) == 0 &&
            isfinite(g[i]->response.pct_change))
            v[m++] = g[i]->response.pct_change;
    return m;
}

/* The interaction rows of one treatment: outcomes g[0..n) of one type and condition. */
static ictus_status across_strata(row_list *l, const ictus_outcome *const *g, size_t n,
                                  const ictus_test_options *opt, const char *across,
                                  ictus_error *err)
{
    const char **labels = ictus_xmalloc((n ? n : 1) * sizeof *labels);
    size_t n_labels = distinct_labels(g, n, labels);
    double *a = ictus_xmalloc((n ? n : 1) * sizeof *a), *b = ictus_xmalloc((n ? n : 1) * sizeof *b);
    ictus_status st = ICTUS_OK;
    for (size_t i = 0; i < n_labels && st == ICTUS_OK; i++)
        for (size_t j = i + 1; j < n_labels && st == ICTUS_OK; j++) {
            size_t na = pct_changes(g, n, labels[i], a), nb = pct_changes(g, n, labels[j], b);
            ICTUS_GROW(l->rows, l->n + 1, l->cap);
            ictus_comparison *r = &l->rows[l->n++];
            *r = (ictus_comparison){.type = g[0]->type, .condition = g[0]->condition,
                                    .test = ICTUS_TEST_MANN_WHITNEY,
                                    .versus = ICTUS_VERSUS_STRATUM, .group_a = labels[i],
                                    .group_b = labels[j], .n = (int64_t)na, .k = 0,
                                    .n_ref = (int64_t)nb, .k_ref = -1, .count = -1,
                                    .ref_count = -1, .analysable_h = NAN,
                                    .ref_analysable_h = NAN, .estimate = NAN, .ci_lo = NAN,
                                    .ci_hi = NAN, .statistic = NAN, .p = NAN, .stratum = across};
            if (na == 0 || nb == 0) {
                snprintf(r->note, sizeof r->note, "no value on one side");
                continue;
            }
            r->estimate = median_or_nan(a, na) - median_or_nan(b, nb);
            ictus_mwu_options o = {.method = na + nb <= (size_t)opt->exact_max_n
                                                 ? ICTUS_PMETHOD_EXACT
                                                 : ICTUS_PMETHOD_APPROX,
                                   .continuity = true};
            ictus_mwu_result res;
            st = ictus_stats_mannwhitneyu(a, na, b, nb, &o, &res, err);
            r->statistic = res.u1;
            r->p = res.p;
        }
    free(a);
    free(b);
    free(labels);
    return st;
}

static int by_condition_then_animal(const void *a, const void *b)
{
    const ictus_outcome *x = *(const ictus_outcome *const *)a;
    const ictus_outcome *y = *(const ictus_outcome *const *)b;
    int d = ictus_condition_cmp(x->condition, y->condition);
    return d ? d : (x->animal > y->animal) - (x->animal < y->animal);
}

/* The interaction rows of every treatment, by type then exposure. */
static ictus_status interactions(row_list *l, const ictus_outcome *o, size_t n, int n_types,
                                 const ictus_test_options *opt, const char *across,
                                 ictus_error *err)
{
    const ictus_outcome **of_type = ictus_xmalloc((n ? n : 1) * sizeof *of_type);
    ictus_status st = ICTUS_OK;
    for (int t = 0; t < n_types && st == ICTUS_OK; t++) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (o[i].type == t && o[i].condition->kind == ICTUS_PERIOD_TREATMENT)
                of_type[m++] = &o[i];
        qsort(of_type, m, sizeof *of_type, by_condition_then_animal);
        for (size_t first = 0, last; first < m && st == ICTUS_OK; first = last) {
            for (last = first + 1; last < m && ictus_condition_same(of_type[first]->condition,
                                                                    of_type[last]->condition);
                 last++)
                ;
            st = across_strata(l, of_type + first, last - first, opt, across, err);
        }
    }
    free(of_type);
    return st;
}

ictus_status ictus_strata_comparisons(const ictus_outcome *o, size_t n, int n_types,
                                      const ictus_test_options *opt, const char *across,
                                      ictus_comparison **out, size_t *n_out, ictus_error *err)
{
    row_list l = {0};
    size_t n_labels;
    const char **labels = ictus_strata_of(o, n, &n_labels);
    ictus_status st = ICTUS_OK;
    for (size_t i = 0; i < n_labels && st == ICTUS_OK; i++)
        st = within(&l, o, n, n_types, opt, labels[i], err);
    if (st == ICTUS_OK)
        st = interactions(&l, o, n, n_types, opt, across, err);
    free(labels);
    if (st != ICTUS_OK) {
        free(l.rows);
        l = (row_list){0};
    }
    *out = l.rows;
    *n_out = l.n;
    return st;
}
