/* support_study.h: test-only builder of small studies: manifests and a filled store.
 *
 * The analysis tests (test_analysis.c and friends) write study.ini,
 * animals.csv and dosing.csv themselves and put recordings into
 * STUDY/ictus.db through the store's own API (ictus_store_put_recording),
 * exactly as `ictus run` would, so that every answer can be worked out by
 * hand.  Linked into every test program; only the analysis tests use it.
 * Failures are reported with CHECK-style messages on stderr and return false.
 */
#ifndef ICTUS_SUPPORT_STUDY_H
#define ICTUS_SUPPORT_STUDY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* Write DIR/NAME (creating DIR/NAME's directory when it is a subdirectory
 * of DIR, one level) with `text`.  Returns false on an I/O error. */
bool support_study_write(const char *dir, const char *name, const char *text);

/* The store of a study being built: DIR/ictus.db with one run. */
typedef struct {
    ictus_store *store;
    int64_t run_id;
    int n_recordings;   /* recordings put so far (makes paths and hashes unique) */
} support_store;

/* Open (create) DIR/ictus.db and start a run.  False on error (message on stderr). */
bool support_store_open(support_store *s, const char *dir);
void support_store_close(support_store *s);

/* One event to store: naive local wall-clock start, duration, type. */
typedef struct {
    int64_t start_us;
    int64_t duration_us;   /* > 0 */
    const char *type;
} support_event;

/* Put a recording of `animal` covering [start_us, start_us + duration_us)
 * (a whole number of seconds) whose animal-level analysable series ("*") is
 * `analysable_fraction` (0..1) of every bucket, with events ev[0..n_ev)
 * (their starts inside the recording).  The path is
 * "recordings/ANIMAL/N.edf", preset "test@1".  False on error. */
bool support_store_recording(support_store *s, const char *animal, int64_t start_us,
                             int64_t duration_us, double analysable_fraction,
                             const support_event *ev, int n_ev);

#endif
