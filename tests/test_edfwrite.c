/* test_edfwrite.c: the EDF+/BDF+ writer (pipeline/source/edfwrite.c).
 *
 * Proves:
 *  - EDF+C and BDF+C files (written through EDFlib) read back by EDFlib, the
 *    oracle, hold bit-identical digital values (rounded to nearest, halves
 *    away from zero, clamped, NaN as the code nearest 0 — recomputed here),
 *    the header as asked (physical range as written in 8 characters) and
 *    the annotations (EDFlib's 100 µs resolution); ictus's reader agrees;
 *  - EDF+D and BDF+D files (written by ictus) have a header EDFlib accepts
 *    up to the discontinuity it cannot read, a time-keeping TAL in every
 *    record, and read back with the right timeline: segments, gap lengths
 *    (including gaps that are not a whole number of samples), each block's
 *    first_index and start_us, a sub-second start, mixed rates, annotation
 *    onsets exact to the µs; any block_records (random, including 1) gives
 *    identical samples;
 *  - a file being written reads as ICTUS_ERR_INCOMPLETE (header -1), and
 *    with allow_partial as its complete records;
 *  - every misuse is one clear error naming the file.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "tests/check.h"
#include "pipeline/source/edf_header.h"
#include "pipeline/source/edf_tal.h"
#include "pipeline/source/edfwrite.h"
#include "pipeline/source/source.h"
#include "base/path.h"
#include "base/walltime.h"
#include "tests/support_edf.h"
#include "tests/support_tmp.h"

static uint64_t rng = 77;
static double uniform(void)
{
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(rng >> 11) / 9007199254740992.0;
}

/* The digital code for physical x, computed independently of the writer. */
static int32_t expect_digital(double x, const ictus_edf_channel_spec *ch, double phys_min,
                              double phys_max)
{
    if (isnan(x))
        x = 0;
    double v =
        (x - phys_min) / (phys_max - phys_min) * ((double)ch->dig_max - ch->dig_min) + ch->dig_min;
    v = fmin(fmax(v, ch->dig_min), ch->dig_max);
    return (int32_t)(v >= 0 ? floor(v + 0.5) : ceil(v - 0.5));
}

static double physical(int32_t d, const ictus_edf_channel_spec *ch, double phys_min,
                       double phys_max)
{
    return (d - (double)ch->dig_min) * (phys_max - phys_min) / ((double)ch->dig_max - ch->dig_min) +
           phys_min;
}

/* A recording to write: channels, records (with start offsets) and samples. */
typedef struct {
    ictus_edf_layout layout;
    ictus_edf_channel_spec ch[3];
    double written_min[3], written_max[3]; /* physical range as the header holds it */
    int spr[3];
    int n_records;
    int64_t offset_us[64];
    float *x[3];                           /* n_records * spr[c] samples */
} recording;

static void make_samples(recording *r)
{
    for (int c = 0; c < r->layout.n_channels; c++) {
        r->spr[c] = (int)llround(r->ch[c].fs_hz * (double)r->layout.record_us / 1e6);
        int64_t n = (int64_t)r->n_records * r->spr[c];
        r->x[c] = malloc((size_t)n * sizeof(float));
        double lo = fmin(r->ch[c].phys_min, r->ch[c].phys_max);
        double span = fabs(r->ch[c].phys_max - r->ch[c].phys_min);
        for (int64_t i = 0; i < n; i++) /* 10 % beyond each end: some samples clamp */
            r->x[c][i] = (float)(lo - 0.1 * span + 1.2 * span * uniform());
        r->x[c][3] = NAN;
        r->x[c][n - 1] = (float)(lo + 2 * span);
    }
}

static void free_recording(recording *r)
{
    for (int c = 0; c < r->layout.n_channels; c++)
        free(r->x[c]);
}

