/* alloc_fail.c: the allocation wrappers the library's calls are redirected
 * to in the test binary, and the counter and tracking behind them (see
 * alloc_fail.h).  Tracking is an open-addressing hash set of live blocks
 * whose slots carry the generation of the alloc_fail_start that filled them,
 * so each start empties it at no cost.  A mutex guards it while armed (the
 * library may allocate from OpenMP threads); unarmed, the wrappers take no
 * lock. */
#include "alloc_fail.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

/* The wrappers (called instead of the real functions by the library only). */
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t count, size_t size);
void *__wrap_aligned_alloc(size_t alignment, size_t size);
void *__wrap_realloc(void *p, size_t size);
void __wrap_free(void *p);
char *__wrap_strdup(const char *s);
ssize_t __wrap_getline(char **line, size_t *cap, FILE *f);

#define SLOTS ((size_t)1 << 20)
#define TOMBSTONE ((uintptr_t)1)

typedef struct slot {
    uintptr_t p;   /* the address of a live block, TOMBSTONE for a freed one */
    unsigned gen;  /* the slot is empty unless gen is the current generation */
} slot;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int tracking; /* 1 between alloc_fail_start and alloc_fail_end */
static atomic_int armed;    /* 1 between alloc_fail_start and alloc_fail_disarm */
static slot *table;
static unsigned gen;
static size_t used;         /* slots of this generation, tombstones included */
static long live, count, fail_at;
static int persistent, fired, overflow;

static size_t slot_of(uintptr_t p)
{
    uint64_t x = (uint64_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return (size_t)x & (SLOTS - 1);
}

/* With the lock held: 1 if this allocation is to fail. */
static int count_one(void)
{
    if (!armed) return 0;
    count++;
    if (fail_at > 0 && (count == fail_at || (persistent && count > fail_at))) {
        fired = 1;
        return 1;
    }
    return 0;
}

static void track(uintptr_t p)
{
    if (used >= SLOTS / 2) {
        overflow = 1;
        return;
    }
    size_t i = slot_of(p);
    while (table[i].gen == gen && table[i].p != TOMBSTONE) i = (i + 1) & (SLOTS - 1);
    if (table[i].gen != gen) used++;
    table[i].p = p;
    table[i].gen = gen;
    live++;
}

static void untrack(uintptr_t p)
{
    for (size_t i = slot_of(p); table[i].gen == gen; i = (i + 1) & (SLOTS - 1))
        if (table[i].p == p) {
            table[i].p = TOMBSTONE;
            live--;
            return;
        }
}

/* 1 (lock taken) when the wrappers are to count or track. */
static int enter(void)
{
    if (!atomic_load_explicit(&tracking, memory_order_acquire)) return 0;
    pthread_mutex_lock(&lock);
    if (!tracking) {
        pthread_mutex_unlock(&lock);
        return 0;
    }
    return 1;
}

void *__wrap_malloc(size_t size)
{
    if (!enter()) return malloc(size);
    void *p = count_one() ? NULL : malloc(size);
    if (p) track((uintptr_t)p);
    else errno = ENOMEM;
    pthread_mutex_unlock(&lock);
    return p;
}

void *__wrap_aligned_alloc(size_t alignment, size_t size)
{
    if (!enter()) return aligned_alloc(alignment, size);
    void *p = count_one() ? NULL : aligned_alloc(alignment, size);
    if (p) track((uintptr_t)p);
    else errno = ENOMEM;
    pthread_mutex_unlock(&lock);
    return p;
}

void *__wrap_calloc(size_t n, size_t size)
{
    if (!enter()) return calloc(n, size);
    void *p = count_one() ? NULL : calloc(n, size);
    if (p) track((uintptr_t)p);
    else errno = ENOMEM;
    pthread_mutex_unlock(&lock);
    return p;
}

void *__wrap_realloc(void *p, size_t size)
{
    if (!enter()) return realloc(p, size);
    if (count_one()) {
        pthread_mutex_unlock(&lock);
        errno = ENOMEM;
        return NULL;
    }
    /* untracked first: p may be gone after realloc */
    if (p) untrack((uintptr_t)p);
    void *q = realloc(p, size);
    if (q) track((uintptr_t)q);
    else if (p && size > 0) track((uintptr_t)p); /* failed: p is still there */
    pthread_mutex_unlock(&lock);
    return q;
}

void __wrap_free(void *p)
{
    if (p && enter()) {
        untrack((uintptr_t)p);
        pthread_mutex_unlock(&lock);
    }
    free(p);
}

char *__wrap_strdup(const char *s)
{
    if (!enter()) return strdup(s);
    char *p = count_one() ? NULL : strdup(s);
    if (p) track((uintptr_t)p);
    else errno = ENOMEM;
    pthread_mutex_unlock(&lock);
    return p;
}

ssize_t __wrap_getline(char **line, size_t *cap, FILE *f)
{
    if (!enter()) return getline(line, cap, f);
    int fail = count_one();
    pthread_mutex_unlock(&lock);
    if (fail) {
        errno = ENOMEM;
        return -1;
    }
    uintptr_t old = (uintptr_t)*line;
    ssize_t len = getline(line, cap, f);
    if ((uintptr_t)*line != old && enter()) {
        if (old) untrack(old);
        if (*line) track((uintptr_t)*line);
        pthread_mutex_unlock(&lock);
    }
    return len;
}

void alloc_fail_free(void *p)
{
    __wrap_free(p);
}

void alloc_fail_start(long at, int persist)
{
    pthread_mutex_lock(&lock);
    if (!table && !(table = calloc(SLOTS, sizeof *table))) {
        fprintf(stderr, "alloc_fail: no memory for the table\n");
        abort();
    }
    gen++; /* empties the table */
    used = 0;
    live = count = 0;
    fail_at = at;
    persistent = persist;
    fired = overflow = 0;
    armed = 1;
    atomic_store_explicit(&tracking, 1, memory_order_release);
    pthread_mutex_unlock(&lock);
}

long alloc_fail_disarm(void)
{
    pthread_mutex_lock(&lock);
    armed = 0;
    long n = count;
    pthread_mutex_unlock(&lock);
    return n;
}

int alloc_fail_fired(void)
{
    pthread_mutex_lock(&lock);
    int f = fired;
    pthread_mutex_unlock(&lock);
    return f;
}

long alloc_fail_live(void)
{
    pthread_mutex_lock(&lock);
    long n = overflow ? -1 : live;
    pthread_mutex_unlock(&lock);
    return n;
}

void alloc_fail_end(void)
{
    pthread_mutex_lock(&lock);
    armed = 0;
    atomic_store_explicit(&tracking, 0, memory_order_release);
    pthread_mutex_unlock(&lock);
}
