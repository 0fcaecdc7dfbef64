/* fuzz_study.c: a study's CSV manifests (protocols/study.h) from any bytes.
 * The input is cut at "\n=====\n" lines (fuzz.h) into animals.csv,
 * recordings.csv, dosing.csv and annotations.csv of a study in the scratch
 * directory (a part not there: that file is missing), beside a fixed
 * study.ini with a [drugs] list; the study is loaded and every animal and
 * recording looked up again.  Seeds: tests/fuzz/corpus/study/. */
#include "tests/fuzz/fuzz.h"

#include "protocols/study.h"

static const char study_ini[] = "[study]\nname = fuzz\npreset = ihka-mouse\nmains_hz = 50\n"
                                "[drugs]\nlevetiracetam = 100\ncarbamazepine =\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const files[] = {"animals.csv", "recordings.csv", "dosing.csv",
                                        "annotations.csv"};
    const uint8_t *part[4];
    size_t len[4];
    int n = fuzz_split(data, size, 4, part, len);
    fuzz_put_file("study.ini", (const uint8_t *)study_ini, sizeof study_ini - 1, 1);
    for (int i = 0; i < 4; i++)
        fuzz_put_file(files[i], i < n ? part[i] : NULL, i < n ? len[i] : 0, i < n);
    ictus_study *study = NULL;
    ictus_error err;
    if (ictus_study_load(fuzz_dir(), &study, &err) == ICTUS_OK) {
        for (int a = 0; a < study->n_animals; a++)
            if (ictus_study_animal(study, study->animals[a].id) == NULL)
                abort();
        for (int r = 0; r < study->n_recordings; r++) {
            const ictus_recording_entry *e = &study->recordings[r];
            if (ictus_study_recording(study, e->file, e->animal) == NULL)
                abort();
        }
        for (int l = 0; l < study->n_labels; l++)
            if (study->labels[l].end_us <= study->labels[l].start_us)
                abort();
        ictus_study_destroy(study);
    } else if (study || err.msg[0] == '\0') {
        abort();
    }
    return 0;
}
