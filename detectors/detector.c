/* detector.c: the streaming seizure detector's coordinator: baselines, the
 * delay line, and the hand-over between candidate assembly, the evoked state
 * machine, typing and the ordered output (see detector.h for the rules). */
#include "detectors/detector.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/walltime.h"
#include "base/vec.h"
#include "detectors/baseline.h"
#include "detectors/candidates.h"
#include "detectors/evoked.h"
#include "detectors/learned/cand_features.h"
#include "detectors/learned/second_stage.h"
#include "detectors/status_epilepticus.h"
#include "detectors/typing.h"

struct ictus_detector {
    ictus_detector_params p;
    const ictus_recording_info *info;
    int n;                   /* analysed channels */
    int *source_channel;     /* [n] */
    int *primary;            /* [n] 1 when a primary channel */
    ictus_event_fn fn;
    void *ctx;
    ictus_grid grid;
    FILE *explain;
    ictus_candidate_sink sink;
    void *sink_ctx;

    int64_t lookahead;       /* windows */
    ictus_baseline **base;   /* [n] ln LL */
    double *base_ll;         /* [n] exp(quantile) when decided, NaN when unknown */

    /* the delay line: windows waiting for their lookahead */
    int64_t *fifo_k;         /* [cap] */
    ictus_chan_win *fifo;    /* [cap * n] */
    int fifo_cap, fifo_head, fifo_n;
    int64_t last_decided;    /* k of the last decided window, -1 before any */

    ictus_candidates *cands;
    ictus_evoked *evoked;
    ictus_se *se;            /* status epilepticus episodes; NULL when the preset has none */

    /* events finished but held back so that they come out in start order */
    ictus_event *ready;
    int n_ready;
    size_t cap_ready;
};

/* ------------------------------------------------------------------------
 * Output ordering
 * ------------------------------------------------------------------------ */

static void hold_event(ictus_detector *d, int64_t start_us, int64_t end_us, const char *channel,
                       const char *type, double score)
{
    ictus_event e = {.start_us = start_us, .end_us = end_us,
                     .wall_start_us = d->info->start_us + start_us, .score = score};
    snprintf(e.channel, sizeof e.channel, "%s", channel);
    snprintf(e.type, sizeof e.type, "%s", type);
    ICTUS_GROW(d->ready, d->n_ready + 1, d->cap_ready);
    int i = d->n_ready++;
    while (i > 0 && d->ready[i - 1].start_us > e.start_us) {
        d->ready[i] = d->ready[i - 1];
        i--;
    }
    d->ready[i] = e;
}

/* Emit held events that nothing still open can precede. */
static void release_events(ictus_detector *d, bool all)
{
    int64_t limit = INT64_MAX;
    if (!all) {
        limit = ictus_candidates_open_start_us(d->cands);
        int64_t stim = ictus_evoked_open_start_us(d->evoked);
        if (stim < limit)
            limit = stim;
        int64_t se = d->se ? ictus_se_open_start_us(d->se) : INT64_MAX;
        if (se < limit)
            limit = se;
    }
    int n = 0;
    while (n < d->n_ready && d->ready[n].start_us <= limit)
        d->fn(d->ctx, &d->ready[n++]);
    if (n > 0) {
        memmove(d->ready, d->ready + n, (size_t)(d->n_ready - n) * sizeof(ictus_event));
        d->n_ready -= n;
    }
}

/* ------------------------------------------------------------------------
 * Typed events and their explanation
 * ------------------------------------------------------------------------ */

static const char *label(const ictus_detector *d, int i)
{
    return d->info->channels[d->source_channel[i]].label;
}

/* What status_epilepticus.c lets through, held for ordering. */
static void on_se_event(void *ctx, int64_t start_us, int64_t end_us, const char *channel,
                        const char *type, double score)
{
    hold_event(ctx, start_us, end_us, channel, type, score);
}

/* A typed candidate: held at once, or handed to the status epilepticus
 * episodes (status_epilepticus.h) as a seizure (rule >= 0) or, when no rule
 * took it, as a candidate long enough for status epilepticus that some rule
 * fits once its length limit is lifted; the rest is dropped. */
