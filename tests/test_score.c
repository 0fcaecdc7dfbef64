/* test_score.c: SzCORE scoring on cases worked out by hand, agreement with
 * a mask-based reference (tests/fixtures/gen_score.py, timescoring's method)
 * on random cases, order invariance, the metrics, the per-animal aggregation
 * and the [score] settings.
 *
 * Counts are compared exactly; metrics within 1e-12 relative (they are one
 * or two divisions of small integers). */
#include "detectors/score.h"

#include <stdint.h>
#include <stdlib.h>

#include "detectors/score_inputs.h"
#include "tests/check.h"
#include "tests/support_tmp.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define DAY_S 86400.0

static ictus_score_params defaults(void)
{
    ictus_score_params p;
    ictus_score_params_default(&p);
    return p;
}

static ictus_score_counts events(const ictus_interval *ref, size_t n_ref, const ictus_interval *hyp,
                                 size_t n_hyp, double duration_s, const ictus_score_params *p)
{
    ictus_score_counts c;
    ictus_score_events(ref, n_ref, hyp, n_hyp, duration_s, p, &c);
    return c;
}

static ictus_score_counts samples(const ictus_interval *ref, size_t n_ref,
                                  const ictus_interval *hyp, size_t n_hyp, double duration_s,
                                  const ictus_score_params *p)
{
    ictus_score_counts c;
    ictus_score_samples(ref, n_ref, hyp, n_hyp, duration_s, p, &c);
    return c;
}

static bool same_counts(ictus_score_counts a, ictus_score_counts b)
{
    return a.ref == b.ref && a.hyp == b.hyp && a.tp == b.tp && a.fp == b.fp && a.fn == b.fn;
}

static void expect(const char *what, ictus_score_counts c, int64_t ref, int64_t hyp, int64_t tp,
                   int64_t fp, int64_t fn)
{
    ictus_score_counts want = {ref, hyp, tp, fp, fn, 0};
    CHECK_MSG(same_counts(c, want),
              "%s: ref %lld hyp %lld tp %lld fp %lld fn %lld, want %lld %lld %lld %lld %lld", what,
              (long long)c.ref, (long long)c.hyp, (long long)c.tp, (long long)c.fp,
              (long long)c.fn, (long long)ref, (long long)hyp, (long long)tp, (long long)fp,
              (long long)fn);
}

static void expect_metrics(ictus_score_metrics m, double sens, double prec, double f1,
                           double fp_per_24h)
{
    CHECK_NEAR(m.sensitivity, sens, 1e-12, 0);
    CHECK_NEAR(m.precision, prec, 1e-12, 0);
    CHECK_NEAR(m.f1, f1, 1e-12, 0);
    CHECK_NEAR(m.fp_per_24h, fp_per_24h, 1e-12, 0);
}

/* ---- degenerate inputs ------------------------------------------------ */

/* Nothing annotated, nothing detected in a day: every count is 0; sensitivity,
 * precision and F1 have empty denominators (NaN); 0 false alarms over a day is
 * a real 0 per 24 h.  Over no time at all the rate is NaN as well. */
static void test_no_events(void)
{
    ictus_score_params p = defaults();
    ictus_score_counts c = events(NULL, 0, NULL, 0, DAY_S, &p);
    expect("no events", c, 0, 0, 0, 0, 0);
    expect_metrics(ictus_score_metrics_of(&c), NAN, NAN, NAN, 0);
    c = samples(NULL, 0, NULL, 0, DAY_S, &p);
    expect("no events, samples", c, 0, 0, 0, 0, 0);
    expect_metrics(ictus_score_metrics_of(&c), NAN, NAN, NAN, 0);
    c = events(NULL, 0, NULL, 0, 0, &p);
    CHECK(isnan(ictus_score_metrics_of(&c).fp_per_24h));
}

/* Two seizures 3940 s apart, no detection: ref 2, FN 2.  Sensitivity 0/2 = 0,
 * precision 0/0 = NaN, F1 = 0 / (0 + 0 + 2) = 0, no false alarm: 0 per 24 h. */
static void test_only_references(void)
{
    static const ictus_interval ref[] = {{5000, 5030}, {1000, 1060}};
    ictus_score_params p = defaults();
    ictus_score_counts c = events(ref, N(ref), NULL, 0, DAY_S, &p);
    expect("only references", c, 2, 0, 0, 0, 2);
    expect_metrics(ictus_score_metrics_of(&c), 0, NAN, 0, 0);
}

