/* kindling.c: stimulations, afterdischarges and Racine stages, acquisition,
 * protection, dose–response fits, and their CSV files (kindling.h). */
#include "protocols/kindling.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/csvtable.h"
#include "base/outfile.h"
#include "base/params.h"
#include "base/path.h"
#include "base/vec.h"
#include "base/walltime.h"
#include "pipeline/source/source.h"
#include "protocols/kindling_pattern.h"

/* ------------------------------------------------------------------------
 * Settings
 * ---------------------------------------------------------------------- */

#define K "kindling"
#define S ictus_kindling_settings
static const ictus_param settings_table[] = {
    ICTUS_PARAM_I(K, "kindled_stage", S, kindled_stage, 1, 5),
    ICTUS_PARAM_I(K, "kindled_run", S, kindled_run, 1, 1000),
    ICTUS_PARAM_I(K, "protected_below", S, protected_below, 1, 6),
    ICTUS_PARAM_D(K, "ad_window_s", S, ad_window_s, 0.001, 3600),
};
#undef K
#undef S
#define N_SETTINGS (sizeof settings_table / sizeof settings_table[0])

void ictus_kindling_settings_default(ictus_kindling_settings *s)
{
    *s = (ictus_kindling_settings){
        .kindled_stage = 3, .kindled_run = 10, .protected_below = 3, .ad_window_s = 10};
}

ictus_status ictus_kindling_settings_apply(ictus_kindling_settings *s, ictus_config *cfg,
                                           ictus_error *err)
{
    static const char *const own[] = {"kindling", NULL};
    ictus_status st = ictus_params_apply(settings_table, N_SETTINGS, s, cfg, err);
    if (st == ICTUS_OK)
        st = ictus_config_check_used(cfg, own, err);
    return st;
}

const char *ictus_kindling_phase_name(ictus_kindling_phase p)
{
    static const char *const names[] = {"acquisition", "drug", "vehicle", "washout"};
    return names[p];
}

const char *ictus_stim_source_name(ictus_stim_source s)
{
    return s == ICTUS_STIM_EDF_ANNOTATION ? "edf_annotation" : "stimulations_csv";
}

const char *ictus_racine_source_name(ictus_racine_source s)
{
    static const char *const names[] = {"", "review", "annotation", "stimulations"};
    return names[s];
}

/* ------------------------------------------------------------------------
 * Reading stimulations.csv
 * ---------------------------------------------------------------------- */

static const char *keep(ictus_kindling *k, const char *text)
{
    ICTUS_GROW(k->strings_, k->n_strings_ + 1, k->cap_strings_);
    return k->strings_[k->n_strings_++] = ictus_xstrdup(text);
}

/* A stored recording: its file name, animal and start. */
typedef struct {
    char *name, *path, *animal, *format;
    int64_t start_us;
    bool has_results;
} stored_rec;

typedef struct {
    stored_rec *items;
    int n, cap;
} rec_list;

static ictus_status read_rec(void *ctx, const ictus_store_recording *rec, ictus_error *err)
{
    rec_list *l = ctx;
    ICTUS_GROW(l->items, l->n + 1, l->cap);
    l->items[l->n++] = (stored_rec){ictus_xstrdup(ictus_path_base(rec->path)),
                                    ictus_xstrdup(rec->path), ictus_xstrdup(rec->animal),
                                    ictus_xstrdup(rec->format ? rec->format : ""), rec->start_us,
                                    rec->has_results};
    return ICTUS_OK;
}

/* The stored recording of file name `name` and `animal` (NULL: any). */
static const stored_rec *find_rec(const rec_list *l, const char *name, const char *animal)
{
    for (int i = 0; i < l->n; i++)
        if (strcmp(l->items[i].name, name) == 0 && (!animal || strcmp(l->items[i].animal, animal) == 0))
            return &l->items[i];
    return NULL;
}

/* A Racine stage field: -1 when empty; ICTUS_ERR_DATA when not 0..5. */
static ictus_status racine_field(const ictus_csv *t, int row, int col, int *out, ictus_error *err)
{
    *out = -1;
    const char *f = ictus_csv_field(t, row, col);
    if (col < 0 || !f[0])
        return ICTUS_OK;
    char *end;
    long v = strtol(f, &end, 10);
    if (*end || end == f || v < 0 || v > 5) {
        char where[256];
        return ictus_fail(err, ICTUS_ERR_DATA, "%s: expected a Racine stage 0..5, got \"%s\"",
                          ictus_csv_where(t, row, col, where, sizeof where), f);
    }
    *out = (int)v;
    return ICTUS_OK;
}

