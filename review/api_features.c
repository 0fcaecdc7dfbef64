/* api_features.c: the review API's features: the detector's per-window features around an event. */
#include "review/api.h"
#include "review/api_json.h"
#include "review/api_recording.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/grid.h"
#include "base/walltime.h"
#include "pipeline/analyzer.h"
#include "pipeline/chain.h"
#include "pipeline/excerpt.h"
#include "protocols/study_preset.h"

/* One analysed channel: its chain and its frames of the request's windows. */
typedef struct {
    int source_channel;
    ictus_chain *chain;
    int64_t first_window;    /* window index of the request's first window */
    int n_windows;
    ictus_frame *frames;     /* [n_windows]; frames[i].window < 0: none came (a gap) */
} feature_channel;

/* The chain's callback: keep the frames of the request's windows. */
static void collect(void *ctx, const ictus_frame *frame)
{
    feature_channel *fc = ctx;
    int64_t i = frame->window - fc->first_window;
    if (i >= 0 && i < fc->n_windows)
        fc->frames[i] = *frame;
}

/* Run the chains over [from_us, to_us) of the source. */
static ictus_status run_chains(ictus_source *src, feature_channel *fc, int n, int64_t from_us,
                               int64_t to_us, ictus_error *err)
{
    ictus_block *blk = ictus_block_create(src);
    ictus_status st = ictus_source_seek(src, from_us, err);
    while (st == ICTUS_OK) {
        st = ictus_source_read(src, blk, err);
        if (st != ICTUS_OK || ictus_block_empty(blk) || blk->start_us >= to_us)
            break;
        for (int i = 0; i < n; i++) {
            int c = fc[i].source_channel;
            ictus_chain_push(fc[i].chain, blk->samples[c], blk->flags[c], (size_t)blk->n[c],
                             blk->first_index[c], collect, &fc[i]);
        }
    }
    for (int i = 0; st == ICTUS_OK && i < n; i++)
        ictus_chain_finish(fc[i].chain, collect, &fc[i]);
    ictus_block_destroy(blk);
    return st;
}

static json_t *value_json(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

static json_t *features_json(const ictus_preset *preset, const ictus_grid *grid,
                             const ictus_recording_info *info, const feature_channel *fc, int n,
                             int64_t first_window, int n_windows)
{
    json_t *names = json_array(), *windows = json_array(), *channels = json_array();
    for (int f = 0; f < ICTUS_N_FEATURES; f++)
        json_array_append_new(names, json_string(ictus_feature_names[f]));
    for (int i = 0; i < n_windows; i++)
        json_array_append_new(windows,
                              json_real(ictus_us_to_s(ictus_grid_start_us(grid, first_window + i))));
    for (int c = 0; c < n; c++) {
        json_t *artefacts = json_array(), *values = json_array();
        for (int i = 0; i < n_windows; i++) {
            const ictus_frame *fr = &fc[c].frames[i];
            char flags[64];
            json_t *row = json_array();
            for (int f = 0; f < ICTUS_N_FEATURES; f++)
                json_array_append_new(row, value_json(fr->window < 0 ? NAN : fr->v[f]));
            json_array_append_new(values, row);
            json_array_append_new(artefacts,
                                  json_string(fr->window < 0 ? "gap"
                                                             : ictus_artefact_format(
                                                                   fr->artefact, flags,
                                                                   sizeof flags)));
        }
        json_array_append_new(channels,
                              json_pack("{s:s, s:o, s:o}", "label",
                                        info->channels[fc[c].source_channel].label, "artefact",
                                        artefacts, "values", values));
    }
    const ictus_detector_params *d = &preset->detector;
    return json_pack("{s:s, s:f, s:f, s:o, s:o, s:o, s:{s:f, s:f, s:f, s:f}}", "preset",
                     preset->id, "hop_s", ictus_us_to_s(grid->hop_us), "win_s",
                     ictus_us_to_s(grid->win_us), "features", names, "windows", windows,
                     "channels", channels, "detector", "on_ratio", d->on_ratio, "off_ratio",
                     d->off_ratio, "min_spike_rate", d->min_spike_rate, "sustain_spike_rate",
                     d->sustain_spike_rate);
}

/* The features of the windows starting in the request's window. */
static int read_features(const ictus_served_recording *rec, const ictus_review_window *w,
                         char **json)
{
    ictus_study_preset sp = {0};
    ictus_error err = {0};
    ictus_grid grid;
    if (ictus_study_preset_load_animal(rec->study, w->animal, &sp, &err) != ICTUS_OK)
        return ictus_review_answer_error(ICTUS_HTTP_SERVER_ERROR, err.msg, json);
    const ictus_settings *set = &sp.preset.settings;
    if (ictus_grid_init(&grid, set->hop_s, set->win_s, &err) != ICTUS_OK) {
        ictus_study_preset_free(&sp);
        return ictus_review_answer_error(ICTUS_HTTP_SERVER_ERROR, err.msg, json);
    }
    int64_t t0_us = ictus_s_to_us(w->t0_s), t1_us = ictus_s_to_us(w->t1_s);
    int64_t first = t0_us > 0 ? (t0_us + grid.hop_us - 1) / grid.hop_us : 0;
    int64_t last = t1_us > 0 ? (t1_us - 1) / grid.hop_us : -1; /* starts below t1 */
    int n_windows = last >= first ? (int)(last - first + 1) : 0;
    const ictus_recording_info *info = ictus_source_info(rec->src);
    feature_channel *fc = ictus_xcalloc((size_t)info->n_channels + 1, sizeof *fc);
    int n = 0;
    ictus_status st = ICTUS_OK;
    for (int c = 0; c < info->n_channels && st == ICTUS_OK; c++) {
        if (!ictus_channel_analysable(&info->channels[c], set))
            continue;
        fc[n] = (feature_channel){.source_channel = c, .first_window = first,
                                  .n_windows = n_windows};
        fc[n].frames = ictus_xmalloc((size_t)(n_windows ? n_windows : 1) * sizeof(ictus_frame));
        for (int i = 0; i < n_windows; i++)
            fc[n].frames[i].window = -1;
        st = ictus_chain_create(set, c, info->channels[c].fs_hz, &fc[n].chain, &err);
        n++;
    }
    /* From far enough back that the filters have settled and the running
     * baselines hold the windows the nightly run's held. */
    int64_t lead_us = (int64_t)set->baseline_windows * grid.hop_us + ICTUS_EXCERPT_LEAD_US +
                      grid.win_us;
    if (st == ICTUS_OK && n_windows > 0)
        st = run_chains(rec->src, fc, n, ictus_grid_start_us(&grid, first) - lead_us,
                        ictus_grid_end_us(&grid, last), &err);
    int status = st == ICTUS_OK
                     ? ictus_review_answer(features_json(&sp.preset, &grid, info, fc, n, first,
                                                         n_windows),
                                           ICTUS_HTTP_OK, json)
                     : ictus_review_answer_error(ICTUS_HTTP_SERVER_ERROR, err.msg, json);
    for (int i = 0; i < n; i++) {
        ictus_chain_destroy(fc[i].chain);
        free(fc[i].frames);
    }
    free(fc);
    ictus_study_preset_free(&sp);
    return status;
}

int ictus_review_api_features(ictus_review_cache *cache, const char *study_dir,
                              const ictus_review_query *q, char **json)
{
    ictus_review_window w;
    ictus_served_recording rec;
    int status = ictus_review_window_open(cache, study_dir, q, true, false, &w, &rec, json);
    if (status)
        return status;
    status = read_features(&rec, &w, json);
    ictus_review_recording_close(cache, &rec);
    return status;
}
