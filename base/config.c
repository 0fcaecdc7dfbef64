/* config.c: a small INI reader with origin tracking and unused-key checks. */
#include "base/config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/readfile.h"
#include "base/vec.h"

typedef struct {
    char *section;
    char *key;
    char *value;
    char *origin; /* file name or "command line" */
    int line;
    bool used;
} entry;

struct ictus_config {
    entry *entries;
    int n, cap;
};

ictus_config *ictus_config_create(void)
{
    return ictus_xcalloc(1, sizeof(ictus_config));
}

void ictus_config_destroy(ictus_config *cfg)
{
    if (!cfg)
        return;
    for (int i = 0; i < cfg->n; i++) {
        free(cfg->entries[i].section);
        free(cfg->entries[i].key);
        free(cfg->entries[i].value);
        free(cfg->entries[i].origin);
    }
    free(cfg->entries);
    free(cfg);
}

static void add_entry(ictus_config *cfg, const char *section, const char *key, const char *value,
                      const char *origin, int line)
{
    ICTUS_GROW(cfg->entries, cfg->n + 1, cfg->cap);
    cfg->entries[cfg->n++] = (entry){ictus_xstrdup(section), ictus_xstrdup(key),
                                     ictus_xstrdup(value), ictus_xstrdup(origin), line, false};
}

/* Trim white space in place at both ends; returns the new start. */
static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

static bool valid_name(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_' || *s == '-' || *s == '.'))
            return false;
    return true;
}

ictus_status ictus_config_parse(ictus_config *cfg, const char *text, const char *origin,
                                ictus_error *err)
{
    char *copy = ictus_xstrdup(text);
    char section[128] = "";
    int line_no = 0;
    ictus_status st = ICTUS_OK;
    for (char *line = copy, *next; line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        line_no++;
        char *s = trim(line);
        if (*s == '\0' || *s == '#' || *s == ';')
            continue;
        if (*s == '[') {
            char *close = strchr(s, ']');
            if (!close || close[1] != '\0') {
                st = ictus_fail(err, ICTUS_ERR_CONFIG, "%s:%d: expected '[section]'", origin, line_no);
                break;
            }
            *close = '\0';
            char *name = trim(s + 1);
            if (!valid_name(name) || strlen(name) >= sizeof section) {
                st = ictus_fail(err, ICTUS_ERR_CONFIG, "%s:%d: bad section name '%s'", origin,
                                line_no, name);
                break;
            }
            strcpy(section, name);
            continue;
        }
        char *eq = strchr(s, '=');
        if (!eq) {
            st = ictus_fail(err, ICTUS_ERR_CONFIG, "%s:%d: expected 'key = value', got '%s'",
                            origin, line_no, s);
            break;
        }
        *eq = '\0';
        char *key = trim(s), *value = trim(eq + 1);
        if (!valid_name(key)) {
            st = ictus_fail(err, ICTUS_ERR_CONFIG, "%s:%d: bad key '%s'", origin, line_no, key);
            break;
        }
        if (!*section) {
            st = ictus_fail(err, ICTUS_ERR_CONFIG, "%s:%d: key '%s' before any [section]", origin,
                            line_no, key);
            break;
        }
        /* strip an inline comment introduced by " #" */
        char *hash = strstr(value, " #");
        if (hash) {
            *hash = '\0';
            value = trim(value);
        }
        add_entry(cfg, section, key, value, origin, line_no);
    }
    free(copy);
    return st;
}

