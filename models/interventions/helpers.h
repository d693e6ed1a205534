/* helpers.h: small pieces the interventions share: bounded changes of an
 * agent's state, buffers, grouping agents by a key (team, manager) and
 * ranking them by a score, all without allocating after alloc(). */
#ifndef MODELS_INTERVENTIONS_HELPERS_H
#define MODELS_INTERVENTIONS_HELPERS_H

#include <stdint.h>
#include <stdlib.h>

#include "genai.h"

/* Agents whose use counts as recent ("adopters", "used it lately"): used on
 * at least one of the last 30 days, as the monthly-active observable. */
#define IV_RECENT_DAYS 30

/* calloc for count elements of size bytes; never asks for 0 bytes, so NULL
 * always means out of memory. */
static inline void *iv_calloc(int64_t count, size_t size)
{
    return calloc(count > 0 ? (size_t)count : 1, size);
}

static inline float iv_clamp(double x, double lo, double hi)
{
    return (float)(x < lo ? lo : x > hi ? hi : x);
}

/* Attitude moves by delta, staying within plus or minus the model's
 * attitude cap (when one is set: par->attitude_cap > 0). */
static inline void iv_add_attitude(genai_world *w, int32_t i, double delta)
{
    double a = (double)w->attitude[i] + delta;
    double cap = w->par ? w->par->attitude_cap : 0;
    w->attitude[i] = cap > 0 ? iv_clamp(a, -cap, cap) : (float)a;
}

/* Skill moves by delta within [0, 1]. */
static inline void iv_add_skill(genai_world *w, int32_t i, double delta)
{
    w->skill[i] = iv_clamp((double)w->skill[i] + delta, 0, 1);
}

/* Extra daily chance of recovering from disillusion raised by delta, but
 * not above max (a chance already above max is left alone). */
static inline void iv_add_recovery(genai_world *w, int32_t i, double delta, double max)
{
    double r = w->recovery[i];
    if (r >= max) return;
    w->recovery[i] = iv_clamp(r + delta, 0, max);
}

/* A trait lowered by delta but not below floor (a trait already below the
 * floor is left alone). */
static inline void iv_lower_trait(genai_world *w, int trait, int32_t i, double delta, double floor)
{
    double x = w->trait[trait][i];
    if (x <= floor) return;
    x -= delta;
    w->trait[trait][i] = (float)(x < floor ? floor : x);
}

/* What mentor m can pass on: their skill, less frontier.stale of it for
 * each release of the tool since they last used it or were trained on it
 * (what they know is about an older version).  Their skill when they are
 * up to date, or without a model (a world built by hand). */
static inline double iv_knowledge(const genai_world *w, int32_t m)
{
    double s = w->skill[m];
    if (!w->version_used || !w->par) return s;
    for (int32_t v = w->version_used[m]; v < w->version; v++) s *= 1 - w->par->frontier_stale;
    return s;
}

/* The generation of agent i's occupant (turnover may hire someone of
 * another generation into the position); the network's without a model's
 * arrays (a world built by hand). */
static inline int iv_generation(const genai_world *w, int32_t i)
{
    return w->generation ? w->generation[i] : w->net->generation[i];
}

/* Staff hours spent by agent i on an intervention, added to the hours of
 * i's cell (generation x level), which the model prices at the level's
 * hourly cost.  The caller still adds the programme's total to
 * w->cost_hours.  Without w->staff_hours (a world built by hand), nothing. */
static inline void iv_charge_hours(genai_world *w, int32_t i, double hours)
{
    if (!w->staff_hours || hours == 0) return;
    const sim_network *net = w->net;
    w->staff_hours[net->generation[i] * net->n_levels + net->level[i]] += hours;
}

/* iv_charge_hours for agents ids[0..n-1]. */
static inline void iv_charge_hours_all(genai_world *w, const int32_t *ids, int32_t n, double hours)
{
    for (int32_t k = 0; k < n && w->staff_hours && hours != 0; k++) iv_charge_hours(w, ids[k], hours);
}

/* Counting sort of agents 0..n-1 by key[i] in 0..n_keys-1 (agents whose key
 * is negative or >= n_keys are left out): afterwards the agents with key k
 * are ids[start[k]] .. ids[start[k+1] - 1], in increasing order.  start has
 * room for n_keys + 1 entries, ids for n. */
void iv_group(const int32_t *key, int32_t n, int32_t n_keys, int32_t *start, int32_t *ids);

/* Sort ids[0..m-1] by score[id] from high to low, ties by lower id: an
 * in-place heapsort, so it allocates nothing. */
void iv_rank(int32_t *ids, int32_t m, const double *score);

/* The reporting tree in pre-order: the department of agent i (everyone
 * below i) is order[first[i] + 1] .. order[last[i]].  rstart/rids are the
 * agents grouped by manager (iv_group of net->manager with n keys).  stack
 * is scratch room for n ids.  Agents not below a root (manager -1) get
 * first = last = -1. */
void iv_tree_order(const sim_network *net, const int32_t *rstart, const int32_t *rids,
                   int32_t *order, int32_t *first, int32_t *last, int32_t *stack);

#endif
