/* train.c: labelled candidates, cross-validation by animal, the final model, the figures. */
#include "detectors/learned/train.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/csvout.h"
#include "base/vec.h"
#include "detectors/learned/cand_features.h"
#include "detectors/learned/second_stage.h"

/* Bins of the calibration error. */
#define ECE_BINS 10

typedef struct {
    double start_s, end_s;
    int cls;                 /* -1: a type the classes lack */
} truth_event;

typedef struct {
    int animal;
    char *name;
    double duration_s;
    bool partial;
    truth_event *truth;
    int n_truth;
    size_t cap_truth;
    ictus_interval *neg;
    int n_neg;
    size_t cap_neg;
} recording;

typedef struct {
    int rec;
    double start_s, end_s;
    int rule;
    int label;               /* class, -1: left out */
} candidate;

struct ictus_train_set {
    int n_classes;
    char *classes[ICTUS_MODEL_MAX_CLASSES];
    char **animals;
    int n_animals;
    size_t cap_animals;
    recording *recs;
    int n_recs;
    size_t cap_recs;
    candidate *cands;
    float *x;                /* [n * ICTUS_CF_N] */
    size_t n, cap, cap_x;
    double *oof;             /* [n * n_classes]: out-of-fold probabilities, NULL before CV */
    size_t *by_rec;          /* [n]: candidate indices grouped by recording (set by label) */
    size_t *rec_start;       /* [n_recs + 1]: recording r's are by_rec[rec_start[r] ..
                                rec_start[r + 1]) */
    int *fold;               /* [n] */
};

ictus_train_set *ictus_train_set_create(int n_classes, const char *const *classes)
{
    ictus_train_set *s = ictus_xcalloc(1, sizeof *s);
    s->n_classes = n_classes;
    for (int c = 0; c < n_classes; c++)
        s->classes[c] = ictus_xstrdup(classes[c]);
    return s;
}

void ictus_train_set_destroy(ictus_train_set *s)
{
    if (!s)
        return;
    for (int c = 0; c < s->n_classes; c++)
        free(s->classes[c]);
    for (int a = 0; a < s->n_animals; a++)
        free(s->animals[a]);
    for (int r = 0; r < s->n_recs; r++) {
        free(s->recs[r].name);
        free(s->recs[r].truth);
        free(s->recs[r].neg);
    }
    free(s->animals);
    free(s->recs);
    free(s->cands);
    free(s->x);
    free(s->oof);
    free(s->fold);
    free(s->by_rec);
    free(s->rec_start);
    free(s);
}

static int class_of(const ictus_train_set *s, const char *type)
{
    for (int c = 1; c < s->n_classes; c++)
        if (strcmp(s->classes[c], type) == 0)
            return c;
    return -1;
}

int ictus_train_set_recording(ictus_train_set *s, const char *animal, const char *name,
                              double duration_s, bool partial)
{
    int a = 0;
    while (a < s->n_animals && strcmp(s->animals[a], animal) != 0)
        a++;
    if (a == s->n_animals) {
        ICTUS_GROW(s->animals, s->n_animals + 1, s->cap_animals);
        s->animals[s->n_animals++] = ictus_xstrdup(animal);
    }
    ICTUS_GROW(s->recs, s->n_recs + 1, s->cap_recs);
    s->recs[s->n_recs] = (recording){.animal = a, .name = ictus_xstrdup(name),
                                     .duration_s = duration_s, .partial = partial};
    return s->n_recs++;
}

void ictus_train_set_truth(ictus_train_set *s, int rec, double start_s, double end_s,
                           const char *type)
{
    recording *r = &s->recs[rec];
    ICTUS_GROW(r->truth, r->n_truth + 1, r->cap_truth);
    r->truth[r->n_truth++] = (truth_event){start_s, end_s, class_of(s, type)};
}

