/* test_shard.c: a run_outcome written as a shard (nightly/shard.h) reads
 * back field for field, and a damaged shard is refused, never trusted.
 *
 * A small synthetic study (synth/, two mice, EDF with seizures) plus a file
 * of ../shared/data mapped to a third animal, a copy holding two animals
 * (recordings.csv), a copy cut short, a file that is not a recording, one
 * that grows after the plan (incomplete) and one of an unknown animal is
 * planned and every file goes through run_work_file(), as a Slurm task
 * would.  Each outcome is written, read back and compared: every field,
 * doubles bit for bit, every string, event, series and artefact count.
 * Then the shard with the most events is cut at every length and flipped at
 * every bit of (a sample of) its bytes: all refused with ICTUS_ERR_DATA;
 * flipped with its checksum mended: refused, or read and written back to
 * the same bytes (never a crash); read for another path: refused; written
 * twice to one path: replaced, no temporary file left.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/check.h"
#include "base/filehash.h"
#include "base/walltime.h"
#include "nightly/plan.h"
#include "nightly/shard.h"
#include "nightly/work.h"
#include "protocols/study.h"
#include "synth/study_writer.h"
#include "tests/support_edf.h"
#include "tests/support_study.h"
#include "tests/support_tmp.h"

/* A file of ../shared/data (tests run from the project root), mapped to animal "psg". */
#define SHARED_EDF "../shared/data/edf-conformance/edfio/short_psg.edf"

/* ---------------------------------------------------------------- helpers */

static bool same_bits(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }

static bool same_hash(ictus_hash128 a, ictus_hash128 b) { return a.hi == b.hi && a.lo == b.lo; }

/* Append `text` to DIR/NAME. */
static bool append_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "ab");
    bool ok = f && fputs(text, f) >= 0;
    return f && fclose(f) == 0 && ok;
}

/* Copy bytes [0, n) of `from` (n < 0: all) to `to`. */
static bool copy_file(const char *from, const char *to, long n)
{
    size_t len;
    unsigned char *bytes = support_edf_read_file(from, &len);
    if (!bytes)
        return false;
    bool ok = support_edf_write_file(to, bytes, n < 0 ? len : (size_t)n);
    free(bytes);
    return ok;
}

/* Compare results field by field; `where` names the animal in messages. */
static void check_results_equal(const ictus_store_results *a, const ictus_store_results *b,
                                const char *where)
{
    CHECK_MSG(strcmp(a->format, b->format) == 0, "%s: format", where);
    CHECK_MSG(a->start_us == b->start_us && a->duration_us == b->duration_us &&
                  a->n_gaps == b->n_gaps && a->gap_us == b->gap_us,
              "%s: times", where);
    CHECK_MSG(strcmp(a->preset, b->preset) == 0, "%s: preset", where);
    CHECK_MSG(same_hash(a->params_hash, b->params_hash), "%s: params_hash", where);
    CHECK_INT(a->n_channels, b->n_channels);
    for (int c = 0; c < a->n_channels && c < b->n_channels; c++) {
        const ictus_store_channel *x = &a->channels[c], *y = &b->channels[c];
        CHECK_MSG(strcmp(x->label, y->label) == 0 && strcmp(x->unit, y->unit) == 0 &&
                      strcmp(x->role, y->role) == 0 && same_bits(x->fs_hz, y->fs_hz) &&
                      x->analysed == y->analysed,
                  "%s: channel %d", where, c);
    }
    CHECK_MSG(a->n_events == b->n_events, "%s: %lld events, read %lld", where,
              (long long)a->n_events, (long long)b->n_events);
    for (int64_t i = 0; i < a->n_events && i < b->n_events; i++) {
        const ictus_event *x = &a->events[i], *y = &b->events[i];
        CHECK_MSG(x->start_us == y->start_us && x->end_us == y->end_us &&
                      x->wall_start_us == y->wall_start_us &&
                      strcmp(x->channel, y->channel) == 0 && strcmp(x->type, y->type) == 0 &&
                      same_bits(x->score, y->score),
                  "%s: event %lld", where, (long long)i);
    }
    CHECK_INT(a->n_series, b->n_series);
    for (int s = 0; s < a->n_series && s < b->n_series; s++) {
        const ictus_store_series *x = &a->series[s], *y = &b->series[s];
        CHECK_MSG(strcmp(x->channel, y->channel) == 0 && x->n_buckets == y->n_buckets,
                  "%s: series %d", where, s);
        if (x->n_buckets != y->n_buckets)
            continue;
        CHECK_MSG(memcmp(x->analysable_us, y->analysable_us,
                         (size_t)x->n_buckets * sizeof *x->analysable_us) == 0,
                  "%s: series %d analysable_us", where, s);
        CHECK_MSG((x->artefact_windows == NULL) == (y->artefact_windows == NULL),
                  "%s: series %d artefacts present", where, s);
        if (x->artefact_windows && y->artefact_windows)
            CHECK_MSG(memcmp(x->artefact_windows, y->artefact_windows,
                             (size_t)x->n_buckets * ICTUS_STORE_N_ARTEFACT_KINDS *
                                 sizeof(uint16_t)) == 0,
                      "%s: series %d artefact_windows", where, s);
    }
}

