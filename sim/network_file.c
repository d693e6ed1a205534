/* network_file.c: networks read from an edge-list file (network.type
 * edgelist): a CSV of source,target ids, or the binary CSR of
 * shared/bench/peers/common_graph.py, checked for symmetry.  Each bad line
 * is reported with file:line.
 *
 * The agents of a CSV edge list are its nodes: by default the ids that
 * appear in a tie (a node without ties is not in the file, so it does not
 * exist), relabelled to 0..n-1 in sorted order of the ids.  network.nodes
 * declares them as the ids 0..nodes-1 (agent = id), network.node_file as
 * the ids listed in a file (one per line, relabelled in sorted order); a
 * tie naming an id outside them is an error at its line.  Files are opened
 * with input.h (regular files, size-capped) and CSV lines are read with a
 * length cap (csv.h). */
#define _DEFAULT_SOURCE /* madvise */
#include "network.h"
#include "network_internal.h"
#include "csv.h"
#include "input.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>

#define KEY "network.file"
#define NODE_KEY "network.node_file"
#define CSV_MAX_FIELDS 256

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

/* Index of id in the sorted array ids[0..n-1]; -1 if absent. */
static int64_t id_index(const int64_t *ids, int64_t n, int64_t id)
{
    int64_t lo = 0, hi = n;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (ids[mid] < id) lo = mid + 1;
        else hi = mid;
    }
    return lo < n && ids[lo] == id ? lo : -1;
}

/* A growing array of pairs, of int64 ids (nodes not declared) or of int32
 * agents (declared). */
typedef struct pairs {
    void *a, *b;
    size_t width; /* bytes per element: 8 or 4 */
    int64_t n, cap;
} pairs;

static int pairs_push(pairs *p, int64_t x, int64_t y)
{
    if (p->n == p->cap) {
        int64_t cap = p->cap ? p->cap * 2 : 1024;
        void *a = realloc(p->a, (size_t)cap * p->width);
        if (!a) return SIM_ENOMEM;
        p->a = a;
        void *b = realloc(p->b, (size_t)cap * p->width);
        if (!b) return SIM_ENOMEM;
        p->b = b;
        p->cap = cap;
    }
    if (p->width == 8) {
        ((int64_t *)p->a)[p->n] = x;
        ((int64_t *)p->b)[p->n] = y;
    } else {
        ((int32_t *)p->a)[p->n] = (int32_t)x;
        ((int32_t *)p->b)[p->n] = (int32_t)y;
    }
    p->n++;
    return SIM_OK;
}

static void pairs_free(pairs *p)
{
    free(p->a);
    free(p->b);
}

/* ---------- node files ---------- */

typedef struct node_line {
    int64_t id;
    int line;
} node_line;

static int cmp_node_line(const void *a, const void *b)
{
    const node_line *x = a, *y = b;
    if (x->id != y->id) return (x->id > y->id) - (x->id < y->id);
    return (x->line > y->line) - (x->line < y->line);
}

/* Read the node file at path: one non-negative integer id per line (blank
 * lines skipped, an optional header line "id"); *ids gets them sorted
 * (malloc'd), *n their number. */
