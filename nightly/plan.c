/* plan.c: discovery of a study's recordings and their comparison with the store. */
#include "nightly/plan.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
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

/* The found file of `path` (found sorted), or NULL. */
static const found_file *found_find(const found_list *l, const char *path)
{
    int lo = 0, hi = l->n - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2, c = strcmp(l->items[mid].path, path);
        if (c == 0)
            return &l->items[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return NULL;
}

/* A path of the study and whether its string is the study's (not the plan's). */
typedef struct {
    const char *path;
    bool borrowed;
} study_path;

static int cmp_study_path(const void *a, const void *b)
{
    const study_path *x = a, *y = b;
    int c = strcmp(x->path, y->path);
    return c ? c : (x->borrowed > y->borrowed) - (x->borrowed < y->borrowed);
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

/* Add the recordings under STUDY/rel (rel: "recordings" or below) to `out`
 * (strings kept by `plan`),
 * each with its identity: the scan's stat() is the only one a file gets
 * when it is unchanged (a quiet night's floor is a listing and a stat per
 * file).  Entries the directory itself types (d_type) as directories or as
 * regular files of other names are not stat()ed at all.  A sub-directory
 * that cannot be read, or a path too long to build, is a warning, not an
 * error: the rest of the study still runs. */
static void scan_dir(run_plan *plan, const char *study_dir, const char *rel, int depth,
                     found_list *out, char *warning, size_t warning_size)
{
    char dir_path[ICTUS_PATH_MAX];
    ictus_error err;
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
                scan_dir(plan, study_dir, child, depth + 1, out, warning, warning_size);
            continue;
        }
        struct stat st;
        if (stat(child_disk, &st) != 0)
            continue; /* gone meanwhile, or a dangling link */
        if (S_ISDIR(st.st_mode) && depth < SCAN_MAX_DEPTH) {
            scan_dir(plan, study_dir, child, depth + 1, out, warning, warning_size);
        } else if (S_ISREG(st.st_mode) && is_recording) {
            ICTUS_GROW(out->items, out->n + 1, out->cap);
            found_file *ff = &out->items[out->n++];
            ff->path = ictus_strpool_keep(&plan->text_, child);
            ictus_file_identity_from_stat(&st, &ff->identity);
        }
    }
    closedir(dir);
}

/* ------------------------------------------------------------------------
 * What the store holds
 * ---------------------------------------------------------------------- */

typedef struct {
    int n, cap;
    ictus_store_recording *rows;
    run_plan *plan;              /* keeps the strings */
    const found_list *found;     /* sorted: a stored path found on disk is its string */
} stored_rows;

/* Keep a copy of each row (the store frees its strings after the
 * callback), its strings the plan's (never freed one by one). */
static ictus_status keep_row(void *ctx, const ictus_store_recording *rec, ictus_error *err)
{
    (void)err;
    stored_rows *s = ctx;
    ICTUS_GROW(s->rows, s->n + 1, s->cap);
    ictus_store_recording *r = &s->rows[s->n++];
    const ictus_store_recording *prev = s->n > 1 ? r - 1 : NULL;
    *r = *rec;
    ictus_strpool *pool = &s->plan->text_; /* the rows come by animal: texts repeat */
    const found_file *ff = found_find(s->found, rec->path);
    r->path = ff ? (char *)ff->path : ictus_strpool_keep(pool, rec->path);
    r->animal = ictus_strpool_keep_like(pool, rec->animal, prev ? prev->animal : NULL);
    r->error = ictus_strpool_keep_like(pool, rec->error, prev ? prev->error : NULL);
    r->format = ictus_strpool_keep_like(pool, rec->format, prev ? prev->format : NULL);
    r->preset = ictus_strpool_keep_like(pool, rec->preset, prev ? prev->preset : NULL);
    return ICTUS_OK;
}

