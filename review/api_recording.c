/* api_recording.c: a stored recording of the study, found, checked and opened for a request. */
#include "review/api_recording.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/strbuf.h"
#include "protocols/recording_view.h"
#include "review/api.h"
#include "review/api_json.h"
#include "store/store.h"

const char *ictus_review_window_parse(ictus_review_window *w, const char *recording,
                                      const char *animal, const char *t0_s, const char *t1_s,
                                      bool limited)
{
    *w = (ictus_review_window){.recording = recording, .animal = animal};
    if (!recording || !*recording)
        return "recording: expected a recording's path";
    if (!animal || !*animal)
        return "animal: expected an animal id";
    if (!ictus_review_parse_number(t0_s, &w->t0_s) || !ictus_review_parse_number(t1_s, &w->t1_s) ||
        !(w->t1_s > w->t0_s))
        return "t0_s, t1_s: expected numbers with t1_s > t0_s";
    if (limited && w->t1_s - w->t0_s > ICTUS_REVIEW_SIGNAL_MAX_S)
        return "t0_s, t1_s: the window is longer than 600 s";
    return NULL;
}

int ictus_review_resolve(const char *study_dir, const char *within, const char *relative,
                         const char *what, char *real, char *msg, size_t msg_size)
{
    char dir[ICTUS_PATH_MAX], root[ICTUS_PATH_MAX], joined[ICTUS_PATH_MAX];
    ictus_error err;
    if (ictus_path_join(dir, sizeof dir, study_dir, within, &err) != ICTUS_OK ||
        !realpath(dir, root) ||
        ictus_path_join(joined, sizeof joined, study_dir, relative, &err) != ICTUS_OK) {
        snprintf(msg, msg_size, "%s: cannot resolve the path", relative);
        return ICTUS_HTTP_SERVER_ERROR;
    }
    if (!realpath(joined, real)) {
        if (errno == ENOENT)
            snprintf(msg, msg_size, "%s: the %s is missing", relative, what);
        else
            snprintf(msg, msg_size, "%s: cannot resolve the path", relative);
        return ICTUS_HTTP_NOT_FOUND;
    }
    size_t n = strlen(root);
    if (strncmp(real, root, n) || real[n] != '/') {
        snprintf(msg, msg_size, "%s: the %s is outside the study%s%s", relative, what,
                 *within ? "'s " : " directory", within);
        return ICTUS_HTTP_NOT_FOUND;
    }
    return 0;
}

/* Sources kept open; overviews (a few tens of kB each: a day of minutes per
 * channel) and explanations (a line per candidate event) kept. */
#define OPEN_SOURCES 8
#define KEPT_OVERVIEWS 256
#define KEPT_EXPLANATIONS 64

static void close_source(void *src)
{
    ictus_source_close(src);
}

ictus_review_cache *ictus_review_cache_create(void)
{
    ictus_review_cache *cache = ictus_xcalloc(1, sizeof *cache);
    cache->sources = ictus_recording_cache_create(OPEN_SOURCES, close_source);
    cache->overviews = ictus_recording_cache_create(KEPT_OVERVIEWS, ictus_review_overview_free);
    cache->explanations =
        ictus_recording_cache_create(KEPT_EXPLANATIONS, ictus_review_explanation_free);
    return cache;
}

void ictus_review_cache_destroy(ictus_review_cache *cache)
{
    if (!cache)
        return;
    ictus_recording_cache_destroy(cache->sources);
    ictus_recording_cache_destroy(cache->overviews);
    ictus_recording_cache_destroy(cache->explanations);
    free(cache);
}

double ictus_review_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* What the opener needs: the study and the row. */
typedef struct {
    const ictus_study *study;
    const ictus_recording_entry *entry;
    const char *recording;
} open_ctx;

/* Open the file as the nightly job does (protocols/recording_view.h). */
static ictus_status open_viewed(void *ctx, const char *real, void **item, ictus_error *err)
{
    const open_ctx *o = ctx;
    ictus_source *src;
    ictus_status st = ictus_recording_open(o->study, o->entry, real, o->recording, &src, err);
    *item = src;
    return st;
}

