/* main.c: `ictus VERB ...`: dispatch to the verbs, global help and version. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} verb;

static const verb verbs[] = {
    {"info", cmd_info, "RECORDING...    header, channels, rate, start, duration, gaps"},
    {"features", cmd_features,
     "[--preset P] [--format csv|null] RECORDING... -o features.csv   per-window features"},
    {"detect", cmd_detect, "--preset P [--config F] RECORDING... -o events.csv   seizure events"},
    {"score", cmd_score, "--truth TRUTH.csv --pred EVENTS.csv [--preset P]   SzCORE-style metrics"},
    {"synth", cmd_synth, "--model M [--animals N] [--days D] [--seed S] -o DIR   demo/test recordings + truth"},
    {"run", cmd_run, "STUDY_DIR [-j N] [--wait]   the nightly job: new files -> detect, store, out/"},
    {"analyze", cmd_analyze, "STUDY_DIR   periods, response classes, statistics -> STUDY_DIR/out"},
    {"compare", cmd_compare, "STUDY_DIR... -o DIR   drug comparisons across cohorts (screening)"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: ictus VERB [options] ...\n\n"
               "ictus is a nightly seizure pipeline for chronic rodent video-EEG.\n\nverbs:\n");
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
        fprintf(f, "  ictus %-9s %s\n", verbs[i].name, verbs[i].summary);
    fprintf(f, "\n`ictus VERB --help` describes a verb.  Exit status: 0 success, 1 problems "
               "reported (e.g. files rejected), 2 bad usage or configuration.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return CLI_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("ictus %s\n", ICTUS_VERSION);
        return CLI_OK;
    }
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
        if (!strcmp(argv[1], verbs[i].name))
            return verbs[i].run(argc - 1, argv + 1);
    cli_errorf("unknown verb '%s' (try `ictus --help`)", argv[1]);
    return CLI_USAGE;
}
