/* test_chain.c: the chain and framer: window grid, gaps, invalid samples,
 * streaming invariance (random block sizes give bit-identical frames), and
 * several chains pushed at once (ictus_chain_push_lanes) giving each
 * chain's frames bit for bit. */
#include "pipeline/chain.h"

#include <stdlib.h>

#include "tests/check.h"
#include "pipeline/source/source.h"
#include "base/vec.h"

typedef struct {
    ictus_frame *frames;
    int n, cap;
} frame_list;

static void collect(void *ctx, const ictus_frame *frame)
{
    frame_list *l = ctx;
    ICTUS_GROW(l->frames, l->n + 1, l->cap);
    l->frames[l->n++] = *frame;
}

static uint64_t rng = 12345;
static double uniform(void)
{
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(rng >> 11) / 9007199254740992.0;
}

/* A test signal: 10 Hz sine, noise, a DC offset and 50 Hz hum. */
static float *make_signal(int64_t n, double fs_hz)
{
    float *x = malloc((size_t)n * sizeof(float));
    for (int64_t i = 0; i < n; i++) {
        double t = (double)i / fs_hz;
        x[i] = (float)(500.0 + 40.0 * sin(2 * M_PI * 10.0 * t) + 10.0 * sin(2 * M_PI * 50.0 * t) +
                       20.0 * (uniform() - 0.5));
    }
    return x;
}

/* Run segments [starts[i], starts[i] + lens[i]) of x (indices on x) through
 * a chain, cutting each into blocks of random size when `random_blocks`. */
static frame_list run_chain(const ictus_settings *set, double fs_hz, const float *x,
                            const uint8_t *flags, const int64_t *starts, const int64_t *lens,
                            int n_segments, bool random_blocks)
{
    frame_list l = {0};
    ictus_chain *ch;
    ictus_error err;
    if (ictus_chain_create(set, 0, fs_hz, &ch, &err) != ICTUS_OK) {
        CHECK_MSG(false, "chain_create: %s", err.msg);
        return l;
    }
    for (int s = 0; s < n_segments; s++) {
        int64_t done = 0;
        while (done < lens[s]) {
            int64_t m = random_blocks ? 1 + (int64_t)(uniform() * 3000) : lens[s];
            if (uniform() < 0.05)
                m = 1;
            if (m > lens[s] - done)
                m = lens[s] - done;
            int64_t i = starts[s] + done;
            ictus_chain_push(ch, x + i, flags + i, (size_t)m, i, collect, &l);
            done += m;
        }
    }
    ictus_chain_finish(ch, collect, &l);
    CHECK(ictus_chain_progress(ch) == INT64_MAX);
    ictus_chain_destroy(ch);
    return l;
}

static bool frames_identical(const frame_list *a, const frame_list *b)
{
    return a->n == b->n && memcmp(a->frames, b->frames, (size_t)a->n * sizeof(ictus_frame)) == 0;
}

static void check_grid_and_invariance(double fs_hz)
{
    ictus_settings set;
    ictus_settings_default(&set);
    int64_t n = (int64_t)(60 * fs_hz);
    float *x = make_signal(n, fs_hz);
    uint8_t *flags = calloc((size_t)n, 1);
    int64_t start = 0;
    frame_list one = run_chain(&set, fs_hz, x, flags, &start, &n, 1, false);
    /* 60 s, 2 s windows, 1 s hop: windows 0..58 end within the recording */
    CHECK_INT(one.n, 59);
    for (int i = 0; i < one.n; i++) {
        CHECK_INT(one.frames[i].window, i);
        CHECK_INT(one.frames[i].artefact & ICTUS_ART_GAP, 0);
    }
    for (int trial = 0; trial < 3; trial++) {
        frame_list rnd = run_chain(&set, fs_hz, x, flags, &start, &n, 1, true);
        CHECK_MSG(frames_identical(&one, &rnd), "fs %g: random blocks change the frames (%d vs %d)",
                  fs_hz, one.n, rnd.n);
        free(rnd.frames);
    }
    free(one.frames);
    free(x);
    free(flags);
}

