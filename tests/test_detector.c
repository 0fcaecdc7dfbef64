/* test_detector.c: the detector's rules on hand-built frame streams whose
 * events are worked out in the comments: hysteresis, minimum duration, the
 * merge gap, missing windows, type rules (HPD vs convulsive, post-ictal
 * suppression, EMG share, primary channel), theta that is not a seizure,
 * evoked afterdischarges after a stimulation, output order, --explain's
 * reasons and confidence coefficients read from the preset. */
#include "detectors/detector.h"

#include <stdlib.h>

#include "tests/check.h"

#define N_WINDOWS 4000

/* Settings as in the ihka-mouse preset (on 2.5, off 1.6, spikes 1/s to
 * start, 0.5/s to sustain, 5 s minimum, 3 s merge gap). */
static const char *const params_text =
    "[detector]\nprimary_channels = HPC\ntypes = convulsive, hpd\non_ratio = 2.5\n"
    "off_ratio = 1.6\nmin_spike_rate = 1\nsustain_spike_rate = 0.5\nmin_duration_s = 5\n"
    "merge_gap_s = 3\n"
    "[type.convulsive]\nmin_duration_s = 20\nmax_duration_s = 180\nmin_channels = 2\n"
    "min_peak_ratio = 3\nmin_mean_ratio = 5\npostictal = true\n"
    "[type.hpd]\nmin_duration_s = 5\nmin_mean_ratio = 2\nmin_spike_rate = 2\n"
    "max_emg_fraction = 0.3\nprimary = true\n"
    "[evoked]\nenabled = true\nstim_pattern = stim\n";

typedef struct {
    ictus_event v[32];
    int n;
} events;

static void collect(void *ctx, const ictus_event *e)
{
    events *l = ctx;
    if (l->n < 32)
        l->v[l->n++] = *e;
}

/* Window k of channel c (0 HPC, 1 CTX): line length, spike rate, flags. */
static void window(int64_t k, int c, double *ll, double *spikes, uint32_t *flags, bool *present)
{
    *ll = 100 * (1 + 0.05 * sin((double)k + c)); /* background: baseline 100 µV/s */
    *spikes = 0;
    *flags = 0;
    *present = true;
    bool hpc = c == 0;
    if ((k >= 1000 && k < 1020) ||                      /* A: HPD, 20 windows on HPC */
        (k >= 1200 && k < 1203) ||                      /* B: 3 windows, too short */
        (k >= 1400 && k < 1405) || (k >= 1407 && k < 1412) || /* C: gap of 2, merged */
        (k >= 1600 && k < 1606) || (k >= 1610 && k < 1616) || /* D: gap of 4, two events */
        (k >= 2800 && k < 2820)) {                      /* H: windows 2810-2811 missing */
        if (hpc) {
            *ll = 400;
            *spikes = 4;
        }
    }
    if (k >= 2000 && k < 2030) { /* E: convulsive on both, then suppression */
        *ll = 1000;
        *spikes = 10;
    } else if (k >= 2030 && k < 2090) {
        *ll = 20;
    }
    if (k >= 2400 && k < 2460 && hpc) /* F: theta, 2.2 x baseline, no spikes */
        *ll = 220;
    if (k >= 2600 && k < 2608 && !hpc) { /* G: grooming on CTX, EMG-flagged */
        *ll = 600;
        *spikes = 5;
        *flags = ICTUS_ART_EMG;
    }
    if (k >= 2999 && k < 3004) { /* I: the stimulus artefact at 3000 s ... */
        *ll = 50000;
        *spikes = 20;
        *flags = ICTUS_ART_EXTREME | ICTUS_ART_CLIP;
    } else if (k >= 3004 && k < 3020 && hpc) { /* ... and the afterdischarge */
        *ll = 500;
        *spikes = 6;
    }
    if (k == 2810 || k == 2811)
        *present = false;
}

static events run(FILE *explain, const char *extra)
{
    ictus_config *cfg = ictus_config_create();
    ictus_error err;
    ictus_detector_params p;
    ictus_detector_params_default(&p);
    CHECK(ictus_config_parse(cfg, params_text, "test", &err) == ICTUS_OK);
    CHECK(ictus_config_parse(cfg, extra, "extra", &err) == ICTUS_OK);
    CHECK_MSG(ictus_detector_params_apply(&p, cfg, &err) == ICTUS_OK, "%s", err.msg);
    ictus_config_destroy(cfg);
    ictus_settings set;
    ictus_settings_default(&set);
    ictus_channel_info ch[2] = {{.label = "HPC", .fs_hz = 250}, {.label = "CTX", .fs_hz = 250}};
    ictus_annotation stim = {.onset_us = 3000 * INT64_C(1000000), .duration_us = -1,
                             .text = "stim 6Hz 44mA"};
    ictus_recording_info info = {.path = "test.edf", .start_us = 1000000000, .n_channels = 2,
                                 .channels = ch, .n_annotations = 1, .annotations = &stim};
    int channels[2] = {0, 1};
    events out = {0};
    ictus_detector *d;
    CHECK(ictus_detector_create(&p, &set, &info, channels, 2, NULL, 0, collect, &out, &d,
                                &err) == ICTUS_OK);
    ictus_detector_explain(d, explain);
    for (int64_t k = 0; k < N_WINDOWS; k++) {
        ictus_frame f[2];
        int present[2];
        uint32_t artefact[2];
        for (int c = 0; c < 2; c++) {
            f[c] = (ictus_frame){.channel = c, .window = k};
            double ll, spikes;
            bool here;
            window(k, c, &ll, &spikes, &f[c].artefact, &here);
            present[c] = here;
            artefact[c] = here ? f[c].artefact : 0;
            for (int i = 0; i < ICTUS_N_FEATURES; i++)
                f[c].v[i] = NAN;
            f[c].v[ICTUS_F_LINE_LENGTH] = ll;
            f[c].v[ICTUS_F_SPIKE_RATE] = spikes;
        }
        ictus_window_frames w = {.window = k, .n_channels = 2, .present = present, .frames = f,
                                 .artefact = artefact};
        if (present[0] || present[1]) /* the analyzer delivers no empty window */
            ictus_detector_push_window(d, &w);
    }
    ictus_detector_finish(d);
    ictus_detector_destroy(d);
    return out;
}

