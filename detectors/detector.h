/* detector.h: turn a recording's feature frames into seizure events.
 *
 * How it decides (all numbers are settings of the preset, DOMAIN.md §3–4):
 *  1. Baselines.  Per channel, the line length of clean windows is summarised
 *     per minute (median of ln LL); the baseline is the median (or the
 *     `baseline_quantile`) of the minute summaries over the trailing
 *     `baseline_hours` and the next `lookahead_min` minutes.  It follows electrode drift over hours and
 *     days, is indifferent to the animal's absolute amplitude, and seizures
 *     (a few % of the time) barely move it.  Decisions therefore lag the
 *     input by lookahead_min; memory is that many windows, whatever the
 *     recording's length.
 *  2. Window evidence.  On each channel, a window is ictal when it is free of
 *     dropout and clipping flags (gap, flat, clip), its line length is at
 *     least on_ratio x the baseline AND it holds rhythmic spikes (spike_rate
 *     >= min_spike_rate): fast sharp activity, which theta and delta (smooth,
 *     no spikes above 4 SD) and movement (slow) lack.  Windows flagged `emg`
 *     count: convulsions carry muscle activity too; grooming and chewing
 *     (short EMG bursts, mostly cortical) are told apart at the event level
 *     by the type rules' duration, channel and max_emg_fraction.
 *  3. Events.  Hysteresis over windows: an event starts at an ictal window on
 *     any channel, continues while any channel keeps line length >= off_ratio
 *     x baseline with some spiking (sustain_spike_rate), and ends after
 *     merge_gap_s without.  Its edges are then found at the analysis rate
 *     (candidates.h): the onset bin is the first active sub-window bin (a
 *     spike, or a run of high line length) of the first ictal window, the
 *     end bin the last of the last sustaining window, each extended over
 *     active bins no more than edge_gap_s apart and moved at most
 *     edge_margin_s from the grid's edge; inside those bins the onset is the
 *     sample where the first spike starts (or the low-voltage fast activity
 *     rises), the end the sample where the last spike's complex ends (or
 *     the fast activity falls), over the channels that make the bin active.
 *     duration_s and every duration rule use these edges (a 3 s spike burst
 *     is 3 s long); the event must last min_duration_s and be mostly free
 *     of artefact windows.
 *  4. Typing.  The event type rules [type.NAME] are tried in the order of
 *     `types`; the first whose duration, channel spread, peak and mean line
 *     length ratio, mean spike rate and post-ictal suppression (line length < postictal_ratio x baseline within
 *     postictal_window_s after the end) all match names the event; an event no
 *     rule accepts is dropped.
 *  5. Evoked seizures ([evoked], 6 Hz kindling): after each stimulation
 *     (an EDF+ annotation matching stim_pattern, or a list the caller gives),
 *     the stimulus artefact is blanked and the afterdischarge lasts until the
 *     line length stays below end_ratio x baseline for end_hold_s; it ends
 *     at the sample where its last spike complex ends (evoked.h).
 *  6. Learned second stage ([classifier] model, learned/second_stage.h):
 *     with a model, the rules only propose: every candidate that passes
 *     min_duration_s and max_artefact_fraction gets a feature vector and
 *     the model names its type (within the types' duration limits) and its
 *     score, a calibrated probability; the type rules' verdict is a feature.
 *  7. Confidence without a model: a logistic score of how far the event exceeds its
 *     thresholds (peak ratio, duration, spread, post-ictal suppression) minus
 *     its artefact share, weighted by [confidence]; 0.5 means "just meets the
 *     rules".
 *
 * Modules: candidates.c assembles candidates and measures them (3), typing.c
 * is the pure rule check and confidence model (4, 6), evoked.c the
 * stimulation state machine (5); every window-to-time conversion is the
 * window grid's (base/grid.h).  This file keeps the baselines and the delay
 * line (1, 2) and hands windows and results between them.
 *
 * Lifecycle: ictus_detector_create() → ictus_detector_push_window() for
 * every window in increasing order (as ictus_analyzer_run delivers them) →
 * ictus_detector_finish() → ictus_detector_destroy().  Events come out
 * through the callback in order of start time.  One thread at a time.
 */
#ifndef ICTUS_DETECTOR_H
#define ICTUS_DETECTOR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "detectors/detector_params.h"
#include "pipeline/analyzer.h"
#include "pipeline/event.h"
#include "pipeline/features/features.h"
#include "pipeline/settings.h"
#include "pipeline/source/source.h"
#include "base/status.h"

typedef struct ictus_detector ictus_detector;

/* Receives each event; valid only during the call. */
typedef void (*ictus_event_fn)(void *ctx, const ictus_event *e);

/* True when channel label `label` is one of p's primary_channels (each a
 * prefix, case ignored).  A detector with none of its channels primary
 * takes its first analysed channel as primary. */
bool ictus_detector_primary_label(const ictus_detector_params *p, const char *label);

/* A detector for one recording.  channels[i] is the source channel index of
 * the i-th analysed channel (ictus_analyzer_channel_index); stim_us lists
 * stimulation onsets (µs from the recording start) in addition to those
 * found in the recording's annotations; all are copied. */
ictus_status ictus_detector_create(const ictus_detector_params *p, const ictus_settings *set,
                                   const ictus_recording_info *info, const int *channels,
                                   int n_channels, const int64_t *stim_us, int n_stim,
                                   ictus_event_fn fn, void *ctx, ictus_detector **out,
                                   ictus_error *err);
void ictus_detector_destroy(ictus_detector *d); /* NULL is a no-op */

/* Write one line per candidate event to `f` (NULL: none): its measures
 * and which rule took it or why it was dropped, naming the first limit each
 * rule tried failed ("emg 0.91 > max_emg_fraction 0.3", typing.h), and one
 * line per stimulation; for tuning presets. */
void ictus_detector_explain(ictus_detector *d, FILE *f);

/* Receives every spontaneous candidate that passes the detector-wide
 * limits (typing.h ictus_candidate_admitted), whatever the rules and the
 * model then decide: its edges (µs from the recording start), its feature
 * vector x[ICTUS_CF_N] (learned/cand_features.h) and the rule that names it
 * (-1: none).  What `ictus train` learns from. */
typedef void (*ictus_candidate_sink)(void *ctx, int64_t start_us, int64_t end_us,
                                     const float *x, int rule);

/* Send every admitted candidate to fn (NULL: none). */
void ictus_detector_candidates(ictus_detector *d, ictus_candidate_sink fn, void *ctx);

/* Feed window k: w->n_channels must equal the detector's n_channels, with
 * channel i the one of channels[i] at creation (the analyzer's order). */
void ictus_detector_push_window(ictus_detector *d, const ictus_window_frames *w);

/* End of the recording: decide the remaining windows, emit the last events. */
void ictus_detector_finish(ictus_detector *d);

#endif