/* The cache's key: everything besides the file that shapes the source. */
static char *source_key(const ictus_study *study, const ictus_recording_entry *entry,
                        const char *animal)
{
    ictus_strbuf key = {0};
    ictus_strbuf_addf(&key, "%s|%.17g", animal, study->full_scale_uv);
    if (entry) {
        ictus_strbuf_addf(&key, "|%lld", (long long)entry->start_us);
        for (int m = 0; m < entry->n_channels; m++)
            ictus_strbuf_addf(&key, "|%s=%d", entry->channels[m].label,
                                entry->channels[m].channel);
    }
    return ictus_strbuf_take(&key);
}

int ictus_review_stored(const char *study_dir, const char *recording, const char *animal,
                        int64_t *recording_id, char **json)
{
    char db_path[ICTUS_PATH_MAX];
    ictus_error err = {0};
    if (ictus_path_join(db_path, sizeof db_path, study_dir, "ictus.db", &err) != ICTUS_OK)
        return ictus_review_answer_error(ICTUS_HTTP_SERVER_ERROR, err.msg, json);
    ictus_store *s;
    if (ictus_store_open(db_path, &s, &err) != ICTUS_OK)
        return ictus_review_answer_error(ictus_review_store_status(err.status), err.msg, json);
    ictus_store_recording rec = {0};
    bool found = false;
    ictus_status st = ictus_store_find_recording(s, recording, animal, &rec, &found, &err);
    *recording_id = rec.id;
    ictus_store_recording_clear(&rec);
    ictus_store_close(s);
    if (st != ICTUS_OK)
        return ictus_review_answer_error(ictus_review_store_status(st), err.msg, json);
    return found ? 0 : ictus_review_answer_error(ICTUS_HTTP_NOT_FOUND, "no such recording", json);
}

int ictus_review_recording_open(ictus_review_cache *cache, const char *study_dir,
                                const char *recording, const char *animal,
                                ictus_served_recording *out, char **json)
{
    *out = (ictus_served_recording){0};
    int status = ictus_review_stored(study_dir, recording, animal, &out->recording_id, json);
    if (status)
        return status;
    ictus_error err = {0};
    char msg[ICTUS_PATH_MAX + 64];
    status = ictus_review_resolve(study_dir, "", recording, "recording", out->real, msg,
                                  sizeof msg);
    if (status)
        return ictus_review_answer_error(status, msg, json);
    if (ictus_study_load(study_dir, &out->study, &err) != ICTUS_OK)
        return ictus_review_answer_error(ICTUS_HTTP_SERVER_ERROR, err.msg, json);
    out->entry = ictus_recording_entry_of(out->study, recording, animal);
    open_ctx ctx = {out->study, out->entry, recording};
    out->key = source_key(out->study, out->entry, animal);
    void *src = NULL;
    ictus_status st = ictus_recording_cache_borrow(cache->sources, out->real, out->key,
                                                   open_viewed, &ctx, &src, &err);
    out->src = src;
    if (st != ICTUS_OK) {
        ictus_review_recording_close(cache, out);
        return ictus_review_answer_error(ICTUS_HTTP_SERVER_ERROR, err.msg, json);
    }
    return 0;
}

void ictus_review_recording_close(ictus_review_cache *cache, ictus_served_recording *served)
{
    ictus_recording_cache_give_back(cache->sources, served->src);
    ictus_study_destroy(served->study);
    free(served->key);
    *served = (ictus_served_recording){0};
}

int ictus_review_window_open(ictus_review_cache *cache, const char *study_dir,
                             const ictus_review_query *q, bool limited, bool whole,
                             ictus_review_window *w, ictus_served_recording *out, char **json)
{
    const char *bad = ictus_review_window_parse(
        w, q->get(q->ctx, "recording"), q->get(q->ctx, "animal"),
        whole ? "0" : q->get(q->ctx, "t0_s"), whole ? "1" : q->get(q->ctx, "t1_s"), limited);
    if (bad)
        return ictus_review_answer_error(ICTUS_HTTP_BAD_REQUEST, bad, json);
    return ictus_review_recording_open(cache, study_dir, w->recording, w->animal, out, json);
}
