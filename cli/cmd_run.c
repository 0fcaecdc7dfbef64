/* cmd_run.c: `ictus run STUDY_DIR`: the nightly job (nightly/job.h) with the
 * log on stdout (or one line with --quiet) and in the log file, problems and
 * the progress bar on stderr, Ctrl-C and SIGTERM handled, the alert command
 * called (nightly/alert.h). */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/strbuf.h"
#include "cli/cli.h"
#include "nightly/alert.h"
#include "nightly/job.h"
#include "nightly/slurm.h"
#include "nightly/submission.h"

static const char usage_text[] =
    "usage: ictus run STUDY_DIR [options]\n"
    "The nightly job: find the study's new and changed recordings (recordings/ and\n"
    "recordings.csv), detect seizures in parallel, store the results in\n"
    "STUDY_DIR/ictus.db and regenerate STUDY_DIR/out/.  Unchanged files are skipped;\n"
    "files still being written are left for the next run.  The summary ends with a\n"
    "table of seizures per analysable 24 h per animal and period and the response\n"
    "classes, and a warning saying why classes are undetermined.\n"
    "A file unchanged for --settle seconds that holds less than its header promises\n"
    "(cut short, or its header never finished) is analysed up to its last complete\n"
    "record, with a warning; the missing time counts as not recorded.  If the file\n"
    "grows later, the next run analyses it again.\n"
    "Each animal is detected with its own preset: animals.csv's preset column, else\n"
    "its model (study.ini [presets] lines PRESET = MODEL, MODEL...; or a model that\n"
    "a preset knows: IHKA, Dravet, ...), else study.ini [study] preset.  An animal\n"
    "whose model matches no preset fails, named, with its recordings (exit 1); the\n"
    "other animals are analysed.  [PRESET.SECTION] sections, such as\n"
    "[dravet-mouse.detector], override one preset; [detector] etc. override all.\n"
    "Overridden presets are recorded as NAME@VERSION+HASH6 (events.csv `preset`).\n"
    "  -j, --jobs N        files processed at once (default: all cores)\n"
    "  --wait              wait for another run on the study to finish (default: exit 2)\n"
    "  --settle S          files modified less than S seconds ago are still being\n"
    "                      written (default 60)\n"
    "  --log FILE          also append the log to FILE, every line with its date and\n"
    "                      time (default: study.ini [run] log, relative to the study)\n"
    "  -q, --quiet         print nothing when there was nothing new, else one line\n"
    "                      (files, failures, events, warnings; with --slurm: what was\n"
    "                      submitted); problems still go to stderr and the log file\n"
    "                      still gets everything\n"
    "  --timings FILE      write the time spent on each file (CSV) for benchmarks\n"
    "On a Slurm cluster (README: Running on a cluster):\n"
    "  --slurm             plan as above, then submit job arrays (one task per new or\n"
    "                      changed recording, each writing its own shard under\n"
    "                      STUDY_DIR/slurm/SUBMISSION/) and a reduce job that runs after\n"
    "                      every task has ended, stores the shards in ictus.db, then\n"
    "                      analyses and reports as this run does; prints the job ids\n"
    "  --partition P       the partition of every job (default: the cluster's)\n"
    "  --time T            time limit of each task and of the reduce (sbatch --time)\n"
    "  --max-parallel K    at most K tasks at once (default: as the cluster gives)\n"
    "  --dry-run           plan and print the scripts --slurm would submit; submit\n"
    "                      nothing, write nothing\n"
    "  --slurm-task DIR --task N, --slurm-reduce DIR   what the submitted scripts run\n"
    "study.ini [run]: log = FILE; on_failure = COMMAND (run by /bin/sh in the study\n"
    "directory when the run fails, with the run's log on its stdin and ICTUS_STUDY,\n"
    "ICTUS_EXIT, ICTUS_LOG set; its own failure is reported, never changes the run);\n"
    "alert_on = failure (default) | warnings; alert_timeout_s = S (default 60).\n"
    "Ctrl-C or SIGTERM: the files being read are finished and stored, the run is\n"
    "recorded as interrupted, and the next run does the rest (a second Ctrl-C stops\n"
    "at once; the database stays consistent either way).\n"
    "Exit status: 0 every file went well; 1 some file or manifest row failed (listed\n"
    "in the summary and in the database) or an error stopped the run; 2 bad usage or\n"
    "configuration, or another run holds the study; 3 every file went well, with\n"
    "warnings (e.g. a recording gone from the study); 130 interrupted by SIGINT\n"
    "(Ctrl-C), 143 by SIGTERM.  --slurm: 0 submitted (or nothing new), 1 sbatch\n"
    "refused, 2 also when an earlier submission is still queued or running.\n";