static int read_node_file(const char *path, int64_t **ids, int64_t *n, sim_error *err)
{
    csv_reader r;
    node_line *nodes = NULL;
    int64_t count = 0, cap = 0;
    char *line, text[80];
    ssize_t len;
    int st = csv_reader_open(&r, path, "node file", NODE_KEY, err), seen_first = 0;
    *ids = NULL;
    *n = 0;
    while (!st && !(st = csv_reader_next(&r, &line, &len, err)) && line) {
        char *s;
        if (csv_line(line, len, r.lineno, &s) != 0) {
            st = sim_error_set(err, SIM_EINPUT, path, r.lineno, 0, NODE_KEY,
                               "binary data (a NUL byte) in a node file");
            break;
        }
        s = csv_trim(s);
        if (*s == '\0') continue;
        int first = !seen_first;
        seen_first = 1;
        if (first && strcasecmp(s, "id") == 0) continue;
        int64_t id;
        if (!parse_id(s, &id)) {
            csv_excerpt(text, sizeof text, s);
            st = sim_error_set(err, SIM_EINPUT, path, r.lineno, 0, NODE_KEY,
                               "node id \"%s\" is not a non-negative integer (one id per line)",
                               text);
            break;
        }
        if (count == cap) {
            int64_t ncap = cap ? cap * 2 : 1024;
            node_line *nn = realloc(nodes, (size_t)ncap * sizeof *nn);
            if (!nn) {
                st = sim_error_set(err, SIM_ENOMEM, path, r.lineno, 0, NODE_KEY, "out of memory");
                break;
            }
            nodes = nn;
            cap = ncap;
        }
        nodes[count].id = id;
        nodes[count++].line = r.lineno;
    }
    csv_reader_close(&r);
    if (!st && count == 0)
        st = sim_error_set(err, SIM_EINPUT, path, 0, 0, NODE_KEY, "no node ids in the node file");
    if (!st && count > INT32_MAX)
        st = sim_error_set(err, SIM_EINPUT, path, 0, 0, NODE_KEY, "more than %d nodes", INT32_MAX);
    int64_t *out = NULL;
    if (!st) {
        qsort(nodes, (size_t)count, sizeof *nodes, cmp_node_line);
        for (int64_t k = 1; k < count && !st; k++)
            if (nodes[k].id == nodes[k - 1].id)
                st = sim_error_set(err, SIM_EINPUT, path, nodes[k].line, 0, NODE_KEY,
                                   "duplicate node id %lld: lines %d and %d",
                                   (long long)nodes[k].id, nodes[k - 1].line, nodes[k].line);
    }
    if (!st && !(out = malloc((size_t)count * sizeof *out)))
        st = sim_error_set(err, SIM_ENOMEM, path, 0, 0, NODE_KEY, "out of memory");
    if (!st) {
        for (int64_t k = 0; k < count; k++) out[k] = nodes[k].id;
        *ids = out;
        *n = count;
    }
    free(nodes);
    return st;
}

/* ---------- CSV edge lists ---------- */

/* The nodes a scenario declares for an edge list. */
typedef struct node_decl {
    int64_t count;        /* network.nodes; 0: not given */
    const int64_t *ids;   /* network.node_file's sorted ids; NULL: none */
    int64_t n_ids;
    const char *node_file;
} node_decl;

/* The agent of a file id: itself under network.nodes, its rank in the node
 * file, or the id as is (nodes not declared: relabelled later).  -1 (err
 * filled) when the id is outside the declared nodes. */
static int64_t agent_of(const node_decl *d, int64_t id, const char *which, const char *path,
                        int line, const char *text, sim_error *err)
{
    if (d->count > 0) {
        if (id < d->count) return id;
        sim_error_set(err, SIM_EINPUT, path, line, 0, KEY,
                      "%s id %lld is outside 0..%lld (network.nodes = %lld): \"%s\"", which,
                      (long long)id, (long long)d->count - 1, (long long)d->count, text);
        return -1;
    }
    if (d->ids) {
        int64_t k = id_index(d->ids, d->n_ids, id);
        if (k >= 0) return k;
        sim_error_set(err, SIM_EINPUT, path, line, 0, KEY,
                      "%s id %lld is not in the node file %s: \"%s\"", which, (long long)id,
                      d->node_file, text);
        return -1;
    }
    return id;
}

