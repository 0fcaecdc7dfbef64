/* edfwrite.h: write EDF+/BDF+ recordings one data record at a time.
 *
 * Used by `ictus synth` and the benchmark to make recordings, and by tests.
 * EDF+C and BDF+C are written through EDFlib, the field's reference writer.
 * EDF+D and BDF+D (recordings with gaps), which EDFlib cannot write, are
 * written by this module itself, with each record's start given by the
 * caller, the time-keeping TAL in every record and the annotations placed in
 * the record that covers their onset.
 *
 * Lifecycle:
 *   1. ictus_edfwriter_create() checks the layout and opens the file;
 *   2. ictus_edfwriter_write() once per data record, in time order;
 *   3. ictus_edfwriter_annotate() any number of times before close;
 *   4. ictus_edfwriter_close() writes the number of records and the
 *      annotations, closes the file and frees the writer.
 * Until close the header's number of data records is -1, so a reader sees a
 * file that is still being written.
 *
 * Samples are physical values in each channel's unit; they are rounded to
 * the nearest digital value and clamped to the digital range (NaN is written
 * as the digital value nearest to physical 0).  The physical range is written
 * with the most decimals that fit the header's 8 characters, and samples are
 * converted with the range as written, so that readers get back the values
 * the digital codes stand for.
 *
 * Thread safety: a writer is used by one thread at a time; different writers
 * may run in different threads (EDFlib's open and close are serialised by
 * edf_lock.h).
 */
#ifndef ICTUS_EDFWRITE_H
#define ICTUS_EDFWRITE_H

#include <stdint.h>

#include "pipeline/source/source.h"
#include "base/status.h"

/* Longest annotation text in bytes (EDFlib 1.23 writes at most 40). */
#define ICTUS_EDF_ANNOTATION_TEXT_MAX 40

/* One data channel. */
typedef struct {
    const char *label;         /* printable ASCII, at most 16 bytes, e.g. "HPC" */
    const char *unit;          /* printable ASCII, at most 8 bytes, e.g. "uV" */
    double fs_hz;              /* sampling rate; times the record duration: a whole number */
    double phys_min, phys_max; /* physical range in `unit`; may be inverted, not equal */
    int32_t dig_min, dig_max;  /* dig_min < dig_max, within -32768..32767 (EDF) or
                                * -8388608..8388607 (BDF) */
} ictus_edf_channel_spec;

/* What to write. */
typedef struct {
    ictus_format format;       /* ICTUS_FORMAT_EDFPLUS_C, _EDFPLUS_D, _BDFPLUS_C or _BDFPLUS_D */
    int64_t start_us;          /* naive wall clock of the first record's start, 1985..2084 */
    int64_t record_us;         /* data record duration in µs: 1..60 000 000; at 10 ms and more a
                                * multiple of 10 µs (EDFlib's unit) */
    int n_channels;            /* 1..639 (EDFlib's limit, one signal is for annotations) */
    const ictus_edf_channel_spec *channels; /* n_channels, read during create only */
    const char *patient;       /* patient code (e.g. the animal), printable ASCII, at most 40
                                * bytes, spaces become '_'; NULL: "X" (unknown) */
    const char *recording;     /* free text for the recording field, printable ASCII, at most 40
                                * bytes; NULL: none */
    int annotations_per_record;/* room for annotations, 1..64 (0: 1).  EDF+C/BDF+C: EDFlib
                                * stores this many per record, in the order they were added,
                                * whatever their onset.  EDF+D/BDF+D: about this many per
                                * record on average; each goes into the record that covers its
                                * onset, or the nearest of the 64 records after (then before)
                                * it with room. */
} ictus_edf_layout;

typedef struct ictus_edfwriter ictus_edfwriter;

/* Check `layout` and create the file at `path` (replacing it).  On success
 * *out is a writer the caller closes with ictus_edfwriter_close().  Errors:
 * ICTUS_ERR_CONFIG for a layout the formats cannot hold (message names the
 * field), ICTUS_ERR_IO when the file cannot be created. */
ictus_status ictus_edfwriter_create(const char *path, const ictus_edf_layout *layout,
                                    ictus_edfwriter **out, ictus_error *err);

/* Write the next data record.  samples[c] holds the record's
 * samples_per_record = fs_hz * record duration physical values of channel c
 * (the caller's buffers, only read).  offset_us is the record's start in µs
 * from layout.start_us: 0 for the first record; in EDF+C/BDF+C exactly
 * r * record_us for record r; in EDF+D/BDF+D at least the end of the
 * previous record (a larger value leaves a gap).  Errors: ICTUS_ERR_DATA for
 * an offset that breaks these rules, ICTUS_ERR_IO when writing fails. */
ictus_status ictus_edfwriter_write(ictus_edfwriter *w, int64_t offset_us,
                                   const float *const *samples, ictus_error *err);

/* Add an annotation: onset in µs from layout.start_us (EDF+C/BDF+C: >= 0,
 * rounded to 100 µs, EDFlib's resolution), duration in µs or -1 for none,
 * UTF-8 text of 1..ICTUS_EDF_ANNOTATION_TEXT_MAX bytes without control
 * characters (copied).  Errors: ICTUS_ERR_DATA for a text or onset that
 * cannot be written. */
ictus_status ictus_edfwriter_annotate(ictus_edfwriter *w, int64_t onset_us, int64_t duration_us,
                                      const char *text, ictus_error *err);

/* Finish the file (number of records, annotations), close it and free the
 * writer, also when an error is returned; NULL is a no-op returning
 * ICTUS_OK.  Errors: ICTUS_ERR_DATA when the annotations do not fit in the
 * room the layout asked for (the file is complete but lacks them),
 * ICTUS_ERR_IO when writing fails. */
ictus_status ictus_edfwriter_close(ictus_edfwriter *w, ictus_error *err);

/* Samples per data record of channel c as the writer computed it. */
int ictus_edfwriter_samples_per_record(const ictus_edfwriter *w, int c);

#endif
