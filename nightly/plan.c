/* plan.c: discovery of a study's recordings and their comparison with the store. */
#include "nightly/plan.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "base/csvtable.h"
#include "base/path.h"
#include "base/vec.h"
#include "pipeline/source/recording_name.h"

/* Sub-directories deeper than this are not entered (a symbolic link loop). */
#define SCAN_MAX_DEPTH 16

/* ------------------------------------------------------------------------
 * Path lists
 * ---------------------------------------------------------------------- */

/* A file found by the scan, with the identity its one stat() gave. */
typedef struct {
    const char *path;   /* the plan's */
    ictus_file_identity identity;
} found_file;

typedef struct {
    int n, cap;
    found_file *items;
} found_list;

static int cmp_found(const void *a, const void *b)
{
    return strcmp(((const found_file *)a)->path, ((const found_file *)b)->path);
}

/* ------------------------------------------------------------------------
 * Scanning recordings/
 * ---------------------------------------------------------------------- */

/* Note the first problem of the scan in `warning` (later ones are left out:
 * the summary shows one). */
static void scan_warn(char *warning, size_t warning_size, const char *msg)
{
    if (!warning[0])
        snprintf(warning, warning_size, "%.*s", (int)warning_size - 1, msg);
}

/* The study's own string of `path` ("recordings/F") when recordings.csv
 * lists the file, else NULL: a listed file's path is not held twice. */
static const char *study_string(const ictus_study *study, const char *path)
{
    const char *prefix = "recordings/";
    size_t n_prefix = strlen(prefix);
    if (strncmp(path, prefix, n_prefix) != 0)
        return NULL;
    const ictus_recording_entry *e = ictus_study_recording(study, path + n_prefix, NULL);
    return e && strcmp(e->path, path) == 0 ? e->path : NULL;
}

/* Add the recordings under STUDY/rel (rel: "recordings" or below) to `out`
 * (strings the study's, study_string(), or kept by `plan`),
 * each with its identity: the scan's stat() is the only one a file gets
 * when it is unchanged (a quiet night's floor is a listing and a stat per
 * file).  Entries the directory itself types (d_type) as directories or as
 * regular files of other names are not stat()ed at all.  A sub-directory
 * that cannot be read, or a path too long to build, is a warning, not an
 * error: the rest of the study still runs. */
static void scan_dir(run_plan *plan, const ictus_study *study, const char *rel, int depth,
                     found_list *out, char *warning, size_t warning_size)
{
    char dir_path[ICTUS_PATH_MAX];
    ictus_error err;
    const char *study_dir = study->dir;
    if (ictus_path_join(dir_path, sizeof dir_path, study_dir, rel, &err) != ICTUS_OK) {
        scan_warn(warning, warning_size, err.msg);
        return;
    }
    DIR *dir = opendir(dir_path);
    if (!dir) {
        char msg[512];
        snprintf(msg, sizeof msg, "%.400s: cannot list: %s", dir_path, strerror(errno));
        scan_warn(warning, warning_size, msg);
        return;
    }
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        bool is_recording = ictus_source_is_recording_name(e->d_name);
        if (e->d_type == DT_REG && !is_recording)
            continue;
        char child[ICTUS_PATH_MAX], child_disk[ICTUS_PATH_MAX];
        if (ictus_path_join(child, sizeof child, rel, e->d_name, &err) != ICTUS_OK ||
            ictus_path_join(child_disk, sizeof child_disk, study_dir, child, &err) != ICTUS_OK) {
            scan_warn(warning, warning_size, err.msg);
            continue;
        }
        if (e->d_type == DT_DIR) {
            if (depth < SCAN_MAX_DEPTH)
                scan_dir(plan, study, child, depth + 1, out, warning, warning_size);
            continue;
        }
        struct stat st;
        if (stat(child_disk, &st) != 0)
            continue; /* gone meanwhile, or a dangling link */
        if (S_ISDIR(st.st_mode) && depth < SCAN_MAX_DEPTH) {
            scan_dir(plan, study, child, depth + 1, out, warning, warning_size);
        } else if (S_ISREG(st.st_mode) && is_recording) {
            ICTUS_GROW(out->items, out->n + 1, out->cap);
            found_file *ff = &out->items[out->n++];
            ff->path = study_string(study, child);
            if (!ff->path)
                ff->path = ictus_strpool_keep(&plan->text_, child);
            ictus_file_identity_from_stat(&st, &ff->identity);
        }
    }
    closedir(dir);
}