static int read_csv(const char *path, const node_decl *decl, sim_network **out, sim_error *err)
{
    csv_reader r;
    const int declared = decl->count > 0 || decl->ids;
    pairs c = {.width = declared ? 4 : 8};
    char *line, *fields[CSV_MAX_FIELDS], text[128];
    ssize_t len;
    int header_fields = 0, col_src = -1, col_dst = -1;
    int64_t *ids = NULL;
    int32_t *u = NULL, *v = NULL;
    int st = csv_reader_open(&r, path, "edge-list file", KEY, err);
    if (st) goto done;

    while (!(st = csv_reader_next(&r, &line, &len, err)) && line) {
        int lineno = r.lineno;
        char *s;
        if (csv_line(line, len, lineno, &s) != 0) {
            st = sim_error_set(err, SIM_EINPUT, path, lineno, 0, KEY,
                               "binary data (a NUL byte) in a CSV edge list");
            goto done;
        }
        if (*csv_trim(s) == '\0') continue;
        csv_excerpt(text, sizeof text, s);
        if (header_fields == 0) {
            header_fields = csv_split(s, fields, CSV_MAX_FIELDS);
            if (header_fields < 0) {
                st = sim_error_set(err, SIM_EINPUT, path, lineno, 0, KEY, "header: %s",
                                   csv_split_error(header_fields));
                goto done;
            }
            if (header_fields > CSV_MAX_FIELDS) {
                st = sim_error_set(err, SIM_EINPUT, path, lineno, 0, KEY,
                                   "header has %d columns, at most %d are supported",
                                   header_fields, CSV_MAX_FIELDS);
                goto done;
            }
            for (int j = 0; j < header_fields; j++) {
                if (col_src < 0 && strcmp(fields[j], "source") == 0) col_src = j;
                if (col_dst < 0 && strcmp(fields[j], "target") == 0) col_dst = j;
            }
            if (col_src < 0 || col_dst < 0) {
                st = sim_error_set(err, SIM_EINPUT, path, lineno, 0, KEY,
                                   "missing column \"%s\" (header has: %s)",
                                   col_src < 0 ? "source" : "target", text);
                goto done;
            }
            continue;
        }
        int nf = csv_split(s, fields, CSV_MAX_FIELDS);
        if (nf < 0) {
            st = sim_error_set(err, SIM_EINPUT, path, lineno, 0, KEY, "%s: \"%s\"",
                               csv_split_error(nf), text);
            goto done;
        }
        if (nf != header_fields) {
            st = sim_error_set(err, SIM_EINPUT, path, lineno, 0, KEY,
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
            st = sim_error_set(err, SIM_EINPUT, path, lineno, 0, KEY,
                               "%s id \"%s\" is not a non-negative integer: \"%s\"",
                               bad == col_src ? "source" : "target", id, text);
            goto done;
        }
        if ((a = agent_of(decl, a, "source", path, lineno, text, err)) < 0 ||
            (b = agent_of(decl, b, "target", path, lineno, text, err)) < 0) {
            st = SIM_EINPUT;
            goto done;
        }
        if (pairs_push(&c, a, b)) {
            st = sim_error_set(err, SIM_ENOMEM, path, lineno, 0, KEY, "out of memory");
            goto done;
        }
    }
    if (st) goto done;
    if (header_fields == 0) {
        st = sim_error_set(err, SIM_EINPUT, path, 0, 0, KEY,
                           "empty edge-list file: expected a header \"source,target\"");
        goto done;
    }
    if (declared) { /* the agents are the declared nodes, with or without ties */
        int64_t n = decl->count > 0 ? decl->count : decl->n_ids;
        st = network_from_edges((int32_t)n, c.a, c.b, c.n, out, err);
        goto built;
    }
    if (c.n == 0) {
        st = sim_error_set(err, SIM_EINPUT, path, 0, 0, KEY,
                           "no ties: the file has a header only (declare the nodes with "
                           "network.nodes or network.node_file for a network without ties)");
        goto done;
    }

    /* Relabel: agent ids are the ranks of the ids in sorted order. */
    const int64_t *src = c.a, *dst = c.b;
    ids = malloc((size_t)c.n * 2 * sizeof *ids);
    u = malloc((size_t)c.n * sizeof *u);
    v = malloc((size_t)c.n * sizeof *v);
    if (!ids || !u || !v) {
        st = sim_error_set(err, SIM_ENOMEM, path, 0, 0, KEY, "out of memory");
        goto done;
    }
    memcpy(ids, src, (size_t)c.n * sizeof *ids);
    memcpy(ids + c.n, dst, (size_t)c.n * sizeof *ids);
    qsort(ids, (size_t)c.n * 2, sizeof *ids, cmp_int64);
    int64_t n_ids = 0;
    for (int64_t e = 0; e < c.n * 2; e++)
        if (n_ids == 0 || ids[e] != ids[n_ids - 1]) ids[n_ids++] = ids[e];
    if (n_ids > INT32_MAX) {
        st = sim_error_set(err, SIM_EINPUT, path, 0, 0, KEY, "more than %d agents", INT32_MAX);
        goto done;
    }
    for (int64_t e = 0; e < c.n; e++) {
        u[e] = (int32_t)id_index(ids, n_ids, src[e]);
        v[e] = (int32_t)id_index(ids, n_ids, dst[e]);
    }
    pairs_free(&c);
    free(ids);
    c.a = c.b = NULL;
    ids = NULL;
    st = network_from_edges((int32_t)n_ids, u, v, c.n, out, err);
built:
    if (st && err) snprintf(err->file, sizeof err->file, "%s", path);

done:
    csv_reader_close(&r);
    pairs_free(&c);
    free(ids);
    free(u);
    free(v);
    return st;
}

/* ---------- CSR binary files ---------- */

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

/* Fault in the whole pages of a fresh array in one call before it is
 * written: the kernel then maps them in one go instead of taking a page
 * fault for each (on a virtual machine a fault costs about 10 us, and
 * faults were most of the time of reading a graph).  Advice only. */
static void prefault(void *p, size_t len)
{
#ifdef MADV_POPULATE_WRITE
    const uintptr_t page = 4096;
    uintptr_t a = ((uintptr_t)p + page - 1) & ~(page - 1), b = ((uintptr_t)p + len) & ~(page - 1);
    if (b > a) (void)madvise((void *)a, b - a, MADV_POPULATE_WRITE);
#else
    (void)p;
    (void)len;
#endif
}

/* The ties array of a CSR of nnz ties.  From 256 KiB on it is placed in
 * 2 MiB-aligned transparent huge pages where the system offers them
 * (madvise mode): its first touch then costs one fault per 2 MiB instead of
 * one per 4 KiB, which on a virtual machine halved the time to read a
 * 100,000-tie graph in a fresh process (the pages are first written by the
 * kernel's read, then read by the checks).  free() releases it either way. */
static int32_t *alloc_ties(int64_t nnz)
{
    const size_t huge = (size_t)2 << 20;
    if ((uint64_t)nnz > (SIZE_MAX - huge) / sizeof(int32_t)) return NULL;
    size_t bytes = (size_t)(nnz > 0 ? nnz : 1) * sizeof(int32_t);
    if (bytes < huge / 8) return malloc(bytes);
    size_t len = (bytes + huge - 1) / huge * huge;
    void *p = NULL;
    if (posix_memalign(&p, huge, len) != 0) return NULL;
#ifdef MADV_HUGEPAGE
    (void)madvise(p, len, MADV_HUGEPAGE);
#endif
    return p;
}

/* 1 if the sorted array a[0..len-1] holds x (bsearch without the call
 * through a comparator). */
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

/* 1 if the (sorted, deduplicated) CSR is symmetric, in one pass over the
 * ties and 4 bytes per agent: rows are taken in increasing i, so the ties
 * j-i with j > i that row j must list below j (i in row j) are met in
 * increasing i, and a cursor per row walks them in order.  Row i is
 * symmetric when every j > i it lists has i next at j's cursor, and its
 * own cursor has passed every entry below i by the time row i is read.
 * 0 also when out of memory (the caller then checks tie by tie). */
static int csr_symmetric(const sim_network *net)
{
    const int32_t n = net->n;
    const int64_t *row = net->row;
    const int32_t *col = net->col;
    int32_t *taken = calloc((size_t)n + 1, sizeof *taken); /* entries of row j matched so far */
    if (!taken) return 0;
    int ok = 1;
    for (int32_t i = 0; i < n && ok; i++) {
        int64_t p = row[i], end = row[i + 1];
        while (p < end && col[p] < i) p++;
        ok = p - row[i] == taken[i]; /* the entries below i were all matched */
        for (; p < end && ok; p++) {
            int32_t j = col[p];
            int64_t q = row[j] + taken[j];
            ok = q < row[j + 1] && col[q] == i;
            taken[j]++;
        }
    }
    free(taken);
    return ok;
}

/* Binary CSR, little endian: int32 n, int64 nnz, int64 indptr[n+1],
 * int32 indices[nnz].  Read with two bulk reads straight into the
 * network's arrays and checked in one pass; rows that are not sorted, hold
 * duplicates or self-ties are sorted and cleaned; the ties must be
 * symmetric (j in row i iff i in row j), which is checked. */
static int read_csr(const char *path, int64_t nodes, sim_network **out, sim_error *err)
{
    int fd;
    int64_t size;
    int st = input_open(path, "CSR file", INPUT_MAX_TABLE, KEY, &fd, &size, err);
    if (st) return st;
    sim_network *net = NULL;
    unsigned char head[12];
    if (size < 12 || input_read_at(fd, head, 12, 0, path, KEY, err)) {
        st = sim_error_set(err, SIM_EINPUT, path, 0, 0, KEY,
                           "truncated CSR file: %lld bytes, the header alone needs 12",
                           (long long)size);
        goto done;
    }
    int64_t n = le_int(head, 4), nnz = le_int(head + 4, 8);
    if (n < 1 || nnz < 0 || nnz > (INT64_MAX - 16 - 8 * (n + 1)) / 4) {
        st = sim_error_set(err, SIM_EINPUT, path, 0, 0, KEY,
                           "bad CSR header: n = %lld agents, nnz = %lld ties", (long long)n,
                           (long long)nnz);
        goto done;
    }
    int64_t need = 12 + 8 * (n + 1) + 4 * nnz;
    if (size != need) {
        st = sim_error_set(err, SIM_EINPUT, path, 0, 0, KEY,
                           "%s CSR file: n = %lld and nnz = %lld need %lld bytes, the file has %lld",
                           size < need ? "truncated" : "oversized", (long long)n,
                           (long long)nnz, (long long)need, (long long)size);
        goto done;
    }
    if (nodes > 0 && nodes != n) {
        st = sim_error_set(err, SIM_EINPUT, path, 0, 0, KEY,
                           "the CSR file has n = %lld agents but network.nodes is %lld",
                           (long long)n, (long long)nodes);
        goto done;
    }
    net = network_new((int32_t)n, "edgelist");
    if (!net) {
        st = sim_error_set(err, SIM_ENOMEM, path, 0, 0, KEY, "out of memory");
        goto done;
    }
    size_t row_bytes = ((size_t)n + 1) * sizeof *net->row, col_bytes = (size_t)nnz * sizeof *net->col;
    net->row = malloc(row_bytes);
    if (!net->row) {
        st = sim_error_set(err, SIM_ENOMEM, path, 0, 0, KEY, "out of memory for %lld agents",
                           (long long)n);
        goto done;
    }
    net->row[n] = nnz;
    if (!(net->col = alloc_ties(nnz))) {
        st = sim_error_set(err, SIM_ENOMEM, path, 0, 0, KEY, "out of memory for %lld ties",
                           (long long)nnz);
        goto done;
    }
    prefault(net->row, row_bytes);
    prefault(net->col, col_bytes);
    if ((st = input_read_at(fd, net->row, row_bytes, 12, path, KEY, err)) ||
        (st = input_read_at(fd, net->col, col_bytes, 12 + (int64_t)row_bytes, path, KEY, err)))
        goto done;
    if (!host_is_little_endian()) {
        swap_bytes(net->row, (size_t)n + 1, sizeof *net->row);
        swap_bytes(net->col, (size_t)nnz, sizeof *net->col);
    }

    /* indptr first (as before: its errors come before those of the indices) */
    const int64_t *row = net->row;
    if (row[0] != 0 || row[n] != nnz) {
        st = sim_error_set(err, SIM_EINPUT, path, 0, 0, KEY,
                           "indptr runs from %lld to %lld, expected 0 to nnz = %lld",
                           (long long)row[0], (long long)row[n], (long long)nnz);
        goto done;
    }
    for (int64_t i = 0; i < n; i++)
        if (row[i + 1] < row[i]) {
            st = sim_error_set(err, SIM_EINPUT, path, 0, 0, KEY, "indptr decreases at row %lld",
                               (long long)i);
            goto done;
        }
    /* then the indices, in one pass: in range, and whether every row is
     * already strictly increasing without self-ties (a file written from a
     * clean CSR), which spares sorting and compacting */
    const int32_t *col = net->col;
    int clean = 1;
    for (int32_t i = 0; i < n; i++) {
        int32_t prev = -1;
        for (int64_t p = row[i]; p < row[i + 1]; p++) {
            int32_t c = col[p];
            if (c < 0 || c >= n) {
                st = sim_error_set(err, SIM_EINPUT, path, 0, 0, KEY,
                                   "index %lld is %d, outside 0..%lld", (long long)p, (int)c,
                                   (long long)n - 1);
                goto done;
            }
            clean &= c > prev && c != i;
            prev = c;
        }
    }
    if (!clean) network_csr_finish(net);

    /* Symmetry; only when it fails is the offending pair searched for, to
     * name it. */
    if (csr_symmetric(net)) goto done;
    for (int32_t i = 0; i < net->n; i++)
        for (int64_t p = net->row[i]; p < net->row[i + 1]; p++) {
            int32_t j = net->col[p];
            const int32_t *a = net->col + net->row[j];
            size_t len = (size_t)(net->row[j + 1] - net->row[j]);
            if (!sorted_has(a, len, i)) {
                st = sim_error_set(err, SIM_EINPUT, path, 0, 0, KEY,
                                   "ties must be symmetric: row %d lists %d but row %d does "
                                   "not list %d", (int)i, (int)j, (int)j, (int)i);
                goto done;
            }
        }

done:
    close(fd);
    if (st) {
        network_free(net);
        return st;
    }
    *out = net;
    return SIM_OK;
}

/* 1 if path names a .csr binary (by its name). */
int network_file_is_csr(const char *path)
{
    size_t len = strlen(path);
    return len > 4 && strcmp(path + len - 4, ".csr") == 0;
}

int network_build_edgelist(const scenario *scn, uint32_t seed, sim_network **out,
                           sim_error *err)
{
    (void)seed; /* a file has no random choices */
    char *path = scenario_resolve_path(scn->file, scenario_string(scn, "network.file"));
    const char *node_file = scenario_string(scn, "network.node_file");
    char *node_path = node_file[0] ? scenario_resolve_path(scn->file, node_file) : NULL;
    node_decl decl = {.count = scenario_int(scn, "network.nodes"), .node_file = node_path};
    int64_t *ids = NULL;
    int st = SIM_OK;
    if (!path || (node_file[0] && !node_path)) {
        st = sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    } else if (network_file_is_csr(path)) {
        st = read_csr(path, decl.count, out, err);
    } else {
        if (node_path && !(st = read_node_file(node_path, &ids, &decl.n_ids, err)))
            decl.ids = ids;
        if (!st) st = read_csv(path, &decl, out, err);
    }
    free(ids);
    free(node_path);
    free(path);
    return st;
}
