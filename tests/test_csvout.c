/* test_csvout.c: the hand-written number formatting gives printf's bytes, and
 * RFC 4180 quoting round-trips, printf-style text is written whole. */
#include "base/csvout.h"

#include <stdint.h>
#include <stdlib.h>

#include "base/readfile.h"
#include "tests/check.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t next_u64(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* A random double spread over many decades, both signs. */
static double random_value(void)
{
    double mant = (double)(next_u64() >> 11) / 9007199254740992.0;
    int e = (int)(next_u64() % 40) - 20;
    double v = mant * pow(10.0, e);
    return (next_u64() & 1) ? -v : v;
}

static int double_mismatches;

/* ictus_format_double() writes printf's bytes and returns their length. */
static void check_one_double(double v, int sig)
{
    char mine[40], ref[40];
    size_t n = ictus_format_double(mine, v, sig);
    snprintf(ref, sizeof ref, "%.*g", sig, v);
    if (isnan(v))
        ref[0] = '\0';
    if (strcmp(mine, ref) != 0 || n != strlen(ref)) {
        if (double_mismatches++ < 10)
            CHECK_MSG(false, "%.17g sig %d: '%s' (%zu bytes) vs printf '%s'", v, sig, mine, n,
                      ref);
    }
}

/* The value and its neighbours an ulp away. */
static void check_double_and_neighbours(double v, int sig)
{
    check_one_double(v, sig);
    check_one_double(nextafter(v, 0.0), sig);
    check_one_double(nextafter(v, INFINITY), sig);
}

/* Byte for byte printf's, for every sig, `per_sig` rounds of each kind: values
 * over many decades; any bit pattern (subnormals, huge exponents, NaNs);
 * decimal rounding ties (k + 0.5) * 10^j and values with few binary digits
 * (ties exactly, 1024.125 to 6 digits), an ulp either side; the boundary
 * where the digits round up to the next power of ten (9.9999995 to 7
 * digits) and the powers of ten themselves, an ulp either side; integers. */
static void check_double_matches_printf(long per_sig)
{
    for (int sig = 1; sig <= 17; sig++) {
        for (long i = 0; i < per_sig; i++) {
            check_one_double(random_value(), sig);
            uint64_t bits = next_u64();
            double any;
            memcpy(&any, &bits, sizeof any);
            check_one_double(any, sig);
            double k = (double)(next_u64() % 200000000u) + 0.5;
            check_double_and_neighbours(k * pow(10.0, (int)(next_u64() % 24) - 12), sig);
            check_double_and_neighbours(
                ldexp((double)(next_u64() % 4096 * 2 + 1), -(int)(next_u64() % 30)), sig);
            double p10 = pow(10.0, (int)(next_u64() % 64) - 32);
            check_double_and_neighbours(p10 * (1.0 - 0.5 * pow(10.0, -sig)), sig);
            check_double_and_neighbours(p10, sig);
            check_one_double((double)(next_u64() % 1000000000u), sig);
        }
    }
    CHECK_MSG(double_mismatches == 0, "%d texts differ from printf's", double_mismatches);
}

