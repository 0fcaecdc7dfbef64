/* test_study_preset.c: a study's presets, one per animal (protocols/study_preset.h),
 * and the preset look-ups behind them (detectors/preset_find.h).
 *
 *   - which preset each animal gets: its `preset` column first, then study.ini
 *     [presets], then a model naming a preset or listed in a preset's
 *     [preset] models (case ignored), the default for animals without a
 *     model and for unknown ones;
 *   - a model no preset matches, a model [presets] lists under two presets,
 *     a [presets] key or [NAME.SECTION] naming no preset, a [NAME.SECTION]
 *     naming no section: errors naming the animal and its animals.csv line, or
 *     the section, with the closest name;
 *   - the id: +HHHHHH (the parameter hash's first six hex digits) when
 *     study.ini's sections change the parameters, for every preset
 *     ([detector]) or one ([dravet-mouse.detector], which wins over
 *     [detector] whatever their order); not for values equal to the
 *     preset's, nor for mains_hz;
 *   - a typo's closest preset, and the models presets claim.
 */
#include <stdlib.h>
#include <string.h>

#include "detectors/preset_find.h"
#include "protocols/study_preset.h"
#include "base/path.h"
#include "tests/check.h"
#include "tests/support_study.h"
#include "tests/support_tmp.h"

static const char *const head = "[study]\nname = p\npreset = ihka-mouse\nmains_hz = 50\n";

/* Write the study (study.ini = head + ini) and load its presets into *ps;
 * returns the status, with err.  *study is the caller's (NULL on error). */
static ictus_status load(const char *dir, const char *ini, const char *animals,
                         ictus_study **study, ictus_study_presets *ps, ictus_error *err)
{
    char text[2048];
    snprintf(text, sizeof text, "%s%s", head, ini);
    *study = NULL;
    memset(ps, 0, sizeof *ps);
    if (!support_study_write(dir, "study.ini", text) ||
        !support_study_write(dir, "animals.csv", animals))
        return ICTUS_ERR_IO;
    ictus_status st = ictus_study_load(dir, study, err);
    return st == ICTUS_OK ? ictus_study_presets_load(*study, ps, err) : st;
}

static const char *id_of(const ictus_study_presets *ps, const ictus_study *study,
                         const char *animal)
{
    return ictus_study_presets_for(ps, study, animal)->preset.id;
}

/* The id's suffix: "" or "+HHHHHH" (checked to be the hash's digits). */
static const char *suffix(const ictus_preset *p)
{
    const char *plus = strchr(p->id, '+');
    if (!plus)
        return "";
    CHECK_MSG(strlen(plus) == 7 && strncmp(plus + 1, p->hash, 6) == 0, "%s vs hash %s", p->id,
              p->hash);
    return plus;
}

