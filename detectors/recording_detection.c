/* recording_detection.c: analyzer + detector + QC for one recording. */
#include "detectors/recording_detection.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/vec.h"
#include "detectors/detector.h"
#include "pipeline/analyzer.h"

typedef struct {
    ictus_detection *result;
    ictus_detector *detector;
    size_t cap_events;
} run_state;

static void on_event(void *ctx, const ictus_event *e)
{
    run_state *s = ctx;
    ictus_detection *r = s->result;
    ICTUS_GROW(r->events, r->n_events + 1, s->cap_events);
    r->events[r->n_events++] = *e;
}

static void on_window(void *ctx, const ictus_window_frames *w)
{
    run_state *s = ctx;
    ictus_qc_add_window(s->result->qc, w->window, w->artefact, w->present);
    ictus_detector_push_window(s->detector, w);
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

    run_state s = {.result = r};
    ictus_detector_params params = preset->detector;
    st = ictus_preset_model(preset, &params.classifier, err);
    if (st == ICTUS_OK)
        st = ictus_detector_create(&params, &preset->settings, info, r->channels, r->n_channels,
                                   opt->stim_us, opt->n_stim, on_event, &s, &s.detector, err);
    if (st == ICTUS_OK) {
        ictus_detector_explain(s.detector, opt->explain);
        ictus_detector_candidates(s.detector, opt->candidates, opt->candidates_ctx);
        st = ictus_analyzer_run(an, on_window, &s, err);
    }
    if (st == ICTUS_OK)
        ictus_detector_finish(s.detector);
    ictus_detector_destroy(s.detector);
    ictus_analyzer_destroy(an);
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
