/* plan.h: what tonight's run has to do: the study's recordings on disk and in
 * recordings.csv, compared with what the results store already holds.
 *
 * A recording file is found in recordings/ (recursively; the names
 * ictus_source_is_recording_name() accepts, pipeline/source/recording_name.h;
 * directories starting with '.' are skipped too) or in
 * recordings.csv (any name).  Each file is compared with its stored rows
 * (one per animal) and given one action:
 *   unchanged  every row ok, same identity (size, mtime_ns, inode), same
 *              preset id and parameter hash as its animal's preset
 *              (protocols/study_preset.h: each animal may have its own;
 *              an animal no longer listed: the default), same recordings.csv animals,
 *              channel map and start time: nothing to do, not even a hash;
 *   check      only the identity changed (touched, copied back, restored):
 *              hash it; the same content only updates the stored identity;
 *   process    new, changed, stale, failed or still being written last time:
 *              hash and detect;
 *   settling   modified less than `settle_s` ago: still being written, left
 *              for the next run (stored results, if any, stay);
 *   missing    stored or listed in recordings.csv, but not on disk (or no
 *              longer part of the study).
 * The channel map is compared through the stored channels' roles: a mapped
 * channel is stored with role = its map label, an unmapped one with role ""
 * (run_work.h), so the map can be compared without opening the file.
 *
 * Lifecycle: run_plan_make() → read the files (the workers only read) →
 * run_plan_release_files() (optional) → run_plan_free().  Memory: one
 * entry per file of the study, about 0.2 KB with its stored row (the
 * columns the run reads, run_stored_row), its path and its place among the
 * known hashes.  The scan and recordings.csv are merged in path order into
 * the files first and the scan's list freed; the store's rows, read in path
 * order, then go to their files as they come (a path only the store has is
 * merged in at the end): nothing is held twice while the plan is built.
 */
#ifndef ICTUS_RUN_PLAN_H
#define ICTUS_RUN_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "base/filehash.h"
#include "base/strpool.h"
#include "store/store.h"
#include "protocols/study.h"
#include "protocols/study_preset.h"

/* A stored row of a file, as the plan keeps it: the columns of
 * ictus_store_plan_row the run reads after the plan is made (88 bytes, 24
 * fewer: no path, the file's; no parameter hash, judged while the row is
 * read).  Strings are the plan's. */
typedef struct {
    int64_t id;
    const char *animal, *error, *preset;
    ictus_file_identity identity;
    ictus_hash128 content_hash;
    int64_t start_us;
    ictus_rec_status status;
    bool has_content_hash;
    bool has_results;
    bool stale;                     /* results made with another preset or parameters than
                                       its animal's of tonight (or its animal has none) */
} run_stored_row;

typedef enum {
    RUN_UNCHANGED = 0,
    RUN_CHECK,
    RUN_PROCESS,
    RUN_SETTLING,
    RUN_MISSING,
} run_action;

/* One file of the study (80 bytes: one per file, a study may hold
 * hundreds of thousands; the fields are ordered so that none pads). */
typedef struct {
    const char *path;               /* relative to the study: "recordings/m1/d1.edf"; on
                                       disk STUDY_DIR/path (run_plan.study_dir); the
                                       plan's string or, listed, the study's */
    ictus_file_identity identity;   /* when it exists */
    int n_entries;                  /* its valid recordings.csv rows (0: the EDF header decides) */
    int rejected_line;              /* > 0: recordings.csv names it only in rejected rows */
    const ictus_recording_entry **entries;
    int n_stored;                   /* its rows in the store, in animal order; their
                                       strings are the plan's (never freed one by one) */
    int map_differs;                /* 1 + the first stored row whose channel roles
                                       differ from its channel map; 0: none */
    run_stored_row *stored;
    const char *reason;             /* why it is processed or missing, for the log, the
                                       plan's string or a constant (NULL when unchanged:
                                       run_file_reason()) */
    run_action action;
    bool exists;                    /* a regular file on disk that belongs to the study */
    bool had_results;               /* some stored row has results */
    bool stale_preset;              /* results made with another preset or parameters */
} run_file;

