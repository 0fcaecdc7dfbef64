/* api_media.c: the review API's recordings list and the resolution of a recording's video. */
#include "review/api.h"
#include "review/api_json.h"
#include "review/api_recording.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/path.h"
#include "base/vec.h"
#include "base/walltime.h"
#include "protocols/recording_view.h"
#include "protocols/video.h"
#include "store/store.h"

/* ---- GET /api/recordings ------------------------------------------------ */

/* The recordings with results, as the store walk collects them. */
typedef struct {
    ictus_store_recording *rows;
    int n, cap;
} row_list;

static ictus_status add_row(void *ctx, const ictus_store_recording *rec, ictus_error *err)
{
    (void)err;
    row_list *l = ctx;
    if (!rec->has_results)
        return ICTUS_OK;
    ICTUS_GROW(l->rows, l->n + 1, l->cap);
    ictus_store_recording *r = &l->rows[l->n++];
    *r = *rec;
    r->path = ictus_xstrdup(rec->path);
    r->animal = ictus_xstrdup(rec->animal);
    r->error = ictus_xstrdup(rec->error);
    r->format = ictus_xstrdup(rec->format);
    r->preset = ictus_xstrdup(rec->preset);
    return ICTUS_OK;
}

static ictus_status add_label(void *ctx, int idx, const ictus_store_channel *ch, ictus_error *err)
{
    (void)idx;
    (void)err;
    json_array_append_new(ctx, json_string(ch->label));
    return ICTUS_OK;
}

static int by_animal_then_start(const void *a, const void *b)
{
    const ictus_store_recording *x = a, *y = b;
    int c = strcmp(x->animal, y->animal);
    return c ? c : (x->start_us > y->start_us) - (x->start_us < y->start_us);
}

int ictus_review_api_recordings(ictus_review_cache *cache, const char *study_dir,
                                const ictus_review_query *q, char **json)
{
    (void)cache;
    const char *only_path = q->get(q->ctx, "recording"), *only_animal = q->get(q->ctx, "animal");
    const bool blind = q->get(q->ctx, "blind") != NULL;
    char db_path[ICTUS_PATH_MAX];
    ictus_error err = {0};
    if (ictus_path_join(db_path, sizeof db_path, study_dir, "ictus.db", &err) != ICTUS_OK)
        return ictus_review_answer_error(ICTUS_HTTP_SERVER_ERROR, err.msg, json);
    ictus_study *study;
    if (ictus_study_load(study_dir, &study, &err) != ICTUS_OK)
        return ictus_review_answer_error(ICTUS_HTTP_SERVER_ERROR, err.msg, json);
    ictus_store *s;
    ictus_status st = ictus_store_open(db_path, &s, &err);
    row_list l = {0};
    if (st == ICTUS_OK)
        st = ictus_store_each_recording(s, add_row, &l, &err);
    if (l.n)
        qsort(l.rows, (size_t)l.n, sizeof *l.rows, by_animal_then_start);
    json_t *recordings = json_array(), *animals = json_array();
    for (int i = 0; i < l.n && st == ICTUS_OK; i++) {
        const ictus_store_recording *r = &l.rows[i];
        if ((only_path && strcmp(r->path, only_path)) ||
            (only_animal && strcmp(r->animal, only_animal)))
            continue;
        json_t *labels = json_array();
        st = ictus_store_each_channel(s, r->id, add_label, labels, &err);
        char start[ICTUS_ISO_TIME_SIZE], file[ICTUS_PATH_MAX] = "";
        ictus_walltime_format(r->start_us, start, sizeof start);
        const ictus_recording_entry *e = ictus_recording_entry_of(study, r->path, r->animal);
        double offset_s = 0;
        ictus_video_split(e ? e->video : "", file, sizeof file, &offset_s);
        if (blind) {  /* no name, path, file name or date */
            json_array_append_new(recordings,
                                  json_pack("{s:f, s:o, s:s, s:f}", "duration_s",
                                            ictus_us_to_s(r->duration_us), "channels", labels,
                                            "video", *file ? "(blinded)" : "", "video_offset_s",
                                            offset_s));
            continue;
        }
        json_array_append_new(recordings,
                              json_pack("{s:s, s:s, s:s, s:f, s:f, s:o, s:s, s:f}", "recording",
                                        r->path, "animal", r->animal, "start", start,
                                        "start_wall_s", ictus_us_to_s(r->start_us), "duration_s",
                                        ictus_us_to_s(r->duration_us), "channels", labels,
                                        "video", file, "video_offset_s", offset_s));
        if (json_array_size(animals) == 0 ||
            strcmp(r->animal, json_string_value(json_array_get(animals, json_array_size(animals) - 1))))
            json_array_append_new(animals, json_string(r->animal));
    }
    for (int i = 0; i < l.n; i++)
        ictus_store_recording_clear(&l.rows[i]);
    free(l.rows);
    ictus_store_close(s);
    ictus_study_destroy(study);
    if (st != ICTUS_OK) {
        json_decref(recordings);
        json_decref(animals);
        return ictus_review_answer_error(ictus_review_store_status(st), err.msg, json);
    }
    return ictus_review_answer(json_pack("{s:o, s:o}", "recordings", recordings, "animals",
                                         animals),
                               ICTUS_HTTP_OK, json);
}

