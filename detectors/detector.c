/* detector.c: the streaming seizure detector (see detector.h for the rules). */
#include "detectors/detector.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "detectors/baseline.h"
#include "base/params.h"

/* ------------------------------------------------------------------------
 * Parameters
 * ------------------------------------------------------------------------ */

#define DD(key, member, lo, hi) ICTUS_PARAM_D("detector", key, ictus_detector_params, member, lo, hi)
#define ED(key, member, lo, hi) ICTUS_PARAM_D("evoked", key, ictus_detector_params, member, lo, hi)

static const ictus_param detector_fields[] = {
    ICTUS_PARAM_B("detector", "spontaneous", ictus_detector_params, spontaneous),
    DD("baseline_hours", baseline_hours, 0.1, 240),
    DD("lookahead_min", lookahead_min, 0, 240),
    DD("min_baseline_min", min_baseline_min, 1, 1440),
    DD("baseline_quantile", baseline_quantile, 0.05, 0.95),
    DD("on_ratio", on_ratio, 1, 1000),
    DD("off_ratio", off_ratio, 0.1, 1000),
    DD("min_spike_rate", min_spike_rate, 0, 1000),
    DD("sustain_spike_rate", sustain_spike_rate, 0, 1000),
    DD("min_duration_s", min_duration_s, 0, 86400),
    DD("merge_gap_s", merge_gap_s, 0, 3600),
    DD("max_artefact_fraction", max_artefact_fraction, 0, 1),
    DD("postictal_window_s", postictal_window_s, 0, 3600),
    DD("postictal_ratio", postictal_ratio, 0, 100),
    ICTUS_PARAM_S("detector", "primary_channels", ictus_detector_params, primary_channels),
    ICTUS_PARAM_S("detector", "types", ictus_detector_params, types),
    ICTUS_PARAM_B("evoked", "enabled", ictus_detector_params, evoked),
    ICTUS_PARAM_S("evoked", "stim_pattern", ictus_detector_params, stim_pattern),
    ED("stim_duration_s", stim_duration_s, 0, 3600),
    ED("blank_s", blank_s, 0, 3600),
    ED("end_ratio", end_ratio, 0.1, 1000),
    ED("end_hold_s", end_hold_s, 0, 3600),
    ED("min_duration_s", evoked_min_s, 0, 86400),
    ED("max_duration_s", evoked_max_s, 1, 86400),
};
#undef DD
#undef ED
#define N_DETECTOR_FIELDS (sizeof detector_fields / sizeof detector_fields[0])

/* [type.NAME] keys, relative to one ictus_type_rule. */
static const ictus_param type_fields[] = {
    ICTUS_PARAM_D("", "min_duration_s", ictus_type_rule, min_duration_s, 0, 86400),
    ICTUS_PARAM_D("", "max_duration_s", ictus_type_rule, max_duration_s, 0, 86400),
    ICTUS_PARAM_I("", "min_channels", ictus_type_rule, min_channels, 1, 64),
    ICTUS_PARAM_D("", "min_peak_ratio", ictus_type_rule, min_peak_ratio, 0, 1000),
    ICTUS_PARAM_D("", "min_mean_ratio", ictus_type_rule, min_mean_ratio, 0, 1000),
    ICTUS_PARAM_D("", "min_spike_rate", ictus_type_rule, min_spike_rate, 0, 1000),
    ICTUS_PARAM_D("", "min_high_fraction", ictus_type_rule, min_high_fraction, 0, 1),
    ICTUS_PARAM_D("", "max_emg_fraction", ictus_type_rule, max_emg_fraction, 0, 1),
    ICTUS_PARAM_B("", "postictal", ictus_type_rule, postictal),
    ICTUS_PARAM_B("", "primary", ictus_type_rule, primary),
};
#define N_TYPE_FIELDS (sizeof type_fields / sizeof type_fields[0])

void ictus_detector_params_default(ictus_detector_params *p)
{
    *p = (ictus_detector_params){
        .spontaneous = true,
        .baseline_hours = 6,
        .lookahead_min = 30,
        .min_baseline_min = 10,
        .baseline_quantile = 0.5,
        .on_ratio = 2.5,
        .off_ratio = 1.6,
        .min_spike_rate = 1,
        .sustain_spike_rate = 0.5,
        .min_duration_s = 5,
        .merge_gap_s = 3,
        .max_artefact_fraction = 0.5,
        .postictal_window_s = 60,
        .postictal_ratio = 0.5,
        .primary_channels = "",
        .types = "seizure",
        .evoked = false,
        .stim_pattern = "stim",
        .stim_duration_s = 3,
        .blank_s = 1,
        .end_ratio = 2,
        .end_hold_s = 2,
        .evoked_min_s = 5,
        .evoked_max_s = 180,
    };
}

