/* erdos_renyi.c: random graphs G(n, p) for the tests (see erdos_renyi.h). */
#include "erdos_renyi.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

sim_network *erdos_renyi(int32_t n, double mean_degree, rng_key key, uint32_t purpose)
{
    const double p = mean_degree / (double)(n - 1);
    cr_assert(n >= 2 && p > 0 && p < 1, "G(%d, %g)", (int)n, p);
    const double log_q = log1p(-p);
    int64_t cap = (int64_t)(mean_degree * n / 2 + 10 * sqrt(mean_degree * n) + 16), m = 0;
    int32_t *u = malloc((size_t)cap * sizeof *u), *v = malloc((size_t)cap * sizeof *v);
    cr_assert(u && v);
    /* Walk the pairs (a, b), b < a, in order a = 1, 2, ..., skipping a
     * geometric number of pairs between two ties. */
    int64_t a = 1, b = -1;
    uint32_t draw = 0;
    while (a < n) {
        double r = rng_uniform(key, draw++, 0, purpose); /* [0, 1): 1 - r > 0 */
        b += 1 + (int64_t)floor(log1p(-r) / log_q);
        while (b >= a && a < n) {
            b -= a;
            a++;
        }
        if (a >= n) break;
        if (m == cap) {
            cap *= 2;
            u = realloc(u, (size_t)cap * sizeof *u);
            v = realloc(v, (size_t)cap * sizeof *v);
            cr_assert(u && v);
        }
        u[m] = (int32_t)a;
        v[m] = (int32_t)b;
        m++;
    }
    sim_network *net = NULL;
    sim_error err;
    char buf[2048];
    cr_assert_eq(network_from_edges(n, u, v, m, &net, &err), SIM_OK, "%s",
                 sim_error_format(&err, buf, sizeof buf));
    free(u);
    free(v);
    return net;
}
