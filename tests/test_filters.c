/* test_filters.c: the sample stages (decimate, highpass, notch) and their
 * designs, against SciPy and against their block contract.
 *
 * References: tests/fixtures/filters_{fir,iir,stages}.txt, written by
 * gen_filters.py with SciPy 1.10 (the formats are documented there).
 * Tolerances:
 *   - FIR design in double: tap count exact, beta within 1e-14 relative,
 *     taps within 1e-12 absolute; the decimator's float taps (read back as
 *     its impulse response) within 1e-7 absolute, zero outside its length;
 *     stop band >= atten - 1 dB beyond the stop edge, pass band within
 *     +-10^(-(atten - 2) / 20) up to the pass edge (Kaiser's ripple is equal
 *     in both bands; his length formula is an estimate, and the measured
 *     ripple reaches 1.2 x 10^(-atten / 20));
 *   - IIR design: coefficients within 1e-12 relative (+1e-14 absolute), the
 *     cascade's response within 1e-9 of sosfreqz, sosfilt_zi within 1e-10
 *     relative to the section's largest state (SciPy solves a linear system
 *     that is ill-conditioned with poles near z = 1 and is off by up to
 *     6e-11 there; ours is the closed form);
 *   - a 10 µV sine on a 1.8e5 µV offset: the decimator within 1 float ulp of
 *     1.8e5 (1/64 µV) of a double evaluation, the high-pass within half an
 *     ulp RMS of the analytic response;
 *   - stage outputs: the float decimator within 1e-6 x the RMS of the
 *     reference; the double IIR stages the reference rounded to float,
 *     within 2^-24 |ref| + 1e-9 x RMS;
 *   - block invariance, reset and NaN locality: bit-identical;
 *   - cascades side by side in lanes (ictus_iir_process_lanes, the stages'
 *     process_lanes): bit-identical to each cascade alone.
 * The stages are driven directly through their descriptors (the chain is
 * tested in test_chain.c).
 */
#include <complex.h>
#include <stdint.h>
#include <stdlib.h>

#include "tests/check.h"
#include "tests/support_tmp.h"
#include "pipeline/dsp/firdesign.h"
#include "pipeline/dsp/iirdesign.h"
#include "pipeline/source/source.h"
#include "pipeline/dsp/stage.h"

/* ===== Random numbers ===== */

static uint64_t rng_state = 0x2545F4914F6CDD1Dull;
static uint64_t next_u64(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static size_t rand_below(size_t n)
{
    return n ? (size_t)(next_u64() % n) : 0;
}

static double rand_uniform(void)
{
    return (double)(next_u64() >> 11) / 9007199254740992.0;
}

/* A float signal: an offset, noise and a few sines. */
static float *make_signal(size_t n, double fs_hz, double offset)
{
    float *x = ictus_xmalloc((n ? n : 1) * sizeof *x);
    for (size_t i = 0; i < n; i++) {
        double t = (double)i / fs_hz;
        x[i] = (float)(offset + 40 * (rand_uniform() - 0.5) + 30 * sin(2 * M_PI * 9 * t) +
                       10 * sin(2 * M_PI * 50 * t));
    }
    return x;
}

/* Sparse random sample flags. */
static uint8_t *make_flags(size_t n)
{
    uint8_t *f = ictus_xmalloc(n ? n : 1);
    for (size_t i = 0; i < n; i++) {
        uint64_t r = next_u64() % 64;
        f[i] = r == 0 ? ICTUS_SAMPLE_CLIP : r == 1 ? ICTUS_SAMPLE_MISSING : 0;
    }
    return f;
}

/* ===== Fixtures ===== */

/* Open tests/fixtures/NAME and skip its '#' header lines. */
static FILE *open_fixture(const char *name)
{
    const char *path = support_path("tests/fixtures", name);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "%s: cannot open (run from the project root)\n", path);
        exit(1);
    }
    int c;
    while ((c = fgetc(f)) == '#')
        while ((c = fgetc(f)) != '\n' && c != EOF)
            ;
    ungetc(c, f);
    return f;
}

static double read_double(FILE *f)
{
    double v;
    if (fscanf(f, "%lf", &v) != 1) {
        fprintf(stderr, "fixture: expected a number at byte %ld\n", ftell(f));
        exit(1);
    }
    return v;
}

static int read_int(FILE *f)
{
    return (int)read_double(f);
}

static void read_word(FILE *f, char *word)
{
    if (fscanf(f, "%31s", word) != 1) {
        fprintf(stderr, "fixture: expected a word at byte %ld\n", ftell(f));
        exit(1);
    }
}

/* ===== Driving a stage ===== */

/* Allocate and start a stage instance as the chain does. */
static ictus_status stage_open(ictus_stage *st, const ictus_stage_desc *desc,
                               const ictus_settings *set, double fs_hz, ictus_error *err)
{
    *st = (ictus_stage){.desc = desc, .priv = ictus_xcalloc(1, desc->priv_size),
                        .fs_in_hz = fs_hz};
    return desc->start(st, set, fs_hz, &st->fs_out_hz, err);
}

static void stage_close(ictus_stage *st)
{
    if (st->desc->stop)
        st->desc->stop(st);
    free(st->priv);
}

static void stage_bounds(const ictus_stage *st, double *ratio, size_t *extra)
{
    *ratio = 1;
    *extra = 0;
    if (st->desc->bounds)
        st->desc->bounds(st, ratio, extra);
}

static size_t bound_for(const ictus_stage *st, size_t n_in)
{
    double ratio;
    size_t extra;
    stage_bounds(st, &ratio, &extra);
    return (size_t)ceil((double)n_in * ratio) + extra;
}

