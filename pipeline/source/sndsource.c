/* sndsource.c: the libsndfile reader: WAV, FLAC, RF64, W64, AIFF... as a source in µV.
 *
 * The fallback reader: source.c tries the EDF reader first and hands every
 * other file to this one.  Sound files carry no labels, start time or
 * physical unit, so those come from the options: sample value 1.0 (the
 * libsndfile normalised float) is opt->full_scale_uv µV.
 *
 * Samples are read in one of two ways, fixed at open:
 *   - integer PCM (8/16/24/32-bit, also inside FLAC) as libsndfile's
 *     left-justified int32: exact, and a sample at the most negative or most
 *     positive code of the file's bit depth (the valid bits a WAV or AIFF
 *     header declares, e.g. 20 in a 24-bit container) is flagged
 *     ICTUS_SAMPLE_CLIP;
 *   - everything else (float, double, µ-law, ADPCM, Vorbis...) as float,
 *     normalised by libsndfile; NaN and ±Inf become 0 flagged
 *     ICTUS_SAMPLE_MISSING.  Neither path lets libsndfile clip or rescale.
 *
 * A recording shorter than its header declares is an error (ICTUS_ERR_TRUNCATED;
 * ICTUS_ERR_INCOMPLETE when the header was never finished) unless
 * opt->allow_partial (then its complete frames are read and info.partial
 * says so): libsndfile shortens such WAV/RF64/W64/AIFF files
 * silently, so sndheader.c reads the declared length; for FLAC and the rest,
 * open() checks that the last frame libsndfile promises can be decoded.  A
 * WAV block alignment that disagrees with the sample width is refused
 * rather than guessed at, as SciPy does.
 */
#include "pipeline/source/sndheader.h"
#include "pipeline/source/source_impl.h"

#include <assert.h>
#include <math.h>
#include <pthread.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libsndfile fills an interleaved buffer of at most CHUNK_FRAMES frames,
 * small enough to stay in cache while it is deinterleaved into the block. */
enum { DEFAULT_BLOCK_FRAMES = 65536, CHUNK_FRAMES = 4096 };

/* Encodings with a fixed sample width.  Others are decoded to float and
 * their declared length is taken from libsndfile alone. */
static const struct {
    int subtype;
    int bytes;    /* bytes per sample in the file */
    bool integer; /* integer PCM: read as int32 and flag clip codes */
} encodings[] = {
    {SF_FORMAT_PCM_S8, 1, true}, {SF_FORMAT_PCM_U8, 1, true},   {SF_FORMAT_PCM_16, 2, true},
    {SF_FORMAT_PCM_24, 3, true}, {SF_FORMAT_PCM_32, 4, true},   {SF_FORMAT_FLOAT, 4, false},
    {SF_FORMAT_DOUBLE, 8, false}, {SF_FORMAT_ULAW, 1, false},   {SF_FORMAT_ALAW, 1, false},
};

typedef struct {
    SNDFILE *sf;
    int n_channels;
    int fs_hz;
    int64_t n_frames;     /* frames delivered (fewer than declared when partial) */
    int64_t promised;     /* read in part: the frames declared (-1: header never finished);
                             0 when the file is whole */
    int64_t pos;          /* next frame read() delivers */
    int64_t block_frames;
    int64_t chunk_frames; /* capacity of ibuf/fbuf in frames */
    bool integer;         /* read as left-justified int32 into ibuf, else as float into fbuf */
    int32_t clip_lo;      /* an int32 sample <= clip_lo sits at the most negative code */
    int32_t clip_hi;      /* ... >= clip_hi at the most positive code */
    double uv_per_int;    /* µV per int32 step */
    double uv_per_float;  /* µV per 1.0 */
    int32_t *ibuf;        /* chunk_frames x n_channels, interleaved */
    float *fbuf;
} snd_state;

/* ------------------------------------------------------------------------
 * Opening the libsndfile handle
 * ---------------------------------------------------------------------- */

/* libsndfile reports a failed sf_open() through one process-wide error
 * number; the lock keeps another thread's open from replacing it before
 * the message is copied. */
static pthread_mutex_t open_lock = PTHREAD_MUTEX_INITIALIZER;