/* Three detections 290 s and 8580 s apart (not merged), no seizure: FP 3.
 * Sensitivity 0/0 = NaN, precision 0/3 = 0, F1 = 0/3 = 0, 3 per 24 h. */
static void test_only_detections(void)
{
    static const ictus_interval hyp[] = {{100, 110}, {400, 420}, {9000, 9001}};
    ictus_score_params p = defaults();
    ictus_score_counts c = events(NULL, 0, hyp, N(hyp), DAY_S, &p);
    expect("only detections", c, 0, 3, 0, 3, 0);
    expect_metrics(ictus_score_metrics_of(&c), NAN, 0, 0, 3);
}

/* ---- event rules -------------------------------------------------------- */

/* Reference [1000, 1050]: its window is [970, 1110].  A detection ending
 * 0.5 s inside the start (970.5) or starting 0.5 s inside the end (1109.5)
 * finds it; one that ends 0.5 s before, or exactly at, 970, or starts at or
 * after 1110, overlaps nothing: FN 1 and FP 1.  Touching does not count for
 * false positives either: with [1000, 1010] finding the seizure, [1110, 1200]
 * (100 s later, not merged) touches the found window's end: FP 1. */
static void test_tolerance_edges(void)
{
    static const ictus_interval ref[] = {{1000, 1050}};
    static const struct {
        ictus_interval hyp;
        bool found;
    } cases[] = {
        {{900, 970.5}, true},    {{900, 969.5}, false},   {{900, 970}, false},
        {{1109.5, 1200}, true},  {{1110, 1200}, false},   {{1110.5, 1200}, false},
    };
    ictus_score_params p = defaults();
    for (size_t i = 0; i < N(cases); i++) {
        char what[80];
        snprintf(what, sizeof what, "detection [%g, %g]", cases[i].hyp.start_s,
                 cases[i].hyp.end_s);
        ictus_score_counts c = events(ref, 1, &cases[i].hyp, 1, DAY_S, &p);
        if (cases[i].found)
            expect(what, c, 1, 1, 1, 0, 0);
        else
            expect(what, c, 1, 1, 0, 1, 1);
    }
    static const ictus_interval found_and_touching[] = {{1110, 1200}, {1000, 1010}};
    expect("detection touching a found window", events(ref, 1, found_and_touching, 2, DAY_S, &p),
           1, 2, 1, 1, 0);
}

/* Windows are clipped to the recording.  Reference [10, 20]: its window
 * [-20, 80] becomes [0, 80], 80 s.  With min_overlap 0.5, detection [0, 40.5]
 * covers 40.5/80 = 0.506 > 0.5: found (over the unclipped 100 s it would be
 * 0.405, missed); [0, 39.9] covers 0.499: missed, and then it overlaps no
 * detected reference's window: FP.  The test is "more than min_overlap +
 * 1e-6" (timescoring's): exactly 0.5 ([0, 40]) and 0.5000005 ([0, 40.00004])
 * are missed too.  At the other end, in a 1000 s recording, reference
 * [980, 990] has the window [950, 1000] (50 s, not 100 s): [970, 1000]
 * covers 0.6 of it, found (0.3 unclipped). */
static void test_window_clipped_min_overlap(void)
{
    static const ictus_interval ref[] = {{10, 20}};
    static const ictus_interval hit[] = {{0, 40.5}}, miss[] = {{0, 39.9}}, half[] = {{0, 40}},
                                slack[] = {{0, 40.00004}};
    ictus_score_params p = defaults();
    p.min_overlap = 0.5;
    expect("min_overlap 0.5, 0.506 covered", events(ref, 1, hit, 1, DAY_S, &p), 1, 1, 1, 0, 0);
    expect("min_overlap 0.5, 0.499 covered", events(ref, 1, miss, 1, DAY_S, &p), 1, 1, 0, 1, 1);
    expect("min_overlap 0.5, 0.5 covered", events(ref, 1, half, 1, DAY_S, &p), 1, 1, 0, 1, 1);
    expect("min_overlap 0.5, 0.5000005 covered", events(ref, 1, slack, 1, DAY_S, &p), 1, 1, 0, 1,
           1);
    static const ictus_interval ref_at_end[] = {{980, 990}}, hyp_at_end[] = {{970, 1000}};
    expect("min_overlap 0.5, window clipped at the end",
           events(ref_at_end, 1, hyp_at_end, 1, 1000, &p), 1, 1, 1, 0, 0);
}

