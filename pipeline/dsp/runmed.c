/* runmed.c: the running median of the last W values (two indexed heaps).
 *
 * The values held are split in two heaps: `lo`, a max-heap of the smaller
 * half, and `hi`, a min-heap of the larger half, with every value of lo <=
 * every value of hi and lo holding as many values as hi or one more.  The
 * median is then lo's top (odd count) or the mean of both tops (even), the
 * same values the sorted array of the last W values has at its middle.
 *
 * Each value is held with its ring slot (its arrival index modulo W), and
 * pos[slot] says where it sits: index i of lo as i, of hi as -1 - i.  When W
 * values are held, the push overwrites the oldest value in place (its slot
 * is the next one round the ring) and sifts it, swapping it with the other
 * heap's top when it crosses the middle: both heaps keep their sizes, so a
 * push costs O(log W) and the median O(1).  Measured no faster
 * (tests/bench_runmed, CPU time, 58 ns a push at W = 600): hi as a
 * max-heap of negated values with keys and slots in separate arrays (57
 * ns), 4-ary heaps (60 ns; 64 with the child picked without branches),
 * 3-ary (62 ns), and a bottom-up sift_down that runs to a leaf and then
 * up (72 ns).
 */
#include "pipeline/dsp/runmed.h"

#include <assert.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "base/status.h"

typedef struct {
    double v;
    int slot; /* ring slot: 0..w-1 */
} entry;

typedef struct {
    entry *e;
    int n;
    bool is_max; /* lo: the largest on top; hi: the smallest */
} heap;

struct ictus_runmed {
    int w;      /* capacity */
    int count;  /* values held */
    int oldest; /* slot of the oldest value (when count == w) */
    heap lo, hi;
    int *pos;   /* per slot: index in lo (>= 0) or -1 - index in hi */
};

ictus_runmed *ictus_runmed_create(int w)
{
    assert(w >= 1);
    ictus_runmed *rm = ictus_xcalloc(1, sizeof *rm);
    rm->w = w;
    /* A push before W values are held may leave one heap a value over half
     * until it is rebalanced: room for w / 2 + 2 in each. */
    size_t cap = (size_t)w / 2 + 2;
    rm->lo.e = ictus_xmalloc(cap * sizeof *rm->lo.e);
    rm->hi.e = ictus_xmalloc(cap * sizeof *rm->hi.e);
    rm->lo.is_max = true;
    rm->pos = ictus_xmalloc((size_t)w * sizeof *rm->pos);
    return rm;
}

void ictus_runmed_destroy(ictus_runmed *rm)
{
    if (!rm)
        return;
    free(rm->lo.e);
    free(rm->hi.e);
    free(rm->pos);
    free(rm);
}

/* Whether a belongs above b in h. */
static inline bool above(const heap *h, double a, double b)
{
    return h->is_max ? a > b : a < b;
}

/* Put x at index i of h and record where its slot is. */
static inline void place(ictus_runmed *rm, heap *h, int i, entry x)
{
    h->e[i] = x;
    rm->pos[x.slot] = h == &rm->lo ? i : -1 - i;
}

/* Move the entry at index i of h up while it belongs above its parent;
 * returns its new index. */
static int sift_up(ictus_runmed *rm, heap *h, int i)
{
    entry x = h->e[i];
    while (i > 0) {
        int parent = (i - 1) / 2;
        if (!above(h, x.v, h->e[parent].v))
            break;
        place(rm, h, i, h->e[parent]);
        i = parent;
    }
    place(rm, h, i, x);
    return i;
}

/* Move the entry at index i of h down while a child belongs above it.
 * (Picking the child without a branch was measured slower: the next load's
 * address then waits on the comparison, where a predicted branch runs
 * ahead.) */
