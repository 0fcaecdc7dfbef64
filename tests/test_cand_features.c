/* test_cand_features.c: the learned stage's feature vector from windows
 * whose values are known.  Two channels (HPC primary, CTX): 20 context
 * windows of quiet theta, then a 10-window candidate whose spike rate
 * climbs 2, 3, ..., 11 /s on HPC (ratio 4) with CTX at ratio 2 and half
 * the RMS; every feature that can be computed by hand is checked against
 * the hand value, the ones without an "other" lead are NaN with one
 * channel, the names are unique and every feature is named. */
#include "detectors/learned/cand_features.h"

#include <stdlib.h>

#include "tests/check.h"

static ictus_chan_win window(double spikes, double rms, double rel_theta, double emg, int bins)
{
    ictus_chan_win w = {.present = 1, .spike_rate = (float)spikes};
    for (int j = 0; j < ICTUS_N_FEATURES; j++)
        w.v[j] = 0.1f;
    w.v[ICTUS_F_RMS] = (float)rms;
    w.v[ICTUS_F_LINE_LENGTH] = (float)(rms * 20);
    w.v[ICTUS_F_TEAGER] = (float)(rms * rms * 0.5);
    w.v[ICTUS_F_REL_THETA] = (float)rel_theta;
    w.v[ICTUS_F_REL_DELTA] = 0.2f;
    w.v[ICTUS_F_POWER_TOTAL] = 100;
    w.v[ICTUS_F_POWER_EMG] = (float)emg;
    w.v[ICTUS_F_PEAK_FREQ] = 4;
    w.v[ICTUS_F_SPIKE_RATE] = (float)spikes;
    for (int b = 0; b < bins; b++)
        w.sub_spikes[b] = 1;
    return w;
}

static void two_channels(void)
{
    ictus_cand_context *cx = ictus_cand_context_create(2, 30);
    ictus_cand_accum *a = ictus_cand_accum_create(2, 1.0);
    int primary[2] = {1, 0};
    for (int k = 0; k < 20; k++) {
        ictus_chan_win w[2] = {window(0, 50, 0.6, 5, 0), window(0, 40, 0.3, 5, 0)};
        double r[2] = {1, 1};
        ictus_cand_context_push(cx, k, w, r);
    }
    ictus_cand_accum_begin(a, cx, 20);
    double sum = 0, sq = 0;
    for (int k = 20; k < 30; k++) {
        double s = k - 18; /* 2 .. 11 */
        sum += s;
        sq += s * s;
        ictus_chan_win w[2] = {window(s, 200, 0.1, 20, 4), window(1, 100, 0.1, 50, 2)};
        double r[2] = {4, 2};
        ictus_cand_accum_window(a, w, r);
        ictus_cand_context_push(cx, k, w, r);
    }
    ictus_event_measures m = {.duration_s = 10, .peak_ratio = 4, .mean_ratio = 4,
                              .high_fraction = 1, .n_involved = 1, .primary_involved = true,
                              .postictal_min = NAN, .spike_rate = sum / 10};
    float x[ICTUS_CF_N];
    ictus_cand_features(a, &m, 0, primary, 1, 0.75, x);
    double mean = sum / 10, sd = sqrt(sq / 10 - mean * mean);
    CHECK_NEAR(x[ICTUS_CF_DURATION], 10, 0, 1e-6);
    CHECK_NEAR(x[ICTUS_CF_LOG_PEAK_RATIO], log(4), 1e-6, 0);
    CHECK_NEAR(x[ICTUS_CF_INVOLVED_FRACTION], 0.5, 0, 1e-6);
    CHECK(isnan(x[ICTUS_CF_POSTICTAL_MIN]));
    CHECK_NEAR(x[ICTUS_CF_RULE], 2, 0, 0);
    CHECK_NEAR(x[ICTUS_CF_RULE_SCORE], 0.75, 0, 1e-6);
    CHECK_NEAR(x[ICTUS_CF_SPIKE_RATE], mean, 1e-6, 0);
    CHECK_NEAR(x[ICTUS_CF_SPIKE_RATE_START], 3, 1e-6, 0);  /* (2 + 3 + 4) / 3 */
    CHECK_NEAR(x[ICTUS_CF_SPIKE_RATE_END], 10, 1e-6, 0);   /* (9 + 10 + 11) / 3 */
    CHECK_NEAR(x[ICTUS_CF_SPIKE_RATE_PEAK], 11, 1e-6, 0);
    CHECK_NEAR(x[ICTUS_CF_SPIKE_RATE_CV], sd / mean, 1e-5, 0);
    CHECK_NEAR(x[ICTUS_CF_SPIKE_BIN_FRACTION], 0.5, 1e-6, 0);
    CHECK_NEAR(x[ICTUS_CF_SPIKES_PER_CYCLE], mean / 4, 1e-6, 0);
    CHECK_NEAR(x[ICTUS_CF_TEAGER_NORM], log(0.5), 1e-5, 0);
    CHECK_NEAR(x[ICTUS_CF_LL_PER_RMS], log(20), 1e-5, 0);
    CHECK_NEAR(x[ICTUS_CF_EMG_SHARE], 0.2, 1e-5, 0);
    CHECK_NEAR(x[ICTUS_CF_EMG_VS_PRE], log(20.0 / 5), 1e-5, 0);
    CHECK_NEAR(x[ICTUS_CF_RATIO_START], 4, 1e-6, 0);
    CHECK_NEAR(x[ICTUS_CF_ONSET_VS_PRE], log(4), 1e-5, 0);
    CHECK_NEAR(x[ICTUS_CF_PRIMARY_VS_OTHER], log(2), 1e-5, 0);
    CHECK_NEAR(x[ICTUS_CF_RMS_PRIMARY_VS_OTHER], log(2), 1e-5, 0);
    CHECK_NEAR(x[ICTUS_CF_OTHER_LOG_MEAN_RATIO], log(2), 1e-5, 0);
    CHECK_NEAR(x[ICTUS_CF_OTHER_SPIKE_RATE], 1, 1e-6, 0);
    CHECK_NEAR(x[ICTUS_CF_OTHER_EMG_SHARE], 0.5, 1e-5, 0);
    CHECK_NEAR(x[ICTUS_CF_EMG_SHARE_MAX], 0.5, 1e-5, 0);
    /* the context: the primary lead's 20 quiet windows before the start (k < 19) */
    CHECK_NEAR(x[ICTUS_CF_PRE_REL_THETA], 0.6, 1e-5, 0);
    CHECK_NEAR(x[ICTUS_CF_PRE_LOG_RATIO], 0, 0, 1e-6);
    CHECK_NEAR(x[ICTUS_CF_PRE_SPIKE_RATE], 0, 0, 1e-6);
    ictus_cand_accum_destroy(a);
    ictus_cand_context_destroy(cx);
}

