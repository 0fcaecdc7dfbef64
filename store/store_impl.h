/* store_impl.h: what store.c and store_read.c share behind ictus_store (internal).
 *
 * store.c owns the schema, the statement table and the writes;
 * store_read.c the queries.  Both run every statement through
 * ictus_store_query_rows(), which prepares it on first use, binds its
 * arguments and always resets it after use.
 */
#ifndef ICTUS_STORE_IMPL_H
#define ICTUS_STORE_IMPL_H

#include <sqlite3.h>
#include <stdint.h>

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
    Q_EACH_RECORDING_SPAN,
    Q_PUT_REVIEW,
    Q_EACH_EVENT,
    Q_SERIES_FOR_RANGE,
    Q_GET_SERIES,
    Q_TOUCH_RECORDING,
    Q_EACH_CHANNEL,
    Q_EACH_CHANNEL_ALL,
    Q_ANIMAL_TOTALS,
    Q_LAST_RUN,
    Q_RECENT_RUNS,
    Q_REVIEW_HISTORY,
    Q_EACH_ADDED,
    Q_EACH_ORPHAN,
    Q_KEY_CREATE,
    Q_KEY_READ,
    Q_AUDIT_APPEND,
    Q_EACH_AUDIT,
    Q_EACH_PLAN_ROW,
    Q_COUNT_RECORDINGS,
    Q_EACH_CHANNEL_BY_PATH,
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

/* One value bound to a statement's parameter: write it with STORE_INT(),
 * STORE_REAL(), STORE_TEXT(), STORE_HASH(), STORE_BLOB() or STORE_NULL.
 * Text, hash and blob are copied when bound: the caller keeps them. */
typedef struct {
    enum { STORE_ARG_NULL, STORE_ARG_INT, STORE_ARG_REAL, STORE_ARG_TEXT, STORE_ARG_HASH,
           STORE_ARG_BLOB } kind;
    int64_t i;      /* INT; the byte count of a BLOB */
    double real;    /* REAL */
    const void *p;  /* TEXT (NULL: SQL NULL), HASH (NULL: SQL NULL), BLOB bytes */
} ictus_store_arg;

#define STORE_NULL ((ictus_store_arg){.kind = STORE_ARG_NULL})
#define STORE_INT(v) ((ictus_store_arg){.kind = STORE_ARG_INT, .i = (v)})
#define STORE_REAL(v) ((ictus_store_arg){.kind = STORE_ARG_REAL, .real = (v)})
#define STORE_TEXT(s) ((ictus_store_arg){.kind = STORE_ARG_TEXT, .p = (const char *)(s)})
#define STORE_HASH(h) ((ictus_store_arg){.kind = STORE_ARG_HASH, .p = (const ictus_hash128 *)(h)})
#define STORE_BLOB(b, n) ((ictus_store_arg){.kind = STORE_ARG_BLOB, .p = (b), .i = (n)})

/* The number of elements of an array of arguments. */
#define STORE_N_ARGS(args) ((int)(sizeof(args) / sizeof((args)[0])))

/* Called with each result row of a query (read its columns from st); a
 * status other than ICTUS_OK stops the query and is returned. */
typedef ictus_status (*ictus_store_row_fn)(void *ctx, sqlite3_stmt *st, ictus_error *err);

/* Run statement `id` with args[0..n_args) bound to ?1..?n_args: prepare it
 * on first use, call fn (NULL: rows are skipped) for each row, reset it.
 * A database error fails as ictus_store_db_fail(s, rc, what, err). */
ictus_status ictus_store_query_rows(ictus_store *s, ictus_store_query id,
                                    const ictus_store_arg *args, int n_args,
                                    ictus_store_row_fn fn, void *ctx, const char *what,
                                    ictus_error *err);

/* ictus_store_query_rows() for a statement whose rows (if any) are not needed. */
ictus_status ictus_store_exec(ictus_store *s, ictus_store_query id, const ictus_store_arg *args,
                              int n_args, const char *what, ictus_error *err);

/* Column i of the current row as text, "" when NULL. */
const char *ictus_store_column_text(sqlite3_stmt *st, int i);

/* Index of `text` in names[0..n), or -1. */
int ictus_store_name_index(const char *const *names, int n, const char *text);

/* The words stored in recordings.status and reviews.verdict, by enum value. */
extern const char *const ictus_store_rec_status_names[ICTUS_N_REC_STATUS];
extern const char *const ictus_store_verdict_names[ICTUS_N_VERDICTS];

#endif
