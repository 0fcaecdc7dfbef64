/* test_hyperthermia.c: protocols/hyperthermia against SciPy 1.10 and hand-worked traces.
 *
 * 1. Every case of tests/fixtures/hyperthermia.txt (gen_hyperthermia.py):
 *    ictus_hyperthermia_compare() gives the rows the generator's own
 *    transcription of the design gives, in order, with counts exactly,
 *    estimates and interval ends within 1e-6 relative, statistics and
 *    p-values within 1e-6 relative or 1e-12 absolute (exact and normal
 *    approximation, ties, zeros, censored values, degenerate designs).
 * 2. Units: the spellings of °C a lab's EDF headers use are recognised,
 *    voltages and others are not; a channel in °C is never analysable as
 *    EEG, whatever its rate.
 * 3. Reading: an EDF+ with an EEG channel (100 Hz) and a 1 Hz temperature
 *    channel holding a known ramp with an invalid stretch: the temperature
 *    at onsets on a sample, between samples, across the gap, before the
 *    first and after the last sample; start, maximum and its time.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/check.h"
#include "tests/support_tmp.h"
#include "tests/support_tokens.h"
#include "base/walltime.h"
#include "pipeline/analyzer.h"
#include "pipeline/settings.h"
#include "pipeline/source/edfwrite.h"
#include "protocols/comparisons.h"
#include "protocols/hyperthermia.h"

#define FIXTURE "tests/fixtures/hyperthermia.txt"
#define EST_REL 1e-6
#define P_REL 1e-6
#define P_ABS 1e-12

static int line_no;

static void near(const char *what, const char *name, double got, double want, double rel,
                 double abs)
{
    bool ok = isnan(want) ? isnan(got) : fabs(got - want) <= abs + rel * fabs(want);
    CHECK_MSG(ok, "%s:%d: case %s: %s: got %.17g, SciPy %.17g", FIXTURE, line_no, name, what, got,
              want);
}

/* ---- 1. The fixture ------------------------------------------------------------ */

#define MAX_EX 8
#define MAX_V 128
#define MAX_ROWS 128

typedef struct {
    char test[16], versus[16], ga[16], gb[16], note[32];
    long long n, nc, nr, nrc;
    double est, lo, hi, stat, p;
} want_row;

typedef struct {
    char name[32];
    double level;
    int exact_max_n;
    int n_ex;
    ictus_condition ex[MAX_EX];
    bool has[MAX_EX];
    char drug[MAX_EX][16];
    int n_v;
    ictus_ht_value v[MAX_V];
    char group[MAX_V][16];
    int n_rows;
    want_row rows[MAX_ROWS];
} fixture_case;

static const char *dash(const char *s)
{
    return strcmp(s, "-") == 0 ? "" : s;
}

/* The C note for a fixture note key: "-" empty, else the key's words. */
static bool note_matches(const char *note, const char *key)
{
    if (strcmp(key, "-") == 0)
        return note[0] == '\0';
    char words[32];
    snprintf(words, sizeof words, "%s", key);
    for (char *p = words; *p; p++)
        if (*p == '_')
            *p = ' ';
    return strstr(note, words) != NULL;
}

static void run_case(fixture_case *c)
{
    for (int i = 0; i < c->n_v; i++)
        c->v[i].group = c->group[i];
    ictus_ht_comparison *rows;
    size_t n_rows;
    ictus_error err;
    if (!CHECK_MSG(ictus_hyperthermia_compare(c->v, (size_t)c->n_v, c->ex, c->has, c->n_ex,
                                              c->level, c->exact_max_n, &rows, &n_rows,
                                              &err) == ICTUS_OK,
                   "case %s: %s", c->name, err.msg))
        return;
    CHECK_MSG((int)n_rows == c->n_rows, "%s:%d: case %s: %zu rows, SciPy side %d", FIXTURE,
              line_no, c->name, n_rows, c->n_rows);
    static const char *const tests[] = {"threshold", "wilcoxon", "mann_whitney"};
    for (int i = 0; i < c->n_rows && i < (int)n_rows; i++) {
        const ictus_ht_comparison *r = &rows[i];
        const want_row *w = &c->rows[i];
        CHECK_STR(tests[r->test], w->test);
        CHECK_STR(ictus_versus_name((ictus_versus)r->versus), dash(w->versus));
        CHECK_STR(r->group_a, dash(w->ga));
        CHECK_STR(r->group_b, dash(w->gb));
        CHECK_INT(r->n, w->n);
        CHECK_INT(r->n_censored, w->nc);
        CHECK_INT(r->n_ref, w->nr);
        CHECK_INT(r->n_ref_censored, w->nrc);
        near("estimate", c->name, r->estimate, w->est, EST_REL, 1e-12);
        near("ci_lo", c->name, r->ci_lo, w->lo, EST_REL, 0);
        near("ci_hi", c->name, r->ci_hi, w->hi, EST_REL, 0);
        near("statistic", c->name, r->statistic, w->stat, P_REL, P_ABS);
        near("p", c->name, r->p, w->p, P_REL, P_ABS);
        CHECK_MSG(note_matches(r->note, w->note), "case %s row %d: note \"%s\", expected %s",
                  c->name, i, r->note, w->note);
    }
    free(rows);
}

