/* recording_cache.h: recordings kept open across the review server's requests.
 *
 * Opening a long EDF+ file reads the annotation bytes of every data record
 * (pipeline/source/source.h), about 60 ms for 24 h at 1 kHz: most of an event
 * view's round trip.  The cache keeps up to `capacity` opened sources and
 * lends them out, one borrower at a time each.
 *
 * An entry is found by (real path, key): the key is the caller's text for
 * everything besides the file that shaped the source (recordings.csv's
 * channel map and start time, the study's full scale): a different key is a
 * different entry.  Each entry remembers the file's identity when it was
 * opened (device, inode, size, modification and change times, as stat(2)
 * gave them just before the open).  A borrow first drops every idle entry
 * whose file no longer has that identity (changed, replaced or deleted), so
 * no file changed since it was opened is ever lent out, and a deleted file's
 * descriptor is let go at the next borrow.
 *
 * Lifecycle:
 *   1. ictus_recording_cache_create();
 *   2. ictus_recording_cache_borrow() → use the source → ..._give_back()
 *      (always, also after an error reading it);
 *   3. ictus_recording_cache_destroy() once nothing is borrowed.
 * Thread safety: borrow and give_back may be called from any threads at
 * once (a mutex guards the entries; opening happens outside it).  A source
 * lent out is used by its borrower alone.
 */
#ifndef ICTUS_RECORDING_CACHE_H
#define ICTUS_RECORDING_CACHE_H

#include "pipeline/source/source.h"
#include "base/status.h"

typedef struct ictus_recording_cache ictus_recording_cache;

/* Opens real_path as the caller wants it seen (into *out, caller-owned;
 * NULL on error, with err set). */
typedef ictus_status ictus_recording_opener(void *ctx, const char *real_path, ictus_source **out,
                                            ictus_error *err);

/* A cache of at most `capacity` (>= 1) open sources, borrowed or idle: when
 * more are borrowed at once, the extra ones are closed when given back. */
ictus_recording_cache *ictus_recording_cache_create(int capacity);

/* Close every source and free; NULL is a no-op.  Nothing may be borrowed. */
void ictus_recording_cache_destroy(ictus_recording_cache *cache);

/* Lend *src: an idle source of (real_path, key) whose file is unchanged, or
 * else a new one from open(ctx, real_path, ...).  real_path is an absolute
 * path without symbolic links (realpath(3)); key any text (copied).
 * ICTUS_ERR_IO naming real_path when it cannot be stat()ed (e.g. deleted);
 * the opener's errors.  The source stays the cache's: give it back with
 * ictus_recording_cache_give_back(), never close it. */
ictus_status ictus_recording_cache_borrow(ictus_recording_cache *cache, const char *real_path,
                                          const char *key, ictus_recording_opener *open,
                                          void *ctx, ictus_source **src, ictus_error *err);

/* End the borrow of src (from ..._borrow(); NULL is a no-op).  The source
 * is kept for the next borrower, or closed when the cache is over capacity
 * (the least recently used idle one goes first). */
void ictus_recording_cache_give_back(ictus_recording_cache *cache, ictus_source *src);

/* Sources opened since the cache was made (each miss opens one): for tests. */
long ictus_recording_cache_opens(ictus_recording_cache *cache);

#endif