typedef struct {
    int n_files;
    run_file *files;                /* ordered by path */
    int n_known;
    int *known;                     /* the files that exist and are unchanged tonight with a
                                       stored content hash (what a new file's hash is
                                       compared with to find copies): their indexes in
                                       files, ordered by hash, then path (4 bytes a file:
                                       run_plan_known_file(), run_plan_known_hash()) */
    int n_to_read;                  /* files to check or process */
    int64_t bytes_to_read;          /* their total size */
    char scan_warning[512];         /* e.g. an unreadable sub-directory; "" when none */
    const char *study_dir;          /* the study's directory, as given (the input's) */
    /* private: what the files point into (run_plan_release_files() frees it) */
    ictus_strpool text_;            /* the strings */
    run_stored_row *stored_;        /* every stored row, by path: the files' slices */
    const ictus_recording_entry **entries_; /* every recordings.csv row: the files' slices */
} run_plan;

/* What the plan is compared against. */
typedef struct {
    const ictus_study *study;
    const ictus_study_presets *presets; /* every animal's preset, of `study` */
    int64_t now_unix_us;            /* real time, for the settle rule */
    double settle_s;                /* files modified less than this ago are left alone */
} run_plan_input;

/* Scan the study and compare it with `store` (read only).  On success *plan
 * holds the files (free with run_plan_free()).  Errors: ICTUS_ERR_DB from
 * the store, ICTUS_ERR_IO when recordings/ exists but cannot be listed. */
ictus_status run_plan_make(const run_plan_input *in, ictus_store *store, run_plan *plan,
                           ictus_error *err);
void run_plan_free(run_plan *plan);

/* Free the files of the plan (after the last use of plan->files: the
 * workers and the committer are done), keeping its counts (n_files,
 * n_to_read, bytes_to_read) and scan_warning for the summary: the outputs
 * made after detection then do not share memory with every file's rows.
 * run_plan_free() still frees the rest. */
void run_plan_release_files(run_plan *plan);

/* The files to check or process (plan->n_to_read of them), largest first
 * (then by path), so that one big file does not finish alone at the end of a
 * run or of a Slurm array: a new array of *n + 1 pointers into plan->files,
 * the caller's to free. */
const run_file **run_plan_files_to_read(const run_plan *plan, int *n);

/* The hash of a preset's parameter text that results record and the plan
 * compares (ictus_hash_bytes() of it). */
ictus_hash128 run_preset_params_hash(const ictus_preset *preset);

/* Why `f` is processed, settling or missing; "" when it is unchanged. */
static inline const char *run_file_reason(const run_file *f)
{
    return f->reason ? f->reason : "";
}

/* Of several files holding the same content, the one counted: a file that
 * recordings.csv lists before one it does not (a stray copy dropped into
 * recordings/ must not displace the lab's file), then the first path.  A
 * pure function of the files and the manifest, so the outcome does not
 * depend on the order files were found, processed or interrupted in.
 * True when `a` is counted before `b`. */
bool run_file_counts_before(const run_file *a, const run_file *b);

/* Known file k (0 <= k < n_known) and its hash. */
static inline const run_file *run_plan_known_file(const run_plan *plan, int k)
{
    return &plan->files[plan->known[k]];
}

static inline ictus_hash128 run_plan_known_hash(const run_plan *plan, int k)
{
    return plan->files[plan->known[k]].stored[0].content_hash;
}

/* The plan's known holders of `hash`: known files *first .. *first + n,
 * in path order; returns n (0: none).  Thread-safe (reads only). */
int run_plan_known_range(const run_plan *plan, ictus_hash128 hash, int *first);

/* The file counted first among the plan's known holders of `hash` other
 * than `f`, or NULL.  Thread-safe (reads only). */
const run_file *run_plan_known_holder(const run_plan *plan, ictus_hash128 hash,
                                      const run_file *f);

#endif
