/* job.c: the nightly job of one study, from the lock to the summary (job.h). */
#include "nightly/job.h"

#include <errno.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "base/csvout.h"
#include "base/path.h"
#include "base/strbuf.h"
#include "base/vec.h"
#include "nightly/commit.h"
#include "nightly/lock.h"
#include "nightly/plan.h"
#include "nightly/pool.h"
#include "nightly/submission.h"
#include "nightly/work.h"
#include "protocols/analysis.h"
#include "report/exports.h"
#include "report/gallery.h"
#include "report/report.h"
#include "report/response_table.h"
#include "protocols/study.h"
#include "protocols/study_preset.h"
#include "store/store.h"

/* How many per-animal lines the summary prints before "... and N more". */
#define SUMMARY_MAX_ANIMALS 40
/* How many problems the summary prints before "... and N more". */
#define SUMMARY_MAX_PROBLEMS 40

#define US_PER_DAY (INT64_C(86400) * 1000000)

/* The size from which a block gets a mapping of its own (run_job()), and
 * while the workers detect: the most glibc's moving threshold reaches. */
#define RUN_MMAP_THRESHOLD (128 * 1024)
#define RUN_DETECT_MMAP_THRESHOLD (32 * 1024 * 1024)

/* Blocks of `bytes` and more in mappings of their own; the heap's top
 * given back beyond twice that, as glibc's moving thresholds do. */