/* ------------------------------------------------------------------------
 * What the store holds
 * ---------------------------------------------------------------------- */

/* A path only the store has (a file gone from disk and from recordings.csv):
 * its rows, stored_rows.rows[row..+n_rows). */
typedef struct {
    const char *path;            /* the plan's */
    int row, n_rows;
} row_only_path;

/* The store's rows read into the plan, each given to its file as it comes. */
typedef struct {
    int n, cap;
    run_stored_row *rows;        /* at the count of rows: never moved */
    run_plan *plan;              /* keeps the strings; its files (by path) get the rows */
    const run_plan_input *in;    /* for the stale rule */
    int at_file;                 /* the walk's place in plan->files (rows come by path) */
    int n_extra, cap_extra;
    row_only_path *extra;        /* the paths no file has, by path */
} stored_rows;

static bool stale_results(const run_plan_input *in, const ictus_store_plan_row *r);

/* Keep each row (the store's strings are valid during the callback only),
 * its strings the plan's (never freed one by one), judged stale or not.
 * Rows come by path, then animal: beside them the walk goes through the
 * files (by path too), so a row goes to its file's slice, or to a path of
 * its own when no file has it; a text like the row before's is shared. */
static ictus_status keep_row(void *ctx, const ictus_store_plan_row *row, ictus_error *err)
{
    (void)err;
    stored_rows *s = ctx;
    ICTUS_GROW(s->rows, s->n + 1, s->cap); /* reserved at the count: no growth */
    int i = s->n++;
    run_stored_row *r = &s->rows[i];
    const run_stored_row *prev = i > 0 ? r - 1 : NULL;
    ictus_strpool *pool = &s->plan->text_;
    *r = (run_stored_row){
        .id = row->id,
        .animal = ictus_strpool_keep_like(pool, row->animal, prev ? (char *)prev->animal : NULL),
        .error = ictus_strpool_keep_like(pool, row->error, prev ? (char *)prev->error : NULL),
        .preset = ictus_strpool_keep_like(pool, row->preset, prev ? (char *)prev->preset : NULL),
        .identity = row->identity,
        .content_hash = row->content_hash,
        .start_us = row->start_us,
        .status = row->status,
        .has_content_hash = row->has_content_hash,
        .has_results = row->has_results,
        .stale = stale_results(s->in, row),
    };
    run_plan *plan = s->plan;
    while (s->at_file < plan->n_files && strcmp(plan->files[s->at_file].path, row->path) < 0)
        s->at_file++;
    if (s->at_file < plan->n_files && strcmp(plan->files[s->at_file].path, row->path) == 0) {
        run_file *f = &plan->files[s->at_file];
        if (f->n_stored++ == 0)
            f->stored = r;
        return ICTUS_OK;
    }
    row_only_path *last = s->n_extra ? &s->extra[s->n_extra - 1] : NULL;
    if (last && strcmp(last->path, row->path) == 0) {
        last->n_rows++;
        return ICTUS_OK;
    }
    ICTUS_GROW(s->extra, s->n_extra + 1, s->cap_extra);
    s->extra[s->n_extra++] = (row_only_path){ictus_strpool_keep(pool, row->path), i, 1};
    return ICTUS_OK;
}

/* Put the paths only the store has among the files, in path order: the
 * files' array grows by their number and is merged from its end (no
 * second array).  Such a file neither exists nor is listed. */
static void merge_row_only_paths(run_plan *plan, const stored_rows *rows)
{
    if (rows->n_extra == 0)
        return;
    int n = plan->n_files + rows->n_extra;
    plan->files = ictus_xrealloc(plan->files, ((size_t)n + 1) * sizeof *plan->files);
    int i = plan->n_files - 1, j = rows->n_extra - 1;
    for (int k = n - 1; j >= 0; k--) {
        const row_only_path *e = &rows->extra[j];
        if (i >= 0 && strcmp(plan->files[i].path, e->path) > 0) {
            plan->files[k] = plan->files[i--];
            continue;
        }
        plan->files[k] = (run_file){.path = e->path, .n_stored = e->n_rows,
                                    .stored = rows->rows + e->row};
        j--;
    }
    plan->n_files = n;
    memset(&plan->files[n], 0, sizeof plan->files[n]);
}

