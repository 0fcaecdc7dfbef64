/* shard.h: one file's run_outcome in a file of its own, for runs split over a cluster.
 *
 * Under `ictus run --slurm` (issue 17) each array task processes one
 * recording with run_work_file() and writes its outcome to a shard, never to
 * the study's SQLite database (which must not be written concurrently over a
 * network file system).  The reduce job reads every shard back into a
 * run_outcome and stores it with run_commit_file(), as a local run stores a
 * worker's outcome.  A shard holds everything commit.c and job.c read from
 * an outcome; what a task killed mid-write or a truncated copy leaves is
 * detected (total length and a checksum of the body).
 *
 * Layout (version 1).  Every integer is little-endian; a double is its IEEE
 * 754 bits as a u64 (bit-exact: NaN payloads and -0 survive); a bool is one
 * byte, 0 or 1; a string is a u32 byte count and that many bytes, without a
 * NUL and holding none.
 *   header, 40 bytes:
 *     0  magic "ICTSHARD" (8 bytes)
 *     8  u32 version (ICTUS_SHARD_VERSION)
 *    12  u32 flags, 0
 *    16  u64 total length of the file, header included
 *    24  u64 hi, u64 lo: ictus_hash_bytes() (XXH3-128) of the body, bytes 40..total
 *   body:
 *     string path (the plan's run_file path, relative to the study)
 *     i64 size_bytes, i64 mtime_ns, u64 inode (the identity)
 *     u8 kind (run_outcome_kind, not RUN_OUT_DUPLICATE), bool has_hash, u64 hi, u64 lo (hash)
 *     string message (< 1024 bytes), bool has_header_animal [string header_animal],
 *     string cut_short (< 512), f64 hash_s, f64 detect_s, u32 n_animals, then each animal:
 *       string animal, string error (< 1024), string warning (< 1024), and when error is ""
 *       its results:
 *         u32 n_channels, u64 n_events, u32 n_series, u64 n_buckets (of every series),
 *         u64 text_bytes (format, preset and series channel names, each with a NUL): the
 *           sizes, checked against the bytes left before anything is allocated;
 *         string format, i64 start_us, duration_us, n_gaps, gap_us, string preset,
 *         u64 hi, u64 lo (params_hash);
 *         per channel: string label (< 64), f64 fs_hz, string unit (< 16), string role (< 64),
 *           bool analysed;
 *         per event: i64 start_us, end_us, wall_start_us, string channel (< 64),
 *           string type (< 24), f64 score;
 *         per series: string channel, i64 n_buckets, i64 analysable_us[n_buckets],
 *           bool has_artefacts [u16 artefact_windows[n_buckets][ICTUS_STORE_N_ARTEFACT_KINDS]].
 *   The body ends exactly at the total length.
 * The encoding is canonical: writing what was read gives the same bytes.
 *
 * Thread safety: both functions are reentrant; a shard is written by one
 * process (the task) and read once it is renamed into place.
 */
#ifndef ICTUS_RUN_SHARD_H
#define ICTUS_RUN_SHARD_H

#include "base/status.h"
#include "nightly/work.h"

#define ICTUS_SHARD_MAGIC "ICTSHARD"
#define ICTUS_SHARD_VERSION 1u
#define ICTUS_SHARD_HEADER_BYTES 40
/* Larger files are refused before they are read (a shard of a day-long file
 * of several animals is well under a MiB). */
#define ICTUS_SHARD_MAX_BYTES (INT64_C(1) << 30)

/* Write `out` to `path` atomically: PATH.tmp.PID, fsync, rename over PATH,
 * fsync the directory; an existing shard is replaced whole.  out->kind must
 * not be RUN_OUT_DUPLICATE (a task's plan has no known files); out->file
 * gives the path stored.  ICTUS_ERR_IO naming the file when it cannot be
 * written (the temporary file is then removed). */
ictus_status run_shard_write(const char *path, const run_outcome *out, ictus_error *err);

/* Read the shard at `path` into *out (zeroed first; free with
 * run_outcome_clear(); out->file = f, out->duplicate_of NULL).  Results of
 * an animal are held in its shard_block (work.h), its det is NULL.
 * ICTUS_ERR_IO: cannot open or read (the message names the file);
 * ICTUS_ERR_DATA: not a shard, another version, truncated, checksum wrong, a
 * count or string out of bounds, or the shard of another path than f->path
 * (the message names the file and the byte offset and field).  *out is
 * zeroed on error.  Never allocates more than the file's size and a small
 * multiple of it (the counts are checked against the bytes left first). */
ictus_status run_shard_read(const char *path, const run_file *f, run_outcome *out,
                            ictus_error *err);

#endif
