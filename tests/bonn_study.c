/* bonn_study.c: a study of the Bonn sets C, D and E (support_bonn.h) for
 * `ictus train` and `ictus train --evaluate`.
 *
 *   bonn_study DIR train|heldout [ANIMALS]
 *
 * The half's 150 segments (numbers 1-50 or 51-100 of each set) are dealt
 * to ANIMALS pseudo-animals (default 5) by number: animal k has the same
 * block of numbers from C, D and E (B1: 1-10 with 5 animals), so that
 * cross-validation by animal never trains on a segment's neighbours.  Each
 * animal's segments, in a fixed shuffled order, make one recording
 * (recordings/Bk.edf, 173.61 Hz, one channel); truth.csv holds every E
 * segment as a `seizure`.  DIR must not exist or be empty; the same
 * arguments give the same bytes.  Exit status 0, or 1 with a message. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/path.h"
#include "tests/support_bonn.h"
#include "tests/support_study.h"

#define SHUFFLE_SEED 20010801u

static int usage(void)
{
    fprintf(stderr, "usage: bonn_study DIR train|heldout [ANIMALS]\n");
    return 1;
}

/* Append printf-style text to a growing string (aborts on no memory). */
static void append(char **s, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void append(char **s, size_t *len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    *s = realloc(*s, *len + (size_t)n + 1);
    if (!*s)
        abort();
    va_start(ap, fmt);
    vsnprintf(*s + *len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    *len += (size_t)n;
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4 || (strcmp(argv[2], "train") && strcmp(argv[2], "heldout")))
        return usage();
    const char *dir = argv[1];
    bool train = strcmp(argv[2], "train") == 0;
    int n_animals = argc > 3 ? atoi(argv[3]) : 5;
    int lo = train ? 1 : SUPPORT_BONN_TRAIN_MAX + 1, hi = train ? SUPPORT_BONN_TRAIN_MAX : 100;
    int per = (hi - lo + 1) / (n_animals > 0 ? n_animals : 1);
    if (n_animals < 1 || per < 1)
        return usage();
    support_bonn_list all = {0};
    if (support_bonn_list_all(&all) != 300) {
        fprintf(stderr, "bonn_study: expected the 300 segments of sets C, D, E in %s\n",
                SUPPORT_BONN_DIR);
        return 1;
    }
    char *animals = NULL, *recordings = NULL, *truth = NULL;
    size_t n_an = 0, n_rec = 0, n_tr = 0;
    append(&animals, &n_an, "animal,model,group,notes\n");
    append(&recordings, &n_rec, "file,animal,channels,start_time\n");
    append(&truth, &n_tr, "recording,animal,start_s,end_s,type\n");
    mkdir(dir, 0777);
    uint64_t state = SHUFFLE_SEED;
    double seg_s = SUPPORT_BONN_SAMPLES / SUPPORT_BONN_FS_HZ;
    int status = 0;
    for (int k = 0; k < n_animals && !status; k++) {
        int a = lo + k * per, b = k == n_animals - 1 ? hi : a + per - 1;
        support_bonn_list l = {0};
        support_bonn_list_all(&l);
        support_bonn_keep(&l, a, b);
        support_bonn_shuffle(l.items, l.n, &state);
        char name[32], file[48], rel[64];
        snprintf(name, sizeof name, "B%d", k + 1);
        snprintf(file, sizeof file, "%s.edf", name);
        snprintf(rel, sizeof rel, "recordings/%s", file);
        char *path = ictus_path_join_alloc(dir, rel);
        if (!support_study_write(dir, rel, "") || support_bonn_write_edf(path, l.items, l.n) != l.n)
            status = 1;
        free(path);
        append(&animals, &n_an, "%s,human-ieeg,bonn-%s,segments %d-%d of sets C D E\n", name,
               argv[2], a, b);
        append(&recordings, &n_rec, "%s,%s,EEG=1,2001-01-01T00:00:00\n", file, name);
        for (int i = 0; i < l.n; i++)
            if (l.items[i].set == 'E')
                append(&truth, &n_tr, "%s,%s,%.3f,%.3f,seizure\n", file, name, i * seg_s,
                       (i + 1) * seg_s);
        support_bonn_free(&l);
    }
    char ini[256];
    snprintf(ini, sizeof ini, "# The Bonn sets C, D, E, %s half (segments %d-%d), made by "
             "tests/bonn_study.c.\n[study]\nname = bonn-%s\npreset = human-ieeg\nmains_hz = 50\n", argv[2], lo, hi,
             argv[2]);
    if (!status && !(support_study_write(dir, "study.ini", ini) &&
                     support_study_write(dir, "animals.csv", animals) &&
                     support_study_write(dir, "recordings.csv", recordings) &&
                     support_study_write(dir, "truth.csv", truth)))
        status = 1;
    free(animals);
    free(recordings);
    free(truth);
    support_bonn_free(&all);
    if (status)
        fprintf(stderr, "bonn_study: cannot write the study in %s\n", dir);
    return status;
}
