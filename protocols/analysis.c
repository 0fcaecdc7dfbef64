/* analysis.c: a study's analysis: settings, seizures, measures, classes, tests, CSV files. */
#include "protocols/analysis.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/outfile.h"
#include "base/params.h"
#include "base/path.h"
#include "base/strbuf.h"
#include "base/strpool.h"
#include "base/vec.h"
#include "base/walltime.h"
#include "protocols/analysable_cache.h"
#include "protocols/daily.h"
#include "protocols/hyperthermia.h"
#include "protocols/kindling.h"
#include "protocols/survival_outcomes.h"

#define S_PER_HOUR 3600.0
#define S_PER_DAY 86400.0

/* ------------------------------------------------------------------------
 * Settings
 * ---------------------------------------------------------------------- */

static const char *const event_filter_names[] = {"detected", "confirmed", "confirmed_or_score",
                                                 NULL};
/* What each filter counts, for analysis-settings.txt (events_counted=). */
static const char *const event_filter_rules[] = {
    "detected events not reviewed as not_seizure, and added events confirmed",
    "detected events reviewed as seizure, and added events confirmed",
    "detected events reviewed as seizure or unreviewed with score >= min_score, and added "
    "events confirmed",
};

#define A "analysis"
#define S ictus_analysis_settings
static const ictus_param settings_table[] = {
    ICTUS_PARAM_E(A, "baseline", S, baseline, ictus_baseline_rule_names),
    ICTUS_PARAM_E(A, "events", S, events, event_filter_names),
    ICTUS_PARAM_D(A, "responder_pct", S, rules.responder_pct, 0, 100),
    ICTUS_PARAM_D(A, "strict_pct", S, rules.strict_pct, 0, 100),
    ICTUS_PARAM_D(A, "worsening_pct", S, rules.worsening_pct, 0, 1e6),
    ICTUS_PARAM_D(A, "seizure_free_factor", S, rules.seizure_free_factor, 0.001, 1000),
    ICTUS_PARAM_D(A, "min_baseline_per_24h", S, rules.min_baseline_per_24h, 0, 1e6),
    ICTUS_PARAM_D(A, "min_analysable_h", S, rules.min_analysable_h, 0, 1e6),
    ICTUS_PARAM_D(A, "min_block_days", S, rules.min_block_days, 0, 1e4),
    ICTUS_PARAM_B(A, "require_tolerated", S, rules.require_tolerated),
    ICTUS_PARAM_I(A, "resistance_failures", S, rules.resistance_failures, 1, 100),
    ICTUS_PARAM_D(A, "cluster_gap_min", S, cluster_gap_min, 0.001, 1e6),
    ICTUS_PARAM_D(A, "ci_level", S, ci_level, 0.5, 0.9999),
    ICTUS_PARAM_I(A, "exact_max_n", S, exact_max_n, 0, 200),
};
/* Used by events = confirmed_or_score only, and described only then, so
 * that the settings text (and settings_hash) of the other modes stays as it
 * was before the setting existed. */
static const ictus_param score_table[] = {
    ICTUS_PARAM_D(A, "min_score", S, min_score, 0, 1),
};
#undef A
#undef S
#define N_SETTINGS (sizeof settings_table / sizeof settings_table[0])
#define N_SCORE_SETTINGS (sizeof score_table / sizeof score_table[0])

void ictus_analysis_settings_default(ictus_analysis_settings *s)
{
    *s = (ictus_analysis_settings){
        .baseline = ICTUS_BASELINE_ALL,
        .events = ICTUS_EVENTS_DETECTED,
        .min_score = 0.5,
        .cluster_gap_min = 60,
        .ci_level = 0.95,
        .exact_max_n = 50,
    };
    ictus_response_rules_default(&s->rules);
    ictus_dm_settings_default(&s->dm);
}

ictus_status ictus_analysis_settings_apply(ictus_analysis_settings *s, ictus_config *cfg,
                                           ictus_error *err)
{
    static const char *const own[] = {"analysis", NULL};
    ictus_status st = ictus_params_apply(settings_table, N_SETTINGS, s, cfg, err);
    if (st == ICTUS_OK)
        st = ictus_params_apply(score_table, N_SCORE_SETTINGS, s, cfg, err);
    if (st == ICTUS_OK)
        st = ictus_strata_settings_apply(&s->strata, cfg, err);
    if (st == ICTUS_OK)
        st = ictus_config_check_used(cfg, own, err);
    if (st == ICTUS_OK)
        st = ictus_dm_settings_apply(&s->dm, cfg, err);
    if (st == ICTUS_OK && s->rules.strict_pct < s->rules.responder_pct)
        st = ictus_fail(err, ICTUS_ERR_CONFIG, "settings: [analysis] strict_pct = %g is below "
                        "responder_pct = %g: a strict responder must also be a responder",
                        s->rules.strict_pct, s->rules.responder_pct);
    return st;
}

char *ictus_analysis_settings_text(const ictus_analysis_settings *s)
{
    size_t n_score = s->events == ICTUS_EVENTS_CONFIRMED_OR_SCORE ? N_SCORE_SETTINGS : 0;
    size_t len = 0;
    ictus_params_describe(settings_table, N_SETTINGS, s, NULL, 0, &len);
    ictus_params_describe(score_table, n_score, s, NULL, 0, &len);
    char *text = ictus_xmalloc(len + 1);
    size_t written = 0;
    ictus_params_describe(settings_table, N_SETTINGS, s, text, len + 1, &written);
    ictus_params_describe(score_table, n_score, s, text, len + 1, &written);
    return text;
}

/* ------------------------------------------------------------------------
 * Seizures from the store
 * ---------------------------------------------------------------------- */

typedef struct {
    ictus_seizure *items;
    size_t n, cap;
} seizure_list;

/* What a stored event was for the review columns of periods.csv. */
typedef enum {
    TALLY_UNREVIEWED = 0, /* detected, no decision */
    TALLY_REVIEWED,       /* detected, with a current decision */
    TALLY_ADDED,          /* added by a reviewer, counted */
} tally_kind;

/* One event of an animal as periods.csv's review columns count it. */
typedef struct {
    int64_t start_us;     /* wall clock, as it counts (corrected) */
    int type;             /* as ictus_seizure.type */
    tally_kind kind;
} tally_item;

typedef struct {
    tally_item *items;
    size_t n, cap;
} tally_list;

/* The events of one animal: those counted, and every one for the review columns. */
typedef struct {
    seizure_list seizures;
    tally_list tallies;
} animal_events;

/* What reading the events collects. */
typedef struct {
    ictus_analysis *an;
    animal_events *per_animal;      /* [study->n_animals] */
    const ictus_animal *last;       /* the animal of the previous row (rows come by animal) */
    char (*names)[ICTUS_TYPE_MAX];  /* type names in order of first appearance */
    int n_names, cap_names;
} event_reader;

static int type_index(event_reader *r, const char *type)
{
    for (int i = 0; i < r->n_names; i++)
        if (strcmp(r->names[i], type) == 0)
            return i;
    ICTUS_GROW(r->names, r->n_names + 1, r->cap_names);
    snprintf(r->names[r->n_names], ICTUS_TYPE_MAX, "%s", type);
    return r->n_names++;
}

/* The events of `animal` (its id as written); NULL (counted in
 * n_events_unknown_animal) for an animal not in animals.csv. */
static animal_events *events_of(event_reader *r, const char *animal)
{
    ictus_analysis *an = r->an;
    if (!r->last || strcmp(r->last->id, animal) != 0)
        r->last = ictus_study_animal(an->study, animal);
    if (!r->last) {
        an->n_events_unknown_animal++;
        return NULL;
    }
    return &r->per_animal[r->last - an->study->animals];
}

