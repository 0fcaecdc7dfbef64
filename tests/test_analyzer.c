/* test_analyzer.c: a recording's windows do not depend on how the source
 * cuts it into blocks nor on the number of worker threads; each window
 * carries every channel's frame of it exactly once, windows in increasing
 * order (checked against each channel's chain run alone); gaps of an EDF+D
 * file and mixed rates come out on one window grid; five channels on 2 to 6
 * threads (groups of several channels, uneven, run by whichever thread is
 * free) give the frames of one thread.  With a formatter, each
 * frame's text comes beside it (formatted on whichever thread), and without
 * one there is none. */
#include "pipeline/analyzer.h"

#include <stdlib.h>
#include <unistd.h>

#include "tests/check.h"
#include "pipeline/source/edfwrite.h"
#include "base/walltime.h"
#include "base/vec.h"

#define PATH_D "build/test_analyzer_d.edf"
#define PATH_5 "build/test_analyzer_5.edf"

typedef struct {
    ictus_frame *v;
    int n, cap;
    int windows;        /* callbacks */
    int n_channels;     /* analysed channels every window must carry */
    int64_t last_k;     /* window of the previous callback, -1 before any */
    bool window_order;  /* every callback's window above the previous one */
    bool consistent;    /* frames carry their window, channel and flags; none empty */
    bool with_text;     /* the analyzer was given format_frame */
    bool text_ok;       /* each present frame's text is format_frame's of it (or none) */
} frames;

/* A frame as text: its window, channel, artefact flags and every value, in full. */
static void format_frame(void *ctx, const ictus_frame *f, ictus_out *o)
{
    ictus_out_int(o, f->window);
    ictus_out_char(o, ',');
    ictus_out_int(o, f->channel);
    ictus_out_char(o, ',');
    ictus_out_int(o, f->artefact);
    for (int i = 0; i < ICTUS_N_FEATURES; i++) {
        ictus_out_char(o, ',');
        ictus_out_double(o, f->v[i], 17);
    }
    ictus_out_char(o, '\n');
}

/* Whether text[0, n) is format_frame's text of f. */
static bool text_is(const char *text, size_t n, const ictus_frame *f)
{
    ictus_out want;
    ictus_out_init_mem(&want);
    format_frame(NULL, f, &want);
    bool same = want.len == n && memcmp(want.buf, text, n) == 0;
    ictus_error err;
    ictus_out_close(&want, &err);
    return same;
}

static void collect(void *ctx, const ictus_frame *f)
{
    frames *l = ctx;
    ICTUS_GROW(l->v, l->n + 1, l->cap);
    l->v[l->n++] = *f;
}

/* The window callback: check the window, then keep its frames in channel order. */
static void collect_window(void *ctx, const ictus_window_frames *w)
{
    frames *l = ctx;
    l->windows++;
    l->window_order &= w->window > l->last_k;
    l->last_k = w->window;
    int present = 0;
    l->consistent &= w->n_channels == l->n_channels;
    for (int i = 0; i < w->n_channels; i++) {
        if (!w->present[i]) {
            l->consistent &= w->artefact[i] == 0;
            continue;
        }
        present++;
        l->consistent &= w->frames[i].window == w->window && w->frames[i].channel == i &&
                         w->artefact[i] == w->frames[i].artefact;
        if (l->with_text)
            l->text_ok &= w->text && text_is(w->text[i], w->text_len[i], &w->frames[i]);
        collect(l, &w->frames[i]);
    }
    l->text_ok &= l->with_text || (!w->text && !w->text_len);
    l->consistent &= present > 0;
}

/* Channel c's frames from its chain run alone over the whole recording. */
static frames channel_alone(int c)
{
    frames l = {.last_k = -1, .window_order = true, .consistent = true};
    ictus_settings set;
    ictus_settings_default(&set);
    ictus_source_options opt = {0};
    ictus_source *src;
    ictus_chain *ch;
    ictus_error err;
    CHECK(ictus_source_open(PATH_D, &opt, &src, &err) == ICTUS_OK);
    CHECK(ictus_chain_create(&set, c, ictus_source_info(src)->channels[c].fs_hz, &ch, &err) ==
          ICTUS_OK);
    ictus_block *blk = ictus_block_create(src);
    while (ictus_source_read(src, blk, &err) == ICTUS_OK && blk->n[c] > 0)
        ictus_chain_push(ch, blk->samples[c], blk->flags[c], (size_t)blk->n[c],
                         blk->first_index[c], collect, &l);
    ictus_chain_finish(ch, collect, &l);
    ictus_block_destroy(blk);
    ictus_chain_destroy(ch);
    ictus_source_close(src);
    return l;
}

