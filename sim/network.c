/* network.c: the network.* and organization.* parameters and the builders of
 * the tie network (complete, ring, Watts-Strogatz, generated organization,
 * org chart, edge-list file) as CSR arrays.  An org chart is read by
 * orgchart.c; its ties are made here by the same code as a generated
 * organization's.
 *
 * Generated networks emit their ties twice, once to count degrees and once to
 * fill the rows, regenerating random choices from their Philox counters
 * instead of keeping an edge list, so peak memory is the CSR itself plus
 * NET_BATCH ties in flight (and 4 bytes per agent for the block structure).
 * Random ties are generated a batch at a time, in parallel (each agent writes
 * its own slots), then counted or stored serially; rows are then sorted in
 * parallel and deduplicated and cleared of self-ties in place (csr_finish).
 * Every step is order-independent, so networks never depend on the number of
 * threads.
 *
 * Random draws, all with key rng_key_make(seed, 0) and day 0:
 *   NET_PURPOSE_WS_REWIRE   (agent i, block j/4), word j%4 below rewire * 2^32:
 *                           i's j-th right tie is rewired
 *   NET_PURPOSE_WS_TARGET   (agent i, block j), words 0-1: its new target
 *   NET_PURPOSE_GENERATION  rng_uniform(agent i): generation of agent i
 *   NET_PURPOSE_PEER_COUNT  gsl stream (agent i): Poisson number of peer ties i draws
 *   NET_PURPOSE_PEER_TARGET (agent i, block m): words 0-1 inside the department or
 *                           not, words 2-3 the target of i's m-th peer tie */
#include "network.h"
#include "csv.h"
#include "orgchart.h"
#include "parallel.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <gsl/gsl_randist.h>
#include <omp.h>

#define NET_PURPOSE_WS_REWIRE   (RNG_PURPOSE_ENGINE + 1u)
#define NET_PURPOSE_WS_TARGET   (RNG_PURPOSE_ENGINE + 2u)
#define NET_PURPOSE_GENERATION  (RNG_PURPOSE_ENGINE + 3u)
#define NET_PURPOSE_PEER_COUNT  (RNG_PURPOSE_ENGINE + 4u)
#define NET_PURPOSE_PEER_TARGET (RNG_PURPOSE_ENGINE + 5u)

#define NET_MAX_LEVELS 32768 /* levels are int16: 0 .. 32767 */
#define NET_BATCH 262144     /* random ties generated at a time, then counted or stored */

const char *const network_generation_names[NET_GENERATIONS] = {
    "gen_z", "millennial", "gen_x", "boomer"
};

static const char *const generation_keys[NET_GENERATIONS] = {
    "organization.generation_mix.gen_z",
    "organization.generation_mix.millennial",
    "organization.generation_mix.gen_x",
    "organization.generation_mix.boomer"
};

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

/* ---------- small helpers ---------- */

static sim_network *net_new(int32_t n, const char *kind)
{
    sim_network *net = calloc(1, sizeof *net);
    if (!net) return NULL;
    net->n = n;
    snprintf(net->kind, sizeof net->kind, "%s", kind);
    return net;
}

void network_free(sim_network *net)
{
    if (!net) return;
    free(net->row);
    free(net->col);
    free(net->manager);
    free(net->level);
    free(net->generation);
    free(net->team);
    if (net->ids)
        for (int32_t i = 0; i < net->n; i++) free(net->ids[i]);
    free(net->ids);
    free(net);
}

int64_t network_arcs(const sim_network *net)
{
    if (net->complete) return (int64_t)net->n * ((int64_t)net->n - 1);
    return net->row ? net->row[net->n] : 0;
}

size_t network_bytes(const sim_network *net)
{
    size_t b = sizeof *net;
    size_t n = (size_t)net->n;
    if (net->row) b += (n + 1) * sizeof *net->row + (size_t)net->row[net->n] * sizeof *net->col;
    if (net->manager) b += n * sizeof *net->manager;
    if (net->level) b += n * sizeof *net->level;
    if (net->generation) b += n * sizeof *net->generation;
    if (net->team) b += n * sizeof *net->team;
    if (net->ids) {
        b += n * sizeof *net->ids;
        for (int32_t i = 0; i < net->n; i++) b += strlen(net->ids[i]) + 1;
    }
    return b;
}

/* Uniform integer in 0..m-1 (m >= 1) from two random words. */
static int64_t draw_index(uint32_t hi, uint32_t lo, int64_t m)
{
    int64_t t = (int64_t)(rng_u01_from_words(hi, lo) * (double)m);
    return t < m ? t : m - 1;
}

/* Uniform agent in 0..n-1 other than self (n >= 2). */
static int32_t draw_other(uint32_t hi, uint32_t lo, int32_t n, int32_t self)
{
    int32_t t = (int32_t)draw_index(hi, lo, (int64_t)n - 1);
    return t >= self ? t + 1 : t;
}

/* Turn per-agent counts row[0..n-1] into start offsets (row[n] = total). */
static int64_t counts_to_starts(int64_t *row, int32_t n)
{
    int64_t sum = 0;
    for (int32_t i = 0; i < n; i++) {
        int64_t c = row[i];
        row[i] = sum;
        sum += c;
    }
    row[n] = sum;
    return sum;
}

/* After a fill that advanced row[i] from the start to the end of row i,
 * shift the offsets back so that row[i] is again the start. */
static void ends_to_starts(int64_t *row, int32_t n)
{
    for (int32_t i = n; i > 0; i--) row[i] = row[i - 1];
    row[0] = 0;
}

/* Allocate col for the total in row[n] (at least one element). */
static int alloc_col(sim_network *net, sim_error *err)
{
    int64_t total = net->row[net->n];
    if ((uint64_t)total > SIZE_MAX / sizeof *net->col - 1)
        return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL,
                             "network of %lld ties is too large", (long long)total);
    net->col = malloc((size_t)(total > 0 ? total : 1) * sizeof *net->col);
    if (!net->col)
        return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL,
                             "out of memory for %lld ties", (long long)total);
    return SIM_OK;
}

static int alloc_row(sim_network *net, sim_error *err)
{
    net->row = calloc((size_t)net->n + 1, sizeof *net->row);
    if (!net->row)
        return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL,
                             "out of memory for %d agents", (int)net->n);
    return SIM_OK;
}

