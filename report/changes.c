/* changes.c: what changed since the last run (the runs table) and the last report (state.csv). */
#include "report/changes.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/csvtable.h"
#include "base/outfile.h"
#include "base/path.h"
#include "base/strbuf.h"

static void add_line(ictus_report_changes *ch, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void add_line(ictus_report_changes *ch, const char *fmt, ...)
{
    ictus_strbuf b = {0};
    va_list ap;
    va_start(ap, fmt);
    ictus_strbuf_vaddf(&b, fmt, ap);
    va_end(ap);
    ch->lines = ictus_xrealloc(ch->lines, (size_t)(ch->n + 1) * sizeof *ch->lines);
    ch->lines[ch->n++] = ictus_strbuf_take(&b);
}

/* "... and N more" after ICTUS_REPORT_CHANGES_MAX lines of one kind. */
static void add_more(ictus_report_changes *ch, int n_more, const char *what)
{
    if (n_more > 0)
        add_line(ch, "... and %d more %s", n_more, what);
}

/* ---- the runs -------------------------------------------------------------------- */

/* The value of `key` (a "section.key" line of a params text), or NULL; *len its length. */
static const char *param_value(const char *text, const char *key, size_t key_len, size_t *len)
{
    for (const char *line = text; *line;) {
        const char *eol = strchr(line, '\n');
        size_t n = eol ? (size_t)(eol - line) : strlen(line);
        const char *eq = memchr(line, '=', n);
        if (eq && (size_t)(eq - line) == key_len && memcmp(line, key, key_len) == 0) {
            *len = n - key_len - 1;
            return eq + 1;
        }
        line += n + (eol != NULL);
    }
    return NULL;
}

/* Each key of `a` whose value differs in `b` (or is absent there), then each key only in b. */
static int diff_params(ictus_report_changes *ch, const char *a, const char *b, int shown)
{
    int n = 0;
    for (int pass = 0; pass < 2; pass++) {
        const char *from = pass == 0 ? a : b, *other = pass == 0 ? b : a;
        for (const char *line = from; *line;) {
            const char *eol = strchr(line, '\n');
            size_t len = eol ? (size_t)(eol - line) : strlen(line);
            const char *eq = memchr(line, '=', len);
            if (eq) {
                size_t key_len = (size_t)(eq - line), vlen = len - key_len - 1, olen = 0;
                const char *ov = param_value(other, line, key_len, &olen);
                bool differs = pass == 0 ? !ov || olen != vlen || memcmp(ov, eq + 1, vlen) != 0
                                         : !ov;
                if (differs && shown + n < ICTUS_REPORT_CHANGES_MAX) {
                    if (pass == 0 && ov)
                        add_line(ch, "parameter %.*s: %.*s \xE2\x86\x92 %.*s", (int)key_len, line,
                                 (int)vlen, eq + 1, (int)olen, ov);
                    else if (pass == 0)
                        add_line(ch, "parameter %.*s: %.*s, now absent", (int)key_len, line,
                                 (int)vlen, eq + 1);
                    else
                        add_line(ch, "parameter %.*s: new, %.*s", (int)key_len, line, (int)vlen,
                                 eq + 1);
                }
                n += differs;
            }
            line += len + (eol != NULL);
        }
    }
    return n;
}

static void utc_minutes(int64_t unix_us, char *buf, size_t size)
{
    time_t t = (time_t)(unix_us / 1000000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, size, "%Y-%m-%d %H:%M UTC", &tm);
}

static void runs_changes(const ictus_report_data *d, const ictus_store_run_end *this_run,
                         ictus_report_changes *ch)
{
    if (d->n_runs == 0) {
        add_line(ch, "no run is stored yet");
        return;
    }
    const ictus_store_run_detail *last = &d->runs[0];
    char when[40];
    utc_minutes(last->row.started_unix_us, when, sizeof when);
    if (last->row.status == ICTUS_RUN_RUNNING && this_run) {
        const ictus_store_run_end *e = this_run;
        add_line(ch, "run #%lld (%s; this report is its last step): %lld recordings new, %lld "
                     "processed again, %lld unchanged, %lld failed, %lld still being written; "
                     "%lld events found",
                 (long long)last->row.id, when, (long long)e->files_new,
                 (long long)e->files_changed, (long long)e->files_skipped,
                 (long long)e->files_failed, (long long)e->files_incomplete,
                 (long long)e->events_found);
    } else if (last->row.status == ICTUS_RUN_RUNNING) {
        add_line(ch, "run #%lld (%s) has not finished: it is still running or was interrupted",
                 (long long)last->row.id, when);
    } else {
        const ictus_store_run_end *e = &last->end;
        add_line(ch, "run #%lld (%s, %s): %lld recordings new, %lld processed again, %lld "
                     "unchanged, %lld failed, %lld still being written; %lld events found",
                 (long long)last->row.id, when, ictus_run_status_name(last->row.status),
                 (long long)e->files_new, (long long)e->files_changed, (long long)e->files_skipped,
                 (long long)e->files_failed, (long long)e->files_incomplete,
                 (long long)e->events_found);
    }
    if (d->n_runs < 2) {
        add_line(ch, "the first run of the study: nothing to compare it with");
        return;
    }
    const ictus_store_run_detail *prev = &d->runs[1];
    bool same = true;
    if (strcmp(prev->version, last->version) != 0) {
        add_line(ch, "program version %s \xE2\x86\x92 %s", prev->version, last->version);
        same = false;
    }
    if (strcmp(prev->preset, last->preset) != 0) {
        add_line(ch, "detection preset %s \xE2\x86\x92 %s", prev->preset, last->preset);
        same = false;
    }
    int n = diff_params(ch, prev->params_text, last->params_text, 0);
    add_more(ch, n - ICTUS_REPORT_CHANGES_MAX, "parameters");
    if (same && n == 0)
        add_line(ch, "program version, detection preset (%s) and parameters as in run #%lld",
                 last->preset, (long long)prev->row.id);
}

/* ---- the previous report ----------------------------------------------------------- */

/* The all-types class of an animal under exposure e, or NULL. */
static const char *class_of(const ictus_report_ctx *c, const char *animal, const char *exposure)
{
    for (size_t i = 0; i < c->an->n_outcomes; i++) {
        const ictus_outcome *o = &c->an->outcomes[i];
        if (o->type != 0 || o->condition->kind == ICTUS_PERIOD_BASELINE ||
            strcmp(o->animal_id, animal) != 0)
            continue;
        char lab[256];
        ictus_report_exposure_label(o->condition, lab, sizeof lab);
        if (strcmp(lab, exposure) == 0)
            return ictus_class_name(o->response.cls);
    }
    return NULL;
}

static int animal_index(const ictus_study *st, const char *id)
{
    for (int a = 0; a < st->n_animals; a++)
        if (strcmp(st->animals[a].id, id) == 0)
            return a;
    return -1;
}

static void report_changes(const ictus_report_ctx *c, const char *state_path,
                           ictus_report_changes *ch)
{
    ictus_csv *t = NULL;
    ictus_error ignored = {0};
    int kind, animal, exposure, value;
    if (ictus_csv_read(state_path, &t, &ignored) != ICTUS_OK ||
        (kind = ictus_csv_column(t, "kind")) < 0 || (animal = ictus_csv_column(t, "animal")) < 0 ||
        (exposure = ictus_csv_column(t, "exposure")) < 0 ||
        (value = ictus_csv_column(t, "value")) < 0) {
        add_line(ch, "no earlier report in this directory to compare with");
        ictus_csv_destroy(t);
        return;
    }
    int n_counts = 0, n_classes = 0;
    bool settings_same = true;
    for (int r = 0; r < ictus_csv_rows(t); r++) {
        const char *k = ictus_csv_field(t, r, kind), *id = ictus_csv_field(t, r, animal);
        const char *v = ictus_csv_field(t, r, value);
        if (!k || !id || !v)
            continue;
        if (strcmp(k, "settings") == 0 && strcmp(v, c->an->settings_hash) != 0) {
            add_line(ch, "analysis settings changed since the last report (settings hash %s "
                         "\xE2\x86\x92 %s; the settings are in section 1)",
                     v, c->an->settings_hash);
            settings_same = false;
        } else if (strcmp(k, "seizures") == 0) {
            int a = animal_index(c->study, id);
            long long before = atoll(v), now = a < 0 ? 0 : (long long)c->d->n_seizures[a];
            if (a >= 0 && before != now && n_counts++ < ICTUS_REPORT_CHANGES_MAX)
                add_line(ch, "%s: %lld seizures counted, %+lld since the last report", id, now,
                         now - before);
        } else if (strcmp(k, "class") == 0) {
            const char *ex = ictus_csv_field(t, r, exposure);
            const char *now = ex ? class_of(c, id, ex) : NULL;
            if (ex && now && strcmp(now, v) != 0 && n_classes++ < ICTUS_REPORT_CHANGES_MAX)
                add_line(ch, "%s, %s: %s \xE2\x86\x92 %s", id, ex, v, now);
        }
    }
    add_more(ch, n_counts - ICTUS_REPORT_CHANGES_MAX, "animals' counts");
    add_more(ch, n_classes - ICTUS_REPORT_CHANGES_MAX, "response classes");
    if (settings_same && n_counts == 0 && n_classes == 0)
        add_line(ch, "seizure counts and response classes as in the last report");
    ictus_csv_destroy(t);
}

void ictus_report_changes_build(const ictus_report_ctx *c, const char *state_path,
                                ictus_report_changes *out)
{
    memset(out, 0, sizeof *out);
    runs_changes(c->d, c->this_run, out);
    report_changes(c, state_path, out);
}

void ictus_report_changes_clear(ictus_report_changes *ch)
{
    for (int i = 0; i < ch->n; i++)
        free(ch->lines[i]);
    free(ch->lines);
    memset(ch, 0, sizeof *ch);
}

/* ---- state.csv --------------------------------------------------------------------- */

static void state_row(ictus_out *o, const char *kind, const char *animal, const char *exposure,
                      const char *value)
{
    ictus_out_field(o, kind);
    ictus_outfile_text(o, animal);
    ictus_outfile_text(o, exposure);
    ictus_outfile_text(o, value);
    ictus_out_char(o, '\n');
}

static void fill_state(ictus_out *o, const void *ctx)
{
    const ictus_report_ctx *c = ctx;
    ictus_out_str(o, "kind,animal,exposure,value\n");
    state_row(o, "settings", "", "", c->an->settings_hash);
    for (int a = 0; a < c->study->n_animals; a++) {
        char n[32];
        snprintf(n, sizeof n, "%zu", c->d->n_seizures[a]);
        state_row(o, "seizures", c->study->animals[a].id, "", n);
    }
    for (size_t i = 0; i < c->an->n_outcomes; i++) {
        const ictus_outcome *oc = &c->an->outcomes[i];
        if (oc->type != 0 || oc->condition->kind == ICTUS_PERIOD_BASELINE)
            continue;
        char lab[256];
        ictus_report_exposure_label(oc->condition, lab, sizeof lab);
        state_row(o, "class", oc->animal_id, lab, ictus_class_name(oc->response.cls));
    }
}

ictus_status ictus_report_state_write(const ictus_report_ctx *c, const char *dir,
                                      ictus_error *err)
{
    return ictus_outfile_write(dir, "state.csv", fill_state, c, err);
}