/* Random block sizes: 0, 1, small or large. */
static size_t random_block(void)
{
    size_t r = rand_below(10);
    return r == 0 ? 0 : r <= 2 ? 1 : r <= 8 ? 2 + rand_below(300) : rand_below(5000);
}

/* Run one segment of n samples starting at virtual index first_index
 * through st (reset, process, drain) into y / yf (room for cap outputs);
 * returns the number of outputs.  random_blocks: random block sizes and
 * random output room, often too small, so process() and drain() must stop
 * early and report their counts; otherwise one block with the room that
 * bounds() asks for, checking that bound. */
static size_t run_segment(ictus_stage *st, const float *x, const uint8_t *xf, size_t n,
                          int64_t first_index, bool random_blocks, float *y, uint8_t *yf,
                          size_t cap, int64_t *out_index)
{
    int64_t out_index_dummy;
    st->desc->reset(st, first_index, out_index ? out_index : &out_index_dummy);
    size_t pos = 0, made = 0;
    int idle = 0;
    while (pos < n && idle < 1000) {
        size_t n_in = random_blocks ? random_block() : n - pos;
        if (n_in > n - pos)
            n_in = n - pos;
        size_t want = bound_for(st, n_in), room = random_blocks ? rand_below(want + 2) : want;
        if (room > cap - made)
            room = cap - made;
        size_t asked_in = n_in, asked_out = room;
        st->desc->process(st, x + pos, xf + pos, &n_in, y + made, yf + made, &room);
        if (!CHECK(n_in <= asked_in && room <= asked_out))
            return made;
        if (!random_blocks)
            CHECK_INT(n_in, asked_in);
        idle = (n_in == 0 && room == 0) ? idle + 1 : 0;
        pos += n_in;
        made += room;
    }
    CHECK_MSG(idle < 1000, "process() made no progress");
    idle = 0;
    for (int calls = 0; st->desc->drain && idle < 1000; calls++) {
        size_t asked = random_blocks ? rand_below(3) : bound_for(st, 0);
        if (asked > cap - made)
            asked = cap - made;
        size_t room = asked;
        st->desc->drain(st, y + made, yf + made, &room);
        if (!CHECK(room <= asked))
            break;
        made += room;
        if (!random_blocks && calls == 1)
            CHECK_MSG(room == 0, "drain() held back more than bounds() allows");
        if (room == 0 && asked > 0)
            break;
        idle = room == 0 ? idle + 1 : 0;
    }
    return made;
}

/* Settings for one stage's parameters (kind as in the fixtures). */
static void settings_for(ictus_settings *set, const char *kind, double p1, double p2, double p3)
{
    ictus_settings_default(set);
    if (strcmp(kind, "decimate") == 0) {
        set->analysis_hz = p1;
        set->decimate_atten_db = p2;
    } else if (strcmp(kind, "highpass") == 0) {
        set->highpass_hz = p1;
        set->highpass_order = (int)p2;
    } else {
        set->mains_hz = p1;
        set->notch_q = p2;
        set->notch_harmonics = (int)p3;
    }
}

static const ictus_stage_desc *desc_for(const char *kind)
{
    return strcmp(kind, "decimate") == 0   ? &ictus_stage_decimate
           : strcmp(kind, "highpass") == 0 ? &ictus_stage_highpass
                                           : &ictus_stage_notch;
}

/* Multiples of m in [first, first + n). */
static size_t multiples_in(int64_t first, size_t n, int m)
{
    int64_t lo = (first + m - 1) / m, hi = (first + (int64_t)n + m - 1) / m;
    return (size_t)(hi - lo);
}

static double rms_of(const double *v, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += v[i] * v[i];
    return n ? sqrt(s / (double)n) : 0;
}

/* ===== FIR design (filters_fir.txt) ===== */

/* |H(f)| of a real FIR at f_hz. */
static double fir_gain(const double *h, int n, double f_hz, double fs_hz)
{
    double complex acc = 0;
    for (int k = 0; k < n; k++)
        acc += h[k] * cexp(-I * 2 * M_PI * f_hz / fs_hz * k);
    return cabs(acc);
}

/* The decimator's impulse response (impulses at each phase) equals the
 * firwin taps in float and is zero outside them. */
static void check_decimator_taps(const ictus_settings *set, double fs_hz, int m, int n_taps,
                                 const double *h)
{
    ictus_stage st;
    ictus_error err;
    if (!CHECK(stage_open(&st, &ictus_stage_decimate, set, fs_hz, &err) == ICTUS_OK))
        return;
    CHECK(!st.bypass);
    CHECK_NEAR(st.fs_out_hz, fs_hz / m, 1e-15, 0);
    char text[128], want[128];
    st.desc->describe(&st, text, sizeof text);
    snprintf(want, sizeof want, "decimate(%d, %d taps %g dB)", m, n_taps, set->decimate_atten_db);
    CHECK_STR(text, want);

    int delay = (n_taps - 1) / 2;
    size_t n = (size_t)(3 * n_taps + 4 * m), center = (size_t)((n_taps + m) / m * m);
    float *x = ictus_xcalloc(n, sizeof *x), *y = ictus_xmalloc(n * sizeof *y);
    uint8_t *f = ictus_xcalloc(n, 1), *yf = ictus_xmalloc(n);
    double worst = 0;
    int bad_zero = 0, seen = 0;
    for (int p = 0; p < m; p++) {
        x[center + (size_t)p] = 1;
        size_t got = run_segment(&st, x, f, n, 0, false, y, yf, n, NULL);
        CHECK_INT(got, multiples_in(0, n, m));
        for (size_t k = 0; k < got; k++) {
            long j = (long)(k * (size_t)m) + delay - (long)(center + (size_t)p);
            if (j >= 0 && j < n_taps) {
                worst = fmax(worst, fabs(y[k] - h[j]));
                seen++;
            } else if (y[k] != 0) {
                bad_zero++;
            }
        }
        x[center + (size_t)p] = 0;
    }
    CHECK_INT(seen, n_taps);
    CHECK_MSG(worst <= 1e-7, "fs %g: decimator taps differ from firwin by %g", fs_hz, worst);
    CHECK_MSG(bad_zero == 0, "fs %g: %d outputs beyond the %d taps are not zero", fs_hz, bad_zero,
              n_taps);
    free(x);
    free(y);
    free(f);
    free(yf);
    stage_close(&st);
}

