/* commit.c: storing the plan's and the workers' findings, one transaction per file. */
#include "nightly/commit.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"
#include "base/vec.h"
#include "pipeline/source/recording_name.h"

/* How a file of the plan ended up in this run, for the counts. */
typedef enum {
    CLS_NONE = 0,   /* not counted (a missing file that recordings.csv no longer names) */
    CLS_NEW,
    CLS_CHANGED,
    CLS_SKIPPED,
    CLS_FAILED,
    CLS_INCOMPLETE,
} file_class;

/* Where a known file's animals are: the strings its rows are keyed by. */
typedef enum {
    ANIMALS_STORED = 0, /* its stored rows' (the plan's strings) */
    ANIMALS_LISTED,     /* its recordings.csv rows' (the study's strings) */
    ANIMALS_OWNED,      /* a copy of its own (animals[]) */
} animals_from;

/* A file on disk whose content hash is known tonight, with the animals its
 * rows are keyed by.  Known files are, in this order:
 *   - the plan's unchanged files (plan->known, by hash then path: the order
 *     they were known in), not copied here: a quiet night of a study of
 *     hundreds of thousands of files holds no table for them;
 *   - the files stored this run (this table), in the order they were: each
 *     file read is stored once (one outcome a file), so it is put here once.
 * The table's files are found by hash (a table of buckets, each a chain in
 * known order), so that every walk over the holders of a hash (plan's,
 * then the table's) visits them as a walk over all known files would.
 * 24 bytes a file stored this run: its identity is its plan file's (an
 * outcome that read another is never known), its animals are its rows'
 * strings unless the outcome named others (then in the side list owned). */
typedef struct {
    ictus_hash128 hash;
    int next;           /* the next known file of this bucket (a larger index), or -1 */
    unsigned file : 30; /* its plan file's index */
    unsigned from : 2;  /* animals_from */
} known_file;

/* The animals of a known file that are neither its recordings.csv rows'
 * nor its stored rows' (a copy no row names: its header's animal). */
typedef struct {
    int k;              /* the known file */
    int n;
    char **animals;
} owned_animals;

/* A stored file gone from disk, by the content hash it had: the files a
 * new holder of that hash may have been moved to (settle_holders()). */
typedef struct {
    ictus_hash128 hash;
    int file; /* plan index */
} missing_file;

struct run_committer {
    ictus_store *store;
    int64_t run_id;
    const run_plan *plan;
    unsigned char *cls;         /* [plan->n_files]: file_class */
    bool *rows_deleted;         /* [plan->n_files]: a moved file's rows are gone */
    int n_known, cap_known;
    known_file *known;
    int n_owned, cap_owned;
    owned_animals *owned;       /* by k (known files are added in k order) */
    int *buckets;               /* n_buckets (a power of two): the first known file of
                                   each bucket of hashes, or -1 */
    int n_buckets;
    missing_file *missing;      /* sorted by hash, then plan index */
    int n_missing;
    int64_t events_found, recorded_us;
    int n_tallies, cap_tallies;
    run_animal_tally *tallies;
    int n_problems, cap_problems;
    run_problem *problems;
};

/* ------------------------------------------------------------------------
 * Lifecycle, counts, problems
 * ---------------------------------------------------------------------- */

static int cmp_hash(ictus_hash128 x, ictus_hash128 y)
{
    if (x.hi != y.hi)
        return x.hi < y.hi ? -1 : 1;
    return x.lo < y.lo ? -1 : x.lo > y.lo;
}

static int cmp_missing(const void *a, const void *b)
{
    const missing_file *x = a, *y = b;
    int c = cmp_hash(x->hash, y->hash);
    return c ? c : (x->file > y->file) - (x->file < y->file);
}

