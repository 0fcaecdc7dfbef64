/* edf.c: the EDF/EDF+/BDF/BDF+ reader behind ictus_source.
 *
 * open():  the header (edf_header.c); the file size against it (a file
 *          holding less than the header promises is an error, or under
 *          allow_partial read to its last complete record, a partial last
 *          record dropped, and described in info.partial); for files
 *          with annotation signals, the annotation bytes of every record
 *          (pread() per record, or per run of small records): every TAL
 *          (edf_tal.c) and each record's start, checked against the
 *          variant's timeline; EDFlib's verdict on the header (not for
 *          EDF+D, which EDFlib does not read); the recording's description.
 * read():  `block_records` whole records, with one pread() per chunk of
 *          about CHUNK_BYTES, each chunk decoded channel by channel while it
 *          is still in the cache, with a precomputed gain and offset in
 *          loops the compiler vectorises.  A block never spans a gap of an EDF+D file.  Digital
 *          values beyond the header's digital range (which declares them
 *          impossible) are clamped to it, as EDFlib does, and all values at
 *          the range's ends are flagged ICTUS_SAMPLE_CLIP.
 * seek():  to the first record that ends after the time, without reading.
 * Data records are numbered from 0 in messages, as signals are.
 * Times inside are 100 ns ticks (edf_tal.h) from the first record's start.
 */
#include "pipeline/source/source_impl.h"

#include <assert.h>
#include <edflib.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pipeline/source/edf_header.h"
#include "pipeline/source/edf_lock.h"
#include "pipeline/source/edf_tal.h"
#include "base/vec.h"

/* Default block: about this much time, and at most this many bytes. */
#define BLOCK_TICKS (64 * ICTUS_EDF_TICKS_PER_S)
#define BLOCK_BYTES (INT64_C(4) << 20)
/* read(): records are read and decoded this many bytes at a time (at least
 * one record): the chunk is decoded from the L2 cache rather than from
 * memory, and the buffer costs 64 KiB of RSS instead of a block's 0.5-4 MiB. */
#define CHUNK_BYTES (INT64_C(64) << 10)
/* Annotation scan: read runs of records of up to SCAN_RUN_BYTES when a
 * record holds at most SCAN_SKIP_BYTES besides its annotation bytes. */
#define SCAN_RUN_BYTES (INT64_C(1) << 20)
#define SCAN_SKIP_BYTES (INT64_C(16) << 10)

/* How one data channel is decoded. */
typedef struct {
    float gain, offset;       /* physical value (µV for voltages) = digital * gain + offset */
    int32_t dig_min, dig_max; /* samples are clamped to these; at them flagged CLIP */
    int64_t record_offset;    /* byte offset of the channel's samples in a record */
    int samples_per_record;
} channel_codec;

typedef struct {
    int fd;
    ictus_edf_header hdr;
    int64_t n_records;     /* complete data records that read() delivers */
    bool partial;          /* fewer than the header promises (allow_partial) */
    int64_t first_ticks;   /* the first record's time-keeping onset from the header time */
    int64_t *record_start; /* EDF+D: each record's start in ticks from the first's; else NULL */
    channel_codec *codecs; /* one per data channel */
    int64_t block_records;
    int64_t chunk_records; /* records per pread() in read(): <= block_records */
    unsigned char *buf;    /* chunk_records * record_bytes */
    int64_t next_record;
} edf_priv;

/* An annotation as found, before sorting. */
typedef struct {
    int64_t onset_ticks, duration_ticks; /* onset from the header time */
    char *text;
    int64_t seq;                         /* order in the file: keeps the sort stable */
} found_annotation;

typedef struct {
    found_annotation *items;
    int64_t n, cap;
} annotation_list;

/* ---------------------------------------------------------------- helpers */

static bool probe(const unsigned char *head, size_t n)
{
    return n >= 8 && (memcmp(head, "0       ", 8) == 0 || memcmp(head, "\xff" "BIOSEMI", 8) == 0);
}

