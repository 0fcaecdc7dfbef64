/* test_status_epilepticus.c: the status epilepticus stage
 * (detectors/status_epilepticus.h) on made-up windows and segments:
 *   - a continuous focal run of 700 s with one accepted HPD in it: one
 *     status_epilepticus event from the HPD's start to the run's end, the
 *     HPD not reported beside it; 500 s: the HPD alone, unchanged; one
 *     still going at the end of the recording ends there;
 *   - convulsive seizures (the type's share) are held to 300 s, HPDs to 600 s;
 *   - seizures with quiet stretches shorter than max_gap_s between them stay
 *     one episode; a stretch back at baseline longer than that splits it;
 *   - a long candidate no rule accepted makes status epilepticus alone, and
 *     stays dropped when its run is short;
 *   - a break (missing windows) ends a run;
 *   - segments are held until their run is decided (open start), then come
 *     out in order; thresholds 0 turn the stage off;
 *   - ictus_type_unbounded lifts max_duration_s and postictal only;
 *   - the settings: defaults described nowhere (the presets keep their
 *     hash), a changed one described, out-of-range ones refused. */
#include "detectors/status_epilepticus.h"

#include <math.h>
#include <string.h>

#include "detectors/typing.h"
#include "tests/check.h"

#define HOP_US 1000000 /* 1 s windows */
#define S(x) ((int64_t)((x) * 1e6))

typedef struct {
    int n;
    int64_t start[32], end[32];
    char type[32][ICTUS_TYPE_MAX];
    char channel[32][ICTUS_LABEL_MAX];
    double score[32];
} sink;

static void collect(void *ctx, int64_t start_us, int64_t end_us, const char *channel,
                    const char *type, double score)
{
    sink *k = ctx;
    if (k->n >= 32)
        return;
    k->start[k->n] = start_us;
    k->end[k->n] = end_us;
    snprintf(k->type[k->n], sizeof k->type[0], "%s", type);
    snprintf(k->channel[k->n], sizeof k->channel[0], "%s", channel);
    k->score[k->n] = score;
    k->n++;
}

static ictus_detector_params params(const char *text)
{
    ictus_detector_params p;
    ictus_detector_params_default(&p);
    ictus_config *cfg = ictus_config_create();
    ictus_error err;
    CHECK(ictus_config_parse(cfg, text, "test", &err) == ICTUS_OK);
    CHECK_MSG(ictus_detector_params_apply(&p, cfg, &err) == ICTUS_OK, "%s", err.msg);
    ictus_config_destroy(cfg);
    return p;
}

static ictus_se_segment seg(double a, double b, const char *type, bool seizure, double score)
{
    ictus_se_segment s = {.start_us = S(a), .end_us = S(b), .seizure = seizure, .score = score};
    snprintf(s.type, sizeof s.type, "%s", type);
    snprintf(s.channel, sizeof s.channel, "HPC");
    return s;
}

/* Feed windows [from, to) s at ratio r, advancing with the horizon at the
 * window's start (as the detector does when no candidate is open). */
static void windows(ictus_se *se, double from, double to, double r)
{
    for (double t = from; t < to; t += 1) {
        ictus_se_window(se, S(t), S(t + 1), r);
        ictus_se_advance(se, S(t + 1));
    }
}

/* A recording: quiet, activity at ratio 5 over [a, b) with quiet holes
 * (gaps, pairs of start and end) in it, quiet until `end`; the segments
 * are added when the windows pass their end + 60 s (their post-ictal
 * window), as the detector hands them over. */
static void record(ictus_se *se, double a, double b, const double *holes, int n_holes,
                   const ictus_se_segment *segs, int n_segs, double end)
{
    int next = 0;
    for (double t = 0; t < end; t += 1) {
        double r = t >= a && t < b ? 5 : 1;
        for (int h = 0; h < n_holes; h++)
            if (t >= holes[2 * h] && t < holes[2 * h + 1])
                r = 0.2;
        ictus_se_window(se, S(t), S(t + 1), r);
        while (next < n_segs && S(t) >= segs[next].end_us + S(60))
            ictus_se_add(se, &segs[next++]);
        /* no candidate not yet added starts before the next one's start */
        int64_t horizon = next < n_segs ? segs[next].start_us : S(t + 1);
        ictus_se_advance(se, horizon < S(t + 1) ? horizon : S(t + 1));
    }
    while (next < n_segs)
        ictus_se_add(se, &segs[next++]);
    ictus_se_flush(se);
}

