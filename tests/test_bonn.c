/* test_bonn.c: the detector on real EEG nobody here wrote (Bonn University
 * sets C, D, E; Andrzejak et al. 2001).  The 300 segments of sets C and D
 * (interictal) and E (ictal) are concatenated in a fixed shuffled order into
 * one single-channel EDF at 173.61 Hz; each E segment is a true event.
 * Targets (issue 3): event sensitivity on E >= 0.95, and at most 5 % of the
 * C/D segments overlapped by a detection.  Segments are adjacent, so scoring
 * does not merge; a C/D segment counts as overlapped when detections cover
 * more than OVERLAP_S of it (one analysis window: a detection cannot place
 * its edge more precisely than that). */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "tests/check.h"
#include "detectors/recording_detection.h"
#include "detectors/score.h"
#include "base/config.h"
#include "base/path.h"
#include "base/vec.h"
#include "base/walltime.h"

#define N_SAMPLES 4097
#define FS_HZ 173.61
#define OVERLAP_S 2.0
#define EDF_PATH "build/bonn-cde.edf"

typedef struct {
    char *path; /* DIR/NAME.txt, owned */
    char set;   /* 'C', 'D' or 'E' */
} segment;

typedef struct {
    segment *items;
    int n, cap;
} segment_list;

static int by_path(const void *a, const void *b)
{
    return strcmp(((const segment *)a)->path, ((const segment *)b)->path);
}

static void list_set(const char *dir, char set, segment_list *l)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!ictus_path_has_suffix(e->d_name, ".txt"))
            continue;
        ICTUS_GROW(l->items, l->n + 1, l->cap);
        l->items[l->n++] = (segment){ictus_path_join_alloc(dir, e->d_name), set};
    }
    closedir(d);
}

static bool read_segment(const char *path, float *x)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    int n = 0;
    while (n < N_SAMPLES && fscanf(f, "%f", &x[n]) == 1)
        n++;
    fclose(f);
    return n == N_SAMPLES;
}

/* Put `text` left-aligned and space-padded into a header field. */
static void field(char *hdr, int at, int width, const char *text)
{
    memset(hdr + at, ' ', (size_t)width);
    memcpy(hdr + at, text, strlen(text) < (size_t)width ? strlen(text) : (size_t)width);
}

/* Write the concatenation as plain EDF with 100 s records of 17361 samples
 * (173.61 Hz needs a record length that is a multiple of 100 s, longer than
 * EDFlib writes), digital = physical = the ADC values.  Returns the number
 * of segments written. */
static int write_edf(segment *seg, int n)
{
    enum { SPR = 17361 };
    int64_t total = (int64_t)n * N_SAMPLES, n_records = (total + SPR - 1) / SPR;
    char hdr[512];
    char num[32];
    field(hdr, 0, 8, "0");
    field(hdr, 8, 80, "bonn_CDE");
    field(hdr, 88, 80, "Bonn sets C, D, E concatenated");
    field(hdr, 168, 8, "01.01.01");
    field(hdr, 176, 8, "00.00.00");
    field(hdr, 184, 8, "512");
    field(hdr, 192, 44, "");
    snprintf(num, sizeof num, "%lld", (long long)n_records);
    field(hdr, 236, 8, num);
    field(hdr, 244, 8, "100");
    field(hdr, 252, 4, "1");
    field(hdr, 256, 16, "EEG");
    field(hdr, 272, 80, "intracranial");
    field(hdr, 352, 8, "uV");
    field(hdr, 360, 8, "-2048");
    field(hdr, 368, 8, "2047");
    field(hdr, 376, 8, "-2048");
    field(hdr, 384, 8, "2047");
    field(hdr, 392, 80, "BP:0.53-40Hz");
    snprintf(num, sizeof num, "%d", SPR);
    field(hdr, 472, 8, num);
    field(hdr, 480, 32, "");
    FILE *f = fopen(EDF_PATH, "wb");
    if (!f || fwrite(hdr, 1, sizeof hdr, f) != sizeof hdr) {
        CHECK_MSG(false, "%s: cannot write", EDF_PATH);
        if (f)
            fclose(f);
        return 0;
    }
    float x[N_SAMPLES];
    int written = 0;
    for (int i = 0; i < n; i++) {
        if (!read_segment(seg[i].path, x)) {
            CHECK_MSG(false, "%s: not %d numbers", seg[i].path, N_SAMPLES);
            break;
        }
        for (int j = 0; j < N_SAMPLES; j++) {
            int v = (int)x[j];
            unsigned char le[2] = {(unsigned char)(v & 0xff), (unsigned char)((v >> 8) & 0xff)};
            fwrite(le, 1, 2, f);
        }
        written++;
    }
    /* pad the last record with silence (flagged flat, never scored) */
    for (int64_t j = total; j < n_records * SPR; j++)
        fwrite("\0\0", 1, 2, f);
    CHECK(fclose(f) == 0);
    return written;
}