static ictus_status read_stims(ictus_kindling *k, const ictus_csv *t, const rec_list *recs,
                               ictus_error *err)
{
    static const char *const need[] = {"recording", "start_s"};
    ictus_status st = ictus_csv_require(t, need, 2, err);
    if (st != ICTUS_OK)
        return st;
    int c_rec = ictus_csv_column(t, "recording"), c_start = ictus_csv_column(t, "start_s");
    int c_animal = ictus_csv_column(t, "animal"), c_racine = ictus_csv_column(t, "racine");
    int c_time = ictus_csv_column(t, "start_time");
    int cap = 0;
    for (int r = 0; r < ictus_csv_rows(t); r++) {
        double start_s;
        int racine;
        st = ictus_csv_double(t, r, c_start, &start_s, err);
        if (st == ICTUS_OK && start_s < 0) {
            char where[256];
            st = ictus_fail(err, ICTUS_ERR_DATA, "%s: expected seconds >= 0, got %g",
                            ictus_csv_where(t, r, c_start, where, sizeof where), start_s);
        }
        if (st == ICTUS_OK)
            st = racine_field(t, r, c_racine, &racine, err);
        if (st != ICTUS_OK)
            return st;
        const char *name = ictus_path_base(ictus_csv_field(t, r, c_rec));
        const char *animal_id = ictus_csv_field(t, r, c_animal);
        const stored_rec *rec = find_rec(recs, name, animal_id[0] ? animal_id : NULL);
        if (!animal_id[0] && rec)
            animal_id = rec->animal;
        const ictus_animal *animal = ictus_study_animal(k->study, animal_id);
        int64_t stim_us = (int64_t)llround(start_s * 1e6);
        int64_t wall = ICTUS_TIME_UNKNOWN;
        if (rec)
            wall = rec->start_us + stim_us;
        else if (c_time >= 0 && ictus_walltime_parse_as(ictus_csv_field(t, r, c_time),
                                                         k->study->date_format, &wall,
                                                         NULL) != ICTUS_WALLTIME_OK)
            wall = ICTUS_TIME_UNKNOWN;
        if (!animal || !name[0]) {
            k->n_skipped++;
            continue;
        }
        ICTUS_GROW(k->stims, k->n_stims + 1, cap);
        k->stims[k->n_stims++] = (ictus_stim_result){
            .animal = (int)(animal - k->study->animals), .line = ictus_csv_line(t, r),
            .recording = keep(k, name), .start_s = start_s, .stim_us = stim_us, .wall_us = wall,
            .detected = rec && rec->has_results, .ad_start_us = -1, .ad_end_us = -1,
            .racine = racine, .source = racine >= 0 ? ICTUS_RACINE_STIMULATIONS : ICTUS_RACINE_NONE,
            .stim_source = ICTUS_STIM_CSV, .protected_ = -1, .excluded_why = ""};
    }
    return ICTUS_OK;
}

/* ------------------------------------------------------------------------
 * Stimulations from EDF+ annotations (no stimulations.csv)
 * ---------------------------------------------------------------------- */

/* Whether `text` contains `pattern`, case-insensitive (as detectors/evoked.c
 * finds stimulations). */
static bool contains_ci(const char *text, const char *pattern)
{
    size_t n = strlen(pattern);
    if (n == 0)
        return false;
    for (const char *s = text; *s; s++)
        if (strncasecmp(s, pattern, n) == 0)
            return true;
    return false;
}

