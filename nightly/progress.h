/* progress.h: what the nightly job shows while it works.
 *
 * On a terminal (stderr is a TTY): one progress line redrawn in place on
 * stderr, with files done, animal-days detected, the share of bytes read and
 * an ETA from the bytes per second so far.  In cron or under systemd (no
 * TTY): one plain, timestamped log line per file on stdout, which mail and
 * the journal keep.  Notes (problems as they happen) go to stderr in both
 * modes, above the bar when there is one.
 *
 * Lifecycle: run_progress_create() → file_done() per file, tick() as often
 * as convenient (it redraws at most 5 times a second), note() any time →
 * run_progress_destroy() (clears the bar).  Main thread only.
 */
#ifndef ICTUS_RUN_PROGRESS_H
#define ICTUS_RUN_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

typedef struct run_progress run_progress;

/* `tty` chooses the bar; n_files and total_bytes are the work to read. */
run_progress *run_progress_create(bool tty, int n_files, int64_t total_bytes);
void run_progress_destroy(run_progress *p); /* NULL is a no-op */

/* A file is done: `bytes` read, `recorded_us` of recording detected (all
 * its animals), `what` says how it ended, e.g. "m1: 12 events" or
 * "still being written: ...". */
void run_progress_file_done(run_progress *p, const char *path, int64_t bytes,
                            int64_t recorded_us, double seconds, const char *what);

/* Redraw the bar when due (a no-op for log lines). */
void run_progress_tick(run_progress *p);

/* A line on stderr that must not be drawn over. */
void run_progress_note(run_progress *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
