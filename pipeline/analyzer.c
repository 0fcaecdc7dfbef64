/* analyzer.c: the multi-threaded recording → windows of frames driver.
 *
 * Blocks go through a ring of `n_slots` slots.  Each slot holds a block
 * and, per channel, the frames (and their text) the chains made from it,
 * and each chain's progress after it.
 *
 * With T > 1 threads (options.n_threads, at most one per channel), the
 * channels form T groups and a task is one group over one block; a group's
 * tasks run in block order, one at a time, on whichever thread takes them
 * (next_task: the oldest block first).  T - 1 workers only run tasks.  The calling thread:
 *   1. reads and decodes blocks into the free slots and publishes them;
 *   2. runs tasks until every group is done with the oldest block (or
 *      waits, when no task is left to take), then moves that block's
 *      frames behind those still waiting (`ready`) and notes up to which
 *      window every channel has passed (`limit`);
 *   3. reads the next block into the slot just emptied, then delivers the
 *      windows below `limit` (the callback: writing CSV rows, detection).
 * So T threads share T cores, and the reading and the callback are spread
 * over them: while the calling thread reads, its group's next task goes to
 * a worker that would otherwise wait.  Earlier versions had T workers with
 * a group each and a reading thread (three threads on two cores: the
 * scheduler kept the reader and one worker on one core, the other worker
 * idled at every block's barrier), or a barrier per block with the calling
 * thread taking its share of the groups after reading (65 % / 35 % of the
 * CPU on 2 cores).
 * The callback only touches `ready`, which no task touches; a task writes
 * only its group's queues of its slot, which the calling thread reads only
 * after every group is done with the slot.
 *
 * With one thread there is one slot and no worker: the calling thread
 * runs the chains on each block, collects it, reads the next and delivers.
 * The frames, their order and the windows delivered do not depend on the
 * thread count, the groups or the ring. */
#include "pipeline/analyzer.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/vec.h"

/* Frames of a channel in order, and with a formatter their text: frame j's
 * is text_len[j] bytes, after those of the frames before it, from
 * text.buf + text_head for frame head. */
typedef struct {
    ictus_frame *frames;
    size_t n, head, cap;
    const ictus_analyzer *an;
    ictus_out text;
    size_t *text_len; /* [text_cap] */
    size_t text_cap, text_head;
} frame_queue;

/* MAX_SLOTS blocks with threads (2: each slot costs a block's memory, 1.3
 * MiB for 4 channels of 64 s at 1 kHz); 1 without. */
enum { MAX_SLOTS = 2 };

/* A block and what the chains made from it. */
typedef struct {
    ictus_block *blk;
    frame_queue *out;  /* [n] */
    int64_t *progress; /* [n] ictus_chain_progress() of each chain after the block */
} slot;

struct ictus_analyzer {
    ictus_source *src;
    const ictus_settings *set;
    int n;               /* analysed channels */
    int n_groups;        /* tasks per block: channel groups [group_start[g], group_start[g + 1]) */
    int *group_start;    /* [n_groups + 1] */
    int *source_index;   /* [n] channel index in the source */
    ictus_chain **chains;
    slot slots[MAX_SLOTS];
    int n_slots;
    frame_queue *ready;  /* [n] what waits for delivery (the calling thread's) */
    int64_t limit;       /* every window below this is complete in `ready` */
    /* the window being delivered: [n] each */
    ictus_frame *window;
    int *present;
    uint32_t *artefact;
    const char **text;
    size_t *text_len;
    ictus_frame_format_fn format;
    void *format_ctx;

    /* worker pool (with threads) */
    int n_workers;           /* the thread count - 1, or 0 */
    pthread_t *threads;
    pthread_mutex_t lock;
    pthread_cond_t changed;  /* a block published, a task done, or quit */
    int64_t published;       /* blocks read; block b is in slot b % n_slots */
    int64_t *done;           /* [n_groups] blocks group g has finished: its next is done[g] */
    bool *busy;              /* [n_groups] a thread runs group g's next task */
    int quit;
    int pool_started;
};

bool ictus_channel_analysable(const ictus_channel_info *ci, const ictus_settings *set)
{
    return ci->fs_hz >= set->min_fs_hz && (ci->is_voltage || ci->unit[0] == '\0');
}