ictus_status ictus_config_load(ictus_config *cfg, const char *path, ictus_error *err)
{
    char *buf;
    size_t n;
    ictus_status st = ictus_read_file_max(path, ICTUS_MAX_INI_BYTES, &buf, &n, err);
    if (st != ICTUS_OK)
        return st;
    /* A UTF-8 byte-order mark (Windows editors write one) is dropped, as
     * the CSV reader drops it; UTF-16 is said to be UTF-16. */
    size_t skip = n >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
    if (n >= 2 && (memcmp(buf, "\xff\xfe", 2) == 0 || memcmp(buf, "\xfe\xff", 2) == 0))
        st = ictus_fail(err, ICTUS_ERR_CONFIG, "%s: UTF-16 text: save it as UTF-8", path);
    else if (memchr(buf, '\0', n))
        st = ictus_fail(err, ICTUS_ERR_CONFIG, "%s: not a text file (contains NUL bytes)", path);
    else
        st = ictus_config_parse(cfg, buf + skip, path, err);
    free(buf);
    return st;
}

ictus_status ictus_config_set(ictus_config *cfg, const char *assignment, ictus_error *err)
{
    /* The key is after the last dot before '=': sections may hold dots
     * (`type.hpd.max_emg_fraction=0.3` is key max_emg_fraction of [type.hpd]),
     * keys never do. */
    const char *eq = strchr(assignment, '=');
    const char *dot = NULL;
    for (const char *c = assignment; eq && c < eq; c++)
        if (*c == '.')
            dot = c;
    if (!dot || !eq)
        return ictus_fail(err, ICTUS_ERR_USAGE, "bad setting '%s': expected section.key=value",
                          assignment);
    char section[128], key[128];
    size_t ls = (size_t)(dot - assignment), lk = (size_t)(eq - dot - 1);
    if (ls == 0 || ls >= sizeof section || lk == 0 || lk >= sizeof key)
        return ictus_fail(err, ICTUS_ERR_USAGE, "bad setting '%s': expected section.key=value",
                          assignment);
    memcpy(section, assignment, ls);
    section[ls] = '\0';
    memcpy(key, dot + 1, lk);
    key[lk] = '\0';
    if (!valid_name(section) || !valid_name(key))
        return ictus_fail(err, ICTUS_ERR_USAGE, "bad setting '%s': expected section.key=value",
                          assignment);
    add_entry(cfg, section, key, eq + 1, "command line", 0);
    return ICTUS_OK;
}

static entry *find(ictus_config *cfg, const char *section, const char *key)
{
    entry *found = NULL;
    for (int i = 0; i < cfg->n; i++) {
        entry *e = &cfg->entries[i];
        if (strcmp(e->section, section) == 0 && strcmp(e->key, key) == 0) {
            e->used = true;
            found = e;
        }
    }
    return found;
}

const char *ictus_config_get(ictus_config *cfg, const char *section, const char *key)
{
    entry *e = find(cfg, section, key);
    return e ? e->value : NULL;
}

const char *ictus_config_origin(const ictus_config *cfg, const char *section, const char *key)
{
    entry *e = find((ictus_config *)cfg, section, key);
    return e && e->line > 0 ? e->origin : NULL;
}

/* Fail with "ORIGIN:LINE: [SECTION] KEY = 'VALUE': expected ..." (a file's
 * entry) or "ORIGIN: SECTION.KEY = 'VALUE': expected ..." (a --set), the
 * expectation written printf-style. */
__attribute__((format(printf, 3, 4)))
static ictus_status bad_value(ictus_error *err, const entry *e, const char *expected, ...)
{
    char text[128];
    va_list ap;
    va_start(ap, expected);
    vsnprintf(text, sizeof text, expected, ap);
    va_end(ap);
    if (e->line > 0)
        return ictus_fail(err, ICTUS_ERR_CONFIG, "%s:%d: [%s] %s = '%s': expected %s", e->origin,
                          e->line, e->section, e->key, ICTUS_QUOTE(e->value), text);
    return ictus_fail(err, ICTUS_ERR_CONFIG, "%s: %s.%s = '%s': expected %s", e->origin,
                      e->section, e->key, ICTUS_QUOTE(e->value), text);
}

/* Read `text` whole as one number: a base-10 integer (strtoll) into *i when
 * i is given, else any number strtod() reads into *d.  False when anything
 * but the number is in the text, or it overflows. */
