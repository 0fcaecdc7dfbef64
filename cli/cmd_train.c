/* cmd_train.c: `ictus train`: the learned second stage of a preset, trained
 * on labelled studies and cross-validated by animal; or a model scored on
 * studies it never saw (--evaluate). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "detectors/learned/model.h"
#include "detectors/learned/train.h"
#include "protocols/study.h"
#include "protocols/study_preset.h"
#include "protocols/training.h"

static const char usage_text[] =
    "usage: ictus train [options] STUDY_DIR... [-o MODEL.json]\n"
    "Train the learned second stage (the model that decides on the rules' candidates) on\n"
    "labelled studies, cross-validated by animal (no animal in its own training data);\n"
    "prints per-type F1 and false positives per 24 h of the model beside the rules alone,\n"
    "with the preset's tolerances and SzCORE's, and the calibration error.\n"
    "  -o, --output FILE     write the model trained on everything (name it in the preset:\n"
    "                        [classifier] model = FILE); without -o: measure only\n"
    "  -p, --preset P        the preset whose rules propose (default: the first study's)\n"
    "  -c, --config FILE     settings overrides;  --set SECTION.KEY=VALUE\n"
    "  --from L              labels: truth (STUDY/truth.csv), annotations (annotations.csv),\n"
    "                        reviews (the decisions in ictus.db) or auto (default: the\n"
    "                        first of these the study has)\n"
    "  --folds K             cross-validation folds, dealt by animal (default 5)\n"
    "  --seed S              the deal and the boosting (default 1): same data, same model\n"
    "  --rounds N, --depth N, --eta X   boosting rounds (300), tree depth (4), rate (0.08)\n"
    "  --model-version N     the version written in the model (default 1)\n"
    "  --note TEXT           a note kept in the model (what it was trained on, why)\n"
    "  --evaluate MODEL      train nothing: score MODEL on the studies beside the rules\n"
    "  --candidates FILE     write every candidate (label, out-of-fold probabilities,\n"
    "                        features) as CSV\n"
    "  -j, --jobs N          worker threads per recording (default 2)\n";

enum { OPT_FROM = 2000, OPT_FOLDS, OPT_SEED, OPT_ROUNDS, OPT_DEPTH, OPT_ETA, OPT_EVALUATE,
       OPT_MODEL_VERSION, OPT_CANDIDATES, OPT_NOTE };

typedef struct {
    cli_settings cs;
    const char *output, *evaluate, *candidates, *note;
    ictus_training_options topt;
    ictus_model_train_params tp;
    int folds, model_version;
} train_args;

/* The preset: --preset (with --config/--set), else the first study's. */
static ictus_status load_preset(train_args *a, const char *first_study, ictus_preset *out,
                                ictus_error *err)
{
    if (a->cs.preset)
        return cli_preset_load(&a->cs, out, err);
    ictus_study *study;
    ictus_status st = ictus_study_load(first_study, &study, err);
    if (st != ICTUS_OK)
        return st;
    ictus_study_preset sp;
    st = ictus_study_preset_load(study, &sp, err);
    ictus_study_destroy(study);
    if (st != ICTUS_OK)
        return st;
    *out = sp.preset; /* the preset moves out; the stimulation list is not needed */
    memset(&sp.preset, 0, sizeof sp.preset);
    ictus_study_preset_free(&sp);
    return ICTUS_OK;
}

static void print_summary(const ictus_train_set *set, const ictus_preset *p)
{
    ictus_train_summary s;
    ictus_train_set_summary(set, &s);
    printf("train: %s (%s): %d animals, %d recordings, %.1f h; %lld candidates, %lld labelled "
           "(none %lld", p->id, p->hash, s.n_animals, s.n_recordings, s.hours,
           (long long)s.n_candidates, (long long)s.n_labelled, (long long)s.per_class[0]);
    for (int t = 0; t < p->detector.n_types; t++)
        printf(", %s %lld", p->detector.type[t].name, (long long)s.per_class[t + 1]);
    printf("); %lld reference events, %lld of them proposed by no candidate\n",
           (long long)s.n_truth, (long long)s.n_truth_unproposed);
}

