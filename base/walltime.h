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

/* How a study's manifests write dates (study.ini [study] date_format).
 * ISO dates (YYYY-MM-DD) are always accepted; a lab form only when the
 * study names it, for 01.06.2025 or 06/01/2025 cannot be told apart. */
typedef enum {
    ICTUS_DATE_ISO = 0,   /* YYYY-MM-DD only (the default) */
    ICTUS_DATE_DMY_DOT,   /* DD.MM.YYYY, also D.M.YYYY */
    ICTUS_DATE_DMY_SLASH, /* DD/MM/YYYY */
    ICTUS_DATE_MDY_SLASH, /* MM/DD/YYYY */
    ICTUS_N_DATE_FORMATS
} ictus_date_format;

/* The setting's spellings, by ictus_date_format: "YYYY-MM-DD", "DD.MM.YYYY",
 * "DD/MM/YYYY", "MM/DD/YYYY"; NULL-terminated. */
extern const char *const ictus_date_format_names[];

/* What ictus_walltime_parse_as() found. */
typedef enum {
    ICTUS_WALLTIME_OK = 0,
    ICTUS_WALLTIME_BAD,          /* not a date (and time) of the accepted forms, or out of range */
    ICTUS_WALLTIME_NEEDS_FORMAT, /* a D.M.YYYY or M/D/YYYY form, and `format` is ICTUS_DATE_ISO:
                                    the study must say which (never guessed) */
} ictus_walltime_result;

/* Parse a date with an optional time of day; the whole string must be
 * consumed.  Date: YYYY-MM-DD (two-digit month and day), or the lab form of
 * `format` (one or two digits for day and month, four for the year).  Time,
 * after a `T` or a space: H:MM or HH:MM, then optionally :SS and .fff...
 * (any number of fraction digits).  A date alone is 00:00 of that day.
 * On ICTUS_WALLTIME_OK *t_us is set and *has_time (may be NULL) says whether
 * a time of day was given; otherwise neither is touched. */
ictus_walltime_result ictus_walltime_parse_as(const char *s, ictus_date_format format,
                                              int64_t *t_us, bool *has_time);

/* ictus_walltime_parse_as() with ICTUS_DATE_ISO: true when it is
 * ICTUS_WALLTIME_OK (`YYYY-MM-DD[THH:MM[:SS[.fff]]]`, a space may replace
 * the `T`, the hour may have one digit).  Returns false on any syntax or
 * range error and leaves *t_us untouched. */
bool ictus_walltime_parse(const char *s, int64_t *t_us);

/* Seconds as a double, for the edges (CSV, reports). */
static inline double ictus_us_to_s(int64_t us) { return (double)us / 1e6; }

/* A duration setting in seconds as whole µs, rounded to the nearest. */
static inline int64_t ictus_s_to_us(double s) { return (int64_t)llround(s * 1e6); }

#endif
