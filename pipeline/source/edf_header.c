/* edf_header.c: read and check the header of an EDF/EDF+/BDF/BDF+ file.
 *
 * Written by hand rather than taken from EDFlib: EDFlib refuses files whose
 * intent is clear (a right-aligned number, a Latin-1 degree sign), says only
 * "format errors" when it does, and caps a file at 640 signals. */
#include "pipeline/source/edf_header.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "pipeline/source/edf_tal.h"
#include "base/limits.h"
#include "base/walltime.h"

const char ictus_edf_months[12][4] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                      "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};

/* ---------------------------------------------------------------- layout */

static const struct {
    const char *name;
    int width;
} fields[ICTUS_EDF_N_FIELDS] = {
    [ICTUS_EDF_LABEL] = {"label", 16},
    [ICTUS_EDF_TRANSDUCER] = {"transducer type", 80},
    [ICTUS_EDF_UNIT] = {"physical dimension", 8},
    [ICTUS_EDF_PHYS_MIN] = {"physical minimum", 8},
    [ICTUS_EDF_PHYS_MAX] = {"physical maximum", 8},
    [ICTUS_EDF_DIG_MIN] = {"digital minimum", 8},
    [ICTUS_EDF_DIG_MAX] = {"digital maximum", 8},
    [ICTUS_EDF_PREFILTER] = {"prefiltering", 80},
    [ICTUS_EDF_SAMPLES] = {"samples per record", 8},
    [ICTUS_EDF_SIGNAL_RESERVED] = {"reserved", 32},
};

const char *ictus_edf_field_name(ictus_edf_field f)
{
    return fields[f].name;
}

int64_t ictus_edf_field_at(int n_signals, ictus_edf_field f, int s, int *width)
{
    int64_t at = ICTUS_EDF_FIXED_BYTES;
    for (int g = 0; g < (int)f; g++)
        at += (int64_t)fields[g].width * n_signals;
    if (width)
        *width = fields[f].width;
    return at + (int64_t)fields[f].width * s;
}

/* ---------------------------------------------------------------- parser state */

typedef struct {
    const char *path;
    const unsigned char *bytes; /* the whole header */
    ictus_edf_header *hdr;
    ictus_error *err;
} parser;

