/* test_network.c: the network builders (ring, Watts-Strogatz, complete,
 * organization, CSV and CSR edge lists), the general edge-list builder and
 * the cross-key validation of the network.* and organization.* rows. */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "network.h"
#include "support.h"

/* ---------- helpers ---------- */

/* A scenario of the network rows' defaults with overrides applied (not validated). */
static scenario *make_scenario(const char *const *sets)
{
    const param_def *tables[] = {network_params};
    scenario *scn = NULL;
    sim_error err;
    char buf[2048];
    int rc = scenario_alloc(tables, 1, &scn, &err);
    cr_assert_eq(rc, SIM_OK, "scenario_alloc: %s", sim_error_format(&err, buf, sizeof buf));
    for (size_t i = 0; sets && sets[i]; i++) {
        rc = scenario_set(scn, sets[i], &err);
        cr_assert_eq(rc, SIM_OK, "%s: %s", sets[i], sim_error_format(&err, buf, sizeof buf));
    }
    return scn;
}

/* Build the network the overrides describe; the test fails on error. */
static sim_network *build(const char *const *sets, uint32_t seed)
{
    scenario *scn = make_scenario(sets);
    sim_network *net = NULL;
    sim_error err;
    char buf[2048];
    int rc = network_build(scn, seed, &net, &err);
    cr_assert_eq(rc, SIM_OK, "network_build: %s", sim_error_format(&err, buf, sizeof buf));
    cr_assert_not_null(net);
    scenario_free(scn);
    return net;
}

/* Build expecting failure; returns the status and fills err. */
static int build_fails(scenario *scn, sim_error *err)
{
    sim_network *net = NULL;
    int rc = network_build(scn, 1, &net, err);
    cr_assert_neq(rc, SIM_OK, "network_build succeeded where it should fail");
    cr_assert_null(net);
    return rc;
}

/* CSR invariants: offsets monotone, rows sorted without duplicates or
 * self-ties, ids in range, j in N(i) iff i in N(j). */
static void check_csr(const sim_network *net)
{
    cr_assert_not_null(net->row);
    cr_assert_eq(net->row[0], 0);
    for (int32_t i = 0; i < net->n; i++) {
        cr_assert_leq(net->row[i], net->row[i + 1]);
        for (int64_t p = net->row[i]; p < net->row[i + 1]; p++) {
            int32_t j = net->col[p];
            cr_assert(j >= 0 && j < net->n, "row %d: id %d out of range", i, j);
            cr_assert_neq(j, i, "self-tie at %d", i);
            if (p > net->row[i]) cr_assert_lt(net->col[p - 1], j, "row %d not sorted/unique", i);
            const int32_t *a = net->col + net->row[j];
            size_t len = (size_t)(net->row[j + 1] - net->row[j]);
            int found = 0;
            size_t lo = 0, hi = len;
            while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (a[mid] < i) lo = mid + 1;
                else hi = mid;
            }
            found = lo < len && a[lo] == i;
            cr_assert(found, "%d lists %d but not the reverse", i, j);
        }
    }
    cr_assert_eq(network_arcs(net) % 2, 0);
}

static int same_csr(const sim_network *a, const sim_network *b)
{
    if (a->n != b->n || a->row[a->n] != b->row[b->n]) return 0;
    return memcmp(a->row, b->row, ((size_t)a->n + 1) * sizeof *a->row) == 0 &&
           memcmp(a->col, b->col, (size_t)a->row[a->n] * sizeof *a->col) == 0;
}

/* Load an edge-list file through a scenario; returns the status. */
static int load_edgelist(const char *path, sim_network **net, sim_error *err)
{
    char set[1100];
    snprintf(set, sizeof set, "network.file=%s", path);
    const char *sets[] = {"network.type=edgelist", set, NULL};
    scenario *scn = make_scenario(sets);
    *net = NULL;
    int rc = network_build(scn, 1, net, err);
    scenario_free(scn);
    return rc;
}

/* ---------- ring, Watts-Strogatz, complete ---------- */

Test(network, ring_degrees_and_exact_neighbours)
{
    const char *sets[] = {"network.type=ring", "network.agents=12", "network.k=4", NULL};
    sim_network *net = build(sets, 1);
    check_csr(net);
    cr_assert_str_eq(net->kind, "ring");
    cr_assert_eq(network_arcs(net), 48);
    for (int32_t i = 0; i < 12; i++) {
        cr_assert_eq(network_degree(net, i), 4);
        for (int d = 1; d <= 2; d++) {
            cr_expect(support_has_tie(net, i, (i + d) % 12), "%d-%d", i, (i + d) % 12);
            cr_expect(support_has_tie(net, i, (i - d + 12) % 12), "%d-%d", i, (i - d + 12) % 12);
        }
    }
    cr_assert_null(net->manager);
    network_free(net);
}

Test(network, ring_k_zero_has_no_ties)
{
    const char *sets[] = {"network.type=ring", "network.agents=5", "network.k=0", NULL};
    sim_network *net = build(sets, 1);
    check_csr(net);
    cr_assert_eq(network_arcs(net), 0);
    network_free(net);
}

Test(network, watts_strogatz_properties)
{
    const char *sets[] = {"network.type=watts_strogatz", "network.agents=20000", "network.k=10",
                          "network.rewire=0.1", NULL};
    sim_network *net = build(sets, 7);
    check_csr(net);
    double mean = (double)network_arcs(net) / net->n;
    cr_expect(fabs(mean - 10) < 0.1, "mean degree %g", mean);
    cr_expect(mean <= 10);
    /* About 10% of lattice ties rewired: count ties longer than k/2 around the ring. */
    int64_t far = 0;
    for (int32_t i = 0; i < net->n; i++)
        for (int64_t p = net->row[i]; p < net->row[i + 1]; p++) {
            int32_t d = abs(net->col[p] - i);
            if (d > net->n / 2) d = net->n - d;
            far += d > 5;
        }
    double share = (double)far / (double)network_arcs(net);
    cr_expect(share > 0.085 && share < 0.105, "rewired share %g", share);
    network_free(net);
}

Test(network, watts_strogatz_rewire_zero_equals_ring)
{
    const char *ws[] = {"network.type=watts_strogatz", "network.agents=1000", "network.k=6",
                        "network.rewire=0", NULL};
    const char *ring[] = {"network.type=ring", "network.agents=1000", "network.k=6", NULL};
    sim_network *a = build(ws, 3), *b = build(ring, 99);
    cr_expect(same_csr(a, b));
    network_free(a);
    network_free(b);
}

Test(network, watts_strogatz_rewire_one_is_valid)
{
    const char *sets[] = {"network.type=watts_strogatz", "network.agents=3000", "network.k=8",
                          "network.rewire=1", NULL};
    sim_network *net = build(sets, 5);
    check_csr(net);
    double mean = (double)network_arcs(net) / net->n;
    cr_expect(fabs(mean - 8) < 0.1, "mean degree %g", mean);
    network_free(net);
}

