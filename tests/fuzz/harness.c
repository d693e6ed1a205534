/* harness.c: the harnesses' private directory of inputs and fixed files, and
 * the network invariant check (see harness.h). */
#include "harness.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "registry.h"
#include "scenario.h"

/* Fixed files an input may name by these names (in the dictionary too). */
static const char base_yaml[] =
    "run: {days: 10, seed: 3, replicates: 2}\n"
    "network: {type: organization, agents: 30}\n"
    "model: {name: genai}\n"
    "interventions:\n"
    "  licences: {enabled: true, start: 1}\n"
    "  launch: {enabled: true, start: 1}\n";
static const char chart_csv[] =
    "id,manager_id,generation,level,team\n"
    "A,,boomer,0,board\n"
    "B1,A,millennial,1,\n"
    "B2,A,gen_x,1,\n"
    "C1,B1,gen_z,2,alpha\n"
    "C2,B2,gen_x,2,alpha\n"
    "C3,B1,Gen Z,2,\n";
static const char edges_csv[] = "source,target\n10,20\n20,30\n30,10\n30,40\n";

static char dir[512];

static void remove_dir(void)
{
    static const char *const names[] = {"base.yaml", "chart.csv", "edges.csv", "graph.csr",
                                        "in.yaml", "in.csv", "in.csr", "again.yaml"};
    char path[600];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

static void write_all(const char *path, const void *data, size_t size)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const char *p = data;
    if (fd < 0) {
        fprintf(stderr, "fuzz: cannot create %s: %s\n", path, strerror(errno));
        abort();
    }
    while (size > 0) {
        ssize_t w = write(fd, p, size);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            fprintf(stderr, "fuzz: cannot write %s: %s\n", path, strerror(errno));
            abort();
        }
        p += w;
        size -= (size_t)w;
    }
    close(fd);
}

/* The CSR binary of a triangle: int32 n, int64 nnz, int64 indptr[n+1],
 * int32 indices[nnz], little endian. */
static size_t triangle_csr(unsigned char *buf)
{
    const int64_t indptr[] = {0, 2, 4, 6};
    const int32_t indices[] = {1, 2, 0, 2, 0, 1};
    size_t len = 0;
    uint64_t x;
    for (int b = 0; b < 4; b++) buf[len++] = (unsigned char)(3u >> (8 * b));
    for (int b = 0; b < 8; b++) buf[len++] = (unsigned char)((uint64_t)6 >> (8 * b));
    for (int i = 0; i < 4; i++) {
        x = (uint64_t)indptr[i];
        for (int b = 0; b < 8; b++) buf[len++] = (unsigned char)(x >> (8 * b));
    }
    for (int i = 0; i < 6; i++) {
        x = (uint32_t)indices[i];
        for (int b = 0; b < 4; b++) buf[len++] = (unsigned char)(x >> (8 * b));
    }
    return len;
}

const char *fuzz_dir(void)
{
    if (dir[0]) return dir;
    /* run.sh names a directory of its own, removed when the run ends (a
     * crashed input's directory stays behind otherwise) */
    const char *root = getenv("ADOPTSIM_FUZZ_ROOT");
    if (!root || !root[0]) root = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    if (strlen(root) > sizeof dir - 32) {
        fprintf(stderr, "fuzz: ADOPTSIM_FUZZ_ROOT is too long\n");
        abort();
    }
    snprintf(dir, sizeof dir, "%s/adoptsim-fuzz-XXXXXX", root);
    if (!mkdtemp(dir)) {
        fprintf(stderr, "fuzz: cannot make a directory under %s: %s\n", root, strerror(errno));
        abort();
    }
    atexit(remove_dir);
    char path[600];
    unsigned char csr[128];
    size_t csr_len = triangle_csr(csr);
    snprintf(path, sizeof path, "%s/base.yaml", dir);
    write_all(path, base_yaml, sizeof base_yaml - 1);
    snprintf(path, sizeof path, "%s/chart.csv", dir);
    write_all(path, chart_csv, sizeof chart_csv - 1);
    snprintf(path, sizeof path, "%s/edges.csv", dir);
    write_all(path, edges_csv, sizeof edges_csv - 1);
    snprintf(path, sizeof path, "%s/graph.csr", dir);
    write_all(path, csr, csr_len);
    return dir;
}

