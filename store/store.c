/* store.c: the results store on SQLite: schema and migrations, transactions, runs, atomic writes.
 *
 * Every statement is prepared once per connection (SQLITE_PREPARE_PERSISTENT)
 * from the table below and takes user data only through bound parameters.
 * The only SQL text built at run time is `PRAGMA user_version = N` with N
 * from the migration list.  A statement is always reset after use, so that
 * no read transaction stays open between calls (it would pin the WAL).
 * The queries are in store_read.c.
 */
#include "store/store.h"
#include "store/store_impl.h"

#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"
#include "pipeline/features/features.h"

/* PRAGMA application_id of an ictus database: "icts". */
#define STORE_APPLICATION_ID 0x69637473

/* How long a writer waits for another one before ICTUS_ERR_BUSY. */
#define STORE_BUSY_TIMEOUT_MS 30000

/* ------------------------------------------------------------------------
 * The schema: one migration per version, applied in order, each in one
 * transaction.  Never edit a migration that has shipped: add the next one.
 * ---------------------------------------------------------------------- */

static const char *const migrations[ICTUS_STORE_SCHEMA_VERSION] = {
    /* 1: the first schema. */
    "CREATE TABLE runs (\n"
    "    id               INTEGER PRIMARY KEY,\n"
    "    started_unix_us  INTEGER NOT NULL,\n"
    "    ended_unix_us    INTEGER,\n"
    "    version          TEXT NOT NULL,\n"
    "    host             TEXT NOT NULL,\n"
    "    pid              INTEGER NOT NULL,\n"
    "    preset           TEXT NOT NULL,\n"
    "    params_text      TEXT NOT NULL,\n"
    "    params_hash      TEXT NOT NULL,\n"
    "    status           TEXT NOT NULL DEFAULT 'running'\n"
    "                     CHECK (status IN ('running', 'ok', 'problems', 'failed')),\n"
    "    files_new        INTEGER NOT NULL DEFAULT 0,\n"
    "    files_changed    INTEGER NOT NULL DEFAULT 0,\n"
    "    files_skipped    INTEGER NOT NULL DEFAULT 0,\n"
    "    files_failed     INTEGER NOT NULL DEFAULT 0,\n"
    "    files_incomplete INTEGER NOT NULL DEFAULT 0,\n"
    "    events_found     INTEGER NOT NULL DEFAULT 0\n"
    ");\n"
    "CREATE TABLE run_problems (\n"
    "    id      INTEGER PRIMARY KEY,\n"
    "    run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,\n"
    "    path    TEXT NOT NULL,\n"
    "    kind    TEXT NOT NULL CHECK (kind IN ('failed', 'incomplete', 'warning')),\n"
    "    message TEXT NOT NULL\n"
    ");\n"
    "CREATE INDEX run_problems_by_run ON run_problems(run_id);\n"
    "CREATE TABLE recordings (\n"
    "    id             INTEGER PRIMARY KEY,\n"
    "    path           TEXT NOT NULL,\n"
    "    animal         TEXT NOT NULL,\n"
    "    status         TEXT NOT NULL CHECK (status IN ('ok', 'failed', 'incomplete', 'stale')),\n"
    "    error          TEXT NOT NULL DEFAULT '',\n"
    "    size_bytes     INTEGER NOT NULL,\n"
    "    mtime_ns       INTEGER NOT NULL,\n"
    "    inode          INTEGER NOT NULL,\n"
    "    content_hash   TEXT,\n"
    "    first_run_id   INTEGER NOT NULL REFERENCES runs(id),\n"
    "    last_run_id    INTEGER NOT NULL REFERENCES runs(id),\n"
    "    results_hash   TEXT,\n"
    "    format         TEXT,\n"
    "    n_channels     INTEGER,\n"
    "    start_us       INTEGER,\n"
    "    duration_us    INTEGER,\n"
    "    n_gaps         INTEGER,\n"
    "    gap_us         INTEGER,\n"
    "    preset         TEXT,\n"
    "    params_hash    TEXT,\n"
    "    results_run_id INTEGER REFERENCES runs(id),\n"
    "    UNIQUE (path, animal)\n"
    ");\n"
    "CREATE INDEX recordings_by_animal ON recordings(animal, start_us);\n"
    "CREATE TABLE channels (\n"
    "    recording_id INTEGER NOT NULL REFERENCES recordings(id) ON DELETE CASCADE,\n"
    "    idx          INTEGER NOT NULL,\n"
    "    label        TEXT NOT NULL,\n"
    "    fs_hz        REAL NOT NULL,\n"
    "    unit         TEXT NOT NULL,\n"
    "    role         TEXT NOT NULL,\n"
    "    analysed     INTEGER NOT NULL CHECK (analysed IN (0, 1)),\n"
    "    PRIMARY KEY (recording_id, idx)\n"
    ");\n"
    "CREATE TABLE analysable (\n"
    "    recording_id     INTEGER NOT NULL REFERENCES recordings(id) ON DELETE CASCADE,\n"
    "    channel          TEXT NOT NULL,\n"
    "    bucket_us        INTEGER NOT NULL,\n"
    "    unit_us          INTEGER NOT NULL,\n"
    "    n_buckets        INTEGER NOT NULL,\n"
    "    analysable_units BLOB NOT NULL,\n"
    "    artefact_kinds   TEXT NOT NULL,\n"
    "    artefact_windows BLOB NOT NULL,\n"
    "    PRIMARY KEY (recording_id, channel)\n"
    ");\n"
    "CREATE TABLE events (\n"
    "    id            INTEGER PRIMARY KEY,\n"
    "    recording_id  INTEGER NOT NULL REFERENCES recordings(id) ON DELETE CASCADE,\n"
    "    animal        TEXT NOT NULL,\n"
    "    channel       TEXT NOT NULL,\n"
    "    start_us      INTEGER NOT NULL,\n"
    "    end_us        INTEGER NOT NULL,\n"
    "    wall_start_us INTEGER NOT NULL,\n"
    "    type          TEXT NOT NULL,\n"
    "    score         REAL NOT NULL,\n"
    "    preset        TEXT NOT NULL,\n"
    "    CHECK (end_us > start_us)\n"
    ");\n"
    "CREATE INDEX events_by_recording ON events(recording_id);\n"
    "CREATE INDEX events_by_animal_time ON events(animal, wall_start_us);\n"
    "CREATE TABLE reviews (\n"
    "    id               INTEGER PRIMARY KEY,\n"
    "    path             TEXT NOT NULL,\n"
    "    animal           TEXT NOT NULL,\n"
    "    channel          TEXT NOT NULL,\n"
    "    start_us         INTEGER NOT NULL,\n"
    "    end_us           INTEGER NOT NULL,\n"
    "    verdict          TEXT NOT NULL CHECK (verdict IN ('seizure', 'not_seizure', 'unsure')),\n"
    "    racine           INTEGER CHECK (racine BETWEEN 0 AND 5),\n"
    "    reviewer         TEXT NOT NULL,\n"
    "    reviewed_unix_us INTEGER NOT NULL,\n"
    "    note             TEXT NOT NULL DEFAULT '',\n"
    "    UNIQUE (path, animal, channel, start_us)\n"
    ");\n"
    "CREATE INDEX reviews_by_recording ON reviews(path, animal, start_us);\n",
    /* 2: decisions with history.  reviews becomes append-only (no unique
     * key; the old rows kept), with the recording's content hash when
     * reviewed (hex, as recordings.results_hash, so the two compare; NULL for
     * the rows migrated), the corrected type (the review API's former
     * "type=X; note" prefix of the note moves into it), corrected edges, and
     * events reviewers added.  Per-reviewer blinding keys and an audit log. */
    "CREATE TABLE reviews_v2 (\n"
    "    id               INTEGER PRIMARY KEY,\n"
    "    path             TEXT NOT NULL,\n"
    "    animal           TEXT NOT NULL,\n"
    "    channel          TEXT NOT NULL,\n"
    "    start_us         INTEGER NOT NULL,\n"
    "    end_us           INTEGER NOT NULL,\n"
    "    content_hash     TEXT,\n"
    "    verdict          TEXT NOT NULL CHECK (verdict IN ('seizure', 'not_seizure', 'unsure')),\n"
    "    type             TEXT NOT NULL DEFAULT '',\n"
    "    fixed_start_us   INTEGER,\n"
    "    fixed_end_us     INTEGER,\n"
    "    added            INTEGER NOT NULL DEFAULT 0 CHECK (added IN (0, 1)),\n"
    "    racine           INTEGER CHECK (racine BETWEEN 0 AND 5),\n"
    "    reviewer         TEXT NOT NULL,\n"
    "    reviewed_unix_us INTEGER NOT NULL,\n"
    "    note             TEXT NOT NULL DEFAULT '',\n"
    "    CHECK ((fixed_start_us IS NULL) = (fixed_end_us IS NULL)),\n"
    "    CHECK (fixed_end_us > fixed_start_us)\n"
    ");\n"
    "INSERT INTO reviews_v2 (id, path, animal, channel, start_us, end_us, verdict, type, racine,\n"
    "    reviewer, reviewed_unix_us, note)\n"
    "SELECT id, path, animal, channel, start_us, end_us, verdict,\n"
    "    CASE WHEN substr(note, 1, 5) <> 'type=' THEN ''\n"
    "         WHEN instr(note, '; ') > 0 THEN substr(note, 6, instr(note, '; ') - 6)\n"
    "         ELSE substr(note, 6) END,\n"
    "    racine, reviewer, reviewed_unix_us,\n"
    "    CASE WHEN substr(note, 1, 5) <> 'type=' THEN note\n"
    "         WHEN instr(note, '; ') > 0 THEN substr(note, instr(note, '; ') + 2)\n"
    "         ELSE '' END\n"
    "FROM reviews;\n"
    "DROP TABLE reviews;\n"
    "ALTER TABLE reviews_v2 RENAME TO reviews;\n"
    "CREATE INDEX reviews_by_path ON reviews(path, animal, start_us);\n"
    "CREATE INDEX reviews_by_hash ON reviews(content_hash, animal, start_us);\n"
    "CREATE INDEX recordings_by_results_hash ON recordings(results_hash);\n"
    "CREATE TABLE reviewer_keys (\n"
    "    reviewer        TEXT PRIMARY KEY,\n"
    "    key             BLOB NOT NULL CHECK (length(key) = 16),\n"
    "    created_unix_us INTEGER NOT NULL\n"
    ");\n"
    "CREATE TABLE review_audit (\n"
    "    id         INTEGER PRIMARY KEY,\n"
    "    reviewer   TEXT NOT NULL,\n"
    "    action     TEXT NOT NULL,\n"
    "    detail     TEXT NOT NULL DEFAULT '',\n"
    "    at_unix_us INTEGER NOT NULL\n"
    ");\n",
    /* 3: a run stopped by SIGINT or SIGTERM is marked 'interrupted'.  SQLite
     * cannot change a CHECK constraint in place: runs is rebuilt (foreign keys
     * are off during migrations, ictus_store_open(), so the rows that refer
     * to runs keep their ids). */
    "CREATE TABLE runs_v3 (\n"
    "    id               INTEGER PRIMARY KEY,\n"
    "    started_unix_us  INTEGER NOT NULL,\n"
    "    ended_unix_us    INTEGER,\n"
    "    version          TEXT NOT NULL,\n"
    "    host             TEXT NOT NULL,\n"
    "    pid              INTEGER NOT NULL,\n"
    "    preset           TEXT NOT NULL,\n"
    "    params_text      TEXT NOT NULL,\n"
    "    params_hash      TEXT NOT NULL,\n"
    "    status           TEXT NOT NULL DEFAULT 'running'\n"
    "                     CHECK (status IN ('running', 'ok', 'problems', 'failed',\n"
    "                                       'interrupted')),\n"
    "    files_new        INTEGER NOT NULL DEFAULT 0,\n"
    "    files_changed    INTEGER NOT NULL DEFAULT 0,\n"
    "    files_skipped    INTEGER NOT NULL DEFAULT 0,\n"
    "    files_failed     INTEGER NOT NULL DEFAULT 0,\n"
    "    files_incomplete INTEGER NOT NULL DEFAULT 0,\n"
    "    events_found     INTEGER NOT NULL DEFAULT 0\n"
    ");\n"
    "INSERT INTO runs_v3 SELECT id, started_unix_us, ended_unix_us, version, host, pid, preset,\n"
    "    params_text, params_hash, status, files_new, files_changed, files_skipped, files_failed,\n"
    "    files_incomplete, events_found FROM runs;\n"
    "DROP TABLE runs;\n"
    "ALTER TABLE runs_v3 RENAME TO runs;\n",
    /* 4: the analysable time of a range (Q_SERIES_FOR_RANGE) reads only the
     * recordings that can reach the range: those starting after its start
     * minus the animal's longest recording, the longest found through this
     * index.  Without it each of an animal's days read every recording
     * before it: quadratic in the study's length. */
    "CREATE INDEX recordings_by_animal_duration ON recordings(animal, duration_us);\n",
};