static void check_double_special_values(void)
{
    static const struct { double v; int sig; const char *want; } cases[] = {
        {0.0, 6, "0"}, {-0.0, 6, "-0"}, {1.0, 6, "1"}, {-2.5, 6, "-2.5"},
        {123456.0, 6, "123456"}, {1234567.0, 6, "1.23457e+06"}, {0.0001, 6, "0.0001"},
        {0.00001234, 6, "1.234e-05"}, {999999.5, 6, "1e+06"}, {9.9999996, 6, "10"}, {0.1, 6, "0.1"},
        {1e100, 6, "1e+100"}, {3.14159265358979, 3, "3.14"}, {1e-300, 6, "1e-300"},
        {INFINITY, 6, "inf"}, {-INFINITY, 6, "-inf"},
        /* exact ties go to the even digit, as printf's do */
        {1024.125, 6, "1024.12"}, {1024.375, 6, "1024.38"}, {0.001953125, 6, "0.00195312"},
        {2.5, 1, "2"}, {0.25, 1, "0.2"}, {1234.5, 4, "1234"}, {-1234.5, 4, "-1234"},
        {4.9406564584124654e-324, 6, "4.94066e-324"}, {1.7976931348623157e308, 7, "1.797693e+308"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[40];
        ictus_format_double(buf, cases[i].v, cases[i].sig);
        CHECK_STR(buf, cases[i].want);
    }
    char buf[40];
    CHECK_INT(ictus_format_double(buf, NAN, 6), 0);
    CHECK_STR(buf, "");
}

static void check_fixed_matches_printf(void)
{
    int mismatches = 0, total = 0;
    for (int dec = 0; dec <= 6; dec++) {
        for (int i = 0; i < 20000; i++) {
            double v = random_value() * 1e3;
            if (!(fabs(v) < 1e9))
                continue;
            char mine[48], ref[48];
            ictus_format_fixed(mine, v, dec);
            snprintf(ref, sizeof ref, "%.*f", dec, v);
            if (ref[0] == '-' && strtod(ref, NULL) == 0.0) /* printf keeps "-0.00"; we write "0.00" */
                memmove(ref, ref + 1, strlen(ref));
            total++;
            if (strcmp(mine, ref) != 0) {
                mismatches++;
                CHECK_MSG(fabs(strtod(mine, NULL) - strtod(ref, NULL)) <= 1.0000001 * pow(10, -dec),
                          "%.17g dec %d: '%s' vs '%s'", v, dec, mine, ref);
            }
        }
    }
    CHECK_MSG(mismatches * 10000 <= total, "%d of %d differ from printf", mismatches, total);
    char buf[48];
    ictus_format_fixed(buf, -0.0004, 3);
    CHECK_STR(buf, "0.000");
    ictus_format_fixed(buf, 86399.9995, 3);
    CHECK_STR(buf, "86400.000");
    ictus_format_fixed(buf, 12.5, 0);
    CHECK(strcmp(buf, "13") == 0 || strcmp(buf, "12") == 0);
}

static void check_writer_quotes_and_reports(void)
{
    const char *path = "build/test_csvout.csv";
    ictus_out o;
    ictus_error err;
    CHECK(ictus_out_open(&o, path, &err) == ICTUS_OK);
    ictus_out_field(&o, "plain");
    ictus_out_char(&o, ',');
    ictus_out_field(&o, "a,b");
    ictus_out_char(&o, ',');
    ictus_out_field(&o, "say \"hi\"\nnow");
    ictus_out_char(&o, ',');
    ictus_out_double(&o, NAN, 6);
    ictus_out_char(&o, ',');
    ictus_out_int(&o, -42);
    ictus_out_char(&o, '\n');
    for (int i = 0; i < 200000; i++) { /* forces several buffer flushes */
        ictus_out_double(&o, i * 0.5, 6);
        ictus_out_char(&o, '\n');
    }
    CHECK(ictus_out_close(&o, &err) == ICTUS_OK);
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL);
    if (!f)
        return;
    char line[256];
    size_t n = fread(line, 1, 40, f);
    line[n] = '\0';
    const char *want = "plain,\"a,b\",\"say \"\"hi\"\"\nnow\",,-42\n";
    CHECK_MSG(strncmp(line, want, strlen(want)) == 0, "got: %s", line);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fclose(f);
    remove(path);
    CHECK_MSG(size > 1000000, "file has %ld bytes", size);

    CHECK(ictus_out_open(&o, "/nonexistent-dir/x.csv", &err) == ICTUS_ERR_IO);
    CHECK(strstr(err.msg, "/nonexistent-dir/x.csv") != NULL);
    /* /dev/full accepts the open and fails the write: the error must surface */
    if (ictus_out_open(&o, "/dev/full", &err) == ICTUS_OK) {
        for (int i = 0; i < 300000; i++)
            ictus_out_str(&o, "0123456789");
        CHECK(ictus_out_close(&o, &err) == ICTUS_ERR_IO);
        CHECK(strstr(err.msg, "/dev/full") != NULL);
    }
}