/* Compare two outcomes field by field (a: the worker's, b: read back). */
static void check_outcome_equal(const run_outcome *a, const run_outcome *b)
{
    const char *path = a->file->path;
    CHECK_MSG(b->file == a->file, "%s: file", path);
    CHECK_MSG(a->kind == b->kind, "%s: kind %d, read %d", path, (int)a->kind, (int)b->kind);
    CHECK_MSG(a->has_hash == b->has_hash && same_hash(a->hash, b->hash), "%s: hash", path);
    CHECK_MSG(ictus_file_identity_same(&a->identity, &b->identity), "%s: identity", path);
    CHECK_MSG(strcmp(a->message, b->message) == 0, "%s: message", path);
    CHECK_MSG((a->header_animal == NULL) == (b->header_animal == NULL) &&
                  (!a->header_animal || strcmp(a->header_animal, b->header_animal) == 0),
              "%s: header_animal", path);
    CHECK_MSG(strcmp(a->cut_short, b->cut_short) == 0, "%s: cut_short", path);
    CHECK_MSG(same_bits(a->hash_s, b->hash_s) && same_bits(a->detect_s, b->detect_s),
              "%s: times spent", path);
    CHECK_MSG(b->duplicate_of == NULL, "%s: duplicate_of", path);
    CHECK_INT(a->n_animals, b->n_animals);
    for (int i = 0; i < a->n_animals && i < b->n_animals; i++) {
        const run_animal *x = &a->animals[i], *y = &b->animals[i];
        char where[256];
        snprintf(where, sizeof where, "%s animal %d", path, i);
        CHECK_MSG(strcmp(x->animal, y->animal) == 0 && strcmp(x->error, y->error) == 0 &&
                      strcmp(x->warning, y->warning) == 0,
                  "%s: animal, error, warning", where);
        CHECK_MSG(y->det == NULL, "%s: det", where);
        if (!x->error[0] && !y->error[0])
            check_results_equal(&x->res, &y->res, where);
    }
}

/* The bytes of a file (the caller frees them). */
static unsigned char *slurp(const char *path, size_t *n)
{
    unsigned char *bytes = support_edf_read_file(path, n);
    if (!bytes)
        abort();
    return bytes;
}

/* Set the header's checksum to that of the body (a damage a plain copy cannot make). */
static void mend_checksum(unsigned char *bytes, size_t n)
{
    ictus_hash128 h = ictus_hash_bytes(bytes + ICTUS_SHARD_HEADER_BYTES,
                                       n - ICTUS_SHARD_HEADER_BYTES);
    for (int i = 0; i < 8; i++) {
        bytes[24 + i] = (unsigned char)(h.hi >> (8 * i));
        bytes[32 + i] = (unsigned char)(h.lo >> (8 * i));
    }
}