static ictus_status open_handle(const char *path, SNDFILE **sf, SF_INFO *si, ictus_error *err)
{
    memset(si, 0, sizeof *si);
    ictus_status st = ICTUS_OK;
    pthread_mutex_lock(&open_lock);
    *sf = sf_open(path, SFM_READ, si);
    if (!*sf)
        st = ictus_fail(err, ICTUS_ERR_FORMAT, "%s: libsndfile cannot read it: %s", path,
                        sf_strerror(NULL));
    pthread_mutex_unlock(&open_lock);
    if (st != ICTUS_OK)
        return st;
    /* Values must reach us unaltered: no clipping, and integer codecs read
     * as float are normalised to [-1, 1) (both libsndfile's defaults). */
    sf_command(*sf, SFC_SET_CLIPPING, NULL, SF_FALSE);
    sf_command(*sf, SFC_SET_NORM_FLOAT, NULL, SF_TRUE);
    return ICTUS_OK;
}

/* Close and open again: after a failed seek (a cut-short FLAC) libsndfile's
 * decoder cannot go back, so a fresh handle is the only way to frame 0. */
static ictus_status reopen(ictus_source *src, ictus_error *err)
{
    snd_state *s = src->priv;
    sf_close(s->sf);
    SF_INFO si;
    return open_handle(src->info.path, &s->sf, &si, err);
}

/* Read up to `n` <= chunk_frames frames into the interleaved buffer;
 * returns the count, fewer only at the end of the data or on an error. */
static int64_t read_frames(snd_state *s, int64_t n)
{
    int64_t got = 0;
    while (got < n) {
        sf_count_t r = s->integer
            ? sf_readf_int(s->sf, s->ibuf + got * s->n_channels, n - got)
            : sf_readf_float(s->sf, s->fbuf + got * s->n_channels, n - got);
        if (r <= 0)
            break;
        got += r;
    }
    return got;
}

/* Make `frame` (0..n_frames) the next frame read() delivers: sf_seek(), or
 * after a failed one, which leaves the decoder unable to go anywhere, a
 * fresh handle (already at frame 0) sought again. */
static ictus_status seek_frame(ictus_source *src, int64_t frame, ictus_error *err)
{
    snd_state *s = src->priv;
    s->pos = frame;
    if (sf_seek(s->sf, frame, SEEK_SET) == frame)
        return ICTUS_OK;
    ictus_status st = reopen(src, err);
    if (st == ICTUS_OK && frame > 0 && sf_seek(s->sf, frame, SEEK_SET) != frame)
        st = ictus_fail(err, ICTUS_ERR_IO, "%s: cannot seek to frame %lld: %s", src->info.path,
                        (long long)frame, sf_strerror(s->sf));
    return st;
}

static ictus_status seek_start(ictus_source *src, ictus_error *err)
{
    return seek_frame(src, 0, err);
}

/* ------------------------------------------------------------------------
 * Checking the length against the header
 * ---------------------------------------------------------------------- */

/* Read from the current position to the end of the data; returns the count. */
static int64_t read_to_end(snd_state *s)
{
    int64_t got, total = 0;
    while ((got = read_frames(s, s->chunk_frames)) > 0)
        total += got;
    return total;
}

/* The frames that can actually be decoded, out of libsndfile's `frames`.
 * Cheap when the last TAIL_FRAMES decode (seeking straight into the last
 * FLAC block makes libFLAC decode the whole stream, so the tail is longer
 * than any FLAC block); otherwise decodes the whole file to count. */
static ictus_status count_decodable(ictus_source *src, int64_t frames, int64_t *available,
                                    ictus_error *err)
{
    enum { TAIL_FRAMES = 65536 };
    snd_state *s = src->priv;
    int64_t tail = frames < TAIL_FRAMES ? frames : TAIL_FRAMES;
    *available = frames;
    if (sf_seek(s->sf, frames - tail, SEEK_SET) == frames - tail && read_to_end(s) == tail)
        return ICTUS_OK;
    ictus_status st = reopen(src, err);
    if (st == ICTUS_OK)
        *available = read_to_end(s);
    return st;
}

/* Set s->n_frames, or fail when the file holds fewer frames than its header
 * declares (unless allow_partial: then warn). */
