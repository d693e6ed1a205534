/* edgelist.c (fuzz): the CSV edge-list reader (source,target columns) of network.type
 * edgelist.  An input is the file in.csv, built by network_build; an
 * accepted network must keep the invariants of network.h. */
#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[600];
    fuzz_write("in.csv", data, size, path, sizeof path);
    int files = fuzz_open_files();
    fuzz_build_network(fuzz_network_scenario("edgelist", path), files);
    return 0;
}