/* Write the model with its provenance and cross-validated figures. */
static ictus_status save_model(const train_args *a, ictus_model *m, const ictus_preset *p,
                               const ictus_train_report *r, int n_studies, char **studies,
                               ictus_error *err)
{
    char text[1024];
    ictus_model_set_meta(m, "preset", p->id);
    ictus_model_set_meta(m, "rules_hash", p->hash);
    snprintf(text, sizeof text, "%d", a->model_version);
    ictus_model_set_meta(m, "version", text);
    ictus_model_set_meta(m, "program", ICTUS_VERSION);
    if (a->note)
        ictus_model_set_meta(m, "note", a->note);
    size_t len = 0;
    text[0] = '\0';
    for (int i = 0; i < n_studies && len < sizeof text; i++)
        len += (size_t)snprintf(text + len, sizeof text - len, "%s%s", i ? " " : "", studies[i]);
    ictus_model_set_meta(m, "trained_on", text);
    ictus_score_metrics all = ictus_score_metrics_of(&r->model.per_class[0]);
    snprintf(text, sizeof text, "F1 %.3f, %.2f FP/24h (the preset's tolerances), ECE %.3f, "
             "%d folds by animal", all.f1, all.fp_per_24h, r->ece, a->folds);
    ictus_model_set_meta(m, "cross_validation", text);
    return ictus_model_save(m, a->output, err);
}

static ictus_status train(train_args *a, int n_studies, char **studies, bool *problems,
                          ictus_error *err)
{
    ictus_preset preset = {0};
    ictus_status st = load_preset(a, studies[0], &preset, err);
    if (st != ICTUS_OK) {
        ictus_preset_free(&preset);
        return cli_config_failure(err);
    }
    const char *classes[ICTUS_MODEL_MAX_CLASSES] = {"none"};
    int n_classes = 1;
    for (int t = 0; t < preset.detector.n_types && n_classes < ICTUS_MODEL_MAX_CLASSES; t++)
        classes[n_classes++] = preset.detector.type[t].name;
    ictus_train_set *set = ictus_train_set_create(n_classes, classes);
    for (int i = 0; i < n_studies && st == ICTUS_OK; i++) {
        int n_problems;
        st = ictus_training_add_study(set, studies[i], &preset, &a->topt, &n_problems, err);
        *problems |= n_problems > 0;
    }
    ictus_model *eval = NULL, *model = NULL;
    ictus_detector_params p = preset.detector;
    ictus_train_report r;
    if (st == ICTUS_OK) {
        ictus_train_set_label(set);
        print_summary(set, &preset);
        if (a->evaluate) {
            st = ictus_model_load(a->evaluate, &eval, err);
            p.classifier = eval;
            if (st == ICTUS_OK)
                st = ictus_train_evaluate(set, &p, &preset.score, &r, err);
            if (st == ICTUS_OK)
                printf("model %s (%s), on these studies:\n", a->evaluate, ictus_model_hash(eval));
        } else {
            st = ictus_train_cross_validate(set, &p, &preset.score, &a->tp, a->folds, &r, err);
            if (st == ICTUS_OK)
                printf("cross-validation by animal:\n");
        }
    }
    if (st == ICTUS_OK)
        ictus_train_report_print(set, &r, stdout);
    if (st == ICTUS_OK && a->candidates)
        st = ictus_train_set_write_csv(set, &p, a->candidates, err);
    if (st == ICTUS_OK && a->output && !a->evaluate) {
        st = ictus_train_final(set, &p, &a->tp, &model, err);
        if (st == ICTUS_OK)
            st = save_model(a, model, &preset, &r, n_studies, studies, err);
        if (st == ICTUS_OK)
            printf("model: %s (%s)\n", a->output, ictus_model_hash(model));
    }
    ictus_model_free(model);
    ictus_model_free(eval);
    ictus_train_set_destroy(set);
    ictus_preset_free(&preset);
    if (st == ICTUS_ERR_CONFIG)
        return cli_config_failure(err);
    return st == ICTUS_OK ? ICTUS_OK : cli_work_failure(err);
}

static bool parse_int(const char *s, int lo, int hi, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < lo || v > hi)
        return false;
    *out = (int)v;
    return true;
}