static bool is_alnum(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The stage 0..5 a digit at `d` gives when no digit or letter follows it, else -1. */
static int stage_at(const char *d)
{
    return *d >= '0' && *d <= '5' && !is_alnum(d[1]) ? *d - '0' : -1;
}

int ictus_kindling_racine_of_text(const char *text)
{
    for (const char *s = text; *s; s++) {
        bool word_start = s == text || !is_alnum(s[-1]);
        if (!word_start)
            continue;
        if (strncasecmp(s, "racine", 6) == 0) {
            const char *d = s + 6;
            while (*d == ' ' || *d == ':' || *d == '=')
                d++;
            if (stage_at(d) >= 0)
                return stage_at(d);
        }
        if ((*s == 'R' || *s == 'r') && stage_at(s + 1) >= 0)
            return stage_at(s + 1);
    }
    return -1;
}

/* Whether a stored format name is EDF+ or BDF+ (the formats with annotations). */
static bool has_annotations(const char *format)
{
    return format && (strncmp(format, "EDF+", 4) == 0 || strncmp(format, "BDF+", 4) == 0);
}

/* The stimulations of one stored recording: its annotations containing
 * `pattern`.  A file that cannot be opened counts in n_skipped. */
static ictus_status annotation_stims(ictus_kindling *k, const stored_rec *rec, const char *pattern,
                                     int *cap, ictus_error *err)
{
    const ictus_animal *animal = ictus_study_animal(k->study, rec->animal);
    char path[ICTUS_PATH_MAX];
    ictus_status st = ictus_path_join(path, sizeof path, k->study->dir, rec->path, err);
    if (st != ICTUS_OK)
        return st;
    ictus_source_options opt = {.allow_partial = true};
    ictus_source *src = NULL;
    ictus_error why = {0};
    if (ictus_source_open(path, &opt, &src, &why) != ICTUS_OK) {
        k->n_skipped++;
        return ICTUS_OK;
    }
    const ictus_recording_info *info = ictus_source_info(src);
    for (int i = 0; i < info->n_annotations; i++) {
        const ictus_annotation *a = &info->annotations[i];
        if (!contains_ci(a->text, pattern) || a->onset_us < 0)
            continue;
        if (!animal) {
            k->n_skipped++;
            continue;
        }
        int racine = ictus_kindling_racine_of_text(a->text);
        ICTUS_GROW(k->stims, k->n_stims + 1, *cap);
        k->stims[k->n_stims++] = (ictus_stim_result){
            .animal = (int)(animal - k->study->animals), .line = 0,
            .recording = keep(k, rec->name), .start_s = (double)a->onset_us / 1e6,
            .stim_us = a->onset_us, .wall_us = rec->start_us + a->onset_us,
            .detected = rec->has_results, .ad_start_us = -1, .ad_end_us = -1,
            .racine = racine, .source = racine >= 0 ? ICTUS_RACINE_STIMULATIONS : ICTUS_RACINE_NONE,
            .stim_source = ICTUS_STIM_EDF_ANNOTATION, .protected_ = -1, .excluded_why = ""};
    }
    ictus_source_close(src);
    return ICTUS_OK;
}

static ictus_status read_annotation_stims(ictus_kindling *k, const rec_list *recs,
                                          const char *pattern, ictus_error *err)
{
    int cap = 0;
    ictus_status st = ICTUS_OK;
    for (int i = 0; i < recs->n && st == ICTUS_OK; i++)
        if (has_annotations(recs->items[i].format))
            st = annotation_stims(k, &recs->items[i], pattern, &cap, err);
    return st;
}

/* Animal order, then time (unplaced ones by recording and start), then line. */
static int by_animal_time(const void *a, const void *b)
{
    const ictus_stim_result *x = a, *y = b;
    if (x->animal != y->animal)
        return x->animal < y->animal ? -1 : 1;
    if (x->wall_us != y->wall_us)
        return x->wall_us < y->wall_us ? -1 : 1;
    int c = strcmp(x->recording, y->recording);
    if (c)
        return c;
    if (x->stim_us != y->stim_us)
        return x->stim_us < y->stim_us ? -1 : 1;
    return (x->line > y->line) - (x->line < y->line);
}

/* ------------------------------------------------------------------------
 * Afterdischarges and stages
 * ---------------------------------------------------------------------- */

typedef struct {
    ictus_kindling *k;
} joiner;

/* The stimulation of `animal` in recording `name` whose window holds an
 * event starting at start_us (µs from the recording start), or NULL. */
static ictus_stim_result *stim_for(ictus_kindling *k, const char *animal, const char *name,
                                   int64_t start_us)
{
    int64_t window = (int64_t)llround(k->settings.ad_window_s * 1e6);
    for (int i = 0; i < k->n_stims; i++) {
        ictus_stim_result *s = &k->stims[i];
        if (start_us >= s->stim_us && start_us < s->stim_us + window &&
            strcmp(s->recording, name) == 0 &&
            strcmp(k->study->animals[s->animal].id, animal) == 0)
            return s;
    }
    return NULL;
}

/* An event (detected or added) in a stimulation's window. */
static void add_ad(ictus_stim_result *s, int64_t start, int64_t end, ictus_verdict verdict,
                   int racine)
{
    if (verdict != ICTUS_VERDICT_NOT_SEIZURE) {
        if (!s->afterdischarge || start < s->ad_start_us)
            s->ad_start_us = start;
        if (!s->afterdischarge || end > s->ad_end_us)
            s->ad_end_us = end;
        s->afterdischarge = true;
    }
    if (verdict != ICTUS_VERDICT_NONE && (s->verdict == ICTUS_VERDICT_NONE || racine >= 0))
        s->verdict = verdict;
    if (racine >= 0 && s->source != ICTUS_RACINE_REVIEW) {
        s->racine = racine;
        s->source = ICTUS_RACINE_REVIEW;
    }
}

static ictus_status read_event(void *ctx, const ictus_store_event_row *row, ictus_error *err)
{
    ictus_kindling *k = ctx;
    ictus_stim_result *s =
        stim_for(k, row->animal, ictus_path_base(row->path), row->event.start_us);
    if (s) {
        ictus_event e = ictus_store_event_effective(row);
        add_ad(s, e.start_us, e.end_us, row->verdict, row->racine);
    }
    return ICTUS_OK;
}

static ictus_status read_added(void *ctx, const ictus_store_decision *d, ictus_error *err)
{
    ictus_kindling *k = ctx;
    const ictus_store_review *v = &d->review;
    if (v->verdict != ICTUS_VERDICT_SEIZURE)
        return ICTUS_OK;
    ictus_stim_result *s = stim_for(k, v->animal, ictus_path_base(v->path), v->start_us);
    if (s)
        add_ad(s, v->has_fixed_edges ? v->fixed_start_us : v->start_us,
               v->has_fixed_edges ? v->fixed_end_us : v->end_us, v->verdict, v->racine);
    return ICTUS_OK;
}

/* Racine stages of annotations.csv for stimulations without a review's. */
static void join_annotations(ictus_kindling *k)
{
    const ictus_study *study = k->study;
    int64_t window = (int64_t)llround(k->settings.ad_window_s * 1e6);
    for (int i = 0; i < k->n_stims; i++) {
        ictus_stim_result *s = &k->stims[i];
        if (s->source == ICTUS_RACINE_REVIEW)
            continue;
        const char *animal = study->animals[s->animal].id;
        for (int j = 0; j < study->n_labels; j++) {
            const ictus_expert_label *l = &study->labels[j];
            if (l->racine < 0 || (l->animal[0] && strcmp(l->animal, animal) != 0))
                continue;
            bool in;
            if (l->wall_clock)
                in = s->wall_us != ICTUS_TIME_UNKNOWN && l->start_us >= s->wall_us &&
                     l->start_us < s->wall_us + window;
            else
                in = strcmp(l->recording, s->recording) == 0 && l->start_us >= s->stim_us &&
                     l->start_us < s->stim_us + window;
            if (in) {
                s->racine = l->racine;
                s->source = ICTUS_RACINE_ANNOTATION;
                break;
            }
        }
    }
}

/* ------------------------------------------------------------------------
 * Acquisition and protection
 * ---------------------------------------------------------------------- */

static void place_phases(ictus_kindling *k)
{
    for (int i = 0; i < k->n_stims; i++) {
        ictus_stim_result *s = &k->stims[i];
        const ictus_animal *a = &k->study->animals[s->animal];
        s->period = s->wall_us == ICTUS_TIME_UNKNOWN ? NULL : ictus_animal_period_at(a, s->wall_us);
        s->phase = ICTUS_KPHASE_ACQUISITION;
        if (s->period)
            switch (s->period->kind) {
            case ICTUS_PERIOD_TREATMENT: s->phase = ICTUS_KPHASE_DRUG; break;
            case ICTUS_PERIOD_VEHICLE: s->phase = ICTUS_KPHASE_VEHICLE; break;
            case ICTUS_PERIOD_WASHOUT: s->phase = ICTUS_KPHASE_WASHOUT; break;
            /* after a one-time intervention, stimulations still measure
             * acquisition (an intervention that slows kindling shows there) */
            case ICTUS_PERIOD_INTERVENTION:
            case ICTUS_PERIOD_FOLLOWUP:
            case ICTUS_PERIOD_BASELINE:
            case ICTUS_N_PERIOD_KINDS: s->period = NULL; break;
            }
    }
}

static void score_animals(ictus_kindling *k)
{
    const ictus_kindling_settings *set = &k->settings;
    int animal = -1, number = 0, acq = 0, run = 0;
    bool kindled = false;
    for (int i = 0; i < k->n_stims; i++) {
        ictus_stim_result *s = &k->stims[i];
        if (s->animal != animal) {
            animal = s->animal;
            number = acq = run = 0;
            kindled = false;
        }
        s->number = ++number;
        if (s->phase == ICTUS_KPHASE_ACQUISITION) {
            s->acquisition_number = ++acq;
            if (s->racine >= set->kindled_stage)
                run++;
            else if (s->racine >= 0)
                run = 0;
            if (!kindled && run >= set->kindled_run) {
                kindled = true;
                k->stims_to_kindled[animal] = acq;
            }
        }
        s->run = run;
        s->kindled = kindled;
        if (s->phase == ICTUS_KPHASE_DRUG || s->phase == ICTUS_KPHASE_VEHICLE) {
            if (!kindled)
                s->excluded_why = "not_kindled";
            else if (s->racine < 0)
                s->excluded_why = "no_stage";
            else
                s->protected_ = s->racine < set->protected_below;
        }
    }
}

/* ------------------------------------------------------------------------
 * Dose–response
 * ---------------------------------------------------------------------- */

/* One animal at one drug and dose: responding (protected or toxic) or not. */
typedef struct {
    int animal;
    const char *drug;
    double dose;
    int respond;  /* 1, 0 */
} unit;

typedef struct {
    unit *items;
    int n, cap;
} unit_list;

/* Note a result of `animal` at drug/dose: a unit responds only when every
 * result does (protected), or when any does (toxic: any_responds). */
static void add_unit(unit_list *l, int animal, const char *drug, double dose, int respond,
                     bool any_responds)
{
    for (int i = 0; i < l->n; i++) {
        unit *u = &l->items[i];
        if (u->animal == animal && u->dose == dose && strcmp(u->drug, drug) == 0) {
            u->respond = any_responds ? (u->respond || respond) : (u->respond && respond);
            return;
        }
    }
    ICTUS_GROW(l->items, l->n + 1, l->cap);
    l->items[l->n++] = (unit){animal, drug, dose, respond};
}

static int by_dose(const void *a, const void *b)
{
    const ictus_dose_group *x = a, *y = b;
    return (x->dose > y->dose) - (x->dose < y->dose);
}

/* The dose groups of `drug` in `units` into groups (sorted by dose). */
static int group_units(const unit_list *units, const char *drug, ictus_dose_group *groups,
                       int *n_animals)
{
    int n = 0;
    *n_animals = 0;
    for (int i = 0; i < units->n; i++) {
        const unit *u = &units->items[i];
        if (strcmp(u->drug, drug) != 0)
            continue;
        ++*n_animals;
        int g = 0;
        while (g < n && groups[g].dose != u->dose)
            g++;
        if (g == n)
            groups[n++] = (ictus_dose_group){u->dose, 0, 0};
        groups[g].n++;
        groups[g].r += u->respond;
    }
    qsort(groups, (size_t)n, sizeof *groups, by_dose);
    return n;
}

static ictus_dr_row *add_row(ictus_kindling *k, int *cap, const char *drug, const char *outcome)
{
    ICTUS_GROW(k->rows, k->n_rows + 1, *cap);
    ictus_dr_row *row = &k->rows[k->n_rows++];
    memset(row, 0, sizeof *row);
    row->drug = drug;
    row->outcome = outcome;
    return row;
}

void ictus_kindling_fit(const ictus_dose_group *groups, int n, int n_animals,
                        ictus_dose_link link, double ci_level, ictus_dr_row *row)
{
    row->fit = true;
    row->link = link;
    row->n_doses = n;
    row->n_animals = n_animals;
    ictus_error err = {0};
    ictus_status st = n == 0 ? ictus_fail(&err, ICTUS_ERR_DATA, "no animal tested")
                             : ictus_dose_response_fit(groups, (size_t)n, link, &row->f, &err);
    if (st == ICTUS_OK)
        st = ictus_dose_response_ed(groups, (size_t)n, &row->f, 0.5, ci_level, &row->ed, &err);
    row->ok = st == ICTUS_OK;
    if (!row->ok)
        snprintf(row->refused, sizeof row->refused, "%s", err.msg);
}

void ictus_kindling_pi(const ictus_dr_row *ed, const ictus_dr_row *td, double ci_level,
                       ictus_dr_row *row)
{
    row->fit = true;
    row->link = ed->link;
    row->ok = false;
    if (!ed->ok || !td->ok) {
        snprintf(row->refused, sizeof row->refused, "%s", !ed->ok ? "no ED50" : "no TD50");
        return;
    }
    ictus_error err = {0};
    row->ok = ictus_dose_response_pi(&td->f, &ed->f, ci_level, &row->pi, &err) == ICTUS_OK;
    if (!row->ok)
        snprintf(row->refused, sizeof row->refused, "%s", err.msg);
}

/* The dose rows and the two fits of one drug and outcome; fit_rows[link]
 * are the fit rows' indices. */
static void fit_outcome(ictus_kindling *k, int *cap, const char *drug, const char *outcome,
                        const unit_list *units, int fit_rows[2])
{
    ictus_dose_group *groups = ictus_xcalloc((size_t)units->n + 1, sizeof *groups);
    int n_animals, n = group_units(units, drug, groups, &n_animals);
    for (int g = 0; g < n; g++) {
        ictus_dr_row *row = add_row(k, cap, drug, outcome);
        row->group = groups[g];
    }
    for (int link = 0; link < 2; link++) {
        fit_rows[link] = k->n_rows;
        ictus_dr_row *row = add_row(k, cap, drug, outcome);
        ictus_kindling_fit(groups, n, n_animals, (ictus_dose_link)link, k->ci_level, row);
    }
    free(groups);
}

/* Drugs of the study's treatment periods, by name, each once. */
static int drug_names(const ictus_study *study, const char ***out)
{
    const char **names = NULL;
    int n = 0, cap = 0;
    for (int a = 0; a < study->n_animals; a++)
        for (int p = 0; p < study->animals[a].n_periods; p++) {
            const ictus_period *per = &study->animals[a].periods[p];
            if (per->kind != ICTUS_PERIOD_TREATMENT)
                continue;
            int i = 0;
            while (i < n && strcmp(names[i], per->drug) != 0)
                i++;
            if (i < n)
                continue;
            ICTUS_GROW(names, n + 1, cap);
            names[n++] = per->drug;
        }
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            const char *t = names[j];
            names[j] = names[j - 1];
            names[j - 1] = t;
        }
    *out = names;
    return n;
}

