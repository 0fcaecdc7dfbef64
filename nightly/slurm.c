/* slurm.c: `ictus run --slurm`: plan, split, write the scripts, submit (slurm.h). */
#include "nightly/slurm.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/outfile.h"
#include "base/path.h"
#include "base/strbuf.h"
#include "detectors/preset.h"
#include "nightly/lock.h"
#include "nightly/plan.h"
#include "nightly/submission.h"
#include "protocols/analysis.h"
#include "protocols/study.h"
#include "protocols/study_preset.h"
#include "store/store.h"

/* Slurm's own defaults (slurm.conf(5)). */
#define SLURM_DEFAULT_MAX_ARRAY_SIZE 1001
#define SLURM_DEFAULT_MAX_JOB_COUNT 10000

/* What a command said; a Slurm command's output is short. */
#define COMMAND_OUTPUT_MAX (1 << 20)

/* ------------------------------------------------------------------------
 * Running a Slurm command
 * ---------------------------------------------------------------------- */

/* Run argv (from PATH, no shell) in `cwd` (NULL: here) with stdin from
 * /dev/null; its stdout into *out, its stderr into *errtext (each cut at
 * COMMAND_OUTPUT_MAX).  Returns its exit status, 127 when it could not be
 * run (errtext says why), 128 + N when killed by signal N. */
static int run_command(char *const argv[], const char *cwd, ictus_strbuf *out,
                       ictus_strbuf *errtext)
{
    int po[2], pe[2];
    if (pipe(po) != 0)
        goto cannot;
    if (pipe(pe) != 0) {
        close(po[0]);
        close(po[1]);
        goto cannot;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(po[0]);
        close(po[1]);
        close(pe[0]);
        close(pe[1]);
        goto cannot;
    }
    if (pid == 0) {
        int null = open("/dev/null", O_RDONLY);
        if (null >= 0)
            dup2(null, STDIN_FILENO);
        dup2(po[1], STDOUT_FILENO);
        dup2(pe[1], STDERR_FILENO);
        close(po[0]);
        close(pe[0]);
        if (cwd && chdir(cwd) != 0) {
            dprintf(STDERR_FILENO, "%s: cannot change to it: %s", cwd, strerror(errno));
            _exit(127);
        }
        execvp(argv[0], argv);
        dprintf(STDERR_FILENO, "%s: cannot run it: %s", argv[0], strerror(errno));
        _exit(127);
    }
    close(po[1]);
    close(pe[1]);
    struct pollfd fds[2] = {{.fd = po[0], .events = POLLIN}, {.fd = pe[0], .events = POLLIN}};
    ictus_strbuf *bufs[2] = {out, errtext};
    size_t got[2] = {0, 0};
    int open_fds = 2;
    while (open_fds > 0) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            char buf[4096];
            ssize_t n = read(fds[i].fd, buf, sizeof buf);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                close(fds[i].fd);
                fds[i].fd = -1;
                open_fds--;
                continue;
            }
            if (got[i] < COMMAND_OUTPUT_MAX)
                ictus_strbuf_addn(bufs[i], buf, (size_t)n);
            got[i] += (size_t)n;
        }
    }
    for (int i = 0; i < 2; i++)
        if (fds[i].fd >= 0)
            close(fds[i].fd);
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return 127;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
cannot:
    ictus_strbuf_addf(errtext, "%s: cannot run it: %s", argv[0], strerror(errno));
    return 127;
}

/* The first line of `text`, without its newline, into buf. */
static const char *first_line(const char *text, char *buf, size_t size)
{
    while (*text == '\n' || *text == ' ')
        text++;
    snprintf(buf, size, "%.*s", (int)strcspn(text, "\n"), text);
    return buf;
}

/* ------------------------------------------------------------------------
 * What the cluster says
 * ---------------------------------------------------------------------- */

