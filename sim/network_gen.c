/* network_gen.c: the generated lattices: ring and Watts-Strogatz small
 * world, k/2 ties on each side of every agent, rewired at random for
 * Watts-Strogatz (network_build_ring, network_build_watts_strogatz). */
#include "network.h"
#include "network_internal.h"
#include "parallel.h"

#include <stdlib.h>

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
            ends[j] = network_draw_other(r[0], r[1], n, i);
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
    sim_network *net = network_new(n, kind);
    int32_t *u = malloc((size_t)per * (size_t)(half > 0 ? half : 1) * sizeof *u);
    int32_t *v = malloc((size_t)per * (size_t)(half > 0 ? half : 1) * sizeof *v);
    int st;
    if (!net || !u || !v) {
        st = sim_error_set(err, SIM_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        goto fail;
    }
    if ((st = network_alloc_row(net, err))) goto fail;

    for (int fill = 0; fill <= 1; fill++) {
        if (fill) {
            network_counts_to_starts(net->row, n);
            if ((st = network_alloc_col(net, err))) goto fail;
        }
        for (int32_t i0 = 0; half > 0 && i0 < n; i0 += per) {
            int32_t i1 = n - i0 > per ? i0 + per : n;
#pragma omp parallel for schedule(static) if (i1 - i0 >= SIM_PARALLEL_MIN)
            for (int32_t i = i0; i < i1; i++) {
                size_t at = (size_t)(i - i0) * (size_t)half;
                ws_right_ends(key, n, half, threshold, i, v + at);
                for (int32_t j = 0; j < half; j++) u[at + (size_t)j] = i;
            }
            network_ties_apply(net->row, net->col, u, v, (int64_t)(i1 - i0) * half, fill);
        }
    }
    network_ends_to_starts(net->row, n);
    network_csr_finish(net);
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
