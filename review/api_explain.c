/* api_explain.c: the review API's explanation: the detector's account of each candidate event. */
#include "review/api.h"
#include "review/api_json.h"
#include "review/api_recording.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"
#include "base/vec.h"
#include "detectors/recording_detection.h"
#include "protocols/study_preset.h"

/* One candidate's line of the explanation. */
typedef struct {
    double start_s, end_s;
    char *text;
} candidate;

/* A recording's explanation: the cached item. */
typedef struct {
    candidate *items;
    int n, cap;
    double compute_ms;
    bool served;     /* answered once: later answers report compute_ms 0 */
} explanation;

void ictus_review_explanation_free(void *item)
{
    explanation *x = item;
    if (!x)
        return;
    for (int i = 0; i < x->n; i++)
        free(x->items[i].text);
    free(x->items);
    free(x);
}

/* What making an explanation needs: the open recording and the study's preset. */
typedef struct {
    ictus_source *src;
    const ictus_study_preset *sp;
    const char *recording;
} explain_ctx;

/* Keep the "candidate A-B s ..." lines of the detector's text, each with
 * the indented lines that follow it (the learned stage's verdict). */
static void parse_candidates(explanation *x, char *text)
{
    char *rest = NULL;
    for (char *line = strtok_r(text, "\n", &rest); line; line = strtok_r(NULL, "\n", &rest)) {
        double a, b;
        if (line[0] == ' ' && x->n > 0) {
            char **t = &x->items[x->n - 1].text;
            size_t len = strlen(*t), add = strlen(line);
            *t = ictus_xrealloc(*t, len + add + 2);
            (*t)[len] = '\n';
            memcpy(*t + len + 1, line, add + 1);
            continue;
        }
        if (sscanf(line, "candidate %lf-%lf s", &a, &b) != 2)
            continue;
        ICTUS_GROW(x->items, x->n + 1, x->cap);
        x->items[x->n++] = (candidate){a, b, ictus_xstrdup(line)};
    }
}

/* Run the detection over the whole recording: the cache's make function. */
static ictus_status make_explanation(void *ctx, const char *real, void **item, ictus_error *err)
{
    (void)real;
    const explain_ctx *c = ctx;
    double t0 = ictus_review_now_ms();
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    if (!f)
        return ictus_fail(err, ICTUS_ERR_IO, "%s: cannot make the explanation's buffer",
                          c->recording);
    ictus_detect_options opt = {.n_threads = 1, .explain = f};
    if (c->sp->stims)
        opt.stim_us = ictus_stimlist_for(c->sp->stims, c->recording, &opt.n_stim);
    ictus_detection *det = NULL;
    ictus_status st = ictus_source_rewind(c->src, err);
    if (st == ICTUS_OK)
        st = ictus_detect(c->src, &c->sp->preset, &opt, &det, err);
    ictus_detection_destroy(det);
    fclose(f);
    if (st == ICTUS_OK) {
        explanation *x = ictus_xcalloc(1, sizeof *x);
        parse_candidates(x, text);
        x->compute_ms = ictus_review_now_ms() - t0;
        *item = x;
    }
    free(text);
    return st;
}

static json_t *explanation_json(const explanation *x, const ictus_preset *preset,
                                const ictus_review_window *w)
{
    json_t *items = json_array();
    for (int i = 0; i < x->n; i++)
        if (x->items[i].end_s > w->t0_s && x->items[i].start_s < w->t1_s)
            json_array_append_new(items, json_pack("{s:f, s:f, s:s}", "start_s",
                                                   x->items[i].start_s, "end_s",
                                                   x->items[i].end_s, "text", x->items[i].text));
    return json_pack("{s:s, s:o, s:f}", "preset", preset->id, "candidates", items, "compute_ms",
                     x->served ? 0.0 : x->compute_ms);
}

int ictus_review_api_explain(ictus_review_cache *cache, const char *study_dir,
                             const ictus_review_query *q, char **json)
{
    ictus_review_window w;
    ictus_served_recording rec;
    int status = ictus_review_window_open(cache, study_dir, q, false, false, &w, &rec, json);
    if (status)
        return status;
    ictus_study_preset sp = {0};
    ictus_error err = {0};
    void *item = NULL;
    ictus_status st = ictus_study_preset_load_animal(rec.study, w.animal, &sp, &err);
    if (st == ICTUS_OK) {
        /* The preset's parameters shape the result as much as the file does. */
        ictus_strbuf key = {0};
        ictus_strbuf_addf(&key, "%s|%s", rec.key, sp.preset.hash);
        explain_ctx ctx = {rec.src, &sp, w.recording};
        st = ictus_recording_cache_borrow(cache->explanations, rec.real, ictus_strbuf_text(&key),
                                          make_explanation, &ctx, &item, &err);
        ictus_strbuf_free(&key);
    }
    if (st == ICTUS_OK) {
        explanation *x = item; /* borrowed: this thread's alone */
        status = ictus_review_answer(explanation_json(x, &sp.preset, &w), ICTUS_HTTP_OK, json);
        x->served = true;
    } else {
        status = ictus_review_answer_error(ICTUS_HTTP_SERVER_ERROR, err.msg, json);
    }
    ictus_recording_cache_give_back(cache->explanations, item);
    ictus_study_preset_free(&sp);
    ictus_review_recording_close(cache, &rec);
    return status;
}
