/* cmd_run.c: `ictus run STUDY_DIR`: the nightly job (nightly/job.h) with the
 * log on stdout and problems and the progress bar on stderr. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli/cli.h"
#include "nightly/job.h"

static const char usage_text[] =
    "usage: ictus run STUDY_DIR [options]\n"
    "The nightly job: find the study's new and changed recordings (recordings/ and\n"
    "recordings.csv), detect seizures in parallel, store the results in\n"
    "STUDY_DIR/ictus.db and regenerate STUDY_DIR/out/.  Unchanged files are skipped;\n"
    "files still being written are left for the next run.\n"
    "A file unchanged for --settle seconds that holds less than its header promises\n"
    "(cut short, or its header never finished) is analysed up to its last complete\n"
    "record, with a warning; the missing time counts as not recorded.  If the file\n"
    "grows later, the next run analyses it again.\n"
    "  -j, --jobs N        files processed at once (default: all cores)\n"
    "  --wait              wait for another run on the study to finish (default: exit 2)\n"
    "  --settle S          files modified less than S seconds ago are still being\n"
    "                      written (default 60)\n"
    "  --timings FILE      write the time spent on each file (CSV) for benchmarks\n"
    "Exit status: 0 every file went well, 1 some file or manifest row failed (listed\n"
    "in the summary and in the database), 2 bad usage or configuration, or another\n"
    "run holds the study.\n";

enum { OPT_WAIT = 1200, OPT_SETTLE, OPT_TIMINGS };

/* Parse the command line into *o; *help when --help was given. */
static ictus_status parse_options(int argc, char **argv, run_job_options *o, bool *help,
                                  ictus_error *err)
{
    static const struct option longopts[] = {
        {"jobs", required_argument, NULL, 'j'}, {"wait", no_argument, NULL, OPT_WAIT},
        {"settle", required_argument, NULL, OPT_SETTLE},
        {"timings", required_argument, NULL, OPT_TIMINGS}, {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    *o = (run_job_options){.jobs = cli_cpu_count(), .settle_s = RUN_DEFAULT_SETTLE_S,
                           .version = ICTUS_VERSION};
    bool bad = false;
    int opt;
    char *end;
    while ((opt = getopt_long(argc, argv, "j:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'j':
            o->jobs = (int)strtol(optarg, &end, 10);
            if (*end || o->jobs < 1 || o->jobs > 1024)
                cli_usage_error(err, "--jobs '%s': expected a number of workers 1..1024", optarg);
            break;
        case OPT_WAIT:
            o->wait = true;
            break;
        case OPT_SETTLE:
            o->settle_s = strtod(optarg, &end);
            if (*end || !(o->settle_s >= 0) || o->settle_s > 1e7)
                cli_usage_error(err, "--settle '%s': expected a number of seconds >= 0", optarg);
            break;
        case OPT_TIMINGS:
            o->timings_path = optarg;
            break;
        case OPT_HELP:
            *help = true;
            return ICTUS_OK;
        default:
            bad = true;
        }
    }
    if (bad || err->status)
        return cli_bad_command_line(err);
    if (optind + 1 != argc)
        return cli_usage_error(err, optind == argc
                                        ? "run: which study? give STUDY_DIR"
                                        : "run: one study at a time (got '%s' after the study)",
                               optind < argc ? argv[argc - 1] : "");
    o->study_dir = argv[optind];
    return ICTUS_OK;
}

/* The reporter: the log on stdout (flushed: cron and the journal see each
 * line as it comes), notes and the progress line on stderr. */
static void log_text(void *ctx, const char *text)
{
    fputs(text, stdout);
    fflush(stdout);
}

static void note_line(void *ctx, const char *line)
{
    fprintf(stderr, "ictus: %s\n", line);
}

static void bar_line(void *ctx, const char *line)
{
    fprintf(stderr, "\r\033[K%s", line);
    fflush(stderr);
}

static ictus_status run_run(int argc, char **argv, ictus_error *err)
{
    run_job_options o;
    bool help = false;
    ictus_status st = parse_options(argc, argv, &o, &help, err);
    if (help) {
        fputs(usage_text, stdout);
        return ICTUS_OK;
    }
    if (st != ICTUS_OK)
        return st;
    run_reporter rep = {.log = log_text, .note = note_line, .bar = bar_line,
                        .tty = isatty(STDERR_FILENO)};
    switch (run_job(&o, &rep, err)) {
    case RUN_JOB_OK:
        return ICTUS_OK;
    case RUN_JOB_PROBLEMS:
        return cli_problems_reported(err);
    case RUN_JOB_STOPPED:
        return cli_work_failure(err);
    case RUN_JOB_NOT_STARTED:
        break;
    }
    return cli_config_failure(err);
}

const cli_verb cli_verb_run = {
    "run", run_run,
    "STUDY_DIR [-j N] [--wait]   the nightly job: new files -> detect, store, out/", usage_text};
