/* bench_csvout.c: nanoseconds per number of ictus_format_double() at
 * %.6g (features.csv's), beside the formatter it replaced (kept here as
 * the reference: one scaling by a power of ten, rounded half up, digits in
 * pairs, so within one unit of the last digit of printf at a tie) and
 * beside snprintf itself, each formatting the same values one by one; and
 * per number of the rows written whole by ictus_out_doubles(), as
 * features.csv's are.  The values look like features.csv's rows (see
 * feature_like()).  CPU
 * time of this process (CLOCK_PROCESS_CPUTIME_ID), best of five rounds run
 * in turn; every text of the new formatter is compared with snprintf's
 * (exit 1 if any differs).
 * usage: bench_csvout [VALUES]   (default 2,000,000)
 * prints: `values=<N> new_ns=<..> rows_ns=<..> old_ns=<..> printf_ns=<..>
 * speedup=<new against old, one by one> old_differ=<texts of the old one
 * that are not printf's>` */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/csvout.h"
#include "base/status.h"

static double cpu_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* ---------------------------------------- the old formatter (reference) */

#define OLD_POW_LIM 308
static double old_pow10[2 * OLD_POW_LIM + 1];
static pthread_once_t old_pow10_once = PTHREAD_ONCE_INIT;

static void old_init_pow10(void)
{
    for (int k = -OLD_POW_LIM; k <= OLD_POW_LIM; k++) {
        char s[16];
        snprintf(s, sizeof s, "1e%d", k);
        old_pow10[k + OLD_POW_LIM] = strtod(s, NULL);
    }
}

static const uint64_t old_pow10_u64[10] = {1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull,
                                           1000000ull, 10000000ull, 100000000ull,
                                           1000000000ull};

static void old_put_digits(char *p, uint32_t v, int n)
{
    static const char pairs[201] = "0001020304050607080910111213141516171819"
                                   "2021222324252627282930313233343536373839"
                                   "4041424344454647484950515253545556575859"
                                   "6061626364656667686970717273747576777879"
                                   "8081828384858687888990919293949596979899";
    int i = n;
    for (; i >= 2; i -= 2) {
        memcpy(p + i - 2, pairs + 2 * (v % 100), 2);
        v /= 100;
    }
    if (i)
        p[0] = (char)('0' + v % 10);
}

