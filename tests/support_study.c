/* support_study.c: scratch study directories and a store filled through its public API. */
#define _XOPEN_SOURCE 700 /* nftw() with FTW_DEPTH */
#include "tests/support_study.h"

#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/filehash.h"

char *support_study_tmpdir(void)
{
    char *dir = strdup("/tmp/ictus-study-XXXXXX");
    if (!dir || !mkdtemp(dir)) {
        perror("mkdtemp");
        abort();
    }
    return dir;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void support_study_rmdir(char *dir)
{
    if (!dir)
        return;
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(dir);
}

bool support_study_write(const char *dir, const char *name, const char *text)
{
    char path[4096];
    const char *slash = strchr(name, '/');
    if (slash) {
        snprintf(path, sizeof path, "%s/%.*s", dir, (int)(slash - name), name);
        mkdir(path, 0777);
    }
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
        fprintf(stderr, "support_study_write: %s: cannot write\n", path);
        return false;
    }
    return true;
}

bool support_store_open(support_store *s, const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/ictus.db", dir);
    *s = (support_store){0};
    ictus_error err = {0};
    ictus_store_run_info info = {1767600000000000, "test", "host", 1, "test@1", "[test]\n"};
    if (ictus_store_open(path, &s->store, &err) != ICTUS_OK ||
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
    char path[256];
    snprintf(path, sizeof path, "recordings/%s/%d.edf", animal, ++s->n_recordings);
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
    ictus_error err = {0};
    bool ok = ictus_store_put_recording(s->store, &res, &err) == ICTUS_OK;
    if (!ok)
        fprintf(stderr, "support_store_recording: %s\n", err.msg);
    free(analysable_us);
    free(events);
    return ok;
}
