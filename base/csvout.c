/* csvout.c: buffered CSV writer with hand-written number formatting.
 *
 * ictus_format_double() gives printf("%.<sig>g")'s bytes, faster: it scales
 * the value by a power of ten (one rounding of a correctly rounded power,
 * so the scaled mantissa m is within 2.0000001 * 2^-53 * m of the exact
 * one), rounds m to an integer, and turns the digits out eight at a time
 * (pairs from a table).
 * When m lies within 2^-50 * m (four times that error) of a rounding tie
 * (n + 0.5), or on one exactly, it asks snprintf, which rounds the exact
 * binary value; so does sig > 8 and a value outside about [1e-25, 1e31]
 * (subnormals, the power table's reach).  Ties come up for values with few
 * binary digits (1024.125 to 6 digits) and, at 6 digits, about once in 10^9
 * other values.
 * ictus_format_fixed() is the %.<decimals>f counterpart (to within the last
 * digit at a tie; see the header). */
#include "base/csvout.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/strbuf.h"
#include "base/vec.h"

/* Written out in chunks of this much: large enough that write(2) costs nothing per byte,
 * small enough to stay in the cache it was formatted in. */
#define OUT_CHUNK ((size_t)256 << 10)

/* 10^k for k in [-POW_LIM, POW_LIM], correctly rounded (decimal literals): the
 * exponent test and the scaling of ictus_format_double() */
#define POW_LIM 32
static const double pow10_table[2 * POW_LIM + 1] = {
    1e-32, 1e-31, 1e-30, 1e-29, 1e-28, 1e-27, 1e-26, 1e-25, 1e-24, 1e-23, 1e-22, 1e-21, 1e-20,
    1e-19, 1e-18, 1e-17, 1e-16, 1e-15, 1e-14, 1e-13, 1e-12, 1e-11, 1e-10, 1e-9, 1e-8, 1e-7,
    1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
    1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22, 1e23, 1e24, 1e25,
    1e26, 1e27, 1e28, 1e29, 1e30, 1e31, 1e32};
/* The fast path: sig <= FAST_SIG, on a little-endian machine (it stores
 * digits as 64-bit words; elsewhere snprintf does it all), for decimal
 * exponents that keep e + 1 and sig - 1 - e inside the table. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define FAST_SIG 8
#else
#define FAST_SIG 0
#endif
#define FAST_E_MIN (FAST_SIG - 1 - POW_LIM)
#define FAST_E_MAX (POW_LIM - 1)

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
 * (decimals <= 9), so 32-bit divisions do. */
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

/* The 8 decimal digits of x < 10^8 (zero-padded) as ASCII, the first in
 * the lowest byte (so stored as is, the text on a little-endian machine):
 * four pairs from the table, the four divisions independent of one another. */
static inline uint64_t eight_digits(uint32_t x)
{
    uint32_t hi = x / 10000, lo = x % 10000;
    uint16_t d[4];
    memcpy(&d[0], digit_pairs + 2 * (hi / 100), 2);
    memcpy(&d[1], digit_pairs + 2 * (hi % 100), 2);
    memcpy(&d[2], digit_pairs + 2 * (lo / 100), 2);
    memcpy(&d[3], digit_pairs + 2 * (lo % 100), 2);
    return (uint64_t)d[0] | (uint64_t)d[1] << 16 | (uint64_t)d[2] << 32 | (uint64_t)d[3] << 48;
}

/* The exact path: printf itself. */
static size_t format_by_printf(char *buf, double v, int sig)
{
    return (size_t)snprintf(buf, 32, "%.*g", sig, v);
}

/* A number on its way to text: the fast path's digits, or what else to write. */
typedef struct {
    enum { DEC_DIGITS, DEC_ZERO, DEC_NAN, DEC_INF, DEC_PRINTF } kind;
    int e;      /* DEC_DIGITS: the decimal exponent (of the first digit) */
    int nd;     /* the significant digits, trailing zeros dropped (%g without '#') */
    uint64_t w; /* the sig digits, zero-padded to 8, as eight_digits() */
} decimal;

/* The digits of v to sig significant digits (no memory written: a row's
 * numbers are turned into digits first, independently of one another, and
 * laid out after, see ictus_out_doubles()). */
