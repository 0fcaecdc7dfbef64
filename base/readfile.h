/* readfile.h: a whole file read into memory, the one way every module does it.
 *
 * Configuration files, CSV tables and the tests' expected outputs are small
 * enough to read at once; this reads them, however long, with the same
 * error messages everywhere.  Reentrant.
 */
#ifndef ICTUS_READFILE_H
#define ICTUS_READFILE_H

#include <stddef.h>

#include "base/status.h"

/* Read the file at `path` into *bytes (a new buffer the caller frees, one
 * byte longer than the file and NUL-terminated, so text can be used as a
 * string) and its length in bytes into *n.  ICTUS_ERR_IO naming the file
 * when it cannot be opened or read; *bytes is then NULL and *n 0. */
ictus_status ictus_read_file(const char *path, char **bytes, size_t *n, ictus_error *err);

#endif
