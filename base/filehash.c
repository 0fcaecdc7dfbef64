/* filehash.c: XXH3-128 of a whole file in large sequential reads, and stat() identities.
 *
 * libxxhash's streaming state (XXH3_state_t) does the hashing; this file
 * only reads.  Reading is plain read(2) into one buffer, with the kernel told
 * the access is sequential so that it reads ahead.
 */
#include "base/filehash.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

static ictus_file_identity identity_of(const struct stat *st)
{
    return (ictus_file_identity){
        .size_bytes = (int64_t)st->st_size,
        .mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec,
        .inode = (uint64_t)st->st_ino,
    };
}

void ictus_file_identity_from_stat(const struct stat *st, ictus_file_identity *out)
{
    *out = identity_of(st);
}

static ictus_status not_regular(const char *path, ictus_error *err)
{
    return ictus_fail(err, ICTUS_ERR_IO, "%s: not a regular file", path);
}

ictus_status ictus_file_identity_get(const char *path, ictus_file_identity *out, ictus_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return ictus_fail(err, ICTUS_ERR_IO, "%s: cannot examine: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return not_regular(path, err);
    *out = identity_of(&st);
    return ICTUS_OK;
}

bool ictus_file_identity_same(const ictus_file_identity *a, const ictus_file_identity *b)
{
    return a->size_bytes == b->size_bytes && a->mtime_ns == b->mtime_ns && a->inode == b->inode;
}

/* Feed the whole open file to `state`; *n_read counts the bytes. */
static ictus_status hash_fd(int fd, const char *path, size_t read_bytes, XXH3_state_t *state,
                            int64_t *n_read, ictus_error *err)
{
    unsigned char *buf = ictus_xmalloc(read_bytes);
    ictus_status st = ICTUS_OK;
    *n_read = 0;
    for (;;) {
        ssize_t got = read(fd, buf, read_bytes);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            st = ictus_fail(err, ICTUS_ERR_IO, "%s: read error at byte %" PRId64 ": %s", path,
                            *n_read, strerror(errno));
            break;
        }
        if (got == 0)
            break;
        XXH3_128bits_update(state, buf, (size_t)got);
        *n_read += got;
    }
    free(buf);
    return st;
}

ictus_status ictus_file_hash(const char *path, size_t read_bytes, ictus_hash128 *hash,
                             ictus_file_identity *identity, ictus_error *err)
{
    if (read_bytes == 0)
        read_bytes = ICTUS_HASH_DEFAULT_READ;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ictus_fail(err, ICTUS_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    struct stat before, after;
    if (fstat(fd, &before) != 0) {
        int e = errno;
        close(fd);
        return ictus_fail(err, ICTUS_ERR_IO, "%s: cannot examine: %s", path, strerror(e));
    }
    if (!S_ISREG(before.st_mode)) {
        close(fd);
        return not_regular(path, err);
    }
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    XXH3_state_t *state = XXH3_createState();
    if (!state) {
        fprintf(stderr, "ictus: out of memory (XXH3 state)\n");
        abort();
    }
    XXH3_128bits_reset(state);
    int64_t n_read;
    ictus_status st = hash_fd(fd, path, read_bytes, state, &n_read, err);
    if (st == ICTUS_OK && fstat(fd, &after) != 0)
        st = ictus_fail(err, ICTUS_ERR_IO, "%s: cannot examine: %s", path, strerror(errno));
    close(fd);
    if (st == ICTUS_OK) {
        ictus_file_identity a = identity_of(&before), b = identity_of(&after);
        if (!ictus_file_identity_same(&a, &b) || n_read != b.size_bytes)
            st = ictus_fail(err, ICTUS_ERR_INCOMPLETE,
                            "%s: the file changed while it was being read (%" PRId64 " bytes "
                            "before, %" PRId64 " after, %" PRId64 " read): it is being written",
                            path, a.size_bytes, b.size_bytes, n_read);
        else {
            XXH128_hash_t h = XXH3_128bits_digest(state);
            *hash = (ictus_hash128){h.high64, h.low64};
            if (identity)
                *identity = a;
        }
    }
    XXH3_freeState(state);
    return st;
}

ictus_hash128 ictus_hash_bytes(const void *data, size_t n)
{
    XXH128_hash_t h = XXH3_128bits(n ? data : "", n);
    return (ictus_hash128){h.high64, h.low64};
}

uint64_t ictus_hash_fields(uint64_t seed, const char *const *fields, int n, int64_t tail)
{
    XXH3_state_t *state = XXH3_createState();
    if (!state) {
        fprintf(stderr, "ictus: out of memory (XXH3 state)\n");
        abort();
    }
    XXH3_64bits_reset_withSeed(state, seed);
    for (int i = 0; i < n; i++)
        XXH3_64bits_update(state, fields[i], strlen(fields[i]) + 1);
    XXH3_64bits_update(state, &tail, sizeof tail);
    uint64_t h = XXH3_64bits_digest(state);
    XXH3_freeState(state);
    return h;
}

char *ictus_hash128_format(ictus_hash128 h, char *buf)
{
    snprintf(buf, ICTUS_HASH_HEX_SIZE, "%016" PRIx64 "%016" PRIx64, h.hi, h.lo);
    return buf;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool ictus_hash128_parse(const char *hex, ictus_hash128 *out)
{
    uint64_t half[2] = {0, 0};
    for (int i = 0; i < 32; i++) {
        int d = hex_digit(hex[i]);
        if (d < 0)
            return false;
        half[i / 16] = half[i / 16] << 4 | (uint64_t)d;
    }
    if (hex[32] != '\0')
        return false;
    *out = (ictus_hash128){half[0], half[1]};
    return true;
}

uint64_t ictus_fnv1a64(const void *bytes, size_t n)
{
    const unsigned char *b = bytes;
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * UINT64_C(0x100000001b3);
    return h;
}
