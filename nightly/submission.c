/* submission.c: a Slurm submission's directory: task list, shards, failure
 * records (submission.h). */
#include "nightly/submission.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/csvout.h"
#include "base/csvtable.h"
#include "base/outfile.h"
#include "base/path.h"
#include "base/readfile.h"
#include "base/strbuf.h"
#include "nightly/shard.h"
#include "nightly/slurm.h"
#include "protocols/study.h"
#include "protocols/study_preset.h"

/* A failure record is one line; more is cut. */
#define FAILURE_RECORD_MAX 1024

static const char *const task_columns[] = {"task", "path", "size_bytes", "mtime_ns",
                                           "inode", "rejected_line", "same_hash"};
enum { COL_TASK, COL_PATH, COL_SIZE, COL_MTIME, COL_INODE, COL_REJECTED, COL_SAME, N_COLS };

/* DIR/shards/ROW.shard, DIR/failed/TASK.txt. */
static char *shard_path(const char *dir, int row)
{
    ictus_strbuf b = {0};
    ictus_strbuf_addf(&b, "%s/shards/%d.shard", dir, row);
    return ictus_strbuf_take(&b);
}

static char *failure_path(const char *dir, int task)
{
    ictus_strbuf b = {0};
    ictus_strbuf_addf(&b, "%s/failed/%d.txt", dir, task);
    return ictus_strbuf_take(&b);
}

/* DIR/NAME, created when absent. */
static ictus_status make_dir(const char *dir, const char *name, ictus_error *err)
{
    char *path = ictus_path_join_alloc(dir, name);
    ictus_status st = ictus_outfile_mkdir(path, err);
    free(path);
    return st;
}

/* ------------------------------------------------------------------------
 * Writing
 * ---------------------------------------------------------------------- */

/* The stored content hash a task compares a file with (work.h: action
 * check), when every stored row of `f` has the same one; else false. */
static bool same_hash(const run_file *f, ictus_hash128 *hash)
{
    if (f->action != RUN_CHECK || f->n_stored == 0)
        return false;
    for (int k = 0; k < f->n_stored; k++)
        if (!f->stored[k].has_content_hash ||
            !ictus_hash128_equal(f->stored[k].content_hash, f->stored[0].content_hash))
            return false;
    *hash = f->stored[0].content_hash;
    return true;
}

ictus_status run_submission_write_tasks(const char *dir, const run_file *const *files, int n,
                                        int per_task, ictus_error *err)
{
    char *path = ictus_path_join_alloc(dir, RUN_SUBMISSION_TASKS);
    ictus_out o;
    ictus_status st = ictus_out_open(&o, path, err);
    free(path);
    if (st != ICTUS_OK)
        return st;
    for (int c = 0; c < N_COLS; c++) {
        if (c)
            ictus_out_char(&o, ',');
        ictus_out_str(&o, task_columns[c]);
    }
    ictus_out_char(&o, '\n');
    for (int i = 0; i < n; i++) {
        const run_file *f = files[i];
        ictus_out_printf(&o, "%d,", i / per_task);
        ictus_out_field(&o, f->path);
        ictus_out_printf(&o, ",%" PRId64 ",%" PRId64 ",%" PRIu64 ",%d,", f->identity.size_bytes,
                         f->identity.mtime_ns, f->identity.inode, f->rejected_line);
        ictus_hash128 h;
        char hex[ICTUS_HASH_HEX_SIZE];
        if (same_hash(f, &h))
            ictus_out_str(&o, ictus_hash128_format(h, hex));
        ictus_out_char(&o, '\n');
    }
    st = ictus_out_close(&o, err);
    if (st == ICTUS_OK)
        st = make_dir(dir, "shards", err);
    if (st == ICTUS_OK)
        st = make_dir(dir, "failed", err);
    if (st == ICTUS_OK)
        st = make_dir(dir, "logs", err);
    return st;
}

