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
#include "base/grid.h"
#include "base/walltime.h"
#include "pipeline/features/features.h"

static const char usage_text[] =
    "usage: ictus features [options] RECORDING... -o features.csv\n"
    "Compute the features of each recording: one CSV row per channel and window (2 s\n"
    "every 1 s by default): recording,channel,start_s,artefact, then one column per\n"
    "feature (their units and definitions: man ictus, FEATURES.CSV).\n"
    "  -o, --output FILE     where to write (default: standard output)\n"
    "  -f, --format F        csv (default) or null (compute everything, write nothing)\n"
    "  -p, --preset P        settings preset (a name in detectors/presets, or a path)\n"
    "  -c, --config FILE     settings overrides;  --set SECTION.KEY=VALUE\n"
    "  --channels A,B        analyse only these channel labels\n"
    "  -j, --jobs N          worker threads (default: all cores)\n"
    "  --start T, --labels A,B, --full-scale-uv X   for sound files (WAV, FLAC, ...)\n";

/* What formatting a row needs: read-only while the analyzer runs, for the
 * analyzer formats each channel's rows on the thread that computed them.
 * The text every row of a channel starts with, "recording,channel," quoted
 * as needed, is made once: channel c's is lead.buf[lead_at[c], lead_at[c + 1]). */
typedef struct {
    ictus_grid grid;
    ictus_out lead;  /* in memory */
    size_t *lead_at; /* [n_channels + 1] */
} row_format;

static void row_format_init(row_format *rf, const ictus_recording_info *info, ictus_grid grid)
{
    rf->grid = grid;
    ictus_out_init_mem(&rf->lead);
    rf->lead_at = ictus_xcalloc((size_t)info->n_channels + 1, sizeof(size_t));
    for (int c = 0; c < info->n_channels; c++) {
        ictus_out_field(&rf->lead, info->path);
        ictus_out_char(&rf->lead, ',');
        ictus_out_field(&rf->lead, info->channels[c].label);
        ictus_out_char(&rf->lead, ',');
        rf->lead_at[c + 1] = rf->lead.len;
    }
}

static void row_format_free(row_format *rf)
{
    ictus_error ignored; /* in memory: nothing to fail */
    ictus_out_close(&rf->lead, &ignored);
    free(rf->lead_at);
}

/* One row of features.csv (ictus_frame_format_fn). */
static void format_row(void *ctx, const ictus_frame *frame, ictus_out *o)
{
    const row_format *rf = ctx;
    char flags[64];
    const size_t *at = rf->lead_at + frame->channel;
    ictus_out_raw(o, rf->lead.buf + at[0], at[1] - at[0]);
    ictus_out_fixed(o, ictus_us_to_s(ictus_grid_start_us(&rf->grid, frame->window)), 3);
    ictus_out_char(o, ',');
    ictus_out_str(o, ictus_artefact_format(frame->artefact, flags, sizeof flags));
    ictus_out_doubles(o, ',', frame->v, ICTUS_N_FEATURES, 6);
    ictus_out_char(o, '\n');
}

/* Write the rows of the channels present in the window, formatted already,
 * in the analyzer's channel order (the window callback; ctx: the file). */
static void write_window(void *ctx, const ictus_window_frames *win)
{
    ictus_out *out = ctx;
    for (int i = 0; i < win->n_channels; i++)
        if (win->present[i])
            ictus_out_raw(out, win->text[i], win->text_len[i]);
}

/* --format null: the frames are computed and dropped. */
static void drop_window(void *ctx, const ictus_window_frames *win)
{
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

/* Write the features of every recording in argv[first..argc) to `output`
 * (NULL: compute and discard); files that cannot be read are printed and
 * skipped (*problems). */
static ictus_status write_features(char **argv, int first, int argc, const char *output,
                                   const cli_settings *cs, const cli_source_options *so,
                                   const cli_analysis_options *ao, bool *problems,
                                   ictus_error *err)
{
    ictus_grid grid;
    if (ictus_grid_init(&grid, cs->set.hop_s, cs->set.win_s, err) != ICTUS_OK)
        return err->status;
    ictus_out out = {0};
    if (output) {
        if (ictus_out_open(&out, output, err) != ICTUS_OK)
            return cli_work_failure(err);
        /* the calling thread also reads and runs chains: the writing is the writer's */
        ictus_out_background(&out);
        write_header(&out);
    }
    for (int i = first; i < argc; i++) {
        ictus_source *src;
        ictus_analyzer *an = NULL;
        ictus_error file_err;
        if (ictus_source_open(argv[i], &so->opt, &src, &file_err) != ICTUS_OK) {
            cli_print_error(&file_err);
            *problems = true;
            continue;
        }
        row_format rf;
        row_format_init(&rf, ictus_source_info(src), grid);
        ictus_analyzer_options aopt = {.set = &cs->set, .n_threads = ao->jobs,
                                       .channels = ao->channels.n ? ao->channels.items : NULL,
                                       .n_channels = ao->channels.n,
                                       .format = output ? format_row : NULL, .format_ctx = &rf};
        if (ictus_analyzer_create(src, &aopt, &an, &file_err) != ICTUS_OK ||
            ictus_analyzer_run(an, output ? write_window : drop_window, &out, &file_err) !=
                ICTUS_OK) {
            cli_print_error(&file_err);
            *problems = true;
        }
        ictus_analyzer_destroy(an);
        row_format_free(&rf);
        ictus_source_close(src);
    }
    if (output && ictus_out_close(&out, err) != ICTUS_OK)
        return cli_work_failure(err);
    return ICTUS_OK;
}

static ictus_status run_features(int argc, char **argv, ictus_error *err)
{
    static const struct option longopts[] = {
        CLI_SETTINGS_LONGOPTS, CLI_SOURCE_LONGOPTS,
        {"output", required_argument, NULL, 'o'}, {"format", required_argument, NULL, 'f'},
        CLI_ANALYSIS_LONGOPTS,
        {"help", no_argument, NULL, OPT_HELP}, {NULL, 0, NULL, 0},
    };
    cli_recording_args ra;
    cli_recording_args_init(&ra);
    bool null_format = false;
    int opt;
    while ((opt = getopt_long(argc, argv, "o:f:p:c:j:h", longopts, NULL)) != -1) {
        if (cli_recording_args_option(&ra, opt, optarg, err))
            continue;
        if (opt != 'f')
            ra.bad = true;
        else if (!strcmp(optarg, "null"))
            null_format = true;
        else if (strcmp(optarg, "csv") != 0)
            cli_usage_error(err, "--format '%s': expected csv or null", optarg);
    }
    ictus_status st;
    bool problems = false;
    if (cli_recording_args_ready(&ra, optind, argc, usage_text, &st, err) &&
        (st = cli_settings_load(&ra.cs, ictus_settings_sections, err)) == ICTUS_OK)
        st = write_features(argv, optind, argc, null_format ? NULL : ra.output, &ra.cs, &ra.so,
                            &ra.ao, &problems, err);
    return cli_recording_args_finish(&ra, st, problems, err);
}

const cli_verb cli_verb_features = {
    "features", run_features,
    "[--preset P] [--format csv|null] RECORDING... -o features.csv   per-window features",
    usage_text};
