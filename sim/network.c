/* network.c: the tie network as CSR arrays: alloc and free, sorting rows,
 * dropping duplicates and self-ties (network_csr_finish), the symmetry check,
 * building from an explicit edge list (network_from_edges), the implicit
 * complete graph, arcs and bytes.  The parameters and the table of network
 * types are in network_types.c; the builders in network_gen.c (ring,
 * Watts-Strogatz), network_org.c (organizations) and network_file.c
 * (edge-list files); network_internal.h is what they share. */
#include "network.h"
#include "network_internal.h"
#include "memory.h"
#include "parallel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------- small helpers ---------- */

sim_network *network_new(int32_t n, const char *kind)
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
    network_names_free(net->team_names, net->n_teams);
    network_names_free(net->department_names, net->n_departments);
    free(net->department);
    free(net);
}

void network_names_free(char **names, int32_t n)
{
    if (names)
        for (int32_t k = 0; k < n; k++) free(names[k]);
    free(names);
}

char **network_names_numbered(int32_t n)
{
    char **names = calloc(n > 0 ? (size_t)n : 1, sizeof *names);
    if (!names) return NULL;
    for (int32_t k = 0; k < n; k++) {
        char num[16];
        snprintf(num, sizeof num, "%d", (int)k);
        if (!(names[k] = strdup(num))) {
            network_names_free(names, k);
            return NULL;
        }
    }
    return names;
}

/* Bytes of n names and their array. */
static size_t names_bytes(char *const *names, int32_t n)
{
    size_t b = names ? (size_t)n * sizeof *names : 0;
    for (int32_t k = 0; names && k < n; k++) b += strlen(names[k]) + 1;
    return b;
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
    if (net->department) b += n * sizeof *net->department;
    b += names_bytes(net->team_names, net->n_teams) + names_bytes(net->department_names, net->n_departments);
    return b;
}

/* Turn per-agent counts row[0..n-1] into start offsets (row[n] = total). */
int64_t network_counts_to_starts(int64_t *row, int32_t n)
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
void network_ends_to_starts(int64_t *row, int32_t n)
{
    for (int32_t i = n; i > 0; i--) row[i] = row[i - 1];
    row[0] = 0;
}

/* Allocate col for the total in row[n] (at least one element). */
int network_alloc_col(sim_network *net, sim_error *err)
{
    int64_t total = net->row[net->n];
    if ((uint64_t)total > SIZE_MAX / sizeof *net->col - 1)
        return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL,
                             "network of %lld ties is too large", (long long)total);
    net->col = sim_alloc_large((size_t)total, sizeof *net->col);
    if (!net->col)
        return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL,
                             "out of memory for %lld ties", (long long)total);
    return SIM_OK;
}

int network_alloc_row(sim_network *net, sim_error *err)
{
    net->row = sim_calloc_large((size_t)net->n + 1, sizeof *net->row);
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
int network_csr_is_symmetric(const sim_network *net)
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
void network_csr_finish(sim_network *net)
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
void network_ties_apply(int64_t *row, int32_t *col, const int32_t *u, const int32_t *v,
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

    sim_network *net = network_new(n, "edgelist");
    if (!net) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    int st = network_alloc_row(net, err);
    if (st) goto fail;
    network_ties_apply(net->row, NULL, u, v, n_edges, 0);
    network_counts_to_starts(net->row, n);
    if ((st = network_alloc_col(net, err))) goto fail;
    network_ties_apply(net->row, net->col, u, v, n_edges, 1);
    network_ends_to_starts(net->row, n);
    network_csr_finish(net);
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
    sim_network *net = network_new(n, "complete");
    if (!net) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    net->complete = 1;
    *out = net;
    return SIM_OK;
}
