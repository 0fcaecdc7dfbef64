/* status.c: status names, error records and allocation that aborts on OOM. */
#include "base/status.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const status_names[ICTUS_N_STATUS] = {
    [ICTUS_OK] = "success",
    [ICTUS_ERR_IO] = "I/O error",
    [ICTUS_ERR_FORMAT] = "format error",
    [ICTUS_ERR_TRUNCATED] = "truncated file",
    [ICTUS_ERR_UNSUPPORTED] = "unsupported variant",
    [ICTUS_ERR_CONFIG] = "configuration error",
    [ICTUS_ERR_USAGE] = "usage error",
    [ICTUS_ERR_DATA] = "data error",
    [ICTUS_ERR_DB] = "database error",
    [ICTUS_ERR_BUSY] = "busy",
    [ICTUS_ERR_INCOMPLETE] = "file still being written",
};

const char *ictus_strstatus(ictus_status st)
{
    if (st < 0 || st >= ICTUS_N_STATUS)
        return "unknown status";
    return status_names[st];
}

ictus_status ictus_fail(ictus_error *err, ictus_status st, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->status = st;
    }
    return st;
}

/* How many bytes the UTF-8 character starting at s takes (2..4), or 0 when
 * s[0] does not start a complete one. */
static size_t utf8_length(const unsigned char *s)
{
    size_t n = s[0] > 0xf4 ? 0 : s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    return n;
}

/* The text standing for the character at s in a message, into piece[8];
 * returns how many input bytes it stands for. */
static size_t quoted_piece(const unsigned char *s, char piece[8])
{
    size_t n = s[0] >= 0x80 ? utf8_length(s) : 1;
    if (n > 1) {
        memcpy(piece, s, n);
        piece[n] = '\0';
    } else if (s[0] == '\n' || s[0] == '\r' || s[0] == '\t')
        snprintf(piece, 8, "\\%c", s[0] == '\n' ? 'n' : s[0] == '\r' ? 'r' : 't');
    else if (s[0] < 0x20 || s[0] >= 0x7f)
        snprintf(piece, 8, "\\x%02x", s[0]);
    else {
        piece[0] = (char)s[0];
        piece[1] = '\0';
    }
    return n ? n : 1;
}

const char *ictus_quote_input(const char *s, char *buf, size_t size)
{
    assert(size >= ICTUS_QUOTE_SIZE);
    const unsigned char *u = (const unsigned char *)s;
    size_t len = strlen(s), at = 0, out = 0;
    while (at < len) {
        char piece[8];
        size_t used = quoted_piece(u + at, piece), k = strlen(piece);
        if (out + k > ICTUS_QUOTE_MAX) {
            snprintf(buf + out, size - out, "... (%zu bytes)", len);
            return buf;
        }
        memcpy(buf + out, piece, k);
        out += k;
        at += used;
    }
    buf[out] = '\0';
    return buf;
}

void ictus_error_clear(ictus_error *err)
{
    if (err) {
        err->status = ICTUS_OK;
        err->msg[0] = '\0';
    }
}

static void out_of_memory(size_t n)
{
    fprintf(stderr, "ictus: out of memory (asked for %zu bytes)\n", n);
    abort();
}

void *ictus_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        out_of_memory(n);
    return p;
}

void *ictus_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        out_of_memory(n * size);
    return p;
}

void *ictus_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        out_of_memory(n);
    return q;
}

char *ictus_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = ictus_xmalloc(n);
    memcpy(d, s, n);
    return d;
}