static int cmp_int32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* 1 if the (sorted, deduplicated) CSR equals its transpose.  The transpose
 * is filled row by row in increasing i, so its rows come out sorted too; a
 * scan and a memcmp instead of a binary search per tie.  0 also when out of
 * memory (the caller then checks tie by tie). */
static int csr_is_symmetric(const sim_network *net)
{
    const int32_t n = net->n;
    const int64_t nnz = net->row[n];
    int64_t *pos = malloc(((size_t)n + 1) * sizeof *pos);
    int32_t *t = malloc((size_t)(nnz > 0 ? nnz : 1) * sizeof *t);
    int same = pos && t;
    if (same) {
        memset(pos, 0, ((size_t)n + 1) * sizeof *pos);
        for (int64_t p = 0; p < nnz; p++) pos[net->col[p] + 1]++;
        for (int32_t i = 0; i < n; i++) pos[i + 1] += pos[i];
        for (int32_t i = 0; i <= n && same; i++) same = pos[i] == net->row[i];
    }
    if (same) {
        for (int32_t i = 0; i < n; i++)
            for (int64_t p = net->row[i]; p < net->row[i + 1]; p++) t[pos[net->col[p]]++] = i;
        same = memcmp(t, net->col, (size_t)nnz * sizeof *t) == 0;
    }
    free(pos);
    free(t);
    return same;
}

/* 1 if the sorted array a[0..len-1] holds x (bsearch without the call
 * through a comparator: this runs once per tie when a graph is loaded). */
static int sorted_has(const int32_t *a, size_t len, int32_t x)
{
    size_t lo = 0, hi = len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < len && a[lo] == x;
}

static void sort_row(int32_t *a, int64_t len)
{
    if (len > 32) {
        qsort(a, (size_t)len, sizeof *a, cmp_int32);
        return;
    }
    for (int64_t p = 1; p < len; p++) {
        int32_t x = a[p];
        int64_t q = p;
        while (q > 0 && a[q - 1] > x) {
            a[q] = a[q - 1];
            q--;
        }
        a[q] = x;
    }
}

/* Sort every row, then drop duplicates and self-ties, compacting col in
 * place and shrinking it. */
static void csr_finish(sim_network *net)
{
    int32_t n = net->n;
    int64_t *row = net->row;
    int32_t *col = net->col;

#pragma omp parallel for schedule(dynamic, 4096) if (n >= SIM_PARALLEL_MIN)
    for (int32_t i = 0; i < n; i++) sort_row(col + row[i], row[i + 1] - row[i]);

    int64_t w = 0, start = row[0];
    for (int32_t i = 0; i < n; i++) {
        int64_t end = row[i + 1];
        int32_t prev = -1;
        row[i] = w;
        for (int64_t p = start; p < end; p++) {
            int32_t c = col[p];
            if (c == i || c == prev) continue;
            col[w++] = c;
            prev = c;
        }
        start = end;
    }
    if (w < row[n]) {
        int32_t *shrunk = realloc(col, (size_t)(w > 0 ? w : 1) * sizeof *col);
        if (shrunk) net->col = shrunk;
    }
    row[n] = w;
}

/* Count (fill = 0) or store (fill = 1) the ties u[e]-v[e] in both rows.
 * Counting adds to row[i]; storing writes at row[i] and advances it. */
static void ties_apply(int64_t *row, int32_t *col, const int32_t *u, const int32_t *v,
                       int64_t len, int fill)
{
    const int64_t ahead = 16; /* prefetch distance: targets are random for rewired ties */
    if (!fill) {
        for (int64_t e = 0; e < len; e++) {
            if (e + ahead < len) __builtin_prefetch(&row[v[e + ahead]], 1);
            row[u[e]]++;
            row[v[e]]++;
        }
        return;
    }
    for (int64_t e = 0; e < len; e++) {
        if (e + ahead < len) __builtin_prefetch(&row[v[e + ahead]], 1);
        col[row[u[e]]++] = v[e];
        col[row[v[e]]++] = u[e];
    }
}

/* ---------- general builder, complete graph ---------- */

int network_from_edges(int32_t n, const int32_t *u, const int32_t *v, int64_t n_edges,
                       sim_network **out, sim_error *err)
{
    *out = NULL;
    if (n < 1) return sim_error_set(err, SIM_EINPUT, NULL, 0, 0, NULL, "a network needs agents");
    if (n_edges < 0)
        return sim_error_set(err, SIM_EINPUT, NULL, 0, 0, NULL, "negative number of ties");
    for (int64_t e = 0; e < n_edges; e++)
        if (u[e] < 0 || u[e] >= n || v[e] < 0 || v[e] >= n)
            return sim_error_set(err, SIM_EINPUT, NULL, 0, 0, NULL,
                                 "tie %lld (%d-%d): agent id outside 0..%d", (long long)e,
                                 (int)u[e], (int)v[e], (int)n - 1);

    sim_network *net = net_new(n, "edgelist");
    if (!net) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    int st = alloc_row(net, err);
    if (st) goto fail;
    ties_apply(net->row, NULL, u, v, n_edges, 0);
    counts_to_starts(net->row, n);
    if ((st = alloc_col(net, err))) goto fail;
    ties_apply(net->row, net->col, u, v, n_edges, 1);
    ends_to_starts(net->row, n);
    csr_finish(net);
    *out = net;
    return SIM_OK;
fail:
    network_free(net);
    return st;
}

int network_complete(int32_t n, sim_network **out, sim_error *err)
{
    *out = NULL;
    if (n < 1) return sim_error_set(err, SIM_EINPUT, NULL, 0, 0, NULL, "a network needs agents");
    sim_network *net = net_new(n, "complete");
    if (!net) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    net->complete = 1;
    *out = net;
    return SIM_OK;
}

/* ---------- ring and Watts-Strogatz ---------- */

/* The right ends of agent i's k/2 lattice ties after rewiring: tie j joins
 * i to i+j+1 (mod n) unless rewired to a uniform agent other than i. */