static ictus_status bad(const parser *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static ictus_status bad(const parser *p, const char *fmt, ...)
{
    char what[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return ictus_fail(p->err, ICTUS_ERR_FORMAT, "%s: header: %s", p->path, what);
}

/* Remember the first deviation from the specification that was tolerated. */
static void tolerate(ictus_edf_header *hdr, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void tolerate(ictus_edf_header *hdr, const char *fmt, ...)
{
    if (hdr->lenient[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(hdr->lenient, sizeof hdr->lenient, fmt, ap);
    va_end(ap);
}

/* ---------------------------------------------------------------- text fields */

/* Printable copy of a raw field for messages: trailing spaces dropped,
 * anything but printable ASCII shown as '?'. */
static const char *quote(const unsigned char *f, int width, char *buf)
{
    int n = width;
    while (n > 0 && f[n - 1] == ' ')
        n--;
    for (int i = 0; i < n; i++)
        buf[i] = f[i] >= 0x20 && f[i] < 0x7f ? (char)f[i] : '?';
    buf[n] = '\0';
    return buf;
}

/* Length of the valid UTF-8 sequence starting at s[0] (at most n bytes), or 0. */
static int utf8_sequence(const unsigned char *s, int n)
{
    int len = s[0] < 0x80 ? 1 : s[0] >= 0xc2 && s[0] < 0xe0 ? 2 : s[0] >= 0xe0 && s[0] < 0xf0 ? 3
            : s[0] >= 0xf0 && s[0] < 0xf5 ? 4 : 0;
    if (len == 0 || len > n)
        return 0;
    for (int i = 1; i < len; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    return len;
}

static bool is_utf8(const unsigned char *s, int n)
{
    for (int i = 0; i < n;) {
        int len = utf8_sequence(s + i, n - i);
        if (len == 0)
            return false;
        i += len;
    }
    return true;
}

/* Copy a space-padded text field into dst[size] as trimmed UTF-8.  The
 * specification allows printable ASCII only; control bytes (NUL padding)
 * are read as spaces, and non-ASCII bytes as UTF-8 when the field is valid
 * UTF-8, else as Latin-1 (the usual legacy encoding); each is noted as
 * tolerated.  Output is cut at a character boundary. */
static void copy_text(const parser *p, const unsigned char *f, int width, char *dst, size_t size,
                      const char *what)
{
    unsigned char clean[80];
    for (int i = 0; i < width; i++) {
        clean[i] = f[i];
        if (f[i] < 0x20 || f[i] == 0x7f) {
            tolerate(p->hdr, "%s holds control byte 0x%02x (read as a space)", what, f[i]);
            clean[i] = ' ';
        }
    }
    int lo = 0, hi = width;
    while (lo < hi && clean[lo] == ' ')
        lo++;
    while (hi > lo && clean[hi - 1] == ' ')
        hi--;
    bool utf8 = is_utf8(clean + lo, hi - lo);
    size_t n = 0;
    for (int i = lo; i < hi;) {
        unsigned char out[4] = {clean[i]};
        int in_len = 1, out_len = 1;
        if (clean[i] >= 0x80) {
            tolerate(p->hdr, "%s holds non-ASCII byte 0x%02x (read as %s)", what, clean[i],
                     utf8 ? "UTF-8" : "Latin-1");
            if (utf8) {
                in_len = out_len = utf8_sequence(clean + i, hi - i);
                memcpy(out, clean + i, (size_t)in_len);
            } else {
                out[0] = (unsigned char)(0xc0 | clean[i] >> 6);
                out[1] = (unsigned char)(0x80 | (clean[i] & 0x3f));
                out_len = 2;
            }
        }
        if (n + (size_t)out_len >= size)
            break;
        memcpy(dst + n, out, (size_t)out_len);
        n += (size_t)out_len;
        i += in_len;
    }
    dst[n] = '\0';
}

/* ---------------------------------------------------------------- numbers */

/* The text of a numeric field without its padding, in buf[width + 1].
 * Trailing spaces are padding; leading spaces break the specification
 * (numbers are left-aligned) but are tolerated.  False when empty. */
static bool number_text(const parser *p, const unsigned char *f, int width, char *buf,
                        const char *what)
{
    int lo = 0, hi = width;
    while (hi > 0 && f[hi - 1] == ' ')
        hi--;
    while (lo < hi && f[lo] == ' ')
        lo++;
    char shown[16];
    if (lo > 0 && lo < hi)
        tolerate(p->hdr, "%s '%s' is not left-aligned", what, quote(f, width, shown));
    memcpy(buf, f + lo, (size_t)(hi - lo));
    buf[hi - lo] = '\0';
    return hi > lo;
}

/* [+-]DIGITS, the whole string. */
static bool parse_integer(const char *s, int64_t *v)
{
    bool negative = *s == '-';
    if (*s == '-' || *s == '+')
        s++;
    if (!*s)
        return false;
    int64_t x = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || x > INT64_MAX / 100)
            return false;
        x = x * 10 + (*s - '0');
    }
    *v = negative ? -x : x;
    return true;
}

/* [+-]DIGITS[.DIGITS][(e|E)[+-]DIGITS] with at least one mantissa digit,
 * the whole string, independent of the C locale.  A field holds at most 8
 * characters, so the mantissa is an exact integer and one multiplication or
 * division by an exact power of ten rounds correctly. */
static bool parse_real(const char *s, double *v)
{
    static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    bool negative = *s == '-';
    if (*s == '-' || *s == '+')
        s++;
    double mantissa = 0;
    int digits = 0, exponent = 0;
    for (; *s >= '0' && *s <= '9'; s++, digits++)
        mantissa = mantissa * 10 + (*s - '0');
    if (*s == '.')
        for (s++; *s >= '0' && *s <= '9'; s++, digits++, exponent--)
            mantissa = mantissa * 10 + (*s - '0');
    if (digits == 0)
        return false;
    if (*s == 'e' || *s == 'E') {
        int64_t e;
        if (!parse_integer(s + 1, &e) || e < -300 || e > 300)
            return false;
        exponent += (int)e;
    } else if (*s) {
        return false;
    }
    int mag = exponent < 0 ? -exponent : exponent;
    double scale = 1;
    for (; mag > 22; mag -= 22)
        scale *= pow10[22];
    scale *= pow10[mag];
    double x = exponent < 0 ? mantissa / scale : mantissa * scale;
    *v = negative ? -x : x;
    return true;
}

/* DIGITS[.DIGITS] as 100 ns ticks; at most 7 decimals fit in 8 characters,
 * so the result is exact. */
static bool parse_ticks(const char *s, int64_t *ticks)
{
    int64_t whole = 0, frac = 0, scale = ICTUS_EDF_TICKS_PER_S;
    int digits = 0;
    for (; *s >= '0' && *s <= '9'; s++, digits++)
        whole = whole * 10 + (*s - '0');
    if (*s == '.')
        for (s++; *s >= '0' && *s <= '9' && scale > 1; s++, digits++) {
            scale /= 10;
            frac += (*s - '0') * scale;
        }
    if (*s || digits == 0)
        return false;
    *ticks = whole * ICTUS_EDF_TICKS_PER_S + frac;
    return true;
}

/* An integer field of the fixed header; false after reporting it. */
static bool fixed_integer(const parser *p, int at, int width, const char *what, int64_t *v)
{
    char text[16], shown[16];
    if (number_text(p, p->bytes + at, width, text, what) && parse_integer(text, v))
        return true;
    bad(p, "%s '%s' is not an integer", what, quote(p->bytes + at, width, shown));
    return false;
}

/* ---------------------------------------------------------------- fixed header */

static int two_digits(const unsigned char *s)
{
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
        return -1;
    return (s[0] - '0') * 10 + (s[1] - '0');
}

static int days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

/* The 4-digit year of an EDF+ recording field "Startdate dd-MMM-yyyy ...",
 * or -1 when the field does not start that way. */
static int startdate_year(const char *recording)
{
    if (strncmp(recording, "Startdate ", 10) != 0 || strlen(recording) < 21)
        return -1;
    const char *d = recording + 10;
    if (d[2] != '-' || d[6] != '-' || (d[11] != ' ' && d[11] != '\0'))
        return -1;
    bool month_ok = false;
    for (int m = 0; m < 12; m++)
        month_ok |= strncasecmp(d + 3, ictus_edf_months[m], 3) == 0;
    int hi = two_digits((const unsigned char *)d + 7),
        lo = two_digits((const unsigned char *)d + 9);
    return month_ok && hi >= 0 && lo >= 0 ? hi * 100 + lo : -1;
}

/* Start date dd.mm.yy and time hh.mm.ss.  Years 85..99 are 1985..1999,
 * 00..84 are 2000..2084; an EDF+ "Startdate dd-MMM-yyyy" with the same two
 * last digits gives the full year (the specification's rule past 2084),
 * which must lie in ICTUS_MIN_START_YEAR..ICTUS_MAX_START_YEAR (base/limits.h). */
static ictus_status parse_start(const parser *p)
{
    const unsigned char *d = p->bytes + ICTUS_EDF_AT_DATE, *t = p->bytes + ICTUS_EDF_AT_TIME;
    char shown[16];
    int day = two_digits(d), month = two_digits(d + 3), yy = two_digits(d + 6);
    if (day < 0 || month < 0 || yy < 0 || d[2] != '.' || d[5] != '.')
        return bad(p, "start date '%s' is not dd.mm.yy", quote(d, 8, shown));
    int year = yy >= 85 ? 1900 + yy : 2000 + yy;
    int full = startdate_year(p->hdr->recording);
    if (full >= 0 && full % 100 == yy)
        year = full;
    if (year < ICTUS_MIN_START_YEAR || year > ICTUS_MAX_START_YEAR)
        return bad(p, "start date '%s' is in year %d (the recording field's Startdate), outside "
                   "%d..%d", quote(d, 8, shown), year, ICTUS_MIN_START_YEAR, ICTUS_MAX_START_YEAR);
    if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month))
        return bad(p, "start date '%s' is not a valid date", quote(d, 8, shown));
    int hour = two_digits(t), minute = two_digits(t + 3), second = two_digits(t + 6);
    if (hour < 0 || minute < 0 || second < 0 || t[2] != '.' || t[5] != '.')
        return bad(p, "start time '%s' is not hh.mm.ss", quote(t, 8, shown));
    if (hour > 23 || minute > 59 || second > 59)
        return bad(p, "start time '%s' is not a valid time of day", quote(t, 8, shown));
    p->hdr->start_us = ictus_walltime_from_civil(year, month, day, hour, minute, second, 0);
    return ICTUS_OK;
}

/* EDF+ and BDF+ announce themselves in the reserved field; "24BIT"
 * (BioSemi), blanks and anything else mean plain EDF/BDF. */
static void parse_variant(const parser *p)
{
    ictus_edf_header *hdr = p->hdr;
    const char *r = (const char *)p->bytes + ICTUS_EDF_AT_RESERVED;
    bool bdf = hdr->bytes_per_sample == 3;
    hdr->format = bdf ? ICTUS_FORMAT_BDF : ICTUS_FORMAT_EDF;
    if ((memcmp(r, "EDF+", 4) != 0 && memcmp(r, "BDF+", 4) != 0) || (r[4] != 'C' && r[4] != 'D'))
        return;
    if ((r[0] == 'B') != bdf)
        tolerate(hdr, "reserved field '%.5s' does not match the %s version field", r,
                 bdf ? "BDF" : "EDF");
    hdr->plus = true;
    if (r[4] == 'C')
        hdr->format = bdf ? ICTUS_FORMAT_BDFPLUS_C : ICTUS_FORMAT_EDFPLUS_C;
    else
        hdr->format = bdf ? ICTUS_FORMAT_BDFPLUS_D : ICTUS_FORMAT_EDFPLUS_D;
}

/* ---------------------------------------------------------------- signal headers */

static const unsigned char *signal_field(const parser *p, ictus_edf_field field, int s)
{
    return p->bytes + ictus_edf_field_at(p->hdr->n_signals, field, s, NULL);
}

/* A numeric signal field: the number as text (for messages) and whether it
 * parses as an integer / a real. */
static ictus_status signal_number(const parser *p, ictus_edf_field field, int s, bool integer,
                                  int64_t *iv, double *rv)
{
    const ictus_edf_signal *sig = &p->hdr->signals[s];
    const unsigned char *f = signal_field(p, field, s);
    int width = fields[field].width;
    char text[16], what[128], shown[16];
    snprintf(what, sizeof what, "signal %d '%s': %s", s, sig->label, fields[field].name);
    bool ok = number_text(p, f, width, text, what);
    ok = ok && (integer ? parse_integer(text, iv) : parse_real(text, rv));
    if (!ok)
        return bad(p, "%s '%s' is not %s", what, quote(f, width, shown),
                   integer ? "an integer" : "a number");
    return ICTUS_OK;
}

static ictus_status parse_signal(const parser *p, int s)
{
    ictus_edf_header *hdr = p->hdr;
    ictus_edf_signal *sig = &hdr->signals[s];
    char what[96], shown[16];
    snprintf(what, sizeof what, "signal %d '%s': ", s, sig->label);
    size_t w = strlen(what);
    snprintf(what + w, sizeof what - w, "transducer type");
    copy_text(p, signal_field(p, ICTUS_EDF_TRANSDUCER, s), 80, sig->transducer,
              sizeof sig->transducer, what);
    snprintf(what + w, sizeof what - w, "physical dimension");
    copy_text(p, signal_field(p, ICTUS_EDF_UNIT, s), 8, sig->unit, sizeof sig->unit, what);
    snprintf(what + w, sizeof what - w, "prefiltering");
    copy_text(p, signal_field(p, ICTUS_EDF_PREFILTER, s), 80, sig->prefilter, sizeof sig->prefilter,
              what);

    int64_t dig_min, dig_max, samples;
    ictus_status st;
    if ((st = signal_number(p, ICTUS_EDF_PHYS_MIN, s, false, NULL, &sig->phys_min)) != ICTUS_OK ||
        (st = signal_number(p, ICTUS_EDF_PHYS_MAX, s, false, NULL, &sig->phys_max)) != ICTUS_OK ||
        (st = signal_number(p, ICTUS_EDF_DIG_MIN, s, true, &dig_min, NULL)) != ICTUS_OK ||
        (st = signal_number(p, ICTUS_EDF_DIG_MAX, s, true, &dig_max, NULL)) != ICTUS_OK ||
        (st = signal_number(p, ICTUS_EDF_SAMPLES, s, true, &samples, NULL)) != ICTUS_OK)
        return st;
    if (samples < 1)
        return bad(p, "signal %d '%s': samples per record '%s' is not a positive integer", s,
                   sig->label, quote(signal_field(p, ICTUS_EDF_SAMPLES, s), 8, shown));
    sig->samples_per_record = (int)samples;

    int32_t lo = hdr->bytes_per_sample == 2 ? INT16_MIN : -(1 << 23);
    int32_t hi = hdr->bytes_per_sample == 2 ? INT16_MAX : (1 << 23) - 1;
    if (dig_min < lo || dig_min > hi || dig_max < lo || dig_max > hi)
        return bad(p, "signal %d '%s': digital range %lld..%lld exceeds the %d-bit range %d..%d", s,
                   sig->label, (long long)dig_min, (long long)dig_max,
                   8 * hdr->bytes_per_sample, lo, hi);
    sig->dig_min = (int32_t)dig_min;
    sig->dig_max = (int32_t)dig_max;
    if (sig->is_annotation)
        return ICTUS_OK; /* its scaling fields mean nothing */
    if (dig_min >= dig_max)
        return bad(p, "signal %d '%s': digital minimum %lld is not below digital maximum %lld", s,
                   sig->label, (long long)dig_min, (long long)dig_max);
    if (sig->phys_min == sig->phys_max)
        return bad(p, "signal %d '%s': physical minimum equals physical maximum (%g)", s,
                   sig->label, sig->phys_min);
    return ICTUS_OK;
}

/* ---------------------------------------------------------------- reading */

ssize_t ictus_edf_pread(int fd, void *buf, size_t n, int64_t offset)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = pread(fd, (char *)buf + got, n - got, (off_t)(offset + (int64_t)got));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

/* Version, number of signals and header size: what is needed to read the rest. */
static ictus_status parse_prologue(const parser *p)
{
    ictus_edf_header *hdr = p->hdr;
    const unsigned char *b = p->bytes;
    char shown[16];
    if (memcmp(b, "0       ", 8) == 0)
        hdr->bytes_per_sample = 2;
    else if (memcmp(b, "\xff" "BIOSEMI", 8) == 0)
        hdr->bytes_per_sample = 3;
    else
        return bad(p, "version '%s' is neither EDF '0' nor BDF '\\xffBIOSEMI'", quote(b, 8, shown));
    int64_t ns, header_bytes;
    if (!fixed_integer(p, ICTUS_EDF_AT_N_SIGNALS, 4, "number of signals", &ns))
        return ICTUS_ERR_FORMAT;
    if (ns < 1 || ns > ICTUS_EDF_MAX_SIGNALS)
        return bad(p, "number of signals %lld is not in 1..%d", (long long)ns,
                   ICTUS_EDF_MAX_SIGNALS);
    hdr->n_signals = (int)ns;
    hdr->header_bytes = ICTUS_EDF_FIXED_BYTES * (ns + 1);
    if (!fixed_integer(p, ICTUS_EDF_AT_HEADER_BYTES, 8, "number of header bytes", &header_bytes))
        return ICTUS_ERR_FORMAT;
    if (header_bytes != hdr->header_bytes)
        return bad(p, "number of header bytes %lld is not 256 * (1 + %d signals) = %lld",
                   (long long)header_bytes, hdr->n_signals, (long long)hdr->header_bytes);
    return ICTUS_OK;
}

static ictus_status parse_fixed(const parser *p)
{
    ictus_edf_header *hdr = p->hdr;
    copy_text(p, p->bytes + ICTUS_EDF_AT_PATIENT, 80, hdr->patient, sizeof hdr->patient,
              "patient field");
    copy_text(p, p->bytes + ICTUS_EDF_AT_RECORDING, 80, hdr->recording, sizeof hdr->recording,
              "recording field");
    ictus_status st = parse_start(p);
    if (st != ICTUS_OK)
        return st;
    parse_variant(p);
    if (!fixed_integer(p, ICTUS_EDF_AT_N_RECORDS, 8, "number of data records", &hdr->n_records))
        return ICTUS_ERR_FORMAT;
    if (hdr->n_records < -1)
        return bad(p, "number of data records %lld is negative (only -1, unknown, is allowed)",
                   (long long)hdr->n_records);
    char text[16], shown[16];
    if (!number_text(p, p->bytes + ICTUS_EDF_AT_DURATION, 8, text, "data record duration") ||
        !parse_ticks(text, &hdr->record_ticks))
        return bad(p, "data record duration '%s' is not a non-negative number of seconds",
                   quote(p->bytes + ICTUS_EDF_AT_DURATION, 8, shown));
    return ICTUS_OK;
}

static ictus_status parse_signals(const parser *p)
{
    ictus_edf_header *hdr = p->hdr;
    hdr->signals = ictus_xcalloc((size_t)hdr->n_signals, sizeof *hdr->signals);
    for (int s = 0; s < hdr->n_signals; s++) {
        ictus_edf_signal *sig = &hdr->signals[s];
        char what[32];
        snprintf(what, sizeof what, "signal %d: label", s);
        copy_text(p, signal_field(p, ICTUS_EDF_LABEL, s), 16, sig->label, sizeof sig->label, what);
        sig->is_annotation = strcmp(sig->label, "EDF Annotations") == 0 ||
                             strcmp(sig->label, "BDF Annotations") == 0;
        hdr->n_annotation_signals += sig->is_annotation;
    }
    int64_t offset = 0;
    for (int s = 0; s < hdr->n_signals; s++) {
        ictus_status st = parse_signal(p, s);
        if (st != ICTUS_OK)
            return st;
        hdr->signals[s].record_offset = offset;
        offset += (int64_t)hdr->signals[s].samples_per_record * hdr->bytes_per_sample;
    }
    hdr->record_bytes = offset;
    if (offset > ICTUS_EDF_MAX_RECORD_BYTES)
        return ictus_fail(p->err, ICTUS_ERR_UNSUPPORTED,
                          "%s: header: a data record of %lld bytes is larger than the %lld bytes "
                          "ictus reads", p->path, (long long)offset,
                          (long long)ICTUS_EDF_MAX_RECORD_BYTES);
    bool data = hdr->n_annotation_signals < hdr->n_signals;
    if (hdr->record_ticks == 0 && data)
        return bad(p, "data record duration is 0, allowed only when every signal is an "
                      "annotation signal");
    if (hdr->plus && hdr->n_annotation_signals == 0) {
        if (hdr->format == ICTUS_FORMAT_EDFPLUS_D || hdr->format == ICTUS_FORMAT_BDFPLUS_D)
            return bad(p, "%s without an annotation signal: the data records have no start times",
                       ictus_format_name(hdr->format));
        tolerate(hdr, "%s without an annotation signal", ictus_format_name(hdr->format));
    }
    return ICTUS_OK;
}

ictus_status ictus_edf_header_read(int fd, const char *path, ictus_edf_header *hdr,
                                   ictus_error *err)
{
    memset(hdr, 0, sizeof *hdr);
    unsigned char fixed[ICTUS_EDF_FIXED_BYTES];
    parser p = {path, fixed, hdr, err};
    ssize_t got = ictus_edf_pread(fd, fixed, sizeof fixed, 0);
    if (got < 0)
        return ictus_fail(err, ICTUS_ERR_IO, "%s: cannot read: %s", path, strerror(errno));
    if (got < ICTUS_EDF_FIXED_BYTES)
        return ictus_fail(err, ICTUS_ERR_TRUNCATED,
                          "%s: header: file ends at byte %zd, inside the 256-byte fixed header",
                          path, got);
    ictus_status st = parse_prologue(&p);
    if (st != ICTUS_OK)
        return st;

    unsigned char *bytes = ictus_xmalloc((size_t)hdr->header_bytes);
    got = ictus_edf_pread(fd, bytes, (size_t)hdr->header_bytes, 0);
    if (got < 0)
        st = ictus_fail(err, ICTUS_ERR_IO, "%s: cannot read: %s", path, strerror(errno));
    else if (got < hdr->header_bytes)
        st = ictus_fail(err, ICTUS_ERR_TRUNCATED,
                        "%s: header: file ends at byte %zd, inside the signal headers (%lld bytes "
                        "for %d signals)", path, got, (long long)hdr->header_bytes, hdr->n_signals);
    p.bytes = bytes;
    if (st == ICTUS_OK)
        st = parse_fixed(&p);
    if (st == ICTUS_OK)
        st = parse_signals(&p);
    free(bytes);
    if (st != ICTUS_OK)
        ictus_edf_header_clear(hdr);
    return st;
}

void ictus_edf_header_clear(ictus_edf_header *hdr)
{
    free(hdr->signals);
    memset(hdr, 0, sizeof *hdr);
}