typedef struct {
    const run_submission_array *arrays;
    int n_arrays;
    int64_t reduce_job;
} jobs_list;

static void fill_jobs(ictus_out *o, const void *ctx)
{
    const jobs_list *j = ctx;
    ictus_out_str(o, "# what ictus run --slurm submitted: array JOB FIRST_TASK N_TASKS, "
                     "reduce JOB\n");
    for (int i = 0; i < j->n_arrays; i++)
        ictus_out_printf(o, "array %" PRId64 " %d %d\n", j->arrays[i].job_id,
                         j->arrays[i].first_task, j->arrays[i].n_tasks);
    ictus_out_printf(o, "reduce %" PRId64 "\n", j->reduce_job);
}

/* Written whole (temporary file, rename): it is written twice, and the
 * reduce may read it in between. */
ictus_status run_submission_write_jobs(const char *dir, const run_submission_array *arrays,
                                       int n_arrays, int64_t reduce_job, ictus_error *err)
{
    jobs_list j = {arrays, n_arrays, reduce_job};
    return ictus_outfile_write(dir, RUN_SUBMISSION_JOBS, fill_jobs, &j, err);
}

/* Read DIR/jobs.txt: its arrays (*arrays, *n) and reduce job; false when
 * it is not there or not readable. */
static bool read_jobs(const char *dir, run_submission_array **arrays, int *n, int64_t *reduce)
{
    char *path = ictus_path_join_alloc(dir, RUN_SUBMISSION_JOBS);
    FILE *f = fopen(path, "r");
    free(path);
    *n = 0;
    *reduce = 0;
    if (arrays)
        *arrays = NULL;
    if (!f)
        return false;
    char line[256];
    size_t cap = 0;
    while (fgets(line, sizeof line, f)) {
        run_submission_array a;
        int64_t job;
        if (sscanf(line, "array %" SCNd64 " %d %d", &a.job_id, &a.first_task, &a.n_tasks) == 3 &&
            arrays) {
            if ((size_t)*n == cap) {
                cap = cap ? 2 * cap : 8;
                *arrays = ictus_xrealloc(*arrays, cap * sizeof **arrays);
            }
            (*arrays)[(*n)++] = a;
        } else if (sscanf(line, "reduce %" SCNd64, &job) == 1)
            *reduce = job;
    }
    fclose(f);
    return true;
}

void run_submission_reduce_job(const char *dir, int64_t *job_id, bool *reduced)
{
    int n;
    read_jobs(dir, NULL, &n, job_id);
    char *done = ictus_path_join_alloc(dir, RUN_SUBMISSION_DONE);
    *reduced = access(done, F_OK) == 0;
    free(done);
}

/* ------------------------------------------------------------------------
 * The task list, read back
 * ---------------------------------------------------------------------- */

typedef struct {
    const char *path;     /* the table's */
    int row, task;
    ictus_file_identity identity;
    int rejected_line;
    bool has_same;
    ictus_hash128 same;
} task_row;

/* Parse a non-negative integer field; false when it is not one. */
static bool parse_i64(const char *s, int64_t *out)
{
    if (!*s)
        return false;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (*end || errno || v < 0)
        return false;
    *out = v;
    return true;
}

