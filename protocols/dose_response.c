/* dose_response.c: probit/logit maximum likelihood, Fieller and profile-
 * likelihood intervals of ED_p, and the protective index (dose_response.h).
 *
 * GSL supplies the normal and chi-square distributions, log C(n, r) and
 * Brent's root finder.  The fit itself is written here: a two-parameter
 * Fisher scoring (2 × 2 solves in closed form) is shorter than setting up
 * gsl_multifit_nlinear for a likelihood that is not a least-squares problem.
 */
#include "protocols/dose_response.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_roots.h>
#include <gsl/gsl_sf_gamma.h>

#include "protocols/gsl_quiet.h"

/* Fisher scoring: at most this many steps, each halved at most HALVINGS
 * times while it lowers the log-likelihood by more than LL_SLACK × (1 + |ℓ|)
 * (its rounding); converged when the full step moves every parameter less
 * than STEP_REL × (1 + |value|). */
#define FIT_MAX_ITER 200
#define FIT_HALVINGS 60
#define FIT_LL_SLACK 1e-12
#define FIT_STEP_REL 1e-12
/* Profile-likelihood search: grid of PROFILE_GRID steps out to PROFILE_SPAN
 * spans of log10 dose on each side; Brent to PROFILE_XTOL in log10 dose. */
#define PROFILE_GRID 64
#define PROFILE_SPAN 10.0
#define PROFILE_XTOL 1e-13
#define PROFILE_MAX_ITER 200

/* ---- The design --------------------------------------------------------------- */

typedef struct {
    size_t k;
    ictus_dose_link link;
    const ictus_dose_group *g;
    double *x; /* log10 doses */
    double x_min, x_max;
} design;

/* F(η), 1 − F(η) and F'(η). */
static void link_eval(ictus_dose_link link, double eta, double *p, double *q, double *f)
{
    if (link == ICTUS_LINK_PROBIT) {
        *p = gsl_cdf_ugaussian_P(eta);
        *q = gsl_cdf_ugaussian_Q(eta);
        *f = gsl_ran_ugaussian_pdf(eta);
    } else {
        *p = 1 / (1 + exp(-eta));
        *q = 1 / (1 + exp(eta));
        *f = *p * *q;
    }
}

static double link_inverse(ictus_dose_link link, double p)
{
    return link == ICTUS_LINK_PROBIT ? gsl_cdf_ugaussian_Pinv(p) : log(p / (1 - p));
}

/* 0·log(0/anything) = 0. */
static double xlogy(double a, double b)
{
    return a > 0 ? a * log(a / b) : 0;
}

/* The log-likelihood (without log C(n, r)) of η_i = a + b·(x_i − shift),
 * and, when `u` is not NULL, the score u[0..2) in (a, b) and the expected
 * information info = {I_aa, I_ab, I_bb}.  −inf when a fitted P or 1 − P
 * underflows where the data need it. */
static double loglik(const design *d, double a, double b, double shift, double *u, double *info)
{
    double ll = 0;
    if (u) {
        u[0] = u[1] = 0;
        info[0] = info[1] = info[2] = 0;
    }
    for (size_t i = 0; i < d->k; i++) {
        double z = d->x[i] - shift, n = (double)d->g[i].n, r = (double)d->g[i].r, p, q, f;
        link_eval(d->link, a + b * z, &p, &q, &f);
        if ((r > 0 && p <= 0) || (r < n && q <= 0))
            return -INFINITY;
        ll += (r > 0 ? r * log(p) : 0) + (r < n ? (n - r) * log(q) : 0);
        if (u) {
            double s = (r - n * p) * f / (p * q), w = n * f * f / (p * q);
            u[0] += s;
            u[1] += s * z;
            info[0] += w;
            info[1] += w * z;
            info[2] += w * z * z;
        }
    }
    return ll;
}

