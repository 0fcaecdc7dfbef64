/* cli.h: what the verbs share: error printing, settings from presets and
 * --config/--set, source options from the command line. */
#ifndef ICTUS_CLI_H
#define ICTUS_CLI_H

#include <stdbool.h>

#include "detectors/preset.h"
#include "base/config.h"
#include "pipeline/settings.h"
#include "pipeline/source/source.h"
#include "base/status.h"

/* Exit statuses (DESIGN.md). */
enum {
    CLI_OK = 0,        /* success */
    CLI_PROBLEMS = 1,  /* the work found problems it reported (e.g. some files rejected) */
    CLI_USAGE = 2,     /* bad usage or configuration */
};

/* Each verb: argc/argv start at the verb's name. */
int cmd_info(int argc, char **argv);
int cmd_features(int argc, char **argv);
int cmd_detect(int argc, char **argv);
int cmd_score(int argc, char **argv);
int cmd_synth(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_compare(int argc, char **argv);

/* Print `ictus: MESSAGE` on stderr (the message already names the file). */
void cli_error(const ictus_error *err);
/* Print `ictus: ` and a formatted message on stderr. */
void cli_errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The settings a verb runs with: defaults, then the preset file, then
 * --config files, then --set assignments, later ones winning. */
typedef struct {
    ictus_config *cfg;
    ictus_settings set;
    char preset[64];        /* preset name ("" when none) */
    char preset_path[4096]; /* file the preset came from */
    const char *config_files[16];
    int n_config_files;
    const char *assignments[64];
    int n_assignments;
} cli_settings;

void cli_settings_init(cli_settings *cs);
/* Handle the shared option `opt` with argument `arg` if it is one of
 * --preset/-p, --config/-c, --set; returns false when it is not. */
bool cli_settings_option(cli_settings *cs, int opt, const char *arg);
/* Load everything; on error prints it and returns false. `sections` are
 * the config sections this verb consumes and must all be known. */
bool cli_settings_load(cli_settings *cs, const char *const *sections);
/* Load everything into a detection preset (which must be named by --preset
 * or by a --config file's [preset] section); on error prints it (listing
 * the presets there are) and returns false.  Free with ictus_preset_free(). */
bool cli_preset_load(cli_settings *cs, ictus_preset *preset);
void cli_settings_free(cli_settings *cs);

/* Find preset `name` (a path, or a name looked up in $ICTUS_PRESET_DIR,
 * the source tree's detectors/presets beside the executable, and the
 * installed share/ictus/presets); writes the path; false when not found. */
bool cli_find_preset(const char *name, char *path, size_t size);

/* Source options from --start, --labels, --full-scale-uv (for sound files). */
typedef struct {
    ictus_source_options opt;
    char *labels_copy;
    const char *labels[64];
} cli_source_options;

void cli_source_options_init(cli_source_options *so);
/* Handle --start/--labels/--full-scale-uv; false when `opt` is not one. */
bool cli_source_option(cli_source_options *so, int opt, const char *arg, bool *bad);
void cli_source_options_free(cli_source_options *so);

/* --jobs and --channels, shared by the verbs that analyse recordings. */
typedef struct {
    int jobs;                 /* -j N: threads (default: all cores) */
    char *channel_list;       /* owned copy of --channels */
    const char *channels[64]; /* into channel_list */
    int n_channels;           /* 0: every EEG channel */
} cli_analysis_options;

void cli_analysis_options_init(cli_analysis_options *ao);
/* Handle -j/--jobs and --channels; false when `opt` is neither. */
bool cli_analysis_option(cli_analysis_options *ao, int opt, const char *arg, bool *bad);
void cli_analysis_options_free(cli_analysis_options *ao);

/* The animal of a recording when no manifest says: the EDF patient code
 * (its first word; "X" means unknown), else the file name without extension. */
void cli_default_animal(const ictus_recording_info *info, char *out, size_t size);

/* Number of online CPUs (at least 1). */
int cli_cpu_count(void);

/* Split a comma-separated list in place into at most max items. */
int cli_split_list(char *s, const char **items, int max);

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