static void dose_response(ictus_kindling *k)
{
    const ictus_study *study = k->study;
    unit_list prot = {0}, tox = {0};
    for (int i = 0; i < k->n_stims; i++) {
        const ictus_stim_result *s = &k->stims[i];
        if (s->phase == ICTUS_KPHASE_DRUG && s->protected_ >= 0)
            add_unit(&prot, s->animal, s->period->drug, s->period->dose_mg_kg, s->protected_,
                     false);
    }
    for (int a = 0; a < study->n_animals; a++)
        for (int p = 0; p < study->animals[a].n_periods; p++) {
            const ictus_period *per = &study->animals[a].periods[p];
            if (per->kind == ICTUS_PERIOD_TREATMENT && per->tolerated != ICTUS_TOLERATED_UNKNOWN)
                add_unit(&tox, a, per->drug, per->dose_mg_kg, per->tolerated == ICTUS_TOLERATED_NO,
                         true);
        }
    const char **drugs;
    int n_drugs = drug_names(study, &drugs), cap = 0;
    for (int d = 0; d < n_drugs; d++) {
        int ed[2], td[2];
        fit_outcome(k, &cap, drugs[d], "protection", &prot, ed);
        fit_outcome(k, &cap, drugs[d], "toxicity", &tox, td);
        for (int link = 0; link < 2; link++) {
            ictus_dr_row *row = add_row(k, &cap, drugs[d], "pi");
            ictus_kindling_pi(&k->rows[ed[link]], &k->rows[td[link]], k->ci_level, row);
        }
    }
    free(drugs);
    free(prot.items);
    free(tox.items);
}

