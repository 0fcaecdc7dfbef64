/* bench_filters.c: the cost of each sample stage on one 1 kHz channel with
 * the default settings (decimate by 4 to 250 Hz, high-pass, notch), in ns
 * per input sample at 1 kHz, fed in blocks of one second, best of three runs.
 * usage: bench_filters [SECONDS]   (default 3600: one channel-hour) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "pipeline/dsp/stage.h"

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Run n samples of x through st in blocks of `block`; returns the seconds
 * spent and writes the outputs to y (room for all of them). */
static double run_stage(ictus_stage *st, const float *x, const uint8_t *xf, size_t n,
                        size_t block, float *y, uint8_t *yf, size_t *n_made)
{
    int64_t out_index;
    double t0 = now_s();
    st->desc->reset(st, 0, &out_index);
    size_t made = 0;
    for (size_t pos = 0; pos < n;) {
        size_t n_in = n - pos < block ? n - pos : block, n_out = block + 64;
        st->desc->process(st, x + pos, xf + pos, &n_in, y + made, yf + made, &n_out);
        pos += n_in;
        made += n_out;
    }
    if (st->desc->drain) {
        size_t n_out = 64;
        st->desc->drain(st, y + made, yf + made, &n_out);
        made += n_out;
    }
    *n_made = made;
    return now_s() - t0;
}

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : 3600;
    const double fs_hz = 1000;
    size_t n = (size_t)(seconds * fs_hz);
    if (n == 0) {
        fprintf(stderr, "usage: bench_filters [SECONDS]\n");
        return 2;
    }
    ictus_settings set;
    ictus_settings_default(&set);
    float *a = ictus_xmalloc((n + 64) * sizeof *a), *b = ictus_xmalloc((n + 64) * sizeof *b);
    uint8_t *af = ictus_xcalloc(n + 64, 1), *bf = ictus_xcalloc(n + 64, 1);
    unsigned seed = 1;
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        a[i] = 1000.0f + (float)(seed >> 16) / 655.36f;
    }
    printf("%zu samples at %g Hz, blocks of 1 s\n", n, fs_hz);
    double fs = fs_hz, total_ns = 0;
    size_t n_cur = n;
    for (int s = 0; s < ictus_stage_registry_count; s++) {
        const ictus_stage_desc *desc = ictus_stage_registry[s];
        ictus_stage st = {.desc = desc, .priv = ictus_xcalloc(1, desc->priv_size), .fs_in_hz = fs};
        ictus_error err;
        if (desc->start(&st, &set, fs, &st.fs_out_hz, &err) != ICTUS_OK) {
            fprintf(stderr, "bench_filters: %s: %s\n", desc->name, err.msg);
            return 1;
        }
        char text[256];
        if (desc->describe)
            desc->describe(&st, text, sizeof text);
        else
            snprintf(text, sizeof text, "%s", desc->name);
        if (!st.bypass) {
            /* The best of three runs: the first also pays for touching the
             * output pages. */
            size_t made;
            double secs = INFINITY;
            for (int rep = 0; rep < 3; rep++)
                secs = fmin(secs, run_stage(&st, a, af, n_cur, (size_t)fs, b, bf, &made));
            double ns = secs * 1e9 / (double)n;
            total_ns += ns;
            printf("%-36s %7.3f ns per 1 kHz input sample (%.3f ns per own input)\n", text, ns,
                   secs * 1e9 / (double)n_cur);
            float *t = a;
            a = b;
            b = t;
            uint8_t *tf = af;
            af = bf;
            bf = tf;
            n_cur = made;
            fs = st.fs_out_hz;
        }
        if (desc->stop)
            desc->stop(&st);
        free(st.priv);
    }
    printf("%-36s %7.3f ns per 1 kHz input sample (last output %g)\n", "all stages", total_ns,
           n_cur ? a[n_cur - 1] : 0.0);
    free(a);
    free(b);
    free(af);
    free(bf);
    return 0;
}
