/* engine.h: runs a model over a network for run.days days and run.replicates
 * replicates, recording every observable every day.
 *
 * Ownership: engine_run allocates the results; engine_results_free frees them. */
#ifndef SIM_ENGINE_H
#define SIM_ENGINE_H

#include <stdint.h>
#include "error.h"
#include "model.h"
#include "network.h"
#include "params.h"
#include "scenario.h"

typedef struct sim_results {
    const sim_model_type *model;
    int n_obs;            /* model->n_observables */
    int32_t n_rep;        /* replicates */
    int32_t n_time;       /* days + 1 (day 0 is the initial state) */
    double *data;         /* [obs][rep][time], row-major (owned) */
    int32_t n_levels;     /* levels of the organization; 0 when there are no breakdowns */
    double *by_generation; /* [obs][rep][time][NET_GENERATIONS] (owned; NULL without breakdowns) */
    double *by_level;      /* [obs][rep][time][n_levels] (owned; NULL without breakdowns) */
    int n_agent_fields;   /* fields of the final per-agent table; 0 without it */
    int32_t n_agents;
    double *agents;       /* [field][rep][agent] at the last day (owned; NULL without it) */
    uint32_t seed;
    double seconds;       /* wall time of the simulation, excluding setup and output */
    int64_t agent_steps;  /* agents * days * replicates */
} sim_results;

/* Rows run.* and output.* of the parameter table. */
extern const param_def engine_params[];

/* Where engine_replicate writes one replicate's series: observable k at day t
 * goes to data[k * stride + t]; grouped observable k's values for day t to
 * by_generation[k * gen_stride + t * NET_GENERATIONS + g] and
 * by_level[k * lev_stride + t * n_levels + l].  by_generation NULL: no
 * breakdowns.  The buffers are the caller's. */
typedef struct engine_series {
    double *data;
    size_t stride;
    double *by_generation;
    size_t gen_stride;
    double *by_level;
    size_t lev_stride;
    int32_t n_levels;
} engine_series;

/* Run one replicate (ctx->key names it) of a model whose state was
 * allocated for ctx: init, observe day 0, then step and observe each day to
 * ctx->days.  values, gen_values and lev_values are scratch of n_observables,
 * n_observables * NET_GENERATIONS and n_observables * n_levels doubles.  No
 * allocation: callers run many replicates, one per thread, with this. */
void engine_replicate(const sim_model_type *model, void *state, const sim_context *ctx,
                      const engine_series *out, double *values, double *gen_values,
                      double *lev_values);

/* Run the whole scenario.  Threads are whatever OpenMP is set to; results do
 * not depend on it. */
int engine_run(const sim_model_type *model, const scenario *scn, const sim_network *net,
               sim_results **out, sim_error *err);

void engine_results_free(sim_results *res); /* NULL is a no-op */

/* Value of observable obs in replicate rep at day t. */
static inline double engine_result(const sim_results *res, int obs, int32_t rep, int32_t t)
{
    return res->data[((size_t)obs * (size_t)res->n_rep + (size_t)rep) * (size_t)res->n_time + (size_t)t];
}

/* Grouped observable obs, replicate rep, day t: pointer to its
 * NET_GENERATIONS values by generation / n_levels values by level. */
static inline const double *engine_result_by_generation(const sim_results *res, int obs, int32_t rep, int32_t t)
{
    return res->by_generation +
           (((size_t)obs * (size_t)res->n_rep + (size_t)rep) * (size_t)res->n_time + (size_t)t) * NET_GENERATIONS;
}

static inline const double *engine_result_by_level(const sim_results *res, int obs, int32_t rep, int32_t t)
{
    return res->by_level +
           (((size_t)obs * (size_t)res->n_rep + (size_t)rep) * (size_t)res->n_time + (size_t)t) * (size_t)res->n_levels;
}

/* Seconds on a monotonic clock. */
double engine_clock(void);

#endif
