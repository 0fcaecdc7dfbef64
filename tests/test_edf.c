/* test_edf.c: the EDF/EDF+/BDF/BDF+ reader (pipeline/source/edf.c).
 *
 * Proves:
 *  - conformance: every file of ../shared/data/edf-conformance is read; for
 *    every file EDFlib 1.23 opens, both readers agree on the header, every
 *    sample (ours / uv_per_unit vs edfread_physical_samples, tolerance 1e-6
 *    of the signal's physical range plus two float32 roundings of the value,
 *    the precision of the float samples ictus delivers), every clip flag
 *    (against EDFlib's digital values) and every annotation (EDFlib read-all
 *    mode; onsets and durations within 0.5 µs, i.e. ours rounded to µs);
 *  - the two files EDFlib refuses (mne/test.bdf: a right-aligned number of
 *    records; wfdb/test_generator_2.edf: a Latin-1 degree sign in two units)
 *    are read with a warning naming the reason, agree with EDFlib on a copy
 *    with that one deviation repaired, and with a direct decode of the bytes;
 *  - published references: edfio's header JSON, MNE's stim-channel text and
 *    EEGLAB's .mat of the uneven-rate file (fixtures by gen_edf.py);
 *  - streaming: any block_records (random, including 1) gives the same
 *    samples, flags and virtual indices, and rewind() starts over;
 *  - every corrupt or partial file gives one clear one-line error naming the
 *    file and the place, with the right status, or the documented warning.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/check.h"
#include "pipeline/source/edf_header.h"
#include "pipeline/source/edf_tal.h"
#include "pipeline/source/source.h"
#include "base/path.h"
#include "base/walltime.h"
#include "tests/support_edf.h"
#include "tests/support_tmp.h"

#define DATA "../shared/data/edf-conformance/"

static uint64_t rng = 20240611;
static int random_int(int lo, int hi)
{
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    return lo + (int)((rng >> 33) % (uint64_t)(hi - lo + 1));
}

/* ---------------------------------------------------------------- reading everything */

/* All samples of a recording, per channel, with each sample's virtual index. */
typedef struct {
    int n_channels;
    int64_t *n;
    float **x;
    uint8_t **flags;
    int64_t **index;
    int n_blocks;
} all_samples;

static void free_samples(all_samples *d)
{
    for (int c = 0; c < d->n_channels; c++) {
        free(d->x[c]);
        free(d->flags[c]);
        free(d->index[c]);
    }
    free(d->n);
    free(d->x);
    free(d->flags);
    free(d->index);
    memset(d, 0, sizeof *d);
}

/* Read src to the end, checking the block contract on the way: each block
 * holds whole records (n[c] = k * samples_per_record for the same k on every
 * channel), fits the block's capacity, and never goes back in time. */
static bool read_samples(ictus_source *src, all_samples *d)
{
    const ictus_recording_info *in = ictus_source_info(src);
    int nc = in->n_channels;
    d->n_channels = nc;
    d->n = calloc((size_t)nc + 1, sizeof *d->n);
    d->x = calloc((size_t)nc + 1, sizeof *d->x);
    d->flags = calloc((size_t)nc + 1, sizeof *d->flags);
    d->index = calloc((size_t)nc + 1, sizeof *d->index);
    for (int c = 0; c < nc; c++) {
        int64_t total = in->channels[c].n_samples;
        d->x[c] = malloc((size_t)total * sizeof(float) + 1);
        d->flags[c] = malloc((size_t)total + 1);
        d->index[c] = malloc((size_t)total * sizeof(int64_t) + 1);
    }
    ictus_block *blk = ictus_block_create(src);
    ictus_error err;
    bool ok = true;
    int64_t last_start_us = -1;
    for (;;) {
        if (ictus_source_read(src, blk, &err) != ICTUS_OK) {
            CHECK_MSG(false, "read: %s", err.msg);
            ok = false;
            break;
        }
        if (nc == 0 || blk->n[0] == 0)
            break;
        d->n_blocks++;
        int64_t k = blk->n[0] / in->channels[0].samples_per_record;
        ok &= CHECK_MSG(blk->start_us > last_start_us, "block start %lld after %lld",
                        (long long)blk->start_us, (long long)last_start_us);
        last_start_us = blk->start_us;
        for (int c = 0; c < nc; c++) {
            int64_t m = blk->n[c];
            ok &= CHECK_MSG(m == k * in->channels[c].samples_per_record && m <= blk->capacity &&
                            d->n[c] + m <= in->channels[c].n_samples,
                            "channel %d: block of %lld samples (k %lld, capacity %lld)", c,
                            (long long)m, (long long)k, (long long)blk->capacity);
            if (!ok)
                break;
            memcpy(d->x[c] + d->n[c], blk->samples[c], (size_t)m * sizeof(float));
            memcpy(d->flags[c] + d->n[c], blk->flags[c], (size_t)m);
            for (int64_t i = 0; i < m; i++)
                d->index[c][d->n[c] + i] = blk->first_index[c] + i;
            d->n[c] += m;
        }
        if (!ok)
            break;
    }
    ictus_block_destroy(blk);
    for (int c = 0; c < nc && ok; c++)
        ok &= CHECK_MSG(d->n[c] == in->channels[c].n_samples, "channel %d: read %lld of %lld", c,
                        (long long)d->n[c], (long long)in->channels[c].n_samples);
    return ok;
}

static ictus_source *open_ok(const char *path, const ictus_source_options *opt)
{
    ictus_source *src = NULL;
    ictus_error err = {0};
    ictus_status st = ictus_source_open(path, opt, &src, &err);
    CHECK_MSG(st == ICTUS_OK, "open %s: %s", path, err.msg);
    return src;
}

/* ---------------------------------------------------------------- against EDFlib */

static void trim(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == ' ')
        s[--n] = '\0';
}

typedef struct {
    int64_t onset, duration; /* ticks; duration -1 when absent */
    char text[EDFLIB_MAX_ANNOTATION_LEN + 1];
    int seq;
} edflib_annotation;

static int by_onset(const void *a, const void *b)
{
    const edflib_annotation *x = a, *y = b;
    if (x->onset != y->onset)
        return x->onset < y->onset ? -1 : 1;
    return x->seq - y->seq;
}

/* Sample tolerance: 1e-6 of the physical range plus two float32 roundings. */
static double sample_tolerance(const ictus_channel_info *ch, double value)
{
    return 1e-6 * fabs(ch->phys_max - ch->phys_min) + 2.0 * ldexp(fabs(value), -24);
}

/* Compare what ictus read (in, d) with EDFlib's reading of edflib_path.
 * `units`: also compare units (false when the copy had its unit repaired). */
