/* study_preset.h: the detection presets a study runs with, one per animal,
 * each composed from its preset file, the study's own settings and its
 * stimulation list.
 *
 * Which preset an animal gets (the first rule that applies):
 *   1. animals.csv `preset` (optional column): that preset;
 *   2. animals.csv `model`, when study.ini [presets] lists it:
 *          [presets]
 *          dravet-mouse = Dravet, wild-type
 *          convulsive-rat = rat
 *      (each key a preset, its value the models that use it, comma-separated,
 *      case ignored: models are the key's value, not the key, because config
 *      keys cannot hold the spaces, '+' and '/' that model names have);
 *   3. `model` naming a preset, or one of the models a preset file lists in
 *      [preset] models (ihka-mouse: IHKA, ...; detectors/preset_find.h);
 *   4. no model, or an animal animals.csv does not list: study.ini
 *      [study] preset, the study's default.
 * A model that none of these match, or a preset that does not exist, is an
 * error naming the animal and its animals.csv line: never a silent fallback
 * to the default.  It is that animal's error: its recordings fail (and are
 * retried every night until it is fixed), the other animals are analysed.  A [presets] key, or the NAME of a [NAME.SECTION], that is
 * no preset is an error with the closest preset name; a [NAME.SECTION] whose
 * SECTION no preset has ([dravet-mouse.detectr]) is an error too.
 *
 * The composition of one preset, in order (later ones winning):
 *   1. the preset file (detectors/preset_find.h);
 *   2. study.ini's own [signal]/[features]/[detector]/[type.NAME]/... sections,
 *      for every preset of the study;
 *   3. study.ini's [NAME.SECTION] sections for preset NAME only, e.g.
 *          [dravet-mouse.detector]
 *          on_ratio = 3.5
 *   4. [study] mains_hz (the study's mains frequency wins over the preset's).
 * When steps 2 and 3 change the effective parameters, the preset's id reads
 * NAME@VERSION+HHHHHH, the first six hex digits of its parameter hash, and
 * that is what events and the store record: results of a preset changed
 * by the study are not mistaken for the preset as shipped.  Overrides that
 * repeat the preset's values, and mains_hz alone (where the lab is, not how
 * seizures are defined), leave NAME@VERSION.
 * What the results depend on beyond those settings joins the preset's
 * parameter text (and so its hash, which marks stored results stale when it
 * changes), but not the +HHHHHH:
 *   - for an evoked-seizure preset, the content hash of STUDY_DIR/
 *     stimulations.csv when there is one (evoked.stimulation_list=HASH);
 *     the list itself is loaded for the detector (detectors/stimlist.h);
 *   - [study] full_scale_uv when set (study.full_scale_uv=VALUE): it changes
 *     the µV of sound-file recordings.  Unset, nothing is added, so that
 *     studies of EDF files keep their parameter hash.
 *
 * Lifecycle: ictus_study_preset_load() (the default) or
 * ictus_study_preset_load_animal() → use → ictus_study_preset_free(); every
 * animal's at once: ictus_study_presets_load() → ictus_study_presets_for()
 * → ictus_study_presets_free().  Thread safety: loading reads study.ini
 * from disk and the study read-only (never study->config's getters), so
 * threads may load at once; a loaded set is read-only.
 */
#ifndef ICTUS_STUDY_PRESET_H
#define ICTUS_STUDY_PRESET_H

#include "base/strbuf.h"
#include "detectors/preset.h"
#include "detectors/stimlist.h"
#include "protocols/study.h"

typedef struct {
    ictus_preset preset;       /* the composed preset; parameters include the additions */
    ictus_stimlist *stims;     /* stimulations.csv of an evoked study, or NULL */
} ictus_study_preset;

/* Compose the study's default preset ([study] preset) into *out (zeroed
 * first).  Errors: the preset not found or invalid, study.ini overriding it
 * with a bad value or naming no preset in a [NAME.SECTION]
 * (ICTUS_ERR_CONFIG), stimulations.csv unreadable or malformed (its
 * status); on error *out holds nothing to free. */
ictus_status ictus_study_preset_load(const ictus_study *study, ictus_study_preset *out,
                                     ictus_error *err);

/* Compose the preset of animal `animal` (its id; NULL or an id animals.csv
 * does not list: the default) into *out, as above.  Errors also: its model
 * matching no preset, its `preset` no preset (ICTUS_ERR_CONFIG, naming the
 * animal and its animals.csv line). */
ictus_status ictus_study_preset_load_animal(const ictus_study *study, const char *animal,
                                            ictus_study_preset *out, ictus_error *err);

/* Free what the load made; a zeroed struct is a no-op. */
void ictus_study_preset_free(ictus_study_preset *sp);

/* Every preset of a study, each composed once. */
typedef struct {
    int n;                        /* >= 1 */
    ictus_study_preset *presets;  /* [0] the default, then the others in animals.csv order */
    int *of_animal;               /* [study->n_animals]: each animal's index in presets, -1
                                     when its preset could not be had (animal_error) */
    char **animal_error;          /* [study->n_animals]: why animal i has no preset (its model
                                     matches none, its `preset` is no preset, or that preset
                                     cannot be composed), else NULL */
    int n_animal_errors;
    int n_animals;                /* study->n_animals, the length of the two arrays */
} ictus_study_presets;

/* Compose the default preset and every animal's into *out (zeroed first).
 * An animal whose preset cannot be had does not stop the others: the
 * message (as ictus_study_preset_load_animal() gives it, naming the animal
 * and its animals.csv line) goes to out->animal_error, and its recordings
 * fail until it is fixed (the lab's other animals are analysed tonight).
 * Errors: the default preset ([study] preset) cannot be composed, or a
 * [presets] key or [NAME.SECTION] names no preset (the study's settings
 * are wrong for everyone); on error *out holds nothing to free. */
ictus_status ictus_study_presets_load(const ictus_study *study, ictus_study_presets *out,
                                      ictus_error *err);

/* The preset of animal `animal` (NULL or unknown: the default).  The study
 * must be the one loaded. */
const ictus_study_preset *ictus_study_presets_for(const ictus_study_presets *ps,
                                                  const ictus_study *study, const char *animal);

/* Why `animal` has no preset (ictus_study_presets_for() gave NULL), or NULL. */
const char *ictus_study_presets_error(const ictus_study_presets *ps, const ictus_study *study,
                                      const char *animal);

/* Free the set; a zeroed struct is a no-op. */
void ictus_study_presets_free(ictus_study_presets *ps);

/* What a run records as its preset: the ids of the presets the animals use
 * ("ihka-mouse@4", or "ihka-mouse@4, dravet-mouse@2+1a2b3c"), and their
 * parameter text (one preset: its text as it is; several: each line
 * prefixed "NAME:"), appended to ids and parameters. */
void ictus_study_presets_describe(const ictus_study_presets *ps, const ictus_study *study,
                                  ictus_strbuf *ids, ictus_strbuf *parameters);

#endif