static const struct {
    int64_t onset_us, duration_us;
    const char *text;
} notes[] = {
    {0, -1, "start"},
    {1000000, 500000, "spike"},
    {6000000, -1, "in the gap"},
    {12900000, 2000000, "seizure \xc2\xb5"},
};
#define N_NOTES 4

static void annotate_all(const char *path, ictus_edfwriter *w)
{
    ictus_error err;
    for (int i = 0; i < N_NOTES; i++)
        CHECK_MSG(ictus_edfwriter_annotate(w, notes[i].onset_us, notes[i].duration_us,
                                           notes[i].text, &err) == ICTUS_OK,
                  "%s: %s", path, err.msg);
}

/* ---------------------------------------------------------------- EDF+C / BDF+C against EDFlib */

static void test_continuous(ictus_format format, const char *dir)
{
    bool bdf = format == ICTUS_FORMAT_BDFPLUS_C;
    char *path = ictus_path_join_alloc(dir, bdf ? "c.bdf" : "c.edf");
    recording r = {0};
    r.ch[0] = (ictus_edf_channel_spec){"HPC", "uV", 1000, -3276.8, 3276.7, -32768, 32767};
    r.ch[1] = (ictus_edf_channel_spec){"CTX", "mV", 250, -5, 5, -2048, 2047};
    r.ch[2] = (ictus_edf_channel_spec){"Temp", "degC", 10, 40, -1000.123456, 0, 1000};
    if (bdf)
        r.ch[1].dig_min = -8388608, r.ch[1].dig_max = 8388607;
    r.written_min[0] = -3276.8, r.written_max[0] = 3276.7;
    r.written_min[1] = -5, r.written_max[1] = 5;
    r.written_min[2] = 40, r.written_max[2] = -1000.12; /* "-1000.12": 8 characters */
    int64_t start;
    ictus_walltime_parse("2021-03-04T05:06:07.375", &start);
    r.layout = (ictus_edf_layout){format, start, 500000, 3, r.ch, "rat 12", "day 3", 1};
    r.n_records = 12;
    for (int k = 0; k < r.n_records; k++)
        r.offset_us[k] = k * r.layout.record_us;
    make_samples(&r);

    ictus_error err;
    ictus_edfwriter *w;
    if (!CHECK_MSG(ictus_edfwriter_create(path, &r.layout, &w, &err) == ICTUS_OK, "%s", err.msg))
        goto done;
    CHECK_INT(ictus_edfwriter_samples_per_record(w, 2), 5);
    for (int k = 0; k < r.n_records; k++) {
        const float *rec[3] = {r.x[0] + k * r.spr[0], r.x[1] + k * r.spr[1], r.x[2] + k * r.spr[2]};
        CHECK(ictus_edfwriter_write(w, r.offset_us[k], rec, &err) == ICTUS_OK);
    }
    annotate_all(path, w);
    CHECK_MSG(ictus_edfwriter_close(w, &err) == ICTUS_OK, "%s", err.msg);

    /* EDFlib, the oracle */
    int code;
    struct edf_hdr_struct *e = support_edflib_open(path, EDFLIB_READ_ALL_ANNOTATIONS, &code);
    if (!CHECK_MSG(e != NULL, "%s: EDFlib refuses our file (%d)", path, code))
        goto done;
    CHECK_INT(e->filetype, bdf ? EDFLIB_FILETYPE_BDFPLUS : EDFLIB_FILETYPE_EDFPLUS);
    CHECK_INT(e->edfsignals, 3);
    CHECK_INT(e->datarecords_in_file, 12);
    CHECK_INT(e->datarecord_duration, 5000000);
    CHECK(e->startdate_year == 2021 && e->startdate_month == 3 && e->startdate_day == 4);
    CHECK(e->starttime_hour == 5 && e->starttime_minute == 6 && e->starttime_second == 7);
    CHECK_INT(e->starttime_subsecond, 3750000);
    CHECK_STR(e->patientcode, "rat 12"); /* EDFlib turns the '_' back into a space */
    CHECK(strncmp(e->recording_additional, "day 3 ", 6) == 0);
    for (int c = 0; c < 3; c++) {
        const struct edf_param_struct *p = &e->signalparam[c];
        CHECK(strncmp(p->label, r.ch[c].label, strlen(r.ch[c].label)) == 0);
        CHECK(strncmp(p->physdimension, r.ch[c].unit, strlen(r.ch[c].unit)) == 0);
        CHECK_NEAR(p->phys_min, r.written_min[c], 0, 0);
        CHECK_NEAR(p->phys_max, r.written_max[c], 0, 0);
        CHECK(p->dig_min == r.ch[c].dig_min && p->dig_max == r.ch[c].dig_max);
        CHECK_INT(p->smp_in_datarecord, r.spr[c]);
        int n = r.n_records * r.spr[c];
        int *dig = malloc((size_t)n * sizeof(int));
        CHECK_INT(edfread_digital_samples(e->handle, c, n, dig), n);
        int bad = 0;
        for (int i = 0; i < n; i++)
            bad +=
                dig[i] != expect_digital(r.x[c][i], &r.ch[c], r.written_min[c], r.written_max[c]);
        CHECK_MSG(bad == 0, "%s channel %d: %d digital values differ", path, c, bad);
        free(dig);
    }
    CHECK_INT(e->annotations_in_file, N_NOTES);
    for (int i = 0; i < N_NOTES && i < e->annotations_in_file; i++) {
        struct edf_annotation_struct a;
        edf_get_annotation(e->handle, i, &a);
        CHECK_INT(a.onset, notes[i].onset_us * 10);
        CHECK_INT(a.duration_l,
                  notes[i].duration_us < 0 ? -EDFLIB_TIME_DIMENSION : notes[i].duration_us * 10);
        CHECK_STR(a.annotation, notes[i].text);
    }
    support_edflib_close(e);

    /* ictus's reader */
    ictus_source *src;
    if (!CHECK_MSG(ictus_source_open(path, NULL, &src, &err) == ICTUS_OK, "%s", err.msg))
        goto done;
    const ictus_recording_info *in = ictus_source_info(src);
    CHECK_INT(in->format, format);
    CHECK_INT(in->start_us, start);
    CHECK_STR(in->warning, "");
    CHECK_INT(in->n_annotations, N_NOTES);
    for (int i = 0; i < N_NOTES && i < in->n_annotations; i++) {
        CHECK_INT(in->annotations[i].onset_us, notes[i].onset_us);
        CHECK_INT(in->annotations[i].duration_us, notes[i].duration_us);
        CHECK_STR(in->annotations[i].text, notes[i].text);
    }
    ictus_block *blk = ictus_block_create(src);
    int64_t pos[3] = {0}, bad = 0;
    while (ictus_source_read(src, blk, &err) == ICTUS_OK && blk->n[0] > 0)
        for (int c = 0; c < 3; c++) {
            for (int64_t i = 0; i < blk->n[c]; i++) {
                int32_t d = expect_digital(r.x[c][pos[c] + i], &r.ch[c], r.written_min[c],
                                           r.written_max[c]);
                double want = physical(d, &r.ch[c], r.written_min[c], r.written_max[c]) *
                              in->channels[c].uv_per_unit;
                bool clip = d == r.ch[c].dig_min || d == r.ch[c].dig_max;
                bad += fabs(blk->samples[c][i] - want) > 1e-6 * fabs(want) + 1e-6 ||
                       blk->flags[c][i] != (clip ? ICTUS_SAMPLE_CLIP : 0);
                /* 16-bit codes survive float32 exactly: recover them */
                double unit = blk->samples[c][i] / in->channels[c].uv_per_unit;
                double recovered = (unit - r.written_min[c]) / (r.written_max[c] - r.written_min[c]) *
                                       ((double)r.ch[c].dig_max - r.ch[c].dig_min) +
                                   r.ch[c].dig_min;
                bad += !bdf && llround(recovered) != d;
            }
            pos[c] += blk->n[c];
        }
    CHECK_MSG(bad == 0, "%s: %lld samples or flags differ", path, (long long)bad);
    CHECK(pos[0] == 12 * 500 && pos[1] == 12 * 125 && pos[2] == 12 * 5);
    ictus_block_destroy(blk);
    ictus_source_close(src);
done:
    free_recording(&r);
    free(path);
}

