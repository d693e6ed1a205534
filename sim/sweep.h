/* sweep.h: designs of parameter sweeps, one row of a table per method (name,
 * the options it takes, its point count and its generator).  A range method
 * fills points in the unit cube, which experiment.c maps onto the
 * parameters' ranges (linear, or log-uniform for scale: log); grid and list
 * combine value lists.
 *
 * Points are row-major: point i's value of parameter j is out[i * k + j].
 *
 * The designs for sensitivity analysis (sensitivity.h reads them back from
 * the results file):
 * - morris: r trajectories of k + 1 points each on a p-level grid {0, 1/(p-1),
 *   ..., 1} (Morris 1991, p even).  delta = p / (2 (p - 1)).  Trajectory t
 *   is points t (k + 1) .. t (k + 1) + k: a random base x* with each
 *   coordinate on the levels {0, ..., 1 - delta}, a random direction per
 *   coordinate (start at x* and step +delta, or start at x* + delta and step
 *   -delta), and a random order of the k steps; point m differs from point
 *   m - 1 in exactly one coordinate, by delta.  Every draw comes from Philox
 *   keyed by the seed (rng.h), so the design depends on the seed only.
 * - saltelli: Saltelli's design for first- and total-order Sobol indices
 *   over N base rows: the first N points of GSL's Sobol sequence in 2k
 *   dimensions give A (columns 0..k-1) and B (columns k..2k-1); the design
 *   is, in this order, A (points 0..N-1), B (N..2N-1), then for each
 *   parameter i the matrix AB_i, A with column i taken from B (points
 *   (2 + i) N .. (3 + i) N - 1): N (k + 2) points.
 *
 * Ownership: the caller allocates out (sweep_count points x k). */
#ifndef SIM_SWEEP_H
#define SIM_SWEEP_H

#include <stdint.h>

/* Largest dimension GSL's Sobol generator supports. */
#define SWEEP_SOBOL_MAX_PARAMS 40
/* Saltelli's design draws 2k Sobol dimensions. */
#define SWEEP_SALTELLI_MAX_PARAMS (SWEEP_SOBOL_MAX_PARAMS / 2)

/* The options a method may take (sweep.<option> in an experiment file). */
enum {
    SWEEP_OPT_POINTS = 1,        /* sweep.points */
    SWEEP_OPT_TRAJECTORIES = 2,  /* sweep.trajectories */
    SWEEP_OPT_LEVELS = 4         /* sweep.levels */
};

/* What a generator needs.  Value methods use n_values and values; range
 * methods points, trajectories, levels and seed. */
typedef struct sweep_settings {
    int k;                          /* parameters */
    long long points;               /* latin_hypercube, sobol: points; saltelli: N */
    int trajectories, levels;       /* morris: r and p */
    uint32_t seed;                  /* latin_hypercube, morris */
    const int *n_values;            /* grid, list: each parameter's number of values */
    const double *const *values;    /* grid, list: each parameter's values */
} sweep_settings;

typedef struct sweep_method {
    const char *name;
    int ranges;                     /* 1: parameters are {min, max[, scale]} ranges and the
                                       design is in the unit cube; 0: lists of values */
    unsigned options;               /* SWEEP_OPT_* the method takes (and requires) */
    int max_params;                 /* most parameters it can vary */
    /* The number of points for s (s->k parameters), checked before generate. */
    long long (*count)(const sweep_settings *s);
    /* Fill out (count x k).  Returns 0, or -1 when out of memory. */
    int (*generate)(const sweep_settings *s, double *out);
} sweep_method;

/* The methods, closed by a row whose name is NULL. */
extern const sweep_method sweep_methods[];

/* The method named name, NULL if none. */
const sweep_method *sweep_method_find(const char *name);

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

/* Morris's r trajectories over k parameters on a p-level grid (p even, see
 * above): r (k + 1) points.  Returns 0, or -1 when out of memory. */
int sweep_morris(int k, int r, int p, uint32_t seed, double *out);

/* Saltelli's design with N base rows over k <= SWEEP_SALTELLI_MAX_PARAMS
 * parameters (see above): N (k + 2) points.  Returns 0, or -1 when out of
 * memory. */
int sweep_saltelli(int k, int n, double *out);

#endif