/* ------------------------------------------------------------------------
 * Prepared statements
 * ---------------------------------------------------------------------- */


/* The columns every recording query returns, in the order read_recording() reads them. */
#define RECORDING_COLUMNS                                                                          \
    "r.id, r.path, r.animal, r.status, r.error, r.size_bytes, r.mtime_ns, r.inode, "               \
    "r.content_hash, r.first_run_id, r.last_run_id, r.results_hash, r.format, r.n_channels, "      \
    "r.start_us, r.duration_us, r.n_gaps, r.gap_us, r.preset, r.params_hash, r.results_run_id, "   \
    "(SELECT count(*) FROM events e WHERE e.recording_id = r.id) "

/* The start of a subquery for the reviews w matching event e of recording r
 * (store.h, "Matching"), to be completed with further conditions. */
#define CURRENT_REVIEW                                                                             \
    "SELECT w.id FROM reviews w WHERE w.animal = e.animal "                                        \
    "    AND (w.path = r.path OR w.content_hash = r.results_hash) "                                \
    "    AND w.start_us < e.end_us AND w.end_us > e.start_us AND "

/* The columns every decision query returns (reviews w, recordings r), in the
 * order read_decision() (store_read.c) reads them. */
#define DECISION_COLUMNS                                                                           \
    "w.id, w.path, w.animal, w.channel, w.start_us, w.end_us, w.verdict, w.racine, w.reviewer, "   \
    "w.reviewed_unix_us, w.note, w.type, w.fixed_start_us, w.fixed_end_us, w.added, "              \
    "w.content_hash, r.id, r.path, r.start_us "

/* The stored recording a review w belongs to: same animal, its path (first)
 * or its content hash. */
#define DECISION_RECORDING                                                                         \
    "LEFT JOIN recordings r ON r.id = coalesce("                                                   \
    "    (SELECT q.id FROM recordings q WHERE q.path = w.path AND q.animal = w.animal), "          \
    "    (SELECT min(q.id) FROM recordings q "                                                     \
    "        WHERE q.results_hash = w.content_hash AND q.animal = w.animal)) "

/* w is the newest review (added or not: `added`) of its key: path, animal,
 * channel and edges as reviewed. */
#define NEWEST_OF_KEY(added)                                                                       \
    "w.id = (SELECT x.id FROM reviews x WHERE x.added = " #added " AND x.path = w.path "           \
    "    AND x.animal = w.animal AND x.channel = w.channel AND x.start_us = w.start_us "           \
    "    AND x.end_us = w.end_us ORDER BY x.reviewed_unix_us DESC, x.id DESC LIMIT 1) "

