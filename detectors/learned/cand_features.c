/* cand_features.c: a spontaneous candidate's feature vector (cand_features.h). */
#include "detectors/learned/cand_features.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/vec.h"

const char *const ictus_cand_feature_names[ICTUS_CF_N] = {
    "duration_s", "log_peak_ratio", "log_mean_ratio", "high_fraction",
    "emg_fraction", "artefact_fraction", "involved_fraction",
    "primary_involved", "postictal_min", "rule", "rule_score",
    "spike_rate", "spike_rate_start", "spike_rate_peak",
    "spike_rate_end", "spike_rate_cv", "spike_bin_fraction",
    "spikes_per_cycle",
    "spectral_entropy", "peak_freq", "peak_freq_start", "peak_freq_end",
    "sef90", "rel_delta", "rel_theta", "rel_alpha",
    "rel_beta", "rel_gamma", "hjorth_mobility", "hjorth_complexity",
    "teager_norm", "ll_per_rms", "emg_share", "emg_vs_pre",
    "ratio_start", "ratio_end", "onset_vs_pre",
    "primary_vs_other", "rms_primary_vs_other", "other_log_mean_ratio",
    "other_spike_rate", "other_emg_share", "other_spike_bin_fraction",
    "emg_share_max",
    "pre_log_ratio", "pre_rel_theta", "pre_rel_delta",
    "pre_emg_share", "pre_spike_rate",
    "rms_vs_pre", "spike_periodicity", "ll_periodicity",
    "period_s",
};

/* What one window of one channel contributes, derived from its values. */
enum {
    Q_RATIO, Q_SPIKES, Q_ENTROPY, Q_PEAK_FREQ, Q_SEF90, Q_REL_DELTA, Q_REL_THETA, Q_REL_ALPHA,
    Q_REL_BETA, Q_REL_GAMMA, Q_MOBILITY, Q_COMPLEXITY, Q_TEAGER_NORM, Q_LL_PER_RMS,
    Q_EMG_SHARE, Q_EMG_POWER, Q_RMS, Q_SPIKE_BINS,
    N_Q
};

/* The windows at each end of a candidate that make its start and end. */
#define PHASE 3

/* Fill q[N_Q] for channel window w with LL ratio r; false when the window
 * is no evidence (absent or dead). */
static bool window_values(const ictus_chan_win *w, double r, double *q)
{
    if (!w->present || (w->artefact & ICTUS_DEAD_FLAGS))
        return false;
    const float *v = w->v;
    double rms = v[ICTUS_F_RMS], total = v[ICTUS_F_POWER_TOTAL];
    int bins = 0;
    for (int b = 0; b < ICTUS_SUB_BINS; b++)
        bins += w->sub_spikes[b] > 0;
    q[Q_RATIO] = r;
    q[Q_SPIKES] = w->spike_rate;
    q[Q_ENTROPY] = v[ICTUS_F_SPECTRAL_ENTROPY];
    q[Q_PEAK_FREQ] = v[ICTUS_F_PEAK_FREQ];
    q[Q_SEF90] = v[ICTUS_F_SEF90];
    q[Q_REL_DELTA] = v[ICTUS_F_REL_DELTA];
    q[Q_REL_THETA] = v[ICTUS_F_REL_THETA];
    q[Q_REL_ALPHA] = v[ICTUS_F_REL_ALPHA];
    q[Q_REL_BETA] = v[ICTUS_F_REL_BETA];
    q[Q_REL_GAMMA] = v[ICTUS_F_REL_GAMMA];
    q[Q_MOBILITY] = v[ICTUS_F_HJORTH_MOBILITY];
    q[Q_COMPLEXITY] = v[ICTUS_F_HJORTH_COMPLEXITY];
    q[Q_TEAGER_NORM] = rms > 0 ? log(v[ICTUS_F_TEAGER] / (rms * rms)) : NAN;
    q[Q_LL_PER_RMS] = rms > 0 ? log(v[ICTUS_F_LINE_LENGTH] / rms) : NAN;
    q[Q_EMG_SHARE] = total > 0 ? v[ICTUS_F_POWER_EMG] / total : NAN;
    q[Q_EMG_POWER] = v[ICTUS_F_POWER_EMG];
    q[Q_RMS] = rms;
    q[Q_SPIKE_BINS] = bins / (double)ICTUS_SUB_BINS;
    return true;
}

