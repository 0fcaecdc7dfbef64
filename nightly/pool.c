/* pool.c: worker threads over a list of files, outcomes queued in completion order. */
#include "nightly/pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct run_pool {
    const run_work_context *ctx;
    const run_file *const *files;
    int n_files;
    run_outcome *outcomes;  /* [n_files], by file index */
    int *finished;          /* [n_files]: file indices in completion order */
    int n_finished, n_taken;
    int next;               /* next file to hand out */
    bool stopping;
    pthread_mutex_t mu;
    pthread_cond_t done;    /* signalled when a file finishes */
    int n_threads;
    pthread_t *threads;
};

static void *worker(void *arg)
{
    run_pool *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        int i = p->stopping || p->next >= p->n_files ? -1 : p->next++;
        pthread_mutex_unlock(&p->mu);
        if (i < 0)
            return NULL;
        run_work_file(p->ctx, p->files[i], &p->outcomes[i]);
        pthread_mutex_lock(&p->mu);
        p->finished[p->n_finished++] = i;
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
    p->outcomes = ictus_xcalloc((size_t)n + 1, sizeof *p->outcomes);
    p->finished = ictus_xcalloc((size_t)n + 1, sizeof *p->finished);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->done, NULL);
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
        int i = p->finished[p->n_taken++];
        *out = p->outcomes[i];
        memset(&p->outcomes[i], 0, sizeof p->outcomes[i]);
    }
    *all_done = p->n_taken == (p->stopping ? p->next : p->n_files);
    pthread_mutex_unlock(&p->mu);
    return got;
}

void run_pool_cancel(run_pool *p)
{
    pthread_mutex_lock(&p->mu);
    p->stopping = true;
    pthread_mutex_unlock(&p->mu);
}

void run_pool_stop(run_pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stopping = true;
    pthread_mutex_unlock(&p->mu);
    for (int t = 0; t < p->n_threads; t++)
        pthread_join(p->threads[t], NULL);
    for (int i = 0; i < p->n_files; i++)
        run_outcome_clear(&p->outcomes[i]);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->done);
    free(p->threads);
    free(p->outcomes);
    free(p->finished);
    free(p);
}
