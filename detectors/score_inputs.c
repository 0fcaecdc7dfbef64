/* score_inputs.c: reading `ictus score`'s CSVs and locating their recordings. */
#include "detectors/score_inputs.h"

#include <dirent.h>
#include <libgen.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/csvtable.h"
#include "base/limits.h"
#include "base/path.h"
#include "base/strbuf.h"
#include "base/vec.h"
#include "base/walltime.h"
#include "pipeline/source/recording_name.h"

/* At most this many folders are searched for recordings (score_inputs.h):
 * beside the truth, beside the predictions, the folder above those. */
#define MAX_SEARCH_DIRS 3

/* Where recordings named in the CSVs are looked for; each dir also with
 * /recordings appended. */
typedef struct {
    char dir[MAX_SEARCH_DIRS][ICTUS_PATH_MAX];
    int n;
} search_dirs;

/* ------------------------------------------------------------------------
 * Notes and recordings
 * ---------------------------------------------------------------------- */

static void note(ictus_score_inputs *in, bool problem, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void note(ictus_score_inputs *in, bool problem, const char *fmt, ...)
{
    ictus_strbuf text = {0};
    va_list ap;
    va_start(ap, fmt);
    ictus_strbuf_vaddf(&text, fmt, ap);
    va_end(ap);
    ICTUS_GROW(in->notes, in->n_notes + 1, in->cap_notes);
    in->notes[in->n_notes++] = (ictus_score_note){ictus_strbuf_take(&text), problem};
    in->problems |= problem;
}

static ictus_score_recording *find_recording(ictus_score_inputs *in, const char *path,
                                             bool create)
{
    const char *name = ictus_path_base(path);
    for (int i = 0; i < in->n_recs; i++)
        if (strcmp(in->recs[i].name, name) == 0)
            return &in->recs[i];
    if (!create)
        return NULL;
    ICTUS_GROW(in->recs, in->n_recs + 1, in->cap_recs);
    ictus_score_recording *r = &in->recs[in->n_recs++];
    memset(r, 0, sizeof *r);
    r->name = ictus_xstrdup(name);
    return r;
}

static void add_interval(ictus_interval **v, size_t *n, size_t *cap, double a, double b)
{
    ICTUS_GROW(*v, *n + 1, *cap);
    (*v)[(*n)++] = (ictus_interval){a, b};
}

/* ------------------------------------------------------------------------
 * Where recordings are
 * ---------------------------------------------------------------------- */

static void search_add(search_dirs *s, const char *dir)
{
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->dir[i], dir) == 0)
            return;
    ictus_error ignored;
    if (s->n < MAX_SEARCH_DIRS &&
        ictus_path_join(s->dir[s->n], sizeof s->dir[0], NULL, dir, &ignored) == ICTUS_OK)
        s->n++;
}

static void search_beside(search_dirs *s, const char *truth_path, const char *pred_path)
{
    char *truth = ictus_xstrdup(truth_path), *pred = ictus_xstrdup(pred_path);
    search_add(s, dirname(truth));
    char *pred_dir = dirname(pred);
    char *above = ictus_path_join_alloc(pred_dir, "..");
    search_add(s, pred_dir);
    search_add(s, above);
    free(above);
    free(truth);
    free(pred);
}

/* Every recording file in dir (not recursive). */
static void scan_dir(ictus_score_inputs *in, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!ictus_source_is_recording_name(e->d_name))
            continue;
        ictus_score_recording *r = find_recording(in, e->d_name, true);
        ictus_error ignored;
        if (!r->path[0])
            ictus_path_join(r->path, sizeof r->path, dir, e->d_name, &ignored);
    }
    closedir(d);
}

/* Read the header of r (its path, or its name under the search dirs);
 * false, with err set and r->header BROKEN or MISSING, when it cannot. */
