/* edf.c: PLACEHOLDER until the real EDF/BDF reader lands. */
#include "source_impl.h"

#include <string.h>

static bool probe(const unsigned char *head, size_t n)
{
    return n >= 8 && (memcmp(head, "0       ", 8) == 0 || memcmp(head, "\xff" "BIOSEMI", 8) == 0);
}

static ictus_status open_edf(ictus_source *src, const ictus_source_options *opt, ictus_error *err)
{
    return ictus_fail(err, ICTUS_ERR_UNSUPPORTED, "%s: EDF reader not built yet", src->info.path);
}

static ictus_status read_edf(ictus_source *src, ictus_block *blk, ictus_error *err) { return ICTUS_ERR_UNSUPPORTED; }
static ictus_status rewind_edf(ictus_source *src, ictus_error *err) { return ICTUS_ERR_UNSUPPORTED; }
static void close_edf(ictus_source *src) {}

const ictus_reader ictus_reader_edf = {"EDF", 1, probe, open_edf, read_edf, rewind_edf, close_edf};
