/* shard.c: write and read one file's run_outcome as a shard (layout in shard.h). */
#include "nightly/shard.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/filehash.h"
#include "base/path.h"
#include "base/vec.h"

/* ------------------------------------------------------------------------
 * Writing: the shard is built in memory, then written in one go
 * ---------------------------------------------------------------------- */

typedef struct {
    unsigned char *bytes;
    size_t len, cap;
} shard_buf;

static void put_u64(shard_buf *b, uint64_t v)
{
    ICTUS_GROW(b->bytes, b->len + 8, b->cap);
    for (int i = 0; i < 8; i++)
        b->bytes[b->len++] = (unsigned char)(v >> (8 * i));
}

static void put_u32(shard_buf *b, uint32_t v)
{
    ICTUS_GROW(b->bytes, b->len + 4, b->cap);
    for (int i = 0; i < 4; i++)
        b->bytes[b->len++] = (unsigned char)(v >> (8 * i));
}

static void put_u16(shard_buf *b, uint16_t v)
{
    ICTUS_GROW(b->bytes, b->len + 2, b->cap);
    b->bytes[b->len++] = (unsigned char)v;
    b->bytes[b->len++] = (unsigned char)(v >> 8);
}

static void put_u8(shard_buf *b, unsigned v)
{
    ICTUS_GROW(b->bytes, b->len + 1, b->cap);
    b->bytes[b->len++] = (unsigned char)v;
}

static void put_i64(shard_buf *b, int64_t v) { put_u64(b, (uint64_t)v); }

static void put_f64(shard_buf *b, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    put_u64(b, bits);
}

static void put_str(shard_buf *b, const char *s)
{
    size_t n = strlen(s);
    put_u32(b, (uint32_t)n);
    ICTUS_GROW(b->bytes, b->len + n, b->cap);
    memcpy(b->bytes + b->len, s, n);
    b->len += n;
}

static void put_hash(shard_buf *b, ictus_hash128 h)
{
    put_u64(b, h.hi);
    put_u64(b, h.lo);
}

/* Bytes of the text block run_shard_read() gives the animal's strings. */
static uint64_t results_text_bytes(const ictus_store_results *r)
{
    uint64_t n = strlen(r->format) + 1 + strlen(r->preset) + 1;
    for (int s = 0; s < r->n_series; s++)
        n += strlen(r->series[s].channel) + 1;
    return n;
}

static void put_results(shard_buf *b, const ictus_store_results *r)
{
    uint64_t n_buckets = 0;
    for (int s = 0; s < r->n_series; s++)
        n_buckets += (uint64_t)r->series[s].n_buckets;
    put_u32(b, (uint32_t)r->n_channels);
    put_u64(b, (uint64_t)r->n_events);
    put_u32(b, (uint32_t)r->n_series);
    put_u64(b, n_buckets);
    put_u64(b, results_text_bytes(r));
    put_str(b, r->format);
    put_i64(b, r->start_us);
    put_i64(b, r->duration_us);
    put_i64(b, r->n_gaps);
    put_i64(b, r->gap_us);
    put_str(b, r->preset);
    put_hash(b, r->params_hash);
    for (int c = 0; c < r->n_channels; c++) {
        const ictus_store_channel *ch = &r->channels[c];
        put_str(b, ch->label);
        put_f64(b, ch->fs_hz);
        put_str(b, ch->unit);
        put_str(b, ch->role);
        put_u8(b, ch->analysed);
    }
    for (int64_t i = 0; i < r->n_events; i++) {
        const ictus_event *e = &r->events[i];
        put_i64(b, e->start_us);
        put_i64(b, e->end_us);
        put_i64(b, e->wall_start_us);
        put_str(b, e->channel);
        put_str(b, e->type);
        put_f64(b, e->score);
    }
    for (int s = 0; s < r->n_series; s++) {
        const ictus_store_series *se = &r->series[s];
        put_str(b, se->channel);
        put_i64(b, se->n_buckets);
        for (int64_t k = 0; k < se->n_buckets; k++)
            put_i64(b, se->analysable_us[k]);
        put_u8(b, se->artefact_windows != NULL);
        for (int64_t k = 0; se->artefact_windows && k < se->n_buckets * ICTUS_STORE_N_ARTEFACT_KINDS;
             k++)
            put_u16(b, se->artefact_windows[k]);
    }
}

