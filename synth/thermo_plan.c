/* thermo_plan.c: the hyperthermia sessions of a synthetic Dravet study (thermo_plan.h). */
#include "synth/thermo_plan.h"

#include <math.h>
#include <stdlib.h>

#include "base/walltime.h"
#include "synth/rng.h"
#include "synth/study_writer.h"

/* The ramp (thermo_plan.h). */
#define HOLD_S 120.0
#define STEP_C 0.5
#define STEP_S 120.0
#define TOP_C 42.5
#define TOP_HOLD_S 120.0
#define TAU_S 30.0
#define COOL_TO_C 37.0
#define COOL_TAU_S 600.0
#define AFTER_ONSET_S 60.0
#define NOISE_C 0.02
/* A threshold this close to the top is never reached within the hold. */
#define REACHABLE_C (TOP_C - 0.05)
/* The thresholds and the drug's shift (°C). */
#define VEHICLE_LO_C 39.8
#define VEHICLE_HI_C 41.8
#define SHIFT_LO_C 0.3
#define SHIFT_HI_C 1.0
#define DRUG "stiripentol"
#define DRUG_DOSE 100.0
#define DRUG_ROUTE "ip"
#define VEHICLE "saline"
/* A stream tag of its own (model.h's tags stop far below). */
#define THERMO_STREAM 0x7468u

struct ictus_synth_thermo {
    const ictus_synth_study *s;
    const ictus_synth_animal *animals;
    ictus_synth_thermo_session *sessions; /* [animal * n_days + file] */
};

/* ---------------------------------------------------------------- the trace */

/* The heat lamp's set point at t_s. */
static double set_point(const ictus_synth_thermo_session *s, double t_s)
{
    if (t_s < HOLD_S)
        return s->base_c;
    double v = s->base_c + STEP_C * (floor((t_s - HOLD_S) / STEP_S) + 1);
    return v < TOP_C ? v : TOP_C;
}

/* The core temperature while heated: the lag's exact solution, segment by
 * segment of constant set point. */
static double heated(const ictus_synth_thermo_session *s, double t_s)
{
    double temp = s->base_c, t = 0;
    while (t < t_s) {
        double next = t < HOLD_S ? HOLD_S : HOLD_S + STEP_S * (floor((t - HOLD_S) / STEP_S) + 1);
        double to = next < t_s ? next : t_s;
        double sp = set_point(s, t);
        temp = sp + (temp - sp) * exp(-(to - t) / TAU_S);
        t = to;
    }
    return temp;
}

double ictus_synth_thermo_temp(const ictus_synth_thermo_session *s, double t_s)
{
    if (t_s <= s->heat_end_s)
        return heated(s, t_s);
    double end_c = heated(s, s->heat_end_s);
    return COOL_TO_C + (end_c - COOL_TO_C) * exp(-(t_s - s->heat_end_s) / COOL_TAU_S);
}

double ictus_synth_thermo_sample(const ictus_synth_thermo_session *s, int64_t i, double fs_hz)
{
    uint64_t h = ictus_synth_mix64(s->noise_key ^ (uint64_t)i);
    double u = (double)(h >> 11) / 9007199254740992.0; /* [0, 1) */
    return ictus_synth_thermo_temp(s, (double)i / fs_hz) + NOISE_C * (2 * u - 1);
}

/* The end of the whole ramp: every step, then the hold at the top. */
static double ramp_end_s(double base_c)
{
    return HOLD_S + STEP_S * ceil((TOP_C - base_c) / STEP_C - 1e-9) + TOP_HOLD_S;
}

/* When the heated core first reaches threshold_c (it never falls while
 * heated): bisection to a microsecond. */
