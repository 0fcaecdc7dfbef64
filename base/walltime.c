/* walltime.c: civil-date arithmetic for naive local time (no time zones).
 * days_from_civil / civil_from_days follow Howard Hinnant's public-domain
 * algorithms, exact over the whole int64 range we use. */
#include "base/walltime.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

int64_t ictus_walltime_from_civil(int year, int month, int day, int hour, int minute,
                                  int second, int64_t us)
{
    int64_t days = days_from_civil(year, month, day);
    return ((days * 24 + hour) * 60 + minute) * 60 * ICTUS_US_PER_S + second * ICTUS_US_PER_S + us;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

void ictus_walltime_to_civil(int64_t t_us, int *year, int *month, int *day, int *hour,
                             int *minute, int *second, int64_t *us)
{
    const int64_t us_per_day = 86400 * ICTUS_US_PER_S;
    int64_t days = floor_div(t_us, us_per_day);
    int64_t rem = t_us - days * us_per_day;
    int y, m, d;
    civil_from_days(days, &y, &m, &d);
    if (year) *year = y;
    if (month) *month = m;
    if (day) *day = d;
    if (hour) *hour = (int)(rem / (3600 * ICTUS_US_PER_S));
    if (minute) *minute = (int)(rem / (60 * ICTUS_US_PER_S) % 60);
    if (second) *second = (int)(rem / ICTUS_US_PER_S % 60);
    if (us) *us = rem % ICTUS_US_PER_S;
}

char *ictus_walltime_format(int64_t t_us, char *buf, size_t size)
{
    int y, mo, d, h, mi, s;
    int64_t ms_total = floor_div(t_us + 500, 1000); /* round to the nearest ms */
    ictus_walltime_to_civil(ms_total * 1000, &y, &mo, &d, &h, &mi, &s, NULL);
    int ms = (int)(ms_total - floor_div(ms_total, 1000) * 1000);
    snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03d", y, mo, d, h, mi, s, ms);
    return buf;
}

/* Read exactly `n` digits; returns -1 when they are not all digits. */
static int read_digits(const char **p, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return -1;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    return v;
}

static int days_in_month(int y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dm[m - 1];
}

const char *const ictus_date_format_names[] = {"YYYY-MM-DD", "DD.MM.YYYY", "DD/MM/YYYY",
                                               "MM/DD/YYYY", NULL};

/* Read one or two digits; -1 when there is none. */
static int read_1or2(const char **p)
{
    if (!isdigit((unsigned char)**p))
        return -1;
    return read_digits(p, isdigit((unsigned char)(*p)[1]) ? 2 : 1);
}

/* A lab date D{1,2} SEP D{1,2} SEP YYYY at *p: the two first numbers and the
 * year, and the separator found; false when *p is not of that shape. */
static bool read_lab_date(const char **p, int *first, int *second, int *year, char *sep)
{
    const char *q = *p;
    *first = read_1or2(&q);
    *sep = *q;
    if (*first < 0 || (*sep != '.' && *sep != '/'))
        return false;
    q++;
    *second = read_1or2(&q);
    if (*second < 0 || *q++ != *sep)
        return false;
    *year = read_digits(&q, 4);
    if (*year < 0 || isdigit((unsigned char)*q))
        return false;
    *p = q;
    return true;
}

/* The date part at *p (advanced past it) into y, mo, d (range-checked). */
static ictus_walltime_result read_date(const char **p, ictus_date_format format, int *y, int *mo,
                                       int *d)
{
    const char *q = *p;
    int a, b;
    char sep;
    if (read_lab_date(&q, &a, &b, y, &sep)) {
        if (format == ICTUS_DATE_ISO)
            return ICTUS_WALLTIME_NEEDS_FORMAT;
        char want = format == ICTUS_DATE_DMY_DOT ? '.' : '/';
        if (sep != want)
            return ICTUS_WALLTIME_BAD;
        *d = format == ICTUS_DATE_MDY_SLASH ? b : a;
        *mo = format == ICTUS_DATE_MDY_SLASH ? a : b;
    } else {
        q = *p;
        *y = read_digits(&q, 4);
        if (*y < 0 || *q++ != '-')
            return ICTUS_WALLTIME_BAD;
        *mo = read_digits(&q, 2);
        if (*mo < 0 || *q++ != '-')
            return ICTUS_WALLTIME_BAD;
        *d = read_digits(&q, 2);
    }
    if (*mo < 1 || *mo > 12 || *d < 1 || *d > days_in_month(*y, *mo))
        return ICTUS_WALLTIME_BAD;
    *p = q;
    return ICTUS_WALLTIME_OK;
}

/* The time of day at p (H:MM or HH:MM, then [:SS[.fff...]]) to the end of
 * the string, into *us_of_day; false on any error. */
static bool read_time_of_day(const char *p, int64_t *us_of_day)
{
    int h = read_1or2(&p);
    if (h < 0 || h > 23 || *p++ != ':')
        return false;
    int mi = read_digits(&p, 2);
    if (mi < 0 || mi > 59)
        return false;
    int sec = 0;
    int64_t us = 0;
    if (*p == ':') {
        p++;
        sec = read_digits(&p, 2);
        if (sec < 0 || sec > 59)
            return false;
        if (*p == '.') {
            p++;
            int64_t scale = 100000;
            if (!isdigit((unsigned char)*p))
                return false;
            for (; isdigit((unsigned char)*p); p++) {
                us += (*p - '0') * scale;
                scale /= 10;
            }
        }
    }
    if (*p != '\0')
        return false;
    *us_of_day = ((int64_t)h * 3600 + mi * 60 + sec) * ICTUS_US_PER_S + us;
    return true;
}

ictus_walltime_result ictus_walltime_parse_as(const char *s, ictus_date_format format,
                                              int64_t *t_us, bool *has_time)
{
    const char *p = s;
    int y, mo, d;
    ictus_walltime_result r = read_date(&p, format, &y, &mo, &d);
    if (r != ICTUS_WALLTIME_OK)
        return r;
    int64_t us_of_day = 0;
    bool timed = *p == 'T' || *p == ' ';
    if (timed ? !read_time_of_day(p + 1, &us_of_day) : *p != '\0')
        return ICTUS_WALLTIME_BAD;
    *t_us = ictus_walltime_from_civil(y, mo, d, 0, 0, 0, 0) + us_of_day;
    if (has_time)
        *has_time = timed;
    return ICTUS_WALLTIME_OK;
}

bool ictus_walltime_parse(const char *s, int64_t *t_us)
{
    return ictus_walltime_parse_as(s, ICTUS_DATE_ISO, t_us, NULL) == ICTUS_WALLTIME_OK;
}
