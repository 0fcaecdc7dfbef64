/* edf_lock.h: the one process-wide lock around EDFlib's thread-unsafe calls.
 *
 * EDFlib keeps a global table of open files: edfopen_file_readonly(),
 * edfopen_file_writeonly() and edfclose_file() race with each other (EDFlib's
 * header says so), while calls on different open handles do not.  Every
 * ictus module that opens or closes an EDFlib handle holds this lock around
 * those calls, and only around those calls.
 */
#ifndef ICTUS_EDF_LOCK_H
#define ICTUS_EDF_LOCK_H

/* Take / release the lock.  Not recursive: never call EDFlib open/close
 * helpers of another ictus module while holding it. */
void ictus_edflib_lock(void);
void ictus_edflib_unlock(void);

#endif
