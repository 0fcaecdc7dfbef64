/* recording_view.c: a study's recording with recordings.csv's start time and channel map. */
#include "protocols/recording_view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/path.h"
#include "pipeline/source/source_view.h"
#include "protocols/video.h"

ictus_source_options ictus_recording_source_options(const ictus_study *study,
                                                    const ictus_recording_entry *entry)
{
    ictus_source_options opt = {.full_scale_uv = study->full_scale_uv, .allow_partial = true};
    if (entry && entry->start_us != ICTUS_TIME_UNKNOWN)
        opt.start_us = entry->start_us;
    return opt;
}

ictus_status ictus_recording_view(const ictus_recording_entry *entry, ictus_source **src,
                                  int *file_channel, ictus_error *err)
{
    const ictus_recording_info *info = ictus_source_info(*src);
    int n_file = info->n_channels;
    for (int c = 0; c < n_file; c++)
        file_channel[c] = c;
    if (!entry || (entry->n_channels == 0 && entry->start_us == ICTUS_TIME_UNKNOWN))
        return ICTUS_OK;
    int n_view = entry->n_channels ? entry->n_channels : n_file;
    const char **labels = ictus_xcalloc((size_t)n_view, sizeof *labels);
    for (int i = 0; i < n_view; i++) {
        if (entry->n_channels)
            file_channel[i] = entry->channels[i].channel - 1;
        labels[i] = entry->n_channels ? entry->channels[i].label : info->channels[i].label;
    }
    int64_t start_us = entry->start_us != ICTUS_TIME_UNKNOWN ? entry->start_us : info->start_us;
    ictus_status st =
        ictus_source_view_open(*src, file_channel, labels, n_view, start_us, src, err);
    free(labels);
    return st;
}

static ictus_status open_with(const ictus_study *study, const ictus_recording_entry *entry,
                              const char *path, const char *name, bool samples_only,
                              ictus_source **out, ictus_error *err)
{
    *out = NULL;
    ictus_source_options opt = ictus_recording_source_options(study, entry);
    opt.samples_only = samples_only;
    ictus_source *src;
    ictus_status st = ictus_source_open(path, &opt, &src, err);
    if (st != ICTUS_OK)
        return st;
    int n_file = ictus_source_info(src)->n_channels;
    for (int m = 0; entry && m < entry->n_channels && st == ICTUS_OK; m++)
        if (entry->channels[m].channel > n_file)
            st = ictus_fail(err, ICTUS_ERR_CONFIG,
                            "%s: recordings.csv line %d maps a channel the file lacks", name,
                            entry->line);
    int *file_channel = ictus_xcalloc((size_t)n_file + 1, sizeof *file_channel);
    if (st == ICTUS_OK)
        st = ictus_recording_view(entry, &src, file_channel, err);
    free(file_channel);
    if (st != ICTUS_OK) {
        ictus_source_close(src);
        return st;
    }
    *out = src;
    return ICTUS_OK;
}

ictus_status ictus_recording_open(const ictus_study *study, const ictus_recording_entry *entry,
                                  const char *path, const char *name, ictus_source **out,
                                  ictus_error *err)
{
    return open_with(study, entry, path, name, false, out, err);
}

ictus_status ictus_recording_open_samples(const ictus_study *study,
                                          const ictus_recording_entry *entry, const char *path,
                                          const char *name, ictus_source **out, ictus_error *err)
{
    return open_with(study, entry, path, name, true, out, err);
}

/* recordings.csv's files are inside this folder of the study. */
#define RECORDINGS_PREFIX "recordings/"

const ictus_recording_entry *ictus_recording_entry_of(const ictus_study *study,
                                                      const char *stored_path,
                                                      const char *animal)
{
    size_t n = strlen(RECORDINGS_PREFIX);
    return strncmp(stored_path, RECORDINGS_PREFIX, n)
               ? NULL
               : ictus_study_recording(study, stored_path + n, animal);
}

bool ictus_recording_video(const ictus_study *study, const char *stored_path,
                           const char *animal, char *video, size_t size, double *offset_s)
{
    const ictus_recording_entry *e = ictus_recording_entry_of(study, stored_path, animal);
    char file[ICTUS_PATH_MAX];
    bool has = e && ictus_video_split(e->video, file, sizeof file, offset_s);
    if (!has)
        *offset_s = 0;
    snprintf(video, size, "%s%s", has ? RECORDINGS_PREFIX : "", has ? file : "");
    return has;
}
