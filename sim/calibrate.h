/* calibrate.h: fitting a scenario's uncertain parameters to targets with
 * ABC-SMC (approximate Bayesian computation by sequential Monte Carlo), the
 * fit file it writes and its report (adoptsim calibrate, adoptsim report).
 *
 * The calibration file (CAL.yaml):
 *
 *   scenario: firm_500.yaml     # the base scenario (relative to this file)
 *   set: {run.days: 120}        # optional: scenario keys set for the fit
 *   seed: 1                     # optional: default the scenario's run.seed
 *   uncertainty:                # the priors: uncertainty.h's syntax (include, parameters);
 *     parameters:               #   continuous families only, no whole-number keys
 *       model.genai.use.peers: {distribution: uniform, min: 1, max: 2}
 *   targets:                    # point targets (a list)
 *     - observable: monthly_active   # any observable of the model
 *       day: 120                # a day, "4m", "17w", a date (with run.start_date) ...
 *       # window: [90, 120]     # ... or the mean over days first..last
 *       group: all              # all | {generation: gen_z} | {level: 2} | {team: Sales}
 *                               #   (an organization; a team as target.teams names it)
 *       value: 260              # the observed value
 *       sd: 10                  # its standard error, or tolerance: 10 (either: the scale)
 *   series:                     # optional: counts of an admin console's CSV export
 *     file: licences.csv        # a header line, then one row per date (empty cells: gaps)
 *     date: date                # the column of dates after run.start_date, or day numbers
 *     columns: {monthly_active: monthly_active}   # CSV column: count observable
 *     observation: binomial     # sd of a count c of the n staff: max(sqrt(n p (1 - p)), min_sd),
 *                               #   p = c / n (min_sd 1); or normal, with sd:
 *   abc:                        # optional, defaults shown
 *     particles: 200            # N: particles per generation
 *     quantile: 0.5             # next tolerance: this quantile of the particles' distances
 *     final_tolerance: 1        # stop once the tolerance is at or below this
 *     min_acceptance: 0.02      # stop after a generation accepting fewer proposals than this
 *     max_runs: 20000           # stop before a generation would need more simulations
 *     max_generations: 20
 *
 * Distance: d = sqrt(sum_k ((sim_k - value_k) / scale_k)^2) over the targets
 * (each residual in units of its standard error or tolerance; sim_k the
 * target's observable in its group at its day, or its mean over the window).
 *
 * Method (Beaumont et al. 2009, the tolerance schedule of Del Moral et al.
 * 2012): generation 0 takes N draws from the priors (draws 0..N-1 of
 * uncertainty.h with the seed), all accepted.  Generation t >= 1 sets its
 * tolerance eps_t to the `quantile` quantile of the current particles'
 * distances (never above eps_{t-1}, never below final_tolerance), then
 * proposes in batches: proposal q picks a particle by weight and moves it
 * with a Gaussian kernel of twice the weighted covariance of the particles
 * (Cholesky factor, gsl_linalg), redrawn while it lies outside the priors'
 * support, all from the Philox stream keyed (seed, t) with counter (q,
 * RNG_PURPOSE_CALIBRATE): so the proposals depend on (seed, t, q) only.  A
 * batch runs through pipeline_batch (every simulation has its own random key
 * (seed, number of simulations before it)); the first N proposals, in
 * proposal order, with d <= eps_t are the new particles, weighted
 * w_i ~ prior(theta_i) / sum_j w_j K(theta_i | theta_j).  So the fit is the
 * same for any thread count.  Stops: eps_t <= final_tolerance (converged),
 * a generation's acceptance rate below min_acceptance, max_generations, or a
 * generation that would exceed max_runs (it is dropped: the previous one is
 * the result).  Then each final particle is simulated once more (new random
 * keys): the posterior predictive values of the targets and the daily
 * curves of the targeted observables.
 *
 * Resume: after each generation the generations so far are written to
 * <FIT>.part; after a kill, --resume goes on from the last one and the fit
 * equals an uninterrupted one (calibrate.c).
 *
 * Ownership: calibrate_load allocates a cal_config; calibrate_free frees it. */
