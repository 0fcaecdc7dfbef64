/* settings.h: the signal-conditioning, windowing, feature and artefact
 * settings of the engine, with DOMAIN.md's defaults.
 *
 * Every field is a setting a preset file or --config may override (section
 * and key given beside each field).  ictus_settings_describe() writes them
 * all out so that every output can record exactly what produced it.
 */
#ifndef ICTUS_SETTINGS_H
#define ICTUS_SETTINGS_H

#include <stddef.h>

#include "base/config.h"
#include "base/status.h"

typedef enum { ICTUS_WINDOW_HANN, ICTUS_WINDOW_HAMMING, ICTUS_WINDOW_RECT } ictus_window_kind;

/* A frequency band [lo_hz, hi_hz). */
typedef struct {
    double lo_hz, hi_hz;
} ictus_band;

typedef struct {
    /* [signal] */
    double analysis_hz;      /* analysis_hz: target analysis rate; a channel at fs is decimated by
                                M = max(1, floor(fs / analysis_hz)).  Default 250 Hz. */
    double highpass_hz;      /* highpass_hz: Butterworth high-pass corner, 0 = off.  Default 0.5 Hz. */
    int highpass_order;      /* highpass_order: even, 2..8.  Default 2. */
    double mains_hz;         /* mains_hz: notch fundamental (50 or 60), 0 = off.  Default 50 Hz. */
    double notch_q;          /* notch_q: quality factor of each notch.  Default 30. */
    int notch_harmonics;     /* notch_harmonics: how many multiples of mains_hz to notch (1 = the
                                fundamental only); only those below the analysis Nyquist.  Default 8. */
    double min_fs_hz;        /* min_fs_hz: channels sampled slower are not analysed.  Default 50 Hz. */
    double decimate_atten_db;/* decimate_atten_db: anti-alias stop-band attenuation.  Default 60 dB. */

    /* [features] */
    double win_s;            /* win_s: analysis window length.  Default 2 s. */
    double hop_s;            /* hop_s: step between windows.  Default 1 s. */
    ictus_window_kind window;/* window: hann | hamming | rect.  Default hann. */
    ictus_band total;        /* total_lo_hz, total_hi_hz: 1–100 Hz (capped at Nyquist) */
    ictus_band delta, theta, alpha, beta, gamma; /* <band>_lo_hz, <band>_hi_hz */
    double spike_k;          /* spike_k: spike threshold in baseline SDs.  Default 4. */
    double spike_refractory_s; /* spike_refractory_s: default 0.030 s. */
    int baseline_windows;    /* baseline_windows: windows in the running baseline (median of
                                window RMS and of EMG-band power).  Default 600 (10 min). */

    /* [artefact] */
    double clip_fraction;    /* clip_fraction: flag `clip` when at least this fraction of a
                                window's samples sit at the digital limits.  Default 0.01. */
    double flat_uv;          /* flat_uv: flag `flat` when the window's SD is below this.  Default 0.5 µV. */
    double extreme_sd;       /* extreme_sd: flag `extreme` when max|x| exceeds this many baseline
                                SDs.  Default 25. */
    ictus_band emg;          /* emg_lo_hz, emg_hi_hz: the muscle band, capped at the analysis
                                pass band.  Default 60–150 Hz. */
    double emg_rel_factor;   /* emg_rel_factor: flag `emg` when the EMG band's share of total
                                power exceeds this many times its running median ... */
    double emg_abs_factor;   /* emg_abs_factor: ... and its power this many times its median. */
} ictus_settings;

/* Fill `set` with the defaults above. */
void ictus_settings_default(ictus_settings *set);

/* Override from the [signal], [features] and [artefact] sections of `cfg`
 * (marking them used) and check consistency (hop_s and win_s make a window
 * grid, base/grid.h: whole microseconds, hop <= win; bands ordered).
 * Errors name the file and line of the offending entry. */
ictus_status ictus_settings_apply(ictus_settings *set, ictus_config *cfg, ictus_error *err);

/* Write every setting as `section.key=value` lines into buf (NUL-terminated,
 * truncated to size); returns the length it needed. */
size_t ictus_settings_describe(const ictus_settings *set, char *buf, size_t size);

/* The sections ictus_settings_apply() owns, NULL-terminated. */
extern const char *const ictus_settings_sections[];

#endif