static void compare_with_edflib(const char *edflib_path, const ictus_recording_info *in,
                                const all_samples *d, bool units)
{
    int code;
    struct edf_hdr_struct *e = support_edflib_open(edflib_path, EDFLIB_READ_ALL_ANNOTATIONS, &code);
    if (!CHECK_MSG(e != NULL, "%s: EDFlib refuses it (%d)", edflib_path, code))
        return;
    /* EDFlib lists the annotation signal of a plain EDF file as a signal */
    int map[EDFLIB_MAXSIGNALS], n = 0;
    for (int s = 0; s < e->edfsignals; s++) {
        char label[17];
        snprintf(label, sizeof label, "%s", e->signalparam[s].label);
        trim(label);
        if (strcmp(label, "EDF Annotations") != 0 && strcmp(label, "BDF Annotations") != 0)
            map[n++] = s;
    }
    CHECK_INT(in->n_channels, n);
    CHECK_INT(in->n_records, e->datarecords_in_file);
    CHECK_INT(llround(in->record_s * 1e7), e->datarecord_duration);
    int64_t start = ictus_walltime_from_civil(e->startdate_year, e->startdate_month,
                                              e->startdate_day, e->starttime_hour,
                                              e->starttime_minute, e->starttime_second, 0);
    CHECK_INT(in->start_us, start + ictus_edf_ticks_to_us(e->starttime_subsecond));

    for (int c = 0; c < n && c < in->n_channels; c++) {
        const struct edf_param_struct *p = &e->signalparam[map[c]];
        const ictus_channel_info *ch = &in->channels[c];
        char label[17], unit[9];
        snprintf(label, sizeof label, "%s", p->label);
        snprintf(unit, sizeof unit, "%s", p->physdimension);
        trim(label);
        trim(unit);
        CHECK_STR(ch->label, label);
        if (units)
            CHECK_STR(ch->unit, unit);
        CHECK(ch->phys_min == p->phys_min && ch->phys_max == p->phys_max);
        CHECK(ch->dig_min == p->dig_min && ch->dig_max == p->dig_max);
        CHECK_INT(ch->samples_per_record, p->smp_in_datarecord);
        CHECK_INT(ch->n_samples, p->smp_in_file);
        CHECK_NEAR(ch->fs_hz, p->smp_in_datarecord * 1e7 / (double)e->datarecord_duration, 1e-12,
                   0);

        int64_t total = p->smp_in_file, bad = 0, bad_flags = 0, worst_at = -1;
        double worst = 0;
        double *phys = malloc((size_t)total * sizeof(double) + 1);
        int *dig = malloc((size_t)total * sizeof(int) + 1);
        edfrewind(e->handle, map[c]);
        int got = edfread_physical_samples(e->handle, map[c], (int)total, phys);
        edfrewind(e->handle, map[c]);
        int got_dig = edfread_digital_samples(e->handle, map[c], (int)total, dig);
        CHECK_MSG(got == total && got_dig == total && d->n[c] == total,
                  "%s channel %d: EDFlib read %d/%d of %lld", edflib_path, c, got, got_dig,
                  (long long)total);
        for (int64_t i = 0; i < total && i < got && i < got_dig && i < d->n[c]; i++) {
            double ours = d->x[c][i] / ch->uv_per_unit;
            double diff = fabs(ours - phys[i]);
            if (diff > sample_tolerance(ch, phys[i])) {
                bad++;
                if (diff > worst) {
                    worst = diff;
                    worst_at = i;
                }
            }
            bool clip = dig[i] <= ch->dig_min || dig[i] >= ch->dig_max;
            bad_flags += d->flags[c][i] != (clip ? ICTUS_SAMPLE_CLIP : 0);
        }
        CHECK_MSG(bad == 0, "%s channel %d '%s': %lld samples differ from EDFlib, worst %g at %lld",
                  edflib_path, c, ch->label, (long long)bad, worst, (long long)worst_at);
        CHECK_MSG(bad_flags == 0,
                  "%s channel %d: %lld clip flags differ from EDFlib's digital values", edflib_path,
                  c, (long long)bad_flags);
        free(phys);
        free(dig);
    }

    if (e->filetype == EDFLIB_FILETYPE_EDFPLUS || e->filetype == EDFLIB_FILETYPE_BDFPLUS) {
        int64_t na = e->annotations_in_file;
        CHECK_INT(in->n_annotations, na);
        edflib_annotation *a = calloc((size_t)na + 1, sizeof *a);
        for (int64_t i = 0; i < na; i++) {
            struct edf_annotation_struct x;
            edf_get_annotation(e->handle, (int)i, &x);
            a[i].onset = x.onset;
            a[i].duration = x.duration_l == -EDFLIB_TIME_DIMENSION ? -1 : x.duration_l;
            snprintf(a[i].text, sizeof a[i].text, "%s", x.annotation);
            a[i].seq = (int)i;
        }
        qsort(a, (size_t)na, sizeof *a,
              by_onset); /* ictus sorts by onset, EDFlib keeps file order */
        int64_t bad = 0;
        for (int64_t i = 0; i < na && i < in->n_annotations; i++) {
            const ictus_annotation *o = &in->annotations[i];
            bool same = llabs(o->onset_us * 10 - a[i].onset) <= 5 &&
                        (a[i].duration < 0 ? o->duration_us == -1
                                           : llabs(o->duration_us * 10 - a[i].duration) <= 5) &&
                        strcmp(o->text, a[i].text) == 0;
            if (!same && bad++ < 3)
                CHECK_MSG(
                    false, "%s annotation %lld: ours %lld us %lld us '%s', EDFlib %lld %lld '%s'",
                    edflib_path, (long long)i, (long long)o->onset_us, (long long)o->duration_us,
                    o->text, (long long)a[i].onset, (long long)a[i].duration, a[i].text);
        }
        CHECK_MSG(bad == 0, "%s: %lld annotations differ from EDFlib", edflib_path, (long long)bad);
        free(a);
    }
    support_edflib_close(e);
}

/* ---------------------------------------------------------------- conformance */

static const struct {
    const char *name;
    bool edflib;       /* EDFlib 1.23 opens it */
    int n_annotations; /* PROVENANCE.md's EDFlib counts; ours for the files EDFlib skips */
} conformance[] = {
    {"edfio/SC4001EC-Hypnogram.edf", true, 154},
    {"edfio/short_psg.bdf", true, 0},
    {"edfio/short_psg.edf", true, 0},
    {"edfio/test_subsecond.bdf", true, 4},
    {"mne/duplicate_channel_labels.edf", true, 0},
    {"mne/test.bdf", false, 0},
    {"mne/test.edf", true, 5},
    {"mne/test_bdf_stim_channel.bdf", true, 0},
    {"mne/test_edf_stim_channel.edf", true, 0},
    {"mne/test_stim_channel.edf", true, 0},
    {"mne/test_uneven_samp.edf", true, 0},
    {"pyedflib/test_generator.bdf", true, 0},
    {"pyedflib/test_generator.edf", true, 2},
    {"pyedflib/test_generator_datarec_generator_0_5.bdf", true, 0},
    {"pyedflib/test_generator_datarec_generator_2.bdf", true, 0},
    {"pyedflib/test_legacy.edf", true, 2}, /* EDFlib reads it as plain EDF, without them */
    {"pyedflib/test_subsecond.edf", true, 4},
    {"pyedflib/test_utf8.edf", true, 5},
    {"wfdb/test_edfann.edf", true, 856},
    {"wfdb/test_generator_2.edf", false, 2},
};
#define N_CONFORMANCE (int)(sizeof conformance / sizeof conformance[0])

/* Every .edf/.bdf under DATA is in the table: no file escapes the test. */
static void test_every_file_listed(void)
{
    static const char *const dirs[] = {"edfio", "mne", "pyedflib", "wfdb"};
    int found = 0;
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        const char *dir = support_path(DATA, dirs[i]);
        DIR *dp = opendir(dir);
        if (!CHECK_MSG(dp != NULL, "cannot list %s", dir))
            continue;
        for (struct dirent *de; (de = readdir(dp)) != NULL;) {
            if (!ictus_path_has_suffix(de->d_name, ".edf") &&
                !ictus_path_has_suffix(de->d_name, ".bdf"))
                continue;
            const char *name = support_path(dirs[i], de->d_name);
            bool listed = false;
            for (int k = 0; k < N_CONFORMANCE; k++)
                listed |= strcmp(conformance[k].name, name) == 0;
            CHECK_MSG(listed, "%s is not in the conformance table", name);
            found++;
        }
        closedir(dp);
    }
    CHECK_INT(found, N_CONFORMANCE);
}

