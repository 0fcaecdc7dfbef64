/* test_truncated.c: a recording cut short is read to its last complete
 * record (pipeline/source: allow_partial and info.partial).
 *
 * Proves, for copies cut with a partial last record (as `head -c` or a
 * recorder that died leaves them):
 *  - real files of ../shared/data (EDF+C with annotations, plain EDF with
 *    30 s records, BDF+C): opened strictly they are ICTUS_ERR_TRUNCATED; with
 *    allow_partial they hold exactly the complete records (n_records,
 *    n_samples, duration, one segment ending there), their samples and
 *    flags are the whole file's first records bit for bit, a seek past the
 *    readable end leaves nothing to read, and info.partial names what the
 *    header promised and what is read; the whole files have no info.partial;
 *  - a synthetic 1-hour EDF+C (3600 records of 1 s) cut inside record 1800:
 *    30 min read, and the message says "3600 data records (1 h)", "1800
 *    complete ones (30 min)", "up to 0:30:00 of the recording"; with its
 *    header's record count -1 (a writer that never finished it) the same
 *    records, and the message says the header was never finished;
 *  - a WAV cut inside a frame: the complete frames, the data size's promise
 *    in the message, the samples those of the whole file; with its data size
 *    left as a placeholder, the message says the header was never finished.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/check.h"
#include "pipeline/source/edf_header.h"
#include "pipeline/source/source.h"
#include "base/path.h"
#include "tests/support_edf.h"
#include "tests/support_tmp.h"

#define DATA "../shared/data/"

/* Every sample and flag of channel 0..n-1 of a source, concatenated. */
typedef struct {
    int n_channels;
    int64_t *n;
    float **x;
    uint8_t **flags;
} samples;

static void free_samples(samples *d)
{
    for (int c = 0; c < d->n_channels; c++) {
        free(d->x[c]);
        free(d->flags[c]);
    }
    free(d->n);
    free(d->x);
    free(d->flags);
    memset(d, 0, sizeof *d);
}

static bool read_all(ictus_source *src, samples *d)
{
    const ictus_recording_info *in = ictus_source_info(src);
    int nc = in->n_channels;
    d->n_channels = nc;
    d->n = calloc((size_t)nc + 1, sizeof *d->n);
    d->x = calloc((size_t)nc + 1, sizeof *d->x);
    d->flags = calloc((size_t)nc + 1, sizeof *d->flags);
    for (int c = 0; c < nc; c++) {
        d->x[c] = malloc((size_t)in->channels[c].n_samples * sizeof(float) + 1);
        d->flags[c] = malloc((size_t)in->channels[c].n_samples + 1);
    }
    ictus_block *blk = ictus_block_create(src);
    ictus_error err;
    bool ok = true;
    for (;;) {
        if (!CHECK_MSG(ictus_source_read(src, blk, &err) == ICTUS_OK, "read: %s", err.msg)) {
            ok = false;
            break;
        }
        if (ictus_block_empty(blk))
            break;
        for (int c = 0; c < nc && ok; c++) {
            ok &= CHECK_MSG(d->n[c] + blk->n[c] <= in->channels[c].n_samples,
                            "channel %d: more samples than n_samples", c);
            if (!ok)
                break;
            memcpy(d->x[c] + d->n[c], blk->samples[c], (size_t)blk->n[c] * sizeof(float));
            memcpy(d->flags[c] + d->n[c], blk->flags[c], (size_t)blk->n[c]);
            d->n[c] += blk->n[c];
        }
        if (!ok)
            break;
    }
    ictus_block_destroy(blk);
    for (int c = 0; c < nc && ok; c++)
        ok &= CHECK_MSG(d->n[c] == in->channels[c].n_samples, "channel %d: read %lld of %lld",
                        c, (long long)d->n[c], (long long)in->channels[c].n_samples);
    return ok;
}

