/* vec.c: the growable array's growth rule. */
#include "base/vec.h"

#include <stdint.h>

#include "base/status.h"

size_t ictus_grown_capacity(size_t cap, size_t need)
{
    size_t c = cap < 8 ? 8 : cap;
    while (c < need) {
        if (c > SIZE_MAX / 2)
            return need;
        c *= 2;
    }
    return c;
}

void ictus_reserve(void **items, size_t item_size, size_t need, size_t *cap)
{
    if (need <= *cap)
        return;
    size_t c = ictus_grown_capacity(*cap, need);
    if (item_size && c > SIZE_MAX / item_size)
        ictus_xrealloc(*items, SIZE_MAX); /* aborts: the size cannot be represented */
    *items = ictus_xrealloc(*items, c * item_size);
    *cap = c;
}
