/* gallery.c: the report's event gallery: events sampled by score, their traces and spectrograms drawn. */
#include "report/gallery.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>

#include "base/params.h"
#include "base/path.h"
#include "base/vec.h"
#include "base/walltime.h"
#include "pipeline/excerpt.h"
#include "protocols/recording_view.h"
#include "protocols/study_preset.h"
#include "report/exports.h"
#include "report/figures.h"
#include "report/html.h"
#include "report/plot.h"
#include "report/report_data.h"

static const ictus_param settings_table[] = {
    ICTUS_PARAM_I("report", "gallery_per_type", ictus_gallery_options, per_type, 0, 100),
};

void ictus_gallery_options_default(ictus_gallery_options *opt)
{
    *opt = (ictus_gallery_options){.per_type = 4};
}

ictus_status ictus_gallery_options_apply(ictus_gallery_options *opt, ictus_config *cfg,
                                         ictus_error *err)
{
    return ictus_params_apply(settings_table, sizeof settings_table / sizeof settings_table[0],
                              opt, cfg, err);
}

/* Spectrogram: columns (image pixels), half-second windows, the top frequency. */
#define SPEC_COLUMNS 100
#define SPEC_WINDOW_S 0.5
#define SPEC_MAX_HZ 100.0
/* Colour levels of the spectrogram (a quantised scale keeps the image small). */
#define SPEC_LEVELS 16

/* ---- the cards ------------------------------------------------------------ */

typedef struct {
    char ref[ICTUS_STORE_EVENT_REF_SIZE];
    char *animal, *path;
    ictus_event e;              /* as it counts (corrected type and edges) */
    int type;                   /* index into an->types (>= 1) */
    size_t seq;                 /* the store's order */
    /* What was read (error NULL) or why not. */
    char *error;
    int64_t t0_us, t1_us;       /* the window, µs from the recording start */
    bool capped;                /* the window stops before the event's end + context */
    bool unfiltered;            /* the preset's filters could not be had */
    ictus_excerpt *ex;
    ictus_spectrogram *sg;
    float db_lo, db_hi;         /* the colour scale's ends */
    char *review_url, *video_url, *video_pdf_url; /* video: "" when none */
    double video_seek_s;        /* NaN when no video */
} card;

typedef struct {
    int animal;                 /* index into study->animals */
    int first, n;               /* its cards: cards[first .. first + n) */
} group;

struct ictus_gallery {
    const ictus_study *study;
    const ictus_analysis *an;
    card *cards;
    size_t n_cards, cap_cards;
    group *groups;
    int n_groups;
};

int ictus_gallery_n_figures(const ictus_gallery *g)
{
    return g->n_groups;
}

int ictus_gallery_n_cards(const ictus_gallery *g)
{
    return (int)g->n_cards;
}

/* ---- choosing the events --------------------------------------------------- */

typedef struct {
    const ictus_study *study;
    const ictus_analysis *an;
    card *all;
    size_t n, cap;
} candidates;

static ictus_status on_event(void *ctx, const ictus_store_event_row *row, ictus_error *err)
{
    candidates *c = ctx;
    int animal, type;
    ictus_event e;
    if (!ictus_report_counted_event(c->study, c->an, row, &animal, &type, &e))
        return ICTUS_OK;
    ICTUS_GROW(c->all, c->n + 1, c->cap);
    card *k = &c->all[c->n];
    *k = (card){.e = e, .type = type, .seq = c->n, .video_seek_s = NAN};
    k->animal = ictus_xstrdup(row->animal);
    k->path = ictus_xstrdup(row->path);
    ictus_store_event_ref(0, row->path, row->animal, row->event.channel, row->event.start_us,
                          k->ref);
    c->n++;
    return ICTUS_OK;
}

static const ictus_study *sort_study; /* qsort has no context argument */

/* By animal (animals.csv's order), type, score, then the store's order. */
static int by_animal_type_score(const void *pa, const void *pb)
{
    const card *a = pa, *b = pb;
    long ia = ictus_study_animal(sort_study, a->animal) - sort_study->animals;
    long ib = ictus_study_animal(sort_study, b->animal) - sort_study->animals;
    if (ia != ib)
        return ia < ib ? -1 : 1;
    if (a->type != b->type)
        return a->type < b->type ? -1 : 1;
    if (a->e.score != b->e.score)
        return a->e.score < b->e.score ? -1 : 1;
    return (a->seq > b->seq) - (a->seq < b->seq);
}

static void card_clear(card *k)
{
    free(k->animal);
    free(k->path);
    free(k->error);
    free(k->review_url);
    free(k->video_url);
    free(k->video_pdf_url);
    ictus_excerpt_free(k->ex);
    ictus_spectrogram_free(k->sg);
}

/* Move the chosen candidates of each (animal, type) run of sorted all[] into
 * g: lowest, highest, second lowest, ... up to per_type; free the others. */
