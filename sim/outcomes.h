/* outcomes.h: the outcomes a model declares (sim_outcome in model.h),
 * computed from a results file for `adoptsim report`: for each reported day,
 * outcome, scenario and sweep point, the estimate over the completed
 * replicates (stats.h) and the paired difference against the baseline.
 *
 * - VALUE: the observable at the day; SHARE: 100 x observable / denominator
 *   per run, then summarised (undefined when a denominator is 0).
 * - paired difference: replicate r of the scenario minus replicate r of the
 *   baseline at the same sweep point, over the replicates completed in both
 *   (they share their random numbers), summarised like any outcome.
 * - PER_UNIT: the ratio of the mean paired differences in the observable and
 *   in `of` (stats_ratio_ci), for scenarios other than the baseline.
 * - FIRST_DAY: per run, the first day the observable reaches share x `of`;
 *   when some runs never get there no mean is given (it would be biased) but
 *   "not reached in k of n".
 *
 * The file is read once: per (scenario, point), blocks of replicates' series
 * of the observables the outcomes need, at most 32 MiB at a time.
 *
 * Files with parameter draws (resultfile.h) get, for VALUE and SHARE
 * outcomes, the statistics of parameter uncertainty (outcome_uncertain):
 * - the mean over draws: each draw's mean over its completed replicates,
 *   then their mean with a t interval over the draws (with one replicate
 *   per draw, the plain mean and interval);
 * - the 5% and 95% quantiles over the completed runs (and over the paired
 *   differences): where 90% of single runs fall, parameters and chance
 *   together;
 * - P(better than the baseline): per draw, the share of its paired
 *   replicates whose paired difference is positive (negative for an
 *   outcome where less is better, ties count as not better); the mean of
 *   those shares over the draws, with a Wilson interval over the draws;
 * - rank shares, for 2 to OUTCOMES_MAX_RANKED scenarios: in each replicate
 *   completed in every scenario (at the point), each scenario's rank among
 *   all of them (1 = best; tied scenarios share the ranks they span equally),
 *   averaged over the replicates of a draw, then over the draws;
 * - with several replicates per draw, the share of the variance of the
 *   outcome (and of the paired difference) due to the parameters, by the
 *   law of total variance over the draws (stats_variance_by_group).
 *
 * Ownership: outcomes_compute fills a caller's grid; outcomes_free releases it. */
#ifndef SIM_OUTCOMES_H
#define SIM_OUTCOMES_H

#include <stdint.h>
#include "error.h"
#include "model.h"
#include "resultfile.h"
#include "stats.h"

#define OUTCOMES_MAX_DAYS 32

typedef struct outcome_cell {
    int present;
    stats_estimate v;    /* the outcome (PER_UNIT: the ratio) */
    stats_estimate d;    /* paired difference against the baseline; d.n == 0: none */
    char note[160];      /* why a number is missing, what was clipped */
} outcome_cell;

#define OUTCOMES_MAX_RANKED 32

/* An outcome under parameter uncertainty (see above). */
typedef struct outcome_uncertain {
    int present;         /* computed: a file with draws, a VALUE or SHARE outcome defined in every run */
    stats_estimate v;    /* mean over draws, t interval over the draws' means (v.n: draws) */
    stats_estimate d;    /* the same for the paired difference against the baseline (d.n == 0: none) */
    int runs, pairs;     /* the runs and paired replicates the quantiles use */
    double q05, q95;     /* quantiles of the runs */
    double d_q05, d_q95; /* quantiles of the paired differences */
    stats_estimate better; /* P(better than the baseline), Wilson interval over the draws (better.n) */
    double share, d_share; /* share of the variance from the parameters; NaN: not defined */
} outcome_uncertain;

typedef struct outcome_grid {
    const result_file *f;
    const sim_outcome *out;    /* the model's outcomes */
    int n_out;
    int *avail;                /* [o]: computed (PER_UNIT needs two scenarios; every outcome
                                  needs its observables in the file) */
    const char **lacks;        /* [o]: the observable the file does not keep (output.observables)
                                  that outcome o needs, NULL when it has them */
    int n_days;
    int32_t days[OUTCOMES_MAX_DAYS];       /* reported days (stored days), ascending, distinct */
    int index[OUTCOMES_MAX_DAYS];          /* their time indices in the file */
    char clipped[OUTCOMES_MAX_DAYS][96];   /* "90, 180" when requested days were clipped to days[k] */
    char moved[OUTCOMES_MAX_DAYS][96];     /* "90" when requested days the file does not store were
                                              reported at days[k], the nearest stored day */
    outcome_cell *cells;       /* [((k * n_out + o) * S + s) * P + p]; FIRST_DAY at k = 0 */
    /* with parameter draws (f->n_unc > 0): */
    outcome_uncertain *unc;    /* same index as cells (NULL: a file without draws) */
    int ranked;                /* 2 <= S <= OUTCOMES_MAX_RANKED: rank shares computed */
    double *ranks;             /* [cell * S + i]: share of draws the scenario ranks i + 1 (1 = best) */
    int *rank_draws;           /* [cell of scenario 0]: draws with a replicate complete in every scenario */
} outcome_grid;

/* Compute every outcome of f's model at the requested days (n_days of them;
 * 0: 90, 180, 365; days past the end clipped to the last day; a day the
 * file does not store (output.every, output.days) taken at the nearest
 * stored day) against f->baseline.  FIRST_DAY outcomes are the first stored
 * day the share is reached.  Outcomes whose observables the file does not
 * keep are not computed (avail 0, lacks says which). */
int outcomes_compute(outcome_grid *g, result_file *f, const int32_t *days, int n_days, sim_error *err);
void outcomes_free(outcome_grid *g);

static inline outcome_cell *outcomes_cell(const outcome_grid *g, int k, int o, int s, int p)
{
    return &g->cells[(((size_t)k * (size_t)g->n_out + (size_t)o) * (size_t)g->f->S + (size_t)s) * (size_t)g->f->P +
                     (size_t)p];
}

static inline size_t outcomes_index(const outcome_grid *g, int k, int o, int s, int p)
{
    return (((size_t)k * (size_t)g->n_out + (size_t)o) * (size_t)g->f->S + (size_t)s) * (size_t)g->f->P + (size_t)p;
}

static inline outcome_uncertain *outcomes_unc(const outcome_grid *g, int k, int o, int s, int p)
{
    return &g->unc[outcomes_index(g, k, o, s, p)];
}

/* The S rank shares of scenario s (NULL when not ranked). */
static inline const double *outcomes_ranks(const outcome_grid *g, int k, int o, int s, int p)
{
    return g->ranked ? g->ranks + outcomes_index(g, k, o, s, p) * (size_t)g->f->S : NULL;
}

/* An observable's name as words: "regular users" (buf of size bytes). */
const char *outcomes_words(const char *observable, char *buf, size_t size);

#endif
