/* test_orgchart.c: organizations read from an org-chart CSV (network.type
 * orgchart): breadth-first numbering, levels, teams, ids, the ties (reporting
 * line, teammates, peer ties as in generated organizations), the format's
 * leniencies, every input error with its line, and `adoptsim check`. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "network.h"
#include "orgchart.h"
#include "support.h"

#define DATA "tests/data/orgchart/"
#define EXAMPLE "configs/orgchart_example.csv"

/* ---------- helpers ---------- */

/* A scenario of the network rows' defaults, network.type=orgchart with
 * network.file=path (none when NULL) and the extra overrides applied. */
static scenario *chart_scenario(const char *path, const char *const *sets)
{
    const param_def *tables[] = {network_params};
    scenario *scn = NULL;
    sim_error err;
    char buf[2048], file[1100];
    cr_assert_eq(scenario_alloc(tables, 1, &scn, &err), SIM_OK, "%s",
                 sim_error_format(&err, buf, sizeof buf));
    snprintf(file, sizeof file, "network.file=%s", path);
    const char *base[] = {"network.type=orgchart", file};
    for (size_t i = 0; i < (path ? 2u : 1u); i++)
        cr_assert_eq(scenario_set(scn, base[i], &err), SIM_OK, "%s: %s", base[i],
                     sim_error_format(&err, buf, sizeof buf));
    for (size_t i = 0; sets && sets[i]; i++)
        cr_assert_eq(scenario_set(scn, sets[i], &err), SIM_OK, "%s: %s", sets[i],
                     sim_error_format(&err, buf, sizeof buf));
    return scn;
}

/* Build the org chart at path with the overrides; the test fails on error. */
static sim_network *load(const char *path, const char *const *sets, uint32_t seed)
{
    scenario *scn = chart_scenario(path, sets);
    sim_network *net = NULL;
    sim_error err;
    char buf[2048];
    int rc = network_build(scn, seed, &net, &err);
    cr_assert_eq(rc, SIM_OK, "network_build: %s", sim_error_format(&err, buf, sizeof buf));
    cr_assert_not_null(net);
    scenario_free(scn);
    return net;
}

static const char *const no_peers[] = {"organization.peer_ties=0", NULL};

/* Agent with the given original id, -1 if none. */
static int32_t agent_of(const sim_network *net, const char *id)
{
    for (int32_t i = 0; i < net->n; i++)
        if (strcmp(net->ids[i], id) == 0) return i;
    return -1;
}

/* Level-1 ancestor of i (i itself at levels 0 and 1): its department. */
static int32_t department(const sim_network *net, int32_t i)
{
    while (i > 0 && net->manager[i] > 0) i = net->manager[i];
    return i;
}

/* What every org chart satisfies: a valid CSR; breadth-first ids (root 0,
 * managers before their reports, each manager's reports consecutive);
 * levels = depth; teams numbered by first appearance; every agent tied to
 * its manager and its teammates. */
static void check_org(const sim_network *net)
{
    cr_assert_str_eq(net->kind, "orgchart");
    cr_assert_not_null(net->row);
    cr_assert_not_null(net->ids);
    cr_assert_eq(net->row[0], 0);
    for (int32_t i = 0; i < net->n; i++) {
        cr_assert_leq(net->row[i], net->row[i + 1]);
        for (int64_t p = net->row[i]; p < net->row[i + 1]; p++) {
            int32_t j = net->col[p];
            cr_assert(j >= 0 && j < net->n && j != i, "row %d: bad neighbour %d", i, j);
            if (p > net->row[i]) cr_assert_lt(net->col[p - 1], j, "row %d not sorted/unique", i);
            cr_assert(support_has_tie(net, j, i), "%d lists %d but not the reverse", i, j);
        }
    }
    cr_assert_eq(net->manager[0], -1);
    cr_assert_eq(net->level[0], 0);
    int max_level = 0, max_team = -1;
    for (int32_t i = 0; i < net->n; i++) {
        cr_assert_not_null(net->ids[i]);
        cr_assert(net->generation[i] >= 0 && net->generation[i] < NET_GENERATIONS);
        cr_assert(net->team[i] >= 0 && net->team[i] <= max_team + 1,
                  "team %d of agent %d not in order of first appearance", net->team[i], i);
        if (net->team[i] > max_team) max_team = net->team[i];
        if (i == 0) continue;
        int32_t m = net->manager[i];
        cr_assert(m >= 0 && m < i, "manager of %d is %d", i, m);
        cr_assert_geq(m, net->manager[i - 1], "reports of a manager not consecutive at %d", i);
        cr_assert_eq(net->level[i], net->level[m] + 1);
        if (net->level[i] > max_level) max_level = net->level[i];
        cr_assert(support_has_tie(net, i, m), "%d not tied to its manager %d", i, m);
    }
    cr_assert_eq(net->n_levels, max_level + 1);
    cr_assert_eq(net->n_teams, max_team + 1);
    for (int32_t i = 0; i < net->n; i++)
        for (int32_t j = i + 1; j < net->n && net->n <= 5000; j++)
            if (net->team[i] == net->team[j])
                cr_assert(support_has_tie(net, i, j), "teammates %d %d not tied", i, j);
}

