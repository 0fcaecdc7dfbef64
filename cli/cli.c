/* cli.c: helpers shared by the verbs. */
#include "cli/cli.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/walltime.h"

void cli_error(const ictus_error *err)
{
    fprintf(stderr, "ictus: %s\n", err->msg[0] ? err->msg : ictus_strstatus(err->status));
}

void cli_errorf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("ictus: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void cli_settings_init(cli_settings *cs)
{
    memset(cs, 0, sizeof *cs);
    ictus_settings_default(&cs->set);
}

bool cli_settings_option(cli_settings *cs, int opt, const char *arg)
{
    switch (opt) {
    case OPT_PRESET:
        snprintf(cs->preset, sizeof cs->preset, "%s", arg);
        return true;
    case OPT_CONFIG:
        if (cs->n_config_files < (int)(sizeof cs->config_files / sizeof cs->config_files[0]))
            cs->config_files[cs->n_config_files++] = arg;
        return true;
    case OPT_SET:
        if (cs->n_assignments < (int)(sizeof cs->assignments / sizeof cs->assignments[0]))
            cs->assignments[cs->n_assignments++] = arg;
        return true;
    default:
        return false;
    }
}

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

/* The directories presets are looked up in, in order; returns how many. */
static int preset_dirs(char dirs[][PATH_MAX + 64], int max)
{
    char dir[PATH_MAX];
    exe_dir(dir, sizeof dir);
    const char *env = getenv("ICTUS_PRESET_DIR");
    int n = 0;
    if (env && *env && n < max)
        snprintf(dirs[n++], sizeof dirs[0], "%s", env);
    if (n < max)
        snprintf(dirs[n++], sizeof dirs[0], "%s/../../detectors/presets", dir);
    if (n < max)
        snprintf(dirs[n++], sizeof dirs[0], "%s/../share/ictus/presets", dir);
    if (n < max)
        snprintf(dirs[n++], sizeof dirs[0], "%s/presets", ICTUS_DATADIR);
    return n;
}

bool cli_find_preset(const char *name, char *path, size_t size)
{
    if (strchr(name, '/') || (strlen(name) > 4 && strcmp(name + strlen(name) - 4, ".ini") == 0)) {
        snprintf(path, size, "%s", name);
        return readable(path);
    }
    char dirs[4][PATH_MAX + 64];
    int n = preset_dirs(dirs, 4);
    for (int i = 0; i < n; i++) {
        int len = snprintf(path, size, "%s/%s.ini", dirs[i], name);
        if (len > 0 && (size_t)len < size && readable(path))
            return true;
    }
    return false;
}

/* Load the preset file, --config files and --set assignments into cs->cfg. */
static bool load_config(cli_settings *cs)
{
    ictus_error err;
    cs->cfg = ictus_config_create();
    if (cs->preset[0]) {
        if (!cli_find_preset(cs->preset, cs->preset_path, sizeof cs->preset_path)) {
            cli_errorf("%s: no such preset (looked in $ICTUS_PRESET_DIR, detectors/presets, "
                       "share/ictus/presets)", cs->preset);
            return false;
        }
        if (ictus_config_load(cs->cfg, cs->preset_path, &err) != ICTUS_OK) {
            cli_error(&err);
            return false;
        }
    }
    for (int i = 0; i < cs->n_config_files; i++)
        if (ictus_config_load(cs->cfg, cs->config_files[i], &err) != ICTUS_OK) {
            cli_error(&err);
            return false;
        }
    for (int i = 0; i < cs->n_assignments; i++)
        if (ictus_config_set(cs->cfg, cs->assignments[i], &err) != ICTUS_OK) {
            cli_error(&err);
            return false;
        }
    return true;
}

bool cli_settings_load(cli_settings *cs, const char *const *sections)
{
    ictus_error err;
    if (!load_config(cs))
        return false;
    if (ictus_settings_apply(&cs->set, cs->cfg, &err) != ICTUS_OK ||
        ictus_config_check_used(cs->cfg, sections, &err) != ICTUS_OK) {
        cli_error(&err);
        return false;
    }
    return true;
}

void cli_settings_free(cli_settings *cs)
{
    ictus_config_destroy(cs->cfg);
    cs->cfg = NULL;
}

void cli_source_options_init(cli_source_options *so)
{
    memset(so, 0, sizeof *so);
}

bool cli_source_option(cli_source_options *so, int opt, const char *arg, bool *bad)
{
    switch (opt) {
    case OPT_START:
        if (!ictus_walltime_parse(arg, &so->opt.start_us)) {
            cli_errorf("--start '%s': expected YYYY-MM-DDTHH:MM[:SS[.fff]]", arg);
            *bad = true;
        }
        return true;
    case OPT_LABELS:
        free(so->labels_copy);
        so->labels_copy = ictus_xstrdup(arg);
        so->opt.n_labels = cli_split_list(so->labels_copy, so->labels, 64);
        so->opt.labels = so->labels;
        return true;
    case OPT_FULL_SCALE: {
        char *end;
        so->opt.full_scale_uv = strtod(arg, &end);
        if (*end || !(so->opt.full_scale_uv > 0)) {
            cli_errorf("--full-scale-uv '%s': expected a positive number of microvolts", arg);
            *bad = true;
        }
        return true;
    }
    default:
        return false;
    }
}

void cli_source_options_free(cli_source_options *so)
{
    free(so->labels_copy);
    so->labels_copy = NULL;
}

void cli_analysis_options_init(cli_analysis_options *ao)
{
    memset(ao, 0, sizeof *ao);
    ao->jobs = cli_cpu_count();
}

bool cli_analysis_option(cli_analysis_options *ao, int opt, const char *arg, bool *bad)
{
    switch (opt) {
    case 'j':
        ao->jobs = atoi(arg);
        if (ao->jobs < 1) {
            cli_errorf("--jobs '%s': expected a positive number", arg);
            *bad = true;
        }
        return true;
    case OPT_CHANNELS:
        free(ao->channel_list);
        ao->channel_list = ictus_xstrdup(arg);
        ao->n_channels = cli_split_list(ao->channel_list, ao->channels, 64);
        return true;
    default:
        return false;
    }
}

void cli_analysis_options_free(cli_analysis_options *ao)
{
    free(ao->channel_list);
    ao->channel_list = NULL;
}

void cli_default_animal(const ictus_recording_info *info, char *out, size_t size)
{
    char code[81];
    snprintf(code, sizeof code, "%s", info->patient);
    char *space = strchr(code, ' ');
    if (space)
        *space = '\0';
    if (code[0] && strcmp(code, "X") != 0) {
        snprintf(out, size, "%s", code);
        return;
    }
    const char *slash = strrchr(info->path, '/');
    const char *base = slash ? slash + 1 : info->path;
    const char *dot = strrchr(base, '.');
    int len = dot && dot != base ? (int)(dot - base) : (int)strlen(base);
    snprintf(out, size, "%.*s", len, base);
}

int cli_cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

int cli_split_list(char *s, const char **items, int max)
{
    int n = 0;
    for (char *tok = strtok(s, ","); tok && n < max; tok = strtok(NULL, ","))
        items[n++] = tok;
    return n;
}

/* Print the names of the presets in every preset directory there is. */
static void list_presets(void)
{
    char dirs[4][PATH_MAX + 64];
    int n = preset_dirs(dirs, 4);
    for (int i = 0; i < n; i++) {
        DIR *dir = opendir(dirs[i]);
        if (!dir)
            continue;
        fprintf(stderr, "ictus: presets in %s:", dirs[i]);
        struct dirent *e;
        while ((e = readdir(dir)) != NULL) {
            size_t len = strlen(e->d_name);
            if (len > 4 && strcmp(e->d_name + len - 4, ".ini") == 0)
                fprintf(stderr, " %.*s", (int)(len - 4), e->d_name);
        }
        fputc('\n', stderr);
        closedir(dir);
    }
}

bool cli_preset_load(cli_settings *cs, ictus_preset *preset)
{
    ictus_error err;
    if (!cs->preset[0] && cs->n_config_files == 0) {
        cli_errorf("choose a detection preset with --preset NAME (or a --config file with a "
                   "[preset] section)");
        list_presets();
        return false;
    }
    if (!load_config(cs))
        return false;
    if (ictus_preset_from_config(cs->cfg, preset, &err) != ICTUS_OK) {
        cli_error(&err);
        ictus_preset_free(preset);
        return false;
    }
    return true;
}
