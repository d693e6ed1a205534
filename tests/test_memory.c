/* test_memory.c: sim/memory.c's heap set-up.  After sim_heap_start() a
 * block of a few MiB comes from the main heap in memory advised for huge
 * pages (the kernel's smaps says THPeligible), where glibc's defaults would
 * have given it a fresh mmap of 4 KiB pages.  Skipped where huge pages are
 * not given on advice (then the advice changes nothing). */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memory.h"

/* 1 when transparent huge pages are given on advice only ("madvise"). */
static int thp_on_advice(void)
{
    char mode[128] = "";
    FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
    if (!f) return 0;
    if (!fgets(mode, sizeof mode, f)) mode[0] = 0;
    fclose(f);
    return strstr(mode, "[madvise]") != NULL;
}

/* The THPeligible value of the mapping holding p, -1 if not found. */
static int thp_eligible(const void *p)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    cr_assert_not_null(f);
    char line[512];
    int inside = 0, eligible = -1;
    const uintptr_t a = (uintptr_t)p;
    while (fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' ')) {
            inside = a >= lo && a < hi;
        } else if (inside && sscanf(line, "THPeligible: %d", &eligible) == 1) {
            break;
        }
    }
    fclose(f);
    return eligible;
}

Test(memory, heap_blocks_are_advised_for_huge_pages)
{
#if defined(__SANITIZE_ADDRESS__)
    cr_skip_test("AddressSanitizer's allocator is not glibc's");
#endif
    if (!thp_on_advice()) cr_skip_test("transparent huge pages are not on advice here");
    sim_heap_start();
    char *p = malloc(4 << 20);
    cr_assert_not_null(p);
    memset(p, 1, 4 << 20);
    /* its start may share the page before the advised range with malloc's header */
    cr_expect_eq(thp_eligible(p + (2 << 20)), 1, "a 4 MiB block after sim_heap_start() is not in huge-page memory");
    free(p);
}