/* Append a remark to info.warning, "; "-separated, cut to fit. */
static void warn(ictus_recording_info *info, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void warn(ictus_recording_info *info, const char *fmt, ...)
{
    size_t n = strlen(info->warning);
    if (n && n + 2 < sizeof info->warning) {
        memcpy(info->warning + n, "; ", 3);
        n += 2;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(info->warning + n, sizeof info->warning - n, fmt, ap);
    va_end(ap);
}

/* Read `n` bytes from byte `within` of data record `r` on; errors name
 * record `named` (read() names the first record of its block, whichever
 * chunk of it fails). */
static ictus_status read_record_bytes(const ictus_source *src, int64_t r, int64_t within,
                                      void *buf, size_t n, int64_t named, ictus_error *err)
{
    const edf_priv *p = src->priv;
    int64_t at = p->hdr.header_bytes + r * p->hdr.record_bytes + within;
    ssize_t got = ictus_edf_pread(p->fd, buf, n, at);
    if (got < 0)
        return ictus_fail(err, ICTUS_ERR_IO, "%s: record %lld: cannot read: %s", src->info.path,
                          (long long)named, strerror(errno));
    if ((size_t)got < n)
        return ictus_fail(err, ICTUS_ERR_TRUNCATED,
                          "%s: record %lld: the file ends inside it (it shrank after opening)",
                          src->info.path, (long long)named);
    return ICTUS_OK;
}

/* round(a * b / c) for a >= 0, b > 0, c > 0; unsigned __int128 (a GCC and
 * Clang extension) keeps it exact for any record duration and rate. */
static int64_t mul_div_round(int64_t a, int64_t b, int64_t c)
{
    __extension__ typedef unsigned __int128 u128;
    return (int64_t)(((u128)a * (u128)b * 2 + (u128)c) / ((u128)c * 2));
}

/* The start of record r in ticks from the first record's start. */
static int64_t record_start(const edf_priv *p, int64_t r)
{
    return p->record_start ? p->record_start[r] : r * p->hdr.record_ticks;
}

/* ---------------------------------------------------------------- file size */

/* How many complete records to read, from the file size against the header. */
static ictus_status check_size(ictus_source *src, const ictus_source_options *opt,
                               ictus_error *err)
{
    edf_priv *p = src->priv;
    const ictus_edf_header *h = &p->hdr;
    const char *path = src->info.path;
    struct stat st;
    if (fstat(p->fd, &st) != 0)
        return ictus_fail(err, ICTUS_ERR_IO, "%s: cannot stat: %s", path, strerror(errno));
    int64_t data = (int64_t)st.st_size - h->header_bytes;
    int64_t complete = data / h->record_bytes, partial = data % h->record_bytes;
    if (h->n_records < 0) {
        if (!opt->allow_partial)
            return ictus_fail(err, ICTUS_ERR_INCOMPLETE,
                              "%s: the header's number of data records is -1: the file is still "
                              "being written (%lld complete records and %lld bytes so far)",
                              path, (long long)complete, (long long)partial);
        p->n_records = complete;
        p->partial = true;
        warn(&src->info, "still being written (header says -1 records): read its %lld complete "
             "records", (long long)complete);
    } else if (complete < h->n_records) {
        if (!opt->allow_partial)
            return ictus_fail(err, ICTUS_ERR_TRUNCATED,
                              "%s: the file ends %s data record %lld of %lld (%lld bytes, the "
                              "header needs %lld)", path, partial ? "inside" : "before",
                              (long long)complete, (long long)h->n_records,
                              (long long)st.st_size,
                              (long long)(h->header_bytes + h->n_records * h->record_bytes));
        p->n_records = complete;
        p->partial = true;
        warn(&src->info, "cut short: read %lld of the %lld data records the header announces",
             (long long)complete, (long long)h->n_records);
    } else {
        p->n_records = h->n_records;
        int64_t extra = data - h->n_records * h->record_bytes;
        if (extra > 0)
            warn(&src->info, "%lld bytes after the last data record ignored", (long long)extra);
    }
    return ICTUS_OK;
}

/* ---------------------------------------------------------------- annotations and timeline */

static void collect(void *ctx, int64_t onset_ticks, int64_t duration_ticks, const char *text,
                    size_t len)
{
    annotation_list *list = ctx;
    ICTUS_GROW(list->items, list->n + 1, list->cap);
    found_annotation *a = &list->items[list->n];
    a->onset_ticks = onset_ticks;
    a->duration_ticks = duration_ticks;
    a->text = ictus_xmalloc(len + 1);
    memcpy(a->text, text, len);
    a->text[len] = '\0';
    a->seq = list->n++;
}

static int by_onset(const void *a, const void *b)
{
    const found_annotation *x = a, *y = b;
    if (x->onset_ticks != y->onset_ticks)
        return x->onset_ticks < y->onset_ticks ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Where record r starts, from its time-keeping onset `t` (ticks from the
 * header time): EDF+D records must follow each other without overlap; in a
 * continuous file record r must start r durations after record 0. */
static ictus_status place_record(ictus_source *src, int64_t r, int64_t t, ictus_error *err)
{
    edf_priv *p = src->priv;
    int64_t duration = p->hdr.record_ticks;
    char at[32], expected[32];
    if (r == 0)
        p->first_ticks = t;
    int64_t rel = t - p->first_ticks;
    if (!p->record_start) {
        if (duration > 0 && rel != r * duration)
            return ictus_fail(
                err, ICTUS_ERR_FORMAT,
                "%s: record %lld: time-keeping TAL says %s s, but in a continuous "
                "(%s) file it starts at %s s",
                src->info.path, (long long)r, ictus_edf_format_seconds(at, t, true),
                ictus_format_name(p->hdr.format),
                ictus_edf_format_seconds(expected, p->first_ticks + r * duration, true));
        return ICTUS_OK;
    }
    if (r > 0) {
        int64_t prev = p->record_start[r - 1];
        if (rel < prev + duration)
            return ictus_fail(err, ICTUS_ERR_FORMAT,
                              "%s: record %lld: starts at %s s, %s record %lld (which %s at %s s)",
                              src->info.path, (long long)r, ictus_edf_format_seconds(at, t, true),
                              rel < prev ? "before" : "inside", (long long)(r - 1),
                              rel < prev ? "starts" : "ends",
                              ictus_edf_format_seconds(expected, p->first_ticks + prev +
                                                       (rel < prev ? 0 : duration), true));
    }
    p->record_start[r] = rel;
    return ICTUS_OK;
}

/* Parse every TAL of every annotation signal of the first n_scan records
 * (every record, but for a samples-only open: source.h).  Only the
 * annotation bytes are read (from the first annotation signal to the end of
 * the last): one pread() per record, or, when records are small, one per run
 * of records, which also reads the data in between but is cheaper than a
 * system call per record (24 h of 4 x 1 kHz in 1 s records: 0.05 s instead
 * of 0.15-0.3 s with warm caches). */
static ictus_status scan_annotations(ictus_source *src, annotation_list *list, int64_t n_scan,
                                     ictus_error *err)
{
    edf_priv *p = src->priv;
    const ictus_edf_header *h = &p->hdr;
    n_scan = n_scan < p->n_records ? n_scan : p->n_records;
    int64_t lo = h->record_bytes, hi = 0;
    for (int s = 0; s < h->n_signals; s++)
        if (h->signals[s].is_annotation) {
            int64_t end = h->signals[s].record_offset +
                          (int64_t)h->signals[s].samples_per_record * h->bytes_per_sample;
            lo = h->signals[s].record_offset < lo ? h->signals[s].record_offset : lo;
            hi = end > hi ? end : hi;
        }
    int64_t run =
        h->record_bytes - (hi - lo) <= SCAN_SKIP_BYTES ? SCAN_RUN_BYTES / h->record_bytes : 1;
    run = run > 0 ? run : 1;
    if (h->format == ICTUS_FORMAT_EDFPLUS_D || h->format == ICTUS_FORMAT_BDFPLUS_D)
        p->record_start =
            ictus_xmalloc((size_t)(p->n_records ? p->n_records : 1) * sizeof(int64_t));
    unsigned char *bytes = ictus_xmalloc((size_t)((run - 1) * h->record_bytes + hi - lo));
    bool timekeeping = h->plus; /* plain files: only when record 0 has one */
    ictus_status st = ICTUS_OK;
    for (int64_t r = 0; r < n_scan && st == ICTUS_OK; r++) {
        int64_t j = r % run; /* r's place in the run read last */
        if (j == 0) {
            int64_t k = n_scan - r < run ? n_scan - r : run;
            st = read_record_bytes(src, r, lo, bytes, (size_t)((k - 1) * h->record_bytes + hi - lo),
                                   r, err);
        }
        bool first = true;
        for (int s = 0; s < h->n_signals && st == ICTUS_OK; s++) {
            const ictus_edf_signal *sig = &h->signals[s];
            if (!sig->is_annotation)
                continue;
            ictus_tal_head head;
            char why[160];
            size_t n = (size_t)sig->samples_per_record * (size_t)h->bytes_per_sample;
            const unsigned char *tal = bytes + j * h->record_bytes + (sig->record_offset - lo);
            if (!ictus_tal_parse(tal, n, &head, collect, list, why, sizeof why)) {
                st = ictus_fail(err, ICTUS_ERR_FORMAT, "%s: record %lld: annotation signal %d: "
                                "malformed TAL: %s", src->info.path, (long long)r, s, why);
                break;
            }
            if (!first)
                continue;
            first = false;
            if (r == 0 && !h->plus)
                timekeeping = head.timekeeping;
            if (!timekeeping)
                continue;
            if (!head.timekeeping)
                st = ictus_fail(err, ICTUS_ERR_FORMAT, "%s: record %lld: annotation signal %d does "
                                "not start with a time-keeping TAL ('+SECONDS' and an empty text)",
                                src->info.path, (long long)r, s);
            else
                st = place_record(src, r, head.onset_ticks, err);
        }
    }
    free(bytes);
    return st;
}

/* Sort the annotations by onset (file order among equals) and hand them to
 * info with onsets from the first record's start. */
static void publish_annotations(ictus_source *src, annotation_list *list)
{
    edf_priv *p = src->priv;
    ictus_recording_info *info = &src->info;
    if (list->n > 0)
        qsort(list->items, (size_t)list->n, sizeof *list->items, by_onset);
    info->n_annotations = (int)list->n;
    info->annotations = ictus_xcalloc((size_t)(list->n ? list->n : 1), sizeof *info->annotations);
    for (int64_t i = 0; i < list->n; i++) {
        const found_annotation *a = &list->items[i];
        info->annotations[i].onset_us = ictus_edf_ticks_to_us(a->onset_ticks - p->first_ticks);
        info->annotations[i].duration_us =
            a->duration_ticks < 0 ? -1 : ictus_edf_ticks_to_us(a->duration_ticks);
        info->annotations[i].text = a->text;
    }
    free(list->items);
    list->items = NULL;
    list->n = 0;
}

static void free_annotation_list(annotation_list *list)
{
    for (int64_t i = 0; i < list->n; i++)
        free(list->items[i].text);
    free(list->items);
}

/* Contiguous stretches of records, and the recording's duration. */
static void build_segments(ictus_source *src)
{
    edf_priv *p = src->priv;
    ictus_recording_info *info = &src->info;
    int64_t duration = p->hdr.record_ticks;
    info->segments =
        ictus_xcalloc((size_t)(p->n_records ? p->n_records : 1), sizeof *info->segments);
    if (duration == 0 || p->n_records == 0)
        return;
    for (int64_t r = 0; r < p->n_records; r++) {
        int64_t start = record_start(p, r);
        ictus_segment *last = info->n_segments ? &info->segments[info->n_segments - 1] : NULL;
        if (!last || record_start(p, r - 1) + duration != start)
            info->segments[info->n_segments++].start_us = ictus_edf_ticks_to_us(start);
        info->segments[info->n_segments - 1].end_us = ictus_edf_ticks_to_us(start + duration);
    }
    info->duration_us = info->segments[info->n_segments - 1].end_us;
}

/* ---------------------------------------------------------------- EDFlib's verdict */

static const char *edflib_error_words(int code)
{
    switch (code) {
    case EDFLIB_MALLOC_ERROR: return "out of memory";
    case EDFLIB_NO_SUCH_FILE_OR_DIRECTORY: return "cannot open the file";
    case EDFLIB_FILE_CONTAINS_FORMAT_ERRORS: return "the file contains format errors";
    case EDFLIB_MAXFILES_REACHED: return "too many files open in EDFlib";
    case EDFLIB_FILE_READ_ERROR: return "read error";
    case EDFLIB_FILE_ALREADY_OPENED: return "the file is already open in EDFlib";
    case EDFLIB_FILETYPE_ERROR: return "not an EDF or BDF file";
    case EDFLIB_FILE_IS_DISCONTINUOUS: return "EDF+D/BDF+D, which EDFlib does not read";
    case EDFLIB_ARCH_ERROR: return "unsupported architecture";
    default: return "unknown error";
    }
}

/* EDFlib, the field's reference reader, as a second opinion on the header:
 * when it refuses a file that ictus reads, or reads it differently, say so
 * in info.warning.  EDFlib's open and close are not thread-safe
 * (edf_lock.h); its header struct is large, so it lives on the heap. */
static void consult_edflib(ictus_source *src)
{
    const edf_priv *p = src->priv;
    const ictus_edf_header *h = &p->hdr;
    int version = edflib_version();
    struct edf_hdr_struct *e = ictus_xmalloc(sizeof *e);
    ictus_edflib_lock();
    int rc = edfopen_file_readonly(src->info.path, e, EDFLIB_DO_NOT_READ_ANNOTATIONS);
    if (rc == 0)
        edfclose_file(e->handle);
    ictus_edflib_unlock();
    if (rc != 0) {
        warn(&src->info, "EDFlib %d.%02d refuses this file (error %d: %s); ictus read it%s%s",
             version / 100, version % 100, e->filetype, edflib_error_words(e->filetype),
             h->lenient[0] ? ", tolerating: " : "", h->lenient);
    } else {
        int signals = h->n_signals - (h->plus ? h->n_annotation_signals : 0);
        if (e->edfsignals != signals || e->datarecords_in_file != p->n_records ||
            e->datarecord_duration != h->record_ticks)
            warn(&src->info, "EDFlib %d.%02d reads %d signals, %lld records of %lld ticks; "
                 "ictus reads %d, %lld of %lld", version / 100, version % 100, e->edfsignals,
                 e->datarecords_in_file, e->datarecord_duration, signals,
                 (long long)p->n_records, (long long)h->record_ticks);
    }
    free(e);
}

/* ---------------------------------------------------------------- open */

static void describe_channels(ictus_source *src)
{
    edf_priv *p = src->priv;
    const ictus_edf_header *h = &p->hdr;
    ictus_recording_info *info = &src->info;
    int nc = h->n_signals - h->n_annotation_signals;
    info->n_channels = nc;
    info->channels = ictus_xcalloc((size_t)(nc ? nc : 1), sizeof *info->channels);
    p->codecs = ictus_xcalloc((size_t)(nc ? nc : 1), sizeof *p->codecs);
    int c = 0;
    for (int s = 0; s < h->n_signals; s++) {
        const ictus_edf_signal *sig = &h->signals[s];
        if (sig->is_annotation)
            continue;
        ictus_channel_info *ch = &info->channels[c];
        snprintf(ch->label, sizeof ch->label, "%s", sig->label);
        snprintf(ch->unit, sizeof ch->unit, "%s", sig->unit);
        snprintf(ch->transducer, sizeof ch->transducer, "%s", sig->transducer);
        snprintf(ch->prefilter, sizeof ch->prefilter, "%s", sig->prefilter);
        ch->fs_hz = (double)sig->samples_per_record * (double)ICTUS_EDF_TICKS_PER_S /
                    (double)h->record_ticks;
        ch->is_voltage = ictus_unit_to_uv(sig->unit, &ch->uv_per_unit);
        ch->phys_min = sig->phys_min;
        ch->phys_max = sig->phys_max;
        ch->dig_min = sig->dig_min;
        ch->dig_max = sig->dig_max;
        ch->samples_per_record = sig->samples_per_record;
        ch->n_samples = (int64_t)sig->samples_per_record * p->n_records;

        double per_digit = (sig->phys_max - sig->phys_min) / ((double)sig->dig_max - sig->dig_min);
        channel_codec *codec = &p->codecs[c];
        codec->gain = (float)(per_digit * ch->uv_per_unit);
        codec->offset = (float)((sig->phys_min - sig->dig_min * per_digit) * ch->uv_per_unit);
        codec->dig_min = sig->dig_min;
        codec->dig_max = sig->dig_max;
        codec->record_offset = sig->record_offset;
        codec->samples_per_record = sig->samples_per_record;
        c++;
    }
}

/* Records per block: opt->block_records, else ~64 s and at most 4 MiB: the
 * analyzer synchronises its threads once per block, so blocks must be long
 * enough for that to cost nothing. */
static void size_blocks(ictus_source *src, const ictus_source_options *opt)
{
    edf_priv *p = src->priv;
    const ictus_edf_header *h = &p->hdr;
    int64_t k = h->record_ticks > 0 ? BLOCK_TICKS / h->record_ticks : 1;
    int64_t by_bytes = BLOCK_BYTES / h->record_bytes;
    k = k < by_bytes ? k : by_bytes;
    if (opt->block_records > 0)
        k = opt->block_records;
    if (k > p->n_records)
        k = p->n_records;
    p->block_records = k > 0 ? k : 1;
    int max_spr = 0;
    for (int c = 0; c < src->info.n_channels; c++)
        if (p->codecs[c].samples_per_record > max_spr)
            max_spr = p->codecs[c].samples_per_record;
    src->block_capacity = p->block_records * max_spr;
    int64_t chunk = CHUNK_BYTES / h->record_bytes;
    chunk = chunk < p->block_records ? chunk : p->block_records;
    p->chunk_records = chunk > 0 ? chunk : 1;
    if (src->info.n_channels > 0)
        p->buf = ictus_xmalloc((size_t)(p->chunk_records * h->record_bytes));
}

static ictus_status open_edf(ictus_source *src, const ictus_source_options *opt, ictus_error *err)
{
    edf_priv *p = src->priv;
    ictus_recording_info *info = &src->info;
    p->fd = open(info->path, O_RDONLY | O_CLOEXEC);
    if (p->fd < 0)
        return ictus_fail(err, ICTUS_ERR_IO, "%s: cannot open: %s", info->path, strerror(errno));
    ictus_status st = ictus_edf_header_read(p->fd, info->path, &p->hdr, err);
    if (st == ICTUS_OK)
        st = check_size(src, opt, err);
    annotation_list list = {0};
    /* Samples only: a continuous file's records need no annotation but the
     * first record's time-keeping (source.h); its annotations are dropped,
     * so that info never lists a part of them. */
    bool continuous = p->hdr.format == ICTUS_FORMAT_EDFPLUS_C ||
                      p->hdr.format == ICTUS_FORMAT_BDFPLUS_C;
    bool first_only = opt->samples_only && continuous;
    if (st == ICTUS_OK && p->hdr.n_annotation_signals > 0)
        st = scan_annotations(src, &list, first_only ? 1 : p->n_records, err);
    if (st != ICTUS_OK || first_only) {
        free_annotation_list(&list);
        list = (annotation_list){0};
    }
    if (st != ICTUS_OK)
        return st;
    const ictus_edf_header *h = &p->hdr;
    info->format = h->format;
    snprintf(info->patient, sizeof info->patient, "%s", h->patient);
    snprintf(info->recording, sizeof info->recording, "%s", h->recording);
    info->start_us = h->start_us + ictus_edf_ticks_to_us(p->first_ticks);
    info->record_s = (double)h->record_ticks / (double)ICTUS_EDF_TICKS_PER_S;
    info->n_records = p->n_records;
    publish_annotations(src, &list);
    build_segments(src);
    if (p->partial)
        ictus_source_note_partial(info, h->n_records < 0 ? "-1 data records" : NULL,
                                  h->n_records, p->n_records, "data records", info->record_s);
    describe_channels(src);
    if (!p->record_start)
        consult_edflib(src);
    size_blocks(src, opt);
    return ICTUS_OK;
}

/* ---------------------------------------------------------------- decoding */

/* The hot loops.  Each decodes n samples of one channel of one record; they
 * are called with n = DECODE_RUN (a constant after inlining, which GCC's -O2
 * vectoriser needs) and once more for the rest. */
enum { DECODE_RUN = 16 };

/* A little-endian 16-bit sample: a plain load on little-endian hosts (twice
 * as fast as assembling bytes once vectorised). */
static inline int16_t load_le16(const unsigned char *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    int16_t v;
    memcpy(&v, p, sizeof v);
    return v;
#else
    return (int16_t)(uint16_t)(p[0] | p[1] << 8);
#endif
}

static inline void decode16_run(const unsigned char *restrict in, int n, const channel_codec *k,
                                float *restrict out, uint8_t *restrict flags)
{
    const float gain = k->gain, offset = k->offset;
    const int16_t lo = (int16_t)k->dig_min, hi = (int16_t)k->dig_max; /* 16-bit compares */
    for (int i = 0; i < n; i++) {
        int16_t v = load_le16(in + 2 * i);
        v = v < lo ? lo : v; /* two statements: GCC emits pmaxsw/pminsw */
        v = v > hi ? hi : v;
        out[i] = (float)v * gain + offset;
        flags[i] = (uint8_t)(((v == lo) | (v == hi)) * ICTUS_SAMPLE_CLIP);
    }
}

static inline void decode24_run(const unsigned char *restrict in, int n, const channel_codec *k,
                                float *restrict out, uint8_t *restrict flags)
{
    const float gain = k->gain, offset = k->offset;
    const int32_t lo = k->dig_min, hi = k->dig_max;
    for (int i = 0; i < n; i++) {
        int32_t v = (int32_t)((uint32_t)in[3 * i] | (uint32_t)in[3 * i + 1] << 8 |
                              (uint32_t)in[3 * i + 2] << 16);
        v = (v ^ 0x800000) - 0x800000; /* sign-extend 24 bits */
        v = v < lo ? lo : v;
        v = v > hi ? hi : v;
        out[i] = (float)v * gain + offset;
        flags[i] = (uint8_t)(((v == lo) | (v == hi)) * ICTUS_SAMPLE_CLIP);
    }
}

/* Decode n samples of `bytes` bytes each: 2 (EDF) or 3 (BDF). */
static inline void decode_run(const unsigned char *in, int bytes, int n, const channel_codec *k,
                              float *out, uint8_t *flags)
{
    if (bytes == 2)
        decode16_run(in, n, k, out, flags);
    else
        decode24_run(in, n, k, out, flags);
}

/* decode_run() over n samples: runs of DECODE_RUN, then the rest.  Called
 * with a constant `bytes`, so that each width inlines into a loop of its own. */
static inline void decode(const unsigned char *in, int bytes, int64_t n, const channel_codec *k,
                          float *out, uint8_t *flags)
{
    int64_t i = 0;
    for (; i + DECODE_RUN <= n; i += DECODE_RUN)
        decode_run(in + bytes * i, bytes, DECODE_RUN, k, out + i, flags + i);
    decode_run(in + bytes * i, bytes, (int)(n - i), k, out + i, flags + i);
}

/* ---------------------------------------------------------------- read, rewind, close */

/* Decode channel `codec` of the m records in p->buf, records [r, r + m)
 * of the block, to its samples and flags in the block. */
static void decode_records(const edf_priv *p, const channel_codec *codec, int64_t r, int64_t m,
                           float *samples, uint8_t *flags)
{
    const ictus_edf_header *h = &p->hdr;
    int64_t spr = codec->samples_per_record;
    for (int64_t j = 0; j < m; j++) {
        const unsigned char *in = p->buf + j * h->record_bytes + codec->record_offset;
        float *out = samples + (r + j) * spr;
        uint8_t *f = flags + (r + j) * spr;
        if (h->bytes_per_sample == 2)
            decode(in, 2, spr, codec, out, f);
        else
            decode(in, 3, spr, codec, out, f);
    }
}

static ictus_status read_edf(ictus_source *src, ictus_block *blk, ictus_error *err)
{
    edf_priv *p = src->priv;
    const ictus_edf_header *h = &p->hdr;
    int nc = src->info.n_channels;
    for (int c = 0; c < nc; c++)
        blk->n[c] = 0;
    blk->start_us = src->info.duration_us;
    if (nc == 0 || p->next_record >= p->n_records)
        return ICTUS_OK;

    int64_t r0 = p->next_record, k = 1;
    while (k < p->block_records && r0 + k < p->n_records &&
           record_start(p, r0 + k) == record_start(p, r0 + k - 1) + h->record_ticks)
        k++;
    for (int c = 0; c < nc; c++)
        assert(k * p->codecs[c].samples_per_record <= blk->capacity);
    for (int64_t r = 0; r < k; r += p->chunk_records) {
        int64_t m = k - r < p->chunk_records ? k - r : p->chunk_records;
        ictus_status st = read_record_bytes(src, r0 + r, 0, p->buf,
                                            (size_t)(m * h->record_bytes), r0, err);
        if (st != ICTUS_OK)
            return st;
        for (int c = 0; c < nc; c++)
            decode_records(p, &p->codecs[c], r, m, blk->samples[c], blk->flags[c]);
    }

    int64_t start = record_start(p, r0);
    for (int c = 0; c < nc; c++) {
        int64_t spr = p->codecs[c].samples_per_record;
        blk->n[c] = k * spr;
        blk->first_index[c] = mul_div_round(start, spr, h->record_ticks);
    }
    blk->start_us = ictus_edf_ticks_to_us(start);
    p->next_record = r0 + k;
    return ICTUS_OK;
}

static ictus_status rewind_edf(ictus_source *src, ictus_error *err)
{
    edf_priv *p = src->priv;
    p->next_record = 0;
    return ICTUS_OK;
}

/* The first record that ends after offset_us: a division, or a binary search
 * of the EDF+D record starts. */
static ictus_status seek_edf(ictus_source *src, int64_t offset_us, ictus_error *err)
{
    edf_priv *p = src->priv;
    int64_t ticks = offset_us * (ICTUS_EDF_TICKS_PER_S / 1000000);
    int64_t duration = p->hdr.record_ticks;
    if (ticks <= 0 || duration <= 0) {
        p->next_record = 0;
        return ICTUS_OK;
    }
    int64_t lo = 0, hi = p->n_records; /* the answer is in [lo, hi] */
    if (!p->record_start) {
        lo = ticks / duration;
        hi = lo < p->n_records ? lo : p->n_records;
        lo = hi;
    }
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (record_start(p, mid) + duration > ticks)
            hi = mid;
        else
            lo = mid + 1;
    }
    p->next_record = lo;
    return ICTUS_OK;
}

static void close_edf(ictus_source *src)
{
    edf_priv *p = src->priv;
    ictus_recording_info *info = &src->info;
    if (p->fd >= 0) /* open_edf() always ran and set it */
        close(p->fd);
    for (int i = 0; i < info->n_annotations; i++)
        free(info->annotations[i].text);
    free(info->annotations);
    free(info->channels);
    free(info->segments);
    free(p->record_start);
    free(p->codecs);
    free(p->buf);
    ictus_edf_header_clear(&p->hdr);
}

const ictus_reader ictus_reader_edf = {
    .name = "EDF",
    .priv_size = sizeof(edf_priv),
    .probe = probe,
    .open = open_edf,
    .read = read_edf,
    .rewind = rewind_edf,
    .seek = seek_edf,
    .close = close_edf,
};
