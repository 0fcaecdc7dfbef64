/* recording_view.c: a study's recording with recordings.csv's start time and channel map. */
#include "protocols/recording_view.h"

#include <stdlib.h>

#include "pipeline/source/source_view.h"

ictus_source_options ictus_recording_source_options(const ictus_study *study,
                                                    const ictus_recording_entry *entry)
{
    ictus_source_options opt = {.full_scale_uv = study->full_scale_uv};
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