static const char *const query_sql[N_QUERIES] = {
    [Q_RUN_START] =
        "INSERT INTO runs (started_unix_us, version, host, pid, preset, params_text, params_hash) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [Q_RUN_FINISH] =
        "UPDATE runs SET ended_unix_us = ?2, status = ?3, files_new = ?4, files_changed = ?5, "
        "files_skipped = ?6, files_failed = ?7, files_incomplete = ?8, events_found = ?9 "
        "WHERE id = ?1",
    [Q_RUN_PROBLEM] =
        "INSERT INTO run_problems (run_id, path, kind, message) VALUES (?1, ?2, ?3, ?4)",
    [Q_REC_UPSERT_RESULTS] =
        "INSERT INTO recordings (path, animal, status, error, size_bytes, mtime_ns, inode, "
        "    content_hash, first_run_id, last_run_id, results_hash, format, n_channels, start_us, "
        "    duration_us, n_gaps, gap_us, preset, params_hash, results_run_id) "
        "VALUES (?1, ?2, 'ok', '', ?3, ?4, ?5, ?6, ?7, ?7, ?6, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
        "    ?15, ?7) "
        "ON CONFLICT (path, animal) DO UPDATE SET status = 'ok', error = '', "
        "    size_bytes = excluded.size_bytes, mtime_ns = excluded.mtime_ns, "
        "    inode = excluded.inode, content_hash = excluded.content_hash, "
        "    last_run_id = excluded.last_run_id, results_hash = excluded.results_hash, "
        "    format = excluded.format, n_channels = excluded.n_channels, "
        "    start_us = excluded.start_us, duration_us = excluded.duration_us, "
        "    n_gaps = excluded.n_gaps, gap_us = excluded.gap_us, preset = excluded.preset, "
        "    params_hash = excluded.params_hash, results_run_id = excluded.results_run_id "
        "RETURNING id",
    [Q_REC_UPSERT_FAILURE] =
        "INSERT INTO recordings (path, animal, status, error, size_bytes, mtime_ns, inode, "
        "    content_hash, first_run_id, last_run_id) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9) "
        "ON CONFLICT (path, animal) DO UPDATE SET status = excluded.status, "
        "    error = excluded.error, size_bytes = excluded.size_bytes, "
        "    mtime_ns = excluded.mtime_ns, inode = excluded.inode, "
        "    content_hash = excluded.content_hash, last_run_id = excluded.last_run_id",
    [Q_DELETE_RECORDING] = "DELETE FROM recordings WHERE path = ?1 AND animal = ?2",
    [Q_DELETE_CHANNELS] = "DELETE FROM channels WHERE recording_id = ?1",
    [Q_DELETE_EVENTS] = "DELETE FROM events WHERE recording_id = ?1",
    [Q_DELETE_SERIES] = "DELETE FROM analysable WHERE recording_id = ?1",
    [Q_INSERT_CHANNEL] =
        "INSERT INTO channels (recording_id, idx, label, fs_hz, unit, role, analysed) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [Q_INSERT_EVENT] =
        "INSERT INTO events (recording_id, animal, channel, start_us, end_us, wall_start_us, "
        "    type, score, preset) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [Q_INSERT_SERIES] =
        "INSERT INTO analysable (recording_id, channel, bucket_us, unit_us, n_buckets, "
        "    analysable_units, artefact_kinds, artefact_windows) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [Q_FIND_RECORDING] =
        "SELECT " RECORDING_COLUMNS "FROM recordings r "
        "WHERE r.path = ?1 AND (?2 IS NULL OR r.animal = ?2) ORDER BY r.animal LIMIT 1",
    [Q_EACH_RECORDING] =
        "SELECT " RECORDING_COLUMNS "FROM recordings r ORDER BY r.animal, r.path",
    [Q_EACH_RECORDING_SPAN] =
        "SELECT r.id, r.path, r.animal, r.status, r.results_hash, r.start_us, r.duration_us "
        "FROM recordings r ORDER BY r.animal, r.path",
    [Q_EACH_PLAN_ROW] = /* the UNIQUE (path, animal) index gives the order: no sort */
        "SELECT r.id, r.path, r.animal, r.status, r.error, r.size_bytes, r.mtime_ns, r.inode, "
        "    r.content_hash, r.results_hash, r.start_us, r.preset, r.params_hash "
        "FROM recordings r ORDER BY r.path, r.animal",
    [Q_COUNT_RECORDINGS] = "SELECT count(*) FROM recordings",
    [Q_EACH_CHANNEL_BY_PATH] = /* both UNIQUE indexes give the order: no sort */
        "SELECT c.idx, c.label, c.fs_hz, c.unit, c.role, c.analysed, c.recording_id "
        "FROM recordings r JOIN channels c ON c.recording_id = r.id "
        "ORDER BY r.path, r.animal, c.idx",
    [Q_PUT_REVIEW] =
        "INSERT INTO reviews (path, animal, channel, start_us, end_us, content_hash, verdict, "
        "    type, fixed_start_us, fixed_end_us, added, racine, reviewer, reviewed_unix_us, note) "
        "VALUES (?1, ?2, ?3, ?4, ?5, "
        "    (SELECT results_hash FROM recordings WHERE path = ?1 AND animal = ?2), "
        "    ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    [Q_EACH_EVENT] =
        "SELECT e.start_us, e.end_us, e.wall_start_us, e.channel, e.type, e.score, r.path, "
        "    e.animal, e.preset, e.recording_id, v.verdict, v.racine, v.id, v.reviewer, "
        "    v.reviewed_unix_us, v.note, v.type, v.fixed_start_us, v.fixed_end_us "
        "FROM events e JOIN recordings r ON r.id = e.recording_id "
        "LEFT JOIN reviews v ON v.id = (" CURRENT_REVIEW "w.added = 0 "
        "    AND (?4 IS NULL OR w.reviewer = ?4) ORDER BY w.reviewed_unix_us DESC, w.id DESC "
        "    LIMIT 1) "
        "WHERE (?1 IS NULL OR e.animal = ?1) AND e.wall_start_us >= ?2 AND e.wall_start_us < ?3 "
        "ORDER BY e.animal, e.wall_start_us, r.path, e.channel, e.type, e.start_us, e.end_us, "
        "    e.score",
    [Q_REVIEW_HISTORY] =
        "SELECT " DECISION_COLUMNS "FROM reviews w " DECISION_RECORDING
        "WHERE w.animal = ?2 AND w.added = ?5 AND (w.path = ?1 OR w.content_hash = "
        "    (SELECT results_hash FROM recordings WHERE path = ?1 AND animal = ?2)) "
        "    AND (CASE WHEN ?5 THEN w.path = ?1 AND w.start_us = ?3 AND w.end_us = ?4 "
        "         ELSE w.start_us < ?4 AND w.end_us > ?3 END) "
        "ORDER BY w.reviewed_unix_us DESC, w.id DESC",
    [Q_EACH_ADDED] =
        "SELECT " DECISION_COLUMNS "FROM reviews w " DECISION_RECORDING
        "WHERE w.added = 1 AND (?1 IS NULL OR w.animal = ?1) AND " NEWEST_OF_KEY(1)
        "ORDER BY w.animal, w.path, w.start_us, w.end_us, w.channel",
    [Q_EACH_ORPHAN] =
        "SELECT " DECISION_COLUMNS "FROM reviews w " DECISION_RECORDING
        "WHERE w.added = 0 AND (?1 IS NULL OR w.animal = ?1) AND " NEWEST_OF_KEY(0)
        "    AND NOT EXISTS (SELECT 1 FROM recordings q JOIN events e ON e.recording_id = q.id "
        "        WHERE q.animal = w.animal AND (q.path = w.path OR q.results_hash = w.content_hash) "
        "        AND e.start_us < w.end_us AND e.end_us > w.start_us) "
        "ORDER BY w.animal, w.path, w.start_us, w.end_us, w.channel",
    [Q_KEY_CREATE] =
        "INSERT INTO reviewer_keys (reviewer, key, created_unix_us) "
        "VALUES (?1, randomblob(16), strftime('%s', 'now') * 1000000) "
        "ON CONFLICT (reviewer) DO NOTHING",
    [Q_KEY_READ] = "SELECT key FROM reviewer_keys WHERE reviewer = ?1",
    [Q_AUDIT_APPEND] =
        "INSERT INTO review_audit (reviewer, action, detail, at_unix_us) VALUES (?1, ?2, ?3, ?4)",
    [Q_EACH_AUDIT] =
        "SELECT id, reviewer, action, detail, at_unix_us FROM review_audit "
        "WHERE ?1 IS NULL OR reviewer = ?1 ORDER BY at_unix_us, id",
    [Q_SERIES_FOR_RANGE] =
        "SELECT r.start_us, r.duration_us, a.bucket_us, a.unit_us, a.n_buckets, "
        "    a.analysable_units "
        "FROM analysable a JOIN recordings r ON r.id = a.recording_id "
        "WHERE r.animal = ?1 AND a.channel = ?2 AND r.start_us < ?4 "
        "    AND r.start_us > ?3 - (SELECT max(q.duration_us) FROM recordings q "
        "        WHERE q.animal = ?1) " /* implied by the next line; bounds the index range */
        "    AND r.start_us + r.duration_us > ?3 "
        "ORDER BY r.start_us, r.path",
    [Q_TOUCH_RECORDING] =
        "UPDATE recordings SET size_bytes = ?2, mtime_ns = ?3, inode = ?4, last_run_id = ?5 "
        "WHERE path = ?1",
    [Q_GET_SERIES] =
        "SELECT bucket_us, unit_us, n_buckets, analysable_units, artefact_windows "
        "FROM analysable WHERE recording_id = ?1 AND channel = ?2",
    [Q_EACH_CHANNEL] =
        "SELECT idx, label, fs_hz, unit, role, analysed FROM channels WHERE recording_id = ?1 "
        "ORDER BY idx",
    [Q_EACH_CHANNEL_ALL] = /* the primary key's order: its index, no sort */
        "SELECT idx, label, fs_hz, unit, role, analysed, recording_id FROM channels "
        "ORDER BY recording_id, idx",
    [Q_ANIMAL_TOTALS] = /* each_recording's counts, summed per animal in its order */
        "SELECT r.animal, count(*), sum(r.status != 'ok'), "
        "    sum((SELECT count(*) FROM events e WHERE e.recording_id = r.id)) "
        "FROM recordings r GROUP BY r.animal ORDER BY r.animal",
    [Q_LAST_RUN] =
        "SELECT id, started_unix_us, host, pid, status FROM runs ORDER BY id DESC LIMIT 1",
    [Q_RECENT_RUNS] =
        "SELECT id, started_unix_us, host, pid, status, ended_unix_us, version, preset, "
        "params_text, files_new, files_changed, files_skipped, files_failed, files_incomplete, "
        "events_found FROM runs ORDER BY id DESC LIMIT ?1",
};


