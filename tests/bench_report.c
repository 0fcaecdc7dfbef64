/* bench_report.c: how long the report of a 32-animal × 60-day study takes, and how big it is.
 *
 * usage: bench_report DIR   makes DIR/study32x60g (made once: study.ini, animals.csv,
 * dosing.csv and an ictus.db holding, per animal and day, one 24 h recording with its
 * 1440-bucket analysable-time series, a few artefact gaps and 24 events a day, all scored
 * 0.8), then times ictus_report_write() on it and prints e.g. "report_s=1.23 html_mb=4.5
 * pdf_kb=300 animals=32 days=60 figures=40 gallery_cards=256".  The 24 h recordings have no
 * signal files (at full length they are tens of GB): the report reads only the store and
 * the manifests for them.  The gallery reads signal: per animal a real 5-minute recording
 * (4 channels at 500 Hz, EDF+, noise with a burst per event) holds the events it shows,
 * GALLERY_EVENTS per type scored at both ends (the others' 0.8 lies between), on the day
 * after the study (outside every dosing period: the analysis is the same as without them).
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "base/walltime.h"
#include "pipeline/source/edfwrite.h"
#include "report/report.h"
#include "store/store.h"

enum { ANIMALS = 32, DAYS = 60, EVENTS_PER_DAY = 24 };
/* The gallery's recording per animal: channels, rate, length; its events per type. */
enum { G_CHANNELS = 4, G_FS = 500, G_SECONDS = 300, GALLERY_EVENTS = 4 };
static const int64_t DAY_US = INT64_C(86400000000);

static int fail(const ictus_error *err)
{
    fprintf(stderr, "bench_report: %s\n", err->msg);
    return 1;
}

static void write_text(const char *dir, const char *name, const char *text)
{
    char path[4096];
    snprintf(path, sizeof path, "%.2000s/%.1000s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
        fprintf(stderr, "bench_report: cannot write %s\n", path);
        exit(1);
    }
}

/* The gallery's recording of animal i: STUDY/recordings/Mii_gallery.edf, written, and
 * stored with its 2 * GALLERY_EVENTS events (10 s each, 30 s apart) at wall time t0_us. */
static ictus_status put_gallery_recording(ictus_store *s, const char *study, int i,
                                          int64_t run_id, int64_t t0_us, ictus_error *err)
{
    char rel[64], path[4096], animal[16];
    snprintf(rel, sizeof rel, "recordings/M%02d_gallery.edf", i);
    snprintf(path, sizeof path, "%.4000s/%s", study, rel);
    snprintf(animal, sizeof animal, "M%02d", i);
    static const char *const labels[G_CHANNELS] = {"HPC", "CTX", "EMG", "REF"};
    ictus_edf_channel_spec spec[G_CHANNELS];
    ictus_store_channel ch[G_CHANNELS];
    for (int c = 0; c < G_CHANNELS; c++) {
        spec[c] = (ictus_edf_channel_spec){labels[c], "uV", G_FS, -3276.8, 3276.7, -32768, 32767};
        ch[c] = (ictus_store_channel){.label = labels[c], .fs_hz = G_FS, .unit = "uV",
                                      .role = labels[c], .analysed = true};
    }
    const ictus_edf_layout layout = {.format = ICTUS_FORMAT_EDFPLUS_C, .start_us = t0_us,
                                     .record_us = 1000000, .n_channels = G_CHANNELS,
                                     .channels = spec, .patient = animal};
    enum { N_EV = 2 * GALLERY_EVENTS };
    ictus_event ev[N_EV];
    for (int e = 0; e < N_EV; e++) {
        int64_t start = (int64_t)(30 + 30 * e) * 1000000;
        /* per type: the lowest two and the highest two scores */
        static const double score[GALLERY_EVENTS] = {0.05, 0.99, 0.1, 0.95};
        ev[e] = (ictus_event){.start_us = start, .end_us = start + 10000000,
                              .wall_start_us = t0_us + start, .score = score[e / 2]};
        snprintf(ev[e].channel, sizeof ev[e].channel, "%s", e % 2 ? "*" : "HPC");
        snprintf(ev[e].type, sizeof ev[e].type, "%s", e % 2 ? "convulsive" : "hpd");
    }
    ictus_edfwriter *w = NULL;
    ictus_status st = ictus_edfwriter_create(path, &layout, &w, err);
    float buf[G_CHANNELS][G_FS];
    const float *rows[G_CHANNELS];
    for (int r = 0; st == ICTUS_OK && r < G_SECONDS; r++) {
        bool burst = false;
        for (int e = 0; e < N_EV; e++)
            burst |= r * INT64_C(1000000) >= ev[e].start_us && r * INT64_C(1000000) < ev[e].end_us;
        for (int c = 0; c < G_CHANNELS; c++) {
            for (int k = 0; k < G_FS; k++)
                buf[c][k] = (float)((rand() % 2001 - 1000) / 20.0 +
                                    (burst ? 400 * sin(2 * 3.14159265 * 8 * k / G_FS) : 0));
            rows[c] = buf[c];
        }
        st = ictus_edfwriter_write(w, r * INT64_C(1000000), rows, err);
    }
    ictus_status closed = ictus_edfwriter_close(w, err);
    st = st == ICTUS_OK ? closed : st;
    int64_t n_buckets = (int64_t)G_SECONDS * 1000000 / ICTUS_STORE_BUCKET_US;
    int64_t analysable[(int64_t)G_SECONDS * 1000000 / ICTUS_STORE_BUCKET_US];
    for (int64_t b = 0; b < n_buckets; b++)
        analysable[b] = ICTUS_STORE_BUCKET_US;
    ictus_hash128 h = {(uint64_t)i, 1000};
    ictus_store_series ser = {.channel = ICTUS_STORE_ALL_CHANNELS, .n_buckets = n_buckets,
                              .analysable_us = analysable};
    ictus_store_results res = {
        .file = {.path = rel, .animal = animal, .identity = {1, 1, 1}, .content_hash = &h,
                 .run_id = run_id},
        .format = "EDF+C", .start_us = t0_us, .duration_us = (int64_t)G_SECONDS * 1000000,
        .preset = "ihka-mouse@1", .params_hash = h, .n_channels = G_CHANNELS, .channels = ch,
        .n_events = N_EV, .events = ev, .n_series = 1, .series = &ser};
    return st == ICTUS_OK ? ictus_store_put_recording(s, &res, err) : st;
}

