/* plan_event.h: what the generator puts on a day's timeline, and how each kind
 * of event draws itself into a chunk of samples.
 *
 * A day is planned first (hypnogram, seizures, artefacts, interictal spikes,
 * spindles: a list of events sorted by start), then rendered chunk by chunk.
 * Each event kind has a descriptor: its name in the truth files, its class
 * (seizure, hard negative, or background that is not written anywhere), the
 * pass it renders in, and its render hook.  An active event owns a voice:
 * the running state (noise stream, phase, filter memory) its renderer
 * carries from one chunk to the next.
 *
 * Units: amplitudes in `add` are µV of a median animal on a median
 * electrode (the day multiplies them by each channel's gain); amplitudes in
 * `direct` are µV at the amplifier input (stimulus and saturation
 * transients, not scaled).
 */
#ifndef ICTUS_SYNTH_EVENT_H
#define ICTUS_SYNTH_EVENT_H

#include <stdint.h>

#include "synth/rng.h"

#define ICTUS_SYNTH_MAX_CHANNELS 16

/* Every kind of event.  The order is the order of ictus_synth_kinds[]. */
typedef enum {
    /* seizures (truth.csv) */
    ICTUS_SYNTH_HPD,           /* hippocampal paroxysmal discharge (IHKA mouse) */
    ICTUS_SYNTH_CONVULSIVE,    /* generalized convulsive seizure (IHKA mouse, kainate rat) */
    ICTUS_SYNTH_GTCS,          /* Dravet spontaneous GTCS (type "convulsive") */
    ICTUS_SYNTH_AFTERDISCHARGE,/* evoked seizure after a 6 Hz stimulation (type "evoked") */
    /* hard negatives (artefacts.csv) */
    ICTUS_SYNTH_GROOMING,      /* rhythmic movement with broadband muscle activity */
    ICTUS_SYNTH_CHEWING,       /* jaw-rhythm muscle bursts */
    ICTUS_SYNTH_MOVEMENT,      /* slow large deflections */
    ICTUS_SYNTH_POP,           /* electrode pop: step with exponential decay, one channel */
    ICTUS_SYNTH_DROPOUT,       /* telemetry dropout: flat line on every channel */
    ICTUS_SYNTH_CLIPPING,      /* amplifier saturation at the digital limits */
    ICTUS_SYNTH_MAINS,         /* a spell of strong mains hum with harmonics */
    ICTUS_SYNTH_HVS,           /* rat high-voltage spindle (7-9 Hz spike-wave, quiet wake) */
    ICTUS_SYNTH_STIMULUS,      /* 6 Hz corneal stimulation artefact */
    ICTUS_SYNTH_IMPEDANCE,     /* electrode impedance step: the channel's gain changes */
    ICTUS_SYNTH_GAP,           /* telemetry loss: records missing from an EDF+D file */
    /* background (not written) */
    ICTUS_SYNTH_POSTICTAL,     /* post-ictal depression of the background */
    ICTUS_SYNTH_SPIKE,         /* interictal spike */
    ICTUS_SYNTH_SPINDLE,       /* NREM sleep spindle */
    /* hard negatives of `--negatives wide` (artefacts.csv; families.h), last
       so that the usual kinds keep their order */
    ICTUS_SYNTH_GROOM_WIDE,    /* spiky harmonic rhythm with stroke-locked muscle bursts */
    ICTUS_SYNTH_SPIKE_BURST,   /* a 1-6 s burst of interictal spike-waves */
    ICTUS_SYNTH_THETA_WIDE,    /* a strong REM/exploratory theta episode */
    ICTUS_SYNTH_MOVEMENT_WIDE, /* deflections with a plateau */
    ICTUS_SYNTH_SPINDLE_WIDE,  /* a spindle of random frequency and shape */
    ICTUS_SYNTH_HVS_WIDE,      /* a high-voltage spindle of random frequency and shape */
    ICTUS_SYNTH_POP_WIDE,      /* an electrode pop of random size and decay */
    ICTUS_SYNTH_CLIPPING_WIDE, /* saturation of random length and level */
    /* `--status-epilepticus` (truth.csv; status_epilepticus.h), last for the same reason */
    ICTUS_SYNTH_SE,            /* a status epilepticus episode (type "status_epilepticus") */
    ICTUS_SYNTH_N_KINDS
} ictus_synth_kind;

typedef enum {
    ICTUS_SYNTH_SEIZURE,       /* a row of truth.csv */
    ICTUS_SYNTH_ARTEFACT,      /* a row of artefacts.csv */
    ICTUS_SYNTH_BACKGROUND,    /* part of the background, written nowhere */
} ictus_synth_class;

/* How a seizure of `--seizures wide` (ictal.h) evolves beyond p[]: all
 * zero for every other event (the usual morphologies). */