run_committer *run_commit_create(ictus_store *store, int64_t run_id, const run_plan *plan)
{
    run_committer *c = ictus_xcalloc(1, sizeof *c);
    c->store = store;
    c->run_id = run_id;
    c->plan = plan;
    c->cls = ictus_xcalloc((size_t)plan->n_files + 1, sizeof *c->cls);
    c->rows_deleted = ictus_xcalloc((size_t)plan->n_files + 1, sizeof *c->rows_deleted);
    c->cap_known = plan->n_to_read + 1; /* no spare room: a file read tonight at most each */
    c->known = ictus_xmalloc((size_t)c->cap_known * sizeof *c->known);
    /* The buckets made at their final size once (at least half as many as
     * files read, 4 bytes each; chains of one or two files): a table that
     * grows by doubling would leave every smaller one freed behind. */
    c->n_buckets = 64;
    while (2 * c->n_buckets < plan->n_to_read + 1)
        c->n_buckets *= 2;
    c->buckets = ictus_xmalloc((size_t)c->n_buckets * sizeof *c->buckets);
    for (int i = 0; i < c->n_buckets; i++)
        c->buckets[i] = -1;
    int n_missing = 0;
    for (int i = 0; i < plan->n_files; i++)
        n_missing += plan->files[i].action == RUN_MISSING;
    c->missing = ictus_xmalloc(((size_t)n_missing + 1) * sizeof *c->missing);
    for (int i = 0; i < plan->n_files; i++) {
        const run_file *m = &plan->files[i];
        if (m->action == RUN_MISSING && m->n_stored > 0 && m->stored[0].has_content_hash)
            c->missing[c->n_missing++] = (missing_file){m->stored[0].content_hash, i};
    }
    if (c->n_missing > 1)
        qsort(c->missing, (size_t)c->n_missing, sizeof *c->missing, cmp_missing);
    return c;
}

void run_commit_release_files(run_committer *c)
{
    for (int i = 0; i < c->n_owned; i++) {
        for (int a = 0; a < c->owned[i].n; a++)
            free(c->owned[i].animals[a]);
        free(c->owned[i].animals);
    }
    free(c->owned);
    free(c->known);
    free(c->buckets);
    free(c->missing);
    free(c->rows_deleted);
    c->known = NULL;
    c->owned = NULL;
    c->buckets = NULL;
    c->missing = NULL;
    c->rows_deleted = NULL;
    c->n_known = c->cap_known = c->n_owned = c->cap_owned = c->n_buckets = c->n_missing = 0;
}

void run_commit_destroy(run_committer *c)
{
    if (!c)
        return;
    run_commit_release_files(c);
    for (int i = 0; i < c->n_problems; i++) {
        free(c->problems[i].path);
        free(c->problems[i].message);
    }
    free(c->problems);
    for (int i = 0; i < c->n_tallies; i++)
        free(c->tallies[i].animal);
    free(c->tallies);
    free(c->cls);
    free(c);
}

run_commit_counts run_commit_get_counts(const run_committer *c)
{
    run_commit_counts k = {.recorded_us = c->recorded_us, .n_animals = c->n_tallies,
                           .animals = c->tallies, .n_problems = c->n_problems,
                           .problems = c->problems};
    k.end.events_found = c->events_found;
    for (int i = 0; i < c->plan->n_files; i++)
        switch (c->cls[i]) {
        case CLS_NEW: k.end.files_new++; break;
        case CLS_CHANGED: k.end.files_changed++; break;
        case CLS_SKIPPED: k.end.files_skipped++; break;
        case CLS_FAILED: k.end.files_failed++; break;
        case CLS_INCOMPLETE: k.end.files_incomplete++; break;
        case CLS_NONE: break;
        }
    return k;
}

ictus_status run_commit_problem(run_committer *c, const char *path, ictus_problem_kind kind,
                                const char *message, ictus_error *err)
{
    ictus_status st = ictus_store_run_problem(c->store, c->run_id, path, kind, message, err);
    if (st != ICTUS_OK)
        return st;
    ICTUS_GROW(c->problems, c->n_problems + 1, c->cap_problems);
    c->problems[c->n_problems++] = (run_problem){ictus_xstrdup(path), kind, ictus_xstrdup(message)};
    return ICTUS_OK;
}