/* ------------------------------------------------------------------------
 * Errors and statement helpers
 * ---------------------------------------------------------------------- */

/* The ictus status for an SQLite result code. */
static ictus_status status_of(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return ICTUS_ERR_BUSY;
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
        return ICTUS_ERR_IO;
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
        return ICTUS_ERR_FORMAT;
    default:
        return ICTUS_ERR_DB;
    }
}

/* Fail with the connection's last error: "PATH: WHAT: sqlite message". */
ictus_status ictus_store_db_fail(ictus_store *s, int rc, const char *what, ictus_error *err)
{
    return ictus_fail(err, status_of(rc), "%s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
}

/* Run SQL text without parameters (schema, pragmas, transaction control). */
static ictus_status exec(ictus_store *s, const char *sql, const char *what, ictus_error *err)
{
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? ICTUS_OK : ictus_store_db_fail(s, rc, what, err);
}

/* The statement `id`, prepared on first use, reset and with no bindings. */
static ictus_status prepared(ictus_store *s, ictus_store_query id, sqlite3_stmt **out,
                             ictus_error *err)
{
    if (!s->stmts[id]) {
        int rc = sqlite3_prepare_v3(s->db, query_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
                                    &s->stmts[id], NULL);
        if (rc != SQLITE_OK)
            return ictus_store_db_fail(s, rc, "cannot prepare a statement", err);
    }
    sqlite3_reset(s->stmts[id]);
    sqlite3_clear_bindings(s->stmts[id]);
    *out = s->stmts[id];
    return ICTUS_OK;
}

/* Bind args[0..n) to ?1..?n of st (whose bindings are cleared: NULL). */
static void bind_args(sqlite3_stmt *st, const ictus_store_arg *args, int n)
{
    for (int i = 0; i < n; i++) {
        const ictus_store_arg *a = &args[i];
        char hex[ICTUS_HASH_HEX_SIZE];
        switch (a->kind) {
        case STORE_ARG_NULL:
            break;
        case STORE_ARG_INT:
            sqlite3_bind_int64(st, i + 1, a->i);
            break;
        case STORE_ARG_REAL:
            sqlite3_bind_double(st, i + 1, a->real);
            break;
        case STORE_ARG_TEXT:
            sqlite3_bind_text(st, i + 1, a->p, -1, SQLITE_TRANSIENT);
            break;
        case STORE_ARG_HASH:
            if (a->p)
                sqlite3_bind_text(st, i + 1,
                                  ictus_hash128_format(*(const ictus_hash128 *)a->p, hex), -1,
                                  SQLITE_TRANSIENT);
            break;
        case STORE_ARG_BLOB:
            sqlite3_bind_blob64(st, i + 1, a->p, (sqlite3_uint64)a->i, SQLITE_TRANSIENT);
            break;
        }
    }
}

ictus_status ictus_store_query_rows(ictus_store *s, ictus_store_query id,
                                    const ictus_store_arg *args, int n_args,
                                    ictus_store_row_fn fn, void *ctx, const char *what,
                                    ictus_error *err)
{
    sqlite3_stmt *st = NULL;
    ictus_status result = prepared(s, id, &st, err);
    if (result != ICTUS_OK)
        return result;
    bind_args(st, args, n_args);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (fn && (result = fn(ctx, st, err)) != ICTUS_OK)
            break;
    if (result == ICTUS_OK && rc != SQLITE_DONE)
        result = ictus_store_db_fail(s, rc, what, err);
    sqlite3_reset(st);
    return result;
}

ictus_status ictus_store_exec(ictus_store *s, ictus_store_query id, const ictus_store_arg *args,
                              int n_args, const char *what, ictus_error *err)
{
    return ictus_store_query_rows(s, id, args, n_args, NULL, NULL, what, err);
}

/* Column `i` as text, "" when NULL. */
const char *ictus_store_column_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "";
}

/* Index of `text` in names[0..n), or -1. */
int ictus_store_name_index(const char *const *names, int n, const char *text)
{
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], text) == 0)
            return i;
    return -1;
}

/* ------------------------------------------------------------------------
 * Writes: a transaction of their own, or a savepoint inside begin()/commit()
 * ---------------------------------------------------------------------- */

static ictus_status write_begin(ictus_store *s, bool *nested, ictus_error *err)
{
    *nested = !sqlite3_get_autocommit(s->db);
    return exec(s, *nested ? "SAVEPOINT ictus_put" : "BEGIN IMMEDIATE",
                "cannot start a transaction", err);
}

/* Commit when st is ICTUS_OK (returning the commit's status), else roll back
 * and return st. */
