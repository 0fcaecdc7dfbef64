/* preset_find.c: finding presets by name in the preset directories. */
#include "detectors/preset_find.h"

#include <ctype.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/config.h"
#include "base/path.h"
#include "base/readfile.h"
#include "base/vec.h"

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

/* A readable regular file (a directory named NAME.ini is no preset). */
static bool readable(const char *path)
{
    struct stat sb;
    return access(path, R_OK) == 0 && stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* A path given for a preset that is there but is not a file (a directory,
 * a device, a FIFO): true, with err saying what it is, rather than "no such
 * preset". */
static bool not_a_file(const char *path, ictus_error *err)
{
    struct stat sb;
    int fd;
    if (stat(path, &sb) != 0 || S_ISREG(sb.st_mode))
        return false;
    ictus_open_regular(path, "a preset file", &fd, err); /* refuses it, by name */
    return true;
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
        if (*path && not_a_file(path, err))
            return err->status;
    } else {
        char file[ICTUS_PATH_MAX];
        /* a name too long for a file name is no preset */
        if (ictus_path_format(file, sizeof file, &ignored, "%s.ini", name) == ICTUS_OK &&
            find_in_dirs(file, path, size))
            return ICTUS_OK;
    }
    char known[1024] = "";
    if (!strchr(name, '/'))
        ictus_preset_suggest(name, known, sizeof known);
    return ictus_fail(err, ICTUS_ERR_CONFIG, "no such preset%s (looked in $ICTUS_PRESET_DIR, "
                                             "detectors/presets, share/ictus/presets)", known);
}

ictus_status ictus_preset_find_file(const char *name, char *path, size_t size, ictus_error *err)
{
    ictus_error ignored;
    if (strchr(name, '/')) {
        if (ictus_path_join(path, size, NULL, name, &ignored) == ICTUS_OK && readable(path))
            return ICTUS_OK;
        if (*path && not_a_file(path, err))
            return err->status;
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

/* ------------------------------------------------------------------------
 * The presets there are: names, the closest to a typo, models
 * ---------------------------------------------------------------------- */

/* The preset names of every preset directory, each once, sorted. */
typedef struct {
    int n, cap;
    char **names;
} name_list;

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void preset_names(name_list *l)
{
    char dirs[N_PRESET_DIRS][ICTUS_PATH_MAX];
    int n = preset_dirs(dirs);
    for (int i = 0; i < n; i++) {
        DIR *dir = opendir(dirs[i]);
        if (!dir)
            continue;
        struct dirent *e;
        while ((e = readdir(dir)) != NULL) {
            size_t len = strlen(e->d_name);
            if (len <= 4 || strcmp(e->d_name + len - 4, ".ini") != 0)
                continue;
            bool seen = false;
            for (int k = 0; k < l->n && !seen; k++)
                seen = strlen(l->names[k]) == len - 4 &&
                       strncmp(l->names[k], e->d_name, len - 4) == 0;
            if (seen)
                continue;
            ICTUS_GROW(l->names, l->n + 1, l->cap);
            l->names[l->n] = ictus_xstrdup(e->d_name);
            l->names[l->n++][len - 4] = '\0';
        }
        closedir(dir);
    }
    if (l->n > 1)
        qsort(l->names, (size_t)l->n, sizeof *l->names, cmp_name);
}

static void name_list_free(name_list *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->names[i]);
    free(l->names);
}

/* Levenshtein distance of a and b, ignoring case (b at most 63 bytes are
 * compared: preset names are short). */
static int edit_distance(const char *a, const char *b)
{
    size_t nb = strlen(b) < 63 ? strlen(b) : 63;
    int row[64];
    for (size_t j = 0; j <= nb; j++)
        row[j] = (int)j;
    for (size_t i = 1; a[i - 1]; i++) {
        int diag = row[0];
        row[0] = (int)i;
        for (size_t j = 1; j <= nb; j++) {
            int up = row[j];
            int cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
            int best = diag + cost;
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[nb];
}

void ictus_preset_suggest(const char *name, char *out, size_t size)
{
    name_list l = {0};
    preset_names(&l);
    const char *best = NULL;
    int best_d = 0;
    for (int i = 0; i < l.n; i++) {
        int d = edit_distance(name, l.names[i]);
        if (!best || d < best_d) {
            best = l.names[i];
            best_d = d;
        }
    }
    size_t len = strlen(out);
    /* a third of the name may be wrong (ihka-mose, dravet_mouse, convulsive-rats) */
    int limit = (int)strlen(name) / 3 > 2 ? (int)strlen(name) / 3 : 2;
    if (best && best_d <= limit && len < size)
        len += (size_t)snprintf(out + len, size - len, "; did you mean \"%s\"?", best);
    if (len < size)
        len += (size_t)snprintf(out + len, size - len, "%s", l.n ? "; the presets are:" : "");
    for (int i = 0; i < l.n && len < size; i++)
        len += (size_t)snprintf(out + len, size - len, " %s", l.names[i]);
    name_list_free(&l);
}

bool ictus_preset_model_listed(const char *model, const char *list)
{
    size_t n = strlen(model);
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ",");
        const char *s = p, *e = p + len;
        while (s < e && isspace((unsigned char)*s))
            s++;
        while (e > s && isspace((unsigned char)e[-1]))
            e--;
        if ((size_t)(e - s) == n && strncasecmp(s, model, n) == 0)
            return true;
        p += len + (p[len] == ',');
    }
    return false;
}

ictus_status ictus_preset_for_model(const char *model, char *name, size_t size, ictus_error *err)
{
    name[0] = '\0';
    name_list l = {0};
    preset_names(&l);
    ictus_status st = ICTUS_OK;
    for (int i = 0; i < l.n && st == ICTUS_OK; i++) {
        char path[ICTUS_PATH_MAX];
        ictus_error ignored;
        bool match = strcasecmp(model, l.names[i]) == 0;
        if (!match && ictus_preset_find(l.names[i], path, sizeof path, &ignored) == ICTUS_OK) {
            ictus_config *cfg = ictus_config_create();
            if (ictus_config_load(cfg, path, &ignored) == ICTUS_OK) {
                const char *models = ictus_config_get(cfg, "preset", "models");
                const char *own = ictus_config_get(cfg, "preset", "model");
                match = (models && ictus_preset_model_listed(model, models)) ||
                        (own && strcasecmp(model, own) == 0);
            }
            ictus_config_destroy(cfg);
        }
        if (!match)
            continue;
        if (name[0])
            st = ictus_fail(err, ICTUS_ERR_CONFIG, "model \"%s\" is one of both presets %s "
                            "and %s ([preset] models): say which in study.ini [presets]",
                            model, name, l.names[i]);
        else
            snprintf(name, size, "%s", l.names[i]);
    }
    name_list_free(&l);
    return st;
}
