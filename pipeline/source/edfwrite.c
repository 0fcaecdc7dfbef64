/* edfwrite.c: write EDF+/BDF+ recordings one data record at a time.
 *
 * Two back ends behind one writer: EDFlib for EDF+C/BDF+C, and this file's
 * own code for EDF+D/BDF+D, which EDFlib cannot write.  Both share the
 * layout checks and the conversion of physical samples to digital codes.
 */
#include "pipeline/source/edfwrite.h"

#include <edflib.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pipeline/source/edf_header.h"
#include "pipeline/source/edf_lock.h"
#include "pipeline/source/edf_tal.h"
#include "base/walltime.h"
#include "base/vec.h"

/* Room in the annotation signal of each EDF+D record: the time-keeping TAL
 * ("+" 12 digits "." 7 digits, 0x14 0x14 0x00) and, per annotation, onset,
 * duration, text and separators. */
#define TIMEKEEPING_BYTES 24
#define BYTES_PER_ANNOTATION (21 + 1 + 20 + 1 + ICTUS_EDF_ANNOTATION_TEXT_MAX + 2)
/* EDF+D records are written in batches of about this many bytes. */
#define WRITE_BATCH_BYTES (INT64_C(1) << 20)

/* One channel as written. */
typedef struct {
    int samples_per_record;
    double phys_min, phys_max; /* as written in the header */
    double digits_per_unit;   /* (dig_max - dig_min) / (phys_max - phys_min), as written */
    int32_t dig_min, dig_max;
    int32_t nan_digital;      /* the code written for NaN: nearest to physical 0 */
    char phys_min_text[16], phys_max_text[16];
    int64_t record_offset;    /* own back end: byte offset in a record */
} out_channel;

typedef struct {
    int64_t onset_us, duration_us;
    char *text;
    int64_t seq;
} pending_annotation;

struct ictus_edfwriter {
    char *path;
    bool own;                 /* EDF+D/BDF+D, written by this file; else EDFlib */
    bool bdf;
    int n_channels;
    out_channel *channels;
    int32_t *digital;         /* one channel's record of digital codes */
    int64_t record_us;
    int64_t n_records;        /* written so far */
    int64_t next_us;          /* earliest start of the next record */
    int annotations_per_record;
    int64_t n_annotations;
    /* EDFlib back end */
    int handle;
    short *shorts;            /* one EDF channel's record for edfwrite_digital_short_samples */
    /* own back end */
    int fd;
    int64_t header_bytes, record_bytes;
    int64_t annotation_at, annotation_bytes; /* the annotation signal within a record */
    int64_t subsecond_ticks;  /* start_us below the whole second, in ticks */
    unsigned char *records;   /* records not yet written: up to buffer_records */
    int64_t buffered, buffer_records;
    int64_t flushed;          /* records already in the file */
    int64_t *record_start_us; /* each record's offset from start_us */
    int64_t records_cap;
    pending_annotation *pending;
    int64_t pending_cap;
};

/* ---------------------------------------------------------------- layout checks */

static bool printable_ascii(const char *s)
{
    for (; *s; s++)
        if (*s < 0x20 || *s > 0x7e)
            return false;
    return true;
}

/* The most precise fixed-point text of v in at most 8 characters, and the
 * value a reader parses back from it; false when |v| is too large. */
static bool fit8(double v, char text[16], double *written)
{
    static const double pow10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7};
    for (int prec = 7; prec >= 0; prec--) {
        double scaled = round(v * pow10[prec]);
        if (fabs(scaled) >= 1e15)
            continue;
        long long q = (long long)scaled;
        unsigned long long mag = (unsigned long long)(q < 0 ? -q : q);
        unsigned long long unit = (unsigned long long)pow10[prec];
        unsigned long long whole = mag / unit, frac = mag % unit;
        int digits = prec;
        while (digits > 0 && frac % 10 == 0) {
            frac /= 10;
            digits--;
        }
        int n = snprintf(text, 16, "%s%llu", q < 0 ? "-" : "", whole);
        if (digits > 0)
            n += snprintf(text + n, 16 - (size_t)n, ".%0*llu", digits, frac);
        if (n <= 8) {
            *written = (double)q / pow10[prec];
            return true;
        }
    }
    return false;
}