static void test_fir_design(void)
{
    FILE *f = open_fixture("filters_fir.txt");
    int n_cases = read_int(f);
    for (int c = 0; c < n_cases; c++) {
        double fs_hz = read_double(f), analysis_hz = read_double(f), atten_db = read_double(f);
        int m = read_int(f), n_kaiser = read_int(f), n_taps = read_int(f);
        double beta_ref = read_double(f);
        double *h_ref = ictus_xmalloc((size_t)n_taps * sizeof *h_ref);
        for (int k = 0; k < n_taps; k++)
            h_ref[k] = read_double(f);

        double fs_out_hz = fs_hz / m, nyq_hz = 0.5 * fs_hz;
        double pass_hz = 0.8 * fs_out_hz / 2, stop_hz = 1.2 * fs_out_hz / 2;
        int n;
        double beta;
        ictus_kaiserord(atten_db, (stop_hz - pass_hz) / nyq_hz, &n, &beta);
        CHECK_INT(n, n_kaiser);
        CHECK_NEAR(beta, beta_ref, 1e-14, 0);
        double *h = ictus_xmalloc((size_t)n_taps * sizeof *h);
        ictus_firwin_kaiser(n_taps, fs_out_hz / 2 / nyq_hz, beta, h);
        double worst = 0;
        for (int k = 0; k < n_taps; k++)
            worst = fmax(worst, fabs(h[k] - h_ref[k]));
        CHECK_MSG(worst <= 1e-12, "fs %g atten %g: taps differ from firwin by %g", fs_hz,
                  atten_db, worst);

        /* The designed response: attenuation beyond the stop edge, ripple
         * up to the pass edge. */
        double stop_worst_db = -INFINITY, pass_worst = 0;
        for (int i = 0; i <= 4000; i++) {
            double f_hz = nyq_hz * i / 4000;
            double g = fir_gain(h, n_taps, f_hz, fs_hz);
            if (f_hz >= stop_hz)
                stop_worst_db = fmax(stop_worst_db, 20 * log10(g));
            if (f_hz <= pass_hz)
                pass_worst = fmax(pass_worst, fabs(g - 1));
        }
        CHECK_MSG(stop_worst_db <= -(atten_db - 1), "fs %g: stop band reaches %g dB, want <= -%g",
                  fs_hz, stop_worst_db, atten_db - 1);
        CHECK_MSG(pass_worst <= pow(10, -(atten_db - 2) / 20),
                  "fs %g: pass-band ripple %g for %g dB", fs_hz, pass_worst, atten_db);

        ictus_settings set;
        settings_for(&set, "decimate", analysis_hz, atten_db, 0);
        check_decimator_taps(&set, fs_hz, m, n_taps, h_ref);
        free(h);
        free(h_ref);
    }
    fclose(f);
}

/* ===== IIR design (filters_iir.txt) ===== */

static double complex sos_response(const ictus_biquad *sos, int n, double f_hz, double fs_hz)
{
    double complex z1 = cexp(-I * 2 * M_PI * f_hz / fs_hz), z2 = z1 * z1, h = 1;
    for (int s = 0; s < n; s++)
        h *= (sos[s].b[0] + sos[s].b[1] * z1 + sos[s].b[2] * z2) /
             (sos[s].a[0] + sos[s].a[1] * z1 + sos[s].a[2] * z2);
    return h;
}

static void test_iir_design(void)
{
    FILE *f = open_fixture("filters_iir.txt");
    int n_cases = read_int(f);
    for (int c = 0; c < n_cases; c++) {
        char kind[32];
        read_word(f, kind);
        double p1 = read_double(f), p2 = read_double(f), fs_hz = read_double(f);
        int n_ref = read_int(f);
        ictus_biquad ref[32], sos[32];
        double zi_ref[32][2], zi[32][2];
        for (int s = 0; s < n_ref; s++) {
            for (int k = 0; k < 3; k++)
                ref[s].b[k] = read_double(f);
            for (int k = 0; k < 3; k++)
                ref[s].a[k] = read_double(f);
        }
        for (int s = 0; s < n_ref; s++)
            for (int k = 0; k < 2; k++)
                zi_ref[s][k] = read_double(f);

        int n;
        if (strcmp(kind, "butter") == 0) {
            n = ictus_butter_highpass((int)p1, p2, fs_hz, sos);
        } else {
            sos[0] = ictus_iirnotch(p1, p2, fs_hz);
            n = 1;
        }
        CHECK_INT(n, n_ref);
        /* Same pairing and order as SciPy, so the sections themselves agree. */
        for (int s = 0; s < n && s < n_ref; s++) {
            for (int k = 0; k < 3; k++) {
                CHECK_NEAR(sos[s].b[k], ref[s].b[k], 1e-12, 1e-14);
                CHECK_NEAR(sos[s].a[k], ref[s].a[k], 1e-12, 1e-14);
            }
        }
        ictus_sos_zi(sos, n, zi);
        for (int s = 0; s < n && s < n_ref; s++) {
            double scale = fmax(fabs(zi_ref[s][0]), fabs(zi_ref[s][1]));
            CHECK_NEAR(zi[s][0], zi_ref[s][0], 0, 1e-10 * scale);
            CHECK_NEAR(zi[s][1], zi_ref[s][1], 0, 1e-10 * scale);
        }
        int n_freq = read_int(f);
        double worst = 0;
        for (int i = 0; i < n_freq; i++) {
            double f_hz = read_double(f), re = read_double(f), im = read_double(f);
            worst = fmax(worst, cabs(sos_response(sos, n, f_hz, fs_hz) - (re + I * im)));
        }
        CHECK_MSG(worst <= 1e-9, "%s %g %g at %g Hz: response differs from sosfreqz by %g", kind,
                  p1, p2, fs_hz, worst);
    }
    fclose(f);
}