/* The recordings.csv row of `f` for `animal` (the first), or NULL. */
static const ictus_recording_entry *entry_of(const run_file *f, const char *animal)
{
    for (int k = 0; k < f->n_entries; k++)
        if (strcmp(f->entries[k]->animal, animal) == 0)
            return f->entries[k];
    return NULL;
}

/* The store's channels, walked beside the plan's stored rows: both in
 * path, then animal order (a merge join: one query for the study, not one
 * per file, and nothing to sort).  The current row's channels with a role
 * are counted as they come; a row is judged when the walk passes it. */
typedef struct {
    run_plan *plan;
    int n_rows;     /* rows in plan->stored_ */
    int row;        /* the current row (n_rows: the walk is past them all) */
    int file;       /* the file whose slice holds it */
    int n_roles;    /* the current row's channels with a role so far */
    bool ok;        /* each of them is a label of its map at that channel */
} role_walk;

/* The file of the current row. */
static run_file *row_file(role_walk *w)
{
    for (;; w->file++) {
        run_file *f = &w->plan->files[w->file];
        if (f->n_stored && w->row < (int)(f->stored - w->plan->stored_) + f->n_stored)
            return f;
    }
}

/* Judge the current row and go to the next: its file's map_differs is the
 * first of its rows whose channels do not carry exactly the roles its
 * recordings.csv row's channel map gives (no row or no map: no role). */
static void next_row(role_walk *w)
{
    run_file *f = row_file(w);
    int k = w->row - (int)(f->stored - w->plan->stored_);
    const ictus_recording_entry *entry = entry_of(f, f->stored[k].animal);
    bool match = w->ok && w->n_roles == (entry ? entry->n_channels : 0);
    if (!match && f->map_differs == 0)
        f->map_differs = k + 1;
    w->row++;
    w->n_roles = 0;
    w->ok = true;
}

static ictus_status check_role(void *ctx, int64_t rec_id, int idx, const ictus_store_channel *ch,
                               ictus_error *err)
{
    (void)err;
    role_walk *w = ctx;
    const char *role = ch->role;
    if (!role[0])
        return ICTUS_OK;
    while (w->row < w->n_rows && w->plan->stored_[w->row].id != rec_id)
        next_row(w);
    if (w->row == w->n_rows)
        return ICTUS_OK; /* not a row of the plan's snapshot: cannot happen */
    run_file *f = row_file(w);
    const ictus_recording_entry *entry =
        entry_of(f, f->stored[w->row - (int)(f->stored - w->plan->stored_)].animal);
    w->n_roles++;
    int n_map = entry ? entry->n_channels : 0;
    bool found = false;
    for (int i = 0; i < n_map && !found; i++)
        found = entry->channels[i].channel == idx + 1 &&
                strcmp(entry->channels[i].label, role) == 0;
    w->ok &= found;
    return ICTUS_OK;
}

/* Set each file's map_differs (next_row()). */
static ictus_status compare_roles(ictus_store *store, run_plan *plan, int n_rows,
                                  ictus_error *err)
{
    role_walk w = {.plan = plan, .n_rows = n_rows, .ok = true};
    ictus_status st = ictus_store_each_channel_by_path(store, check_role, &w, err);
    while (st == ICTUS_OK && w.row < w.n_rows)
        next_row(&w);
    return st;
}

/* ------------------------------------------------------------------------
 * recordings.csv: files named only in rejected rows
 * ---------------------------------------------------------------------- */

/* The line of the first recordings.csv row naming the study's file `path`
 * ("recordings/A2.edf"), or 0.  A row names it as written relative to
 * recordings/ ("A2.edf") or, the usual slips the study rejects, with the
 * folder ("recordings/A2.edf") or as an absolute path ending in
 * "/recordings/A2.edf": either way the file must not be analysed without
 * its row. */
