/* pool.c: worker threads over a list of files, outcomes queued in completion order.
 *
 * Memory is bounded by the number of workers, not of files: outcomes live in
 * POOL_SLOTS_PER_WORKER slots per worker.  A worker takes a free slot with
 * its file and waits for one when none is free (the storing thread is
 * behind), so at most that many outcomes, with their detections, are held
 * at once, however many files the run has. */
#include "nightly/pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nightly/submission.h"

/* Outcome slots per worker: one being worked on, one waiting to be stored. */
#define POOL_SLOTS_PER_WORKER 2

struct run_pool {
    const run_work_context *ctx;
    const run_file *const *files;
    int n_files;
    int n_slots;
    run_outcome *slots;     /* [n_slots] */
    int *free_slots;        /* a stack of the slots neither worked on nor waiting */
    int n_free;
    int *finished;          /* [n_slots]: a ring of the finished slots, in completion order */
    int n_finished, n_taken; /* counts of files finished and handed over */
    int next;               /* next file to hand out */
    bool stopping;
    pthread_mutex_t mu;
    pthread_cond_t done;    /* signalled when a file finishes */
    pthread_cond_t freed;   /* signalled when a slot is free again, and on stopping */
    int n_threads;
    pthread_t *threads;
};

static void *worker(void *arg)
{
    run_pool *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (!p->stopping && p->next < p->n_files && p->n_free == 0)
            pthread_cond_wait(&p->freed, &p->mu);
        int i = p->stopping || p->next >= p->n_files ? -1 : p->next++;
        int slot = i < 0 ? -1 : p->free_slots[--p->n_free];
        pthread_mutex_unlock(&p->mu);
        if (i < 0)
            return NULL;
        if (p->ctx->submission)
            run_submission_outcome(p->ctx->submission, p->files[i], &p->slots[slot]);
        else
            run_work_file(p->ctx, p->files[i], &p->slots[slot]);
        pthread_mutex_lock(&p->mu);
        p->finished[p->n_finished++ % p->n_slots] = slot;
        pthread_cond_signal(&p->done);
        pthread_mutex_unlock(&p->mu);
    }
}

run_pool *run_pool_start(const run_work_context *ctx, const run_file *const *files, int n,
                         int n_workers)
{
    run_pool *p = ictus_xcalloc(1, sizeof *p);
    p->ctx = ctx;
    p->files = files;
    p->n_files = n;
    p->n_slots = POOL_SLOTS_PER_WORKER * n_workers;
    p->slots = ictus_xcalloc((size_t)p->n_slots, sizeof *p->slots);
    p->free_slots = ictus_xcalloc((size_t)p->n_slots, sizeof *p->free_slots);
    for (int k = p->n_slots - 1; k >= 0; k--)
        p->free_slots[p->n_free++] = k;
    p->finished = ictus_xcalloc((size_t)p->n_slots, sizeof *p->finished);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->done, NULL);
    pthread_cond_init(&p->freed, NULL);
    p->threads = ictus_xcalloc((size_t)n_workers, sizeof *p->threads);
    for (int t = 0; t < n_workers; t++) {
        if (pthread_create(&p->threads[t], NULL, worker, p) != 0) {
            if (t == 0) { /* no thread at all: nothing would ever finish */
                fprintf(stderr, "ictus: cannot start a worker thread\n");
                abort();
            }
            break;
        }
        p->n_threads++;
    }
    return p;
}

bool run_pool_next(run_pool *p, int timeout_ms, run_outcome *out, bool *all_done)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += timeout_ms / 1000;
    deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
    if (deadline.tv_nsec >= 1000000000) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000;
    }
    pthread_mutex_lock(&p->mu);
    int rc = 0;
    /* once stopping, the files handed out are all there will be */
    while (p->n_taken == p->n_finished && p->n_taken < (p->stopping ? p->next : p->n_files) &&
           rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&p->done, &p->mu, &deadline);
    bool got = p->n_taken < p->n_finished;
    if (got) {
        int slot = p->finished[p->n_taken++ % p->n_slots];
        *out = p->slots[slot];
        memset(&p->slots[slot], 0, sizeof p->slots[slot]);
        p->free_slots[p->n_free++] = slot;
        pthread_cond_signal(&p->freed);
    }
    *all_done = p->n_taken == (p->stopping ? p->next : p->n_files);
    pthread_mutex_unlock(&p->mu);
    return got;
}

void run_pool_cancel(run_pool *p)
{
    pthread_mutex_lock(&p->mu);
    p->stopping = true;
    pthread_cond_broadcast(&p->freed);
    pthread_mutex_unlock(&p->mu);
}

void run_pool_stop(run_pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stopping = true;
    pthread_cond_broadcast(&p->freed);
    pthread_mutex_unlock(&p->mu);
    for (int t = 0; t < p->n_threads; t++)
        pthread_join(p->threads[t], NULL);
    for (int k = 0; k < p->n_slots; k++) /* outcomes not taken; taken ones are zeroed */
        run_outcome_clear(&p->slots[k]);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->done);
    pthread_cond_destroy(&p->freed);
    free(p->threads);
    free(p->slots);
    free(p->free_slots);
    free(p->finished);
    free(p);
}
