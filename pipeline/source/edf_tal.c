/* edf_tal.c: EDF+ time-stamped annotation lists (TALs): parse and format. */
#include "pipeline/source/edf_tal.h"

#include <stdio.h>
#include <string.h>

#include "base/limits.h"

enum { TAL_DURATION = 0x15, TAL_END_TEXT = 0x14 };

/* The largest whole-second part of an onset or duration (base/limits.h). */
#define MAX_WHOLE_SECONDS ((int64_t)ICTUS_MAX_OFFSET_S)

typedef enum { SECONDS_OK, SECONDS_NONE, SECONDS_TOO_FAR } seconds_result;

/* Parse DIGITS[.DIGITS] at bytes[*i, n) into ticks: SECONDS_NONE when no
 * digit starts it, SECONDS_TOO_FAR when its whole seconds pass
 * MAX_WHOLE_SECONDS (found before they could overflow). */
static seconds_result parse_seconds(const unsigned char *bytes, size_t n, size_t *i,
                                    int64_t *ticks)
{
    size_t p = *i;
    int64_t whole = 0;
    int whole_digits = 0;
    for (; p < n && bytes[p] >= '0' && bytes[p] <= '9'; p++, whole_digits++) {
        whole = whole * 10 + (bytes[p] - '0');
        if (whole > MAX_WHOLE_SECONDS)
            return SECONDS_TOO_FAR;
    }
    int64_t frac = 0, scale = ICTUS_EDF_TICKS_PER_S;
    if (p < n && bytes[p] == '.')
        for (p++; p < n && bytes[p] >= '0' && bytes[p] <= '9'; p++)
            if (scale > 1) {
                scale /= 10;
                frac += (bytes[p] - '0') * scale;
            }
    if (whole_digits == 0)
        return SECONDS_NONE;
    *i = p;
    *ticks = whole * ICTUS_EDF_TICKS_PER_S + frac;
    return SECONDS_OK;
}

/* Why parse_seconds() refused an onset (or a duration). */
static const char *seconds_why(seconds_result r, bool onset)
{
    if (r == SECONDS_NONE)
        return onset ? "onset is not a number of seconds" : "duration is not a number of seconds";
    return onset ? "onset is more than " ICTUS_MAX_OFFSET_TEXT " from the start time"
                 : "duration is more than " ICTUS_MAX_OFFSET_TEXT;
}

/* Describe a failure at byte `at`, quoting up to 12 bytes from `from`. */
static bool fail_at(char *why, size_t why_size, const unsigned char *bytes, size_t n,
                    size_t from, size_t at, const char *what)
{
    char quoted[13];
    size_t q = 0;
    for (size_t p = from; p < n && q < 12 && bytes[p] >= 0x20 && bytes[p] < 0x7f; p++)
        quoted[q++] = (char)bytes[p];
    quoted[q] = '\0';
    if (at < n)
        snprintf(why, why_size, "byte %zu: %s (found '%s', byte 0x%02x)", at, what, quoted,
                 bytes[at]);
    else
        snprintf(why, why_size, "byte %zu: %s (the annotation signal ends there)", at, what);
    return false;
}

bool ictus_tal_parse(const unsigned char *bytes, size_t n, ictus_tal_head *head,
                     ictus_tal_visit visit, void *ctx, char *why, size_t why_size)
{
    head->present = false;
    head->timekeeping = false;
    head->onset_ticks = 0;
    size_t i = 0;
    for (int tal = 0; i < n && bytes[i] != 0; tal++) {
        size_t start = i;
        if (bytes[i] != '+' && bytes[i] != '-')
            return fail_at(why, why_size, bytes, n, start, i, "a TAL must start with '+' or '-'");
        bool negative = bytes[i++] == '-';
        int64_t onset, duration = -1;
        seconds_result r = parse_seconds(bytes, n, &i, &onset);
        if (r != SECONDS_OK)
            return fail_at(why, why_size, bytes, n, start, i, seconds_why(r, true));
        if (negative)
            onset = -onset;
        if (i < n && bytes[i] == TAL_DURATION) {
            i++;
            if ((r = parse_seconds(bytes, n, &i, &duration)) != SECONDS_OK)
                return fail_at(why, why_size, bytes, n, start, i, seconds_why(r, false));
        }
        if (i >= n || bytes[i] != TAL_END_TEXT)
            return fail_at(why, why_size, bytes, n, start, i,
                           "expected 0x14 after the onset/duration");
        i++;
        for (int text = 0;; text++) {
            if (i >= n)
                return fail_at(why, why_size, bytes, n, start, i,
                               "TAL not ended by a 0x00 byte");
            if (bytes[i] == 0) {
                i++;
                break;
            }
            size_t t0 = i;
            while (i < n && bytes[i] != TAL_END_TEXT && bytes[i] != 0)
                i++;
            if (i >= n || bytes[i] == 0)
                return fail_at(why, why_size, bytes, n, t0, i,
                               "annotation text not ended by 0x14");
            if (tal == 0 && text == 0)
                head->timekeeping = i == t0;
            if (i > t0 && visit)
                visit(ctx, onset, duration, (const char *)bytes + t0, i - t0);
            i++;
        }
        if (tal == 0) {
            head->present = true;
            head->onset_ticks = onset;
        }
    }
    return true;
}

char *ictus_edf_format_seconds(char *s, int64_t ticks, bool with_sign)
{
    const char *sign = ticks < 0 ? "-" : with_sign ? "+" : "";
    uint64_t mag = ticks < 0 ? (uint64_t)0 - (uint64_t)ticks : (uint64_t)ticks;
    uint64_t whole = mag / ICTUS_EDF_TICKS_PER_S, frac = mag % ICTUS_EDF_TICKS_PER_S;
    int len = snprintf(s, 32, "%s%llu", sign, (unsigned long long)whole);
    if (frac) {
        int digits = 7;
        while (frac % 10 == 0) {
            frac /= 10;
            digits--;
        }
        snprintf(s + len, 32 - (size_t)len, ".%0*llu", digits, (unsigned long long)frac);
    }
    return s;
}

size_t ictus_tal_format(unsigned char *buf, size_t size, int64_t onset_ticks,
                        int64_t duration_ticks, const char *text)
{
    char onset[32], duration[32];
    size_t n_onset = strlen(ictus_edf_format_seconds(onset, onset_ticks, true));
    size_t n_duration = duration_ticks >= 0
                            ? strlen(ictus_edf_format_seconds(duration, duration_ticks, false))
                            : 0;
    size_t n_text = text ? strlen(text) : 0;
    size_t total = n_onset + (n_duration ? n_duration + 1 : 0) + 1 + n_text + 1 + 1;
    if (total > size)
        return 0;
    size_t p = 0;
    memcpy(buf + p, onset, n_onset);
    p += n_onset;
    if (n_duration) {
        buf[p++] = TAL_DURATION;
        memcpy(buf + p, duration, n_duration);
        p += n_duration;
    }
    buf[p++] = TAL_END_TEXT;
    memcpy(buf + p, text ? text : "", n_text);
    p += n_text;
    buf[p++] = TAL_END_TEXT;
    buf[p++] = 0;
    return p;
}
