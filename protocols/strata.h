/* strata.h: results by sex, strain, group and age group (DOMAIN.md §8), and whether a
 * treatment's effect differs between strata.
 *
 * Settings ([analysis] in study.ini, or `--by` of `ictus analyze` and
 * `ictus compare`; both optional):
 *   by                a comma-separated list of keys among sex, strain,
 *                     group, age_group (each at most once; "" or absent: not
 *                     stratified).  Several keys are crossed: `sex,group`
 *                     makes one stratum per (sex, group) found.
 *   age_groups_days   ascending bin edges in days of age, e.g. 0,30,60,120
 *                     (bins [0, 30), [30, 60), [60, 120), [120, ∞)); needed
 *                     when `by` names age_group, at most
 *                     ICTUS_STRATA_MAX_EDGES edges.
 * They are not part of [analysis]'s settings_hash: they change no number of
 * the pooled rows, and every stratified row names its stratum (the age
 * bins included).  analysis-settings.txt lists them as strata.by= and
 * strata.age_groups_days= lines, only when `by` is given.
 *
 * A stratum label names the animal's value of each key, in the order of
 * `by`, joined by ";": "sex=F", "sex=F;group=ko", "age_group=30-60" (days
 * [30, 60)), "age_group=120+" (the last bin).  Values are animals.csv's:
 * sex M or F, strain and group as written.  An animal's age is counted from
 * its birth_date (midnight) to the start of what is labelled: a period's
 * start for periods.csv rows, a condition's first start for responders.csv
 * rows and the outcomes compared; so an animal may change age group
 * between its conditions (then its paired vehicle test within a stratum
 * loses that pair).  An animal without a value for some key (no sex, no
 * group, no birth date, or younger than the first edge) is in no stratum:
 * it counts in the pooled rows only, and its label is empty.
 *
 * Within each stratum, every test of comparisons.h is run on the outcomes
 * of that stratum alone, exactly as on the whole study (same rows, same
 * order).  Across strata, for every treatment (type × drug × dose × route)
 * and every pair of strata (a, b) among its animals (labels by name), the
 * interaction is tested: does the treatment's effect differ between the
 * strata?  The test is the Mann–Whitney U test of the per-animal % change
 * versus the animal's own reference baseline (responders.csv pct_change)
 * between the animals of stratum a and those of stratum b: each animal is
 * one observation, whatever its number of seizures, and the % change is
 * the effect measure every responder class is made of; its estimate is
 * median(a) − median(b) in percentage points.  It is comparisons.h's
 * "versus group" Mann–Whitney with the strata as the groups: exact p up to
 * exact_max_n ranked values (ties included), else the normal approximation
 * with tie correction and continuity correction; two-sided.  Checked
 * against scipy.stats.mannwhitneyu / permutation_test by
 * tests/fixtures/gen_strata.py.  (A Poisson rate-ratio interaction would
 * weigh animals by their seizure counts and ignore the between-animal
 * spread, as comparisons.h's rate_ratio does; the rank test does not.)
 *
 * comparisons.csv gains a last column `stratum` when `by` is given: "all"
 * on the pooled rows (byte for byte those of an unstratified analysis
 * before it), the label on the rows within a stratum (after the pooled
 * rows, by label, each stratum in comparisons.h's order), and the `by`
 * keys (e.g. "sex") on the interaction rows (test mann_whitney, versus
 * stratum, group_a and group_b the two labels; last).  periods.csv and
 * responders.csv gain a last column `stratum` (the row's label, empty when
 * none) when `by` is given.  Without `by` every file is as before.
 *
 * Thread safety: reentrant; the inputs are only read.
 */
#ifndef ICTUS_STRATA_H
#define ICTUS_STRATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/config.h"
#include "base/status.h"
#include "protocols/comparisons.h"
#include "protocols/study.h"

typedef enum {
    ICTUS_STRATUM_SEX = 0,
    ICTUS_STRATUM_STRAIN,
    ICTUS_STRATUM_GROUP,
    ICTUS_STRATUM_AGE_GROUP,
    ICTUS_N_STRATUM_KEYS
} ictus_stratum_key;

#define ICTUS_STRATA_MAX_EDGES 16
/* The longest stratum label written (longer values are cut). */
#define ICTUS_STRATUM_LABEL_MAX 256

typedef struct {
    int n_keys;                           /* 0: not stratified */
    ictus_stratum_key keys[ICTUS_N_STRATUM_KEYS];
    int n_edges;                          /* age_groups_days; 0 when not given */
    double age_edges_days[ICTUS_STRATA_MAX_EDGES];
} ictus_strata_settings;

/* "sex", "strain", "group", "age_group". */
const char *ictus_stratum_key_name(ictus_stratum_key key);

/* Read `by` and `age_groups_days` of [analysis] in `cfg` over *s (marking
 * them used).  ICTUS_ERR_CONFIG naming the key for an unknown or repeated
 * key, edges that are not numbers ≥ 0 in ascending order, or age_group
 * without age_groups_days. */
ictus_status ictus_strata_settings_apply(ictus_strata_settings *s, ictus_config *cfg,
                                         ictus_error *err);

/* The keys of *s joined by "," ("sex,group"; "" when none) into buf. */
void ictus_strata_by_text(const ictus_strata_settings *s, char *buf, size_t size);

/* The strata.by= and strata.age_groups_days= lines (only when stratified;
 * the edges only with age_group) into a new string (caller frees; "" when
 * not stratified). */
char *ictus_strata_settings_text(const ictus_strata_settings *s);

/* The stratum label of `animal` at wall-clock time t_us (its age then) into
 * buf; false (buf "") when not stratified or a value is missing. */
bool ictus_strata_label(const ictus_strata_settings *s, const ictus_animal *animal,
                        int64_t t_us, char *buf, size_t size);

/* Distinct labels kept for a result's lifetime. */
typedef struct {
    char **items;
    size_t n, cap;
} ictus_strata_labels;

/* The kept copy of `text` (the same pointer for equal texts). */
const char *ictus_strata_labels_keep(ictus_strata_labels *l, const char *text);

/* The labels of *l sorted by name, in a new array of l->n (caller frees the
 * array, not the labels). */
const char **ictus_strata_labels_sorted(const ictus_strata_labels *l);

/* Free every label and zero *l. */
void ictus_strata_labels_clear(ictus_strata_labels *l);

/* The rows within each stratum and across strata (above) of outcomes
 * o[0..n) (each with its `stratum` label, NULL: none), in a new array *out
 * (caller frees with free()) of *n_out rows, each with `stratum` set (the
 * label; `across` on the interaction rows; borrowed).  Errors: those of
 * ictus_comparisons_compute(). */
ictus_status ictus_strata_comparisons(const ictus_outcome *o, size_t n, int n_types,
                                      const ictus_test_options *opt, const char *across,
                                      ictus_comparison **out, size_t *n_out, ictus_error *err);

/* The distinct labels of outcomes o[0..n) (NULL ones left out), sorted by
 * name, into a new array (caller frees the array, not the labels) of *n_out. */
const char **ictus_strata_of(const ictus_outcome *o, size_t n, size_t *n_out);

#endif
