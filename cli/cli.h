/* cli.h: what the verbs share: the verb table, the one error convention,
 * settings from presets and --config/--set, source and analysis options.
 *
 * The error convention.  A verb returns ICTUS_OK or the status of what
 * stopped or spoiled its work, with err's message (one line, naming the file)
 * for main.c to print as `ictus: MESSAGE`; main turns the status into the
 * exit status (cli_exit_status()).  A verb that met problems item by item
 * (files it could not read, rows it rejected) prints each as it goes with
 * cli_print_error() and ends with cli_problems_reported().  A wrong command
 * line ends with ICTUS_ERR_USAGE: main prints the message, if any, and the
 * verb's usage text.  The helpers below never print.
 */
#ifndef ICTUS_CLI_H
#define ICTUS_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "base/config.h"
#include "base/status.h"
#include "detectors/preset.h"
#include "pipeline/settings.h"
#include "pipeline/source/source.h"

/* Exit statuses (README, "The verbs"). */
enum {
    CLI_OK = 0,        /* success */
    CLI_PROBLEMS = 1,  /* the work found problems it reported (e.g. some files rejected) */
    CLI_USAGE = 2,     /* bad usage or configuration, or (run) another run holds the study */
    CLI_WARNINGS = 3,  /* run, analyze: done, with warnings only (cli_exit_with) */
};                     /* run also: 128 + N stopped by signal N (cli_exit_with) */

/* One verb: `ictus NAME ...`.  run() gets argc/argv starting at the verb's
 * name and an err cleared by the caller. */
typedef struct {
    const char *name;
    ictus_status (*run)(int argc, char **argv, ictus_error *err);
    const char *summary;  /* one line for `ictus --help` */
    const char *usage;    /* `ictus NAME --help`; also on stderr after a usage error */
} cli_verb;

extern const cli_verb cli_verb_info, cli_verb_features, cli_verb_detect, cli_verb_score,
    cli_verb_synth, cli_verb_run, cli_verb_analyze, cli_verb_report, cli_verb_compare,
    cli_verb_serve, cli_verb_reviews, cli_verb_train, cli_verb_forget;

/* The exit status of a verb that returned `st`: CLI_OK for ICTUS_OK;
 * CLI_USAGE for ICTUS_ERR_USAGE, ICTUS_ERR_CONFIG and ICTUS_ERR_BUSY (the
 * command line, the settings or the study is wrong, or the study is busy);
 * CLI_PROBLEMS for every other status (the work found problems). */
int cli_exit_status(ictus_status st);

/* A verb's own exit status beyond 0/1/2 (run: 3 finished with warnings,
 * 130/143 interrupted by SIGINT/SIGTERM): the verb returns this, main
 * exits with `code` (the message, if any, is printed as for any failure;
 * err's status becomes ICTUS_ERR_DATA when it was ICTUS_OK). */
ictus_status cli_exit_with(int code, ictus_error *err);

/* What main exits with after a verb returned `st`: the code of
 * cli_exit_with() when the verb chose one, else cli_exit_status(st). */
int cli_exit_code(ictus_status st);

/* Make err's failure (whatever its cause) count as bad configuration, exit
 * 2, keeping its message: for what the user named that stops the verb before
 * any work (its settings, the study, a stimulation list).  ICTUS_ERR_BUSY
 * stays; everything else (a path too long included: no usage text follows)
 * becomes ICTUS_ERR_CONFIG.  Returns the new status. */
ictus_status cli_config_failure(ictus_error *err);

/* Make err's failure count as a problem of the work, exit 1, keeping its
 * message.  Returns the new status (ICTUS_ERR_DATA when it was one of the
 * exit-2 statuses). */
ictus_status cli_work_failure(ictus_error *err);

/* The verb printed the problems it found: exit 1 with nothing more to print
 * (err's message emptied).  Returns ICTUS_ERR_DATA. */
ictus_status cli_problems_reported(ictus_error *err);

/* A wrong command line: record the first such message in err (later ones
 * are dropped: main prints one line, then the usage text).  Returns
 * ICTUS_ERR_USAGE. */