static void set_mmap_threshold(int bytes)
{
    mallopt(M_MMAP_THRESHOLD, bytes);
    mallopt(M_TRIM_THRESHOLD, 2 * bytes);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int64_t unix_now_us(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

/* The caller asked the run to stop (SIGINT, SIGTERM): its signal, else 0. */
static int stop_requested(const run_job_options *o)
{
    return o->stop_signal ? (int)*o->stop_signal : 0;
}

/* ------------------------------------------------------------------------
 * Setting up: the run row, the study's problems
 * ---------------------------------------------------------------------- */

/* Say so when the run before this one never finished (killed, power cut):
 * this run picks up its work. */
static void note_interrupted_run(ictus_store *store, const run_reporter *rep)
{
    ictus_store_run_row last;
    bool found;
    ictus_error err;
    if (ictus_store_last_run(store, &last, &found, &err) != ICTUS_OK || !found ||
        (last.status != ICTUS_RUN_RUNNING && last.status != ICTUS_RUN_INTERRUPTED))
        return;
    time_t t = (time_t)(last.started_unix_us / 1000000);
    struct tm tm;
    char when[32] = "?";
    if (localtime_r(&t, &tm))
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
    run_logf(rep, "the previous run (run %" PRId64 ", pid %" PRId64 " on %s, started %s) was "
                  "interrupted; this run finishes its work\n", last.id, last.pid, last.host, when);
}

/* The study's manifest problems (rejected rows...) and its animals whose
 * preset cannot be had as failed problems of the run, its warnings (fields
 * kept unknown) as warnings.  Each line starts with the file it is about:
 * "DIR/recordings.csv:3:2 ...". */
static ictus_status record_study_problems(const ictus_study *study,
                                          const ictus_study_presets *ps, run_committer *c,
                                          ictus_error *err)
{
    for (int i = 0; i < ps->n_animals; i++)
        if (ps->animal_error[i]) {
            ictus_status st = run_commit_problem(c, "animals.csv", ICTUS_PROBLEM_FAILED,
                                                 ps->animal_error[i], err);
            if (st != ICTUS_OK)
                return st;
        }
    size_t dir_len = strlen(study->dir);
    for (int i = 0; i < study->problems.n + study->warnings.n; i++) {
        bool warning = i >= study->problems.n;
        const char *line = warning ? study->warnings.lines[i - study->problems.n]
                                   : study->problems.lines[i];
        const char *file = strncmp(line, study->dir, dir_len) == 0 && line[dir_len] == '/'
                               ? line + dir_len + 1
                               : line;
        ictus_strbuf path = {0};
        ictus_strbuf_addf(&path, "%.*s", (int)strcspn(file, ":"), file);
        ictus_status st =
            run_commit_problem(c, ictus_strbuf_text(&path),
                               warning ? ICTUS_PROBLEM_WARNING : ICTUS_PROBLEM_FAILED, line, err);
        ictus_strbuf_free(&path);
        if (st != ICTUS_OK)
            return st;
    }
    return ICTUS_OK;
}

/* ------------------------------------------------------------------------
 * The final steps: outputs regenerated from the database
 * ---------------------------------------------------------------------- */

/* What the final steps leave for the summary. */
typedef struct {
    ictus_strbuf table;                  /* the response table (response_table.h), or "" */
    ictus_response_table_counts classes; /* what it showed */
    int export_warnings;                 /* recordings the exports skipped */
} run_final_out;

typedef struct {
    const ictus_study *study;
    ictus_store *store;
    const char *out_dir;       /* STUDY_DIR/out, created */
    const run_reporter *rep;   /* for what a step skipped (one line each) */
    ictus_analysis **an;       /* the analysis step's, for the report; freed by the caller */
    const ictus_store_run_end *run_so_far; /* this run's counts: the report's "what changed" */
    run_final_out *out;        /* what the steps leave for the summary */
} run_step_context;

/* out/events.csv: every stored event (the export writes a temporary file
 * beside it and renames it over the old one: readers never see half a file). */
static ictus_status step_events(const run_step_context *ctx, ictus_error *err)
{
    char path[ICTUS_PATH_MAX];
    ictus_status st = ictus_path_join(path, sizeof path, ctx->out_dir, "events.csv", err);
    return st == ICTUS_OK ? ictus_store_export_events(ctx->store, path, err) : st;
}

/* out/periods.csv, responders.csv, comparisons.csv, analysis-settings.txt:
 * the analysis of the stored events under study.ini [analysis]
 * (protocols/analysis.h).  Manifest problems (a bad dosing.csv row) leave
 * their rows out: the run reports them and exits 1, the analysis uses the
 * valid rows.  A bad [analysis] setting fails the step. */
static ictus_status step_analysis(const run_step_context *ctx, ictus_error *err)
{
    ictus_analysis_settings set;
    ictus_analysis_settings_default(&set);
    ictus_status st = ictus_analysis_settings_apply(&set, ctx->study->config, err);
    if (st == ICTUS_OK)
        st = ictus_analysis_compute(ctx->study, ctx->store, &set, ctx->an, err);
    if (st == ICTUS_OK)
        st = ictus_analysis_write(*ctx->an, ctx->out_dir, err);
    if (st == ICTUS_OK)
        ictus_response_table(*ctx->an, "  ", SUMMARY_MAX_ANIMALS, &ctx->out->table,
                             &ctx->out->classes);
    return st;
}

/* out/report/index.html and report.pdf, out/review.csv and out/annotations/:
 * the cohort report and the exports for review elsewhere (report/report.h,
 * report/exports.h), under study.ini [report] (an unknown key fails the
 * step).  A recording the exports skip is named through the reporter. */
static ictus_status step_report(const run_step_context *ctx, ictus_error *err)
{
    ictus_exports_options eo;
    ictus_exports_options_default(&eo);
    static const char *const own[] = {"report", NULL};
    ictus_gallery_options go;
    ictus_gallery_options_default(&go);
    ictus_status st = ictus_exports_options_apply(&eo, ctx->study->config, err);
    if (st == ICTUS_OK)
        st = ictus_gallery_options_apply(&go, ctx->study->config, err);
    if (st == ICTUS_OK)
        st = ictus_config_check_used(ctx->study->config, own, err);
    if (st == ICTUS_OK)
    {
        ictus_report_options ro = {.this_run = ctx->run_so_far};
        st = ictus_report_write_analysis(ctx->study, *ctx->an, ctx->store, &ro, NULL, err);
    }
    ictus_exports_summary sum;
    if (st == ICTUS_OK)
        st = ictus_report_exports_study(ctx->study, ctx->out_dir, &eo, &sum, err);
    if (st == ICTUS_OK) {
        for (int i = 0; i < sum.problems.n; i++)
            ctx->rep->note(ctx->rep->ctx, sum.problems.lines[i]);
        ctx->out->export_warnings += sum.problems.n;
        ictus_problems_clear(&sum.problems);
    }
    return st;
}

/* The steps that run after detection, in order, at the end of every run,
 * also when no file changed (an output lost or damaged is rebuilt).  Each
 * reads only the database and writes under out/ atomically (temporary file
 * + rename). */
static const struct {
    const char *output;
    ictus_status (*run)(const run_step_context *ctx, ictus_error *err);
} final_steps[] = {
    {"out/events.csv", step_events},
    {"out/periods.csv, responders.csv, comparisons.csv", step_analysis},
    {"out/report/, review.csv, annotations/", step_report},
};

/* Run the final steps in order; a stop request (o->stop_signal) skips the
 * steps not begun (each step's files are whole: out/ stays consistent per
 * file).  *out is the caller's (zeroed; free its table). */
static ictus_status run_final_steps(const run_job_options *o, const ictus_study *study,
                                    ictus_store *store, const run_reporter *rep,
                                    const ictus_store_run_end *so_far, run_final_out *out,
                                    ictus_error *err)
{
    char out_dir[ICTUS_PATH_MAX];
    ictus_status path_st = ictus_path_join(out_dir, sizeof out_dir, study->dir, "out", err);
    if (path_st != ICTUS_OK)
        return path_st;
    if (mkdir(out_dir, 0777) != 0 && errno != EEXIST)
        return ictus_fail(err, ICTUS_ERR_IO, "%s: cannot create: %s", out_dir, strerror(errno));
    ictus_analysis *an = NULL;
    run_step_context ctx = {study, store, out_dir, rep, &an, so_far, out};
    ictus_status st = ICTUS_OK;
    for (size_t i = 0; st == ICTUS_OK && !stop_requested(o) &&
                       i < sizeof final_steps / sizeof final_steps[0]; i++)
        st = final_steps[i].run(&ctx, err);
    ictus_analysis_destroy(an);
    return st;
}

/* ------------------------------------------------------------------------
 * Detecting: the pool, storing each outcome, timings
 * ---------------------------------------------------------------------- */

/* Time spent, for the summary and --timings. */
typedef struct {
    double hash_s, detect_s, store_s;  /* summed over files (hash and detect on workers) */
    double plan_s, steps_s;
} run_times;

/* One line about a finished file for the log: how it ended. */
static void describe_outcome(const run_outcome *out, char *buf, size_t size)
{
    switch (out->kind) {
    case RUN_OUT_SAME:
        snprintf(buf, size, "content unchanged (only its date or place on disk changed)");
        return;
    case RUN_OUT_INCOMPLETE:
        snprintf(buf, size, "still being written: left for the next run");
        return;
    case RUN_OUT_FAILED:
        snprintf(buf, size, "FAILED");
        return;
    case RUN_OUT_DUPLICATE:
        snprintf(buf, size, "FAILED: same content as %s", out->duplicate_of->path);
        return;
    case RUN_OUT_RESULTS:
        break;
    }
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < out->n_animals && len < size; i++) {
        const run_animal *a = &out->animals[i];
        int n = a->error[0] ? snprintf(buf + len, size - len, "%s%s: FAILED", i ? ", " : "",
                                       a->animal)
                            : snprintf(buf + len, size - len, "%s%s: %d event%s", i ? ", " : "",
                                       a->animal, (int)a->res.n_events,
                                       a->res.n_events == 1 ? "" : "s");
        len += n > 0 ? (size_t)n : 0;
    }
}

static int64_t outcome_recorded_us(const run_outcome *out)
{
    int64_t us = 0;
    for (int i = 0; i < out->n_animals; i++)
        if (!out->animals[i].error[0])
            us += out->animals[i].res.duration_us;
    return us;
}

static void write_timing(ictus_out *t, const run_outcome *out, double store_s)
{
    static const char *const kinds[] = {"results", "same", "incomplete", "failed", "duplicate"};
    ictus_out_field(t, out->file->path);
    ictus_out_char(t, ',');
    ictus_out_str(t, kinds[out->kind]);
    ictus_out_char(t, ',');
    ictus_out_int(t, out->identity.size_bytes);
    ictus_out_char(t, ',');
    ictus_out_fixed(t, (double)outcome_recorded_us(out) / 1e6, 3);
    const double secs[] = {out->hash_s, out->detect_s, store_s};
    for (int i = 0; i < 3; i++) {
        ictus_out_char(t, ',');
        ictus_out_fixed(t, secs[i], 6);
    }
    ictus_out_char(t, '\n');
}

/* Report the problems of one outcome as they happen. */
static void note_problems(run_progress *progress, const run_outcome *out)
{
    if (out->kind == RUN_OUT_FAILED || out->kind == RUN_OUT_INCOMPLETE)
        run_progress_note(progress, out->message);
    for (int i = 0; i < out->n_animals; i++)
        if (out->animals[i].error[0] || out->animals[i].warning[0])
            run_progress_note(progress, out->animals[i].error[0] ? out->animals[i].error
                                                                 : out->animals[i].warning);
    if (out->kind == RUN_OUT_RESULTS && out->cut_short[0]) {
        char line[sizeof out->cut_short + 16];
        snprintf(line, sizeof line, "warning: %s", out->cut_short);
        run_progress_note(progress, line);
    }
}

/* Detect the plan's files to read on `jobs` workers and store each outcome;
 * *files_done counts the outcomes stored.  A stop request (o->stop_signal)
 * hands out no more files: the outcomes of the files being worked on are
 * still stored. */
static ictus_status detect_and_store(const run_job_options *o, const run_reporter *rep,
                                     const ictus_study *study, const ictus_study_presets *ps,
                                     const run_plan *plan, const run_submission *sub,
                                     run_committer *c, ictus_out *timings, run_times *times,
                                     int *files_done, ictus_error *err)
{
    int n_to_read, n = 0;
    const run_file **files = run_plan_files_to_read(plan, &n_to_read);
    for (int i = 0; i < n_to_read; i++) /* a reduce: only what its submission sent to tasks */
        if (!sub || run_submission_has(sub, files[i]))
            files[n++] = files[i];
    int workers = o->jobs < n ? o->jobs : n > 0 ? n : 1;
    run_work_context ctx = {.study = study, .presets = ps, .plan = plan,
                            .analyzer_threads = o->jobs / workers > 1 ? o->jobs / workers : 1,
                            .submission = sub};
    run_progress *progress = run_progress_create(rep, n, plan->bytes_to_read);
    run_pool *pool = run_pool_start(&ctx, files, n, workers);
    ictus_status st = ICTUS_OK;
    bool all_done = n == 0, cancelled = false;
    while (!all_done && st == ICTUS_OK) {
        if (!cancelled && stop_requested(o)) {
            run_pool_cancel(pool);
            cancelled = true;
        }
        run_outcome out;
        if (!run_pool_next(pool, 200, &out, &all_done)) {
            run_progress_tick(progress);
            continue;
        }
        double t0 = now_s();
        st = run_commit_file(c, &out, err);
        *files_done += st == ICTUS_OK;
        double store_s = now_s() - t0;
        times->hash_s += out.hash_s;
        times->detect_s += out.detect_s;
        times->store_s += store_s;
        if (timings)
            write_timing(timings, &out, store_s);
        note_problems(progress, &out);
        char what[1024];
        describe_outcome(&out, what, sizeof what);
        run_progress_file_done(progress, out.file->path, out.identity.size_bytes,
                               outcome_recorded_us(&out), out.hash_s + out.detect_s + store_s,
                               what);
        run_outcome_clear(&out);
    }
    run_pool_stop(pool);
    run_progress_destroy(progress);
    free(files);
    return st;
}

/* ------------------------------------------------------------------------
 * The summary
 * ---------------------------------------------------------------------- */

typedef struct {
    int n;
    size_t cap;
    struct {
        char *animal;
        int64_t events, recordings, not_ok;
    } *rows;
} study_totals;

static ictus_status add_total(void *ctx, const char *animal, int64_t recordings, int64_t events,
                              int64_t not_ok, ictus_error *err)
{
    study_totals *t = ctx;
    ICTUS_GROW(t->rows, t->n + 1, t->cap);
    t->rows[t->n].animal = ictus_xstrdup(animal);
    t->rows[t->n].events = events;
    t->rows[t->n].recordings = recordings;
    t->rows[t->n].not_ok = not_ok;
    t->n++;
    return ICTUS_OK;
}

static const run_animal_tally *find_tally(const run_commit_counts *k, const char *animal)
{
    for (int i = 0; i < k->n_animals; i++)
        if (strcmp(k->animals[i].animal, animal) == 0)
            return &k->animals[i];
    return NULL;
}

static void report_summary(const run_reporter *rep, const ictus_study *study,
                           ictus_store *store, const run_plan *plan, const run_commit_counts *k,
                           const run_times *times, double wall_s, int jobs, bool reduce,
                           ictus_run_status status, const run_final_out *final)
{
    const ictus_store_run_end *e = &k->end;
    run_logf(rep, "\nictus run %s (%s): %s in %.1f s\n", study->dir, study->name,
             status == ICTUS_RUN_OK         ? "done"
             : status == ICTUS_RUN_PROBLEMS ? "done, with problems"
                                            : "STOPPED by an error",
             wall_s);
    run_logf(rep, "  files: %d in the study: %" PRId64 " new, %" PRId64 " changed, %" PRId64
             " unchanged, %" PRId64 " still being written, %" PRId64 " failed\n",
             plan->n_files, e->files_new, e->files_changed, e->files_skipped, e->files_incomplete,
             e->files_failed);
    double days = (double)k->recorded_us / US_PER_DAY;
    if (reduce) /* detected by the Slurm tasks: this run only stored their shards */
        run_logf(rep, "  detected by the Slurm tasks: %.2f animal-days; %" PRId64 " event%s "
                 "found\n", days, e->events_found, e->events_found == 1 ? "" : "s");
    else
        run_logf(rep, "  detected: %.2f animal-days in %.1f s (%.2f animal-days/s, %d job%s); "
                 "%" PRId64 " event%s found\n", days, wall_s, wall_s > 0 ? days / wall_s : 0,
                 jobs, jobs == 1 ? "" : "s", e->events_found, e->events_found == 1 ? "" : "s");
    run_logf(rep, "  time: hash %.2f s + read and detect %.2f s (summed over %s), "
                  "store %.3f s, plan %.3f s, outputs %.3f s\n", times->hash_s, times->detect_s,
             reduce ? "tasks" : "workers", times->store_s, times->plan_s, times->steps_s);
    study_totals totals = {0};
    ictus_error err;
    if (ictus_store_animal_totals(store, add_total, &totals, &err) == ICTUS_OK && totals.n) {
        run_logf(rep, "  events per animal (this run / whole study):\n");
        for (int i = 0; i < totals.n; i++) {
            if (i < SUMMARY_MAX_ANIMALS) {
                const run_animal_tally *t = find_tally(k, totals.rows[i].animal);
                char not_ok[64] = "";
                if (totals.rows[i].not_ok)
                    snprintf(not_ok, sizeof not_ok, " (%" PRId64 " failed, stale or incomplete)",
                             totals.rows[i].not_ok);
                run_logf(rep,
                         "    %-16s %6" PRId64 " / %-6" PRId64 " in %" PRId64 " recording%s%s\n",
                         totals.rows[i].animal, t ? t->events : 0, totals.rows[i].events,
                         totals.rows[i].recordings, totals.rows[i].recordings == 1 ? "" : "s",
                         not_ok);
            }
            free(totals.rows[i].animal);
        }
        if (totals.n > SUMMARY_MAX_ANIMALS)
            run_logf(rep, "    ... and %d more animals\n", totals.n - SUMMARY_MAX_ANIMALS);
    }
    free(totals.rows);
    if (k->n_problems) {
        run_logf(rep, "  problems (%d; also in the database, table run_problems):\n",
                 k->n_problems);
        for (int i = 0; i < k->n_problems && i < SUMMARY_MAX_PROBLEMS; i++) {
            run_logf(rep, "    %s: %s\n", ictus_problem_kind_name(k->problems[i].kind),
                     k->problems[i].message);
            if (rep->problem)
                rep->problem(rep->ctx, ictus_problem_kind_name(k->problems[i].kind),
                             k->problems[i].message);
        }
        if (k->n_problems > SUMMARY_MAX_PROBLEMS)
            run_logf(rep, "    ... and %d more\n", k->n_problems - SUMMARY_MAX_PROBLEMS);
    }
    if (plan->scan_warning[0])
        run_logf(rep, "  warning: %s\n", plan->scan_warning);
    run_logf(rep, "  results: %s/ictus.db, %s/out/events.csv, report %s/out/report/index.html\n",
             study->dir, study->dir, study->dir);
    if (ictus_strbuf_text(&final->table)[0])
        run_logf(rep, "%s", ictus_strbuf_text(&final->table));
}

/* "2026-01-05 08:00:00": now, local time, for the log's header line. */
static void local_now(char *buf, size_t size)
{
    time_t t = time(NULL);
    struct tm tm;
    buf[0] = '\0';
    if (localtime_r(&t, &tm))
        strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm);
}

