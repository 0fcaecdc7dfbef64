/* feat_hjorth.c: Hjorth mobility and complexity.
 *
 * With d the first and dd the second difference of x and var() the
 * population variance (mean removed):
 *   hjorth_mobility   = √(var d / var x) · fs / 2π        (Hz)
 *   hjorth_complexity = √(var dd / var d) / √(var d / var x)
 * A value is NaN when a variance it divides by is 0 (a constant window
 * for both, a straight line for complexity) or when the window is too short
 * to form the differences (complexity needs 3 samples).  The sums of
 * squares come from the framer's fused pass (w->ss_x, ss_d, ss_dd,
 * timedomain.c), each around its own mean: the means of d and dd telescope,
 * (x[N−1] − x[0]) / (N−1) and (d[N−1] − d[1]) / (N−2).
 */
#include <math.h>

#include "pipeline/features/feat.h"

static void compute(ictus_feature *f, const ictus_window *w, ictus_frame *frame)
{
    const int n = w->n;
    const double var_x = w->ss_x / n, var_d = w->ss_d / (n - 1);
    const double mobility = var_x > 0 ? sqrt(var_d / var_x) : NAN;
    frame->v[ICTUS_F_HJORTH_MOBILITY] = mobility * w->fs_hz / (2 * M_PI);
    frame->v[ICTUS_F_HJORTH_COMPLEXITY] =
        n >= 3 && var_d > 0 ? sqrt(w->ss_dd / (n - 2) / var_d) / mobility : NAN;
}

const ictus_feature_desc ictus_feat_hjorth = {.name = "hjorth", .compute = compute};
