/* recording_cache.c: a bounded, thread-safe pool of open sources, checked against their files. */
#include "review/recording_cache.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/vec.h"

/* What stat(2) says of a file: equal identities, the same unchanged file. */
typedef struct {
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime, ctime;
} file_identity;

typedef struct {
    char *path, *key;
    file_identity id;
    ictus_source *src;
    bool borrowed;
    bool stale;          /* borrowed while found changed: closed when given back */
    unsigned long used;  /* the cache's clock at its last give-back: least is oldest */
} entry;

struct ictus_recording_cache {
    pthread_mutex_t lock;
    int capacity;
    entry *entries;
    size_t n, cap;
    unsigned long clock;
    long opens;
};

static bool identity_of(const char *path, file_identity *id)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return false;
    *id = (file_identity){st.st_dev, st.st_ino, st.st_size, st.st_mtim, st.st_ctim};
    return true;
}

static bool same_identity(const file_identity *a, const file_identity *b)
{
    return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
           a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec &&
           a->ctime.tv_sec == b->ctime.tv_sec && a->ctime.tv_nsec == b->ctime.tv_nsec;
}

static void close_entry(entry *e)
{
    ictus_source_close(e->src);
    free(e->path);
    free(e->key);
}

/* Close entry i and fill its place with the last one.  Under the lock. */
static void remove_entry(ictus_recording_cache *cache, size_t i)
{
    close_entry(&cache->entries[i]);
    cache->entries[i] = cache->entries[--cache->n];
}

ictus_recording_cache *ictus_recording_cache_create(int capacity)
{
    ictus_recording_cache *cache = ictus_xcalloc(1, sizeof *cache);
    pthread_mutex_init(&cache->lock, NULL);
    cache->capacity = capacity < 1 ? 1 : capacity;
    return cache;
}

void ictus_recording_cache_destroy(ictus_recording_cache *cache)
{
    if (!cache)
        return;
    for (size_t i = 0; i < cache->n; i++)
        close_entry(&cache->entries[i]);
    free(cache->entries);
    pthread_mutex_destroy(&cache->lock);
    free(cache);
}

ictus_status ictus_recording_cache_borrow(ictus_recording_cache *cache, const char *real_path,
                                          const char *key, ictus_recording_opener *open,
                                          void *ctx, ictus_source **src, ictus_error *err)
{
    *src = NULL;
    file_identity now;
    if (!identity_of(real_path, &now))
        return ictus_fail(err, ICTUS_ERR_IO, "%s: %s", real_path, strerror(errno));
    pthread_mutex_lock(&cache->lock);
    /* Drop what changed on disk: idle entries at once, borrowed ones when given back. */
    for (size_t i = 0; i < cache->n;) {
        entry *e = &cache->entries[i];
        file_identity id;
        bool same = !strcmp(e->path, real_path) ? same_identity(&e->id, &now)
                                                : identity_of(e->path, &id) &&
                                                      same_identity(&e->id, &id);
        if (same || e->borrowed) {
            e->stale = e->stale || !same;
            i++;
        } else {
            remove_entry(cache, i);
        }
    }
    for (size_t i = 0; i < cache->n; i++) {
        entry *e = &cache->entries[i];
        if (!e->borrowed && !e->stale && !strcmp(e->path, real_path) && !strcmp(e->key, key)) {
            e->borrowed = true;
            *src = e->src;
            pthread_mutex_unlock(&cache->lock);
            return ICTUS_OK;
        }
    }
    cache->opens++;
    pthread_mutex_unlock(&cache->lock);

    ictus_status st = open(ctx, real_path, src, err);
    if (st != ICTUS_OK)
        return st;
    pthread_mutex_lock(&cache->lock);
    ICTUS_GROW(cache->entries, cache->n + 1, cache->cap);
    cache->entries[cache->n++] = (entry){.path = ictus_xstrdup(real_path), .key = ictus_xstrdup(key),
                                         .id = now, .src = *src, .borrowed = true};
    pthread_mutex_unlock(&cache->lock);
    return ICTUS_OK;
}

void ictus_recording_cache_give_back(ictus_recording_cache *cache, ictus_source *src)
{
    if (!src)
        return;
    pthread_mutex_lock(&cache->lock);
    for (size_t i = 0; i < cache->n; i++) {
        entry *e = &cache->entries[i];
        if (e->src != src)
            continue;
        e->borrowed = false;
        e->used = ++cache->clock;
        if (e->stale)
            remove_entry(cache, i);
        break;
    }
    /* Over capacity: close the least recently used idle entries. */
    while (cache->n > (size_t)cache->capacity) {
        size_t oldest = cache->n;
        for (size_t i = 0; i < cache->n; i++)
            if (!cache->entries[i].borrowed &&
                (oldest == cache->n || cache->entries[i].used < cache->entries[oldest].used))
                oldest = i;
        if (oldest == cache->n)
            break;
        remove_entry(cache, oldest);
    }
    pthread_mutex_unlock(&cache->lock);
}

long ictus_recording_cache_opens(ictus_recording_cache *cache)
{
    pthread_mutex_lock(&cache->lock);
    long n = cache->opens;
    pthread_mutex_unlock(&cache->lock);
    return n;
}
