/* test_synth.c: `ictus synth`'s generator (synth/): determinism, streaming
 * invariance, the study directory's completeness and consistency, event
 * rates, the rate multiplier, the signal's spectral and amplitude facts
 * (DOMAIN §4, §4b) measured on generated samples, EDF+/FLAC read back
 * through ictus_source_open(), and the drug protocol's truth (dosing.h). */
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/check.h"
#include "pipeline/source/source.h"
#include "pipeline/features/spectrum.h"
#include "base/csvtable.h"
#include "base/path.h"
#include "base/readfile.h"
#include "base/walltime.h"
#include "protocols/analysis.h"
#include "protocols/study.h"
#include "synth/day.h"
#include "synth/seizures.h"
#include "synth/recording.h"
#include "synth/study_writer.h"
#include "tests/support_tmp.h"

/* ---------------------------------------------------------------- helpers */

static char *tmp_root;

static char *read_all(const char *path, size_t *size)
{
    char *bytes;
    return ictus_read_file(path, &bytes, size, NULL) == ICTUS_OK ? bytes : NULL;
}

/* 1 when both files exist and hold the same bytes, 0 when they differ,
 * -1 when one is missing. */
static int same_file(const char *a, const char *b)
{
    size_t na, nb;
    char *x = read_all(a, &na), *y = read_all(b, &nb);
    int same = !x || !y ? -1 : na == nb && memcmp(x, y, na) == 0;
    free(x);
    free(y);
    return same;
}

/* A CSV file the generator wrote, read with base/csvtable.h; rows are
 * numbered as in the file, row 0 being the header. */
typedef struct {
    ictus_csv *csv;
    int n_rows; /* the header and the data rows */
} table;

static bool table_read(const char *path, table *t)
{
    ictus_error err;
    bool ok = ictus_csv_read(path, &t->csv, &err) == ICTUS_OK;
    if (!ok)
        fprintf(stderr, "%s\n", err.msg);
    t->n_rows = ok ? 1 + ictus_csv_rows(t->csv) : 0;
    return ok;
}

/* Field `column` of data row `row` >= 1; NULL when the column is absent. */
static const char *cell(const table *t, int row, const char *column)
{
    int col = ictus_csv_column(t->csv, column);
    return col < 0 ? NULL : ictus_csv_field(t->csv, row - 1, col);
}

static void table_free(table *t)
{
    ictus_csv_destroy(t->csv);
}

static ictus_synth_study study_settings(const char *model, int animals, int days, double hours,
                                        double fs_hz)
{
    ictus_synth_study s = {.model = ictus_synth_model_find(model), .n_animals = animals,
                           .n_days = days, .seed = 42, .fs_hz = fs_hz, .n_channels = 2,
                           .hours = hours, .format = ICTUS_SYNTH_EDF, .mains_hz = 50,
                           .n_threads = 1,
                           .start_us = ictus_walltime_from_civil(2026, 1, 5, 8, 0, 0, 0)};
    return s;
}

/* ---------------------------------------------------------------- streaming */

/* Samples do not depend on the block sizes they are asked for in. */
static void test_block_invariance(void)
{
    ictus_synth_animal a;
    ictus_synth_animal_make(ictus_synth_model_find("ihka-mouse"), 3, 1, 2, &a);
    ictus_synth_day_spec spec = {.animal = &a, .start_us = ictus_walltime_from_civil(2026, 1, 5, 8, 0, 0, 0),
                                 .n_samples = 200 * 500, .fs_hz = 500, .full_scale_uv = 8192,
                                 .mains_hz = 50};
    const int64_t n = spec.n_samples;
    float *one[2], *many[2];
    for (int c = 0; c < 2; c++) {
        one[c] = malloc((size_t)n * sizeof(float));
        many[c] = malloc((size_t)n * sizeof(float));
    }
    ictus_synth_day *d = ictus_synth_day_create(&spec);
    ictus_synth_day_generate(d, one, n);
    ictus_synth_day_destroy(d);
    d = ictus_synth_day_create(&spec);
    uint32_t lcg = 12345;
    for (int64_t i = 0; i < n;) {
        lcg = lcg * 1664525u + 1013904223u;
        int64_t k = 1 + (lcg >> 8) % 3000;
        k = k < n - i ? k : n - i;
        float *at[2] = {many[0] + i, many[1] + i};
        ictus_synth_day_generate(d, at, k);
        i += k;
    }
    ictus_synth_day_destroy(d);
    CHECK_MSG(!memcmp(one[0], many[0], (size_t)n * sizeof(float)) &&
                  !memcmp(one[1], many[1], (size_t)n * sizeof(float)),
              "random block sizes give other samples than one block");
    bool finite = true;
    for (int64_t i = 0; i < n; i++)
        finite &= isfinite(one[0][i]) && isfinite(one[1][i]);
    CHECK(finite);
    for (int c = 0; c < 2; c++) {
        free(one[c]);
        free(many[c]);
    }
}

/* ---------------------------------------------------------------- determinism */

static const char *const tables[] = {"study.ini", "animals.csv", "recordings.csv", "truth.csv",
                                     "artefacts.csv"};

/* Every file of study a equals (or, same = false, the recordings differ
 * from) study b. */
static void compare_studies(const char *a, const char *b, bool same)
{
    table rec;
    const char *path = support_path(a, "recordings.csv"), *other;
    if (!CHECK(table_read(path, &rec)))
        return;
    int n_same = 0, n_files = 0;
    for (int r = 1; r < rec.n_rows; r++) {
        path = support_path(support_path(a, "recordings"), cell(&rec, r, "file"));
        other = support_path(support_path(b, "recordings"), cell(&rec, r, "file"));
        n_same += same_file(path, other) == 1;
        n_files++;
    }
    if (same) {
        CHECK_INT(n_same, n_files);
        for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
            path = support_path(a, tables[t]);
            other = support_path(b, tables[t]);
            CHECK_MSG(same_file(path, other) == 1, "%s differs", tables[t]);
        }
    } else {
        CHECK_MSG(n_same == 0, "%d of %d recordings are the same with another seed", n_same,
                  n_files);
    }
    table_free(&rec);
}

static void test_determinism(void)
{
    const char *d1 = support_path(tmp_root, "ihka"), *d2 = support_path(tmp_root, "ihka_threads"),
               *d3 = support_path(tmp_root, "ihka_seed");
    ictus_synth_study s = study_settings("ihka-mouse", 2, 2, 0.5, 250);
    s.gaps = true;
    ictus_error err = {0};
    CHECK_INT(ictus_synth_study_write(&s, d1, &err), ICTUS_OK);
    s.n_threads = 3;
    CHECK_INT(ictus_synth_study_write(&s, d2, &err), ICTUS_OK);
    compare_studies(d1, d2, true);
    s.seed = 43;
    CHECK_INT(ictus_synth_study_write(&s, d3, &err), ICTUS_OK);
    compare_studies(d1, d3, false);
}

/* ---------------------------------------------------------------- the study directory */

static bool is_one_of(const char *s, const char *const *set)
{
    for (; *set; set++)
        if (!strcmp(s, *set))
            return true;
    return false;
}

/* The directory loads as a study, every listed file exists and opens, and
 * every truth and artefact row lies inside its recording; gaps in
 * artefacts.csv are exactly the EDF+D files' gaps. */
