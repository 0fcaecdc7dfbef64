/* cmd_reviews.c: `ictus reviews`: review decisions out of and into a study (CSV), agreement. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "base/outfile.h"
#include "base/path.h"
#include "cli/cli.h"
#include "protocols/agreement.h"
#include "protocols/review_csv.h"

static const char usage_text[] =
    "usage: ictus reviews STUDY_DIR export [-o FILE]\n"
    "       ictus reviews STUDY_DIR import FILE --reviewer NAME\n"
    "       ictus reviews STUDY_DIR agreement REVIEWER_A REVIEWER_B [-o FILE]\n"
    "The review decisions of STUDY_DIR/ictus.db (made with `ictus serve`) as CSV, in the\n"
    "study's annotations.csv format (recording,animal,channel,start_s,end_s,start,end,type,\n"
    "racine,scorer, then verdict,note,reviewed_at,origin):\n"
    "  export     write every current decision, added events and decisions whose event is\n"
    "             no longer detected to FILE (default STUDY_DIR/out/decisions.csv; -: stdout)\n"
    "  import     read FILE (that format, or a truth file: start_s,end_s with recording, or\n"
    "             start,end date-times with animal; no verdict = seizure) and store each row\n"
    "             as a decision on the stored event it overlaps, else as an added event;\n"
    "             rows without a scorer are NAME's.  Bad rows are listed and skipped\n"
    "  agreement  Cohen's kappa and percent agreement of two reviewers over the events both\n"
    "             decided, overall and per type (stdout), and the events they disagree on\n"
    "             (FILE, default STUDY_DIR/out/disagreements.csv)\n"
    "  -o, --output FILE   where export and agreement write\n"
    "  --reviewer NAME     import: the reviewer of rows without a scorer (required)\n"
    "Exit status: 0 done; 1 done, but rows were rejected (listed on stderr), or the database\n"
    "failed; 2 bad usage, a missing study database or an unreadable file.\n";

/* Open STUDY_DIR/ictus.db; a missing one is bad usage of the study (exit 2). */
static ictus_status open_store(const char *dir, ictus_store **s, ictus_error *err)
{
    char db[ICTUS_PATH_MAX];
    ictus_status st = ictus_path_join(db, sizeof db, dir, "ictus.db", err);
    if (st == ICTUS_OK && access(db, F_OK) != 0)
        st = ictus_fail(err, ICTUS_ERR_CONFIG, "%s: missing: no results yet (run `ictus run %s` "
                        "first)", db, dir);
    if (st == ICTUS_OK)
        st = ictus_store_open(db, s, err);
    return st == ICTUS_OK ? st : cli_config_failure(err);
}

/* FILE given with -o, else STUDY_DIR/out/NAME (out created when missing): a new string. */
static ictus_status output_path(const char *dir, const char *option, const char *name,
                                char **path, ictus_error *err)
{
    *path = NULL;
    if (option) {
        *path = ictus_xstrdup(option);
        return ICTUS_OK;
    }
    char *out_dir = ictus_path_join_alloc(dir, "out");
    ictus_status st = ictus_outfile_mkdir(out_dir, err);
    if (st == ICTUS_OK)
        *path = ictus_path_join_alloc(out_dir, name);
    free(out_dir);
    return st;
}

static ictus_status do_export(ictus_store *s, const char *dir, const char *out_option,
                              ictus_error *err)
{
    char *path;
    ictus_status st = output_path(dir, out_option, "decisions.csv", &path, err);
    int64_t n = 0;
    if (st == ICTUS_OK)
        st = ictus_review_csv_export(s, path, &n, err);
    if (st == ICTUS_OK && strcmp(path, "-") != 0)
        printf("wrote %s: %lld decisions\n", path, (long long)n);
    free(path);
    return st == ICTUS_OK ? st : cli_work_failure(err);
}

static ictus_status do_import(ictus_store *s, const char *file, const char *reviewer,
                              ictus_error *err)
{
    struct timeval now;
    gettimeofday(&now, NULL);
    ictus_problems problems = {0};
    ictus_review_import_counts n;
    ictus_status st = ictus_review_csv_import(
        s, file, reviewer, (int64_t)now.tv_sec * 1000000 + now.tv_usec, &problems, &n, err);
    for (int i = 0; i < problems.n; i++)
        cli_printf_error("%s", problems.lines[i]);
    ictus_problems_clear(&problems);
    if (st != ICTUS_OK)
        return st == ICTUS_ERR_DB || st == ICTUS_ERR_BUSY ? cli_work_failure(err)
                                                          : cli_config_failure(err);
    printf("%s: %lld rows: %lld decisions on detected events, %lld added events, %lld "
           "decisions not re-detected, %lld rejected\n",
           file, (long long)n.rows, (long long)n.decisions, (long long)n.added,
           (long long)n.not_redetected, (long long)n.bad);
    return n.bad ? cli_problems_reported(err) : ICTUS_OK;
}

