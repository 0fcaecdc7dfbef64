/* analyzer.c: the multi-threaded recording → windows of frames driver.
 *
 * Per block, on the calling thread:
 *   1. hand block b to the workers (dispatch);
 *   2. deliver the windows that were complete before block b (the callback:
 *      writing CSV rows, detection) while the workers run the chains on b;
 *   3. read and decode block b + 1, then wait for the workers (with one
 *      thread there are none: it runs the chains on b itself first);
 *   4. when every channel is done with b, move the frames the workers queued
 *      (`work`) behind those still waiting (`ready`) and note up to which
 *      window every channel has passed (`limit`).
 * The callback thus never runs alone while the other cores wait, and it
 * only ever touches `ready`, which the workers never do.
 *
 * With n_threads > 1 there are n_threads workers (at most one per channel)
 * and the calling thread takes no channel: were it to take its share after
 * reading, as it once did, every block would end with the workers idle for
 * as long as the read and the callback took (on 2 cores, the calling thread
 * carried 65 % of the CPU and the worker 35 %, measured with perf).  Alone
 * with the reading, it shares the cores with the workers instead. */
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

struct ictus_analyzer {
    ictus_source *src;
    const ictus_settings *set;
    int n;               /* analysed channels */
    int n_groups;        /* tasks per block: channel groups [group_start[g], group_start[g + 1]) */
    int *group_start;    /* [n_groups + 1] */
    int *source_index;   /* [n] channel index in the source */
    ictus_chain **chains;
    frame_queue *work;   /* [n] what the chains produce during a block (the workers') */
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

    /* worker pool (n_threads > 1) */
    int n_threads;
    pthread_t *threads;
    pthread_mutex_t lock;
    pthread_cond_t work_ready, work_done;
    const ictus_block *block;  /* the block being processed */
    uint64_t generation;       /* bumped for each new block */
    int next_task;             /* next channel group to take */
    int tasks_done;
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
    an->work = ictus_xcalloc((size_t)an->n, sizeof(frame_queue));
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
    for (int i = 0; i < an->n; i++) {
        an->work[i].an = an;
        if (an->format) {
            ictus_out_init_mem(&an->work[i].text);
            ictus_out_init_mem(&an->ready[i].text);
        }
    }
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
    /* n_threads workers run the chains while the calling thread reads and
     * delivers (see the top of the file); one thread: all on the calling one */
    int threads = opt->n_threads > an->n ? an->n : opt->n_threads;
    an->n_threads = threads > 1 ? threads : 0;
    /* A task is a group of channels, one group per worker: a thread that
     * owns several channels runs their IIR cascades side by side in SIMD
     * lanes (ictus_chain_push_lanes); the frames are the same either way. */
    an->n_groups = threads > 1 ? threads : 1;
    an->group_start = ictus_xcalloc((size_t)an->n_groups + 1, sizeof(int));
    for (int g = 0; g <= an->n_groups; g++)
        an->group_start[g] = (int)((int64_t)an->n * g / an->n_groups);
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

/* Run the chains of channel group g over the current block. */
static void process_group(ictus_analyzer *an, const ictus_block *blk, int g)
{
    enum { MAX_GROUP = 64 };
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
            ctx[j] = &an->work[i0 + j];
        }
        ictus_chain_push_lanes(an->chains + i0, m, x, flags, n, first_index, queue_frame, ctx);
    }
}

/* Take channel tasks of the current block until none is left; called with
 * the lock held, returns with it held. */
static void take_tasks(ictus_analyzer *an)
{
    while (an->next_task < an->n_groups) {
        int g = an->next_task++;
        const ictus_block *blk = an->block;
        pthread_mutex_unlock(&an->lock);
        process_group(an, blk, g);
        pthread_mutex_lock(&an->lock);
        if (++an->tasks_done == an->n_groups)
            pthread_cond_signal(&an->work_done);
    }
}

static void *worker_main(void *arg)
{
    ictus_analyzer *an = arg;
    uint64_t seen = 0;
    pthread_mutex_lock(&an->lock);
    for (;;) {
        while (!an->quit && an->generation == seen)
            pthread_cond_wait(&an->work_ready, &an->lock);
        if (an->quit)
            break;
        seen = an->generation;
        take_tasks(an);
    }
    pthread_mutex_unlock(&an->lock);
    return NULL;
}

