/* recording_name.h: what a recording file is called: which names are
 * recordings, a file's stem, and the animal a recording belongs to when no
 * manifest says.
 *
 * One definition for every caller (the nightly job's scan of recordings/,
 * `ictus score --recordings`, the default animal of `detect`, `score` and
 * `run`), so that they cannot disagree about a file.
 */
#ifndef ICTUS_RECORDING_NAME_H
#define ICTUS_RECORDING_NAME_H

#include <stdbool.h>
#include <stddef.h>

#include "pipeline/source/source.h"

/* True when the file name `name` (without directories) looks like a
 * recording a source opens: extension edf, bdf, rec (EDF), wav, flac, rf64
 * or w64, ignoring case.  Names starting with '.' are not recordings (hidden
 * files, and rsync's and most copiers' temporary files). */
bool ictus_source_is_recording_name(const char *name);

/* The name of `path` without directories and without its last extension
 * ("recordings/m1/d1.edf" -> "d1"; ".hidden" stays ".hidden"), into
 * out[size] (cut to fit). */
void ictus_recording_stem(const char *path, char *out, size_t size);

/* The animal a recording belongs to when no manifest names it: the first
 * word of the EDF patient field unless it is empty or "X" (EDF+ for
 * unknown), else the stem of the file name.  Into out[size] (cut to fit;
 * never cut with size >= ICTUS_DEFAULT_ANIMAL_SIZE: a file name has at most
 * NAME_MAX bytes, the patient field 80). */
#define ICTUS_DEFAULT_ANIMAL_SIZE 256
void ictus_recording_default_animal(const ictus_recording_info *info, char *out, size_t size);

/* Where ictus_recording_default_animal() took the animal from, for
 * messages: "the EDF header's patient field" or "the file name". */
const char *ictus_recording_default_animal_source(const ictus_recording_info *info);

#endif