Test(network, watts_strogatz_depends_on_seed_only)
{
    /* above SIM_PARALLEL_MIN, so the builder's loops really run in parallel */
    const char *sets[] = {"network.type=watts_strogatz", "network.agents=40000", "network.k=10",
                          "network.rewire=0.2", NULL};
    omp_set_num_threads(1);
    sim_network *a = build(sets, 42);
    omp_set_num_threads(4);
    sim_network *b = build(sets, 42);
    sim_network *c = build(sets, 43);
    cr_expect(same_csr(a, b), "same seed, 1 vs 4 threads: different networks");
    cr_expect(!same_csr(a, c), "different seeds: same network");
    network_free(a);
    network_free(b);
    network_free(c);
}

Test(network, complete_graph_is_implicit)
{
    const char *sets[] = {"network.type=complete", "network.agents=5", NULL};
    sim_network *net = build(sets, 1);
    cr_assert_eq(net->complete, 1);
    cr_assert_null(net->row);
    cr_assert_eq(net->n, 5);
    for (int32_t i = 0; i < 5; i++) cr_expect_eq(network_degree(net, i), 4);
    cr_expect_eq(network_arcs(net), 20);
    cr_expect_str_eq(net->kind, "complete");
    network_free(net);
    network_free(NULL);
}

/* ---------- organization ---------- */

static const char *const org_sets[] = {"network.type=organization", "network.agents=20000", NULL};

Test(network, organization_tree_and_teams)
{
    sim_network *net = build(org_sets, 11);
    check_csr(net);
    cr_assert_eq(net->n, 20000);
    cr_assert_str_eq(net->kind, "organization");
    int roots = 0, max_level = 0;
    for (int32_t i = 0; i < net->n; i++) {
        int32_t m = net->manager[i];
        if (m < 0) {
            roots++;
            cr_assert_eq(i, 0);
            cr_assert_eq(net->level[i], 0);
            cr_assert_eq(net->team[i], 0);
            continue;
        }
        cr_assert_lt(m, i, "manager of %d is %d", i, m);
        cr_assert_eq(net->level[i], net->level[m] + 1);
        cr_assert_eq(net->team[i], m + 1, "team of %d", i);
        cr_assert(support_has_tie(net, i, m), "%d not tied to manager %d", i, m);
        if (net->level[i] > max_level) max_level = net->level[i];
        cr_assert(net->generation[i] >= 0 && net->generation[i] < NET_GENERATIONS);
    }
    cr_assert_eq(roots, 1);
    cr_assert_eq(net->n_levels, max_level + 1);
    /* Teams: consecutive ids, all members tied to one another, span 8 each
     * except the last. */
    int32_t n_teams = 0;
    for (int32_t i = 0; i < net->n;) {
        int32_t j = i;
        while (j < net->n && net->team[j] == net->team[i]) j++;
        cr_assert_eq(net->team[i], n_teams, "teams numbered in id order");
        n_teams++;
        for (int32_t a = i; a < j; a++)
            for (int32_t b = a + 1; b < j; b++) cr_assert(support_has_tie(net, a, b), "teammates %d %d", a, b);
        if (i > 0 && j < net->n) cr_assert_eq(j - i, 8);
        i = j;
    }
    cr_assert_eq(net->n_teams, n_teams);
    cr_assert_eq(n_teams, 1 + (20000 - 2) / 8 + 1);
    network_free(net);
}

Test(network, organization_generation_shares_follow_the_mix)
{
    static const double mix[4][4] = {{0.0, 0.02, 0.08, 0.30},
                                     {0.20, 0.40, 0.50, 0.45},
                                     {0.65, 0.48, 0.36, 0.20},
                                     {0.15, 0.10, 0.06, 0.05}};
    sim_network *net = build(org_sets, 12);
    int64_t count[64][4] = {{0}}, total[64] = {0};
    for (int32_t i = 0; i < net->n; i++) {
        count[net->level[i]][net->generation[i]]++;
        total[net->level[i]]++;
    }
    int checked = 0;
    for (int l = 0; l < net->n_levels; l++) {
        if (total[l] < 50) continue;
        for (int g = 0; g < 4; g++) {
            double p = mix[g][l < 4 ? l : 3], expect = p * (double)total[l];
            double sigma = sqrt((double)total[l] * p * (1 - p));
            cr_expect(fabs((double)count[l][g] - expect) <= 4 * sigma + 1e-9,
                      "level %d %s: %lld of %lld, expected %g", l, network_generation_names[g],
                      (long long)count[l][g], (long long)total[l], expect);
            checked++;
        }
    }
    cr_assert_geq(checked, 12);
    /* Zero shares are never drawn: no Gen Z chief officer. */
    cr_expect_neq(net->generation[0], 0);
    network_free(net);
}

/* Sum of degrees of the reporting line and teams alone. */
static double structural_mean_degree(const sim_network *net)
{
    int64_t arcs = 2 * ((int64_t)net->n - 1);
    for (int32_t i = 0; i < net->n;) {
        int32_t j = i;
        while (j < net->n && net->team[j] == net->team[i]) j++;
        arcs += (int64_t)(j - i) * (j - i - 1);
        i = j;
    }
    return (double)arcs / net->n;
}

Test(network, organization_mean_degree_includes_peer_ties)
{
    sim_network *net = build(org_sets, 13);
    double mean = (double)network_arcs(net) / net->n, base = structural_mean_degree(net);
    cr_expect(mean > base + 3.8 && mean < base + 4.1, "mean degree %g, structural %g", mean, base);

    const char *none[] = {"network.type=organization", "network.agents=20000",
                          "organization.peer_ties=0", NULL};
    sim_network *bare = build(none, 13);
    cr_expect_float_eq((double)network_arcs(bare) / bare->n, base, 1e-12);
    network_free(bare);
    network_free(net);
}

static int32_t department(const sim_network *net, int32_t i)
{
    while (net->level[i] > 1) i = net->manager[i];
    return i;
}

/* Share of the ties that are neither reporting lines nor between teammates
 * and stay inside a department. */
static double peer_share_within_department(const sim_network *net)
{
    int64_t peers = 0, within = 0;
    for (int32_t i = 0; i < net->n; i++)
        for (int64_t p = net->row[i]; p < net->row[i + 1]; p++) {
            int32_t j = net->col[p];
            if (net->manager[i] == j || net->manager[j] == i || net->team[i] == net->team[j])
                continue;
            peers++;
            within += department(net, i) == department(net, j);
        }
    cr_assert_gt(peers, 0);
    return (double)within / (double)peers;
}