static inline decimal to_decimal(double v, int sig)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    uint64_t mag = bits & ~(1ull << 63);
    if (mag >= 0x7FF0000000000000ull)
        return (decimal){.kind = mag > 0x7FF0000000000000ull ? DEC_NAN : DEC_INF};
    if (mag == 0)
        return (decimal){.kind = DEC_ZERO};
    if (sig < 1)
        sig = 1;
    /* floor(log10(|v|)): from the binary exponent e2 as floor(e2 * log10(2))
     * = (e2 * 78913) >> 18 (exact for |e2| < 1700), then one comparison */
    int e = ((int)(mag >> 52) - 1023) * 78913 >> 18;
    if (sig > FAST_SIG || e < FAST_E_MIN || e >= FAST_E_MAX)
        return (decimal){.kind = DEC_PRINTF};
    double a = fabs(v);
    e += a >= pow10_table[POW_LIM + e + 1];
    /* a * 10^(sig-1-e) in [10^(sig-1), 10^sig) up to the scaling's error; a
     * power of ten that is off by its own rounding (a within an ulp of it)
     * comes out right through the carry below */
    double m = a * pow10_table[POW_LIM + sig - 1 - e];
    uint32_t mi = (uint32_t)m;
    double frac = m - (double)mi;
    if (fabs(frac - 0.5) <= m * 0x1p-50) /* too near a tie to tell */
        return (decimal){.kind = DEC_PRINTF};
    mi += frac > 0.5;
    if (mi >= pow10_u64[sig]) { /* rounded up to the next power of ten */
        mi /= 10;
        e++;
    }
    uint64_t w = eight_digits(mi * (uint32_t)pow10_u64[FAST_SIG - sig]);
    /* up to the last byte of w that is not '0' */
    int nd = (63 - __builtin_clzll(w ^ 0x3030303030303030ull)) / 8 + 1;
    return (decimal){.kind = DEC_DIGITS, .e = e, .nd = nd, .w = w};
}

/* Write d (the decimal of v) as %.<sig>g does at buf (32 bytes); returns the length. */
static inline size_t put_decimal(char *buf, decimal d, double v, int sig)
{
    char *p = buf;
    *p = '-'; /* kept only for a negative value */
    p += signbit(v) != 0;
    int e = d.e, nd = d.nd;
    uint64_t w = d.w;
    switch (d.kind) {
    case DEC_DIGITS:
        break;
    case DEC_ZERO:
        memcpy(p, "0", 2);
        return (size_t)(p + 1 - buf);
    case DEC_NAN: /* an empty field */
        buf[0] = '\0';
        return 0;
    case DEC_INF:
        memcpy(p, "inf", 4);
        return (size_t)(p + 3 - buf);
    default:
        return format_by_printf(buf, v, sig);
    }
    /* the digits stored 8 at a time, from w shifted */
    if (e < -4 || e >= sig) { /* d.ddde+XX */
        uint64_t rest = w >> 8;
        p[0] = (char)w;
        p[1] = '.';
        memcpy(p + 2, &rest, 8);
        p += nd > 1 ? nd + 1 : 1;
        p[0] = 'e';
        p[1] = e < 0 ? '-' : '+';
        memcpy(p + 2, digit_pairs + 2 * abs(e), 2);
        p += 4;
    } else if (e >= 0) { /* ddd.ddd, e < sig <= 8 */
        uint64_t after = w >> (8 * e) >> 8; /* the digits after the point */
        memcpy(p, &w, 8);
        p[e + 1] = '.';
        memcpy(p + e + 2, &after, 8);
        p += nd > e + 1 ? nd + 1 : e + 1;
    } else { /* 0.000ddd */
        memcpy(p, "0.000000", 8);
        memcpy(p + 1 - e, &w, 8);
        p += 1 - e + nd;
    }
    *p = '\0';
    return (size_t)(p - buf);
}

size_t ictus_format_double(char *buf, double v, int sig)
{
    return put_decimal(buf, to_decimal(v, sig), v, sig);
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
    double x = fabs(v) * (double)pow10_u64[decimals];
    uint64_t m = (uint64_t)x; /* llround(x): x - m is exact */
    m += x - (double)m >= 0.5;
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
    /* as fopen(path, "wb"), but an existing file is emptied only before the
     * first write (empty_file()): on the writer's thread when it has one, for
     * freeing a big file's pages takes a while */
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (!f) {
        int saved_errno = errno;
        if (fd >= 0)
            close(fd);
        *o = (ictus_out){0};
        return ictus_fail(err, ICTUS_ERR_IO, "%s: cannot create: %s", path,
                          strerror(saved_errno));
    }
    ictus_out_init(o, f, path);
    o->owns_file = true;
    o->to_empty = true;
    return ICTUS_OK;
}

/* Empty the file ictus_out_open() opened (a regular file: what O_TRUNC does;
 * a pipe or a device has nothing to empty); false with errno on failure. */
