/* study_writer.c: a synthetic study directory: worker threads generate the
 * recordings (one job per animal and file), then the manifests and truth
 * files are written in a fixed order. */
#include "synth/study_writer.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "synth/day.h"
#include "synth/dm_plan.h"
#include "synth/deaths.h"
#include "synth/drug_plan.h"
#include "synth/families.h"
#include "synth/ranges.h"
#include "base/path.h"
#include "base/walltime.h"
#include "synth/seizures.h"
#include "synth/thermo_plan.h"
#include "synth/status_epilepticus.h"

/* ---------------------------------------------------------------- settings */

static int64_t file_seconds(const ictus_synth_study *s)
{
    return (int64_t)llround(s->hours * 3600);
}

int ictus_synth_protocol_files(const ictus_synth_protocol *p, double hours)
{
    int64_t file_s = llround(hours * 3600);
    if (file_s <= 0 || p->baseline_s % file_s || p->drug_s % file_s || p->washout_s % file_s)
        return -1;
    int64_t n = (p->baseline_s + 2 * p->drug_s + p->washout_s) / file_s;
    return n > 10000 ? -1 : (int)n;
}

/* The drug protocol's part of ictus_synth_study_check(). */
static ictus_status check_protocol(const ictus_synth_study *s, ictus_error *err)
{
    const ictus_synth_protocol *p = s->protocol;
    if (s->model->n_seizures == 0)
        return ictus_fail(err, ICTUS_ERR_USAGE, "the drug protocol needs spontaneous seizures: "
                          "model %s has none", s->model->name);
    if (p->baseline_s <= 0 || p->drug_s <= 0 || p->washout_s < 0)
        return ictus_fail(err, ICTUS_ERR_USAGE, "drug protocol: the baseline and drug periods "
                          "must last more than 0 s, the washout at least 0 s");
    if (!(p->min_rate_per_24h >= 0 && p->min_rate_per_24h <= 10000))
        return ictus_fail(err, ICTUS_ERR_USAGE, "drug protocol: minimum rate %g per 24 h: "
                          "expected 0..10000", p->min_rate_per_24h);
    int files = ictus_synth_protocol_files(p, s->hours);
    if (files < 0)
        return ictus_fail(err, ICTUS_ERR_USAGE, "drug protocol: every period must be a whole "
                          "number of %g h files (at most 10000 files)", s->hours);
    if (s->n_days != files)
        return ictus_fail(err, ICTUS_ERR_USAGE, "drug protocol: its periods need %d files per "
                          "animal, not %d", files, s->n_days);
    if (s->rate.fn)
        return ictus_fail(err, ICTUS_ERR_USAGE, "drug protocol: it sets the seizure rates "
                          "itself: no other rate multiplier");
    return ICTUS_OK;
}

