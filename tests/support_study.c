/* support_study.c: study files and a store filled through its public API. */
#include "tests/support_study.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/filehash.h"
#include "base/path.h"

bool support_study_write(const char *dir, const char *name, const char *text)
{
    char path[ICTUS_PATH_MAX];
    ictus_error err;
    const char *slash = strchr(name, '/');
    if (slash) {
        if (ictus_path_format(path, sizeof path, &err, "%s/%.*s", dir, (int)(slash - name),
                              name) != ICTUS_OK) {
            fprintf(stderr, "support_study_write: %s\n", err.msg);
            return false;
        }
        mkdir(path, 0777);
    }
    if (ictus_path_join(path, sizeof path, dir, name, &err) != ICTUS_OK) {
        fprintf(stderr, "support_study_write: %s\n", err.msg);
        return false;
    }
    FILE *f = fopen(path, "wb");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
        fprintf(stderr, "support_study_write: %s: cannot write\n", path);
        return false;
    }
    return true;
}

bool support_store_open(support_store *s, const char *dir)
{
    char path[ICTUS_PATH_MAX];
    *s = (support_store){0};
    ictus_error err = {0};
    ictus_store_run_info info = {1767600000000000, "test", "host", 1, "test@1", "[test]\n"};
    if (ictus_path_join(path, sizeof path, dir, "ictus.db", &err) != ICTUS_OK ||
        ictus_store_open(path, &s->store, &err) != ICTUS_OK ||
        ictus_store_run_start(s->store, &info, &s->run_id, &err) != ICTUS_OK) {
        fprintf(stderr, "support_store_open: %s\n", err.msg);
        ictus_store_close(s->store);
        s->store = NULL;
        return false;
    }
    return true;
}

void support_store_close(support_store *s)
{
    ictus_store_close(s->store);
    *s = (support_store){0};
}

bool support_store_recording(support_store *s, const char *animal, int64_t start_us,
                             int64_t duration_us, double analysable_fraction,
                             const support_event *ev, int n_ev)
{
    int64_t n_buckets = ictus_grid_n_buckets(duration_us);
    int64_t *analysable_us = malloc((size_t)n_buckets * sizeof *analysable_us);
    ictus_event *events = calloc((size_t)(n_ev ? n_ev : 1), sizeof *events);
    for (int64_t b = 0; b < n_buckets; b++)
        analysable_us[b] = llround(analysable_fraction *
                                   (double)ictus_grid_bucket_len_us(b, duration_us));
    for (int i = 0; i < n_ev; i++) {
        ictus_event *e = &events[i];
        e->start_us = ev[i].start_us - start_us;
        e->end_us = e->start_us + ev[i].duration_us;
        e->wall_start_us = ev[i].start_us;
        snprintf(e->channel, sizeof e->channel, "*");
        snprintf(e->type, sizeof e->type, "%s", ev[i].type);
        e->score = 0.9;
    }
    char path[ICTUS_PATH_MAX];
    ictus_error err = {0};
    if (ictus_path_format(path, sizeof path, &err, "recordings/%s/%d.edf", animal,
                          ++s->n_recordings) != ICTUS_OK) {
        fprintf(stderr, "support_store_recording: %s\n", err.msg);
        free(analysable_us);
        free(events);
        return false;
    }
    ictus_hash128 hash = {(uint64_t)s->n_recordings, 77};
    ictus_store_series series = {ICTUS_STORE_ALL_CHANNELS, n_buckets, analysable_us, NULL};
    ictus_store_results res = {
        .file = {path, animal, {1000 + s->n_recordings, 1700000000000000000, 7}, &hash, s->run_id},
        .format = "EDF+C",
        .start_us = start_us,
        .duration_us = duration_us,
        .preset = "test@1",
        .params_hash = {1, 2},
        .n_events = n_ev,
        .events = events,
        .n_series = 1,
        .series = &series,
    };
    bool ok = ictus_store_put_recording(s->store, &res, &err) == ICTUS_OK;
    if (!ok)
        fprintf(stderr, "support_store_recording: %s\n", err.msg);
    free(analysable_us);
    free(events);
    return ok;
}