/* 20 min at 1000 Hz (HPC) and 250 Hz (CTX) in 1 s records; records 300..329
 * missing (a 30 s gap); one record offset by half a second after it. */
static void write_recording(void)
{
    ictus_edf_channel_spec ch[2] = {{"HPC", "uV", 1000, -5000, 5000, -32768, 32767},
                                    {"CTX", "uV", 250, -5000, 5000, -32768, 32767}};
    ictus_edf_layout layout = {.format = ICTUS_FORMAT_EDFPLUS_D,
                               .start_us = ictus_walltime_from_civil(2026, 1, 5, 8, 0, 0, 0),
                               .record_us = 1000000, .n_channels = 2, .channels = ch,
                               .patient = "m01"};
    ictus_edfwriter *w;
    ictus_error err;
    CHECK(ictus_edfwriter_create(PATH_D, &layout, &w, &err) == ICTUS_OK);
    float a[1000], b[250];
    uint64_t s = 99;
    int64_t offset = 0;
    for (int r = 0; r < 1200; r++) {
        if (r >= 300 && r < 330)
            continue;
        offset = (int64_t)r * 1000000 + (r >= 330 ? 500000 : 0);
        for (int i = 0; i < 1000; i++) {
            s = s * 6364136223846793005ull + 1442695040888963407ull;
            double t = r + i / 1000.0;
            a[i] = (float)(60 * sin(2 * M_PI * 7 * t) + (double)(s >> 40) / (1 << 24) * 40 - 20 +
                           (r % 97 < 20 ? 300 * pow(sin(2 * M_PI * 3 * t), 21) : 0));
            if (i % 4 == 0)
                b[i / 4] = (float)(0.5 * a[i] + 30 * sin(2 * M_PI * 2 * t));
        }
        const float *chans[2] = {a, b};
        CHECK(ictus_edfwriter_write(w, offset, chans, &err) == ICTUS_OK);
    }
    CHECK(ictus_edfwriter_close(w, &err) == ICTUS_OK);
}

/* 5 channels at 500 Hz, 6 min in 1 s records: with 2 to 4 threads the
 * groups hold several channels (IIR lanes) and uneven numbers of them. */
static void write_five(void)
{
    static const char *const labels[5] = {"HPC", "CTX", "HPC2", "CTX2", "EMG"};
    ictus_edf_channel_spec ch[5];
    for (int c = 0; c < 5; c++)
        ch[c] = (ictus_edf_channel_spec){labels[c], "uV", 500, -5000, 5000, -32768, 32767};
    ictus_edf_layout layout = {.format = ICTUS_FORMAT_EDFPLUS_C,
                               .start_us = ictus_walltime_from_civil(2026, 1, 5, 8, 0, 0, 0),
                               .record_us = 1000000, .n_channels = 5, .channels = ch,
                               .patient = "m05"};
    ictus_edfwriter *w;
    ictus_error err;
    CHECK(ictus_edfwriter_create(PATH_5, &layout, &w, &err) == ICTUS_OK);
    float x[5][500];
    uint64_t s = 7;
    for (int r = 0; r < 360; r++) {
        for (int c = 0; c < 5; c++)
            for (int i = 0; i < 500; i++) {
                s = s * 6364136223846793005ull + 1442695040888963407ull;
                double t = r + i / 500.0;
                x[c][i] = (float)(50 * sin(2 * M_PI * (3 + c) * t) +
                                  (double)(s >> 40) / (1 << 24) * 40 - 20 +
                                  (r % (31 + c) < 8 ? 250 * pow(sin(2 * M_PI * 5 * t), 15) : 0));
            }
        const float *chans[5] = {x[0], x[1], x[2], x[3], x[4]};
        CHECK(ictus_edfwriter_write(w, (int64_t)r * 1000000, chans, &err) == ICTUS_OK);
    }
    CHECK(ictus_edfwriter_close(w, &err) == ICTUS_OK);
}

static frames run_file(const char *path, int n_channels, int block_records, int threads,
                       bool with_text);

static frames run(int block_records, int threads, bool with_text)
{
    return run_file(PATH_D, 2, block_records, threads, with_text);
}

