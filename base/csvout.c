/* csvout.c: buffered CSV writer with hand-written number formatting.
 *
 * ictus_format_double() scales the value by an exact power of ten, rounds
 * to `sig` digits and lays them out as %g would.  The scaling costs one
 * floating-point rounding, so for a value within an ulp of a decimal
 * rounding tie the last digit can differ from printf's exact rounding; the
 * value read back is then still within one unit of the last printed digit.
 * Extreme exponents and sig > 9 fall back to snprintf (beyond 9 digits the
 * scaled mantissa's own rounding would differ from printf too often). */
#include "base/csvout.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"
#include "base/vec.h"

/* Written out in chunks of this much: large enough that write(2) costs nothing per byte,
 * small enough to stay in the cache it was formatted in. */
#define OUT_CHUNK ((size_t)256 << 10)
#define POW_LIM 308

static double pow10_table[2 * POW_LIM + 1]; /* 10^k, k in [-POW_LIM, POW_LIM], correctly rounded */
static pthread_once_t pow10_once = PTHREAD_ONCE_INIT;

static void init_pow10(void)
{
    for (int k = -POW_LIM; k <= POW_LIM; k++) {
        char s[16];
        snprintf(s, sizeof s, "1e%d", k);
        pow10_table[k + POW_LIM] = strtod(s, NULL);
    }
}

static const uint64_t pow10_u64[20] = {
    1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull,
    100000000ull, 1000000000ull, 10000000000ull, 100000000000ull, 1000000000000ull,
    10000000000000ull, 100000000000000ull, 1000000000000000ull, 10000000000000000ull,
    100000000000000000ull, 1000000000000000000ull, 10000000000000000000ull};

/* "00" "01" ... "99": two digits per division by 100. */
static const char digit_pairs[201] =
    "0001020304050607080910111213141516171819"
    "2021222324252627282930313233343536373839"
    "4041424344454647484950515253545556575859"
    "6061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* Write the `n` decimal digits of v (zero-padded) at p; v < 10^9 here
 * (sig <= 9, decimals <= 9), so 32-bit divisions do. */
static void put_digits(char *p, uint32_t v, int n)
{
    int i = n;
    for (; i >= 2; i -= 2) {
        memcpy(p + i - 2, digit_pairs + 2 * (v % 100), 2);
        v /= 100;
    }
    if (i)
        p[0] = (char)('0' + v % 10);
}

size_t ictus_format_double(char *buf, double v, int sig)
{
    if (isnan(v)) {
        buf[0] = '\0';
        return 0;
    }
    if (isinf(v))
        return (size_t)sprintf(buf, v < 0 ? "-inf" : "inf");
    if (v == 0.0)
        return (size_t)sprintf(buf, signbit(v) ? "-0" : "0");
    if (sig < 1)
        sig = 1;
    double a = fabs(v);
    /* a's binary exponent from its bits (subnormals: -1023, and fall back below),
     * then floor(e2 * log10(2)) as (e2 * 78913) >> 18, exact for |e2| < 1700 */
    uint64_t bits;
    memcpy(&bits, &a, sizeof bits);
    int e2 = (int)(bits >> 52) - 1023;
    int e = (e2 * 78913) >> 18;
    if (sig > 9 || e < -POW_LIM + 20 || e > POW_LIM - 20)
        return (size_t)snprintf(buf, 32, "%.*g", sig, v);
    pthread_once(&pow10_once, init_pow10);
    if (a >= pow10_table[e + 1 + POW_LIM])
        e++;
    else if (a < pow10_table[e + POW_LIM])
        e--;
    int shift = sig - 1 - e;
    double m = shift >= 0 ? a * pow10_table[shift + POW_LIM] : a / pow10_table[-shift + POW_LIM];
    /* llround(m) without the libm call: for 0.5 <= m < 10^9 < 2^51, m + 0.5 is
     * exact below the next power of two and rounds to an even neighbour at or
     * above it, never across an integer, so its truncation is llround(m) */
    uint64_t mi = (uint64_t)(m + 0.5);
    if (mi >= pow10_u64[sig]) { /* rounded up to the next power of ten */
        mi /= 10;
        e++;
    }
    char digits[20];
    put_digits(digits, (uint32_t)mi, sig);
    int nd = sig; /* strip trailing zeros (%g without '#') */
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;

    char *p = buf;
    if (v < 0)
        *p++ = '-';
    if (e < -4 || e >= sig) {
        *p++ = digits[0];
        if (nd > 1) {
            *p++ = '.';
            memcpy(p, digits + 1, (size_t)nd - 1);
            p += nd - 1;
        }
        *p++ = 'e';
        *p++ = e < 0 ? '-' : '+';
        int ae = abs(e);
        if (ae >= 100)
            *p++ = (char)('0' + ae / 100);
        *p++ = (char)('0' + ae / 10 % 10);
        *p++ = (char)('0' + ae % 10);
    } else if (e >= 0) {
        memcpy(p, digits, (size_t)e + 1);
        p += e + 1;
        if (nd > e + 1) {
            *p++ = '.';
            memcpy(p, digits + e + 1, (size_t)(nd - e - 1));
            p += nd - e - 1;
        }
    } else {
        *p++ = '0';
        *p++ = '.';
        for (int i = 0; i < -e - 1; i++)
            *p++ = '0';
        memcpy(p, digits, (size_t)nd);
        p += nd;
    }
    *p = '\0';
    return (size_t)(p - buf);
}

