/* recording.c: one planned file written as EDF+ (edfwrite.h) or FLAC
 * (libsndfile), record by record. */
#include "synth/recording.h"

#include <math.h>
#include <pthread.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>

#include "pipeline/source/edfwrite.h"
#include "synth/seizures.h"
#include "synth/thermo_plan.h"

const char *ictus_synth_format_ext(ictus_synth_format f)
{
    return f == ICTUS_SYNTH_FLAC ? "flac" : "edf";
}

/* Day sample index to µs from the file's start, rounded. */
static int64_t sample_us(const ictus_synth_day_spec *spec, int64_t i)
{
    return (int64_t)llround((double)i * 1e6 / spec->fs_hz);
}

/* ---------------------------------------------------------------- EDF+ */

static ictus_status annotate_stimulations(ictus_synth_day *d, ictus_edfwriter *w, ictus_error *err)
{
    const ictus_synth_day_spec *spec = ictus_synth_day_get_spec(d);
    const ictus_synth_events *ev = ictus_synth_day_events(d);
    for (int e = 0; e < ev->n; e++) {
        const ictus_synth_event *x = &ev->items[e];
        if (x->kind != ICTUS_SYNTH_STIMULUS)
            continue;
        ictus_status st = ictus_edfwriter_annotate(w, sample_us(spec, x->start),
                                                   sample_us(spec, x->end - x->start),
                                                   ICTUS_SYNTH_STIM_TEXT, err);
        if (st != ICTUS_OK)
            return st;
    }
    return ICTUS_OK;
}

static ictus_status write_edf(ictus_synth_day *d, const char *path, ictus_error *err)
{
    const ictus_synth_day_spec *spec = ictus_synth_day_get_spec(d);
    const ictus_synth_animal *a = spec->animal;
    const ictus_synth_events *ev = ictus_synth_day_events(d);
    const int nc = a->n_channels, spr = (int)spec->fs_hz;
    bool gaps = false;
    for (int e = 0; e < ev->n; e++)
        gaps |= ev->items[e].kind == ICTUS_SYNTH_GAP;

    ictus_edf_channel_spec channels[ICTUS_SYNTH_MAX_CHANNELS + 1];
    for (int c = 0; c < nc; c++)
        channels[c] = (ictus_edf_channel_spec){
            .label = a->label[c], .unit = "uV", .fs_hz = spec->fs_hz,
            .phys_min = -ICTUS_SYNTH_EDF_FULL_SCALE_UV,
            .phys_max = ICTUS_SYNTH_EDF_FULL_SCALE_UV * 32767.0 / 32768.0,
            .dig_min = -32768, .dig_max = 32767};
    /* a hyperthermia session: the temperature channel after the leads */
    const int n_temp = spec->thermo ? (int)ICTUS_SYNTH_THERMO_FS : 0;
    if (spec->thermo)
        channels[nc] = (ictus_edf_channel_spec){
            .label = ICTUS_SYNTH_THERMO_LABEL, .unit = ICTUS_SYNTH_THERMO_UNIT,
            .fs_hz = ICTUS_SYNTH_THERMO_FS, .phys_min = ICTUS_SYNTH_THERMO_MIN_C,
            .phys_max = ICTUS_SYNTH_THERMO_MAX_C, .dig_min = -32768, .dig_max = 32767};
    char recording[48];
    snprintf(recording, sizeof recording, "ictus-synth seed=%llu", (unsigned long long)a->seed);
    ictus_edf_layout layout = {
        .format = gaps ? ICTUS_FORMAT_EDFPLUS_D : ICTUS_FORMAT_EDFPLUS_C,
        .start_us = spec->start_us, .record_us = 1000000, .n_channels = nc + (n_temp > 0),
        .channels = channels, .patient = a->id, .recording = recording,
        .annotations_per_record = 1};
    ictus_edfwriter *w;
    ictus_status st = ictus_edfwriter_create(path, &layout, &w, err);
    if (st != ICTUS_OK)
        return st;
    st = annotate_stimulations(d, w, err);

    float *mem = ictus_xmalloc(((size_t)nc * (size_t)spr + (size_t)n_temp) * sizeof *mem);
    float *rec[ICTUS_SYNTH_MAX_CHANNELS + 1];
    for (int c = 0; c < nc; c++)
        rec[c] = mem + (size_t)c * (size_t)spr;
    rec[nc] = mem + (size_t)nc * (size_t)spr;
    int gap = 0; /* events are sorted: walk the gaps in step with the records */
    int64_t n_records = (spec->stop_sample ? spec->stop_sample : spec->n_samples) / spr;
    for (int64_t r = 0; r < n_records && st == ICTUS_OK; r++) {
        int64_t i = r * spr;
        ictus_synth_day_generate(d, rec, spr);
        for (int k = 0; k < n_temp; k++)
            rec[nc][k] = (float)ictus_synth_thermo_sample(spec->thermo, r * n_temp + k,
                                                          ICTUS_SYNTH_THERMO_FS);
        while (gap < ev->n && (ev->items[gap].kind != ICTUS_SYNTH_GAP || ev->items[gap].end <= i))
            gap++;
        if (gap < ev->n && ev->items[gap].start <= i)
            continue; /* lost: the record is left out */
        st = ictus_edfwriter_write(w, r * 1000000, (const float *const *)rec, err);
    }
    free(mem);
    ictus_error close_err;
    ictus_status cst = ictus_edfwriter_close(w, &close_err);
    if (st == ICTUS_OK && cst != ICTUS_OK) {
        *err = close_err;
        st = cst;
    }
    return st;
}

