/* strpool.c: strings kept in chunks, freed together. */
#include "base/strpool.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "base/status.h"

/* Strings are copied into chunks of this size (a longer one gets its own). */
#define CHUNK_BYTES (64 * 1024)

struct ictus_strpool_chunk {
    ictus_strpool_chunk *next;
    size_t used, cap;
    char bytes[];
};

char *ictus_strpool_keep(ictus_strpool *pool, const char *s)
{
    size_t n = strlen(s) + 1;
    ictus_strpool_chunk *c = pool->chunks_;
    if (!c || c->cap - c->used < n) {
        size_t cap = n > CHUNK_BYTES ? n : CHUNK_BYTES;
        c = ictus_xmalloc(sizeof *c + cap);
        *c = (ictus_strpool_chunk){.next = pool->chunks_, .cap = cap};
        pool->chunks_ = c;
    }
    char *p = c->bytes + c->used;
    memcpy(p, s, n);
    c->used += n;
    return p;
}

char *ictus_strpool_keep_like(ictus_strpool *pool, const char *s, char *prev)
{
    if (!s)
        return NULL;
    return prev && strcmp(prev, s) == 0 ? prev : ictus_strpool_keep(pool, s);
}

void ictus_strpool_free(ictus_strpool *pool)
{
    while (pool->chunks_) {
        ictus_strpool_chunk *next = pool->chunks_->next;
        free(pool->chunks_);
        pool->chunks_ = next;
    }
}