static void choose(ictus_gallery *g, card *all, size_t n, int per_type)
{
    bool *taken = ictus_xcalloc(n ? n : 1, sizeof *taken);
    for (size_t i = 0, end; i < n; i = end) {
        for (end = i + 1; end < n && !strcmp(all[end].animal, all[i].animal) &&
                          all[end].type == all[i].type;
             end++)
            ;
        size_t lo = i, hi = end; /* the next lowest is all[lo], the next highest all[hi - 1] */
        for (int k = 0; k < per_type && lo < hi; k++) {
            size_t at = k % 2 == 0 ? lo++ : --hi;
            ICTUS_GROW(g->cards, g->n_cards + 1, g->cap_cards);
            g->cards[g->n_cards++] = all[at];
            taken[at] = true;
        }
    }
    for (size_t i = 0; i < n; i++)
        if (!taken[i])
            card_clear(&all[i]);
    free(taken);
}

static void make_groups(ictus_gallery *g)
{
    g->groups = ictus_xcalloc(g->n_cards ? g->n_cards : 1, sizeof *g->groups);
    for (size_t i = 0; i < g->n_cards; i++) {
        int a = (int)(ictus_study_animal(g->study, g->cards[i].animal) - g->study->animals);
        if (g->n_groups == 0 || g->groups[g->n_groups - 1].animal != a)
            g->groups[g->n_groups++] = (group){.animal = a, .first = (int)i};
        g->groups[g->n_groups - 1].n++;
    }
}

/* ---- reading a card's recording ---------------------------------------------- */

/* Append s percent-encoded for a URL path: everything but unreserved
 * characters and '/' as %XX. */
static void url_path(ictus_strbuf *b, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~/", *p))
            ictus_strbuf_addf(b, "%c", *p);
        else
            ictus_strbuf_addf(b, "%%%02X", *p);
    }
}

/* Where the video links point: `relative` (the report in STUDY/out/report)
 * or the study's real path for file:// URLs. */
typedef struct {
    bool relative;
    char study_real[ICTUS_PATH_MAX];
} link_base;

static void link_base_make(const ictus_study *study, const char *report_dir, link_base *lb)
{
    char own[ICTUS_PATH_MAX], given[ICTUS_PATH_MAX];
    if (!realpath(study->dir, lb->study_real))
        snprintf(lb->study_real, sizeof lb->study_real, "%s", study->dir);
    ictus_error err;
    lb->relative = ictus_path_join(own, sizeof own, lb->study_real, "out/report", &err) == ICTUS_OK &&
                   realpath(report_dir, given) && strcmp(own, given) == 0;
}

static void card_links(card *k, const ictus_study *study, const link_base *lb, double padding_s)
{
    ictus_strbuf b = {0};
    ictus_strbuf_addf(&b, "%s?event=%s", ICTUS_GALLERY_REVIEW_URL, k->ref);
    k->review_url = ictus_strbuf_take(&b);
    char video[ICTUS_PATH_MAX];
    double offset_s;
    if (!ictus_recording_video(study, k->path, k->animal, video, sizeof video, &offset_s)) {
        k->video_url = ictus_xstrdup("");
        k->video_pdf_url = ictus_xstrdup("");
        return;
    }
    k->video_seek_s = ictus_exports_video_seek_s(k->e.start_us, offset_s, padding_s);
    char fragment[48];
    snprintf(fragment, sizeof fragment, "#t=%.3f", k->video_seek_s);
    ictus_strbuf_add(&b, "file://");
    url_path(&b, lb->study_real);
    ictus_strbuf_add(&b, "/");
    url_path(&b, video);
    ictus_strbuf_add(&b, fragment);
    k->video_pdf_url = ictus_strbuf_take(&b);
    if (lb->relative) {
        ictus_strbuf_add(&b, "../../");
        url_path(&b, video);
        ictus_strbuf_add(&b, fragment);
        k->video_url = ictus_strbuf_take(&b);
    } else {
        k->video_url = ictus_xstrdup(k->video_pdf_url);
    }
}

static int compare_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* The colour scale: the 2nd and 99.5th percentiles of the finite values. */
static void db_range(card *k)
{
    size_t n = (size_t)k->sg->n_times * (size_t)k->sg->n_freq, m = 0;
    float *v = ictus_xmalloc((n ? n : 1) * sizeof *v);
    for (size_t i = 0; i < n; i++)
        if (!isnan(k->sg->db[i]))
            v[m++] = k->sg->db[i];
    qsort(v, m, sizeof *v, compare_float);
    k->db_lo = m ? v[(size_t)(0.02 * (double)(m - 1))] : 0;
    k->db_hi = m ? v[(size_t)(0.995 * (double)(m - 1))] : 1;
    if (!(k->db_hi > k->db_lo))
        k->db_hi = k->db_lo + 1;
    free(v);
}

