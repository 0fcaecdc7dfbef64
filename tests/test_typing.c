/* test_typing.c: the type rules as a pure function, limit by limit (each
 * limit at, just inside and just outside its threshold, the reason naming
 * it), the order in which rules are tried, the confidence model against its
 * formula and with coefficients read from a preset, and the provenance text
 * of the [confidence] keys. */
#include "detectors/typing.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "tests/check.h"

#define EPS 1e-9

static const char *const rule_text =
    "[detector]\ntypes = r\nmin_duration_s = 5\nmax_artefact_fraction = 0.5\non_ratio = 2.5\n"
    "postictal_ratio = 0.5\n"
    "[type.r]\nmin_duration_s = 10\nmax_duration_s = 100\nmin_channels = 2\n"
    "min_peak_ratio = 3\nmin_mean_ratio = 2\nmin_spike_rate = 1.5\nmin_high_fraction = 0.4\n"
    "max_emg_fraction = 0.3\npostictal = true\nprimary = true\n";

/* Default parameters with `text` applied. */
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

/* An event that meets every limit of rule r with room to spare. */
static const ictus_event_measures good = {
    .duration_s = 50, .artefact_fraction = 0.1, .n_involved = 3, .primary_involved = true,
    .peak_ratio = 6, .mean_ratio = 4, .spike_rate = 3, .high_fraction = 0.8,
    .emg_fraction = 0.1, .postictal_min = 0.2,
};

/* Type m: accepted or not as expected, and the reason names `key` (with
 * `comparison`, e.g. " < ") exactly when rejected. */
static void expect(const ictus_detector_params *p, const ictus_event_measures *m, bool accepted,
                   const char *key, const char *comparison, const char *what)
{
    ictus_typing ty;
    ictus_type_event(p, m, &ty);
    CHECK_MSG((ty.rule == 0) == accepted, "%s: rule %d, reason '%s'", what, ty.rule, ty.reason);
    bool named = strstr(ty.reason, key) != NULL && strstr(ty.reason, comparison) != NULL;
    CHECK_MSG(named == !accepted, "%s: reason '%s' and key %s", what, ty.reason, key);
    CHECK_MSG(accepted ? ty.confidence > 0 && ty.confidence < 1 : ty.confidence == 0,
              "%s: confidence %g", what, ty.confidence);
}

/* A limit on a double measure: `min` limits reject values below them, max
 * limits values above them. */
typedef struct {
    const char *key;        /* as the reason names it */
    const char *comparison;
    size_t offset;          /* of the measure in ictus_event_measures */
    double limit;
    bool min;
} double_limit;

static void limits_one_by_one(void)
{
    ictus_detector_params p = params(rule_text);
    static const double_limit limits[] = {
        {"] min_duration_s 5", " < ", offsetof(ictus_event_measures, duration_s), 5, true},
        {"max_artefact_fraction 0.5", " > ", offsetof(ictus_event_measures, artefact_fraction),
         0.5, false},
        {"r: duration", " < min_duration_s 10", offsetof(ictus_event_measures, duration_s), 10,
         true},
        {"max_duration_s 100", " > ", offsetof(ictus_event_measures, duration_s), 100, false},
        {"min_peak_ratio 3", "peak ratio", offsetof(ictus_event_measures, peak_ratio), 3, true},
        {"min_mean_ratio 2", "mean ratio", offsetof(ictus_event_measures, mean_ratio), 2, true},
        {"min_spike_rate 1.5", "spikes", offsetof(ictus_event_measures, spike_rate), 1.5, true},
        {"min_high_fraction 0.4", "high", offsetof(ictus_event_measures, high_fraction), 0.4,
         true},
        {"max_emg_fraction 0.3", "emg", offsetof(ictus_event_measures, emg_fraction), 0.3, false},
    };
    for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
        const double_limit *l = &limits[i];
        ictus_detector_params q = p;
        if (i < 2)
            q.type[0].min_duration_s = 0; /* the [detector] limits on their own */
        double values[3] = {l->limit * (1 - EPS), l->limit, l->limit * (1 + EPS)};
        for (int v = 0; v < 3; v++) {
            ictus_event_measures m = good;
            *(double *)((char *)&m + l->offset) = values[v];
            bool accepted = v == 1 || (v == 0) != l->min;
            char what[96];
            snprintf(what, sizeof what, "%s at %.10g", l->key, values[v]);
            expect(&q, &m, accepted, l->key, l->comparison, what);
        }
    }
    /* channels: an integer limit */
    for (int n = 1; n <= 3; n++) {
        ictus_event_measures m = good;
        m.n_involved = n;
        expect(&p, &m, n >= 2, "channels 1 < min_channels 2", " < ", "min_channels");
    }
    /* post-ictal suppression: the minimum must be strictly below postictal_ratio */
    double post[4] = {0.5 * (1 - EPS), 0.5, 0.5 * (1 + EPS), NAN};
    for (int v = 0; v < 4; v++) {
        ictus_event_measures m = good;
        m.postictal_min = post[v];
        expect(&p, &m, v == 0, "postictal_ratio 0.5 (postictal)", "not <", "postictal");
    }
    ictus_event_measures m = good;
    m.primary_involved = false;
    expect(&p, &m, false, "(primary)", "no primary channel", "primary");
    /* the exact wording */
    m = good;
    m.emg_fraction = 0.67;
    ictus_typing ty;
    ictus_type_event(&p, &m, &ty);
    CHECK_STR(ty.reason, "r: emg 0.67 > max_emg_fraction 0.3");
}

