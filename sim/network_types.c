/* network_types.c: the network.* and organization.* parameters, the table
 * of network types (network_types: name, checks, builder, one line of help)
 * and network_validate / network_build, which dispatch on network.type
 * through it.  To add a type: its builder, a row in network_types and its
 * name in the choices of network.type. */
#include "network.h"
#include "network_internal.h"

#include <math.h>
#include <string.h>

const char *const network_generation_names[NET_GENERATIONS] = {
    "gen_z", "millennial", "gen_x", "boomer"
};

const char *const network_generation_keys[NET_GENERATIONS] = {
    "organization.generation_mix.gen_z",
    "organization.generation_mix.millennial",
    "organization.generation_mix.gen_x",
    "organization.generation_mix.boomer"
};

/* network.type's choices are the names in network_types below, in order. */
const param_def network_params[] = {
    {.path = "network.type", .type = PARAM_ENUM, .unit = "", .def = "organization",
     .choices = "organization|orgchart|complete|ring|watts_strogatz|edgelist",
     .help = "tie structure: generated organization, org chart from a CSV file, complete "
             "graph, ring lattice, Watts-Strogatz small world, or an edge-list file"},
    {.path = "network.agents", .type = PARAM_INT, .unit = "agents", .min = 1, .max = 2000000000,
     .def = "1000",
     .help = "headcount (organization) or number of agents (complete, ring, watts_strogatz); "
             "ignored for orgchart and edgelist"},
    {.path = "network.k", .type = PARAM_INT, .unit = "ties", .min = 0, .max = 100000,
     .def = "10",
     .help = "ties per agent for ring and watts_strogatz, k/2 on each side (even, below agents)"},
    {.path = "network.rewire", .type = PARAM_DOUBLE, .unit = "1", .min = 0, .max = 1,
     .def = "0.1", .help = "Watts-Strogatz probability that a lattice tie is rewired"},
    {.path = "network.file", .type = PARAM_STRING, .unit = "", .def = "",
     .help = "edgelist: CSV with columns source,target or a .csr binary; orgchart: CSV with "
             "columns id,manager_id,generation[,level,team]; relative to the scenario file"},
    {.path = "organization.span", .type = PARAM_INT, .unit = "agents", .min = 1, .max = 100000,
     .def = "8", .help = "direct reports per manager"},
    {.path = "organization.peer_ties", .type = PARAM_DOUBLE, .unit = "ties", .min = 0,
     .max = 10000, .def = "4", .help = "mean cross-team peer ties per agent"},
    {.path = "organization.peer_structure", .type = PARAM_ENUM, .unit = "", .def = "block",
     .choices = "block|small_world",
     .help = "block: peer ties mostly inside the department; small_world: to random agents"},
    {.path = "organization.peer_within_department", .type = PARAM_DOUBLE, .unit = "1",
     .min = 0, .max = 1, .def = "0.8",
     .help = "block structure: probability that a peer tie stays inside the department"},
    {.path = "organization.generation_mix.gen_z", .type = PARAM_DOUBLE_LIST, .unit = "1",
     .min = 0, .max = 1, .def = "[0.0, 0.02, 0.08, 0.30]", .max_len = 16,
     .help = "share of Gen Z at level 0, 1, ... (deeper levels use the last element)"},
    {.path = "organization.generation_mix.millennial", .type = PARAM_DOUBLE_LIST, .unit = "1",
     .min = 0, .max = 1, .def = "[0.20, 0.40, 0.50, 0.45]", .max_len = 16,
     .help = "share of Millennials at level 0, 1, ... (deeper levels use the last element)"},
    {.path = "organization.generation_mix.gen_x", .type = PARAM_DOUBLE_LIST, .unit = "1",
     .min = 0, .max = 1, .def = "[0.65, 0.48, 0.36, 0.20]", .max_len = 16,
     .help = "share of Gen X at level 0, 1, ... (deeper levels use the last element)"},
    {.path = "organization.generation_mix.boomer", .type = PARAM_DOUBLE_LIST, .unit = "1",
     .min = 0, .max = 1, .def = "[0.15, 0.10, 0.06, 0.05]", .max_len = 16,
     .help = "share of Boomers at level 0, 1, ... (deeper levels use the last element)"},
    PARAM_END
};

/* ---------- the checks of each type ---------- */

