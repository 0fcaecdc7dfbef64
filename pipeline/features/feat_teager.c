/* feat_teager.c: Teager–Kaiser energy, the mean over n = 1..N−2 of
 * x[n]² − x[n−1]·x[n+1] (µV²); NaN for windows of fewer than 3 samples. */
#include <math.h>

#include "pipeline/features/feat.h"
#include "pipeline/features/featloop.h"

static void compute(ictus_feature *f, const ictus_window *w, ictus_frame *frame)
{
    const double *x = w->x;
    const int n = w->n;
    if (n < 3) {
        frame->v[ICTUS_F_TEAGER] = NAN;
        return;
    }
    double sum;
    ICTUS_SUM4(sum, i, 1, n - 1, x[i] * x[i] - x[i - 1] * x[i + 1]);
    frame->v[ICTUS_F_TEAGER] = sum / (n - 2);
}

const ictus_feature_desc ictus_feat_teager = {.name = "teager", .compute = compute};
