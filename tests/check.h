/* check.h: the tiny assertion harness every test program uses.
 *
 * Each CHECK counts one assertion; a failure prints the file, line, the
 * expression and the values.  check_done() prints `NAME: P passed, F failed`
 * (tests/run.sh reads it, tests/report.sh sums) and returns the exit status.
 * Tests that need ../shared/data call check_skip() when it is absent.
 */
#ifndef ICTUS_CHECK_H
#define ICTUS_CHECK_H

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int check_passed, check_failed;

static inline bool check_report(bool ok, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static inline bool check_report(bool ok, const char *file, int line, const char *fmt, ...)
{
    if (ok) {
        check_passed++;
        return true;
    }
    check_failed++;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "FAIL %s:%d: ", file, line);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return false;
}

#define CHECK(cond) check_report((cond), __FILE__, __LINE__, "%s", #cond)
#define CHECK_MSG(cond, ...) check_report((cond), __FILE__, __LINE__, __VA_ARGS__)
#define CHECK_INT(a, b)                                                                            \
    do {                                                                                           \
        long long a_ = (long long)(a), b_ = (long long)(b);                                        \
        check_report(a_ == b_, __FILE__, __LINE__, "%s == %s: %lld != %lld", #a, #b, a_, b_);      \
    } while (0)
#define CHECK_STR(a, b)                                                                            \
    do {                                                                                           \
        const char *a_ = (a), *b_ = (b);                                                           \
        check_report(a_ && b_ && strcmp(a_, b_) == 0, __FILE__, __LINE__,                          \
                     "%s == %s: \"%s\" != \"%s\"", #a, #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
    } while (0)
/* |a - b| <= abs_tol + rel_tol * |b|; NaN equals NaN. */
#define CHECK_NEAR(a, b, rel_tol, abs_tol)                                                         \
    do {                                                                                           \
        double a_ = (double)(a), b_ = (double)(b);                                                 \
        bool ok_ = (isnan(a_) && isnan(b_)) ||                                                     \
                   fabs(a_ - b_) <= (abs_tol) + (rel_tol) * fabs(b_);                              \
        check_report(ok_, __FILE__, __LINE__, "%s ~ %s: %.17g vs %.17g (rel %g, abs %g)", #a, #b,  \
                     a_, b_, (double)(rel_tol), (double)(abs_tol));                                \
    } while (0)

/* True when ../shared/data exists (tests run from the project root). */
static inline bool check_have_shared_data(void)
{
    return access("../shared/data", R_OK) == 0;
}

static inline void check_skip(const char *why)
{
    printf("SKIP: %s\n", why);
}

static inline int check_done(const char *name)
{
    printf("%s: %d passed, %d failed\n", name, check_passed, check_failed);
    return check_failed ? 1 : 0;
}

#endif
