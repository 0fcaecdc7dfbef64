/* api_json.h: what the review API's calls share: their JSON answers (internal to review/). */
#ifndef ICTUS_REVIEW_API_JSON_H
#define ICTUS_REVIEW_API_JSON_H

#include <jansson.h>
#include <stdbool.h>

#include "base/status.h"

/* Longest ISO wall time ictus_walltime_format() writes, with its NUL. */
#define ICTUS_ISO_TIME_SIZE 32

/* Dump `root` (taking it) into *json (caller frees); `status` passes through,
 * or 500 when the text cannot be made. */
int ictus_review_answer(json_t *root, int status, char **json);

/* {"error": message} with `status`. */
int ictus_review_answer_error(int status, const char *message, char **json);

/* The HTTP status of a store failure: 503 when busy, else 500. */
int ictus_review_store_status(ictus_status st);

/* A finite number, the whole string (NULL or "": false). */
bool ictus_review_parse_number(const char *s, double *out);

#endif