void ictus_train_set_negative(ictus_train_set *s, int rec, double start_s, double end_s)
{
    recording *r = &s->recs[rec];
    ICTUS_GROW(r->neg, r->n_neg + 1, r->cap_neg);
    r->neg[r->n_neg++] = (ictus_interval){start_s, end_s};
}

void ictus_train_set_candidate(ictus_train_set *s, int rec, double start_s, double end_s,
                               const float *x, int rule)
{
    ICTUS_GROW(s->cands, s->n + 1, s->cap);
    ICTUS_GROW(s->x, (s->n + 1) * ICTUS_CF_N, s->cap_x);
    s->cands[s->n] = (candidate){rec, start_s, end_s, rule, -1};
    memcpy(s->x + s->n * ICTUS_CF_N, x, ICTUS_CF_N * sizeof(float));
    s->n++;
}

static double overlap(double a0, double a1, double b0, double b1)
{
    double lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;
    return hi > lo ? hi - lo : 0;
}

/* Group the candidates by recording (a counting sort, in their order), so
 * that scoring reads each recording's candidates only. */
static void group_by_recording(ictus_train_set *s)
{
    free(s->by_rec);
    free(s->rec_start);
    s->by_rec = ictus_xcalloc(s->n + 1, sizeof(size_t));
    s->rec_start = ictus_xcalloc((size_t)s->n_recs + 1, sizeof(size_t));
    for (size_t i = 0; i < s->n; i++)
        s->rec_start[s->cands[i].rec + 1]++;
    for (int r = 0; r < s->n_recs; r++)
        s->rec_start[r + 1] += s->rec_start[r];
    size_t *next = ictus_xcalloc((size_t)s->n_recs + 1, sizeof(size_t));
    memcpy(next, s->rec_start, (size_t)s->n_recs * sizeof(size_t));
    for (size_t i = 0; i < s->n; i++)
        s->by_rec[next[s->cands[i].rec]++] = i;
    free(next);
}

void ictus_train_set_label(ictus_train_set *s)
{
    group_by_recording(s);
    for (size_t i = 0; i < s->n; i++) {
        candidate *c = &s->cands[i];
        const recording *r = &s->recs[c->rec];
        double best = 0;
        int cls = 0;
        bool touched = false;
        for (int e = 0; e < r->n_truth; e++) {
            double o = overlap(c->start_s, c->end_s, r->truth[e].start_s, r->truth[e].end_s);
            if (o > 0)
                touched = true;
            if (o > best && r->truth[e].cls > 0) {
                best = o;
                cls = r->truth[e].cls;
            }
        }
        bool rejected = false;
        for (int e = 0; e < r->n_neg; e++)
            rejected |= overlap(c->start_s, c->end_s, r->neg[e].start_s, r->neg[e].end_s) > 0;
        if (cls > 0)
            c->label = cls;
        else if (touched)
            c->label = -1; /* only types the classes lack */
        else if (r->partial && !rejected)
            c->label = -1; /* nobody said what it is */
        else
            c->label = 0;
    }
}

void ictus_train_set_summary(const ictus_train_set *s, ictus_train_summary *out)
{
    *out = (ictus_train_summary){.n_animals = s->n_animals, .n_recordings = s->n_recs,
                                 .n_candidates = (int64_t)s->n};
    for (int r = 0; r < s->n_recs; r++) {
        out->hours += s->recs[r].duration_s / 3600;
        out->n_truth += s->recs[r].n_truth;
        for (int e = 0; e < s->recs[r].n_truth; e++) {
            bool proposed = false;
            for (size_t j = s->rec_start[r]; j < s->rec_start[r + 1] && !proposed; j++) {
                const candidate *c = &s->cands[s->by_rec[j]];
                proposed = overlap(c->start_s, c->end_s, s->recs[r].truth[e].start_s,
                                   s->recs[r].truth[e].end_s) > 0;
            }
            out->n_truth_unproposed += !proposed;
        }
    }
    for (size_t i = 0; i < s->n; i++)
        if (s->cands[i].label >= 0) {
            out->n_labelled++;
            out->per_class[s->cands[i].label]++;
        }
}