/* The run was stopped (o->stop_signal) after its last transaction: record
 * it as interrupted; the caller prints the one line. */
static run_job_result finish_interrupted(ictus_store *store, int64_t run_id,
                                         const run_commit_counts *k, const run_reporter *rep)
{
    ictus_store_run_end end = k->end;
    end.ended_unix_us = unix_now_us();
    end.status = ICTUS_RUN_INTERRUPTED;
    ictus_error finish_err;
    if (ictus_store_run_finish(store, run_id, &end, &finish_err) != ICTUS_OK)
        rep->note(rep->ctx, finish_err.msg);
    return RUN_JOB_INTERRUPTED;
}

/* The run's problems that failed something (not warnings). */
static int n_failed_problems(const run_commit_counts *k)
{
    int n = 0;
    for (int i = 0; i < k->n_problems; i++)
        n += k->problems[i].kind == ICTUS_PROBLEM_FAILED;
    return n;
}

/* The run went to its end (st: what stopped it, if anything): record how
 * it ended, report the summary. */
static run_job_result finish_run(const run_job_options *o, const run_reporter *rep,
                                 const ictus_study *study, ictus_store *store, int64_t run_id,
                                 const run_plan *plan, const run_commit_counts *k,
                                 const run_times *times, double wall_s, ictus_status st,
                                 const run_final_out *final, const run_job_summary *sum,
                                 ictus_error *err)
{
    bool problems = k->end.files_failed > 0 || study->problems.n > 0 || n_failed_problems(k) > 0;
    ictus_run_status status = st != ICTUS_OK ? ICTUS_RUN_FAILED
                              : problems     ? ICTUS_RUN_PROBLEMS
                                             : ICTUS_RUN_OK;
    ictus_store_run_end end = k->end;
    end.ended_unix_us = unix_now_us();
    end.status = status;
    ictus_error finish_err;
    if (ictus_store_run_finish(store, run_id, &end, &finish_err) != ICTUS_OK) {
        if (status == ICTUS_RUN_FAILED) /* err holds what stopped the run */
            rep->note(rep->ctx, finish_err.msg);
        else
            *err = finish_err;
        status = ICTUS_RUN_FAILED;
    }
    report_summary(rep, study, store, plan, k, times, wall_s, o->jobs,
                   o->submission_dir != NULL, status, final);
    return status == ICTUS_RUN_PROBLEMS ? RUN_JOB_PROBLEMS
           : status != ICTUS_RUN_OK     ? RUN_JOB_STOPPED
           : sum->warnings > 0          ? RUN_JOB_WARNINGS
                                        : RUN_JOB_OK;
}