static void test_conformance(void)
{
    for (int k = 0; k < N_CONFORMANCE; k++) {
        const char *path = support_path(DATA, conformance[k].name);
        ictus_source *src = open_ok(path, NULL);
        if (!src)
            continue;
        const ictus_recording_info *in = ictus_source_info(src);
        all_samples d = {0};
        read_samples(src, &d);
        CHECK_MSG(in->n_annotations == conformance[k].n_annotations, "%s: %d annotations",
                  path, in->n_annotations);
        if (conformance[k].edflib) {
            CHECK_MSG(in->warning[0] == '\0', "%s: warning '%s'", path, in->warning);
            compare_with_edflib(path, in, &d, true);
        } else {
            CHECK_MSG(strstr(in->warning, "EDFlib 1.23 refuses") != NULL, "%s: warning '%s'", path,
                      in->warning);
        }
        /* one contiguous segment with every sample, indices 0..n-1 */
        CHECK_INT(in->n_segments, in->n_channels ? 1 : 0);
        for (int c = 0; c < in->n_channels; c++)
            CHECK(d.n[c] == 0 || d.index[c][d.n[c] - 1] == d.n[c] - 1);
        if (in->n_segments == 1)
            CHECK_INT(in->segments[0].end_us, in->duration_us);
        free_samples(&d);
        ictus_source_close(src);
    }
}

/* The legacy file is test_generator.edf with its reserved field blanked:
 * its annotation channel is still found and parsed (EDFlib ignores it). */
static void test_legacy_annotations(void)
{
    ictus_source *a = open_ok(DATA "pyedflib/test_legacy.edf", NULL);
    ictus_source *b = open_ok(DATA "pyedflib/test_generator.edf", NULL);
    if (a && b) {
        const ictus_recording_info *x = ictus_source_info(a), *y = ictus_source_info(b);
        CHECK_INT(x->format, ICTUS_FORMAT_EDF);
        CHECK_INT(x->n_channels, 11);
        CHECK_INT(x->n_annotations, y->n_annotations);
        for (int i = 0; i < x->n_annotations && i < y->n_annotations; i++) {
            CHECK_INT(x->annotations[i].onset_us, y->annotations[i].onset_us);
            CHECK_STR(x->annotations[i].text, y->annotations[i].text);
        }
        CHECK_STR(x->annotations[1].text, "Recording ends");
        CHECK_INT(x->annotations[1].onset_us, 600 * ICTUS_US_PER_S);
    }
    ictus_source_close(a);
    ictus_source_close(b);
}

/* ---------------------------------------------------------------- files EDFlib refuses */

/* Ours against a direct decode of the raw bytes (double arithmetic) and
 * within each channel's physical range. */
static void compare_with_bytes(const char *path, const ictus_recording_info *in,
                               const all_samples *d)
{
    int fd = open(path, O_RDONLY);
    ictus_edf_header h;
    ictus_error err;
    if (!CHECK_MSG(ictus_edf_header_read(fd, path, &h, &err) == ICTUS_OK, "%s", err.msg)) {
        close(fd);
        return;
    }
    close(fd);
    size_t size;
    unsigned char *file = support_edf_read_file(path, &size);
    int c = 0;
    for (int s = 0; s < h.n_signals; s++) {
        const ictus_edf_signal *sig = &h.signals[s];
        if (sig->is_annotation)
            continue;
        const ictus_channel_info *ch = &in->channels[c];
        double lo = fmin(ch->phys_min, ch->phys_max), hi = fmax(ch->phys_min, ch->phys_max);
        int64_t bad = 0, outside = 0;
        for (int64_t i = 0; i < d->n[c]; i++) {
            int64_t r = i / sig->samples_per_record, j = i % sig->samples_per_record;
            int32_t v = support_edf_raw_sample(file, h.header_bytes, h.record_bytes,
                                               sig->record_offset, h.bytes_per_sample, r, j);
            double expect = (v - (double)ch->dig_min) * (ch->phys_max - ch->phys_min) /
                                ((double)ch->dig_max - ch->dig_min) + ch->phys_min;
            double ours = d->x[c][i] / ch->uv_per_unit;
            bad += fabs(ours - expect) > sample_tolerance(ch, expect);
            outside +=
                (v >= ch->dig_min && v <= ch->dig_max) &&
                (ours < lo - sample_tolerance(ch, lo) || ours > hi + sample_tolerance(ch, hi));
        }
        CHECK_MSG(bad == 0 && outside == 0,
                  "%s channel %d: %lld differ from the bytes, %lld outside "
                  "the physical range",
                  path, c, (long long)bad, (long long)outside);
        c++;
    }
    free(file);
    ictus_edf_header_clear(&h);
}

/* Copy `path` into dir/name with `n` bytes at `at` replaced. */
static char *patched_copy(const char *dir, const char *name, const char *path, int64_t at,
                          const char *bytes, size_t n)
{
    size_t size;
    unsigned char *file = support_edf_read_file(path, &size);
    memcpy(file + at, bytes, n);
    char *out = ictus_path_join_alloc(dir, name);
    CHECK(support_edf_write_file(out, file, size));
    free(file);
    return out;
}

static void test_refused_by_edflib(void)
{
    char *dir = support_tmpdir("edf");

    /* mne/test.bdf: BioSemi writes the number of records right-aligned */
    const char *bdf = DATA "mne/test.bdf";
    ictus_source *src = open_ok(bdf, NULL);
    if (src) {
        const ictus_recording_info *in = ictus_source_info(src);
        CHECK(support_edf_msg_has(in->warning, "EDFlib 1.23 refuses", "error -3",
                                  "number of data records '  1' is not left-aligned", NULL));
        CHECK_INT(in->format, ICTUS_FORMAT_BDF);
        CHECK_INT(in->n_channels, 73);
        CHECK_INT(in->n_records, 1);
        CHECK_NEAR(in->channels[0].fs_hz, 2048, 0, 0);
        char when[32];
        CHECK_STR(ictus_walltime_format(in->start_us, when, sizeof when),
                  "2013-08-01T13:21:46.000");
        CHECK_STR(in->channels[72].label, "Status");
        CHECK_STR(in->channels[72].unit, "Boolean");
        CHECK_STR(in->channels[72].transducer, "Triggers and Status");
        CHECK_STR(in->channels[0].prefilter, "HP: DC; LP: 417 Hz");
        all_samples d = {0};
        read_samples(src, &d);
        compare_with_bytes(bdf, in, &d);
        char *fixed =
            patched_copy(dir, "test_fixed.bdf", bdf, ICTUS_EDF_AT_N_RECORDS, "1       ", 8);
        compare_with_edflib(fixed, in, &d, true);
        free(fixed);
        free_samples(&d);
        ictus_source_close(src);
    }

    /* wfdb/test_generator_2.edf: unit "\xb0" (Latin-1 degree sign) in signals 8 and 9 */
    const char *edf = DATA "wfdb/test_generator_2.edf";
    src = open_ok(edf, NULL);
    if (src) {
        const ictus_recording_info *in = ictus_source_info(src);
        CHECK(support_edf_msg_has(in->warning, "EDFlib 1.23 refuses", "signal 8 'sine 15 Hz'",
                                  "non-ASCII byte 0xb0 (read as Latin-1)", NULL));
        CHECK_INT(in->format, ICTUS_FORMAT_EDFPLUS_C);
        CHECK_INT(in->n_channels, 11);
        CHECK_INT(in->n_records, 600);
        CHECK_STR(in->channels[8].unit, "\xc2\xb0");
        CHECK_STR(in->channels[9].unit, "\xc2\xb0");
        CHECK(!in->channels[8].is_voltage && in->channels[8].uv_per_unit == 1);
        CHECK_STR(in->channels[7].unit, "uV");
        CHECK_STR(in->annotations[0].text, "RECORD START");
        CHECK_STR(in->annotations[1].text, "REC STOP");
        all_samples d = {0};
        read_samples(src, &d);
        compare_with_bytes(edf, in, &d);
        int64_t unit8 = ictus_edf_field_at(12, ICTUS_EDF_UNIT, 8, NULL);
        int64_t unit9 = ictus_edf_field_at(12, ICTUS_EDF_UNIT, 9, NULL);
        char *once = patched_copy(dir, "gen2_once.edf", edf, unit8, "d", 1);
        char *fixed = patched_copy(dir, "gen2_fixed.edf", once, unit9, "d", 1);
        compare_with_edflib(fixed, in, &d, false);
        free(once);
        free(fixed);
        free_samples(&d);
        ictus_source_close(src);
    }
    support_tmpdir_remove(dir);
}

