/* test_sndfile.c: the libsndfile reader (pipeline/source/sndsource.c) through ictus_source_*.
 *
 * Proves:
 *   - conformance: every file of ../shared/data/wav-conformance is either read
 *     with the rate, channel count, frame count and samples SciPy reads
 *     (tests/fixtures/sndfile_conformance.txt, made by gen_sndfile.py; the
 *     mu-law file against Python's G.711 decoder), clip flags where the
 *     file's true bit depth puts a sample at a rail, or rejected with the
 *     status and reason in the table below; the table covers the folder;
 *   - FLAC 16/24, RF64 24, W64 32-bit and WAV written here with libsndfile
 *     read back exactly (16/24-bit: bit-exact µV; 32-bit: within one float32
 *     rounding), with clip flags exactly at the extreme codes;
 *   - float WAV: NaN/±Inf become 0 flagged missing, values beyond ±1.0 pass
 *     unclipped and unflagged, at every block size;
 *   - options: labels, start time, full scale; a wrong label count or bad
 *     option is a configuration error naming the file;
 *   - streaming: random block sizes (including 1) give output identical to
 *     one block, with contiguous first_index and start_us; rewind restarts;
 *   - length: WAV, RF64, W64, AIFF and FLAC files cut short (and sought into) are
 *     ICTUS_ERR_TRUNCATED naming the frame where the data ends, and read up
 *     to there with a warning (and info.partial saying what the header
 *     promised) under allow_partial; an unfinished header
 *     (data size 0 or 0xFFFFFFFF) is ICTUS_ERR_INCOMPLETE;
 *   - degenerate input: an empty recording, one frame, a non-sound file.
 * Tolerances: bit-exact where float32 holds the value exactly, otherwise
 * |got - want| <= 2^-24 |want| (one float32 rounding of the µV value).
 */
#include "pipeline/source/source.h"
#include "pipeline/source/sndheader.h"

#include <dirent.h>
#include <math.h>
#include <sndfile.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/path.h"
#include "tests/check.h"
#include "tests/support_tmp.h"

#define CONFORMANCE_DIR "../shared/data/wav-conformance/scipy_io_tests"
#define FIXTURE "tests/fixtures/sndfile_conformance.txt"
#define FLOAT_ROUNDING 5.9604644775390625e-08 /* 2^-24 */

/* ------------------------------------------------------------------------
 * Helpers: temporary files, whole-recording reads
 * ---------------------------------------------------------------------- */

static char *tmp_dir;

/* All samples of a recording, channel-major: x[c * n + i]. */
typedef struct {
    int n_channels;
    int64_t n;
    float *x;
    uint8_t *flags;
    bool contiguous; /* every block started where the previous ended, on every channel */
} recording;

static void recording_free(recording *r)
{
    free(r->x);
    free(r->flags);
    memset(r, 0, sizeof *r);
}

/* Read every remaining block of `src` into r (appending). */
static ictus_status read_rest(ictus_source *src, recording *r, ictus_error *err)
{
    const ictus_recording_info *info = ictus_source_info(src);
    int nc = info->n_channels;
    int64_t total = info->n_channels ? info->channels[0].n_samples : 0;
    if (!r->x) {
        r->n_channels = nc;
        r->x = calloc((size_t)(nc * total + 1), sizeof(float));
        r->flags = calloc((size_t)(nc * total + 1), 1);
        r->contiguous = true;
    }
    ictus_block *blk = ictus_block_create(src);
    ictus_status st;
    while ((st = ictus_source_read(src, blk, err)) == ICTUS_OK && blk->n[0] > 0) {
        int64_t n = blk->n[0];
        bool fits = r->n + n <= total;
        for (int c = 0; c < nc; c++) {
            r->contiguous &= blk->n[c] == n && blk->first_index[c] == r->n;
            if (fits) {
                memcpy(r->x + c * total + r->n, blk->samples[c], (size_t)n * sizeof(float));
                memcpy(r->flags + c * total + r->n, blk->flags[c], (size_t)n);
            }
        }
        int64_t want_us = (r->n * 1000000 + (int64_t)info->channels[0].fs_hz / 2) /
                          (int64_t)info->channels[0].fs_hz;
        r->contiguous &= fits && blk->start_us == want_us;
        r->n += n;
    }
    ictus_block_destroy(blk);
    return st;
}

static ictus_status read_all(const char *path, const ictus_source_options *opt, recording *r,
                             ictus_error *err)
{
    memset(r, 0, sizeof *r);
    ictus_source *src;
    ictus_status st = ictus_source_open(path, opt, &src, err);
    if (st == ICTUS_OK)
        st = read_rest(src, r, err);
    ictus_source_close(src);
    return st;
}

/* Write `frames` frames of interleaved left-justified int32 codes. */
static void write_int(const char *path, int format, int fs_hz, int nc, int64_t frames, const int32_t *v)
{
    SF_INFO si = {.samplerate = fs_hz, .channels = nc, .format = format};
    SNDFILE *sf = sf_open(path, SFM_WRITE, &si);
    CHECK_MSG(sf != NULL, "%s: %s", path, sf_strerror(NULL));
    if (!sf)
        return;
    if (frames > 0)
        CHECK_INT(sf_writef_int(sf, v, frames), frames);
    sf_close(sf);
}

