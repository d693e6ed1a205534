/* parallel.c: the size threshold of parallel.h, which tests may move; the
 * blocks of a pass handed out from both ends; how long idle OpenMP threads
 * spin before they sleep. */
#include "parallel.h"

#include <stdlib.h>

static int32_t threshold = SIM_PARALLEL_MIN;

int32_t sim_parallel_min(void)
{
    return threshold;
}

void sim_parallel_min_set(int32_t n)
{
    threshold = n > 0 ? n : SIM_PARALLEL_MIN;
}

void sim_blocks_reset(sim_blocks *q, int32_t n)
{
    atomic_store_explicit(&q->ends, (uint64_t)(uint32_t)(n > 0 ? n : 0) << 32, memory_order_relaxed);
}

/* Relaxed: the taking only has to be atomic; what a block's work reads and
 * writes is ordered by the barriers of the region around the pass. */
int32_t sim_blocks_next(sim_blocks *q, int thread)
{
    uint64_t cur = atomic_load_explicit(&q->ends, memory_order_relaxed);
    for (;;) {
        const uint32_t front = (uint32_t)cur, back = (uint32_t)(cur >> 32);
        if (front >= back) return -1;
        const int from_back = thread & 1;
        const uint64_t next = from_back ? (uint64_t)(back - 1) << 32 | front : (uint64_t)back << 32 | (front + 1);
        if (atomic_compare_exchange_weak_explicit(&q->ends, &cur, next, memory_order_relaxed, memory_order_relaxed))
            return (int32_t)(from_back ? back - 1 : front);
    }
}

/* Runs before libgomp's own constructor reads the environment (priority
 * 101 comes before the default; with libgomp linked statically both are in
 * this program): sets GOMP_SPINCOUNT unless the user chose a wait policy or
 * a spin count.  Linked shared, libgomp has read its settings before this
 * runs and keeps its default. */
__attribute__((constructor(101))) static void parallel_wait_policy(void)
{
    if (!getenv("OMP_WAIT_POLICY") && !getenv("GOMP_SPINCOUNT")) setenv("GOMP_SPINCOUNT", SIM_SPINCOUNT, 0);
}