void fuzz_write(const char *name, const uint8_t *data, size_t size, char *path, size_t path_size)
{
    snprintf(path, path_size, "%s/%s", fuzz_dir(), name);
    write_all(path, data, size);
}

int fuzz_open_files(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;
    if (!d) return -1;
    while (readdir(d)) n++;
    closedir(d);
    return n;
}

void fuzz_check_open_files(int before)
{
    int now = fuzz_open_files();
    if (before >= 0 && now != before) {
        fprintf(stderr, "fuzz: %d files were open before the input, %d after\n", before, now);
        abort();
    }
}

static void broken(const char *what, long long a, long long b)
{
    fprintf(stderr, "fuzz: the network breaks an invariant: %s (%lld, %lld)\n", what, a, b);
    abort();
}

void fuzz_check_network(const sim_network *net, int with_ties)
{
    int32_t n = net->n;
    if (n < 1) broken("no agents", n, 0);
    if (with_ties && !net->complete) {
        if (!net->row || !net->col) broken("no CSR arrays", 0, 0);
        if (net->row[0] != 0) broken("row[0] is not 0", net->row[0], 0);
        for (int32_t i = 0; i < n; i++) {
            if (net->row[i + 1] < net->row[i]) broken("row offsets decrease at", i, net->row[i]);
            for (int64_t p = net->row[i]; p < net->row[i + 1]; p++) {
                int32_t j = net->col[p];
                if (j < 0 || j >= n) broken("neighbour out of range", i, j);
                if (j == i) broken("self-tie", i, j);
                if (p > net->row[i] && net->col[p - 1] >= j) broken("row not sorted", i, j);
                int64_t lo = net->row[j], hi = net->row[j + 1];
                while (lo < hi) {
                    int64_t mid = lo + (hi - lo) / 2;
                    if (net->col[mid] < i) lo = mid + 1;
                    else hi = mid;
                }
                if (lo == net->row[j + 1] || net->col[lo] != i) broken("tie not symmetric", i, j);
            }
        }
    }
    if (!net->manager) return;
    if (!net->level || !net->generation || !net->team) broken("partial organization", 0, 0);
    if (net->manager[0] != -1) broken("agent 0 has a manager", net->manager[0], 0);
    int32_t deepest = 0;
    for (int32_t i = 0; i < n; i++) {
        int32_t m = net->manager[i];
        if (i > 0 && (m < 0 || m >= i)) broken("manager not an earlier agent", i, m);
        if (net->level[i] != (i == 0 ? 0 : net->level[m] + 1)) broken("level", i, net->level[i]);
        if (net->generation[i] < 0 || net->generation[i] >= NET_GENERATIONS)
            broken("generation", i, net->generation[i]);
        if (net->team[i] < 0 || net->team[i] >= net->n_teams) broken("team", i, net->team[i]);
        if (net->level[i] > deepest) deepest = net->level[i];
        if (net->ids && !net->ids[i]) broken("missing id", i, 0);
    }
    if (net->n_levels != deepest + 1) broken("n_levels", net->n_levels, deepest + 1);
}

static scenario *network_scn; /* fuzz_network_scenario's, freed at exit */

static void free_network_scenario(void)
{
    scenario_free(network_scn);
}

scenario *fuzz_network_scenario(const char *type, const char *path)
{
    if (network_scn) return network_scn;
    char set_type[64], set_file[700];
    sim_error err;
    snprintf(set_type, sizeof set_type, "network.type=%s", type);
    snprintf(set_file, sizeof set_file, "network.file=%s", path);
    if (registry_scenario_alloc(&network_scn, &err) || scenario_set(network_scn, set_type, &err) ||
        scenario_set(network_scn, set_file, &err)) {
        fprintf(stderr, "fuzz: cannot make the network settings: %s\n", err.msg);
        abort();
    }
    atexit(free_network_scenario);
    return network_scn;
}

void fuzz_build_network(const scenario *scn, int files_before)
{
    sim_network *net = NULL;
    sim_error err;
    if (network_build(scn, 1, &net, &err) == SIM_OK) fuzz_check_network(net, 1);
    network_free(net);
    fuzz_check_open_files(files_before);
}
