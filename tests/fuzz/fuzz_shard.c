/* fuzz_shard.c: a shard (nightly/shard.h) read from any bytes: as given (the
 * header's checks and the checksum), then with the checksum mended so that
 * the body's parser sees the damage.  A refusal must be ICTUS_ERR_DATA with a
 * message; a shard read must write back to exactly its bytes (the layout is
 * canonical).  The plan's path is taken from the body, so that a shard is
 * read for the recording it names.  Seeds (test_shard's shards,
 * ICTUS_SHARD_SEED_DIR): tests/fuzz/corpus/shard/. */
#include "tests/fuzz/fuzz.h"

#include "base/filehash.h"
#include "nightly/shard.h"

/* The path string at the start of the body, into path[size] ("" when there is none). */
static void body_path(const uint8_t *data, size_t size, char *path, size_t size_path)
{
    path[0] = '\0';
    const size_t at = ICTUS_SHARD_HEADER_BYTES;
    if (size < at + 4)
        return;
    size_t n = (size_t)data[at] | (size_t)data[at + 1] << 8 | (size_t)data[at + 2] << 16 |
               (size_t)data[at + 3] << 24;
    if (n >= size_path || n > size - at - 4 || memchr(data + at + 4, '\0', n))
        return;
    memcpy(path, data + at + 4, n);
    path[n] = '\0';
}

/* Read data[0, size) as the shard of `f`; check what comes back. */
static void read_one(const uint8_t *data, size_t size, const run_file *f)
{
    char path[64];
    int fd = fuzz_memfd(data, size, path);
    run_outcome out;
    ictus_error err = {0};
    ictus_status st = run_shard_read(path, f, &out, &err);
    close(fd);
    if (st != ICTUS_OK) {
        if (st != ICTUS_ERR_DATA || err.msg[0] == '\0' || out.animals || out.n_animals)
            abort();
        return;
    }
    char again[FUZZ_PATH];
    fuzz_file("again.shard", again, sizeof again);
    if (run_shard_write(again, &out, &err) != ICTUS_OK)
        abort();
    run_outcome_clear(&out);
    FILE *fp = fopen(again, "rb");
    if (!fp)
        abort();
    uint8_t *back = malloc(size + 1);
    size_t n = back ? fread(back, 1, size + 1, fp) : 0;
    fclose(fp);
    if (n != size || memcmp(back, data, size) != 0)
        abort();
    free(back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char rel[4096];
    body_path(data, size, rel, sizeof rel);
    run_file f = {.path = rel};
    read_one(data, size, &f);
    if (size >= ICTUS_SHARD_HEADER_BYTES) {
        uint8_t *mended = malloc(size);
        if (!mended)
            abort();
        memcpy(mended, data, size);
        ictus_hash128 h = ictus_hash_bytes(mended + ICTUS_SHARD_HEADER_BYTES,
                                           size - ICTUS_SHARD_HEADER_BYTES);
        for (int i = 0; i < 8; i++) {
            mended[24 + i] = (uint8_t)(h.hi >> (8 * i));
            mended[32 + i] = (uint8_t)(h.lo >> (8 * i));
        }
        read_one(mended, size, &f);
        free(mended);
    }
    return 0;
}