/* Read bytes[0, n) written to `path` as f's shard; the status. */
static ictus_status read_bytes(const char *path, const unsigned char *bytes, size_t n,
                               const run_file *f, ictus_error *err)
{
    if (!support_edf_write_file(path, bytes, n))
        abort();
    run_outcome o;
    ictus_status st = run_shard_read(path, f, &o, err);
    run_outcome_clear(&o);
    return st;
}

/* ---------------------------------------------------------------- the study */

typedef struct {
    char *dir;
    ictus_study *study;
    ictus_study_presets presets;
    support_store store;
    run_plan plan;
    bool ok;
} study_fixture;

/* Synthesise the study, add the special files, plan it. */
static bool study_make(study_fixture *fx)
{
    memset(fx, 0, sizeof *fx);
    fx->dir = support_tmpdir("shard");
    ictus_synth_study s = {.model = ictus_synth_model_find("ihka-mouse"), .n_animals = 2,
                           .n_days = 1, .seed = 7, .fs_hz = 250, .n_channels = 2,
                           .hours = 0.25, .format = ICTUS_SYNTH_EDF, .gaps = true,
                           .mains_hz = 50, .n_threads = 1, .seizures = ICTUS_SYNTH_SEIZURES_WIDE,
                           .start_us = ictus_walltime_from_civil(2026, 1, 5, 8, 0, 0, 0)};
    ictus_error err = {0};
    if (!CHECK_MSG(ictus_synth_study_write(&s, fx->dir, &err) == ICTUS_OK, "%s", err.msg))
        return false;
    DIR *d = opendir(support_path(fx->dir, "recordings"));
    char first[256] = "";
    for (struct dirent *e; d && (e = readdir(d));)
        if (strstr(e->d_name, ".edf") && (!first[0] || strcmp(e->d_name, first) < 0))
            snprintf(first, sizeof first, "%s", e->d_name);
    if (d)
        closedir(d);
    char from[8192], rec[4096];
    snprintf(rec, sizeof rec, "%s/recordings", fx->dir);
    snprintf(from, sizeof from, "%s/%s", rec, first);
    /* pair.edf: the first file holding two animals; cut.edf: it cut in the
     * middle of a record; bad.edf: not a recording; grow.edf: grows after
     * the plan; stray.edf: its header's animal is unknown; psg.edf: a file
     * of ../shared/data as animal psg */
    bool ok = first[0] && copy_file(from, support_path(rec, "pair.edf"), -1) &&
              copy_file(from, support_path(rec, "cut.edf"), 60000 + 333) &&
              support_study_write(rec, "bad.edf", "not a recording at all\n") &&
              copy_file(from, support_path(rec, "grow.edf"), -1) &&
              copy_file(SHARED_EDF, support_path(rec, "stray.edf"), -1) &&
              copy_file(SHARED_EDF, support_path(rec, "psg.edf"), -1) &&
              append_file(support_path(fx->dir, "animals.csv"), "psg,ihka-mouse,F,,,,\n") &&
              append_file(support_path(fx->dir, "recordings.csv"),
                          "pair.edf,pairA,HPC=1,2026-01-05T08:00:00,\n"
                          "pair.edf,pairB,HPC=2,2026-01-05T08:00:00,\n"
                          "psg.edf,psg,,,\n") &&
              append_file(support_path(fx->dir, "animals.csv"),
                          "pairA,ihka-mouse,M,,,,\npairB,ihka-mouse,F,,,,\n");
    if (!CHECK_MSG(ok, "the study's extra files (first recording %s)", first))
        return false;
    if (!CHECK_MSG(ictus_study_load(fx->dir, &fx->study, &err) == ICTUS_OK, "%s", err.msg) ||
        !CHECK_MSG(ictus_study_presets_load(fx->study, &fx->presets, &err) == ICTUS_OK, "%s",
                   err.msg) ||
        !CHECK(support_store_open(&fx->store, fx->dir)))
        return false;
    run_plan_input in = {.study = fx->study, .presets = &fx->presets,
                         .now_unix_us = INT64_C(4000000000000000), .settle_s = 0};
    if (!CHECK_MSG(run_plan_make(&in, fx->store.store, &fx->plan, &err) == ICTUS_OK, "%s",
                   err.msg))
        return false;
    fx->ok = true;
    return append_file(support_path(rec, "grow.edf"), "more");
}