/* Note one event of `animal` from start_us to end_us for the review
 * columns (kind) and, when `counted`, as a seizure. */
static void add_event(event_reader *r, const char *animal, int64_t start_us, int64_t end_us,
                      const char *type, tally_kind kind, bool counted)
{
    animal_events *ev = events_of(r, animal);
    if (!ev || (kind == TALLY_ADDED && !counted))
        return;
    int t = type_index(r, type);
    ICTUS_GROW(ev->tallies.items, ev->tallies.n + 1, ev->tallies.cap);
    ev->tallies.items[ev->tallies.n++] = (tally_item){start_us, t, kind};
    if (counted) {
        ICTUS_GROW(ev->seizures.items, ev->seizures.n + 1, ev->seizures.cap);
        ev->seizures.items[ev->seizures.n++] = (ictus_seizure){start_us, end_us, t};
    }
}

/* Whether a detected event with this current verdict and score counts
 * under the settings (analysis.h, "Which events count"). */
static bool detected_counts(const ictus_analysis_settings *set, ictus_verdict verdict,
                            double score)
{
    switch ((ictus_event_filter)set->events) {
    case ICTUS_EVENTS_CONFIRMED:
        return verdict == ICTUS_VERDICT_SEIZURE;
    case ICTUS_EVENTS_CONFIRMED_OR_SCORE:
        return verdict == ICTUS_VERDICT_SEIZURE ||
               (verdict == ICTUS_VERDICT_NONE && score >= set->min_score);
    case ICTUS_EVENTS_DETECTED:
    case ICTUS_N_EVENT_FILTERS:
        break;
    }
    return verdict != ICTUS_VERDICT_NOT_SEIZURE;
}

static ictus_status read_event(void *ctx, const ictus_store_event_row *row, ictus_error *err)
{
    event_reader *r = ctx;
    ictus_analysis *an = r->an;
    an->n_events++;
    an->n_by_verdict[row->verdict]++;
    bool counted = detected_counts(&an->settings, row->verdict, row->event.score);
    an->n_events_excluded += !counted;
    ictus_event e = ictus_store_event_effective(row);
    add_event(r, row->animal, e.wall_start_us, e.wall_start_us + (e.end_us - e.start_us), e.type,
              row->verdict == ICTUS_VERDICT_NONE ? TALLY_UNREVIEWED : TALLY_REVIEWED, counted);
    return ICTUS_OK;
}

/* An added event: counted, in every mode, when its current verdict is seizure. */
static ictus_status read_added(void *ctx, const ictus_store_decision *d, ictus_error *err)
{
    event_reader *r = ctx;
    ictus_analysis *an = r->an;
    const ictus_store_review *v = &d->review;
    bool counted = v->verdict == ICTUS_VERDICT_SEIZURE;
    if (!d->recording_id) {
        an->n_added_unplaced++;
        return ICTUS_OK;
    }
    *(counted ? &an->n_added_counted : &an->n_added_excluded) += 1;
    int64_t start = v->has_fixed_edges ? v->fixed_start_us : v->start_us;
    int64_t end = v->has_fixed_edges ? v->fixed_end_us : v->end_us;
    add_event(r, v->animal, d->recording_start_us + start, d->recording_start_us + end,
              v->type[0] ? v->type : ICTUS_ANALYSIS_DEFAULT_TYPE, TALLY_ADDED, counted);
    return ICTUS_OK;
}

static int by_type_name(const void *a, const void *b)
{
    return strcmp(*(const char (*)[ICTUS_TYPE_MAX])a, *(const char (*)[ICTUS_TYPE_MAX])b);
}

/* ------------------------------------------------------------------------
 * Recordings (for n_recordings, presets, provenance and events files)
 * ---------------------------------------------------------------------- */

typedef struct {
    char *animal;
    char *name;                /* the file name, without directories; NULL unless an
                                  events file names recordings (with_names) */
    int64_t start_us, end_us;
    char *preset;
} recording_span;

typedef struct {
    ictus_analysis *an;
    recording_span *items;
    size_t n, cap;
    ictus_strpool text;            /* the items' strings */
    bool with_names;               /* keep each item's name (find_recording()) */
    bool have_last;                /* the last recording's detection, already added: */
    ictus_hash128 last_params;     /* its parameters' hash (its preset: the last item's) */
} recording_list;

static void add_detection(ictus_analysis *an, const char *text)
{
    for (int i = 0; i < an->n_detection; i++)
        if (strcmp(an->detection[i], text) == 0)
            return;
    ICTUS_GROW(an->detection, an->n_detection + 1, an->cap_detection_);
    an->detection[an->n_detection++] = ictus_xstrdup(text);
}

static ictus_status read_recording(void *ctx, const ictus_store_recording *rec, ictus_error *err)
{
    recording_list *l = ctx;
    if (!rec->has_results)
        return ICTUS_OK;
    ICTUS_GROW(l->items, l->n + 1, l->cap);
    const char *slash = strrchr(rec->path, '/');
    const recording_span *prev = l->n ? &l->items[l->n - 1] : NULL;
    /* the store lists recordings by animal: a run of them shares its animal and preset */
    l->items[l->n] = (recording_span){
        ictus_strpool_keep_like(&l->text, rec->animal, prev ? prev->animal : NULL),
        l->with_names ? ictus_strpool_keep(&l->text, slash ? slash + 1 : rec->path) : NULL,
        rec->start_us,
        rec->start_us + rec->duration_us,
        ictus_strpool_keep_like(&l->text, rec->preset, prev ? prev->preset : NULL)};
    l->n++;
    /* the same detection as the recording before (the usual case): already listed */
    if (l->have_last && prev && strcmp(prev->preset, rec->preset) == 0 &&
        ictus_hash128_equal(l->last_params, rec->params_hash))
        return ICTUS_OK;
    l->have_last = true;
    l->last_params = rec->params_hash;
    char hash[ICTUS_HASH_HEX_SIZE];
    ictus_strbuf text = {0};
    ictus_strbuf_addf(&text, "%s params=%s", rec->preset,
                      ictus_hash128_format(rec->params_hash, hash));
    add_detection(l->an, ictus_strbuf_text(&text));
    ictus_strbuf_free(&text);
    return ICTUS_OK;
}

static void recording_list_clear(recording_list *l)
{
    ictus_strpool_free(&l->text);
    free(l->items);
}

/* The recordings of `animal`: items[*lo, *hi).  The store lists them by
 * animal (then path), in strcmp order: a binary search finds the run. */
static void animal_recordings(const recording_list *l, const char *animal, size_t *lo,
                              size_t *hi)
{
    size_t a = 0, b = l->n;
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        if (strcmp(l->items[mid].animal, animal) < 0)
            a = mid + 1;
        else
            b = mid;
    }
    *lo = a;
    for (b = a; b < l->n && strcmp(l->items[b].animal, animal) == 0; b++)
        ;
    *hi = b;
}

/* Count the recordings of `animal` overlapping [t0, t1) and join their
 * distinct presets into a new string kept by the analysis. */
static const char *recordings_over(ictus_analysis *an, const recording_list *l,
                                   const char *animal, int64_t t0, int64_t t1, int *n_recordings)
{
    size_t lo, hi;
    animal_recordings(l, animal, &lo, &hi);
    const char **distinct = ictus_xmalloc((hi > lo ? hi - lo : 1) * sizeof *distinct);
    int n_distinct = 0;
    *n_recordings = 0;
    for (size_t i = lo; i < hi; i++) {
        const recording_span *r = &l->items[i];
        if (r->end_us <= t0 || r->start_us >= t1)
            continue;
        ++*n_recordings;
        bool seen = false;
        for (int j = 0; j < n_distinct && !seen; j++)
            seen = strcmp(distinct[j], r->preset) == 0;
        if (!seen)
            distinct[n_distinct++] = r->preset;
    }
    ictus_strbuf joined = {0};
    for (int j = 0; j < n_distinct; j++) {
        ictus_strbuf_add(&joined, j ? "|" : "");
        ictus_strbuf_add(&joined, distinct[j]);
    }
    char *presets = ictus_strbuf_take(&joined);
    free(distinct);
    ICTUS_GROW(an->preset_texts_, an->n_preset_texts_ + 1, an->cap_preset_texts_);
    an->preset_texts_[an->n_preset_texts_++] = presets;
    return presets;
}

