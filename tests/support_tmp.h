/* support_tmp.h: scratch directories under /tmp for the test programs, and paths joined for them.
 *
 * Every test that writes files makes its own directory here and removes it,
 * with everything in it, at the end.  Paths are joined with base/path.h, so
 * they are never cut short.  Linked into every test program.  Not
 * thread-safe: call from the test's main thread.
 */
#ifndef ICTUS_SUPPORT_TMP_H
#define ICTUS_SUPPORT_TMP_H

#include <stddef.h>

/* A new, empty directory /tmp/ictus-NAME-XXXXXX (a malloc'd path); aborts
 * the program when it cannot be made. */
char *support_tmpdir(const char *name);

/* Remove `dir` with everything in it (recursively) and free the path;
 * NULL is a no-op. */
void support_tmpdir_remove(char *dir);

/* DIR/NAME (a scratch directory's file, a fixture...), owned here and
 * valid until the program exits, so that a test can write
 * `unlink(support_path(dir, "a.csv"))`; never cut short. */
const char *support_path(const char *dir, const char *name);

/* DIR followed by "/." pairs up to `length` bytes (length or length - 1;
 * at least DIR): the same directory under a path that long, for tests of
 * paths that do not fit ICTUS_PATH_MAX.  Owned here like support_path()'s. */
const char *support_long_path(const char *dir, size_t length);

#endif
