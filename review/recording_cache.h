/* recording_cache.h: things made from recording files (open sources, overviews), kept across
 * the review server's requests and dropped when their file changes.
 *
 * Opening a long EDF+ file reads the annotation bytes of every data record
 * (pipeline/source/source.h), about 60 ms for 24 h at 1 kHz: most of an event
 * view's round trip; an overview streams the whole file.  A cache keeps up to
 * `capacity` such items and lends them out, one borrower at a time each.
 *
 * An item is found by (real path, key): the key is the caller's text for
 * everything besides the file that shaped the item (recordings.csv's channel
 * map and start time, the study's full scale): a different key is a
 * different item.  Each item remembers its file's identity
 * (base/filehash.h: size, modification time, inode) as it was just before
 * the item was made.  A borrow first drops every idle item whose file no
 * longer has that identity (changed, replaced or deleted), so nothing made
 * from a file changed since is ever lent out, and a deleted file's
 * descriptor is let go at the next borrow.  An item whose file changed
 * while it was being made is lent to that borrower only: its identity from
 * before no longer matches at the next borrow.
 *
 * Lifecycle:
 *   1. ictus_recording_cache_create(), with the function that frees an item;
 *   2. ictus_recording_cache_borrow() → use the item → ..._give_back()
 *      (always, also after an error using it);
 *   3. ictus_recording_cache_destroy() once nothing is borrowed.
 * Thread safety: borrow and give_back may be called from any threads at
 * once (a mutex guards the entries; items are made outside it).  An item
 * lent out is used by its borrower alone.
 */
#ifndef ICTUS_RECORDING_CACHE_H
#define ICTUS_RECORDING_CACHE_H

#include "base/status.h"

typedef struct ictus_recording_cache ictus_recording_cache;

/* Makes the item for real_path (into *item, then owned by the cache; left
 * NULL on error, with err set). */
typedef ictus_status ictus_recording_cache_make_fn(void *ctx, const char *real_path, void **item,
                                                   ictus_error *err);
/* Frees an item the cache holds. */
typedef void ictus_recording_cache_free_fn(void *item);

/* A cache of at most `capacity` (>= 1) items, borrowed or idle (when more
 * are borrowed at once, the extra ones are freed when given back), freed
 * with free_item. */
ictus_recording_cache *ictus_recording_cache_create(int capacity,
                                                    ictus_recording_cache_free_fn *free_item);

/* Free every item and the cache; NULL is a no-op.  Nothing may be borrowed. */
void ictus_recording_cache_destroy(ictus_recording_cache *cache);

/* Lend *item: an idle item of (real_path, key) whose file is unchanged, or
 * else a new one from make(ctx, real_path, ...).  real_path is an absolute
 * path without symbolic links (realpath(3)); key any text (copied).
 * ICTUS_ERR_IO naming real_path when it is not a regular file that can be
 * stat()ed (e.g. deleted); make's errors.  The item stays the cache's:
 * give it back with ictus_recording_cache_give_back(), never free it. */
ictus_status ictus_recording_cache_borrow(ictus_recording_cache *cache, const char *real_path,
                                          const char *key, ictus_recording_cache_make_fn *make,
                                          void *ctx, void **item, ictus_error *err);

/* End the borrow of item (from ..._borrow(); NULL is a no-op).  The item is
 * kept for the next borrower, or freed when the cache is over capacity (the
 * least recently used idle one goes first). */
void ictus_recording_cache_give_back(ictus_recording_cache *cache, void *item);

/* Items made since the cache was created (each miss makes one): for tests. */
long ictus_recording_cache_made(ictus_recording_cache *cache);

#endif
