/* cmd_synth.c: `ictus synth`: a synthetic study directory of multi-day
 * rodent video-EEG recordings with their ground truth (synth/study_writer.h), and
 * optionally a drug study with its true responses (synth/drug_plan.h). */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "base/walltime.h"
#include "synth/families.h"
#include "synth/ranges.h"
#include "synth/study_writer.h"

static const char usage_text[] =
    "usage: ictus synth --model M [options] -o DIR\n"
    "Make a study directory of synthetic rodent EEG recordings with ground truth:\n"
    "recordings/, animals.csv, recordings.csv, study.ini, truth.csv (every seizure),\n"
    "artefacts.csv (every hard negative) and, for 6 Hz kindling, stimulations.csv.\n"
    "  -m, --model M       ihka-mouse, dravet-mouse, 6hz-kindling-mouse or convulsive-rat\n"
    "  -o, --output DIR    the study directory (created if missing)\n"
    "  -n, --animals N     animals (default 4)\n"
    "  -d, --days D        files per animal, consecutive (default 2)\n"
    "  -s, --seed S        random seed: the same seed gives the same bytes (default 1)\n"
    "  --fs HZ             sampling rate, whole Hz (default 500)\n"
    "  --channels N        leads per animal: HPC, CTX, HPC2, CTX2, ... (default 2)\n"
    "  --hours H           length of each file in hours (default 24)\n"
    "  --start T           start of the first files (default 2026-01-05T08:00:00)\n"
    "  -f, --format F      edf (EDF+, default) or flac\n"
    "  --gaps              make every third file EDF+D with telemetry gaps\n"
    "  --mains HZ          mains frequency of the hum, 50 (default) or 60\n"
    "  -j, --jobs N        files generated in parallel (default: all cores)\n"
    "  --negatives K       hard negatives: usual (default) or wide: also randomised\n"
    "                      morphology families (harmonic grooming/chewing with muscle\n"
    "                      bursts, interictal spike bursts, strong theta, movement,\n"
    "                      spindles and high-voltage spindles, pops, clipping), each\n"
    "                      row of artefacts.csv with the parameters drawn (a column\n"
    "                      params); the usual files are unchanged by the option\n"
    "  --seizures K        seizure morphologies: usual (default) or wide: randomised\n"
    "                      families of every spontaneous seizure type (onset pattern,\n"
    "                      spike rate and its evolution, spike shape, amplitude, leads,\n"
    "                      duration, muscle; synth/ictal.h), each seizure's family and\n"
    "                      parameters in seizures.csv (truth.csv as always)\n"
    "  --families LIST     keep only these wide families (comma-separated names, a\n"
    "                      trailing * for a prefix: 'grooming_wide,hpd_*'); the rest\n"
    "                      are drawn, then left out, so the kept ones do not change\n"
    "  --without-families LIST   leave these wide families out (drawn, then dropped)\n"
    "  --family-range FAMILY.PARAM=LO:HI   draw a wide family's parameter in [LO, HI]\n"
    "                      only, a part of its range (repeatable; a trailing * on FAMILY\n"
    "                      for a prefix): 'grooming_wide.f0_hz=3:7', 'hpd_*.f0_hz=1.5:3.5'.\n"
    "                      The same draws mapped onto the sub-range: the other\n"
    "                      parameters and families do not change.  PARAM: dur_s (pop_wide:\n"
    "                      tau_s), f0_hz, amp_uv and grooming_wide's muscle_ratio for the\n"
    "                      negative families; f0_hz, amp_rms and train_s (HPD) or dur_s\n"
    "                      for the seizure families (synth/ranges.h)\n"
    "  --rate TYPE=R       the median rate of spontaneous seizures of TYPE per 24 h\n"
    "                      (e.g. convulsive=10; the model's range of animals' rates is\n"
    "                      scaled alike): training data with more of a rare type\n"
    "Drug study (dosing.csv, study.ini [drugs], responses.csv: the true class of every\n"
    "animal under each drug; data-samples/README.md):\n"
    "  --protocol asm      baseline, asm-a, washout, asm-b, with planned per-animal effects;\n"
    "                      the periods set the number of files (no --days)\n"
    "  --protocol dm       disease modification: baseline, dmt-a (or a one-time\n"
    "                      cell-transplant intervention), washout, follow-up as long as\n"
    "                      --drug; effects that persist, stop at withdrawal or do nothing;\n"
    "                      true classes in disease_modification_truth.csv (synth/dm_plan.h)\n"
    "  --baseline T, --drug T, --washout T   period lengths, e.g. 7d or 12h, each a whole\n"
    "                      number of files (defaults 7d, 7d, 2d; --washout 0 for none)\n"
    "  --min-rate R        lift animals with fewer than R seizures per 24 h (first seizure\n"
    "                      type) to R in every period (default 0: rates as drawn)\n"
    "  --responder-sex F|M both drugs work in that sex only (responders), not in the other\n"
    "                      (non-responders); sexes alternate F, M, ... (responses.csv role\n"
    "                      sex_responder / sex_unaffected)\n"
    "Hyperthermia sessions (Dravet; synth/thermo_plan.h):\n"
    "  --protocol hyperthermia   every file (--hours, default 0.75) an induction: a\n"
    "                      temperature channel TEMP (degC) ramped +0.5 C every 2 min to\n"
    "                      42.5 C, a seizure at each animal's planned threshold,\n"
    "                      vehicle and stiripentol sessions alternating (dosing.csv),\n"
    "                      the planned thresholds in hyperthermia_truth.csv\n"
    "Status epilepticus (synth/status_epilepticus.h):\n"
    "  --status-epilepticus N   N episodes per animal (truth.csv type status_epilepticus,\n"
    "                      the whole episode): 12-25 min of continuous HPD-like discharge\n"
    "                      in ihka-mouse, 6-12 min of recurrent convulsive seizures without\n"
    "                      return to baseline in the rat and Dravet models (files >= 1.5 h)\n"
    "Deaths:\n"
    "  --deaths            animals die (synth/deaths.h): some SUDEP minutes after a GTCS,\n"
    "                      some of other causes; animals.csv death, death_cause, the plan\n"
    "                      in deaths.csv; recording stops at death\n";

