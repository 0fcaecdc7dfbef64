/* cmd_score.c: `ictus score`: SzCORE event and sample scoring of detections
 * (events.csv) against expert annotations or synthetic truth (DESIGN.md),
 * per animal, with the mean over animals and the pooled figure. */
#include <dirent.h>
#include <getopt.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "detectors/score.h"
#include "base/csvout.h"
#include "base/csvtable.h"
#include "base/walltime.h"

static const char usage_text[] =
    "usage: ictus score --truth TRUTH.csv --pred EVENTS.csv [options]\n"
    "Score detections against annotations, SzCORE style (timescoring defaults, DOMAIN.md §5).\n"
    "  --truth FILE          reference events: start_s,end_s (or start,end as ISO times) and\n"
    "                        recording (matched by file name) or animal; optional type\n"
    "  --pred FILE           detections: events.csv from `ictus detect` or `ictus run`\n"
    "  --recordings DIR      where the recordings are (DIR and DIR/recordings are searched);\n"
    "                        every recording there is scored, with or without events.\n"
    "                        Without it, recordings named in the CSVs are looked for beside\n"
    "                        TRUTH.csv, EVENTS.csv and the folder above EVENTS.csv\n"
    "  --type T              score only events of type T (both sides)\n"
    "  -p, --preset P        take the [score] tolerances of a preset\n"
    "  -c, --config FILE     settings overrides;  --set score.KEY=VALUE (e.g. merge_gap_s=0)\n"
    "  -o, --output FILE     also write the per-animal table as CSV\n";

/* What is known of a recording's header; each problem is said once. */
enum header_state {
    HEADER_UNREAD = 0,
    HEADER_READ = 1,
    HEADER_BROKEN = -1,  /* found but unreadable: not scored */
    HEADER_MISSING = -2, /* found nowhere: scored over its events' span, length unknown */
};

/* One recording being scored. */
typedef struct {
    char name[256];   /* file name without directories: the key */
    char path[4400];  /* where it can be read, "" when not found */
    char animal[256];
    int64_t start_us, duration_us;
    int known;        /* one of the header_state values */
    ictus_interval *ref, *hyp;
    size_t n_ref, n_hyp, cap_ref, cap_hyp;
} recording;

typedef struct {
    recording *v;
    int n, cap;
} recording_list;

/* Where recordings named in the CSVs are looked for: --recordings, or else
 * beside the inputs (a study's truth.csv sits in the study folder, its
 * events.csv in STUDY/out), each dir also with /recordings appended. */
typedef struct {
    char dir[3][4096];
    int n;
} search_dirs;

static void search_add(search_dirs *s, const char *dir)
{
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->dir[i], dir) == 0)
            return;
    if (s->n < 3)
        snprintf(s->dir[s->n++], sizeof s->dir[0], "%s", dir);
}

static void search_beside(search_dirs *s, const char *truth_path, const char *pred_path)
{
    char a[4096], b[4096];
    snprintf(a, sizeof a, "%s", truth_path);
    search_add(s, dirname(a));
    snprintf(a, sizeof a, "%s", pred_path);
    char *pred_dir = dirname(a);
    snprintf(b, sizeof b, "%s/..", pred_dir);
    search_add(s, pred_dir);
    search_add(s, b);
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static recording *find_recording(recording_list *l, const char *path, bool create)
{
    const char *name = base_name(path);
    for (int i = 0; i < l->n; i++)
        if (strcmp(l->v[i].name, name) == 0)
            return &l->v[i];
    if (!create)
        return NULL;
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 32;
        l->v = ictus_xrealloc(l->v, (size_t)l->cap * sizeof(recording));
    }
    recording *r = &l->v[l->n++];
    memset(r, 0, sizeof *r);
    snprintf(r->name, sizeof r->name, "%s", name);
    return r;
}

static void add_interval(ictus_interval **v, size_t *n, size_t *cap, double a, double b)
{
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 16;
        *v = ictus_xrealloc(*v, *cap * sizeof(ictus_interval));
    }
    (*v)[(*n)++] = (ictus_interval){a, b};
}

static bool is_recording_name(const char *name)
{
    static const char *const ext[] = {".edf", ".bdf", ".wav", ".flac", ".rf64", ".w64", ".EDF",
                                      ".BDF", ".WAV", ".FLAC"};
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
        size_t m = strlen(ext[i]);
        if (n > m && strcmp(name + n - m, ext[i]) == 0)
            return true;
    }
    return false;
}