static ictus_status check_length(ictus_source *src, int64_t sf_frames, const ictus_sndheader *hdr,
                                 int bytes_per_frame, bool allow_partial, ictus_error *err)
{
    snd_state *s = src->priv;
    const char *path = src->info.path;
    int64_t available;
    ictus_status st = count_decodable(src, sf_frames, &available, err);
    if (st != ICTUS_OK)
        return st;
    s->n_frames = available;
    if (hdr->unfinished) {
        if (!allow_partial)
            return ictus_fail(err, ICTUS_ERR_INCOMPLETE,
                              "%s: the header's data size is a placeholder: the file is still "
                              "being written, or its writer stopped before finishing it", path);
        snprintf(src->info.warning, sizeof src->info.warning,
                 "header never finished (file still being written?): read the %lld frames found",
                 (long long)available);
        s->promised = -1;
        return ICTUS_OK;
    }
    int64_t declared = sf_frames;
    if (hdr->frames > declared)
        declared = hdr->frames;
    if (hdr->data_bytes >= 0 && bytes_per_frame > 0 && hdr->data_bytes / bytes_per_frame > declared)
        declared = hdr->data_bytes / bytes_per_frame;
    if (available == declared)
        return ICTUS_OK;
    if (!allow_partial)
        return ictus_fail(err, ICTUS_ERR_TRUNCATED,
                          "%s: truncated: the data ends at frame %lld, but the header declares "
                          "%lld frames", path, (long long)available, (long long)declared);
    snprintf(src->info.warning, sizeof src->info.warning,
             "truncated: the data ends at frame %lld of %lld declared; read what is there",
             (long long)available, (long long)declared);
    s->promised = declared;
    return ICTUS_OK;
}

/* ------------------------------------------------------------------------
 * open / read / rewind / close
 * ---------------------------------------------------------------------- */

static int64_t frames_to_us(int64_t frames, int fs_hz)
{
    return (frames * 1000000 + fs_hz / 2) / fs_hz;
}

/* "WAV (Microsoft), Signed 24 bit PCM, big-endian, 20 valid bits" into out. */
static void describe_format(int format, int container_bits, int valid_bits, char *out, size_t n)
{
    SF_FORMAT_INFO major = {.format = format & SF_FORMAT_TYPEMASK};
    SF_FORMAT_INFO minor = {.format = format & SF_FORMAT_SUBMASK};
    bool have_major = sf_command(NULL, SFC_GET_FORMAT_INFO, &major, sizeof major) == 0;
    bool have_minor = sf_command(NULL, SFC_GET_FORMAT_INFO, &minor, sizeof minor) == 0;
    int len = snprintf(out, n, "%s, %s%s", have_major ? major.name : "unknown container",
                       have_minor ? minor.name : "unknown encoding",
                       (format & SF_FORMAT_ENDMASK) == SF_ENDIAN_BIG ? ", big-endian" : "");
    if (valid_bits < container_bits && len >= 0 && (size_t)len < n)
        snprintf(out + len, n - (size_t)len, ", %d valid bits", valid_bits);
}

/* Fill every field of src->info from the options and the state open_snd() set up. */
static ictus_status fill_info(ictus_source *src, const ictus_source_options *opt, int fs_hz,
                              ictus_error *err)
{
    snd_state *s = src->priv;
    ictus_recording_info *info = &src->info;
    double full_scale_uv = s->uv_per_float; /* µV per 1.0 is the full scale */
    info->format = ICTUS_FORMAT_SNDFILE;
    info->start_us = opt->start_us;
    info->duration_us = frames_to_us(s->n_frames, fs_hz);
    info->n_channels = s->n_channels;
    info->channels = ictus_xcalloc((size_t)s->n_channels, sizeof *info->channels);
    for (int c = 0; c < s->n_channels; c++) {
        ictus_channel_info *ch = &info->channels[c];
        if (opt->labels) {
            assert(opt->labels[c]);
            if (strlen(opt->labels[c]) >= sizeof ch->label)
                return ictus_fail(err, ICTUS_ERR_CONFIG,
                                  "%s: channel %d label \"%s\" is longer than %d bytes",
                                  info->path, c + 1, opt->labels[c], ICTUS_LABEL_MAX - 1);
            strcpy(ch->label, opt->labels[c]);
        } else {
            snprintf(ch->label, sizeof ch->label, "ch%d", c + 1);
        }
        strcpy(ch->unit, "uV");
        ch->fs_hz = fs_hz;
        ch->is_voltage = true;
        ch->uv_per_unit = 1.0;
        ch->phys_min = -full_scale_uv;
        ch->phys_max = full_scale_uv;
        ch->n_samples = s->n_frames;
    }
    info->n_segments = s->n_frames > 0 ? 1 : 0;
    info->segments = ictus_xcalloc(1, sizeof *info->segments);
    info->segments[0] = (ictus_segment){0, info->duration_us};
    if (s->promised)
        ictus_source_note_partial(info, s->promised < 0 ? "its data size is a placeholder" : NULL,
                                  s->promised, s->n_frames, "frames", 1.0 / fs_hz);
    return ICTUS_OK;
}

