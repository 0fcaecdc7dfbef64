/* csvtable.h: a whole CSV file read into a table, for study manifests, truth and event files.
 *
 * The file must be UTF-8 (a byte-order mark is dropped; UTF-16/UTF-32 and
 * invalid UTF-8 are refused with the place of the first bad byte), with
 * RFC 4180 quoting (fields may hold commas, doubled quotes and newlines),
 * LF or CRLF line ends, and a header row.  Unquoted fields lose their
 * surrounding spaces and tabs; a field's spreadsheet formula guard (a ' in
 * front of text starting with = + - @ TAB CR, as ictus_out_field() writes
 * it: ictus_csv_unguard() in base/csvout.h) is dropped, so that what ictus
 * writes reads back as it was; completely blank lines are skipped.  Rows
 * keep however many fields they have: checking widths and values is the
 * caller's job, with the row's line number for the message.
 *
 * Lifecycle:
 *   1. ictus_csv_read() parses the whole file (libcsv, strict mode);
 *   2. look columns up by header name, read fields by row and column;
 *   3. ictus_csv_destroy().
 * Rows are numbered 0..ictus_csv_rows()-1 after the header; columns
 * 0..ictus_csv_columns()-1 are the header's fields.
 *
 * Thread safety: a table is read-only after ictus_csv_read(), so any number
 * of threads may read one table concurrently.
 */
#ifndef ICTUS_CSVTABLE_H
#define ICTUS_CSVTABLE_H

#include <stddef.h>

#include "base/status.h"

typedef struct ictus_csv ictus_csv;

/* Read the CSV file at `path`.  On success *out is a new table owned by the
 * caller (free with ictus_csv_destroy()).  On failure *out is NULL and err
 * says, in one line naming the file and the place (line, column), what is
 * wrong: ICTUS_ERR_IO when the file cannot be read or is not a regular file
 * (a FIFO, device or directory: base/readfile.h); ICTUS_ERR_FORMAT when it
 * is larger than ictus_max_text_bytes() (base/readfile.h: 1 GiB, or
 * ICTUS_MAX_TEXT_MIB), is not UTF-8, is empty (no header row), has two
 * header fields with the same name, or has malformed quoting (a quote inside an unquoted field,
 * text after a closing quote, a quoted field still open at the end). */
ictus_status ictus_csv_read(const char *path, ictus_csv **out, ictus_error *err);

/* Free the table; NULL is a no-op. */
void ictus_csv_destroy(ictus_csv *t);

/* The path as given to ictus_csv_read(); owned by the table. */
const char *ictus_csv_path(const ictus_csv *t);

/* Number of header fields (>= 1). */
int ictus_csv_columns(const ictus_csv *t);

/* Header name of column `col` in [0, ictus_csv_columns()), trimmed of
 * surrounding spaces; owned by the table. */
const char *ictus_csv_column_name(const ictus_csv *t, int col);

/* Index of the column whose header name equals `name` ignoring ASCII case,
 * or -1 when there is none (names are unique, so there is at most one). */
int ictus_csv_column(const ictus_csv *t, const char *name);

/* Number of data rows (after the header; blank lines not counted). */
int ictus_csv_rows(const ictus_csv *t);

/* Number of fields in data row `row` in [0, ictus_csv_rows()); may differ
 * from ictus_csv_columns() in a malformed file. */
int ictus_csv_row_fields(const ictus_csv *t, int row);

/* 1-based line of the file where data row `row` starts (a quoted field with
 * newlines makes a row span several lines). */
int ictus_csv_line(const ictus_csv *t, int row);

/* Field `col` of data row `row`, UTF-8, NUL-terminated, owned by the table;
 * "" when the row has fewer fields or col is negative (so that the result
 * of ictus_csv_column() for an absent optional column can be passed
 * straight in). */
const char *ictus_csv_field(const ictus_csv *t, int row, int col);

/* Write "FILE:LINE:COLUMN (NAME)" for field `col` >= 0 of data row `row`
 * into buf (`n` bytes, truncated to fit): LINE as ictus_csv_line(), COLUMN
 * 1-based, NAME the header name, or "column N" past the header.  Returns
 * buf, for use in messages: ictus_fail(err, ..., "%s: expected ...",
 * ictus_csv_where(t, r, c, where, sizeof where)). */
const char *ictus_csv_where(const ictus_csv *t, int row, int col, char *buf, size_t n);

/* Check that every one of the `n_names` column names exists.  On failure
 * returns ICTUS_ERR_FORMAT with one message listing all the missing ones:
 * "FILE: missing columns: start_s, end_s (the header has: a, b)". */
ictus_status ictus_csv_require(const ictus_csv *t, const char *const *names, int n_names,
                               ictus_error *err);

/* Parse field `col` >= 0 of row `row` as a finite decimal number (strtod syntax
 * in the C locale; surrounding spaces allowed).  On failure (empty, not a
 * number, trailing text, NaN, infinite, out of range) returns ICTUS_ERR_DATA
 * with "FILE:LINE:COLUMN (NAME): expected a number, got \"...\"" and leaves
 * *out unchanged. */
ictus_status ictus_csv_double(const ictus_csv *t, int row, int col, double *out, ictus_error *err);

#endif
