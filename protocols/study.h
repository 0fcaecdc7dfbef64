/* study.h: a study directory read into memory: settings, animals, recordings, dosing, annotations.
 *
 * A study directory (DESIGN.md) holds:
 *   study.ini        required.  [study] name (default: the directory's name),
 *                    preset (required: a detector preset id), mains_hz
 *                    (required: 50, 60, or 0 for no notch), full_scale_uv
 *                    (optional: the µV of sample value 1.0 in sound files,
 *                    WAV/FLAC/..., which carry no unit; default 32768, i.e.
 *                    one 16-bit count is 1 µV; EDF/BDF use their headers),
 *                    date_format (optional: YYYY-MM-DD, the default, or
 *                    DD.MM.YYYY, DD/MM/YYYY or MM/DD/YYYY: the form of the
 *                    manifests' dates besides YYYY-MM-DD, which is always
 *                    accepted; a D.M.YYYY or M/D/YYYY date without it is a
 *                    problem, never guessed).  [drugs]
 *                    (optional): one key per drug label with its target dose
 *                    in mg/kg (the dose an adequate trial must reach, e.g. the
 *                    MTD), or an empty value when unknown:
 *                        [drugs]
 *                        carbamazepine = 20
 *                        levetiracetam =
 *                    When [drugs] exists, dosing.csv may use no other drug.
 *                    Other sections ([detector], [analysis], ...) belong to
 *                    other floors: they read them from study->config.
 *                    There is no time zone anywhere: every time is naive local.
 *                    Times in the CSVs: a date (as above), then optionally
 *                    `T` or a space and H:MM or HH:MM[:SS[.fff]]; a date
 *                    alone is 00:00 of that day (as a period's end too: the
 *                    day itself is not in the period).
 *   animals.csv      required.  animal (required, unique), model, sex (M, F,
 *                    male, female or empty), strain, birth_date (a date,
 *                    or empty), group, notes; optional death (a date-time:
 *                    the animal died then) and death_cause (free text; needs
 *                    a death), read by protocols/survival_outcomes.h;
 *                    optional preset.  model and preset choose the animal's
 *                    detection preset (protocols/study_preset.h).
 *                    Only the animal id (and a row no wider than the header)
 *                    decides whether the animal is known: a bad sex,
 *                    birth_date, death or death_cause is a problem that
 *                    names the field, and the animal is kept with that
 *                    field unknown (empty), so its recordings are detected.
 *   recordings.csv   optional (EDF headers may carry the animal and start).
 *                    file, animal required; channels, start_time, video
 *                    optional.  file: a path inside recordings/ (no "..", not
 *                    absolute), relative to recordings/: "A2.edf", not
 *                    "recordings/A2.edf" (rejected, with the fix, when only
 *                    the second reading exists).  channels: "HPC=1;CTX=2", labels for 1-based
 *                    channel numbers of the file (empty: every channel with
 *                    the file's labels).  A file holding several animals has
 *                    one row per animal, each with a channel map, no channel
 *                    number in two of them.  (file, animal) must be unique.
 *   dosing.csv       optional; see dosing.h.
 *   annotations.csv  optional: expert labels, DESIGN.md's truth format:
 *                    start_s,end_s (seconds from the recording start; needs
 *                    `recording`) or start,end (naive local date-times);
 *                    recording (file name, matched without directories)
 *                    and/or animal; optional type, racine (0..5), scorer.
 * Every CSV is UTF-8 (a BOM is fine), comma-separated with RFC 4180 quotes,
 * LF or CRLF (base/csvtable.h).
 *
 * Problems: every broken rule in a CSV row is one line in study->problems,
 *   FILE:LINE:COLUMN (NAME): what is wrong
 * and the row is dropped; valid rows are kept.  A field of animals.csv the
 * analysis can do without (see above) is a line in study->warnings instead,
 * in the same form: the animal is kept and nothing fails.  An optional file that cannot
 * be used at all (wrong encoding, missing columns) is one problem and
 * contributes nothing.  Only a missing or unusable study.ini or animals.csv,
 * or a bad setting in [study] / [drugs], is fatal.
 *
 * Lifecycle: ictus_study_load() → read the fields and use the lookups →
 * ictus_study_destroy().  Everything (strings included) is owned by the
 * study.  Thread safety: read-only after loading, so threads may share it;
 * study->config is the exception (its getters mark entries used): read it on
 * one thread.
 */
#ifndef ICTUS_STUDY_H
#define ICTUS_STUDY_H

#include <stdbool.h>
#include <stdint.h>

#include "protocols/dosing.h"
#include "protocols/manifest.h"
#include "base/config.h"
#include "base/strpool.h"
#include "pipeline/source/source.h"
#include "base/status.h"

typedef struct {
    const char *id;
    const char *model, *sex, *strain, *group, *notes; /* "" when not given; sex "M", "F" or "" */
    int64_t birth_us;          /* midnight of birth_date; ICTUS_TIME_UNKNOWN when not given */
    int64_t death_us;          /* `death`; ICTUS_TIME_UNKNOWN when alive or not given */
    const char *death_cause;   /* `death_cause` as written; "" when not given */
    const char *preset;        /* `preset`: the animal's detection preset, "" when not
                                  given (protocols/study_preset.h) */
    int line;                  /* in animals.csv */
    int n_periods;
    ictus_period *periods;     /* ordered by start, not overlapping */
} ictus_animal;

/* One label of a channel map: the file's channel `channel` (1-based) is `label`. */
typedef struct {
    char label[ICTUS_LABEL_MAX];
    int channel;
} ictus_channel_label;