/* Rules are tried in order; each failed one adds its first failed limit. */
static void rule_order(void)
{
    ictus_detector_params p = params(
        "[detector]\ntypes = big, small\n"
        "[type.big]\nmin_duration_s = 20\nmin_channels = 2\n"
        "[type.small]\nmin_duration_s = 5\nmax_emg_fraction = 0.3\n");
    ictus_event_measures m = good;
    m.duration_s = 10;
    m.n_involved = 1;
    ictus_typing ty;
    ictus_type_event(&p, &m, &ty);
    CHECK_INT(ty.rule, 1);
    CHECK_STR(ty.reason, "big: duration 10.0 s < min_duration_s 20");
    m.emg_fraction = 0.5;
    ictus_type_event(&p, &m, &ty);
    CHECK_INT(ty.rule, -1);
    CHECK_STR(ty.reason, "big: duration 10.0 s < min_duration_s 20; "
                         "small: emg 0.50 > max_emg_fraction 0.3");
    m.duration_s = 30; /* big: the first failed limit only */
    ictus_type_event(&p, &m, &ty);
    CHECK_STR(ty.reason, "big: channels 1 < min_channels 2; small: emg 0.50 > max_emg_fraction 0.3");
}

static double logit(double s)
{
    return log(s / (1 - s));
}

/* The confidence is logistic(z) of the documented formula, with the
 * coefficients a preset gives. */
static void confidence(void)
{
    ictus_detector_params p = params(rule_text);
    ictus_typing ty;
    ictus_type_event(&p, &good, &ty);
    /* floor ratio max(min_peak_ratio 3, on_ratio 2.5) = 3; duration over 10 s; 3 channels;
       post-ictal suppression seen; artefact share 0.1 */
    double z = 1.2 * log(6.0 / 3) + 0.8 * log(50.0 / 10) + 0.6 * 2 + 0.8 - 4 * 0.1;
    CHECK_NEAR(logit(ty.confidence), z, 0, 1e-9);

    size_t len = strlen(rule_text);
    char text[2048];
    snprintf(text, sizeof text, "%s[confidence]\npeak_weight = 2\nchannel_weight = 0\n"
             "postictal_weight = 1.5\nartefact_weight = 10\nduration_weight = 0.1\n", rule_text);
    CHECK(strlen(text) > len);
    ictus_detector_params q = params(text);
    ictus_type_event(&q, &good, &ty);
    double zq = 2 * log(6.0 / 3) + 0.1 * log(50.0 / 10) + 0 + 1.5 - 10 * 0.1;
    CHECK_NEAR(logit(ty.confidence), zq, 0, 1e-9);
    /* a rule without a minimum duration scores against 1 s */
    q.type[0].min_duration_s = 0;
    ictus_type_event(&q, &good, &ty);
    CHECK_NEAR(logit(ty.confidence), zq - 0.1 * log(50.0 / 10) + 0.1 * log(50.0), 0, 1e-9);

    /* afterdischarges: [evoked] min_duration_s (5 s by default) */
    ictus_type_afterdischarge(&p, 20, &ty);
    CHECK_INT(ty.rule, 0);
    CHECK_NEAR(logit(ty.confidence), 0.8 * log(20.0 / 5) + 0.5, 0, 1e-9);
    ictus_type_afterdischarge(&p, 5, &ty);
    CHECK_INT(ty.rule, 0);
    ictus_type_afterdischarge(&p, 5 * (1 - EPS), &ty);
    CHECK_INT(ty.rule, -1);
    CHECK_STR(ty.reason, "duration 5.0 s < [evoked] min_duration_s 5");
    q = params("[confidence]\nevoked_duration_weight = 2\nevoked_offset = -1\n");
    ictus_type_afterdischarge(&q, 20, &ty);
    CHECK_NEAR(logit(ty.confidence), 2 * log(20.0 / 5) - 1, 0, 1e-9);
}

/* Defaults leave the provenance text (and so every preset's hash) as it
 * was before the [confidence] keys existed; a changed key is recorded. */
static void provenance(void)
{
    ictus_detector_params p = params(rule_text);
    char buf[8192];
    size_t len = 0;
    ictus_detector_params_describe(&p, buf, sizeof buf, &len);
    CHECK(len > 0 && len < sizeof buf);
    CHECK(strstr(buf, "confidence.") == NULL);
    CHECK(strstr(buf, "involved_") == NULL);
    CHECK(strstr(buf, "detector.on_ratio=2.5\n") != NULL);
    char text[2048];
    snprintf(text, sizeof text, "%s[confidence]\nartefact_weight = 3\n"
             "[detector]\ninvolved_min_windows = 4\n", rule_text);
    p = params(text);
    len = 0;
    ictus_detector_params_describe(&p, buf, sizeof buf, &len);
    CHECK(strstr(buf, "confidence.artefact_weight=3\n") != NULL);
    CHECK(strstr(buf, "detector.involved_min_windows=4\n") != NULL);
    CHECK(strstr(buf, "confidence.peak_weight") == NULL);
    /* out of range */
    ictus_config *cfg = ictus_config_create();
    ictus_error err;
    ictus_detector_params_default(&p);
    CHECK(ictus_config_parse(cfg, "[confidence]\npeak_weight = -1\n", "bad.ini", &err) == ICTUS_OK);
    CHECK(ictus_detector_params_apply(&p, cfg, &err) == ICTUS_ERR_CONFIG);
    CHECK(strstr(err.msg, "peak_weight") != NULL);
    ictus_config_destroy(cfg);
}

int main(void)
{
    limits_one_by_one();
    rule_order();
    confidence();
    provenance();
    return check_done("test_typing");
}