/* ------------------------------------------------------------------------
 * Seizures from an events file, and every seizure
 * ---------------------------------------------------------------------- */

/* The stored recording named `name` (no directories) of `animal` ("": the
 * first of that name), or NULL.  The list was read with_names. */
static const recording_span *find_recording(const recording_list *l, const char *name,
                                            const char *animal)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i].name, name) == 0 &&
            (!*animal || strcmp(l->items[i].animal, animal) == 0))
            return &l->items[i];
    return NULL;
}

/* The wall-clock span of row `row` of an events file (columns c[]: start,
 * end, recording, animal): naive local times, or seconds from the start of
 * the stored recording it names.  *animal becomes the recording's animal
 * when the row names none. */
static ictus_status csv_event_times(const ictus_csv *t, int row, const int *c, bool wall,
                                    const recording_list *recs, const char **animal,
                                    int64_t *start_us, int64_t *end_us, ictus_error *err)
{
    char where[512];
    if (wall) {
        for (int k = 0; k < 2; k++)
            if (!ictus_walltime_parse(ictus_csv_field(t, row, c[k]), k ? end_us : start_us))
                return ictus_fail(err, ICTUS_ERR_DATA, "%s: expected a date-time "
                                  "YYYY-MM-DDTHH:MM:SS[.fff], got \"%s\"",
                                  ictus_csv_where(t, row, c[k], where, sizeof where),
                                  ictus_csv_field(t, row, c[k]));
        if (!**animal)
            return ictus_fail(err, ICTUS_ERR_DATA, "%s: expected the animal of a row with "
                              "start,end times, got an empty field",
                              ictus_csv_where(t, row, c[3], where, sizeof where));
        return ICTUS_OK;
    }
    const char *file = ictus_csv_field(t, row, c[2]), *slash = strrchr(file, '/');
    const recording_span *rec = find_recording(recs, slash ? slash + 1 : file, *animal);
    if (!rec)
        return ictus_fail(err, ICTUS_ERR_DATA, "%s: no recording \"%s\"%s%s with results in "
                          "the study's ictus.db (start_s counts from its start)",
                          ictus_csv_where(t, row, c[2], where, sizeof where), file,
                          **animal ? " of animal " : "", *animal);
    double s[2];
    for (int k = 0; k < 2; k++) {
        ictus_status st = ictus_csv_double(t, row, c[k], &s[k], err);
        if (st != ICTUS_OK)
            return st;
    }
    if (!**animal)
        *animal = rec->animal;
    *start_us = rec->start_us + llround(s[0] * 1e6);
    *end_us = rec->start_us + llround(s[1] * 1e6);
    return ICTUS_OK;
}

/* Every row of the events file `path` is a seizure (no review applies). */
static ictus_status read_csv_events(event_reader *r, const char *path,
                                    const recording_list *recs, ictus_error *err)
{
    ictus_csv *t;
    ictus_status st = ictus_csv_read(path, &t, err);
    if (st != ICTUS_OK)
        return st;
    bool wall = ictus_csv_column(t, "start_s") < 0 || ictus_csv_column(t, "end_s") < 0;
    int c[4] = {ictus_csv_column(t, wall ? "start" : "start_s"),
                ictus_csv_column(t, wall ? "end" : "end_s"), ictus_csv_column(t, "recording"),
                ictus_csv_column(t, "animal")};
    int type_col = ictus_csv_column(t, "type");
    static const char *const need[2][3] = {{"start_s", "end_s", "recording"},
                                           {"start", "end", "animal"}};
    if (wall && (c[0] < 0 || c[1] < 0))
        st = ictus_fail(err, ICTUS_ERR_FORMAT, "%s: missing columns: start_s, end_s (seconds "
                        "from the start of a recording, with recording) or start, end "
                        "(date-times, with animal)", path);
    else if ((wall ? c[3] : c[2]) < 0)
        st = ictus_csv_require(t, need[wall], 3, err);
    char where[512];
    for (int row = 0; row < ictus_csv_rows(t) && st == ICTUS_OK; row++) {
        const char *animal = ictus_csv_field(t, row, c[3]);
        const char *type = ictus_csv_field(t, row, type_col);
        int64_t start_us, end_us;
        st = csv_event_times(t, row, c, wall, recs, &animal, &start_us, &end_us, err);
        if (st == ICTUS_OK && end_us <= start_us)
            st = ictus_fail(err, ICTUS_ERR_DATA, "%s: the end is not after the start",
                            ictus_csv_where(t, row, c[1], where, sizeof where));
        if (st != ICTUS_OK)
            break;
        r->an->n_events++;
        add_event(r, animal, start_us, end_us, *type ? type : ICTUS_ANALYSIS_DEFAULT_TYPE,
                  TALLY_UNREVIEWED, true);
    }
    ictus_csv_destroy(t);
    return st;
}

/* Read every event (from the store, or from the file `events_csv` when not
 * NULL) into per_animal[], then number the types by name from 1 (0 is
 * "all") and merge each animal's overlapping seizures. */
static ictus_status read_seizures(ictus_analysis *an, ictus_store *store, const char *events_csv,
                                  const recording_list *recs, animal_events *per_animal,
                                  ictus_error *err)
{
    event_reader r = {.an = an, .per_animal = per_animal};
    ictus_status st;
    if (events_csv) {
        st = read_csv_events(&r, events_csv, recs, err);
    } else {
        ictus_store_event_query q = {.t0_us = ICTUS_STORE_TIME_MIN, .t1_us = ICTUS_STORE_TIME_MAX};
        st = ictus_store_each_event(store, &q, read_event, &r, err);
        if (st == ICTUS_OK)
            st = ictus_store_each_added(store, NULL, read_added, &r, err);
    }
    an->n_types = r.n_names + 1;
    an->types = ictus_xcalloc((size_t)an->n_types, sizeof *an->types);
    snprintf(an->types[0], ICTUS_TYPE_MAX, "all");
    if (r.n_names)
        memcpy(an->types + 1, r.names, (size_t)r.n_names * sizeof *r.names);
    qsort(an->types + 1, (size_t)r.n_names, sizeof *an->types, by_type_name);
    int *renumber = ictus_xmalloc((size_t)(r.n_names ? r.n_names : 1) * sizeof *renumber);
    for (int i = 0; i < r.n_names; i++)
        for (int j = 1; j < an->n_types; j++)
            if (strcmp(r.names[i], an->types[j]) == 0)
                renumber[i] = j;
    for (int a = 0; a < an->study->n_animals; a++) {
        seizure_list *list = &per_animal[a].seizures;
        for (size_t i = 0; i < list->n; i++)
            list->items[i].type = renumber[list->items[i].type];
        list->n = ictus_seizures_merge(list->items, list->n);
        an->n_seizures += (int64_t)list->n;
        tally_list *tallies = &per_animal[a].tallies;
        for (size_t i = 0; i < tallies->n; i++)
            tallies->items[i].type = renumber[tallies->items[i].type];
    }
    free(renumber);
    free(r.names);
    return st;
}

/* ------------------------------------------------------------------------
 * Per animal: timelines, period rows, outcomes
 * ---------------------------------------------------------------------- */