/* ---------------------------------------------------------------- EDF+D / BDF+D timeline */

/* All samples with their virtual indices, read with the given block size. */
typedef struct {
    int64_t n[3];
    float *x[3];
    int64_t *index[3];
} stream;

static void free_stream(stream *s)
{
    for (int c = 0; c < 3; c++) {
        free(s->x[c]);
        free(s->index[c]);
    }
}

/* Read everything, checking each block against the timeline: its start is
 * a record start, its first_index is round(start * fs), it stays within
 * one segment. */
static stream read_stream(const char *path, int block_records, const recording *r)
{
    stream s = {0};
    ictus_source_options opt = {0};
    opt.block_records = block_records;
    ictus_source *src;
    ictus_error err;
    if (!CHECK_MSG(ictus_source_open(path, &opt, &src, &err) == ICTUS_OK, "%s", err.msg))
        return s;
    const ictus_recording_info *in = ictus_source_info(src);
    for (int c = 0; c < 3; c++) {
        s.x[c] = malloc((size_t)in->channels[c].n_samples * sizeof(float));
        s.index[c] = malloc((size_t)in->channels[c].n_samples * sizeof(int64_t));
    }
    ictus_block *blk = ictus_block_create(src);
    int64_t bad = 0;
    while (ictus_source_read(src, blk, &err) == ICTUS_OK && blk->n[0] > 0) {
        int k = 0;
        while (k < r->n_records && r->offset_us[k] != blk->start_us)
            k++;
        int seg = 0;
        while (seg < in->n_segments && in->segments[seg].end_us <= blk->start_us)
            seg++;
        int64_t end_us = blk->start_us + blk->n[0] / r->spr[0] * r->layout.record_us;
        bad += k == r->n_records || seg == in->n_segments || end_us > in->segments[seg].end_us ||
               blk->start_us < in->segments[seg].start_us;
        for (int c = 0; c < 3; c++) {
            bad += blk->first_index[c] != llround(blk->start_us * r->ch[c].fs_hz / 1e6);
            bad += blk->n[c] != blk->n[0] / r->spr[0] * r->spr[c] || blk->n[c] > blk->capacity;
            memcpy(s.x[c] + s.n[c], blk->samples[c], (size_t)blk->n[c] * sizeof(float));
            for (int64_t i = 0; i < blk->n[c]; i++)
                s.index[c][s.n[c] + i] = blk->first_index[c] + i;
            s.n[c] += blk->n[c];
        }
    }
    CHECK_MSG(bad == 0, "%s, %d records per block: %lld block faults", path, block_records,
              (long long)bad);
    ictus_block_destroy(blk);
    ictus_source_close(src);
    return s;
}

