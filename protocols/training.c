/* training.c: studies into the learned stage's training set (training.h). */
#include "protocols/training.h"

#include <stdlib.h>
#include <string.h>

#include "base/path.h"
#include "base/vec.h"
#include "detectors/recording_detection.h"
#include "protocols/recording_view.h"
#include "protocols/study.h"

/* The candidate sink's context: the set and the recording's index. */
typedef struct {
    ictus_train_set *set;
    int rec;
    int64_t n;
} sink_ctx;

static void on_candidate(void *ctx, int64_t start_us, int64_t end_us, const float *x, int rule)
{
    sink_ctx *s = ctx;
    ictus_train_set_candidate(s->set, s->rec, start_us / 1e6, end_us / 1e6, x, rule);
    s->n++;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Add the labels of recording `rec` (entry's file and animal, starting at
 * start_us wall clock, duration_us long) from labels[]. */
static int add_labels(ictus_train_set *set, int rec, const ictus_recording_entry *entry,
                      int64_t start_us, int64_t duration_us, const ictus_expert_label *labels,
                      int n_labels)
{
    int n = 0;
    const char *name = base_name(entry->file);
    for (int i = 0; i < n_labels; i++) {
        const ictus_expert_label *l = &labels[i];
        if (*l->animal && strcmp(l->animal, entry->animal) != 0)
            continue;
        if (*l->recording && strcmp(l->recording, name) != 0)
            continue;
        int64_t s = l->start_us, e = l->end_us;
        if (l->wall_clock) {
            s -= start_us;
            e -= start_us;
        }
        if (e <= 0 || s >= duration_us)
            continue;
        ictus_train_set_truth(set, rec, s / 1e6, e / 1e6, l->type);
        n++;
    }
    return n;
}

/* Whether labels[] names this recording (by file name, or by animal with
 * wall-clock times). */
static bool names_recording(const ictus_recording_entry *entry, const ictus_expert_label *labels,
                            int n_labels)
{
    for (int i = 0; i < n_labels; i++) {
        if (*labels[i].recording && strcmp(labels[i].recording, base_name(entry->file)) == 0)
            return true;
        if (!*labels[i].recording && strcmp(labels[i].animal, entry->animal) == 0)
            return true;
    }
    return false;
}

ictus_status ictus_training_add_study(ictus_train_set *set, const char *dir,
                                      const ictus_preset *preset,
                                      const ictus_training_options *o, int *n_problems,
                                      ictus_error *err)
{
    *n_problems = 0;
    ictus_study *study;
    ictus_status st = ictus_study_load(dir, &study, err);
    if (st != ICTUS_OK)
        return st;
    ictus_expert_label *truth = NULL;
    int n_truth = 0;
    bool have_truth = false, every_recording = false;
    const ictus_expert_label *labels = NULL;
    int n_labels = 0;
    if (o->labels == ICTUS_LABELS_AUTO || o->labels == ICTUS_LABELS_TRUTH)
        have_truth = ictus_study_read_labels(study, "truth.csv", &truth, &n_truth);
    if (have_truth) {
        labels = truth;
        n_labels = n_truth;
        every_recording = true;
    } else if ((o->labels == ICTUS_LABELS_AUTO || o->labels == ICTUS_LABELS_ANNOTATIONS) &&
               study->has_labels) {
        labels = study->labels;
        n_labels = study->n_labels;
    } else {
        const char *what = o->labels == ICTUS_LABELS_TRUTH         ? "truth.csv"
                           : o->labels == ICTUS_LABELS_ANNOTATIONS ? "annotations.csv"
                           : o->labels == ICTUS_LABELS_REVIEWS
                               ? "reviews (not supported yet: label with annotations.csv)"
                               : "truth.csv or annotations.csv";
        ictus_study_destroy(study);
        return ictus_fail(err, ICTUS_ERR_CONFIG, "%s: no labels to train on: expected %s", dir,
                          what);
    }
    if (!study->has_recordings) {
        free(truth);
        ictus_study_destroy(study);
        return ictus_fail(err, ICTUS_ERR_CONFIG, "%s: training needs recordings.csv (which "
                          "animal each recording is)", dir);
    }
    for (int p = 0; p < study->problems.n && o->log; p++)
        fprintf(o->log, "%s\n", study->problems.lines[p]);
    *n_problems += study->problems.n;
    for (int r = 0; r < study->n_recordings; r++) {
        const ictus_recording_entry *entry = &study->recordings[r];
        if (!every_recording && !names_recording(entry, labels, n_labels))
            continue; /* annotations.csv says nothing of it: unknown, not seizure-free */
        char path[ICTUS_PATH_MAX];
        ictus_source *src = NULL;
        ictus_detection *det = NULL;
        ictus_error e;
        sink_ctx sc = {.set = set};
        st = ictus_path_join(path, sizeof path, dir, entry->path, &e);
        if (st == ICTUS_OK)
            st = ictus_recording_open(study, entry, path, entry->path, &src, &e);
        if (st == ICTUS_OK) {
            const ictus_recording_info *info = ictus_source_info(src);
            char name[ICTUS_PATH_MAX];
            snprintf(name, sizeof name, "%s/%s", dir, entry->path);
            /* animals are told apart by study too: M01 of two studies is two mice */
            char animal[ICTUS_PATH_MAX];
            snprintf(animal, sizeof animal, "%s/%s", base_name(dir), entry->animal);
            sc.rec = ictus_train_set_recording(set, animal, name, info->duration_us / 1e6,
                                               false);
            int n = add_labels(set, sc.rec, entry, info->start_us, info->duration_us, labels,
                               n_labels);
            ictus_detect_options dopt = {.n_threads = o->threads, .candidates = on_candidate,
                                         .candidates_ctx = &sc};
            st = ictus_detect(src, preset, &dopt, &det, &e);
            if (st == ICTUS_OK && o->log)
                fprintf(o->log, "train: %s: %lld candidates, %d labelled events\n", name,
                        (long long)sc.n, n);
        }
        if (st != ICTUS_OK) {
            (*n_problems)++;
            if (o->log)
                fprintf(o->log, "ictus: %s\n", e.msg);
        }
        ictus_detection_destroy(det);
        ictus_source_close(src);
    }
    free(truth);
    ictus_study_destroy(study);
    return ICTUS_OK;
}
