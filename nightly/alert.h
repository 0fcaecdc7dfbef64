/* alert.h: what a run left to cron does about itself: study.ini [run] (the
 * log file, the alert command) and calling the alert command.
 *
 * study.ini [run], every key optional (an unknown key is an error):
 *   log = PATH           append every line of the run's log, each prefixed
 *                        with its ISO 8601 local time, to PATH (relative to
 *                        the study directory); `ictus run --log FILE` wins
 *   on_failure = COMMAND run COMMAND with /bin/sh -c, in the study directory,
 *                        when a run ends badly (alert_on); the run's summary
 *                        on its standard input, its output on the run's
 *                        stderr; environment ICTUS_STUDY (the study
 *                        directory, absolute), ICTUS_EXIT (the run's exit
 *                        status), ICTUS_LOG (the log file, absolute; ""
 *                        without one)
 *   alert_on = failure | warnings   failure (default): when the run stopped,
 *                        a file or manifest row failed, or it was
 *                        interrupted; warnings: also when it finished with
 *                        warnings only
 *   alert_timeout_s = S  the command is killed (its process group) after S
 *                        seconds (default 60, 1..3600)
 * The command's failure (exit status, signal, timeout) is reported by the
 * caller; it never changes the run's results or exit status.
 *
 * Thread safety: main thread only (run_alert_call() forks and waits).
 */
#ifndef ICTUS_RUN_ALERT_H
#define ICTUS_RUN_ALERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/path.h"
#include "base/status.h"

/* When the alert command runs. */
typedef enum {
    RUN_ALERT_ON_FAILURE = 0,  /* the run failed, stopped or was interrupted */
    RUN_ALERT_ON_WARNINGS,     /* that, or it finished with warnings */
} run_alert_on;

#define RUN_ALERT_DEFAULT_TIMEOUT_S 60

typedef struct {
    char log_path[ICTUS_PATH_MAX];   /* [run] log resolved against the study; "" none */
    char *on_failure;                /* owned; NULL: none */
    run_alert_on alert_on;
    int timeout_s;                   /* 1..3600 */
} run_alert_settings;

/* Read STUDY_DIR/study.ini's [run] section into *s (zeroed first; free it
 * with run_alert_settings_free() in every case).  ICTUS_ERR_CONFIG naming
 * the file and key for a bad value or an unknown key; the errors of
 * ictus_config_load() for an unreadable file. */
ictus_status run_alert_settings_read(const char *study_dir, run_alert_settings *s,
                                     ictus_error *err);
void run_alert_settings_free(run_alert_settings *s);

/* Run s->on_failure (it must be set) as described above, with the whole of
 * `summary` (a file the caller wrote the run's log to, e.g. a tmpfile():
 * the log of a first run of 160,000 files is 17 MB, not held in memory;
 * flushed and rewound here, left open) on its standard input, `exit_code`
 * as ICTUS_EXIT and `log_path` ("" none) as ICTUS_LOG; wait at most
 * s->timeout_s seconds.  ICTUS_OK when it exited 0; otherwise ICTUS_ERR_IO
 * with a message saying what became of it (exit status, signal, killed
 * after the timeout, could not start). */
ictus_status run_alert_call(const run_alert_settings *s, const char *study_dir, int exit_code,
                            const char *log_path, FILE *summary, ictus_error *err);

#endif