int main(void)
{
    FILE *explain = tmpfile();
    events e = run(explain, "");
    /* Windows stand for their central hop: window k covers k + 0.5 .. k + 1.5 s. */
    static const struct { double start_s, end_s; const char *type, *channel; } want[] = {
        {1000.5, 1020.5, "hpd", "HPC"},        /* A */
        {1400.5, 1412.5, "hpd", "HPC"},        /* C: 1400..1411 merged over 2 quiet windows */
        {1600.5, 1606.5, "hpd", "HPC"},        /* D: 4 quiet windows end the first */
        {1610.5, 1616.5, "hpd", "HPC"},
        {2000.5, 2030.5, "convulsive", "*"},   /* E: both channels, then suppression */
        {2800.5, 2810.5, "hpd", "HPC"},        /* H: missing windows end an event */
        {2812.5, 2820.5, "hpd", "HPC"},
        {3003.0, 3020.5, "evoked", "*"},       /* I: from the end of the 3 s stimulus to the
                                                  last window above 2 x baseline (3019) */
    };
    int n_want = (int)(sizeof want / sizeof want[0]);
    CHECK_INT(e.n, n_want);
    for (int i = 0; i < e.n && i < n_want; i++) {
        CHECK_NEAR(e.v[i].start_us / 1e6, want[i].start_s, 0, 1e-6);
        CHECK_NEAR(e.v[i].end_us / 1e6, want[i].end_s, 0, 1e-6);
        CHECK_STR(e.v[i].type, want[i].type);
        CHECK_STR(e.v[i].channel, want[i].channel);
        CHECK(e.v[i].score > 0 && e.v[i].score < 1);
        CHECK_INT(e.v[i].wall_start_us, 1000000000 + e.v[i].start_us);
        if (i > 0)
            CHECK(e.v[i].start_us >= e.v[i - 1].start_us);
    }
    /* the convulsive event is far above its thresholds: a confident score */
    CHECK(e.n > 4 && e.v[4].score > 0.9);

    /* B (too short) and G (grooming: the strongest channel is all EMG and
     * the primary one is not involved) are explained as dropped, naming the
     * limit each rule failed; F (theta) never starts an event; A names its
     * rule and why the one before did not take it. */
    rewind(explain);
    char line[1024];
    bool saw_a = false, saw_b = false, saw_g = false, saw_f = false, saw_i = false;
    while (fgets(line, sizeof line, explain)) {
        saw_a |= strstr(line, "candidate 1000.500-1020.500") &&
                 strstr(line, ": hpd, score ") &&
                 strstr(line, "(not convulsive: channels 1 < min_channels 2)");
        saw_b |= strstr(line, "candidate 1200.500-1203.500") &&
                 strstr(line, "dropped (duration 3.0 s < [detector] min_duration_s 5)");
        saw_g |= strstr(line, "candidate 2600.500-2608.500") &&
                 strstr(line, "dropped (convulsive: duration 8.0 s < min_duration_s 20; "
                              "hpd: emg 1.00 > max_emg_fraction 0.3)");
        saw_f |= strstr(line, "candidate 24") != NULL;
        saw_i |= strstr(line, "stimulation at 3000.0 s: afterdischarge to 3020.5 s (17.5 s): "
                              "evoked, score ") != NULL;
    }
    CHECK(saw_a);
    CHECK(saw_b);
    CHECK(saw_g);
    CHECK(!saw_f);
    CHECK(saw_i);
    fclose(explain);

    /* confidence coefficients from the preset: without the per-channel
     * weight the two-channel convulsive event loses 0.6 of its logit, the
     * one-channel HPD none; the evoked offset moves the afterdischarge */
    events w = run(NULL, "[confidence]\nchannel_weight = 0\nevoked_offset = 1.5\n");
    CHECK_INT(w.n, e.n);
    for (int i = 0; i < e.n && i < w.n; i++) {
        double shift = !strcmp(e.v[i].type, "convulsive") ? -0.6
                       : !strcmp(e.v[i].type, "evoked") ? 1.0 : 0;
        CHECK_NEAR(log(w.v[i].score / (1 - w.v[i].score)),
                   log(e.v[i].score / (1 - e.v[i].score)) + shift, 0, 1e-9);
        CHECK(w.v[i].start_us == e.v[i].start_us && w.v[i].end_us == e.v[i].end_us);
    }

    /* the same stream gives the same events without --explain */
    events again = run(NULL, "");
    CHECK(again.n == e.n && memcmp(again.v, e.v, (size_t)e.n * sizeof e.v[0]) == 0);

    /* bad parameters */
    ictus_config *cfg = ictus_config_create();
    ictus_error err;
    ictus_detector_params p;
    ictus_detector_params_default(&p);
    CHECK(ictus_config_parse(cfg, "[detector]\non_ratio = 2\noff_ratio = 3\n", "bad.ini", &err) ==
          ICTUS_OK);
    CHECK(ictus_detector_params_apply(&p, cfg, &err) == ICTUS_ERR_CONFIG);
    CHECK(strstr(err.msg, "off_ratio") != NULL);
    ictus_config_destroy(cfg);
    return check_done("test_detector");
}
