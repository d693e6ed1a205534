/* network.h: who is tied to whom, and the organization around them.
 *
 * Ties are undirected and stored once per direction in CSR arrays: the
 * neighbours of agent i are col[row[i]] .. col[row[i+1]-1], sorted, without
 * self-ties or duplicates.  The complete graph is implicit (complete = 1,
 * row = col = NULL): every agent is tied to the n-1 others.
 *
 * Generated organizations number agents breadth-first from the chief officer
 * (agent 0), so every manager's direct reports, who form a team, have
 * consecutive ids and sit next to each other in memory: the manager of agent
 * i > 0 is (i-1)/span, and its team is 1 + its manager's id (team 0 is the
 * chief officer alone), so teams are numbered in the order of their managers.
 * Org charts read from a file (orgchart.h) are numbered the same way.
 *
 * Ownership: network_build allocates everything; network_free releases it. */
#ifndef SIM_NETWORK_H
#define SIM_NETWORK_H

#include <stdint.h>
#include "error.h"
#include "params.h"
#include "scenario.h"
#include "rng.h"

#define NET_GENERATIONS 4
/* "gen_z", "millennial", "gen_x", "boomer": index = generation code. */
extern const char *const network_generation_names[NET_GENERATIONS];

typedef struct sim_network {
    int32_t n;          /* agents */
    int complete;       /* 1: complete graph, no CSR stored */
    int64_t *row;       /* n+1 CSR offsets (NULL when complete) */
    int32_t *col;       /* row[n] neighbour ids (NULL when complete) */
    char kind[32];      /* "organization", "orgchart", "complete", "ring", "watts_strogatz",
                           "edgelist" */

    /* Organization attributes; all NULL for networks that have none. */
    int32_t *manager;   /* manager id, -1 for the chief officer */
    int16_t *level;     /* 0 = chief officer, 1 = their reports, ... */
    int8_t *generation; /* index into network_generation_names */
    int32_t *team;      /* team id in 0..n_teams-1: the manager's direct reports;
                           generated: 1 + manager id, 0 for the chief officer */
    int32_t n_levels;   /* 1 + deepest level */
    int32_t n_teams;
    char **ids;         /* orgchart: ids[i] = agent i's id in the file (each malloc'd); else NULL */

    /* Names of teams and departments, for targeting (interventions.*.target.teams and
     * .departments match them) and for the results' per-agent table.  Present (non-NULL)
     * exactly when team is; each name malloc'd, owned by the network.
     *   team_names[t]   org chart: the team column's label; a person without one is in the
     *                   team named by their manager's id (their manager's direct reports,
     *                   joined by anyone whose label is that id), the chief officer without
     *                   one alone in team "-"; generated: the team number ("0", "1", ...).
     *   department[i]   agent i's department, 0..n_departments-1, numbered in the order
     *                   they are first met breadth first (department 0 is the chief
     *                   officer's).  A per-agent attribute a model may use (e.g. a task
     *                   suitability per department), read-only like the rest.
     *   department_names[d]  org chart with a department column: its label; an empty
     *                   cell is the manager's department (the chief officer's: named by
     *                   their id).  Without the column, and for generated organizations,
     *                   departments are the branches under the chief officer: the chief
     *                   officer alone and each level-1 head with everyone below them,
     *                   named by the head's id (generated: agent number, so department d
     *                   is named "d" and headed by agent d).  The peer ties of
     *                   organization.peer_structure: block follow these branches, never
     *                   the department column. */
    char **team_names;        /* n_teams */
    int32_t *department;      /* n */
    int32_t n_departments;
    char **department_names;  /* n_departments */
} sim_network;

/* Rows network.* and organization.* of the parameter table. */
extern const param_def network_params[];

/* Cross-key checks (generation mix sums to 1 on every level, k even and below
 * agents, a file for edgelist, ...), with the location of the offending key. */
int network_validate(const scenario *scn, sim_error *err);

/* What building a validated scenario's network takes, estimated before
 * anything is built (budget.h): agents, ties stored (once per direction; 0
 * for the implicit complete graph) and bytes of the network's arrays at
 * their peak while it is built.  Exact for ring, Watts-Strogatz and CSR
 * files (their header); expected values for organizations (peer ties are
 * random; teams over organization.teammate_ties counted at the cap); for
 * CSV files (edge lists, org charts) the rows are estimated from the file's
 * size and the lines in its first 64 KiB, and an org chart's teams are
 * taken at the cap.  Reads at most that much of a file; fails (as
 * network_build would) when the file cannot be opened. */
typedef struct network_size {
    int64_t agents;
    int64_t arcs;
    int64_t bytes;
} network_size;

int network_estimate(const scenario *scn, network_size *out, sim_error *err);

/* Build the network the scenario describes.  Random choices draw from
 * Philox with key (seed, 0) and purposes RNG_PURPOSE_ENGINE + k, so the
 * network depends on the seed only, never on threads or replicates.
 * Reading an edge-list file reports file:line for each bad line. */
int network_build(const scenario *scn, uint32_t seed, sim_network **out, sim_error *err);

/* Build from an explicit undirected edge list (pairs u[e]-v[e], 0 <= id < n);
 * self-ties and duplicates are dropped.  Used by the builders and by tests. */
int network_from_edges(int32_t n, const int32_t *u, const int32_t *v, int64_t n_edges,
                       sim_network **out, sim_error *err);

/* The complete graph on n agents (implicit). */
int network_complete(int32_t n, sim_network **out, sim_error *err);

void network_free(sim_network *net); /* NULL is a no-op */

static inline int64_t network_degree(const sim_network *net, int32_t i)
{
    return net->complete ? (int64_t)net->n - 1 : net->row[i + 1] - net->row[i];
}

/* Number of stored ties counted once per direction (sum of degrees). */
int64_t network_arcs(const sim_network *net);

/* Bytes held by the network's arrays. */
size_t network_bytes(const sim_network *net);

#endif
