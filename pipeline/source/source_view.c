/* source_view.c: a source showing some channels of another source under other labels. */
#include "pipeline/source/source_view.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/source/source_impl.h"

typedef struct {
    ictus_source *inner;
    ictus_block *inner_block;
    int *channels;          /* [n]: inner channel of each view channel */
} view_priv;

static ictus_status view_read(ictus_source *src, ictus_block *blk, ictus_error *err)
{
    view_priv *p = src->priv;
    ictus_block *in = p->inner_block;
    ictus_status st = ictus_source_read(p->inner, in, err);
    if (st != ICTUS_OK)
        return st;
    blk->start_us = in->start_us;
    for (int c = 0; c < blk->n_channels; c++) {
        int k = p->channels[c];
        int64_t n = in->n[k];
        assert(n <= blk->capacity);
        memcpy(blk->samples[c], in->samples[k], (size_t)n * sizeof(float));
        memcpy(blk->flags[c], in->flags[k], (size_t)n);
        blk->n[c] = n;
        blk->first_index[c] = in->first_index[k];
    }
    return ICTUS_OK;
}

static ictus_status view_rewind(ictus_source *src, ictus_error *err)
{
    view_priv *p = src->priv;
    return ictus_source_rewind(p->inner, err);
}

static ictus_status view_seek(ictus_source *src, int64_t offset_us, ictus_error *err)
{
    view_priv *p = src->priv;
    return ictus_source_seek(p->inner, offset_us, err);
}

static void view_close(ictus_source *src)
{
    view_priv *p = src->priv;
    ictus_block_destroy(p->inner_block);
    ictus_source_close(p->inner);
    free(p->channels);
    free(src->info.channels);
}

/* Never chosen by probing: views are made by ictus_source_view_open() only. */
static bool view_probe(const unsigned char *head, size_t n)
{
    return false;
}

static const ictus_reader view_reader = {
    .name = "channel map view",
    .priv_size = sizeof(view_priv),
    .probe = view_probe,
    .read = view_read,
    .rewind = view_rewind,
    .seek = view_seek,
    .close = view_close,
};

ictus_status ictus_source_view_open(ictus_source *inner, const int *channels, const char *const *labels,
                           int n, int64_t start_us, ictus_source **out, ictus_error *err)
{
    *out = NULL;
    const ictus_recording_info *in = ictus_source_info(inner);
    assert(n >= 1);
    for (int c = 0; c < n; c++) {
        assert(channels[c] >= 0 && channels[c] < in->n_channels);
        if (strlen(labels[c]) >= ICTUS_LABEL_MAX) {
            ictus_status st = ictus_fail(err, ICTUS_ERR_CONFIG,
                                         "%s: channel label \"%s\" is longer than %d bytes",
                                         in->path, labels[c], ICTUS_LABEL_MAX - 1);
            ictus_source_close(inner);
            return st;
        }
    }
    ictus_source *src = ictus_xcalloc(1, sizeof *src);
    src->reader = &view_reader;
    src->info = *in; /* annotations and segments stay the inner source's */
    src->info.path = ictus_xstrdup(in->path);
    src->info.start_us = start_us;
    src->info.n_channels = n;
    src->info.channels = ictus_xcalloc((size_t)n, sizeof(ictus_channel_info));
    src->block_capacity = inner->block_capacity;
    view_priv *p = ictus_xcalloc(1, sizeof *p);
    src->priv = p;
    p->inner = inner;
    p->inner_block = ictus_block_create(inner);
    p->channels = ictus_xcalloc((size_t)n, sizeof(int));
    for (int c = 0; c < n; c++) {
        p->channels[c] = channels[c];
        src->info.channels[c] = in->channels[channels[c]];
        snprintf(src->info.channels[c].label, ICTUS_LABEL_MAX, "%s", labels[c]);
    }
    *out = src;
    return ICTUS_OK;
}