static bool read_header(ictus_score_recording *r, const search_dirs *dirs, ictus_error *err)
{
    enum { MAX_CANDIDATES = 1 + 2 * MAX_SEARCH_DIRS };
    char(*candidates)[ICTUS_PATH_MAX] = ictus_xmalloc(MAX_CANDIDATES * sizeof *candidates);
    int n = 0;
    ictus_error ignored;
    if (r->path[0])
        memcpy(candidates[n++], r->path, sizeof r->path);
    for (int d = 0; d < dirs->n; d++) {
        n += ictus_path_join(candidates[n], sizeof candidates[n], dirs->dir[d], r->name,
                             &ignored) == ICTUS_OK;
        n += ictus_path_format(candidates[n], sizeof candidates[n], &ignored, "%s/recordings/%s",
                               dirs->dir[d], r->name) == ICTUS_OK;
    }
    r->header = ICTUS_SCORE_HEADER_BROKEN;
    for (int i = 0; i < n; i++) {
        struct stat sb;
        if (stat(candidates[i], &sb) != 0)
            continue;
        ictus_source *src;
        ictus_source_options opt = {.allow_partial = true};
        bool ok = ictus_source_open(candidates[i], &opt, &src, err) == ICTUS_OK;
        if (ok) {
            const ictus_recording_info *info = ictus_source_info(src);
            r->start_us = info->start_us;
            r->duration_us = info->duration_us;
            if (!r->animal) {
                char animal[256];
                ictus_recording_default_animal(info, animal, sizeof animal);
                r->animal = ictus_xstrdup(animal);
            }
            memcpy(r->path, candidates[i], sizeof r->path);
            ictus_source_close(src);
            r->header = ICTUS_SCORE_HEADER_READ;
        }
        free(candidates);
        return ok;
    }
    free(candidates);
    r->header = ICTUS_SCORE_HEADER_MISSING;
    char looked[MAX_SEARCH_DIRS * (ICTUS_PATH_MAX + 2)] = "";
    for (int d = 0; d < dirs->n; d++)
        snprintf(looked + strlen(looked), sizeof looked - strlen(looked), "%s%s",
                 d ? ", " : "", dirs->dir[d]);
    ictus_fail(err, ICTUS_ERR_IO, "%s: recording not found in %s (nor in recordings/ below)",
               r->name, looked);
    return false;
}

/* Read r's header once and note what went wrong.  A recording found nowhere
 * is still scored, over the span of its events, when the user did not say
 * where recordings are (strict false): a warning.  Otherwise a problem. */
static void locate(ictus_score_inputs *in, ictus_score_recording *r, const search_dirs *dirs,
                   bool strict)
{
    ictus_error err;
    if (r->header != ICTUS_SCORE_HEADER_UNREAD || read_header(r, dirs, &err))
        return;
    if (r->header == ICTUS_SCORE_HEADER_MISSING && !strict)
        note(in, false, "warning: %s: its length is unknown: scored over the span of its events, "
                        "with hours and false positives per 24 h nan (pass --recordings DIR)",
             err.msg);
    else
        note(in, true, "%s", err.msg);
}

/* ------------------------------------------------------------------------
 * Reading a side
 * ---------------------------------------------------------------------- */

/* The columns a side needs: start_s,end_s with recording, or start,end with
 * recording or animal.  Checked for both sides before anything is read, so
 * that a file of another layout is one error, not a score of nothing. */
static ictus_status check_columns(const ictus_csv *t, ictus_error *err)
{
    bool has_s = ictus_csv_column(t, "start_s") >= 0 && ictus_csv_column(t, "end_s") >= 0;
    bool has_iso = ictus_csv_column(t, "start") >= 0 && ictus_csv_column(t, "end") >= 0;
    bool has_rec = ictus_csv_column(t, "recording") >= 0;
    const char *needs = NULL;
    if (!has_s && !has_iso)
        needs = "columns start_s,end_s (seconds from the recording's start) or start,end (ISO "
                "8601 times)";
    else if (!has_rec && (!has_iso || ictus_csv_column(t, "animal") < 0))
        needs = "a recording column (the file name), or animal with start,end ISO times";
    if (!needs)
        return ICTUS_OK;
    char found[1024] = "";
    for (int c = 0; c < ictus_csv_columns(t); c++)
        snprintf(found + strlen(found), sizeof found - strlen(found), "%s%s", c ? "," : "",
                 ictus_csv_column_name(t, c));
    return ictus_fail(err, ICTUS_ERR_FORMAT, "%s: needs %s; its columns are: %s",
                      ictus_csv_path(t), needs, found);
}

/* Read a side (truth or pred; its columns checked) into the recordings.
 * Rows with problems are noted and skipped. */