/* Read the card's traces and spectrogram from its open recording. */
static ictus_status read_card(card *k, ictus_source *src, const ictus_settings *filters,
                              ictus_error *err)
{
    const int64_t context = ICTUS_GALLERY_CONTEXT_S * ICTUS_US_PER_S;
    k->t0_us = k->e.start_us - context;
    k->t1_us = k->e.end_us + context;
    int64_t longest = (int64_t)ICTUS_GALLERY_MAX_WINDOW_S * ICTUS_US_PER_S;
    k->capped = k->t1_us - k->t0_us > longest;
    if (k->capped)
        k->t1_us = k->t0_us + longest;
    const ictus_excerpt_request req = {.t0_us = k->t0_us, .t1_us = k->t1_us,
                                       .width = ICTUS_GALLERY_COLUMNS, .filters = filters};
    ictus_status st = ictus_excerpt_read(src, &req, &k->ex, err);
    if (st != ICTUS_OK)
        return st;
    const ictus_recording_info *info = ictus_source_info(src);
    if (info->n_channels == 0)
        return ictus_fail(err, ICTUS_ERR_FORMAT, "%s: no channels", k->path);
    int ch = 0;
    while (ch < info->n_channels && strcmp(info->channels[ch].label, k->e.channel))
        ch++;
    ch = ch < info->n_channels ? ch : 0;
    double fs = info->channels[ch].fs_hz;
    int n_fft = 16; /* the power of two nearest SPEC_WINDOW_S */
    while (n_fft < 65536 && fabs(log2(2 * n_fft / fs / SPEC_WINDOW_S)) < fabs(log2(n_fft / fs / SPEC_WINDOW_S)))
        n_fft *= 2;
    const ictus_spectrogram_request sreq = {
        .t0_us = k->t0_us, .t1_us = k->t1_us, .channel = ch, .n_times = SPEC_COLUMNS,
        .n_fft = n_fft, .max_hz = fs / 2 > SPEC_MAX_HZ ? SPEC_MAX_HZ : 0, .filters = filters};
    st = ictus_spectrogram_read(src, &sreq, &k->sg, err);
    if (st == ICTUS_OK)
        db_range(k);
    return st;
}

static ictus_status open_recording(const card *k, const ictus_study *study, ictus_source **src,
                                   ictus_error *err)
{
    char path[ICTUS_PATH_MAX];
    ictus_status st = ictus_path_join(path, sizeof path, study->dir, k->path, err);
    if (st == ICTUS_OK)
        st = ictus_recording_open_samples(study,
                                          ictus_recording_entry_of(study, k->path, k->animal),
                                          path, k->path, src, err);
    return st;
}

static void card_failed(card *k, const ictus_error *err)
{
    k->error = ictus_xstrdup(err->msg);
    ictus_excerpt_free(k->ex);
    ictus_spectrogram_free(k->sg);
    k->ex = NULL;
    k->sg = NULL;
}

/* Recording (path, then animal) order of the cards, for read_cards(). */
static const card *order_cards;
static int by_recording(const void *a, const void *b)
{
    const card *x = &order_cards[*(const size_t *)a], *y = &order_cards[*(const size_t *)b];
    int c = strcmp(x->path, y->path);
    return c ? c : strcmp(x->animal, y->animal);
}

/* Read every card from its recording, each recording opened once, for its
 * samples only (a day-long EDF+ file's annotations are in every record: reading
 * them reads the whole file). */
static void read_cards(ictus_gallery *g, const ictus_study *study, const ictus_settings *filters)
{
    size_t *order = ictus_xcalloc(g->n_cards + 1, sizeof *order);
    for (size_t i = 0; i < g->n_cards; i++)
        order[i] = i;
    order_cards = g->cards;
    qsort(order, g->n_cards, sizeof *order, by_recording);
    ictus_source *src = NULL;
    ictus_error open_err = {0};
    const card *opened = NULL; /* the card whose recording src (or open_err) is */
    for (size_t i = 0; i < g->n_cards; i++) {
        card *k = &g->cards[order[i]];
        if (!opened || strcmp(opened->path, k->path) != 0 ||
            strcmp(opened->animal, k->animal) != 0) {
            ictus_source_close(src);
            src = NULL;
            open_err = (ictus_error){0};
            open_recording(k, study, &src, &open_err);
            opened = k;
        }
        ictus_error err = {0};
        if (!src)
            card_failed(k, &open_err);
        else if (read_card(k, src, filters, &err) != ICTUS_OK)
            card_failed(k, &err);
    }
    ictus_source_close(src);
    free(order);
}