/* printf-style text of any length is written whole. */
static void check_writer_printf(void)
{
    const char *path = "build/test_csvout_printf.txt";
    char long_name[6000];
    memset(long_name, 'n', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    ictus_out o;
    ictus_error err;
    CHECK(ictus_out_open(&o, path, &err) == ICTUS_OK);
    ictus_out_printf(&o, "study=%s\nseizures=%d\n", long_name, 7);
    CHECK(ictus_out_close(&o, &err) == ICTUS_OK);
    char *text;
    size_t n;
    CHECK_MSG(ictus_read_file(path, &text, &n, &err) == ICTUS_OK, "%s", err.msg);
    CHECK_INT(n, strlen("study=") + strlen(long_name) + strlen("\nseizures=7\n"));
    CHECK(text && strncmp(text + n - 12, "\nseizures=7\n", 12) == 0);
    free(text);
    remove(path);
}

/* In memory: the appenders grow the buffer past the file writer's chunk (a
 * long field, many small ones), nothing is lost, and consume keeps the rest. */
static void check_writer_in_memory(void)
{
    ictus_out o;
    ictus_out_init_mem(&o);
    static char big[3 << 20];
    memset(big, 'x', sizeof big - 1);
    ictus_out_str(&o, "a,");
    ictus_out_field(&o, big);
    ictus_out_char(&o, '\n');
    for (int i = 0; i < 200000; i++) {
        ictus_out_double(&o, i * 0.5, 6);
        ictus_out_char(&o, ';');
    }
    size_t first = 2 + strlen(big) + 1;
    CHECK(o.len > first && memcmp(o.buf, "a,", 2) == 0 && o.buf[first - 1] == '\n' &&
          memcmp(o.buf + first, "0;0.5;1;1.5;", 12) == 0);
    size_t all = o.len;
    ictus_out_consume(&o, first);
    CHECK_INT(o.len, all - first);
    CHECK(memcmp(o.buf, "0;0.5;1;", 8) == 0 && memcmp(o.buf + o.len - 9, ";99999.5;", 9) == 0);
    ictus_error err;
    CHECK(ictus_out_close(&o, &err) == ICTUS_OK);
}

/* ictus_out_doubles() writes what ictus_out_char() + ictus_out_double() would,
 * in memory and to a file past its chunk (more values than one reservation). */
static void check_writer_doubles(void)
{
    enum { N = 257 };
    double v[N];
    for (int i = 0; i < N; i++)
        v[i] = i % 7 == 0 ? NAN : random_value();
    ictus_out one, list;
    ictus_out_init_mem(&one);
    ictus_out_init_mem(&list);
    for (int i = 0; i < N; i++) {
        ictus_out_char(&one, ';');
        ictus_out_double(&one, v[i], 6);
    }
    ictus_out_doubles(&list, ';', v, N, 6);
    CHECK(one.len == list.len && memcmp(one.buf, list.buf, one.len) == 0);

    const char *path = "build/test_csvout_doubles.csv";
    ictus_out o;
    ictus_error err;
    CHECK(ictus_out_open(&o, path, &err) == ICTUS_OK);
    for (int r = 0; r < 2000; r++) /* ~4 MB: many chunks */
        ictus_out_doubles(&o, ';', v, N, 6);
    CHECK(ictus_out_close(&o, &err) == ICTUS_OK);
    char *text;
    size_t n;
    CHECK_MSG(ictus_read_file(path, &text, &n, &err) == ICTUS_OK, "%s", err.msg);
    bool same = text && n == 2000 * one.len;
    for (size_t r = 0; same && r < 2000; r++)
        same = memcmp(text + r * one.len, one.buf, one.len) == 0;
    CHECK_MSG(same, "%zu bytes written, %zu expected", n, 2000 * one.len);
    free(text);
    remove(path);
    ictus_out_close(&one, &err);
    ictus_out_close(&list, &err);
}

/* ictus_out_background(): the file holds what the caller appended, in order,
 * through many chunks and fields longer than one; a write error still
 * surfaces at close, naming the file. */
static void check_writer_background(void)
{
    const char *path = "build/test_csvout_background.csv";
    static char big[700000]; /* more than two chunks in one append */
    for (size_t i = 0; i < sizeof big - 1; i++)
        big[i] = (char)('a' + i % 26);
    ictus_out o, want;
    ictus_error err;
    ictus_out_init_mem(&want);
    CHECK(ictus_out_open(&o, path, &err) == ICTUS_OK);
    ictus_out_background(&o);
    CHECK(o.bg != NULL);
    for (int i = 0; i < 300000; i++) {
        ictus_out *each[2] = {&o, &want};
        for (int k = 0; k < 2; k++) {
            ictus_out_int(each[k], i);
            ictus_out_char(each[k], ',');
            ictus_out_double(each[k], i * 0.25, 6);
            ictus_out_char(each[k], '\n');
            if (i % 100000 == 7)
                ictus_out_str(each[k], big);
        }
    }
    CHECK(ictus_out_close(&o, &err) == ICTUS_OK);
    char *text;
    size_t n;
    CHECK_MSG(ictus_read_file(path, &text, &n, &err) == ICTUS_OK, "%s", err.msg);
    CHECK_MSG(text && n == want.len && memcmp(text, want.buf, n) == 0, "%zu bytes, %zu expected",
              n, want.len);
    free(text);
    remove(path);
    ictus_out_close(&want, &err);

    if (ictus_out_open(&o, "/dev/full", &err) == ICTUS_OK) {
        ictus_out_background(&o);
        for (int i = 0; i < 300000; i++)
            ictus_out_str(&o, "0123456789");
        CHECK(ictus_out_close(&o, &err) == ICTUS_ERR_IO);
        CHECK(strstr(err.msg, "/dev/full") != NULL);
    }
    ictus_out_init_mem(&o); /* in memory: nothing to do */
    ictus_out_background(&o);
    CHECK(o.bg == NULL);
    ictus_out_close(&o, &err);
}

/* Opening an existing file for writing empties it, whether the writer writes
 * itself or in the background, and even when nothing is written. */
static void check_writer_replaces(void)
{
    const char *path = "build/test_csvout_replace.csv";
    for (int mode = 0; mode < 3; mode++) { /* by itself, in the background, nothing written */
        FILE *f = fopen(path, "wb");
        CHECK(f != NULL);
        if (!f)
            return;
        for (int i = 0; i < 100000; i++)
            fputs("old old old\n", f);
        fclose(f);
        ictus_out o;
        ictus_error err;
        CHECK(ictus_out_open(&o, path, &err) == ICTUS_OK);
        if (mode == 1)
            ictus_out_background(&o);
        if (mode < 2)
            ictus_out_str(&o, "new\n");
        CHECK(ictus_out_close(&o, &err) == ICTUS_OK);
        char *text;
        size_t n;
        CHECK_MSG(ictus_read_file(path, &text, &n, &err) == ICTUS_OK, "%s", err.msg);
        const char *want = mode < 2 ? "new\n" : "";
        CHECK_MSG(text && n == strlen(want) && memcmp(text, want, n) == 0,
                  "mode %d: %zu bytes left", mode, n);
        free(text);
    }
    remove(path);
}

/* usage: test_csvout [ROUNDS]: rounds of each kind of value per sig (default 20,000: 5.1
 * million values, each compared with printf's; 200,000: 51 million). */
int main(int argc, char **argv)
{
    check_double_matches_printf(argc > 1 ? atol(argv[1]) : 20000);
    check_double_special_values();
    check_fixed_matches_printf();
    check_writer_quotes_and_reports();
    check_writer_printf();
    check_writer_in_memory();
    check_writer_doubles();
    check_writer_background();
    check_writer_replaces();
    return check_done("test_csvout");
}