static void check_study(const char *dir, const char *model, int n_animals, int n_files,
                        double file_s)
{
    ictus_study *study;
    ictus_error err = {0};
    if (!CHECK_MSG(ictus_study_load(dir, &study, &err) == ICTUS_OK, "%s", err.msg))
        return;
    CHECK_INT(study->problems.n, 0);
    for (int p = 0; p < study->problems.n; p++)
        fprintf(stderr, "  %s\n", study->problems.lines[p]);
    CHECK_STR(study->preset, model);
    CHECK_NEAR(study->mains_hz, 50, 0, 0);
    CHECK_INT(study->n_animals, n_animals);
    CHECK_INT(study->n_recordings, n_animals * n_files);

    table truth, art;
    const char *path = support_path(dir, "truth.csv");
    CHECK(table_read(path, &truth));
    path = support_path(dir, "artefacts.csv");
    CHECK(table_read(path, &art));
    static const char *const types[] = {"hpd", "convulsive", "evoked", NULL};
    static const char *const kinds[] = {"grooming", "chewing", "movement", "pop", "dropout",
                                        "clipping", "mains", "hvs", "stimulus",
                                        "impedance_step", "gap", NULL};
    int rows_seen = 0, gaps_seen = 0;
    for (int r = 0; r < study->n_recordings; r++) {
        const ictus_recording_entry *e = &study->recordings[r];
        path = support_path(dir, e->path);
        ictus_source *src;
        if (!CHECK_MSG(ictus_source_open(path, NULL, &src, &err) == ICTUS_OK, "%s", err.msg))
            continue;
        const ictus_recording_info *info = ictus_source_info(src);
        bool sound = info->format == ICTUS_FORMAT_SNDFILE;
        /* EDFlib, the reference reader, accepts what we wrote (it does not read EDF+D) */
        if (info->format == ICTUS_FORMAT_EDFPLUS_C)
            CHECK_MSG(!info->warning[0], "%s: %s", e->file, info->warning);
        if (!sound) {
            CHECK_MSG(!strncmp(info->patient, e->animal, strlen(e->animal)),
                      "patient '%s', animal '%s'", info->patient, e->animal);
            CHECK_INT(info->start_us, e->start_us);
        }
        CHECK_NEAR(ictus_us_to_s(info->duration_us), file_s, 0, 1e-6);
        CHECK_INT(info->n_channels, e->n_channels);
        for (int c = 0; c < e->n_channels && !sound; c++)
            CHECK_STR(info->channels[c].label, e->channels[c].label);
        /* gaps: artefacts.csv rows of kind gap = the holes between segments */
        int n_gaps = 0;
        for (int g = 0; g + 1 < info->n_segments; g++) {
            bool listed = false;
            for (int a = 1; a < art.n_rows; a++)
                listed |= !strcmp(cell(&art, a, "recording"), e->file) &&
                          !strcmp(cell(&art, a, "kind"), "gap") &&
                          fabs(atof(cell(&art, a, "start_s")) -
                               ictus_us_to_s(info->segments[g].end_us)) < 1e-3 &&
                          fabs(atof(cell(&art, a, "end_s")) -
                               ictus_us_to_s(info->segments[g + 1].start_us)) < 1e-3;
            CHECK_MSG(listed, "%s: gap %d not in artefacts.csv", e->file, g);
            n_gaps++;
        }
        for (int a = 1; a < art.n_rows; a++)
            if (!strcmp(cell(&art, a, "recording"), e->file) && !strcmp(cell(&art, a, "kind"), "gap"))
                n_gaps--;
        CHECK_MSG(n_gaps == 0, "%s: artefacts.csv lists gaps the file does not have", e->file);
        gaps_seen += info->n_segments - 1;

        for (int t = 1; t < truth.n_rows; t++) {
            if (strcmp(cell(&truth, t, "recording"), e->file) != 0)
                continue;
            rows_seen++;
            double a = atof(cell(&truth, t, "start_s")), b = atof(cell(&truth, t, "end_s"));
            CHECK_MSG(a >= 0 && a < b && b <= file_s, "%s: truth %g..%g", e->file, a, b);
            CHECK_STR(cell(&truth, t, "animal"), e->animal);
            CHECK_MSG(is_one_of(cell(&truth, t, "type"), types), "type '%s'",
                      cell(&truth, t, "type"));
            for (int g = 0; g + 1 < info->n_segments; g++)
                CHECK_MSG(b <= ictus_us_to_s(info->segments[g].end_us) ||
                              a >= ictus_us_to_s(info->segments[g + 1].start_us),
                          "%s: seizure %g..%g in a gap", e->file, a, b);
        }
        for (int t = 1; t < art.n_rows; t++) {
            if (strcmp(cell(&art, t, "recording"), e->file) != 0)
                continue;
            double a = atof(cell(&art, t, "start_s")), b = atof(cell(&art, t, "end_s"));
            CHECK_MSG(a >= 0 && a < b && b <= file_s, "%s: artefact %g..%g", e->file, a, b);
            CHECK_MSG(is_one_of(cell(&art, t, "kind"), kinds), "kind '%s'", cell(&art, t, "kind"));
            const char *ch = cell(&art, t, "channel");
            bool known = !strcmp(ch, "*");
            for (int c = 0; c < e->n_channels; c++)
                known |= !strcmp(ch, e->channels[c].label);
            CHECK_MSG(known, "channel '%s'", ch);
        }
        ictus_source_close(src);
    }
    CHECK_INT(rows_seen, truth.n_rows - 1);
    table_free(&truth);
    table_free(&art);
    ictus_study_destroy(study);
    printf("ok study %s: %d recordings, %d truth rows, %d gaps\n", model, n_animals * n_files,
           rows_seen, gaps_seen);
}

static void test_study_directory(void)
{
    const char *dir = support_path(tmp_root, "ihka");
    check_study(dir, "ihka-mouse", 2, 2, 1800);
    /* every third file (animal-major) has gaps: files 0 and 3 of 4 */
    ictus_source *src;
    ictus_error err = {0};
    const char *path = support_path(dir, "recordings/M01_20260105_080000.edf");
    if (CHECK(ictus_source_open(path, NULL, &src, &err) == ICTUS_OK)) {
        CHECK_INT(ictus_source_info(src)->format, ICTUS_FORMAT_EDFPLUS_D);
        CHECK(ictus_source_info(src)->n_segments > 1);
        ictus_source_close(src);
    }
    path = support_path(dir, "recordings/M01_20260105_083000.edf");
    if (CHECK(ictus_source_open(path, NULL, &src, &err) == ICTUS_OK)) {
        CHECK_INT(ictus_source_info(src)->format, ICTUS_FORMAT_EDFPLUS_C);
        ictus_source_close(src);
    }
}

/* ---------------------------------------------------------------- 6 Hz kindling */

/* The stimulations: two per day at 10:00 and 16:00 (+2 min per animal),
 * EDF+ annotations at the times of stimulations.csv, evoked seizures right
 * after with the same Racine stage; the samples read back equal the
 * generator's (0.25 µV quantisation), stimulus pulses above full scale sit
 * at the digital limits, and seizures never do. */
static void test_kindling(void)
{
    const char *dir, *path;
    dir = support_path(tmp_root, "kindling");
    ictus_synth_study s = study_settings("6hz-kindling-mouse", 3, 2, 0.5, 250);
    s.start_us = ictus_walltime_from_civil(2026, 1, 5, 9, 50, 0, 0);
    s.n_threads = 2;
    ictus_error err = {0};
    if (!CHECK_MSG(ictus_synth_study_write(&s, dir, &err) == ICTUS_OK, "%s", err.msg))
        return;
    check_study(dir, "6hz-kindling-mouse", 3, 2, 1800);

    table stim, truth;
    path = support_path(dir, "stimulations.csv");
    if (!CHECK(table_read(path, &stim)))
        return;
    path = support_path(dir, "truth.csv");
    CHECK(table_read(path, &truth));
    /* files 09:50-10:20 hold the 10:00 stimulations; 10:20-10:50 none */
    CHECK_INT(stim.n_rows - 1, 3);
    for (int r = 1; r < stim.n_rows; r++) {
        int animal = atoi(cell(&stim, r, "animal") + 1) - 1;
        char want[32];
        snprintf(want, sizeof want, "2026-01-05T10:%02d:00", 2 * animal);
        CHECK_STR(cell(&stim, r, "start_time"), want);
        CHECK_NEAR(atof(cell(&stim, r, "end_s")) - atof(cell(&stim, r, "start_s")), 3, 0, 1e-9);
        int racine = atoi(cell(&stim, r, "racine"));
        int evoked = 0;
        for (int t = 1; t < truth.n_rows; t++)
            if (!strcmp(cell(&truth, t, "recording"), cell(&stim, r, "recording"))) {
                CHECK_STR(cell(&truth, t, "type"), "evoked");
                CHECK_INT(atoi(cell(&truth, t, "racine")), racine);
                double after = atof(cell(&truth, t, "start_s")) - atof(cell(&stim, r, "end_s"));
                CHECK_MSG(after >= 0 && after <= 0.5, "afterdischarge %g s after the stimulus", after);
                evoked++;
            }
        CHECK_INT(evoked, racine > 0);

        /* the file: annotation, samples, clipping */
        path = support_path(support_path(dir, "recordings"), cell(&stim, r, "recording"));
        ictus_source *src;
        if (!CHECK(ictus_source_open(path, NULL, &src, &err) == ICTUS_OK))
            continue;
        const ictus_recording_info *info = ictus_source_info(src);
        CHECK_INT(info->n_annotations, 1);
        if (info->n_annotations == 1) {
            CHECK_STR(info->annotations[0].text, ICTUS_SYNTH_STIM_TEXT);
            CHECK_NEAR(ictus_us_to_s(info->annotations[0].onset_us),
                       atof(cell(&stim, r, "start_s")), 0, 1e-3);
        }
        ictus_synth_animal a;
        ictus_synth_animal_make(s.model, s.seed, animal, 2, &a);
        ictus_synth_day_spec spec;
        ictus_synth_study_day_spec(&s, &a, 0, &spec);
        ictus_synth_day *d = ictus_synth_day_create(&spec);
        const ictus_synth_events *ev = ictus_synth_day_events(d);
        ictus_block *blk = ictus_block_create(src);
        float *gen[2] = {malloc(250 * 64 * sizeof(float)), malloc(250 * 64 * sizeof(float))};
        double worst = 0;
        int64_t clipped_stim = 0, clipped_seizure = 0, over_unflagged = 0;
        while (ictus_source_read(src, blk, &err) == ICTUS_OK && blk->n[0] > 0) {
            ictus_synth_day_generate(d, gen, blk->n[0]);
            for (int c = 0; c < 2; c++)
                for (int64_t i = 0; i < blk->n[c]; i++) {
                    int64_t at = blk->first_index[c] + i;
                    float want_uv = gen[c][i];
                    bool clip = blk->flags[c][i] & ICTUS_SAMPLE_CLIP;
                    over_unflagged += fabsf(want_uv) > 8192.2f && !clip;
                    if (!clip)
                        worst = fmax(worst, fabs(blk->samples[c][i] - want_uv));
                    for (int e = 0; e < ev->n && clip; e++) {
                        if (at < ev->items[e].start || at >= ev->items[e].end)
                            continue;
                        clipped_stim += ev->items[e].kind == ICTUS_SYNTH_STIMULUS;
                        clipped_seizure += ictus_synth_kinds[ev->items[e].kind].cls ==
                                           ICTUS_SYNTH_SEIZURE;
                    }
                }
        }
        CHECK_MSG(worst <= 0.125 + 1e-3, "read back differs by %g µV", worst);
        CHECK_INT(clipped_seizure, 0);
        CHECK_INT(over_unflagged, 0);
        printf("ok kindling %s: racine %d, stimulus peak %.2f FS, %lld clipped samples\n",
               a.id, racine, a.stim_peak, (long long)clipped_stim);
        free(gen[0]);
        free(gen[1]);
        ictus_block_destroy(blk);
        ictus_synth_day_destroy(d);
        ictus_source_close(src);
    }
    table_free(&stim);
    table_free(&truth);
}