/* Seizures [1000, 1010] and [1200, 1210] (190 s apart: not merged); one
 * detection [1005, 1205] overlaps both windows: TP 2, FP 0.  Sensitivity 1,
 * precision 2/2 = 1, F1 = 4/4 = 1. */
static void test_one_detection_two_references(void)
{
    static const ictus_interval ref[] = {{1200, 1210}, {1000, 1010}};
    static const ictus_interval hyp[] = {{1005, 1205}};
    ictus_score_params p = defaults();
    ictus_score_counts c = events(ref, N(ref), hyp, N(hyp), DAY_S, &p);
    expect("one detection over two seizures", c, 2, 1, 2, 0, 0);
    expect_metrics(ictus_score_metrics_of(&c), 1, 1, 1, 0);
}

/* DOMAIN.md's false-positive rule: detection [1010, 1200] finds reference
 * [1000, 1020] (window [970, 1080]) and reaches 120 s past the window; it
 * overlaps a window, so it is no false positive (timescoring would count
 * one). */
static void test_detection_reaching_past_window(void)
{
    static const ictus_interval ref[] = {{1000, 1020}};
    static const ictus_interval hyp[] = {{1010, 1200}};
    ictus_score_params p = defaults();
    expect("detection reaching past the window", events(ref, 1, hyp, 1, DAY_S, &p), 1, 1, 1, 0, 0);
}

/* Detections [1000, 1010] and [1090, 1100] are 80 s apart (< 90 s): one
 * event, one false alarm.  [1000, 1010] and [1100, 1110] are exactly 90 s
 * apart: not merged, two false alarms.  Merging applies to references too:
 * seizures [1000, 1010] and [1050, 1060] are one reference event. */
static void test_merge(void)
{
    static const ictus_interval close[] = {{1090, 1100}, {1000, 1010}};
    static const ictus_interval at_gap[] = {{1000, 1010}, {1100, 1110}};
    static const ictus_interval ref[] = {{1000, 1010}, {1050, 1060}};
    static const ictus_interval hyp[] = {{1055, 1056}};
    ictus_score_params p = defaults();
    expect("detections 80 s apart", events(NULL, 0, close, 2, DAY_S, &p), 0, 1, 0, 1, 0);
    expect("detections 90 s apart", events(NULL, 0, at_gap, 2, DAY_S, &p), 0, 2, 0, 2, 0);
    expect("seizures 40 s apart", events(ref, 2, hyp, 1, DAY_S, &p), 1, 1, 1, 0, 0);
}

/* Reference [1000, 1700] (700 s) is cut into [1000, 1300], [1300, 1600],
 * [1600, 1700], with windows [970, 1360], [1270, 1660], [1570, 1760].
 * Detections [1010, 1020] and [1665, 1670] (645 s apart) hit the first and
 * third windows only: ref 3, TP 2, FN 1.  A 300 s event is not cut; 600.5 s
 * makes 300 + 300 + 0.5; detections are cut as well (a lone 700 s detection
 * is 3 false alarms); max_event_s = 0 never cuts. */
static void test_split(void)
{
    static const ictus_interval ref[] = {{1000, 1700}};
    static const ictus_interval hyp[] = {{1665, 1670}, {1010, 1020}};
    static const ictus_interval exactly_300[] = {{1000, 1300}};
    static const ictus_interval just_over_600[] = {{1000, 1600.5}};
    ictus_score_params p = defaults();
    expect("700 s seizure", events(ref, 1, hyp, 2, DAY_S, &p), 3, 2, 2, 0, 1);
    expect("300 s seizure", events(exactly_300, 1, NULL, 0, DAY_S, &p), 1, 0, 0, 0, 1);
    expect("600.5 s seizure", events(just_over_600, 1, NULL, 0, DAY_S, &p), 3, 0, 0, 0, 3);
    expect("700 s detection", events(NULL, 0, ref, 1, DAY_S, &p), 0, 3, 0, 3, 0);
    p.max_event_s = 0;
    expect("700 s seizure, no cut", events(ref, 1, hyp, 2, DAY_S, &p), 1, 2, 1, 0, 0);
}