static ictus_source *open_ok(const char *path, bool partial)
{
    ictus_source_options opt = {.allow_partial = partial};
    ictus_source *src = NULL;
    ictus_error err = {0};
    CHECK_MSG(ictus_source_open(path, &opt, &src, &err) == ICTUS_OK, "open %s: %s", path, err.msg);
    return src;
}

/* The first `n` bytes of `from` as the file `name` in `dir`; its path (free it). */
static char *cut_copy(const char *dir, const char *name, const unsigned char *bytes, size_t n)
{
    char *path = ictus_path_join_alloc(dir, name);
    CHECK(support_edf_write_file(path, bytes, n));
    return path;
}

/* `part` holds the first samples of `whole` on every channel, bit for bit. */
static void check_prefix(const char *name, const samples *whole, const samples *part)
{
    for (int c = 0; c < part->n_channels; c++) {
        bool same = part->n[c] <= whole->n[c] &&
                    memcmp(part->x[c], whole->x[c], (size_t)part->n[c] * sizeof(float)) == 0 &&
                    memcmp(part->flags[c], whole->flags[c], (size_t)part->n[c]) == 0;
        CHECK_MSG(same, "%s: channel %d: the readable part differs from the whole file's start",
                  name, c);
    }
}

/* ---------------------------------------------------------------- EDF/BDF */

/* Cut `rel` (a file of ../shared/data) inside record `keep` (a third of a
 * record past its start), and check what is read against the whole file. */
static void check_cut_edf(const char *dir, const char *rel, int64_t keep)
{
    char whole_path[512];
    snprintf(whole_path, sizeof whole_path, DATA "%s", rel);
    size_t size;
    unsigned char *bytes = support_edf_read_file(whole_path, &size);
    if (!CHECK_MSG(bytes != NULL, "%s: cannot read", whole_path))
        return;
    ictus_source *whole = open_ok(whole_path, false);
    if (!whole) {
        free(bytes);
        return;
    }
    const ictus_recording_info *w = ictus_source_info(whole);
    CHECK_MSG(w->partial[0] == '\0', "%s: whole file with partial '%s'", rel, w->partial);
    int64_t header = 256 * (1 + (int64_t)strtol((char *)bytes + ICTUS_EDF_AT_N_SIGNALS, NULL, 10));
    int64_t record = ((int64_t)size - header) / w->n_records;
    CHECK_INT(header + w->n_records * record, (int64_t)size);
    size_t cut = (size_t)(header + keep * record + record / 3);
    char name[64];
    snprintf(name, sizeof name, "cut_%s", strrchr(rel, '/') + 1);
    char *path = cut_copy(dir, name, bytes, cut);

    ictus_source *strict = NULL;
    ictus_error err = {0};
    CHECK_MSG(ictus_source_open(path, NULL, &strict, &err) == ICTUS_ERR_TRUNCATED &&
                  strstr(err.msg, "ends inside data record"),
              "%s: strict open: '%s'", name, err.msg);
    ictus_source_close(strict);

    ictus_source *part = open_ok(path, true);
    if (part) {
        const ictus_recording_info *p = ictus_source_info(part);
        CHECK_INT(p->n_records, keep);
        int64_t record_us = (int64_t)(p->record_s * 1e6 + 0.5);
        CHECK_INT(p->duration_us, keep * record_us);
        CHECK_INT(p->n_segments, 1);
        CHECK_INT(p->segments[0].end_us, keep * record_us);
        for (int c = 0; c < p->n_channels; c++)
            CHECK_INT(p->channels[c].n_samples, keep * p->channels[c].samples_per_record);
        char promised[96], held[96];
        snprintf(promised, sizeof promised, "the header promises %lld data records",
                 (long long)w->n_records);
        snprintf(held, sizeof held, "the file holds %lld complete ones", (long long)keep);
        CHECK_MSG(support_edf_msg_has(p->partial, "truncated: ", promised, held,
                                      "of the recording", NULL),
                  "%s: partial '%s'", name, p->partial);
        samples sw = {0}, sp = {0};
        if (read_all(whole, &sw) && read_all(part, &sp))
            check_prefix(name, &sw, &sp);
        free_samples(&sw);
        free_samples(&sp);
        /* nothing past the readable end, even by seeking there */
        ictus_block *blk = ictus_block_create(part);
        CHECK(ictus_source_seek(part, p->duration_us - 1, &err) == ICTUS_OK);
        CHECK(ictus_source_read(part, blk, &err) == ICTUS_OK && !ictus_block_empty(blk));
        CHECK(ictus_source_seek(part, p->duration_us + record_us, &err) == ICTUS_OK);
        CHECK(ictus_source_read(part, blk, &err) == ICTUS_OK && ictus_block_empty(blk));
        ictus_block_destroy(blk);
        ictus_source_close(part);
    }
    ictus_source_close(whole);
    free(path);
    free(bytes);
}