/* ---------------------------------------------------------------- published references */

static FILE *open_fixture(const char *name)
{
    const char *path = support_path("tests/fixtures", name);
    FILE *f = fopen(path, "r");
    CHECK_MSG(f != NULL, "cannot open %s (run from the project root)", path);
    return f;
}

/* Skip '#' comment lines; returns false at the end. */
static bool next_line(FILE *f, char *line, size_t size)
{
    while (fgets(line, (int)size, f))
        if (line[0] != '#') {
            line[strcspn(line, "\n")] = '\0';
            return true;
        }
    return false;
}

static void test_short_psg_reference(void)
{
    static const char *const files[] = {DATA "edfio/short_psg.edf", DATA "edfio/short_psg.bdf"};
    for (int k = 0; k < 2; k++) {
        FILE *f = open_fixture("edf_short_psg_header.txt");
        ictus_source *src = open_ok(files[k], NULL);
        if (!f || !src) {
            if (f)
                fclose(f);
            ictus_source_close(src);
            continue;
        }
        const ictus_recording_info *in = ictus_source_info(src);
        char line[512];
        int c = 0;
        for (; next_line(f, line, sizeof line); c++) {
            /* label|transducer|unit|phys_min|phys_max|dig_min|dig_max|prefilter|spr|fs_hz */
            char *field[10];
            int n = 0;
            field[n++] = line;
            for (char *p = line; *p && n < 10; p++)
                if (*p == '|') {
                    *p = '\0';
                    field[n++] = p + 1;
                }
            if (!CHECK_MSG(c < in->n_channels && n == 10, "%s: reference line %d", files[k], c))
                break;
            const ictus_channel_info *ch = &in->channels[c];
            CHECK_STR(ch->label, field[0]);
            CHECK_STR(ch->transducer, field[1]);
            CHECK_STR(ch->unit, field[2]);
            CHECK_NEAR(ch->phys_min, atof(field[3]), 0, 0);
            CHECK_NEAR(ch->phys_max, atof(field[4]), 0, 0);
            CHECK_INT(ch->dig_min, atoi(field[5]));
            CHECK_INT(ch->dig_max, atoi(field[6]));
            CHECK_STR(ch->prefilter, field[7]);
            CHECK_INT(ch->samples_per_record, atoi(field[8]));
            CHECK_NEAR(ch->fs_hz, atof(field[9]), 1e-12, 0);
        }
        CHECK_INT(c, 7);
        CHECK_INT(in->n_channels, 7);
        fclose(f);
        ictus_source_close(src);
    }
}

/* MNE's reference: pre-quantisation values printed with 7 significant
 * digits.  Tolerance: half a unit of the 7th digit plus one digital step. */
static void test_stim_channel_reference(void)
{
    FILE *f = open_fixture("edf_stim_channel.txt");
    ictus_source *src = open_ok(DATA "mne/test_edf_stim_channel.edf", NULL);
    if (f && src) {
        const ictus_recording_info *in = ictus_source_info(src);
        all_samples d = {0};
        read_samples(src, &d);
        CHECK_NEAR(in->record_s, 9.59375, 0, 0);
        CHECK_INT(in->channels[0].samples_per_record, 1228);
        char line[4096];
        int signals = 0, samples = 0;
        if (next_line(f, line, sizeof line))
            sscanf(line, "signals %d samples %d", &signals, &samples);
        CHECK_INT(signals, 25);
        CHECK_INT(samples, 717);
        int64_t bad = 0, rows = 0;
        for (; rows < samples && next_line(f, line, sizeof line); rows++) {
            char *p = line;
            for (int c = 0; c < signals && c < in->n_channels; c++) {
                double ref = strtod(p, &p);
                const ictus_channel_info *ch = &in->channels[c];
                double step = fabs(ch->phys_max - ch->phys_min) / (ch->dig_max - ch->dig_min);
                double print = ref == 0 ? 0 : 0.5 * pow(10, floor(log10(fabs(ref))) - 6);
                bad += fabs(d.x[c][rows] - ref) > print + step + ldexp(fabs(ref), -23);
            }
        }
        CHECK_INT(rows, 717);
        CHECK_MSG(bad == 0, "%lld samples differ from MNE's reference", (long long)bad);
        for (int64_t i = 0; i < 717; i++) /* the trigger channel is exact */
            bad += d.x[24][i] != 0.0f && d.x[24][i] != 100.0f;
        CHECK_INT(bad, 0);
        free_samples(&d);
    }
    if (f)
        fclose(f);
    ictus_source_close(src);
}

/* EEGLAB's float32 import: tolerance four float32 roundings of the value. */
static void test_uneven_reference(void)
{
    FILE *f = open_fixture("edf_uneven_samp.txt");
    ictus_source *src = open_ok(DATA "mne/test_uneven_samp.edf", NULL);
    if (f && src) {
        const ictus_recording_info *in = ictus_source_info(src);
        all_samples d = {0};
        read_samples(src, &d);
        CHECK_NEAR(in->channels[0].fs_hz, 100, 0, 0);
        CHECK_NEAR(in->channels[1].fs_hz, 12.8, 1e-15, 0);
        CHECK(in->channels[0].is_voltage && in->channels[0].uv_per_unit == 1e6);
        char line[256];
        for (int k = 0; k < 2; k++) {
            int c = -1, n = 0;
            char unit[8] = "";
            if (next_line(f, line, sizeof line))
                sscanf(line, "channel %d unit %7s samples %d", &c, unit, &n);
            if (!CHECK_MSG(c == k && n == d.n[k], "uneven reference: channel %d of %d samples", c,
                           n))
                break;
            double scale = strcmp(unit, "V") == 0 ? 1e6 : 1;
            int64_t bad = 0;
            for (int i = 0; i < n && next_line(f, line, sizeof line); i++) {
                double ref = atof(line) * scale;
                bad += fabs(d.x[k][i] - ref) > ldexp(fabs(ref), -22) + 1e-9;
            }
            CHECK_MSG(bad == 0, "channel %d: %lld samples differ from EEGLAB's", k, (long long)bad);
        }
        free_samples(&d);
    }
    if (f)
        fclose(f);
    ictus_source_close(src);
}

/* ---------------------------------------------------------------- streaming */

static bool same_samples(const all_samples *a, const all_samples *b)
{
    if (a->n_channels != b->n_channels)
        return false;
    for (int c = 0; c < a->n_channels; c++)
        if (a->n[c] != b->n[c] ||
            memcmp(a->x[c], b->x[c], (size_t)a->n[c] * sizeof(float)) != 0 ||
            memcmp(a->flags[c], b->flags[c], (size_t)a->n[c]) != 0 ||
            memcmp(a->index[c], b->index[c], (size_t)a->n[c] * sizeof(int64_t)) != 0)
            return false;
    return true;
}