enum {
    OPT_WAIT = 1200, OPT_SETTLE, OPT_TIMINGS, OPT_LOG, OPT_SLURM, OPT_PARTITION, OPT_TIME,
    OPT_MAX_PARALLEL, OPT_DRY_RUN, OPT_SLURM_TASK, OPT_TASK, OPT_SLURM_REDUCE
};

/* Exit statuses of run beyond cli.h's 0/1/2. */
enum { RUN_EXIT_SIGNAL_BASE = 128 };

/* The command line. */
typedef struct {
    run_job_options job;
    const char *log_path;  /* --log, NULL when not given */
    bool quiet;
    bool slurm;            /* --slurm: submit (slurm.h) */
    run_slurm_options slurm_opt;
    const char *task_dir;  /* --slurm-task DIR: be array task `task` of it */
    int task;              /* --task N; -1 when not given */
} run_args;

/* A --partition or --time value goes on an #SBATCH line: letters, digits
 * and . , : - _ only. */
static bool sbatch_word(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              strchr(".,:-_", *s)))
            return false;
    return true;
}

/* Parse the command line into *a; *help when --help was given. */
static ictus_status parse_options(int argc, char **argv, run_args *a, bool *help,
                                  ictus_error *err)
{
    static const struct option longopts[] = {
        {"jobs", required_argument, NULL, 'j'}, {"wait", no_argument, NULL, OPT_WAIT},
        {"settle", required_argument, NULL, OPT_SETTLE},
        {"timings", required_argument, NULL, OPT_TIMINGS},
        {"log", required_argument, NULL, OPT_LOG}, {"quiet", no_argument, NULL, 'q'},
        {"slurm", no_argument, NULL, OPT_SLURM},
        {"partition", required_argument, NULL, OPT_PARTITION},
        {"time", required_argument, NULL, OPT_TIME},
        {"max-parallel", required_argument, NULL, OPT_MAX_PARALLEL},
        {"dry-run", no_argument, NULL, OPT_DRY_RUN},
        {"slurm-task", required_argument, NULL, OPT_SLURM_TASK},
        {"task", required_argument, NULL, OPT_TASK},
        {"slurm-reduce", required_argument, NULL, OPT_SLURM_REDUCE},
        {"help", no_argument, NULL, OPT_HELP}, {NULL, 0, NULL, 0},
    };
    run_job_options *o = &a->job;
    *a = (run_args){.job = {.jobs = cli_cpu_count(), .settle_s = RUN_DEFAULT_SETTLE_S,
                            .version = ICTUS_VERSION},
                    .task = -1};
    run_slurm_options *so = &a->slurm_opt;
    bool bad = false, slurm_only = false;
    int opt;
    char *end;
    while ((opt = getopt_long(argc, argv, "j:qh", longopts, NULL)) != -1) {
        switch (opt) {
        case 'j':
            o->jobs = (int)strtol(optarg, &end, 10);
            if (*end || o->jobs < 1 || o->jobs > 1024)
                cli_usage_error(err, "--jobs '%s': expected a number of workers 1..1024", optarg);
            break;
        case OPT_WAIT:
            o->wait = true;
            break;
        case OPT_SETTLE:
            o->settle_s = strtod(optarg, &end);
            if (*end || !(o->settle_s >= 0) || o->settle_s > 1e7)
                cli_usage_error(err, "--settle '%s': expected a number of seconds >= 0", optarg);
            break;
        case OPT_TIMINGS:
            o->timings_path = optarg;
            break;
        case OPT_LOG:
            a->log_path = optarg;
            break;
        case 'q':
            a->quiet = true;
            break;
        case OPT_SLURM:
            a->slurm = true;
            break;
        case OPT_PARTITION:
        case OPT_TIME:
            if (!sbatch_word(optarg))
                cli_usage_error(err, "--%s '%s': letters, digits and . , : - _ only",
                                opt == OPT_TIME ? "time" : "partition", ICTUS_QUOTE(optarg));
            *(opt == OPT_TIME ? &so->time_limit : &so->partition) = optarg;
            slurm_only = true;
            break;
        case OPT_MAX_PARALLEL:
            so->max_parallel = (int)strtol(optarg, &end, 10);
            if (*end || so->max_parallel < 1 || so->max_parallel > 1000000)
                cli_usage_error(err, "--max-parallel '%s': expected a number of tasks >= 1",
                                optarg);
            slurm_only = true;
            break;
        case OPT_DRY_RUN:
            so->dry_run = true;
            slurm_only = true;
            break;
        case OPT_SLURM_TASK:
            a->task_dir = optarg;
            break;
        case OPT_TASK:
            a->task = (int)strtol(optarg, &end, 10);
            if (*end || a->task < 0)
                cli_usage_error(err, "--task '%s': expected a task number >= 0", optarg);
            break;
        case OPT_SLURM_REDUCE:
            o->submission_dir = optarg;
            break;
        case OPT_HELP:
            *help = true;
            return ICTUS_OK;
        default:
            bad = true;
        }
    }
    if (bad || err->status)
        return cli_bad_command_line(err);
    if (slurm_only && !a->slurm)
        return cli_usage_error(err, "run: --partition, --time, --max-parallel and --dry-run go "
                                    "with --slurm");
    if ((a->task_dir != NULL) != (a->task >= 0))
        return cli_usage_error(err, "run: --slurm-task DIR and --task N go together");
    if (a->slurm + (a->task_dir != NULL) + (o->submission_dir != NULL) > 1)
        return cli_usage_error(err, "run: one of --slurm, --slurm-task and --slurm-reduce");
    if (optind + 1 != argc)
        return cli_usage_error(err, optind == argc
                                        ? "run: which study? give STUDY_DIR"
                                        : "run: one study at a time (got '%s' after the study)",
                               optind < argc ? argv[argc - 1] : "");
    o->study_dir = argv[optind];
    so->study_dir = o->study_dir;
    so->wait = o->wait;
    so->settle_s = o->settle_s;
    so->version = o->version;
    return ICTUS_OK;
}