static ictus_status design_check(const char *fn, const ictus_dose_group *g, size_t k,
                                 ictus_error *err)
{
    if (k == 0)
        return ictus_fail(err, ICTUS_ERR_DATA, "%s: no dose groups; expected at least two doses",
                          fn);
    for (size_t i = 0; i < k; i++)
        if (!(isfinite(g[i].dose) && g[i].dose > 0))
            return ictus_fail(err, ICTUS_ERR_DATA,
                              "%s: dose %g (group %zu); expected a dose > 0 (log dose)", fn,
                              g[i].dose, i);
    for (size_t i = 0; i < k; i++)
        if (g[i].n < 1 || g[i].n > UINT32_MAX || g[i].r < 0 || g[i].r > g[i].n)
            return ictus_fail(err, ICTUS_ERR_DATA,
                              "%s: %lld responders of %lld animals at dose %g; expected at least "
                              "one animal and 0..n responders",
                              fn, (long long)g[i].r, (long long)g[i].n, g[i].dose);
    double lo = g[0].dose, hi = g[0].dose;
    int64_t n = 0, r = 0;
    for (size_t i = 0; i < k; i++) {
        lo = fmin(lo, g[i].dose);
        hi = fmax(hi, g[i].dose);
        n += g[i].n;
        r += g[i].r;
    }
    if (lo == hi)
        return ictus_fail(err, ICTUS_ERR_DATA,
                          "%s: only one dose (%g) was tested; a dose-response needs at least two",
                          fn, lo);
    if (r == 0)
        return ictus_fail(err, ICTUS_ERR_DATA,
                          "%s: no animal responded at any dose (0 of %lld): the ED50 lies above "
                          "the doses tested",
                          fn, (long long)n);
    if (r == n)
        return ictus_fail(err, ICTUS_ERR_DATA,
                          "%s: every animal responded at every dose (%lld of %lld): the ED50 "
                          "lies below the doses tested",
                          fn, (long long)r, (long long)n);
    /* Separation: the doses with responders against those with non-responders. */
    double succ_lo = INFINITY, succ_hi = -INFINITY, fail_lo = INFINITY, fail_hi = -INFINITY;
    for (size_t i = 0; i < k; i++) {
        if (g[i].r > 0) {
            succ_lo = fmin(succ_lo, g[i].dose);
            succ_hi = fmax(succ_hi, g[i].dose);
        }
        if (g[i].r < g[i].n) {
            fail_lo = fmin(fail_lo, g[i].dose);
            fail_hi = fmax(fail_hi, g[i].dose);
        }
    }
    if (succ_lo >= fail_hi || succ_hi <= fail_lo)
        return ictus_fail(err, ICTUS_ERR_DATA,
                          "%s: complete separation: no responder %s dose %g and only responders "
                          "%s it, so the slope is infinite and the maximum-likelihood fit does "
                          "not exist; test doses between",
                          fn, succ_lo >= fail_hi ? "below" : "above",
                          succ_lo >= fail_hi ? fail_hi : fail_lo,
                          succ_lo >= fail_hi ? "above" : "below");
    return ICTUS_OK;
}

/* The design's log10 doses; the caller frees d->x. */
static void design_init(design *d, const ictus_dose_group *g, size_t k, ictus_dose_link link)
{
    *d = (design){k, link, g, ictus_xmalloc(k * sizeof *d->x), INFINITY, -INFINITY};
    for (size_t i = 0; i < k; i++) {
        d->x[i] = log10(g[i].dose);
        d->x_min = fmin(d->x_min, d->x[i]);
        d->x_max = fmax(d->x_max, d->x[i]);
    }
}

/* ---- The fit ---------------------------------------------------------------------- */

/* Start: weighted least squares of F⁻¹((r + ½)/(n + 1)) on x, weights n. */
static void start_values(const design *d, double *a, double *b)
{
    double sw = 0, sx = 0, sy = 0;
    for (size_t i = 0; i < d->k; i++) {
        double n = (double)d->g[i].n;
        double y = link_inverse(d->link, ((double)d->g[i].r + 0.5) / (n + 1));
        sw += n;
        sx += n * d->x[i];
        sy += n * y;
    }
    double xm = sx / sw, ym = sy / sw, sxx = 0, sxy = 0;
    for (size_t i = 0; i < d->k; i++) {
        double n = (double)d->g[i].n;
        double y = link_inverse(d->link, ((double)d->g[i].r + 0.5) / (n + 1));
        sxx += n * (d->x[i] - xm) * (d->x[i] - xm);
        sxy += n * (d->x[i] - xm) * (y - ym);
    }
    *b = sxy / sxx;
    *a = ym - *b * xm;
}

