/* feat_linelength.c: line length, Σ|x[n] − x[n−1]| over the window divided
 * by its duration N / fs (µV/s, so independent of the sampling rate). */
#include <math.h>

#include "pipeline/features/feat.h"
#include "pipeline/features/featloop.h"

static void compute(ictus_feature *f, const ictus_window *w, ictus_frame *frame)
{
    const double *x = w->x;
    double sum;
    ICTUS_SUM4(sum, i, 1, w->n, fabs(x[i] - x[i - 1]));
    frame->v[ICTUS_F_LINE_LENGTH] = sum * w->fs_hz / w->n;
}

const ictus_feature_desc ictus_feat_linelength = {.name = "line_length", .compute = compute};
