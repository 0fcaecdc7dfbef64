/* forget.h: taking recordings out of a study's history on purpose (`ictus forget`).
 *
 * The nightly job keeps the results of a recording that is gone, marked
 * stale and listed as a warning every night (commit.h), so that a missing
 * disk or a mistaken deletion does not erase weeks of results.  When the
 * lab took the recording out on purpose (or a mistyped recordings.csv row
 * left a failed one behind), forgetting it ends the warning:
 *   1. forget_resolve() turns each path the user gave into the path the
 *      store keys it by, with what the store holds about it, and refuses a
 *      path the store does not know or a file that is still part of the
 *      study (in recordings/ or named by recordings.csv: the next run would
 *      process it again);
 *   2. the caller shows the items and asks for confirmation;
 *   3. forget_apply() deletes them all in one transaction (store.h
 *      ictus_store_forget()): all of them or, on an error, none.
 * The caller holds the study lock (lock.h) from 1 to 3, so that no run
 * changes the rows between the check and the deletion.
 * Review decisions are human work: they stay unless drop_reviews, and
 * dropping them is written to the review audit log.
 * Not thread-safe: one thread, the store handle's.
 */
#ifndef ICTUS_FORGET_H
#define ICTUS_FORGET_H

#include <stdbool.h>
#include <stdint.h>

#include "base/status.h"
#include "protocols/study.h"
#include "store/store.h"

/* A recording to forget. */
typedef struct {
    char *path;                       /* as the store keys it: "recordings/A2.edf" (owned) */
    char *status;                     /* its rows' status words, e.g. "stale" (owned) */
    ictus_store_forget_counts counts; /* what the store holds about it */
} forget_item;

/* Resolve `given` against the study and its store into *item (cleared with
 * forget_item_clear()).  `given` may be the path as `ictus run` prints it
 * ("recordings/A2.edf"), as recordings.csv writes it ("A2.edf"), or either
 * after the study directory as given ("STUDY_DIR/recordings/A2.edf"); the
 * path exactly as given is tried before the one relative to recordings/.
 * Errors (ICTUS_ERR_CONFIG, the message naming `given`): the store holds no
 * such recording (the message names up to a few stale or failed ones); the
 * file is still in recordings/ or recordings.csv names it (the message says
 * what to do first).  ICTUS_ERR_DB and others from the store. */
ictus_status forget_resolve(const ictus_study *study, ictus_store *store, const char *given,
                            forget_item *item, ictus_error *err);

/* Free what *item owns and zero it; a zeroed item is a no-op. */
void forget_item_clear(forget_item *item);

/* Forget items[0..n) in one transaction; with drop_reviews also the review
 * decisions naming them, each such recording then noted in the review audit
 * log as done by `who` (the user's name) at now_unix_us (µs since the Unix
 * epoch).  Each item's counts become what was found when deleting.  On an
 * error nothing is forgotten. */
ictus_status forget_apply(ictus_store *store, forget_item *items, int n, bool drop_reviews,
                          const char *who, int64_t now_unix_us, ictus_error *err);

#endif