/* The value of "Key = value" in scontrol's config listing, or -1. */
static int64_t config_value(const char *text, const char *key)
{
    size_t n = strlen(key);
    for (const char *line = text; *line; line += strcspn(line, "\n"), line += *line == '\n') {
        if (strncmp(line, key, n) != 0 || (line[n] != ' ' && line[n] != '='))
            continue;
        const char *eq = strchr(line, '=');
        if (!eq || eq - line > (ptrdiff_t)strcspn(line, "\n"))
            return -1;
        char *end;
        long long v = strtoll(eq + 1, &end, 10);
        return end == eq + 1 ? -1 : v;
    }
    return -1;
}

void run_slurm_limits_read(run_slurm_limits *out)
{
    *out = (run_slurm_limits){.max_array_size = SLURM_DEFAULT_MAX_ARRAY_SIZE,
                              .max_job_count = SLURM_DEFAULT_MAX_JOB_COUNT};
    char *argv[] = {"scontrol", "show", "config", NULL};
    ictus_strbuf text = {0}, errtext = {0};
    if (run_command(argv, NULL, &text, &errtext) == 0) {
        int64_t array = config_value(ictus_strbuf_text(&text), "MaxArraySize");
        int64_t jobs = config_value(ictus_strbuf_text(&text), "MaxJobCount");
        if (array >= 1 && array <= 4000001) {
            out->max_array_size = (int)array;
            out->from_cluster = true;
        }
        if (jobs >= 1 && jobs <= INT32_MAX)
            out->max_job_count = (int)jobs;
    }
    ictus_strbuf_free(&text);
    ictus_strbuf_free(&errtext);
}

run_slurm_split run_slurm_split_for(int n_recordings, const run_slurm_limits *lim)
{
    run_slurm_split s = {.per_task = 1, .array_size = lim->max_array_size};
    /* Half of MaxJobCount for this study's tasks at most: a running array
     * task is a job of its own, and the cluster has other users. */
    int max_tasks = lim->max_job_count / 2 > 1 ? lim->max_job_count / 2 : 1;
    if (n_recordings > max_tasks)
        s.per_task = (n_recordings + max_tasks - 1) / max_tasks;
    s.n_tasks = n_recordings > 0 ? (n_recordings + s.per_task - 1) / s.per_task : 0;
    if (s.array_size < 1)
        s.array_size = 1;
    s.n_arrays = (s.n_tasks + s.array_size - 1) / s.array_size;
    return s;
}

const char *run_slurm_job_state(const char *job, char *buf, size_t size)
{
    char *argv[] = {"scontrol", "-o", "show", "job", (char *)job, NULL};
    ictus_strbuf text = {0}, errtext = {0};
    buf[0] = '\0';
    if (run_command(argv, NULL, &text, &errtext) == 0) {
        const char *t = ictus_strbuf_text(&text);
        const char *state = strstr(t, "JobState="), *exit_code = strstr(t, " ExitCode="),
                   *reason = strstr(t, " Reason=");
        if (state) {
            state += strlen("JobState=");
            int n = snprintf(buf, size, "%.*s", (int)strcspn(state, " \n"), state);
            if (exit_code && n >= 0 && (size_t)n < size) {
                exit_code += strlen(" ExitCode=");
                n += snprintf(buf + n, size - (size_t)n, ", exit %.*s",
                              (int)strcspn(exit_code, " \n"), exit_code);
            }
            if (reason && n >= 0 && (size_t)n < size) {
                reason += strlen(" Reason=");
                int len = (int)strcspn(reason, " \n");
                if (len && strncmp(reason, "None", (size_t)len) != 0)
                    snprintf(buf + n, size - (size_t)n, " (%.*s)", len, reason);
            }
        }
    }
    ictus_strbuf_free(&text);
    ictus_strbuf_free(&errtext);
    return buf;
}