static void ws_right_ends(rng_key key, int32_t n, int32_t half, double threshold, int32_t i,
                          int32_t *ends)
{
    uint32_t w[4];
    for (int32_t j = 0; j < half; j++) {
        int64_t t = (int64_t)i + j + 1;
        ends[j] = (int32_t)(t >= n ? t - n : t);
        if (threshold <= 0) continue;
        if (j % 4 == 0) rng_words(key, (uint32_t)i, 0, NET_PURPOSE_WS_REWIRE, (uint32_t)j / 4, w);
        if ((double)w[j % 4] < threshold) {
            uint32_t r[4];
            rng_words(key, (uint32_t)i, 0, NET_PURPOSE_WS_TARGET, (uint32_t)j, r);
            ends[j] = draw_other(r[0], r[1], n, i);
        }
    }
}

/* Ring lattice (rewire = 0) or Watts-Strogatz network on n agents.  Each of
 * agent i's k/2 right ties is rewired with probability rewire to a uniform
 * agent other than i; a rewired tie that lands on an existing neighbour is
 * merged with it when rows are deduplicated, so the mean degree is slightly
 * below k (by about rewire * k^2 / n).  Ties are generated NET_BATCH at a time
 * (in parallel: each agent writes its own slots), then counted or stored
 * serially. */
static int build_ws(int32_t n, int32_t k, double rewire, uint32_t seed, const char *kind,
                    sim_network **out, sim_error *err)
{
    rng_key key = rng_key_make(seed, 0);
    int32_t half = k / 2;
    int32_t per = half > 0 && half < NET_BATCH ? NET_BATCH / half : 1; /* agents per batch */
    double threshold = rewire * 4294967296.0; /* a 32-bit word below it: rewire */
    sim_network *net = net_new(n, kind);
    int32_t *u = malloc((size_t)per * (size_t)(half > 0 ? half : 1) * sizeof *u);
    int32_t *v = malloc((size_t)per * (size_t)(half > 0 ? half : 1) * sizeof *v);
    int st;
    if (!net || !u || !v) {
        st = sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        goto fail;
    }
    if ((st = alloc_row(net, err))) goto fail;

    for (int fill = 0; fill <= 1; fill++) {
        if (fill) {
            counts_to_starts(net->row, n);
            if ((st = alloc_col(net, err))) goto fail;
        }
        for (int32_t i0 = 0; half > 0 && i0 < n; i0 += per) {
            int32_t i1 = n - i0 > per ? i0 + per : n;
#pragma omp parallel for schedule(static) if (i1 - i0 >= SIM_PARALLEL_MIN)
            for (int32_t i = i0; i < i1; i++) {
                size_t at = (size_t)(i - i0) * (size_t)half;
                ws_right_ends(key, n, half, threshold, i, v + at);
                for (int32_t j = 0; j < half; j++) u[at + (size_t)j] = i;
            }
            ties_apply(net->row, net->col, u, v, (int64_t)(i1 - i0) * half, fill);
        }
    }
    ends_to_starts(net->row, n);
    csr_finish(net);
    free(u);
    free(v);
    *out = net;
    return SIM_OK;
fail:
    free(u);
    free(v);
    network_free(net);
    return st;
}

/* ---------- organizations: generated or from an org chart ---------- */

/* Both kinds number agents breadth-first from the chief officer, so the
 * direct reports of a manager are consecutive ids.  A generated organization
 * has span reports per manager (no arrays needed); an org chart passes
 * reports_at and lists the members of its teams (team_at, team_member).
 *
 * Departments: 0 is the chief officer alone, d = 1 .. heads the subtree under
 * the level-1 agent d.  With breadth-first ids a department holds one
 * contiguous range of ids on each level below its head, so it is stored as
 * ranges (no list of members): department d owns ranges range_at[d] ..
 * range_at[d+1]-1; range r starts at id first[r] and has before[r] members of
 * the department before it; size[d] members in all. */
typedef struct org_depts {
    int64_t *range_at;
    int32_t *first;
    int64_t *before;
    int64_t *size;
} org_depts;

static void org_depts_free(org_depts *t)
{
    free(t->range_at);
    free(t->first);
    free(t->before);
    free(t->size);
}

typedef struct org_plan {
    int32_t n;
    int64_t span;               /* generated: reports per manager */
    const int32_t *reports_at;  /* org chart: reports of m are reports_at[m] ..
                                   reports_at[m+1]-1 (n+1 entries); NULL: span */
    const int64_t *team_at;     /* org chart: team t is team_member[team_at[t] ..
                                   team_at[t+1]-1]; NULL: teams are the reports of
                                   a manager */
    const int32_t *team_member;
    rng_key key;
    double peer_mean;      /* Poisson mean of the peer ties each agent draws */
    int block;             /* 1: block structure, 0: small world */
    double within;         /* block: probability to stay inside the department */
    const int32_t *dept;   /* block: department of each agent, see org_departments */
    const org_depts *depts;
} org_plan;

/* First and last id of the direct reports of manager m (first > last: none). */
static void org_reports(const org_plan *p, int64_t m, int64_t *first, int64_t *last)
{
    if (p->reports_at) {
        *first = p->reports_at[m];
        *last = (int64_t)p->reports_at[m + 1] - 1;
        return;
    }
    *first = m * p->span + 1;
    *last = m * p->span + p->span;
    if (*last > p->n - 1) *last = p->n - 1;
}

static unsigned org_peer_count(const org_plan *p, gsl_rng *r, int32_t i)
{
    if (p->peer_mean <= 0 || p->n < 2) return 0;
    rng_gsl_stream(r, p->key, (uint32_t)i, 0, NET_PURPOSE_PEER_COUNT);
    return gsl_ran_poisson(r, p->peer_mean);
}

/* The member of department d with rank idx (0-based, in id order). */
static int32_t org_dept_member(const org_depts *t, int32_t d, int64_t idx)
{
    int64_t lo = t->range_at[d], hi = t->range_at[d + 1] - 1;
    while (lo < hi) { /* last range with before <= idx */
        int64_t mid = lo + (hi - lo + 1) / 2;
        if (t->before[mid] <= idx) lo = mid;
        else hi = mid - 1;
    }
    return (int32_t)(t->first[lo] + (idx - t->before[lo]));
}

