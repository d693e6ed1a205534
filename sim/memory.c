/* memory.c: large arrays in transparent huge pages (see memory.h). */
#define _DEFAULT_SOURCE /* madvise, MADV_HUGEPAGE */
#include "memory.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

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

void sim_heap_start(void)
{
#if defined(__GLIBC__) && defined(MADV_HUGEPAGE) && !defined(__SANITIZE_ADDRESS__)
    enum { PAGE = 4096, SPAN = 16 << 20 };
    mallopt(M_MMAP_THRESHOLD, 32 << 20); /* blocks up to 32 MiB come from the heap too */
    mallopt(M_TRIM_THRESHOLD, 64 << 20); /* and stay there when freed */
    mallopt(M_TOP_PAD, SPAN);            /* the heap grows 16 MiB at a time */
    /* The heap's first top (about 132 KiB that libc's start-up began)
     * would serve the first small blocks in 4 KiB pages, a fault each (a
     * third of a small run's faults): taken whole by a block that is never
     * touched, so they come from the huge pages below. */
    static void *volatile first_top;
    const size_t top = mallinfo2().keepcost;
    if (top > 4 * PAGE) first_top = malloc(top - 2 * PAGE);
    (void)first_top; /* kept (reachable, never freed), not read */
    /* A page of a 2 MiB range touched before its advice makes that range
     * fault in 4 KiB pages, and malloc writes a header at the start of the
     * heap's new top and after each block.  So: the break moves to one page
     * before a 2 MiB boundary (glibc takes a break moved by someone else as
     * the start of its new top: the header goes in that page), the heap
     * grows by one block of SPAN + 1 MiB (the header after it lands beyond
     * the advised range), and the advice covers the untouched SPAN between. */
    const uintptr_t lo = (uintptr_t)sbrk(0);
    if (lo == (uintptr_t)-1) return;
    const uintptr_t a = (lo + PAGE + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
    if (sbrk((intptr_t)(a - PAGE - lo)) == (void *)-1) return;
    void *volatile p = malloc(SPAN + (1 << 20)); /* volatile: the pair is kept */
    free(p); /* back into the top: below the trim threshold */
    (void)madvise((void *)a, SPAN, MADV_HUGEPAGE); /* advice: its failure changes nothing */
#endif
}
