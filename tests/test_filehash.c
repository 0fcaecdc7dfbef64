/* test_filehash.c: content hashes and identities of files (base/filehash.c).
 *
 * Proves:
 *   - known answers: the hashes of ten files (0 bytes to 3 MiB, across
 *     XXH3's internal size classes) equal what `xxhsum -H2` prints for the
 *     same bytes; the empty-input value is also XXH3-128's published one;
 *   - the hash does not depend on the read size (1 byte to the default);
 *   - ictus_hash_bytes() agrees with the file hash of the same bytes;
 *   - changing any single byte (first, middle, last) changes the hash;
 *   - hex format/parse round-trip, and parse refuses malformed text;
 *   - identities: stable for an untouched file, different after the file is
 *     replaced (new inode) or rewritten with another size;
 *   - errors name the file: missing file, a directory.
 * Prints (does not assert) the hashing throughput on a 128 MiB file read
 * from the page cache.
 */
#include "base/filehash.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tests/check.h"
#include "tests/support_tmp.h"

static char *tmp_dir;

/* The bytes of the known-answer files: the high byte of an LCG. */
static unsigned char *lcg_bytes(size_t n)
{
    unsigned char *b = malloc(n ? n : 1);
    uint32_t x = 12345;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        b[i] = (unsigned char)(x >> 24);
    }
    return b;
}

static void write_bytes(const char *path, const unsigned char *b, size_t n)
{
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f) {
        CHECK(fwrite(b, 1, n, f) == n);
        fclose(f);
    }
}

static ictus_hash128 hash_file(const char *path, size_t read_bytes)
{
    ictus_hash128 h = {0, 0};
    ictus_error err = {0};
    CHECK_MSG(ictus_file_hash(path, read_bytes, &h, NULL, &err) == ICTUS_OK, "%s", err.msg);
    return h;
}

/* Produced once by the C generator equivalent to lcg_bytes() writing files
 * f<SIZE>, then `xxhsum -H2 f0 f1 ...` (xxhsum 0.8.1, Debian bookworm). */
static const struct {
    size_t size;
    const char *xxhsum_h2;
} known[] = {
    {0, "99aa06d3014798d86001c324468d497f"},
    {1, "6ae6cb29a8e1db70d2de72a4d9c45f4c"},
    {3, "b976cc21a589d69931832e6846d4829a"},
    {17, "1828431dac739a99765898a9b8368c54"},
    {128, "09a2156cd602083daa17f0ec4b86c453"},
    {129, "f6cc90470899ad5fab7340c081cea1b0"},
    {240, "90fc3b8efbaa776b83ca1470e5c7f7cf"},
    {241, "1e59f5501c8ac2bffd3b51beb2576ba2"},
    {1000003, "159dd0753eb3b3fb14d711eda3fb4cea"},
    {3145745, "c971a38a241388b8ec04c68dab41601c"},
};

static void test_known_answers_and_read_sizes(void)
{
    static const size_t read_sizes[] = {1, 7, 4096, 65536 + 3, 0};
    for (size_t k = 0; k < sizeof known / sizeof known[0]; k++) {
        size_t n = known[k].size;
        unsigned char *b = lcg_bytes(n);
        const char *path = support_path(tmp_dir, "known.bin");
        write_bytes(path, b, n);
        char hex[ICTUS_HASH_HEX_SIZE];
        for (size_t r = 0; r < sizeof read_sizes / sizeof read_sizes[0]; r++) {
            if (read_sizes[r] == 1 && n > 100000)
                continue; /* a byte at a time on megabytes only costs time */
            ictus_hash128 h = hash_file(path, read_sizes[r]);
            CHECK_STR(ictus_hash128_format(h, hex), known[k].xxhsum_h2);
        }
        CHECK_STR(ictus_hash128_format(ictus_hash_bytes(b, n), hex), known[k].xxhsum_h2);
        free(b);
    }
}

static void test_one_byte_changes(void)
{
    const size_t n = 300000;
    unsigned char *b = lcg_bytes(n);
    const char *path = support_path(tmp_dir, "flip.bin");
    write_bytes(path, b, n);
    ictus_hash128 orig = hash_file(path, 0);
    const size_t at[] = {0, n / 2, n - 1};
    for (size_t i = 0; i < 3; i++) {
        b[at[i]] ^= 0x01;
        write_bytes(path, b, n);
        ictus_hash128 h = hash_file(path, 4096);
        CHECK_MSG(!ictus_hash128_equal(h, orig), "flipping byte %zu left the hash unchanged", at[i]);
        b[at[i]] ^= 0x01;
    }
    write_bytes(path, b, n);
    CHECK(ictus_hash128_equal(hash_file(path, 0), orig));
    free(b);
}