static int32_t org_peer_target(const org_plan *p, int32_t i, unsigned m)
{
    uint32_t w[4];
    rng_words(p->key, (uint32_t)i, 0, NET_PURPOSE_PEER_TARGET, m, w);
    if (p->block && rng_u01_from_words(w[0], w[1]) < p->within) {
        int32_t d = p->dept[i];
        int64_t size = p->depts->size[d];
        if (size >= 2) { /* the member of rank idx among the others, members sorted by id */
            int64_t idx = draw_index(w[2], w[3], size - 1);
            int32_t t = org_dept_member(p->depts, d, idx);
            return t < i ? t : org_dept_member(p->depts, d, idx + 1);
        }
    }
    return draw_other(w[2], w[3], p->n, i);
}

/* Workspace for generating peer ties a batch of agents at a time. */
typedef struct peer_batch {
    int32_t per;     /* agents per batch */
    unsigned *count; /* peer ties each agent of the batch draws */
    int64_t *off;    /* where they start in u, v */
    int32_t *u, *v;
    int64_t cap;
    gsl_rng **rngs;  /* one per OpenMP thread */
    int n_rngs;
} peer_batch;

static void peer_batch_free(peer_batch *b)
{
    free(b->count);
    free(b->off);
    free(b->u);
    free(b->v);
    for (int t = 0; b->rngs && t < b->n_rngs; t++) gsl_rng_free(b->rngs[t]);
    free(b->rngs);
}

static int peer_batch_init(peer_batch *b, const org_plan *p)
{
    memset(b, 0, sizeof *b);
    double per = NET_BATCH / (p->peer_mean + 1);
    b->per = per < 1 ? 1 : per > p->n ? p->n : (int32_t)per;
    b->n_rngs = omp_get_max_threads();
    b->count = malloc((size_t)b->per * sizeof *b->count);
    b->off = malloc((size_t)b->per * sizeof *b->off);
    b->rngs = calloc((size_t)b->n_rngs, sizeof *b->rngs);
    if (!b->count || !b->off || !b->rngs) return SIM_ENOMEM;
    for (int t = 0; t < b->n_rngs; t++)
        if (!(b->rngs[t] = rng_gsl_alloc())) return SIM_ENOMEM;
    return SIM_OK;
}

/* Generate the peer ties of agents i0..i1-1 into b->u, b->v (in parallel:
 * each agent writes its own slots); returns their number, -1 when out of
 * memory. */
static int64_t peer_batch_fill(peer_batch *b, const org_plan *p, int32_t i0, int32_t i1)
{
#pragma omp parallel for schedule(static) if (i1 - i0 >= SIM_PARALLEL_MIN)
    for (int32_t i = i0; i < i1; i++)
        b->count[i - i0] = org_peer_count(p, b->rngs[omp_get_thread_num()], i);
    int64_t len = 0;
    for (int32_t i = i0; i < i1; i++) {
        b->off[i - i0] = len;
        len += b->count[i - i0];
    }
    if (len > b->cap) {
        int32_t *u = realloc(b->u, (size_t)len * sizeof *u);
        if (u) b->u = u;
        int32_t *v = realloc(b->v, (size_t)len * sizeof *v);
        if (v) b->v = v;
        if (!u || !v) return -1;
        b->cap = len;
    }
#pragma omp parallel for schedule(static) if (i1 - i0 >= SIM_PARALLEL_MIN)
    for (int32_t i = i0; i < i1; i++) {
        int64_t at = b->off[i - i0];
        for (unsigned m = 0; m < b->count[i - i0]; m++) {
            b->u[at + m] = i;
            b->v[at + m] = org_peer_target(p, i, m);
        }
    }
    return len;
}

/* Levels of a span-ary breadth-first tree on n agents; 0 when deeper than
 * NET_MAX_LEVELS levels. */
static int32_t org_levels(int64_t n, int64_t span)
{
    int32_t depth = 0;
    for (int64_t i = n - 1; i > 0; i = (i - 1) / span)
        if (++depth >= NET_MAX_LEVELS) return 0;
    return depth + 1;
}

/* The department of every agent and the departments' ranges (org_depts).
 * The reports of a range of managers on one level are the next level's range. */
static int org_departments(const org_plan *p, const int32_t *manager, int32_t n_levels,
                           int32_t **dept_out, org_depts *t)
{
    int32_t n = p->n;
    int64_t first, last;
    org_reports(p, 0, &first, &last);
    int64_t heads = last - first + 1;
    int32_t *dept = malloc((size_t)n * sizeof *dept);
    int64_t max_ranges = (heads + 1) * n_levels; /* ranges are disjoint and not empty */
    if (max_ranges > n) max_ranges = n;
    t->range_at = malloc(((size_t)heads + 2) * sizeof *t->range_at);
    t->size = malloc(((size_t)heads + 1) * sizeof *t->size);
    t->first = malloc((size_t)max_ranges * sizeof *t->first);
    t->before = malloc((size_t)max_ranges * sizeof *t->before);
    if (!dept || !t->range_at || !t->size || !t->first || !t->before) {
        free(dept);
        return SIM_ENOMEM;
    }
    for (int32_t i = 0; i < n; i++) {
        int32_t m = manager[i];
        dept[i] = m <= 0 ? i : dept[m];
    }
    int64_t r = 0;
    for (int64_t d = 0; d <= heads; d++) {
        int64_t a = d, b = d, count = 0;
        t->range_at[d] = r;
        for (;;) {
            t->first[r] = (int32_t)a;
            t->before[r++] = count;
            count += b - a + 1;
            if (d == 0) break; /* the chief officer alone */
            int64_t unused;
            org_reports(p, a, &a, &unused);
            org_reports(p, b, &unused, &b);
            if (a > b) break;
        }
        t->size[d] = count;
    }
    t->range_at[heads + 1] = r;
    *dept_out = dept;
    return SIM_OK;
}

