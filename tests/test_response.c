/* test_response.c: classes, trial adequacy, course, drug resistance (response.c).
 *
 * Proves, with measures built by hand (rates per 24 h over 4 analysable
 * days, a baseline of 2 per 24 h with a 12 h longest ISI unless said):
 *   - each class at and beside its threshold: −50 % is a responder, −49.9 %
 *     is not; −90 % is a responder, −90.1 % strict; +50 % worsening, +49.9 %
 *     non-responder; zero seizures for exactly 3 × the longest baseline ISI
 *     is seizure-free, a second less is undetermined;
 *   - every undetermined reason, in its order (no data before no baseline
 *     before too little data ...), and % change kept where defined;
 *   - the rules are settings: a 40 % responder threshold, a factor 2 rule of
 *     three, a lower sparse-baseline limit change the class;
 *   - trial adequacy bits: low dose (only with a known target), not
 *     tolerated, tolerability unknown only when required, short block;
 *   - course: remission, sustained, relapse, undetermined periods skipped;
 *   - drug resistance: two failed adequate drugs (worsening counts), a drug
 *     that fails at one dose but works at another has not failed, the same
 *     drug twice counts once, inadequate trials do not count, a responsive
 *     animal is not resistant, nothing determined is undetermined, a
 *     resistant animal stays resistant after a later response.
 */
#include <math.h>
#include <string.h>

#include "protocols/response.h"
#include "tests/check.h"

#define DAY_S 86400.0
#define H_S 3600.0

/* Measures of `count` seizures over `days` analysable days. */
static ictus_measures measures(int64_t count, double days, double longest_isi_h)
{
    ictus_measures m = {0};
    m.analysable_s = m.span_s = days * DAY_S;
    m.count = count;
    m.rate_per_24h = days > 0 ? (double)count / days : NAN;
    m.n_isi = count > 1 ? count - 1 : 0;
    m.longest_isi_s = m.n_isi ? longest_isi_h * H_S : NAN;
    return m;
}

static ictus_response classify(const ictus_measures *m, const ictus_measures *ref,
                               const ictus_response_rules *rules)
{
    ictus_response r;
    ictus_response_classify(m, ref, rules, &r);
    return r;
}

static void expect(const ictus_measures *m, const ictus_measures *ref,
                   const ictus_response_rules *rules, ictus_response_class cls,
                   ictus_undetermined_why why, int line)
{
    ictus_response r = classify(m, ref, rules);
    CHECK_MSG(r.cls == cls && r.why == why, "line %d: got %s/%s, expected %s/%s", line,
              ictus_class_name(r.cls), ictus_why_name(r.why), ictus_class_name(cls),
              ictus_why_name(why));
}
#define EXPECT(m, ref, rules, cls, why) expect(m, ref, rules, cls, why, __LINE__)