static void test_real_files(void)
{
    char *dir = support_tmpdir("truncated");
    check_cut_edf(dir, "edf-conformance/pyedflib/test_generator.edf", 300); /* EDF+C, 600 x 1 s */
    check_cut_edf(dir, "edf-conformance/edfio/short_psg.edf", 4);           /* EDF, 10 x 30 s */
    check_cut_edf(dir, "edf-conformance/pyedflib/test_generator.bdf", 17);  /* BDF+C, 30 x 1 s */
    support_tmpdir_remove(dir);
}

/* A 1-hour EDF+C of 1 s records, cut inside record 1800, and the same with
 * the header's record count left at -1. */
static void test_one_hour(void)
{
    char *dir = support_tmpdir("truncated");
    support_edf_image img = support_edf_make(2, 250, 3600, "EDF+C", 60);
    size_t cut = (size_t)support_edf_record_at(&img, 1800) + 333;
    char *path = cut_copy(dir, "hour.edf", img.bytes, cut);
    ictus_source *src = open_ok(path, true);
    if (src) {
        const ictus_recording_info *in = ictus_source_info(src);
        CHECK_INT(in->n_records, 1800);
        CHECK_INT(in->duration_us, INT64_C(1800) * 1000000);
        CHECK_INT(in->channels[1].n_samples, 1800 * 250);
        CHECK_STR(in->partial, "truncated: the header promises 3600 data records (1 h), the "
                               "file holds 1800 complete ones (30 min), up to 0:30:00 of the "
                               "recording");
        samples d = {0};
        if (read_all(src, &d)) {
            /* the last sample read: record 1799, sample 249 of signal 1, 0.1 µV per digit */
            int16_t last = (int16_t)(2000 + 1799 * 100 + 249);
            CHECK_NEAR(d.x[1][d.n[1] - 1], 0.1 * last, 1e-6, 1e-3);
        }
        free_samples(&d);
        ictus_source_close(src);
    }
    free(path);

    support_edf_put(img.bytes, ICTUS_EDF_AT_N_RECORDS, 8, "-1");
    path = cut_copy(dir, "hour_unfinished.edf", img.bytes, cut);
    ictus_source *strict = NULL;
    ictus_error err = {0};
    CHECK_INT(ictus_source_open(path, NULL, &strict, &err), ICTUS_ERR_INCOMPLETE);
    src = open_ok(path, true);
    if (src) {
        const ictus_recording_info *in = ictus_source_info(src);
        CHECK_INT(in->duration_us, INT64_C(1800) * 1000000);
        CHECK_STR(in->partial, "its header was never finished (-1 data records); the file "
                               "holds 1800 complete data records (30 min), up to 0:30:00 of "
                               "the recording");
        ictus_source_close(src);
    }
    free(path);

    /* cut on a record boundary: no partial record, still short */
    support_edf_put(img.bytes, ICTUS_EDF_AT_N_RECORDS, 8, "3600");
    path = cut_copy(dir, "hour_boundary.edf", img.bytes, (size_t)support_edf_record_at(&img, 2700));
    src = open_ok(path, true);
    if (src) {
        CHECK_STR(ictus_source_info(src)->partial,
                  "truncated: the header promises 3600 data records (1 h), the file holds 2700 "
                  "complete ones (45 min), up to 0:45:00 of the recording");
        ictus_source_close(src);
    }
    free(path);
    /* whole: no partial */
    path = cut_copy(dir, "hour_whole.edf", img.bytes, img.size);
    src = open_ok(path, true);
    if (src) {
        CHECK_STR(ictus_source_info(src)->partial, "");
        CHECK_INT(ictus_source_info(src)->duration_us, INT64_C(3600) * 1000000);
        ictus_source_close(src);
    }
    free(path);
    free(img.bytes);
    support_tmpdir_remove(dir);
}