/* Generation codes drawn from the mix of each agent's level. */
static int org_generations(const scenario *scn, sim_network *net, rng_key key, sim_error *err)
{
    const double *share[NET_GENERATIONS];
    int len[NET_GENERATIONS];
    for (int g = 0; g < NET_GENERATIONS; g++) share[g] = scenario_list(scn, generation_keys[g], &len[g]);
    double *cum = malloc((size_t)net->n_levels * NET_GENERATIONS * sizeof *cum);
    int *last = malloc((size_t)net->n_levels * sizeof *last);
    if (!cum || !last) {
        free(cum);
        free(last);
        return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    for (int32_t l = 0; l < net->n_levels; l++) {
        double sum = 0;
        last[l] = 0;
        for (int g = 0; g < NET_GENERATIONS; g++) {
            double s = len[g] > 0 ? share[g][l < len[g] ? l : len[g] - 1] : 0;
            sum += s;
            cum[(size_t)l * NET_GENERATIONS + (size_t)g] = sum;
            if (s > 0) last[l] = g;
        }
    }
    for (int32_t i = 0; i < net->n; i++) {
        int32_t l = net->level[i];
        const double *c = cum + (size_t)l * NET_GENERATIONS;
        double u = rng_uniform(key, (uint32_t)i, 0, NET_PURPOSE_GENERATION);
        int g = 0;
        while (g < NET_GENERATIONS && !(u < c[g])) g++;
        net->generation[i] = (int8_t)(g < NET_GENERATIONS ? g : last[l]);
    }
    free(cum);
    free(last);
    return SIM_OK;
}

/* The peer-tie settings of the scenario. */
static void org_plan_init(org_plan *p, const scenario *scn, uint32_t seed, int32_t n)
{
    memset(p, 0, sizeof *p);
    p->n = n;
    p->key = rng_key_make(seed, 0);
    p->peer_mean = scenario_double(scn, "organization.peer_ties") / 2;
    p->block = strcmp(scenario_string(scn, "organization.peer_structure"), "block") == 0;
    p->within = scenario_double(scn, "organization.peer_within_department");
}

/* Fill row and col of an organization whose tree (manager, n_levels) is in
 * net: each agent is tied to its manager, its teammates and its peers. */
static int org_ties(sim_network *net, org_plan *p, sim_error *err)
{
    int32_t n = p->n;
    int32_t *dept = NULL;
    org_depts depts = {0};
    peer_batch batch;
    int st = SIM_OK;
    if (peer_batch_init(&batch, p)) {
        st = sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory for %d agents", (int)n);
        goto done;
    }
    if ((st = alloc_row(net, err))) goto done;
    if (p->block && p->peer_mean > 0 && n > 1) {
        if (org_departments(p, net->manager, net->n_levels, &dept, &depts)) {
            st = sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
            goto done;
        }
        p->dept = dept;
        p->depts = &depts;
    }

    /* Count the reporting line and teammates (directly), then the peer ties. */
    int64_t *row = net->row;
    for (int32_t i = 0; i < n; i++) {
        int64_t first, last;
        org_reports(p, i, &first, &last);
        if (last >= first) row[i] += last - first + 1;
        if (p->team_at) {
            int32_t t = net->team[i];
            row[i] += (i > 0) + p->team_at[t + 1] - p->team_at[t] - 1;
        } else if (i > 0) {
            org_reports(p, net->manager[i], &first, &last);
            row[i] += 1 + (last - first); /* manager + the other teammates */
        }
    }
    for (int fill = 0; fill <= 1; fill++) {
        if (fill) {
            counts_to_starts(row, n);
            if ((st = alloc_col(net, err))) goto done;
            /* Store the same ties: each agent its manager and the teammates after it. */
            int32_t *col = net->col;
            for (int32_t i = 1; i < n; i++) {
                int32_t m = net->manager[i];
                col[row[i]++] = m;
                col[row[m]++] = i;
                if (p->team_at) continue;
                int64_t first, last;
                org_reports(p, m, &first, &last);
                for (int64_t j = i + 1; j <= last; j++) {
                    col[row[i]++] = (int32_t)j;
                    col[row[j]++] = i;
                }
            }
            for (int32_t t = 0; p->team_at && t < net->n_teams; t++)
                for (int64_t a = p->team_at[t]; a < p->team_at[t + 1]; a++)
                    for (int64_t b = a + 1; b < p->team_at[t + 1]; b++) {
                        int32_t x = p->team_member[a], y = p->team_member[b];
                        col[row[x]++] = y;
                        col[row[y]++] = x;
                    }
        }
        for (int32_t i0 = 0; p->peer_mean > 0 && n > 1 && i0 < n; i0 += batch.per) {
            int32_t i1 = n - i0 > batch.per ? i0 + batch.per : n;
            int64_t len = peer_batch_fill(&batch, p, i0, i1);
            if (len < 0) {
                st = sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
                goto done;
            }
            ties_apply(row, net->col, batch.u, batch.v, len, fill);
        }
    }
    ends_to_starts(row, n);
    csr_finish(net);

done:
    p->dept = NULL;
    p->depts = NULL;
    free(dept);
    org_depts_free(&depts);
    peer_batch_free(&batch);
    return st;
}

static int build_organization(const scenario *scn, uint32_t seed, sim_network **out,
                              sim_error *err)
{
    org_plan p;
    org_plan_init(&p, scn, seed, (int32_t)scenario_int(scn, "network.agents"));
    p.span = scenario_int(scn, "organization.span");

    int32_t n = p.n, n_levels = org_levels(n, p.span);
    if (n_levels == 0)
        return scenario_error(scn, "organization.span", err,
                              "an organization of %d agents with span %lld is more than %d "
                              "levels deep", (int)n, (long long)p.span, NET_MAX_LEVELS);

    int st = SIM_OK;
    sim_network *net = net_new(n, "organization");
    if (!net) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    net->manager = malloc((size_t)n * sizeof *net->manager);
    net->level = malloc((size_t)n * sizeof *net->level);
    net->generation = malloc((size_t)n * sizeof *net->generation);
    net->team = malloc((size_t)n * sizeof *net->team);
    if (!net->manager || !net->level || !net->generation || !net->team) {
        st = sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory for %d agents", (int)n);
        goto done;
    }

    /* Tree: manager of i is (i-1)/span; team of i is 1 + its manager (team 0:
     * the chief officer alone). */
    for (int32_t i = 0; i < n; i++) {
        int32_t m = i == 0 ? -1 : (int32_t)((i - 1) / p.span);
        net->manager[i] = m;
        net->level[i] = (int16_t)(m < 0 ? 0 : net->level[m] + 1);
        net->team[i] = m + 1;
    }
    net->n_levels = n_levels;
    net->n_teams = n > 1 ? (int32_t)((n - 2) / p.span + 2) : 1;
    if ((st = org_generations(scn, net, p.key, err))) goto done;
    st = org_ties(net, &p, err);

done:
    if (st) {
        network_free(net);
        return st;
    }
    *out = net;
    return SIM_OK;
}

static int parse_id(const char *s, int64_t *id)
{
    if (*s < '0' || *s > '9') return 0;
    char *end;
    errno = 0;
    long long x = strtoll(s, &end, 10);
    if (errno || *end) return 0;
    *id = x;
    return 1;
}

static int cmp_int64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Rank of id in the sorted unique ids. */
static int32_t id_rank(const int64_t *ids, int64_t n, int64_t id)
{
    int64_t lo = 0, hi = n - 1;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (ids[mid] < id) lo = mid + 1;
        else hi = mid;
    }
    return (int32_t)lo;
}