static bool empty_file(FILE *f)
{
    struct stat st;
    int fd = fileno(f);
    return fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0 ||
           ftruncate(fd, 0) == 0;
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

/* ------------------------------------------------- background writing
 *
 * ictus_out_background(): a thread writes each full buffer (`chunk`) while
 * the caller fills the other one (`spare` until it is taken).  The caller
 * hands a chunk over only once the thread has written the one before, so
 * the thread alone touches the FILE until ictus_out_close() has joined it. */
struct ictus_out_writer {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t changed; /* a chunk handed over or written, or quit */
    FILE *f;
    bool to_empty; /* empty the file first (ictus_out.to_empty) */
    char *chunk; /* being written, or NULL */
    size_t chunk_len;
    char *spare; /* the buffer the caller fills next, or NULL while the thread writes it */
    bool quit;
    bool failed; /* the thread's first write error */
    int saved_errno;
};

static void *writer_main(void *arg)
{
    ictus_out_writer *w = arg;
    bool emptied = !w->to_empty || empty_file(w->f);
    int empty_errno = errno;
    pthread_mutex_lock(&w->lock);
    if (!emptied) {
        w->failed = true;
        w->saved_errno = empty_errno;
    }
    for (;;) {
        while (!w->chunk && !w->quit)
            pthread_cond_wait(&w->changed, &w->lock);
        if (!w->chunk)
            break;
        char *chunk = w->chunk;
        size_t n = w->chunk_len;
        bool failed = w->failed;
        pthread_mutex_unlock(&w->lock);
        bool ok = failed || fwrite(chunk, 1, n, w->f) == n; /* after a failure: discarded */
        int saved_errno = errno;
        pthread_mutex_lock(&w->lock);
        if (!ok) {
            w->failed = true;
            w->saved_errno = saved_errno;
        }
        w->spare = chunk;
        w->chunk = NULL;
        pthread_cond_broadcast(&w->changed);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

void ictus_out_background(ictus_out *o)
{
    if (!o->f || o->bg)
        return;
    ictus_out_writer *w = ictus_xcalloc(1, sizeof *w);
    w->f = o->f;
    w->to_empty = o->to_empty;
    w->spare = ictus_xmalloc(o->cap);
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->changed, NULL);
    if (pthread_create(&w->thread, NULL, writer_main, w) != 0) { /* write on this thread */
        pthread_cond_destroy(&w->changed);
        pthread_mutex_destroy(&w->lock);
        free(w->spare);
        free(w);
        return;
    }
    o->bg = w;
    o->to_empty = false; /* the thread's now */
}

/* Wait until the thread has written every chunk handed over; take its error.
 * With the lock held. */
static void wait_written(ictus_out *o)
{
    ictus_out_writer *w = o->bg;
    while (w->chunk)
        pthread_cond_wait(&w->changed, &w->lock);
    if (w->failed && !o->failed) {
        o->failed = true;
        o->saved_errno = w->saved_errno;
    }
}

/* Hand the buffer to the thread and go on in the spare one. */
static void hand_over(ictus_out *o)
{
    ictus_out_writer *w = o->bg;
    pthread_mutex_lock(&w->lock);
    wait_written(o);
    w->chunk = o->buf;
    w->chunk_len = o->len;
    o->buf = w->spare;
    w->spare = NULL;
    pthread_cond_broadcast(&w->changed);
    pthread_mutex_unlock(&w->lock);
}

/* Stop the thread after it has written everything; the FILE is the caller's again. */
static void stop_background(ictus_out *o)
{
    ictus_out_writer *w = o->bg;
    pthread_mutex_lock(&w->lock);
    wait_written(o);
    w->quit = true;
    pthread_cond_broadcast(&w->changed);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    pthread_cond_destroy(&w->changed);
    pthread_mutex_destroy(&w->lock);
    free(w->spare);
    free(w);
    o->bg = NULL;
}

/* ---------------------------------------------------------------- writer */

/* Write the buffer out; in memory, keep it. */
static void flush_buf(ictus_out *o)
{
    if (!o->f)
        return;
    if (o->to_empty) {
        o->to_empty = false;
        if (!empty_file(o->f) && !o->failed) {
            o->failed = true;
            o->saved_errno = errno;
        }
    }
    if (o->bg) {
        if (o->len && !o->failed)
            hand_over(o);
    } else if (!o->failed && o->len && fwrite(o->buf, 1, o->len, o->f) != o->len) {
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
    if (o->bg)
        stop_background(o);
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
    if (n > 4096 && o->bg) { /* through the buffers: the thread owns the FILE */
        while (n) {
            size_t k = n < o->cap - o->len ? n : o->cap - o->len;
            memcpy(o->buf + o->len, s, k);
            o->len += k;
            s += k;
            n -= k;
            if (o->len >= OUT_CHUNK)
                flush_buf(o);
        }
        return;
    }
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

void ictus_out_doubles(ictus_out *o, char sep, const double *v, size_t n, int sig)
{
    /* 33 bytes each (the separator and 32): 32 * 33 <= 4096; the digits of
     * a batch first, so the CPU overlaps the numbers' long chains of
     * dependent steps, then the text */
    enum { BATCH = 32 };
    while (n) {
        size_t k = n < BATCH ? n : BATCH;
        decimal d[BATCH];
        for (size_t i = 0; i < k; i++)
            d[i] = to_decimal(v[i], sig);
        char *p = reserve(o, 33 * k);
        for (size_t i = 0; i < k; i++) {
            *p++ = sep;
            p += put_decimal(p, d[i], v[i], sig);
        }
        o->len = (size_t)(p - o->buf);
        if (o->len >= OUT_CHUNK)
            flush_buf(o);
        v += k;
        n -= k;
    }
}

void ictus_out_fixed(ictus_out *o, double v, int decimals)
{
    o->len += ictus_format_fixed(reserve(o, 40), v, decimals);
    if (o->len >= OUT_CHUNK)
        flush_buf(o);
}
