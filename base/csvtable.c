/* csvtable.c: a whole CSV file read into a table (libcsv), with line numbers and UTF-8 checks.
 *
 * libcsv does the RFC 4180 parsing (strict mode: a quote inside an unquoted
 * field or text after a closing quote is an error) and trims unquoted
 * fields.  It does not count lines, so the file is fed to it one physical
 * line at a time: a row starts on the line being fed when the previous row
 * has ended, and a quoted newline simply keeps the row open across lines.
 * Blank lines between rows are skipped before they reach libcsv.
 *
 * Fields are stored one after another, NUL-terminated, in one text buffer;
 * rows index into an array of field offsets.  Offsets and indexes are 32
 * bits (a file is at most 4 GiB): a study's recordings.csv of 160,000 rows
 * has 800,000 fields, and the table is alive while the study is built.
 */
#include "base/csvtable.h"

#include <assert.h>
#include <csv.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/csvout.h"
#include "base/readfile.h"
#include "base/vec.h"

/* The largest file read: offsets in text and field indexes fit 32 bits
 * (the text is never longer than the file, plus one NUL). */
#define MAX_FILE_BYTES ((size_t)UINT32_MAX - 1)

typedef struct {
    int line;       /* 1-based line where the row starts */
    int n_fields;
    uint32_t first; /* index of its first field in field_at[] */
} csv_row;

struct ictus_csv {
    char *path;
    char *text;        /* every field, NUL-terminated, one after another */
    size_t text_len, text_cap;
    uint32_t *field_at; /* offset of each field in text */
    size_t n_fields, fields_cap;
    csv_row *rows;     /* rows[0] is the header, rows[1 + r] data row r */
    int n_rows, rows_cap;
};

/* ------------------------------------------------------------------------
 * Checking the file's encoding
 * ---------------------------------------------------------------------- */

/* 1-based line and character column of byte `at` of s. */
static void locate(const char *s, size_t at, int *line, int *column)
{
    *line = 1;
    *column = 1;
    for (size_t i = 0; i < at; i++) {
        if (s[i] == '\n') {
            ++*line;
            *column = 1;
        } else if (((unsigned char)s[i] & 0xC0) != 0x80) {
            ++*column;
        }
    }
}

/* Offset of the first byte of the first invalid UTF-8 sequence in s (an
 * impossible byte, a missing continuation byte, an overlong form, a
 * surrogate or a code point above U+10FFFF), or len when s is valid. */
static size_t utf8_invalid_at(const unsigned char *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        unsigned c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n;     /* continuation bytes */
        uint32_t min; /* smallest code point of that length */
        if (c >= 0xC2 && c <= 0xDF)
            n = 1, min = 0x80;
        else if (c >= 0xE0 && c <= 0xEF)
            n = 2, min = 0x800;
        else if (c >= 0xF0 && c <= 0xF4)
            n = 3, min = 0x10000;
        else
            return i;
        if (len - i <= n)
            return i;
        uint32_t cp = c & (0x3Fu >> n);
        for (size_t k = 1; k <= n; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return i;
            cp = cp << 6 | (s[i + k] & 0x3Fu);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return i;
        i += n + 1;
    }
    return len;
}

/* Check that buf is UTF-8; *skip is set to the length of a UTF-8 BOM. */
static ictus_status check_encoding(const char *path, const char *buf, size_t len, size_t *skip,
                                   ictus_error *err)
{
    static const struct { const char *bom; size_t len; const char *name; } boms[] = {
        {"\x00\x00\xFE\xFF", 4, "UTF-32"}, {"\xFF\xFE\x00\x00", 4, "UTF-32"},
        {"\xFE\xFF", 2, "UTF-16"}, {"\xFF\xFE", 2, "UTF-16"},
    };
    for (size_t i = 0; i < sizeof boms / sizeof boms[0]; i++)
        if (len >= boms[i].len && memcmp(buf, boms[i].bom, boms[i].len) == 0)
            return ictus_fail(err, ICTUS_ERR_FORMAT,
                              "%s: the file is %s (it starts with a byte-order mark); save it as UTF-8",
                              path, boms[i].name);
    *skip = len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    buf += *skip;
    len -= *skip;
    int line, column;
    const char *nul = memchr(buf, '\0', len);
    if (nul) {
        locate(buf, (size_t)(nul - buf), &line, &column);
        return ictus_fail(err, ICTUS_ERR_FORMAT,
                          "%s:%d:%d: NUL byte: the file looks like UTF-16 or UTF-32; save it as UTF-8",
                          path, line, column);
    }
    size_t bad = utf8_invalid_at((const unsigned char *)buf, len);
    if (bad < len) {
        locate(buf, bad, &line, &column);
        return ictus_fail(err, ICTUS_ERR_FORMAT,
                          "%s:%d:%d: invalid UTF-8 (byte 0x%02X); save the file as UTF-8", path, line,
                          column, (unsigned char)buf[bad]);
    }
    return ICTUS_OK;
}

/* ------------------------------------------------------------------------
 * Parsing with libcsv
 * ---------------------------------------------------------------------- */

