/* study.c: loading a study directory: study.ini, animals.csv, recordings.csv, annotations.csv.
 *
 * dosing.csv is read by dosing.c.  Every CSV row is checked field by field
 * with manifest.c; the rows without problems are kept.
 */
#include "protocols/study.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "base/path.h"
#include "base/strbuf.h"
#include "base/vec.h"

/* ------------------------------------------------------------------------
 * Strings and lookups
 * ---------------------------------------------------------------------- */

const char *ictus_study_keep(ictus_study *study, const char *text)
{
    return ictus_strpool_keep(&study->strings_, text);
}

/* Studies have tens to hundreds of animals: a linear lookup.  Recordings
 * (thousands to hundreds of thousands) have an index below. */
const ictus_animal *ictus_study_animal(const ictus_study *study, const char *id)
{
    for (int i = 0; i < study->n_animals; i++)
        if (strcmp(study->animals[i].id, id) == 0)
            return &study->animals[i];
    return NULL;
}

const ictus_period *ictus_animal_period_at(const ictus_animal *animal, int64_t t_us)
{
    for (int i = 0; i < animal->n_periods; i++)
        if (animal->periods[i].start_us <= t_us && t_us < animal->periods[i].end_us)
            return &animal->periods[i];
    return NULL;
}

/* ------------------------------------------------------------------------
 * The recordings by file name: a hash table of chains in file order
 * ---------------------------------------------------------------------- */

static uint64_t file_hash(const char *file)
{
    uint64_t h = 14695981039346656037u; /* FNV-1a */
    for (const unsigned char *c = (const unsigned char *)file; *c; c++)
        h = (h ^ *c) * 1099511628211u;
    return h;
}

/* The slot of `file`: the one holding its rows, or the empty one where they go. */
static int file_slot(const ictus_study *study, const char *file)
{
    int mask = study->n_slots_ - 1;
    for (int s = (int)(file_hash(file) & (uint64_t)mask);; s = (s + 1) & mask)
        if (study->slot_first_[s] < 0 ||
            strcmp(study->recordings[study->slot_first_[s]].file, file) == 0)
            return s;
}

/* Add row i (the last of study->recordings) to the index. */
static void file_index_add(ictus_study *study, int i)
{
    ICTUS_GROW(study->next_same_file_, i + 1, study->cap_next_);
    study->next_same_file_[i] = -1;
    int s = file_slot(study, study->recordings[i].file);
    if (study->slot_first_[s] < 0)
        study->slot_first_[s] = i;
    else
        study->next_same_file_[study->slot_last_[s]] = i;
    study->slot_last_[s] = i;
}

/* Make room for n_rows rows in all (at most three quarters of the slots
 * used: every row may be a file of its own), rebuilding the table in row
 * order when it grows. */
static void file_index_reserve(ictus_study *study, int n_rows)
{
    if (4 * (int64_t)n_rows <= 3 * (int64_t)study->n_slots_)
        return;
    free(study->slot_first_);
    free(study->slot_last_);
    if (!study->n_slots_)
        study->n_slots_ = 64;
    while (3 * (int64_t)study->n_slots_ < 4 * (int64_t)n_rows)
        study->n_slots_ *= 2;
    study->slot_first_ = ictus_xmalloc((size_t)study->n_slots_ * sizeof *study->slot_first_);
    study->slot_last_ = ictus_xmalloc((size_t)study->n_slots_ * sizeof *study->slot_last_);
    for (int s = 0; s < study->n_slots_; s++)
        study->slot_first_[s] = study->slot_last_[s] = -1;
    for (int i = 0; i < study->n_recordings; i++)
        file_index_add(study, i);
}

/* The first row of `file`, or -1; the next ones follow next_same_file_. */
static int file_first_row(const ictus_study *study, const char *file)
{
    return study->n_slots_ ? study->slot_first_[file_slot(study, file)] : -1;
}

const ictus_recording_entry *ictus_study_recording(const ictus_study *study, const char *file,
                                                   const char *animal)
{
    for (int i = file_first_row(study, file); i >= 0; i = study->next_same_file_[i]) {
        const ictus_recording_entry *r = &study->recordings[i];
        if (!animal || strcmp(r->animal, animal) == 0)
            return r;
    }
    return NULL;
}

