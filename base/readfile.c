/* readfile.c: a whole file read into memory. */
#include "base/readfile.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/vec.h"

/* The size of one read; the buffer grows by doubling past it. */
enum { READ_CHUNK = 65536 };

ictus_status ictus_read_file(const char *path, char **bytes, size_t *n, ictus_error *err)
{
    *bytes = NULL;
    *n = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return ictus_fail(err, ICTUS_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    char *buf = NULL;
    size_t len = 0, cap = 0, got;
    do {
        ICTUS_GROW(buf, len + READ_CHUNK + 1, cap);
        got = fread(buf + len, 1, cap - len - 1, f);
        len += got;
    } while (got > 0);
    bool failed = ferror(f);
    fclose(f);
    if (failed) {
        free(buf);
        return ictus_fail(err, ICTUS_ERR_IO, "%s: read error", path);
    }
    buf[len] = '\0';
    *bytes = buf;
    *n = len;
    return ICTUS_OK;
}