/* Chance that two uniform random agents share a department. */
static double same_department_chance(const sim_network *net)
{
    int64_t *size = calloc((size_t)net->n, sizeof *size);
    for (int32_t i = 0; i < net->n; i++) size[department(net, i)]++;
    double sum = 0;
    for (int32_t d = 0; d < net->n; d++) sum += (double)size[d] * (double)size[d];
    free(size);
    return sum / ((double)net->n * (double)net->n);
}

Test(network, organization_block_keeps_peers_in_department)
{
    const char *all[] = {"network.type=organization", "network.agents=20000",
                         "organization.peer_within_department=1", NULL};
    sim_network *net = build(all, 14);
    check_csr(net);
    /* Only the chief officer (a department alone) draws outside. */
    cr_expect_gt(peer_share_within_department(net), 0.999);
    double chance = same_department_chance(net);
    cr_assert(chance > 0.1 && chance < 0.3, "chance %g", chance);
    network_free(net);

    const char *sw[] = {"network.type=organization", "network.agents=20000",
                        "organization.peer_structure=small_world", NULL};
    net = build(sw, 14);
    check_csr(net);
    double share = peer_share_within_department(net);
    cr_expect(fabs(share - chance) < 0.02, "small world: share within department %g, chance %g",
              share, chance);
    network_free(net);

    net = build(org_sets, 14); /* block: 0.8 inside, the rest inside by chance */
    share = peer_share_within_department(net);
    cr_expect(fabs(share - (0.8 + 0.2 * chance)) < 0.02, "block 0.8: share within department %g",
              share);
    network_free(net);
}

Test(network, organization_block_reaches_every_department_member)
{
    /* 2000 peer ties per agent in departments of ~66: every pair of the same
     * department gets tied, and no peer tie leaves its department. */
    const char *sets[] = {"network.type=organization", "network.agents=200", "organization.span=3",
                          "organization.peer_ties=2000", "organization.peer_within_department=1",
                          NULL};
    sim_network *net = build(sets, 15);
    check_csr(net);
    for (int32_t i = 1; i < net->n; i++)
        for (int32_t j = 1; j < net->n; j++) {
            if (i == j) continue;
            int same = department(net, i) == department(net, j);
            int structural = net->manager[i] == j || net->manager[j] == i || net->team[i] == net->team[j];
            if (same) cr_assert(support_has_tie(net, i, j), "%d and %d share a department", i, j);
            else if (!structural) cr_assert(!support_has_tie(net, i, j), "%d-%d cross departments", i, j);
        }
    /* The chief officer is a department alone: its peer ties go anywhere. */
    cr_expect_eq(network_degree(net, 0), net->n - 1);
    network_free(net);
}

Test(network, organization_depends_on_seed_only)
{
    /* above SIM_PARALLEL_MIN, so the builder's loops really run in parallel */
    static const char *const big[] = {"network.type=organization", "network.agents=40000", NULL};
    omp_set_num_threads(1);
    sim_network *a = build(big, 21);
    omp_set_num_threads(3);
    sim_network *b = build(big, 21);
    sim_network *c = build(big, 22);
    cr_expect(same_csr(a, b));
    cr_expect(memcmp(a->generation, b->generation, (size_t)a->n) == 0);
    cr_expect(!same_csr(a, c));
    cr_expect(memcmp(a->generation, c->generation, (size_t)a->n) != 0);
    network_free(a);
    network_free(b);
    network_free(c);
}

Test(network, organization_of_one_and_a_chain)
{
    const char *one[] = {"network.type=organization", "network.agents=1", NULL};
    sim_network *net = build(one, 1);
    cr_expect_eq(net->n, 1);
    cr_expect_eq(network_arcs(net), 0);
    cr_expect_eq(net->n_levels, 1);
    cr_expect_eq(net->n_teams, 1);
    cr_expect_eq(net->manager[0], -1);
    cr_expect_gt(network_bytes(net), sizeof *net);
    network_free(net);

    const char *chain[] = {"network.type=organization", "network.agents=50", "organization.span=1",
                           "organization.peer_ties=0", NULL};
    net = build(chain, 1);
    check_csr(net);
    cr_expect_eq(net->n_levels, 50);
    cr_expect_eq(net->n_teams, 50);
    cr_expect_eq(network_arcs(net), 2 * 49);
    network_free(net);
}

/* ---------- network_from_edges ---------- */

Test(network, from_edges_drops_self_ties_and_duplicates)
{
    int32_t u[] = {0, 1, 2, 2, 3, 1};
    int32_t v[] = {1, 0, 2, 3, 2, 3};
    sim_network *net = NULL;
    sim_error err;
    cr_assert_eq(network_from_edges(5, u, v, 6, &net, &err), SIM_OK);
    check_csr(net);
    cr_expect_eq(network_arcs(net), 6);
    cr_expect_eq(network_degree(net, 4), 0);
    cr_expect(support_has_tie(net, 1, 3) && support_has_tie(net, 3, 2) && support_has_tie(net, 0, 1));
    cr_expect_eq(network_bytes(net), sizeof *net + 6 * sizeof(int64_t) + 6 * sizeof(int32_t));
    network_free(net);

    int32_t bad[] = {5};
    cr_expect_eq(network_from_edges(5, u, bad, 1, &net, &err), SIM_EINPUT);
    cr_expect_null(net);
}

/* ---------- CSV edge lists ---------- */

Test(network, csv_good_file_with_extra_columns)
{
    char *dir = support_tmpdir();
    const char *text = "weight, source ,target,kind\r\n"
                       "0.5,0,1,a\r\n"
                       "\r\n"
                       "1,1,2,b\r\n"
                       "1,2,2,self\r\n"
                       "1,1,0,dup\r\n"
                       "2,3,0,c\r\n";
    char *path = support_write(dir, "e.csv", text, strlen(text));
    sim_network *net = NULL;
    sim_error err;
    char buf[2048];
    int rc = load_edgelist(path, &net, &err);
    cr_assert_eq(rc, SIM_OK, "%s", sim_error_format(&err, buf, sizeof buf));
    check_csr(net);
    cr_expect_str_eq(net->kind, "edgelist");
    cr_expect_eq(net->n, 4);
    cr_expect_eq(network_arcs(net), 6);
    cr_expect(support_has_tie(net, 0, 1) && support_has_tie(net, 1, 2) && support_has_tie(net, 3, 0));
    network_free(net);
    free(path);
    support_rmdir(dir);
}

Test(network, csv_ids_are_relabelled_in_order)
{
    char *dir = support_tmpdir();
    const char *text = "source,target\n30,20\n10,20\n";
    char *path = support_write(dir, "e.csv", text, strlen(text));
    sim_network *net = NULL;
    sim_error err;
    cr_assert_eq(load_edgelist(path, &net, &err), SIM_OK);
    cr_expect_eq(net->n, 3);
    cr_expect_eq(network_degree(net, 0), 1);
    cr_expect_eq(network_degree(net, 1), 2);
    cr_expect_eq(network_degree(net, 2), 1);
    cr_expect(support_has_tie(net, 0, 1) && support_has_tie(net, 1, 2));
    network_free(net);
    free(path);
    support_rmdir(dir);
}