static void test_choice(const char *dir)
{
    ictus_study *study;
    ictus_study_presets ps;
    ictus_error err = {0};
    CHECK_INT(load(dir, "[presets]\nconvulsive-rat = rat, Sham rat\n",
                   "animal,model,preset\nK1,IHKA,\nK2,ihka-mouse,\nD1,scn1a+/-,\nD2,Dravet,\n"
                   "R1,RAT,\nR2,sham rat,\nW1,wild-type,dravet-mouse\nN1,,\n",
                   &study, &ps, &err),
              ICTUS_OK);
    if (!study)
        return;
    CHECK_STR(id_of(&ps, study, "K1"), "ihka-mouse@4");   /* ihka-mouse's models */
    CHECK_STR(id_of(&ps, study, "K2"), "ihka-mouse@4");   /* the preset's name */
    CHECK_STR(id_of(&ps, study, "D1"), "dravet-mouse@2"); /* case ignored */
    CHECK_STR(id_of(&ps, study, "D2"), "dravet-mouse@2");
    CHECK_STR(id_of(&ps, study, "R1"), "convulsive-rat@2"); /* [presets] */
    CHECK_STR(id_of(&ps, study, "R2"), "convulsive-rat@2");
    CHECK_STR(id_of(&ps, study, "W1"), "dravet-mouse@2"); /* the preset column */
    CHECK_STR(id_of(&ps, study, "N1"), "ihka-mouse@4");   /* no model: the default */
    CHECK_STR(id_of(&ps, study, "nobody"), "ihka-mouse@4");
    CHECK_STR(id_of(&ps, study, NULL), "ihka-mouse@4");
    CHECK_INT(ps.n, 3); /* each composed once */
    ictus_strbuf ids = {0}, params = {0};
    ictus_study_presets_describe(&ps, study, &ids, &params);
    CHECK_STR(ictus_strbuf_text(&ids), "ihka-mouse@4, dravet-mouse@2, convulsive-rat@2");
    CHECK(strstr(ictus_strbuf_text(&params), "\nconvulsive-rat:detector.on_ratio=3\n") != NULL);
    ictus_strbuf_free(&ids);
    ictus_strbuf_free(&params);
    ictus_study_presets_free(&ps);
    ictus_study_destroy(study);

    /* one preset: the run records it as before */
    CHECK_INT(load(dir, "", "animal,model\nK1,IHKA\nN1,\n", &study, &ps, &err), ICTUS_OK);
    if (!study)
        return;
    CHECK_INT(ps.n, 1);
    ictus_study_presets_describe(&ps, study, &ids, &params);
    CHECK_STR(ictus_strbuf_text(&ids), "ihka-mouse@4");
    CHECK_STR(ictus_strbuf_text(&params), ps.presets[0].preset.parameters);
    ictus_strbuf_free(&ids);
    ictus_strbuf_free(&params);
    ictus_study_presets_free(&ps);
    ictus_study_destroy(study);
}

/* Loading fails with ICTUS_ERR_CONFIG and a message holding `want`. */
static void check_error(const char *dir, const char *ini, const char *animals, const char *want)
{
    ictus_study *study;
    ictus_study_presets ps;
    ictus_error err = {0};
    CHECK_INT(load(dir, ini, animals, &study, &ps, &err), ICTUS_ERR_CONFIG);
    CHECK_MSG(strstr(err.msg, want) != NULL, "'%s' in '%s'", want, err.msg);
    CHECK(ps.n == 0 && ps.presets == NULL);
    ictus_study_destroy(study);
}

/* Loading succeeds, but `animal` has no preset, with a message holding
 * `want`; the study's other animal K1 (IHKA) has its preset. */
static void check_animal_error(const char *dir, const char *ini, const char *animals,
                               const char *animal, const char *want)
{
    ictus_study *study;
    ictus_study_presets ps;
    ictus_error err = {0};
    CHECK_INT(load(dir, ini, animals, &study, &ps, &err), ICTUS_OK);
    if (!study || !ps.presets)
        return;
    CHECK_MSG(ictus_study_presets_for(&ps, study, animal) == NULL, "%s has no preset", animal);
    const char *why = ictus_study_presets_error(&ps, study, animal);
    CHECK_MSG(why && strstr(why, want) != NULL, "'%s' in '%s'", want, why ? why : "(none)");
    CHECK_INT(ps.n_animal_errors, 1);
    const ictus_study_preset *k1 = ictus_study_presets_for(&ps, study, "K1");
    CHECK(k1 && strcmp(k1->preset.name, "ihka-mouse") == 0);
    CHECK(ictus_study_presets_error(&ps, study, "K1") == NULL);
    ictus_strbuf ids = {0}, params = {0};
    ictus_study_presets_describe(&ps, study, &ids, &params);
    CHECK_STR(ictus_strbuf_text(&ids), "ihka-mouse@4"); /* what the animals use */
    ictus_strbuf_free(&ids);
    ictus_strbuf_free(&params);
    ictus_study_presets_free(&ps);
    ictus_study_destroy(study);
}