typedef struct {
    ictus_store *store;
    const char *animal;
} store_time;

static ictus_status store_analysable(void *ctx, int64_t t0_us, int64_t t1_us, double *seconds,
                                     ictus_error *err)
{
    const store_time *t = ctx;
    return ictus_store_analysable_s(t->store, t->animal, ICTUS_STORE_ALL_CHANNELS, t0_us, t1_us,
                                    seconds, err);
}

/* Pointers to the timelines of the periods marked in mask[0..n_periods) into
 * out[]; returns how many. */
static int pick_masked(const ictus_timeline *tls, const bool *mask, int n_periods,
                       const ictus_timeline **out)
{
    int n = 0;
    for (int i = 0; i < n_periods; i++)
        if (mask[i])
            out[n++] = &tls[i];
    return n;
}

/* The review columns of a period row: the events of type t (0: all) that
 * start in [t0, t1). */
static void tally_period(const tally_list *l, int t, int64_t t0, int64_t t1,
                         ictus_period_result *r)
{
    for (size_t i = 0; i < l->n; i++) {
        const tally_item *e = &l->items[i];
        if (e->start_us < t0 || e->start_us >= t1 || (t != 0 && e->type != t))
            continue;
        r->n_detected += e->kind != TALLY_ADDED;
        r->n_reviewed += e->kind == TALLY_REVIEWED;
        r->n_added += e->kind == TALLY_ADDED;
    }
}

/* The kept strata.h label of `animal` at t_us, or NULL. */
static const char *stratum_at(ictus_analysis *an, const ictus_animal *animal, int64_t t_us)
{
    char label[ICTUS_STRATUM_LABEL_MAX];
    if (!ictus_strata_label(&an->settings.strata, animal, t_us, label, sizeof label))
        return NULL;
    return ictus_strata_labels_keep(&an->stratum_labels_, label);
}

static void add_period_rows(ictus_analysis *an, int a, const ictus_timeline *tls,
                            const tally_list *tallies, const recording_list *recs, size_t *cap)
{
    const ictus_animal *animal = &an->study->animals[a];
    const ictus_timeline **picked = ictus_xmalloc((size_t)animal->n_periods * sizeof *picked);
    bool *mask = ictus_xmalloc((size_t)animal->n_periods * sizeof *mask);
    double gap_s = an->settings.cluster_gap_min * 60;
    for (int p = 0; p < animal->n_periods; p++) {
        const ictus_period *period = &animal->periods[p];
        int n_ref = ictus_period_reference(animal, p, an->settings.baseline, mask);
        pick_masked(tls, mask, animal->n_periods, picked);
        int n_recordings;
        const char *presets = recordings_over(an, recs, animal->id, period->start_us,
                                              period->end_us, &n_recordings);
        const ictus_timeline *own = &tls[p];
        for (int t = 0; t < an->n_types; t++) {
            int type = t == 0 ? ICTUS_ALL_TYPES : t;
            ICTUS_GROW(an->periods, an->n_periods + 1, *cap);
            ictus_period_result *r = &an->periods[an->n_periods++];
            *r = (ictus_period_result){.animal = a, .period = p, .type = t,
                                       .has_reference = n_ref > 0, .pct_change = NAN,
                                       .n_recordings = n_recordings, .presets = presets};
            ictus_measures_compute(&own, 1, type, gap_s, &r->m);
            tally_period(tallies, t, period->start_us, period->end_us, r);
            r->stratum = stratum_at(an, animal, period->start_us);
            if (n_ref > 0) {
                ictus_measures_compute(picked, n_ref, type, gap_s, &r->ref);
                r->pct_change = ictus_pct_change(r->m.rate_per_24h, r->ref.rate_per_24h);
            }
        }
    }
    free(picked);
    free(mask);
}

/* The course and drug resistance for type t over one animal's outcomes
 * o[0..n) (all its types, in condition order). */
static void add_sequence(ictus_analysis *an, ictus_outcome *o, size_t n, int t)
{
    ictus_response_class *classes = ictus_xmalloc((n ? n : 1) * sizeof *classes);
    ictus_course *course = ictus_xmalloc((n ? n : 1) * sizeof *course);
    ictus_trial_outcome *trials = ictus_xmalloc((n ? n : 1) * sizeof *trials);
    ictus_outcome **treated = ictus_xmalloc((n ? n : 1) * sizeof *treated);
    int m = 0;
    for (size_t i = 0; i < n; i++)
        if (o[i].type == t && o[i].condition->kind == ICTUS_PERIOD_TREATMENT) {
            treated[m] = &o[i];
            classes[m] = o[i].response.cls;
            trials[m] = (ictus_trial_outcome){o[i].condition->drug, o[i].trial == 0,
                                              o[i].response.cls};
            m++;
        }
    ictus_response_course(classes, m, course);
    int n_failed;
    ictus_resistance r = ictus_drug_resistance(trials, m, an->settings.rules.resistance_failures,
                                               &n_failed);
    for (int i = 0; i < m; i++)
        treated[i]->course = course[i];
    for (size_t i = 0; i < n; i++)
        if (o[i].type == t) {
            o[i].resistance = r;
            o[i].n_failed_drugs = n_failed;
        }
    free(classes);
    free(course);
    free(trials);
    free(treated);
}

static void add_outcomes(ictus_analysis *an, int a, const ictus_timeline *tls, size_t *cap)
{
    const ictus_animal *animal = &an->study->animals[a];
    const ictus_plan *plan = &an->plans[a];
    const ictus_timeline **own = ictus_xmalloc((size_t)animal->n_periods * sizeof *own);
    const ictus_timeline **ref = ictus_xmalloc((size_t)animal->n_periods * sizeof *ref);
    double gap_s = an->settings.cluster_gap_min * 60;
    size_t first = an->n_outcomes;
    for (int c = 0; c < plan->n_conditions; c++) {
        const ictus_condition *cond = &plan->conditions[c];
        for (int i = 0; i < cond->n_periods; i++)
            own[i] = &tls[cond->periods[i]];
        int n_ref = pick_masked(tls, cond->reference, animal->n_periods, ref);
        for (int t = 0; t < an->n_types; t++) {
            int type = t == 0 ? ICTUS_ALL_TYPES : t;
            ICTUS_GROW(an->outcomes, an->n_outcomes + 1, *cap);
            ictus_outcome *o = &an->outcomes[an->n_outcomes++];
            *o = (ictus_outcome){.animal = a, .animal_id = animal->id, .group = animal->group,
                                 .condition = cond, .type = t, .has_reference = n_ref > 0};
            o->stratum = stratum_at(an, animal, cond->first_start_us);
            ictus_measures_compute(own, cond->n_periods, type, gap_s, &o->m);
            if (n_ref > 0)
                ictus_measures_compute(ref, n_ref, type, gap_s, &o->ref);
            o->response = (ictus_response){ICTUS_CLASS_UNDETERMINED, ICTUS_WHY_NONE, NAN, NAN};
            if (cond->kind != ICTUS_PERIOD_BASELINE)
                ictus_response_classify(&o->m, n_ref > 0 ? &o->ref : NULL, &an->settings.rules,
                                        &o->response);
            if (cond->kind == ICTUS_PERIOD_TREATMENT)
                o->trial = ictus_response_trial(cond, &an->settings.rules);
        }
    }
    for (int t = 0; t < an->n_types; t++)
        add_sequence(an, an->outcomes + first, an->n_outcomes - first, t);
    free(own);
    free(ref);
}

/* The span of animal a's stored recordings (and of its seizures, when an
 * events file gave them) into [*first, *last); empty (first > last) when
 * there is neither. */