/* ---- GET /api/video ----------------------------------------------------- */

static const char *mime_of(const char *path)
{
    static const char *const types[][2] = {
        {".mp4", "video/mp4"},        {".m4v", "video/mp4"},   {".mov", "video/quicktime"},
        {".webm", "video/webm"},      {".ogv", "video/ogg"},   {".ogg", "video/ogg"},
        {".mkv", "video/x-matroska"}, {".avi", "video/x-msvideo"}};
    size_t n = strlen(path);
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        size_t m = strlen(types[i][0]);
        if (n > m && !strcasecmp(path + n - m, types[i][0]))
            return types[i][1];
    }
    return "application/octet-stream";
}

int ictus_review_video_open(const char *study_dir, const ictus_review_query *q, int *fd,
                            int64_t *size_bytes, const char **mime, char **json)
{
    *fd = -1;
    const char *recording = q->get(q->ctx, "recording"), *animal = q->get(q->ctx, "animal");
    if (!recording || !*recording || !animal || !*animal)
        return ictus_review_answer_error(ICTUS_HTTP_BAD_REQUEST,
                                         "recording, animal: expected a recording and its animal",
                                         json);
    int64_t recording_id;
    int status = ictus_review_stored(study_dir, recording, animal, &recording_id, json);
    if (status)
        return status;
    ictus_study *study;
    ictus_error err = {0};
    if (ictus_study_load(study_dir, &study, &err) != ICTUS_OK)
        return ictus_review_answer_error(ICTUS_HTTP_SERVER_ERROR, err.msg, json);
    const ictus_recording_entry *e = ictus_recording_entry_of(study, recording, animal);
    char file[ICTUS_PATH_MAX], relative[ICTUS_PATH_MAX + 16], real[ICTUS_PATH_MAX];
    double offset_s;
    bool has = e && ictus_video_split(e->video, file, sizeof file, &offset_s);
    ictus_study_destroy(study);
    if (!has)
        return ictus_review_answer_error(ICTUS_HTTP_NOT_FOUND,
                                         "the recording has no video in recordings.csv", json);
    /* Inside recordings/, as recordings.csv's files are: never the database. */
    snprintf(relative, sizeof relative, "%s%s", ICTUS_REVIEW_RECORDINGS_PREFIX, file);
    char msg[2 * ICTUS_PATH_MAX];
    status = ictus_review_resolve(study_dir, "recordings", relative, "video", real, msg,
                                  sizeof msg);
    if (status)
        return ictus_review_answer_error(status, msg, json);
    *fd = open(real, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (*fd < 0 || fstat(*fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(msg, sizeof msg, "%s: cannot read the video: %s", relative,
                 *fd < 0 ? strerror(errno) : "not a regular file");
        if (*fd >= 0)
            close(*fd);
        *fd = -1;
        return ictus_review_answer_error(ICTUS_HTTP_SERVER_ERROR, msg, json);
    }
    *size_bytes = st.st_size;
    *mime = mime_of(real);
    return 0;
}
