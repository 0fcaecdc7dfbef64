/* config.h: INI-style settings (presets, study.ini, --config files).
 *
 * Lifecycle of an ictus_config:
 *   1. ictus_config_create() makes an empty set;
 *   2. ictus_config_load() appends every `key = value` of a file, and
 *      ictus_config_set() one `section.key=value` from the command line;
 *      a later entry for the same section and key overrides an earlier one;
 *   3. the floors that own a section read it with ictus_config_get_*(), which
 *      marks the entries they read as used;
 *   4. ictus_config_check_used() reports the first entry nobody read (a typo
 *      in a preset must not be silently ignored);
 *   5. ictus_config_destroy().
 * Syntax: `[section]` lines, `key = value` lines, `#` or `;` comments, blank
 * lines.  Keys and sections are case-sensitive ASCII.  Not thread-safe: fill
 * it on one thread, then only read it.
 */
#ifndef ICTUS_CONFIG_H
#define ICTUS_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "base/status.h"

typedef struct ictus_config ictus_config;

ictus_config *ictus_config_create(void);
void ictus_config_destroy(ictus_config *cfg); /* NULL is a no-op */

/* Append the entries of the INI file at `path`: a regular file of at most
 * ICTUS_MAX_INI_BYTES (base/limits.h: 1 MiB), UTF-8 with or without a
 * byte-order mark.  Errors name the file and line (base/readfile.h's for a
 * file that is not regular or is too large). */
ictus_status ictus_config_load(ictus_config *cfg, const char *path, ictus_error *err);

/* Append entries parsed from `text`; `origin` names the source in messages. */
ictus_status ictus_config_parse(ictus_config *cfg, const char *text, const char *origin,
                                ictus_error *err);

/* Append one `section.key=value` override (from the command line). */
ictus_status ictus_config_set(ictus_config *cfg, const char *assignment, ictus_error *err);

/* The value of section/key (the last one given) or NULL; marks it used. */
const char *ictus_config_get(ictus_config *cfg, const char *section, const char *key);

/* Typed getters: when the key is absent they return ICTUS_OK and leave *out
 * as it was (the caller's default); when present but malformed or outside
 * [min, max] they fail with ICTUS_ERR_CONFIG naming the file and line. */
ictus_status ictus_config_get_double(ictus_config *cfg, const char *section, const char *key,
                                     double min, double max, double *out, ictus_error *err);
ictus_status ictus_config_get_int(ictus_config *cfg, const char *section, const char *key,
                                  int64_t min, int64_t max, int64_t *out, ictus_error *err);
ictus_status ictus_config_get_bool(ictus_config *cfg, const char *section, const char *key,
                                   bool *out, ictus_error *err);
/* Copies at most size-1 bytes; a longer value is an error. */
ictus_status ictus_config_get_string(ictus_config *cfg, const char *section, const char *key,
                                     char *out, size_t size, ictus_error *err);

/* Fail with ICTUS_ERR_CONFIG on the first entry in one of `sections` (a
 * NULL-terminated list; NULL means every section) that no getter read. */
ictus_status ictus_config_check_used(const ictus_config *cfg, const char *const *sections,
                                     ictus_error *err);

/* The file that set the effective entry of section.key (as given to
 * ictus_config_load), or NULL when it came from the command line or is not
 * there; does not mark it used.  For values naming other files, which are
 * looked for beside the file that named them. */
const char *ictus_config_origin(const ictus_config *cfg, const char *section, const char *key);

/* Number of entries, and entry i (for provenance dumps); the strings belong
 * to the config. */
int ictus_config_count(const ictus_config *cfg);
void ictus_config_entry(const ictus_config *cfg, int i, const char **section, const char **key,
                        const char **value);

/* Append to `dst` every entry of `src` in a section named SCOPE.NAME, as
 * section NAME, keeping the file and line it came from (study.ini's
 * [ihka-mouse.detector] read as [detector] of preset ihka-mouse).  Reads
 * src without marking anything used; returns how many entries were copied. */
int ictus_config_copy_scope(ictus_config *dst, const ictus_config *src, const char *scope);

#endif