#ifndef SIM_CALIBRATE_H
#define SIM_CALIBRATE_H

#include <stdint.h>
#include <stdio.h>
#include "error.h"
#include "experiment.h"
#include "pipeline.h"

#define CAL_MAX_TARGETS 4096
#define RNG_PURPOSE_CALIBRATE (RNG_PURPOSE_ENGINE + 0x500u)

typedef enum cal_group { CAL_ALL, CAL_GENERATION, CAL_LEVEL, CAL_TEAM } cal_group;

typedef struct cal_target {
    int observable;       /* index into the model's observables */
    cal_group group;
    int group_index;      /* generation (network_generation_names), level or team (net->team_names) */
    int32_t first, last;  /* the days compared: the mean over first..last */
    double value;         /* observed */
    double scale;         /* standard error or tolerance (> 0) */
    int line, column;     /* the target's place in the calibration file */
    char label[128];      /* "monthly_active, day 120" */
} cal_target;

typedef struct cal_config {
    char *file;               /* the calibration file */
    char *scenario_file;      /* the base scenario's path */
    experiment *ex;           /* the base scenario as an experiment; ex->unc: the priors;
                                 ex->output.by_team set when a target is a team's */
    pipeline_batch *batch;    /* ex's network, built at load (group checks need it) */
    int n_targets;
    cal_target *targets;
    int particles;
    double quantile, final_tolerance, min_acceptance;
    long long max_runs;
    int max_generations;
} cal_config;

/* Read and check the calibration file path (the scenario with sets, the
 * command line's "key=value" --threads/--seed, applied): every error names
 * file:line:column and the key, before anything runs. */
int calibrate_load(const char *path, const experiment_catalog *cat, const char *const *sets, int n_sets,
                   cal_config **out, sim_error *err);
void calibrate_free(cal_config *c); /* NULL is a no-op */

typedef struct calibrate_options {
    const char *path;          /* fit.h5 */
    int force;                 /* replace an existing file, start over from no checkpoint */
    int resume;                /* go on from the checkpoint <path>.part of an interrupted fit */
    int threads;               /* recorded */
    const char *command_line;  /* recorded */
    /* progress (NULL: none): one line per generation */
    void (*progress)(const char *line, void *arg);
    void *progress_arg;
} calibrate_options;

typedef struct calibrate_summary {
    int generations;           /* kept in the file */
    long long runs;            /* simulations used (the predictive ones included) */
    double epsilon, acceptance;/* of the last generation */
    char stop[64];             /* why it stopped */
    double seconds;
} calibrate_summary;

/* Fit c and write the fit file (see calibrate.h's top; the layout is in
 * calibrate.c).  SIM_EINPUT when the file exists without force. */
int calibrate_run(const cal_config *c, const calibrate_options *opt, calibrate_summary *sum, sim_error *err);

/* 1 when path is a fit file (its title attribute says so). */
int calibrate_is_fit(const char *path);

/* The posterior of a fit file: its last generation (for uncertainty.h's
 * posterior: FIT.h5).  params[j] the key paths, theta[i * P + j] particle
 * i's values, w[i] its normalised weight.  calibrate_posterior_free frees. */
typedef struct calibrate_posterior {
    int N, P;
    char **params;
    double *theta, *w;
} calibrate_posterior;
int calibrate_posterior_read(const char *path, calibrate_posterior *out, sim_error *err);
void calibrate_posterior_free(calibrate_posterior *p);

/* The report of a fit file: the fit table, the posterior of each
 * parameter, their correlations (|r| > CAL_CORRELATION_FLAG flagged). */
#define CAL_CORRELATION_FLAG 0.7
int calibrate_report(const char *path, FILE *out, sim_error *err);

#endif
