/* changes.h: what changed since the last run and since the last report, in plain sentences.
 *
 * A scientist opening tonight's report wants to know what is new before
 * reading it all.  Two comparisons answer that:
 *   - the newest run against the one before it (the store's runs table:
 *     ictus_store_recent_runs()): what the run did (recordings new,
 *     processed again, failed, still being written; events found), and
 *     whether the program version, the detection preset or any of its
 *     parameters changed (each changed `section.key` named, old → new);
 *   - this report against the previous report written into the same
 *     directory, which left OUT_DIR/state.csv behind (written by
 *     ictus_report_state_write(); columns kind, animal, exposure, value;
 *     kinds `settings` (the analysis settings hash), `seizures` (an
 *     animal's counted seizures) and `class` (an animal's response class
 *     to an exposure, all seizure types)): the analysis settings, each
 *     animal's count of seizures, each animal × exposure response class.
 * A missing or unreadable state.csv (a first report) says so; it is no error.
 *
 * Lifecycle: ictus_report_changes_build() → read lines → ictus_report_changes_clear().
 * Thread safety: reentrant.
 */
#ifndef ICTUS_REPORT_CHANGES_H
#define ICTUS_REPORT_CHANGES_H

#include "base/status.h"
#include "report/figures.h"

/* At most this many lines of one kind (parameters, counts, classes); the
 * rest is summed up in one more line ("... and 12 more"). */
#define ICTUS_REPORT_CHANGES_MAX 12

typedef struct {
    int n;
    char **lines;   /* sentences, UTF-8, not escaped (the caller escapes) */
} ictus_report_changes;

/* What changed for the report of c whose previous state is `state_path`
 * (OUT_DIR/state.csv, read when present). */
void ictus_report_changes_build(const ictus_report_ctx *c, const char *state_path,
                                ictus_report_changes *out);

/* Free and zero; a zeroed struct is a no-op. */
void ictus_report_changes_clear(ictus_report_changes *ch);

/* Write DIR/state.csv (atomically) for the next report's comparison.
 * ICTUS_ERR_IO naming the file on failure. */
ictus_status ictus_report_state_write(const ictus_report_ctx *c, const char *dir,
                                      ictus_error *err);

#endif