static ictus_status check_channel(const char *path, const ictus_edf_layout *l, int c,
                                  out_channel *out, ictus_error *err)
{
    const ictus_edf_channel_spec *spec = &l->channels[c];
    bool bdf = l->format == ICTUS_FORMAT_BDFPLUS_C || l->format == ICTUS_FORMAT_BDFPLUS_D;
    int32_t lo = bdf ? -(1 << 23) : INT16_MIN, hi = bdf ? (1 << 23) - 1 : INT16_MAX;
    const char *label = spec->label ? spec->label : "";
    const char *unit = spec->unit ? spec->unit : "";
    if (!printable_ascii(label) || strlen(label) > 16 || !printable_ascii(unit) || strlen(unit) > 8)
        return ictus_fail(err, ICTUS_ERR_CONFIG, "%s: channel %d: label '%s' and unit '%s' must be "
                          "printable ASCII of at most 16 and 8 bytes", path, c, label, unit);
    double spr = spec->fs_hz * (double)l->record_us / 1e6;
    if (!(spr >= 0.5) || fabs(spr - round(spr)) > 1e-6 * spr || spr > 1e7)
        return ictus_fail(err, ICTUS_ERR_CONFIG,
                          "%s: channel %d '%s': %g Hz times a %lld µs record "
                          "is %g samples, not a whole number",
                          path, c, label, spec->fs_hz, (long long)l->record_us, spr);
    out->samples_per_record = (int)round(spr);
    if (spec->dig_min >= spec->dig_max || spec->dig_min < lo || spec->dig_max > hi)
        return ictus_fail(err, ICTUS_ERR_CONFIG, "%s: channel %d '%s': digital range %d..%d is not "
                          "an increasing range within %d..%d", path, c, label, spec->dig_min,
                          spec->dig_max, lo, hi);
    double phys_min, phys_max;
    if (!fit8(spec->phys_min, out->phys_min_text, &phys_min) ||
        !fit8(spec->phys_max, out->phys_max_text, &phys_max) || phys_min == phys_max)
        return ictus_fail(err, ICTUS_ERR_CONFIG,
                          "%s: channel %d '%s': physical range %g..%g cannot "
                          "be written in 8 characters as two different numbers",
                          path, c, label, spec->phys_min, spec->phys_max);
    out->phys_min = phys_min;
    out->phys_max = phys_max;
    out->digits_per_unit = ((double)spec->dig_max - spec->dig_min) / (phys_max - phys_min);
    out->dig_min = spec->dig_min;
    out->dig_max = spec->dig_max;
    double zero = -phys_min * out->digits_per_unit + spec->dig_min;
    zero = zero < spec->dig_min ? spec->dig_min : zero > spec->dig_max ? spec->dig_max : zero;
    out->nan_digital = (int32_t)lround(zero);
    return ICTUS_OK;
}

static ictus_status check_layout(const char *path, const ictus_edf_layout *l, out_channel *channels,
                                 ictus_error *err)
{
    if (l->format != ICTUS_FORMAT_EDFPLUS_C && l->format != ICTUS_FORMAT_EDFPLUS_D &&
        l->format != ICTUS_FORMAT_BDFPLUS_C && l->format != ICTUS_FORMAT_BDFPLUS_D)
        return ictus_fail(err, ICTUS_ERR_CONFIG, "%s: the writer writes EDF+C, EDF+D, BDF+C or "
                          "BDF+D, not %s", path, ictus_format_name(l->format));
    if (l->n_channels < 1 || l->n_channels >= EDFLIB_MAXSIGNALS)
        return ictus_fail(err, ICTUS_ERR_CONFIG, "%s: %d channels: 1..%d can be written", path,
                          l->n_channels, EDFLIB_MAXSIGNALS - 1);
    /* These durations also fit the header's 8 characters exactly
     * ("0.001234", "12.34567"). */
    if (l->record_us < 1 || l->record_us > 60 * ICTUS_US_PER_S ||
        (l->record_us >= 10000 && l->record_us % 10 != 0))
        return ictus_fail(err, ICTUS_ERR_CONFIG,
                          "%s: data record duration %lld µs: 1..60 000 000, "
                          "a multiple of 10 from 10 000 on",
                          path, (long long)l->record_us);
    int year;
    ictus_walltime_to_civil(l->start_us, &year, NULL, NULL, NULL, NULL, NULL, NULL);
    if (year < 1985 || year > 2084)
        return ictus_fail(err, ICTUS_ERR_CONFIG, "%s: start year %d: EDF holds 1985..2084", path,
                          year);
    const char *patient = l->patient ? l->patient : "X";
    const char *recording = l->recording ? l->recording : "";
    if (!printable_ascii(patient) || strlen(patient) > 40 || !*patient ||
        !printable_ascii(recording) || strlen(recording) > 40)
        return ictus_fail(err, ICTUS_ERR_CONFIG, "%s: patient '%s' and recording '%s' must be "
                          "printable ASCII of 1..40 and 0..40 bytes", path, patient, recording);
    if (l->annotations_per_record < 0 || l->annotations_per_record > 64)
        return ictus_fail(err, ICTUS_ERR_CONFIG, "%s: %d annotations per record: 0..64", path,
                          l->annotations_per_record);
    for (int c = 0; c < l->n_channels; c++) {
        ictus_status st = check_channel(path, l, c, &channels[c], err);
        if (st != ICTUS_OK)
            return st;
    }
    return ICTUS_OK;
}