/* Every recording file in dir (not recursive). */
static void scan_dir(recording_list *l, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!is_recording_name(e->d_name))
            continue;
        recording *r = find_recording(l, e->d_name, true);
        if (!r->path[0])
            snprintf(r->path, sizeof r->path, "%s/%s", dir, e->d_name);
    }
    closedir(d);
}

/* Read the header of r (path, or name under the search dirs); false, with
 * err set and r->known HEADER_BROKEN or HEADER_MISSING, when it cannot. */
static bool read_header(recording *r, const search_dirs *dirs, ictus_error *err)
{
    char candidates[7][4400];
    char given[4400];
    snprintf(given, sizeof given, "%s", r->path);
    int n = 0;
    if (given[0])
        snprintf(candidates[n++], sizeof candidates[0], "%s", given);
    for (int d = 0; d < dirs->n; d++) {
        snprintf(candidates[n++], sizeof candidates[0], "%s/%s", dirs->dir[d], r->name);
        snprintf(candidates[n++], sizeof candidates[0], "%s/recordings/%s", dirs->dir[d], r->name);
    }
    r->known = HEADER_BROKEN;
    for (int i = 0; i < n; i++) {
        struct stat sb;
        if (stat(candidates[i], &sb) != 0)
            continue;
        ictus_source *src;
        ictus_source_options opt = {.allow_partial = true};
        if (ictus_source_open(candidates[i], &opt, &src, err) != ICTUS_OK)
            return false;
        const ictus_recording_info *info = ictus_source_info(src);
        r->start_us = info->start_us;
        r->duration_us = info->duration_us;
        if (!r->animal[0])
            cli_default_animal(info, r->animal, sizeof r->animal);
        memcpy(r->path, candidates[i], sizeof r->path);
        ictus_source_close(src);
        r->known = HEADER_READ;
        return true;
    }
    r->known = HEADER_MISSING;
    char looked[3 * 4100] = "";
    for (int d = 0; d < dirs->n; d++)
        snprintf(looked + strlen(looked), sizeof looked - strlen(looked), "%s%s",
                 d ? ", " : "", dirs->dir[d]);
    ictus_fail(err, ICTUS_ERR_IO, "%s: recording not found in %s (nor in recordings/ below)",
               r->name, looked);
    return false;
}

/* Read r's header once and say what went wrong.  A recording found nowhere
 * is still scored, over the span of its events, when the user did not say
 * where recordings are (DESIGN.md's `score --truth T --pred P`): its length,
 * and so hours and false positives per 24 h, are nan.  With --recordings
 * (strict) it is an error.  Returns true when that is a problem (exit 1). */
static bool locate(recording *r, const search_dirs *dirs, bool strict)
{
    ictus_error err;
    if (r->known != HEADER_UNREAD || read_header(r, dirs, &err))
        return false;
    if (r->known == HEADER_MISSING && !strict) {
        fprintf(stderr, "ictus: warning: %s: its length is unknown: scored over the span of its "
                        "events, with hours and false positives per 24 h nan (pass --recordings "
                        "DIR)\n", err.msg);
        return false;
    }
    cli_error(&err);
    return true;
}

/* A length for a recording found nowhere: past its last event by more than
 * the tolerance window, so that nothing is clipped. */
static double span_of(const recording *r, const ictus_score_params *p)
{
    double end = 0;
    for (size_t i = 0; i < r->n_ref; i++)
        end = fmax(end, r->ref[i].end_s);
    for (size_t i = 0; i < r->n_hyp; i++)
        end = fmax(end, r->hyp[i].end_s);
    return end + p->tol_after_s + p->bin_s;
}

/* Column index or -1. */
static int col(const ictus_csv *t, const char *name)
{
    return ictus_csv_column(t, name);
}

/* Read a side (truth or pred) into the recordings.  Rows with problems are
 * reported and skipped; returns the number of problems. */