static void set_class(run_committer *c, const run_file *f, file_class cls)
{
    c->cls[f - c->plan->files] = (unsigned char)cls;
}

static void tally(run_committer *c, const char *animal, int64_t events, int64_t recorded_us)
{
    run_animal_tally *t = NULL;
    for (int i = 0; i < c->n_tallies && !t; i++)
        if (strcmp(c->tallies[i].animal, animal) == 0)
            t = &c->tallies[i];
    if (!t) {
        ICTUS_GROW(c->tallies, c->n_tallies + 1, c->cap_tallies);
        t = &c->tallies[c->n_tallies++];
        memset(t, 0, sizeof *t);
        t->animal = ictus_xstrdup(animal);
    }
    t->events += events;
    t->recorded_us += recorded_us;
    c->events_found += events;
    c->recorded_us += recorded_us;
}

/* ------------------------------------------------------------------------
 * Row writes
 * ---------------------------------------------------------------------- */

/* The animals a file's failure rows are keyed by when no animal could be
 * detected in it: its recordings.csv animals, else its stored animals (their
 * results stay), else the animal its header names (`header`, may be "" or
 * NULL), else its name.  Returns how many; *names is a new array of
 * pointers into the plan, `header` or `stem`, freed by the caller. */
static int failure_animals(const run_file *f, const char *header, const char ***names,
                           char *stem, size_t stem_size)
{
    int n = f->n_entries ? f->n_entries : f->n_stored ? f->n_stored : 1;
    *names = ictus_xcalloc((size_t)n, sizeof **names);
    if (f->n_entries || f->n_stored) {
        for (int i = 0; i < n; i++)
            (*names)[i] = f->n_entries ? f->entries[i]->animal : f->stored[i].animal;
    } else if (header && header[0]) {
        (*names)[0] = header;
    } else {
        ictus_recording_stem(f->path, stem, stem_size);
        (*names)[0] = stem;
    }
    return n;
}

/* The stored row of `f` for `animal`, or NULL. */
static const run_stored_row *stored_row(const run_file *f, const char *animal)
{
    for (int i = 0; i < f->n_stored; i++)
        if (strcmp(f->stored[i].animal, animal) == 0)
            return &f->stored[i];
    return NULL;
}

/* Record that (f, animal) ended in `status` with `message`.  With
 * only_if_new, a row that already says exactly that is left alone, so that
 * a night with nothing new writes nothing. */
static ictus_status put_failure(run_committer *c, const run_file *f, const char *animal,
                                const ictus_file_identity *identity, const ictus_hash128 *hash,
                                ictus_rec_status status, const char *message, bool only_if_new,
                                ictus_error *err)
{
    const run_stored_row *old = stored_row(f, animal);
    if (only_if_new && old && old->status == status && strcmp(old->error, message) == 0 &&
        ictus_file_identity_same(&old->identity, identity))
        return ICTUS_OK;
    ictus_store_file file = {.path = f->path, .animal = animal, .identity = *identity,
                             .content_hash = hash, .run_id = c->run_id};
    return ictus_store_put_failure(c->store, &file, status, message, err);
}

/* put_failure() for every animal failure_animals() names. */
static ictus_status put_file_failure(run_committer *c, const run_file *f,
                                     const ictus_file_identity *identity,
                                     const ictus_hash128 *hash, ictus_rec_status status,
                                     const char *message, bool only_if_new, ictus_error *err)
{
    const char **animals;
    char stem[256];
    int n = failure_animals(f, NULL, &animals, stem, sizeof stem);
    ictus_status st = ICTUS_OK;
    for (int i = 0; i < n && st == ICTUS_OK; i++)
        st = put_failure(c, f, animals[i], identity, hash, status, message, only_if_new, err);
    free(animals);
    return st;
}

static ictus_status delete_rows(run_committer *c, const char *path, const char *animal,
                                ictus_error *err)
{
    bool deleted;
    return ictus_store_delete_recording(c->store, path, animal, &deleted, err);
}

/* ------------------------------------------------------------------------
 * Copies and moves
 * ---------------------------------------------------------------------- */