static long file_size(const char *path)
{
    FILE *f = fopen(path, "rb");
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fclose(f);
    return n;
}

/* Copy the first `n` bytes of `from` to `to`; with `patch`, overwrite 4
 * bytes at `patch_at` (little-endian `patch_value`) in the copy. */
static void copy_prefix(const char *from, const char *to, long n, long patch_at, uint32_t patch_value)
{
    FILE *in = fopen(from, "rb");
    unsigned char *buf = malloc((size_t)n);
    CHECK_INT(fread(buf, 1, (size_t)n, in), n);
    fclose(in);
    if (patch_at >= 0)
        for (int k = 0; k < 4; k++)
            buf[patch_at + k] = (unsigned char)(patch_value >> (8 * k));
    FILE *out = fopen(to, "wb");
    fwrite(buf, 1, (size_t)n, out);
    fclose(out);
    free(buf);
}

/* Offset of the first occurrence of `marker` in the file (-1 when absent). */
static long find_marker(const char *path, const char *marker)
{
    long n = file_size(path);
    unsigned char *buf = malloc((size_t)n);
    FILE *f = fopen(path, "rb");
    CHECK_INT(fread(buf, 1, (size_t)n, f), n);
    fclose(f);
    long at = -1;
    for (long i = 0; at < 0 && i + 4 <= n; i++)
        if (memcmp(buf + i, marker, 4) == 0)
            at = i;
    free(buf);
    return at;
}

/* The error is one line that starts with the file name and says `what`. */
static void check_message(const ictus_error *err, const char *path, const char *what)
{
    CHECK_MSG(strncmp(err->msg, path, strlen(path)) == 0, "message does not start with %s: %s", path,
              err->msg);
    CHECK_MSG(strstr(err->msg, what) != NULL, "message lacks \"%s\": %s", what, err->msg);
    CHECK_MSG(strchr(err->msg, '\n') == NULL, "message is not one line: %s", err->msg);
}

/* ------------------------------------------------------------------------
 * Conformance: the SciPy WAV test files
 * ---------------------------------------------------------------------- */

typedef struct {
    const char *name;
    ictus_status status; /* from ictus_source_open() with default options */
    const char *says;     /* in the format description (OK) or the error message */
    int fs_hz, n_channels;
    int64_t n_frames;
    int bits; /* true bit depth of integer PCM (clip codes), 0: no clip flags */
} conformance_case;

static const conformance_case conformance[] = {
    {"test-44100Hz-2ch-32bit-float-be.wav", ICTUS_OK, "WAV (Microsoft), 32 bit float, big-endian", 44100, 2, 441, 0},
    {"test-44100Hz-2ch-32bit-float-le.wav", ICTUS_OK, "WAV (Microsoft), 32 bit float", 44100, 2, 441, 0},
    {"test-44100Hz-be-1ch-4bytes.wav", ICTUS_OK, "WAVEX (Microsoft), Signed 32 bit PCM, big-endian", 44100, 1, 4410, 32},
    {"test-44100Hz-le-1ch-4bytes-early-eof-no-data.wav", ICTUS_ERR_FORMAT, "No 'data' chunk marker", 0, 0, 0, 0},
    {"test-44100Hz-le-1ch-4bytes-early-eof.wav", ICTUS_ERR_TRUNCATED, "ends at frame 236, but the header declares 4410 frames", 0, 0, 0, 0},
    {"test-44100Hz-le-1ch-4bytes-incomplete-chunk.wav", ICTUS_ERR_FORMAT, "No 'data' chunk marker", 0, 0, 0, 0},
    {"test-44100Hz-le-1ch-4bytes.wav", ICTUS_OK, "WAVEX (Microsoft), Signed 32 bit PCM", 44100, 1, 4410, 32},
    {"test-48000Hz-2ch-64bit-float-le-wavex.wav", ICTUS_OK, "WAVEX (Microsoft), 64 bit float", 48000, 2, 480, 0},
    {"test-8000Hz-be-3ch-5S-24bit.wav", ICTUS_OK, "WAV (Microsoft), Signed 24 bit PCM, big-endian", 8000, 3, 5, 24},
    {"test-8000Hz-le-1ch-10S-20bit-extra.wav", ICTUS_OK, "Signed 24 bit PCM, 20 valid bits", 1234, 1, 10, 20},
    {"test-8000Hz-le-1ch-1byte-ulaw.wav", ICTUS_OK, "WAV (Microsoft), U-Law", 8000, 1, 9, 0},
    {"test-8000Hz-le-2ch-1byteu.wav", ICTUS_OK, "WAV (Microsoft), Unsigned 8 bit PCM", 8000, 2, 800, 8},
    {"test-8000Hz-le-3ch-5S-24bit-inconsistent.wav", ICTUS_ERR_FORMAT, "block align is 4 bytes, but 3 channels of 3-byte samples need 9", 0, 0, 0, 0},
    {"test-8000Hz-le-3ch-5S-24bit.wav", ICTUS_OK, "WAV (Microsoft), Signed 24 bit PCM", 8000, 3, 5, 24},
    {"test-8000Hz-le-3ch-5S-36bit.wav", ICTUS_ERR_FORMAT, "unimplemented format", 0, 0, 0, 0},
    {"test-8000Hz-le-3ch-5S-45bit.wav", ICTUS_ERR_FORMAT, "unimplemented format", 0, 0, 0, 0},
    {"test-8000Hz-le-3ch-5S-53bit.wav", ICTUS_ERR_FORMAT, "unimplemented format", 0, 0, 0, 0},
    {"test-8000Hz-le-3ch-5S-64bit.wav", ICTUS_ERR_FORMAT, "unimplemented format", 0, 0, 0, 0},
    {"test-8000Hz-le-4ch-9S-12bit.wav", ICTUS_OK, "Signed 16 bit PCM, 12 valid bits", 8000, 4, 9, 12},
    {"test-8000Hz-le-5ch-9S-5bit.wav", ICTUS_OK, "Unsigned 8 bit PCM, 5 valid bits", 8000, 5, 9, 5},
};
enum { N_CONFORMANCE = sizeof conformance / sizeof conformance[0] };

