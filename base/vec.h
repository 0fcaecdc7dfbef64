/* vec.h: the one growable array: a pointer, a count and a capacity, grown by doubling.
 *
 * Any (pointer, count, capacity) triple of a struct or a function becomes a
 * growable array through ICTUS_GROW; there is no wrapper type, so existing
 * fields keep their names and their users stay as they are:
 *
 *     ICTUS_GROW(list->items, list->n + 1, list->cap);
 *     list->items[list->n++] = item;
 *
 * Capacities may be of any integer type.  Out of memory aborts with a message
 * (base/status.h); the pointer never becomes NULL.  Not thread-safe: one
 * array, one thread at a time.
 */
#ifndef ICTUS_VEC_H
#define ICTUS_VEC_H

#include <stddef.h>

/* The capacity an array of `cap` items grows to so that it holds `need`:
 * at least 8, doubled until it fits. */
size_t ictus_grown_capacity(size_t cap, size_t need);

/* Reallocate *items (item_size bytes each, capacity *cap) to hold at least
 * `need` items; a no-op when they already fit.  Contents are kept. */
void ictus_reserve(void **items, size_t item_size, size_t need, size_t *cap);

/* Make ptr (an array with capacity `cap`, an lvalue of any integer type)
 * hold at least `need` items, updating both. */
#define ICTUS_GROW(ptr, need, cap)                                                                 \
    do {                                                                                           \
        if ((size_t)(need) > (size_t)(cap)) {                                                      \
            size_t cap_ = (size_t)(cap);                                                           \
            void *items_ = (ptr);                                                                  \
            ictus_reserve(&items_, sizeof *(ptr), (size_t)(need), &cap_);                          \
            (ptr) = items_;                                                                        \
            (cap) = cap_;                                                                          \
        }                                                                                          \
    } while (0)

#endif