typedef struct {
    ictus_csv *t;
    int line;         /* line being fed to libcsv */
    int row_line;     /* line where the open row started; 0 between rows */
    size_t row_first; /* index of the open row's first field */
} builder;

static void on_field(void *field, size_t len, void *data)
{
    ictus_csv *t = ((builder *)data)->t;
    ICTUS_GROW(t->text, t->text_len + len + 1, t->text_cap);
    ICTUS_GROW(t->field_at, t->n_fields + 1, t->fields_cap);
    t->field_at[t->n_fields++] = (uint32_t)t->text_len;
    char *f = t->text + t->text_len;
    memcpy(f, field, len);
    f[len] = '\0';
    if (ictus_csv_unguard(f) != f) { /* the ' ictus_out_field() put in front (base/csvout.h) */
        memmove(f, f + 1, len);
        len--;
    }
    t->text_len += len + 1;
}

static void on_row_end(int terminator, void *data)
{
    builder *b = data;
    ictus_csv *t = b->t;
    ICTUS_GROW(t->rows, t->n_rows + 1, t->rows_cap);
    t->rows[t->n_rows++] = (csv_row){
        .line = b->row_line ? b->row_line : b->line,
        .n_fields = (int)(t->n_fields - b->row_first),
        .first = (uint32_t)b->row_first,
    };
    b->row_first = t->n_fields;
    b->row_line = 0;
}

static bool blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return false;
    return true;
}

static ictus_status parse(ictus_csv *t, const char *text, size_t len, ictus_error *err)
{
    struct csv_parser cp;
    csv_init(&cp, CSV_STRICT | CSV_STRICT_FINI);
    csv_set_realloc_func(&cp, ictus_xrealloc);
    /* libcsv grows a field's buffer by this much at a time (128 bytes by
     * default): a field of megabytes would take tens of thousands of
     * reallocations, each copying the field so far. */
    csv_set_blk_size(&cp, 64 * 1024);
    builder b = {.t = t};
    ictus_status st = ICTUS_OK;
    for (const char *p = text, *end = text + len; p < end && st == ICTUS_OK;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
        b.line++;
        if (b.row_line == 0 && blank(p, n)) {
            p += n;
            continue;
        }
        if (b.row_line == 0)
            b.row_line = b.line;
        size_t used = csv_parse(&cp, p, n, on_field, on_row_end, &b);
        if (used < n) {
            int line, column;
            locate(p, used, &line, &column);
            st = ictus_fail(err, ICTUS_ERR_FORMAT, "%s:%d:%d: malformed quoting: %s", t->path, b.line,
                            column, p[used] == '"' ? "a quote inside an unquoted field (quote the "
                                                     "whole field and double the quote)"
                                                   : "text after the closing quote of a field");
        }
        p += n;
    }
    if (st == ICTUS_OK && csv_fini(&cp, on_field, on_row_end, &b) != 0)
        st = ictus_fail(err, ICTUS_ERR_FORMAT,
                        "%s:%d: malformed quoting: the quoted field opened in the row at line %d "
                        "never closes", t->path, b.line, b.row_line);
    csv_free(&cp);
    return st;
}

/* ------------------------------------------------------------------------
 * The header
 * ---------------------------------------------------------------------- */

/* Trim spaces around a header field in place (quoted names keep theirs
 * after libcsv). */
static void trim_field(ictus_csv *t, size_t field)
{
    char *s = t->text + t->field_at[field];
    size_t lead = 0, n = strlen(s);
    while (lead < n && isspace((unsigned char)s[lead]))
        lead++;
    while (n > lead && isspace((unsigned char)s[n - 1]))
        n--;
    s[n] = '\0';
    t->field_at[field] += (uint32_t)lead;
}

static ictus_status check_header(ictus_csv *t, ictus_error *err)
{
    if (t->n_rows == 0)
        return ictus_fail(err, ICTUS_ERR_FORMAT, "%s: empty: a header row is required", t->path);
    int nc = t->rows[0].n_fields;
    for (int c = 0; c < nc; c++)
        trim_field(t, t->rows[0].first + (size_t)c);
    for (int i = 0; i < nc; i++)
        for (int j = i + 1; j < nc; j++) {
            const char *a = ictus_csv_column_name(t, i), *b = ictus_csv_column_name(t, j);
            if (a[0] && strcasecmp(a, b) == 0)
                return ictus_fail(err, ICTUS_ERR_FORMAT,
                                  "%s:%d: duplicate column name: column %d \"%s\" and column %d \"%s\"",
                                  t->path, t->rows[0].line, i + 1, ICTUS_QUOTE(a), j + 1,
                                  ICTUS_QUOTE(b));
        }
    return ICTUS_OK;
}

/* ------------------------------------------------------------------------
 * Public functions
 * ---------------------------------------------------------------------- */

