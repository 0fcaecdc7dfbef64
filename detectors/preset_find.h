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
 * A name that is found nowhere gets the closest preset name as a suggestion
 * and the list of presets in its error.
 *
 * Animal models.  A preset says which animal models it is for: its own name,
 * its [preset] model, and [preset] models, a comma-separated list of the
 * names labs write in animals.csv's `model` column (ihka-mouse: IHKA, ...);
 * ictus_preset_for_model() finds the preset of a model that way (study.ini's
 * [presets] list comes first: protocols/study_preset.h).  `models` is not a
 * detection parameter: it is not in the parameter text or its hash.
 */
#ifndef ICTUS_PRESET_FIND_H
#define ICTUS_PRESET_FIND_H

#include <stdbool.h>
#include <stddef.h>

#include "base/status.h"

/* Find preset `name` and write its file's path into path[size].  Fails with
 * ICTUS_ERR_CONFIG and the message "no such preset (looked in ...)" (the
 * caller puts the name or the file that named it in front) when no readable
 * regular file is found; a path that names a directory, device or FIFO is
 * ICTUS_ERR_IO "PATH: is a directory, not a preset file" (base/readfile.h). */
ictus_status ictus_preset_find(const char *name, char *path, size_t size, ictus_error *err);

/* Find a preset's data file (a classifier model, [classifier] model): a
 * name containing '/' is a path, any other is looked up in the preset
 * directories in the order above (preset.c looks beside the file that named
 * it first).  The error names the file (and what it is, when a path names
 * a directory or device). */
ictus_status ictus_preset_find_file(const char *name, char *path, size_t size, ictus_error *err);

/* The presets there are, for a message: "; presets in DIR: a b c" for each
 * preset directory that can be listed, appended to out[size] (which holds a
 * string; cut to fit). */
void ictus_preset_list(char *out, size_t size);

/* For a message about an unknown preset `name`: append "; did you mean
 * \"NAME\"?" when a known preset is within a third of the name's length in
 * edit distance (at least 2; case ignored), then "; the presets are: a b c"
 * (every preset directory, each name once, sorted) to out[size] (which holds
 * a string; cut to fit). */
void ictus_preset_suggest(const char *name, char *out, size_t size);

/* The preset for animal model `model` (animals.csv's `model`): the preset
 * whose name, [preset] model or one of whose [preset] models is `model`
 * (case and white space around list items ignored), into name[size]; ""
 * when none is.  Fails with ICTUS_ERR_CONFIG when two presets claim it. */
ictus_status ictus_preset_for_model(const char *model, char *name, size_t size, ictus_error *err);

/* True when `model` is one of the comma-separated names in `list` (white
 * space around each item and case ignored): how [preset] models and
 * study.ini [presets] lists are read. */
bool ictus_preset_model_listed(const char *model, const char *list);

#endif