/* Maximises the likelihood over (a, b) (free_a) or over b alone with a
 * fixed (the profile), with η = a + b(x − shift).  Returns the maximum, or
 * NaN when it did not converge. */
static double maximise(const design *d, double *a, double *b, bool free_a, double shift,
                       int *iterations)
{
    double u[2], info[3];
    double ll = loglik(d, *a, *b, shift, u, info);
    for (int it = 1; it <= FIT_MAX_ITER && isfinite(ll); it++) {
        double da, db;
        if (free_a) {
            double det = info[0] * info[2] - info[1] * info[1];
            da = (info[2] * u[0] - info[1] * u[1]) / det;
            db = (info[0] * u[1] - info[1] * u[0]) / det;
        } else {
            da = 0;
            db = u[1] / info[2];
        }
        if (!isfinite(da) || !isfinite(db))
            return NAN;
        /* Converged when the full step is negligible; near the maximum the
         * likelihood changes by less than its rounding, so a step may "lower"
         * it by LL_SLACK and still be taken. */
        bool done = fabs(da) <= FIT_STEP_REL * (1 + fabs(*a)) &&
                    fabs(db) <= FIT_STEP_REL * (1 + fabs(*b));
        double floor_ll = ll - FIT_LL_SLACK * (1 + fabs(ll));
        double a1 = *a + da, b1 = *b + db, ll1 = loglik(d, a1, b1, shift, NULL, NULL);
        for (int h = 0; h < FIT_HALVINGS && !(ll1 >= floor_ll); h++) {
            da /= 2;
            db /= 2;
            a1 = *a + da;
            b1 = *b + db;
            ll1 = loglik(d, a1, b1, shift, NULL, NULL);
        }
        if (!(ll1 >= floor_ll))
            return NAN; /* no step, however short, climbs: not a maximum we can reach */
        *a = a1;
        *b = b1;
        ll = loglik(d, *a, *b, shift, u, info);
        if (iterations)
            *iterations = it;
        if (done)
            return ll;
    }
    return NAN;
}

static double lnchoose_sum(const ictus_dose_group *g, size_t k)
{
    double s = 0;
    for (size_t i = 0; i < k; i++)
        s += gsl_sf_lnchoose((unsigned)g[i].n, (unsigned)g[i].r);
    return s;
}

ictus_status ictus_dose_response_fit(const ictus_dose_group *groups, size_t k,
                                     ictus_dose_link link, ictus_dose_fit *fit,
                                     ictus_error *err)
{
    const char *fn = "dose-response fit";
    ictus_gsl_quiet();
    if (link != ICTUS_LINK_PROBIT && link != ICTUS_LINK_LOGIT)
        return ictus_fail(err, ICTUS_ERR_DATA, "%s: unknown link %d", fn, (int)link);
    ictus_status st = design_check(fn, groups, k, err);
    if (st != ICTUS_OK)
        return st;
    design d;
    design_init(&d, groups, k, link);
    double a, b;
    start_values(&d, &a, &b);
    *fit = (ictus_dose_fit){.link = link, .n_groups = k};
    double ll = maximise(&d, &a, &b, true, 0, &fit->iterations);
    if (isnan(ll)) {
        free(d.x);
        return ictus_fail(err, ICTUS_ERR_DATA,
                          "%s: the maximum-likelihood fit did not converge in %d steps", fn,
                          FIT_MAX_ITER);
    }
    double u[2], info[3];
    loglik(&d, a, b, 0, u, info);
    double det = info[0] * info[2] - info[1] * info[1];
    fit->intercept = a;
    fit->slope = b;
    fit->var_intercept = info[2] / det;
    fit->covariance = -info[1] / det;
    fit->var_slope = info[0] / det;
    fit->loglik = ll + lnchoose_sum(groups, k);
    for (size_t i = 0; i < k; i++) {
        double n = (double)groups[i].n, r = (double)groups[i].r, p, q, f;
        link_eval(link, a + b * d.x[i], &p, &q, &f);
        fit->deviance += 2 * (xlogy(r, n * p) + xlogy(n - r, n * q));
        fit->pearson_chi2 += (r - n * p) * (r - n * p) / (n * p * q);
    }
    fit->df = (double)k - 2;
    fit->gof_p = k > 2 ? gsl_cdf_chisq_Q(fit->pearson_chi2, fit->df) : NAN;
    free(d.x);
    return ICTUS_OK;
}

