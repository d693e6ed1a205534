/* erdos_renyi.h: random graphs G(n, p) for the tests (Watts's cascade window).
 *
 * The engine has no Erdos-Renyi generator; the tests build one here and hand
 * its edges to network_from_edges. */
#ifndef TESTS_ERDOS_RENYI_H
#define TESTS_ERDOS_RENYI_H

#include <stdint.h>
#include "network.h"

/* G(n, p) with p = mean_degree / (n - 1): every pair tied independently with
 * probability p, so degrees are Binomial(n - 1, p), about Poisson(mean_degree).
 * Batagelj and Brandes's skipping algorithm (Phys. Rev. E 71, 036113, 2005):
 * O(n + edges) work, draw d = rng_uniform(key, d, 0, purpose).  Aborts the
 * test on failure; the caller frees the network (network_free). */
sim_network *erdos_renyi(int32_t n, double mean_degree, rng_key key, uint32_t purpose);

#endif
