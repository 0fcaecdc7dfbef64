/* test_config.c: INI parsing with origins, typed getters, unknown-key
 * detection, engine settings, and naive wall-clock time. */
#include "base/config.h"
#include "pipeline/settings.h"
#include "base/walltime.h"

#include <stdlib.h>
#include <sys/stat.h>

#include "tests/check.h"
#include "tests/support_tmp.h"

static void check_parse_and_get(void)
{
    ictus_config *cfg = ictus_config_create();
    ictus_error err;
    const char *text = "# comment\n[signal]\nmains_hz = 60\n  highpass_hz=1.0  # inline\n"
                       "; another comment\n[features]\nwin_s = 4\nwindow = hamming\n"
                       "[signal]\nmains_hz = 50\n";
    CHECK(ictus_config_parse(cfg, text, "a.ini", &err) == ICTUS_OK);
    CHECK_INT(ictus_config_count(cfg), 5);
    double v = 0;
    CHECK(ictus_config_get_double(cfg, "signal", "mains_hz", 0, 100, &v, &err) == ICTUS_OK);
    CHECK_NEAR(v, 50, 0, 0); /* the later entry wins */
    CHECK(ictus_config_get_double(cfg, "signal", "highpass_hz", 0, 100, &v, &err) == ICTUS_OK);
    CHECK_NEAR(v, 1.0, 0, 0);
    v = 7;
    CHECK(ictus_config_get_double(cfg, "signal", "absent", 0, 100, &v, &err) == ICTUS_OK);
    CHECK_NEAR(v, 7, 0, 0); /* absent keys leave the default */
    CHECK(ictus_config_get_double(cfg, "features", "win_s", 0, 3, &v, &err) == ICTUS_ERR_CONFIG);
    CHECK_MSG(strstr(err.msg, "a.ini:7") != NULL, "message: %s", err.msg);
    const char *owned[] = {"signal", NULL};
    CHECK(ictus_config_check_used(cfg, owned, &err) == ICTUS_OK);
    CHECK(ictus_config_check_used(cfg, NULL, &err) == ICTUS_ERR_CONFIG); /* window unread */
    CHECK_MSG(strstr(err.msg, "a.ini:8") && strstr(err.msg, "window"), "message: %s", err.msg);
    CHECK(ictus_config_set(cfg, "signal.mains_hz=60", &err) == ICTUS_OK);
    CHECK(ictus_config_get_double(cfg, "signal", "mains_hz", 0, 100, &v, &err) == ICTUS_OK);
    CHECK_NEAR(v, 60, 0, 0);
    CHECK(ictus_config_set(cfg, "mains_hz=60", &err) == ICTUS_ERR_USAGE);
    CHECK(ictus_config_set(cfg, ".x=1", &err) == ICTUS_ERR_USAGE);
    CHECK(ictus_config_set(cfg, "type.hpd.=1", &err) == ICTUS_ERR_USAGE);
    /* a section with a dot: the key is after the last dot before '=' */
    CHECK(ictus_config_set(cfg, "type.hpd.max_emg_fraction=0.3", &err) == ICTUS_OK);
    v = 1;
    CHECK(ictus_config_get_double(cfg, "type.hpd", "max_emg_fraction", 0, 1, &v, &err) ==
          ICTUS_OK);
    CHECK_NEAR(v, 0.3, 0, 0);
    CHECK(ictus_config_get(cfg, "type", "hpd.max_emg_fraction") == NULL);
    CHECK(ictus_config_set(cfg, "signal.label=a.b", &err) == ICTUS_OK); /* dots in the value */
    CHECK(ictus_config_get(cfg, "signal", "label") != NULL &&
          strcmp(ictus_config_get(cfg, "signal", "label"), "a.b") == 0);
    ictus_config_destroy(cfg);
    ictus_config_destroy(NULL);
}

