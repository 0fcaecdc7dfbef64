/* feat_rms.c: root mean square of the window as filtered, √(mean x²) in µV.
 * The chain high-passes, so the mean is ~0; it is deliberately not removed
 * (a DC offset that survives is part of the amplitude). */
#include <math.h>

#include "pipeline/features/feat.h"
#include "pipeline/features/featloop.h"

static void compute(ictus_feature *f, const ictus_window *w, ictus_frame *frame)
{
    const double *x = w->x;
    double sum;
    ICTUS_SUM4(sum, i, 0, w->n, x[i] * x[i]);
    frame->v[ICTUS_F_RMS] = sqrt(sum / w->n);
}

const ictus_feature_desc ictus_feat_rms = {.name = "rms", .compute = compute};
