/* params.c: apply and describe table-driven settings. */
#include "base/params.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

ictus_status ictus_params_apply(const ictus_param *table, size_t n, void *base, ictus_config *cfg,
                                ictus_error *err)
{
    for (size_t i = 0; i < n; i++) {
        const ictus_param *p = &table[i];
        void *field = (char *)base + p->offset;
        ictus_status st = ICTUS_OK;
        switch (p->type) {
        case ICTUS_PARAM_DOUBLE:
            st = ictus_config_get_double(cfg, p->section, p->key, p->min, p->max, field, err);
            break;
        case ICTUS_PARAM_INT: {
            int64_t v = *(int *)field;
            st = ictus_config_get_int(cfg, p->section, p->key, (int64_t)p->min, (int64_t)p->max,
                                      &v, err);
            *(int *)field = (int)v;
            break;
        }
        case ICTUS_PARAM_BOOL:
            st = ictus_config_get_bool(cfg, p->section, p->key, field, err);
            break;
        case ICTUS_PARAM_STRING:
            st = ictus_config_get_string(cfg, p->section, p->key, field, p->size, err);
            break;
        case ICTUS_PARAM_ENUM: {
            const char *v = ictus_config_get(cfg, p->section, p->key);
            if (!v)
                break;
            int k = 0;
            while (p->names[k] && strcmp(p->names[k], v) != 0)
                k++;
            if (!p->names[k]) {
                char expected[256] = "";
                size_t len = 0;
                for (int j = 0; p->names[j] && len < sizeof expected; j++)
                    len += (size_t)snprintf(expected + len, sizeof expected - len, "%s%s",
                                            j ? " | " : "", p->names[j]);
                return ictus_fail(err, ICTUS_ERR_CONFIG, "settings: [%s] %s = '%s': expected %s",
                                  p->section, p->key, ICTUS_QUOTE(v), expected);
            }
            *(int *)field = k;
            break;
        }
        }
        if (st != ICTUS_OK)
            return st;
    }
    return ICTUS_OK;
}

void ictus_params_describe(const ictus_param *table, size_t n, const void *base, char *buf,
                           size_t size, size_t *len)
{
    for (size_t i = 0; i < n; i++) {
        const ictus_param *p = &table[i];
        const void *field = (const char *)base + p->offset;
        char value[256];
        switch (p->type) {
        case ICTUS_PARAM_DOUBLE:
            snprintf(value, sizeof value, "%.15g", *(const double *)field);
            break;
        case ICTUS_PARAM_INT:
            snprintf(value, sizeof value, "%d", *(const int *)field);
            break;
        case ICTUS_PARAM_BOOL:
            snprintf(value, sizeof value, "%s", *(const bool *)field ? "true" : "false");
            break;
        case ICTUS_PARAM_STRING:
            snprintf(value, sizeof value, "%s", (const char *)field);
            break;
        case ICTUS_PARAM_ENUM:
            snprintf(value, sizeof value, "%s", p->names[*(const int *)field]);
            break;
        }
        int m = snprintf(*len < size ? buf + *len : NULL, *len < size ? size - *len : 0,
                         "%s.%s=%s\n", p->section, p->key, value);
        *len += (size_t)m;
    }
    if (size > 0 && *len >= size)
        buf[size - 1] = '\0';
}

char *ictus_params_text(const ictus_param *table, size_t n, const void *base)
{
    size_t len = 0, written = 0;
    ictus_params_describe(table, n, base, NULL, 0, &len);
    char *text = ictus_xmalloc(len + 1);
    ictus_params_describe(table, n, base, text, len + 1, &written);
    return text;
}
