/* support_tmp.c: scratch directories and the paths inside them. */
#define _XOPEN_SOURCE 700 /* nftw() with FTW_DEPTH */
#include "tests/support_tmp.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/path.h"
#include "base/status.h"
#include "base/strbuf.h"
#include "base/vec.h"

/* The paths support_path() handed out, freed at exit. */
static char **paths;
static size_t n_paths, cap_paths;

char *support_tmpdir(const char *name)
{
    ictus_strbuf template = {0};
    ictus_strbuf_addf(&template, "/tmp/ictus-%s-XXXXXX", name);
    char *dir = ictus_strbuf_take(&template);
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        abort();
    }
    return dir;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void support_tmpdir_remove(char *dir)
{
    if (!dir)
        return;
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(dir);
}

static void free_paths(void)
{
    for (size_t i = 0; i < n_paths; i++)
        free(paths[i]);
    free(paths);
    paths = NULL;
    n_paths = cap_paths = 0;
}

/* Keep `path` until exit; returns it. */
static const char *keep(char *path)
{
    if (!paths)
        atexit(free_paths);
    ICTUS_GROW(paths, n_paths + 1, cap_paths);
    return paths[n_paths++] = path;
}

const char *support_path(const char *dir, const char *name)
{
    return keep(ictus_path_join_alloc(dir, name));
}

const char *support_long_path(const char *dir, size_t length)
{
    size_t n = strlen(dir);
    char *p = ictus_xmalloc((n > length ? n : length) + 1);
    memcpy(p, dir, n);
    for (; n + 2 <= length; n += 2)
        memcpy(p + n, "/.", 2);
    p[n] = '\0';
    return keep(p);
}
