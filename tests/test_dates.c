/* test_dates.c: the date forms of the manifests (base/walltime.c, protocols/manifest.c,
 * study.ini [study] date_format in protocols/study.c).
 *
 * Proves:
 *   - ictus_walltime_parse_as() accepts ISO dates alone (00:00), `T` or a
 *     space, one- or two-digit hours, seconds and fractions, and with a
 *     date_format its lab form (D.M.YYYY, DD/MM/YYYY, MM/DD/YYYY, with and
 *     without a time) to the exact microsecond; has_time says whether a time
 *     was given;
 *   - it refuses out-of-range dates and times, the wrong separator for the
 *     format, two-digit years, trailing text; and a lab form without a
 *     date_format is ICTUS_WALLTIME_NEEDS_FORMAT, never guessed;
 *   - a study whose animals.csv has `01.06.2025` without date_format keeps
 *     the animal (birth date unknown) with one problem that names the file,
 *     line, column and tells to set date_format, and asks for a date, not a
 *     time; with `date_format = DD.MM.YYYY` the same study loads without a
 *     problem, and its dosing.csv, recordings.csv and annotations.csv read
 *     the same form (with single-digit hours); MM/DD/YYYY reads month first;
 *   - a bad date_format is a fatal config error naming the accepted values.
 */
#include "protocols/study.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/walltime.h"
#include "tests/check.h"
#include "tests/support_tmp.h"

static char *dir;

static void write_file(const char *name, const char *text)
{
    FILE *f = fopen(support_path(dir, name), "wb");
    fputs(text, f);
    fclose(f);
}

static int64_t civil(int y, int mo, int d, int h, int mi, int s, int64_t us)
{
    return ictus_walltime_from_civil(y, mo, d, h, mi, s, us);
}

/* ------------------------------------------------------------------------
 * The parser
 * ---------------------------------------------------------------------- */