/* ------------------------------------------------------------------------
 * The context before a candidate
 * ------------------------------------------------------------------------ */

/* What the context keeps of a window, per channel. */
enum { C_RATIO, C_REL_THETA, C_REL_DELTA, C_EMG_SHARE, C_SPIKES, C_EMG_POWER, C_RMS, N_C };

struct ictus_cand_context {
    int n, size;
    int64_t *k;   /* [size]: the window each slot holds, -1: none */
    float *val;   /* [size][n][N_C], NaN where unknown */
};

ictus_cand_context *ictus_cand_context_create(int n, int windows)
{
    ictus_cand_context *cx = ictus_xcalloc(1, sizeof *cx);
    cx->n = n;
    cx->size = windows > 1 ? windows : 1;
    cx->k = ictus_xcalloc((size_t)cx->size, sizeof(int64_t));
    for (int i = 0; i < cx->size; i++)
        cx->k[i] = -1;
    cx->val = ictus_xcalloc((size_t)cx->size * (size_t)n * N_C, sizeof(float));
    return cx;
}

void ictus_cand_context_destroy(ictus_cand_context *cx)
{
    if (!cx)
        return;
    free(cx->k);
    free(cx->val);
    free(cx);
}

void ictus_cand_context_push(ictus_cand_context *cx, int64_t k, const ictus_chan_win *w,
                             const double *ratio)
{
    int slot = (int)(k % cx->size);
    cx->k[slot] = k;
    for (int i = 0; i < cx->n; i++) {
        float *c = cx->val + ((size_t)slot * cx->n + i) * N_C;
        double q[N_Q];
        if (!window_values(&w[i], ratio[i], q)) {
            for (int j = 0; j < N_C; j++)
                c[j] = NAN;
            continue;
        }
        c[C_RATIO] = (float)q[Q_RATIO];
        c[C_REL_THETA] = (float)q[Q_REL_THETA];
        c[C_REL_DELTA] = (float)q[Q_REL_DELTA];
        c[C_EMG_SHARE] = (float)q[Q_EMG_SHARE];
        c[C_SPIKES] = (float)q[Q_SPIKES];
        c[C_EMG_POWER] = (float)q[Q_EMG_POWER];
        c[C_RMS] = (float)q[Q_RMS];
    }
}

/* ------------------------------------------------------------------------
 * The accumulator
 * ------------------------------------------------------------------------ */

/* The periodicity of a sub-window series: lags of 1..MAX_LAG bins. */
#define MAX_LAG 8
#define MIN_LAG 2

/* Running sums for the autocorrelation of one series of bins. */
typedef struct {
    double hist[MAX_LAG]; /* the last MAX_LAG values, slot i % MAX_LAG */
    double sum, sum_sq, lag[MAX_LAG + 1]; /* lag[L]: sum of x_t x_{t-L} */
    int64_t n;
} acf;

static void acf_add(acf *a, double x)
{
    for (int L = 1; L <= MAX_LAG && L <= a->n; L++)
        a->lag[L] += x * a->hist[(a->n - L) % MAX_LAG];
    a->hist[a->n % MAX_LAG] = x;
    a->sum += x;
    a->sum_sq += x * x;
    a->n++;
}

/* The highest normalised autocorrelation over lags MIN_LAG..MAX_LAG, and its
 * lag; NaN when the series is constant or too short. */
static double acf_peak(const acf *a, int *lag)
{
    *lag = 0;
    if (a->n < 4 * MAX_LAG)
        return NAN;
    double mean = a->sum / a->n, var = a->sum_sq / a->n - mean * mean;
    if (!(var > 1e-12 * (mean * mean + 1e-30)))
        return NAN;
    double best = -INFINITY;
    for (int L = MIN_LAG; L <= MAX_LAG; L++) {
        double r = (a->lag[L] / (a->n - L) - mean * mean) / var;
        if (r > best) {
            best = r;
            *lag = L;
        }
    }
    return best;
}