static void fixture(void)
{
    FILE *f = fopen(FIXTURE, "r");
    if (!CHECK_MSG(f != NULL, "cannot open %s", FIXTURE))
        return;
    static fixture_case c;
    char line[4096];
    int cases = 0;
    line_no = 0;
    while (fgets(line, sizeof line, f)) {
        line_no++;
        if (line[0] == '#')
            continue;
        tokens tk;
        tokens_split(line, &tk);
        const char *kind = tok(&tk);
        if (strcmp(kind, "case") == 0) {
            memset(&c, 0, sizeof c);
            snprintf(c.name, sizeof c.name, "%s", tok(&tk));
            c.level = tok_double(&tk);
            c.exact_max_n = (int)tok_int(&tk);
        } else if (strcmp(kind, "ex") == 0 && c.n_ex < MAX_EX) {
            int i = (int)tok_int(&tk);
            const char *k = tok(&tk);
            snprintf(c.drug[i], sizeof c.drug[i], "%s", dash(tok(&tk)));
            const char *dose = tok(&tk);
            c.has[i] = strcmp(k, "none") != 0;
            c.ex[i] = (ictus_condition){
                .kind = !strcmp(k, "treatment") ? ICTUS_PERIOD_TREATMENT
                        : !strcmp(k, "vehicle") ? ICTUS_PERIOD_VEHICLE
                                                : ICTUS_PERIOD_BASELINE,
                .drug = c.drug[i], .route = "",
                .dose_mg_kg = strcmp(dose, "-") ? strtod(dose, NULL) : NAN};
            c.n_ex = i + 1;
        } else if (strcmp(kind, "value") == 0 && c.n_v < MAX_V) {
            ictus_ht_value *v = &c.v[c.n_v];
            v->animal = (int)tok_int(&tk);
            snprintf(c.group[c.n_v], sizeof c.group[0], "%s", dash(tok(&tk)));
            v->exposure = (int)tok_int(&tk);
            v->threshold_c = tok_double(&tk);
            v->censored = tok_int(&tk) != 0;
            c.n_v++;
        } else if (strcmp(kind, "row") == 0 && c.n_rows < MAX_ROWS) {
            want_row *w = &c.rows[c.n_rows++];
            snprintf(w->test, sizeof w->test, "%s", tok(&tk));
            snprintf(w->versus, sizeof w->versus, "%s", tok(&tk));
            snprintf(w->ga, sizeof w->ga, "%s", tok(&tk));
            snprintf(w->gb, sizeof w->gb, "%s", tok(&tk));
            w->n = tok_int(&tk);
            w->nc = tok_int(&tk);
            w->nr = tok_int(&tk);
            w->nrc = tok_int(&tk);
            w->est = tok_double(&tk);
            w->lo = tok_double(&tk);
            w->hi = tok_double(&tk);
            w->stat = tok_double(&tk);
            w->p = tok_double(&tk);
            snprintf(w->note, sizeof w->note, "%s", tok(&tk));
        } else if (strcmp(kind, "end") == 0) {
            run_case(&c);
            cases++;
        }
    }
    fclose(f);
    CHECK_MSG(cases >= 10, "%s: %d cases", FIXTURE, cases);
}

/* ---- 2. Units ---------------------------------------------------------------------- */

static void units(void)
{
    static const char *const celsius[] = {"degC", "DegC", "deg C", "deg.C", "degrees C",
                                          "\xC2\xB0" "C", "\xB0" "C", "\xC2\xBA" "C", "oC", "C",
                                          "Cel", "celsius", " degC   ", "C "};
    for (size_t i = 0; i < sizeof celsius / sizeof celsius[0]; i++)
        CHECK_MSG(ictus_unit_is_celsius(celsius[i]), "'%s' is degrees Celsius", celsius[i]);
    static const char *const other[] = {"", "uV", "mV", "V", "degF", "K", "cm", "count", "dC",
                                        "\xC2\xB0", "mC", "Celsius2"};
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++)
        CHECK_MSG(!ictus_unit_is_celsius(other[i]), "'%s' is not degrees Celsius", other[i]);

    ictus_settings set;
    ictus_settings_default(&set);
    ictus_channel_info temp = {.label = "TEMP", .unit = "degC", .fs_hz = 1000};
    ictus_channel_info eeg = {.label = "HPC", .unit = "uV", .fs_hz = 1000, .is_voltage = true};
    CHECK(!ictus_channel_analysable(&temp, &set)); /* a fast temperature channel: still not EEG */
    temp.fs_hz = 1;
    CHECK(!ictus_channel_analysable(&temp, &set));
    CHECK(ictus_channel_analysable(&eeg, &set));
}

/* ---- 3. Reading a temperature channel ------------------------------------------- */

