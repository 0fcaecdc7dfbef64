/* cmd_info.c: `ictus info RECORDING...`: describe recordings. */
#include <getopt.h>
#include <limits.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/path.h"
#include "cli/cli.h"
#include "pipeline/source/recording_name.h"
#include "protocols/recording_view.h"
#include "protocols/study_preset.h"
#include "pipeline/analyzer.h"
#include "pipeline/chain.h"
#include "base/walltime.h"

static const char usage_text[] =
    "usage: ictus info [options] RECORDING...\n"
    "Print each recording's header: format, start (naive local time), duration, gaps,\n"
    "annotations, and per channel the label, rate, unit, ranges and the analysis chain.\n"
    "Warns (a line `warning     no channel label ...`) when no channel label is one of\n"
    "the preset's primary_channels (e.g. vendor labels EEG1, EEG2 against HPC): the\n"
    "detector then takes the first analysed channel as primary; name the channels in\n"
    "the study's recordings.csv (channels = \"HPC=1;CTX=2\").  The preset is --preset's,\n"
    "else, for a file under a study's recordings/, its animal's preset in that study\n"
    "(with the channel map of its recordings.csv row).\n"
    "  -a, --annotations     list every annotation\n"
    "  -p, --preset P        settings used to describe the analysis chain, and the preset\n"
    "                        whose primary channels are checked\n"
    "  -c, --config FILE     settings overrides;  --set SECTION.KEY=VALUE\n"
    "  --start T, --labels A,B, --full-scale-uv X   for sound files (WAV, FLAC, ...)\n";

static void print_duration(int64_t us)
{
    int64_t s = us / ICTUS_US_PER_S;
    printf("%.3f s (%" PRId64 ":%02d:%02d)", ictus_us_to_s(us), s / 3600, (int)(s / 60 % 60),
           (int)(s % 60));
}

static void describe(const ictus_recording_info *info, const ictus_settings *set,
                     bool all_annotations)
{
    char t[32];
    printf("%s\n", info->path);
    printf("  format      %s%s%s\n", ictus_format_name(info->format),
           info->recording[0] && info->format == ICTUS_FORMAT_SNDFILE ? " " : "",
           info->format == ICTUS_FORMAT_SNDFILE ? info->recording : "");
    if (info->format != ICTUS_FORMAT_SNDFILE) {
        printf("  patient     %s\n", info->patient);
        printf("  recording   %s\n", info->recording);
        printf("  records     %" PRId64 " x %g s\n", info->n_records, info->record_s);
    }
    printf("  start       %s\n", ictus_walltime_format(info->start_us, t, sizeof t));
    printf("  end         %s\n", ictus_walltime_format(info->start_us + info->duration_us, t, sizeof t));
    printf("  duration    ");
    print_duration(info->duration_us);
    printf("\n");
    int64_t gap_us = 0;
    for (int i = 1; i < info->n_segments; i++)
        gap_us += info->segments[i].start_us - info->segments[i - 1].end_us;
    printf("  gaps        %d", info->n_segments > 0 ? info->n_segments - 1 : 0);
    if (gap_us > 0) {
        printf(", missing ");
        print_duration(gap_us);
    }
    printf("\n");
    for (int i = 1; i < info->n_segments; i++)
        printf("    gap %d     %.6f s .. %.6f s\n", i, ictus_us_to_s(info->segments[i - 1].end_us),
               ictus_us_to_s(info->segments[i].start_us));
    printf("  annotations %d\n", info->n_annotations);
    int shown = all_annotations ? info->n_annotations : (info->n_annotations < 5 ? info->n_annotations : 5);
    for (int i = 0; i < shown; i++) {
        const ictus_annotation *a = &info->annotations[i];
        printf("    %12.4f s", ictus_us_to_s(a->onset_us));
        if (a->duration_us >= 0)
            printf(" %10.4f s", ictus_us_to_s(a->duration_us));
        else
            printf("             ");
        printf("  %s\n", a->text);
    }
    if (shown < info->n_annotations)
        printf("    ... %d more (--annotations lists them all)\n", info->n_annotations - shown);
    if (info->warning[0])
        printf("  warning     %s\n", info->warning);
    printf("  channels    %d\n", info->n_channels);
    for (int c = 0; c < info->n_channels; c++) {
        const ictus_channel_info *ci = &info->channels[c];
        printf("    %2d %-20s %10.4f Hz  %-6s", c + 1, ci->label, ci->fs_hz, ci->unit[0] ? ci->unit : "-");
        if (info->format != ICTUS_FORMAT_SNDFILE)
            printf("  phys %g..%g  dig %d..%d", ci->phys_min, ci->phys_max, ci->dig_min, ci->dig_max);
        printf("  %" PRId64 " samples\n", ci->n_samples);
        if (!ictus_channel_analysable(ci, set)) {
            printf("       not analysed (%s)\n", ci->fs_hz < set->min_fs_hz ? "rate below min_fs_hz"
                                                                       : "not a voltage");
            continue;
        }
        ictus_chain *chain;
        ictus_error err;
        if (ictus_chain_create(set, c, ci->fs_hz, &chain, &err) != ICTUS_OK) {
            printf("       not analysed: %s\n", err.msg);
            continue;
        }
        printf("       analysed at %g Hz, %d-sample windows: %s\n", ictus_chain_analysis_hz(chain),
               ictus_chain_window_samples(chain), ictus_chain_describe(chain));
        ictus_chain_destroy(chain);
    }
}

