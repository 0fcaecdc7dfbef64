/* test_csv_guard.c: the CSV formula guard (issue 16, CSV injection): text fields that a
 * spreadsheet would run as a formula are written with a ' in front, numbers never are, and
 * ictus's own CSV reader (base/csvtable.h) reads back exactly the text that was written.
 *
 * Proves:
 *   - ictus_out_field() puts a ' before text starting with = + - @ TAB CR ("=HYPERLINK(...)",
 *     "-cmd", "@SUM(A1)"), quoting it as RFC 4180 needs, and before text already starting
 *     with ' then such a character; plain decimal numbers as text ("-1.5", "+2") and text
 *     with the character later ("a=b") are written as they are;
 *   - numbers written as numbers are untouched (-1.5, -42, -0.250);
 *   - ictus_csv_read() drops the guard: a hand-written '=x reads as =x, ''=y as '=y, while
 *     '-1.5 and 'abc keep their ';
 *   - every text, hand-picked or random over the characters that matter, read back from a
 *     file ictus_out_field() wrote is the text itself (and unguard() undoes the guard in
 *     memory).
 */
#include "base/csvout.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csvtable.h"
#include "tests/check.h"
#include "tests/support_tmp.h"

/* What ictus_out_field() writes for s, NUL-terminated (malloc'd). */
static char *field_text(const char *s)
{
    ictus_out o;
    ictus_out_init_mem(&o);
    ictus_out_field(&o, s);
    ictus_out_char(&o, '\0');
    char *text = strdup(o.buf);
    ictus_error err;
    ictus_out_close(&o, &err);
    return text;
}

static void check_writer(void)
{
    static const struct { const char *in, *out; } cases[] = {
        {"=HYPERLINK(\"http://x.example/\",\"open\")",
         "\"'=HYPERLINK(\"\"http://x.example/\"\",\"\"open\"\")\""},
        {"=1+1", "'=1+1"},
        {"+1+2", "'+1+2"},
        {"-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"},
        {"@SUM(A1)", "'@SUM(A1)"},
        {"\t=1", "'\t=1"},
        {"\r=1", "\"'\r=1\""},
        {"=a,b", "\"'=a,b\""},
        {"-", "'-"},
        {"-1.5.2", "'-1.5.2"},
        {"-1e", "'-1e"},
        {"-inf", "'-inf"},
        {"'=x", "''=x"},
        {"''-x", "'''-x"},
        /* not guarded */
        {"-1.5", "-1.5"},
        {"+2", "+2"},
        {"-3e-4", "-3e-4"},
        {"-.5", "-.5"},
        {"'-1.5", "'-1.5"},
        {"'abc", "'abc"},
        {"a=b", "a=b"},
        {" =x", " =x"},
        {"x,=y", "\"x,=y\""},
        {"plain", "plain"},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = field_text(cases[i].in);
        CHECK_MSG(strcmp(got, cases[i].out) == 0, "field \"%s\": wrote [%s], expected [%s]",
                  cases[i].in, got, cases[i].out);
        free(got);
    }

    ictus_out o;
    ictus_out_init_mem(&o);
    ictus_out_double(&o, -1.5, 6);
    ictus_out_char(&o, ',');
    ictus_out_int(&o, -42);
    ictus_out_char(&o, ',');
    ictus_out_fixed(&o, -0.25, 3);
    ictus_out_char(&o, '\0');
    CHECK_STR(o.buf, "-1.5,-42,-0.250");
    ictus_error err;
    ictus_out_close(&o, &err);
}

/* Write `path` with the given text, read it as a table. */
static ictus_csv *read_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    fputs(text, f);
    fclose(f);
    ictus_csv *t = NULL;
    ictus_error err;
    CHECK_MSG(ictus_csv_read(path, &t, &err) == ICTUS_OK, "%s", err.msg);
    return t;
}

