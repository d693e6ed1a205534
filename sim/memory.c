/* memory.c: large arrays in transparent huge pages (see memory.h). */
#define _DEFAULT_SOURCE /* madvise, MADV_HUGEPAGE */
#include "memory.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

enum { HUGE_PAGE = 2 << 20 };

enum { CACHE_LINE = 64 };

void *sim_alloc_large(size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size) return NULL;
    size_t bytes = count * size;
    if (bytes > SIZE_MAX - HUGE_PAGE) return NULL;
    if (bytes < HUGE_PAGE) /* on whole cache lines (threads never share one across arrays) */
        return aligned_alloc(CACHE_LINE, bytes > 0 ? (bytes + CACHE_LINE - 1) / CACHE_LINE * CACHE_LINE : CACHE_LINE);
    size_t rounded = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
    void *p = aligned_alloc(HUGE_PAGE, rounded);
#ifdef MADV_HUGEPAGE
    if (p) madvise(p, rounded, MADV_HUGEPAGE); /* advice: its failure changes nothing */
#endif
    return p;
}

void *sim_calloc_large(size_t count, size_t size)
{
    void *p = sim_alloc_large(count, size);
    if (p) memset(p, 0, count * size);
    return p;
}
