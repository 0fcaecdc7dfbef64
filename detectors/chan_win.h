/* chan_win.h: what the detector keeps of one window of one channel while
 * the window waits in the delay line and is decided (detector.c), assembled
 * into candidates (candidates.c) and summarised for the learned stage
 * (learned/cand_features.c).  Plain data. */
#ifndef ICTUS_CHAN_WIN_H
#define ICTUS_CHAN_WIN_H

#include <stdint.h>

#include "pipeline/features/features.h"

/* What the detector keeps of one window of one channel. */
typedef struct {
    uint32_t artefact; /* ICTUS_ART_* */
    int present;       /* 1 when the channel has a frame for the window */
    float ll;          /* line length, µV/s */
    float spike_rate;  /* spikes/s */
    float sub_ll[ICTUS_SUB_BINS];       /* the frame's sub-window envelope (features.h) */
    uint8_t sub_spikes[ICTUS_SUB_BINS];
    int32_t sub_on_us[ICTUS_SUB_KINDS][ICTUS_SUB_BINS];  /* where each bin's activity begins */
    int32_t sub_off_us[ICTUS_SUB_KINDS][ICTUS_SUB_BINS]; /* and ends, µs from the tile's start */
    float v[ICTUS_N_FEATURES];          /* every feature of the frame (NaN where not
                                           computable), for the learned stage */
} ictus_chan_win;

/* Artefacts that make a window no evidence for or against anything. */
#define ICTUS_DEAD_FLAGS (ICTUS_ART_GAP | ICTUS_ART_FLAT)
/* Artefacts that keep a window from starting an event.  `extreme` is not
 * one of them: the strongest seizures exceed 25 baseline SDs too (Bonn set
 * E does), and the electrode pops it catches are too short to last
 * min_duration_s.  Nor is `emg` (see detector.h). */
#define ICTUS_DIRTY_FLAGS (ICTUS_DEAD_FLAGS | ICTUS_ART_CLIP)

#endif
