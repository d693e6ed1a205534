/* parallel.h: when a loop over agents is worth running on several threads.
 *
 * Waking the OpenMP team costs microseconds, and on this project's 2-vCPU
 * machines an idle worker spinning on the sibling hyperthread slows the main
 * thread; measured on W1 (10,000 agents), a whole run took 16 ms with the team
 * awake and 10 ms without.  So every parallel loop over agents carries
 * if (count >= SIM_PARALLEL_MIN).  Results never depend on it.
 *
 * An `if` clause is not free either: libgomp enters a region of one thread
 * for it (a team allocated and freed, a futex call at its end; the genai
 * model's six regions a day were a quarter of a 500-staff run).  So the
 * genai model, whose small runs are the bulk of experiments, keeps each
 * pass's body in a function over a range of blocks and calls it directly
 * below the threshold, entering no OpenMP region at all; it asks
 * sim_parallel_min() so that tests can move the threshold and check that
 * both paths give the same results.
 *
 * Above the threshold a genai day is one region (it was five): one thread
 * runs the interventions while the others push peer-count changes, one
 * barrier, then the decisions.  Fewer regions and barriers mean fewer
 * places where a thread waits for one that the scheduler took off its CPU.
 * Blocks go out from both ends of the range (sim_blocks): even threads take
 * them from the front, odd ones from the back, one at a time, until the
 * two meet.  With the threads even, each keeps to its own half day after
 * day, so the agents' state stays in its core's caches (handed out one at a
 * time from the front, schedule(dynamic, 1), the blocks changed cores from
 * day to day: W3's decision pass took 0.54 s on 2 threads against 0.41 s
 * with fixed halves, 0.83 s on 1, with the interventions switched off);
 * with another process busy on one CPU the thread on the free one still
 * takes the larger share, where a static split would wait for the slow
 * half each day. */
#ifndef SIM_PARALLEL_H
#define SIM_PARALLEL_H

#include <stdatomic.h>
#include <stdint.h>

#define SIM_PARALLEL_MIN 32768

/* How long a thread with nothing to do spins before it sleeps (libgomp's
 * GOMP_SPINCOUNT, in pause instructions of about 40 ns on this project's
 * machines; the program sets it at start-up, before libgomp reads it,
 * unless OMP_WAIT_POLICY or GOMP_SPINCOUNT is in the environment: see
 * parallel.c and the Makefile's STATIC_GOMP).  libgomp's default, 300,000
 * (about 12 ms), let a waiting thread keep its CPU from the thread it
 * waited for whenever other processes wanted the CPUs: W3 on 2 threads with
 * one CPU kept busy by another process took 27.8 s before this work and
 * 18.8 s with one region a day but the default spin, against 6.3 s on one
 * thread; with 2,000 (about 80 us: the gap between two days' regions and
 * most waits at a barrier) 1.8-3.2 s, as with 0 or 1,000; 10,000 was no
 * better and burned more CPU (loaded machine, single runs).  A wait longer
 * than the spin costs a futex wake-up, 10-20 us. */
#define SIM_SPINCOUNT "2000"

/* Blocks 0 .. n-1 of a pass handed out to the threads of a team from both
 * ends (above).  One per pass, reset before the region by one thread; the
 * threads then only take from it.  Which thread gets a block never changes
 * a result: the passes give each block's work to one thread whole. */
typedef struct sim_blocks {
    _Atomic uint64_t ends; /* the back (exclusive) << 32 | the front: blocks front .. back - 1 are left */
} sim_blocks;

void sim_blocks_reset(sim_blocks *q, int32_t n);

/* The next block for thread `thread` of the team (even: from the front,
 * odd: from the back); -1 when none is left. */
int32_t sim_blocks_next(sim_blocks *q, int thread);

/* The agents from which the genai model's passes run on the team:
 * SIM_PARALLEL_MIN unless a test set another value. */
int32_t sim_parallel_min(void);

/* Tests only: from now on sim_parallel_min() returns n (n <= 0: back to
 * SIM_PARALLEL_MIN).  Call it before allocating the model, never while a
 * run is going. */
void sim_parallel_min_set(int32_t n);

#endif
