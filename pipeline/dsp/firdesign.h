/* firdesign.h: linear-phase FIR low-pass design with a Kaiser window.
 *
 * The same numbers as SciPy's scipy.signal.kaiserord and
 * scipy.signal.firwin(numtaps, cutoff, window=('kaiser', beta)), computed in
 * double so that a filter designed here at run time equals the reference
 * fixtures of the tests.  Frequencies are fractions of the Nyquist
 * frequency (1.0 = fs / 2), as in SciPy without `fs`.
 * Thread-safe: no function here touches global state.
 */
#ifndef ICTUS_FIRDESIGN_H
#define ICTUS_FIRDESIGN_H

/* Kaiser's estimate (scipy.signal.kaiserord) of the filter length and the
 * window's beta for a stop-band attenuation and pass-band ripple of
 * atten_db (>= 8 dB; the formula is not valid below) and a transition
 * width of width_nyq (fraction of Nyquist, > 0).  *n_taps receives the
 * estimate (not forced odd), *beta the Kaiser window parameter. */
void ictus_kaiserord(double atten_db, double width_nyq, int *n_taps, double *beta);

/* The window's beta for an attenuation of atten_db (scipy.signal.kaiser_beta). */
double ictus_kaiser_beta(double atten_db);

/* A windowed-sinc low-pass (scipy.signal.firwin with pass_zero=True and
 * scale=True): cutoff at cutoff_nyq (0 < cutoff_nyq < 1, the -6 dB point),
 * symmetric Kaiser window of parameter beta >= 0, scaled to unity gain at
 * DC.  Writes n_taps >= 1 coefficients to taps (caller-owned). */
void ictus_firwin_kaiser(int n_taps, double cutoff_nyq, double beta, double *taps);

#endif
