/* features.h: per-window features of one channel, and the feature registry.
 *
 * The framer (framer.c) cuts a channel's analysis-rate signal into windows
 * on the recording's grid (window k starts at k * hop_s from the start of
 * the file) and hands each complete window to every registered feature.
 * A feature is a static descriptor: the columns it fills, its private
 * state, and start / compute / stop.  Adding a feature means adding one file
 * and one line in the registry (features.c).
 *
 * Units (DESIGN.md, features.csv) do not depend on the sampling rate:
 * line length µV/s, RMS µV, Teager energy µV², Hjorth mobility Hz, spike
 * rate 1/s, powers µV² (one-sided PSD in µV²/Hz integrated over the band),
 * relative powers fractions, spectral entropy in [0, 1], SEF90 and peak Hz.
 * A value that cannot be computed is NaN (written as an empty field).
 */
#ifndef ICTUS_FEATURES_H
#define ICTUS_FEATURES_H

#include <stdbool.h>
#include <stdint.h>

#include "pipeline/settings.h"
#include "base/status.h"

/* The columns of features.csv after `recording,channel,start_s,artefact`,
 * in order.  Extra features may only be appended. */
typedef enum {
    ICTUS_F_LINE_LENGTH,
    ICTUS_F_RMS,
    ICTUS_F_TEAGER,
    ICTUS_F_HJORTH_MOBILITY,
    ICTUS_F_HJORTH_COMPLEXITY,
    ICTUS_F_SPIKE_RATE,
    ICTUS_F_POWER_TOTAL,
    ICTUS_F_POWER_DELTA,
    ICTUS_F_POWER_THETA,
    ICTUS_F_POWER_ALPHA,
    ICTUS_F_POWER_BETA,
    ICTUS_F_POWER_GAMMA,
    ICTUS_F_REL_DELTA,
    ICTUS_F_REL_THETA,
    ICTUS_F_REL_ALPHA,
    ICTUS_F_REL_BETA,
    ICTUS_F_REL_GAMMA,
    ICTUS_F_SPECTRAL_ENTROPY,
    ICTUS_F_SEF90,
    ICTUS_F_PEAK_FREQ,
    ICTUS_F_POWER_EMG,        /* extra: power in the EMG band (µV²), for the artefact logic */
    ICTUS_N_FEATURES
} ictus_feature_id;

/* Column names, indexed by ictus_feature_id. */
extern const char *const ictus_feature_names[ICTUS_N_FEATURES];

/* Artefact flags of a window (features.csv `artefact`, joined by '|'). */
enum {
    ICTUS_ART_CLIP = 1u << 0,    /* clip: samples at the digital limits */
    ICTUS_ART_FLAT = 1u << 1,    /* flat: near-zero variance (dropout, disconnected) */
    ICTUS_ART_EXTREME = 1u << 2, /* extreme: amplitude beyond extreme_sd baseline SDs */
    ICTUS_ART_EMG = 1u << 3,     /* emg: broadband high-frequency burst (grooming, chewing) */
    ICTUS_ART_GAP = 1u << 4,     /* gap: the window lacks samples (EDF+D gap, invalid values) */
    ICTUS_N_ART = 5
};
extern const char *const ictus_artefact_names[ICTUS_N_ART]; /* "clip", "flat", ... by bit */

/* Write the flags as `clip|emg` (empty when 0) into buf; returns buf. */
char *ictus_artefact_format(uint32_t flags, char *buf, size_t size);

/* Bins of a window's tile (the central hop it stands for, base/grid.h) in
 * the sub-window envelope: 8, so 0.125 s at the default 1 s hop. */
#define ICTUS_SUB_BINS 8
/* The two kinds of a bin's activity edges (ictus_frame sub_on_us, sub_off_us). */
enum { ICTUS_SUB_SPIKE, ICTUS_SUB_LL, ICTUS_SUB_KINDS };
/* A spike starts and ends where |x| falls below this fraction of the spike
 * threshold (spike_k baseline SDs), at most ICTUS_SPIKE_EDGE_MAX_S from its
 * peak (feat_subbins.c). */
#define ICTUS_SPIKE_EDGE_FRACTION 0.5
#define ICTUS_SPIKE_EDGE_MAX_S 0.1

/* One analysis window of one channel: the engine's output and the
 * detectors' input. */
