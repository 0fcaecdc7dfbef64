/* cmd_features.c: `ictus features`: per-window features of recordings,
 * written as features.csv (DESIGN.md) or computed and discarded (--format
 * null, for benchmarks). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "pipeline/analyzer.h"
#include "base/csvout.h"
#include "pipeline/features/features.h"

static const char usage_text[] =
    "usage: ictus features [options] RECORDING... -o features.csv\n"
    "Compute the per-window features of each recording (DESIGN.md, features.csv).\n"
    "  -o, --output FILE     where to write (default: standard output)\n"
    "  -f, --format F        csv (default) or null (compute everything, write nothing)\n"
    "  -p, --preset P        settings preset (a name in detectors/presets, or a path)\n"
    "  -c, --config FILE     settings overrides;  --set SECTION.KEY=VALUE\n"
    "  --channels A,B        analyse only these channel labels\n"
    "  -j, --jobs N          worker threads (default: all cores)\n"
    "  --start T, --labels A,B, --full-scale-uv X   for sound files (WAV, FLAC, ...)\n";

/* What the window callback needs to write rows. */
typedef struct {
    ictus_out *out;            /* NULL for --format null */
    const ictus_recording_info *info;
    double hop_s;
    long long frames;
} row_writer;

static void write_row(row_writer *w, const ictus_frame *frame)
{
    w->frames++;
    ictus_out *o = w->out;
    if (!o)
        return;
    char flags[64];
    ictus_out_field(o, w->info->path);
    ictus_out_char(o, ',');
    ictus_out_field(o, w->info->channels[frame->channel].label);
    ictus_out_char(o, ',');
    ictus_out_fixed(o, (double)frame->window * w->hop_s, 3);
    ictus_out_char(o, ',');
    ictus_out_str(o, ictus_artefact_format(frame->artefact, flags, sizeof flags));
    for (int i = 0; i < ICTUS_N_FEATURES; i++) {
        ictus_out_char(o, ',');
        ictus_out_double(o, frame->v[i], 6);
    }
    ictus_out_char(o, '\n');
}

/* One row per channel present in the window, in the analyzer's channel order. */
static void write_window(void *ctx, const ictus_window_frames *win)
{
    for (int i = 0; i < win->n_channels; i++)
        if (win->present[i])
            write_row(ctx, &win->frames[i]);
}

static void write_header(ictus_out *o)
{
    ictus_out_str(o, "recording,channel,start_s,artefact");
    for (int i = 0; i < ICTUS_N_FEATURES; i++) {
        ictus_out_char(o, ',');
        ictus_out_str(o, ictus_feature_names[i]);
    }
    ictus_out_char(o, '\n');
}

int cmd_features(int argc, char **argv)
{
    static const struct option longopts[] = {
        CLI_SETTINGS_LONGOPTS, CLI_SOURCE_LONGOPTS,
        {"output", required_argument, NULL, 'o'}, {"format", required_argument, NULL, 'f'},
        CLI_ANALYSIS_LONGOPTS,
        {"help", no_argument, NULL, OPT_HELP}, {NULL, 0, NULL, 0},
    };
    cli_settings cs;
    cli_source_options so;
    cli_settings_init(&cs);
    cli_source_options_init(&so);
    const char *output = "-";
    bool null_format = false, bad = false;
    cli_analysis_options ao;
    cli_analysis_options_init(&ao);
    int opt;
    while ((opt = getopt_long(argc, argv, "o:f:p:c:j:h", longopts, NULL)) != -1) {
        if (cli_settings_option(&cs, opt, optarg) || cli_source_option(&so, opt, optarg, &bad) ||
            cli_analysis_option(&ao, opt, optarg, &bad))
            continue;
        switch (opt) {
        case 'o':
            output = optarg;
            break;
        case 'f':
            if (!strcmp(optarg, "null"))
                null_format = true;
            else if (strcmp(optarg, "csv") != 0) {
                cli_errorf("--format '%s': expected csv or null", optarg);
                bad = true;
            }
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
    if (bad || optind >= argc) {
        fputs(usage_text, stderr);
        status = CLI_USAGE;
        goto done;
    }
    if (!cli_settings_load(&cs, ictus_settings_sections)) {
        status = CLI_USAGE;
        goto done;
    }
    ictus_out out;
    ictus_error err;
    if (!null_format) {
        if (ictus_out_open(&out, output, &err) != ICTUS_OK) {
            cli_error(&err);
            status = CLI_PROBLEMS;
            goto done;
        }
        write_header(&out);
    }
    for (int i = optind; i < argc; i++) {
        ictus_source *src;
        ictus_analyzer *an = NULL;
        if (ictus_source_open(argv[i], &so.opt, &src, &err) != ICTUS_OK) {
            cli_error(&err);
            status = CLI_PROBLEMS;
            continue;
        }
        ictus_analyzer_options aopt = {.set = &cs.set, .n_threads = ao.jobs,
                                       .channels = ao.n_channels ? ao.channels : NULL,
                                       .n_channels = ao.n_channels};
        row_writer w = {.out = null_format ? NULL : &out, .info = ictus_source_info(src),
                        .hop_s = cs.set.hop_s};
        if (ictus_analyzer_create(src, &aopt, &an, &err) != ICTUS_OK ||
            ictus_analyzer_run(an, write_window, &w, &err) != ICTUS_OK) {
            cli_error(&err);
            status = CLI_PROBLEMS;
        }
        ictus_analyzer_destroy(an);
        ictus_source_close(src);
    }
    if (!null_format && ictus_out_close(&out, &err) != ICTUS_OK) {
        cli_error(&err);
        status = CLI_PROBLEMS;
    }
done:
    cli_settings_free(&cs);
    cli_source_options_free(&so);
    cli_analysis_options_free(&ao);
    return status;
}