/* ------------------------------------------------------------------------
 * The job
 * ---------------------------------------------------------------------- */

/* What the run did, for the caller's one-line account (job.h). */
static void fill_summary(const ictus_study *study, const run_plan *plan,
                         const run_commit_counts *k, const run_final_out *final,
                         run_job_summary *sum)
{
    sum->files_to_read = plan->n_to_read;
    sum->files_failed = k->end.files_failed + study->problems.n;
    sum->events_found = k->end.events_found;
    sum->warnings = final->export_warnings + (plan->scan_warning[0] != '\0');
    for (int i = 0; i < k->n_problems; i++)
        sum->warnings += k->problems[i].kind == ICTUS_PROBLEM_WARNING;
    sum->n_classes = final->classes.n_classes;
    sum->n_undetermined = final->classes.n_undetermined;
}

/* The reduce's line under the plan line: what the submission holds, and
 * the files to read it does not (new or changed since it was made). */
static void note_submission(const run_reporter *rep, const run_submission *sub,
                            const run_plan *plan)
{
    int later = 0;
    for (int i = 0; i < plan->n_files; i++)
        later += (plan->files[i].action == RUN_CHECK || plan->files[i].action == RUN_PROCESS) &&
                 !run_submission_has(sub, &plan->files[i]);
    run_logf(rep, "  Slurm submission %s: %d recording%s sent to its tasks",
             run_submission_dir(sub),
             run_submission_size(sub), run_submission_size(sub) == 1 ? "" : "s");
    if (later)
        run_logf(rep, "; %d file%s new or changed since it was made: left for the next run or "
                      "submission", later, later == 1 ? "" : "s");
    run_logf(rep, "\n");
}