/* ---- ED_p: Fieller ------------------------------------------------------------------- */

/* Fieller's interval of m = −A/b, A = a − F⁻¹(p): the roots of
 * (b² − z²V(b))m² + 2(A·b − z²C)m + (A² − z²V(a)) = 0, computed without
 * cancellation (the larger root from the sum of like signs). */
static void fieller(const ictus_dose_fit *fit, double q, double z, ictus_ed_result *res)
{
    double A = fit->intercept - q, b = fit->slope, z2 = z * z;
    res->fieller_g = z2 * fit->var_slope / (b * b);
    res->fieller_bounded = res->fieller_g < 1;
    res->fieller = (ictus_interval){NAN, NAN};
    if (!res->fieller_bounded)
        return;
    double c2 = b * b - z2 * fit->var_slope, c1 = A * b - z2 * fit->covariance,
           c0 = A * A - z2 * fit->var_intercept;
    double disc = fmax(0, c1 * c1 - c2 * c0);
    double big = -(c1 + copysign(sqrt(disc), c1));
    double r1 = big / c2, r2 = c0 / big;
    res->fieller.lo = pow(10, fmin(r1, r2));
    res->fieller.hi = pow(10, fmax(r1, r2));
}

/* ---- ED_p: profile likelihood ----------------------------------------------------------- */

typedef struct {
    const design *d;
    double q;         /* F⁻¹(p): the fixed predictor at x = m */
    double ll_hat;    /* the maximum, without log C(n, r) */
    double crit;      /* chi-square(1) quantile at the level */
} profile;

/* D(m) − crit; NaN when the profile fit fails.  Each fit starts from b = 0,
 * where the likelihood is finite whatever m (far from the doses the fit's
 * own slope gives fitted P of 0 or 1 where the data have both outcomes);
 * the log-likelihood is concave in b (log F and log(1 − F) are concave for
 * both links), so scoring with step halving climbs to the maximum from
 * anywhere. */
static double profile_excess(double m, void *arg)
{
    const profile *pr = arg;
    double a = pr->q, b = 0;
    double ll = maximise(pr->d, &a, &b, false, m, NULL);
    return 2 * (pr->ll_hat - ll) - pr->crit;
}

/* Brent's root of profile_excess in [lo, hi] (a sign change). */
static double profile_root(profile *pr, double lo, double hi)
{
    gsl_function fn = {profile_excess, pr};
    gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    double root = NAN;
    if (gsl_root_fsolver_set(s, &fn, lo, hi) == GSL_SUCCESS) {
        for (int it = 0; it < PROFILE_MAX_ITER; it++) {
            if (gsl_root_fsolver_iterate(s) != GSL_SUCCESS)
                break;
            root = gsl_root_fsolver_root(s);
            if (gsl_root_test_interval(gsl_root_fsolver_x_lower(s), gsl_root_fsolver_x_upper(s),
                                       PROFILE_XTOL, 0) == GSL_SUCCESS)
                break;
        }
    }
    gsl_root_fsolver_free(s);
    return root;
}

/* One limit (sign −1: lower, +1: upper) of the profile interval on the log10
 * scale: ±inf when D stays below crit over the search; NaN when a profile
 * fit failed. */
