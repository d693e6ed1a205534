/* layout.c: the variable plan of a results file and the per-run packing of
 * values into stored chunks (see layout.h); layoutfile.c writes and reads the
 * HDF5 file itself. */
#include "layout.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libdeflate.h>

#define MAX_CHUNK_BYTES 4294967295.0 /* HDF5 stores a chunk's size in 32 bits */

/* The stored type of a model's observable or agent field. */
static layout_type type_of(int is_count, int is_single)
{
    return is_count ? LAYOUT_INT32 : is_single ? LAYOUT_FLOAT32 : LAYOUT_FLOAT64;
}

static int add_var(layout *lay, layout_kind kind, int source, const char *name, const char *suffix,
                   const char *long_name, const char *long_suffix, const char *units, layout_type type, size_t elems,
                   sim_error *err)
{
    layout_var *v = &lay->vars[lay->n_vars++];
    memset(v, 0, sizeof *v);
    snprintf(v->name, sizeof v->name, "%s%s", name, suffix);
    snprintf(v->long_name, sizeof v->long_name, "%s%s", long_name, long_suffix);
    v->units = units;
    v->kind = kind;
    v->source = source;
    v->type = type;
    v->elems = elems;
    v->width = type == LAYOUT_FLOAT64 ? 8 : 4;
    double bytes = (double)elems * (double)v->width;
    if (bytes > MAX_CHUNK_BYTES / 2)
        return sim_error_set(err, SIM_EINPUT, NULL, 0, 0, NULL,
                             "a run of %s would take %.0f bytes, more than an HDF5 chunk can hold", v->name, bytes);
    /* the bound of any libdeflate compressor (NULL): every level */
    v->bound = lay->compression > 0 ? libdeflate_zlib_compress_bound(NULL, elems * v->width) : elems * v->width;
    lay->bound += v->bound;
    return SIM_OK;
}

int layout_init(layout *lay, const sim_model_type *m, int32_t S, int32_t P, int32_t R, int32_t T_run,
                const engine_output *out, int32_t n_levels, int32_t n_teams, int32_t n_agents, int compression,
                sim_error *err)
{
    memset(lay, 0, sizeof *lay);
    lay->model = m;
    lay->S = S;
    lay->P = P;
    lay->R = R;
    lay->T = out->n_days;
    lay->T_run = T_run;
    lay->days = out->days;
    lay->by_generation = n_levels > 0 && out->by_generation;
    lay->by_level = n_levels > 0 && out->by_level;
    lay->n_levels = lay->by_generation || lay->by_level ? n_levels : 0;
    lay->n_teams = out->by_team ? n_teams : 0;
    const int32_t T = lay->T;
    lay->n_agents = n_agents > 0 && m->n_agent_fields > 0 && m->agent_values ? n_agents : 0;
    lay->compression = compression;
    lay->vars = calloc((size_t)m->n_observables * 4 + (size_t)m->n_agent_fields + 1, sizeof *lay->vars);
    if (!lay->vars) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    const size_t t = (size_t)T;
    int rc = SIM_OK;
    for (int k = 0; k < m->n_observables && !rc; k++) {
        const sim_observable *o = &m->observables[k];
        if (!out->keep[k]) continue;
        const layout_type type = type_of(o->is_count, o->is_single);
        rc = add_var(lay, LAYOUT_TOTAL, k, o->name, "", o->long_name, "", o->units, type, t, err);
        if (!rc && o->grouped && lay->by_generation)
            rc = add_var(lay, LAYOUT_BY_GENERATION, k, o->name, "_by_generation", o->long_name, ", by generation",
                         o->units, type, t * NET_GENERATIONS, err);
        if (!rc && o->grouped && lay->by_level)
            rc = add_var(lay, LAYOUT_BY_LEVEL, k, o->name, "_by_level", o->long_name, ", by level", o->units,
                         type, t * (size_t)lay->n_levels, err);
        if (!rc && model_by_team(m, k) && lay->n_teams)
            rc = add_var(lay, LAYOUT_BY_TEAM, k, o->name, "_by_team", o->long_name, ", by team", o->units,
                         type, t * (size_t)lay->n_teams, err);
    }
    for (int f = 0; lay->n_agents && f < m->n_agent_fields && !rc; f++) {
        const sim_agent_field *a = &m->agent_fields[f];
        rc = add_var(lay, LAYOUT_AGENT, f, "agent_", a->name, a->long_name, " (last day)", a->units,
                     type_of(a->is_count, a->is_single), (size_t)lay->n_agents, err);
    }
    if (rc) layout_free(lay);
    return rc;
}

void layout_free(layout *lay)
{
    free(lay->vars);
    lay->vars = NULL;
    lay->n_vars = 0;
}