ictus_status ictus_synth_study_check(const ictus_synth_study *s, ictus_error *err)
{
    int year;
    ictus_walltime_to_civil(s->start_us, &year, NULL, NULL, NULL, NULL, NULL, NULL);
    int64_t last_us = s->start_us + (int64_t)s->n_days * file_seconds(s) * ICTUS_US_PER_S;
    int last_year;
    ictus_walltime_to_civil(last_us, &last_year, NULL, NULL, NULL, NULL, NULL, NULL);
    if (!s->model)
        return ictus_fail(err, ICTUS_ERR_USAGE, "no model (expected one of %s)",
                          ictus_synth_model_names());
    if (s->n_animals < 1 || s->n_animals > 999)
        return ictus_fail(err, ICTUS_ERR_USAGE, "animals %d: expected 1..999", s->n_animals);
    if (s->n_days < 1 || s->n_days > 10000)
        return ictus_fail(err, ICTUS_ERR_USAGE, "days %d: expected 1..10000", s->n_days);
    if (!(s->fs_hz >= 100 && s->fs_hz <= 20000) || s->fs_hz != floor(s->fs_hz))
        return ictus_fail(err, ICTUS_ERR_USAGE, "sampling rate %g Hz: expected a whole number "
                          "of Hz in 100..20000", s->fs_hz);
    if (s->n_channels < 1 || s->n_channels > ICTUS_SYNTH_MAX_CHANNELS)
        return ictus_fail(err, ICTUS_ERR_USAGE, "channels %d: expected 1..%d", s->n_channels,
                          ICTUS_SYNTH_MAX_CHANNELS);
    /* Files longer than a day (the benchmark's 72 h recording) are one file
     * covering consecutive days; --days then counts such files. */
    if (!(s->hours > 0 && s->hours <= 240) || fabs(s->hours * 3600 - (double)file_seconds(s)) > 1e-6)
        return ictus_fail(err, ICTUS_ERR_USAGE, "hours %g: expected a whole number of seconds "
                          "in (0, 240] hours", s->hours);
    if (s->format == ICTUS_SYNTH_FLAC && s->gaps)
        return ictus_fail(err, ICTUS_ERR_USAGE, "gaps need EDF+D: FLAC files cannot hold them");
    if (s->mains_hz != 50 && s->mains_hz != 60)
        return ictus_fail(err, ICTUS_ERR_USAGE, "mains %g Hz: expected 50 or 60", s->mains_hz);
    if (s->n_threads < 1)
        return ictus_fail(err, ICTUS_ERR_USAGE, "threads %d: expected at least 1", s->n_threads);
    if (year < 1985 || last_year > 2084)
        return ictus_fail(err, ICTUS_ERR_USAGE, "the recordings must lie in 1985..2084 (EDF dates)");
    if (s->protocol && s->hyperthermia)
        return ictus_fail(err, ICTUS_ERR_USAGE, "a drug protocol and hyperthermia sessions: "
                          "give one of them");
    if (s->n_se < 0 || s->n_se > 1000)
        return ictus_fail(err, ICTUS_ERR_USAGE, "status epilepticus: %d episodes per animal: "
                          "expected 0..1000", s->n_se);
    if (s->n_se > 0 && s->model->n_seizures == 0)
        return ictus_fail(err, ICTUS_ERR_USAGE, "status epilepticus needs spontaneous seizures: "
                          "model %s has none", s->model->name);
    return s->protocol ? check_protocol(s, err) : ICTUS_OK;
}

void ictus_synth_study_day_spec(const ictus_synth_study *s, const ictus_synth_animal *a, int file,
                                ictus_synth_day_spec *spec)
{
    int64_t secs = file_seconds(s);
    *spec = (ictus_synth_day_spec){
        .animal = a, .file = file,
        .start_us = s->start_us + (int64_t)file * secs * ICTUS_US_PER_S,
        .elapsed_s = (int64_t)file * secs,
        .n_samples = secs * (int64_t)s->fs_hz,
        .fs_hz = s->fs_hz,
        .full_scale_uv = s->format == ICTUS_SYNTH_FLAC ? ICTUS_SYNTH_FLAC_FULL_SCALE_UV
                                                       : ICTUS_SYNTH_EDF_FULL_SCALE_UV,
        .mains_hz = s->mains_hz,
        /* a few files have gaps: every third one, counted over the study */
        .gaps = s->gaps && (a->index * s->n_days + file) % 3 == 0,
        .rate = s->rate,
        .seizure_draw = s->rate.draw ? s->rate.draw(s->rate.ctx, a->index, file) : 0,
        .negatives = s->negatives,
        .seizures = s->seizures,
        .families_off = s->families_off,
        .ranges = s->ranges,
        .thermo = s->thermo ? ictus_synth_thermo_session_of(s->thermo, a->index, file) : NULL,
        .n_se = ictus_synth_se_in_file(s->n_se, s->n_days, file),
    };
}

