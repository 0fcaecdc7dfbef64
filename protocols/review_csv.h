/* review_csv.h: review decisions as CSV (the study's annotations.csv format): export, import.
 *
 * The file (DESIGN.md, "truth / annotation CSV"), one row per decision:
 *   recording,animal,channel,start_s,end_s,start,end,type,racine,scorer,
 *   verdict,note,reviewed_at,origin
 *   recording     the recording's path in the study
 *   start_s, end_s  the event as it counts (corrected edges when the decision
 *                 has them), seconds from the recording start (ms)
 *   start, end    the same as naive local date-times (empty when the
 *                 recording is no longer stored)
 *   type          the type as it counts (corrected, else as detected; added
 *                 events: their type, empty for none)
 *   racine        0..5, empty when not scored
 *   scorer        the reviewer
 *   verdict       seizure | not_seizure | unsure
 *   note
 *   reviewed_at   when, UTC, YYYY-MM-DDTHH:MM:SS.mmmZ
 *   origin        detected (a decision on a stored event) | added (an event a
 *                 reviewer added) | not_redetected (a decision whose event
 *                 the detector no longer finds)
 * RFC 4180; the first ten columns are what other tools (EDFbrowser
 * exports, another lab's scoring) read and write; the last four are ictus's.
 *
 * Import reads this format and DESIGN.md's truth format: start_s,end_s with
 * `recording` (the stored path, or a file name matched without directories;
 * with `animal` when several animals share the file), or start,end
 * (date-times) with `animal` (the recording is the animal's one holding the
 * start).  Every other column is optional: no verdict = seizure (a labelled
 * seizure), no scorer = the importing reviewer, no reviewed_at = now.  A
 * row whose origin is not_redetected is stored as it is (a decision on its
 * own edges); an added row as an added event; any other row is matched to
 * the stored event of its recording and animal that it overlaps most (the
 * same channel first): a decision on that event (its type and edges, when
 * they differ from the event's by more than rounding, as corrections), or,
 * when none overlaps, an added event.
 */
#ifndef ICTUS_REVIEW_CSV_H
#define ICTUS_REVIEW_CSV_H

#include <stdint.h>

#include "base/status.h"
#include "protocols/manifest.h"
#include "store/store.h"

/* Write every current decision: of each stored event (ictus_store_each_event
 * order), each added event, each decision not re-detected, to `path` ("-":
 * stdout).  *n_rows: the rows written.  ICTUS_ERR_IO naming the file;
 * store errors. */
ictus_status ictus_review_csv_export(ictus_store *s, const char *path, int64_t *n_rows,
                                     ictus_error *err);

/* What an import did. */
typedef struct {
    int64_t rows;            /* data rows read */
    int64_t decisions;       /* stored as decisions on stored events */
    int64_t added;           /* stored as added events */
    int64_t not_redetected;  /* stored as decisions not re-detected */
    int64_t bad;             /* rejected (each in the problems) */
} ictus_review_import_counts;

/* Import the decisions of `csv_path` into the store, in one transaction.
 * `reviewer` names rows without a scorer; now_unix_us is the time of rows
 * without reviewed_at.  A bad row (a time not a number or date, end not
 * after start, no such recording, an unknown verdict, a Racine stage out of
 * 0..5...) is skipped with one line in `problems` naming FILE:LINE and what
 * was expected; the other rows are stored.  Errors (nothing stored): those
 * of ictus_csv_read(); ICTUS_ERR_FORMAT when the header lacks the time
 * columns (start_s,end_s or start,end) or the column naming the recording
 * (recording or animal); store errors (ICTUS_ERR_BUSY, ICTUS_ERR_DB). */
ictus_status ictus_review_csv_import(ictus_store *s, const char *csv_path, const char *reviewer,
                                     int64_t now_unix_us, ictus_problems *problems,
                                     ictus_review_import_counts *counts, ictus_error *err);

#endif