static void queue_frame(void *ctx, const ictus_frame *frame)
{
    frame_queue *q = ctx;
    const ictus_analyzer *an = q->an;
    if (an->format) {
        ICTUS_GROW(q->text_len, q->n + 1, q->text_cap);
        size_t before = q->text.len;
        an->format(an->format_ctx, frame, &q->text);
        q->text_len[q->n] = q->text.len - before;
    }
    ICTUS_GROW(q->frames, q->n + 1, q->cap);
    q->frames[q->n++] = *frame;
}

ictus_status ictus_analyzer_create(ictus_source *src, const ictus_analyzer_options *opt,
                                   ictus_analyzer **out, ictus_error *err)
{
    *out = NULL;
    const ictus_recording_info *info = ictus_source_info(src);
    ictus_analyzer *an = ictus_xcalloc(1, sizeof *an);
    an->src = src;
    an->set = opt->set;
    an->source_index = ictus_xcalloc((size_t)info->n_channels + 1, sizeof(int));
    if (opt->channels) {
        for (int i = 0; i < opt->n_channels; i++) {
            int found = -1;
            for (int c = 0; c < info->n_channels && found < 0; c++)
                if (strcmp(info->channels[c].label, opt->channels[i]) == 0)
                    found = c;
            if (found < 0) {
                ictus_analyzer_destroy(an);
                return ictus_fail(err, ICTUS_ERR_CONFIG, "%s: no channel labelled '%s'",
                                  info->path, opt->channels[i]);
            }
            bool dup = false;
            for (int j = 0; j < an->n; j++)
                dup |= an->source_index[j] == found;
            if (!dup)
                an->source_index[an->n++] = found;
        }
    } else {
        for (int c = 0; c < info->n_channels; c++)
            if (ictus_channel_analysable(&info->channels[c], opt->set))
                an->source_index[an->n++] = c;
    }
    if (an->n == 0) {
        ictus_analyzer_destroy(an);
        return ictus_fail(err, ICTUS_ERR_CONFIG,
                          "%s: no EEG channel to analyse (none in a voltage unit at >= %g Hz)",
                          info->path, opt->set->min_fs_hz);
    }
    an->chains = ictus_xcalloc((size_t)an->n, sizeof(ictus_chain *));
    an->ready = ictus_xcalloc((size_t)an->n, sizeof(frame_queue));
    an->window = ictus_xcalloc((size_t)an->n, sizeof(ictus_frame));
    an->present = ictus_xcalloc((size_t)an->n, sizeof(int));
    an->artefact = ictus_xcalloc((size_t)an->n, sizeof(uint32_t));
    an->format = opt->format;
    an->format_ctx = opt->format_ctx;
    if (an->format) {
        an->text = ictus_xcalloc((size_t)an->n, sizeof(char *));
        an->text_len = ictus_xcalloc((size_t)an->n, sizeof(size_t));
    }
    for (int i = 0; i < an->n && an->format; i++)
        ictus_out_init_mem(&an->ready[i].text);
    for (int i = 0; i < an->n; i++) {
        const ictus_channel_info *ci = &info->channels[an->source_index[i]];
        ictus_status st = ictus_chain_create(opt->set, an->source_index[i], ci->fs_hz,
                                             &an->chains[i], err);
        if (st != ICTUS_OK) {
            char msg[sizeof err->msg];
            snprintf(msg, sizeof msg, "%s", err->msg);
            ictus_analyzer_destroy(an);
            return ictus_fail(err, st, "%s: channel '%s': %s", info->path, ci->label, msg);
        }
    }
    /* n_threads - 1 workers and the calling thread run the chains (see the
     * top of the file); one thread: all on the calling one */
    int threads = opt->n_threads > an->n ? an->n : opt->n_threads;
    an->n_workers = threads > 1 ? threads - 1 : 0;
    /* A task is a group of channels over a block, one group per thread: a
     * thread runs a group's IIR cascades side by side in SIMD lanes
     * (ictus_chain_push_lanes; the frames are the same either way), and
     * fewer lanes cost more CPU (the animal-day's 4 channels at -j 1, best
     * of 6 on a loaded machine: 1.69 s in one group of 4 lanes, 1.88 s in 2
     * groups of 2, 1.95 s in 4 of 1).  Any thread takes
     * any group's next block (next_task), so the groups move to whichever
     * thread is free while the calling thread reads. */
    an->n_groups = threads > 1 ? threads : 1;
    an->group_start = ictus_xcalloc((size_t)an->n_groups + 1, sizeof(int));
    for (int g = 0; g <= an->n_groups; g++)
        an->group_start[g] = (int)((int64_t)an->n * g / an->n_groups);
    an->done = ictus_xcalloc((size_t)an->n_groups, sizeof(int64_t));
    an->busy = ictus_xcalloc((size_t)an->n_groups, sizeof(bool));
    an->n_slots = an->n_workers ? MAX_SLOTS : 1;
    for (int s = 0; s < an->n_slots; s++) {
        slot *sl = &an->slots[s];
        sl->blk = ictus_block_create(src);
        sl->out = ictus_xcalloc((size_t)an->n, sizeof(frame_queue));
        sl->progress = ictus_xcalloc((size_t)an->n, sizeof(int64_t));
        for (int i = 0; i < an->n; i++) {
            sl->out[i].an = an;
            if (an->format)
                ictus_out_init_mem(&sl->out[i].text);
        }
    }
    *out = an;
    return ICTUS_OK;
}