/* ===== Stage outputs (filters_stages.txt) ===== */

/* One fixture case through its stage: one block against SciPy, then random
 * blocks against the one block, bit for bit, flags included. */
static void check_stage_case(const char *kind, double fs_hz, double p1, double p2, double p3,
                             int64_t first_index, const float *x, size_t n, const double *ref,
                             size_t n_ref)
{
    ictus_settings set;
    settings_for(&set, kind, p1, p2, p3);
    ictus_stage st;
    ictus_error err;
    if (!CHECK(stage_open(&st, desc_for(kind), &set, fs_hz, &err) == ICTUS_OK))
        return;
    CHECK(!st.bypass);
    uint8_t *xf = make_flags(n);
    size_t cap = n + 64;
    float *y = ictus_xmalloc(cap * sizeof *y), *y2 = ictus_xmalloc(cap * sizeof *y2);
    uint8_t *yf = ictus_xmalloc(cap), *yf2 = ictus_xmalloc(cap);
    int64_t out_index;
    size_t got = run_segment(&st, x, xf, n, first_index, false, y, yf, cap, &out_index);
    CHECK_INT(got, n_ref);
    double rms = rms_of(ref, n_ref), worst = 0;
    bool is_fir = strcmp(kind, "decimate") == 0;
    int m = (int)llround(fs_hz / st.fs_out_hz);
    CHECK_INT(out_index, (first_index + m - 1) / m);
    size_t flag_errors = 0;
    for (size_t k = 0; k < got && k < n_ref; k++) {
        double err_k = fabs(y[k] - ref[k]);
        if (!is_fir)
            err_k -= ldexp(fabs(ref[k]), -24); /* the rounding to float */
        worst = fmax(worst, err_k / rms);
        /* The flags: OR over the M inputs an output covers (M = 1: a copy). */
        size_t q = (size_t)((out_index + (int64_t)k) * m - first_index);
        uint8_t want = 0;
        for (size_t j = q; j < q + (size_t)m && j < n; j++)
            want |= xf[j];
        flag_errors += yf[k] != want;
    }
    CHECK_MSG(worst <= (is_fir ? 1e-6 : 1e-9), "%s fs %g (%g, %g, %g): error %g x RMS", kind,
              fs_hz, p1, p2, p3, worst);
    CHECK_MSG(flag_errors == 0, "%s fs %g: %zu output flags are not the OR of their inputs'",
              kind, fs_hz, flag_errors);

    for (int trial = 0; trial < 5; trial++) {
        size_t got2 = run_segment(&st, x, xf, n, first_index, true, y2, yf2, cap, NULL);
        CHECK_INT(got2, got);
        CHECK_MSG(got2 == got && memcmp(y, y2, got * sizeof *y) == 0 &&
                      memcmp(yf, yf2, got) == 0,
                  "%s fs %g: random blocks change the output (trial %d)", kind, fs_hz, trial);
    }
    free(xf);
    free(y);
    free(y2);
    free(yf);
    free(yf2);
    stage_close(&st);
}

static void test_stage_outputs(void)
{
    FILE *f = open_fixture("filters_stages.txt");
    int n_cases = read_int(f);
    for (int c = 0; c < n_cases; c++) {
        char kind[32];
        read_word(f, kind);
        double fs_hz = read_double(f), p1 = read_double(f), p2 = read_double(f),
               p3 = read_double(f);
        int64_t first_index = read_int(f);
        size_t n = (size_t)read_int(f), n_ref = (size_t)read_int(f);
        float *x = ictus_xmalloc(n * sizeof *x);
        double *ref = ictus_xmalloc(n_ref * sizeof *ref);
        for (size_t i = 0; i < n; i++)
            x[i] = (float)read_double(f);
        for (size_t i = 0; i < n_ref; i++)
            ref[i] = read_double(f);
        check_stage_case(kind, fs_hz, p1, p2, p3, first_index, x, n, ref, n_ref);
        free(x);
        free(ref);
    }
    fclose(f);
}

/* ===== Properties of every stage ===== */

typedef struct {
    const char *kind;
    double fs_hz, p1, p2, p3;
} stage_case;

/* The default chain at 1 kHz (decimate by 4, then 250 Hz stages), and a
 * decimation by 16. */
static const stage_case property_cases[] = {
    {"decimate", 1000, 250, 60, 0},
    {"decimate", 4000, 250, 60, 0},
    {"decimate", 500, 250, 80, 0},
    {"highpass", 250, 0.5, 2, 0},
    {"highpass", 250, 0.5, 8, 0},
    {"notch", 250, 50, 30, 8},
};
enum { N_PROPERTY_CASES = sizeof property_cases / sizeof property_cases[0] };

static void open_case(const stage_case *sc, ictus_stage *st)
{
    ictus_settings set;
    settings_for(&set, sc->kind, sc->p1, sc->p2, sc->p3);
    ictus_error err;
    ictus_status status = stage_open(st, desc_for(sc->kind), &set, sc->fs_hz, &err);
    if (status != ICTUS_OK || st->bypass) {
        fprintf(stderr, "%s at %g Hz: cannot start: %s\n", sc->kind, sc->fs_hz, err.msg);
        exit(1);
    }
}

