/* manifest.c: manifest CSV tables read with problems collected per field. */
#include "protocols/manifest.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "base/path.h"
#include "base/strbuf.h"
#include "base/vec.h"
#include "base/walltime.h"

/* ------------------------------------------------------------------------
 * Problem lists
 * ---------------------------------------------------------------------- */

static void add_line(ictus_problems *p, char *line)
{
    ICTUS_GROW(p->lines, p->n + 1, p->cap);
    p->lines[p->n++] = line;
}

static char *vformat(const char *fmt, va_list ap)
{
    ictus_strbuf text = {0};
    ictus_strbuf_vaddf(&text, fmt, ap);
    return ictus_strbuf_take(&text);
}

void ictus_problems_add(ictus_problems *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_line(p, vformat(fmt, ap));
    va_end(ap);
}

void ictus_problems_clear(ictus_problems *p)
{
    for (int i = 0; i < p->n; i++)
        free(p->lines[i]);
    free(p->lines);
    *p = (ictus_problems){0};
}

/* ------------------------------------------------------------------------
 * Reading a manifest file
 * ---------------------------------------------------------------------- */

ictus_status ictus_manifest_read(const char *dir, const char *name, bool required,
                                 const char *const *required_columns, int n_required,
                                 ictus_csv **out, ictus_problems *problems, ictus_error *err)
{
    *out = NULL;
    char *path = ictus_path_join_alloc(dir, name);
    struct stat st;
    if (stat(path, &st) != 0 && errno == ENOENT) {
        ictus_status result = required ? ictus_fail(err, ICTUS_ERR_IO,
                                                    "%s: missing: every study needs one", path)
                                       : ICTUS_OK;
        free(path);
        return result;
    }
    ictus_error why;
    ictus_csv *t = NULL;
    ictus_status result = ictus_csv_read(path, &t, &why);
    if (result == ICTUS_OK)
        result = ictus_csv_require(t, required_columns, n_required, &why);
    free(path);
    if (result == ICTUS_OK) {
        *out = t;
        return ICTUS_OK;
    }
    ictus_csv_destroy(t);
    if (required) {
        if (err)
            *err = why;
        return result;
    }
    ictus_problems_add(problems, "%s (the file is ignored)", why.msg);
    return ICTUS_OK;
}

/* ------------------------------------------------------------------------
 * Checking fields
 * ---------------------------------------------------------------------- */

static void vproblem(ictus_manifest_row *r, int col, const char *fmt, va_list ap)
{
    char where[512];
    char *what = vformat(fmt, ap);
    ictus_csv_where(r->t, r->row, col, where, sizeof where);
    ictus_problems_add(r->problems, "%s: %s", where, what);
    free(what);
    r->n_bad++;
}

void ictus_manifest_problem(ictus_manifest_row *r, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vproblem(r, col, fmt, ap);
    va_end(ap);
}

void ictus_manifest_row_begin(ictus_manifest_row *r, const ictus_csv *t, int row,
                              ictus_problems *problems)
{
    *r = (ictus_manifest_row){t, row, problems, 0, ICTUS_DATE_ISO};
    int have = ictus_csv_row_fields(t, row), want = ictus_csv_columns(t);
    if (have > want)
        ictus_manifest_problem(r, want,
                               "the row has %d fields but the header %d (a comma inside an "
                               "unquoted field? quote it)", have, want);
}

ictus_manifest_row ictus_manifest_rows(const ictus_csv *t, ictus_problems *problems)
{
    return (ictus_manifest_row){t, -1, problems, 0, ICTUS_DATE_ISO};
}

ictus_manifest_row ictus_manifest_rows_dated(const ictus_csv *t, ictus_problems *problems,
                                             ictus_date_format format)
{
    return (ictus_manifest_row){t, -1, problems, 0, format};
}

bool ictus_manifest_next(ictus_manifest_row *r)
{
    if (r->row + 1 >= ictus_csv_rows(r->t))
        return false;
    ictus_date_format format = r->date_format;
    ictus_manifest_row_begin(r, r->t, r->row + 1, r->problems);
    r->date_format = format;
    return true;
}

const char *ictus_manifest_text(ictus_manifest_row *r, int col, const char *expected)
{
    const char *s = ictus_csv_field(r->t, r->row, col);
    if (expected && !*s && col >= 0)
        ictus_manifest_problem(r, col, "expected %s, got an empty field", expected);
    return s;
}

