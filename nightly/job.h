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
 * The job prints nothing: the plan line, the per-file log, problems as they
 * happen, the progress line and the summary go to the reporter (progress.h).
 */
#ifndef ICTUS_RUN_JOB_H
#define ICTUS_RUN_JOB_H

#include <stdbool.h>

#include "base/status.h"
#include "nightly/progress.h"

/* Files modified less than this many seconds ago are taken as still being
 * written, unless the caller says otherwise. */
#define RUN_DEFAULT_SETTLE_S 60.0

typedef struct {
    const char *study_dir;
    int jobs;                  /* files processed at once, 1..1024 */
    bool wait;                 /* wait for another run on the study (else ICTUS_ERR_BUSY) */
    double settle_s;           /* >= 0: files modified less than this ago are left alone */
    const char *timings_path;  /* CSV of the time spent on each file, or NULL */
    const char *version;       /* the program's version, recorded with the run */
} run_job_options;

/* How a run ended. */
typedef enum {
    RUN_JOB_OK = 0,       /* every file went well (files still being written included) */
    RUN_JOB_PROBLEMS,     /* done, but some file or manifest row failed: in the summary
                             and the store's run problems */
    RUN_JOB_STOPPED,      /* an error stopped the run once it had started (err) */
    RUN_JOB_NOT_STARTED,  /* not a study, busy (ICTUS_ERR_BUSY), or the study, its preset
                             or its store could not be set up (err): nothing ran */
} run_job_result;

/* Run the nightly job described by `o`, reporting through `rep`.  err is
 * filled for RUN_JOB_STOPPED and RUN_JOB_NOT_STARTED.  Main thread only
 * (it starts and joins its own workers). */
run_job_result run_job(const run_job_options *o, const run_reporter *rep, ictus_error *err);

#endif