/* The whole shard of `out`: header and body. */
static void encode(shard_buf *b, const run_outcome *out)
{
    ICTUS_GROW(b->bytes, ICTUS_SHARD_HEADER_BYTES, b->cap);
    memset(b->bytes, 0, ICTUS_SHARD_HEADER_BYTES);
    b->len = ICTUS_SHARD_HEADER_BYTES;
    put_str(b, out->file->path);
    put_i64(b, out->identity.size_bytes);
    put_i64(b, out->identity.mtime_ns);
    put_u64(b, out->identity.inode);
    put_u8(b, (unsigned)out->kind);
    put_u8(b, out->has_hash);
    put_hash(b, out->hash);
    put_str(b, out->message);
    put_u8(b, out->header_animal != NULL);
    if (out->header_animal)
        put_str(b, out->header_animal);
    put_str(b, out->cut_short);
    put_f64(b, out->hash_s);
    put_f64(b, out->detect_s);
    put_u32(b, (uint32_t)out->n_animals);
    for (int i = 0; i < out->n_animals; i++) {
        const run_animal *a = &out->animals[i];
        put_str(b, a->animal);
        put_str(b, a->error);
        put_str(b, a->warning);
        if (!a->error[0])
            put_results(b, &a->res);
    }
    /* the header last: it holds the body's length and checksum */
    size_t body_len = b->len;
    b->len = 0;
    ICTUS_GROW(b->bytes, body_len, b->cap);
    memcpy(b->bytes, ICTUS_SHARD_MAGIC, 8);
    b->len = 8;
    put_u32(b, ICTUS_SHARD_VERSION);
    put_u32(b, 0);
    put_u64(b, (uint64_t)body_len);
    put_hash(b, ictus_hash_bytes(b->bytes + ICTUS_SHARD_HEADER_BYTES,
                                 body_len - ICTUS_SHARD_HEADER_BYTES));
    b->len = body_len;
}

/* Write all of b to the new file `tmp` and sync it. */
static ictus_status write_synced(const char *tmp, const shard_buf *b, ictus_error *err)
{
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0)
        return ictus_fail(err, ICTUS_ERR_IO, "%s: cannot create: %s", tmp, strerror(errno));
    size_t done = 0;
    while (done < b->len) {
        ssize_t w = write(fd, b->bytes + done, b->len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        done += (size_t)w;
    }
    ictus_status st = ICTUS_OK;
    if (done < b->len || fsync(fd) != 0)
        st = ictus_fail(err, ICTUS_ERR_IO, "%s: cannot write: %s", tmp, strerror(errno));
    if (close(fd) != 0 && st == ICTUS_OK)
        st = ictus_fail(err, ICTUS_ERR_IO, "%s: cannot write: %s", tmp, strerror(errno));
    return st;
}

/* fsync the directory holding `path`, which makes a rename in it durable
 * (the file is whole either way: no error when it cannot be done). */
