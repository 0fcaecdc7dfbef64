/* csvout.h: buffered CSV output with fast number formatting.
 *
 * Writing features.csv for an animal-day means formatting ~8 million
 * numbers; printf("%g") alone would take longer than computing them.  This
 * module formats numbers by hand (printf's bytes) into a large buffer and
 * writes it in big chunks.  Fields are quoted per RFC 4180 when they need it.
 *
 * Lifecycle: ictus_out_open() (or ictus_out_init() on an open FILE) →
 * [ictus_out_background()] → ictus_out_* appends → ictus_out_close()
 * flushes, reports the first write error with the file name, and frees.
 * One writer per thread; with ictus_out_background() the writer has a
 * thread of its own that writes the full chunks (it alone touches the FILE
 * until ictus_out_close() has joined it).
 *
 * In memory (ictus_out_init_mem()): the same appenders grow a buffer that
 * is never written anywhere; its owner reads buf[0, len) and drops what it
 * has used with ictus_out_consume().  Rows are formatted so on the threads
 * that compute them, and only copied on the thread that writes the file.
 *
 * Formula guard (CSV injection, issue 16): a spreadsheet opening a CSV file
 * runs a cell that starts with = + - @ (or TAB, CR) as a formula, so an
 * animal ID "=HYPERLINK(...)" in events.csv would be a link when opened.
 * ictus_out_field() writes such text with a ' in front ('=HYPERLINK(...)),
 * which spreadsheets show as the text itself; the OWASP advice and what
 * spreadsheet-safe exporters do.  Exempt: text that is a plain decimal
 * number ("-1.5", "+2", "-3e-4"), harmless as a formula.  Numbers written
 * by ictus_out_int/double/fixed are never touched (a negative number stays
 * -1.5).  There is no switch: the guard is undone exactly by
 * ictus_csv_unguard(), which ictus's own CSV reader (base/csvtable.h)
 * applies to every field, so what ictus writes reads back as it was.  To
 * keep that exact, text that already starts with ' before such a character
 * ('=x, ''-x) gets one ' more.  In a script: drop one leading ' from a
 * field that matches ^'+[-=+@\t\r] and is not ' then a plain number.
 */
#ifndef ICTUS_CSVOUT_H
#define ICTUS_CSVOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/status.h"

typedef struct ictus_out_writer ictus_out_writer;

typedef struct {
    FILE *f;             /* NULL: in memory */
    ictus_out_writer *bg; /* ictus_out_background()'s thread, or NULL */
    bool owns_file;      /* opened by ictus_out_open(): closed by ictus_out_close() */
    bool to_empty;       /* opened by ictus_out_open() and not emptied yet (the first write
                            empties it, or the background thread, first) */
    bool failed;         /* a write failed; the rest is discarded */
    int saved_errno;
    char *path;          /* for messages */
    char *buf;
    size_t len, cap;
} ictus_out;

/* Open `path` for writing ("-" means stdout). */
ictus_status ictus_out_open(ictus_out *o, const char *path, ictus_error *err);
/* Write to an already open FILE (not closed by ictus_out_close()). */
void ictus_out_init(ictus_out *o, FILE *f, const char *name);
/* From now on a thread of the writer's own writes each full chunk to the
 * file while the caller fills the next one (two buffers), so write(2) and
 * the page cache cost the caller nothing where a core is free: for a big
 * file written by a thread with other work to do.  Nothing changes for the
 * caller (ictus_out_close() waits for the thread and reports the first
 * error), except that the FILE is the thread's until then.  No-op in
 * memory, or when no thread can be started (then the caller writes). */
void ictus_out_background(ictus_out *o);
/* Append to memory: buf grows as needed (out of memory aborts). */
void ictus_out_init_mem(ictus_out *o);
/* In memory: drop the first n bytes (n <= len); the rest moves to buf[0]. */
void ictus_out_consume(ictus_out *o, size_t n);
/* Flush, close what ictus_out_open() opened, free.  Returns the first error
 * (in memory: frees, ICTUS_OK). */
ictus_status ictus_out_close(ictus_out *o, ictus_error *err);

void ictus_out_raw(ictus_out *o, const char *s, size_t n);
void ictus_out_str(ictus_out *o, const char *s);        /* as is, no quoting */
/* Text as one field: a ' in front when ictus_csv_needs_guard(s) (the formula
 * guard above), quoted per RFC 4180 when it holds , " CR LF. */
void ictus_out_field(ictus_out *o, const char *s);
void ictus_out_char(ictus_out *o, char c);
void ictus_out_printf(ictus_out *o, const char *fmt, ...)  /* as is, never cut short */
    __attribute__((format(printf, 2, 3)));
void ictus_out_int(ictus_out *o, int64_t v);
/* printf("%.<sig>g")'s bytes, 1 <= sig <= 17 (ties of the exact binary value
 * to the even digit, as glibc's); NaN writes nothing (an empty field),
 * infinities write "inf" / "-inf".  Hand-written for sig <= 8 (the
 * features' 6; tests/bench_csvout.c times it against snprintf). */
void ictus_out_double(ictus_out *o, double v, int sig);
/* Each of v[0, n) as ictus_out_double() writes it, each after `sep`. */
void ictus_out_doubles(ictus_out *o, char sep, const double *v, size_t n, int sig);
/* Like printf("%.<decimals>f"), 0 <= decimals <= 9, but the last digit of a
 * value within an ulp of a tie may round either way, and a negative value
 * that rounds to zero writes no sign. */
void ictus_out_fixed(ictus_out *o, double v, int decimals);

/* True when text s, written as a field, gets the formula guard: after any
 * leading 's it starts with = + - @ TAB or CR and is not a plain decimal
 * number (sign, digits with at most one '.', an optional exponent). */
bool ictus_csv_needs_guard(const char *s);
/* A field as read from a CSV file without its formula guard: s + 1 when s
 * is ' followed by text that needs the guard, else s.  For every text x,
 * unguard(field written for x) == x. */
const char *ictus_csv_unguard(const char *s);

/* Format as ictus_out_double() into buf (at least 32 bytes); returns the length. */
size_t ictus_format_double(char *buf, double v, int sig);
/* Format as ictus_out_fixed() into buf (at least 40 bytes); returns the length. */
size_t ictus_format_fixed(char *buf, double v, int decimals);

#endif