static void animal_span(const ictus_analysis *an, int a, const animal_events *events,
                        const recording_list *recs, int64_t *first, int64_t *last)
{
    const ictus_animal *animal = &an->study->animals[a];
    *first = INT64_MAX;
    *last = INT64_MIN;
    size_t lo, hi;
    animal_recordings(recs, animal->id, &lo, &hi);
    for (size_t i = lo; i < hi; i++) {
        *first = recs->items[i].start_us < *first ? recs->items[i].start_us : *first;
        *last = recs->items[i].end_us > *last ? recs->items[i].end_us : *last;
    }
    for (size_t i = 0; i < events->seizures.n; i++) {
        int64_t t = events->seizures.items[i].start_us;
        *first = t < *first ? t : *first;
        *last = t + 1 > *last ? t + 1 : *last;
    }
}

/* The animal's analysable time asked of the store once per stretch between
 * the points its period timelines and its daily.csv rows ask about: period
 * edges, seizure onsets and the midnights of the days in [first, last). */
static ictus_status cache_analysable(const ictus_animal *animal, const animal_events *events,
                                     int64_t first, int64_t last, store_time *when,
                                     ictus_analysable_cache *cache, ictus_error *err)
{
    int64_t *points = NULL;
    size_t n = 0, cap = 0;
    for (int p = 0; p < animal->n_periods; p++) {
        ICTUS_GROW(points, n + 2, cap);
        points[n++] = animal->periods[p].start_us;
        points[n++] = animal->periods[p].end_us;
    }
    for (size_t i = 0; i < events->seizures.n; i++) {
        ICTUS_GROW(points, n + 1, cap);
        points[n++] = events->seizures.items[i].start_us;
    }
    for (int64_t d = first < last ? ictus_daily_day_start(first) : INT64_MAX; d < INT64_MAX;
         d += ICTUS_US_PER_DAY) {
        ICTUS_GROW(points, n + 1, cap);
        points[n++] = d;
        if (d >= last)
            break;
    }
    ictus_status st = ictus_analysable_cache_build(cache, points, n, store_analysable, when, err);
    free(points);
    return st;
}

static ictus_status analyse_animal(ictus_analysis *an, ictus_store *store, int a,
                                   const animal_events *events, const recording_list *recs,
                                   size_t *cap_periods, size_t *cap_outcomes, ictus_error *err)
{
    const ictus_animal *animal = &an->study->animals[a];
    ictus_plan_build(animal, an->settings.baseline, &an->plans[a]);
    ictus_timeline *tls = ictus_xcalloc((size_t)(animal->n_periods ? animal->n_periods : 1),
                                        sizeof *tls);
    store_time when = {store, animal->id};
    int64_t first, last;
    animal_span(an, a, events, recs, &first, &last);
    ictus_analysable_cache cache;
    ictus_status st = cache_analysable(animal, events, first, last, &when, &cache, err);
    for (int p = 0; p < animal->n_periods && st == ICTUS_OK; p++)
        st = ictus_timeline_build(events->seizures.items, events->seizures.n,
                                  animal->periods[p].start_us, animal->periods[p].end_us,
                                  ictus_analysable_cached, &cache, &tls[p], err);
    if (st == ICTUS_OK) {
        add_period_rows(an, a, tls, &events->tallies, recs, cap_periods);
        add_outcomes(an, a, tls, cap_outcomes);
        st = ictus_daily_add_animal(an->daily, animal, a, an->n_types, events->seizures.items,
                                    events->seizures.n, first, last, ictus_analysable_cached,
                                    &cache, err);
        if (st == ICTUS_OK && an->dm)
            st = ictus_dm_add_animal(an->dm, a, &an->plans[a], events->seizures.items,
                                     events->seizures.n, store_analysable, &when, err);
    }
    ictus_analysable_cache_clear(&cache);
    for (int p = 0; p < animal->n_periods; p++)
        ictus_timeline_clear(&tls[p]);
    free(tls);
    return st;
}

/* ------------------------------------------------------------------------
 * The whole study
 * ---------------------------------------------------------------------- */

/* Time to event and survival (survival_outcomes.h) from each animal's counted seizures. */
static ictus_status survival_outcomes(ictus_analysis *an, ictus_store *store,
                                      const animal_events *events, ictus_error *err)
{
    int n = an->study->n_animals ? an->study->n_animals : 1;
    const ictus_seizure **seizures = ictus_xcalloc((size_t)n, sizeof *seizures);
    size_t *n_seizures = ictus_xcalloc((size_t)n, sizeof *n_seizures);
    for (int a = 0; a < an->study->n_animals; a++) {
        seizures[a] = events[a].seizures.items;
        n_seizures[a] = events[a].seizures.n;
    }
    ictus_status st = ictus_survival_outcomes_compute(an, store, seizures, n_seizures,
                                                      &an->survival, err);
    free(seizures);
    free(n_seizures);
    return st;
}

/* Settings come through ictus_analysis_settings_apply(), which keeps them in range. */
static bool settings_in_range(const ictus_analysis_settings *s)
{
    const ictus_response_rules *r = &s->rules;
    return s->baseline >= 0 && s->baseline < ICTUS_N_BASELINE_RULES && s->events >= 0 &&
           s->events < ICTUS_N_EVENT_FILTERS && r->responder_pct >= 0 &&
           r->strict_pct >= r->responder_pct && r->worsening_pct >= 0 &&
           r->seizure_free_factor > 0 && r->min_baseline_per_24h >= 0 &&
           r->min_analysable_h >= 0 && r->min_block_days >= 0 && r->resistance_failures >= 1 &&
           s->cluster_gap_min > 0 && s->ci_level > 0 && s->ci_level < 1 && s->exact_max_n >= 0;
}

/* The hyperthermia sessions (hyperthermia.h) with each animal's counted seizures. */
static ictus_status hyperthermia_of(ictus_analysis *an, ictus_store *store,
                                    const animal_events *events, ictus_error *err)
{
    int n = an->study->n_animals ? an->study->n_animals : 1;
    const ictus_seizure **sz = ictus_xcalloc((size_t)n, sizeof *sz);
    size_t *n_sz = ictus_xcalloc((size_t)n, sizeof *n_sz);
    for (int a = 0; a < an->study->n_animals; a++) {
        sz[a] = events[a].seizures.items;
        n_sz[a] = events[a].seizures.n;
    }
    ictus_status st = ictus_hyperthermia_compute(an, store, sz, n_sz, &an->hyperthermia, err);
    free(sz);
    free(n_sz);
    return st;
}

ictus_status ictus_analysis_compute(const ictus_study *study, ictus_store *store,
                                    const ictus_analysis_settings *set, ictus_analysis **out,
                                    ictus_error *err)
{
    return ictus_analysis_compute_from(study, store, NULL, set, out, err);
}