static int read_side(const ictus_csv *t, bool truth, const char *type, recording_list *recs,
                     const search_dirs *dirs, bool strict)
{
    int problems = 0;
    int c_rec = col(t, "recording"), c_animal = col(t, "animal"), c_type = col(t, "type");
    int c_s = col(t, "start_s"), c_e = col(t, "end_s");
    int c_iso_s = col(t, "start"), c_iso_e = col(t, "end");
    char where[512];
    if ((c_s < 0 || c_e < 0) && (c_iso_s < 0 || c_iso_e < 0)) {
        cli_errorf("%s: needs columns start_s,end_s or start,end", ictus_csv_path(t));
        return 1;
    }
    if (c_rec < 0 && (c_animal < 0 || c_iso_s < 0)) {
        cli_errorf("%s: needs a recording column (or animal with start,end ISO times)",
                   ictus_csv_path(t));
        return 1;
    }
    for (int row = 0; row < ictus_csv_rows(t); row++) {
        if (type && c_type >= 0 && strcmp(ictus_csv_field(t, row, c_type), type) != 0)
            continue;
        ictus_error err;
        double a, b;
        recording *r = NULL;
        if (c_s >= 0 && c_e >= 0) {
            if (ictus_csv_double(t, row, c_s, &a, &err) != ICTUS_OK ||
                ictus_csv_double(t, row, c_e, &b, &err) != ICTUS_OK) {
                cli_error(&err);
                problems++;
                continue;
            }
            if (c_rec < 0) {
                cli_errorf("%s: start_s/end_s need a recording column",
                           ictus_csv_where(t, row, c_s, where, sizeof where));
                problems++;
                continue;
            }
            r = find_recording(recs, ictus_csv_field(t, row, c_rec), true);
            if (!truth && !r->path[0])
                snprintf(r->path, sizeof r->path, "%s", ictus_csv_field(t, row, c_rec));
        } else {
            int64_t t0, t1;
            if (!ictus_walltime_parse(ictus_csv_field(t, row, c_iso_s), &t0) ||
                !ictus_walltime_parse(ictus_csv_field(t, row, c_iso_e), &t1)) {
                cli_errorf("%s: expected ISO 8601 times (YYYY-MM-DDTHH:MM:SS)",
                           ictus_csv_where(t, row, c_iso_s, where, sizeof where));
                problems++;
                continue;
            }
            if (c_rec >= 0) {
                r = find_recording(recs, ictus_csv_field(t, row, c_rec), true);
                locate(r, dirs, strict);
                if (r->known != HEADER_READ) {
                    cli_errorf("%s: ISO times need the start of recording %s, which could not "
                               "be read", ictus_csv_where(t, row, c_iso_s, where, sizeof where),
                               r->name);
                    problems++;
                    continue;
                }
            } else {
                const char *animal = ictus_csv_field(t, row, c_animal);
                for (int i = 0; i < recs->n && !r; i++)
                    if (recs->v[i].known == HEADER_READ && strcmp(recs->v[i].animal, animal) == 0 &&
                        t0 >= recs->v[i].start_us &&
                        t0 < recs->v[i].start_us + recs->v[i].duration_us)
                        r = &recs->v[i];
                if (!r) {
                    cli_errorf("%s: no recording of animal '%s' covers this time",
                               ictus_csv_where(t, row, c_iso_s, where, sizeof where), animal);
                    problems++;
                    continue;
                }
            }
            a = (double)(t0 - r->start_us) / 1e6;
            b = (double)(t1 - r->start_us) / 1e6;
        }
        if (!(b >= a) || !isfinite(a) || !isfinite(b)) {
            cli_errorf("%s: end %g is before start %g",
                       ictus_csv_where(t, row, c_e >= 0 ? c_e : c_iso_e, where, sizeof where), b, a);
            problems++;
            continue;
        }
        if (c_animal >= 0 && !r->animal[0])
            snprintf(r->animal, sizeof r->animal, "%s", ictus_csv_field(t, row, c_animal));
        if (truth)
            add_interval(&r->ref, &r->n_ref, &r->cap_ref, a, b);
        else
            add_interval(&r->hyp, &r->n_hyp, &r->cap_hyp, a, b);
    }
    return problems;
}

static void print_metrics_row(const char *who, const ictus_score_counts *c,
                              const ictus_score_metrics *m)
{
    printf("  %-18s %7.1f %5lld %5lld %5lld %5lld   %6.3f %6.3f %6.3f %8.2f\n", who,
           c->duration_s / 3600.0, (long long)c->ref, (long long)c->tp, (long long)c->fp,
           (long long)c->fn, m->sensitivity, m->precision, m->f1, m->fp_per_24h);
}