/* Saturation: an animal whose stimulus pulses exceed full scale (1.5x)
 * gets samples at the digital limits, flagged by the reader, in the
 * stimulus and nowhere a seizure is. */
static void test_clipping(void)
{
    const char *path = support_path(tmp_root, "clip.edf");
    ictus_synth_study s = study_settings("6hz-kindling-mouse", 1, 1, 0.25, 250);
    s.start_us = ictus_walltime_from_civil(2026, 1, 5, 9, 55, 0, 0);
    ictus_synth_animal a;
    ictus_synth_animal_make(s.model, s.seed, 0, 2, &a);
    a.stim_peak = 1.5;
    ictus_synth_day_spec spec;
    ictus_synth_study_day_spec(&s, &a, 0, &spec);
    ictus_synth_day *d = ictus_synth_day_create(&spec);
    const ictus_synth_events *ev = ictus_synth_day_events(d);
    const ictus_synth_event *stim = NULL;
    for (int e = 0; e < ev->n; e++)
        stim = ev->items[e].kind == ICTUS_SYNTH_STIMULUS ? &ev->items[e] : stim;
    ictus_error err = {0};
    if (!CHECK(stim) ||
        !CHECK_MSG(ictus_synth_recording_write(d, ICTUS_SYNTH_EDF, path, &err) == ICTUS_OK, "%s",
                   err.msg)) {
        ictus_synth_day_destroy(d);
        return;
    }
    ictus_source *src;
    if (CHECK_MSG(ictus_source_open(path, NULL, &src, &err) == ICTUS_OK, "%s", err.msg)) {
        ictus_block *blk = ictus_block_create(src);
        int64_t in_stim[2] = {0, 0}, elsewhere = 0;
        while (ictus_source_read(src, blk, &err) == ICTUS_OK && blk->n[0] > 0)
            for (int c = 0; c < 2; c++)
                for (int64_t i = 0; i < blk->n[c]; i++) {
                    if (!(blk->flags[c][i] & ICTUS_SAMPLE_CLIP))
                        continue;
                    int64_t at = blk->first_index[c] + i;
                    bool stimulus = at >= stim->start && at < stim->end;
                    in_stim[c] += stimulus;
                    elsewhere += !stimulus;
                    CHECK(fabsf(blk->samples[c][i]) >= 8191.75f);
                }
        for (int c = 0; c < 2; c++)
            CHECK_MSG(in_stim[c] > 0, "channel %d: no clipped sample under 1.5x full scale", c);
        bool clip_event = false;
        for (int e = 0; e < ev->n; e++)
            clip_event |= ev->items[e].kind == ICTUS_SYNTH_CLIPPING;
        CHECK(clip_event || elsewhere == 0);
        ictus_block_destroy(blk);
        ictus_source_close(src);
    }
    ictus_synth_day_destroy(d);
}

/* ---------------------------------------------------------------- FLAC */

static void test_flac(void)
{
    const char *dir, *path;
    dir = support_path(tmp_root, "flac");
    ictus_synth_study s = study_settings("dravet-mouse", 1, 2, 0.05, 250);
    s.n_channels = 3;
    s.format = ICTUS_SYNTH_FLAC;
    ictus_error err = {0};
    if (!CHECK_MSG(ictus_synth_study_write(&s, dir, &err) == ICTUS_OK, "%s", err.msg))
        return;
    check_study(dir, "dravet-mouse", 1, 2, 180);
    table rec;
    path = support_path(dir, "recordings.csv");
    if (!CHECK(table_read(path, &rec)))
        return;
    CHECK_STR(cell(&rec, 1, "file"), "M01_20260105_080000.flac");
    CHECK_STR(cell(&rec, 1, "channels"), "HPC=1;CTX=2;HPC2=3");
    CHECK_STR(cell(&rec, 2, "start_time"), "2026-01-05T08:03:00");
    path = support_path(support_path(dir, "recordings"), cell(&rec, 2, "file"));
    ictus_source *src;
    if (CHECK(ictus_source_open(path, NULL, &src, &err) == ICTUS_OK)) {
        ictus_synth_animal a;
        ictus_synth_animal_make(s.model, s.seed, 0, 3, &a);
        ictus_synth_day_spec spec;
        ictus_synth_study_day_spec(&s, &a, 1, &spec);
        ictus_synth_day *d = ictus_synth_day_create(&spec);
        ictus_block *blk = ictus_block_create(src);
        double worst = 0;
        int64_t total = 0;
        while (ictus_source_read(src, blk, &err) == ICTUS_OK && blk->n[0] > 0) {
            float *gen[3];
            for (int c = 0; c < 3; c++)
                gen[c] = malloc((size_t)blk->n[0] * sizeof(float));
            ictus_synth_day_generate(d, gen, blk->n[0]);
            for (int c = 0; c < 3; c++) {
                for (int64_t i = 0; i < blk->n[c]; i++)
                    worst = fmax(worst, fabs(blk->samples[c][i] - gen[c][i]));
                free(gen[c]);
            }
            total += blk->n[0];
        }
        CHECK_INT(total, 180 * 250);
        CHECK_MSG(worst <= 0.5 + 1e-3, "FLAC read back differs by %g µV", worst);
        ictus_block_destroy(blk);
        ictus_synth_day_destroy(d);
        ictus_source_close(src);
    }
    table_free(&rec);
}

/* ---------------------------------------------------------------- rates */

/* Counts of each kind in the plans of n_animals x n_days days of `model`. */
typedef struct {
    int per_day[ICTUS_SYNTH_N_KINDS][64]; /* [kind][animal * days + day], up to 64 animal-days */
    double dur_min[ICTUS_SYNTH_N_KINDS], dur_max[ICTUS_SYNTH_N_KINDS];
    double interval_cv;                   /* of the intervals between HPD onsets */
    int64_t first_onset_s;                /* the earliest seizure onset of any day */
} plan_counts;

typedef struct {
    double level;
    double until_s;                       /* multiplier 0 before this many s into a day */
} rate_setting;

static double rate_fn(void *ctx, int animal, int64_t t_us)
{
    const rate_setting *r = ctx;
    int hour, minute, second;
    ictus_walltime_to_civil(t_us, NULL, NULL, NULL, &hour, &minute, &second, NULL);
    double since_8_s = fmod((hour - 8 + 24) * 3600.0 + minute * 60 + second, 86400);
    return since_8_s < r->until_s ? 0 : r->level;
}