bool run_slurm_job_queued(int64_t job_id)
{
    char id[32];
    snprintf(id, sizeof id, "%" PRId64, job_id);
    char *argv[] = {"squeue", "-h", "-o", "%i", "-j", id, NULL};
    ictus_strbuf text = {0}, errtext = {0};
    /* a job squeue no longer knows makes it fail: not queued */
    bool queued = run_command(argv, NULL, &text, &errtext) == 0 &&
                  ictus_strbuf_text(&text)[strspn(ictus_strbuf_text(&text), " \n")] != '\0';
    ictus_strbuf_free(&text);
    ictus_strbuf_free(&errtext);
    return queued;
}

/* ------------------------------------------------------------------------
 * The scripts
 * ---------------------------------------------------------------------- */

/* s quoted for /bin/sh: 'it'\''s'. */
static void add_quoted(ictus_strbuf *b, const char *s)
{
    ictus_strbuf_add(b, "'");
    for (; *s; s++)
        if (*s == '\'')
            ictus_strbuf_add(b, "'\\''");
        else
            ictus_strbuf_addn(b, s, 1);
    ictus_strbuf_add(b, "'");
}

/* The study's name as a job name: letters, digits, '-', '_' and '.'. */
static void add_job_name(ictus_strbuf *b, const char *prefix, const char *name)
{
    ictus_strbuf_add(b, prefix);
    size_t n = 0;
    for (const char *s = name; *s && n < 40; s++, n++) {
        char c = *s;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_' || c == '.';
        ictus_strbuf_addn(b, ok ? &c : "_", 1);
    }
}

/* The #SBATCH lines every job of the submission shares. */
static void add_common_directives(ictus_strbuf *b, const run_slurm_options *o)
{
    if (o->partition)
        ictus_strbuf_addf(b, "#SBATCH --partition=%s\n", o->partition);
    if (o->time_limit)
        ictus_strbuf_addf(b, "#SBATCH --time=%s\n", o->time_limit);
}

/* The script of array k: tasks first .. first + n - 1. */
static void array_script(ictus_strbuf *b, const run_slurm_options *o, const char *study_name,
                         const char *study_abs, const char *dir, int k, int n_arrays, int first,
                         int n, int per_task)
{
    ictus_strbuf_addf(b, "#!/bin/sh\n# ictus run --slurm, study %s: array %d of %d, tasks %d to %d "
                      "(tasks.csv), %d recording%s a task\n",
                      study_name, k + 1, n_arrays, first, first + n - 1, per_task,
                      per_task == 1 ? "" : "s");
    ictus_strbuf_add(b, "#SBATCH --job-name=");
    add_job_name(b, "ictus-", study_name);
    ictus_strbuf_addf(b, "\n#SBATCH --array=0-%d", n - 1);
    if (o->max_parallel > 0)
        ictus_strbuf_addf(b, "%%%d", o->max_parallel);
    ictus_strbuf_addf(b, "\n#SBATCH --output=logs/array-%d-%%a.out\n", k);
    add_common_directives(b, o);
    ictus_strbuf_addf(b, "task=$((%d + SLURM_ARRAY_TASK_ID))\n", first);
    add_quoted(b, o->exe);
    ictus_strbuf_add(b, " run ");
    add_quoted(b, study_abs);
    ictus_strbuf_add(b, " --slurm-task ");
    add_quoted(b, dir);
    ictus_strbuf_add(b, " --task \"$task\"\nrc=$?\n# a crash or a kill leaves a record too (ictus "
                        "writes its own errors there)\nrecord=");
    add_quoted(b, dir);
    ictus_strbuf_add(b, "/failed/\"$task\".txt\n"
                        "[ \"$rc\" -eq 0 ] || [ -s \"$record\" ] || "
                        "echo \"ictus exited with status "
                        "$rc on $(hostname)\" > \"$record\"\nexit \"$rc\"\n");
}