const char *ictus_study_not_found(const ictus_recording_entry *const *entries, int n, char *buf,
                                  size_t size)
{
    ictus_strbuf lines = {0};
    for (int i = 0; i < n; i++)
        ictus_strbuf_addf(&lines, "%s%d", i ? ", " : "", entries[i]->line);
    snprintf(buf, size, "listed in recordings.csv (line%s %s) but not found", n > 1 ? "s" : "",
             ictus_strbuf_text(&lines));
    ictus_strbuf_free(&lines);
    return buf;
}

void ictus_study_check_files(const ictus_study *study, ictus_problems *problems)
{
    const ictus_recording_entry **rows = NULL;
    int cap = 0;
    for (int i = 0; i < study->n_recordings; i++) {
        const ictus_recording_entry *e = &study->recordings[i];
        if (file_first_row(study, e->file) != i)
            continue; /* the file's later rows: said with its first */
        char *disk = ictus_path_join_alloc(study->dir, e->path);
        struct stat st;
        if (stat(disk, &st) != 0 || !S_ISREG(st.st_mode)) {
            int n = 0;
            for (int k = i; k >= 0; k = study->next_same_file_[k]) {
                ICTUS_GROW(rows, n + 1, cap);
                rows[n++] = &study->recordings[k];
            }
            char why[256];
            ictus_problems_add(problems, "%s: %s", disk, ictus_study_not_found(rows, n, why,
                                                                               sizeof why));
        }
        free(disk);
    }
    free(rows);
}

const ictus_drug *ictus_study_drug(const ictus_study *study, const char *name)
{
    for (int i = 0; i < study->n_drugs; i++)
        if (strcasecmp(study->drugs[i].name, name) == 0)
            return &study->drugs[i];
    return NULL;
}

/* ------------------------------------------------------------------------
 * study.ini
 * ---------------------------------------------------------------------- */

/* The directory's own name, for a study without [study] name. */
static const char *dir_name(ictus_study *study, const char *dir)
{
    char *copy = ictus_xstrdup(dir);
    size_t n = strlen(copy);
    while (n > 1 && copy[n - 1] == '/')
        copy[--n] = '\0';
    const char *name = ictus_study_keep(study, ictus_path_base(copy));
    free(copy);
    return name;
}

static ictus_status read_drugs(ictus_study *study, ictus_error *err)
{
    int cap = 0;
    for (int i = 0; i < ictus_config_count(study->config); i++) {
        const char *section, *key, *value;
        ictus_config_entry(study->config, i, &section, &key, &value);
        if (strcmp(section, "drugs") != 0)
            continue;
        study->has_drug_list = true;
        double target = NAN;
        const char *last = ictus_config_get(study->config, "drugs", key);
        if (*last) {
            ictus_status st = ictus_config_get_double(study->config, "drugs", key, 0, 1e6,
                                                      &target, err);
            if (st != ICTUS_OK)
                return st;
        }
        ictus_drug *known = (ictus_drug *)ictus_study_drug(study, key);
        if (known) {
            known->target_dose_mg_kg = target;
            continue;
        }
        ICTUS_GROW(study->drugs, study->n_drugs + 1, cap);
        study->drugs[study->n_drugs++] = (ictus_drug){ictus_study_keep(study, key), target};
    }
    return ICTUS_OK;
}

/* [study] date_format: one of ictus_date_format_names (ignoring case). */
static ictus_status read_date_format(ictus_study *study, const char *path, ictus_error *err)
{
    const char *value = ictus_config_get(study->config, "study", "date_format");
    study->date_format = ICTUS_DATE_ISO;
    if (!value || !*value)
        return ICTUS_OK;
    for (int i = 0; ictus_date_format_names[i]; i++)
        if (strcasecmp(value, ictus_date_format_names[i]) == 0) {
            study->date_format = (ictus_date_format)i;
            return ICTUS_OK;
        }
    return ictus_fail(err, ICTUS_ERR_CONFIG, "%s: [study] date_format = %s: expected YYYY-MM-DD, "
                      "DD.MM.YYYY, DD/MM/YYYY or MM/DD/YYYY (how the CSV files write dates)",
                      path, ICTUS_QUOTE(value));
}

