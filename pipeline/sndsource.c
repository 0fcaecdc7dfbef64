/* sndsource.c: PLACEHOLDER until the libsndfile reader lands. */
#include "source_impl.h"

#include <string.h>

static bool probe(const unsigned char *head, size_t n)
{
    return n > 0;
}

static ictus_status open_snd(ictus_source *src, const ictus_source_options *opt, ictus_error *err)
{
    return ictus_fail(err, ICTUS_ERR_UNSUPPORTED, "%s: sound-file reader not built yet", src->info.path);
}

static ictus_status read_snd(ictus_source *src, ictus_block *blk, ictus_error *err) { return ICTUS_ERR_UNSUPPORTED; }
static ictus_status rewind_snd(ictus_source *src, ictus_error *err) { return ICTUS_ERR_UNSUPPORTED; }
static void close_snd(ictus_source *src) {}

const ictus_reader ictus_reader_sndfile = {"sndfile", 1, probe, open_snd, read_snd, rewind_snd, close_snd};
