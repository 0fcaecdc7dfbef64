/* replay.c: a main for a fuzz harness without libFuzzer (make check): runs
 * LLVMFuzzerTestOneInput() once on every file named on the command line, or
 * in a directory named there (not recursively), in the order given, and
 * prints `fuzz_NAME: N passed, 0 failed` at the end.  A harness that finds a
 * fault aborts (sanitizer report or abort()), so reaching the end means every
 * input passed.  Usage: replay NAME FILE|DIR... */
#include "tests/fuzz/fuzz.h"

#include <dirent.h>

/* Run the harness on the file at `path`; false when it cannot be read. */
static bool replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    uint8_t *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? 2 * cap : 4096;
            buf = realloc(buf, cap);
            if (!buf)
                abort();
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        if (got == 0)
            break;
        n += got;
    }
    bool ok = !ferror(f);
    fclose(f);
    /* an exact-size copy, so that ASan sees a read past the input's end */
    uint8_t *exact = malloc(n ? n : 1);
    if (!exact)
        abort();
    memcpy(exact, buf, n);
    free(buf);
    if (ok)
        LLVMFuzzerTestOneInput(exact, n);
    free(exact);
    return ok;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: replay NAME FILE|DIR...\n");
        return 2;
    }
    int passed = 0, failed = 0;
    for (int i = 2; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            continue; /* an empty regression folder is not committed */
        }
        if (!S_ISDIR(st.st_mode)) {
            replay_file(argv[i]) ? passed++ : failed++;
            continue;
        }
        struct dirent **names;
        int n = scandir(argv[i], &names, NULL, NULL);
        if (n < 0) {
            failed++;
            continue;
        }
        char **files = malloc(sizeof *files * (size_t)(n ? n : 1));
        int k = 0;
        for (int j = 0; j < n; j++) {
            if (names[j]->d_name[0] != '.') {
                size_t len = strlen(argv[i]) + strlen(names[j]->d_name) + 2;
                files[k] = malloc(len);
                snprintf(files[k++], len, "%s/%s", argv[i], names[j]->d_name);
            }
            free(names[j]);
        }
        free(names);
        qsort(files, (size_t)k, sizeof *files, by_name);
        for (int j = 0; j < k; j++) {
            if (replay_file(files[j])) {
                passed++;
            } else {
                fprintf(stderr, "%s: cannot be read\n", files[j]);
                failed++;
            }
            free(files[j]);
        }
        free(files);
    }
    printf("fuzz_%s: %d passed, %d failed\n", argv[1], passed, failed);
    return failed ? 1 : 0;
}
