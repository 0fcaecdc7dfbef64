/* detector_params.h: the detector's settings, as read from a preset:
 * [detector] (window evidence, hysteresis, baselines), [evoked] (6 Hz
 * kindling afterdischarges), [confidence] (the score model) and the event
 * type rules [type.NAME].  Every key has its unit, meaning and default
 * beside its field; detector.h says how they are used.
 */
#ifndef ICTUS_DETECTOR_PARAMS_H
#define ICTUS_DETECTOR_PARAMS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/config.h"
#include "base/status.h"
#include "pipeline/event.h"

#define ICTUS_MAX_TYPES 8
#define ICTUS_MAX_SMOOTH 64

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

/* The confidence model ([confidence]): an accepted event's score is
 * logistic(z), where for a spontaneous event
 *   z = peak_weight x ln(peak ratio / max(rule's min_peak_ratio, on_ratio))
 *     + duration_weight x ln(duration / rule's min_duration_s (1 s when 0))
 *     + channel_weight x (involved channels - 1)
 *     + postictal_weight (when post-ictal suppression was seen)
 *     - artefact_weight x artefact share,
 * so 0.5 means "just meets the rule"; for an evoked afterdischarge
 *   z = evoked_duration_weight x ln(duration / [evoked] min_duration_s (1 s when 0))
 *     + evoked_offset. */
typedef struct {
    double peak_weight;            /* peak_weight: per unit ln of the peak ratio over its floor (1.2) */
    double duration_weight;        /* duration_weight: per unit ln of the duration over the rule's
                                      minimum (0.8) */
    double channel_weight;         /* channel_weight: per involved channel beyond the first (0.6) */
    double postictal_weight;       /* postictal_weight: added when post-ictal suppression was seen (0.8) */
    double artefact_weight;        /* artefact_weight: subtracted per unit of artefact share (4) */
    double evoked_duration_weight; /* evoked_duration_weight: per unit ln of an afterdischarge's
                                      duration over [evoked] min_duration_s (0.8) */
    double evoked_offset;          /* evoked_offset: added to every afterdischarge's z (0.5) */
} ictus_confidence_params;

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
    double edge_margin_s;      /* edge_margin_s: how far an event's edges may move from the
                                  window grid's when they are placed in the sub-window envelope
                                  (2 s; 0: events keep the grid's edges) ... */
    double edge_gap_s;         /* edge_gap_s: ... where the event runs on over quiet stretches
                                  up to this long between active bins (0.5 s) */
    double max_artefact_fraction; /* max_artefact_fraction: drop events with more artefact windows (0.5) */
    double postictal_window_s; /* postictal_window_s: where suppression is looked for (60 s) */
    double postictal_ratio;    /* postictal_ratio: LL / baseline counted as suppressed (0.5) */
    double involved_fraction;  /* involved_fraction: share of an event's windows at on_ratio or
                                  more that makes a channel involved (0.2) ... */
    int involved_min_windows;  /* involved_min_windows: ... and at least this many windows (2);
                                  an event shorter than that involves every channel with one */
    int postictal_smooth_windows; /* postictal_smooth_windows: the post-ictal level is a moving
                                  average over this many windows (5; 1..ICTUS_MAX_SMOOTH) */
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

    /* [confidence] */
    ictus_confidence_params confidence;

    /* [status_epilepticus] (status_epilepticus.h says how they are used) */
    double se_convulsive_min_s; /* convulsive_min_s: an episode of mostly convulsive seizure
                                  activity this long is status epilepticus (300 s: ILAE 2015
                                  t1 for tonic-clonic SE; 0: never) */
    double se_focal_min_s;     /* focal_min_s: any other episode this long (600 s: ILAE t1 for
                                  focal SE with impaired awareness; 0: never) */
    double se_max_gap_s;       /* max_gap_s: activity back to baseline on average for this
                                  long ends an episode (60 s) ... */
    double se_return_ratio;    /* return_ratio: ... i.e. the mean LL / baseline of the most
                                  active clean channel over max_gap_s below this (2.5) */

    /* [classifier]: the learned second stage (detectors/learned/) */
    char model[256];           /* model: the model file (a name looked up beside the presets,
                                  or a path); empty: the rules alone decide */
    double min_score;          /* min_score: the calibrated probability an event needs (0.5) */
    const struct ictus_model *classifier; /* the loaded model (preset.h loads and owns it),
                                  NULL with the rules alone; not a setting */

    int n_types;
    ictus_type_rule type[ICTUS_MAX_TYPES];
} ictus_detector_params;

void ictus_detector_params_default(ictus_detector_params *p);
/* Read [detector], [evoked], [confidence] and every [type.NAME] listed in `types`. */
ictus_status ictus_detector_params_apply(ictus_detector_params *p, ictus_config *cfg,
                                         ictus_error *err);
/* Append the canonical `section.key=value` lines (see params.h).  Keys
 * added after presets were first fingerprinted ([confidence], the
 * involvement keys of [detector]) are written only where they differ from
 * their default, so that every earlier preset keeps its text and hash. */
void ictus_detector_params_describe(const ictus_detector_params *p, char *buf, size_t size,
                                    size_t *len);
/* The sections the detector owns (NULL-terminated; valid while p lives). */
void ictus_detector_sections(const ictus_detector_params *p, const char **sections, int max);

#endif
