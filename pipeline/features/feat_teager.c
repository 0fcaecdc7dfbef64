/* feat_teager.c: Teager–Kaiser energy, the mean over n = 1..N−2 of
 * x[n]² − x[n−1]·x[n+1] (µV², from the framer's w->sum_teager); NaN for
 * windows of fewer than 3 samples. */
#include <math.h>

#include "pipeline/features/feat.h"

static void compute(ictus_feature *f, const ictus_window *w, ictus_frame *frame)
{
    frame->v[ICTUS_F_TEAGER] = w->n >= 3 ? w->sum_teager / (w->n - 2) : NAN;
}

const ictus_feature_desc ictus_feat_teager = {.name = "teager", .compute = compute};
