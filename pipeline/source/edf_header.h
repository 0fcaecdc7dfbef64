/* edf_header.h: read and check the header of an EDF/EDF+/BDF/BDF+ file.
 *
 * The header is a 256-byte fixed part and 256 bytes per signal, all ASCII
 * fields padded with spaces.  ictus_edf_header_read() parses every field and
 * checks it against the EDF/EDF+ specification; each problem is a one-line
 * error naming the file, the field and (for signal fields) the signal,
 * numbered from 0: "x.edf: header: signal 3 'HPC': samples per record '-1'
 * is not a positive integer".  Where the intent of a deviation is
 * unambiguous (leading spaces in a number, Latin-1 bytes in a text field) it
 * is tolerated, and the first such deviation is described in `lenient` so
 * that the reader can explain why a stricter reader (EDFlib) refuses the file.
 * Thread-safe: no shared state.
 */
#ifndef ICTUS_EDF_HEADER_H
#define ICTUS_EDF_HEADER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "pipeline/source/source.h"
#include "base/status.h"

#define ICTUS_EDF_MAX_SIGNALS 4096
/* The largest data record ictus reads (a record is the smallest unit of I/O). */
#define ICTUS_EDF_MAX_RECORD_BYTES (INT64_C(64) << 20)

/* Byte offsets of the fields of the 256-byte fixed header. */
enum {
    ICTUS_EDF_AT_VERSION = 0,       /* 8 bytes: "0" (EDF) or "\xffBIOSEMI" (BDF) */
    ICTUS_EDF_AT_PATIENT = 8,       /* 80 */
    ICTUS_EDF_AT_RECORDING = 88,    /* 80 */
    ICTUS_EDF_AT_DATE = 168,        /* 8: dd.mm.yy */
    ICTUS_EDF_AT_TIME = 176,        /* 8: hh.mm.ss */
    ICTUS_EDF_AT_HEADER_BYTES = 184,/* 8 */
    ICTUS_EDF_AT_RESERVED = 192,    /* 44: "EDF+C", "EDF+D", ... */
    ICTUS_EDF_AT_N_RECORDS = 236,   /* 8 */
    ICTUS_EDF_AT_DURATION = 244,    /* 8: seconds */
    ICTUS_EDF_AT_N_SIGNALS = 252,   /* 4 */
    ICTUS_EDF_FIXED_BYTES = 256,
};

/* The fields of a signal header, in file order.  The header stores one
 * field for all signals, then the next (all labels, then all transducers...). */
typedef enum {
    ICTUS_EDF_LABEL,      /* 16 bytes */
    ICTUS_EDF_TRANSDUCER, /* 80 */
    ICTUS_EDF_UNIT,       /* 8: physical dimension */
    ICTUS_EDF_PHYS_MIN,   /* 8 */
    ICTUS_EDF_PHYS_MAX,   /* 8 */
    ICTUS_EDF_DIG_MIN,    /* 8 */
    ICTUS_EDF_DIG_MAX,    /* 8 */
    ICTUS_EDF_PREFILTER,  /* 80 */
    ICTUS_EDF_SAMPLES,    /* 8: samples per data record */
    ICTUS_EDF_SIGNAL_RESERVED, /* 32 */
    ICTUS_EDF_N_FIELDS
} ictus_edf_field;

/* Name of a signal field for messages ("physical minimum", ...). */
const char *ictus_edf_field_name(ictus_edf_field f);

/* Byte offset in the header of field f of signal s (0..n_signals-1), for a
 * header with n_signals signals; its width in bytes goes to *width (may be NULL). */
int64_t ictus_edf_field_at(int n_signals, ictus_edf_field f, int s, int *width);

/* Upper-case English month abbreviations of EDF+ dates ("JAN".."DEC"). */
extern const char ictus_edf_months[12][4];

/* One signal of the header.  Strings are trimmed UTF-8. */
typedef struct {
    char label[ICTUS_LABEL_MAX];
    char transducer[81];
    char unit[16];
    char prefilter[81];
    double phys_min, phys_max; /* may be inverted (phys_min > phys_max) */
    int32_t dig_min, dig_max;  /* dig_min < dig_max for data signals */
    int samples_per_record;    /* > 0 */
    bool is_annotation;        /* label "EDF Annotations" / "BDF Annotations" */
    int64_t record_offset;     /* byte offset of the signal's samples in a data record */
} ictus_edf_signal;

typedef struct {
    ictus_format format;       /* from the version field and the reserved field */
    bool plus;                 /* EDF+/BDF+ (reserved field EDF+C/D or BDF+C/D) */
    int bytes_per_sample;      /* 2 (EDF) or 3 (BDF) */
    char patient[81];          /* trimmed UTF-8 */
    char recording[81];
    int64_t start_us;          /* header start date and time (whole seconds), naive wall clock */
    int64_t header_bytes;      /* 256 * (n_signals + 1) */
    int64_t n_records;         /* as the header says; -1 = unknown (still being written) */
    int64_t record_ticks;      /* record duration in 100 ns ticks; 0 only without data signals */
    int n_signals;             /* all signals, annotation signals included */
    int n_annotation_signals;
    ictus_edf_signal *signals; /* n_signals, owned */
    int64_t record_bytes;      /* bytes per data record, 1..ICTUS_EDF_MAX_RECORD_BYTES */
    char lenient[160];         /* first tolerated deviation from the specification, or "" */
} ictus_edf_header;

/* Read the header of the file open as `fd` (from offset 0; the file offset
 * is not used) and check it; `path` names the file in messages.  On success
 * fills *hdr (release with ictus_edf_header_clear).  Errors:
 * ICTUS_ERR_TRUNCATED when the file ends inside the header, ICTUS_ERR_FORMAT
 * for a field that breaks the specification, ICTUS_ERR_UNSUPPORTED for a data
 * record larger than ICTUS_EDF_MAX_RECORD_BYTES, ICTUS_ERR_IO when reading
 * fails.  On failure *hdr holds nothing to release. */
ictus_status ictus_edf_header_read(int fd, const char *path, ictus_edf_header *hdr,
                                   ictus_error *err);

/* Release what ictus_edf_header_read() allocated; safe on a zeroed header. */
void ictus_edf_header_clear(ictus_edf_header *hdr);

/* pread() of n bytes at `offset`, retried until all are read or the file
 * ends: returns the bytes read (fewer at the end of the file), or -1 with
 * errno set.  Thread-safe (no file offset is used). */
ssize_t ictus_edf_pread(int fd, void *buf, size_t n, int64_t offset);

#endif