/* ------------------------------------------------------------------------
 * Where the words go: stdout (unless quiet), stderr, the log file, and a
 * copy for the alert command
 * ---------------------------------------------------------------------- */

typedef struct {
    bool quiet;
    FILE *log;              /* the log file (appended), or NULL */
    /* everything said, for the alert command's stdin: a temporary file (a
     * first run of 160,000 files says 17 MB), made only when study.ini [run]
     * on_failure is set; NULL otherwise or when it could not be made
     * (capture_errno says why) */
    FILE *captured;
    int capture_errno;
} run_output;

/* The length of a "YYYY-MM-DD HH:MM:SS " the line starts with (the job's
 * header and per-file lines carry their time), else 0. */
static size_t own_time_length(const char *line)
{
    static const char pattern[] = "dddd-dd-dd dd:dd:dd ";
    for (size_t i = 0; pattern[i]; i++)
        if (pattern[i] == 'd' ? !(line[i] >= '0' && line[i] <= '9') : line[i] != pattern[i])
            return 0;
    return sizeof pattern - 1;
}

/* Append `text` (whole lines) to the log file, each line prefixed with the
 * ISO 8601 local time, e.g. "2026-01-05T08:00:01+0100 " (instead of the
 * time a line carries). */
static void to_log_file(run_output *ro, const char *text)
{
    if (!ro->log)
        return;
    time_t t = time(NULL);
    struct tm tm;
    char when[40] = "";
    if (localtime_r(&t, &tm))
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S%z", &tm);
    for (const char *line = text; *line;) {
        size_t n = strcspn(line, "\n"), skip = own_time_length(line);
        fprintf(ro->log, "%s %.*s\n", when, (int)(n - skip), line + skip);
        line += n + (line[n] == '\n');
    }
    fflush(ro->log);
}

