/* exports.c: EDF+ annotation files and review.csv from a study's store and recordings.csv. */
#include "report/exports.h"

#include <dirent.h>
#include <edflib.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/csvout.h"
#include "base/outfile.h"
#include "base/params.h"
#include "base/path.h"
#include "base/strpool.h"
#include "base/vec.h"
#include "base/walltime.h"
#include "pipeline/event.h"
#include "pipeline/source/edf_lock.h"
#include "pipeline/source/edfwrite.h"
#include "protocols/study.h"
#include "protocols/recording_view.h"
#include "store/store.h"

/* recordings.csv's files and videos are inside this folder of the study. */
#define RECORDINGS_PREFIX "recordings/"
/* The end of an annotation file's name. */
#define ANNOTATION_SUFFIX "_events.edf"

static const ictus_param settings_table[] = {
    ICTUS_PARAM_D("report", "video_padding_s", ictus_exports_options, video_padding_s, 0, 3600),
};

void ictus_exports_options_default(ictus_exports_options *opt)
{
    *opt = (ictus_exports_options){.video_padding_s = 5};
}

ictus_status ictus_exports_options_apply(ictus_exports_options *opt, ictus_config *cfg,
                                         ictus_error *err)
{
    return ictus_params_apply(settings_table, sizeof settings_table / sizeof settings_table[0],
                              opt, cfg, err);
}

/* ------------------------------------------------------------------------
 * The recordings and their events, collected from the store
 * ---------------------------------------------------------------------- */

/* A stored recording with results.  Its strings are the collection's
 * (text): a study lists up to hundreds of thousands of them. */
typedef struct {
    int64_t id;
    const char *path, *animal;
    int64_t start_us;
    bool shared;            /* the store holds its path for another animal too */
    bool has_rows;          /* an event of review.csv is on it: video filled in */
    const char *video;      /* path in the study; "" when none (or no rows) */
    double video_offset_s;  /* recording time at the video's first frame */
} rec_info;

/* One event as it counts. */
typedef struct {
    ictus_event e;          /* effective edges, channel, type; score NaN when added */
    const rec_info *rec;
    ictus_verdict verdict;
    int racine;             /* -1 when not scored */
    char *reviewer, *note;
    bool added;
    size_t seq;             /* order of collection, the last sort key */
} ev_row;

typedef struct {
    rec_info *recs;
    int n_recs, cap_recs;
    ev_row *rows;
    size_t n_rows, cap_rows;
    const ictus_exports_options *opt;
    ictus_strpool text;     /* the recs' strings */
    int64_t *wanted;        /* the recordings events or added events name, by id */
    size_t n_wanted, cap_wanted;
} collection;

static int cmp_id(const void *a, const void *b)
{
    const int64_t *x = a, *y = b;
    return (*x > *y) - (*x < *y);
}

static bool is_wanted(const collection *c, int64_t id)
{
    return c->n_wanted && bsearch(&id, c->wanted, c->n_wanted, sizeof *c->wanted, cmp_id);
}

static void want(collection *c, int64_t id)
{
    ICTUS_GROW(c->wanted, c->n_wanted + 1, c->cap_wanted);
    c->wanted[c->n_wanted++] = id;
}

static ictus_status want_event(void *ctx, const ictus_store_event_row *r, ictus_error *err)
{
    (void)err;
    want(ctx, r->recording_id);
    return ICTUS_OK;
}

static ictus_status want_added(void *ctx, const ictus_store_decision *d, ictus_error *err)
{
    (void)err;
    if (d->recording_id)
        want(ctx, d->recording_id);
    return ICTUS_OK;
}

/* The wanted ids sorted, each once. */
static void sort_wanted(collection *c)
{
    if (c->n_wanted == 0)
        return;
    qsort(c->wanted, c->n_wanted, sizeof *c->wanted, cmp_id);
    size_t n = 1;
    for (size_t i = 1; i < c->n_wanted; i++)
        if (c->wanted[i] != c->wanted[n - 1])
            c->wanted[n++] = c->wanted[i];
    c->n_wanted = n;
}

/* A stored recording with results that an event or added event names
 * (the others are never written: a study of hundreds of thousands of
 * files, most without events, is not held whole). */