/* ------------------------------------------------------------------------
 * Compute
 * ---------------------------------------------------------------------- */

/* k->settings_text (the [kindling] settings, and for stimulations from
 * annotations where they came from and the pattern) and the hash of the
 * analysis settings text followed by it. */
static void settings_text(ictus_kindling *k, const char *pattern, const char *analysis_text)
{
    size_t len = 0;
    ictus_params_describe(settings_table, N_SETTINGS, &k->settings, NULL, 0, &len);
    size_t more = pattern ? strlen(pattern) + 96 : 0;
    k->settings_text = ictus_xcalloc(len + more + 1, 1);
    size_t written = 0;
    ictus_params_describe(settings_table, N_SETTINGS, &k->settings, k->settings_text, len + 1,
                          &written);
    if (pattern)
        snprintf(k->settings_text + len, more + 1,
                 "kindling.stim_source=edf_annotation\nkindling.stim_pattern=%s\n", pattern);
    len = strlen(k->settings_text);
    size_t n_a = strlen(analysis_text);
    char *all = ictus_xcalloc(n_a + len + 1, 1);
    memcpy(all, analysis_text, n_a);
    memcpy(all + n_a, k->settings_text, len);
    ictus_hash128_format(ictus_hash_bytes(all, n_a + len), k->settings_hash);
    free(all);
}