Test(network, csv_missing_column)
{
    char *dir = support_tmpdir();
    const char *text = "source,b\n1,2\n";
    char *path = support_write(dir, "e.csv", text, strlen(text));
    sim_network *net = NULL;
    sim_error err;
    cr_assert_eq(load_edgelist(path, &net, &err), SIM_EINPUT);
    cr_assert_null(net);
    cr_expect_str_eq(err.file, path);
    cr_expect_eq(err.line, 1);
    cr_expect_str_eq(err.key, "network.file");
    cr_expect_str_eq(err.msg, "missing column \"target\" (header has: source,b)");
    free(path);
    support_rmdir(dir);
}

static void expect_csv_error(const char *text, int line, const char *needle)
{
    char *dir = support_tmpdir();
    char *path = support_write(dir, "e.csv", text, strlen(text));
    sim_network *net = NULL;
    sim_error err;
    cr_assert_eq(load_edgelist(path, &net, &err), SIM_EINPUT);
    cr_assert_null(net);
    cr_expect_str_eq(err.file, path);
    cr_expect_eq(err.line, line, "line %d, expected %d (%s)", err.line, line, err.msg);
    cr_expect(strstr(err.msg, needle) != NULL, "message \"%s\" lacks \"%s\"", err.msg, needle);
    free(path);
    support_rmdir(dir);
}

Test(network, csv_bad_lines_name_their_line)
{
    expect_csv_error("source,target\n0,1\nx7,2\n", 3, "\"x7\"");
    expect_csv_error("source,target\n0,1\n1,-2\n", 3, "\"-2\"");
    expect_csv_error("\nsource,target\n0,1\n\n1,2,3\n", 5, "\"1,2,3\"");
    expect_csv_error("source,target\n0,1\n4\n", 3, "1 fields");
    expect_csv_error("source,target\n0,1.5\n", 2, "\"1.5\"");
    expect_csv_error("source,target\n", 0, "no ties");
    expect_csv_error("", 0, "empty");
    expect_csv_error("a,b\n", 1, "missing column \"source\" (header has: a,b)");
    /* quoted fields, as spreadsheets write them: parsed like the org chart's */
    expect_csv_error("source,target\n0,1\n\"2,3\n", 3, "unterminated quoted field");
    expect_csv_error("\"source\"x,target\n0,1\n", 1, "text after a closing quote");
}

/* csv_line: a spreadsheet's byte-order mark is skipped, a NUL byte is binary data */
Test(network, csv_byte_order_mark_and_nul)
{
    char *dir = support_tmpdir();
    static const char bom[] = "\xEF\xBB\xBFsource,target\r\n0,1\r\n";
    char *path = support_write(dir, "e.csv", bom, sizeof bom - 1);
    sim_network *net = NULL;
    sim_error err;
    cr_assert_eq(load_edgelist(path, &net, &err), SIM_OK, "%s", err.msg);
    cr_expect_eq(net->n, 2);
    network_free(net);
    free(path);
    static const char nul[] = "source,target\n0,1\n1\0,2\n";
    path = support_write(dir, "n.csv", nul, sizeof nul - 1);
    net = NULL;
    cr_assert_eq(load_edgelist(path, &net, &err), SIM_EINPUT);
    cr_expect_eq(err.line, 3);
    cr_expect(strstr(err.msg, "binary data") != NULL, "%s", err.msg);
    free(path);
    support_rmdir(dir);
}

Test(network, csv_quoted_fields)
{
    char *dir = support_tmpdir();
    const char *text = "\"source\",\"target\"\n\"30\",20\n10, \"20\" \n";
    char *path = support_write(dir, "e.csv", text, strlen(text));
    sim_network *net = NULL;
    sim_error err;
    cr_assert_eq(load_edgelist(path, &net, &err), SIM_OK, "%s", err.msg);
    cr_expect_eq(net->n, 3);
    cr_expect(support_has_tie(net, 0, 1) && support_has_tie(net, 1, 2));
    network_free(net);
    free(path);
    support_rmdir(dir);
}

Test(network, csv_missing_file_is_bad_input)
{
    sim_network *net = NULL;
    sim_error err;
    cr_assert_eq(load_edgelist("/nonexistent/dir/edges.csv", &net, &err), SIM_EINPUT);
    cr_assert_null(net);
    cr_expect_str_eq(err.file, "/nonexistent/dir/edges.csv");
    cr_expect(strstr(err.msg, strerror(ENOENT)) != NULL, "%s", err.msg);
}

Test(network, edge_file_is_relative_to_the_scenario_file)
{
    char *dir = support_tmpdir();
    const char *text = "source,target\n0,1\n1,2\n";
    char *path = support_write(dir, "edges.csv", text, strlen(text));
    const char *sets[] = {"network.type=edgelist", "network.file=edges.csv", NULL};
    scenario *scn = make_scenario(sets);
    free(scn->file);
    scn->file = malloc(strlen(dir) + 32);
    sprintf(scn->file, "%s/scenario.yaml", dir);
    sim_network *net = NULL;
    sim_error err;
    char buf[2048];
    int rc = network_build(scn, 1, &net, &err);
    cr_assert_eq(rc, SIM_OK, "%s", sim_error_format(&err, buf, sizeof buf));
    cr_expect_eq(net->n, 3);
    network_free(net);
    scenario_free(scn);
    free(path);
    support_rmdir(dir);
}

Test(network, edge_file_in_a_loaded_scenario)
{
    char *dir = support_tmpdir();
    const char *edges = "source,target\n0,1\n1,2\n2,3\n";
    const char *yaml = "network:\n  type: edgelist\n  file: edges.csv\n";
    char *epath = support_write(dir, "edges.csv", edges, strlen(edges));
    char *ypath = support_write(dir, "scenario.yaml", yaml, strlen(yaml));
    scenario *scn = make_scenario(NULL);
    sim_error err;
    char buf[2048];
    cr_assert_eq(scenario_load_file(scn, ypath, &err), SIM_OK, "%s",
                 sim_error_format(&err, buf, sizeof buf));
    sim_network *net = NULL;
    int rc = network_build(scn, 1, &net, &err);
    cr_assert_eq(rc, SIM_OK, "%s", sim_error_format(&err, buf, sizeof buf));
    cr_expect_eq(net->n, 4);
    cr_expect_eq(network_arcs(net), 6);
    network_free(net);
    scenario_free(scn);
    free(epath);
    free(ypath);
    support_rmdir(dir);
}