static void offer_candidate(ictus_detector *d, const ictus_candidate *c,
                            const ictus_event_measures *m, int strongest, bool admitted,
                            int rule, double score)
{
    const char *channel = m->n_involved == 1 ? label(d, strongest) : "*";
    if (!d->se) {
        if (rule >= 0)
            hold_event(d, c->start_us, c->end_us, channel, d->p.type[rule].name, score);
        return;
    }
    ictus_se_segment s = {.start_us = c->start_us, .end_us = c->end_us, .score = score,
                          .seizure = rule >= 0};
    if (rule < 0) {
        if (!admitted || m->duration_s < ictus_se_min_long_s(&d->p))
            return;
        rule = ictus_type_unbounded(&d->p, m, &s.score);
        if (rule < 0)
            return;
    }
    snprintf(s.channel, sizeof s.channel, "%s", channel);
    snprintf(s.type, sizeof s.type, "%s", d->p.type[rule].name);
    ictus_se_add(d->se, &s);
}

/* A spontaneous candidate with its post-ictal window complete: type it,
 * explain it, emit it. */
static void on_candidate(void *ctx, const ictus_candidate *c, const ictus_event_measures *m,
                         int strongest)
{
    ictus_detector *d = ctx;
    int64_t start_us = c->start_us, end_us = c->end_us;
    ictus_typing ty, gate;
    ictus_type_event(&d->p, m, &ty);
    bool admitted = ictus_candidate_admitted(&d->p, m, &gate);
    float x[ICTUS_CF_N];
    if (admitted && (d->p.classifier || d->sink))
        ictus_cand_features(c->feat, m, strongest, d->primary, ty.rule, ty.confidence, x);
    if (admitted && d->sink)
        d->sink(d->sink_ctx, start_us, end_us, x, ty.rule);
    int rule = ty.rule;
    double score = ty.confidence;
    ictus_verdict v = {.rule = -1};
    if (d->p.classifier) {
        rule = -1;
        score = 0;
        ictus_error err;
        if (admitted && ictus_second_stage_decide(&d->p, m, x, &v, &err) == ICTUS_OK) {
            rule = v.rule;
            score = v.score;
        } else if (admitted) {
            /* cannot happen with a model that loaded; say so and keep the rules' verdict */
            fprintf(stderr, "ictus: %s: %s\n", d->info->path, err.msg);
            rule = ty.rule;
            score = ty.confidence;
        }
    }
    offer_candidate(d, c, m, strongest, admitted, rule, score);
    FILE *f = d->explain;
    if (!f)
        return;
    /* Edges and duration to the millisecond (events.csv's precision): they
     * lie on analysis-rate samples (candidates.h). */
    fprintf(f, "candidate %.3f-%.3f s (%.3f s), artefact share %.2f, peak ratio %.2f, "
            "mean ratio %.2f, high %.2f, spikes %.2f/s, emg %.2f, channels",
            start_us / 1e6, end_us / 1e6, m->duration_s, m->artefact_fraction, m->peak_ratio,
            m->mean_ratio, m->high_fraction, m->spike_rate, m->emg_fraction);
    for (int i = 0; i < d->n; i++)
        fprintf(f, " %s:%d/%lld", label(d, i), c->n_high[i], (long long)c->n_windows);
    fprintf(f, " (%d involved), post-ictal min ratio %.2f", m->n_involved, m->postictal_min);
    /* the verdict that counts on the line; with a model, the rules' below it */
    bool learned = d->p.classifier && admitted;
    if (rule >= 0)
        fprintf(f, ": %s, score %.3f", d->p.type[rule].name, score);
    else
        fprintf(f, ": dropped (%s)", learned ? v.reason : ty.reason);
    if (!learned && rule >= 0 && ty.reason[0])
        fprintf(f, " (not %s)", ty.reason);
    fputc('\n', f);
    if (!learned)
        return;
    if (ty.rule < 0)
        fprintf(f, "  rules: dropped (%s)\n", ty.reason);
    else
        fprintf(f, "  rules: %s, score %.3f%s%s%s\n", d->p.type[ty.rule].name, ty.confidence,
                ty.reason[0] ? " (not " : "", ty.reason, ty.reason[0] ? ")" : "");
    ictus_second_stage_explain(&d->p, x, &v, f);
}

