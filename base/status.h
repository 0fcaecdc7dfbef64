/* status.h: status codes and the error record every fallible call fills in.
 *
 * Errors are values, not globals: each call that can fail takes an
 * `ictus_error *` and returns an `ictus_status`.  The message names the file
 * and the place (record, line, column) and says what was expected, so the
 * command line can print it as one line `ictus: FILE: what is wrong`.
 */
#ifndef ICTUS_STATUS_H
#define ICTUS_STATUS_H

#include <stddef.h>

typedef enum {
    ICTUS_OK = 0,           /* success */
    ICTUS_ERR_IO,           /* the operating system refused an open, read or write */
    ICTUS_ERR_FORMAT,       /* the file is not in the format it claims, or is corrupt */
    ICTUS_ERR_TRUNCATED,    /* the file ends before its header says it should */
    ICTUS_ERR_UNSUPPORTED,  /* a valid file in a variant this program does not read */
    ICTUS_ERR_CONFIG,       /* a setting, preset or manifest value is invalid */
    ICTUS_ERR_USAGE,        /* the command line is wrong */
    ICTUS_ERR_DATA,         /* input rows that break a rule (unknown animal, overlap...) */
    ICTUS_ERR_DB,           /* the results store refused an operation */
    ICTUS_ERR_BUSY,         /* another process holds a lock we need */
    ICTUS_ERR_INCOMPLETE,   /* the file is still being written; try again later */
    ICTUS_N_STATUS
} ictus_status;

/* The last error of one operation: a status and a one-line message.
 * Owned by the caller, usually on the stack; never shared between threads. */
typedef struct {
    ictus_status status;
    char msg[1024];
} ictus_error;

/* Short name of a status ("I/O error", "format error", ...); never NULL. */
const char *ictus_strstatus(ictus_status st);

/* Fill `err` (if not NULL) with `st` and a printf-style message, and return
 * `st`, so that callers can write `return ictus_fail(err, ICTUS_ERR_IO, ...)`.
 * By convention the message starts with the file name: "data.edf: ...". */
ictus_status ictus_fail(ictus_error *err, ictus_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Input echoed in a message (a field, a name, a value read from a file):
 * at most ICTUS_QUOTE_MAX bytes of it, then "... (N bytes)" with its whole
 * length, so that a 4 MB field gives a short line; control bytes written as
 * \n, \r, \t or \xNN (and bytes that are not UTF-8 as \xNN), so that the
 * message stays one printable line.  A UTF-8 character or an escape is never
 * cut.  Into buf[size] (size >= ICTUS_QUOTE_SIZE); returns buf.  Thread-safe.
 *
 *     ictus_fail(err, ICTUS_ERR_DATA, "%s: unknown animal \"%s\"", path, ICTUS_QUOTE(id));
 *
 * ICTUS_QUOTE(s) quotes into a buffer that lives until the end of the
 * enclosing block (a compound literal), so one call can quote several fields. */
enum { ICTUS_QUOTE_MAX = 80, ICTUS_QUOTE_SIZE = ICTUS_QUOTE_MAX + 48 };
const char *ictus_quote_input(const char *s, char *buf, size_t size);
#define ICTUS_QUOTE(s) ictus_quote_input((s), (char[ICTUS_QUOTE_SIZE]){""}, ICTUS_QUOTE_SIZE)

/* Reset `err` to success with an empty message. */
void ictus_error_clear(ictus_error *err);

/* Out-of-memory is not an error a caller can handle: these abort with a
 * message.  They never return NULL. */
void *ictus_xmalloc(size_t n);
void *ictus_xcalloc(size_t n, size_t size);
void *ictus_xrealloc(void *p, size_t n);
char *ictus_xstrdup(const char *s);

#endif
