/* progress.h: what the nightly job shows while it works, and where it goes.
 *
 * The job prints nothing itself: everything it says goes to a reporter the
 * caller supplies (the verb writes the log to stdout, notes and the bar to
 * stderr).  On a terminal (reporter.tty): one progress line redrawn in place,
 * with files done, animal-days detected, the share of bytes read and an ETA
 * from the bytes per second so far.  In cron or under systemd (no TTY): one
 * plain, timestamped log line per file, which mail and the journal keep.
 * Notes (problems as they happen) are handed over in both modes, with the
 * bar cleared first and redrawn after when there is one.
 *
 * Lifecycle: run_progress_create() → file_done() per file, tick() as often
 * as convenient (it redraws at most 5 times a second), note() any time →
 * run_progress_destroy() (clears the bar).  Main thread only.
 */
#ifndef ICTUS_RUN_PROGRESS_H
#define ICTUS_RUN_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

/* Where the nightly job's words go.  Every hook is called on the main
 * thread; strings are valid during the call only. */
typedef struct {
    void *ctx;
    /* Text for the run's log: whole lines, each ending in '\n'. */
    void (*log)(void *ctx, const char *text);
    /* One line about a problem or a wait, without "ictus: " or newline. */
    void (*note)(void *ctx, const char *line);
    /* Redraw the progress line in place with `line` ("": clear it); only
     * called when tty is true. */
    void (*bar)(void *ctx, const char *line);
    /* Optional (NULL: none): each problem of the summary's list ("failed",
     * "warning", ...; its message), besides the log: a quiet run prints
     * them, so that what its one line counts is said too. */
    void (*problem)(void *ctx, const char *kind, const char *message);
    bool tty;        /* show a progress line instead of a log line per file */
} run_reporter;

/* printf to rep's log (whole lines, each ending in '\n'). */
void run_logf(const run_reporter *rep, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

typedef struct run_progress run_progress;

/* Progress through `rep` (which must outlive it); n_files and total_bytes
 * are the work to read. */
run_progress *run_progress_create(const run_reporter *rep, int n_files, int64_t total_bytes);
void run_progress_destroy(run_progress *p); /* NULL is a no-op */

/* A file is done: `bytes` read, `recorded_us` of recording detected (all
 * its animals), `what` says how it ended, e.g. "m1: 12 events" or
 * "still being written: ...". */
void run_progress_file_done(run_progress *p, const char *path, int64_t bytes,
                            int64_t recorded_us, double seconds, const char *what);

/* Redraw the bar when due (a no-op for log lines). */
void run_progress_tick(run_progress *p);

/* Hand the reporter a note (a line that must not be drawn over). */
void run_progress_note(run_progress *p, const char *line);

#endif
