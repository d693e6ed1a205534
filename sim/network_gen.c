/* network_gen.c: the generated lattices: ring and Watts-Strogatz small
 * world, k/2 ties on each side of every agent, rewired at random for
 * Watts-Strogatz (network_build_ring, network_build_watts_strogatz).
 *
 * Which tie is rewired, and where to, comes from Philox counters
 * (network_internal.h), so the network depends on the seed alone.  Rows
 * are filled directly: agent i's row gets the agents whose rewired tie
 * landed on i, the left neighbours whose tie to i was not rewired, and i's
 * own k/2 right ends; then rows are sorted and deduplicated
 * (network_csr_finish), which makes the CSR a function of those sets
 * alone.  Only the rewired ties are scattered at random; walking every tie
 * twice through a random scatter (count, then fill) took longer than W2's
 * simulation.  Besides the CSR (in huge pages, memory.h) it keeps one bit
 * per tie and the rewired ties' targets. */
#include "network.h"
#include "network_internal.h"
#include "memory.h"
#include "parallel.h"

#include <stdlib.h>

/* Rewiring flags, RNG_BATCH agents at a time: agent i's tie j is bit
 * (i % RNG_BATCH) * half + j of the half words of its batch, set when its
 * word j % 4 of counter (i, 0, NET_PURPOSE_WS_REWIRE, j / 4) is below
 * threshold (rewire * 2^32).  A batch's targets start at
 * target[rewired_at[i / RNG_BATCH]], in agent and tie order. */
typedef struct ws_plan {
    rng_key key;
    int32_t n, half;
    double threshold;
    uint64_t *flags;
    int64_t *rewired_at;   /* by batch, n_batches + 1 */
    int32_t *target;
} ws_plan;

static int ws_rewired(const ws_plan *w, int32_t i, int32_t j)
{
    int64_t bit = (int64_t)(i % RNG_BATCH) * w->half + j;
    return (int)(w->flags[(int64_t)(i / RNG_BATCH) * w->half + bit / 64] >> (bit % 64) & 1u);
}

static int32_t batch_end(const ws_plan *w, int32_t b)
{
    return w->n - b * RNG_BATCH > RNG_BATCH ? (b + 1) * RNG_BATCH : w->n;
}

static int32_t popcount64(uint64_t x)
{
    int32_t c = 0;
    for (; x; x &= x - 1) c++;
    return c;
}

/* Set the flags of batch b: one batch of draws for its RNG_BATCH agents
 * per group of four ties.  Returns how many are rewired. */
static int64_t ws_flag_batch(ws_plan *w, int32_t b)
{
    const int32_t first = b * RNG_BATCH, end = batch_end(w, b);
    uint64_t *bits = w->flags + (int64_t)b * w->half;
    for (int32_t block = 0; 4 * block < w->half; block++) {
        uint32_t words[4][RNG_BATCH];
        rng_words_batch(w->key, (uint32_t)first, 0, NET_PURPOSE_WS_REWIRE, (uint32_t)block, words);
        for (int32_t i = first; i < end; i++)
            for (int32_t k = 0; k < 4 && 4 * block + k < w->half; k++) {
                int64_t bit = (int64_t)(i - first) * w->half + 4 * block + k;
                if ((double)words[k][i - first] < w->threshold) bits[bit / 64] |= UINT64_C(1) << (bit % 64);
            }
    }
    int64_t count = 0;
    for (int32_t q = 0; q < w->half; q++) count += popcount64(bits[q]);
    return count;
}

/* The target of agent i's rewired tie j: a uniform agent other than i,
 * words 0-1 of counter (i, 0, NET_PURPOSE_WS_TARGET, j). */
static int32_t ws_target(const ws_plan *w, int32_t i, int32_t j)
{
    uint32_t r[4];
    rng_words(w->key, (uint32_t)i, 0, NET_PURPOSE_WS_TARGET, (uint32_t)j, r);
    return network_draw_other(r[0], r[1], w->n, i);
}

static void ws_target_batch(ws_plan *w, int32_t b)
{
    int64_t at = w->rewired_at[b];
    for (int32_t i = b * RNG_BATCH; i < batch_end(w, b); i++)
        for (int32_t j = 0; j < w->half; j++)
            if (ws_rewired(w, i, j)) w->target[at++] = ws_target(w, i, j);
}

/* Count batch b's rewired ties in their targets' rows (row[t]++).  With
 * several threads the increments are atomic. */
static void ws_count_in_batch(const ws_plan *w, int32_t b, int64_t *row, int atomic)
{
    for (int64_t e = w->rewired_at[b]; e < w->rewired_at[b + 1]; e++) {
        int32_t t = w->target[e];
        if (atomic) {
            #pragma omp atomic
            row[t]++;
        } else {
            row[t]++;
        }
    }
}

/* Put the sources of batch b's rewired ties in their targets' rows at
 * row[t], advancing it.  With several threads the sources of one row land
 * in any order, which network_csr_finish's sort undoes. */
static void ws_place_in_batch(const ws_plan *w, int32_t b, int64_t *row, int32_t *col, int atomic)
{
    const int32_t *target = w->target + w->rewired_at[b];
    for (int32_t i = b * RNG_BATCH; i < batch_end(w, b); i++)
        for (int32_t j = 0; j < w->half; j++) {
            if (!ws_rewired(w, i, j)) continue;
            int32_t t = *target++;
            int64_t at;
            if (atomic) {
                #pragma omp atomic capture
                at = row[t]++;
            } else {
                at = row[t]++;
            }
            col[at] = i;
        }
}