static int factor_of(const ictus_stage *st)
{
    return (int)llround(st->fs_in_hz / st->fs_out_hz);
}

/* Termination: after drain the total is exactly the number of multiples of
 * M in the segment's index range, for awkward lengths and first indices,
 * in one block and in random blocks. */
static void test_termination(void)
{
    static const size_t lengths[] = {0, 1, 2, 3, 4, 5, 17, 37, 38, 39, 40, 75, 76, 300, 1001};
    static const int64_t firsts[] = {0, 1, 2, 3, 5, 16, 1000003};
    for (int c = 0; c < N_PROPERTY_CASES; c++) {
        ictus_stage st;
        open_case(&property_cases[c], &st);
        int m = factor_of(&st);
        float *x = make_signal(1001, st.fs_in_hz, 100);
        uint8_t *xf = make_flags(1001);
        float y[1100];
        uint8_t yf[1100];
        for (size_t li = 0; li < sizeof lengths / sizeof lengths[0]; li++) {
            for (size_t fi = 0; fi < sizeof firsts / sizeof firsts[0]; fi++) {
                for (int random_blocks = 0; random_blocks < 2; random_blocks++) {
                    int64_t out_index;
                    size_t got = run_segment(&st, x, xf, lengths[li], firsts[fi],
                                             random_blocks, y, yf, 1100, &out_index);
                    CHECK_MSG(got == multiples_in(firsts[fi], lengths[li], m),
                              "%s M=%d: %zu samples from %lld gave %zu outputs",
                              property_cases[c].kind, m, lengths[li], (long long)firsts[fi],
                              got);
                    CHECK_INT(out_index, (firsts[fi] + m - 1) / m);
                }
            }
        }
        free(x);
        free(xf);
        stage_close(&st);
    }
}

/* Reset: after a reset (also in the middle of a segment) the output equals
 * a fresh instance's on the same segment. */
static void test_reset(void)
{
    enum { N = 3000 };
    for (int c = 0; c < N_PROPERTY_CASES; c++) {
        ictus_stage used, fresh;
        open_case(&property_cases[c], &used);
        open_case(&property_cases[c], &fresh);
        float *a = make_signal(N, used.fs_in_hz, -500), *b = make_signal(N, used.fs_in_hz, 2000);
        uint8_t *af = make_flags(N), *bf = make_flags(N);
        float y1[N + 64], y2[N + 64];
        uint8_t f1[N + 64], f2[N + 64];
        /* A whole segment, then half of another left undrained. */
        run_segment(&used, a, af, N, 3, false, y1, f1, N + 64, NULL);
        int64_t out_index;
        used.desc->reset(&used, 11, &out_index);
        size_t n_in = N / 2, n_out = N + 64;
        used.desc->process(&used, a, af, &n_in, y1, f1, &n_out);
        size_t got_used = run_segment(&used, b, bf, N, 1234567, false, y1, f1, N + 64, NULL);
        size_t got_fresh = run_segment(&fresh, b, bf, N, 1234567, false, y2, f2, N + 64, NULL);
        CHECK_INT(got_used, got_fresh);
        CHECK_MSG(got_used == got_fresh && memcmp(y1, y2, got_used * sizeof *y1) == 0 &&
                      memcmp(f1, f2, got_used) == 0,
                  "%s: output after reset differs from a fresh instance's",
                  property_cases[c].kind);
        free(a);
        free(b);
        free(af);
        free(bf);
        stage_close(&used);
        stage_close(&fresh);
    }
}

/* ===== Cascades side by side ===== */

/* ictus_iir_process_lanes() against each cascade alone, bit for bit: 1 to
 * 4 lanes, cascades of 1 to 8 sections and of different designs side by
 * side (a 1 kHz and a 250 Hz notch), lengths that differ (run one after
 * the other), random cuts, resets of some lanes between calls, and an
 * output array that is the input. */