enum { OPT_FS = 1100, OPT_HOURS, OPT_GAPS, OPT_MAINS, OPT_PROTOCOL, OPT_BASELINE, OPT_DRUG,
       OPT_WASHOUT, OPT_MIN_RATE, OPT_NEGATIVES, OPT_SEIZURES, OPT_FAMILIES,
       OPT_WITHOUT_FAMILIES, OPT_FAMILY_RANGE, OPT_RATE, OPT_KINDLING_DOSES, OPT_ED50, OPT_TD50,
       OPT_PROBIT_SLOPE, OPT_DEATHS, OPT_SE, OPT_RESPONDER_SEX };

/* A number that is the whole argument; false (the message recorded in err
 * with cli_usage_error()) otherwise. */
static bool parse_double(const char *opt, const char *arg, double *out, ictus_error *err)
{
    char *end;
    errno = 0;
    double v = strtod(arg, &end);
    if (errno || end == arg || *end) {
        cli_usage_error(err, "--%s '%s': expected a number", opt, arg);
        return false;
    }
    *out = v;
    return true;
}

static bool parse_int(const char *opt, const char *arg, int *out, ictus_error *err)
{
    char *end;
    errno = 0;
    long v = strtol(arg, &end, 10);
    if (errno || end == arg || *end || v < -1000000 || v > 1000000) {
        cli_usage_error(err, "--%s '%s': expected a whole number", opt, arg);
        return false;
    }
    *out = (int)v;
    return true;
}

/* A period length: a number >= 0 and a unit, d or h ("7d", "12h"), into
 * whole seconds. */
static bool parse_duration(const char *opt, const char *arg, int64_t *out_s, ictus_error *err)
{
    char *end;
    errno = 0;
    double v = strtod(arg, &end);
    double unit_s = !strcmp(end, "d") ? 86400 : !strcmp(end, "h") ? 3600 : 0;
    if (errno || end == arg || !(v >= 0 && v <= 1e5) || (unit_s == 0 && !(v == 0 && !*end))) {
        cli_usage_error(err, "--%s '%s': expected a length such as 7d or 12h", opt, arg);
        return false;
    }
    *out_s = llround(v * unit_s);
    return true;
}

