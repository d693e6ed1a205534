/* floor.c: the least a whole run that writes an HDF5 file can cost on this
 * machine (`make build/release/floor`; bench/run.sh times it beside W1).
 *
 *   floor OUT.h5
 *
 * A process linked as ./adoptsim is (static, the same libraries) that sets
 * up its heap as adoptsim does (sim_heap_start), then writes one variable of
 * 366 doubles to a new HDF5 file the way adoptsim keeps its promises: into
 * OUT.h5.tmp, closed, fsync'd, renamed over OUT.h5, the directory fsync'd.
 * No scenario, no network, no simulation, no attributes or dimension scales:
 * whatever W1 costs above this is ours; this much is process start, the
 * HDF5 library and the disk. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hdf5.h>

#include "memory.h"

/* fsync the file or directory at path; 0 on success */
static int sync_path(const char *path, int flags)
{
    int fd = open(path, flags);
    if (fd < 0) return -1;
    int rc = fsync(fd);
    return close(fd) == 0 ? rc : -1;
}

int main(int argc, char **argv)
{
    sim_heap_start();
    if (argc != 2) {
        fprintf(stderr, "usage: floor OUT.h5\n");
        return 2;
    }
    char tmp[4096], dir[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", argv[1]) >= (int)sizeof tmp) return 2;
    snprintf(dir, sizeof dir, "%s", argv[1]);
    char *slash = strrchr(dir, '/');
    if (slash) *slash = '\0';
    else strcpy(dir, ".");
    static double values[366];
    hsize_t dims[1] = {366};
    hid_t file = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hid_t space = file < 0 ? -1 : H5Screate_simple(1, dims, NULL);
    hid_t set = space < 0 ? -1 : H5Dcreate2(file, "x", H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    int ok = set >= 0 && H5Dwrite(set, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values) >= 0;
    if (set >= 0) ok &= H5Dclose(set) >= 0;
    if (space >= 0) ok &= H5Sclose(space) >= 0;
    if (file >= 0) ok &= H5Fclose(file) >= 0;
    ok = ok && sync_path(tmp, O_RDONLY) == 0 && rename(tmp, argv[1]) == 0 &&
         sync_path(dir, O_RDONLY | O_DIRECTORY) == 0;
    if (!ok) {
        fprintf(stderr, "floor: could not write %s\n", argv[1]);
        return 1;
    }
    return 0;
}