/* A stimulation is over: type its afterdischarge, explain it, emit it. */
static void on_stimulation(ictus_detector *d, const ictus_afterdischarge *ad)
{
    if (ad->end_us < 0) {
        if (d->explain)
            fprintf(d->explain, "stimulation at %.1f s: no afterdischarge\n", ad->stim_us / 1e6);
        return;
    }
    double duration_s = (ad->end_us - ad->start_us) / 1e6;
    ictus_typing ty;
    ictus_type_afterdischarge(&d->p, duration_s, &ty);
    if (ty.rule >= 0)
        hold_event(d, ad->start_us, ad->end_us, d->n == 1 ? label(d, 0) : "*", "evoked",
                   ty.confidence);
    if (!d->explain)
        return;
    fprintf(d->explain, "stimulation at %.1f s: afterdischarge to %.1f s (%.1f s)",
            ad->stim_us / 1e6, ad->end_us / 1e6, duration_s);
    if (ty.rule >= 0)
        fprintf(d->explain, ": evoked, score %.3f\n", ty.confidence);
    else
        fprintf(d->explain, ": dropped (%s)\n", ty.reason);
}

/* ------------------------------------------------------------------------
 * Creation
 * ------------------------------------------------------------------------ */

bool ictus_detector_primary_label(const ictus_detector_params *p, const char *label)
{
    char copy[sizeof p->primary_channels];
    snprintf(copy, sizeof copy, "%s", p->primary_channels);
    for (char *save, *tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save))
        if (strncasecmp(label, tok, strlen(tok)) == 0)
            return true;
    return false;
}

ictus_status ictus_detector_create(const ictus_detector_params *p, const ictus_settings *set,
                                   const ictus_recording_info *info, const int *channels,
                                   int n_channels, const int64_t *stim_us, int n_stim,
                                   ictus_event_fn fn, void *ctx, ictus_detector **out,
                                   ictus_error *err)
{
    *out = NULL;
    if (n_channels < 1)
        return ictus_fail(err, ICTUS_ERR_CONFIG, "%s: no channel to detect on", info->path);
    ictus_grid grid;
    ictus_status st = ictus_grid_init(&grid, set->hop_s, set->win_s, err);
    if (st != ICTUS_OK)
        return st;
    ictus_detector *d = ictus_xcalloc(1, sizeof *d);
    d->grid = grid;
    d->p = *p;
    d->info = info;
    d->n = n_channels;
    d->fn = fn;
    d->ctx = ctx;
    d->source_channel = ictus_xcalloc((size_t)d->n, sizeof(int));
    d->primary = ictus_xcalloc((size_t)d->n, sizeof(int));
    int n_primary = 0;
    for (int i = 0; i < d->n; i++) {
        d->source_channel[i] = channels[i];
        d->primary[i] = ictus_detector_primary_label(p, info->channels[channels[i]].label);
        n_primary += d->primary[i];
    }
    if (n_primary == 0)
        d->primary[0] = 1;

    int capacity = (int)ceil((p->baseline_hours * 60 + p->lookahead_min));
    d->base = ictus_xcalloc((size_t)d->n, sizeof(ictus_baseline *));
    d->base_ll = ictus_xcalloc((size_t)d->n, sizeof(double));
    for (int i = 0; i < d->n; i++)
        d->base[i] = ictus_baseline_create(capacity);

    d->lookahead = ictus_grid_windows_for_us(&d->grid, ictus_s_to_us(p->lookahead_min * 60));
    d->fifo_cap = (int)d->lookahead + 2;
    d->fifo_k = ictus_xcalloc((size_t)d->fifo_cap, sizeof(int64_t));
    d->fifo = ictus_xcalloc((size_t)d->fifo_cap * (size_t)d->n, sizeof(ictus_chan_win));
    d->last_decided = -1;
    d->cands = ictus_candidates_create(&d->p, &d->grid, d->n, d->primary, on_candidate, d);
    d->evoked = ictus_evoked_create(&d->p, &d->grid, info, stim_us, n_stim);
    if (p->spontaneous && ictus_se_enabled(p))
        d->se = ictus_se_create(&d->p, d->grid.hop_us, on_se_event, d);
    *out = d;
    return ICTUS_OK;
}

