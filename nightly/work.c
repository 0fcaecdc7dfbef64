/* work.c: hash, read and detect one recording file on a worker thread. */
#include "nightly/work.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/path.h"
#include "pipeline/source/recording_name.h"
#include "protocols/recording_view.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------------------
 * Results of one animal in the store's terms
 * ---------------------------------------------------------------------- */

/* Every channel of the file as stored for this animal (run_work.h). */
static void describe_channels(run_animal *a, const ictus_recording_info *info,
                              const ictus_recording_entry *entry)
{
    int n = info->n_channels;
    a->channels = ictus_xcalloc((size_t)(n ? n : 1), sizeof *a->channels);
    a->channel_text = ictus_xcalloc((size_t)(n ? n : 1), sizeof *a->channel_text);
    for (int c = 0; c < n; c++) {
        run_channel_text *t = &a->channel_text[c];
        snprintf(t->label, sizeof t->label, "%s", info->channels[c].label);
        snprintf(t->unit, sizeof t->unit, "%s", info->channels[c].unit);
        a->channels[c] = (ictus_store_channel){.label = t->label, .fs_hz = info->channels[c].fs_hz,
                                               .unit = t->unit, .role = t->role};
    }
    for (int m = 0; entry && m < entry->n_channels; m++) {
        run_channel_text *t = &a->channel_text[entry->channels[m].channel - 1];
        snprintf(t->label, sizeof t->label, "%s", entry->channels[m].label);
        snprintf(t->role, sizeof t->role, "%s", entry->channels[m].label);
    }
    a->res.n_channels = n;
    a->res.channels = a->channels;
}

/* The analysable-time series of the detection, artefact counts turned from
 * the QC's kind-major layout into the store's bucket-major one. */
static void describe_series(run_animal *a)
{
    const ictus_qc *qc = a->det->qc;
    int64_t nb = qc->n_buckets;
    a->series = ictus_xcalloc((size_t)qc->n_series, sizeof *a->series);
    a->artefacts = ictus_xmalloc((size_t)(qc->n_series * nb * ICTUS_N_ART + 1) * sizeof(uint16_t));
    for (int s = 0; s < qc->n_series; s++) {
        uint16_t *art = a->artefacts + (size_t)s * (size_t)nb * ICTUS_N_ART;
        for (int64_t b = 0; b < nb; b++)
            for (int k = 0; k < ICTUS_N_ART; k++)
                art[b * ICTUS_N_ART + k] = qc->artefact[((size_t)s * ICTUS_N_ART + (size_t)k) *
                                                             (size_t)nb + (size_t)b];
        a->series[s] = (ictus_store_series){.channel = qc->label[s], .n_buckets = nb,
                                            .analysable_us = qc->analysable_us + (size_t)s *
                                                                                (size_t)nb,
                                            .artefact_windows = art};
    }
    a->res.n_series = qc->n_series;
    a->res.series = a->series;
}

/* Fill a->res from the detection and the recording as the detector saw it.
 * file_channel[i] is the file's channel of the view's channel i. */
static void describe_results(const ictus_preset *preset, run_animal *a,
                             const ictus_recording_info *seen, const int *file_channel)
{
    for (int i = 0; i < a->det->n_channels; i++)
        a->channels[file_channel[a->det->channels[i]]].analysed = true;
    describe_series(a);
    int64_t present_us = 0;
    for (int s = 0; s < seen->n_segments; s++)
        present_us += seen->segments[s].end_us - seen->segments[s].start_us;
    a->res.format = ictus_format_name(seen->format);
    a->res.start_us = seen->start_us;
    a->res.duration_us = seen->duration_us;
    a->res.n_gaps = seen->n_segments > 1 ? seen->n_segments - 1 : 0;
    a->res.gap_us = seen->n_segments > 0 ? seen->duration_us - present_us : 0;
    a->res.preset = preset->id;
    a->res.params_hash = run_preset_params_hash(preset);
    a->res.n_events = a->det->n_events;
    a->res.events = a->det->events;
}

/* ------------------------------------------------------------------------
 * Detection of one animal
 * ---------------------------------------------------------------------- */

/* Why animal `a` of the file cannot be detected, into a->error ("" when it
 * can): an unknown animal, an empty recording, a sound file without a start
 * time, a channel map naming channels the file does not have. */