/* Steps 3 to 7 of the run (the study is loaded and locked). */
static run_job_result run_study(const run_job_options *o, const run_reporter *rep,
                                const ictus_study *study, const ictus_study_presets *ps,
                                int64_t started_unix_us, run_job_summary *sum, ictus_error *err)
{
    double t_start = now_s();
    char db_path[ICTUS_PATH_MAX];
    ictus_store *store;
    if (ictus_path_join(db_path, sizeof db_path, study->dir, "ictus.db", err) != ICTUS_OK ||
        ictus_store_open(db_path, &store, err) != ICTUS_OK)
        return RUN_JOB_NOT_STARTED;
    note_interrupted_run(store, rep);
    char host[256] = "unknown";
    gethostname(host, sizeof host - 1);
    ictus_strbuf ids = {0}, params = {0}; /* the presets of the study's animals */
    ictus_study_presets_describe(ps, study, &ids, &params);
    ictus_store_run_info info = {.started_unix_us = started_unix_us, .version = o->version,
                                 .host = host, .pid = getpid(), .preset = ictus_strbuf_text(&ids),
                                 .params_text = ictus_strbuf_text(&params)};
    int64_t run_id;
    ictus_status run_st = ictus_store_run_start(store, &info, &run_id, err);
    ictus_strbuf_free(&ids);
    ictus_strbuf_free(&params);
    if (run_st != ICTUS_OK) {
        ictus_store_close(store);
        return RUN_JOB_NOT_STARTED;
    }
    run_times times = {0};
    run_plan plan;
    run_plan_input in = {.study = study, .presets = ps, .now_unix_us = unix_now_us(),
                         .settle_s = o->settle_s};
    ictus_status st = run_plan_make(&in, store, &plan, err);
    if (st != ICTUS_OK) {
        ictus_store_run_end end = {.ended_unix_us = unix_now_us(), .status = ICTUS_RUN_FAILED};
        ictus_error ignored; /* the plan's error is the one to report */
        ictus_store_run_finish(store, run_id, &end, &ignored);
        ictus_store_close(store);
        return RUN_JOB_STOPPED;
    }
    run_committer *c = run_commit_create(store, run_id, &plan);
    st = record_study_problems(study, ps, c, err);
    if (st == ICTUS_OK)
        st = run_commit_plan(c, err);
    times.plan_s = now_s() - t_start;
    char when[32];
    local_now(when, sizeof when);
    run_logf(rep, "%s ictus run %s: %d files: %d to read (%.1f MB), %d unchanged; %d job%s\n",
             when, study->dir, plan.n_files, plan.n_to_read, (double)plan.bytes_to_read / 1e6,
             (int)run_commit_get_counts(c).end.files_skipped, o->jobs, o->jobs == 1 ? "" : "s");

    ictus_out timings = {0};
    bool have_timings = false;
    if (st == ICTUS_OK && o->timings_path) {
        st = ictus_out_open(&timings, o->timings_path, err);
        have_timings = st == ICTUS_OK;
        if (have_timings)
            ictus_out_str(&timings, "path,outcome,bytes,recorded_s,hash_s,detect_s,store_s\n");
    }
    if (st == ICTUS_OK && plan.n_to_read > 0) {
        /* a model that cannot be used stops the run once, before any file is read, rather
         * than failing every file (a night with nothing new never loads it) */
        const struct ictus_model *model;
        for (int i = 0; i < ps->n && st == ICTUS_OK; i++)
            st = ictus_preset_model(&ps->presets[i].preset, &model, err);
    }
    run_submission *sub = NULL;
    if (st == ICTUS_OK && o->submission_dir) {
        st = run_submission_open(o->submission_dir, &sub, err);
        if (st == ICTUS_OK)
            note_submission(rep, sub, &plan);
    }
    /* The workers allocate and free blocks of some hundred KiB per file:
     * from the heap while they detect (a mapping each was 25 % more CPU in
     * the kernel on a study of tiny files); see run_job(). */
    set_mmap_threshold(RUN_DETECT_MMAP_THRESHOLD);
    if (st == ICTUS_OK)
        st = detect_and_store(o, rep, study, ps, &plan, sub, c, have_timings ? &timings : NULL,
                              &times, &sum->files_done, err);
    set_mmap_threshold(RUN_MMAP_THRESHOLD);
    if (have_timings) {
        ictus_error close_err;
        if (ictus_out_close(&timings, &close_err) != ICTUS_OK && st == ICTUS_OK) {
            *err = close_err;
            st = close_err.status;
        }
    }
    /* The files' rows and the committer's table of hashes are not needed
     * any more: the outputs below do not hold them at the same time, and
     * their pages go back to the system (they lie among the study's blocks,
     * in pieces the outputs' blocks do not fit: a first run of 160,000
     * files peaked 10 MiB higher in the outputs without this). */
    run_commit_release_files(c);
    run_plan_release_files(&plan);
    malloc_trim(0);
    double t_steps = now_s();
    run_final_out final = {0};
    if (st == ICTUS_OK && !stop_requested(o)) {
        run_commit_counts so_far = run_commit_get_counts(c);
        st = run_final_steps(o, study, store, rep, &so_far.end, &final, err);
    }
    times.steps_s = now_s() - t_steps;

    run_commit_counts k = run_commit_get_counts(c);
    fill_summary(study, &plan, &k, &final, sum);
    sum->stop_signal = stop_requested(o);
    run_job_result result =
        sum->stop_signal
            ? finish_interrupted(store, run_id, &k, rep)
            : finish_run(o, rep, study, store, run_id, &plan, &k, &times, now_s() - t_start,
                         st, &final, sum, err);
    if (sub && result != RUN_JOB_INTERRUPTED && result != RUN_JOB_STOPPED) {
        /* stored: the shards go (a reduce stopped keeps them for the next one) */
        char line[256];
        snprintf(line, sizeof line, "reduced by run %" PRId64 ": %d file%s stored", run_id,
                 sum->files_done, sum->files_done == 1 ? "" : "s");
        ictus_error finish_err;
        if (run_submission_finish(sub, line, &finish_err) != ICTUS_OK)
            rep->note(rep->ctx, finish_err.msg);
    }
    run_submission_close(sub);
    ictus_strbuf_free(&final.table);
    run_commit_destroy(c);
    run_plan_free(&plan);
    ictus_store_close(store);
    return result;
}

