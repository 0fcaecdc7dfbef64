/* api_recording.h: the review API's way to a stored recording: checked against the store,
 * resolved inside the study, and opened as the nightly job opens it, through the server's
 * cache of open recordings (internal to review/).
 *
 * Lifecycle: ictus_review_recording_open() → read served.src (one thread:
 * the borrower's) → ictus_review_recording_close(), also after an error. */
#ifndef ICTUS_REVIEW_API_RECORDING_H
#define ICTUS_REVIEW_API_RECORDING_H

#include "base/path.h"
#include "pipeline/source/source.h"
#include "protocols/study.h"
#include "review/api.h"
#include "review/recording_cache.h"

/* What ictus_review_cache (api.h) is: two caches of recording_cache.h. */
struct ictus_review_cache {
    ictus_recording_cache *sources;    /* ictus_source *, as ictus_review_recording_open() opens */
    ictus_recording_cache *overviews;  /* api_overview.c's */
    ictus_recording_cache *explanations; /* api_explain.c's */
};

/* A monotonic clock in ms, for the compute_ms of what is made once per file. */
double ictus_review_now_ms(void);

/* Free an overview (api_overview.c), an explanation (api_explain.c): the caches' items. */
void ictus_review_overview_free(void *overview);
void ictus_review_explanation_free(void *explanation);

/* The directory under the study that recordings.csv's file names are relative to. */
#define ICTUS_REVIEW_RECORDINGS_PREFIX "recordings/"

typedef struct {
    ictus_study *study;                  /* loaded for this request */
    const ictus_recording_entry *entry;  /* the recording's recordings.csv row, or NULL */
    ictus_source *src;                   /* borrowed from the cache: recordings.csv's channel
                                            map and start time applied (recording_view.h) */
    char real[ICTUS_PATH_MAX];           /* the file's real path */
    char *key;                           /* the caches' key for it (recording_cache.h) */
    int64_t recording_id;                /* its row in the store */
} ictus_served_recording;

/* A recording and a window of it, as a request names them. */
typedef struct {
    const char *recording, *animal;  /* the request's strings */
    double t0_s, t1_s;               /* s from the recording's start; t1_s > t0_s */
} ictus_review_window;

/* Check the request's recording, animal, t0_s and t1_s (with `limited`, a
 * window of at most ICTUS_REVIEW_SIGNAL_MAX_S) into *w: NULL when good, else
 * what is wrong (a static text naming the argument). */
const char *ictus_review_window_parse(ictus_review_window *w, const char *recording,
                                      const char *animal, const char *t0_s, const char *t1_s,
                                      bool limited);

/* The real path of `relative` (a path relative to study_dir) into
 * real[ICTUS_PATH_MAX]: 0, or the HTTP status with a message naming
 * `relative` in msg: 404 when it is missing ("RELATIVE: the WHAT is
 * missing") or its real path (symbolic links followed) is not inside the
 * real directory study_dir/`within` ("" for the study itself, e.g.
 * "recordings"); 500 when a path cannot be made. */
int ictus_review_resolve(const char *study_dir, const char *within, const char *relative,
                         const char *what, char *real, char *msg, size_t msg_size);

/* Whether the store holds `recording` for `animal`: 0 with *recording_id
 * its row, or the HTTP status with *json set (404 when it does not, 503
 * busy, 500 otherwise). */
int ictus_review_stored(const char *study_dir, const char *recording, const char *animal,
                        int64_t *recording_id, char **json);

/* Open `recording` (a path relative to study_dir that the store holds for
 * `animal`) into *out: 0, or the HTTP status with *json set to the error
 * (caller frees): 404 for a recording the store does not hold, a stored one
 * now missing (named) or outside the study; 503 busy; 500 otherwise (a file
 * that cannot be read, a channel map naming a channel the file lacks). */
int ictus_review_recording_open(ictus_review_cache *cache, const char *study_dir,
                                const char *recording, const char *animal,
                                ictus_served_recording *out, char **json);

/* The request's window (query arguments recording, animal, t0_s, t1_s;
 * `whole`: the whole recording, t0_s and t1_s not read) checked into *w and
 * its recording opened into *out, for the routes that read a window of a
 * recording: 0, or the HTTP status with *json set (400 for a bad argument,
 * else as ictus_review_recording_open()). */
int ictus_review_window_open(ictus_review_cache *cache, const char *study_dir,
                             const ictus_review_query *q, bool limited, bool whole,
                             ictus_review_window *w, ictus_served_recording *out, char **json);

/* Give the source back and free the study; a zeroed *served is a no-op. */
void ictus_review_recording_close(ictus_review_cache *cache, ictus_served_recording *served);

#endif
