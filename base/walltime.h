/* walltime.h: naive local wall-clock time as int64 microseconds.
 *
 * EDF start times are local clock readings with no time zone.  ictus keeps
 * them naive everywhere: a time is the number of microseconds since
 * 1970-01-01T00:00:00 *of the same local clock*, computed with the proleptic
 * Gregorian calendar and never shifted by the host's zone or DST rules.
 * Thread-safe: no function here touches global state.
 */
#ifndef ICTUS_WALLTIME_H
#define ICTUS_WALLTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <math.h>
#include <stdint.h>

#define ICTUS_US_PER_S INT64_C(1000000)

/* Microseconds for a civil date and time.  month 1..12, day 1..31,
 * hour 0..23, minute 0..59, second 0..59, us 0..999999; not range-checked. */
int64_t ictus_walltime_from_civil(int year, int month, int day, int hour, int minute,
                                  int second, int64_t us);

/* Split `t_us` into civil fields (any of the pointers may be NULL). */
void ictus_walltime_to_civil(int64_t t_us, int *year, int *month, int *day, int *hour,
                             int *minute, int *second, int64_t *us);

/* Format as ISO 8601 `YYYY-MM-DDTHH:MM:SS.mmm` (milliseconds, rounded to
 * nearest).  `buf` must hold at least 24 bytes; returns `buf`. */
char *ictus_walltime_format(int64_t t_us, char *buf, size_t size);

/* Parse `YYYY-MM-DD[THH:MM[:SS[.fff...]]]` (a space may replace the `T`);
 * the whole string must be consumed.  Returns false on any syntax or range
 * error and leaves *t_us untouched. */
bool ictus_walltime_parse(const char *s, int64_t *t_us);

/* Seconds as a double, for the edges (CSV, reports). */
static inline double ictus_us_to_s(int64_t us) { return (double)us / 1e6; }

/* A duration setting in seconds as whole µs, rounded to the nearest. */
static inline int64_t ictus_s_to_us(double s) { return (int64_t)llround(s * 1e6); }

#endif
