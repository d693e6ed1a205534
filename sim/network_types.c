/* network_types.c: the network.* and organization.* parameters, the table
 * of network types (network_types: name, checks, builder, one line of help)
 * and network_validate / network_build, which dispatch on network.type
 * through it, and network_estimate, the size of a network before it is
 * built.  To add a type: its builder, a row in network_types, its name in
 * the choices of network.type and its case in network_estimate. */
#include "network.h"
#include "network_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "input.h"

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
    {.path = "network.nodes", .type = PARAM_INT, .unit = "agents", .min = 0, .max = 2000000000,
     .def = "0",
     .help = "edgelist: the number of nodes; ids are then 0..nodes-1 and nodes without ties are "
             "agents too; 0: the agents are the ids that appear in a tie"},
    {.path = "network.node_file", .type = PARAM_STRING, .unit = "", .def = "",
     .help = "edgelist (CSV): a file of node ids, one per line (optional header \"id\"); the "
             "agents are these nodes, with or without ties; relative to the scenario file"},
    {.path = "organization.span", .type = PARAM_INT, .unit = "agents", .min = 1, .max = 100000,
     .def = "8", .help = "direct reports per manager"},
    {.path = "organization.teammate_ties", .type = PARAM_INT, .unit = "ties", .min = 1,
     .max = 100000, .def = "100",
     .help = "organization, orgchart: the most teammates each member of a team is tied to; in a "
             "larger team each is tied to this many, the nearest in a random circular order"},
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