ictus_status ictus_kindling_compute(const ictus_study *study, ictus_store *store, double ci_level,
                                    const char *analysis_settings_text, ictus_kindling **out,
                                    ictus_error *err)
{
    *out = NULL;
    char path[ICTUS_PATH_MAX], pattern[64] = "";
    ictus_status st = ictus_path_join(path, sizeof path, study->dir, "stimulations.csv", err);
    if (st != ICTUS_OK)
        return st;
    bool from_csv = access(path, F_OK) == 0;
    if (!from_csv && (!store || !ictus_kindling_stim_pattern(study, pattern, sizeof pattern)))
        return ICTUS_OK;
    ictus_kindling *k = ictus_xcalloc(1, sizeof *k);
    k->study = study;
    k->ci_level = ci_level;
    ictus_kindling_settings_default(&k->settings);
    st = ictus_kindling_settings_apply(&k->settings, study->config, err);
    k->stims_to_kindled = ictus_xcalloc((size_t)(study->n_animals ? study->n_animals : 1),
                                        sizeof *k->stims_to_kindled);

    rec_list recs = {0};
    if (st == ICTUS_OK && store)
        st = ictus_store_each_recording(store, read_rec, &recs, err);
    ictus_csv *t = NULL;
    if (st == ICTUS_OK && from_csv)
        st = ictus_csv_read(path, &t, err);
    if (st == ICTUS_OK && from_csv)
        st = read_stims(k, t, &recs, err);
    if (st == ICTUS_OK && !from_csv)
        st = read_annotation_stims(k, &recs, pattern, err);
    ictus_csv_destroy(t);
    for (int i = 0; i < recs.n; i++) {
        free(recs.items[i].name);
        free(recs.items[i].path);
        free(recs.items[i].animal);
        free(recs.items[i].format);
    }
    free(recs.items);
    if (st == ICTUS_OK && !from_csv && k->n_stims == 0) {
        /* no stimulation annotated: not a kindling study after all */
        ictus_kindling_destroy(k);
        return ICTUS_OK;
    }
    settings_text(k, from_csv ? NULL : pattern, analysis_settings_text);
    if (st == ICTUS_OK && store) {
        ictus_store_event_query q = {.t0_us = ICTUS_STORE_TIME_MIN, .t1_us = ICTUS_STORE_TIME_MAX};
        st = ictus_store_each_event(store, &q, read_event, k, err);
        if (st == ICTUS_OK)
            st = ictus_store_each_added(store, NULL, read_added, k, err);
    }
    if (st != ICTUS_OK) {
        ictus_kindling_destroy(k);
        return st;
    }
    join_annotations(k);
    qsort(k->stims, (size_t)k->n_stims, sizeof *k->stims, by_animal_time);
    place_phases(k);
    score_animals(k);
    dose_response(k);
    *out = k;
    return ICTUS_OK;
}

