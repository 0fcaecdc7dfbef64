/* manifest.h: reading a study's CSV manifests row by row, collecting problems instead of stopping.
 *
 * A lab's manifests (animals.csv, recordings.csv, dosing.csv,
 * annotations.csv) are typed by hand and will have mistakes.  One bad row
 * must not hide the rest, so readers built on this module check every
 * field of every row, add one line per problem to a list, drop the bad
 * rows and keep the good ones.  Each problem names the place exactly:
 *   dosing.csv:14:6 (end): end 2026-01-03T08:00 is before start 2026-01-05T08:00
 * i.e. FILE:LINE:COLUMN (COLUMN NAME): what is wrong, with the value found
 * (FILE is the path the table was read from).
 *
 * Lifecycle of a row check:
 *   1. ictus_manifest_row_begin(), or ictus_manifest_next() when walking
 *      the rows (checks the row is not wider than the header);
 *   2. the field readers, each adding a problem when the field is wrong;
 *   3. the row is good when r.n_bad is still 0.
 * Thread safety: none needed; a reader works on its own table and list.
 */
#ifndef ICTUS_MANIFEST_H
#define ICTUS_MANIFEST_H

#include <stdbool.h>
#include <stdint.h>

#include "base/csvtable.h"
#include "base/status.h"
#include "base/walltime.h"

/* A time that was not given (optional empty field). */
#define ICTUS_TIME_UNKNOWN INT64_MIN

/* A list of one-line problems, owned by whoever holds it. */
typedef struct {
    int n;
    int cap;
    char **lines;   /* [n], each owned by the list */
} ictus_problems;

/* Append one problem (printf-style; the text must be one line). */
void ictus_problems_add(ictus_problems *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Free every line and empty the list; a zeroed list is a no-op. */
void ictus_problems_clear(ictus_problems *p);

/* Read DIR/NAME as a CSV table and check that it has every column of
 * required_columns[0..n).  *out is the table (caller destroys) or NULL.
 * - The file is absent: a required file fails with ICTUS_ERR_IO ("DIR/NAME:
 *   missing: ..."); an optional one gives *out = NULL and ICTUS_OK, no problem.
 * - It cannot be read (I/O error, not UTF-8, malformed quoting) or lacks
 *   columns (all listed in one message): a required file fails with that
 *   error; for an optional one the message goes to `problems` and *out is
 *   NULL (the file counts as unusable, the rest of the study still loads). */
ictus_status ictus_manifest_read(const char *dir, const char *name, bool required,
                                 const char *const *required_columns, int n_required,
                                 ictus_csv **out, ictus_problems *problems, ictus_error *err);

/* The check of one data row. */
typedef struct {
    const ictus_csv *t;
    int row;
    ictus_problems *problems;
    int n_bad;    /* problems added for this row */
    ictus_date_format date_format; /* the lab date form accepted beside ISO dates (study.ini
                                      [study] date_format); kept from row to row by
                                      ictus_manifest_next(), ICTUS_DATE_ISO after _row_begin() */
} ictus_manifest_row;

/* Start checking data row `row`: a row with more fields than the header
 * (usually an unquoted comma that shifted every later field) is a problem
 * at its first extra field.  Rows with fewer fields are fine: the missing
 * trailing fields read as empty. */
void ictus_manifest_row_begin(ictus_manifest_row *r, const ictus_csv *t, int row,
                              ictus_problems *problems);

/* Walk the data rows of t, beginning the check of each in turn:
 *   for (ictus_manifest_row r = ictus_manifest_rows(t, problems); ictus_manifest_next(&r);)
 * ictus_manifest_rows() is before the first row; ictus_manifest_next()
 * moves to the next (ictus_manifest_row_begin()) and is false after the last. */
ictus_manifest_row ictus_manifest_rows(const ictus_csv *t, ictus_problems *problems);
bool ictus_manifest_next(ictus_manifest_row *r);

/* ictus_manifest_rows() whose rows read dates with `format` (above). */
ictus_manifest_row ictus_manifest_rows_dated(const ictus_csv *t, ictus_problems *problems,
                                             ictus_date_format format);

/* Add the problem "FILE:LINE:COL (NAME): <message>" for field `col` (>= 0)
 * of the row and count it in r->n_bad. */
void ictus_manifest_problem(ictus_manifest_row *r, int col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Field `col` of the row ("" when the column is absent: col < 0).  When
 * `expected` is not NULL the field is required: an empty one is the problem
 * "expected <expected>, got an empty field". */
const char *ictus_manifest_text(ictus_manifest_row *r, int col, const char *expected);

/* Field `col` as a naive local date-time (walltime.h: YYYY-MM-DD, or the
 * row's date_format, then optionally T or a space and H:MM[:SS[.fff]]; a
 * date alone is 00:00 of that day) into *out_us.  Empty: a problem when
 * `required`, else *out_us = ICTUS_TIME_UNKNOWN.  A D.M.YYYY or M/D/YYYY
 * date without a date_format is a problem that says to set it.  Returns
 * false on a problem. */
bool ictus_manifest_time(ictus_manifest_row *r, int col, bool required, int64_t *out_us);

/* The same for a field that is a calendar DATE (a birth date): the problem
 * asks for a date, not a time (a date-time is still accepted, as written). */
bool ictus_manifest_date(ictus_manifest_row *r, int col, bool required, int64_t *out_us);

/* Field `col` as a finite number >= min into *out.  Empty: a problem when
 * `required`, else *out = NAN.  `what` names the quantity in the problem
 * ("a dose in mg/kg").  Returns false on a problem. */
bool ictus_manifest_number(ictus_manifest_row *r, int col, bool required, double min,
                           const char *what, double *out);

/* Field `col` as one of names[0..n) ignoring ASCII case; returns its index.
 * Empty: returns `if_empty` (a problem when if_empty < 0).  Anything else:
 * the problem "expected one of a, b, c, got \"x\"" and -1. */
int ictus_manifest_choice(ictus_manifest_row *r, int col, const char *const *names, int n,
                          int if_empty);

#endif
