/* ranges.c: the ranges of the wide families' restrictable parameters (the
 * one place families.c and ictal.c draw them from), `--family-range`'s
 * parsing and the draw (ranges.h). */
#include "synth/ranges.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A parameter of a family: its name, whole range, and whether it is drawn
 * log-uniform.  No name: the family has no such parameter. */
typedef struct {
    const char *name;
    double lo, hi;
    bool log;
} param_range;

#define NEG(kind) (ICTUS_SYNTH_##kind - ICTUS_SYNTH_GROOM_WIDE)
#define ICTAL(f) (ICTUS_SYNTH_N_NEGATIVE_FAMILIES + ICTUS_SYNTH_##f)
#define DUR(name, lo, hi) [ICTUS_SYNTH_PARAM_DUR] = {name, lo, hi, true}
#define F0(lo, hi) [ICTUS_SYNTH_PARAM_F0] = {"f0_hz", lo, hi, false}
#define AMP(name, lo, hi) [ICTUS_SYNTH_PARAM_AMP] = {name, lo, hi, false}
#define HPD {DUR("train_s", 5, 90), F0(1.5, 6), AMP("amp_rms", 5, 12)}
#define CONV {DUR("dur_s", 20, 150), F0(4, 12), AMP("amp_rms", 5, 16)}
#define GTCS {DUR("dur_s", 20, 150), F0(6, 14), AMP("amp_rms", 5, 16)}

/* families.h's and ictal.h's ranges. */
static const param_range params[ICTUS_SYNTH_N_FAMILIES][ICTUS_SYNTH_N_PARAMS] = {
    [NEG(GROOM_WIDE)] = {DUR("dur_s", 2, 30), F0(3, 12), AMP("amp_uv", 40, 400),
                         [ICTUS_SYNTH_PARAM_MUSCLE] = {"muscle_ratio", 0.05, 0.6, false}},
    [NEG(SPIKE_BURST)] = {DUR("dur_s", 1, 6), F0(1.5, 6), AMP("amp_uv", 200, 600)},
    [NEG(THETA_WIDE)] = {DUR("dur_s", 5, 60), F0(6, 10), AMP("amp_uv", 80, 250)},
    [NEG(MOVEMENT_WIDE)] = {DUR("dur_s", 1, 10), F0(0.2, 4), AMP("amp_uv", 100, 800)},
    [NEG(SPINDLE_WIDE)] = {DUR("dur_s", 0.5, 3), F0(7, 16), AMP("amp_uv", 50, 250)},
    [NEG(HVS_WIDE)] = {DUR("dur_s", 1, 10), F0(5, 12), AMP("amp_uv", 100, 400)},
    [NEG(POP_WIDE)] = {DUR("tau_s", 0.02, 1.5)},
    [NEG(CLIPPING_WIDE)] = {DUR("dur_s", 0.05, 5)},
    [ICTAL(HPD_SPIKE_ONSET)] = HPD,
    [ICTAL(HPD_LVF)] = HPD,
    [ICTAL(HPD_SENTINEL)] = HPD,
    [ICTAL(HPD_BUILDUP)] = HPD,
    [ICTAL(HPD_IRREGULAR)] = HPD,
    [ICTAL(CONV_SPIKE_ONSET)] = CONV,
    [ICTAL(CONV_LVF)] = CONV,
    [ICTAL(CONV_TONIC_CLONIC)] = CONV,
    [ICTAL(CONV_SECONDARY)] = CONV,
    [ICTAL(GTCS_TONIC_CLONIC)] = GTCS,
    [ICTAL(GTCS_CLONIC)] = GTCS,
    [ICTAL(GTCS_LVF)] = GTCS,
};

/* The parameters of family f as "a, b, c" into buf. */
static void list_params(int f, char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = 0;
    for (int p = 0; p < ICTUS_SYNTH_N_PARAMS; p++)
        if (params[f][p].name && n < size)
            n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? ", " : "", params[f][p].name);
}

/* A number that ends at `end` exactly (strtod's whole span). */
static bool number(const char *s, const char *end, double *out)
{
    char tmp[64];
    size_t len = (size_t)(end - s);
    if (len == 0 || len >= sizeof tmp)
        return false;
    memcpy(tmp, s, len);
    tmp[len] = 0;
    char *stop;
    errno = 0;
    *out = strtod(tmp, &stop);
    return !errno && *stop == 0 && isfinite(*out);
}

