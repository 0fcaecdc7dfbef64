/* recording_detection.c: analyzer + detector + QC for one recording. */
#include "detectors/recording_detection.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detectors/detector.h"
#include "pipeline/analyzer.h"

typedef struct {
    ictus_detection *result;
    ictus_detector *detector;
    int n;                 /* analysed channels */
    const int *channels;   /* source index of each */
    int64_t k;             /* window being gathered for the QC, -1 before any */
    uint32_t *flags;
    int *present;
    int cap_events;
} run_state;

static void on_event(void *ctx, const ictus_event *e)
{
    run_state *s = ctx;
    ictus_detection *r = s->result;
    if (r->n_events == s->cap_events) {
        s->cap_events = s->cap_events ? 2 * s->cap_events : 32;
        r->events = ictus_xrealloc(r->events, (size_t)s->cap_events * sizeof(ictus_event));
    }
    r->events[r->n_events++] = *e;
}

static void flush_qc(run_state *s)
{
    if (s->k >= 0)
        ictus_qc_add_window(s->result->qc, s->k, s->flags, s->present);
}

static void on_frame(void *ctx, const ictus_frame *frame)
{
    run_state *s = ctx;
    if (frame->window != s->k) {
        flush_qc(s);
        s->k = frame->window;
        memset(s->present, 0, (size_t)s->n * sizeof(int));
    }
    for (int i = 0; i < s->n; i++)
        if (s->channels[i] == frame->channel) {
            s->present[i] = 1;
            s->flags[i] = frame->artefact;
        }
    ictus_detector_push(s->detector, frame);
}

ictus_status ictus_detect(ictus_source *src, const ictus_preset *preset,
                          const ictus_detect_options *opt, ictus_detection **out,
                          ictus_error *err)
{
    *out = NULL;
    const ictus_recording_info *info = ictus_source_info(src);
    ictus_analyzer_options aopt = {.set = &preset->settings, .n_threads = opt->n_threads,
                                   .channels = opt->channels, .n_channels = opt->n_channels};
    ictus_grid grid;
    ictus_status st = ictus_grid_init(&grid, preset->settings.hop_s, preset->settings.win_s, err);
    if (st != ICTUS_OK)
        return st;
    ictus_analyzer *an;
    st = ictus_analyzer_create(src, &aopt, &an, err);
    if (st != ICTUS_OK)
        return st;
    ictus_detection *r = ictus_xcalloc(1, sizeof *r);
    r->n_channels = ictus_analyzer_channels(an);
    r->channels = ictus_xcalloc((size_t)r->n_channels, sizeof(int));
    const char **labels = ictus_xcalloc((size_t)r->n_channels, sizeof(char *));
    for (int i = 0; i < r->n_channels; i++) {
        r->channels[i] = ictus_analyzer_channel_index(an, i);
        labels[i] = info->channels[r->channels[i]].label;
    }
    snprintf(r->chain, sizeof r->chain, "%s", ictus_chain_describe(ictus_analyzer_chain(an, 0)));
    r->qc = ictus_qc_create(r->n_channels, labels, info->duration_us, &grid);
    free(labels);

    run_state s = {.result = r, .n = r->n_channels, .channels = r->channels, .k = -1};
    s.flags = ictus_xcalloc((size_t)s.n, sizeof(uint32_t));
    s.present = ictus_xcalloc((size_t)s.n, sizeof(int));
    st = ictus_detector_create(&preset->detector, &preset->settings, info, r->channels,
                               r->n_channels, opt->stim_us, opt->n_stim, on_event, &s,
                               &s.detector, err);
    if (st == ICTUS_OK) {
        ictus_detector_explain(s.detector, opt->explain);
        st = ictus_analyzer_run(an, on_frame, &s, err);
    }
    if (st == ICTUS_OK) {
        flush_qc(&s);
        ictus_detector_finish(s.detector);
    }
    ictus_detector_destroy(s.detector);
    ictus_analyzer_destroy(an);
    free(s.flags);
    free(s.present);
    if (st != ICTUS_OK) {
        ictus_detection_destroy(r);
        return st;
    }
    *out = r;
    return ICTUS_OK;
}

void ictus_detection_destroy(ictus_detection *d)
{
    if (!d)
        return;
    free(d->events);
    free(d->channels);
    ictus_qc_destroy(d->qc);
    free(d);
}