static void study_free(study_fixture *fx)
{
    if (fx->ok)
        run_plan_free(&fx->plan);
    if (fx->study) {
        ictus_study_presets_free(&fx->presets);
        ictus_study_destroy(fx->study);
    }
    if (fx->store.store)
        support_store_close(&fx->store);
    support_tmpdir_remove(fx->dir);
}

/* ---------------------------------------------------------------- tests */

/* Counts of what the study's outcomes covered, so that the test fails when
 * a case it means to cover is missing. */
typedef struct {
    int results, failed, incomplete, animal_errors, multi, cut_short, events, warnings;
} coverage;

/* With ICTUS_SHARD_SEED_DIR set, a copy of the shard there, named after the
 * recording: how tests/fuzz/corpus/shard/ was made. */
static void save_seed(const char *shard, const run_file *f)
{
    const char *dir = getenv("ICTUS_SHARD_SEED_DIR");
    if (!dir || !*dir)
        return;
    const char *name = strrchr(f->path, '/');
    char to[8192];
    snprintf(to, sizeof to, "%s/%s.shard", dir, name ? name + 1 : f->path);
    CHECK_MSG(copy_file(shard, to, -1), "seed %s", to);
}

/* Every file's outcome, written and read back, is the same; *best is the
 * path of the shard with the most events (for the damage tests). */
static void test_round_trip(study_fixture *fx, const char *shard_dir, char *best, size_t size,
                            const run_file **best_file)
{
    run_work_context ctx = {.study = fx->study, .presets = &fx->presets, .plan = &fx->plan,
                            .analyzer_threads = 1};
    coverage cov = {0};
    int64_t most = -1;
    for (int i = 0; i < fx->plan.n_files; i++) {
        const run_file *f = &fx->plan.files[i];
        if (f->action != RUN_PROCESS && f->action != RUN_CHECK)
            continue;
        run_outcome out, back;
        run_work_file(&ctx, f, &out);
        char path[4096];
        snprintf(path, sizeof path, "%s/%d.shard", shard_dir, i);
        ictus_error err = {0};
        if (!CHECK_MSG(run_shard_write(path, &out, &err) == ICTUS_OK, "%s", err.msg) ||
            !CHECK_MSG(run_shard_read(path, f, &back, &err) == ICTUS_OK, "%s", err.msg)) {
            run_outcome_clear(&out);
            continue;
        }
        check_outcome_equal(&out, &back);
        save_seed(path, f);
        int64_t events = 0;
        cov.results += out.kind == RUN_OUT_RESULTS;
        cov.failed += out.kind == RUN_OUT_FAILED;
        cov.incomplete += out.kind == RUN_OUT_INCOMPLETE;
        cov.multi += out.n_animals > 1;
        cov.cut_short += out.cut_short[0] != '\0';
        for (int k = 0; k < out.n_animals; k++) {
            cov.animal_errors += out.animals[k].error[0] != '\0';
            cov.warnings += out.animals[k].warning[0] != '\0';
            if (!out.animals[k].error[0])
                events += out.animals[k].res.n_events;
        }
        cov.events += (int)events;
        if (events > most) {
            most = events;
            snprintf(best, size, "%s", path);
            *best_file = f;
        }
        run_outcome_clear(&out);
        run_outcome_clear(&back);
    }
    CHECK_MSG(cov.results >= 4 && cov.failed >= 1 && cov.incomplete >= 1 &&
                  cov.animal_errors >= 1 && cov.multi >= 1 && cov.cut_short >= 1 &&
                  cov.events >= 1,
              "cases covered: %d results, %d failed, %d incomplete, %d animal errors, %d "
              "multi-animal, %d cut short, %d events",
              cov.results, cov.failed, cov.incomplete, cov.animal_errors, cov.multi,
              cov.cut_short, cov.events);
    printf("outcomes: %d results, %d failed, %d incomplete, %d animal errors, %d warnings, %d "
           "multi-animal, %d cut short, %d events\n", cov.results, cov.failed, cov.incomplete,
           cov.animal_errors, cov.warnings, cov.multi, cov.cut_short, cov.events);
}