/* One row of recordings.csv. */
typedef struct {
    const char *file;          /* as written: relative to STUDY_DIR/recordings/ */
    const char *path;          /* relative to the study directory: "recordings/<file>"
                                  (the key of the results store) */
    const char *animal;
    int n_channels;            /* 0: every channel, labels from the file */
    int line;                  /* in recordings.csv (beside n_channels: no padding in
                                  a struct a study holds once per file) */
    ictus_channel_label *channels;
    int64_t start_us;          /* naive local start; ICTUS_TIME_UNKNOWN: from the file */
    const char *video;         /* "" when none */
} ictus_recording_entry;

/* One expert label from annotations.csv. */
typedef struct {
    const char *recording;     /* file name without directories; "" when matched by animal */
    const char *animal;        /* "" when only the recording is given */
    bool wall_clock;           /* start/end: naive local times; else µs from the recording start */
    int64_t start_us, end_us;  /* end > start */
    const char *type;          /* "" when not given */
    int racine;                /* Racine stage 0..5; -1 when not scored */
    const char *scorer;        /* "" when not given */
    int line;
} ictus_expert_label;

/* A drug of study.ini [drugs]. */
typedef struct {
    const char *name;
    double target_dose_mg_kg;  /* NAN when not given */
} ictus_drug;

typedef struct ictus_study {
    const char *dir;           /* as given to ictus_study_load() */
    const char *name;
    const char *preset;
    double mains_hz;
    double full_scale_uv;      /* [study] full_scale_uv; 0 when not given (the reader's default) */
    ictus_date_format date_format; /* [study] date_format: the lab date form of the manifests */
    ictus_config *config;      /* study.ini, for the sections other floors own */

    bool has_drug_list;        /* study.ini has a [drugs] section */
    int n_drugs;
    ictus_drug *drugs;

    int n_animals;
    ictus_animal *animals;     /* in file order */
    bool has_deaths;           /* animals.csv has a `death` column */

    bool has_recordings;       /* recordings.csv exists and is usable */
    int n_recordings;
    ictus_recording_entry *recordings;

    bool has_labels;           /* annotations.csv exists and is usable */
    int n_labels;
    ictus_expert_label *labels;

    ictus_problems problems;   /* one line per rejected row, field or file */
    ictus_problems warnings;   /* one line per field kept unknown (animals.csv's sex,
                                  birth_date, ...): nothing was rejected, detection
                                  and the analysis go on without the field */

    /* private: every string the fields above point to, in 64 KiB chunks (a
     * study of 160,000 recordings keeps as many paths: no malloc each) */
    ictus_strpool strings_;
    /* private: the recordings by file name (study.c), so that a lookup costs
     * the same in a study of 100 files as in one of 100,000: a hash table of
     * n_slots_ (a power of two, 0 before the first row) whose slot holds the
     * first and, while the rows are read, last row of a file (-1: empty;
     * slot_last_ is freed after), and per row the next row of the same file
     * (-1: none), in file order */
    int *slot_first_, *slot_last_, *next_same_file_;
    int n_slots_, cap_next_;
} ictus_study;

/* Read the study directory `dir`.  On success (ICTUS_OK, possibly with
 * problems) *out is a new study owned by the caller.  On a fatal error *out
 * is NULL and err names the file (and line): ICTUS_ERR_IO (study.ini or
 * animals.csv missing or unreadable), ICTUS_ERR_FORMAT (animals.csv not UTF-8,
 * malformed, or without an `animal` column), ICTUS_ERR_CONFIG (study.ini
 * syntax, a missing or bad [study] setting, an unknown key in [study], a bad
 * [drugs] dose). */
ictus_status ictus_study_load(const char *dir, ictus_study **out, ictus_error *err);

/* Free the study; NULL is a no-op. */
void ictus_study_destroy(ictus_study *study);

/* The animal with this id (exact match), or NULL. */
const ictus_animal *ictus_study_animal(const ictus_study *study, const char *id);

/* The period of `animal` that contains wall-clock time t_us, or NULL. */
const ictus_period *ictus_animal_period_at(const ictus_animal *animal, int64_t t_us);

/* The recordings.csv row for `file` (as written in recordings.csv) and
 * `animal` (NULL: the first row of that file), or NULL. */
const ictus_recording_entry *ictus_study_recording(const ictus_study *study, const char *file,
                                                   const char *animal);

/* Why a file that recordings.csv lists cannot be read, `entries[0..n)`
 * being its rows (n >= 1): "listed in recordings.csv (line 3) but not
 * found", the lines of every row.  Into buf[size]; returns buf.  One text
 * for `ictus run` (nightly/plan.h) and ictus_study_check_files(). */
const char *ictus_study_not_found(const ictus_recording_entry *const *entries, int n, char *buf,
                                  size_t size);

/* Add to `problems` one line per file recordings.csv lists that is not a
 * regular file in the study, "DIR/recordings/X.edf: listed in
 * recordings.csv (line 3) but not found": what `ictus run` fails, for the
 * verbs that read no recording (`ictus analyze`), so that both report the
 * same study alike.  Only stat()s the files. */
void ictus_study_check_files(const ictus_study *study, ictus_problems *problems);

/* The [drugs] entry named `name` (ignoring case), or NULL. */
const ictus_drug *ictus_study_drug(const ictus_study *study, const char *name);

/* Read another file of labels in annotations.csv's format from the study
 * directory (e.g. a synthetic study's truth.csv), with the same checks, its
 * problems added to study->problems.  *labels is the caller's to free (its
 * strings are the study's).  False (nothing read) when the file is missing
 * or unusable. */
bool ictus_study_read_labels(ictus_study *study, const char *name, ictus_expert_label **labels,
                             int *n_labels);

/* Keep a copy of `text` for the study's lifetime (for the readers). */
const char *ictus_study_keep(ictus_study *study, const char *text);

#endif
