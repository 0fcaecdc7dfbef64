/* analyzer.h: stream a whole recording through one chain per channel, on
 * worker threads, and deliver it window by window (every analysed channel's
 * frame of window k at once).
 *
 * The calling thread reads and decodes blocks ahead into a small ring
 * while the threads (the workers and the calling thread between its reads)
 * run the chains on the blocks read (each channel's chain on one thread at
 * a time, block after block); the frames of each window are then gathered
 * and handed to the callback on the calling thread, while the workers run
 * the next blocks (so the callback must not touch the chains).  Memory is a few blocks plus each
 * chain's fixed state, whatever the recording's length.  The frames do not
 * depend on the thread count.
 *
 * Text of frames: with options.format set, each frame is also turned into
 * text (e.g. its CSV row) as soon as it is made, on the thread that made
 * it, and handed to the window callback beside the frame.  Formatting is
 * then shared by the threads instead of running alone on the calling
 * thread between blocks, where every other core waits for it.
 *
 * Lifecycle: ictus_analyzer_create() (chains built, nothing read) →
 * ictus_analyzer_run() (once) → ictus_analyzer_destroy().
 */
#ifndef ICTUS_ANALYZER_H
#define ICTUS_ANALYZER_H

#include <stdbool.h>
#include <stdint.h>

#include "pipeline/chain.h"
#include "pipeline/settings.h"
#include "pipeline/source/source.h"
#include "base/csvout.h"
#include "base/status.h"

/* Appends the text of `frame` to `out` (an in-memory writer of the
 * frame's channel).  Called on worker threads, several at once for
 * different channels: it must only read what ctx points to. */
typedef void (*ictus_frame_format_fn)(void *ctx, const ictus_frame *frame, ictus_out *out);

typedef struct {
    const ictus_settings *set;   /* must outlive the analyzer */
    int n_threads;               /* threads running the chains (at most one per channel): the
                                    calling thread, which also reads and delivers, and
                                    n_threads - 1 workers; <= 1 runs everything on the
                                    calling thread */
    const char *const *channels; /* labels of the channels to analyse, or NULL for every channel
                                    ictus_channel_analysable() accepts */
    int n_channels;
    ictus_frame_format_fn format; /* or NULL: no text */
    void *format_ctx;
} ictus_analyzer_options;

typedef struct ictus_analyzer ictus_analyzer;

/* Channels analysed by default: sampled at >= min_fs_hz, in a voltage
 * unit or with no unit (sound files, unlabelled EDF signals). */
bool ictus_channel_analysable(const ictus_channel_info *ci, const ictus_settings *set);

/* Build the chains for `src` (which must outlive the analyzer and is read
 * from its current position).  Fails with ICTUS_ERR_CONFIG when a label
 * in opt->channels is not in the recording, or when no channel qualifies. */
ictus_status ictus_analyzer_create(ictus_source *src, const ictus_analyzer_options *opt,
                                   ictus_analyzer **out, ictus_error *err);
void ictus_analyzer_destroy(ictus_analyzer *an); /* NULL is a no-op */

/* The analysed channels: how many, and the source channel index of each. */
int ictus_analyzer_channels(const ictus_analyzer *an);
int ictus_analyzer_channel_index(const ictus_analyzer *an, int i);
const ictus_chain *ictus_analyzer_chain(const ictus_analyzer *an, int i);

/* Window k of every analysed channel, as the callback receives it.  Every
 * array has n_channels entries, indexed like ictus_analyzer_channel_index();
 * all are owned by the analyzer and valid only during the call. */
typedef struct {
    int64_t window;            /* k: the window starts k * hop_s after the recording start */
    int n_channels;            /* ictus_analyzer_channels() */
    const int *present;        /* 1 when channel i has a frame for window k (0 inside its gaps,
                                  at a rate whose data ended earlier, ...) */
    const ictus_frame *frames; /* channel i's frame; meaningful only where present[i] */
    const uint32_t *artefact;  /* frames[i].artefact where present, 0 elsewhere (the flags
                                  alone, as the QC takes them) */
    const char *const *text;   /* with options.format: frames[i]'s text, text_len[i] bytes
                                  (not NUL-terminated) where present; else NULL */
    const size_t *text_len;
} ictus_window_frames;

/* Receives each window that at least one channel has a frame for. */
typedef void (*ictus_window_fn)(void *ctx, const ictus_window_frames *w);

/* Read the recording to its end, calling fn once for every window some
 * channel produced, in increasing window order; each channel's frame of a
 * window is in that one call.  On a read error the windows already
 * delivered stay delivered and err names the record. */
ictus_status ictus_analyzer_run(ictus_analyzer *an, ictus_window_fn fn, void *ctx,
                                ictus_error *err);

#endif
