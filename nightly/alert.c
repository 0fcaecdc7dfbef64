/* alert.c: study.ini [run] and the alert command of a run (alert.h). */
#include "nightly/alert.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/config.h"

/* How often the wait for the command looks at it. */
#define POLL_NS 20000000L

static const char *const alert_on_names[] = {"failure", "warnings", NULL};

static ictus_status read_alert_on(ictus_config *cfg, const char *path, run_alert_on *out,
                                  ictus_error *err)
{
    const char *v = ictus_config_get(cfg, "run", "alert_on");
    if (!v)
        return ICTUS_OK;
    for (int i = 0; alert_on_names[i]; i++)
        if (strcmp(v, alert_on_names[i]) == 0) {
            *out = (run_alert_on)i;
            return ICTUS_OK;
        }
    return ictus_fail(err, ICTUS_ERR_CONFIG,
                      "%s: [run] alert_on = %s: expected failure or warnings", path, v);
}

ictus_status run_alert_settings_read(const char *study_dir, run_alert_settings *s,
                                     ictus_error *err)
{
    memset(s, 0, sizeof *s);
    s->timeout_s = RUN_ALERT_DEFAULT_TIMEOUT_S;
    char path[ICTUS_PATH_MAX];
    ictus_status st = ictus_path_join(path, sizeof path, study_dir, "study.ini", err);
    if (st != ICTUS_OK)
        return st;
    ictus_config *cfg = ictus_config_create();
    st = ictus_config_load(cfg, path, err);
    const char *log = st == ICTUS_OK ? ictus_config_get(cfg, "run", "log") : NULL;
    if (log && !*log)
        st = ictus_fail(err, ICTUS_ERR_CONFIG, "%s: [run] log is empty: give a file, e.g. "
                        "\"log = ictus-run.log\" (relative to the study)", path);
    else if (log && log[0] == '/')
        snprintf(s->log_path, sizeof s->log_path, "%s", log);
    else if (log)
        st = ictus_path_join(s->log_path, sizeof s->log_path, study_dir, log, err);
    const char *cmd = st == ICTUS_OK ? ictus_config_get(cfg, "run", "on_failure") : NULL;
    if (cmd && *cmd)
        s->on_failure = ictus_xstrdup(cmd);
    if (st == ICTUS_OK)
        st = read_alert_on(cfg, path, &s->alert_on, err);
    int64_t timeout = s->timeout_s;
    if (st == ICTUS_OK && ictus_config_get(cfg, "run", "alert_timeout_s"))
        st = ictus_config_get_int(cfg, "run", "alert_timeout_s", 1, 3600, &timeout, err);
    s->timeout_s = (int)timeout;
    static const char *const own[] = {"run", NULL};
    if (st == ICTUS_OK)
        st = ictus_config_check_used(cfg, own, err);
    ictus_config_destroy(cfg);
    return st;
}

void run_alert_settings_free(run_alert_settings *s)
{
    free(s->on_failure);
    s->on_failure = NULL;
}

/* In the child: its own process group (the timeout kills the whole
 * command), the study as cwd, the summary as stdin, stdout onto stderr (the
 * run's stdout stays its own), then the shell.  Never returns. */
static void exec_command(const run_alert_settings *s, const char *study_dir, int exit_code,
                         const char *log_path, FILE *summary)
{
    setpgid(0, 0);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    char code[16];
    snprintf(code, sizeof code, "%d", exit_code);
    if (chdir(study_dir) != 0 || dup2(fileno(summary), STDIN_FILENO) < 0 ||
        dup2(STDERR_FILENO, STDOUT_FILENO) < 0 || setenv("ICTUS_STUDY", study_dir, 1) != 0 ||
        setenv("ICTUS_EXIT", code, 1) != 0 || setenv("ICTUS_LOG", log_path, 1) != 0)
        _exit(126);
    execl("/bin/sh", "sh", "-c", s->on_failure, (char *)NULL);
    _exit(127);
}

/* Wait for `pid` at most timeout_s seconds, then kill its group; *killed
 * says so.  Returns the wait status. */
static int wait_or_kill(pid_t pid, int timeout_s, bool *killed)
{
    struct timespec poll = {0, POLL_NS};
    long polls = (long)timeout_s * (1000000000L / POLL_NS);
    int ws = 0;
    *killed = false;
    for (long i = 0;; i++) {
        pid_t r = waitpid(pid, &ws, WNOHANG);
        if (r == pid || (r < 0 && errno != EINTR))
            return ws;
        if (i >= polls)
            break;
        nanosleep(&poll, NULL);
    }
    *killed = true;
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
    while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
        ;
    return ws;
}

ictus_status run_alert_call(const run_alert_settings *s, const char *study_dir, int exit_code,
                            const char *log_path, FILE *summary, ictus_error *err)
{
    if (fflush(summary) != 0 || fseek(summary, 0, SEEK_SET) != 0)
        return ictus_fail(err, ICTUS_ERR_IO, "[run] on_failure: cannot make its input: %s",
                          strerror(errno));
    /* absolute paths: the command runs in the study, not where ictus was started */
    char study[PATH_MAX], log[PATH_MAX] = "";
    if (!realpath(study_dir, study))
        snprintf(study, sizeof study, "%s", study_dir);
    if (log_path[0] && !realpath(log_path, log))
        snprintf(log, sizeof log, "%s", log_path);
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0)
        exec_command(s, study, exit_code, log, summary);
    int fork_errno = errno;
    if (pid < 0)
        return ictus_fail(err, ICTUS_ERR_IO, "[run] on_failure: cannot start it: %s",
                          strerror(fork_errno));
    bool killed;
    int ws = wait_or_kill(pid, s->timeout_s, &killed);
    if (killed)
        return ictus_fail(err, ICTUS_ERR_IO, "[run] on_failure: killed after %d s (study.ini "
                          "[run] alert_timeout_s): %s", s->timeout_s, s->on_failure);
    if (WIFEXITED(ws) && WEXITSTATUS(ws) == 0)
        return ICTUS_OK;
    if (WIFEXITED(ws))
        return ictus_fail(err, ICTUS_ERR_IO, "[run] on_failure: exit status %d%s: %s",
                          WEXITSTATUS(ws),
                          WEXITSTATUS(ws) == 127 ? " (command not found?)" : "", s->on_failure);
    return ictus_fail(err, ICTUS_ERR_IO, "[run] on_failure: killed by signal %d: %s",
                      WIFSIGNALED(ws) ? WTERMSIG(ws) : 0, s->on_failure);
}