/* ---------------------------------------------------------------- conversion */

/* Physical samples to digital codes: rounded to the nearest (halves away
 * from zero), clamped to the digital range, NaN to nan_digital.  Branch-free
 * so that it vectorises; called with n = DIGITAL_RUN (a constant after
 * inlining) and once more for the rest, as edf.c's decoders. */
enum { DIGITAL_RUN = 16 };

static inline void to_digital_run(const out_channel *ch, const float *restrict x, int n,
                                  int32_t *restrict d)
{
    const double phys_min = ch->phys_min, scale = ch->digits_per_unit;
    const double lo = ch->dig_min, hi = ch->dig_max, nan_code = ch->nan_digital;
    for (int i = 0; i < n; i++) {
        double v = ((double)x[i] - phys_min) * scale + lo;
        v = v == v ? v : nan_code;
        v = v < lo ? lo : v;
        v = v > hi ? hi : v;
        d[i] = (int32_t)(v + (v >= 0 ? 0.5 : -0.5));
    }
}

static void to_digital(const out_channel *ch, const float *x, int32_t *d)
{
    int i = 0, n = ch->samples_per_record;
    for (; i + DIGITAL_RUN <= n; i += DIGITAL_RUN)
        to_digital_run(ch, x + i, DIGITAL_RUN, d + i);
    to_digital_run(ch, x + i, n - i, d + i);
}

/* ---------------------------------------------------------------- EDFlib back end: EDF+C, BDF+C */

static const char *edflib_words(int code)
{
    switch (code) {
    case EDFLIB_MALLOC_ERROR: return "out of memory";
    case EDFLIB_NO_SUCH_FILE_OR_DIRECTORY: return "cannot create the file";
    case EDFLIB_MAXFILES_REACHED: return "too many files open in EDFlib";
    case EDFLIB_FILE_ALREADY_OPENED: return "the file is already open in EDFlib";
    case EDFLIB_NUMBER_OF_SIGNALS_INVALID: return "invalid number of signals";
    default: return "EDFlib error";
    }
}

static void edflib_close_locked(int handle)
{
    ictus_edflib_lock();
    edfclose_file(handle);
    ictus_edflib_unlock();
}

static ictus_status edflib_create(ictus_edfwriter *w, const ictus_edf_layout *l, ictus_error *err)
{
    int type = w->bdf ? EDFLIB_FILETYPE_BDFPLUS : EDFLIB_FILETYPE_EDFPLUS;
    ictus_edflib_lock();
    w->handle = edfopen_file_writeonly(w->path, type, l->n_channels);
    ictus_edflib_unlock();
    if (w->handle < 0)
        return ictus_fail(err, ICTUS_ERR_IO, "%s: EDFlib cannot create it (error %d: %s)", w->path,
                          w->handle, edflib_words(w->handle));
    int y, mo, d, h, mi, s;
    int64_t us;
    ictus_walltime_to_civil(l->start_us, &y, &mo, &d, &h, &mi, &s, &us);
    bool ok = edf_set_startdatetime(w->handle, y, mo, d, h, mi, s) == 0 &&
              edf_set_subsecond_starttime(w->handle, (int)(us * 10)) == 0 &&
              edf_set_patientcode(w->handle, l->patient ? l->patient : "X") == 0 &&
              edf_set_recording_additional(w->handle, l->recording ? l->recording : "") == 0 &&
              edf_set_number_of_annotation_signals(w->handle, w->annotations_per_record) == 0;
    if (l->record_us % 10 == 0 && l->record_us >= 1000)
        ok = ok && edf_set_datarecord_duration(w->handle, (int)(l->record_us / 10)) == 0;
    else
        ok = ok && edf_set_micro_datarecord_duration(w->handle, (int)l->record_us) == 0;
    for (int c = 0; c < l->n_channels && ok; c++) {
        const out_channel *ch = &w->channels[c];
        const ictus_edf_channel_spec *spec = &l->channels[c];
        ok = edf_set_samplefrequency(w->handle, c, ch->samples_per_record) == 0 &&
             edf_set_physical_minimum(w->handle, c, ch->phys_min) == 0 &&
             edf_set_physical_maximum(w->handle, c, ch->phys_max) == 0 &&
             edf_set_digital_minimum(w->handle, c, spec->dig_min) == 0 &&
             edf_set_digital_maximum(w->handle, c, spec->dig_max) == 0 &&
             edf_set_label(w->handle, c, spec->label ? spec->label : "") == 0 &&
             edf_set_physical_dimension(w->handle, c, spec->unit ? spec->unit : "") == 0;
    }
    if (!ok) {
        edflib_close_locked(w->handle);
        return ictus_fail(err, ICTUS_ERR_CONFIG, "%s: EDFlib refuses the layout (start, record "
                          "duration or a channel's parameters)", w->path);
    }
    int max_spr = 0;
    for (int c = 0; c < l->n_channels; c++)
        max_spr = w->channels[c].samples_per_record > max_spr ? w->channels[c].samples_per_record
                                                               : max_spr;
    w->shorts = ictus_xmalloc((size_t)max_spr * sizeof *w->shorts);
    return ICTUS_OK;
}

