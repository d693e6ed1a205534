/* sweep.c: grid, Latin hypercube and Sobol designs (see sweep.h). */
#include "sweep.h"

#include <stdlib.h>

#include <gsl/gsl_qrng.h>
#include <gsl/gsl_randist.h>

#include "rng.h"

/* Purpose word of the sweep's random streams (disjoint from models' and the
 * network builder's). */
#define RNG_PURPOSE_SWEEP (RNG_PURPOSE_ENGINE + 0x100u)

void sweep_grid(int n_params, const int *n_values, const double *const *values, double *out)
{
    int total = 1;
    for (int j = 0; j < n_params; j++) total *= n_values[j];
    for (int i = 0; i < total; i++) {
        int rest = i;
        for (int j = n_params - 1; j >= 0; j--) {
            out[(size_t)i * (size_t)n_params + (size_t)j] = values[j][rest % n_values[j]];
            rest /= n_values[j];
        }
    }
}

int sweep_latin_hypercube(int n_params, int n_points, uint32_t seed, double *out)
{
    gsl_rng *r = rng_gsl_alloc();
    size_t *strata = malloc((size_t)n_points * sizeof *strata);
    if (!r || !strata) {
        if (r) gsl_rng_free(r);
        free(strata);
        return -1;
    }
    for (int j = 0; j < n_params; j++) {
        rng_gsl_stream(r, rng_key_make(seed, 0), (uint32_t)j, 0, RNG_PURPOSE_SWEEP);
        for (int i = 0; i < n_points; i++) strata[i] = (size_t)i;
        gsl_ran_shuffle(r, strata, (size_t)n_points, sizeof *strata);
        for (int i = 0; i < n_points; i++)
            out[(size_t)i * (size_t)n_params + (size_t)j] =
                ((double)strata[i] + gsl_rng_uniform(r)) / (double)n_points;
    }
    free(strata);
    gsl_rng_free(r);
    return 0;
}

int sweep_sobol(int n_params, int n_points, double *out)
{
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)n_params);
    if (!q) return -1;
    for (int i = 0; i < n_points; i++) gsl_qrng_get(q, out + (size_t)i * (size_t)n_params);
    gsl_qrng_free(q);
    return 0;
}
