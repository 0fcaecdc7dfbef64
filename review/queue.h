/* queue.h: the review queue's entries: every stored event, every added event and every
 * "reviewed, not re-detected" decision, each with its current decision and handle
 * (internal to review/).
 *
 * Lifecycle: ictus_review_queue_collect() → read q->entries → ictus_review_queue_clear().
 */
#ifndef ICTUS_REVIEW_QUEUE_H
#define ICTUS_REVIEW_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "pipeline/event.h"
#include "review/blind.h"
#include "store/store.h"

/* What an entry of the queue is. */
typedef enum {
    ICTUS_ENTRY_DETECTED = 0, /* an event the detector stored */
    ICTUS_ENTRY_ADDED,        /* an event a reviewer added (the detector missed it) */
    ICTUS_ENTRY_ORPHAN,       /* a decision whose event a re-run no longer finds */
    ICTUS_N_ENTRY_KINDS
} ictus_entry_kind;

/* "detected", "added", "orphan". */
const char *ictus_entry_kind_name(ictus_entry_kind kind);

/* One entry; strings owned by the queue. */
typedef struct {
    ictus_entry_kind kind;
    char id[ICTUS_REVIEW_ID_SIZE];   /* its handle (review/blind.h) */
    char rec[ICTUS_REVIEW_ID_SIZE];  /* its recording's handle (path and animal) */
    char *path, *animal;
    char channel[ICTUS_LABEL_MAX];
    char type[ICTUS_TYPE_MAX];       /* as detected (added: as added) */
    int64_t start_us, end_us;        /* as detected (added: as added), µs from the recording start */
    int64_t wall_start_us;           /* naive local wall clock of start_us */
    double score;                    /* NAN for added and orphan entries */
    /* The current decision (verdict NONE: none). */
    ictus_verdict verdict;
    int racine;                      /* -1: not scored */
    char fixed_type[ICTUS_TYPE_MAX]; /* "" when as detected */
    bool has_fixed_edges;
    int64_t fixed_start_us, fixed_end_us;
    char *note, *reviewer;
    int64_t reviewed_unix_us;
    size_t order;                    /* in the store's walks */
} ictus_review_entry;

typedef struct {
    ictus_review_entry *entries;
    size_t n, cap;
} ictus_review_queue;

/* Collect every entry of the store into *q (zeroed first).  reviewer NULL:
 * the current decision over every reviewer; a name: that reviewer's newest
 * decision of each detected event (added and orphan entries are then that
 * reviewer's own only).  Handles are made with `secret` (ictus_review_secret()).
 * Errors: the store's. */
ictus_status ictus_review_queue_collect(ictus_store *s, const char *reviewer, uint64_t secret,
                                        ictus_review_queue *q, ictus_error *err);

/* The entry with handle `id`, or NULL. */
const ictus_review_entry *ictus_review_queue_find(const ictus_review_queue *q, const char *id);

/* Bytes of a blinding key in hex, with the NUL. */
#define ICTUS_REVIEW_KEY_HEX_SIZE (2 * ICTUS_STORE_KEY_BYTES + 1)

/* The blinding key of `reviewer` (made and stored on first use) as hex into
 * hex (ICTUS_REVIEW_KEY_HEX_SIZE bytes), for review/blind.h.  The store's errors. */
ictus_status ictus_review_blind_key(ictus_store *s, const char *reviewer, char *hex,
                                    ictus_error *err);

/* Free what the queue owns and zero it; a zeroed queue is a no-op. */
void ictus_review_queue_clear(ictus_review_queue *q);

#endif
