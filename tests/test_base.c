/* test_base.c: the base layer's growable array (base/vec.h), checked path
 * joins (base/path.h), growable strings (base/strbuf.h) and whole-file reads
 * (base/readfile.h): growth keeps contents and never shrinks, a path that
 * does not fit is an error and never a cut-short path (also for an output
 * file, base/outfile.h), text and files come back whole whatever their
 * length; the temporary files of a writer that died are swept, no other;
 * input quoted in a message (base/status.h) is short, one line, and cut
 * neither inside an escape nor inside a UTF-8 character. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/outfile.h"
#include "base/path.h"
#include "base/readfile.h"
#include "base/status.h"
#include "base/strbuf.h"
#include "base/strpool.h"
#include "base/vec.h"
#include "tests/check.h"
#include "tests/support_tmp.h"

static void test_grow(void)
{
    int *v = NULL;
    int n = 0, cap = 0;
    for (int i = 0; i < 1000; i++) {
        ICTUS_GROW(v, n + 1, cap);
        CHECK(cap >= n + 1);
        v[n++] = i * 3;
    }
    bool same = true;
    for (int i = 0; i < n; i++)
        same &= v[i] == i * 3;
    CHECK(same);
    CHECK_INT(cap, 1024);
    int before = cap;
    ICTUS_GROW(v, 10, cap); /* fits already: nothing changes */
    CHECK_INT(cap, before);
    free(v);

    size_t scap = 0;
    double *d = NULL;
    ICTUS_GROW(d, 1, scap);
    CHECK_INT(scap, 8);
    ICTUS_GROW(d, 9, scap);
    CHECK_INT(scap, 16);
    ICTUS_GROW(d, 100, scap);
    CHECK_INT(scap, 128);
    free(d);
    CHECK_INT(ictus_grown_capacity(0, 0), 8);
    CHECK_INT(ictus_grown_capacity(SIZE_MAX / 2 + 1, SIZE_MAX), SIZE_MAX);
}

static void test_path(void)
{
    char out[16];
    ictus_error err;
    CHECK_INT(ictus_path_join(out, sizeof out, "a/b", "c.edf", &err), ICTUS_OK);
    CHECK_STR(out, "a/b/c.edf");
    CHECK_INT(ictus_path_join(out, sizeof out, "a/b/", "c.edf", &err), ICTUS_OK);
    CHECK_STR(out, "a/b/c.edf");
    CHECK_INT(ictus_path_join(out, sizeof out, "", "c.edf", &err), ICTUS_OK);
    CHECK_STR(out, "c.edf");
    CHECK_INT(ictus_path_join(out, sizeof out, NULL, "c.edf", &err), ICTUS_OK);
    CHECK_STR(out, "c.edf");
    CHECK_INT(ictus_path_join(out, sizeof out, "dir", "/abs/x", &err), ICTUS_OK);
    CHECK_STR(out, "/abs/x");
    /* 15 characters fit in 16 bytes, 16 do not */
    CHECK_INT(ictus_path_join(out, sizeof out, "0123456", "89abcde", &err), ICTUS_OK);
    CHECK_STR(out, "0123456/89abcde");
    CHECK_INT(ictus_path_join(out, sizeof out, "0123456", "89abcdef", &err), ICTUS_ERR_USAGE);
    CHECK_STR(out, "");
    CHECK(strstr(err.msg, "0123456/89abcde...") == err.msg);
    CHECK(strstr(err.msg, "longer than 15 bytes") != NULL);
    CHECK_INT(ictus_path_format(out, sizeof out, &err, "%s/%s/%d", "a", "b", 7), ICTUS_OK);
    CHECK_STR(out, "a/b/7");

    char *p = ictus_path_join_alloc("study/recordings", "a-very-long-recording-name.edf");
    CHECK_STR(p, "study/recordings/a-very-long-recording-name.edf");
    free(p);
    p = ictus_path_join_alloc("", "x");
    CHECK_STR(p, "x");
    free(p);

    CHECK(ictus_path_has_suffix("A.EDF", ".edf"));
    CHECK(ictus_path_has_suffix("a.flac", ".FLAC"));
    CHECK(!ictus_path_has_suffix("edf", ".edf"));
    CHECK(!ictus_path_has_suffix("a.edf.part", ".edf"));
}