static size_t old_format_double(char *buf, double v, int sig)
{
    if (isnan(v)) {
        buf[0] = '\0';
        return 0;
    }
    if (isinf(v))
        return (size_t)sprintf(buf, v < 0 ? "-inf" : "inf");
    if (v == 0.0)
        return (size_t)sprintf(buf, signbit(v) ? "-0" : "0");
    double a = fabs(v);
    uint64_t bits;
    memcpy(&bits, &a, sizeof bits);
    int e = ((int)(bits >> 52) - 1023) * 78913 >> 18;
    if (sig > 9 || e < -OLD_POW_LIM + 20 || e > OLD_POW_LIM - 20)
        return (size_t)snprintf(buf, 32, "%.*g", sig, v);
    pthread_once(&old_pow10_once, old_init_pow10);
    if (a >= old_pow10[e + 1 + OLD_POW_LIM])
        e++;
    else if (a < old_pow10[e + OLD_POW_LIM])
        e--;
    int shift = sig - 1 - e;
    double m = shift >= 0 ? a * old_pow10[shift + OLD_POW_LIM] : a / old_pow10[-shift + OLD_POW_LIM];
    uint64_t mi = (uint64_t)(m + 0.5);
    if (mi >= old_pow10_u64[sig]) {
        mi /= 10;
        e++;
    }
    char digits[20];
    old_put_digits(digits, (uint32_t)mi, sig);
    int nd = sig;
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

/* ---------------------------------------------------------------- bench */

static uint64_t rng_state = 0x2545F4914F6CDD1Dull;
static uint64_t next_u64(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Value i of rows of 21 columns, as features.csv's: each column keeps to
 * its own decades (10^-3 .. 10^3.5, half a decade either way); one counts
 * (mostly zero), two are multiples of 0.5 (spectral edge, peak). */
static double feature_like(size_t i)
{
    static const double decade[21] = {3, 1.5, 1.7, 0.7, 0.7, 0, 3.5, 3.3, 2.5, 1.8, 1.3, 0.7,
                                      -0.1, -0.8, -1.2, -2, -2.7, -0.3, 0, 0, -0.2};
    int col = (int)(i % 21);
    uint64_t r = next_u64();
    if (col == 5)
        return r % 10 ? 0.0 : 0.5 * (double)(r >> 40 & 15);
    if (col == 18 || col == 19)
        return 0.5 * (double)(1 + (r >> 40) % 80);
    double u = (double)(next_u64() >> 11) / 9007199254740992.0;
    return pow(10.0, decade[col] + u - 0.5);
}

typedef size_t (*format_fn)(char *buf, double v, int sig);

static size_t snprintf_format(char *buf, double v, int sig)
{
    return (size_t)snprintf(buf, 32, "%.*g", sig, v);
}

/* Format every value into a ring of RING texts (32 bytes each, in the
 * cache, as a writer's buffer is); CPU seconds. */
enum { RING = 2048 };
static double run(format_fn fn, const double *v, size_t n, char *ring)
{
    double t0 = cpu_s();
    for (size_t i = 0; i < n; i++)
        fn(ring + 32 * (i % RING), v[i], 6);
    return cpu_s() - t0;
}

/* The rows' numbers through ictus_out_doubles() into memory, as features.csv's
 * rows are made (the text dropped every 64 KiB); CPU seconds. */
static double run_rows(const double *v, size_t n)
{
    ictus_out o;
    ictus_out_init_mem(&o);
    double t0 = cpu_s();
    for (size_t i = 0; i + 21 <= n; i += 21) {
        ictus_out_doubles(&o, ',', v + i, 21, 6);
        if (o.len > 65536)
            ictus_out_consume(&o, o.len);
    }
    double dt = cpu_s() - t0;
    ictus_error ignored;
    ictus_out_close(&o, &ignored);
    return dt;
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 2000000;
    if (n == 0) {
        fprintf(stderr, "usage: bench_csvout [VALUES]\n");
        return 2;
    }
    double *v = ictus_xmalloc(n * sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = feature_like(i);
    static char ring[32 * RING];
    double best_new = 1e300, best_rows = 1e300, best_old = 1e300, best_printf = 1e300;
    for (int rep = 0; rep < 5; rep++) { /* in turn, each keeping its best */
        best_new = fmin(best_new, run(ictus_format_double, v, n, ring));
        best_rows = fmin(best_rows, run_rows(v, n));
        best_old = fmin(best_old, run(old_format_double, v, n, ring));
        best_printf = fmin(best_printf, run(snprintf_format, v, n, ring));
    }
    size_t differ = 0, old_differ = 0;
    for (size_t i = 0; i < n; i++) {
        char mine[32], old[32], ref[32];
        ictus_format_double(mine, v[i], 6);
        old_format_double(old, v[i], 6);
        snprintf_format(ref, v[i], 6);
        differ += strcmp(mine, ref) != 0;
        old_differ += strcmp(old, ref) != 0;
    }
    printf("values=%zu new_ns=%.1f rows_ns=%.1f old_ns=%.1f printf_ns=%.1f speedup=%.2f "
           "old_differ=%zu\n",
           n, 1e9 * best_new / (double)n, 1e9 * best_rows / (double)(n - n % 21),
           1e9 * best_old / (double)n, 1e9 * best_printf / (double)n, best_old / best_new,
           old_differ);
    free(v);
    if (differ) {
        fprintf(stderr, "bench_csvout: %zu of %zu texts differ from snprintf's\n", differ, n);
        return 1;
    }
    return 0;
}