ictus_status ictus_gallery_build(const ictus_study *study, const ictus_analysis *an,
                                 ictus_store *store, const ictus_gallery_options *opt,
                                 double video_padding_s, const char *report_dir,
                                 ictus_gallery **out, ictus_error *err)
{
    *out = NULL;
    ictus_gallery *g = ictus_xcalloc(1, sizeof *g);
    g->study = study;
    g->an = an;
    candidates c = {.study = study, .an = an};
    ictus_status st = ICTUS_OK;
    if (opt->per_type > 0) {
        ictus_store_event_query q = {.t0_us = ICTUS_STORE_TIME_MIN, .t1_us = ICTUS_STORE_TIME_MAX};
        st = ictus_store_each_event(store, &q, on_event, &c, err);
    }
    if (st == ICTUS_OK && c.n) {
        sort_study = study;
        qsort(c.all, c.n, sizeof *c.all, by_animal_type_score);
        choose(g, c.all, c.n, opt->per_type);
        c.n = 0;
    }
    for (size_t i = 0; i < c.n; i++)
        card_clear(&c.all[i]);
    free(c.all);
    if (st != ICTUS_OK) {
        ictus_gallery_destroy(g);
        return st;
    }
    make_groups(g);
    ictus_study_preset sp = {0};
    ictus_error perr = {0};
    bool filtered = g->n_cards && ictus_study_preset_load(study, &sp, &perr) == ICTUS_OK;
    link_base lb;
    link_base_make(study, report_dir, &lb);
    for (size_t i = 0; i < g->n_cards; i++) {
        card *k = &g->cards[i];
        k->unfiltered = !filtered;
        card_links(k, study, &lb, video_padding_s);
    }
    read_cards(g, study, filtered ? &sp.preset.settings : NULL);
    ictus_study_preset_free(&sp);
    *out = g;
    return ICTUS_OK;
}

void ictus_gallery_destroy(ictus_gallery *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < g->n_cards; i++)
        card_clear(&g->cards[i]);
    free(g->cards);
    free(g->groups);
    free(g);
}

/* ---- drawing a card ----------------------------------------------------------- */

/* Layout, points: the trace area starts at LEFT and is COLUMNS wide; the
 * scale bars and the colour scale are right of it. */
#define LEFT 90.0
#define RIGHT 130.0
static const double TOP = 8, LANE = 52, GAP = 10, SPEC_H = 100, BOTTOM = 40;
/* Every text of a card in one size: cairo's SVG holds the glyphs of each
 * size (and each rotation) once per drawing, a few hundred bytes each. */
static const double TEXT_PT = 9;
static const double CARD_W = LEFT + ICTUS_GALLERY_COLUMNS + RIGHT;

static double card_height(const card *k)
{
    return TOP + k->ex->n_channels * LANE + GAP + SPEC_H + BOTTOM;
}

/* Viridis (matplotlib's, sampled at nine points): dark blue to yellow, its
 * lightness rising throughout, so greyscale print keeps the order. */
static void viridis(double f, double rgb[3])
{
    static const double stops[9][3] = {
        {0.267, 0.005, 0.329}, {0.283, 0.141, 0.458}, {0.254, 0.265, 0.530},
        {0.207, 0.372, 0.553}, {0.164, 0.471, 0.558}, {0.128, 0.567, 0.551},
        {0.135, 0.659, 0.518}, {0.478, 0.821, 0.318}, {0.993, 0.906, 0.144}};
    f = f < 0 ? 0 : f > 1 ? 1 : f;
    double x = f * 8;
    int i = x >= 8 ? 7 : (int)x;
    double t = x - i;
    for (int c = 0; c < 3; c++)
        rgb[c] = stops[i][c] + t * (stops[i + 1][c] - stops[i][c]);
}

/* The level (0..SPEC_LEVELS-1) of a dB value on the card's scale, as a fraction. */
static double level(const card *k, double db)
{
    double f = (db - k->db_lo) / (k->db_hi - k->db_lo);
    int l = (int)floor((f < 0 ? 0 : f > 1 ? 1 : f) * SPEC_LEVELS);
    return (double)(l >= SPEC_LEVELS ? SPEC_LEVELS - 1 : l) / (SPEC_LEVELS - 1);
}

/* Nice value of a scale bar at most `v`: 1, 2 or 5 times a power of ten. */
static double nice_below(double v)
{
    if (!(v > 0))
        return 0;
    double mag = pow(10, floor(log10(v)));
    double f = v / mag;
    return (f >= 5 ? 5 : f >= 2 ? 2 : 1) * mag;
}

static const char *unit_text(const char *unit)
{
    return strcmp(unit, "uV") == 0 ? "µV" : unit;
}

/* A channel's vertical scale: the value at its lane's middle and units per point. */
typedef struct {
    double mid, per_pt, bar; /* bar: the scale bar's value */
} lane_scale;

/* From the 0.5th to the 99.5th percentile of the column extremes over 90 % of the lane. */
static lane_scale scale_of(const ictus_excerpt_channel *ch, int w)
{
    float *v = ictus_xmalloc(2 * (size_t)w * sizeof *v);
    int m = 0;
    for (int j = 0; j < w; j++)
        if (!isnan(ch->min[j])) {
            v[m++] = ch->min[j];
            v[m++] = ch->max[j];
        }
    qsort(v, (size_t)m, sizeof *v, compare_float);
    double lo = m ? v[(size_t)(0.005 * (m - 1))] : -1, hi = m ? v[(size_t)(0.995 * (m - 1))] : 1;
    free(v);
    if (!(hi > lo)) {
        lo -= 1;
        hi += 1;
    }
    return (lane_scale){(lo + hi) / 2, (hi - lo) / (LANE * 0.9), nice_below((hi - lo) / 2)};
}

/* The envelope of channel c in its lane at y0, x from x0: a vertical stroke
 * per column from its min to its max, joined to the next; gaps left empty. */