static void test_hex(void)
{
    ictus_hash128 h = {UINT64_C(0x0123456789abcdef), UINT64_C(0xfedcba9876543210)}, back;
    char hex[ICTUS_HASH_HEX_SIZE];
    CHECK_STR(ictus_hash128_format(h, hex), "0123456789abcdeffedcba9876543210");
    CHECK(ictus_hash128_parse(hex, &back) && ictus_hash128_equal(back, h));
    CHECK(ictus_hash128_parse("0123456789ABCDEFFEDCBA9876543210", &back) &&
          ictus_hash128_equal(back, h));
    ictus_hash128 untouched = {1, 2};
    back = untouched;
    CHECK(!ictus_hash128_parse("0123456789abcdeffedcba987654321", &back));   /* 31 digits */
    CHECK(!ictus_hash128_parse("0123456789abcdeffedcba98765432100", &back)); /* 33 digits */
    CHECK(!ictus_hash128_parse("0123456789abcdeffedcba987654321g", &back));
    CHECK(!ictus_hash128_parse("", &back));
    CHECK(ictus_hash128_equal(back, untouched));
}

static void test_identity(void)
{
    const char *path = support_path(tmp_dir, "ident.bin"), *other = support_path(tmp_dir, "ident.new");
    unsigned char *b = lcg_bytes(1000);
    write_bytes(path, b, 1000);
    ictus_file_identity a, a2, c;
    ictus_error err = {0};
    CHECK(ictus_file_identity_get(path, &a, &err) == ICTUS_OK);
    CHECK(ictus_file_identity_get(path, &a2, &err) == ICTUS_OK);
    CHECK(ictus_file_identity_same(&a, &a2));
    CHECK_INT(a.size_bytes, 1000);

    ictus_hash128 h;
    ictus_file_identity from_hash;
    CHECK(ictus_file_hash(path, 0, &h, &from_hash, &err) == ICTUS_OK);
    CHECK(ictus_file_identity_same(&a, &from_hash));

    /* Replaced by rename (what rsync and most copy tools do): a new inode,
     * even with identical content and size.  The old file keeps a second
     * link so that its inode cannot be reused for the new one. */
    write_bytes(other, b, 1000);
    CHECK(link(path, support_path(tmp_dir, "ident.keep")) == 0);
    CHECK(rename(other, path) == 0);
    CHECK(ictus_file_identity_get(path, &c, &err) == ICTUS_OK);
    CHECK(!ictus_file_identity_same(&a, &c));
    CHECK(c.inode != a.inode);

    /* Rewritten in place with another size. */
    write_bytes(path, b, 999);
    CHECK(ictus_file_identity_get(path, &c, &err) == ICTUS_OK);
    CHECK_INT(c.size_bytes, 999);
    CHECK(!ictus_file_identity_same(&a, &c));
    free(b);
}

static void test_errors(void)
{
    ictus_error err = {0};
    ictus_hash128 h;
    ictus_file_identity id;
    const char *missing = support_path(tmp_dir, "no-such-file.edf");
    CHECK(ictus_file_hash(missing, 0, &h, NULL, &err) == ICTUS_ERR_IO);
    CHECK_MSG(strstr(err.msg, missing) == err.msg, "%s", err.msg);
    CHECK(ictus_file_identity_get(missing, &id, &err) == ICTUS_ERR_IO);
    CHECK_MSG(strstr(err.msg, missing) == err.msg && strstr(err.msg, "No such file"), "%s", err.msg);
    CHECK(ictus_file_hash(tmp_dir, 0, &h, NULL, &err) == ICTUS_ERR_IO);
    CHECK_MSG(strstr(err.msg, "not a regular file") != NULL, "%s", err.msg);
    CHECK(ictus_file_identity_get(tmp_dir, &id, &err) == ICTUS_ERR_IO);
    CHECK_MSG(strstr(err.msg, "not a regular file") != NULL, "%s", err.msg);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void print_throughput(void)
{
    const size_t n = (size_t)128 << 20;
    unsigned char *b = lcg_bytes(n);
    const char *path = support_path(tmp_dir, "big.bin");
    write_bytes(path, b, n);
    free(b);
    hash_file(path, 0); /* into the page cache */
    double best = 1e9;
    for (int i = 0; i < 3; i++) {
        double t0 = now_s();
        hash_file(path, 0);
        double dt = now_s() - t0;
        best = dt < best ? dt : best;
    }
    printf("hashing 128 MiB from the page cache: %.3f s, %.2f GB/s\n", best,
           (double)n / best / 1e9);
    unlink(path);
}

int main(void)
{
    tmp_dir = support_tmpdir("filehash");
    test_known_answers_and_read_sizes();
    test_one_byte_changes();
    test_hex();
    test_identity();
    test_errors();
    print_throughput();
    support_tmpdir_remove(tmp_dir);
    return check_done("test_filehash");
}