static void test_accepted(void)
{
    static const struct {
        const char *text;
        ictus_date_format format;
        int y, mo, d, h, mi, s;
        int64_t us;
        bool has_time;
    } cases[] = {
        {"2026-01-01", ICTUS_DATE_ISO, 2026, 1, 1, 0, 0, 0, 0, false},
        {"2026-01-01 8:00", ICTUS_DATE_ISO, 2026, 1, 1, 8, 0, 0, 0, true},
        {"2026-01-01T8:05:09", ICTUS_DATE_ISO, 2026, 1, 1, 8, 5, 9, 0, true},
        {"2026-01-01T08:00", ICTUS_DATE_ISO, 2026, 1, 1, 8, 0, 0, 0, true},
        {"2024-02-29 23:59:59.5", ICTUS_DATE_ISO, 2024, 2, 29, 23, 59, 59, 500000, true},
        {"01.06.2025", ICTUS_DATE_DMY_DOT, 2025, 6, 1, 0, 0, 0, 0, false},
        {"1.6.2025", ICTUS_DATE_DMY_DOT, 2025, 6, 1, 0, 0, 0, 0, false},
        {"31.12.2025 7:30", ICTUS_DATE_DMY_DOT, 2025, 12, 31, 7, 30, 0, 0, true},
        {"2026-03-04", ICTUS_DATE_DMY_DOT, 2026, 3, 4, 0, 0, 0, 0, false}, /* ISO always */
        {"04/03/2026", ICTUS_DATE_DMY_SLASH, 2026, 3, 4, 0, 0, 0, 0, false},
        {"04/03/2026T22:15:01", ICTUS_DATE_DMY_SLASH, 2026, 3, 4, 22, 15, 1, 0, true},
        {"04/03/2026", ICTUS_DATE_MDY_SLASH, 2026, 4, 3, 0, 0, 0, 0, false},
        {"12/31/2025 23:59", ICTUS_DATE_MDY_SLASH, 2025, 12, 31, 23, 59, 0, 0, true},
        {"2/29/2024", ICTUS_DATE_MDY_SLASH, 2024, 2, 29, 0, 0, 0, 0, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t t = -1;
        bool has_time = !cases[i].has_time;
        ictus_walltime_result r = ictus_walltime_parse_as(cases[i].text, cases[i].format, &t,
                                                          &has_time);
        CHECK_MSG(r == ICTUS_WALLTIME_OK, "refused '%s' (format %s): %d", cases[i].text,
                  ictus_date_format_names[cases[i].format], (int)r);
        CHECK_MSG(t == civil(cases[i].y, cases[i].mo, cases[i].d, cases[i].h, cases[i].mi,
                             cases[i].s, cases[i].us),
                  "'%s': wrong time", cases[i].text);
        CHECK_MSG(has_time == cases[i].has_time, "'%s': has_time %d", cases[i].text, has_time);
    }
    /* The ISO-only entry point takes single-digit hours too. */
    int64_t t;
    CHECK(ictus_walltime_parse("2026-01-01 8:00", &t) && t == civil(2026, 1, 1, 8, 0, 0, 0));
}

static void test_refused(void)
{
    static const struct {
        const char *text;
        ictus_date_format format;
        ictus_walltime_result want;
    } cases[] = {
        {"01.06.2025", ICTUS_DATE_ISO, ICTUS_WALLTIME_NEEDS_FORMAT},
        {"1.6.2025 08:00", ICTUS_DATE_ISO, ICTUS_WALLTIME_NEEDS_FORMAT},
        {"06/01/2025", ICTUS_DATE_ISO, ICTUS_WALLTIME_NEEDS_FORMAT},
        {"06/01/2025", ICTUS_DATE_DMY_DOT, ICTUS_WALLTIME_BAD},  /* not the study's form */
        {"01.06.2025", ICTUS_DATE_DMY_SLASH, ICTUS_WALLTIME_BAD},
        {"01.06.2025", ICTUS_DATE_MDY_SLASH, ICTUS_WALLTIME_BAD},
        {"13/01/2025", ICTUS_DATE_MDY_SLASH, ICTUS_WALLTIME_BAD}, /* month 13 */
        {"31.04.2025", ICTUS_DATE_DMY_DOT, ICTUS_WALLTIME_BAD},
        {"29.02.2025", ICTUS_DATE_DMY_DOT, ICTUS_WALLTIME_BAD},
        {"01.06.25", ICTUS_DATE_DMY_DOT, ICTUS_WALLTIME_BAD},    /* two-digit year */
        {"01.06.20250", ICTUS_DATE_DMY_DOT, ICTUS_WALLTIME_BAD},
        {"001.06.2025", ICTUS_DATE_DMY_DOT, ICTUS_WALLTIME_BAD},
        {"01.06/2025", ICTUS_DATE_DMY_DOT, ICTUS_WALLTIME_BAD},
        {"01.06.2025 8", ICTUS_DATE_DMY_DOT, ICTUS_WALLTIME_BAD},
        {"2026-01-01 24:00", ICTUS_DATE_ISO, ICTUS_WALLTIME_BAD},
        {"2026-01-01 8:0", ICTUS_DATE_ISO, ICTUS_WALLTIME_BAD},
        {"2026-01-01 008:00", ICTUS_DATE_ISO, ICTUS_WALLTIME_BAD},
        {"2026-01-01 8:60", ICTUS_DATE_ISO, ICTUS_WALLTIME_BAD},
        {"2026-01-01 ", ICTUS_DATE_ISO, ICTUS_WALLTIME_BAD},
        {"2026-01-01T", ICTUS_DATE_ISO, ICTUS_WALLTIME_BAD},
        {"2026-1-1", ICTUS_DATE_DMY_DOT, ICTUS_WALLTIME_BAD},
        {"2026-01-01x", ICTUS_DATE_ISO, ICTUS_WALLTIME_BAD},
        {"", ICTUS_DATE_DMY_DOT, ICTUS_WALLTIME_BAD},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t t = 42;
        bool has_time = true;
        ictus_walltime_result r = ictus_walltime_parse_as(cases[i].text, cases[i].format, &t,
                                                          &has_time);
        CHECK_MSG(r == cases[i].want, "'%s' (format %s): %d, expected %d", cases[i].text,
                  ictus_date_format_names[cases[i].format], (int)r, (int)cases[i].want);
        CHECK_MSG(t == 42 && has_time, "'%s': outputs touched on failure", cases[i].text);
    }
}

/* ------------------------------------------------------------------------
 * A study's manifests
 * ---------------------------------------------------------------------- */

static void write_study(const char *date_format_line)
{
    char ini[256];
    snprintf(ini, sizeof ini, "[study]\npreset = ihka-mouse\nmains_hz = 50\n%s", date_format_line);
    write_file("study.ini", ini);
    write_file("animals.csv", "animal,model,sex,strain,birth_date,group,notes\n"
                              "m1,IHKA,M,,01.06.2025,A,\n"
                              "m2,IHKA,F,,2025-06-02,A,\n");
    write_file("recordings.csv", "file,animal,start_time\n"
                                 "m1.edf,m1,05.01.2026 8:00\n");
    write_file("dosing.csv", "animal,period,drug,dose_mg_kg,route,start,end\n"
                             "m1,baseline,,,,05.01.2026,08.01.2026 9:30\n");
    write_file("annotations.csv", "animal,start,end\n"
                                  "m1,05.01.2026 10:00,05.01.2026 10:01:30\n");
}

static ictus_study *load(void)
{
    ictus_study *s = NULL;
    ictus_error err = {0};
    CHECK_MSG(ictus_study_load(dir, &s, &err) == ICTUS_OK, "%s", err.msg);
    return s;
}

static bool in_list(const ictus_problems *list, const char *text)
{
    for (int i = 0; i < list->n; i++)
        if (strstr(list->lines[i], text))
            return true;
    return false;
}

/* A rejected field (problems) or one animals.csv keeps unknown (warnings). */
static bool has_problem(const ictus_study *s, const char *text)
{
    return in_list(strstr(text, "(the animal is kept") ? &s->warnings : &s->problems, text);
}

static void test_study_without_format(void)
{
    write_study("");
    ictus_study *s = load();
    if (!s)
        return;
    /* m1 is known (its birth date unknown): only its id decides. */
    const ictus_animal *m1 = ictus_study_animal(s, "m1");
    CHECK(s->n_animals == 2 && m1 && m1->birth_us == ICTUS_TIME_UNKNOWN);
    CHECK(ictus_study_animal(s, "m2")->birth_us == civil(2025, 6, 2, 0, 0, 0, 0));
    char want[512];
    snprintf(want, sizeof want, "%s/animals.csv:2:5 (birth_date): expected a date (YYYY-MM-DD), "
             "got \"01.06.2025\": for day.month.year or month/day/year dates, say which in "
             "study.ini: [study] date_format = DD.MM.YYYY, DD/MM/YYYY or MM/DD/YYYY (the animal "
             "is kept, its birth_date unknown)", dir);
    CHECK_MSG(s->warnings.n == 1 && strcmp(s->warnings.lines[0], want) == 0, "got: %s",
              s->warnings.n ? s->warnings.lines[0] : "(no warning)");
    CHECK_MSG(s->warnings.n == 1 && !strstr(s->warnings.lines[0], "HH:MM"),
              "a birth date does not ask for a time");
    /* The other files' dates are refused the same way, row by row. */
    CHECK(has_problem(s, "/recordings.csv:2:3 (start_time): expected a local date and time "
                         "(YYYY-MM-DD HH:MM[:SS], or the date alone for 00:00), got \"05.01.2026 "
                         "8:00\": for day.month.year"));
    CHECK(has_problem(s, "/dosing.csv:2:6 (start)") && has_problem(s, "/dosing.csv:2:7 (end)"));
    CHECK(has_problem(s, "/annotations.csv:2:2 (start)"));
    CHECK(has_problem(s, "/annotations.csv:2:3 (end)"));
    CHECK_INT(s->problems.n, 5);
    CHECK(s->n_recordings == 0 && m1->n_periods == 0 && s->n_labels == 0);
    ictus_study_destroy(s);
}

static void test_study_with_format(void)
{
    write_study("date_format = DD.MM.YYYY\n");
    ictus_study *s = load();
    if (!s)
        return;
    for (int i = 0; i < s->problems.n; i++)
        CHECK_MSG(false, "unexpected problem: %s", s->problems.lines[i]);
    for (int i = 0; i < s->warnings.n; i++)
        CHECK_MSG(false, "unexpected warning: %s", s->warnings.lines[i]);
    CHECK(s->date_format == ICTUS_DATE_DMY_DOT);
    const ictus_animal *m1 = ictus_study_animal(s, "m1");
    CHECK(m1 && m1->birth_us == civil(2025, 6, 1, 0, 0, 0, 0));
    CHECK(s->n_recordings == 1 && s->recordings[0].start_us == civil(2026, 1, 5, 8, 0, 0, 0));
    CHECK(m1 && m1->n_periods == 1 && m1->periods[0].start_us == civil(2026, 1, 5, 0, 0, 0, 0) &&
          m1->periods[0].end_us == civil(2026, 1, 8, 9, 30, 0, 0));
    CHECK(s->n_labels == 1 && s->labels[0].start_us == civil(2026, 1, 5, 10, 0, 0, 0) &&
          s->labels[0].end_us == civil(2026, 1, 5, 10, 1, 30, 0));
    ictus_study_destroy(s);

    /* Month first: 05.01 written 01/05 is the same day; 01.06.2025 is now refused. */
    write_study("date_format = mm/dd/yyyy\n");
    write_file("recordings.csv", "file,animal,start_time\nm1.edf,m1,01/05/2026 8:00\n");
    s = load();
    if (!s)
        return;
    CHECK(s->n_recordings == 1 && s->recordings[0].start_us == civil(2026, 1, 5, 8, 0, 0, 0));
    CHECK(has_problem(s, "/animals.csv:2:5 (birth_date): expected a date (MM/DD/YYYY or "
                         "YYYY-MM-DD), got \"01.06.2025\" (the animal is kept"));
    ictus_study_destroy(s);
}

static void test_bad_format(void)
{
    write_study("date_format = DD-MM-YY\n");
    ictus_study *s = NULL;
    ictus_error err = {0};
    CHECK(ictus_study_load(dir, &s, &err) == ICTUS_ERR_CONFIG && !s);
    CHECK_MSG(strstr(err.msg, "/study.ini: [study] date_format = DD-MM-YY: expected YYYY-MM-DD, "
                              "DD.MM.YYYY, DD/MM/YYYY or MM/DD/YYYY") != NULL, "%s", err.msg);
}

int main(void)
{
    dir = support_tmpdir("dates");
    test_accepted();
    test_refused();
    test_study_without_format();
    test_study_with_format();
    test_bad_format();
    support_tmpdir_remove(dir);
    return check_done("test_dates");
}