static void count_plans(const char *model, int n_animals, int n_days, const rate_setting *rate,
                        plan_counts *pc)
{
    memset(pc, 0, sizeof *pc);
    pc->first_onset_s = INT64_MAX;
    ictus_synth_study s = study_settings(model, n_animals, n_days, 24, 100);
    s.rate = (ictus_synth_rate){.fn = rate ? rate_fn : NULL, .ctx = (void *)rate};
    for (int k = 0; k < ICTUS_SYNTH_N_KINDS; k++)
        pc->dur_min[k] = INFINITY;
    double sum = 0, sum2 = 0;
    int n_int = 0;
    for (int i = 0; i < n_animals; i++) {
        ictus_synth_animal a;
        ictus_synth_animal_make(s.model, s.seed, i, 2, &a);
        for (int day = 0; day < n_days; day++) {
            ictus_synth_day_spec spec;
            ictus_synth_study_day_spec(&s, &a, day, &spec);
            ictus_synth_day *d = ictus_synth_day_create(&spec);
            const ictus_synth_events *ev = ictus_synth_day_events(d);
            int64_t last_hpd = -1;
            for (int e = 0; e < ev->n; e++) {
                const ictus_synth_event *x = &ev->items[e];
                pc->per_day[x->kind][i * n_days + day]++;
                double dur = (double)(x->end - x->start) / 100;
                pc->dur_min[x->kind] = fmin(pc->dur_min[x->kind], dur);
                pc->dur_max[x->kind] = fmax(pc->dur_max[x->kind], dur);
                if (ictus_synth_kinds[x->kind].cls == ICTUS_SYNTH_SEIZURE &&
                    x->start / 100 < pc->first_onset_s)
                    pc->first_onset_s = x->start / 100;
                if (x->kind == ICTUS_SYNTH_HPD) {
                    if (last_hpd >= 0) {
                        double gap = (double)(x->start - last_hpd) / 100;
                        sum += gap;
                        sum2 += gap * gap;
                        n_int++;
                    }
                    last_hpd = x->start;
                }
            }
            ictus_synth_day_destroy(d);
        }
    }
    if (n_int > 1) {
        double mean = sum / n_int;
        pc->interval_cv = sqrt(sum2 / n_int - mean * mean) / mean;
    }
}

static double mean_per_day(const plan_counts *pc, ictus_synth_kind k, int n)
{
    double sum = 0;
    for (int i = 0; i < n; i++)
        sum += pc->per_day[k][i];
    return sum / n;
}

static int max_per_day(const plan_counts *pc, ictus_synth_kind k, int n)
{
    int m = 0;
    for (int i = 0; i < n; i++)
        m = pc->per_day[k][i] > m ? pc->per_day[k][i] : m;
    return m;
}

/* Seizures per day within each model's stated range; durations within the
 * spec; HPDs clustered; the hard negatives at their rates. */
static void test_rates(void)
{
    static const char *const models[] = {"ihka-mouse", "dravet-mouse", "convulsive-rat"};
    const int animals = 8, days = 4, n = animals * days;
    for (size_t m = 0; m < sizeof models / sizeof models[0]; m++) {
        const ictus_synth_model *model = ictus_synth_model_find(models[m]);
        plan_counts pc;
        count_plans(models[m], animals, days, NULL, &pc);
        for (int k = 0; k < model->n_seizures; k++) {
            const ictus_synth_seizure_spec *sp = &model->seizures[k];
            double mean = mean_per_day(&pc, sp->kind, n);
            int most = max_per_day(&pc, sp->kind, n);
            printf("ok rates %s %s: %.2f per day (stated %g..%g), at most %d\n", models[m],
                   ictus_synth_kinds[sp->kind].name, mean, sp->per_day_min, sp->per_day_max,
                   most);
            CHECK_MSG(mean >= sp->per_day_min && mean <= sp->per_day_max,
                      "%s %s: %.2f per day, stated %g..%g", models[m],
                      ictus_synth_kinds[sp->kind].name, mean, sp->per_day_min, sp->per_day_max);
            CHECK_MSG(most <= 3 * sp->per_day_max + 10, "%s: a day with %d", models[m], most);
            CHECK(pc.dur_min[sp->kind] >= sp->dur_min_s - 0.01);
            CHECK(pc.dur_max[sp->kind] <= sp->dur_max_s + 0.01);
        }
        /* DOMAIN §4b: grooming and other behaviour several times per hour */
        CHECK_MSG(mean_per_day(&pc, ICTUS_SYNTH_GROOMING, n) >= 24, "grooming %.1f per day",
                  mean_per_day(&pc, ICTUS_SYNTH_GROOMING, n));
        static const ictus_synth_kind every[] = {ICTUS_SYNTH_CHEWING, ICTUS_SYNTH_MOVEMENT,
                                                 ICTUS_SYNTH_POP,     ICTUS_SYNTH_DROPOUT,
                                                 ICTUS_SYNTH_CLIPPING, ICTUS_SYNTH_MAINS,
                                                 ICTUS_SYNTH_SPIKE,   ICTUS_SYNTH_SPINDLE};
        for (size_t k = 0; k < sizeof every / sizeof every[0]; k++)
            CHECK_MSG(max_per_day(&pc, every[k], n) > 0, "%s: no %s in %d days", models[m],
                      ictus_synth_kinds[every[k]].name, n);
        if (!strcmp(models[m], "ihka-mouse")) {
            CHECK_MSG(pc.interval_cv > 1.5, "HPD intervals CV %.2f: not clustered", pc.interval_cv);
            /* several interictal spikes per minute */
            CHECK(mean_per_day(&pc, ICTUS_SYNTH_SPIKE, n) > 2 * 1440);
        }
        if (!strcmp(models[m], "convulsive-rat"))
            CHECK(max_per_day(&pc, ICTUS_SYNTH_HVS, n) > 0);
    }

    /* 6 Hz: two stimulations per day; stages rise with kindling */
    plan_counts pc;
    count_plans("6hz-kindling-mouse", 6, 8, NULL, &pc);
    CHECK_INT(max_per_day(&pc, ICTUS_SYNTH_STIMULUS, 48), 2);
    CHECK_NEAR(mean_per_day(&pc, ICTUS_SYNTH_STIMULUS, 48), 2, 0, 0);
    CHECK(max_per_day(&pc, ICTUS_SYNTH_AFTERDISCHARGE, 48) <= 2);
    int early = 0, late = 0;
    for (int i = 0; i < 6; i++) {
        early += pc.per_day[ICTUS_SYNTH_AFTERDISCHARGE][i * 8];
        late += pc.per_day[ICTUS_SYNTH_AFTERDISCHARGE][i * 8 + 7];
    }
    CHECK_MSG(late >= early, "evoked seizures: %d on day 1, %d on day 8", early, late);
}

/* The rate multiplier scales spontaneous seizures and evoked stages. */
static void test_rate_multiplier(void)
{
    const int animals = 8, days = 4, n = animals * days;
    plan_counts base, half, none, later;
    count_plans("ihka-mouse", animals, days, NULL, &base);
    rate_setting r_half = {0.5, 0}, r_none = {0, 0}, r_later = {2, 12 * 3600};
    count_plans("ihka-mouse", animals, days, &r_half, &half);
    count_plans("ihka-mouse", animals, days, &r_none, &none);
    count_plans("ihka-mouse", animals, days, &r_later, &later);
    double b = mean_per_day(&base, ICTUS_SYNTH_HPD, n) + mean_per_day(&base, ICTUS_SYNTH_CONVULSIVE, n);
    double h = mean_per_day(&half, ICTUS_SYNTH_HPD, n) + mean_per_day(&half, ICTUS_SYNTH_CONVULSIVE, n);
    printf("ok multiplier: %.1f seizures per day at 1, %.1f at 0.5\n", b, h);
    CHECK_MSG(h / b > 0.35 && h / b < 0.65, "multiplier 0.5 gives %.2f of the seizures", h / b);
    CHECK_INT(max_per_day(&none, ICTUS_SYNTH_HPD, n) + max_per_day(&none, ICTUS_SYNTH_CONVULSIVE, n), 0);
    CHECK_MSG(later.first_onset_s >= 12 * 3600, "onset at %lld s with a zero rate until 12 h",
              (long long)later.first_onset_s);
    CHECK(mean_per_day(&later, ICTUS_SYNTH_HPD, n) > 0);
    /* the hard negatives do not depend on it */
    CHECK_NEAR(mean_per_day(&none, ICTUS_SYNTH_GROOMING, n), mean_per_day(&base, ICTUS_SYNTH_GROOMING, n), 0, 0);

    plan_counts kz;
    count_plans("6hz-kindling-mouse", 4, 4, &r_none, &kz);
    CHECK_NEAR(mean_per_day(&kz, ICTUS_SYNTH_STIMULUS, 16), 2, 0, 0);
    CHECK_INT(max_per_day(&kz, ICTUS_SYNTH_AFTERDISCHARGE, 16), 0);
}