static void test_streaming(void)
{
    static const char *const files[] = {
        DATA "pyedflib/test_generator.bdf",     /* 1000, 800, 500, 975, 999 Hz */
        DATA "mne/test_uneven_samp.edf",        /* 100 and 12.8 Hz, 10 s records */
        DATA "pyedflib/test_subsecond.edf",     /* sub-second start */
        DATA "pyedflib/test_generator_datarec_generator_0_5.bdf",
    };
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
        ictus_source *src = open_ok(files[k], NULL);
        if (!src)
            continue;
        all_samples ref = {0};
        read_samples(src, &ref);
        int64_t n_records = ictus_source_info(src)->n_records;
        /* the default block: whole records of about 64 s (small records here) */
        double record_s = ictus_source_info(src)->record_s;
        int64_t per_block = record_s < 64 ? (int64_t)(64 / record_s) : 1;
        CHECK_MSG(ref.n_blocks == (n_records + per_block - 1) / per_block, "%s: %d blocks",
                  files[k], ref.n_blocks);
        /* rewind, then read again */
        ictus_error err;
        CHECK(ictus_source_rewind(src, &err) == ICTUS_OK);
        all_samples again = {0};
        read_samples(src, &again);
        CHECK_MSG(same_samples(&ref, &again), "%s: rewind changes the samples", files[k]);
        free_samples(&again);
        ictus_source_close(src);
        for (int trial = 0; trial < 6; trial++) {
            ictus_source_options opt = {0};
            opt.block_records = trial == 0 ? 1 : trial == 1 ? (int)n_records + 5
                                                            : random_int(1, (int)n_records);
            src = open_ok(files[k], &opt);
            if (!src)
                continue;
            all_samples d = {0};
            read_samples(src, &d);
            int64_t expect_blocks = (n_records + opt.block_records - 1) / opt.block_records;
            CHECK_MSG(d.n_blocks == expect_blocks,
                      "%s: %d blocks of %d records", files[k], d.n_blocks, opt.block_records);
            CHECK_MSG(same_samples(&ref, &d), "%s: block_records %d changes the samples", files[k],
                      opt.block_records);
            free_samples(&d);
            ictus_source_close(src);
        }
        free_samples(&ref);
    }
}

/* ---------------------------------------------------------------- corrupt and partial files */

/* Write the image to dir/name, open it, and expect `status` with a one-line
 * message holding the path and every given string (NULL-terminated). */
static void expect_error(const char *dir, const char *name, const void *bytes, size_t size,
                         const ictus_source_options *opt, ictus_status status, ...)
{
    char *path = ictus_path_join_alloc(dir, name);
    CHECK(support_edf_write_file(path, bytes, size));
    ictus_source *src = NULL;
    ictus_error err = {0};
    ictus_status st = ictus_source_open(path, opt, &src, &err);
    CHECK_MSG(st == status, "%s: status %s, expected %s (%s)", name, ictus_strstatus(st),
              ictus_strstatus(status), err.msg);
    CHECK(src == NULL);
    bool ok = strchr(err.msg, '\n') == NULL && strstr(err.msg, path) != NULL;
    va_list ap;
    va_start(ap, status);
    for (const char *s = va_arg(ap, const char *); s; s = va_arg(ap, const char *))
        ok = ok && strstr(err.msg, s) != NULL;
    va_end(ap);
    CHECK_MSG(ok, "%s: message '%s'", name, err.msg);
    ictus_source_close(src);
    free(path);
}

static void put_signal(support_edf_image *img, ictus_edf_field f, int s, const char *text)
{
    int width;
    int64_t at = ictus_edf_field_at(img->n_signals, f, s, &width);
    support_edf_put(img->bytes, at, width, text);
}

static void test_corrupt_header(void)
{
    char *dir = support_tmpdir("edf");
    support_edf_image base = support_edf_make(2, 10, 4, "", 0);
    support_edf_image img = base;
    img.bytes = malloc(base.size);
#define RESET() memcpy(img.bytes, base.bytes, base.size)
#define EXPECT(name, status, ...)                                                                  \
    expect_error(dir, name, img.bytes, img.size, NULL, status, __VA_ARGS__, NULL)

    RESET();
    expect_error(dir, "short_fixed.edf", img.bytes, 100, NULL, ICTUS_ERR_TRUNCATED, "header",
                 "byte 100", NULL);
    expect_error(dir, "short_signals.edf", img.bytes, 300, NULL, ICTUS_ERR_TRUNCATED, "header",
                 "byte 300", "signal headers", NULL);
    RESET();
    support_edf_put(img.bytes, ICTUS_EDF_AT_HEADER_BYTES, 8, "1024");
    EXPECT("header_bytes.edf", ICTUS_ERR_FORMAT, "number of header bytes 1024", "768");
    RESET();
    support_edf_put(img.bytes, ICTUS_EDF_AT_N_SIGNALS, 4, "0");
    EXPECT("ns0.edf", ICTUS_ERR_FORMAT, "number of signals 0");
    RESET();
    support_edf_put(img.bytes, ICTUS_EDF_AT_N_SIGNALS, 4, "9999");
    EXPECT("ns_huge.edf", ICTUS_ERR_FORMAT, "number of signals 9999");
    RESET();
    support_edf_put(img.bytes, ICTUS_EDF_AT_N_SIGNALS, 4, "two");
    EXPECT("ns_text.edf", ICTUS_ERR_FORMAT, "number of signals 'two'");
    RESET();
    support_edf_put(img.bytes, ICTUS_EDF_AT_N_RECORDS, 8, "1.5");
    EXPECT("nrec_text.edf", ICTUS_ERR_FORMAT, "number of data records '1.5' is not an integer");
    RESET();
    support_edf_put(img.bytes, ICTUS_EDF_AT_N_RECORDS, 8, "-2");
    EXPECT("nrec_neg.edf", ICTUS_ERR_FORMAT, "number of data records -2");
    RESET();
    support_edf_put(img.bytes, ICTUS_EDF_AT_DURATION, 8, "1s");
    EXPECT("duration_text.edf", ICTUS_ERR_FORMAT, "data record duration '1s'");
    RESET();
    support_edf_put(img.bytes, ICTUS_EDF_AT_DURATION, 8, "0");
    EXPECT("duration0.edf", ICTUS_ERR_FORMAT, "data record duration is 0");
    RESET();
    support_edf_put(img.bytes, ICTUS_EDF_AT_DATE, 8, "32.01.20");
    EXPECT("date_day.edf", ICTUS_ERR_FORMAT, "start date '32.01.20' is not a valid date");
    RESET();
    support_edf_put(img.bytes, ICTUS_EDF_AT_DATE, 8, "29.02.21");
    EXPECT("date_leap.edf", ICTUS_ERR_FORMAT, "start date '29.02.21'");
    RESET();
    support_edf_put(img.bytes, ICTUS_EDF_AT_DATE, 8, "1a.01.20");
    EXPECT("date_text.edf", ICTUS_ERR_FORMAT, "start date '1a.01.20' is not dd.mm.yy");
    /* the EDF+ Startdate's full year, held to 1985..2184 (base/limits.h) */
    RESET();
    support_edf_put(img.bytes, ICTUS_EDF_AT_DATE, 8, "02.01.94");
    support_edf_put(img.bytes, ICTUS_EDF_AT_RECORDING, 80, "Startdate 02-JAN-5194 X X X");
    EXPECT("date_5194.edf", ICTUS_ERR_FORMAT, "start date '02.01.94' is in year 5194",
           "1985..2184");
    RESET();
    support_edf_put(img.bytes, ICTUS_EDF_AT_DATE, 8, "02.01.20");
    support_edf_put(img.bytes, ICTUS_EDF_AT_RECORDING, 80, "Startdate 02-JAN-1920 X X X");
    EXPECT("date_1920.edf", ICTUS_ERR_FORMAT, "is in year 1920");
    RESET();
    support_edf_put(img.bytes, ICTUS_EDF_AT_DATE, 8, "02.01.85");
    support_edf_put(img.bytes, ICTUS_EDF_AT_RECORDING, 80, "Startdate 02-JAN-2185 X X X");
    EXPECT("date_2185.edf", ICTUS_ERR_FORMAT, "is in year 2185");
    RESET();
    support_edf_put(img.bytes, ICTUS_EDF_AT_TIME, 8, "24.00.00");
    EXPECT("time.edf", ICTUS_ERR_FORMAT, "start time '24.00.00'");
    RESET();
    put_signal(&img, ICTUS_EDF_PHYS_MIN, 1, "abc");
    EXPECT("phys_text.edf", ICTUS_ERR_FORMAT,
           "signal 1 'S1': physical minimum 'abc' is not a number");
    RESET();
    put_signal(&img, ICTUS_EDF_PHYS_MAX, 0, "-3276.8");
    EXPECT("phys_equal.edf", ICTUS_ERR_FORMAT,
           "signal 0 'S0': physical minimum equals physical maximum");
    RESET();
    put_signal(&img, ICTUS_EDF_DIG_MAX, 1, "-32768");
    EXPECT("dig_equal.edf", ICTUS_ERR_FORMAT, "signal 1 'S1': digital minimum -32768 is not below");
    RESET();
    put_signal(&img, ICTUS_EDF_DIG_MAX, 1, "40000");
    EXPECT("dig_range.edf", ICTUS_ERR_FORMAT, "signal 1 'S1': digital range", "16-bit");
    RESET();
    put_signal(&img, ICTUS_EDF_DIG_MIN, 0, "-1e3");
    EXPECT("dig_text.edf", ICTUS_ERR_FORMAT,
           "signal 0 'S0': digital minimum '-1e3' is not an integer");
    RESET();
    put_signal(&img, ICTUS_EDF_SAMPLES, 1, "-1");
    EXPECT("spr_neg.edf", ICTUS_ERR_FORMAT,
           "signal 1 'S1': samples per record '-1' is not a positive integer");
    RESET();
    put_signal(&img, ICTUS_EDF_SAMPLES, 1, "");
    EXPECT("spr_empty.edf", ICTUS_ERR_FORMAT,
           "signal 1 'S1': samples per record '' is not an integer");
    RESET();
    put_signal(&img, ICTUS_EDF_SAMPLES, 0, "40000000");
    EXPECT("record_huge.edf", ICTUS_ERR_UNSUPPORTED, "data record of");
    RESET();
    support_edf_put(img.bytes, ICTUS_EDF_AT_RESERVED, 44, "EDF+D");
    EXPECT("plusd_no_annotations.edf", ICTUS_ERR_FORMAT, "EDF+D without an annotation signal");

    /* garbage after a valid magic, and an empty file */
    unsigned char garbage[2000];
    for (size_t i = 0; i < sizeof garbage; i++)
        garbage[i] = (unsigned char)random_int(0, 255);
    memcpy(garbage, "0       ", 8);
    expect_error(dir, "garbage.edf", garbage, sizeof garbage, NULL, ICTUS_ERR_FORMAT, "header",
                 NULL);
    expect_error(dir, "empty.edf", "", 0, NULL, ICTUS_ERR_FORMAT, "empty file", NULL);
    {   /* a directory where a recording was expected */
        char *sub = ictus_path_join_alloc(dir, "folder.edf");
        CHECK(mkdir(sub, 0700) == 0);
        ictus_source *src = NULL;
        ictus_error err = {0};
        CHECK(ictus_source_open(sub, NULL, &src, &err) == ICTUS_ERR_IO);
        CHECK_MSG(src == NULL && strstr(err.msg, sub) && strstr(err.msg, "is a directory"),
                  "directory: '%s'", err.msg);
        rmdir(sub);
        free(sub);
    }
    /* named .edf/.bdf without the magic: said so, not what libsndfile makes of it */
    expect_error(dir, "text.edf", "not a recording at all\n", 23, NULL, ICTUS_ERR_FORMAT,
                 "not an EDF or BDF file", NULL);
    expect_error(dir, "TEXT.BDF", "not a recording at all\n", 23, NULL, ICTUS_ERR_FORMAT,
                 "not an EDF or BDF file", NULL);
#undef EXPECT
#undef RESET
    free(img.bytes);
    free(base.bytes);
    support_tmpdir_remove(dir);
}

