/* pool.h: worker threads that do the heavy work of the nightly job, one file at a time.
 *
 * N workers take the files in the order given (the caller sorts the largest
 * first, so that one big file does not finish alone at the end) and run
 * run_work_file() on each with no lock held.  Outcomes come back to the one
 * thread that stores them, in the order they finish: the store never sees
 * two writers, and a worker never waits for the database.  Memory: two
 * outcome slots per worker, whatever the number of files; a worker waits
 * for a free slot when the storing thread is behind.
 *
 * Lifecycle: run_pool_start() → run_pool_next() until it says all are done
 * (or the caller gives up; run_pool_cancel() to finish early) →
 * run_pool_stop().  The files, the context and
 * everything they point to must stay unchanged until run_pool_stop().
 */
#ifndef ICTUS_RUN_POOL_H
#define ICTUS_RUN_POOL_H

#include <stdbool.h>

#include "nightly/work.h"

typedef struct run_pool run_pool;

/* Start n_workers (>= 1) threads over files[0..n). */
run_pool *run_pool_start(const run_work_context *ctx, const run_file *const *files, int n,
                         int n_workers);

/* Wait at most timeout_ms for the next finished file.  Returns true with
 * *out filled (the caller owns it: run_outcome_clear()); false when none
 * came in time or when every outcome has been handed out (*all_done). */
bool run_pool_next(run_pool *p, int timeout_ms, run_outcome *out, bool *all_done);

/* Hand out no more files (an interrupted run): run_pool_next() still hands
 * over the outcomes of the files being worked on, then says all are done. */
void run_pool_cancel(run_pool *p);

/* Hand out no more files, wait for the files being worked on, drop the
 * outcomes not taken, join the threads and free; NULL is a no-op. */
void run_pool_stop(run_pool *p);

#endif
