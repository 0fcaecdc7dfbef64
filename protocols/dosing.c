/* dosing.c: dosing.csv rows checked one by one, then each animal's periods ordered by start. */
#include "protocols/dosing.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocols/manifest.h"
#include "protocols/study.h"
#include "base/strbuf.h"
#include "base/vec.h"

const char *const ictus_dosing_columns[] = {"animal", "period", "drug", "dose_mg_kg", "start",
                                            "end"};
const int ictus_dosing_n_columns = 6;

static const char *const kind_names[ICTUS_N_PERIOD_KINDS] = {"baseline", "treatment", "vehicle",
                                                             "washout", "intervention",
                                                             "followup"};
static const char *const tolerated_names[] = {"unknown", "yes", "no"};

const char *ictus_period_kind_name(ictus_period_kind kind)
{
    return kind >= 0 && kind < ICTUS_N_PERIOD_KINDS ? kind_names[kind] : "?";
}

/* A row that passed its own checks, waiting for the checks across rows. */
typedef struct {
    int animal;     /* index in study->animals */
    int row;        /* data row in dosing.csv */
    ictus_period period;
} kept_row;

typedef struct {
    int animal, period, drug, dose, route, start, end, tolerated, plasma;
} dosing_columns;

/* The drug of a row: required for treatment and intervention, absent for baseline, checked
 * against [drugs] for treatment and washout.  Returns the spelling to keep
 * and sets *target_mg_kg. */
static const char *row_drug(ictus_study *study, ictus_manifest_row *r, int col, int kind,
                            double *target_mg_kg)
{
    const char *drug = ictus_manifest_text(r, col, kind == ICTUS_PERIOD_TREATMENT
                                                       ? "the drug of the treatment"
                                                   : kind == ICTUS_PERIOD_INTERVENTION
                                                       ? "what the intervention was" : NULL);
    *target_mg_kg = NAN;
    if (kind == ICTUS_PERIOD_BASELINE && *drug)
        ictus_manifest_problem(r, col, "a baseline period is drug-free: expected an empty "
                                       "field, got \"%s\"", ICTUS_QUOTE(drug));
    if (!*drug || !study->has_drug_list ||
        (kind != ICTUS_PERIOD_TREATMENT && kind != ICTUS_PERIOD_WASHOUT))
        return drug;
    const ictus_drug *known = ictus_study_drug(study, drug);
    if (known) {
        *target_mg_kg = known->target_dose_mg_kg;
        return known->name;
    }
    ictus_strbuf list = {0};
    for (int i = 0; i < study->n_drugs; i++) {
        ictus_strbuf_add(&list, i ? ", " : "");
        ictus_strbuf_add(&list, study->drugs[i].name);
    }
    ictus_manifest_problem(r, col, "unknown drug \"%s\" (study.ini [drugs] lists: %s)",
                           ICTUS_QUOTE(drug),
                           ictus_strbuf_text(&list));
    ictus_strbuf_free(&list);
    return drug;
}

/* Check one row on its own; true (and *out filled) when it is valid. */
static bool check_row(ictus_study *study, const ictus_csv *t, int row, const dosing_columns *c,
                      kept_row *out)
{
    ictus_manifest_row r;
    ictus_manifest_row_begin(&r, t, row, &study->problems);
    r.date_format = study->date_format;
    ictus_period *p = &out->period;
    const char *animal = ictus_manifest_text(&r, c->animal, "an animal id");
    const ictus_animal *a = *animal ? ictus_study_animal(study, animal) : NULL;
    if (*animal && !a)
        ictus_manifest_problem(&r, c->animal, "unknown animal \"%s\" (not in animals.csv)",
                               ICTUS_QUOTE(animal));
    int kind = ictus_manifest_choice(&r, c->period, kind_names, ICTUS_N_PERIOD_KINDS, -1);
    p->drug = row_drug(study, &r, c->drug, kind, &p->target_dose_mg_kg);
    if (ictus_manifest_number(&r, c->dose, kind == ICTUS_PERIOD_TREATMENT, 0, "a dose in mg/kg",
                              &p->dose_mg_kg) &&
        kind == ICTUS_PERIOD_TREATMENT && p->dose_mg_kg == 0)
        ictus_manifest_problem(&r, c->dose, "a treatment needs a dose above 0 mg/kg, got \"%s\"",
                               ICTUS_QUOTE(ictus_csv_field(t, row, c->dose)));
    p->route = ictus_manifest_text(&r, c->route, NULL);
    bool times = ictus_manifest_time(&r, c->start, true, &p->start_us);
    times = ictus_manifest_time(&r, c->end, true, &p->end_us) && times;
    if (times && p->end_us <= p->start_us)
        ictus_manifest_problem(&r, c->end, "end %s is %s start %s",
                               ICTUS_QUOTE(ictus_csv_field(t, row, c->end)),
                               p->end_us < p->start_us ? "before" : "the same as",
                               ICTUS_QUOTE(ictus_csv_field(t, row, c->start)));
    p->tolerated = (ictus_tolerated)ictus_manifest_choice(&r, c->tolerated, tolerated_names, 3,
                                                          ICTUS_TOLERATED_UNKNOWN);
    ictus_manifest_number(&r, c->plasma, false, 0, "a plasma level", &p->plasma_level);
    p->kind = (ictus_period_kind)kind;
    p->line = ictus_csv_line(t, row);
    out->animal = a ? (int)(a - study->animals) : -1;
    out->row = row;
    return r.n_bad == 0;
}

