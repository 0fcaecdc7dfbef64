/* commit.h: the short part of the nightly job, on the main thread: what the plan and
 * the workers found goes into the store, one transaction per file.
 *
 * Each file's writes (its animals' results or failures, the rows it no
 * longer has, the copies and moved files it settles, its run problems) are
 * one transaction: a run killed at any instant leaves every file either as
 * it was or fully updated, and the next run finishes the rest the same way.
 *
 * Copies and moves (files with the same content hash):
 *   - among the files on disk holding the same content, one is counted
 *     (run_file_counts_before(): listed in recordings.csv first, then the
 *     first path); every other is a failure "same content as P" with no
 *     results (its old results, if any, are deleted in the same transaction
 *     that stores the counted one's), so nothing is counted twice, whatever
 *     order the files were found, processed or interrupted in;
 *   - a stored file that is gone while a file on disk holds its content was
 *     moved or renamed: its rows are deleted in the transaction that stores
 *     (or confirms) the new path's results.  Reviews stay keyed by the old
 *     path (store.h) and no longer show on the moved file's events;
 *   - a stored file that is gone with no copy left keeps its results,
 *     marked stale, so that a missing disk or a mistaken deletion does not
 *     erase weeks of results; the run lists it every night as a warning
 *     ending with the command that drops it on purpose (" (to drop its
 *     results and this warning: ictus forget STUDY_DIR PATH)"), or as a failure when
 *     recordings.csv still names it.
 *
 * Lifecycle: run_commit_create() → run_commit_plan() once → run_commit_file()
 * per outcome, in any order → run_commit_release_files() (optional) → read
 * the counts → run_commit_destroy().
 * Not thread-safe: the main thread only.
 */
#ifndef ICTUS_RUN_COMMIT_H
#define ICTUS_RUN_COMMIT_H

#include <stdint.h>

#include "store/store.h"
#include "nightly/plan.h"
#include "nightly/work.h"

/* Events stored this run for one animal, and its recording time. */
typedef struct {
    char *animal;           /* owned by the committer */
    int64_t events;
    int64_t recorded_us;    /* duration of its files processed this run */
} run_animal_tally;

/* One problem of the run, as the summary lists it. */
typedef struct {
    char *path;
    ictus_problem_kind kind;
    char *message;
} run_problem;

typedef struct run_committer run_committer;

typedef struct {
    ictus_store_run_end end;   /* counts (ended_unix_us and status are the caller's) */
    int64_t recorded_us;       /* recording time detected this run (all animals) */
    int n_animals;
    const run_animal_tally *animals; /* ordered as first stored */
    int n_problems;
    const run_problem *problems;     /* in the order they happened */
} run_commit_counts;

/* A committer writing to `store` for run `run_id` (> 0) about `plan` (both
 * must outlive it). */
run_committer *run_commit_create(ictus_store *store, int64_t run_id, const run_plan *plan);
void run_commit_destroy(run_committer *c); /* NULL is a no-op */

/* Record a problem that is not about one recording (e.g. a recordings.csv
 * row): in the store's run problems and the summary. */
ictus_status run_commit_problem(run_committer *c, const char *path, ictus_problem_kind kind,
                                const char *message, ictus_error *err);

/* What the plan alone decides, in one transaction: files unchanged (counted
 * skipped), still being written (incomplete), missing (stale, deleted when
 * moved); results made with another preset marked stale before they are
 * processed again.  Errors are the store's (the run cannot go on). */
ictus_status run_commit_plan(run_committer *c, ictus_error *err);

/* Store one worker outcome in one transaction.  Per-file problems are
 * recorded, not returned; an error is the store's (the run cannot go on). */
ictus_status run_commit_file(run_committer *c, const run_outcome *out, ictus_error *err);

/* Free what the committer keeps about each file (the known hashes, the
 * missing files): after the last run_commit_file(), before the plan's
 * files are released (run_plan_release_files()).  The counts and problems
 * stay. */
void run_commit_release_files(run_committer *c);

/* The counts so far; valid until the next call on `c`. */
run_commit_counts run_commit_get_counts(const run_committer *c);

#endif
