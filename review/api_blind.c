/* api_blind.c: the review API's blinded review: the signal without its date, and unblinding. */
#include "review/api.h"
#include "review/api_json.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "review/blind.h"
#include "review/queue.h"
#include "store/store.h"

int ictus_review_blind_signal(int status, char **json)
{
    if (status != ICTUS_HTTP_OK)
        return status;
    json_t *root = json_loads(*json, 0, NULL);
    free(*json);
    if (!root)
        return ictus_review_answer_error(ICTUS_HTTP_SERVER_ERROR, "cannot read the signal", json);
    json_object_del(root, "start");
    return ictus_review_answer(root, status, json);
}

/* The mapping of every animal with an entry to its pseudonym under `key`. */
static json_t *mapping(const ictus_review_queue *q, const char *key)
{
    json_t *seen = json_object(), *list = json_array();
    for (size_t i = 0; i < q->n; i++) {
        const char *animal = q->entries[i].animal;
        if (json_object_get(seen, animal))
            continue;
        json_object_set_new(seen, animal, json_true());
        char pseudonym[ICTUS_REVIEW_PSEUDONYM_SIZE];
        ictus_review_pseudonym(key, animal, pseudonym);
        json_array_append_new(list, json_pack("{s:s, s:s}", "pseudonym", pseudonym, "animal",
                                              animal));
    }
    json_decref(seen);
    return list;
}

int ictus_review_api_unblind(const ictus_review_ctx *ctx, const char *body, size_t len,
                             int64_t now_unix_us, char **json)
{
    json_error_t jerr;
    json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    const char *reviewer = NULL;
    if (!root || json_unpack_ex(root, &jerr, JSON_STRICT, "{s:s}", "reviewer", &reviewer) ||
        !*reviewer) {
        json_decref(root);
        return ictus_review_answer_error(ICTUS_HTTP_BAD_REQUEST,
                                         "expected {\"reviewer\": NAME}", json);
    }
    ictus_error err = {0};
    ictus_store *s;
    int status;
    if (ictus_store_open(ctx->db_path, &s, &err) != ICTUS_OK) {
        status = ictus_review_answer_error(ictus_review_store_status(err.status), err.msg, json);
    } else {
        char key[ICTUS_REVIEW_KEY_HEX_SIZE];
        ictus_review_queue q = {0};
        ictus_status st = ictus_review_blind_key(s, reviewer, key, &err);
        if (st == ICTUS_OK)
            st = ictus_review_queue_collect(s, NULL, ctx->secret, &q, &err);
        /* Logged before the mapping is given: no unblinding goes unrecorded. */
        if (st == ICTUS_OK)
            st = ictus_store_audit_append(s, reviewer, "unblind", "the review page", now_unix_us,
                                          &err);
        status = st != ICTUS_OK
                     ? ictus_review_answer_error(ictus_review_store_status(st), err.msg, json)
                     : ictus_review_answer(json_pack("{s:s, s:o}", "reviewer", reviewer,
                                                     "animals", mapping(&q, key)),
                                           ICTUS_HTTP_OK, json);
        ictus_review_queue_clear(&q);
        ictus_store_close(s);
    }
    json_decref(root);
    return status;
}