static int make_study(const char *study)
{
    mkdir(study, 0777);
    write_text(study, "study.ini", "[study]\nname = bench32x60\npreset = ihka-mouse\nmains_hz = 50\n"
                                   "[drugs]\nasm-a = 30\nasm-b = 200\n");
    char path[4096];
    snprintf(path, sizeof path, "%.4000s/animals.csv", study);
    FILE *an = fopen(path, "w");
    snprintf(path, sizeof path, "%.4000s/dosing.csv", study);
    FILE *dos = fopen(path, "w");
    if (!an || !dos)
        return 1;
    fprintf(an, "animal,model,sex,group\n");
    fprintf(dos, "animal,period,drug,dose_mg_kg,route,start,end,tolerated\n");
    for (int i = 1; i <= ANIMALS; i++) {
        fprintf(an, "M%02d,ihka-mouse,F,%s\n", i, i % 2 ? "a" : "b");
        fprintf(dos, "M%02d,baseline,,,,2026-01-05T00:00,2026-01-25T00:00,\n"
                     "M%02d,treatment,asm-a,30,ip,2026-01-25T00:00,2026-02-14T00:00,yes\n"
                     "M%02d,washout,,,,2026-02-14T00:00,2026-02-19T00:00,\n"
                     "M%02d,treatment,asm-b,200,ip,2026-02-19T00:00,2026-03-06T00:00,yes\n",
                i, i, i, i);
    }
    fclose(an);
    fclose(dos);
    snprintf(path, sizeof path, "%.4000s/recordings", study);
    mkdir(path, 0777);

    char db[4096];
    snprintf(db, sizeof db, "%.4000s/ictus.db", study);
    ictus_store *s = NULL;
    ictus_error err = {0};
    if (ictus_store_open(db, &s, &err) != ICTUS_OK)
        return fail(&err);
    int64_t run_id = 0;
    ictus_store_run_info info = {.started_unix_us = (int64_t)time(NULL) * 1000000,
                                 .version = "bench", .host = "bench", .pid = 1,
                                 .preset = "ihka-mouse@1", .params_text = "bench=1\n"};
    int64_t n_buckets = DAY_US / ICTUS_STORE_BUCKET_US;
    int64_t *analysable = malloc((size_t)n_buckets * sizeof *analysable);
    ictus_event *ev = calloc(EVENTS_PER_DAY, sizeof *ev);
    int64_t t0 = ictus_walltime_from_civil(2026, 1, 5, 0, 0, 0, 0);
    srand(11);
    ictus_status st = ictus_store_run_start(s, &info, &run_id, &err);
    st = st == ICTUS_OK ? ictus_store_begin(s, &err) : st;
    for (int i = 1; st == ICTUS_OK && i <= ANIMALS; i++)
        for (int d = 0; st == ICTUS_OK && d < DAYS; d++) {
            char file[64], animal[16];
            snprintf(file, sizeof file, "recordings/M%02d_d%02d.edf", i, d);
            snprintf(animal, sizeof animal, "M%02d", i);
            for (int64_t b = 0; b < n_buckets; b++) /* an hour's gap now and then, some artefact */
                analysable[b] = (d % 7 == 3 && b / 60 == i % 24) ? 0
                                : rand() % 10 == 0 ? ICTUS_STORE_BUCKET_US / 2
                                                   : ICTUS_STORE_BUCKET_US;
            int rate = d >= 20 && d < 40 && i % 3 ? EVENTS_PER_DAY / 3 : EVENTS_PER_DAY;
            for (int e = 0; e < rate; e++) {
                int64_t start = (int64_t)(rand() % 86000) * 1000000;
                ev[e] = (ictus_event){.start_us = start, .end_us = start + 30000000,
                                      .wall_start_us = t0 + d * DAY_US + start, .score = 0.8};
                snprintf(ev[e].channel, sizeof ev[e].channel, "*");
                snprintf(ev[e].type, sizeof ev[e].type, "%s", e % 5 ? "hpd" : "convulsive");
            }
            ictus_hash128 h = {(uint64_t)i, (uint64_t)d};
            ictus_store_series ser = {.channel = ICTUS_STORE_ALL_CHANNELS, .n_buckets = n_buckets,
                                      .analysable_us = analysable};
            ictus_store_channel ch = {.label = "HPC", .fs_hz = 500, .unit = "uV", .role = "HPC",
                                      .analysed = true};
            ictus_store_results res = {
                .file = {.path = file, .animal = animal, .identity = {1, 1, 1},
                         .content_hash = &h, .run_id = run_id},
                .format = "EDF+C", .start_us = t0 + d * DAY_US, .duration_us = DAY_US,
                .preset = "ihka-mouse@1", .params_hash = h, .n_channels = 1, .channels = &ch,
                .n_events = rate, .events = ev, .n_series = 1, .series = &ser};
            st = ictus_store_put_recording(s, &res, &err);
        }
    for (int i = 1; st == ICTUS_OK && i <= ANIMALS; i++)
        st = put_gallery_recording(s, study, i, run_id, t0 + DAYS * DAY_US + 12 * 3600 * INT64_C(1000000),
                                   &err);
    st = st == ICTUS_OK ? ictus_store_commit(s, &err) : st;
    ictus_store_run_end end = {.ended_unix_us = info.started_unix_us, .status = ICTUS_RUN_OK,
                               .files_new = ANIMALS * DAYS};
    st = st == ICTUS_OK ? ictus_store_run_finish(s, run_id, &end, &err) : st;
    free(analysable);
    free(ev);
    ictus_store_close(s);
    return st == ICTUS_OK ? 0 : fail(&err);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: bench_report DIR\n");
        return 2;
    }
    char study[4096], db[4096];
    snprintf(study, sizeof study, "%.4000s/study32x60g", argv[1]);
    snprintf(db, sizeof db, "%.4000s/ictus.db", study);
    struct stat sb;
    if (stat(db, &sb) != 0 && make_study(study) != 0)
        return 1;
    struct timespec a, b;
    ictus_report_summary sum;
    ictus_error err = {0};
    clock_gettime(CLOCK_MONOTONIC, &a);
    if (ictus_report_write(study, NULL, &sum, &err) != ICTUS_OK)
        return fail(&err);
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("report_s=%.2f html_mb=%.2f pdf_kb=%.0f animals=%d days=%d figures=%d "
           "gallery_cards=%d\n",
           (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9,
           (double)sum.html_bytes / 1048576, (double)sum.pdf_bytes / 1024, sum.n_animals, DAYS,
           sum.n_figures, sum.n_gallery_cards);
    return 0;
}