static bool probe(const unsigned char *head, size_t n)
{
    return true;
}

static ictus_status open_snd(ictus_source *src, const ictus_source_options *opt, ictus_error *err)
{
    snd_state *s = src->priv;
    const char *path = src->info.path;
    if (opt->block_frames < 0 || !(opt->full_scale_uv >= 0) || isinf(opt->full_scale_uv))
        return ictus_fail(err, ICTUS_ERR_CONFIG,
                          "%s: invalid options: block_frames %d, full_scale_uv %g (need >= 0)",
                          path, opt->block_frames, opt->full_scale_uv);
    SF_INFO si;
    ictus_status st = open_handle(path, &s->sf, &si, err);
    if (st != ICTUS_OK)
        return st;
    if (opt->labels && opt->n_labels != si.channels)
        return ictus_fail(err, ICTUS_ERR_CONFIG, "%s: %d channel labels given, but the file has %d channels",
                          path, opt->n_labels, si.channels);

    int bytes = 0;
    for (size_t i = 0; i < sizeof encodings / sizeof encodings[0]; i++)
        if (encodings[i].subtype == (si.format & SF_FORMAT_SUBMASK)) {
            bytes = encodings[i].bytes;
            s->integer = encodings[i].integer;
        }
    ictus_sndheader hdr;
    ictus_sndheader_read(path, &hdr);
    if (bytes > 0 && hdr.block_align > 0 && hdr.block_align != si.channels * bytes)
        return ictus_fail(err, ICTUS_ERR_FORMAT,
                          "%s: inconsistent header: block align is %d bytes, but %d channels of "
                          "%d-byte samples need %d", path, hdr.block_align, si.channels, bytes,
                          si.channels * bytes);

    /* The file's bit depth: the container's, or fewer valid bits (12 in 16,
     * 20 in 24), left-justified in libsndfile's int32. */
    int container_bits = 8 * bytes;
    int bits = hdr.valid_bits > 0 && hdr.valid_bits < container_bits ? hdr.valid_bits : container_bits;
    if (s->integer) {
        int shift = 32 - bits;
        s->clip_lo = (int32_t)(INT32_MIN + ((INT64_C(1) << shift) - 1));
        s->clip_hi = (int32_t)(((INT64_C(1) << (bits - 1)) - 1) << shift);
    }
    double full_scale_uv = opt->full_scale_uv > 0 ? opt->full_scale_uv : 32768.0;
    s->uv_per_float = full_scale_uv;
    s->uv_per_int = full_scale_uv / 2147483648.0;
    s->n_channels = si.channels;
    s->fs_hz = si.samplerate;
    s->block_frames = opt->block_frames > 0 ? opt->block_frames : DEFAULT_BLOCK_FRAMES;
    s->chunk_frames = s->block_frames < CHUNK_FRAMES ? s->block_frames : CHUNK_FRAMES;
    size_t buf_len = (size_t)s->chunk_frames * (size_t)si.channels;
    if (s->integer)
        s->ibuf = ictus_xmalloc(buf_len * sizeof *s->ibuf);
    else
        s->fbuf = ictus_xmalloc(buf_len * sizeof *s->fbuf);

    st = check_length(src, si.frames, &hdr, si.channels * bytes, opt->allow_partial, err);
    if (st == ICTUS_OK)
        st = seek_start(src, err);
    if (st != ICTUS_OK)
        return st;
    describe_format(si.format, container_bits, bits, src->info.recording, sizeof src->info.recording);
    src->block_capacity = s->block_frames;
    return fill_info(src, opt, si.samplerate, err);
}

