/* window_time.c: the detector's window-index-to-time conversions. */
#include "detectors/window_time.h"

#include <math.h>

int64_t ictus_wt_event_start_us(const ictus_window_time *t, int64_t k)
{
    return (int64_t)llround((k * t->hop_s + (t->win_s - t->hop_s) / 2) * 1e6);
}

int64_t ictus_wt_event_end_us(const ictus_window_time *t, int64_t k)
{
    return (int64_t)llround((k * t->hop_s + (t->win_s + t->hop_s) / 2) * 1e6);
}

double ictus_wt_duration_s(const ictus_window_time *t, int64_t k_first, int64_t k_last)
{
    return (ictus_wt_event_end_us(t, k_last) - ictus_wt_event_start_us(t, k_first)) / 1e6;
}

bool ictus_wt_after(const ictus_window_time *t, int64_t k, int64_t k_last, double span_s)
{
    return ictus_wt_event_start_us(t, k) / 1e6 >= ictus_wt_event_end_us(t, k_last) / 1e6 + span_s;
}

int64_t ictus_wt_minute(const ictus_window_time *t, int64_t k)
{
    return (int64_t)floor((k * t->hop_s + t->win_s / 2) / 60.0);
}

int64_t ictus_wt_window_start_us(const ictus_window_time *t, int64_t k)
{
    return (int64_t)llround(k * t->hop_s * 1e6);
}

int64_t ictus_wt_window_us(const ictus_window_time *t)
{
    return (int64_t)llround(t->win_s * 1e6);
}

bool ictus_wt_starts_beyond(const ictus_window_time *t, int64_t k, int64_t since_us,
                            double span_s)
{
    return (ictus_wt_window_start_us(t, k) - since_us) / 1e6 > span_s;
}

bool ictus_wt_windows_cover(const ictus_window_time *t, int64_t n, double span_s)
{
    return n * t->hop_s >= span_s;
}

int64_t ictus_wt_windows_in_min(const ictus_window_time *t, double minutes)
{
    return (int64_t)ceil(minutes * 60 / t->hop_s);
}

int64_t ictus_wt_us(double seconds)
{
    return (int64_t)llround(seconds * 1e6);
}