static void check_animal(const run_work_context *ctx, const run_file *f,
                         const ictus_recording_entry *entry, const ictus_recording_info *info,
                         run_animal *a)
{
    if (!ictus_study_animal(ctx->study, a->animal)) {
        char from[64];
        if (entry)
            snprintf(from, sizeof from, "recordings.csv line %d", entry->line);
        else
            snprintf(from, sizeof from, "%s", ictus_recording_default_animal_source(info));
        snprintf(a->error, sizeof a->error,
                 "%s: unknown animal \"%s\" (from %s): add it to animals.csv, or name the "
                 "animal in recordings.csv", f->path, ICTUS_QUOTE(a->animal), from);
        return;
    }
    if (info->duration_us <= 0) {
        snprintf(a->error, sizeof a->error, "%s: the recording holds no data%s%s", f->path,
                 info->partial[0] ? ": " : "", info->partial);
        return;
    }
    if (entry && entry->start_us == ICTUS_TIME_UNKNOWN && info->format == ICTUS_FORMAT_SNDFILE) {
        snprintf(a->error, sizeof a->error,
                 "%s: recordings.csv line %d gives no start_time, and a sound file carries none",
                 f->path, entry->line);
        return;
    }
    for (int m = 0; entry && m < entry->n_channels; m++)
        if (entry->channels[m].channel > info->n_channels) {
            snprintf(a->error, sizeof a->error,
                     "%s: recordings.csv line %d maps %s to channel %d, but the file has %d "
                     "channel%s", f->path, entry->line, ICTUS_QUOTE(entry->channels[m].label),
                     entry->channels[m].channel, info->n_channels,
                     info->n_channels == 1 ? "" : "s");
            return;
        }
}

/* The preset's warning when no channel of the recording, as the detector
 * saw it, is one of its primary channels. */
static void primary_warning(const ictus_preset *preset, const run_file *f,
                            const ictus_recording_info *seen, run_animal *a)
{
    char why[sizeof a->warning - 256];
    ictus_preset_primary_warning(preset, seen, why, sizeof why);
    if (why[0])
        snprintf(a->warning, sizeof a->warning, "%s: animal %s: %s", f->path,
                 ICTUS_QUOTE(a->animal), why);
}

/* The animal the file's header or name gives (recording_name.h), as a new
 * string. */
static char *default_animal(const ictus_recording_info *info)
{
    char animal[ICTUS_DEFAULT_ANIMAL_SIZE];
    ictus_recording_default_animal(info, animal, sizeof animal);
    return ictus_xstrdup(animal);
}

/* Detect animal `a` (entry NULL: the file's own animal, from its header) in
 * the open source `src`, which this takes (and closes).  A recordings.csv row
 * with a channel map or a start time is detected through a view (pipeline/source/source_view.h)
 * that shows the map's channels under its labels, with its start time. */
static void detect_animal(const run_work_context *ctx, const run_file *f,
                          const ictus_recording_entry *entry, ictus_source *src, run_animal *a)
{
    const ictus_recording_info *info = ictus_source_info(src);
    a->animal = entry ? ictus_xstrdup(entry->animal) : default_animal(info);
    check_animal(ctx, f, entry, info, a);
    if (a->error[0]) {
        ictus_source_close(src);
        return;
    }
    describe_channels(a, info, entry);
    int n_file = info->n_channels;
    int *file_channel = ictus_xcalloc((size_t)n_file + 1, sizeof(int));
    ictus_error err;
    ictus_status st = ictus_recording_view(entry, &src, file_channel, &err);
    const ictus_study_preset *sp = ictus_study_presets_for(ctx->presets, ctx->study, a->animal);
    if (!sp) { /* its model matches no preset...: the run's problems say why, once */
        const ictus_animal *an = ictus_study_animal(ctx->study, a->animal);
        snprintf(a->error, sizeof a->error,
                 "%s: animal \"%s\" has no detection preset (animals.csv line %d, above): not "
                 "analysed until it has one",
                 f->path, ICTUS_QUOTE(a->animal), an ? an->line : 0);
        ictus_source_close(src);
        free(file_channel);
        return;
    }
    ictus_detect_options opt = {.n_threads = ctx->analyzer_threads};
    if (sp->stims)
        opt.stim_us = ictus_stimlist_for(sp->stims, f->path, &opt.n_stim);
    if (st == ICTUS_OK)
        st = ictus_detect(src, &sp->preset, &opt, &a->det, &err);
    if (st == ICTUS_OK) {
        describe_results(&sp->preset, a, ictus_source_info(src), file_channel);
        primary_warning(&sp->preset, f, ictus_source_info(src), a);
    } else
        snprintf(a->error, sizeof a->error, "%s", err.msg);
    ictus_source_close(src);
    free(file_channel);
}

/* Free every animal of the outcome. */
static void drop_animals(run_outcome *out)
{
    for (int i = 0; i < out->n_animals; i++) {
        run_animal *a = &out->animals[i];
        ictus_detection_destroy(a->det);
        free(a->animal);
        free(a->channels);
        free(a->channel_text);
        free(a->series);
        free(a->artefacts);
        free(a->shard_block);
    }
    free(out->animals);
    out->animals = NULL;
    out->n_animals = 0;
}

/* A file that holds less than its header promises (cut short, or its
 * writer stopped) is read to its last complete record: the plan leaves
 * files changed less than --settle seconds ago for a later run, so this one
 * is not growing.  What is missing has no analysable time; if the file
 * grows later, its new content hash has it processed again. */
static void note_cut_short(const run_file *f, const ictus_recording_info *info, run_outcome *out)
{
    if (info->partial[0])
        snprintf(out->cut_short, sizeof out->cut_short,
                 "%s: %s; analysed up to there (the rest counts as not recorded), and again if "
                 "the file grows", f->path, info->partial);
}

