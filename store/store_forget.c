/* store_forget.c: forgetting a recording on purpose (`ictus forget`): its
 * rows, results and, when asked, the review decisions naming it (store.h). */
#include "store/store.h"
#include "store/store_impl.h"

#include <assert.h>

/* What each statement does, for the error message. */
typedef struct {
    const char *sql;   /* one statement with the path as ?1 */
    const char *what;
} forget_sql;

/* Run `q` with `path` bound to ?1; a SELECT's single number goes to *count
 * (count NULL: a statement without rows). */
static ictus_status run_sql(ictus_store *s, const forget_sql *q, const char *path,
                            int64_t *count, ictus_error *err)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, q->sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return ictus_store_db_fail(s, rc, q->what, err);
    sqlite3_bind_text(st, 1, path, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(st);
    if (count && rc == SQLITE_ROW)
        *count = sqlite3_column_int64(st, 0);
    ictus_status result = rc == SQLITE_ROW || rc == SQLITE_DONE
                              ? ICTUS_OK
                              : ictus_store_db_fail(s, rc, q->what, err);
    sqlite3_finalize(st);
    return result;
}

ictus_status ictus_store_forget_count(ictus_store *s, const char *path,
                                      ictus_store_forget_counts *out, ictus_error *err)
{
    static const forget_sql rows = {"SELECT count(*) FROM recordings WHERE path = ?1",
                                    "cannot count the recording's rows"};
    static const forget_sql events = {
        "SELECT count(*) FROM events e JOIN recordings r ON r.id = e.recording_id "
        "WHERE r.path = ?1", "cannot count the recording's events"};
    static const forget_sql reviews = {"SELECT count(*) FROM reviews WHERE path = ?1",
                                       "cannot count the recording's review decisions"};
    *out = (ictus_store_forget_counts){0};
    ictus_status st = run_sql(s, &rows, path, &out->rows, err);
    if (st == ICTUS_OK)
        st = run_sql(s, &events, path, &out->events, err);
    if (st == ICTUS_OK)
        st = run_sql(s, &reviews, path, &out->reviews, err);
    return st;
}

ictus_status ictus_store_forget(ictus_store *s, const char *path, bool drop_reviews,
                                ictus_store_forget_counts *out, ictus_error *err)
{
    /* Channels, events and analysable time go with their rows (ON DELETE CASCADE). */
    static const forget_sql recordings = {"DELETE FROM recordings WHERE path = ?1",
                                          "cannot delete the recording"};
    static const forget_sql reviews = {"DELETE FROM reviews WHERE path = ?1",
                                       "cannot delete the recording's review decisions"};
    assert(!sqlite3_get_autocommit(s->db)); /* inside ictus_store_begin() */
    ictus_status st = ictus_store_forget_count(s, path, out, err);
    if (st == ICTUS_OK)
        st = run_sql(s, &recordings, path, NULL, err);
    if (st == ICTUS_OK && drop_reviews)
        st = run_sql(s, &reviews, path, NULL, err);
    out->reviews_deleted = st == ICTUS_OK && drop_reviews;
    return st;
}