/* Still being written, cut short, trailing bytes: errors, or with
 * allow_partial the complete records and a warning. */
static void test_partial(void)
{
    char *dir = support_tmpdir("edf");
    support_edf_image img = support_edf_make(2, 10, 4, "EDF+C", 60);
    ictus_source_options partial = {0};
    partial.allow_partial = true;
    int64_t cut = support_edf_record_at(&img, 2) + 25; /* inside record 2 */

    expect_error(dir, "cut.edf", img.bytes, (size_t)cut, NULL, ICTUS_ERR_TRUNCATED,
                 "ends inside data record 2 of 4", NULL);
    expect_error(dir, "cut_boundary.edf", img.bytes, (size_t)support_edf_record_at(&img, 3), NULL,
                 ICTUS_ERR_TRUNCATED, "ends before data record 3 of 4", NULL);
    support_edf_put(img.bytes, ICTUS_EDF_AT_N_RECORDS, 8, "-1");
    expect_error(dir, "writing.edf", img.bytes, (size_t)cut, NULL, ICTUS_ERR_INCOMPLETE,
                 "-1", "still being written", "2 complete records", NULL);
    expect_error(dir, "writing_whole.edf", img.bytes, img.size, NULL, ICTUS_ERR_INCOMPLETE,
                 "still being written", "4 complete records and 0 bytes", NULL);

    struct {
        const char *name;
        const char *n_records;
        size_t size;
        int64_t expect_records;
        const char *warning;
    } cases[] = {
        {"writing_partial.edf", "-1", (size_t)cut, 2, "still being written"},
        {"cut_partial.edf", "4", (size_t)cut, 2, "cut short: read 2 of the 4"},
        {"trailing.edf", "3", img.size, 3, "bytes after the last data record ignored"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        support_edf_put(img.bytes, ICTUS_EDF_AT_N_RECORDS, 8, cases[k].n_records);
        char *path = ictus_path_join_alloc(dir, cases[k].name);
        CHECK(support_edf_write_file(path, img.bytes, cases[k].size));
        /* trailing bytes are read without allow_partial too */
        ictus_source *src = open_ok(path, k == 2 ? NULL : &partial);
        if (src) {
            const ictus_recording_info *in = ictus_source_info(src);
            CHECK_INT(in->n_records, cases[k].expect_records);
            CHECK_MSG(strstr(in->warning, cases[k].warning) != NULL, "%s: warning '%s'",
                      cases[k].name, in->warning);
            all_samples d = {0};
            read_samples(src, &d);
            CHECK_INT(d.n[0], cases[k].expect_records * 10);
            /* record r, sample i of signal 0 holds 1000 + 100 r + i, 0.1 µV per digit */
            CHECK_NEAR(d.x[0][d.n[0] - 1], 0.1 * (1000 + 100 * (cases[k].expect_records - 1) + 9),
                       1e-6, 0);
            free_samples(&d);
            ictus_source_close(src);
        }
        free(path);
    }
    free(img.bytes);
    support_tmpdir_remove(dir);
}

/* Timeline faults of EDF+C/D and malformed TALs, each naming the record. */
static void test_corrupt_annotations(void)
{
    char *dir = support_tmpdir("edf");
    support_edf_image img = support_edf_make(1, 4, 5, "EDF+D", 60);
    support_edf_image fresh = support_edf_make(1, 4, 5, "EDF+D", 60);
#define RESET() memcpy(img.bytes, fresh.bytes, img.size)
#define TAL(r, s) support_edf_set_tal(&img, r, s, sizeof s)
#define EXPECT(name, status, ...)                                                                  \
    expect_error(dir, name, img.bytes, img.size, NULL, status, __VA_ARGS__, NULL)

    RESET();
    TAL(3, "+1\x14\x14");
    EXPECT("out_of_order.edf", ICTUS_ERR_FORMAT, "record 3: starts at +1 s, before record 2");
    RESET();
    TAL(3, "+2.5\x14\x14");
    EXPECT("overlap.edf", ICTUS_ERR_FORMAT, "record 3: starts at +2.5 s, inside record 2", "+3 s");
    RESET();
    TAL(2, "3\x14\x14");
    EXPECT("tal_sign.edf", ICTUS_ERR_FORMAT, "record 2: annotation signal 1: malformed TAL",
           "byte 0", "'+' or '-'");
    RESET();
    TAL(2, "+2\x14\x14\0+2.x\x14oops\x14");
    EXPECT("tal_onset.edf", ICTUS_ERR_FORMAT, "record 2", "byte 8", "expected 0x14");
    RESET();
    TAL(1, "+1\x14\x14\0+1.5\x15z\x14oops\x14");
    EXPECT("tal_duration.edf", ICTUS_ERR_FORMAT, "record 1", "duration is not a number");
    RESET();
    TAL(4, "+4\x14\x14\0+4.5\x14no end");
    EXPECT("tal_text.edf", ICTUS_ERR_FORMAT, "record 4", "annotation text not ended by 0x14");
    RESET();
    memset(img.bytes + support_edf_record_at(&img, 1) + img.annotation_at, '+', 60);
    EXPECT("tal_unterminated.edf", ICTUS_ERR_FORMAT, "record 1", "onset is not a number");
    /* times past 10 years from the start: an error naming the record, not a
     * start in year 5194 (11 digits) or a signed overflow (12 digits) */
    RESET();
    TAL(2, "+2\x14\x14\0+99999999999\x14late\x14");
    EXPECT("tal_11_digits.edf", ICTUS_ERR_FORMAT, "record 2: annotation signal 1",
           "onset is more than 10 years", "+99999999999");
    RESET();
    TAL(2, "+2\x14\x14\0-999999999999\x14late\x14");
    EXPECT("tal_12_digits.edf", ICTUS_ERR_FORMAT, "record 2", "onset is more than 10 years");
    RESET();
    TAL(0, "+315576001\x14\x14");
    EXPECT("tal_timekeeping_far.edf", ICTUS_ERR_FORMAT, "record 0", "onset is more than");
    RESET();
    TAL(1, "+1\x14\x14\0+1\x15" "400000000\x14long\x14");
    EXPECT("tal_duration_far.edf", ICTUS_ERR_FORMAT, "record 1", "duration is more than 10 years");
    RESET();
    TAL(2, "+2\x14seizure\x14");
    EXPECT("no_timekeeping.edf", ICTUS_ERR_FORMAT, "record 2: annotation signal 1 does not start "
           "with a time-keeping TAL");

    /* the same file as EDF+C: record r must start at r seconds */
    support_edf_put(fresh.bytes, ICTUS_EDF_AT_RESERVED, 44, "EDF+C");
    RESET();
    TAL(3, "+3.0000001\x14\x14");
    EXPECT("c_timekeeping.edf", ICTUS_ERR_FORMAT, "record 3: time-keeping TAL says +3.0000001 s",
           "EDF+C", "+3 s");
#undef EXPECT
#undef TAL
#undef RESET
    free(img.bytes);
    free(fresh.bytes);
    support_tmpdir_remove(dir);
}

/* The TAL parser's limit on times (base/limits.h): 315576000 s and its
 * fraction are read, a second more is refused, however many digits follow,
 * on either sign, for onsets and durations alike. */
static void test_tal_time_limit(void)
{
    static const struct {
        const char *tal;
        bool ok;
        int64_t onset_ticks;
    } cases[] = {
        {"+315576000\x14\x14", true, INT64_C(315576000) * ICTUS_EDF_TICKS_PER_S},
        {"-315576000.9999999\x14\x14", true,
         -(INT64_C(315576000) * ICTUS_EDF_TICKS_PER_S + 9999999)},
        {"+315576001\x14\x14", false, 0},
        {"-315576001\x14\x14", false, 0},
        {"+0000000000000000000001\x14\x14", true, ICTUS_EDF_TICKS_PER_S},
        {"+99999999999999999999999\x14\x14", false, 0},
        {"+0\x15" "315576000\x14\x14", true, 0},
        {"+0\x15" "315576001\x14\x14", false, 0},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        ictus_tal_head head;
        char why[160] = "";
        size_t n = strlen(cases[k].tal) + 1; /* with its 0x00 */
        bool ok = ictus_tal_parse((const unsigned char *)cases[k].tal, n, &head, NULL, NULL, why,
                                  sizeof why);
        CHECK_MSG(ok == cases[k].ok, "case %zu: %s", k, why);
        if (ok)
            CHECK_MSG(head.onset_ticks == cases[k].onset_ticks, "case %zu: onset %lld", k,
                      (long long)head.onset_ticks);
        else
            CHECK_MSG(strstr(why, "is more than 10 years") != NULL, "case %zu: %s", k, why);
    }
}

/* ---------------------------------------------------------------- samples only */

/* Open `path` with samples_only set or not; CHECK failures count. */
static ictus_source *open_mode(const char *path, bool samples_only)
{
    ictus_source_options opt = {.samples_only = samples_only};
    return open_ok(path, &opt);
}

/* samples_only (the report's gallery): a continuous file is opened from its
 * first record's time-keeping alone, so its samples and times are those of
 * a full open, it lists no annotation, and a later record's time-keeping is
 * not read (the proof that the rest of the file is not scanned); an EDF+D
 * file is scanned as always. */
static void test_samples_only(void)
{
    char *dir = support_tmpdir("edf");
    support_edf_image img = support_edf_make(2, 4, 6, "EDF+C", 60);
    support_edf_set_tal(&img, 0, "+0.5\x14\x14", 6);
    for (int r = 1; r < 6; r++) {
        char tal[32];
        int n = snprintf(tal, sizeof tal, "+%d.5\x14\x14", r);
        support_edf_set_tal(&img, r, tal, (size_t)n + 1);
    }
    static const char seizure[] = "+2.5\x14\x14\0+3\x14seizure\x14";
    support_edf_set_tal(&img, 2, seizure, sizeof seizure);
    char *path = ictus_path_join_alloc(dir, "c.edf");
    CHECK(support_edf_write_file(path, img.bytes, img.size));

    ictus_source *full = open_mode(path, false), *lean = open_mode(path, true);
    if (full && lean) {
        const ictus_recording_info *a = ictus_source_info(full), *b = ictus_source_info(lean);
        CHECK_INT(a->n_annotations, 1);
        CHECK_INT(b->n_annotations, 0);
        CHECK_INT(a->start_us, b->start_us);
        CHECK_INT(a->duration_us, b->duration_us);
        CHECK_INT(a->n_records, b->n_records);
        CHECK_INT(b->n_segments, 1);
        all_samples x = {0}, y = {0};
        if (read_samples(full, &x) && read_samples(lean, &y))
            for (int c = 0; c < x.n_channels; c++)
                CHECK(x.n[c] == y.n[c] &&
                      memcmp(x.x[c], y.x[c], (size_t)x.n[c] * sizeof(float)) == 0 &&
                      memcmp(x.index[c], y.index[c], (size_t)x.n[c] * sizeof(int64_t)) == 0);
        free_samples(&x);
        free_samples(&y);
    }
    ictus_source_close(full);
    ictus_source_close(lean);

    /* record 4 breaks continuity: a full open refuses it, a samples-only one
     * never reads it */
    support_edf_set_tal(&img, 4, "+9\x14\x14", 5);
    expect_error(dir, "c.edf", img.bytes, img.size, NULL, ICTUS_ERR_FORMAT, "record 4",
                 "time-keeping TAL says +9 s", NULL);
    lean = open_mode(path, true);
    CHECK(lean != NULL);
    ictus_source_close(lean);

    /* EDF+D: the records' starts are in the annotations, read as always
     * (records 4 and 5 after a gap) */
    support_edf_set_tal(&img, 5, "+10\x14\x14", 6);
    support_edf_put(img.bytes, ICTUS_EDF_AT_RESERVED, 44, "EDF+D");
    CHECK(support_edf_write_file(path, img.bytes, img.size));
    lean = open_mode(path, true);
    if (lean) {
        CHECK_INT(ictus_source_info(lean)->n_annotations, 1);
        CHECK_INT(ictus_source_info(lean)->n_segments, 2);
    }
    ictus_source_close(lean);
    free(path);
    free(img.bytes);
    support_tmpdir_remove(dir);
}

/* ---------------------------------------------------------------- small files, known content */

static void test_known_content(void)
{
    char *dir = support_tmpdir("edf");
    support_edf_image img = support_edf_make(3, 8, 3, "EDF+C", 120);
    /* signal 1 in mV, signal 2 in V, with digital extremes in record 1 */
    put_signal(&img, ICTUS_EDF_UNIT, 1, "mV");
    put_signal(&img, ICTUS_EDF_UNIT, 2, "V");
    unsigned char *rec1 = img.bytes + support_edf_record_at(&img, 1);
    rec1[0] = 0x00, rec1[1] = 0x80; /* signal 0 sample 0: -32768 */
    rec1[2] = 0xff, rec1[3] = 0x7f; /* signal 0 sample 1: 32767 */
    /* a subsecond start and annotations in records 0 and 2, one with a duration */
    const char tal0[] = "+0.25\x14\x14\0+0.5\x15" "1.25\x14seizure\x14\0+0.75\x14" "a\x14" "b\x14";
    support_edf_set_tal(&img, 0, tal0, sizeof tal0);
    support_edf_set_tal(&img, 1, "+1.25\x14\x14", 8);
    const char tal2[] = "+2.25\x14\x14\0-1\x14" "before\x14";
    support_edf_set_tal(&img, 2, tal2, sizeof tal2);
    /* a Latin-1 label */
    put_signal(&img, ICTUS_EDF_LABEL, 0, "Hipp\xe9");
    char *path = ictus_path_join_alloc(dir, "known.edf");
    CHECK(support_edf_write_file(path, img.bytes, img.size));
    ictus_source *src = open_ok(path, NULL);
    if (src) {
        const ictus_recording_info *in = ictus_source_info(src);
        char when[32];
        CHECK_STR(ictus_walltime_format(in->start_us, when, sizeof when),
                  "2020-01-02T03:04:05.250");
        CHECK_STR(in->patient, "rat-7 X X X");
        CHECK_STR(in->channels[0].label, "Hipp\xc3\xa9");
        CHECK(strstr(in->warning, "EDFlib 1.23 refuses") && strstr(in->warning, "Latin-1"));
        CHECK_INT(in->n_annotations, 4);
        CHECK_INT(in->annotations[0].onset_us, -1250000); /* sorted by onset */
        CHECK_STR(in->annotations[0].text, "before");
        CHECK_INT(in->annotations[1].onset_us, 250000);
        CHECK_INT(in->annotations[1].duration_us, 1250000);
        CHECK_STR(in->annotations[1].text, "seizure");
        CHECK_STR(in->annotations[2].text, "a");
        CHECK_STR(in->annotations[3].text, "b");
        CHECK_INT(in->annotations[3].onset_us, 500000);
        CHECK_INT(in->annotations[3].duration_us, -1);
        CHECK(in->channels[1].is_voltage && in->channels[1].uv_per_unit == 1e3);
        CHECK(in->channels[2].is_voltage && in->channels[2].uv_per_unit == 1e6);
        all_samples d = {0};
        read_samples(src, &d);
        /* digital (s + 1) * 1000 + 100 r + i at 0.1 unit per digit */
        for (int c = 0; c < 3; c++) {
            double scale = c == 0 ? 1 : c == 1 ? 1e3 : 1e6;
            int64_t i = 2 * 8 + 5; /* record 2, sample 5 */
            CHECK_NEAR(d.x[c][i], ((c + 1) * 1000 + 205) * 0.1 * scale, 1e-6, 0);
        }
        CHECK_NEAR(d.x[0][8], -3276.8, 1e-6, 0);
        CHECK_NEAR(d.x[0][9], 3276.7, 1e-6, 0);
        CHECK_INT(d.flags[0][8], ICTUS_SAMPLE_CLIP);
        CHECK_INT(d.flags[0][9], ICTUS_SAMPLE_CLIP);
        CHECK_INT(d.flags[0][10], 0);
        free_samples(&d);
        ictus_source_close(src);
    }
    free(path);

    /* two-digit years: 85..99 are 19xx, 00..84 20xx, unless an EDF+
     * "Startdate dd-MMM-yyyy" with the same last two digits says more */
    static const struct {
        const char *date, *recording, *expect;
    } years[] = {
        {"02.01.20", "Startdate 02-JAN-2120 X X X", "2120-01-02T03:04:05.000"},
        {"31.12.84", "Startdate 31-DEC-2184 X X X", "2184-12-31T03:04:05.000"},
        {"02.01.20", "Startdate 02-JAN-1999 X X X", "2020-01-02T03:04:05.000"},
        {"02.01.85", "Startdate X X X X", "1985-01-02T03:04:05.000"},
        {"31.12.84", "", "2084-12-31T03:04:05.000"},
    };
    for (size_t k = 0; k < sizeof years / sizeof years[0]; k++) {
        support_edf_image y = support_edf_make(1, 4, 1, "", 0);
        support_edf_put(y.bytes, ICTUS_EDF_AT_DATE, 8, years[k].date);
        support_edf_put(y.bytes, ICTUS_EDF_AT_RECORDING, 80, years[k].recording);
        char *ypath = ictus_path_join_alloc(dir, "year.edf");
        CHECK(support_edf_write_file(ypath, y.bytes, y.size));
        ictus_source *ysrc = open_ok(ypath, NULL);
        if (ysrc) {
            char when[32];
            CHECK_STR(ictus_walltime_format(ictus_source_info(ysrc)->start_us, when, sizeof when),
                      years[k].expect);
            ictus_source_close(ysrc);
        }
        free(ypath);
        free(y.bytes);
    }

    /* big records: the default block stops at 4 MiB (6 records of 640 000
     * bytes) before 8 s */
    support_edf_image big = support_edf_make(8, 40000, 20, "", 0);
    path = ictus_path_join_alloc(dir, "big.edf");
    CHECK(support_edf_write_file(path, big.bytes, big.size));
    src = open_ok(path, NULL);
    if (src) {
        all_samples d = {0};
        read_samples(src, &d);
        CHECK_INT(d.n_blocks, 4);
        free_samples(&d);
        ictus_source_close(src);
    }
    free(path);
    free(big.bytes);

    /* zero records: opens, nothing to read, no segments */
    support_edf_image empty = support_edf_make(2, 8, 0, "", 0);
    path = ictus_path_join_alloc(dir, "no_records.edf");
    CHECK(support_edf_write_file(path, empty.bytes, empty.size));
    src = open_ok(path, NULL);
    if (src) {
        const ictus_recording_info *in = ictus_source_info(src);
        CHECK_INT(in->n_records, 0);
        CHECK_INT(in->n_segments, 0);
        CHECK_INT(in->duration_us, 0);
        all_samples d = {0};
        read_samples(src, &d);
        CHECK_INT(d.n_blocks, 0);
        free_samples(&d);
        ictus_source_close(src);
    }
    free(path);
    free(empty.bytes);
    free(img.bytes);
    support_tmpdir_remove(dir);
}

int main(void)
{
    test_corrupt_header();
    test_partial();
    test_corrupt_annotations();
    test_tal_time_limit();
    test_samples_only();
    test_known_content();
    if (!check_have_shared_data()) {
        check_skip("../shared/data is absent: conformance tests skipped");
        return check_done("test_edf");
    }
    test_every_file_listed();
    test_conformance();
    test_legacy_annotations();
    test_refused_by_edflib();
    test_short_psg_reference();
    test_stim_channel_reference();
    test_uneven_reference();
    test_streaming();
    return check_done("test_edf");
}