/* Read DIR/tasks.csv into rows[0..*n) (strings in *table). */
static ictus_status read_tasks(const char *dir, ictus_csv **table, task_row **rows, int *n,
                               ictus_error *err)
{
    char *path = ictus_path_join_alloc(dir, RUN_SUBMISSION_TASKS);
    *rows = NULL;
    *n = 0;
    ictus_status st = ictus_csv_read(path, table, err);
    if (st == ICTUS_OK)
        st = ictus_csv_require(*table, task_columns, N_COLS, err);
    if (st != ICTUS_OK) {
        free(path);
        return st;
    }
    int cols[N_COLS];
    for (int c = 0; c < N_COLS; c++)
        cols[c] = ictus_csv_column(*table, task_columns[c]);
    int n_rows = ictus_csv_rows(*table);
    *rows = ictus_xcalloc((size_t)n_rows + 1, sizeof **rows);
    for (int r = 0; r < n_rows && st == ICTUS_OK; r++) {
        task_row *t = &(*rows)[r];
        int64_t task = 0, size = 0, mtime = 0, inode = 0, rejected = 0;
        const char *same = ictus_csv_field(*table, r, cols[COL_SAME]);
        t->path = ictus_csv_field(*table, r, cols[COL_PATH]);
        t->row = r;
        t->has_same = same[0] != '\0';
        if (!parse_i64(ictus_csv_field(*table, r, cols[COL_TASK]), &task) || task > INT32_MAX ||
            !parse_i64(ictus_csv_field(*table, r, cols[COL_SIZE]), &size) ||
            !parse_i64(ictus_csv_field(*table, r, cols[COL_MTIME]), &mtime) ||
            !parse_i64(ictus_csv_field(*table, r, cols[COL_INODE]), &inode) ||
            !parse_i64(ictus_csv_field(*table, r, cols[COL_REJECTED]), &rejected) ||
            rejected > INT32_MAX || !t->path[0] ||
            (t->has_same && !ictus_hash128_parse(same, &t->same)))
            st = ictus_fail(err, ICTUS_ERR_DATA, "%s: line %d: not a task row ictus wrote", path,
                            ictus_csv_line(*table, r));
        t->task = (int)task;
        t->identity = (ictus_file_identity){.size_bytes = size, .mtime_ns = mtime,
                                            .inode = (uint64_t)inode};
        t->rejected_line = (int)rejected;
    }
    free(path);
    if (st != ICTUS_OK) {
        free(*rows);
        *rows = NULL;
        ictus_csv_destroy(*table);
        *table = NULL;
        return st;
    }
    *n = n_rows;
    return ICTUS_OK;
}

/* ------------------------------------------------------------------------
 * An array task
 * ---------------------------------------------------------------------- */

/* Write the task's failure record (best effort: the reduce also asks Slurm). */
static void write_failure(const char *dir, int task, const char *message)
{
    char *path = failure_path(dir, task);
    FILE *f = fopen(path, "w");
    if (f) {
        fprintf(f, "%s\n", message);
        fclose(f);
    }
    free(path);
}

/* The plan's file for a task row: what the plan knew, and the study's
 * recordings.csv rows of its path in manifest order (plan.c does the same). */
static void task_file(const ictus_study *study, const task_row *t, run_file *f,
                      const ictus_recording_entry ***entries, run_stored_row *stored)
{
    *f = (run_file){.path = t->path, .identity = t->identity, .rejected_line = t->rejected_line,
                    .action = RUN_PROCESS, .exists = true};
    int n = 0;
    for (int i = 0; i < study->n_recordings; i++)
        n += strcmp(study->recordings[i].path, t->path) == 0;
    *entries = ictus_xcalloc((size_t)n + 1, sizeof **entries);
    for (int i = 0; i < study->n_recordings; i++)
        if (strcmp(study->recordings[i].path, t->path) == 0)
            (*entries)[f->n_entries++] = &study->recordings[i];
    f->entries = *entries;
    if (t->has_same) { /* only its identity changed: the worker hashes and compares */
        *stored = (run_stored_row){.content_hash = t->same, .has_content_hash = true};
        f->stored = stored;
        f->n_stored = 1;
        f->action = RUN_CHECK;
    }
}