static ictus_status write_end(ictus_store *s, bool nested, ictus_status st, ictus_error *err)
{
    if (st == ICTUS_OK) {
        st = exec(s, nested ? "RELEASE ictus_put" : "COMMIT", "cannot commit", err);
        if (st == ICTUS_OK)
            return ICTUS_OK;
    }
    if (nested)
        sqlite3_exec(s->db, "ROLLBACK TO ictus_put; RELEASE ictus_put", NULL, NULL, NULL);
    else if (!sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return st;
}

ictus_status ictus_store_begin(ictus_store *s, ictus_error *err)
{
    return exec(s, "BEGIN IMMEDIATE", "cannot start a transaction", err);
}

ictus_status ictus_store_commit(ictus_store *s, ictus_error *err)
{
    return exec(s, "COMMIT", "cannot commit", err);
}

void ictus_store_rollback(ictus_store *s)
{
    if (!sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

ictus_status ictus_store_read_begin(ictus_store *s, bool *began, ictus_error *err)
{
    *began = false;
    if (!sqlite3_get_autocommit(s->db))
        return ICTUS_OK;
    ictus_status st = exec(s, "BEGIN DEFERRED", "cannot start a read transaction", err);
    *began = st == ICTUS_OK;
    return st;
}

void ictus_store_read_end(ictus_store *s, bool began)
{
    /* a read transaction has nothing to lose: COMMIT only releases its snapshot */
    if (began && !sqlite3_get_autocommit(s->db) &&
        sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

/* ------------------------------------------------------------------------
 * Opening, checking what the file is, migrating
 * ---------------------------------------------------------------------- */

/* Read one integer from a query without parameters (a pragma, a count). */
static ictus_status query_int(ictus_store *s, const char *sql, int64_t *out, ictus_error *err)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            *out = sqlite3_column_int64(st, 0);
            rc = SQLITE_OK;
        }
    }
    ictus_status result = ICTUS_OK;
    if (rc == SQLITE_NOTADB)
        result = ictus_fail(err, ICTUS_ERR_FORMAT, "%s: not an SQLite database (%s)", s->path,
                            sqlite3_errmsg(s->db));
    else if (rc != SQLITE_OK)
        result = ictus_store_db_fail(s, rc, "cannot read the database", err);
    sqlite3_finalize(st);
    return result;
}

/* Apply the migrations after s->version, each in its own transaction.  The
 * version is read again under the write lock: another process may have
 * migrated the file meanwhile. */
static ictus_status migrate(ictus_store *s, ictus_error *err)
{
    for (int v = s->version + 1; v <= ICTUS_STORE_SCHEMA_VERSION; v++) {
        ictus_status st = exec(s, "BEGIN IMMEDIATE", "cannot start the schema migration", err);
        if (st != ICTUS_OK)
            return st;
        int64_t now;
        st = query_int(s, "PRAGMA user_version", &now, err);
        if (st == ICTUS_OK && now < v) {
            char what[64], set_version[96];
            snprintf(what, sizeof what, "schema migration to version %d failed", v);
            snprintf(set_version, sizeof set_version,
                     "PRAGMA application_id = %d; PRAGMA user_version = %d",
                     STORE_APPLICATION_ID, v);
            st = exec(s, migrations[v - 1], what, err);
            if (st == ICTUS_OK)
                st = exec(s, set_version, what, err);
        }
        if (st == ICTUS_OK)
            st = exec(s, "COMMIT", "cannot commit the schema migration", err);
        if (st != ICTUS_OK) {
            ictus_store_rollback(s);
            return st;
        }
        s->version = v;
    }
    return ICTUS_OK;
}

/* Check that the file is an ictus database this program can use (or an
 * empty one), then bring its schema up to date. */
static ictus_status check_and_migrate(ictus_store *s, ictus_error *err)
{
    int64_t app_id, version, n_objects;
    ictus_status st = query_int(s, "PRAGMA application_id", &app_id, err);
    if (st == ICTUS_OK)
        st = query_int(s, "PRAGMA user_version", &version, err);
    if (st == ICTUS_OK)
        st = query_int(s, "SELECT count(*) FROM sqlite_schema", &n_objects, err);
    if (st != ICTUS_OK)
        return st;
    if (app_id != STORE_APPLICATION_ID && (app_id != 0 || version != 0 || n_objects != 0))
        return ictus_fail(err, ICTUS_ERR_FORMAT,
                          "%s: an SQLite database of another program (application_id %" PRId64
                          ", user_version %" PRId64 ", %" PRId64 " tables or indexes), not an "
                          "ictus results store", s->path, app_id, version, n_objects);
    if (version > ICTUS_STORE_SCHEMA_VERSION)
        return ictus_fail(err, ICTUS_ERR_DB,
                          "%s: written by a newer ictus (schema version %" PRId64 "; ictus %s "
                          "reads versions up to %d): use that version or a later one",
                          s->path, version, ICTUS_VERSION, ICTUS_STORE_SCHEMA_VERSION);
    s->version = (int)version;
    return migrate(s, err);
}

ictus_status ictus_store_open(const char *path, ictus_store **out, ictus_error *err)
{
    *out = NULL;
    ictus_store *s = ictus_xcalloc(1, sizeof *s);
    s->path = ictus_xstrdup(path);
    int rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    ictus_status st = ICTUS_OK;
    if (rc != SQLITE_OK) {
        int e = s->db ? sqlite3_system_errno(s->db) : 0;
        st = ictus_fail(err, ICTUS_ERR_IO, "%s: cannot open or create the database: %s%s%s", path,
                        s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc), e ? ": " : "",
                        e ? strerror(e) : "");
    }
    if (st == ICTUS_OK) {
        sqlite3_extended_result_codes(s->db, 1);
        sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT_MS);
        int64_t ignored;
        /* The first read finds out whether the file is a database at all. */
        st = query_int(s, "PRAGMA application_id", &ignored, err);
    }
    /* WAL: readers never block the writer.  On a file system without shared
     * memory SQLite keeps its rollback journal, which is just as safe. */
    /* Foreign keys are enforced once the schema is up to date: a migration
     * that rebuilds a table (3) must not cascade its DROP (SQLite ignores the
     * pragma inside a transaction, so it is set around them). */
    if (st == ICTUS_OK)
        st = exec(s, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
                     "PRAGMA foreign_keys = OFF",
                  "cannot configure the database", err);
    if (st == ICTUS_OK)
        st = check_and_migrate(s, err);
    if (st == ICTUS_OK)
        st = exec(s, "PRAGMA foreign_keys = ON", "cannot configure the database", err);
    if (st != ICTUS_OK) {
        ictus_store_close(s);
        return st;
    }
    *out = s;
    return ICTUS_OK;
}

void ictus_store_close(ictus_store *s)
{
    if (!s)
        return;
    for (int i = 0; i < N_QUERIES; i++)
        sqlite3_finalize(s->stmts[i]);
    sqlite3_close_v2(s->db);
    free(s->path);
    free(s);
}

int ictus_store_schema_version(ictus_store *s)
{
    return s->version;
}

struct sqlite3 *ictus_store_db(ictus_store *s)
{
    return s->db;
}

/* ------------------------------------------------------------------------
 * Runs and their problems
 * ---------------------------------------------------------------------- */

static const char *const run_status_names[ICTUS_N_RUN_STATUS] = {"running", "ok", "problems",
                                                                  "failed", "interrupted"};
static const char *const problem_kind_names[ICTUS_N_PROBLEM_KINDS] = {"failed", "incomplete",
                                                                      "warning"};
const char *const ictus_store_rec_status_names[ICTUS_N_REC_STATUS] = {"ok", "failed", "incomplete",
                                                                 "stale"};
const char *const ictus_store_verdict_names[ICTUS_N_VERDICTS] = {"", "seizure", "not_seizure",
                                                            "unsure"};

const char *ictus_run_status_name(ictus_run_status st)
{
    assert(st >= 0 && st < ICTUS_N_RUN_STATUS);
    return run_status_names[st];
}

const char *ictus_problem_kind_name(ictus_problem_kind kind)
{
    assert(kind >= 0 && kind < ICTUS_N_PROBLEM_KINDS);
    return problem_kind_names[kind];
}

const char *ictus_rec_status_name(ictus_rec_status st)
{
    assert(st >= 0 && st < ICTUS_N_REC_STATUS);
    return ictus_store_rec_status_names[st];
}

const char *ictus_verdict_name(ictus_verdict v)
{
    assert(v >= 0 && v < ICTUS_N_VERDICTS);
    return ictus_store_verdict_names[v];
}

ictus_verdict ictus_verdict_parse(const char *name)
{
    int v = ictus_store_name_index(ictus_store_verdict_names, ICTUS_N_VERDICTS, name);
    return v < 0 ? ICTUS_VERDICT_NONE : (ictus_verdict)v;
}

ictus_status ictus_store_run_start(ictus_store *s, const ictus_store_run_info *info,
                                   int64_t *run_id, ictus_error *err)
{
    ictus_hash128 h = ictus_hash_bytes(info->params_text, strlen(info->params_text));
    const ictus_store_arg args[] = {
        STORE_INT(info->started_unix_us), STORE_TEXT(info->version), STORE_TEXT(info->host),
        STORE_INT(info->pid), STORE_TEXT(info->preset), STORE_TEXT(info->params_text),
        STORE_HASH(&h)};
    ictus_status result =
        ictus_store_exec(s, Q_RUN_START, args, STORE_N_ARGS(args), "cannot record the run", err);
    if (result == ICTUS_OK)
        *run_id = sqlite3_last_insert_rowid(s->db);
    return result;
}

ictus_status ictus_store_run_finish(ictus_store *s, int64_t run_id, const ictus_store_run_end *end,
                                    ictus_error *err)
{
    assert(end->status != ICTUS_RUN_RUNNING);
    const ictus_store_arg args[] = {
        STORE_INT(run_id), STORE_INT(end->ended_unix_us),
        STORE_TEXT(ictus_run_status_name(end->status)), STORE_INT(end->files_new),
        STORE_INT(end->files_changed), STORE_INT(end->files_skipped), STORE_INT(end->files_failed),
        STORE_INT(end->files_incomplete), STORE_INT(end->events_found)};
    ictus_status result = ictus_store_exec(s, Q_RUN_FINISH, args, STORE_N_ARGS(args),
                                           "cannot record the end of the run", err);
    if (result == ICTUS_OK && sqlite3_changes(s->db) != 1)
        result = ictus_fail(err, ICTUS_ERR_DB, "%s: no run %" PRId64 " to finish", s->path, run_id);
    return result;
}