/* ------------------------------------------------------------------------
 * Training
 * ------------------------------------------------------------------------ */

/* Train on the labelled candidates whose fold is not `skip` (-1: all). */
static ictus_status train_on(const ictus_train_set *s, const ictus_model_train_params *tp,
                             int skip, ictus_model **out, ictus_error *err)
{
    float *x = ictus_xcalloc(s->n * ICTUS_CF_N + 1, sizeof(float));
    int *y = ictus_xcalloc(s->n + 1, sizeof(int));
    float *w = ictus_xcalloc(s->n + 1, sizeof(float));
    size_t n = 0, count[ICTUS_MODEL_MAX_CLASSES] = {0};
    for (size_t i = 0; i < s->n; i++) {
        if (s->cands[i].label < 0 || (skip >= 0 && s->fold[i] == skip))
            continue;
        memcpy(x + n * ICTUS_CF_N, s->x + i * ICTUS_CF_N, ICTUS_CF_N * sizeof(float));
        y[n++] = s->cands[i].label;
        count[s->cands[i].label]++;
    }
    /* Seizures are rare among candidates (convulsive ones rarest): each class
     * weighs sqrt(candidates of none / its own), so that a few dozen
     * convulsive seizures still shape the trees; the calibration, fitted
     * afterwards on what the model says, undoes the shift in probability. */
    for (size_t i = 0; i < n; i++)
        w[i] = y[i] > 0 && count[y[i]] > 0 && count[0] > count[y[i]]
                   ? (float)sqrt((double)count[0] / (double)count[y[i]])
                   : 1.0f;
    ictus_status st = ictus_model_train(tp, x, y, w, n, ICTUS_CF_N, ictus_cand_feature_names,
                                        s->n_classes, (const char *const *)s->classes, out, err);
    free(x);
    free(y);
    free(w);
    return st;
}

/* ------------------------------------------------------------------------
 * Scoring
 * ------------------------------------------------------------------------ */

/* Events of one way of deciding: per candidate the class it became (0: no
 * event). */
static void score_events(const ictus_train_set *s, const int *event_cls,
                         const ictus_score_params *sp, ictus_train_scores *out)
{
    memset(out, 0, sizeof *out);
    out->min_animal_f1 = NAN;
    ictus_score_counts *animal = ictus_xcalloc((size_t)s->n_animals, sizeof *animal);
    ictus_interval *ref = ictus_xcalloc(1, sizeof *ref), *hyp = ictus_xcalloc(1, sizeof *hyp);
    size_t cap_ref = 1, cap_hyp = 1;
    for (int r = 0; r < s->n_recs; r++) {
        const recording *rec = &s->recs[r];
        for (int c = 0; c < s->n_classes; c++) { /* c 0: every type together */
            size_t n_ref = 0, n_hyp = 0;
            for (int e = 0; e < rec->n_truth; e++)
                if (c == 0 || rec->truth[e].cls == c) {
                    ICTUS_GROW(ref, n_ref + 1, cap_ref);
                    ref[n_ref++] = (ictus_interval){rec->truth[e].start_s, rec->truth[e].end_s};
                }
            for (size_t j = s->rec_start[r]; j < s->rec_start[r + 1]; j++) {
                size_t i = s->by_rec[j];
                if (event_cls[i] > 0 && (c == 0 || event_cls[i] == c)) {
                    ICTUS_GROW(hyp, n_hyp + 1, cap_hyp);
                    hyp[n_hyp++] = (ictus_interval){s->cands[i].start_s, s->cands[i].end_s};
                }
            }
            if (rec->partial)
                continue; /* partial labels: no event-level figures */
            ictus_score_counts k;
            ictus_score_events(ref, n_ref, hyp, n_hyp, rec->duration_s, sp, &k);
            ictus_score_counts_add(&out->per_class[c], &k);
            if (c == 0)
                ictus_score_counts_add(&animal[rec->animal], &k);
        }
    }
    for (int a = 0; a < s->n_animals; a++) {
        double f1 = ictus_score_metrics_of(&animal[a]).f1;
        if (isfinite(f1) && !(f1 >= out->min_animal_f1)) {
            out->min_animal_f1 = f1;
            snprintf(out->min_animal, sizeof out->min_animal, "%s", s->animals[a]);
        }
    }
    free(animal);
    free(ref);
    free(hyp);
}