void ictus_kindling_destroy(ictus_kindling *k)
{
    if (!k)
        return;
    for (int i = 0; i < k->n_strings_; i++)
        free(k->strings_[i]);
    free(k->strings_);
    free(k->stims);
    free(k->stims_to_kindled);
    free(k->rows);
    free(k->settings_text);
    free(k);
}

/* ------------------------------------------------------------------------
 * Writing
 * ---------------------------------------------------------------------- */

static const char *const tolerated_names[] = {"unknown", "yes", "no"};

static void write_stims(ictus_out *o, const void *ctx)
{
    const ictus_kindling *k = ctx;
    ictus_out_str(o, "animal,group,number,recording,start_s,start,line,phase,drug,dose_mg_kg,"
                     "tolerated,detected,afterdischarge,ad_start_s,ad_end_s,ad_duration_s,"
                     "verdict,racine,racine_source,acquisition_number,run,kindled,"
                     "stims_to_kindled,protected,excluded_why,settings_hash,stim_source\n");
    for (int i = 0; i < k->n_stims; i++) {
        const ictus_stim_result *s = &k->stims[i];
        const ictus_animal *a = &k->study->animals[s->animal];
        bool test = s->phase == ICTUS_KPHASE_DRUG || s->phase == ICTUS_KPHASE_VEHICLE;
        ictus_out_field(o, a->id);
        ictus_outfile_text(o, a->group);
        ictus_outfile_count(o, s->number);
        ictus_outfile_text(o, s->recording);
        ictus_outfile_number(o, s->start_s);
        char buf[32];
        ictus_outfile_text(o, s->wall_us == ICTUS_TIME_UNKNOWN
                                  ? ""
                                  : ictus_walltime_format(s->wall_us, buf, sizeof buf));
        ictus_outfile_count(o, s->line > 0 ? s->line : -1);
        ictus_outfile_text(o, ictus_kindling_phase_name(s->phase));
        ictus_outfile_text(o, test ? s->period->drug : "");
        ictus_outfile_number(o, test ? s->period->dose_mg_kg : NAN);
        ictus_outfile_text(o, test ? tolerated_names[s->period->tolerated] : "");
        ictus_outfile_text(o, s->detected ? "yes" : "no");
        ictus_outfile_text(o, !s->detected && !s->afterdischarge ? ""
                              : s->afterdischarge                ? "yes"
                                                                 : "no");
        bool ad = s->afterdischarge;
        ictus_outfile_number(o, ad ? (double)s->ad_start_us / 1e6 : NAN);
        ictus_outfile_number(o, ad ? (double)s->ad_end_us / 1e6 : NAN);
        ictus_outfile_number(o, ad ? (double)(s->ad_end_us - s->ad_start_us) / 1e6 : NAN);
        ictus_outfile_text(o, s->verdict == ICTUS_VERDICT_NONE ? "" : ictus_verdict_name(s->verdict));
        ictus_outfile_count(o, s->racine);
        ictus_outfile_text(o, ictus_racine_source_name(s->source));
        ictus_outfile_count(o, s->acquisition_number ? s->acquisition_number : -1);
        ictus_outfile_count(o, s->run);
        ictus_outfile_text(o, s->kindled ? "yes" : "no");
        int to = k->stims_to_kindled[s->animal];
        ictus_outfile_count(o, to ? to : -1);
        ictus_outfile_text(o, s->protected_ < 0 ? "" : s->protected_ ? "yes" : "no");
        ictus_outfile_text(o, s->excluded_why);
        ictus_outfile_text(o, k->settings_hash);
        ictus_outfile_text(o, ictus_stim_source_name(s->stim_source));
        ictus_out_char(o, '\n');
    }
}

