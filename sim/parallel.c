/* parallel.c: the size threshold of parallel.h, which tests may move. */
#include "parallel.h"

static int32_t threshold = SIM_PARALLEL_MIN;

int32_t sim_parallel_min(void)
{
    return threshold;
}

void sim_parallel_min_set(int32_t n)
{
    threshold = n > 0 ? n : SIM_PARALLEL_MIN;
}
