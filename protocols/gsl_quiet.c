/* gsl_quiet.c: GSL's error handler off, once per process (gsl_quiet.h). */
#include "protocols/gsl_quiet.h"

#include <pthread.h>

#include <gsl/gsl_errno.h>

static pthread_once_t quiet_once = PTHREAD_ONCE_INIT;

static void handler_off(void)
{
    gsl_set_error_handler_off();
}

void ictus_gsl_quiet(void)
{
    pthread_once(&quiet_once, handler_off);
}
