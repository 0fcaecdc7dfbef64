/* survival.h: Kaplan–Meier estimates and the log-rank test, for
 * time-to-event outcomes (DOMAIN.md §8: time to first seizure, time to the
 * baseline seizure count, survival and SUDEP).
 *
 * Input is one row per animal: the time from the origin (treatment start,
 * birth, ...) to its event or to its censoring (end of block, death from
 * another cause), in any unit shared by the rows (e.g. days), and whether
 * the event was seen.  Ties are kept exactly: the animals whose events share
 * a time die together (d at that time), and an animal censored at an event
 * time is still at risk at it (it leaves just after), as in every package.
 *
 * Reference: statsmodels 0.13 (Debian's python3-statsmodels),
 * statsmodels.duration.survfunc.SurvfuncRight (estimate, Greenwood standard
 * error, quantile, quantile_ci) and survdiff (log-rank);
 * tests/test_survival.c checks every case of tests/fixtures/survival.txt
 * (written by tests/fixtures/gen_survival.py) to 1e-6 relative, p-values to
 * 1e-6 relative or 1e-12 absolute, event and quantile times exactly.
 * statsmodels has no pointwise interval of S(t): the generator computes it
 * from statsmodels' S and standard error with the formulas given below
 * (those of R's survfit and SAS's LIFETEST).
 *
 * Conventions: arrays are owned by the caller and never modified; times are
 * finite and ≥ 0; invalid input returns ICTUS_ERR_DATA with a message naming
 * the function, the row and what was expected.  A confidence level is a
 * fraction in (0, 1), e.g. 0.95; z is the standard normal quantile at
 * (1 + level)/2.
 *
 * Thread safety: every function is reentrant (GSL's error handler is
 * switched off once per process: protocols/gsl_quiet.h).
 */
#ifndef ICTUS_SURVIVAL_H
#define ICTUS_SURVIVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "protocols/stats.h"

/* The scale on which the confidence intervals of S(t) and of its quantiles
 * are formed (then mapped back to S).  At an event time with S in (0, 1) and
 * Greenwood standard error se:
 *   LOGLOG  log(−log S) ± z·se/(S·|log S|):  [S^exp(z·se/(S·|log S|)),
 *           S^exp(−z·se/(S·|log S|))], inside (0, 1); statsmodels'
 *           quantile_ci default ("cloglog") and SAS LIFETEST's; the field's
 *           usual choice for small groups.  The default (zero value).
 *   LOG     log S ± z·se/S: [S·exp(−z·se/S), min(1, S·exp(z·se/S))]; R
 *           survfit's default.
 *   PLAIN   S ± z·se, clipped to [0, 1] ("linear" in statsmodels). */
typedef enum {
    ICTUS_KM_LOGLOG = 0,
    ICTUS_KM_LOG,
    ICTUS_KM_PLAIN
} ictus_km_transform;

/* A Kaplan–Meier estimate, one entry per distinct event time (times where
 * only censoring happens are not listed; S is flat across them). */
typedef struct {
    size_t n_animals;         /* rows given */
    size_t n_events;          /* events among them */
    size_t n_times;           /* distinct event times: the length of the arrays below */
    double *time;             /* ascending */
    int64_t *n_risk;          /* animals at risk just before time[j] (censored at time[j] count) */
    int64_t *n_dead;          /* events at time[j] */
    double *surv;             /* S(time[j]) = Π_{i≤j} (1 − n_dead[i]/n_risk[i]) */
    double *se;               /* Greenwood: S·√Σ_{i≤j} d/(n(n − d)); NaN once S = 0 */
    ictus_interval *ci;       /* pointwise interval of S at `level`; NaN ends where se is NaN */
    ictus_km_transform transform;
    double level;
} ictus_km;

/* Kaplan–Meier estimate of n animals: time[i] (≥ 0, finite) and event[i]
 * (true: the event at time[i]; false: censored at time[i]), as statsmodels'
 * SurvfuncRight(time, event), with pointwise intervals at `level` on the
 * `transform` scale.  n ≥ 1; no event at all is valid (n_times = 0).
 * Fills *km, whose arrays the caller frees with ictus_km_free(). */
ictus_status ictus_km_estimate(const double *time, const bool *event, size_t n,
                               ictus_km_transform transform, double level, ictus_km *km,
                               ictus_error *err);

/* Frees km's arrays and zeroes it; NULL or a zeroed km is a no-op. */
void ictus_km_free(ictus_km *km);

typedef struct {
    double p;          /* as passed: 0.5 is the median */
    double time;       /* the smallest event time with S < 1 − p; NaN when S never falls below */
    ictus_interval ci; /* Brookmeyer–Crowley at km->level on km->transform's scale; NaN ends when
                          no event time qualifies; hi = +inf when the last event time does */
} ictus_km_quantile_result;

/* The p-quantile of the survival time (p = 0.5: the median) and its
 * confidence interval, as SurvfuncRight.quantile(p) and
 * .quantile_ci(p, 1 − level, method) (the method from km->transform).
 * Point: the smallest event time whose S is below 1 − p, strictly (SAS's and
 * statsmodels' rule; R's survfit averages with the next time when S equals
 * 1 − p exactly over an interval).  "Strictly" is judged as exact arithmetic
 * would: an S within 1e-12 relative of 1 − p counts as equal to it (2 of 4
 * animals dead is S = 0.5, not a rounding error below it).
 * Interval (Brookmeyer & Crowley 1982, by inverting z-tests): the event
 * times j with |g(S_j) − g(1 − p)| ≤ z·g'(S_j)·se_j, g the transform
 * (log(−log x), log x or x); lo = the first of them, hi = the event time
 * after the last of them (+inf when that is the last event time).  Those
 * times need not be contiguous; as statsmodels, only the first and last
 * count.  0 < p < 1. */
ictus_status ictus_km_quantile(const ictus_km *km, double p, ictus_km_quantile_result *res,
                               ictus_error *err);

/* ---- Log-rank test (statsmodels survdiff) -------------------------------- */

typedef struct {
    size_t n_groups;
    double chi2; /* (O − E)ᵀ V⁻¹ (O − E) over groups 1..G−1 (group 0 the reference) */
    double df;   /* G − 1 */
    double p;    /* upper tail of chi-square(df) (GSL) */
} ictus_logrank_result;

/* Log-rank test of equal survival among n_groups groups, as
 * statsmodels' survdiff(time, event, group) (weight_type None).  At each
 * event time with N > 1 at risk, d events and n_g of group g at risk:
 * O_g − E_g += d_g − d·n_g/N and V_gh += d(N − d)/(N − 1) · r_g(δ_gh − r_h),
 * r_g = n_g/N.  group[i] is row i's group, 0..n_groups−1; every group must
 * have a row.  observed and expected (each n_groups long, or NULL) receive
 * each group's events O_g and expected events E_g = Σ d·n_g/N.
 * Refused (ICTUS_ERR_DATA, saying why): fewer than two groups; an empty
 * group; no event at all; V singular (a group at risk at no event time where
 * another group is too: there is nothing to compare it with), judged by a
 * Cholesky pivot below 1e-10 of V's largest diagonal entry — statsmodels
 * raises there too, or, when rounding hides the singularity, returns a
 * chi-square made of rounding errors. */
ictus_status ictus_logrank(const double *time, const bool *event, const size_t *group, size_t n,
                           size_t n_groups, double *observed, double *expected,
                           ictus_logrank_result *res, ictus_error *err);

#endif
