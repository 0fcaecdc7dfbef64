/* cmd_detect.c: `ictus detect`: seizure events of recordings → events.csv. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "detectors/recording_detection.h"
#include "detectors/stimlist.h"
#include "base/csvout.h"

static const char usage_text[] =
    "usage: ictus detect --preset P [options] RECORDING... -o events.csv\n"
    "Detect seizures (DESIGN.md, events.csv).  Every row names the preset and version.\n"
    "  -o, --output FILE     where to write (default: standard output)\n"
    "  -p, --preset P        detection preset (ihka-mouse, dravet-mouse, 6hz-kindling-mouse,\n"
    "                        convulsive-rat, ...; a name in detectors/presets, or a path)\n"
    "  -c, --config FILE     settings overrides;  --set SECTION.KEY=VALUE\n"
    "  --animal A            the animal (default: the EDF patient code, else the file name)\n"
    "  --explain FILE        write why each candidate event was kept or dropped (tuning)\n"
    "  --stimulations FILE   stimulation onsets (CSV: recording,start_s) for evoked presets,\n"
    "                        besides the EDF+ annotations matching [evoked] stim_pattern\n"
    "  --channels A,B        analyse only these channel labels\n"
    "  -j, --jobs N          worker threads (default: all cores)\n"
    "  --start T, --labels A,B, --full-scale-uv X   for sound files (WAV, FLAC, ...)\n";

int cmd_detect(int argc, char **argv)
{
    static const struct option longopts[] = {
        CLI_SETTINGS_LONGOPTS, CLI_SOURCE_LONGOPTS,
        {"output", required_argument, NULL, 'o'}, {"animal", required_argument, NULL, OPT_ANIMAL},
        {"explain", required_argument, NULL, OPT_EXPLAIN},
        {"stimulations", required_argument, NULL, OPT_STIMULATIONS},
        CLI_ANALYSIS_LONGOPTS,
        {"help", no_argument, NULL, OPT_HELP}, {NULL, 0, NULL, 0},
    };
    cli_settings cs;
    cli_source_options so;
    cli_settings_init(&cs);
    cli_source_options_init(&so);
    const char *output = "-", *animal = NULL, *explain_path = NULL, *stim_path = NULL;
    ictus_stimlist *stims = NULL;
    FILE *explain = NULL;
    bool bad = false;
    cli_analysis_options ao;
    cli_analysis_options_init(&ao);
    int opt;
    while ((opt = getopt_long(argc, argv, "o:p:c:j:h", longopts, NULL)) != -1) {
        if (cli_settings_option(&cs, opt, optarg) || cli_source_option(&so, opt, optarg, &bad) ||
            cli_analysis_option(&ao, opt, optarg, &bad))
            continue;
        switch (opt) {
        case 'o':
            output = optarg;
            break;
        case OPT_ANIMAL:
            animal = optarg;
            break;
        case OPT_EXPLAIN:
            explain_path = optarg;
            break;
        case OPT_STIMULATIONS:
            stim_path = optarg;
            break;
        case OPT_HELP:
            fputs(usage_text, stdout);
            cli_analysis_options_free(&ao);
            cli_source_options_free(&so);
            return CLI_OK;
        default:
            bad = true;
        }
    }
    int status = CLI_OK;
    ictus_preset preset = {0};
    ictus_out out = {0};
    ictus_error err;
    if (bad || optind >= argc) {
        fputs(usage_text, stderr);
        status = CLI_USAGE;
        goto done;
    }
    if (!cli_preset_load(&cs, &preset)) {
        status = CLI_USAGE;
        goto done;
    }
    if (ictus_out_open(&out, output, &err) != ICTUS_OK) {
        cli_error(&err);
        status = CLI_PROBLEMS;
        goto done;
    }
    if (stim_path && ictus_stimlist_load(stim_path, &stims, &err) != ICTUS_OK) {
        cli_error(&err);
        status = CLI_USAGE;
        goto done;
    }
    if (explain_path && !(explain = fopen(explain_path, "w"))) {
        cli_errorf("%s: cannot create: %s", explain_path, strerror(errno));
        status = CLI_PROBLEMS;
        goto done;
    }
    ictus_events_csv_write_header(&out);
    for (int i = optind; i < argc; i++) {
        ictus_source *src;
        if (ictus_source_open(argv[i], &so.opt, &src, &err) != ICTUS_OK) {
            cli_error(&err);
            status = CLI_PROBLEMS;
            continue;
        }
        ictus_detect_options dopt = {.n_threads = ao.jobs,
                                     .channels = ao.n_channels ? ao.channels : NULL,
                                     .n_channels = ao.n_channels, .explain = explain};
        if (stims)
            dopt.stim_us = ictus_stimlist_for(stims, argv[i], &dopt.n_stim);
        if (explain)
            fprintf(explain, "# %s\n", argv[i]);
        ictus_detection *det;
        if (ictus_detect(src, &preset, &dopt, &det, &err) != ICTUS_OK) {
            cli_error(&err);
            status = CLI_PROBLEMS;
        } else {
            char who[128];
            if (animal)
                snprintf(who, sizeof who, "%s", animal);
            else
                cli_default_animal(ictus_source_info(src), who, sizeof who);
            for (int e = 0; e < det->n_events; e++)
                ictus_events_csv_write(&out, argv[i], who, preset.id, &det->events[e]);
            ictus_detection_destroy(det);
        }
        ictus_source_close(src);
    }
    if (ictus_out_close(&out, &err) != ICTUS_OK) {
        cli_error(&err);
        status = CLI_PROBLEMS;
    }
done:
    ictus_stimlist_destroy(stims);
    if (explain)
        fclose(explain);
    ictus_preset_free(&preset);
    cli_settings_free(&cs);
    cli_source_options_free(&so);
    cli_analysis_options_free(&ao);
    return status;
}
