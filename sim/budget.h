/* budget.h: whether a scenario fits in memory, decided before anything is
 * built: the network's estimate (network_estimate) plus the model's state
 * (sim_model_type.bytes_per_agent x agents), against the memory this
 * process may use.  A scenario that cannot fit (Watts-Strogatz with 200,000
 * agents and k = 100,000: 80 GB of ties) is refused at once, with the
 * estimate and the limit, instead of after minutes of building.
 *
 * Not counted: the results held in memory (time series and the per-agent
 * table), the interventions' own state, and memory of other threads of an
 * experiment (each run in flight needs its own model state). */
#ifndef SIM_BUDGET_H
#define SIM_BUDGET_H

#include <stdint.h>
#include "error.h"
#include "model.h"
#include "scenario.h"

/* The memory this process can still use, in bytes, and where the limit
 * comes from: the smallest of MemAvailable (/proc/meminfo), the cgroup's
 * memory limit less its usage, RLIMIT_AS less the address space in use and
 * RLIMIT_DATA less the data in use.  *source names it ("MemAvailable in
 * /proc/meminfo", "RLIMIT_AS (ulimit -v)", ...).  Returns 0, or -1 when no
 * limit is known (*bytes is then INT64_MAX). */
int budget_limit(int64_t *bytes, const char **source);

/* SIM_OK when the scenario's network and model state are estimated to fit
 * in budget_limit (or need less than 64 MiB, which is taken to fit); else SIM_EINPUT at network.agents (network.file for
 * file-based networks) with the estimate, its parts and the limit.  Fails
 * as network_estimate does when a network file cannot be opened. */
int budget_check(const scenario *scn, const sim_model_type *model, sim_error *err);

#endif
