/* event.h: a detected (or annotated) seizure event, and events.csv.
 *
 * Times are integers: microseconds from the start of the recording file,
 * plus the naive local wall-clock time of the start.  The recording path,
 * animal and preset are the same for every event of a recording, so they
 * travel beside the events, not in them.
 */
#ifndef ICTUS_EVENT_H
#define ICTUS_EVENT_H

#include <stdint.h>

#include "base/csvout.h"
#include "pipeline/source/source.h"

#define ICTUS_TYPE_MAX 24

typedef struct {
    int64_t start_us;       /* from the recording start */
    int64_t end_us;         /* > start_us */
    int64_t wall_start_us;  /* naive local wall clock of the start (walltime.h) */
    char channel[ICTUS_LABEL_MAX]; /* a channel label, or "*" when seen on several */
    char type[ICTUS_TYPE_MAX];     /* "hpd", "convulsive", "evoked", or a preset's own type */
    double score;           /* confidence in [0, 1] */
} ictus_event;

/* The events.csv columns (DESIGN.md), comma-separated, without newline. */
extern const char ictus_events_csv_header[];

/* Write the header line. */
void ictus_events_csv_write_header(ictus_out *o);

/* The first eight fields of an events.csv row (recording .. type), without
 * the comma after type: what other CSVs that begin like events.csv share
 * (report/exports.c's review.csv). */
void ictus_events_csv_write_place(ictus_out *o, const char *recording, const char *animal,
                                  const ictus_event *e);

/* Write one events.csv row: recording path as given, animal, the event,
 * and the preset as "name@version". */
void ictus_events_csv_write(ictus_out *o, const char *recording, const char *animal,
                            const char *preset, const ictus_event *e);

#endif