/* ---------------------------------------------------------------- the drug protocol */

/* Seizures per animal and period counted from truth.csv alone: each row's
 * onset (its recording's start in recordings.csv + start_s) placed in the
 * animal's periods of dosing.csv. */
typedef struct {
    int count[4];            /* by period in time order */
    double longest_isi_h;    /* between consecutive onsets in the first period */
} truth_counts;

static void count_truth(const char *dir, const ictus_study *study, truth_counts *tc)
{
    table truth;
    const char *path = support_path(dir, "truth.csv");
    if (!CHECK(table_read(path, &truth)))
        return;
    int64_t *last = calloc((size_t)study->n_animals, sizeof *last);
    for (int t = 1; t < truth.n_rows; t++) {
        const ictus_recording_entry *e = ictus_study_recording(study, cell(&truth, t, "recording"),
                                                               cell(&truth, t, "animal"));
        const ictus_animal *a = ictus_study_animal(study, cell(&truth, t, "animal"));
        if (!CHECK(e && a))
            continue;
        int64_t at = e->start_us + llround(atof(cell(&truth, t, "start_s")) * 1e6);
        int i = (int)(a - study->animals), p = 0;
        while (p < a->n_periods && !(at >= a->periods[p].start_us && at < a->periods[p].end_us))
            p++;
        if (!CHECK_MSG(p < a->n_periods && p < 4, "%s: seizure outside every period", a->id))
            continue;
        tc[i].count[p]++;
        if (p == 0 && last[i])
            tc[i].longest_isi_h = fmax(tc[i].longest_isi_h, (double)(at - last[i]) / 3600e6);
        if (p == 0)
            last[i] = at;
    }
    free(last);
    table_free(&truth);
}

/* The class a block's counts make, with the protocol's margins (x 1.3 from
 * each rate threshold, x 1.5 on the seizure-free time), or "ambiguous". */
static const char *margin_class(int count, double hours, int base, double base_h,
                                double isi_h)
{
    if (count == 0)
        return hours >= 1.5 * 3 * isi_h ? "seizure_free" : "ambiguous";
    double r = (count / hours) / (base / base_h);
    return r < 0.1 / 1.3                      ? "strict_responder"
           : r >= 0.13 && r <= 0.5 / 1.3      ? "responder"
           : r >= 0.65 && r <= 1.5 / 1.3      ? "non_responder"
           : r >= 1.95                        ? "worsening"
                                              : "ambiguous";
}

/* Each row of responses.csv against the study's own truth: counts, the
 * class with room to spare, the effect within its class's range, the
 * roles' courses and resistance. */
static void check_responses(const char *dir, int n_animals, double base_h, double drug_h)
{
    ictus_study *study;
    ictus_error err = {0};
    if (!CHECK_MSG(ictus_study_load(dir, &study, &err) == ICTUS_OK, "%s", err.msg))
        return;
    CHECK_INT(study->problems.n, 0); /* dosing.csv included */
    for (int i = 0; i < study->problems.n; i++)
        fprintf(stderr, "  %s\n", study->problems.lines[i]);
    CHECK_INT(study->n_animals, n_animals);
    for (int i = 0; i < study->n_animals; i++)
        CHECK_INT(study->animals[i].n_periods, 4);
    CHECK(study->has_drug_list && study->n_drugs == 2);
    CHECK_NEAR(ictus_study_drug(study, "asm-a")->target_dose_mg_kg, 30, 0, 0);
    truth_counts *tc = calloc((size_t)n_animals, sizeof *tc);
    count_truth(dir, study, tc);
    table resp;
    const char *path = support_path(dir, "responses.csv");
    if (!CHECK(table_read(path, &resp)))
        goto done;
    CHECK_INT(resp.n_rows - 1, 2 * n_animals);
    int n_class[4] = {0}, n_resistant = 0, n_relapse = 0, n_remission = 0;
    static const char *const classes[4] = {"seizure_free", "responder", "non_responder",
                                           "worsening"};
    for (int r = 1; r < resp.n_rows; r++) {
        const ictus_animal *a = ictus_study_animal(study, cell(&resp, r, "animal"));
        if (!CHECK(a))
            continue;
        const truth_counts *t = &tc[a - study->animals];
        bool b = !strcmp(cell(&resp, r, "drug"), "asm-b");
        int count = t->count[b ? a->n_periods - 1 : 1];
        const char *cls = cell(&resp, r, "class");
        double m = atof(cell(&resp, r, "multiplier"));
        CHECK_INT(atoi(cell(&resp, r, "baseline_count")), t->count[0]);
        CHECK_INT(atoi(cell(&resp, r, "count")), count);
        CHECK_NEAR(atof(cell(&resp, r, "baseline_longest_isi_h")), t->longest_isi_h, 0, 6e-4);
        CHECK_MSG(t->count[0] >= 6, "%s: baseline of %d seizures", a->id, t->count[0]);
        CHECK_STR(cls, margin_class(count, drug_h, t->count[0], base_h, t->longest_isi_h));
        for (int k = 0; k < 4; k++)
            n_class[k] += !strcmp(cls, classes[k]);
        static const double lo[4] = {0, 0.05, 0.7, 1.8}, hi[4] = {0, 0.4, 1.3, 6};
        for (int k = 0; k < 4; k++)
            if (!strcmp(cls, classes[k]))
                CHECK_MSG(m >= lo[k] && m <= hi[k], "%s %s: multiplier %g", a->id, cls, m);
        n_resistant += !strcmp(cell(&resp, r, "drug_resistant"), "yes");
        n_relapse += !strcmp(cell(&resp, r, "course"), "relapse");
        n_remission += !strcmp(cell(&resp, r, "course"), "remission");
        /* a seizure-free block follows no other on the way to a relapse */
        if (!strcmp(cell(&resp, r, "course"), "relapse"))
            CHECK(b && !strcmp(cell(&resp, r - 1, "class"), "seizure_free"));
    }
    /* 8 animals: each role once (dosing.h) */
    CHECK_INT(n_class[0], 4);
    CHECK_INT(n_class[1], 7);
    CHECK_INT(n_class[2], 3);
    CHECK_INT(n_class[3], 2);
    CHECK_INT(n_resistant, 2); /* one animal, two rows */
    CHECK_INT(n_relapse, 1);
    CHECK_INT(n_remission, 3);
    table_free(&resp);

    /* the [analysis] section written is one the analysis accepts */
    ictus_analysis_settings set;
    ictus_analysis_settings_default(&set);
    CHECK_MSG(ictus_analysis_settings_apply(&set, study->config, &err) == ICTUS_OK, "%s", err.msg);
    CHECK_NEAR(set.rules.min_analysable_h, base_h / 2, 0, 1e-9);
    CHECK_NEAR(set.rules.min_block_days, drug_h / 48, 1e-5, 0);
done:
    free(tc);
    ictus_study_destroy(study);
}

/* A drug study: the manifests load without a problem (every animal has
 * its 4 periods), and responses.csv is what truth.csv (generated on 3
 * threads, while the effects were planned on one) says. */
static void test_protocol(void)
{
    const char *dir = support_path(tmp_root, "protocol");
    ictus_synth_protocol p = {.baseline_s = 2 * 3600, .drug_s = 3 * 3600, .washout_s = 3600,
                              .min_rate_per_24h = 80};
    CHECK_INT(ictus_synth_protocol_files(&p, 1), 9);
    CHECK_INT(ictus_synth_protocol_files(&p, 2), -1);
    ictus_synth_study s = study_settings("ihka-mouse", 8, 9, 1, 100);
    s.n_channels = 1;
    s.n_threads = 3;
    s.protocol = &p;
    ictus_error err = {0};
    if (!CHECK_MSG(ictus_synth_study_write(&s, dir, &err) == ICTUS_OK, "%s", err.msg))
        return;
    check_responses(dir, 8, 2, 3);

    /* settings the protocol refuses */
    ictus_synth_study bad = s;
    bad.n_days = 10;
    CHECK_INT(ictus_synth_study_check(&bad, &err), ICTUS_ERR_USAGE);
    CHECK_INT(ictus_synth_study_check(&s, &err), ICTUS_OK);
    bad = s;
    bad.hours = 2;
    CHECK_INT(ictus_synth_study_check(&bad, &err), ICTUS_ERR_USAGE);
    bad = study_settings("6hz-kindling-mouse", 8, 9, 1, 100);
    bad.protocol = &p;
    CHECK_INT(ictus_synth_study_check(&bad, &err), ICTUS_ERR_USAGE);
    bad = s;
    bad.rate.fn = rate_fn;
    CHECK_INT(ictus_synth_study_check(&bad, &err), ICTUS_ERR_USAGE);
    /* periods too short for the rates: refused, naming an animal, nothing written */
    ictus_synth_protocol tiny = {.baseline_s = 3600, .drug_s = 3600};
    bad = s;
    bad.protocol = &tiny;
    bad.n_days = 3;
    dir = support_path(tmp_root, "protocol_tiny");
    CHECK_INT(ictus_synth_study_write(&bad, dir, &err), ICTUS_ERR_USAGE);
    CHECK_MSG(strstr(err.msg, "animal M0") != NULL, "%s", err.msg);
    struct stat st;
    CHECK(stat(dir, &st) != 0);
    printf("ok protocol: 8 animals x 9 files, classes with room to spare\n");
}

