/* cmd_forget.c: `ictus forget STUDY_DIR PATH...`: drop on purpose what the
 * study's database holds about recordings taken out of the study
 * (nightly/forget.h), after showing it and asking. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "base/path.h"
#include "base/vec.h"
#include "cli/cli.h"
#include "nightly/forget.h"
#include "nightly/lock.h"

static const char usage_text[] =
    "usage: ictus forget STUDY_DIR PATH... [--yes] [--drop-reviews]\n"
    "Remove on purpose what STUDY_DIR/ictus.db holds about recordings that are no longer\n"
    "part of the study: their rows, channels, events and analysable time.  `ictus run`\n"
    "keeps the results of a recording that is gone (a missing disk must not erase them)\n"
    "and warns every night; forget ends that.  PATH as the warning prints it\n"
    "(recordings/A2.edf) or as recordings.csv writes it (A2.edf).  Refused while the\n"
    "file is still in recordings/ or recordings.csv names it: the next run would process\n"
    "it again (move it out or remove its row first).\n"
    "Review decisions about its events are human work: they stay in the database (shown\n"
    "as decisions whose event is no longer detected; they attach again if the file comes\n"
    "back) unless --drop-reviews deletes them too, noted in the review audit log.\n"
    "STUDY_DIR/out/ still shows the recordings until the next `ictus run STUDY_DIR`.\n"
    "  -y, --yes          forget without asking (scripts); otherwise forget asks on a\n"
    "                     terminal, and refuses when standard input is not one\n"
    "  --drop-reviews     also delete the review decisions about these recordings\n"
    "Exit status: 0 forgotten (or the answer was no); 1 the database could not be\n"
    "changed (nothing forgotten); 2 bad usage, a PATH the database does not hold or that\n"
    "is still part of the study, no confirmation, or a run holds the study.\n";

static int64_t unix_now_us(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

static void lock_note(void *ctx, const char *line)
{
    cli_printf_error("%s", line);
}

/* One line per item: what forgetting it removes and what stays. */
static void print_items(const forget_item *items, int n, bool drop_reviews, bool done)
{
    for (int i = 0; i < n; i++) {
        const ictus_store_forget_counts *k = &items[i].counts;
        printf("%s %s (%s): %lld row%s, %lld event%s", done ? "forgot" : "to forget:",
               items[i].path, items[i].status, (long long)k->rows, k->rows == 1 ? "" : "s",
               (long long)k->events, k->events == 1 ? "" : "s");
        if (k->reviews > 0)
            printf("; %lld review decision%s %s", (long long)k->reviews,
                   k->reviews == 1 ? "" : "s",
                   drop_reviews       ? (done ? "deleted" : "deleted too")
                   : k->reviews == 1 ? "kept (--drop-reviews deletes it)"
                                     : "kept (--drop-reviews deletes them)");
        printf("\n");
    }
}

/* Ask on the terminal; true for an answer starting with y or Y. */
static bool confirmed(int n)
{
    fprintf(stderr, "forget %d recording%s? [y/N] ", n, n == 1 ? "" : "s");
    fflush(stderr);
    char answer[64];
    return fgets(answer, sizeof answer, stdin) && (answer[0] == 'y' || answer[0] == 'Y');
}

