/* video.h: recordings.csv's video column: the video file and the recording's time at its first frame.
 *
 * The column names a file inside the study's recordings/ (as `file` does),
 * optionally followed by "@" and the recording's time in seconds at the
 * video's first frame: "cage1.mp4@12.5" starts 12.5 s into the recording,
 * "@-3" 3 s before it, no "@" together.  Read by the review server (which
 * sends the video) and the report's exports (which seek into it).
 */
#ifndef ICTUS_VIDEO_H
#define ICTUS_VIDEO_H

#include <stdbool.h>
#include <stddef.h>

/* Split the column's text `video` into its file (into file[size], cut to
 * size-1 bytes) and *offset_s (s of recording time at the first frame): the
 * text after the last "@" when it is a finite number, else 0 with the whole
 * text the file.  False (file "", *offset_s 0) when there is no video (""). */
bool ictus_video_split(const char *video, char *file, size_t size, double *offset_s);

#endif
