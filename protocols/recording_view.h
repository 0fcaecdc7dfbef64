/* recording_view.h: a study's recording as the nightly job reads it: recordings.csv's
 * start time and channel map applied.
 *
 * A recordings.csv row may give the start time a file lacks and a channel
 * map ("HPC=1;CTX=2"); the detector, and every reader that must show the
 * same labels as the stored events (the review server), see the file through
 * a view (pipeline/source/source_view.h) with the map's channels under its
 * labels and the row's start time.
 */
#ifndef ICTUS_RECORDING_VIEW_H
#define ICTUS_RECORDING_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "pipeline/source/source.h"
#include "protocols/study.h"
#include "base/status.h"

/* The options to open a recording of `study` with: the study's full scale,
 * the start time of `entry` (NULL: no recordings.csv row) when it gives one,
 * and allow_partial: a file that holds less than its header promises is
 * read to its last complete record (info.partial says so).  The nightly job
 * opens only files that have not changed for --settle seconds, so such a
 * file was cut short (or its writer stopped): its readable part is analysed,
 * and when it grows its new content is processed again. */
ictus_source_options ictus_recording_source_options(const ictus_study *study,
                                                    const ictus_recording_entry *entry);

/* Show the open source *src through entry's channel map and start time (a
 * view that takes *src and replaces it; left as it is when the row has
 * neither, or entry is NULL).  file_channel[0..n_file) (n_file: the file's
 * channel count) is set to the file's 0-based channel of each channel the
 * reader sees.  Every mapped channel must exist in the file (the caller
 * checks).  On error *src is the view's leftover, which the caller closes. */
ictus_status ictus_recording_view(const ictus_recording_entry *entry, ictus_source **src,
                                  int *file_channel, ictus_error *err);

/* Open the file at `path` as the nightly job reads it into *out: with the
 * options above, each channel of entry's map checked against the file, and
 * the view applied (entry NULL: the file as it is).  `name` names the
 * recording in errors (its path in the study).  *out is the caller's
 * (ictus_source_close()); NULL on error.  Errors: the source's (a missing
 * or unreadable file: ICTUS_ERR_IO; a malformed one: its status);
 * ICTUS_ERR_CONFIG naming recordings.csv's line when the map names a
 * channel the file lacks. */
ictus_status ictus_recording_open(const ictus_study *study, const ictus_recording_entry *entry,
                                  const char *path, const char *name, ictus_source **out,
                                  ictus_error *err);
/* The same for a reader of samples only (ictus_source_options.samples_only:
 * a continuous EDF+/BDF+ file's annotations are not read, nor listed). */
ictus_status ictus_recording_open_samples(const ictus_study *study,
                                          const ictus_recording_entry *entry, const char *path,
                                          const char *name, ictus_source **out, ictus_error *err);

/* recordings.csv's row of the recording the store holds as `stored_path`
 * (a path in the study: "recordings/FILE") for `animal`, or NULL (no row,
 * or a path outside recordings/). */
const ictus_recording_entry *ictus_recording_entry_of(const ictus_study *study,
                                                      const char *stored_path,
                                                      const char *animal);

/* The video of that recording (recordings.csv's `video`, protocols/video.h)
 * as a path in the study ("recordings/videos/cage1.mp4") into video[size],
 * and the recording's time at its first frame into *offset_s: true; false
 * (video "", *offset_s 0) when the row gives none. */
bool ictus_recording_video(const ictus_study *study, const char *stored_path,
                           const char *animal, char *video, size_t size, double *offset_s);

#endif