static void reduce_script(ictus_strbuf *b, const run_slurm_options *o, const char *study_name,
                          const char *study_abs, const char *dir)
{
    ictus_strbuf_addf(b, "#!/bin/sh\n# ictus run --slurm, study %s: the reduce job, after every "
                      "task has ended (sbatch --dependency=afterany:...)\n", study_name);
    ictus_strbuf_add(b, "#SBATCH --job-name=");
    add_job_name(b, "ictus-reduce-", study_name);
    ictus_strbuf_add(b, "\n#SBATCH --output=logs/reduce.out\n");
    add_common_directives(b, o);
    ictus_strbuf_add(b, "exec ");
    add_quoted(b, o->exe);
    ictus_strbuf_add(b, " run ");
    add_quoted(b, study_abs);
    ictus_strbuf_add(b, " --slurm-reduce ");
    add_quoted(b, dir);
    /* the submission's --settle: the reduce plans again and must not take a
     * file its task read for one still being written */
    ictus_strbuf_addf(b, " --settle %.17g --wait\n", o->settle_s);
}

static void fill_text(ictus_out *o, const void *text)
{
    ictus_out_str(o, text);
}

/* DIR/NAME holding `text`, written whole (base/outfile.h). */
static ictus_status write_text(const char *dir, const char *name, const char *text,
                               ictus_error *err)
{
    return ictus_outfile_write(dir, name, fill_text, text, err);
}

/* ------------------------------------------------------------------------
 * Submitting
 * ---------------------------------------------------------------------- */

/* sbatch [--dependency=DEP] SCRIPT in `dir`; the job id into *job. */
static ictus_status sbatch(const char *dir, const char *script, const char *dependency,
                           int64_t *job, ictus_error *err)
{
    char dep[4096 + 32];
    char *argv[5];
    int n = 0;
    argv[n++] = "sbatch";
    argv[n++] = "--parsable";
    if (dependency) {
        snprintf(dep, sizeof dep, "--dependency=%s", dependency);
        argv[n++] = dep;
    }
    argv[n++] = (char *)script;
    argv[n] = NULL;
    ictus_strbuf out = {0}, errtext = {0};
    int rc = run_command(argv, dir, &out, &errtext);
    char *end;
    long long id = strtoll(ictus_strbuf_text(&out), &end, 10);
    ictus_status st = ICTUS_OK;
    if (rc != 0 || end == ictus_strbuf_text(&out) || id <= 0 ||
        (*end && *end != ';' && *end != '\n')) {
        char line[512];
        st = ictus_fail(err, ICTUS_ERR_IO, "%s/%s: sbatch refused it (exit %d): %s", dir, script,
                        rc, first_line(ictus_strbuf_text(&errtext)[0] ? ictus_strbuf_text(&errtext)
                                                                      : ictus_strbuf_text(&out),
                                       line, sizeof line));
    } else
        *job = id;
    ictus_strbuf_free(&out);
    ictus_strbuf_free(&errtext);
    return st;
}

/* Cancel the jobs submitted before a later sbatch failed (best effort). */
static void cancel_jobs(const run_submission_array *arrays, int n)
{
    for (int i = 0; i < n; i++) {
        char id[32];
        snprintf(id, sizeof id, "%" PRId64, arrays[i].job_id);
        char *argv[] = {"scancel", id, NULL};
        ictus_strbuf out = {0}, errtext = {0};
        run_command(argv, NULL, &out, &errtext);
        ictus_strbuf_free(&out);
        ictus_strbuf_free(&errtext);
    }
}

/* A submission of the study still in flight (its reduce job queued): its
 * directory into buf, and true. */
static bool submission_in_flight(const char *slurm_dir, char *buf, size_t size, int64_t *job)
{
    DIR *d = opendir(slurm_dir);
    if (!d)
        return false;
    bool found = false;
    struct dirent *e;
    while (!found && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char *sub = ictus_path_join_alloc(slurm_dir, e->d_name);
        bool reduced;
        int64_t reduce_job = 0;
        run_submission_reduce_job(sub, &reduce_job, &reduced);
        if (!reduced && reduce_job > 0 && run_slurm_job_queued(reduce_job)) {
            snprintf(buf, size, "%s", sub);
            *job = reduce_job;
            found = true;
        }
        free(sub);
    }
    closedir(d);
    return found;
}