static ictus_status read_settings(ictus_study *study, ictus_error *err)
{
    char *path = ictus_path_join_alloc(study->dir, "study.ini");
    ictus_status st = ictus_config_load(study->config, path, err);
    ictus_config *cfg = study->config;
    const char *name = st == ICTUS_OK ? ictus_config_get(cfg, "study", "name") : NULL;
    const char *preset = st == ICTUS_OK ? ictus_config_get(cfg, "study", "preset") : NULL;
    if (st == ICTUS_OK && (!preset || !*preset))
        st = ictus_fail(err, ICTUS_ERR_CONFIG,
                        "%s: [study] preset is missing: name the detector preset, e.g. "
                        "\"preset = ihka-mouse\"", path);
    if (st == ICTUS_OK && !ictus_config_get(cfg, "study", "mains_hz"))
        st = ictus_fail(err, ICTUS_ERR_CONFIG,
                        "%s: [study] mains_hz is missing: the mains frequency where the "
                        "recordings were made, 50 or 60 (0: no notch filter)", path);
    study->mains_hz = -1;
    if (st == ICTUS_OK)
        st = ictus_config_get_double(cfg, "study", "mains_hz", 0, 1000, &study->mains_hz, err);
    if (st == ICTUS_OK && study->mains_hz != 0 && study->mains_hz != 50 && study->mains_hz != 60)
        st = ictus_fail(err, ICTUS_ERR_CONFIG, "%s: [study] mains_hz = %g: expected 50, 60 or 0 "
                        "(no notch filter)", path, study->mains_hz);
    if (st == ICTUS_OK && ictus_config_get(cfg, "study", "full_scale_uv"))
        st = ictus_config_get_double(cfg, "study", "full_scale_uv", 1e-3, 1e12,
                                     &study->full_scale_uv, err);
    if (st == ICTUS_OK)
        st = read_date_format(study, path, err);
    if (st == ICTUS_OK)
        st = read_drugs(study, err);
    static const char *const own[] = {"study", "drugs", NULL};
    if (st == ICTUS_OK)
        st = ictus_config_check_used(cfg, own, err);
    if (st == ICTUS_OK) {
        study->name = name && *name ? ictus_study_keep(study, name) : dir_name(study, study->dir);
        study->preset = ictus_study_keep(study, preset);
    }
    free(path);
    return st;
}

/* ------------------------------------------------------------------------
 * animals.csv
 * ---------------------------------------------------------------------- */

/* The field check of an animals.csv row just added a problem: the animal
 * is kept with the field unknown, so the line moves to the study's
 * warnings (a field the analysis can do without rejects nothing, and must
 * not fail the night) and says so. */
static void keep_despite(ictus_study *study, ictus_manifest_row *r, const char *field)
{
    ictus_problems *p = &study->problems;
    char *line = p->lines[--p->n];
    ictus_problems_add(&study->warnings, "%s (the animal is kept, its %s unknown)", line, field);
    free(line);
    r->n_bad--;
}