/* Files of every length around the read size come back byte for byte;
 * a missing file is an I/O error naming it. */
static void test_read_file(const char *dir)
{
    const size_t sizes[] = {0, 1, 65535, 65536, 65537, 300001};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t n = sizes[k];
        unsigned char *want = malloc(n ? n : 1);
        for (size_t i = 0; i < n; i++)
            want[i] = (unsigned char)(i * 7 + i / 251);
        const char *path = support_path(dir, "read.bin");
        FILE *f = fopen(path, "wb");
        CHECK(f && fwrite(want, 1, n, f) == n);
        if (f)
            fclose(f);
        char *got = NULL;
        size_t got_n = 1;
        ictus_error err;
        CHECK_MSG(ictus_read_file(path, &got, &got_n, &err) == ICTUS_OK, "%s", err.msg);
        CHECK_INT(got_n, n);
        CHECK_MSG(got && memcmp(got, want, n) == 0 && got[n] == '\0', "%zu bytes differ", n);
        free(got);
        free(want);
    }
    const char *missing = support_path(dir, "no-such-file");
    char *got = (char *)"x";
    size_t got_n = 1;
    ictus_error err;
    CHECK_INT(ictus_read_file(missing, &got, &got_n, &err), ICTUS_ERR_IO);
    CHECK(got == NULL && got_n == 0);
    CHECK(strstr(err.msg, missing) == err.msg);
}

/* Expect ictus_read_file_max(path, max) to fail with `status` and one
 * message starting with the path and holding `want`. */
static void expect_read_error(const char *path, size_t max, ictus_status status,
                              const char *want)
{
    char *got = (char *)"x";
    size_t got_n = 1;
    ictus_error err = {0};
    CHECK_MSG(ictus_read_file_max(path, max, &got, &got_n, &err) == status, "%s: %s", path,
              err.msg);
    CHECK(got == NULL && got_n == 0);
    CHECK_MSG(strstr(err.msg, path) == err.msg && strstr(err.msg, want) &&
              !strchr(err.msg, '\n'), "'%s' in '%s'", want, err.msg);
}

/* The limit: a file of exactly max bytes is read, one byte more is one
 * error (also when the file's size says less: /proc), the limit of
 * ictus_read_file() is 1 GiB or ICTUS_MAX_TEXT_MIB (a sparse file just
 * over it, not a byte read); a directory, a
 * FIFO (which must not block: no writer ever comes), a character device
 * and a socket are refused by name, before any read. */
static void test_read_file_refusals(const char *dir)
{
    const char *path = support_path(dir, "limit.txt");
    FILE *f = fopen(path, "w");
    fputs("0123456789", f);
    fclose(f);
    char *got;
    size_t got_n;
    ictus_error err;
    CHECK_MSG(ictus_read_file_max(path, 10, &got, &got_n, &err) == ICTUS_OK, "%s", err.msg);
    CHECK(got_n == 10);
    free(got);
    expect_read_error(path, 9, ICTUS_ERR_FORMAT, "more than 9 bytes");
    expect_read_error("/proc/self/status", 16, ICTUS_ERR_FORMAT, "more than 16 bytes");
    /* The default, 1 GiB, and the setting: ICTUS_MAX_TEXT_MIB=64 refuses
     * 64 MiB + 1 naming the setting; out of range or not a number, the
     * default holds. */
    unsetenv("ICTUS_MAX_TEXT_MIB");
    CHECK(ictus_max_text_bytes() == (size_t)1 << 30);
    setenv("ICTUS_MAX_TEXT_MIB", "4096", 1);
    CHECK(ictus_max_text_bytes() == (size_t)1 << 30);
    setenv("ICTUS_MAX_TEXT_MIB", "12x", 1);
    CHECK(ictus_max_text_bytes() == (size_t)1 << 30);
    setenv("ICTUS_MAX_TEXT_MIB", "64", 1);
    CHECK(ictus_max_text_bytes() == (size_t)64 << 20);
    CHECK(truncate(path, (off_t)(64 << 20) + 1) == 0);
    got = (char *)"x";
    CHECK_INT(ictus_read_file(path, &got, &got_n, &err), ICTUS_ERR_FORMAT);
    CHECK_MSG(strstr(err.msg, "more than 67108864 bytes (64 MiB): not read (the limit is set by "
                     "ICTUS_MAX_TEXT_MIB)") && got == NULL, "%s", err.msg);
    unsetenv("ICTUS_MAX_TEXT_MIB");
    unlink(path);

    expect_read_error(dir, 100, ICTUS_ERR_IO, "is a directory, not a regular file");
    const char *fifo = support_path(dir, "pipe.csv");
    CHECK(mkfifo(fifo, 0600) == 0);
    expect_read_error(fifo, 100, ICTUS_ERR_IO, "is a FIFO (named pipe), not a regular file");
    expect_read_error("/dev/zero", 100, ICTUS_ERR_IO, "is a character device");
    int fd = -2;
    CHECK_INT(ictus_open_regular("/dev/null", "a recording", &fd, &err), ICTUS_ERR_IO);
    CHECK_MSG(fd == -1 && strstr(err.msg, "/dev/null: is a character device, not a recording"),
              "%s", err.msg);
    const char *sock_path = support_path(dir, "sock.ini");
    int sock = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(sock_path) < sizeof addr.sun_path) {
        strcpy(addr.sun_path, sock_path);
        CHECK(bind(sock, (struct sockaddr *)&addr, sizeof addr) == 0);
        expect_read_error(sock_path, 100, ICTUS_ERR_IO, "is a socket");
    } else {
        check_skip("socket path too long for sun_path: socket case skipped");
    }
    close(sock);
}