static void focal_run(void)
{
    ictus_detector_params p = params("[detector]\ntypes = hpd\n");
    sink k = {0};
    ictus_se *se = ictus_se_create(&p, HOP_US, collect, &k);
    ictus_se_segment s[] = {seg(1000, 1300, "hpd", true, 0.9)};
    record(se, 1000, 1700, NULL, 0, s, 1, 2500);
    ictus_se_destroy(se);
    CHECK_INT(k.n, 1);
    CHECK_STR(k.type[0], ICTUS_SE_TYPE);
    CHECK_INT(k.start[0], S(1000));
    CHECK_INT(k.end[0], S(1700));
    CHECK(fabs(k.score[0] - 0.9) < 1e-12);
    CHECK_STR(k.channel[0], "HPC");

    /* 500 s: no status epilepticus, the HPD as it was */
    k = (sink){0};
    se = ictus_se_create(&p, HOP_US, collect, &k);
    record(se, 1000, 1500, NULL, 0, s, 1, 2500);
    ictus_se_destroy(se);
    CHECK_INT(k.n, 1);
    CHECK_STR(k.type[0], "hpd");
    CHECK_INT(k.start[0], S(1000));
    CHECK_INT(k.end[0], S(1300));

    /* still going when the recording ends: the episode to the last window */
    k = (sink){0};
    se = ictus_se_create(&p, HOP_US, collect, &k);
    record(se, 1000, 1800, NULL, 0, s, 1, 1800);
    ictus_se_destroy(se);
    CHECK_INT(k.n, 1);
    CHECK_STR(k.type[0], ICTUS_SE_TYPE);
    CHECK_INT(k.end[0], S(1800));
}

static void convulsive_threshold(void)
{
    ictus_detector_params p = params("[detector]\ntypes = convulsive, hpd\n");
    /* 400 s of activity, convulsive seizures most of its segments' time */
    ictus_se_segment s[] = {seg(1000, 1100, "convulsive", true, 0.7),
                            seg(1150, 1170, "hpd", true, 0.95),
                            seg(1200, 1390, "convulsive", true, 0.8)};
    sink k = {0};
    ictus_se *se = ictus_se_create(&p, HOP_US, collect, &k);
    double holes[] = {1100, 1110, 1170, 1180, 1390, 1398};
    record(se, 1000, 1400, holes, 3, s, 3, 2500);
    ictus_se_destroy(se);
    CHECK_INT(k.n, 1);
    CHECK_STR(k.type[0], ICTUS_SE_TYPE);
    CHECK_INT(k.start[0], S(1000));
    CHECK_INT(k.end[0], S(1400));
    CHECK(fabs(k.score[0] - 0.95) < 1e-12);

    /* the same with HPDs: focal, 400 s < 600 s, three events as they were */
    ictus_se_segment h[] = {seg(1000, 1100, "hpd", true, 0.7), seg(1150, 1170, "hpd", true, 0.95),
                            seg(1200, 1390, "hpd", true, 0.8)};
    k = (sink){0};
    se = ictus_se_create(&p, HOP_US, collect, &k);
    record(se, 1000, 1400, holes, 3, h, 3, 2500);
    ictus_se_destroy(se);
    CHECK_INT(k.n, 3);
    for (int i = 0; i < 3 && i < k.n; i++) {
        CHECK_STR(k.type[i], "hpd");
        CHECK_INT(k.start[i], h[i].start_us);
        CHECK_INT(k.end[i], h[i].end_us);
    }
}