static ictus_status read_animals(ictus_study *study, ictus_error *err)
{
    static const char *const required[] = {"animal"};
    ictus_csv *t;
    ictus_status st = ictus_manifest_read(study->dir, "animals.csv", true, required, 1, &t,
                                          &study->problems, err);
    if (st != ICTUS_OK)
        return st;
    static const char *const sexes[] = {"M", "F", "male", "female"};
    static const char *const sex_code[] = {"M", "F", "M", "F", ""};
    int c_animal = ictus_csv_column(t, "animal"), c_model = ictus_csv_column(t, "model"),
        c_sex = ictus_csv_column(t, "sex"), c_strain = ictus_csv_column(t, "strain"),
        c_birth = ictus_csv_column(t, "birth_date"), c_group = ictus_csv_column(t, "group"),
        c_notes = ictus_csv_column(t, "notes");
    int c_death = ictus_csv_column(t, "death"), c_cause = ictus_csv_column(t, "death_cause");
    int c_preset = ictus_csv_column(t, "preset"); /* protocols/study_preset.h */
    study->has_deaths = c_death >= 0;
    int cap = 0;
    for (ictus_manifest_row r = ictus_manifest_rows_dated(t, &study->problems,
                                                          study->date_format);
         ictus_manifest_next(&r);) {
        const char *id = ictus_manifest_text(&r, c_animal, "an animal id");
        const ictus_animal *dup = *id ? ictus_study_animal(study, id) : NULL;
        if (dup)
            ictus_manifest_problem(&r, c_animal, "animal \"%s\" is already listed at line %d",
                                   ICTUS_QUOTE(id), dup->line);
        if (r.n_bad)
            continue; /* no usable id, or a row wider than its header (fields shifted) */
        /* The other fields do not decide whether the animal is known. */
        int sex = ictus_manifest_choice(&r, c_sex, sexes, 4, 4);
        if (sex < 0) {
            keep_despite(study, &r, "sex");
            sex = 4;
        }
        int64_t birth_us;
        if (!ictus_manifest_date(&r, c_birth, false, &birth_us))
            keep_despite(study, &r, "birth_date");
        int64_t death_us;
        const char *cause = ictus_manifest_text(&r, c_cause, NULL);
        if (!ictus_manifest_time(&r, c_death, false, &death_us)) {
            keep_despite(study, &r, "death");
            cause = "";
        } else if (death_us == ICTUS_TIME_UNKNOWN && *cause) {
            ictus_manifest_problem(&r, c_cause, "a death_cause needs a death time");
            keep_despite(study, &r, "death_cause");
            cause = "";
        }
        ICTUS_GROW(study->animals, study->n_animals + 1, cap);
        study->animals[study->n_animals++] = (ictus_animal){
            .id = ictus_study_keep(study, id),
            .model = ictus_study_keep(study, ictus_manifest_text(&r, c_model, NULL)),
            .sex = sex_code[sex],
            .strain = ictus_study_keep(study, ictus_manifest_text(&r, c_strain, NULL)),
            .group = ictus_study_keep(study, ictus_manifest_text(&r, c_group, NULL)),
            .notes = ictus_study_keep(study, ictus_manifest_text(&r, c_notes, NULL)),
            .birth_us = birth_us,
            .death_us = death_us,
            .death_cause = ictus_study_keep(study, cause),
            .preset = ictus_study_keep(study, ictus_manifest_text(&r, c_preset, NULL)),
            .line = ictus_csv_line(t, r.row),
        };
    }
    ictus_csv_destroy(t);
    return ICTUS_OK;
}

/* The animal field of a row: required and listed in animals.csv. */
static const char *known_animal(ictus_study *study, ictus_manifest_row *r, int col, bool required)
{
    const char *id = ictus_manifest_text(r, col, required ? "an animal id" : NULL);
    if (*id && !ictus_study_animal(study, id))
        ictus_manifest_problem(r, col, "unknown animal \"%s\" (not in animals.csv)",
                               ICTUS_QUOTE(id));
    return id;
}

/* ------------------------------------------------------------------------
 * recordings.csv
 * ---------------------------------------------------------------------- */

/* A path inside recordings/: not empty, not absolute, no ".." part. */
static bool inside_recordings(const char *file)
{
    if (!*file || file[0] == '/')
        return false;
    for (const char *p = file; *p;) {
        size_t n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.')
            return false;
        p += n + (p[n] == '/');
    }
    return true;
}

/* A file written with the folder, "recordings/A2.edf", is the usual slip:
 * recordings.csv's paths are relative to recordings/.  When the path read
 * that way does not exist but would without the folder, the row is rejected
 * with the fix, rather than taken either way: taking it silently would
 * leave the lab believing the other reading, and a path that really is
 * recordings/recordings/A2.edf (it exists) stays valid.  The file itself is
 * then not analysed without its row (nightly/plan.h: named only in rejected
 * rows). */
static void check_folder_prefix(const ictus_study *study, ictus_manifest_row *r, int col,
                                const char *file)
{
    static const char folder[] = "recordings/";
    size_t n = strlen(folder);
    if (strncmp(file, folder, n) != 0 || !file[n])
        return;
    char *rec_dir = ictus_path_join_alloc(study->dir, "recordings");
    char *as_written = ictus_path_join_alloc(rec_dir, file);
    char *meant = ictus_path_join_alloc(study->dir, file);
    struct stat st;
    if (stat(as_written, &st) != 0 && stat(meant, &st) == 0)
        ictus_manifest_problem(r, col, "\"%s\": file paths are relative to recordings/ (there "
                               "is no recordings/%s): write \"%s\"", ICTUS_QUOTE(file),
                               ICTUS_QUOTE(file), ICTUS_QUOTE(file + n));
    free(meant);
    free(as_written);
    free(rec_dir);
}

/* Parse "HPC=1;CTX=2" into a new array (*out, caller frees); false with a
 * problem on any error.  Empty text gives *n = 0. */
