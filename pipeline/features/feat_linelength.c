/* feat_linelength.c: line length, Σ|x[n] − x[n−1]| over the window (the
 * framer's w->sum_abs_d) divided by its duration N / fs (µV/s, so
 * independent of the sampling rate). */
#include "pipeline/features/feat.h"

static void compute(ictus_feature *f, const ictus_window *w, ictus_frame *frame)
{
    frame->v[ICTUS_F_LINE_LENGTH] = w->sum_abs_d * w->fs_hz / w->n;
}

const ictus_feature_desc ictus_feat_linelength = {.name = "line_length", .compute = compute};
