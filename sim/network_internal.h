/* network_internal.h: what the parts of the network module share and no one
 * else uses: network.c (the CSR core), network_types.c (the parameters and the
 * table of network types), network_gen.c (ring, Watts-Strogatz),
 * network_org.c (organizations, generated or from an org chart) and
 * network_file.c (edge-list files).  Not a public interface: include it only
 * from those files.
 *
 * Generated networks emit their ties twice, once to count degrees and once to
 * fill the rows, regenerating random choices from their Philox counters
 * instead of keeping an edge list, so peak memory is the CSR itself plus
 * NET_BATCH ties in flight (and 4 bytes per agent for the block structure).
 * Random ties are generated a batch at a time, in parallel (each agent writes
 * its own slots), then counted or stored serially (network_ties_apply); rows
 * are then sorted in parallel and deduplicated and cleared of self-ties in
 * place (network_csr_finish).  Every step is order-independent, so networks
 * never depend on the number of threads.
 *
 * Random draws, all with key rng_key_make(seed, 0) and day 0:
 *   NET_PURPOSE_WS_REWIRE   (agent i, block j/4), word j%4 below rewire * 2^32:
 *                           i's j-th right tie is rewired
 *   NET_PURPOSE_WS_TARGET   (agent i, block j), words 0-1: its new target
 *   NET_PURPOSE_GENERATION  rng_uniform(agent i): generation of agent i
 *   NET_PURPOSE_PEER_COUNT  gsl stream (agent i): Poisson number of peer ties i draws
 *   NET_PURPOSE_PEER_TARGET (agent i, block m): words 0-1 inside the department or
 *                           not, words 2-3 the target of i's m-th peer tie
 *   NET_PURPOSE_TEAM_ORDER  (team t, block q/2), words 2(q%2)..2(q%2)+1: the swap of
 *                           position q of the shuffle that orders a team larger than
 *                           organization.teammate_ties + 1 (network_org.c) */
#ifndef SIM_NETWORK_INTERNAL_H
#define SIM_NETWORK_INTERNAL_H

#include <stdint.h>
#include "network.h"
#include "rng.h"

#define NET_PURPOSE_WS_REWIRE   (RNG_PURPOSE_ENGINE + 1u)
#define NET_PURPOSE_WS_TARGET   (RNG_PURPOSE_ENGINE + 2u)
#define NET_PURPOSE_GENERATION  (RNG_PURPOSE_ENGINE + 3u)
#define NET_PURPOSE_PEER_COUNT  (RNG_PURPOSE_ENGINE + 4u)
#define NET_PURPOSE_PEER_TARGET (RNG_PURPOSE_ENGINE + 5u)
#define NET_PURPOSE_TEAM_ORDER  (RNG_PURPOSE_ENGINE + 6u)

#define NET_MAX_LEVELS 32768 /* levels are int16: 0 .. 32767 */
#define NET_BATCH 262144     /* random ties generated at a time, then counted or stored */

/* One kind of network (network.type): its name, its cross-key checks (beyond
 * the generation mix, checked for every type), its builder (called after
 * validate succeeded) and one line saying what it is.  network_validate and
 * network_build look the type up in network_types (network_types.c), which
 * is the one place to add a type (with its name in the choices of the
 * network.type row next to it). */
typedef struct network_type {
    const char *name;
    int (*validate)(const scenario *scn, sim_error *err);
    int (*build)(const scenario *scn, uint32_t seed, sim_network **out, sim_error *err);
    const char *help;
} network_type;

/* The rows organization.generation_mix.<generation>, by generation code
 * (network_types.c). */
extern const char *const network_generation_keys[NET_GENERATIONS];

/* ---------- the CSR core (network.c) ---------- */

/* An empty network of n agents and that kind (no arrays); NULL when out of
 * memory. */
sim_network *network_new(int32_t n, const char *kind);

/* n names "0", "1", ... (each malloc'd, in a malloc'd array); NULL when out
 * of memory.  network_names_free frees n names and the array (NULL: no-op). */
char **network_names_numbered(int32_t n);
void network_names_free(char **names, int32_t n);

/* Allocate row (n+1 zeros) / col (for the total in row[n], at least one
 * element), large ones in huge pages (memory.h); SIM_ENOMEM with err
 * filled when out of memory. */
int network_alloc_row(sim_network *net, sim_error *err);
int network_alloc_col(sim_network *net, sim_error *err);

/* Turn per-agent counts row[0..n-1] into start offsets (row[n] = total). */
int64_t network_counts_to_starts(int64_t *row, int32_t n);

/* After a fill that advanced row[i] from the start to the end of row i,
 * shift the offsets back so that row[i] is again the start. */
void network_ends_to_starts(int64_t *row, int32_t n);

/* Count (fill = 0) or store (fill = 1) the ties u[e]-v[e] in both rows.
 * Counting adds to row[i]; storing writes at row[i] and advances it. */
void network_ties_apply(int64_t *row, int32_t *col, const int32_t *u, const int32_t *v,
                        int64_t len, int fill);

/* Sort every row, then drop duplicates and self-ties, compacting col in
 * place and shrinking it. */
void network_csr_finish(sim_network *net);

/* 1 if the (sorted, deduplicated) CSR equals its transpose; 0 also when out
 * of memory (the caller then checks tie by tie). */
int network_csr_is_symmetric(const sim_network *net);

/* Uniform integer in 0..m-1 (m >= 1) from two random words. */
static inline int64_t network_draw_index(uint32_t hi, uint32_t lo, int64_t m)
{
    int64_t t = (int64_t)(rng_u01_from_words(hi, lo) * (double)m);
    return t < m ? t : m - 1;
}

/* Uniform agent in 0..n-1 other than self (n >= 2). */
static inline int32_t network_draw_other(uint32_t hi, uint32_t lo, int32_t n, int32_t self)
{
    int32_t t = (int32_t)network_draw_index(hi, lo, (int64_t)n - 1);
    return t >= self ? t + 1 : t;
}

/* ---------- the builders of network_types ---------- */

/* network_gen.c */
int network_build_ring(const scenario *scn, uint32_t seed, sim_network **out, sim_error *err);
int network_build_watts_strogatz(const scenario *scn, uint32_t seed, sim_network **out,
                                 sim_error *err);

/* network_org.c */
int network_build_organization(const scenario *scn, uint32_t seed, sim_network **out,
                               sim_error *err);
int network_build_orgchart(const scenario *scn, uint32_t seed, sim_network **out, sim_error *err);

/* Levels of a span-ary breadth-first tree on n agents; 0 when deeper than
 * NET_MAX_LEVELS levels (network_org.c). */
int32_t org_levels(int64_t n, int64_t span);

/* network_file.c: a CSV edge list or a .csr binary, by the file's name
 * (network_file_is_csr: 1 for a name ending in .csr). */
int network_build_edgelist(const scenario *scn, uint32_t seed, sim_network **out,
                           sim_error *err);
int network_file_is_csr(const char *path);

#endif