/* One line of the agreement table: type,n,agreed,percent,kappa. */
static void print_table(const char *type, const ictus_agreement_table *t)
{
    int64_t agreed = 0;
    for (int k = 0; k < ICTUS_AGREEMENT_N_CATEGORIES; k++)
        agreed += t->table[k][k];
    double pct = ictus_agreement_percent(t), kappa = ictus_agreement_kappa(t);
    printf("%s,%lld,%lld,", type, (long long)t->n, (long long)agreed);
    if (!isnan(pct))
        printf("%.1f", pct);
    putchar(',');
    if (!isnan(kappa))
        printf("%.3f", kappa);
    putchar('\n');
}

static ictus_status do_agreement(ictus_store *s, const char *dir, const char *a, const char *b,
                                 const char *out_option, ictus_error *err)
{
    ictus_agreement *ag;
    ictus_status st = ictus_agreement_compute(s, a, b, &ag, err);
    if (st != ICTUS_OK)
        return cli_work_failure(err);
    char *path;
    st = output_path(dir, out_option, "disagreements.csv", &path, err);
    if (st == ICTUS_OK)
        st = ictus_agreement_write_disagreements(ag, path, err);
    if (st == ICTUS_OK && strcmp(path, "-") != 0) {
        printf("reviewers %s and %s: %lld events both decided, %lld by %s only, %lld by %s "
               "only\n", a, b, (long long)ag->all.n, (long long)ag->n_only_a, a,
               (long long)ag->n_only_b, b);
        printf("type,n,agreed,percent,kappa\n");
        print_table("all", &ag->all);
        for (int i = 0; i < ag->n_types; i++)
            print_table(ag->by_type[i].type, &ag->by_type[i].table);
        printf("wrote %s: %zu disagreements\n", path, ag->n_disagreements);
    }
    free(path);
    ictus_agreement_destroy(ag);
    return st == ICTUS_OK ? st : cli_work_failure(err);
}

static ictus_status run_reviews(int argc, char **argv, ictus_error *err)
{
    enum { OPT_REVIEWER = 1400 };
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"reviewer", required_argument, NULL, OPT_REVIEWER},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    const char *out_option = NULL, *reviewer = NULL;
    bool bad = false, help = false;
    int opt;
    while ((opt = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
        if (opt == OPT_HELP)
            help = true;
        else if (opt == 'o')
            out_option = optarg;
        else if (opt == OPT_REVIEWER)
            reviewer = optarg;
        else
            bad = true;
    }
    if (help) {
        fputs(usage_text, stdout);
        return ICTUS_OK;
    }
    int n_args = argc - optind;
    const char *action = n_args >= 2 ? argv[optind + 1] : "";
    bool is_export = !strcmp(action, "export"), is_import = !strcmp(action, "import"),
         is_agreement = !strcmp(action, "agreement");
    if (bad)
        return cli_bad_command_line(err);
    if (!is_export && !is_import && !is_agreement)
        return cli_usage_error(err, "expected STUDY_DIR and export, import or agreement");
    if (n_args != (is_export ? 2 : is_import ? 3 : 4))
        return cli_usage_error(err, "%s: wrong number of arguments", action);
    if (is_import && (!reviewer || !*reviewer))
        return cli_usage_error(err, "import: --reviewer NAME is required");
    if (out_option && is_import)
        return cli_usage_error(err, "import: -o does not apply");
    const char *dir = argv[optind];
    ictus_store *s;
    ictus_status st = open_store(dir, &s, err);
    if (st != ICTUS_OK)
        return st;
    if (is_export)
        st = do_export(s, dir, out_option, err);
    else if (is_import)
        st = do_import(s, argv[optind + 2], reviewer, err);
    else
        st = do_agreement(s, dir, argv[optind + 2], argv[optind + 3], out_option, err);
    ictus_store_close(s);
    return st;
}

const cli_verb cli_verb_reviews = {
    "reviews", run_reviews,
    "STUDY_DIR export|import|agreement   decisions as CSV, reviewers' agreement",
    usage_text};
