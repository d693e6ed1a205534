/* harness.h: what the fuzzing harnesses share.  The readers take paths, so
 * every input is written to a file in a private directory under /dev/shm
 * (memory, no disk; under $ADOPTSIM_FUZZ_ROOT when set), next to a few
 * small fixed files that inputs may name (base.yaml, chart.csv, edges.csv,
 * graph.csr: see harness.c), and the harness hands the path to the public
 * API.
 *
 * A harness defines LLVMFuzzerTestOneInput (one input, returns 0).  It is
 * linked with libFuzzer (make fuzz, clang) or with replay.c (gcc, the test
 * suite replays the committed seeds and regression inputs). */
#ifndef TESTS_FUZZ_HARNESS_H
#define TESTS_FUZZ_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "network.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The directory (created with the fixed files on the first call, removed at
 * exit); aborts when it cannot be made. */
const char *fuzz_dir(void);

/* Write size bytes to fuzz_dir()/name, replacing the file; fills path (the
 * full name).  Aborts when it cannot write: that is the harness's failure,
 * not the reader's. */
void fuzz_write(const char *name, const uint8_t *data, size_t size, char *path, size_t path_size);

/* The number of open file descriptors (entries of /proc/self/fd); a
 * harness compares it before and after an input: a reader must close what
 * it opened, on error paths too.  -1 when it cannot be counted. */
int fuzz_open_files(void);

/* Abort with a message when fuzz_open_files() differs from before. */
void fuzz_check_open_files(int before);

/* Abort with a message when a network that a reader accepted breaks the
 * invariants of network.h: with_ties, its CSR (offsets, sorted rows without
 * self-ties or duplicates, symmetric ties); always, its organization
 * attributes when it has them (managers earlier, levels, teams in range). */
void fuzz_check_network(const sim_network *net, int with_ties);

/* The network harnesses' settings: a scenario with network.type set to type
 * and network.file to path, made on the first call and freed at exit (the
 * path of an input never changes).  Aborts when it cannot be made. */
struct scenario;
struct scenario *fuzz_network_scenario(const char *type, const char *path);

/* Build the network of scn (network_build, 1 thread); a network it accepts
 * must keep the invariants (fuzz_check_network with ties); then the files
 * open must be those of before (fuzz_check_open_files). */
void fuzz_build_network(const struct scenario *scn, int files_before);

#endif
