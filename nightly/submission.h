/* submission.h: one `ictus run --slurm` submission's directory: the task
 * list, the shards the array tasks write, their failure records, and what
 * the reduce job reads back.
 *
 * A cluster runs the nightly job in three parts (slurm.h submits them):
 *   1. the submission (on the login node) makes the plan as `ictus run`
 *      does and writes, under STUDY_DIR/slurm/SUBMISSION/:
 *        tasks.csv      one row per recording to read: the task that reads
 *                       it and what the plan knew of it (path, identity,
 *                       its rejected recordings.csv line, the stored content
 *                       hash when only its identity changed);
 *        jobs.txt       the job ids (written after sbatch answered);
 *        array-K.sh, reduce.sh   the scripts submitted;
 *        logs/          the jobs' output;
 *   2. each array task reads its rows of tasks.csv, loads the study and its
 *      presets (read only), runs the local run's worker (work.h) on each
 *      recording and writes its outcome to shards/ROW.shard (shard.h):
 *      never into ictus.db, which a network file system must not see
 *      written by many nodes at once.  A task that cannot start (the study
 *      does not load) writes failed/TASK.txt; its batch script writes it too
 *      when ictus exits non-zero or is killed;
 *   3. the reduce job, after every task has ended however it ended, is the
 *      local run with the workers replaced by reading shards
 *      (run_submission_outcome()): the same plan, the same committer, one
 *      transaction per file, the same outputs.  A recording without a
 *      shard fails with what its task left (the failure record, the task's
 *      state from Slurm) and is read again by the next submission.
 *
 * Lifecycle (reduce): run_submission_open() → run_submission_has() /
 * run_submission_outcome() per plan file (thread-safe: reads only) →
 * run_submission_finish() → run_submission_close().
 */
#ifndef ICTUS_RUN_SUBMISSION_H
#define ICTUS_RUN_SUBMISSION_H

#include <stdbool.h>
#include <stdint.h>

#include "base/status.h"
#include "nightly/plan.h"
#include "nightly/work.h"

/* The submission directory's parts. */
#define RUN_SUBMISSION_TASKS "tasks.csv"
#define RUN_SUBMISSION_JOBS "jobs.txt"
#define RUN_SUBMISSION_DONE "reduced.txt" /* written by the reduce job when it ends */

/* One array of the submission, as jobs.txt records it: tasks
 * first_task .. first_task + n_tasks - 1 are job_id's array indexes 0 .. */
typedef struct {
    int64_t job_id;
    int first_task, n_tasks;
} run_submission_array;

/* ------------------------------------------------------------------------
 * Writing (the submission)
 * ---------------------------------------------------------------------- */

/* Write DIR/tasks.csv: the plan's files to read, files[0..n), file i read by
 * task i / per_task.  Errors: ICTUS_ERR_IO naming the file. */
ictus_status run_submission_write_tasks(const char *dir, const run_file *const *files, int n,
                                        int per_task, ictus_error *err);

/* Write DIR/jobs.txt: the arrays and the reduce job. */
ictus_status run_submission_write_jobs(const char *dir, const run_submission_array *arrays,
                                       int n_arrays, int64_t reduce_job, ictus_error *err);

/* The reduce job of the submission DIR per its jobs.txt (0 when it has
 * none) and whether it has ended (RUN_SUBMISSION_DONE is there). */
void run_submission_reduce_job(const char *dir, int64_t *job_id, bool *reduced);

/* ------------------------------------------------------------------------
 * An array task
 * ---------------------------------------------------------------------- */

/* Do array task `task` of the submission `dir` of the study `study_dir`:
 * each of its recordings into shards/ROW.shard, `threads` threads inside one
 * detection.  A recording's problems are in its outcome (its shard), not an
 * error.  An error (the task list, the study or its presets cannot be read,
 * a shard cannot be written) is also written to failed/TASK.txt. */
ictus_status run_submission_task(const char *study_dir, const char *dir, int task, int threads,
                                 ictus_error *err);

/* ------------------------------------------------------------------------
 * The reduce
 * ---------------------------------------------------------------------- */

typedef struct run_submission run_submission; /* work.h names it struct run_submission */

/* Open the submission `dir` (its tasks.csv and jobs.txt) for the reduce.
 * Errors: ICTUS_ERR_IO / ICTUS_ERR_DATA naming the file. */
ictus_status run_submission_open(const char *dir, run_submission **out, ictus_error *err);
void run_submission_close(run_submission *s); /* NULL is a no-op */

/* Its directory, as given. */
const char *run_submission_dir(const run_submission *s);

/* The number of recordings it sent to tasks. */
int run_submission_size(const run_submission *s);

/* True when `f` (a plan file to read) was sent to a task. */
bool run_submission_has(const run_submission *s, const run_file *f);

/* The outcome of `f` (run_submission_has()) into *out, as run_work_file()
 * would give it: the shard's, or a failure saying why there is none (the
 * failure record, the task's Slurm state, the task's log), or incomplete
 * when the file changed since its task read it.  Thread-safe. */
void run_submission_outcome(const run_submission *s, const run_file *f, run_outcome *out);

/* After the reduce has stored every outcome: remove the shards (the
 * database holds them now) and write RUN_SUBMISSION_DONE with `line`.
 * Problems are reported through *err (the caller notes them; nothing is
 * lost: the shards stay). */
ictus_status run_submission_finish(run_submission *s, const char *line, ictus_error *err);

#endif