static int cmp_row(const void *a, const void *b)
{
    const ictus_store_recording *x = a, *y = b;
    int c = strcmp(x->path, y->path);
    return c ? c : strcmp(x->animal, y->animal);
}

/* The recordings.csv row of `f` for `animal` (the first), or NULL. */
static const ictus_recording_entry *entry_of(const run_file *f, const char *animal)
{
    for (int k = 0; k < f->n_entries; k++)
        if (strcmp(f->entries[k]->animal, animal) == 0)
            return f->entries[k];
    return NULL;
}

/* A stored row, in the order of its id, and what its channels' roles show. */
typedef struct {
    int64_t id;
    run_file *file;
    int row;        /* in file->stored */
    int n_roles;    /* its channels with a role */
    bool ok;        /* each of them is a label of its map at that channel */
} role_row;

/* The store's channels with a role, walked beside the stored rows in id
 * order (a merge join: one query for the study, not one per file). */
typedef struct {
    role_row *rows;
    int n, cur;
} role_walk;

static int cmp_role_row(const void *a, const void *b)
{
    const role_row *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

static ictus_status check_role(void *ctx, int64_t rec_id, int idx, const ictus_store_channel *ch,
                               ictus_error *err)
{
    (void)err;
    role_walk *w = ctx;
    const char *role = ch->role;
    if (!role[0])
        return ICTUS_OK;
    while (w->cur < w->n && w->rows[w->cur].id < rec_id)
        w->cur++;
    if (w->cur == w->n || w->rows[w->cur].id != rec_id)
        return ICTUS_OK; /* not a row of the plan's snapshot: cannot happen */
    role_row *r = &w->rows[w->cur];
    const ictus_recording_entry *entry = entry_of(r->file, r->file->stored[r->row].animal);
    r->n_roles++;
    int n_map = entry ? entry->n_channels : 0;
    bool found = false;
    for (int i = 0; i < n_map && !found; i++)
        found = entry->channels[i].channel == idx + 1 &&
                strcmp(entry->channels[i].label, role) == 0;
    r->ok &= found;
    return ICTUS_OK;
}

/* Set each file's map_differs: the first of its stored rows whose channels
 * do not carry exactly the roles its recordings.csv row's channel map gives
 * (no row or no map: no role at all). */
static ictus_status compare_roles(ictus_store *store, run_plan *plan, ictus_error *err)
{
    role_walk w = {0};
    for (int i = 0; i < plan->n_files; i++)
        w.n += plan->files[i].n_stored;
    w.rows = ictus_xmalloc(((size_t)w.n + 1) * sizeof *w.rows);
    w.n = 0;
    for (int i = 0; i < plan->n_files; i++)
        for (int k = 0; k < plan->files[i].n_stored; k++)
            w.rows[w.n++] = (role_row){plan->files[i].stored[k].id, &plan->files[i], k, 0, true};
    if (w.n > 1)
        qsort(w.rows, (size_t)w.n, sizeof *w.rows, cmp_role_row);
    ictus_status st = ictus_store_each_channel_all(store, check_role, &w, err);
    for (int j = 0; j < w.n && st == ICTUS_OK; j++) {
        const role_row *r = &w.rows[j];
        const ictus_recording_entry *entry = entry_of(r->file, r->file->stored[r->row].animal);
        bool match = r->ok && r->n_roles == (entry ? entry->n_channels : 0);
        if (!match && (r->file->map_differs == 0 || r->row + 1 < r->file->map_differs))
            r->file->map_differs = r->row + 1;
    }
    free(w.rows);
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
static bool stale_results(const run_plan_input *in, const ictus_store_recording *r)
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
        const ictus_store_recording *r = &f->stored[i];
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

/* Set f->reason (NULL: none) to the formatted text. */
static void set_reason(run_file *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void set_reason(run_file *f, const char *fmt, ...)
{
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    free(f->reason);
    f->reason = ictus_xstrdup(text);
}

/* Decide what to do with one file. */
static void decide(const run_plan_input *in, run_file *f)
{
    for (int i = 0; i < f->n_stored; i++) {
        f->had_results |= f->stored[i].has_results;
        f->stale_preset |= stale_results(in, &f->stored[i]);
    }
    if (!f->exists) {
        f->action = RUN_MISSING;
        set_reason(f, "%s", f->n_entries ? "listed in recordings.csv but not found"
                                         : "no longer in recordings/ or recordings.csv");
        return;
    }
    f->action = RUN_PROCESS;
    if (f->n_stored == 0) {
        set_reason(f, "new");
    } else if (f->stale_preset) {
        set_reason(f, "results made with another preset or parameters");
    } else {
        const ictus_store_recording *bad = NULL;
        bool same_identity = true;
        for (int i = 0; i < f->n_stored; i++) {
            if (f->stored[i].status != ICTUS_REC_OK && !bad)
                bad = &f->stored[i];
            same_identity &= ictus_file_identity_same(&f->stored[i].identity, &f->identity);
        }
        const char *why = "";
        bool manifest_ok = !bad && manifest_matches(f, &why);
        if (bad)
            set_reason(f, "%s last time",
                       bad->status == ICTUS_REC_INCOMPLETE ? "still being written"
                       : bad->status == ICTUS_REC_STALE    ? "stale"
                                                           : "failed");
        else if (!manifest_ok)
            set_reason(f, "%s", why);
        else if (same_identity)
            f->action = RUN_UNCHANGED;
        else {
            f->action = RUN_CHECK;
            set_reason(f, "modified (%" PRId64 " -> %" PRId64 " bytes)",
                       f->stored[0].identity.size_bytes, f->identity.size_bytes);
        }
    }
    if (f->action != RUN_UNCHANGED) {
        double age_s = (double)(in->now_unix_us - f->identity.mtime_ns / 1000) / 1e6;
        if (age_s > -in->settle_s && age_s < in->settle_s) {
            f->action = RUN_SETTLING;
            set_reason(f, "modified %.0f s ago (less than %g s): still being written", age_s,
                       in->settle_s);
        }
    }
}

/* ------------------------------------------------------------------------
 * Putting it together
 * ---------------------------------------------------------------------- */

/* The file of `path`, found by binary search in the sorted plan. */
static run_file *find_file(run_plan *plan, const char *path)
{
    int lo = 0, hi = plan->n_files - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2, c = strcmp(plan->files[mid].path, path);
        if (c == 0)
            return &plan->files[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return NULL;
}

bool run_file_counts_before(const run_file *a, const run_file *b)
{
    if ((a->n_entries > 0) != (b->n_entries > 0))
        return a->n_entries > 0;
    return strcmp(a->path, b->path) < 0;
}

static int cmp_known(const void *a, const void *b)
{
    const run_known_hash *x = a, *y = b;
    if (x->hash.hi != y->hash.hi)
        return x->hash.hi < y->hash.hi ? -1 : 1;
    if (x->hash.lo != y->hash.lo)
        return x->hash.lo < y->hash.lo ? -1 : 1;
    return strcmp(x->file->path, y->file->path);
}

const run_file *run_plan_known_holder(const run_plan *plan, ictus_hash128 hash,
                                      const run_file *f)
{
    int lo = 0, hi = plan->n_known;
    while (lo < hi) { /* the first entry with this hash */
        int mid = (lo + hi) / 2;
        const ictus_hash128 *h = &plan->known[mid].hash;
        if (h->hi < hash.hi || (h->hi == hash.hi && h->lo < hash.lo))
            lo = mid + 1;
        else
            hi = mid;
    }
    const run_file *first = NULL;
    for (int i = lo; i < plan->n_known && ictus_hash128_equal(plan->known[i].hash, hash); i++)
        if (plan->known[i].file != f && (!first || run_file_counts_before(plan->known[i].file,
                                                                          first)))
            first = plan->known[i].file;
    return first;
}

/* Make plan->files: every path of the study once, sorted (found on disk,
 * listed, or stored), each a string of the plan. */
static void all_paths(run_plan *plan, const ictus_study *study, const found_list *found,
                      const stored_rows *rows)
{
    size_t n_all = (size_t)found->n + (size_t)study->n_recordings + (size_t)rows->n;
    study_path *all = ictus_xmalloc((n_all + 1) * sizeof *all);
    size_t n = 0;
    for (int i = 0; i < found->n; i++)
        all[n++] = (study_path){found->items[i].path, false};
    for (int i = 0; i < study->n_recordings; i++)
        all[n++] = (study_path){study->recordings[i].path, true};
    for (int i = 0; i < rows->n; i++)
        all[n++] = (study_path){rows->rows[i].path, false};
    if (n > 1)
        qsort(all, n, sizeof *all, cmp_study_path);
    size_t n_unique = 0;
    for (size_t i = 0; i < n; i++) /* of equal paths, the plan's string comes first */
        if (n_unique == 0 || strcmp(all[n_unique - 1].path, all[i].path) != 0)
            all[n_unique++] = all[i];
    plan->n_files = (int)n_unique;
    plan->files = ictus_xcalloc(n_unique + 1, sizeof *plan->files);
    for (size_t i = 0; i < n_unique; i++)
        plan->files[i].path =
            all[i].borrowed ? ictus_strpool_keep(&plan->text_, all[i].path) : all[i].path;
    free(all);
}

/* Hand each file its recordings.csv rows: one array of pointers for the
 * study, each file its slice, in manifest order. */
static void hand_entries(run_plan *plan, const ictus_study *study)
{
    plan->entries_ = ictus_xmalloc(((size_t)study->n_recordings + 1) * sizeof *plan->entries_);
    run_file **of = ictus_xmalloc(((size_t)study->n_recordings + 1) * sizeof *of);
    for (int i = 0; i < study->n_recordings; i++) {
        of[i] = find_file(plan, study->recordings[i].path);
        of[i]->n_entries++;
    }
    size_t at = 0;
    for (int i = 0; i < plan->n_files; i++) {
        plan->files[i].entries = plan->entries_ + at;
        at += (size_t)plan->files[i].n_entries;
        plan->files[i].n_entries = 0;
    }
    for (int i = 0; i < study->n_recordings; i++) {
        run_file *f = of[i];
        f->entries[f->n_entries++] = &study->recordings[i];
        f->exists = true; /* listed: taken whatever its name, when it is a regular file */
    }
    free(of);
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
        scan_dir(plan, study->dir, "recordings", 0, &found, plan->scan_warning,
                 sizeof plan->scan_warning);
    else if (study->n_recordings == 0)
        snprintf(plan->scan_warning, sizeof plan->scan_warning,
                 "%.400s: no such directory: nothing to do", rec_dir);
    free(rec_dir);

    /* One read transaction for the plan's queries (a listing, then a query
     * of channels per stored file): one snapshot, the locks taken once. */
    if (found.n > 1)
        qsort(found.items, (size_t)found.n, sizeof *found.items, cmp_found);
    stored_rows rows = {.plan = plan, .found = &found};
    bool in_read;
    ictus_status status = ictus_store_read_begin(store, &in_read, err);
    if (status == ICTUS_OK)
        status = ictus_store_each_recording(store, keep_row, &rows, err);
    if (status != ICTUS_OK) {
        ictus_store_read_end(store, in_read);
        free(rows.rows);
        free(found.items);
        run_plan_free(plan);
        return status;
    }
    if (rows.n > 1)
        qsort(rows.rows, (size_t)rows.n, sizeof *rows.rows, cmp_row);
    if (rows.n > 0 && rows.n < rows.cap) /* kept until the plan is released: no spare room */
        rows.rows = ictus_xrealloc(rows.rows, (size_t)rows.n * sizeof *rows.rows);
    plan->stored_ = rows.rows;
    all_paths(plan, study, &found, &rows);

    /* A found file has the scan's identity; a file only listed is stat()ed below. */
    bool *scanned = ictus_xcalloc((size_t)plan->n_files + 1, sizeof *scanned);
    for (int i = 0; i < found.n; i++) {
        run_file *f = find_file(plan, found.items[i].path);
        f->exists = true;
        f->identity = found.items[i].identity;
        scanned[f - plan->files] = true;
    }
    hand_entries(plan, study);
    /* Rows arrive sorted by path: hand each file its run of rows (a slice). */
    for (int i = 0, j; i < rows.n; i = j) {
        for (j = i; j < rows.n && strcmp(rows.rows[j].path, rows.rows[i].path) == 0; j++)
            ;
        run_file *f = find_file(plan, rows.rows[i].path);
        f->n_stored = j - i;
        f->stored = rows.rows + i;
    }

    status = compare_roles(store, plan, err);
    /* recordings.csv read again as text only when a file on disk has no
     * valid row (rare): a study's whole manifest is not held beside the plan
     * every night. */
    ictus_csv *manifest = NULL;
    bool manifest_read = !study->has_recordings;
    for (int i = 0; i < plan->n_files && status == ICTUS_OK; i++) {
        run_file *f = &plan->files[i];
        /* Found or listed; a listed file that is not there (or not a
         * regular file) is missing (not an error of the plan). */
        ictus_error missing;
        char disk_path[ICTUS_PATH_MAX];
        if (f->exists && !scanned[i])
            f->exists = ictus_path_join(disk_path, sizeof disk_path, study->dir, f->path,
                                        &missing) == ICTUS_OK &&
                        ictus_file_identity_get(disk_path, &f->identity, &missing) == ICTUS_OK;
        if (f->exists && f->n_entries == 0 && !manifest_read) {
            char *csv_path = ictus_path_join_alloc(study->dir, "recordings.csv");
            ictus_error ignored;
            ictus_csv_read(csv_path, &manifest, &ignored);
            free(csv_path);
            manifest_read = true;
        }
        if (f->exists && f->n_entries == 0)
            f->rejected_line = listed_line(manifest, f->path);
        decide(in, f);
        if (f->action == RUN_CHECK || f->action == RUN_PROCESS) {
            plan->n_to_read++;
            plan->bytes_to_read += f->identity.size_bytes;
        }
    }
    ictus_store_read_end(store, in_read);
    ictus_csv_destroy(manifest);
    free(found.items);
    free(scanned);

    for (int i = 0; i < plan->n_files; i++) {
        const run_file *f = &plan->files[i];
        if (f->action != RUN_UNCHANGED || !f->stored[0].has_content_hash)
            continue;
        ICTUS_GROW(plan->known, plan->n_known + 1, plan->cap_known);
        plan->known[plan->n_known++] = (run_known_hash){f->stored[0].content_hash, f};
    }
    if (plan->n_known > 1)
        qsort(plan->known, (size_t)plan->n_known, sizeof *plan->known, cmp_known);
    if (status != ICTUS_OK)
        run_plan_free(plan);
    return status;
}

void run_plan_release_files(run_plan *plan)
{
    for (int i = 0; plan->files && i < plan->n_files; i++)
        free(plan->files[i].reason);
    free(plan->files);
    plan->files = NULL;
    free(plan->stored_);  /* the rows' strings are the plan's texts */
    plan->stored_ = NULL;
    free(plan->entries_);
    plan->entries_ = NULL;
    ictus_strpool_free(&plan->text_);
    free(plan->known);
    plan->known = NULL;
    plan->n_known = plan->cap_known = 0;
}

void run_plan_free(run_plan *plan)
{
    run_plan_release_files(plan);
    memset(plan, 0, sizeof *plan);
}
