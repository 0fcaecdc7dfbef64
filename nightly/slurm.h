/* slurm.h: `ictus run STUDY_DIR --slurm`: the nightly job submitted to a
 * Slurm cluster as job arrays and one reduce job (submission.h says what
 * each part does and where its files live).
 *
 * The submission:
 *   1. refuses when an earlier submission of the study is still queued or
 *      running (its reduce job is in squeue): its recordings would be read
 *      twice;
 *   2. takes the study lock while it plans (a local run holding it: busy),
 *      and plans exactly as `ictus run` does (plan.h): the recordings to
 *      read are the new, changed and failed ones; a second submission after
 *      a reduce has stored them finds nothing new;
 *   3. reads the cluster's limits (scontrol show config: MaxArraySize,
 *      MaxJobCount) and splits the recordings, largest first, into arrays
 *      of at most MaxArraySize tasks; a task reads one recording, or a
 *      batch of them when there are more recordings than half of
 *      MaxJobCount;
 *   4. writes the task list and the scripts, submits each array (with
 *      --max-parallel K: `%K`, and each array after the one before, so that
 *      at most K tasks of the study run at once), then the reduce job with
 *      --dependency=afterany on every array (it runs however the tasks
 *      end), and prints the job ids and how to watch them.
 * --dry-run does 1 to 3 and prints the scripts instead of writing and
 * submitting them.
 *
 * The Slurm commands (sbatch, squeue, scontrol) are run from PATH, without
 * a shell; sbatch runs in the submission directory, so that the scripts'
 * relative --output paths land in its logs/.
 */
#ifndef ICTUS_RUN_SLURM_H
#define ICTUS_RUN_SLURM_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "nightly/progress.h"

typedef struct {
    const char *study_dir;
    const char *exe;           /* the ictus the jobs run: an absolute path every node sees */
    const char *partition;     /* --partition, or NULL: the cluster's default */
    const char *time_limit;    /* --time for the tasks and the reduce, or NULL */
    int max_parallel;          /* > 0: at most this many tasks at once (%K) */
    bool dry_run;              /* print the scripts, submit nothing */
    bool wait;                 /* wait for a local run holding the study */
    double settle_s;           /* as `ictus run --settle` */
    const char *version;
    const volatile sig_atomic_t *stop_signal; /* while waiting for the lock */
} run_slurm_options;

/* The cluster's limits that size a submission. */
typedef struct {
    int max_array_size;        /* MaxArraySize: array indexes 0 .. max_array_size - 1 */
    int max_job_count;         /* MaxJobCount */
    bool from_cluster;         /* false: scontrol did not answer; Slurm's defaults */
} run_slurm_limits;

/* Read the limits from `scontrol show config` (Slurm's defaults, 1001 and
 * 10000, when it does not answer or does not say). */
void run_slurm_limits_read(run_slurm_limits *out);

/* How a submission of n recordings is cut: per_task recordings a task,
 * n_tasks tasks, in arrays of at most array_size tasks. */
typedef struct {
    int per_task, n_tasks, array_size, n_arrays;
} run_slurm_split;

run_slurm_split run_slurm_split_for(int n_recordings, const run_slurm_limits *lim);

/* What a submission did, for `ictus run --slurm --quiet`'s one line. */
typedef struct {
    int n_to_read;             /* recordings planned (0: nothing submitted) */
    int n_tasks, n_arrays;
    char arrays[256];          /* the arrays' job ids, "812,813" (cut when very many) */
    int64_t reduce_job;        /* 0 when nothing was submitted (or --dry-run) */
} run_slurm_summary;

/* Submit the study (above), telling the user through `rep` (its log: the
 * plan line, the scripts with --dry-run, the job ids and how to watch).
 * Errors: ICTUS_ERR_BUSY (a local run, or an earlier submission in flight),
 * ICTUS_ERR_CONFIG (not a study, its presets), ICTUS_ERR_IO when a file
 * cannot be written or a Slurm command fails (its message in err).  *sum
 * (zeroed first) says what was submitted. */
ictus_status run_slurm_submit(const run_slurm_options *o, const run_reporter *rep,
                              run_slurm_summary *sum, ictus_error *err);

/* A job's (or an array task's, "123_4") state as `scontrol -o show job ID`
 * gives it: "FAILED, exit 1:0" or "TIMEOUT (reason ...)"; "" when Slurm does
 * not know it (or scontrol is not there).  Into buf[size]; returns buf. */
const char *run_slurm_job_state(const char *job, char *buf, size_t size);

/* True when job `job_id` is in the queue (pending or running). */
bool run_slurm_job_queued(int64_t job_id);

#endif
