/* cmd_report.c: `ictus report`: the cohort report (HTML + PDF) and the exports for review
 * elsewhere (EDF+ annotation files, review.csv) → STUDY/out. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "protocols/study.h"
#include "report/exports.h"
#include "report/gallery.h"
#include "report/report.h"

static const char usage_text[] =
    "usage: ictus report [options] STUDY_DIR\n"
    "Write the cohort report of STUDY_DIR (the events and analysis of STUDY_DIR/ictus.db, as\n"
    "`ictus run` stored them) as STUDY_DIR/out/report/index.html (one self-contained file) and\n"
    "report.pdf, and the exports for review in other tools: STUDY_DIR/out/review.csv (every\n"
    "event with its video and the time to seek to) and out/annotations/FILE_events.edf (per\n"
    "recording, its events as EDF+ annotations EDFbrowser opens beside it).  `ictus run` does\n"
    "this as its last step.  The database is only read.\n"
    "  -o, --output DIR   write the report and the exports there instead (created if missing)\n"
    "Settings: study.ini [report] video_padding_s (s before an event to seek its video to; 5),\n"
    "gallery_per_type (events per animal and seizure type in the report's gallery, the lowest\n"
    "and highest scores first; 4; 0: no gallery).\n"
    "Exit status: 0 done; 1 done, but manifest rows were rejected or recordings skipped\n"
    "(listed on stderr); 2 bad usage, settings or study.\n";

/* study.ini [report]: read and checked (an unknown key is an error) before any work. */
static ictus_status report_settings(const char *dir, ictus_exports_options *eo, ictus_error *err)
{
    ictus_study *study;
    if (ictus_study_load(dir, &study, err) != ICTUS_OK)
        return cli_config_failure(err);
    ictus_exports_options_default(eo);
    static const char *const own[] = {"report", NULL};
    ictus_gallery_options go;
    ictus_gallery_options_default(&go);
    ictus_status st = ictus_exports_options_apply(eo, study->config, err);
    if (st == ICTUS_OK)
        st = ictus_gallery_options_apply(&go, study->config, err);
    if (st == ICTUS_OK)
        st = ictus_config_check_used(study->config, own, err);
    ictus_study_destroy(study);
    return st == ICTUS_OK ? ICTUS_OK : cli_config_failure(err);
}

static ictus_status report(const char *dir, const char *out_option, ictus_error *err)
{
    ictus_exports_options eo;
    if (report_settings(dir, &eo, err) != ICTUS_OK)
        return err->status;
    ictus_report_summary rs;
    const ictus_report_options ro = {.out_dir = out_option};
    ictus_study *study = NULL;
    if (ictus_report_write_study(dir, &ro, &rs, &study, err) != ICTUS_OK)
        return err->status == ICTUS_ERR_DB || err->status == ICTUS_ERR_BUSY ||
                       err->status == ICTUS_ERR_IO
                   ? cli_work_failure(err)
                   : cli_config_failure(err);
    printf("report: %s (%lld bytes), %s (%lld bytes): %d animals, %d figures, %d events in the "
           "gallery\n", rs.html_path, (long long)rs.html_bytes, rs.pdf_path,
           (long long)rs.pdf_bytes, rs.n_animals, rs.n_figures, rs.n_gallery_cards);
    ictus_exports_summary es;
    ictus_status st = ictus_report_exports_study(study, out_option, &eo, &es, err);
    ictus_study_destroy(study);
    if (st != ICTUS_OK)
        return cli_work_failure(err);
    printf("exports: review.csv (%lld events, %lld with a video), %d EDF+ annotation files\n",
           (long long)es.n_events, (long long)es.n_with_video, es.n_annotation_files);
    for (int i = 0; i < es.problems.n; i++)
        cli_printf_error("%s", es.problems.lines[i]);
    bool problems = rs.n_problems > 0 || es.problems.n > 0;
    if (rs.n_problems > 0)
        cli_printf_error("%s: %d manifest problems (listed in the report; `ictus analyze` names "
                         "them)", dir, rs.n_problems);
    ictus_problems_clear(&es.problems);
    return problems ? cli_problems_reported(err) : ICTUS_OK;
}

static ictus_status run_report(int argc, char **argv, ictus_error *err)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    const char *out_option = NULL;
    bool bad = false, help = false;
    int opt;
    while ((opt = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
        if (opt == OPT_HELP)
            help = true;
        else if (opt == 'o')
            out_option = optarg;
        else
            bad = true;
    }
    if (help) {
        fputs(usage_text, stdout);
        return ICTUS_OK;
    }
    if (bad || optind != argc - 1)
        return cli_bad_command_line(err);
    return report(argv[optind], out_option, err);
}

const cli_verb cli_verb_report = {
    "report", run_report,
    "STUDY_DIR   the cohort report (HTML, PDF) and exports -> STUDY_DIR/out", usage_text};
