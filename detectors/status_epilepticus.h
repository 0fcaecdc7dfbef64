/* status_epilepticus.h: status epilepticus as its own event type
 * ("status_epilepticus"), DOMAIN.md §8: continuous seizure activity of at
 * least 5 min (convulsive) or 10 min (focal) (ILAE 2015, t1), or seizures
 * without return to baseline between them.
 *
 * Why a stage of its own.  The candidates (candidates.h) end where spikes
 * stop standing out, and the spike feature measures spikes against the
 * median RMS of the last minutes (feat_spikes.c): a few minutes into a
 * continuous discharge its spikes no longer count, so the episode falls
 * apart into fragments that the type rules and the model drop, and the
 * convulsive rules stop at 180-300 s (max_duration_s).  Line length against
 * the detector's hours-long baseline stays high throughout; that is what
 * this stage follows.
 *
 * Activity runs.  Every decided spontaneous window gives the highest line
 * length ratio (LL / baseline) over its clean channels.  A run is open while
 * the mean of that ratio over the last [status_epilepticus] max_gap_s
 * (windows) is at least return_ratio; it begins at the earliest window of
 * that span at return_ratio or more and ends at the end of the last such
 * window before the mean falls below: activity that comes back to baseline
 * for max_gap_s on average ends it, seizures with less than that between
 * them (or continuous activity) stay in one run.  A stimulation or missing
 * windows end a run.
 *
 * Segments.  Every spontaneous candidate the detector typed comes here, in
 * order of time: a seizure the rules (or the learned stage) accepted, with
 * its type and score; or a candidate they dropped that lasts at least the
 * shorter threshold and meets some type rule once its max_duration_s and
 * post-ictal requirement are lifted (typing.h ictus_type_unbounded).
 *
 * Episodes.  A run at least as long as the shorter threshold with the
 * segments that overlap it is an episode.  It is convulsive when segments
 * of type "convulsive" (DESIGN.md: convulsive includes Dravet GTCS) make up
 * at least half of its segments' time, focal otherwise; it is status
 * epilepticus when it has an accepted seizure (or a long segment) and spans
 * (from the earlier of the run's and its first segment's start to the later
 * of their ends) convulsive_min_s or focal_min_s; a threshold of 0: never.
 *
 * What comes out.  A status epilepticus episode is ONE event of type
 * "status_epilepticus" over the whole episode, with the highest score of
 * its segments and the channel they share ("*" when they differ): its
 * seizures are not reported beside it, so it is counted once, and no
 * duration rule splits or drops it.  Every other accepted segment comes out
 * unchanged (dropped long candidates stay dropped), so detection in
 * recordings without status epilepticus is what it was; only the moment
 * events come out is later (below).
 *
 * Streaming.  A segment is held until the runs it may belong to are known
 * (the windows have passed its end + max_gap_s) and, when it belongs to a
 * long run, until the run has closed and no candidate not yet handed over
 * can overlap it (ictus_se_advance's horizon).  ictus_se_open_start_us() is
 * the earliest start held, before which the detector may release events.
 * Memory: the held segments, the long runs they may belong to and
 * max_gap_s of window ratios.
 *
 * Lifecycle: ictus_se_create() → ictus_se_window() / ictus_se_break() /
 * ictus_se_add() / ictus_se_advance() in time order → ictus_se_flush() at
 * the end → ictus_se_destroy().  One thread at a time.
 */
#ifndef ICTUS_STATUS_EPILEPTICUS_H
#define ICTUS_STATUS_EPILEPTICUS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "detectors/detector_params.h"
#include "pipeline/event.h"

/* The event type of a status epilepticus episode. */
#define ICTUS_SE_TYPE "status_epilepticus"

/* The seizure type whose share makes an episode convulsive. */
#define ICTUS_SE_CONVULSIVE_TYPE "convulsive"

typedef struct {
    int64_t start_us, end_us;       /* from the recording start */
    char channel[ICTUS_LABEL_MAX];  /* as the event would carry it */
    char type[ICTUS_TYPE_MAX];      /* its type (accepted or unbounded rule) */
    double score;                   /* its score (or the rules' confidence when dropped) */
    bool seizure;                   /* accepted: reported when no SE takes it */
} ictus_se_segment;

/* Receives each event that comes out (valid during the call). */
typedef void (*ictus_se_emit_fn)(void *ctx, int64_t start_us, int64_t end_us,
                                 const char *channel, const char *type, double score);

typedef struct ictus_se ictus_se;

/* hop_us: the window grid's hop; p must outlive it. */
ictus_se *ictus_se_create(const ictus_detector_params *p, int64_t hop_us, ictus_se_emit_fn fn,
                          void *ctx);
void ictus_se_destroy(ictus_se *se); /* NULL is a no-op */
/* Write one line per status epilepticus episode to f (NULL: none). */
void ictus_se_explain(ictus_se *se, FILE *f);

/* Whether p looks for status epilepticus at all (a threshold above 0). */
bool ictus_se_enabled(const ictus_detector_params *p);

/* The shortest duration that lets a candidate no rule accepted be a
 * segment (the smaller positive threshold). */
double ictus_se_min_long_s(const ictus_detector_params *p);

/* A decided spontaneous window: its tile [start_us, end_us) and the highest
 * LL ratio of its clean channels (NaN or below 0: none, counted as 0). */
void ictus_se_window(ictus_se *se, int64_t start_us, int64_t end_us, double ratio);

/* Missing windows or a stimulation: the open run ends. */
void ictus_se_break(ictus_se *se);

/* A segment, later than every one before it. */
void ictus_se_add(ictus_se *se, const ictus_se_segment *s);

/* No segment not yet added can start before horizon_us: decide what can be. */
void ictus_se_advance(ictus_se *se, int64_t horizon_us);

/* The end: decide everything held. */
void ictus_se_flush(ictus_se *se);

/* The earliest start still held (INT64_MAX: none). */
int64_t ictus_se_open_start_us(const ictus_se *se);

#endif