/* The class candidate i became under the rules alone (0: none). */
static int rules_class(const ictus_train_set *s, const ictus_detector_params *p, size_t i)
{
    int rule = s->cands[i].rule;
    return rule >= 0 ? class_of(s, p->type[rule].name) : 0;
}

static void count_candidates(const ictus_train_set *s, const int *event_cls,
                             ictus_candidate_counts *out)
{
    *out = (ictus_candidate_counts){0};
    for (size_t i = 0; i < s->n; i++) {
        int label = s->cands[i].label, got = event_cls[i];
        if (label < 0)
            continue;
        out->tp += label > 0 && got == label;
        out->fp += got > 0 && got != label;
        out->fn += label > 0 && got != label;
    }
}

/* Score both ways; event_cls: the model's classes per candidate. */
static void score_both(const ictus_train_set *s, const ictus_detector_params *p,
                       const ictus_score_params *sp, const int *event_cls,
                       ictus_train_report *out)
{
    int *rules = ictus_xcalloc(s->n + 1, sizeof(int));
    for (size_t i = 0; i < s->n; i++) {
        rules[i] = rules_class(s, p, i);
        if (rules[i] < 0)
            rules[i] = s->n_classes; /* a type the classes lack: an event of its own kind */
    }
    count_candidates(s, event_cls, &out->model_candidates);
    count_candidates(s, rules, &out->rules_candidates);
    ictus_score_params szcore;
    ictus_score_params_default(&szcore);
    score_events(s, event_cls, sp, &out->model);
    score_events(s, rules, sp, &out->rules);
    score_events(s, event_cls, &szcore, &out->model_szcore);
    score_events(s, rules, &szcore, &out->rules_szcore);
    free(rules);
}

/* The report of one way of deciding: the calibration error of the n scored
 * candidates' scores against whether their class was right, and the events
 * (event_cls per candidate) scored beside the rules'. */
static void finish_report(const ictus_train_set *s, const ictus_detector_params *p,
                          const ictus_score_params *sp, const int *event_cls,
                          const double *score, const int *correct, size_t n,
                          ictus_train_report *out)
{
    out->ece = ictus_calibration_error(score, correct, n, ECE_BINS);
    out->n_scored = (int64_t)n;
    score_both(s, p, sp, event_cls, out);
}

/* ------------------------------------------------------------------------
 * Cross-validation
 * ------------------------------------------------------------------------ */

/* Deal the animals into k folds in a seeded random order. */
static void deal_folds(ictus_train_set *s, int k, unsigned seed)
{
    int *order = ictus_xcalloc((size_t)s->n_animals, sizeof(int));
    for (int a = 0; a < s->n_animals; a++)
        order[a] = a;
    uint64_t state = seed * 0x9e3779b97f4a7c15ull + 1;
    for (int a = s->n_animals - 1; a > 0; a--) { /* Fisher-Yates with a splitmix step */
        state += 0x9e3779b97f4a7c15ull;
        uint64_t z = state;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        z ^= z >> 31;
        int j = (int)(z % (uint64_t)(a + 1));
        int t = order[a];
        order[a] = order[j];
        order[j] = t;
    }
    int *fold_of = ictus_xcalloc((size_t)s->n_animals, sizeof(int));
    for (int i = 0; i < s->n_animals; i++)
        fold_of[order[i]] = i % k;
    free(s->fold);
    s->fold = ictus_xcalloc(s->n + 1, sizeof(int));
    for (size_t i = 0; i < s->n; i++)
        s->fold[i] = fold_of[s->recs[s->cands[i].rec].animal];
    free(order);
    free(fold_of);
}