static void test_classes(void)
{
    ictus_response_rules rules;
    ictus_response_rules_default(&rules);
    /* Baseline: 40 seizures in 20 days (2 per 24 h), longest ISI 12 h. */
    ictus_measures base = measures(40, 20, 12);
    ictus_measures m;
    /* Rates over 10 days to reach the thresholds exactly. */
    m = measures(10, 10, 30);                  /* 1 per 24 h: −50 % */
    EXPECT(&m, &base, &rules, ICTUS_CLASS_RESPONDER, ICTUS_WHY_NONE);
    CHECK_NEAR(classify(&m, &base, &rules).pct_change, -50, 1e-12, 0);
    m = measures(10002, 10000, 30);            /* −49.99 % */
    m.rate_per_24h = 1.002;
    EXPECT(&m, &base, &rules, ICTUS_CLASS_NON_RESPONDER, ICTUS_WHY_NONE);
    m = measures(2, 10, 30);                   /* 0.2 per 24 h: −90 %, not > 90 % */
    EXPECT(&m, &base, &rules, ICTUS_CLASS_RESPONDER, ICTUS_WHY_NONE);
    m = measures(1, 10, 30);                   /* −95 % */
    EXPECT(&m, &base, &rules, ICTUS_CLASS_STRICT_RESPONDER, ICTUS_WHY_NONE);
    m = measures(30, 10, 30);                  /* +50 % */
    EXPECT(&m, &base, &rules, ICTUS_CLASS_WORSENING, ICTUS_WHY_NONE);
    m = measures(29, 10, 30);                  /* +45 % */
    EXPECT(&m, &base, &rules, ICTUS_CLASS_NON_RESPONDER, ICTUS_WHY_NONE);
    m = measures(20, 10, 30);                  /* 0 % */
    EXPECT(&m, &base, &rules, ICTUS_CLASS_NON_RESPONDER, ICTUS_WHY_NONE);

    /* Rule of three: 3 × 12 h = 36 h. */
    m = measures(0, 1.5, 0);
    EXPECT(&m, &base, &rules, ICTUS_CLASS_SEIZURE_FREE, ICTUS_WHY_NONE);
    ictus_response r = classify(&m, &base, &rules);
    CHECK_NEAR(r.seizure_free_needed_s, 36 * H_S, 1e-12, 0);
    CHECK_NEAR(r.pct_change, -100, 1e-12, 0);
    m.analysable_s -= 1;
    m.rate_per_24h = 0;
    EXPECT(&m, &base, &rules, ICTUS_CLASS_UNDETERMINED, ICTUS_WHY_SEIZURE_FREE_TOO_SHORT);
    CHECK_NEAR(classify(&m, &base, &rules).pct_change, -100, 1e-12, 0); /* still reported */

    /* Undetermined, each reason in turn. */
    ictus_measures none = measures(0, 0, 0);
    EXPECT(&none, &base, &rules, ICTUS_CLASS_UNDETERMINED, ICTUS_WHY_NO_DATA);
    EXPECT(&none, NULL, &rules, ICTUS_CLASS_UNDETERMINED, ICTUS_WHY_NO_DATA);
    CHECK(isnan(classify(&none, &base, &rules).pct_change));
    m = measures(10, 10, 30);
    EXPECT(&m, NULL, &rules, ICTUS_CLASS_UNDETERMINED, ICTUS_WHY_NO_BASELINE);
    EXPECT(&m, &none, &rules, ICTUS_CLASS_UNDETERMINED, ICTUS_WHY_NO_BASELINE);
    ictus_measures brief = measures(1, 0.5, 0);  /* 12 h < 24 h */
    EXPECT(&brief, &base, &rules, ICTUS_CLASS_UNDETERMINED, ICTUS_WHY_LITTLE_DATA);
    ictus_measures short_base = measures(10, 0.5, 1);
    EXPECT(&m, &short_base, &rules, ICTUS_CLASS_UNDETERMINED, ICTUS_WHY_SHORT_BASELINE);
    ictus_measures zero_base = measures(0, 20, 0);
    EXPECT(&m, &zero_base, &rules, ICTUS_CLASS_UNDETERMINED, ICTUS_WHY_BASELINE_SEIZURE_FREE);
    CHECK(isnan(classify(&m, &zero_base, &rules).pct_change));
    ictus_measures sparse = measures(19, 20, 40); /* 0.95 per 24 h */
    EXPECT(&m, &sparse, &rules, ICTUS_CLASS_UNDETERMINED, ICTUS_WHY_SPARSE_BASELINE);
    CHECK_NEAR(classify(&m, &sparse, &rules).pct_change, (1 - 0.95) / 0.95 * 100, 1e-12, 0);
    ictus_measures one = measures(1, 1, 0);     /* 1 per 24 h but no ISI */
    ictus_measures free_ = measures(0, 10, 0);
    EXPECT(&free_, &one, &rules, ICTUS_CLASS_UNDETERMINED, ICTUS_WHY_NO_BASELINE_ISI);
    EXPECT(&m, &one, &rules, ICTUS_CLASS_NON_RESPONDER, ICTUS_WHY_NONE); /* 1 → 1 */

    /* The thresholds are settings. */
    ictus_response_rules loose = rules;
    loose.responder_pct = 40;
    m = measures(11, 10, 30);                  /* −45 % */
    EXPECT(&m, &base, &rules, ICTUS_CLASS_NON_RESPONDER, ICTUS_WHY_NONE);
    EXPECT(&m, &base, &loose, ICTUS_CLASS_RESPONDER, ICTUS_WHY_NONE);
    loose.seizure_free_factor = 2;
    m = measures(0, 1.0, 0);                   /* 24 h: ≥ 2 × 12 h, < 3 × 12 h */
    EXPECT(&m, &base, &rules, ICTUS_CLASS_UNDETERMINED, ICTUS_WHY_SEIZURE_FREE_TOO_SHORT);
    EXPECT(&m, &base, &loose, ICTUS_CLASS_SEIZURE_FREE, ICTUS_WHY_NONE);
    loose.min_baseline_per_24h = 0.5;
    m = measures(10, 10, 30);
    EXPECT(&m, &sparse, &loose, ICTUS_CLASS_NON_RESPONDER, ICTUS_WHY_NONE);
    loose.strict_pct = 99;
    m = measures(1, 10, 30);                   /* −95 % */
    EXPECT(&m, &base, &loose, ICTUS_CLASS_RESPONDER, ICTUS_WHY_NONE);
    loose.min_analysable_h = 6;
    EXPECT(&brief, &base, &loose, ICTUS_CLASS_NON_RESPONDER, ICTUS_WHY_NONE); /* 2 → 2 */

    CHECK(ictus_class_is_response(ICTUS_CLASS_SEIZURE_FREE));
    CHECK(ictus_class_is_response(ICTUS_CLASS_STRICT_RESPONDER));
    CHECK(ictus_class_is_response(ICTUS_CLASS_RESPONDER));
    CHECK(!ictus_class_is_response(ICTUS_CLASS_NON_RESPONDER));
    CHECK(!ictus_class_is_response(ICTUS_CLASS_UNDETERMINED));
    CHECK(ictus_class_is_failure(ICTUS_CLASS_WORSENING));
    CHECK(ictus_class_is_failure(ICTUS_CLASS_NON_RESPONDER));
    CHECK(!ictus_class_is_failure(ICTUS_CLASS_UNDETERMINED));
    CHECK_STR(ictus_class_name(ICTUS_CLASS_STRICT_RESPONDER), "strict_responder");
    CHECK_STR(ictus_why_name(ICTUS_WHY_BASELINE_SEIZURE_FREE), "baseline_seizure_free");
}