/* Open and detect every animal of the file; sets out->kind. */
static void detect_file(const run_work_context *ctx, const run_file *f, const char *disk_path,
                        run_outcome *out)
{
    int n = f->n_entries ? f->n_entries : 1;
    out->animals = ictus_xcalloc((size_t)n, sizeof *out->animals);
    out->n_animals = n;
    out->kind = RUN_OUT_RESULTS;
    for (int i = 0; i < n; i++) {
        const ictus_recording_entry *entry = f->n_entries ? f->entries[i] : NULL;
        ictus_source_options opt = ictus_recording_source_options(ctx->study, entry);
        ictus_source *src;
        ictus_error err;
        ictus_status st = ictus_source_open(disk_path, &opt, &src, &err);
        if (st != ICTUS_OK) { /* the file itself is bad: no animal has results */
            drop_animals(out);
            out->kind = st == ICTUS_ERR_INCOMPLETE ? RUN_OUT_INCOMPLETE : RUN_OUT_FAILED;
            snprintf(out->message, sizeof out->message, "%s", err.msg);
            return;
        }
        if (i == 0)
            note_cut_short(f, ictus_source_info(src), out);
        detect_animal(ctx, f, entry, src, &out->animals[i]);
    }
}

/* ------------------------------------------------------------------------
 * One file
 * ---------------------------------------------------------------------- */

/* The animal in the header of a file without recordings.csv rows, for the
 * failure rows of a file that is not detected (a copy); NULL when unreadable. */
static void read_header_animal(const run_file *f, const char *disk_path, run_outcome *out)
{
    ictus_source_options opt = {.allow_partial = true};
    ictus_source *src;
    ictus_error err;
    if (f->n_entries == 0 && ictus_source_open(disk_path, &opt, &src, &err) == ICTUS_OK) {
        out->header_animal = default_animal(ictus_source_info(src));
        ictus_source_close(src);
    }
}

void run_work_file(const run_work_context *ctx, const run_file *f, run_outcome *out)
{
    memset(out, 0, sizeof *out);
    out->file = f;
    out->identity = f->identity;
    if (f->rejected_line > 0) {
        out->kind = RUN_OUT_FAILED;
        snprintf(out->message, sizeof out->message,
                 "%s: recordings.csv line %d names it, but that row was rejected (see the problems "
                 "of recordings.csv): not processed until the row is fixed", f->path,
                 f->rejected_line);
        return;
    }
    double t0 = now_s();
    ictus_error err;
    char disk_path[ICTUS_PATH_MAX]; /* STUDY_DIR/path, for opening */
    ictus_status st = ictus_path_join(disk_path, sizeof disk_path, ctx->plan->study_dir, f->path,
                                      &err);
    if (st == ICTUS_OK)
        st = ictus_file_hash(disk_path, 0, &out->hash, &out->identity, &err);
    out->hash_s = now_s() - t0;
    if (st != ICTUS_OK) {
        out->kind = st == ICTUS_ERR_INCOMPLETE ? RUN_OUT_INCOMPLETE : RUN_OUT_FAILED;
        snprintf(out->message, sizeof out->message, "%s", err.msg);
        return;
    }
    out->has_hash = true;
    if (!ictus_file_identity_same(&out->identity, &f->identity)) {
        out->kind = RUN_OUT_INCOMPLETE;
        snprintf(out->message, sizeof out->message,
                 "%s: changed since this run started (%lld -> %lld bytes): still being written",
                 f->path, (long long)f->identity.size_bytes, (long long)out->identity.size_bytes);
        return;
    }
    bool same = f->action == RUN_CHECK;
    for (int i = 0; i < f->n_stored && same; i++)
        same = f->stored[i].has_content_hash &&
               ictus_hash128_equal(f->stored[i].content_hash, out->hash);
    if (same) {
        out->kind = RUN_OUT_SAME;
        return;
    }
    const run_file *first = run_plan_known_holder(ctx->plan, out->hash, f);
    if (first && run_file_counts_before(first, f)) {
        out->kind = RUN_OUT_DUPLICATE;
        out->duplicate_of = first;
        read_header_animal(f, disk_path, out);
        return;
    }
    t0 = now_s();
    detect_file(ctx, f, disk_path, out);
    out->detect_s = now_s() - t0;
    if (out->kind != RUN_OUT_RESULTS)
        return;
    ictus_file_identity after;
    if (ictus_file_identity_get(disk_path, &after, &err) != ICTUS_OK ||
        !ictus_file_identity_same(&after, &out->identity)) {
        drop_animals(out);
        out->kind = RUN_OUT_INCOMPLETE;
        snprintf(out->message, sizeof out->message,
                 "%s: changed while it was read: still being written", f->path);
    }
}

void run_outcome_clear(run_outcome *out)
{
    drop_animals(out);
    free(out->header_animal);
    memset(out, 0, sizeof *out);
}
