/* strbuf.h: a growable string, text appended piece by piece and never cut short.
 *
 * For text whose length is not known in advance: lists of names joined by a
 * separator, messages that name user input.  Grows through ICTUS_GROW
 * (base/vec.h); out of memory aborts.
 *
 * Lifecycle: `ictus_strbuf b = {0}` → ictus_strbuf_add()/_addf() →
 * ictus_strbuf_take() hands the text over (or ictus_strbuf_free()).
 * Not thread-safe: one buffer, one thread at a time.
 */
#ifndef ICTUS_STRBUF_H
#define ICTUS_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct {
    char *text;   /* NUL-terminated once anything was added; NULL before */
    size_t len;   /* bytes of text, without the NUL */
    size_t cap;   /* bytes allocated */
} ictus_strbuf;

/* Append `s`. */
void ictus_strbuf_add(ictus_strbuf *b, const char *s);
/* Append the n bytes at s (no NUL among them). */
void ictus_strbuf_addn(ictus_strbuf *b, const char *s, size_t n);

/* Append printf-style text. */
void ictus_strbuf_addf(ictus_strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Append s with &, <, >, " and ' as HTML entities: safe in element text and
 * in quoted attributes (the report's pages, the review server's token form). */
void ictus_strbuf_add_html(ictus_strbuf *b, const char *s);

/* ictus_strbuf_addf() with a va_list (`ap` is used up, as by vprintf). */
void ictus_strbuf_vaddf(ictus_strbuf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* Append `s`, preceded by `sep` unless the buffer is empty: joins a list. */
void ictus_strbuf_join(ictus_strbuf *b, const char *sep, const char *s);

/* The text so far ("" when nothing was added); owned by the buffer. */
const char *ictus_strbuf_text(const ictus_strbuf *b);

/* The text (never NULL; the caller frees it); the buffer is empty again. */
char *ictus_strbuf_take(ictus_strbuf *b);

/* Free the text; the buffer is empty again. */
void ictus_strbuf_free(ictus_strbuf *b);

#endif
