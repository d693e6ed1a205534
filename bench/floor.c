/* floor.c: the least a whole run that writes its results file can cost on
 * this machine (`make build/release/floor`; bench/run.sh times it beside W1).
 *
 *   floor OUT.h5
 *
 * A process linked as ./adoptsim is (static, the same libraries) that sets
 * up its heap as adoptsim does (sim_heap_start) and writes, through the
 * project's own writer (sim/output.c), the smallest netCDF-4 file it makes:
 * one dimension of 366 days and one variable over it, under OUT.h5.tmp,
 * synced by output_close and renamed over OUT.h5 by output_publish, as
 * every results file is.  No scenario, no network, no simulation, no
 * provenance attributes: whatever W1 costs above this is ours; this much is
 * process start, the HDF5 library and the disk. */
#include <stdio.h>
#include <string.h>

#include "memory.h"
#include "output.h"

int main(int argc, char **argv)
{
    sim_heap_start();
    if (argc != 2) {
        fprintf(stderr, "usage: floor OUT.h5\n");
        return 2;
    }
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", argv[1]) >= (int)sizeof tmp) return 2;
    static double values[366];
    const out_dim dims[] = {{"time", 366, "day", "days", NULL, NULL}};
    const out_var vars[] = {{"x", "a variable", "1", OUT_F64, 1, {0}, values, {0}, 0, NULL}};
    const out_spec spec = {dims, 1, vars, 1, NULL, 0, 0};
    sim_error err;
    out_file *f = NULL;
    int rc = output_create(tmp, argv[1], &spec, &f, &err);
    const int closed = output_close(f, rc == SIM_OK, &err);
    if (rc == SIM_OK) rc = closed;
    if (rc == SIM_OK) rc = output_publish(tmp, argv[1], 1, &err);
    if (rc != SIM_OK) {
        char msg[512];
        fprintf(stderr, "floor: %s\n", sim_error_format(&err, msg, sizeof msg));
        return 1;
    }
    return 0;
}