static void return_to_baseline(void)
{
    ictus_detector_params p = params("[detector]\ntypes = convulsive\n");
    ictus_se_segment s[] = {seg(1000, 1200, "convulsive", true, 0.9),
                            seg(1290, 1450, "convulsive", true, 0.9)};
    /* 90 s back at baseline between them (> max_gap_s 60): two episodes of
     * 200 and 160 s, no status epilepticus */
    sink k = {0};
    ictus_se *se = ictus_se_create(&p, HOP_US, collect, &k);
    double holes[] = {1200, 1290};
    record(se, 1000, 1450, holes, 1, s, 2, 2500);
    ictus_se_destroy(se);
    CHECK_INT(k.n, 2);
    CHECK_STR(k.type[0], "convulsive");
    CHECK_STR(k.type[1], "convulsive");
    /* 20 s between them: one episode of 450 s */
    s[1] = seg(1220, 1450, "convulsive", true, 0.9);
    double short_hole[] = {1200, 1220};
    k = (sink){0};
    se = ictus_se_create(&p, HOP_US, collect, &k);
    record(se, 1000, 1450, short_hole, 1, s, 2, 2500);
    ictus_se_destroy(se);
    CHECK_INT(k.n, 1);
    CHECK_STR(k.type[0], ICTUS_SE_TYPE);
    CHECK_INT(k.start[0], S(1000));
    CHECK_INT(k.end[0], S(1450));
    /* max_gap_s 10: the 20 s at baseline end it */
    p = params("[detector]\ntypes = convulsive\n[status_epilepticus]\nmax_gap_s = 10\n");
    k = (sink){0};
    se = ictus_se_create(&p, HOP_US, collect, &k);
    record(se, 1000, 1450, short_hole, 1, s, 2, 2500);
    ictus_se_destroy(se);
    CHECK_INT(k.n, 2);
    /* a break (missing windows) ends a run: 200 s + 250 s */
    k = (sink){0};
    p = params("[detector]\ntypes = convulsive\n");
    se = ictus_se_create(&p, HOP_US, collect, &k);
    windows(se, 0, 1000, 1);
    windows(se, 1000, 1200, 5);
    ictus_se_break(se);
    windows(se, 1200, 1450, 5);
    ictus_se_segment a = seg(1000, 1200, "convulsive", true, 0.9),
                     b = seg(1200, 1450, "convulsive", true, 0.9);
    ictus_se_add(se, &a);
    ictus_se_add(se, &b);
    windows(se, 1450, 2000, 1);
    ictus_se_flush(se);
    ictus_se_destroy(se);
    CHECK_INT(k.n, 2);
}

static void long_candidates(void)
{
    ictus_detector_params p = params("[detector]\ntypes = hpd\n");
    /* a 650 s candidate the rules dropped (too long for them) */
    ictus_se_segment s[] = {seg(1000, 1650, "hpd", false, 0.6)};
    sink k = {0};
    ictus_se *se = ictus_se_create(&p, HOP_US, collect, &k);
    record(se, 1000, 1650, NULL, 0, s, 1, 2500);
    ictus_se_destroy(se);
    CHECK_INT(k.n, 1);
    CHECK_STR(k.type[0], ICTUS_SE_TYPE);
    CHECK_INT(k.end[0], S(1650));
    /* in a short run it stays dropped */
    k = (sink){0};
    se = ictus_se_create(&p, HOP_US, collect, &k);
    record(se, 1000, 1100, NULL, 0, s, 1, 2500);
    ictus_se_destroy(se);
    CHECK_INT(k.n, 0);
    CHECK(fabs(ictus_se_min_long_s(&p) - 300) < 1e-12);
}

