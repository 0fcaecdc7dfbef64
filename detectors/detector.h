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
 *     merge_gap_s without; it must last min_duration_s and be mostly free of
 *     artefact windows.
 *  4. Typing.  The event type rules [type.NAME] are tried in the order of
 *     `types`; the first whose duration, channel spread, peak and mean line
 *     length ratio, mean spike rate and post-ictal suppression (line length < postictal_ratio x baseline within
 *     postictal_window_s after the end) all match names the event; an event no
 *     rule accepts is dropped.
 *  5. Evoked seizures ([evoked], 6 Hz kindling): after each stimulation
 *     (an EDF+ annotation matching stim_pattern, or a list the caller gives),
 *     the stimulus artefact is blanked and the afterdischarge lasts until the
 *     line length stays below end_ratio x baseline for end_hold_s.
 *  6. Confidence: a logistic score of how far the event exceeds its
 *     thresholds (peak ratio, duration, spread, post-ictal suppression) minus
 *     its artefact share; 0.5 means "just meets the rules".
 *
 * Lifecycle: ictus_detector_create() → ictus_detector_push() for every frame
 * in (window, channel) order (as ictus_analyzer delivers them) →
 * ictus_detector_finish() → ictus_detector_destroy().  Events come out
 * through the callback in order of start time.  One thread at a time.
 */
#ifndef ICTUS_DETECTOR_H
#define ICTUS_DETECTOR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "base/config.h"
#include "pipeline/event.h"
#include "pipeline/features/features.h"
#include "pipeline/settings.h"
#include "pipeline/source/source.h"
#include "base/status.h"

#define ICTUS_MAX_TYPES 8

/* One event type rule: section [type.NAME]. */
typedef struct {
    char name[ICTUS_TYPE_MAX];
    double min_duration_s;   /* min_duration_s: shortest event of this type */
    double max_duration_s;   /* max_duration_s: longest (0 = no limit) */
    int min_channels;        /* min_channels: channels with ictal windows during the event */
    double min_peak_ratio;   /* min_peak_ratio: peak line length over baseline on the strongest channel */
    double min_mean_ratio;   /* min_mean_ratio: mean line length over baseline on the strongest
                                channel, over the event */
    double min_spike_rate;   /* min_spike_rate: mean spikes/s on the strongest channel, over the
                                event (theta and delta trains have line length but few spikes) */
    double min_high_fraction;/* min_high_fraction: share of the event's windows at on_ratio or
                                more on the strongest channel (a discharge stays high; theta with
                                interictal spikes only touches the threshold).  Default 0. */
    double max_emg_fraction; /* max_emg_fraction: largest share of the strongest channel's windows
                                flagged `emg` (grooming and chewing are EMG bursts; convulsions
                                carry EMG too, so convulsive rules allow it).  Default 1. */
    bool postictal;          /* postictal: post-ictal suppression required */
    bool primary;            /* primary: a primary channel must be involved in the event */
} ictus_type_rule;

typedef struct {
    /* [detector] */
    bool spontaneous;          /* spontaneous: look for spontaneous seizures (default true) */
    double baseline_hours;     /* baseline_hours: trailing span of the baseline (default 6 h) */
    double lookahead_min;      /* lookahead_min: the baseline also looks this far ahead (30 min) */
    double min_baseline_min;   /* min_baseline_min: clean minutes needed for a baseline (10) */
    double baseline_quantile;  /* baseline_quantile: which quantile of the minute summaries is
                                  the baseline: 0.5, the median; lower when seizures fill much
                                  of the recording (Bonn set E is a third of it) */
    double on_ratio;           /* on_ratio: LL / baseline that makes a window ictal (2.5) */
    double off_ratio;          /* off_ratio: LL / baseline that keeps an event going (1.6) */
    double min_spike_rate;     /* min_spike_rate: spikes/s an ictal window needs (1) */
    double sustain_spike_rate; /* sustain_spike_rate: spikes/s a window needs to keep an event
                                  going, beside off_ratio (0.5) */
    double min_duration_s;     /* min_duration_s: shortest event of any type (5 s) */
    double merge_gap_s;        /* merge_gap_s: quiet stretch that ends an event (3 s) */
    double max_artefact_fraction; /* max_artefact_fraction: drop events with more artefact windows (0.5) */
    double postictal_window_s; /* postictal_window_s: where suppression is looked for (60 s) */
    double postictal_ratio;    /* postictal_ratio: LL / baseline counted as suppressed (0.5) */
    char primary_channels[128];/* primary_channels: labels (comma-separated, prefix match, case-
                                  insensitive) of the channels seizures start on, e.g. "HPC";
                                  empty: the first analysed channel */
    char types[128];           /* types: the [type.NAME] rules in priority order, e.g. "convulsive,hpd" */
    /* [evoked] */
    bool evoked;               /* enabled: look for afterdischarges after stimulations (false) */
    char stim_pattern[64];     /* stim_pattern: annotation text marking a stimulation ("stim") */
    double stim_duration_s;    /* stim_duration_s: length of the stimulus artefact (3 s) */
    double blank_s;            /* blank_s: extra blanking after the stimulus (1 s) */
    double end_ratio;          /* end_ratio: the afterdischarge ends below this LL / baseline (2) */
    double end_hold_s;         /* end_hold_s: ... held this long (2 s) */
    double evoked_min_s;       /* min_duration_s: shortest afterdischarge reported (5 s) */
    double evoked_max_s;       /* max_duration_s: longest afterdischarge searched (180 s) */

    int n_types;
    ictus_type_rule type[ICTUS_MAX_TYPES];
} ictus_detector_params;

void ictus_detector_params_default(ictus_detector_params *p);
/* Read [detector], [evoked] and every [type.NAME] listed in `types`. */
ictus_status ictus_detector_params_apply(ictus_detector_params *p, ictus_config *cfg,
                                         ictus_error *err);
/* Append the canonical `section.key=value` lines (see params.h). */
void ictus_detector_params_describe(const ictus_detector_params *p, char *buf, size_t size,
                                    size_t *len);
/* The sections the detector owns (NULL-terminated; valid while p lives). */
void ictus_detector_sections(const ictus_detector_params *p, const char **sections, int max);

typedef struct ictus_detector ictus_detector;

/* Receives each event; valid only during the call. */
typedef void (*ictus_event_fn)(void *ctx, const ictus_event *e);

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
 * and which rule took it or why it was dropped; for tuning presets. */
void ictus_detector_explain(ictus_detector *d, FILE *f);

/* Feed one frame (in the analyzer's order). */
void ictus_detector_push(ictus_detector *d, const ictus_frame *frame);

/* End of the recording: decide the remaining windows, emit the last events. */
void ictus_detector_finish(ictus_detector *d);

#endif
