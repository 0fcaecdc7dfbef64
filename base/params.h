/* params.h: table-driven settings structs.
 *
 * A floor describes its settings struct once, as a table of ictus_param
 * (section, key, type, offset, range); the same table then reads overrides
 * from an ictus_config and writes the canonical `section.key=value` text
 * that every output records as provenance.  Settings, detector and scoring
 * parameters all use it, so parsing and description cannot disagree.
 */
#ifndef ICTUS_PARAMS_H
#define ICTUS_PARAMS_H

#include <stddef.h>

#include "base/config.h"
#include "base/status.h"

typedef enum {
    ICTUS_PARAM_DOUBLE, /* double, within [min, max] */
    ICTUS_PARAM_INT,    /* int, within [min, max] */
    ICTUS_PARAM_BOOL,   /* bool: true/false, yes/no, on/off, 1/0 */
    ICTUS_PARAM_STRING, /* char[size] */
    ICTUS_PARAM_ENUM,   /* int holding an index into names[] (NULL-terminated) */
} ictus_param_type;

typedef struct {
    const char *section, *key;
    ictus_param_type type;
    size_t offset;             /* offsetof the field in the struct */
    double min, max;           /* numbers */
    size_t size;               /* strings: the buffer's size */
    const char *const *names;  /* enums */
} ictus_param;

#define ICTUS_PARAM_D(sec, key, type_, member, lo, hi)                                             \
    {sec, key, ICTUS_PARAM_DOUBLE, offsetof(type_, member), lo, hi, 0, NULL}
#define ICTUS_PARAM_I(sec, key, type_, member, lo, hi)                                             \
    {sec, key, ICTUS_PARAM_INT, offsetof(type_, member), lo, hi, 0, NULL}
#define ICTUS_PARAM_B(sec, key, type_, member)                                                     \
    {sec, key, ICTUS_PARAM_BOOL, offsetof(type_, member), 0, 1, 0, NULL}
#define ICTUS_PARAM_S(sec, key, type_, member)                                                     \
    {sec, key, ICTUS_PARAM_STRING, offsetof(type_, member), 0, 0, sizeof(((type_ *)0)->member), NULL}
#define ICTUS_PARAM_E(sec, key, type_, member, names_)                                             \
    {sec, key, ICTUS_PARAM_ENUM, offsetof(type_, member), 0, 0, 0, names_}

/* Read every parameter of `table` present in `cfg` into the struct at
 * `base` (absent ones keep their value).  Errors name the file and line. */
ictus_status ictus_params_apply(const ictus_param *table, size_t n, void *base, ictus_config *cfg,
                                ictus_error *err);

/* Append `section.key=value\n` for every parameter to buf at offset *len
 * (NUL-terminated, truncated to size; buf may be NULL when size is 0);
 * *len grows by the length needed, as with snprintf. */
void ictus_params_describe(const ictus_param *table, size_t n, const void *base, char *buf,
                           size_t size, size_t *len);

/* The same lines for every parameter, in a new string (the caller frees it). */
char *ictus_params_text(const ictus_param *table, size_t n, const void *base);

#endif
