/* path.c: checked path joins. */
#include "base/path.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *separator(const char *dir, const char *name)
{
    if (!dir || !*dir || name[0] == '/')
        return NULL;
    return dir[strlen(dir) - 1] == '/' ? "" : "/";
}

ictus_status ictus_path_join(char *out, size_t size, const char *dir, const char *name,
                             ictus_error *err)
{
    const char *sep = separator(dir, name);
    if (!sep)
        return ictus_path_format(out, size, err, "%s", name);
    return ictus_path_format(out, size, err, "%s%s%s", dir, sep, name);
}

ictus_status ictus_path_format(char *out, size_t size, ictus_error *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out, size, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < size)
        return ICTUS_OK;
    char start[64];
    snprintf(start, sizeof start, "%s", out);
    if (size)
        out[0] = '\0';
    return ictus_fail(err, ICTUS_ERR_USAGE, "%s...: path longer than %zu bytes", start,
                      size ? size - 1 : 0);
}

char *ictus_path_join_alloc(const char *dir, const char *name)
{
    const char *sep = separator(dir, name);
    size_t n = (sep ? strlen(dir) + strlen(sep) : 0) + strlen(name) + 1;
    char *p = ictus_xmalloc(n);
    snprintf(p, n, "%s%s%s", sep ? dir : "", sep ? sep : "", name);
    return p;
}

bool ictus_path_has_suffix(const char *name, const char *suffix)
{
    size_t n = strlen(name), s = strlen(suffix);
    return n >= s && strcasecmp(name + n - s, suffix) == 0;
}

const char *ictus_path_base(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}
