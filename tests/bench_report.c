/* bench_report.c: how long the report of a 32-animal × 60-day study takes, and how big it is.
 *
 * usage: bench_report DIR   makes DIR/study (made once: study.ini, animals.csv, dosing.csv
 * and an ictus.db holding, per animal and day, one 24 h recording with its 1440-bucket
 * analysable-time series, a few artefact gaps and 24 events a day), then times
 * ictus_report_write() on it and prints e.g. "report_s=1.23 html_mb=4.5 pdf_kb=300
 * events=46080 animals=32 days=60".  No signal files: the report reads only the store and
 * the manifests, so the store is filled directly (recordings at full length are tens of GB).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "base/walltime.h"
#include "report/report.h"
#include "store/store.h"

enum { ANIMALS = 32, DAYS = 60, EVENTS_PER_DAY = 24 };
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
    snprintf(study, sizeof study, "%.4000s/study32x60", argv[1]);
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
    printf("report_s=%.2f html_mb=%.2f pdf_kb=%.0f animals=%d days=%d figures=%d\n",
           (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9,
           (double)sum.html_bytes / 1048576, (double)sum.pdf_bytes / 1024, sum.n_animals, DAYS,
           sum.n_figures);
    return 0;
}