static bool parse_seed(const char *arg, uint64_t *out, ictus_error *err)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(arg, &end, 10);
    if (errno || end == arg || *end || arg[0] == '-') {
        cli_usage_error(err, "--seed '%s': expected a whole number 0..18446744073709551615", arg);
        return false;
    }
    *out = (uint64_t)v;
    return true;
}

/* Whether every family of `set` belongs to a group made wide (the message,
 * naming option --opt, in err if not). */
static bool check_wide(const ictus_synth_study *s, const char *opt, uint64_t set,
                       ictus_error *err)
{
    for (int f = 0; f < ICTUS_SYNTH_N_FAMILIES; f++) {
        bool negative = f < ICTUS_SYNTH_N_NEGATIVE_FAMILIES;
        bool wide = negative ? s->negatives == ICTUS_SYNTH_NEGATIVES_WIDE
                             : s->seizures == ICTUS_SYNTH_SEIZURES_WIDE;
        if ((set >> f & 1) && !wide) {
            cli_usage_error(err, "--%s: %s needs %s wide", opt, ictus_synth_family_name(f),
                            negative ? "--negatives" : "--seizures");
            return false;
        }
    }
    return true;
}

/* s->families_off from --families (keep only) or --without-families
 * (leave out); each named family must belong to a group made wide. */
static bool select_families(ictus_synth_study *s, const char *families, const char *without,
                            ictus_error *err)
{
    if (families && without) {
        cli_usage_error(err, "--families and --without-families: give one of them");
        return false;
    }
    const char *opt = families ? "families" : "without-families";
    uint64_t set;
    if (ictus_synth_families_parse(families ? families : without, &set, err) != ICTUS_OK) {
        char why[sizeof err->msg];
        snprintf(why, sizeof why, "%s", err->msg);
        err->status = ICTUS_OK; /* the message again, naming the option */
        cli_usage_error(err, "--%s: %s", opt, why);
        return false;
    }
    if (!check_wide(s, opt, set, err))
        return false;
    uint64_t all = (UINT64_C(1) << ICTUS_SYNTH_N_FAMILIES) - 1;
    s->families_off = families ? all & ~set : set;
    return true;
}

/* --rate TYPE=R: *copy becomes s->model with the median rate of TYPE (one of
 * the model's spontaneous seizure types) set to R and its animals' range
 * scaled alike; the name, hence every random stream, stays the model's. */
static bool set_rate(ictus_synth_study *s, ictus_synth_model *copy, const char *arg,
                     ictus_error *err)
{
    const char *eq = strchr(arg, '=');
    char *end = NULL;
    double r = eq ? strtod(eq + 1, &end) : 0;
    if (!eq || eq == arg || end == eq + 1 || *end || !(r > 0 && r <= 1000)) {
        cli_usage_error(err, "--rate '%s': expected TYPE=R, R seizures per 24 h in (0, 1000]",
                        arg);
        return false;
    }
    if (s->model != copy)
        *copy = *s->model;
    for (int k = 0; k < copy->n_seizures; k++) {
        ictus_synth_seizure_spec *spec = &copy->seizures[k];
        const char *name = ictus_synth_kinds[spec->kind].name;
        if (strlen(name) == (size_t)(eq - arg) && !strncmp(name, arg, (size_t)(eq - arg))) {
            double f = r / spec->per_day;
            spec->per_day = r;
            spec->per_day_min *= f;
            spec->per_day_max *= f;
            s->model = copy;
            return true;
        }
    }
    cli_usage_error(err, "--rate '%s': %s has no spontaneous seizures of type '%.*s'", arg,
                    copy->name, (int)(eq - arg), arg);
    return false;
}

