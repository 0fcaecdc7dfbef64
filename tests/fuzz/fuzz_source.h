/* fuzz_source.h: one recording opened and read through the source layer
 * (pipeline/source/source.h), for fuzz_records.c (EDF/BDF data records) and
 * fuzz_sound.c (sound-file headers): the strict open, then, when the file is
 * cut short or unfinished, the partial one; a few blocks read, a seek to the
 * middle and one more block, a rewind and one more.  Small blocks (1 record,
 * 256 frames) keep an input fast.  Everything is closed and freed. */
#ifndef ICTUS_FUZZ_SOURCE_H
#define ICTUS_FUZZ_SOURCE_H

#include "tests/fuzz/fuzz.h"

#include "pipeline/source/source.h"

/* Read up to `blocks` blocks; false at the end or on an error. */
static inline bool fuzz_read_blocks(ictus_source *src, ictus_block *blk, int blocks)
{
    ictus_error err;
    for (int b = 0; b < blocks; b++) {
        if (ictus_source_read(src, blk, &err) != ICTUS_OK || ictus_block_empty(blk))
            return false;
        for (int c = 0; c < blk->n_channels; c++)
            if (blk->n[c] < 0 || blk->n[c] > blk->capacity)
                abort();
    }
    return true;
}

static inline void fuzz_source_path(const char *path)
{
    ictus_source_options opt = {.block_records = 1, .block_frames = 256};
    ictus_source *src = NULL;
    ictus_error err;
    ictus_status st = ictus_source_open(path, &opt, &src, &err);
    if (st == ICTUS_ERR_TRUNCATED || st == ICTUS_ERR_INCOMPLETE) {
        opt.allow_partial = true;
        st = ictus_source_open(path, &opt, &src, &err);
    }
    if (st != ICTUS_OK) {
        if (src || err.msg[0] == '\0')
            abort(); /* a failure leaves nothing open and says why */
        return;
    }
    const ictus_recording_info *info = ictus_source_info(src);
    if (info->n_channels < 0 || info->n_segments < 0 || info->n_annotations < 0)
        abort();
    ictus_block *blk = ictus_block_create(src);
    fuzz_read_blocks(src, blk, 4);
    if (ictus_source_seek(src, info->duration_us / 2, &err) == ICTUS_OK)
        fuzz_read_blocks(src, blk, 1);
    if (ictus_source_rewind(src, &err) == ICTUS_OK)
        fuzz_read_blocks(src, blk, 1);
    ictus_block_destroy(blk);
    ictus_source_close(src);
}

#endif