/* ---------------------------------------------------------------- the signal */

/* Per-second measures of a generated file. */
typedef struct {
    int n_s, nc;
    double *ll;              /* [c * n_s + s] line length, µV/s */
    double *delta, *theta, *emg; /* band power 1-4, 6-9, 60-100 Hz, µV² */
    double *peak_hz;         /* frequency of the largest 1.5-15 Hz bin */
    double *max_abs;         /* µV */
} measures;

static double band(const double *psd, int n, double fs, double df, double lo, double hi)
{
    int k0, k1;
    ictus_spectrum_band_bins(n, fs, lo, hi, &k0, &k1);
    double sum = 0;
    for (int k = k0; k < k1; k++)
        sum += psd[k] * df;
    return sum;
}

/* An RBJ notch biquad (b0, b1, b2, a1, a2) at f0_hz with quality q. */
static void notch(double f0_hz, double q, double fs_hz, double c[5])
{
    double w = 2 * M_PI * f0_hz / fs_hz, alpha = sin(w) / (2 * q), a0 = 1 + alpha;
    c[0] = 1 / a0;
    c[1] = -2 * cos(w) / a0;
    c[2] = 1 / a0;
    c[3] = -2 * cos(w) / a0;
    c[4] = (1 - alpha) / a0;
}

/* Measures after notching the mains (50 Hz and harmonics below Nyquist,
 * Q 30), as the pipeline's conditioning does. */
static void measure(ictus_synth_day *d, measures *m)
{
    const ictus_synth_day_spec *spec = ictus_synth_day_get_spec(d);
    const int fs = (int)spec->fs_hz, nc = spec->animal->n_channels;
    m->n_s = (int)(spec->n_samples / fs);
    m->nc = nc;
    size_t cells = (size_t)m->n_s * (size_t)nc;
    m->ll = calloc(cells, sizeof(double));
    m->delta = calloc(cells, sizeof(double));
    m->theta = calloc(cells, sizeof(double));
    m->emg = calloc(cells, sizeof(double));
    m->peak_hz = calloc(cells, sizeof(double));
    m->max_abs = calloc(cells, sizeof(double));
    ictus_spectrum *sp = ictus_spectrum_create(fs, fs, ICTUS_WINDOW_HANN);
    double df = ictus_spectrum_df_hz(sp), *x = malloc((size_t)fs * sizeof(double));
    double *psd = malloc((size_t)ictus_spectrum_n_freq(sp) * sizeof(double));
    float *buf[ICTUS_SYNTH_MAX_CHANNELS];
    for (int c = 0; c < nc; c++)
        buf[c] = malloc((size_t)fs * sizeof(float));
    int n_notch = 0;
    double coef[4][5], z[ICTUS_SYNTH_MAX_CHANNELS][4][2] = {{{0}}};
    for (int k = 1; k <= 4 && 2 * k * spec->mains_hz < fs; k++)
        notch(k * spec->mains_hz, 30, fs, coef[n_notch++]);
    for (int s = 0; s < m->n_s; s++) {
        ictus_synth_day_generate(d, buf, fs);
        for (int c = 0; c < nc; c++) {
            size_t at = (size_t)c * (size_t)m->n_s + (size_t)s;
            double mean = 0, ll = 0, top = 0;
            for (int i = 0; i < fs; i++) {
                x[i] = buf[c][i];
                for (int k = 0; k < n_notch; k++) {
                    const double *b = coef[k];
                    double y = b[0] * x[i] + z[c][k][0];
                    z[c][k][0] = b[1] * x[i] - b[3] * y + z[c][k][1];
                    z[c][k][1] = b[2] * x[i] - b[4] * y;
                    x[i] = y;
                }
                mean += x[i];
                top = fmax(top, fabs(buf[c][i]));
                if (i)
                    ll += fabs(x[i] - x[i - 1]);
            }
            ictus_spectrum_psd(sp, x, mean / fs, psd);
            m->ll[at] = ll;
            m->max_abs[at] = top;
            m->delta[at] = band(psd, fs, fs, df, 1, 4);
            m->theta[at] = band(psd, fs, fs, df, 6, 9);
            m->emg[at] = band(psd, fs, fs, df, 60, 100);
            int k0, k1, best = -1;
            ictus_spectrum_band_bins(fs, fs, 1.5, 15, &k0, &k1);
            for (int k = k0; k < k1; k++)
                best = best < 0 || psd[k] > psd[best] ? k : best;
            m->peak_hz[at] = best * df;
        }
    }
    for (int c = 0; c < nc; c++)
        free(buf[c]);
    free(x);
    free(psd);
    ictus_spectrum_destroy(sp);
}

