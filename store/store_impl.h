/* store_impl.h: what store.c and store_read.c share behind ictus_store (internal).
 *
 * store.c owns the schema, the statement table and the writes;
 * store_read.c the queries.  Statements are prepared on first use by
 * ictus_store_stmt() and always reset after use.
 */
#ifndef ICTUS_STORE_IMPL_H
#define ICTUS_STORE_IMPL_H

#include <sqlite3.h>

#include "store/store.h"

/* The prepared statements, one per query of store.c's table. */
typedef enum {
    Q_RUN_START,
    Q_RUN_FINISH,
    Q_RUN_PROBLEM,
    Q_REC_UPSERT_RESULTS,
    Q_REC_UPSERT_FAILURE,
    Q_DELETE_RECORDING,
    Q_DELETE_CHANNELS,
    Q_DELETE_EVENTS,
    Q_DELETE_SERIES,
    Q_INSERT_CHANNEL,
    Q_INSERT_EVENT,
    Q_INSERT_SERIES,
    Q_FIND_RECORDING,
    Q_EACH_RECORDING,
    Q_PUT_REVIEW,
    Q_EACH_EVENT,
    Q_SERIES_FOR_RANGE,
    Q_TOUCH_RECORDING,
    Q_EACH_CHANNEL,
    Q_LAST_RUN,
    N_QUERIES
} ictus_store_query;

struct ictus_store {
    sqlite3 *db;
    char *path;
    int version;                      /* PRAGMA user_version after open */
    sqlite3_stmt *stmts[N_QUERIES];   /* prepared on first use */
};

/* Fail with the connection's last error: "PATH: WHAT: sqlite message",
 * with the ictus status matching the SQLite result code rc. */
ictus_status ictus_store_db_fail(ictus_store *s, int rc, const char *what, ictus_error *err);

/* The statement `id`, prepared on first use, reset and with no bindings. */
ictus_status ictus_store_stmt(ictus_store *s, ictus_store_query id, sqlite3_stmt **out,
                              ictus_error *err);

/* Step a statement whose rows (if any) are not needed to its end, then reset it. */
ictus_status ictus_store_step_done(ictus_store *s, sqlite3_stmt *st, const char *what,
                                   ictus_error *err);

/* Bind text (copied) or a hash as 32 hex digits (NULL: SQL NULL) to parameter i. */
void ictus_store_bind_text(sqlite3_stmt *st, int i, const char *text);
void ictus_store_bind_hash(sqlite3_stmt *st, int i, const ictus_hash128 *h);

/* Column i of the current row as text, "" when NULL. */
const char *ictus_store_column_text(sqlite3_stmt *st, int i);

/* Index of `text` in names[0..n), or -1. */
int ictus_store_name_index(const char *const *names, int n, const char *text);

/* The words stored in recordings.status and reviews.verdict, by enum value. */
extern const char *const ictus_store_rec_status_names[ICTUS_N_REC_STATUS];
extern const char *const ictus_store_verdict_names[ICTUS_N_VERDICTS];

#endif
