/* contagion.h: who has adopted, and how many of each agent's neighbours have.
 *
 * Shared by the adoption models whose rule reads "the adopted share of my
 * neighbours".  Two kernels give identical counts:
 * - push (event-driven): each new adopter adds one to its neighbours' counts
 *   once, so a whole run visits every tie once: work per day is proportional
 *   to agents plus the ties of that day's new adopters;
 * - pull (full scan): each undecided agent counts its adopted neighbours
 *   afresh every day, the classic kernel; kept for benchmarks and as the
 *   reference the push kernel is tested against.
 * On the implicit complete graph the count is the global total.
 *
 * A day is: models fill fresh[] for the agents that adopt today (reading
 * counts only), then contagion_commit() makes them adopters. */
#ifndef SIM_CONTAGION_H
#define SIM_CONTAGION_H

#include <stdint.h>
#include "error.h"
#include "model.h"
#include "network.h"
#include "rng.h"

typedef enum contagion_kernel { CONTAGION_PUSH = 0, CONTAGION_PULL = 1 } contagion_kernel;

typedef struct contagion {
    int32_t n;
    contagion_kernel kernel;
    uint8_t *adopted; /* 1 once adopted (owned) */
    uint8_t *fresh;   /* 1 if adopting today, set by the model before commit (owned) */
    int32_t *count;   /* push kernel: adopted neighbours (owned; NULL for pull or complete) */
    int32_t *day;     /* day agent i adopted (0 = initial adopter), -1 if it has not (owned) */
    int64_t total;    /* adopters */
} contagion;

int contagion_alloc(const sim_network *net, contagion_kernel kernel, contagion **out, sim_error *err);
void contagion_free(contagion *c); /* NULL is a no-op */

/* What `adoptsim report` gives for the models that count adopters (their
 * observables adopters, new_adopters, adopted_share): adopters, the adopted
 * share and the days to 50% adopted. */
extern const sim_outcome contagion_outcomes[];
#define CONTAGION_N_OUTCOMES 3

/* out[i] = 1 if agent i has adopted, else 0 (the models' per-agent table). */
void contagion_adopted_values(const contagion *c, double *out);

/* out[i] = the day agent i adopted, -1 if it has not (the per-agent table). */
void contagion_day_values(const contagion *c, double *out);

/* Everyone back to non-adopter (day -1), all counts zero. */
void contagion_reset(contagion *c);

/* Mark exactly k distinct agents, chosen uniformly at random among all n,
 * in fresh[] (to be committed as adopters), for 0 <= k <= n.  Robert
 * Floyd's sampling algorithm: draw j (j = n-k .. n-1) is the uniform
 * rng_uniform(key, j, 0, purpose), so the choice depends only on the key
 * (seed, replicate), k and n, never on threads.  Serial, O(k) work. */
void contagion_mark_random(contagion *c, rng_key key, uint32_t purpose, int32_t k);

/* Parse "push" / "pull" (as validated by the parameter table). */
contagion_kernel contagion_kernel_from_name(const char *name);

/* Adopted neighbours of agent i at the start of today. */
static inline int64_t contagion_adopted_neighbours(const contagion *c, const sim_network *net, int32_t i)
{
    if (net->complete) return c->total - c->adopted[i];
    if (c->kernel == CONTAGION_PUSH) return c->count[i];
    int64_t k = 0;
    for (int64_t e = net->row[i]; e < net->row[i + 1]; e++) k += c->adopted[net->col[e]];
    return k;
}

/* Make every agent with fresh[i] set an adopter on this day (clearing fresh,
 * recording day[i] = day), update the counts, and return how many adopted.
 * Parallel inside; deterministic. */
int64_t contagion_commit(contagion *c, const sim_network *net, int32_t day);

/* The same for the k agents listed (each once, each with fresh[i] set, in
 * any order): the same state as contagion_commit, without scanning every
 * agent.  Serial, no OpenMP region; returns k. */
int64_t contagion_commit_list(contagion *c, const sim_network *net, int32_t day, const int32_t *agents, int32_t k);

#endif