static bool parse_channel_map(ictus_manifest_row *r, int col, const char *text,
                              ictus_channel_label **out, int *n)
{
    *out = NULL;
    *n = 0;
    int cap = 0;
    for (const char *p = text; *p;) {
        size_t len = strcspn(p, ";");
        char item[ICTUS_LABEL_MAX + 16];
        bool too_long = len >= sizeof item;
        snprintf(item, sizeof item, "%.*s", too_long ? 0 : (int)len, p);
        p += len + (p[len] == ';');
        char *eq = strchr(item, '='), *label = item, *end = NULL;
        if (!too_long && !eq && !item[strspn(item, " \t")])
            continue; /* an empty item, e.g. after a final ';' */
        long number = 0;
        if (eq) {
            *eq = '\0';
            number = strtol(eq + 1, &end, 10);
            while (*end == ' ' || *end == '\t')
                end++;
        }
        while (*label == ' ' || *label == '\t')
            label++;
        for (char *e = label + strlen(label); e > label && (e[-1] == ' ' || e[-1] == '\t');)
            *--e = '\0';
        if (!eq || !*label || end == eq + 1 || *end || number < 1 || number > 4096 ||
            strlen(label) >= ICTUS_LABEL_MAX || strcmp(label, "*") == 0) {
            ictus_manifest_problem(r, col, "expected LABEL=N;LABEL=N... with channel numbers N "
                                           "from 1, got \"%s\"", ICTUS_QUOTE(text));
            break;
        }
        for (int i = 0; i < *n; i++) {
            if (strcmp((*out)[i].label, label) == 0)
                ictus_manifest_problem(r, col, "label \"%s\" is given twice in \"%s\"",
                                       ICTUS_QUOTE(label), ICTUS_QUOTE(text));
            else if ((*out)[i].channel == number)
                ictus_manifest_problem(r, col, "channel %ld is mapped twice in \"%s\"", number,
                                       ICTUS_QUOTE(text));
        }
        ICTUS_GROW(*out, *n + 1, cap);
        ictus_channel_label *cl = &(*out)[(*n)++];
        memcpy(cl->label, label, strlen(label) + 1);
        cl->channel = (int)number;
    }
    if (r->n_bad) {
        free(*out);
        *out = NULL;
        *n = 0;
        return false;
    }
    if (*n > 0 && *n < cap) /* kept for the study's life, once per row: no spare room */
        *out = ictus_xrealloc(*out, (size_t)*n * sizeof **out);
    return true;
}

/* A new row of `file` against the rows already kept: no duplicate, and
 * several animals in one file need disjoint channel maps. */
static void check_file_rows(ictus_study *study, ictus_manifest_row *r, int c_file, int c_channels,
                            const char *file, const char *animal,
                            const ictus_channel_label *map, int n_map)
{
    for (int i = file_first_row(study, file); i >= 0; i = study->next_same_file_[i]) {
        const ictus_recording_entry *e = &study->recordings[i];
        if (strcmp(e->animal, animal) == 0) {
            ictus_manifest_problem(r, c_file, "\"%s\" for animal \"%s\" is already listed at "
                                   "line %d", ICTUS_QUOTE(file), ICTUS_QUOTE(animal), e->line);
            return;
        }
        if (n_map == 0 || e->n_channels == 0) {
            ictus_manifest_problem(r, c_channels >= 0 ? c_channels : c_file,
                                   "\"%s\" is also listed for animal \"%s\" at line %d: a file "
                                   "holding several animals needs a channel map in every row",
                                   ICTUS_QUOTE(file), ICTUS_QUOTE(e->animal), e->line);
            return;
        }
        for (int a = 0; a < n_map; a++)
            for (int b = 0; b < e->n_channels; b++)
                if (map[a].channel == e->channels[b].channel)
                    ictus_manifest_problem(r, c_channels, "channel %d of \"%s\" is also mapped "
                                           "for animal \"%s\" at line %d", map[a].channel,
                                           ICTUS_QUOTE(file), ICTUS_QUOTE(e->animal), e->line);
    }
}

/* A row's strings, kept compact: studies hold up to hundreds of thousands
 * of rows, most of them alike.  The animal is its animals.csv id's string
 * when it has one; "" is not copied. */
static const char *kept_animal(ictus_study *study, const char *animal)
{
    const ictus_animal *a = ictus_study_animal(study, animal);
    return a ? a->id : ictus_study_keep(study, animal);
}