static bool read_number(const char *text, double *d, int64_t *i)
{
    char *end;
    errno = 0;
    if (i)
        *i = strtoll(text, &end, 10);
    else
        *d = strtod(text, &end);
    return end != text && *end == '\0' && errno != ERANGE;
}

ictus_status ictus_config_get_double(ictus_config *cfg, const char *section, const char *key,
                                     double min, double max, double *out, ictus_error *err)
{
    entry *e = find(cfg, section, key);
    double v;
    if (!e)
        return ICTUS_OK;
    if (!read_number(e->value, &v, NULL) || !isfinite(v) || v < min || v > max)
        return bad_value(err, e, "a number in [%g, %g]", min, max);
    *out = v;
    return ICTUS_OK;
}

ictus_status ictus_config_get_int(ictus_config *cfg, const char *section, const char *key,
                                  int64_t min, int64_t max, int64_t *out, ictus_error *err)
{
    entry *e = find(cfg, section, key);
    int64_t v;
    if (!e)
        return ICTUS_OK;
    if (!read_number(e->value, NULL, &v) || v < min || v > max)
        return bad_value(err, e, "an integer in [%" PRId64 ", %" PRId64 "]", min, max);
    *out = v;
    return ICTUS_OK;
}

ictus_status ictus_config_get_bool(ictus_config *cfg, const char *section, const char *key,
                                   bool *out, ictus_error *err)
{
    entry *e = find(cfg, section, key);
    if (!e)
        return ICTUS_OK;
    const char *v = e->value;
    if (!strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "on") || !strcmp(v, "1"))
        *out = true;
    else if (!strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "off") || !strcmp(v, "0"))
        *out = false;
    else
        return bad_value(err, e, "true or false");
    return ICTUS_OK;
}

ictus_status ictus_config_get_string(ictus_config *cfg, const char *section, const char *key,
                                     char *out, size_t size, ictus_error *err)
{
    entry *e = find(cfg, section, key);
    if (!e)
        return ICTUS_OK;
    if (strlen(e->value) >= size)
        return bad_value(err, e, "at most %zu characters", size - 1);
    strcpy(out, e->value);
    return ICTUS_OK;
}

ictus_status ictus_config_check_used(const ictus_config *cfg, const char *const *sections,
                                     ictus_error *err)
{
    for (int i = 0; i < cfg->n; i++) {
        const entry *e = &cfg->entries[i];
        if (e->used)
            continue;
        bool owned = sections == NULL;
        for (const char *const *s = sections; s && *s && !owned; s++)
            owned = strcmp(*s, e->section) == 0;
        if (!owned)
            continue;
        if (e->line > 0)
            return ictus_fail(err, ICTUS_ERR_CONFIG, "%s:%d: unknown setting [%s] %s", e->origin,
                              e->line, e->section, e->key);
        return ictus_fail(err, ICTUS_ERR_CONFIG, "%s: unknown setting %s.%s", e->origin,
                          e->section, e->key);
    }
    return ICTUS_OK;
}

int ictus_config_count(const ictus_config *cfg)
{
    return cfg->n;
}

void ictus_config_entry(const ictus_config *cfg, int i, const char **section, const char **key,
                        const char **value)
{
    *section = cfg->entries[i].section;
    *key = cfg->entries[i].key;
    *value = cfg->entries[i].value;
}

int ictus_config_copy_scope(ictus_config *dst, const ictus_config *src, const char *scope)
{
    size_t len = strlen(scope);
    int n = 0;
    for (int i = 0; i < src->n; i++) {
        const entry *e = &src->entries[i];
        if (strncmp(e->section, scope, len) != 0 || e->section[len] != '.' || !e->section[len + 1])
            continue;
        add_entry(dst, e->section + len + 1, e->key, e->value, e->origin, e->line);
        n++;
    }
    return n;
}