int ictus_analyzer_channels(const ictus_analyzer *an)
{
    return an->n;
}

int ictus_analyzer_channel_index(const ictus_analyzer *an, int i)
{
    return an->source_index[i];
}

const ictus_chain *ictus_analyzer_chain(const ictus_analyzer *an, int i)
{
    return an->chains[i];
}

/* Run the chains of channel group g over slot sl's block, and note their
 * progress after it. */
static void process_group(ictus_analyzer *an, slot *sl, int g)
{
    enum { MAX_GROUP = 64 };
    const ictus_block *blk = sl->blk;
    int first = an->group_start[g], k = an->group_start[g + 1] - first;
    for (int i0 = first; i0 < first + k; i0 += MAX_GROUP) {
        int m = first + k - i0 < MAX_GROUP ? first + k - i0 : MAX_GROUP;
        const float *x[MAX_GROUP];
        const uint8_t *flags[MAX_GROUP];
        size_t n[MAX_GROUP];
        int64_t first_index[MAX_GROUP];
        void *ctx[MAX_GROUP];
        for (int j = 0; j < m; j++) {
            int c = an->source_index[i0 + j];
            x[j] = blk->samples[c];
            flags[j] = blk->flags[c];
            n[j] = (size_t)blk->n[c];
            first_index[j] = blk->first_index[c];
            ctx[j] = &sl->out[i0 + j];
        }
        ictus_chain_push_lanes(an->chains + i0, m, x, flags, n, first_index, queue_frame, ctx);
    }
    for (int i = first; i < first + k; i++)
        sl->progress[i] = ictus_chain_progress(an->chains[i]);
}

/* The task to run next: the group, free and with its next block read,
 * whose next block is oldest (the ring moves on only when every group is
 * done with its oldest block); -1 if none.  With the lock held. */
static int next_task(const ictus_analyzer *an)
{
    int best = -1;
    for (int g = 0; g < an->n_groups; g++)
        if (!an->busy[g] && an->done[g] < an->published &&
            (best < 0 || an->done[g] < an->done[best]))
            best = g;
    return best;
}

/* Run group g's next task; with the lock held, released meanwhile. */
static void run_task(ictus_analyzer *an, int g)
{
    int64_t b = an->done[g];
    an->busy[g] = true;
    pthread_mutex_unlock(&an->lock);
    process_group(an, &an->slots[b % an->n_slots], g);
    pthread_mutex_lock(&an->lock);
    an->busy[g] = false;
    an->done[g] = b + 1;
    pthread_cond_broadcast(&an->changed);
}

/* A worker: tasks until quit. */
static void *worker_main(void *arg)
{
    ictus_analyzer *an = arg;
    pthread_mutex_lock(&an->lock);
    while (!an->quit) {
        int g = next_task(an);
        if (g < 0)
            pthread_cond_wait(&an->changed, &an->lock);
        else
            run_task(an, g);
    }
    pthread_mutex_unlock(&an->lock);
    return NULL;
}