static void envelope(cairo_t *cr, const card *k, int c, const lane_scale *ls, double x0,
                     double y0)
{
    const ictus_excerpt_channel *ch = &k->ex->channels[c];
    bool down = false;
    for (int j = 0; j < k->ex->width; j++) {
        if (isnan(ch->min[j])) {
            down = false;
            continue;
        }
        double x = x0 + j + 0.5;
        double ya = y0 + LANE / 2 - (ch->max[j] - ls->mid) / ls->per_pt;
        double yb = y0 + LANE / 2 - (ch->min[j] - ls->mid) / ls->per_pt;
        if (yb - ya < 0.5)
            yb = ya + 0.5;
        if (!down)
            cairo_move_to(cr, x, ya);
        else
            cairo_line_to(cr, x, ya);
        cairo_line_to(cr, x, yb);
        down = true;
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 0.8);
    cairo_stroke(cr);
}

/* Pixels per point of the traces' image in the HTML: across, one per column
 * (the excerpt's resolution: more adds nothing); down, two (amplitudes
 * sharp on high-density screens).  Encoding the PNG is most of the HTML's
 * cost (tests/bench_report.c: 2 × 2 took 6.4 s, 1 × 2 5.2 s, 1 × 1 4.6 s). */
#define TRACE_IMAGE_SCALE_X 1
#define TRACE_IMAGE_SCALE_Y 2

/* The event's span shaded behind the traces, and every envelope, in the
 * box [x0, x0 + COLUMNS] × [y0, y0 + lanes] of cr. */
static void traces(cairo_t *cr, const card *k, const lane_scale *ls, double x0, double y0,
                   double xa, double xe)
{
    cairo_save(cr);
    cairo_rectangle(cr, x0, y0, ICTUS_GALLERY_COLUMNS, k->ex->n_channels * LANE);
    cairo_clip(cr);
    ictus_plot_colour(cr, 1, 0.25);
    cairo_rectangle(cr, xa, y0, xe - xa, k->ex->n_channels * LANE);
    cairo_fill(cr);
    for (int c = 0; c < k->ex->n_channels; c++)
        envelope(cr, k, c, &ls[c], x0, y0 + c * LANE);
    cairo_restore(cr);
}

/* The traces on cr: as vectors, or (`raster`) as an image, which keeps an
 * SVG small (a vector envelope is ~12 kB a channel, its image ~3 kB). */
static void draw_traces(cairo_t *cr, const card *k, bool raster, double xa, double xe)
{
    int n = k->ex->n_channels;
    lane_scale *ls = ictus_xcalloc((size_t)n, sizeof *ls);
    for (int c = 0; c < n; c++)
        ls[c] = scale_of(&k->ex->channels[c], k->ex->width);
    if (raster) {
        cairo_surface_t *img = cairo_image_surface_create(
            CAIRO_FORMAT_RGB24, ICTUS_GALLERY_COLUMNS * TRACE_IMAGE_SCALE_X,
            (int)(n * LANE) * TRACE_IMAGE_SCALE_Y);
        cairo_t *ci = cairo_create(img);
        cairo_set_antialias(ci, CAIRO_ANTIALIAS_NONE); /* two colours and the shade: a small PNG */
        cairo_set_source_rgb(ci, 1, 1, 1);
        cairo_paint(ci);
        cairo_scale(ci, TRACE_IMAGE_SCALE_X, TRACE_IMAGE_SCALE_Y);
        traces(ci, k, ls, 0, 0, xa - LEFT, xe - LEFT);
        cairo_destroy(ci);
        cairo_save(cr);
        cairo_translate(cr, LEFT, TOP);
        cairo_scale(cr, 1.0 / TRACE_IMAGE_SCALE_X, 1.0 / TRACE_IMAGE_SCALE_Y);
        cairo_set_source_surface(cr, img, 0, 0);
        cairo_paint(cr);
        cairo_restore(cr);
        cairo_surface_destroy(img);
    } else {
        traces(cr, k, ls, LEFT, TOP, xa, xe);
    }
    /* Each lane's label left, its scale bar right. */
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (int c = 0; c < n; c++) {
        const ictus_excerpt_channel *ch = &k->ex->channels[c];
        double y0 = TOP + c * LANE, len = ls[c].bar / ls[c].per_pt;
        double xb = LEFT + ICTUS_GALLERY_COLUMNS + 8;
        ictus_plot_text(cr, LEFT - 8, y0 + LANE / 2 + 3, TEXT_PT, 1, false, ch->label);
        cairo_set_line_width(cr, 2);
        cairo_move_to(cr, xb, y0 + LANE / 2 + len / 2);
        cairo_line_to(cr, xb, y0 + LANE / 2 - len / 2);
        cairo_stroke(cr);
        char text[48];
        snprintf(text, sizeof text, "%g %s", ls[c].bar, unit_text(ch->unit));
        ictus_plot_text(cr, xb + 5, y0 + LANE / 2 + 3, TEXT_PT, 0, false, text);
    }
    free(ls);
}