static void sync_dir_of(const char *path)
{
    char dir[ICTUS_PATH_MAX];
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

ictus_status run_shard_write(const char *path, const run_outcome *out, ictus_error *err)
{
    assert(out->kind != RUN_OUT_DUPLICATE && out->file);
    char tmp[ICTUS_PATH_MAX];
    ictus_status st = ictus_path_format(tmp, sizeof tmp, err, "%s.tmp.%ld", path, (long)getpid());
    if (st != ICTUS_OK)
        return st;
    shard_buf b = {0};
    encode(&b, out);
    st = write_synced(tmp, &b, err);
    free(b.bytes);
    if (st == ICTUS_OK && rename(tmp, path) != 0)
        st = ictus_fail(err, ICTUS_ERR_IO, "%s: cannot replace: %s", path, strerror(errno));
    if (st != ICTUS_OK) {
        unlink(tmp);
        return st;
    }
    sync_dir_of(path);
    return ICTUS_OK;
}

/* ------------------------------------------------------------------------
 * Reading: every field checked against the bytes left before it is used
 * ---------------------------------------------------------------------- */

typedef struct {
    unsigned char *bytes;
    size_t len, at;      /* the whole file; the next byte to read */
    const char *path;    /* for messages */
    ictus_error *err;
    bool failed;         /* the first failure is in *err; later reads give zeros */
} shard_reader;

static bool bad(shard_reader *r, size_t at, const char *field, const char *why)
{
    if (!r->failed)
        ictus_fail(r->err, ICTUS_ERR_DATA, "%s: byte %zu: %s: %s", r->path, at, field, why);
    r->failed = true;
    return false;
}

/* The next n bytes, or NULL (and a failure naming `field`) when fewer are left. */
static const unsigned char *take(shard_reader *r, size_t n, const char *field)
{
    if (r->failed)
        return NULL;
    if (r->len - r->at < n) {
        bad(r, r->at, field, "past the end of the shard");
        return NULL;
    }
    const unsigned char *p = r->bytes + r->at;
    r->at += n;
    return p;
}

static uint64_t get_le(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static uint64_t get_u64(shard_reader *r, const char *field)
{
    const unsigned char *p = take(r, 8, field);
    return p ? get_le(p, 8) : 0;
}

static uint32_t get_u32(shard_reader *r, const char *field)
{
    const unsigned char *p = take(r, 4, field);
    return p ? (uint32_t)get_le(p, 4) : 0;
}

static int64_t get_i64(shard_reader *r, const char *field) { return (int64_t)get_u64(r, field); }

static double get_f64(shard_reader *r, const char *field)
{
    uint64_t bits = get_u64(r, field);
    double v;
    memcpy(&v, &bits, sizeof v);
    return v;
}

static bool get_bool(shard_reader *r, const char *field)
{
    size_t at = r->at;
    const unsigned char *p = take(r, 1, field);
    if (p && *p > 1)
        bad(r, at, field, "not 0 or 1");
    return p && *p == 1;
}

static ictus_hash128 get_hash(shard_reader *r, const char *field)
{
    ictus_hash128 h;
    h.hi = get_u64(r, field);
    h.lo = get_u64(r, field);
    return h;
}

/* The next string's bytes and length (< max), checked: no NUL in it. */
static const char *get_str_bytes(shard_reader *r, size_t max, const char *field, size_t *n)
{
    size_t at = r->at;
    uint32_t len = get_u32(r, field);
    *n = 0;
    if (r->failed)
        return NULL;
    if (len >= max) {
        bad(r, at, field, "string longer than its field");
        return NULL;
    }
    const unsigned char *p = take(r, len, field);
    if (!p)
        return NULL;
    if (memchr(p, '\0', len)) {
        bad(r, at, field, "string holds a NUL byte");
        return NULL;
    }
    *n = len;
    return (const char *)p;
}

/* The next string into dst[size]; "" on failure. */
static void get_str_into(shard_reader *r, char *dst, size_t size, const char *field)
{
    size_t n;
    const char *s = get_str_bytes(r, size, field, &n);
    memcpy(dst, s ? s : "", n);
    dst[n] = '\0';
}

/* The next string, newly allocated (at most the bytes left); NULL on failure. */
static char *get_str_alloc(shard_reader *r, const char *field)
{
    size_t n;
    const char *s = get_str_bytes(r, SIZE_MAX, field, &n);
    if (!s)
        return NULL;
    char *out = ictus_xmalloc(n + 1);
    memcpy(out, s, n);
    out[n] = '\0';
    return out;
}

/* An animal's text block, filled as its strings are read. */
typedef struct {
    char *next, *end;
} text_block;

/* The next string, into the text block. */
static const char *get_str_text(shard_reader *r, text_block *t, const char *field)
{
    size_t at = r->at, n;
    const char *s = get_str_bytes(r, SIZE_MAX, field, &n);
    if (!s)
        return "";
    if ((size_t)(t->end - t->next) < n + 1) {
        bad(r, at, field, "more text than the sizes say");
        return "";
    }
    char *out = t->next;
    memcpy(out, s, n);
    out[n] = '\0';
    t->next += n + 1;
    return out;
}

/* Fewest bytes a channel, an event and a series take in the body. */
enum { MIN_CHANNEL = 4 + 8 + 4 + 4 + 1, MIN_EVENT = 3 * 8 + 4 + 4 + 8, MIN_SERIES = 4 + 8 + 1 };

/* True when `count` items of at least `each` bytes fit in the bytes left. */
static bool fits(const shard_reader *r, uint64_t count, uint64_t each)
{
    return count <= (r->len - r->at) / each;
}

/* One series into a->series[s], its buckets from *bucket on. */
static void get_series(shard_reader *r, run_animal *a, int s, text_block *t, int64_t *analysable,
                       uint64_t n_total, uint64_t *bucket)
{
    ictus_store_series *se = &a->series[s];
    se->channel = get_str_text(r, t, "series channel");
    size_t at = r->at;
    int64_t nb = get_i64(r, "series n_buckets");
    if (r->failed)
        return;
    if (nb < 0 || (uint64_t)nb > n_total - *bucket) {
        bad(r, at, "series n_buckets", "more buckets than the sizes say");
        return;
    }
    se->n_buckets = nb;
    se->analysable_us = analysable + *bucket;
    for (int64_t k = 0; k < nb; k++)
        analysable[*bucket + (uint64_t)k] = get_i64(r, "analysable_us");
    if (get_bool(r, "has_artefacts")) {
        if (!fits(r, (uint64_t)nb * ICTUS_STORE_N_ARTEFACT_KINDS, 2)) {
            bad(r, r->at, "artefact_windows", "past the end of the shard");
            return;
        }
        uint16_t *art = a->artefacts + *bucket * ICTUS_STORE_N_ARTEFACT_KINDS;
        for (int64_t k = 0; k < nb * ICTUS_STORE_N_ARTEFACT_KINDS; k++) {
            const unsigned char *p = take(r, 2, "artefact_windows");
            art[k] = p ? (uint16_t)get_le(p, 2) : 0;
        }
        se->artefact_windows = art;
    }
    *bucket += (uint64_t)nb;
}

/* The results of animal a (its error is ""): sizes, then one block for the
 * events, the analysable time and the strings. */
static void get_results(shard_reader *r, run_animal *a)
{
    ictus_store_results *res = &a->res;
    size_t at = r->at;
    uint32_t n_channels = get_u32(r, "n_channels");
    uint64_t n_events = get_u64(r, "n_events");
    uint32_t n_series = get_u32(r, "n_series");
    uint64_t n_buckets = get_u64(r, "n_buckets");
    uint64_t text_bytes = get_u64(r, "text_bytes");
    if (r->failed)
        return;
    if (n_channels > INT32_MAX || !fits(r, n_channels, MIN_CHANNEL) ||
        !fits(r, n_events, MIN_EVENT) || n_series > INT32_MAX || !fits(r, n_series, MIN_SERIES) ||
        !fits(r, n_buckets, 8) || !fits(r, text_bytes, 1) || text_bytes < 2) {
        bad(r, at, "sizes", "a count larger than the bytes left allow");
        return;
    }
    size_t events_size = (size_t)n_events * sizeof(ictus_event);
    size_t analysable_size = (size_t)n_buckets * sizeof(int64_t);
    char *block = ictus_xmalloc(events_size + analysable_size + (size_t)text_bytes);
    a->shard_block = block;
    ictus_event *events = (ictus_event *)(void *)block;
    int64_t *analysable = (int64_t *)(void *)(block + events_size);
    text_block t = {block + events_size + analysable_size,
                    block + events_size + analysable_size + text_bytes};
    a->channels = ictus_xcalloc(n_channels ? n_channels : 1, sizeof *a->channels);
    a->channel_text = ictus_xcalloc(n_channels ? n_channels : 1, sizeof *a->channel_text);
    a->series = ictus_xcalloc(n_series ? n_series : 1, sizeof *a->series);
    a->artefacts = ictus_xmalloc(((size_t)n_buckets * ICTUS_STORE_N_ARTEFACT_KINDS + 1) *
                                 sizeof *a->artefacts);
    res->format = get_str_text(r, &t, "format");
    res->start_us = get_i64(r, "start_us");
    res->duration_us = get_i64(r, "duration_us");
    res->n_gaps = get_i64(r, "n_gaps");
    res->gap_us = get_i64(r, "gap_us");
    res->preset = get_str_text(r, &t, "preset");
    res->params_hash = get_hash(r, "params_hash");
    for (uint32_t c = 0; c < n_channels && !r->failed; c++) {
        run_channel_text *ct = &a->channel_text[c];
        get_str_into(r, ct->label, sizeof ct->label, "channel label");
        double fs_hz = get_f64(r, "channel fs_hz");
        get_str_into(r, ct->unit, sizeof ct->unit, "channel unit");
        get_str_into(r, ct->role, sizeof ct->role, "channel role");
        bool analysed = get_bool(r, "channel analysed");
        a->channels[c] = (ictus_store_channel){.label = ct->label, .fs_hz = fs_hz,
                                               .unit = ct->unit, .role = ct->role,
                                               .analysed = analysed};
    }
    for (uint64_t i = 0; i < n_events && !r->failed; i++) {
        ictus_event *e = &events[i];
        e->start_us = get_i64(r, "event start_us");
        e->end_us = get_i64(r, "event end_us");
        e->wall_start_us = get_i64(r, "event wall_start_us");
        get_str_into(r, e->channel, sizeof e->channel, "event channel");
        get_str_into(r, e->type, sizeof e->type, "event type");
        e->score = get_f64(r, "event score");
    }
    uint64_t bucket = 0;
    for (uint32_t s = 0; s < n_series && !r->failed; s++)
        get_series(r, a, (int)s, &t, analysable, n_buckets, &bucket);
    if (!r->failed && (bucket != n_buckets || t.next != t.end))
        bad(r, r->at, "sizes", "fewer buckets or less text than the sizes say");
    res->n_channels = (int)n_channels;
    res->channels = a->channels;
    res->n_events = (int64_t)n_events;
    res->events = events;
    res->n_series = (int)n_series;
    res->series = a->series;
}

static void get_animal(shard_reader *r, run_animal *a)
{
    a->animal = get_str_alloc(r, "animal");
    get_str_into(r, a->error, sizeof a->error, "animal error");
    get_str_into(r, a->warning, sizeof a->warning, "animal warning");
    if (!r->failed && !a->error[0])
        get_results(r, a);
}

/* Fewest bytes an animal takes: its three strings' lengths. */
enum { MIN_ANIMAL = 3 * 4 };

static void get_body(shard_reader *r, const run_file *f, run_outcome *out)
{
    size_t at = r->at, n;
    const char *p = get_str_bytes(r, SIZE_MAX, "path", &n);
    if (p && (n != strlen(f->path) || memcmp(p, f->path, n) != 0))
        bad(r, at, "path", "the shard of another recording");
    out->identity.size_bytes = get_i64(r, "identity size_bytes");
    out->identity.mtime_ns = get_i64(r, "identity mtime_ns");
    out->identity.inode = get_u64(r, "identity inode");
    at = r->at;
    const unsigned char *kind = take(r, 1, "kind");
    if (kind && *kind > RUN_OUT_FAILED)
        bad(r, at, "kind", "not an outcome a task writes");
    out->kind = kind ? (run_outcome_kind)*kind : RUN_OUT_FAILED;
    out->has_hash = get_bool(r, "has_hash");
    out->hash = get_hash(r, "hash");
    get_str_into(r, out->message, sizeof out->message, "message");
    if (get_bool(r, "has_header_animal"))
        out->header_animal = get_str_alloc(r, "header_animal");
    get_str_into(r, out->cut_short, sizeof out->cut_short, "cut_short");
    out->hash_s = get_f64(r, "hash_s");
    out->detect_s = get_f64(r, "detect_s");
    at = r->at;
    uint32_t n_animals = get_u32(r, "n_animals");
    if (r->failed)
        return;
    if (n_animals > INT32_MAX || !fits(r, n_animals, MIN_ANIMAL)) {
        bad(r, at, "n_animals", "more animals than the bytes left allow");
        return;
    }
    out->animals = ictus_xcalloc(n_animals ? n_animals : 1, sizeof *out->animals);
    out->n_animals = (int)n_animals;
    for (uint32_t i = 0; i < n_animals && !r->failed; i++)
        get_animal(r, &out->animals[i]);
    if (!r->failed && r->at != r->len)
        bad(r, r->at, "end", "bytes after the last animal");
}

/* Check the header of the file's first bytes (at least the header's). */
static bool check_header(shard_reader *r, uint64_t file_size)
{
    if (memcmp(r->bytes, ICTUS_SHARD_MAGIC, 8) != 0)
        return bad(r, 0, "magic", "not a shard of ictus");
    r->at = 8;
    uint32_t version = get_u32(r, "version");
    if (version != ICTUS_SHARD_VERSION) {
        char why[96];
        snprintf(why, sizeof why, "version %u, this program reads version %u", version,
                 ICTUS_SHARD_VERSION);
        return bad(r, 8, "version", why);
    }
    if (get_u32(r, "flags") != 0)
        return bad(r, 12, "flags", "not 0");
    uint64_t total = get_u64(r, "total length");
    if (total != file_size) {
        char why[96];
        snprintf(why, sizeof why, "%llu bytes, the file has %llu%s", (unsigned long long)total,
                 (unsigned long long)file_size, total > file_size ? " (truncated)" : "");
        return bad(r, 16, "total length", why);
    }
    return true;
}

/* Read the file whole (after its header says how long it is). */
static ictus_status load(const char *path, shard_reader *r, ictus_error *err)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return ictus_fail(err, ICTUS_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    unsigned char header[ICTUS_SHARD_HEADER_BYTES];
    ictus_status status = ICTUS_OK;
    if (fstat(fileno(fp), &st) != 0)
        status = ictus_fail(err, ICTUS_ERR_IO, "%s: cannot examine: %s", path, strerror(errno));
    else if (!S_ISREG(st.st_mode))
        status = ictus_fail(err, ICTUS_ERR_IO, "%s: not a regular file", path);
    else if (st.st_size < ICTUS_SHARD_HEADER_BYTES)
        status = ictus_fail(err, ICTUS_ERR_DATA, "%s: byte 0: header: %lld bytes, a shard has "
                            "at least %d (truncated, or not a shard)", path,
                            (long long)st.st_size, ICTUS_SHARD_HEADER_BYTES);
    else if (fread(header, 1, sizeof header, fp) != sizeof header)
        status = ictus_fail(err, ICTUS_ERR_IO, "%s: cannot read: %s", path,
                            ferror(fp) ? strerror(errno) : "shorter than it was");
    if (status == ICTUS_OK) {
        *r = (shard_reader){.bytes = header, .len = sizeof header, .path = path, .err = err};
        if (!check_header(r, (uint64_t)st.st_size))
            status = ICTUS_ERR_DATA;
        else if (st.st_size > ICTUS_SHARD_MAX_BYTES)
            status = ictus_fail(err, ICTUS_ERR_DATA, "%s: byte 16: total length: %lld bytes, "
                                "more than a shard may hold", path, (long long)st.st_size);
    }
    if (status == ICTUS_OK) {
        size_t n = (size_t)st.st_size;
        unsigned char *bytes = ictus_xmalloc(n);
        memcpy(bytes, header, sizeof header);
        size_t rest = n - sizeof header;
        if (fread(bytes + sizeof header, 1, rest, fp) != rest || fgetc(fp) != EOF) {
            status = ictus_fail(err, ICTUS_ERR_IO, "%s: cannot read: %s", path,
                                ferror(fp) ? strerror(errno) : "its size changed while read");
            free(bytes);
        } else {
            r->bytes = bytes;
            r->len = n;
        }
    }
    fclose(fp);
    return status;
}

ictus_status run_shard_read(const char *path, const run_file *f, run_outcome *out,
                            ictus_error *err)
{
    memset(out, 0, sizeof *out);
    shard_reader r;
    ictus_status st = load(path, &r, err);
    if (st != ICTUS_OK)
        return st;
    r.at = 24;
    ictus_hash128 want = get_hash(&r, "checksum");
    ictus_hash128 got = ictus_hash_bytes(r.bytes + ICTUS_SHARD_HEADER_BYTES,
                                         r.len - ICTUS_SHARD_HEADER_BYTES);
    if (!ictus_hash128_equal(want, got))
        bad(&r, 24, "checksum", "the body does not match it (a damaged or partial copy)");
    out->file = f;
    if (!r.failed)
        get_body(&r, f, out);
    free(r.bytes);
    if (r.failed) {
        run_outcome_clear(out);
        return ICTUS_ERR_DATA;
    }
    return ICTUS_OK;
}
