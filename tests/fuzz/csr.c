/* csr.c (fuzz): the binary CSR reader (a .csr file) of network.type
 * edgelist.  An input is the file in.csr, built by network_build; an
 * accepted network must keep the invariants of network.h. */
#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[600];
    fuzz_write("in.csr", data, size, path, sizeof path);
    int files = fuzz_open_files();
    fuzz_build_network(fuzz_network_scenario("edgelist", path), files);
    return 0;
}
