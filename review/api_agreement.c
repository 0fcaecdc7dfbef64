/* api_agreement.c: the review API's two-reviewer agreement (protocols/agreement.h) as JSON. */
#include "review/api.h"
#include "review/api_json.h"

#include <jansson.h>
#include <math.h>
#include <string.h>

#include "base/walltime.h"
#include "protocols/agreement.h"
#include "review/blind.h"
#include "store/store.h"

/* A number, or null when undefined (NaN). */
static json_t *number_or_null(double v)
{
    return isnan(v) ? json_null() : json_real(v);
}

static json_t *type_json(const char *type, const ictus_agreement_table *t)
{
    return json_pack("{s:s, s:I, s:o, s:o}", "type", type, "n", (json_int_t)t->n, "agreement",
                     number_or_null(ictus_agreement_percent(t) / 100), "kappa",
                     number_or_null(ictus_agreement_kappa(t)));
}

static json_t *agreement_json(const ictus_review_ctx *ctx, const ictus_agreement *ag)
{
    json_t *types = json_array();
    json_array_append_new(types, type_json("all", &ag->all));
    for (int i = 0; i < ag->n_types; i++)
        json_array_append_new(types, type_json(ag->by_type[i].type, &ag->by_type[i].table));
    json_t *list = json_array();
    for (size_t i = 0; i < ag->n_disagreements; i++) {
        const ictus_disagreement *d = &ag->disagreements[i];
        char id[ICTUS_REVIEW_ID_SIZE], start[ICTUS_ISO_TIME_SIZE];
        ictus_review_event_id(ctx->secret, d->path, d->animal, d->event.channel,
                              d->event.start_us, id);
        ictus_walltime_format(d->event.wall_start_us, start, sizeof start);
        json_array_append_new(
            list, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", id, "animal", d->animal,
                            "channel", d->event.channel, "start", start, "type", d->event.type,
                            "a", ictus_verdict_name(d->a), "b", ictus_verdict_name(d->b)));
    }
    return json_pack("{s:s, s:s, s:o, s:I, s:I, s:o}", "a", ag->reviewer_a, "b", ag->reviewer_b,
                     "types", types, "only_a", (json_int_t)ag->n_only_a, "only_b",
                     (json_int_t)ag->n_only_b, "disagreements", list);
}

int ictus_review_api_agreement(const ictus_review_ctx *ctx, const char *a, const char *b,
                               char **json)
{
    if (!a || !b || !*a || !*b || !strcmp(a, b))
        return ictus_review_answer_error(ICTUS_HTTP_BAD_REQUEST,
                                         "a, b: expected two different reviewers", json);
    ictus_error err = {0};
    ictus_store *s;
    if (ictus_store_open(ctx->db_path, &s, &err) != ICTUS_OK)
        return ictus_review_answer_error(ictus_review_store_status(err.status), err.msg, json);
    ictus_agreement *ag = NULL;
    ictus_status st = ictus_agreement_compute(s, a, b, &ag, &err);
    ictus_store_close(s);
    int status = st != ICTUS_OK
                     ? ictus_review_answer_error(ictus_review_store_status(st), err.msg, json)
                     : ictus_review_answer(agreement_json(ctx, ag), ICTUS_HTTP_OK, json);
    ictus_agreement_destroy(ag);
    return status;
}
