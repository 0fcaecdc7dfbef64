/* blind.c: event handles, pseudonyms and the blinded order, as keyed XXH3 hashes. */
#include "review/blind.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

/* XXH3-64 of the fields (NUL-separated, so that "ab"+"c" and "a"+"bc"
 * differ) and the start, seeded with `seed`. */
static uint64_t hash_fields(uint64_t seed, const char *const *fields, int n, int64_t start_us)
{
    XXH3_state_t *state = XXH3_createState();
    if (!state) {
        fprintf(stderr, "ictus: out of memory (XXH3 state)\n");
        abort();
    }
    XXH3_64bits_reset_withSeed(state, seed);
    for (int i = 0; i < n; i++)
        XXH3_64bits_update(state, fields[i], strlen(fields[i]) + 1);
    XXH3_64bits_update(state, &start_us, sizeof start_us);
    uint64_t h = XXH3_64bits_digest(state);
    XXH3_freeState(state);
    return h;
}

uint64_t ictus_review_secret(const char *token)
{
    return XXH3_64bits(token, strlen(token));
}

void ictus_review_event_id(uint64_t secret, const char *path, const char *animal,
                           const char *channel, int64_t start_us, char *id)
{
    const char *fields[] = {path, animal, channel};
    snprintf(id, ICTUS_REVIEW_ID_SIZE, "%016" PRIx64, hash_fields(secret, fields, 3, start_us));
}

void ictus_review_pseudonym(const char *key, const char *animal, char *out)
{
    const char *fields[] = {"animal", animal};
    uint64_t h = hash_fields(ictus_review_secret(key), fields, 2, 0);
    snprintf(out, ICTUS_REVIEW_PSEUDONYM_SIZE, "A-%08" PRIx32, (uint32_t)(h >> 32));
}

uint64_t ictus_review_blind_rank(const char *key, const char *path, const char *animal,
                                 const char *channel, int64_t start_us)
{
    const char *fields[] = {"order", path, animal, channel};
    return hash_fields(ictus_review_secret(key), fields, 4, start_us);
}