/* ring, watts_strogatz: k/2 ties on each side of every agent. */
static int validate_lattice(const scenario *scn, sim_error *err)
{
    const char *type = scenario_string(scn, "network.type");
    long long agents = scenario_int(scn, "network.agents");
    long long k = scenario_int(scn, "network.k");
    if (k % 2 != 0)
        return scenario_error(scn, "network.k", err,
                              "k = %lld must be even for %s (k/2 ties on each side)", k, type);
    if (k >= agents)
        return scenario_error(scn, "network.k", err,
                              "k = %lld must be below network.agents = %lld", k, agents);
    return SIM_OK;
}

/* edgelist, orgchart: read from network.file. */
static int validate_file(const scenario *scn, sim_error *err)
{
    const char *type = scenario_string(scn, "network.type");
    if (scenario_string(scn, "network.file")[0] == '\0')
        return scenario_error(scn, "network.file", err,
                              "network.type is %s but no network.file is given", type);
    return SIM_OK;
}

static int validate_complete(const scenario *scn, sim_error *err)
{
    long long agents = scenario_int(scn, "network.agents");
    if (agents < 2)
        return scenario_error(scn, "network.agents", err,
                              "a complete graph needs at least 2 agents, not %lld", agents);
    return SIM_OK;
}

static int validate_organization(const scenario *scn, sim_error *err)
{
    long long agents = scenario_int(scn, "network.agents");
    long long span = scenario_int(scn, "organization.span");
    if (agents < 1)
        return scenario_error(scn, "network.agents", err, "an organization needs agents");
    if (org_levels(agents, span) == 0)
        return scenario_error(scn, "organization.span", err,
                              "an organization of %lld agents with span %lld is more than "
                              "%d levels deep", agents, span, NET_MAX_LEVELS);
    return SIM_OK;
}

static int build_complete(const scenario *scn, uint32_t seed, sim_network **out, sim_error *err)
{
    (void)seed; /* no random choices */
    return network_complete((int32_t)scenario_int(scn, "network.agents"), out, err);
}

/* ---------- the table of network types ---------- */

static const network_type network_types[] = {
    {"organization", validate_organization, network_build_organization,
     "generated hierarchy from network.agents and organization.span; reporting line, "
     "teammates and peer ties"},
    {"orgchart", validate_file, network_build_orgchart,
     "an org chart read from the CSV network.file, tied as a generated organization"},
    {"complete", validate_complete, build_complete,
     "every agent tied to every other (implicit, no ties stored)"},
    {"ring", validate_lattice, network_build_ring,
     "ring lattice, network.k/2 ties on each side"},
    {"watts_strogatz", validate_lattice, network_build_watts_strogatz,
     "ring lattice with each tie rewired with probability network.rewire"},
    {"edgelist", validate_file, network_build_edgelist,
     "ties read from network.file: CSV source,target or a .csr binary"},
};

/* The row of network.type; NULL (err filled, SIM_EINTERNAL) when the name is
 * in the choices of network.type but not in the table: a bug. */
static const network_type *find_type(const scenario *scn, sim_error *err)
{
    const char *type = scenario_string(scn, "network.type");
    for (size_t t = 0; t < sizeof network_types / sizeof network_types[0]; t++)
        if (strcmp(network_types[t].name, type) == 0) return &network_types[t];
    sim_error_set(err, SIM_EINTERNAL, NULL, 0, 0, "network.type", "unknown network type \"%s\"",
                  type);
    return NULL;
}

/* ---------- validation and dispatch ---------- */

int network_validate(const scenario *scn, sim_error *err)
{
    const double *share[NET_GENERATIONS];
    int len[NET_GENERATIONS], levels = 0;
    for (int g = 0; g < NET_GENERATIONS; g++) {
        share[g] = scenario_list(scn, network_generation_keys[g], &len[g]);
        if (len[g] > levels) levels = len[g];
    }
    for (int l = 0; l < levels; l++) {
        double s[NET_GENERATIONS], sum = 0;
        for (int g = 0; g < NET_GENERATIONS; g++) {
            s[g] = len[g] > 0 ? share[g][l < len[g] ? l : len[g] - 1] : 0;
            sum += s[g];
        }
        if (fabs(sum - 1) > 1e-6)
            return scenario_error(scn, network_generation_keys[0], err,
                                  "generation shares at level %d sum to %.10g, not 1 "
                                  "(gen_z %g + millennial %g + gen_x %g + boomer %g)",
                                  l, sum, s[0], s[1], s[2], s[3]);
    }

    const network_type *type = find_type(scn, err);
    if (!type) return SIM_EINTERNAL;
    return type->validate(scn, err);
}

int network_build(const scenario *scn, uint32_t seed, sim_network **out, sim_error *err)
{
    *out = NULL;
    int st = network_validate(scn, err);
    if (st) return st;
    return find_type(scn, err)->build(scn, seed, out, err);
}
