/* support_feature_fixture.c: the parser of tests/fixtures/features.txt. */
#include "tests/feature_fixture.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/status.h"
#include "base/vec.h"

typedef struct {
    const char *path;
    int line;
    char *save;        /* strtok_r state */
} parser;

static bool fail(const parser *p, const char *what)
{
    fprintf(stderr, "%s: line %d: %s\n", p->path, p->line, what);
    return false;
}

static bool next_double(parser *p, double *v)
{
    char *tok = strtok_r(NULL, " \n", &p->save);
    char *end;
    if (!tok)
        return fail(p, "expected a number, found the end of the line");
    *v = strtod(tok, &end);
    if (*end)
        return fail(p, "expected a number");
    return true;
}

/* Read exactly n numbers and nothing more. */
static bool read_numbers(parser *p, double *v, int n)
{
    for (int i = 0; i < n; i++)
        if (!next_double(p, &v[i]))
            return false;
    if (strtok_r(NULL, " \n", &p->save))
        return fail(p, "more numbers than expected");
    return true;
}

static bool parse_settings(parser *p, ictus_settings *set)
{
    const struct { const char *name; ictus_band *band; } bands[] = {
        {"total", &set->total}, {"delta", &set->delta}, {"theta", &set->theta},
        {"alpha", &set->alpha}, {"beta", &set->beta},   {"gamma", &set->gamma},
        {"emg", &set->emg},
    };
    char *key;
    while ((key = strtok_r(NULL, " \n", &p->save))) {
        bool ok = false;
        if (strcmp(key, "spike_k") == 0)
            ok = next_double(p, &set->spike_k);
        else if (strcmp(key, "spike_refractory_s") == 0)
            ok = next_double(p, &set->spike_refractory_s);
        for (size_t i = 0; i < sizeof bands / sizeof bands[0]; i++)
            if (strcmp(key, bands[i].name) == 0)
                ok = next_double(p, &bands[i].band->lo_hz) &&
                     next_double(p, &bands[i].band->hi_hz);
        if (!ok)
            return fail(p, "unknown setting or bad value");
    }
    return true;
}

static bool parse_columns(parser *p)
{
    for (int i = 0; i < ICTUS_N_FEATURES; i++) {
        char *name = strtok_r(NULL, " \n", &p->save);
        if (!name || strcmp(name, ictus_feature_names[i]) != 0)
            return fail(p, "columns differ from ictus_feature_names");
    }
    return strtok_r(NULL, " \n", &p->save) ? fail(p, "more columns than ICTUS_N_FEATURES") : true;
}

static bool parse_case(parser *p, feature_case *c)
{
    static const char *const windows[] = {
        [ICTUS_WINDOW_HANN] = "hann", [ICTUS_WINDOW_HAMMING] = "hamming",
        [ICTUS_WINDOW_RECT] = "rect"};
    char *name = strtok_r(NULL, " \n", &p->save);
    char *n = strtok_r(NULL, " \n", &p->save);
    if (!name || !n || strlen(name) >= sizeof c->name || atoi(n) < 2)
        return fail(p, "expected `case NAME N FS_HZ WINDOW BASELINE_RMS`");
    snprintf(c->name, sizeof c->name, "%s", name);
    c->n = atoi(n);
    if (!next_double(p, &c->fs_hz))
        return false;
    char *window = strtok_r(NULL, " \n", &p->save);
    int k = 0;
    while (k < 3 && window && strcmp(window, windows[k]) != 0)
        k++;
    if (k == 3 || !window)
        return fail(p, "expected a window: hann, hamming or rect");
    c->window = (ictus_window_kind)k;
    return next_double(p, &c->baseline_rms);
}

bool feature_fixture_load(const char *path, feature_fixture *fx)
{
    memset(fx, 0, sizeof *fx);
    ictus_settings_default(&fx->settings);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "%s: cannot open (run from the project root)\n", path);
        return false;
    }
    parser p = {.path = path};
    char *line = NULL;
    size_t cap = 0;
    bool ok = true, have_columns = false;
    feature_case *c = NULL; /* the case being read, until `end` */
    while (ok && getline(&line, &cap, f) > 0) {
        p.line++;
        char *tag = strtok_r(line, " \n", &p.save);
        if (!tag || tag[0] == '#')
            continue;
        if (strcmp(tag, "settings") == 0) {
            ok = parse_settings(&p, &fx->settings);
        } else if (strcmp(tag, "columns") == 0) {
            ok = parse_columns(&p);
            have_columns = ok;
        } else if (strcmp(tag, "case") == 0 && !c) {
            ICTUS_GROW(fx->cases, fx->n_cases + 1, fx->cap_cases);
            c = &fx->cases[fx->n_cases++];
            memset(c, 0, sizeof *c);
            ok = parse_case(&p, c);
            if (ok) {
                c->x = ictus_xmalloc((size_t)c->n * sizeof *c->x);
                c->psd = ictus_xmalloc((size_t)(c->n / 2 + 1) * sizeof *c->psd);
            }
        } else if (strcmp(tag, "x") == 0 && c) {
            ok = read_numbers(&p, c->x, c->n);
        } else if (strcmp(tag, "psd") == 0 && c) {
            ok = read_numbers(&p, c->psd, c->n / 2 + 1);
        } else if (strcmp(tag, "features") == 0 && c) {
            ok = read_numbers(&p, c->v, ICTUS_N_FEATURES);
        } else if (strcmp(tag, "end") == 0 && c) {
            c = NULL;
        } else {
            ok = fail(&p, "unexpected record");
        }
    }
    free(line);
    fclose(f);
    if (ok && (c || !have_columns || fx->n_cases == 0))
        ok = fail(&p, "the file ends inside a case, or lacks `columns` or cases");
    if (!ok)
        feature_fixture_free(fx);
    return ok;
}

void feature_fixture_free(feature_fixture *fx)
{
    for (int i = 0; i < fx->n_cases; i++) {
        free(fx->cases[i].x);
        free(fx->cases[i].psd);
    }
    free(fx->cases);
    memset(fx, 0, sizeof *fx);
}
