/* blind.h: event handles, blinded animal names and the blinded order (internal to review/).
 *
 * The page never needs a recording's path or an animal's ID to show and
 * decide an event: every event it lists carries a handle, 16 hex digits of a
 * keyed hash of the event's identity (recording path, animal, channel, start
 * in µs: store.h's ictus_store_event_ref() with the server's secret as key,
 * where the report's stable references have key 0), which the server
 * resolves by walking the study's events
 * (review/api_events.c).  The key is the server's own secret (made from its
 * token), so handles change with each start of `ictus serve` and cannot be
 * turned back into names by anyone who has not the secret.
 *
 * Blinded review (README "Reviewing events", blinding) replaces each animal
 * ID by a pseudonym and orders the queue by a rank; both come from a keyed
 * hash with the reviewer's blinding key (the store keeps one per reviewer),
 * so they are stable across restarts for that reviewer and differ between
 * reviewers.  The hash is XXH3 (libxxhash), keyed by hashing the key first:
 * no cryptographic MAC, but the key never leaves the server and a pseudonym
 * has 32 bits, so it cannot be looked up without the key.
 */
#ifndef ICTUS_REVIEW_BLIND_H
#define ICTUS_REVIEW_BLIND_H

#include <stdint.h>

/* Hex digits of a handle, and bytes with the NUL. */
#define ICTUS_REVIEW_ID_SIZE 17
/* Bytes of a pseudonym with the NUL: "A-" and 8 hex digits. */
#define ICTUS_REVIEW_PSEUDONYM_SIZE 11

/* The handle of the event (path, animal, channel, start_us) under `secret`
 * into id (ICTUS_REVIEW_ID_SIZE bytes). */
void ictus_review_event_id(uint64_t secret, const char *path, const char *animal,
                           const char *channel, int64_t start_us, char *id);

/* The pseudonym of `animal` under the reviewer's blinding key `key` (any
 * text) into out (ICTUS_REVIEW_PSEUDONYM_SIZE bytes), e.g. "A-3f09c2d1". */
void ictus_review_pseudonym(const char *key, const char *animal, char *out);

/* The blinded queue's order: the rank of an event under `key`; the queue is
 * sorted by rank, a shuffle that is the same each time for one reviewer. */
uint64_t ictus_review_blind_rank(const char *key, const char *path, const char *animal,
                                 const char *channel, int64_t start_us);

/* The secret of a server from its token (any text). */
uint64_t ictus_review_secret(const char *token);

#endif
