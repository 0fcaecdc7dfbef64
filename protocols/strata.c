/* strata.c: stratum settings and labels, the tests within each stratum and across strata. */
#include "protocols/strata.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"
#include "base/vec.h"

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

const char **ictus_strata_labels_sorted(const ictus_strata_labels *l)
{
    const char **labels = ictus_xmalloc((l->n ? l->n : 1) * sizeof *labels);
    for (size_t i = 0; i < l->n; i++)
        labels[i] = l->items[i];
    qsort(labels, l->n, sizeof *labels, by_text);
    return labels;
}

const char **ictus_strata_of(const ictus_outcome *o, size_t n, size_t *n_out)
{
    const char **labels = ictus_xmalloc((n ? n : 1) * sizeof *labels);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        bool seen = !o[i].stratum;
        for (size_t j = 0; j < m && !seen; j++)
            seen = strcmp(labels[j], o[i].stratum) == 0;
        if (!seen)
            labels[m++] = o[i].stratum;
    }
    qsort(labels, m, sizeof *labels, by_text);
    *n_out = m;
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

/* The interaction rows: comparisons.h's "versus group" Mann–Whitney test of
 * the treatments' % changes, with each outcome's stratum as its group (the
 * same pairs, order, exact/approximate rule and notes). */
static ictus_status interactions(row_list *l, const ictus_outcome *o, size_t n, int n_types,
                                 const ictus_test_options *opt, const char *across,
                                 ictus_error *err)
{
    ictus_outcome *as_groups = ictus_xmalloc((n ? n : 1) * sizeof *as_groups);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (o[i].stratum && o[i].condition->kind == ICTUS_PERIOD_TREATMENT) {
            as_groups[m] = o[i];
            as_groups[m++].group = o[i].stratum;
        }
    ictus_comparison *rows = NULL;
    size_t n_rows = 0;
    ictus_status st = ictus_comparisons_compute(as_groups, m, n_types, opt, &rows, &n_rows, err);
    for (size_t i = 0; i < n_rows && st == ICTUS_OK; i++)
        if (rows[i].versus == ICTUS_VERSUS_GROUP) {
            rows[i].versus = ICTUS_VERSUS_STRATUM;
            append(l, &rows[i], 1, across);
        }
    free(rows);
    free(as_groups);
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