static void check_syntax_errors(void)
{
    static const struct { const char *text; const char *where; } bad[] = {
        {"[signal\nx = 1\n", "b.ini:1"},
        {"x = 1\n", "b.ini:1"},
        {"[s]\njust words\n", "b.ini:2"},
        {"[s]\n = 3\n", "b.ini:2"},
        {"[s p]\n", "b.ini:1"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ictus_config *cfg = ictus_config_create();
        ictus_error err;
        CHECK(ictus_config_parse(cfg, bad[i].text, "b.ini", &err) == ICTUS_ERR_CONFIG);
        CHECK_MSG(strstr(err.msg, bad[i].where) != NULL, "'%s': %s", bad[i].text, err.msg);
        ictus_config_destroy(cfg);
    }
    ictus_config *cfg = ictus_config_create();
    ictus_error err;
    CHECK(ictus_config_load(cfg, "/nonexistent/x.ini", &err) == ICTUS_ERR_IO);
    CHECK(strstr(err.msg, "/nonexistent/x.ini") != NULL);
    ictus_config_destroy(cfg);
}

static void check_typed_values(void)
{
    ictus_config *cfg = ictus_config_create();
    ictus_error err;
    CHECK(ictus_config_parse(cfg, "[a]\nn = 12\nm = 1.5\nb = yes\nc = maybe\ns = hello\n", "c.ini",
                             &err) == ICTUS_OK);
    int64_t n = 0;
    bool b = false;
    char s[4];
    CHECK(ictus_config_get_int(cfg, "a", "n", 0, 100, &n, &err) == ICTUS_OK);
    CHECK_INT(n, 12);
    CHECK(ictus_config_get_int(cfg, "a", "m", 0, 100, &n, &err) == ICTUS_ERR_CONFIG);
    CHECK(ictus_config_get_bool(cfg, "a", "b", &b, &err) == ICTUS_OK);
    CHECK(b);
    CHECK(ictus_config_get_bool(cfg, "a", "c", &b, &err) == ICTUS_ERR_CONFIG);
    CHECK(ictus_config_get_string(cfg, "a", "s", s, sizeof s, &err) == ICTUS_ERR_CONFIG);
    ictus_config_destroy(cfg);
}

static void check_settings(void)
{
    ictus_settings set, def;
    ictus_settings_default(&set);
    ictus_settings_default(&def);
    CHECK_NEAR(set.analysis_hz, 250, 0, 0);
    CHECK_NEAR(set.gamma.hi_hz, 100, 0, 0);
    ictus_config *cfg = ictus_config_create();
    ictus_error err;
    CHECK(ictus_config_parse(cfg, "[signal]\nmains_hz = 60\n[features]\nwindow = rect\n", "s.ini",
                             &err) == ICTUS_OK);
    CHECK(ictus_settings_apply(&set, cfg, &err) == ICTUS_OK);
    CHECK_NEAR(set.mains_hz, 60, 0, 0);
    CHECK_INT(set.window, ICTUS_WINDOW_RECT);
    char text[8192];
    size_t len = ictus_settings_describe(&set, text, sizeof text);
    CHECK(len < sizeof text);
    CHECK(strstr(text, "signal.mains_hz=60\n") != NULL);
    CHECK(strstr(text, "features.window=rect\n") != NULL);
    CHECK(strstr(text, "features.spike_refractory_s=0.03\n") != NULL);
    char small[16];
    CHECK_INT(ictus_settings_describe(&set, small, sizeof small), len); /* truncates, reports need */
    CHECK_INT(strlen(small), sizeof small - 1);
    ictus_config_destroy(cfg);

    static const char *const bad[] = {
        "[features]\nwindow = kaiser\n", "[signal]\nhighpass_order = 3\n",
        "[features]\nhop_s = 3\n", "[features]\ndelta_lo_hz = 5\n", "[signal]\nmains_hz = -1\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ictus_settings s2 = def;
        cfg = ictus_config_create();
        CHECK(ictus_config_parse(cfg, bad[i], "bad.ini", &err) == ICTUS_OK);
        CHECK_MSG(ictus_settings_apply(&s2, cfg, &err) == ICTUS_ERR_CONFIG, "accepted: %s", bad[i]);
        ictus_config_destroy(cfg);
    }
}

static void check_walltime(void)
{
    /* 2000-03-01 is day 11017 after 1970-01-01 (leap year 2000). */
    CHECK_INT(ictus_walltime_from_civil(2000, 3, 1, 0, 0, 0, 0), INT64_C(11017) * 86400 * 1000000);
    CHECK_INT(ictus_walltime_from_civil(1970, 1, 1, 0, 0, 1, 5), 1000005);
    CHECK_INT(ictus_walltime_from_civil(1969, 12, 31, 23, 59, 59, 0), -1000000);
    int64_t t;
    CHECK(ictus_walltime_parse("2026-03-29T02:30:00", &t)); /* a DST gap elsewhere: naive here */
    char buf[32];
    CHECK_STR(ictus_walltime_format(t, buf, sizeof buf), "2026-03-29T02:30:00.000");
    CHECK(ictus_walltime_parse("2024-02-29 23:59:59.9996", &t));
    CHECK_STR(ictus_walltime_format(t, buf, sizeof buf), "2024-03-01T00:00:00.000");
    CHECK(ictus_walltime_parse("2026-01-05", &t));
    CHECK_STR(ictus_walltime_format(t, buf, sizeof buf), "2026-01-05T00:00:00.000");
    CHECK(ictus_walltime_parse("1969-12-31T23:59:59.250", &t));
    CHECK_INT(t, -750000);
    CHECK_STR(ictus_walltime_format(t, buf, sizeof buf), "1969-12-31T23:59:59.250");
    static const char *const bad[] = {"2023-02-29", "2026-13-01", "2026-01-01T24:00", "2026-1-1",
                                      "2026-01-01T10:00:00.", "2026-01-01x", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_MSG(!ictus_walltime_parse(bad[i], &t), "accepted '%s'", bad[i]);
    /* round trip over many days, both sides of 1970 */
    for (int64_t d = -800000; d < 800000; d += 977) {
        int y, mo, dd, h, mi, s;
        int64_t us, t0 = d * 86400 * INT64_C(1000000) + 12345678;
        ictus_walltime_to_civil(t0, &y, &mo, &dd, &h, &mi, &s, &us);
        CHECK_INT(ictus_walltime_from_civil(y, mo, dd, h, mi, s, us), t0);
    }
}

/* Write `n` bytes of `text` to dir/name; returns the path (support_path's). */
static const char *put(const char *dir, const char *name, const char *text, size_t n)
{
    const char *path = support_path(dir, name);
    FILE *f = fopen(path, "wb");
    CHECK(f && fwrite(text, 1, n, f) == n);
    if (f)
        fclose(f);
    return path;
}

/* Load path into a new config; the status, with err. */
static ictus_status load(const char *path, ictus_config **cfg, ictus_error *err)
{
    *cfg = ictus_config_create();
    return ictus_config_load(*cfg, path, err);
}

/* Files: a UTF-8 byte-order mark is dropped (line numbers unchanged);
 * UTF-16 is named; 1 MiB is read, a byte more is one error; a character
 * device (preset = /dev/zero once asked for 4 GiB and aborted), a FIFO and
 * a directory are refused by name. */
static void check_files(void)
{
    char *dir = support_tmpdir("config");
    ictus_config *cfg;
    ictus_error err;
    const char *p = put(dir, "bom.ini", "\xef\xbb\xbf[signal]\nmains_hz = 60\nx\n", 28);
    CHECK(load(p, &cfg, &err) == ICTUS_ERR_CONFIG);
    CHECK_MSG(strstr(err.msg, "bom.ini:3: expected 'key = value'"), "%s", err.msg);
    ictus_config_destroy(cfg);
    p = put(dir, "bom.ini", "\xef\xbb\xbf[signal]\r\nmains_hz = 60\r\n", 28);
    CHECK_MSG(load(p, &cfg, &err) == ICTUS_OK, "%s", err.msg);
    CHECK(ictus_config_get(cfg, "signal", "mains_hz") &&
          strcmp(ictus_config_get(cfg, "signal", "mains_hz"), "60") == 0);
    ictus_config_destroy(cfg);
    p = put(dir, "utf16.ini", "\xff\xfe[\0s\0]\0", 8);
    CHECK(load(p, &cfg, &err) == ICTUS_ERR_CONFIG);
    CHECK_MSG(strstr(err.msg, "utf16.ini: UTF-16 text"), "%s", err.msg);
    ictus_config_destroy(cfg);

    size_t mib = (size_t)1 << 20;
    char *big = malloc(mib + 1);
    memset(big, '#', mib + 1);
    memcpy(big, "[s]\nk = 1\n", 10);
    big[mib - 1] = '\n';
    p = put(dir, "big.ini", big, mib);
    CHECK_MSG(load(p, &cfg, &err) == ICTUS_OK, "%s", err.msg);
    ictus_config_destroy(cfg);
    p = put(dir, "big.ini", big, mib + 1);
    CHECK(load(p, &cfg, &err) == ICTUS_ERR_FORMAT);
    CHECK_MSG(strstr(err.msg, "big.ini: more than 1048576 bytes (1 MiB)"), "%s", err.msg);
    ictus_config_destroy(cfg);
    free(big);

    CHECK(load("/dev/zero", &cfg, &err) == ICTUS_ERR_IO);
    CHECK_MSG(strcmp(err.msg, "/dev/zero: is a character device, not a regular file") == 0, "%s",
              err.msg);
    ictus_config_destroy(cfg);
    const char *fifo = support_path(dir, "fifo.ini");
    CHECK(mkfifo(fifo, 0600) == 0);
    CHECK(load(fifo, &cfg, &err) == ICTUS_ERR_IO);
    CHECK_MSG(strstr(err.msg, "fifo.ini: is a FIFO (named pipe)"), "%s", err.msg);
    ictus_config_destroy(cfg);
    CHECK(load(dir, &cfg, &err) == ICTUS_ERR_IO);
    CHECK_MSG(strstr(err.msg, ": is a directory, not a regular file"), "%s", err.msg);
    ictus_config_destroy(cfg);
    support_tmpdir_remove(dir);
}

int main(void)
{
    check_parse_and_get();
    check_syntax_errors();
    check_typed_values();
    check_settings();
    check_walltime();
    check_files();
    return check_done("test_config");
}
