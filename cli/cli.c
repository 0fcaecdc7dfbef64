/* cli.c: what the verbs share: the error convention, settings and options. */
#include "cli/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/path.h"
#include "base/vec.h"
#include "base/walltime.h"
#include "detectors/preset_find.h"

/* ------------------------------------------------------------------------
 * The error convention
 * ---------------------------------------------------------------------- */

/* The statuses that mean "the command line, the settings or the study is
 * wrong, or the study is busy" (exit 2). */
static bool is_config_class(ictus_status st)
{
    return st == ICTUS_ERR_USAGE || st == ICTUS_ERR_CONFIG || st == ICTUS_ERR_BUSY;
}

int cli_exit_status(ictus_status st)
{
    if (st == ICTUS_OK)
        return CLI_OK;
    return is_config_class(st) ? CLI_USAGE : CLI_PROBLEMS;
}

/* The exit status a verb chose with cli_exit_with() (-1: none).  One verb
 * runs per process, on the main thread. */
static int chosen_exit_code = -1;

ictus_status cli_exit_with(int code, ictus_error *err)
{
    chosen_exit_code = code;
    if (err->status == ICTUS_OK)
        err->status = ICTUS_ERR_DATA;
    return err->status;
}

int cli_exit_code(ictus_status st)
{
    return chosen_exit_code >= 0 ? chosen_exit_code : cli_exit_status(st);
}

ictus_status cli_config_failure(ictus_error *err)
{
    if (err->status != ICTUS_ERR_BUSY)
        err->status = ICTUS_ERR_CONFIG;
    return err->status;
}

ictus_status cli_work_failure(ictus_error *err)
{
    if (is_config_class(err->status))
        err->status = ICTUS_ERR_DATA;
    return err->status;
}

ictus_status cli_problems_reported(ictus_error *err)
{
    ictus_error_clear(err);
    err->status = ICTUS_ERR_DATA;
    return err->status;
}

ictus_status cli_usage_error(ictus_error *err, const char *fmt, ...)
{
    if (err->status == ICTUS_OK) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->status = ICTUS_ERR_USAGE;
    }
    return ICTUS_ERR_USAGE;
}

ictus_status cli_bad_command_line(ictus_error *err)
{
    err->status = ICTUS_ERR_USAGE;
    return err->status;
}

void cli_print_error(const ictus_error *err)
{
    fprintf(stderr, "ictus: %s\n", err->msg[0] ? err->msg : ictus_strstatus(err->status));
}

