/* typing.h: which type rule names an event, why the others did not, and how
 * confident the detector is: a pure function of the event's measures and
 * the preset (no I/O, no state; safe from any thread).
 *
 * A spontaneous candidate first passes [detector] min_duration_s and
 * max_artefact_fraction, then the [type.NAME] rules are tried in the order
 * of `types`; the first whose every limit holds names it.  Each failed rule
 * contributes the first limit it failed to the reason, written as
 * "<measure> <value> <comparison> <limit key> <limit>", e.g.
 * "emg 0.67 > max_emg_fraction 0.3".  The confidence model is
 * ictus_confidence_params (detector_params.h).
 */
#ifndef ICTUS_TYPING_H
#define ICTUS_TYPING_H

#include <stdbool.h>
#include <stddef.h>

#include "detectors/detector_params.h"

/* What is measured of a spontaneous candidate (candidates.h computes it). */
typedef struct {
    double duration_s;        /* from its first window's stretch to its last's, s */
    double artefact_fraction; /* share of its windows with no clean channel, 0..1 */
    int n_involved;           /* channels involved (involved_fraction), >= 1 */
    bool primary_involved;    /* a primary channel is among them */
    double peak_ratio;        /* highest LL / baseline over every channel */
    double mean_ratio;        /* strongest channel: mean LL / baseline over the event */
    double spike_rate;        /* strongest channel: mean spikes/s */
    double high_fraction;     /* strongest channel: share of windows at >= on_ratio, 0..1 */
    double emg_fraction;      /* strongest channel: share of windows flagged emg, 0..1 */
    double postictal_min;     /* lowest smoothed LL / baseline of the primary channels within
                                 postictal_window_s after the end; NaN when none was seen */
} ictus_event_measures;

#define ICTUS_REASON_MAX 512

typedef struct {
    int rule;          /* index into p->type of the rule that names the event; -1: dropped */
    double confidence; /* logistic score in (0, 1) when accepted, 0 when dropped */
    char reason[ICTUS_REASON_MAX]; /* dropped: the failed limits ("NAME: ..." per rule tried,
                                      "; "-separated); accepted: those of the rules tried
                                      before the one that took it (may be empty) */
} ictus_typing;

/* Whether a spontaneous candidate passes the detector-wide limits
 * ([detector] min_duration_s and max_artefact_fraction) that come before
 * any type rule; when not, *out says why (rule -1). */
bool ictus_candidate_admitted(const ictus_detector_params *p, const ictus_event_measures *m,
                              ictus_typing *out);

/* Whether an event fits the part of type r's definition the learned stage
 * keeps as a rule: its duration within min_duration_s and max_duration_s,
 * its share of windows flagged `emg` within max_emg_fraction (an HPD is
 * electrographic: no muscle), a primary channel involved when r says
 * `primary`.  On failure, why (like the type rules' reasons) into why[size]. */
bool ictus_type_definition_fits(const ictus_type_rule *r, double duration_s,
                                double emg_fraction, bool primary_involved, char *why,
                                size_t size);

/* Type one spontaneous candidate. */
void ictus_type_event(const ictus_detector_params *p, const ictus_event_measures *m,
                      ictus_typing *out);

/* The first type rule (index into p->type, in the order of `types`) whose
 * limits m meets when its max_duration_s and its post-ictal requirement are
 * lifted, -1 when none, with the confidence that rule gives m: what a
 * candidate too long for every rule (status epilepticus,
 * status_epilepticus.h) looks like; the post-ictal window of a long episode
 * may hold its next seizure. */
int ictus_type_unbounded(const ictus_detector_params *p, const ictus_event_measures *m,
                         double *confidence);

/* Whether a rule's post-ictal requirement counts as met for these measures. */
bool ictus_postictal_seen(const ictus_detector_params *p, const ictus_event_measures *m);

/* Judge an afterdischarge of duration_s after a stimulation: accepted
 * (rule 0, the "evoked" type) when it lasts [evoked] min_duration_s. */
void ictus_type_afterdischarge(const ictus_detector_params *p, double duration_s,
                               ictus_typing *out);

#endif
