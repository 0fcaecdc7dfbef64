/* readfile.h: a whole file read into memory, the one way every module does it;
 * and the one check that a path names a regular file before it is opened.
 *
 * Configuration files, CSV tables, models and the tests' expected outputs
 * are small enough to read at once; this reads them, up to a limit (a file
 * past it is one error naming the file, never an allocation of gigabytes),
 * with the same error messages everywhere.  Recordings, configurations and
 * tables are regular files: a FIFO, a device, a socket or a directory in
 * their place is refused up front with one message saying what it is (a
 * FIFO is never opened, so nothing blocks waiting for a writer).
 * Reentrant.
 */
#ifndef ICTUS_READFILE_H
#define ICTUS_READFILE_H

#include <stddef.h>

#include "base/status.h"

/* Open the file at `path` read-only (close-on-exec) into *fd, after
 * checking that it is a regular file.  Otherwise ICTUS_ERR_IO, *fd -1, and
 * one message: "PATH: is a directory|a FIFO (named pipe)|a character
 * device|a block device|a socket, not WHAT" (`what`: "a regular file", "a
 * recording", ...), or "PATH: cannot open: REASON". */
ictus_status ictus_open_regular(const char *path, const char *what, int *fd, ictus_error *err);

/* Read the regular file at `path` into *bytes (a new buffer the caller
 * frees, one byte longer than the file and NUL-terminated, so text can be
 * used as a string) and its length in bytes into *n.  ICTUS_ERR_IO naming
 * the file when it is not a regular file (ictus_open_regular()) or cannot
 * be opened or read; ICTUS_ERR_FORMAT when it holds more than `max_bytes`
 * bytes ("PATH: more than N bytes (M MiB): not read").  On failure *bytes
 * is NULL and *n 0. */
ictus_status ictus_read_file_max(const char *path, size_t max_bytes, char **bytes, size_t *n,
                                 ictus_error *err);

/* The limit of ictus_read_file(), in bytes: ICTUS_MAX_TEXT_MIB MiB from the
 * environment when it holds a whole number in 1..4095, else 1024 MiB
 * (base/limits.h). */
size_t ictus_max_text_bytes(void);

/* ictus_read_file_max() with ictus_max_text_bytes(); past it the message
 * names the setting. */
ictus_status ictus_read_file(const char *path, char **bytes, size_t *n, ictus_error *err);

#endif