static void read_side(ictus_score_inputs *in, const ictus_csv *t, bool truth, const char *type,
                      const search_dirs *dirs, bool strict)
{
    int c_rec = ictus_csv_column(t, "recording"), c_animal = ictus_csv_column(t, "animal");
    int c_type = ictus_csv_column(t, "type");
    int c_s = ictus_csv_column(t, "start_s"), c_e = ictus_csv_column(t, "end_s");
    int c_iso_s = ictus_csv_column(t, "start"), c_iso_e = ictus_csv_column(t, "end");
    char where[512];
    for (int row = 0; row < ictus_csv_rows(t); row++) {
        if (type && c_type >= 0 && strcmp(ictus_csv_field(t, row, c_type), type) != 0)
            continue;
        ictus_error err;
        double a, b;
        ictus_score_recording *r = NULL;
        if (c_s >= 0 && c_e >= 0) {
            if (ictus_csv_double(t, row, c_s, &a, &err) != ICTUS_OK ||
                ictus_csv_double(t, row, c_e, &b, &err) != ICTUS_OK) {
                note(in, true, "%s", err.msg);
                continue;
            }
            if (c_rec < 0) {
                note(in, true, "%s: start_s/end_s need a recording column",
                     ictus_csv_where(t, row, c_s, where, sizeof where));
                continue;
            }
            r = find_recording(in, ictus_csv_field(t, row, c_rec), true);
            ictus_error too_long; /* a path that does not fit stays unknown: looked for by name */
            if (!truth && !r->path[0])
                ictus_path_join(r->path, sizeof r->path, NULL, ictus_csv_field(t, row, c_rec),
                                &too_long);
        } else {
            int64_t t0, t1;
            if (!ictus_walltime_parse(ictus_csv_field(t, row, c_iso_s), &t0) ||
                !ictus_walltime_parse(ictus_csv_field(t, row, c_iso_e), &t1)) {
                note(in, true, "%s: expected ISO 8601 times (YYYY-MM-DDTHH:MM:SS)",
                     ictus_csv_where(t, row, c_iso_s, where, sizeof where));
                continue;
            }
            if (c_rec >= 0) {
                r = find_recording(in, ictus_csv_field(t, row, c_rec), true);
                locate(in, r, dirs, strict);
                if (r->header != ICTUS_SCORE_HEADER_READ) {
                    note(in, true, "%s: ISO times need the start of recording %s, which could "
                                   "not be read",
                         ictus_csv_where(t, row, c_iso_s, where, sizeof where), r->name);
                    continue;
                }
            } else {
                const char *animal = ictus_csv_field(t, row, c_animal);
                for (int i = 0; i < in->n_recs && !r; i++) {
                    const ictus_score_recording *c = &in->recs[i];
                    if (c->header == ICTUS_SCORE_HEADER_READ && c->animal && strcmp(c->animal, animal) == 0 &&
                        t0 >= c->start_us && t0 < c->start_us + c->duration_us)
                        r = &in->recs[i];
                }
                if (!r) {
                    note(in, true, "%s: no recording of animal '%s' covers this time",
                         ictus_csv_where(t, row, c_iso_s, where, sizeof where), animal);
                    continue;
                }
            }
            a = (double)(t0 - r->start_us) / 1e6;
            b = (double)(t1 - r->start_us) / 1e6;
        }
        if (!(b >= a) || !isfinite(a) || !isfinite(b)) {
            note(in, true, "%s: end %g is before start %g",
                 ictus_csv_where(t, row, c_e >= 0 ? c_e : c_iso_e, where, sizeof where), b, a);
            continue;
        }
        if (fabs(a) > ICTUS_MAX_OFFSET_S || fabs(b) > ICTUS_MAX_OFFSET_S) {
            note(in, true, "%s: %g s to %g s from the start of %s: expected times within "
                           ICTUS_MAX_OFFSET_TEXT " of it",
                 ictus_csv_where(t, row, c_s >= 0 ? c_s : c_iso_s, where, sizeof where), a, b,
                 r->name);
            continue;
        }
        if (c_animal >= 0 && !r->animal && *ictus_csv_field(t, row, c_animal))
            r->animal = ictus_xstrdup(ictus_csv_field(t, row, c_animal));
        if (truth)
            add_interval(&r->ref, &r->n_ref, &r->cap_ref, a, b);
        else
            add_interval(&r->hyp, &r->n_hyp, &r->cap_hyp, a, b);
    }
}