/* The bucket of `hash`: the first known file of its chain. */
static int *bucket_of(const run_committer *c, ictus_hash128 hash)
{
    return &c->buckets[(size_t)(hash.lo ^ hash.hi) & ((size_t)c->n_buckets - 1)];
}

/* Whether animals[0..n) are, in order, the animals of `f`'s rows in `from`. */
static bool same_animals(const run_file *f, animals_from from, const char *const *animals, int n)
{
    if (n != (from == ANIMALS_LISTED ? f->n_entries : f->n_stored))
        return false;
    for (int i = 0; i < n; i++)
        if (strcmp(animals[i], from == ANIMALS_LISTED ? f->entries[i]->animal
                                                      : f->stored[i].animal) != 0)
            return false;
    return true;
}

/* Remember that `f` holds `hash` tonight, with rows for animals[0..n)
 * (animals NULL: its stored rows' animals, n of them); returns its index in
 * the table.  The animals are copied only when they are neither its
 * recordings.csv rows' nor its stored rows' (a first run copies none).
 * `identity`, what the outcome read, is f's of the plan (work.h: another
 * is an incomplete outcome). */
static int known_add(run_committer *c, const run_file *f, ictus_hash128 hash,
                     const ictus_file_identity *identity, const char *const *animals, int n)
{
    assert(ictus_file_identity_same(identity, &f->identity));
    (void)identity;
    ICTUS_GROW(c->known, c->n_known + 1, c->cap_known); /* reserved: a file read each */
    int k = c->n_known++;
    animals_from from = !animals                                       ? ANIMALS_STORED
                        : same_animals(f, ANIMALS_LISTED, animals, n) ? ANIMALS_LISTED
                        : same_animals(f, ANIMALS_STORED, animals, n) ? ANIMALS_STORED
                                                                      : ANIMALS_OWNED;
    c->known[k] = (known_file){.hash = hash, .file = (unsigned)(f - c->plan->files),
                               .from = (unsigned)from};
    if (from == ANIMALS_OWNED) {
        ICTUS_GROW(c->owned, c->n_owned + 1, c->cap_owned);
        owned_animals *o = &c->owned[c->n_owned++];
        *o = (owned_animals){.k = k, .n = n,
                             .animals = ictus_xcalloc((size_t)(n ? n : 1), sizeof *o->animals)};
        for (int i = 0; i < n; i++)
            o->animals[i] = ictus_xstrdup(animals[i]);
    }
    /* into the chain of its bucket: the last, its index being the largest */
    int *link = bucket_of(c, hash);
    while (*link >= 0)
        link = &c->known[*link].next;
    c->known[k].next = -1;
    *link = k;
    return k;
}

static const run_file *known_file_of(const run_committer *c, int k)
{
    return &c->plan->files[c->known[k].file];
}

/* The animals of known file k: *n of them, in a new array of pointers to
 * strings of the plan, the study or the committer (free the array only). */
static const char **known_animals(const run_committer *c, int k, int *n)
{
    const run_file *f = known_file_of(c, k);
    const owned_animals *o = NULL;
    if (c->known[k].from == ANIMALS_OWNED) {
        int lo = 0, hi = c->n_owned;
        while (lo < hi) {
            int mid = (lo + hi) / 2;
            if (c->owned[mid].k < k)
                lo = mid + 1;
            else
                hi = mid;
        }
        o = &c->owned[lo];
    }
    *n = o ? o->n : c->known[k].from == ANIMALS_LISTED ? f->n_entries : f->n_stored;
    const char **names = ictus_xcalloc((size_t)*n + 1, sizeof *names);
    for (int i = 0; i < *n; i++)
        names[i] = o                                     ? o->animals[i]
                   : c->known[k].from == ANIMALS_LISTED ? f->entries[i]->animal
                                                        : f->stored[i].animal;
    return names;
}

/* The first known file holding `hash` from known file i on (then
 * next_known() from the one after), or -1. */