static void test_discontinuous(ictus_format format, const char *dir)
{
    bool bdf = format == ICTUS_FORMAT_BDFPLUS_D;
    char *path = ictus_path_join_alloc(dir, bdf ? "d.bdf" : "d.edf");
    recording r = {0};
    r.ch[0] = (ictus_edf_channel_spec){"HPC", "uV", 1000, -3276.8, 3276.7, -32768, 32767};
    r.ch[1] = (ictus_edf_channel_spec){"EMG", "uV", 256, -1000, 1000, -2000, 2000};
    r.ch[2] = (ictus_edf_channel_spec){"Act", "", 10, 0, 1, 0, 1000};
    if (bdf)
        r.ch[0].dig_min = -8388608, r.ch[0].dig_max = 8388607;
    for (int c = 0; c < 3; c++)
        r.written_min[c] = r.ch[c].phys_min, r.written_max[c] = r.ch[c].phys_max;
    int64_t start;
    ictus_walltime_parse("2022-07-08T09:10:11.123456", &start);
    r.layout = (ictus_edf_layout){format, start, 500000, 3, r.ch, "mouse 3", NULL, 2};
    /* segments: 10 records from 0 s; 10 from 7.3 s (a 2.3 s gap: 588.8
     * samples at 256 Hz); 5 from 12.8003 s (a 0.5003 s gap) */
    r.n_records = 25;
    for (int k = 0; k < 25; k++)
        r.offset_us[k] = k < 10 ? k * 500000 : k < 20 ? 7300000 + (k - 10) * 500000
                                                      : 12800300 + (k - 20) * 500000;
    make_samples(&r);

    ictus_error err;
    ictus_edfwriter *w;
    if (!CHECK_MSG(ictus_edfwriter_create(path, &r.layout, &w, &err) == ICTUS_OK, "%s", err.msg))
        goto done;
    annotate_all(path, w); /* before the records: placed at close */
    for (int k = 0; k < r.n_records; k++) {
        const float *rec[3] = {r.x[0] + k * r.spr[0], r.x[1] + k * r.spr[1], r.x[2] + k * r.spr[2]};
        CHECK(ictus_edfwriter_write(w, r.offset_us[k], rec, &err) == ICTUS_OK);
    }
    CHECK_MSG(ictus_edfwriter_close(w, &err) == ICTUS_OK, "%s", err.msg);

    /* EDFlib checks the header and stops at the discontinuity */
    int code;
    struct edf_hdr_struct *e = support_edflib_open(path, EDFLIB_DO_NOT_READ_ANNOTATIONS, &code);
    CHECK_INT(code, EDFLIB_FILE_IS_DISCONTINUOUS);
    support_edflib_close(e);

    /* the raw file: header fields and a time-keeping TAL in every record */
    int fd = open(path, O_RDONLY);
    ictus_edf_header h;
    if (CHECK_MSG(ictus_edf_header_read(fd, path, &h, &err) == ICTUS_OK, "%s", err.msg)) {
        CHECK_INT(h.format, format);
        CHECK_INT(h.n_records, 25);
        CHECK_INT(h.n_signals, 4);
        CHECK(h.signals[3].is_annotation);
        CHECK_STR(h.patient, "mouse_3 X X X");
        CHECK_STR(h.recording, "Startdate 08-JUL-2022 X X X");
        CHECK_STR(h.lenient, "");
        size_t size;
        unsigned char *file = support_edf_read_file(path, &size);
        CHECK_INT(size, h.header_bytes + 25 * h.record_bytes);
        int64_t tal_bytes = (int64_t)h.signals[3].samples_per_record * h.bytes_per_sample;
        for (int k = 0; k < 25; k++) {
            ictus_tal_head head;
            char why[160];
            const unsigned char *tal =
                file + h.header_bytes + k * h.record_bytes + h.signals[3].record_offset;
            CHECK(ictus_tal_parse(tal, (size_t)tal_bytes, &head, NULL, NULL, why, sizeof why));
            CHECK(head.timekeeping && head.onset_ticks == 1234560 + r.offset_us[k] * 10);
        }
        free(file);
        ictus_edf_header_clear(&h);
    }
    close(fd);

    /* the timeline as ictus's reader gives it */
    ictus_source *src;
    if (!CHECK_MSG(ictus_source_open(path, NULL, &src, &err) == ICTUS_OK, "%s", err.msg))
        goto done;
    const ictus_recording_info *in = ictus_source_info(src);
    CHECK_INT(in->format, format);
    CHECK_INT(in->start_us, start);
    CHECK_STR(in->warning, "");
    CHECK_INT(in->n_records, 25);
    CHECK_INT(in->duration_us, 15300300);
    CHECK_INT(in->n_segments, 3);
    if (in->n_segments == 3) {
        CHECK(in->segments[0].start_us == 0 && in->segments[0].end_us == 5000000);
        CHECK(in->segments[1].start_us == 7300000 && in->segments[1].end_us == 12300000);
        CHECK(in->segments[2].start_us == 12800300 && in->segments[2].end_us == 15300300);
    }
    CHECK_INT(in->n_annotations, N_NOTES);
    for (int i = 0; i < N_NOTES && i < in->n_annotations; i++) {
        CHECK_INT(in->annotations[i].onset_us, notes[i].onset_us);
        CHECK_INT(in->annotations[i].duration_us, notes[i].duration_us);
        CHECK_STR(in->annotations[i].text, notes[i].text);
    }
    ictus_source_close(src);

    /* samples, and the gaps in virtual indices, with blocks of any size */
    stream ref = read_stream(path, 0, &r);
    int64_t bad = 0;
    for (int c = 0; c < 3; c++) {
        CHECK_INT(ref.n[c], 25 * r.spr[c]);
        for (int64_t i = 0; i < ref.n[c]; i++) {
            int32_t d = expect_digital(r.x[c][i], &r.ch[c], r.written_min[c], r.written_max[c]);
            double want = physical(d, &r.ch[c], r.written_min[c], r.written_max[c]);
            bad += fabs(ref.x[c][i] - want) > 1e-6 * fabs(want) + 1e-6;
        }
    }
    CHECK_MSG(bad == 0, "%s: %lld samples differ", path, (long long)bad);
    /* 256 Hz: segment B starts at round(7.3 * 256) = 1869 after 1280 samples;
     * segment C at round(12.8003 * 256) = 3277 (3276.88); 10 Hz: 73 and 128 */
    CHECK_INT(ref.index[1][1279], 1279);
    CHECK_INT(ref.index[1][1280], 1869);
    CHECK_INT(ref.index[1][2560], 3277);
    CHECK_INT(ref.index[2][50], 73);
    CHECK_INT(ref.index[2][100], 128);
    CHECK_INT(ref.index[0][5000], 7300);
    CHECK_INT(ref.index[0][10000], 12800);
    for (int trial = 0; trial < 8; trial++) {
        int k = trial == 0 ? 1 : trial == 1 ? 25 : 1 + (int)(uniform() * 12);
        stream s = read_stream(path, k, &r);
        bool same = true;
        for (int c = 0; c < 3; c++)
            same = same && s.n[c] == ref.n[c] &&
                   memcmp(s.x[c], ref.x[c], (size_t)ref.n[c] * sizeof(float)) == 0 &&
                   memcmp(s.index[c], ref.index[c], (size_t)ref.n[c] * sizeof(int64_t)) == 0;
        CHECK_MSG(same, "%s: %d records per block changes the samples", path, k);
        free_stream(&s);
    }
    free_stream(&ref);
done:
    free_recording(&r);
    free(path);
}