typedef struct {
    acf spikes_acf, ll_acf; /* the sub-window spike counts and line length */
    double sum[N_Q];
    int cnt[N_Q];
    double spikes_sq, spikes_peak;
    double start[3]; /* spikes, ratio, peak frequency of the first PHASE windows */
    int n_start[3];
    double end[PHASE][3]; /* the last PHASE windows' spikes, ratio, peak frequency (NaN: none) */
    int n_windows;        /* windows with values */
    double pre[N_C];      /* the context's means, NaN when it had none */
} channel_acc;

struct ictus_cand_accum {
    int n;
    double bin_s;         /* a sub-window bin, s */
    channel_acc *ch;      /* [n] */
    int n_seen;           /* windows accumulated (with or without values) */
};

ictus_cand_accum *ictus_cand_accum_create(int n, double hop_s)
{
    ictus_cand_accum *a = ictus_xcalloc(1, sizeof *a);
    a->n = n;
    a->bin_s = hop_s / ICTUS_SUB_BINS;
    a->ch = ictus_xcalloc((size_t)n, sizeof(channel_acc));
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < N_C; j++)
            a->ch[i].pre[j] = NAN;
        for (int p = 0; p < PHASE; p++)
            for (int j = 0; j < 3; j++)
                a->ch[i].end[p][j] = NAN;
    }
    return a;
}

void ictus_cand_accum_destroy(ictus_cand_accum *a)
{
    if (!a)
        return;
    free(a->ch);
    free(a);
}

void ictus_cand_accum_begin(ictus_cand_accum *a, const ictus_cand_context *cx, int64_t k_first)
{
    for (int i = 0; i < a->n; i++) {
        double sum[N_C] = {0};
        int cnt[N_C] = {0};
        for (int s = 0; s < cx->size; s++) {
            if (cx->k[s] < 0 || cx->k[s] >= k_first - 1 || cx->k[s] < k_first - 1 - cx->size)
                continue;
            const float *c = cx->val + ((size_t)s * cx->n + i) * N_C;
            for (int j = 0; j < N_C; j++)
                if (isfinite(c[j])) {
                    sum[j] += c[j];
                    cnt[j]++;
                }
        }
        for (int j = 0; j < N_C; j++)
            a->ch[i].pre[j] = cnt[j] ? sum[j] / cnt[j] : NAN;
    }
}

void ictus_cand_accum_window(ictus_cand_accum *a, const ictus_chan_win *w, const double *ratio)
{
    int seen = a->n_seen++;
    for (int i = 0; i < a->n; i++) {
        double q[N_Q];
        if (!window_values(&w[i], ratio[i], q))
            continue;
        channel_acc *c = &a->ch[i];
        for (int j = 0; j < N_Q; j++)
            if (isfinite(q[j])) {
                c->sum[j] += q[j];
                c->cnt[j]++;
            }
        double s = q[Q_SPIKES];
        if (isfinite(s)) {
            c->spikes_sq += s * s;
            if (s > c->spikes_peak)
                c->spikes_peak = s;
        }
        double phase[3] = {q[Q_SPIKES], q[Q_RATIO], q[Q_PEAK_FREQ]};
        for (int j = 0; j < 3; j++) {
            if (seen < PHASE && isfinite(phase[j])) {
                c->start[j] += phase[j];
                c->n_start[j]++;
            }
            c->end[c->n_windows % PHASE][j] = phase[j];
        }
        c->n_windows++;
        for (int b = 0; b < ICTUS_SUB_BINS; b++) {
            acf_add(&c->spikes_acf, w[i].sub_spikes[b]);
            acf_add(&c->ll_acf, w[i].sub_ll[b]);
        }
    }
}

/* ------------------------------------------------------------------------
 * The vector
 * ------------------------------------------------------------------------ */

static double mean_of(const channel_acc *c, int q)
{
    return c->cnt[q] ? c->sum[q] / c->cnt[q] : NAN;
}

static double end_of(const channel_acc *c, int j)
{
    double sum = 0;
    int n = 0;
    for (int p = 0; p < PHASE; p++)
        if (isfinite(c->end[p][j])) {
            sum += c->end[p][j];
            n++;
        }
    return n ? sum / n : NAN;
}

static double log_ratio(double a, double b)
{
    return a > 0 && b > 0 ? log(a / b) : NAN;
}

