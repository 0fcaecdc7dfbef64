/* test_analyzer.c: a recording's frames do not depend on how the source
 * cuts it into blocks nor on the number of worker threads; gaps of an EDF+D
 * file and mixed rates come out on one window grid. */
#include "pipeline/analyzer.h"

#include <stdlib.h>
#include <unistd.h>

#include "tests/check.h"
#include "pipeline/source/edfwrite.h"
#include "base/walltime.h"
#include "base/vec.h"

#define PATH_D "build/test_analyzer_d.edf"

typedef struct {
    ictus_frame *v;
    int n, cap;
} frames;

static void collect(void *ctx, const ictus_frame *f)
{
    frames *l = ctx;
    ICTUS_GROW(l->v, l->n + 1, l->cap);
    l->v[l->n++] = *f;
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

static frames run(int block_records, int threads)
{
    frames l = {0};
    ictus_settings set;
    ictus_settings_default(&set);
    ictus_source_options opt = {.block_records = block_records};
    ictus_source *src;
    ictus_analyzer *an;
    ictus_error err;
    if (ictus_source_open(PATH_D, &opt, &src, &err) != ICTUS_OK) {
        CHECK_MSG(false, "%s", err.msg);
        return l;
    }
    ictus_analyzer_options aopt = {.set = &set, .n_threads = threads};
    CHECK(ictus_analyzer_create(src, &aopt, &an, &err) == ICTUS_OK);
    CHECK_INT(ictus_analyzer_channels(an), 2);
    CHECK(ictus_analyzer_run(an, collect, &l, &err) == ICTUS_OK);
    ictus_analyzer_destroy(an);
    ictus_source_close(src);
    return l;
}

int main(void)
{
    write_recording();
    frames ref = run(0, 1);
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
            frames l = run(blocks[b], threads);
            CHECK_MSG(l.n == ref.n && memcmp(l.v, ref.v, (size_t)ref.n * sizeof *ref.v) == 0,
                      "%d threads, %d records per block: frames differ", threads, blocks[b]);
            free(l.v);
        }
    }
    free(ref.v);
    unlink(PATH_D);
    return check_done("test_analyzer");
}