/* --kindling-doses: "3,10,30" into d->doses (checked by the plan). */
static bool parse_doses(const char *arg, ictus_synth_kindling_doses *d, ictus_error *err)
{
    d->n_doses = 0;
    const char *p = arg;
    while (*p) {
        char *end;
        errno = 0;
        double v = strtod(p, &end);
        if (end == p || errno || (*end && *end != ',') || d->n_doses == ICTUS_SYNTH_MAX_DOSES) {
            cli_usage_error(err, "--kindling-doses '%s': expected up to %d doses in mg/kg, "
                            "comma-separated", arg, ICTUS_SYNTH_MAX_DOSES);
            return false;
        }
        d->doses[d->n_doses++] = v;
        p = *end ? end + 1 : end;
    }
    return true;
}

static ictus_status run_synth(int argc, char **argv, ictus_error *err)
{
    static const struct option longopts[] = {
        {"model", required_argument, NULL, 'm'}, {"output", required_argument, NULL, 'o'},
        {"animals", required_argument, NULL, 'n'}, {"days", required_argument, NULL, 'd'},
        {"seed", required_argument, NULL, 's'}, {"fs", required_argument, NULL, OPT_FS},
        {"channels", required_argument, NULL, OPT_CHANNELS},
        {"hours", required_argument, NULL, OPT_HOURS}, {"start", required_argument, NULL, OPT_START},
        {"format", required_argument, NULL, 'f'}, {"gaps", no_argument, NULL, OPT_GAPS},
        {"mains", required_argument, NULL, OPT_MAINS}, {"jobs", required_argument, NULL, 'j'},
        {"protocol", required_argument, NULL, OPT_PROTOCOL},
        {"baseline", required_argument, NULL, OPT_BASELINE},
        {"drug", required_argument, NULL, OPT_DRUG},
        {"washout", required_argument, NULL, OPT_WASHOUT},
        {"min-rate", required_argument, NULL, OPT_MIN_RATE},
        {"negatives", required_argument, NULL, OPT_NEGATIVES},
        {"seizures", required_argument, NULL, OPT_SEIZURES},
        {"families", required_argument, NULL, OPT_FAMILIES},
        {"without-families", required_argument, NULL, OPT_WITHOUT_FAMILIES},
        {"family-range", required_argument, NULL, OPT_FAMILY_RANGE},
        {"rate", required_argument, NULL, OPT_RATE},
        {"kindling-doses", required_argument, NULL, OPT_KINDLING_DOSES},
        {"ed50", required_argument, NULL, OPT_ED50}, {"td50", required_argument, NULL, OPT_TD50},
        {"probit-slope", required_argument, NULL, OPT_PROBIT_SLOPE},
        {"deaths", no_argument, NULL, OPT_DEATHS},
        {"status-epilepticus", required_argument, NULL, OPT_SE},
        {"responder-sex", required_argument, NULL, OPT_RESPONDER_SEX},
        {"help", no_argument, NULL, OPT_HELP}, {NULL, 0, NULL, 0},
    };
    ictus_synth_protocol protocol = {.baseline_s = 7 * 86400, .drug_s = 7 * 86400,
                                     .washout_s = 2 * 86400};
    bool days_given = false, hours_given = false;
    ictus_synth_study s = {.n_animals = 4, .n_days = 2, .seed = 1, .fs_hz = 500, .n_channels = 2,
                           .hours = 24, .format = ICTUS_SYNTH_EDF, .mains_hz = 50,
                           .n_threads = cli_cpu_count(),
                           .start_us = ictus_walltime_from_civil(2026, 1, 5, 8, 0, 0, 0)};
    const char *dir = NULL, *families = NULL, *without = NULL, *rates[8];
    ictus_synth_ranges ranges = {0};
    ictus_synth_kindling_doses kdoses = {.ed50 = 15, .td50 = 60, .slope = 3};
    uint64_t ranged = 0; /* the families --family-range restricts */
    int n_rates = 0;
    ictus_synth_model custom;
    bool ok = true;
    int opt;
    while ((opt = getopt_long(argc, argv, "m:o:n:d:s:f:j:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'm':
            s.model = ictus_synth_model_find(optarg);
            if (!s.model) {
                cli_usage_error(err, "--model '%s': expected one of %s", optarg,
                                ictus_synth_model_names());
                ok = false;
            }
            break;
        case 'o': dir = optarg; break;
        case 'n': ok &= parse_int("animals", optarg, &s.n_animals, err); break;
        case 'd':
            ok &= parse_int("days", optarg, &s.n_days, err);
            days_given = true;
            break;
        case 's': ok &= parse_seed(optarg, &s.seed, err); break;
        case OPT_FS: ok &= parse_double("fs", optarg, &s.fs_hz, err); break;
        case OPT_CHANNELS: ok &= parse_int("channels", optarg, &s.n_channels, err); break;
        case OPT_HOURS:
            ok &= parse_double("hours", optarg, &s.hours, err);
            hours_given = true;
            break;
        case OPT_MAINS: ok &= parse_double("mains", optarg, &s.mains_hz, err); break;
        case 'j': ok &= parse_int("jobs", optarg, &s.n_threads, err); break;
        case OPT_GAPS: s.gaps = true; break;
        case OPT_DEATHS: s.deaths = true; break;
        case OPT_PROTOCOL:
            if (strcmp(optarg, "hyperthermia") == 0) {
                s.hyperthermia = true;
                break;
            }
            if (strcmp(optarg, "asm") != 0 && strcmp(optarg, "dm") != 0) {
                cli_usage_error(err, "--protocol '%s': expected asm, dm or hyperthermia", optarg);
                ok = false;
            }
            protocol.design = !strcmp(optarg, "dm") ? ICTUS_SYNTH_DESIGN_DM
                                                    : ICTUS_SYNTH_DESIGN_ASM;
            s.protocol = &protocol;
            break;
        case OPT_BASELINE:
            ok &= parse_duration("baseline", optarg, &protocol.baseline_s, err);
            break;
        case OPT_DRUG: ok &= parse_duration("drug", optarg, &protocol.drug_s, err); break;
        case OPT_WASHOUT: ok &= parse_duration("washout", optarg, &protocol.washout_s, err); break;
        case OPT_RESPONDER_SEX:
            if (strcmp(optarg, "F") != 0 && strcmp(optarg, "M") != 0) {
                cli_usage_error(err, "--responder-sex '%s': expected F or M", optarg);
                ok = false;
            }
            protocol.responder_sex = optarg[0];
            break;
        case OPT_NEGATIVES:
            if (!strcmp(optarg, "wide") || !strcmp(optarg, "usual")) {
                s.negatives = !strcmp(optarg, "wide") ? ICTUS_SYNTH_NEGATIVES_WIDE
                                                      : ICTUS_SYNTH_NEGATIVES_USUAL;
            } else {
                cli_usage_error(err, "--negatives '%s': expected usual or wide", optarg);
                ok = false;
            }
            break;
        case OPT_SEIZURES:
            if (!strcmp(optarg, "wide") || !strcmp(optarg, "usual")) {
                s.seizures = !strcmp(optarg, "wide") ? ICTUS_SYNTH_SEIZURES_WIDE
                                                     : ICTUS_SYNTH_SEIZURES_USUAL;
            } else {
                cli_usage_error(err, "--seizures '%s': expected usual or wide", optarg);
                ok = false;
            }
            break;
        case OPT_FAMILIES: families = optarg; break;
        case OPT_WITHOUT_FAMILIES: without = optarg; break;
        case OPT_FAMILY_RANGE:
            if (ictus_synth_ranges_add(&ranges, optarg, &ranged, err) != ICTUS_OK) {
                char why[sizeof err->msg];
                snprintf(why, sizeof why, "%s", err->msg);
                err->status = ICTUS_OK; /* the message again, naming the option */
                cli_usage_error(err, "--family-range %s", why);
                ok = false;
            }
            s.ranges = &ranges;
            break;
        case OPT_RATE:
            if (n_rates < (int)(sizeof rates / sizeof rates[0])) {
                rates[n_rates++] = optarg;
            } else {
                cli_usage_error(err, "--rate: at most %d", (int)(sizeof rates / sizeof rates[0]));
                ok = false;
            }
            break;
        case OPT_KINDLING_DOSES:
            ok &= parse_doses(optarg, &kdoses, err);
            s.kindling_doses = &kdoses;
            break;
        case OPT_ED50: ok &= parse_double("ed50", optarg, &kdoses.ed50, err); break;
        case OPT_TD50: ok &= parse_double("td50", optarg, &kdoses.td50, err); break;
        case OPT_PROBIT_SLOPE:
            ok &= parse_double("probit-slope", optarg, &kdoses.slope, err);
            break;
        case OPT_SE: ok &= parse_int("status-epilepticus", optarg, &s.n_se, err); break;
        case OPT_MIN_RATE:
            ok &= parse_double("min-rate", optarg, &protocol.min_rate_per_24h, err);
            break;
        case OPT_START:
            if (!ictus_walltime_parse(optarg, &s.start_us)) {
                cli_usage_error(err, "--start '%s': expected YYYY-MM-DDTHH:MM:SS", optarg);
                ok = false;
            }
            break;
        case 'f':
            if (!strcmp(optarg, "edf"))
                s.format = ICTUS_SYNTH_EDF;
            else if (!strcmp(optarg, "flac"))
                s.format = ICTUS_SYNTH_FLAC;
            else {
                cli_usage_error(err, "--format '%s': expected edf or flac", optarg);
                ok = false;
            }
            break;
        case OPT_HELP: fputs(usage_text, stdout); return ICTUS_OK;
        default: ok = false;
        }
    }
    if (ok && (!s.model || !dir || optind < argc)) {
        cli_usage_error(err,
                        !s.model ? "--model is required"
                        : !dir   ? "-o DIR is required"
                                 : "unexpected argument '%s'",
                        optind < argc ? argv[optind] : "");
        ok = false;
    }
    if (ok && s.protocol && days_given) {
        cli_usage_error(err,
                        "--days and --protocol: the protocol's periods set the number of files");
        ok = false;
    }
    if (ok && s.hyperthermia && !hours_given)
        s.hours = 0.75; /* a session: the ramp, the seizure and the cooling */
    if (ok && protocol.responder_sex && !s.protocol) {
        cli_usage_error(err, "--responder-sex needs --protocol asm");
        ok = false;
    }
    if (ok && (families || without))
        ok = select_families(&s, families, without, err);
    if (ok && ranged)
        ok = check_wide(&s, "family-range", ranged, err);
    for (int i = 0; ok && i < n_rates; i++) /* after --model, wherever it was given */
        ok = set_rate(&s, &custom, rates[i], err);
    if (!ok)
        return cli_bad_command_line(err);
    /* (not whole files: n_days stays, and the check says what is wrong) */
    if (s.protocol && ictus_synth_protocol_files(&protocol, s.hours) > 0)
        s.n_days = ictus_synth_protocol_files(&protocol, s.hours);
    ictus_status st = ictus_synth_study_check(&s, err);
    if (st == ICTUS_OK)
        st = ictus_synth_study_write(&s, dir, err);
    if (st != ICTUS_OK) /* a usage status here is a bad combination of values: no usage text */
        return st == ICTUS_ERR_USAGE ? cli_config_failure(err) : cli_work_failure(err);
    printf("%s: %d animals x %d files of %g h (%s, %g Hz, %d channels), seed %" PRIu64 "\n", dir,
           s.n_animals, s.n_days, s.hours, ictus_synth_format_ext(s.format), s.fs_hz,
           s.n_channels, s.seed);
    if (s.protocol && protocol.design == ICTUS_SYNTH_DESIGN_DM)
        printf("%s: disease-modification study: dosing.csv, true classes in "
               "disease_modification_truth.csv\n", dir);
    else if (s.protocol)
        printf("%s: drug study: dosing.csv, study.ini [drugs], true responses in responses.csv\n",
               dir);
    if (s.hyperthermia)
        printf("%s: hyperthermia sessions: TEMP channel, dosing.csv, planned thresholds in "
               "hyperthermia_truth.csv\n", dir);
    if (s.kindling_doses)
        printf("%s: kindling drug sessions: dosing.csv, planned ED50/TD50 in dose_plan.csv\n",
               dir);
    return ICTUS_OK;
}

const cli_verb cli_verb_synth = {
    "synth", run_synth,
    "--model M [--animals N] [--days D] [--seed S] -o DIR   demo/test recordings + truth",
    usage_text};
