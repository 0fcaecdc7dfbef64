/* excerpt.h: a stretch of a recording's channels reduced to screen columns, for the review UI.
 *
 * An excerpt is the window [t0_us, t1_us) of some channels, read through the
 * source layer (any format; the source is sought to the window, not read
 * from the start) and reduced to `width` columns of (min, max) per channel:
 * the min/max decimation that keeps every spike visible however many
 * samples fall into a column.  A column that holds no sample (an EDF+D gap,
 * before the start or past the end of the recording, or a column narrower
 * than the sample spacing) is a gap: its min and max are NaN.  Samples
 * flagged ICTUS_SAMPLE_MISSING count as no sample.
 *
 * Columns: column j covers [t0 + floor(j * (t1 - t0) / width),
 * t0 + floor((j + 1) * (t1 - t0) / width)) µs from the recording's start;
 * sample i of a channel at fs_hz lies at i * 1e6 / fs_hz µs (source.h's
 * timeline) and belongs to the column whose span holds that instant.
 *
 * Filters: with `filters` set, each channel runs through the high-pass and
 * notch stages (pipeline/dsp/stage.h) of those settings at the channel's
 * own rate (no decimation), starting ICTUS_EXCERPT_LEAD_US before t0 (or at
 * the recording's start, or after a gap, where the stages reset as in the
 * analysis chain) so that the filters have settled inside the window.
 *
 * Spectrograms (below): one channel of the same window as a time ×
 * frequency power matrix in dB.
 *
 * Lifecycle: ictus_excerpt_read() (an open source) or ictus_excerpt_file()
 * (a path) → read the result → ictus_excerpt_free(); likewise
 * ictus_spectrogram_read() → ictus_spectrogram_free().
 * Thread safety: as the source (one thread per source); excerpts are plain data.
 */
#ifndef ICTUS_EXCERPT_H
#define ICTUS_EXCERPT_H

#include <stdbool.h>
#include <stdint.h>

#include "pipeline/settings.h"
#include "pipeline/source/source.h"
#include "base/status.h"

/* How far before t0 the filters start: 10 s, over twenty time constants of
 * a 0.5 Hz order-2 high-pass and of a Q 30 notch at 50 Hz. */
#define ICTUS_EXCERPT_LEAD_US INT64_C(10000000)

/* Most columns one excerpt may have (a screen is a few thousand pixels). */
#define ICTUS_EXCERPT_MAX_WIDTH 100000

/* What to read; zero-initialise and set what you need. */
typedef struct {
    int64_t t0_us, t1_us;     /* the window in µs from info.start_us; t0_us < t1_us; either may
                                 lie outside the recording (those columns are gaps) */
    int width;                /* columns, 1..ICTUS_EXCERPT_MAX_WIDTH */
    const int *channels;      /* n_channels 0-based channel indices of the source (repeats
                                 allowed), or NULL for every channel in order */
    int n_channels;
    const ictus_settings *filters; /* NULL: raw samples; else the high-pass and notch of these
                                      settings (a preset's), which must outlive the call */
} ictus_excerpt_request;

/* One channel's columns. */
typedef struct {
    char label[ICTUS_LABEL_MAX];
    char unit[16];            /* "uV" for voltage channels (values in µV), else the stored unit */
    double fs_hz;             /* the channel's sampling rate */
    float *min, *max;         /* [width]: each column's extremes; NaN in a gap column */
    int64_t n_samples;        /* samples that fell into the window */
} ictus_excerpt_channel;

typedef struct {
    int64_t start_us;         /* the recording's wall-clock start (info.start_us) */
    int64_t duration_us;      /* the recording's duration (info.duration_us) */
    int64_t t0_us, t1_us;     /* the window, as requested */
    int width;
    bool filtered;            /* the request had filters */
    int n_channels;
    ictus_excerpt_channel *channels; /* [n_channels], in the request's order */
} ictus_excerpt;

/* Read the excerpt `req` asks for from `src` (any position: it is sought;
 * afterwards its position is unspecified).  *out is caller-owned (free with
 * ictus_excerpt_free()); NULL on error.  Errors: ICTUS_ERR_CONFIG for a bad
 * request (window, width, channel index, or filter settings the stages
 * refuse at a channel's rate); the source's read errors. */
ictus_status ictus_excerpt_read(ictus_source *src, const ictus_excerpt_request *req,
                                ictus_excerpt **out, ictus_error *err);

/* Open `path` with `opt` (may be NULL; see source.h), read the excerpt, close. */
ictus_status ictus_excerpt_file(const char *path, const ictus_source_options *opt,
                                const ictus_excerpt_request *req, ictus_excerpt **out,
                                ictus_error *err);

void ictus_excerpt_free(ictus_excerpt *ex); /* NULL is a no-op */

/* ---- spectrograms ------------------------------------------------------
 * One channel of the window as a power matrix: for each of n_times columns
 * (spans as for excerpts), the PSD (pipeline/features/spectrum.h: Hann
 * window, mean removed, µV²/Hz) of the n_fft samples centred on the
 * column's middle instant: from sample m - n_fft/2, m the first sample at or
 * after it.  Samples are read (and filtered) as for excerpts. */

/* A PSD value of 0 (or below this level) is reported as this level, in dB
 * re 1 µV²/Hz, so that every number in the matrix is finite. */
#define ICTUS_SPECTROGRAM_FLOOR_DB (-120.0)

/* Most samples one spectrogram reads (64 MiB of floats): a window of about
 * 4.6 h at 1 kHz. */
#define ICTUS_SPECTROGRAM_MAX_SAMPLES (INT64_C(16) << 20)

typedef struct {
    int64_t t0_us, t1_us;     /* as for excerpts */
    int channel;              /* 0-based channel of the source */
    int n_times;              /* columns, 1..ICTUS_EXCERPT_MAX_WIDTH */
    int n_fft;                /* samples per PSD, 16..65536 */
    double max_hz;            /* keep bins at or below this frequency; 0: up to Nyquist */
    const ictus_settings *filters; /* as for excerpts */
} ictus_spectrogram_request;

typedef struct {
    char label[ICTUS_LABEL_MAX];
    double fs_hz;
    int64_t t0_us, t1_us;     /* the window, as requested */
    int n_times;              /* rows of db */
    int n_freq;               /* columns of db: bins 0..n_freq-1 */
    double df_hz;             /* bin k is the frequency k * df_hz = k * fs_hz / n_fft */
    float *db;                /* [n_times * n_freq], row t at db + t * n_freq: 10 log10 of the
                                 PSD in µV²/Hz, at least ICTUS_SPECTROGRAM_FLOOR_DB; a row is
                                 NaN when its samples are not all there (a gap, a missing
                                 sample, before the start or past the end) */
} ictus_spectrogram;

/* Compute the spectrogram `req` asks for from `src` (sought; afterwards its
 * position is unspecified).  *out is caller-owned (free with
 * ictus_spectrogram_free()); NULL on error.  Errors: ICTUS_ERR_CONFIG for a
 * bad request (window, n_times, n_fft, channel, max_hz < 0, more than
 * ICTUS_SPECTROGRAM_MAX_SAMPLES to read, filter settings the stages refuse);
 * the source's read errors. */
ictus_status ictus_spectrogram_read(ictus_source *src, const ictus_spectrogram_request *req,
                                    ictus_spectrogram **out, ictus_error *err);

void ictus_spectrogram_free(ictus_spectrogram *sg); /* NULL is a no-op */

#endif