ictus_status ictus_analysis_compute_from(const ictus_study *study, ictus_store *store,
                                         const char *events_csv,
                                         const ictus_analysis_settings *set,
                                         ictus_analysis **out, ictus_error *err)
{
    assert(settings_in_range(set));
    *out = NULL;
    ictus_analysis *an = ictus_xcalloc(1, sizeof *an);
    an->study = study;
    an->settings = *set;
    an->settings_text = ictus_analysis_settings_text(set);
    ictus_hash128_format(ictus_hash_bytes(an->settings_text, strlen(an->settings_text)),
                         an->settings_hash);
    an->events_csv = events_csv ? ictus_xstrdup(events_csv) : NULL;
    an->plans = ictus_xcalloc((size_t)(study->n_animals ? study->n_animals : 1),
                              sizeof *an->plans);
    animal_events *events = ictus_xcalloc((size_t)(study->n_animals ? study->n_animals : 1),
                                          sizeof *events);
    /* the recordings' names only serve an events file's rows: 160,000 of them
     * would be megabytes */
    recording_list recs = {.an = an, .with_names = events_csv != NULL};
    /* one read transaction for the analysis' many small queries (analysable
     * time per stretch, channels per session): one snapshot, locks once */
    bool in_read;
    ictus_status st = ictus_store_read_begin(store, &in_read, err);
    if (st == ICTUS_OK)
        st = ictus_store_each_recording(store, read_recording, &recs, err);
    if (st == ICTUS_OK)
        st = read_seizures(an, store, events_csv, &recs, events, err);
    size_t cap_periods = 0, cap_outcomes = 0;
    if (st == ICTUS_OK && ictus_dm_used(study))
        an->dm = ictus_dm_create(study, &set->dm, (ictus_baseline_rule)set->baseline,
                                 set->cluster_gap_min * 60, an->n_types, an->settings_text);
    an->daily = ictus_daily_create();
    for (int a = 0; a < study->n_animals && st == ICTUS_OK; a++)
        st = analyse_animal(an, store, a, &events[a], &recs, &cap_periods, &cap_outcomes, err);
    /* nothing below lists recordings from it: freed before the hyperthermia,
     * kindling and survival parts make their own, lower peak memory */
    recording_list_clear(&recs);
    recs = (recording_list){0};
    if (st == ICTUS_OK && an->dm)
        st = ictus_dm_finish(an->dm, err);
    if (st == ICTUS_OK) {
        ictus_test_options opt = {set->ci_level, set->exact_max_n};
        st = ictus_comparisons_compute(an->outcomes, an->n_outcomes, an->n_types, &opt,
                                       &an->comparisons, &an->n_comparisons, err);
        ictus_strata_by_text(&set->strata, an->strata_by, sizeof an->strata_by);
        if (st == ICTUS_OK && set->strata.n_keys > 0)
            st = ictus_strata_comparisons(an->outcomes, an->n_outcomes, an->n_types, &opt,
                                          an->strata_by, &an->stratum_comparisons,
                                          &an->n_stratum_comparisons, err);
    }
    if (st == ICTUS_OK)
        st = hyperthermia_of(an, store, events, err);
    if (st == ICTUS_OK)
        st = ictus_kindling_compute(study, store, set->ci_level, an->settings_text, &an->kindling,
                                    err);
    if (st == ICTUS_OK)
        st = survival_outcomes(an, store, events, err);
    for (int a = 0; a < study->n_animals; a++) {
        free(events[a].seizures.items);
        free(events[a].tallies.items);
    }
    free(events);
    recording_list_clear(&recs);
    ictus_store_read_end(store, in_read);
    if (st != ICTUS_OK) {
        ictus_analysis_destroy(an);
        return st;
    }
    *out = an;
    return ICTUS_OK;
}

void ictus_analysis_destroy(ictus_analysis *an)
{
    if (!an)
        return;
    for (int a = 0; a < an->study->n_animals; a++)
        ictus_plan_clear(&an->plans[a]);
    free(an->plans);
    free(an->settings_text);
    free(an->events_csv);
    free(an->types);
    free(an->periods);
    free(an->outcomes);
    free(an->comparisons);
    ictus_dm_destroy(an->dm);
    ictus_hyperthermia_destroy(an->hyperthermia);
    ictus_kindling_destroy(an->kindling);
    free(an->stratum_comparisons);
    ictus_strata_labels_clear(&an->stratum_labels_);
    for (int i = 0; i < an->n_detection; i++)
        free(an->detection[i]);
    free(an->detection);
    for (size_t i = 0; i < an->n_preset_texts_; i++)
        free(an->preset_texts_[i]);
    free(an->preset_texts_);
    ictus_survival_outcomes_destroy(an->survival);
    ictus_daily_destroy(an->daily);
    free(an);
}

/* ------------------------------------------------------------------------
 * Writing
 * ---------------------------------------------------------------------- */

static const char *const tolerated_names[] = {"unknown", "yes", "no"};

/* ",TIME": a wall-clock time column. */
static void time_field(ictus_out *o, int64_t t_us)
{
    char buf[32];
    ictus_out_char(o, ',');
    ictus_out_str(o, ictus_walltime_format(t_us, buf, sizeof buf));
}

/* The baseline_analysable_h, baseline_count and baseline_rate_per_24h
 * columns: the reference measures, or empty without a reference. */
static void reference_fields(ictus_out *o, bool has_reference, const ictus_measures *ref)
{
    ictus_outfile_number(o, has_reference ? ref->analysable_s / S_PER_HOUR : NAN);
    ictus_outfile_count(o, has_reference ? ref->count : -1);
    ictus_outfile_number(o, has_reference ? ref->rate_per_24h : NAN);
}

void ictus_analysis_exposure_fields(ictus_out *o, const ictus_condition *c)
{
    ictus_outfile_text(o, ictus_period_kind_name(c->kind));
    ictus_outfile_text(o, c->kind == ICTUS_PERIOD_TREATMENT ? c->drug : "");
    ictus_outfile_number(o, c->dose_mg_kg);
    ictus_outfile_text(o, c->route);
}

/* The last column of a stratified analysis (strata.h): its name and the
 * header's newline; nothing more when not stratified. */
static void stratum_header(ictus_out *o, const ictus_analysis *an)
{
    ictus_out_str(o, an->settings.strata.n_keys ? ",stratum\n" : "\n");
}

static void stratum_field(ictus_out *o, const ictus_analysis *an, const char *label)
{
    if (an->settings.strata.n_keys)
        ictus_outfile_text(o, label);
}

static void write_periods(ictus_out *o, const void *ctx)
{
    const ictus_analysis *an = ctx;
    ictus_out_str(o, "animal,group,period,line,kind,drug,dose_mg_kg,route,tolerated,start,end,type,"
                     "span_h,analysable_h,n_recordings,presets,count,rate_per_24h,seizure_s,"
                     "burden_s_per_24h,burden_pct,mean_duration_s,median_duration_s,n_isi,"
                     "longest_isi_h,median_isi_h,isi_cv,cluster_share,baseline_analysable_h,"
                     "baseline_count,baseline_rate_per_24h,pct_change,settings_hash");
    for (int h = 0; h < 24; h++) {
        char name[32];
        snprintf(name, sizeof name, ",count_h%02d", h);
        ictus_out_str(o, name);
    }
    ictus_out_str(o, ",n_detected,n_reviewed,review_coverage,n_added");
    stratum_header(o, an);
    for (size_t i = 0; i < an->n_periods; i++) {
        const ictus_period_result *r = &an->periods[i];
        const ictus_animal *animal = &an->study->animals[r->animal];
        const ictus_period *p = &animal->periods[r->period];
        const ictus_measures *m = &r->m;
        ictus_out_field(o, animal->id);
        ictus_outfile_text(o, animal->group);
        ictus_outfile_count(o, r->period + 1);
        ictus_outfile_count(o, p->line);
        ictus_outfile_text(o, ictus_period_kind_name(p->kind));
        ictus_outfile_text(o, p->drug);
        ictus_outfile_number(o, p->dose_mg_kg);
        ictus_outfile_text(o, p->route);
        ictus_outfile_text(o, tolerated_names[p->tolerated]);
        time_field(o, p->start_us);
        time_field(o, p->end_us);
        ictus_outfile_text(o, an->types[r->type]);
        ictus_outfile_number(o, m->span_s / S_PER_HOUR);
        ictus_outfile_number(o, m->analysable_s / S_PER_HOUR);
        ictus_outfile_count(o, r->n_recordings);
        ictus_outfile_text(o, r->presets);
        ictus_outfile_count(o, m->count);
        ictus_outfile_number(o, m->rate_per_24h);
        ictus_outfile_number(o, m->seizure_s);
        ictus_outfile_number(o, m->burden_s_per_24h);
        ictus_outfile_number(o, m->burden_pct);
        ictus_outfile_number(o, m->mean_duration_s);
        ictus_outfile_number(o, m->median_duration_s);
        ictus_outfile_count(o, m->n_isi);
        ictus_outfile_number(o, m->longest_isi_s / S_PER_HOUR);
        ictus_outfile_number(o, m->median_isi_s / S_PER_HOUR);
        ictus_outfile_number(o, m->isi_cv);
        ictus_outfile_number(o, m->cluster_share);
        reference_fields(o, r->has_reference, &r->ref);
        ictus_outfile_number(o, r->pct_change);
        ictus_outfile_text(o, an->settings_hash);
        for (int h = 0; h < 24; h++)
            ictus_outfile_count(o, m->count_by_hour[h]);
        ictus_outfile_count(o, r->n_detected);
        ictus_outfile_count(o, r->n_reviewed);
        ictus_outfile_number(o, r->n_detected ? (double)r->n_reviewed / (double)r->n_detected
                                              : NAN);
        ictus_outfile_count(o, r->n_added);
        stratum_field(o, an, r->stratum ? r->stratum : "");
        ictus_out_char(o, '\n');
    }
}

