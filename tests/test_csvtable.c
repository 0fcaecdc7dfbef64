/* test_csvtable.c: the CSV table reader (base/csvtable.c).
 *
 * Proves:
 *   - RFC 4180 parsing: quoted commas, doubled quotes, quoted newlines (LF
 *     and CRLF), with the right starting line for every row after them;
 *     LF and CRLF files give the same table; a last line without newline;
 *   - blank and whitespace-only lines are skipped and not counted as rows;
 *     unquoted fields and header names are trimmed, quoted content is kept;
 *   - a UTF-8 BOM is dropped; UTF-16/UTF-32 (BOM or NUL bytes) and invalid
 *     UTF-8 (bad byte, overlong, surrogate, > U+10FFFF, cut sequence) are
 *     refused with FILE:LINE:COLUMN of the first bad byte (column counted in
 *     characters); valid multi-byte text passes;
 *   - a header is required; duplicate names (ignoring case) name both columns;
 *   - short and long rows are kept with their field counts;
 *   - malformed quoting is one error naming the file and line;
 *   - column lookup ignores case; where/require/double give the documented
 *     messages;
 *   - a 100k-row file with quoted newlines every 1000 rows keeps every line
 *     number right (its read time is printed, not asserted).
 */
#include "base/csvtable.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/strbuf.h"
#include "tests/check.h"
#include "tests/support_tmp.h"

static char *tmp_dir;

/* Write `len` bytes (strlen when len < 0) to a temporary file; return its path. */
static const char *write_file(const char *name, const char *bytes, long len)
{
    const char *path = support_path(tmp_dir, name);
    FILE *f = fopen(path, "wb");
    fwrite(bytes, 1, len < 0 ? strlen(bytes) : (size_t)len, f);
    fclose(f);
    return path;
}

static ictus_csv *read_ok(const char *path)
{
    ictus_csv *t = NULL;
    ictus_error err = {0};
    CHECK_MSG(ictus_csv_read(path, &t, &err) == ICTUS_OK, "%s", err.msg);
    return t;
}

/* Reading `bytes` fails with `status` and a one-line message that starts
 * with the file's path followed by `where` (e.g. ":3:5: ") and says `what`. */
static void check_refused(const char *name, const char *bytes, long len, ictus_status status,
                          const char *where, const char *what)
{
    const char *path = write_file(name, bytes, len);
    ictus_csv *t = NULL;
    ictus_error err = {0};
    CHECK_MSG(ictus_csv_read(path, &t, &err) == status, "%s: status %s: %s", name,
              ictus_strstatus(err.status), err.msg);
    CHECK(t == NULL);
    ictus_csv_destroy(t);
    char prefix[512];
    snprintf(prefix, sizeof prefix, "%s%s", path, where);
    CHECK_MSG(strncmp(err.msg, prefix, strlen(prefix)) == 0, "%s: message does not start with \"%s\": %s",
              name, prefix, err.msg);
    CHECK_MSG(strstr(err.msg, what) != NULL, "%s: message lacks \"%s\": %s", name, what, err.msg);
    CHECK_MSG(strchr(err.msg, '\n') == NULL, "%s: message is not one line", name);
}

/* ------------------------------------------------------------------------
 * Parsing
 * ---------------------------------------------------------------------- */

/* The same table written with LF and with CRLF line ends. */
static const char *const quoting_lines[] = {
    " animal , Start_S ,\" notes \"",          /* line 1: header, spaces around names */
    "A1,  12.5  ,\"kainate, day 3\"",          /* 2: trimmed number, quoted comma */
    "",                                        /* 3: blank */
    "A2,13,\"said \"\"twice\"\"\"",            /* 4: doubled quotes */
    "A3,14,\"first line",                      /* 5: quoted newline... */
    "second line\"",                           /* 6: ...ends here */
    "   \t ",                                  /* 7: whitespace only */
    "A4,15,\"  kept spaces  \"",               /* 8 */
    "A5,16,\"",                                /* 9: a field of two newlines */
    "",                                        /* 10 */
    "\"",                                      /* 11 */
    "A6,17,last",                              /* 12: no newline after it */
};
enum { N_QUOTING_LINES = sizeof quoting_lines / sizeof quoting_lines[0] };

