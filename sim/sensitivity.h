/* sensitivity.h: `adoptsim sensitivity`: global sensitivity indices of one
 * outcome from a results file whose sweep is a Morris or a Saltelli design
 * (sweep.h), computed from nothing but the file (its swept values, the
 * design in the unit cube sweep_unit, each key's range and the design's
 * attributes).
 *
 * The outcome of a point: an observable the model declares, or one of its
 * report outcomes (sim_outcome: a VALUE, a SHARE, or a FIRST_DAY, the first
 * stored day a share is reached), at one day (the stored day nearest to
 * it), optionally for one generation or level (the _by_generation or
 * _by_level variable), for one scenario or as the paired difference of a
 * scenario and the baseline (replicate r minus replicate r: the sensitivity
 * of an intervention's effect).  With several replicates, a point's outcome
 * is its mean over the replicates; every point of a replicate shares its
 * random numbers (common random numbers), so the differences between points
 * carry little noise.
 *
 * Morris (Morris 1991; mu* of Campolongo et al. 2007): per key, the
 * elementary effects EE = (f(b) - f(a)) / (x_b - x_a) over the steps a -> b
 * of the trajectories that move it, x the values actually run (after the log
 * mapping and the rounding of whole-number keys: a step that rounding
 * collapses to no change is left out and counted); their mean mu, mean
 * absolute value mu* and standard deviation sigma (n - 1), in the key's
 * units and scaled by the range (the change of x as a share of the range,
 * of log x for a log scale: the effect of moving across the whole range).
 * Ranked by the scaled mu*.
 *
 * Sobol (Saltelli's design of N base rows): with f_A, f_B, f_ABi the outputs
 * of the matrices, centred on the mean of all the design's outputs,
 * V = variance (1/n) of f_A and f_B together, first order S_i =
 * mean(f_B (f_ABi - f_A)) / V (Saltelli et al. 2010), total order ST_i =
 * mean((f_A - f_ABi)^2) / 2 / V (Jansen 1999), and the sum of the S_i.
 * Intervals: B bootstrap resamples of the N rows with replacement (the same
 * rows for every index of a resample), drawn from Philox keyed by the seed,
 * 95% percentile intervals (GSL's gsl_stats_quantile_from_sorted_data).
 *
 * Ownership: sensitivity_result_free releases what the estimators fill. */
#ifndef SIM_SENSITIVITY_H
#define SIM_SENSITIVITY_H

#include <stdint.h>
#include <stdio.h>

#include "error.h"
#include "model.h"
#include "report.h"

typedef struct sensitivity_options {
    const char *outcome;        /* an observable or a report outcome id of the file's model */
    int32_t day;                /* the day (the nearest stored one is used); < 0: the last */
    const char *scenario;       /* NULL: the baseline (with difference: the one other scenario) */
    const char *group;          /* NULL, a generation ("gen_z") or "level:N" */
    int difference;             /* the scenario minus the baseline, replicate by replicate */
    report_format format;
    int bootstrap;              /* B resamples (Sobol); 0: none */
    uint32_t seed;              /* of the resampling */
    const sim_model_type *(*model_of)(const char *name);
} sensitivity_options;

/* The indices of k keys. */
typedef struct sensitivity_result {
    int k;
    /* Morris: [k] each, in the key's units and scaled by the range */
    int *n;                     /* elementary effects used */
    int *collapsed;             /* steps left out: rounding made them no change */
    double *mu, *mu_star, *sigma;
    double *mu_s, *mu_star_s, *sigma_s;
    /* Sobol: [k] each, NaN bounds without bootstrap */
    double *s1, *s1_lo, *s1_hi, *st, *st_lo, *st_hi;
    double sum_s1, sum_lo, sum_hi;
    double variance;            /* V */
} sensitivity_result;

void sensitivity_result_free(sensitivity_result *res);

/* Morris's statistics of outputs y[P] over the design: r trajectories of
 * k + 1 points; unit[p * k + j] the design in the unit cube, x[j * P + p]
 * the values run, lo, hi, log_scale[j] each key's range.  SIM_EINPUT when
 * consecutive points of a trajectory do not differ in exactly one key. */
int sensitivity_morris(int k, int r, const double *unit, const double *x, const double *lo, const double *hi,
                       const int *log_scale, const double *y, sensitivity_result *res, sim_error *err);

/* Sobol's indices of outputs y[N (k + 2)] of Saltelli's design, with B
 * bootstrap resamples drawn from seed. */
int sensitivity_sobol(int k, int n, const double *y, int B, uint32_t seed, sensitivity_result *res, sim_error *err);

/* Read the file at path, compute the indices of opt->outcome and write them
 * to out.  SIM_EINPUT: not an adoptsim results file, no Morris or Saltelli
 * design in it, an outcome, scenario or group it does not have (an
 * observable output.observables left out is named), missing runs; SIM_EIO:
 * it cannot be read or out written. */
int sensitivity_write(const char *path, const sensitivity_options *opt, FILE *out, sim_error *err);

#endif