static void print_table(const char *title, const ictus_score_table *t)
{
    printf("%s\n  %-18s %7s %5s %5s %5s %5s   %6s %6s %6s %8s\n", title, "animal", "hours", "ref",
           "TP", "FP", "FN", "sens", "prec", "F1", "FP/24h");
    for (size_t i = 0; i < ictus_score_table_count(t); i++) {
        ictus_score_row row = ictus_score_table_row(t, i);
        print_metrics_row(row.animal, &row.counts, &row.metrics);
    }
    ictus_score_summary s = ictus_score_table_summary(t);
    printf("  %-18s %7s %5s %5s %5s %5s   %6.3f %6.3f %6.3f %8.2f\n", "mean over animals", "", "",
           "", "", "", s.mean.sensitivity, s.mean.precision, s.mean.f1, s.mean.fp_per_24h);
    print_metrics_row("pooled", &s.total, &s.pooled);
}

static void write_csv_rows(ictus_out *o, const char *scoring, const ictus_score_table *t)
{
    for (size_t i = 0; i <= ictus_score_table_count(t); i++) {
        ictus_score_counts c;
        ictus_score_metrics m;
        const char *who;
        if (i < ictus_score_table_count(t)) {
            ictus_score_row row = ictus_score_table_row(t, i);
            c = row.counts;
            m = row.metrics;
            who = row.animal;
        } else {
            ictus_score_summary s = ictus_score_table_summary(t);
            c = s.total;
            m = s.pooled;
            who = "(pooled)";
        }
        ictus_out_str(o, scoring);
        ictus_out_char(o, ',');
        ictus_out_field(o, who);
        ictus_out_char(o, ',');
        ictus_out_double(o, c.duration_s / 3600.0, 6);
        const double v[] = {(double)c.ref, (double)c.tp, (double)c.fp, (double)c.fn,
                            m.sensitivity, m.precision, m.f1, m.fp_per_24h};
        for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
            ictus_out_char(o, ',');
            ictus_out_double(o, v[k], 6);
        }
        ictus_out_char(o, '\n');
    }
}

