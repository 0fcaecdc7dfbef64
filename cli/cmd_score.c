/* cmd_score.c: `ictus score`: SzCORE event and sample scoring of detections
 * (events.csv) against expert annotations or synthetic truth (DESIGN.md),
 * per animal, with the mean over animals and the pooled figure. */
#include <getopt.h>
#include <stdio.h>
#include <sys/stat.h>

#include "base/csvout.h"
#include "cli/cli.h"
#include "detectors/score.h"
#include "detectors/score_inputs.h"

static const char usage_text[] =
    "usage: ictus score --truth TRUTH.csv --pred EVENTS.csv [options]\n"
    "Score detections against annotations, SzCORE style, with the timescoring defaults:\n"
    "events closer than 90 s merged, longer than 300 s split; a reference event found\n"
    "when a detection overlaps [start - 30 s, end + 60 s]; a detection false when it\n"
    "overlaps no such window.  Also 1 s sample scoring.  Per animal, the mean over\n"
    "animals and the pooled figure ([score] settings change the tolerances).\n"
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

/* The tolerances: a preset's [score] (with --preset or --config), else the
 * defaults with --set score.KEY=VALUE applied. */
static ictus_status load_params(cli_settings *cs, ictus_score_params *params, ictus_error *err)
{
    ictus_score_params_default(params);
    ictus_status st = ICTUS_OK;
    if (cs->preset || cs->config_files.n) {
        ictus_preset preset = {0};
        st = cli_preset_load(cs, &preset, err);
        if (st == ICTUS_OK)
            *params = preset.score;
        ictus_preset_free(&preset);
    } else if (cs->assignments.n) {
        st = cli_settings_load(cs, (const char *const[]){NULL}, err);
        if (st == ICTUS_OK && ictus_score_params_apply(params, cs->cfg, err) != ICTUS_OK)
            st = cli_config_failure(err);
    }
    return st;
}

/* Write both tables as CSV to `output`. */
static ictus_status write_csv(const char *output, const ictus_score_table *ev,
                              const ictus_score_table *sm, ictus_error *err)
{
    ictus_out o;
    if (ictus_out_open(&o, output, err) != ICTUS_OK)
        return cli_work_failure(err);
    ictus_out_str(&o, "scoring,animal,hours,ref,tp,fp,fn,sensitivity,precision,f1,fp_per_24h\n");
    write_csv_rows(&o, "event", ev);
    write_csv_rows(&o, "sample", sm);
    return ictus_out_close(&o, err) == ICTUS_OK ? ICTUS_OK : cli_work_failure(err);
}

/* Score, print the tables and write the CSV. */
static ictus_status score(const ictus_score_sources *src, const ictus_score_params *params,
                          const char *output, ictus_error *err)
{
    ictus_score_inputs *in;
    if (ictus_score_inputs_load(src, &in, err) != ICTUS_OK)
        return cli_work_failure(err);
    for (int i = 0; i < in->n_notes; i++)
        cli_printf_error("%s", in->notes[i].text);
    ictus_score_table *ev = ictus_score_table_create(), *sm = ictus_score_table_create();
    ictus_score_inputs_tables(in, params, ev, sm);
    printf("ictus score: %s vs %s%s%s, %d recordings\n", src->pred_path, src->truth_path,
           src->type ? ", type " : "", src->type ? src->type : "", in->n_recs);
    printf("tolerances: merge %g s, split %g s, window -%g s / +%g s, min overlap %g; "
           "bins %g s at %g%%\n\n", params->merge_gap_s, params->max_event_s,
           params->tol_before_s, params->tol_after_s, params->min_overlap, params->bin_s,
           params->bin_coverage * 100);
    print_table("event scoring (SzCORE)", ev);
    printf("\n");
    print_table("sample scoring (bins)", sm);
    ictus_status st = output ? write_csv(output, ev, sm, err) : ICTUS_OK;
    bool problems = in->problems;
    ictus_score_table_destroy(ev);
    ictus_score_table_destroy(sm);
    ictus_score_inputs_destroy(in);
    return st == ICTUS_OK && problems ? cli_problems_reported(err) : st;
}

static ictus_status run_score(int argc, char **argv, ictus_error *err)
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
    ictus_score_sources src = {0};
    const char *output = NULL;
    bool bad = false, help = false;
    int opt;
    while ((opt = getopt_long(argc, argv, "p:c:o:h", longopts, NULL)) != -1) {
        if (cli_settings_option(&cs, opt, optarg))
            continue;
        switch (opt) {
        case OPT_TRUTH: src.truth_path = optarg; break;
        case OPT_PRED: src.pred_path = optarg; break;
        case OPT_RECORDINGS: src.recordings_dir = optarg; break;
        case OPT_TYPE: src.type = optarg; break;
        case 'o': output = optarg; break;
        case OPT_HELP: help = true; break;
        default: bad = true;
        }
    }
    ictus_score_params params;
    struct stat sb;
    ictus_status st = ICTUS_OK;
    if (help)
        fputs(usage_text, stdout);
    else if (bad || !src.truth_path || !src.pred_path || optind != argc)
        st = cli_bad_command_line(err);
    else
        st = load_params(&cs, &params, err);
    if (st == ICTUS_OK && !help && src.recordings_dir &&
        (stat(src.recordings_dir, &sb) != 0 || !S_ISDIR(sb.st_mode)))
        st = ictus_fail(err, ICTUS_ERR_CONFIG, "--recordings %s: not a folder",
                        src.recordings_dir);
    if (st == ICTUS_OK && !help)
        st = score(&src, &params, output, err);
    cli_settings_free(&cs);
    return st;
}

const cli_verb cli_verb_score = {
    "score", run_score,
    "--truth TRUTH.csv --pred EVENTS.csv [--preset P]   SzCORE-style metrics", usage_text};