/* Every truncation and a sample of byte flips is refused (ICTUS_ERR_DATA);
 * flips with the checksum mended are refused or read back canonically. */
static void test_damage(const char *shard, const run_file *f, const char *scratch)
{
    size_t n;
    unsigned char *bytes = slurp(shard, &n);
    ictus_error err = {0};
    int wrong = 0;
    for (size_t len = 0; len < n; len++)
        wrong += read_bytes(scratch, bytes, len, f, &err) != ICTUS_ERR_DATA;
    CHECK_MSG(wrong == 0, "%d of %zu truncations not refused as data", wrong, n);
    CHECK_MSG(read_bytes(scratch, bytes, n - 1, f, &err) == ICTUS_ERR_DATA &&
                  strstr(err.msg, scratch) && strstr(err.msg, "truncated"),
              "a truncated shard's message names the file and says so: %s", err.msg);
    /* one longer: trailing bytes */
    unsigned char *longer = ictus_xmalloc(n + 1);
    memcpy(longer, bytes, n);
    longer[n] = 0;
    CHECK_INT(read_bytes(scratch, longer, n + 1, f, &err), ICTUS_ERR_DATA);
    free(longer);

    int flips = 0, refused = 0, mended_read = 0, mended_refused = 0;
    size_t step = n / 4000 + 1; /* every byte of a small shard */
    for (size_t at = 0; at < n; at += at < ICTUS_SHARD_HEADER_BYTES ? 1 : step) {
        for (int bit = 0; bit < 8; bit++) {
            unsigned char keep = bytes[at];
            bytes[at] ^= (unsigned char)(1u << bit);
            flips++;
            refused += read_bytes(scratch, bytes, n, f, &err) == ICTUS_ERR_DATA;
            if (at >= ICTUS_SHARD_HEADER_BYTES) { /* past the checksum: the parser's checks */
                mend_checksum(bytes, n);
                run_outcome o;
                if (!support_edf_write_file(scratch, bytes, n))
                    abort();
                ictus_status st = run_shard_read(scratch, f, &o, &err);
                /* a value changed: it must write back to these bytes (checked for one bit
                 * of each byte: every write is fsync()ed, and make check has 3 minutes) */
                if (st == ICTUS_OK && bit == 0) {
                    mended_read++;
                    char again[8192];
                    snprintf(again, sizeof again, "%s.again", scratch);
                    CHECK(run_shard_write(again, &o, &err) == ICTUS_OK);
                    size_t m;
                    unsigned char *back = slurp(again, &m);
                    CHECK_MSG(m == n && memcmp(back, bytes, n) == 0,
                              "byte %zu bit %d: read and written again differs", at, bit);
                    free(back);
                    remove(again);
                } else if (st != ICTUS_OK) {
                    mended_refused++;
                    CHECK_MSG(st == ICTUS_ERR_DATA && strstr(err.msg, "byte "),
                              "byte %zu: %s", at, err.msg);
                }
                run_outcome_clear(&o);
            }
            bytes[at] = keep;
        }
    }
    CHECK_MSG(refused == flips, "%d of %d byte flips refused", refused, flips);
    CHECK_MSG(mended_read > 0 && mended_refused > 0,
              "with the checksum mended: %d read, %d refused", mended_read, mended_refused);
    printf("shard of %zu bytes: %zu truncations, %d flips refused; checksum mended: %d read "
           "back canonically, %d refused\n", n, n, flips, mended_read, mended_refused);
    /* another version, checksum and all */
    bytes[8] = 2;
    CHECK_MSG(read_bytes(scratch, bytes, n, f, &err) == ICTUS_ERR_DATA &&
                  strstr(err.msg, "version 2"),
              "another version: %s", err.msg);
    free(bytes);
}