/* Resolve every path, show, confirm, forget; the study lock is held. */
static ictus_status forget_locked(const char *dir, char **paths, int n_paths, bool yes,
                                  bool drop_reviews, ictus_error *err)
{
    ictus_study *study;
    if (ictus_study_load(dir, &study, err) != ICTUS_OK)
        return cli_config_failure(err);
    char *db_path = ictus_path_join_alloc(dir, "ictus.db");
    ictus_store *store = NULL;
    ictus_status st = access(db_path, F_OK) == 0
                          ? ictus_store_open(db_path, &store, err)
                          : ictus_fail(err, ICTUS_ERR_CONFIG, "%s: no such file: the study "
                                       "has no results to forget", db_path);
    free(db_path);
    forget_item *items = ictus_xcalloc((size_t)n_paths, sizeof *items);
    int n = 0;
    for (int i = 0; i < n_paths && st == ICTUS_OK; i++) {
        st = forget_resolve(study, store, paths[i], &items[n], err);
        bool twice = false;
        for (int k = 0; k < n && st == ICTUS_OK && !twice; k++)
            twice = strcmp(items[k].path, items[n].path) == 0;
        if (twice)
            forget_item_clear(&items[n]);
        else if (st == ICTUS_OK)
            n++;
    }
    if (st == ICTUS_OK) {
        if (!yes)
            print_items(items, n, drop_reviews, false);
        fflush(stdout);
        if (!yes && !isatty(STDIN_FILENO))
            st = ictus_fail(err, ICTUS_ERR_CONFIG, "forget: not confirmed (standard input is "
                            "not a terminal): add --yes to forget without asking");
        else if (!yes && !confirmed(n))
            printf("nothing forgotten\n");
        else {
            const char *who = getenv("USER");
            st = forget_apply(store, items, n, drop_reviews, who && *who ? who : "?",
                              unix_now_us(), err);
            if (st == ICTUS_OK) {
                print_items(items, n, drop_reviews, true);
                printf("%s/out/ still shows %s until the next `ictus run %s`\n", dir,
                       n == 1 ? "it" : "them", dir);
            }
        }
    }
    for (int i = 0; i < n; i++)
        forget_item_clear(&items[i]);
    free(items);
    ictus_store_close(store);
    ictus_study_destroy(study);
    if (st == ICTUS_ERR_CONFIG || st == ICTUS_ERR_BUSY)
        return st;
    return st == ICTUS_OK ? ICTUS_OK : cli_work_failure(err);
}

static ictus_status run_forget(int argc, char **argv, ictus_error *err)
{
    enum { OPT_DROP_REVIEWS = 1200 };
    static const struct option longopts[] = {
        {"yes", no_argument, NULL, 'y'},
        {"drop-reviews", no_argument, NULL, OPT_DROP_REVIEWS},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    bool yes = false, drop_reviews = false, bad = false;
    int opt;
    while ((opt = getopt_long(argc, argv, "yh", longopts, NULL)) != -1) {
        if (opt == OPT_HELP) {
            fputs(usage_text, stdout);
            return ICTUS_OK;
        }
        if (opt == 'y')
            yes = true;
        else if (opt == OPT_DROP_REVIEWS)
            drop_reviews = true;
        else
            bad = true;
    }
    if (bad)
        return cli_bad_command_line(err);
    if (argc - optind < 2)
        return cli_usage_error(err, optind == argc ? "forget: which study? give STUDY_DIR and "
                                                     "the recordings to forget"
                                                   : "forget: which recordings? give their "
                                                     "paths after STUDY_DIR");
    const char *dir = argv[optind];
    char ini[ICTUS_PATH_MAX];
    if (ictus_path_join(ini, sizeof ini, dir, "study.ini", err) != ICTUS_OK)
        return cli_config_failure(err);
    if (access(ini, F_OK) != 0) /* before the lock: no stray ictus.lock outside a study */
        return ictus_fail(err, ICTUS_ERR_CONFIG, "%s: not a study directory (no study.ini)",
                          dir);
    run_lock *lock;
    run_lock_notes notes = {.note = lock_note};
    if (run_lock_take(dir, false, unix_now_us(), ICTUS_VERSION, &notes, &lock, err) != ICTUS_OK)
        return cli_config_failure(err);
    ictus_status st = forget_locked(dir, argv + optind + 1, argc - optind - 1, yes, drop_reviews,
                                    err);
    run_lock_release(lock);
    return st;
}

const cli_verb cli_verb_forget = {
    "forget", run_forget,
    "STUDY_DIR PATH... [--yes]   drop a removed recording's results (ends its warning)",
    usage_text};
