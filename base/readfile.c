/* readfile.c: a whole file read into memory, up to a limit; regular files only. */
#include "base/readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/limits.h"
#include "base/vec.h"

/* The size of one read; the buffer grows by doubling past it. */
enum { READ_CHUNK = 65536 };

/* What a file that is not a regular one is, for messages. */
static const char *kind_of(mode_t mode)
{
    if (S_ISDIR(mode))
        return "a directory";
    if (S_ISFIFO(mode))
        return "a FIFO (named pipe)";
    if (S_ISCHR(mode))
        return "a character device";
    if (S_ISBLK(mode))
        return "a block device";
    if (S_ISSOCK(mode))
        return "a socket";
    return "not a regular file";
}

static ictus_status not_regular(const char *path, mode_t mode, const char *what,
                                ictus_error *err)
{
    return ictus_fail(err, ICTUS_ERR_IO, "%s: is %s, not %s", path, kind_of(mode), what);
}

ictus_status ictus_open_regular(const char *path, const char *what, int *fd, ictus_error *err)
{
    *fd = -1;
    /* stat() first: a device or FIFO is refused without being opened at
     * all; then O_NONBLOCK and fstat() for one swapped in meanwhile. */
    struct stat sb;
    if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode))
        return not_regular(path, sb.st_mode, what, err);
    int f = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (f < 0)
        return ictus_fail(err, ICTUS_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    if (fstat(f, &sb) != 0) {
        int e = errno;
        close(f);
        return ictus_fail(err, ICTUS_ERR_IO, "%s: cannot open: %s", path, strerror(e));
    }
    if (!S_ISREG(sb.st_mode)) {
        close(f);
        return not_regular(path, sb.st_mode, what, err);
    }
    int flags = fcntl(f, F_GETFL);
    if (flags >= 0)
        fcntl(f, F_SETFL, flags & ~O_NONBLOCK);
    *fd = f;
    return ICTUS_OK;
}

/* Say that path holds more than max bytes. */
static ictus_status too_large(const char *path, size_t max, ictus_error *err)
{
    return ictus_fail(err, ICTUS_ERR_FORMAT, "%s: more than %zu bytes (%.4g MiB): not read", path,
                      max, (double)max / (1 << 20));
}

ictus_status ictus_read_file_max(const char *path, size_t max_bytes, char **bytes, size_t *n,
                                 ictus_error *err)
{
    *bytes = NULL;
    *n = 0;
    int fd;
    ictus_status st = ictus_open_regular(path, "a regular file", &fd, err);
    if (st != ICTUS_OK)
        return st;
    struct stat sb;
    if (fstat(fd, &sb) == 0 && (uintmax_t)sb.st_size > max_bytes) {
        close(fd);
        return too_large(path, max_bytes, err);
    }
    /* The size is a hint only (a file may grow while read, and /proc files
     * say 0): read until the end, stopping one byte past the limit. */
    char *buf = NULL;
    size_t len = 0, cap = 0;
    ssize_t got;
    for (;;) {
        ICTUS_GROW(buf, len + READ_CHUNK + 1, cap);
        size_t want = cap - len - 1, room = max_bytes - len;
        if (want > room)
            want = room < SIZE_MAX ? room + 1 : room;
        got = read(fd, buf + len, want);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        len += (size_t)got;
        if (len > max_bytes)
            break;
    }
    int read_errno = got < 0 ? errno : 0;
    close(fd);
    if (read_errno) {
        free(buf);
        return ictus_fail(err, ICTUS_ERR_IO, "%s: read error: %s", path, strerror(read_errno));
    }
    if (len > max_bytes) {
        free(buf);
        return too_large(path, max_bytes, err);
    }
    buf[len] = '\0';
    *bytes = buf;
    *n = len;
    return ICTUS_OK;
}

size_t ictus_max_text_bytes(void)
{
    long mib = ICTUS_MAX_TEXT_MIB_DEFAULT;
    const char *env = getenv("ICTUS_MAX_TEXT_MIB");
    if (env && *env) {
        char *end;
        errno = 0;
        long v = strtol(env, &end, 10);
        if (errno == 0 && *end == '\0' && v >= 1 && v <= ICTUS_MAX_TEXT_MIB_LIMIT)
            mib = v;
    }
    return (size_t)mib << 20;
}

ictus_status ictus_read_file(const char *path, char **bytes, size_t *n, ictus_error *err)
{
    ictus_status st = ictus_read_file_max(path, ictus_max_text_bytes(), bytes, n, err);
    if (st == ICTUS_ERR_FORMAT) {
        char said[sizeof err->msg];
        memcpy(said, err->msg, sizeof said);
        ictus_fail(err, st, "%s (the limit is set by ICTUS_MAX_TEXT_MIB)", said);
    }
    return st;
}