static int next_known(const run_committer *c, int i, ictus_hash128 hash)
{
    while (i >= 0 && !ictus_hash128_equal(c->known[i].hash, hash))
        i = c->known[i].next;
    return i;
}

static int first_known(const run_committer *c, ictus_hash128 hash)
{
    return c->n_buckets ? next_known(c, *bucket_of(c, hash), hash) : -1;
}

/* The file counted first (run_file_counts_before()) among the known
 * holders of `hash` other than `f`, or NULL. */
static const run_file *first_holder(run_committer *c, ictus_hash128 hash, const run_file *f)
{
    const run_file *first = run_plan_known_holder(c->plan, hash, f);
    for (int i = first_known(c, hash); i >= 0; i = next_known(c, c->known[i].next, hash)) {
        const run_file *k = known_file_of(c, i);
        if (k != f && (!first || run_file_counts_before(k, first)))
            first = k;
    }
    return first;
}

static void duplicate_message(const run_file *copy, const run_file *first, char *buf, size_t size)
{
    snprintf(buf, size,
             "%s: same content as %s: counted once, under %s (remove one of the copies)",
             copy->path, first->path, first->path);
}

/* Make `copy`, holding `hash` tonight with rows for animals[0..n), a
 * failure "same content as `first`" with no results. */
static ictus_status demote(run_committer *c, const run_file *copy, ictus_hash128 hash,
                           const char *const *animals, int n, const run_file *first,
                           ictus_error *err)
{
    char message[1200];
    duplicate_message(copy, first, message, sizeof message);
    ictus_status st = ICTUS_OK;
    for (int i = 0; i < copy->n_stored && st == ICTUS_OK; i++)
        st = delete_rows(c, copy->path, copy->stored[i].animal, err);
    for (int i = 0; i < n && st == ICTUS_OK; i++) {
        st = delete_rows(c, copy->path, animals[i], err);
        if (st == ICTUS_OK)
            st = put_failure(c, copy, animals[i], &copy->identity, &hash, ICTUS_REC_FAILED,
                             message, false, err);
    }
    bool counted = c->cls[copy - c->plan->files] == CLS_FAILED;
    if (st == ICTUS_OK && !counted)
        st = run_commit_problem(c, copy->path, ICTUS_PROBLEM_FAILED, message, err);
    set_class(c, copy, CLS_FAILED);
    return st;
}

/* demote() known file k. */
static ictus_status demote_known(run_committer *c, int k, const run_file *first, ictus_error *err)
{
    int n;
    const char **animals = known_animals(c, k, &n);
    ictus_status st = demote(c, known_file_of(c, k), c->known[k].hash, animals, n, first, err);
    free(animals);
    return st;
}

/* Plan file `i`, stored but gone, was moved or renamed to `holder`, which
 * holds its content: delete its rows (the holder's results replace them). */
static ictus_status forget_moved(run_committer *c, int i, const run_file *holder,
                                 ictus_error *err)
{
    const run_file *m = &c->plan->files[i];
    ictus_status st = ICTUS_OK;
    for (int k = 0; k < m->n_stored && st == ICTUS_OK; k++)
        st = delete_rows(c, m->path, m->stored[k].animal, err);
    c->rows_deleted[i] = true;
    char message[1200];
    snprintf(message, sizeof message,
             "%s: gone; its content is now at %s, whose results replace its own", m->path,
             holder->path);
    if (st == ICTUS_OK)
        st = run_commit_problem(c, m->path, ICTUS_PROBLEM_WARNING, message, err);
    return st;
}

/* `f` is the first holder of `hash`: every other file on disk with it
 * becomes (or stays) a copy of `f`, and stored files that are gone with it
 * were moved here.  A copy demoted earlier in the run under a later first
 * holder is demoted again, so that its message names the first one. */
