/* uncertainty.h: parameter uncertainty: probability distributions over
 * numeric scenario keys, read from the `uncertainty:` section of a scenario
 * or experiment file, and the values each parameter draw gives them.
 *
 * The section:
 *
 *   uncertainty:
 *     include: priors_genai.yaml   # optional: another file's uncertainty section (relative to
 *                                  #   this file; a list of files is taken in order)
 *     replicates_per_draw: 1       # optional: stochastic replicates per parameter draw
 *     parameters:                  # key path (dotted, or nested mappings): distribution
 *       model.genai.use.peers: {distribution: uniform, min: 1.0, max: 2.0}
 *       model.genai.use.intercept: {distribution: normal, mean: -3.4, sd: 0.2}
 *       interventions.vanguard.meeting_skill: {distribution: beta, alpha: 2, beta: 5, min: 0, max: 0.2}
 *       interventions.training.every: {distribution: choice, values: [14, 30, 60]}
 *
 * Distributions and their fields (every named field required, none other
 * allowed):
 *   uniform       min, max
 *   log_uniform   min, max (0 < min): log of the value uniform
 *   normal        mean, sd; optional min, max (default: the key's bounds)
 *   lognormal     median, sdlog (the log of the value is normal with mean
 *                 log(median) and sd sdlog); optional min, max
 *   beta          alpha, beta; optional min, max (default 0 and 1): min + (max - min) x Beta(alpha, beta)
 *   triangular    min, mode, max
 *   choice        values: a list of numbers, each as likely
 * normal and lognormal are truncated to [min, max] by inversion (GSL's
 * gsl_cdf_ugaussian_Pinv / Qinv); a truncation that keeps less than 1% of
 * the distribution is an error.  Every other family must lie within the
 * key's bounds (its range, its choices).  Values of whole-number keys are
 * rounded to the nearest whole number.
 *
 * Draws: the values of draw d are a pure function of (seed, d, key path):
 * parameter j is drawn from its own Philox stream, key (seed, d) and counter
 * (h0, h1, RNG_PURPOSE_UNCERTAINTY, block) with (h0, h1) a 64-bit FNV-1a
 * hash of the key path; the uniforms go through GSL's gsl_ran_* and
 * gsl_cdf_* functions.  So a draw does not depend on the order of the keys,
 * on the other keys, on threads or on which scenario or sweep point uses it.
 *
 * A fit file of adoptsim calibrate gives the joint posterior of its keys:
 *
 *   uncertainty:
 *     posterior: fit.h5            # relative to this file
 *
 * Each of the fit's keys becomes a parameter of family posterior: draw d
 * picks one particle of the fit's last generation by weight (a uniform of
 * the stream keyed (seed, d) with counter the hash of the fit's path, the
 * same for every key of the fit, so the keys keep their joint posterior)
 * and takes that particle's values.  A key given in parameters too takes
 * that distribution instead (parameters are read after the posterior).
 *
 * Merging: definitions are taken in order (an included file's before the
 * including file's own parameters; a base scenario file's section before its
 * experiment's); a later definition of a key replaces an earlier one.
 *
 * Ownership: an uncertainty is a caller's struct (zeroed: no parameters);
 * uncertainty_free releases what it holds. */
#ifndef SIM_UNCERTAINTY_H
#define SIM_UNCERTAINTY_H

#include <stdint.h>
#include <gsl/gsl_rng.h>

#include "error.h"
#include "rng.h"
#include "scenario.h"

#define UNCERTAINTY_MAX_PARAMS 256
#define UNCERTAINTY_MAX_INCLUDES 8      /* include chains at most this deep */
#define UNCERTAINTY_MAX_CHOICES 1000
#define UNCERTAINTY_MIN_MASS 0.01       /* share of a normal or lognormal that truncation must keep */
/* Purpose word of the draws' streams: disjoint from models' (< 0x10000), the
 * network builder's (ENGINE + 1..6) and the sweep designs' (ENGINE + 0x100..) */
#define RNG_PURPOSE_UNCERTAINTY (RNG_PURPOSE_ENGINE + 0x400u)