static ictus_status add_recording(void *ctx, const ictus_store_recording_span *r,
                                  ictus_error *err)
{
    (void)err;
    collection *c = ctx;
    if (!r->has_results || !is_wanted(c, r->id))
        return ICTUS_OK;
    ICTUS_GROW(c->recs, c->n_recs + 1, c->cap_recs);
    /* the store lists recordings by animal: a run of them shares its animal */
    char *prev_animal = c->n_recs ? (char *)c->recs[c->n_recs - 1].animal : NULL;
    c->recs[c->n_recs++] = (rec_info){.id = r->id, .path = ictus_strpool_keep(&c->text, r->path),
                                      .animal = ictus_strpool_keep_like(&c->text, r->animal,
                                                                        prev_animal),
                                      .start_us = r->start_us, .video = ""};
    return ICTUS_OK;
}

static int rec_by_id(const void *a, const void *b)
{
    const rec_info *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

static int rec_by_path(const void *a, const void *b)
{
    const rec_info *x = a, *y = b;
    return strcmp(x->path, y->path);
}

/* A stored recording with results whose path is that of a collected one
 * (recs ordered by path): both are shared. */
static ictus_status mark_shared(void *ctx, const ictus_store_recording_span *r,
                                ictus_error *err)
{
    (void)err;
    collection *c = ctx;
    if (!r->has_results)
        return ICTUS_OK;
    int lo = 0, hi = c->n_recs; /* the first rec whose path is >= r->path */
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (strcmp(c->recs[mid].path, r->path) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (int i = lo; i < c->n_recs && !strcmp(c->recs[i].path, r->path); i++)
        if (c->recs[i].id != r->id)
            c->recs[i].shared = true;
    return ICTUS_OK;
}

/* Mark the shared paths (the store holds the path for another animal, with
 * results: a second walk of the recordings) and leave the list ordered by
 * id. */
static ictus_status describe_recordings(ictus_store *s, collection *c, ictus_error *err)
{
    if (c->n_recs == 0)
        return ICTUS_OK;
    qsort(c->recs, (size_t)c->n_recs, sizeof *c->recs, rec_by_path);
    ictus_status st = ictus_store_each_recording_span(s, mark_shared, c, err);
    qsort(c->recs, (size_t)c->n_recs, sizeof *c->recs, rec_by_id);
    return st;
}

/* The videos of the recordings with events (the only ones written):
 * recordings.csv's lookup, once per such recording. */
static void fill_videos(collection *c, const ictus_study *study)
{
    for (size_t i = 0; i < c->n_rows; i++) {
        rec_info *r = &c->recs[c->rows[i].rec - c->recs];
        if (r->has_rows)
            continue;
        r->has_rows = true;
        char video[ICTUS_PATH_MAX];
        ictus_recording_video(study, r->path, r->animal, video, sizeof video, &r->video_offset_s);
        r->video = *video ? ictus_strpool_keep(&c->text, video) : "";
    }
}

static const rec_info *rec_of(const collection *c, int64_t id)
{
    rec_info key = {.id = id};
    return bsearch(&key, c->recs, (size_t)c->n_recs, sizeof *c->recs, rec_by_id);
}

static ev_row *new_row(collection *c, const rec_info *rec)
{
    ICTUS_GROW(c->rows, c->n_rows + 1, c->cap_rows);
    ev_row *row = &c->rows[c->n_rows];
    *row = (ev_row){.rec = rec, .seq = c->n_rows};
    c->n_rows++;
    return row;
}

static ictus_status add_event(void *ctx, const ictus_store_event_row *r, ictus_error *err)
{
    collection *c = ctx;
    const rec_info *rec = rec_of(c, r->recording_id);
    if (!rec)
        return ictus_fail(err, ICTUS_ERR_DB, "%s (%s): an event of a recording without results",
                          r->path, r->animal);
    ev_row *row = new_row(c, rec);
    row->e = ictus_store_event_effective(r);
    row->verdict = r->verdict;
    row->racine = r->racine;
    row->reviewer = ictus_xstrdup(r->reviewer);
    row->note = ictus_xstrdup(r->note);
    return ICTUS_OK;
}

/* An added event of a recording the store still holds (the others have no
 * recording to place them on, and are left out). */
static ictus_status add_added(void *ctx, const ictus_store_decision *d, ictus_error *err)
{
    (void)err;
    collection *c = ctx;
    const rec_info *rec = d->recording_id ? rec_of(c, d->recording_id) : NULL;
    if (!rec)
        return ICTUS_OK;
    const ictus_store_review *v = &d->review;
    ev_row *row = new_row(c, rec);
    row->e.start_us = v->has_fixed_edges ? v->fixed_start_us : v->start_us;
    row->e.end_us = v->has_fixed_edges ? v->fixed_end_us : v->end_us;
    row->e.wall_start_us = rec->start_us + row->e.start_us;
    snprintf(row->e.channel, sizeof row->e.channel, "%s", v->channel);
    snprintf(row->e.type, sizeof row->e.type, "%s", v->type);
    row->e.score = NAN;
    row->verdict = v->verdict;
    row->racine = v->racine;
    row->reviewer = ictus_xstrdup(v->reviewer);
    row->note = ictus_xstrdup(v->note);
    row->added = true;
    return ICTUS_OK;
}

static int cmp_i64(int64_t a, int64_t b)
{
    return (a > b) - (a < b);
}

/* review.csv's order: animal, wall start, recording, channel, type. */
static int row_by_animal_time(const void *a, const void *b)
{
    const ev_row *x = a, *y = b;
    int k = strcmp(x->rec->animal, y->rec->animal);
    if (!k)
        k = cmp_i64(x->e.wall_start_us, y->e.wall_start_us);
    if (!k)
        k = strcmp(x->rec->path, y->rec->path);
    if (!k)
        k = strcmp(x->e.channel, y->e.channel);
    if (!k)
        k = strcmp(x->e.type, y->e.type);
    return k ? k : (x->seq > y->seq) - (x->seq < y->seq);
}

/* An annotation file's order: recording, then start. */
static int row_by_recording_start(const void *a, const void *b)
{
    const ev_row *const *x = a, *const *y = b;
    int k = cmp_i64((*x)->rec->id, (*y)->rec->id);
    if (!k)
        k = cmp_i64((*x)->e.start_us, (*y)->e.start_us);
    return k ? k : ((*x)->seq > (*y)->seq) - ((*x)->seq < (*y)->seq);
}

static void collection_clear(collection *c)
{
    ictus_strpool_free(&c->text);
    for (size_t i = 0; i < c->n_rows; i++) {
        free(c->rows[i].reviewer);
        free(c->rows[i].note);
    }
    free(c->recs);
    free(c->rows);
    free(c->wanted);
}

/* ------------------------------------------------------------------------
 * review.csv
 * ---------------------------------------------------------------------- */

static const char review_csv_header[] =
    "recording,animal,channel,start_s,end_s,duration_s,start_time,type,score,verdict,racine,"
    "reviewer,note,origin,video,video_seek_s";

double ictus_exports_video_seek_s(int64_t start_us, double video_offset_s, double padding_s)
{
    return fmax(0, ictus_us_to_s(start_us) - video_offset_s - padding_s);
}

/* Where to seek in the row's video (s), or NaN without one. */
static double video_seek_s(const ev_row *row, double padding_s)
{
    if (!*row->rec->video)
        return NAN;
    return ictus_exports_video_seek_s(row->e.start_us, row->rec->video_offset_s, padding_s);
}

static void fill_review_csv(ictus_out *o, const void *ctx)
{
    const collection *c = ctx;
    ictus_out_str(o, review_csv_header);
    ictus_out_char(o, '\n');
    for (size_t i = 0; i < c->n_rows; i++) {
        const ev_row *row = &c->rows[i];
        const ictus_event *e = &row->e;
        ictus_events_csv_write_place(o, row->rec->path, row->rec->animal, e);
        ictus_out_char(o, ',');
        if (!row->added)
            ictus_out_fixed(o, e->score, 3);
        ictus_outfile_text(o, ictus_verdict_name(row->verdict));
        ictus_outfile_count(o, row->racine);
        ictus_outfile_text(o, row->reviewer);
        ictus_outfile_text(o, row->note);
        ictus_outfile_text(o, row->added ? "added" : "detected");
        ictus_outfile_text(o, row->rec->video);
        ictus_out_char(o, ',');
        double seek_s = video_seek_s(row, c->opt->video_padding_s);
        if (!isnan(seek_s))
            ictus_out_fixed(o, seek_s, 3);
        ictus_out_char(o, '\n');
    }
}

/* ------------------------------------------------------------------------
 * EDF+ annotation files
 * ---------------------------------------------------------------------- */

/* The annotation text "TYPE SCORE[ VERDICT]", the type cut so that the
 * whole fits in ICTUS_EDF_ANNOTATION_TEXT_MAX bytes. */
static void annotation_text(const ev_row *row, char text[ICTUS_EDF_ANNOTATION_TEXT_MAX + 1])
{
    char tail[ICTUS_EDF_ANNOTATION_TEXT_MAX + 1];
    char score[16];
    if (row->added)
        snprintf(score, sizeof score, "added");
    else
        snprintf(score, sizeof score, "%.3f", row->e.score);
    snprintf(tail, sizeof tail, " %s%s%s", score, row->verdict ? " " : "",
             ictus_verdict_name(row->verdict));
    const char *type = *row->e.type ? row->e.type : "event";
    size_t n_tail = strlen(tail), n_type = strlen(type);
    if (n_type > ICTUS_EDF_ANNOTATION_TEXT_MAX - n_tail)
        n_type = ICTUS_EDF_ANNOTATION_TEXT_MAX - n_tail;
    memcpy(text, type, n_type);
    memcpy(text + n_type, tail, n_tail + 1);
}

/* The file of recording `rec` under dir (annotations/), its folders made. */
static ictus_status annotation_path(const char *dir, const rec_info *rec, char *path, size_t size,
                                    bool *unsafe, ictus_error *err)
{
    size_t n_prefix = strlen(RECORDINGS_PREFIX);
    const char *file = strncmp(rec->path, RECORDINGS_PREFIX, n_prefix) ? rec->path
                                                                        : rec->path + n_prefix;
    char animal[ICTUS_PATH_MAX] = "";
    if (rec->shared) {
        snprintf(animal, sizeof animal, "_%s", rec->animal);
        for (char *p = animal; *p; p++)
            if (*p == '/')
                *p = '_';
    }
    int n = snprintf(path, size, "%s/%s%s" ANNOTATION_SUFFIX, dir, file, animal);
    if (n < 0 || (size_t)n >= size)
        return ictus_fail(err, ICTUS_ERR_USAGE, "%s/%s: the path is too long", dir, file);
    /* Every folder of `file` is made under dir; ".." would leave it. */
    *unsafe = *file == '/' || strstr(file, "../") == file || strstr(file, "/../");
    for (char *slash = path + strlen(dir) + 1; !*unsafe && (slash = strchr(slash, '/')); slash++) {
        *slash = '\0';
        ictus_status st = ictus_outfile_mkdir(path, err);
        *slash = '/';
        if (st != ICTUS_OK)
            return st;
    }
    return ICTUS_OK;
}

/* Write rows[0..n) (one recording's, by start) to `path` through a
 * temporary file.  *skipped (with a line in problems) when EDFlib cannot
 * hold the recording's start. */
static ictus_status write_annotations(const char *path, ev_row *const *rows, size_t n,
                                      ictus_problems *problems, bool *skipped, ictus_error *err)
{
    const rec_info *rec = rows[0]->rec;
    char tmp[ICTUS_PATH_MAX + 32];
    int n_tmp = snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid());
    if (n_tmp < 0 || (size_t)n_tmp >= sizeof tmp)
        return ictus_fail(err, ICTUS_ERR_USAGE, "%s: the path is too long", path);
    ictus_edflib_lock();
    int h = edfopen_file_writeonly(tmp, EDFLIB_FILETYPE_EDFPLUS, 0);
    ictus_edflib_unlock();
    if (h < 0)
        return ictus_fail(err, ICTUS_ERR_IO, "%s: EDFlib cannot create the file (error %d)", tmp,
                          h);
    int year, month, day, hour, minute, second;
    int64_t us;
    ictus_walltime_to_civil(rec->start_us, &year, &month, &day, &hour, &minute, &second, &us);
    *skipped = edf_set_startdatetime(h, year, month, day, hour, minute, second) != 0 ||
               edf_set_subsecond_starttime(h, (int)(us / 100 * 1000)) != 0;
    if (*skipped) {
        char when[32];
        ictus_problems_add(problems, "%s (%s): no annotation file: EDF+ cannot hold its start %s",
                           rec->path, rec->animal,
                           ictus_walltime_format(rec->start_us, when, sizeof when));
    }
    /* EDFlib writes header text as printable ASCII (others become '.') and
     * cuts it to its field. */
    bool failed = edf_set_patientcode(h, rec->animal) != 0 || edf_set_equipment(h, "ictus") != 0;
    for (size_t i = 0; i < n && !*skipped && !failed; i++) {
        char text[ICTUS_EDF_ANNOTATION_TEXT_MAX + 1];
        annotation_text(rows[i], text);
        /* EDFlib takes 100 µs units; an onset before the file (a corrected
         * start) is put at its start. */
        long long onset = rows[i]->e.start_us > 0 ? (rows[i]->e.start_us + 50) / 100 : 0;
        long long duration = (rows[i]->e.end_us - rows[i]->e.start_us + 50) / 100;
        failed = edfwrite_annotation_utf8(h, onset, duration, text) != 0;
    }
    ictus_edflib_lock();
    failed |= edfclose_file(h) != 0;
    ictus_edflib_unlock();
    if (failed || *skipped) {
        remove(tmp);
        return failed ? ictus_fail(err, ICTUS_ERR_IO, "%s: EDFlib cannot write the annotations",
                                   tmp)
                      : ICTUS_OK;
    }
    if (rename(tmp, path) != 0) {
        remove(tmp);
        return ictus_fail(err, ICTUS_ERR_IO, "%s: cannot replace it with %s", path, tmp);
    }
    return ICTUS_OK;
}

/* The files this export wrote, by identity (so that a path spelt another
 * way still matches). */
typedef struct {
    dev_t dev;
    ino_t ino;
} file_id;

typedef struct {
    file_id *ids;
    size_t n, cap;
} file_set;

static int cmp_file_id(const void *a, const void *b)
{
    const file_id *x = a, *y = b;
    if (x->dev != y->dev)
        return x->dev < y->dev ? -1 : 1;
    return (x->ino > y->ino) - (x->ino < y->ino);
}

/* Remove the files *_events.edf under dir (in its folders too) that are not
 * in `written`: those of recordings that have no events any more. */
static ictus_status remove_stale(const char *dir, const file_set *written, ictus_error *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return ictus_fail(err, ICTUS_ERR_IO, "%s: cannot read the directory: %s", dir,
                          strerror(errno));
    ictus_status st = ICTUS_OK;
    size_t n_suffix = strlen(ANNOTATION_SUFFIX);
    for (struct dirent *e; st == ICTUS_OK && (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char *path = ictus_path_join_alloc(dir, e->d_name);
        struct stat sb;
        if (lstat(path, &sb) != 0)
            st = ictus_fail(err, ICTUS_ERR_IO, "%s: %s", path, strerror(errno));
        else if (S_ISDIR(sb.st_mode))
            st = remove_stale(path, written, err);
        else if (S_ISREG(sb.st_mode) && len > n_suffix &&
                 !strcmp(e->d_name + len - n_suffix, ANNOTATION_SUFFIX) &&
                 (written->n == 0 || /* bsearch must not be given a NULL array */
                  !bsearch(&(file_id){sb.st_dev, sb.st_ino}, written->ids, written->n,
                           sizeof *written->ids, cmp_file_id)) &&
                 unlink(path) != 0)
            st = ictus_fail(err, ICTUS_ERR_IO, "%s: cannot remove the stale file: %s", path,
                            strerror(errno));
        free(path);
    }
    closedir(d);
    return st;
}

static ictus_status write_annotation_files(const char *out_dir, const collection *c,
                                           ictus_exports_summary *sum, ictus_error *err)
{
    char dir[ICTUS_PATH_MAX];
    ictus_status st = ictus_path_join(dir, sizeof dir, out_dir, "annotations", err);
    if (st == ICTUS_OK)
        st = ictus_outfile_mkdir(dir, err);
    if (st != ICTUS_OK)
        return st;
    ev_row **order = ictus_xmalloc((c->n_rows ? c->n_rows : 1) * sizeof *order);
    for (size_t i = 0; i < c->n_rows; i++)
        order[i] = &c->rows[i];
    if (c->n_rows)
        qsort(order, c->n_rows, sizeof *order, row_by_recording_start);
    file_set written = {0};
    for (size_t i = 0, end; i < c->n_rows && st == ICTUS_OK; i = end) {
        for (end = i + 1; end < c->n_rows && order[end]->rec == order[i]->rec; end++)
            ;
        char path[ICTUS_PATH_MAX];
        bool unsafe = false, skipped = false;
        st = annotation_path(dir, order[i]->rec, path, sizeof path, &unsafe, err);
        if (st == ICTUS_OK && unsafe)
            ictus_problems_add(&sum->problems, "%s (%s): no annotation file: the path leaves "
                               "recordings/", order[i]->rec->path, order[i]->rec->animal);
        else if (st == ICTUS_OK)
            st = write_annotations(path, order + i, end - i, &sum->problems, &skipped, err);
        struct stat sb;
        if (st == ICTUS_OK && !unsafe && !skipped && stat(path, &sb) != 0)
            st = ictus_fail(err, ICTUS_ERR_IO, "%s: %s", path, strerror(errno));
        else if (st == ICTUS_OK && !unsafe && !skipped) {
            ICTUS_GROW(written.ids, written.n + 1, written.cap);
            written.ids[written.n++] = (file_id){sb.st_dev, sb.st_ino};
            sum->n_annotation_files++;
        }
    }
    free(order);
    if (written.n)
        qsort(written.ids, written.n, sizeof *written.ids, cmp_file_id);
    if (st == ICTUS_OK)
        st = remove_stale(dir, &written, err);
    free(written.ids);
    return st;
}

/* ------------------------------------------------------------------------
 * The entry point
 * ---------------------------------------------------------------------- */

static ictus_status collect(const char *study_dir, const ictus_study *study, collection *c,
                            ictus_error *err)
{
    char db[ICTUS_PATH_MAX];
    ictus_status st = ictus_path_join(db, sizeof db, study_dir, "ictus.db", err);
    if (st != ICTUS_OK)
        return st;
    if (access(db, F_OK) != 0)
        return ictus_fail(err, ICTUS_ERR_IO, "%s: no results store: run `ictus run %s` first", db,
                          study_dir);
    ictus_store *s;
    st = ictus_store_open(db, &s, err);
    if (st != ICTUS_OK)
        return st;
    const ictus_store_event_query all = {.t0_us = ICTUS_STORE_TIME_MIN,
                                         .t1_us = ICTUS_STORE_TIME_MAX};
    st = ictus_store_each_event(s, &all, want_event, c, err);
    if (st == ICTUS_OK)
        st = ictus_store_each_added(s, NULL, want_added, c, err);
    sort_wanted(c);
    if (st == ICTUS_OK)
        st = ictus_store_each_recording_span(s, add_recording, c, err);
    free(c->wanted);
    c->wanted = NULL;
    c->n_wanted = c->cap_wanted = 0;
    if (st == ICTUS_OK)
        st = describe_recordings(s, c, err);
    if (st == ICTUS_OK)
        st = ictus_store_each_event(s, &all, add_event, c, err);
    if (st == ICTUS_OK)
        st = ictus_store_each_added(s, NULL, add_added, c, err);
    ictus_store_close(s);
    if (st == ICTUS_OK)
        fill_videos(c, study);
    if (st == ICTUS_OK && c->n_rows)
        qsort(c->rows, c->n_rows, sizeof *c->rows, row_by_animal_time);
    return st;
}

ictus_status ictus_report_exports_study(const ictus_study *study, const char *out_dir,
                                        const ictus_exports_options *opt,
                                        ictus_exports_summary *sum, ictus_error *err)
{
    ictus_exports_summary own_sum;
    if (!sum)
        sum = &own_sum;
    *sum = (ictus_exports_summary){0};
    ictus_status st = ICTUS_OK;
    ictus_exports_options from_ini;
    if (!opt) {
        ictus_exports_options_default(&from_ini);
        st = ictus_exports_options_apply(&from_ini, study->config, err);
        opt = &from_ini;
    }
    char out[ICTUS_PATH_MAX];
    if (st == ICTUS_OK && !out_dir) {
        st = ictus_path_join(out, sizeof out, study->dir, "out", err);
        out_dir = out;
    }
    if (st == ICTUS_OK)
        st = ictus_outfile_mkdir(out_dir, err);
    collection c = {.opt = opt};
    if (st == ICTUS_OK)
        st = collect(study->dir, study, &c, err);
    if (st == ICTUS_OK)
        st = ictus_outfile_write(out_dir, "review.csv", fill_review_csv, &c, err);
    if (st == ICTUS_OK)
        st = write_annotation_files(out_dir, &c, sum, err);
    sum->n_events = (int64_t)c.n_rows;
    for (size_t i = 0; i < c.n_rows; i++)
        sum->n_with_video += *c.rows[i].rec->video != '\0';
    collection_clear(&c);
    if (sum == &own_sum)
        ictus_problems_clear(&own_sum.problems);
    return st;
}

ictus_status ictus_report_exports(const char *study_dir, const char *out_dir,
                                  const ictus_exports_options *opt, ictus_exports_summary *sum,
                                  ictus_error *err)
{
    if (sum)
        *sum = (ictus_exports_summary){0};
    ictus_study *study;
    ictus_status st = ictus_study_load(study_dir, &study, err);
    if (st != ICTUS_OK)
        return st;
    st = ictus_report_exports_study(study, out_dir, opt, sum, err);
    ictus_study_destroy(study);
    return st;
}
