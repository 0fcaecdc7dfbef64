/* lock.c: the study lock: flock() on STUDY_DIR/ictus.lock with the holder's name inside. */
#include "nightly/lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "base/path.h"

struct run_lock {
    int fd;
};

/* The holder line of a run started at `started_unix_us`, without newline. */
static void holder_line(int64_t started_unix_us, const char *version, char *buf, size_t size)
{
    char host[256] = "unknown";
    gethostname(host, sizeof host - 1);
    time_t t = (time_t)(started_unix_us / 1000000);
    struct tm tm;
    char when[32] = "?";
    if (localtime_r(&t, &tm))
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
    snprintf(buf, size, "pid %ld on host %s, running since %s (ictus %s)", (long)getpid(), host,
             when, version);
}

/* Read the holder line from `fd` into buf (first line, "" when empty).  The
 * holder writes it right after taking the lock, so an empty file is retried
 * briefly. */
static void read_holder(int fd, char *buf, size_t size)
{
    buf[0] = '\0';
    for (int attempt = 0; attempt < 20 && !buf[0]; attempt++) {
        if (attempt)
            usleep(50 * 1000);
        ssize_t n = pread(fd, buf, size - 1, 0);
        buf[n > 0 ? n : 0] = '\0';
        buf[strcspn(buf, "\n")] = '\0';
    }
    if (!buf[0])
        snprintf(buf, size, "another process (it has not said who it is)");
}

/* How often a waiting run tries the lock again. */
#define WAIT_POLL_US (100 * 1000)

ictus_status run_lock_take(const char *study_dir, bool wait, int64_t started_unix_us,
                           const char *version, const run_lock_notes *notes, run_lock **out,
                           ictus_error *err)
{
    *out = NULL;
    char path[ICTUS_PATH_MAX];
    ictus_status path_st = ictus_path_join(path, sizeof path, study_dir, "ictus.lock", err);
    if (path_st != ICTUS_OK)
        return path_st;
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return ictus_fail(err, ICTUS_ERR_IO, "%s: cannot create the study lock: %s", path,
                          strerror(errno));
    while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EINTR)
            continue;
        if (errno != EWOULDBLOCK) {
            ictus_status st = ictus_fail(err, ICTUS_ERR_IO, "%s: cannot lock: %s", path,
                                         strerror(errno));
            close(fd);
            return st;
        }
        char holder[512];
        read_holder(fd, holder, sizeof holder);
        if (!wait) {
            close(fd);
            return ictus_fail(err, ICTUS_ERR_BUSY,
                              "%s: another run is working on this study: %s (use --wait to wait "
                              "for it)", study_dir, holder);
        }
        char note[1024];
        snprintf(note, sizeof note, "%s: waiting for the run of %s to finish", study_dir, holder);
        notes->note(notes->ctx, note);
        /* polled, not a blocking flock(): a stop request (SIGINT under
         * SA_RESTART) must end the wait */
        int rc;
        while ((rc = flock(fd, LOCK_EX | LOCK_NB)) != 0 &&
               (errno == EINTR || errno == EWOULDBLOCK) && !(notes->stop && *notes->stop))
            usleep(WAIT_POLL_US);
        if (rc != 0 && notes->stop && *notes->stop) {
            close(fd);
            return ictus_fail(err, ICTUS_ERR_BUSY, "%s: interrupted while waiting for the run "
                              "of %s", study_dir, holder);
        }
        if (rc != 0) {
            ictus_status st = ictus_fail(err, ICTUS_ERR_IO, "%s: cannot lock: %s", path,
                                         strerror(errno));
            close(fd);
            return st;
        }
        break;
    }
    char line[512];
    holder_line(started_unix_us, version, line, sizeof line);
    size_t len = strlen(line);
    line[len++] = '\n';
    /* Who holds the lock is advice for humans: failing to write it is not
     * worth failing the run, the lock itself is held. */
    if (ftruncate(fd, 0) != 0 || pwrite(fd, line, len, 0) != (ssize_t)len) {
        char note[ICTUS_PATH_MAX + 128];
        snprintf(note, sizeof note, "%s: warning: cannot write the holder's name: %s", path,
                 strerror(errno));
        notes->note(notes->ctx, note);
    }
    run_lock *lock = ictus_xmalloc(sizeof *lock);
    lock->fd = fd;
    *out = lock;
    return ICTUS_OK;
}

void run_lock_release(run_lock *lock)
{
    if (!lock)
        return;
    close(lock->fd); /* closing the only descriptor drops the flock */
    free(lock);
}