int cmd_score(int argc, char **argv)
{
    enum { OPT_TRUTH = 2000, OPT_PRED, OPT_RECORDINGS, OPT_TYPE };
    static const struct option longopts[] = {
        CLI_SETTINGS_LONGOPTS,
        {"truth", required_argument, NULL, OPT_TRUTH}, {"pred", required_argument, NULL, OPT_PRED},
        {"recordings", required_argument, NULL, OPT_RECORDINGS},
        {"type", required_argument, NULL, OPT_TYPE}, {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, OPT_HELP}, {NULL, 0, NULL, 0},
    };
    cli_settings cs;
    cli_settings_init(&cs);
    const char *truth_path = NULL, *pred_path = NULL, *rec_dir = NULL, *type = NULL, *output = NULL;
    bool bad = false;
    int opt;
    while ((opt = getopt_long(argc, argv, "p:c:o:h", longopts, NULL)) != -1) {
        if (cli_settings_option(&cs, opt, optarg))
            continue;
        switch (opt) {
        case OPT_TRUTH: truth_path = optarg; break;
        case OPT_PRED: pred_path = optarg; break;
        case OPT_RECORDINGS: rec_dir = optarg; break;
        case OPT_TYPE: type = optarg; break;
        case 'o': output = optarg; break;
        case OPT_HELP:
            fputs(usage_text, stdout);
            return CLI_OK;
        default:
            bad = true;
        }
    }
    if (bad || !truth_path || !pred_path || optind != argc) {
        fputs(usage_text, stderr);
        return CLI_USAGE;
    }
    ictus_score_params params;
    ictus_score_params_default(&params);
    ictus_preset preset = {0};
    int status = CLI_OK;
    if (cs.preset[0] || cs.n_config_files) {
        if (!cli_preset_load(&cs, &preset)) {
            cli_settings_free(&cs);
            return CLI_USAGE;
        }
        params = preset.score;
    } else if (cs.n_assignments) {
        ictus_error err;
        if (!cli_settings_load(&cs, (const char *const[]){NULL}) ||
            ictus_score_params_apply(&params, cs.cfg, &err) != ICTUS_OK) {
            if (err.status)
                cli_error(&err);
            cli_settings_free(&cs);
            return CLI_USAGE;
        }
    }
    struct stat sb;
    if (rec_dir && (stat(rec_dir, &sb) != 0 || !S_ISDIR(sb.st_mode))) {
        cli_errorf("--recordings %s: not a folder", rec_dir);
        cli_settings_free(&cs);
        ictus_preset_free(&preset);
        return CLI_USAGE;
    }
    recording_list recs = {0};
    search_dirs dirs = {.n = 0};
    if (rec_dir)
        search_add(&dirs, rec_dir);
    else
        search_beside(&dirs, truth_path, pred_path);
    if (rec_dir) {
        scan_dir(&recs, rec_dir);
        char sub[4200];
        snprintf(sub, sizeof sub, "%s/recordings", rec_dir);
        scan_dir(&recs, sub);
    }
    ictus_csv *truth = NULL, *pred = NULL;
    ictus_error err;
    if (ictus_csv_read(pred_path, &pred, &err) != ICTUS_OK ||
        ictus_csv_read(truth_path, &truth, &err) != ICTUS_OK) {
        cli_error(&err);
        status = CLI_PROBLEMS;
        goto done;
    }
    bool strict = rec_dir != NULL;
    if (read_side(pred, false, type, &recs, &dirs, strict))
        status = CLI_PROBLEMS;
    for (int i = 0; i < recs.n; i++)
        if (locate(&recs.v[i], &dirs, strict))
            status = CLI_PROBLEMS;
    if (read_side(truth, true, type, &recs, &dirs, strict))
        status = CLI_PROBLEMS;

    ictus_score_table *ev = ictus_score_table_create(), *sm = ictus_score_table_create();
    for (int i = 0; i < recs.n; i++) {
        recording *r = &recs.v[i];
        if (locate(r, &dirs, strict))
            status = CLI_PROBLEMS;
        if (r->known == HEADER_BROKEN || (r->known == HEADER_MISSING && strict)) {
            status = CLI_PROBLEMS;
            continue;
        }
        bool missing = r->known == HEADER_MISSING;
        double dur_s = missing ? span_of(r, &params) : (double)r->duration_us / 1e6;
        if (!r->animal[0])
            snprintf(r->animal, sizeof r->animal, "%s", r->name);
        ictus_score_counts c;
        ictus_score_events(r->ref, r->n_ref, r->hyp, r->n_hyp, dur_s, &params, &c);
        if (missing)
            c.duration_s = NAN;
        ictus_score_table_add(ev, r->animal, &c);
        ictus_score_samples(r->ref, r->n_ref, r->hyp, r->n_hyp, dur_s, &params, &c);
        if (missing)
            c.duration_s = NAN;
        ictus_score_table_add(sm, r->animal, &c);
    }
    printf("ictus score: %s vs %s%s%s, %d recordings\n", pred_path, truth_path,
           type ? ", type " : "", type ? type : "", recs.n);
    printf("tolerances: merge %g s, split %g s, window -%g s / +%g s, min overlap %g; "
           "bins %g s at %g%%\n\n", params.merge_gap_s, params.max_event_s, params.tol_before_s,
           params.tol_after_s, params.min_overlap, params.bin_s, params.bin_coverage * 100);
    print_table("event scoring (SzCORE)", ev);
    printf("\n");
    print_table("sample scoring (bins)", sm);
    if (output) {
        ictus_out o;
        if (ictus_out_open(&o, output, &err) == ICTUS_OK) {
            ictus_out_str(&o, "scoring,animal,hours,ref,tp,fp,fn,sensitivity,precision,f1,"
                              "fp_per_24h\n");
            write_csv_rows(&o, "event", ev);
            write_csv_rows(&o, "sample", sm);
        }
        if (ictus_out_close(&o, &err) != ICTUS_OK) {
            cli_error(&err);
            status = CLI_PROBLEMS;
        }
    }
    ictus_score_table_destroy(ev);
    ictus_score_table_destroy(sm);
done:
    for (int i = 0; i < recs.n; i++) {
        free(recs.v[i].ref);
        free(recs.v[i].hyp);
    }
    free(recs.v);
    ictus_csv_destroy(truth);
    ictus_csv_destroy(pred);
    ictus_preset_free(&preset);
    cli_settings_free(&cs);
    return status;
}
