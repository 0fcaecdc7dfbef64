/* recording_name.c: recording file names, stems and default animals. */
#include "pipeline/source/recording_name.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

bool ictus_source_is_recording_name(const char *name)
{
    static const char *const extensions[] = {"edf", "bdf", "rec", "wav", "flac", "rf64", "w64"};
    const char *dot = strrchr(name, '.');
    if (name[0] == '.' || !dot)
        return false;
    for (size_t i = 0; i < sizeof extensions / sizeof extensions[0]; i++)
        if (strcasecmp(dot + 1, extensions[i]) == 0)
            return true;
    return false;
}

void ictus_recording_stem(const char *path, char *out, size_t size)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    const char *dot = strrchr(base, '.');
    int len = dot && dot != base ? (int)(dot - base) : (int)strlen(base);
    snprintf(out, size, "%.*s", len, base);
}

/* The patient field names the animal: its first word is neither empty nor "X". */
static bool patient_names_animal(const ictus_recording_info *info, char *code, size_t size)
{
    snprintf(code, size, "%s", info->patient);
    code[strcspn(code, " ")] = '\0';
    return code[0] && strcmp(code, "X") != 0;
}

void ictus_recording_default_animal(const ictus_recording_info *info, char *out, size_t size)
{
    char code[sizeof info->patient];
    if (patient_names_animal(info, code, sizeof code))
        snprintf(out, size, "%s", code);
    else
        ictus_recording_stem(info->path, out, size);
}

const char *ictus_recording_default_animal_source(const ictus_recording_info *info)
{
    char code[sizeof info->patient];
    return patient_names_animal(info, code, sizeof code) ? "the EDF header's patient field"
                                                         : "the file name";
}
