/* test_review_blind.c: the review API's handles, pseudonyms and blinded order (review/blind.h).
 *
 * Proves:
 *   - a handle is 16 lower-case hex digits, the same for the same event and secret, and
 *     different when any one of path, animal, channel, start or the secret changes, also when
 *     two fields trade a character ("ab"+"c" vs "a"+"bc": the fields are separated);
 *   - a pseudonym is "A-" and 8 hex digits, the same for one key and animal, different for
 *     another animal or another key, and never contains the animal's ID;
 *   - the blinded rank depends on the key (two keys order 40 events differently) and is a
 *     shuffle, not the input order;
 *   - the secret of a token is the same for the same token and differs for another.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "review/blind.h"
#include "tests/check.h"

static bool is_hex16(const char *id)
{
    if (strlen(id) != 16)
        return false;
    for (const char *p = id; *p; p++)
        if (!isxdigit((unsigned char)*p) || isupper((unsigned char)*p))
            return false;
    return true;
}

static void test_handles(void)
{
    const uint64_t secret = ictus_review_secret("3f9c0000000000000000000000000001");
    char a[ICTUS_REVIEW_ID_SIZE], b[ICTUS_REVIEW_ID_SIZE];
    ictus_review_event_id(secret, "recordings/M01.edf", "M01", "HPC", 3358500000, a);
    CHECK(is_hex16(a));
    ictus_review_event_id(secret, "recordings/M01.edf", "M01", "HPC", 3358500000, b);
    CHECK_STR(a, b);
    const struct {
        uint64_t secret;
        const char *path, *animal, *channel;
        int64_t start_us;
    } others[] = {
        {secret + 1, "recordings/M01.edf", "M01", "HPC", 3358500000},
        {secret, "recordings/M02.edf", "M01", "HPC", 3358500000},
        {secret, "recordings/M01.edf", "M02", "HPC", 3358500000},
        {secret, "recordings/M01.edf", "M01", "CTX", 3358500000},
        {secret, "recordings/M01.edf", "M01", "HPC", 3358500001},
        {secret, "recordings/M01.ed", "fM01", "HPC", 3358500000},
    };
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
        ictus_review_event_id(others[i].secret, others[i].path, others[i].animal,
                              others[i].channel, others[i].start_us, b);
        CHECK_MSG(strcmp(a, b) != 0, "variant %zu has the same handle %s", i, b);
    }
    CHECK(ictus_review_secret("a") == ictus_review_secret("a"));
    CHECK(ictus_review_secret("a") != ictus_review_secret("b"));
}

static void test_pseudonyms(void)
{
    char p1[ICTUS_REVIEW_PSEUDONYM_SIZE], p2[ICTUS_REVIEW_PSEUDONYM_SIZE];
    ictus_review_pseudonym("00112233445566778899aabbccddeeff", "M01", p1);
    CHECK(strlen(p1) == 10 && !strncmp(p1, "A-", 2));
    for (const char *p = p1 + 2; *p; p++)
        CHECK(isxdigit((unsigned char)*p));
    CHECK(strstr(p1, "M01") == NULL);
    ictus_review_pseudonym("00112233445566778899aabbccddeeff", "M01", p2);
    CHECK_STR(p1, p2);
    ictus_review_pseudonym("00112233445566778899aabbccddeeff", "M02", p2);
    CHECK(strcmp(p1, p2) != 0);
    ictus_review_pseudonym("ffeeddccbbaa99887766554433221100", "M01", p2);
    CHECK(strcmp(p1, p2) != 0);
}

static int by_rank(const void *a, const void *b)
{
    const uint64_t *x = a, *y = b;
    return (x[0] > y[0]) - (x[0] < y[0]);
}

/* The order (input indexes) of 40 events sorted by their rank under key. */
static void order_under(const char *key, int *order)
{
    uint64_t ranks[40][2];
    for (int i = 0; i < 40; i++) {
        ranks[i][0] = ictus_review_blind_rank(key, "recordings/M01.edf", "M01", "HPC",
                                              (int64_t)i * 60000000);
        ranks[i][1] = (uint64_t)i;
    }
    qsort(ranks, 40, sizeof ranks[0], by_rank);
    for (int i = 0; i < 40; i++)
        order[i] = (int)ranks[i][1];
}

static void test_order(void)
{
    int a[40], b[40], again[40];
    order_under("00112233445566778899aabbccddeeff", a);
    order_under("00112233445566778899aabbccddeeff", again);
    order_under("ffeeddccbbaa99887766554433221100", b);
    CHECK(!memcmp(a, again, sizeof a));
    CHECK(memcmp(a, b, sizeof a) != 0);
    int in_place = 0;
    for (int i = 0; i < 40; i++)
        in_place += a[i] == i;
    CHECK_MSG(in_place < 10, "%d of 40 events kept their place", in_place);
}

int main(void)
{
    test_handles();
    test_pseudonyms();
    test_order();
    return check_done("test_review_blind");
}