static void test_errors(const char *dir)
{
    /* one animal's preset: that animal fails, the others go on */
    check_animal_error(dir, "", "animal,model\nK1,IHKA\nP1,pilocarpine\n", "P1",
                       "animals.csv line 3: animal \"P1\": model \"pilocarpine\" matches no "
                       "preset: name its preset in study.ini [presets]");
    check_animal_error(dir, "[presets]\ndravet-mouse = WT\nihka-mouse = wt\n",
                       "animal,model\nK1,IHKA\nW1,WT\n", "W1",
                       "[presets] lists model \"WT\" (animal \"W1\", animals.csv line 3) under "
                       "both dravet-mouse and ihka-mouse");
    check_animal_error(dir, "", "animal,model,preset\nK1,IHKA,\nK2,IHKA,ihka-mose\n", "K2",
                       "animals.csv line 3: animal \"K2\": preset \"ihka-mose\": no such preset; "
                       "did you mean \"ihka-mouse\"?");
    check_animal_error(dir, "[dravet-mouse.detector]\non_ratio = x\n",
                       "animal,model\nK1,IHKA\nD1,Dravet\n", "D1",
                       "study.ini:6: [detector] on_ratio = 'x'");
    /* the study's settings: nothing runs */
    check_error(dir, "[presets]\ndravet-mose = WT\n", "animal,model\nK1,IHKA\n",
                "study.ini: [presets]: no such preset \"dravet-mose\"; did you mean "
                "\"dravet-mouse\"?");
    check_error(dir, "[dravet-mose.detector]\non_ratio = 3\n", "animal,model\nK1,IHKA\n",
                "study.ini: [dravet-mose.detector]: no such preset \"dravet-mose\"; did you mean "
                "\"dravet-mouse\"?");
    check_error(dir, "[dravet-mouse.detectr]\non_ratio = 3\n", "animal,model\nK1,IHKA\n",
                "study.ini: [dravet-mouse.detectr]: preset dravet-mouse has no section [detectr]");
    check_error(dir, "preset = ihka-mose\n", "animal,model\nK1,IHKA\n",
                "preset \"ihka-mose\": no such preset; did you mean \"ihka-mouse\"?");
    /* a preset that is not a file: one error saying what it is (preset =
     * /dev/zero once read 4 GiB and aborted; a directory said "read error") */
    ictus_study *study;
    ictus_study_presets ps;
    ictus_error err = {0};
    CHECK_INT(load(dir, "preset = /dev/zero\n", "animal,model\nK1,IHKA\n", &study, &ps, &err),
              ICTUS_ERR_IO);
    CHECK_MSG(strstr(err.msg, "preset \"/dev/zero\": /dev/zero: is a character device, not a "
                              "preset file") && !strchr(err.msg, '\n'), "%s", err.msg);
    ictus_study_destroy(study);
    char animals[ICTUS_PATH_MAX + 64], want[ICTUS_PATH_MAX + 64];
    snprintf(animals, sizeof animals, "animal,model,preset\nK1,IHKA,\nK2,IHKA,%s/\n", dir);
    snprintf(want, sizeof want, "%s/: is a directory, not a preset file", dir);
    check_animal_error(dir, "", animals, "K2", want);
}