size_t ictus_format_fixed(char *buf, double v, int decimals)
{
    if (isnan(v)) {
        buf[0] = '\0';
        return 0;
    }
    /* the scaled value must keep ~10 bits below the last digit */
    if (decimals < 0 || decimals > 9 || !(fabs(v) * (double)pow10_u64[decimals < 0 || decimals > 9 ? 0 : decimals] < 4e12))
        return (size_t)snprintf(buf, 40, "%.*f", decimals, v);
    uint64_t m = (uint64_t)llround(fabs(v) * (double)pow10_u64[decimals]);
    uint64_t ip = m / pow10_u64[decimals], fp = m % pow10_u64[decimals];
    char *p = buf;
    if (v < 0 && m != 0)
        *p++ = '-';
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + ip % 10);
        ip /= 10;
    } while (ip);
    while (n)
        *p++ = tmp[--n];
    if (decimals > 0) {
        *p++ = '.';
        put_digits(p, (uint32_t)fp, decimals);
        p += decimals;
    }
    *p = '\0';
    return (size_t)(p - buf);
}

/* ---------------------------------------------------------------- writer */

void ictus_out_init(ictus_out *o, FILE *f, const char *name)
{
    *o = (ictus_out){.f = f, .path = ictus_xstrdup(name), .cap = OUT_CHUNK + 4096};
    o->buf = ictus_xmalloc(o->cap);
}

