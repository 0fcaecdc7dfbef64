/* feat_artefact.c: the per-window artefact flags (settings [artefact]).
 *
 * Runs last in the registry: it reads power_emg and power_total from the
 * frame.  It fills no column, only ORs bits into frame->artefact (the
 * framer sets `gap` itself):
 *   clip     n_clipped >= clip_fraction · n, and n_clipped > 0;
 *   flat     the window's SD (mean removed) < flat_uv;
 *   extreme  max |x − mean| > extreme_sd · baseline_rms;
 *   emg      power_emg / power_total > emg_rel_factor · baseline_emg_share
 *            and power_emg > emg_abs_factor · baseline_emg_power.
 * A flag that needs a baseline is never set while that baseline is NaN or
 * 0 (no reference yet, or nothing but flat windows before).  The SD and
 * max |x − mean| come from the framer's fused pass (w->ss_x, w->max_dev,
 * timedomain.c), summed around the mean, so a DC offset cannot cancel the
 * SD of a window into `flat`.
 */
#include <math.h>

#include "pipeline/features/feat.h"

static void compute(ictus_feature *f, const ictus_window *w, ictus_frame *frame)
{
    const ictus_settings *set = f->set;
    uint32_t flags = 0;
    if (w->n_clipped > 0 && w->n_clipped >= set->clip_fraction * w->n)
        flags |= ICTUS_ART_CLIP;
    if (sqrt(w->ss_x / w->n) < set->flat_uv)
        flags |= ICTUS_ART_FLAT;
    if (w->baseline_rms > 0 && w->max_dev > set->extreme_sd * w->baseline_rms)
        flags |= ICTUS_ART_EXTREME;
    const double emg = frame->v[ICTUS_F_POWER_EMG];
    const double share = emg / frame->v[ICTUS_F_POWER_TOTAL];
    if (w->baseline_emg_share > 0 && w->baseline_emg_power > 0 &&
        share > set->emg_rel_factor * w->baseline_emg_share &&
        emg > set->emg_abs_factor * w->baseline_emg_power)
        flags |= ICTUS_ART_EMG;
    frame->artefact |= flags;
}

const ictus_feature_desc ictus_feat_artefact = {.name = "artefact", .compute = compute};
