/* blind.c: event handles, pseudonyms and the blinded order, as keyed XXH3 hashes. */
#include "review/blind.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "base/filehash.h"
#include "store/store.h"

_Static_assert(ICTUS_REVIEW_ID_SIZE == ICTUS_STORE_EVENT_REF_SIZE,
               "a handle is an event reference under the server's key");

uint64_t ictus_review_secret(const char *token)
{
    return XXH3_64bits(token, strlen(token));
}

void ictus_review_event_id(uint64_t secret, const char *path, const char *animal,
                           const char *channel, int64_t start_us, char *id)
{
    ictus_store_event_ref(secret, path, animal, channel, start_us, id);
}

void ictus_review_pseudonym(const char *key, const char *animal, char *out)
{
    const char *fields[] = {"animal", animal};
    uint64_t h = ictus_hash_fields(ictus_review_secret(key), fields, 2, 0);
    snprintf(out, ICTUS_REVIEW_PSEUDONYM_SIZE, "A-%08" PRIx32, (uint32_t)(h >> 32));
}

uint64_t ictus_review_blind_rank(const char *key, const char *path, const char *animal,
                                 const char *channel, int64_t start_us)
{
    const char *fields[] = {"order", path, animal, channel};
    return ictus_hash_fields(ictus_review_secret(key), fields, 4, start_us);
}