typedef struct csv_state {
    int64_t *src, *dst;
    int64_t n, cap;
} csv_state;

static int csv_push(csv_state *c, int64_t s, int64_t t)
{
    if (c->n == c->cap) {
        int64_t cap = c->cap ? c->cap * 2 : 1024;
        int64_t *a = realloc(c->src, (size_t)cap * sizeof *a);
        if (!a) return SIM_ENOMEM;
        c->src = a;
        int64_t *b = realloc(c->dst, (size_t)cap * sizeof *b);
        if (!b) return SIM_ENOMEM;
        c->dst = b;
        c->cap = cap;
    }
    c->src[c->n] = s;
    c->dst[c->n] = t;
    c->n++;
    return SIM_OK;
}

#define CSV_MAX_FIELDS 256

static int read_csv(const char *path, sim_network **out, sim_error *err)
{
    const char *key = "network.file";
    FILE *f = fopen(path, "r");
    if (!f)
        return sim_error_set(err, SIM_EIO, path, 0, 0, key, "cannot open edge-list file: %s",
                             strerror(errno));
    csv_state c = {0};
    char *line = NULL, *fields[CSV_MAX_FIELDS], text[128];
    size_t cap = 0;
    ssize_t len;
    int lineno = 0, header_fields = 0, col_src = -1, col_dst = -1, st = SIM_OK;
    int64_t *ids = NULL;
    int32_t *u = NULL, *v = NULL;

    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        char *s;
        if (csv_line(line, len, lineno, &s) != 0) {
            st = sim_error_set(err, SIM_EINPUT, path, lineno, 0, key,
                               "binary data (a NUL byte) in a CSV edge list");
            goto done;
        }
        if (*csv_trim(s) == '\0') continue;
        csv_excerpt(text, sizeof text, s);
        if (header_fields == 0) {
            header_fields = csv_split(s, fields, CSV_MAX_FIELDS);
            if (header_fields < 0) {
                st = sim_error_set(err, SIM_EINPUT, path, lineno, 0, key, "header: %s",
                                   csv_split_error(header_fields));
                goto done;
            }
            if (header_fields > CSV_MAX_FIELDS) {
                st = sim_error_set(err, SIM_EINPUT, path, lineno, 0, key,
                                   "header has %d columns, at most %d are supported",
                                   header_fields, CSV_MAX_FIELDS);
                goto done;
            }
            for (int j = 0; j < header_fields; j++) {
                if (col_src < 0 && strcmp(fields[j], "source") == 0) col_src = j;
                if (col_dst < 0 && strcmp(fields[j], "target") == 0) col_dst = j;
            }
            if (col_src < 0 || col_dst < 0) {
                st = sim_error_set(err, SIM_EINPUT, path, lineno, 0, key,
                                   "missing column \"%s\" (header has: %s)",
                                   col_src < 0 ? "source" : "target", text);
                goto done;
            }
            continue;
        }
        int nf = csv_split(s, fields, CSV_MAX_FIELDS);
        if (nf < 0) {
            st = sim_error_set(err, SIM_EINPUT, path, lineno, 0, key, "%s: \"%s\"", csv_split_error(nf), text);
            goto done;
        }
        if (nf != header_fields) {
            st = sim_error_set(err, SIM_EINPUT, path, lineno, 0, key,
                               "%d fields where the header has %d: \"%s\"", nf, header_fields,
                               text);
            goto done;
        }
        int64_t a = 0, b = 0;
        int bad = -1;
        if (!parse_id(fields[col_src], &a)) bad = col_src;
        else if (!parse_id(fields[col_dst], &b)) bad = col_dst;
        if (bad >= 0) {
            char id[80];
            csv_excerpt(id, sizeof id, fields[bad]);
            st = sim_error_set(err, SIM_EINPUT, path, lineno, 0, key,
                               "%s id \"%s\" is not a non-negative integer: \"%s\"",
                               bad == col_src ? "source" : "target", id, text);
            goto done;
        }
        if (csv_push(&c, a, b)) {
            st = sim_error_set(err, SIM_ENOMEM, path, lineno, 0, key, "out of memory");
            goto done;
        }
    }
    if (ferror(f)) {
        st = sim_error_set(err, SIM_EIO, path, 0, 0, key, "cannot read edge-list file: %s",
                           strerror(errno));
        goto done;
    }
    if (header_fields == 0) {
        st = sim_error_set(err, SIM_EINPUT, path, 0, 0, key,
                           "empty edge-list file: expected a header \"source,target\"");
        goto done;
    }
    if (c.n == 0) {
        st = sim_error_set(err, SIM_EINPUT, path, 0, 0, key, "no ties: the file has a header only");
        goto done;
    }

    /* Relabel: agent ids are the ranks of the ids in sorted order. */
    ids = malloc((size_t)c.n * 2 * sizeof *ids);
    u = malloc((size_t)c.n * sizeof *u);
    v = malloc((size_t)c.n * sizeof *v);
    if (!ids || !u || !v) {
        st = sim_error_set(err, SIM_ENOMEM, path, 0, 0, key, "out of memory");
        goto done;
    }
    memcpy(ids, c.src, (size_t)c.n * sizeof *ids);
    memcpy(ids + c.n, c.dst, (size_t)c.n * sizeof *ids);
    qsort(ids, (size_t)c.n * 2, sizeof *ids, cmp_int64);
    int64_t n_ids = 0;
    for (int64_t e = 0; e < c.n * 2; e++)
        if (n_ids == 0 || ids[e] != ids[n_ids - 1]) ids[n_ids++] = ids[e];
    if (n_ids > INT32_MAX) {
        st = sim_error_set(err, SIM_EINPUT, path, 0, 0, key, "more than %d agents", INT32_MAX);
        goto done;
    }
    for (int64_t e = 0; e < c.n; e++) {
        u[e] = id_rank(ids, n_ids, c.src[e]);
        v[e] = id_rank(ids, n_ids, c.dst[e]);
    }
    free(c.src);
    free(c.dst);
    free(ids);
    c.src = c.dst = ids = NULL;
    if ((st = network_from_edges((int32_t)n_ids, u, v, c.n, out, err))) {
        if (err) snprintf(err->file, sizeof err->file, "%s", path);
    }