ictus_status ictus_store_run_problem(ictus_store *s, int64_t run_id, const char *path,
                                     ictus_problem_kind kind, const char *message,
                                     ictus_error *err)
{
    const ictus_store_arg args[] = {
        STORE_INT(run_id), STORE_TEXT(path), STORE_TEXT(ictus_problem_kind_name(kind)),
        STORE_TEXT(message)};
    return ictus_store_exec(s, Q_RUN_PROBLEM, args, STORE_N_ARGS(args),
                            "cannot record a problem of the run", err);
}

/* read_run()'s context: where the last run goes, and whether there is one. */
typedef struct {
    ictus_store_run_row *out;
    bool found;
} run_found;

static ictus_status read_run(void *ctx, sqlite3_stmt *st, ictus_error *err)
{
    run_found *r = ctx;
    r->out->id = sqlite3_column_int64(st, 0);
    r->out->started_unix_us = sqlite3_column_int64(st, 1);
    snprintf(r->out->host, sizeof r->out->host, "%s", ictus_store_column_text(st, 2));
    r->out->pid = sqlite3_column_int64(st, 3);
    int status = ictus_store_name_index(run_status_names, ICTUS_N_RUN_STATUS,
                                        ictus_store_column_text(st, 4));
    r->out->status = status < 0 ? ICTUS_RUN_FAILED : (ictus_run_status)status;
    r->found = true;
    return ICTUS_OK;
}

ictus_status ictus_store_last_run(ictus_store *s, ictus_store_run_row *out, bool *found,
                                  ictus_error *err)
{
    run_found r = {out, false};
    ictus_status result =
        ictus_store_query_rows(s, Q_LAST_RUN, NULL, 0, read_run, &r, "cannot read the runs", err);
    *found = r.found;
    return result;
}

/* ictus_store_recent_runs()'s context: where the next row goes. */
typedef struct {
    ictus_store_run_detail *out;
    int n, max;
} runs_read;

static ictus_status read_run_detail(void *ctx, sqlite3_stmt *st, ictus_error *err)
{
    runs_read *r = ctx;
    if (r->n == r->max)
        return ICTUS_OK;
    ictus_store_run_detail *d = &r->out[r->n];
    run_found one = {&d->row, false};
    ictus_status result = read_run(&one, st, err);
    if (result != ICTUS_OK)
        return result;
    d->ended_unix_us = sqlite3_column_int64(st, 5);
    snprintf(d->version, sizeof d->version, "%s", ictus_store_column_text(st, 6));
    d->preset = ictus_xstrdup(ictus_store_column_text(st, 7));
    d->params_text = ictus_xstrdup(ictus_store_column_text(st, 8));
    d->end = (ictus_store_run_end){
        .ended_unix_us = d->ended_unix_us, .status = d->row.status,
        .files_new = sqlite3_column_int64(st, 9), .files_changed = sqlite3_column_int64(st, 10),
        .files_skipped = sqlite3_column_int64(st, 11), .files_failed = sqlite3_column_int64(st, 12),
        .files_incomplete = sqlite3_column_int64(st, 13),
        .events_found = sqlite3_column_int64(st, 14)};
    r->n++;
    return ICTUS_OK;
}

ictus_status ictus_store_recent_runs(ictus_store *s, int max, ictus_store_run_detail *out, int *n,
                                     ictus_error *err)
{
    runs_read r = {out, 0, max};
    const ictus_store_arg args[] = {STORE_INT(max)};
    ictus_status result = ictus_store_query_rows(s, Q_RECENT_RUNS, args, STORE_N_ARGS(args),
                                                 read_run_detail, &r, "cannot read the runs", err);
    if (result != ICTUS_OK) {
        for (int i = 0; i < r.n; i++)
            ictus_store_run_detail_clear(&out[i]);
        r.n = 0;
    }
    *n = r.n;
    return result;
}

void ictus_store_run_detail_clear(ictus_store_run_detail *d)
{
    free(d->params_text);
    free(d->preset);
    memset(d, 0, sizeof *d);
}

/* ------------------------------------------------------------------------
 * Putting results
 * ---------------------------------------------------------------------- */

/* Check what put_recording() is given; the message names the recording and the item. */
static ictus_status check_results(const ictus_store_results *res, ictus_error *err)
{
    const char *path = res->file.path, *animal = res->file.animal;
    if (res->duration_us <= 0)
        return ictus_fail(err, ICTUS_ERR_DATA, "%s (%s): duration %" PRId64 " us: expected > 0",
                          path, animal, res->duration_us);
    for (int c = 0; c < res->n_channels; c++) {
        const ictus_store_channel *ch = &res->channels[c];
        if (!ch->label[0] || !(ch->fs_hz > 0) || !isfinite(ch->fs_hz))
            return ictus_fail(err, ICTUS_ERR_DATA,
                              "%s (%s): channel %d (\"%s\", %g Hz): expected a label and a "
                              "sampling rate > 0", path, animal, c + 1, ch->label, ch->fs_hz);
    }
    for (int64_t i = 0; i < res->n_events; i++) {
        const ictus_event *e = &res->events[i];
        if (e->end_us <= e->start_us || !e->channel[0] || !e->type[0] || !(e->score >= 0) ||
            !(e->score <= 1))
            return ictus_fail(err, ICTUS_ERR_DATA,
                              "%s (%s): event %" PRId64 " (%s, %s, %" PRId64 "..%" PRId64
                              " us, score %g): expected end > start, a channel, a type and a "
                              "score in [0, 1]", path, animal, i + 1, e->channel, e->type,
                              e->start_us, e->end_us, e->score);
    }
    int64_t n_buckets = ictus_grid_n_buckets(res->duration_us);
    for (int k = 0; k < res->n_series; k++) {
        const ictus_store_series *ser = &res->series[k];
        for (int j = 0; j < k; j++)
            if (strcmp(res->series[j].channel, ser->channel) == 0)
                return ictus_fail(err, ICTUS_ERR_DATA,
                                  "%s (%s): two analysable-time series for channel \"%s\"", path,
                                  animal, ser->channel);
        if (!ser->channel[0] || ser->n_buckets != n_buckets)
            return ictus_fail(err, ICTUS_ERR_DATA,
                              "%s (%s): analysable-time series \"%s\" has %" PRId64 " buckets: "
                              "expected %" PRId64 " for %" PRId64 " us", path, animal,
                              ser->channel, ser->n_buckets, n_buckets, res->duration_us);
        for (int64_t b = 0; b < n_buckets; b++) {
            int64_t us = ser->analysable_us[b], len = ictus_grid_bucket_len_us(b, res->duration_us);
            if (us < 0 || us > len)
                return ictus_fail(err, ICTUS_ERR_DATA,
                                  "%s (%s): analysable-time series \"%s\", bucket %" PRId64
                                  ": %" PRId64 " us analysable: expected 0 to the bucket's "
                                  "%" PRId64 " us", path, animal, ser->channel, b, us, len);
        }
    }
    return ICTUS_OK;
}

/* Little-endian uint16 bytes of v[0..n) (NULL: zeros) into a new buffer
 * (owned by the caller). */
static unsigned char *u16_blob(const uint16_t *v, int64_t n)
{
    unsigned char *b = ictus_xmalloc((size_t)n * 2);
    for (int64_t i = 0; i < n; i++) {
        b[2 * i] = (unsigned char)(v ? v[i] & 0xff : 0);
        b[2 * i + 1] = (unsigned char)(v ? v[i] >> 8 : 0);
    }
    return b;
}

/* Analysable µs of each bucket (checked: 0 .. a bucket's length) as
 * little-endian uint16 counts of ICTUS_STORE_ANALYSABLE_UNIT_US, rounded to
 * the nearest, into a new buffer (owned by the caller). */