static void holding(void)
{
    ictus_detector_params p = params("[detector]\ntypes = hpd\n");
    sink k = {0};
    ictus_se *se = ictus_se_create(&p, HOP_US, collect, &k);
    CHECK(ictus_se_open_start_us(se) == INT64_MAX);
    windows(se, 0, 1000, 1);
    windows(se, 1000, 1020, 5);
    windows(se, 1020, 1080, 1);
    ictus_se_segment a = seg(1000, 1020, "hpd", true, 0.9);
    ictus_se_add(se, &a);
    /* the windows have passed its end + 60 s and no run is open: out */
    ictus_se_advance(se, S(1080));
    CHECK_INT(k.n, 1);
    CHECK(ictus_se_open_start_us(se) == INT64_MAX);
    /* in an open run: held */
    windows(se, 1080, 1200, 5);
    ictus_se_segment b = seg(1080, 1100, "hpd", true, 0.9);
    ictus_se_add(se, &b);
    windows(se, 1200, 1300, 5);
    CHECK_INT(k.n, 1);
    CHECK(ictus_se_open_start_us(se) == S(1080));
    windows(se, 1300, 1400, 1);
    CHECK_INT(k.n, 2); /* the run (220 s) closed, short: the HPD as it was */
    CHECK_STR(k.type[1], "hpd");
    ictus_se_destroy(se);

    p = params("[detector]\ntypes = hpd\n[status_epilepticus]\nfocal_min_s = 0\n"
               "convulsive_min_s = 0\n");
    CHECK(!ictus_se_enabled(&p));
    p = params("[detector]\ntypes = hpd\n[status_epilepticus]\nconvulsive_min_s = 0\n");
    CHECK(ictus_se_enabled(&p));
    CHECK(fabs(ictus_se_min_long_s(&p) - 600) < 1e-12);
}

static void unbounded(void)
{
    ictus_detector_params p = params(
        "[detector]\ntypes = convulsive, hpd\n[type.convulsive]\nmin_duration_s = 20\n"
        "max_duration_s = 300\nmin_channels = 2\npostictal = true\n"
        "[type.hpd]\nmin_duration_s = 5\nmin_spike_rate = 2\nprimary = true\n");
    ictus_event_measures m = {.duration_s = 900, .n_involved = 2, .primary_involved = true,
                              .peak_ratio = 6, .mean_ratio = 4, .spike_rate = 1,
                              .high_fraction = 1, .postictal_min = NAN};
    double conf;
    CHECK_INT(ictus_type_unbounded(&p, &m, &conf), 0); /* convulsive, length and post-ictal lifted */
    CHECK(conf > 0 && conf < 1);
    ictus_typing ty;
    ictus_type_event(&p, &m, &ty);
    CHECK_INT(ty.rule, -1); /* the rules themselves drop it */
    m.n_involved = 1;
    CHECK_INT(ictus_type_unbounded(&p, &m, &conf), -1); /* hpd: spikes 1 < 2 */
    m.spike_rate = 3;
    CHECK_INT(ictus_type_unbounded(&p, &m, &conf), 1);
    m.primary_involved = false;
    CHECK_INT(ictus_type_unbounded(&p, &m, &conf), -1);
    CHECK(conf == 0);
}

static void settings(void)
{
    ictus_detector_params p = params("[detector]\ntypes = hpd\n");
    char buf[8192];
    size_t len = 0;
    ictus_detector_params_describe(&p, buf, sizeof buf, &len);
    CHECK(strstr(buf, "status_epilepticus.") == NULL);
    CHECK(fabs(p.se_convulsive_min_s - 300) < 1e-12 && fabs(p.se_focal_min_s - 600) < 1e-12);
    CHECK(fabs(p.se_max_gap_s - 60) < 1e-12 && fabs(p.se_return_ratio - 2.5) < 1e-12);
    p = params("[detector]\ntypes = hpd\n[status_epilepticus]\nfocal_min_s = 900\n");
    len = 0;
    ictus_detector_params_describe(&p, buf, sizeof buf, &len);
    CHECK(strstr(buf, "status_epilepticus.focal_min_s=900\n") != NULL);
    CHECK(strstr(buf, "status_epilepticus.convulsive_min_s") == NULL);
    ictus_config *cfg = ictus_config_create();
    ictus_error err;
    ictus_detector_params_default(&p);
    CHECK(ictus_config_parse(cfg, "[status_epilepticus]\nreturn_ratio = 0\n", "bad.ini", &err) ==
          ICTUS_OK);
    CHECK(ictus_detector_params_apply(&p, cfg, &err) == ICTUS_ERR_CONFIG);
    CHECK(strstr(err.msg, "return_ratio") != NULL);
    ictus_config_destroy(cfg);
}

int main(void)
{
    focal_run();
    convulsive_threshold();
    return_to_baseline();
    long_candidates();
    holding();
    unbounded();
    settings();
    return check_done("test_status_epilepticus");
}
