/* dm_table.c: disease_modification.csv as a report table (dm_table.h). */
#include "report/dm_table.h"

#include <math.h>
#include <stdio.h>

#include "protocols/disease_mod.h"

static const char *const DESIGNS[] = {"", "baseline", "latent"};
static const char *const ONSETS[] = {"", "delayed", "delayed_while_treated", "not_delayed"};

/* "asm-a 30 mg/kg ip" for a treatment, "intervention: cell-transplant" for an intervention. */
static void exposure_text(const ictus_study *st, const ictus_dm_row *r, char *buf, size_t size)
{
    if (r->condition) {
        ictus_report_exposure_label(r->condition, buf, size);
        return;
    }
    const ictus_period *p = &st->animals[r->animal].periods[r->period];
    snprintf(buf, size, "%s: %s", ictus_period_kind_name(r->kind), p->drug);
}

void ictus_report_dm_table(const ictus_report_ctx *c, ictus_report_table *t)
{
    static const char *const heads[] = {"animal", "exposure", "design", "during (% change)",
                                        "follow-up (% change)", "follow-up (days)", "onset",
                                        "class", "why undetermined"};
    ictus_report_table_init(t, "disease-modification",
                            "Disease modification (all seizure types)", heads, 9);
    const ictus_dm *dm = c->an->dm;
    for (size_t i = 0; dm && i < dm->n_rows; i++) {
        const ictus_dm_row *r = &dm->rows[i];
        if (r->type != 0)
            continue;
        char ex[256];
        exposure_text(c->study, r, ex, sizeof ex);
        ictus_report_table_text(t, c->study->animals[r->animal].id);
        ictus_report_table_text(t, ex);
        ictus_report_table_text(t, DESIGNS[r->design]);
        ictus_report_table_num(t, r->during_pct);
        ictus_report_table_num(t, r->after_pct);
        ictus_report_table_num(t, r->has_after ? r->after_days : NAN);
        ictus_report_table_text(t, ONSETS[r->onset]);
        ictus_report_table_text(t, ictus_dm_class_name(r->cls));
        ictus_report_table_text(t, ictus_dm_why_name(r->why));
    }
}

void ictus_report_dm_preamble(const ictus_report_ctx *c, char *buf, size_t size)
{
    const ictus_dm *dm = c->an->dm;
    snprintf(buf, size,
             "Per animal and exposure: seizure rate change from the reference baseline during "
             "the treatment and in the drug-free follow-up. disease_modifying: a reduction of "
             "%g %% or more in the follow-up; symptomatic: only during treatment; latent design "
             "(treated before the first seizure): onset against %g x the controls' median "
             "latency (disease_modification.csv holds every type).",
             dm ? dm->settings.effect_pct : NAN, dm ? dm->settings.onset_factor : NAN);
}