done:
    free(line);
    free(c.src);
    free(c.dst);
    free(ids);
    free(u);
    free(v);
    fclose(f);
    return st;
}

static int host_is_little_endian(void)
{
    uint16_t x = 1;
    unsigned char b;
    memcpy(&b, &x, 1);
    return b == 1;
}

static void swap_bytes(void *data, size_t count, size_t width)
{
    unsigned char *p = data;
    for (size_t i = 0; i < count; i++, p += width)
        for (size_t a = 0, b = width - 1; a < b; a++, b--) {
            unsigned char t = p[a];
            p[a] = p[b];
            p[b] = t;
        }
}

static int64_t le_int(const unsigned char *b, int width)
{
    uint64_t x = 0;
    for (int i = width - 1; i >= 0; i--) x = (x << 8) | b[i];
    if (width == 4) return (int32_t)(uint32_t)x;
    return (int64_t)x;
}

/* Binary CSR, little endian: int32 n, int64 nnz, int64 indptr[n+1],
 * int32 indices[nnz].  Rows are sorted and cleaned here; the ties must be
 * symmetric (j in row i iff i in row j), which is checked. */
static int read_csr(const char *path, sim_network **out, sim_error *err)
{
    const char *key = "network.file";
    FILE *f = fopen(path, "rb");
    if (!f)
        return sim_error_set(err, SIM_EIO, path, 0, 0, key, "cannot open edge-list file: %s",
                             strerror(errno));
    sim_network *net = NULL;
    int st = SIM_OK;
    unsigned char head[12];
    struct stat sb;
    if (fstat(fileno(f), &sb) != 0) {
        st = sim_error_set(err, SIM_EIO, path, 0, 0, key, "cannot read: %s", strerror(errno));
        goto done;
    }
    int64_t size = (int64_t)sb.st_size;
    if (size < 12 || fread(head, 1, 12, f) != 12) {
        st = sim_error_set(err, SIM_EINPUT, path, 0, 0, key,
                           "truncated CSR file: %lld bytes, the header alone needs 12",
                           (long long)size);
        goto done;
    }
    int64_t n = le_int(head, 4), nnz = le_int(head + 4, 8);
    if (n < 1 || nnz < 0 || nnz > (INT64_MAX - 16 - 8 * (n + 1)) / 4) {
        st = sim_error_set(err, SIM_EINPUT, path, 0, 0, key,
                           "bad CSR header: n = %lld agents, nnz = %lld ties", (long long)n,
                           (long long)nnz);
        goto done;
    }
    int64_t need = 12 + 8 * (n + 1) + 4 * nnz;
    if (size != need) {
        st = sim_error_set(err, SIM_EINPUT, path, 0, 0, key,
                           "%s CSR file: n = %lld and nnz = %lld need %lld bytes, the file has %lld",
                           size < need ? "truncated" : "oversized", (long long)n,
                           (long long)nnz, (long long)need, (long long)size);
        goto done;
    }
    net = net_new((int32_t)n, "edgelist");
    if (!net || alloc_row(net, err)) {
        st = sim_error_set(err, SIM_ENOMEM, path, 0, 0, key, "out of memory");
        goto done;
    }
    net->row[n] = nnz;
    if ((st = alloc_col(net, err))) goto done;
    if (fread(net->row, sizeof *net->row, (size_t)n + 1, f) != (size_t)n + 1 ||
        fread(net->col, sizeof *net->col, (size_t)nnz, f) != (size_t)nnz) {
        st = sim_error_set(err, SIM_EIO, path, 0, 0, key, "cannot read: %s",
                           ferror(f) ? strerror(errno) : "file shrank while reading");
        goto done;
    }
    if (!host_is_little_endian()) {
        swap_bytes(net->row, (size_t)n + 1, sizeof *net->row);
        swap_bytes(net->col, (size_t)nnz, sizeof *net->col);
    }
    if (net->row[0] != 0 || net->row[n] != nnz) {
        st = sim_error_set(err, SIM_EINPUT, path, 0, 0, key,
                           "indptr runs from %lld to %lld, expected 0 to nnz = %lld",
                           (long long)net->row[0], (long long)net->row[n], (long long)nnz);
        goto done;
    }
    for (int64_t i = 0; i < n; i++)
        if (net->row[i + 1] < net->row[i]) {
            st = sim_error_set(err, SIM_EINPUT, path, 0, 0, key,
                               "indptr decreases at row %lld", (long long)i);
            goto done;
        }
    for (int64_t p = 0; p < nnz; p++)
        if (net->col[p] < 0 || net->col[p] >= n) {
            st = sim_error_set(err, SIM_EINPUT, path, 0, 0, key,
                               "index %lld is %d, outside 0..%lld", (long long)p,
                               (int)net->col[p], (long long)n - 1);
            goto done;
        }
    csr_finish(net);

    /* Symmetry: every j in row i has i in row j (rows are sorted now).  The
     * transpose, built in one pass, must equal the matrix; only when it does
     * not is the offending pair searched for, to name it. */
    if (csr_is_symmetric(net)) goto done;
    for (int32_t i = 0; i < net->n; i++)
        for (int64_t p = net->row[i]; p < net->row[i + 1]; p++) {
            int32_t j = net->col[p];
            const int32_t *a = net->col + net->row[j];
            size_t len = (size_t)(net->row[j + 1] - net->row[j]);
            if (!sorted_has(a, len, i)) {
                st = sim_error_set(err, SIM_EINPUT, path, 0, 0, key,
                                   "ties must be symmetric: row %d lists %d but row %d does "
                                   "not list %d", (int)i, (int)j, (int)j, (int)i);
                goto done;
            }
        }

done:
    fclose(f);
    if (st) {
        network_free(net);
        return st;
    }
    *out = net;
    return SIM_OK;
}

