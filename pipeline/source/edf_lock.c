/* edf_lock.c: the process-wide lock around EDFlib's thread-unsafe calls. */
#include "pipeline/source/edf_lock.h"

#include <pthread.h>

static pthread_mutex_t edflib_mutex = PTHREAD_MUTEX_INITIALIZER;

void ictus_edflib_lock(void)
{
    pthread_mutex_lock(&edflib_mutex);
}

void ictus_edflib_unlock(void)
{
    pthread_mutex_unlock(&edflib_mutex);
}