static unsigned char *units_blob(const int64_t *us, int64_t n)
{
    static_assert((ICTUS_STORE_BUCKET_US + ICTUS_STORE_ANALYSABLE_UNIT_US / 2) /
                          ICTUS_STORE_ANALYSABLE_UNIT_US <= UINT16_MAX,
                  "a full bucket's units fit a uint16");
    uint16_t *units = ictus_xmalloc((size_t)(n ? n : 1) * sizeof *units);
    for (int64_t i = 0; i < n; i++)
        units[i] = (uint16_t)((us[i] + ICTUS_STORE_ANALYSABLE_UNIT_US / 2) /
                              ICTUS_STORE_ANALYSABLE_UNIT_US);
    unsigned char *b = u16_blob(units, n);
    free(units);
    return b;
}

static ictus_status insert_series(ictus_store *s, int64_t rec_id, const ictus_store_series *ser,
                                  ictus_error *err)
{
    static_assert(ICTUS_STORE_N_ARTEFACT_KINDS == ICTUS_N_ART, "one count per artefact flag");
    ictus_strbuf kinds = {0};
    for (int k = 0; k < ICTUS_N_ART; k++)
        ictus_strbuf_join(&kinds, "|", ictus_artefact_names[k]);
    unsigned char *units = units_blob(ser->analysable_us, ser->n_buckets);
    unsigned char *windows = u16_blob(ser->artefact_windows, ser->n_buckets * ICTUS_N_ART);
    const ictus_store_arg args[] = {
        STORE_INT(rec_id), STORE_TEXT(ser->channel), STORE_INT(ICTUS_STORE_BUCKET_US),
        STORE_INT(ICTUS_STORE_ANALYSABLE_UNIT_US), STORE_INT(ser->n_buckets),
        STORE_BLOB(units, ser->n_buckets * 2), STORE_TEXT(ictus_strbuf_text(&kinds)),
        STORE_BLOB(windows, ser->n_buckets * ICTUS_N_ART * 2)};
    ictus_status result = ictus_store_exec(s, Q_INSERT_SERIES, args, STORE_N_ARGS(args),
                                           "cannot store analysable time", err);
    free(units);
    free(windows);
    ictus_strbuf_free(&kinds);
    return result;
}

static ictus_status insert_event(ictus_store *s, int64_t rec_id, const ictus_store_results *res,
                                 const ictus_event *e, ictus_error *err)
{
    const ictus_store_arg args[] = {
        STORE_INT(rec_id), STORE_TEXT(res->file.animal), STORE_TEXT(e->channel),
        STORE_INT(e->start_us), STORE_INT(e->end_us), STORE_INT(e->wall_start_us),
        STORE_TEXT(e->type), STORE_REAL(e->score), STORE_TEXT(res->preset)};
    return ictus_store_exec(s, Q_INSERT_EVENT, args, STORE_N_ARGS(args), "cannot store an event",
                            err);
}

static ictus_status insert_channel(ictus_store *s, int64_t rec_id, int idx,
                                   const ictus_store_channel *ch, ictus_error *err)
{
    const ictus_store_arg args[] = {
        STORE_INT(rec_id), STORE_INT(idx), STORE_TEXT(ch->label), STORE_REAL(ch->fs_hz),
        STORE_TEXT(ch->unit), STORE_TEXT(ch->role), STORE_INT(ch->analysed)};
    return ictus_store_exec(s, Q_INSERT_CHANNEL, args, STORE_N_ARGS(args), "cannot store a channel",
                            err);
}

/* The id a RETURNING row holds in its first column, into ctx (an int64_t). */
static ictus_status read_id(void *ctx, sqlite3_stmt *st, ictus_error *err)
{
    *(int64_t *)ctx = sqlite3_column_int64(st, 0);
    return ICTUS_OK;
}

/* Insert or update the recording row; *rec_id is its id. */
static ictus_status upsert_results_row(ictus_store *s, const ictus_store_results *res,
                                       int64_t *rec_id, ictus_error *err)
{
    const ictus_store_file *f = &res->file;
    const ictus_store_arg args[] = {
        STORE_TEXT(f->path), STORE_TEXT(f->animal), STORE_INT(f->identity.size_bytes),
        STORE_INT(f->identity.mtime_ns), STORE_INT((int64_t)f->identity.inode),
        STORE_HASH(f->content_hash), STORE_INT(f->run_id), STORE_TEXT(res->format),
        STORE_INT(res->n_channels), STORE_INT(res->start_us), STORE_INT(res->duration_us),
        STORE_INT(res->n_gaps), STORE_INT(res->gap_us), STORE_TEXT(res->preset),
        STORE_HASH(&res->params_hash)};
    return ictus_store_query_rows(s, Q_REC_UPSERT_RESULTS, args, STORE_N_ARGS(args), read_id,
                                  rec_id, "cannot store the recording", err);
}

static ictus_status delete_results(ictus_store *s, int64_t rec_id, ictus_error *err)
{
    static const ictus_store_query deletes[] = {Q_DELETE_CHANNELS, Q_DELETE_EVENTS,
                                                Q_DELETE_SERIES};
    const ictus_store_arg args[] = {STORE_INT(rec_id)};
    ictus_status result = ICTUS_OK;
    for (size_t i = 0; i < sizeof deletes / sizeof deletes[0] && result == ICTUS_OK; i++)
        result = ictus_store_exec(s, deletes[i], args, STORE_N_ARGS(args),
                                  "cannot delete old results", err);
    return result;
}

ictus_status ictus_store_put_recording(ictus_store *s, const ictus_store_results *res,
                                       ictus_error *err)
{
    assert(res->file.content_hash != NULL);
    ictus_status st = check_results(res, err);
    if (st != ICTUS_OK)
        return st;
    bool nested;
    st = write_begin(s, &nested, err);
    if (st != ICTUS_OK)
        return st;
    int64_t rec_id = 0;
    st = upsert_results_row(s, res, &rec_id, err);
    if (st == ICTUS_OK)
        st = delete_results(s, rec_id, err);
    for (int c = 0; c < res->n_channels && st == ICTUS_OK; c++)
        st = insert_channel(s, rec_id, c, &res->channels[c], err);
    for (int64_t i = 0; i < res->n_events && st == ICTUS_OK; i++)
        st = insert_event(s, rec_id, res, &res->events[i], err);
    for (int k = 0; k < res->n_series && st == ICTUS_OK; k++)
        st = insert_series(s, rec_id, &res->series[k], err);
    return write_end(s, nested, st, err);
}

ictus_status ictus_store_put_failure(ictus_store *s, const ictus_store_file *file,
                                     ictus_rec_status status, const char *message,
                                     ictus_error *err)
{
    assert(status != ICTUS_REC_OK);
    const ictus_store_arg args[] = {
        STORE_TEXT(file->path), STORE_TEXT(file->animal), STORE_TEXT(ictus_rec_status_name(status)),
        STORE_TEXT(message), STORE_INT(file->identity.size_bytes),
        STORE_INT(file->identity.mtime_ns), STORE_INT((int64_t)file->identity.inode),
        STORE_HASH(file->content_hash), STORE_INT(file->run_id)};
    return ictus_store_exec(s, Q_REC_UPSERT_FAILURE, args, STORE_N_ARGS(args),
                            "cannot record the failure", err);
}

ictus_status ictus_store_delete_recording(ictus_store *s, const char *path, const char *animal,
                                          bool *deleted, ictus_error *err)
{
    const ictus_store_arg args[] = {STORE_TEXT(path), STORE_TEXT(animal)};
    ictus_status result = ictus_store_exec(s, Q_DELETE_RECORDING, args, STORE_N_ARGS(args),
                                           "cannot delete the recording", err);
    *deleted = result == ICTUS_OK && sqlite3_changes(s->db) > 0;
    return result;
}

