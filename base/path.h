/* path.h: file paths built by joining, never silently cut short.
 *
 * Paths in ictus come from the user (study directories, recordings.csv) and
 * may be long.  Every path built from parts goes through one of these: the
 * fixed-size form reports a path that does not fit as an error naming it,
 * the allocating form always fits.  ICTUS_PATH_MAX is the one size of a path
 * buffer.
 */
#ifndef ICTUS_PATH_H
#define ICTUS_PATH_H

#include <stdbool.h>
#include <stddef.h>

#include "base/status.h"

/* The size of every fixed path buffer (the Linux PATH_MAX). */
#define ICTUS_PATH_MAX 4096

/* Join `dir` and `name` with one '/' into out[size] ("" or NULL dir: name
 * alone; an absolute name is kept as it is).  Returns ICTUS_ERR_USAGE, with
 * a message naming the start of the path, when the result does not fit;
 * out is then the empty string. */
ictus_status ictus_path_join(char *out, size_t size, const char *dir, const char *name,
                             ictus_error *err);

/* printf into out[size]; ICTUS_ERR_USAGE when the result does not fit (out
 * is then the empty string).  For paths with more than two parts. */
ictus_status ictus_path_format(char *out, size_t size, ictus_error *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* `dir`/`name` in a new string the caller frees; never fails. */
char *ictus_path_join_alloc(const char *dir, const char *name);

/* True when `name` ends with `suffix`, ignoring ASCII case (".EDF" is ".edf"). */
bool ictus_path_has_suffix(const char *name, const char *suffix);

/* The file name of `path`: what follows its last '/' (all of it when none);
 * points into path. */
const char *ictus_path_base(const char *path);

#endif
