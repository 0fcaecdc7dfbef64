/* video.c: recordings.csv's video column split into file and offset. */
#include "protocols/video.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool ictus_video_split(const char *video, char *file, size_t size, double *offset_s)
{
    *offset_s = 0;
    snprintf(file, size, "%s", video);
    if (!*video)
        return false;
    char *at = strrchr(file, '@'), *end;
    double v = at && at[1] ? strtod(at + 1, &end) : 0;
    if (at && at[1] && !*end && isfinite(v)) {
        *offset_s = v;
        *at = '\0';
    }
    return true;
}