typedef struct {
    int family;                /* ictus_synth_ictal_family + 1, 0: not a wide seizure */
    int onset;                 /* ictus_synth_onset: the pattern of the onset phase */
    float sentinel;            /* sentinel spike height (times amp_uv) */
    float fast_level;          /* low-voltage fast / tonic activity (times amp_uv) */
    float rise_u, start_hz;    /* the train's rate rises from start_hz to f0 over rise_u */
    float curve;               /* then goes f0 -> f1 as u^curve (u: share of the train) */
    float isi_cv;              /* irregularity of the inter-spike intervals (log SD) */
    float jitter;              /* spike-to-spike amplitude jitter */
    float polarity;            /* +1 or -1: the spikes' sign */
    float amp_rms;             /* amplitude drawn, in background RMS (70 µV of a median mouse) */
    float muscle_from_s;       /* muscle activity from here on */
    float fade;                /* amplitude lost over the last quarter */
    float fall_s;              /* the end's fall time */
    float w0[ICTUS_SYNTH_MAX_CHANNELS]; /* focal onset: the weights at the start */
} ictus_synth_ictal;

/* One event on a day's timeline. */
typedef struct {
    int64_t start, end;        /* sample indices [start, end) from the day's first sample */
    ictus_synth_kind kind;
    float amp_uv;              /* peak amplitude: µV of a median animal (`add`) or µV (`direct`) */
    float f0_hz, f1_hz;        /* start and end frequency, where the morphology has one */
    float p[6];                /* kind-specific shape parameters (see each renderer) */
    float weight[ICTUS_SYNTH_MAX_CHANNELS]; /* amplitude factor per channel */
    uint64_t seed;             /* key of the renderer's noise stream */
    int racine;                /* Racine stage 1..5, or 0 when not scored */
    int channel;               /* the channel it concerns, or -1 for several */
    ictus_synth_ictal ictal;   /* wide seizures only */
} ictus_synth_event;

/* The running state of one active event. */
typedef struct {
    ictus_synth_rng rng;
    double phase;              /* spike-train phase, cycles */
    float spike_amp;           /* amplitude factor of the current spike */
    float rate;                /* rate factor of the current inter-spike interval (0: 1) */
    float coef[2][5];          /* two biquads: b0, b1, b2, a1, a2 */
    float z[2][2];             /* their state */
} ictus_synth_voice;

/* One chunk of samples being rendered.  Buffers are owned by the day. */
typedef struct {
    int64_t i0;                /* day sample index of element 0 */
    int n;                     /* samples in the chunk */
    int n_channels;
    double fs_hz;
    float **add;               /* [c][n] µV of a median animal, scaled by the channel gain */
    float **direct;            /* [c][n] µV added after the gain */
    float *bg_gain;            /* [n] factor on the background (1 = none) */
    float *hum_gain;           /* [n] factor on the mains hum (1 = the usual level) */
    float *keep;               /* [n] 0 where the signal is lost (flat), else 1 */
    const float *muscle;       /* [c] how strongly each lead picks up muscle activity */
} ictus_synth_canvas;

/* A renderer: draw event `ev` into samples [from, to) of the chunk (day
 * indices, within both the event and the chunk); called in time order.  A
 * function type, so that the renderers are declared by name with it. */
typedef void ictus_synth_render_fn(const ictus_synth_event *ev, ictus_synth_voice *v,
                                   const ictus_synth_canvas *cv, int64_t from, int64_t to);

/* Prepare the voice (filters) when the event becomes active. */
typedef void ictus_synth_start_fn(const ictus_synth_event *ev, ictus_synth_voice *v,
                                  double fs_hz);

typedef struct {
    const char *name;          /* written in truth.csv / artefacts.csv */
    const char *truth_type;    /* seizures: the truth `type` (hpd, convulsive, evoked); else NULL */
    ictus_synth_class cls;
    int pass;                  /* 0: modulators (gains, keep) first; 1: additive */
    ictus_synth_start_fn *start;    /* NULL: nothing to prepare */
    ictus_synth_render_fn *render;  /* NULL: nothing to draw */
} ictus_synth_kind_desc;

/* The descriptors, indexed by ictus_synth_kind. */
extern const ictus_synth_kind_desc ictus_synth_kinds[ICTUS_SYNTH_N_KINDS];

/* A growable event list. */
typedef struct {
    ictus_synth_event *items;
    int n, cap;
} ictus_synth_events;

/* Append a zeroed event of `kind` on [start, end) and return it (valid
 * until the next append). */
ictus_synth_event *ictus_synth_events_add(ictus_synth_events *list, ictus_synth_kind kind,
                                          int64_t start, int64_t end);
/* Sort by start (then kind, then end): a stable, total order. */
void ictus_synth_events_sort(ictus_synth_events *list);
void ictus_synth_events_free(ictus_synth_events *list);

#endif