static void check_quoting_table(const ictus_csv *t, const char *nl)
{
    if (!t)
        return;
    CHECK_INT(ictus_csv_columns(t), 3);
    CHECK_STR(ictus_csv_column_name(t, 0), "animal");
    CHECK_STR(ictus_csv_column_name(t, 1), "Start_S");
    CHECK_STR(ictus_csv_column_name(t, 2), "notes");
    CHECK_INT(ictus_csv_column(t, "start_s"), 1);
    CHECK_INT(ictus_csv_column(t, "NOTES"), 2);
    CHECK_INT(ictus_csv_column(t, "dose"), -1);
    CHECK_INT(ictus_csv_rows(t), 6);
    static const int lines[] = {2, 4, 5, 8, 9, 12};
    for (int r = 0; r < 6; r++) {
        CHECK_INT(ictus_csv_line(t, r), lines[r]);
        CHECK_INT(ictus_csv_row_fields(t, r), 3);
    }
    CHECK_STR(ictus_csv_field(t, 0, 1), "12.5");
    CHECK_STR(ictus_csv_field(t, 0, 2), "kainate, day 3");
    CHECK_STR(ictus_csv_field(t, 1, 2), "said \"twice\"");
    char want[64];
    snprintf(want, sizeof want, "first line%ssecond line", nl);
    CHECK_STR(ictus_csv_field(t, 2, 2), want);
    CHECK_STR(ictus_csv_field(t, 3, 2), "  kept spaces  ");
    snprintf(want, sizeof want, "%s%s", nl, nl);
    CHECK_STR(ictus_csv_field(t, 4, 2), want);
    CHECK_STR(ictus_csv_field(t, 5, 0), "A6");
    CHECK_STR(ictus_csv_field(t, 5, 2), "last");
    CHECK_STR(ictus_csv_field(t, 5, 3), "");
    CHECK_STR(ictus_csv_field(t, 5, -1), "");
}

static void test_quoting(void)
{
    static const char *const newlines[] = {"\n", "\r\n"};
    for (int k = 0; k < 2; k++) {
        ictus_strbuf text = {0};
        for (int i = 0; i < N_QUOTING_LINES; i++)
            ictus_strbuf_join(&text, newlines[k], quoting_lines[i]);
        ictus_csv *t = read_ok(write_file(k ? "crlf.csv" : "lf.csv", ictus_strbuf_text(&text), -1));
        check_quoting_table(t, newlines[k]);
        ictus_csv_destroy(t);
        ictus_strbuf_free(&text);
    }
}

static void test_ragged_rows(void)
{
    const char *path = write_file("ragged.csv",
                                  "\n\n"
                                  "file,animal,channels\n"
                                  "a.wav,A1\n"
                                  "b.wav,A2,HPC=1,extra\n"
                                  ",,\n"
                                  "\"\"\n",
                                  -1);
    ictus_csv *t = read_ok(path);
    if (!t)
        return;
    CHECK_INT(ictus_csv_rows(t), 4);
    CHECK_INT(ictus_csv_line(t, 0), 4);
    CHECK_INT(ictus_csv_row_fields(t, 0), 2);
    CHECK_STR(ictus_csv_field(t, 0, 2), "");
    CHECK_INT(ictus_csv_row_fields(t, 1), 4);
    CHECK_STR(ictus_csv_field(t, 1, 3), "extra");
    CHECK_INT(ictus_csv_row_fields(t, 2), 3);
    CHECK_INT(ictus_csv_row_fields(t, 3), 1);
    CHECK_INT(ictus_csv_line(t, 3), 7);
    char where[512], want[512];
    snprintf(want, sizeof want, "%s:5:2 (animal)", path);
    CHECK_STR(ictus_csv_where(t, 1, 1, where, sizeof where), want);
    snprintf(want, sizeof want, "%s:5:4 (extra field)", path);
    CHECK_STR(ictus_csv_where(t, 1, 3, where, sizeof where), want);
    ictus_csv_destroy(t);
}

/* ------------------------------------------------------------------------
 * Encoding
 * ---------------------------------------------------------------------- */