static frames run_file(const char *path, int n_channels, int block_records, int threads,
                       bool with_text)
{
    frames l = {.last_k = -1, .window_order = true, .consistent = true, .with_text = with_text,
                .text_ok = true, .n_channels = n_channels};
    ictus_settings set;
    ictus_settings_default(&set);
    ictus_source_options opt = {.block_records = block_records};
    ictus_source *src;
    ictus_analyzer *an;
    ictus_error err;
    if (ictus_source_open(path, &opt, &src, &err) != ICTUS_OK) {
        CHECK_MSG(false, "%s", err.msg);
        return l;
    }
    ictus_analyzer_options aopt = {.set = &set, .n_threads = threads,
                                   .format = with_text ? format_frame : NULL};
    CHECK(ictus_analyzer_create(src, &aopt, &an, &err) == ICTUS_OK);
    CHECK_INT(ictus_analyzer_channels(an), n_channels);
    CHECK(ictus_analyzer_run(an, collect_window, &l, &err) == ICTUS_OK);
    ictus_analyzer_destroy(an);
    ictus_source_close(src);
    return l;
}

int main(void)
{
    write_recording();
    frames ref = run(0, 1, false);
    CHECK(ref.window_order);
    CHECK(ref.consistent);
    CHECK_MSG(ref.text_ok, "no formatter, yet text");
    /* every channel's frames, each once: those of its chain run alone */
    for (int c = 0; c < 2; c++) {
        frames alone = channel_alone(c);
        int n = 0;
        bool same = true;
        for (int i = 0; i < ref.n; i++)
            if (ref.v[i].channel == c) {
                same &= n < alone.n && memcmp(&ref.v[i], &alone.v[n], sizeof ref.v[i]) == 0;
                n++;
            }
        CHECK_MSG(same && n == alone.n && n > 0, "channel %d: %d frames in windows, %d alone", c,
                  n, alone.n);
        free(alone.v);
    }
    /* order: increasing window, channels in source order within a window */
    bool ordered = true;
    for (int i = 1; i < ref.n; i++)
        ordered &= ref.v[i].window > ref.v[i - 1].window ||
                   (ref.v[i].window == ref.v[i - 1].window && ref.v[i].channel > ref.v[i - 1].channel);
    CHECK(ordered);
    /* the gap: records 300..329 missing, data resumes at 330.5 s.  Windows
     * 0..298 whole; 299 straddles the gap start; 300..328 lie inside it;
     * 329 (329..331 s) and 330 (330..332 s) straddle its end; 331.. whole up
     * to the end of the data at 1200.5 s. */
    int gaps = 0, whole = 0;
    int64_t last = -1;
    for (int i = 0; i < ref.n; i++) {
        int64_t k = ref.v[i].window;
        CHECK_MSG(k < 300 || k > 328, "window %lld inside the gap", (long long)k);
        if (ref.v[i].artefact & ICTUS_ART_GAP) {
            gaps++;
            CHECK_MSG(k == 299 || k == 329 || k == 330, "gap flag on window %lld", (long long)k);
        } else {
            whole++;
        }
        last = k;
    }
    CHECK_INT(gaps, 6);                       /* windows 299, 329 and 330, both channels */
    CHECK_INT(last, 1198);                    /* 1198..1200 s is the last whole window */
    CHECK_INT(whole, 2 * (299 + (1198 - 331 + 1)));
    for (int threads = 1; threads <= 3; threads++) {
        static const int blocks[] = {1, 7, 0, 64};
        for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++) {
            frames l = run(blocks[b], threads, b % 2 == 0);
            CHECK(l.window_order && l.consistent && l.windows == ref.windows);
            CHECK_MSG(l.text_ok, "%d threads, %d records per block: a frame's text is not its own",
                      threads, blocks[b]);
            CHECK_MSG(l.n == ref.n && memcmp(l.v, ref.v, (size_t)ref.n * sizeof *ref.v) == 0,
                      "%d threads, %d records per block: frames differ", threads, blocks[b]);
            free(l.v);
        }
    }
    free(ref.v);
    unlink(PATH_D);
    /* five channels: groups of several channels, taken by any thread */
    write_five();
    frames five = run_file(PATH_5, 5, 0, 1, false);
    CHECK(five.window_order && five.consistent);
    CHECK_INT(five.n, 5 * 359); /* windows 0..358 (2 s every 1 s in 360 s), every channel */
    for (int threads = 2; threads <= 6; threads++) {
        static const int blocks[] = {1, 0};
        for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++) {
            frames l = run_file(PATH_5, 5, blocks[b], threads, b == 0);
            CHECK(l.window_order && l.consistent && l.windows == five.windows && l.text_ok);
            CHECK_MSG(l.n == five.n && memcmp(l.v, five.v, (size_t)five.n * sizeof *five.v) == 0,
                      "5 channels, %d threads, %d records per block: frames differ", threads,
                      blocks[b]);
            free(l.v);
        }
    }
    free(five.v);
    unlink(PATH_5);
    return check_done("test_analyzer");
}