/* A new directory STUDY/slurm/YYYYMMDD-HHMMSS[-N] into buf (made unless
 * dry_run). */
static ictus_status new_submission_dir(const char *slurm_dir, bool dry_run, char *buf,
                                       size_t size, ictus_error *err)
{
    ictus_status made = dry_run ? ICTUS_OK : ictus_outfile_mkdir(slurm_dir, err);
    if (made != ICTUS_OK)
        return made;
    time_t t = time(NULL);
    struct tm tm;
    char stamp[32] = "submission";
    if (localtime_r(&t, &tm))
        strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    for (int k = 1; k < 1000; k++) {
        char name[48];
        if (k == 1)
            snprintf(name, sizeof name, "%s", stamp);
        else
            snprintf(name, sizeof name, "%s-%d", stamp, k);
        ictus_status st = ictus_path_join(buf, size, slurm_dir, name, err);
        if (st != ICTUS_OK)
            return st;
        if (dry_run ? access(buf, F_OK) != 0 : mkdir(buf, 0777) == 0)
            return ICTUS_OK;
        if (!dry_run && errno != EEXIST)
            return ictus_fail(err, ICTUS_ERR_IO, "%s: cannot create: %s", buf, strerror(errno));
    }
    return ictus_fail(err, ICTUS_ERR_IO, "%s: too many submissions this second", slurm_dir);
}

