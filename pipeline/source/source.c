/* source.c: open a recording with the right reader; blocks; format names. */
#include "pipeline/source/source_impl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/path.h"
#include "base/readfile.h"

static const ictus_reader *const readers[] = {&ictus_reader_edf, &ictus_reader_sndfile};

ictus_status ictus_source_open(const char *path, const ictus_source_options *opt,
                               ictus_source **out, ictus_error *err)
{
    *out = NULL;
    ictus_source_options defaults = {0};
    if (!opt)
        opt = &defaults;
    /* A FIFO named x.edf would block the open; a device would be read
     * forever: only regular files get this far. */
    int fd;
    ictus_status opened = ictus_open_regular(path, "a recording", &fd, err);
    if (opened != ICTUS_OK)
        return opened;
    unsigned char head[256];
    ssize_t got;
    do
        got = pread(fd, head, sizeof head, 0);
    while (got < 0 && errno == EINTR);
    int read_errno = got < 0 ? errno : 0;
    close(fd);
    if (read_errno)
        return ictus_fail(err, ICTUS_ERR_IO, "%s: cannot read: %s", path, strerror(read_errno));
    size_t n = (size_t)got;
    if (n == 0)
        return ictus_fail(err, ICTUS_ERR_FORMAT, "%s: empty file", path);

    const ictus_reader *reader = NULL;
    for (size_t i = 0; i < sizeof readers / sizeof readers[0] && !reader; i++)
        if (readers[i]->probe(head, n))
            reader = readers[i];
    /* A file named .edf/.bdf that is not one: say so, rather than what the
     * sound-file fallback makes of it. */
    if (reader != &ictus_reader_edf &&
        (ictus_path_has_suffix(path, ".edf") || ictus_path_has_suffix(path, ".bdf") ||
         ictus_path_has_suffix(path, ".rec")))
        return ictus_fail(err, ICTUS_ERR_FORMAT,
                          "%s: not an EDF or BDF file: it does not start with \"0       \" (EDF) "
                          "or \"\\xffBIOSEMI\" (BDF)", path);
    if (!reader)
        return ictus_fail(err, ICTUS_ERR_FORMAT, "%s: not a recording ictus can read", path);

    ictus_source *src = ictus_xcalloc(1, sizeof *src);
    src->reader = reader;
    src->info.path = ictus_xstrdup(path);
    src->priv = ictus_xcalloc(1, reader->priv_size);
    ictus_status st = reader->open(src, opt, err);
    if (st != ICTUS_OK) {
        ictus_source_close(src);
        return st;
    }
    *out = src;
    return ICTUS_OK;
}

void ictus_source_close(ictus_source *src)
{
    if (!src)
        return;
    src->reader->close(src);
    free((char *)src->info.path);
    free(src->priv);
    free(src);
}

const ictus_recording_info *ictus_source_info(const ictus_source *src)
{
    return &src->info;
}

ictus_status ictus_source_read(ictus_source *src, ictus_block *blk, ictus_error *err)
{
    return src->reader->read(src, blk, err);
}

ictus_status ictus_source_rewind(ictus_source *src, ictus_error *err)
{
    return src->reader->rewind(src, err);
}

ictus_status ictus_source_seek(ictus_source *src, int64_t offset_us, ictus_error *err)
{
    return src->reader->seek(src, offset_us, err);
}

ictus_block *ictus_block_create(const ictus_source *src)
{
    int nc = src->info.n_channels;
    ictus_block *blk = ictus_xcalloc(1, sizeof *blk);
    blk->n_channels = nc;
    blk->capacity = src->block_capacity;
    blk->samples = ictus_xcalloc((size_t)nc, sizeof(float *));
    blk->flags = ictus_xcalloc((size_t)nc, sizeof(uint8_t *));
    blk->n = ictus_xcalloc((size_t)nc, sizeof(int64_t));
    blk->first_index = ictus_xcalloc((size_t)nc, sizeof(int64_t));
    for (int c = 0; c < nc; c++) {
        blk->samples[c] = ictus_xmalloc((size_t)blk->capacity * sizeof(float));
        blk->flags[c] = ictus_xmalloc((size_t)blk->capacity);
    }
    return blk;
}

void ictus_block_destroy(ictus_block *blk)
{
    if (!blk)
        return;
    for (int c = 0; c < blk->n_channels; c++) {
        free(blk->samples[c]);
        free(blk->flags[c]);
    }
    free(blk->samples);
    free(blk->flags);
    free(blk->n);
    free(blk->first_index);
    free(blk);
}

bool ictus_block_empty(const ictus_block *blk)
{
    for (int c = 0; c < blk->n_channels; c++)
        if (blk->n[c] > 0)
            return false;
    return true;
}

const char *ictus_format_name(ictus_format f)
{
    switch (f) {
    case ICTUS_FORMAT_EDF: return "EDF";
    case ICTUS_FORMAT_EDFPLUS_C: return "EDF+C";
    case ICTUS_FORMAT_EDFPLUS_D: return "EDF+D";
    case ICTUS_FORMAT_BDF: return "BDF";
    case ICTUS_FORMAT_BDFPLUS_C: return "BDF+C";
    case ICTUS_FORMAT_BDFPLUS_D: return "BDF+D";
    case ICTUS_FORMAT_SNDFILE: return "sound file";
    }
    return "unknown";
}

/* "24 h", "12.5 h", "30 min", "0.25 s": a length for a person. */
static void say_length(double s, char *buf, size_t size)
{
    if (s >= 3600)
        snprintf(buf, size, "%.4g h", s / 3600);
    else if (s >= 60)
        snprintf(buf, size, "%.4g min", s / 60);
    else
        snprintf(buf, size, "%.4g s", s);
}

/* "12:30:00" (hours past 24 go on counting), "0:00:05.350" below a whole second. */
static void say_offset(int64_t us, char *buf, size_t size)
{
    int64_t s = us / 1000000, ms = (us % 1000000) / 1000;
    int n = snprintf(buf, size, "%lld:%02d:%02d", (long long)(s / 3600), (int)(s / 60 % 60),
                     (int)(s % 60));
    if (ms && n > 0 && (size_t)n < size)
        snprintf(buf + n, size - (size_t)n, ".%03d", (int)ms);
}

void ictus_source_note_partial(ictus_recording_info *info, const char *unfinished,
                               int64_t promised, int64_t held, const char *units, double unit_s)
{
    char had[32], wanted[32], end[40];
    say_length((double)held * unit_s, had, sizeof had);
    say_length((double)promised * unit_s, wanted, sizeof wanted);
    say_offset(info->duration_us, end, sizeof end);
    if (unfinished)
        snprintf(info->partial, sizeof info->partial,
                 "its header was never finished (%s); the file holds %lld complete %s (%s), up "
                 "to %s of the recording", unfinished, (long long)held, units, had, end);
    else
        snprintf(info->partial, sizeof info->partial,
                 "truncated: the header promises %lld %s (%s), the file holds %lld complete ones "
                 "(%s), up to %s of the recording", (long long)promised, units, wanted,
                 (long long)held, had, end);
}

bool ictus_unit_to_uv(const char *unit, double *factor)
{
    static const struct { const char *name; double f; } units[] = {
        {"uV", 1.0}, {"\xc2\xb5V", 1.0}, {"\xce\xbcV", 1.0}, {"mV", 1e3}, {"V", 1e6}, {"nV", 1e-3},
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcasecmp(unit, units[i].name) == 0) {
            *factor = units[i].f;
            return true;
        }
    *factor = 1.0;
    return false;
}