Test(network, validation_error_points_into_the_scenario_file)
{
    char *dir = support_tmpdir();
    const char *yaml = "network:\n"
                       "  type: organization\n"
                       "organization:\n"
                       "  generation_mix:\n"
                       "    gen_z: [0.0, 0.02, 0.0, 0.30]\n";
    char *ypath = support_write(dir, "scenario.yaml", yaml, strlen(yaml));
    scenario *scn = make_scenario(NULL);
    sim_error err;
    char buf[2048];
    cr_assert_eq(scenario_load_file(scn, ypath, &err), SIM_OK, "%s",
                 sim_error_format(&err, buf, sizeof buf));
    cr_assert_eq(network_validate(scn, &err), SIM_EINPUT);
    cr_expect_str_eq(err.file, ypath);
    cr_expect_eq(err.line, 5);
    cr_expect_str_eq(err.key, "organization.generation_mix.gen_z");
    cr_expect(strstr(err.msg, "generation shares at level 2 sum to 0.92, not 1") != NULL, "%s",
              err.msg);
    scenario_free(scn);
    free(ypath);
    support_rmdir(dir);
}

/* ---------- CSR binary files ---------- */

/* Serialize a CSR as the peers' binary format (little endian). */
static size_t csr_bytes(unsigned char *buf, int32_t n, const int64_t *indptr, const int32_t *idx)
{
    size_t len = 0;
    int64_t nnz = indptr[n];
    for (int b = 0; b < 4; b++) buf[len++] = (unsigned char)((uint32_t)n >> (8 * b));
    for (int b = 0; b < 8; b++) buf[len++] = (unsigned char)((uint64_t)nnz >> (8 * b));
    for (int32_t i = 0; i <= n; i++)
        for (int b = 0; b < 8; b++) buf[len++] = (unsigned char)((uint64_t)indptr[i] >> (8 * b));
    for (int64_t p = 0; p < nnz; p++)
        for (int b = 0; b < 4; b++) buf[len++] = (unsigned char)((uint32_t)idx[p] >> (8 * b));
    return len;
}

static int load_csr_bytes(const unsigned char *buf, size_t len, sim_network **net, sim_error *err)
{
    char *dir = support_tmpdir();
    char *path = support_write(dir, "g.csr", buf, len);
    int rc = load_edgelist(path, net, err);
    if (rc) cr_expect_str_eq(err->file, path);
    free(path);
    support_rmdir(dir);
    return rc;
}

Test(network, csr_file_loads)
{
    /* Triangle 0-1-2 plus 3-1; row 1 deliberately unsorted. */
    int64_t indptr[] = {0, 2, 5, 7, 8};
    int32_t idx[] = {1, 2, 3, 0, 2, 0, 1, 1};
    unsigned char buf[256];
    size_t len = csr_bytes(buf, 4, indptr, idx);
    sim_network *net = NULL;
    sim_error err;
    char msg[2048];
    cr_assert_eq(load_csr_bytes(buf, len, &net, &err), SIM_OK, "%s",
                 sim_error_format(&err, msg, sizeof msg));
    check_csr(net);
    cr_expect_eq(net->n, 4);
    cr_expect_eq(network_arcs(net), 8);
    int32_t row1[] = {0, 2, 3};
    cr_expect(memcmp(net->col + net->row[1], row1, sizeof row1) == 0);
    network_free(net);

    sim_network *trunc = NULL;
    cr_expect_eq(load_csr_bytes(buf, len - 3, &trunc, &err), SIM_EINPUT);
    cr_expect(strstr(err.msg, "truncated") != NULL, "%s", err.msg);
    cr_expect_eq(load_csr_bytes(buf, 7, &trunc, &err), SIM_EINPUT);
    cr_expect(strstr(err.msg, "truncated") != NULL, "%s", err.msg);
    cr_expect_null(trunc);
}

Test(network, csr_file_errors)
{
    unsigned char buf[256];
    sim_network *net = NULL;
    sim_error err;

    int64_t ip_range[] = {0, 1, 2};
    int32_t ix_range[] = {1, 2};
    cr_expect_eq(load_csr_bytes(buf, csr_bytes(buf, 2, ip_range, ix_range), &net, &err), SIM_EINPUT);
    cr_expect(strstr(err.msg, "outside") != NULL, "%s", err.msg);

    int64_t ip_asym[] = {0, 1, 1, 1};
    int32_t ix_asym[] = {2};
    cr_expect_eq(load_csr_bytes(buf, csr_bytes(buf, 3, ip_asym, ix_asym), &net, &err), SIM_EINPUT);
    cr_expect(strstr(err.msg, "symmetric") != NULL, "%s", err.msg);

    int64_t ip_mono[] = {0, 2, 1, 2};
    int32_t ix_mono[] = {1, 0};
    cr_expect_eq(load_csr_bytes(buf, csr_bytes(buf, 3, ip_mono, ix_mono), &net, &err), SIM_EINPUT);
    cr_expect(strstr(err.msg, "decreases") != NULL, "%s", err.msg);
    cr_expect_null(net);
}

Test(network, csr_file_matches_the_same_graph_from_csv)
{
    /* A Watts-Strogatz network written as .csr and read back is unchanged. */
    const char *sets[] = {"network.type=watts_strogatz", "network.agents=500", "network.k=6", NULL};
    sim_network *ws = build(sets, 8);
    size_t len = 12 + 8 * ((size_t)ws->n + 1) + 4 * (size_t)network_arcs(ws);
    unsigned char *buf = malloc(len);
    cr_assert_eq(csr_bytes(buf, ws->n, ws->row, ws->col), len);
    sim_network *back = NULL;
    sim_error err;
    cr_assert_eq(load_csr_bytes(buf, len, &back, &err), SIM_OK);
    cr_expect(same_csr(ws, back));
    free(buf);
    network_free(ws);
    network_free(back);
}

/* ---------- validation ---------- */

static void expect_invalid(const char *const *sets, const char *key, const char *needle)
{
    scenario *scn = make_scenario(sets);
    sim_error err;
    cr_assert_eq(network_validate(scn, &err), SIM_EINPUT, "validate accepted");
    cr_expect_str_eq(err.key, key);
    cr_expect(strstr(err.msg, needle) != NULL, "message \"%s\" lacks \"%s\"", err.msg, needle);
    cr_expect_eq(build_fails(scn, &err), SIM_EINPUT);
    scenario_free(scn);
}

Test(network, validate_accepts_the_defaults)
{
    scenario *scn = make_scenario(NULL);
    sim_error err;
    char buf[2048];
    cr_expect_eq(network_validate(scn, &err), SIM_OK, "%s", sim_error_format(&err, buf, sizeof buf));
    scenario_free(scn);
}

Test(network, validate_generation_mix_sums_to_one)
{
    const char *sets[] = {"organization.generation_mix.gen_z=[0.0, 0.02, 0.0, 0.30]", NULL};
    expect_invalid(sets, "organization.generation_mix.gen_z", "level 2 sum to 0.92, not 1");
    /* A shorter list repeats its last element on deeper levels. */
    const char *deep[] = {"organization.generation_mix.gen_z=[0.0, 0.02, 0.08, 0.30, 0.31]", NULL};
    expect_invalid(deep, "organization.generation_mix.gen_z", "level 4 sum to 1.01");
}

