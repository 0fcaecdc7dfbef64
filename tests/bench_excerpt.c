/* bench_excerpt.c: how long the review UI waits for one event's signal: open a
 * recording, and read ±30 s of every channel around a point late in it into
 * 1200 (min, max) columns (pipeline/excerpt.h), filters off and on; and a
 * filtered spectrogram of its first channel over the same window.
 * usage: bench_excerpt RECORDING [ROUNDS]   prints the best of ROUNDS (default 5)
 * of each, in ms, and of the open alone (part of all), e.g. "raw_ms=58.1
 * filtered_ms=59.4 open_ms=55.0 spectrogram_ms=70.2 columns=1200 channels=4". */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "pipeline/excerpt.h"

/* The event sits this far before the end: late in the file, where a reader
 * that cannot seek would have read almost everything. */
#define BEFORE_END_US INT64_C(1800000000)
#define CONTEXT_US INT64_C(30000000)
#define COLUMNS 1200

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Open `path` and find the benchmark's event, BEFORE_END_US before its end;
 * false (the error printed) when it cannot be opened. */
static bool open_at_event(const char *path, ictus_source **src, int64_t *event_us)
{
    ictus_error err;
    if (ictus_source_open(path, NULL, src, &err) != ICTUS_OK) {
        fprintf(stderr, "bench_excerpt: %s\n", err.msg);
        return false;
    }
    *event_us = ictus_source_info(*src)->duration_us - BEFORE_END_US;
    return true;
}

/* One open + excerpt + close; returns its time in ms (and the open's in
 * *open_ms), or -1 on error. */
static double one(const char *path, const ictus_settings *filters, int *n_channels, double *open_ms)
{
    double t = now_ms();
    ictus_source *src;
    int64_t event;
    if (!open_at_event(path, &src, &event))
        return -1;
    *open_ms = now_ms() - t;
    ictus_error err;
    ictus_excerpt_request req = {.t0_us = event - CONTEXT_US, .t1_us = event + CONTEXT_US,
                                 .width = COLUMNS, .filters = filters};
    ictus_excerpt *ex;
    ictus_status st = ictus_excerpt_read(src, &req, &ex, &err);
    ictus_source_close(src);
    if (st != ICTUS_OK) {
        fprintf(stderr, "bench_excerpt: %s\n", err.msg);
        return -1;
    }
    t = now_ms() - t;
    *n_channels = ex->n_channels;
    for (int c = 0; c < ex->n_channels; c++)
        for (int j = 0; j < ex->width; j++)
            if (isnan(ex->channels[c].min[j])) {
                fprintf(stderr, "bench_excerpt: channel %d column %d is a gap\n", c, j);
                t = -1;
            }
    ictus_excerpt_free(ex);
    return t;
}

/* One open + spectrogram of channel 0 (SPECTRO_ROWS PSDs of SPECTRO_FFT
 * samples over the same window, filtered) + close, in ms, or -1 on error. */
static double one_spectrogram(const char *path, const ictus_settings *filters)
{
    enum { SPECTRO_ROWS = 600, SPECTRO_FFT = 512 };
    double t = now_ms();
    ictus_source *src;
    int64_t event;
    if (!open_at_event(path, &src, &event))
        return -1;
    ictus_error err;
    ictus_spectrogram_request req = {event - CONTEXT_US, event + CONTEXT_US, 0, SPECTRO_ROWS,
                                     SPECTRO_FFT, 0, filters};
    ictus_spectrogram *sg;
    ictus_status st = ictus_spectrogram_read(src, &req, &sg, &err);
    ictus_source_close(src);
    if (st != ICTUS_OK) {
        fprintf(stderr, "bench_excerpt: %s\n", err.msg);
        return -1;
    }
    ictus_spectrogram_free(sg);
    return now_ms() - t;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: bench_excerpt RECORDING [ROUNDS]\n");
        return 2;
    }
    int rounds = argc == 3 ? atoi(argv[2]) : 5;
    ictus_settings set;
    ictus_settings_default(&set);
    double raw = 1e9, filtered = 1e9, open = 1e9, spectro = 1e9, o;
    int n_channels = 0;
    for (int r = 0; r < (rounds > 0 ? rounds : 1); r++) {
        double a = one(argv[1], NULL, &n_channels, &o);
        open = o < open ? o : open;
        double b = one(argv[1], &set, &n_channels, &o);
        double g = one_spectrogram(argv[1], &set);
        if (a < 0 || b < 0 || g < 0)
            return 1;
        spectro = g < spectro ? g : spectro;
        raw = a < raw ? a : raw;
        filtered = b < filtered ? b : filtered;
    }
    printf("raw_ms=%.1f filtered_ms=%.1f open_ms=%.1f spectrogram_ms=%.1f columns=%d channels=%d\n",
           raw, filtered, open, spectro, COLUMNS, n_channels);
    return 0;
}
