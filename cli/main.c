/* main.c: `ictus VERB ...`: dispatch to the verbs, print what stopped them,
 * map their status to the exit status; global help and version. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const cli_verb *const verbs[] = {
    &cli_verb_info, &cli_verb_features, &cli_verb_detect, &cli_verb_score,
    &cli_verb_synth, &cli_verb_run, &cli_verb_analyze, &cli_verb_report, &cli_verb_compare,
    &cli_verb_serve, &cli_verb_reviews, &cli_verb_train,
    &cli_verb_forget,
};

static void usage(FILE *f)
{
    fprintf(f, "usage: ictus VERB [options] ...\n\n"
               "ictus is a nightly seizure pipeline for chronic rodent video-EEG.\n\nverbs:\n");
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
        fprintf(f, "  ictus %-9s %s\n", verbs[i]->name, verbs[i]->summary);
    fprintf(f, "\n`ictus VERB --help` describes a verb.  Exit status: 0 success, 1 problems "
               "reported (e.g. files rejected), 2 bad usage or configuration (run also: 3 "
               "warnings only, 130/143 interrupted).\n");
}

/* Run `verb`, print its message (and its usage text after a usage error),
 * return the exit status (cli.h).  getopt names the program by argv[0] in
 * its messages: "ictus: VERB" gives `ictus: run: unrecognized option '--x'`. */
static int run_verb(const cli_verb *verb, int argc, char **argv)
{
    char name[64];
    snprintf(name, sizeof name, "ictus: %s", verb->name);
    argv[0] = name;
    ictus_error err;
    ictus_error_clear(&err);
    ictus_status st = verb->run(argc, argv, &err);
    if (st != ICTUS_OK && err.msg[0])
        cli_print_error(&err);
    if (st == ICTUS_ERR_USAGE)
        fputs(verb->usage, stderr);
    return cli_exit_code(st);
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
        if (!strcmp(argv[1], verbs[i]->name))
            return run_verb(verbs[i], argc - 1, argv + 1);
    cli_printf_error("unknown verb '%s' (try `ictus --help`)", argv[1]);
    return CLI_USAGE;
}