/* Ties that are not the reporting line and not between teammates. */
static int64_t peer_arcs(const sim_network *net)
{
    int64_t count = 0;
    for (int32_t i = 0; i < net->n; i++)
        for (int64_t p = net->row[i]; p < net->row[i + 1]; p++) {
            int32_t j = net->col[p];
            if (net->manager[i] != j && net->manager[j] != i && net->team[i] != net->team[j])
                count++;
        }
    return count;
}

static int same_csr(const sim_network *a, const sim_network *b)
{
    if (a->n != b->n || a->row[a->n] != b->row[b->n]) return 0;
    return memcmp(a->row, b->row, ((size_t)a->n + 1) * sizeof *a->row) == 0 &&
           memcmp(a->col, b->col, (size_t)a->row[a->n] * sizeof *a->col) == 0;
}

/* A random tree of n people (each reports to an earlier one), written in a
 * shuffled order with ids P<number>; returns the path (in dir). */
static char *write_random_chart(const char *dir, int32_t n, uint64_t seed)
{
    uint64_t s = seed;
#define NEXT() (s = s * 6364136223846793005ull + 1442695040888963407ull, (uint32_t)(s >> 33))
    int32_t *boss = malloc((size_t)n * sizeof *boss), *perm = malloc((size_t)n * sizeof *perm);
    cr_assert(boss && perm);
    for (int32_t i = 0; i < n; i++) {
        boss[i] = i == 0 ? -1 : (int32_t)(NEXT() % (uint32_t)(i < 40 ? i : i / 3 + 1));
        perm[i] = i;
    }
    for (int32_t i = n - 1; i > 0; i--) {
        int32_t j = (int32_t)(NEXT() % (uint32_t)(i + 1)), t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    size_t cap = (size_t)n * 48 + 64, len = 0;
    char *text = malloc(cap);
    cr_assert_not_null(text);
    len += (size_t)sprintf(text, "id,manager_id,generation\n");
    for (int32_t k = 0; k < n; k++) {
        int32_t i = perm[k];
        if (boss[i] < 0) len += (size_t)sprintf(text + len, "P%d,,gen_x\n", i);
        else len += (size_t)sprintf(text + len, "P%d,P%d,%s\n", i, boss[i],
                                    network_generation_names[NEXT() % NET_GENERATIONS]);
    }
#undef NEXT
    char *path = support_write(dir, "random.csv", text, len);
    free(text);
    free(boss);
    free(perm);
    return path;
}

/* ---------- good charts ---------- */

Test(orgchart, good_chart_is_numbered_breadth_first)
{
    sim_network *net = load(DATA "good.csv", no_peers, 1);
    check_org(net);
    cr_assert_eq(net->n, 8);
    /* A; its reports B2, B1 in file order; then B2's C2; B1's C3, C1, C4; C1's D1. */
    static const char *const ids[] = {"A", "B2", "B1", "C2", "C3", "C1", "C4", "D1"};
    static const int32_t manager[] = {-1, 0, 0, 1, 2, 2, 2, 5};
    static const int16_t level[] = {0, 1, 1, 2, 2, 2, 2, 3};
    static const int32_t team[] = {0, 1, 1, 2, 3, 3, 3, 4};
    static const int8_t generation[] = {3, 2, 1, 2, 0, 0, 1, 0};
    for (int32_t i = 0; i < 8; i++) {
        cr_expect_str_eq(net->ids[i], ids[i], "agent %d", i);
        cr_expect_eq(net->manager[i], manager[i], "manager of %s", ids[i]);
        cr_expect_eq(net->level[i], level[i], "level of %s", ids[i]);
        cr_expect_eq(net->team[i], team[i], "team of %s", ids[i]);
        cr_expect_eq(net->generation[i], generation[i], "generation of %s", ids[i]);
    }
    cr_expect_eq(net->n_levels, 4);
    cr_expect_eq(net->n_teams, 5);
    /* 7 reporting ties + teammates B2-B1 and C3-C1-C4 (3 pairs), nothing else. */
    cr_expect_eq(network_arcs(net), 2 * 11);
    cr_expect(support_has_tie(net, 1, 2) && support_has_tie(net, 4, 5) && support_has_tie(net, 4, 6) && support_has_tie(net, 5, 6));
    cr_expect(!support_has_tie(net, 3, 4), "C2 and C3 have different managers");
    cr_expect_eq(peer_arcs(net), 0);
    cr_expect_gt(network_bytes(net), (size_t)8 * (sizeof(char *) + 2));
    network_free(net);
}

Test(orgchart, consistent_level_column_is_accepted)
{
    sim_network *a = load(DATA "levels.csv", no_peers, 1);
    sim_network *b = load(DATA "good.csv", no_peers, 1);
    check_org(a);
    cr_assert(same_csr(a, b));
    for (int32_t i = 0; i < a->n; i++) {
        cr_expect_str_eq(a->ids[i], b->ids[i]);
        cr_expect_eq(a->level[i], b->level[i]);
        cr_expect_eq(a->team[i], b->team[i]);
    }
    network_free(a);
    network_free(b);
}

Test(orgchart, team_labels_group_people_across_managers)
{
    sim_network *net = load(DATA "teams.csv", no_peers, 1);
    check_org(net);
    static const char *const ids[] = {"A", "B1", "B2", "C1", "C2", "C3"};
    static const int32_t team[] = {0, 1, 1, 2, 2, 3}; /* -, Leads, Leads, Squad, Squad, B2's */
    for (int32_t i = 0; i < 6; i++) {
        cr_expect_str_eq(net->ids[i], ids[i]);
        cr_expect_eq(net->team[i], team[i], "team of %s", ids[i]);
    }
    cr_expect_eq(net->n_teams, 4);
    cr_expect(support_has_tie(net, 3, 4), "Squad members C1 and C2 report to different managers");
    cr_expect(!support_has_tie(net, 4, 5), "C2 (Squad) and C3 (no label) are not teammates");
    cr_expect_eq(network_arcs(net), 2 * 7); /* 5 reporting + B1-B2 + C1-C2 */
    network_free(net);
}

Test(orgchart, bom_crlf_blank_lines_quotes_and_any_column_order)
{
    sim_network *net = load(DATA "format.csv", no_peers, 1);
    check_org(net);
    cr_assert_eq(net->n, 3);
    cr_expect_str_eq(net->ids[0], "E 1");
    cr_expect_str_eq(net->ids[1], "E2");
    cr_expect_str_eq(net->ids[2], "E3");
    cr_expect_eq(net->generation[0], 3);
    cr_expect_eq(net->generation[1], 2);
    cr_expect_eq(net->generation[2], 0);
    cr_expect_eq(net->team[1], net->team[2], "both labelled Core \"A\"");
    cr_expect_eq(net->n_teams, 2);
    cr_expect_eq(network_arcs(net), 4);
    network_free(net);
}

Test(orgchart, example_chart_loads)
{
    sim_network *net = load(EXAMPLE, NULL, 3);
    check_org(net);
    cr_expect_eq(net->n, 60);
    cr_expect_str_eq(net->ids[0], "E1000");
    int heads = 0, count[NET_GENERATIONS] = {0};
    for (int32_t i = 0; i < net->n; i++) {
        heads += net->level[i] == 1;
        count[net->generation[i]]++;
    }
    cr_expect_eq(heads, 6, "5 department heads and a chief of staff");
    cr_expect_eq(net->n_levels, 4);
    for (int g = 0; g < NET_GENERATIONS; g++) cr_expect_gt(count[g], 0, "%d", g);
    int32_t cfo = agent_of(net, "E1500");
    cr_assert_geq(cfo, 1);
    cr_expect_eq(net->manager[cfo], 0);
    network_free(net);
}

/* ---------- ties ---------- */

Test(orgchart, peer_ties_only_when_asked_for)
{
    sim_network *none = load(EXAMPLE, no_peers, 1);
    cr_expect_eq(peer_arcs(none), 0);
    const char *sets[] = {"organization.peer_ties=4", NULL};
    sim_network *some = load(EXAMPLE, sets, 1);
    check_org(some);
    cr_expect_gt(peer_arcs(some), 0);
    cr_expect_gt(network_arcs(some), network_arcs(none));
    /* the tree and teams do not change */
    for (int32_t i = 0; i < none->n; i++) {
        cr_expect_eq(some->manager[i], none->manager[i]);
        cr_expect_eq(some->team[i], none->team[i]);
        for (int64_t p = none->row[i]; p < none->row[i + 1]; p++)
            cr_expect(support_has_tie(some, i, none->col[p]));
    }
    network_free(none);
    network_free(some);
}

Test(orgchart, peer_ties_mean_degree_follows_peer_ties)
{
    char *dir = support_tmpdir();
    char *path = write_random_chart(dir, 20000, 7);
    sim_network *base = load(path, no_peers, 1);
    const char *sets[] = {"organization.peer_ties=6", NULL};
    sim_network *net = load(path, sets, 1);
    check_org(net);
    double extra = (double)(network_arcs(net) - network_arcs(base)) / net->n;
    cr_expect(extra > 5.5 && extra < 6.1, "peer ties add %.3f per agent, expected about 6", extra);
    network_free(base);
    network_free(net);
    free(path);
    support_rmdir(dir);
}

Test(orgchart, block_peer_ties_stay_in_the_department)
{
    char *dir = support_tmpdir();
    char *path = write_random_chart(dir, 5000, 11);
    const char *sets[] = {"organization.peer_ties=4", "organization.peer_structure=block",
                          "organization.peer_within_department=1", NULL};
    sim_network *net = load(path, sets, 2);
    check_org(net);
    int32_t *size = calloc((size_t)net->n, sizeof *size);
    for (int32_t i = 0; i < net->n; i++) size[department(net, i)]++;
    int64_t peers = 0;
    for (int32_t i = 1; i < net->n; i++)
        for (int64_t p = net->row[i]; p < net->row[i + 1]; p++) {
            int32_t j = net->col[p];
            if (j == 0 || net->manager[i] == j || net->manager[j] == i ||
                net->team[i] == net->team[j])
                continue;
            int32_t di = department(net, i), dj = department(net, j);
            if (size[di] < 2 || size[dj] < 2) continue; /* drawn anywhere */
            peers++;
            cr_assert_eq(di, dj, "peer tie %s-%s leaves the department", net->ids[i], net->ids[j]);
        }
    cr_expect_gt(peers, 0);
    free(size);

    const char *world[] = {"organization.peer_ties=4", "organization.peer_structure=small_world",
                           NULL};
    sim_network *sw = load(path, world, 2);
    int64_t across = 0;
    for (int32_t i = 1; i < sw->n; i++)
        for (int64_t p = sw->row[i]; p < sw->row[i + 1]; p++)
            across += department(sw, i) != department(sw, sw->col[p]);
    cr_expect_gt(across, 0, "small world peer ties cross departments");
    network_free(sw);
    network_free(net);
    free(path);
    support_rmdir(dir);
}

Test(orgchart, ties_depend_on_the_seed_only)
{
    const char *sets[] = {"organization.peer_ties=6", NULL};
    sim_network *a = load(EXAMPLE, sets, 42);
    sim_network *b = load(EXAMPLE, sets, 42);
    sim_network *c = load(EXAMPLE, sets, 43);
    cr_expect(same_csr(a, b), "same seed, same network");
    cr_expect(!same_csr(a, c), "another seed, other peer ties");
    for (int32_t i = 0; i < a->n; i++) cr_expect_str_eq(a->ids[i], c->ids[i]);
    network_free(a);
    network_free(b);
    network_free(c);
}

Test(orgchart, large_random_chart)
{
    char *dir = support_tmpdir();
    char *path = write_random_chart(dir, 30000, 3);
    sim_network *net = load(path, NULL, 5);
    check_org(net);
    cr_expect_eq(net->n, 30000);
    cr_expect_str_eq(net->ids[0], "P0");
    int32_t *seen = calloc(30000, sizeof *seen);
    for (int32_t i = 0; i < net->n; i++) {
        int id = atoi(net->ids[i] + 1);
        cr_assert(id >= 0 && id < 30000 && !seen[id], "id %s", net->ids[i]);
        seen[id] = 1;
    }
    free(seen);
    network_free(net);
    free(path);
    support_rmdir(dir);
}

Test(orgchart, file_is_relative_to_the_scenario_file)
{
    char *dir = support_tmpdir();
    const char *chart = "id,manager_id,generation\nboss,,gen_x\nme,boss,gen_z\n";
    const char *yaml = "network:\n  type: orgchart\n  file: chart.csv\n";
    char *cpath = support_write(dir, "chart.csv", chart, strlen(chart));
    char *ypath = support_write(dir, "scenario.yaml", yaml, strlen(yaml));
    const param_def *tables[] = {network_params};
    scenario *scn = NULL;
    sim_error err;
    char buf[2048];
    cr_assert_eq(scenario_alloc(tables, 1, &scn, &err), SIM_OK);
    cr_assert_eq(scenario_load_file(scn, ypath, &err), SIM_OK, "%s",
                 sim_error_format(&err, buf, sizeof buf));
    sim_network *net = NULL;
    cr_assert_eq(network_build(scn, 1, &net, &err), SIM_OK, "%s",
                 sim_error_format(&err, buf, sizeof buf));
    cr_expect_eq(net->n, 2);
    cr_expect_str_eq(net->ids[1], "me");
    network_free(net);
    scenario_free(scn);
    free(cpath);
    free(ypath);
    support_rmdir(dir);
}

Test(orgchart, one_person_and_the_reader_alone)
{
    char *dir = support_tmpdir();
    const char *text = "id,manager_id,generation,level\nsolo,-,millennial,0\n";
    char *path = support_write(dir, "one.csv", text, strlen(text));
    const char *sets[] = {"organization.peer_ties=8", NULL};
    sim_network *net = load(path, sets, 1);
    check_org(net);
    cr_expect_eq(net->n, 1);
    cr_expect_eq(network_arcs(net), 0);
    cr_expect_eq(net->n_levels, 1);
    cr_expect_eq(net->n_teams, 1);
    network_free(net);

    /* orgchart_read fills the organization, network_build adds the ties */
    sim_error err;
    cr_assert_eq(orgchart_read(DATA "good.csv", &net, &err), SIM_OK, "%s", err.msg);
    cr_expect_eq(net->n, 8);
    cr_expect_null(net->row);
    cr_expect_null(net->col);
    cr_expect_str_eq(net->ids[7], "D1");
    network_free(net);
    free(path);
    support_rmdir(dir);
}

Test(orgchart, generated_networks_have_no_ids)
{
    const param_def *tables[] = {network_params};
    scenario *scn = NULL;
    sim_error err;
    cr_assert_eq(scenario_alloc(tables, 1, &scn, &err), SIM_OK);
    cr_assert_eq(scenario_set(scn, "network.agents=50", &err), SIM_OK);
    sim_network *net = NULL;
    cr_assert_eq(network_build(scn, 1, &net, &err), SIM_OK);
    cr_expect_null(net->ids);
    network_free(net);
    scenario_free(scn);
}

/* ---------- errors ---------- */

/* Building the chart text must fail with status, at line, with needle in
 * the message, naming the file and key network.file. */
static void expect_error(const char *text, size_t len, int status, int line, const char *needle)
{
    char *dir = support_tmpdir();
    char *path = support_write(dir, "chart.csv", text, len ? len : strlen(text));
    scenario *scn = chart_scenario(path, NULL);
    sim_network *net = NULL;
    sim_error err;
    int rc = network_build(scn, 1, &net, &err);
    cr_expect_eq(rc, status, "status %d, expected %d (%s) for:\n%s", rc, status, err.msg, text);
    cr_expect_null(net);
    cr_expect_str_eq(err.file, path);
    cr_expect_str_eq(err.key, "network.file");
    cr_expect_eq(err.line, line, "line %d, expected %d (%s)", err.line, line, err.msg);
    cr_expect(strstr(err.msg, needle) != NULL, "message \"%s\" lacks \"%s\"", err.msg, needle);
    network_free(net);
    scenario_free(scn);
    free(path);
    support_rmdir(dir);
}

#define BAD(text, line, needle) expect_error(text, 0, SIM_EINPUT, line, needle)

Test(orgchart, missing_required_column_names_the_header)
{
    BAD("id,boss,generation\nA,,gen_x\n", 1,
        "missing column \"manager_id\" (the header has: id, boss, generation)");
    BAD("\n\nmanager_id,ID,team\nA,,x\n", 3,
        "missing column \"generation\" (the header has: manager_id, ID, team)");
    BAD("name,manager_id,generation\n", 1, "missing column \"id\"");
    BAD("id,manager_id,generation,ID\nA,,gen_x,B\n", 1,
        "column \"id\" appears twice in the header (columns 1 and 4)");
}

Test(orgchart, duplicate_id_names_both_lines)
{
    BAD("id,manager_id,generation\nA,,gen_x\nB,A,gen_z\n\nB,A,gen_z\n", 5,
        "duplicate id \"B\": lines 3 and 5");
}

Test(orgchart, unknown_manager)
{
    BAD("id,manager_id,generation\nA,,gen_x\nB,A,gen_z\nC,E9,gen_z\n", 4,
        "manager \"E9\" is not an id in this file");
}

Test(orgchart, roots)
{
    BAD("id,manager_id,generation\nX,,gen_x\nB,X,gen_z\nY,-,boomer\nC,Y,gen_z\n", 4,
        "2 roots: ids \"X\" (line 2) and \"Y\" (line 4); an organization has one chief officer");
    BAD("id,manager_id,generation\nX,,gen_x\nY,,gen_x\nZ,,gen_x\n", 3,
        "3 roots: ids \"X\" (line 2), \"Y\" (line 3) and 1 more");
    BAD("id,manager_id,generation\nA,B,gen_x\nB,A,gen_x\n", 2,
        "no root: every row has a manager (reporting cycle: A -> B -> A)");
}

Test(orgchart, reporting_cycles)
{
    BAD("id,manager_id,generation\nR,,gen_x\nA,R,gen_x\nC,B,gen_z\nB,D,gen_z\nD,C,gen_z\n"
        "E,D,gen_z\n",
        4, "reporting cycle: C -> B -> D -> C");
    BAD("id,manager_id,generation\nR,,gen_x\nS,S,gen_z\n", 3, "reporting cycle: S -> S");
    /* a long cycle is shortened */
    char text[4096];
    size_t len = (size_t)sprintf(text, "id,manager_id,generation\nR,,gen_x\n");
    for (int i = 0; i < 20; i++)
        len += (size_t)sprintf(text + len, "N%d,N%d,gen_z\n", i, (i + 1) % 20);
    expect_error(text, len, SIM_EINPUT, 3,
                 "reporting cycle: N0 -> N1 -> N2 -> N3 -> N4 -> N5 -> N6 -> N7 -> ... -> N0 "
                 "(20 people)");
}

Test(orgchart, bad_generation_lists_the_choices)
{
    BAD("id,manager_id,generation\nA,,gen_x\nB,A,Gen Alpha\n", 3,
        "generation \"Gen Alpha\" is not one of gen_z, millennial, gen_x, boomer");
    BAD("id,manager_id,generation\nA,,\n", 2, "generation \"\" is not one of");
}

Test(orgchart, bad_level)
{
    BAD("id,manager_id,generation,level\nA,,gen_x,0\nB,A,gen_x,1\nC,B,gen_z,3\n", 4,
        "level 3 does not match the reporting line (depth 2)");
    BAD("id,manager_id,generation,level\nA,,gen_x,1\n", 2,
        "level 1 does not match the reporting line (depth 0)");
    BAD("id,manager_id,generation,level\nA,,gen_x,0\nB,A,gen_x,one\n", 3,
        "level \"one\" is not an integer from 0 to 32767");
    BAD("id,manager_id,generation,level\nA,,gen_x,-1\n", 2, "level \"-1\" is not an integer");
}

Test(orgchart, bad_rows)
{
    BAD("id,manager_id,generation\nA,,gen_x\nB,A\n", 3,
        "2 fields where the header has 3: \"B,A\"");
    BAD("id,manager_id,generation\nA,,gen_x\nB,A,gen_x,extra\n", 3, "4 fields where the header has 3");
    BAD("id,manager_id,generation\nA,,gen_x\n ,A,gen_z\n", 3, "empty id");
    BAD("id,manager_id,generation\nA,,gen_x\n\"\",A,gen_z\n", 3, "empty id");
    BAD("id,manager_id,generation\nA,,gen_x\n-,A,gen_z\n", 3, "id \"-\" is not allowed");
    BAD("id,manager_id,generation\nA,,gen_x\n\"B,A,gen_z\n", 3, "unterminated quoted field");
    BAD("id,manager_id,generation\nA,,gen_x\n\"B\"x,A,gen_z\n", 3, "text after a closing quote");
    static const char nul[] = "id,manager_id,generation\nA,,gen_x\nB,A\0,gen_z\n";
    expect_error(nul, sizeof nul - 1, SIM_EINPUT, 3, "NUL byte");
}

Test(orgchart, empty_files)
{
    BAD("", 0, "empty org chart: expected a header with columns id, manager_id, generation");
    BAD("\n  \r\n\n", 0, "empty org chart");
    BAD("id,manager_id,generation\r\n\r\n", 0, "no people: the org chart has a header only");
}

Test(orgchart, levels_are_limited_to_32768)
{
    const int32_t n = 32769; /* a chain: the last one is at depth 32768 */
    size_t cap = (size_t)n * 24 + 64, len = 0;
    char *text = malloc(cap);
    cr_assert_not_null(text);
    len += (size_t)sprintf(text, "id,manager_id,generation\nR0,,gen_x\n");
    for (int32_t k = 1; k < n; k++)
        len += (size_t)sprintf(text + len, "R%d,R%d,gen_z\n", k, k - 1);
    expect_error(text, len, SIM_EINPUT, n + 1, "the reporting line is more than 32768 levels deep");
    /* one level less loads */
    char *dir = support_tmpdir();
    char *last = strstr(text, "\nR32768,");
    cr_assert_not_null(last);
    char *path = support_write(dir, "chain.csv", text, (size_t)(last - text) + 1);
    sim_network *net = load(path, no_peers, 1);
    cr_expect_eq(net->n, n - 1);
    cr_expect_eq(net->n_levels, 32768);
    cr_expect_eq(net->level[n - 2], 32767);
    network_free(net);
    free(path);
    free(text);
    support_rmdir(dir);
}

Test(orgchart, missing_file_is_bad_input)
{
    scenario *scn = chart_scenario("/nonexistent/dir/chart.csv", NULL);
    sim_network *net = NULL;
    sim_error err;
    cr_assert_eq(network_build(scn, 1, &net, &err), SIM_EINPUT);
    cr_assert_null(net);
    cr_expect_str_eq(err.file, "/nonexistent/dir/chart.csv");
    cr_expect_str_eq(err.key, "network.file");
    cr_expect(strstr(err.msg, strerror(ENOENT)) != NULL, "%s", err.msg);
    scenario_free(scn);

    /* the reader alone says the same */
    cr_assert_eq(orgchart_read("/nonexistent/dir/chart.csv", &net, &err), SIM_EINPUT);
    cr_assert_null(net);
    /* a device is not a chart, and its endless line is never read */
    cr_assert_eq(orgchart_read("/dev/zero", &net, &err), SIM_EINPUT);
    cr_expect(strstr(err.msg, "the org chart is a character device") != NULL, "%s", err.msg);
}

/* Ids are written to the results as text (the agent coordinate), which
 * xarray and h5py's .asstr() decode as UTF-8: an id, a manager_id or a team
 * label that is not valid UTF-8 or holds a control character is refused at
 * its line. */
Test(orgchart, ids_must_be_utf8_text)
{
    BAD("id,manager_id,generation\nA,,gen_x\nB\xff,A,gen_z\n", 3, "id has invalid UTF-8");
    BAD("id,manager_id,generation\nA,,gen_x\nB\xc3,A,gen_z\n", 3, "invalid UTF-8 (byte 0xc3 at byte 2");
    BAD("id,manager_id,generation\nA,,gen_x\nB\xed\xa0\x80,A,gen_z\n", 3, "invalid UTF-8");
    BAD("id,manager_id,generation\nA,,gen_x\nB\x01,A,gen_z\n", 3, "id has a control character");
    BAD("id,manager_id,generation\nA,,gen_x\n\"B\tC\",A,gen_z\n", 3, "a control character");
    BAD("id,manager_id,generation\nA,,gen_x\nB\xc2\x85,A,gen_z\n", 3, "a control character");
    BAD("id,manager_id,generation\nA,,gen_x\nB,A\xfe,gen_z\n", 3, "manager_id has invalid UTF-8");
    BAD("id,manager_id,generation,team\nA,,gen_x,\nB,A,gen_z,t\x7f\n", 3, "team has a control character");

    /* UTF-8 text is fine */
    char *dir = support_tmpdir();
    const char *text = "id,manager_id,generation,team\nZo\xc3\xab,,gen_x,\n\xe5\xbc\xa0,Zo\xc3\xab,gen_z,"
                       "\xf0\x9f\x9a\x80\n";
    char *path = support_write(dir, "chart.csv", text, strlen(text));
    sim_network *net = load(path, no_peers, 1);
    cr_expect_str_eq(net->ids[0], "Zo\xc3\xab");
    cr_expect_str_eq(net->ids[1], "\xe5\xbc\xa0");
    network_free(net);
    free(path);
    support_rmdir(dir);
}

/* ---------- teams over organization.teammate_ties ---------- */

/* A chart of one manager and reports people in one team. */
static char *write_flat_chart(const char *dir, int32_t reports)
{
    size_t cap = (size_t)reports * 24 + 64, len = 0;
    char *text = malloc(cap);
    cr_assert_not_null(text);
    len += (size_t)sprintf(text, "id,manager_id,generation\nboss,,gen_x\n");
    for (int32_t i = 0; i < reports; i++) len += (size_t)sprintf(text + len, "p%d,boss,millennial\n", (int)i);
    char *path = support_write(dir, "flat.csv", text, len);
    free(text);
    return path;
}

/* Teammates of agent i (ties to others of its team other than its manager). */
static int64_t teammates(const sim_network *net, int32_t i)
{
    int64_t k = 0;
    for (int64_t p = net->row[i]; p < net->row[i + 1]; p++) {
        int32_t j = net->col[p];
        k += j != net->manager[i] && net->manager[j] != i && net->team[j] == net->team[i];
    }
    return k;
}

/* Within the cap a team is a clique; over it every member has exactly cap
 * teammates (cap - 1 for one member when cap and the team size are both
 * odd), the ties symmetric without duplicates, the same for the same seed. */
Test(orgchart, teams_over_the_cap_have_cap_teammates)
{
    char *dir = support_tmpdir();
    for (int32_t cap = 4; cap <= 5; cap++)
        for (int32_t size = cap + 1; size <= cap + 4; size++) {
            char *path = write_flat_chart(dir, size);
            char set[64];
            snprintf(set, sizeof set, "organization.teammate_ties=%d", (int)cap);
            const char *sets[] = {"organization.peer_ties=0", set, NULL};
            sim_network *net = load(path, sets, 9);
            int32_t short_of_cap = 0;
            for (int32_t i = 1; i < net->n; i++) {
                int64_t k = teammates(net, i);
                if (size - 1 <= cap) cr_expect_eq(k, size - 1, "clique: cap %d size %d", cap, size);
                else if (k == cap - 1) short_of_cap++;
                else cr_expect_eq(k, cap, "cap %d size %d: agent %d has %lld", cap, size, i, (long long)k);
                for (int64_t p = net->row[i]; p < net->row[i + 1]; p++) {
                    cr_assert(p == net->row[i] || net->col[p - 1] < net->col[p], "duplicate");
                    cr_assert(support_has_tie(net, net->col[p], i), "not symmetric");
                }
            }
            cr_expect_eq(short_of_cap, size - 1 > cap && cap % 2 == 1 && size % 2 == 1, "cap %d size %d", cap, size);
            cr_expect_eq(network_degree(net, 0), size);
            sim_network *again = load(path, sets, 9);
            cr_expect(same_csr(net, again));
            network_free(net);
            network_free(again);
            free(path);
        }
    support_rmdir(dir);
}

/* 49,999 people reporting to one manager would be 1.25e9 teammate ties
 * (9.8 GB); at the default cap of 100 it is 2.5e6, built in bounded time
 * and memory. */
Test(orgchart, a_huge_team_is_capped, .timeout = 120)
{
    char *dir = support_tmpdir();
    char *path = write_flat_chart(dir, 49999);
    struct rusage after;
    sim_network *net = load(path, no_peers, 1);
    getrusage(RUSAGE_SELF, &after);
    cr_expect_eq(net->n, 50000);
    cr_expect_eq(network_degree(net, 0), 49999);
    for (int32_t i = 1; i < net->n; i++)
        cr_assert_eq(network_degree(net, i), 101, "agent %d: %lld ties", i,
                     (long long)network_degree(net, i));
    cr_expect_eq(network_arcs(net), 2 * 49999 + 49999 * 100LL);
    cr_expect_lt(network_bytes(net), 32e6);
    cr_expect_lt(after.ru_maxrss, 400 * 1024, "peak RSS %ld KiB", after.ru_maxrss); /* KiB */
    network_free(net);
    free(path);
    support_rmdir(dir);
}

Test(orgchart, validate_wants_a_file)
{
    scenario *scn = chart_scenario(NULL, NULL);
    sim_error err;
    cr_assert_eq(network_validate(scn, &err), SIM_EINPUT);
    cr_expect_str_eq(err.key, "network.file");
    cr_expect(strstr(err.msg, "orgchart") != NULL, "%s", err.msg);
    scenario_free(scn);
}

/* ---------- the command line ---------- */

Test(orgchart, cli_check_runs_the_example)
{
    char cwd[2048], abs[2200];
    cr_assert_not_null(getcwd(cwd, sizeof cwd));
    snprintf(abs, sizeof abs, "%s/%s", cwd, EXAMPLE);
    cr_assert_eq(access(abs, R_OK), 0, "run the tests from the repository root");
    char *dir = support_tmpdir();
    char yaml[4200];
    snprintf(yaml, sizeof yaml, "network:\n  type: orgchart\n  file: %s\n", abs);
    char *scn = support_write(dir, "org.yaml", yaml, strlen(yaml));
    const char *check[] = {"check", scn, NULL};
    char *out = NULL, *err = NULL;
    cr_expect_eq(support_exec(check, &out, &err), 0, "stderr: %s", err);
    cr_expect(strstr(out, "ok (orgchart network, 60 agents") != NULL, "stdout: %s", out);
    free(out);
    free(err);

    /* a bad chart: exit code 2 and file:line: key: message */
    const char *bad = "id,manager_id,generation\nA,,gen_x\nB,Q,gen_z\n";
    char *cpath = support_write(dir, "bad.csv", bad, strlen(bad));
    const char *yaml2 = "network:\n  type: orgchart\n  file: bad.csv\n";
    char *scn2 = support_write(dir, "bad.yaml", yaml2, strlen(yaml2));
    const char *check2[] = {"check", scn2, NULL};
    cr_expect_eq(support_exec(check2, &out, &err), 2, "stderr: %s", err);
    cr_expect(strstr(err, "bad.csv:3: network.file: manager \"Q\" is not an id in this file") != NULL,
              "stderr: %s", err);
    free(out);
    free(err);
    free(scn);
    free(scn2);
    free(cpath);
    support_rmdir(dir);
}