static double profile_limit(profile *pr, double m_hat, int sign)
{
    double w = PROFILE_SPAN * (pr->d->x_max - pr->d->x_min);
    for (int j = 1; j <= PROFILE_GRID; j++) {
        double m = m_hat + sign * w * j / PROFILE_GRID;
        double e = profile_excess(m, pr);
        if (isnan(e))
            return NAN;
        if (e > 0) {
            double prev = m_hat + sign * w * (j - 1) / PROFILE_GRID;
            return profile_root(pr, fmin(prev, m), fmax(prev, m));
        }
    }
    return sign * INFINITY;
}

ictus_status ictus_dose_response_ed(const ictus_dose_group *groups, size_t k,
                                    const ictus_dose_fit *fit, double p, double level,
                                    ictus_ed_result *res, ictus_error *err)
{
    const char *fn = "dose-response ED";
    ictus_gsl_quiet();
    if (!(p > 0 && p < 1))
        return ictus_fail(err, ICTUS_ERR_DATA, "%s: p = %g; expected a probability in (0, 1)",
                          fn, p);
    if (!(level > 0 && level < 1))
        return ictus_fail(err, ICTUS_ERR_DATA,
                          "%s: confidence level %g; expected a fraction in (0, 1)", fn, level);
    ictus_status st = design_check(fn, groups, k, err);
    if (st != ICTUS_OK)
        return st;
    if (!(fit->slope != 0 && isfinite(fit->slope)) || fit->n_groups != k)
        return ictus_fail(err, ICTUS_ERR_DATA,
                          "%s: the fit (slope %g, %zu groups) is not one of these %zu groups", fn,
                          fit->slope, fit->n_groups, k);
    double q = link_inverse(fit->link, p), z = gsl_cdf_ugaussian_Pinv((1 + level) / 2);
    double m = (q - fit->intercept) / fit->slope;
    *res = (ictus_ed_result){.p = p, .level = level, .log10_ed = m, .ed = pow(10, m)};
    res->se_log10 = sqrt(fit->var_intercept + 2 * m * fit->covariance + m * m * fit->var_slope) /
                    fabs(fit->slope);
    fieller(fit, q, z, res);

    design d;
    design_init(&d, groups, k, fit->link);
    profile pr = {&d, q, fit->loglik - lnchoose_sum(groups, k),
                  gsl_cdf_chisq_Pinv(level, 1)};
    double lo = profile_limit(&pr, m, -1), hi = profile_limit(&pr, m, +1);
    free(d.x);
    if (isnan(lo) || isnan(hi))
        return ictus_fail(err, ICTUS_ERR_DATA,
                          "%s: a profile-likelihood fit did not converge (ED at p = %g)", fn, p);
    res->profile = (ictus_interval){pow(10, lo), pow(10, hi)};
    return ICTUS_OK;
}

/* ---- Protective index --------------------------------------------------------------------- */

/* log10 ED50 of a fit and its delta-method variance. */
static double log10_ed50(const ictus_dose_fit *f, double *var)
{
    double m = -f->intercept / f->slope;
    *var = (f->var_intercept + 2 * m * f->covariance + m * m * f->var_slope) /
           (f->slope * f->slope);
    return m;
}

ictus_status ictus_dose_response_pi(const ictus_dose_fit *td, const ictus_dose_fit *ed,
                                    double level, ictus_pi_result *res, ictus_error *err)
{
    const char *fn = "protective index";
    ictus_gsl_quiet();
    if (!(level > 0 && level < 1))
        return ictus_fail(err, ICTUS_ERR_DATA,
                          "%s: confidence level %g; expected a fraction in (0, 1)", fn, level);
    if (!(td->slope != 0 && isfinite(td->slope) && ed->slope != 0 && isfinite(ed->slope)))
        return ictus_fail(err, ICTUS_ERR_DATA, "%s: a fit has slope 0 (TD %g, ED %g)", fn,
                          td->slope, ed->slope);
    double var_t, var_e;
    double lpi = log10_ed50(td, &var_t) - log10_ed50(ed, &var_e);
    double se = sqrt(var_t + var_e), z = gsl_cdf_ugaussian_Pinv((1 + level) / 2);
    *res = (ictus_pi_result){pow(10, lpi), lpi, se, {pow(10, lpi - z * se), pow(10, lpi + z * se)}};
    return ICTUS_OK;
}
