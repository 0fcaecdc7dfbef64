/* support_edf.h: test-only helpers for the EDF reader and writer tests.
 *
 * Whole-file I/O, a small in-memory EDF/EDF+ image to
 * corrupt field by field, an independent decoder of raw samples, and EDFlib
 * (the reference) opened behind edf_lock.h.  Linked into every test program;
 * only the EDF tests use it.
 */
#ifndef ICTUS_SUPPORT_EDF_H
#define ICTUS_SUPPORT_EDF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <edflib.h>

/* Whole files.  read returns a malloc'd buffer (NULL when unreadable). */
bool support_edf_write_file(const char *path, const void *bytes, size_t n);
unsigned char *support_edf_read_file(const char *path, size_t *n);

/* Overwrite a header field with `text`, space-padded to `width`. */
void support_edf_put(unsigned char *bytes, int64_t at, int width, const char *text);

/* A valid little recording in memory: EDF (16-bit) with `n_data` data
 * signals "S0", "S1"... in "uV" (phys -3276.8..3276.7, dig -32768..32767,
 * 0.1 µV per digit), `samples` samples per 1 s record each, `n_records`
 * records, start 2020-01-02 03:04:05.  Sample i of record r of signal s has
 * digital value (s + 1) * 1000 + r * 100 + i (mod 65536, as int16).
 * reserved "EDF+C" or "EDF+D" adds a last signal "EDF Annotations" of
 * `tal_bytes` bytes per record holding the time-keeping TAL "+r" (r seconds);
 * "" makes plain EDF.  The caller frees image->bytes. */
typedef struct {
    unsigned char *bytes;
    size_t size;
    int n_signals;          /* data signals plus the annotation signal, if any */
    int64_t record_bytes;
    int64_t annotation_at;  /* byte offset of the annotation signal in a record, or -1 */
    int tal_bytes;
} support_edf_image;

support_edf_image support_edf_make(int n_data, int samples, int n_records, const char *reserved,
                                   int tal_bytes);

/* Byte offset of record r in the image. */
int64_t support_edf_record_at(const support_edf_image *img, int64_t r);

/* Replace the annotation signal of record r with `len` bytes (zero-padded). */
void support_edf_set_tal(support_edf_image *img, int64_t r, const char *tal, size_t len);

/* The digital value of sample i of signal `signal` in record r of a raw EDF
 * (bytes_per_sample 2) or BDF (3) file: decoded here independently of the
 * reader.  record_offset is the signal's byte offset within a record. */
int32_t support_edf_raw_sample(const unsigned char *file, int64_t header_bytes,
                               int64_t record_bytes, int64_t record_offset, int bytes_per_sample,
                               int64_t r, int64_t i);

/* Open `path` with EDFlib (read_annotations: EDFLIB_*) behind the process-wide
 * lock; NULL when EDFlib refuses (its error code in *code if not NULL).
 * support_edflib_close() closes and frees. */
struct edf_hdr_struct *support_edflib_open(const char *path, int read_annotations, int *code);
void support_edflib_close(struct edf_hdr_struct *hdr);

/* True when `msg` is one line that contains every one of the NULL-terminated
 * list of strings. */
bool support_edf_msg_has(const char *msg, ...) __attribute__((sentinel));

#endif
