/* memory.h: large arrays in transparent huge pages.
 *
 * On this project's virtual machines the first touch of fresh memory costs
 * about 25 us per 4 KiB page (the host backs guest memory lazily): 100-200
 * MB/s, so writing W2's 80 MB of ties the first time took 0.4-0.7 s, longer
 * than simulating on them.  Asked for with madvise(MADV_HUGEPAGE) (the
 * kernel's transparent_hugepage setting is "madvise" there), the same memory
 * comes in 2 MiB pages: 80 MB first touched in 10-50 ms, and fewer TLB
 * misses after.  Arrays below 2 MiB start on a cache line (64 bytes).
 * Where the kernel has no huge pages the advice is ignored and pages fault
 * in as before.
 *
 * Ownership: the caller frees what these return with free(). */
#ifndef SIM_MEMORY_H
#define SIM_MEMORY_H

#include <stddef.h>

/* count elements of size bytes, uninitialized; NULL when out of memory
 * (or when count * size overflows).  Never asks for 0 bytes. */
void *sim_alloc_large(size_t count, size_t size);

/* The same, zeroed (as calloc). */
void *sim_calloc_large(size_t count, size_t size);

/* Call first in main, before threads start: the main heap (glibc's) then
 * keeps what is freed, grows 16 MiB at a time and serves blocks up to
 * 32 MiB (not mmap), and its first 16 MiB are in transparent huge pages
 * (the small first top that libc's start-up began is set aside untouched,
 * so the first small blocks come from there too).
 * HDF5 callocs half a megabyte for every file it opens (its metadata
 * cache) and zlib a quarter for every stream: in 4 KiB pages these were
 * most of a small run's 500 page faults.  Does nothing without glibc or
 * under AddressSanitizer (whose allocator is not glibc's). */
void sim_heap_start(void);

#endif