Test(network, validate_k_and_agents)
{
    const char *odd[] = {"network.type=ring", "network.k=5", NULL};
    expect_invalid(odd, "network.k", "even");
    const char *big[] = {"network.type=watts_strogatz", "network.agents=10", "network.k=10", NULL};
    expect_invalid(big, "network.k", "below");
    const char *nofile[] = {"network.type=edgelist", NULL};
    expect_invalid(nofile, "network.file", "network.file");
    const char *one[] = {"network.type=complete", "network.agents=1", NULL};
    expect_invalid(one, "network.agents", "at least 2");
    const char *deep[] = {"network.type=organization", "network.agents=40000",
                          "organization.span=1", NULL};
    expect_invalid(deep, "organization.span", "levels deep");
}

static double seconds_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Build with the overrides; returns the status (the network in *net). */
static int build_status(const char *const *sets, sim_network **net, sim_error *err)
{
    scenario *scn = make_scenario(sets);
    *net = NULL;
    int rc = network_build(scn, 1, net, err);
    scenario_free(scn);
    return rc;
}

/* ---------- input files: regular, size- and line-capped ---------- */

/* network.file must be a regular file: /dev/zero (which no line end ever
 * ends) and a directory are refused at once, naming what they are. */
Test(network, edge_file_must_be_a_regular_file, .timeout = 10)
{
    sim_network *net = NULL;
    sim_error err;
    cr_expect_eq(load_edgelist("/dev/zero", &net, &err), SIM_EINPUT);
    cr_expect_str_eq(err.file, "/dev/zero");
    cr_expect_str_eq(err.key, "network.file");
    cr_expect(strstr(err.msg, "the edge-list file is a character device") != NULL, "%s", err.msg);
    cr_expect_eq(load_edgelist("/dev/zero.csr", &net, &err), SIM_EINPUT); /* no such file */
    char *dir = support_tmpdir();
    cr_expect_eq(load_edgelist(dir, &net, &err), SIM_EINPUT);
    cr_expect(strstr(err.msg, "is a directory") != NULL, "%s", err.msg);
    char *fifo = support_path(dir, "edges.csr");
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    cr_expect_eq(load_edgelist(fifo, &net, &err), SIM_EINPUT);
    cr_expect(strstr(err.msg, "the CSR file is a FIFO (named pipe)") != NULL, "%s", err.msg);
    cr_expect_null(net);
    free(fifo);
    support_rmdir(dir);
}

/* A line without an end (a 100 MB file of zeros: /dev/zero copied to disk;
 * a 1 MB line of digits) fails fast at its line, without reading the file
 * into memory. */
Test(network, csv_line_length_is_capped)
{
    char *dir = support_tmpdir();
    char *zeros = support_write(dir, "zeros.csv", "", 0);
    cr_assert_eq(truncate(zeros, 100 << 20), 0);
    sim_network *net = NULL;
    sim_error err;
    double t0 = seconds_now();
    cr_expect_eq(load_edgelist(zeros, &net, &err), SIM_EINPUT);
    cr_expect_lt(seconds_now() - t0, 0.5);
    cr_expect_eq(err.line, 1);
    cr_expect(strstr(err.msg, "line longer than 65536 bytes") != NULL, "%s", err.msg);

    size_t len = 14 + (1 << 20);
    char *text = malloc(len);
    cr_assert_not_null(text);
    memcpy(text, "source,target\n", 14);
    memset(text + 14, '7', len - 14);
    char *digits = support_write(dir, "digits.csv", text, len);
    cr_expect_eq(load_edgelist(digits, &net, &err), SIM_EINPUT);
    cr_expect_eq(err.line, 2);
    cr_expect(strstr(err.msg, "line longer than") != NULL, "%s", err.msg);
    /* a line just under the cap is read (and then judged on its content) */
    memcpy(text + 14 + 65000, "\n", 1);
    char *under = support_write(dir, "under.csv", text, 14 + 65001);
    cr_expect_eq(load_edgelist(under, &net, &err), SIM_EINPUT);
    cr_expect_eq(err.line, 2);
    cr_expect(strstr(err.msg, "1 fields where the header has 2") != NULL, "%s", err.msg);
    cr_expect_null(net);
    free(text);
    free(zeros);
    free(digits);
    free(under);
    support_rmdir(dir);
}

/* ---------- declaring the nodes of an edge list ---------- */

/* network.nodes: ids are 0..nodes-1 and nodes without ties are agents. */
Test(network, nodes_keeps_isolated_nodes)
{
    char *dir = support_tmpdir();
    const char *text = "source,target\n0,1\n1,2\n";
    char *path = support_write(dir, "edges.csv", text, strlen(text));
    char file[1100];
    snprintf(file, sizeof file, "network.file=%s", path);
    const char *sets[] = {"network.type=edgelist", file, "network.nodes=5", NULL};
    sim_network *net = NULL;
    sim_error err;
    cr_assert_eq(build_status(sets, &net, &err), SIM_OK, "%s", err.msg);
    check_csr(net);
    cr_expect_eq(net->n, 5);
    int64_t degrees[] = {1, 2, 1, 0, 0};
    for (int32_t i = 0; i < 5; i++) cr_expect_eq(network_degree(net, i), degrees[i], "agent %d", i);
    network_free(net);
    /* without it only the ids with ties exist */
    const char *plain[] = {"network.type=edgelist", file, NULL};
    cr_assert_eq(build_status(plain, &net, &err), SIM_OK, "%s", err.msg);
    cr_expect_eq(net->n, 3);
    network_free(net);
    /* an id outside 0..nodes-1 is an error at its line */
    const char *small[] = {"network.type=edgelist", file, "network.nodes=2", NULL};
    cr_expect_eq(build_status(small, &net, &err), SIM_EINPUT);
    cr_expect_str_eq(err.file, path);
    cr_expect_eq(err.line, 3);
    cr_expect(strstr(err.msg, "target id 2 is outside 0..1 (network.nodes = 2)") != NULL, "%s",
              err.msg);
    /* a header alone is a network of isolated nodes once they are declared */
    char *empty = support_write(dir, "empty.csv", "source,target\n", 14);
    snprintf(file, sizeof file, "network.file=%s", empty);
    const char *alone[] = {"network.type=edgelist", file, "network.nodes=4", NULL};
    cr_assert_eq(build_status(alone, &net, &err), SIM_OK, "%s", err.msg);
    cr_expect_eq(net->n, 4);
    cr_expect_eq(network_arcs(net), 0);
    network_free(net);
    free(empty);
    free(path);
    support_rmdir(dir);
}

/* network.node_file: the agents are the ids listed (sorted), with or
 * without ties; a tie naming another id, a duplicate or a bad id is an
 * error at its line. */