static void measures_free(measures *m)
{
    free(m->ll);
    free(m->delta);
    free(m->theta);
    free(m->emg);
    free(m->peak_hz);
    free(m->max_abs);
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(const double *v, int n)
{
    double *w = malloc((size_t)n * sizeof *w);
    memcpy(w, v, (size_t)n * sizeof *w);
    qsort(w, (size_t)n, sizeof *w, by_value);
    double m = w[n / 2];
    free(w);
    return m;
}

/* Mean of v[s] over the whole seconds of [a_s, b_s) (and before n_s),
 * leaving out seconds touched by a hard negative when `clean`; NAN when
 * none is left. */
static double mean_over(const double *v, int n_s, const ictus_synth_events *ev, double fs,
                        double a_s, double b_s, bool clean)
{
    double sum = 0;
    int n = 0;
    for (int s = (int)ceil(a_s); s + 1 <= b_s && s < n_s; s++) {
        bool touched = false;
        for (int e = 0; e < ev->n && clean; e++)
            touched |= ictus_synth_kinds[ev->items[e].kind].cls == ICTUS_SYNTH_ARTEFACT &&
                       ev->items[e].start < (int64_t)((s + 1) * fs) &&
                       ev->items[e].end > (int64_t)(s * fs);
        if (!touched) {
            sum += v[s];
            n++;
        }
    }
    return n ? sum / n : NAN;
}

/* Does x overlap a dropout or gap (where nothing is recorded)? */
static bool lost(const ictus_synth_events *ev, const ictus_synth_event *x)
{
    for (int e = 0; e < ev->n; e++) {
        const ictus_synth_event *y = &ev->items[e];
        if ((y->kind == ICTUS_SYNTH_DROPOUT || y->kind == ICTUS_SYNTH_GAP) && y->start < x->end &&
            y->end > x->start)
            return true;
    }
    return false;
}

/* The first animal (from 0) whose `hours` plan has at least `want` events
 * of `kind`; -1 when none of the first 32 has. */
static int find_animal(const ictus_synth_model *model, double hours, double fs,
                       ictus_synth_kind kind, int want)
{
    ictus_synth_study s = study_settings(model->name, 1, 1, hours, fs);
    for (int i = 0; i < 32; i++) {
        ictus_synth_animal a;
        ictus_synth_animal_make(model, s.seed, i, 2, &a);
        ictus_synth_day_spec spec;
        ictus_synth_study_day_spec(&s, &a, 0, &spec);
        ictus_synth_day *d = ictus_synth_day_create(&spec);
        const ictus_synth_events *ev = ictus_synth_day_events(d);
        int n = 0;
        for (int e = 0; e < ev->n; e++)
            n += ev->items[e].kind == kind;
        ictus_synth_day_destroy(d);
        if (n >= want)
            return i;
    }
    return -1;
}

/* DOMAIN §4 and §4b measured on the samples of `hours` of the first animal
 * with at least want_sz seizures of kind sz in that time:
 * seizures >= 2x (HPD) or 3x (convulsive) the median line length, HPDs
 * strongest on the hippocampus, post-ictal line length < 0.5x baseline in
 * the half minute after a convulsive seizure, convulsive spike trains slowing,
 * NREM delta above wake delta, wake theta strongest on the hippocampus and
 * REM theta above NREM theta there,
 * grooming with 60-100 Hz power and several times the median line length
 * on the cortex, no seizure near full scale. */
static void test_signal(const char *model_name, ictus_synth_kind sz, int want_sz, double hours)
{
    const double fs = 250;
    const ictus_synth_model *model = ictus_synth_model_find(model_name);
    int who = find_animal(model, hours, fs, sz, want_sz);
    if (!CHECK_MSG(who >= 0, "%s: no animal with a %s in %g h", model_name,
                   ictus_synth_kinds[sz].name, hours))
        return;
    ictus_synth_study s = study_settings(model_name, 1, 1, hours, fs);
    ictus_synth_animal a;
    ictus_synth_animal_make(model, s.seed, who, 2, &a);
    ictus_synth_day_spec spec;
    ictus_synth_study_day_spec(&s, &a, 0, &spec);
    ictus_synth_day *d = ictus_synth_day_create(&spec);
    const ictus_synth_events *ev = ictus_synth_day_events(d);
    measures m;
    measure(d, &m);
    const int n = m.n_s;
    const double *ll_hpc = m.ll, *ll_ctx = m.ll + n;
    double med_hpc = median(ll_hpc, n), med_ctx = median(ll_ctx, n);
    double emg_med = median(m.emg + n, n);
    int n_sz = 0, n_groom = 0, n_post = 0;
    double worst_ratio = INFINITY, worst_post = 0, worst_groom = INFINITY;
    for (int e = 0; e < ev->n; e++) {
        const ictus_synth_event *x = &ev->items[e];
        double a_s = x->start / fs, b_s = x->end / fs;
        if (x->kind == sz) {
            n_sz++;
            double r_hpc = mean_over(ll_hpc, n, ev, fs, a_s, b_s, false) / med_hpc;
            double r_ctx = mean_over(ll_ctx, n, ev, fs, a_s, b_s, false) / med_ctx;
            double top = 0;
            for (int t = (int)a_s; t < (int)b_s; t++)
                top = fmax(top, fmax(m.max_abs[t], m.max_abs[n + t]));
            CHECK_MSG(top < 0.9 * spec.full_scale_uv, "%s at %g s reaches %g µV", model_name,
                      a_s, top);
            if (sz == ICTUS_SYNTH_HPD) {
                worst_ratio = fmin(worst_ratio, r_hpc);
                CHECK_MSG(r_hpc > r_ctx, "HPD at %g s: line length %.2fx on HPC, %.2fx on CTX",
                          a_s, r_hpc, r_ctx);
            } else {
                worst_ratio = fmin(worst_ratio, fmin(r_hpc, r_ctx));
                /* post-ictal depression: the half minute after the end */
                double post = fmax(mean_over(ll_hpc, n, ev, fs, b_s + 2, b_s + 32, true) / med_hpc,
                                   mean_over(ll_ctx, n, ev, fs, b_s + 2, b_s + 32, true) / med_ctx);
                if (!isnan(post)) {
                    worst_post = fmax(worst_post, post);
                    n_post++;
                }
                /* evolution: the spike train slows */
                double onset = x->p[2], clonic = b_s - a_s - onset;
                double early = mean_over(m.peak_hz, n, ev, fs, a_s + onset + 1,
                                         a_s + onset + 1 + clonic / 4, false);
                double late = mean_over(m.peak_hz, n, ev, fs, b_s - clonic / 4, b_s, false);
                CHECK_MSG(early > late, "%s at %g s: %.1f Hz early, %.1f Hz late", model_name,
                          a_s, early, late);
            }
        }
        if (x->kind == ICTUS_SYNTH_GROOMING && b_s - a_s >= 3 && !lost(ev, x)) {
            n_groom++;
            double r_emg = mean_over(m.emg + n, n, ev, fs, a_s + 0.5, b_s - 0.5, false) / emg_med;
            double r_ll = mean_over(ll_ctx, n, ev, fs, a_s + 0.5, b_s - 0.5, false) / med_ctx;
            worst_groom = fmin(worst_groom, fmin(r_emg / 10, r_ll / 2));
        }
    }
    double want = sz == ICTUS_SYNTH_HPD ? 2 : 3;
    printf("ok signal %s (%s): %d %s, line length >= %.2fx median; post-ictal <= %.2fx (%d); "
           "%d grooming, >= %.2fx their thresholds\n",
           model_name, a.id, n_sz, ictus_synth_kinds[sz].name, worst_ratio, worst_post, n_post,
           n_groom, worst_groom);
    CHECK_MSG(worst_ratio >= want, "%s: a seizure with line length %.2fx the median", model_name,
              worst_ratio);
    CHECK_MSG(worst_post < 0.5, "%s: post-ictal line length %.2fx the median", model_name,
              worst_post);
    CHECK_MSG(sz == ICTUS_SYNTH_HPD || n_post > 0, "%s: no post-ictal minute measured", model_name);
    CHECK_MSG(n_groom > 0 && worst_groom >= 1, "%s: grooming %.2fx its thresholds", model_name,
              worst_groom);

    /* states: NREM delta > wake delta on both leads; wake theta HPC > CTX */
    const ictus_synth_hypnogram *h = ictus_synth_day_hypnogram(d);
    double delta[3][2] = {{0}}, theta[3][2] = {{0}}, secs[3] = {0};
    for (int b = 0; b < h->n; b++) {
        double a_s = h->bouts[b].start / fs + 10;
        double b_s = (b + 1 < h->n ? h->bouts[b + 1].start : h->n_samples) / fs;
        b_s = fmin(b_s, n);
        if (b_s - a_s < 10)
            continue;
        int st = h->bouts[b].state;
        for (int c = 0; c < 2; c++) {
            double dd = mean_over(m.delta + c * n, n, ev, fs, a_s, b_s, true);
            double tt = mean_over(m.theta + c * n, n, ev, fs, a_s, b_s, true);
            if (!isnan(dd)) {
                delta[st][c] += dd * (b_s - a_s);
                theta[st][c] += tt * (b_s - a_s);
            }
        }
        secs[st] += b_s - a_s;
    }
    CHECK(secs[ICTUS_SYNTH_WAKE] > 0 && secs[ICTUS_SYNTH_NREM] > 0);
    for (int c = 0; c < 2; c++)
        CHECK_MSG(delta[ICTUS_SYNTH_NREM][c] / secs[ICTUS_SYNTH_NREM] >
                      2 * delta[ICTUS_SYNTH_WAKE][c] / secs[ICTUS_SYNTH_WAKE],
                  "channel %d: NREM delta %.0f, wake delta %.0f µV²", c,
                  delta[ICTUS_SYNTH_NREM][c] / secs[ICTUS_SYNTH_NREM],
                  delta[ICTUS_SYNTH_WAKE][c] / secs[ICTUS_SYNTH_WAKE]);
    /* relative theta (theta / delta: independent of the electrodes' gains) */
    double rel_hpc = theta[ICTUS_SYNTH_WAKE][0] / delta[ICTUS_SYNTH_WAKE][0];
    double rel_ctx = theta[ICTUS_SYNTH_WAKE][1] / delta[ICTUS_SYNTH_WAKE][1];
    CHECK_MSG(rel_hpc > 1.5 * rel_ctx, "wake theta/delta %.2f on HPC, %.2f on CTX", rel_hpc,
              rel_ctx);
    if (secs[ICTUS_SYNTH_REM] > 0)
        CHECK_MSG(theta[ICTUS_SYNTH_REM][0] / secs[ICTUS_SYNTH_REM] >
                      3 * theta[ICTUS_SYNTH_NREM][0] / secs[ICTUS_SYNTH_NREM],
                  "HPC theta: REM %.0f, NREM %.0f µV²", theta[ICTUS_SYNTH_REM][0] / secs[ICTUS_SYNTH_REM],
                  theta[ICTUS_SYNTH_NREM][0] / secs[ICTUS_SYNTH_NREM]);
    measures_free(&m);
    ictus_synth_day_destroy(d);
}

/* ---------------------------------------------------------------- animals and states */

/* DOMAIN §4b: background amplitude differs several-fold between animals;
 * within one it drifts by tens of percent over days, continuously across
 * days, with occasional steps. */
static void test_animals_and_drift(void)
{
    const ictus_synth_model *m = ictus_synth_model_find("ihka-mouse");
    double lo = INFINITY, hi = 0;
    for (int i = 0; i < 16; i++) {
        ictus_synth_animal a;
        ictus_synth_animal_make(m, 42, i, 2, &a);
        lo = fmin(lo, a.gain);
        hi = fmax(hi, a.gain);
    }
    CHECK_MSG(hi / lo >= 2.5, "animal gains %.2f..%.2f", lo, hi);

    ictus_synth_animal a;
    ictus_synth_animal_make(m, 42, 0, 4, &a);
    double worst_jump = 0, widest = 0;
    int steps = 0;
    for (int c = 0; c < 4; c++) {
        double g_lo = INFINITY, g_hi = 0;
        for (int day = 0; day < 30; day++) {
            ictus_synth_drift d0, d1;
            ictus_synth_animal_drift(&a, c, day, &d0);
            ictus_synth_animal_drift(&a, c, day + 1, &d1);
            worst_jump = fmax(worst_jump,
                              fabs(ictus_synth_drift_gain(&d0, 86400) / ictus_synth_drift_gain(&d1, 0) - 1));
            steps += d0.log_step != 0;
            for (int h = 0; h < 24; h++) {
                double g = ictus_synth_drift_gain(&d0, h * 3600.0);
                g_lo = fmin(g_lo, g);
                g_hi = fmax(g_hi, g);
            }
        }
        widest = fmax(widest, g_hi / g_lo);
        CHECK(g_lo >= exp(-0.4) - 1e-9 && g_hi <= exp(0.4) + 1e-9);
    }
    printf("ok drift: gains of 16 animals %.2f..%.2f; 30 days drift up to x%.2f, %d steps\n", lo,
           hi, widest, steps);
    CHECK_MSG(worst_jump < 1e-9, "the drift jumps by %g at a day boundary", worst_jump);
    CHECK_MSG(widest >= 1.2, "the drift spans only x%.2f in 30 days", widest);
    CHECK(steps > 0);

    /* a file's gain is the animal's, the electrode's and the drift's */
    ictus_synth_study s = study_settings("ihka-mouse", 1, 3, 24, 100);
    ictus_synth_day_spec spec;
    ictus_synth_study_day_spec(&s, &a, 2, &spec);
    ictus_synth_day *d = ictus_synth_day_create(&spec);
    ictus_synth_drift drift;
    ictus_synth_animal_drift(&a, 1, 2, &drift);
    CHECK_NEAR(ictus_synth_day_gain(d, 1, 0),
               a.gain * a.channel_gain[1] * ictus_synth_drift_gain(&drift, 0), 1e-12, 0);
    ictus_synth_day_destroy(d);
}

/* Mice sleep in the light phase: NREM ~57 % of 08-19 h, ~29 % of 20-07 h
 * (the model's targets), REM a few %, in bouts of minutes. */
static void test_hypnogram(void)
{
    const int runs = 20;
    const int64_t n = 11 * 3600 * 100;
    double share[2][3] = {{0}}, bouts = 0;
    for (int k = 0; k < runs; k++)
        for (int dark = 0; dark < 2; dark++) {
            ictus_synth_hypnogram h;
            ictus_synth_hypnogram_plan(&h, (uint64_t)(1000 * dark + k),
                                       ictus_walltime_from_civil(2026, 1, 5, dark ? 20 : 8, 0, 0, 0),
                                       n, 100);
            for (int st = 0; st < 3; st++)
                share[dark][st] += ictus_synth_hypnogram_seconds(&h, st) / (11 * 3600.0) / runs;
            bouts += (double)h.n / (2 * runs);
            ictus_synth_hypnogram_free(&h);
        }
    printf("ok hypnogram: light W/N/R %.2f/%.2f/%.2f, dark %.2f/%.2f/%.2f, %.0f bouts per 11 h\n",
           share[0][0], share[0][1], share[0][2], share[1][0], share[1][1], share[1][2], bouts);
    CHECK_NEAR(share[0][ICTUS_SYNTH_NREM], 0.57, 0, 0.12);
    CHECK_NEAR(share[1][ICTUS_SYNTH_NREM], 0.29, 0, 0.12);
    CHECK(share[0][ICTUS_SYNTH_REM] > 0.03 && share[0][ICTUS_SYNTH_REM] < 0.15);
    CHECK(share[0][ICTUS_SYNTH_NREM] > share[1][ICTUS_SYNTH_NREM] + 0.15);
    CHECK(bouts > 60 && bouts < 600);
}

/* ---------------------------------------------------------------- settings */

static void test_settings(void)
{
    ictus_error err = {0};
    ictus_synth_study good = study_settings("ihka-mouse", 1, 1, 24, 500);
    CHECK_INT(ictus_synth_study_check(&good, &err), ICTUS_OK);
    ictus_synth_study s = good;
    s.n_animals = 0;
    CHECK_INT(ictus_synth_study_check(&s, &err), ICTUS_ERR_USAGE);
    s = good;
    s.fs_hz = 250.5;
    CHECK_INT(ictus_synth_study_check(&s, &err), ICTUS_ERR_USAGE);
    s = good;
    s.hours = 241;
    CHECK_INT(ictus_synth_study_check(&s, &err), ICTUS_ERR_USAGE);
    s = good;
    s.hours = 0.0001; /* 0.36 s: not whole seconds */
    CHECK_INT(ictus_synth_study_check(&s, &err), ICTUS_ERR_USAGE);
    s = good;
    s.format = ICTUS_SYNTH_FLAC;
    s.gaps = true;
    CHECK_INT(ictus_synth_study_check(&s, &err), ICTUS_ERR_USAGE);
    s = good;
    s.mains_hz = 55;
    CHECK_INT(ictus_synth_study_check(&s, &err), ICTUS_ERR_USAGE);
    s = good;
    s.n_channels = ICTUS_SYNTH_MAX_CHANNELS + 1;
    CHECK_INT(ictus_synth_study_check(&s, &err), ICTUS_ERR_USAGE);
    s = good;
    s.model = NULL;
    CHECK_INT(ictus_synth_study_check(&s, &err), ICTUS_ERR_USAGE);
    CHECK(ictus_synth_model_find("no-such-model") == NULL);

    /* degenerate but valid: one channel, one-second files, 100 Hz */
    const char *dir = support_path(tmp_root, "tiny");
    s = study_settings("convulsive-rat", 2, 3, 1.0 / 3600, 100);
    s.n_channels = 1;
    if (CHECK_MSG(ictus_synth_study_write(&s, dir, &err) == ICTUS_OK, "%s", err.msg))
        check_study(dir, "convulsive-rat", 2, 3, 1);
}

/* An output directory whose files' paths would not fit ICTUS_PATH_MAX is
 * refused with a message naming the path; before, the recordings were
 * written under names cut short. */
static void test_long_dir(void)
{
    const char *dir = support_path(tmp_root, "long");
    CHECK(mkdir(dir, 0777) == 0);
    ictus_synth_study s = study_settings("convulsive-rat", 1, 1, 1.0 / 3600, 100);
    s.n_channels = 1;
    ictus_error err = {0};
    /* DIR/recordings fits; DIR/recordings/M01_20260105_080000.edf does not */
    const char *long_dir = support_long_path(dir, ICTUS_PATH_MAX - 1 - strlen("/recordings/M01"));
    CHECK_INT(ictus_synth_study_write(&s, long_dir, &err), ICTUS_ERR_USAGE);
    CHECK_MSG(strncmp(err.msg, dir, strlen(dir)) == 0, "%s", err.msg);
    CHECK_MSG(strstr(err.msg, "path longer than 4095 bytes") != NULL, "%s", err.msg);
    DIR *d = opendir(support_path(dir, "recordings"));
    int n_files = 0;
    for (struct dirent *e; d && (e = readdir(d)) != NULL;)
        n_files += e->d_name[0] != '.';
    if (d)
        closedir(d);
    CHECK_INT(n_files, 0);
    /* DIR/recordings does not fit either: nothing is made */
    long_dir = support_long_path(dir, ICTUS_PATH_MAX - 4);
    CHECK_INT(ictus_synth_study_write(&s, long_dir, &err), ICTUS_ERR_USAGE);
    CHECK_MSG(strstr(err.msg, "path longer than 4095 bytes") != NULL, "%s", err.msg);
}

int main(void)
{
    tmp_root = support_tmpdir("synth");
    test_block_invariance();
    test_animals_and_drift();
    test_hypnogram();
    test_determinism();
    test_study_directory();
    test_kindling();
    test_clipping();
    test_flac();
    test_rates();
    test_rate_multiplier();
    test_protocol();
    test_signal("ihka-mouse", ICTUS_SYNTH_HPD, 1, 6);
    test_signal("ihka-mouse", ICTUS_SYNTH_CONVULSIVE, 2, 8);
    test_signal("dravet-mouse", ICTUS_SYNTH_GTCS, 2, 8);
    test_signal("convulsive-rat", ICTUS_SYNTH_CONVULSIVE, 2, 6);
    test_settings();
    test_long_dir();
    support_tmpdir_remove(tmp_root);
    return check_done("test_synth");
}