/* Keep `text` in the copy for the alert command, when there is one. */
static void capture(run_output *ro, const char *text)
{
    if (ro->captured)
        fputs(text, ro->captured);
}

/* The log: stdout (flushed: cron and the journal see each line as it
 * comes) unless quiet, the log file, the copy. */
static void log_text(void *ctx, const char *text)
{
    run_output *ro = ctx;
    if (!ro->quiet) {
        fputs(text, stdout);
        fflush(stdout);
    }
    to_log_file(ro, text);
    capture(ro, text);
}

/* A line the user must see: stderr always, the log file, the copy. */
static void say_line(run_output *ro, const char *line)
{
    fprintf(stderr, "ictus: %s\n", line);
    ictus_strbuf text = {0};
    ictus_strbuf_addf(&text, "ictus: %s\n", line);
    to_log_file(ro, ictus_strbuf_text(&text));
    capture(ro, ictus_strbuf_text(&text));
    ictus_strbuf_free(&text);
}

/* A problem as the job meets it (a file failed, a wait): stderr, the log
 * file, the copy.  With --quiet, the log file and the copy only: the
 * summary's list of problems comes on stderr at the end (problem_line),
 * once, beside the one line that counts them. */
static void note_line(void *ctx, const char *line)
{
    run_output *ro = ctx;
    if (!ro->quiet) {
        say_line(ro, line);
        return;
    }
    ictus_strbuf text = {0};
    ictus_strbuf_addf(&text, "ictus: %s\n", line);
    to_log_file(ro, ictus_strbuf_text(&text));
    capture(ro, ictus_strbuf_text(&text));
    ictus_strbuf_free(&text);
}

/* A problem of the summary: with --quiet, on stderr too (without --quiet
 * the summary on stdout lists it already). */
static void problem_line(void *ctx, const char *kind, const char *message)
{
    run_output *ro = ctx;
    if (ro->quiet)
        fprintf(stderr, "ictus: %s: %s\n", kind, message);
}

static void bar_line(void *ctx, const char *line)
{
    fprintf(stderr, "\r\033[K%s", line);
    fflush(stderr);
}

/* ------------------------------------------------------------------------
 * Signals
 * ---------------------------------------------------------------------- */

static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
    stop_signal = sig;
}

/* SIGINT and SIGTERM ask the job to stop; the handler is reset by the
 * first one, so that a second one stops the program at once. */
static void catch_stop_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sa.sa_flags = SA_RESETHAND | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* ------------------------------------------------------------------------
 * The verb
 * ---------------------------------------------------------------------- */

/* The one line of --quiet: "" (nothing) after a night with nothing new. */
static void quiet_line(const char *study_dir, run_job_result result, const run_job_summary *sum,
                       ictus_strbuf *out)
{
    if (result == RUN_JOB_OK && sum->files_to_read == 0)
        return;
    ictus_strbuf_addf(out, "ictus run %s: %d file%s processed, %" PRId64 " failed, %" PRId64
                      " event%s, %d warning%s",
                      study_dir, sum->files_done, sum->files_done == 1 ? "" : "s",
                      sum->files_failed, sum->events_found, sum->events_found == 1 ? "" : "s",
                      sum->warnings, sum->warnings == 1 ? "" : "s");
    if (sum->n_undetermined)
        ictus_strbuf_addf(out, ", %d of %d response classes undetermined", sum->n_undetermined,
                          sum->n_classes);
    if (result == RUN_JOB_STOPPED)
        ictus_strbuf_add(out, "; STOPPED by an error");
    ictus_strbuf_add(out, "\n");
}