/* ------------------------------------------------------------------------
 * The primary-channel check
 * ---------------------------------------------------------------------- */

/* The study `path` lies in (a directory holding study.ini with the file
 * under its recordings/) into dir[size], and the file's name in
 * recordings.csv's terms into *file (pointing into dir's copy); false when
 * it lies in none. */
static bool study_of(const char *path, char *dir, size_t size, const char **file)
{
    if (!realpath(path, dir) || strlen(dir) + 16 > size)
        return false;
    for (char *cut = strstr(dir, "/recordings/"); cut; cut = strstr(cut + 1, "/recordings/")) {
        char ini[ICTUS_PATH_MAX + 16];
        snprintf(ini, sizeof ini, "%.*s/study.ini", (int)(cut - dir), dir);
        if (access(ini, R_OK) == 0) {
            *cut = '\0';
            *file = cut + strlen("/recordings/");
            return true;
        }
    }
    return false;
}

/* The warning of the preset of `path`'s animal in the study it lies in,
 * with its recordings.csv channel map, into msg[size] ("" when none or no
 * study). */
static void study_primary_warning(const char *path, char *msg, size_t size)
{
    char dir[PATH_MAX + 16];
    const char *file;
    ictus_study *study;
    ictus_error err;
    msg[0] = '\0';
    if (!study_of(path, dir, sizeof dir, &file) || ictus_study_load(dir, &study, &err) != ICTUS_OK)
        return;
    const ictus_recording_entry *entry = ictus_study_recording(study, file, NULL);
    ictus_source *src;
    if (ictus_recording_open(study, entry, path, path, &src, &err) == ICTUS_OK) {
        char header_animal[ICTUS_DEFAULT_ANIMAL_SIZE];
        const char *animal = entry ? entry->animal : header_animal;
        if (!entry)
            ictus_recording_default_animal(ictus_source_info(src), header_animal,
                                           sizeof header_animal);
        ictus_study_preset sp;
        if (ictus_study_preset_load_animal(study, animal, &sp, &err) == ICTUS_OK) {
            ictus_preset_primary_warning(&sp.preset, ictus_source_info(src), msg, size);
            ictus_study_preset_free(&sp);
        } else {
            snprintf(msg, size, "%s", err.msg);
        }
        ictus_source_close(src);
    }
    ictus_study_destroy(study);
}

static ictus_status run_info(int argc, char **argv, ictus_error *err)
{
    static const struct option longopts[] = {
        CLI_SETTINGS_LONGOPTS, CLI_SOURCE_LONGOPTS,
        {"annotations", no_argument, NULL, 'a'}, {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    cli_settings cs;
    cli_source_options so;
    cli_settings_init(&cs);
    cli_source_options_init(&so);
    bool all_annotations = false, bad = false, help = false;
    int opt;
    while ((opt = getopt_long(argc, argv, "ap:c:h", longopts, NULL)) != -1) {
        if (cli_settings_option(&cs, opt, optarg) || cli_source_option(&so, opt, optarg, err))
            continue;
        if (opt == 'a')
            all_annotations = true;
        else if (opt == OPT_HELP)
            help = true;
        else
            bad = true;
    }
    ictus_status st = ICTUS_OK;
    if (help)
        fputs(usage_text, stdout);
    else if (bad || err->status || optind >= argc)
        st = cli_bad_command_line(err);
    else
        st = cli_settings_load(&cs, ictus_settings_sections, err);
    ictus_preset preset = {0}; /* with --preset or --config: the one to check */
    bool have_preset = false;
    if (st == ICTUS_OK && !help && (cs.preset || cs.config_files.n)) {
        st = ictus_preset_from_config(cs.cfg, &preset, err);
        have_preset = st == ICTUS_OK;
    }
    bool problems = false;
    for (int i = optind; st == ICTUS_OK && !help && i < argc; i++) {
        ictus_source *src;
        ictus_error file_err;
        if (ictus_source_open(argv[i], &so.opt, &src, &file_err) != ICTUS_OK) {
            cli_print_error(&file_err);
            problems = true;
            continue;
        }
        describe(ictus_source_info(src), &cs.set, all_annotations);
        char warning[1024];
        if (have_preset)
            ictus_preset_primary_warning(&preset, ictus_source_info(src), warning,
                                         sizeof warning);
        else
            study_primary_warning(argv[i], warning, sizeof warning);
        if (warning[0])
            printf("  warning     %s\n", warning);
        ictus_source_close(src);
    }
    ictus_preset_free(&preset);
    cli_settings_free(&cs);
    cli_source_options_free(&so);
    return st == ICTUS_OK && problems ? cli_problems_reported(err) : st;
}

const cli_verb cli_verb_info = {"info", run_info,
                                "RECORDING...    header, channels, rate, start, duration, gaps",
                                usage_text};