/* The channel other than `not` (or, with only_secondary, the non-primary
 * channel) with the highest mean LL ratio; -1 when none has values. */
static int best_other(const ictus_cand_accum *a, int not, const int *primary, bool only_secondary)
{
    int best = -1;
    double top = -INFINITY;
    for (int i = 0; i < a->n; i++) {
        if (i == not || (only_secondary && primary[i]))
            continue;
        double r = mean_of(&a->ch[i], Q_RATIO);
        if (isfinite(r) && r > top) {
            top = r;
            best = i;
        }
    }
    return best;
}

void ictus_cand_features(const ictus_cand_accum *a, const ictus_event_measures *m,
                         int strongest, const int *primary, int rule, double rule_score,
                         float *x)
{
    double f[ICTUS_CF_N];
    for (int j = 0; j < ICTUS_CF_N; j++)
        f[j] = NAN;
    const channel_acc *s = &a->ch[strongest];
    f[ICTUS_CF_DURATION] = m->duration_s;
    f[ICTUS_CF_LOG_PEAK_RATIO] = m->peak_ratio > 0 ? log(m->peak_ratio) : NAN;
    f[ICTUS_CF_LOG_MEAN_RATIO] = m->mean_ratio > 0 ? log(m->mean_ratio) : NAN;
    f[ICTUS_CF_HIGH_FRACTION] = m->high_fraction;
    f[ICTUS_CF_EMG_FRACTION] = m->emg_fraction;
    f[ICTUS_CF_ARTEFACT_FRACTION] = m->artefact_fraction;
    f[ICTUS_CF_INVOLVED_FRACTION] = m->n_involved / (double)a->n;
    f[ICTUS_CF_PRIMARY_INVOLVED] = m->primary_involved;
    f[ICTUS_CF_POSTICTAL_MIN] = m->postictal_min;
    f[ICTUS_CF_RULE] = rule + 1;
    f[ICTUS_CF_RULE_SCORE] = rule_score;

    double rate = mean_of(s, Q_SPIKES);
    f[ICTUS_CF_SPIKE_RATE] = rate;
    f[ICTUS_CF_SPIKE_RATE_START] = s->n_start[0] ? s->start[0] / s->n_start[0] : NAN;
    f[ICTUS_CF_SPIKE_RATE_PEAK] = s->n_windows ? s->spikes_peak : NAN;
    f[ICTUS_CF_SPIKE_RATE_END] = end_of(s, 0);
    if (s->cnt[Q_SPIKES] > 1 && rate > 0) {
        double var = s->spikes_sq / s->cnt[Q_SPIKES] - rate * rate;
        f[ICTUS_CF_SPIKE_RATE_CV] = sqrt(var > 0 ? var : 0) / rate;
    }
    f[ICTUS_CF_SPIKE_BIN_FRACTION] = mean_of(s, Q_SPIKE_BINS);
    double peak_freq = mean_of(s, Q_PEAK_FREQ);
    f[ICTUS_CF_SPIKES_PER_CYCLE] = peak_freq > 0 ? rate / peak_freq : NAN;

    f[ICTUS_CF_ENTROPY] = mean_of(s, Q_ENTROPY);
    f[ICTUS_CF_PEAK_FREQ] = peak_freq;
    f[ICTUS_CF_PEAK_FREQ_START] = s->n_start[2] ? s->start[2] / s->n_start[2] : NAN;
    f[ICTUS_CF_PEAK_FREQ_END] = end_of(s, 2);
    f[ICTUS_CF_SEF90] = mean_of(s, Q_SEF90);
    f[ICTUS_CF_REL_DELTA] = mean_of(s, Q_REL_DELTA);
    f[ICTUS_CF_REL_THETA] = mean_of(s, Q_REL_THETA);
    f[ICTUS_CF_REL_ALPHA] = mean_of(s, Q_REL_ALPHA);
    f[ICTUS_CF_REL_BETA] = mean_of(s, Q_REL_BETA);
    f[ICTUS_CF_REL_GAMMA] = mean_of(s, Q_REL_GAMMA);
    f[ICTUS_CF_MOBILITY] = mean_of(s, Q_MOBILITY);
    f[ICTUS_CF_COMPLEXITY] = mean_of(s, Q_COMPLEXITY);
    f[ICTUS_CF_TEAGER_NORM] = mean_of(s, Q_TEAGER_NORM);
    f[ICTUS_CF_LL_PER_RMS] = mean_of(s, Q_LL_PER_RMS);
    f[ICTUS_CF_EMG_SHARE] = mean_of(s, Q_EMG_SHARE);
    f[ICTUS_CF_EMG_VS_PRE] = log_ratio(mean_of(s, Q_EMG_POWER), s->pre[C_EMG_POWER]);

    f[ICTUS_CF_RATIO_START] = s->n_start[1] ? s->start[1] / s->n_start[1] : NAN;
    f[ICTUS_CF_RATIO_END] = end_of(s, 1);
    f[ICTUS_CF_ONSET_VS_PRE] = log_ratio(f[ICTUS_CF_RATIO_START], s->pre[C_RATIO]);

    /* which lead carries it: the best primary against the best other lead */
    int p = -1;
    double top = -INFINITY;
    for (int i = 0; i < a->n; i++) {
        double r = mean_of(&a->ch[i], Q_RATIO);
        if (primary[i] && isfinite(r) && r > top) {
            top = r;
            p = i;
        }
    }
    int sec = best_other(a, p, primary, true);
    if (p >= 0 && sec >= 0) {
        f[ICTUS_CF_PRIMARY_VS_OTHER] =
            log_ratio(mean_of(&a->ch[p], Q_RATIO), mean_of(&a->ch[sec], Q_RATIO));
        f[ICTUS_CF_RMS_PRIMARY_VS_OTHER] =
            log_ratio(mean_of(&a->ch[p], Q_RMS), mean_of(&a->ch[sec], Q_RMS));
    }
    int o = best_other(a, strongest, primary, false);
    if (o >= 0) {
        const channel_acc *c = &a->ch[o];
        double r = mean_of(c, Q_RATIO);
        f[ICTUS_CF_OTHER_LOG_MEAN_RATIO] = r > 0 ? log(r) : NAN;
        f[ICTUS_CF_OTHER_SPIKE_RATE] = mean_of(c, Q_SPIKES);
        f[ICTUS_CF_OTHER_EMG_SHARE] = mean_of(c, Q_EMG_SHARE);
        f[ICTUS_CF_OTHER_SPIKE_BIN_FRACTION] = mean_of(c, Q_SPIKE_BINS);
    }
    for (int i = 0; i < a->n; i++) {
        double e = mean_of(&a->ch[i], Q_EMG_SHARE);
        if (isfinite(e) && !(e <= f[ICTUS_CF_EMG_SHARE_MAX]))
            f[ICTUS_CF_EMG_SHARE_MAX] = e;
    }

    /* the state before: the primary lead's (the strongest's when none) */
    const channel_acc *b = p >= 0 ? &a->ch[p] : s;
    f[ICTUS_CF_PRE_LOG_RATIO] = b->pre[C_RATIO] > 0 ? log(b->pre[C_RATIO]) : NAN;
    f[ICTUS_CF_PRE_REL_THETA] = b->pre[C_REL_THETA];
    f[ICTUS_CF_PRE_REL_DELTA] = b->pre[C_REL_DELTA];
    f[ICTUS_CF_PRE_EMG_SHARE] = b->pre[C_EMG_SHARE];
    f[ICTUS_CF_PRE_SPIKE_RATE] = b->pre[C_SPIKES];

    f[ICTUS_CF_RMS_VS_PRE] = log_ratio(mean_of(s, Q_RMS), s->pre[C_RMS]);
    int lag_spikes, lag_ll;
    f[ICTUS_CF_SPIKE_PERIODICITY] = acf_peak(&s->spikes_acf, &lag_spikes);
    f[ICTUS_CF_LL_PERIODICITY] = acf_peak(&s->ll_acf, &lag_ll);
    if (lag_ll > 0)
        f[ICTUS_CF_PERIOD_S] = lag_ll * a->bin_s;

    for (int j = 0; j < ICTUS_CF_N; j++)
        x[j] = isfinite(f[j]) ? (float)f[j] : NAN;
}