/* A data set labelled in adjacent segments, scored with merge_gap_s = 0:
 * seizures [100, 110], [110, 120], [120, 130] stay 3 events (windows [70, 170],
 * [80, 180], [90, 190]); detection [112, 114] is in all three: TP 3; the
 * touching detections [500, 510], [510, 520] stay 2 false alarms.  With the
 * default 90 s merge the same input is 1 seizure, found, and detections
 * [112, 114] and [500, 520] (386 s apart): 1 false alarm.  Overlapping
 * intervals are joined even without merging: [100, 110] + [105, 120] is one. */
static void test_adjacent_segments_no_merge(void)
{
    static const ictus_interval ref[] = {{110, 120}, {100, 110}, {120, 130}};
    static const ictus_interval hyp[] = {{510, 520}, {112, 114}, {500, 510}};
    static const ictus_interval overlapping[] = {{100, 110}, {105, 120}};
    ictus_score_params p = defaults();
    expect("segments, default merge", events(ref, 3, hyp, 3, DAY_S, &p), 1, 2, 1, 1, 0);
    p.merge_gap_s = 0;
    expect("segments, no merge", events(ref, 3, hyp, 3, DAY_S, &p), 3, 3, 3, 2, 0);
    expect("overlapping, no merge", events(overlapping, 2, NULL, 0, DAY_S, &p), 1, 0, 0, 0, 1);
}

/* Three false alarms over two days: 1.5 per 24 h; with no seizure,
 * sensitivity NaN, precision 0/3 = 0, F1 0/3 = 0. */
static void test_fp_per_24h_two_days(void)
{
    static const ictus_interval hyp[] = {{1000, 1010}, {50000, 50060}, {170000, 170030}};
    ictus_score_params p = defaults();
    ictus_score_counts c = events(NULL, 0, hyp, N(hyp), 2 * DAY_S, &p);
    expect("two days", c, 0, 3, 0, 3, 0);
    expect_metrics(ictus_score_metrics_of(&c), NAN, 0, 0, 1.5);
}

/* ---- sample scoring --------------------------------------------------- */

/* 10 s, 1 s bins, positive at >= 50 % coverage.
 * Reference [2.5, 5.0]: bin 2 half covered (positive), bins 3, 4; [7.0, 7.3]
 * twice covers 0.3 of bin 7 (the union, not 0.6): {2, 3, 4}.
 * Detections [3.5, 6.49]: bin 3 half (positive), 4, 5, bin 6 0.49 (not);
 * [8.1, 8.4] + [8.6, 8.9]: 0.3 + 0.3 of bin 8 (positive together);
 * [9.1, 9.4] twice: the union covers 0.3 of bin 9 (not): {3, 4, 5, 8}.
 * TP {3, 4} = 2, FP {5, 8} = 2, FN {2} = 1: sensitivity 2/3, precision 1/2,
 * F1 4/7, 2 FP in 10 s = 17280 per 24 h.
 * At bin_coverage 0.6: reference {3, 4}, detections {4, 5, 8}: TP 1 FP 2 FN 1.
 * With 2 s bins (5 bins): reference covers 1.5 s of [2, 4) and 1 s of [4, 6):
 * both positive. */
static void test_samples(void)
{
    static const ictus_interval ref[] = {{7.0, 7.3}, {2.5, 5.0}, {7.0, 7.3}};
    static const ictus_interval hyp[] = {{9.1, 9.4}, {8.6, 8.9}, {3.5, 6.49}, {9.1, 9.4},
                                         {8.1, 8.4}};
    ictus_score_params p = defaults();
    ictus_score_counts c = samples(ref, N(ref), hyp, N(hyp), 10, &p);
    expect("samples", c, 3, 4, 2, 2, 1);
    expect_metrics(ictus_score_metrics_of(&c), 2.0 / 3, 0.5, 4.0 / 7, 17280);
    p.bin_coverage = 0.6;
    expect("samples at 60 %", samples(ref, N(ref), hyp, N(hyp), 10, &p), 2, 3, 1, 2, 1);
    p = defaults();
    p.bin_s = 2;
    expect("2 s bins", samples(ref, N(ref), NULL, 0, 10, &p), 2, 0, 0, 0, 2);
}