static void test_trials(void)
{
    ictus_response_rules rules;
    ictus_response_rules_default(&rules);
    ictus_condition c = {.kind = ICTUS_PERIOD_TREATMENT, .drug = "CBZ", .dose_mg_kg = 20,
                         .route = "ip", .target_dose_mg_kg = 20,
                         .tolerated = ICTUS_TOLERATED_YES,
                         .span_us = 3 * INT64_C(86400000000)};
    char why[128];
    CHECK_INT(ictus_response_trial(&c, &rules), 0);
    c.dose_mg_kg = 19.9;
    CHECK_INT(ictus_response_trial(&c, &rules), ICTUS_TRIAL_LOW_DOSE);
    c.target_dose_mg_kg = NAN; /* no target: the dose is not judged */
    CHECK_INT(ictus_response_trial(&c, &rules), 0);
    c.target_dose_mg_kg = 20;
    c.tolerated = ICTUS_TOLERATED_NO;
    c.span_us -= 1;
    unsigned bits = ictus_response_trial(&c, &rules);
    CHECK_INT(bits, ICTUS_TRIAL_LOW_DOSE | ICTUS_TRIAL_NOT_TOLERATED | ICTUS_TRIAL_SHORT_BLOCK);
    ictus_trial_reasons(bits, why, sizeof why);
    CHECK_STR(why, "low_dose|not_tolerated|short_block");
    ictus_trial_reasons(0, why, sizeof why);
    CHECK_STR(why, "");
    c = (ictus_condition){.kind = ICTUS_PERIOD_TREATMENT, .drug = "CBZ", .dose_mg_kg = 20,
                          .target_dose_mg_kg = 20, .tolerated = ICTUS_TOLERATED_UNKNOWN,
                          .span_us = 5 * INT64_C(86400000000)};
    CHECK_INT(ictus_response_trial(&c, &rules), 0);
    rules.require_tolerated = true;
    CHECK_INT(ictus_response_trial(&c, &rules), ICTUS_TRIAL_TOLERABILITY_UNKNOWN);
    rules.min_block_days = 6;
    CHECK_INT(ictus_response_trial(&c, &rules),
              ICTUS_TRIAL_TOLERABILITY_UNKNOWN | ICTUS_TRIAL_SHORT_BLOCK);
}

