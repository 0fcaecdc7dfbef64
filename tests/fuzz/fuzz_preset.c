/* fuzz_preset.c: a detection preset (detectors/preset.h) built from any
 * INI bytes: the file read as a preset file is, every section the preset
 * owns applied and checked, the model looked for when [classifier] names
 * one.  Seeds (the .ini files of detectors/presets): tests/fuzz/corpus/preset/. */
#include "tests/fuzz/fuzz.h"

#include "detectors/preset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    int fd = fuzz_memfd(data, size, path);
    ictus_config *cfg = ictus_config_create();
    ictus_error err;
    if (ictus_config_load(cfg, path, &err) == ICTUS_OK) {
        ictus_preset p;
        if (ictus_preset_from_config(cfg, &p, &err) == ICTUS_OK &&
            (!p.parameters || strlen(p.hash) != 16 || !strchr(p.id, '@')))
            abort();
        ictus_preset_free(&p);
    }
    ictus_config_destroy(cfg);
    close(fd);
    return 0;
}