static ictus_status edflib_write(ictus_edfwriter *w, const float *const *samples, ictus_error *err)
{
    for (int c = 0; c < w->n_channels; c++) {
        const out_channel *ch = &w->channels[c];
        to_digital(ch, samples[c], w->digital);
        int rc;
        if (w->bdf) {
            rc = edfwrite_digital_samples(w->handle, w->digital);
        } else {
            for (int i = 0; i < ch->samples_per_record; i++)
                w->shorts[i] = (short)w->digital[i];
            rc = edfwrite_digital_short_samples(w->handle, w->shorts);
        }
        if (rc != 0)
            return ictus_fail(err, ICTUS_ERR_IO, "%s: record %lld: EDFlib cannot write channel %d "
                              "(error %d)", w->path, (long long)w->n_records, c, rc);
    }
    return ICTUS_OK;
}

/* EDFlib takes times in units of 100 µs. */
static long long to_100us(int64_t us)
{
    return us < 0 ? -1 : (long long)((us + 50) / 100);
}

static ictus_status edflib_annotate(ictus_edfwriter *w, int64_t onset_us, int64_t duration_us,
                                    const char *text, ictus_error *err)
{
    if (onset_us < 0 || edfwrite_annotation_utf8(w->handle, to_100us(onset_us),
                                                 to_100us(duration_us), text) != 0)
        return ictus_fail(err, ICTUS_ERR_DATA, "%s: annotation at %lld µs: EDFlib cannot write it "
                          "(onsets must be >= 0)", w->path, (long long)onset_us);
    return ICTUS_OK;
}

/* EDFlib prints physical limits by truncating their binary value (3276.7
 * becomes "3276.699"), while the samples were converted with the limits as
 * fit8() wrote them: put those texts back into the closed file, so that
 * every reader gets the values the digital codes stand for. */
