/* support_bonn.c: the Bonn sets C, D and E as EDF (support_bonn.h). */
#include "tests/support_bonn.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/path.h"
#include "base/vec.h"

static int by_path(const void *a, const void *b)
{
    return strcmp(((const support_bonn_segment *)a)->path, ((const support_bonn_segment *)b)->path);
}

/* The segment's number: the digits of its file name (N001.TXT -> 1). */
static int segment_number(const char *name)
{
    while (*name && !isdigit((unsigned char)*name))
        name++;
    return atoi(name);
}

static void list_set(const char *sub, char set, support_bonn_list *l)
{
    char *dir = ictus_path_join_alloc(SUPPORT_BONN_DIR, sub);
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (!ictus_path_has_suffix(e->d_name, ".txt"))
                continue;
            ICTUS_GROW(l->items, l->n + 1, l->cap);
            l->items[l->n++] = (support_bonn_segment){ictus_path_join_alloc(dir, e->d_name), set,
                                                      segment_number(e->d_name)};
        }
        closedir(d);
    }
    free(dir);
}

int support_bonn_list_all(support_bonn_list *l)
{
    list_set("C_N", 'C', l);
    list_set("D_F", 'D', l);
    list_set("E_S", 'E', l);
    qsort(l->items, (size_t)l->n, sizeof l->items[0], by_path);
    return l->n;
}

void support_bonn_keep(support_bonn_list *l, int lo, int hi)
{
    int kept = 0;
    for (int i = 0; i < l->n; i++) {
        if (l->items[i].number >= lo && l->items[i].number <= hi)
            l->items[kept++] = l->items[i];
        else
            free(l->items[i].path);
    }
    l->n = kept;
}

void support_bonn_shuffle(support_bonn_segment *seg, int n, uint64_t *state)
{
    uint64_t s = *state;
    for (int i = n - 1; i > 0; i--) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        int j = (int)(s % (uint64_t)(i + 1));
        support_bonn_segment t = seg[i];
        seg[i] = seg[j];
        seg[j] = t;
    }
    *state = s;
}

static bool read_segment(const char *path, float *x)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    int n = 0;
    while (n < SUPPORT_BONN_SAMPLES && fscanf(f, "%f", &x[n]) == 1)
        n++;
    fclose(f);
    return n == SUPPORT_BONN_SAMPLES;
}

/* Put `text` left-aligned and space-padded into a header field. */
static void field(char *hdr, int at, int width, const char *text)
{
    memset(hdr + at, ' ', (size_t)width);
    memcpy(hdr + at, text, strlen(text) < (size_t)width ? strlen(text) : (size_t)width);
}

static void header(char *hdr, int64_t n_records, int spr)
{
    char num[32];
    field(hdr, 0, 8, "0");
    field(hdr, 8, 80, "bonn_CDE");
    field(hdr, 88, 80, "Bonn sets C, D, E concatenated");
    field(hdr, 168, 8, "01.01.01");
    field(hdr, 176, 8, "00.00.00");
    field(hdr, 184, 8, "512");
    field(hdr, 192, 44, "");
    snprintf(num, sizeof num, "%lld", (long long)n_records);
    field(hdr, 236, 8, num);
    field(hdr, 244, 8, "100");
    field(hdr, 252, 4, "1");
    field(hdr, 256, 16, "EEG");
    field(hdr, 272, 80, "intracranial");
    field(hdr, 352, 8, "uV");
    field(hdr, 360, 8, "-2048");
    field(hdr, 368, 8, "2047");
    field(hdr, 376, 8, "-2048");
    field(hdr, 384, 8, "2047");
    field(hdr, 392, 80, "BP:0.53-40Hz");
    snprintf(num, sizeof num, "%d", spr);
    field(hdr, 472, 8, num);
    field(hdr, 480, 32, "");
}

int support_bonn_write_edf(const char *path, const support_bonn_segment *seg, int n)
{
    enum { SPR = 17361 };
    int64_t total = (int64_t)n * SUPPORT_BONN_SAMPLES, n_records = (total + SPR - 1) / SPR;
    char hdr[512];
    header(hdr, n_records, SPR);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(hdr, 1, sizeof hdr, f) != sizeof hdr) {
        fprintf(stderr, "%s: cannot write\n", path);
        if (f)
            fclose(f);
        return 0;
    }
    float x[SUPPORT_BONN_SAMPLES];
    int written = 0;
    for (int i = 0; i < n; i++) {
        if (!read_segment(seg[i].path, x)) {
            fprintf(stderr, "%s: not %d numbers\n", seg[i].path, SUPPORT_BONN_SAMPLES);
            break;
        }
        for (int j = 0; j < SUPPORT_BONN_SAMPLES; j++) {
            int v = (int)x[j];
            unsigned char le[2] = {(unsigned char)(v & 0xff), (unsigned char)((v >> 8) & 0xff)};
            fwrite(le, 1, 2, f);
        }
        written++;
    }
    /* pad the last record with silence (flagged flat, never scored) */
    for (int64_t j = total; j < n_records * SPR; j++)
        fwrite("\0\0", 1, 2, f);
    if (fclose(f) != 0) {
        fprintf(stderr, "%s: cannot write\n", path);
        return 0;
    }
    return written;
}

void support_bonn_free(support_bonn_list *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->items[i].path);
    free(l->items);
    *l = (support_bonn_list){0};
}