Test(network, node_file_declares_the_agents)
{
    char *dir = support_tmpdir();
    const char *nodes = "id\n40\n10\n\n30\n20\n";
    const char *edges = "source,target\n10,20\n40,20\n";
    char *npath = support_write(dir, "nodes.txt", nodes, strlen(nodes));
    char *epath = support_write(dir, "edges.csv", edges, strlen(edges));
    const char *sets[] = {"network.type=edgelist", "network.file=edges.csv",
                          "network.node_file=nodes.txt", NULL};
    scenario *scn = make_scenario(sets);
    free(scn->file);
    scn->file = support_path(dir, "scenario.yaml"); /* both relative to it */
    sim_network *net = NULL;
    sim_error err;
    cr_assert_eq(network_build(scn, 1, &net, &err), SIM_OK, "%s", err.msg);
    check_csr(net);
    cr_expect_eq(net->n, 4);
    cr_expect(support_has_tie(net, 0, 1) && support_has_tie(net, 3, 1)); /* 10-20, 40-20 */
    cr_expect_eq(network_degree(net, 2), 0); /* 30 has no ties */
    network_free(net);

    const char *unknown = "source,target\n10,20\n20,50\n";
    support_write(dir, "edges.csv", unknown, strlen(unknown));
    cr_expect_eq(network_build(scn, 1, &net, &err), SIM_EINPUT);
    cr_expect_str_eq(err.file, epath);
    cr_expect_eq(err.line, 3);
    cr_expect(strstr(err.msg, "target id 50 is not in the node file") != NULL, "%s", err.msg);

    const char *dup = "10\n20\n10\n";
    support_write(dir, "nodes.txt", dup, strlen(dup));
    cr_expect_eq(network_build(scn, 1, &net, &err), SIM_EINPUT);
    cr_expect_str_eq(err.file, npath);
    cr_expect_str_eq(err.key, "network.node_file");
    cr_expect_eq(err.line, 3);
    cr_expect(strstr(err.msg, "duplicate node id 10: lines 1 and 3") != NULL, "%s", err.msg);

    const char *bad = "10\nx7\n";
    support_write(dir, "nodes.txt", bad, strlen(bad));
    cr_expect_eq(network_build(scn, 1, &net, &err), SIM_EINPUT);
    cr_expect_eq(err.line, 2);
    cr_expect(strstr(err.msg, "node id \"x7\" is not a non-negative integer") != NULL, "%s",
              err.msg);
    cr_expect_null(net);
    scenario_free(scn);
    free(npath);
    free(epath);
    support_rmdir(dir);
}

Test(network, node_keys_are_checked)
{
    const char *both[] = {"network.type=edgelist", "network.file=e.csv", "network.nodes=3",
                          "network.node_file=n.txt", NULL};
    expect_invalid(both, "network.node_file", "not both");
    const char *csr[] = {"network.type=edgelist", "network.file=g.csr", "network.node_file=n.txt",
                         NULL};
    expect_invalid(csr, "network.node_file", "for CSV edge lists");
    const char *ring[] = {"network.type=ring", "network.nodes=30", NULL};
    expect_invalid(ring, "network.nodes", "is for network.type edgelist, not ring");
    const char *org[] = {"network.type=organization", "network.node_file=n.txt", NULL};
    expect_invalid(org, "network.node_file", "is for network.type edgelist");

    /* a .csr file's node count must match network.nodes */
    int64_t indptr[] = {0, 1, 2};
    int32_t idx[] = {1, 0};
    unsigned char buf[128];
    size_t len = csr_bytes(buf, 2, indptr, idx);
    char *dir = support_tmpdir();
    char *path = support_write(dir, "g.csr", buf, len);
    char file[1100];
    snprintf(file, sizeof file, "network.file=%s", path);
    const char *sets[] = {"network.type=edgelist", file, "network.nodes=3", NULL};
    sim_network *net = NULL;
    sim_error err;
    cr_expect_eq(build_status(sets, &net, &err), SIM_EINPUT);
    cr_expect(strstr(err.msg, "n = 2 agents but network.nodes is 3") != NULL, "%s", err.msg);
    const char *same[] = {"network.type=edgelist", file, "network.nodes=2", NULL};
    cr_expect_eq(build_status(same, &net, &err), SIM_OK, "%s", err.msg);
    network_free(net);
    free(path);
    support_rmdir(dir);
}

/* An Erdos-Renyi graph with mean degree 1 on 10,000 nodes: about 1,350
 * nodes have no tie.  Read as is, only the nodes with ties are agents;
 * with network.nodes = 10000 every node is, and agent i is node i. */
Test(network, erdos_renyi_edge_list_keeps_its_isolated_nodes)
{
    const int32_t n = 10000, m = 5000;
    int64_t *degree = calloc((size_t)n, sizeof *degree);
    char *text = malloc((size_t)m * 16 + 32);
    cr_assert(degree && text);
    size_t len = (size_t)sprintf(text, "source,target\n");
    uint64_t s = 12345;
    for (int32_t e = 0; e < m;) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        int32_t a = (int32_t)((s >> 33) % (uint64_t)n);
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        int32_t b = (int32_t)((s >> 33) % (uint64_t)n);
        if (a == b) continue;
        len += (size_t)sprintf(text + len, "%d,%d\n", (int)a, (int)b);
        degree[a]++;
        degree[b]++;
        e++;
    }
    int32_t with_ties = 0;
    for (int32_t i = 0; i < n; i++) with_ties += degree[i] > 0;
    cr_assert_lt(with_ties, n - 1000, "the graph should have isolated nodes");

    char *dir = support_tmpdir();
    char *path = support_write(dir, "er.csv", text, len);
    char file[1100];
    snprintf(file, sizeof file, "network.file=%s", path);
    const char *plain[] = {"network.type=edgelist", file, NULL};
    const char *declared[] = {"network.type=edgelist", file, "network.nodes=10000", NULL};
    sim_network *a = NULL, *b = NULL;
    sim_error err;
    cr_assert_eq(build_status(plain, &a, &err), SIM_OK, "%s", err.msg);
    cr_assert_eq(build_status(declared, &b, &err), SIM_OK, "%s", err.msg);
    cr_expect_eq(a->n, with_ties);
    cr_expect_eq(b->n, n);
    cr_expect_eq(network_arcs(a), network_arcs(b));
    check_csr(b);
    for (int32_t i = 0; i < n; i++) /* duplicates are dropped: degree at most the count */
        cr_assert(network_degree(b, i) <= degree[i] && (degree[i] == 0) == (network_degree(b, i) == 0),
                  "node %d", i);
    network_free(a);
    network_free(b);
    free(degree);
    free(text);
    free(path);
    support_rmdir(dir);
}

/* ---------- CSR files: cleaning and the one-pass checks ---------- */

/* Rows with duplicates and self-ties are cleaned (as before the reader was
 * rewritten), and an asymmetry anywhere is found and named. */
