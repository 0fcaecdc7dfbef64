/* kindling_pattern.c: a study's stimulation annotation pattern (kindling_pattern.h). */
#include "protocols/kindling_pattern.h"

#include <stdio.h>

#include "protocols/study_preset.h"

bool ictus_kindling_stim_pattern(const ictus_study *study, char *pattern, size_t size)
{
    ictus_study_preset sp;
    ictus_error why = {0};
    if (size)
        pattern[0] = 0;
    if (ictus_study_preset_load(study, &sp, &why) != ICTUS_OK)
        return false;
    const ictus_detector_params *d = &sp.preset.detector;
    bool evoked = d->evoked && d->stim_pattern[0];
    if (evoked)
        snprintf(pattern, size, "%s", d->stim_pattern);
    ictus_study_preset_free(&sp);
    return evoked;
}
