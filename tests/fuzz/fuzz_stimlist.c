/* fuzz_stimlist.c: a stimulation list (detectors/stimlist.h) read from any
 * bytes, then asked for a few recordings' onsets, which must be >= 0.
 * Seeds (synth's stimulations.csv, cut down): tests/fuzz/corpus/stimlist/. */
#include "tests/fuzz/fuzz.h"

#include "detectors/stimlist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    int fd = fuzz_memfd(data, size, path);
    ictus_stimlist *l = NULL;
    ictus_error err;
    if (ictus_stimlist_load(path, &l, &err) == ICTUS_OK) {
        static const char *const names[] = {"a.edf", "recordings/K01_d01.edf", "K01_d01.edf",
                                            "", "x"};
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
            int n = -1;
            const int64_t *t = ictus_stimlist_for(l, names[i], &n);
            if (n < 0 || (n > 0 && !t))
                abort();
            for (int k = 0; k < n; k++)
                if (t[k] < 0)
                    abort();
        }
        ictus_stimlist_destroy(l);
    } else if (l || err.msg[0] == '\0') {
        abort();
    }
    close(fd);
    return 0;
}
