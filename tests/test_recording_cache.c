/* test_recording_cache.c: the review server's open recordings (review/recording_cache.h).
 *
 * Proves, with open sources as the items, on small EDF files in a scratch
 * directory:
 *   - a second borrow of the same (path, key) reuses the open source (no
 *     open), another key opens another;
 *   - two borrows at once of one (path, key) get two different sources;
 *   - a file rewritten (other size), or only touched (other mtime), is
 *     reopened, and the new source reads the new file; one changed while it
 *     was being opened is lent but not kept; a deleted file is
 *     ICTUS_ERR_IO naming it, and its descriptor is let go at that borrow;
 *   - at most `capacity` sources stay open: the least recently used goes
 *     first (borrowing it again opens it), the most recent stays;
 *   - four threads borrowing three files 200 times each never share a
 *     source and always get the file they asked for.
 */
#include <assert.h>
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/path.h"
#include "pipeline/source/source.h"
#include "review/recording_cache.h"
#include "tests/check.h"
#include "tests/support_edf.h"
#include "tests/support_tmp.h"

static ictus_status open_plain(void *ctx, const char *path, void **item, ictus_error *err)
{
    (void)ctx;
    ictus_source *src;
    ictus_status st = ictus_source_open(path, NULL, &src, err);
    if (st == ICTUS_OK)
        *item = src;
    return st;
}

/* Opens, and changes the file's modification time meanwhile (a writer at work). */
static ictus_status open_while_touched(void *ctx, const char *path, void **item, ictus_error *err)
{
    struct timespec times[2] = {{.tv_nsec = UTIME_OMIT}, {.tv_sec = *(long *)ctx}};
    utimensat(AT_FDCWD, path, times, 0);
    return open_plain(NULL, path, item, err);
}

static void close_source(void *src)
{
    ictus_source_close(src);
}

/* Write an EDF of `records` 1-s records (2 channels, 10 Hz) at dir/name; its real path into real. */
static void write_edf(const char *dir, const char *name, int records, char *real)
{
    support_edf_image img = support_edf_make(2, 10, records, "", 0);
    CHECK(support_edf_write_file(support_path(dir, name), img.bytes, img.size));
    free(img.bytes);
    CHECK(realpath(support_path(dir, name), real) != NULL);
}

static int open_fds(void)
{
    int n = 0;
    DIR *d = opendir("/proc/self/fd");
    for (struct dirent *e; d && (e = readdir(d));)
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
    return n;
}

static ictus_source *borrow(ictus_recording_cache *c, const char *path, const char *key)
{
    void *src = NULL;
    ictus_error err = {0};
    CHECK_MSG(ictus_recording_cache_borrow(c, path, key, open_plain, NULL, &src, &err) == ICTUS_OK,
              "borrow %s: %s", path, err.msg);
    return src;
}

/* ---- threads ---- */
#define N_THREADS 4
#define ROUNDS 200
/* A slot for every source the threads could ever be lent (each borrow may open
 * one: under ASan freed memory is not reused soon, so each has an address of
 * its own), so that two sources never share a slot. */
#define N_SLOTS (N_THREADS * ROUNDS)
typedef struct {
    ictus_recording_cache *cache;
    const char *paths[3];
    atomic_int in_use[N_SLOTS]; /* by slot: sources seen, marked while borrowed */
    void *seen[N_SLOTS];
    atomic_int n_seen, shared, wrong;
    pthread_mutex_t lock;
} shared_state;

static int slot_of(shared_state *s, void *src)
{
    pthread_mutex_lock(&s->lock);
    int n = atomic_load(&s->n_seen), i = 0;
    while (i < n && s->seen[i] != src)
        i++;
    assert(i < N_SLOTS); /* at most one source per borrow */
    if (i == n) {
        s->seen[n] = src;
        atomic_store(&s->n_seen, n + 1);
    }
    pthread_mutex_unlock(&s->lock);
    return i;
}

typedef struct {
    shared_state *s;
    int index;
} worker_arg;

static void *worker(void *arg)
{
    shared_state *s = ((worker_arg *)arg)->s;
    int index = ((worker_arg *)arg)->index;
    for (int r = 0; r < ROUNDS; r++) {
        const char *path = s->paths[(r + index) % 3];
        void *src;
        ictus_error err;
        if (ictus_recording_cache_borrow(s->cache, path, "k", open_plain, NULL, &src, &err) !=
            ICTUS_OK) {
            atomic_fetch_add(&s->wrong, 1);
            continue;
        }
        int slot = slot_of(s, src);
        if (atomic_fetch_add(&s->in_use[slot], 1) != 0)
            atomic_fetch_add(&s->shared, 1);
        if (strcmp(ictus_source_info(src)->path, path))
            atomic_fetch_add(&s->wrong, 1);
        atomic_fetch_sub(&s->in_use[slot], 1);
        ictus_recording_cache_give_back(s->cache, src);
    }
    return NULL;
}

