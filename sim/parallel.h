/* parallel.h: when a loop over agents is worth running on several threads.
 *
 * Waking the OpenMP team costs microseconds, and on this project's 2-vCPU
 * machines an idle worker spinning on the sibling hyperthread slows the main
 * thread; measured on W1 (10,000 agents), a whole run took 16 ms with the team
 * awake and 10 ms without.  So every parallel loop over agents carries
 * if (count >= SIM_PARALLEL_MIN).  Results never depend on it. */
#ifndef SIM_PARALLEL_H
#define SIM_PARALLEL_H

#define SIM_PARALLEL_MIN 32768

#endif