void cli_printf_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("ictus: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* ------------------------------------------------------------------------
 * Lists
 * ---------------------------------------------------------------------- */

void cli_args_add(cli_args *l, const char *arg)
{
    ICTUS_GROW(l->items, l->n + 1, l->cap);
    l->items[l->n++] = arg;
}

const char *cli_by_assignment(cli_args *kept, const char *keys)
{
    size_t n = strlen("analysis.by=") + strlen(keys) + 1;
    char *text = ictus_xmalloc(n);
    snprintf(text, n, "analysis.by=%s", keys);
    cli_args_add(kept, text);
    return text;
}

void cli_by_free(cli_args *kept)
{
    for (int i = 0; i < kept->n; i++)
        free((char *)kept->items[i]);
    cli_args_free(kept);
}

void cli_args_free(cli_args *l)
{
    free(l->items);
    memset(l, 0, sizeof *l);
}

int cli_split_list(char *s, cli_args *items)
{
    items->n = 0;
    char *save = NULL;
    for (char *tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
        cli_args_add(items, tok);
    return items->n;
}

/* ------------------------------------------------------------------------
 * Settings
 * ---------------------------------------------------------------------- */

void cli_settings_init(cli_settings *cs)
{
    memset(cs, 0, sizeof *cs);
    ictus_settings_default(&cs->set);
}

bool cli_settings_option(cli_settings *cs, int opt, const char *arg)
{
    switch (opt) {
    case OPT_PRESET:
        cs->preset = arg;
        return true;
    case OPT_CONFIG:
        cli_args_add(&cs->config_files, arg);
        return true;
    case OPT_SET:
        cli_args_add(&cs->assignments, arg);
        return true;
    default:
        return false;
    }
}

/* Load the preset file, --config files and --set assignments into cs->cfg. */
static ictus_status load_config(cli_settings *cs, ictus_error *err)
{
    cs->cfg = ictus_config_create();
    ictus_status st = ICTUS_OK;
    if (cs->preset) {
        char path[ICTUS_PATH_MAX];
        ictus_error why;
        if (ictus_preset_find(cs->preset, path, sizeof path, &why) != ICTUS_OK)
            return ictus_fail(err, ICTUS_ERR_CONFIG, "%s: %s", cs->preset, why.msg);
        st = ictus_config_load(cs->cfg, path, err);
    }
    for (int i = 0; i < cs->config_files.n && st == ICTUS_OK; i++)
        st = ictus_config_load(cs->cfg, cs->config_files.items[i], err);
    for (int i = 0; i < cs->assignments.n && st == ICTUS_OK; i++)
        st = ictus_config_set(cs->cfg, cs->assignments.items[i], err);
    return st == ICTUS_OK ? ICTUS_OK : cli_config_failure(err);
}

ictus_status cli_settings_load(cli_settings *cs, const char *const *sections, ictus_error *err)
{
    ictus_status st = load_config(cs, err);
    if (st == ICTUS_OK)
        st = ictus_settings_apply(&cs->set, cs->cfg, err);
    if (st == ICTUS_OK)
        st = ictus_config_check_used(cs->cfg, sections, err);
    return st == ICTUS_OK ? ICTUS_OK : cli_config_failure(err);
}

/* The id of `preset`, composed from preset `name` and overrides, marked
 * when they changed its parameters (ictus_preset_mark_changed()). */
static ictus_status mark_overridden(const char *name, ictus_preset *preset, ictus_error *err)
{
    char path[ICTUS_PATH_MAX];
    ictus_preset shipped;
    ictus_config *cfg = ictus_config_create();
    ictus_status st = ictus_preset_find(name, path, sizeof path, err);
    if (st == ICTUS_OK)
        st = ictus_config_load(cfg, path, err);
    if (st == ICTUS_OK)
        st = ictus_preset_from_config(cfg, &shipped, err);
    ictus_config_destroy(cfg);
    if (st != ICTUS_OK) {
        ictus_preset_free(preset);
        return st;
    }
    ictus_preset_mark_changed(preset, &shipped);
    ictus_preset_free(&shipped);
    return ICTUS_OK;
}

ictus_status cli_preset_load(cli_settings *cs, ictus_preset *preset, ictus_error *err)
{
    if (!cs->preset && cs->config_files.n == 0) {
        ictus_fail(err, ICTUS_ERR_CONFIG, "choose a detection preset with --preset NAME (or a "
                                          "--config file with a [preset] section)");
        ictus_preset_list(err->msg, sizeof err->msg);
        return ICTUS_ERR_CONFIG;
    }
    ictus_status st = load_config(cs, err);
    if (st == ICTUS_OK)
        st = ictus_preset_from_config(cs->cfg, preset, err);
    if (st == ICTUS_OK && cs->preset && (cs->config_files.n || cs->assignments.n))
        st = mark_overridden(cs->preset, preset, err);
    return st == ICTUS_OK ? ICTUS_OK : cli_config_failure(err);
}

void cli_settings_free(cli_settings *cs)
{
    ictus_config_destroy(cs->cfg);
    cli_args_free(&cs->config_files);
    cli_args_free(&cs->assignments);
    cs->cfg = NULL;
}

/* ------------------------------------------------------------------------
 * Source and analysis options
 * ---------------------------------------------------------------------- */

void cli_source_options_init(cli_source_options *so)
{
    memset(so, 0, sizeof *so);
}

bool cli_source_option(cli_source_options *so, int opt, const char *arg, ictus_error *err)
{
    switch (opt) {
    case OPT_START:
        if (!ictus_walltime_parse(arg, &so->opt.start_us))
            cli_usage_error(err, "--start '%s': expected YYYY-MM-DDTHH:MM[:SS[.fff]]", arg);
        return true;
    case OPT_LABELS:
        free(so->labels_copy);
        so->labels_copy = ictus_xstrdup(arg);
        so->opt.n_labels = cli_split_list(so->labels_copy, &so->labels);
        so->opt.labels = so->labels.items;
        return true;
    case OPT_FULL_SCALE: {
        char *end;
        so->opt.full_scale_uv = strtod(arg, &end);
        if (*end || !(so->opt.full_scale_uv > 0))
            cli_usage_error(err, "--full-scale-uv '%s': expected a positive number of microvolts",
                            arg);
        return true;
    }
    default:
        return false;
    }
}

void cli_source_options_free(cli_source_options *so)
{
    free(so->labels_copy);
    cli_args_free(&so->labels);
    so->labels_copy = NULL;
}

void cli_analysis_options_init(cli_analysis_options *ao)
{
    memset(ao, 0, sizeof *ao);
    ao->jobs = cli_cpu_count();
}

bool cli_analysis_option(cli_analysis_options *ao, int opt, const char *arg, ictus_error *err)
{
    switch (opt) {
    case 'j':
        ao->jobs = atoi(arg);
        if (ao->jobs < 1)
            cli_usage_error(err, "--jobs '%s': expected a positive number", arg);
        return true;
    case OPT_CHANNELS:
        free(ao->channel_list);
        ao->channel_list = ictus_xstrdup(arg);
        cli_split_list(ao->channel_list, &ao->channels);
        return true;
    default:
        return false;
    }
}

void cli_analysis_options_free(cli_analysis_options *ao)
{
    free(ao->channel_list);
    cli_args_free(&ao->channels);
    ao->channel_list = NULL;
}

void cli_recording_args_init(cli_recording_args *ra)
{
    memset(ra, 0, sizeof *ra);
    cli_settings_init(&ra->cs);
    cli_source_options_init(&ra->so);
    cli_analysis_options_init(&ra->ao);
    ra->output = "-";
}

bool cli_recording_args_option(cli_recording_args *ra, int opt, const char *arg,
                               ictus_error *err)
{
    if (cli_settings_option(&ra->cs, opt, arg) || cli_source_option(&ra->so, opt, arg, err) ||
        cli_analysis_option(&ra->ao, opt, arg, err))
        return true;
    if (opt == 'o')
        ra->output = arg;
    else if (opt == OPT_HELP)
        ra->help = true;
    else
        return false;
    return true;
}

bool cli_recording_args_ready(const cli_recording_args *ra, int first, int argc,
                              const char *usage, ictus_status *st, ictus_error *err)
{
    *st = ICTUS_OK;
    if (ra->help)
        fputs(usage, stdout);
    else if (ra->bad || err->status || first >= argc)
        *st = cli_bad_command_line(err);
    else
        return true;
    return false;
}

ictus_status cli_recording_args_finish(cli_recording_args *ra, ictus_status st, bool problems,
                                       ictus_error *err)
{
    cli_settings_free(&ra->cs);
    cli_source_options_free(&ra->so);
    cli_analysis_options_free(&ra->ao);
    return st == ICTUS_OK && problems ? cli_problems_reported(err) : st;
}

int cli_cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}
