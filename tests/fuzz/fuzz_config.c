/* fuzz_config.c: the INI reader (base/config.h) on any bytes, read from a
 * file as presets, study.ini and --config files are; then every entry read
 * back through each typed getter, the scope copy and the unread-entry check.
 * Seeds (the shipped presets, study.ini files): tests/fuzz/corpus/config/. */
#include "tests/fuzz/fuzz.h"

#include "base/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    int fd = fuzz_memfd(data, size, path);
    ictus_config *cfg = ictus_config_create();
    ictus_error err;
    if (ictus_config_load(cfg, path, &err) == ICTUS_OK) {
        ictus_config *scoped = ictus_config_create();
        for (int i = 0; i < ictus_config_count(cfg); i++) {
            const char *sec, *key, *val;
            ictus_config_entry(cfg, i, &sec, &key, &val);
            if (!sec || !key || !val)
                abort();
            double d = 0;
            int64_t n = 0;
            bool b = false;
            char s[64];
            ictus_config_get_double(cfg, sec, key, -1e9, 1e9, &d, &err);
            ictus_config_get_int(cfg, sec, key, INT64_MIN, INT64_MAX, &n, &err);
            ictus_config_get_bool(cfg, sec, key, &b, &err);
            ictus_config_get_string(cfg, sec, key, s, sizeof s, &err);
            ictus_config_origin(cfg, sec, key);
            if (i == 0)
                ictus_config_copy_scope(scoped, cfg, sec);
        }
        ictus_config_check_used(cfg, NULL, &err);
        ictus_config_check_used(scoped, NULL, &err);
        ictus_config_destroy(scoped);
    } else if (err.msg[0] == '\0') {
        abort();
    }
    ictus_config_destroy(cfg);
    close(fd);
    return 0;
}