static void check_reader_drops_the_guard(const char *dir)
{
    ictus_csv *t = read_text(support_path(dir, "hand.csv"),
                             "animal,note\n'=x,'@y\n''=y,\"'=a,b\"\n'-1.5,'abc\n'-,'\n");
    if (!t)
        return;
    CHECK_INT(ictus_csv_rows(t), 4);
    CHECK_STR(ictus_csv_field(t, 0, 0), "=x");
    CHECK_STR(ictus_csv_field(t, 0, 1), "@y");
    CHECK_STR(ictus_csv_field(t, 1, 0), "'=y");
    CHECK_STR(ictus_csv_field(t, 1, 1), "=a,b");
    CHECK_STR(ictus_csv_field(t, 2, 0), "'-1.5");
    CHECK_STR(ictus_csv_field(t, 2, 1), "'abc");
    CHECK_STR(ictus_csv_field(t, 3, 0), "-");
    CHECK_STR(ictus_csv_field(t, 3, 1), "'");
    ictus_csv_destroy(t);
}

static uint64_t rng = 0x2545F4914F6CDD1Dull;
static unsigned next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng >> 32);
}

/* A random text over the characters that matter to the guard and to quoting; no space or
 * tab at its end (the reader trims unquoted fields: not the guard's business). */
static void random_text(char *s, size_t cap)
{
    static const char alphabet[] = "'''==+-@\t\r\n,\"a1.e5";
    size_t n = next_rand() % (cap - 1);
    for (size_t i = 0; i < n; i++)
        s[i] = alphabet[next_rand() % (sizeof alphabet - 1)];
    while (n > 0 && s[n - 1] == '\t')
        n--;
    s[n] = '\0';
}

#define N_RANDOM 4000

static void check_round_trip(const char *dir)
{
    static const char *const fixed[] = {
        "=HYPERLINK(\"http://x.example/\",\"open\")", "-cmd", "@x", "\t=1", "\r\n=1", "'=x",
        "''=x", "'-1.5", "-1.5", "'", "''", "-", "+", "=", "@", "'abc", "plain", "a=b"};
    enum { N_FIXED = sizeof fixed / sizeof fixed[0] };
    static char texts[N_FIXED + N_RANDOM][12];
    for (int i = 0; i < N_FIXED + N_RANDOM; i++) {
        if (i < N_FIXED)
            snprintf(texts[i], sizeof texts[i], "%.11s", fixed[i]);
        else
            random_text(texts[i], sizeof texts[i]);
    }
    const char *path = support_path(dir, "round.csv");
    ictus_out o;
    ictus_error err;
    CHECK(ictus_out_open(&o, path, &err) == ICTUS_OK);
    ictus_out_str(&o, "row,text\n");
    int guarded = 0;
    for (int i = 0; i < N_FIXED + N_RANDOM; i++) {
        ictus_out_int(&o, i);
        ictus_out_char(&o, ',');
        ictus_out_field(&o, texts[i]);
        ictus_out_char(&o, '\n');
        guarded += ictus_csv_needs_guard(texts[i]);
        char *w = field_text(texts[i]);
        /* unguard() on the field's text as the reader sees it (unquoted here when no quote) */
        if (!strpbrk(texts[i], ",\"\r\n"))
            CHECK_MSG(strcmp(ictus_csv_unguard(w), texts[i]) == 0, "unguard(\"%s\")", w);
        free(w);
    }
    CHECK(ictus_out_close(&o, &err) == ICTUS_OK);
    CHECK_MSG(guarded > N_RANDOM / 4, "the random texts exercise the guard (%d guarded)", guarded);

    ictus_csv *t = NULL;
    CHECK_MSG(ictus_csv_read(path, &t, &err) == ICTUS_OK, "%s", err.msg);
    if (!t)
        return;
    CHECK_INT(ictus_csv_rows(t), N_FIXED + N_RANDOM);
    int wrong = 0;
    for (int i = 0; i < ictus_csv_rows(t) && i < N_FIXED + N_RANDOM; i++) {
        int row = atoi(ictus_csv_field(t, i, 0));
        if (row != i || strcmp(ictus_csv_field(t, i, 1), texts[i]) != 0) {
            if (wrong++ < 5)
                CHECK_MSG(false, "row %d: wrote [%s], read [%s]", i, texts[i],
                          ictus_csv_field(t, i, 1));
        }
    }
    CHECK_MSG(wrong == 0, "%d of %d texts read back as written", N_FIXED + N_RANDOM - wrong,
              N_FIXED + N_RANDOM);
    ictus_csv_destroy(t);
}

int main(void)
{
    char *dir = support_tmpdir("csv-guard");
    check_writer();
    check_reader_drops_the_guard(dir);
    check_round_trip(dir);
    support_tmpdir_remove(dir);
    return check_done("test_csv_guard");
}