Test(network, csr_rows_are_cleaned_and_symmetry_checked)
{
    /* 0: {1, 1, 0, 2}; 1: {0, 1}; 2: {0} */
    int64_t indptr[] = {0, 4, 6, 7};
    int32_t idx[] = {1, 1, 0, 2, 0, 1, 0};
    unsigned char buf[256];
    sim_network *net = NULL;
    sim_error err;
    cr_assert_eq(load_csr_bytes(buf, csr_bytes(buf, 3, indptr, idx), &net, &err), SIM_OK, "%s",
                 err.msg);
    check_csr(net);
    cr_expect_eq(network_arcs(net), 4);
    network_free(net);

    /* each asymmetric shape: a tie missing at the end of a row, in the
     * middle, and a row listing a lower id that does not list it back */
    struct {
        int32_t n;
        int64_t indptr[6];
        int32_t idx[12];
        const char *msg;
    } cases[] = {
        {4, {0, 2, 3, 4, 5}, {1, 3, 0, 3, 0}, "row 2 lists 3 but row 3 does not list 2"},
        {4, {0, 1, 2, 4, 4}, {1, 0, 0, 1}, "row 2 lists 0 but row 0 does not list 2"},
        {3, {0, 1, 3, 4}, {1, 0, 2, 0}, "row 1 lists 2 but row 2 does not list 1"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        size_t len = csr_bytes(buf, cases[k].n, cases[k].indptr, cases[k].idx);
        cr_expect_eq(load_csr_bytes(buf, len, &net, &err), SIM_EINPUT, "case %zu", k);
        cr_expect(strstr(err.msg, cases[k].msg) != NULL, "case %zu: %s", k, err.msg);
    }
}

/* ---------- teammates of generated organizations ---------- */

/* A team over organization.teammate_ties: each member is tied to exactly
 * that many teammates (symmetric, no duplicates); teams within it are
 * cliques, unchanged by the cap. */
Test(network, organization_teams_over_the_cap)
{
    const char *sets[] = {"network.type=organization", "network.agents=200", "organization.span=50",
                          "organization.peer_ties=0", "organization.teammate_ties=10", NULL};
    sim_network *net = build(sets, 3);
    check_csr(net);
    for (int32_t i = 1; i < net->n; i++) {
        int64_t reports = 0, mates = 0;
        for (int64_t p = net->row[i]; p < net->row[i + 1]; p++) {
            int32_t j = net->col[p];
            if (net->manager[j] == i) {
                reports++;
            } else if (j != net->manager[i]) {
                mates++;
                cr_assert_eq(net->team[j], net->team[i]);
            }
        }
        cr_expect_eq(mates, 10, "agent %d has %lld teammates", i, (long long)mates);
        cr_expect_eq(network_degree(net, i), 1 + mates + reports);
    }
    /* the same seed gives the same teams; a cap of span - 1 is a clique */
    sim_network *again = build(sets, 3);
    cr_expect(same_csr(net, again));
    const char *clique[] = {"network.type=organization", "network.agents=200", "organization.span=50",
                            "organization.peer_ties=0", "organization.teammate_ties=49", NULL};
    const char *uncapped[] = {"network.type=organization", "network.agents=200", "organization.span=50",
                              "organization.peer_ties=0", "organization.teammate_ties=100000", NULL};
    sim_network *c = build(clique, 3), *u = build(uncapped, 3);
    cr_expect(same_csr(c, u));
    cr_expect_eq(network_degree(c, 60), 1 + 49); /* agent 60: a team of 50, no reports */
    network_free(net);
    network_free(again);
    network_free(c);
    network_free(u);
}

/* ---------- the estimate before building ---------- */

Test(network, estimate_matches_what_is_built)
{
    const char *ws[] = {"network.type=watts_strogatz", "network.agents=3000", "network.k=8", NULL};
    const char *org[] = {"network.type=organization", "network.agents=5000", NULL};
    const char *big_team[] = {"network.type=organization", "network.agents=5000",
                              "organization.span=1000", "organization.teammate_ties=20", NULL};
    const char *const *cases[] = {ws, org, big_team};
    for (size_t k = 0; k < 3; k++) {
        scenario *scn = make_scenario(cases[k]);
        network_size size;
        sim_error err;
        cr_assert_eq(network_estimate(scn, &size, &err), SIM_OK, "%s", err.msg);
        sim_network *net = NULL;
        cr_assert_eq(network_build(scn, 1, &net, &err), SIM_OK, "%s", err.msg);
        cr_expect_eq(size.agents, net->n);
        /* generated ties are exact but for duplicates and the random peer ties */
        double arcs = (double)network_arcs(net);
        cr_expect(fabs((double)size.arcs - arcs) <= 0.05 * arcs, "case %zu: estimated %lld, built %.0f",
                  k, (long long)size.arcs, arcs);
        cr_expect_geq(size.bytes, (int64_t)network_bytes(net) / 2);
        network_free(net);
        scenario_free(scn);
    }
    /* a CSR file: its header; a CSV file: its lines */
    const char *wsets[] = {"network.type=watts_strogatz", "network.agents=500", "network.k=6", NULL};
    sim_network *g = build(wsets, 8);
    size_t len = 12 + 8 * ((size_t)g->n + 1) + 4 * (size_t)network_arcs(g);
    unsigned char *buf = malloc(len);
    csr_bytes(buf, g->n, g->row, g->col);
    char *dir = support_tmpdir();
    char *path = support_write(dir, "g.csr", buf, len);
    char file[1100];
    snprintf(file, sizeof file, "network.file=%s", path);
    const char *csr[] = {"network.type=edgelist", file, NULL};
    scenario *scn = make_scenario(csr);
    network_size size;
    sim_error err;
    cr_assert_eq(network_estimate(scn, &size, &err), SIM_OK, "%s", err.msg);
    cr_expect_eq(size.agents, 500);
    cr_expect_eq(size.arcs, network_arcs(g));
    scenario_free(scn);
    const char *text = "source,target\n1,2\n2,3\n5,7\n";
    char *cpath = support_write(dir, "e.csv", text, strlen(text));
    snprintf(file, sizeof file, "network.file=%s", cpath);
    scn = make_scenario(csr);
    cr_assert_eq(network_estimate(scn, &size, &err), SIM_OK, "%s", err.msg);
    cr_expect_eq(size.arcs, 6);
    scenario_free(scn);
    /* a missing file fails as the build would */
    snprintf(file, sizeof file, "network.file=%s/none.csv", dir);
    scn = make_scenario(csr);
    cr_expect_eq(network_estimate(scn, &size, &err), SIM_EINPUT);
    cr_expect(strstr(err.msg, "cannot open the edge-list file") != NULL, "%s", err.msg);
    scenario_free(scn);
    network_free(g);
    free(buf);
    free(path);
    free(cpath);
    support_rmdir(dir);
}
