/* recording_cache.c: a bounded, thread-safe pool of items made from files, checked against them. */
#include "review/recording_cache.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/filehash.h"
#include "base/vec.h"

typedef struct {
    char *path, *key;
    ictus_file_identity id;
    void *item;
    bool borrowed;
    bool stale;          /* borrowed while found changed: closed when given back */
    unsigned long used;  /* the cache's clock at its last give-back: least is oldest */
} entry;

struct ictus_recording_cache {
    pthread_mutex_t lock;
    int capacity;
    ictus_recording_cache_free_fn *free_item;
    entry *entries;
    size_t n, cap;
    unsigned long clock;
    long made;
};

/* The file's identity now; false when it cannot be had (deleted, not a regular file). */
static bool identity_of(const char *path, ictus_file_identity *id)
{
    ictus_error err;
    return ictus_file_identity_get(path, id, &err) == ICTUS_OK;
}

static void close_entry(ictus_recording_cache *cache, entry *e)
{
    cache->free_item(e->item);
    free(e->path);
    free(e->key);
}

/* Close entry i and fill its place with the last one.  Under the lock. */
static void remove_entry(ictus_recording_cache *cache, size_t i)
{
    close_entry(cache, &cache->entries[i]);
    cache->entries[i] = cache->entries[--cache->n];
}

ictus_recording_cache *ictus_recording_cache_create(int capacity,
                                                    ictus_recording_cache_free_fn *free_item)
{
    ictus_recording_cache *cache = ictus_xcalloc(1, sizeof *cache);
    pthread_mutex_init(&cache->lock, NULL);
    cache->capacity = capacity < 1 ? 1 : capacity;
    cache->free_item = free_item;
    return cache;
}

void ictus_recording_cache_destroy(ictus_recording_cache *cache)
{
    if (!cache)
        return;
    for (size_t i = 0; i < cache->n; i++)
        close_entry(cache, &cache->entries[i]);
    free(cache->entries);
    pthread_mutex_destroy(&cache->lock);
    free(cache);
}

ictus_status ictus_recording_cache_borrow(ictus_recording_cache *cache, const char *real_path,
                                          const char *key, ictus_recording_cache_make_fn *make,
                                          void *ctx, void **item, ictus_error *err)
{
    *item = NULL;
    ictus_file_identity now;
    ictus_status st = ictus_file_identity_get(real_path, &now, err);
    if (st != ICTUS_OK)
        return st;
    pthread_mutex_lock(&cache->lock);
    /* Drop what changed on disk: idle entries at once, borrowed ones when given back. */
    for (size_t i = 0; i < cache->n;) {
        entry *e = &cache->entries[i];
        ictus_file_identity id;
        bool same = !strcmp(e->path, real_path) ? ictus_file_identity_same(&e->id, &now)
                                                : identity_of(e->path, &id) &&
                                                      ictus_file_identity_same(&e->id, &id);
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
            *item = e->item;
            pthread_mutex_unlock(&cache->lock);
            return ICTUS_OK;
        }
    }
    cache->made++;
    pthread_mutex_unlock(&cache->lock);

    st = make(ctx, real_path, item, err);
    if (st != ICTUS_OK)
        return st;
    pthread_mutex_lock(&cache->lock);
    ICTUS_GROW(cache->entries, cache->n + 1, cache->cap);
    cache->entries[cache->n++] = (entry){.path = ictus_xstrdup(real_path), .key = ictus_xstrdup(key),
                                         .id = now, .item = *item, .borrowed = true};
    pthread_mutex_unlock(&cache->lock);
    return ICTUS_OK;
}

void ictus_recording_cache_give_back(ictus_recording_cache *cache, void *item)
{
    if (!item)
        return;
    pthread_mutex_lock(&cache->lock);
    for (size_t i = 0; i < cache->n; i++) {
        entry *e = &cache->entries[i];
        if (e->item != item)
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

long ictus_recording_cache_made(ictus_recording_cache *cache)
{
    pthread_mutex_lock(&cache->lock);
    long n = cache->made;
    pthread_mutex_unlock(&cache->lock);
    return n;
}
