/* orgchart.c (fuzz): the org-chart reader.  An input is an org-chart CSV,
 * read by orgchart_read and, when it reads, built into a network (ties added
 * by network_build, network.type orgchart); both results must keep the
 * invariants of network.h. */
#include "harness.h"

#include "network.h"
#include "orgchart.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[600];
    sim_error err;
    sim_network *net = NULL;
    fuzz_write("in.csv", data, size, path, sizeof path);
    int files = fuzz_open_files();
    if (orgchart_read(path, &net, &err) != SIM_OK) {
        fuzz_check_open_files(files);
        return 0;
    }
    fuzz_check_network(net, 0); /* orgchart_read adds no ties */
    network_free(net);
    fuzz_build_network(fuzz_network_scenario("orgchart", path), files);
    return 0;
}