ictus_status cli_usage_error(ictus_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The command line is wrong: ICTUS_ERR_USAGE, keeping the message that
 * cli_usage_error() recorded, if any (getopt prints its own). */
ictus_status cli_bad_command_line(ictus_error *err);

/* Print `ictus: MESSAGE` on stderr (the status's name when the message is
 * empty): for the verbs' item-by-item problems and for main. */
void cli_print_error(const ictus_error *err);
/* Print `ictus: ` and a formatted message on stderr (the verbs only). */
void cli_printf_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Option arguments collected in order (pointers into argv, not owned). */
typedef struct {
    const char **items;
    int n;
    size_t cap;
} cli_args;

void cli_args_add(cli_args *l, const char *arg);
void cli_args_free(cli_args *l);

/* Split a comma-separated list in place ("a,b,,c" -> a, b, c) into *items
 * (grown as needed; pointers into s); returns how many. */
int cli_split_list(char *s, cli_args *items);

/* `--by KEYS` (analyze, compare): the assignment "analysis.by=KEYS", a new
 * string kept in *kept until cli_by_free() frees them all. */
const char *cli_by_assignment(cli_args *kept, const char *keys);
void cli_by_free(cli_args *kept);

/* The settings a verb runs with: defaults, then the preset file, then
 * --config files, then --set assignments, later ones winning. */
typedef struct {
    ictus_config *cfg;
    ictus_settings set;
    const char *preset;     /* --preset (a name or a path), NULL when none */
    cli_args config_files;  /* --config, in order */
    cli_args assignments;   /* --set, in order */
} cli_settings;

void cli_settings_init(cli_settings *cs);
/* Take the shared option `opt` with argument `arg` if it is one of
 * --preset/-p, --config/-c, --set; returns false when it is not. */
bool cli_settings_option(cli_settings *cs, int opt, const char *arg);
/* Load everything into cs->set; `sections` are the config sections this
 * verb consumes and must all be known.  Every failure (no such preset, an
 * unreadable file, a bad value) is ICTUS_ERR_CONFIG. */
ictus_status cli_settings_load(cli_settings *cs, const char *const *sections, ictus_error *err);
/* Load everything into a detection preset, which must be named by --preset
 * or by a --config file's [preset] section (else the message lists the
 * presets there are).  Failures are ICTUS_ERR_CONFIG.  Free the preset
 * with ictus_preset_free() in any case. */
ictus_status cli_preset_load(cli_settings *cs, ictus_preset *preset, ictus_error *err);
void cli_settings_free(cli_settings *cs);

/* Source options from --start, --labels, --full-scale-uv (for sound files). */
typedef struct {
    ictus_source_options opt;
    char *labels_copy;        /* owned copy of --labels */
    cli_args labels;          /* into labels_copy */
} cli_source_options;

void cli_source_options_init(cli_source_options *so);
/* Take --start/--labels/--full-scale-uv; false when `opt` is not one.  A
 * bad value is recorded in err with cli_usage_error(). */
bool cli_source_option(cli_source_options *so, int opt, const char *arg, ictus_error *err);
void cli_source_options_free(cli_source_options *so);

/* --jobs and --channels, shared by the verbs that analyse recordings. */
typedef struct {
    int jobs;                 /* -j N: threads (default: all cores) */
    char *channel_list;       /* owned copy of --channels */
    cli_args channels;        /* into channel_list; none: every EEG channel */
} cli_analysis_options;

void cli_analysis_options_init(cli_analysis_options *ao);
/* Take -j/--jobs and --channels; false when `opt` is neither.  A bad value
 * is recorded in err with cli_usage_error(). */
bool cli_analysis_option(cli_analysis_options *ao, int opt, const char *arg, ictus_error *err);
void cli_analysis_options_free(cli_analysis_options *ao);

/* The command line of the verbs that analyse recordings (features,
 * detect): settings, source and analysis options, -o and --help, then
 * RECORDING...  The verb's getopt loop hands every option to
 * cli_recording_args_option() first and takes its own options after. */
typedef struct {
    cli_settings cs;
    cli_source_options so;
    cli_analysis_options ao;
    const char *output;  /* -o, not owned; default "-" (stdout) */
    bool help;           /* --help */
    bool bad;            /* an option getopt or the verb rejected */
} cli_recording_args;

void cli_recording_args_init(cli_recording_args *ra);
/* Take a shared option: settings, source or analysis options, -o, --help;
 * false when `opt` is none of them.  A bad value is recorded in err with
 * cli_usage_error(). */
bool cli_recording_args_option(cli_recording_args *ra, int opt, const char *arg,
                               ictus_error *err);
/* After the options: true when the verb should work on argv[first..argc)
 * (first: getopt's optind).  Otherwise *st is what the verb ends with: ICTUS_OK
 * after printing `usage` on stdout for --help, ICTUS_ERR_USAGE for a wrong
 * command line (no recording named included). */
bool cli_recording_args_ready(const cli_recording_args *ra, int first, int argc,
                              const char *usage, ictus_status *st, ictus_error *err);
/* Free ra and return the verb's status: `st`, or when it is ICTUS_OK and the
 * work printed problems, cli_problems_reported(). */
ictus_status cli_recording_args_finish(cli_recording_args *ra, ictus_status st, bool problems,
                                       ictus_error *err);

/* Number of online CPUs (at least 1). */
int cli_cpu_count(void);

/* Long-option codes shared by the verbs. */
enum {
    OPT_PRESET = 'p',
    OPT_CONFIG = 'c',
    OPT_SET = 1000,
    OPT_START,
    OPT_LABELS,
    OPT_FULL_SCALE,
    OPT_FORMAT,
    OPT_CHANNELS,
    OPT_ANIMAL,
    OPT_EXPLAIN,
    OPT_STIMULATIONS,
    OPT_HELP = 'h',
};

#define CLI_SETTINGS_LONGOPTS                                                                      \
    {"preset", required_argument, NULL, OPT_PRESET},                                               \
        {"config", required_argument, NULL, OPT_CONFIG}, {"set", required_argument, NULL, OPT_SET}
#define CLI_ANALYSIS_LONGOPTS                                                                      \
    {"channels", required_argument, NULL, OPT_CHANNELS}, {"jobs", required_argument, NULL, 'j'}

#define CLI_SOURCE_LONGOPTS                                                                        \
    {"start", required_argument, NULL, OPT_START}, {"labels", required_argument, NULL, OPT_LABELS}, \
        {"full-scale-uv", required_argument, NULL, OPT_FULL_SCALE}

#endif