/* A limit of an interval: empty when infinite, zero (unbounded below) or NaN. */
static void limit(ictus_out *o, double v)
{
    ictus_outfile_number(o, isfinite(v) && v > 0 ? v : NAN);
}

static void write_dr(ictus_out *o, const void *ctx)
{
    const ictus_kindling *k = ctx;
    ictus_out_str(o, "drug,outcome,row,link,dose_mg_kg,n,r,estimate_of,estimate,ci_level,"
                     "fieller_lo,fieller_hi,profile_lo,profile_hi,ci_lo,ci_hi,se_log10,"
                     "intercept,slope,slope_se,chi2,df,gof_p,n_doses,n_tested,refused,"
                     "settings_hash\n");
    for (int i = 0; i < k->n_rows; i++) {
        const ictus_dr_row *r = &k->rows[i];
        bool pi = strcmp(r->outcome, "pi") == 0, fit = r->fit && r->ok && !pi;
        ictus_out_field(o, r->drug);
        ictus_outfile_text(o, r->outcome);
        ictus_outfile_text(o, r->fit ? "fit" : "dose");
        ictus_outfile_text(o, !r->fit ? "" : r->link == ICTUS_LINK_PROBIT ? "probit" : "logit");
        ictus_outfile_number(o, r->fit ? NAN : r->group.dose);
        ictus_outfile_count(o, r->fit ? -1 : r->group.n);
        ictus_outfile_count(o, r->fit ? -1 : r->group.r);
        ictus_outfile_text(o, !r->fit                                ? ""
                              : pi                                   ? "PI"
                              : strcmp(r->outcome, "toxicity") == 0 ? "TD50"
                                                                     : "ED50");
        ictus_outfile_number(o, fit ? r->ed.ed : r->ok && pi ? r->pi.pi : NAN);
        ictus_outfile_number(o, r->ok ? k->ci_level : NAN);
        limit(o, fit && r->ed.fieller_bounded ? r->ed.fieller.lo : NAN);
        limit(o, fit && r->ed.fieller_bounded ? r->ed.fieller.hi : NAN);
        limit(o, fit ? r->ed.profile.lo : NAN);
        limit(o, fit ? r->ed.profile.hi : NAN);
        limit(o, r->ok && pi ? r->pi.ci.lo : NAN);
        limit(o, r->ok && pi ? r->pi.ci.hi : NAN);
        ictus_outfile_number(o, fit ? r->ed.se_log10 : r->ok && pi ? r->pi.se_log10 : NAN);
        ictus_outfile_number(o, fit ? r->f.intercept : NAN);
        ictus_outfile_number(o, fit ? r->f.slope : NAN);
        ictus_outfile_number(o, fit ? sqrt(r->f.var_slope) : NAN);
        ictus_outfile_number(o, fit ? r->f.pearson_chi2 : NAN);
        ictus_outfile_number(o, fit ? r->f.df : NAN);
        ictus_outfile_number(o, fit ? r->f.gof_p : NAN);
        ictus_outfile_count(o, r->fit && !pi ? r->n_doses : -1);
        ictus_outfile_count(o, r->fit && !pi ? r->n_animals : -1);
        ictus_outfile_text(o, r->refused);
        ictus_outfile_text(o, k->settings_hash);
        ictus_out_char(o, '\n');
    }
}

ictus_status ictus_kindling_write(const ictus_kindling *k, const char *out_dir, ictus_error *err)
{
    ictus_status st = ictus_outfile_mkdir(out_dir, err);
    if (st == ICTUS_OK)
        st = ictus_outfile_write(out_dir, "kindling.csv", write_stims, k, err);
    if (st == ICTUS_OK)
        st = ictus_outfile_write(out_dir, "dose_response.csv", write_dr, k, err);
    return st;
}
