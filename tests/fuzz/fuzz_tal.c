/* fuzz_tal.c: the EDF+ TAL parser (pipeline/source/edf_tal.h) on any bytes,
 * as one annotation signal of one record; every annotation it reports is
 * written again with ictus_tal_format() and parsed back, which must give the
 * same onset, duration and text.  Seeds: tests/fuzz/corpus/tal/. */
#include "tests/fuzz/fuzz.h"

#include "pipeline/source/edf_tal.h"

/* One annotation as the parser reported it: what its re-parse must give. */
typedef struct {
    int64_t onset, duration;
    const char *text;
    size_t len;
    int seen;
} expected;

static void check_back(void *ctx, int64_t onset, int64_t duration, const char *text, size_t len)
{
    expected *e = ctx;
    if (e->seen++ || onset != e->onset || duration != e->duration || len != e->len ||
        memcmp(text, e->text, len) != 0)
        abort();
}

/* Write one annotation as a TAL, parse it back, and abort when it differs. */
static void round_trip(void *ctx, int64_t onset, int64_t duration, const char *text, size_t len)
{
    (void)ctx;
    char secs[32], copy[256];
    ictus_edf_format_seconds(secs, onset, true);
    if (strlen(secs) >= sizeof secs)
        abort();
    if (len >= sizeof copy || memchr(text, 0, len) || memchr(text, 0x14, len) ||
        memchr(text, 0x15, len))
        return; /* ictus_tal_format() takes a C string without separators */
    memcpy(copy, text, len);
    copy[len] = '\0';
    unsigned char buf[400];
    size_t n = ictus_tal_format(buf, sizeof buf, onset, duration, copy);
    if (n == 0)
        return;
    expected e = {onset, duration, text, len, 0};
    ictus_tal_head head;
    char why[160];
    if (!ictus_tal_parse(buf, n, &head, check_back, &e, why, sizeof why) || !head.present ||
        head.onset_ticks != onset || e.seen != 1)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ictus_tal_head head;
    char why[160];
    if (!ictus_tal_parse(data, size, &head, round_trip, NULL, why, sizeof why) &&
        (!memchr(why, 0, sizeof why) || why[0] == '\0'))
        abort(); /* a failure always says where */
    return 0;
}