static const char *kept_text(ictus_study *study, const char *text)
{
    return text[0] ? ictus_study_keep(study, text) : "";
}

/* The channel map of a new row: the previous row's when they are the same
 * (a lab's rows mostly repeat one map), then `map` is freed.  Only runs of
 * consecutive rows share one (ictus_study_destroy() relies on it). */
static ictus_channel_label *shared_map(ictus_study *study, ictus_channel_label *map, int n_map)
{
    if (study->n_recordings < 2 || n_map == 0)
        return map;
    const ictus_recording_entry *prev = &study->recordings[study->n_recordings - 2];
    if (prev->n_channels != n_map)
        return map;
    for (int i = 0; i < n_map; i++)
        if (prev->channels[i].channel != map[i].channel ||
            strcmp(prev->channels[i].label, map[i].label) != 0)
            return map;
    free(map);
    return prev->channels;
}

static void read_recordings(ictus_study *study)
{
    static const char *const required[] = {"file", "animal"};
    ictus_csv *t;
    ictus_manifest_read(study->dir, "recordings.csv", false, required, 2, &t, &study->problems,
                        NULL);
    if (!t)
        return;
    study->has_recordings = true;
    int c_file = ictus_csv_column(t, "file"), c_animal = ictus_csv_column(t, "animal"),
        c_channels = ictus_csv_column(t, "channels"), c_start = ictus_csv_column(t, "start_time"),
    /* Made at the manifest's size once (rows it rejects left unused), not
     * grown by doubling: every smaller array freed behind would stay in the
     * heap (160,000 rows: 9 MB of rows, 2 MB of index). */
        c_video = ictus_csv_column(t, "video");
    int cap = ictus_csv_rows(t) + 1;
    study->recordings = ictus_xmalloc((size_t)cap * sizeof *study->recordings);
    study->cap_next_ = cap;
    study->next_same_file_ = ictus_xmalloc((size_t)cap * sizeof *study->next_same_file_);
    file_index_reserve(study, cap);
    for (ictus_manifest_row r = ictus_manifest_rows_dated(t, &study->problems,
                                                          study->date_format);
         ictus_manifest_next(&r);) {
        const char *file = ictus_manifest_text(&r, c_file, "a file inside recordings/");
        if (*file && !inside_recordings(file))
            ictus_manifest_problem(&r, c_file, "expected a path inside recordings/ (relative, "
                                   "without \"..\"), got \"%s\"", ICTUS_QUOTE(file));
        else if (*file)
            check_folder_prefix(study, &r, c_file, file);
        const char *animal = known_animal(study, &r, c_animal, true);
        ictus_channel_label *map;
        int n_map;
        parse_channel_map(&r, c_channels, ictus_manifest_text(&r, c_channels, NULL), &map, &n_map);
        int64_t start_us;
        ictus_manifest_time(&r, c_start, false, &start_us);
        if (!r.n_bad)
            check_file_rows(study, &r, c_file, c_channels, file, animal, map, n_map);
        if (r.n_bad) {
            free(map);
            continue;
        }
        char *path = ictus_path_join_alloc("recordings", file);
        file_index_reserve(study, study->n_recordings + 1);
        ICTUS_GROW(study->recordings, study->n_recordings + 1, cap);
        ictus_recording_entry *e = &study->recordings[study->n_recordings++];
        *e = (ictus_recording_entry){
            .path = ictus_study_keep(study, path),
            .animal = kept_animal(study, animal),
            .n_channels = n_map,
            .channels = shared_map(study, map, n_map),
            .start_us = start_us,
            .video = kept_text(study, ictus_manifest_text(&r, c_video, NULL)),
            .line = ictus_csv_line(t, r.row),
        };
        size_t n_dir = strlen("recordings/");
        e->file = strncmp(e->path, "recordings/", n_dir) == 0 && strcmp(e->path + n_dir, file) == 0
                      ? e->path + n_dir
                      : ictus_study_keep(study, file);
        free(path);
        file_index_add(study, study->n_recordings - 1);
    }
    if (study->n_recordings > 0 && study->n_recordings < cap) { /* kept for the study's life */
        study->recordings = ictus_xrealloc(study->recordings,
                                           (size_t)study->n_recordings * sizeof *study->recordings);
        study->cap_next_ = study->n_recordings;
        study->next_same_file_ = ictus_xrealloc(study->next_same_file_, (size_t)study->n_recordings *
                                                sizeof *study->next_same_file_);
    }
    free(study->slot_last_); /* only while rows are added */
    study->slot_last_ = NULL;
    ictus_csv_destroy(t);
}

