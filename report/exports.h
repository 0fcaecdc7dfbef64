/* exports.h: a study's events for review elsewhere: EDF+ annotation files for EDFbrowser and out/review.csv.
 *
 * Two exports of every event as it counts (the store's current decision's
 * corrected type and edges, else as detected; the events a reviewer added
 * too):
 *
 * OUT/annotations/<file>_events.edf, one per stored recording with events:
 *   an EDF+ file of annotations only (0 signals, which EDFlib writes: one
 *   empty data record of 1 s per annotation holds it), its start date and
 *   time those of the recording (to the 100 µs), so that EDFbrowser's
 *   "Tools > Import annotations/events" (EDF+ tab) puts every event on the
 *   recording's time line.  <file> is recordings.csv's file (its folders
 *   kept under annotations/), followed by "_ANIMAL" when the store holds
 *   the file for more than one animal (a file shared by several animals'
 *   channels).  A recording without events gets no file, and a file
 *   *_events.edf under annotations/ that this export did not write (a
 *   recording that no longer has events) is removed.  The header's patient
 *   code is the animal (EDFlib keeps printable ASCII, others become '.'),
 *   the equipment "ictus".
 *   Each annotation: onset = the event's start from the recording start,
 *   duration = its length, text "TYPE SCORE[ VERDICT]" ("hpd 0.873",
 *   "hpd 0.873 seizure", "hpd 0.873 not_seizure"; an added event has
 *   "added" for the score).  EDFlib 1.23 keeps at most 40 bytes of a text:
 *   a longer type is cut so that the score and verdict always stay.
 *
 * OUT/review.csv (RFC 4180), one row per event, ordered by animal, wall
 * start, recording, channel, type:
 *   recording     the recording's path in the study ("recordings/M01.edf")
 *   animal, channel
 *   start_s, end_s, duration_s  from the recording start (ms)
 *   start_time    the wall-clock start, naive local YYYY-MM-DDTHH:MM:SS.mmm
 *   type, score   as it counts (score empty for an added event)
 *   verdict       seizure | not_seizure | unsure | "" (not reviewed)
 *   racine        0..5, "" when not scored
 *   reviewer, note  of the current decision ("" when none)
 *   origin        detected | added (an event a reviewer added)
 *   video         recordings.csv's video as a path in the study
 *                 ("recordings/videos/cage1.mp4"); "" when none
 *   video_seek_s  where to seek in the video: the event's start - the
 *                 video's offset (recordings.csv "@OFFSET_S") - padding,
 *                 clamped at 0 (ms); "" when no video
 *
 * Settings ([report] in study.ini): video_padding_s (s, 0..3600, default 5).
 *
 * Thread safety: one export of an output directory at a time; EDFlib's
 * open and close are serialised (pipeline/source/edf_lock.h).
 */
#ifndef ICTUS_EXPORTS_H
#define ICTUS_EXPORTS_H

#include <stdint.h>

#include "base/config.h"
#include "base/status.h"
#include "protocols/manifest.h"
#include "protocols/study.h"

/* The settings of the exports. */
typedef struct {
    double video_padding_s;  /* s before an event's start to seek its video to, 0..3600 */
} ictus_exports_options;

/* The defaults: video_padding_s = 5. */
void ictus_exports_options_default(ictus_exports_options *opt);

/* Read [report] video_padding_s from cfg (marks it used; absent: *opt is
 * left as it is).  It does not check the other keys of [report]: the owner
 * of the section calls ictus_config_check_used() for "report" after every
 * reader of it, so an unknown key stays an error.  ICTUS_ERR_CONFIG naming
 * the file and line for a value not a number in range. */
ictus_status ictus_exports_options_apply(ictus_exports_options *opt, ictus_config *cfg,
                                         ictus_error *err);

/* Where to seek in a video for an event starting start_us (µs from the
 * recording start): max(0, start - video_offset_s - padding_s), in s.
 * video_offset_s: the recording's time at the video's first frame
 * (protocols/recording_view.h ictus_recording_video()).  review.csv's
 * video_seek_s and the report's gallery links. */
double ictus_exports_video_seek_s(int64_t start_us, double video_offset_s, double padding_s);

/* What an export wrote. */
typedef struct {
    int64_t n_events;          /* rows of review.csv */
    int64_t n_with_video;      /* of them, with a video */
    int n_annotation_files;    /* EDF+ files written */
    ictus_problems problems;   /* one line per recording skipped, and why; the caller
                                  frees it with ictus_problems_clear() */
} ictus_exports_summary;

/* Write out_dir/review.csv and out_dir/annotations/ (above) for the study in
 * study_dir, from its ictus.db and recordings.csv.  out_dir: NULL means
 * STUDY_DIR/out; it and annotations/ are made when absent (the parent must
 * exist).  opt: NULL means the defaults with study.ini's [report] applied
 * (without the unknown-key check).  sum: filled when not NULL (zeroed
 * first).  Each file is written beside its target and renamed over it.  A
 * recording whose EDF+ file EDFlib cannot write (a start outside
 * 1985..2084, which EDF cannot hold) is skipped with a line in
 * sum->problems.  Errors: those of ictus_study_load(); ICTUS_ERR_IO naming
 * the file (no ictus.db: "run ictus run first"; a file not writable); the
 * store's (ICTUS_ERR_DB, ICTUS_ERR_BUSY). */
ictus_status ictus_report_exports(const char *study_dir, const char *out_dir,
                                  const ictus_exports_options *opt, ictus_exports_summary *sum,
                                  ictus_error *err);

/* The same for a study already loaded (its dir is the study directory):
 * `ictus run` passes its own, so that the exports do not load recordings.csv
 * a second time (tens of MB at 160,000 recordings).  The study is only read,
 * apart from opt NULL marking [report] video_padding_s used in its config. */
ictus_status ictus_report_exports_study(const ictus_study *study, const char *out_dir,
                                        const ictus_exports_options *opt,
                                        ictus_exports_summary *sum, ictus_error *err);

#endif
