/* strpool.h: strings kept together and freed together.
 *
 * A study's listings hold hundreds of thousands of short strings (paths,
 * animal IDs, preset names) that live exactly as long as the listing: a pool
 * copies them into 64 KiB chunks, without a malloc and its overhead each, and
 * frees them all at once.  Rows that come sorted by animal repeat the same
 * text row after row; ictus_strpool_keep_like() then hands back the previous
 * row's copy instead of storing it again.
 *
 * Lifecycle: a zeroed ictus_strpool is empty and ready; keep strings; free
 * the pool (it is empty and ready again).  One thread at a time.
 */
#ifndef ICTUS_STRPOOL_H
#define ICTUS_STRPOOL_H

typedef struct ictus_strpool_chunk ictus_strpool_chunk;

typedef struct {
    ictus_strpool_chunk *chunks_;
} ictus_strpool;

/* A copy of s that lives until the pool is freed. */
char *ictus_strpool_keep(ictus_strpool *pool, const char *s);

/* prev when it holds the same text as s, else a copy of s; NULL for NULL. */
char *ictus_strpool_keep_like(ictus_strpool *pool, const char *s, char *prev);

/* Frees every string kept. */
void ictus_strpool_free(ictus_strpool *pool);

#endif
