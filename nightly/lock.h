/* lock.h: the study lock, so that two nightly runs on one study never overlap.
 *
 * The lock is an flock() on STUDY_DIR/ictus.lock, not the file's existence:
 * the kernel drops it when its process ends, however it ends (exit, crash,
 * kill -9, power loss), so a dead run never leaves a stale lock to clean up
 * by hand.  The holder writes who it is (pid, host, start time, version)
 * into the file so that a second run can say who holds the study.  The file
 * itself stays in place between runs (deleting a lock file that others may
 * be waiting on would let two runs in at once).
 *
 * Lifecycle: run_lock_take() → the run → run_lock_release() (or the process
 * ends).  Not thread-safe: take and release on one thread.
 */
#ifndef ICTUS_RUN_LOCK_H
#define ICTUS_RUN_LOCK_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/status.h"

typedef struct run_lock run_lock;

/* Where the lock says what the user must hear while it works (whom it
 * waits for, a holder line it cannot write): `line` is one line without
 * "ictus: " or newline, valid during the call. */
typedef struct {
    void (*note)(void *ctx, const char *line);
    void *ctx;
    /* While waiting: non-zero (a signal's number, set by a handler) gives
     * up the wait with ICTUS_ERR_BUSY; NULL: wait on. */
    const volatile sig_atomic_t *stop;
} run_lock_notes;

/* Take the lock of the study directory `study_dir`, creating ictus.lock when
 * absent.  `started_unix_us` (real time) and `version` go into the holder
 * line.  When another process holds it: with wait false, fail at once with
 * ICTUS_ERR_BUSY and a message naming the holder ("pid 123 on host lab1,
 * running since 2026-01-05 02:00:01"); with wait true, hand `notes` one line
 * saying whom it waits for and block until the holder is gone (or
 * notes->stop says to give up: ICTUS_ERR_BUSY, "interrupted while waiting").
 * ICTUS_ERR_IO when the file cannot be created or locked, ICTUS_ERR_USAGE
 * when its path is too long (base/path.h).  On success *out
 * is the caller's, to release. */
ictus_status run_lock_take(const char *study_dir, bool wait, int64_t started_unix_us,
                           const char *version, const run_lock_notes *notes, run_lock **out,
                           ictus_error *err);

/* Release the lock and free it; NULL is a no-op.  The holder line stays in
 * the file: it is only meaningful while the lock is held. */
void run_lock_release(run_lock *lock);

#endif