static void test_ids(const char *dir)
{
    ictus_study *study;
    ictus_study_presets ps;
    ictus_error err = {0};
    const char *animals = "animal,model\nK1,IHKA\nD1,Dravet\n";
    /* [detector] for every preset: both marked */
    CHECK_INT(load(dir, "[detector]\nmerge_gap_s = 5\n", animals, &study, &ps, &err), ICTUS_OK);
    if (study) {
        CHECK(strlen(suffix(&ictus_study_presets_for(&ps, study, "K1")->preset)) == 7);
        CHECK(strlen(suffix(&ictus_study_presets_for(&ps, study, "D1")->preset)) == 7);
        ictus_study_presets_free(&ps);
        ictus_study_destroy(study);
    }
    /* [dravet-mouse.detector] for one, winning over an earlier and a later [detector] */
    CHECK_INT(load(dir, "[dravet-mouse.detector]\non_ratio = 3.5\n[detector]\non_ratio = 2.5\n",
                   animals, &study, &ps, &err),
              ICTUS_OK);
    if (study) {
        const ictus_preset *d = &ictus_study_presets_for(&ps, study, "D1")->preset;
        const ictus_preset *k = &ictus_study_presets_for(&ps, study, "K1")->preset;
        CHECK(d->detector.on_ratio == 3.5 && k->detector.on_ratio == 2.5);
        CHECK(strlen(suffix(d)) == 7 && strlen(suffix(k)) == 7);
        ictus_study_presets_free(&ps);
        ictus_study_destroy(study);
    }
    /* values equal to the presets', and another mains frequency: no mark */
    CHECK_INT(load(dir, "[detector]\nmin_spike_rate = 1\n[dravet-mouse.detector]\non_ratio = 3\n",
                   animals, &study, &ps, &err),
              ICTUS_OK);
    if (study) {
        CHECK_STR(id_of(&ps, study, "K1"), "ihka-mouse@4");
        CHECK_STR(id_of(&ps, study, "D1"), "dravet-mouse@2");
        ictus_study_presets_free(&ps);
        ictus_study_destroy(study);
    }
    support_study_write(dir, "study.ini", "[study]\npreset = ihka-mouse\nmains_hz = 60\n");
    CHECK_INT(ictus_study_load(dir, &study, &err), ICTUS_OK);
    if (study) {
        ictus_study_preset sp;
        CHECK_INT(ictus_study_preset_load_animal(study, "D1", &sp, &err), ICTUS_OK);
        CHECK_STR(sp.preset.id, "dravet-mouse@2");
        CHECK(sp.preset.settings.mains_hz == 60);
        ictus_study_preset_free(&sp);
        ictus_study_destroy(study);
    }
}

static void test_lookups(void)
{
    char msg[1024] = "";
    ictus_preset_suggest("Ihka-mose", msg, sizeof msg);
    const char *want = "; did you mean \"ihka-mouse\"?; the presets are: 6hz-kindling-mouse "
                       "convulsive-rat dravet-mouse human-ieeg ihka-mouse";
    CHECK_MSG(strncmp(msg, want, strlen(want)) == 0, "%s", msg);
    msg[0] = '\0';
    ictus_preset_suggest("pilocarpine", msg, sizeof msg);
    CHECK_MSG(strncmp(msg, "; the presets are: ", 19) == 0, "no suggestion: %s", msg);
    char name[64];
    ictus_error err = {0};
    CHECK_INT(ictus_preset_for_model(" SCN1A+/- ", name, sizeof name, &err), ICTUS_OK);
    CHECK_STR(name, ""); /* white space is trimmed from list items, not from the model */
    CHECK_INT(ictus_preset_for_model("SCN1A+/-", name, sizeof name, &err), ICTUS_OK);
    CHECK_STR(name, "dravet-mouse");
    CHECK_INT(ictus_preset_for_model("intrahippocampal kainate mouse", name, sizeof name, &err),
              ICTUS_OK);
    CHECK_STR(name, "ihka-mouse"); /* its [preset] model */
    CHECK_INT(ictus_preset_for_model("rat", name, sizeof name, &err), ICTUS_OK);
    CHECK_STR(name, "");
    CHECK(ictus_preset_model_listed("b", "a, B ,c") && !ictus_preset_model_listed("b c", "b,c"));
}

int main(void)
{
    setenv("ICTUS_PRESET_DIR", "detectors/presets", 1); /* the tests run from the root */
    char *dir = support_tmpdir("study_preset");
    test_choice(dir);
    test_errors(dir);
    test_ids(dir);
    test_lookups();
    support_tmpdir_remove(dir);
    return check_done("test_study_preset");
}
