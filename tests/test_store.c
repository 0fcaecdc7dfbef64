/* test_store.c: the results store (store/store.c).
 *
 * Proves:
 *   - schema: a new file, an empty (0-byte) file and an SQLite file at
 *     version 0 with no tables are migrated to ICTUS_STORE_SCHEMA_VERSION in
 *     WAL mode with foreign keys on; reopening keeps the data; a database of
 *     a newer version, an SQLite database of another program and a file that
 *     is not SQLite are refused with a message naming the file; a missing
 *     directory, a directory and a path through a regular file give I/O errors;
 *   - put: putting the same results twice leaves identical table contents
 *     (canonical dump without surrogate ids); new results replace every old
 *     event, channel and series of the recording, keep its id and reviews;
 *     invalid results change nothing; a missing run id is refused (foreign
 *     keys are on);
 *   - failures: a failed/incomplete attempt records status, error and the
 *     file's identity but leaves the previous results in place;
 *   - crash safety: a child process SIGKILLed inside a put (after the row
 *     upsert, after deleting half the old events, after inserting half the
 *     new ones, after the series, in the commit hook, between two puts of a
 *     begin()/commit() group) leaves a database that passes integrity_check
 *     and holds exactly the old results; an unkilled child leaves the new;
 *   - groups: rollback drops a group; a failing put inside a group is undone
 *     alone;
 *   - analysable time: partial buckets pro rata, gaps, the last short bucket,
 *     channels and animals apart, overlapping recordings counted once at the
 *     larger share, additivity over random split points, never more than
 *     the range; a range late in a run of short recordings counts a long one
 *     begun far before it (schema 4's bound on the rows read), and so inside
 *     a read transaction (ictus_store_read_begin/end: nested, a no-op);
 *   - events: filters by animal and time, deterministic order, the review of
 *     an event follows it through reprocessing; events.csv export is exact
 *     and identical on repetition; deleting a recording removes its rows
 *     (foreign-key cascade) and keeps its reviews;
 *   - SQL injection attempts in path, animal, labels, types, messages are
 *     stored and read back verbatim and harm nothing;
 *   - event channel and type names of the longest length read back whole; a
 *     longer one in the database is an error naming the recording, never cut
 *     short; every artefact kind is listed with the analysable time;
 *   - runs: start/finish/problems columns; finishing an unknown run fails;
 *   - schema 3: the version-1 database's runs row and the rows referring to
 *     it survive the rebuild of runs; a run finishes as 'interrupted' and
 *     reads back so; foreign keys are on again after the migrations;
 *   - decisions (schema 2): a version-1 database (tests/fixtures/store_v1.sql)
 *     migrates with its reviews kept and the "type=X; note" prefix moved into
 *     the type column; a changed decision keeps the earlier one (history,
 *     newest first; the current decision is the newest over all reviewers, a
 *     reviewer's own is their newest); corrected type and edges make the
 *     effective event; reviews follow a renamed file by content hash and a
 *     re-detected event with shifted edges by overlap; a review whose event
 *     is no longer detected is an orphan; added events are walked with their
 *     current verdict and never decide a detected event; the event query
 *     uses the reviews' indexes (EXPLAIN QUERY PLAN); a busy database gives
 *     ICTUS_ERR_BUSY and stores nothing; blinding keys are stable per
 *     reviewer; the audit log reads back in order.
 */
#include "store/store.h"

#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/walltime.h"
#include "tests/check.h"
#include "base/path.h"
#include "base/readfile.h"
#include "base/strbuf.h"
#include "base/vec.h"
#include "tests/support_tmp.h"

static char *tmp_dir;

/* Remove a database and its WAL side files. */
static void remove_db(const char *path)
{
    static const char *const suffixes[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        char file[ICTUS_PATH_MAX];
        ictus_error err;
        if (CHECK_MSG(ictus_path_format(file, sizeof file, &err, "%s%s", path, suffixes[i]) ==
                          ICTUS_OK, "%s", err.msg))
            unlink(file);
    }
}

static ictus_store *open_ok(const char *path)
{
    ictus_store *s = NULL;
    ictus_error err = {0};
    CHECK_MSG(ictus_store_open(path, &s, &err) == ICTUS_OK, "%s", err.msg);
    return s;
}

#define OK(call)                                                                                   \
    do {                                                                                           \
        ictus_error err_ = {0};                                                                    \
        ictus_status st_ = (call);                                                                 \
        CHECK_MSG(st_ == ICTUS_OK, "%s: %s", #call, err_.msg);                                     \
    } while (0)

/* ------------------------------------------------------------------------
 * Canonical dump: every table, without surrogate ids, in a fixed order.
 * ---------------------------------------------------------------------- */

static void dump_query(sqlite3 *db, const char *sql, ictus_strbuf *b)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        CHECK_MSG(false, "dump: %s: %s", sql, sqlite3_errmsg(db));
        return;
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
        for (int c = 0; c < sqlite3_column_count(st); c++) {
            const unsigned char *t = sqlite3_column_text(st, c);
            ictus_strbuf_add(b, c ? "|" : "");
            ictus_strbuf_add(b, t ? (const char *)t : "NULL");
        }
        ictus_strbuf_add(b, "\n");
    }
    sqlite3_finalize(st);
}

/* The whole content, for equality checks; caller frees. */
static char *dump(ictus_store *s)
{
    static const char *const queries[] = {
        "SELECT * FROM runs ORDER BY id",
        "SELECT run_id, path, kind, message FROM run_problems ORDER BY 1, 2, 3, 4",
        "SELECT path, animal, status, error, size_bytes, mtime_ns, inode, content_hash, "
        "first_run_id, last_run_id, results_hash, format, n_channels, start_us, duration_us, "
        "n_gaps, gap_us, preset, params_hash, results_run_id FROM recordings ORDER BY 1, 2",
        "SELECT r.path, r.animal, c.idx, c.label, c.fs_hz, c.unit, c.role, c.analysed "
        "FROM channels c JOIN recordings r ON r.id = c.recording_id ORDER BY 1, 2, 3",
        "SELECT r.path, e.animal, e.channel, e.start_us, e.end_us, e.wall_start_us, e.type, "
        "e.score, e.preset FROM events e JOIN recordings r ON r.id = e.recording_id "
        "ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9",
        "SELECT r.path, r.animal, a.channel, a.bucket_us, a.unit_us, a.n_buckets, "
        "hex(a.analysable_units), a.artefact_kinds, hex(a.artefact_windows) "
        "FROM analysable a JOIN recordings r ON r.id = a.recording_id ORDER BY 1, 2, 3",
        "SELECT path, animal, channel, start_us, end_us, verdict, racine, reviewer, "
        "reviewed_unix_us, note FROM reviews ORDER BY 1, 2, 3, 4",
    };
    ictus_strbuf b = {0};
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        ictus_strbuf_add(&b, "--\n");
        dump_query(ictus_store_db(s), queries[i], &b);
    }
    return ictus_strbuf_take(&b);
}

