/* preset.h: a detection preset, i.e. everything that decides what counts
 * as a seizure for one animal model, loaded from a versioned data file
 * (detectors/presets/NAME.ini) plus --config / study.ini / --set overrides.
 *
 * A preset file holds [preset] (name, version, model, description), the
 * engine's [signal] [features] [artefact] settings, the detector's
 * [detector] [evoked] [type.NAME] rules and the scorer's [score]
 * tolerances.  Every output records `id` (name@version, with "+HHHHHH" when
 * overrides changed the file's parameters: ictus_preset_mark_changed()) and `parameters`
 * (the canonical text of every effective value), and `hash` fingerprints
 * that text, so that a changed parameter is detected; with a learned
 * second stage ([classifier] model, detectors/learned/model.h) the text
 * also holds `classifier.model_hash=`, the model file's own hash, so that
 * a new model makes results stale too (Twele et al. 2016:
 * small changes to the event definition change the study's conclusion).
 */
#ifndef ICTUS_PRESET_H
#define ICTUS_PRESET_H

#include "detectors/detector.h"
#include "detectors/score.h"
#include "base/config.h"
#include "pipeline/settings.h"

typedef struct {
    char name[64];          /* [preset] name */
    int version;            /* [preset] version (>= 1) */
    char model[128];        /* [preset] model: the animal model it is for */
    char description[256];  /* [preset] description */
    char id[96];            /* "name@version" */
    ictus_settings settings;
    ictus_detector_params detector;
    ictus_score_params score;
    char *parameters;       /* every effective setting, `section.key=value` lines; owned */
    char hash[17];          /* 64-bit FNV-1a of parameters, hex */
    struct ictus_preset_model *lazy_model; /* [classifier] model: found and fingerprinted,
                                  loaded by ictus_preset_model(); NULL with the rules alone */
} ictus_preset;

/* Build a preset from `cfg` (which already holds the preset file and any
 * overrides), finding its model when [classifier] names one.  Fails with
 * ICTUS_ERR_CONFIG on a bad value, on any entry in a section the preset
 * owns that nothing reads (a typo), or on a model file that cannot be
 * found or read (ictus_preset_model() parses and checks it). */
ictus_status ictus_preset_from_config(ictus_config *cfg, ictus_preset *out, ictus_error *err);

/* The preset's model ([classifier] model), loaded and checked the first time
 * it is asked for (every verb reads presets, few detect; the parameter
 * hash is made from the file's bytes without parsing it); *out NULL with
 * the rules alone.  Thread-safe: concurrent callers load it once and share
 * it (model.h: a loaded model is read-only).  Errors (ICTUS_ERR_CONFIG or
 * the model's: a file that is no model, other features, a class the preset
 * lacks) name the file, and come back the same on every call. */
ictus_status ictus_preset_model(const ictus_preset *p, const struct ictus_model **out,
                                ictus_error *err);

/* Start loading p's model on a thread of its own (when it has one and it
 * has not been asked for), so that what the caller does next (opening the
 * first recording) runs beside the load; ictus_preset_model() then waits
 * for it, with the same results and errors as loading it itself.  When no
 * thread can start, ictus_preset_model() loads it.  p must stay where it is
 * (the thread reads it) until ictus_preset_model() or ictus_preset_free(),
 * which waits for the thread too. */
void ictus_preset_model_prefetch(const ictus_preset *p);

/* Mark p as changed from the preset as shipped (`shipped`: built from the
 * same preset file without overrides): when their parameter texts differ,
 * p->id becomes "name@version+HHHHHH", HHHHHH the first six hex digits of
 * p->hash, so that every output saying which preset made it also says that
 * its parameters are not the file's (study.ini sections, --config, --set). */
void ictus_preset_mark_changed(ictus_preset *p, const ictus_preset *shipped);

/* True when `section` is one a preset's settings live in ([signal],
 * [detector], [type.NAME], [score], ...; not [preset]): what study.ini may
 * override, for all presets or, as [PRESET.SECTION], for one. */
bool ictus_preset_section(const char *section);

/* Those sections for a message: "[signal] [features] ... [type.NAME]". */
#define ICTUS_PRESET_SECTIONS_TEXT 256
void ictus_preset_sections_text(char out[ICTUS_PRESET_SECTIONS_TEXT]);

/* When the preset names primary_channels and none of the analysed channels
 * of `info` has such a label (vendor labels EEG1, EEG2 against HPC), the
 * detector takes the first analysed channel as primary: a one-line warning
 * saying so, which channel, and how to name the channels, into msg[size];
 * "" otherwise. */
void ictus_preset_primary_warning(const ictus_preset *p, const ictus_recording_info *info,
                                  char *msg, size_t size);

/* Free what ictus_preset_from_config() allocated. */
void ictus_preset_free(ictus_preset *p);

#endif
