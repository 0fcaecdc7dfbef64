/* feat_spikes.c: spike rate, interictal-spike-like peaks per second.
 *
 * A spike is a sample n (1 <= n <= N−2) where |x| is a local maximum,
 * |x[n]| >= |x[n−1]| and |x[n]| > |x[n+1]| (a flat top counts once, at its
 * end), above spike_k · σ.  Candidates are taken greedily in time order;
 * one is ignored when it comes less than spike_refractory_s after the last
 * counted spike, i.e. counted when (n − last) >= spike_refractory_s · fs.
 * σ is w->baseline_rms, the median window RMS over the previous windows
 * that the framer keeps; before there is one (NaN, or 0 after nothing but
 * flat windows) the window's own RMS stands in.  spike_rate = count /
 * (N / fs) in 1/s; NaN when σ is 0 (an all-zero window with no baseline).
 */
#include <math.h>

#include "pipeline/features/feat.h"
#include "pipeline/features/featloop.h"

static double own_rms(const double *x, int n)
{
    double sum;
    ICTUS_SUM4(sum, i, 0, n, x[i] * x[i]);
    return sqrt(sum / n);
}

static void compute(ictus_feature *f, const ictus_window *w, ictus_frame *frame)
{
    const double *x = w->x;
    const int n = w->n;
    const double sigma = w->baseline_rms > 0 ? w->baseline_rms : own_rms(x, n);
    if (!(sigma > 0)) {
        frame->v[ICTUS_F_SPIKE_RATE] = NAN;
        return;
    }
    const double threshold = f->set->spike_k * sigma;
    const double refractory = f->set->spike_refractory_s * w->fs_hz; /* samples */
    int count = 0, last = 0;
    double a_prev = fabs(x[0]), a = fabs(x[1]);
    for (int i = 1; i < n - 1; i++) {
        double a_next = fabs(x[i + 1]);
        if (a > threshold && a >= a_prev && a > a_next && (count == 0 || i - last >= refractory)) {
            count++;
            last = i;
        }
        a_prev = a;
        a = a_next;
    }
    frame->v[ICTUS_F_SPIKE_RATE] = count * w->fs_hz / n;
}

const ictus_feature_desc ictus_feat_spikes = {.name = "spikes", .compute = compute};