/* Agent i - j (mod n) ties to i by its (j-1)-th right tie. */
static int32_t ws_left(const ws_plan *w, int32_t i, int32_t j)
{
    return i - j < 0 ? i - j + w->n : i - j;
}

/* Left neighbours of i whose tie to i was not rewired. */
static int32_t ws_left_count(const ws_plan *w, int32_t i)
{
    int32_t c = 0;
    for (int32_t j = 1; j <= w->half; j++) c += !ws_rewired(w, ws_left(w, i, j), j - 1);
    return c;
}

/* Rows of batch b after their rewired-in part, from row[i] on: the left
 * neighbours whose tie was not rewired, then i's own right ends (i+j+1 mod
 * n, or the rewired target); row[i] is left at the row's end. */
static void ws_fill_batch(const ws_plan *w, int32_t b, int64_t *row, int32_t *col)
{
    const int32_t *target = w->target + w->rewired_at[b];
    for (int32_t i = b * RNG_BATCH; i < batch_end(w, b); i++) {
        int32_t *c = col + row[i];
        for (int32_t j = w->half; j >= 1; j--) {
            int32_t p = ws_left(w, i, j);
            if (!ws_rewired(w, p, j - 1)) *c++ = p;
        }
        for (int32_t j = 0; j < w->half; j++) {
            int64_t t = (int64_t)i + j + 1;
            *c++ = ws_rewired(w, i, j) ? *target++ : (int32_t)(t >= w->n ? t - w->n : t);
        }
        row[i] = c - col;
    }
}

/* Ring lattice (rewire = 0) or Watts-Strogatz network on n agents.  Each of
 * agent i's k/2 right ties is rewired with probability rewire to a uniform
 * agent other than i; a rewired tie that lands on an existing neighbour is
 * merged with it when rows are deduplicated, so the mean degree is slightly
 * below k (by about rewire * k^2 / n). */
static int build_ws(int32_t n, int32_t k, double rewire, uint32_t seed, const char *kind,
                    sim_network **out, sim_error *err)
{
    ws_plan w = {rng_key_make(seed, 0), n, k / 2, rewire * 4294967296.0, NULL, NULL, NULL};
    const int32_t n_batches = (n + RNG_BATCH - 1) / RNG_BATCH;
    const int parallel = n >= SIM_PARALLEL_MIN;
    sim_network *net = network_new(n, kind);
    int st = SIM_OK;
    if (!net || !(net->row = sim_calloc_large((size_t)n + 1, sizeof *net->row))) goto no_memory;
    int64_t *row = net->row;
    w.flags = sim_calloc_large((size_t)n_batches * (size_t)(w.half > 0 ? w.half : 1), sizeof *w.flags);
    w.rewired_at = malloc(((size_t)n_batches + 1) * sizeof *w.rewired_at);
    if (!w.flags || !w.rewired_at) goto no_memory;

    /* which ties are rewired, and where to */
    w.rewired_at[0] = 0;
    #pragma omp parallel for schedule(static) if (parallel)
    for (int32_t b = 0; b < n_batches; b++)
        w.rewired_at[b + 1] = w.threshold > 0 && w.half > 0 ? ws_flag_batch(&w, b) : 0;
    for (int32_t b = 0; b < n_batches; b++) w.rewired_at[b + 1] += w.rewired_at[b];
    const int64_t rewired = w.rewired_at[n_batches];
    if (!(w.target = sim_alloc_large((size_t)rewired, sizeof *w.target))) goto no_memory;
    #pragma omp parallel for schedule(dynamic, 64) if (parallel && rewired > 0)
    for (int32_t b = 0; b < n_batches; b++) ws_target_batch(&w, b);

    /* row sizes: rewired ties landing on i, the left and the own ties */
    #pragma omp parallel for schedule(dynamic, 64) if (parallel && rewired > 0)
    for (int32_t b = 0; b < n_batches; b++) ws_count_in_batch(&w, b, row, parallel);
    #pragma omp parallel for schedule(static) if (parallel)
    for (int32_t i = 0; i < n; i++) row[i] += ws_left_count(&w, i) + w.half;
    network_counts_to_starts(row, n);
    if (!(net->col = sim_alloc_large((size_t)row[n], sizeof *net->col))) goto no_memory;
    /* each rewired tie's source at the front of its target's row (row[i]
     * advances past them), then each row's left and own ties */
    #pragma omp parallel for schedule(dynamic, 64) if (parallel && rewired > 0)
    for (int32_t b = 0; b < n_batches; b++) ws_place_in_batch(&w, b, row, net->col, parallel);
    #pragma omp parallel for schedule(static) if (parallel)
    for (int32_t b = 0; b < n_batches; b++) ws_fill_batch(&w, b, row, net->col);
    network_ends_to_starts(row, n);
    network_csr_finish(net);
    goto done;

no_memory:
    st = sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory for %d agents, k = %d", (int)n, (int)k);
    network_free(net);
    net = NULL;
done:
    free(w.flags);
    free(w.rewired_at);
    free(w.target);
    if (!st) *out = net;
    return st;
}

int network_build_ring(const scenario *scn, uint32_t seed, sim_network **out, sim_error *err)
{
    return build_ws((int32_t)scenario_int(scn, "network.agents"),
                    (int32_t)scenario_int(scn, "network.k"), 0, seed, "ring", out, err);
}

int network_build_watts_strogatz(const scenario *scn, uint32_t seed, sim_network **out,
                                 sim_error *err)
{
    return build_ws((int32_t)scenario_int(scn, "network.agents"),
                    (int32_t)scenario_int(scn, "network.k"),
                    scenario_double(scn, "network.rewire"), seed, "watts_strogatz", out, err);
}
