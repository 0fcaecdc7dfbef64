/* outfile.c: atomic output files: write a temporary file, sync it, rename it over the old one. */
#include "base/outfile.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/path.h"

/* The writer's process id when `name` is a temporary file (NAME.tmp-PID),
 * else 0. */
static long tmp_writer(const char *name)
{
    const char *tag = strstr(name, ".tmp-");
    if (!tag)
        return 0;
    for (const char *next; (next = strstr(tag + 1, ".tmp-"));)
        tag = next;
    char *end;
    long pid = strtol(tag + 5, &end, 10);
    return *end == '\0' && end != tag + 5 && pid > 0 ? pid : 0;
}

/* Remove the temporary files in `dir` whose writer is no longer alive (a
 * run killed with -9 leaves its half-written files behind).  A writer on
 * another host sharing the directory would look dead here; ictus writes a
 * study's out/ from one host (the study lock is taken there). */
static void sweep_dead_tmp(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d));) {
        long pid = tmp_writer(e->d_name);
        if (pid <= 0 || pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        unlinkat(dirfd(d), e->d_name, 0);
    }
    closedir(d);
}

ictus_status ictus_outfile_mkdir(const char *dir, ictus_error *err)
{
    if (mkdir(dir, 0777) != 0) {
        if (errno != EEXIST)
            return ictus_fail(err, ICTUS_ERR_IO, "%s: cannot create the directory: %s", dir,
                              strerror(errno));
        sweep_dead_tmp(dir);
    }
    return ICTUS_OK;
}

ictus_status ictus_outfile_write(const char *dir, const char *name, ictus_outfile_fill fill,
                                 const void *ctx, ictus_error *err)
{
    char path[ICTUS_PATH_MAX], tmp_name[ICTUS_PATH_MAX], tmp[ICTUS_PATH_MAX];
    ictus_status st = ictus_path_join(path, sizeof path, dir, name, err);
    if (st == ICTUS_OK)
        st = ictus_path_format(tmp_name, sizeof tmp_name, err, ".%s.tmp-%ld", name, (long)getpid());
    if (st == ICTUS_OK)
        st = ictus_path_join(tmp, sizeof tmp, dir, tmp_name, err);
    if (st != ICTUS_OK)
        return st;
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return ictus_fail(err, ICTUS_ERR_IO, "%s: cannot create: %s", tmp, strerror(errno));
    ictus_out o;
    ictus_out_init(&o, f, tmp);
    fill(&o, ctx);
    st = ictus_out_close(&o, err);
    if (st == ICTUS_OK && (fflush(f) != 0 || fsync(fileno(f)) != 0))
        st = ictus_fail(err, ICTUS_ERR_IO, "%s: cannot write: %s", tmp, strerror(errno));
    if (fclose(f) != 0 && st == ICTUS_OK)
        st = ictus_fail(err, ICTUS_ERR_IO, "%s: cannot write: %s", tmp, strerror(errno));
    if (st == ICTUS_OK && rename(tmp, path) != 0)
        st = ictus_fail(err, ICTUS_ERR_IO, "%s: cannot replace: %s", path, strerror(errno));
    if (st != ICTUS_OK) {
        unlink(tmp);
        return st;
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd); /* makes the rename durable; the file is complete either way */
        close(fd);
    }
    return ICTUS_OK;
}

void ictus_outfile_number(ictus_out *o, double v)
{
    ictus_out_char(o, ',');
    ictus_out_double(o, v, 7);
}

void ictus_outfile_text(ictus_out *o, const char *s)
{
    ictus_out_char(o, ',');
    ictus_out_field(o, s);
}

void ictus_outfile_count(ictus_out *o, int64_t v)
{
    ictus_out_char(o, ',');
    if (v >= 0)
        ictus_out_int(o, v);
}