ictus_status ictus_out_open(ictus_out *o, const char *path, ictus_error *err)
{
    if (strcmp(path, "-") == 0) {
        ictus_out_init(o, stdout, "standard output");
        return ICTUS_OK;
    }
    FILE *f = fopen(path, "wb");
    if (!f) {
        *o = (ictus_out){0};
        return ictus_fail(err, ICTUS_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
    }
    ictus_out_init(o, f, path);
    o->owns_file = true;
    return ICTUS_OK;
}

void ictus_out_init_mem(ictus_out *o)
{
    *o = (ictus_out){.path = ictus_xstrdup("memory"), .cap = 4096}; /* grows */
    o->buf = ictus_xmalloc(o->cap);
}

void ictus_out_consume(ictus_out *o, size_t n)
{
    assert(!o->f && n <= o->len);
    memmove(o->buf, o->buf + n, o->len - n);
    o->len -= n;
}

/* Write the buffer out; in memory, keep it. */
static void flush_buf(ictus_out *o)
{
    if (!o->f)
        return;
    if (!o->failed && o->len && fwrite(o->buf, 1, o->len, o->f) != o->len) {
        o->failed = true;
        o->saved_errno = errno;
    }
    o->len = 0;
}

ictus_status ictus_out_close(ictus_out *o, ictus_error *err)
{
    if (!o->buf)
        return ICTUS_OK;
    flush_buf(o);
    if (o->f && !o->failed && fflush(o->f) != 0) {
        o->failed = true;
        o->saved_errno = errno;
    }
    if (o->owns_file && fclose(o->f) != 0 && !o->failed) {
        o->failed = true;
        o->saved_errno = errno;
    }
    ictus_status st = ICTUS_OK;
    if (o->failed)
        st = ictus_fail(err, ICTUS_ERR_IO, "%s: write failed: %s", o->path, strerror(o->saved_errno));
    free(o->buf);
    free(o->path);
    *o = (ictus_out){0};
    return st;
}

/* Make room for n more bytes (to a file: n <= 4096, as for the small appenders). */
static inline char *reserve(ictus_out *o, size_t n)
{
    if (o->len + n > o->cap) {
        if (o->f) {
            flush_buf(o);
        } else {
            size_t need = o->len + n;
            ICTUS_GROW(o->buf, need, o->cap);
        }
    }
    return o->buf + o->len;
}

void ictus_out_raw(ictus_out *o, const char *s, size_t n)
{
    if (n > 4096 && o->f) {
        flush_buf(o);
        if (!o->failed && fwrite(s, 1, n, o->f) != n) {
            o->failed = true;
            o->saved_errno = errno;
        }
        return;
    }
    memcpy(reserve(o, n), s, n);
    o->len += n;
    if (o->len >= OUT_CHUNK)
        flush_buf(o);
}

void ictus_out_str(ictus_out *o, const char *s)
{
    ictus_out_raw(o, s, strlen(s));
}

void ictus_out_char(ictus_out *o, char c)
{
    *reserve(o, 1) = c;
    o->len++;
    if (o->len >= OUT_CHUNK)
        flush_buf(o);
}

void ictus_out_printf(ictus_out *o, const char *fmt, ...)
{
    ictus_strbuf text = {0};
    va_list ap;
    va_start(ap, fmt);
    ictus_strbuf_vaddf(&text, fmt, ap);
    va_end(ap);
    ictus_out_raw(o, ictus_strbuf_text(&text), text.len);
    ictus_strbuf_free(&text);
}

/* ---------------------------------------------------------------- formula guard */

/* s is a plain decimal number: [+-]digits[.digits][e[+-]digits], at least one digit
 * before the exponent, nothing after. */
static bool plain_number(const char *s)
{
    const char *p = s + (*s == '+' || *s == '-');
    int digits = 0, dots = 0;
    for (; (*p >= '0' && *p <= '9') || *p == '.'; p++) {
        if (*p == '.')
            dots++;
        else
            digits++;
    }
    if (digits == 0 || dots > 1)
        return false;
    if (*p == 'e' || *p == 'E') {
        p++;
        p += *p == '+' || *p == '-';
        if (!(*p >= '0' && *p <= '9'))
            return false;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    return *p == '\0';
}

bool ictus_csv_needs_guard(const char *s)
{
    while (*s == '\'')
        s++;
    return *s != '\0' && strchr("=+-@\t\r", *s) != NULL && !plain_number(s);
}

const char *ictus_csv_unguard(const char *s)
{
    return s[0] == '\'' && ictus_csv_needs_guard(s + 1) ? s + 1 : s;
}

void ictus_out_field(ictus_out *o, const char *s)
{
    bool guard = ictus_csv_needs_guard(s);
    if (strpbrk(s, ",\"\r\n") == NULL) {
        if (guard)
            ictus_out_char(o, '\'');
        ictus_out_str(o, s);
        return;
    }
    ictus_out_char(o, '"');
    if (guard)
        ictus_out_char(o, '\'');
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            ictus_out_char(o, '"');
        ictus_out_char(o, *p);
    }
    ictus_out_char(o, '"');
}

void ictus_out_int(ictus_out *o, int64_t v)
{
    char *p = reserve(o, 24);
    o->len += (size_t)snprintf(p, 24, "%lld", (long long)v);
}

void ictus_out_double(ictus_out *o, double v, int sig)
{
    o->len += ictus_format_double(reserve(o, 32), v, sig);
    if (o->len >= OUT_CHUNK)
        flush_buf(o);
}

void ictus_out_fixed(ictus_out *o, double v, int decimals)
{
    o->len += ictus_format_fixed(reserve(o, 40), v, decimals);
    if (o->len >= OUT_CHUNK)
        flush_buf(o);
}