/* edgelist: the file, and at most one way of declaring the nodes. */
static int validate_edgelist(const scenario *scn, sim_error *err)
{
    int st = validate_file(scn, err);
    if (st) return st;
    const char *node_file = scenario_string(scn, "network.node_file");
    if (node_file[0] && scenario_int(scn, "network.nodes") > 0)
        return scenario_error(scn, "network.node_file", err,
                              "give network.nodes (ids 0..nodes-1) or network.node_file (the ids "
                              "listed), not both");
    if (node_file[0] && network_file_is_csr(scenario_string(scn, "network.file")))
        return scenario_error(scn, "network.node_file", err,
                              "a .csr file holds its own node count; network.node_file is for "
                              "CSV edge lists");
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
    {"edgelist", validate_edgelist, network_build_edgelist,
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
    /* the node keys belong to edge lists: set elsewhere they would do nothing */
    if (strcmp(type->name, "edgelist") != 0) {
        if (scenario_int(scn, "network.nodes") > 0)
            return scenario_error(scn, "network.nodes", err,
                                  "network.nodes is for network.type edgelist, not %s%s",
                                  type->name, strcmp(type->name, "orgchart") == 0 ? ""
                                  : " (the number of agents is network.agents)");
        if (scenario_string(scn, "network.node_file")[0])
            return scenario_error(scn, "network.node_file", err,
                                  "network.node_file is for network.type edgelist, not %s",
                                  type->name);
    }
    return type->validate(scn, err);
}

int network_build(const scenario *scn, uint32_t seed, sim_network **out, sim_error *err)
{
    *out = NULL;
    int st = network_validate(scn, err);
    if (st) return st;
    return find_type(scn, err)->build(scn, seed, out, err);
}

/* ---------- the size of a network before it is built ---------- */

/* Bytes read from the head of a CSV file to estimate its lines. */
#define HEAD_BYTES 65536

/* Lines of a text file: counted in its first HEAD_BYTES, scaled to its
 * size (exact for a smaller file). */
static int estimate_lines(const char *path, const char *what, int64_t *lines, sim_error *err)
{
    int fd;
    int64_t size;
    *lines = 0;
    int st = input_open(path, what, INPUT_MAX_TABLE, "network.file", &fd, &size, err);
    if (st) return st;
    size_t want = size < HEAD_BYTES ? (size_t)size : HEAD_BYTES;
    char *head = malloc(want > 0 ? want : 1);
    ssize_t got = head ? pread(fd, head, want, 0) : -1;
    close(fd);
    if (got > 0) {
        int64_t ends = 0;
        for (ssize_t i = 0; i < got; i++) ends += head[i] == '\n';
        if (got == size) *lines = ends + (head[got - 1] != '\n');
        else *lines = ends > 0 ? (int64_t)((double)ends * (double)size / (double)got) + 1 : 1;
    }
    free(head);
    return SIM_OK; /* a read error is for the builder to report */
}

/* Teammate ties (once per direction) of a team of size members. */
static int64_t team_arcs(int64_t size, int64_t cap)
{
    return size > 1 ? size * (size - 1 <= cap ? size - 1 : cap) : 0;
}

/* The CSR arrays of n agents and arcs ties, and the ties generated a batch
 * at a time. */
static int64_t csr_bytes(int64_t n, int64_t arcs)
{
    return 8 * (n + 1) + 4 * arcs;
}

int network_estimate(const scenario *scn, network_size *out, sim_error *err)
{
    const char *type = scenario_string(scn, "network.type");
    int64_t n = scenario_int(scn, "network.agents");
    int64_t cap = scenario_int(scn, "organization.teammate_ties");
    double peers = scenario_double(scn, "organization.peer_ties");
    const int64_t org_attributes = sizeof(int32_t) + sizeof(int16_t) + sizeof(int8_t) +
                                   2 * sizeof(int32_t); /* manager, level, generation, team,
                                                           department */
    const int64_t batch = (int64_t)NET_BATCH * 2 * sizeof(int32_t);
    memset(out, 0, sizeof *out);
    out->agents = n;

    if (strcmp(type, "complete") == 0) {
        out->bytes = sizeof(sim_network);
    } else if (strcmp(type, "ring") == 0 || strcmp(type, "watts_strogatz") == 0) {
        out->arcs = n * scenario_int(scn, "network.k");
        out->bytes = csr_bytes(n, out->arcs) + batch;
    } else if (strcmp(type, "organization") == 0) {
        int64_t span = scenario_int(scn, "organization.span");
        int64_t full = n > 1 ? (n - 1) / span : 0, rest = n > 1 ? (n - 1) % span : 0;
        out->arcs = 2 * (n - 1) + full * team_arcs(span, cap) + team_arcs(rest, cap) +
                    (int64_t)((double)n * peers);
        /* + the departments (4 bytes an agent) and the peer-tie batches */
        out->bytes = csr_bytes(n, out->arcs) + (org_attributes + 4) * n + 3 * batch +
                     32 * (full + 2); /* + the teams' names */
    } else {
        char *path = scenario_resolve_path(scn->file, scenario_string(scn, "network.file"));
        if (!path) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        int st = SIM_OK;
        if (strcmp(type, "orgchart") == 0) {
            int64_t lines = 0;
            st = estimate_lines(path, "org chart", &lines, err);
            int64_t rows = lines > 1 ? lines - 1 : 1;
            out->agents = rows;
            out->arcs = 2 * (rows - 1) + rows * (rows - 1 < cap ? rows - 1 : cap) +
                        (int64_t)((double)rows * peers);
            /* + reading the chart: its rows, text, id tables and the ids kept */
            out->bytes = csr_bytes(rows, out->arcs) + (org_attributes + 4) * rows + 3 * batch +
                         160 * rows;
        } else if (network_file_is_csr(path)) {
            int fd;
            int64_t size;
            unsigned char head[12];
            st = input_open(path, "CSR file", INPUT_MAX_TABLE, "network.file", &fd, &size, err);
            if (!st) {
                if (size >= 12 && pread(fd, head, 12, 0) == 12) {
                    uint32_t n32 = (uint32_t)head[0] | (uint32_t)head[1] << 8 |
                                   (uint32_t)head[2] << 16 | (uint32_t)head[3] << 24;
                    uint64_t nnz = 0;
                    for (int b = 7; b >= 0; b--) nnz = nnz << 8 | head[4 + b];
                    /* a header that does not match the size is for the builder to report */
                    if ((int64_t)n32 >= 1 && nnz <= (uint64_t)size / 4) {
                        out->agents = (int32_t)n32;
                        out->arcs = (int64_t)nnz;
                    }
                }
                close(fd);
            }
            out->bytes = csr_bytes(out->agents, out->arcs) + 4 * out->agents;
        } else {
            int64_t lines = 0, nodes = scenario_int(scn, "network.nodes");
            st = estimate_lines(path, "edge-list file", &lines, err);
            int64_t ties = lines > 1 ? lines - 1 : 0;
            /* undeclared nodes: about one agent a tie (mean degree 2) */
            out->agents = nodes > 0 ? nodes : ties;
            out->arcs = 2 * ties;
            /* reading: the pairs of ids (16 bytes, up to twice that while the
             * array grows), their sorted copy and the relabelled pairs; with
             * declared nodes the pairs are relabelled as they are read */
            int declared = nodes > 0 || scenario_string(scn, "network.node_file")[0];
            out->bytes = csr_bytes(out->agents, out->arcs) + (declared ? 16 : 56) * ties;
        }
        free(path);
        if (st) return st;
    }
    return SIM_OK;
}