int main(void)
{
    if (!check_have_shared_data()) {
        check_skip("../shared/data is absent: the Bonn check needs it");
        return check_done("test_bonn");
    }
    segment_list list = {0};
    list_set("../shared/data/bonn-eeg/C_N", 'C', &list);
    list_set("../shared/data/bonn-eeg/D_F", 'D', &list);
    list_set("../shared/data/bonn-eeg/E_S", 'E', &list);
    segment *seg = list.items;
    int n = list.n;
    CHECK_INT(n, 300);
    qsort(seg, (size_t)n, sizeof seg[0], by_path);
    /* a fixed shuffle (Fisher-Yates, xorshift64); ICTUS_BONN_SEED tries others */
    uint64_t s = getenv("ICTUS_BONN_SEED") ? strtoull(getenv("ICTUS_BONN_SEED"), NULL, 10) : 20010801;
    for (int i = n - 1; i > 0; i--) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        int j = (int)(s % (uint64_t)(i + 1));
        segment t = seg[i];
        seg[i] = seg[j];
        seg[j] = t;
    }
    CHECK_INT(write_edf(seg, n), n);

    ictus_config *cfg = ictus_config_create();
    ictus_error err;
    ictus_preset preset;
    CHECK(ictus_config_load(cfg, "detectors/presets/human-ieeg.ini", &err) == ICTUS_OK);
    CHECK(ictus_preset_from_config(cfg, &preset, &err) == ICTUS_OK);
    ictus_source *src;
    CHECK(ictus_source_open(EDF_PATH, NULL, &src, &err) == ICTUS_OK);
    ictus_detect_options opt = {.n_threads = 1, .explain = getenv("ICTUS_EXPLAIN") ? stderr : NULL};
    ictus_detection *det = NULL;
    CHECK_MSG(ictus_detect(src, &preset, &opt, &det, &err) == ICTUS_OK, "%s", err.msg);
    if (!det)
        return check_done("test_bonn");

    /* E sensitivity by SzCORE event scoring without merging or tolerance */
    ictus_interval *ref = ictus_xmalloc((size_t)(n ? n : 1) * sizeof *ref);
    ictus_interval *hyp = ictus_xmalloc((size_t)(det->n_events ? det->n_events : 1) * sizeof *hyp);
    int n_ref = 0, n_hyp = 0, cd_total = 0, cd_overlapped = 0;
    double seg_s = N_SAMPLES / FS_HZ;
    for (int i = 0; i < det->n_events; i++)
        hyp[n_hyp++] = (ictus_interval){det->events[i].start_us / 1e6, det->events[i].end_us / 1e6};
    for (int i = 0; i < n; i++) {
        double a = i * seg_s, b = (i + 1) * seg_s;
        if (seg[i].set == 'E') {
            ref[n_ref++] = (ictus_interval){a, b};
            continue;
        }
        cd_total++;
        double covered = 0;
        for (int h = 0; h < n_hyp; h++) {
            double lo = hyp[h].start_s > a ? hyp[h].start_s : a;
            double hi = hyp[h].end_s < b ? hyp[h].end_s : b;
            if (hi > lo)
                covered += hi - lo;
        }
        cd_overlapped += covered > OVERLAP_S;
    }
    ictus_score_counts c;
    ictus_score_events(ref, (size_t)n_ref, hyp, (size_t)n_hyp, n * seg_s, &preset.score, &c);
    ictus_score_metrics m = ictus_score_metrics_of(&c);
    double cd_fraction = (double)cd_overlapped / cd_total;
    printf("bonn C/D/E: %d detections; E sensitivity %.3f (%lld/%lld); C/D segments overlapped "
           "> %.0f s: %d/%d = %.3f\n", det->n_events, m.sensitivity, (long long)c.tp,
           (long long)c.ref, OVERLAP_S, cd_overlapped, cd_total, cd_fraction);
    CHECK_MSG(m.sensitivity >= 0.95, "E sensitivity %.3f below 0.95", m.sensitivity);
    CHECK_MSG(cd_fraction <= 0.05, "%.3f of C/D segments overlapped, above 0.05", cd_fraction);
    free(ref);
    free(hyp);
    for (int i = 0; i < n; i++)
        free(seg[i].path);
    free(seg);
    ictus_detection_destroy(det);
    ictus_source_close(src);
    ictus_preset_free(&preset);
    ictus_config_destroy(cfg);
    if (!getenv("ICTUS_KEEP"))
        remove(EDF_PATH);
    return check_done("test_bonn");
}
