/* preset_find.c: finding presets by name in the preset directories. */
#include "detectors/preset_find.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/path.h"

/* How many directories presets are looked up in (preset_find.h). */
#define N_PRESET_DIRS 4

/* Directory of the running executable, or "" when unknown. */
static void exe_dir(char *dir, size_t size)
{
    ssize_t n = readlink("/proc/self/exe", dir, size - 1);
    if (n <= 0) {
        dir[0] = '\0';
        return;
    }
    dir[n] = '\0';
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
}

static bool readable(const char *path)
{
    return access(path, R_OK) == 0;
}

/* The directories presets are looked up in, in order; returns how many
 * (a directory whose path does not fit is left out). */
static int preset_dirs(char dirs[N_PRESET_DIRS][ICTUS_PATH_MAX])
{
    char dir[ICTUS_PATH_MAX];
    exe_dir(dir, sizeof dir);
    const char *env = getenv("ICTUS_PRESET_DIR");
    int n = 0;
    ictus_error err;
    if (env && *env && ictus_path_join(dirs[n], sizeof dirs[n], NULL, env, &err) == ICTUS_OK)
        n++;
    if (ictus_path_format(dirs[n], sizeof dirs[n], &err, "%s/../../detectors/presets", dir) ==
        ICTUS_OK)
        n++;
    if (ictus_path_format(dirs[n], sizeof dirs[n], &err, "%s/../share/ictus/presets", dir) ==
        ICTUS_OK)
        n++;
    if (ictus_path_join(dirs[n], sizeof dirs[n], ICTUS_DATADIR, "presets", &err) == ICTUS_OK)
        n++;
    return n;
}

/* Look `file` (a name without '/') up in the preset directories. */
static bool find_in_dirs(const char *file, char *path, size_t size)
{
    ictus_error ignored;
    char dirs[N_PRESET_DIRS][ICTUS_PATH_MAX];
    int n = preset_dirs(dirs);
    for (int i = 0; i < n; i++)
        if (ictus_path_join(path, size, dirs[i], file, &ignored) == ICTUS_OK && readable(path))
            return true;
    return false;
}

ictus_status ictus_preset_find(const char *name, char *path, size_t size, ictus_error *err)
{
    ictus_error ignored;
    if (strchr(name, '/') || (strlen(name) > 4 && strcmp(name + strlen(name) - 4, ".ini") == 0)) {
        if (ictus_path_join(path, size, NULL, name, &ignored) == ICTUS_OK && readable(path))
            return ICTUS_OK;
    } else {
        char file[ICTUS_PATH_MAX];
        /* a name too long for a file name is no preset */
        if (ictus_path_format(file, sizeof file, &ignored, "%s.ini", name) == ICTUS_OK &&
            find_in_dirs(file, path, size))
            return ICTUS_OK;
    }
    return ictus_fail(err, ICTUS_ERR_CONFIG, "no such preset (looked in $ICTUS_PRESET_DIR, "
                                             "detectors/presets, share/ictus/presets)");
}

ictus_status ictus_preset_find_file(const char *name, char *path, size_t size, ictus_error *err)
{
    ictus_error ignored;
    if (strchr(name, '/')) {
        if (ictus_path_join(path, size, NULL, name, &ignored) == ICTUS_OK && readable(path))
            return ICTUS_OK;
    } else if (find_in_dirs(name, path, size)) {
        return ICTUS_OK;
    }
    return ictus_fail(err, ICTUS_ERR_CONFIG, "%s: no such file (looked in $ICTUS_PRESET_DIR, "
                      "detectors/presets, share/ictus/presets)", name);
}

void ictus_preset_list(char *out, size_t size)
{
    char dirs[N_PRESET_DIRS][ICTUS_PATH_MAX];
    int n = preset_dirs(dirs);
    size_t len = strlen(out);
    for (int i = 0; i < n && len < size; i++) {
        DIR *dir = opendir(dirs[i]);
        if (!dir)
            continue;
        len += (size_t)snprintf(out + len, size - len, "; presets in %s:", dirs[i]);
        struct dirent *e;
        while ((e = readdir(dir)) != NULL && len < size) {
            size_t name_len = strlen(e->d_name);
            if (name_len > 4 && strcmp(e->d_name + name_len - 4, ".ini") == 0)
                len += (size_t)snprintf(out + len, size - len, " %.*s", (int)(name_len - 4),
                                        e->d_name);
        }
        closedir(dir);
    }
}