static void start_pool(ictus_analyzer *an)
{
    pthread_mutex_init(&an->lock, NULL);
    pthread_cond_init(&an->changed, NULL);
    an->threads = ictus_xcalloc((size_t)an->n_workers, sizeof(pthread_t));
    for (int t = 0; t < an->n_workers; t++)
        if (pthread_create(&an->threads[t], NULL, worker_main, an) != 0)
            abort();
    an->pool_started = 1;
}

static void stop_pool(ictus_analyzer *an)
{
    if (!an->pool_started)
        return;
    pthread_mutex_lock(&an->lock);
    an->quit = 1;
    pthread_cond_broadcast(&an->changed);
    pthread_mutex_unlock(&an->lock);
    for (int t = 0; t < an->n_workers; t++)
        pthread_join(an->threads[t], NULL);
    free(an->threads);
    pthread_cond_destroy(&an->changed);
    pthread_mutex_destroy(&an->lock);
    an->pool_started = 0;
}

/* Hand blocks [0, n) to the workers. */
static void publish(ictus_analyzer *an, int64_t n)
{
    pthread_mutex_lock(&an->lock);
    an->published = n;
    pthread_cond_broadcast(&an->changed);
    pthread_mutex_unlock(&an->lock);
}

/* Run tasks (the calling thread) or wait until every group is done with
 * block b. */
static void finish_block(ictus_analyzer *an, int64_t b)
{
    pthread_mutex_lock(&an->lock);
    for (;;) {
        bool complete = true;
        for (int g = 0; g < an->n_groups; g++)
            complete &= an->done[g] > b;
        if (complete)
            break;
        int g = next_task(an);
        if (g < 0)
            pthread_cond_wait(&an->changed, &an->lock);
        else
            run_task(an, g);
    }
    pthread_mutex_unlock(&an->lock);
}

/* Trade the buffers of two queues (their frames, text and text lengths). */
static void swap_buffers(frame_queue *a, frame_queue *b)
{
    frame_queue t = *a;
    a->frames = b->frames, a->n = b->n, a->cap = b->cap;
    a->text = b->text, a->text_len = b->text_len, a->text_cap = b->text_cap;
    b->frames = t.frames, b->n = t.n, b->cap = t.cap;
    b->text = t.text, b->text_len = t.text_len, b->text_cap = t.text_cap;
}

/* Append what one channel's chain made (queue w, emptied) to `ready`: when
 * `ready` holds nothing (every window delivered, as usual when the
 * channels keep pace), by trading buffers rather than copying. */
static void take_frames(ictus_analyzer *an, frame_queue *w, frame_queue *r)
{
    if (w->n == 0)
        return;
    if (r->n == 0) {
        swap_buffers(w, r);
        return;
    }
    ICTUS_GROW(r->frames, r->n + w->n, r->cap);
    memcpy(r->frames + r->n, w->frames, w->n * sizeof(ictus_frame));
    if (an->format) {
        ICTUS_GROW(r->text_len, r->n + w->n, r->text_cap);
        memcpy(r->text_len + r->n, w->text_len, w->n * sizeof(size_t));
        ictus_out_raw(&r->text, w->text.buf, w->text.len);
        ictus_out_consume(&w->text, w->text.len);
    }
    r->n += w->n;
    w->n = 0;
}

/* After every group is done with slot sl's block (no worker touches it):
 * its frames to `ready`, and `limit` from the chains' progress after it. */
static void collect(ictus_analyzer *an, slot *sl)
{
    an->limit = INT64_MAX;
    for (int i = 0; i < an->n; i++) {
        if (sl->progress[i] < an->limit)
            an->limit = sl->progress[i];
        take_frames(an, &sl->out[i], &an->ready[i]);
    }
}

/* Deliver every window below `limit` waiting in `ready`, in increasing
 * order, each with every channel's frame of it. */