/* Fit m's calibration on the labelled out-of-fold candidates outside fold
 * `skip` (-1: all), choosing as the detector would. */
static void calibrate_on(const ictus_train_set *s, const ictus_detector_params *p,
                         ictus_model *m, int skip)
{
    double *pr = ictus_xcalloc(s->n + 1, sizeof(double));
    int *ok = ictus_xcalloc(s->n + 1, sizeof(int));
    size_t n = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (s->cands[i].label < 0 || (skip >= 0 && s->fold[i] == skip))
            continue;
        ictus_verdict v;
        ictus_second_stage_choose(p, m, s->oof + i * s->n_classes, s->x + i * ICTUS_CF_N,
                                  &v);
        if (v.cls < 0)
            continue;
        pr[n] = v.p_raw;
        ok[n++] = v.cls == s->cands[i].label;
    }
    ictus_model_fit_calibration(m, pr, ok, n);
    free(pr);
    free(ok);
}

ictus_status ictus_train_cross_validate(ictus_train_set *s, const ictus_detector_params *p,
                                        const ictus_score_params *sp,
                                        const ictus_model_train_params *tp, int folds,
                                        ictus_train_report *out, ictus_error *err)
{
    memset(out, 0, sizeof *out);
    int labelled_animals = 0;
    for (int a = 0; a < s->n_animals; a++) {
        bool any = false;
        for (size_t i = 0; i < s->n && !any; i++)
            any = s->cands[i].label >= 0 && s->recs[s->cands[i].rec].animal == a;
        labelled_animals += any;
    }
    if (labelled_animals < 2)
        return ictus_fail(err, ICTUS_ERR_CONFIG, "cross-validation by animal needs labelled "
                          "candidates of at least 2 animals (have %d)", labelled_animals);
    int k = folds < s->n_animals ? folds : s->n_animals;
    if (k < 2)
        k = 2;
    deal_folds(s, k, tp->seed);
    free(s->oof);
    s->oof = ictus_xcalloc(s->n * (size_t)s->n_classes + 1, sizeof(double));
    ictus_model **models = ictus_xcalloc((size_t)k, sizeof *models);
    ictus_status st = ICTUS_OK;
    for (int f = 0; f < k && st == ICTUS_OK; f++) {
        st = train_on(s, tp, f, &models[f], err);
        for (size_t i = 0; i < s->n && st == ICTUS_OK; i++)
            if (s->fold[i] == f)
                st = ictus_model_predict(models[f], s->x + i * ICTUS_CF_N, 1,
                                         s->oof + i * s->n_classes, err);
    }
    if (st == ICTUS_OK) {
        int *event_cls = ictus_xcalloc(s->n + 1, sizeof(int));
        double *score = ictus_xcalloc(s->n + 1, sizeof(double));
        int *correct = ictus_xcalloc(s->n + 1, sizeof(int));
        size_t n_scored = 0;
        for (int f = 0; f < k; f++)
            calibrate_on(s, p, models[f], f);
        for (size_t i = 0; i < s->n; i++) {
            ictus_verdict v;
            ictus_second_stage_choose(p, models[s->fold[i]], s->oof + i * s->n_classes,
                                      s->x + i * ICTUS_CF_N, &v);
            event_cls[i] = v.rule >= 0 ? v.cls : 0;
            if (v.cls >= 0 && s->cands[i].label >= 0) {
                score[n_scored] = v.score;
                correct[n_scored++] = v.cls == s->cands[i].label;
            }
        }
        finish_report(s, p, sp, event_cls, score, correct, n_scored, out);
        free(event_cls);
        free(score);
        free(correct);
    }
    for (int f = 0; f < k; f++)
        ictus_model_free(models[f]);
    free(models);
    return st;
}

