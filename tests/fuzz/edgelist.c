/* edgelist.c (fuzz): the CSV edge-list reader (source,target columns) of network.type
 * edgelist.  An input is the file in.csv, built by network_build; an
 * accepted network must keep the invariants of network.h. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>

#include "network.h"
#include "registry.h"
#include "scenario.h"

static scenario *scn; /* the network.* settings, made on the first input */

static void free_scenario(void)
{
    scenario_free(scn);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[600], set[700];
    sim_error err;
    sim_network *net = NULL;
    fuzz_write("in.csv", data, size, path, sizeof path);
    int files = fuzz_open_files();
    if (!scn) {
        snprintf(set, sizeof set, "network.file=%s", path);
        if (registry_scenario_alloc(&scn, &err) || scenario_set(scn, "network.type=edgelist", &err) ||
            scenario_set(scn, set, &err))
            abort();
        atexit(free_scenario);
    }
    if (network_build(scn, 1, &net, &err) == SIM_OK) fuzz_check_network(net, 1);
    network_free(net);
    fuzz_check_open_files(files);
    return 0;
}