/* ---------------------------------------------------------------- WAV */

/* SciPy's 0.1 s, 44.1 kHz, 1-channel 32-bit WAV cut inside frame 1000. */
static void test_wav(void)
{
    const char *whole_path = DATA "wav-conformance/scipy_io_tests/test-44100Hz-le-1ch-4bytes.wav";
    size_t size;
    unsigned char *bytes = support_edf_read_file(whole_path, &size);
    if (!CHECK_MSG(bytes != NULL, "%s: cannot read", whole_path))
        return;
    ictus_source *whole = open_ok(whole_path, false);
    if (!whole) {
        free(bytes);
        return;
    }
    const ictus_recording_info *w = ictus_source_info(whole);
    int64_t frames = w->channels[0].n_samples;
    CHECK_INT(frames, 4410);
    CHECK_STR(w->partial, "");
    int64_t data_at = (int64_t)size - frames * 4; /* the data chunk ends the file */
    char *dir = support_tmpdir("truncated");
    char *path = cut_copy(dir, "cut.wav", bytes, (size_t)(data_at + 1000 * 4 + 2));
    ictus_source *strict = NULL;
    ictus_error err = {0};
    CHECK_INT(ictus_source_open(path, NULL, &strict, &err), ICTUS_ERR_TRUNCATED);
    ictus_source *part = open_ok(path, true);
    if (part) {
        const ictus_recording_info *p = ictus_source_info(part);
        CHECK_INT(p->channels[0].n_samples, 1000);
        CHECK_INT(p->duration_us, (1000 * INT64_C(1000000) + 22050) / 44100);
        CHECK_MSG(support_edf_msg_has(p->partial, "truncated: the header promises 4410 frames",
                                      "the file holds 1000 complete ones", NULL),
                  "partial '%s'", p->partial);
        samples sw = {0}, sp = {0};
        if (read_all(whole, &sw) && read_all(part, &sp))
            check_prefix("cut.wav", &sw, &sp);
        free_samples(&sw);
        free_samples(&sp);
        ictus_source_close(part);
    }
    free(path);

    /* the data size left as a placeholder (0xFFFFFFFF): a header never finished */
    unsigned char *data = NULL;
    for (size_t i = 12; i + 8 <= size && !data; i++)
        if (memcmp(bytes + i, "data", 4) == 0)
            data = bytes + i;
    if (CHECK(data != NULL)) {
        memset(data + 4, 0xff, 4);
        path = cut_copy(dir, "unfinished.wav", bytes, (size_t)(data_at + 1000 * 4 + 2));
        CHECK_INT(ictus_source_open(path, NULL, &strict, &err), ICTUS_ERR_INCOMPLETE);
        part = open_ok(path, true);
        if (part) {
            CHECK_STR(ictus_source_info(part)->partial,
                      "its header was never finished (its data size is a placeholder); the file "
                      "holds 1000 complete frames (0.02268 s), up to 0:00:00.022 of the "
                      "recording");
            ictus_source_close(part);
        }
        free(path);
    }
    ictus_source_close(whole);
    free(bytes);
    support_tmpdir_remove(dir);
}

int main(void)
{
    test_one_hour();
    if (!check_have_shared_data()) {
        check_skip("../shared/data is absent: the real files are not cut");
        return check_done("test_truncated");
    }
    test_real_files();
    test_wav();
    return check_done("test_truncated");
}
