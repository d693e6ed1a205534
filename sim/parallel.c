/* parallel.c: the size threshold of parallel.h, which tests may move, and
 * how long idle OpenMP threads spin before they sleep. */
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

/* Runs before libgomp's own constructor reads the environment (priority
 * 101 comes before the default; with libgomp linked statically both are in
 * this program): sets GOMP_SPINCOUNT unless the user chose a wait policy or
 * a spin count.  Linked shared, libgomp has read its settings before this
 * runs and keeps its default. */
__attribute__((constructor(101))) static void parallel_wait_policy(void)
{
    if (!getenv("OMP_WAIT_POLICY") && !getenv("GOMP_SPINCOUNT")) setenv("GOMP_SPINCOUNT", SIM_SPINCOUNT, 0);
}