/* The spectrogram as an image in [LEFT, LEFT + COLUMNS] × [y0, y0 + SPEC_H], and its scale. */
static void draw_spectrogram(cairo_t *cr, const card *k, double y0)
{
    const ictus_spectrogram *sg = k->sg;
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, sg->n_times, sg->n_freq);
    unsigned char *px = cairo_image_surface_get_data(img);
    int stride = cairo_image_surface_get_stride(img);
    cairo_surface_flush(img);
    for (int t = 0; t < sg->n_times; t++)
        for (int f = 0; f < sg->n_freq; f++) {
            float db = sg->db[(size_t)t * sg->n_freq + f];
            double rgb[3] = {0.85, 0.85, 0.85}; /* no data */
            if (!isnan(db))
                viridis(level(k, db), rgb);
            uint32_t *p = (uint32_t *)(px + (size_t)(sg->n_freq - 1 - f) * stride) + t;
            *p = (uint32_t)lround(rgb[0] * 255) << 16 | (uint32_t)lround(rgb[1] * 255) << 8 |
                 (uint32_t)lround(rgb[2] * 255);
        }
    cairo_surface_mark_dirty(img);
    cairo_save(cr);
    cairo_rectangle(cr, LEFT, y0, ICTUS_GALLERY_COLUMNS, SPEC_H);
    cairo_clip(cr);
    cairo_translate(cr, LEFT, y0);
    cairo_scale(cr, (double)ICTUS_GALLERY_COLUMNS / sg->n_times, SPEC_H / sg->n_freq);
    cairo_set_source_surface(cr, img, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST);
    cairo_paint(cr);
    cairo_restore(cr);
    cairo_surface_destroy(img);
    ictus_plot_axis fy = {0, sg->n_freq * sg->df_hz, false, y0 + SPEC_H, y0};
    ictus_plot_y_axis(cr, &fy, LEFT, 4, NULL, "");
    ictus_plot_text(cr, LEFT - 30, y0 - 3, TEXT_PT, 1, false, "Hz");
    cairo_set_source_rgb(cr, 1, 1, 1);
    ictus_plot_text(cr, LEFT + 4, y0 + 11, TEXT_PT, 0, false, sg->label);
    /* The colour scale: a bar of the levels, labelled at its ends and middle in dB. */
    double xb = LEFT + ICTUS_GALLERY_COLUMNS + 8, bw = 10;
    for (int l = 0; l < SPEC_LEVELS; l++) {
        double rgb[3];
        viridis((double)l / (SPEC_LEVELS - 1), rgb);
        cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
        double h = SPEC_H / SPEC_LEVELS;
        cairo_rectangle(cr, xb, y0 + SPEC_H - (l + 1) * h, bw, h + 0.5);
        cairo_fill(cr);
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (int i = 0; i <= 2; i++) {
        char text[32];
        double db = round(k->db_lo + i * (k->db_hi - k->db_lo) / 2);
        snprintf(text, sizeof text, "%.0f dB", db == 0 ? 0.0 : db); /* never "-0" */
        ictus_plot_text(cr, xb + bw + 4, y0 + SPEC_H - i * SPEC_H / 2 + (i == 0 ? 0 : i == 2 ? 8 : 3),
                        TEXT_PT, 0, false, text);
    }
}

/* What a card's drawing needs: the card, and how to draw its traces. */
typedef struct {
    const card *k;
    bool raster;
} card_view;

static void card_draw(cairo_t *cr, double w, double h, const void *ctx)
{
    const card_view *v = ctx;
    const card *k = v->k;
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, 0, 0, w, h); /* not cairo_paint(): a PDF page holds several cards */
    cairo_fill(cr);
    double onset = ictus_us_to_s(k->e.start_us);
    ictus_plot_axis ax = {ictus_us_to_s(k->t0_us) - onset, ictus_us_to_s(k->t1_us) - onset, false,
                          LEFT, LEFT + ICTUS_GALLERY_COLUMNS};
    double y_spec = TOP + k->ex->n_channels * LANE + GAP;
    double xa = ictus_plot_map(&ax, 0);
    double xe = ictus_plot_map(&ax, fmin(ictus_us_to_s(k->e.end_us) - onset, ax.hi));
    draw_traces(cr, k, v->raster, xa, xe);
    draw_spectrogram(cr, k, y_spec);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_set_line_width(cr, 1);
    cairo_set_dash(cr, (double[]){3, 3}, 2, 0);
    for (int i = 0; i < 2; i++) {
        double x = round(i ? xe : xa) + 0.5;
        cairo_move_to(cr, x, y_spec);
        cairo_line_to(cr, x, y_spec + SPEC_H);
    }
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    ictus_plot_x_axis(cr, &ax, y_spec + SPEC_H, 10, NULL, "");
    cairo_set_source_rgb(cr, 0, 0, 0);
    ictus_plot_text(cr, (ax.p0 + ax.p1) / 2, y_spec + SPEC_H + 30, TEXT_PT, 0.5, false,
                    "time from start (s)");
}

/* ---- text of a card ------------------------------------------------------------- */