void ictus_synth_study_file_name(const ictus_synth_study *s, const ictus_synth_animal *a,
                                 int file, char *name, size_t size)
{
    ictus_synth_day_spec spec;
    ictus_synth_study_day_spec(s, a, file, &spec);
    int y, mo, d, h, mi, sec;
    ictus_walltime_to_civil(spec.start_us, &y, &mo, &d, &h, &mi, &sec, NULL);
    const char *ext = ictus_synth_format_ext(s->format);
    if (file_seconds(s) == 86400)
        snprintf(name, size, "%s_%04d%02d%02d.%s", a->id, y, mo, d, ext);
    else
        snprintf(name, size, "%s_%04d%02d%02d_%02d%02d%02d.%s", a->id, y, mo, d, h, mi, sec, ext);
}

/* ---------------------------------------------------------------- the recordings */

/* What the CSVs need of one file's plan: its seizures and hard negatives. */
typedef struct {
    ictus_synth_event *rows;
    int n;
} file_rows;

typedef struct {
    const ictus_synth_study *s;
    const char *dir;
    const ictus_synth_animal *animals;
    const ictus_synth_death *deaths; /* [animal] (NULL: no deaths) */
    file_rows *files;            /* [animal * n_days + file] */
    int next, total;
    pthread_mutex_t lock;
    ictus_status st;             /* the first failure */
    ictus_error err;
} jobs;

static ictus_status make_file(jobs *q, int job, ictus_error *err)
{
    const ictus_synth_study *s = q->s;
    const ictus_synth_animal *a = &q->animals[job / s->n_days];
    int file = job % s->n_days;
    const ictus_synth_death *death = q->deaths ? &q->deaths[a->index] : NULL;
    if (death && death->dies && file > death->file)
        return ICTUS_OK; /* dead: no more recordings */
    ictus_synth_day_spec spec;
    ictus_synth_study_day_spec(s, a, file, &spec);
    if (death && death->dies && file == death->file)
        spec.stop_sample = death->stop_sample;
    ictus_synth_day *d = ictus_synth_day_create(&spec);
    const ictus_synth_events *ev = ictus_synth_day_events(d);
    file_rows *out = &q->files[job];
    out->rows = ictus_xmalloc((size_t)(ev->n ? ev->n : 1) * sizeof *out->rows);
    for (int e = 0; e < ev->n; e++)
        if (ictus_synth_kinds[ev->items[e].kind].cls != ICTUS_SYNTH_BACKGROUND &&
            (!spec.stop_sample || ev->items[e].start < spec.stop_sample)) {
            out->rows[out->n] = ev->items[e];
            if (spec.stop_sample && out->rows[out->n].end > spec.stop_sample)
                out->rows[out->n].end = spec.stop_sample;
            out->n++;
        }
    char name[64], path[ICTUS_PATH_MAX];
    ictus_synth_study_file_name(s, a, file, name, sizeof name);
    ictus_status st = ictus_path_format(path, sizeof path, err, "%s/recordings/%s", q->dir, name);
    if (st == ICTUS_OK)
        st = ictus_synth_recording_write(d, s->format, path, err);
    ictus_synth_day_destroy(d);
    return st;
}

static void *worker(void *arg)
{
    jobs *q = arg;
    for (;;) {
        pthread_mutex_lock(&q->lock);
        int job = q->st == ICTUS_OK && q->next < q->total ? q->next++ : -1;
        pthread_mutex_unlock(&q->lock);
        if (job < 0)
            return NULL;
        ictus_error err;
        ictus_status st = make_file(q, job, &err);
        if (st != ICTUS_OK) {
            pthread_mutex_lock(&q->lock);
            if (q->st == ICTUS_OK) {
                q->st = st;
                q->err = err;
            }
            pthread_mutex_unlock(&q->lock);
        }
    }
}