void ictus_detector_destroy(ictus_detector *d)
{
    if (!d)
        return;
    for (int i = 0; i < d->n; i++)
        ictus_baseline_destroy(d->base[i]);
    ictus_candidates_destroy(d->cands);
    ictus_evoked_destroy(d->evoked);
    ictus_se_destroy(d->se);
    free(d->base);
    free(d->base_ll);
    free(d->source_channel);
    free(d->primary);
    free(d->fifo_k);
    free(d->fifo);
    free(d->ready);
    free(d);
}

void ictus_detector_explain(ictus_detector *d, FILE *f)
{
    d->explain = f;
    if (d->se)
        ictus_se_explain(d->se, f);
}

void ictus_detector_candidates(ictus_detector *d, ictus_candidate_sink fn, void *ctx)
{
    d->sink = fn;
    d->sink_ctx = ctx;
}

/* ------------------------------------------------------------------------
 * The delay line
 * ------------------------------------------------------------------------ */

/* The highest LL ratio of the clean primary channels (0 when none). */
static double primary_ratio(const ictus_detector *d, const ictus_chan_win *w, const double *ratio)
{
    double best = 0;
    for (int i = 0; i < d->n; i++)
        if (d->primary[i] && w[i].present && !(w[i].artefact & ICTUS_DEAD_FLAGS) &&
            ratio[i] > best)
            best = ratio[i];
    return best;
}

/* The earliest start (us[0]) and latest end (us[1]) of a spike complex
 * inside window k's tile on the clean primary channels (µs from the
 * recording start, ictus_frame sub_on_us, sub_off_us), -1 when none. */
static void primary_spikes_us(const ictus_detector *d, int64_t k, const ictus_chan_win *w,
                              int64_t us[2])
{
    int64_t tile = ictus_grid_tile_start_us(&d->grid, k);
    us[0] = us[1] = -1;
    for (int i = 0; i < d->n; i++) {
        if (!d->primary[i] || !w[i].present || (w[i].artefact & ICTUS_DEAD_FLAGS))
            continue;
        for (int b = 0; b < ICTUS_SUB_BINS; b++) {
            int64_t on = tile + w[i].sub_on_us[ICTUS_SUB_SPIKE][b];
            int64_t off = tile + w[i].sub_off_us[ICTUS_SUB_SPIKE][b];
            if (w[i].sub_spikes[b] == 0 || off <= on)
                continue;
            if (us[0] < 0 || on < us[0])
                us[0] = on;
            if (off > us[1])
                us[1] = off;
        }
    }
}

/* The highest LL ratio of the clean channels (NaN when none). */
static double clean_max_ratio(const ictus_detector *d, const ictus_chan_win *w, const double *ratio)
{
    double best = NAN;
    for (int i = 0; i < d->n; i++)
        if (w[i].present && !(w[i].artefact & ICTUS_DEAD_FLAGS) && isfinite(ratio[i]) &&
            !(ratio[i] <= best))
            best = ratio[i];
    return best;
}

static void decide(ictus_detector *d, int64_t k, const ictus_chan_win *w)
{
    double ratio[64];
    double *r = d->n <= 64 ? ratio : ictus_xcalloc((size_t)d->n, sizeof(double));
    for (int i = 0; i < d->n; i++) {
        double m = ictus_baseline_quantile(d->base[i], d->p.baseline_quantile);
        d->base_ll[i] = exp(m);
        r[i] = w[i].present && w[i].ll > 0 ? w[i].ll / d->base_ll[i] : NAN;
    }
    bool stim = false;
    if (d->p.evoked) {
        ictus_afterdischarge ad;
        bool ended;
        int64_t spikes_us[2];
        primary_spikes_us(d, k, w, spikes_us);
        stim = ictus_evoked_window(d->evoked, k, primary_ratio(d, w, r), spikes_us, &ad, &ended);
        if (ended)
            on_stimulation(d, &ad);
    }
    if (stim || k != d->last_decided + 1) {
        ictus_candidates_close(d->cands); /* a stimulation or missing windows end an event */
        if (d->se)
            ictus_se_break(d->se);
    }
    if (!stim && d->p.spontaneous)
        ictus_candidates_window(d->cands, k, w, r);
    if (!stim && d->se)
        ictus_se_window(d->se, ictus_grid_tile_start_us(&d->grid, k),
                        ictus_grid_tile_end_us(&d->grid, k), clean_max_ratio(d, w, r));
    ictus_candidates_postictal(d->cands, k, w, d->base_ll, false);
    d->last_decided = k;
    if (d->se) {
        /* no candidate not yet handed over starts before this */
        int64_t horizon = ictus_grid_tile_start_us(&d->grid, k + 1) -
                          ictus_s_to_us(d->p.edge_margin_s) - d->grid.hop_us;
        int64_t open = ictus_candidates_open_start_us(d->cands);
        ictus_se_advance(d->se, open < horizon ? open : horizon);
    }
    release_events(d, false);
    if (r != ratio)
        free(r);
}

