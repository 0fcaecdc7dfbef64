/* work.h: the heavy part of the nightly job for one file: hash, read, detect.
 *
 * run_work_file() runs on a worker thread with no lock held and touches
 * neither the store nor any shared state: it reads the plan, the study and
 * the preset (all read-only while workers run) and fills an outcome that the
 * main thread then stores (run_commit.h).
 *
 * Order of the work and why: the file is hashed first (one sequential read
 * with XXH3, which also notices a file that changes while it is read), then
 * opened and detected, which reads it again, from the page cache.  Hashing
 * while detecting would need the readers to expose their bytes; measured on
 * an animal-day the second read from the cache costs a few per cent of the
 * detection (see data-samples/README.md), so the simpler order wins.  After
 * detection the file is stat()ed again: any change since the hash means it
 * is still being written, and the outcome says so instead of storing
 * results of a file that is not what was hashed.
 *
 * What is stored per channel (for every channel of the file, in file order):
 * the label is the channel map's label for the animal's mapped channels and
 * the file's label otherwise; the role is the map's label for mapped
 * channels and "" otherwise (run_plan.h compares maps through it); analysed
 * says whether features and detection ran on it.
 *
 * Each animal is detected with its own preset (protocols/study_preset.h);
 * when none of its channel labels is one of that preset's primary_channels,
 * its results carry a warning saying which channel was taken instead
 * (detectors/preset.h).
 */
#ifndef ICTUS_RUN_WORK_H
#define ICTUS_RUN_WORK_H

#include <stdbool.h>
#include <stdint.h>

#include "detectors/recording_detection.h"
#include "protocols/study_preset.h"
#include "store/store.h"
#include "nightly/plan.h"

typedef enum {
    RUN_OUT_RESULTS = 0, /* detected: every animal has results or its own failure */
    RUN_OUT_SAME,        /* only the identity changed: the content hash is the stored one */
    RUN_OUT_INCOMPLETE,  /* still being written (message says how we know) */
    RUN_OUT_FAILED,      /* the whole file failed: unreadable, corrupt, truncated */
    RUN_OUT_DUPLICATE,   /* the same content as an unchanged file counted before it */
} run_outcome_kind;

/* One channel of a result, with its strings. */
typedef struct {
    char label[ICTUS_LABEL_MAX];
    char unit[16];
    char role[ICTUS_LABEL_MAX];
} run_channel_text;

/* One animal of a file: results, or why it has none. */
typedef struct {
    char *animal;                  /* owned; as long as the manifest or the file gives it */
    char error[1024];              /* "" when it has results */
    char warning[1024];            /* with results: what the run should say about them, or "" */
    ictus_detection *det;          /* owned; NULL on error */
    ictus_store_results res;       /* res.file is filled in by the committer */
    ictus_store_channel *channels; /* [res.n_channels], owned */
    run_channel_text *channel_text;
    ictus_store_series *series;    /* [res.n_series], owned */
    uint16_t *artefacts;           /* every series' artefact counts, bucket-major */
    void *shard_block;             /* owned; read from a shard (nightly/shard.h, det NULL): the
                                      block res.events, res.format, res.preset and the series'
                                      channels and analysable_us point into; else NULL */
} run_animal;

typedef struct {
    const run_file *file;
    run_outcome_kind kind;
    bool has_hash;
    ictus_hash128 hash;
    ictus_file_identity identity;  /* when the file was read (plan's identity when not read) */
    char message[1024];            /* INCOMPLETE, FAILED, DUPLICATE: the one-line reason */
    const run_file *duplicate_of;  /* DUPLICATE: the file with the same content (the plan's) */
    char *header_animal;           /* DUPLICATE without recordings.csv rows: the header's
                                      animal (owned; NULL when unknown) */
    char cut_short[512];           /* RESULTS of a file holding less than its header promises
                                      (source.h, info.partial), analysed to its last complete
                                      record: the run's one warning about it; else "" */
    int n_animals;
    run_animal *animals;
    double hash_s, detect_s;       /* time spent hashing and reading + detecting */
} run_outcome;

/* What every file of a run shares (read-only). */
typedef struct {
    const ictus_study *study;
    const ictus_study_presets *presets; /* every animal's preset (and stimulation list) */
    const run_plan *plan;
    int analyzer_threads;          /* threads inside one file's detection (>= 1) */
    /* The reduce of a Slurm submission (submission.h): outcomes are read
     * from its shards instead of worked out; NULL in a local run. */
    const struct run_submission *submission;
} run_work_context;

/* Do the heavy work for `f` (action check or process) into *out (zeroed
 * first; free with run_outcome_clear()).  Never fails: every problem ends in
 * the outcome.  Thread-safe for different outcomes. */
void run_work_file(const run_work_context *ctx, const run_file *f, run_outcome *out);

/* Free what an outcome holds and zero it. */
void run_outcome_clear(run_outcome *out);

#endif
