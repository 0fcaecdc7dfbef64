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

/* What read_series() fills: the series, whether a row came, the store and
 * the query's keys for a message. */
typedef struct {
    ictus_store *s;
    int64_t recording_id;
    const char *channel;
    ictus_store_bucket_series *out;
    bool *found;
} series_read;

/* The row of Q_GET_SERIES, decoded into *r->out. */
static ictus_status read_series(void *ctx, sqlite3_stmt *st, ictus_error *err)
{
    const series_read *r = ctx;
    int64_t unit = sqlite3_column_int64(st, 1), n = sqlite3_column_int64(st, 2);
    const unsigned char *units = sqlite3_column_blob(st, 3);
    int64_t units_bytes = sqlite3_column_bytes(st, 3);
    const unsigned char *windows = sqlite3_column_blob(st, 4);
    int64_t windows_bytes = sqlite3_column_bytes(st, 4);
    if (n < 0 || units_bytes < 2 * n || windows_bytes < 2 * n * ICTUS_STORE_N_ARTEFACT_KINDS)
        return ictus_fail(err, ICTUS_ERR_DB,
                          "%s: recording %lld, channel \"%s\": analysable time of %lld "
                          "buckets in %lld and %lld bytes",
                          r->s->path, (long long)r->recording_id, r->channel, (long long)n,
                          (long long)units_bytes, (long long)windows_bytes);
    ictus_store_bucket_series *out = r->out;
    ictus_store_bucket_series_clear(out); /* (recording_id, channel) is a key: one row */
    out->bucket_us = sqlite3_column_int64(st, 0);
    out->n_buckets = n;
    out->analysable_us = ictus_xmalloc((size_t)(n ? n : 1) * sizeof(int64_t));
    out->artefact_windows =
        ictus_xmalloc((size_t)(n ? n : 1) * ICTUS_STORE_N_ARTEFACT_KINDS * sizeof(uint16_t));
    for (int64_t b = 0; b < n; b++)
        out->analysable_us[b] = u16_at(units, b) * unit;
    for (int64_t k = 0; k < n * ICTUS_STORE_N_ARTEFACT_KINDS; k++)
        out->artefact_windows[k] = u16_at(windows, k);
    *r->found = true;
    return ICTUS_OK;
}

ictus_status ictus_store_get_series(ictus_store *s, int64_t recording_id, const char *channel,
                                    ictus_store_bucket_series *out, bool *found,
                                    ictus_error *err)
{
    *out = (ictus_store_bucket_series){0};
    *found = false;
    const ictus_store_arg args[] = {STORE_INT(recording_id), STORE_TEXT(channel)};
    series_read r = {s, recording_id, channel, out, found};
    ictus_status st = ictus_store_query_rows(s, Q_GET_SERIES, args, STORE_N_ARGS(args),
                                             read_series, &r, "cannot read analysable time", err);
    if (st != ICTUS_OK) {
        ictus_store_bucket_series_clear(out);
        *found = false;
    }
    return st;
}

void ictus_store_bucket_series_clear(ictus_store_bucket_series *b)
{
    free(b->analysable_us);
    free(b->artefact_windows);
    *b = (ictus_store_bucket_series){0};
}
