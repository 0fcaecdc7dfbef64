/* grid.h: the one window grid of a recording: window k <-> times in integer
 * microseconds and sample indices, and the analysable-time buckets.
 *
 * Every module that turns a window index into time uses this, so the framer,
 * the QC, the detector, the store and the outputs cannot disagree.
 *
 * Times are int64 microseconds from the recording start (t = 0 at its first
 * sample).  With hop = hop_us and win = win_us:
 *
 *   window k spans   [k hop, k hop + win)                  start_us, end_us
 *   its centre       k hop + floor(win / 2)                centre_us
 *   it stands for    [k hop + floor((win - hop) / 2), + hop)   tile_start_us,
 *                                                          tile_end_us
 *
 * The tile (the central hop a window stands for) is what a window credits to
 * analysable time and where a detected event starts or ends.  Consecutive
 * tiles meet exactly (tile_end(k) == tile_start(k + 1)), so windows add up
 * to time without gaps or double counting, whatever hop and win are.
 *
 * Samples: at rate fs_hz, window k's first sample is
 * a_k = llround(k * (hop_s * fs_hz)) and it holds n = lround(win_s * fs_hz)
 * samples, with hop_s = hop_us / 1e6 and win_s = win_us / 1e6 as doubles.
 * ictus_grid_init() accepts only settings that are a whole number of
 * microseconds, so hop_us / 1e6 is exactly the double that was parsed
 * (any decimal with at most 6 decimals): channels at different rates line
 * up in time, and a window's samples are those of today's settings.
 *
 * Analysable-time buckets: ICTUS_GRID_BUCKET_US long from the recording
 * start; bucket b is [b B, (b + 1) B) cut at the recording's end, so the
 * last one may be shorter.  A window's tile is split exactly over the
 * buckets it overlaps (ictus_grid_tile_split()), so a bucket never holds
 * more clean time than its length.
 *
 * An ictus_grid is a plain value: no allocation, nothing to destroy, copy it
 * freely.  Every function here is pure and thread-safe.
 */
#ifndef ICTUS_GRID_H
#define ICTUS_GRID_H

#include <stdint.h>

#include "base/status.h"

/* Length of an analysable-time bucket: 60 s. */
#define ICTUS_GRID_BUCKET_US (INT64_C(60) * 1000000)
/* Longest hop and window ictus_grid_init() accepts: 600 s (the settings'
 * upper bound). */
#define ICTUS_GRID_MAX_US (INT64_C(600) * 1000000)
/* Most buckets one tile can overlap: a tile of at most ICTUS_GRID_MAX_US,
 * a whole number of buckets, starting inside a bucket. */
#define ICTUS_GRID_MAX_SHARES ((int)(ICTUS_GRID_MAX_US / ICTUS_GRID_BUCKET_US) + 1)

typedef struct {
    int64_t hop_us;   /* step between window starts, 1 .. ICTUS_GRID_MAX_US */
    int64_t win_us;   /* window length, hop_us .. ICTUS_GRID_MAX_US */
} ictus_grid;

/* The part of a window's tile inside one bucket. */
typedef struct {
    int64_t bucket;   /* bucket index, >= 0 */
    int64_t us;       /* microseconds of the tile inside the bucket, > 0 */
} ictus_grid_share;

/* Make the grid of [features] hop_s and win_s (seconds).  Fails with
 * ICTUS_ERR_CONFIG, naming the setting, when either is not finite and > 0,
 * is longer than ICTUS_GRID_MAX_US, is not a whole number of microseconds
 * (hop_us / 1e6 != hop_s), or when hop_s > win_s (samples would be
 * skipped).  *g is written only on success. */
ictus_status ictus_grid_init(ictus_grid *g, double hop_s, double win_s, ictus_error *err);

/* ---- window k <-> time (k >= 0; results in µs from the recording start) */

static inline int64_t ictus_grid_start_us(const ictus_grid *g, int64_t k)
{
    return k * g->hop_us;
}
static inline int64_t ictus_grid_end_us(const ictus_grid *g, int64_t k)
{
    return k * g->hop_us + g->win_us;
}
/* Rounded down to a whole µs when win_us is odd. */
static inline int64_t ictus_grid_centre_us(const ictus_grid *g, int64_t k)
{
    return k * g->hop_us + g->win_us / 2;
}
/* Where window k's tile starts: a detected event's start when k is its
 * first window.  Rounded down to a whole µs when win_us - hop_us is odd. */
static inline int64_t ictus_grid_tile_start_us(const ictus_grid *g, int64_t k)
{
    return k * g->hop_us + (g->win_us - g->hop_us) / 2;
}
/* Where window k's tile ends (== tile_start_us(k + 1)): a detected event's
 * end when k is its last window. */
static inline int64_t ictus_grid_tile_end_us(const ictus_grid *g, int64_t k)
{
    return ictus_grid_tile_start_us(g, k) + g->hop_us;
}
/* The minute (from the recording start, >= 0) holding window k's centre. */
static inline int64_t ictus_grid_centre_minute(const ictus_grid *g, int64_t k)
{
    return ictus_grid_centre_us(g, k) / (INT64_C(60) * 1000000);
}
/* Windows needed to cover `us` (>= 0) of hops: ceil(us / hop_us). */
static inline int64_t ictus_grid_windows_for_us(const ictus_grid *g, int64_t us)
{
    return (us + g->hop_us - 1) / g->hop_us;
}

/* ---- window k <-> samples at a rate fs_hz (> 0, finite) */

/* Window length in samples: lround(win_s * fs_hz). */
int64_t ictus_grid_window_samples(const ictus_grid *g, double fs_hz);
/* Hop in samples, hop_s * fs_hz; need not be whole. */
double ictus_grid_hop_samples(const ictus_grid *g, double fs_hz);
/* Index of window k's first sample: llround(k * (hop_s * fs_hz)). */
int64_t ictus_grid_first_sample(const ictus_grid *g, double fs_hz, int64_t k);
/* The first window whose samples reach beyond index i (>= 0), i.e. the
 * smallest k >= 0 with first_sample(k) + window_samples > i: the first
 * window that may still hold sample i or a later one. */
int64_t ictus_grid_first_window_ending_after(const ictus_grid *g, double fs_hz, int64_t i);

/* ---- analysable-time buckets */

/* Buckets of a recording of duration_us: ceil(duration_us / bucket), 0 when
 * duration_us <= 0. */
int64_t ictus_grid_n_buckets(int64_t duration_us);
/* Length in µs of bucket b of a recording of duration_us: the bucket cut at
 * the recording's end; 0 when b lies outside it. */
int64_t ictus_grid_bucket_len_us(int64_t b, int64_t duration_us);
/* The bucket holding time t_us (>= 0). */
static inline int64_t ictus_grid_bucket_of(int64_t t_us)
{
    return t_us / ICTUS_GRID_BUCKET_US;
}

/* Split window k's tile, cut to the recording [0, duration_us), over the
 * buckets it overlaps: fills out[0..n) in increasing bucket order and
 * returns n (0 .. ICTUS_GRID_MAX_SHARES).  The shares sum to the tile's
 * length inside the recording (hop_us for a tile wholly inside it); a share
 * never exceeds its bucket's length, and the shares of consecutive windows
 * tile time without gap or overlap. */
int ictus_grid_tile_split(const ictus_grid *g, int64_t k, int64_t duration_us,
                          ictus_grid_share out[ICTUS_GRID_MAX_SHARES]);

#endif