static int listed_line(const ictus_csv *t, const char *path)
{
    int c_file = t ? ictus_csv_column(t, "file") : -1;
    if (c_file < 0)
        return 0;
    const char *file = path + strlen("recordings/");
    size_t n_path = strlen(path);
    for (int row = 0; row < ictus_csv_rows(t); row++) {
        const char *field = ictus_csv_field(t, row, c_file);
        size_t n = strlen(field);
        if (strcmp(field, file) == 0 || strcmp(field, path) == 0 ||
            (field[0] == '/' && n > n_path && field[n - n_path - 1] == '/' &&
             strcmp(field + n - n_path, path) == 0))
            return ictus_csv_line(t, row);
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * Deciding
 * ---------------------------------------------------------------------- */

ictus_hash128 run_preset_params_hash(const ictus_preset *preset)
{
    return ictus_hash_bytes(preset->parameters, strlen(preset->parameters));
}

/* Whether stored row r has results made with another preset or parameters
 * than its animal's preset of tonight. */
static bool stale_results(const run_plan_input *in, const ictus_store_plan_row *r)
{
    if (!r->has_results)
        return false;
    const ictus_study_preset *sp = ictus_study_presets_for(in->presets, in->study, r->animal);
    if (!sp) /* its animal's preset is wrong tonight: processed, so that its file fails */
        return true;
    const ictus_preset *p = &sp->preset;
    return strcmp(r->preset, p->id) != 0 ||
           !ictus_hash128_equal(r->params_hash, run_preset_params_hash(p));
}

/* Whether the stored rows agree with the manifest entries on animals,
 * channel maps (compare_roles()) and start times; *why says what differs. */
static bool manifest_matches(const run_file *f, const char **why)
{
    if (f->n_entries ? f->n_stored != f->n_entries : f->n_stored != 1) {
        *why = "recordings.csv changed: other animals for this file";
        return false;
    }
    for (int i = 0; i < f->n_stored; i++) {
        const run_stored_row *r = &f->stored[i];
        const ictus_recording_entry *e = entry_of(f, r->animal);
        if (f->n_entries && !e) {
            *why = "recordings.csv changed: other animals for this file";
            return false;
        }
        if (e && e->start_us != ICTUS_TIME_UNKNOWN && e->start_us != r->start_us) {
            *why = "recordings.csv changed: another start time";
            return false;
        }
        if (f->map_differs == i + 1) {
            *why = "recordings.csv changed: another channel map";
            return false;
        }
    }
    return true;
}

/* Set f->reason to the formatted text, kept in the plan's `pool` (a first
 * run gives every file a reason: no malloc each). */
static void set_reason(ictus_strpool *pool, run_file *f, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_reason(ictus_strpool *pool, run_file *f, const char *fmt, ...)
{
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    f->reason = ictus_strpool_keep(pool, text);
}

/* Decide what to do with one file (its reason kept in `pool`). */
static void decide(const run_plan_input *in, ictus_strpool *pool, run_file *f)
{
    for (int i = 0; i < f->n_stored; i++) {
        f->had_results |= f->stored[i].has_results;
        f->stale_preset |= f->stored[i].stale;
    }
    if (!f->exists) {
        f->action = RUN_MISSING;
        if (f->n_entries) {
            char why[256];
            set_reason(pool, f, "%s",
                       ictus_study_not_found(f->entries, f->n_entries, why, sizeof why));
        } else {
            f->reason = "no longer in recordings/ or recordings.csv";
        }
        return;
    }
    f->action = RUN_PROCESS;
    if (f->n_stored == 0) {
        f->reason = "new"; /* a constant: a first run gives every file this one */
    } else if (f->stale_preset) {
        f->reason = "results made with another preset or parameters";
    } else {
        const run_stored_row *bad = NULL;
        bool same_identity = true;
        for (int i = 0; i < f->n_stored; i++) {
            if (f->stored[i].status != ICTUS_REC_OK && !bad)
                bad = &f->stored[i];
            same_identity &= ictus_file_identity_same(&f->stored[i].identity, &f->identity);
        }
        const char *why = "";
        bool manifest_ok = !bad && manifest_matches(f, &why);
        if (bad)
            set_reason(pool, f, "%s last time",
                       bad->status == ICTUS_REC_INCOMPLETE ? "still being written"
                       : bad->status == ICTUS_REC_STALE    ? "stale"
                                                           : "failed");
        else if (!manifest_ok)
            set_reason(pool, f, "%s", why);
        else if (same_identity)
            f->action = RUN_UNCHANGED;
        else {
            f->action = RUN_CHECK;
            set_reason(pool, f, "modified (%" PRId64 " -> %" PRId64 " bytes)",
                       f->stored[0].identity.size_bytes, f->identity.size_bytes);
        }
    }
    if (f->action != RUN_UNCHANGED) {
        double age_s = (double)(in->now_unix_us - f->identity.mtime_ns / 1000) / 1e6;
        if (age_s > -in->settle_s && age_s < in->settle_s) {
            f->action = RUN_SETTLING;
            set_reason(pool, f, "modified %.0f s ago (less than %g s): still being written", age_s,
                       in->settle_s);
        }
    }
}

/* ------------------------------------------------------------------------
 * Putting it together
 * ---------------------------------------------------------------------- */

bool run_file_counts_before(const run_file *a, const run_file *b)
{
    if ((a->n_entries > 0) != (b->n_entries > 0))
        return a->n_entries > 0;
    return strcmp(a->path, b->path) < 0;
}

static const run_plan *sort_plan; /* for cmp_known (qsort has no context) */

static int cmp_known(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    ictus_hash128 hx = sort_plan->files[x].stored[0].content_hash;
    ictus_hash128 hy = sort_plan->files[y].stored[0].content_hash;
    if (hx.hi != hy.hi)
        return hx.hi < hy.hi ? -1 : 1;
    if (hx.lo != hy.lo)
        return hx.lo < hy.lo ? -1 : 1;
    return (x > y) - (x < y); /* files are in path order */
}

int run_plan_known_range(const run_plan *plan, ictus_hash128 hash, int *first)
{
    int lo = 0, hi = plan->n_known;
    while (lo < hi) { /* the first entry with this hash */
        int mid = (lo + hi) / 2;
        ictus_hash128 h = run_plan_known_hash(plan, mid);
        if (h.hi < hash.hi || (h.hi == hash.hi && h.lo < hash.lo))
            lo = mid + 1;
        else
            hi = mid;
    }
    int end = lo;
    while (end < plan->n_known && ictus_hash128_equal(run_plan_known_hash(plan, end), hash))
        end++;
    *first = lo;
    return end - lo;
}

const run_file *run_plan_known_holder(const run_plan *plan, ictus_hash128 hash,
                                      const run_file *f)
{
    int lo, n = run_plan_known_range(plan, hash, &lo);
    const run_file *first = NULL;
    for (int i = lo; i < lo + n; i++) {
        const run_file *k = run_plan_known_file(plan, i);
        if (k != f && (!first || run_file_counts_before(k, first)))
            first = k;
    }
    return first;
}

/* recordings.csv's rows by path, then manifest order (a stable order: a
 * file's rows keep their order in the manifest). */
static const ictus_study *sort_study; /* for cmp_listed (qsort has no context) */

static int cmp_listed(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    int c = strcmp(sort_study->recordings[x].path, sort_study->recordings[y].path);
    return c ? c : (x > y) - (x < y);
}

/* The two sorted sources of the study's files on disk or listed, walked
 * together (the store's rows join them as they are read: keep_row()). */
typedef struct {
    const found_list *found;
    const ictus_study *study;
    const int *listed;           /* recordings.csv rows by path (cmp_listed) */
    int at_found, at_listed;
} path_merge;

/* One path of the study: where it is in each source. */
typedef struct {
    const char *path;
    const found_file *found;     /* NULL: not found by the scan */
    int listed, n_listed;        /* its rows in merge->listed[listed..+n_listed) */
} merged_path;

/* The next path of the merge (the smallest not yet given), false at the end. */
static bool merge_next(path_merge *m, merged_path *out)
{
    const char *next = NULL;
    if (m->at_found < m->found->n)
        next = m->found->items[m->at_found].path;
    if (m->at_listed < m->study->n_recordings) {
        const char *p = m->study->recordings[m->listed[m->at_listed]].path;
        if (!next || strcmp(p, next) < 0)
            next = p;
    }
    if (!next)
        return false;
    *out = (merged_path){.path = next};
    if (m->at_found < m->found->n && strcmp(m->found->items[m->at_found].path, next) == 0)
        out->found = &m->found->items[m->at_found++];
    out->listed = m->at_listed;
    while (m->at_listed < m->study->n_recordings &&
           strcmp(m->study->recordings[m->listed[m->at_listed]].path, next) == 0)
        m->at_listed++;
    out->n_listed = m->at_listed - out->listed;
    return true;
}

/* Make plan->files from the merge: every path found or listed once, in
 * path order (the scan's string or, only listed, the study's), with its
 * recordings.csv rows (in manifest order) and, when the scan found it, its
 * identity; a file only listed is stat()ed here.  Made before the store's
 * rows are read, so that the scan's list is freed before they are held. */
static void merge_files(run_plan *plan, const ictus_study *study, const found_list *found)
{
    int *listed = ictus_xmalloc(((size_t)study->n_recordings + 1) * sizeof *listed);
    for (int i = 0; i < study->n_recordings; i++)
        listed[i] = i;
    sort_study = study;
    if (study->n_recordings > 1)
        qsort(listed, (size_t)study->n_recordings, sizeof *listed, cmp_listed);
    sort_study = NULL;
    path_merge m = {.found = found, .study = study, .listed = listed};
    merged_path p;
    int n = 0;
    while (merge_next(&m, &p)) /* counted first: the array is made at its size */
        n++;
    plan->n_files = n;
    plan->files = ictus_xcalloc((size_t)n + 1, sizeof *plan->files);
    plan->entries_ = ictus_xmalloc(((size_t)study->n_recordings + 1) * sizeof *plan->entries_);
    m = (path_merge){.found = found, .study = study, .listed = listed};
    for (int i = 0; merge_next(&m, &p); i++) {
        run_file *f = &plan->files[i];
        f->path = p.found ? p.found->path : p.path; /* only listed: the study's string */
        f->n_entries = p.n_listed;
        f->entries = plan->entries_ + p.listed;
        for (int k = 0; k < p.n_listed; k++)
            f->entries[k] = &study->recordings[listed[p.listed + k]];
        /* Found or listed; a listed file that is not there (or not a
         * regular file) is missing (not an error of the plan). */
        if (p.found) {
            f->exists = true;
            f->identity = p.found->identity;
        } else {
            ictus_error missing;
            char disk_path[ICTUS_PATH_MAX];
            f->exists = ictus_path_join(disk_path, sizeof disk_path, study->dir, f->path,
                                        &missing) == ICTUS_OK &&
                        ictus_file_identity_get(disk_path, &f->identity, &missing) == ICTUS_OK;
        }
    }
    free(listed);
}

/* plan->known: the unchanged files with a stored content hash, by hash
 * then path (made at its size). */
static void make_known(run_plan *plan)
{
    int n = 0;
    for (int i = 0; i < plan->n_files; i++)
        n += plan->files[i].action == RUN_UNCHANGED && plan->files[i].stored[0].has_content_hash;
    plan->known = ictus_xmalloc(((size_t)n + 1) * sizeof *plan->known);
    for (int i = 0; i < plan->n_files; i++) {
        const run_file *f = &plan->files[i];
        if (f->action == RUN_UNCHANGED && f->stored[0].has_content_hash)
            plan->known[plan->n_known++] = i;
    }
    sort_plan = plan;
    if (plan->n_known > 1)
        qsort(plan->known, (size_t)plan->n_known, sizeof *plan->known, cmp_known);
    sort_plan = NULL;
}

ictus_status run_plan_make(const run_plan_input *in, ictus_store *store, run_plan *plan,
                           ictus_error *err)
{
    memset(plan, 0, sizeof *plan);
    const ictus_study *study = in->study;
    plan->study_dir = study->dir;
    found_list found = {0};
    char *rec_dir = ictus_path_join_alloc(study->dir, "recordings");
    struct stat st_dir;
    if (stat(rec_dir, &st_dir) == 0)
        scan_dir(plan, study, "recordings", 0, &found, plan->scan_warning,
                 sizeof plan->scan_warning);
    else if (study->n_recordings == 0)
        snprintf(plan->scan_warning, sizeof plan->scan_warning,
                 "%.400s: no such directory: nothing to do", rec_dir);
    free(rec_dir);

    if (found.n > 1)
        qsort(found.items, (size_t)found.n, sizeof *found.items, cmp_found);
    merge_files(plan, study, &found);
    free(found.items);
    /* The scan's list (32 bytes a file) lies among the study's blocks: give
     * its pages back before the store's rows are held (160,000 files: 5 MB
     * of the night's peak RSS). */
    malloc_trim(0);

    /* One read transaction for the plan's queries (the rows, then the
     * channels): one snapshot, the locks taken once. */
    stored_rows rows = {.plan = plan, .in = in};
    bool in_read;
    int64_t n_rows = 0;
    ictus_status status = ictus_store_read_begin(store, &in_read, err);
    if (status == ICTUS_OK)
        status = ictus_store_count_recordings(store, &n_rows, err);
    if (status == ICTUS_OK) {
        /* the rows' array at its size (counted in the same snapshot): it
         * never moves, the files point into it */
        rows.cap = (int)n_rows + 1;
        rows.rows = ictus_xmalloc((size_t)rows.cap * sizeof *rows.rows);
        status = ictus_store_each_plan_row(store, keep_row, &rows, err);
    }
    plan->stored_ = rows.rows;
    if (status != ICTUS_OK) {
        ictus_store_read_end(store, in_read);
        free(rows.extra);
        run_plan_free(plan);
        return status;
    }
    merge_row_only_paths(plan, &rows);
    free(rows.extra);

    status = compare_roles(store, plan, rows.n, err);
    /* recordings.csv read again as text only when a file on disk has no
     * valid row (rare): a study's whole manifest is not held beside the plan
     * every night. */
    ictus_csv *manifest = NULL;
    bool manifest_read = !study->has_recordings;
    for (int i = 0; i < plan->n_files && status == ICTUS_OK; i++) {
        run_file *f = &plan->files[i];
        if (f->exists && f->n_entries == 0 && !manifest_read) {
            char *csv_path = ictus_path_join_alloc(study->dir, "recordings.csv");
            ictus_error ignored;
            ictus_csv_read(csv_path, &manifest, &ignored);
            free(csv_path);
            manifest_read = true;
        }
        if (f->exists && f->n_entries == 0)
            f->rejected_line = listed_line(manifest, f->path);
        decide(in, &plan->text_, f);
        if (f->action == RUN_CHECK || f->action == RUN_PROCESS)
            plan->n_to_read++;
        if (f->action == RUN_CHECK || f->action == RUN_PROCESS)
            plan->bytes_to_read += f->identity.size_bytes;
    }
    ictus_store_read_end(store, in_read);
    ictus_csv_destroy(manifest);
    if (status != ICTUS_OK) {
        run_plan_free(plan);
        return status;
    }
    make_known(plan);
    return ICTUS_OK;
}

void run_plan_release_files(run_plan *plan)
{
    free(plan->files); /* the reasons are the plan's texts */
    plan->files = NULL;
    free(plan->stored_);  /* the rows' strings are the plan's texts */
    plan->stored_ = NULL;
    free(plan->entries_);
    plan->entries_ = NULL;
    ictus_strpool_free(&plan->text_);
    free(plan->known);
    plan->known = NULL;
    plan->n_known = 0;
}

void run_plan_free(run_plan *plan)
{
    run_plan_release_files(plan);
    memset(plan, 0, sizeof *plan);
}

static int cmp_size_desc(const void *a, const void *b)
{
    const run_file *x = *(const run_file *const *)a, *y = *(const run_file *const *)b;
    if (x->identity.size_bytes != y->identity.size_bytes)
        return x->identity.size_bytes > y->identity.size_bytes ? -1 : 1;
    return strcmp(x->path, y->path);
}

const run_file **run_plan_files_to_read(const run_plan *plan, int *n)
{
    const run_file **files = ictus_xcalloc((size_t)plan->n_to_read + 1, sizeof *files);
    *n = 0;
    for (int i = 0; i < plan->n_files; i++)
        if (plan->files[i].action == RUN_CHECK || plan->files[i].action == RUN_PROCESS)
            files[(*n)++] = &plan->files[i];
    qsort(files, (size_t)*n, sizeof *files, cmp_size_desc);
    return files;
}