static void lock_note(void *ctx, const char *line)
{
    const run_reporter *rep = ctx;
    rep->note(rep->ctx, line);
}

run_job_result run_job(const run_job_options *o, const run_reporter *rep, run_job_summary *sum,
                       ictus_error *err)
{
    memset(sum, 0, sizeof *sum);
    /* Blocks of 128 KiB and more in mappings of their own, given back when
     * freed, for the whole run.  glibc's default threshold moves: freeing a
     * mapped block raises it to that block's size (up to 32 MiB), and the
     * trim threshold to twice that, so after the first large block freed
     * (recordings.csv read whole) the plan's, the analysis's and the
     * exports' large arrays came from the heap and their pages stayed
     * there when freed, among the blocks still in use (a first run of
     * 160,000 files: the outputs' peak 66 MiB, 58 with the threshold
     * fixed, 48 with the exports' recordings cut to those with events). */
    set_mmap_threshold(RUN_MMAP_THRESHOLD);
    char ini[ICTUS_PATH_MAX];
    if (ictus_path_join(ini, sizeof ini, o->study_dir, "study.ini", err) != ICTUS_OK)
        return RUN_JOB_NOT_STARTED;
    if (access(ini, F_OK) != 0) { /* before the lock: no stray ictus.lock outside a study */
        ictus_fail(err, ICTUS_ERR_CONFIG, "%s: not a study directory (%s: %s)", o->study_dir, ini,
                   strerror(errno));
        return RUN_JOB_NOT_STARTED;
    }
    int64_t started_unix_us = unix_now_us();
    run_lock *lock;
    run_lock_notes notes = {lock_note, (void *)rep, o->stop_signal};
    if (run_lock_take(o->study_dir, o->wait, started_unix_us, o->version, &notes, &lock, err) !=
        ICTUS_OK)
        return RUN_JOB_NOT_STARTED;
    ictus_study *study;
    if (ictus_study_load(o->study_dir, &study, err) != ICTUS_OK) {
        run_lock_release(lock);
        return RUN_JOB_NOT_STARTED;
    }
    ictus_study_presets ps;
    run_job_result result = RUN_JOB_NOT_STARTED;
    ictus_analysis_settings analysis; /* checked now: a bad one stops before any work, as
                                         `ictus analyze` does */
    ictus_analysis_settings_default(&analysis);
    if (ictus_analysis_settings_apply(&analysis, study->config, err) == ICTUS_OK &&
        ictus_study_presets_load(study, &ps, err) == ICTUS_OK) {
        result = run_study(o, rep, study, &ps, started_unix_us, sum, err);
        ictus_study_presets_free(&ps);
    }
    ictus_study_destroy(study);
    run_lock_release(lock);
    return result;
}