/* The exit status of a run that ended with `result` (usage_text). */
static int exit_code_of(run_job_result result, const run_job_summary *sum)
{
    switch (result) {
    case RUN_JOB_OK:
        return CLI_OK;
    case RUN_JOB_WARNINGS:
        return CLI_WARNINGS;
    case RUN_JOB_PROBLEMS:
    case RUN_JOB_STOPPED:
        return CLI_PROBLEMS;
    case RUN_JOB_INTERRUPTED:
        return RUN_EXIT_SIGNAL_BASE + sum->stop_signal;
    case RUN_JOB_NOT_STARTED:
        break;
    }
    return CLI_USAGE;
}

/* Call [run] on_failure when the run's exit status asks for it; its own
 * failure is a note (stderr and the log), nothing more. */
static void alert(const run_alert_settings *as, const char *study_dir, int code,
                  run_output *ro)
{
    if (!as->on_failure || code == CLI_OK ||
        (code == CLI_WARNINGS && as->alert_on != RUN_ALERT_ON_WARNINGS))
        return;
    ictus_error err;
    ictus_error_clear(&err);
    if (!ro->captured)
        ictus_fail(&err, ICTUS_ERR_IO, "[run] on_failure: cannot make its input: %s",
                   strerror(ro->capture_errno));
    if (!ro->captured ||
        run_alert_call(as, study_dir, code, as->log_path, ro->captured, &err) != ICTUS_OK)
        say_line(ro, err.msg);
}

/* Open the log file: --log, else study.ini [run] log, else none. */
static ictus_status open_log(const run_args *a, run_alert_settings *as, run_output *ro,
                             ictus_error *err)
{
    if (a->log_path)
        snprintf(as->log_path, sizeof as->log_path, "%s", a->log_path);
    if (!as->log_path[0])
        return ICTUS_OK;
    ro->log = fopen(as->log_path, "a");
    if (!ro->log)
        return ictus_fail(err, ICTUS_ERR_CONFIG, "%s: cannot open the log file: %s",
                          as->log_path, strerror(errno));
    return ICTUS_OK;
}

/* Run the job and account for it: the interrupt line, the quiet line, the
 * alert; returns the exit status. */
static int run_and_report(run_args *a, const run_alert_settings *as, run_output *ro,
                          ictus_error *err)
{
    run_reporter rep = {.ctx = ro, .log = log_text, .note = note_line, .bar = bar_line,
                        .problem = problem_line,
                        .tty = !ro->quiet && isatty(STDERR_FILENO)};
    a->job.stop_signal = &stop_signal;
    catch_stop_signals();
    run_job_summary sum;
    run_job_result result = run_job(&a->job, &rep, &sum, err);
    int code = exit_code_of(result, &sum);
    if (result == RUN_JOB_NOT_STARTED && stop_signal) /* while waiting for the lock */
        code = RUN_EXIT_SIGNAL_BASE + stop_signal;
    ictus_strbuf line = {0};
    if (result == RUN_JOB_INTERRUPTED) {
        ictus_strbuf_addf(&line, "run interrupted by %s; %d file%s done, %d left for the next run",
                          sum.stop_signal == SIGTERM ? "SIGTERM" : "SIGINT", sum.files_done,
                          sum.files_done == 1 ? "" : "s", sum.files_to_read - sum.files_done);
        say_line(ro, ictus_strbuf_text(&line));
    } else if (result == RUN_JOB_NOT_STARTED || result == RUN_JOB_STOPPED) {
        say_line(ro, err->msg[0] ? err->msg : ictus_strstatus(err->status));
    }
    if (ro->quiet && result != RUN_JOB_INTERRUPTED && result != RUN_JOB_NOT_STARTED) {
        quiet_line(a->job.study_dir, result, &sum, &line);
        fputs(ictus_strbuf_text(&line), stdout);
        to_log_file(ro, ictus_strbuf_text(&line));
    }
    ictus_strbuf_free(&line);
    alert(as, a->job.study_dir, code, ro);
    return code;
}

