/* cmd_analyze.c: `ictus analyze`: periods, response classes, statistics → STUDY/out. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/path.h"
#include "cli/cli.h"
#include "protocols/analysis.h"
#include "protocols/daily.h"
#include "protocols/study_preset.h"
#include "report/response_table.h"

static const char usage_text[] =
    "usage: ictus analyze [options] STUDY_DIR\n"
    "Analyse the seizures stored in STUDY_DIR/ictus.db (by `ictus run`) per animal and period\n"
    "(dosing.csv) and write STUDY_DIR/out/periods.csv, responders.csv, comparisons.csv and\n"
    "analysis-settings.txt, and daily.csv: per animal, calendar day and seizure type the\n"
    "count, seizure seconds and analysable hours (days without seizures included; a day\n"
    "a period starts or ends in is one row per part, with that part's period and drug).\n"
    "Rates are per analysable 24 h; definitions and settings: the\n"
    "README (Analysis) and study.ini [analysis].  The database is only read.\n"
    "  --set analysis.KEY=VALUE   override a setting of study.ini [analysis] (repeatable;\n"
    "                             also disease_modification.KEY=VALUE)\n"
    "  --events FILE              count the seizures of FILE instead of the stored events\n"
    "                             (a truth file: start_s,end_s,recording or start,end,animal;\n"
    "                             optional type); analysable time still from ictus.db\n"
    "  -o, --output DIR           write there instead of STUDY_DIR/out (created if missing)\n"
    "  --by KEYS                  also every test within each stratum of KEYS (sex, strain,\n"
    "                             group, age_group; comma-separated keys are crossed) and\n"
    "                             the treatment x stratum interaction (a stratum column is\n"
    "                             appended); the same as --set analysis.by=KEYS\n"
    "The output ends with a table: per animal, seizures per analysable 24 h in each\n"
    "period (baseline, each drug, vehicle; all seizure types) and the response class,\n"
    "then a warning naming why classes are undetermined and the setting that decides.\n"
    "Exit status, as `ictus run` gives for the same study: 0 done; 1 done, but manifest\n"
    "rows were rejected, recordings.csv lists files that are not there, an animal has no\n"
    "detection preset, or events belong to no animal (listed on stderr); 2 bad usage,\n"
    "settings (study.ini, its presets), study or events file, or no ictus.db yet; 3 done,\n"
    "with warnings only (e.g. an animals.csv field kept unknown).\n";

/* A failed load: the store's own failures are problems met while working
 * (exit 1); everything else is the study, its settings or the events file
 * given (exit 2). */
static ictus_status load_failure(ictus_error *err)
{
    return err->status == ICTUS_ERR_DB || err->status == ICTUS_ERR_BUSY ? cli_work_failure(err)
                                                                        : cli_config_failure(err);
}

/* What `ictus run` would say of the study before reading a recording, so
 * that both verbs exit alike on it: its presets composed (an error stops,
 * exit 2), each animal without one and each recordings.csv file not there
 * added to study->problems (exit 1). */
static ictus_status check_as_run(ictus_study *study, ictus_error *err)
{
    ictus_study_presets ps;
    if (ictus_study_presets_load(study, &ps, err) != ICTUS_OK)
        return cli_config_failure(err);
    for (int i = 0; i < ps.n_animals; i++)
        if (ps.animal_error[i])
            ictus_problems_add(&study->problems, "%s", ps.animal_error[i]);
    ictus_study_presets_free(&ps);
    ictus_study_check_files(study, &study->problems);
    return ICTUS_OK;
}

/* One line on the strata of a stratified analysis (strata.h). */
static void print_strata(const ictus_analysis *an)
{
    size_t n_labels, n_within = 0;
    const char **labels = ictus_strata_of(an->outcomes, an->n_outcomes, &n_labels);
    for (size_t i = 0; i < an->n_stratum_comparisons; i++)
        n_within += an->stratum_comparisons[i].versus != ICTUS_VERSUS_STRATUM;
    int without = 0;
    for (int a = 0; a < an->study->n_animals; a++) {
        bool none = false;
        for (size_t i = 0; i < an->n_outcomes && !none; i++)
            none = an->outcomes[i].animal == a && !an->outcomes[i].stratum;
        without += none;
    }
    printf("strata by %s: %zu (", an->strata_by, n_labels);
    for (size_t i = 0; i < n_labels; i++)
        printf("%s%s", i ? ", " : "", labels[i]);
    printf("); %zu comparisons within them, %zu interaction rows (versus stratum); %d animal%s "
           "without a stratum for some condition\n",
           n_within, an->n_stratum_comparisons - n_within, without, without == 1 ? "" : "s");
    free(labels);
}

/* The human table of rates and classes, and why some are undetermined
 * (report/response_table.h); nothing when no animal has periods. */
static void print_response_table(const ictus_analysis *an)
{
    ictus_strbuf table = {0};
    ictus_response_table(an, "", 0, &table, NULL);
    char *text = ictus_strbuf_take(&table);
    fputs(text, stdout);
    free(text);
}

