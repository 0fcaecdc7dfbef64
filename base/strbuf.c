/* strbuf.c: a growable string. */
#include "base/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/vec.h"

void ictus_strbuf_add(ictus_strbuf *b, const char *s)
{
    size_t n = strlen(s);
    ICTUS_GROW(b->text, b->len + n + 1, b->cap);
    memcpy(b->text + b->len, s, n + 1);
    b->len += n;
}

void ictus_strbuf_addn(ictus_strbuf *b, const char *s, size_t n)
{
    ICTUS_GROW(b->text, b->len + n + 1, b->cap);
    memcpy(b->text + b->len, s, n);
    b->len += n;
    b->text[b->len] = '\0';
}

void ictus_strbuf_vaddf(ictus_strbuf *b, const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    if (n > 0) {
        ICTUS_GROW(b->text, b->len + (size_t)n + 1, b->cap);
        vsnprintf(b->text + b->len, (size_t)n + 1, fmt, again);
        b->len += (size_t)n;
    } else {
        ictus_strbuf_add(b, "");
    }
    va_end(again);
}

void ictus_strbuf_addf(ictus_strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ictus_strbuf_vaddf(b, fmt, ap);
    va_end(ap);
}

void ictus_strbuf_join(ictus_strbuf *b, const char *sep, const char *s)
{
    if (b->len)
        ictus_strbuf_add(b, sep);
    ictus_strbuf_add(b, s);
}

const char *ictus_strbuf_text(const ictus_strbuf *b)
{
    return b->text ? b->text : "";
}

char *ictus_strbuf_take(ictus_strbuf *b)
{
    if (!b->text)
        ictus_strbuf_add(b, "");
    char *text = b->text;
    *b = (ictus_strbuf){0};
    return text;
}

void ictus_strbuf_free(ictus_strbuf *b)
{
    free(b->text);
    *b = (ictus_strbuf){0};
}

void ictus_strbuf_add_html(ictus_strbuf *b, const char *s)
{
    const char *run = s;
    for (; *s; s++) {
        const char *e = *s == '&' ? "&amp;" : *s == '<' ? "&lt;" : *s == '>' ? "&gt;"
                        : *s == '"' ? "&quot;" : *s == '\'' ? "&#39;" : NULL;
        if (!e)
            continue;
        ictus_strbuf_addf(b, "%.*s%s", (int)(s - run), run, e);
        run = s + 1;
    }
    ictus_strbuf_add(b, run);
}
