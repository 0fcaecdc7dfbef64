/* feat_subbins.c: the sub-window envelope of a window (frame->sub_ll,
 * frame->sub_spikes), from which the detector places event edges finer than
 * the window grid.
 *
 * The window's tile (samples o .. o + L − 1 with o = lround((win_s − hop_s)
 * / 2 · fs) and L = lround(hop_s · fs), cut at the window's end) is cut into
 * ICTUS_SUB_BINS bins; bin b holds samples o + ⌊b L / B⌋ .. o + ⌊(b + 1) L
 * / B⌋ − 1.  sub_ll[b] is Σ|x[n] − x[n−1]| over the bin's samples (n >= 1)
 * divided by the bin's duration (µV/s, like line_length); sub_spikes[b]
 * counts the bin's spikes as feat_spikes.c defines them (|x| a local
 * maximum above spike_k · σ, the same σ, the refractory period counted from
 * the last spike in the tile), capped at 255.  Consecutive windows' tiles
 * meet, so their bins tile time.  Stateless, like every feature.
 */
#include <math.h>

#include "pipeline/features/feat.h"

static void compute(ictus_feature *f, const ictus_window *w, ictus_frame *frame)
{
    const double *x = w->x;
    const int n = w->n;
    const ictus_settings *set = f->set;
    int o = (int)lround((set->win_s - set->hop_s) / 2 * w->fs_hz);
    int len = (int)lround(set->hop_s * w->fs_hz);
    if (o < 1)
        o = 1; /* sample 0 has no predecessor; n >= 2 */
    if (o + len > n - 1)
        len = n - 1 - o; /* the last sample is no local maximum */
    if (len < ICTUS_SUB_BINS)
        return; /* too few samples to cut: the bins stay 0 */
    double sigma = w->baseline_rms;
    if (!(sigma > 0)) {
        double sum = 0;
        for (int i = 0; i < n; i++)
            sum += x[i] * x[i];
        sigma = sqrt(sum / n);
    }
    const double threshold = sigma > 0 ? f->set->spike_k * sigma : INFINITY;
    const double refractory = f->set->spike_refractory_s * w->fs_hz;
    int last = -1;
    for (int b = 0; b < ICTUS_SUB_BINS; b++) {
        int lo = o + (int)((int64_t)b * len / ICTUS_SUB_BINS);
        int hi = o + (int)((int64_t)(b + 1) * len / ICTUS_SUB_BINS);
        double ll = 0;
        int spikes = 0;
        for (int i = lo; i < hi; i++) {
            double a = fabs(x[i]);
            ll += fabs(x[i] - x[i - 1]);
            if (a > threshold && a >= fabs(x[i - 1]) && a > fabs(x[i + 1]) &&
                (last < 0 || i - last >= refractory)) {
                spikes++;
                last = i;
            }
        }
        frame->sub_ll[b] = (float)(ll * w->fs_hz / (hi - lo));
        frame->sub_spikes[b] = (uint8_t)(spikes < 255 ? spikes : 255);
    }
}

const ictus_feature_desc ictus_feat_subbins = {.name = "subbins", .compute = compute};