ictus_status ictus_synth_ranges_add(ictus_synth_ranges *r, const char *arg, uint64_t *families,
                                    ictus_error *err)
{
    const char *dot = strchr(arg, '.'), *eq = strchr(arg, '='), *colon = eq ? strchr(eq, ':') : NULL;
    double lo, hi;
    if (!dot || !eq || dot > eq || !colon || !number(eq + 1, colon, &lo) ||
        !number(colon + 1, colon + strlen(colon), &hi))
        return ictus_fail(err, ICTUS_ERR_USAGE,
                          "'%s': expected FAMILY.PARAM=LO:HI (e.g. grooming_wide.f0_hz=3:7)", arg);
    if (!(lo < hi))
        return ictus_fail(err, ICTUS_ERR_USAGE, "'%s': an empty range (LO must be below HI)", arg);
    size_t n = (size_t)(dot - arg), len = n > 0 && arg[n - 1] == '*' ? n - 1 : n;
    bool prefix = len < n;
    const char *param = dot + 1;
    size_t plen = (size_t)(eq - param);
    bool any = false;
    for (int f = 0; f < ICTUS_SYNTH_N_FAMILIES; f++) {
        const char *name = ictus_synth_family_name(f);
        if (strncmp(name, arg, len) != 0 || (!prefix && name[len] != 0))
            continue;
        any = true;
        int p = 0;
        while (p < ICTUS_SYNTH_N_PARAMS && !(params[f][p].name && strlen(params[f][p].name) == plen &&
                                             strncmp(params[f][p].name, param, plen) == 0))
            p++;
        if (p == ICTUS_SYNTH_N_PARAMS) {
            char list[128];
            list_params(f, list, sizeof list);
            return ictus_fail(err, ICTUS_ERR_USAGE, "'%s': %s has no parameter '%.*s' (%s)", arg,
                              name, (int)plen, param, list);
        }
        const param_range *pr = &params[f][p];
        if (lo < pr->lo || hi > pr->hi)
            return ictus_fail(err, ICTUS_ERR_USAGE, "'%s': %s.%s is drawn in %g:%g; the range "
                              "must lie within it", arg, name, pr->name, pr->lo, pr->hi);
        r->set[f][p] = true;
        r->lo[f][p] = lo;
        r->hi[f][p] = hi;
        *families |= UINT64_C(1) << f;
    }
    if (!any)
        return ictus_fail(err, ICTUS_ERR_USAGE, "'%s': '%.*s' is no wide family (those of "
                          "--families; a trailing * matches a prefix)", arg, (int)n, arg);
    return ICTUS_OK;
}

void ictus_synth_ranges_format(const ictus_synth_ranges *r, char *buf, size_t size)
{
    size_t n = 0;
    if (size == 0)
        return;
    buf[0] = 0;
    for (int f = 0; f < ICTUS_SYNTH_N_FAMILIES; f++)
        for (int p = 0; p < ICTUS_SYNTH_N_PARAMS; p++)
            if (r->set[f][p] && n < size)
                n += (size_t)snprintf(buf + n, size - n, "%s%s.%s=%g:%g", n ? " " : "",
                                      ictus_synth_family_name(f), params[f][p].name, r->lo[f][p],
                                      r->hi[f][p]);
}

/* Uniform (or log-uniform) in [lo, hi]: the calls families.c and ictal.c
 * made before ranges existed, so that their streams are unchanged. */
static double draw(ictus_synth_rng *rng, double lo, double hi, bool log_scale)
{
    return log_scale ? exp(ictus_synth_rng_range(rng, log(lo), log(hi)))
                     : ictus_synth_rng_range(rng, lo, hi);
}

double ictus_synth_param_draw(const ictus_synth_day_spec *spec, int f, ictus_synth_param p,
                              ictus_synth_rng *rng, double *full)
{
    const param_range *pr = &params[f][p];
    const ictus_synth_ranges *r = spec->ranges;
    if (r && r->set[f][p]) {
        ictus_synth_rng same = *rng; /* the same uniform, mapped onto both ranges */
        if (full)
            *full = draw(&same, pr->lo, pr->hi, pr->log);
        return draw(rng, r->lo[f][p], r->hi[f][p], pr->log);
    }
    double v = draw(rng, pr->lo, pr->hi, pr->log);
    if (full)
        *full = v;
    return v;
}