static void test_iir_lanes(void)
{
    enum { N = 5000, K = ICTUS_IIR_LANES };
    ictus_biquad hp2[1], hp8[4], notch250[2], notch1k[2], mixed[3];
    ictus_butter_highpass(2, 0.5, 250, hp2);
    ictus_butter_highpass(8, 0.5, 250, hp8);
    notch250[0] = ictus_iirnotch(50, 30, 250);
    notch250[1] = ictus_iirnotch(100, 30, 250);
    notch1k[0] = ictus_iirnotch(50, 30, 1000);
    notch1k[1] = ictus_iirnotch(100, 30, 1000);
    mixed[0] = hp2[0];
    mixed[1] = notch250[0];
    mixed[2] = notch250[1];
    struct {
        const ictus_biquad *sos;
        int n;
    } designs[] = {{hp2, 1}, {notch250, 2}, {notch1k, 2}, {mixed, 3}, {hp8, 4}};
    enum { N_DESIGNS = sizeof designs / sizeof designs[0] };
    for (int trial = 0; trial < 40; trial++) {
        int k = 1 + (int)rand_below(K);
        /* Mostly one design for all lanes (the recording's channels), some
         * trials with lanes of different designs. */
        int design[K];
        int common = (int)rand_below(N_DESIGNS);
        for (int c = 0; c < k; c++)
            design[c] = trial % 4 == 3 ? (int)rand_below(N_DESIGNS) : common;
        if (trial % 8 == 5 && k > 1)
            design[k - 1] = design[0] == 3 ? 1 : 3; /* 3 sections beside 2 */
        ictus_iir *lane[K], *alone[K];
        float *x[K], *y_lane[K], *y_alone[K];
        for (int c = 0; c < k; c++) {
            lane[c] = ictus_iir_create(designs[design[c]].sos, designs[design[c]].n);
            alone[c] = ictus_iir_create(designs[design[c]].sos, designs[design[c]].n);
            x[c] = make_signal(N, 250, 1e4 * (rand_uniform() - 0.5));
            y_lane[c] = ictus_xmalloc(N * sizeof(float));
            y_alone[c] = ictus_xmalloc(N * sizeof(float));
        }
        bool in_place = trial % 5 == 2;
        for (size_t pos = 0; pos < N;) {
            size_t n = 1 + rand_below(trial % 2 ? 700 : 20);
            if (n > N - pos)
                n = N - pos;
            if (rand_below(10) == 0) {
                int c = (int)rand_below((size_t)k);
                ictus_iir_reset(lane[c]);
                ictus_iir_reset(alone[c]);
            }
            const float *in[K];
            float *out[K];
            for (int c = 0; c < k; c++) {
                ictus_iir_process(alone[c], x[c] + pos, y_alone[c] + pos, n);
                if (in_place)
                    memcpy(y_lane[c] + pos, x[c] + pos, n * sizeof(float));
                in[c] = in_place ? y_lane[c] + pos : x[c] + pos;
                out[c] = y_lane[c] + pos;
            }
            ictus_iir_process_lanes(lane, k, in, out, n);
            pos += n;
        }
        for (int c = 0; c < k; c++) {
            CHECK_MSG(memcmp(y_lane[c], y_alone[c], N * sizeof(float)) == 0,
                      "trial %d: lane %d of %d (design %d) differs from the cascade alone",
                      trial, c, k, design[c]);
            ictus_iir_destroy(lane[c]);
            ictus_iir_destroy(alone[c]);
            free(x[c]);
            free(y_lane[c]);
            free(y_alone[c]);
        }
    }
}

/* The stages' process_lanes hook (the fused high-pass and notch of 6
 * channels: two batches of lanes) against process() on each: outputs,
 * flags and the state they leave, bit for bit. */
static void test_stage_lanes(void)
{
    enum { N = 4000, K = 6 };
    static const char *kinds[] = {"highpass", "notch"};
    for (int kind = 0; kind < 2; kind++) {
        ictus_stage lanes_st[K], alone_st[K];
        ictus_stage *sts[K];
        float *x[K], *y1[K], *y2[K];
        uint8_t *xf[K], *f1[K], *f2[K];
        for (int c = 0; c < K; c++) {
            ictus_settings set;
            settings_for(&set, kinds[kind], kind ? 50 : 0.5, kind ? 30 : 4, kind ? 8 : 0);
            ictus_error err;
            CHECK(stage_open(&lanes_st[c], desc_for(kinds[kind]), &set, 250, &err) == ICTUS_OK);
            CHECK(stage_open(&alone_st[c], desc_for(kinds[kind]), &set, 250, &err) == ICTUS_OK);
            CHECK(lanes_st[c].desc->process_lanes != NULL);
            int64_t idx;
            lanes_st[c].desc->reset(&lanes_st[c], 0, &idx);
            alone_st[c].desc->reset(&alone_st[c], 0, &idx);
            sts[c] = &lanes_st[c];
            x[c] = make_signal(N, 250, 300.0 * c);
            xf[c] = make_flags(N);
            y1[c] = ictus_xmalloc(N * sizeof(float));
            y2[c] = ictus_xmalloc(N * sizeof(float));
            f1[c] = ictus_xmalloc(N);
            f2[c] = ictus_xmalloc(N);
        }
        for (size_t pos = 0; pos < N;) {
            size_t n = 1 + rand_below(900);
            if (n > N - pos)
                n = N - pos;
            const float *in[K];
            const uint8_t *in_f[K];
            float *out[K];
            uint8_t *out_f[K];
            for (int c = 0; c < K; c++) {
                size_t n_in = n, n_out = n;
                alone_st[c].desc->process(&alone_st[c], x[c] + pos, xf[c] + pos, &n_in,
                                          y2[c] + pos, f2[c] + pos, &n_out);
                in[c] = x[c] + pos;
                in_f[c] = xf[c] + pos;
                out[c] = y1[c] + pos;
                out_f[c] = f1[c] + pos;
            }
            lanes_st[0].desc->process_lanes(sts, K, in, in_f, out, out_f, n);
            pos += n;
        }
        for (int c = 0; c < K; c++) {
            CHECK_MSG(memcmp(y1[c], y2[c], N * sizeof(float)) == 0 && memcmp(f1[c], f2[c], N) == 0,
                      "%s: channel %d in lanes differs from process() alone", kinds[kind], c);
            stage_close(&lanes_st[c]);
            stage_close(&alone_st[c]);
            free(x[c]);
            free(y1[c]);
            free(y2[c]);
            free(xf[c]);
            free(f1[c]);
            free(f2[c]);
        }
    }
}