/* ------------------------------------------------------------------------
 * Loading and scoring
 * ---------------------------------------------------------------------- */

/* A recording that is not scored: unreadable, or not found where the user
 * said recordings are. */
static bool left_out(const ictus_score_recording *r, bool strict)
{
    return r->header == ICTUS_SCORE_HEADER_BROKEN ||
           (r->header == ICTUS_SCORE_HEADER_MISSING && strict);
}

ictus_status ictus_score_inputs_load(const ictus_score_sources *src, ictus_score_inputs **out,
                                     ictus_error *err)
{
    *out = NULL;
    ictus_score_inputs *in = ictus_xcalloc(1, sizeof *in);
    search_dirs dirs = {.n = 0};
    bool strict = in->strict = src->recordings_dir != NULL;
    if (strict) {
        search_add(&dirs, src->recordings_dir);
        scan_dir(in, src->recordings_dir);
        char *sub = ictus_path_join_alloc(src->recordings_dir, "recordings");
        scan_dir(in, sub);
        free(sub);
    } else {
        search_beside(&dirs, src->truth_path, src->pred_path);
    }
    ictus_csv *truth = NULL, *pred = NULL;
    ictus_status st = ictus_csv_read(src->pred_path, &pred, err);
    if (st == ICTUS_OK)
        st = ictus_csv_read(src->truth_path, &truth, err);
    if (st == ICTUS_OK)
        st = check_columns(truth, err);
    if (st == ICTUS_OK)
        st = check_columns(pred, err);
    if (st == ICTUS_OK) {
        read_side(in, pred, false, src->type, &dirs, strict);
        for (int i = 0; i < in->n_recs; i++)
            locate(in, &in->recs[i], &dirs, strict);
        read_side(in, truth, true, src->type, &dirs, strict);
        for (int i = 0; i < in->n_recs; i++) {
            ictus_score_recording *r = &in->recs[i];
            locate(in, r, &dirs, strict);
            in->problems |= left_out(r, strict);
            if (!r->animal)
                r->animal = ictus_xstrdup(r->name);
        }
    }
    ictus_csv_destroy(truth);
    ictus_csv_destroy(pred);
    if (st != ICTUS_OK) {
        ictus_score_inputs_destroy(in);
        return st;
    }
    *out = in;
    return ICTUS_OK;
}

/* A length for a recording found nowhere: past its last event by more than
 * the tolerance window, so that nothing is clipped. */
static double span_of(const ictus_score_recording *r, const ictus_score_params *p)
{
    double end = 0;
    for (size_t i = 0; i < r->n_ref; i++)
        end = fmax(end, r->ref[i].end_s);
    for (size_t i = 0; i < r->n_hyp; i++)
        end = fmax(end, r->hyp[i].end_s);
    return end + p->tol_after_s + p->bin_s;
}

void ictus_score_inputs_tables(const ictus_score_inputs *in, const ictus_score_params *p,
                               ictus_score_table *events, ictus_score_table *samples)
{
    for (int i = 0; i < in->n_recs; i++) {
        const ictus_score_recording *r = &in->recs[i];
        bool missing = r->header == ICTUS_SCORE_HEADER_MISSING;
        if (left_out(r, in->strict))
            continue;
        double dur_s = missing ? span_of(r, p) : (double)r->duration_us / 1e6;
        ictus_score_counts c;
        ictus_score_events(r->ref, r->n_ref, r->hyp, r->n_hyp, dur_s, p, &c);
        if (missing)
            c.duration_s = NAN;
        ictus_score_table_add(events, r->animal, &c);
        ictus_score_samples(r->ref, r->n_ref, r->hyp, r->n_hyp, dur_s, p, &c);
        if (missing)
            c.duration_s = NAN;
        ictus_score_table_add(samples, r->animal, &c);
    }
}

void ictus_score_inputs_destroy(ictus_score_inputs *in)
{
    if (!in)
        return;
    for (int i = 0; i < in->n_recs; i++) {
        free(in->recs[i].name);
        free(in->recs[i].animal);
        free(in->recs[i].ref);
        free(in->recs[i].hyp);
    }
    for (int i = 0; i < in->n_notes; i++)
        free(in->notes[i].text);
    free(in->recs);
    free(in->notes);
    free(in);
}