static void fill_one_line(ictus_out *o, const void *ctx)
{
    ictus_out_str(o, ctx);
}

static int count_entries(const char *dir)
{
    int n = 0;
    DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d)) != NULL;)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    if (d)
        closedir(d);
    return n;
}

/* An output file whose path (or whose temporary file's path) would not fit
 * is refused with a message naming the path, and nothing is written;
 * before, the path was cut short and a file of another name written. */
static void test_outfile_long_path(const char *dir)
{
    char *sub = ictus_path_join_alloc(dir, "out");
    CHECK_INT(ictus_outfile_mkdir(sub, NULL), ICTUS_OK);
    ictus_error err;
    CHECK_INT(ictus_outfile_write(sub, "fits.csv", fill_one_line, "a\n", &err), ICTUS_OK);
    CHECK_INT(count_entries(sub), 1);
    /* the directory fits; DIR/periods.csv does not */
    const char *long_dir = support_long_path(sub, ICTUS_PATH_MAX - 8);
    CHECK_INT(ictus_outfile_mkdir(long_dir, NULL), ICTUS_OK);
    CHECK_INT(ictus_outfile_write(long_dir, "periods.csv", fill_one_line, "b\n", &err),
              ICTUS_ERR_USAGE);
    CHECK_MSG(strncmp(err.msg, sub, strlen(sub)) == 0, "%s", err.msg);
    CHECK(strstr(err.msg, "path longer than 4095 bytes") != NULL);
    /* DIR/periods.csv fits; its temporary file DIR/.periods.csv.tmp-PID does not */
    long_dir = support_long_path(sub, ICTUS_PATH_MAX - 1 - strlen("/periods.csv"));
    CHECK_INT(ictus_outfile_write(long_dir, "periods.csv", fill_one_line, "c\n", &err),
              ICTUS_ERR_USAGE);
    CHECK(strstr(err.msg, "path longer than 4095 bytes") != NULL);
    CHECK_INT(count_entries(sub), 1);
    free(sub);
}

static bool exists_in(const char *dir, const char *name)
{
    char *p = ictus_path_join_alloc(dir, name);
    bool yes = access(p, F_OK) == 0;
    free(p);
    return yes;
}

static void touch_in(const char *dir, const char *name)
{
    char *p = ictus_path_join_alloc(dir, name);
    FILE *f = fopen(p, "w");
    CHECK_MSG(f != NULL, "%s", p);
    if (f)
        fclose(f);
    free(p);
}

/* A run killed with -9 leaves NAME.tmp-PID files in out/: the next
 * ictus_outfile_mkdir on that directory removes those whose writer is dead,
 * and keeps those of live writers and every other file. */