/* The shard of one path read for another is refused; a missing shard is an I/O error. */
static void test_wrong_path(const char *shard, const run_file *f)
{
    run_file other = *f;
    other.path = "recordings/someone_else.edf";
    run_outcome o;
    ictus_error err = {0};
    CHECK_INT(run_shard_read(shard, &other, &o, &err), ICTUS_ERR_DATA);
    CHECK_MSG(strstr(err.msg, "another recording") && strstr(err.msg, shard),
              "wrong path: %s", err.msg);
    CHECK_MSG(o.n_animals == 0 && o.animals == NULL, "a refused shard leaves the outcome empty");
    char missing[8192];
    snprintf(missing, sizeof missing, "%s.missing", shard);
    CHECK_INT(run_shard_read(missing, f, &o, &err), ICTUS_ERR_IO);
    CHECK_MSG(strstr(err.msg, missing) != NULL, "missing: %s", err.msg);
}

/* Writing over a shard replaces it whole, and leaves no temporary file. */
static void test_atomic(const char *shard_dir, const run_file *f)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/replaced.shard", shard_dir);
    run_outcome a = {.file = f, .kind = RUN_OUT_FAILED}, b;
    snprintf(a.message, sizeof a.message, "first");
    ictus_error err = {0};
    CHECK_INT(run_shard_write(path, &a, &err), ICTUS_OK);
    a.kind = RUN_OUT_INCOMPLETE;
    snprintf(a.message, sizeof a.message, "second, longer than the first");
    CHECK_INT(run_shard_write(path, &a, &err), ICTUS_OK);
    CHECK_INT(run_shard_read(path, f, &b, &err), ICTUS_OK);
    CHECK_MSG(b.kind == RUN_OUT_INCOMPLETE && strcmp(b.message, a.message) == 0,
              "the second write replaced the first: %s", b.message);
    run_outcome_clear(&b);
    DIR *d = opendir(shard_dir);
    int tmp = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        tmp += strstr(e->d_name, ".tmp.") != NULL;
    if (d)
        closedir(d);
    CHECK_INT(tmp, 0);
    char bad_dir[4096];
    snprintf(bad_dir, sizeof bad_dir, "%s/no/such/dir.shard", shard_dir);
    CHECK_INT(run_shard_write(bad_dir, &a, &err), ICTUS_ERR_IO);
    CHECK_MSG(strstr(err.msg, "no/such") != NULL, "unwritable: %s", err.msg);
}

int main(void)
{
    setenv("ICTUS_PRESET_DIR", "detectors/presets", 1); /* the tests run from the root */
    study_fixture fx;
    if (study_make(&fx)) {
        char *shards = support_tmpdir("shards");
        char best[4096] = "", scratch[4096];
        const run_file *best_file = NULL;
        test_round_trip(&fx, shards, best, sizeof best, &best_file);
        snprintf(scratch, sizeof scratch, "%s/scratch.shard", shards);
        if (CHECK(best_file != NULL)) {
            test_damage(best, best_file, scratch);
            test_wrong_path(best, best_file);
            test_atomic(shards, best_file);
        }
        support_tmpdir_remove(shards);
    }
    study_free(&fx);
    return check_done("test_shard");
}
