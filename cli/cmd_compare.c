/* cmd_compare.c: `ictus compare`: drugs and doses across cohorts vs vehicle → DIR. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "protocols/cross_cohort.h"

static const char usage_text[] =
    "usage: ictus compare [options] STUDY_DIR... -o DIR\n"
    "Compare drugs across cohorts (screening programs): analyse each study as `ictus analyze`\n"
    "does, pool the animals, and write per seizure type, drug and dose the responder and\n"
    "seizure-free rates (Clopper-Pearson intervals), the median % change, and Fisher's and\n"
    "Mann-Whitney's tests against the vehicle animals to DIR/comparison.csv (and\n"
    "DIR/comparison-settings.txt); a table goes to standard output.\n"
    "  -o, --output DIR           where to write (required; created when absent)\n"
    "  --set analysis.KEY=VALUE   override a setting of every study's [analysis] (repeatable)\n"
    "Exit status: 0 done; 1 done, but manifest rows were rejected or the studies' analysis\n"
    "settings differ (listed on stderr); 2 bad usage, settings or study.\n";

int cmd_compare(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"set", required_argument, NULL, OPT_SET},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    const char *assignments[64], *out_dir = NULL;
    int n_assignments = 0, opt;
    bool bad = false;
    while ((opt = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        if (opt == OPT_HELP) {
            fputs(usage_text, stdout);
            return CLI_OK;
        }
        if (opt == 'o')
            out_dir = optarg;
        else if (opt == OPT_SET && n_assignments < 64)
            assignments[n_assignments++] = optarg;
        else
            bad = true;
    }
    if (bad || !out_dir || optind >= argc) {
        fputs(usage_text, stderr);
        return CLI_USAGE;
    }
    int n = argc - optind, loaded = 0, status = CLI_OK;
    const char *const *dirs = (const char *const *)argv + optind;
    ictus_study **studies = ictus_xcalloc((size_t)n, sizeof *studies);
    ictus_analysis **analyses = ictus_xcalloc((size_t)n, sizeof *analyses);
    ictus_analysis_options aopt = {assignments, n_assignments};
    ictus_error err;
    for (; loaded < n; loaded++) {
        if (ictus_analysis_load(dirs[loaded], &aopt, &studies[loaded], &analyses[loaded], &err) !=
            ICTUS_OK) {
            cli_error(&err);
            status = CLI_USAGE;
            break;
        }
        for (int i = 0; i < studies[loaded]->problems.n; i++)
            cli_errorf("%s", studies[loaded]->problems.lines[i]);
        status = studies[loaded]->problems.n ? CLI_PROBLEMS : status;
    }
    ictus_compare_result *res = NULL;
    if (loaded == n && ictus_compare_compute((const ictus_analysis *const *)analyses, dirs, n,
                                             &res, &err) != ICTUS_OK) {
        cli_error(&err);
        status = CLI_PROBLEMS;
    }
    if (res && res->mixed_settings) {
        cli_errorf("the studies' [analysis] settings differ (see %s/comparison-settings.txt): "
                   "their response classes follow different rules", out_dir);
        status = CLI_PROBLEMS;
    }
    if (res && ictus_compare_write(res, out_dir, &err) != ICTUS_OK) {
        cli_error(&err);
        status = CLI_PROBLEMS;
    } else if (res) {
        ictus_compare_print(res, stdout);
    }
    ictus_compare_destroy(res);
    for (int i = 0; i < loaded; i++) {
        ictus_analysis_destroy(analyses[i]);
        ictus_study_destroy(studies[i]);
    }
    free(analyses);
    free(studies);
    return status;
}
