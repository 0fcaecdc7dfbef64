/* window_time.h: every conversion the detector makes between window indices
 * and time, in one place.
 *
 * Window k starts k x hop_s after the recording start and lasts win_s; for
 * events it "stands for" its central hop, (k x hop_s + (win_s - hop_s) / 2)
 * to (k x hop_s + (win_s + hop_s) / 2), so consecutive windows tile the
 * timeline without overlap.  Times are µs from the recording start.  The
 * arithmetic is exactly the one every output was produced with; keep it so.
 */
#ifndef ICTUS_WINDOW_TIME_H
#define ICTUS_WINDOW_TIME_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    double hop_s; /* [features] hop_s, > 0 */
    double win_s; /* [features] win_s, >= hop_s */
} ictus_window_time;

/* Start and end (µs) of the stretch window k stands for in an event. */
int64_t ictus_wt_event_start_us(const ictus_window_time *t, int64_t k);
int64_t ictus_wt_event_end_us(const ictus_window_time *t, int64_t k);

/* Seconds from the start of window k_first's stretch to the end of k_last's. */
double ictus_wt_duration_s(const ictus_window_time *t, int64_t k_first, int64_t k_last);

/* Whether window k's stretch starts span_s or more after k_last's ends. */
bool ictus_wt_after(const ictus_window_time *t, int64_t k, int64_t k_last, double span_s);

/* The minute (from the recording start) window k's centre falls in. */
int64_t ictus_wt_minute(const ictus_window_time *t, int64_t k);

/* Start (µs) of window k itself, and a window's length (µs). */
int64_t ictus_wt_window_start_us(const ictus_window_time *t, int64_t k);
int64_t ictus_wt_window_us(const ictus_window_time *t);

/* Whether window k starts more than span_s after time since_us (µs). */
bool ictus_wt_starts_beyond(const ictus_window_time *t, int64_t k, int64_t since_us,
                            double span_s);

/* Whether n consecutive windows cover span_s (merge gap, end hold). */
bool ictus_wt_windows_cover(const ictus_window_time *t, int64_t n, double span_s);

/* Windows in `minutes` minutes, rounded up (the lookahead). */
int64_t ictus_wt_windows_in_min(const ictus_window_time *t, double minutes);

/* A duration in seconds (a parameter) as µs, rounded. */
int64_t ictus_wt_us(double seconds);

#endif