/* A file's reference from the fixture: values normalised to full scale 1.0,
 * frame-major ([i * n_channels + c]). */
typedef struct {
    int fs_hz, n_channels;
    int64_t n_frames;
    char source[32];
    double *v;
} reference;

static bool load_reference(const char *name, reference *ref)
{
    memset(ref, 0, sizeof *ref);
    FILE *f = fopen(FIXTURE, "r");
    CHECK_MSG(f != NULL, "cannot open %s", FIXTURE);
    if (!f)
        return false;
    char line[4096], file[256];
    double full_scale = 0;
    long long frames;
    while (!ref->v && fgets(line, sizeof line, f)) {
        if (sscanf(line, "file %255s %d %d %lld %31s %lf", file, &ref->fs_hz, &ref->n_channels, &frames,
                   ref->source, &full_scale) != 6 || strcmp(file, name) != 0)
            continue;
        ref->n_frames = frames;
        ref->v = malloc((size_t)(frames * ref->n_channels) * sizeof(double));
        int64_t parsed = 0;
        while (parsed < frames * ref->n_channels && fscanf(f, "%lf", &ref->v[parsed]) == 1)
            ref->v[parsed++] /= full_scale;
        CHECK_MSG(parsed == frames * ref->n_channels, "%s: %s: %lld of %lld values", FIXTURE, name,
                  (long long)parsed, frames * ref->n_channels);
    }
    fclose(f);
    return ref->v != NULL;
}

/* Samples delivered with full_scale_uv = 1 must equal the normalised
 * reference within one float32 rounding; flags must mark exactly the
 * reference samples at the rails of a `bits`-bit code (none when 0). */
static void compare_with_reference(const char *name, const recording *r, const reference *ref, int bits)
{
    int64_t bad_values = 0, bad_flags = 0, clips = 0;
    double top = bits ? 1.0 - ldexp(1.0, 1 - bits) : INFINITY;
    for (int c = 0; c < r->n_channels; c++)
        for (int64_t i = 0; i < r->n && i < ref->n_frames; i++) {
            double want = ref->v[i * ref->n_channels + c];
            float got = r->x[c * r->n + i];
            uint8_t want_flag = bits && (want <= -1.0 || want >= top) ? ICTUS_SAMPLE_CLIP : 0;
            if (fabs(got - want) > FLOAT_ROUNDING * fabs(want) && bad_values++ == 0)
                fprintf(stderr, "%s: channel %d frame %lld: %.17g, want %.17g\n", name, c, (long long)i,
                        got, want);
            bad_flags += r->flags[c * r->n + i] != want_flag;
            clips += want_flag != 0;
        }
    CHECK_MSG(bad_values == 0, "%s: %lld samples differ from the reference", name, (long long)bad_values);
    CHECK_MSG(bad_flags == 0, "%s: %lld flags differ (%lld clips expected)", name, (long long)bad_flags,
              (long long)clips);
}

static void test_conformance_case(const conformance_case *k)
{
    const char *path = support_path(CONFORMANCE_DIR, k->name);
    ictus_source_options opt = {.full_scale_uv = 1.0};
    ictus_source *src;
    ictus_error err = {0};
    ictus_status st = ictus_source_open(path, &opt, &src, &err);
    CHECK_MSG(st == k->status, "%s: status %s, want %s (%s)", k->name, ictus_strstatus(st),
              ictus_strstatus(k->status), err.msg);
    if (st != ICTUS_OK || k->status != ICTUS_OK) {
        CHECK(st == ICTUS_OK || src == NULL);
        check_message(&err, path, k->says);
        ictus_source_close(src);
        return;
    }
    const ictus_recording_info *info = ictus_source_info(src);
    CHECK_MSG(strstr(info->recording, k->says) != NULL, "%s: format \"%s\"", k->name, info->recording);
    CHECK_INT(info->n_channels, k->n_channels);
    CHECK_INT(info->channels[0].fs_hz, k->fs_hz);
    CHECK_INT(info->channels[0].n_samples, k->n_frames);
    recording r = {0};
    CHECK_INT(read_rest(src, &r, &err), ICTUS_OK);
    ictus_source_close(src);
    CHECK_INT(r.n, k->n_frames);
    reference ref;
    if (CHECK_MSG(load_reference(k->name, &ref), "%s: no reference in %s", k->name, FIXTURE)) {
        CHECK_INT(ref.fs_hz, k->fs_hz);
        CHECK_INT(ref.n_channels, k->n_channels);
        CHECK_INT(ref.n_frames, k->n_frames);
        compare_with_reference(k->name, &r, &ref, k->bits);
    }
    free(ref.v);
    recording_free(&r);
}

