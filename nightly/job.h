/* job.h: the nightly job of one study: find new and changed recordings,
 * detect in parallel, store, regenerate the outputs, say plainly what
 * happened.
 *
 * The steps of a run:
 *   1. check STUDY_DIR is a study (study.ini) and take the study lock
 *      (lock.h): a second run fails with ICTUS_ERR_BUSY naming the holder,
 *      or waits with `wait`;
 *   2. load the study (protocols/study.h) and compose its animals' presets
 *      (protocols/study_preset.h: one per animal; a model no preset matches
 *      stops the run here);
 *   3. open STUDY_DIR/ictus.db and record the run (store/store.h);
 *   4. plan (plan.h): compare the files with the stored rows; store what
 *      the plan alone decides (run_commit_plan());
 *   5. workers hash and detect the files to read (pool.h, work.h); the
 *      calling thread stores each outcome in its own transaction (commit.h);
 *   6. the final steps regenerate STUDY_DIR/out/ from the database;
 *   7. record the end of the run, report the summary, release the lock.
 * A run killed at any point leaves every file's rows as they were or fully
 * updated; the next run redoes what is missing and ends in the same state.
 *
 * Stopping (o->stop_signal, set by the caller's SIGINT/SIGTERM handler):
 * the job looks at it between transactions.  It hands out no more files,
 * stores the outcomes of the files the workers are on (each in its
 * transaction), skips the remaining steps (out/ keeps its last complete
 * files), records the run as `interrupted` and returns RUN_JOB_INTERRUPTED
 * without a summary: the caller says so in one line (run_job_summary).  The
 * next run does the files left and ends as an uninterrupted run would.
 *
 * The summary ends with the table of seizures per day and response classes
 * (report/response_table.h) when the study has dosing periods.
 *
 * The job prints nothing: the plan line, the per-file log, problems as they
 * happen, the progress line and the summary go to the reporter (progress.h).
 */
#ifndef ICTUS_RUN_JOB_H
#define ICTUS_RUN_JOB_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/status.h"
#include "nightly/progress.h"

/* Files modified less than this many seconds ago are taken as still being
 * written, unless the caller says otherwise. */
#define RUN_DEFAULT_SETTLE_S 60.0

typedef struct {
    const char *study_dir;
    /* Set (to the signal's number) by a signal handler to ask the run to
     * stop (above); NULL: never. */
    const volatile sig_atomic_t *stop_signal;
    int jobs;                  /* files processed at once, 1..1024 */
    bool wait;                 /* wait for another run on the study (else ICTUS_ERR_BUSY) */
    double settle_s;           /* >= 0: files modified less than this ago are left alone */
    const char *timings_path;  /* CSV of the time spent on each file, or NULL */
    const char *version;       /* the program's version, recorded with the run */
    /* The reduce job of a Slurm submission (submission.h, slurm.h): this
     * directory's shards take the place of the workers; the plan's files to
     * read that it did not send to a task are left for the next run.
     * NULL: a local run. */
    const char *submission_dir;
} run_job_options;

/* How a run ended. */
typedef enum {
    RUN_JOB_OK = 0,       /* every file went well (files still being written included) */
    RUN_JOB_WARNINGS,     /* every file went well, with warnings (a recording gone
                             from the study, an export skipped...): in the summary */
    RUN_JOB_PROBLEMS,     /* done, but some file or manifest row failed: in the summary
                             and the store's run problems */
    RUN_JOB_INTERRUPTED,  /* stopped by o->stop_signal: the run row says interrupted */
    RUN_JOB_STOPPED,      /* an error stopped the run once it had started (err) */
    RUN_JOB_NOT_STARTED,  /* not a study, busy (ICTUS_ERR_BUSY), or the study, its preset
                             or its store could not be set up (err): nothing ran */
} run_job_result;

/* What a run did, for a one-line account (`ictus run --quiet`, the
 * interrupt line, the alert command). */
typedef struct {
    int files_to_read;        /* new or changed files the plan found */
    int files_done;           /* of those, stored this run (detected, or hashed) */
    int64_t files_failed;     /* files and manifest rows that failed */
    int64_t events_found;     /* events stored this run */
    int warnings;             /* warnings: run problems of kind warning, a recording
                                 gone, exports skipped */
    int n_classes;            /* response classes in the summary's table */
    int n_undetermined;       /* of those, undetermined */
    int stop_signal;          /* RUN_JOB_INTERRUPTED: the signal */
} run_job_summary;

/* Run the nightly job described by `o`, reporting through `rep`; *sum
 * (zeroed first) says what it did.  err is filled for RUN_JOB_STOPPED and
 * RUN_JOB_NOT_STARTED.  Main thread only (it starts and joins its own
 * workers). */
run_job_result run_job(const run_job_options *o, const run_reporter *rep, run_job_summary *sum,
                       ictus_error *err);

#endif
