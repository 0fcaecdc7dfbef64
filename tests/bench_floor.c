/* bench_floor.c: the benchmark's floor, the two things `ictus features`
 * cannot avoid doing, each timed on its own (CPU time of this thread, user
 * + sys, which includes the kernel's copy of the page cache):
 *   read: every sample of a recording read into floats through the
 *         project's reader, and nothing else (a checksum of each block's
 *         first and last samples keeps it from being optimised away without
 *         a pass over the data);
 *   fft:  the transforms ictus computes, and only them: with the default
 *         settings (pipeline/settings.h), one FFTW r2c per channel and
 *         window (win_s long, every hop_s) at the analysis rate (each
 *         channel taken every M-th sample, M = max(1, floor(fs /
 *         analysis_hz)), as the decimator does, without its filter), in
 *         double, with a plan made by FFTW_MEASURE (its planning time is
 *         printed apart, not in fft_s).  24 h of 4 channels at 1 kHz: 500
 *         points every 250, 345,600 transforms.
 * Each window is copied into an aligned batch outside the timed part, so
 * fft_s holds fftw_execute_dft_r2c() alone.  Memory stays a few blocks,
 * whatever the recording's length.
 * usage: bench_floor RECORDING
 * prints: samples=N read_s=S transforms=N fft_s=S plan_s=S checksum=X */
#include <fftw3.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/status.h"
#include "pipeline/settings.h"
#include "pipeline/source/source.h"

static double thread_cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One channel at the analysis rate: the samples not yet in a window. */
typedef struct {
    int m;            /* every m-th sample */
    int64_t next;     /* index (at the input rate) of the next sample to take */
    double *pending;  /* [n_pending], capacity cap */
    size_t n_pending, cap;
} channel_taps;

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: bench_floor RECORDING\n");
        return 2;
    }
    ictus_source *src;
    ictus_error err;
    if (ictus_source_open(argv[1], NULL, &src, &err) != ICTUS_OK) {
        fprintf(stderr, "bench_floor: %s\n", err.msg);
        return 1;
    }
    const ictus_recording_info *info = ictus_source_info(src);
    ictus_settings set;
    ictus_settings_default(&set);
    ictus_block *blk = ictus_block_create(src);
    int nc = info->n_channels;
    channel_taps *taps = calloc((size_t)(nc ? nc : 1), sizeof *taps);
    int win = 0, hop = 0; /* at the analysis rate of the first channel: all share it here */
    for (int c = 0; c < nc; c++) {
        int m = (int)floor(info->channels[c].fs_hz / set.analysis_hz);
        taps[c].m = m > 1 ? m : 1;
        double fs = info->channels[c].fs_hz / taps[c].m;
        if (c == 0) {
            win = (int)lround(set.win_s * fs);
            hop = (int)lround(set.hop_s * fs);
        }
        taps[c].cap = (size_t)win + (size_t)blk->capacity / (size_t)taps[c].m + 1;
        taps[c].pending = malloc(taps[c].cap * sizeof(double));
    }
    /* the batch: one block's windows of one channel, each at a 64-byte aligned stride */
    size_t stride = ((size_t)win + 7) / 8 * 8;
    size_t batch_cap = (size_t)blk->capacity / (size_t)(hop > 0 ? hop : 1) + 2;
    double *batch = fftw_malloc(batch_cap * stride * sizeof(double));
    fftw_complex *out = fftw_malloc(((size_t)win / 2 + 1) * sizeof(fftw_complex));
    double t0 = thread_cpu_s();
    fftw_plan plan = fftw_plan_dft_r2c_1d(win, batch, out, FFTW_MEASURE);
    double plan_s = thread_cpu_s() - t0;

    long long n = 0, transforms = 0;
    double sum = 0, read_s = 0, fft_s = 0;
    for (;;) {
        t0 = thread_cpu_s();
        ictus_status st = ictus_source_read(src, blk, &err);
        read_s += thread_cpu_s() - t0;
        if (st != ICTUS_OK) {
            fprintf(stderr, "bench_floor: %s\n", err.msg);
            return 1;
        }
        long long got = 0;
        for (int c = 0; c < nc; c++) {
            if (blk->n[c] > 0)
                sum += blk->samples[c][0] + blk->samples[c][blk->n[c] - 1];
            got += blk->n[c];
            channel_taps *t = &taps[c];
            int64_t first = blk->first_index[c], end = first + blk->n[c];
            if (t->next < first) { /* a gap: windows never span one */
                t->next = first;
                t->n_pending = 0;
            }
            for (; t->next < end; t->next += t->m)
                t->pending[t->n_pending++] = blk->samples[c][t->next - first];
            size_t k = 0, at = 0;
            for (; at + (size_t)win <= t->n_pending; at += (size_t)hop, k++)
                memcpy(batch + k * stride, t->pending + at, (size_t)win * sizeof(double));
            t0 = thread_cpu_s();
            for (size_t i = 0; i < k; i++)
                fftw_execute_dft_r2c(plan, batch + i * stride, out);
            fft_s += thread_cpu_s() - t0;
            sum += k ? out[0][0] : 0;
            transforms += (long long)k;
            memmove(t->pending, t->pending + at, (t->n_pending - at) * sizeof(double));
            t->n_pending -= at;
        }
        if (got == 0)
            break;
        n += got;
    }
    printf("samples=%lld read_s=%.3f transforms=%lld fft_s=%.3f plan_s=%.3f checksum=%g\n", n,
           read_s, transforms, fft_s, plan_s, sum);
    fftw_destroy_plan(plan);
    fftw_free(batch);
    fftw_free(out);
    for (int c = 0; c < nc; c++)
        free(taps[c].pending);
    free(taps);
    ictus_block_destroy(blk);
    ictus_source_close(src);
    return 0;
}