static void test_encoding(void)
{
    const char *bom = "\xEF\xBB\xBF" "animal,unit\nA1,\xC2\xB5V\nA2,\xF0\x9F\x90\x80\n";
    ictus_csv *t = read_ok(write_file("bom.csv", bom, -1));
    if (t) {
        CHECK_INT(ictus_csv_column(t, "animal"), 0);
        CHECK_STR(ictus_csv_field(t, 0, 1), "\xC2\xB5V");
        CHECK_STR(ictus_csv_field(t, 1, 1), "\xF0\x9F\x90\x80");
    }
    ictus_csv_destroy(t);

    check_refused("utf16le.csv", "\xFF\xFE" "a\0,\0b\0", 8, ICTUS_ERR_FORMAT, ": ",
                  "UTF-16 (it starts with a byte-order mark); save it as UTF-8");
    check_refused("utf16be.csv", "\xFE\xFF\0a\0,\0b", 8, ICTUS_ERR_FORMAT, ": ", "UTF-16");
    check_refused("utf32le.csv", "\xFF\xFE\0\0a\0\0\0", 8, ICTUS_ERR_FORMAT, ": ", "UTF-32");
    check_refused("utf32be.csv", "\0\0\xFE\xFF\0\0\0a", 8, ICTUS_ERR_FORMAT, ": ", "UTF-32");
    check_refused("nul.csv", "a,b\nx\0y\n", 8, ICTUS_ERR_FORMAT, ":2:2: ",
                  "NUL byte: the file looks like UTF-16 or UTF-32; save it as UTF-8");
    check_refused("latin1.csv", "animal,notes\nA1,ok\nA2,caf\xE9\n", -1, ICTUS_ERR_FORMAT, ":3:7: ",
                  "invalid UTF-8 (byte 0xE9); save the file as UTF-8");
    check_refused("after-mu.csv", "unit,x\n\xC2\xB5V,\xFF\n", -1, ICTUS_ERR_FORMAT, ":2:4: ", "byte 0xFF");
    check_refused("overlong.csv", "a\n\xC0\xAF\n", -1, ICTUS_ERR_FORMAT, ":2:1: ", "byte 0xC0");
    check_refused("overlong3.csv", "a\n\xE0\x80\xAF\n", -1, ICTUS_ERR_FORMAT, ":2:1: ", "byte 0xE0");
    check_refused("surrogate.csv", "a\nx\xED\xA0\x80\n", -1, ICTUS_ERR_FORMAT, ":2:2: ", "byte 0xED");
    check_refused("toobig.csv", "a\n\xF4\x90\x80\x80\n", -1, ICTUS_ERR_FORMAT, ":2:1: ", "byte 0xF4");
    check_refused("cut.csv", "a\nb\xE2\x82", -1, ICTUS_ERR_FORMAT, ":2:2: ", "byte 0xE2");
    check_refused("lone-continuation.csv", "a\n\x80\n", -1, ICTUS_ERR_FORMAT, ":2:1: ", "byte 0x80");
}

/* ------------------------------------------------------------------------
 * Structure errors
 * ---------------------------------------------------------------------- */

static void test_structure_errors(void)
{
    check_refused("empty.csv", "", 0, ICTUS_ERR_FORMAT, ": ", "empty: a header row is required");
    check_refused("blank.csv", "\n  \r\n\t\n", -1, ICTUS_ERR_FORMAT, ": ", "empty");
    check_refused("bom-only.csv", "\xEF\xBB\xBF", -1, ICTUS_ERR_FORMAT, ": ", "empty");
    check_refused("dup.csv", "\nstart_s,End_S,notes,end_s\n1,2,,3\n", -1, ICTUS_ERR_FORMAT, ":2: ",
                  "duplicate column name: column 2 \"End_S\" and column 4 \"end_s\"");
    check_refused("quote-inside.csv", "a,b\n1,x\"y\n", -1, ICTUS_ERR_FORMAT, ":2:4: ",
                  "malformed quoting: a quote inside an unquoted field");
    check_refused("after-quote.csv", "a,b\n1,2\n3,\"four\"five\n", -1, ICTUS_ERR_FORMAT, ":3:9: ",
                  "malformed quoting: text after the closing quote");
    check_refused("unclosed.csv", "a,b\n1,2\n3,\"four\n5,6\n7,8\n", -1, ICTUS_ERR_FORMAT, ":5: ",
                  "the quoted field opened in the row at line 3 never closes");

    ictus_csv *t = NULL;
    ictus_error err = {0};
    const char *missing = support_path(tmp_dir, "no-such-file.csv");
    CHECK_INT(ictus_csv_read(missing, &t, &err), ICTUS_ERR_IO);
    CHECK(t == NULL);
    CHECK(strncmp(err.msg, missing, strlen(missing)) == 0 && strstr(err.msg, "cannot open") != NULL);

    /* Two unnamed columns are not duplicates of each other. */
    t = read_ok(write_file("unnamed.csv", "a,,b,\n1,2,3,4\n", -1));
    if (t) {
        CHECK_INT(ictus_csv_columns(t), 4);
        CHECK_INT(ictus_csv_column(t, "b"), 2);
    }
    ictus_csv_destroy(t);
    ictus_csv_destroy(NULL);
}

/* ------------------------------------------------------------------------
 * Helpers for callers
 * ---------------------------------------------------------------------- */

