/* fuzz.h: what the fuzz harnesses (tests/fuzz/fuzz_*.c) share: the input put
 * where a parser wants a file, and an input cut into several files.
 *
 * Each harness is one C file defining LLVMFuzzerTestOneInput(); it is linked
 * either with libFuzzer (make fuzz, clang) or with tests/fuzz/replay.c, a main
 * that runs it once over every file of the corpus and regression folders
 * (make check, any compiler).  Nothing is carried from one input to the next:
 * every file a harness writes is written again (or removed) for each input,
 * and everything a parser allocates is freed before the harness returns (the
 * leak checker runs after every input).
 *
 * Lifecycle: the scratch directory is made on first use and removed, with what
 * is in it, at exit (a crashed process leaves it: run.sh's TMPDIR is removed).
 * Not thread-safe (a harness runs one input at a time).
 */
#ifndef ICTUS_FUZZ_H
#define ICTUS_FUZZ_H

#define _GNU_SOURCE 1 /* memfd_create() */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Write all of data[0, size) to fd from offset 0 and cut the file there;
 * aborts on failure (the harness cannot go on without its input). */
static inline void fuzz_write_all(int fd, const uint8_t *data, size_t size)
{
    if (ftruncate(fd, 0) != 0 || lseek(fd, 0, SEEK_SET) != 0)
        abort();
    while (size > 0) {
        ssize_t w = write(fd, data, size);
        if (w <= 0)
            abort();
        data += w;
        size -= (size_t)w;
    }
}

/* The input in an anonymous in-memory file: returns its descriptor (the
 * caller closes it) and, in path[64], a path that opens it
 * ("/proc/self/fd/N"), for parsers that take a path. */
static inline int fuzz_memfd(const uint8_t *data, size_t size, char path[64])
{
    int fd = memfd_create("ictus-fuzz", MFD_CLOEXEC);
    if (fd < 0)
        abort();
    fuzz_write_all(fd, data, size);
    snprintf(path, 64, "/proc/self/fd/%d", fd);
    return fd;
}

/* The scratch directory: its path and the removal at exit. */
static char fuzz_dir_path[256];

static inline void fuzz_dir_remove(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fuzz_dir_path);
    if (fuzz_dir_path[0] && system(cmd) != 0)
        fprintf(stderr, "fuzz: could not remove %s\n", fuzz_dir_path);
}

/* A directory of this process's own under $TMPDIR (else /tmp), made on the
 * first call; removed at exit (not after a crash: tests/fuzz/run.sh points
 * TMPDIR at a directory of its own and removes that). */
static inline const char *fuzz_dir(void)
{
    if (!fuzz_dir_path[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(fuzz_dir_path, sizeof fuzz_dir_path, "%s/ictus-fuzz-XXXXXX",
                 tmp && *tmp && strlen(tmp) < 200 ? tmp : "/tmp");
        if (!mkdtemp(fuzz_dir_path))
            abort();
        atexit(fuzz_dir_remove);
    }
    return fuzz_dir_path;
}

/* A path buffer for fuzz_file(): the scratch directory's path (< 256) and a name. */
#define FUZZ_PATH 512

/* DIR/NAME of the scratch directory, in out[size]. */
static inline const char *fuzz_file(const char *name, char *out, size_t size)
{
    snprintf(out, size, "%s/%s", fuzz_dir(), name);
    return out;
}

/* Write data[0, size) to the scratch directory's file NAME (made anew), or
 * remove that file when `present` is false. */
static inline void fuzz_put_file(const char *name, const uint8_t *data, size_t size,
                                 int present)
{
    char path[FUZZ_PATH];
    fuzz_file(name, path, sizeof path);
    unlink(path);
    if (!present)
        return;
    FILE *f = fopen(path, "wb");
    if (!f || (size > 0 && fwrite(data, 1, size, f) != size) || fclose(f) != 0)
        abort();
}

/* Cut the input into up to max_parts parts at each FUZZ_SPLIT line (the
 * dictionaries hold it, so the fuzzer finds it).  starts[i]/lens[i] describe
 * part i; returns the number of parts (>= 1).  The parts after the last
 * found are absent (the files they stand for are not written). */
#define FUZZ_SPLIT "\n=====\n"
static inline int fuzz_split(const uint8_t *data, size_t size, int max_parts,
                             const uint8_t **starts, size_t *lens)
{
    const size_t sep = sizeof FUZZ_SPLIT - 1;
    int n = 0;
    const uint8_t *p = data, *end = data + size;
    while (n < max_parts - 1) {
        const uint8_t *hit = size >= sep ? memmem(p, (size_t)(end - p), FUZZ_SPLIT, sep) : NULL;
        if (!hit)
            break;
        starts[n] = p;
        lens[n++] = (size_t)(hit - p) + 1; /* keep the line's newline */
        p = hit + sep;
    }
    starts[n] = p;
    lens[n++] = (size_t)(end - p);
    return n;
}

#endif