static void start_pool(ictus_analyzer *an)
{
    pthread_mutex_init(&an->lock, NULL);
    pthread_cond_init(&an->work_ready, NULL);
    pthread_cond_init(&an->work_done, NULL);
    an->threads = ictus_xcalloc((size_t)an->n_threads, sizeof(pthread_t));
    for (int t = 0; t < an->n_threads; t++)
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
    pthread_cond_broadcast(&an->work_ready);
    pthread_mutex_unlock(&an->lock);
    for (int t = 0; t < an->n_threads; t++)
        pthread_join(an->threads[t], NULL);
    free(an->threads);
    pthread_cond_destroy(&an->work_ready);
    pthread_cond_destroy(&an->work_done);
    pthread_mutex_destroy(&an->lock);
    an->pool_started = 0;
}

static void dispatch(ictus_analyzer *an, const ictus_block *blk)
{
    pthread_mutex_lock(&an->lock);
    an->block = blk;
    an->next_task = 0;
    an->tasks_done = 0;
    an->generation++;
    pthread_cond_broadcast(&an->work_ready);
    pthread_mutex_unlock(&an->lock);
}

/* Wait for the workers to be done with the block. */
static void wait_block(ictus_analyzer *an)
{
    pthread_mutex_lock(&an->lock);
    while (an->tasks_done < an->n_groups)
        pthread_cond_wait(&an->work_done, &an->lock);
    pthread_mutex_unlock(&an->lock);
}

/* After a block (no worker running): append each channel's new frames and
 * their text to `ready`, and set `limit` from the chains' progress. */
static void collect(ictus_analyzer *an)
{
    an->limit = INT64_MAX;
    for (int i = 0; i < an->n; i++) {
        int64_t p = ictus_chain_progress(an->chains[i]);
        if (p < an->limit)
            an->limit = p;
        frame_queue *w = &an->work[i], *r = &an->ready[i];
        if (w->n == 0)
            continue;
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

static bool block_empty(const ictus_block *blk)
{
    for (int c = 0; c < blk->n_channels; c++)
        if (blk->n[c] > 0)
            return false;
    return true;
}

ictus_status ictus_analyzer_run(ictus_analyzer *an, ictus_window_fn fn, void *ctx,
                                ictus_error *err)
{
    ictus_block *blk[2] = {ictus_block_create(an->src), ictus_block_create(an->src)};
    bool threaded = an->n_threads > 0;
    if (threaded)
        start_pool(an);
    ictus_status st = ictus_source_read(an->src, blk[0], err);
    int cur = 0;
    an->limit = INT64_MIN;
    while (st == ICTUS_OK && !block_empty(blk[cur])) {
        if (threaded)
            dispatch(an, blk[cur]);
        deliver(an, fn, ctx); /* the windows complete before this block */
        if (threaded) {
            st = ictus_source_read(an->src, blk[1 - cur], err);
            wait_block(an);
        } else {
            for (int g = 0; g < an->n_groups; g++)
                process_group(an, blk[cur], g);
            st = ictus_source_read(an->src, blk[1 - cur], err);
        }
        collect(an);
        cur = 1 - cur;
    }
    stop_pool(an);
    if (st == ICTUS_OK) {
        for (int i = 0; i < an->n; i++)
            ictus_chain_finish(an->chains[i], queue_frame, &an->work[i]);
    }
    collect(an);
    deliver(an, fn, ctx);
    ictus_block_destroy(blk[0]);
    ictus_block_destroy(blk[1]);
    return st;
}

void ictus_analyzer_destroy(ictus_analyzer *an)
{
    if (!an)
        return;
    stop_pool(an);
    for (int i = 0; an->chains && i < an->n; i++)
        ictus_chain_destroy(an->chains[i]);
    for (int i = 0; an->work && i < an->n; i++) {
        frame_queue *queues[2] = {&an->work[i], &an->ready[i]};
        for (int j = 0; j < 2; j++) {
            free(queues[j]->frames);
            free(queues[j]->text_len);
            ictus_error ignored; /* in memory: nothing to fail */
            ictus_out_close(&queues[j]->text, &ignored);
        }
    }
    free(an->chains);
    free(an->work);
    free(an->ready);
    free(an->window);
    free(an->present);
    free(an->artefact);
    free(an->text);
    free(an->text_len);
    free(an->source_index);
    free(an->group_start);
    free(an);
}
