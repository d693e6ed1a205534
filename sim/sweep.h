/* sweep.h: designs of parameter sweeps.  Each fills points in the unit cube
 * or from value lists; experiment.c maps them onto parameter ranges.
 *
 * Points are row-major: point i's value of parameter j is out[i * n_params + j].
 * Ownership: the caller allocates out. */
#ifndef SIM_SWEEP_H
#define SIM_SWEEP_H

#include <stdint.h>

/* Largest dimension GSL's Sobol generator supports. */
#define SWEEP_SOBOL_MAX_PARAMS 40

/* Cartesian product of the value lists (parameter 0 varies slowest):
 * prod(n_values) points. */
void sweep_grid(int n_params, const int *n_values, const double *const *values, double *out);

/* Latin hypercube of n_points in [0,1)^n_params: each parameter's range is
 * cut into n_points equal strata and each stratum holds exactly one point,
 * at a uniform position inside it; strata are paired across parameters by
 * independent random permutations (GSL's gsl_ran_shuffle) drawn from Philox
 * keyed by seed, so the design depends on the seed only.  Returns 0, or -1
 * when out of memory. */
int sweep_latin_hypercube(int n_params, int n_points, uint32_t seed, double *out);

/* The first n_points points of the Sobol sequence in [0,1)^n_params (GSL's
 * gsl_qrng_sobol; n_params <= SWEEP_SOBOL_MAX_PARAMS).  Returns 0, or -1 when
 * GSL cannot allocate the generator. */
int sweep_sobol(int n_params, int n_points, double *out);

#endif