/* ------------------------------------------------------------------------
 * annotations.csv
 * ---------------------------------------------------------------------- */

/* A recording named in annotations.csv: known when recordings.csv lists a
 * file with that name (directories ignored); anything goes without it. */
static bool known_recording(const ictus_study *study, const char *name)
{
    if (!study->has_recordings)
        return true;
    for (int i = 0; i < study->n_recordings; i++)
        if (strcmp(ictus_path_base(study->recordings[i].file), name) == 0)
            return true;
    return false;
}

/* The columns of annotations.csv, found by name. */
typedef struct {
    int start, end;      /* start_s,end_s or start,end */
    bool wall_clock;
    int recording, animal, type, racine, scorer;
} label_columns;

/* Find the columns; false (with a problem) when the file cannot be used. */
static bool label_columns_find(ictus_study *study, const ictus_csv *t, label_columns *c)
{
    c->wall_clock = ictus_csv_column(t, "start_s") < 0 || ictus_csv_column(t, "end_s") < 0;
    c->start = ictus_csv_column(t, c->wall_clock ? "start" : "start_s");
    c->end = ictus_csv_column(t, c->wall_clock ? "end" : "end_s");
    c->recording = ictus_csv_column(t, "recording");
    c->animal = ictus_csv_column(t, "animal");
    c->type = ictus_csv_column(t, "type");
    c->racine = ictus_csv_column(t, "racine");
    c->scorer = ictus_csv_column(t, "scorer");
    const char *missing_times = c->start < 0 || c->end < 0 ? "start_s, end_s (or start, end)" : "";
    const char *missing_target = c->recording < 0 && c->animal < 0 ? "recording (or animal)" : "";
    if (!*missing_times && !*missing_target)
        return true;
    ictus_problems_add(&study->problems, "%s: missing columns: %s%s%s (the file is ignored)",
                       ictus_csv_path(t), missing_times,
                       *missing_times && *missing_target ? ", " : "", missing_target);
    return false;
}

/* The start and end of a label row (µs); false after a problem. */
static bool label_times(ictus_manifest_row *r, const label_columns *c, int64_t *start_us,
                        int64_t *end_us)
{
    bool ok;
    if (c->wall_clock) {
        ok = ictus_manifest_time(r, c->start, true, start_us);
        ok = ictus_manifest_time(r, c->end, true, end_us) && ok;
    } else {
        double s, e;
        ok = ictus_manifest_number(r, c->start, true, 0, "seconds from the recording start", &s);
        ok = ictus_manifest_number(r, c->end, true, 0, "seconds from the recording start", &e) &&
             ok;
        if (ok) {
            *start_us = llround(s * 1e6);
            *end_us = llround(e * 1e6);
        }
    }
    if (ok && *end_us <= *start_us) {
        const char *name = c->wall_clock ? "end" : "end_s";
        ictus_manifest_problem(r, c->end, "%s %s is not after start %s", name,
                               ICTUS_QUOTE(ictus_csv_field(r->t, r->row, c->end)),
                               ICTUS_QUOTE(ictus_csv_field(r->t, r->row, c->start)));
        ok = false;
    }
    return ok;
}

static bool same_label(const ictus_expert_label *a, const ictus_expert_label *b)
{
    return strcmp(a->recording, b->recording) == 0 && strcmp(a->animal, b->animal) == 0 &&
           a->start_us == b->start_us && a->end_us == b->end_us &&
           strcmp(a->type, b->type) == 0 && strcmp(a->scorer, b->scorer) == 0;
}

