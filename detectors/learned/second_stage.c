/* second_stage.c: the learned stage's verdict on a candidate (second_stage.h). */
#include "detectors/learned/second_stage.h"

#include <math.h>
#include <string.h>

#include "detectors/learned/cand_features.h"

/* How many deciding features --explain names. */
#define N_DECIDING 4

void ictus_second_stage_choose(const ictus_detector_params *p, const ictus_model *m,
                               const double *prob, const float *x, ictus_verdict *v)
{
    *v = (ictus_verdict){.rule = -1, .cls = -1, .n_classes = ictus_model_n_classes(m)};
    memcpy(v->prob, prob, (size_t)v->n_classes * sizeof(double));
    int best_rule = -1;
    char why[224] = "";
    for (int c = 1; c < v->n_classes; c++) {
        const char *name = ictus_model_class_name(m, c);
        for (int t = 0; t < p->n_types; t++) {
            if (strcmp(p->type[t].name, name) != 0)
                continue;
            char not_this[96];
            if (!ictus_type_definition_fits(&p->type[t], x[ICTUS_CF_DURATION],
                                            x[ICTUS_CF_EMG_FRACTION],
                                            x[ICTUS_CF_PRIMARY_INVOLVED] > 0.5, not_this,
                                            sizeof not_this)) {
                snprintf(why + strlen(why), sizeof why - strlen(why), "%s%s: %s",
                         why[0] ? "; " : "", name, not_this);
                continue;
            }
            if (v->cls < 0 || prob[c] > prob[v->cls]) {
                v->cls = c;
                best_rule = t;
            }
        }
    }
    if (v->cls < 0) {
        snprintf(v->reason, sizeof v->reason, "fits no type the model knows (%s)", why);
        return;
    }
    v->p_raw = prob[v->cls];
    v->score = (1 - ICTUS_SCORE_TIE_BREAK) * ictus_model_calibrate(m, v->p_raw) +
               ICTUS_SCORE_TIE_BREAK * v->p_raw;
    if (v->score < p->min_score) {
        snprintf(v->reason, sizeof v->reason, "%s score %.3f < min_score %g (none %.3f)",
                 p->type[best_rule].name, v->score, p->min_score, prob[0]);
        return;
    }
    v->rule = best_rule;
}

ictus_status ictus_second_stage_decide(const ictus_detector_params *p,
                                       const ictus_event_measures *m, const float *x,
                                       ictus_verdict *v, ictus_error *err)
{
    (void)m;
    double prob[ICTUS_MODEL_MAX_CLASSES];
    ictus_status st = ictus_model_predict(p->classifier, x, 1, prob, err);
    if (st != ICTUS_OK) {
        *v = (ictus_verdict){.rule = -1, .cls = -1};
        return st;
    }
    ictus_second_stage_choose(p, p->classifier, prob, x, v);
    return ICTUS_OK;
}

void ictus_second_stage_explain(const ictus_detector_params *p, const float *x,
                                const ictus_verdict *v, FILE *f)
{
    const ictus_model *model = p->classifier;
    fprintf(f, "  model:");
    for (int c = 0; c < v->n_classes; c++)
        fprintf(f, " %s %.3f", ictus_model_class_name(model, c), v->prob[c]);
    if (v->rule >= 0)
        fprintf(f, " -> %s, score %.3f (raw %.3f)", p->type[v->rule].name, v->score, v->p_raw);
    else
        fprintf(f, " -> dropped (%s)", v->reason);
    int cls = v->rule >= 0 ? v->cls : 0;
    double contrib[ICTUS_CF_N + 1];
    ictus_error err;
    if (ictus_model_contributions(model, x, cls, contrib, &err) == ICTUS_OK) {
        fprintf(f, "; deciding for %s:", ictus_model_class_name(model, cls));
        bool used[ICTUS_CF_N] = {false};
        for (int r = 0; r < N_DECIDING; r++) {
            int top = -1;
            for (int j = 0; j < ICTUS_CF_N; j++)
                if (!used[j] && (top < 0 || fabs(contrib[j]) > fabs(contrib[top])))
                    top = j;
            used[top] = true;
            fprintf(f, " %s=%.3g (%+.2f)", ictus_cand_feature_names[top], x[top], contrib[top]);
        }
    }
    fprintf(f, "\n  features:");
    for (int j = 0; j < ICTUS_CF_N; j++)
        fprintf(f, " %s=%.4g", ictus_cand_feature_names[j], x[j]);
    fputc('\n', f);
}