/* Report the analysis of `dir` and write it to out_dir. */
static ictus_status analyze(const char *dir, const ictus_analysis_options *aopt,
                            const char *events_csv, const char *out_option, ictus_error *err)
{
    ictus_study *study;
    ictus_analysis *an;
    if (ictus_analysis_load_from(dir, aopt, events_csv, &study, &an, err) != ICTUS_OK)
        return load_failure(err);
    if (check_as_run(study, err) != ICTUS_OK) {
        ictus_analysis_destroy(an);
        ictus_study_destroy(study);
        return err->status;
    }
    bool problems = study->problems.n > 0;
    for (int i = 0; i < study->problems.n; i++)
        cli_printf_error("%s", study->problems.lines[i]);
    for (int i = 0; i < study->warnings.n; i++)
        cli_printf_error("warning: %s", study->warnings.lines[i]);
    if (an->n_events_unknown_animal) {
        cli_printf_error("%s%s: %lld events belong to animals not in animals.csv: left out",
                         events_csv ? events_csv : dir, events_csv ? "" : "/ictus.db",
                         (long long)an->n_events_unknown_animal);
        problems = true;
    }
    char *out_dir = out_option ? ictus_xstrdup(out_option) : ictus_path_join_alloc(dir, "out");
    ictus_status st = ictus_analysis_write(an, out_dir, err);
    if (st != ICTUS_OK) {
        st = cli_work_failure(err);
    } else {
        size_t n_responders = 0;
        for (size_t i = 0; i < an->n_outcomes; i++)
            n_responders += an->outcomes[i].condition->kind != ICTUS_PERIOD_BASELINE;
        printf("study %s: %d animals, %lld seizures of %d type%s (%lld events read%s%s, %lld "
               "left out by the review filter)\n",
               study->name, study->n_animals, (long long)an->n_seizures, an->n_types - 1,
               an->n_types - 1 == 1 ? "" : "s",
               (long long)an->n_events, events_csv ? " from " : "", events_csv ? events_csv : "",
               (long long)an->n_events_excluded);
        printf("wrote %s: periods.csv (%zu rows), responders.csv (%zu rows), comparisons.csv "
               "(%zu rows), analysis-settings.txt (settings hash %s)\n",
               out_dir, an->n_periods, n_responders,
               an->n_comparisons + an->n_stratum_comparisons, an->settings_hash);
        printf("wrote %s: daily.csv (%zu rows)\n", out_dir, an->daily->n_rows);
        if (an->dm)
            printf("wrote %s: disease_modification.csv (%zu rows)\n", out_dir, an->dm->n_rows);
        if (an->settings.strata.n_keys)
            print_strata(an);
        int with_periods = 0;
        for (int i = 0; i < study->n_animals; i++)
            with_periods += study->animals[i].n_periods > 0;
        if (with_periods == 0)
            printf("note: no animal has periods: periods, responses and comparisons come from "
                   "%s/dosing.csv (baseline, treatment, vehicle, washout; see the README)\n",
                   dir);
        print_response_table(an);
    }
    free(out_dir);
    bool study_warnings = study->warnings.n > 0;
    ictus_analysis_destroy(an);
    ictus_study_destroy(study);
    if (st == ICTUS_OK && problems)
        return cli_problems_reported(err);
    if (st == ICTUS_OK && study_warnings) {
        ictus_error_clear(err); /* printed already */
        return cli_exit_with(CLI_WARNINGS, err);
    }
    return st;
}

static ictus_status run_analyze(int argc, char **argv, ictus_error *err)
{
    enum { OPT_EVENTS = 1200, OPT_BY };
    static const struct option longopts[] = {
        {"set", required_argument, NULL, OPT_SET},
        {"events", required_argument, NULL, OPT_EVENTS},
        {"by", required_argument, NULL, OPT_BY},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    const char *events_csv = NULL, *out_option = NULL;
    cli_args assignments = {0}, by = {0};
    bool bad = false, help = false;
    int opt;
    while ((opt = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
        if (opt == OPT_HELP)
            help = true;
        else if (opt == OPT_SET)
            cli_args_add(&assignments, optarg);
        else if (opt == OPT_EVENTS)
            events_csv = optarg;
        else if (opt == OPT_BY)
            cli_args_add(&assignments, cli_by_assignment(&by, optarg));
        else if (opt == 'o')
            out_option = optarg;
        else
            bad = true;
    }
    ictus_status st = ICTUS_OK;
    if (help) {
        fputs(usage_text, stdout);
    } else if (bad || optind != argc - 1) {
        st = cli_bad_command_line(err);
    } else {
        ictus_analysis_options aopt = {assignments.items, assignments.n};
        st = analyze(argv[optind], &aopt, events_csv, out_option, err);
    }
    cli_args_free(&assignments);
    cli_by_free(&by);
    return st;
}

const cli_verb cli_verb_analyze = {
    "analyze", run_analyze,
    "STUDY_DIR   periods, response classes, statistics -> STUDY_DIR/out", usage_text};
