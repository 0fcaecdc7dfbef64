/* status.c: status names, error records and allocation that aborts on OOM. */
#include "base/status.h"

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
