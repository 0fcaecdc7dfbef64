/* stimlist.h: stimulation times from a CSV list, for evoked-seizure presets
 * (6 Hz kindling) whose recordings do not carry them as EDF+ annotations.
 *
 * The list has a header with `recording` (a file name, directories ignored)
 * and `start_s` (seconds from the start of that recording); other columns
 * (animal, end_s, current_ma, ...: the stimulations.csv of `ictus synth`)
 * are ignored.
 * Lifecycle: ictus_stimlist_load() → ictus_stimlist_for() per recording →
 * ictus_stimlist_destroy().  Read only after loading: thread-safe.
 */
#ifndef ICTUS_STIMLIST_H
#define ICTUS_STIMLIST_H

#include <stdint.h>

#include "base/status.h"

typedef struct ictus_stimlist ictus_stimlist;

/* Read `path`.  A missing column, a start_s that is not a number from 0 to
 * ICTUS_MAX_OFFSET_S (base/limits.h: 10 years) or a malformed file is
 * ICTUS_ERR_DATA naming FILE:LINE:COLUMN. */
ictus_status ictus_stimlist_load(const char *path, ictus_stimlist **out, ictus_error *err);
void ictus_stimlist_destroy(ictus_stimlist *l); /* NULL is a no-op */

/* The stimulation onsets (µs from the recording start, in file order) of
 * the recording at `path` (matched by file name); *n may be 0.  The array
 * belongs to the list. */
const int64_t *ictus_stimlist_for(const ictus_stimlist *l, const char *path, int *n);

#endif