ictus_status run_submission_task(const char *study_dir, const char *dir, int task, int threads,
                                 ictus_error *err)
{
    ictus_csv *table = NULL;
    task_row *rows = NULL;
    int n = 0;
    ictus_study *study = NULL;
    ictus_study_presets ps = {0};
    bool have_ps = false;
    ictus_status st = read_tasks(dir, &table, &rows, &n, err);
    if (st == ICTUS_OK)
        st = ictus_study_load(study_dir, &study, err);
    if (st == ICTUS_OK) {
        st = ictus_study_presets_load(study, &ps, err);
        have_ps = st == ICTUS_OK;
    }
    run_plan plan = {.study_dir = study_dir};
    run_work_context ctx = {.study = study, .presets = &ps, .plan = &plan,
                            .analyzer_threads = threads > 0 ? threads : 1};
    int done = 0;
    for (int r = 0; r < n && st == ICTUS_OK; r++) {
        if (rows[r].task != task)
            continue;
        run_file f;
        const ictus_recording_entry **entries;
        run_stored_row stored;
        task_file(study, &rows[r], &f, &entries, &stored);
        run_outcome out;
        run_work_file(&ctx, &f, &out);
        char *path = shard_path(dir, r);
        st = run_shard_write(path, &out, err);
        free(path);
        run_outcome_clear(&out);
        free(entries);
        done++;
    }
    if (st == ICTUS_OK && done == 0)
        st = ictus_fail(err, ICTUS_ERR_USAGE, "%s/%s: no recording for task %d", dir,
                        RUN_SUBMISSION_TASKS, task);
    if (st != ICTUS_OK)
        write_failure(dir, task, err->msg);
    if (have_ps)
        ictus_study_presets_free(&ps);
    ictus_study_destroy(study);
    free(rows);
    ictus_csv_destroy(table);
    return st;
}

/* ------------------------------------------------------------------------
 * The reduce
 * ---------------------------------------------------------------------- */

struct run_submission {
    char *dir;
    ictus_csv *table;
    task_row *rows;       /* in tasks.csv order */
    task_row **by_path;   /* sorted by path */
    int n;
    run_submission_array *arrays;
    int n_arrays;
    int64_t reduce_job;
};

static int cmp_row_path(const void *a, const void *b)
{
    const task_row *x = *(const task_row *const *)a, *y = *(const task_row *const *)b;
    return strcmp(x->path, y->path);
}

ictus_status run_submission_open(const char *dir, run_submission **out, ictus_error *err)
{
    run_submission *s = ictus_xcalloc(1, sizeof *s);
    s->dir = ictus_xstrdup(dir);
    ictus_status st = read_tasks(dir, &s->table, &s->rows, &s->n, err);
    if (st != ICTUS_OK) {
        run_submission_close(s);
        return st;
    }
    s->by_path = ictus_xcalloc((size_t)s->n + 1, sizeof *s->by_path);
    for (int i = 0; i < s->n; i++)
        s->by_path[i] = &s->rows[i];
    qsort(s->by_path, (size_t)s->n, sizeof *s->by_path, cmp_row_path);
    read_jobs(dir, &s->arrays, &s->n_arrays, &s->reduce_job);
    *out = s;
    return ICTUS_OK;
}

void run_submission_close(run_submission *s)
{
    if (!s)
        return;
    free(s->dir);
    ictus_csv_destroy(s->table);
    free(s->rows);
    free(s->by_path);
    free(s->arrays);
    free(s);
}

const char *run_submission_dir(const run_submission *s)
{
    return s->dir;
}

int run_submission_size(const run_submission *s)
{
    return s->n;
}

static const task_row *find_row(const run_submission *s, const char *path)
{
    task_row key = {.path = path}, *pkey = &key;
    task_row **hit = bsearch(&pkey, s->by_path, (size_t)s->n, sizeof *s->by_path, cmp_row_path);
    return hit ? *hit : NULL;
}

bool run_submission_has(const run_submission *s, const run_file *f)
{
    return find_row(s, f->path) != NULL;
}

/* Why a task left no shard for row t: its failure record, its Slurm state
 * and its log, into b. */
