/* sndheader.c: what a WAV, RF64, W64 or AIFF header declares (see sndheader.h for why by hand). */
#include "pipeline/source/sndheader.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/readfile.h"

/* How one container family lays out its chunks. */
typedef struct {
    bool big_endian;
    int id_len;          /* 4, or a 16-byte GUID for W64 (its first 4 bytes name the chunk) */
    int size_len;        /* 4 or 8 bytes */
    int align;           /* chunks start on multiples of this (2, W64: 8) */
    bool size_has_header; /* W64 counts the chunk's own id and size in its size */
    int first_chunk;     /* offset of the first chunk after the container header */
} container;

static const container riff = {false, 4, 4, 2, false, 12};
static const container rifx = {true, 4, 4, 2, false, 12};
static const container w64 = {false, 16, 8, 8, true, 40};
static const container aiff = {true, 4, 4, 2, false, 12};

static uint64_t get_uint(const unsigned char *p, int n, bool big_endian)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v |= (uint64_t)p[big_endian ? n - 1 - i : i] << (8 * i);
    return v;
}

static const container *identify(const unsigned char *h, size_t n)
{
    if (n < 40)
        return NULL;
    bool wave = memcmp(h + 8, "WAVE", 4) == 0;
    if (wave && (memcmp(h, "RIFF", 4) == 0 || memcmp(h, "RF64", 4) == 0 || memcmp(h, "BW64", 4) == 0))
        return &riff;
    if (wave && memcmp(h, "RIFX", 4) == 0)
        return &rifx;
    if (memcmp(h, "riff", 4) == 0 && memcmp(h + 24, "wave", 4) == 0)
        return &w64;
    if (memcmp(h, "FORM", 4) == 0 && (memcmp(h + 8, "AIFF", 4) == 0 || memcmp(h + 8, "AIFC", 4) == 0))
        return &aiff;
    return NULL;
}

/* Record what one chunk declares; `body` holds the first `n` bytes of its
 * contents, which start at byte `offset` of a file of `file_bytes` bytes. */
static void take_chunk(const container *k, const unsigned char *id, const unsigned char *body,
                       size_t n, uint64_t size, int64_t offset, int64_t file_bytes,
                       ictus_sndheader *hdr)
{
    bool be = k->big_endian;
    if (memcmp(id, "fmt ", 4) == 0 && n >= 16) {
        hdr->block_align = (int)get_uint(body + 12, 2, be);
        hdr->valid_bits = (int)get_uint(body + 14, 2, be);
        if (get_uint(body, 2, be) == 0xFFFE && n >= 20 && get_uint(body + 18, 2, be) != 0)
            hdr->valid_bits = (int)get_uint(body + 18, 2, be);
    } else if (memcmp(id, "ds64", 4) == 0 && n >= 16) {
        hdr->data_bytes = (int64_t)get_uint(body + 8, 8, false);
    } else if (memcmp(id, "data", 4) == 0) {
        /* RF64/BW64 put 0xFFFFFFFF here and the real size in `ds64` (read before). */
        bool all_ones = k->size_len == 4 && size == 0xFFFFFFFFu;
        bool from_ds64 = all_ones && hdr->data_bytes >= 0;
        if (!from_ds64)
            hdr->data_bytes = (int64_t)size;
        if ((hdr->data_bytes == 0 || (all_ones && !from_ds64)) && file_bytes > offset) {
            hdr->unfinished = true;
            hdr->data_bytes = -1;
        }
    } else if (memcmp(id, "COMM", 4) == 0 && n >= 8) {
        hdr->frames = (int64_t)get_uint(body + 2, 4, true);
        hdr->valid_bits = (int)get_uint(body + 6, 2, true);
    }
}

void ictus_sndheader_read(const char *path, ictus_sndheader *hdr)
{
    *hdr = (ictus_sndheader){.data_bytes = -1, .frames = -1};
    /* A FIFO or device would block or never end: regular files only. */
    int fd;
    ictus_error ignored;
    if (ictus_open_regular(path, "a recording", &fd, &ignored) != ICTUS_OK)
        return;
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        close(fd);
        return;
    }
    unsigned char head[40];
    const container *k = identify(head, fread(head, 1, sizeof head, f));
    int64_t file_bytes = fseeko(f, 0, SEEK_END) == 0 ? ftello(f) : -1;
    int64_t pos = k ? k->first_chunk : 0;
    bool have_fmt = false, have_data = false;
    /* Stop at the end of the chunk list, or once both `fmt ` and `data` are
     * known (an RF64 data chunk's 32-bit size cannot be skipped over). */
    while (k && !(have_fmt && have_data) && fseeko(f, pos, SEEK_SET) == 0) {
        unsigned char ch[24], body[24];
        size_t ch_len = (size_t)(k->id_len + k->size_len);
        if (fread(ch, 1, ch_len, f) != ch_len)
            break;
        uint64_t size = get_uint(ch + k->id_len, k->size_len, k->big_endian);
        if (k->size_has_header) {
            if (size < ch_len)
                break;
            size -= ch_len;
        }
        size_t n = fread(body, 1, sizeof body, f);
        take_chunk(k, ch, body, n < size ? n : (size_t)size, size, pos + (int64_t)ch_len, file_bytes,
                   hdr);
        have_fmt |= memcmp(ch, "fmt ", 4) == 0 || memcmp(ch, "COMM", 4) == 0;
        have_data |= memcmp(ch, "data", 4) == 0 || memcmp(ch, "SSND", 4) == 0;
        /* a size that would carry the next chunk past INT64_MAX (or wrap it around, back
         * to a chunk already read: a loop without end) ends the list */
        uint64_t room = (uint64_t)INT64_MAX - (uint64_t)pos;
        if (size > room || room - size < ch_len + (uint64_t)k->align)
            break;
        uint64_t next = (uint64_t)pos + ch_len + size; /* <= INT64_MAX - align: checked above */
        next += (uint64_t)(k->align - (int)(next % (uint64_t)k->align)) % (uint64_t)k->align;
        pos = (int64_t)next;
    }
    if (hdr->data_bytes < -1) /* a ds64 or W64 size beyond INT64_MAX: not a size */
        hdr->data_bytes = -1;
    fclose(f);
}