ictus_status ictus_train_evaluate(ictus_train_set *s, const ictus_detector_params *p,
                                  const ictus_score_params *sp, ictus_train_report *out,
                                  ictus_error *err)
{
    memset(out, 0, sizeof *out);
    const ictus_model *m = p->classifier;
    free(s->oof);
    free(s->fold);
    s->oof = ictus_xcalloc(s->n * (size_t)s->n_classes + 1, sizeof(double));
    s->fold = ictus_xcalloc(s->n + 1, sizeof(int));
    int *event_cls = ictus_xcalloc(s->n + 1, sizeof(int));
    double *score = ictus_xcalloc(s->n + 1, sizeof(double));
    int *correct = ictus_xcalloc(s->n + 1, sizeof(int));
    size_t n_scored = 0;
    ictus_status st = ICTUS_OK;
    for (size_t i = 0; i < s->n && st == ICTUS_OK; i++) {
        double prob[ICTUS_MODEL_MAX_CLASSES];
        st = ictus_model_predict(m, s->x + i * ICTUS_CF_N, 1, prob, err);
        if (st != ICTUS_OK)
            break;
        for (int c = 0; c < s->n_classes; c++) { /* by name: the model's order may differ */
            int k = ictus_model_class_index(m, s->classes[c]);
            s->oof[i * s->n_classes + c] = k >= 0 ? prob[k] : 0;
        }
        ictus_verdict v;
        ictus_second_stage_choose(p, m, prob, s->x + i * ICTUS_CF_N, &v);
        /* the model's class names index the set's classes by name */
        event_cls[i] = v.rule >= 0 ? class_of(s, ictus_model_class_name(m, v.cls)) : 0;
        if (v.cls >= 0 && s->cands[i].label >= 0) {
            score[n_scored] = v.score;
            correct[n_scored++] = class_of(s, ictus_model_class_name(m, v.cls)) ==
                                  s->cands[i].label;
        }
    }
    if (st == ICTUS_OK)
        finish_report(s, p, sp, event_cls, score, correct, n_scored, out);
    free(event_cls);
    free(score);
    free(correct);
    return st;
}

ictus_status ictus_train_final(ictus_train_set *s, const ictus_detector_params *p,
                               const ictus_model_train_params *tp, ictus_model **out,
                               ictus_error *err)
{
    ictus_status st = train_on(s, tp, -1, out, err);
    if (st == ICTUS_OK && s->oof)
        calibrate_on(s, p, *out, -1);
    return st;
}

ictus_status ictus_train_set_write_csv(const ictus_train_set *s, const ictus_detector_params *p,
                                       const char *path, ictus_error *err)
{
    ictus_out o = {0};
    ictus_status st = ictus_out_open(&o, path, err);
    if (st != ICTUS_OK)
        return st;
    ictus_out_str(&o, "recording,animal,start_s,end_s,rule,label,fold");
    for (int c = 0; c < s->n_classes; c++)
        ictus_out_printf(&o, ",p_%s", s->classes[c]);
    for (int j = 0; j < ICTUS_CF_N; j++)
        ictus_out_printf(&o, ",%s", ictus_cand_feature_names[j]);
    ictus_out_char(&o, '\n');
    for (size_t i = 0; i < s->n; i++) {
        const candidate *c = &s->cands[i];
        const recording *r = &s->recs[c->rec];
        ictus_out_field(&o, r->name);
        ictus_out_char(&o, ',');
        ictus_out_field(&o, s->animals[r->animal]);
        ictus_out_char(&o, ',');
        ictus_out_fixed(&o, c->start_s, 3);
        ictus_out_char(&o, ',');
        ictus_out_fixed(&o, c->end_s, 3);
        ictus_out_char(&o, ',');
        ictus_out_field(&o, c->rule >= 0 ? p->type[c->rule].name : "");
        ictus_out_char(&o, ',');
        ictus_out_field(&o, c->label >= 0 ? s->classes[c->label] : "");
        ictus_out_char(&o, ',');
        if (s->oof)
            ictus_out_int(&o, s->fold[i]);
        for (int k = 0; k < s->n_classes; k++) {
            ictus_out_char(&o, ',');
            if (s->oof)
                ictus_out_double(&o, s->oof[i * s->n_classes + k], 6);
        }
        for (int j = 0; j < ICTUS_CF_N; j++) {
            ictus_out_char(&o, ',');
            float v = s->x[i * ICTUS_CF_N + j];
            if (isfinite(v))
                ictus_out_double(&o, v, 7);
        }
        ictus_out_char(&o, '\n');
    }
    return ictus_out_close(&o, err);
}