static void explain_missing(const run_submission *s, const task_row *t, ictus_strbuf *b)
{
    const run_submission_array *a = NULL;
    for (int i = 0; i < s->n_arrays && !a; i++)
        if (t->task >= s->arrays[i].first_task &&
            t->task < s->arrays[i].first_task + s->arrays[i].n_tasks)
            a = &s->arrays[i];
    char *record_path = failure_path(s->dir, t->task);
    char *record = NULL;
    size_t len = 0;
    ictus_error ignored;
    if (ictus_read_file_max(record_path, FAILURE_RECORD_MAX, &record, &len, &ignored) != ICTUS_OK)
        record = NULL;
    free(record_path);
    if (a) {
        char job[64], state[256];
        snprintf(job, sizeof job, "%" PRId64 "_%d", a->job_id, t->task - a->first_task);
        run_slurm_job_state(job, state, sizeof state);
        if (state[0])
            ictus_strbuf_addf(b, "its Slurm task %s ended %s", job, state);
        else /* a task cancelled while pending leaves no record; MinJobAge forgets the rest */
            ictus_strbuf_addf(b, "its Slurm task %s never ran or Slurm no longer knows it "
                                 "(cancelled before it started, or ended longer ago than "
                                 "MinJobAge)", job);
        ictus_strbuf_addf(b, "; log %s/logs/array-%d-%d.out", s->dir, (int)(a - s->arrays),
                          t->task - a->first_task);
    } else
        ictus_strbuf_addf(b, "task %d was not submitted (see %s/%s)", t->task, s->dir,
                          RUN_SUBMISSION_JOBS);
    if (record && len) {
        record[strcspn(record, "\n")] = '\0';
        ictus_strbuf_addf(b, "; it said: %s", ICTUS_QUOTE(record));
    }
    free(record);
}

void run_submission_outcome(const run_submission *s, const run_file *f, run_outcome *out)
{
    const task_row *t = find_row(s, f->path);
    char *path = shard_path(s->dir, t ? t->row : -1);
    ictus_error err;
    ictus_status st = ICTUS_ERR_IO;
    bool present = t && access(path, F_OK) == 0;
    if (present)
        st = run_shard_read(path, f, out, &err);
    free(path);
    if (st == ICTUS_OK && !ictus_file_identity_same(&out->identity, &f->identity) &&
        out->kind != RUN_OUT_INCOMPLETE) {
        run_outcome_clear(out);
        out->file = f;
        out->identity = f->identity;
        out->kind = RUN_OUT_INCOMPLETE;
        snprintf(out->message, sizeof out->message,
                 "%s: changed since its Slurm task read it: still being written; the next "
                 "submission reads it", f->path);
        return;
    }
    if (st == ICTUS_OK)
        return;
    memset(out, 0, sizeof *out);
    out->file = f;
    out->identity = f->identity;
    out->kind = RUN_OUT_FAILED;
    ictus_strbuf why = {0};
    if (present)
        ictus_strbuf_addf(&why, "its shard cannot be used: %s", err.msg);
    else if (t)
        explain_missing(s, t, &why);
    else
        ictus_strbuf_add(&why, "not part of this submission");
    snprintf(out->message, sizeof out->message, "%s: no results: %s; the next submission reads "
             "it again", f->path, ictus_strbuf_text(&why));
    ictus_strbuf_free(&why);
}

ictus_status run_submission_finish(run_submission *s, const char *line, ictus_error *err)
{
    ictus_status st = ICTUS_OK;
    for (int r = 0; r < s->n; r++) {
        char *path = shard_path(s->dir, r);
        if (unlink(path) != 0 && errno != ENOENT && st == ICTUS_OK)
            st = ictus_fail(err, ICTUS_ERR_IO, "%s: cannot remove: %s", path, strerror(errno));
        free(path);
    }
    char *done = ictus_path_join_alloc(s->dir, RUN_SUBMISSION_DONE);
    FILE *f = fopen(done, "w");
    bool written = f && fprintf(f, "%s\n", line) >= 0;
    if (f && fclose(f) != 0)
        written = false;
    if (!written && st == ICTUS_OK)
        st = ictus_fail(err, ICTUS_ERR_IO, "%s: cannot write: %s", done, strerror(errno));
    free(done);
    return st;
}