/* The rule a type starts from before its [type.NAME] section applies. */
static ictus_type_rule default_rule(const char *name, const ictus_detector_params *p)
{
    ictus_type_rule r = {.min_duration_s = p->min_duration_s, .min_channels = 1,
                         .max_emg_fraction = 1};
    snprintf(r.name, sizeof r.name, "%s", name);
    return r;
}

ictus_status ictus_detector_params_apply(ictus_detector_params *p, ictus_config *cfg,
                                         ictus_error *err)
{
    ictus_status st = ictus_params_apply(detector_fields, N_DETECTOR_FIELDS, p, cfg, err);
    if (st != ICTUS_OK)
        return st;
    if (p->off_ratio > p->on_ratio)
        return ictus_fail(err, ICTUS_ERR_CONFIG, "settings: [detector] off_ratio = %g is above "
                          "on_ratio = %g", p->off_ratio, p->on_ratio);
    char list[sizeof p->types];
    snprintf(list, sizeof list, "%s", p->types);
    p->n_types = 0;
    for (char *save, *tok = strtok_r(list, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
        if (p->n_types == ICTUS_MAX_TYPES)
            return ictus_fail(err, ICTUS_ERR_CONFIG, "settings: [detector] types: at most %d",
                              ICTUS_MAX_TYPES);
        if (strlen(tok) >= ICTUS_TYPE_MAX)
            return ictus_fail(err, ICTUS_ERR_CONFIG, "settings: [detector] types: '%s' is too "
                              "long", tok);
        ictus_type_rule *r = &p->type[p->n_types++];
        *r = default_rule(tok, p);
        char section[ICTUS_TYPE_MAX + 8];
        snprintf(section, sizeof section, "type.%s", tok);
        ictus_param fields[N_TYPE_FIELDS];
        memcpy(fields, type_fields, sizeof fields);
        for (size_t i = 0; i < N_TYPE_FIELDS; i++)
            fields[i].section = section;
        st = ictus_params_apply(fields, N_TYPE_FIELDS, r, cfg, err);
        if (st != ICTUS_OK)
            return st;
    }
    if (p->n_types == 0 && p->spontaneous)
        return ictus_fail(err, ICTUS_ERR_CONFIG, "settings: [detector] types is empty");
    return ICTUS_OK;
}

void ictus_detector_params_describe(const ictus_detector_params *p, char *buf, size_t size,
                                    size_t *len)
{
    ictus_params_describe(detector_fields, N_DETECTOR_FIELDS, p, buf, size, len);
    for (int t = 0; t < p->n_types; t++) {
        char section[ICTUS_TYPE_MAX + 8];
        snprintf(section, sizeof section, "type.%s", p->type[t].name);
        ictus_param fields[N_TYPE_FIELDS];
        memcpy(fields, type_fields, sizeof fields);
        for (size_t i = 0; i < N_TYPE_FIELDS; i++)
            fields[i].section = section;
        ictus_params_describe(fields, N_TYPE_FIELDS, &p->type[t], buf, size, len);
    }
}

void ictus_detector_sections(const ictus_detector_params *p, const char **sections, int max)
{
    static _Thread_local char names[ICTUS_MAX_TYPES][ICTUS_TYPE_MAX + 8];
    int n = 0;
    if (n < max - 1)
        sections[n++] = "detector";
    if (n < max - 1)
        sections[n++] = "evoked";
    for (int t = 0; t < p->n_types && n < max - 1; t++) {
        snprintf(names[t], sizeof names[t], "type.%s", p->type[t].name);
        sections[n++] = names[t];
    }
    sections[n] = NULL;
}

/* ------------------------------------------------------------------------
 * State
 * ------------------------------------------------------------------------ */

/* What the detector keeps of one window of one channel. */
typedef struct {
    uint32_t artefact;
    int present;
    float ll;         /* line length, µV/s */
    float spike_rate; /* spikes/s */
} chan_win;

/* Artefacts that make a window no evidence for or against anything. */
#define DEAD_FLAGS (ICTUS_ART_GAP | ICTUS_ART_FLAT)
/* Artefacts that keep a window from starting an event.  `extreme` is not
 * one of them: the strongest seizures exceed 25 baseline SDs too (Bonn set
 * E does), and the electrode pops it catches are too short to last
 * min_duration_s.  Nor is `emg` (see detector.h). */
#define DIRTY_FLAGS (DEAD_FLAGS | ICTUS_ART_CLIP)

/* A spontaneous event being built, or waiting for its post-ictal window. */
typedef struct {
    int64_t k_first, k_last;  /* first window, last window that sustained it */
    int64_t n_windows, n_artefact;
    int *n_high;              /* per channel: windows at >= on_ratio */
    double *sum_ratio;        /* per channel: sum of LL ratios */
    double *peak_ratio;       /* per channel */
    double *sum_spikes;       /* per channel: sum of spike rates */
    int *n_emg;               /* per channel: windows flagged emg */
    /* post-ictal: moving average of the primary channels' LL ratio */
    double post_ring[5];
    int post_n;
    double post_min;
} candidate;

struct ictus_detector {
    ictus_detector_params p;
    const ictus_settings *set;
    const ictus_recording_info *info;
    int n;                   /* analysed channels */
    int *source_channel;     /* [n] */
    int *primary;            /* [n] 1 when a primary channel */
    ictus_event_fn fn;
    void *ctx;

    double hop_s, win_s;
    int64_t lookahead;       /* windows */
    ictus_baseline **base;   /* [n] ln LL */
    double *base_ll;         /* [n] exp(median) when decided, NaN when unknown */

    /* window assembly and the delay line */
    int64_t cur_k;           /* window being assembled, -1 before any */
    chan_win *cur;           /* [n] */
    int64_t *fifo_k;         /* [cap] */
    chan_win *fifo;          /* [cap * n] */
    int fifo_cap, fifo_head, fifo_n;

    /* spontaneous detection */
    int active;
    candidate cand;
    int64_t quiet;           /* consecutive windows without sustain */
    int64_t last_decided;    /* k of the last decided window */
    candidate *pending;      /* closed, waiting for post-ictal data */
    int n_pending, cap_pending;

    /* evoked detection */
    int64_t *stim_us;        /* sorted onsets */
    int n_stim, next_stim;
    int ad_state;            /* 0 idle, 1 blanking, 2 afterdischarge */
    int64_t ad_stim_us;      /* onset of the current stimulation */
    int64_t ad_last_k;       /* last window above end_ratio, -1 if none */
    int64_t ad_below;        /* consecutive windows below */

    FILE *explain;

    /* events finished but held back so that they come out in start order */
    ictus_event *ready;
    int n_ready, cap_ready;
};

/* ------------------------------------------------------------------------
 * Creation
 * ------------------------------------------------------------------------ */

static bool label_matches(const char *label, const char *list)
{
    char copy[sizeof ((ictus_detector_params *)0)->primary_channels];
    snprintf(copy, sizeof copy, "%s", list);
    for (char *save, *tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save))
        if (strncasecmp(label, tok, strlen(tok)) == 0)
            return true;
    return false;
}

