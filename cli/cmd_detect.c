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
#include "pipeline/source/recording_name.h"

static const char usage_text[] =
    "usage: ictus detect --preset P [options] RECORDING... -o events.csv\n"
    "Detect seizures; one CSV row per event: recording,animal,channel,start_s,end_s,\n"
    "duration_s,start_time,type,score,preset (channel * = several channels,\n"
    "start_time the recording's local wall clock; man ictus, EVENTS.CSV).\n"
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

/* What the detection of every recording shares. */
typedef struct {
    const ictus_preset *preset;
    const cli_source_options *so;
    const cli_analysis_options *ao;
    const char *animal;         /* --animal, or NULL: each recording's default */
    const ictus_stimlist *stims;
    FILE *explain;
} detect_job;

/* Detect one recording, `src` (opened by the caller; NULL when that failed,
 * with the reason in *open_err), and write its events; false (printed) when
 * it fails.  Closes src. */
static bool detect_one(const detect_job *job, const char *path, ictus_source *src,
                       const ictus_error *open_err, ictus_out *out)
{
    if (!src) {
        cli_print_error(open_err);
        return false;
    }
    ictus_error err;
    ictus_detect_options dopt = {.n_threads = job->ao->jobs,
                                 .channels = job->ao->channels.n ? job->ao->channels.items : NULL,
                                 .n_channels = job->ao->channels.n, .explain = job->explain};
    if (job->stims)
        dopt.stim_us = ictus_stimlist_for(job->stims, path, &dopt.n_stim);
    if (job->explain)
        fprintf(job->explain, "# %s\n", path);
    ictus_detection *det;
    bool ok = ictus_detect(src, job->preset, &dopt, &det, &err) == ICTUS_OK;
    if (!ok) {
        cli_print_error(&err);
    } else {
        char header_animal[ICTUS_DEFAULT_ANIMAL_SIZE];
        const char *who = job->animal;
        if (!who) {
            ictus_recording_default_animal(ictus_source_info(src), header_animal,
                                           sizeof header_animal);
            who = header_animal;
        }
        for (int e = 0; e < det->n_events; e++)
            ictus_events_csv_write(out, path, who, job->preset->id, &det->events[e]);
        ictus_detection_destroy(det);
    }
    ictus_source_close(src);
    return ok;
}

/* Open a recording: NULL with the reason in *err when it cannot be. */
static ictus_source *open_recording(const detect_job *job, const char *path, ictus_error *err)
{
    ictus_source *src;
    return ictus_source_open(path, &job->so->opt, &src, err) == ICTUS_OK ? src : NULL;
}

/* Set up the preset, the output, the stimulations and the explanation
 * file, then detect every recording in argv[first..argc).  The preset's
 * model loads on a thread of its own while the first recording opens (its
 * header, and an EDF+ file's annotations: read through); a model that
 * fails still stops everything before the output is created, and a
 * recording that fails to open is still reported in its turn. */
static ictus_status detect_all(char **argv, int first, int argc, cli_settings *cs,
                               detect_job *job, const char *output, const char *stim_path,
                               const char *explain_path, bool *problems, ictus_error *err)
{
    ictus_preset preset = {0};
    ictus_stimlist *stims = NULL;
    ictus_out out = {0};
    bool out_open = false;
    ictus_status st = cli_preset_load(cs, &preset, err);
    ictus_source *first_src = NULL;
    ictus_error first_err;
    if (st == ICTUS_OK) {
        ictus_preset_model_prefetch(&preset);
        first_src = open_recording(job, argv[first], &first_err);
    }
    const struct ictus_model *model;
    if (st == ICTUS_OK && ictus_preset_model(&preset, &model, err) != ICTUS_OK)
        st = cli_config_failure(err); /* the model once, not an error for every recording */
    if (st == ICTUS_OK) {
        st = ictus_out_open(&out, output, err) == ICTUS_OK ? ICTUS_OK : cli_work_failure(err);
        out_open = st == ICTUS_OK;
    }
    if (st == ICTUS_OK && stim_path && ictus_stimlist_load(stim_path, &stims, err) != ICTUS_OK)
        st = cli_config_failure(err);
    if (st == ICTUS_OK && explain_path && !(job->explain = fopen(explain_path, "w")))
        st = ictus_fail(err, ICTUS_ERR_IO, "%s: cannot create: %s", explain_path,
                        strerror(errno));
    if (st == ICTUS_OK) {
        job->preset = &preset;
        job->stims = stims;
        ictus_events_csv_write_header(&out);
        *problems |= !detect_one(job, argv[first], first_src, &first_err, &out);
        first_src = NULL; /* closed */
        for (int i = first + 1; i < argc; i++) {
            ictus_error open_err;
            ictus_source *src = open_recording(job, argv[i], &open_err);
            *problems |= !detect_one(job, argv[i], src, &open_err, &out);
        }
    }
    if (first_src)
        ictus_source_close(first_src);
    ictus_error close_err;
    if (out_open && ictus_out_close(&out, &close_err) != ICTUS_OK && st == ICTUS_OK) {
        *err = close_err;
        st = cli_work_failure(err);
    }
    ictus_stimlist_destroy(stims);
    if (job->explain)
        fclose(job->explain);
    ictus_preset_free(&preset);
    return st;
}

static ictus_status run_detect(int argc, char **argv, ictus_error *err)
{
    static const struct option longopts[] = {
        CLI_SETTINGS_LONGOPTS, CLI_SOURCE_LONGOPTS,
        {"output", required_argument, NULL, 'o'}, {"animal", required_argument, NULL, OPT_ANIMAL},
        {"explain", required_argument, NULL, OPT_EXPLAIN},
        {"stimulations", required_argument, NULL, OPT_STIMULATIONS},
        CLI_ANALYSIS_LONGOPTS,
        {"help", no_argument, NULL, OPT_HELP}, {NULL, 0, NULL, 0},
    };
    cli_recording_args ra;
    cli_recording_args_init(&ra);
    const char *explain_path = NULL, *stim_path = NULL;
    detect_job job = {.so = &ra.so, .ao = &ra.ao};
    int opt;
    while ((opt = getopt_long(argc, argv, "o:p:c:j:h", longopts, NULL)) != -1) {
        if (cli_recording_args_option(&ra, opt, optarg, err))
            continue;
        switch (opt) {
        case OPT_ANIMAL:
            job.animal = optarg;
            break;
        case OPT_EXPLAIN:
            explain_path = optarg;
            break;
        case OPT_STIMULATIONS:
            stim_path = optarg;
            break;
        default:
            ra.bad = true;
        }
    }
    ictus_status st;
    bool problems = false;
    if (cli_recording_args_ready(&ra, optind, argc, usage_text, &st, err))
        st = detect_all(argv, optind, argc, &ra.cs, &job, ra.output, stim_path, explain_path,
                        &problems, err);
    return cli_recording_args_finish(&ra, st, problems, err);
}

const cli_verb cli_verb_detect = {
    "detect", run_detect,
    "--preset P [--config F] RECORDING... -o events.csv   seizure events", usage_text};