static void test_outfile_sweep(const char *dir)
{
    char *sub = ictus_path_join_alloc(dir, "sweep");
    CHECK_INT(ictus_outfile_mkdir(sub, NULL), ICTUS_OK);
    pid_t dead = fork(); /* a process id that is surely no one's once reaped */
    if (dead == 0)
        _exit(0);
    CHECK(dead > 0);
    waitpid(dead, NULL, 0);
    char name[4][96];
    snprintf(name[0], sizeof name[0], ".events.csv.tmp-%ld", (long)dead);
    snprintf(name[1], sizeof name[1], "report.pdf.tmp-%ld", (long)dead);
    snprintf(name[2], sizeof name[2], ".periods.csv.tmp-%ld", (long)getpid());
    snprintf(name[3], sizeof name[3], "notes.tmp-%ld.csv", (long)dead);
    for (int i = 0; i < 4; i++)
        touch_in(sub, name[i]);
    touch_in(sub, "events.csv");
    touch_in(sub, "x.tmp-");
    touch_in(sub, "y.tmp-12ab");
    CHECK_INT(count_entries(sub), 7);
    CHECK_INT(ictus_outfile_mkdir(sub, NULL), ICTUS_OK);
    CHECK_MSG(!exists_in(sub, name[0]), "%s swept", name[0]);
    CHECK_MSG(!exists_in(sub, name[1]), "%s swept", name[1]);
    CHECK_MSG(exists_in(sub, name[2]), "%s (a live writer's) kept", name[2]);
    CHECK_MSG(exists_in(sub, name[3]), "%s (not a temporary name) kept", name[3]);
    CHECK(exists_in(sub, "events.csv"));
    CHECK(exists_in(sub, "x.tmp-") && exists_in(sub, "y.tmp-12ab"));
    CHECK_INT(count_entries(sub), 5);
    free(sub);
}

/* Text of any length comes back whole; join puts separators only between
 * parts; take hands over "" for an empty buffer and empties it. */
static void test_strbuf(void)
{
    ictus_strbuf b = {0};
    CHECK_STR(ictus_strbuf_text(&b), "");
    char *empty = ictus_strbuf_take(&b);
    CHECK_STR(empty, "");
    free(empty);
    ictus_strbuf_join(&b, "|", "a");
    ictus_strbuf_join(&b, "|", "b");
    ictus_strbuf_addf(&b, ",%d,%s", 42, "c");
    CHECK_STR(ictus_strbuf_text(&b), "a|b,42,c");
    CHECK_INT(b.len, 8);
    ictus_strbuf_free(&b);
    CHECK(b.text == NULL && b.len == 0);
    for (int i = 0; i < 5000; i++)
        ictus_strbuf_addf(&b, "%04d", i);
    CHECK_INT(b.len, 20000);
    CHECK_INT(strlen(b.text), 20000);
    CHECK(strncmp(b.text + 4 * 4321, "4321", 4) == 0);
    char *text = ictus_strbuf_take(&b);
    CHECK(b.text == NULL && b.len == 0 && b.cap == 0);
    free(text);
    ictus_strbuf_addn(&b, "abcdef", 3);
    ictus_strbuf_addn(&b, "xyz", 0);
    CHECK_STR(ictus_strbuf_text(&b), "abc");
    CHECK_INT(b.len, 3);
    ictus_strbuf_add_html(&b, "<a href=\"x\">Tom's & Jerry's</a>");
    CHECK_STR(ictus_strbuf_text(&b),
              "abc&lt;a href=&quot;x&quot;&gt;Tom&#39;s &amp; Jerry&#39;s&lt;/a&gt;");
    ictus_strbuf_free(&b);
    ictus_strbuf_add_html(&b, "plain ✓");
    CHECK_STR(ictus_strbuf_text(&b), "plain ✓");
    ictus_strbuf_free(&b);
}

/* A pool keeps copies (short ones packed into a chunk, a long one alone),
 * hands back the previous copy for the same text, and frees them all. */