/* Degenerate input: empty and one-sample segments, all zeros, a step. */
static void test_degenerate(void)
{
    enum { N = 12000 };
    float *x = ictus_xcalloc(N, sizeof *x), y[N + 64];
    uint8_t *xf = ictus_xcalloc(N, 1), yf[N + 64];
    for (int c = 0; c < N_PROPERTY_CASES; c++) {
        const stage_case *sc = &property_cases[c];
        ictus_stage st;
        open_case(sc, &st);
        int m = factor_of(&st);
        bool is_fir = m > 1;

        CHECK_INT(run_segment(&st, x, xf, 0, 8, false, y, yf, N + 64, NULL), 0);

        /* One sample on an output index: a decimator returns it exactly, a
         * high-pass 0 exactly (primed steady state, DC gain 0), a notch
         * nearly itself (DC gain 1). */
        float one = 123.25f;
        uint8_t one_flag = ICTUS_SAMPLE_CLIP;
        size_t got = run_segment(&st, &one, &one_flag, 1, 8 * m, false, y, yf, N + 64, NULL);
        CHECK_INT(got, 1);
        if (got == 1) {
            CHECK_INT(yf[0], ICTUS_SAMPLE_CLIP);
            if (is_fir)
                CHECK(y[0] == one);
            else if (strcmp(sc->kind, "highpass") == 0)
                CHECK(y[0] == 0);
            else
                CHECK_NEAR(y[0], one, 1e-6, 0);
        }
        if (is_fir)
            CHECK_INT(run_segment(&st, &one, &one_flag, 1, 8 * m + 1, false, y, yf, N + 64, NULL),
                      0);

        got = run_segment(&st, x, xf, N, 0, true, y, yf, N + 64, NULL);
        size_t nonzero = 0;
        for (size_t k = 0; k < got; k++)
            nonzero += y[k] != 0 || yf[k] != 0;
        CHECK_MSG(nonzero == 0, "%s: %zu nonzero outputs for an all-zero input", sc->kind,
                  nonzero);

        /* A step from 0 to 100 µV at sample `at`. */
        size_t at = N / 4;
        for (size_t i = at; i < N; i++)
            x[i] = 100;
        got = run_segment(&st, x, xf, N, 0, false, y, yf, N + 64, NULL);
        size_t before = 0, settled = 0, after_from = (size_t)(0.9 * (double)got);
        for (size_t k = 0; k < got; k++) {
            size_t i = k * (size_t)m; /* input index of output k */
            if (i + (size_t)st.fs_in_hz / 4 < at) /* well before: the windows miss the step */
                before += y[k] != 0;
            if (k >= after_from) {
                double want = strcmp(sc->kind, "highpass") == 0 ? 0 : 100;
                settled += fabs(y[k] - want) > 1e-3;
            }
        }
        CHECK_MSG(before == 0, "%s: %zu outputs before the step are not 0", sc->kind, before);
        CHECK_MSG(settled == 0, "%s: %zu outputs long after the step have not settled", sc->kind,
                  settled);
        for (size_t i = at; i < N; i++)
            x[i] = 0;
        stage_close(&st);
    }
    free(x);
    free(xf);
}

/* A large electrode offset (1.8e5 µV) under a 10 µV sine: the sine comes out
 * with float precision (the input itself is quantised to 1/64 µV there). */
static void test_large_offset(void)
{
    enum { N = 20000 };
    const double offset = 1.8e5, amp = 10, f_hz = 10;
    const double ulp = nextafterf(1.8e5f, INFINITY) - 1.8e5f;
    float *x = ictus_xmalloc(N * sizeof *x), *y = ictus_xmalloc((N + 64) * sizeof *y);
    uint8_t *xf = ictus_xcalloc(N, 1), *yf = ictus_xmalloc(N + 64);

    /* Decimator (1 kHz by 4) against a double-precision evaluation of the
     * same (SciPy-verified) taps on the same float input, edge-padded. */
    for (size_t i = 0; i < N; i++)
        x[i] = (float)(offset + amp * sin(2 * M_PI * f_hz * (double)i / 1000));
    ictus_stage st;
    open_case(&property_cases[0], &st);
    size_t got = run_segment(&st, x, xf, N, 0, false, y, yf, N + 64, NULL);
    CHECK_INT(got, N / 4);
    double pass = 0.8 * 125, stop = 1.2 * 125, beta;
    int n_taps;
    ictus_kaiserord(60, (stop - pass) / 500, &n_taps, &beta);
    n_taps |= 1;
    double *h = ictus_xmalloc((size_t)n_taps * sizeof *h);
    ictus_firwin_kaiser(n_taps, 0.25, beta, h);
    int delay = (n_taps - 1) / 2;
    double worst = 0;
    for (size_t k = 0; k < got; k++) {
        double acc = 0;
        for (int j = 0; j < n_taps; j++) {
            long q = (long)(4 * k) + delay - j;
            acc += h[j] * x[q < 0 ? 0 : q >= N ? N - 1 : q];
        }
        worst = fmax(worst, fabs(y[k] - acc));
    }
    CHECK_MSG(worst <= ulp, "decimator: error %g µV on a 1.8e5 µV offset (ulp %g)", worst, ulp);
    free(h);
    stage_close(&st);

    /* High-pass (250 Hz, 0.5 Hz, order 2), after its start-up transient,
     * against the analytic steady-state response to the sine. */
    for (size_t i = 0; i < N; i++)
        x[i] = (float)(offset + amp * sin(2 * M_PI * f_hz * (double)i / 250));
    open_case(&property_cases[3], &st);
    got = run_segment(&st, x, xf, N, 0, false, y, yf, N + 64, NULL);
    ictus_biquad sos[1];
    ictus_butter_highpass(2, 0.5, 250, sos);
    double complex g = sos_response(sos, 1, f_hz, 250);
    double sq = 0;
    worst = 0;
    for (size_t i = 5000; i < got; i++) {
        double want = amp * cabs(g) * sin(2 * M_PI * f_hz * (double)i / 250 + carg(g));
        worst = fmax(worst, fabs(y[i] - want));
        sq += (y[i] - want) * (y[i] - want);
    }
    double rms = sqrt(sq / (double)(got - 5000));
    CHECK_MSG(rms <= ulp / 2 && worst <= 4 * ulp,
              "high-pass: the 10 µV sine on 1.8e5 µV comes out with error RMS %g, max %g µV",
              rms, worst);
    stage_close(&st);
    free(x);
    free(y);
    free(xf);
    free(yf);
}