/* The bin count is round(duration / bin): reference [10, 10.6] covers 0.6 of
 * bin 10, which exists in 10.6 s (11 bins) but not in 10.4 s (10 bins), even
 * at bin_coverage 0.3 where the 0.4 s left in 10.4 s would be enough.
 * Sample scoring never merges: [0, 1] and [2, 3] are 2 bins, not 3.
 * Half a bin counts despite rounding: with 0.1 s bins, [0.45, 0.7] covers
 * half of bin 4 (0.5 - 0.45 is just under 0.05 in binary) and bins 5, 6. */
static void test_samples_edges(void)
{
    static const ictus_interval last[] = {{10, 10.6}};
    static const ictus_interval apart[] = {{0, 1}, {2, 3}};
    ictus_score_params p = defaults();
    expect("10.6 s", samples(last, 1, NULL, 0, 10.6, &p), 1, 0, 0, 0, 1);
    expect("10.4 s", samples(last, 1, NULL, 0, 10.4, &p), 0, 0, 0, 0, 0);
    expect("no merge in samples", samples(apart, 2, NULL, 0, 10, &p), 2, 0, 0, 0, 2);
    p.bin_coverage = 0.3;
    expect("10.4 s at 30 %", samples(last, 1, NULL, 0, 10.4, &p), 0, 0, 0, 0, 0);
    static const ictus_interval tenths[] = {{0.45, 0.7}};
    p = defaults();
    p.bin_s = 0.1;
    expect("0.1 s bins", samples(tenths, 1, NULL, 0, 1, &p), 3, 0, 0, 0, 3);
}

/* ---- agreement with the mask-based reference ---------------------------- */

typedef struct {
    double duration_s;
    ictus_score_params p;
    ictus_interval *ref, *hyp;
    size_t n_ref, n_hyp;
    ictus_score_counts want_events, want_samples;
} fixture_case;

static bool read_counts(FILE *f, const char *tag, ictus_score_counts *c)
{
    char line[256], word[16];
    long long v[5];
    if (!fgets(line, sizeof line, f) ||
        sscanf(line, "%15s %lld %lld %lld %lld %lld", word, &v[0], &v[1], &v[2], &v[3],
               &v[4]) != 6 ||
        strcmp(word, tag) != 0)
        return false;
    *c = (ictus_score_counts){v[0], v[1], v[2], v[3], v[4], 0};
    return true;
}

static bool read_intervals(FILE *f, const char *tag, size_t n, ictus_interval *out)
{
    for (size_t i = 0; i < n; i++) {
        char line[256], word[16];
        if (!fgets(line, sizeof line, f) ||
            sscanf(line, "%15s %lf %lf", word, &out[i].start_s, &out[i].end_s) != 3 ||
            strcmp(word, tag) != 0)
            return false;
    }
    return true;
}

/* Reads the next case; false at the end of the file or on a malformed case
 * (*bad set). */
static bool read_case(FILE *f, fixture_case *fc, bool *bad)
{
    char line[256];
    *bad = false;
    do {
        if (!fgets(line, sizeof line, f))
            return false;
    } while (line[0] == '#');
    int id;
    *fc = (fixture_case){0};
    fc->p = defaults();
    if (sscanf(line, "case %d %lf %lf %lf %lf %lf %lf %zu %zu", &id, &fc->duration_s,
               &fc->p.merge_gap_s, &fc->p.max_event_s, &fc->p.tol_before_s, &fc->p.tol_after_s,
               &fc->p.min_overlap, &fc->n_ref, &fc->n_hyp) != 9) {
        *bad = true;
        return false;
    }
    fc->ref = calloc(fc->n_ref + 1, sizeof *fc->ref);
    fc->hyp = calloc(fc->n_hyp + 1, sizeof *fc->hyp);
    *bad = !read_intervals(f, "ref", fc->n_ref, fc->ref) ||
           !read_intervals(f, "hyp", fc->n_hyp, fc->hyp) ||
           !read_counts(f, "events", &fc->want_events) ||
           !read_counts(f, "samples", &fc->want_samples);
    if (*bad) {
        free(fc->ref);
        free(fc->hyp);
    }
    return !*bad;
}