static void test_strpool(void)
{
    ictus_strpool pool = {0};
    char src[16] = "M01";
    char *a = ictus_strpool_keep(&pool, src);
    src[0] = 'X'; /* a copy, not the caller's buffer */
    CHECK_STR(a, "M01");
    char *b = ictus_strpool_keep(&pool, "M02");
    CHECK_STR(b, "M02");
    CHECK(b == a + 4); /* packed after a's terminator */
    CHECK(ictus_strpool_keep_like(&pool, "M02", b) == b);
    char *c = ictus_strpool_keep_like(&pool, "M03", b);
    CHECK(c != b);
    CHECK_STR(c, "M03");
    CHECK(ictus_strpool_keep_like(&pool, "M03", NULL) != c); /* no previous: a new copy */
    CHECK(ictus_strpool_keep_like(&pool, NULL, c) == NULL);
    size_t long_n = 200 * 1024;
    char *big = malloc(long_n + 1);
    memset(big, 'a', long_n);
    big[long_n] = '\0';
    char *kept = ictus_strpool_keep(&pool, big);
    CHECK(strlen(kept) == long_n && kept[0] == 'a');
    free(big);
    char *last = NULL;
    for (int i = 0; i < 20000; i++) /* many chunks */
        last = ictus_strpool_keep(&pool, "recordings/M01_20260105.edf");
    CHECK_STR(last, "recordings/M01_20260105.edf");
    CHECK_STR(a, "M01"); /* earlier copies stay where they were */
    ictus_strpool_free(&pool);
    CHECK(pool.chunks_ == NULL);
    CHECK_STR(ictus_strpool_keep(&pool, "again"), "again"); /* ready again */
    ictus_strpool_free(&pool);
}

static void test_quote_input(void)
{
    CHECK_STR(ICTUS_QUOTE("M01"), "M01");
    CHECK_STR(ICTUS_QUOTE(""), "");
    CHECK_STR(ICTUS_QUOTE("a\nb\tc\rd\x1b[31m\x7f"), "a\\nb\\tc\\rd\\x1b[31m\\x7f");
    CHECK_STR(ICTUS_QUOTE("souris \xc3\xa9t\xc3\xa9"), "souris \xc3\xa9t\xc3\xa9");
    CHECK_STR(ICTUS_QUOTE("bad \xc3 \xff \xe2\x82"), "bad \\xc3 \\xff \\xe2\\x82");
    /* Two quotes in one call do not share a buffer. */
    char both[64];
    snprintf(both, sizeof both, "%s|%s", ICTUS_QUOTE("one"), ICTUS_QUOTE("two"));
    CHECK_STR(both, "one|two");

    size_t n = 4u << 20; /* a 4 MB field */
    char *big = ictus_xmalloc(n + 1);
    memset(big, 'x', n);
    big[n] = '\0';
    const char *q = ICTUS_QUOTE(big);
    char want[ICTUS_QUOTE_SIZE];
    snprintf(want, sizeof want, "%.*s... (%zu bytes)", ICTUS_QUOTE_MAX, big, n);
    CHECK_STR(q, want);
    /* Exactly ICTUS_QUOTE_MAX bytes fit whole; one more is cut. */
    big[ICTUS_QUOTE_MAX] = '\0';
    CHECK_STR(ICTUS_QUOTE(big), big);
    big[ICTUS_QUOTE_MAX] = 'x';
    big[ICTUS_QUOTE_MAX + 1] = '\0';
    CHECK(strstr(ICTUS_QUOTE(big), "... (81 bytes)") != NULL);
    /* Control bytes throughout: the escapes count, none is cut in half. */
    memset(big, '\x01', 100);
    big[100] = '\0';
    q = ICTUS_QUOTE(big);
    CHECK(strlen(q) <= ICTUS_QUOTE_MAX + strlen("... (100 bytes)"));
    CHECK_STR(q + 80, "... (100 bytes)"); /* twenty whole \x01 */
    /* A 3-byte character across the cut goes whole to the next side. */
    memset(big, 'x', 79);
    memcpy(big + 79, "\xe2\x82\xac", 4);
    q = ICTUS_QUOTE(big);
    CHECK(strncmp(q + 79, "... (82 bytes)", 14) == 0);
    free(big);
}

int main(void)
{
    char *dir = support_tmpdir("base");
    test_grow();
    test_path();
    test_strbuf();
    test_strpool();
    test_quote_input();
    test_read_file(dir);
    test_read_file_refusals(dir);
    test_outfile_long_path(dir);
    test_outfile_sweep(dir);
    support_tmpdir_remove(dir);
    return check_done("test_base");
}