/* ---------------------------------------------------------------- a file being written */

static void test_being_written(ictus_format format, const char *dir)
{
    char *path = ictus_path_join_alloc(dir, "live.edf");
    ictus_edf_channel_spec ch = {"HPC", "uV", 1000, -3276.8, 3276.7, -32768, 32767};
    ictus_edf_layout layout = {format, 0, 1000000, 1, &ch, NULL, NULL, 0};
    ictus_walltime_parse("2023-01-01T00:00:00", &layout.start_us);
    ictus_error err;
    ictus_edfwriter *w;
    if (!CHECK_MSG(ictus_edfwriter_create(path, &layout, &w, &err) == ICTUS_OK, "%s", err.msg)) {
        free(path);
        return;
    }
    float x[1000] = {0};
    const float *rec[1] = {x};
    for (int k = 0; k < 800; k++) /* more than the writers keep in memory */
        CHECK(ictus_edfwriter_write(w, k * 1000000LL, rec, &err) == ICTUS_OK);
    ictus_source *src = NULL;
    ictus_status st = ictus_source_open(path, NULL, &src, &err);
    CHECK_MSG(st == ICTUS_ERR_INCOMPLETE && strstr(err.msg, path) &&
              strstr(err.msg, "still being written"), "%s: %s", ictus_format_name(format), err.msg);
    ictus_source_close(src);
    ictus_source_options opt = {0};
    opt.allow_partial = true;
    st = ictus_source_open(path, &opt, &src, &err);
    if (CHECK_MSG(st == ICTUS_OK, "%s", err.msg)) {
        const ictus_recording_info *in = ictus_source_info(src);
        CHECK(in->n_records > 0 && in->n_records <= 800);
        CHECK(strstr(in->warning, "still being written") != NULL);
        ictus_source_close(src);
    }
    CHECK(ictus_edfwriter_close(w, &err) == ICTUS_OK);
    st = ictus_source_open(path, NULL, &src, &err);
    if (CHECK_MSG(st == ICTUS_OK, "%s", err.msg)) {
        CHECK_INT(ictus_source_info(src)->n_records, 800);
        ictus_source_close(src);
    }
    free(path);
}