#define N_S 600
/* The trace: 37 °C + 0.01 °C/s, samples 200..299 s out of range (a probe
 * slipped out: 22 °C, room temperature). */
static double ramp_c(int s)
{
    return s >= 200 && s < 300 ? 22.0 : 37.0 + 0.01 * s;
}

static void reading(void)
{
    char *dir = support_tmpdir("hyperthermia");
    const char *path = support_path(dir, "session.edf");
    ictus_edf_channel_spec ch[2] = {
        {.label = "HPC", .unit = "uV", .fs_hz = 100, .phys_min = -3276.8, .phys_max = 3276.7,
         .dig_min = -32768, .dig_max = 32767},
        {.label = "TEMP", .unit = "degC", .fs_hz = 1, .phys_min = 20, .phys_max = 45,
         .dig_min = -32768, .dig_max = 32767},
    };
    int64_t t0 = ictus_walltime_from_civil(2026, 3, 2, 10, 0, 0, 0);
    ictus_edf_layout layout = {.format = ICTUS_FORMAT_EDFPLUS_C, .start_us = t0,
                               .record_us = 1000000, .n_channels = 2, .channels = ch,
                               .patient = "M01"};
    ictus_edfwriter *w;
    ictus_error err;
    CHECK(ictus_edfwriter_create(path, &layout, &w, &err) == ICTUS_OK);
    float eeg[100], temp[1];
    const float *rec[2] = {eeg, temp};
    for (int i = 0; i < 100; i++)
        eeg[i] = (float)(50 * sin(i * 0.3));
    for (int s = 0; s < N_S; s++) {
        temp[0] = (float)ramp_c(s);
        CHECK(ictus_edfwriter_write(w, (int64_t)s * 1000000, rec, &err) == ICTUS_OK);
    }
    CHECK(ictus_edfwriter_close(w, &err) == ICTUS_OK);

    ictus_source *src;
    if (!CHECK_MSG(ictus_source_open(path, NULL, &src, &err) == ICTUS_OK, "%s", err.msg)) {
        support_tmpdir_remove(dir);
        return;
    }
    const ictus_recording_info *info = ictus_source_info(src);
    CHECK(ictus_unit_is_celsius(info->channels[1].unit));
    CHECK(!info->channels[1].is_voltage);
    ictus_hyperthermia_settings set;
    ictus_hyperthermia_settings_default(&set);
    /* onsets: before the start, on a sample, between samples, inside and
     * across the 101 s gap, on the last sample, after it */
    const double at_s[] = {-5, 10, 150.25, 250, 305.5, 599, 600.5};
    int64_t onset[7];
    for (int i = 0; i < 7; i++)
        onset[i] = t0 + llround(at_s[i] * 1e6);
    double c[7];
    ictus_temperature_trace tr;
    CHECK(ictus_hyperthermia_read(src, 1, &set, onset, 7, c, &tr, &err) == ICTUS_OK);
    double q = 25.0 / 65535; /* one digital step */
    CHECK(isnan(c[0]));
    CHECK_NEAR(c[1], 37.1, 0, q);
    CHECK_NEAR(c[2], 37.0 + 0.01 * 150.25, 0, q);
    CHECK(isnan(c[3])); /* 199 s and 300 s are 101 s apart: more than max_gap_s */
    CHECK_NEAR(c[4], 37.0 + 0.01 * 305.5, 0, q);
    CHECK_NEAR(c[5], 37.0 + 0.01 * 599, 0, q);
    CHECK(isnan(c[6]));
    CHECK_NEAR(tr.start_c, 37.0, 0, q);
    CHECK_NEAR(tr.max_c, 37.0 + 0.01 * 599, 0, q);
    CHECK_INT(tr.max_at_us, t0 + 599 * INT64_C(1000000));
    CHECK_INT(tr.n_valid, N_S - 100);
    CHECK_INT(tr.n_invalid, 100);

    /* a wider gap allowed: the onset in it is interpolated across */
    set.max_gap_s = 120;
    CHECK(ictus_source_rewind(src, &err) == ICTUS_OK);
    CHECK(ictus_hyperthermia_read(src, 1, &set, onset, 7, c, &tr, &err) == ICTUS_OK);
    CHECK_NEAR(c[3], 37.0 + 0.01 * 250, 0, 2 * q); /* on the line from 199 s to 300 s */
    /* a narrower valid range: the ramp from 300 s (40 °C and up) is left out */
    set.valid_max_c = 39.5;
    CHECK(ictus_source_rewind(src, &err) == ICTUS_OK);
    CHECK(ictus_hyperthermia_read(src, 1, &set, onset, 7, c, &tr, &err) == ICTUS_OK);
    CHECK_NEAR(tr.max_c, 37.0 + 0.01 * 199, 0, q);
    CHECK_INT(tr.max_at_us, t0 + 199 * INT64_C(1000000));
    CHECK(isnan(c[4]));
    ictus_source_close(src);
    support_tmpdir_remove(dir);
}

int main(void)
{
    fixture();
    units();
    reading();
    return check_done("test_hyperthermia");
}
