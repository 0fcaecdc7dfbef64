/* store_series.c: a recording's stored analysable time per bucket, decoded (reading only). */
#include "store/store.h"
#include "store/store_impl.h"

#include <stdlib.h>
#include <string.h>

/* Little-endian uint16 number i of a blob. */
static uint16_t u16_at(const unsigned char *blob, int64_t i)
{
    return (uint16_t)(blob[2 * i] | blob[2 * i + 1] << 8);
}

ictus_status ictus_store_get_series(ictus_store *s, int64_t recording_id, const char *channel,
                                    ictus_store_bucket_series *out, bool *found,
                                    ictus_error *err)
{
    static const char sql[] =
        "SELECT bucket_us, unit_us, n_buckets, analysable_units, artefact_windows "
        "FROM analysable WHERE recording_id = ?1 AND channel = ?2";
    *out = (ictus_store_bucket_series){0};
    *found = false;
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return ictus_store_db_fail(s, rc, "cannot read analysable time", err);
    sqlite3_bind_int64(st, 1, recording_id);
    sqlite3_bind_text(st, 2, channel, -1, SQLITE_TRANSIENT);
    ictus_status result = ICTUS_OK;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        int64_t unit = sqlite3_column_int64(st, 1), n = sqlite3_column_int64(st, 2);
        const unsigned char *units = sqlite3_column_blob(st, 3);
        int64_t units_bytes = sqlite3_column_bytes(st, 3);
        const unsigned char *windows = sqlite3_column_blob(st, 4);
        int64_t windows_bytes = sqlite3_column_bytes(st, 4);
        if (n < 0 || units_bytes < 2 * n || windows_bytes < 2 * n * ICTUS_STORE_N_ARTEFACT_KINDS) {
            result = ictus_fail(err, ICTUS_ERR_DB,
                                "%s: recording %lld, channel \"%s\": analysable time of %lld "
                                "buckets in %lld and %lld bytes",
                                s->path, (long long)recording_id, channel, (long long)n,
                                (long long)units_bytes, (long long)windows_bytes);
        } else {
            out->bucket_us = sqlite3_column_int64(st, 0);
            out->n_buckets = n;
            out->analysable_us = ictus_xmalloc((size_t)(n ? n : 1) * sizeof(int64_t));
            out->artefact_windows =
                ictus_xmalloc((size_t)(n ? n : 1) * ICTUS_STORE_N_ARTEFACT_KINDS * sizeof(uint16_t));
            for (int64_t b = 0; b < n; b++)
                out->analysable_us[b] = u16_at(units, b) * unit;
            for (int64_t k = 0; k < n * ICTUS_STORE_N_ARTEFACT_KINDS; k++)
                out->artefact_windows[k] = u16_at(windows, k);
            *found = true;
        }
    } else if (rc != SQLITE_DONE) {
        result = ictus_store_db_fail(s, rc, "cannot read analysable time", err);
    }
    sqlite3_finalize(st);
    return result;
}

void ictus_store_bucket_series_clear(ictus_store_bucket_series *b)
{
    free(b->analysable_us);
    free(b->artefact_windows);
    *b = (ictus_store_bucket_series){0};
}