char *layout_describe(const layout *lay)
{
    size_t cap = 256 + (size_t)lay->n_vars * 160, len = 0;
    char *s = malloc(cap);
    if (!s) return NULL;
    len += (size_t)snprintf(s + len, cap - len, "dimensions: scenario %d, point %d, replicate %d, time %d, "
                            "level %d, agent %d; deflate %d with shuffle\n",
                            (int)lay->S, (int)lay->P, (int)lay->R, (int)lay->T, (int)lay->n_levels,
                            (int)lay->n_agents, lay->compression);
    if (lay->n_teams) /* a line only with the breakdown: plans without it read as before */
        len += (size_t)snprintf(s + len, cap - len, "team %d\n", (int)lay->n_teams);
    if (lay->T != lay->T_run) { /* the days kept, when not every day (files of every day read as before) */
        len += (size_t)snprintf(s + len, cap - len, "days kept: %d of %d, the last %d\n", (int)lay->T,
                                (int)lay->T_run, (int)lay->days[lay->T - 1]);
    }
    static const char *const type_names[] = {"float64", "int32", "float32"};
    for (int i = 0; i < lay->n_vars; i++) {
        const layout_var *v = &lay->vars[i];
        len += (size_t)snprintf(s + len, cap - len, "%s: %s, %zu values a run\n", v->name, type_names[v->type],
                                v->elems);
    }
    return s;
}

int layout_chunk_offset(const layout *lay, int v, long long run, uint64_t *off)
{
    const long long R = lay->R, P = lay->P;
    off[0] = (uint64_t)(run / (R * P));
    off[1] = (uint64_t)(run / R % P);
    off[2] = (uint64_t)(run % R);
    off[3] = 0;
    off[4] = 0;
    const layout_kind k = lay->vars[v].kind;
    return k == LAYOUT_BY_GENERATION || k == LAYOUT_BY_LEVEL || k == LAYOUT_BY_TEAM ? 5 : 4;
}

/* ---- packing -------------------------------------------------------------------- */

void layout_packer_init(layout_packer *pk)
{
    memset(pk, 0, sizeof *pk);
}

void layout_packer_free(layout_packer *pk)
{
    if (pk->deflate) libdeflate_free_compressor(pk->deflate);
    if (pk->inflate) libdeflate_free_decompressor(pk->inflate);
    free(pk->tmp);
    memset(pk, 0, sizeof *pk);
}

static int grow_tmp(layout_packer *pk, size_t n, sim_error *err)
{
    if (n <= pk->tmp_cap) return SIM_OK;
    unsigned char *t = realloc(pk->tmp, n);
    if (!t) return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    pk->tmp = t;
    pk->tmp_cap = n;
    return SIM_OK;
}

/* Store the width-byte little-endian value u as element i of n: shuffled
 * (byte j at j * n + i) or plain (at i * width + j). */
static inline void store(unsigned char *out, size_t i, size_t n, size_t width, int shuffled, uint64_t u)
{
    if (shuffled)
        for (size_t j = 0; j < width; j++) out[j * n + i] = (unsigned char)(u >> (8 * j));
    else
        for (size_t j = 0; j < width; j++) out[i * width + j] = (unsigned char)(u >> (8 * j));
}

static inline uint64_t load(const unsigned char *in, size_t i, size_t n, size_t width, int shuffled)
{
    uint64_t u = 0;
    for (size_t j = 0; j < width; j++) u |= (uint64_t)(shuffled ? in[j * n + i] : in[i * width + j]) << (8 * j);
    return u;
}

/* The stored bits of x: int32 counts (nearest; -1 for NaN), float32
 * (nearest) or float64. */