/* ---------------------------------------------------------------- misuse */

static void expect_create_error(const char *path, const ictus_edf_layout *l, ictus_status status,
                                const char *what)
{
    ictus_edfwriter *w = NULL;
    ictus_error err = {0};
    ictus_status st = ictus_edfwriter_create(path, l, &w, &err);
    CHECK_MSG(st == status && w == NULL && support_edf_msg_has(err.msg, path, what, NULL),
              "create: %s, expected '%s'", err.msg, what);
    ictus_edfwriter_close(w, NULL);
}

static void test_misuse(const char *dir)
{
    char *path = ictus_path_join_alloc(dir, "bad.edf");
    ictus_edf_channel_spec ch = {"HPC", "uV", 1000, -3276.8, 3276.7, -32768, 32767};
    ictus_edf_layout good = {ICTUS_FORMAT_EDFPLUS_C, 0, 1000000, 1, &ch, NULL, NULL, 0};
    ictus_walltime_parse("2023-01-01T00:00:00", &good.start_us);
    ictus_edf_layout l;
    ictus_edf_channel_spec c;

    l = good, l.format = ICTUS_FORMAT_EDF;
    expect_create_error(path, &l, ICTUS_ERR_CONFIG, "not EDF");
    l = good, l.n_channels = 0;
    expect_create_error(path, &l, ICTUS_ERR_CONFIG, "0 channels");
    l = good, l.record_us = 12345;
    expect_create_error(path, &l, ICTUS_ERR_CONFIG, "data record duration 12345");
    l = good, l.start_us = 0;
    expect_create_error(path, &l, ICTUS_ERR_CONFIG, "start year 1970");
    l = good, l.patient = "rat\t1";
    expect_create_error(path, &l, ICTUS_ERR_CONFIG, "printable ASCII");
    l = good, l.annotations_per_record = 65;
    expect_create_error(path, &l, ICTUS_ERR_CONFIG, "65 annotations per record");
    l = good, c = ch, c.fs_hz = 333.3, l.channels = &c;
    expect_create_error(path, &l, ICTUS_ERR_CONFIG, "not a whole number");
    l = good, c = ch, c.dig_min = 5, c.dig_max = 5, l.channels = &c;
    expect_create_error(path, &l, ICTUS_ERR_CONFIG, "digital range 5..5");
    l = good, c = ch, c.dig_max = 40000, l.channels = &c;
    expect_create_error(path, &l, ICTUS_ERR_CONFIG, "-32768..32767");
    l = good, c = ch, c.phys_max = 123456789, l.channels = &c;
    expect_create_error(path, &l, ICTUS_ERR_CONFIG, "cannot be written in 8 characters");
    l = good, c = ch, c.phys_min = 1.00000001, c.phys_max = 1.00000002, l.channels = &c;
    expect_create_error(path, &l, ICTUS_ERR_CONFIG, "two different numbers");
    l = good, c = ch, c.label = "a label far too long", l.channels = &c;
    expect_create_error(path, &l, ICTUS_ERR_CONFIG, "at most 16 and 8 bytes");
    char *nowhere = ictus_path_join_alloc(dir, "no/such/dir.edf");
    l = good;
    expect_create_error(nowhere, &l, ICTUS_ERR_IO, "EDFlib cannot create it");
    l.format = ICTUS_FORMAT_EDFPLUS_D;
    expect_create_error(nowhere, &l, ICTUS_ERR_IO, "cannot create");
    free(nowhere);

    /* record offsets, annotation texts and the room for annotations */
    float x[1000] = {0};
    const float *rec[1] = {x};
    for (int k = 0; k < 2; k++) {
        l = good;
        l.format = k ? ICTUS_FORMAT_EDFPLUS_D : ICTUS_FORMAT_EDFPLUS_C;
        ictus_edfwriter *w;
        ictus_error err;
        if (!CHECK(ictus_edfwriter_create(path, &l, &w, &err) == ICTUS_OK))
            continue;
        CHECK(ictus_edfwriter_write(w, 5, rec, &err) == ICTUS_ERR_DATA &&
              support_edf_msg_has(err.msg, path, "record 0: offset 5", NULL));
        CHECK(ictus_edfwriter_write(w, 0, rec, &err) == ICTUS_OK);
        CHECK(ictus_edfwriter_write(w, 999999, rec, &err) == ICTUS_ERR_DATA &&
              support_edf_msg_has(err.msg, path, "record 1: offset 999999", NULL));
        CHECK(ictus_edfwriter_write(w, 1000000, rec, &err) == ICTUS_OK);
        CHECK(ictus_edfwriter_write(w, 2500000, rec, &err) == (k ? ICTUS_OK : ICTUS_ERR_DATA));
        CHECK(ictus_edfwriter_annotate(w, 0, -1, "", &err) == ICTUS_ERR_DATA &&
              support_edf_msg_has(err.msg, path, "1..40 bytes", NULL));
        CHECK(ictus_edfwriter_annotate(w, 0, -1, "01234567890123456789012345678901234567890",
                                       &err) == ICTUS_ERR_DATA);
        CHECK(ictus_edfwriter_annotate(w, 0, -1, "tab\there", &err) == ICTUS_ERR_DATA);
        CHECK(ictus_edfwriter_annotate(w, -1000, -1, "early", &err) ==
              (k ? ICTUS_OK : ICTUS_ERR_DATA));
        /* one annotation per record fits (EDFlib); EDF+D has 1 * 85 bytes a record */
        for (int a = 0; a < 10; a++)
            CHECK(ictus_edfwriter_annotate(w, a * 100000, 50000,
                                           "0123456789012345678901234567890123456789",
                                           &err) == ICTUS_OK);
        CHECK(ictus_edfwriter_close(w, &err) == ICTUS_ERR_DATA &&
              support_edf_msg_has(err.msg, path, "annotations", "raise annotations_per_record",
                                  NULL));
    }
    CHECK(ictus_edfwriter_close(NULL, NULL) == ICTUS_OK);
    free(path);
}

int main(void)
{
    char *dir = support_tmpdir("edf");
    test_continuous(ICTUS_FORMAT_EDFPLUS_C, dir);
    test_continuous(ICTUS_FORMAT_BDFPLUS_C, dir);
    test_discontinuous(ICTUS_FORMAT_EDFPLUS_D, dir);
    test_discontinuous(ICTUS_FORMAT_BDFPLUS_D, dir);
    test_being_written(ICTUS_FORMAT_EDFPLUS_C, dir);
    test_being_written(ICTUS_FORMAT_EDFPLUS_D, dir);
    test_misuse(dir);
    support_tmpdir_remove(dir);
    return check_done("test_edfwrite");
}