static double onset_at(const ictus_synth_thermo_session *s, double end_s)
{
    double lo = 0, hi = end_s;
    while (hi - lo > 1e-6) {
        double mid = (lo + hi) / 2;
        if (heated(s, mid) >= s->threshold_c)
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}

/* ---------------------------------------------------------------- the plan */

ictus_status ictus_synth_thermo_plan(const ictus_synth_study *s,
                                     const ictus_synth_animal *animals, ictus_synth_thermo **out,
                                     ictus_error *err)
{
    *out = NULL;
    if (s->model->n_seizures < 1 || s->model->kindling)
        return ictus_fail(err, ICTUS_ERR_USAGE, "hyperthermia protocol: %s has no spontaneous "
                          "seizures to induce", s->model->name);
    if (s->format != ICTUS_SYNTH_EDF)
        return ictus_fail(err, ICTUS_ERR_USAGE, "hyperthermia protocol: the temperature "
                          "channel needs EDF (--format edf)");
    if (s->hours * 3600 < 1800)
        return ictus_fail(err, ICTUS_ERR_USAGE, "hyperthermia protocol: a session needs files "
                          "of at least 0.5 h (--hours)");
    ictus_synth_thermo *t = ictus_xcalloc(1, sizeof *t);
    t->s = s;
    t->animals = animals;
    t->sessions = ictus_xcalloc((size_t)s->n_animals * (size_t)s->n_days, sizeof *t->sessions);
    for (int a = 0; a < s->n_animals; a++) {
        const ictus_synth_animal *an = &animals[a];
        ictus_synth_rng r = ictus_synth_rng_make(
            ictus_synth_key(an->key, (uint64_t)an->index, 0, THERMO_STREAM, 0));
        double vehicle_c = ictus_synth_rng_range(&r, VEHICLE_LO_C, VEHICLE_HI_C);
        double shift_c = ictus_synth_rng_range(&r, SHIFT_LO_C, SHIFT_HI_C);
        for (int f = 0; f < s->n_days; f++) {
            ictus_synth_thermo_session *x = &t->sessions[a * s->n_days + f];
            x->treatment = (f + a) % 2;
            x->threshold_c = vehicle_c + (x->treatment ? shift_c : 0);
            x->base_c = ictus_synth_rng_range(&r, 36.8, 37.4);
            x->noise_key = ictus_synth_rng_u64(&r);
            double end_s = ramp_end_s(x->base_c);
            x->seizes = x->threshold_c <= REACHABLE_C;
            x->onset_s = x->seizes ? onset_at(x, end_s) : NAN;
            x->heat_end_s = x->seizes ? x->onset_s + AFTER_ONSET_S : end_s;
        }
    }
    *out = t;
    return ICTUS_OK;
}

void ictus_synth_thermo_destroy(ictus_synth_thermo *t)
{
    if (!t)
        return;
    free(t->sessions);
    free(t);
}

const ictus_synth_thermo_session *ictus_synth_thermo_session_of(const ictus_synth_thermo *t,
                                                                int animal, int file)
{
    return &t->sessions[animal * t->s->n_days + file];
}

/* ---------------------------------------------------------------- the files */

void ictus_synth_thermo_write_ini(FILE *f)
{
    fprintf(f, "[drugs]\n%s = %g\n[hyperthermia]\nmin_rise_c = 1\n", DRUG, DRUG_DOSE);
}

void ictus_synth_thermo_write_dosing(const ictus_synth_thermo *t, FILE *f)
{
    const ictus_synth_study *s = t->s;
    fprintf(f, "animal,period,drug,dose_mg_kg,route,start,end,tolerated,plasma_level\n");
    for (int a = 0; a < s->n_animals; a++)
        for (int file = 0; file < s->n_days; file++) {
            const ictus_synth_thermo_session *x = ictus_synth_thermo_session_of(t, a, file);
            ictus_synth_day_spec spec;
            ictus_synth_study_day_spec(s, &t->animals[a], file, &spec);
            char start[32], end[32];
            ictus_synth_format_time(spec.start_us, start, sizeof start);
            ictus_synth_format_time(spec.start_us + (int64_t)llround(s->hours * 3600) *
                                                        ICTUS_US_PER_S,
                                    end, sizeof end);
            if (x->treatment)
                fprintf(f, "%s,treatment,%s,%g,%s,%s,%s,yes,\n", t->animals[a].id, DRUG,
                        DRUG_DOSE, DRUG_ROUTE, start, end);
            else
                fprintf(f, "%s,vehicle,%s,,,%s,%s,,\n", t->animals[a].id, VEHICLE, start, end);
        }
}

void ictus_synth_thermo_write_truth(const ictus_synth_thermo *t, FILE *f)
{
    const ictus_synth_study *s = t->s;
    fprintf(f, "recording,animal,treatment,planned_threshold_c,censored,onset_s,max_c\n");
    for (int a = 0; a < s->n_animals; a++)
        for (int file = 0; file < s->n_days; file++) {
            const ictus_synth_thermo_session *x = ictus_synth_thermo_session_of(t, a, file);
            char name[64];
            ictus_synth_study_file_name(s, &t->animals[a], file, name, sizeof name);
            double max_c = ictus_synth_thermo_temp(x, x->heat_end_s);
            fprintf(f, "%s,%s,%s,%.4f,%s,", name, t->animals[a].id, x->treatment ? DRUG : VEHICLE,
                    x->threshold_c, x->seizes ? "no" : "yes");
            if (x->seizes)
                fprintf(f, "%.3f", x->onset_s);
            fprintf(f, ",%.4f\n", max_c);
        }
}
