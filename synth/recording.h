/* recording.h: write one planned file of one animal as EDF+ or FLAC.
 *
 * EDF+: 16-bit, 1 s data records, through pipeline/source/edfwrite.h; physical
 * range -8192 .. 8191.75 µV over digital -32768 .. 32767 (0.25 µV per
 * count), so that the largest convulsive seizure stays inside (seizures.c
 * caps amplitudes at 70 % of it) while saturation artefacts and strong
 * stimulus pulses sit at the digital limits.  EDF+C, or EDF+D when the plan
 * has telemetry gaps (their records are left out).  The patient field is
 * the animal's id; 6 Hz stimulations are EDF+ annotations "stim 6Hz 44mA".
 * FLAC: 16-bit through libsndfile, one count = 1 µV (the full scale ±32768
 * µV that ictus_source_open() assumes for sound files by default); a FLAC
 * file cannot hold gaps or annotations (the study's CSVs carry them).
 * Memory: one record (or block) per channel; samples are generated as they
 * are written.
 * Thread safety: different files may be written from different threads.
 */
#ifndef ICTUS_SYNTH_RECORDING_H
#define ICTUS_SYNTH_RECORDING_H

#include "synth/day.h"
#include "base/status.h"

typedef enum { ICTUS_SYNTH_EDF, ICTUS_SYNTH_FLAC } ictus_synth_format;

/* The physical value of digital full scale in each format, µV. */
#define ICTUS_SYNTH_EDF_FULL_SCALE_UV 8192.0
#define ICTUS_SYNTH_FLAC_FULL_SCALE_UV 32768.0

/* The file name extension of a format ("edf", "flac"). */
const char *ictus_synth_format_ext(ictus_synth_format f);

/* Generate day `d` (freshly created: nothing generated yet) and write it to
 * `path` (replaced) in format `f`.  Errors: ICTUS_ERR_IO when the file
 * cannot be written (the message names it), ICTUS_ERR_CONFIG when the
 * format cannot hold the layout (e.g. gaps in FLAC). */
ictus_status ictus_synth_recording_write(ictus_synth_day *d, ictus_synth_format f,
                                         const char *path, ictus_error *err);

#endif