static ictus_status edflib_fix_physical_ranges(const ictus_edfwriter *w, ictus_error *err)
{
    int fd = open(w->path, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return ictus_fail(err, ICTUS_ERR_IO, "%s: cannot reopen: %s", w->path, strerror(errno));
    int ns =
        w->n_channels + w->annotations_per_record; /* EDFlib puts the annotation signals last */
    bool ok = true;
    for (int c = 0; c < w->n_channels && ok; c++)
        for (int k = 0; k < 2 && ok; k++) {
            const char *text = k ? w->channels[c].phys_max_text : w->channels[c].phys_min_text;
            int64_t at =
                ictus_edf_field_at(ns, k ? ICTUS_EDF_PHYS_MAX : ICTUS_EDF_PHYS_MIN, c, NULL);
            char field[8];
            memset(field, ' ', sizeof field);
            memcpy(field, text, strlen(text));
            ok = pwrite(fd, field, sizeof field, (off_t)at) == (ssize_t)sizeof field;
        }
    if (close(fd) != 0 || !ok)
        return ictus_fail(err, ICTUS_ERR_IO, "%s: cannot rewrite the physical ranges: %s", w->path,
                          strerror(errno));
    return ICTUS_OK;
}

static ictus_status edflib_close(ictus_edfwriter *w, ictus_error *err)
{
    ictus_edflib_lock();
    int rc = edfclose_file(w->handle);
    ictus_edflib_unlock();
    if (rc != 0)
        return ictus_fail(err, ICTUS_ERR_IO, "%s: EDFlib cannot finish the file", w->path);
    ictus_status st = edflib_fix_physical_ranges(w, err);
    if (st != ICTUS_OK)
        return st;
    /* EDFlib stores one annotation per record and annotation signal and
     * silently drops the rest. */
    int64_t room = w->n_records * w->annotations_per_record;
    if (w->n_annotations > room)
        return ictus_fail(err, ICTUS_ERR_DATA, "%s: only %lld of %lld annotations fit in %lld "
                          "records: raise annotations_per_record", w->path, (long long)room,
                          (long long)w->n_annotations, (long long)w->n_records);
    return ICTUS_OK;
}

/* ---------------------------------------------------------------- own back end: EDF+D, BDF+D */

static ictus_status write_at(const ictus_edfwriter *w, const void *buf, size_t n, int64_t offset,
                             ictus_error *err)
{
    for (size_t done = 0; done < n;) {
        ssize_t r =
            pwrite(w->fd, (const char *)buf + done, n - done, (off_t)(offset + (int64_t)done));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return ictus_fail(err, ICTUS_ERR_IO, "%s: cannot write at byte %lld: %s", w->path,
                              (long long)(offset + (int64_t)done), strerror(errno));
        done += (size_t)r;
    }
    return ICTUS_OK;
}

/* Write `text` space-padded into a header field. */
static void put_field(unsigned char *hdr, int64_t at, int width, const char *text)
{
    size_t n = strlen(text);
    memset(hdr + at, ' ', (size_t)width);
    memcpy(hdr + at, text, n < (size_t)width ? n : (size_t)width);
}

static void put_signal_field(unsigned char *hdr, int ns, ictus_edf_field f, int s, const char *text)
{
    int width;
    int64_t at = ictus_edf_field_at(ns, f, s, &width);
    put_field(hdr, at, width, text);
}

static ictus_status own_header(ictus_edfwriter *w, const ictus_edf_layout *l, ictus_error *err)
{
    int ns = l->n_channels + 1;
    unsigned char *hdr = ictus_xmalloc((size_t)w->header_bytes);
    memset(hdr, ' ', (size_t)w->header_bytes);
    char text[96];
    int y, mo, d, h, mi, s;
    ictus_walltime_to_civil(l->start_us, &y, &mo, &d, &h, &mi, &s, NULL);

    put_field(hdr, ICTUS_EDF_AT_VERSION, 8, w->bdf ? "\xff" "BIOSEMI" : "0");
    char code[48];
    snprintf(code, sizeof code, "%s", l->patient ? l->patient : "X");
    for (char *c = code; *c; c++)
        *c = *c == ' ' ? '_' : *c; /* EDF+ subfields are separated by spaces */
    snprintf(text, sizeof text, "%s X X X", code);
    put_field(hdr, ICTUS_EDF_AT_PATIENT, 80, text);
    snprintf(text, sizeof text, "Startdate %02d-%s-%04d X X X %s", d, ictus_edf_months[mo - 1], y,
             l->recording ? l->recording : "");
    put_field(hdr, ICTUS_EDF_AT_RECORDING, 80, text);
    snprintf(text, sizeof text, "%02d.%02d.%02d", d % 100, mo % 100, y % 100);
    put_field(hdr, ICTUS_EDF_AT_DATE, 8, text);
    snprintf(text, sizeof text, "%02d.%02d.%02d", h % 100, mi % 100, s % 100);
    put_field(hdr, ICTUS_EDF_AT_TIME, 8, text);
    snprintf(text, sizeof text, "%lld", (long long)w->header_bytes);
    put_field(hdr, ICTUS_EDF_AT_HEADER_BYTES, 8, text);
    put_field(hdr, ICTUS_EDF_AT_RESERVED, 44, w->bdf ? "BDF+D" : "EDF+D");
    put_field(hdr, ICTUS_EDF_AT_N_RECORDS, 8, "-1");
    char seconds[32];
    put_field(hdr, ICTUS_EDF_AT_DURATION, 8,
              ictus_edf_format_seconds(seconds, l->record_us * 10, false));
    snprintf(text, sizeof text, "%d", ns);
    put_field(hdr, ICTUS_EDF_AT_N_SIGNALS, 4, text);

    for (int c = 0; c < ns; c++) {
        bool annotation = c == l->n_channels;
        const ictus_edf_channel_spec *spec = annotation ? NULL : &l->channels[c];
        const out_channel *ch = annotation ? NULL : &w->channels[c];
        put_signal_field(hdr, ns, ICTUS_EDF_LABEL, c,
                         annotation ? (w->bdf ? "BDF Annotations" : "EDF Annotations")
                                    : spec->label);
        put_signal_field(hdr, ns, ICTUS_EDF_UNIT, c, annotation || !spec->unit ? "" : spec->unit);
        put_signal_field(hdr, ns, ICTUS_EDF_PHYS_MIN, c, annotation ? "-1" : ch->phys_min_text);
        put_signal_field(hdr, ns, ICTUS_EDF_PHYS_MAX, c, annotation ? "1" : ch->phys_max_text);
        snprintf(text, sizeof text, "%d",
                 annotation ? (w->bdf ? -(1 << 23) : INT16_MIN) : spec->dig_min);
        put_signal_field(hdr, ns, ICTUS_EDF_DIG_MIN, c, text);
        snprintf(text, sizeof text, "%d",
                 annotation ? (w->bdf ? (1 << 23) - 1 : INT16_MAX) : spec->dig_max);
        put_signal_field(hdr, ns, ICTUS_EDF_DIG_MAX, c, text);
        int bytes_per_sample = w->bdf ? 3 : 2;
        snprintf(text, sizeof text, "%lld",
                 annotation ? (long long)(w->annotation_bytes / bytes_per_sample)
                            : (long long)ch->samples_per_record);
        put_signal_field(hdr, ns, ICTUS_EDF_SAMPLES, c, text);
    }
    ictus_status st = write_at(w, hdr, (size_t)w->header_bytes, 0, err);
    free(hdr);
    return st;
}

static ictus_status own_create(ictus_edfwriter *w, const ictus_edf_layout *l, ictus_error *err)
{
    int bytes_per_sample = w->bdf ? 3 : 2;
    int64_t offset = 0;
    for (int c = 0; c < w->n_channels; c++) {
        w->channels[c].record_offset = offset;
        offset += (int64_t)w->channels[c].samples_per_record * bytes_per_sample;
    }
    int64_t room = TIMEKEEPING_BYTES + (int64_t)w->annotations_per_record * BYTES_PER_ANNOTATION;
    w->annotation_bytes = (room + 5) / 6 * 6; /* whole 2- and 3-byte samples */
    w->annotation_at = offset;
    w->record_bytes = offset + w->annotation_bytes;
    w->header_bytes = ICTUS_EDF_FIXED_BYTES * (int64_t)(w->n_channels + 2);
    w->subsecond_ticks = (l->start_us % ICTUS_US_PER_S) * 10;
    w->buffer_records =
        WRITE_BATCH_BYTES / w->record_bytes > 0 ? WRITE_BATCH_BYTES / w->record_bytes : 1;
    w->records = ictus_xcalloc((size_t)w->buffer_records, (size_t)w->record_bytes);
    w->fd = open(w->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (w->fd < 0)
        return ictus_fail(err, ICTUS_ERR_IO, "%s: cannot create: %s", w->path, strerror(errno));
    return own_header(w, l, err);
}

/* The time-keeping TAL of the record that starts offset_us after start_us,
 * into buf[annotation_bytes]; TAL times count from the header's whole
 * second.  Returns its length. */
static size_t timekeeping_tal(const ictus_edfwriter *w, int64_t offset_us, unsigned char *buf)
{
    return ictus_tal_format(buf, (size_t)w->annotation_bytes, w->subsecond_ticks + offset_us * 10,
                            -1, NULL);
}

/* Write the buffered records. */
static ictus_status own_flush(ictus_edfwriter *w, ictus_error *err)
{
    ictus_status st = write_at(w, w->records, (size_t)(w->buffered * w->record_bytes),
                               w->header_bytes + w->flushed * w->record_bytes, err);
    w->flushed += w->buffered;
    w->buffered = 0;
    return st;
}

/* Digital codes to little-endian 2- or 3-byte samples. */
static inline void pack_run(const int32_t *restrict d, int n, int bytes_per_sample,
                            unsigned char *restrict out)
{
    for (int i = 0; i < n; i++)
        for (int b = 0; b < bytes_per_sample; b++)
            out[bytes_per_sample * i + b] = (unsigned char)((uint32_t)d[i] >> (8 * b));
}

static ictus_status own_write(ictus_edfwriter *w, int64_t offset_us, const float *const *samples,
                              ictus_error *err)
{
    int bytes_per_sample = w->bdf ? 3 : 2;
    unsigned char *record = w->records + w->buffered * w->record_bytes;
    for (int c = 0; c < w->n_channels; c++) {
        const out_channel *ch = &w->channels[c];
        to_digital(ch, samples[c], w->digital);
        unsigned char *out = record + ch->record_offset;
        int i = 0, n = ch->samples_per_record;
        for (; i + DIGITAL_RUN <= n; i += DIGITAL_RUN)
            pack_run(w->digital + i, DIGITAL_RUN, bytes_per_sample, out + bytes_per_sample * i);
        pack_run(w->digital + i, n - i, bytes_per_sample, out + bytes_per_sample * i);
    }
    unsigned char *tal = record + w->annotation_at;
    memset(tal, 0, (size_t)w->annotation_bytes);
    timekeeping_tal(w, offset_us, tal);
    ICTUS_GROW(w->record_start_us, w->n_records + 1, w->records_cap);
    w->record_start_us[w->n_records] = offset_us;
    w->buffered++;
    return w->buffered < w->buffer_records ? ICTUS_OK : own_flush(w, err);
}

/* Keep an annotation until close, when the records are known. */
static void own_annotate(ictus_edfwriter *w, int64_t onset_us, int64_t duration_us,
                         const char *text)
{
    ICTUS_GROW(w->pending, w->n_annotations + 1, w->pending_cap);
    pending_annotation *a = &w->pending[w->n_annotations];
    a->onset_us = onset_us;
    a->duration_us = duration_us;
    a->text = ictus_xstrdup(text);
    a->seq = w->n_annotations;
}

static int by_onset(const void *a, const void *b)
{
    const pending_annotation *x = a, *y = b;
    if (x->onset_us != y->onset_us)
        return x->onset_us < y->onset_us ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* One annotation's TAL, with onsets counted from the header's whole second. */
static size_t annotation_tal(const ictus_edfwriter *w, const pending_annotation *a,
                             unsigned char *buf, size_t size)
{
    return ictus_tal_format(buf, size, w->subsecond_ticks + a->onset_us * 10,
                            a->duration_us < 0 ? -1 : a->duration_us * 10, a->text);
}

/* The last record starting at or before t_us (0 when none does). */
static int64_t record_at(const ictus_edfwriter *w, int64_t t_us)
{
    int64_t lo = 0, hi = w->n_records - 1;
    while (lo < hi) {
        int64_t mid = (lo + hi + 1) / 2;
        if (w->record_start_us[mid] <= t_us)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

/* An annotation (index into pending) and the record that holds it. */
typedef struct {
    int64_t record, index;
} placement;

static int by_record(const void *a, const void *b)
{
    const placement *x = a, *y = b;
    if (x->record != y->record)
        return x->record < y->record ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Place each annotation in the record that covers its onset or, when that
 * one is full, the nearest of the SPILL_RECORDS records after it, then
 * before it, with room; then write the annotation signal of every record
 * that received some.  Returns how many found no room. */
static int64_t own_place_annotations(ictus_edfwriter *w, ictus_error *err, ictus_status *st)
{
    enum { SPILL_RECORDS = 64 };
    int64_t n = w->n_annotations, placed = 0;
    if (n == 0 || w->n_records == 0)
        return n;
    size_t size = (size_t)w->annotation_bytes;
    qsort(w->pending, (size_t)n, sizeof *w->pending, by_onset);
    int64_t *used = ictus_xmalloc((size_t)w->n_records * sizeof *used);
    placement *at = ictus_xmalloc((size_t)n * sizeof *at);
    unsigned char *slot = ictus_xmalloc(size);
    for (int64_t r = 0; r < w->n_records; r++)
        used[r] = (int64_t)timekeeping_tal(w, w->record_start_us[r], slot);
    for (int64_t a = 0; a < n; a++) {
        int64_t len = (int64_t)annotation_tal(w, &w->pending[a], slot, size);
        int64_t r0 = record_at(w, w->pending[a].onset_us);
        for (int64_t step = 0; step <= 2 * SPILL_RECORDS && len > 0; step++) {
            int64_t r = step <= SPILL_RECORDS ? r0 + step : r0 + SPILL_RECORDS - step;
            if (r >= 0 && r < w->n_records && used[r] + len <= w->annotation_bytes) {
                used[r] += len;
                at[placed++] = (placement){r, a};
                break;
            }
        }
    }
    qsort(at, (size_t)placed, sizeof *at, by_record);
    for (int64_t i = 0; i < placed && *st == ICTUS_OK;) {
        int64_t r = at[i].record;
        size_t len = timekeeping_tal(w, w->record_start_us[r], slot);
        for (; i < placed && at[i].record == r; i++)
            len += annotation_tal(w, &w->pending[at[i].index], slot + len, size - len);
        memset(slot + len, 0, size - len);
        int64_t where = w->header_bytes + r * w->record_bytes + w->annotation_at;
        *st = write_at(w, slot, size, where, err);
    }
    free(used);
    free(at);
    free(slot);
    return n - placed;
}

static ictus_status own_close(ictus_edfwriter *w, ictus_error *err)
{
    ictus_status st = own_flush(w, err);
    int64_t lost = st == ICTUS_OK ? own_place_annotations(w, err, &st) : 0;
    char text[16];
    unsigned char field[8];
    snprintf(text, sizeof text, "%lld", (long long)w->n_records);
    put_field(field, 0, 8, text);
    if (st == ICTUS_OK)
        st = write_at(w, field, 8, ICTUS_EDF_AT_N_RECORDS, err);
    if (close(w->fd) != 0 && st == ICTUS_OK)
        st = ictus_fail(err, ICTUS_ERR_IO, "%s: cannot close: %s", w->path, strerror(errno));
    if (st == ICTUS_OK && lost > 0)
        st = ictus_fail(err, ICTUS_ERR_DATA, "%s: %lld of %lld annotations do not fit in %lld "
                        "records: raise annotations_per_record", w->path, (long long)lost,
                        (long long)w->n_annotations, (long long)w->n_records);
    return st;
}

/* ---------------------------------------------------------------- public API */

static void free_writer(ictus_edfwriter *w)
{
    if (w->pending)
        for (int64_t a = 0; a < w->n_annotations; a++)
            free(w->pending[a].text);
    free(w->pending);
    free(w->record_start_us);
    free(w->records);
    free(w->shorts);
    free(w->digital);
    free(w->channels);
    free(w->path);
    free(w);
}

ictus_status ictus_edfwriter_create(const char *path, const ictus_edf_layout *layout,
                                    ictus_edfwriter **out, ictus_error *err)
{
    *out = NULL;
    ictus_edfwriter *w = ictus_xcalloc(1, sizeof *w);
    w->path = ictus_xstrdup(path);
    w->fd = -1;
    w->own = layout->format == ICTUS_FORMAT_EDFPLUS_D || layout->format == ICTUS_FORMAT_BDFPLUS_D;
    w->bdf = layout->format == ICTUS_FORMAT_BDFPLUS_C || layout->format == ICTUS_FORMAT_BDFPLUS_D;
    w->n_channels = layout->n_channels;
    w->record_us = layout->record_us;
    w->annotations_per_record = layout->annotations_per_record ? layout->annotations_per_record : 1;
    w->channels = ictus_xcalloc((size_t)(layout->n_channels > 0 ? layout->n_channels : 1),
                                sizeof *w->channels);
    ictus_status st = check_layout(path, layout, w->channels, err);
    if (st == ICTUS_OK) {
        int max_spr = 0;
        for (int c = 0; c < w->n_channels; c++)
            if (w->channels[c].samples_per_record > max_spr)
                max_spr = w->channels[c].samples_per_record;
        w->digital = ictus_xmalloc((size_t)max_spr * sizeof *w->digital);
        st = w->own ? own_create(w, layout, err) : edflib_create(w, layout, err);
    }
    if (st != ICTUS_OK) {
        if (w->fd >= 0)
            close(w->fd);
        free_writer(w);
        return st;
    }
    *out = w;
    return ICTUS_OK;
}

ictus_status ictus_edfwriter_write(ictus_edfwriter *w, int64_t offset_us,
                                   const float *const *samples, ictus_error *err)
{
    bool continuous = !w->own;
    if (w->n_records == 0 ? offset_us != 0
                          : continuous ? offset_us != w->next_us : offset_us < w->next_us)
        return ictus_fail(err, ICTUS_ERR_DATA,
                          "%s: record %lld: offset %lld µs, expected %s%lld µs "
                          "(%s)",
                          w->path, (long long)w->n_records, (long long)offset_us,
                          continuous || w->n_records == 0 ? "" : "at least ", (long long)w->next_us,
                          continuous ? "a continuous file" : "records in order");
    ictus_status st =
        w->own ? own_write(w, offset_us, samples, err) : edflib_write(w, samples, err);
    if (st != ICTUS_OK)
        return st;
    w->n_records++;
    w->next_us = offset_us + w->record_us;
    return ICTUS_OK;
}

ictus_status ictus_edfwriter_annotate(ictus_edfwriter *w, int64_t onset_us, int64_t duration_us,
                                      const char *text, ictus_error *err)
{
    size_t len = strlen(text);
    bool clean = len >= 1 && len <= ICTUS_EDF_ANNOTATION_TEXT_MAX;
    for (const char *c = text; *c && clean; c++)
        clean = (unsigned char)*c >= 0x20 && *c != 0x7f;
    if (!clean)
        return ictus_fail(err, ICTUS_ERR_DATA,
                          "%s: annotation at %lld µs: text must be 1..%d bytes "
                          "without control characters",
                          w->path, (long long)onset_us, ICTUS_EDF_ANNOTATION_TEXT_MAX);
    ictus_status st = ICTUS_OK;
    if (w->own)
        own_annotate(w, onset_us, duration_us, text);
    else
        st = edflib_annotate(w, onset_us, duration_us, text, err);
    if (st == ICTUS_OK)
        w->n_annotations++;
    return st;
}

ictus_status ictus_edfwriter_close(ictus_edfwriter *w, ictus_error *err)
{
    if (!w)
        return ICTUS_OK;
    ictus_status st = w->own ? own_close(w, err) : edflib_close(w, err);
    free_writer(w);
    return st;
}

int ictus_edfwriter_samples_per_record(const ictus_edfwriter *w, int c)
{
    return w->channels[c].samples_per_record;
}