static ictus_status run_train(int argc, char **argv, ictus_error *err)
{
    static const struct option longopts[] = {
        CLI_SETTINGS_LONGOPTS,
        {"output", required_argument, NULL, 'o'}, {"from", required_argument, NULL, OPT_FROM},
        {"folds", required_argument, NULL, OPT_FOLDS}, {"seed", required_argument, NULL, OPT_SEED},
        {"rounds", required_argument, NULL, OPT_ROUNDS},
        {"depth", required_argument, NULL, OPT_DEPTH}, {"eta", required_argument, NULL, OPT_ETA},
        {"evaluate", required_argument, NULL, OPT_EVALUATE},
        {"model-version", required_argument, NULL, OPT_MODEL_VERSION},
        {"candidates", required_argument, NULL, OPT_CANDIDATES},
        {"note", required_argument, NULL, OPT_NOTE},
        {"jobs", required_argument, NULL, 'j'},
        {"help", no_argument, NULL, OPT_HELP}, {NULL, 0, NULL, 0},
    };
    train_args a = {.folds = 5, .model_version = 1, .topt = {.threads = 2, .log = stderr}};
    cli_settings_init(&a.cs);
    ictus_model_train_defaults(&a.tp);
    bool bad = false;
    int opt, seed = 1;
    while ((opt = getopt_long(argc, argv, "o:p:c:j:h", longopts, NULL)) != -1) {
        if (cli_settings_option(&a.cs, opt, optarg))
            continue;
        switch (opt) {
        case 'o':
            a.output = optarg;
            break;
        case OPT_FROM:
            if (!strcmp(optarg, "auto"))
                a.topt.labels = ICTUS_LABELS_AUTO;
            else if (!strcmp(optarg, "truth"))
                a.topt.labels = ICTUS_LABELS_TRUTH;
            else if (!strcmp(optarg, "annotations"))
                a.topt.labels = ICTUS_LABELS_ANNOTATIONS;
            else if (!strcmp(optarg, "reviews"))
                a.topt.labels = ICTUS_LABELS_REVIEWS;
            else
                bad = cli_usage_error(err, "--from '%s': expected auto, truth, annotations or "
                                      "reviews", optarg) != ICTUS_OK;
            break;
        case OPT_FOLDS:
            bad |= !parse_int(optarg, 2, 100, &a.folds) &&
                   cli_usage_error(err, "--folds '%s': expected 2..100", optarg) != ICTUS_OK;
            break;
        case OPT_SEED:
            bad |= !parse_int(optarg, 0, 1 << 30, &seed) &&
                   cli_usage_error(err, "--seed '%s': expected a whole number", optarg) != ICTUS_OK;
            a.tp.seed = (unsigned)seed;
            break;
        case OPT_ROUNDS:
            bad |= !parse_int(optarg, 1, 100000, &a.tp.rounds) &&
                   cli_usage_error(err, "--rounds '%s': expected 1..100000", optarg) != ICTUS_OK;
            break;
        case OPT_DEPTH:
            bad |= !parse_int(optarg, 1, 16, &a.tp.max_depth) &&
                   cli_usage_error(err, "--depth '%s': expected 1..16", optarg) != ICTUS_OK;
            break;
        case OPT_ETA:
            a.tp.eta = strtod(optarg, NULL);
            bad |= !(a.tp.eta > 0 && a.tp.eta <= 1) &&
                   cli_usage_error(err, "--eta '%s': expected 0 < X <= 1", optarg) != ICTUS_OK;
            break;
        case OPT_EVALUATE:
            a.evaluate = optarg;
            break;
        case OPT_CANDIDATES:
            a.candidates = optarg;
            break;
        case OPT_NOTE:
            a.note = optarg;
            break;
        case OPT_MODEL_VERSION:
            bad |= !parse_int(optarg, 1, 1000000, &a.model_version) &&
                   cli_usage_error(err, "--model-version '%s': expected 1..", optarg) != ICTUS_OK;
            break;
        case 'j':
            bad |= !parse_int(optarg, 1, 256, &a.topt.threads) &&
                   cli_usage_error(err, "--jobs '%s': expected 1..256", optarg) != ICTUS_OK;
            break;
        case OPT_HELP:
            fputs(usage_text, stdout);
            cli_settings_free(&a.cs);
            return ICTUS_OK;
        default:
            bad = true;
        }
    }
    ictus_status st;
    if (bad)
        st = cli_bad_command_line(err);
    else if (optind >= argc)
        st = cli_usage_error(err, "no study directory given");
    else if (a.evaluate && a.output)
        st = cli_usage_error(err, "--evaluate trains nothing: no -o with it");
    else {
        bool problems = false;
        st = train(&a, argc - optind, argv + optind, &problems, err);
        if (st == ICTUS_OK && problems)
            st = cli_problems_reported(err);
    }
    cli_settings_free(&a.cs);
    return st;
}

const cli_verb cli_verb_train = {
    "train", run_train,
    "STUDY_DIR... [-o MODEL.json]   train the learned stage on labelled studies", usage_text};