/* 250 Hz, data [0, 10000) and [12500, 25000): a 10 s gap. */
static void check_gap_windows(double fs_hz, int decim)
{
    ictus_settings set;
    ictus_settings_default(&set);
    int64_t n = 25000 * decim;
    float *x = make_signal(n, fs_hz);
    uint8_t *flags = calloc((size_t)n, 1);
    int64_t starts[2] = {0, 12500 * decim}, lens[2] = {10000 * decim, 12500 * decim};
    frame_list one = run_chain(&set, fs_hz, x, flags, starts, lens, 2, false);
    frame_list rnd = run_chain(&set, fs_hz, x, flags, starts, lens, 2, true);
    CHECK(frames_identical(&one, &rnd));
    /* windows 0..38 whole, 39 straddles the gap start, 40..48 inside the
     * gap (no frame), 49 straddles the gap end, 50..98 whole */
    CHECK_INT(one.n, 40 + 50);
    for (int i = 0; i < one.n; i++) {
        int64_t k = one.frames[i].window;
        bool gap = one.frames[i].artefact & ICTUS_ART_GAP;
        CHECK_MSG(k < 40 || k >= 49, "window %lld inside the gap was emitted", (long long)k);
        CHECK_MSG(gap == (k == 39 || k == 49), "window %lld gap flag %d", (long long)k, gap);
        if (gap)
            CHECK(isnan(one.frames[i].v[ICTUS_F_RMS]));
    }
    free(one.frames);
    free(rnd.frames);
    free(x);
    free(flags);
}

/* An invalid sample (ICTUS_SAMPLE_MISSING) makes the windows holding it gap windows. */
static void check_missing_sample(void)
{
    ictus_settings set;
    ictus_settings_default(&set);
    int64_t n = 250 * 20;
    float *x = make_signal(n, 250);
    uint8_t *flags = calloc((size_t)n, 1);
    flags[2600] = ICTUS_SAMPLE_MISSING; /* t = 10.4 s: inside windows 9 and 10 */
    int64_t start = 0;
    frame_list l = run_chain(&set, 250, x, flags, &start, &n, 1, false);
    CHECK_INT(l.n, 19);
    for (int i = 0; i < l.n; i++) {
        bool gap = l.frames[i].artefact & ICTUS_ART_GAP;
        CHECK_MSG(gap == (l.frames[i].window == 9 || l.frames[i].window == 10),
                  "window %lld gap %d", (long long)l.frames[i].window, gap);
    }
    free(l.frames);
    free(x);
    free(flags);
}

/* Degenerate input: nothing pushed, one sample, shorter than a window. */
static void check_degenerate(void)
{
    ictus_settings set;
    ictus_settings_default(&set);
    float x[10] = {0};
    uint8_t flags[10] = {0};
    int64_t start = 0, n0 = 0, n1 = 1, n10 = 10;
    frame_list l = run_chain(&set, 250, x, flags, &start, &n0, 1, false);
    CHECK_INT(l.n, 0);
    l = run_chain(&set, 250, x, flags, &start, &n1, 1, false);
    CHECK_INT(l.n, 0);
    l = run_chain(&set, 250, x, flags, &start, &n10, 1, false);
    CHECK_INT(l.n, 0);
    free(l.frames);

    set.win_s = set.hop_s = 0.01; /* 2.5 samples at 250 Hz: refused */
    ictus_chain *ch;
    ictus_error err;
    CHECK(ictus_chain_create(&set, 0, 250, &ch, &err) == ICTUS_ERR_CONFIG);
    CHECK(strstr(err.msg, "window") != NULL);
}

/* Non-integer rate: windows of round(2 * 173.61) = 347 samples, hops of 173 or 174. */
static void check_noninteger_rate(void)
{
    ictus_settings set;
    ictus_settings_default(&set);
    ictus_chain *ch;
    ictus_error err;
    CHECK(ictus_chain_create(&set, 0, 173.61, &ch, &err) == ICTUS_OK);
    CHECK_INT(ictus_chain_window_samples(ch), 347);
    CHECK_INT(ictus_chain_decimation(ch), 1);
    ictus_chain_destroy(ch);
    CHECK(ictus_chain_create(&set, 0, 1000, &ch, &err) == ICTUS_OK);
    CHECK_INT(ictus_chain_decimation(ch), 4);
    CHECK_NEAR(ictus_chain_analysis_hz(ch), 250.0, 0, 1e-12);
    ictus_chain_destroy(ch);
    check_grid_and_invariance(173.61);
}