/* --slurm-task DIR --task N: one array task (submission.h).  Its threads:
 * the CPUs Slurm gave it (SLURM_CPUS_PER_TASK), else 1. */
static ictus_status run_task(const run_args *a, ictus_error *err)
{
    const char *cpus = getenv("SLURM_CPUS_PER_TASK");
    int threads = cpus ? atoi(cpus) : 1;
    ictus_status st = run_submission_task(a->job.study_dir, a->task_dir, a->task,
                                          threads >= 1 && threads <= 1024 ? threads : 1, err);
    return st == ICTUS_OK ? ICTUS_OK : cli_exit_with(CLI_PROBLEMS, err);
}

/* --slurm: plan and submit (slurm.h), the log on stdout. */
static ictus_status run_submit(run_args *a, ictus_error *err)
{
    run_output ro = {.quiet = a->quiet};
    run_reporter rep = {.ctx = &ro, .log = log_text, .note = note_line, .bar = bar_line,
                        .problem = problem_line};
    char *exe = realpath("/proc/self/exe", NULL);
    if (!exe)
        return ictus_fail(err, ICTUS_ERR_IO, "/proc/self/exe: cannot find this program: %s",
                          strerror(errno));
    a->slurm_opt.exe = exe;
    a->slurm_opt.stop_signal = &stop_signal;
    catch_stop_signals();
    run_slurm_summary sum;
    ictus_status st = run_slurm_submit(&a->slurm_opt, &rep, &sum, err);
    free(exe);
    if (st == ICTUS_OK && a->quiet && sum.reduce_job > 0) /* cron's mail: what went out */
        printf("ictus run %s --slurm: %d recording%s in %d task%s submitted: array job%s %s, "
               "reduce job %" PRId64 "\n",
               a->job.study_dir, sum.n_to_read, sum.n_to_read == 1 ? "" : "s", sum.n_tasks,
               sum.n_tasks == 1 ? "" : "s", sum.n_arrays == 1 ? "" : "s", sum.arrays,
               sum.reduce_job);
    return st;
}

static ictus_status run_run(int argc, char **argv, ictus_error *err)
{
    run_args a;
    bool help = false;
    ictus_status st = parse_options(argc, argv, &a, &help, err);
    if (help) {
        fputs(usage_text, stdout);
        return ICTUS_OK;
    }
    if (st != ICTUS_OK)
        return st;
    if (a.task_dir)
        return run_task(&a, err);
    if (a.slurm)
        return run_submit(&a, err);
    run_alert_settings as = {0};
    run_output ro = {.quiet = a.quiet};
    char ini[ICTUS_PATH_MAX];
    /* a directory without study.ini: the job says it is not a study */
    st = ictus_path_join(ini, sizeof ini, a.job.study_dir, "study.ini", err);
    if (st == ICTUS_OK && access(ini, F_OK) == 0)
        st = run_alert_settings_read(a.job.study_dir, &as, err);
    if (st == ICTUS_OK)
        st = open_log(&a, &as, &ro, err);
    if (st == ICTUS_OK && as.on_failure) {
        ro.captured = tmpfile();
        ro.capture_errno = errno;
    }
    if (st != ICTUS_OK) {
        run_alert_settings_free(&as);
        return cli_config_failure(err);
    }
    int code = run_and_report(&a, &as, &ro, err);
    if (ro.log)
        fclose(ro.log);
    if (ro.captured)
        fclose(ro.captured);
    run_alert_settings_free(&as);
    if (code == CLI_OK)
        return ICTUS_OK;
    ictus_error_clear(err); /* printed already (note_line) */
    return cli_exit_with(code, err);
}

const cli_verb cli_verb_run = {
    "run", run_run,
    "STUDY_DIR [-j N] [--wait] [-q]   the nightly job: new files -> detect, store, out/",
    usage_text};