static int64_t unix_now_us(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

static void lock_note(void *ctx, const char *line)
{
    const run_reporter *rep = ctx;
    rep->note(rep->ctx, line);
}

/* Write the scripts into `dir` (or print them: dry run) and submit them. */
static ictus_status submit_scripts(const run_slurm_options *o, const run_reporter *rep,
                                   const char *study_name, const char *study_abs,
                                   const char *dir, const run_slurm_split *split,
                                   run_slurm_summary *sum, ictus_error *err)
{
    run_submission_array *arrays = ictus_xcalloc((size_t)split->n_arrays + 1, sizeof *arrays);
    ictus_status st = ICTUS_OK;
    ictus_strbuf deps = {0};
    for (int k = 0; k < split->n_arrays && st == ICTUS_OK; k++) {
        int first = k * split->array_size;
        int n = split->n_tasks - first < split->array_size ? split->n_tasks - first
                                                           : split->array_size;
        ictus_strbuf text = {0};
        array_script(&text, o, study_name, study_abs, dir, k, split->n_arrays, first, n,
                     split->per_task);
        char name[32];
        snprintf(name, sizeof name, "array-%d.sh", k);
        /* with a throttle, each array after the one before: K at once in all */
        char prev[32];
        snprintf(prev, sizeof prev, "afterany:%" PRId64, k ? arrays[k - 1].job_id : 0);
        const char *dep = o->max_parallel > 0 && k > 0 ? prev : NULL;
        if (o->dry_run) {
            run_logf(rep, "\n--- %s/%s%s%s\n%s", dir, name, dep ? " (sbatch --dependency=afterany:"
                                                                  "<array " : "",
                     dep ? "before>)" : "", ictus_strbuf_text(&text));
        } else {
            st = write_text(dir, name, ictus_strbuf_text(&text), err);
            if (st == ICTUS_OK)
                st = sbatch(dir, name, dep, &arrays[k].job_id, err);
            if (st != ICTUS_OK)
                cancel_jobs(arrays, k);
        }
        arrays[k].first_task = first;
        arrays[k].n_tasks = n;
        ictus_strbuf_addf(&deps, "%s%" PRId64, k ? ":" : "afterany:", arrays[k].job_id);
        ictus_strbuf_free(&text);
    }
    ictus_strbuf text = {0};
    reduce_script(&text, o, study_name, study_abs, dir);
    int64_t reduce_job = 0;
    if (st == ICTUS_OK && o->dry_run)
        run_logf(rep, "\n--- %s/reduce.sh (sbatch --dependency=afterany:<every array>)\n%s", dir,
                 ictus_strbuf_text(&text));
    else if (st == ICTUS_OK) {
        /* jobs.txt names the arrays before the reduce can start: it reads them */
        st = run_submission_write_jobs(dir, arrays, split->n_arrays, 0, err);
        if (st == ICTUS_OK)
            st = write_text(dir, "reduce.sh", ictus_strbuf_text(&text), err);
        if (st == ICTUS_OK)
            st = sbatch(dir, "reduce.sh", ictus_strbuf_text(&deps), &reduce_job, err);
        if (st == ICTUS_OK)
            st = run_submission_write_jobs(dir, arrays, split->n_arrays, reduce_job, err);
        if (st != ICTUS_OK)
            cancel_jobs(arrays, split->n_arrays);
    }
    if (st == ICTUS_OK && !o->dry_run) {
        ictus_strbuf ids = {0};
        for (int k = 0; k < split->n_arrays; k++)
            ictus_strbuf_addf(&ids, "%s%" PRId64, k ? "," : "", arrays[k].job_id);
        run_logf(rep, "  submitted: array job%s %s (%d task%s), reduce job %" PRId64
                      " (after every task has ended: stores the results in ictus.db, then the "
                      "analysis and the report)\n"
                      "  watch: squeue -j %s,%" PRId64 "    logs: %s/logs/\n",
                 split->n_arrays == 1 ? "" : "s", ictus_strbuf_text(&ids), split->n_tasks,
                 split->n_tasks == 1 ? "" : "s", reduce_job, ictus_strbuf_text(&ids), reduce_job,
                 dir);
        snprintf(sum->arrays, sizeof sum->arrays, "%s", ictus_strbuf_text(&ids));
        sum->reduce_job = reduce_job;
        sum->n_tasks = split->n_tasks;
        sum->n_arrays = split->n_arrays;
        ictus_strbuf_free(&ids);
    }
    ictus_strbuf_free(&text);
    ictus_strbuf_free(&deps);
    free(arrays);
    return st;
}

/* With the study loaded and locked: plan, split, write, submit. */
static ictus_status plan_and_submit(const run_slurm_options *o, const run_reporter *rep,
                                    const ictus_study *study, const ictus_study_presets *ps,
                                    const char *study_abs, run_lock **lock,
                                    run_slurm_summary *sum, ictus_error *err)
{
    char db_path[ICTUS_PATH_MAX];
    ictus_store *store;
    ictus_status st = ictus_path_join(db_path, sizeof db_path, study->dir, "ictus.db", err);
    if (st == ICTUS_OK)
        st = ictus_store_open(db_path, &store, err);
    if (st != ICTUS_OK)
        return st;
    run_plan plan;
    run_plan_input in = {.study = study, .presets = ps, .now_unix_us = unix_now_us(),
                         .settle_s = o->settle_s};
    st = run_plan_make(&in, store, &plan, err);
    ictus_store_close(store);
    if (st != ICTUS_OK)
        return st;
    const run_file **files;
    int n;
    files = run_plan_files_to_read(&plan, &n);
    sum->n_to_read = n;
    if (n > 0) { /* a model that cannot be used stops here, not in every task */
        const struct ictus_model *model;
        for (int i = 0; i < ps->n && st == ICTUS_OK; i++)
            st = ictus_preset_model(&ps->presets[i].preset, &model, err);
    }
    run_slurm_limits lim;
    run_slurm_limits_read(&lim);
    run_slurm_split split = run_slurm_split_for(n, &lim);
    run_logf(rep, "ictus run %s --slurm: %d files: %d to read (%.1f MB)%s\n", study->dir,
             plan.n_files, n, (double)plan.bytes_to_read / 1e6,
             n == 0 ? ": nothing new, nothing submitted" : "");
    if (st == ICTUS_OK && n > 0)
        run_logf(rep, "  %d task%s of %d recording%s each, in %d array%s of at most %d "
                      "(MaxArraySize "
                      "%d%s, MaxJobCount %d)%s\n",
                 split.n_tasks, split.n_tasks == 1 ? "" : "s", split.per_task,
                 split.per_task == 1 ? "" : "s", split.n_arrays, split.n_arrays == 1 ? "" : "s",
                 split.array_size, lim.max_array_size,
                 lim.from_cluster ? "" : ": scontrol did not answer, Slurm's default",
                 lim.max_job_count, o->max_parallel > 0 ? "" : "; no --max-parallel: as many at "
                                                               "once as the cluster gives");
    char slurm_dir[ICTUS_PATH_MAX], dir[ICTUS_PATH_MAX];
    if (st == ICTUS_OK && n > 0)
        st = ictus_path_join(slurm_dir, sizeof slurm_dir, study_abs, "slurm", err);
    if (st == ICTUS_OK && n > 0)
        st = new_submission_dir(slurm_dir, o->dry_run, dir, sizeof dir, err);
    if (st == ICTUS_OK && n > 0 && !o->dry_run)
        st = run_submission_write_tasks(dir, files, n, split.per_task, err);
    free(files);
    run_plan_free(&plan);
    /* the tasks read the files, not the store: a local run may go on */
    run_lock_release(*lock);
    *lock = NULL;
    if (st == ICTUS_OK && n > 0)
        st = submit_scripts(o, rep, study->name, study_abs, dir, &split, sum, err);
    return st;
}

ictus_status run_slurm_submit(const run_slurm_options *o, const run_reporter *rep,
                              run_slurm_summary *sum, ictus_error *err)
{
    memset(sum, 0, sizeof *sum);
    char ini[ICTUS_PATH_MAX];
    ictus_status st = ictus_path_join(ini, sizeof ini, o->study_dir, "study.ini", err);
    if (st != ICTUS_OK)
        return st;
    if (access(ini, F_OK) != 0)
        return ictus_fail(err, ICTUS_ERR_CONFIG, "%s: not a study directory (%s: %s)",
                          o->study_dir, ini, strerror(errno));
    char *study_abs = realpath(o->study_dir, NULL);
    if (!study_abs)
        return ictus_fail(err, ICTUS_ERR_IO, "%s: %s", o->study_dir, strerror(errno));
    char slurm_dir[ICTUS_PATH_MAX], busy[ICTUS_PATH_MAX];
    int64_t busy_job = 0;
    st = ictus_path_join(slurm_dir, sizeof slurm_dir, study_abs, "slurm", err);
    if (st == ICTUS_OK && submission_in_flight(slurm_dir, busy, sizeof busy, &busy_job))
        st = ictus_fail(err, ICTUS_ERR_BUSY,
                        "%s: an earlier submission is still queued or running (reduce job %" PRId64
                        "): wait for it (squeue -j %" PRId64 ") or cancel it (scancel %" PRId64
                        " and its arrays, jobs.txt)", busy, busy_job, busy_job, busy_job);
    run_lock *lock = NULL;
    run_lock_notes notes = {lock_note, (void *)rep, o->stop_signal};
    if (st == ICTUS_OK)
        st = run_lock_take(o->study_dir, o->wait, unix_now_us(), o->version, &notes, &lock, err);
    ictus_study *study = NULL;
    if (st == ICTUS_OK)
        st = ictus_study_load(o->study_dir, &study, err);
    ictus_analysis_settings analysis; /* checked now, as `ictus run` does */
    ictus_analysis_settings_default(&analysis);
    if (st == ICTUS_OK)
        st = ictus_analysis_settings_apply(&analysis, study->config, err);
    ictus_study_presets ps;
    if (st == ICTUS_OK && (st = ictus_study_presets_load(study, &ps, err)) == ICTUS_OK) {
        st = plan_and_submit(o, rep, study, &ps, study_abs, &lock, sum, err);
        ictus_study_presets_free(&ps);
    }
    ictus_study_destroy(study);
    run_lock_release(lock);
    free(study_abs);
    return st;
}