/* Decide the oldest window of the delay line. */
static void decide_oldest(ictus_detector *d)
{
    decide(d, d->fifo_k[d->fifo_head], d->fifo + (size_t)d->fifo_head * d->n);
    d->fifo_head = (d->fifo_head + 1) % d->fifo_cap;
    d->fifo_n--;
}

void ictus_detector_push_window(ictus_detector *d, const ictus_window_frames *win)
{
    assert(win->n_channels == d->n);
    int64_t k = win->window;
    if (d->fifo_n == d->fifo_cap) /* cannot happen: decisions keep it short */
        abort();
    int slot = (d->fifo_head + d->fifo_n) % d->fifo_cap;
    d->fifo_k[slot] = k;
    ictus_chan_win *cur = d->fifo + (size_t)slot * d->n;
    bool blank = ictus_evoked_blanked(d->evoked, k);
    for (int i = 0; i < d->n; i++) {
        const ictus_frame *f = &win->frames[i];
        cur[i] = (ictus_chan_win){0};
        if (win->present[i]) {
            cur[i] = (ictus_chan_win){.present = 1, .artefact = f->artefact,
                                      .ll = (float)f->v[ICTUS_F_LINE_LENGTH],
                                      .spike_rate = (float)f->v[ICTUS_F_SPIKE_RATE]};
            for (int j = 0; j < ICTUS_N_FEATURES; j++)
                cur[i].v[j] = (float)f->v[j];
            memcpy(cur[i].sub_ll, f->sub_ll, sizeof cur[i].sub_ll);
            memcpy(cur[i].sub_spikes, f->sub_spikes, sizeof cur[i].sub_spikes);
            memcpy(cur[i].sub_on_us, f->sub_on_us, sizeof cur[i].sub_on_us);
            memcpy(cur[i].sub_off_us, f->sub_off_us, sizeof cur[i].sub_off_us);
        }
        const ictus_chan_win *c = &cur[i];
        if (!c->present || (c->artefact & ICTUS_DIRTY_FLAGS) || blank || !(c->ll > 0))
            continue;
        double v = log(c->ll);
        ictus_baseline *b = d->base[i];
        /* keep ictal-looking windows out of the baseline once it exists */
        if (ictus_baseline_minutes(b) >= d->p.min_baseline_min &&
            v > ictus_baseline_quantile(b, d->p.baseline_quantile) + log(d->p.on_ratio))
            continue;
        ictus_baseline_add(b, ictus_grid_centre_minute(&d->grid, k), v);
    }
    d->fifo_n++;
    while (d->fifo_n > 0 && d->fifo_k[d->fifo_head] + d->lookahead <= k) {
        bool ready = true;
        for (int i = 0; i < d->n; i++)
            ready &= ictus_baseline_minutes(d->base[i]) >= d->p.min_baseline_min;
        if (!ready && d->fifo_n < d->fifo_cap - 1)
            break; /* wait for enough baseline, as long as the line has room */
        decide_oldest(d);
    }
}

void ictus_detector_finish(ictus_detector *d)
{
    for (int i = 0; i < d->n; i++)
        ictus_baseline_flush(d->base[i]);
    while (d->fifo_n > 0)
        decide_oldest(d);
    ictus_candidates_close(d->cands);
    ictus_afterdischarge ad;
    if (ictus_evoked_finish(d->evoked, &ad))
        on_stimulation(d, &ad);
    ictus_candidates_postictal(d->cands, d->last_decided + 1, NULL, NULL, true);
    if (d->se)
        ictus_se_flush(d->se);
    release_events(d, true);
}