int main(void)
{
    char *dir = support_tmpdir("reccache");
    char a[ICTUS_PATH_MAX], b[ICTUS_PATH_MAX], c[ICTUS_PATH_MAX];
    write_edf(dir, "a.edf", 3, a);
    write_edf(dir, "b.edf", 4, b);
    write_edf(dir, "c.edf", 5, c);
    ictus_recording_cache *cache = ictus_recording_cache_create(2, close_source);

    /* Reuse, and keys. */
    ictus_source *s1 = borrow(cache, a, "k");
    ictus_recording_cache_give_back(cache, s1);
    ictus_source *s2 = borrow(cache, a, "k");
    CHECK(s1 == s2);
    CHECK_INT(ictus_recording_cache_made(cache), 1);
    ictus_source *s3 = borrow(cache, a, "other key");
    CHECK(s3 != s2);
    CHECK_INT(ictus_recording_cache_made(cache), 2);
    /* Borrowed at once: two sources. */
    ictus_source *s4 = borrow(cache, a, "k");
    CHECK(s4 != s2 && s4 != s3);
    CHECK_INT(ictus_recording_cache_made(cache), 3);
    ictus_recording_cache_give_back(cache, s2);
    ictus_recording_cache_give_back(cache, s3);
    ictus_recording_cache_give_back(cache, s4);

    /* Rewritten with another size: reopened, reading the new file. */
    write_edf(dir, "a.edf", 6, a);
    long before = ictus_recording_cache_made(cache);
    s1 = borrow(cache, a, "k");
    CHECK_INT(ictus_recording_cache_made(cache), before + 1);
    CHECK_INT(s1 ? ictus_source_info(s1)->n_records : -1, 6);
    ictus_recording_cache_give_back(cache, s1);
    /* Only touched (same size, a later mtime): reopened. */
    struct timespec later[2] = {{.tv_nsec = UTIME_OMIT}, {.tv_sec = 2000000000}};
    CHECK_INT(utimensat(AT_FDCWD, a, later, 0), 0);
    before = ictus_recording_cache_made(cache);
    ictus_recording_cache_give_back(cache, borrow(cache, a, "k"));
    CHECK_INT(ictus_recording_cache_made(cache), before + 1);
    /* Unchanged since: reused. */
    ictus_recording_cache_give_back(cache, borrow(cache, a, "k"));
    CHECK_INT(ictus_recording_cache_made(cache), before + 1);

    /* Changed while being opened: lent, not kept (the next borrow opens again). */
    long when = 2100000000;
    void *item;
    ictus_error terr = {0};
    CHECK_INT(ictus_recording_cache_borrow(cache, a, "w", open_while_touched, &when, &item, &terr),
              ICTUS_OK);
    ictus_recording_cache_give_back(cache, item);
    before = ictus_recording_cache_made(cache);
    ictus_recording_cache_give_back(cache, borrow(cache, a, "w"));
    CHECK_INT(ictus_recording_cache_made(cache), before + 1);
    ictus_recording_cache_give_back(cache, borrow(cache, a, "w"));
    CHECK_INT(ictus_recording_cache_made(cache), before + 1);

    /* Capacity 2: a, b, c in turn leaves b and c; a is opened again, c is not. */
    ictus_recording_cache_give_back(cache, borrow(cache, b, "k"));
    ictus_recording_cache_give_back(cache, borrow(cache, c, "k"));
    before = ictus_recording_cache_made(cache);
    ictus_recording_cache_give_back(cache, borrow(cache, c, "k"));
    CHECK_INT(ictus_recording_cache_made(cache), before);
    ictus_recording_cache_give_back(cache, borrow(cache, a, "k"));
    CHECK_INT(ictus_recording_cache_made(cache), before + 1);

    /* Deleted: an error naming it, and c's descriptor let go (a and c are cached now). */
    int fds = open_fds();
    CHECK_INT(unlink(c), 0);
    void *gone;
    ictus_error err = {0};
    CHECK_INT(ictus_recording_cache_borrow(cache, c, "k", open_plain, NULL, &gone, &err),
              ICTUS_ERR_IO);
    CHECK(gone == NULL);
    CHECK_MSG(strstr(err.msg, c) != NULL, "the error names the file: %s", err.msg);
    ictus_recording_cache_give_back(cache, borrow(cache, a, "k"));
    CHECK_INT(open_fds(), fds - 1);
    ictus_recording_cache_destroy(cache);

    /* Threads: never a source shared, always the file asked for. */
    write_edf(dir, "c.edf", 5, c);
    static shared_state s;
    s.cache = ictus_recording_cache_create(2, close_source);
    s.paths[0] = a;
    s.paths[1] = b;
    s.paths[2] = c;
    pthread_mutex_init(&s.lock, NULL);
    pthread_t t[N_THREADS];
    worker_arg args[N_THREADS];
    for (int i = 0; i < N_THREADS; i++) {
        args[i] = (worker_arg){&s, i};
        CHECK_INT(pthread_create(&t[i], NULL, worker, &args[i]), 0);
    }
    for (int i = 0; i < N_THREADS; i++)
        pthread_join(t[i], NULL);
    CHECK_INT(atomic_load(&s.shared), 0);
    CHECK_INT(atomic_load(&s.wrong), 0);
    CHECK_MSG(ictus_recording_cache_made(s.cache) < N_THREADS * ROUNDS,
              "sources reused across threads (%ld opens)", ictus_recording_cache_made(s.cache));
    ictus_recording_cache_destroy(s.cache);
    pthread_mutex_destroy(&s.lock);

    ictus_recording_cache_destroy(NULL);
    support_tmpdir_remove(dir);
    return check_done("test_recording_cache");
}