/* The forms a date(-time) field of the row accepts, for its problems
 * ("YYYY-MM-DD HH:MM[:SS], or the date alone for 00:00"); `timed`: a time
 * of day may follow the date. */
static const char *date_forms(const ictus_manifest_row *r, bool timed, char *buf, size_t size)
{
    const char *tod = timed ? " HH:MM[:SS]" : "";
    if (r->date_format == ICTUS_DATE_ISO)
        snprintf(buf, size, "YYYY-MM-DD%s", tod);
    else
        snprintf(buf, size, "%s%s or YYYY-MM-DD%s", ictus_date_format_names[r->date_format], tod,
                 tod);
    if (timed)
        snprintf(buf + strlen(buf), size - strlen(buf), ", or the date alone for 00:00");
    return buf;
}

/* Field `col` as a date(-time); `what` is "a date" or "a local date and
 * time", `timed` whether a time of day is asked for. */
static bool read_time_field(ictus_manifest_row *r, int col, bool required, const char *what,
                            bool timed, int64_t *out_us)
{
    const char *s = ictus_csv_field(r->t, r->row, col);
    *out_us = ICTUS_TIME_UNKNOWN;
    char forms[128];
    date_forms(r, timed, forms, sizeof forms);
    if (!*s) {
        if (required && col >= 0)
            ictus_manifest_problem(r, col, "expected %s (%s), got an empty field", what, forms);
        return !required;
    }
    switch (ictus_walltime_parse_as(s, r->date_format, out_us, NULL)) {
    case ICTUS_WALLTIME_OK:
        return true;
    case ICTUS_WALLTIME_NEEDS_FORMAT:
        ictus_manifest_problem(r, col, "expected %s (%s), got \"%s\": for day.month.year or "
                                       "month/day/year dates, say which in study.ini: [study] "
                                       "date_format = DD.MM.YYYY, DD/MM/YYYY or MM/DD/YYYY",
                               what, forms, ICTUS_QUOTE(s));
        break;
    case ICTUS_WALLTIME_BAD:
        ictus_manifest_problem(r, col, "expected %s (%s), got \"%s\"", what, forms,
                               ICTUS_QUOTE(s));
        break;
    }
    *out_us = ICTUS_TIME_UNKNOWN;
    return false;
}

bool ictus_manifest_time(ictus_manifest_row *r, int col, bool required, int64_t *out_us)
{
    return read_time_field(r, col, required, "a local date and time", true, out_us);
}

bool ictus_manifest_date(ictus_manifest_row *r, int col, bool required, int64_t *out_us)
{
    return read_time_field(r, col, required, "a date", false, out_us);
}

bool ictus_manifest_number(ictus_manifest_row *r, int col, bool required, double min,
                           const char *what, double *out)
{
    const char *s = ictus_csv_field(r->t, r->row, col);
    *out = NAN;
    if (!*s) {
        if (required && col >= 0)
            ictus_manifest_problem(r, col, "expected %s, got an empty field", what);
        return !required;
    }
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !isfinite(v) || v < min) {
        ictus_manifest_problem(r, col, "expected %s (a number >= %g), got \"%s\"", what, min,
                               ICTUS_QUOTE(s));
        return false;
    }
    *out = v;
    return true;
}

int ictus_manifest_choice(ictus_manifest_row *r, int col, const char *const *names, int n,
                          int if_empty)
{
    const char *s = ictus_csv_field(r->t, r->row, col);
    if (*s)
        for (int i = 0; i < n; i++)
            if (strcasecmp(s, names[i]) == 0)
                return i;
    if (!*s && if_empty >= 0)
        return if_empty;
    ictus_strbuf list = {0};
    for (int i = 0; i < n; i++) {
        ictus_strbuf_add(&list, i == 0 ? "" : i == n - 1 ? " or " : ", ");
        ictus_strbuf_add(&list, names[i]);
    }
    if (*s)
        ictus_manifest_problem(r, col, "expected %s, got \"%s\"", ictus_strbuf_text(&list),
                               ICTUS_QUOTE(s));
    else
        ictus_manifest_problem(r, col, "expected %s, got an empty field", ictus_strbuf_text(&list));
    ictus_strbuf_free(&list);
    return -1;
}