static ictus_status settle_holders(run_committer *c, const run_file *f, ictus_hash128 hash,
                                   ictus_error *err)
{
    ictus_status st = ICTUS_OK;
    int first_plan, n_plan = run_plan_known_range(c->plan, hash, &first_plan);
    for (int k = first_plan; k < first_plan + n_plan && st == ICTUS_OK; k++) {
        const run_file *copy = run_plan_known_file(c->plan, k);
        if (copy == f)
            continue;
        /* its stored animals, tonight's identity */
        const char **animals = ictus_xcalloc((size_t)copy->n_stored + 1, sizeof *animals);
        for (int i = 0; i < copy->n_stored; i++)
            animals[i] = copy->stored[i].animal;
        st = demote(c, copy, run_plan_known_hash(c->plan, k), animals, copy->n_stored, f, err);
        free(animals);
    }
    for (int i = first_known(c, hash); i >= 0 && st == ICTUS_OK;
         i = next_known(c, c->known[i].next, hash))
        if (known_file_of(c, i) != f)
            st = demote_known(c, i, f, err);
    /* the missing files of this hash, in plan order */
    int lo = 0, hi = c->n_missing;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (cmp_hash(c->missing[mid].hash, hash) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (int j = lo; j < c->n_missing && ictus_hash128_equal(c->missing[j].hash, hash) &&
                     st == ICTUS_OK; j++)
        if (!c->rows_deleted[c->missing[j].file])
            st = forget_moved(c, c->missing[j].file, f, err);
    return st;
}

/* ------------------------------------------------------------------------
 * The plan's own decisions
 * ---------------------------------------------------------------------- */

/* `word` as one shell word: as it is when no shell treats any of its
 * characters specially, else in single quotes. */
static void add_shell_word(ictus_strbuf *b, const char *word)
{
    static const char plain[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                "0123456789_./+-:@%,=";
    if (*word && word[strspn(word, plain)] == '\0') {
        ictus_strbuf_add(b, word);
        return;
    }
    ictus_strbuf_add(b, "'");
    for (const char *p = word; *p; p++)
        if (*p == '\'')
            ictus_strbuf_add(b, "'\\''");
        else
            ictus_strbuf_addn(b, p, 1);
    ictus_strbuf_add(b, "'");
}

/* The problem a stale file gives every night, with the command that drops
 * its results (`ictus forget`): `message` and " (to drop its results and
 * this warning: ictus forget STUDY_DIR PATH)".  Only the problem carries it: the stored row's
 * error stays the same whatever path the study was run with. */
static ictus_status stale_problem(run_committer *c, const run_file *f, const char *message,
                                  ictus_error *err)
{
    ictus_strbuf text = {0};
    ictus_strbuf_addf(&text, "%s (to drop its results and this warning: ictus forget ",
                      message);
    add_shell_word(&text, c->plan->study_dir);
    ictus_strbuf_add(&text, " ");
    add_shell_word(&text, f->path);
    ictus_strbuf_add(&text, ")");
    ictus_status st = run_commit_problem(c, f->path, ICTUS_PROBLEM_WARNING,
                                         ictus_strbuf_text(&text), err);
    ictus_strbuf_free(&text);
    return st;
}

static ictus_status commit_missing(run_committer *c, const run_file *f, ictus_error *err)
{
    char message[512];
    snprintf(message, sizeof message, "%s: %s", f->path, run_file_reason(f));
    bool listed = f->n_entries > 0;
    set_class(c, f, listed ? CLS_FAILED : CLS_NONE);
    const run_file *holder = f->n_stored > 0 && f->stored[0].has_content_hash
                                 ? run_plan_known_holder(c->plan, f->stored[0].content_hash, f)
                                 : NULL;
    if (holder) /* moved or renamed onto a file already stored */
        return forget_moved(c, (int)(f - c->plan->files), holder, err);
    ictus_status st = ICTUS_OK;
    if (f->n_stored > 0)
        for (int i = 0; i < f->n_stored && st == ICTUS_OK; i++)
            st = put_failure(c, f, f->stored[i].animal, &f->stored[i].identity,
                             f->stored[i].has_content_hash ? &f->stored[i].content_hash : NULL,
                             ICTUS_REC_STALE, message, true, err);
    else
        st = put_file_failure(c, f, &f->identity, NULL, ICTUS_REC_FAILED, message, true, err);
    if (st == ICTUS_OK && !listed && f->n_stored > 0)
        st = stale_problem(c, f, message, err);
    else if (st == ICTUS_OK)
        st = run_commit_problem(c, f->path, listed ? ICTUS_PROBLEM_FAILED : ICTUS_PROBLEM_WARNING,
                                message, err);
    return st;
}

/* Results made with another preset or parameters: stale until processed again. */
static ictus_status mark_stale(run_committer *c, const run_file *f, ictus_error *err)
{
    ictus_status st = ICTUS_OK;
    for (int i = 0; i < f->n_stored && st == ICTUS_OK; i++) {
        const run_stored_row *r = &f->stored[i];
        char message[512];
        snprintf(message, sizeof message, "%s: results made with preset %s: the animal's preset "
                 "or its parameters changed", f->path, r->preset ? r->preset : "?");
        st = put_failure(c, f, r->animal, &r->identity,
                         r->has_content_hash ? &r->content_hash : NULL, ICTUS_REC_STALE, message,
                         true, err);
    }
    return st;
}

ictus_status run_commit_plan(run_committer *c, ictus_error *err)
{
    ictus_status st = ictus_store_begin(c->store, err);
    for (int i = 0; i < c->plan->n_files && st == ICTUS_OK; i++) {
        const run_file *f = &c->plan->files[i];
        if (f->stale_preset && f->action != RUN_MISSING)
            st = mark_stale(c, f, err);
        if (st != ICTUS_OK)
            break;
        switch (f->action) {
        case RUN_UNCHANGED: /* known through plan->known (known_file) */
            set_class(c, f, CLS_SKIPPED);
            break;
        case RUN_SETTLING: {
            char message[512];
            snprintf(message, sizeof message, "%s: %s", f->path, run_file_reason(f));
            set_class(c, f, CLS_INCOMPLETE);
            st = put_file_failure(c, f, &f->identity, NULL, ICTUS_REC_INCOMPLETE, message, true,
                                  err);
            if (st == ICTUS_OK)
                st = run_commit_problem(c, f->path, ICTUS_PROBLEM_INCOMPLETE, message, err);
            break;
        }
        case RUN_MISSING:
            st = commit_missing(c, f, err);
            break;
        case RUN_CHECK:
        case RUN_PROCESS:
            break;
        }
    }
    if (st == ICTUS_OK)
        return ictus_store_commit(c->store, err);
    ictus_store_rollback(c->store);
    return st;
}

/* ------------------------------------------------------------------------
 * Outcomes
 * ---------------------------------------------------------------------- */

/* Store every animal's results (or failure) and drop the rows of animals
 * the file no longer holds. */
static ictus_status store_results(run_committer *c, const run_outcome *out, ictus_error *err)
{
    const run_file *f = out->file;
    bool any_failed = false;
    for (int i = 0; i < out->n_animals; i++) {
        const run_animal *a = &out->animals[i];
        char why[sizeof a->error];
        snprintf(why, sizeof why, "%s", a->error);
        if (!why[0]) {
            ictus_store_results res = a->res;
            res.file = (ictus_store_file){.path = f->path, .animal = a->animal,
                                          .identity = out->identity,
                                          .content_hash = &out->hash, .run_id = c->run_id};
            ictus_status st = ictus_store_put_recording(c->store, &res, err);
            if (st == ICTUS_OK && a->warning[0])
                st = run_commit_problem(c, f->path, ICTUS_PROBLEM_WARNING, a->warning, err);
            if (st == ICTUS_OK) {
                tally(c, a->animal, a->res.n_events, a->res.duration_us);
                continue;
            }
            if (st != ICTUS_ERR_DATA) /* the store itself failed: the run cannot go on */
                return st;
            snprintf(why, sizeof why, "%s", err->msg); /* results it refuses: this file's problem */
        }
        any_failed = true;
        ictus_status st = put_failure(c, f, a->animal, &out->identity, &out->hash,
                                      ICTUS_REC_FAILED, why, false, err);
        if (st == ICTUS_OK)
            st = run_commit_problem(c, f->path, ICTUS_PROBLEM_FAILED, why, err);
        if (st != ICTUS_OK)
            return st;
    }
    for (int k = 0; k < f->n_stored; k++) {
        bool kept = false;
        for (int i = 0; i < out->n_animals && !kept; i++)
            kept = strcmp(out->animals[i].animal, f->stored[k].animal) == 0;
        ictus_status st = kept ? ICTUS_OK : delete_rows(c, f->path, f->stored[k].animal, err);
        if (st != ICTUS_OK)
            return st;
    }
    set_class(c, f, any_failed ? CLS_FAILED : f->had_results ? CLS_CHANGED : CLS_NEW);
    return ICTUS_OK;
}

/* `out` holds the content of `first`, which is counted before it. */
static ictus_status store_copy(run_committer *c, const run_outcome *out, const run_file *first,
                               ictus_error *err)
{
    const run_file *f = out->file;
    const char **animals;
    char stem[256];
    int n = failure_animals(f, out->header_animal, &animals, stem, sizeof stem);
    int k = known_add(c, f, out->hash, &out->identity, animals, n);
    free(animals);
    return demote_known(c, k, first, err);
}

/* The part of run_commit_file() inside the transaction. */
static ictus_status commit_outcome(run_committer *c, const run_outcome *out, ictus_error *err)
{
    const run_file *f = out->file;
    switch (out->kind) {
    case RUN_OUT_INCOMPLETE:
    case RUN_OUT_FAILED: {
        bool incomplete = out->kind == RUN_OUT_INCOMPLETE;
        set_class(c, f, incomplete ? CLS_INCOMPLETE : CLS_FAILED);
        ictus_status st = put_file_failure(c, f, &out->identity,
                                           out->has_hash && !incomplete ? &out->hash : NULL,
                                           incomplete ? ICTUS_REC_INCOMPLETE : ICTUS_REC_FAILED,
                                           out->message, false, err);
        if (st == ICTUS_OK)
            st = run_commit_problem(c, f->path,
                                    incomplete ? ICTUS_PROBLEM_INCOMPLETE : ICTUS_PROBLEM_FAILED,
                                    out->message, err);
        return st;
    }
    case RUN_OUT_RESULTS:
    case RUN_OUT_SAME:
    case RUN_OUT_DUPLICATE:
        break;
    }
    const run_file *first = first_holder(c, out->hash, f);
    if (first && !run_file_counts_before(first, f))
        first = NULL;
    /* The worker's holder is unchanged tonight, hence known since run_commit_plan(). */
    assert(first || out->kind != RUN_OUT_DUPLICATE);
    if (first)
        return store_copy(c, out, first, err);
    ictus_status st;
    if (out->kind == RUN_OUT_SAME) {
        set_class(c, f, CLS_SKIPPED);
        st = ictus_store_touch_recording(c->store, f->path, &out->identity, c->run_id, err);
        known_add(c, f, out->hash, &out->identity, NULL, f->n_stored);
    } else {
        st = store_results(c, out, err);
        if (st == ICTUS_OK && out->cut_short[0])
            st = run_commit_problem(c, f->path, ICTUS_PROBLEM_WARNING, out->cut_short, err);
        const char **animals = ictus_xcalloc((size_t)out->n_animals, sizeof *animals);
        for (int k = 0; k < out->n_animals; k++)
            animals[k] = out->animals[k].animal;
        known_add(c, f, out->hash, &out->identity, animals, out->n_animals);
        free(animals);
    }
    if (st == ICTUS_OK)
        st = settle_holders(c, f, out->hash, err);
    return st;
}

ictus_status run_commit_file(run_committer *c, const run_outcome *out, ictus_error *err)
{
    ictus_status st = ictus_store_begin(c->store, err);
    if (st == ICTUS_OK)
        st = commit_outcome(c, out, err);
    if (st == ICTUS_OK)
        return ictus_store_commit(c->store, err);
    ictus_store_rollback(c->store);
    return st;
}
