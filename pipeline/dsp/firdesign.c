/* firdesign.c: Kaiser-window FIR low-pass design (SciPy's kaiserord and firwin).
 * The formulas follow scipy/signal/_fir_filter_design.py (SciPy 1.10) step
 * by step so that the coefficients agree to rounding; the Bessel function
 * I0 of the window comes from GSL. */
#include "pipeline/dsp/firdesign.h"

#include <assert.h>
#include <math.h>

#include <gsl/gsl_sf_bessel.h>

double ictus_kaiser_beta(double atten_db)
{
    if (atten_db > 50)
        return 0.1102 * (atten_db - 8.7);
    if (atten_db > 21)
        return 0.5842 * pow(atten_db - 21, 0.4) + 0.07886 * (atten_db - 21);
    return 0.0;
}

void ictus_kaiserord(double atten_db, double width_nyq, int *n_taps, double *beta)
{
    assert(atten_db >= 8 && width_nyq > 0);
    /* Kaiser's formula is for the order; +1 gives the number of taps. */
    double taps = (atten_db - 7.95) / 2.285 / (M_PI * width_nyq) + 1;
    assert(taps < 1e9);
    *n_taps = (int)ceil(taps);
    *beta = ictus_kaiser_beta(atten_db);
}

/* sin(pi x) / (pi x), 1 at 0 (numpy.sinc). */
static double sinc(double x)
{
    if (x == 0)
        return 1.0;
    double px = M_PI * x;
    return sin(px) / px;
}

void ictus_firwin_kaiser(int n_taps, double cutoff_nyq, double beta, double *taps)
{
    assert(n_taps >= 1 && cutoff_nyq > 0 && cutoff_nyq < 1 && beta >= 0);
    double alpha = 0.5 * (n_taps - 1);
    double i0_beta = gsl_sf_bessel_I0(beta);
    double sum = 0;
    for (int n = 0; n < n_taps; n++) {
        double m = n - alpha;
        /* scipy.signal.windows.kaiser(n_taps, beta, sym=True); a single tap
         * is the window [1]. */
        double r = n_taps > 1 ? m / alpha : 0.0;
        double w = gsl_sf_bessel_I0(beta * sqrt(1 - r * r)) / i0_beta;
        taps[n] = cutoff_nyq * sinc(cutoff_nyq * m) * w;
        sum += taps[n];
    }
    for (int n = 0; n < n_taps; n++)
        taps[n] /= sum;
}