/* The card's first line: animal, start, type, score, duration. */
static void card_title(const card *k, char *buf, size_t size)
{
    char start[32];
    ictus_walltime_format(k->e.wall_start_us, start, sizeof start);
    snprintf(buf, size, "%s  %s  %s  score %.3f  %.1f s", k->animal, start, k->e.type,
             k->e.score, ictus_us_to_s(k->e.end_us - k->e.start_us));
}

/* Its second line: recording, channel, window and what was not done. */
static void card_detail(const card *k, ictus_strbuf *b)
{
    ictus_strbuf_addf(b, "%s, channel %s", k->path, k->e.channel);
    if (k->error)
        return;
    ictus_strbuf_addf(b, "; %.0f s to +%.0f s", ictus_us_to_s(k->t0_us - k->e.start_us),
                      ictus_us_to_s(k->t1_us - k->e.start_us));
    if (k->capped)
        ictus_strbuf_addf(b, " (the event is longer: its first %.0f s shown)",
                          ictus_us_to_s(k->t1_us - k->e.start_us));
    if (k->unfiltered)
        ictus_strbuf_add(b, "; unfiltered (the study's preset cannot be loaded)");
}

/* ---- HTML ------------------------------------------------------------------------ */

static void json_key(ictus_strbuf *b, const char *key, const char *value)
{
    ictus_strbuf_addf(b, "\"%s\":", key);
    ictus_json_string(b, value);
    ictus_strbuf_add(b, ",");
}

static void json_key_number(ictus_strbuf *b, const char *key, double v)
{
    ictus_strbuf_addf(b, "\"%s\":", key);
    ictus_json_number(b, v);
    ictus_strbuf_add(b, ",");
}

static void card_json(ictus_strbuf *b, const card *k)
{
    char start[32];
    ictus_walltime_format(k->e.wall_start_us, start, sizeof start);
    ictus_strbuf_add(b, "{");
    json_key(b, "ref", k->ref);
    json_key(b, "animal", k->animal);
    json_key(b, "recording", k->path);
    json_key(b, "channel", k->e.channel);
    json_key(b, "start", start);
    json_key_number(b, "start_s", ictus_us_to_s(k->e.start_us));
    json_key_number(b, "end_s", ictus_us_to_s(k->e.end_us));
    json_key(b, "type", k->e.type);
    json_key_number(b, "score", k->e.score);
    json_key(b, "review", k->review_url);
    json_key(b, "video", k->video_url);
    json_key_number(b, "video_seek_s", k->video_seek_s);
    ictus_strbuf_add(b, "\"channels\":[");
    for (int c = 0; k->ex && c < k->ex->n_channels; c++) {
        if (c)
            ictus_strbuf_add(b, ",");
        ictus_json_string(b, k->ex->channels[c].label);
    }
    ictus_strbuf_add(b, "],");
    if (k->sg)
        json_key(b, "spectrogram_channel", k->sg->label);
    json_key_number(b, "window_t0_s", k->error ? NAN : ictus_us_to_s(k->t0_us));
    json_key_number(b, "window_t1_s", k->error ? NAN : ictus_us_to_s(k->t1_us));
    ictus_strbuf_addf(b, "\"capped\":%s,\"error\":", k->capped ? "true" : "false");
    if (k->error)
        ictus_json_string(b, k->error);
    else
        ictus_strbuf_add(b, "null");
    ictus_strbuf_add(b, "}");
}

static ictus_status card_html(ictus_strbuf *b, const card *k, size_t index, ictus_error *err)
{
    char title[512];
    card_title(k, title, sizeof title);
    ictus_strbuf_addf(b, "<div class=\"card\" id=\"card-%s\"><h4>", k->ref);
    ictus_html_esc(b, title);
    ictus_strbuf_add(b, "</h4><p>");
    ictus_strbuf detail = {0};
    card_detail(k, &detail);
    ictus_html_esc(b, ictus_strbuf_text(&detail));
    ictus_strbuf_free(&detail);
    ictus_strbuf_add(b, " <a class=\"review\" href=\"");
    ictus_html_esc(b, k->review_url);
    ictus_strbuf_add(b, "\">open in the review view (ictus serve)</a>");
    if (*k->video_url) {
        ictus_strbuf_add(b, " <a class=\"video\" href=\"");
        ictus_html_esc(b, k->video_url);
        ictus_strbuf_addf(b, "\">video at %.1f s</a>", k->video_seek_s);
    }
    ictus_strbuf_add(b, "</p>\n");
    if (k->error) {
        ictus_strbuf_add(b, "<p class=\"unreadable\">The recording cannot be read: ");
        ictus_html_esc(b, k->error);
        ictus_strbuf_add(b, "</p></div>\n");
        return ICTUS_OK;
    }
    char prefix[48];
    snprintf(prefix, sizeof prefix, "gallery-%zu-", index + 1);
    const card_view v = {k, true};
    ictus_status st = ictus_plot_svg(card_draw, &v, CARD_W, card_height(k), prefix, b, err);
    ictus_strbuf_add(b, "</div>\n");
    return st;
}