/* The one file cut short: with allow_partial, the 236 frames SciPy reads. */
static void test_conformance_partial(void)
{
    const char *name = "test-44100Hz-le-1ch-4bytes-early-eof.wav";
    const char *path = support_path(CONFORMANCE_DIR, name);
    ictus_source_options opt = {.full_scale_uv = 1.0, .allow_partial = true};
    ictus_source *src;
    ictus_error err = {0};
    CHECK_INT(ictus_source_open(path, &opt, &src, &err), ICTUS_OK);
    if (!src)
        return;
    CHECK_MSG(strstr(ictus_source_info(src)->warning, "frame 236 of 4410") != NULL, "warning \"%s\"",
              ictus_source_info(src)->warning);
    recording r = {0};
    CHECK_INT(read_rest(src, &r, &err), ICTUS_OK);
    ictus_source_close(src);
    reference ref;
    if (CHECK(load_reference(name, &ref))) {
        CHECK_STR(ref.source, "scipy-partial");
        CHECK_INT(r.n, ref.n_frames);
        compare_with_reference(name, &r, &ref, 32);
    }
    free(ref.v);
    recording_free(&r);
}

static void test_conformance(void)
{
    DIR *d = opendir(CONFORMANCE_DIR);
    CHECK_MSG(d != NULL, "cannot list %s", CONFORMANCE_DIR);
    if (!d)
        return;
    int n_wav = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        size_t len = strlen(e->d_name);
        if (len < 4 || strcmp(e->d_name + len - 4, ".wav") != 0)
            continue;
        n_wav++;
        bool listed = false;
        for (int k = 0; k < N_CONFORMANCE; k++)
            listed |= strcmp(conformance[k].name, e->d_name) == 0;
        CHECK_MSG(listed, "%s is not in the conformance table", e->d_name);
    }
    closedir(d);
    CHECK_INT(n_wav, N_CONFORMANCE);
    for (int k = 0; k < N_CONFORMANCE; k++)
        test_conformance_case(&conformance[k]);
    test_conformance_partial();
}

/* ------------------------------------------------------------------------
 * Files written here: round trips through FLAC, RF64, W64, WAV
 * ---------------------------------------------------------------------- */

/* Channel c, frame i of a `bits`-bit test signal as a code in
 * [-2^(bits-1), 2^(bits-1)): even channels a ramp through every code
 * (so both rails occur), odd channels a 50.3 Hz sine at 90 % of full scale. */
static int64_t signal_code(int c, int64_t i, int bits, int fs_hz)
{
    int64_t half = INT64_C(1) << (bits - 1);
    if (c % 2 == 0)
        return (i * (half / 97 + 1) + c * 1000) % (2 * half) - half;
    return llround(0.9 * (double)(half - 1) * sin(2 * M_PI * 50.3 * (double)i / fs_hz));
}

/* Interleaved left-justified int32 codes of the test signal. */
static int32_t *make_signal(int nc, int64_t frames, int bits, int fs_hz)
{
    int32_t *v = malloc((size_t)(nc * frames) * sizeof *v);
    for (int64_t i = 0; i < frames; i++)
        for (int c = 0; c < nc; c++)
            v[i * nc + c] = (int32_t)(signal_code(c, i, bits, fs_hz) * (INT64_C(1) << (32 - bits)));
    return v;
}

/* Check r against the test signal for full scale `full_scale_uv`, frames
 * [0, r->n): values exact (or within one float32 rounding), clip flags at
 * exactly the extreme codes. */
static void check_signal(const char *what, const recording *r, int bits, int fs_hz, double full_scale_uv)
{
    int64_t half = INT64_C(1) << (bits - 1);
    int64_t bad_values = 0, bad_flags = 0, clips = 0;
    for (int c = 0; c < r->n_channels; c++)
        for (int64_t i = 0; i < r->n; i++) {
            int64_t code = signal_code(c, i, bits, fs_hz);
            double want = (double)code * full_scale_uv / (double)half;
            uint8_t want_flag = code == -half || code == half - 1 ? ICTUS_SAMPLE_CLIP : 0;
            bad_values += fabs(r->x[c * r->n + i] - want) > FLOAT_ROUNDING * fabs(want);
            bad_flags += r->flags[c * r->n + i] != want_flag;
            clips += want_flag != 0;
        }
    CHECK_MSG(bad_values == 0, "%s: %lld samples differ", what, (long long)bad_values);
    CHECK_MSG(bad_flags == 0, "%s: %lld flags differ", what, (long long)bad_flags);
    CHECK_MSG(clips > 0, "%s: the signal reaches no rail, the clip check proves nothing", what);
}

