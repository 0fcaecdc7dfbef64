/* source_view.h: a recording seen through a channel map: some of its channels, renamed.
 *
 * recordings.csv may say "HPC=1;CTX=2" for one animal and "HPC=3;CTX=4" for
 * another in the same file, and may give the start time the file lacks.
 * The detector must see the study's labels (its rules name channels: the
 * preset's primary_channels = HPC), and each animal only its own channels.
 * A view is a source (pipeline/source/source.h) over another source that delivers
 * the chosen channels, in the map's order, under the map's labels, with the
 * manifest's start time; everything else (timeline, gaps, annotations,
 * samples) is the inner source's.  Reading copies the chosen channels out
 * of each inner block (a memcpy per channel and block).
 *
 * Lifecycle: ictus_source_view_open() takes the inner source → use the view as any
 * source → ictus_source_close(view) closes the inner one too.
 * Thread safety: as any source (one thread at a time).
 */
#ifndef ICTUS_SOURCE_VIEW_H
#define ICTUS_SOURCE_VIEW_H

#include <stdint.h>

#include "pipeline/source/source.h"
#include "base/status.h"

/* Make a view of `inner` showing its channels channels[0..n) (0-based
 * indices into the inner info, each < its n_channels, no repeats) as
 * labels[0..n) (each shorter than ICTUS_LABEL_MAX), starting at wall-clock
 * start_us.  n >= 1.  Takes ownership of `inner` (closed by the view, also
 * when this fails).  *out is the view. */
ictus_status ictus_source_view_open(ictus_source *inner, const int *channels, const char *const *labels,
                           int n, int64_t start_us, ictus_source **out, ictus_error *err);

#endif