static uint64_t rng_state = 0x2545F4914F6CDD1Dull;
static uint64_t next_u64(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void shuffle(ictus_interval *v, size_t n)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)(next_u64() % i);
        ictus_interval t = v[i - 1];
        v[i - 1] = v[j];
        v[j] = t;
    }
}

/* Every fixture case gives the reference's counts exactly, for events and
 * samples; a shuffled copy of the input gives the same counts, and the
 * scorer leaves the caller's arrays as they were. */
static void test_fixture_agreement(void)
{
    FILE *f = fopen("tests/fixtures/score_cases.txt", "r");
    CHECK_MSG(f != NULL, "tests/fixtures/score_cases.txt: cannot open (run from the project root)");
    if (!f)
        return;
    int n_cases = 0, ev_bad = 0, sa_bad = 0, order_bad = 0, touched = 0;
    int64_t sum_tp = 0, sum_fp = 0;
    fixture_case fc;
    bool bad;
    while (read_case(f, &fc, &bad)) {
        n_cases++;
        ictus_score_counts ev = events(fc.ref, fc.n_ref, fc.hyp, fc.n_hyp, fc.duration_s, &fc.p);
        ictus_score_counts sa = samples(fc.ref, fc.n_ref, fc.hyp, fc.n_hyp, fc.duration_s, &fc.p);
        if (!same_counts(ev, fc.want_events)) {
            ev_bad++;
            expect("fixture events", ev, fc.want_events.ref, fc.want_events.hyp,
                   fc.want_events.tp, fc.want_events.fp, fc.want_events.fn);
        }
        if (!same_counts(sa, fc.want_samples)) {
            sa_bad++;
            expect("fixture samples", sa, fc.want_samples.ref, fc.want_samples.hyp,
                   fc.want_samples.tp, fc.want_samples.fp, fc.want_samples.fn);
        }
        sum_tp += ev.tp;
        sum_fp += ev.fp;

        shuffle(fc.ref, fc.n_ref);
        shuffle(fc.hyp, fc.n_hyp);
        ictus_interval *ref_copy = calloc(fc.n_ref + 1, sizeof *ref_copy);
        ictus_interval *hyp_copy = calloc(fc.n_hyp + 1, sizeof *hyp_copy);
        memcpy(ref_copy, fc.ref, fc.n_ref * sizeof *ref_copy);
        memcpy(hyp_copy, fc.hyp, fc.n_hyp * sizeof *hyp_copy);
        ictus_score_counts ev2 = events(fc.ref, fc.n_ref, fc.hyp, fc.n_hyp, fc.duration_s, &fc.p);
        ictus_score_counts sa2 = samples(fc.ref, fc.n_ref, fc.hyp, fc.n_hyp, fc.duration_s, &fc.p);
        order_bad += !same_counts(ev, ev2) || !same_counts(sa, sa2);
        touched += memcmp(ref_copy, fc.ref, fc.n_ref * sizeof *ref_copy) != 0 ||
                   memcmp(hyp_copy, fc.hyp, fc.n_hyp * sizeof *hyp_copy) != 0;
        free(ref_copy);
        free(hyp_copy);
        free(fc.ref);
        free(fc.hyp);
    }
    CHECK_MSG(!bad, "score_cases.txt: malformed case after case %d", n_cases);
    fclose(f);
    CHECK_INT(n_cases, 400);
    CHECK_INT(ev_bad, 0);
    CHECK_INT(sa_bad, 0);
    CHECK_INT(order_bad, 0);
    CHECK_INT(touched, 0);
    /* The cases exercise both outcomes (else agreement would prove little). */
    CHECK(sum_tp > 100 && sum_fp > 100);
}

/* ---- aggregation -------------------------------------------------------- */