ictus_status ictus_csv_read(const char *path, ictus_csv **out, ictus_error *err)
{
    *out = NULL;
    char *buf = NULL;
    size_t len = 0, skip = 0;
    ictus_status st = ictus_read_file(path, &buf, &len, err);
    if (st != ICTUS_OK)
        return st;
    if (len > MAX_FILE_BYTES) {
        free(buf);
        return ictus_fail(err, ICTUS_ERR_FORMAT, "%s: %zu bytes: a CSV file of at most %zu bytes "
                          "is read", path, len, MAX_FILE_BYTES);
    }
    st = check_encoding(path, buf, len, &skip, err);
    if (st != ICTUS_OK) {
        free(buf);
        return st;
    }
    ictus_csv *t = ictus_xcalloc(1, sizeof *t);
    t->path = ictus_xstrdup(path);
    ICTUS_GROW(t->text, len + 1, t->text_cap);
    st = parse(t, buf + skip, len - skip, err);
    free(buf);
    if (st == ICTUS_OK)
        st = check_header(t, err);
    if (st != ICTUS_OK) {
        ictus_csv_destroy(t);
        return st;
    }
    *out = t;
    return ICTUS_OK;
}

void ictus_csv_destroy(ictus_csv *t)
{
    if (!t)
        return;
    free(t->path);
    free(t->text);
    free(t->field_at);
    free(t->rows);
    free(t);
}

const char *ictus_csv_path(const ictus_csv *t)
{
    return t->path;
}

int ictus_csv_columns(const ictus_csv *t)
{
    return t->rows[0].n_fields;
}

const char *ictus_csv_column_name(const ictus_csv *t, int col)
{
    assert(col >= 0 && col < t->rows[0].n_fields);
    return t->text + t->field_at[col];
}

int ictus_csv_column(const ictus_csv *t, const char *name)
{
    for (int c = 0; c < t->rows[0].n_fields; c++)
        if (strcasecmp(ictus_csv_column_name(t, c), name) == 0)
            return c;
    return -1;
}

int ictus_csv_rows(const ictus_csv *t)
{
    return t->n_rows - 1;
}

static const csv_row *data_row(const ictus_csv *t, int row)
{
    assert(row >= 0 && row < t->n_rows - 1);
    return &t->rows[row + 1];
}

int ictus_csv_row_fields(const ictus_csv *t, int row)
{
    return data_row(t, row)->n_fields;
}

int ictus_csv_line(const ictus_csv *t, int row)
{
    return data_row(t, row)->line;
}

const char *ictus_csv_field(const ictus_csv *t, int row, int col)
{
    const csv_row *r = data_row(t, row);
    if (col < 0 || col >= r->n_fields)
        return "";
    return t->text + t->field_at[r->first + (size_t)col];
}

const char *ictus_csv_where(const ictus_csv *t, int row, int col, char *buf, size_t n)
{
    assert(col >= 0);
    if (col >= ictus_csv_columns(t))
        snprintf(buf, n, "%s:%d:%d (extra field)", t->path, ictus_csv_line(t, row), col + 1);
    else
        snprintf(buf, n, "%s:%d:%d (%s)", t->path, ictus_csv_line(t, row), col + 1,
                 ICTUS_QUOTE(ictus_csv_column_name(t, col)));
    return buf;
}

/* Append printf-style text to buf (capacity n, current length *len), truncating. */
static void append(char *buf, size_t n, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void append(char *buf, size_t n, size_t *len, const char *fmt, ...)
{
    if (*len >= n)
        return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(buf + *len, n - *len, fmt, ap);
    va_end(ap);
    if (k > 0)
        *len += (size_t)k;
}

ictus_status ictus_csv_require(const ictus_csv *t, const char *const *names, int n_names,
                               ictus_error *err)
{
    char msg[sizeof err->msg];
    size_t len = 0;
    int missing = 0;
    for (int i = 0; i < n_names; i++)
        if (ictus_csv_column(t, names[i]) < 0)
            append(msg, sizeof msg, &len, "%s%s", missing++ ? ", " : "", names[i]);
    if (!missing)
        return ICTUS_OK;
    append(msg, sizeof msg, &len, " (the header has:");
    for (int c = 0; c < ictus_csv_columns(t); c++)
        append(msg, sizeof msg, &len, "%s %s", c ? "," : "",
               ICTUS_QUOTE(ictus_csv_column_name(t, c)));
    append(msg, sizeof msg, &len, ")");
    return ictus_fail(err, ICTUS_ERR_FORMAT, "%s: missing column%s: %s", t->path,
                      missing > 1 ? "s" : "", msg);
}

ictus_status ictus_csv_double(const ictus_csv *t, int row, int col, double *out, ictus_error *err)
{
    assert(col >= 0);
    const char *s = ictus_csv_field(t, row, col);
    char *end;
    double v = strtod(s, &end);
    while (isspace((unsigned char)*end))
        end++;
    if (end == s || *end || !isfinite(v)) {
        char where[512];
        return ictus_fail(err, ICTUS_ERR_DATA, "%s: expected a number, got \"%s\"",
                          ictus_csv_where(t, row, col, where, sizeof where), ICTUS_QUOTE(s));
    }
    *out = v;
    return ICTUS_OK;
}