typedef struct {
    int channel;          /* index into ictus_recording_info.channels */
    int64_t window;       /* k: the window starts k * hop_s after the recording start */
    uint32_t artefact;    /* ICTUS_ART_* */
    double v[ICTUS_N_FEATURES]; /* NaN where not computable (and all NaN in a gap window) */
    /* The sub-window envelope (feat_subbins.c; not a features.csv column):
     * the window's tile cut into ICTUS_SUB_BINS equal bins, consecutive
     * windows' bins tiling time; 0 in a gap window.  The detector finds
     * event edges in it, finer than the window grid. */
    float sub_ll[ICTUS_SUB_BINS];       /* line length of each bin, µV/s */
    uint8_t sub_spikes[ICTUS_SUB_BINS]; /* spikes (as spike_rate counts them) in each bin, <= 255 */
    /* Where each bin's activity begins and ends at the analysis rate, µs
     * from the tile's start (may lie outside the bin): [ICTUS_SUB_SPIKE]
     * its first spike's start and its last spike's end (0 and 0 without a
     * spike standing half the threshold from its local level),
     * [ICTUS_SUB_LL] where its line length rises and falls (feat_subbins.c). */
    int32_t sub_on_us[ICTUS_SUB_KINDS][ICTUS_SUB_BINS];
    int32_t sub_off_us[ICTUS_SUB_KINDS][ICTUS_SUB_BINS];
} ictus_frame;

/* Receives each frame; the frame is only valid during the call. */
typedef void (*ictus_frame_fn)(void *ctx, const ictus_frame *frame);

/* What a feature sees of one window.  Everything is computed once per
 * window by the framer and shared; the arrays belong to the framer and are
 * valid only during compute(). */
typedef struct {
    const double *x;       /* n filtered samples in µV, mean not removed */
    int n;
    double fs_hz;          /* analysis rate */
    double mean;           /* mean of x */
    const double *psd;     /* one-sided PSD in µV²/Hz, n_freq bins (Hann window by default,
                              mean removed), as scipy.signal.periodogram(scaling='density') */
    int n_freq;            /* n/2 + 1 */
    double df_hz;          /* bin spacing fs / n */
    int n_clipped;         /* samples flagged ICTUS_SAMPLE_CLIP */
    /* Running baselines over the previous baseline_windows windows of this
     * channel (NaN before the first): median window RMS and median EMG-band
     * power and share.  Updated by the framer after each window. */
    double baseline_rms;
    double baseline_emg_power;
    double baseline_emg_share;
    /* The time-domain sums (timedomain.c), computed once by the framer in
     * one fused pass and shared by the time-domain features; with
     * d[i] = x[i] − x[i−1] and dd[i] = d[i] − d[i−1]: */
    double sum_sq;        /* Σ x², i = 0 .. n−1 (mean not removed) */
    double ss_x;          /* Σ (x − mean)², i = 0 .. n−1 */
    double max_dev;       /* max |x − mean| */
    double sum_abs_d;     /* Σ |d[i]|, i = 1 .. n−1 */
    double ss_d;          /* Σ (d − mean_d)², i = 1 .. n−1, mean_d = (x[n−1] − x[0]) / (n−1) */
    double ss_dd;         /* Σ (dd − mean_dd)², i = 2 .. n−1, mean_dd = (d[n−1] − d[1]) / (n−2);
                             0 when n < 3 */
    double sum_teager;    /* Σ x[i]² − x[i−1]·x[i+1], i = 1 .. n−2; 0 when n < 3 */
    const double *abs_d;  /* [n]: |d[i]|, abs_d[0] = 0 */
    double spike_sigma;   /* the spikes' σ: baseline_rms when > 0, else √(sum_sq / n) */
    const int *peaks;     /* the spike candidates, ascending: every i in 1 .. n−2 where |x[i]|
                             is a local maximum (>= |x[i−1]|, > |x[i+1]|) above
                             spike_k · spike_sigma; none when spike_sigma is not > 0 */
    int n_peaks;
    /* The cumulative PSD, n_freq + 1 values: psd_cum[k] = psd[0] + ..
     * + psd[k-1] (ictus_psd_cumulate(), spectrum.h), so the power of bins
     * [a, b) is (psd_cum[b] − psd_cum[a]) · df_hz.  Computed once per
     * window and read by the band powers, the entropy and SEF90. */
    const double *psd_cum;
} ictus_window;

typedef struct ictus_feature ictus_feature;

typedef struct {
    const char *name;
    size_t priv_size;
    /* Prepare for windows of n samples at fs_hz; may allocate. NULL: nothing to do. */
    ictus_status (*start)(ictus_feature *f, const ictus_settings *set, int n, double fs_hz,
                          ictus_error *err);
    /* Fill the columns this feature owns in frame->v (and may set artefact
     * bits in frame->artefact). */
    void (*compute)(ictus_feature *f, const ictus_window *w, ictus_frame *frame);
    void (*stop)(ictus_feature *f); /* NULL: nothing to free */
} ictus_feature_desc;

struct ictus_feature {
    const ictus_feature_desc *desc;
    const ictus_settings *set;
    void *priv;
};

/* The registry, in the order compute() is called (artefact flags last, so
 * they can read the other columns). */
extern const ictus_feature_desc *const ictus_feature_registry[];
extern const int ictus_feature_registry_count;

#endif