/* Animal A, two recordings of a day: (ref 1, TP 1) and (ref 1, FN 1, FP 2):
 *   summed ref 2, TP 1, FP 2, FN 1 over 2 days: sens 1/2, prec 1/3,
 *   F1 2/(2+2+1) = 0.4, 1 FP per 24 h.
 * Animal B, one day: ref 4, TP 4: sens 1, prec 1, F1 1, 0 per 24 h.
 * Animal C, one day: no seizure, FP 1: sens NaN, prec 0, F1 0, 1 per 24 h.
 * Mean over animals (NaN left out): sens (0.5 + 1)/2 = 0.75 over 2 animals,
 *   prec (1/3 + 1 + 0)/3 = 4/9, F1 (0.4 + 1 + 0)/3 = 1.4/3, FP (1 + 0 + 1)/3.
 * Pooled: ref 6, TP 5, FP 3, FN 1 over 4 days: sens 5/6, prec 5/8,
 *   F1 10/14, 0.75 per 24 h.  The two differ in every metric. */
static void test_aggregate(void)
{
    static const ictus_score_counts a1 = {1, 1, 1, 0, 0, DAY_S}, a2 = {1, 2, 0, 2, 1, DAY_S},
                                    b = {4, 4, 4, 0, 0, DAY_S}, c = {0, 1, 0, 1, 0, DAY_S};
    ictus_score_table *t = ictus_score_table_create();
    ictus_score_table_add(t, "A", &a1);
    ictus_score_table_add(t, "B", &b);
    ictus_score_table_add(t, "A", &a2);
    ictus_score_table_add(t, "C", &c);
    CHECK_INT(ictus_score_table_count(t), 3);

    ictus_score_row row = ictus_score_table_row(t, 0);
    CHECK_STR(row.animal, "A");
    expect("animal A", row.counts, 2, 3, 1, 2, 1);
    CHECK_NEAR(row.counts.duration_s, 2 * DAY_S, 0, 0);
    expect_metrics(row.metrics, 0.5, 1.0 / 3, 0.4, 1);
    row = ictus_score_table_row(t, 1);
    CHECK_STR(row.animal, "B");
    expect_metrics(row.metrics, 1, 1, 1, 0);
    row = ictus_score_table_row(t, 2);
    CHECK_STR(row.animal, "C");
    expect_metrics(row.metrics, NAN, 0, 0, 1);

    ictus_score_summary s = ictus_score_table_summary(t);
    CHECK_INT(s.n_animals, 3);
    expect("pooled", s.total, 6, 8, 5, 3, 1);
    expect_metrics(s.pooled, 5.0 / 6, 5.0 / 8, 10.0 / 14, 0.75);
    expect_metrics(s.mean, 0.75, 4.0 / 9, 1.4 / 3, 2.0 / 3);
    CHECK_INT(s.n_mean.sensitivity, 2);
    CHECK_INT(s.n_mean.precision, 3);
    CHECK_INT(s.n_mean.f1, 3);
    CHECK_INT(s.n_mean.fp_per_24h, 3);
    ictus_score_table_destroy(t);

    /* An empty table: no animals, every mean and pooled metric NaN. */
    t = ictus_score_table_create();
    s = ictus_score_table_summary(t);
    CHECK_INT(s.n_animals, 0);
    expect_metrics(s.mean, NAN, NAN, NAN, NAN);
    expect_metrics(s.pooled, NAN, NAN, NAN, NAN);
    ictus_score_table_destroy(t);
    ictus_score_table_destroy(NULL);
}

/* ---- settings ----------------------------------------------------------- */