static int build_edgelist(const scenario *scn, sim_network **out, sim_error *err)
{
    const char *file = scenario_string(scn, "network.file");
    char *path = scenario_resolve_path(scn->file, file);
    if (!path) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    size_t len = strlen(path);
    int st = len > 4 && strcmp(path + len - 4, ".csr") == 0 ? read_csr(path, out, err)
                                                          : read_csv(path, out, err);
    free(path);
    return st;
}

/* ---------- org chart ---------- */

/* An organization read from an org-chart CSV (orgchart.c), tied as a
 * generated one: reporting line, teammates and peer ties. */
static int build_orgchart(const scenario *scn, uint32_t seed, sim_network **out, sim_error *err)
{
    char *path = scenario_resolve_path(scn->file, scenario_string(scn, "network.file"));
    if (!path) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    sim_network *net = NULL;
    int st = orgchart_read(path, &net, err);
    free(path);
    if (st) return st;

    int32_t n = net->n;
    int32_t *reports_at = calloc((size_t)n + 1, sizeof *reports_at);
    int64_t *team_at = calloc((size_t)net->n_teams + 1, sizeof *team_at);
    int32_t *team_member = malloc((size_t)n * sizeof *team_member);
    if (!reports_at || !team_at || !team_member) {
        st = sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory for %d agents", (int)n);
        goto done;
    }
    /* Breadth-first ids: the reports of m follow those of m-1. */
    for (int32_t i = 1; i < n; i++) reports_at[net->manager[i] + 1]++;
    reports_at[0] = 1;
    for (int32_t m = 0; m < n; m++) reports_at[m + 1] += reports_at[m];
    /* Team members in id order. */
    for (int32_t i = 0; i < n; i++) team_at[net->team[i] + 1]++;
    for (int32_t t = 0; t < net->n_teams; t++) team_at[t + 1] += team_at[t];
    for (int32_t i = 0; i < n; i++) team_member[team_at[net->team[i]]++] = i;
    for (int32_t t = net->n_teams; t > 0; t--) team_at[t] = team_at[t - 1];
    team_at[0] = 0;

    org_plan p;
    org_plan_init(&p, scn, seed, n);
    p.reports_at = reports_at;
    p.team_at = team_at;
    p.team_member = team_member;
    st = org_ties(net, &p, err);

done:
    free(reports_at);
    free(team_at);
    free(team_member);
    if (st) {
        network_free(net);
        return st;
    }
    *out = net;
    return SIM_OK;
}

/* ---------- validation and dispatch ---------- */

int network_validate(const scenario *scn, sim_error *err)
{
    const double *share[NET_GENERATIONS];
    int len[NET_GENERATIONS], levels = 0;
    for (int g = 0; g < NET_GENERATIONS; g++) {
        share[g] = scenario_list(scn, generation_keys[g], &len[g]);
        if (len[g] > levels) levels = len[g];
    }
    for (int l = 0; l < levels; l++) {
        double s[NET_GENERATIONS], sum = 0;
        for (int g = 0; g < NET_GENERATIONS; g++) {
            s[g] = len[g] > 0 ? share[g][l < len[g] ? l : len[g] - 1] : 0;
            sum += s[g];
        }
        if (fabs(sum - 1) > 1e-6)
            return scenario_error(scn, generation_keys[0], err,
                                  "generation shares at level %d sum to %.10g, not 1 "
                                  "(gen_z %g + millennial %g + gen_x %g + boomer %g)",
                                  l, sum, s[0], s[1], s[2], s[3]);
    }

    const char *type = scenario_string(scn, "network.type");
    long long agents = scenario_int(scn, "network.agents");
    if (strcmp(type, "ring") == 0 || strcmp(type, "watts_strogatz") == 0) {
        long long k = scenario_int(scn, "network.k");
        if (k % 2 != 0)
            return scenario_error(scn, "network.k", err,
                                  "k = %lld must be even for %s (k/2 ties on each side)", k, type);
        if (k >= agents)
            return scenario_error(scn, "network.k", err,
                                  "k = %lld must be below network.agents = %lld", k, agents);
    } else if (strcmp(type, "edgelist") == 0 || strcmp(type, "orgchart") == 0) {
        if (scenario_string(scn, "network.file")[0] == '\0')
            return scenario_error(scn, "network.file", err,
                                  "network.type is %s but no network.file is given", type);
    } else if (strcmp(type, "complete") == 0) {
        if (agents < 2)
            return scenario_error(scn, "network.agents", err,
                                  "a complete graph needs at least 2 agents, not %lld", agents);
    } else if (strcmp(type, "organization") == 0) {
        long long span = scenario_int(scn, "organization.span");
        if (agents < 1)
            return scenario_error(scn, "network.agents", err, "an organization needs agents");
        if (org_levels(agents, span) == 0)
            return scenario_error(scn, "organization.span", err,
                                  "an organization of %lld agents with span %lld is more than "
                                  "%d levels deep", agents, span, NET_MAX_LEVELS);
    }
    return SIM_OK;
}

int network_build(const scenario *scn, uint32_t seed, sim_network **out, sim_error *err)
{
    *out = NULL;
    int st = network_validate(scn, err);
    if (st) return st;
    const char *type = scenario_string(scn, "network.type");
    int32_t agents = (int32_t)scenario_int(scn, "network.agents");
    int32_t k = (int32_t)scenario_int(scn, "network.k");
    if (strcmp(type, "organization") == 0) return build_organization(scn, seed, out, err);
    if (strcmp(type, "complete") == 0) return network_complete(agents, out, err);
    if (strcmp(type, "ring") == 0) return build_ws(agents, k, 0, seed, "ring", out, err);
    if (strcmp(type, "watts_strogatz") == 0)
        return build_ws(agents, k, scenario_double(scn, "network.rewire"), seed,
                        "watts_strogatz", out, err);
    if (strcmp(type, "edgelist") == 0) return build_edgelist(scn, out, err);
    if (strcmp(type, "orgchart") == 0) return build_orgchart(scn, seed, out, err);
    return sim_error_set(err, SIM_EINTERNAL, NULL, 0, 0, "network.type",
                         "unknown network type \"%s\"", type);
}
