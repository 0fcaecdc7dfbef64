/* cmd_compare.c: `ictus compare`: drugs and doses across cohorts vs vehicle → DIR. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "base/path.h"
#include "protocols/cross_cohort.h"
#include "protocols/kindling_compare.h"
#include "report/compare_report.h"

static const char usage_text[] =
    "usage: ictus compare [options] STUDY_DIR... -o DIR\n"
    "Compare drugs across cohorts (screening programs): analyse each study as `ictus analyze`\n"
    "does, pool the animals, and write per seizure type, drug and dose the responder and\n"
    "seizure-free rates (Clopper-Pearson intervals), the median % change (order-statistic\n"
    "interval), rate ratios to the animals' baselines and to the vehicle (t intervals), and\n"
    "Fisher's and Mann-Whitney's tests against the vehicle animals to DIR/comparison.csv (and\n"
    "DIR/comparison-settings.txt); a table goes to standard output.  Last, the report:\n"
    "DIR/report/index.html (one self-contained file: cohorts, the drug x dose table, forest\n"
    "plots) and DIR/report/report.pdf.  Kindling cohorts (stimulations.csv) also get\n"
    "DIR/kindling_comparison.csv: per drug and cohort, and pooled, the ED50, TD50 and PI.\n"
    "  -o, --output DIR           where to write (required; created when absent)\n"
    "  --set analysis.KEY=VALUE   override a setting of every study's [analysis] (repeatable)\n"
    "  --by KEYS                  also the rows within each stratum of KEYS (sex, strain,\n"
    "                             group, age_group; comma-separated keys are crossed), a\n"
    "                             stratum column appended; the same as --set analysis.by=KEYS\n"
    "Exit status: 0 done; 1 done, but manifest rows were rejected or the studies' analysis\n"
    "settings differ (listed on stderr), or a file could not be written (named; a report\n"
    "that cannot be written leaves comparison.csv written); 2 bad usage, settings or study.\n";

/* The report into OUT_DIR/report (comparison.csv is written already). */
static ictus_status write_report(const ictus_compare_result *res, const char *out_dir,
                                 ictus_error *err)
{
    char dir[ICTUS_PATH_MAX];
    ictus_compare_report_summary rs;
    if (ictus_path_join(dir, sizeof dir, out_dir, "report", err) != ICTUS_OK ||
        ictus_compare_report_write(res, dir, &rs, err) != ICTUS_OK)
        return cli_work_failure(err);
    printf("report: %s (%lld bytes), %s (%lld bytes): %d seizure types, %d figures\n",
           rs.html_path, (long long)rs.html_bytes, rs.pdf_path, (long long)rs.pdf_bytes,
           rs.n_types, rs.n_figures);
    return ICTUS_OK;
}

/* Kindling cohorts: OUT_DIR/kindling_comparison.csv and its table
 * (protocols/kindling_compare.h); nothing without stimulations.csv. */
static ictus_status write_kindling(const ictus_analysis *const *an, int n, const char *out_dir,
                                   ictus_error *err)
{
    ictus_kindling_cmp *kc = NULL;
    ictus_kindling_compare(an, n, &kc);
    ictus_status st = kc ? ictus_kindling_compare_write(kc, out_dir, err) : ICTUS_OK;
    if (st != ICTUS_OK)
        st = cli_work_failure(err);
    else if (kc)
        ictus_kindling_compare_print(kc, stdout);
    ictus_kindling_compare_destroy(kc);
    return st;
}

/* Load every study, compare, write to out_dir, print the table and write the report. */
static ictus_status compare(const char *const *dirs, int n, const ictus_analysis_options *aopt,
                            const char *out_dir, ictus_error *err)
{
    ictus_study **studies = ictus_xcalloc((size_t)n, sizeof *studies);
    ictus_analysis **analyses = ictus_xcalloc((size_t)n, sizeof *analyses);
    ictus_status st = ICTUS_OK;
    bool problems = false;
    int loaded = 0;
    for (; loaded < n; loaded++) {
        if (ictus_analysis_load(dirs[loaded], aopt, &studies[loaded], &analyses[loaded], err) !=
            ICTUS_OK) {
            st = cli_config_failure(err);
            break;
        }
        for (int i = 0; i < studies[loaded]->problems.n; i++)
            cli_printf_error("%s", studies[loaded]->problems.lines[i]);
        for (int i = 0; i < studies[loaded]->warnings.n; i++)
            cli_printf_error("warning: %s", studies[loaded]->warnings.lines[i]);
        problems |= studies[loaded]->problems.n > 0;
    }
    ictus_compare_result *res = NULL;
    if (st == ICTUS_OK && ictus_compare_compute((const ictus_analysis *const *)analyses, dirs, n,
                                                &res, err) != ICTUS_OK)
        st = err->status == ICTUS_ERR_CONFIG ? cli_config_failure(err) /* strata differ */
                                             : cli_work_failure(err);
    if (res && res->mixed_settings) {
        cli_printf_error("the studies' [analysis] settings differ (see "
                         "%s/comparison-settings.txt): their response classes follow different "
                         "rules", out_dir);
        problems = true;
    }
    if (res && ictus_compare_write(res, out_dir, err) != ICTUS_OK)
        st = cli_work_failure(err);
    else if (res) {
        ictus_compare_print(res, stdout);
        st = write_kindling((const ictus_analysis *const *)analyses, n, out_dir, err);
        if (st == ICTUS_OK)
            st = write_report(res, out_dir, err);
    }
    ictus_compare_destroy(res);
    for (int i = 0; i < loaded; i++) {
        ictus_analysis_destroy(analyses[i]);
        ictus_study_destroy(studies[i]);
    }
    free(analyses);
    free(studies);
    return st == ICTUS_OK && problems ? cli_problems_reported(err) : st;
}

static ictus_status run_compare(int argc, char **argv, ictus_error *err)
{
    enum { OPT_BY = 1200 };
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"set", required_argument, NULL, OPT_SET},
        {"by", required_argument, NULL, OPT_BY},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    const char *out_dir = NULL;
    cli_args assignments = {0}, by = {0};
    bool bad = false, help = false;
    int opt;
    while ((opt = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        if (opt == OPT_HELP)
            help = true;
        else if (opt == 'o')
            out_dir = optarg;
        else if (opt == OPT_SET)
            cli_args_add(&assignments, optarg);
        else if (opt == OPT_BY)
            cli_args_add(&assignments, cli_by_assignment(&by, optarg));
        else
            bad = true;
    }
    ictus_status st = ICTUS_OK;
    if (help) {
        fputs(usage_text, stdout);
    } else if (bad) {
        st = cli_bad_command_line(err);
    } else if (optind >= argc) {
        st = cli_usage_error(err, "compare: which studies? give one or more STUDY_DIR");
    } else if (!out_dir) {
        st = cli_usage_error(err, "compare: give -o DIR, the folder for comparison.csv and the "
                                  "report (created when absent)");
    } else {
        ictus_analysis_options aopt = {assignments.items, assignments.n};
        st = compare((const char *const *)argv + optind, argc - optind, &aopt, out_dir, err);
    }
    cli_args_free(&assignments);
    cli_by_free(&by);
    return st;
}

const cli_verb cli_verb_compare = {
    "compare", run_compare,
    "STUDY_DIR... -o DIR   drug comparisons across cohorts (screening)", usage_text};