static void sift_down(ictus_runmed *rm, heap *h, int i)
{
    entry x = h->e[i];
    for (;;) {
        int child = 2 * i + 1;
        if (child >= h->n)
            break;
        if (child + 1 < h->n && above(h, h->e[child + 1].v, h->e[child].v))
            child++;
        if (!above(h, h->e[child].v, x.v))
            break;
        place(rm, h, i, h->e[child]);
        i = child;
    }
    place(rm, h, i, x);
}

/* Restore h's order after the entry at index i changed from old to its
 * value: a value that now belongs above the old one can only rise, any
 * other only sink (the same moves as trying to rise first, without the
 * comparison that would fail). */
static void fix(ictus_runmed *rm, heap *h, int i, double old)
{
    if (above(h, h->e[i].v, old))
        sift_up(rm, h, i);
    else
        sift_down(rm, h, i);
}

static void heap_push(ictus_runmed *rm, heap *h, entry x)
{
    h->e[h->n++] = x;
    sift_up(rm, h, h->n - 1);
}

static entry heap_pop(ictus_runmed *rm, heap *h)
{
    entry top = h->e[0];
    if (--h->n > 0) {
        h->e[0] = h->e[h->n];
        sift_down(rm, h, 0);
    }
    return top;
}

/* Fewer than w values held: add x to its half, then even the halves. */
static void push_growing(ictus_runmed *rm, entry x)
{
    heap *lo = &rm->lo, *hi = &rm->hi;
    heap_push(rm, lo->n == 0 || x.v <= lo->e[0].v ? lo : hi, x);
    if (lo->n > hi->n + 1)
        heap_push(rm, hi, heap_pop(rm, lo));
    else if (hi->n > lo->n)
        heap_push(rm, lo, heap_pop(rm, hi));
}

/* Slot s's entry, at `at` in `own`, takes the top of `other`, which lies
 * beyond every value of `own` (so it can only rise there), and v takes the
 * top's place in `other`. */
static void trade_with_top(ictus_runmed *rm, heap *own, int at, heap *other, entry x)
{
    place(rm, own, at, other->e[0]);
    sift_up(rm, own, at);
    place(rm, other, 0, x);
    sift_down(rm, other, 0);
}

/* The value at `at` in h becomes v, which stays on h's side. */
static void replace_in(ictus_runmed *rm, heap *h, int at, double v)
{
    double old = h->e[at].v;
    h->e[at].v = v;
    fix(rm, h, at, old);
}

/* w values held: v replaces the value in slot s (the oldest). */
static void push_replacing(ictus_runmed *rm, int s, double v)
{
    heap *lo = &rm->lo, *hi = &rm->hi;
    int at = rm->pos[s];
    if (at >= 0) { /* s is in lo */
        if (hi->n > 0 && v > hi->e[0].v) /* v belongs in hi */
            trade_with_top(rm, lo, at, hi, (entry){v, s});
        else
            replace_in(rm, lo, at, v);
    } else { /* s is in hi, so lo is not empty */
        at = -1 - at;
        if (v < lo->e[0].v) /* v belongs in lo */
            trade_with_top(rm, hi, at, lo, (entry){v, s});
        else
            replace_in(rm, hi, at, v);
    }
}

void ictus_runmed_push(ictus_runmed *rm, double v)
{
    if (isnan(v))
        return;
    if (rm->count == rm->w) {
        push_replacing(rm, rm->oldest, v);
        rm->oldest = rm->oldest + 1 == rm->w ? 0 : rm->oldest + 1;
    } else {
        push_growing(rm, (entry){v, rm->count});
        rm->count++;
    }
}

double ictus_runmed_median(const ictus_runmed *rm)
{
    if (rm->count == 0)
        return NAN;
    if (rm->count % 2)
        return rm->lo.e[0].v;
    return 0.5 * (rm->lo.e[0].v + rm->hi.e[0].v);
}

int ictus_runmed_count(const ictus_runmed *rm)
{
    return rm->count;
}

void ictus_runmed_reset(ictus_runmed *rm)
{
    rm->count = 0;
    rm->oldest = 0;
    rm->lo.n = 0;
    rm->hi.n = 0;
}
