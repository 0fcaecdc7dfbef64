/* gallery.h: the report's event gallery: a sample of each animal's events, each drawn from its recording.
 *
 * The gallery (section "gallery" of the report) shows, per animal and per
 * seizure type, up to `per_type` of the events as they count (the raster's:
 * report_data.h ictus_report_event_counts(), each stored event on its own,
 * not merged across channels), chosen by score from both ends: the lowest,
 * the highest, the second lowest, the second highest... (ties in the store's
 * order: wall-clock start, recording, channel).  Each event is a card:
 *   - every channel of its recording (recordings.csv's map applied, as the
 *     nightly job reads it) from 30 s before its start to 30 s after its end,
 *     the window cut at ICTUS_GALLERY_MAX_WINDOW_S (the card says so),
 *     min/max-decimated to the ICTUS_GALLERY_COLUMNS pixel columns the
 *     trace fills (pipeline/excerpt.h) and filtered with the study preset's
 *     high-pass and notch as the review view does; the event's span shaded,
 *     time in s from its start, a scale bar in the channel's unit (µV);
 *   - a spectrogram of the event's channel (the first channel when it is
 *     "*" or not in the recording): 0.5 s Hann windows, up to 100 Hz (or
 *     Nyquist), power in dB re 1 µV²/Hz on the viridis scale (dark to light
 *     in greyscale print too) between the card's 2nd and 99.5th percentiles,
 *     drawn as a small embedded image;
 *   - its animal, wall-clock start (the recording's clock, as events.csv's
 *     start_time), type, score, duration, recording and channel; a link to
 *     the event in the review view of `ictus serve` on its default port
 *     (ICTUS_GALLERY_REVIEW_URL + "?event=" + the event's stable reference,
 *     store.h ictus_store_event_ref() with key 0), and, when recordings.csv
 *     gives the recording a video, a link to it with the media fragment
 *     #t=SECONDS where review.csv seeks (report/exports.h): relative to the
 *     report when it is in STUDY/out/report, else a file:// URL;
 *   - a recording that cannot be read (moved, deleted, corrupt): the card
 *     says so and why; the report is written all the same.
 * In index.html: one <figure id="fig-gallery-N"> per animal with cards
 * (N from 1 in animals.csv's order, animals without counted events left
 * out), each card's drawing an inline SVG, followed by <script
 * type="application/json" id="data-gallery-N"> listing its cards.  In
 * report.pdf: the same drawings, several cards per page.
 *
 * Settings (study.ini [report]): gallery_per_type (events per animal and
 * type, 0..100, default 4; 0: no gallery).
 *
 * Lifecycle: ictus_gallery_build() (reads the store and the recordings) →
 * ictus_gallery_html() / ictus_gallery_pdf() (draw only) →
 * ictus_gallery_destroy().  Thread safety: one thread per gallery.
 */
#ifndef ICTUS_GALLERY_H
#define ICTUS_GALLERY_H

#include <stdbool.h>
#include <cairo.h>

#include "base/config.h"
#include "base/status.h"
#include "base/strbuf.h"
#include "protocols/analysis.h"
#include "protocols/study.h"
#include "store/store.h"

/* The review view's address: `ictus serve` on its default port
 * (review/server.h ICTUS_REVIEW_DEFAULT_PORT; tests/test_report.c checks
 * that they agree).  The server asks for its token when a link has none. */
#define ICTUS_GALLERY_REVIEW_URL "http://127.0.0.1:8470/"

/* Context around an event: s before its start and after its end. */
#define ICTUS_GALLERY_CONTEXT_S 30
/* The longest window a card shows, s (a longer event is shown from 30 s
 * before its start for this long). */
#define ICTUS_GALLERY_MAX_WINDOW_S 240
/* Pixel columns of a trace. */
#define ICTUS_GALLERY_COLUMNS 600

typedef struct {
    int per_type;  /* events per animal and type, 0..100; 0: no gallery */
} ictus_gallery_options;

/* The defaults: per_type = 4. */
void ictus_gallery_options_default(ictus_gallery_options *opt);

/* Read [report] gallery_per_type from cfg (marks it used; absent: *opt is
 * left as it is); as report/exports.h's ictus_exports_options_apply(), the
 * section's other keys are not checked here.  ICTUS_ERR_CONFIG naming the
 * file and line for a value not a whole number in range. */
ictus_status ictus_gallery_options_apply(ictus_gallery_options *opt, ictus_config *cfg,
                                         ictus_error *err);

typedef struct ictus_gallery ictus_gallery;

/* Choose the events of `study` (its analysis `an`, its store) and read
 * their recordings into *out (caller's; ictus_gallery_destroy()).
 * video_padding_s: [report] video_padding_s (report/exports.h).
 * report_dir: the directory index.html goes to (for the video links).
 * A recording that cannot be read is no error (its cards say why).
 * Errors: the store's (ICTUS_ERR_DB, ICTUS_ERR_BUSY). */
ictus_status ictus_gallery_build(const ictus_study *study, const ictus_analysis *an,
                                 ictus_store *store, const ictus_gallery_options *opt,
                                 double video_padding_s, const char *report_dir,
                                 ictus_gallery **out, ictus_error *err);

/* Figures (animals with cards) and cards. */
int ictus_gallery_n_figures(const ictus_gallery *g);
int ictus_gallery_n_cards(const ictus_gallery *g);

/* Append the section's body (above) to b.  ICTUS_ERR_IO when cairo fails. */
ictus_status ictus_gallery_html(const ictus_gallery *g, ictus_strbuf *b, ictus_error *err);

/* The PDF's page layout, the report's (report/report.c). */
typedef struct {
    double margin, head;   /* points: page margin; the heading's height */
    const char *section_title;
    void (*heading)(cairo_t *cr, const char *section_title, const char *title);
} ictus_gallery_pages;

/* Draw the gallery on the PDF surface s (cr its context) as pages of their
 * own: per animal, its cards, as many as fit a page.  Each page starts with
 * cairo_show_page() (the page drawn before is finished); the last is left
 * to the caller to show or finish. */
void ictus_gallery_pdf(const ictus_gallery *g, cairo_surface_t *s, cairo_t *cr,
                       const ictus_gallery_pages *pages);

void ictus_gallery_destroy(ictus_gallery *g); /* NULL is a no-op */

#endif
