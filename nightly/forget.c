/* forget.c: resolving, checking and forgetting recordings on purpose (forget.h). */
#include "nightly/forget.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/path.h"
#include "base/strbuf.h"
#include "base/vec.h"
#include "pipeline/source/recording_name.h"

/* How many stale or failed paths an "unknown path" message suggests. */
#define FORGET_MAX_SUGGESTIONS 5

/* The folder of the study that holds its recordings (and prefixes stored paths). */
static const char rec_folder[] = "recordings/";

/* ------------------------------------------------------------------------
 * What the store holds
 * ---------------------------------------------------------------------- */

/* What the walk over the stored recordings gathers. */
typedef struct {
    const char *path;            /* the path looked for; NULL: only suggestions */
    ictus_strbuf status;         /* its rows' status words, comma-separated */
    ictus_strbuf suggestions;    /* stale or failed paths, for an unknown one */
    int n_suggestions;
    bool more;                   /* stale or failed paths beyond the suggestions */
} stored_walk;

/* Whether `item` is one of the items of the ", "-separated `list`. */
static bool in_list(const ictus_strbuf *list, const char *item)
{
    size_t n = strlen(item);
    for (const char *p = ictus_strbuf_text(list); *p;) {
        const char *end = strstr(p, ", ");
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && strncmp(p, item, n) == 0)
            return true;
        p += len + (end ? 2 : 0);
    }
    return false;
}

static ictus_status walk_row(void *ctx, const ictus_store_recording *rec, ictus_error *err)
{
    stored_walk *w = ctx;
    if (w->path && strcmp(rec->path, w->path) == 0 &&
        !in_list(&w->status, ictus_rec_status_name(rec->status)))
        ictus_strbuf_join(&w->status, ", ", ictus_rec_status_name(rec->status));
    if (rec->status == ICTUS_REC_OK || in_list(&w->suggestions, rec->path))
        return ICTUS_OK;
    if (w->n_suggestions == FORGET_MAX_SUGGESTIONS) {
        w->more = true;
        return ICTUS_OK;
    }
    ictus_strbuf_join(&w->suggestions, ", ", rec->path);
    w->n_suggestions++;
    return ICTUS_OK;
}

/* The store's rows of `path`: *found, and their status words into item. */
static ictus_status look_up(ictus_store *store, const char *path, forget_item *item, bool *found,
                            ictus_error *err)
{
    ictus_status st = ictus_store_forget_count(store, path, &item->counts, err);
    *found = st == ICTUS_OK && item->counts.rows > 0;
    if (!*found)
        return st;
    stored_walk w = {.path = path};
    st = ictus_store_each_recording(store, walk_row, &w, err);
    item->path = ictus_xstrdup(path);
    item->status = ictus_strbuf_take(&w.status);
    ictus_strbuf_free(&w.suggestions);
    return st;
}

static ictus_status unknown_path(ictus_store *store, const char *given, ictus_error *err)
{
    stored_walk w = {0};
    ictus_status st = ictus_store_each_recording(store, walk_row, &w, err);
    if (st == ICTUS_OK) {
        const char *list = ictus_strbuf_text(&w.suggestions);
        st = ictus_fail(err, ICTUS_ERR_CONFIG,
                        "%s: no such recording in the study's database (give the path as "
                        "`ictus run` prints it, e.g. recordings/A2.edf)%s%s%s", given,
                        *list ? "; stale or failed ones there: " : "", list,
                        w.more ? ", ..." : "");
    }
    ictus_strbuf_free(&w.status);
    ictus_strbuf_free(&w.suggestions);
    return st;
}

/* ------------------------------------------------------------------------
 * Still part of the study?
 * ---------------------------------------------------------------------- */

/* Refuse `path` when the next run would process it again: recordings.csv
 * names it (a valid row), or it is a recording file in recordings/. */
static ictus_status check_gone(const ictus_study *study, const char *path, ictus_error *err)
{
    for (int i = 0; i < study->n_recordings; i++)
        if (strcmp(study->recordings[i].path, path) == 0)
            return ictus_fail(err, ICTUS_ERR_CONFIG,
                              "%s: still listed in recordings.csv (line %d): remove the row "
                              "first, or the next run processes it again", path,
                              study->recordings[i].line);
    char *disk = ictus_path_join_alloc(study->dir, path);
    struct stat st;
    bool there = stat(disk, &st) == 0 && S_ISREG(st.st_mode) &&
                 ictus_source_is_recording_name(ictus_path_base(path));
    free(disk);
    if (there)
        return ictus_fail(err, ICTUS_ERR_CONFIG,
                          "%s: still in %s: move it out of the study first, or the next run "
                          "processes it again", path, rec_folder);
    return ICTUS_OK;
}

/* ------------------------------------------------------------------------
 * Resolving and forgetting
 * ---------------------------------------------------------------------- */

/* `given` without the study directory in front, when it has it. */
static const char *inside_study(const ictus_study *study, const char *given)
{
    size_t n = strlen(study->dir);
    while (n > 1 && study->dir[n - 1] == '/')
        n--;
    if (strncmp(given, study->dir, n) == 0 && given[n] == '/')
        given += n + 1;
    while (given[0] == '.' && given[1] == '/')
        given += 2;
    return given;
}

ictus_status forget_resolve(const ictus_study *study, ictus_store *store, const char *given,
                            forget_item *item, ictus_error *err)
{
    *item = (forget_item){0};
    const char *rel = inside_study(study, given);
    bool found;
    ictus_status st = look_up(store, rel, item, &found, err);
    if (st == ICTUS_OK && !found && strncmp(rel, rec_folder, strlen(rec_folder)) != 0) {
        char *under = ictus_path_join_alloc("recordings", rel);
        st = look_up(store, under, item, &found, err);
        free(under);
    }
    if (st == ICTUS_OK && !found)
        st = unknown_path(store, given, err);
    if (st == ICTUS_OK)
        st = check_gone(study, item->path, err);
    if (st != ICTUS_OK)
        forget_item_clear(item);
    return st;
}

void forget_item_clear(forget_item *item)
{
    free(item->path);
    free(item->status);
    *item = (forget_item){0};
}

ictus_status forget_apply(ictus_store *store, forget_item *items, int n, bool drop_reviews,
                          const char *who, int64_t now_unix_us, ictus_error *err)
{
    ictus_status st = ictus_store_begin(store, err);
    for (int i = 0; i < n && st == ICTUS_OK; i++) {
        st = ictus_store_forget(store, items[i].path, drop_reviews, &items[i].counts, err);
        if (st == ICTUS_OK && items[i].counts.reviews_deleted && items[i].counts.reviews > 0) {
            char detail[1024];
            snprintf(detail, sizeof detail, "%s: %lld decisions deleted (ictus forget)",
                     items[i].path, (long long)items[i].counts.reviews);
            st = ictus_store_audit_append(store, who, "forget", detail, now_unix_us, err);
        }
    }
    if (st == ICTUS_OK)
        return ictus_store_commit(store, err);
    ictus_store_rollback(store);
    return st;
}