/* NaN: a decimator's NaN stays within the outputs whose window covers it
 * (the others are bit-identical to a clean run); an IIR's NaN lasts until
 * the next reset, after which the output is clean again. */
static void test_nan(void)
{
    enum { N = 3000 };
    for (int c = 0; c < N_PROPERTY_CASES; c++) {
        ictus_stage st;
        open_case(&property_cases[c], &st);
        int m = factor_of(&st);
        float *x = make_signal(N, st.fs_in_hz, 50);
        uint8_t *xf = make_flags(N);
        float clean[N + 64], dirty[N + 64];
        uint8_t f1[N + 64], f2[N + 64];
        size_t got = run_segment(&st, x, xf, N, 0, false, clean, f1, N + 64, NULL);
        size_t at = N / 2;
        float saved = x[at];
        x[at] = NAN;
        run_segment(&st, x, xf, N, 0, true, dirty, f2, N + 64, NULL);
        size_t wrong = 0, nan_count = 0;
        for (size_t k = 0; k < got; k++) {
            bool is_nan = isnan(dirty[k]);
            nan_count += is_nan;
            size_t i = k * (size_t)m;
            bool far = i + (size_t)st.fs_in_hz / 4 < at || i > at + (size_t)st.fs_in_hz / 4;
            if (m > 1 && far)
                wrong += is_nan || dirty[k] != clean[k];
            if (m == 1 && i < at)
                wrong += dirty[k] != clean[k];
        }
        CHECK_MSG(wrong == 0 && nan_count > 0, "%s: NaN reached %zu outputs, %zu wrong",
                  property_cases[c].kind, nan_count, wrong);
        x[at] = saved;
        size_t again = run_segment(&st, x, xf, N, 0, true, dirty, f2, N + 64, NULL);
        CHECK_MSG(again == got && memcmp(clean, dirty, got * sizeof *clean) == 0,
                  "%s: output after a reset following a NaN differs", property_cases[c].kind);
        free(x);
        free(xf);
        stage_close(&st);
    }
}

/* ===== Configuration ===== */

static void expect_bypass(const ictus_stage_desc *desc, const ictus_settings *set, double fs_hz)
{
    ictus_stage st;
    ictus_error err;
    CHECK(stage_open(&st, desc, set, fs_hz, &err) == ICTUS_OK);
    CHECK_MSG(st.bypass, "%s at %g Hz should bypass itself", desc->name, fs_hz);
    CHECK(st.fs_out_hz == fs_hz);
    stage_close(&st);
}

static void expect_config_error(const ictus_stage_desc *desc, const ictus_settings *set,
                                double fs_hz, const char *key)
{
    ictus_stage st;
    ictus_error err;
    ictus_error_clear(&err);
    CHECK(stage_open(&st, desc, set, fs_hz, &err) == ICTUS_ERR_CONFIG);
    CHECK_MSG(strstr(err.msg, key) != NULL, "message '%s' does not name %s", err.msg, key);
    stage_close(&st);
}

static void expect_describe(const ictus_stage_desc *desc, const ictus_settings *set,
                            double fs_hz, const char *want)
{
    ictus_stage st;
    ictus_error err;
    if (CHECK(stage_open(&st, desc, set, fs_hz, &err) == ICTUS_OK)) {
        char text[600];
        desc->describe(&st, text, sizeof text);
        CHECK_STR(text, want);
    }
    stage_close(&st);
}

static void test_configuration(void)
{
    ictus_settings set;
    ictus_settings_default(&set);
    expect_bypass(&ictus_stage_decimate, &set, 250);
    expect_bypass(&ictus_stage_decimate, &set, 499);
    expect_bypass(&ictus_stage_decimate, &set, 173.61);
    expect_describe(&ictus_stage_decimate, &set, 500, "decimate(2, 39 taps 60 dB)");
    expect_describe(&ictus_stage_decimate, &set, 1000, "decimate(4, 75 taps 60 dB)");
    expect_describe(&ictus_stage_highpass, &set, 250, "highpass(0.5 Hz order 2)");
    expect_describe(&ictus_stage_notch, &set, 250, "notch(50,100 Hz Q30)");
    expect_describe(&ictus_stage_notch, &set, 1000, "notch(50,100,150,200,250,300,350,400 Hz Q30)");
    expect_describe(&ictus_stage_notch, &set, 202, "notch(50 Hz Q30)");
    expect_describe(&ictus_stage_notch, &set, 204, "notch(50,100 Hz Q30)");
    expect_bypass(&ictus_stage_notch, &set, 100);
    set.mains_hz = 60;
    expect_describe(&ictus_stage_notch, &set, 250, "notch(60,120 Hz Q30)");
    set.mains_hz = 0;
    expect_bypass(&ictus_stage_notch, &set, 1000);
    set.highpass_hz = 0;
    expect_bypass(&ictus_stage_highpass, &set, 250);

    ictus_settings_default(&set);
    set.highpass_hz = 130;
    expect_config_error(&ictus_stage_highpass, &set, 250, "highpass_hz");
    ictus_settings_default(&set);
    set.highpass_order = 3;
    expect_config_error(&ictus_stage_highpass, &set, 250, "highpass_order");
    ictus_settings_default(&set);
    set.decimate_atten_db = 5;
    expect_config_error(&ictus_stage_decimate, &set, 1000, "decimate_atten_db");
}

int main(void)
{
    test_fir_design();
    test_iir_design();
    test_stage_outputs();
    test_termination();
    test_reset();
    test_iir_lanes();
    test_stage_lanes();
    test_degenerate();
    test_large_offset();
    test_nan();
    test_configuration();
    return check_done("test_filters");
}
