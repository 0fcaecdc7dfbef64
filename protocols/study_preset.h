/* study_preset.h: the detection preset a study runs with, composed from the
 * preset file, the study's own settings and its stimulation list.
 *
 * The composition, in order (later ones winning):
 *   1. the preset file study.ini names ([study] preset, detectors/preset_find.h);
 *   2. study.ini's own [signal]/[features]/[detector]/... sections;
 *   3. [study] mains_hz (the study's mains frequency wins over the preset's).
 * What the results depend on beyond those settings joins the preset's
 * parameter text (and so its hash, which marks stored results stale when it
 * changes):
 *   - for an evoked-seizure preset, the content hash of STUDY_DIR/
 *     stimulations.csv when there is one (evoked.stimulation_list=HASH);
 *     the list itself is loaded for the detector (detectors/stimlist.h);
 *   - [study] full_scale_uv when set (study.full_scale_uv=VALUE): it changes
 *     the µV of sound-file recordings.  Unset, nothing is added, so that
 *     studies of EDF files keep their parameter hash.
 *
 * Lifecycle: ictus_study_preset_load() → use → ictus_study_preset_free().
 */
#ifndef ICTUS_STUDY_PRESET_H
#define ICTUS_STUDY_PRESET_H

#include "detectors/preset.h"
#include "detectors/stimlist.h"
#include "protocols/study.h"

typedef struct {
    ictus_preset preset;       /* the composed preset; parameters include the additions */
    ictus_stimlist *stims;     /* stimulations.csv of an evoked study, or NULL */
} ictus_study_preset;

/* Compose the preset of `study` into *out (zeroed first).  Errors: the
 * preset not found or invalid, study.ini overriding it with a bad value
 * (ICTUS_ERR_CONFIG), stimulations.csv unreadable or malformed (its status);
 * on error *out holds nothing to free. */
ictus_status ictus_study_preset_load(const ictus_study *study, ictus_study_preset *out,
                                     ictus_error *err);

/* Free what the load made; a zeroed struct is a no-op. */
void ictus_study_preset_free(ictus_study_preset *sp);

#endif