/* ---------------------------------------------------------------- FLAC */

/* libsndfile reports a failed sf_open() through a process-wide error. */
static pthread_mutex_t open_lock = PTHREAD_MUTEX_INITIALIZER;

enum { FLAC_FRAMES = 4096 };

/* µV to 16-bit counts of 1 µV, rounded and clamped. */
static void interleave(const float *const *x, int nc, int n, short *out)
{
    for (int c = 0; c < nc; c++)
        for (int i = 0; i < n; i++) {
            float v = floorf(x[c][i] + 0.5f);
            v = v < -32768.0f ? -32768.0f : v > 32767.0f ? 32767.0f : v;
            out[i * nc + c] = (short)v;
        }
}

static ictus_status write_flac(ictus_synth_day *d, const char *path, ictus_error *err)
{
    const ictus_synth_day_spec *spec = ictus_synth_day_get_spec(d);
    const int nc = spec->animal->n_channels;
    const ictus_synth_events *ev = ictus_synth_day_events(d);
    for (int e = 0; e < ev->n; e++)
        if (ev->items[e].kind == ICTUS_SYNTH_GAP)
            return ictus_fail(err, ICTUS_ERR_CONFIG, "%s: FLAC cannot hold telemetry gaps", path);
    SF_INFO si = {.samplerate = (int)spec->fs_hz, .channels = nc,
                  .format = SF_FORMAT_FLAC | SF_FORMAT_PCM_16};
    pthread_mutex_lock(&open_lock);
    SNDFILE *sf = sf_open(path, SFM_WRITE, &si);
    ictus_status st = ICTUS_OK;
    if (!sf)
        st = ictus_fail(err, ICTUS_ERR_IO, "%s: cannot create: %s", path, sf_strerror(NULL));
    pthread_mutex_unlock(&open_lock);
    if (st != ICTUS_OK)
        return st;
    /* FLAC level 0, the fastest: the default (5) saves ~5 % of the size here
     * and takes 60 % longer */
    double level = 0.0;
    sf_command(sf, SFC_SET_COMPRESSION_LEVEL, &level, sizeof level);

    float *mem = ictus_xmalloc((size_t)nc * FLAC_FRAMES * sizeof *mem);
    short *pcm = ictus_xmalloc((size_t)nc * FLAC_FRAMES * sizeof *pcm);
    float *blk[ICTUS_SYNTH_MAX_CHANNELS];
    for (int c = 0; c < nc; c++)
        blk[c] = mem + (size_t)c * FLAC_FRAMES;
    int64_t n_samples = spec->stop_sample ? spec->stop_sample : spec->n_samples;
    for (int64_t i = 0; i < n_samples && st == ICTUS_OK; i += FLAC_FRAMES) {
        int n = n_samples - i < FLAC_FRAMES ? (int)(n_samples - i) : FLAC_FRAMES;
        ictus_synth_day_generate(d, blk, n);
        interleave((const float *const *)blk, nc, n, pcm);
        if (sf_writef_short(sf, pcm, n) != n)
            st = ictus_fail(err, ICTUS_ERR_IO, "%s: frame %lld: cannot write: %s", path,
                            (long long)i, sf_strerror(sf));
    }
    free(mem);
    free(pcm);
    if (sf_close(sf) != 0 && st == ICTUS_OK)
        st = ictus_fail(err, ICTUS_ERR_IO, "%s: cannot finish the file", path);
    return st;
}

ictus_status ictus_synth_recording_write(ictus_synth_day *d, ictus_synth_format f,
                                         const char *path, ictus_error *err)
{
    return f == ICTUS_SYNTH_FLAC ? write_flac(d, path, err) : write_edf(d, path, err);
}
