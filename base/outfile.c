/* outfile.c: atomic output files: write a temporary file, sync it, rename it over the old one. */
#include "base/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/path.h"

ictus_status ictus_outfile_mkdir(const char *dir, ictus_error *err)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return ictus_fail(err, ICTUS_ERR_IO, "%s: cannot create the directory: %s", dir,
                          strerror(errno));
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