/* ------------------------------------------------------------------------
 * The report
 * ------------------------------------------------------------------------ */

static void print_row(FILE *f, const char *name, const ictus_score_counts *m,
                      const ictus_score_counts *r)
{
    ictus_score_metrics a = ictus_score_metrics_of(m), b = ictus_score_metrics_of(r);
    fprintf(f, "  %-12s %6lld %5lld %5lld  %5.3f %7.2f   %6lld %5lld %5lld  %5.3f %7.2f\n", name,
            (long long)m->tp, (long long)m->fp, (long long)m->fn, a.f1, a.fp_per_24h,
            (long long)r->tp, (long long)r->fp, (long long)r->fn, b.f1, b.fp_per_24h);
}

static void print_scores(const ictus_train_set *s, const char *title, const ictus_train_scores *m,
                         const ictus_train_scores *r, FILE *f)
{
    fprintf(f, "%s\n  %-12s %6s %5s %5s  %5s %7s   %6s %5s %5s  %5s %7s\n", title, "type", "TP",
            "FP", "FN", "F1", "FP/24h", "TP", "FP", "FN", "F1", "FP/24h");
    for (int c = 1; c < s->n_classes; c++)
        print_row(f, s->classes[c], &m->per_class[c], &r->per_class[c]);
    print_row(f, "all", &m->per_class[0], &r->per_class[0]);
    fprintf(f, "  %-12s %26.3f (%s) %19.3f (%s)\n", "worst animal", m->min_animal_f1,
            m->min_animal, r->min_animal_f1, r->min_animal);
}

static double f1_of(const ictus_candidate_counts *c)
{
    int64_t d = 2 * c->tp + c->fp + c->fn;
    return d ? 2.0 * (double)c->tp / (double)d : NAN;
}

void ictus_train_report_print(const ictus_train_set *s, const ictus_train_report *r, FILE *f)
{
    const ictus_candidate_counts *m = &r->model_candidates, *k = &r->rules_candidates;
    fprintf(f, "labelled candidates: learned TP %lld FP %lld FN %lld F1 %.3f; rules alone TP "
            "%lld FP %lld FN %lld F1 %.3f\n", (long long)m->tp, (long long)m->fp,
            (long long)m->fn, f1_of(m), (long long)k->tp, (long long)k->fp, (long long)k->fn,
            f1_of(k));
    bool partial = false;
    for (int i = 0; i < s->n_recs; i++)
        partial |= s->recs[i].partial;
    if (partial)
        fprintf(f, "(reviewed recordings have partial labels: they count above, not in the "
                "event tables)\n");
    fprintf(f, "%-15s %36s   %34s\n", "", "learned", "rules alone");
    print_scores(s, "the preset's tolerances:", &r->model, &r->rules, f);
    print_scores(s, "SzCORE defaults:", &r->model_szcore, &r->rules_szcore, f);
    fprintf(f, "calibration: expected calibration error %.3f over %lld candidates (%d bins)\n",
            r->ece, (long long)r->n_scored, ECE_BINS);
}
