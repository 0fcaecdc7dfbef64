/* training.c: studies into the learned stage's training set (training.h). */
#include "protocols/training.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/csvtable.h"
#include "base/path.h"
#include "base/vec.h"
#include "protocols/review_csv.h"
#include "store/store.h"
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

/* Add the labels of recording `rec` (entry's file and animal, starting at
 * start_us wall clock, duration_us long) from labels[]. */
static int add_labels(ictus_train_set *set, int rec, const ictus_recording_entry *entry,
                      int64_t start_us, int64_t duration_us, const ictus_expert_label *labels,
                      int n_labels)
{
    int n = 0;
    const char *name = ictus_path_base(entry->file);
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

/* One current review decision. */
typedef struct {
    char *recording;     /* file name, without directories */
    char *animal, *type;
    double start_s, end_s;
    bool seizure;        /* confirmed (or added); else rejected */
} review_label;

static void review_labels_free(review_label *r, int n)
{
    for (int i = 0; i < n; i++) {
        free(r[i].recording);
        free(r[i].animal);
        free(r[i].type);
    }
    free(r);
}

/* The current decisions stored in DIR/ictus.db (`ictus reviews export`'s
 * rows, through a temporary file): seizures and rejections; unsure ones and
 * those whose event the detector no longer finds are left out. */
static ictus_status read_reviews(const char *dir, review_label **out, int *n_out,
                                 ictus_error *err)
{
    *out = NULL;
    *n_out = 0;
    char db[ICTUS_PATH_MAX];
    ictus_status st = ictus_path_join(db, sizeof db, dir, "ictus.db", err);
    if (st != ICTUS_OK)
        return st;
    if (access(db, R_OK) != 0)
        return ictus_fail(err, ICTUS_ERR_CONFIG, "%s: no labels to train on: no ictus.db "
                          "(no reviews)", dir);
    ictus_store *store;
    if ((st = ictus_store_open(db, &store, err)) != ICTUS_OK)
        return st;
    char tmp[] = "/tmp/ictus-train-reviews-XXXXXX";
    int fd = mkstemp(tmp);
    if (fd < 0) {
        ictus_store_close(store);
        return ictus_fail(err, ICTUS_ERR_IO, "%s: cannot create a temporary file", tmp);
    }
    close(fd);
    int64_t rows;
    st = ictus_review_csv_export(store, tmp, &rows, err);
    ictus_store_close(store);
    ictus_csv *t = NULL;
    if (st == ICTUS_OK)
        st = ictus_csv_read(tmp, &t, err);
    unlink(tmp);
    if (st != ICTUS_OK)
        return st;
    int c_rec = ictus_csv_column(t, "recording"), c_animal = ictus_csv_column(t, "animal"),
        c_start = ictus_csv_column(t, "start_s"), c_end = ictus_csv_column(t, "end_s"),
        c_type = ictus_csv_column(t, "type"), c_verdict = ictus_csv_column(t, "verdict"),
        c_origin = ictus_csv_column(t, "origin");
    size_t cap = 0;
    for (int r = 0; r < ictus_csv_rows(t); r++) {
        const char *verdict = ictus_csv_field(t, r, c_verdict);
        bool seizure = strcmp(verdict, "seizure") == 0;
        if ((!seizure && strcmp(verdict, "not_seizure") != 0) ||
            strcmp(ictus_csv_field(t, r, c_origin), "not_redetected") == 0)
            continue;
        ICTUS_GROW(*out, *n_out + 1, cap);
        (*out)[(*n_out)++] = (review_label){
            .recording = ictus_xstrdup(ictus_path_base(ictus_csv_field(t, r, c_rec))),
            .animal = ictus_xstrdup(ictus_csv_field(t, r, c_animal)),
            .type = ictus_xstrdup(ictus_csv_field(t, r, c_type)),
            .start_s = strtod(ictus_csv_field(t, r, c_start), NULL),
            .end_s = strtod(ictus_csv_field(t, r, c_end), NULL),
            .seizure = seizure};
    }
    ictus_csv_destroy(t);
    if (*n_out == 0)
        return ictus_fail(err, ICTUS_ERR_CONFIG, "%s: no labels to train on: no confirmed or "
                          "rejected event in ictus.db", dir);
    return ICTUS_OK;
}

/* Add the review decisions of recording `rec` (entry's file and animal);
 * returns how many. */
static int add_reviews(ictus_train_set *set, int rec, const ictus_recording_entry *entry,
                       const review_label *reviews, int n_reviews)
{
    int n = 0;
    for (int i = 0; i < n_reviews; i++) {
        const review_label *r = &reviews[i];
        if (strcmp(r->recording, ictus_path_base(entry->file)) != 0 ||
            strcmp(r->animal, entry->animal) != 0)
            continue;
        if (r->seizure)
            ictus_train_set_truth(set, rec, r->start_s, r->end_s, r->type);
        else
            ictus_train_set_negative(set, rec, r->start_s, r->end_s);
        n++;
    }
    return n;
}

static bool reviewed(const ictus_recording_entry *entry, const review_label *reviews,
                     int n_reviews)
{
    for (int i = 0; i < n_reviews; i++)
        if (strcmp(reviews[i].recording, ictus_path_base(entry->file)) == 0 &&
            strcmp(reviews[i].animal, entry->animal) == 0)
            return true;
    return false;
}

/* Whether labels[] names this recording (by file name, or by animal with
 * wall-clock times). */
static bool names_recording(const ictus_recording_entry *entry, const ictus_expert_label *labels,
                            int n_labels)
{
    for (int i = 0; i < n_labels; i++) {
        if (*labels[i].recording && strcmp(labels[i].recording, ictus_path_base(entry->file)) == 0)
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
    review_label *reviews = NULL;
    int n_reviews = 0;
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
    } else if (o->labels == ICTUS_LABELS_AUTO || o->labels == ICTUS_LABELS_REVIEWS) {
        st = read_reviews(dir, &reviews, &n_reviews, err);
        if (st != ICTUS_OK) {
            ictus_study_destroy(study);
            return st == ICTUS_ERR_CONFIG && o->labels == ICTUS_LABELS_AUTO
                       ? ictus_fail(err, st, "%s: no labels to train on: expected truth.csv, "
                                    "annotations.csv or reviews in ictus.db", dir)
                       : st;
        }
    } else {
        const char *what = o->labels == ICTUS_LABELS_TRUTH ? "truth.csv" : "annotations.csv";
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
        if (reviews ? !reviewed(entry, reviews, n_reviews)
                    : !every_recording && !names_recording(entry, labels, n_labels))
            continue; /* nobody labelled it: unknown, not seizure-free */
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
            snprintf(animal, sizeof animal, "%s/%s", ictus_path_base(dir), entry->animal);
            sc.rec = ictus_train_set_recording(set, animal, name, info->duration_us / 1e6,
                                               reviews != NULL);
            int n = reviews ? add_reviews(set, sc.rec, entry, reviews, n_reviews)
                            : add_labels(set, sc.rec, entry, info->start_us, info->duration_us,
                                         labels, n_labels);
            ictus_detect_options dopt = {.n_threads = o->threads, .candidates = on_candidate,
                                         .candidates_ctx = &sc};
            st = ictus_detect(src, preset, &dopt, &det, &e);
            if (st == ICTUS_OK && o->log)
                fprintf(o->log, "train: %s: %lld candidates, %d %s\n", name, (long long)sc.n,
                        n, reviews ? "review decisions" : "labelled events");
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
    review_labels_free(reviews, n_reviews);
    ictus_study_destroy(study);
    return ICTUS_OK;
}