static inline uint64_t bits_of(double x, layout_type type)
{
    if (type == LAYOUT_INT32) {
        int32_t y = !isfinite(x) ? -1 : x >= 2147483647.0 ? INT32_MAX : x <= -2147483648.0 ? INT32_MIN
                  : (int32_t)(x < 0 ? x - 0.5 : x + 0.5);
        return (uint32_t)y;
    }
    if (type == LAYOUT_FLOAT32) {
        float f = (float)x;
        uint32_t u;
        memcpy(&u, &f, sizeof u);
        return u;
    }
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

/* Variable v of the run as stored bytes in out: of type c, shuffled when
 * sh.  Always inlined into pack_var with constant c and sh, so each
 * variant's byte loops unroll (the general loop was 5% of an experiment's
 * CPU). */
__attribute__((always_inline)) static inline void pack_values(const layout *lay, const layout_var *v,
                                                              const layout_run *run, unsigned char *out,
                                                              const layout_type c, const int sh)
{
    const size_t n = v->elems, w = c == LAYOUT_FLOAT64 ? 8 : 4, T = (size_t)lay->T, TR = (size_t)lay->T_run,
                 k = (size_t)v->source;
    const int32_t *day = lay->days;
    switch (v->kind) {
    case LAYOUT_TOTAL:
        for (size_t i = 0; i < n; i++) store(out, i, n, w, sh, bits_of(run->data[k * TR + (size_t)day[i]], c));
        break;
    case LAYOUT_BY_GENERATION: {
        const double *src = run->by_generation + k * TR * NET_GENERATIONS;
        for (size_t t = 0; t < T; t++)
            for (size_t g = 0; g < NET_GENERATIONS; g++)
                store(out, t * NET_GENERATIONS + g, n, w, sh, bits_of(src[(size_t)day[t] * NET_GENERATIONS + g], c));
        break;
    }
    case LAYOUT_BY_LEVEL: {
        const size_t L = (size_t)lay->n_levels, nl = (size_t)run->net_levels;
        const double *src = run->by_level + k * TR * nl;
        for (size_t t = 0; t < T; t++)
            for (size_t l = 0; l < L; l++)
                store(out, t * L + l, n, w, sh, bits_of(l < nl ? src[(size_t)day[t] * nl + l] : NAN, c));
        break;
    }
    case LAYOUT_AGENT:
        for (size_t i = 0; i < n; i++) store(out, i, n, w, sh, bits_of(run->agents[k * n + i], c));
        break;
    case LAYOUT_BY_TEAM: {
        const size_t J = (size_t)lay->n_teams;
        const double *src = run->by_team + k * TR * J;
        for (size_t t = 0; t < T; t++)
            for (size_t j = 0; j < J; j++) store(out, t * J + j, n, w, sh, bits_of(src[(size_t)day[t] * J + j], c));
        break;
    }
    }
}

static void pack_var(const layout *lay, const layout_var *v, const layout_run *run, unsigned char *out)
{
    const int sh = lay->compression > 0;
    switch (v->type) {
    case LAYOUT_INT32:
        if (sh) pack_values(lay, v, run, out, LAYOUT_INT32, 1);
        else pack_values(lay, v, run, out, LAYOUT_INT32, 0);
        break;
    case LAYOUT_FLOAT32:
        if (sh) pack_values(lay, v, run, out, LAYOUT_FLOAT32, 1);
        else pack_values(lay, v, run, out, LAYOUT_FLOAT32, 0);
        break;
    case LAYOUT_FLOAT64:
        if (sh) pack_values(lay, v, run, out, LAYOUT_FLOAT64, 1);
        else pack_values(lay, v, run, out, LAYOUT_FLOAT64, 0);
        break;
    }
}

int layout_pack(const layout *lay, layout_packer *pk, const layout_run *run, unsigned char *out, uint32_t *lens,
                size_t *used, sim_error *err)
{
    size_t pos = 0;
    for (int i = 0; i < lay->n_vars; i++) {
        const layout_var *v = &lay->vars[i];
        const size_t bytes = v->elems * v->width;
        if (lay->compression == 0) {
            pack_var(lay, v, run, out + pos);
            lens[i] = (uint32_t)bytes;
            pos += bytes;
            continue;
        }
        int rc = grow_tmp(pk, bytes, err);
        if (rc) return rc;
        pack_var(lay, v, run, pk->tmp);
        /* one compressor per thread (its state is made once, not per chunk) */
        if (pk->deflate && pk->level != lay->compression) {
            libdeflate_free_compressor(pk->deflate);
            pk->deflate = NULL;
        }
        if (!pk->deflate) {
            if (!(pk->deflate = libdeflate_alloc_compressor(lay->compression)))
                return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory (libdeflate)");
            pk->level = lay->compression;
        }
        size_t n = libdeflate_zlib_compress(pk->deflate, pk->tmp, bytes, out + pos, v->bound);
        if (n == 0) /* cannot happen: v->bound is libdeflate's own bound */
            return sim_error_set(err, SIM_EINTERNAL, NULL, 0, 0, NULL, "deflate of %s overflowed its bound", v->name);
        lens[i] = (uint32_t)n;
        pos += n;
    }
    *used = pos;
    return SIM_OK;
}

int layout_unpack(const layout *lay, layout_packer *pk, int vi, const unsigned char *chunk, uint32_t len,
                  const size_t *idx, int n, double *out, sim_error *err)
{
    const layout_var *v = &lay->vars[vi];
    const size_t bytes = v->elems * v->width;
    const unsigned char *raw = chunk;
    if (lay->compression > 0) {
        int rc = grow_tmp(pk, bytes, err);
        if (rc) return rc;
        if (!pk->inflate && !(pk->inflate = libdeflate_alloc_decompressor()))
            return sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory (libdeflate)");
        size_t got = 0;
        if (libdeflate_zlib_decompress(pk->inflate, chunk, len, pk->tmp, bytes, &got) != LIBDEFLATE_SUCCESS ||
            got != bytes)
            return sim_error_set(err, SIM_EIO, NULL, 0, 0, NULL, "a stored chunk of %s does not decompress", v->name);
        raw = pk->tmp;
    } else if (len != bytes) {
        return sim_error_set(err, SIM_EIO, NULL, 0, 0, NULL, "a stored chunk of %s has %u bytes, not %zu", v->name,
                             (unsigned)len, bytes);
    }
    for (int j = 0; j < n; j++) {
        uint64_t u = load(raw, idx[j], v->elems, v->width, lay->compression > 0);
        if (v->type == LAYOUT_INT32) {
            out[j] = (int32_t)(uint32_t)u;
        } else if (v->type == LAYOUT_FLOAT32) {
            const uint32_t b = (uint32_t)u;
            float f;
            memcpy(&f, &b, sizeof f);
            out[j] = f;
        } else {
            memcpy(&out[j], &u, sizeof u);
        }
    }
    return SIM_OK;
}
