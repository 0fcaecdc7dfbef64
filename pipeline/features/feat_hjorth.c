/* feat_hjorth.c: Hjorth mobility and complexity.
 *
 * With d the first and dd the second difference of x and var() the
 * population variance (mean removed):
 *   hjorth_mobility   = √(var d / var x) · fs / 2π        (Hz)
 *   hjorth_complexity = √(var dd / var d) / √(var d / var x)
 * A value is NaN when a variance it divides by is 0 (a constant window
 * for both, a straight line for complexity) or when the window is too short
 * to form the differences (complexity needs 3 samples).  The means of d and
 * dd telescope, (x[N−1] − x[0]) / (N−1) and (d[N−2] − d[0]) / (N−2), so no
 * pass is spent on them.
 */
#include <math.h>

#include "pipeline/features/feat.h"
#include "pipeline/features/featloop.h"

static void compute(ictus_feature *f, const ictus_window *w, ictus_frame *frame)
{
    const double *x = w->x;
    const int n = w->n;
    const double mean_x = w->mean;
    const double mean_d = (x[n - 1] - x[0]) / (n - 1);
    const double mean_dd = n >= 3 ? ((x[n - 1] - x[n - 2]) - (x[1] - x[0])) / (n - 2) : 0;
    double ss_x, ss_d, ss_dd;
    ICTUS_SUM4(ss_x, i, 0, n, (x[i] - mean_x) * (x[i] - mean_x));
    ICTUS_SUM4(ss_d, i, 1, n, (x[i] - x[i - 1] - mean_d) * (x[i] - x[i - 1] - mean_d));
    ICTUS_SUM4(ss_dd, i, 2, n,
               ((x[i] - x[i - 1]) - (x[i - 1] - x[i - 2]) - mean_dd) *
                   ((x[i] - x[i - 1]) - (x[i - 1] - x[i - 2]) - mean_dd));
    const double var_x = ss_x / n, var_d = ss_d / (n - 1);
    const double mobility = var_x > 0 ? sqrt(var_d / var_x) : NAN;
    frame->v[ICTUS_F_HJORTH_MOBILITY] = mobility * w->fs_hz / (2 * M_PI);
    frame->v[ICTUS_F_HJORTH_COMPLEXITY] =
        n >= 3 && var_d > 0 ? sqrt(ss_dd / (n - 2) / var_d) / mobility : NAN;
}

const ictus_feature_desc ictus_feat_hjorth = {.name = "hjorth", .compute = compute};
