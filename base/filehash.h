/* filehash.h: a recording's content hash (XXH3-128) and its cheap identity.
 *
 * The nightly job must know whether a file is new, changed or unchanged
 * without reading every byte of every file every night.  Two tools:
 *   - the identity (size, modification time in ns, inode) comes from one
 *     stat() call; when it is unchanged the file is taken as unchanged and
 *     not re-hashed;
 *   - the content hash (XXH3 128-bit, libxxhash) reads the whole file in
 *     large sequential reads with constant memory; it is what the store
 *     records and what decides whether a file whose identity changed (copied,
 *     touched, moved to another disk) really holds new data.
 * The hash prints as 32 lower-case hex digits in XXH128's canonical (big
 * endian) order, the same digits `xxhsum -H2 FILE` prints.
 *
 * Thread safety: every function is reentrant; different threads may hash
 * different files (or the same file) at once.
 */
#ifndef ICTUS_FILEHASH_H
#define ICTUS_FILEHASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"

/* 64-bit FNV-1a of n bytes: the fingerprint of short texts (a preset's
 * parameter text, a model file, a name), printed as 16 hex digits. */
uint64_t ictus_fnv1a64(const void *bytes, size_t n);

/* A 128-bit hash: hi holds the first 16 hex digits, lo the last 16. */
typedef struct {
    uint64_t hi, lo;
} ictus_hash128;

/* Bytes for the hex form: 32 digits and the NUL. */
#define ICTUS_HASH_HEX_SIZE 33

/* Read size ictus_file_hash() uses when given 0: 1 MiB. */
#define ICTUS_HASH_DEFAULT_READ (1u << 20)

/* What stat() says about a file; equal identities mean "unchanged". */
typedef struct {
    int64_t size_bytes;
    int64_t mtime_ns;  /* modification time, ns since the Unix epoch (UTC, from the OS) */
    uint64_t inode;
} ictus_file_identity;

/* stat() `path` into *out.  Fails with ICTUS_ERR_IO naming the file and the
 * system's reason when it cannot be examined, and when it is not a regular
 * file (a directory, a device). */
ictus_status ictus_file_identity_get(const char *path, ictus_file_identity *out, ictus_error *err);

/* The identity of what stat() gave in *st (the caller's stat of a regular
 * file): for callers that stat anyway (a directory scan), so that a file
 * is examined once. */
struct stat;
void ictus_file_identity_from_stat(const struct stat *st, ictus_file_identity *out);

/* True when a and b have the same size, modification time and inode. */
bool ictus_file_identity_same(const ictus_file_identity *a, const ictus_file_identity *b);

/* Hash the whole content of the regular file `path`, reading `read_bytes` at
 * a time (0 means ICTUS_HASH_DEFAULT_READ; the result does not depend on it).
 * Memory: one buffer of read_bytes.  On success *hash is the content hash and,
 * when `identity` is not NULL, *identity the file's identity at the time it
 * was read.  Errors: ICTUS_ERR_IO (cannot open or read, not a regular file);
 * ICTUS_ERR_INCOMPLETE when the file's size or modification time changed
 * while it was being read (it is being written: hash it again later). */
ictus_status ictus_file_hash(const char *path, size_t read_bytes, ictus_hash128 *hash,
                             ictus_file_identity *identity, ictus_error *err);

/* Hash `n` bytes in memory (e.g. a parameter text); data may be NULL when n is 0. */
ictus_hash128 ictus_hash_bytes(const void *data, size_t n);

/* XXH3-64, seeded with `seed`, of the texts fields[0..n) (each with its NUL,
 * so that "ab"+"c" and "a"+"bc" differ) followed by the 8 bytes of `tail`
 * (host order): the keyed identity hashes of events and animals
 * (store.h's event reference, review/blind.h's handles and pseudonyms). */
uint64_t ictus_hash_fields(uint64_t seed, const char *const *fields, int n, int64_t tail);

/* Write the 32 hex digits and a NUL into buf (at least ICTUS_HASH_HEX_SIZE
 * bytes); returns buf. */
char *ictus_hash128_format(ictus_hash128 h, char *buf);

/* Parse exactly 32 hex digits (either case).  Returns false and leaves *out
 * untouched on anything else. */
bool ictus_hash128_parse(const char *hex, ictus_hash128 *out);

/* True when the two hashes are equal. */
static inline bool ictus_hash128_equal(ictus_hash128 a, ictus_hash128 b)
{
    return a.hi == b.hi && a.lo == b.lo;
}

#endif
