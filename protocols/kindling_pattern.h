/* kindling_pattern.h: the annotation text that marks a stimulation in a
 * study, for kindling.c's stimulations from EDF+ annotations.
 *
 * Kept apart from kindling.c because the preset's headers (detectors/) and
 * the statistics' (protocols/stats.h) both define ictus_interval.
 *
 * Stateless; thread-safe as far as ictus_study_preset_load() is.
 */
#ifndef ICTUS_KINDLING_PATTERN_H
#define ICTUS_KINDLING_PATTERN_H

#include <stdbool.h>
#include <stddef.h>

#include "protocols/study.h"

/* The [evoked] stim_pattern of the study's composed preset
 * (protocols/study_preset.h) into pattern[size] (truncated to fit): true
 * when the preset enables [evoked] with a non-empty pattern; false, and
 * pattern "", when it does not or cannot be composed (the analysis does not
 * need the preset otherwise, so a preset that is missing is no error here). */
bool ictus_kindling_stim_pattern(const ictus_study *study, char *pattern, size_t size);

#endif