/* ictus_chain_push_lanes() against ictus_chain_push() on each chain, bit
 * for bit: channels at 1 kHz and 500 Hz (the same stages with different
 * coefficients, side by side) and one at 250 Hz (other stages: channel by
 * channel), pushes of different lengths per channel (0 included), a gap
 * in some channels, flags. */
static void check_push_lanes(void)
{
    enum { K = 6 };
    static const double rates[K] = {1000, 1000, 500, 1000, 1000, 250};
    ictus_settings set;
    ictus_settings_default(&set);
    for (int trial = 0; trial < 3; trial++) {
        /* trial 0: four 1 kHz channels (the common case); 1: 1 kHz and
         * 500 Hz side by side; 2: all six, the 250 Hz one among them. */
        int k = trial == 0 ? 4 : trial == 1 ? 3 : K;
        int chan[K];
        for (int c = 0, j = 0; c < K && j < k; c++)
            if (trial != 0 || rates[c] == 1000)
                chan[j++] = c;
        ictus_chain *lanes[K], *alone[K];
        frame_list fl[K] = {{0}}, fa[K] = {{0}};
        float *x[K];
        uint8_t *flags[K];
        int64_t len[K], pos[K];
        ictus_error err;
        for (int j = 0; j < k; j++) {
            double fs = rates[chan[j]];
            len[j] = (int64_t)(90 * fs);
            pos[j] = 0;
            x[j] = make_signal(len[j], fs);
            flags[j] = calloc((size_t)len[j], 1);
            for (int64_t i = 0; i < len[j]; i += 1 + (int64_t)(uniform() * 20000))
                flags[j][i] = ICTUS_SAMPLE_CLIP;
            CHECK(ictus_chain_create(&set, j, fs, &lanes[j], &err) == ICTUS_OK);
            CHECK(ictus_chain_create(&set, j, fs, &alone[j], &err) == ICTUS_OK);
        }
        for (int step = 0;; step++) {
            const float *px[K];
            const uint8_t *pf[K];
            size_t pn[K];
            int64_t first[K];
            void *ctx[K];
            bool any = false;
            for (int j = 0; j < k; j++) {
                double fs = rates[chan[j]];
                /* a second's block, sometimes less or nothing; channel 1
                 * skips 7 s at step 30 (a gap) */
                int64_t m = uniform() < 0.15 ? (int64_t)(uniform() * fs) : (int64_t)fs;
                if (j == 1 && step == 30)
                    pos[j] += (int64_t)(7 * fs);
                if (pos[j] > len[j])
                    pos[j] = len[j];
                if (m > len[j] - pos[j])
                    m = len[j] - pos[j];
                px[j] = x[j] + pos[j];
                pf[j] = flags[j] + pos[j];
                pn[j] = (size_t)m;
                first[j] = pos[j];
                ctx[j] = &fl[j];
                ictus_chain_push(alone[j], px[j], pf[j], pn[j], first[j], collect, &fa[j]);
                pos[j] += m;
                any |= m > 0;
            }
            if (!any)
                break;
            ictus_chain_push_lanes(lanes, k, px, pf, pn, first, collect, ctx);
        }
        for (int j = 0; j < k; j++) {
            ictus_chain_finish(lanes[j], collect, &fl[j]);
            ictus_chain_finish(alone[j], collect, &fa[j]);
            CHECK(fa[j].n > 80);
            CHECK_MSG(frames_identical(&fl[j], &fa[j]),
                      "trial %d: channel %d (%g Hz) pushed in lanes differs (%d vs %d frames)",
                      trial, j, rates[chan[j]], fl[j].n, fa[j].n);
            ictus_chain_destroy(lanes[j]);
            ictus_chain_destroy(alone[j]);
            free(fl[j].frames);
            free(fa[j].frames);
            free(x[j]);
            free(flags[j]);
        }
    }
}

int main(void)
{
    check_grid_and_invariance(250);
    check_grid_and_invariance(1000);
    check_gap_windows(250, 1);
    check_gap_windows(1000, 4);
    check_missing_sample();
    check_degenerate();
    check_noninteger_rate();
    check_push_lanes();
    return check_done("test_chain");
}