static bool contains_ci(const char *text, const char *pattern)
{
    size_t n = strlen(pattern);
    if (n == 0)
        return false;
    for (const char *s = text; *s; s++)
        if (strncasecmp(s, pattern, n) == 0)
            return true;
    return false;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static void candidate_init(candidate *c, int n)
{
    memset(c, 0, sizeof *c);
    c->n_high = ictus_xcalloc((size_t)n, sizeof(int));
    c->sum_ratio = ictus_xcalloc((size_t)n, sizeof(double));
    c->peak_ratio = ictus_xcalloc((size_t)n, sizeof(double));
    c->sum_spikes = ictus_xcalloc((size_t)n, sizeof(double));
    c->n_emg = ictus_xcalloc((size_t)n, sizeof(int));
}

static void candidate_free(candidate *c)
{
    free(c->n_high);
    free(c->sum_ratio);
    free(c->peak_ratio);
    free(c->sum_spikes);
    free(c->n_emg);
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
    ictus_detector *d = ictus_xcalloc(1, sizeof *d);
    d->p = *p;
    d->set = set;
    d->info = info;
    d->n = n_channels;
    d->fn = fn;
    d->ctx = ctx;
    d->hop_s = set->hop_s;
    d->win_s = set->win_s;
    d->source_channel = ictus_xcalloc((size_t)d->n, sizeof(int));
    d->primary = ictus_xcalloc((size_t)d->n, sizeof(int));
    int n_primary = 0;
    for (int i = 0; i < d->n; i++) {
        d->source_channel[i] = channels[i];
        d->primary[i] = p->primary_channels[0] &&
                        label_matches(info->channels[channels[i]].label, p->primary_channels);
        n_primary += d->primary[i];
    }
    if (n_primary == 0)
        d->primary[0] = 1;

    int capacity = (int)ceil((p->baseline_hours * 60 + p->lookahead_min));
    d->base = ictus_xcalloc((size_t)d->n, sizeof(ictus_baseline *));
    d->base_ll = ictus_xcalloc((size_t)d->n, sizeof(double));
    for (int i = 0; i < d->n; i++)
        d->base[i] = ictus_baseline_create(capacity);

    d->lookahead = (int64_t)ceil(p->lookahead_min * 60 / d->hop_s);
    d->fifo_cap = (int)d->lookahead + 2;
    d->fifo_k = ictus_xcalloc((size_t)d->fifo_cap, sizeof(int64_t));
    d->fifo = ictus_xcalloc((size_t)d->fifo_cap * (size_t)d->n, sizeof(chan_win));
    d->cur = ictus_xcalloc((size_t)d->n, sizeof(chan_win));
    d->cur_k = -1;
    d->last_decided = -1;
    candidate_init(&d->cand, d->n);

    /* stimulations: the caller's list plus matching annotations */
    d->stim_us = ictus_xcalloc((size_t)(n_stim + info->n_annotations + 1), sizeof(int64_t));
    for (int i = 0; i < n_stim; i++)
        d->stim_us[d->n_stim++] = stim_us[i];
    if (p->evoked)
        for (int i = 0; i < info->n_annotations; i++)
            if (contains_ci(info->annotations[i].text, p->stim_pattern))
                d->stim_us[d->n_stim++] = info->annotations[i].onset_us;
    qsort(d->stim_us, (size_t)d->n_stim, sizeof(int64_t), cmp_i64);
    *out = d;
    return ICTUS_OK;
}

void ictus_detector_destroy(ictus_detector *d)
{
    if (!d)
        return;
    for (int i = 0; i < d->n; i++)
        ictus_baseline_destroy(d->base[i]);
    for (int i = 0; i < d->n_pending; i++)
        candidate_free(&d->pending[i]);
    candidate_free(&d->cand);
    free(d->pending);
    free(d->base);
    free(d->base_ll);
    free(d->source_channel);
    free(d->primary);
    free(d->fifo_k);
    free(d->fifo);
    free(d->cur);
    free(d->stim_us);
    free(d->ready);
    free(d);
}

/* ------------------------------------------------------------------------
 * Time helpers: window k "stands for" its central hop, so consecutive
 * windows tile the timeline without overlap.
 * ------------------------------------------------------------------------ */

static int64_t window_from_us(const ictus_detector *d, int64_t k)
{
    return (int64_t)llround((k * d->hop_s + (d->win_s - d->hop_s) / 2) * 1e6);
}

static int64_t window_to_us(const ictus_detector *d, int64_t k)
{
    return (int64_t)llround((k * d->hop_s + (d->win_s + d->hop_s) / 2) * 1e6);
}

static int64_t minute_of(const ictus_detector *d, int64_t k)
{
    return (int64_t)floor((k * d->hop_s + d->win_s / 2) / 60.0);
}

/* Whether window k overlaps a stimulation's blanked stretch. */
static bool blanked(const ictus_detector *d, int64_t k)
{
    int64_t t0 = (int64_t)llround(k * d->hop_s * 1e6), t1 = t0 + (int64_t)llround(d->win_s * 1e6);
    int64_t span = (int64_t)llround((d->p.stim_duration_s + d->p.blank_s) * 1e6);
    for (int i = 0; i < d->n_stim; i++) {
        if (d->stim_us[i] >= t1)
            break;
        if (d->stim_us[i] + span > t0)
            return true;
    }
    return false;
}

/* ------------------------------------------------------------------------
 * Output ordering
 * ------------------------------------------------------------------------ */

static void hold_event(ictus_detector *d, const ictus_event *e)
{
    if (d->n_ready == d->cap_ready) {
        d->cap_ready = d->cap_ready ? 2 * d->cap_ready : 16;
        d->ready = ictus_xrealloc(d->ready, (size_t)d->cap_ready * sizeof(ictus_event));
    }
    int i = d->n_ready++;
    while (i > 0 && d->ready[i - 1].start_us > e->start_us) {
        d->ready[i] = d->ready[i - 1];
        i--;
    }
    d->ready[i] = *e;
}

/* Emit held events that nothing still open can precede. */
static void release_events(ictus_detector *d, bool all)
{
    int64_t limit = INT64_MAX;
    if (!all) {
        if (d->active)
            limit = window_from_us(d, d->cand.k_first);
        for (int i = 0; i < d->n_pending; i++) {
            int64_t s = window_from_us(d, d->pending[i].k_first);
            if (s < limit)
                limit = s;
        }
        if (d->ad_state && d->ad_stim_us < limit)
            limit = d->ad_stim_us;
    }
    int n = 0;
    while (n < d->n_ready && d->ready[n].start_us <= limit)
        d->fn(d->ctx, &d->ready[n++]);
    if (n > 0) {
        memmove(d->ready, d->ready + n, (size_t)(d->n_ready - n) * sizeof(ictus_event));
        d->n_ready -= n;
    }
}

static void make_event(ictus_detector *d, int64_t start_us, int64_t end_us, int strongest,
                       int n_involved, const char *type, double score)
{
    ictus_event e = {.start_us = start_us, .end_us = end_us,
                     .wall_start_us = d->info->start_us + start_us, .score = score};
    snprintf(e.channel, sizeof e.channel, "%s",
             n_involved == 1 ? d->info->channels[d->source_channel[strongest]].label : "*");
    snprintf(e.type, sizeof e.type, "%s", type);
    hold_event(d, &e);
}

/* ------------------------------------------------------------------------
 * Spontaneous events
 * ------------------------------------------------------------------------ */

static double logistic(double z)
{
    return 1.0 / (1.0 + exp(-z));
}

void ictus_detector_explain(ictus_detector *d, FILE *f)
{
    d->explain = f;
}

/* Type, score and emit a candidate whose post-ictal window is complete. */
static void finalize(ictus_detector *d, const candidate *c)
{
    const ictus_detector_params *p = &d->p;
    double duration_s = (window_to_us(d, c->k_last) - window_from_us(d, c->k_first)) / 1e6;
    double artefact = c->n_windows ? (double)c->n_artefact / (double)c->n_windows : 0;
    if (d->explain)
        fprintf(d->explain, "candidate %.1f-%.1f s (%.1f s), artefact share %.2f", 
                window_from_us(d, c->k_first) / 1e6, window_to_us(d, c->k_last) / 1e6, duration_s,
                artefact);
    if (duration_s < p->min_duration_s || artefact > p->max_artefact_fraction) {
        if (d->explain)
            fprintf(d->explain, ": dropped (%s)\n", duration_s < p->min_duration_s
                    ? "shorter than min_duration_s" : "artefact share above max_artefact_fraction");
        return;
    }
    int64_t involved_min = (int64_t)ceil(0.2 * (double)c->n_windows);
    if (involved_min < 2)
        involved_min = 2;
    /* A channel is involved when a fifth of the event's windows (at least
     * two) reach on_ratio on it; the strongest involved channel names a
     * one-channel event. */
    int n_involved = 0, strongest = -1;
    bool primary_involved = false;
    double peak = 0, best_mean = -1;
    for (int i = 0; i < d->n; i++) {
        if (c->peak_ratio[i] > peak)
            peak = c->peak_ratio[i];
        if (c->n_high[i] < involved_min && !(c->n_high[i] > 0 && c->n_windows < involved_min))
            continue;
        n_involved++;
        primary_involved |= d->primary[i] != 0;
        double mean = c->sum_ratio[i] / (double)(c->n_windows ? c->n_windows : 1);
        if (mean > best_mean) {
            best_mean = mean;
            strongest = i;
        }
    }
    if (strongest < 0) { /* short bursts: the channel that peaked highest */
        for (int i = 0; i < d->n; i++)
            if (strongest < 0 || c->peak_ratio[i] > c->peak_ratio[strongest])
                strongest = i;
        n_involved = 1;
        primary_involved = d->primary[strongest] != 0;
    }
    double nw = (double)(c->n_windows ? c->n_windows : 1);
    double mean_ratio = c->sum_ratio[strongest] / nw, mean_spikes = c->sum_spikes[strongest] / nw;
    double emg_fraction = c->n_emg[strongest] / nw;
    double high_fraction = c->n_high[strongest] / nw;
    bool postictal = c->post_n > 0 && c->post_min < p->postictal_ratio;
    if (d->explain) {
        fprintf(d->explain, ", peak ratio %.2f, mean ratio %.2f, high %.2f, spikes %.2f/s, emg %.2f, "
                "channels", peak, mean_ratio, high_fraction, mean_spikes, emg_fraction);
        for (int i = 0; i < d->n; i++)
            fprintf(d->explain, " %s:%d/%lld", d->info->channels[d->source_channel[i]].label,
                    c->n_high[i], (long long)c->n_windows);
        fprintf(d->explain, " (%d involved), post-ictal min ratio %.2f", n_involved,
                c->post_n ? c->post_min : NAN);
    }
    for (int t = 0; t < p->n_types; t++) {
        const ictus_type_rule *r = &p->type[t];
        if (duration_s < r->min_duration_s || (r->max_duration_s > 0 && duration_s > r->max_duration_s) ||
            n_involved < r->min_channels || peak < r->min_peak_ratio ||
            mean_ratio < r->min_mean_ratio || mean_spikes < r->min_spike_rate ||
            emg_fraction > r->max_emg_fraction || high_fraction < r->min_high_fraction ||
            (r->postictal && !postictal) || (r->primary && !primary_involved))
            continue;
        double floor_ratio = r->min_peak_ratio > p->on_ratio ? r->min_peak_ratio : p->on_ratio;
        double min_dur = r->min_duration_s > 0 ? r->min_duration_s : 1;
        double z = 1.2 * log(peak / floor_ratio) + 0.8 * log(duration_s / min_dur) +
                   0.6 * (n_involved - 1) + (postictal ? 0.8 : 0.0) -
                   4.0 * (c->n_windows ? (double)c->n_artefact / (double)c->n_windows : 0);
        make_event(d, window_from_us(d, c->k_first), window_to_us(d, c->k_last), strongest,
                   n_involved, r->name, logistic(z));
        if (d->explain)
            fprintf(d->explain, ": %s, score %.3f\n", r->name, logistic(z));
        return;
    }
    if (d->explain)
        fprintf(d->explain, ": dropped (no type rule matches)\n");
}

/* Move the active candidate to the pending list (or finalize it at once
 * when no post-ictal window is asked for). */
static void close_candidate(ictus_detector *d)
{
    d->active = 0;
    if (d->n_pending == d->cap_pending) {
        d->cap_pending = d->cap_pending ? 2 * d->cap_pending : 4;
        d->pending = ictus_xrealloc(d->pending, (size_t)d->cap_pending * sizeof(candidate));
    }
    candidate *c = &d->pending[d->n_pending++];
    *c = d->cand;
    c->post_min = INFINITY;
    candidate_init(&d->cand, d->n);
}

/* Feed the decided window k to the pending candidates' post-ictal windows
 * and finalize those whose window is complete. */
static void update_pending(ictus_detector *d, int64_t k, const chan_win *w, bool flush)
{
    for (int i = 0; i < d->n_pending;) {
        candidate *c = &d->pending[i];
        double end_s = window_to_us(d, c->k_last) / 1e6;
        double t_s = window_from_us(d, k) / 1e6;
        bool done = flush || t_s >= end_s + d->p.postictal_window_s;
        if (!done && k > c->k_last && w) {
            double sum = 0;
            int n = 0;
            for (int j = 0; j < d->n; j++)
                if (d->primary[j] && w[j].present && !(w[j].artefact & DEAD_FLAGS) &&
                    isfinite(d->base_ll[j])) {
                    sum += w[j].ll / d->base_ll[j];
                    n++;
                }
            if (n > 0) {
                c->post_ring[c->post_n % 5] = sum / n;
                c->post_n++;
                int m = c->post_n < 5 ? c->post_n : 5;
                double avg = 0;
                for (int j = 0; j < m; j++)
                    avg += c->post_ring[j];
                avg /= m;
                if (m == 5 || c->post_n == m)
                    c->post_min = avg < c->post_min ? avg : c->post_min;
            }
        }
        if (done) {
            finalize(d, c);
            candidate_free(c);
            d->pending[i] = d->pending[--d->n_pending];
        } else {
            i++;
        }
    }
}

static void accumulate(ictus_detector *d, const chan_win *w, const double *ratio)
{
    candidate *c = &d->cand;
    c->n_windows++;
    bool any_clean = false;
    for (int i = 0; i < d->n; i++) {
        if (!w[i].present || (w[i].artefact & DEAD_FLAGS) || !isfinite(ratio[i]))
            continue;
        any_clean = true;
        c->sum_ratio[i] += ratio[i];
        if (isfinite(w[i].spike_rate))
            c->sum_spikes[i] += w[i].spike_rate;
        if (w[i].artefact & ICTUS_ART_EMG)
            c->n_emg[i]++;
        if (ratio[i] > c->peak_ratio[i])
            c->peak_ratio[i] = ratio[i];
        if (ratio[i] >= d->p.on_ratio)
            c->n_high[i]++;
    }
    if (!any_clean)
        c->n_artefact++;
}

static void spontaneous(ictus_detector *d, int64_t k, const chan_win *w, const double *ratio)
{
    const ictus_detector_params *p = &d->p;
    bool ictal = false, sustain = false;
    for (int i = 0; i < d->n; i++) {
        if (!w[i].present || !isfinite(ratio[i]))
            continue;
        if (!(w[i].artefact & DIRTY_FLAGS) && ratio[i] >= p->on_ratio &&
            w[i].spike_rate >= p->min_spike_rate)
            ictal = true;
        if (!(w[i].artefact & DEAD_FLAGS) && ratio[i] >= p->off_ratio &&
            !(w[i].spike_rate < p->sustain_spike_rate))
            sustain = true;
    }
    if (d->active && k != d->last_decided + 1)
        close_candidate(d); /* missing windows end an event */
    if (!d->active) {
        if (!ictal)
            return;
        d->active = 1;
        d->cand.k_first = d->cand.k_last = k;
        d->quiet = 0;
        accumulate(d, w, ratio);
        return;
    }
    if (sustain) {
        d->cand.k_last = k;
        d->quiet = 0;
        accumulate(d, w, ratio);
    } else if (++d->quiet * d->hop_s >= p->merge_gap_s) {
        close_candidate(d);
    }
}

/* ------------------------------------------------------------------------
 * Evoked afterdischarges
 * ------------------------------------------------------------------------ */

static void end_afterdischarge(ictus_detector *d)
{
    int64_t start_us = d->ad_stim_us + (int64_t)llround(d->p.stim_duration_s * 1e6);
    if (d->ad_last_k >= 0) {
        int64_t end_us = window_to_us(d, d->ad_last_k);
        double dur_s = (end_us - start_us) / 1e6;
        if (dur_s >= d->p.evoked_min_s) {
            double z = 0.8 * log(dur_s / (d->p.evoked_min_s > 0 ? d->p.evoked_min_s : 1));
            make_event(d, start_us, end_us, 0, d->n, "evoked", logistic(z + 0.5));
        }
        if (d->explain)
            fprintf(d->explain, "stimulation at %.1f s: afterdischarge to %.1f s (%.1f s)%s\n",
                    d->ad_stim_us / 1e6, end_us / 1e6, dur_s,
                    dur_s >= d->p.evoked_min_s ? ": evoked" : ": too short");
    } else if (d->explain) {
        fprintf(d->explain, "stimulation at %.1f s: no afterdischarge\n", d->ad_stim_us / 1e6);
    }
    d->ad_state = 0;
}

/* Returns true when window k belongs to a stimulation (spontaneous
 * detection is suspended). */
static bool evoked(ictus_detector *d, int64_t k, const chan_win *w, const double *ratio)
{
    const ictus_detector_params *p = &d->p;
    int64_t t0 = (int64_t)llround(k * d->hop_s * 1e6);
    if (d->ad_state == 0) {
        while (d->next_stim < d->n_stim &&
               d->stim_us[d->next_stim] + (int64_t)llround(d->win_s * 1e6) <= t0)
            d->next_stim++; /* stimulations before the data we decide on */
        if (d->next_stim >= d->n_stim || d->stim_us[d->next_stim] >= t0 + (int64_t)llround(d->win_s * 1e6))
            return false;
        d->ad_stim_us = d->stim_us[d->next_stim++];
        d->ad_state = 1;
        d->ad_last_k = -1;
        d->ad_below = 0;
    }
    int64_t blank_end = d->ad_stim_us + (int64_t)llround((p->stim_duration_s + p->blank_s) * 1e6);
    if (d->ad_state == 1) {
        if (t0 < blank_end)
            return true;
        d->ad_state = 2;
    }
    /* the afterdischarge goes on while any primary lead stays above end_ratio */
    double best = 0;
    for (int i = 0; i < d->n; i++)
        if (d->primary[i] && w[i].present && !(w[i].artefact & DEAD_FLAGS) && ratio[i] > best)
            best = ratio[i];
    if (best >= p->end_ratio) {
        d->ad_last_k = k;
        d->ad_below = 0;
    } else if (++d->ad_below * d->hop_s >= p->end_hold_s) {
        end_afterdischarge(d);
        return true;
    }
    if ((t0 - d->ad_stim_us) / 1e6 > p->evoked_max_s)
        end_afterdischarge(d);
    return true;
}

/* ------------------------------------------------------------------------
 * The delay line
 * ------------------------------------------------------------------------ */

static void decide(ictus_detector *d, int64_t k, const chan_win *w)
{
    double ratio[64];
    double *r = d->n <= 64 ? ratio : ictus_xcalloc((size_t)d->n, sizeof(double));
    for (int i = 0; i < d->n; i++) {
        double m = ictus_baseline_quantile(d->base[i], d->p.baseline_quantile);
        d->base_ll[i] = exp(m);
        r[i] = w[i].present && w[i].ll > 0 ? w[i].ll / d->base_ll[i] : NAN;
    }
    bool stim = d->p.evoked && evoked(d, k, w, r);
    if (stim && d->active)
        close_candidate(d);
    if (!stim && d->p.spontaneous)
        spontaneous(d, k, w, r);
    update_pending(d, k, w, false);
    d->last_decided = k;
    release_events(d, false);
    if (r != ratio)
        free(r);
}

/* A window's channels are all in: learn from it and queue it. */
static void arrive(ictus_detector *d)
{
    int64_t k = d->cur_k;
    bool blank = d->n_stim > 0 && blanked(d, k);
    for (int i = 0; i < d->n; i++) {
        const chan_win *c = &d->cur[i];
        if (!c->present || (c->artefact & DIRTY_FLAGS) || blank || !(c->ll > 0))
            continue;
        double v = log(c->ll);
        ictus_baseline *b = d->base[i];
        /* keep ictal-looking windows out of the baseline once it exists */
        if (ictus_baseline_minutes(b) >= d->p.min_baseline_min &&
            v > ictus_baseline_quantile(b, d->p.baseline_quantile) + log(d->p.on_ratio))
            continue;
        ictus_baseline_add(b, minute_of(d, k), v);
    }
    if (d->fifo_n == d->fifo_cap) { /* cannot happen: decisions keep it short */
        abort();
    }
    int slot = (d->fifo_head + d->fifo_n) % d->fifo_cap;
    d->fifo_k[slot] = k;
    memcpy(d->fifo + (size_t)slot * d->n, d->cur, (size_t)d->n * sizeof(chan_win));
    d->fifo_n++;
    while (d->fifo_n > 0 && d->fifo_k[d->fifo_head] + d->lookahead <= k) {
        bool ready = true;
        for (int i = 0; i < d->n; i++)
            ready &= ictus_baseline_minutes(d->base[i]) >= d->p.min_baseline_min;
        if (!ready && d->fifo_n < d->fifo_cap - 1)
            break; /* wait for enough baseline, as long as the line has room */
        decide(d, d->fifo_k[d->fifo_head], d->fifo + (size_t)d->fifo_head * d->n);
        d->fifo_head = (d->fifo_head + 1) % d->fifo_cap;
        d->fifo_n--;
    }
}

void ictus_detector_push(ictus_detector *d, const ictus_frame *frame)
{
    if (frame->window != d->cur_k) {
        if (d->cur_k >= 0)
            arrive(d);
        d->cur_k = frame->window;
        memset(d->cur, 0, (size_t)d->n * sizeof(chan_win));
    }
    for (int i = 0; i < d->n; i++) {
        if (d->source_channel[i] != frame->channel)
            continue;
        chan_win *c = &d->cur[i];
        c->present = 1;
        c->artefact = frame->artefact;
        c->ll = (float)frame->v[ICTUS_F_LINE_LENGTH];
        c->spike_rate = (float)frame->v[ICTUS_F_SPIKE_RATE];
    }
}

void ictus_detector_finish(ictus_detector *d)
{
    if (d->cur_k >= 0)
        arrive(d);
    d->cur_k = -1;
    for (int i = 0; i < d->n; i++)
        ictus_baseline_flush(d->base[i]);
    while (d->fifo_n > 0) {
        decide(d, d->fifo_k[d->fifo_head], d->fifo + (size_t)d->fifo_head * d->n);
        d->fifo_head = (d->fifo_head + 1) % d->fifo_cap;
        d->fifo_n--;
    }
    if (d->active)
        close_candidate(d);
    if (d->ad_state)
        end_afterdischarge(d);
    update_pending(d, d->last_decided + 1, NULL, true);
    release_events(d, true);
}