typedef struct {
    const char *name;
    int format;
    int bits;
    int fs_hz;
    int n_channels;
    const char *says; /* in info.recording */
} roundtrip_case;

static const roundtrip_case roundtrips[] = {
    {"a16.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 16, 1017, 3, "FLAC (Free Lossless Audio Codec), Signed 16 bit PCM"},
    {"a24.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_24, 24, 2000, 2, "FLAC (Free Lossless Audio Codec), Signed 24 bit PCM"},
    {"a24.rf64", SF_FORMAT_RF64 | SF_FORMAT_PCM_24, 24, 512, 4, "RF64 (RIFF 64), Signed 24 bit PCM"},
    {"a32.w64", SF_FORMAT_W64 | SF_FORMAT_PCM_32, 32, 250, 2, "W64 (SoundFoundry WAVE 64), Signed 32 bit PCM"},
    {"a8.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_U8, 8, 173, 2, "WAV (Microsoft), Unsigned 8 bit PCM"},
};

static void test_roundtrip(const roundtrip_case *k)
{
    const int64_t frames = 70001; /* more than one default block */
    const char *path = support_path(tmp_dir, k->name);
    int32_t *v = make_signal(k->n_channels, frames, k->bits, k->fs_hz);
    write_int(path, k->format, k->fs_hz, k->n_channels, frames, v);
    free(v);

    ictus_source *src;
    ictus_error err = {0};
    CHECK_MSG(ictus_source_open(path, NULL, &src, &err) == ICTUS_OK, "%s: %s", k->name, err.msg);
    if (!src)
        return;
    const ictus_recording_info *info = ictus_source_info(src);
    CHECK_INT(info->format, ICTUS_FORMAT_SNDFILE);
    CHECK_MSG(strcmp(info->recording, k->says) == 0, "%s: format \"%s\"", k->name, info->recording);
    CHECK_STR(info->patient, "");
    CHECK_INT(info->start_us, 0);
    CHECK_INT(info->duration_us, (frames * 1000000 + k->fs_hz / 2) / k->fs_hz);
    CHECK_INT(info->n_records, 0);
    CHECK(info->record_s == 0);
    CHECK_INT(info->n_annotations, 0);
    CHECK_INT(info->n_segments, 1);
    CHECK_INT(info->segments[0].start_us, 0);
    CHECK_INT(info->segments[0].end_us, info->duration_us);
    CHECK_STR(info->warning, "");
    CHECK_INT(info->n_channels, k->n_channels);
    for (int c = 0; c < info->n_channels; c++) {
        const ictus_channel_info *ch = &info->channels[c];
        char label[16];
        snprintf(label, sizeof label, "ch%d", c + 1);
        CHECK_STR(ch->label, label);
        CHECK_STR(ch->unit, "uV");
        CHECK_STR(ch->transducer, "");
        CHECK_STR(ch->prefilter, "");
        CHECK(ch->fs_hz == k->fs_hz);
        CHECK(ch->is_voltage);
        CHECK(ch->uv_per_unit == 1.0);
        CHECK(ch->phys_min == -32768.0 && ch->phys_max == 32768.0);
        CHECK(ch->dig_min == 0 && ch->dig_max == 0);
        CHECK_INT(ch->samples_per_record, 0);
        CHECK_INT(ch->n_samples, frames);
    }
    recording r = {0};
    CHECK_INT(read_rest(src, &r, &err), ICTUS_OK);
    CHECK(r.contiguous);
    CHECK_INT(r.n, frames);
    check_signal(k->name, &r, k->bits, k->fs_hz, 32768.0);

    /* The end stays the end. */
    ictus_block *blk = ictus_block_create(src);
    CHECK_INT(ictus_source_read(src, blk, &err), ICTUS_OK);
    CHECK_INT(blk->n[0], 0);
    ictus_block_destroy(blk);
    ictus_source_close(src);
    recording_free(&r);
}

/* ------------------------------------------------------------------------
 * Float samples: NaN and infinities, values beyond full scale
 * ---------------------------------------------------------------------- */

static void test_float_missing(void)
{
    const char *path = support_path(tmp_dir, "float.wav");
    float v[] = {0.5f, NAN, 1.5f, -INFINITY, INFINITY, -2.0f, 0.25f, -NAN, 1.0f, -1.0f};
    SF_INFO si = {.samplerate = 1000, .channels = 2, .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT};
    SNDFILE *sf = sf_open(path, SFM_WRITE, &si);
    CHECK_INT(sf_writef_float(sf, v, 5), 5);
    sf_close(sf);

    for (int block_frames = 0; block_frames <= 3; block_frames++) {
        ictus_source_options opt = {.full_scale_uv = 1000.0, .block_frames = block_frames};
        recording r;
        ictus_error err = {0};
        CHECK_MSG(read_all(path, &opt, &r, &err) == ICTUS_OK, "%s", err.msg);
        CHECK(r.contiguous);
        CHECK_INT(r.n, 5);
        int64_t bad = 0;
        for (int64_t i = 0; i < r.n; i++)
            for (int c = 0; c < 2; c++) {
                float in = v[i * 2 + c];
                bool finite = isfinite(in);
                bad += r.x[c * r.n + i] != (finite ? in * 1000.0f : 0.0f);
                bad += r.flags[c * r.n + i] != (finite ? 0 : ICTUS_SAMPLE_MISSING);
            }
        CHECK_MSG(bad == 0, "float WAV, block_frames %d: %lld values or flags differ", block_frames,
                  (long long)bad);
        recording_free(&r);
    }
}

/* ------------------------------------------------------------------------
 * Options: labels, start time, full scale, invalid values
 * ---------------------------------------------------------------------- */

static void test_options(void)
{
    const char *path = support_path(tmp_dir, "opts.wav");
    int32_t *v = make_signal(3, 100, 16, 1000);
    write_int(path, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 1000, 3, 100, v);
    free(v);

    const char *labels[] = {"HPC", "CTX", "EMG"};
    ictus_source_options opt = {.start_us = INT64_C(1700000000123456), .labels = labels, .n_labels = 3,
                                .full_scale_uv = 5000.0};
    ictus_source *src;
    ictus_error err = {0};
    CHECK_MSG(ictus_source_open(path, &opt, &src, &err) == ICTUS_OK, "%s", err.msg);
    if (src) {
        const ictus_recording_info *info = ictus_source_info(src);
        CHECK_INT(info->start_us, INT64_C(1700000000123456));
        CHECK_STR(info->channels[0].label, "HPC");
        CHECK_STR(info->channels[2].label, "EMG");
        CHECK(info->channels[1].phys_min == -5000.0 && info->channels[1].phys_max == 5000.0);
        recording r = {0};
        CHECK_INT(read_rest(src, &r, &err), ICTUS_OK);
        check_signal("full scale 5000 uV", &r, 16, 1000, 5000.0);
        recording_free(&r);
        ictus_source_close(src);
    }

    opt.n_labels = 2;
    CHECK_INT(ictus_source_open(path, &opt, &src, &err), ICTUS_ERR_CONFIG);
    ictus_source_close(src);
    check_message(&err, path, "2 channel labels given, but the file has 3 channels");

    const char *long_label = "a-label-of-more-than-sixty-three-bytes-which-no-channel-info-can-hold";
    const char *bad_labels[] = {"HPC", long_label, "EMG"};
    opt = (ictus_source_options){.labels = bad_labels, .n_labels = 3};
    CHECK_INT(ictus_source_open(path, &opt, &src, &err), ICTUS_ERR_CONFIG);
    ictus_source_close(src);
    check_message(&err, path, "channel 2 label");

    opt = (ictus_source_options){.block_frames = -1};
    CHECK_INT(ictus_source_open(path, &opt, &src, &err), ICTUS_ERR_CONFIG);
    ictus_source_close(src);
    check_message(&err, path, "block_frames -1");
    opt = (ictus_source_options){.full_scale_uv = NAN};
    CHECK_INT(ictus_source_open(path, &opt, &src, &err), ICTUS_ERR_CONFIG);
    ictus_source_close(src);
    check_message(&err, path, "full_scale_uv");
}

/* ------------------------------------------------------------------------
 * Streaming: block sizes, rewind
 * ---------------------------------------------------------------------- */

static bool same_recording(const recording *a, const recording *b)
{
    size_t n = (size_t)(a->n * a->n_channels);
    return a->n == b->n && a->n_channels == b->n_channels && memcmp(a->x, b->x, n * sizeof(float)) == 0 &&
           memcmp(a->flags, b->flags, n) == 0;
}

static void test_streaming(void)
{
    const char *path = support_path(tmp_dir, "stream.flac");
    const int64_t frames = 5003;
    int32_t *v = make_signal(3, frames, 24, 2500);
    write_int(path, SF_FORMAT_FLAC | SF_FORMAT_PCM_24, 2500, 3, frames, v);
    free(v);

    ictus_error err = {0};
    ictus_source_options opt = {.block_frames = (int)frames};
    recording whole;
    CHECK_INT(read_all(path, &opt, &whole, &err), ICTUS_OK);
    CHECK_INT(whole.n, frames);
    check_signal("stream.flac", &whole, 24, 2500, 32768.0);

    srand(12345);
    int sizes[8] = {1, 2, 7, 4096};
    for (int k = 4; k < 8; k++)
        sizes[k] = 1 + rand() % 3000;
    for (int k = 0; k < 8; k++) {
        opt.block_frames = sizes[k];
        recording r;
        CHECK_INT(read_all(path, &opt, &r, &err), ICTUS_OK);
        CHECK_MSG(r.contiguous, "block_frames %d: blocks not contiguous", sizes[k]);
        CHECK_MSG(same_recording(&r, &whole), "block_frames %d: output differs from one block", sizes[k]);
        recording_free(&r);
    }

    /* Rewind after part of the file, and after the end. */
    opt.block_frames = 1000;
    ictus_source *src;
    CHECK_INT(ictus_source_open(path, &opt, &src, &err), ICTUS_OK);
    ictus_block *blk = ictus_block_create(src);
    CHECK_INT(blk->capacity, 1000);
    for (int k = 0; k < 2; k++)
        CHECK_INT(ictus_source_read(src, blk, &err), ICTUS_OK);
    CHECK_INT(blk->first_index[0], 1000);
    ictus_block_destroy(blk);
    for (int k = 0; k < 2; k++) {
        CHECK_INT(ictus_source_rewind(src, &err), ICTUS_OK);
        recording r = {0};
        CHECK_INT(read_rest(src, &r, &err), ICTUS_OK);
        CHECK(r.contiguous);
        CHECK(same_recording(&r, &whole));
        recording_free(&r);
    }
    ictus_source_close(src);
    recording_free(&whole);
}

/* ------------------------------------------------------------------------
 * Length: truncated files, unfinished headers
 * ---------------------------------------------------------------------- */

typedef struct {
    const char *name;
    int format;
    int bits;
    const char *data_marker; /* where the sample data starts: after this chunk header... */
    int data_header;         /* ...of this many bytes; NULL marker: compressed, unknown */
} truncation_case;

static const truncation_case truncations[] = {
    {"cut.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 16, "data", 8},
    {"cut.rf64", SF_FORMAT_RF64 | SF_FORMAT_PCM_24, 24, "data", 8},
    {"cut.w64", SF_FORMAT_W64 | SF_FORMAT_PCM_16, 16, "data", 24},
    {"cut.aiff", SF_FORMAT_AIFF | SF_FORMAT_PCM_16, 16, "SSND", 16},
    {"cut.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 16, NULL, 0},
};

static void test_truncated(const truncation_case *k)
{
    const int nc = 2, fs_hz = 1000;
    const int64_t frames = 20000;
    char whole_name[ICTUS_PATH_MAX];
    ictus_error err;
    CHECK_MSG(ictus_path_format(whole_name, sizeof whole_name, &err, "whole-%s", k->name) ==
                  ICTUS_OK, "%s", err.msg);
    const char *whole = support_path(tmp_dir, whole_name), *cut = support_path(tmp_dir, k->name);
    int32_t *v = make_signal(nc, frames, k->bits, fs_hz);
    write_int(whole, k->format, fs_hz, nc, frames, v);
    free(v);
    long cut_bytes = file_size(whole) * 2 / 3;
    copy_prefix(whole, cut, cut_bytes, -1, 0);
    int64_t expect_end = -1;
    if (k->data_marker) {
        long data_start = find_marker(whole, k->data_marker) + k->data_header;
        expect_end = (cut_bytes - data_start) / (nc * k->bits / 8);
    }

    ictus_source *src;
    err = (ictus_error){0};
    CHECK_MSG(ictus_source_open(cut, NULL, &src, &err) == ICTUS_ERR_TRUNCATED, "%s: %s", k->name, err.msg);
    ictus_source_close(src);
    check_message(&err, cut, "truncated: the data ends at frame");
    char declared[64];
    snprintf(declared, sizeof declared, "but the header declares %lld frames", (long long)frames);
    CHECK_MSG(strstr(err.msg, declared) != NULL, "%s: %s", k->name, err.msg);

    ictus_source_options opt = {.allow_partial = true};
    CHECK_MSG(ictus_source_open(cut, &opt, &src, &err) == ICTUS_OK, "%s: %s", k->name, err.msg);
    if (!src)
        return;
    const ictus_recording_info *info = ictus_source_info(src);
    int64_t n = info->channels[0].n_samples;
    CHECK_MSG(n > 0 && n < frames, "%s: %lld frames", k->name, (long long)n);
    if (expect_end >= 0)
        CHECK_INT(n, expect_end);
    char where[64];
    snprintf(where, sizeof where, "frame %lld of %lld", (long long)n, (long long)frames);
    CHECK_MSG(strstr(info->warning, where) != NULL, "%s: warning \"%s\"", k->name, info->warning);
    char partial[128];
    snprintf(partial, sizeof partial, "truncated: the header promises 20000 frames (20 s), the "
             "file holds %lld complete ones", (long long)n);
    CHECK_MSG(strstr(info->partial, partial) == info->partial, "%s: partial \"%s\"", k->name,
              info->partial);
    CHECK_INT(info->duration_us, (n * 1000000 + fs_hz / 2) / fs_hz);
    recording r = {0};
    CHECK_INT(read_rest(src, &r, &err), ICTUS_OK);
    CHECK_INT(r.n, n);
    check_signal(k->name, &r, k->bits, fs_hz, 32768.0);
    recording_free(&r);
    CHECK_INT(ictus_source_rewind(src, &err), ICTUS_OK);
    CHECK_INT(read_rest(src, &r, &err), ICTUS_OK);
    CHECK_INT(r.n, n);
    /* Seeking into what is there (the decoder of a cut FLAC may have to
     * start again and read forward) gives the same samples. */
    int64_t mid = n / 2;
    CHECK_INT(ictus_source_seek(src, mid * 1000000 / fs_hz, &err), ICTUS_OK);
    ictus_block *blk = ictus_block_create(src);
    CHECK_INT(ictus_source_read(src, blk, &err), ICTUS_OK);
    CHECK_INT(blk->first_index[0], mid);
    int differ = blk->n[0] > 0 ? 0 : 1;
    for (int64_t i = 0; i < blk->n[0] && mid + i < n; i++)
        differ += blk->samples[1][i] != r.x[n + mid + i];
    CHECK_MSG(differ == 0, "%s: %d samples differ after a seek", k->name, differ);
    ictus_block_destroy(blk);
    recording_free(&r);
    ictus_source_close(src);
}

/* A WAV whose data size field was never filled in. */
static void test_unfinished(uint32_t placeholder, int64_t frames_found)
{
    const int64_t frames = 3000;
    const char *whole = support_path(tmp_dir, "whole-unfinished.wav"), *path = support_path(tmp_dir, "unfinished.wav");
    int32_t *v = make_signal(1, frames, 16, 1000);
    write_int(whole, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 1000, 1, frames, v);
    free(v);
    copy_prefix(whole, path, file_size(whole), find_marker(whole, "data") + 4, placeholder);

    ictus_source *src;
    ictus_error err = {0};
    CHECK_INT(ictus_source_open(path, NULL, &src, &err), ICTUS_ERR_INCOMPLETE);
    ictus_source_close(src);
    check_message(&err, path, "still being written");
    ictus_source_options opt = {.allow_partial = true};
    recording r;
    CHECK_INT(read_all(path, &opt, &r, &err), ICTUS_OK);
    CHECK_INT(r.n, frames_found);
    if (frames_found > 0)
        check_signal("unfinished.wav", &r, 16, 1000, 32768.0);
    recording_free(&r);
    CHECK_INT(ictus_source_open(path, &opt, &src, &err), ICTUS_OK);
    if (src)
        CHECK_MSG(strstr(ictus_source_info(src)->warning, "header never finished") != NULL, "warning \"%s\"",
                  ictus_source_info(src)->warning);
    ictus_source_close(src);
}

/* ------------------------------------------------------------------------
 * Degenerate input
 * ---------------------------------------------------------------------- */

static void test_degenerate(void)
{
    ictus_error err = {0};
    ictus_source *src;

    const char *empty = support_path(tmp_dir, "empty.wav");
    write_int(empty, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 1000, 2, 0, NULL);
    CHECK_MSG(ictus_source_open(empty, NULL, &src, &err) == ICTUS_OK, "%s", err.msg);
    if (src) {
        const ictus_recording_info *info = ictus_source_info(src);
        CHECK_INT(info->channels[0].n_samples, 0);
        CHECK_INT(info->duration_us, 0);
        CHECK_INT(info->n_segments, 0);
        ictus_block *blk = ictus_block_create(src);
        CHECK_INT(ictus_source_read(src, blk, &err), ICTUS_OK);
        CHECK(blk->n[0] == 0 && blk->n[1] == 0);
        ictus_block_destroy(blk);
        ictus_source_close(src);
    }

    const char *one = support_path(tmp_dir, "one.wav");
    int32_t frame[2] = {INT32_MIN, 1234 << 16};
    write_int(one, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 1000, 2, 1, frame);
    recording r;
    CHECK_INT(read_all(one, NULL, &r, &err), ICTUS_OK);
    CHECK_INT(r.n, 1);
    if (r.n == 1) {
        CHECK(r.x[0] == -32768.0f && r.flags[0] == ICTUS_SAMPLE_CLIP);
        CHECK(r.x[1] == 1234.0f && r.flags[1] == 0);
    }
    recording_free(&r);

    const char *text = support_path(tmp_dir, "notes.txt");
    FILE *f = fopen(text, "w");
    fputs("animal,model\nA1,kainate\n", f);
    fclose(f);
    CHECK_INT(ictus_source_open(text, NULL, &src, &err), ICTUS_ERR_FORMAT);
    check_message(&err, text, "libsndfile cannot read it: ");
    CHECK(src == NULL);
    ictus_source_close(src);

    /* a FIFO named .wav: refused at once by the source and by the header
     * reader alike (either would block in open() waiting for a writer) */
    const char *fifo = support_path(tmp_dir, "pipe.wav");
    CHECK(mkfifo(fifo, 0600) == 0);
    CHECK_INT(ictus_source_open(fifo, NULL, &src, &err), ICTUS_ERR_IO);
    check_message(&err, fifo, "is a FIFO (named pipe), not a recording");
    CHECK(src == NULL);
    ictus_sndheader hdr;
    ictus_sndheader_read(fifo, &hdr);
    CHECK(hdr.data_bytes == -1 && hdr.frames == -1);
}

int main(void)
{
    tmp_dir = support_tmpdir("sndfile");
    if (check_have_shared_data())
        test_conformance();
    else
        check_skip("../shared/data absent: WAV conformance files not checked");
    for (size_t k = 0; k < sizeof roundtrips / sizeof roundtrips[0]; k++)
        test_roundtrip(&roundtrips[k]);
    test_float_missing();
    test_options();
    test_streaming();
    for (size_t k = 0; k < sizeof truncations / sizeof truncations[0]; k++)
        test_truncated(&truncations[k]);
    test_unfinished(0xFFFFFFFFu, 3000);
    test_unfinished(0, 0);
    test_degenerate();

    support_tmpdir_remove(tmp_dir);
    return check_done("test_sndfile");
}