typedef enum unc_family {
    UNC_UNIFORM, UNC_LOG_UNIFORM, UNC_NORMAL, UNC_LOGNORMAL, UNC_BETA, UNC_TRIANGULAR, UNC_CHOICE,
    UNC_POSTERIOR         /* the weighted particles of a fit file (posterior: FIT.h5) */
} unc_family;

/* One uncertain key. */
typedef struct unc_param {
    char *path;           /* the key path (owned) */
    unc_family family;
    double a, b, c;       /* uniform, log_uniform: min, max; normal: mean, sd; lognormal: median,
                             sdlog; beta: alpha, beta; triangular: min, mode, max */
    double lo, hi;        /* the values' range: [min, max], or where the normal is truncated */
    double cut_lo, cut_hi;/* normal, lognormal: standard normal P at lo and hi, or Q (upper tail)
                             when upper_tail, for the inversion */
    int upper_tail;
    double *values;       /* choice: n_values values; posterior: the key's value in each of the
                             n_values particles (owned) */
    int n_values;
    double *cum_weights;  /* posterior: cumulative weights of the particles, the last 1 (owned) */
    int whole;            /* the key takes whole numbers: values are rounded */
    uint32_t h0, h1;      /* hash of path: the stream's counter */
    char *file;           /* the file the distribution is written in (owned) */
    int line, column;     /* its key there */
    char *section_file;   /* the scenario or experiment file whose section brought it (the same
                             as file unless included; owned) */
    int included;         /* it comes from an included file */
    char *text;           /* the distribution in one line, every number exact: "uniform(min=1, max=2)"
                             (owned) */
} unc_param;

typedef struct uncertainty {
    int n;
    unc_param *p;         /* n parameters, in the order first defined (owned) */
    int32_t per_draw;     /* replicates per draw (1 when not given) */
    int per_draw_given;   /* replicates_per_draw was set in a section */
    char *file;           /* the file of the last section read (owned), NULL: none */
    int line, column;     /* its `uncertainty` key */
} uncertainty;

/* Read the uncertainty section of the top-level mapping root of doc (the
 * file `file`): `uncertainty:` and the dotted `uncertainty.include`,
 * `uncertainty.replicates_per_draw`, `uncertainty.parameters`; merge it
 * into u.  Key paths are checked against scn (the scenario the file
 * belongs to: a key of its table, numeric, not a run.*, output.*,
 * network.* or organization.* key) and ranges against the keys' bounds.
 * Errors name file:line:column and the key; on error u may hold part of
 * the section (the caller frees it).  *found (may be NULL) is set to 1 when
 * the file has a section. */
struct yaml_document_s;
struct yaml_node_s;
int uncertainty_read(uncertainty *u, struct yaml_document_s *doc, struct yaml_node_s *root, const char *file,
                     const scenario *scn, int *found, sim_error *err);

/* The same for the file at path, read as a scenario file is (input.h caps,
 * nesting); a file without a section adds nothing. */
int uncertainty_load_file(uncertainty *u, const char *path, const scenario *scn, sim_error *err);

void uncertainty_free(uncertainty *u); /* u is left empty (n 0, per_draw 1) */

/* The index of path among u's parameters, -1 when it is not uncertain. */
int uncertainty_find(const uncertainty *u, const char *path);

/* Remove parameter j (later ones move down). */
void uncertainty_remove(uncertainty *u, int j);

/* Parameter p's value in draw `draw` of seed (see above).  r is a gsl_rng
 * from rng_gsl_alloc (any stream: it is repointed). */
double uncertainty_value(const unc_param *p, gsl_rng *r, uint32_t seed, uint32_t draw);

/* All u->n values of a draw into out[0..n). */
void uncertainty_draw(const uncertainty *u, gsl_rng *r, uint32_t seed, uint32_t draw, double *out);

/* The log of p's density at x up to a constant (the same for every x:
 * what weights of importance sampling need), -INFINITY outside its support
 * (its range; choice: not one of its values).  Rounding of whole-number keys
 * is not modelled. */
double uncertainty_log_density(const unc_param *p, double x);

/* The name of a family ("uniform", ...). */
const char *uncertainty_family_name(unc_family f);

#endif
