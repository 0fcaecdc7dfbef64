/* preset_find.h: where detection presets are found by name.
 *
 * A preset is named on the command line (--preset NAME) or in a study's
 * study.ini ([study] preset = NAME).  A name containing '/' or ending in
 * ".ini" is a path; any other name is looked up as NAME.ini in, in order:
 *   1. $ICTUS_PRESET_DIR (when set and not empty),
 *   2. the source tree's detectors/presets beside the executable
 *      (EXE_DIR/../../detectors/presets, for build/release/ictus),
 *   3. the installed EXE_DIR/../share/ictus/presets,
 *   4. ICTUS_DATADIR/presets (the build's install prefix).
 */
#ifndef ICTUS_PRESET_FIND_H
#define ICTUS_PRESET_FIND_H

#include <stddef.h>

#include "base/status.h"

/* Find preset `name` and write its file's path into path[size].  Fails with
 * ICTUS_ERR_CONFIG and the message "no such preset (looked in ...)" (the
 * caller puts the name or the file that named it in front) when no readable
 * file is found. */
ictus_status ictus_preset_find(const char *name, char *path, size_t size, ictus_error *err);

/* Find a preset's data file (a classifier model, [classifier] model): a
 * name containing '/' is a path, any other is looked up in the preset
 * directories in the order above (preset.c looks beside the file that named
 * it first).  The error names the file. */
ictus_status ictus_preset_find_file(const char *name, char *path, size_t size, ictus_error *err);

/* The presets there are, for a message: "; presets in DIR: a b c" for each
 * preset directory that can be listed, appended to out[size] (which holds a
 * string; cut to fit). */
void ictus_preset_list(char *out, size_t size);

#endif
