/* dm_table.h: the report's disease-modification table (protocols/disease_mod.h).
 *
 * In the drugs section of the per-cohort report (report.c), after the
 * statistical tests, when the analysis has disease_modification.csv
 * (an->dm: the study's dosing.csv has an intervention or followup period):
 * one row per animal and exposure of that file's rows of type `all` (the
 * per-type rows stay in the CSV): animal, exposure (the treatment's
 * condition label, or "intervention: WHAT"), design, % change from the
 * reference baseline during the treatment and in the follow-up, the latent
 * design's onset, class and the reason when undetermined.  Numbers are the
 * file's (the same ictus_dm_row fields it writes); every text from input
 * is escaped by table.h (HTML) or drawn as text (PDF).
 * Thread safety: read-only on the analysis.
 */
#ifndef ICTUS_DM_TABLE_H
#define ICTUS_DM_TABLE_H

#include <stddef.h>

#include "report/figures.h"
#include "report/table.h"

/* Initialise t (id "disease-modification") and fill it from c->an->dm (no
 * rows when NULL). */
void ictus_report_dm_table(const ictus_report_ctx *c, ictus_report_table *t);

/* The sentence above the table: the rules with the study's effect_pct. */
void ictus_report_dm_preamble(const ictus_report_ctx *c, char *buf, size_t size);

#endif
