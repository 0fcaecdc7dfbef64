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
 * The framer finds the candidates, σ and the threshold alike
 * (w->spike_sigma, w->peaks, timedomain.c); here only the refractory rule.
 */
#include <math.h>

#include "pipeline/features/feat.h"

static void compute(ictus_feature *f, const ictus_window *w, ictus_frame *frame)
{
    if (!(w->spike_sigma > 0)) {
        frame->v[ICTUS_F_SPIKE_RATE] = NAN;
        return;
    }
    const double refractory = f->set->spike_refractory_s * w->fs_hz; /* samples */
    int count = 0, last = 0;
    for (int j = 0; j < w->n_peaks; j++) {
        int i = w->peaks[j];
        if (count == 0 || i - last >= refractory) {
            count++;
            last = i;
        }
    }
    frame->v[ICTUS_F_SPIKE_RATE] = count * w->fs_hz / w->n;
}

const ictus_feature_desc ictus_feat_spikes = {.name = "spikes", .compute = compute};
