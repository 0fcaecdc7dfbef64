/* edf_tal.h: EDF+ time-stamped annotation lists (TALs): parse and format.
 *
 * In every data record of an EDF+/BDF+ file, each annotation signal
 * ("EDF Annotations") holds a run of TALs followed by 0x00 padding:
 *
 *     +ONSET[\x15DURATION]\x14[TEXT\x14]...\x00
 *
 * ONSET is a signed decimal number of seconds from the header's start date
 * and time, DURATION an unsigned one, both at most ICTUS_MAX_OFFSET_S
 * (base/limits.h: 10 years) in size; TEXT is UTF-8.  The first TAL of the
 * first annotation signal of a record is the time-keeping TAL: its first
 * text is empty and its onset is the record's start.
 *
 * Times are kept as integer ticks of 100 ns, EDFlib's unit: every TAL with
 * up to 7 decimals and every 8-character header duration is exact in it.
 * Digits beyond the 7th decimal are dropped (as EDFlib does).
 * Thread-safe: no state.
 */
#ifndef ICTUS_EDF_TAL_H
#define ICTUS_EDF_TAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ICTUS_EDF_TICKS_PER_S INT64_C(10000000) /* 100 ns ticks per second */

/* Ticks to microseconds, rounded to the nearest (halves up). */
static inline int64_t ictus_edf_ticks_to_us(int64_t ticks)
{
    int64_t q = (ticks + 5) / 10;
    return (ticks + 5) % 10 < 0 ? q - 1 : q;
}

/* Write ticks as seconds, "[-]S[.FFFFFFF]" without trailing zeros (a '+'
 * in front of non-negative values when with_sign), into buf[32]; returns buf. */
char *ictus_edf_format_seconds(char *buf, int64_t ticks, bool with_sign);

/* What the first TAL of an annotation signal's bytes says. */
typedef struct {
    bool present;        /* the bytes hold at least one TAL */
    bool timekeeping;    /* the first TAL's first text is empty */
    int64_t onset_ticks; /* that TAL's onset (valid when present) */
} ictus_tal_head;

/* Called once per non-empty annotation text: onset and duration in ticks
 * (duration -1 when the TAL has none); `text` points into the parsed bytes,
 * `len` bytes, not NUL-terminated.  A TAL with several texts gives several
 * calls with the same onset. */
typedef void (*ictus_tal_visit)(void *ctx, int64_t onset_ticks, int64_t duration_ticks,
                                const char *text, size_t len);

/* Parse the TALs in bytes[0, n) (one annotation signal of one record),
 * stopping at the first 0x00 where a TAL would start.  Fills *head and calls
 * `visit` (may be NULL) for each non-empty text.  On a syntax error, or an
 * onset or duration past ICTUS_MAX_OFFSET_S, returns false and writes
 * "byte B: what is wrong" into why[why_size]. */
bool ictus_tal_parse(const unsigned char *bytes, size_t n, ictus_tal_head *head,
                     ictus_tal_visit visit, void *ctx, char *why, size_t why_size);

/* Write one TAL, "+ONSET[\x15DURATION]\x14TEXT\x14\x00", into buf[size]:
 * onset in ticks (any sign), duration in ticks or negative for none, text
 * UTF-8 without 0x00/0x14/0x15 bytes; text NULL writes the time-keeping TAL
 * "+ONSET\x14\x14\x00".  Numbers are written with up to 7 decimals and no
 * trailing zeros.  Returns the bytes written, or 0 (buf untouched) when they
 * do not fit. */
size_t ictus_tal_format(unsigned char *buf, size_t size, int64_t onset_ticks,
                        int64_t duration_ticks, const char *text);

#endif
