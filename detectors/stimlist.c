/* stimlist.c: stimulation lists (recording, start_s) read with csvtable. */
#include "detectors/stimlist.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/csvtable.h"
#include "base/limits.h"
#include "base/path.h"
#include "base/vec.h"

typedef struct {
    char *name;      /* file name without directories */
    int64_t *us;
    int n, cap;
} recording_stims;

struct ictus_stimlist {
    recording_stims *rec;
    int n;
    int64_t *none;   /* returned for recordings without stimulations */
};

static recording_stims *find(const ictus_stimlist *l, const char *name)
{
    for (int i = 0; i < l->n; i++)
        if (strcmp(l->rec[i].name, name) == 0)
            return &l->rec[i];
    return NULL;
}

ictus_status ictus_stimlist_load(const char *path, ictus_stimlist **out, ictus_error *err)
{
    *out = NULL;
    ictus_csv *t;
    ictus_status st = ictus_csv_read(path, &t, err);
    if (st != ICTUS_OK)
        return st;
    static const char *const required[] = {"recording", "start_s"};
    if ((st = ictus_csv_require(t, required, 2, err)) != ICTUS_OK) {
        ictus_csv_destroy(t);
        return st;
    }
    int c_rec = ictus_csv_column(t, "recording"), c_start = ictus_csv_column(t, "start_s");
    ictus_stimlist *l = ictus_xcalloc(1, sizeof *l);
    l->rec = ictus_xcalloc((size_t)ictus_csv_rows(t) + 1, sizeof *l->rec);
    for (int row = 0; row < ictus_csv_rows(t) && st == ICTUS_OK; row++) {
        double start_s;
        if ((st = ictus_csv_double(t, row, c_start, &start_s, err)) != ICTUS_OK)
            break;
        if (!(start_s >= 0 && start_s <= ICTUS_MAX_OFFSET_S)) {
            char where[512];
            st = ictus_fail(err, ICTUS_ERR_DATA, "%s: start_s %g: expected seconds from 0 to "
                            ICTUS_MAX_OFFSET_TEXT " after the recording's start",
                            ictus_csv_where(t, row, c_start, where, sizeof where), start_s);
            break;
        }
        const char *name = ictus_path_base(ictus_csv_field(t, row, c_rec));
        recording_stims *r = find(l, name);
        if (!r) {
            r = &l->rec[l->n++];
            r->name = ictus_xstrdup(name);
        }
        ICTUS_GROW(r->us, r->n + 1, r->cap);
        r->us[r->n++] = llround(start_s * 1e6);
    }
    ictus_csv_destroy(t);
    if (st != ICTUS_OK) {
        ictus_stimlist_destroy(l);
        return st;
    }
    *out = l;
    return ICTUS_OK;
}

void ictus_stimlist_destroy(ictus_stimlist *l)
{
    if (!l)
        return;
    for (int i = 0; i < l->n; i++) {
        free(l->rec[i].name);
        free(l->rec[i].us);
    }
    free(l->rec);
    free(l);
}

const int64_t *ictus_stimlist_for(const ictus_stimlist *l, const char *path, int *n)
{
    const recording_stims *r = find(l, ictus_path_base(path));
    *n = r ? r->n : 0;
    return r ? r->us : l->none;
}