ictus_status ictus_store_put_review(ictus_store *s, const ictus_store_review *review,
                                    ictus_error *err)
{
    assert(review->verdict > ICTUS_VERDICT_NONE && review->verdict < ICTUS_N_VERDICTS);
    const char *type = review->type ? review->type : "";
    if (review->racine < -1 || review->racine > 5 || review->end_us <= review->start_us ||
        (review->has_fixed_edges && review->fixed_end_us <= review->fixed_start_us) ||
        strlen(type) >= ICTUS_TYPE_MAX)
        return ictus_fail(err, ICTUS_ERR_DATA,
                          "%s (%s): review of %s at %" PRId64 " us: expected end > start "
                          "(got %" PRId64 " us), corrected edges with end > start, a Racine "
                          "stage 0..5 or none (got %d) and a type of at most %d bytes",
                          review->path, review->animal, review->channel, review->start_us,
                          review->end_us, review->racine, ICTUS_TYPE_MAX - 1);
    const ictus_store_arg args[] = {
        STORE_TEXT(review->path), STORE_TEXT(review->animal), STORE_TEXT(review->channel),
        STORE_INT(review->start_us), STORE_INT(review->end_us),
        STORE_TEXT(ictus_verdict_name(review->verdict)), STORE_TEXT(type),
        review->has_fixed_edges ? STORE_INT(review->fixed_start_us) : STORE_NULL,
        review->has_fixed_edges ? STORE_INT(review->fixed_end_us) : STORE_NULL,
        STORE_INT(review->added),
        review->racine >= 0 ? STORE_INT(review->racine) : STORE_NULL, STORE_TEXT(review->reviewer),
        STORE_INT(review->reviewed_unix_us), STORE_TEXT(review->note ? review->note : "")};
    /* BEGIN IMMEDIATE: the insert reads the recording's hash, and a read
     * that turned into a write could fail at once on a busy database
     * instead of waiting for the busy timeout. */
    bool nested;
    ictus_status st = write_begin(s, &nested, err);
    if (st == ICTUS_OK)
        st = ictus_store_exec(s, Q_PUT_REVIEW, args, STORE_N_ARGS(args),
                              "cannot store the review", err);
    return write_end(s, nested, st, err);
}

/* ------------------------------------------------------------------------
 * Blinding keys and the audit log
 * ---------------------------------------------------------------------- */

/* The key column of Q_KEY_READ into ctx (uint8_t[ICTUS_STORE_KEY_BYTES]). */
static ictus_status read_key(void *ctx, sqlite3_stmt *st, ictus_error *err)
{
    if (sqlite3_column_bytes(st, 0) == ICTUS_STORE_KEY_BYTES)
        memcpy(ctx, sqlite3_column_blob(st, 0), ICTUS_STORE_KEY_BYTES);
    return ICTUS_OK;
}

ictus_status ictus_store_reviewer_key(ictus_store *s, const char *reviewer,
                                      uint8_t key[ICTUS_STORE_KEY_BYTES], ictus_error *err)
{
    static const uint8_t none[ICTUS_STORE_KEY_BYTES];
    memset(key, 0, ICTUS_STORE_KEY_BYTES);
    const ictus_store_arg args[] = {STORE_TEXT(reviewer)};
    /* Read first: the write lock only for the first use. */
    ictus_status st = ictus_store_query_rows(s, Q_KEY_READ, args, STORE_N_ARGS(args), read_key,
                                             key, "cannot read the reviewer's key", err);
    if (st != ICTUS_OK || memcmp(key, none, sizeof none) != 0)
        return st;
    bool nested;
    st = write_begin(s, &nested, err);
    if (st == ICTUS_OK)
        st = ictus_store_exec(s, Q_KEY_CREATE, args, STORE_N_ARGS(args),
                              "cannot create the reviewer's key", err);
    if (st == ICTUS_OK)
        st = ictus_store_query_rows(s, Q_KEY_READ, args, STORE_N_ARGS(args), read_key, key,
                                    "cannot read the reviewer's key", err);
    return write_end(s, nested, st, err);
}

ictus_status ictus_store_audit_append(ictus_store *s, const char *reviewer, const char *action,
                                      const char *detail, int64_t at_unix_us, ictus_error *err)
{
    const ictus_store_arg args[] = {STORE_TEXT(reviewer), STORE_TEXT(action),
                                    STORE_TEXT(detail ? detail : ""), STORE_INT(at_unix_us)};
    bool nested;
    ictus_status st = write_begin(s, &nested, err);
    if (st == ICTUS_OK)
        st = ictus_store_exec(s, Q_AUDIT_APPEND, args, STORE_N_ARGS(args),
                              "cannot append to the audit log", err);
    return write_end(s, nested, st, err);
}

ictus_status ictus_store_touch_recording(ictus_store *s, const char *path,
                                         const ictus_file_identity *identity, int64_t run_id,
                                         ictus_error *err)
{
    const ictus_store_arg args[] = {
        STORE_TEXT(path), STORE_INT(identity->size_bytes), STORE_INT(identity->mtime_ns),
        STORE_INT((int64_t)identity->inode), STORE_INT(run_id)};
    return ictus_store_exec(s, Q_TOUCH_RECORDING, args, STORE_N_ARGS(args),
                            "cannot record a file's new identity", err);
}

/* The caller's channel callback and its context: pass_channel()'s context. */
typedef struct {
    ictus_store_channel_fn fn;
    void *ctx;
} channel_visit;

/* Columns 1-5 of a Q_EACH_CHANNEL or Q_EACH_CHANNEL_ALL row (column 0 is the index). */
static ictus_store_channel channel_of_row(sqlite3_stmt *st)
{
    return (ictus_store_channel){
        .label = ictus_store_column_text(st, 1),
        .fs_hz = sqlite3_column_double(st, 2),
        .unit = ictus_store_column_text(st, 3),
        .role = ictus_store_column_text(st, 4),
        .analysed = sqlite3_column_int(st, 5) != 0,
    };
}

/* A row of Q_EACH_CHANNEL, handed to the caller's callback. */
static ictus_status pass_channel(void *ctx, sqlite3_stmt *st, ictus_error *err)
{
    const channel_visit *v = ctx;
    ictus_store_channel ch = channel_of_row(st);
    return v->fn(v->ctx, sqlite3_column_int(st, 0), &ch, err);
}

ictus_status ictus_store_each_channel(ictus_store *s, int64_t recording_id,
                                      ictus_store_channel_fn fn, void *ctx, ictus_error *err)
{
    const ictus_store_arg args[] = {STORE_INT(recording_id)};
    channel_visit v = {fn, ctx};
    return ictus_store_query_rows(s, Q_EACH_CHANNEL, args, STORE_N_ARGS(args), pass_channel, &v,
                                  "cannot read the channels", err);
}

/* The caller's callback over every channel and its context: pass_any_channel()'s. */
typedef struct {
    ictus_store_any_channel_fn fn;
    void *ctx;
} any_channel_visit;

/* A row of Q_EACH_CHANNEL_ALL (Q_EACH_CHANNEL's columns, then the row id). */
static ictus_status pass_any_channel(void *ctx, sqlite3_stmt *st, ictus_error *err)
{
    const any_channel_visit *v = ctx;
    ictus_store_channel ch = channel_of_row(st);
    return v->fn(v->ctx, sqlite3_column_int64(st, 6), sqlite3_column_int(st, 0), &ch, err);
}

/* The caller's totals callback and its context: pass_totals()'s. */
typedef struct {
    ictus_store_totals_fn fn;
    void *ctx;
} totals_visit;

static ictus_status pass_totals(void *ctx, sqlite3_stmt *st, ictus_error *err)
{
    const totals_visit *v = ctx;
    return v->fn(v->ctx, ictus_store_column_text(st, 0), sqlite3_column_int64(st, 1),
                 sqlite3_column_int64(st, 3), sqlite3_column_int64(st, 2), err);
}

ictus_status ictus_store_animal_totals(ictus_store *s, ictus_store_totals_fn fn, void *ctx,
                                       ictus_error *err)
{
    totals_visit v = {fn, ctx};
    return ictus_store_query_rows(s, Q_ANIMAL_TOTALS, NULL, 0, pass_totals, &v,
                                  "cannot count the recordings per animal", err);
}

ictus_status ictus_store_each_channel_all(ictus_store *s, ictus_store_any_channel_fn fn,
                                          void *ctx, ictus_error *err)
{
    any_channel_visit v = {fn, ctx};
    return ictus_store_query_rows(s, Q_EACH_CHANNEL_ALL, NULL, 0, pass_any_channel, &v,
                                  "cannot read the channels", err);
}

ictus_status ictus_store_each_channel_by_path(ictus_store *s, ictus_store_any_channel_fn fn,
                                              void *ctx, ictus_error *err)
{
    any_channel_visit v = {fn, ctx};
    return ictus_store_query_rows(s, Q_EACH_CHANNEL_BY_PATH, NULL, 0, pass_any_channel, &v,
                                  "cannot read the channels", err);
}