static void deliver(ictus_analyzer *an, ictus_window_fn fn, void *ctx)
{
    for (;;) {
        int64_t k = an->limit;
        for (int i = 0; i < an->n; i++) {
            frame_queue *q = &an->ready[i];
            if (q->head < q->n && q->frames[q->head].window < k)
                k = q->frames[q->head].window;
        }
        if (k == an->limit)
            break;
        for (int i = 0; i < an->n; i++) {
            frame_queue *q = &an->ready[i];
            an->present[i] = q->head < q->n && q->frames[q->head].window == k;
            an->artefact[i] = 0;
            if (!an->present[i])
                continue;
            if (an->format) {
                an->text[i] = q->text.buf + q->text_head;
                an->text_len[i] = q->text_len[q->head];
                q->text_head += an->text_len[i];
            }
            an->window[i] = q->frames[q->head++];
            an->artefact[i] = an->window[i].artefact;
        }
        ictus_window_frames w = {.window = k, .n_channels = an->n, .present = an->present,
                                 .frames = an->window, .artefact = an->artefact,
                                 .text = an->text, .text_len = an->text_len};
        fn(ctx, &w);
    }
    for (int i = 0; i < an->n; i++) {
        frame_queue *q = &an->ready[i];
        if (q->head == 0)
            continue;
        memmove(q->frames, q->frames + q->head, (q->n - q->head) * sizeof(ictus_frame));
        if (an->format) {
            memmove(q->text_len, q->text_len + q->head, (q->n - q->head) * sizeof(size_t));
            ictus_out_consume(&q->text, q->text_head);
            q->text_head = 0;
        }
        q->n -= q->head;
        q->head = 0;
    }
}

/* Read the next block into slot sl; *end when there is none. */
static ictus_status read_block(ictus_analyzer *an, slot *sl, bool *end, ictus_error *err)
{
    ictus_status st = ictus_source_read(an->src, sl->blk, err);
    *end = st != ICTUS_OK || ictus_block_empty(sl->blk);
    return st;
}

ictus_status ictus_analyzer_run(ictus_analyzer *an, ictus_window_fn fn, void *ctx,
                                ictus_error *err)
{
    bool threaded = an->n_workers > 0, end = false;
    if (threaded)
        start_pool(an);
    an->limit = INT64_MIN;
    int64_t read = 0, collected = 0; /* blocks read, and collected */
    ictus_status st = ICTUS_OK;
    while (!end && read < an->n_slots) { /* each block to the workers as soon as read */
        st = read_block(an, &an->slots[read], &end, err);
        if (!end) {
            read++;
            if (threaded)
                publish(an, read);
        }
    }
    while (collected < read) {
        slot *sl = &an->slots[collected % an->n_slots];
        if (threaded) {
            finish_block(an, collected);
        } else {
            for (int g = 0; g < an->n_groups; g++)
                process_group(an, sl, g);
        }
        collect(an, sl);
        collected++;
        if (!end) { /* into the slot just emptied */
            st = read_block(an, &an->slots[read % an->n_slots], &end, err);
            if (!end) {
                read++;
                if (threaded)
                    publish(an, read);
            }
        }
        deliver(an, fn, ctx);
    }
    stop_pool(an);
    /* the chains' last frames, through the (now free) first slot */
    slot *last = &an->slots[0];
    for (int i = 0; i < an->n; i++) {
        if (st == ICTUS_OK)
            ictus_chain_finish(an->chains[i], queue_frame, &last->out[i]);
        last->progress[i] = ictus_chain_progress(an->chains[i]);
    }
    collect(an, last);
    deliver(an, fn, ctx);
    return st;
}

void ictus_analyzer_destroy(ictus_analyzer *an)
{
    if (!an)
        return;
    stop_pool(an);
    for (int i = 0; an->chains && i < an->n; i++)
        ictus_chain_destroy(an->chains[i]);
    ictus_error ignored; /* in memory: nothing to fail */
    for (int i = 0; an->ready && i < an->n; i++) {
        free(an->ready[i].frames);
        free(an->ready[i].text_len);
        ictus_out_close(&an->ready[i].text, &ignored);
    }
    for (int s = 0; s < an->n_slots; s++) {
        slot *sl = &an->slots[s];
        for (int i = 0; i < an->n; i++) {
            free(sl->out[i].frames);
            free(sl->out[i].text_len);
            ictus_out_close(&sl->out[i].text, &ignored);
        }
        free(sl->out);
        free(sl->progress);
        ictus_block_destroy(sl->blk);
    }
    free(an->chains);
    free(an->ready);
    free(an->window);
    free(an->present);
    free(an->artefact);
    free(an->text);
    free(an->text_len);
    free(an->source_index);
    free(an->group_start);
    free(an->done);
    free(an->busy);
    free(an);
}
