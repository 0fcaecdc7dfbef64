/* daily.h: seizures per animal per calendar day (out/daily.csv).
 *
 * The table a lab plots day by day, without SQL: for every animal and every
 * calendar day of the naive local wall clock (00:00 to 24:00, the clock the
 * recordings' start times use) on which the animal has analysable time, one
 * row per seizure type ("all", then the study's types by name) with the
 * count, the seizure seconds and the analysable hours: days without a
 * seizure are rows with count 0, so that a plot or a mean never drops them.
 *
 * A day that a period boundary crosses (dosing.csv start or end, e.g. a
 * treatment starting at 08:00) is split there: one row per part, each with
 * the same date, its own `start`/`end`, and the period that covers it, so
 * that every row belongs to one period (or to none) and the rows of a
 * period add up to its periods.csv row.  Counting follows periods.csv
 * (measures.h): a seizure counts in the part where it starts, with its whole
 * duration; overlapping seizures count once; analysable time is the store's
 * (recording present, no artefact, no dropout).  A part with no analysable
 * time and no seizure start is left out.
 *
 * daily.csv columns (rows by animal in animals.csv order, then time, then
 * type; RFC 4180; times naive local YYYY-MM-DDTHH:MM:SS.mmm; extra columns
 * may be added after these, never before):
 *   date           the calendar day, YYYY-MM-DD
 *   animal, group  animals.csv
 *   period         1-based position in the animal's periods (as periods.csv);
 *                  empty when no period covers the part
 *   kind, drug, dose_mg_kg   the period's (dosing.csv); empty outside periods
 *   start, end     the part of the day [start, end): 00:00 and 24:00 (the
 *                  next day's 00:00) unless a period boundary cuts the day
 *   type           all, or one seizure type
 *   count          seizures starting in the part
 *   seizure_s      their total duration in seconds (the day's seizure burden)
 *   analysable_h   analysable hours in the part
 *   settings_hash  as in every analysis file (analysis.h)
 *
 * Lifecycle: ictus_daily_create() → ictus_daily_add_animal() per animal →
 * ictus_daily_write_csv() → ictus_daily_destroy().  Thread safety: none; one
 * table per analysis, built on the analysis's thread.
 */
#ifndef ICTUS_DAILY_H
#define ICTUS_DAILY_H

#include <stddef.h>
#include <stdint.h>

#include "base/csvout.h"
#include "base/status.h"
#include "pipeline/event.h"
#include "protocols/measures.h"
#include "protocols/study.h"

/* One row of daily.csv. */
typedef struct {
    int animal;               /* index into study->animals */
    int period;               /* index into that animal's periods; -1: none covers the part */
    int64_t start_us, end_us; /* the part of the day, [start, end) */
    int type;                 /* 0: all types; i ≥ 1: the analysis's types[i] */
    int64_t count;            /* seizures starting in the part */
    double seizure_s;         /* their total duration */
    double analysable_s;      /* analysable seconds in the part */
} ictus_daily_row;

typedef struct ictus_daily {
    size_t n_rows;
    ictus_daily_row *rows;    /* daily.csv order */
    size_t cap_rows_;         /* private */
} ictus_daily;

/* A calendar day of the naive clock, and 00:00 of the day holding t_us. */
#define ICTUS_US_PER_DAY (INT64_C(86400) * 1000000)
int64_t ictus_daily_day_start(int64_t t_us);

/* A new empty table (caller destroys). */
ictus_daily *ictus_daily_create(void);

/* Add the rows of animal `a` (study->animals[a], `animal`) over the
 * calendar days that touch [first_us, last_us) (its stored recordings'
 * span; last_us ≤ first_us: no rows): its seizures sz[0..n) (sorted and
 * merged, ictus_seizures_merge(), types 1..n_types-1), analysable time from
 * fn/ctx (measures.h; asked once per day part, with ends at midnights and
 * period edges), n_types types with "all" as 0.  Errors: those of fn. */
ictus_status ictus_daily_add_animal(ictus_daily *d, const ictus_animal *animal, int a,
                                    int n_types, const ictus_seizure *sz, size_t n,
                                    int64_t first_us, int64_t last_us, ictus_analysable_fn fn,
                                    void *ctx, ictus_error *err);

/* Write daily.csv (header and rows; d NULL: the header alone) to `o`;
 * types[] names the row types, settings_hash is the analysis's. */
void ictus_daily_write_csv(ictus_out *o, const ictus_daily *d, const ictus_study *study,
                           const char (*types)[ICTUS_TYPE_MAX], const char *settings_hash);

/* Free; NULL is a no-op. */
void ictus_daily_destroy(ictus_daily *d);

#endif