static void one_channel(void)
{
    ictus_cand_context *cx = ictus_cand_context_create(1, 30);
    ictus_cand_accum *a = ictus_cand_accum_create(1, 1.0);
    int primary[1] = {1};
    ictus_cand_accum_begin(a, cx, 0); /* nothing before: the context is empty */
    for (int k = 0; k < 5; k++) {
        ictus_chan_win w = window(3, 100, 0.2, 10, 8);
        double r = 3;
        ictus_cand_accum_window(a, &w, &r);
    }
    ictus_event_measures m = {.duration_s = 5, .peak_ratio = 3, .mean_ratio = 3, .n_involved = 1,
                              .postictal_min = 0.3};
    float x[ICTUS_CF_N];
    ictus_cand_features(a, &m, 0, primary, -1, 0, x);
    CHECK(isnan(x[ICTUS_CF_PRIMARY_VS_OTHER]));
    CHECK(isnan(x[ICTUS_CF_OTHER_SPIKE_RATE]));
    CHECK(isnan(x[ICTUS_CF_PRE_REL_THETA]));
    CHECK(isnan(x[ICTUS_CF_EMG_VS_PRE]));
    CHECK_NEAR(x[ICTUS_CF_RULE], 0, 0, 0);
    CHECK_NEAR(x[ICTUS_CF_POSTICTAL_MIN], 0.3, 1e-6, 0);
    CHECK_NEAR(x[ICTUS_CF_SPIKE_RATE_CV], 0, 0, 1e-6);
    CHECK_NEAR(x[ICTUS_CF_SPIKE_BIN_FRACTION], 1, 0, 1e-6);
    /* a dead window (gap) is no evidence: the means do not move */
    ictus_chan_win gap = window(50, 1000, 0.9, 90, 8);
    gap.artefact = ICTUS_ART_GAP;
    double r = 30;
    ictus_cand_accum_window(a, &gap, &r);
    ictus_cand_features(a, &m, 0, primary, -1, 0, x);
    CHECK_NEAR(x[ICTUS_CF_SPIKE_RATE], 3, 1e-6, 0);
    ictus_cand_accum_destroy(a);
    ictus_cand_context_destroy(cx);
}

/* A spike every 4th sub-window bin (2 Hz at a 1 s hop): the spike counts'
 * periodicity is 1 at a lag of 4 bins, and the line length's period 0.5 s. */
static void periodicity(void)
{
    ictus_cand_context *cx = ictus_cand_context_create(1, 30);
    ictus_cand_accum *a = ictus_cand_accum_create(1, 1.0);
    int primary[1] = {1};
    ictus_cand_accum_begin(a, cx, 0);
    for (int k = 0; k < 12; k++) {
        ictus_chan_win w = window(2, 100, 0.2, 1, 0);
        for (int b = 0; b < ICTUS_SUB_BINS; b++) {
            w.sub_spikes[b] = b % 4 == 0;
            w.sub_ll[b] = b % 4 == 0 ? 900.0f : 100.0f;
        }
        double r = 3;
        ictus_cand_accum_window(a, &w, &r);
    }
    ictus_event_measures m = {.duration_s = 12, .peak_ratio = 3, .mean_ratio = 3, .n_involved = 1};
    float x[ICTUS_CF_N];
    ictus_cand_features(a, &m, 0, primary, -1, 0, x);
    CHECK_NEAR(x[ICTUS_CF_SPIKE_PERIODICITY], 1, 0, 1e-3);
    CHECK_NEAR(x[ICTUS_CF_LL_PERIODICITY], 1, 0, 1e-3);
    CHECK_NEAR(x[ICTUS_CF_PERIOD_S], 0.5, 0, 1e-6);
    ictus_cand_accum_destroy(a);
    ictus_cand_context_destroy(cx);
}

static void names(void)
{
    for (int i = 0; i < ICTUS_CF_N; i++) {
        CHECK_MSG(ictus_cand_feature_names[i] && *ictus_cand_feature_names[i],
                  "feature %d has no name", i);
        for (int j = 0; j < i; j++)
            CHECK_MSG(strcmp(ictus_cand_feature_names[i], ictus_cand_feature_names[j]) != 0,
                      "features %d and %d are both %s", j, i, ictus_cand_feature_names[i]);
    }
}

int main(void)
{
    two_channels();
    one_channel();
    periodicity();
    names();
    return check_done("test_cand_features");
}