static void test_params(void)
{
    ictus_score_params p = defaults();
    CHECK(p.merge_gap_s == 90 && p.max_event_s == 300 && p.tol_before_s == 30 &&
          p.tol_after_s == 60 && p.min_overlap == 0 && p.bin_s == 1 && p.bin_coverage == 0.5);

    ictus_error err;
    ictus_config *cfg = ictus_config_create();
    CHECK(ictus_config_parse(cfg, "[score]\nmerge_gap_s = 0\ntol_before_s = 10\n", "preset.ini",
                             &err) == ICTUS_OK);
    CHECK(ictus_score_params_apply(&p, cfg, &err) == ICTUS_OK);
    CHECK(p.merge_gap_s == 0 && p.tol_before_s == 10 && p.tol_after_s == 60);
    CHECK(ictus_config_check_used(cfg, ictus_score_sections, &err) == ICTUS_OK);
    ictus_config_destroy(cfg);

    /* Out of range or malformed: a configuration error naming the key. */
    static const struct { const char *text, *key; } bad[] = {
        {"[score]\nbin_coverage = 1.5\n", "bin_coverage"}, {"[score]\nbin_s = 0\n", "bin_s"},
        {"[score]\nmax_event_s = 0.5\n", "max_event_s"},
        {"[score]\ntol_after_s = x\n", "tol_after_s"},
    };
    for (size_t i = 0; i < N(bad); i++) {
        cfg = ictus_config_create();
        CHECK(ictus_config_parse(cfg, bad[i].text, "bad.ini", &err) == ICTUS_OK);
        p = defaults();
        ictus_error_clear(&err);
        CHECK_MSG(ictus_score_params_apply(&p, cfg, &err) == ICTUS_ERR_CONFIG, "'%s' accepted",
                  bad[i].text);
        CHECK_MSG(strstr(err.msg, bad[i].key) != NULL, "message '%s' does not name %s", err.msg,
                  bad[i].key);
        ictus_config_destroy(cfg);
    }

    p = defaults();
    char buf[512];
    size_t need = ictus_score_params_describe(&p, buf, sizeof buf);
    CHECK_INT(need, strlen(buf));
    CHECK(strstr(buf, "score.merge_gap_s=90\n") && strstr(buf, "score.max_event_s=300\n") &&
          strstr(buf, "score.tol_before_s=30\n") && strstr(buf, "score.tol_after_s=60\n") &&
          strstr(buf, "score.min_overlap=0\n") && strstr(buf, "score.bin_s=1\n") &&
          strstr(buf, "score.bin_coverage=0.5\n"));
    char small[8];
    CHECK_INT(ictus_score_params_describe(&p, small, sizeof small), need);
    CHECK_INT(strlen(small), sizeof small - 1);
    CHECK_INT(ictus_score_params_describe(&p, NULL, 0), need);
}

/* Score inputs' times are held within 10 years of the recording's start:
 * the event ending at 1.4e15 s the fuzzer found (cut into 300 s pieces, it
 * asked for gigabytes) is a problem naming its place, and the rows within
 * the limit are still scored. */
static void test_inputs_time_limit(void)
{
    char *dir = support_tmpdir("score");
    const char *truth = support_path(dir, "truth.csv");
    FILE *f = fopen(truth, "w");
    fputs("recording,start_s,end_s\n"
          "A.edf,100,1377777777777777\n"
          "A.edf,10,40\n"
          "A.edf,-315576001,20\n"
          "B.edf,315576000,315576000\n",
          f);
    fclose(f);
    ictus_score_sources src = {.truth_path = truth, .pred_path = truth};
    ictus_score_inputs *in = NULL;
    ictus_error err;
    CHECK(ictus_score_inputs_load(&src, &in, &err) == ICTUS_OK);
    if (in) {
        CHECK(in->problems);
        int far = 0;
        for (int i = 0; i < in->n_notes; i++)
            if (strstr(in->notes[i].text, "expected times within 10 years")) {
                far++;
                CHECK_MSG(in->notes[i].problem && strstr(in->notes[i].text, "truth.csv:") &&
                          (strstr(in->notes[i].text, ":2:2 (start_s)") ||
                           strstr(in->notes[i].text, ":4:2 (start_s)")),
                          "%s", in->notes[i].text);
            }
        CHECK_INT(far, 4); /* rows 2 and 4 of each side */
        size_t n_ref = 0;
        for (int i = 0; i < in->n_recs; i++)
            n_ref += in->recs[i].n_ref;
        CHECK_INT(n_ref, 2);
        ictus_score_params p;
        ictus_score_params_default(&p);
        ictus_score_table *events = ictus_score_table_create();
        ictus_score_table *samples = ictus_score_table_create();
        ictus_score_inputs_tables(in, &p, events, samples);
        ictus_score_table_destroy(events);
        ictus_score_table_destroy(samples);
        ictus_score_inputs_destroy(in);
    }
    support_tmpdir_remove(dir);
}

int main(void)
{
    test_no_events();
    test_only_references();
    test_only_detections();
    test_tolerance_edges();
    test_window_clipped_min_overlap();
    test_one_detection_two_references();
    test_detection_reaching_past_window();
    test_merge();
    test_split();
    test_adjacent_segments_no_merge();
    test_fp_per_24h_two_days();
    test_samples();
    test_samples_edges();
    test_fixture_agreement();
    test_aggregate();
    test_params();
    test_inputs_time_limit();
    return check_done("test_score");
}
