/* gsl_quiet.h: GSL's error handler off, once per process.
 *
 * GSL's default error handler aborts the process.  The statistics modules
 * (stats.c, dose_response.c, survival.c) validate their input so that GSL is only
 * called inside its domain and check the results that can fail (a
 * decomposition, a root bracket); they call ictus_gsl_quiet() first, which
 * switches the handler off for the whole process, once (pthread_once), so
 * that a failure comes back as a status they turn into an ictus_error.
 * Code elsewhere that relies on GSL aborting must check GSL's return values.
 *
 * Thread safety: safe to call from any thread, any number of times.
 */
#ifndef ICTUS_GSL_QUIET_H
#define ICTUS_GSL_QUIET_H

void ictus_gsl_quiet(void);

#endif
