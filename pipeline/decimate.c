/* decimate.c: PLACEHOLDER until the real stage lands (bypasses itself). */
#include "stage.h"

static ictus_status start(ictus_stage *st, const ictus_settings *set, double fs_in_hz,
                          double *fs_out_hz, ictus_error *err)
{
    *fs_out_hz = fs_in_hz;
    st->bypass = 1;
    return ICTUS_OK;
}

const ictus_stage_desc ictus_stage_decimate = {.name = "decimate", .start = start};