/* dosing.csv lines of a condition's periods, "12|18". */
static void lines_field(ictus_out *o, const ictus_animal *animal, const ictus_condition *c)
{
    ictus_out_char(o, ',');
    for (int i = 0; i < c->n_periods; i++) {
        if (i)
            ictus_out_char(o, '|');
        ictus_out_int(o, animal->periods[c->periods[i]].line);
    }
}

static void write_responders(ictus_out *o, const void *ctx)
{
    const ictus_analysis *an = ctx;
    ictus_out_str(o, "animal,group,condition,drug,dose_mg_kg,route,target_dose_mg_kg,tolerated,"
                     "lines,first_start,last_end,type,block_days,analysable_h,count,rate_per_24h,"
                     "baseline_analysable_h,baseline_count,baseline_rate_per_24h,"
                     "baseline_longest_isi_h,pct_change,seizure_free_needed_h,class,"
                     "undetermined_why,trial,inadequate_why,course,failed_drugs,drug_resistance,"
                     "settings_hash");
    stratum_header(o, an);
    for (size_t i = 0; i < an->n_outcomes; i++) {
        const ictus_outcome *r = &an->outcomes[i];
        const ictus_condition *c = r->condition;
        if (c->kind == ICTUS_PERIOD_BASELINE)
            continue;
        const ictus_animal *animal = &an->study->animals[r->animal];
        bool treatment = c->kind == ICTUS_PERIOD_TREATMENT;
        ictus_out_field(o, animal->id);
        ictus_outfile_text(o, animal->group);
        ictus_outfile_text(o, ictus_period_kind_name(c->kind));
        ictus_outfile_text(o, c->drug);
        ictus_outfile_number(o, c->dose_mg_kg);
        ictus_outfile_text(o, c->route);
        ictus_outfile_number(o, c->target_dose_mg_kg);
        ictus_outfile_text(o, tolerated_names[c->tolerated]);
        lines_field(o, animal, c);
        time_field(o, c->first_start_us);
        time_field(o, c->last_end_us);
        ictus_outfile_text(o, an->types[r->type]);
        ictus_outfile_number(o, r->m.span_s / S_PER_DAY);
        ictus_outfile_number(o, r->m.analysable_s / S_PER_HOUR);
        ictus_outfile_count(o, r->m.count);
        ictus_outfile_number(o, r->m.rate_per_24h);
        reference_fields(o, r->has_reference, &r->ref);
        ictus_outfile_number(o, r->has_reference ? r->ref.longest_isi_s / S_PER_HOUR : NAN);
        ictus_outfile_number(o, r->response.pct_change);
        ictus_outfile_number(o, r->response.seizure_free_needed_s / S_PER_HOUR);
        ictus_outfile_text(o, ictus_class_name(r->response.cls));
        ictus_outfile_text(o, ictus_why_name(r->response.why));
        ictus_outfile_text(o, treatment ? (r->trial ? "inadequate" : "adequate") : "");
        char why[128];
        ictus_trial_reasons(r->trial, why, sizeof why);
        ictus_outfile_text(o, why);
        ictus_outfile_text(o, ictus_course_name(r->course));
        ictus_outfile_count(o, r->n_failed_drugs);
        ictus_outfile_text(o, ictus_resistance_name(r->resistance));
        ictus_outfile_text(o, an->settings_hash);
        stratum_field(o, an, r->stratum ? r->stratum : "");
        ictus_out_char(o, '\n');
    }
}

static void write_comparisons(ictus_out *o, const void *ctx)
{
    const ictus_analysis *an = ctx;
    ictus_out_str(o, "type,kind,drug,dose_mg_kg,route,test,versus,group_a,group_b,n,k,n_ref,k_ref,"
                     "count,ref_count,analysable_h,ref_analysable_h,estimate_of,estimate,ci_level,"
                     "ci_lo,ci_hi,statistic,p,note,settings_hash");
    stratum_header(o, an);
    for (size_t i = 0; i < an->n_comparisons + an->n_stratum_comparisons; i++) {
        const ictus_comparison *r = i < an->n_comparisons
                                        ? &an->comparisons[i]
                                        : &an->stratum_comparisons[i - an->n_comparisons];
        const ictus_condition *c = r->condition;
        ictus_out_field(o, an->types[r->type]);
        ictus_analysis_exposure_fields(o, c);
        ictus_outfile_text(o, ictus_test_name(r->test));
        ictus_outfile_text(o, ictus_versus_name(r->versus));
        ictus_outfile_text(o, r->group_a);
        ictus_outfile_text(o, r->group_b);
        ictus_outfile_count(o, r->n);
        ictus_outfile_count(o, r->k);
        ictus_outfile_count(o, r->n_ref);
        ictus_outfile_count(o, r->k_ref);
        ictus_outfile_count(o, r->count);
        ictus_outfile_count(o, r->ref_count);
        ictus_outfile_number(o, r->analysable_h);
        ictus_outfile_number(o, r->ref_analysable_h);
        ictus_outfile_text(o, ictus_comparison_estimate_of(r->test, c->kind));
        ictus_outfile_number(o, r->estimate);
        ictus_outfile_number(o, isnan(r->ci_lo) ? NAN : an->settings.ci_level);
        ictus_outfile_number(o, r->ci_lo);
        ictus_outfile_number(o, r->ci_hi);
        ictus_outfile_number(o, r->statistic);
        ictus_outfile_number(o, r->p);
        ictus_outfile_text(o, r->note);
        ictus_outfile_text(o, an->settings_hash);
        stratum_field(o, an, r->stratum ? r->stratum : "all");
        ictus_out_char(o, '\n');
    }
}