static void test_course(void)
{
    const ictus_response_class U = ICTUS_CLASS_UNDETERMINED, F = ICTUS_CLASS_SEIZURE_FREE,
                               R = ICTUS_CLASS_RESPONDER, N = ICTUS_CLASS_NON_RESPONDER;
    const ictus_response_class classes[] = {N, F, U, F, R, N, F};
    const ictus_course expected[] = {ICTUS_COURSE_NONE,      ICTUS_COURSE_REMISSION,
                                     ICTUS_COURSE_NONE,      ICTUS_COURSE_SUSTAINED,
                                     ICTUS_COURSE_RELAPSE,   ICTUS_COURSE_NONE,
                                     ICTUS_COURSE_REMISSION};
    ictus_course course[7];
    ictus_response_course(classes, 7, course);
    for (int i = 0; i < 7; i++)
        CHECK_MSG(course[i] == expected[i], "course[%d] = %s, expected %s", i,
                  ictus_course_name(course[i]), ictus_course_name(expected[i]));
    const ictus_response_class first_free[] = {F};
    ictus_response_course(first_free, 1, course);
    CHECK_INT(course[0], ICTUS_COURSE_REMISSION);
    ictus_response_course(NULL, 0, course);
    CHECK_STR(ictus_course_name(ICTUS_COURSE_RELAPSE), "relapse");
}

static void test_resistance(void)
{
    int failed = -1;
    const ictus_trial_outcome two[] = {
        {"CBZ", true, ICTUS_CLASS_NON_RESPONDER},
        {"LEV", true, ICTUS_CLASS_WORSENING},
    };
    CHECK_INT(ictus_drug_resistance(two, 2, 2, &failed), ICTUS_RESISTANCE_RESISTANT);
    CHECK_INT(failed, 2);
    CHECK_INT(ictus_drug_resistance(two, 2, 3, &failed), ICTUS_RESISTANCE_UNDETERMINED);

    const ictus_trial_outcome same_drug[] = {
        {"CBZ", true, ICTUS_CLASS_NON_RESPONDER},
        {"cbz", true, ICTUS_CLASS_NON_RESPONDER}, /* another dose: still one drug */
    };
    CHECK_INT(ictus_drug_resistance(same_drug, 2, 2, &failed), ICTUS_RESISTANCE_UNDETERMINED);
    CHECK_INT(failed, 1);

    const ictus_trial_outcome higher_dose_works[] = {
        {"CBZ", true, ICTUS_CLASS_NON_RESPONDER},
        {"LEV", true, ICTUS_CLASS_NON_RESPONDER},
        {"CBZ", true, ICTUS_CLASS_RESPONDER},
    };
    CHECK_INT(ictus_drug_resistance(higher_dose_works, 3, 2, &failed),
              ICTUS_RESISTANCE_NOT_RESISTANT);
    CHECK_INT(failed, 1);

    const ictus_trial_outcome inadequate[] = {
        {"CBZ", false, ICTUS_CLASS_NON_RESPONDER},
        {"LEV", false, ICTUS_CLASS_NON_RESPONDER},
        {"VPA", true, ICTUS_CLASS_UNDETERMINED},
    };
    CHECK_INT(ictus_drug_resistance(inadequate, 3, 2, &failed), ICTUS_RESISTANCE_UNDETERMINED);
    CHECK_INT(failed, 0);
    const ictus_trial_outcome inadequate_response[] = {{"CBZ", false, ICTUS_CLASS_SEIZURE_FREE}};
    CHECK_INT(ictus_drug_resistance(inadequate_response, 1, 2, NULL),
              ICTUS_RESISTANCE_UNDETERMINED);

    const ictus_trial_outcome later_remission[] = {
        {"CBZ", true, ICTUS_CLASS_NON_RESPONDER},
        {"LEV", true, ICTUS_CLASS_NON_RESPONDER},
        {"VPA", true, ICTUS_CLASS_SEIZURE_FREE},
    };
    CHECK_INT(ictus_drug_resistance(later_remission, 3, 2, &failed), ICTUS_RESISTANCE_RESISTANT);
    const ictus_trial_outcome responsive[] = {{"CBZ", true, ICTUS_CLASS_STRICT_RESPONDER}};
    CHECK_INT(ictus_drug_resistance(responsive, 1, 2, &failed), ICTUS_RESISTANCE_NOT_RESISTANT);
    CHECK_INT(ictus_drug_resistance(NULL, 0, 2, &failed), ICTUS_RESISTANCE_UNDETERMINED);
    CHECK_INT(failed, 0);
    CHECK_STR(ictus_resistance_name(ICTUS_RESISTANCE_NOT_RESISTANT), "not_resistant");
}

int main(void)
{
    test_classes();
    test_trials();
    test_course();
    test_resistance();
    return check_done("test_response");
}
