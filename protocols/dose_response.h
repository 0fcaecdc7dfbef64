/* dose_response.h: quantal dose–response by probit or logit regression on
 * log10 dose: ED50 (or any ED_p), its Fieller and profile-likelihood
 * intervals, goodness of fit, and the protective index PI = TD50/ED50.
 *
 * DOMAIN.md §8: in 6 Hz kindling an animal is protected or not at a dose;
 * per dose, r of n animals respond.  The model is
 *     P(respond | dose) = F(a + b·x),  x = log10(dose),
 * F the standard normal CDF (probit) or the logistic CDF (logit), fitted by
 * maximum likelihood (Fisher scoring with step halving; for the logit it is
 * Newton's method).  b is the slope per log10 unit of dose (Finney's probit
 * slope).  ED_p, the dose at which a fraction p responds, is 10^m with
 * m = (F⁻¹(p) − a)/b.  What "respond" means is the caller's: protected for
 * an ED50, toxic (e.g. failing the rotarod) for a TD50.
 *
 * Reference: statsmodels 0.13 (Debian's python3-statsmodels) GLM with the
 * Binomial family and probit/logit link on endog (r, n − r) and exog
 * (1, log10 dose): params, cov_params() (the inverse expected information,
 * scale 1), llf, deviance, pearson_chi2, df_resid.  statsmodels has no
 * Fieller, profile-likelihood or PI interval: tests/fixtures/
 * gen_dose_response.py computes them from its fits (Finney's textbook form of
 * Fieller; profile fits with an offset and SciPy's brentq), independently of
 * the code here.  tests/test_dose_response.c checks every case of
 * tests/fixtures/dose_response.txt: estimates, variances and limits within
 * 1e-6 relative, p-values within 1e-6 relative or 1e-12 absolute, and that
 * every design statsmodels cannot fit is refused with its reason.
 *
 * Conventions: the groups are an array owned by the caller and never
 * modified; doses in any unit (mg/kg), one row per dose tested (a dose may
 * repeat: rows are pooled by the likelihood); a confidence level is a
 * fraction in (0, 1), z the normal quantile at (1 + level)/2 (the binomial
 * scale is 1: no heterogeneity factor, so normal, not t, quantiles).
 * Data that cannot define the fit are refused with ICTUS_ERR_DATA and a
 * message saying why (see ictus_dose_response_fit).
 *
 * Thread safety: every function is reentrant (GSL's error handler is
 * switched off once per process: protocols/gsl_quiet.h).
 */
#ifndef ICTUS_DOSE_RESPONSE_H
#define ICTUS_DOSE_RESPONSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "protocols/stats.h"

typedef enum {
    ICTUS_LINK_PROBIT = 0, /* F = Φ, the standard normal CDF (Finney; Litchfield–Wilcoxon) */
    ICTUS_LINK_LOGIT       /* F(η) = 1/(1 + e^−η) */
} ictus_dose_link;

/* One dose tested: r of n animals responded. */
typedef struct {
    double dose; /* > 0, finite, any unit */
    int64_t n;   /* animals tested, ≥ 1 */
    int64_t r;   /* responders, 0..n */
} ictus_dose_group;

typedef struct {
    ictus_dose_link link;
    size_t n_groups;
    double intercept;     /* a */
    double slope;         /* b, per log10 unit of dose */
    double var_intercept; /* the inverse expected information at the estimate */
    double covariance;    /* cov(a, b) */
    double var_slope;
    double loglik;        /* Σ log C(n, r) + r log P + (n − r) log(1 − P) (statsmodels' llf) */
    double deviance;      /* 2 Σ r log(r/nP) + (n − r) log((n − r)/(n(1 − P))) */
    double pearson_chi2;  /* Σ (r − nP)² / (nP(1 − P)) */
    double df;            /* n_groups − 2 */
    double gof_p;         /* P(χ²(df) > pearson_chi2); NaN when df = 0 (two doses: saturated) */
    int iterations;
} ictus_dose_fit;

/* Fits the model to groups[0..k).  Refused with ICTUS_ERR_DATA, the message
 * saying which: a dose ≤ 0 or not finite; n < 1 or r outside 0..n; fewer
 * than two distinct doses; no responder; every animal responding; complete
 * or quasi-complete separation (no dose with responders lies below one with
 * non-responders, or none above: the slope is infinite and the maximum-
 * likelihood estimate does not exist). */
ictus_status ictus_dose_response_fit(const ictus_dose_group *groups, size_t k,
                                     ictus_dose_link link, ictus_dose_fit *fit,
                                     ictus_error *err);

typedef struct {
    double p, level;       /* as passed */
    double log10_ed;       /* m = (F⁻¹(p) − a)/b */
    double ed;             /* 10^m, in the unit of the doses */
    double se_log10;       /* delta method: √(V(a) + 2m·C(a, b) + m²V(b)) / |b| */
    double fieller_g;      /* z²·V(b)/b²: ≥ 1 when b is not significantly ≠ 0 */
    bool fieller_bounded;  /* false when g ≥ 1: the Fieller set is no bounded interval */
    ictus_interval fieller;/* dose scale; NaN ends when !fieller_bounded */
    ictus_interval profile;/* dose scale; lo = 0 / hi = +inf when that end is unbounded */
} ictus_ed_result;

/* ED_p of a fit of groups[0..k) (the same groups as the fit: the profile
 * likelihood refits them), with two intervals at `level`:
 * - Fieller's: the m with (a − F⁻¹(p) + b·m)² ≤ z²·(V(a) + 2m·C(a, b) +
 *   m²V(b)); a bounded interval exactly when g < 1 (otherwise the set is the
 *   whole line or two half-lines, and no limits are given);
 * - the profile likelihood's: the m whose profile deviance
 *   D(m) = 2(ℓ̂ − max_b ℓ(η = F⁻¹(p) + b(x − m))) is at most the chi-square
 *   (1 df) quantile at `level` (GSL).  Each limit is searched outwards from
 *   m̂ on the grid m̂ ± W·j/64, j = 1..64, W = 10 × the span of log10 doses,
 *   and solved by Brent's method (GSL) between the last grid point inside
 *   and the first outside, to 1e-13 in log10 dose; none within W is reported
 *   as unbounded (0 or +inf).
 * 0 < p < 1. */
ictus_status ictus_dose_response_ed(const ictus_dose_group *groups, size_t k,
                                    const ictus_dose_fit *fit, double p, double level,
                                    ictus_ed_result *res, ictus_error *err);

typedef struct {
    double pi;          /* TD50 / ED50 */
    double log10_pi;    /* m_T − m_E */
    double se_log10;    /* √(V(m_T) + V(m_E)), each by the delta method */
    ictus_interval ci;  /* 10^(log10_pi ∓ z·se_log10) */
} ictus_pi_result;

/* The protective index PI = TD50/ED50 of two fits on different animals (a
 * toxicity test and an efficacy test, independent), with its interval at
 * `level` by the delta method on log10 PI (symmetric on the log scale; it
 * ignores the asymmetry Fieller's intervals of each ED50 show when g is
 * large: read the two intervals beside it). */
ictus_status ictus_dose_response_pi(const ictus_dose_fit *td, const ictus_dose_fit *ed,
                                    double level, ictus_pi_result *res, ictus_error *err);

#endif