/* Check a valid row against the rows kept before it (same animal): no
 * duplicate, no overlap.  Returns true when it can be kept. */
static bool check_against_kept(ictus_study *study, const ictus_csv *t, const dosing_columns *c,
                               const kept_row *kept, int n_kept, const kept_row *k)
{
    ictus_manifest_row r = {t, k->row, &study->problems, 0, study->date_format};
    const ictus_period *p = &k->period;
    for (int i = 0; i < n_kept && !r.n_bad; i++) {
        const ictus_period *q = &kept[i].period;
        if (kept[i].animal != k->animal)
            continue;
        if (q->kind == p->kind && q->start_us == p->start_us)
            ictus_manifest_problem(&r, c->start, "the %s period of animal \"%s\" starting %s is "
                                   "already given at line %d", kind_names[p->kind],
                                   ICTUS_QUOTE(study->animals[k->animal].id),
                                   ICTUS_QUOTE(ictus_csv_field(t, k->row, c->start)), q->line);
        else if (q->start_us < p->end_us && p->start_us < q->end_us)
            ictus_manifest_problem(&r, c->start, "%s %s to %s overlaps %s %s to %s at line %d "
                                   "(animal \"%s\")", kind_names[p->kind],
                                   ICTUS_QUOTE(ictus_csv_field(t, k->row, c->start)),
                                   ICTUS_QUOTE(ictus_csv_field(t, k->row, c->end)),
                                   kind_names[q->kind],
                                   ICTUS_QUOTE(ictus_csv_field(t, kept[i].row, c->start)),
                                   ICTUS_QUOTE(ictus_csv_field(t, kept[i].row, c->end)), q->line,
                                   ICTUS_QUOTE(study->animals[k->animal].id));
    }
    return r.n_bad == 0;
}

static int by_start(const void *a, const void *b)
{
    const ictus_period *x = a, *y = b;
    return (x->start_us > y->start_us) - (x->start_us < y->start_us);
}

void ictus_dosing_load(ictus_study *study, const ictus_csv *t)
{
    const dosing_columns c = {
        ictus_csv_column(t, "animal"), ictus_csv_column(t, "period"),
        ictus_csv_column(t, "drug"),   ictus_csv_column(t, "dose_mg_kg"),
        ictus_csv_column(t, "route"),  ictus_csv_column(t, "start"),
        ictus_csv_column(t, "end"),    ictus_csv_column(t, "tolerated"),
        ictus_csv_column(t, "plasma_level"),
    };
    int n_rows = ictus_csv_rows(t), n_kept = 0;
    kept_row *kept = ictus_xmalloc((size_t)(n_rows ? n_rows : 1) * sizeof *kept);
    for (int row = 0; row < n_rows; row++) {
        kept_row *k = &kept[n_kept];
        if (check_row(study, t, row, &c, k) && check_against_kept(study, t, &c, kept, n_kept, k)) {
            k->period.drug = ictus_study_keep(study, k->period.drug);
            k->period.route = ictus_study_keep(study, k->period.route);
            n_kept++;
        }
    }
    for (int a = 0; a < study->n_animals; a++) {
        ictus_animal *animal = &study->animals[a];
        int cap = animal->n_periods;
        for (int i = 0; i < n_kept; i++)
            if (kept[i].animal == a) {
                ICTUS_GROW(animal->periods, animal->n_periods + 1, cap);
                animal->periods[animal->n_periods++] = kept[i].period;
            }
        if (animal->n_periods)
            qsort(animal->periods, (size_t)animal->n_periods, sizeof(ictus_period), by_start);
    }
    free(kept);
}