/* Deinterleave channel c of n frames into µV and flags. */
static void convert_int(const snd_state *s, int c, int64_t n, float *out, uint8_t *flags)
{
    const int32_t *in = s->ibuf + c;
    int nc = s->n_channels;
    for (int64_t i = 0; i < n; i++) {
        int32_t v = in[i * nc];
        out[i] = (float)(v * s->uv_per_int);
        flags[i] = v <= s->clip_lo || v >= s->clip_hi ? ICTUS_SAMPLE_CLIP : 0;
    }
}

static void convert_float(const snd_state *s, int c, int64_t n, float *out, uint8_t *flags)
{
    const float *in = s->fbuf + c;
    int nc = s->n_channels;
    for (int64_t i = 0; i < n; i++) {
        float v = in[i * nc];
        bool ok = isfinite(v);
        out[i] = ok ? (float)(v * s->uv_per_float) : 0.0f;
        flags[i] = ok ? 0 : ICTUS_SAMPLE_MISSING;
    }
}

static ictus_status read_snd(ictus_source *src, ictus_block *blk, ictus_error *err)
{
    snd_state *s = src->priv;
    assert(blk->n_channels == s->n_channels && blk->capacity >= s->block_frames);
    int64_t want = s->n_frames - s->pos < s->block_frames ? s->n_frames - s->pos : s->block_frames;
    for (int64_t done = 0; done < want;) {
        int64_t asked = want - done < s->chunk_frames ? want - done : s->chunk_frames;
        int64_t got = read_frames(s, asked);
        for (int c = 0; c < s->n_channels; c++) {
            if (s->integer)
                convert_int(s, c, got, blk->samples[c] + done, blk->flags[c] + done);
            else
                convert_float(s, c, got, blk->samples[c] + done, blk->flags[c] + done);
        }
        done += got;
        if (got == asked)
            continue;
        int64_t end = s->pos + done;
        if (sf_error(s->sf) != SF_ERR_NO_ERROR)
            return ictus_fail(err, ICTUS_ERR_IO, "%s: read error at frame %lld: %s", src->info.path,
                              (long long)end, sf_strerror(s->sf));
        return ictus_fail(err, ICTUS_ERR_TRUNCATED, "%s: truncated: the data ends at frame %lld of %lld",
                          src->info.path, (long long)end, (long long)s->n_frames);
    }
    for (int c = 0; c < s->n_channels; c++) {
        blk->n[c] = want;
        blk->first_index[c] = s->pos;
    }
    blk->start_us = frames_to_us(s->pos, s->fs_hz);
    s->pos += want;
    return ICTUS_OK;
}

static ictus_status rewind_snd(ictus_source *src, ictus_error *err)
{
    return seek_start(src, err);
}

/* The first frame at or after offset_us: frame i is at i * 1e6 / fs_hz µs. */
static ictus_status seek_snd(ictus_source *src, int64_t offset_us, ictus_error *err)
{
    snd_state *s = src->priv;
    int64_t frame = 0;
    if (offset_us > 0) {
        __extension__ typedef __int128 i128;
        frame = (int64_t)(((i128)offset_us * s->fs_hz + 999999) / 1000000);
    }
    return seek_frame(src, frame < s->n_frames ? frame : s->n_frames, err);
}

static void close_snd(ictus_source *src)
{
    snd_state *s = src->priv;
    if (s->sf)
        sf_close(s->sf);
    free(s->ibuf);
    free(s->fbuf);
    free(src->info.channels);
    free(src->info.segments);
}

const ictus_reader ictus_reader_sndfile = {
    .name = "sndfile",
    .priv_size = sizeof(snd_state),
    .probe = probe,
    .open = open_snd,
    .read = read_snd,
    .rewind = rewind_snd,
    .seek = seek_snd,
    .close = close_snd,
};