static ictus_status run_jobs(jobs *q, ictus_error *err)
{
    int n = q->s->n_threads < q->total ? q->s->n_threads : q->total;
    pthread_t *threads = ictus_xcalloc((size_t)n, sizeof *threads);
    int started = 0;
    for (; started < n - 1; started++)
        if (pthread_create(&threads[started], NULL, worker, q) != 0)
            break;
    worker(q); /* this thread works too */
    for (int t = 0; t < started; t++)
        pthread_join(threads[t], NULL);
    free(threads);
    if (q->st != ICTUS_OK && err)
        *err = q->err;
    return q->st;
}

/* ---------------------------------------------------------------- the CSVs */

static ictus_status open_out(const char *dir, const char *name, FILE **f, ictus_error *err)
{
    *f = NULL;
    char path[ICTUS_PATH_MAX];
    ictus_status st = ictus_path_join(path, sizeof path, dir, name, err);
    if (st != ICTUS_OK)
        return st;
    *f = fopen(path, "w");
    if (!*f)
        return ictus_fail(err, ICTUS_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
    return ICTUS_OK;
}

static ictus_status close_out(const char *dir, const char *name, FILE *f, ictus_error *err)
{
    int bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return ictus_fail(err, ICTUS_ERR_IO, "%s/%s: cannot write: %s", dir, name,
                          strerror(errno));
    return ICTUS_OK;
}

void ictus_synth_format_time(int64_t t_us, char *buf, size_t size)
{
    int y, mo, d, h, mi, s;
    ictus_walltime_to_civil(t_us, &y, &mo, &d, &h, &mi, &s, NULL);
    snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d", y, mo, d, h, mi, s);
}

static void write_ini(const ictus_synth_study *s, FILE *f)
{
    char start[32];
    ictus_synth_format_time(s->start_us, start, sizeof start);
    fprintf(f, "# A synthetic study made by `ictus synth`: every seizure is in truth.csv,\n"
               "# every hard negative (artefact) in artefacts.csv.\n"
               "# model=%s animals=%d days=%d seed=%llu fs_hz=%g channels=%d hours=%g "
               "start=%s format=%s gaps=%s mains_hz=%g\n",
            s->model->name, s->n_animals, s->n_days, (unsigned long long)s->seed, s->fs_hz,
            s->n_channels, s->hours, start, ictus_synth_format_ext(s->format),
            s->gaps ? "yes" : "no", s->mains_hz);
    if (s->negatives == ICTUS_SYNTH_NEGATIVES_WIDE)
        fprintf(f, "# negatives=wide: the hard-negative families of synth/families.h too\n");
    if (s->n_se > 0)
        fprintf(f, "# status_epilepticus=%d episodes per animal (synth/status_epilepticus.h)\n",
                s->n_se);
    if (s->seizures == ICTUS_SYNTH_SEIZURES_WIDE)
        fprintf(f, "# seizures=wide: the seizure families of synth/ictal.h (seizures.csv)\n");
    if (s->families_off) {
        fprintf(f, "# families left out:");
        for (int k = 0; k < ICTUS_SYNTH_N_FAMILIES; k++)
            if (s->families_off >> k & 1)
                fprintf(f, " %s", ictus_synth_family_name(k));
        fputc('\n', f);
    }
    if (s->ranges) {
        char ranges[4096];
        ictus_synth_ranges_format(s->ranges, ranges, sizeof ranges);
        if (ranges[0])
            fprintf(f, "# family ranges: %s\n", ranges);
    }
    fprintf(f, "[study]\n");
    if (s->name)
        fprintf(f, "name = %s\n", s->name);
    else
        fprintf(f, "name = synthetic-%s-s%llu\n", s->model->name, (unsigned long long)s->seed);
    fprintf(f, "preset = %s\nmains_hz = %g\n", s->model->name, s->mains_hz);
}

/* Whether file `file` of animal `a` exists (it was not after its death). */
static bool file_made(const ictus_synth_death *deaths, const ictus_synth_animal *a, int file)
{
    return !deaths || !deaths[a->index].dies || file <= deaths[a->index].file;
}

static void write_animals(const ictus_synth_study *s, const ictus_synth_animal *animals,
                          const ictus_synth_death *deaths, FILE *f)
{
    const ictus_synth_model *m = s->model;
    fprintf(f, "animal,model,sex,strain,birth_date,group,notes%s\n",
            deaths ? ",death,death_cause" : "");
    for (int i = 0; i < s->n_animals; i++) {
        const ictus_synth_animal *a = &animals[i];
        int y, mo, d;
        ictus_walltime_to_civil(s->start_us - (int64_t)m->age_days * 86400 * ICTUS_US_PER_S, &y,
                                &mo, &d, NULL, NULL, NULL, NULL);
        fprintf(f, "%s,%s,%c,%s,%04d-%02d-%02d,synthetic,synthetic; background gain %.2f", a->id,
                m->name, a->sex, m->strain, y, mo, d, a->gain);
        for (int k = 0; k < m->n_seizures; k++)
            fprintf(f, "; %s %.1f/day", ictus_synth_kinds[m->seizures[k].kind].name,
                    a->seizure_per_day[k]);
        if (m->kindling)
            fprintf(f, "; kindled after %.0f stimulations; %d before the recording",
                    a->stims_to_kindle, a->prior_stims);
        if (deaths && deaths[i].dies) {
            char at[32];
            ictus_synth_format_time(deaths[i].death_us, at, sizeof at);
            fprintf(f, ",%s,%s", at, deaths[i].sudep ? "found dead" : "euthanised at humane endpoint");
        } else if (deaths) {
            fprintf(f, ",,");
        }
        fprintf(f, "\n");
    }
}

static void write_recordings(const ictus_synth_study *s, const ictus_synth_animal *animals,
                             const ictus_synth_death *deaths, FILE *f)
{
    fprintf(f, "file,animal,channels,start_time,video\n");
    for (int i = 0; i < s->n_animals; i++)
        for (int file = 0; file < s->n_days; file++) {
            const ictus_synth_animal *a = &animals[i];
            if (!file_made(deaths, a, file))
                continue;
            char name[64], start[32];
            ictus_synth_day_spec spec;
            ictus_synth_study_day_spec(s, a, file, &spec);
            ictus_synth_study_file_name(s, a, file, name, sizeof name);
            ictus_synth_format_time(spec.start_us, start, sizeof start);
            fprintf(f, "%s,%s,", name, a->id);
            for (int c = 0; c < a->n_channels; c++)
                fprintf(f, "%s%s=%d", c ? ";" : "", a->label[c], c + 1);
            if (s->thermo) /* the temperature channel, after the leads */
                fprintf(f, ";%s=%d", ICTUS_SYNTH_THERMO_LABEL, a->n_channels + 1);
            fprintf(f, ",%s,\n", start);
        }
}

/* The truth rows (seizures), hard negatives or stimulations of every file. */
typedef enum { TRUTH, ARTEFACTS, STIMULATIONS, SEIZURES } table;

static void write_rows(const ictus_synth_study *s, const ictus_synth_animal *animals,
                       const file_rows *files, table which, FILE *f)
{
    static const char *const headers[] = {
        [TRUTH] = "recording,animal,start_s,end_s,type,racine\n",
        [ARTEFACTS] = "recording,animal,start_s,end_s,kind,channel\n",
        [STIMULATIONS] = "recording,animal,start_s,end_s,start_time,frequency_hz,current_ma,racine\n",
        [SEIZURES] = "recording,animal,start_s,end_s,type,family,params\n",
    };
    const bool wide = s->negatives == ICTUS_SYNTH_NEGATIVES_WIDE;
    if (which == ARTEFACTS && wide)
        fputs("recording,animal,start_s,end_s,kind,channel,params\n", f);
    else
        fputs(headers[which], f);
    for (int job = 0; job < s->n_animals * s->n_days; job++) {
        const ictus_synth_animal *a = &animals[job / s->n_days];
        char name[64];
        ictus_synth_study_file_name(s, a, job % s->n_days, name, sizeof name);
        ictus_synth_day_spec spec;
        ictus_synth_study_day_spec(s, a, job % s->n_days, &spec);
        for (int r = 0; r < files[job].n; r++) {
            const ictus_synth_event *ev = &files[job].rows[r];
            const ictus_synth_kind_desc *k = &ictus_synth_kinds[ev->kind];
            double start_s = (double)ev->start / s->fs_hz, end_s = (double)ev->end / s->fs_hz;
            if (which == SEIZURES && k->cls == ICTUS_SYNTH_SEIZURE) {
                char params[1024];
                ictus_synth_ictal_params(ev, a->n_channels, params, sizeof params);
                int fam = ictus_synth_family_of(ev);
                fprintf(f, "%s,%s,%.3f,%.3f,%s,%s,%s\n", name, a->id, start_s, end_s,
                        k->truth_type, fam >= 0 ? ictus_synth_family_name(fam) : "usual", params);
            } else if (which == TRUTH && k->cls == ICTUS_SYNTH_SEIZURE) {
                fprintf(f, "%s,%s,%.3f,%.3f,%s,", name, a->id, start_s, end_s, k->truth_type);
                if (ev->racine > 0)
                    fprintf(f, "%d", ev->racine);
                fputc('\n', f);
            } else if (which == ARTEFACTS && k->cls == ICTUS_SYNTH_ARTEFACT) {
                fprintf(f, "%s,%s,%.3f,%.3f,%s,%s", name, a->id, start_s, end_s, k->name,
                        ev->channel >= 0 ? a->label[ev->channel] : "*");
                if (wide) {
                    char params[512];
                    ictus_synth_family_params(ev, a->n_channels, params, sizeof params);
                    fprintf(f, ",%s", params);
                }
                fputc('\n', f);
            } else if (which == STIMULATIONS && ev->kind == ICTUS_SYNTH_STIMULUS) {
                char at[32];
                ictus_synth_format_time(spec.start_us + (int64_t)llround(start_s * 1e6), at,
                                        sizeof at);
                fprintf(f, "%s,%s,%.3f,%.3f,%s,%g,%g,%d\n", name, a->id, start_s, end_s, at,
                        ICTUS_SYNTH_STIM_HZ, ICTUS_SYNTH_STIM_MA, ev->racine);
            }
        }
    }
}

/* ---------------------------------------------------------------- the study */

/* ictus_synth_study_day_spec() for deaths.h. */
static void study_spec(const void *ctx, const ictus_synth_animal *a, int file,
                       ictus_synth_day_spec *spec)
{
    ictus_synth_study_day_spec(ctx, a, file, spec);
}

static ictus_status make_dir(const char *path, ictus_error *err)
{
    if (mkdir(path, 0777) != 0 && errno != EEXIST)
        return ictus_fail(err, ICTUS_ERR_IO, "%s: cannot create the directory: %s", path,
                          strerror(errno));
    return ICTUS_OK;
}

/* The study's tables, in the order they are written. */
typedef enum {
    T_INI, T_ANIMALS, T_RECORDINGS, T_TRUTH, T_ARTEFACTS, T_STIMULATIONS, T_DOSING, T_RESPONSES,
    T_SEIZURES, T_DM_TRUTH, T_HYPERTHERMIA, T_DOSE_PLAN, T_DEATHS, N_TABLES
} table_id;

/* deaths.csv: the planned deaths (deaths.h). */
static void write_deaths(const ictus_synth_study *s, const ictus_synth_animal *animals,
                         const ictus_synth_death *deaths, FILE *f)
{
    fprintf(f, "animal,death,planned_cause,gtcs_start,gtcs_end\n");
    for (int i = 0; i < s->n_animals; i++) {
        const ictus_synth_death *d = &deaths[i];
        if (!d->dies)
            continue;
        char at[32], g0[32] = "", g1[32] = "";
        ictus_synth_format_time(d->death_us, at, sizeof at);
        if (d->sudep) {
            ictus_synth_format_time(d->gtcs_start_us, g0, sizeof g0);
            ictus_synth_format_time(d->gtcs_end_us, g1, sizeof g1);
        }
        fprintf(f, "%s,%s,%s,%s,%s\n", animals[i].id, at, d->sudep ? "sudep" : "other", g0, g1);
    }
}

static ictus_status write_tables(const ictus_synth_study *s, const ictus_synth_dosing *dosing,
                                 const ictus_synth_dm *dm, const ictus_synth_kindling *kplan,
                                 const char *dir, const ictus_synth_animal *animals,
                                 const ictus_synth_death *deaths, const file_rows *files,
                                 ictus_error *err)
{
    static const char *const names[N_TABLES] = {
        "study.ini", "animals.csv", "recordings.csv", "truth.csv", "artefacts.csv",
        "stimulations.csv", "dosing.csv", "responses.csv", "seizures.csv",
        "disease_modification_truth.csv", "hyperthermia_truth.csv", "dose_plan.csv",
        "deaths.csv"};
    ictus_status st = ICTUS_OK;
    for (int t = 0; t < N_TABLES && st == ICTUS_OK; t++) {
        if ((t == T_STIMULATIONS && !s->model->kindling) ||
            (t == T_DOSING && !dosing && !dm && !s->thermo && !kplan) ||
            (t == T_RESPONSES && !dosing) || (t == T_DM_TRUTH && !dm) ||
            (t == T_HYPERTHERMIA && !s->thermo) || (t == T_DOSE_PLAN && !kplan) ||
            (t == T_SEIZURES && s->seizures != ICTUS_SYNTH_SEIZURES_WIDE) ||
            (t == T_DEATHS && !deaths))
            continue;
        FILE *f;
        st = open_out(dir, names[t], &f, err);
        if (st != ICTUS_OK)
            break;
        switch ((table_id)t) {
        case T_INI:
            write_ini(s, f);
            if (dosing)
                ictus_synth_dosing_write_ini(dosing, f);
            if (dm)
                ictus_synth_dm_write_ini(dm, f);
            if (s->thermo)
                ictus_synth_thermo_write_ini(f);
            if (kplan)
                ictus_synth_kindling_write_ini(kplan, f);
            break;
        case T_ANIMALS: write_animals(s, animals, deaths, f); break;
        case T_RECORDINGS: write_recordings(s, animals, deaths, f); break;
        case T_DEATHS: write_deaths(s, animals, deaths, f); break;
        case T_TRUTH: write_rows(s, animals, files, TRUTH, f); break;
        case T_ARTEFACTS: write_rows(s, animals, files, ARTEFACTS, f); break;
        case T_STIMULATIONS: write_rows(s, animals, files, STIMULATIONS, f); break;
        case T_DOSING:
            if (dm)
                ictus_synth_dm_write_periods(dm, f);
            else if (kplan)
                ictus_synth_kindling_write_periods(kplan, f);
            else if (dosing)
                ictus_synth_dosing_write_periods(dosing, f);
            else
                ictus_synth_thermo_write_dosing(s->thermo, f);
            break;
        case T_HYPERTHERMIA: ictus_synth_thermo_write_truth(s->thermo, f); break;
        case T_DOSE_PLAN: ictus_synth_kindling_write_truth(kplan, f); break;
        case T_SEIZURES: write_rows(s, animals, files, SEIZURES, f); break;
        case T_DM_TRUTH: ictus_synth_dm_write_truth(dm, f); break;
        default: ictus_synth_dosing_write_responses(dosing, f); break;
        }
        st = close_out(dir, names[t], f, err);
    }
    return st;
}

ictus_status ictus_synth_study_write(const ictus_synth_study *s, const char *dir,
                                     ictus_error *err)
{
    ictus_status st = ictus_synth_study_check(s, err);
    if (st != ICTUS_OK)
        return st;
    ictus_synth_animal *animals = ictus_xcalloc((size_t)s->n_animals, sizeof *animals);
    for (int i = 0; i < s->n_animals; i++) {
        ictus_synth_animal_make(s->model, s->seed, i, s->n_channels, &animals[i]);
        if (s->protocol && s->protocol->responder_sex) /* a balanced design by sex */
            animals[i].sex = i % 2 ? 'M' : 'F';
    }
    /* A drug study plans its effects first: they set the seizure rates. */
    ictus_synth_study study = *s;
    ictus_synth_dosing *dosing = NULL;
    ictus_synth_dm *dm = NULL;
    if (s->protocol && s->protocol->design == ICTUS_SYNTH_DESIGN_DM) {
        st = ictus_synth_dm_plan(s, animals, &dm, err);
        if (st == ICTUS_OK)
            study.rate = ictus_synth_dm_rate(dm);
    } else if (s->protocol) {
        st = ictus_synth_dosing_plan(s, animals, &dosing, err);
        if (st == ICTUS_OK)
            study.rate = ictus_synth_dosing_rate(dosing);
    }
    ictus_synth_thermo *thermo = NULL;
    if (st == ICTUS_OK && s->hyperthermia) {
        st = ictus_synth_thermo_plan(s, animals, &thermo, err);
        study.thermo = thermo;
    }
    ictus_synth_kindling *kplan = NULL;
    if (st == ICTUS_OK && s->kindling_doses) {
        int64_t end_us = s->start_us + (int64_t)s->n_days * file_seconds(s) * ICTUS_US_PER_S;
        st = ictus_synth_kindling_plan(s->kindling_doses, s->model, s->protocol != NULL, s->seed,
                                       s->start_us, end_us, animals, s->n_animals, &kplan, err);
        if (st == ICTUS_OK)
            study.rate = ictus_synth_kindling_rate(kplan);
    }
    ictus_synth_death *deaths = NULL;
    if (st == ICTUS_OK && s->deaths) {
        deaths = ictus_xcalloc((size_t)s->n_animals, sizeof *deaths);
        for (int i = 0; i < s->n_animals; i++)
            ictus_synth_death_plan(&animals[i], s->n_days, study_spec, &study, &deaths[i]);
    }
    char sub[ICTUS_PATH_MAX];
    if (st == ICTUS_OK)
        st = ictus_path_join(sub, sizeof sub, dir, "recordings", err);
    if (st == ICTUS_OK)
        st = make_dir(dir, err);
    if (st == ICTUS_OK)
        st = make_dir(sub, err);
    if (st != ICTUS_OK) {
        ictus_synth_dosing_destroy(dosing);
        ictus_synth_dm_destroy(dm);
        ictus_synth_thermo_destroy(thermo);
        ictus_synth_kindling_destroy(kplan);
        free(deaths);
        free(animals);
        return st;
    }
    jobs q = {.s = &study, .dir = dir, .animals = animals, .deaths = deaths,
              .total = s->n_animals * s->n_days, .st = ICTUS_OK};
    pthread_mutex_init(&q.lock, NULL);
    q.files = ictus_xcalloc((size_t)q.total, sizeof *q.files);
    st = run_jobs(&q, err);
    if (st == ICTUS_OK)
        st = write_tables(&study, dosing, dm, kplan, dir, animals, deaths, q.files, err);
    for (int j = 0; j < q.total; j++)
        free(q.files[j].rows);
    free(q.files);
    ictus_synth_dosing_destroy(dosing);
    ictus_synth_dm_destroy(dm);
    ictus_synth_thermo_destroy(thermo);
    ictus_synth_kindling_destroy(kplan);
    free(deaths);
    free(animals);
    pthread_mutex_destroy(&q.lock);
    return st;
}
