/* test_recording_name.c: which file names are recordings, stems, and the
 * default animal (pipeline/source/recording_name.h): one definition that
 * the nightly scan and `ictus score --recordings` share. */
#include <stdbool.h>
#include <string.h>

#include "tests/check.h"
#include "pipeline/source/recording_name.h"

static void test_recording_names(void)
{
    static const struct {
        const char *name;
        bool recording;
    } cases[] = {
        {"m1.edf", true},    {"m1.EDF", true},      {"m1.Edf", true},     {"m1.bdf", true},
        {"m1.rec", true},    {"m1.REC", true},      {"m1.wav", true},     {"m1.flac", true},
        {"m1.Flac", true},   {"m1.rf64", true},     {"m1.W64", true},     {"a.b.edf", true},
        {".m1.edf", false},  {".edf", false},       {"edf", false},       {"m1.edf.part", false},
        {"m1.csv", false},   {"m1.ed", false},      {"m1.edfx", false},   {"", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        CHECK_MSG(ictus_source_is_recording_name(cases[i].name) == cases[i].recording,
                  "'%s' is %sa recording", cases[i].name, cases[i].recording ? "" : "not ");
}

static void test_stems(void)
{
    char out[64];
    ictus_recording_stem("recordings/m1/d1.edf", out, sizeof out);
    CHECK_STR(out, "d1");
    ictus_recording_stem("a.b.flac", out, sizeof out);
    CHECK_STR(out, "a.b");
    ictus_recording_stem("dir/.hidden", out, sizeof out);
    CHECK_STR(out, ".hidden");
    ictus_recording_stem("noext", out, sizeof out);
    CHECK_STR(out, "noext");
    ictus_recording_stem("x/abcdefgh.edf", out, 5);
    CHECK_STR(out, "abcd");
}

static void test_default_animal(void)
{
    ictus_recording_info info;
    memset(&info, 0, sizeof info);
    char out[64];
    info.path = "recordings/rat7_day1.edf";
    snprintf(info.patient, sizeof info.patient, "RAT3 M 01-JAN-2020 Rat_3");
    ictus_recording_default_animal(&info, out, sizeof out);
    CHECK_STR(out, "RAT3");
    snprintf(info.patient, sizeof info.patient, "X X X X");
    ictus_recording_default_animal(&info, out, sizeof out);
    CHECK_STR(out, "rat7_day1");
    info.patient[0] = '\0';
    ictus_recording_default_animal(&info, out, sizeof out);
    CHECK_STR(out, "rat7_day1");
}

int main(void)
{
    test_recording_names();
    test_stems();
    test_default_animal();
    return check_done("test_recording_name");
}
