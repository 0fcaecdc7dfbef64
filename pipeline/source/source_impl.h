/* source_impl.h: what a reader implements behind ictus_source (internal).
 *
 * A reader is a static descriptor of functions, like a SoX format handler.
 * source.c picks the first reader whose probe() accepts the file's first
 * bytes, allocates `priv_size` bytes of private state, and calls open().
 * open() fills src->info (the strings and arrays in it are owned by the
 * reader and released in close()) and sets src->block_capacity.
 */
#ifndef ICTUS_SOURCE_IMPL_H
#define ICTUS_SOURCE_IMPL_H

#include <stddef.h>

#include "pipeline/source/source.h"

typedef struct {
    const char *name;
    size_t priv_size;
    /* true when the first `n` bytes of the file look like this format */
    bool (*probe)(const unsigned char *head, size_t n);
    ictus_status (*open)(ictus_source *src, const ictus_source_options *opt, ictus_error *err);
    /* fill blk with the next block; every blk->n[c] == 0 at the end */
    ictus_status (*read)(ictus_source *src, ictus_block *blk, ictus_error *err);
    ictus_status (*rewind)(ictus_source *src, ictus_error *err);
    /* go to offset_us from info.start_us, as ictus_source_seek() says */
    ictus_status (*seek)(ictus_source *src, int64_t offset_us, ictus_error *err);
    /* release everything open() made (also after a failed open) */
    void (*close)(ictus_source *src);
} ictus_reader;

struct ictus_source {
    const ictus_reader *reader;
    ictus_recording_info info;
    int64_t block_capacity; /* the most samples read() puts in one channel of a block */
    void *priv;             /* priv_size bytes, zeroed, owned by source.c */
};

extern const ictus_reader ictus_reader_edf;     /* edf.c: EDF, EDF+, BDF, BDF+ */
extern const ictus_reader ictus_reader_sndfile; /* sndsource.c: libsndfile formats */

/* Describe a file read in part in info->partial (source.h), once
 * info->duration_us is known: `held` complete `units` ("data records",
 * "frames") of `unit_s` seconds each are read of the `promised` its header
 * announces; when the header was never finished, `unfinished` says how
 * that shows ("-1 data records") and `promised` is not used. */
void ictus_source_note_partial(ictus_recording_info *info, const char *unfinished,
                               int64_t promised, int64_t held, const char *units, double unit_s);

/* Unit string to a factor to µV: "uV", "µV", "mV", "V", "nV" (any case)
 * give 1, 1, 1e3, 1e6, 1e-3 and return true; anything else returns false
 * and sets *factor to 1. */
bool ictus_unit_to_uv(const char *unit, double *factor);

#endif
