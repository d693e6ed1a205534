/* network_file.c: networks read from an edge-list file (network.type
 * edgelist): a CSV of source,target ids, relabelled to 0..n-1 in sorted order
 * of the ids, or the binary CSR of shared/bench/peers/common_graph.py, checked
 * for symmetry.  Each bad line is reported with file:line. */
#include "network.h"
#include "network_internal.h"
#include "csv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

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

    for (;;) {
        errno = 0; /* getline's -1: the end of the file, or a failure when errno is set */
        if ((len = getline(&line, &cap, f)) < 0) break;
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
    if (errno == ENOMEM) {
        st = sim_error_set(err, SIM_ENOMEM, path, lineno + 1, 0, key, "out of memory");
        goto done;
    }
    if (ferror(f) || errno) {
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
    net = network_new((int32_t)n, "edgelist");
    if (!net || network_alloc_row(net, err)) {
        st = sim_error_set(err, SIM_ENOMEM, path, 0, 0, key, "out of memory");
        goto done;
    }
    net->row[n] = nnz;
    if ((st = network_alloc_col(net, err))) goto done;
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
    network_csr_finish(net);

    /* Symmetry: every j in row i has i in row j (rows are sorted now).  The
     * transpose, built in one pass, must equal the matrix; only when it does
     * not is the offending pair searched for, to name it. */
    if (network_csr_is_symmetric(net)) goto done;
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

int network_build_edgelist(const scenario *scn, uint32_t seed, sim_network **out,
                           sim_error *err)
{
    (void)seed; /* a file has no random choices */
    const char *file = scenario_string(scn, "network.file");
    char *path = scenario_resolve_path(scn->file, file);
    if (!path) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    size_t len = strlen(path);
    int st = len > 4 && strcmp(path + len - 4, ".csr") == 0 ? read_csr(path, out, err)
                                                          : read_csv(path, out, err);
    free(path);
    return st;
}