bool ictus_study_read_labels(ictus_study *study, const char *name, ictus_expert_label **labels,
                             int *n_labels)
{
    *labels = NULL;
    *n_labels = 0;
    ictus_csv *t;
    ictus_manifest_read(study->dir, name, false, NULL, 0, &t, &study->problems, NULL);
    label_columns c;
    if (!t || !label_columns_find(study, t, &c)) {
        ictus_csv_destroy(t);
        return false;
    }
    int cap = 0;
    for (ictus_manifest_row r = ictus_manifest_rows_dated(t, &study->problems,
                                                          study->date_format);
         ictus_manifest_next(&r);) {
        ictus_expert_label lab = {.wall_clock = c.wall_clock, .line = ictus_csv_line(t, r.row)};
        const char *recording = ictus_path_base(ictus_manifest_text(&r, c.recording, NULL));
        lab.animal = known_animal(study, &r, c.animal, false);
        if (!*recording && !*lab.animal)
            ictus_manifest_problem(&r, c.recording >= 0 ? c.recording : c.animal,
                                   "expected a recording or an animal, got neither");
        else if (!*recording && !c.wall_clock)
            ictus_manifest_problem(&r, c.recording >= 0 ? c.recording : c.animal,
                                   "start_s/end_s count from a recording's start: expected a "
                                   "recording, got an empty field");
        else if (*recording && !known_recording(study, recording))
            ictus_manifest_problem(&r, c.recording, "unknown recording \"%s\" (no file of that "
                                   "name in recordings.csv)", ICTUS_QUOTE(recording));
        label_times(&r, &c, &lab.start_us, &lab.end_us);
        double racine;
        if (ictus_manifest_number(&r, c.racine, false, 0, "a Racine stage 0..5", &racine) &&
            !isnan(racine) && (racine > 5 || racine != floor(racine)))
            ictus_manifest_problem(&r, c.racine, "expected a Racine stage 0..5, got \"%s\"",
                                   ICTUS_QUOTE(ictus_csv_field(t, r.row, c.racine)));
        lab.racine = isnan(racine) ? -1 : (int)racine;
        lab.recording = recording;
        lab.type = ictus_manifest_text(&r, c.type, NULL);
        lab.scorer = ictus_manifest_text(&r, c.scorer, NULL);
        for (int i = 0; i < *n_labels && !r.n_bad; i++)
            if (same_label(&(*labels)[i], &lab))
                ictus_manifest_problem(&r, c.start, "the same label is already given at line %d",
                                       (*labels)[i].line);
        if (r.n_bad)
            continue;
        lab.recording = ictus_study_keep(study, lab.recording);
        lab.animal = ictus_study_keep(study, lab.animal);
        lab.type = ictus_study_keep(study, lab.type);
        lab.scorer = ictus_study_keep(study, lab.scorer);
        ICTUS_GROW(*labels, *n_labels + 1, cap);
        (*labels)[(*n_labels)++] = lab;
    }
    ictus_csv_destroy(t);
    return true;
}

static void read_labels(ictus_study *study)
{
    study->has_labels =
        ictus_study_read_labels(study, "annotations.csv", &study->labels, &study->n_labels);
}

/* ------------------------------------------------------------------------
 * Loading and freeing
 * ---------------------------------------------------------------------- */

static void read_dosing(ictus_study *study)
{
    ictus_csv *t;
    ictus_manifest_read(study->dir, "dosing.csv", false, ictus_dosing_columns,
                        ictus_dosing_n_columns, &t, &study->problems, NULL);
    if (t)
        ictus_dosing_load(study, t);
    ictus_csv_destroy(t);
}

ictus_status ictus_study_load(const char *dir, ictus_study **out, ictus_error *err)
{
    *out = NULL;
    ictus_study *study = ictus_xcalloc(1, sizeof *study);
    study->dir = ictus_study_keep(study, dir);
    study->config = ictus_config_create();
    ictus_status st = read_settings(study, err);
    if (st == ICTUS_OK)
        st = read_animals(study, err);
    if (st != ICTUS_OK) {
        ictus_study_destroy(study);
        return st;
    }
    read_recordings(study);
    read_dosing(study);
    read_labels(study);
    *out = study;
    return ICTUS_OK;
}

void ictus_study_destroy(ictus_study *study)
{
    if (!study)
        return;
    for (int i = 0; i < study->n_animals; i++)
        free(study->animals[i].periods);
    for (int i = 0; i < study->n_recordings; i++) /* consecutive rows may share a map */
        if (i == 0 || study->recordings[i].channels != study->recordings[i - 1].channels)
            free(study->recordings[i].channels);
    free(study->animals);
    free(study->recordings);
    free(study->slot_first_);
    free(study->slot_last_);
    free(study->next_same_file_);
    free(study->labels);
    free(study->drugs);
    ictus_config_destroy(study->config);
    ictus_problems_clear(&study->problems);
    ictus_problems_clear(&study->warnings);
    ictus_strpool_free(&study->strings_);
    free(study);
}