static void write_settings(ictus_out *o, const void *ctx)
{
    const ictus_analysis *an = ctx;
    ictus_out_printf(o,
                     "version=%s\nstudy=%s\nsettings_hash=%s\nevents_read=%lld\n"
                     "events_excluded=%lld\nevents_unknown_animal=%lld\nseizures=%lld\n",
                     ICTUS_VERSION, an->study->name, an->settings_hash, (long long)an->n_events,
                     (long long)an->n_events_excluded, (long long)an->n_events_unknown_animal,
                     (long long)an->n_seizures);
    ictus_out_printf(o,
                     "events_counted=%s\nevents_unreviewed=%lld\nevents_reviewed_seizure=%lld\n"
                     "events_reviewed_not_seizure=%lld\nevents_reviewed_unsure=%lld\n"
                     "added_counted=%lld\nadded_excluded=%lld\nadded_unplaced=%lld\n",
                     an->events_csv ? "every row of the events file"
                                    : event_filter_rules[an->settings.events],
                     (long long)an->n_by_verdict[ICTUS_VERDICT_NONE],
                     (long long)an->n_by_verdict[ICTUS_VERDICT_SEIZURE],
                     (long long)an->n_by_verdict[ICTUS_VERDICT_NOT_SEIZURE],
                     (long long)an->n_by_verdict[ICTUS_VERDICT_UNSURE],
                     (long long)an->n_added_counted, (long long)an->n_added_excluded,
                     (long long)an->n_added_unplaced);
    if (an->events_csv) {
        ictus_out_str(o, "events_file=");
        ictus_out_str(o, an->events_csv);
        ictus_out_char(o, '\n');
    }
    for (int i = 0; i < an->n_detection; i++) {
        ictus_out_str(o, "detection=");
        ictus_out_str(o, an->detection[i]);
        ictus_out_char(o, '\n');
    }
    char *strata = ictus_strata_settings_text(&an->settings.strata);
    ictus_out_str(o, strata);
    free(strata);
    ictus_out_str(o, an->settings_text);
    if (an->dm)
        ictus_out_str(o, an->dm->settings_text);
    ictus_hyperthermia_write_settings(o, an->hyperthermia);
    if (an->kindling)
        ictus_out_printf(o, "kindling_skipped=%d\n%s", an->kindling->n_skipped,
                         an->kindling->settings_text);
}

static void write_daily(ictus_out *o, const void *ctx)
{
    const ictus_analysis *an = ctx;
    ictus_daily_write_csv(o, an->daily, an->study, (const char (*)[ICTUS_TYPE_MAX])an->types,
                          an->settings_hash);
}

static void write_disease_modification(ictus_out *o, const void *ctx)
{
    const ictus_analysis *an = ctx;
    ictus_dm_write_csv(o, an->dm, (const char (*)[ICTUS_TYPE_MAX])an->types);
}

/* Remove DIR/NAME, a table this analysis does not write, when a previous one left it. */
static ictus_status remove_stale(const char *dir, const char *name, ictus_error *err)
{
    char path[ICTUS_PATH_MAX];
    ictus_status st = ictus_path_join(path, sizeof path, dir, name, err);
    if (st == ICTUS_OK && unlink(path) != 0 && errno != ENOENT)
        st = ictus_fail(err, ICTUS_ERR_IO, "%s: cannot remove: %s", path, strerror(errno));
    return st;
}

ictus_status ictus_analysis_write(const ictus_analysis *an, const char *out_dir,
                                  ictus_error *err)
{
    static const struct {
        const char *name;
        ictus_outfile_fill fill;
    } files[] = {
        {"periods.csv", write_periods},
        {"responders.csv", write_responders},
        {"comparisons.csv", write_comparisons},
        {"analysis-settings.txt", write_settings},
        {"daily.csv", write_daily},
    };
    ictus_status st = ictus_outfile_mkdir(out_dir, err);
    for (size_t i = 0; i < sizeof files / sizeof files[0] && st == ICTUS_OK; i++)
        st = ictus_outfile_write(out_dir, files[i].name, files[i].fill, an, err);
    if (st == ICTUS_OK && an->dm)
        st = ictus_outfile_write(out_dir, "disease_modification.csv", write_disease_modification,
                                 an, err);
    else if (st == ICTUS_OK)
        st = remove_stale(out_dir, "disease_modification.csv", err);
    if (st == ICTUS_OK)
        st = ictus_hyperthermia_write(an, out_dir, err);
    if (st == ICTUS_OK && an->kindling)
        st = ictus_kindling_write(an->kindling, out_dir, err);
    else if (st == ICTUS_OK)
        st = remove_stale(out_dir, "kindling.csv", err);
    if (st == ICTUS_OK && !an->kindling)
        st = remove_stale(out_dir, "dose_response.csv", err);
    if (st == ICTUS_OK && an->survival)
        st = ictus_survival_outcomes_write(an->survival, out_dir, err);
    return st;
}

/* ------------------------------------------------------------------------
 * From a directory
 * ---------------------------------------------------------------------- */

ictus_status ictus_analysis_load(const char *study_dir, const ictus_analysis_options *opt,
                                 ictus_study **study, ictus_analysis **an, ictus_error *err)
{
    return ictus_analysis_load_from(study_dir, opt, NULL, study, an, err);
}

ictus_status ictus_analysis_load_from(const char *study_dir, const ictus_analysis_options *opt,
                                      const char *events_csv, ictus_study **study,
                                      ictus_analysis **an, ictus_error *err)
{
    *an = NULL;
    ictus_status st = ictus_study_load(study_dir, study, err);
    if (st != ICTUS_OK)
        return st;
    ictus_analysis_settings set;
    ictus_analysis_settings_default(&set);
    for (int i = 0; opt && i < opt->n_assignments && st == ICTUS_OK; i++) {
        if (strncmp(opt->assignments[i], "analysis.", 9) != 0 &&
            strncmp(opt->assignments[i], "disease_modification.", 21) != 0)
            st = ictus_fail(err, ICTUS_ERR_USAGE, "--set %s: expected analysis.KEY=VALUE or "
                            "disease_modification.KEY=VALUE", opt->assignments[i]);
        else
            st = ictus_config_set((*study)->config, opt->assignments[i], err);
    }
    if (st == ICTUS_OK)
        st = ictus_analysis_settings_apply(&set, (*study)->config, err);
    char db[ICTUS_PATH_MAX];
    if (st == ICTUS_OK)
        st = ictus_path_join(db, sizeof db, study_dir, "ictus.db", err);
    if (st == ICTUS_OK && access(db, F_OK) != 0)
        st = ictus_fail(err, ICTUS_ERR_IO, "%s: missing: no results yet (run `ictus run %s` "
                        "first)", db, study_dir);
    ictus_store *store = NULL;
    if (st == ICTUS_OK)
        st = ictus_store_open(db, &store, err);
    if (st == ICTUS_OK)
        st = ictus_analysis_compute_from(*study, store, events_csv, &set, an, err);
    ictus_store_close(store);
    if (st != ICTUS_OK) {
        ictus_study_destroy(*study);
        *study = NULL;
    }
    return st;
}

static void copy_problems(ictus_problems *to, const ictus_problems *from)
{
    for (int i = 0; i < from->n; i++)
        ictus_problems_add(to, "%s", from->lines[i]);
}

ictus_status ictus_analysis_run(const char *study_dir, const ictus_analysis_options *opt,
                                ictus_analysis_summary *summary, ictus_error *err)
{
    *summary = (ictus_analysis_summary){0};
    ictus_study *study;
    ictus_analysis *an;
    ictus_status st = ictus_analysis_load(study_dir, opt, &study, &an, err);
    if (st != ICTUS_OK)
        return st;
    copy_problems(&summary->problems, &study->problems);
    st = ictus_path_join(summary->out_dir, sizeof summary->out_dir, study_dir, "out", err);
    if (st == ICTUS_OK)
        st = ictus_analysis_write(an, summary->out_dir, err);
    summary->n_animals = study->n_animals;
    summary->n_types = an->n_types - 1;
    summary->n_seizures = an->n_seizures;
    summary->n_period_rows = an->n_periods;
    for (size_t i = 0; i < an->n_outcomes; i++)
        summary->n_responder_rows += an->outcomes[i].condition->kind != ICTUS_PERIOD_BASELINE;
    summary->n_comparison_rows = an->n_comparisons + an->n_stratum_comparisons;
    ictus_analysis_destroy(an);
    ictus_study_destroy(study);
    return st;
}

void ictus_analysis_summary_clear(ictus_analysis_summary *summary)
{
    ictus_problems_clear(&summary->problems);
    *summary = (ictus_analysis_summary){0};
}