static const char CAPTION[] =
    "Per seizure type, the events with the lowest and the highest scores, alternately. Each "
    "card: every channel from 30 s before the event to 30 s after it (filtered as in the "
    "review view; min/max per pixel column), the event shaded, a scale bar per channel; below, "
    "the spectrogram of the event's channel (0.5 s windows; viridis scale, dark = low power), "
    "its edges dashed.";

ictus_status ictus_gallery_html(const ictus_gallery *g, ictus_strbuf *b, ictus_error *err)
{
    if (g->n_groups == 0)
        ictus_strbuf_add(b, "<p>No events to show.</p>\n");
    for (int i = 0; i < g->n_groups; i++) {
        const group *gr = &g->groups[i];
        ictus_strbuf_addf(b, "<figure id=\"fig-gallery-%d\"><h3>Events of ", i + 1);
        ictus_html_esc(b, g->study->animals[gr->animal].id);
        ictus_strbuf_add(b, "</h3>\n");
        for (int j = 0; j < gr->n; j++) {
            ictus_status st =
                card_html(b, &g->cards[gr->first + j], (size_t)(gr->first + j), err);
            if (st != ICTUS_OK)
                return st;
        }
        ictus_strbuf_add(b, "<figcaption>");
        ictus_html_esc(b, CAPTION);
        ictus_strbuf_addf(b, "</figcaption></figure>\n<script type=\"application/json\" "
                             "id=\"data-gallery-%d\">{\"animal\":", i + 1);
        ictus_json_string(b, g->study->animals[gr->animal].id);
        ictus_strbuf_add(b, ",\"cards\":[");
        for (int j = 0; j < gr->n; j++) {
            if (j)
                ictus_strbuf_add(b, ",");
            card_json(b, &g->cards[gr->first + j]);
        }
        ictus_strbuf_add(b, "]}</script>\n");
    }
    return ICTUS_OK;
}

/* ---- PDF --------------------------------------------------------------------------- */

/* Text of a card above its drawing: two lines. */
static const double CARD_TEXT = 30, PAGE_H = 842;

/* A link over the text at (x, y) (baseline) of `width`. */
static void pdf_link(cairo_t *cr, double x, double y, const char *url, const char *text)
{
    char attrs[ICTUS_PATH_MAX * 3 + 32];
    snprintf(attrs, sizeof attrs, "uri='%s'", url); /* url is percent-encoded: no quote */
    cairo_tag_begin(cr, CAIRO_TAG_LINK, attrs);
    ictus_plot_colour(cr, 0, 1);
    ictus_plot_text(cr, x, y, 9, 0, false, text);
    cairo_tag_end(cr, CAIRO_TAG_LINK);
    cairo_set_source_rgb(cr, 0, 0, 0);
}

static double card_pdf_height(const card *k)
{
    return CARD_TEXT + (k->error ? 20 : card_height(k)) + 16;
}

static void card_pdf(cairo_t *cr, const card *k, double x, double y)
{
    char title[512];
    card_title(k, title, sizeof title);
    cairo_set_source_rgb(cr, 0, 0, 0);
    ictus_plot_text(cr, x, y + 10, 10, 0, false, title);
    ictus_strbuf detail = {0};
    card_detail(k, &detail);
    ictus_plot_text(cr, x, y + 23, 8, 0, false, ictus_strbuf_text(&detail));
    ictus_strbuf_free(&detail);
    pdf_link(cr, x + CARD_W - 250, y + 10, k->review_url, "review view");
    if (*k->video_pdf_url)
        pdf_link(cr, x + CARD_W - 170, y + 10, k->video_pdf_url, "video");
    if (k->error) {
        char line[1024];
        snprintf(line, sizeof line, "The recording cannot be read: %s", k->error);
        ictus_plot_text(cr, x, y + CARD_TEXT + 12, 9, 0, false, line);
        return;
    }
    cairo_save(cr);
    cairo_translate(cr, x, y + CARD_TEXT);
    const card_view v = {k, false};
    card_draw(cr, CARD_W, card_height(k), &v);
    cairo_restore(cr);
}

void ictus_gallery_pdf(const ictus_gallery *g, cairo_surface_t *s, cairo_t *cr,
                       const ictus_gallery_pages *pages)
{
    double page_w = CARD_W + 2 * pages->margin;
    for (int i = 0; i < g->n_groups; i++) {
        const group *gr = &g->groups[i];
        char title[512];
        snprintf(title, sizeof title, "Events of %s", g->study->animals[gr->animal].id);
        double y = PAGE_H; /* a new page before the first card */
        for (int j = 0; j < gr->n; j++) {
            const card *k = &g->cards[gr->first + j];
            double h = card_pdf_height(k);
            if (y + h > PAGE_H - pages->margin && y > pages->margin + pages->head) {
                cairo_show_page(cr); /* the page before: the report's, or the last of cards */
                cairo_pdf_surface_set_size(s, page_w, fmax(PAGE_H, h + pages->head + 2 * pages->margin));
                pages->heading(cr, pages->section_title, title);
                y = pages->margin + pages->head;
            }
            card_pdf(cr, k, pages->margin, y);
            y += h;
        }
    }
}