static int64_t count_rows(ictus_store *s, const char *table)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    sqlite3_stmt *st;
    int64_t n = -1;
    if (sqlite3_prepare_v2(ictus_store_db(s), sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static char *pragma_text(ictus_store *s, const char *sql)
{
    sqlite3_stmt *st;
    char *out = NULL;
    if (sqlite3_prepare_v2(ictus_store_db(s), sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        out = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return out ? out : strdup("(none)");
}

/* ------------------------------------------------------------------------
 * Test results
 * ---------------------------------------------------------------------- */

#define MAX_EVENTS 64

/* One recording's results, owning the arrays the ictus_store_results points to. */
typedef struct {
    ictus_store_results res;
    ictus_hash128 hash;
    ictus_store_channel channels[3];
    ictus_event events[MAX_EVENTS];
    int64_t analysable_us[2][16];
    uint16_t windows[16 * ICTUS_STORE_N_ARTEFACT_KINDS];
    ictus_store_series series[2];
} results;

static const int64_t T_10H = INT64_C(1767607200000000); /* 2026-01-05T10:00:00 */

/* Results for (path, animal): `n_events` events whose times depend on `seed`;
 * start T_10H + start_offset_s, 10 min long. */
static void make_results(results *r, const char *path, const char *animal, int64_t run_id,
                         int n_events, int seed)
{
    memset(r, 0, sizeof *r);
    r->hash = (ictus_hash128){UINT64_C(0x1111) * (uint64_t)seed, 42};
    r->channels[0] = (ictus_store_channel){"HPC", 1000, "uV", "HPC", true};
    r->channels[1] = (ictus_store_channel){"CTX", 1000, "uV", "CTX", true};
    r->channels[2] = (ictus_store_channel){"EMG", 500, "mV", "EMG", false};
    for (int i = 0; i < n_events; i++) {
        ictus_event *e = &r->events[i];
        e->start_us = (int64_t)(i * 20 + seed) * ICTUS_US_PER_S;
        e->end_us = e->start_us + (5 + i % 3) * ICTUS_US_PER_S;
        e->wall_start_us = T_10H + e->start_us;
        snprintf(e->channel, sizeof e->channel, "%s", i % 2 ? "*" : "HPC");
        snprintf(e->type, sizeof e->type, "%s", i % 4 == 3 ? "convulsive" : "hpd");
        e->score = 0.5 + 0.01 * i;
    }
    const int64_t n_buckets = 10;
    for (int b = 0; b < n_buckets; b++) {
        r->analysable_us[0][b] = (600 - 10 * b - seed % 7) * ICTUS_US_PER_S / 10;
        r->analysable_us[1][b] = (300 + b) * ICTUS_US_PER_S / 10;
        for (int k = 0; k < ICTUS_STORE_N_ARTEFACT_KINDS; k++)
            r->windows[b * ICTUS_STORE_N_ARTEFACT_KINDS + k] = (uint16_t)(b + k + seed);
    }
    r->series[0] = (ictus_store_series){"*", n_buckets, r->analysable_us[0], r->windows};
    r->series[1] = (ictus_store_series){"HPC", n_buckets, r->analysable_us[1], NULL};
    r->res = (ictus_store_results){
        .file = {path, animal, {1000000 + seed, 1700000000000000000 + seed, 77}, &r->hash, run_id},
        .format = "EDF+C",
        .start_us = T_10H,
        .duration_us = 600 * ICTUS_US_PER_S,
        .n_gaps = 0,
        .gap_us = 0,
        .preset = "ihka-mouse@1",
        .params_hash = {7, 8},
        .n_channels = 3,
        .channels = r->channels,
        .n_events = n_events,
        .events = r->events,
        .n_series = 2,
        .series = r->series,
    };
}

static int64_t start_run(ictus_store *s, const char *preset)
{
    ictus_store_run_info info = {1767600000000000, "0.1.0", "labhost", 4242, preset,
                                 "[signal]\nmains_hz=50\n"};
    int64_t id = 0;
    OK(ictus_store_run_start(s, &info, &id, &err_));
    return id;
}

static void put_ok(ictus_store *s, const results *r)
{
    OK(ictus_store_put_recording(s, &r->res, &err_));
}

/* ------------------------------------------------------------------------
 * Schema, opening, bad files
 * ---------------------------------------------------------------------- */

static void check_fresh_schema(const char *path)
{
    ictus_store *s = open_ok(path);
    if (!s)
        return;
    CHECK_INT(ictus_store_schema_version(s), ICTUS_STORE_SCHEMA_VERSION);
    char *mode = pragma_text(s, "PRAGMA journal_mode"), *fk = pragma_text(s, "PRAGMA foreign_keys");
    char *uv = pragma_text(s, "PRAGMA user_version");
    CHECK_STR(mode, "wal");
    CHECK_STR(fk, "1");
    CHECK_INT(atoi(uv), ICTUS_STORE_SCHEMA_VERSION);
    free(mode);
    free(fk);
    free(uv);
    CHECK_INT(count_rows(s, "recordings"), 0);
    CHECK_INT(count_rows(s, "events"), 0);
    ictus_store_close(s);
}

/* Make an SQLite file by running `sql` in a plain connection. */
static void make_sqlite(const char *path, const char *sql)
{
    remove_db(path);
    sqlite3 *db;
    CHECK(sqlite3_open(path, &db) == SQLITE_OK);
    CHECK_MSG(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK, "%s", sqlite3_errmsg(db));
    sqlite3_close(db);
}

static void expect_open_error(const char *path, ictus_status want, const char *fragment)
{
    ictus_store *s = (ictus_store *)1;
    ictus_error err = {0};
    ictus_status st = ictus_store_open(path, &s, &err);
    CHECK_MSG(st == want, "%s: status %s, want %s (%s)", path, ictus_strstatus(st),
              ictus_strstatus(want), err.msg);
    CHECK(s == NULL);
    CHECK_MSG(strncmp(err.msg, path, strlen(path)) == 0, "message does not start with the path: %s",
              err.msg);
    CHECK_MSG(strstr(err.msg, fragment) != NULL, "\"%s\" not in: %s", fragment, err.msg);
    CHECK_MSG(strchr(err.msg, '\n') == NULL, "not one line: %s", err.msg);
}

static void test_schema_and_open_errors(void)
{
    const char *path = support_path(tmp_dir, "new.db");
    remove_db(path);
    check_fresh_schema(path);

    /* Reopening keeps the data and does not migrate again. */
    ictus_store *s = open_ok(path);
    int64_t run = start_run(s, "p@1");
    ictus_store_close(s);
    s = open_ok(path);
    CHECK_INT(count_rows(s, "runs"), 1);
    CHECK(run == 1);
    ictus_store_close(s);

    /* A 0-byte file and a version-0 SQLite file with no tables are migrated. */
    const char *empty = support_path(tmp_dir, "empty.db");
    remove_db(empty);
    FILE *f = fopen(empty, "wb");
    fclose(f);
    check_fresh_schema(empty);
    const char *v0 = support_path(tmp_dir, "v0.db");
    make_sqlite(v0, "CREATE TABLE t (x); DROP TABLE t;");
    check_fresh_schema(v0);

    /* A newer schema is refused and left untouched. */
    const char *newer = support_path(tmp_dir, "newer.db");
    char sql[128];
    snprintf(sql, sizeof sql, "PRAGMA application_id = %d; PRAGMA user_version = 99;", 0x69637473);
    make_sqlite(newer, sql);
    expect_open_error(newer, ICTUS_ERR_DB, "newer ictus (schema version 99");

    const char *foreign = support_path(tmp_dir, "foreign.db");
    make_sqlite(foreign, "CREATE TABLE customers (name TEXT);");
    expect_open_error(foreign, ICTUS_ERR_FORMAT, "another program");
    const char *foreign_uv = support_path(tmp_dir, "foreign_uv.db");
    make_sqlite(foreign_uv, "PRAGMA user_version = 3;");
    expect_open_error(foreign_uv, ICTUS_ERR_FORMAT, "another program");

    const char *text = support_path(tmp_dir, "notes.db");
    f = fopen(text, "wb");
    for (int i = 0; i < 200; i++)
        fputs("this is not a database. ", f);
    fclose(f);
    expect_open_error(text, ICTUS_ERR_FORMAT, "not an SQLite database");

    const char *edf = support_path(tmp_dir, "recording.edf");
    f = fopen(edf, "wb");
    fputs("0       ", f);
    for (int i = 0; i < 248; i++)
        fputc(' ', f);
    fclose(f);
    expect_open_error(edf, ICTUS_ERR_FORMAT, "not an SQLite database");

    expect_open_error(support_path(tmp_dir, "no/such/dir/ictus.db"), ICTUS_ERR_IO, "cannot open");
    expect_open_error(tmp_dir, ICTUS_ERR_IO, "cannot open");
    expect_open_error(support_path(text, "ictus.db"), ICTUS_ERR_IO, "cannot open");
    /* A directory the process may not write to (permissions do not bind root). */
    if (geteuid() != 0) {
        const char *locked = support_path(tmp_dir, "locked");
        mkdir(locked, 0555);
        expect_open_error(support_path(locked, "ictus.db"), ICTUS_ERR_IO, "cannot open or create");
        rmdir(locked);
    }
    remove(edf);
    remove(text);
}

/* ------------------------------------------------------------------------
 * Put, replace, idempotence, failures, runs
 * ---------------------------------------------------------------------- */

static int64_t count_events_of(ictus_store *s, const char *path, const char *animal)
{
    ictus_store_recording rec;
    bool found = false;
    OK(ictus_store_find_recording(s, path, animal, &rec, &found, &err_));
    int64_t n = found ? rec.n_events : -1;
    if (found)
        ictus_store_recording_clear(&rec);
    return n;
}

static void test_put_replace_idempotent(void)
{
    const char *path = support_path(tmp_dir, "put.db");
    remove_db(path);
    ictus_store *s = open_ok(path);
    int64_t run = start_run(s, "ihka-mouse@1");
    static results a, b, other;
    make_results(&a, "recordings/m1/day1.edf", "m1", run, 12, 1);
    make_results(&other, "recordings/m2/day1.edf", "m2", run, 5, 3);
    put_ok(s, &a);
    put_ok(s, &other);
    char *d1 = dump(s);
    put_ok(s, &a);
    char *d2 = dump(s);
    CHECK_MSG(strcmp(d1, d2) == 0, "second put changed the tables:\n%s\n---\n%s", d1, d2);
    CHECK_INT(count_rows(s, "events"), 17);
    CHECK_INT(count_rows(s, "channels"), 6);
    CHECK_INT(count_rows(s, "analysable"), 4);

    ictus_store_recording rec;
    bool found;
    OK(ictus_store_find_recording(s, "recordings/m1/day1.edf", "m1", &rec, &found, &err_));
    CHECK(found);
    int64_t id_before = rec.id;
    CHECK_INT(rec.status, ICTUS_REC_OK);
    CHECK_STR(rec.error, "");
    CHECK(rec.has_results && rec.has_content_hash);
    CHECK(ictus_hash128_equal(rec.results_hash, a.hash));
    CHECK(ictus_hash128_equal(rec.params_hash, a.res.params_hash));
    CHECK_STR(rec.format, "EDF+C");
    CHECK_STR(rec.preset, "ihka-mouse@1");
    CHECK_INT(rec.n_channels, 3);
    CHECK_INT(rec.start_us, T_10H);
    CHECK_INT(rec.duration_us, 600 * ICTUS_US_PER_S);
    CHECK_INT(rec.identity.size_bytes, 1000001);
    CHECK_INT(rec.first_run_id, run);
    CHECK_INT(rec.results_run_id, run);
    CHECK_INT(rec.n_events, 12);
    ictus_store_recording_clear(&rec);

    /* New results (another run, other events) replace every old row. */
    int64_t run2 = start_run(s, "ihka-mouse@1");
    make_results(&b, "recordings/m1/day1.edf", "m1", run2, 4, 2);
    b.res.n_series = 1;
    b.res.n_channels = 2;
    put_ok(s, &b);
    OK(ictus_store_find_recording(s, "recordings/m1/day1.edf", NULL, &rec, &found, &err_));
    CHECK(found && rec.id == id_before);
    CHECK_INT(rec.n_events, 4);
    CHECK_INT(rec.first_run_id, run);
    CHECK_INT(rec.last_run_id, run2);
    CHECK_INT(rec.results_run_id, run2);
    CHECK(ictus_hash128_equal(rec.results_hash, b.hash));
    ictus_store_recording_clear(&rec);
    CHECK_INT(count_rows(s, "events"), 4 + 5);
    CHECK_INT(count_rows(s, "channels"), 2 + 3);
    CHECK_INT(count_rows(s, "analysable"), 1 + 2);
    CHECK_INT(count_events_of(s, "recordings/m2/day1.edf", "m2"), 5);

    /* Invalid results change nothing. */
    char *before = dump(s);
    static results bad;
    make_results(&bad, "recordings/m1/day1.edf", "m1", run2, 6, 5);
    bad.events[4].end_us = bad.events[4].start_us;
    ictus_error err = {0};
    CHECK(ictus_store_put_recording(s, &bad.res, &err) == ICTUS_ERR_DATA);
    CHECK_MSG(strstr(err.msg, "recordings/m1/day1.edf (m1): event 5") == err.msg, "%s", err.msg);
    make_results(&bad, "recordings/m1/day1.edf", "m1", run2, 6, 5);
    bad.series[1].n_buckets = 9;
    CHECK(ictus_store_put_recording(s, &bad.res, &err) == ICTUS_ERR_DATA);
    CHECK_MSG(strstr(err.msg, "\"HPC\" has 9 buckets: expected 10") != NULL, "%s", err.msg);
    make_results(&bad, "recordings/m1/day1.edf", "m1", run2, 6, 5);
    bad.analysable_us[0][3] = 60 * ICTUS_US_PER_S + 1; /* 1 µs more than the bucket */
    CHECK(ictus_store_put_recording(s, &bad.res, &err) == ICTUS_ERR_DATA);
    CHECK_MSG(strstr(err.msg, "bucket 3: 60000001 us analysable: expected 0 to the bucket's "
                              "60000000 us") != NULL, "%s", err.msg);
    make_results(&bad, "recordings/m1/day1.edf", "m1", run2, 6, 5);
    bad.analysable_us[1][9] = -1;
    CHECK(ictus_store_put_recording(s, &bad.res, &err) == ICTUS_ERR_DATA);
    CHECK_MSG(strstr(err.msg, "\"HPC\", bucket 9: -1 us") != NULL, "%s", err.msg);
    make_results(&bad, "recordings/m1/day1.edf", "m1", run2, 6, 5);
    bad.series[1].channel = "*";
    CHECK(ictus_store_put_recording(s, &bad.res, &err) == ICTUS_ERR_DATA);
    make_results(&bad, "recordings/m1/day1.edf", "m1", 999, 6, 5); /* no run 999 */
    CHECK(ictus_store_put_recording(s, &bad.res, &err) == ICTUS_ERR_DB);
    CHECK_MSG(strstr(err.msg, "FOREIGN KEY") != NULL, "%s", err.msg);
    char *after = dump(s);
    CHECK_MSG(strcmp(before, after) == 0, "a refused put changed the tables");

    free(d1);
    free(d2);
    free(before);
    free(after);
    ictus_store_close(s);
}

/* Up to four rows of a listing, as the lean one has them (strings copied). */
typedef struct {
    struct {
        int64_t id, start_us, duration_us;
        char path[64], animal[16];
        int status;
        bool has_results;
    } rows[4];
    int n;
} span_rows;

static ictus_status collect_span(void *ctx, const ictus_store_recording_span *r, ictus_error *err)
{
    span_rows *l = ctx;
    if (l->n < 4) {
        l->rows[l->n].id = r->id;
        l->rows[l->n].start_us = r->start_us;
        l->rows[l->n].duration_us = r->duration_us;
        snprintf(l->rows[l->n].path, sizeof l->rows[l->n].path, "%s", r->path);
        snprintf(l->rows[l->n].animal, sizeof l->rows[l->n].animal, "%s", r->animal);
        l->rows[l->n].status = (int)r->status;
        l->rows[l->n].has_results = r->has_results;
    }
    l->n++;
    return ICTUS_OK;
}

static ictus_status collect_whole(void *ctx, const ictus_store_recording *r, ictus_error *err)
{
    const ictus_store_recording_span span = {r->id, r->path, r->animal, r->status,
                                             r->has_results, r->start_us, r->duration_us};
    return collect_span(ctx, &span, err);
}

static void test_failures_keep_results(void)
{
    const char *path = support_path(tmp_dir, "fail.db");
    remove_db(path);
    ictus_store *s = open_ok(path);
    int64_t run = start_run(s, "ihka-mouse@1");
    static results a;
    make_results(&a, "recordings/m1/day1.edf", "m1", run, 7, 1);
    put_ok(s, &a);

    int64_t run2 = start_run(s, "ihka-mouse@1");
    ictus_store_file f = {"recordings/m1/day1.edf", "m1", {5, 6, 78}, NULL, run2};
    OK(ictus_store_put_failure(s, &f, ICTUS_REC_FAILED, "recordings/m1/day1.edf: record 12: bad",
                               &err_));
    ictus_store_recording rec;
    bool found;
    OK(ictus_store_find_recording(s, f.path, f.animal, &rec, &found, &err_));
    CHECK_INT(rec.status, ICTUS_REC_FAILED);
    CHECK_STR(rec.error, "recordings/m1/day1.edf: record 12: bad");
    CHECK_INT(rec.identity.size_bytes, 5);
    CHECK_INT(rec.identity.inode, 78);
    CHECK(!rec.has_content_hash);
    CHECK(rec.has_results && ictus_hash128_equal(rec.results_hash, a.hash));
    CHECK_INT(rec.n_events, 7);
    CHECK_INT(rec.last_run_id, run2);
    CHECK_INT(rec.results_run_id, run);
    ictus_store_recording_clear(&rec);
    CHECK_INT(count_rows(s, "analysable"), 2);
    CHECK_INT(count_rows(s, "channels"), 3);

    /* A new file that is still being written: a row without results. */
    ictus_hash128 h = {1, 2};
    ictus_store_file g = {"recordings/m1/day2.edf", "m1", {9, 10, 11}, &h, run2};
    OK(ictus_store_put_failure(s, &g, ICTUS_REC_INCOMPLETE, "still written", &err_));
    OK(ictus_store_find_recording(s, g.path, NULL, &rec, &found, &err_));
    CHECK(found && rec.status == ICTUS_REC_INCOMPLETE && !rec.has_results && rec.has_content_hash);
    CHECK_INT(rec.first_run_id, run2);
    ictus_store_recording_clear(&rec);
    /* The lean listing gives each_recording()'s rows, order and columns: a
     * failed row with results, an incomplete one without. */
    span_rows whole = {0}, lean = {0};
    OK(ictus_store_each_recording(s, collect_whole, &whole, &err_));
    OK(ictus_store_each_recording_span(s, collect_span, &lean, &err_));
    CHECK_INT(lean.n, 2);
    CHECK_INT(whole.n, lean.n);
    for (int i = 0; i < lean.n && i < whole.n; i++) {
        CHECK_INT(lean.rows[i].id, whole.rows[i].id);
        CHECK_STR(lean.rows[i].path, whole.rows[i].path);
        CHECK_STR(lean.rows[i].animal, whole.rows[i].animal);
        CHECK_INT(lean.rows[i].status, whole.rows[i].status);
        CHECK_INT(lean.rows[i].has_results, whole.rows[i].has_results);
        CHECK_INT(lean.rows[i].start_us, whole.rows[i].start_us);
        CHECK_INT(lean.rows[i].duration_us, whole.rows[i].duration_us);
    }
    CHECK(lean.n == 2 && lean.rows[0].has_results && !lean.rows[1].has_results &&
          lean.rows[0].status == ICTUS_REC_FAILED);

    /* Good results again: status ok, error cleared. */
    put_ok(s, &a);
    OK(ictus_store_find_recording(s, f.path, f.animal, &rec, &found, &err_));
    CHECK(rec.status == ICTUS_REC_OK && rec.error[0] == '\0');
    ictus_store_recording_clear(&rec);
    OK(ictus_store_find_recording(s, "recordings/none.edf", NULL, &rec, &found, &err_));
    CHECK(!found);

    /* Runs and problems. */
    OK(ictus_store_run_problem(s, run2, "recordings/m1/day1.edf", ICTUS_PROBLEM_FAILED, "bad",
                               &err_));
    OK(ictus_store_run_problem(s, run2, "dosing.csv", ICTUS_PROBLEM_WARNING,
                               "dosing.csv:14:6 (end): end before start", &err_));
    ictus_store_run_end end = {1767600100000000, ICTUS_RUN_PROBLEMS, 1, 2, 3, 4, 5, 6};
    OK(ictus_store_run_finish(s, run2, &end, &err_));
    ictus_error err;
    CHECK(ictus_store_run_finish(s, 12345, &end, &err) == ICTUS_ERR_DB);
    CHECK_MSG(strstr(err.msg, "no run 12345") != NULL, "%s", err.msg);
    char *d = dump(s);
    CHECK_MSG(strstr(d, "2|1767600000000000|1767600100000000|0.1.0|labhost|4242|ihka-mouse@1|"
                        "[signal]\nmains_hz=50\n|") != NULL, "%s", d);
    CHECK_MSG(strstr(d, "|problems|1|2|3|4|5|6\n") != NULL, "%s", d);
    CHECK_MSG(strstr(d, "2|dosing.csv|warning|dosing.csv:14:6 (end): end before start\n") != NULL,
              "%s", d);
    free(d);
    ictus_store_close(s);
}

/* ------------------------------------------------------------------------
 * Crash safety
 * ---------------------------------------------------------------------- */

typedef struct {
    const char *name;
    const char *table;  /* kill at the n-th change of this table... */
    int op;             /* ...of this kind (SQLITE_INSERT / _DELETE / _UPDATE) */
    int n;
    bool at_commit;     /* or when SQLite is about to commit */
    bool grouped;       /* the put runs in a begin()/commit() group after another put */
} kill_point;

static const kill_point *armed;
static int changes_seen;

static void on_change(void *ctx, int op, const char *db, const char *table, sqlite3_int64 row)
{
    if (armed && !armed->at_commit && op == armed->op && strcmp(table, armed->table) == 0 &&
        ++changes_seen == armed->n)
        raise(SIGKILL);
}

static int on_commit(void *ctx)
{
    if (armed && armed->at_commit)
        raise(SIGKILL);
    return 0;
}

/* In a child: open the store, arm the kill point, put `b` (and, when
 * grouped, `c` first in the same group).  Exits 0 when not killed. */
static void child_put(const char *path, const kill_point *kp, const results *b, const results *c)
{
    ictus_store *s;
    ictus_error err;
    if (ictus_store_open(path, &s, &err) != ICTUS_OK)
        _exit(3);
    armed = kp;
    sqlite3_update_hook(ictus_store_db(s), on_change, NULL);
    sqlite3_commit_hook(ictus_store_db(s), on_commit, NULL);
    bool ok = true;
    if (kp && kp->grouped) {
        ok = ictus_store_begin(s, &err) == ICTUS_OK &&
             ictus_store_put_recording(s, &c->res, &err) == ICTUS_OK &&
             ictus_store_put_recording(s, &b->res, &err) == ICTUS_OK &&
             ictus_store_commit(s, &err) == ICTUS_OK;
    } else {
        ok = ictus_store_put_recording(s, &b->res, &err) == ICTUS_OK;
    }
    ictus_store_close(s);
    _exit(ok ? 0 : 4);
}

/* Fork a child that puts b (and c); returns its wait status. */
static int run_child(const char *path, const kill_point *kp, const results *b, const results *c)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0)
        child_put(path, kp, b, c);
    int status = 0;
    waitpid(pid, &status, 0);
    return status;
}

static void check_integrity(ictus_store *s)
{
    char *ic = pragma_text(s, "PRAGMA integrity_check");
    char *fk = pragma_text(s, "PRAGMA foreign_key_check");
    CHECK_STR(ic, "ok");
    CHECK_STR(fk, "(none)");
    free(ic);
    free(fk);
}

static void test_crash_safety(void)
{
    const char *path = support_path(tmp_dir, "crash.db");
    static results a, b, c, c_old;
    /* a: old results of day1 (40 events); b: new ones (30 events); c: another
     * recording (grouped case). */
    const kill_point points[] = {
        {"after the recording row upsert", "recordings", SQLITE_UPDATE, 1, false, false},
        {"after deleting half the old events", "events", SQLITE_DELETE, 20, false, false},
        {"after inserting half the new events", "events", SQLITE_INSERT, 15, false, false},
        {"after inserting every new event", "events", SQLITE_INSERT, 30, false, false},
        {"after the first series", "analysable", SQLITE_INSERT, 1, false, false},
        {"in the commit hook", NULL, 0, 0, true, false},
        {"inside a group, in the second put", "events", SQLITE_INSERT, 37, false, true},
    };
    for (size_t k = 0; k < sizeof points / sizeof points[0]; k++) {
        remove_db(path);
        ictus_store *s = open_ok(path);
        int64_t run = start_run(s, "ihka-mouse@1");
        int64_t run2 = start_run(s, "ihka-mouse@2");
        make_results(&a, "recordings/m1/day1.edf", "m1", run, 40, 1);
        make_results(&b, "recordings/m1/day1.edf", "m1", run2, 30, 2);
        make_results(&c_old, "recordings/m2/day1.edf", "m2", run, 3, 3);
        make_results(&c, "recordings/m2/day1.edf", "m2", run2, 7, 4);
        put_ok(s, &a);
        put_ok(s, &c_old);
        char *old = dump(s);
        ictus_store_close(s);

        changes_seen = 0;
        int status = run_child(path, &points[k], &b, &c);
        CHECK_MSG(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
                  "%s: the child was not killed (status %d)", points[k].name, status);
        s = open_ok(path);
        check_integrity(s);
        char *now = dump(s);
        CHECK_MSG(strcmp(old, now) == 0, "%s: the old results were not intact", points[k].name);
        free(now);

        /* The store is usable after the crash: the same put now succeeds. */
        ictus_store_close(s);
        s = open_ok(path);
        ictus_error err;
        CHECK_MSG(ictus_store_put_recording(s, &b.res, &err) == ICTUS_OK, "%s: put after crash: %s",
                  points[k].name, err.msg);
        check_integrity(s);
        CHECK_INT(count_events_of(s, "recordings/m1/day1.edf", "m1"), 30);
        CHECK_INT(count_events_of(s, "recordings/m2/day1.edf", "m2"), 3);
        free(old);
        ictus_store_close(s);
    }
}

static void test_groups(void)
{
    const char *path = support_path(tmp_dir, "group.db");
    remove_db(path);
    ictus_store *s = open_ok(path);
    int64_t run = start_run(s, "p@1");
    static results a, b, bad;
    make_results(&a, "recordings/a.edf", "m1", run, 3, 1);
    make_results(&b, "recordings/b.edf", "m1", run, 4, 2);
    make_results(&bad, "recordings/c.edf", "m1", 999, 4, 2);

    OK(ictus_store_begin(s, &err_));
    put_ok(s, &a);
    ictus_store_rollback(s);
    CHECK_INT(count_rows(s, "recordings"), 0);

    OK(ictus_store_begin(s, &err_));
    put_ok(s, &a);
    ictus_error err;
    CHECK(ictus_store_put_recording(s, &bad.res, &err) == ICTUS_ERR_DB);
    put_ok(s, &b);
    OK(ictus_store_commit(s, &err_));
    CHECK_INT(count_rows(s, "recordings"), 2);
    CHECK_INT(count_rows(s, "events"), 7);
    ictus_store_rollback(s); /* nothing open: a no-op */
    ictus_store_close(s);
}

/* ------------------------------------------------------------------------
 * Analysable time
 * ---------------------------------------------------------------------- */

/* Put a recording of `animal` starting at T_10H + offset_s, lasting
 * duration_s, with series `channel` holding analysable_us[]. */
static void put_series(ictus_store *s, int64_t run, const char *path, const char *animal,
                       int64_t offset_s, int64_t duration_s, const char *channel,
                       const int64_t *analysable_us, int64_t n_buckets)
{
    static ictus_hash128 h = {3, 4};
    ictus_store_series ser = {channel, n_buckets, analysable_us, NULL};
    ictus_store_results res = {
        .file = {path, animal, {1, 2, 3}, &h, run},
        .format = "FLAC",
        .start_us = T_10H + offset_s * ICTUS_US_PER_S,
        .duration_us = duration_s * ICTUS_US_PER_S,
        .preset = "p@1",
        .n_series = 1,
        .series = &ser,
    };
    OK(ictus_store_put_recording(s, &res, &err_));
}

static double analysable(ictus_store *s, const char *animal, const char *channel, double t0_s,
                         double t1_s)
{
    double secs = -1;
    OK(ictus_store_analysable_s(s, animal, channel, T_10H + (int64_t)(t0_s * 1e6),
                                T_10H + (int64_t)(t1_s * 1e6), &secs, &err_));
    return secs;
}

/* x seconds in µs */
#define S(x) ((int64_t)(x) * ICTUS_US_PER_S)

static uint64_t rng = 99;
static double uniform(void)
{
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(rng >> 11) / 9007199254740992.0;
}

static void test_analysable(void)
{
    const char *path = support_path(tmp_dir, "analysable.db");
    remove_db(path);
    ictus_store *s = open_ok(path);
    int64_t run = start_run(s, "p@1");
    /* m1: 150 s from 10:00:00, buckets 60 + 60 + 30 s; the second is half
     * artefact; then a gap; then 60 s from 10:05:00. */
    const int64_t r1[] = {S(60), S(30), S(30)}, r1_hpc[] = {S(60), 0, S(30)}, r2[] = {S(60)};
    put_series(s, run, "recordings/r1.wav", "m1", 0, 150, "*", r1, 3);
    put_series(s, run, "recordings/r1b.wav", "m9", 0, 150, "HPC", r1_hpc, 3);
    put_series(s, run, "recordings/r2.wav", "m1", 300, 60, "*", r2, 1);
    const double tol = 1e-9;
    CHECK_NEAR(analysable(s, "m1", "*", 0, 150), 120, 0, tol);
    CHECK_NEAR(analysable(s, "m1", "*", 30, 135), 30 + 30 + 15, 0, tol);
    CHECK_NEAR(analysable(s, "m1", "*", 70, 100), 15, 0, tol);  /* inside the half bucket */
    CHECK_NEAR(analysable(s, "m1", "*", 140, 1000), 10 + 60, 0, tol); /* last short bucket + r2 */
    CHECK_NEAR(analysable(s, "m1", "*", 150, 300), 0, 0, tol);  /* the gap */
    CHECK_NEAR(analysable(s, "m1", "*", -3600, 3600), 180, 0, tol);
    CHECK_NEAR(analysable(s, "m1", "*", 100, 100), 0, 0, tol);
    CHECK_NEAR(analysable(s, "m1", "*", 100, 50), 0, 0, tol);
    CHECK_NEAR(analysable(s, "m1", "HPC", 0, 150), 0, 0, tol);  /* no such series for m1 */
    CHECK_NEAR(analysable(s, "m9", "HPC", 0, 150), 90, 0, tol);
    CHECK_NEAR(analysable(s, "m9", "HPC", 60, 120), 0, 0, tol);
    CHECK_NEAR(analysable(s, "nobody", "*", 0, 150), 0, 0, tol);

    /* New rows are stored in 1 ms units (60 s = 60000 = 0xEA60)... */
    char *row = pragma_text(s, "SELECT a.unit_us || ' ' || hex(a.analysable_units) FROM analysable a "
                               "JOIN recordings r ON r.id = a.recording_id "
                               "WHERE r.path = 'recordings/r1b.wav'");
    CHECK_STR(row, "1000 60EA00003075");
    free(row);
    /* ...and every row is read in its own unit: m9's series rewritten as an
     * older database stored it (0.1 s units: 600, 0, 300) reads the same. */
    CHECK(sqlite3_exec(ictus_store_db(s), "UPDATE analysable SET unit_us = 100000, "
                       "analysable_units = X'580200002C01' WHERE channel = 'HPC'", NULL, NULL,
                       NULL) == SQLITE_OK);
    CHECK_NEAR(analysable(s, "m9", "HPC", 0, 150), 90, 0, tol);
    CHECK_NEAR(analysable(s, "m9", "HPC", 30, 135), 30 + 0 + 15, 0, tol);
    /* A bucket's µs round to the nearest ms: 59.9995 s stores 60000 units. */
    const int64_t r4[] = {S(60) - 500, S(60) - 501};
    put_series(s, run, "recordings/r4.wav", "m4", 0, 120, "*", r4, 2);
    row = pragma_text(s, "SELECT hex(a.analysable_units) FROM analysable a "
                         "JOIN recordings r ON r.id = a.recording_id "
                         "WHERE r.path = 'recordings/r4.wav'");
    CHECK_STR(row, "60EA5FEA");
    free(row);

    /* Additivity over random split points, and never above the range. */
    for (int i = 0; i < 200; i++) {
        double t0 = -50 + 450 * uniform(), t1 = t0 + 400 * uniform(), m = t0 + (t1 - t0) * uniform();
        double whole = analysable(s, "m1", "*", t0, t1);
        CHECK_NEAR(analysable(s, "m1", "*", t0, m) + analysable(s, "m1", "*", m, t1), whole, 0,
                   1e-6);
        CHECK(whole <= t1 - t0 + 2e-6); /* the range is cut to whole µs */
    }

    /* A copy of r1 with more analysable time overlaps it: each instant counts
     * once, at the larger share. */
    const int64_t r3[] = {S(60), S(60), S(30)};
    put_series(s, run, "recordings/r1-copy.wav", "m1", 0, 150, "*", r3, 3);
    CHECK_NEAR(analysable(s, "m1", "*", 0, 150), 150, 0, tol);
    CHECK_NEAR(analysable(s, "m1", "*", -3600, 3600), 210, 0, tol);

    /* Overlap with shifted buckets: A [0, 120) share 0.5, B [60, 180) share 1. */
    const int64_t ra[] = {S(30), S(30)}, rb[] = {S(60), S(60)};
    put_series(s, run, "recordings/a.wav", "m2", 0, 120, "*", ra, 2);
    put_series(s, run, "recordings/b.wav", "m2", 60, 120, "*", rb, 2);
    CHECK_NEAR(analysable(s, "m2", "*", 0, 180), 30 + 120, 0, tol);
    CHECK_NEAR(analysable(s, "m2", "*", 30, 90), 15 + 30, 0, tol);
    for (int i = 0; i < 100; i++) {
        double t0 = -20 + 220 * uniform(), t1 = t0 + 200 * uniform(), m = t0 + (t1 - t0) * uniform();
        double whole = analysable(s, "m2", "*", t0, t1);
        CHECK_NEAR(analysable(s, "m2", "*", t0, m) + analysable(s, "m2", "*", m, t1), whole, 0,
                   1e-6);
        CHECK(whole <= t1 - t0 + 2e-6); /* the range is cut to whole µs */
    }

    /* A range late in a long run of short recordings still counts a long one
     * that began far before it (the query reads back as far as the animal's
     * longest recording, schema 4), inside a read transaction or not. */
    int64_t long_units[10];
    for (int b = 0; b < 10; b++)
        long_units[b] = S(60);
    put_series(s, run, "recordings/long.wav", "m5", 0, 600, "*", long_units, 10);
    for (int k = 0; k < 20; k++) {
        char name[64];
        snprintf(name, sizeof name, "recordings/short%02d.wav", k);
        put_series(s, run, name, "m5", 1000 + 60 * k, 60, "*", long_units, 1);
    }
    bool began = false, nested = true;
    ictus_error err;
    for (int pass = 0; pass < 2; pass++) {
        CHECK_NEAR(analysable(s, "m5", "*", 500, 560), 60, 0, tol);
        CHECK_NEAR(analysable(s, "m5", "*", 540, 1100), 60 + 100, 0, tol);
        CHECK_NEAR(analysable(s, "m5", "*", 2150, 2300), 50, 0, tol);
        CHECK_NEAR(analysable(s, "m5", "*", -10, 10000), 600 + 1200, 0, tol);
        if (pass == 0) {
            CHECK(ictus_store_read_begin(s, &began, &err) == ICTUS_OK && began);
            CHECK(ictus_store_read_begin(s, &nested, &err) == ICTUS_OK && !nested);
        }
    }
    ictus_store_read_end(s, nested); /* not the one that began: a no-op */
    CHECK(!sqlite3_get_autocommit(ictus_store_db(s)));
    ictus_store_read_end(s, began);
    CHECK(sqlite3_get_autocommit(ictus_store_db(s)));
    char *index = pragma_text(s, "SELECT count(*) FROM sqlite_schema "
                                 "WHERE name = 'recordings_by_animal_duration'");
    CHECK_STR(index, "1");
    free(index);
    ictus_store_close(s);
}

/* ------------------------------------------------------------------------
 * Events, reviews, export, injection
 * ---------------------------------------------------------------------- */

typedef struct {
    int n;
    char lines[64][256];
} event_list;

static ictus_status collect_event(void *ctx, const ictus_store_event_row *row, ictus_error *err)
{
    event_list *l = ctx;
    if (l->n < 64)
        snprintf(l->lines[l->n], sizeof l->lines[0], "%s|%s|%s|%lld|%s|%s|%d", row->animal,
                 row->path, row->event.channel, (long long)row->event.start_us, row->event.type,
                 ictus_verdict_name(row->verdict), row->racine);
    l->n++;
    return ICTUS_OK;
}

static ictus_status stop_at_second(void *ctx, const ictus_store_event_row *row, ictus_error *err)
{
    int *n = ctx;
    return ++*n == 2 ? ictus_fail(err, ICTUS_ERR_DATA, "stop") : ICTUS_OK;
}

static event_list query_events(ictus_store *s, const char *animal, int64_t t0, int64_t t1)
{
    event_list l = {0};
    ictus_store_event_query q = {.animal = animal, .t0_us = t0, .t1_us = t1};
    OK(ictus_store_each_event(s, &q, collect_event, &l, &err_));
    return l;
}

static char *read_text(const char *path)
{
    char *text;
    size_t n;
    return ictus_read_file(path, &text, &n, NULL) == ICTUS_OK ? text : strdup("");
}

static void test_events_reviews_export(void)
{
    const char *path = support_path(tmp_dir, "events.db");
    remove_db(path);
    ictus_store *s = open_ok(path);
    int64_t run = start_run(s, "ihka-mouse@1");
    static results a, b, c;
    make_results(&a, "recordings/m2/d1.edf", "m2", run, 3, 1);
    make_results(&b, "recordings/m1/d1.edf", "m1", run, 3, 2);
    make_results(&c, "recordings/m1/d0.edf", "m1", run, 2, 0);
    c.res.start_us -= 86400 * ICTUS_US_PER_S;
    for (int i = 0; i < 2; i++)
        c.events[i].wall_start_us -= 86400 * ICTUS_US_PER_S;
    put_ok(s, &a);
    put_ok(s, &b);
    put_ok(s, &c);

    event_list all = query_events(s, NULL, ICTUS_STORE_TIME_MIN, ICTUS_STORE_TIME_MAX);
    CHECK_INT(all.n, 8);
    CHECK_STR(all.lines[0], "m1|recordings/m1/d0.edf|HPC|0|hpd||-1");
    CHECK_STR(all.lines[1], "m1|recordings/m1/d0.edf|*|20000000|hpd||-1");
    CHECK_STR(all.lines[2], "m1|recordings/m1/d1.edf|HPC|2000000|hpd||-1");
    CHECK_STR(all.lines[5], "m2|recordings/m2/d1.edf|HPC|1000000|hpd||-1");
    event_list m1_day = query_events(s, "m1", T_10H, T_10H + 3600 * ICTUS_US_PER_S);
    CHECK_INT(m1_day.n, 3);
    event_list window = query_events(s, "m1", T_10H + 2 * ICTUS_US_PER_S,
                                     T_10H + 22 * ICTUS_US_PER_S); /* [start, end) */
    CHECK_INT(window.n, 1);
    int stopped = 0;
    ictus_store_event_query q_all = {.t0_us = ICTUS_STORE_TIME_MIN, .t1_us = ICTUS_STORE_TIME_MAX};
    ictus_error err;
    CHECK(ictus_store_each_event(s, &q_all, stop_at_second, &stopped, &err) == ICTUS_ERR_DATA);
    CHECK_INT(stopped, 2);

    /* A review follows its event through reprocessing that shifts it by 1 s. */
    ictus_store_review rv = {.path = "recordings/m1/d1.edf", .animal = "m1", .channel = "HPC",
                             .start_us = 2 * ICTUS_US_PER_S, .end_us = 7 * ICTUS_US_PER_S,
                             .verdict = ICTUS_VERDICT_SEIZURE, .racine = 4, .reviewer = "anna",
                             .reviewed_unix_us = 1767700000000000, .note = "rearing"};
    OK(ictus_store_put_review(s, &rv, &err_));
    rv.racine = 7;
    CHECK(ictus_store_put_review(s, &rv, &err) == ICTUS_ERR_DATA);
    make_results(&b, "recordings/m1/d1.edf", "m1", run, 3, 3);
    put_ok(s, &b);
    event_list after = query_events(s, "m1", T_10H, T_10H + 3600 * ICTUS_US_PER_S);
    CHECK_STR(after.lines[0], "m1|recordings/m1/d1.edf|HPC|3000000|hpd|seizure|4");
    CHECK_STR(after.lines[1], "m1|recordings/m1/d1.edf|*|23000000|hpd||-1");
    CHECK_INT(count_rows(s, "reviews"), 1);

    /* Export: exact and repeatable. */
    const char *csv = support_path(tmp_dir, "events.csv");
    OK(ictus_store_export_events(s, csv, &err_));
    char *first = read_text(csv);
    OK(ictus_store_export_events(s, csv, &err_));
    char *second = read_text(csv);
    CHECK_STR(first, second);
    const char *expected_head =
        "recording,animal,channel,start_s,end_s,duration_s,start_time,type,score,preset\n"
        "recordings/m1/d0.edf,m1,HPC,0.000,5.000,5.000,2026-01-04T10:00:00.000,hpd,0.500,"
        "ihka-mouse@1\n"
        "recordings/m1/d0.edf,m1,*,20.000,26.000,6.000,2026-01-04T10:00:20.000,hpd,0.510,"
        "ihka-mouse@1\n"
        "recordings/m1/d1.edf,m1,HPC,3.000,8.000,5.000,2026-01-05T10:00:03.000,hpd,0.500,"
        "ihka-mouse@1\n";
    CHECK_MSG(strncmp(first, expected_head, strlen(expected_head)) == 0, "export:\n%s", first);
    int lines = 0;
    for (const char *p = first; *p; p++)
        lines += *p == '\n';
    CHECK_INT(lines, 1 + 8);
    CHECK(ictus_store_export_events(s, support_path(tmp_dir, "missing/events.csv"), &err) ==
          ICTUS_ERR_IO);
    free(first);
    free(second);
    remove(csv);

    /* Deleting a recording takes its rows with it and keeps the reviews. */
    bool deleted = false;
    OK(ictus_store_delete_recording(s, "recordings/m1/d1.edf", "m1", &deleted, &err_));
    CHECK(deleted);
    CHECK_INT(count_rows(s, "events"), 5);
    CHECK_INT(count_rows(s, "channels"), 6);
    CHECK_INT(count_rows(s, "analysable"), 4);
    CHECK_INT(count_rows(s, "reviews"), 1);
    OK(ictus_store_delete_recording(s, "recordings/m1/d1.edf", "m1", &deleted, &err_));
    CHECK(!deleted);
    check_integrity(s);
    ictus_store_close(s);
}

static void test_injection(void)
{
    const char *path = support_path(tmp_dir, "inject.db");
    remove_db(path);
    ictus_store *s = open_ok(path);
    int64_t run = start_run(s, "p'); DROP TABLE runs; --");
    const char *evil_path = "recordings/x'); DROP TABLE events; --.edf";
    const char *evil_animal = "m1\"; DELETE FROM recordings; --";
    static results r;
    make_results(&r, evil_path, evil_animal, run, 3, 1);
    r.channels[0].label = "HPC' OR '1'='1";
    r.channels[1].unit = "uV\"; --";
    snprintf(r.events[0].channel, sizeof r.events[0].channel, "%s", "'; DROP TABLE reviews; --");
    snprintf(r.events[1].type, sizeof r.events[1].type, "%s", "x' OR 1=1 --");
    r.series[1].channel = "HPC' OR '1'='1";
    put_ok(s, &r);
    static results other;
    make_results(&other, "recordings/plain.edf", "m2", run, 2, 2);
    put_ok(s, &other);
    ictus_store_file f = {evil_path, evil_animal, {1, 2, 3}, NULL, run};
    OK(ictus_store_put_failure(s, &f, ICTUS_REC_STALE, "'); DELETE FROM events; --", &err_));

    CHECK_INT(count_rows(s, "events"), 5);
    CHECK_INT(count_rows(s, "recordings"), 2);
    CHECK_INT(count_rows(s, "runs"), 1);
    ictus_store_recording rec;
    bool found;
    OK(ictus_store_find_recording(s, evil_path, evil_animal, &rec, &found, &err_));
    CHECK(found);
    if (found) {
        CHECK_STR(rec.path, evil_path);
        CHECK_STR(rec.animal, evil_animal);
        CHECK_STR(rec.error, "'); DELETE FROM events; --");
        CHECK_INT(rec.status, ICTUS_REC_STALE);
        ictus_store_recording_clear(&rec);
    }
    event_list l = query_events(s, evil_animal, ICTUS_STORE_TIME_MIN, ICTUS_STORE_TIME_MAX);
    CHECK_INT(l.n, 3);
    CHECK_MSG(strstr(l.lines[0], "'; DROP TABLE reviews; --") != NULL, "%s", l.lines[0]);
    CHECK_MSG(strstr(l.lines[1], "x' OR 1=1 --") != NULL, "%s", l.lines[1]);
    CHECK_INT(query_events(s, "' OR 1=1 --", ICTUS_STORE_TIME_MIN, ICTUS_STORE_TIME_MAX).n, 0);
    double secs;
    OK(ictus_store_analysable_s(s, evil_animal, "HPC' OR '1'='1", ICTUS_STORE_TIME_MIN,
                                ICTUS_STORE_TIME_MAX, &secs, &err_));
    CHECK_NEAR(secs, 0.1 * (300 + 301 + 302 + 303 + 304 + 305 + 306 + 307 + 308 + 309), 0, 1e-6);
    char *d = dump(s);
    CHECK_MSG(strstr(d, "HPC' OR '1'='1|1000.0|uV|HPC|1") != NULL, "%s", d);
    CHECK_MSG(strstr(d, "|uV\"; --|") != NULL, "%s", d);
    CHECK_MSG(strstr(d, "p'); DROP TABLE runs; --") != NULL, "%s", d);
    free(d);
    check_integrity(s);
    ictus_store_close(s);
}

/* An event's channel and type fill their fixed ictus_event fields (63 and
 * 23 bytes) and read back whole; a longer name in the database (written by
 * something else) is an error naming the recording, never a name cut short.
 * The analysable rows list every artefact kind. */
static void test_long_event_names(void)
{
    const char *path = support_path(tmp_dir, "names.db");
    remove_db(path);
    ictus_store *s = open_ok(path);
    int64_t run = start_run(s, "ihka-mouse@1");
    static results r;
    make_results(&r, "recordings/m3/long.edf", "m3", run, 1, 1);
    memset(r.events[0].channel, 'c', sizeof r.events[0].channel - 1);
    memset(r.events[0].type, 't', sizeof r.events[0].type - 1);
    put_ok(s, &r);
    event_list l = query_events(s, "m3", ICTUS_STORE_TIME_MIN, ICTUS_STORE_TIME_MAX);
    CHECK_INT(l.n, 1);
    char want[256];
    snprintf(want, sizeof want, "m3|recordings/m3/long.edf|%s|1000000|%s||-1", r.events[0].channel,
             r.events[0].type);
    CHECK_STR(l.lines[0], want);
    char *kinds = pragma_text(s, "SELECT DISTINCT artefact_kinds FROM analysable");
    CHECK_STR(kinds, "clip|flat|extreme|emg|gap");
    free(kinds);

    static const char *const longer[] = {
        "UPDATE events SET channel = channel || 'c'",
        "UPDATE events SET channel = 'HPC', type = type || 't'",
    };
    for (int i = 0; i < 2; i++) {
        CHECK(sqlite3_exec(ictus_store_db(s), longer[i], NULL, NULL, NULL) == SQLITE_OK);
        ictus_store_event_query q = {.t0_us = ICTUS_STORE_TIME_MIN, .t1_us = ICTUS_STORE_TIME_MAX};
        event_list none = {0};
        ictus_error err = {0};
        CHECK(ictus_store_each_event(s, &q, collect_event, &none, &err) == ICTUS_ERR_DB);
        CHECK_INT(none.n, 0);
        CHECK_MSG(strstr(err.msg, "recordings/m3/long.edf (m3)") != NULL &&
                      strstr(err.msg, i ? "event's type" : "event's channel") != NULL &&
                      strstr(err.msg, i ? "24 bytes long: expected at most 23"
                                        : "64 bytes long: expected at most 63") != NULL,
                  "%s", err.msg);
    }
    ictus_store_close(s);
}

/* ------------------------------------------------------------------------
 * Runs, touching identities, channels
 * ---------------------------------------------------------------------- */

static ictus_status collect_channel(void *ctx, int idx, const ictus_store_channel *ch,
                                    ictus_error *err)
{
    char *out = ctx;
    size_t len = strlen(out);
    snprintf(out + len, 256 - len, "%d:%s/%s/%g/%s/%d ", idx, ch->label, ch->role, ch->fs_hz,
             ch->unit, ch->analysed);
    return ICTUS_OK;
}

/* "ANIMAL:RECORDINGS:EVENTS:NOT_OK " per animal. */
static ictus_status collect_totals(void *ctx, const char *animal, int64_t recordings,
                                   int64_t events, int64_t not_ok, ictus_error *err)
{
    char *out = ctx;
    size_t len = strlen(out);
    snprintf(out + len, 256 - len, "%s:%lld:%lld:%lld ", animal, (long long)recordings,
             (long long)events, (long long)not_ok);
    return ICTUS_OK;
}

/* Every channel of every recording, as "rRECORDING_ID " then collect_channel()'s text. */
static ictus_status collect_any_channel(void *ctx, int64_t rec_id, int idx,
                                        const ictus_store_channel *ch, ictus_error *err)
{
    char *out = ctx;
    size_t len = strlen(out);
    snprintf(out + len, 512 - len, "r%lld ", (long long)rec_id);
    return collect_channel(ctx, idx, ch, err);
}

/* Each plan row as "path:animal:status " after checking it against the
 * full row the store gives for the same path and animal. */
typedef struct {
    ictus_store *s;
    char text[512];
} plan_rows;

static ictus_status collect_plan_row(void *ctx, const ictus_store_plan_row *row, ictus_error *err)
{
    (void)err;
    plan_rows *p = ctx;
    ictus_store_recording rec = {0};
    bool found = false;
    OK(ictus_store_find_recording(p->s, row->path, row->animal, &rec, &found, &err_));
    CHECK(found && rec.id == row->id && rec.status == row->status);
    CHECK(found && ictus_file_identity_same(&rec.identity, &row->identity) &&
          rec.identity.size_bytes == row->identity.size_bytes);
    CHECK(found && rec.has_content_hash == row->has_content_hash &&
          (!row->has_content_hash || ictus_hash128_equal(rec.content_hash, row->content_hash)));
    CHECK(found && rec.has_results == row->has_results && rec.start_us == row->start_us);
    CHECK(found && ictus_hash128_equal(rec.params_hash, row->params_hash));
    CHECK_STR(row->error, found ? rec.error : "?");
    CHECK_STR(row->preset, found ? rec.preset : "?");
    ictus_store_recording_clear(&rec);
    size_t len = strlen(p->text);
    snprintf(p->text + len, sizeof p->text - len, "%s:%s:%d ", row->path, row->animal,
             (int)row->status);
    return ICTUS_OK;
}

static void test_runs_touch_channels(void)
{
    const char *path = support_path(tmp_dir, "touch.db");
    remove_db(path);
    ictus_store *s = open_ok(path);
    if (!s)
        return;
    ictus_store_run_row row;
    bool found = true;
    OK(ictus_store_last_run(s, &row, &found, &err_));
    CHECK(!found);
    int64_t run1 = start_run(s, "ihka-mouse@1");
    OK(ictus_store_last_run(s, &row, &found, &err_));
    CHECK(found && row.id == run1 && row.status == ICTUS_RUN_RUNNING && row.pid == 4242);
    CHECK_STR(row.host, "labhost");
    ictus_store_run_end end = {.ended_unix_us = 1767600001000000, .status = ICTUS_RUN_PROBLEMS};
    OK(ictus_store_run_finish(s, run1, &end, &err_));
    OK(ictus_store_last_run(s, &row, &found, &err_));
    CHECK(found && row.status == ICTUS_RUN_PROBLEMS);
    /* The recent runs, newest first, with what the report compares. */
    ictus_store_run_detail runs[3] = {0};
    int n_runs = -1;
    end.files_new = 7;
    end.events_found = 11;
    OK(ictus_store_run_finish(s, run1, &end, &err_));
    int64_t run_b = start_run(s, "ihka-mouse@2");
    OK(ictus_store_recent_runs(s, 3, runs, &n_runs, &err_));
    CHECK(n_runs == 2 && runs[0].row.id == run_b && runs[1].row.id == run1);
    CHECK(runs[0].row.status == ICTUS_RUN_RUNNING && runs[0].ended_unix_us == 0);
    CHECK_STR(runs[0].preset, "ihka-mouse@2");
    CHECK_STR(runs[1].preset, "ihka-mouse@1");
    CHECK_STR(runs[1].version, "0.1.0");
    CHECK_STR(runs[1].params_text, "[signal]\nmains_hz=50\n");
    CHECK(runs[1].end.files_new == 7 && runs[1].end.events_found == 11 &&
          runs[1].end.status == ICTUS_RUN_PROBLEMS && runs[1].ended_unix_us == 1767600001000000);
    for (int i = 0; i < n_runs; i++)
        ictus_store_run_detail_clear(&runs[i]);
    OK(ictus_store_recent_runs(s, 1, runs, &n_runs, &err_));
    CHECK(n_runs == 1 && runs[0].row.id == run_b);
    ictus_store_run_detail_clear(&runs[0]);
    CHECK(runs[0].params_text == NULL);

    static results r;
    make_results(&r, "recordings/a.edf", "M01", run1, 4, 3);
    put_ok(s, &r);
    char *before = dump(s);
    int64_t run2 = start_run(s, "ihka-mouse@1");
    ictus_file_identity moved = {123, 456, 789};
    OK(ictus_store_touch_recording(s, "recordings/a.edf", &moved, run2, &err_));
    ictus_store_recording rec = {0};
    OK(ictus_store_find_recording(s, "recordings/a.edf", "M01", &rec, &found, &err_));
    CHECK(found && rec.identity.size_bytes == 123 && rec.identity.mtime_ns == 456 &&
          rec.identity.inode == 789 && rec.last_run_id == run2 && rec.results_run_id == run1);
    CHECK(rec.n_events == 4 && rec.status == ICTUS_REC_OK); /* results kept */
    char channels[256] = "";
    OK(ictus_store_each_channel(s, rec.id, collect_channel, channels, &err_));
    CHECK_STR(channels, "0:HPC/HPC/1000/uV/1 1:CTX/CTX/1000/uV/1 2:EMG/EMG/500/mV/0 ");
    /* Every recording's channels in one walk: by recording id, then channel,
     * the same rows as a query per recording. */
    static results r2;
    make_results(&r2, "recordings/0.edf", "M02", run2, 1, 2);
    put_ok(s, &r2);
    ictus_store_recording rec2 = {0};
    OK(ictus_store_find_recording(s, "recordings/0.edf", "M02", &rec2, &found, &err_));
    CHECK(found && rec2.id > rec.id);
    char each[512] = "", all[512] = "";
    const ictus_store_recording *in_order[] = {&rec, &rec2};
    for (int k = 0; k < 2; k++) {
        char one[256] = "";
        OK(ictus_store_each_channel(s, in_order[k]->id, collect_channel, one, &err_));
        for (const char *p = one; *p;) { /* "rID " before each channel */
            size_t n = strcspn(p, " ") + 1, len = strlen(each);
            snprintf(each + len, sizeof each - len, "r%lld %.*s", (long long)in_order[k]->id,
                     (int)n, p);
            p += n;
        }
    }
    OK(ictus_store_each_channel_all(s, collect_any_channel, all, &err_));
    CHECK_STR(all, each);
    CHECK(strstr(all, "2:EMG/EMG/500/mV/0 r") != NULL); /* rec's last channel, then rec2's */
    /* The summary's totals per animal: rows, events, rows not ok. */
    ictus_store_file failed = {.path = "recordings/1.edf", .animal = "M02",
                               .identity = {1, 2, 3}, .run_id = run2};
    OK(ictus_store_put_failure(s, &failed, ICTUS_REC_FAILED, "bad header", &err_));
    char totals[256] = "";
    OK(ictus_store_animal_totals(s, collect_totals, totals, &err_));
    CHECK_STR(totals, "M01:1:4:0 M02:2:1:1 ");
    /* The plan's walks: rows by path, then animal, whatever their ids (0.edf
     * was stored after a.edf), each the same as the full row; the channels
     * in the same order (rec2's, then rec's). */
    plan_rows rows = {.s = s};
    OK(ictus_store_each_plan_row(s, collect_plan_row, &rows, &err_));
    CHECK_STR(rows.text, "recordings/0.edf:M02:0 recordings/1.edf:M02:1 recordings/a.edf:M01:0 ");
    int64_t n_rows = -1;
    OK(ictus_store_count_recordings(s, &n_rows, &err_));
    CHECK(n_rows == 3);
    char by_path[512] = "";
    OK(ictus_store_each_channel_by_path(s, collect_any_channel, by_path, &err_));
    const char *rec2_first = strstr(all, "2:EMG/EMG/500/mV/0 r");
    char expected[512] = "?";
    if (rec2_first) {
        rec2_first += strlen("2:EMG/EMG/500/mV/0 ");
        snprintf(expected, sizeof expected, "%s%.*s", rec2_first, (int)(rec2_first - all), all);
    }
    CHECK_STR(by_path, expected);
    ictus_store_recording_clear(&rec2);
    ictus_store_recording_clear(&rec);
    char *after = dump(s);
    CHECK(strcmp(before, after) != 0); /* the identity changed, nothing else checked here */
    free(before);
    free(after);
    ictus_store_close(s);
}

/* ------------------------------------------------------------------------
 * Decisions: migration, history, matching, added events, keys, audit
 * ---------------------------------------------------------------------- */

/* "reviewer:verdict:type" of one decision per line, in walk order. */
static ictus_status list_decision(void *ctx, const ictus_store_decision *d, ictus_error *err)
{
    ictus_strbuf *b = ctx;
    ictus_strbuf_addf(b, "%s:%s:%s:%lld:%s:%lld\n", d->review.reviewer,
                      ictus_verdict_name(d->review.verdict), d->review.type,
                      (long long)d->review.start_us, d->recording_path,
                      (long long)(d->recording_id ? d->recording_start_us : -1));
    return ICTUS_OK;
}

/* The current decision of every event: "channel start verdict reviewer type note". */
static ictus_status list_event_decision(void *ctx, const ictus_store_event_row *row,
                                        ictus_error *err)
{
    ictus_strbuf *b = ctx;
    ictus_event e = ictus_store_event_effective(row);
    ictus_strbuf_addf(b, "%s %lld %s %s %s %s %lld..%lld\n", row->path,
                      (long long)(row->event.start_us / ICTUS_US_PER_S),
                      ictus_verdict_name(row->verdict), row->reviewer, e.type, row->note,
                      (long long)(e.start_us / ICTUS_US_PER_S),
                      (long long)(e.end_us / ICTUS_US_PER_S));
    return ICTUS_OK;
}

static char *event_decisions(ictus_store *s, const char *reviewer)
{
    ictus_strbuf b = {0};
    ictus_store_event_query q = {.t0_us = ICTUS_STORE_TIME_MIN, .t1_us = ICTUS_STORE_TIME_MAX,
                                 .reviewer = reviewer};
    OK(ictus_store_each_event(s, &q, list_event_decision, &b, &err_));
    return ictus_strbuf_take(&b);
}

static void test_migration_from_v1(void)
{
    const char *path = support_path(tmp_dir, "v1.db");
    char *sql = read_text("tests/fixtures/store_v1.sql");
    CHECK(strstr(sql, "PRAGMA user_version = 1;") != NULL);
    make_sqlite(path, sql);
    free(sql);
    ictus_store *s = open_ok(path);
    CHECK_INT(ictus_store_schema_version(s), ICTUS_STORE_SCHEMA_VERSION);
    CHECK_INT(count_rows(s, "reviews"), 3);
    char *got = pragma_text(s, "SELECT group_concat(reviewer || ':' || verdict || ':' || type || "
                               "':' || note || ':' || ifnull(content_hash, 'NULL') || ':' || "
                               "added, '|') FROM (SELECT * FROM reviews ORDER BY id)");
    CHECK_STR(got, "anna:not_seizure::chewing:NULL:0|"
                   "anna:seizure:convulsive:forelimb clonus; rearing:NULL:0|"
                   "bob:unsure:hpd::NULL:0");
    free(got);
    char *events = event_decisions(s, NULL);
    CHECK_STR(events, "recordings/m1/d1.edf 10 not_seizure anna hpd chewing 10..20\n"
                      "recordings/m1/d1.edf 100 seizure anna convulsive forelimb clonus; rearing "
                      "100..130\n"
                      "recordings/m1/d1.edf 200 unsure bob hpd  200..210\n");
    free(events);
    /* Appending works on the migrated table (no unique key left). */
    ictus_store_review again = {.path = "recordings/m1/d1.edf", .animal = "m1", .channel = "HPC",
                                .start_us = 10 * ICTUS_US_PER_S, .end_us = 20 * ICTUS_US_PER_S,
                                .verdict = ICTUS_VERDICT_SEIZURE, .racine = -1,
                                .reviewer = "anna", .reviewed_unix_us = 1767800000000000};
    OK(ictus_store_put_review(s, &again, &err_));
    CHECK_INT(count_rows(s, "reviews"), 4);
    /* Schema 3 rebuilt runs (a run can end 'interrupted'): its row and the
     * rows referring to it are kept, and foreign keys are enforced again. */
    CHECK_INT(count_rows(s, "runs"), 1);
    CHECK_INT(count_rows(s, "recordings"), 1);
    char *fk_on = pragma_text(s, "PRAGMA foreign_keys");
    CHECK_STR(fk_on, "1");
    free(fk_on);
    int64_t run = start_run(s, "ihka-mouse@1");
    ictus_store_run_end end = {.ended_unix_us = 1767800000000000,
                               .status = ICTUS_RUN_INTERRUPTED};
    OK(ictus_store_run_finish(s, run, &end, &err_));
    ictus_store_run_row row;
    bool found = false;
    OK(ictus_store_last_run(s, &row, &found, &err_));
    CHECK(found && row.id == run && row.status == ICTUS_RUN_INTERRUPTED);
    CHECK_STR(ictus_run_status_name(row.status), "interrupted");
    check_integrity(s);
    ictus_store_close(s);
    remove_db(path);
}

/* The plan of the event query (the statement the store prepared) uses the
 * reviews' indexes: no full scan of reviews per event. */
static void check_event_query_plan(ictus_store *s)
{
    sqlite3 *db = ictus_store_db(s);
    const char *event_sql = NULL;
    for (sqlite3_stmt *st = sqlite3_next_stmt(db, NULL); st; st = sqlite3_next_stmt(db, st))
        if (strstr(sqlite3_sql(st), "FROM events e JOIN recordings r"))
            event_sql = sqlite3_sql(st);
    if (!CHECK(event_sql != NULL))
        return;
    ictus_strbuf sql = {0}, plan = {0};
    ictus_strbuf_addf(&sql, "EXPLAIN QUERY PLAN %s", event_sql);
    sqlite3_stmt *st;
    CHECK(sqlite3_prepare_v2(db, ictus_strbuf_text(&sql), -1, &st, NULL) == SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW)
        ictus_strbuf_addf(&plan, "%s\n", (const char *)sqlite3_column_text(st, 3));
    sqlite3_finalize(st);
    const char *text = ictus_strbuf_text(&plan);
    CHECK_MSG(strstr(text, "reviews_by_path") && strstr(text, "reviews_by_hash") &&
                  !strstr(text, "SCAN w"), "plan:\n%s", text);
    ictus_strbuf_free(&sql);
    ictus_strbuf_free(&plan);
}

static void test_decisions(void)
{
    const char *path = support_path(tmp_dir, "decisions.db");
    remove_db(path);
    ictus_store *s = open_ok(path);
    int64_t run = start_run(s, "ihka-mouse@1");
    static results a;
    make_results(&a, "recordings/m1/d1.edf", "m1", run, 3, 2); /* events at 2, 22, 42 s */
    put_ok(s, &a);

    /* History: anna confirms, bob rejects later, anna corrects type and edges last. */
    ictus_store_review rv = {.path = "recordings/m1/d1.edf", .animal = "m1", .channel = "HPC",
                             .start_us = 2 * ICTUS_US_PER_S, .end_us = 7 * ICTUS_US_PER_S,
                             .verdict = ICTUS_VERDICT_SEIZURE, .racine = 3, .reviewer = "anna",
                             .reviewed_unix_us = 1767700000000000, .note = "first"};
    OK(ictus_store_put_review(s, &rv, &err_));
    rv.verdict = ICTUS_VERDICT_NOT_SEIZURE;
    rv.reviewer = "bob";
    rv.reviewed_unix_us += 1000;
    rv.note = "";
    OK(ictus_store_put_review(s, &rv, &err_));
    char *now = event_decisions(s, NULL);
    CHECK_MSG(strncmp(now, "recordings/m1/d1.edf 2 not_seizure bob hpd  2..7\n", 49) == 0, "%s",
              now);
    free(now);
    rv.verdict = ICTUS_VERDICT_SEIZURE;
    rv.reviewer = "anna";
    rv.reviewed_unix_us += 1000;
    rv.type = "convulsive";
    rv.has_fixed_edges = true;
    rv.fixed_start_us = 1 * ICTUS_US_PER_S;
    rv.fixed_end_us = 9 * ICTUS_US_PER_S;
    OK(ictus_store_put_review(s, &rv, &err_));
    CHECK_INT(count_rows(s, "reviews"), 3);
    now = event_decisions(s, NULL);
    CHECK_MSG(strncmp(now, "recordings/m1/d1.edf 2 seizure anna convulsive  1..9\n", 53) == 0,
              "%s", now);
    free(now);
    char *bobs = event_decisions(s, "bob");
    CHECK_MSG(strncmp(bobs, "recordings/m1/d1.edf 2 not_seizure bob hpd  2..7\n"
                            "recordings/m1/d1.edf 22 ", 73) == 0, "%s", bobs);
    CHECK_MSG(strstr(bobs, "22  ") != NULL, "bob did not review the second event: %s", bobs);
    free(bobs);
    ictus_strbuf hist = {0};
    OK(ictus_store_review_history(s, "recordings/m1/d1.edf", "m1", 2 * ICTUS_US_PER_S,
                                  7 * ICTUS_US_PER_S, false, list_decision, &hist, &err_));
    CHECK_STR(ictus_strbuf_text(&hist),
              "anna:seizure:convulsive:2000000:recordings/m1/d1.edf:1767607200000000\n"
              "bob:not_seizure::2000000:recordings/m1/d1.edf:1767607200000000\n"
              "anna:seizure::2000000:recordings/m1/d1.edf:1767607200000000\n");
    ictus_strbuf_free(&hist);
    ictus_error err;
    rv.fixed_end_us = rv.fixed_start_us;
    CHECK(ictus_store_put_review(s, &rv, &err) == ICTUS_ERR_DATA);
    rv.has_fixed_edges = false;
    rv.type = "a type name far too long for an event";
    CHECK(ictus_store_put_review(s, &rv, &err) == ICTUS_ERR_DATA);
    CHECK_INT(count_rows(s, "reviews"), 3);
    check_event_query_plan(s);

    /* Renamed file: same content hash, new path; the reviews follow it. */
    bool deleted;
    OK(ictus_store_delete_recording(s, "recordings/m1/d1.edf", "m1", &deleted, &err_));
    make_results(&a, "archive/m1-day1.edf", "m1", run, 3, 2);
    put_ok(s, &a);
    now = event_decisions(s, NULL);
    CHECK_MSG(strncmp(now, "archive/m1-day1.edf 2 seizure anna convulsive  1..9\n", 52) == 0,
              "%s", now);
    free(now);
    ictus_strbuf orphans = {0};
    OK(ictus_store_each_orphan(s, NULL, list_decision, &orphans, &err_));
    CHECK_STR(ictus_strbuf_text(&orphans), "");

    /* Re-detected with other content and shifted edges: matched by path and overlap. */
    make_results(&a, "archive/m1-day1.edf", "m1", run, 3, 4); /* events at 4, 24, 44 s */
    ictus_store_review on_new = {.path = "archive/m1-day1.edf", .animal = "m1", .channel = "*",
                                 .start_us = 24 * ICTUS_US_PER_S, .end_us = 30 * ICTUS_US_PER_S,
                                 .verdict = ICTUS_VERDICT_UNSURE, .racine = -1,
                                 .reviewer = "carl", .reviewed_unix_us = 1767700100000000};
    put_ok(s, &a);
    OK(ictus_store_put_review(s, &on_new, &err_));
    now = event_decisions(s, NULL);
    CHECK_MSG(strstr(now, "archive/m1-day1.edf 24 unsure carl hpd  24..30\n") != NULL, "%s", now);
    free(now);
    /* anna's and bob's reviews (old path, content hash 2) match nothing now:
     * neither the path nor the content is that of any stored recording, even
     * though 2..7 s overlaps the new event at 4..9 s.  The newest of them is
     * listed, with no recording. */
    OK(ictus_store_each_orphan(s, NULL, list_decision, &orphans, &err_));
    CHECK_STR(ictus_strbuf_text(&orphans),
              "anna:seizure:convulsive:2000000::-1\n");
    ictus_strbuf_free(&orphans);

    /* Re-detected with no events: carl's review becomes an orphan, kept. */
    make_results(&a, "archive/m1-day1.edf", "m1", run, 0, 4);
    put_ok(s, &a);
    ictus_strbuf gone = {0};
    OK(ictus_store_each_orphan(s, "m1", list_decision, &gone, &err_));
    CHECK_STR(ictus_strbuf_text(&gone),
              "carl:unsure::24000000:archive/m1-day1.edf:1767607200000000\n"
              "anna:seizure:convulsive:2000000::-1\n");
    ictus_strbuf_free(&gone);
    ictus_store_close(s);
    remove_db(path);
}

static void test_added_events(void)
{
    const char *path = support_path(tmp_dir, "added.db");
    remove_db(path);
    ictus_store *s = open_ok(path);
    int64_t run = start_run(s, "ihka-mouse@1");
    static results a;
    make_results(&a, "recordings/m1/d1.edf", "m1", run, 2, 2); /* events at 2, 22 s */
    put_ok(s, &a);
    ictus_store_review add = {.path = "recordings/m1/d1.edf", .animal = "m1", .channel = "HPC",
                              .start_us = 3 * ICTUS_US_PER_S, .end_us = 6 * ICTUS_US_PER_S,
                              .verdict = ICTUS_VERDICT_SEIZURE, .racine = 2, .reviewer = "anna",
                              .reviewed_unix_us = 1767700000000000, .type = "convulsive",
                              .added = true};
    OK(ictus_store_put_review(s, &add, &err_));
    add.start_us = 300 * ICTUS_US_PER_S;
    add.end_us = 320 * ICTUS_US_PER_S;
    OK(ictus_store_put_review(s, &add, &err_));
    /* An added event never decides the detected event it overlaps. */
    char *now = event_decisions(s, NULL);
    CHECK_MSG(strncmp(now, "recordings/m1/d1.edf 2   hpd ", 29) == 0, "%s", now);
    free(now);
    ictus_strbuf added = {0};
    OK(ictus_store_each_added(s, NULL, list_decision, &added, &err_));
    CHECK_STR(ictus_strbuf_text(&added),
              "anna:seizure:convulsive:3000000:recordings/m1/d1.edf:1767607200000000\n"
              "anna:seizure:convulsive:300000000:recordings/m1/d1.edf:1767607200000000\n");
    ictus_strbuf_free(&added);
    /* bob rejects the second one: it stays listed with its new verdict. */
    add.reviewer = "bob";
    add.verdict = ICTUS_VERDICT_NOT_SEIZURE;
    add.reviewed_unix_us += 1000;
    OK(ictus_store_put_review(s, &add, &err_));
    OK(ictus_store_each_added(s, "m1", list_decision, &added, &err_));
    CHECK_STR(ictus_strbuf_text(&added),
              "anna:seizure:convulsive:3000000:recordings/m1/d1.edf:1767607200000000\n"
              "bob:not_seizure:convulsive:300000000:recordings/m1/d1.edf:1767607200000000\n");
    ictus_strbuf_free(&added);
    ictus_strbuf hist = {0};
    OK(ictus_store_review_history(s, "recordings/m1/d1.edf", "m1", 300 * ICTUS_US_PER_S,
                                  320 * ICTUS_US_PER_S, true, list_decision, &hist, &err_));
    CHECK_STR(ictus_strbuf_text(&hist),
              "bob:not_seizure:convulsive:300000000:recordings/m1/d1.edf:1767607200000000\n"
              "anna:seizure:convulsive:300000000:recordings/m1/d1.edf:1767607200000000\n");
    ictus_strbuf_free(&hist);
    ictus_strbuf orphans = {0};
    OK(ictus_store_each_orphan(s, NULL, list_decision, &orphans, &err_));
    CHECK_STR(ictus_strbuf_text(&orphans), "");
    ictus_strbuf_free(&orphans);
    OK(ictus_store_each_added(s, "m2", list_decision, &added, &err_));
    CHECK_STR(ictus_strbuf_text(&added), "");
    ictus_strbuf_free(&added);
    ictus_store_close(s);
    remove_db(path);
}

static ictus_status list_audit(void *ctx, const ictus_store_audit_row *row, ictus_error *err)
{
    ictus_strbuf_addf(ctx, "%s %s %s %lld\n", row->reviewer, row->action, row->detail,
                      (long long)row->at_unix_us);
    return ICTUS_OK;
}

static void test_keys_audit_busy(void)
{
    const char *path = support_path(tmp_dir, "keys.db");
    remove_db(path);
    ictus_store *s = open_ok(path);
    uint8_t k1[ICTUS_STORE_KEY_BYTES], k2[ICTUS_STORE_KEY_BYTES], k3[ICTUS_STORE_KEY_BYTES];
    static const uint8_t zero[ICTUS_STORE_KEY_BYTES];
    OK(ictus_store_reviewer_key(s, "anna", k1, &err_));
    OK(ictus_store_reviewer_key(s, "bob", k2, &err_));
    OK(ictus_store_reviewer_key(s, "anna", k3, &err_));
    CHECK(memcmp(k1, k3, sizeof k1) == 0);
    CHECK(memcmp(k1, k2, sizeof k1) != 0);
    CHECK(memcmp(k1, zero, sizeof k1) != 0);
    CHECK_INT(count_rows(s, "reviewer_keys"), 2);
    OK(ictus_store_audit_append(s, "anna", "unblind", "animal m1", 20, &err_));
    OK(ictus_store_audit_append(s, "bob", "blind", "", 10, &err_));
    OK(ictus_store_audit_append(s, "anna", "export", "'; DROP TABLE reviews; --", 30, &err_));
    ictus_strbuf log = {0};
    OK(ictus_store_each_audit(s, NULL, list_audit, &log, &err_));
    CHECK_STR(ictus_strbuf_text(&log), "bob blind  10\nanna unblind animal m1 20\n"
                                       "anna export '; DROP TABLE reviews; -- 30\n");
    ictus_strbuf_free(&log);
    OK(ictus_store_each_audit(s, "bob", list_audit, &log, &err_));
    CHECK_STR(ictus_strbuf_text(&log), "bob blind  10\n");
    ictus_strbuf_free(&log);

    /* Another connection holds the write lock: the review waits the busy
     * timeout (shortened here), then ICTUS_ERR_BUSY, and nothing is stored. */
    sqlite3 *other;
    CHECK(sqlite3_open(path, &other) == SQLITE_OK);
    CHECK(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_busy_timeout(ictus_store_db(s), 50);
    ictus_store_review rv = {.path = "x.edf", .animal = "m1", .channel = "HPC", .start_us = 0,
                             .end_us = 1, .verdict = ICTUS_VERDICT_SEIZURE, .racine = -1,
                             .reviewer = "anna", .reviewed_unix_us = 1};
    ictus_error err = {0};
    CHECK(ictus_store_put_review(s, &rv, &err) == ICTUS_ERR_BUSY);
    CHECK_MSG(strstr(err.msg, path) != NULL, "%s", err.msg);
    sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(other);
    CHECK_INT(count_rows(s, "reviews"), 0);
    OK(ictus_store_put_review(s, &rv, &err_));
    CHECK_INT(count_rows(s, "reviews"), 1);
    ictus_store_close(s);
    remove_db(path);
}

int main(void)
{
    tmp_dir = support_tmpdir("store");
    test_schema_and_open_errors();
    test_put_replace_idempotent();
    test_failures_keep_results();
    test_crash_safety();
    test_groups();
    test_analysable();
    test_events_reviews_export();
    test_injection();
    test_long_event_names();
    test_runs_touch_channels();
    test_migration_from_v1();
    test_decisions();
    test_added_events();
    test_keys_audit_busy();
    support_tmpdir_remove(tmp_dir);
    return check_done("test_store");
}
