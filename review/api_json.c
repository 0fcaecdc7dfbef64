/* api_json.c: the review API's JSON answers. */
#include "review/api_json.h"

#include <math.h>
#include <stdlib.h>

#include "review/api.h"

int ictus_review_answer(json_t *root, int status, char **json)
{
    char *text = json_dumps(root, JSON_COMPACT);
    json_decref(root);
    *json = ictus_xstrdup(text ? text : "{\"error\":\"out of memory\"}");
    free(text);
    return text ? status : ICTUS_HTTP_SERVER_ERROR;
}

int ictus_review_answer_error(int status, const char *message, char **json)
{
    return ictus_review_answer(json_pack("{s:s}", "error", message), status, json);
}

int ictus_review_store_status(ictus_status st)
{
    return st == ICTUS_ERR_BUSY ? ICTUS_HTTP_UNAVAILABLE : ICTUS_HTTP_SERVER_ERROR;
}

bool ictus_review_parse_number(const char *s, double *out)
{
    char *end;
    if (!s || !*s)
        return false;
    double v = strtod(s, &end);
    if (*end || !isfinite(v))
        return false;
    *out = v;
    return true;
}
