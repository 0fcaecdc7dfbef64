/* stages.c: the registry of sample stages, in chain order.
 * Decimation comes first so that every IIR stage runs at the analysis rate
 * (250 Hz for a 1 kHz recording): the filters are linear, the anti-alias
 * pass band (0.8 x the analysis Nyquist) keeps everything the features use,
 * and mains harmonics above the analysis Nyquist are removed by the
 * anti-alias filter itself, so the order changes the cost, not the result. */
#include "pipeline/dsp/stage.h"

const ictus_stage_desc *const ictus_stage_registry[] = {
    &ictus_stage_decimate,
    &ictus_stage_highpass,
    &ictus_stage_notch,
};
const int ictus_stage_registry_count =
    (int)(sizeof ictus_stage_registry / sizeof ictus_stage_registry[0]);