static void test_helpers(void)
{
    const char *path = write_file("dosing.csv",
                                  "animal,dose_mg_kg,start\n"
                                  "A1,10,x\n"
                                  "A2, 2.5e1 ,x\n"
                                  "A3,,x\n"
                                  "A4,ten,x\n"
                                  "A5,nan,x\n"
                                  "A6,1e999,x\n"
                                  "A7,\"3 mg\",x\n"
                                  "A8,\" 4 \",x\n",
                                  -1);
    ictus_csv *t = read_ok(path);
    if (!t)
        return;
    CHECK_STR(ictus_csv_path(t), path);
    int dose = ictus_csv_column(t, "Dose_mg_kg");
    CHECK_INT(dose, 1);
    ictus_error err = {0};
    double v = -1;
    CHECK_INT(ictus_csv_double(t, 0, dose, &v, &err), ICTUS_OK);
    CHECK(v == 10.0);
    CHECK_INT(ictus_csv_double(t, 1, dose, &v, &err), ICTUS_OK);
    CHECK(v == 25.0);
    CHECK_INT(ictus_csv_double(t, 7, dose, &v, &err), ICTUS_OK);
    CHECK(v == 4.0);
    static const int bad_rows[] = {2, 3, 4, 5, 6};
    static const char *const bad_text[] = {"\"\"", "\"ten\"", "\"nan\"", "\"1e999\"", "\"3 mg\""};
    for (int k = 0; k < 5; k++) {
        v = -1;
        CHECK_INT(ictus_csv_double(t, bad_rows[k], dose, &v, &err), ICTUS_ERR_DATA);
        CHECK(v == -1);
        char want[512];
        snprintf(want, sizeof want, "%s:%d:2 (dose_mg_kg): expected a number, got %s", path, bad_rows[k] + 2,
                 bad_text[k]);
        CHECK_STR(err.msg, want);
    }

    static const char *const present[] = {"animal", "START"};
    CHECK_INT(ictus_csv_require(t, present, 2, &err), ICTUS_OK);
    static const char *const absent[] = {"animal", "period", "drug", "start", "route"};
    CHECK_INT(ictus_csv_require(t, absent, 5, &err), ICTUS_ERR_FORMAT);
    char want[512];
    snprintf(want, sizeof want,
             "%s: missing columns: period, drug, route (the header has: animal, dose_mg_kg, start)", path);
    CHECK_STR(err.msg, want);
    CHECK_INT(ictus_csv_require(t, absent + 1, 1, &err), ICTUS_ERR_FORMAT);
    CHECK(strstr(err.msg, "missing column: period (") != NULL);
    ictus_csv_destroy(t);
}

/* ------------------------------------------------------------------------
 * A large file
 * ---------------------------------------------------------------------- */

static void test_large(void)
{
    enum { ROWS = 100000 };
    const char *path = support_path(tmp_dir, "large.csv");
    FILE *f = fopen(path, "w");
    fputs("recording,animal,channel,start_s,end_s,notes\n", f);
    int line = 2;
    static int lines[ROWS];
    for (int r = 0; r < ROWS; r++) {
        lines[r] = line;
        if (r % 1000 == 0) {
            fprintf(f, "rec%d.edf,A%d,HPC,%d.5,%d.75,\"two\nlines\"\n", r, r % 17, r, r + 1);
            line += 2;
        } else {
            fprintf(f, "rec%d.edf,A%d,HPC,%d.5,%d.75,\n", r, r % 17, r, r + 1);
            line += 1;
        }
    }
    fclose(f);

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ictus_csv *t = read_ok(path);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (!t)
        return;
    printf("test_csvtable: read %d rows in %.3f s\n", ictus_csv_rows(t),
           (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
    CHECK_INT(ictus_csv_rows(t), ROWS);
    int bad_lines = 0, bad_fields = 0;
    char want[64];
    for (int r = 0; r < ROWS; r++) {
        bad_lines += ictus_csv_line(t, r) != lines[r];
        snprintf(want, sizeof want, "%d.5", r);
        bad_fields += ictus_csv_row_fields(t, r) != 6 || strcmp(ictus_csv_field(t, r, 3), want) != 0;
        bad_fields += strcmp(ictus_csv_field(t, r, 5), r % 1000 == 0 ? "two\nlines" : "") != 0;
    }
    CHECK_INT(bad_lines, 0);
    CHECK_INT(bad_fields, 0);
    ictus_csv_destroy(t);
}

int main(void)
{
    tmp_dir = support_tmpdir("csvtable");
    test_quoting();
    test_ragged_rows();
    test_encoding();
    test_structure_errors();
    test_helpers();
    test_large();

    support_tmpdir_remove(tmp_dir);
    return check_done("test_csvtable");
}
