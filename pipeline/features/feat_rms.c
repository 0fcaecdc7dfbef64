/* feat_rms.c: root mean square of the window as filtered, √(mean x²) in µV,
 * from the framer's Σx² (w->sum_sq).  The chain high-passes, so the mean is
 * ~0; it is deliberately not removed (a DC offset that survives is part of
 * the amplitude). */
#include <math.h>

#include "pipeline/features/feat.h"

static void compute(ictus_feature *f, const ictus_window *w, ictus_frame *frame)
{
    frame->v[ICTUS_F_RMS] = sqrt(w->sum_sq / w->n);
}

const ictus_feature_desc ictus_feat_rms = {.name = "rms", .compute = compute};
